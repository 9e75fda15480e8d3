// SPDX-License-Identifier: GPL-2.0
/*
 * Client locks and pointers (reference sections 7.3, 7.5, 8.4, 11 item 7):
 * RtmLockDestination, RtmGetOpaqueInformationPointer, RtmGetRoutePointer,
 * RtmLockRoute and RtmUpdateAndUnlockRoute.
 *
 * The fixture registers, in RTM instance INST (used by no other test
 * program), entity A with an opaque slot and entity B without, a next hop
 * of A's and a route of A's to 40.0.0.0/8; its teardown checks that the
 * namespace's counters are back at their baseline.
 */
#include "kselftest_harness.h"
#include "rtm_selftest.h"

#define INST		12
#define PROTO_A		0x7500
#define PROTO_B		0x7501
#define PROTO_C		0x7502
#define MAX_NH		32

union route_buf {
	RTM_ROUTE_INFO info;
	char raw[RTM_SIZE_OF_ROUTE_INFO(MAX_NH)];
};

union dest_buf {
	RTM_DEST_INFO info;
	char raw[RTM_SIZE_OF_DEST_INFO(2)];
};

FIXTURE(lock) {
	bool ready;
	struct rtm_stats base;
	RTM_ENTITY_HANDLE a, b;
	RTM_REGN_PROFILE profile;
	RTM_NEXTHOP_HANDLE nh, nh2;
	RTM_ROUTE_HANDLE route;
	RTM_DEST_HANDLE dest;	/* held by A */
	RTM_NET_ADDRESS prefix;
};

static DWORD reg_opaque(USHORT proto, BOOL opaque, RTM_REGN_PROFILE *profile,
			RTM_ENTITY_HANDLE *h)
{
	RTM_ENTITY_INFO info = entity_info(INST, AF_INET, proto, 0);

	return RtmRegisterEntity(&info, NULL, NULL, opaque, profile, h);
}

static RTM_NET_ADDRESS v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d,
			  USHORT len)
{
	RTM_NET_ADDRESS n;

	memset(&n, 0, sizeof(n));
	n.AddressFamily = AF_INET;
	n.NumBits = len;
	n.AddrBits[0] = a;
	n.AddrBits[1] = b;
	n.AddrBits[2] = c;
	n.AddrBits[3] = d;
	return n;
}

static DWORD add_nexthop(RTM_ENTITY_HANDLE h, uint8_t last,
			 RTM_NEXTHOP_HANDLE *nh)
{
	RTM_NEXTHOP_INFO info;
	RTM_NEXTHOP_CHANGE_FLAGS flags;

	memset(&info, 0, sizeof(info));
	info.NextHopAddress = v4(10, 0, 0, last, 32);
	info.InterfaceIndex = 1;
	*nh = NULL;
	return RtmAddNextHop(h, &info, nh, &flags);
}

FIXTURE_SETUP(lock)
{
	union route_buf r;
	union dest_buf d;
	RTM_ROUTE_CHANGE_FLAGS cf = 0;

	if (!rtm_present() || cap_effective(CAP_NET_ADMIN) != 1)
		return;
	ASSERT_EQ(0, read_stats_steady(&self->base, WAIT_MS));
	ASSERT_WIN(NO_ERROR, reg_opaque(PROTO_A, TRUE, &self->profile,
					&self->a));
	ASSERT_WIN(NO_ERROR, reg_opaque(PROTO_B, FALSE, &self->profile,
					&self->b));
	ASSERT_WIN(NO_ERROR, add_nexthop(self->a, 1, &self->nh));
	ASSERT_WIN(NO_ERROR, add_nexthop(self->a, 2, &self->nh2));

	memset(&r, 0, sizeof(r));
	r.info.PrefInfo.Preference = 10;
	r.info.PrefInfo.Metric = 1;
	r.info.BelongsToViews = RTM_VIEW_MASK_UCAST;
	r.info.NextHopsList.NumNextHops = 1;
	r.info.NextHopsList.NextHops[0] = self->nh;
	self->prefix = v4(40, 0, 0, 0, 8);
	self->route = NULL;
	ASSERT_WIN(NO_ERROR, RtmAddRouteToDest(self->a, &self->route,
					       &self->prefix, &r.info,
					       INFINITE, NULL, 0, NULL, &cf));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a,
							 &self->prefix, 0,
							 RTM_VIEW_MASK_ANY,
							 &d.info));
	self->dest = d.info.DestHandle;
	self->ready = true;
}

