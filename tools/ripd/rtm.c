// SPDX-License-Identifier: GPL-2.0
/*
 * The RTMv2 side of rtm-ripd: rtm is its routing table.
 *
 * rtm-ripd registers as PROTO_IP_RIP in the IPv4 table of its rtm
 * instance and keeps no table of its own:
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

struct rtm_side rtm = { .event_fd = -1 };

static pthread_mutex_t rtm_lock = PTHREAD_MUTEX_INITIALIZER;

/* The next hops of ours: one per neighbour and interface. */
static struct neighbour {
	uint32_t addr;
	int ifindex;
	RTM_NEXTHOP_HANDLE nh;
} neighbours[MAX_NEIGHBOURS];
static unsigned int nneighbours;

/* The protocol ids of the owners seen in the table. */
static struct owner {
	RTM_ENTITY_HANDLE h;
	ULONG proto;
} owners[MAX_OWNERS];
static unsigned int nowners;

/* Dests seen going into hold-down: announced unreachable while held. */
static struct held {
	uint32_t addr;
	uint8_t len;
} held[MAX_HELD];
static unsigned int nheld;

static size_t dest_info_size(void)
{
	return RTM_SIZE_OF_DEST_INFO(rtm.profile.NumberOfViews);
}

static RTM_NET_ADDRESS net_addr(uint32_t addr, unsigned int len)
{
	RTM_NET_ADDRESS n;

	memset(&n, 0, sizeof(n));
	RTM_IPV4_SET_ADDR_AND_LEN(&n, addr, len);
	return n;
}

static void addr_of(const RTM_NET_ADDRESS *n, uint32_t *addr,
		    unsigned int *len)
{
	memcpy(addr, n->AddrBits, 4);
	*len = n->NumBits;
}

/*
 * The route is gone (@why): its dest into hold-down for the garbage time,
 * then the route out.  Consumes the reference on @route.
 */
static void hold_and_delete(RTM_ROUTE_HANDLE route, const char *why)
{
	RTM_ROUTE_CHANGE_FLAGS flags = 0;
	PRTM_ROUTE_INFO ri;
	RTM_NET_ADDRESS dest;
	uint32_t addr;
	unsigned int len;
	DWORD st;

	ri = malloc(RTM_SIZE_OF_ROUTE_INFO(rtm.profile.MaxNextHopsInRoute));
	if (!ri)
		die("out of memory");
	st = RtmGetRouteInfo(rtm.reg, route, ri, &dest);
	if (st == NO_ERROR) {
		addr_of(&dest, &addr, &len);
		log_info("%s %s: held down", prefix_str(addr, len), why);
		st = RtmHoldDestination(rtm.reg, ri->DestHandle,
					RTM_VIEW_MASK_UCAST, cfg.garbage_ms);
		if (st != NO_ERROR)
			log_err("RtmHoldDestination: error %u", st);
		RtmReleaseRouteInfo(rtm.reg, ri);
	}
	free(ri);
	st = RtmDeleteRouteToDest(rtm.reg, route, &flags);
	if (st != NO_ERROR) {
		log_err("RtmDeleteRouteToDest: error %u", st);
		RtmReleaseRoutes(rtm.reg, 1, &route);
	}
}

static DWORD WINAPI event_callback(RTM_ENTITY_HANDLE reg, RTM_EVENT_TYPE type,
				   PVOID context1, PVOID context2)
{
	RTM_ROUTE_HANDLE route = context1;
	uint64_t one = 1;

	UNREFERENCED_PARAMETER(reg);

	switch (type) {
	case RTM_CHANGE_NOTIFICATION:
		if (write(rtm.event_fd, &one, sizeof(one)) < 0)
			log_err("eventfd: %s", strerror(errno));
		return NO_ERROR;
	case RTM_ROUTE_EXPIRED:
		/* Context2 is RTM's own copy of the route: read only. */
		UNREFERENCED_PARAMETER(context2);
		pthread_mutex_lock(&rtm_lock);
		hold_and_delete(route, "expired");
		pthread_mutex_unlock(&rtm_lock);
		return NO_ERROR;
	default:
		return NO_ERROR;
	}
}

void rtm_start(void)
{
	RTM_ENTITY_INFO info = {
		.RtmInstanceId = cfg.instance,
		.AddressFamily = AF_INET,
	};
	DWORD st;

	rtm.event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (rtm.event_fd < 0)
		die("eventfd: %s", strerror(errno));
	info.EntityId.EntityProtocolId = PROTO_IP_RIP;
	info.EntityId.EntityInstanceId = 0;
	st = RtmRegisterEntity(&info, NULL, event_callback, FALSE,
			       &rtm.profile, &rtm.reg);
	if (st != NO_ERROR)
		die("RtmRegisterEntity (instance %u, IPv4): error %u",
		    cfg.instance, st);
	st = RtmRegisterForChangeNotification(rtm.reg, RTM_VIEW_MASK_UCAST,
					      RTM_CHANGE_TYPE_BEST, NULL,
					      &rtm.notify);
	if (st != NO_ERROR)
		die("RtmRegisterForChangeNotification: error %u", st);
}

