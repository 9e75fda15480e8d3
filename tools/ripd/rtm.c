// SPDX-License-Identifier: GPL-2.0
/*
 * The RTMv2 side of rtm-ripd: rtm is its routing table.
 *
 * rtm-ripd registers as PROTO_IP_RIP in the IPv4 table of its rtm
 * instance for RIPv2, and again as PROTO_IP_RIP in the IPv6 table for
 * RIPng (rtm keys entities per table), and keeps no table of its own.
 * For each family:
 *  - a route heard from a neighbour is a route of its own in rtm, through
 *    a next hop of its own (the neighbour's address on the interface it
 *    was heard on; the next hop is also the route's Neighbour), with the
 *    RIP metric as PrefInfo.Metric and the RIP timeout as TimeToLive.  A
 *    refresh from the same neighbour updates the route in place, which
 *    restarts its TTL; a better metric from another neighbour moves the
 *    route to that neighbour.
 *  - when a route's TTL runs out (RTM_ROUTE_EXPIRED) or its neighbour
 *    announces metric 16, its dest is held down for the garbage time
 *    (RtmHoldDestination) and the route deleted: the dest stays in rtm in
 *    hold-down, and is announced with metric 16, until the hold ends.
 *  - what it announces is what rtm's unicast view has: the best route of
 *    each dest (RtmCreateDestEnum), when the policy announces its owner:
 *    its own routes always, other protocols' routes when a redistribute
 *    line matches them.  The networks of the RIP interfaces are announced
 *    from the interfaces' addresses.
 *  - best-route changes (RtmRegisterForChangeNotification with
 *    RTM_CHANGE_TYPE_BEST) make triggered updates.
 * The event callback runs on the library's dispatcher thread: it handles
 * expiry itself (under rtm_lock, which the main thread holds while it
 * changes routes) and only wakes the main thread for changes.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "ripd.h"

#define MAX_NEIGHBOURS		256
#define MAX_OWNERS		64
#define MAX_HELD		4096

static pthread_mutex_t rtm_lock = PTHREAD_MUTEX_INITIALIZER;

/* The next hops of ours: one per neighbour and interface. */
struct neighbour {
	struct addr addr;
	int ifindex;
	RTM_NEXTHOP_HANDLE nh;
};

/* The protocol ids of the owners seen in the table. */
struct owner {
	RTM_ENTITY_HANDLE h;
	ULONG proto;
};

/* Dests seen going into hold-down: announced unreachable while held. */
struct held {
	struct addr addr;
	uint8_t len;
};

/* What one family's registration keeps. */
static struct fam_state {
	struct neighbour neighbours[MAX_NEIGHBOURS];
	unsigned int nneighbours;
	struct owner owners[MAX_OWNERS];
	unsigned int nowners;
	struct held held[MAX_HELD];
	unsigned int nheld;
} states[NFAM];

static size_t dest_info_size(const struct family *f)
{
	return RTM_SIZE_OF_DEST_INFO(f->rtm.profile.NumberOfViews);
}

static size_t route_info_size(const struct family *f)
{
	return RTM_SIZE_OF_ROUTE_INFO(f->rtm.profile.MaxNextHopsInRoute);
}

static RTM_NET_ADDRESS net_addr(const struct family *f, const struct addr *a,
				unsigned int len)
{
	RTM_NET_ADDRESS n;

	memset(&n, 0, sizeof(n));
	n.AddressFamily = f->af;
	n.NumBits = len;
	memcpy(n.AddrBits, a->b, f->bits / 8);
	return n;
}

static void addr_of(const RTM_NET_ADDRESS *n, struct addr *a,
		    unsigned int *len)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->b, n->AddrBits, n->AddressFamily == AF_INET6 ? 16 : 4);
	*len = n->NumBits;
}

static struct family *family_of(RTM_ENTITY_HANDLE reg)
{
	struct family *f;

	for_each_family(f)
		if (f->rtm.reg == reg)
			return f;
	return NULL;
}

/*
 * The route is gone (@why): its dest into hold-down for the garbage time,
 * then the route out.  Consumes the reference on @route.
 */
