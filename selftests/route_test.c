// SPDX-License-Identifier: GPL-2.0
/*
 * Routes (reference sections 3.4, 4.6, 7.4, 7.5, 7.6, 7.11, 8.1-8.3, 8.10,
 * 10, 11 items 4 and 6): RtmAddRouteToDest in all its modes (update by
 * handle, match on owner and neighbour, RTM_ROUTE_CHANGE_FIRST,
 * RTM_ROUTE_CHANGE_NEW, the output flags NEW and BEST and their values,
 * views), RtmDeleteRouteToDest, RtmGetRouteInfo, RtmReleaseRouteInfo,
 * RtmReleaseRoutes, RtmIsBestRoute and RtmReferenceHandles of every handle
 * kind: best route per view (preference, then metric, then the route made
 * first), ownership, foreign next hops, bad prefixes and masking, bad
 * handles of every sort, guard bytes behind the buffers, handles held
 * across deletion, two processes sharing a destination, and deregistration
 * and process exit deleting an entity's routes and recomputing best routes.
 *
 * Every test uses RTM instance INST, which no other test program uses.
 * The fixture registers entities A and B, each with next hops; its teardown
 * deregisters them and checks that the namespace's counters are back where
 * they were and that the table is empty.
 */
#include "kselftest_harness.h"
#include "rtm_selftest.h"
#include "route_helpers.h"

#define INST		11
#define PROTO_A		0x7300
#define PROTO_B		0x7400
#define PROTO_P		0x7500		/* the peer process's */

#define NA		3
#define NB		2

#define NEW_BEST	(RTM_ROUTE_CHANGE_NEW | RTM_ROUTE_CHANGE_BEST)

FIXTURE(route) {
	USHORT fam;
	bool ready;
	struct rtm_stats base;	/* before A and B */
	struct rtm_stats regd;	/* A and B, their next hops held */
	struct ent a, b;
	RTM_NEXTHOP_HANDLE na[NA], nb[NB];
};

FIXTURE_VARIANT(route) {
	USHORT fam;
};

FIXTURE_VARIANT_ADD(route, ipv4) {
	.fam = AF_INET,
};

FIXTURE_VARIANT_ADD(route, ipv6) {
	.fam = AF_INET6,
};

FIXTURE_SETUP(route)
{
	unsigned int i;

	self->fam = variant->fam;
	if (!rtm_present() || cap_effective(CAP_NET_ADMIN) != 1)
		return;
	ASSERT_EQ(0, read_stats_steady(&self->base, WAIT_MS));
	ASSERT_WIN(NO_ERROR, ent_register(&self->a, INST, self->fam, PROTO_A,
					  1, NULL));
	ASSERT_WIN(NO_ERROR, ent_register(&self->b, INST, self->fam, PROTO_B,
					  1, NULL));
	for (i = 0; i < NA; i++)
		ASSERT_WIN(NO_ERROR, nh_add(self->a.h,
					    host(self->fam, 10, 0, 1, i + 1),
					    i + 1, &self->na[i]));
	for (i = 0; i < NB; i++)
		ASSERT_WIN(NO_ERROR, nh_add(self->b.h,
					    host(self->fam, 10, 0, 2, i + 1),
					    i + 1, &self->nb[i]));
	ASSERT_EQ(0, read_stats(&self->regd));
	self->ready = true;
}

FIXTURE_TEARDOWN(route)
{
	if (!self->ready)
		return;
	EXPECT_WIN(NO_ERROR, ent_deregister(&self->a));
	EXPECT_WIN(NO_ERROR, ent_deregister(&self->b));
	EXPECT_STATS(&self->base);
	EXPECT_TABLE_EMPTY(INST, self->fam);
}

static struct rspec spec(ULONG pref, ULONG metric, RTM_NEXTHOP_HANDLE nb)
{
	struct rspec s;

	memset(&s, 0, sizeof(s));
	s.pref = pref;
	s.metric = metric;
	s.neighbour = nb;
	return s;
}

/* The views @r is best in, or ~0 on error. */
static RTM_VIEW_SET best_in(RTM_ENTITY_HANDLE e, RTM_ROUTE_HANDLE r)
{
	RTM_VIEW_SET v = 0x5a5a5a5a;

	if (RtmIsBestRoute(e, r, &v) != NO_ERROR)
		return ~0U;
	return v;
}

/* The unicast best route of @dest (NULL if none), and its route count. */
static RTM_ROUTE_HANDLE ucast_best(RTM_ENTITY_HANDLE e, RTM_NET_ADDRESS dest,
				   UINT *nroutes)
{
	struct {
		RTM_DEST_INFO di;	/* room for one view */
	} buf;
	RTM_ROUTE_HANDLE r;

	memset(&buf, 0, sizeof(buf));
	if (nroutes)
		*nroutes = 0;
	if (RtmGetExactMatchDestination(e, &dest, RTM_BEST_PROTOCOL,
					RTM_VIEW_MASK_UCAST, &buf.di) != NO_ERROR)
		return NULL;
	r = buf.di.ViewInfo[0].Route;
	if (nroutes)
		*nroutes = buf.di.ViewInfo[0].NumRoutes;
	RtmReleaseDestInfo(e, &buf.di);
	return r;
}

/* ------------------------------------------------------------------ */