void rtm_stop(void)
{
	DWORD st;

	if (!rtm.reg)
		return;
	RtmDeregisterFromChangeNotification(rtm.reg, rtm.notify);
	/* Deregistration takes our routes and next hops out of rtm. */
	st = RtmDeregisterEntity(rtm.reg);
	if (st != NO_ERROR)
		log_err("RtmDeregisterEntity: error %u", st);
	rtm.reg = NULL;
}

/* The next hop of @addr on @ifindex, added to rtm the first time. */
static RTM_NEXTHOP_HANDLE nexthop(uint32_t addr, int ifindex)
{
	RTM_NEXTHOP_CHANGE_FLAGS flags = 0;
	RTM_NEXTHOP_INFO info;
	struct neighbour *n;
	unsigned int i;
	DWORD st;

	for (i = 0; i < nneighbours; i++)
		if (neighbours[i].addr == addr &&
		    neighbours[i].ifindex == ifindex)
			return neighbours[i].nh;
	if (nneighbours == MAX_NEIGHBOURS) {
		log_err("too many neighbours; %s ignored", ip_str(addr));
		return NULL;
	}
	memset(&info, 0, sizeof(info));
	info.NextHopAddress = net_addr(addr, 32);
	info.InterfaceIndex = ifindex;
	n = &neighbours[nneighbours];
	st = RtmAddNextHop(rtm.reg, &info, &n->nh, &flags);
	if (st != NO_ERROR) {
		log_err("RtmAddNextHop %s: error %u", ip_str(addr), st);
		return NULL;
	}
	n->addr = addr;
	n->ifindex = ifindex;
	nneighbours++;
	log_info("neighbour %s on interface %d", ip_str(addr), ifindex);
	return n->nh;
}

static const struct neighbour *neighbour_of(RTM_NEXTHOP_HANDLE nh)
{
	unsigned int i;

	for (i = 0; i < nneighbours; i++)
		if (neighbours[i].nh == nh)
			return &neighbours[i];
	return NULL;
}

/* Our best route to @dest, referenced, with its metric and neighbour. */
static RTM_ROUTE_HANDLE own_route(const RTM_NET_ADDRESS *dest,
				  unsigned int *metric,
				  RTM_NEXTHOP_HANDLE *neighbour)
{
	RTM_ROUTE_HANDLE route = NULL;
	PRTM_DEST_INFO di = malloc(dest_info_size());
	PRTM_ROUTE_INFO ri;

	ri = malloc(RTM_SIZE_OF_ROUTE_INFO(rtm.profile.MaxNextHopsInRoute));
	if (!di || !ri)
		die("out of memory");
	if (RtmGetExactMatchDestination(rtm.reg, (PRTM_NET_ADDRESS)dest,
					RTM_THIS_PROTOCOL, RTM_VIEW_MASK_UCAST,
					di) == NO_ERROR) {
		if (di->ViewInfo[0].Route &&
		    RtmGetRouteInfo(rtm.reg, di->ViewInfo[0].Route, ri,
				    NULL) == NO_ERROR) {
			if (RtmReferenceHandles(rtm.reg, 1,
						&di->ViewInfo[0].Route) ==
			    NO_ERROR) {
				route = di->ViewInfo[0].Route;
				*metric = ri->PrefInfo.Metric;
				*neighbour = ri->Neighbour;
			}
			RtmReleaseRouteInfo(rtm.reg, ri);
		}
		RtmReleaseDestInfo(rtm.reg, di);
	}
	free(ri);
	free(di);
	return route;
}

