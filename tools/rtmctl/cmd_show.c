// SPDX-License-Identifier: GPL-2.0
/*
 * show entities
 *	The registered entities of every table (/proc/net/rtm/entities).
 * show dests [PREFIX] [view ucast|mcast|both] [proto P]
 *	RtmCreateDestEnum + RtmGetEnumDests + RtmReleaseDests: each dest (of
 *	PREFIX's range: the prefix and those inside it), with per view its
 *	number of routes and the owner of its best route.  With proto P, the
 *	dests where P has a route, with P's best route (the ProtocolId of the
 *	enumeration).
 * show routes [PREFIX] [view ucast|mcast|both] [proto P]
 *	RtmCreateRouteEnum + RtmGetEnumRoutes + RtmReleaseRoutes: every route,
 *	in table order and, on a dest, best first; each read with
 *	RtmGetRouteInfo and marked with the views it is best in
 *	(RtmIsBestRoute).  proto P keeps the routes P's entities own.
 * show nexthops [PREFIX]
 *	RtmCreateNextHopEnum + RtmGetEnumNextHops + RtmReleaseNextHops: the
 *	next hops of rtmctl's own entity (next-hop lists are private to an
 *	entity), so this shows something in the batch that added them.
 *
 * Without -4/-6 and PREFIX, both families' tables.  Everything is read in
 * batches of the registration's MaxHandlesInEnum.
 */
#include <stdlib.h>

#include "rtmctl.h"

struct show_args {
	const char *what;		/* "show dests" */
	bool has_prefix;
	RTM_NET_ADDRESS prefix;
	RTM_VIEW_SET views;		/* RTM_VIEW_MASK_ALL: every view */
	bool has_proto;
	ULONG protocol_id;
};

static int parse_show(struct cmd_ctx *c, struct words *w, bool views_proto,
		      struct show_args *a)
{
	const char *kw, *v, *why;

	memset(a, 0, sizeof(*a));
	a->what = w->cmd;
	a->views = RTM_VIEW_MASK_ALL;
	while ((kw = words_next(w))) {
		if (views_proto && !strcmp(kw, "view")) {
			v = words_value(w, kw);
			if (!v)
				return EXIT_USAGE;
			a->views = parse_views(v);
			if (!a->views)
				return err_usage("%s: view: ucast, mcast or both, not '%s'",
						 w->cmd, v);
		} else if (views_proto && !strcmp(kw, "proto")) {
			v = words_value(w, kw);
			if (!v)
				return EXIT_USAGE;
			if (parse_protocol(v, &a->protocol_id))
				return err_usage("%s: proto: not a protocol: '%s'",
						 w->cmd, v);
			a->has_proto = true;
		} else if (!a->has_prefix && (kw[0] == ':' ||
			   (kw[0] >= '0' && kw[0] <= '9') ||
			   (kw[0] >= 'a' && kw[0] <= 'f') ||
			   (kw[0] >= 'A' && kw[0] <= 'F'))) {
			if (parse_prefix(kw, c->family, false, &a->prefix, &why))
				return err_usage("%s: %s: %s", w->cmd, kw, why);
			a->has_prefix = true;
		} else {
			return err_usage("%s: unknown argument '%s'", w->cmd, kw);
		}
	}
	return 0;
}

/* The families to show: -4/-6, else PREFIX's, else both. */
static unsigned int show_families(const struct cmd_ctx *c,
				  const struct show_args *a,
				  unsigned int fams[2])
{
	if (c->family)
		fams[0] = c->family;
	else if (a->has_prefix)
		fams[0] = a->prefix.AddressFamily;
	else {
		fams[0] = AF_INET;
		fams[1] = AF_INET6;
		return 2;
	}
	return 1;
}

static UINT popcount(RTM_VIEW_SET v)
{
	return (UINT)__builtin_popcount(v);
}

/* ---- dests ------------------------------------------------------------ */