TEST_F(route, add_info_update_delete)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 1, 0, 0), got;
	RTM_ROUTE_INFO *ri = ri_alloc(&self->a.prof);
	RTM_ROUTE_HANDLE h = NULL, h2 = NULL, h3;
	struct rspec s = spec(10, 20, self->na[0]);
	char b1[64], b2[64];
	DWORD out;

	REQUIRE_RTM();
	ASSERT_NE(NULL, ri);
	s.flags = RTM_ROUTE_FLAGS_LOCAL;
	s.esi = 0x77;
	s.nnh = 2;
	s.nh[0] = self->na[1];
	s.nh[1] = self->na[2];
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out));
	ASSERT_NE(NULL, h);
	EXPECT_EQ(3U, handle_kind(h));
	EXPECT_EQ((DWORD)NEW_BEST, out);
	EXPECT_HOLDS(self->regd.holds + 1);
	EXPECT_TABLE(INST, self->fam, 1, 1, NA + NB);

	memset(&got, 0, sizeof(got));
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, h, ri, &got));
	EXPECT_TRUE(same_addr(&p, &got))
		TH_LOG("%s, want %s", pfx_str(&got, b1, sizeof(b1)),
		       pfx_str(&p, b2, sizeof(b2)));
	EXPECT_EQ(2U, handle_kind(ri->DestHandle));
	EXPECT_EQ(hval(self->a.h), hval(ri->RouteOwner));
	EXPECT_EQ(hval(self->na[0]), hval(ri->Neighbour));
	EXPECT_EQ(RTM_ROUTE_STATE_CREATED, ri->State);
	EXPECT_EQ(RTM_ROUTE_FLAGS_LOCAL, ri->Flags);
	EXPECT_EQ(10U, ri->PrefInfo.Preference);
	EXPECT_EQ(20U, ri->PrefInfo.Metric);
	EXPECT_EQ((DWORD)RTM_VIEW_MASK_UCAST, ri->BelongsToViews);
	EXPECT_EQ(0x77UL, (uintptr_t)ri->EntitySpecificInfo);
	ASSERT_EQ(2, ri->NextHopsList.NumNextHops);
	EXPECT_EQ(hval(self->na[1]), hval(ri->NextHopsList.NextHops[0]));
	EXPECT_EQ(hval(self->na[2]), hval(hops_of(ri)[1]));
	EXPECT_TRUE(guard_intact(ri, ri_size(&self->a.prof)));
	/* It holds the dest and the owner (the next hops A holds already). */
	EXPECT_HOLDS(self->regd.holds + 3);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, ri));
	EXPECT_HOLDS(self->regd.holds + 1);
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRouteInfo(self->a.h, ri));
	EXPECT_HOLDS(self->regd.holds + 1);

	/* Same owner and neighbour, no handle: an update of the best route. */
	s.metric = 30;
	EXPECT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, NULL, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	/* The same again changes nothing. */
	EXPECT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, NULL, &out));
	EXPECT_EQ(0U, out);
	/* EntitySpecificInfo is no part of the best route's state. */
	s.esi = 0x88;
	EXPECT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, NULL, &out));
	EXPECT_EQ(0U, out);
	/* A NULL handle asks for one: the same route's. */
	EXPECT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &h2, &out));
	EXPECT_EQ(0U, out);
	EXPECT_EQ(hval(h), hval(h2));
	/* By handle; the handle stays as it was. */
	h3 = h;
	s.pref = 5;
	EXPECT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &h3, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	EXPECT_EQ(hval(h), hval(h3));
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, h, ri, NULL));
	EXPECT_EQ(5U, ri->PrefInfo.Preference);
	EXPECT_EQ(30U, ri->PrefInfo.Metric);
	EXPECT_EQ(0x88UL, (uintptr_t)ri->EntitySpecificInfo);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, ri));
	EXPECT_EQ((DWORD)RTM_VIEW_MASK_UCAST, best_in(self->a.h, h));
	EXPECT_TABLE(INST, self->fam, 1, 1, NA + NB);

	/* Delete: BEST, the handle consumed, h2's reference still there. */
	out = 0x5a;
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, h, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, h2, ri, &got));
	EXPECT_EQ(RTM_ROUTE_STATE_DELETED, ri->State);
	EXPECT_EQ(5U, ri->PrefInfo.Preference);
	EXPECT_EQ(2, ri->NextHopsList.NumNextHops);
	EXPECT_TRUE(same_addr(&p, &got));
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, ri));
	EXPECT_EQ(0U, best_in(self->a.h, h2));
	EXPECT_EQ(NULL, ucast_best(self->a.h, p, NULL));
	/* No route is left; the deleted one keeps its dest until released. */
	EXPECT_TABLE(INST, self->fam, 1, 0, NA + NB);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &h2));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(self->a.h, 1, &h));
	EXPECT_TABLE(INST, self->fam, 0, 0, NA + NB);
	EXPECT_STATS(&self->regd);
	free(ri);
}

/* Without a handle, a route is found by (owner, neighbour); or FIRST, NEW. */
TEST_F(route, neighbour_first_and_new)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 2, 0, 0);
	RTM_ROUTE_HANDLE h1 = NULL, h2 = NULL, h3 = NULL, h4 = NULL, h5 = NULL;
	RTM_ROUTE_HANDLE h6 = NULL, hb = NULL, h;
	struct rspec s;
	struct route_buf b;
	DWORD out;

	REQUIRE_RTM();
	EXPECT_EQ(0x01, RTM_ROUTE_CHANGE_FIRST);
	EXPECT_EQ(0x02, RTM_ROUTE_CHANGE_NEW);
	EXPECT_EQ(0x00010000, RTM_ROUTE_CHANGE_BEST);

	s = spec(10, 1, self->na[0]);
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &h1, &out));
	EXPECT_EQ((DWORD)NEW_BEST, out);
	/* Another neighbour: another route, equal, so not the best. */
	s = spec(10, 1, self->na[1]);
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &h2, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_NEW, out);
	EXPECT_NE(hval(h1), hval(h2));
	/* Neighbour na[0] again: h1, which stops being the best. */
	s = spec(20, 1, self->na[0]);
	h = NULL;
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	EXPECT_EQ(hval(h1), hval(h));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &h));
	EXPECT_EQ(hval(h2), hval(ucast_best(self->a.h, p, NULL)));
	EXPECT_TABLE(INST, self->fam, 1, 2, NA + NB);

	/* FIRST ignores the neighbour: A's first route, h1, takes na[2]. */
	s = spec(30, 1, self->na[2]);
	h = NULL;
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE,
				    RTM_ROUTE_CHANGE_FIRST, &h, &out));
	EXPECT_EQ(0U, out);
	EXPECT_EQ(hval(h1), hval(h));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &h));
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, h1, &b.ri, NULL));
	EXPECT_EQ(hval(self->na[2]), hval(b.ri.Neighbour));
	EXPECT_EQ(30U, b.ri.PrefInfo.Preference);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, &b.ri));
	EXPECT_TABLE(INST, self->fam, 1, 2, NA + NB);

	/* NEW always makes a route, even for a neighbour in use. */
	s = spec(40, 1, self->na[2]);
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE,
				    RTM_ROUTE_CHANGE_NEW, &h3, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_NEW, out);
	EXPECT_NE(hval(h1), hval(h3));
	/* ... and NEW wins over FIRST. */
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE,
				    RTM_ROUTE_CHANGE_NEW |
				    RTM_ROUTE_CHANGE_FIRST, &h4, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_NEW, out);
	EXPECT_TABLE(INST, self->fam, 1, 4, NA + NB);
	/* Matching by neighbour takes the first of several: h1. */
	s = spec(31, 1, self->na[2]);
	EXPECT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, NULL, &out));
	EXPECT_EQ(0U, out);
	EXPECT_EQ(31U, route_pref(self->a.h, h1));
	EXPECT_EQ(40U, route_pref(self->a.h, h3));
	EXPECT_EQ(40U, route_pref(self->a.h, h4));

	/* No neighbour is a neighbour too. */
	s = spec(50, 1, NULL);
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &h5, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_NEW, out);
	s = spec(51, 1, NULL);
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &h6, &out));
	EXPECT_EQ(0U, out);
	EXPECT_EQ(hval(h5), hval(h6));
	EXPECT_EQ(51U, route_pref(self->a.h, h5));

	/* Only the caller's routes are matched: B gets its own. */
	s = spec(60, 1, NULL);
	ASSERT_WIN(NO_ERROR, rt_add(self->b.h, p, &s, INFINITE,
				    RTM_ROUTE_CHANGE_FIRST, &hb, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_NEW, out);
	EXPECT_EQ(51U, route_pref(self->a.h, h5));
	EXPECT_EQ(31U, route_pref(self->a.h, h1));
	EXPECT_TABLE(INST, self->fam, 1, 6, NA + NB);

	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &h6));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, h5, &out));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, h4, &out));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, h3, &out));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, h1, &out));
	EXPECT_EQ(0U, out);
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->b.h, hb, &out));
	EXPECT_EQ(0U, out);
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, h2, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	EXPECT_TABLE(INST, self->fam, 0, 0, NA + NB);
	EXPECT_STATS(&self->regd);
}