FIXTURE_TEARDOWN(lock)
{
	struct rtm_stats now;

	if (!self->ready)
		return;
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(self->a));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(self->b));
	EXPECT_TRUE(stats_settle(&self->base, &now, WAIT_MS)) {
		TH_LOG("entities %ld handles %ld holds %ld, were %ld %ld %ld",
		       now.entities, now.handles, now.holds,
		       self->base.entities, self->base.handles,
		       self->base.holds);
	}
}

#define READY() do {							\
	REQUIRE_RTM();							\
	ASSERT_TRUE(self->ready);					\
} while (0)

TEST_F(lock, opaque_pointer)
{
	RTM_ENTITY_HANDLE c;
	RTM_REGN_PROFILE p;
	PVOID *slot, *again;

	READY();
	ASSERT_WIN(NO_ERROR, RtmGetOpaqueInformationPointer(self->a, self->dest,
							    (PVOID *)&slot));
	ASSERT_NE(NULL, slot);
	EXPECT_EQ(NULL, *slot);

	/* No slot reserved, not a dest, no pointer. */
	EXPECT_WIN(ERROR_NOT_FOUND,
		   RtmGetOpaqueInformationPointer(self->b, self->dest,
						  (PVOID *)&again));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetOpaqueInformationPointer(self->a, self->route,
						  (PVOID *)&again));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetOpaqueInformationPointer(self->a, NULL,
						  (PVOID *)&again));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetOpaqueInformationPointer(self->a, self->dest, NULL));

	/*
	 * Stored by the unlocks, either mode, and, written without a lock,
	 * by the next call for the pointer (pointer_test has the rest).
	 */
	ASSERT_WIN(NO_ERROR, RtmLockDestination(self->a, self->dest, TRUE,
						TRUE));
	*slot = (PVOID)0x1234;
	ASSERT_WIN(NO_ERROR, RtmLockDestination(self->a, self->dest, TRUE,
						FALSE));
	ASSERT_WIN(NO_ERROR, RtmLockDestination(self->a, self->dest, FALSE,
						TRUE));
	EXPECT_EQ((PVOID)0x1234, *slot);
	*slot = (PVOID)0x5555;
	ASSERT_WIN(NO_ERROR, RtmLockDestination(self->a, self->dest, FALSE,
						FALSE));
	ASSERT_WIN(NO_ERROR, RtmLockDestination(self->a, self->dest, TRUE,
						TRUE));
	EXPECT_EQ((PVOID)0x5555, *slot);
	ASSERT_WIN(NO_ERROR, RtmLockDestination(self->a, self->dest, TRUE,
						FALSE));
	*slot = (PVOID)0x9999;
	ASSERT_WIN(NO_ERROR, RtmGetOpaqueInformationPointer(self->a, self->dest,
							    (PVOID *)&again));
	EXPECT_EQ(slot, again);
	EXPECT_EQ((PVOID)0x9999, *again);

	/* Each entity has its own slot. */
	ASSERT_WIN(NO_ERROR, reg_opaque(PROTO_C, TRUE, &p, &c));
	ASSERT_WIN(NO_ERROR, RtmGetOpaqueInformationPointer(c, self->dest,
							    (PVOID *)&again));
	EXPECT_EQ(NULL, *again);
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(c));
}

