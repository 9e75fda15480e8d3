// SPDX-License-Identifier: GPL-2.0
/*
 * The bulk helpers of rtm_bulk.h: rtm_bulk_add_routes,
 * rtm_bulk_delete_routes, rtm_bulk_lookup and rtm_bulk_dump.  Routes added in bulk are
 * the routes RtmAddRouteToDest makes (matched by dest and neighbour, read
 * back with the RTMv2 calls), a failing entry stops the batch with what
 * came before it applied and *done saying how far it got, lookups are
 * longest-prefix matches in one view reporting the best route, and
 * batches longer than one system call take behave as one.  No handle is
 * taken by any of them.
 *
 * Every test uses RTM instance INST, which no other test program uses.
 */
#include "kselftest_harness.h"
#include "rtm_selftest.h"
#include "route_helpers.h"

#define INST		14
#define PROTO_A		0x7b00
#define PROTO_B		0x7c00

#define NNH		3

FIXTURE(bulk) {
	USHORT fam;
	bool ready;
	struct rtm_stats base;
	struct rtm_stats regd;
	struct ent a, b;
	RTM_NEXTHOP_HANDLE nh[NNH], nb;
};

FIXTURE_VARIANT(bulk) {
	USHORT fam;
};

FIXTURE_VARIANT_ADD(bulk, ipv4) {
	.fam = AF_INET,
};

FIXTURE_VARIANT_ADD(bulk, ipv6) {
	.fam = AF_INET6,
};

FIXTURE_SETUP(bulk)
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
	for (i = 0; i < NNH; i++)
		ASSERT_WIN(NO_ERROR, nh_add(self->a.h,
					    host(self->fam, 10, 0, 0, i + 1),
					    i + 1, &self->nh[i]));
	ASSERT_WIN(NO_ERROR, nh_add(self->b.h, host(self->fam, 10, 0, 0, 9), 9,
				    &self->nb));
	ASSERT_EQ(0, read_stats(&self->regd));
	self->ready = true;
}

FIXTURE_TEARDOWN(bulk)
{
	if (!self->ready)
		return;
	EXPECT_WIN(NO_ERROR, ent_deregister(&self->a));
	EXPECT_WIN(NO_ERROR, ent_deregister(&self->b));
	EXPECT_STATS(&self->base);
	EXPECT_TABLE_EMPTY(INST, self->fam);
}

static struct rtm_route_entry entry(RTM_NET_ADDRESS dest, ULONG pref,
				    ULONG metric, RTM_VIEW_SET views,
				    USHORT flags, unsigned int first,
				    unsigned int count,
				    RTM_NEXTHOP_HANDLE neighbour, uint64_t esi)
{
	struct rtm_route_entry e;

	memset(&e, 0, sizeof(e));
	memcpy(&e.dest, &dest, sizeof(e.dest));
	e.preference = pref;
	e.metric = metric;
	e.views = views;
	e.flags = flags;
	e.nexthop_first = first;
	e.nexthop_count = count;
	e.neighbour = hval(neighbour);
	e.entity_specific_info = esi;
	return e;
}

static RTM_NET_ADDRESS dest_of(const struct rtm_route_entry *e)
{
	RTM_NET_ADDRESS a;

	memcpy(&a, &e->dest, sizeof(a));
	return a;
}

/* The caller's route on the exact dest of @e with @e's neighbour. */
static DWORD find(RTM_ENTITY_HANDLE h, const struct rtm_route_entry *e,
		  struct route_buf *b)
{
	RTM_NET_ADDRESS a = dest_of(e);

	memset(b, 0, sizeof(*b));
	b->ri.RouteOwner = h;
	b->ri.Neighbour = mkhandle(e->neighbour);
	return RtmGetExactMatchRoute(h, &a,
				     RTM_MATCH_OWNER | RTM_MATCH_NEIGHBOUR,
				     &b->ri, 0, RTM_VIEW_MASK_ALL, NULL);
}

/* The route of @e reads back as @e says, with next hops from @nh. */
static void check_route(struct __test_metadata *_metadata,
			RTM_ENTITY_HANDLE h, const struct rtm_route_entry *e,
			const RTM_NEXTHOP_HANDLE *nh)
{
	struct route_buf b;
	unsigned int i;

	ASSERT_WIN(NO_ERROR, find(h, e, &b));
	EXPECT_EQ(hval(h), hval(b.ri.RouteOwner));
	EXPECT_EQ(RTM_ROUTE_STATE_CREATED, b.ri.State);
	EXPECT_EQ(e->preference, b.ri.PrefInfo.Preference);
	EXPECT_EQ(e->metric, b.ri.PrefInfo.Metric);
	EXPECT_EQ(e->views, b.ri.BelongsToViews);
	EXPECT_EQ(e->flags, b.ri.Flags);
	EXPECT_EQ(e->neighbour, hval(b.ri.Neighbour));
	EXPECT_EQ(e->entity_specific_info,
		  (uint64_t)(uintptr_t)b.ri.EntitySpecificInfo);
	ASSERT_EQ(e->nexthop_count, b.ri.NextHopsList.NumNextHops);
	for (i = 0; i < e->nexthop_count; i++) {
		EXPECT_EQ(hval(nh[e->nexthop_first + i]),
			  hval(hops_of(&b.ri)[i]));
	}
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(h, &b.ri));
}