TEST_F(route, bad_arguments)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 3, 0, 0);
	RTM_ENTITY_HANDLE bogus = mkhandle(((uint64_t)HANDLE_KIND_ENTITY << 56) |
					   0xabcdef);
	struct rspec s = spec(1, 1, NULL);
	RTM_ROUTE_LIST_HANDLE list = mkhandle((6ULL << 56) | 0xabcdef);
	RTM_ROUTE_HANDLE h = NULL;
	struct route_buf b;
	RTM_VIEW_SET v;
	DWORD flags;

	REQUIRE_RTM();
	rspec_fill(&s, &b);
	flags = 0;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmAddRouteToDest(self->a.h, &h, NULL, &b.ri, INFINITE, NULL,
				     0, NULL, &flags));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmAddRouteToDest(self->a.h, &h, &p, NULL, INFINITE, NULL,
				     0, NULL, &flags));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmAddRouteToDest(self->a.h, &h, &p, &b.ri, INFINITE, NULL,
				     0, NULL, NULL));
	/* Input change flags beyond FIRST and NEW (BEST is ignored). */
	flags = 0x4;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmAddRouteToDest(self->a.h, &h, &p, &b.ri, INFINITE, NULL,
				     0, NULL, &flags));
	flags = 0x80000000;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmAddRouteToDest(self->a.h, &h, &p, &b.ri, INFINITE, NULL,
				     0, NULL, &flags));
	/* Not one of the caller's route lists. */
	flags = 0;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmAddRouteToDest(self->a.h, &h, &p, &b.ri, INFINITE, list,
				     0, NULL, &flags));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmAddRouteToDest(bogus, &h, &p, &b.ri, INFINITE, NULL,
				     0, NULL, &flags));
	EXPECT_EQ(NULL, h);
	EXPECT_TABLE(INST, self->fam, 0, 0, NA + NB);

	/* BEST on input is ignored. */
	flags = RTM_ROUTE_CHANGE_BEST;
	EXPECT_WIN(NO_ERROR, RtmAddRouteToDest(self->a.h, &h, &p, &b.ri,
					       INFINITE, NULL, 0, NULL, &flags));
	EXPECT_EQ((DWORD)NEW_BEST, flags);

	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmDeleteRouteToDest(self->a.h, h, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmIsBestRoute(self->a.h, h, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmReleaseRouteInfo(self->a.h, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmReleaseRoutes(self->a.h, 1, NULL));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 0, NULL));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteRouteToDest(bogus, h, &flags));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetRouteInfo(bogus, h, &b.ri, NULL));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRouteInfo(bogus, &b.ri));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(bogus, 1, &h));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmIsBestRoute(bogus, h, &v));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReferenceHandles(bogus, 1, &h));
	/* Both outputs of RtmGetRouteInfo are optional. */
	EXPECT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, h, NULL, NULL));
	EXPECT_HOLDS(self->regd.holds + 1);
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, h, &flags));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, flags);
	EXPECT_STATS(&self->regd);
}

/*
 * Best route per view: lowest preference, then lowest metric, then the
 * route created first, which keeps its place when it is updated.
 */
TEST_F(route, best_route_selection)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 4, 0, 0);
	RTM_ROUTE_HANDLE ra = NULL, rb = NULL, rc = NULL, rd = NULL, h;
	struct rspec s;
	UINT n;
	DWORD out;

	REQUIRE_RTM();
	s = spec(10, 5, NULL);
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &ra, &out));
	EXPECT_EQ((DWORD)NEW_BEST, out);
	s = spec(10, 3, NULL);
	ASSERT_WIN(NO_ERROR, rt_add(self->b.h, p, &s, INFINITE, 0, &rb, &out));
	EXPECT_EQ((DWORD)NEW_BEST, out);
	EXPECT_EQ(hval(rb), hval(ucast_best(self->a.h, p, NULL)));
	/* Preference before metric. */
	s = spec(5, 100, self->na[1]);
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &rc, &out));
	EXPECT_EQ((DWORD)NEW_BEST, out);
	/* A tie: the first made stays best. */
	s = spec(5, 100, self->nb[1]);
	ASSERT_WIN(NO_ERROR, rt_add(self->b.h, p, &s, INFINITE, 0, &rd, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_NEW, out);
	EXPECT_EQ(hval(rc), hval(ucast_best(self->b.h, p, &n)));
	EXPECT_EQ(4U, n);
	EXPECT_EQ((DWORD)RTM_VIEW_MASK_UCAST, best_in(self->b.h, rc));
	EXPECT_EQ(0U, best_in(self->a.h, rd));
	EXPECT_EQ(0U, best_in(self->a.h, ra));
	EXPECT_EQ(0U, best_in(self->a.h, rb));

	/* rc worse: rd; rc back: rc again, it was made first. */
	h = rc;
	s = spec(6, 100, self->na[1]);
	EXPECT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	EXPECT_EQ(hval(rd), hval(ucast_best(self->a.h, p, NULL)));
	s = spec(5, 100, self->na[1]);
	EXPECT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	EXPECT_EQ(hval(rc), hval(ucast_best(self->a.h, p, NULL)));
	/* Updating the equal rd moves nothing. */
	h = rd;
	s = spec(5, 100, self->nb[1]);
	s.esi = 9;
	EXPECT_WIN(NO_ERROR, rt_add(self->b.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_EQ(0U, out);
	EXPECT_EQ(hval(rc), hval(ucast_best(self->a.h, p, NULL)));

	/* Deleting a route that is not the best changes no best route. */
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->b.h, rd, &out));
	EXPECT_EQ(0U, out);
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, rc, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	EXPECT_EQ(hval(rb), hval(ucast_best(self->a.h, p, &n)));
	EXPECT_EQ(2U, n);
	/* Metric tie between ra and rb: ra was made first. */
	h = rb;
	s = spec(10, 5, NULL);
	EXPECT_WIN(NO_ERROR, rt_add(self->b.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	EXPECT_EQ(hval(ra), hval(ucast_best(self->a.h, p, NULL)));
	s = spec(10, 4, NULL);
	EXPECT_WIN(NO_ERROR, rt_add(self->b.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	EXPECT_EQ(hval(rb), hval(ucast_best(self->a.h, p, NULL)));
	/* A metric change of the best route is a best-route change too. */
	s = spec(10, 2, NULL);
	EXPECT_WIN(NO_ERROR, rt_add(self->b.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	/* ... unlike one of a route that stays behind it. */
	h = ra;
	s = spec(10, 7, NULL);
	EXPECT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_EQ(0U, out);

	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->b.h, rb, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	EXPECT_EQ(hval(ra), hval(ucast_best(self->a.h, p, NULL)));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, ra, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	EXPECT_EQ(NULL, ucast_best(self->a.h, p, NULL));
	EXPECT_STATS(&self->regd);
}

/* A route belongs to the views it names; the best is chosen per view. */
TEST_F(route, views)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 5, 0, 0);
	RTM_ROUTE_HANDLE ru = NULL, rm = NULL, rboth = NULL, h;
	RTM_DEST_INFO *d2 = di_alloc(2), *d1 = di_alloc(1);
	static const RTM_VIEW_SET bad_views[] = { 0, 0x4, 0x7, 0x80000000,
						  RTM_VIEW_MASK_ALL };
	struct route_buf b;
	struct rspec s;
	unsigned int i;
	DWORD out;

	REQUIRE_RTM();
	ASSERT_NE(NULL, d1);
	ASSERT_NE(NULL, d2);
	EXPECT_EQ(0, RTM_VIEW_ID_UCAST);
	EXPECT_EQ(1, RTM_VIEW_ID_MCAST);
	EXPECT_EQ(1, RTM_VIEW_MASK_UCAST);
	EXPECT_EQ(2, RTM_VIEW_MASK_MCAST);

	s = spec(10, 1, NULL);
	s.views = RTM_VIEW_MASK_UCAST;
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &ru, &out));
	EXPECT_EQ((DWORD)NEW_BEST, out);
	s = spec(20, 1, NULL);
	s.views = RTM_VIEW_MASK_MCAST;
	ASSERT_WIN(NO_ERROR, rt_add(self->b.h, p, &s, INFINITE, 0, &rm, &out));
	EXPECT_EQ((DWORD)NEW_BEST, out);
	/* Best in multicast only: still BEST. */
	s = spec(15, 1, self->na[1]);
	s.views = RTM_VIEW_MASK_UCAST | RTM_VIEW_MASK_MCAST;
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &rboth,
				    &out));
	EXPECT_EQ((DWORD)NEW_BEST, out);
	EXPECT_EQ((DWORD)RTM_VIEW_MASK_UCAST, best_in(self->a.h, ru));
	EXPECT_EQ(0U, best_in(self->a.h, rm));
	EXPECT_EQ((DWORD)RTM_VIEW_MASK_MCAST, best_in(self->a.h, rboth));

	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_ALL, d2));
	EXPECT_EQ(3U, d2->BelongsToViews);
	ASSERT_EQ(2U, d2->NumberOfViews);
	EXPECT_EQ(0, d2->ViewInfo[0].ViewId);
	EXPECT_EQ(2U, d2->ViewInfo[0].NumRoutes);
	EXPECT_EQ(hval(ru), hval(d2->ViewInfo[0].Route));
	EXPECT_EQ(hval(self->a.h), hval(d2->ViewInfo[0].Owner));
	EXPECT_EQ(1, d2->ViewInfo[1].ViewId);
	EXPECT_EQ(2U, d2->ViewInfo[1].NumRoutes);
	EXPECT_EQ(hval(rboth), hval(d2->ViewInfo[1].Route));
	EXPECT_TRUE(guard_intact(d2, RTM_SIZE_OF_DEST_INFO(2)));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d2));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_MCAST, d1));
	ASSERT_EQ(1U, d1->NumberOfViews);
	EXPECT_EQ(1, d1->ViewInfo[0].ViewId);
	EXPECT_EQ(hval(rboth), hval(d1->ViewInfo[0].Route));
	EXPECT_TRUE(guard_intact(d1, RTM_SIZE_OF_DEST_INFO(1)));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d1));

	/* ru moves to multicast: best changes in both views. */
	h = ru;
	s = spec(10, 1, NULL);
	s.views = RTM_VIEW_MASK_MCAST;
	EXPECT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	EXPECT_EQ((DWORD)RTM_VIEW_MASK_MCAST, best_in(self->a.h, ru));
	EXPECT_EQ((DWORD)RTM_VIEW_MASK_UCAST, best_in(self->a.h, rboth));
	/* rm, behind in multicast, moves to unicast, behind rboth there. */
	h = rm;
	s = spec(20, 1, NULL);
	s.views = RTM_VIEW_MASK_UCAST;
	EXPECT_WIN(NO_ERROR, rt_add(self->b.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_EQ(0U, out);

	/* No view, or views the table does not have: refused. */
	for (i = 0; i < ARRAY_SIZE(bad_views); i++) {
		s = spec(1, 1, NULL);
		rspec_fill(&s, &b);
		b.ri.BelongsToViews = bad_views[i];
		out = 0;
		EXPECT_WIN(ERROR_INVALID_PARAMETER,
			   RtmAddRouteToDest(self->a.h, NULL, &p, &b.ri,
					     INFINITE, NULL, 0, NULL, &out))
			TH_LOG("views %#x", bad_views[i]);
		h = ru;
		EXPECT_WIN(ERROR_INVALID_PARAMETER,
			   RtmAddRouteToDest(self->a.h, &h, &p, &b.ri,
					     INFINITE, NULL, 0, NULL, &out))
			TH_LOG("views %#x", bad_views[i]);
	}
	EXPECT_EQ((DWORD)RTM_VIEW_MASK_MCAST, best_in(self->a.h, ru));
	EXPECT_TABLE(INST, self->fam, 1, 3, NA + NB);

	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, rboth, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	EXPECT_EQ((DWORD)RTM_VIEW_MASK_UCAST, best_in(self->b.h, rm));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, ru, &out));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->b.h, rm, &out));
	EXPECT_STATS(&self->regd);
	free(d1);
	free(d2);
}

