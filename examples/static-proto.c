// SPDX-License-Identifier: GPL-2.0
/*
 * static-proto - a small routing protocol written against RTMv2 the way
 * Windows protocols are, built on Linux unchanged but for the few places
 * marked "Linux:" (PORTING.md walks through it).
 *
 * It registers as an entity of the IPv4 table of an RTM instance (argv[1],
 * default 0), subscribes to best-route changes, adds a next hop and three
 * static routes through it, prints every change its event callback is
 * told about, enumerates the table, withdraws one route, cleans up and
 * deregisters.  It prints one line per step and exits 0, or says what
 * failed on stderr and exits 1.
 *
 *   cc -o static-proto static-proto.c $(pkg-config --cflags --libs rtm)
 *   sudo ./static-proto
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "Rtmv2.h"

/* Our identity: the Windows static-route protocol id, vendor 0x3FFF. */
#define STATIC_PROTO_ID		PROTO_IP_NT_STATIC
#define STATIC_INSTANCE_ID	\
	PROTOCOL_ID(PROTO_TYPE_UCAST, PROTO_VENDOR_MS2, PROTO_IP_NT_STATIC)

#define NUM_ROUTES		3
#define WAIT_SECONDS		10

static const char *const prefixes[NUM_ROUTES] = {
	"10.0.0.0/8", "10.1.0.0/16", "192.168.0.0/24",
};

/* The protocol's state, shared by the main thread and the callback. */
struct proto {
	RTM_ENTITY_HANDLE reg;
	RTM_REGN_PROFILE profile;
	RTM_NOTIFY_HANDLE notify;
	RTM_NEXTHOP_HANDLE nexthop;
	RTM_ROUTE_HANDLE routes[NUM_ROUTES];
	/*
	 * Linux: the callback runs on the library's dispatcher thread, not
	 * on a thread of the router manager's pool; what it shares with
	 * the main thread needs a lock, and the main thread waits for it
	 * with a condition variable where Windows code would wait for an
	 * event object.
	 */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	UINT changes;
};

static DWORD fail(const char *what, DWORD status)
{
	fprintf(stderr, "static-proto: %s: error %u\n", what, status);
	return status;
}

/* "10.1.0.0/16" into an RTM_NET_ADDRESS; FALSE if it is no prefix. */
static BOOL parse_prefix(IN const char *text, OUT PRTM_NET_ADDRESS NetAddress)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	struct in_addr in;
	size_t len;
	int bits;

	if (!slash)
		return FALSE;
	len = (size_t)(slash - text);
	if (len >= sizeof(addr))
		return FALSE;
	memcpy(addr, text, len);
	addr[len] = '\0';
	bits = atoi(slash + 1);
	if (inet_pton(AF_INET, addr, &in) != 1 || bits < 0 || bits > 32)
		return FALSE;
	memset(NetAddress, 0, sizeof(*NetAddress));
	RTM_IPV4_SET_ADDR_AND_LEN(NetAddress, in.s_addr, bits);
	return TRUE;
}

/* The address of an IPv4 RTM_NET_ADDRESS, as text. */
static const char *format_address(IN const RTM_NET_ADDRESS *NetAddress,
				  OUT char *buf, IN size_t size)
{
	ULONG addr;
	UINT len;

	RTM_IPV4_GET_ADDR_AND_LEN(addr, len, NetAddress);
	UNREFERENCED_PARAMETER(len);
	if (!inet_ntop(AF_INET, &addr, buf, size))
		snprintf(buf, size, "?");
	return buf;
}

/* An IPv4 prefix as text, "10.1.0.0/16". */
static const char *format_prefix(IN const RTM_NET_ADDRESS *NetAddress,
				 OUT char *buf, IN size_t size)
{
	char addr[INET_ADDRSTRLEN];

	format_address(NetAddress, addr, sizeof(addr));
	snprintf(buf, size, "%s/%u", addr, NetAddress->NumBits);
	return buf;
}

/*
 * The next hop and metric of a route, as text.  The route info buffer is
 * sized for the most next hops a route may have (RegnProfile).
 */