/* ------------------------------------------------------------------ */

TEST_F(bulk, add_lookup_update_delete)
{
	USHORT fam = self->fam, bits = fam_bits(fam);
	USHORT other = fam == AF_INET ? AF_INET6 : AF_INET;
	struct rtm_route_entry e[4], again, eb;
	RTM_ROUTE_HANDLE rb = NULL, rapi = NULL;
	struct rspec s;
	struct {
		RTM_NET_ADDRESS q;
		RTM_VIEW_ID view;
		USHORT bits;		/* 0xffff: no route */
		int entry;		/* whose route, -1: B's */
	} look[] = {
		{ host(fam, 10, 1, 2, 3), RTM_VIEW_ID_UCAST, bits, 3 },
		{ host(fam, 10, 1, 2, 4), RTM_VIEW_ID_UCAST, 16, 1 },
		{ host(fam, 10, 1, 2, 4), RTM_VIEW_ID_MCAST, 24, 2 },
		{ host(fam, 10, 1, 9, 4), RTM_VIEW_ID_MCAST, 16, 1 },
		{ host(fam, 10, 9, 9, 9), RTM_VIEW_ID_UCAST, 8, 0 },
		{ host(fam, 10, 9, 9, 9), RTM_VIEW_ID_MCAST, 0xffff, 0 },
		{ host(fam, 11, 0, 0, 1), RTM_VIEW_ID_UCAST, 0xffff, 0 },
		{ pfx(fam, 16, 10, 1, 0, 0), RTM_VIEW_ID_UCAST, 16, 1 },
		{ pfx(fam, 16, 10, 1, 2, 0), RTM_VIEW_ID_MCAST, 16, 1 },
		{ pfx(fam, 7, 10, 0, 0, 0), RTM_VIEW_ID_UCAST, 0xffff, 0 },
		{ host(other, 10, 1, 2, 3), RTM_VIEW_ID_UCAST, 0xffff, 0 },
		{ pfx(fam, bits + 1, 10, 1, 2, 3), RTM_VIEW_ID_UCAST, 0xffff, 0 },
	};
	const unsigned int nlook = ARRAY_SIZE(look);
	RTM_NET_ADDRESS addrs[ARRAY_SIZE(look)];
	struct rtm_lookup_result *res;
	struct route_buf b;
	size_t done;
	unsigned int i;
	DWORD out;

	REQUIRE_RTM();
	e[0] = entry(pfx(fam, 8, 10, 0, 0, 0), 30, 3, RTM_VIEW_MASK_UCAST, 0,
		     0, 1, NULL, 1);
	e[1] = entry(pfx(fam, 16, 10, 1, 7, 7), 20, 2,
		     RTM_VIEW_MASK_UCAST | RTM_VIEW_MASK_MCAST,
		     RTM_ROUTE_FLAGS_LOCAL, 1, 2, self->nh[1], 2);
	e[2] = entry(pfx(fam, 24, 10, 1, 2, 0), 10, 1, RTM_VIEW_MASK_MCAST,
		     RTM_ROUTE_FLAGS_REMOTE, 2, 1, NULL, 3);
	e[3] = entry(host(fam, 10, 1, 2, 3), 5, 0, RTM_VIEW_MASK_UCAST, 0, 0,
		     0, NULL, 4);

	done = 99;
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(self->a.h, e, 4, self->nh,
						 NNH, &done));
	EXPECT_EQ(4U, done);
	EXPECT_TABLE(INST, fam, 4, 4, NNH + 1);
	EXPECT_HOLDS(self->regd.holds);
	for (i = 0; i < 4; i++)
		check_route(_metadata, self->a.h, &e[i], self->nh);
	/* Host bits of e[1]'s dest were masked. */
	{
		RTM_NET_ADDRESS want = pfx(fam, 16, 10, 1, 0, 0);

		memset(&b, 0, sizeof(b));
		EXPECT_WIN(NO_ERROR, RtmGetExactMatchRoute(self->a.h, &want,
				RTM_MATCH_NONE, &b.ri, 0, RTM_VIEW_MASK_ALL,
				NULL));
		EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, &b.ri));
	}

	/* Lookups. */
	res = guarded_alloc(nlook * sizeof(*res));
	ASSERT_NE(NULL, res);
	for (i = 0; i < nlook; i++)
		addrs[i] = look[i].q;
	for (i = 0; i < nlook; i++) {
		/* One at a time, in the view asked. */
		memset(&res[i], 0x5a, sizeof(res[i]));
		ASSERT_WIN(NO_ERROR, rtm_bulk_lookup(self->a.h, look[i].view,
						     &addrs[i], &res[i], 1));
		EXPECT_EQ(look[i].bits, res[i].num_bits) TH_LOG("lookup %u", i);
		if (look[i].bits == 0xffff) {
			EXPECT_EQ(0, res[i].nexthop_count);
			EXPECT_EQ(0U, res[i].preference);
			EXPECT_EQ(0U, res[i].protocol_id);
			continue;
		}
		{
			const struct rtm_route_entry *w = &e[look[i].entry];
			RTM_NEXTHOP_INFO ni;

			EXPECT_EQ(w->preference, res[i].preference)
				TH_LOG("lookup %u", i);
			EXPECT_EQ(w->metric, res[i].metric);
			EXPECT_EQ(w->flags, res[i].route_flags);
			EXPECT_EQ(w->nexthop_count, res[i].nexthop_count);
			EXPECT_EQ((ULONG)PROTO_A, res[i].protocol_id);
			if (!w->nexthop_count) {
				EXPECT_EQ(0U, res[i].interface_index);
				continue;
			}
			ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h,
					self->nh[w->nexthop_first], &ni));
			EXPECT_EQ(ni.InterfaceIndex, res[i].interface_index);
			EXPECT_EQ(ni.Flags, res[i].nexthop_flags);
			EXPECT_EQ(0, memcmp(&ni.NextHopAddress, &res[i].nexthop,
					    sizeof(ni.NextHopAddress)))
				TH_LOG("lookup %u: first next hop's address", i);
			EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h,
								   &ni));
		}
	}
	/* All unicast ones at once give the same answers. */
	{
		struct rtm_lookup_result one;

		memset(res, 0x5a, nlook * sizeof(*res));
		ASSERT_WIN(NO_ERROR, rtm_bulk_lookup(self->a.h,
				RTM_VIEW_ID_UCAST, addrs, res, nlook));
		EXPECT_TRUE(guard_intact(res, nlook * sizeof(*res)));
		for (i = 0; i < nlook; i++) {
			ASSERT_WIN(NO_ERROR, rtm_bulk_lookup(self->a.h,
					RTM_VIEW_ID_UCAST, &addrs[i], &one, 1));
			EXPECT_EQ(0, memcmp(&one, &res[i], sizeof(one)))
				TH_LOG("lookup %u alone and in the batch", i);
		}
	}
	EXPECT_WIN(ERROR_NOT_SUPPORTED, rtm_bulk_lookup(self->a.h, 2, addrs,
							res, 1));
	EXPECT_WIN(ERROR_NOT_SUPPORTED, rtm_bulk_lookup(self->a.h, -1, addrs,
							res, 1));
	EXPECT_HOLDS(self->regd.holds);

	/* The lookup reports the best route: B's better one on 10/8. */
	ASSERT_WIN(NO_ERROR, rt_simple(self->b.h, pfx(fam, 8, 10, 0, 0, 0), 1, 1,
				       self->nb, &rb));
	ASSERT_WIN(NO_ERROR, rtm_bulk_lookup(self->a.h, RTM_VIEW_ID_UCAST,
					     &addrs[4], &res[4], 1));
	EXPECT_EQ(8, res[4].num_bits);
	EXPECT_EQ((ULONG)PROTO_B, res[4].protocol_id);
	EXPECT_EQ(1U, res[4].preference);
	EXPECT_EQ(9U, res[4].interface_index);
	EXPECT_EQ(0, res[4].nexthop_flags);
	/* The first next hop's flags: B's, made remote, then direct again. */
	for (i = 0; i < 2; i++) {
		RTM_NEXTHOP_CHANGE_FLAGS chg = 0;
		RTM_NEXTHOP_HANDLE again = NULL;
		RTM_NEXTHOP_INFO ni;

		ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->b.h, self->nb,
						       &ni));
		ni.Flags = i ? 0 : RTM_NEXTHOP_FLAGS_REMOTE;
		ASSERT_WIN(NO_ERROR, RtmAddNextHop(self->b.h, &ni, &again,
						   &chg));
		EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->b.h, &ni));
		EXPECT_EQ(self->nb, again);
		EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->b.h, 1, &again));
		ASSERT_WIN(NO_ERROR, rtm_bulk_lookup(self->a.h,
				RTM_VIEW_ID_UCAST, &addrs[4], &res[4], 1));
		EXPECT_EQ(i ? 0 : RTM_NEXTHOP_FLAGS_REMOTE,
			  res[4].nexthop_flags);
		EXPECT_EQ(9U, res[4].interface_index);
	}

	/* Adding again updates (same dest and neighbour), never duplicates. */
	e[0].preference = 40;
	done = 0;
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(self->a.h, e, 4, self->nh,
						 NNH, &done));
	EXPECT_EQ(4U, done);
	EXPECT_TABLE(INST, fam, 4, 5, NNH + 1);
	check_route(_metadata, self->a.h, &e[0], self->nh);
	/* ... a route made with RtmAddRouteToDest with the same neighbour. */
	memset(&s, 0, sizeof(s));
	s.pref = 50;
	s.neighbour = self->nh[0];
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, dest_of(&e[2]), &s, INFINITE, 0,
				    &rapi, &out));
	/* The first unicast route there. */
	EXPECT_EQ((DWORD)(RTM_ROUTE_CHANGE_NEW | RTM_ROUTE_CHANGE_BEST), out);
	again = entry(dest_of(&e[2]), 60, 6, RTM_VIEW_MASK_UCAST, 0, 0, 1,
		      self->nh[0], 0);
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(self->a.h, &again, 1,
			self->nh, NNH, &done));
	EXPECT_EQ(1U, done);
	EXPECT_TABLE(INST, fam, 4, 6, NNH + 1);
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, rapi, &b.ri,
					     NULL));
	EXPECT_EQ(60U, b.ri.PrefInfo.Preference);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, &b.ri));
	check_route(_metadata, self->a.h, &e[2], self->nh);

	/* Delete by dest and neighbour. */
	ASSERT_WIN(NO_ERROR, rtm_bulk_delete_routes(self->a.h, &again, 1,
						    &done));
	EXPECT_EQ(1U, done);
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, rapi, &b.ri,
					     NULL));
	EXPECT_EQ(RTM_ROUTE_STATE_DELETED, b.ri.State);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, &b.ri));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &rapi));

	/* Delete: only the caller's routes (B's /8 stays). */
	done = 99;
	ASSERT_WIN(NO_ERROR, rtm_bulk_delete_routes(self->a.h, e, 4, &done));
	EXPECT_EQ(4U, done);
	EXPECT_TABLE(INST, fam, 1, 1, NNH + 1);
	done = 99;
	EXPECT_WIN(ERROR_NOT_FOUND, rtm_bulk_delete_routes(self->a.h, e, 4,
							   &done));
	EXPECT_EQ(0U, done);
	ASSERT_WIN(NO_ERROR, rtm_bulk_lookup(self->a.h, RTM_VIEW_ID_UCAST,
					     addrs, res, nlook));
	for (i = 0; i < nlook; i++) {
		EXPECT_EQ(look[i].q.AddressFamily == fam &&
			  look[i].q.NumBits <= bits && look[i].q.NumBits >= 8 &&
			  look[i].q.AddrBits[0] == 10 ? 8 : 0xffff,
			  res[i].num_bits) TH_LOG("lookup %u", i);
	}
	/* B's route cannot be deleted by A in bulk either. */
	eb = entry(pfx(fam, 8, 10, 0, 0, 0), 0, 0, 0, 0, 0, 0, NULL, 0);
	EXPECT_WIN(ERROR_NOT_FOUND, rtm_bulk_delete_routes(self->a.h,
			&eb, 1, &done));
	EXPECT_WIN(NO_ERROR, rtm_bulk_delete_routes(self->b.h, &eb, 1,
						    &done));
	/* A bulk delete consumes no handle. */
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->b.h, 1, &rb));
	EXPECT_TABLE(INST, fam, 0, 0, NNH + 1);
	EXPECT_STATS(&self->regd);
	free(res);
}

