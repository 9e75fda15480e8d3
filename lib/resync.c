// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Lost events: what the library does when the kernel's event queue of a
 * registration overflowed.
 *
 * The kernel drops only RTM_ENTITY_REGISTERED and RTM_ENTITY_DEREGISTERED
 * events; it keeps route expiries and change notifications as state until
 * the queue has room (module/event.c).  A drop is signalled by the
 * RTM_EVENT_LOST flag on the newest record queued before it and on the first
 * record queued after it.  The dispatcher, once it has dispatched a flagged
 * record, resynchronises:
 *
 * - Entities.  The registration keeps the set of entities its callback
 *   knows of: those of the table when it registered (its baseline: it was
 *   never told of them, but it may have listed them) plus those it was told
 *   had registered, less those it was told had deregistered.  The resync
 *   reads the table's entities and raises RTM_ENTITY_DEREGISTERED for each
 *   known one gone and RTM_ENTITY_REGISTERED for each one not known, with
 *   Context1 and Context2 as the kernel's events have them.  Records still
 *   queued may then repeat what the resync said: an RTM_ENTITY_REGISTERED
 *   of a known entity, and once an event was lost an RTM_ENTITY_DEREGISTERED
 *   of an unknown one, are not passed on.  An entity that registered and
 *   deregistered entirely within the lost stretch is never reported: the
 *   table no longer shows it.
 *
 * - Change subscriptions.  Their changes wait in the kernel and are never
 *   lost, but the client is told of each of the registration's
 *   subscriptions with an RTM_CHANGE_NOTIFICATION (Context1 its handle,
 *   Context2 its NotifyContext), so that a client which only reads changes
 *   when told misses none.  RtmGetChangedDests may find nothing.
 *
 * - Route expiries are never lost: the kernel keeps an expired route in the
 *   owner's backlog, still in the table, until its RTM_ROUTE_EXPIRED fits.
 *
 * If the entities cannot be read (no memory) the resync is tried again
 * after the next record.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "dispatch.h"

struct known_entity {
	__u64 handle;
	RTM_ENTITY_INFO info;
	bool announced;		/* told of by an event or a resync */
};

/* Sorted by handle. */
struct librtm_known {
	struct known_entity *v;
	size_t n, cap;
	/* Read by a resync, and still held: its release failed. */
	RTM_ENTITY_HANDLE *stale;
	UINT nstale;
};

/*
 * Drop the references RTM_IOC_GET_ENTITIES took; 0 or -ENOMEM.  Tried
 * twice, since a passing failure would leave them held for the rest of
 * the registration.
 */
static int release_entities(struct librtm_reg *reg, RTM_ENTITY_HANDLE *h,
			    UINT n)
{
	if (!n || librtm_handles_ioctl(reg->fd, RTM_IOC_RELEASE,
				       RTM_KIND_ENTITY, n, (HANDLE *)h) ==
		  NO_ERROR)
		return 0;
	return librtm_handles_ioctl(reg->fd, RTM_IOC_RELEASE, RTM_KIND_ENTITY,
				    n, (HANDLE *)h) == NO_ERROR ? 0 : -ENOMEM;
}

static struct known_entity *known_find(struct librtm_known *k, __u64 handle,
				       size_t *pos)
{
	size_t lo = 0, hi = k->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (k->v[mid].handle == handle) {
			*pos = mid;
			return &k->v[mid];
		}
		if (k->v[mid].handle < handle)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return NULL;
}