static DWORD describe_route(IN struct proto *p, IN RTM_ROUTE_HANDLE Route,
			    OUT char *buf, IN size_t size)
{
	RTM_NEXTHOP_INFO nexthop;
	PRTM_ROUTE_INFO route;
	char addr[INET_ADDRSTRLEN];
	DWORD status;

	route = malloc(RTM_SIZE_OF_ROUTE_INFO(p->profile.MaxNextHopsInRoute));
	if (!route)
		return ERROR_NOT_ENOUGH_MEMORY;
	status = RtmGetRouteInfo(p->reg, Route, route, NULL);
	if (status != NO_ERROR)
		goto out;
	status = RtmGetNextHopInfo(p->reg, route->NextHopsList.NextHops[0],
				   &nexthop);
	if (status == NO_ERROR) {
		format_address(&nexthop.NextHopAddress, addr, sizeof(addr));
		snprintf(buf, size, "via %s metric %u", addr,
			 route->PrefInfo.Metric);
		RtmReleaseNextHopInfo(p->reg, &nexthop);
	}
	RtmReleaseRouteInfo(p->reg, route);
out:
	free(route);
	return status;
}

/*
 * Drain the subscription: RtmGetChangedDests until ERROR_NO_MORE_ITEMS,
 * each batch released with RtmReleaseChangedDests.
 */
