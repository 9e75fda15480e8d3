// SPDX-License-Identifier: GPL-2.0
/*
 * The route keywords of `route add` and `load`:
 *   via ADDR [dev IFINDEX]  (repeatable: equal-cost next hops; the first is
 *                            the route's neighbour, which with the prefix
 *                            and the owner identifies the route)
 *   pref N  metric N  view ucast|mcast|both  ttl MS|infinite  flags NAME...
 * and the next hops they name, added to the owner's next-hop list.
 */
#include <net/if.h>
#include <string.h>

#include "rtmctl.h"

void route_attrs_init(struct route_attrs *a)
{
	memset(a, 0, sizeof(*a));
	a->views = RTM_VIEW_MASK_UCAST;
	a->ttl = INFINITE;
}

static int parse_dev(struct words *w, ULONG *ifindex)
{
	const char *v = words_value(w, "dev");

	if (!v)
		return EXIT_USAGE;
	if (!parse_u32(v, 0xFFFFFFFFUL, ifindex))
		return 0;
	/* An interface name of this namespace, for convenience. */
	*ifindex = if_nametoindex(v);
	if (*ifindex)
		return 0;
	return err_usage("%s: dev: no interface '%s' (an index or a name)",
			 w->cmd, v);
}

static int parse_via(struct words *w, unsigned int family,
		     struct route_attrs *a)
{
	const char *v = words_value(w, "via"), *why;
	const char *next;

	if (!v)
		return EXIT_USAGE;
	if (a->nvias == MAX_VIAS)
		return err_usage("%s: at most %d next hops", w->cmd, MAX_VIAS);
	if (parse_address(v, family, &a->via[a->nvias], &why))
		return err_usage("%s: via %s: %s", w->cmd, v, why);
	a->dev[a->nvias] = 0;
	next = words_peek(w);
	if (next && !strcmp(next, "dev")) {
		words_next(w);
		if (parse_dev(w, &a->dev[a->nvias]))
			return EXIT_USAGE;
	}
	a->nvias++;
	return 0;
}

/* flags NAME|NUMBER...: at least one, up to the next keyword. */
static int parse_flags(struct words *w, struct route_attrs *a)
{
	const char *v;
	unsigned int n = 0;
	USHORT f;
	ULONG num;

	while ((v = words_peek(w))) {
		f = route_flag_by_name(v);
		if (!f && !parse_u32(v, 0xFFFF, &num))
			f = (USHORT)num;
		else if (!f)
			break;
		a->flags |= f;
		words_next(w);
		n++;
	}
	if (!n)
		return err_usage("%s: flags: expected flag names (blackhole, discard, local, remote, ...)",
				 w->cmd);
	return 0;
}

static int parse_u32_kw(struct words *w, const char *kw, ULONG *out)
{
	const char *v = words_value(w, kw);

	if (!v)
		return EXIT_USAGE;
	if (parse_u32(v, 0xFFFFFFFFUL, out))
		return err_usage("%s: %s: not a number: '%s'", w->cmd, kw, v);
	return 0;
}

int route_attrs_parse(struct words *w, unsigned int allowed,
		      unsigned int family, struct route_attrs *a)
{
	const char *kw, *v;
	int ret;

	while ((kw = words_next(w))) {
		if (!strcmp(kw, "via") && allowed & ATTR_VIA) {
			ret = parse_via(w, family, a);
		} else if (!strcmp(kw, "pref") && allowed & ATTR_PREF) {
			ret = parse_u32_kw(w, kw, &a->preference);
		} else if (!strcmp(kw, "metric") && allowed & ATTR_METRIC) {
			ret = parse_u32_kw(w, kw, &a->metric);
		} else if (!strcmp(kw, "view") && allowed & ATTR_VIEW) {
			v = words_value(w, kw);
			if (!v)
				return EXIT_USAGE;
			a->views = parse_views(v);
			ret = a->views ? 0 :
			      err_usage("%s: view: ucast, mcast or both, not '%s'",
					w->cmd, v);
		} else if (!strcmp(kw, "ttl") && allowed & ATTR_TTL) {
			v = words_peek(w);
			if (v && !strcmp(v, "infinite")) {
				words_next(w);
				a->ttl = INFINITE;
				ret = 0;
			} else {
				ret = parse_u32_kw(w, kw, &a->ttl);
			}
		} else if (!strcmp(kw, "flags") && allowed & ATTR_FLAGS) {
			ret = parse_flags(w, a);
		} else {
			ret = err_usage("%s: unknown argument '%s'", w->cmd, kw);
		}
		if (ret)
			return ret;
	}
	return 0;
}

DWORD route_attrs_nexthops(const struct reg *r, const struct route_attrs *a,
			   RTM_NEXTHOP_HANDLE *nh, UINT *n, const char **call)
{
	RTM_NEXTHOP_CHANGE_FLAGS changed;
	RTM_NEXTHOP_INFO info;
	DWORD status;
	unsigned int i;

	*n = 0;
	for (i = 0; i < a->nvias; i++) {
		if (a->via[i].AddressFamily != r->family)
			continue;
		memset(&info, 0, sizeof(info));
		info.NextHopAddress = a->via[i];
		info.InterfaceIndex = a->dev[i];
		nh[*n] = NULL;
		status = RtmAddNextHop(r->handle, &info, &nh[*n], &changed);
		if (status != NO_ERROR) {
			*call = "RtmAddNextHop";
			if (*n)
				RtmReleaseNextHops(r->handle, *n, nh);
			*n = 0;
			return status;
		}
		(*n)++;
	}
	return NO_ERROR;
}