/*
 * Prefixes: the table's family, at most its length; the bits beyond the
 * length are masked, not refused.
 */
TEST_F(route, bad_and_masked_prefixes)
{
	USHORT bits = fam_bits(self->fam);
	USHORT other = self->fam == AF_INET ? AF_INET6 : AF_INET;
	RTM_NET_ADDRESS p, want, got;
	RTM_ROUTE_HANDLE h = NULL, h2 = NULL, hd = NULL, hh = NULL;
	struct rspec s = spec(1, 1, NULL);
	char b1[64], b2[64];
	DWORD out;

	REQUIRE_RTM();
	p = pfx(other, 16, 10, 6, 0, 0);
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out));
	p = pfx(0, 16, 10, 6, 0, 0);
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out));
	p = pfx(self->fam, bits + 1, 10, 6, 0, 0);
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out));
	p = pfx(self->fam, 0xffff, 10, 6, 0, 0);
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_EQ(NULL, h);
	EXPECT_TABLE(INST, self->fam, 0, 0, NA + NB);

	/* 10.6.2.3/16 is 10.6.0.0/16; 10.6.9.9/16 names the same route. */
	p = pfx(self->fam, 16, 10, 6, 2, 3);
	want = pfx(self->fam, 16, 10, 6, 0, 0);
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_EQ((DWORD)NEW_BEST, out);
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, h, NULL, &got));
	EXPECT_TRUE(same_addr(&want, &got))
		TH_LOG("%s, want %s", pfx_str(&got, b1, sizeof(b1)),
		       pfx_str(&want, b2, sizeof(b2)));
	p = pfx(self->fam, 16, 10, 6, 9, 9);
	s.metric = 2;
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &h2, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	EXPECT_EQ(hval(h), hval(h2));
	EXPECT_EQ(hval(h), hval(ucast_best(self->a.h, want, NULL)));
	EXPECT_TABLE(INST, self->fam, 1, 1, NA + NB);

	/* The default route and a host route. */
	p = pfx(self->fam, 0, 0xff, 0xff, 0xff, 0xff);
	want = pfx(self->fam, 0, 0, 0, 0, 0);
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &hd, &out));
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, hd, NULL, &got));
	EXPECT_TRUE(same_addr(&want, &got));
	p = host(self->fam, 10, 6, 2, 3);
	if (self->fam == AF_INET6)
		p.AddrBits[15] = 0x42;
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &hh, &out));
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, hh, NULL, &got));
	EXPECT_TRUE(same_addr(&p, &got));
	EXPECT_TABLE(INST, self->fam, 3, 3, NA + NB);

	if (self->fam == AF_INET6) {
		RTM_ROUTE_HANDLE r64a = NULL, r64b = NULL, r127 = NULL;
		RTM_NET_ADDRESS q;

		/* Prefixes that differ only beyond the first 32 bits. */
		ASSERT_EQ(1, inet_pton(AF_INET6, "2001:db8:0:1::", q.AddrBits));
		q.AddressFamily = AF_INET6;
		q.NumBits = 64;
		ASSERT_WIN(NO_ERROR, rt_add(self->a.h, q, &s, INFINITE, 0,
					    &r64a, &out));
		q.AddrBits[7] = 2;
		ASSERT_WIN(NO_ERROR, rt_add(self->a.h, q, &s, INFINITE, 0,
					    &r64b, &out));
		EXPECT_EQ((DWORD)NEW_BEST, out);
		EXPECT_NE(hval(r64a), hval(r64b));
		/* ::3/127 is ::2/127. */
		ASSERT_EQ(1, inet_pton(AF_INET6, "2001:db8::3", q.AddrBits));
		q.NumBits = 127;
		ASSERT_WIN(NO_ERROR, rt_add(self->a.h, q, &s, INFINITE, 0,
					    &r127, &out));
		ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, r127, NULL,
						     &got));
		q.AddrBits[15] = 2;
		EXPECT_TRUE(same_addr(&q, &got))
			TH_LOG("%s", pfx_str(&got, b1, sizeof(b1)));
		EXPECT_TABLE(INST, self->fam, 6, 6, NA + NB);
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, r64a, &out));
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, r64b, &out));
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, r127, &out));
	}
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &h2));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, h, &out));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, hd, &out));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, hh, &out));
	EXPECT_STATS(&self->regd);
}

