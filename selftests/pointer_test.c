// SPDX-License-Identifier: GPL-2.0
/*
 * The pointers RTMv2 hands out into its own memory, as Windows clients use
 * them (reference sections 7.3, 7.5, 8.4; the RtmLockRoute,
 * RtmUpdateAndUnlockRoute, RtmGetRoutePointer,
 * RtmGetOpaqueInformationPointer, RtmReleaseNextHops, RtmReferenceHandles
 * and RTM_EVENT_CALLBACK pages, and the "Updating a Route In Place" and
 * "Using the Opaque Pointer" walk-throughs):
 *  - RTM_ROUTE_EXPIRED's Context2 is the route itself: a callback that
 *    locks it, edits it and calls RtmUpdateAndUnlockRoute updates it;
 *  - the documented in-place update that replaces a next hop and moves the
 *    route's references by hand (RtmReleaseNextHops of the old one,
 *    RtmReferenceHandles of the new one) leaves the client's own
 *    references as they were; manual calls the route's final next hops do
 *    not bear out were the client's own (lib/lock.c has the rule);
 *  - a route pointer kept across the route's deletion shows
 *    RTM_ROUTE_STATE_DELETED; what a client writes through its opaque
 *    pointer reaches the slot without an exclusive lock;
 *  - pointers taken and given up on a churning table cost no memory once
 *    their handles are released;
 *  - another entity's RtmLockRoute succeeds and leaves RoutePointer alone.
 *
 * Every test uses RTM instance INST, which no other test program uses.
 */
#include <malloc.h>
#include <stdatomic.h>

#include "kselftest_harness.h"
#include "rtm_selftest.h"
#include "route_helpers.h"

#define INST		8
#define PROTO_A		0x7c00
#define PROTO_B		0x7c01
#define MAX_NH		4
#define EXPIRY_MS	200

union rinfo_buf {
	RTM_ROUTE_INFO info;
	char raw[RTM_SIZE_OF_ROUTE_INFO(MAX_NH)];
};

static DWORD add_nexthop(RTM_ENTITY_HANDLE e, uint8_t last,
			 RTM_NEXTHOP_HANDLE *nh)
{
	RTM_NEXTHOP_CHANGE_FLAGS flags;
	RTM_NEXTHOP_INFO info;

	memset(&info, 0, sizeof(info));
	info.NextHopAddress = pfx(AF_INET, 32, 10, 7, 0, last);
	info.InterfaceIndex = 1;
	*nh = NULL;
	return RtmAddNextHop(e, &info, nh, &flags);
}

/* A route of @e to @dest through @nh, a held handle back in *@route. */
static DWORD add_route(RTM_ENTITY_HANDLE e, RTM_NET_ADDRESS dest,
		       RTM_NEXTHOP_HANDLE nh, ULONG ttl, RTM_ROUTE_HANDLE *route)
{
	RTM_ROUTE_CHANGE_FLAGS cf = 0;
	union rinfo_buf r;

	memset(&r, 0, sizeof(r));
	r.info.PrefInfo.Preference = 10;
	r.info.PrefInfo.Metric = 5;
	r.info.BelongsToViews = RTM_VIEW_MASK_UCAST;
	r.info.NextHopsList.NumNextHops = 1;
	r.info.NextHopsList.NextHops[0] = nh;
	*route = NULL;
	return RtmAddRouteToDest(e, route, &dest, &r.info, ttl, NULL, 0, NULL,
				 &cf);
}

/* ------------------------------------------------------------------ */
/* RTM_ROUTE_EXPIRED's Context2                                        */
/* ------------------------------------------------------------------ */

static struct {
	atomic_int done;		/* the callback ran for the route */
	DWORD lock, update;		/* what its calls answered */
	PRTM_ROUTE_INFO context2;
} expiry;

