// SPDX-License-Identifier: GPL-2.0
/*
 * The limits that bound what one caller can make the kernel keep, each hit
 * with rtm.ko loaded with a small value of its module parameter: next hops
 * per entity (max_nexthops), routes per dest (max_routes_per_dest), routes
 * per entity counting those it deleted that a hold-down keeps
 * (max_routes), and dests marked per change subscription (max_holds).
 * Beyond each, the call fails with ERROR_NO_SYSTEM_RESOURCES and changes
 * nothing; below it again, it works.
 *
 * Each test loads rtm.ko again with the parameters it needs and puts it
 * back as it was (module_util.h), so vm-tests.sh runs this after the
 * others (RTM_SELFTESTS_LAST).
 */
#include "kselftest_harness.h"
#include "module_util.h"
#include "route_helpers.h"

#define INST	7
#define PROTO	0x7100

FIXTURE(limits) {
	struct mod_set mods;
	bool saved;
	struct ent e;
};

FIXTURE_SETUP(limits)
{
	memset(&self->e, 0, sizeof(self->e));
	self->saved = mods_save(&self->mods) == 0;
}

FIXTURE_TEARDOWN(limits)
{
	ent_deregister(&self->e);
	if (self->saved && mods_restore(&self->mods))
		fprintf(stderr, "# could not load %s again\n",
			self->mods.rtm.path);
}

/* rtm.ko loaded with @params, and an entity of INST registered. */
#define LOAD(params) do {						\
	REQUIRE_RTM();							\
	if (!self->saved)						\
		SKIP(return, "RTM_KO is not there to load again");	\
	ASSERT_ERRNO(0, mods_reload(&self->mods, (params)))		\
		TH_LOG("insmod %s %s", self->mods.rtm.path, (params));	\
	ASSERT_WIN(NO_ERROR, ent_register(&self->e, INST, AF_INET,	\
					  PROTO, 1, NULL));		\
} while (0)

TEST_F(limits, nexthops_per_entity)
{
	RTM_NEXTHOP_HANDLE nh[5], again;
	struct ent other;
	unsigned int i;

	LOAD("max_nexthops=4");
	for (i = 0; i < 4; i++)
		ASSERT_WIN(NO_ERROR, nh_add(self->e.h,
					    host(AF_INET, 192, 0, 2, 1 + i),
					    1, &nh[i]));
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   nh_add(self->e.h, host(AF_INET, 192, 0, 2, 9), 1, &nh[4]));
	EXPECT_TABLE(INST, AF_INET, 0, 0, 4);
	/* Adding one that exists makes nothing new: it works at the cap. */
	EXPECT_WIN(NO_ERROR, nh_add(self->e.h, host(AF_INET, 192, 0, 2, 1), 1,
				    &again));
	EXPECT_EQ(nh[0], again);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->e.h, 1, &again));
	/* The cap is the entity's own. */
	ASSERT_WIN(NO_ERROR, ent_register(&other, INST, AF_INET, PROTO, 2,
					  NULL));
	EXPECT_WIN(NO_ERROR, nh_add(other.h, host(AF_INET, 192, 0, 2, 9), 1,
				    &again));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(other.h, 1, &again));
	EXPECT_WIN(NO_ERROR, ent_deregister(&other));
	/* One deleted: there is room again. */
	ASSERT_WIN(NO_ERROR, RtmDeleteNextHop(self->e.h, nh[3], NULL));
	EXPECT_WIN(NO_ERROR, nh_add(self->e.h, host(AF_INET, 192, 0, 2, 9), 1,
				    &nh[4]));
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   nh_add(self->e.h, host(AF_INET, 192, 0, 2, 10), 1, &again));
	EXPECT_TABLE(INST, AF_INET, 0, 0, 4);
}

TEST_F(limits, routes_per_dest)
{
	RTM_NET_ADDRESS d = pfx(AF_INET, 24, 10, 1, 1, 0);
	RTM_NEXTHOP_HANDLE nb[4];
	struct route_buf b;
	struct rspec s;
	struct ent other;
	DWORD flags;
	unsigned int i;

	LOAD("max_routes_per_dest=3");
	memset(&s, 0, sizeof(s));
	s.pref = 10;
	for (i = 0; i < 4; i++)
		ASSERT_WIN(NO_ERROR, nh_add(self->e.h,
					    host(AF_INET, 192, 0, 2, 1 + i),
					    1, &nb[i]));
	/* One route per neighbour: three fit. */
	for (i = 0; i < 3; i++) {
		s.neighbour = nb[i];
		ASSERT_WIN(NO_ERROR, rt_add(self->e.h, d, &s, INFINITE, 0,
					    NULL, NULL));
	}
	s.neighbour = nb[3];
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   rt_add(self->e.h, d, &s, INFINITE, 0, NULL, NULL));
	/* Nor a new one that asks for a route of its own. */
	rspec_fill(&s, &b);
	flags = RTM_ROUTE_CHANGE_NEW;
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   RtmAddRouteToDest(self->e.h, NULL, &d, &b.ri, INFINITE,
				     NULL, 0, NULL, &flags));
	/* Another entity's route on the full dest does not fit either. */
	ASSERT_WIN(NO_ERROR, ent_register(&other, INST, AF_INET, PROTO, 2,
					  NULL));
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   rt_simple(other.h, d, 1, 1, NULL, NULL));
	EXPECT_WIN(NO_ERROR, rt_simple(other.h, pfx(AF_INET, 24, 10, 1, 2, 0),
				       1, 1, NULL, NULL));
	EXPECT_WIN(NO_ERROR, ent_deregister(&other));
	EXPECT_TABLE(INST, AF_INET, 1, 3, 4);
	/* An update of one of the three is no new route. */
	s.neighbour = nb[0];
	s.metric = 7;
	EXPECT_WIN(NO_ERROR, rt_add(self->e.h, d, &s, INFINITE, 0, NULL,
				    NULL));
}