/*
 * A route's next hops and neighbour: the owner's live next hops only, at
 * most MaxNextHopsInRoute of them.
 */
TEST_F(route, next_hop_rules)
{
	UINT max = self->a.prof.MaxNextHopsInRoute, i;
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 7, 0, 0);
	RTM_NEXTHOP_HANDLE many[MAX_TEST_HOPS + 1], dead = NULL, foreign = NULL;
	RTM_NEXTHOP_INFO nhi;
	RTM_ROUTE_INFO *ri = ri_alloc(&self->a.prof);
	RTM_ROUTE_HANDLE h = NULL, other = NULL;
	USHORT other_fam = self->fam == AF_INET ? AF_INET6 : AF_INET;
	struct rspec s;
	struct ent x;
	DWORD out;

	REQUIRE_RTM();
	ASSERT_NE(NULL, ri);
	ASSERT_LT(0U, max);
	ASSERT_GE((UINT)MAX_TEST_HOPS, max);
	for (i = 0; i < max; i++)
		ASSERT_WIN(NO_ERROR, nh_add(self->a.h,
					    host(self->fam, 10, 0, 3, i + 1),
					    100 + i, &many[i]));
	ASSERT_WIN(NO_ERROR, nh_add(self->a.h, host(self->fam, 10, 0, 4, 1),
				    1, &dead));
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &dead));
	ASSERT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, dead, NULL));

	/* Exactly the most next hops: all there, in order, within bounds. */
	s = spec(1, 1, self->na[0]);
	s.nnh = max;
	memcpy(s.nh, many, max * sizeof(many[0]));
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out));
	memset(ri, 0, ri_size(&self->a.prof));
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, h, ri, NULL));
	ASSERT_EQ(max, ri->NextHopsList.NumNextHops);
	for (i = 0; i < max; i++) {
		EXPECT_EQ(hval(many[i]), hval(hops_of(ri)[i]));
	}
	EXPECT_TRUE(guard_intact(ri, ri_size(&self->a.prof)));
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, ri));

	/* One more: refused, the route untouched. */
	s.nnh = max + 1;
	s.nh[max] = self->na[1];
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rt_add(self->a.h, p, &s, INFINITE, 0, NULL, &out));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out));

	/* Another entity's next hop, as next hop or as neighbour. */
	s = spec(2, 2, NULL);
	s.nnh = 2;
	s.nh[0] = self->na[1];
	s.nh[1] = self->nb[0];
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rt_add(self->a.h, p, &s, INFINITE, 0, &other, &out));
	s = spec(2, 2, self->nb[0]);
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rt_add(self->a.h, p, &s, INFINITE, 0, &other, &out));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out));
	/* A deleted next hop of the caller's. */
	s = spec(2, 2, NULL);
	s.nnh = 1;
	s.nh[0] = dead;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rt_add(self->a.h, p, &s, INFINITE, 0, &other, &out));
	s = spec(2, 2, dead);
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rt_add(self->a.h, p, &s, INFINITE, 0, &other, &out));
	/* No next hop at all: garbage, another kind, another table's. */
	ASSERT_WIN(NO_ERROR, ent_register(&x, INST, other_fam, PROTO_A, 9, NULL));
	ASSERT_WIN(NO_ERROR, nh_add(x.h, host(other_fam, 10, 0, 0, 1), 1,
				    &foreign));
	{
		RTM_NEXTHOP_HANDLE bad[] = {
			mkhandle((4ULL << 56) | 0xfffffffffULL),
			handle_with_kind(self->na[0], 3),
			h,
			foreign,
		};

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			s = spec(2, 2, NULL);
			s.nnh = 1;
			s.nh[0] = bad[i];
			EXPECT_WIN(ERROR_INVALID_HANDLE,
				   rt_add(self->a.h, p, &s, INFINITE, 0,
					  &other, &out))
				TH_LOG("next hop %u", i);
			s = spec(2, 2, bad[i]);
			EXPECT_WIN(ERROR_INVALID_HANDLE,
				   rt_add(self->a.h, p, &s, INFINITE, 0,
					  &other, &out))
				TH_LOG("neighbour %u", i);
		}
	}
	EXPECT_EQ(NULL, other);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(x.h, 1, &foreign));
	EXPECT_WIN(NO_ERROR, ent_deregister(&x));
	EXPECT_TABLE(INST, self->fam, 1, 1, NA + NB + max + 1);
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, h, ri, NULL));
	EXPECT_EQ(max, ri->NextHopsList.NumNextHops);
	EXPECT_EQ(1U, ri->PrefInfo.Preference);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, ri));

	/* A next hop deleted under a route stays in it, DELETED. */
	EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, many[0], NULL));
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, h, ri, NULL));
	EXPECT_EQ(hval(many[0]), hval(ri->NextHopsList.NextHops[0]));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h,
					       ri->NextHopsList.NextHops[0],
					       &nhi));
	EXPECT_EQ(RTM_NEXTHOP_STATE_DELETED, nhi.State);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &nhi));
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, ri));
	EXPECT_TABLE(INST, self->fam, 1, 1, NA + NB + max + 1);
	/* ... until the route lets it go. */
	s = spec(1, 1, self->na[0]);
	EXPECT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 1, &dead));
	EXPECT_TABLE(INST, self->fam, 1, 1, NA + NB + max - 1);
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, h, &out));
	for (i = 1; i < max; i++)
		EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, many[i], NULL));
	EXPECT_STATS(&self->regd);
	free(ri);
}

/* Only the owner changes or deletes a route; anyone reads it. */
TEST_F(route, foreign_routes)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 8, 0, 0), got;
	RTM_ROUTE_HANDLE ra = NULL, rb = NULL, h;
	struct route_buf b;
	struct rspec s;
	DWORD out;

	REQUIRE_RTM();
	s = spec(10, 1, NULL);
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &ra, &out));

	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->b.h, ra, &b.ri, &got));
	EXPECT_EQ(hval(self->a.h), hval(b.ri.RouteOwner));
	EXPECT_TRUE(same_addr(&p, &got));
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->b.h, &b.ri));
	EXPECT_EQ((DWORD)RTM_VIEW_MASK_UCAST, best_in(self->b.h, ra));

	h = ra;
	s = spec(1, 1, NULL);
	EXPECT_WIN(ERROR_ACCESS_DENIED,
		   rt_add(self->b.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_WIN(ERROR_ACCESS_DENIED, RtmDeleteRouteToDest(self->b.h, ra, &out));
	/* Even when B holds it. */
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->b.h, 1, &ra));
	EXPECT_WIN(ERROR_ACCESS_DENIED, RtmDeleteRouteToDest(self->b.h, ra, &out));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->b.h, 1, &ra));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(self->b.h, 1, &ra));
	EXPECT_EQ(10U, route_pref(self->a.h, ra));

	/* B's add, by neighbour or FIRST, makes B's own route. */
	s = spec(20, 1, NULL);
	ASSERT_WIN(NO_ERROR, rt_add(self->b.h, p, &s, INFINITE,
				    RTM_ROUTE_CHANGE_FIRST, &rb, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_NEW, out);
	s = spec(21, 1, NULL);
	h = NULL;
	ASSERT_WIN(NO_ERROR, rt_add(self->b.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_EQ(hval(rb), hval(h));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->b.h, 1, &h));
	EXPECT_EQ(10U, route_pref(self->b.h, ra));
	EXPECT_EQ(21U, route_pref(self->a.h, rb));
	EXPECT_TABLE(INST, self->fam, 1, 2, NA + NB);

	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, ra, &out));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->b.h, rb, &out));
	EXPECT_STATS(&self->regd);
}