/* The documented callback: lock the expired route, edit it, update it. */
static DWORD WINAPI expiry_cb(RTM_ENTITY_HANDLE me, RTM_EVENT_TYPE type,
			      PVOID context1, PVOID context2)
{
	RTM_ROUTE_HANDLE route = context1;
	PRTM_ROUTE_INFO ri = context2;
	RTM_ROUTE_CHANGE_FLAGS cf;

	if (type != RTM_ROUTE_EXPIRED)
		return NO_ERROR;
	expiry.context2 = ri;
	expiry.lock = RtmLockRoute(me, route, TRUE, TRUE, NULL);
	if (expiry.lock == NO_ERROR) {
		ri->PrefInfo.Metric = 77;
		expiry.update = RtmUpdateAndUnlockRoute(me, route, INFINITE,
							NULL, 0, NULL, &cf);
	}
	RtmReleaseRoutes(me, 1, &route);
	atomic_store(&expiry.done, 1);
	return NO_ERROR;
}

TEST(expired_route_context2_is_the_route)
{
	RTM_ENTITY_INFO info = entity_info(INST, AF_INET, PROTO_A, 0);
	RTM_NEXTHOP_HANDLE nh;
	RTM_ROUTE_HANDLE route;
	RTM_REGN_PROFILE profile;
	RTM_ENTITY_HANDLE a;
	PRTM_ROUTE_INFO rp;
	union rinfo_buf r;
	long long end;

	if (!rtm_present())
		SKIP(return, "no " RTM_DEV);
	ASSERT_WIN(NO_ERROR, RtmRegisterEntity(&info, NULL, expiry_cb, FALSE,
					       &profile, &a));
	ASSERT_WIN(NO_ERROR, add_nexthop(a, 1, &nh));
	ASSERT_WIN(NO_ERROR, add_route(a, pfx(AF_INET, 8, 41, 0, 0, 0), nh, EXPIRY_MS,
				       &route));
	end = now_ms() + WAIT_MS;
	while (!atomic_load(&expiry.done) && now_ms() < end)
		usleep(10000);
	ASSERT_TRUE(atomic_load(&expiry.done));
	EXPECT_WIN(NO_ERROR, expiry.lock);
	EXPECT_WIN(NO_ERROR, expiry.update);

	/* The edit made through Context2 is the route's. */
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(a, route, &r.info, NULL));
	EXPECT_EQ(77U, r.info.PrefInfo.Metric);
	EXPECT_EQ(RTM_ROUTE_STATE_CREATED, r.info.State);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(a, &r.info));
	/* One route, one address: the pointer calls hand out Context2. */
	ASSERT_WIN(NO_ERROR, RtmGetRoutePointer(a, route, &rp));
	EXPECT_EQ(expiry.context2, rp);
	EXPECT_EQ(77U, rp->PrefInfo.Metric);

	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a, 1, &route));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(a, 1, &nh));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(a));
}

/* ------------------------------------------------------------------ */
/* Updating a route in place                                           */
/* ------------------------------------------------------------------ */

FIXTURE(ptr) {
	bool ready;
	RTM_ENTITY_HANDLE a, b;
	RTM_REGN_PROFILE profile;
	RTM_NEXTHOP_HANDLE nh1, nh2;
	RTM_ROUTE_HANDLE route;
};

static DWORD reg_entity(USHORT proto, BOOL opaque, RTM_REGN_PROFILE *profile,
			RTM_ENTITY_HANDLE *h)
{
	RTM_ENTITY_INFO info = entity_info(INST, AF_INET, proto, 0);

	return RtmRegisterEntity(&info, NULL, NULL, opaque, profile, h);
}

FIXTURE_SETUP(ptr)
{
	RTM_REGN_PROFILE pb;

	if (!rtm_present())
		SKIP(return, "no " RTM_DEV);
	ASSERT_WIN(NO_ERROR, reg_entity(PROTO_A, TRUE, &self->profile,
					&self->a));
	ASSERT_WIN(NO_ERROR, reg_entity(PROTO_B, FALSE, &pb, &self->b));
	ASSERT_WIN(NO_ERROR, add_nexthop(self->a, 1, &self->nh1));
	ASSERT_WIN(NO_ERROR, add_nexthop(self->a, 2, &self->nh2));
	ASSERT_WIN(NO_ERROR, add_route(self->a, pfx(AF_INET, 8, 42, 0, 0, 0), self->nh1,
				       INFINITE, &self->route));
	self->ready = true;
}