TEST_F(lock, slot_given_back_empty)
{
	RTM_ENTITY_HANDLE c;
	RTM_REGN_PROFILE p;
	PVOID *slot;

	READY();
	ASSERT_WIN(NO_ERROR, reg_opaque(PROTO_C, TRUE, &p, &c));
	ASSERT_WIN(NO_ERROR, RtmGetOpaqueInformationPointer(c, self->dest,
							    (PVOID *)&slot));
	ASSERT_WIN(NO_ERROR, RtmLockDestination(c, self->dest, TRUE, TRUE));
	*slot = (PVOID)0x77;
	ASSERT_WIN(NO_ERROR, RtmLockDestination(c, self->dest, TRUE, FALSE));
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(c));

	/* The next entity with the freed slot finds it empty. */
	ASSERT_WIN(NO_ERROR, reg_opaque(PROTO_C, TRUE, &p, &c));
	ASSERT_WIN(NO_ERROR, RtmGetOpaqueInformationPointer(c, self->dest,
							    (PVOID *)&slot));
	EXPECT_EQ(NULL, *slot);
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(c));
}

TEST_F(lock, dest_lock_modes)
{
	READY();
	/* Shared locks stack, also across entities. */
	EXPECT_WIN(NO_ERROR, RtmLockDestination(self->a, self->dest, FALSE,
						TRUE));
	EXPECT_WIN(NO_ERROR, RtmLockDestination(self->a, self->dest, FALSE,
						TRUE));
	EXPECT_WIN(NO_ERROR, RtmLockDestination(self->b, self->dest, FALSE,
						TRUE));
	/* An unlock must repeat the mode of a lock held. */
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmLockDestination(self->a, self->dest, TRUE, FALSE));
	EXPECT_WIN(NO_ERROR, RtmLockDestination(self->a, self->dest, FALSE,
						FALSE));
	EXPECT_WIN(NO_ERROR, RtmLockDestination(self->a, self->dest, FALSE,
						FALSE));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmLockDestination(self->a, self->dest, FALSE, FALSE));
	EXPECT_WIN(NO_ERROR, RtmLockDestination(self->b, self->dest, FALSE,
						FALSE));

	/* Bad handles: none, a route, a stale one. */
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmLockDestination(self->a, NULL, FALSE, TRUE));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmLockDestination(self->a, self->route, FALSE, TRUE));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmLockDestination(self->a, mkhandle(hval(self->dest) + 999),
				      FALSE, TRUE));
}

/* A peer: register, then take a lock on the dest it is sent, then say so. */
static int locker(int rd, int wr, void *arg)
{
	BOOL exclusive = *(BOOL *)arg;
	RTM_ENTITY_HANDLE h;
	RTM_REGN_PROFILE p;
	union dest_buf d;
	RTM_NET_ADDRESS prefix = v4(40, 0, 0, 0, 8);
	struct msg m;

	PEER_CHECK(reg_opaque(PROTO_C, FALSE, &p, &h) == NO_ERROR);
	PEER_CHECK(RtmGetExactMatchDestination(h, &prefix, 0, RTM_VIEW_MASK_ANY,
					       &d.info) == NO_ERROR);
	PEER_CHECK(msg_send(wr, 1, 0, 0) == 0);
	PEER_CHECK(msg_expect(rd, 2, &m) == 0);
	PEER_CHECK(RtmLockDestination(h, d.info.DestHandle, exclusive,
				      TRUE) == NO_ERROR);
	PEER_CHECK(msg_send(wr, 3, 0, 0) == 0);
	PEER_CHECK(msg_expect(rd, 4, &m) == 0);
	return 0;
}