void rtm_learn(struct iface *ifc, uint32_t neighbour, uint32_t addr,
	       unsigned int len, unsigned int metric)
{
	RTM_NET_ADDRESS dest = net_addr(addr, len);
	RTM_ROUTE_CHANGE_FLAGS flags = 0;
	RTM_NEXTHOP_HANDLE nh, cur_nh = NULL;
	RTM_ROUTE_HANDLE route;
	RTM_ROUTE_INFO info;	/* room for one next hop */
	unsigned int cur = RIP_INFINITY;
	DWORD st;

	pthread_mutex_lock(&rtm_lock);
	nh = nexthop(neighbour, ifc->ifindex);
	if (!nh)
		goto out;
	route = own_route(&dest, &cur, &cur_nh);
	if (route && cur_nh == nh && metric >= RIP_INFINITY) {
		/* Withdrawn by the neighbour we use: into hold-down. */
		hold_and_delete(route, "withdrawn");
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
		log_info("%s via %s metric %u", prefix_str(addr, len),
			 ip_str(neighbour), metric);
	/* Our route there updated in place (the TTL restarts), or a new one. */
	st = RtmAddRouteToDest(rtm.reg, &route, &dest, &info, cfg.timeout_ms,
			       NULL, 0, NULL, &flags);
	if (st != NO_ERROR)
		log_err("RtmAddRouteToDest %s: error %u",
			prefix_str(addr, len), st);
out_release:
	if (route)
		RtmReleaseRoutes(rtm.reg, 1, &route);
out:
	pthread_mutex_unlock(&rtm_lock);
}

/* The protocol id of @owner, from a cache of the entities seen. */
static ULONG owner_proto(RTM_ENTITY_HANDLE owner)
{
	RTM_ENTITY_INFO info;
	unsigned int i;

	if (owner == rtm.reg)
		return PROTO_IP_RIP;
	for (i = 0; i < nowners; i++)
		if (owners[i].h == owner)
			return owners[i].proto;
	if (RtmGetEntityInfo(rtm.reg, owner, &info) != NO_ERROR)
		return 0;
	RtmReleaseEntityInfo(rtm.reg, &info);
	if (nowners == MAX_OWNERS)
		nowners = 0;
	owners[nowners].h = owner;
	owners[nowners++].proto = info.EntityId.EntityProtocolId;
	return info.EntityId.EntityProtocolId;
}

/*
 * What the policy announces for the best route of @di: false if nothing
 * (no route, or a route of another protocol no redistribute line takes).
 */
static bool classify(const RTM_DEST_INFO *di, PRTM_ROUTE_INFO ri,
		     struct rip_route *r)
{
	const struct neighbour *n;
	const struct redist *rd;
	ULONG proto;

	memset(r, 0, sizeof(*r));
	addr_of(&di->DestAddress, &r->addr, &r->len);
	if (!di->NumberOfViews || !di->ViewInfo[0].Route)
		return false;
	proto = owner_proto(di->ViewInfo[0].Owner);
	if (proto != PROTO_IP_RIP) {
		rd = config_redist(proto, r->addr, r->len);
		if (!rd)
			return false;
		r->metric = rd->metric;
		return true;
	}
	if (RtmGetRouteInfo(rtm.reg, di->ViewInfo[0].Route, ri, NULL) !=
	    NO_ERROR)
		return false;
	r->metric = ri->PrefInfo.Metric;
	if (r->metric > RIP_INFINITY)
		r->metric = RIP_INFINITY;
	n = neighbour_of(ri->Neighbour);
	r->ifindex = n ? n->ifindex : 0;
	RtmReleaseRouteInfo(rtm.reg, ri);
	return true;
}

static void held_add(uint32_t addr, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < nheld; i++)
		if (held[i].addr == addr && held[i].len == len)
			return;
	if (nheld < MAX_HELD) {
		held[nheld].addr = addr;
		held[nheld++].len = len;
	}
}

/* Whether the dest is only in hold-down (visible in no view). */
static bool is_held(uint32_t addr, unsigned int len, PRTM_DEST_INFO di)
{
	RTM_NET_ADDRESS dest = net_addr(addr, len);

	if (RtmGetExactMatchDestination(rtm.reg, &dest, RTM_BEST_PROTOCOL,
					RTM_VIEW_MASK_UCAST, di) == NO_ERROR) {
		RtmReleaseDestInfo(rtm.reg, di);
		return false;
	}
	if (RtmGetExactMatchDestination(rtm.reg, &dest, RTM_BEST_PROTOCOL,
					RTM_VIEW_MASK_ANY, di) != NO_ERROR)
		return false;
	RtmReleaseDestInfo(rtm.reg, di);
	return true;
}