FIXTURE_TEARDOWN(ptr)
{
	if (self->a)
		EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(self->a));
	if (self->b)
		EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(self->b));
}

#define READY() do {							\
	if (!self->ready)						\
		SKIP(return, "no " RTM_DEV);				\
} while (0)

/*
 * The walk-through's steps: replace a next hop in NextHopsList, release
 * the old one, reference the new one, update.  The client's own handles
 * (from RtmAddNextHop) are then still held once each: one release each
 * succeeds, a second fails.
 */
TEST_F(ptr, update_in_place_moves_the_route_references)
{
	RTM_ROUTE_CHANGE_FLAGS cf;
	PRTM_ROUTE_INFO rp = NULL;
	union rinfo_buf r;

	READY();
	ASSERT_WIN(NO_ERROR, RtmLockRoute(self->a, self->route, TRUE, TRUE,
					  &rp));
	ASSERT_NE(NULL, rp);
	ASSERT_EQ(self->nh1, rp->NextHopsList.NextHops[0]);
	/* The walk-through's order: release, replace, reference. */
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a, 1, &self->nh1));
	rp->NextHopsList.NextHops[0] = self->nh2;
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a, 1, &self->nh2));
	ASSERT_WIN(NO_ERROR, RtmUpdateAndUnlockRoute(self->a, self->route,
						     INFINITE, NULL, 0, NULL,
						     &cf));
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->b, self->route, &r.info,
					     NULL));
	EXPECT_EQ(1, r.info.NextHopsList.NumNextHops);
	EXPECT_EQ(self->nh2, r.info.NextHopsList.NextHops[0]);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->b, &r.info));

	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a, 1, &self->nh1));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseNextHops(self->a, 1, &self->nh1));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a, 1, &self->nh2));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseNextHops(self->a, 1, &self->nh2));

	/* The route still holds its next hop: it can be read and deleted. */
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a, self->route, &r.info,
					     NULL));
	EXPECT_EQ(self->nh2, r.info.NextHopsList.NextHops[0]);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a, &r.info));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a, self->route, &cf));
}

/*
 * The manual calls in the other order (replace first), then an edit
 * without them: either way the client's references are its own.
 */
TEST_F(ptr, update_in_place_other_ways)
{
	RTM_ROUTE_CHANGE_FLAGS cf;
	PRTM_ROUTE_INFO rp = NULL;
	union rinfo_buf r;

	READY();
	ASSERT_WIN(NO_ERROR, RtmLockRoute(self->a, self->route, TRUE, TRUE,
					  &rp));
	rp->NextHopsList.NextHops[0] = self->nh2;
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a, 1, &self->nh2));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a, 1, &self->nh1));
	ASSERT_WIN(NO_ERROR, RtmUpdateAndUnlockRoute(self->a, self->route,
						     INFINITE, NULL, 0, NULL,
						     &cf));
	/* No manual calls: the update alone, back to the first next hop. */
	ASSERT_WIN(NO_ERROR, RtmLockRoute(self->a, self->route, TRUE, TRUE,
					  &rp));
	EXPECT_EQ(self->nh2, rp->NextHopsList.NextHops[0]);
	rp->NextHopsList.NextHops[0] = self->nh1;
	ASSERT_WIN(NO_ERROR, RtmUpdateAndUnlockRoute(self->a, self->route,
						     INFINITE, NULL, 0, NULL,
						     &cf));
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a, self->route, &r.info,
					     NULL));
	EXPECT_EQ(self->nh1, r.info.NextHopsList.NextHops[0]);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a, &r.info));

	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a, 1, &self->nh1));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseNextHops(self->a, 1, &self->nh1));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a, 1, &self->nh2));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseNextHops(self->a, 1, &self->nh2));
}

/*
 * The manual calls, then the edit given up (unlocked without an update):
 * the route kept its next hop, so the calls were the client's own, and
 * are carried out at the unlock.
 */