/* A bad entry stops the batch; what came before it stays applied. */
TEST_F(bulk, partial_failures)
{
	USHORT fam = self->fam, bits = fam_bits(fam);
	USHORT other = fam == AF_INET ? AF_INET6 : AF_INET;
	UINT max = self->a.prof.MaxNextHopsInRoute;
	struct rtm_route_entry e[4], bad[8], d3[3];
	RTM_NEXTHOP_HANDLE arr[NNH + 1], dead = NULL;
	struct route_buf b;
	unsigned int i;
	size_t done;

	REQUIRE_RTM();
	for (i = 0; i < 4; i++)
		e[i] = entry(pfx(fam, 16, 10, i, 0, 0), 10 + i, i,
			     RTM_VIEW_MASK_UCAST, 0, 0, 1, NULL, i);

	/* Bad entries, each behind a good one. */
	bad[0] = e[1];
	bad[0].views = 0;
	bad[1] = e[1];
	bad[1].views = 0x4;
	bad[2] = e[1];
	bad[2].nexthop_first = NNH;
	bad[3] = e[1];
	bad[3].nexthop_first = 1;
	bad[3].nexthop_count = NNH;
	bad[4] = e[1];
	bad[4].nexthop_count = max + 1;
	bad[5] = e[1];
	bad[5].neighbour = hval(self->nb);	/* not in the batch */
	bad[6] = e[1];
	bad[6].dest.family = other;
	bad[7] = e[1];
	bad[7].dest.num_bits = bits + 1;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct rtm_route_entry two[2] = { e[0], bad[i] };

		done = 99;
		EXPECT_WIN(ERROR_INVALID_PARAMETER,
			   rtm_bulk_add_routes(self->a.h, two, 2, self->nh, NNH,
					       &done)) TH_LOG("bad entry %u", i);
		EXPECT_EQ(1U, done) TH_LOG("bad entry %u", i);
		EXPECT_TABLE(INST, fam, 1, 1, NNH + 1);
		EXPECT_WIN(ERROR_NOT_FOUND, find(self->a.h, &e[1], &b));
	}

	/* In the middle of a batch. */
	e[2].views = 0;
	done = 99;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rtm_bulk_add_routes(self->a.h, e, 4, self->nh, NNH, &done));
	EXPECT_EQ(2U, done);
	EXPECT_TABLE(INST, fam, 2, 2, NNH + 1);
	check_route(_metadata, self->a.h, &e[1], self->nh);
	EXPECT_WIN(ERROR_NOT_FOUND, find(self->a.h, &e[3], &b));
	e[2].views = RTM_VIEW_MASK_UCAST;

	/* Next-hop arrays that are no good: nothing happens at all. */
	ASSERT_WIN(NO_ERROR, nh_add(self->a.h, host(fam, 10, 0, 0, 8), 8, &dead));
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &dead));
	ASSERT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, dead, NULL));
	memcpy(arr, self->nh, sizeof(self->nh));
	arr[NNH] = self->nb;		/* B's */
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rtm_bulk_add_routes(self->a.h, &e[3], 1, arr, NNH + 1, &done));
	EXPECT_EQ(0U, done);
	arr[NNH] = dead;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rtm_bulk_add_routes(self->a.h, &e[3], 1, arr, NNH + 1, &done));
	arr[NNH] = mkhandle((4ULL << 56) | 0xfffffffffULL);
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   rtm_bulk_add_routes(self->a.h, &e[3], 1, arr, NNH + 1, &done));
	arr[NNH] = handle_with_kind(self->nh[0], 3);
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   rtm_bulk_add_routes(self->a.h, &e[3], 1, arr, NNH + 1, &done));
	EXPECT_EQ(0U, done);
	EXPECT_TABLE(INST, fam, 2, 2, NNH + 2);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 1, &dead));

	/* Deletes stop at the first entry that names no route. */
	d3[0] = e[0];
	d3[1] = e[3];
	d3[2] = e[1];
	done = 99;
	EXPECT_WIN(ERROR_NOT_FOUND,
		   rtm_bulk_delete_routes(self->a.h, d3, 3, &done));
	EXPECT_EQ(1U, done);
	EXPECT_WIN(ERROR_NOT_FOUND, find(self->a.h, &e[0], &b));
	check_route(_metadata, self->a.h, &e[1], self->nh);
	/* The wrong neighbour names no route. */
	d3[2].neighbour = hval(self->nh[0]);
	EXPECT_WIN(ERROR_NOT_FOUND,
		   rtm_bulk_delete_routes(self->a.h, &d3[2], 1, &done));
	EXPECT_EQ(0U, done);
	d3[2].dest.num_bits = bits + 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rtm_bulk_delete_routes(self->a.h, &d3[2], 1, &done));
	EXPECT_WIN(NO_ERROR,
		   rtm_bulk_delete_routes(self->a.h, &e[1], 1, &done));
	EXPECT_EQ(1U, done);
	EXPECT_TABLE(INST, fam, 0, 0, NNH + 1);
	EXPECT_STATS(&self->regd);
}