void rtm_walk(route_fn fn, void *arg)
{
	PRTM_DEST_INFO infos, di;
	PRTM_ROUTE_INFO ri;
	RTM_ENUM_HANDLE en;
	struct rip_route r;
	unsigned int i, num, kept;
	DWORD st;

	for (i = 0; i < nifaces; i++) {
		if (!ifaces[i].addr)
			continue;
		memset(&r, 0, sizeof(r));
		r.addr = ifaces[i].net;
		r.len = ifaces[i].plen;
		/* An interface without carrier: its network is unreachable. */
		r.metric = ifaces[i].up ? 1 : RIP_INFINITY;
		r.connected = true;
		fn(&r, arg);
	}
	infos = malloc(dest_info_size() * rtm.profile.MaxHandlesInEnum);
	ri = malloc(RTM_SIZE_OF_ROUTE_INFO(rtm.profile.MaxNextHopsInRoute));
	if (!infos || !ri)
		die("out of memory");
	st = RtmCreateDestEnum(rtm.reg, RTM_VIEW_MASK_UCAST,
			       RTM_ENUM_START | RTM_ENUM_ALL_DESTS, NULL,
			       RTM_BEST_PROTOCOL, &en);
	if (st != NO_ERROR) {
		log_err("RtmCreateDestEnum: error %u", st);
		goto held;
	}
	do {
		num = rtm.profile.MaxHandlesInEnum;
		st = RtmGetEnumDests(rtm.reg, en, &num, infos);
		if (st != NO_ERROR && st != ERROR_NO_MORE_ITEMS) {
			log_err("RtmGetEnumDests: error %u", st);
			break;
		}
		for (i = 0; i < num; i++) {
			di = (PRTM_DEST_INFO)((char *)infos + i *
				RTM_SIZE_OF_DEST_INFO(infos->NumberOfViews));
			if (classify(di, ri, &r) &&
			    !iface_connected(r.addr, r.len))
				fn(&r, arg);
		}
		if (num)
			RtmReleaseDests(rtm.reg, num, infos);
	} while (st == NO_ERROR && num);
	RtmDeleteEnumHandle(rtm.reg, en);
held:
	/* The dests in hold-down: unreachable until the hold ends. */
	for (i = kept = 0; i < nheld; i++) {
		if (!is_held(held[i].addr, held[i].len, infos))
			continue;
		held[kept++] = held[i];
		memset(&r, 0, sizeof(r));
		r.addr = held[i].addr;
		r.len = held[i].len;
		r.metric = RIP_INFINITY;
		fn(&r, arg);
	}
	nheld = kept;
	free(ri);
	free(infos);
}

void rtm_lookup(uint32_t addr, unsigned int len, struct rip_route *r)
{
	RTM_NET_ADDRESS dest = net_addr(addr, len);
	PRTM_DEST_INFO di = malloc(dest_info_size());
	PRTM_ROUTE_INFO ri;
	struct iface *ifc = iface_connected(addr, len);

	ri = malloc(RTM_SIZE_OF_ROUTE_INFO(rtm.profile.MaxNextHopsInRoute));
	if (!di || !ri)
		die("out of memory");
	memset(r, 0, sizeof(*r));
	r->addr = addr;
	r->len = len;
	r->metric = RIP_INFINITY;
	if (ifc) {
		r->metric = ifc->up ? 1 : RIP_INFINITY;
		r->connected = true;
	} else if (RtmGetExactMatchDestination(rtm.reg, &dest,
					       RTM_BEST_PROTOCOL,
					       RTM_VIEW_MASK_UCAST, di) ==
		   NO_ERROR) {
		if (!classify(di, ri, r)) {
			r->metric = RIP_INFINITY;
			r->ifindex = 0;
		}
		RtmReleaseDestInfo(rtm.reg, di);
	}
	free(ri);
	free(di);
}

unsigned int rtm_changes(prefix_fn fn, void *arg)
{
	PRTM_DEST_INFO infos, di;
	unsigned int i, num, total = 0;
	uint64_t count;
	uint32_t addr;
	unsigned int len;
	DWORD st;

	if (read(rtm.event_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		log_err("eventfd: %s", strerror(errno));
	infos = malloc(dest_info_size() * rtm.profile.MaxHandlesInEnum);
	if (!infos)
		die("out of memory");
	do {
		num = rtm.profile.MaxHandlesInEnum;
		st = RtmGetChangedDests(rtm.reg, rtm.notify, &num, infos);
		if (st != NO_ERROR && st != ERROR_NO_MORE_ITEMS) {
			log_err("RtmGetChangedDests: error %u", st);
			break;
		}
		for (i = 0; i < num; i++) {
			di = (PRTM_DEST_INFO)((char *)infos + i *
				RTM_SIZE_OF_DEST_INFO(infos->NumberOfViews));
			addr_of(&di->DestAddress, &addr, &len);
			if (di->NumberOfViews && !di->ViewInfo[0].Route &&
			    di->ViewInfo[0].HoldRoute)
				held_add(addr, len);
			fn(addr, len, arg);
		}
		if (num)
			RtmReleaseChangedDests(rtm.reg, rtm.notify, num, infos);
		total += num;
	} while (st == NO_ERROR && num);
	free(infos);
	return total;
}