TEST_F(ptr, update_in_place_given_up)
{
	PRTM_ROUTE_INFO rp = NULL;
	union rinfo_buf r;

	READY();
	ASSERT_WIN(NO_ERROR, RtmLockRoute(self->a, self->route, TRUE, TRUE,
					  &rp));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a, 1, &self->nh1));
	rp->NextHopsList.NextHops[0] = self->nh2;
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a, 1, &self->nh2));
	ASSERT_WIN(NO_ERROR, RtmLockRoute(self->a, self->route, TRUE, FALSE,
					  NULL));
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a, self->route, &r.info,
					     NULL));
	EXPECT_EQ(self->nh1, r.info.NextHopsList.NextHops[0]);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a, &r.info));

	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseNextHops(self->a, 1, &self->nh1));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a, 1, &self->nh2));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a, 1, &self->nh2));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseNextHops(self->a, 1, &self->nh2));
}

/* The opaque pointer: the cell that holds the client's value. */
static DWORD opaque_ptr(RTM_ENTITY_HANDLE e, RTM_DEST_HANDLE dest, PVOID **cell)
{
	PVOID p = NULL;
	DWORD status;

	status = RtmGetOpaqueInformationPointer(e, dest, &p);
	*cell = p;
	return status;
}

/* ------------------------------------------------------------------ */
/* Pointer lifetime and refresh                                        */
/* ------------------------------------------------------------------ */

TEST_F(ptr, route_pointer_shows_the_deletion)
{
	RTM_ROUTE_CHANGE_FLAGS cf;
	PRTM_ROUTE_INFO rp, again;

	READY();
	ASSERT_WIN(NO_ERROR, RtmGetRoutePointer(self->a, self->route, &rp));
	EXPECT_EQ(RTM_ROUTE_STATE_CREATED, rp->State);
	/* Held twice: the delete consumes one, the pointer stays valid. */
	ASSERT_WIN(NO_ERROR, RtmReferenceHandles(self->a, 1, &self->route));
	ASSERT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a, self->route, &cf));
	EXPECT_EQ(RTM_ROUTE_STATE_DELETED, rp->State);
	ASSERT_WIN(NO_ERROR, RtmGetRoutePointer(self->a, self->route, &again));
	EXPECT_EQ(rp, again);
	EXPECT_EQ(RTM_ROUTE_STATE_DELETED, again->State);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a, 1, &self->route));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a, 1, &self->nh1));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a, 1, &self->nh2));
}

/*
 * What the client writes through its opaque pointer reaches the slot: at
 * the next RtmGetOpaqueInformationPointer, and at a shared unlock (the
 * following lock loads the slot back into the same cell).
 */
TEST_F(ptr, opaque_writes_persist)
{
	RTM_DEST_HANDLE dest;
	PVOID *p, *again;
	union rinfo_buf r;

	READY();
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a, self->route, &r.info,
					     NULL));
	dest = r.info.DestHandle;
	ASSERT_WIN(NO_ERROR, opaque_ptr(self->a, dest, &p));
	EXPECT_EQ(NULL, *p);
	*p = (PVOID)0x1234;
	ASSERT_WIN(NO_ERROR, opaque_ptr(self->a, dest, &again));
	EXPECT_EQ(p, again);
	EXPECT_EQ((PVOID)0x1234, *again);

	ASSERT_WIN(NO_ERROR, RtmLockDestination(self->a, dest, FALSE, TRUE));
	*p = (PVOID)0x5678;
	ASSERT_WIN(NO_ERROR, RtmLockDestination(self->a, dest, FALSE, FALSE));
	*p = (PVOID)0x5678;	/* unchanged since: nothing new to store */
	ASSERT_WIN(NO_ERROR, RtmLockDestination(self->a, dest, TRUE, TRUE));
	EXPECT_EQ((PVOID)0x5678, *p);
	ASSERT_WIN(NO_ERROR, RtmLockDestination(self->a, dest, TRUE, FALSE));
	ASSERT_WIN(NO_ERROR, opaque_ptr(self->a, dest, &again));
	EXPECT_EQ((PVOID)0x5678, *again);
	*p = NULL;
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a, &r.info));
}

static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks;
}

/*
 * Routes and next hops come and go with their pointers taken, in every
 * mode, and their handles given up (delete, release): the library's heap
 * stays where it was, give or take a sweep's worth.
 */