static void hold_and_delete(struct family *f, RTM_ROUTE_HANDLE route,
			    const char *why)
{
	RTM_ROUTE_CHANGE_FLAGS flags = 0;
	PRTM_ROUTE_INFO ri;
	RTM_NET_ADDRESS dest;
	struct addr a;
	unsigned int len;
	DWORD st;

	ri = malloc(route_info_size(f));
	if (!ri)
		die("out of memory");
	st = RtmGetRouteInfo(f->rtm.reg, route, ri, &dest);
	if (st == NO_ERROR) {
		addr_of(&dest, &a, &len);
		log_info("%s %s: held down", prefix_str(f, &a, len), why);
		st = RtmHoldDestination(f->rtm.reg, ri->DestHandle,
					RTM_VIEW_MASK_UCAST, cfg.garbage_ms);
		if (st != NO_ERROR)
			log_err("RtmHoldDestination: error %u", st);
		RtmReleaseRouteInfo(f->rtm.reg, ri);
	}
	free(ri);
	st = RtmDeleteRouteToDest(f->rtm.reg, route, &flags);
	if (st != NO_ERROR) {
		log_err("RtmDeleteRouteToDest: error %u", st);
		RtmReleaseRoutes(f->rtm.reg, 1, &route);
	}
}

static DWORD WINAPI event_callback(RTM_ENTITY_HANDLE reg, RTM_EVENT_TYPE type,
				   PVOID context1, PVOID context2)
{
	RTM_ROUTE_HANDLE route = context1;
	struct family *f;
	uint64_t one = 1;

	pthread_mutex_lock(&rtm_lock);
	f = family_of(reg);
	if (!f) {
		/* An event before RtmRegisterEntity returned the handle. */
		pthread_mutex_unlock(&rtm_lock);
		return NO_ERROR;
	}
	switch (type) {
	case RTM_CHANGE_NOTIFICATION:
		if (write(f->rtm.event_fd, &one, sizeof(one)) < 0)
			log_err("eventfd: %s", strerror(errno));
		break;
	case RTM_ROUTE_EXPIRED:
		/* Context2 is RTM's own copy of the route: read only. */
		UNREFERENCED_PARAMETER(context2);
		hold_and_delete(f, route, "expired");
		break;
	default:
		break;
	}
	pthread_mutex_unlock(&rtm_lock);
	return NO_ERROR;
}

void rtm_start(struct family *f)
{
	RTM_ENTITY_INFO info = {
		.RtmInstanceId = cfg.instance,
		.AddressFamily = f->af,
	};
	RTM_ENTITY_HANDLE reg;
	DWORD st;

	f->rtm.event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (f->rtm.event_fd < 0)
		die("eventfd: %s", strerror(errno));
	info.EntityId.EntityProtocolId = PROTO_IP_RIP;
	info.EntityId.EntityInstanceId = 0;
	st = RtmRegisterEntity(&info, NULL, event_callback, FALSE,
			       &f->rtm.profile, &reg);
	if (st != NO_ERROR)
		die("RtmRegisterEntity (instance %u, %s): error %u",
		    cfg.instance, f->af == AF_INET ? "IPv4" : "IPv6", st);
	pthread_mutex_lock(&rtm_lock);
	f->rtm.reg = reg;
	pthread_mutex_unlock(&rtm_lock);
	st = RtmRegisterForChangeNotification(reg, RTM_VIEW_MASK_UCAST,
					      RTM_CHANGE_TYPE_BEST, NULL,
					      &f->rtm.notify);
	if (st != NO_ERROR)
		die("RtmRegisterForChangeNotification: error %u", st);
}

void rtm_stop(struct family *f)
{
	DWORD st;

	if (!f->rtm.reg)
		return;
	RtmDeregisterFromChangeNotification(f->rtm.reg, f->rtm.notify);
	/* Deregistration takes our routes and next hops out of rtm. */
	st = RtmDeregisterEntity(f->rtm.reg);
	if (st != NO_ERROR)
		log_err("RtmDeregisterEntity: error %u", st);
	pthread_mutex_lock(&rtm_lock);
	f->rtm.reg = NULL;
	pthread_mutex_unlock(&rtm_lock);
}

