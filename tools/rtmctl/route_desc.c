// SPDX-License-Identifier: GPL-2.0
/*
 * Routes as the queries print them: read through a route handle with
 * RtmGetRouteInfo, their owner's identity with RtmGetEntityInfo and each
 * next hop with RtmGetNextHopInfo, every handle those hand out released
 * before returning.
 *
 * A describer caches what it learnt of owners and next hops by handle
 * value (the kernel never reuses one), so that walking a full table costs
 * one RtmGetRouteInfo and one RtmReleaseRouteInfo per route, not one call
 * per next hop and owner too.
 */
#include <stdlib.h>

#include "rtmctl.h"

#define NH_CACHE_MIN	64

struct owner_entry {
	RTM_ENTITY_HANDLE handle;
	bool known;
	ULONG protocol_id, instance_id;
};

struct nh_entry {
	RTM_NEXTHOP_HANDLE handle;	/* NULL: a free slot */
	struct nexthop_desc desc;
};

int describer_init(struct describer *d, const struct reg *r)
{
	memset(d, 0, sizeof(*d));
	d->r = r;
	d->info = calloc(1, RTM_SIZE_OF_ROUTE_INFO(r->profile.MaxNextHopsInRoute));
	if (!d->info) {
		err("out of memory");
		return -1;
	}
	return 0;
}

void describer_free(struct describer *d)
{
	free(d->info);
	free(d->owners);
	free(d->nhs);
	memset(d, 0, sizeof(*d));
}

/* The identity of the entity @h, asked once. */
static const struct owner_entry *owner_of(struct describer *d,
					  RTM_ENTITY_HANDLE h)
{
	struct owner_entry *o;
	RTM_ENTITY_INFO info;
	size_t i;

	for (i = 0; i < d->nowners; i++)
		if (d->owners[i].handle == h)
			return &d->owners[i];
	o = realloc(d->owners, (d->nowners + 1) * sizeof(*o));
	if (!o)
		return NULL;
	d->owners = o;
	o = &d->owners[d->nowners++];
	memset(o, 0, sizeof(*o));
	o->handle = h;
	/* An owner that has left since: its routes are on their way out. */
	if (RtmGetEntityInfo(d->r->handle, h, &info) == NO_ERROR) {
		o->known = true;
		o->protocol_id = info.EntityId.EntityProtocolId;
		o->instance_id = info.EntityId.EntityInstanceId;
		RtmReleaseEntityInfo(d->r->handle, &info);
	}
	return o;
}

bool describer_owner(struct describer *d, RTM_ENTITY_HANDLE h,
		     ULONG *protocol_id, ULONG *instance_id)
{
	const struct owner_entry *o = owner_of(d, h);

	if (!o || !o->known)
		return false;
	*protocol_id = o->protocol_id;
	*instance_id = o->instance_id;
	return true;
}

static size_t nh_slot(RTM_NEXTHOP_HANDLE h, size_t cap)
{
	return (size_t)(((uintptr_t)h * 0x9E3779B97F4A7C15ULL) >> 32) &
	       (cap - 1);
}

static bool nh_grow(struct describer *d)
{
	size_t cap = d->nh_cap ? 2 * d->nh_cap : NH_CACHE_MIN, i, k;
	struct nh_entry *t = calloc(cap, sizeof(*t));

	if (!t)
		return false;
	for (i = 0; i < d->nh_cap; i++) {
		if (!d->nhs[i].handle)
			continue;
		for (k = nh_slot(d->nhs[i].handle, cap); t[k].handle;
		     k = (k + 1) & (cap - 1))
			;
		t[k] = d->nhs[i];
	}
	free(d->nhs);
	d->nhs = t;
	d->nh_cap = cap;
	return true;
}

/* The next hop @h, asked once.  NO_ERROR or RtmGetNextHopInfo's error. */
static DWORD nexthop_of(struct describer *d, RTM_NEXTHOP_HANDLE h,
			struct nexthop_desc *out)
{
	RTM_NEXTHOP_INFO info;
	DWORD status;
	size_t k;

	if (d->nh_cap) {
		for (k = nh_slot(h, d->nh_cap); d->nhs[k].handle;
		     k = (k + 1) & (d->nh_cap - 1)) {
			if (d->nhs[k].handle == h) {
				*out = d->nhs[k].desc;
				return NO_ERROR;
			}
		}
	}
	status = RtmGetNextHopInfo(d->r->handle, h, &info);
	if (status != NO_ERROR)
		return status;
	out->address = info.NextHopAddress;
	out->interface_index = info.InterfaceIndex;
	out->flags = info.Flags;
	out->state = info.State;
	RtmReleaseNextHopInfo(d->r->handle, &info);