TEST_F_TIMEOUT(ptr, churned_pointers_cost_nothing, 600)
{
	const unsigned int warm = 50, rounds = 600;
	long long start = now_ms();
	RTM_ROUTE_CHANGE_FLAGS cf;
	PRTM_NEXTHOP_INFO np;
	RTM_NEXTHOP_HANDLE nh;
	PRTM_ROUTE_INFO rp;
	RTM_ROUTE_HANDLE h;
	union rinfo_buf r;
	size_t base = 0;
	unsigned int i;
	PVOID *cell;

	READY();
	for (i = 0; i < warm + rounds; i++) {
		if (i == warm)
			base = heap_in_use();
		ASSERT_WIN(NO_ERROR, add_nexthop(self->a, 3, &nh));
		ASSERT_WIN(NO_ERROR, RtmGetNextHopPointer(self->a, nh, &np));
		ASSERT_WIN(NO_ERROR, RtmLockNextHop(self->a, nh, FALSE, TRUE,
						    &np));
		ASSERT_WIN(NO_ERROR, RtmLockNextHop(self->a, nh, FALSE, FALSE,
						    NULL));
		ASSERT_WIN(NO_ERROR, add_route(self->a, pfx(AF_INET, 24, 43, i >> 8, i, 0),
					       nh, INFINITE, &h));
		ASSERT_WIN(NO_ERROR, RtmGetRoutePointer(self->a, h, &rp));
		/*
		 * The dest's opaque pointer, its handle given up with the
		 * route info: the shadow sweeps free these.
		 */
		ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a, h, &r.info,
						     NULL));
		ASSERT_WIN(NO_ERROR, opaque_ptr(self->a, r.info.DestHandle,
						&cell));
		*cell = (PVOID)(uintptr_t)(i + 1);
		ASSERT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a, &r.info));
		ASSERT_WIN(NO_ERROR, RtmLockRoute(self->a, h, FALSE, TRUE,
						  &rp));
		ASSERT_WIN(NO_ERROR, RtmLockRoute(self->a, h, FALSE, FALSE,
						  NULL));
		if (i & 1) {
			ASSERT_WIN(NO_ERROR,
				   RtmDeleteRouteToDest(self->a, h, &cf));
		} else {
			/* Kept across the delete, then released. */
			ASSERT_WIN(NO_ERROR,
				   RtmReferenceHandles(self->a, 1, &h));
			ASSERT_WIN(NO_ERROR,
				   RtmDeleteRouteToDest(self->a, h, &cf));
			ASSERT_WIN(NO_ERROR, RtmGetRoutePointer(self->a, h,
								&rp));
			ASSERT_EQ(RTM_ROUTE_STATE_DELETED, rp->State);
			ASSERT_WIN(NO_ERROR, RtmReleaseRoutes(self->a, 1, &h));
		}
		ASSERT_WIN(NO_ERROR, RtmDeleteNextHop(self->a, nh, NULL));
	}
	TH_LOG("heap: %zu bytes at round %u, %zu after %u more (%lld ms)",
	       base, warm, heap_in_use(), rounds, now_ms() - start);
	/*
	 * Kept shadows would take a route's, a next hop's and an opaque
	 * cell's worth a round, some 500 bytes: over 250 KiB in all.
	 */
	EXPECT_LT(heap_in_use(), base + 32 * 1024);
}

/* RtmLockRoute of another entity's route: locked, RoutePointer unchanged. */
TEST_F(ptr, lock_by_another_entity)
{
	PRTM_ROUTE_INFO rp = NULL;

	READY();
	EXPECT_WIN(NO_ERROR, RtmLockRoute(self->b, self->route, FALSE, TRUE,
					  &rp));
	EXPECT_EQ(NULL, rp);
	EXPECT_WIN(NO_ERROR, RtmLockRoute(self->b, self->route, FALSE, FALSE,
					  NULL));
	/* Taking it alone is the owner's right (ERROR_ACCESS_DENIED). */
	EXPECT_WIN(ERROR_ACCESS_DENIED,
		   RtmLockRoute(self->b, self->route, TRUE, TRUE, &rp));
	EXPECT_EQ(NULL, rp);
}

TEST_HARNESS_MAIN