/* The next hop of @a on @ifindex, added to rtm the first time. */
static RTM_NEXTHOP_HANDLE nexthop(struct family *f, const struct addr *a,
				  int ifindex)
{
	struct fam_state *s = &states[f->idx];
	RTM_NEXTHOP_CHANGE_FLAGS flags = 0;
	RTM_NEXTHOP_INFO info;
	struct neighbour *n;
	unsigned int i;
	DWORD st;

	for (i = 0; i < s->nneighbours; i++)
		if (addr_eq(&s->neighbours[i].addr, a) &&
		    s->neighbours[i].ifindex == ifindex)
			return s->neighbours[i].nh;
	if (s->nneighbours == MAX_NEIGHBOURS) {
		log_err("too many neighbours; %s ignored", ip_str(f, a));
		return NULL;
	}
	memset(&info, 0, sizeof(info));
	info.NextHopAddress = net_addr(f, a, f->bits);
	info.InterfaceIndex = ifindex;
	n = &s->neighbours[s->nneighbours];
	st = RtmAddNextHop(f->rtm.reg, &info, &n->nh, &flags);
	if (st != NO_ERROR) {
		log_err("RtmAddNextHop %s: error %u", ip_str(f, a), st);
		return NULL;
	}
	n->addr = *a;
	n->ifindex = ifindex;
	s->nneighbours++;
	log_info("%s neighbour %s on interface %d", f->name, ip_str(f, a),
		 ifindex);
	return n->nh;
}

static const struct neighbour *neighbour_of(struct family *f,
					    RTM_NEXTHOP_HANDLE nh)
{
	struct fam_state *s = &states[f->idx];
	unsigned int i;

	for (i = 0; i < s->nneighbours; i++)
		if (s->neighbours[i].nh == nh)
			return &s->neighbours[i];
	return NULL;
}

/* Our best route to @dest, referenced, with its metric and neighbour. */
static RTM_ROUTE_HANDLE own_route(struct family *f,
				  const RTM_NET_ADDRESS *dest,
				  unsigned int *metric,
				  RTM_NEXTHOP_HANDLE *neighbour)
{
	RTM_ENTITY_HANDLE reg = f->rtm.reg;
	RTM_ROUTE_HANDLE route = NULL;
	PRTM_DEST_INFO di = malloc(dest_info_size(f));
	PRTM_ROUTE_INFO ri = malloc(route_info_size(f));

	if (!di || !ri)
		die("out of memory");
	if (RtmGetExactMatchDestination(reg, (PRTM_NET_ADDRESS)dest,
					RTM_THIS_PROTOCOL, RTM_VIEW_MASK_UCAST,
					di) == NO_ERROR) {
		if (di->ViewInfo[0].Route &&
		    RtmGetRouteInfo(reg, di->ViewInfo[0].Route, ri,
				    NULL) == NO_ERROR) {
			if (RtmReferenceHandles(reg, 1,
						&di->ViewInfo[0].Route) ==
			    NO_ERROR) {
				route = di->ViewInfo[0].Route;
				*metric = ri->PrefInfo.Metric;
				*neighbour = ri->Neighbour;
			}
			RtmReleaseRouteInfo(reg, ri);
		}
		RtmReleaseDestInfo(reg, di);
	}
	free(ri);
	free(di);
	return route;
}