static void dest_text(struct describer *d, const RTM_DEST_INFO *di,
		      bool all_views)
{
	char buf[PREFIX_STRLEN];
	bool first = true;
	ULONG proto, inst;
	UINT i;

	printf("%s", format_prefix(&di->DestAddress, true, buf));
	for (i = 0; i < di->NumberOfViews; i++) {
		const typeof(di->ViewInfo[0]) *vi = &di->ViewInfo[i];

		/* Views it has no route in, only when asked for by name. */
		if (all_views && !vi->NumRoutes && !vi->HoldRoute)
			continue;
		printf("%s %s: %u route%s", first ? "" : ";",
		       view_name(vi->ViewId), vi->NumRoutes,
		       vi->NumRoutes == 1 ? "" : "s");
		first = false;
		if (vi->Route) {
			bool known = describer_owner(d, vi->Owner, &proto, &inst);

			fputs(", best ", stdout);
			print_owner(stdout, known, proto, inst);
		}
		if (vi->HoldRoute)
			fputs(", in hold-down", stdout);
	}
	putchar('\n');
}

static void dest_json(struct json *j, struct describer *d,
		      const RTM_DEST_INFO *di, unsigned int family)
{
	char buf[PREFIX_STRLEN];
	ULONG proto, inst;
	UINT i;

	json_object(j, NULL);
	json_string(j, "prefix", format_prefix(&di->DestAddress, true, buf));
	json_string(j, "family", family_name(family));
	json_views(j, "belongs_to_views", di->BelongsToViews);
	json_array(j, "views");
	for (i = 0; i < di->NumberOfViews; i++) {
		const typeof(di->ViewInfo[0]) *vi = &di->ViewInfo[i];

		json_object(j, NULL);
		json_string(j, "view", view_name(vi->ViewId));
		json_uint(j, "routes", vi->NumRoutes);
		if (vi->Route) {
			bool known = describer_owner(d, vi->Owner, &proto, &inst);

			json_object(j, "best");
			json_owner(j, known, proto, inst);
			json_route_flags(j, "flags", (USHORT)vi->DestFlags);
			json_end(j);
		} else {
			json_null(j, "best");
		}
		json_bool(j, "hold_down", vi->HoldRoute != NULL);
		json_end(j);
	}
	json_end(j);
	json_end(j);
}

static bool dest_has_proto_route(const RTM_DEST_INFO *di)
{
	UINT i;

	for (i = 0; i < di->NumberOfViews; i++)
		if (di->ViewInfo[i].Route)
			return true;
	return false;
}

static int show_dests_family(struct cmd_ctx *c, const struct show_args *a,
			     unsigned int family)
{
	RTM_ENUM_HANDLE en = NULL;
	const char *call = "RtmCreateDestEnum";
	struct describer d;
	RTM_VIEW_SET views;
	char *buf = NULL;
	size_t stride;
	struct reg *r;
	DWORD status;
	UINT n, i, batch;

	r = session_reg(c->s, c->table, family);
	if (!r)
		return EXIT_FAIL;
	views = a->views == RTM_VIEW_MASK_ALL ? r->profile.ViewsSupported
					      : a->views;
	stride = RTM_SIZE_OF_DEST_INFO(popcount(views));
	batch = r->profile.MaxHandlesInEnum;
	if (describer_init(&d, r))
		return EXIT_FAIL;
	buf = calloc(batch, stride);
	if (!buf) {
		describer_free(&d);
		err("out of memory");
		return EXIT_FAIL;
	}

	status = RtmCreateDestEnum(r->handle, views,
				   a->has_prefix ? RTM_ENUM_RANGE : RTM_ENUM_START,
				   a->has_prefix ? (PRTM_NET_ADDRESS)&a->prefix
						 : NULL,
				   a->has_proto ? a->protocol_id
						: RTM_BEST_PROTOCOL, &en);
	while (status == NO_ERROR) {
		n = batch;
		call = "RtmGetEnumDests";
		status = RtmGetEnumDests(r->handle, en, &n,
					 (PRTM_DEST_INFO)buf);
		for (i = 0; i < n; i++) {
			const RTM_DEST_INFO *di =
				(const RTM_DEST_INFO *)(buf + i * stride);

			if (a->has_proto && !dest_has_proto_route(di))
				continue;
			if (c->json)
				dest_json(&c->j, &d, di, family);
			else
				dest_text(&d, di, a->views == RTM_VIEW_MASK_ALL);
		}
		if (n && RtmReleaseDests(r->handle, n, (PRTM_DEST_INFO)buf) !=
			 NO_ERROR && status == NO_ERROR) {
			call = "RtmReleaseDests";
			status = ERROR_INVALID_HANDLE;
		}
	}
	if (en)
		RtmDeleteEnumHandle(r->handle, en);
	free(buf);
	describer_free(&d);
	if (status != ERROR_NO_MORE_ITEMS)
		return err_win32(a->what, call, status);
	return EXIT_OK;
}

