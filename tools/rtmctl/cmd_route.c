// SPDX-License-Identifier: GPL-2.0
/*
 * route add PREFIX [via ADDR [dev IFINDEX]]... [pref N] [metric N]
 *                  [view ucast|mcast|both] [ttl MS] [flags NAME...]
 *	RtmAddNextHop for each next hop, then RtmAddRouteToDest: adds the
 *	entity's route to PREFIX with that neighbour (the first via), or
 *	updates it if the entity has one already.
 * route del PREFIX [via ADDR [dev IFINDEX]]
 *	Deletes the entity's routes to PREFIX (only the one learnt from that
 *	neighbour with via): RtmGetExactMatchRoute on the owner (and
 *	neighbour, found with RtmFindNextHop), RtmDeleteRouteToDest.
 *
 * The routes belong to this rtmctl's entity: they go when it exits, unless
 * it stays (--stay, batch).
 */
#include <stdlib.h>

#include "rtmctl.h"

/* Parse PREFIX, of the family of -4/-6 if given: the command's table's. */
static int parse_dest(struct cmd_ctx *c, struct words *w,
		      RTM_NET_ADDRESS *dest)
{
	const char *p = words_next(w), *why;

	if (!p)
		return err_usage("%s: PREFIX expected", w->cmd);
	if (parse_prefix(p, c->family, false, dest, &why))
		return err_usage("%s: %s: %s", w->cmd, p, why);
	return 0;
}

/*
 * -j: {"action":"add","prefix":P,"table":T,"new":B,"best_changed":B} or
 * {"action":"del","prefix":P,"table":T,"routes":N,"best_changed":B}.
 * Like ip route, nothing in text when it worked.
 */
static void print_change(struct cmd_ctx *c, bool add,
			 const RTM_NET_ADDRESS *dest, unsigned int deleted,
			 RTM_ROUTE_CHANGE_FLAGS flags)
{
	char buf[PREFIX_STRLEN];

	if (!c->json)
		return;
	json_object(&c->j, NULL);
	json_string(&c->j, "action", add ? "add" : "del");
	json_string(&c->j, "prefix", format_prefix(dest, true, buf));
	json_uint(&c->j, "table", c->table);
	if (add)
		json_bool(&c->j, "new", flags & RTM_ROUTE_CHANGE_NEW);
	else
		json_uint(&c->j, "routes", deleted);
	json_bool(&c->j, "best_changed", flags & RTM_ROUTE_CHANGE_BEST);
	json_end(&c->j);
}

static int route_add(struct cmd_ctx *c, struct words *w)
{
	RTM_NEXTHOP_HANDLE nh[MAX_VIAS];
	RTM_ROUTE_CHANGE_FLAGS changed = 0;
	RTM_NET_ADDRESS dest;
	struct route_attrs a;
	PRTM_ROUTE_INFO ri;
	const char *call;
	char what[PREFIX_STRLEN + 16];
	struct reg *r;
	DWORD status;
	UINT n, i;
	int ret;

	route_attrs_init(&a);
	ret = parse_dest(c, w, &dest);
	if (!ret)
		ret = route_attrs_parse(w, ATTR_VIA | ATTR_PREF | ATTR_METRIC |
					ATTR_VIEW | ATTR_TTL | ATTR_FLAGS,
					dest.AddressFamily, &a);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "route add %s",
		 format_prefix(&dest, true, (char[PREFIX_STRLEN]){ 0 }));

	r = session_reg(c->s, c->table, dest.AddressFamily);
	if (!r)
		return EXIT_FAIL;
	if (a.nvias > r->profile.MaxNextHopsInRoute)
		return err_usage("%s: at most %u next hops per route", what,
				 r->profile.MaxNextHopsInRoute);

	status = route_attrs_nexthops(r, &a, nh, &n, &call);
	if (status != NO_ERROR)
		return err_win32(what, call, status);

	ri = calloc(1, RTM_SIZE_OF_ROUTE_INFO(n ? n : 1));
	if (!ri) {
		RtmReleaseNextHops(r->handle, n, nh);
		err("out of memory");
		return EXIT_FAIL;
	}
	ri->Neighbour = n ? nh[0] : NULL;
	ri->Flags = a.flags;
	ri->PrefInfo.Preference = a.preference;
	ri->PrefInfo.Metric = a.metric;
	ri->BelongsToViews = a.views;
	ri->NextHopsList.NumNextHops = (USHORT)n;
	for (i = 0; i < n; i++)
		ri->NextHopsList.NextHops[i] = nh[i];

	status = RtmAddRouteToDest(r->handle, NULL, &dest, ri, a.ttl, NULL, 0,
				   NULL, &changed);
	free(ri);
	/* The route holds its next hops itself. */
	if (n)
		RtmReleaseNextHops(r->handle, n, nh);
	if (status != NO_ERROR)
		return err_win32(what, "RtmAddRouteToDest", status);
	print_change(c, true, &dest, 0, changed);
	return EXIT_OK;
}