TEST_F(bulk, bad_calls)
{
	RTM_ENTITY_HANDLE bogus = mkhandle(((uint64_t)HANDLE_KIND_ENTITY << 56) |
					   0xabcdef);
	struct rtm_route_entry e = entry(pfx(self->fam, 16, 10, 1, 0, 0), 1, 1,
					 RTM_VIEW_MASK_UCAST, 0, 0, 0, NULL, 0);
	RTM_NET_ADDRESS q = host(self->fam, 10, 1, 1, 1);
	struct rtm_lookup_result res;
	size_t done;

	REQUIRE_RTM();
	done = 99;
	EXPECT_WIN(NO_ERROR, rtm_bulk_add_routes(self->a.h, &e, 0, NULL, 0,
						 &done));
	EXPECT_EQ(0U, done);
	EXPECT_WIN(NO_ERROR, rtm_bulk_delete_routes(self->a.h, &e, 0, &done));
	EXPECT_WIN(NO_ERROR, rtm_bulk_lookup(self->a.h, RTM_VIEW_ID_UCAST, NULL,
					     NULL, 0));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rtm_bulk_add_routes(self->a.h, NULL, 1, NULL, 0, &done));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rtm_bulk_add_routes(self->a.h, &e, 1, NULL, 1, &done));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rtm_bulk_delete_routes(self->a.h, NULL, 1, &done));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rtm_bulk_lookup(self->a.h, RTM_VIEW_ID_UCAST, NULL, &res, 1));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rtm_bulk_lookup(self->a.h, RTM_VIEW_ID_UCAST, &q, NULL, 1));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   rtm_bulk_add_routes(bogus, &e, 1, NULL, 0, &done));
	EXPECT_EQ(0U, done);
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   rtm_bulk_delete_routes(bogus, &e, 1, &done));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   rtm_bulk_lookup(bogus, RTM_VIEW_ID_UCAST, &q, &res, 1));
	EXPECT_TABLE(INST, self->fam, 0, 0, NNH + 1);
	/* done is optional. */
	EXPECT_WIN(NO_ERROR, rtm_bulk_add_routes(self->a.h, &e, 1, NULL, 0,
						 NULL));
	EXPECT_WIN(NO_ERROR, rtm_bulk_lookup(self->a.h, RTM_VIEW_ID_UCAST, &q,
					     &res, 1));
	EXPECT_EQ(16, res.num_bits);
	EXPECT_WIN(NO_ERROR, rtm_bulk_delete_routes(self->a.h, &e, 1, NULL));
	EXPECT_STATS(&self->regd);
}