/* ---- routes ----------------------------------------------------------- */

static void route_text(const struct route_desc *rd, RTM_VIEW_SET best)
{
	char buf[PREFIX_STRLEN];
	UINT v;

	printf("%s", format_prefix(&rd->prefix, true, buf));
	route_desc_print(stdout, rd);
	fputs(" view", stdout);
	for (v = 0; v < RTM_MAX_VIEWS; v++)
		if (rd->views & (1U << v))
			printf("%s%s", v && rd->views & ((1U << v) - 1) ? "," : " ",
			       view_name((RTM_VIEW_ID)v));
	if (best) {
		fputs(" best", stdout);
		for (v = 0; v < RTM_MAX_VIEWS; v++)
			if (best & (1U << v))
				printf("%s%s", best & ((1U << v) - 1) ? "," : " ",
				       view_name((RTM_VIEW_ID)v));
	}
	putchar('\n');
}

static void route_json(struct json *j, const struct route_desc *rd,
		       unsigned int family, RTM_VIEW_SET best)
{
	char buf[PREFIX_STRLEN];

	json_object(j, NULL);
	json_string(j, "prefix", format_prefix(&rd->prefix, true, buf));
	json_string(j, "family", family_name(family));
	route_desc_json(j, rd);
	json_views(j, "best_in_views", best);
	json_end(j);
}

static int show_routes_family(struct cmd_ctx *c, const struct show_args *a,
			      unsigned int family)
{
	RTM_ENUM_HANDLE en = NULL;
	const char *call = "RtmCreateRouteEnum";
	RTM_ROUTE_HANDLE *routes;
	struct route_desc rd;
	struct describer d;
	RTM_VIEW_SET views, best;
	struct reg *r;
	DWORD status, st;
	UINT n, i, batch;

	r = session_reg(c->s, c->table, family);
	if (!r)
		return EXIT_FAIL;
	views = a->views == RTM_VIEW_MASK_ALL ? r->profile.ViewsSupported
					      : a->views;
	batch = r->profile.MaxHandlesInEnum;
	if (describer_init(&d, r))
		return EXIT_FAIL;
	routes = calloc(batch, sizeof(*routes));
	if (!routes) {
		describer_free(&d);
		err("out of memory");
		return EXIT_FAIL;
	}

	status = RtmCreateRouteEnum(r->handle, NULL, views,
				    a->has_prefix ? RTM_ENUM_RANGE
						  : RTM_ENUM_START,
				    a->has_prefix ? (PRTM_NET_ADDRESS)&a->prefix
						  : NULL,
				    RTM_MATCH_NONE, NULL, 0, &en);
	while (status == NO_ERROR) {
		n = batch;
		call = "RtmGetEnumRoutes";
		status = RtmGetEnumRoutes(r->handle, en, &n, routes);
		for (i = 0; i < n && status == NO_ERROR; i++) {
			st = route_describe(&d, routes[i], &rd, &call);
			if (st == NO_ERROR) {
				call = "RtmIsBestRoute";
				st = RtmIsBestRoute(r->handle, routes[i], &best);
			}
			if (st != NO_ERROR) {
				status = st;
				break;
			}
			if (a->has_proto && (!rd.owner_known ||
					     rd.protocol_id != a->protocol_id))
				continue;
			if (c->json)
				route_json(&c->j, &rd, family, best);
			else
				route_text(&rd, best);
		}
		if (n && RtmReleaseRoutes(r->handle, n, routes) != NO_ERROR &&
		    status == NO_ERROR) {
			call = "RtmReleaseRoutes";
			status = ERROR_INVALID_HANDLE;
		}
	}
	if (en)
		RtmDeleteEnumHandle(r->handle, en);
	free(routes);
	describer_free(&d);
	if (status != ERROR_NO_MORE_ITEMS)
		return err_win32(a->what, call, status);
	return EXIT_OK;
}

/* ---- next hops -------------------------------------------------------- */