static int known_insert(struct librtm_known *k, size_t pos,
			const struct known_entity *ke)
{
	struct known_entity *v;
	size_t cap;

	if (k->n == k->cap) {
		cap = k->cap ? 2 * k->cap : 16;
		v = realloc(k->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		k->v = v;
		k->cap = cap;
	}
	memmove(&k->v[pos + 1], &k->v[pos], (k->n - pos) * sizeof(*k->v));
	k->v[pos] = *ke;
	k->n++;
	return 0;
}

static void known_remove(struct librtm_known *k, size_t pos)
{
	memmove(&k->v[pos], &k->v[pos + 1], (k->n - pos - 1) * sizeof(*k->v));
	k->n--;
}

static int cmp_handle(const void *a, const void *b)
{
	const struct known_entity *x = a, *y = b;

	return x->handle < y->handle ? -1 : x->handle > y->handle;
}

/*
 * The entities of @reg's table but itself, sorted by handle, into a new
 * set (entries not announced); 0 or -errno.
 */
static int read_entities(struct librtm_reg *reg, struct librtm_known *out)
{
	struct rtm_get_entities req;
	RTM_ENTITY_HANDLE *handles = NULL;
	RTM_ENTITY_INFO *infos = NULL;
	UINT cap = 0, i;
	int ret;

	memset(out, 0, sizeof(*out));
	if (reg->known && reg->known->stale) {
		if (release_entities(reg, reg->known->stale,
				     reg->known->nstale))
			return -ENOMEM;
		free(reg->known->stale);
		reg->known->stale = NULL;
	}
	for (;;) {
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.count = cap;
		req.handles = librtm_u64(handles);
		req.infos = librtm_u64(infos);
		ret = librtm_ioctl(reg->fd, RTM_IOC_GET_ENTITIES, &req);
		if (ret != -ENOSPC)
			break;
		/* Too small (at first, no arrays): again, with room for all. */
		ret = release_entities(reg, handles, req.count);
		if (ret)
			goto out_held;
		free(handles);
		free(infos);
		cap = req.total + 8 < RTM_MAX_BATCH ? req.total + 8 :
						       RTM_MAX_BATCH;
		handles = calloc(cap, sizeof(*handles));
		infos = calloc(cap, sizeof(*infos));
		if (!handles || !infos) {
			ret = -ENOMEM;
			goto out;
		}
	}
	if (ret)
		goto out;

	out->cap = req.count ? req.count : 1;
	out->v = calloc(out->cap, sizeof(*out->v));
	if (!out->v) {
		ret = -ENOMEM;
	} else {
		for (i = 0; i < req.count; i++) {
			if (librtm_u64(handles[i]) == librtm_u64(reg->handle))
				continue;
			out->v[out->n].handle = librtm_u64(handles[i]);
			out->v[out->n].info = infos[i];
			out->n++;
		}
		qsort(out->v, out->n, sizeof(*out->v), cmp_handle);
	}
	/* The set keeps values, not references. */
	if (!release_entities(reg, handles, req.count))
		goto out;
	free(out->v);
	out->v = NULL;
	out->n = 0;
	ret = -ENOMEM;
out_held:
	/*
	 * Still held: a registration that fails ends and takes them along; a
	 * resync leaves them to the next one (a set exists by then).
	 */
	if (reg->known && !reg->known->stale) {
		reg->known->stale = handles;
		reg->known->nstale = req.count;
		handles = NULL;
	}
out:
	free(handles);
	free(infos);
	return ret;
}

DWORD librtm_known_init(struct librtm_reg *reg)
{
	struct librtm_known *k = calloc(1, sizeof(*k));
	int ret;

	if (!k)
		return ERROR_NOT_ENOUGH_MEMORY;
	ret = read_entities(reg, k);
	if (ret) {
		free(k);
		return librtm_win32_error(-ret);
	}
	reg->known = k;
	return NO_ERROR;
}

void librtm_known_free(struct librtm_reg *reg)
{
	if (!reg->known)
		return;
	free(reg->known->v);
	free(reg->known->stale);	/* they go with the registration */
	free(reg->known);
	reg->known = NULL;
}

bool librtm_known_note(struct librtm_reg *reg, const struct rtm_event *ev)
{
	struct librtm_known *k = reg->known;
	struct known_entity *ke, add;
	size_t pos;

	if (!k)
		return true;
	ke = known_find(k, ev->handle, &pos);
	if (ev->type == RTM_EVENT_ENTITY_REGISTERED) {
		if (ke && ke->announced)
			return false;	/* a resync told of it already */
		if (ke) {
			/* Of the baseline: it registered just as we did. */
			ke->announced = true;
			return true;
		}
		memset(&add, 0, sizeof(add));
		add.handle = ev->handle;
		memcpy(&add.info, &ev->entity, sizeof(add.info));
		add.announced = true;
		/* No memory: told now, and maybe told again by a resync. */
		known_insert(k, pos, &add);
		return true;
	}
	if (ke) {
		known_remove(k, pos);
		return true;
	}
	/*
	 * Unknown: before any loss, one that deregistered while we were
	 * registering; after one, a resync told of it, or the client never
	 * heard of it.
	 */
	return !reg->events_lost;
}

/* Raise an entity event to the callback; Context2 valid during the call. */
static void raise_entity(struct librtm_reg *reg, RTM_EVENT_TYPE type,
			 const struct known_entity *ke)
{
	RTM_ENTITY_INFO info = ke->info;

	reg->callback(reg->handle, type, librtm_handle(ke->handle), &info);
}

static void resync_entities(struct librtm_reg *reg)
{
	struct librtm_known *k = reg->known, now;
	struct known_entity *gone, *born;
	size_t i, j, ngone = 0, nborn = 0;

	if (read_entities(reg, &now))
		goto retry;
	gone = malloc((k->n ? k->n : 1) * sizeof(*gone));
	born = malloc((now.n ? now.n : 1) * sizeof(*born));
	if (!gone || !born) {
		free(gone);
		free(born);
		free(now.v);
		goto retry;
	}
	/* Both sorted: a merge.  Those that stay keep their state. */
	for (i = 0, j = 0; i < k->n || j < now.n;) {
		if (j == now.n ||
		    (i < k->n && k->v[i].handle < now.v[j].handle)) {
			gone[ngone++] = k->v[i++];
		} else if (i == k->n || now.v[j].handle < k->v[i].handle) {
			now.v[j].announced = true;
			born[nborn++] = now.v[j++];
		} else {
			now.v[j++].announced = k->v[i++].announced;
		}
	}
	free(k->v);
	k->v = now.v;
	k->n = now.n;
	k->cap = now.cap;
	reg->resync_pending = false;

	/* Outside any state of ours: the callback may call anything. */
	for (i = 0; i < ngone && librtm_reg_live(reg); i++)
		raise_entity(reg, RTM_ENTITY_DEREGISTERED, &gone[i]);
	for (i = 0; i < nborn && librtm_reg_live(reg); i++)
		raise_entity(reg, RTM_ENTITY_REGISTERED, &born[i]);
	free(gone);
	free(born);
	return;
retry:
	reg->resync_pending = true;
}

static void resync_changes(struct librtm_reg *reg)
{
	struct librtm_sub *subs;
	size_t n, i;

	n = librtm_subs_snapshot(reg, &subs);
	for (i = 0; i < n && librtm_reg_live(reg); i++)
		reg->callback(reg->handle, RTM_CHANGE_NOTIFICATION,
			      librtm_handle(subs[i].handle),
			      librtm_handle(subs[i].context));
	free(subs);
}

void librtm_resync(struct librtm_reg *reg)
{
	if (!reg->callback)
		return;
	reg->events_lost = true;
	resync_entities(reg);
	resync_changes(reg);
}
