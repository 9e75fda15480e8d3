// SPDX-License-Identifier: GPL-2.0
/*
 * A route as the queries print it: read through a route handle with
 * RtmGetRouteInfo, its owner's identity with RtmGetEntityInfo and each next
 * hop with RtmGetNextHopInfo, every handle those hand out released before
 * returning.
 */
#include <stdlib.h>

#include "rtmctl.h"

DWORD route_describe(const struct reg *r, RTM_ROUTE_HANDLE route,
		     struct route_desc *d, const char **call)
{
	UINT max = r->profile.MaxNextHopsInRoute;
	RTM_NEXTHOP_INFO nhi;
	RTM_ENTITY_INFO owner;
	PRTM_ROUTE_INFO ri;
	DWORD status;
	UINT i;

	memset(d, 0, sizeof(*d));
	ri = calloc(1, RTM_SIZE_OF_ROUTE_INFO(max));
	d->nexthops = calloc(max ? max : 1, sizeof(*d->nexthops));
	if (!ri || !d->nexthops) {
		free(ri);
		route_desc_free(d);
		*call = "malloc";
		return ERROR_NOT_ENOUGH_MEMORY;
	}

	status = RtmGetRouteInfo(r->handle, route, ri, NULL);
	if (status != NO_ERROR) {
		*call = "RtmGetRouteInfo";
		free(ri);
		route_desc_free(d);
		return status;
	}
	d->state = ri->State;
	d->flags = ri->Flags;
	d->pref = ri->PrefInfo;
	d->views = ri->BelongsToViews;

	/* The owner may have left since: the route is then going away too. */
	if (RtmGetEntityInfo(r->handle, ri->RouteOwner, &owner) == NO_ERROR) {
		d->owner_known = true;
		d->protocol_id = owner.EntityId.EntityProtocolId;
		d->instance_id = owner.EntityId.EntityInstanceId;
		RtmReleaseEntityInfo(r->handle, &owner);
	}

	for (i = 0; i < ri->NextHopsList.NumNextHops && i < max; i++) {
		status = RtmGetNextHopInfo(r->handle,
					   ri->NextHopsList.NextHops[i], &nhi);
		if (status != NO_ERROR) {
			*call = "RtmGetNextHopInfo";
			break;
		}
		d->nexthops[d->num_nexthops].address = nhi.NextHopAddress;
		d->nexthops[d->num_nexthops].interface_index =
			nhi.InterfaceIndex;
		d->nexthops[d->num_nexthops].flags = nhi.Flags;
		d->nexthops[d->num_nexthops].state = nhi.State;
		d->num_nexthops++;
		RtmReleaseNextHopInfo(r->handle, &nhi);
	}

	if (RtmReleaseRouteInfo(r->handle, ri) != NO_ERROR && status == NO_ERROR) {
		*call = "RtmReleaseRouteInfo";
		status = ERROR_INVALID_HANDLE;
	}
	free(ri);
	if (status != NO_ERROR)
		route_desc_free(d);
	return status;
}

void route_desc_free(struct route_desc *d)
{
	free(d->nexthops);
	d->nexthops = NULL;
	d->num_nexthops = 0;
}

struct flag_printer {
	FILE *f;
	bool first;
};

static void print_flag(const char *name, void *arg)
{
	struct flag_printer *p = arg;

	fprintf(p->f, "%s%s", p->first ? "" : ",", name);
	p->first = false;
}

void route_desc_print(FILE *f, const struct route_desc *d)
{
	const char *name = protocol_name(d->protocol_id);
	struct flag_printer fp = { .f = f, .first = true };
	char buf[PREFIX_STRLEN];
	UINT i;

	for (i = 0; i < d->num_nexthops; i++) {
		fprintf(f, " via %s",
			format_prefix(&d->nexthops[i].address, false, buf));
		if (d->nexthops[i].interface_index)
			fprintf(f, " dev %u", d->nexthops[i].interface_index);
		if (d->nexthops[i].state == RTM_NEXTHOP_STATE_DELETED)
			fputs(" (deleted)", f);
	}
	if (!d->owner_known)
		fputs(" proto ?", f);
	else if (name)
		fprintf(f, " proto %s instance-id %u", name, d->instance_id);
	else
		fprintf(f, " proto %u instance-id %u", d->protocol_id,
			d->instance_id);
	fprintf(f, " pref %u metric %u", d->pref.Preference, d->pref.Metric);
	if (d->flags) {
		fputs(" flags ", f);
		route_flags_each(d->flags, print_flag, &fp);
	}
	if (d->state != RTM_ROUTE_STATE_CREATED)
		fprintf(f, " (%s)", route_state_name(d->state));
}

void route_desc_json(struct json *j, const struct route_desc *d)
{
	char buf[PREFIX_STRLEN];
	UINT i;

	if (d->owner_known) {
		json_string_or_null(j, "protocol", protocol_name(d->protocol_id));
		json_uint(j, "protocol_id", d->protocol_id);
		json_uint(j, "instance_id", d->instance_id);
	} else {
		json_null(j, "protocol");
		json_null(j, "protocol_id");
		json_null(j, "instance_id");
	}
	json_uint(j, "preference", d->pref.Preference);
	json_uint(j, "metric", d->pref.Metric);
	json_route_flags(j, "flags", d->flags);
	json_string(j, "state", route_state_name(d->state));
	json_array(j, "views");
	for (i = 0; i < RTM_MAX_VIEWS; i++)
		if (d->views & (1U << i))
			json_string(j, NULL, view_name((RTM_VIEW_ID)i));
	json_end(j);
	json_array(j, "nexthops");
	for (i = 0; i < d->num_nexthops; i++) {
		json_object(j, NULL);
		json_string(j, "address",
			    format_prefix(&d->nexthops[i].address, false, buf));
		json_uint(j, "interface", d->nexthops[i].interface_index);
		json_nexthop_flags(j, "flags", d->nexthops[i].flags);
		json_bool(j, "deleted",
			  d->nexthops[i].state == RTM_NEXTHOP_STATE_DELETED);
		json_end(j);
	}
	json_end(j);
}