static int show_nexthops_family(struct cmd_ctx *c, const struct show_args *a,
				unsigned int family, unsigned long *shown)
{
	RTM_ENUM_HANDLE en = NULL;
	const char *call = "RtmCreateNextHopEnum";
	RTM_NEXTHOP_HANDLE *nhs;
	RTM_NEXTHOP_INFO info;
	char buf[PREFIX_STRLEN];
	struct nexthop_desc nd;
	struct reg *r;
	DWORD status, st;
	UINT n, i, batch;

	r = session_reg(c->s, c->table, family);
	if (!r)
		return EXIT_FAIL;
	batch = r->profile.MaxHandlesInEnum;
	nhs = calloc(batch, sizeof(*nhs));
	if (!nhs) {
		err("out of memory");
		return EXIT_FAIL;
	}
	status = RtmCreateNextHopEnum(r->handle,
				      a->has_prefix ? RTM_ENUM_RANGE
						    : RTM_ENUM_START,
				      a->has_prefix ? (PRTM_NET_ADDRESS)&a->prefix
						    : NULL, &en);
	while (status == NO_ERROR) {
		n = batch;
		call = "RtmGetEnumNextHops";
		status = RtmGetEnumNextHops(r->handle, en, &n, nhs);
		for (i = 0; i < n && status == NO_ERROR; i++) {
			st = RtmGetNextHopInfo(r->handle, nhs[i], &info);
			if (st != NO_ERROR) {
				call = "RtmGetNextHopInfo";
				status = st;
				break;
			}
			nd.address = info.NextHopAddress;
			nd.interface_index = info.InterfaceIndex;
			nd.flags = info.Flags;
			nd.state = info.State;
			RtmReleaseNextHopInfo(r->handle, &info);
			(*shown)++;
			if (c->json) {
				json_nexthop(&c->j, &nd, family);
				continue;
			}
			printf("%s", format_prefix(&nd.address, false, buf));
			if (nd.interface_index)
				printf(" dev %u", nd.interface_index);
			if (nd.flags & RTM_NEXTHOP_FLAGS_REMOTE)
				fputs(" remote", stdout);
			if (nd.flags & RTM_NEXTHOP_FLAGS_DOWN)
				fputs(" down", stdout);
			putchar('\n');
		}
		if (n && RtmReleaseNextHops(r->handle, n, nhs) != NO_ERROR &&
		    status == NO_ERROR) {
			call = "RtmReleaseNextHops";
			status = ERROR_INVALID_HANDLE;
		}
	}
	if (en)
		RtmDeleteEnumHandle(r->handle, en);
	free(nhs);
	if (status != ERROR_NO_MORE_ITEMS)
		return err_win32(a->what, call, status);
	return EXIT_OK;
}

/* ---- show ------------------------------------------------------------- */

int cmd_show(struct cmd_ctx *c, int argc, char **argv)
{
	struct words w = { .argc = argc, .argv = argv, .i = 1, .cmd = "show" };
	const char *obj = words_next(&w);
	unsigned int fams[2], nfams, i;
	unsigned long nexthops = 0;
	struct show_args a;
	int ret = EXIT_OK;
	enum { DESTS, ROUTES, NEXTHOPS } kind;

	if (!obj)
		return err_usage("show: entities, dests, routes or nexthops expected");
	if (!strcmp(obj, "entities")) {
		w.cmd = "show entities";
		if (words_end(&w))
			return EXIT_USAGE;
		return show_entities(c);
	} else if (!strcmp(obj, "dests")) {
		w.cmd = "show dests";
		kind = DESTS;
	} else if (!strcmp(obj, "routes")) {
		w.cmd = "show routes";
		kind = ROUTES;
	} else if (!strcmp(obj, "nexthops")) {
		w.cmd = "show nexthops";
		kind = NEXTHOPS;
	} else {
		return err_usage("show: unknown object '%s' (entities, dests, routes, nexthops)",
				 obj);
	}
	ret = parse_show(c, &w, kind != NEXTHOPS, &a);
	if (ret)
		return ret;
	nfams = show_families(c, &a, fams);

	if (c->json)
		json_array(&c->j, NULL);
	for (i = 0; i < nfams && ret == EXIT_OK; i++) {
		if (kind == DESTS)
			ret = show_dests_family(c, &a, fams[i]);
		else if (kind == ROUTES)
			ret = show_routes_family(c, &a, fams[i]);
		else
			ret = show_nexthops_family(c, &a, fams[i], &nexthops);
	}
	if (c->json)
		json_end(&c->j);
	if (kind == NEXTHOPS && !nexthops && !c->json && ret == EXIT_OK &&
	    !c->s->in_batch)
		err("(next-hop lists are private to an entity: this shows those of rtmctl's own, in a batch)");
	return ret;
}
