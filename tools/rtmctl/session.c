// SPDX-License-Identifier: GPL-2.0
/*
 * The registrations of one rtmctl process: one entity identity, registered
 * in each (RTM instance, address family) a command needs, on first use.
 */
#include <stdlib.h>

#include "rtmctl.h"

const char *session_entity_name(const struct session *s)
{
	static char buf[64];
	const char *name = protocol_name(s->protocol_id);

	if (name)
		snprintf(buf, sizeof(buf), "%s instance-id %u", name,
			 s->instance_id);
	else
		snprintf(buf, sizeof(buf), "protocol %u instance-id %u",
			 s->protocol_id, s->instance_id);
	return buf;
}

/*
 * @cb: the entity's event callback, or NULL.  One registration per table:
 * the first command to use a table decides whether it gets events.
 */
static struct reg *reg_get(struct session *s, USHORT table, USHORT family,
			   RTM_EVENT_CALLBACK cb)
{
	RTM_ENTITY_INFO info;
	struct reg *r, **regs;
	char what[128];
	DWORD status;
	size_t i;

	for (i = 0; i < s->nregs; i++) {
		r = s->regs[i];
		if (r->table != table || r->family != family)
			continue;
		if (cb && !r->events) {
			err("%s registered in table %u %s without events: give this command first",
			    session_entity_name(s), table, family_name(family));
			return NULL;
		}
		return r;
	}

	/* Each on its own: commands keep pointers to several at once. */
	regs = realloc(s->regs, (s->nregs + 1) * sizeof(*regs));
	if (!regs) {
		err("out of memory");
		return NULL;
	}
	s->regs = regs;
	r = calloc(1, sizeof(*r));
	if (!r) {
		err("out of memory");
		return NULL;
	}
	r->table = table;
	r->family = family;

	memset(&info, 0, sizeof(info));
	info.RtmInstanceId = table;
	info.AddressFamily = family;
	info.EntityId.EntityProtocolId = s->protocol_id;
	info.EntityId.EntityInstanceId = s->instance_id;
	/*
	 * Without a callback the entity gets no events, and the kernel deletes
	 * its routes whose time to live ran out.
	 */
	status = RtmRegisterEntity(&info, NULL, cb, FALSE, &r->profile,
				   &r->handle);
	if (status != NO_ERROR) {
		snprintf(what, sizeof(what), "cannot register %s in table %u %s",
			 session_entity_name(s), table, family_name(family));
		err_win32(what, "RtmRegisterEntity", status);
		free(r);
		return NULL;
	}
	r->events = cb != NULL;
	s->regs[s->nregs++] = r;
	return r;
}

struct reg *session_reg(struct session *s, USHORT table, USHORT family)
{
	return reg_get(s, table, family, NULL);
}

struct reg *session_reg_events(struct session *s, USHORT table,
			       USHORT family, RTM_EVENT_CALLBACK cb)
{
	return reg_get(s, table, family, cb);
}

void session_close(struct session *s)
{
	DWORD status;
	size_t i;

	for (i = s->nregs; i-- > 0;) {
		status = RtmDeregisterEntity(s->regs[i]->handle);
		if (status != NO_ERROR)
			err_win32("deregistering", "RtmDeregisterEntity", status);
		free(s->regs[i]);
	}
	free(s->regs);
	s->regs = NULL;
	s->nregs = 0;
}