/* (address, prefix length) order: a dump's and a dest enumeration's. */
static int addr_cmp(const struct rtm_net_address *a,
		    const struct rtm_net_address *b)
{
	int c = memcmp(a->addr, b->addr, sizeof(a->addr));

	return c ? c : (int)a->num_bits - (int)b->num_bits;
}

#define NDUMP	1100		/* dests: more than one kernel chunk (1024) */

/*
 * rtm_bulk_dump: every dest with a route in the view, once, in order, with
 * the best route a forwarding lookup of the dest reports; resumable from
 * any cursor, a deleted dest's too; no handle taken.
 */
TEST_F(bulk, dump)
{
	struct rtm_dump_entry *all = calloc(NDUMP + 8, sizeof(*all));
	struct rtm_dump_entry *part = calloc(NDUMP + 8, sizeof(*part));
	struct rtm_route_entry *e = calloc(NDUMP + 8, sizeof(*e));
	RTM_NET_ADDRESS cur, *addrs = calloc(NDUMP + 8, sizeof(*addrs));
	struct rtm_lookup_result *res = calloc(NDUMP + 8, sizeof(*res));
	unsigned int i, ucast = 0, mcast = 0, got = 0, bad = 0;
	struct rtm_stats before, after;
	struct rtm_route_entry eb;
	size_t n, done;
	DWORD st;

	REQUIRE_RTM();
	ASSERT_TRUE(all && part && e && addrs && res);
	/* Every 7th dest is in the multicast view only; the rest unicast. */
	for (i = 0; i < NDUMP; i++) {
		bool mc = !(i % 7);

		e[i] = entry(pfx(self->fam, 24, 10, 1 + i / 256, i % 256, 0),
			     100 + i, i, mc ? RTM_VIEW_MASK_MCAST :
			     RTM_VIEW_MASK_UCAST, 0, i % NNH, 1, NULL, 0);
		mc ? mcast++ : ucast++;
	}
	/* A covering /8 and a /16 under it, to check the order. */
	e[i++] = entry(pfx(self->fam, 8, 10, 0, 0, 0), 5, 5,
		       RTM_VIEW_MASK_UCAST, 0, 0, 1, NULL, 0);
	e[i++] = entry(pfx(self->fam, 16, 10, 1, 0, 0), 6, 6,
		       RTM_VIEW_MASK_UCAST, 0, 1, 1, NULL, 0);
	ucast += 2;
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(self->a.h, e, i, self->nh,
						 NNH, &done));
	/* B's better route on one dest: B's is the one dumped there. */
	eb = entry(pfx(self->fam, 24, 10, 1, 1, 0), 1, 1, RTM_VIEW_MASK_UCAST,
		   0, 0, 1, NULL, 0);
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(self->b.h, &eb, 1, &self->nb,
						 1, NULL));
	ASSERT_EQ(0, read_stats(&before));

	/* All at once. */
	memset(&cur, 0, sizeof(cur));
	n = NDUMP + 8;
	EXPECT_WIN(ERROR_NO_MORE_ITEMS, rtm_bulk_dump(self->a.h,
				RTM_VIEW_ID_UCAST, &cur, all, &n));
	ASSERT_EQ(ucast, n);
	for (i = 0; i < n; i++) {
		if (i && addr_cmp(&all[i - 1].dest, &all[i].dest) >= 0)
			bad++;
		memcpy(&addrs[i], &all[i].dest, sizeof(addrs[i]));
		EXPECT_EQ(all[i].dest.num_bits, all[i].best.num_bits);
	}
	EXPECT_EQ(0U, bad) TH_LOG("dump out of order");
	EXPECT_EQ(8, all[0].dest.num_bits);
	EXPECT_EQ(16, all[1].dest.num_bits);
	EXPECT_TRUE(same_addr((RTM_NET_ADDRESS *)&all[n - 1].dest, &cur));
	/* Each as a forwarding lookup of its own dest reports it. */
	ASSERT_WIN(NO_ERROR, rtm_bulk_lookup(self->a.h, RTM_VIEW_ID_UCAST,
					     addrs, res, n));
	for (i = 0; i < n; i++)
		if (memcmp(&res[i], &all[i].best, sizeof(res[i])))
			bad++;
	EXPECT_EQ(0U, bad) TH_LOG("dump and lookup disagree");
	for (i = 0; i < n; i++)
		if (all[i].dest.num_bits == 24 && all[i].dest.addr[2] == 1)
			break;
	ASSERT_LT(i, n);
	EXPECT_EQ((unsigned int)PROTO_B, all[i].best.protocol_id);
	EXPECT_EQ(1U, all[i].best.preference);
	EXPECT_EQ(9U, all[i].best.interface_index);

	/* In pieces of 7, resumed from the cursor: the same. */
	memset(&cur, 0, sizeof(cur));
	do {
		n = 7;
		st = rtm_bulk_dump(self->a.h, RTM_VIEW_ID_UCAST, &cur,
				   part + got, &n);
		got += n;
	} while (st == NO_ERROR && got <= ucast);
	EXPECT_WIN(ERROR_NO_MORE_ITEMS, st);
	ASSERT_EQ(ucast, got);
	EXPECT_EQ(0, memcmp(all, part, got * sizeof(*all)));

	/* The multicast view has the others. */
	memset(&cur, 0, sizeof(cur));
	n = NDUMP + 8;
	EXPECT_WIN(ERROR_NO_MORE_ITEMS, rtm_bulk_dump(self->a.h,
				RTM_VIEW_ID_MCAST, &cur, part, &n));
	EXPECT_EQ(mcast, n);

	/* No handle was taken. */
	ASSERT_EQ(0, read_stats(&after));
	EXPECT_EQ(before.holds, after.holds);
	EXPECT_EQ(before.handles, after.handles);

	/* From a cursor whose dest is gone: on with the next one. */
	memcpy(&cur, &all[10].dest, sizeof(cur));
	for (i = 0; i < NDUMP; i++)
		if (!memcmp(&e[i].dest, &all[10].dest, sizeof(e[i].dest)))
			break;
	ASSERT_LT(i, (unsigned int)NDUMP);
	ASSERT_WIN(NO_ERROR, rtm_bulk_delete_routes(self->a.h, &e[i], 1, NULL));
	n = 1;
	EXPECT_WIN(NO_ERROR, rtm_bulk_dump(self->a.h, RTM_VIEW_ID_UCAST, &cur,
					   part, &n));
	ASSERT_EQ(1U, n);
	EXPECT_EQ(0, memcmp(&all[11], &part[0], sizeof(part[0])));

	/* Bad calls. */
	n = 1;
	EXPECT_WIN(ERROR_NOT_SUPPORTED, rtm_bulk_dump(self->a.h, 5, &cur,
						      part, &n));
	n = 0;
	EXPECT_WIN(ERROR_INVALID_PARAMETER, rtm_bulk_dump(self->a.h,
				RTM_VIEW_ID_UCAST, &cur, part, &n));
	n = 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER, rtm_bulk_dump(self->a.h,
				RTM_VIEW_ID_UCAST, NULL, part, &n));
	cur = host(self->fam == AF_INET ? AF_INET6 : AF_INET, 10, 0, 0, 1);
	EXPECT_WIN(ERROR_INVALID_PARAMETER, rtm_bulk_dump(self->a.h,
				RTM_VIEW_ID_UCAST, &cur, part, &n));
	cur = host(self->fam, 10, 0, 0, 1);
	cur.NumBits = fam_bits(self->fam) + 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER, rtm_bulk_dump(self->a.h,
				RTM_VIEW_ID_UCAST, &cur, part, &n));
	EXPECT_WIN(ERROR_INVALID_HANDLE, rtm_bulk_dump(NULL, RTM_VIEW_ID_UCAST,
						       &cur, part, &n));

	/* A cursor past the last dest: the end at once. */
	cur = host(self->fam, 255, 255, 255, 255);
	if (self->fam == AF_INET6)
		memset(cur.AddrBits, 0xff, sizeof(cur.AddrBits));
	n = 4;
	EXPECT_WIN(ERROR_NO_MORE_ITEMS, rtm_bulk_dump(self->a.h,
				RTM_VIEW_ID_UCAST, &cur, part, &n));
	EXPECT_EQ(0U, n);

	free(all);
	free(part);
	free(e);
	free(addrs);
	free(res);
}