/* A deleted route stays readable through held handles, and its dest too. */
TEST_F(route, held_across_deletion)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 9, 0, 0);
	RTM_ROUTE_HANDLE r = NULL, h;
	RTM_DEST_INFO *d = di_alloc(1);
	RTM_DEST_HANDLE dh;
	struct route_buf b;
	struct rspec s = spec(3, 4, self->na[0]);
	RTM_VIEW_SET v;
	DWORD out;

	REQUIRE_RTM();
	ASSERT_NE(NULL, d);
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &r, &out));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	dh = d->DestHandle;
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &dh));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &r));

	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, r, &out));
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, r, &b.ri, NULL));
	EXPECT_EQ(RTM_ROUTE_STATE_DELETED, b.ri.State);
	EXPECT_EQ(3U, b.ri.PrefInfo.Preference);
	EXPECT_EQ(4U, b.ri.PrefInfo.Metric);
	EXPECT_EQ(hval(self->na[0]), hval(b.ri.Neighbour));
	EXPECT_EQ(hval(dh), hval(b.ri.DestHandle));
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, &b.ri));
	EXPECT_WIN(NO_ERROR, RtmIsBestRoute(self->a.h, r, &v));
	EXPECT_EQ(0U, v);
	/* It can be referenced, not deleted again nor updated. */
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &r));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &r));
	EXPECT_WIN(ERROR_NOT_FOUND, RtmDeleteRouteToDest(self->a.h, r, &out));
	h = r;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_TABLE(INST, self->fam, 1, 0, NA + NB);

	/* The dest is no query's answer any more, but its handle reads it. */
	EXPECT_WIN(ERROR_NOT_FOUND, RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	memset(d, 0, RTM_SIZE_OF_DEST_INFO(1));
	ASSERT_WIN(NO_ERROR, RtmGetDestInfo(self->a.h, dh, RTM_BEST_PROTOCOL,
					    RTM_VIEW_MASK_UCAST, d));
	EXPECT_EQ(hval(dh), hval(d->DestHandle));
	EXPECT_TRUE(same_addr(&p, &d->DestAddress));
	EXPECT_EQ(0U, d->BelongsToViews);
	EXPECT_EQ(1U, d->NumberOfViews);
	EXPECT_EQ(0U, d->ViewInfo[0].NumRoutes);
	EXPECT_EQ(NULL, d->ViewInfo[0].Route);
	EXPECT_EQ(NULL, d->ViewInfo[0].Owner);
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &r));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetRouteInfo(self->a.h, r, &b.ri,
							 NULL));

	/* A route to the prefix again brings back the same dest. */
	r = NULL;
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &r, &out));
	EXPECT_EQ((DWORD)NEW_BEST, out);
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, r, &b.ri, NULL));
	EXPECT_EQ(hval(dh), hval(b.ri.DestHandle));
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, &b.ri));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, r, &out));
	EXPECT_TABLE(INST, self->fam, 1, 0, NA + NB);
	/* A bare dest handle goes back with a dest info holding only it. */
	memset(d, 0, RTM_SIZE_OF_DEST_INFO(0));
	d->DestHandle = dh;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseDestInfo(self->a.h, d));
	EXPECT_TABLE(INST, self->fam, 0, 0, NA + NB);
	EXPECT_STATS(&self->regd);
	free(d);
}

/*
 * Every call that takes a route handle refuses a zero one, garbage, one of
 * the wrong kind, one of a route that is gone, and another table's.
 */
TEST_F(route, bad_handles)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 10, 0, 0), got;
	USHORT other_fam = self->fam == AF_INET ? AF_INET6 : AF_INET;
	RTM_ROUTE_HANDLE live = NULL, gone = NULL, foreign = NULL, bad[7], h;
	struct rspec s = spec(1, 1, NULL);
	struct route_buf b;
	RTM_VIEW_SET v;
	struct ent x;
	unsigned int i;
	DWORD out;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &live, &out));
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, pfx(self->fam, 16, 10, 11, 0, 0),
				    &s, INFINITE, 0, &gone, &out));
	ASSERT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, gone, &out));
	ASSERT_WIN(ERROR_INVALID_HANDLE, RtmGetRouteInfo(self->a.h, gone, NULL,
							 &got));
	ASSERT_WIN(NO_ERROR, ent_register(&x, INST, other_fam, PROTO_A, 9, NULL));
	ASSERT_WIN(NO_ERROR, rt_add(x.h, pfx(other_fam, 16, 10, 10, 0, 0), &s,
				    INFINITE, 0, &foreign, &out));

	bad[0] = NULL;
	bad[1] = mkhandle((3ULL << 56) | 0xfffffffffULL);
	bad[2] = handle_with_kind(live, 4);	/* a next hop's kind */
	bad[3] = handle_with_kind(live, HANDLE_KIND_ENTITY);
	bad[4] = handle_with_kind(live, 0);
	bad[5] = gone;
	bad[6] = foreign;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmGetRouteInfo(self->a.h, bad[i], &b.ri, &got))
			TH_LOG("handle %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmIsBestRoute(self->a.h, bad[i], &v))
			TH_LOG("handle %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmDeleteRouteToDest(self->a.h, bad[i], &out))
			TH_LOG("handle %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmReleaseRoutes(self->a.h, 1, &bad[i]))
			TH_LOG("handle %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmReferenceHandles(self->a.h, 1, &bad[i]))
			TH_LOG("handle %u", i);
		if (!bad[i])
			continue;	/* a NULL handle means "add" there */
		h = bad[i];
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   rt_add(self->a.h, p, &s, INFINITE, 0, &h, &out))
			TH_LOG("handle %u", i);
	}
	/* B holds no reference to release. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(self->b.h, 1, &live));

	/* A route info holding something not held: nothing is released. */
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->b.h, live, &b.ri, NULL));
	h = b.ri.RouteOwner;
	b.ri.RouteOwner = bad[1];
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRouteInfo(self->b.h, &b.ri));
	b.ri.RouteOwner = h;
	b.ri.NextHopsList.NumNextHops = self->b.prof.MaxNextHopsInRoute + 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmReleaseRouteInfo(self->b.h, &b.ri));
	b.ri.NextHopsList.NumNextHops = 0;
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->b.h, &b.ri));
	EXPECT_HOLDS(self->regd.holds + 2);	/* live (A), foreign (X) */

	EXPECT_TABLE(INST, self->fam, 1, 1, NA + NB);
	EXPECT_WIN(NO_ERROR, ent_deregister(&x));
	EXPECT_TABLE_EMPTY(INST, other_fam);
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, live, &out));
	EXPECT_STATS(&self->regd);
}