void rtm_learn(struct family *f, struct iface *ifc,
	       const struct addr *neighbour, const struct addr *a,
	       unsigned int len, unsigned int metric)
{
	RTM_NET_ADDRESS dest = net_addr(f, a, len);
	RTM_ROUTE_CHANGE_FLAGS flags = 0;
	RTM_NEXTHOP_HANDLE nh, cur_nh = NULL;
	RTM_ROUTE_HANDLE route;
	RTM_ROUTE_INFO info;	/* room for one next hop */
	unsigned int cur = RIP_INFINITY;
	DWORD st;

	pthread_mutex_lock(&rtm_lock);
	nh = nexthop(f, neighbour, ifc->ifindex);
	if (!nh)
		goto out;
	route = own_route(f, &dest, &cur, &cur_nh);
	if (route && cur_nh == nh && metric >= RIP_INFINITY) {
		/* Withdrawn by the neighbour we use: into hold-down. */
		hold_and_delete(f, route, "withdrawn");
		goto out;
	}
	if (metric >= RIP_INFINITY || (route && cur_nh != nh && metric >= cur))
		goto out_release;
	memset(&info, 0, sizeof(info));
	info.Neighbour = nh;
	info.PrefInfo.Metric = metric;
	/* 0: the namespace's preference of RIP (rtmctl preference). */
	info.PrefInfo.Preference = 0;
	info.BelongsToViews = RTM_VIEW_MASK_UCAST;
	info.NextHopsList.NumNextHops = 1;
	info.NextHopsList.NextHops[0] = nh;
	if (!route || cur != metric || cur_nh != nh)
		log_info("%s via %s metric %u", prefix_str(f, a, len),
			 ip_str(f, neighbour), metric);
	/* Our route there updated in place (the TTL restarts), or a new one. */
	st = RtmAddRouteToDest(f->rtm.reg, &route, &dest, &info,
			       cfg.timeout_ms, NULL, 0, NULL, &flags);
	if (st != NO_ERROR)
		log_err("RtmAddRouteToDest %s: error %u",
			prefix_str(f, a, len), st);
out_release:
	if (route)
		RtmReleaseRoutes(f->rtm.reg, 1, &route);
out:
	pthread_mutex_unlock(&rtm_lock);
}

void rtm_iface_down(struct family *f, int ifindex)
{
	RTM_ENTITY_HANDLE reg = f->rtm.reg;
	PRTM_ROUTE_HANDLE routes;
	PRTM_ROUTE_INFO ri;
	RTM_ENUM_HANDLE en;
	unsigned int i, num;
	DWORD st;

	if (!reg)
		return;
	routes = calloc(f->rtm.profile.MaxHandlesInEnum, sizeof(*routes));
	ri = malloc(route_info_size(f));
	if (!routes || !ri)
		die("out of memory");
	pthread_mutex_lock(&rtm_lock);
	st = RtmCreateRouteEnum(reg, NULL, RTM_VIEW_MASK_ANY,
				RTM_ENUM_OWN_ROUTES, NULL, RTM_MATCH_NONE,
				NULL, 0, &en);
	if (st != NO_ERROR) {
		log_err("RtmCreateRouteEnum: error %u", st);
		goto out;
	}
	do {
		num = f->rtm.profile.MaxHandlesInEnum;
		st = RtmGetEnumRoutes(reg, en, &num, routes);
		for (i = 0; i < num; i++) {
			const struct neighbour *n = NULL;

			if (RtmGetRouteInfo(reg, routes[i], ri, NULL) ==
			    NO_ERROR) {
				n = neighbour_of(f, ri->Neighbour);
				RtmReleaseRouteInfo(reg, ri);
			}
			if (n && n->ifindex == ifindex)
				hold_and_delete(f, routes[i],
						"interface down");
			else
				RtmReleaseRoutes(reg, 1, &routes[i]);
		}
	} while (st == NO_ERROR && num);
	RtmDeleteEnumHandle(reg, en);
out:
	pthread_mutex_unlock(&rtm_lock);
	free(ri);
	free(routes);
}

/* The protocol id of @owner, from a cache of the entities seen. */
static ULONG owner_proto(struct family *f, RTM_ENTITY_HANDLE owner)
{
	struct fam_state *s = &states[f->idx];
	RTM_ENTITY_INFO info;
	unsigned int i;

	if (owner == f->rtm.reg)
		return PROTO_IP_RIP;
	for (i = 0; i < s->nowners; i++)
		if (s->owners[i].h == owner)
			return s->owners[i].proto;
	if (RtmGetEntityInfo(f->rtm.reg, owner, &info) != NO_ERROR)
		return 0;
	RtmReleaseEntityInfo(f->rtm.reg, &info);
	if (s->nowners == MAX_OWNERS)
		s->nowners = 0;
	s->owners[s->nowners].h = owner;
	s->owners[s->nowners++].proto = info.EntityId.EntityProtocolId;
	return info.EntityId.EntityProtocolId;
}