/*
 * More entries than one system call takes (RTM_MAX_BATCH): the library
 * cuts them, and *done counts across the cuts, failure included.  The
 * first RTM_MAX_BATCH entries update one route, which is cheap enough for
 * the debug kernel; the rest add host routes.
 */
FIXTURE(big) {
};

FIXTURE_SETUP(big)
{
}

FIXTURE_TEARDOWN(big)
{
}

TEST_F_TIMEOUT(big, beyond_one_system_call, 120)
{
	const size_t n = RTM_MAX_BATCH + 300, bad = RTM_MAX_BATCH + 100;
	struct rtm_route_entry *e = calloc(n, sizeof(*e));
	RTM_NET_ADDRESS *addrs = calloc(n, sizeof(*addrs));
	struct rtm_lookup_result *res = calloc(n, sizeof(*res));
	RTM_NET_ADDRESS p24 = pfx(AF_INET, 24, 10, 255, 255, 0);
	RTM_NEXTHOP_HANDLE nh = NULL;
	struct rtm_stats base;
	struct ent a;
	size_t i, done, wrong = 0;

	REQUIRE_RTM();
	ASSERT_NE(NULL, e);
	ASSERT_NE(NULL, addrs);
	ASSERT_NE(NULL, res);
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_WIN(NO_ERROR, ent_register(&a, INST, AF_INET, PROTO_A, 2, NULL));
	ASSERT_WIN(NO_ERROR, nh_add(a.h, host(AF_INET, 192, 0, 2, 1), 1, &nh));
	for (i = 0; i < n; i++) {
		if (i < RTM_MAX_BATCH) {
			addrs[i] = host(AF_INET, 10, 255, 255, i);
			e[i] = entry(p24, 1, 1, RTM_VIEW_MASK_UCAST, 0, 0, 1,
				     NULL, 0);
		} else {
			addrs[i] = host(AF_INET, 10, i >> 16, i >> 8, i);
			e[i] = entry(addrs[i], i, i ^ 0x5555,
				     RTM_VIEW_MASK_UCAST, 0, 0, 1, NULL, i);
		}
	}
	/* The last of the first cut leaves its mark. */
	e[RTM_MAX_BATCH - 1].preference = 7777;

	e[bad].views = 0;
	done = 0;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   rtm_bulk_add_routes(a.h, e, n, &nh, 1, &done));
	EXPECT_EQ(bad, done);
	EXPECT_TABLE(INST, AF_INET, 1 + bad - RTM_MAX_BATCH,
		     1 + bad - RTM_MAX_BATCH, 1);
	/* The rest, from where it stopped. */
	e[bad].views = RTM_VIEW_MASK_UCAST;
	i = done;
	done = 0;
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(a.h, e + i, n - i, &nh, 1,
						 &done));
	EXPECT_EQ(n - bad, done);
	EXPECT_TABLE(INST, AF_INET, 1 + n - RTM_MAX_BATCH,
		     1 + n - RTM_MAX_BATCH, 1);

	ASSERT_WIN(NO_ERROR, rtm_bulk_lookup(a.h, RTM_VIEW_ID_UCAST, addrs, res,
					     n));
	for (i = 0; i < n; i++) {
		bool ok = i < RTM_MAX_BATCH ?
			  res[i].num_bits == 24 && res[i].preference == 7777 :
			  res[i].num_bits == 32 && res[i].preference == i &&
			  res[i].metric == (i ^ 0x5555);

		if (!ok || res[i].interface_index != 1)
			wrong++;
	}
	EXPECT_EQ(0U, wrong);

	/* Withdraw the host routes but the last 10, and the /24. */
	done = 0;
	ASSERT_WIN(NO_ERROR, rtm_bulk_delete_routes(a.h, e + RTM_MAX_BATCH - 1,
						    n - RTM_MAX_BATCH - 9,
						    &done));
	EXPECT_EQ(n - RTM_MAX_BATCH - 9, done);
	EXPECT_TABLE(INST, AF_INET, 10, 10, 1);
	/* An entry naming no route stops the next run at once. */
	done = 99;
	EXPECT_WIN(ERROR_NOT_FOUND, rtm_bulk_delete_routes(a.h, e + n - 20, 20,
							   &done));
	EXPECT_EQ(0U, done);
	ASSERT_WIN(NO_ERROR, rtm_bulk_delete_routes(a.h, e + n - 10, 10, &done));
	EXPECT_TABLE(INST, AF_INET, 0, 0, 1);
	EXPECT_WIN(NO_ERROR, ent_deregister(&a));
	EXPECT_STATS(&base);
	EXPECT_TABLE_EMPTY(INST, AF_INET);
	free(e);
	free(addrs);
	free(res);
}

TEST_HARNESS_MAIN