static void lock_waits(struct __test_metadata *_metadata,
		       FIXTURE_DATA(lock) *self, BOOL held_exclusive,
		       BOOL want_exclusive)
{
	struct peer p;
	struct msg m;

	ASSERT_EQ(0, peer_start(&p, locker, &want_exclusive));
	ASSERT_EQ(0, msg_expect(p.rd, 1, &m));
	ASSERT_WIN(NO_ERROR, RtmLockDestination(self->a, self->dest,
						held_exclusive, TRUE));
	ASSERT_EQ(0, msg_send(p.wr, 2, 0, 0));
	/* The peer's lock waits for ours... */
	EXPECT_EQ(-ETIMEDOUT, msg_recv(p.rd, &m, 500));
	ASSERT_WIN(NO_ERROR, RtmLockDestination(self->a, self->dest,
						held_exclusive, FALSE));
	/* ... and gets it once ours is gone. */
	EXPECT_EQ(0, msg_expect(p.rd, 3, &m));
	ASSERT_EQ(0, msg_send(p.wr, 4, 0, 0));
	EXPECT_EQ(0, peer_wait(&p, WAIT_MS));
}

TEST_F(lock, shared_waits_for_exclusive)
{
	READY();
	lock_waits(_metadata, self, TRUE, FALSE);
}

TEST_F(lock, exclusive_waits_for_shared)
{
	READY();
	lock_waits(_metadata, self, FALSE, TRUE);
}

TEST_F(lock, locks_go_with_their_process)
{
	BOOL exclusive = TRUE;
	struct peer p;
	struct msg m;

	READY();
	ASSERT_EQ(0, peer_start(&p, locker, &exclusive));
	ASSERT_EQ(0, msg_expect(p.rd, 1, &m));
	ASSERT_EQ(0, msg_send(p.wr, 2, 0, 0));
	ASSERT_EQ(0, msg_expect(p.rd, 3, &m));
	/* The peer holds the exclusive lock and dies without unlocking. */
	peer_kill(&p);
	EXPECT_WIN(NO_ERROR, RtmLockDestination(self->a, self->dest, TRUE,
						TRUE));
	EXPECT_WIN(NO_ERROR, RtmLockDestination(self->a, self->dest, TRUE,
						FALSE));
}

TEST_F(lock, route_pointer)
{
	PRTM_ROUTE_INFO rp, again;

	READY();
	ASSERT_WIN(NO_ERROR, RtmGetRoutePointer(self->a, self->route, &rp));
	EXPECT_EQ(10U, rp->PrefInfo.Preference);
	EXPECT_EQ(1, rp->NextHopsList.NumNextHops);
	EXPECT_EQ(self->nh, rp->NextHopsList.NextHops[0]);
	EXPECT_EQ(RTM_ROUTE_STATE_CREATED, rp->State);
	ASSERT_WIN(NO_ERROR, RtmGetRoutePointer(self->a, self->route, &again));
	EXPECT_EQ(rp, again);

	/* The owner's alone; and a route handle it must be. */
	EXPECT_WIN(ERROR_ACCESS_DENIED,
		   RtmGetRoutePointer(self->b, self->route, &again));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetRoutePointer(self->a, self->dest, &again));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetRoutePointer(self->a, self->route, NULL));
}

TEST_F(lock, route_lock_rights)
{
	PRTM_ROUTE_INFO rp;

	READY();
	/* Another entity may share the route's lock, not take it alone. */
	EXPECT_WIN(ERROR_ACCESS_DENIED,
		   RtmLockRoute(self->b, self->route, TRUE, TRUE, &rp));
	EXPECT_WIN(NO_ERROR, RtmLockRoute(self->b, self->route, FALSE, TRUE,
					  NULL));
	EXPECT_WIN(NO_ERROR, RtmLockRoute(self->b, self->route, FALSE, FALSE,
					  NULL));
	/* A pointer is for the owner only: RoutePointer is left alone. */
	rp = NULL;
	EXPECT_WIN(NO_ERROR,
		   RtmLockRoute(self->b, self->route, FALSE, TRUE, &rp));
	EXPECT_EQ(NULL, rp);
	EXPECT_WIN(NO_ERROR,
		   RtmLockRoute(self->b, self->route, FALSE, FALSE, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmLockRoute(self->b, self->route, FALSE, FALSE, NULL));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmLockRoute(self->a, self->dest, FALSE, TRUE, NULL));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmLockRoute(self->a, NULL, FALSE, TRUE, NULL));
}

