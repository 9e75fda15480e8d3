// SPDX-License-Identifier: GPL-2.0
/*
 * lookup ADDR[/LEN] [view ucast|mcast|both]
 *
 * The forwarding lookup of RTMv2, in each view asked for (default: every
 * view the table supports): RtmGetMostSpecificDestination of the host
 * address (or of the prefix) in that view gives the longest prefix that has
 * a route there and its best route, which is read with its owner and next
 * hops (route_describe).  Everything the calls hand out is released.
 *
 * Fails (EXIT_FAIL, ERROR_NOT_FOUND) when no view has a route, after
 * printing the result all the same.
 */
#include <stdlib.h>

#include "rtmctl.h"

struct view_result {
	RTM_VIEW_ID view;
	bool found;
	RTM_NET_ADDRESS prefix;
	UINT num_routes;		/* at the prefix, in this view */
	bool has_route;			/* a best route: none if all went */
	struct route_desc route;
};

/* Look @addr up in view @v; NO_ERROR also when nothing is found. */
static DWORD lookup_view(struct describer *dsc, const RTM_NET_ADDRESS *addr,
			 RTM_VIEW_ID v, struct view_result *res,
			 const char **call)
{
	const struct reg *r = dsc->r;
	PRTM_DEST_INFO di;
	DWORD status, rel;

	memset(res, 0, sizeof(*res));
	res->view = v;
	di = calloc(1, RTM_SIZE_OF_DEST_INFO(1));
	if (!di) {
		*call = "malloc";
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	status = RtmGetMostSpecificDestination(r->handle,
					       (PRTM_NET_ADDRESS)addr,
					       RTM_BEST_PROTOCOL, 1U << v, di);
	if (status == ERROR_NOT_FOUND) {
		free(di);
		return NO_ERROR;
	}
	if (status != NO_ERROR) {
		*call = "RtmGetMostSpecificDestination";
		free(di);
		return status;
	}
	res->found = true;
	res->prefix = di->DestAddress;
	res->num_routes = di->ViewInfo[0].NumRoutes;
	if (di->ViewInfo[0].Route) {
		status = route_describe(dsc, di->ViewInfo[0].Route,
					&res->route, call);
		res->has_route = status == NO_ERROR;
	}
	rel = RtmReleaseDestInfo(r->handle, di);
	free(di);
	if (status == NO_ERROR && rel != NO_ERROR) {
		*call = "RtmReleaseDestInfo";
		status = rel;
	}
	return status;
}

static void print_text(const char *addr, const struct view_result *res)
{
	char buf[PREFIX_STRLEN];

	printf("%s view %s: ", addr, view_name(res->view));
	if (!res->found) {
		puts("no route");
		return;
	}
	printf("%s", format_prefix(&res->prefix, true, buf));
	if (res->has_route)
		route_desc_print(stdout, &res->route);
	printf(" (%u route%s)\n", res->num_routes,
	       res->num_routes == 1 ? "" : "s");
}

static void print_json(struct json *j, const struct view_result *res)
{
	char buf[PREFIX_STRLEN];

	json_object(j, NULL);
	json_string(j, "view", view_name(res->view));
	if (res->found) {
		json_string(j, "prefix", format_prefix(&res->prefix, true, buf));
		json_uint(j, "routes", res->num_routes);
	} else {
		json_null(j, "prefix");
		json_uint(j, "routes", 0);
	}
	if (res->has_route) {
		json_object(j, "route");
		route_desc_json(j, &res->route);
		json_end(j);
	} else {
		json_null(j, "route");
	}
	json_end(j);
}

int cmd_lookup(struct cmd_ctx *c, int argc, char **argv)
{
	struct words w = { .argc = argc, .argv = argv, .i = 1,
			   .cmd = "lookup" };
	RTM_VIEW_SET views = RTM_VIEW_MASK_ALL;
	struct view_result res[RTM_MAX_VIEWS];
	struct describer dsc;
	const char *arg, *kw, *v, *why, *call = NULL;
	RTM_NET_ADDRESS addr;
	unsigned int nres = 0, found = 0, i;
	char what[PREFIX_STRLEN + 8];
	struct reg *r;
	DWORD status = NO_ERROR;

	arg = words_next(&w);
	if (!arg)
		return err_usage("lookup: ADDR expected");
	if (parse_prefix(arg, c->family, true, &addr, &why))
		return err_usage("lookup: %s: %s", arg, why);
	while ((kw = words_next(&w))) {
		if (strcmp(kw, "view"))
			return err_usage("lookup: unknown argument '%s'", kw);
		v = words_value(&w, kw);
		if (!v)
			return EXIT_USAGE;
		views = parse_views(v);
		if (!views)
			return err_usage("lookup: view: ucast, mcast or both, not '%s'",
					 v);
	}
	snprintf(what, sizeof(what), "lookup %s", arg);

	r = session_reg(c->s, c->table, addr.AddressFamily);
	if (!r)
		return EXIT_FAIL;
	if (views == RTM_VIEW_MASK_ALL)
		views = r->profile.ViewsSupported;
	if (describer_init(&dsc, r))
		return EXIT_FAIL;

	for (i = 0; i < RTM_MAX_VIEWS && status == NO_ERROR; i++) {
		if (!(views & (1U << i)))
			continue;
		status = lookup_view(&dsc, &addr, (RTM_VIEW_ID)i, &res[nres],
				     &call);
		if (status == NO_ERROR)
			found += res[nres++].found;
	}

	if (status == NO_ERROR) {
		if (c->json) {
			json_object(&c->j, NULL);
			json_string(&c->j, "address", arg);
			json_uint(&c->j, "table", c->table);
			json_array(&c->j, "views");
			for (i = 0; i < nres; i++)
				print_json(&c->j, &res[i]);
			json_end(&c->j);
			json_end(&c->j);
		} else {
			for (i = 0; i < nres; i++)
				print_text(arg, &res[i]);
		}
	}
	describer_free(&dsc);

	if (status != NO_ERROR)
		return err_win32(what, call, status);
	if (!found) {
		err("%s: no route in table %u %s (ERROR_NOT_FOUND)", arg,
		    c->table, family_name(addr.AddressFamily));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