/*
 * RtmReferenceHandles takes one more reference to entity, dest, route and
 * next-hop handles, all or nothing; each goes back with its kind's release.
 */
TEST_F(route, reference_handles_every_kind)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 12, 0, 0);
	USHORT other_fam = self->fam == AF_INET ? AF_INET6 : AF_INET;
	RTM_ROUTE_LIST_HANDLE list = NULL;
	RTM_ROUTE_HANDLE r = NULL;
	RTM_DEST_INFO *d = di_alloc(1);
	RTM_ENTITY_HANDLE dead_entity;
	RTM_DEST_INFO bare;
	HANDLE four[4], five[5], one;
	struct rtm_stats st0;
	struct ent c, x;
	DWORD out;

	REQUIRE_RTM();
	ASSERT_NE(NULL, d);
	ASSERT_WIN(NO_ERROR, rt_simple(self->a.h, p, 1, 1, self->na[0], &r));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	ASSERT_EQ(0, read_stats(&st0));

	/* B holds none of them. */
	four[0] = self->a.h;
	four[1] = d->DestHandle;
	four[2] = r;
	four[3] = self->na[0];
	ASSERT_WIN(NO_ERROR, RtmReferenceHandles(self->b.h, 4, four));
	EXPECT_HOLDS(st0.holds + 4);
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(self->b.h, 1, &four[0]));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(self->b.h, 1, &four[0]));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->b.h, 1, &four[2]));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(self->b.h, 1, &four[2]));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->b.h, 1, &four[3]));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHops(self->b.h, 1, &four[3]));
	/* A bare dest handle goes back in a dest info holding only it. */
	memset(&bare, 0, sizeof(bare));
	bare.DestHandle = four[1];
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->b.h, &bare));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseDestInfo(self->b.h, &bare));
	EXPECT_HOLDS(st0.holds);

	/* Twice the same handle: two references. */
	one = r;
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->b.h, 1, &one));
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->b.h, 1, &one));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->b.h, 1, &one));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->b.h, 1, &one));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(self->b.h, 1, &one));

	/* One bad handle at the end: nothing is taken. */
	memcpy(five, four, sizeof(four));
	five[4] = mkhandle((3ULL << 56) | 0xfffffffffULL);
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReferenceHandles(self->b.h, 5, five));
	EXPECT_HOLDS(st0.holds);
	/* Kinds that are not reference counted: a route list. */
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(self->b.h, &list));
	one = list;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReferenceHandles(self->b.h, 1, &one));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteList(self->b.h, list));
	/* A dead entity, another table's entity. */
	ASSERT_WIN(NO_ERROR, ent_register(&c, INST, self->fam, PROTO_A, 2, NULL));
	dead_entity = c.h;
	ASSERT_WIN(NO_ERROR, ent_deregister(&c));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReferenceHandles(self->b.h, 1, &dead_entity));
	ASSERT_WIN(NO_ERROR, ent_register(&x, INST, other_fam, PROTO_A, 2, NULL));
	one = x.h;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReferenceHandles(self->b.h, 1, &one));
	EXPECT_WIN(NO_ERROR, ent_deregister(&x));
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->b.h, 0, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmReferenceHandles(self->b.h, 1, NULL));
	EXPECT_HOLDS(st0.holds);

	/* A deleted route that is still held can be referenced. */
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->b.h, 1, &four[2]));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, r, &out));
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->b.h, 1, &four[2]));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->b.h, 1, &four[2]));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->b.h, 1, &four[2]));
	/* A's dest info holds it too (as the best route it was). */
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReferenceHandles(self->b.h, 1,
							     &four[2]));
	EXPECT_STATS(&self->regd);
	free(d);
}

/* What a route info holds goes back with RtmReleaseRouteInfo. */
TEST_F(route, route_info_references)
{
	UINT max = self->a.prof.MaxNextHopsInRoute, i;
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 13, 0, 0), got;
	RTM_NEXTHOP_HANDLE many[MAX_TEST_HOPS];
	RTM_ROUTE_INFO *ri = ri_alloc(&self->b.prof);
	RTM_ROUTE_HANDLE r = NULL;
	struct rtm_stats st0;
	struct rspec s;
	DWORD out;

	REQUIRE_RTM();
	ASSERT_NE(NULL, ri);
	ASSERT_GE((UINT)MAX_TEST_HOPS, max);
	for (i = 0; i < max; i++)
		ASSERT_WIN(NO_ERROR, nh_add(self->a.h,
					    host(self->fam, 10, 0, 5, i + 1),
					    200 + i, &many[i]));
	s = spec(1, 1, self->na[0]);
	s.nnh = max;
	memcpy(s.nh, many, max * sizeof(many[0]));
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, INFINITE, 0, &r, &out));
	ASSERT_EQ(0, read_stats(&st0));

	/* B holds: the dest, A, the neighbour and every next hop. */
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->b.h, r, ri, NULL));
	EXPECT_TRUE(guard_intact(ri, ri_size(&self->b.prof)));
	EXPECT_HOLDS(st0.holds + 3 + max);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->b.h, ri));
	EXPECT_HOLDS(st0.holds);
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRouteInfo(self->b.h, ri));
	EXPECT_HOLDS(st0.holds);
	/* Twice read, twice released. */
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->b.h, r, ri, NULL));
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->b.h, r, ri, NULL));
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->b.h, ri));
	EXPECT_HOLDS(st0.holds + 3 + max);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->b.h, ri));
	EXPECT_HOLDS(st0.holds);
	/* The prefix alone holds nothing. */
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->b.h, r, NULL, &got));
	EXPECT_TRUE(same_addr(&p, &got));
	EXPECT_HOLDS(st0.holds);

	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, r, &out));
	for (i = 0; i < max; i++)
		EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, many[i], NULL));
	EXPECT_STATS(&self->regd);
	free(ri);
}

/*
 * RtmDeregisterEntity deletes the entity's routes (and next hops) and the
 * best routes are chosen again; a handle another entity holds still reads
 * the route, DELETED.
 */
TEST_F(route, deregistration_recomputes_best)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 14, 0, 0);
	RTM_NET_ADDRESS p2 = pfx(self->fam, 24, 10, 14, 1, 0);
	RTM_ROUTE_HANDLE ra = NULL, rb = NULL, rb2 = NULL;
	struct route_buf b;
	UINT n;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, rt_simple(self->a.h, p, 10, 1, self->na[0], &ra));
	ASSERT_WIN(NO_ERROR, rt_simple(self->b.h, p, 5, 1, self->nb[0], &rb));
	ASSERT_WIN(NO_ERROR, rt_simple(self->b.h, p2, 5, 1, self->nb[1], &rb2));
	EXPECT_EQ(hval(rb), hval(ucast_best(self->a.h, p, &n)));
	EXPECT_EQ(2U, n);
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &rb));
	EXPECT_TABLE(INST, self->fam, 2, 3, NA + NB);

	EXPECT_WIN(NO_ERROR, ent_deregister(&self->b));
	EXPECT_EQ(hval(ra), hval(ucast_best(self->a.h, p, &n)));
	EXPECT_EQ(1U, n);
	EXPECT_EQ((DWORD)RTM_VIEW_MASK_UCAST, best_in(self->a.h, ra));
	EXPECT_EQ(NULL, ucast_best(self->a.h, p2, NULL));
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, rb, &b.ri, NULL));
	EXPECT_EQ(RTM_ROUTE_STATE_DELETED, b.ri.State);
	EXPECT_EQ(hval(self->b.h), hval(b.ri.RouteOwner));
	EXPECT_EQ(5U, b.ri.PrefInfo.Preference);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, &b.ri));
	EXPECT_EQ(0U, best_in(self->a.h, rb));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetRouteInfo(self->a.h, rb2, &b.ri,
							 NULL));
	/* B's next hops went too (one is kept by the route A holds). */
	EXPECT_TABLE(INST, self->fam, 1, 1, NA + 1);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &rb));
	EXPECT_TABLE(INST, self->fam, 1, 1, NA);

	EXPECT_WIN(NO_ERROR, ent_deregister(&self->a));
	EXPECT_TABLE_EMPTY(INST, self->fam);
}