TEST_F(lock, update_in_place)
{
	RTM_ROUTE_CHANGE_FLAGS cf;
	PRTM_ROUTE_INFO rp;
	union route_buf r;

	READY();
	/* Nothing to commit without the exclusive lock. */
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmUpdateAndUnlockRoute(self->a, self->route, INFINITE,
					   NULL, 0, NULL, &cf));
	ASSERT_WIN(NO_ERROR, RtmLockRoute(self->a, self->route, TRUE, TRUE,
					  &rp));
	rp->PrefInfo.Preference = 3;
	rp->PrefInfo.Metric = 7;
	rp->EntitySpecificInfo = (PVOID)0xabc;
	rp->NextHopsList.NumNextHops = 2;
	rp->NextHopsList.NextHops[1] = self->nh2;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmUpdateAndUnlockRoute(self->a, self->route, INFINITE,
					   NULL, 0, NULL, NULL));
	cf = 0;
	ASSERT_WIN(NO_ERROR, RtmUpdateAndUnlockRoute(self->a, self->route,
						     INFINITE, NULL, 0, NULL,
						     &cf));
	EXPECT_EQ((RTM_ROUTE_CHANGE_FLAGS)RTM_ROUTE_CHANGE_BEST, cf & RTM_ROUTE_CHANGE_BEST);
	EXPECT_EQ(0U, cf & RTM_ROUTE_CHANGE_NEW);

	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->b, self->route, &r.info,
					     NULL));
	EXPECT_EQ(3U, r.info.PrefInfo.Preference);
	EXPECT_EQ(7U, r.info.PrefInfo.Metric);
	EXPECT_EQ((PVOID)0xabc, r.info.EntitySpecificInfo);
	EXPECT_EQ(2, r.info.NextHopsList.NumNextHops);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->b, &r.info));

	/* Unlocked by the update: a second one has nothing to commit. */
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmUpdateAndUnlockRoute(self->a, self->route, INFINITE,
					   NULL, 0, NULL, &cf));
	EXPECT_WIN(NO_ERROR, RtmLockRoute(self->b, self->route, FALSE, TRUE,
					  NULL));
	EXPECT_WIN(NO_ERROR, RtmLockRoute(self->b, self->route, FALSE, FALSE,
					  NULL));
}

TEST_F(lock, failed_update_keeps_the_lock)
{
	RTM_ROUTE_CHANGE_FLAGS cf;
	PRTM_ROUTE_INFO rp;
	union route_buf r;

	READY();
	ASSERT_WIN(NO_ERROR, RtmLockRoute(self->a, self->route, TRUE, TRUE,
					  &rp));
	/* No views: the update is refused, and the route stays locked. */
	rp->BelongsToViews = 0;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmUpdateAndUnlockRoute(self->a, self->route, INFINITE,
					   NULL, 0, NULL, &cf));
	EXPECT_WIN(NO_ERROR,
		   RtmGetRouteInfo(self->a, self->route, &r.info, NULL));
	EXPECT_EQ((RTM_VIEW_SET)RTM_VIEW_MASK_UCAST, r.info.BelongsToViews);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a, &r.info));
	rp->BelongsToViews = RTM_VIEW_MASK_UCAST;
	rp->PrefInfo.Metric = 9;
	ASSERT_WIN(NO_ERROR, RtmUpdateAndUnlockRoute(self->a, self->route,
						     INFINITE, NULL, 0, NULL,
						     &cf));
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a, self->route, &r.info,
					     NULL));
	EXPECT_EQ(9U, r.info.PrefInfo.Metric);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a, &r.info));
}

TEST_HARNESS_MAIN