/*
 * What the policy announces for the best route of @di: false if nothing
 * (no route, or a route of another protocol no redistribute line takes).
 */
static bool classify(struct family *f, const RTM_DEST_INFO *di,
		     PRTM_ROUTE_INFO ri, struct rip_route *r)
{
	const struct neighbour *n;
	const struct redist *rd;
	ULONG proto;

	memset(r, 0, sizeof(*r));
	addr_of(&di->DestAddress, &r->addr, &r->len);
	if (!di->NumberOfViews || !di->ViewInfo[0].Route)
		return false;
	proto = owner_proto(f, di->ViewInfo[0].Owner);
	if (di->ViewInfo[0].Owner != f->rtm.reg) {
		rd = config_redist(proto, f->af, &r->addr, r->len);
		if (!rd)
			return false;
		r->metric = rd->metric;
		return true;
	}
	if (RtmGetRouteInfo(f->rtm.reg, di->ViewInfo[0].Route, ri, NULL) !=
	    NO_ERROR)
		return false;
	r->metric = ri->PrefInfo.Metric;
	if (r->metric > RIP_INFINITY)
		r->metric = RIP_INFINITY;
	n = neighbour_of(f, ri->Neighbour);
	r->ifindex = n ? n->ifindex : 0;
	RtmReleaseRouteInfo(f->rtm.reg, ri);
	return true;
}

static void held_add(struct family *f, const struct addr *a, unsigned int len)
{
	struct fam_state *s = &states[f->idx];
	unsigned int i;

	for (i = 0; i < s->nheld; i++)
		if (addr_eq(&s->held[i].addr, a) && s->held[i].len == len)
			return;
	if (s->nheld < MAX_HELD) {
		s->held[s->nheld].addr = *a;
		s->held[s->nheld++].len = len;
	}
}

/* Whether the dest is only in hold-down (visible in no view). */
static bool is_held(struct family *f, const struct addr *a, unsigned int len,
		    PRTM_DEST_INFO di)
{
	RTM_NET_ADDRESS dest = net_addr(f, a, len);

	if (RtmGetExactMatchDestination(f->rtm.reg, &dest, RTM_BEST_PROTOCOL,
					RTM_VIEW_MASK_UCAST, di) == NO_ERROR) {
		RtmReleaseDestInfo(f->rtm.reg, di);
		return false;
	}
	if (RtmGetExactMatchDestination(f->rtm.reg, &dest, RTM_BEST_PROTOCOL,
					RTM_VIEW_MASK_ANY, di) != NO_ERROR)
		return false;
	RtmReleaseDestInfo(f->rtm.reg, di);
	return true;
}