/* ------------------------------------------------------------------ */
/* Two processes                                                        */
/* ------------------------------------------------------------------ */

struct share_arg {
	USHORT fam;
	RTM_NET_ADDRESS dest;
	bool busy;		/* churn until killed instead of exiting */
};

/*
 * The peer: register, add a route (preference 1) to the shared dest and
 * report its handle (1) and the entity's (2); on 3 make the route worse
 * (preference 50) and report (4); then on 5 exit without deregistering,
 * or, busy, update the route until killed (6 once running).
 */
static int peer_share(int rd, int wr, void *p)
{
	struct share_arg *a = p;
	RTM_NEXTHOP_HANDLE nh = NULL;
	RTM_ROUTE_HANDLE r = NULL, h;
	struct rspec s;
	struct ent e;
	struct msg m;
	unsigned long i;
	DWORD st, out;

	st = ent_register(&e, INST, a->fam, PROTO_P, 1, NULL);
	if (st == NO_ERROR)
		st = nh_add(e.h, host(a->fam, 10, 0, 9, 9), 9, &nh);
	if (st == NO_ERROR)
		st = rt_simple(e.h, a->dest, 1, 1, nh, &r);
	PEER_CHECK(msg_send(wr, 1, st, hval(r)) == 0);
	PEER_CHECK(st == NO_ERROR);
	PEER_CHECK(msg_send(wr, 2, st, hval(e.h)) == 0);

	PEER_CHECK(msg_expect(rd, 3, &m) == 0);
	memset(&s, 0, sizeof(s));
	s.pref = 50;
	s.nnh = 1;
	s.nh[0] = nh;
	h = r;
	st = rt_add(e.h, a->dest, &s, INFINITE, 0, &h, &out);
	PEER_CHECK(msg_send(wr, 4, st, out) == 0);

	if (!a->busy) {
		PEER_CHECK(msg_expect(rd, 5, &m) == 0);
		return 0;
	}
	for (i = 0;; i++) {
		s.metric = i & 1;
		h = r;
		PEER_CHECK(rt_add(e.h, a->dest, &s, INFINITE, 0, &h, &out) ==
			   NO_ERROR);
		if (i == 20)
			PEER_CHECK(msg_send(wr, 6, 0, 0) == 0);
	}
	return 1;
}

static void share_dest(struct __test_metadata *_metadata,
		       FIXTURE_DATA(route) *self, bool busy)
{
	struct share_arg arg = {
		.fam = self->fam,
		.dest = pfx(self->fam, 16, 10, 15, 0, 0),
		.busy = busy,
	};
	RTM_ROUTE_HANDLE ra = NULL, rp, h;
	RTM_ENTITY_HANDLE pe;
	RTM_ENTITY_INFO pinfo;
	struct route_buf b;
	struct peer peer;
	struct rspec s;
	struct msg m;
	UINT n;
	DWORD out;

	ASSERT_WIN(NO_ERROR, rt_simple(self->a.h, arg.dest, 10, 1, self->na[0],
				       &ra));
	ASSERT_EQ(0, peer_start(&peer, peer_share, &arg));
	ASSERT_EQ(0, msg_expect(peer.rd, 1, &m));
	ASSERT_WIN(NO_ERROR, m.status);
	rp = mkhandle(m.value);
	ASSERT_EQ(0, msg_expect(peer.rd, 2, &m));
	pe = mkhandle(m.value);

	/* One dest, two routes, the peer's best. */
	EXPECT_EQ(hval(rp), hval(ucast_best(self->a.h, arg.dest, &n)));
	EXPECT_EQ(2U, n);
	EXPECT_EQ(0U, best_in(self->a.h, ra));
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, rp, &b.ri, NULL));
	EXPECT_EQ(hval(pe), hval(b.ri.RouteOwner));
	EXPECT_EQ(1U, b.ri.PrefInfo.Preference);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, &b.ri));
	ASSERT_WIN(NO_ERROR, RtmGetEntityInfo(self->a.h, pe, &pinfo));
	EXPECT_EQ((ULONG)PROTO_P, pinfo.EntityId.EntityProtocolId);
	EXPECT_TABLE(INST, self->fam, 1, 2, NA + NB + 1);
	/* Not ours to change. */
	EXPECT_WIN(ERROR_ACCESS_DENIED, RtmDeleteRouteToDest(self->a.h, rp, &out));
	h = rp;
	s = spec(100, 1, NULL);
	EXPECT_WIN(ERROR_ACCESS_DENIED,
		   rt_add(self->a.h, arg.dest, &s, INFINITE, 0, &h, &out));
	/* Kept across the peer's end. */
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &rp));

	/* The peer's change is seen here at once. */
	ASSERT_EQ(0, msg_send(peer.wr, 3, 0, 0));
	ASSERT_EQ(0, msg_expect(peer.rd, 4, &m));
	EXPECT_WIN(NO_ERROR, m.status);
	EXPECT_EQ((uint64_t)RTM_ROUTE_CHANGE_BEST, m.value);
	EXPECT_EQ(hval(ra), hval(ucast_best(self->a.h, arg.dest, NULL)));
	EXPECT_EQ(50U, route_pref(self->a.h, rp));

	if (busy) {
		ASSERT_EQ(0, msg_expect(peer.rd, 6, &m));
		ASSERT_EQ(0, kill(peer.pid, SIGKILL));
		EXPECT_EQ(128 + SIGKILL, peer_wait(&peer, WAIT_MS));
	} else {
		ASSERT_EQ(0, msg_send(peer.wr, 5, 0, 0));
		EXPECT_EQ(0, peer_wait(&peer, WAIT_MS));
	}

	/* Its file closed: its route and next hop are gone. */
	EXPECT_TABLE(INST, self->fam, 1, 1, NA + NB + 1);
	EXPECT_EQ(hval(ra), hval(ucast_best(self->a.h, arg.dest, &n)));
	EXPECT_EQ(1U, n);
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, rp, &b.ri, NULL));
	EXPECT_EQ(RTM_ROUTE_STATE_DELETED, b.ri.State);
	EXPECT_EQ(hval(pe), hval(b.ri.RouteOwner));
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, &b.ri));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetEntityInfo(self->a.h, pe, &pinfo));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &rp));
	EXPECT_TABLE(INST, self->fam, 1, 1, NA + NB);
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, ra, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	EXPECT_STATS(&self->regd);
}

TEST_F(route, two_processes_share_a_dest)
{
	REQUIRE_RTM();
	share_dest(_metadata, self, false);
}

TEST_F(route, peer_killed_while_busy)
{
	REQUIRE_RTM();
	share_dest(_metadata, self, true);
}

TEST_HARNESS_MAIN