static VOID process_changes(IN struct proto *p, IN RTM_NOTIFY_HANDLE Notify)
{
	PRTM_DEST_INFO infos, info;
	char prefix[64], route[96];
	UINT num, i, seen = 0;
	DWORD status;
	size_t size;

	/*
	 * One view record per view subscribed to (RTM_VIEW_MASK_UCAST: one):
	 * RTM_SIZE_OF_DEST_INFO(1) per dest.
	 */
	infos = malloc(RTM_SIZE_OF_DEST_INFO(1) * p->profile.MaxHandlesInEnum);
	if (!infos) {
		fail("process_changes", ERROR_NOT_ENOUGH_MEMORY);
		return;
	}
	do {
		num = p->profile.MaxHandlesInEnum;
		status = RtmGetChangedDests(p->reg, Notify, &num, infos);
		if (status != NO_ERROR && status != ERROR_NO_MORE_ITEMS) {
			fail("RtmGetChangedDests", status);
			break;
		}
		if (num == 0)
			break;
		/*
		 * Linux: step by the views each dest info holds, not by
		 * RegnProfile.NumberOfViews (PORTING.md, "Dest-info arrays").
		 */
		size = RTM_SIZE_OF_DEST_INFO(infos->NumberOfViews);
		for (i = 0; i < num; i++) {
			info = (PRTM_DEST_INFO)((char *)infos + i * size);
			format_prefix(&info->DestAddress, prefix,
				      sizeof(prefix));
			if (!info->ViewInfo[0].Route)
				printf("change: %s unreachable\n", prefix);
			else if (describe_route(p, info->ViewInfo[0].Route,
						route, sizeof(route)) ==
				 NO_ERROR)
				printf("change: %s %s\n", prefix, route);
			fflush(stdout);
		}
		RtmReleaseChangedDests(p->reg, Notify, num, infos);
		seen += num;
	} while (status == NO_ERROR);
	free(infos);

	/*
	 * Tell the main thread only now that the queue is drained: once it
	 * knows, it may end the subscription and the registration, and this
	 * thread makes no RTMv2 call any more.
	 */
	pthread_mutex_lock(&p->lock);
	p->changes += seen;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

/* The entity's event callback (Linux: on the dispatcher thread). */
static DWORD WINAPI EventCallback(IN RTM_ENTITY_HANDLE RtmRegHandle,
				  IN RTM_EVENT_TYPE EventType,
				  IN PVOID Context1,
				  IN PVOID Context2)
{
	UNREFERENCED_PARAMETER(RtmRegHandle);

	switch (EventType) {
	case RTM_CHANGE_NOTIFICATION:
		/* Context1: the subscription; Context2: its NotifyContext. */
		process_changes(Context2, Context1);
		return NO_ERROR;
	case RTM_ROUTE_EXPIRED:
		/* Our routes never expire (INFINITE); let RTM delete it. */
		return ERROR_NOT_SUPPORTED;
	default:
		/* Other entities coming and going: nothing to do. */
		return NO_ERROR;
	}
}

/* Wait until the callback has seen @count changes in all. */
static BOOL wait_for_changes(IN struct proto *p, IN UINT count)
{
	struct timespec deadline;
	BOOL ok;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += WAIT_SECONDS;
	pthread_mutex_lock(&p->lock);
	while (p->changes < count &&
	       pthread_cond_timedwait(&p->changed, &p->lock, &deadline) == 0)
		;
	ok = p->changes >= count;
	pthread_mutex_unlock(&p->lock);
	if (!ok)
		fprintf(stderr, "static-proto: %u changes seen, %u expected\n",
			p->changes, count);
	return ok;
}

static DWORD add_nexthop(IN struct proto *p)
{
	RTM_NEXTHOP_INFO info;
	RTM_NEXTHOP_CHANGE_FLAGS flags = 0;
	DWORD status;

	memset(&info, 0, sizeof(info));
	RTM_IPV4_SET_ADDR_AND_LEN(&info.NextHopAddress, inet_addr("192.0.2.1"),
				  32);
	info.InterfaceIndex = 1;
	status = RtmAddNextHop(p->reg, &info, &p->nexthop, &flags);
	if (status != NO_ERROR)
		return fail("RtmAddNextHop", status);
	printf("next hop 192.0.2.1 if 1: %s\n",
	       flags & RTM_NEXTHOP_CHANGE_NEW ? "new" : "updated");
	return NO_ERROR;
}

static DWORD add_route(IN struct proto *p, IN UINT i)
{
	RTM_ROUTE_CHANGE_FLAGS flags = 0;
	RTM_NET_ADDRESS dest;
	RTM_ROUTE_INFO info;	/* room for one next hop */
	DWORD status;

	if (!parse_prefix(prefixes[i], &dest))
		return fail(prefixes[i], ERROR_INVALID_PARAMETER);
	memset(&info, 0, sizeof(info));
	info.PrefInfo.Preference = 10;
	info.PrefInfo.Metric = i + 1;
	info.BelongsToViews = RTM_VIEW_MASK_UCAST;
	info.NextHopsList.NumNextHops = 1;
	info.NextHopsList.NextHops[0] = p->nexthop;

	p->routes[i] = NULL;	/* NULL: hand back the new route's handle */
	status = RtmAddRouteToDest(p->reg, &p->routes[i], &dest, &info,
				   INFINITE, NULL, 0, NULL, &flags);
	if (status != NO_ERROR)
		return fail("RtmAddRouteToDest", status);
	printf("route %s: %s%s\n", prefixes[i],
	       flags & RTM_ROUTE_CHANGE_NEW ? "added" : "updated",
	       flags & RTM_ROUTE_CHANGE_BEST ? " (best)" : "");
	return NO_ERROR;
}

/* Every dest of the unicast view, with its best route. */
static DWORD list_dests(IN struct proto *p)
{
	PRTM_DEST_INFO infos, info;
	RTM_ENUM_HANDLE enum_handle;
	char prefix[64], route[96];
	DWORD status, release;
	UINT num, i;
	size_t size;

	status = RtmCreateDestEnum(p->reg, RTM_VIEW_MASK_UCAST,
				   RTM_ENUM_START | RTM_ENUM_ALL_DESTS, NULL,
				   RTM_BEST_PROTOCOL, &enum_handle);
	if (status != NO_ERROR)
		return fail("RtmCreateDestEnum", status);
	infos = malloc(RTM_SIZE_OF_DEST_INFO(1) * p->profile.MaxHandlesInEnum);
	if (!infos) {
		RtmDeleteEnumHandle(p->reg, enum_handle);
		return fail("list_dests", ERROR_NOT_ENOUGH_MEMORY);
	}
	do {
		num = p->profile.MaxHandlesInEnum;
		status = RtmGetEnumDests(p->reg, enum_handle, &num, infos);
		if (status != NO_ERROR && status != ERROR_NO_MORE_ITEMS)
			break;
		if (num == 0)
			break;
		size = RTM_SIZE_OF_DEST_INFO(infos->NumberOfViews);
		for (i = 0; i < num; i++) {
			info = (PRTM_DEST_INFO)((char *)infos + i * size);
			format_prefix(&info->DestAddress, prefix,
				      sizeof(prefix));
			if (!info->ViewInfo[0].Route ||
			    describe_route(p, info->ViewInfo[0].Route, route,
					   sizeof(route)) != NO_ERROR)
				snprintf(route, sizeof(route), "no route");
			printf("dest %s: %u route%s, best %s\n", prefix,
			       info->ViewInfo[0].NumRoutes,
			       info->ViewInfo[0].NumRoutes == 1 ? "" : "s",
			       route);
		}
		release = RtmReleaseDests(p->reg, num, infos);
		if (release != NO_ERROR)
			status = fail("RtmReleaseDests", release);
	} while (status == NO_ERROR);
	free(infos);
	RtmDeleteEnumHandle(p->reg, enum_handle);
	return status == ERROR_NO_MORE_ITEMS ? NO_ERROR :
	       fail("RtmGetEnumDests", status);
}

/* Withdraw a route; RtmDeleteRouteToDest consumes its handle. */
static DWORD delete_route(IN struct proto *p, IN UINT i)
{
	RTM_ROUTE_CHANGE_FLAGS flags = 0;
	DWORD status;

	status = RtmDeleteRouteToDest(p->reg, p->routes[i], &flags);
	p->routes[i] = NULL;
	if (status != NO_ERROR)
		return fail("RtmDeleteRouteToDest", status);
	printf("route %s: deleted\n", prefixes[i]);
	return NO_ERROR;
}

/*
 * What RTMv2 asks of a client before it deregisters: no subscription, no
 * routes, no next hops, no handles left.  (On Linux the module would also
 * drop all of it when the registration ends or the process dies.)
 */
static VOID cleanup(IN struct proto *p)
{
	RTM_ROUTE_CHANGE_FLAGS flags;
	UINT i;

	if (p->notify)
		RtmDeregisterFromChangeNotification(p->reg, p->notify);
	for (i = 0; i < NUM_ROUTES; i++) {
		flags = 0;
		if (p->routes[i])
			RtmDeleteRouteToDest(p->reg, p->routes[i], &flags);
	}
	if (p->nexthop)
		RtmDeleteNextHop(p->reg, p->nexthop, NULL);
}

int main(int argc, char **argv)
{
	static struct proto p = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.changed = PTHREAD_COND_INITIALIZER,
	};
	RTM_ENTITY_INFO entity;
	DWORD status;
	UINT i;

	memset(&entity, 0, sizeof(entity));
	entity.RtmInstanceId = argc > 1 ? (USHORT)atoi(argv[1]) : 0;
	/* Linux: AF_INET is 2 as on Windows; AF_INET6 is 10, not 23. */
	entity.AddressFamily = AF_INET;
	entity.EntityId.EntityProtocolId = STATIC_PROTO_ID;
	entity.EntityId.EntityInstanceId = STATIC_INSTANCE_ID;

	/* Linux: needs CAP_NET_ADMIN (ERROR_ACCESS_DENIED otherwise). */
	status = RtmRegisterEntity(&entity, NULL, EventCallback, FALSE,
				   &p.profile, &p.reg);
	if (status != NO_ERROR) {
		fail("RtmRegisterEntity", status);
		return 1;
	}
	printf("registered: protocol %u instance 0x%08x\n",
	       entity.EntityId.EntityProtocolId,
	       entity.EntityId.EntityInstanceId);

	status = RtmRegisterForChangeNotification(p.reg, RTM_VIEW_MASK_UCAST,
						  RTM_CHANGE_TYPE_BEST, &p,
						  &p.notify);
	if (status != NO_ERROR) {
		fail("RtmRegisterForChangeNotification", status);
		goto out;
	}

	/* Each route's change reaches the callback, whatever the order. */
	status = add_nexthop(&p);
	for (i = 0; i < NUM_ROUTES && status == NO_ERROR; i++)
		status = add_route(&p, i);
	if (status == NO_ERROR && !wait_for_changes(&p, NUM_ROUTES))
		status = ERROR_NOT_FOUND;
	if (status == NO_ERROR)
		status = list_dests(&p);
	if (status == NO_ERROR)
		status = delete_route(&p, NUM_ROUTES - 1);
	if (status == NO_ERROR && !wait_for_changes(&p, NUM_ROUTES + 1))
		status = ERROR_NOT_FOUND;
out:
	cleanup(&p);
	if (RtmDeregisterEntity(p.reg) != NO_ERROR)
		status = fail("RtmDeregisterEntity", ERROR_INVALID_HANDLE);
	else
		printf("deregistered\n");
	return status == NO_ERROR ? 0 : 1;
}