void rtm_walk(struct family *f, route_fn fn, void *arg)
{
	struct fam_state *s = &states[f->idx];
	PRTM_DEST_INFO infos, di;
	PRTM_ROUTE_INFO ri;
	RTM_ENUM_HANDLE en;
	struct rip_route r;
	unsigned int i, num, kept;
	DWORD st;

	for (i = 0; i < nifaces; i++) {
		struct iface_af *ia = &ifaces[i].af[f->idx];

		if (!iface_runs(f, &ifaces[i]) || !ia->has_net)
			continue;
		memset(&r, 0, sizeof(r));
		r.addr = ia->net;
		r.len = ia->plen;
		/* An interface without carrier: its network is unreachable. */
		r.metric = ifaces[i].up ? 1 : RIP_INFINITY;
		r.connected = true;
		fn(&r, arg);
	}
	infos = malloc(dest_info_size(f) * f->rtm.profile.MaxHandlesInEnum);
	ri = malloc(route_info_size(f));
	if (!infos || !ri)
		die("out of memory");
	st = RtmCreateDestEnum(f->rtm.reg, RTM_VIEW_MASK_UCAST,
			       RTM_ENUM_START | RTM_ENUM_ALL_DESTS, NULL,
			       RTM_BEST_PROTOCOL, &en);
	if (st != NO_ERROR) {
		log_err("RtmCreateDestEnum: error %u", st);
		goto held;
	}
	do {
		num = f->rtm.profile.MaxHandlesInEnum;
		st = RtmGetEnumDests(f->rtm.reg, en, &num, infos);
		if (st != NO_ERROR && st != ERROR_NO_MORE_ITEMS) {
			log_err("RtmGetEnumDests: error %u", st);
			break;
		}
		for (i = 0; i < num; i++) {
			di = (PRTM_DEST_INFO)((char *)infos + i *
				RTM_SIZE_OF_DEST_INFO(infos->NumberOfViews));
			if (classify(f, di, ri, &r) &&
			    !iface_connected(f, &r.addr, r.len))
				fn(&r, arg);
		}
		if (num)
			RtmReleaseDests(f->rtm.reg, num, infos);
	} while (st == NO_ERROR && num);
	RtmDeleteEnumHandle(f->rtm.reg, en);
held:
	/* The dests in hold-down: unreachable until the hold ends. */
	for (i = kept = 0; i < s->nheld; i++) {
		if (!is_held(f, &s->held[i].addr, s->held[i].len, infos))
			continue;
		s->held[kept++] = s->held[i];
		memset(&r, 0, sizeof(r));
		r.addr = s->held[i].addr;
		r.len = s->held[i].len;
		r.metric = RIP_INFINITY;
		fn(&r, arg);
	}
	s->nheld = kept;
	free(ri);
	free(infos);
}

void rtm_lookup(struct family *f, const struct addr *a, unsigned int len,
		struct rip_route *r)
{
	RTM_NET_ADDRESS dest = net_addr(f, a, len);
	PRTM_DEST_INFO di = malloc(dest_info_size(f));
	PRTM_ROUTE_INFO ri = malloc(route_info_size(f));
	struct iface *ifc = iface_connected(f, a, len);

	if (!di || !ri)
		die("out of memory");
	memset(r, 0, sizeof(*r));
	r->addr = *a;
	r->len = len;
	r->metric = RIP_INFINITY;
	if (ifc) {
		r->metric = ifc->up ? 1 : RIP_INFINITY;
		r->connected = true;
	} else if (RtmGetExactMatchDestination(f->rtm.reg, &dest,
					       RTM_BEST_PROTOCOL,
					       RTM_VIEW_MASK_UCAST, di) ==
		   NO_ERROR) {
		if (!classify(f, di, ri, r)) {
			r->metric = RIP_INFINITY;
			r->ifindex = 0;
		}
		RtmReleaseDestInfo(f->rtm.reg, di);
	}
	free(ri);
	free(di);
}

unsigned int rtm_changes(struct family *f, prefix_fn fn)
{
	PRTM_DEST_INFO infos, di;
	unsigned int i, num, total = 0;
	uint64_t count;
	struct addr a;
	unsigned int len;
	DWORD st;

	if (read(f->rtm.event_fd, &count, sizeof(count)) < 0 &&
	    errno != EAGAIN)
		log_err("eventfd: %s", strerror(errno));
	infos = malloc(dest_info_size(f) * f->rtm.profile.MaxHandlesInEnum);
	if (!infos)
		die("out of memory");
	do {
		num = f->rtm.profile.MaxHandlesInEnum;
		st = RtmGetChangedDests(f->rtm.reg, f->rtm.notify, &num,
					infos);
		if (st != NO_ERROR && st != ERROR_NO_MORE_ITEMS) {
			log_err("RtmGetChangedDests: error %u", st);
			break;
		}
		for (i = 0; i < num; i++) {
			di = (PRTM_DEST_INFO)((char *)infos + i *
				RTM_SIZE_OF_DEST_INFO(infos->NumberOfViews));
			addr_of(&di->DestAddress, &a, &len);
			if (di->NumberOfViews && !di->ViewInfo[0].Route &&
			    di->ViewInfo[0].HoldRoute)
				held_add(f, &a, len);
			fn(f, &a, len);
		}
		if (num)
			RtmReleaseChangedDests(f->rtm.reg, f->rtm.notify, num,
					       infos);
		total += num;
	} while (st == NO_ERROR && num);
	free(infos);
	return total;
}