/* The entity's next hop (@a's only via) as a handle, held. */
static DWORD find_neighbour(const struct reg *r, const struct route_attrs *a,
			    RTM_NEXTHOP_HANDLE *nh)
{
	RTM_NEXTHOP_INFO info;

	memset(&info, 0, sizeof(info));
	info.NextHopAddress = a->via[0];
	info.InterfaceIndex = a->dev[0];
	return RtmFindNextHop(r->handle, &info, nh, NULL);
}

static int route_del(struct cmd_ctx *c, struct words *w)
{
	RTM_ROUTE_CHANGE_FLAGS changed, all_changed = 0;
	RTM_NEXTHOP_HANDLE neighbour = NULL;
	RTM_MATCH_FLAGS match = RTM_MATCH_OWNER;
	RTM_ROUTE_HANDLE route;
	RTM_NET_ADDRESS dest;
	struct route_attrs a;
	PRTM_ROUTE_INFO ri;
	char what[2 * PREFIX_STRLEN + 16];
	char buf[PREFIX_STRLEN];
	const char *call = NULL;
	unsigned int deleted = 0;
	struct reg *r;
	DWORD status;
	int ret;

	route_attrs_init(&a);
	ret = parse_dest(c, w, &dest);
	if (!ret)
		ret = route_attrs_parse(w, ATTR_VIA, dest.AddressFamily, &a);
	if (ret)
		return ret;
	if (a.nvias > 1)
		return err_usage("%s: one via at most: it names the route's neighbour",
				 w->cmd);
	snprintf(what, sizeof(what), "route del %s%s%s",
		 format_prefix(&dest, true, buf), a.nvias ? " via " : "",
		 a.nvias ? format_prefix(&a.via[0], false,
					 (char[PREFIX_STRLEN]){ 0 }) : "");

	r = session_reg(c->s, c->table, dest.AddressFamily);
	if (!r)
		return EXIT_FAIL;
	ri = calloc(1, RTM_SIZE_OF_ROUTE_INFO(r->profile.MaxNextHopsInRoute));
	if (!ri) {
		err("out of memory");
		return EXIT_FAIL;
	}

	status = NO_ERROR;
	if (a.nvias) {
		status = find_neighbour(r, &a, &neighbour);
		call = "RtmFindNextHop";
		match |= RTM_MATCH_NEIGHBOUR;
	}
	/* Every route of ours there (one per neighbour), or the one. */
	while (status == NO_ERROR) {
		memset(ri, 0, RTM_SIZE_OF_ROUTE_INFO(0));
		ri->RouteOwner = r->handle;
		ri->Neighbour = neighbour;
		route = NULL;
		status = RtmGetExactMatchRoute(r->handle, &dest, match, ri, 0,
					       RTM_VIEW_MASK_ALL, &route);
		call = "RtmGetExactMatchRoute";
		if (status != NO_ERROR)
			break;
		RtmReleaseRouteInfo(r->handle, ri);
		changed = 0;
		status = RtmDeleteRouteToDest(r->handle, route, &changed);
		call = "RtmDeleteRouteToDest";
		if (status != NO_ERROR) {
			RtmReleaseRoutes(r->handle, 1, &route);
			break;
		}
		all_changed |= changed;
		deleted++;
	}
	if (neighbour)
		RtmReleaseNextHops(r->handle, 1, &neighbour);
	free(ri);

	if (status == ERROR_NOT_FOUND && deleted)
		status = NO_ERROR;
	if (status == ERROR_NOT_FOUND && !c->s->in_batch) {
		/* A one-shot rtmctl is an entity of its own, with no routes. */
		err_win32(what, call, status);
		err("(no route of %s there: a route belongs to the entity that added it; see batch and --stay)",
		    session_entity_name(c->s));
		return EXIT_FAIL;
	}
	if (status != NO_ERROR)
		return err_win32(what, call, status);
	print_change(c, false, &dest, deleted, all_changed);
	return EXIT_OK;
}

int cmd_route(struct cmd_ctx *c, int argc, char **argv)
{
	struct words w = { .argc = argc, .argv = argv, .i = 1 };
	const char *verb = words_next(&w);

	if (!verb)
		return err_usage("route: add or del expected");
	if (!strcmp(verb, "add")) {
		w.cmd = "route add";
		return route_add(c, &w);
	}
	if (!strcmp(verb, "del") || !strcmp(verb, "delete")) {
		w.cmd = "route del";
		return route_del(c, &w);
	}
	return err_usage("route: unknown command '%s' (add or del)", verb);
}