	/* Cached at most half full; a failed growth only skips the cache. */
	if ((d->nh_count + 1) * 2 > d->nh_cap && !nh_grow(d))
		return NO_ERROR;
	for (k = nh_slot(h, d->nh_cap); d->nhs[k].handle;
	     k = (k + 1) & (d->nh_cap - 1))
		;
	d->nhs[k].handle = h;
	d->nhs[k].desc = *out;
	d->nh_count++;
	return NO_ERROR;
}

DWORD route_describe(struct describer *d, RTM_ROUTE_HANDLE route,
		     struct route_desc *rd, const char **call)
{
	UINT max = d->r->profile.MaxNextHopsInRoute;
	PRTM_ROUTE_INFO ri = d->info;
	DWORD status;
	UINT i;

	memset(rd, 0, sizeof(*rd));
	status = RtmGetRouteInfo(d->r->handle, route, ri, &rd->prefix);
	if (status != NO_ERROR) {
		*call = "RtmGetRouteInfo";
		return status;
	}
	rd->state = ri->State;
	rd->flags = ri->Flags;
	rd->pref = ri->PrefInfo;
	rd->views = ri->BelongsToViews;
	rd->owner_known = describer_owner(d, ri->RouteOwner, &rd->protocol_id,
					  &rd->instance_id);
	for (i = 0; i < ri->NextHopsList.NumNextHops && i < max &&
		    i < RTMCTL_MAX_NEXTHOPS; i++) {
		status = nexthop_of(d, ri->NextHopsList.NextHops[i],
				    &rd->nexthops[i]);
		if (status != NO_ERROR) {
			*call = "RtmGetNextHopInfo";
			break;
		}
		rd->num_nexthops++;
	}
	if (RtmReleaseRouteInfo(d->r->handle, ri) != NO_ERROR &&
	    status == NO_ERROR) {
		*call = "RtmReleaseRouteInfo";
		status = ERROR_INVALID_HANDLE;
	}
	return status;
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

void print_owner(FILE *f, bool known, ULONG protocol_id, ULONG instance_id)
{
	const char *name = protocol_name(protocol_id);

	if (!known)
		fputs("proto ?", f);
	else if (name)
		fprintf(f, "proto %s instance-id %u", name, instance_id);
	else
		fprintf(f, "proto %u instance-id %u", protocol_id, instance_id);
}

void route_desc_print(FILE *f, const struct route_desc *d)
{
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
	fputc(' ', f);
	print_owner(f, d->owner_known, d->protocol_id, d->instance_id);
	fprintf(f, " pref %u metric %u", d->pref.Preference, d->pref.Metric);
	if (d->flags) {
		fputs(" flags ", f);
		route_flags_each(d->flags, print_flag, &fp);
	}
	if (d->state != RTM_ROUTE_STATE_CREATED)
		fprintf(f, " (%s)", route_state_name(d->state));
}

void json_owner(struct json *j, bool known, ULONG protocol_id,
		ULONG instance_id)
{
	if (known) {
		json_string_or_null(j, "protocol", protocol_name(protocol_id));
		json_uint(j, "protocol_id", protocol_id);
		json_uint(j, "instance_id", instance_id);
	} else {
		json_null(j, "protocol");
		json_null(j, "protocol_id");
		json_null(j, "instance_id");
	}
}

void json_views(struct json *j, const char *key, RTM_VIEW_SET views)
{
	UINT i;

	json_array(j, key);
	for (i = 0; i < RTM_MAX_VIEWS; i++)
		if (views & (1U << i))
			json_string(j, NULL, view_name((RTM_VIEW_ID)i));
	json_end(j);
}

void json_nexthop(struct json *j, const struct nexthop_desc *nh,
		  unsigned int family)
{
	char buf[PREFIX_STRLEN];

	json_object(j, NULL);
	if (family)
		json_string(j, "family", family_name(family));
	json_string(j, "address", format_prefix(&nh->address, false, buf));
	json_uint(j, "interface", nh->interface_index);
	json_nexthop_flags(j, "flags", nh->flags);
	json_bool(j, "deleted", nh->state == RTM_NEXTHOP_STATE_DELETED);
	json_end(j);
}

void route_desc_json(struct json *j, const struct route_desc *d)
{
	UINT i;

	json_owner(j, d->owner_known, d->protocol_id, d->instance_id);
	json_uint(j, "preference", d->pref.Preference);
	json_uint(j, "metric", d->pref.Metric);
	json_route_flags(j, "flags", d->flags);
	json_string(j, "state", route_state_name(d->state));
	json_views(j, "views", d->views);
	json_array(j, "nexthops");
	for (i = 0; i < d->num_nexthops; i++)
		json_nexthop(j, &d->nexthops[i], 0);
	json_end(j);
}