TEST_F(limits, held_down_routes_count)
{
	RTM_NET_ADDRESS d[5];
	RTM_ROUTE_CHANGE_FLAGS flags;
	RTM_ROUTE_HANDLE r0;
	RTM_DEST_INFO di;
	long long end;
	unsigned int i;
	bool gone;

	LOAD("max_routes=4");
	for (i = 0; i < 5; i++)
		d[i] = pfx(AF_INET, 24, 10, 2, i, 0);
	ASSERT_WIN(NO_ERROR, rt_simple(self->e.h, d[0], 1, 1, NULL, &r0));
	for (i = 1; i < 4; i++)
		ASSERT_WIN(NO_ERROR, rt_simple(self->e.h, d[i], 1, 1, NULL,
					       NULL));
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   rt_simple(self->e.h, d[4], 1, 1, NULL, NULL));

	/* d[0]'s route goes into hold-down: it still counts. */
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->e.h, &d[0], 0,
							 RTM_VIEW_MASK_UCAST,
							 &di));
	ASSERT_WIN(NO_ERROR, RtmHoldDestination(self->e.h, di.DestHandle,
						RTM_VIEW_MASK_UCAST, 1500));
	ASSERT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->e.h, r0, &flags));
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   rt_simple(self->e.h, d[4], 1, 1, NULL, NULL));

	/* When the hold-down ends, it no longer does. */
	end = now_ms() + WAIT_MS;
	do {
		RTM_DEST_INFO now;

		usleep(100000);
		ASSERT_WIN(NO_ERROR, RtmGetDestInfo(self->e.h, di.DestHandle,
						    0, RTM_VIEW_MASK_UCAST,
						    &now));
		gone = !now.ViewInfo[0].HoldRoute;
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->e.h, &now));
	} while (!gone && now_ms() < end);
	ASSERT_TRUE(gone) TH_LOG("the hold-down did not end");
	EXPECT_WIN(NO_ERROR, rt_simple(self->e.h, d[4], 1, 1, NULL, NULL));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->e.h, &di));
}

/*
 * Mark (or unmark) the dest of @d for @n, through a handle let go at once:
 * the mark alone keeps the dest.  *@marked, if not NULL, says whether it is
 * marked afterwards.
 */
static DWORD mark_dest(RTM_ENTITY_HANDLE h, RTM_NOTIFY_HANDLE n,
		       RTM_NET_ADDRESS d, BOOL mark, BOOL *marked)
{
	RTM_DEST_INFO di;
	DWORD st;

	st = RtmGetExactMatchDestination(h, &d, 0, RTM_VIEW_MASK_UCAST, &di);
	if (st != NO_ERROR)
		return st;
	st = RtmMarkDestForChangeNotification(h, n, di.DestHandle, mark);
	if (marked && RtmIsMarkedForChangeNotification(h, n, di.DestHandle,
						       marked) != NO_ERROR)
		*marked = -1;
	RtmReleaseDestInfo(h, &di);
	return st;
}

TEST_F(limits, marks_per_subscription)
{
	RTM_NOTIFY_HANDLE n;
	RTM_NET_ADDRESS d[9];
	BOOL marked;
	unsigned int i;

	LOAD("max_holds=8");
	ASSERT_WIN(NO_ERROR,
		   RtmRegisterForChangeNotification(self->e.h,
						    RTM_VIEW_MASK_UCAST,
						    RTM_CHANGE_TYPE_ALL |
						    RTM_NOTIFY_ONLY_MARKED_DESTS,
						    NULL, &n));
	for (i = 0; i < 9; i++) {
		d[i] = pfx(AF_INET, 24, 10, 3, i, 0);
		ASSERT_WIN(NO_ERROR, rt_simple(self->e.h, d[i], 1, 1, NULL,
					       NULL));
	}
	for (i = 0; i < 8; i++)
		EXPECT_WIN(NO_ERROR, mark_dest(self->e.h, n, d[i], TRUE, NULL));
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   mark_dest(self->e.h, n, d[8], TRUE, &marked));
	EXPECT_EQ(FALSE, marked);
	/* One unmarked: room for another. */
	EXPECT_WIN(NO_ERROR, mark_dest(self->e.h, n, d[0], FALSE, &marked));
	EXPECT_EQ(FALSE, marked);
	EXPECT_WIN(NO_ERROR, mark_dest(self->e.h, n, d[8], TRUE, &marked));
	EXPECT_EQ(TRUE, marked);
	EXPECT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(self->e.h, n));
}

TEST_HARNESS_MAIN
