// SPDX-License-Identifier: GPL-2.0
/*
 * Destinations and point queries (reference sections 4.5, 7.4-7.6, 8.1,
 * 8.3, 8.6, 10, 11 items 6 and 10): RtmGetDestInfo, RtmReleaseDestInfo,
 * RtmGetExactMatchDestination, RtmGetMostSpecificDestination,
 * RtmGetLessSpecificDestination, RtmGetExactMatchRoute with every
 * RTM_MATCH_* flag and RtmHoldDestination: per-view infos sized by
 * RTM_SIZE_OF_DEST_INFO(views) and never written past, ProtocolId as
 * RTM_BEST_PROTOCOL, RTM_THIS_PROTOCOL or a protocol id, DestFlags,
 * LastChanged, view filtering, and HoldRoute reported until the hold-down
 * timer ends.
 *
 * Every test uses RTM instance INST, which no other test program uses.
 * The fixture registers entities A and B with next hops; its teardown
 * deregisters them and checks that the counters are back at their
 * baseline and the table is empty.
 */
#include "kselftest_harness.h"
#include "rtm_selftest.h"
#include "route_helpers.h"

#define INST		12
#define PROTO_A		0x7600
#define PROTO_B		0x7700
#define PROTO_NONE	0x7800		/* nobody's */

#define HOLD_MS		400
/*
 * How much earlier than asked a timer may seem to fire, measured from
 * userspace: timers run on jiffies, and under TCG the guest's tick and its
 * clocksource drift apart by a few percent.
 */
#define EARLY_MS(ms)	((ms) / 4)

FIXTURE(dest) {
	USHORT fam;
	bool ready;
	struct rtm_stats base;
	struct rtm_stats regd;
	struct ent a, b;
	RTM_NEXTHOP_HANDLE na[2], nb[1];
};

FIXTURE_VARIANT(dest) {
	USHORT fam;
};

FIXTURE_VARIANT_ADD(dest, ipv4) {
	.fam = AF_INET,
};

FIXTURE_VARIANT_ADD(dest, ipv6) {
	.fam = AF_INET6,
};

FIXTURE_SETUP(dest)
{
	self->fam = variant->fam;
	if (!rtm_present() || cap_effective(CAP_NET_ADMIN) != 1)
		return;
	ASSERT_EQ(0, read_stats_steady(&self->base, WAIT_MS));
	ASSERT_WIN(NO_ERROR, ent_register(&self->a, INST, self->fam, PROTO_A,
					  1, NULL));
	ASSERT_WIN(NO_ERROR, ent_register(&self->b, INST, self->fam, PROTO_B,
					  1, NULL));
	ASSERT_WIN(NO_ERROR, nh_add(self->a.h, host(self->fam, 10, 0, 0, 1), 1,
				    &self->na[0]));
	ASSERT_WIN(NO_ERROR, nh_add(self->a.h, host(self->fam, 10, 0, 0, 2), 2,
				    &self->na[1]));
	ASSERT_WIN(NO_ERROR, nh_add(self->b.h, host(self->fam, 10, 0, 0, 3), 1,
				    &self->nb[0]));
	ASSERT_EQ(0, read_stats(&self->regd));
	self->ready = true;
}

FIXTURE_TEARDOWN(dest)
{
	if (!self->ready)
		return;
	EXPECT_WIN(NO_ERROR, ent_deregister(&self->a));
	EXPECT_WIN(NO_ERROR, ent_deregister(&self->b));
	EXPECT_STATS(&self->base);
	EXPECT_TABLE_EMPTY(INST, self->fam);
}

static struct rspec spec(ULONG pref, ULONG metric, RTM_VIEW_SET views,
			 USHORT flags, RTM_NEXTHOP_HANDLE nb,
			 RTM_NEXTHOP_HANDLE nh)
{
	struct rspec s;

	memset(&s, 0, sizeof(s));
	s.pref = pref;
	s.metric = metric;
	s.views = views;
	s.flags = flags;
	s.neighbour = nb;
	if (nh) {
		s.nnh = 1;
		s.nh[0] = nh;
	}
	return s;
}

static DWORD add(RTM_ENTITY_HANDLE e, RTM_NET_ADDRESS p, struct rspec s,
		 RTM_ROUTE_HANDLE *h)
{
	DWORD out;

	*h = NULL;
	return rt_add(e, p, &s, INFINITE, 0, h, &out);
}

static DWORD del(RTM_ENTITY_HANDLE e, RTM_ROUTE_HANDLE h)
{
	DWORD out;

	return RtmDeleteRouteToDest(e, h, &out);
}

/* A dest info of @nviews views with guard bytes, zeroed. */
static RTM_DEST_INFO *fresh(RTM_DEST_INFO **d, unsigned int nviews)
{
	free(*d);
	*d = di_alloc(nviews);
	return *d;
}

/* The prefix a query found, for messages. */
static const char *found(const RTM_DEST_INFO *d, char *buf)
{
	return pfx_str(&d->DestAddress, buf, 64);
}

/* ------------------------------------------------------------------ */

TEST_F(dest, info_fields_flags_and_last_changed)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 1, 0, 0);
	RTM_NET_ADDRESS h = host(self->fam, 10, 1, 7, 7);
	RTM_ROUTE_HANDLE ra, rb;
	RTM_DEST_INFO *d = NULL, *d2 = NULL;
	RTM_DEST_HANDLE dh;
	uint64_t t0, lc, lc2, now;

	REQUIRE_RTM();
	t0 = filetime_now();
	ASSERT_WIN(NO_ERROR, add(self->a.h, p, spec(10, 1, 0,
			RTM_ROUTE_FLAGS_LOCAL | RTM_ROUTE_FLAGS_DISCARD,
			NULL, self->na[0]), &ra));

	ASSERT_NE(NULL, fresh(&d, 1));
	memset(d, 0x5a, RTM_SIZE_OF_DEST_INFO(1));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	now = filetime_now();
	EXPECT_TRUE(guard_intact(d, RTM_SIZE_OF_DEST_INFO(1)));
	EXPECT_EQ(2U, handle_kind(d->DestHandle));
	EXPECT_TRUE(same_addr(&p, &d->DestAddress));
	lc = filetime(&d->LastChanged);
	/* FILETIME close to now: within a second of the add. */
	EXPECT_LE(t0 - 10000000ULL, lc)
		TH_LOG("LastChanged %llu, added at %llu",
		       (unsigned long long)lc, (unsigned long long)t0);
	EXPECT_GE(now + 10000000ULL, lc);
	EXPECT_EQ((DWORD)RTM_VIEW_MASK_UCAST, d->BelongsToViews);
	EXPECT_EQ(1U, d->NumberOfViews);
	EXPECT_EQ(RTM_VIEW_ID_UCAST, d->ViewInfo[0].ViewId);
	EXPECT_EQ(1U, d->ViewInfo[0].NumRoutes);
	EXPECT_EQ(hval(ra), hval(d->ViewInfo[0].Route));
	EXPECT_EQ(hval(self->a.h), hval(d->ViewInfo[0].Owner));
	/* DestFlags: the best route's flags. */
	EXPECT_EQ((DWORD)(RTM_ROUTE_FLAGS_LOCAL | RTM_ROUTE_FLAGS_DISCARD),
		  d->ViewInfo[0].DestFlags);
	EXPECT_EQ(NULL, d->ViewInfo[0].HoldRoute);
	dh = d->DestHandle;

	/* The same through the handle and the longest match; no change. */
	ASSERT_NE(NULL, fresh(&d2, 1));
	ASSERT_WIN(NO_ERROR, RtmGetDestInfo(self->a.h, dh, RTM_BEST_PROTOCOL,
					    RTM_VIEW_MASK_UCAST, d2));
	EXPECT_EQ(0, memcmp(d, d2, RTM_SIZE_OF_DEST_INFO(1)));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d2));
	ASSERT_WIN(NO_ERROR, RtmGetMostSpecificDestination(self->b.h, &h,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d2));
	EXPECT_EQ(0, memcmp(d, d2, RTM_SIZE_OF_DEST_INFO(1)));
	EXPECT_TRUE(guard_intact(d2, RTM_SIZE_OF_DEST_INFO(1)));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->b.h, d2));

	/* Every change advances LastChanged: an update... */
	ASSERT_WIN(NO_ERROR, add(self->a.h, p, spec(10, 2, 0,
			RTM_ROUTE_FLAGS_LOCAL, NULL, self->na[0]), &ra));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &ra));
	ASSERT_WIN(NO_ERROR, RtmGetDestInfo(self->a.h, dh, RTM_BEST_PROTOCOL,
					    RTM_VIEW_MASK_UCAST, d2));
	lc2 = filetime(&d2->LastChanged);
	EXPECT_LT(lc, lc2);
	EXPECT_EQ((DWORD)RTM_ROUTE_FLAGS_LOCAL, d2->ViewInfo[0].DestFlags);
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d2));
	/* ... another owner's route, which becomes the best... */
	lc = lc2;
	ASSERT_WIN(NO_ERROR, add(self->b.h, p, spec(5, 1, 0,
			RTM_ROUTE_FLAGS_REMOTE, self->nb[0], NULL), &rb));
	ASSERT_WIN(NO_ERROR, RtmGetDestInfo(self->a.h, dh, RTM_BEST_PROTOCOL,
					    RTM_VIEW_MASK_UCAST, d2));
	lc2 = filetime(&d2->LastChanged);
	EXPECT_LT(lc, lc2);
	EXPECT_EQ(2U, d2->ViewInfo[0].NumRoutes);
	EXPECT_EQ(hval(rb), hval(d2->ViewInfo[0].Route));
	EXPECT_EQ(hval(self->b.h), hval(d2->ViewInfo[0].Owner));
	EXPECT_EQ((DWORD)RTM_ROUTE_FLAGS_REMOTE, d2->ViewInfo[0].DestFlags);
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d2));
	/* ... and a delete; reading changes nothing. */
	lc = lc2;
	EXPECT_WIN(NO_ERROR, del(self->b.h, rb));
	ASSERT_WIN(NO_ERROR, RtmGetDestInfo(self->a.h, dh, RTM_BEST_PROTOCOL,
					    RTM_VIEW_MASK_UCAST, d2));
	lc2 = filetime(&d2->LastChanged);
	EXPECT_LT(lc, lc2);
	EXPECT_EQ(1U, d2->ViewInfo[0].NumRoutes);
	EXPECT_EQ((DWORD)RTM_ROUTE_FLAGS_LOCAL, d2->ViewInfo[0].DestFlags);
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d2));
	ASSERT_WIN(NO_ERROR, RtmGetDestInfo(self->a.h, dh, RTM_BEST_PROTOCOL,
					    RTM_VIEW_MASK_UCAST, d2));
	EXPECT_EQ(lc2, filetime(&d2->LastChanged));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d2));
	EXPECT_GE(filetime_now() + 10000000ULL, lc2);

	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	EXPECT_HOLDS(self->regd.holds + 1);
	EXPECT_WIN(NO_ERROR, del(self->a.h, ra));
	EXPECT_STATS(&self->regd);
	free(d);
	free(d2);
}

/*
 * The view records: one per view asked for, in ascending view id, none
 * for RTM_VIEW_MASK_ANY; nothing written past RTM_SIZE_OF_DEST_INFO(n).
 */
TEST_F(dest, view_records)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 2, 0, 0);
	RTM_NET_ADDRESS pm = pfx(self->fam, 16, 10, 3, 0, 0);
	static const struct {
		RTM_VIEW_SET views;
		unsigned int n;
		int first;
	} cases[] = {
		{ RTM_VIEW_MASK_ANY, 0, -1 },
		{ RTM_VIEW_MASK_UCAST, 1, 0 },
		{ RTM_VIEW_MASK_MCAST, 1, 1 },
		{ RTM_VIEW_MASK_UCAST | RTM_VIEW_MASK_MCAST, 2, 0 },
		{ RTM_VIEW_MASK_ALL, 2, 0 },
	};
	static const RTM_VIEW_SET unsupported[] = { 0x4, 0x5, 0x80000001 };
	RTM_NET_ADDRESS h = host(self->fam, 10, 2, 1, 1);
	RTM_ROUTE_HANDLE ru, rm, rx;
	RTM_DEST_INFO *d = NULL;
	RTM_DEST_HANDLE dh;
	unsigned int i, v;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, add(self->a.h, p, spec(10, 1, RTM_VIEW_MASK_UCAST,
						    0x10, NULL, NULL), &ru));
	ASSERT_WIN(NO_ERROR, add(self->b.h, p, spec(20, 1, RTM_VIEW_MASK_MCAST,
						    0x20, NULL, NULL), &rm));
	ASSERT_WIN(NO_ERROR, add(self->a.h, pm, spec(10, 1, RTM_VIEW_MASK_MCAST,
						     0, NULL, NULL), &rx));

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_NE(NULL, fresh(&d, cases[i].n));
		ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, cases[i].views, d))
			TH_LOG("views %#x", cases[i].views);
		EXPECT_EQ(cases[i].n, d->NumberOfViews);
		EXPECT_EQ(3U, d->BelongsToViews);
		EXPECT_TRUE(guard_intact(d, RTM_SIZE_OF_DEST_INFO(cases[i].n)))
			TH_LOG("views %#x: written past %zu bytes",
			       cases[i].views, RTM_SIZE_OF_DEST_INFO(cases[i].n));
		for (v = 0; v < cases[i].n && v < d->NumberOfViews; v++) {
			int id = cases[i].first + (int)v;

			EXPECT_EQ(id, d->ViewInfo[v].ViewId);
			EXPECT_EQ(1U, d->ViewInfo[v].NumRoutes);
			EXPECT_EQ(hval(id ? rm : ru), hval(d->ViewInfo[v].Route));
			EXPECT_EQ(hval(id ? self->b.h : self->a.h),
				  hval(d->ViewInfo[v].Owner));
			EXPECT_EQ(id ? 0x20U : 0x10U, d->ViewInfo[v].DestFlags);
		}
		dh = d->DestHandle;
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));

		/* The other queries size theirs the same way. */
		ASSERT_NE(NULL, fresh(&d, cases[i].n));
		ASSERT_WIN(NO_ERROR, RtmGetMostSpecificDestination(self->a.h,
				&h, RTM_BEST_PROTOCOL, cases[i].views, d));
		EXPECT_EQ(cases[i].n, d->NumberOfViews);
		EXPECT_EQ(hval(dh), hval(d->DestHandle));
		EXPECT_TRUE(guard_intact(d, RTM_SIZE_OF_DEST_INFO(cases[i].n)));
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
		ASSERT_NE(NULL, fresh(&d, cases[i].n));
		ASSERT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &dh));
		ASSERT_WIN(NO_ERROR, RtmGetDestInfo(self->a.h, dh,
				RTM_BEST_PROTOCOL, cases[i].views, d));
		EXPECT_EQ(cases[i].n, d->NumberOfViews);
		EXPECT_TRUE(guard_intact(d, RTM_SIZE_OF_DEST_INFO(cases[i].n)));
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
		memset(d, 0, RTM_SIZE_OF_DEST_INFO(0));
		d->DestHandle = dh;
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	}

	/* A dest of the multicast view only is no unicast query's answer. */
	ASSERT_NE(NULL, fresh(&d, 2));
	EXPECT_WIN(ERROR_NOT_FOUND, RtmGetExactMatchDestination(self->a.h, &pm,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	EXPECT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &pm,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_ANY, d));
	EXPECT_EQ(0U, d->NumberOfViews);
	EXPECT_EQ((DWORD)RTM_VIEW_MASK_MCAST, d->BelongsToViews);
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	/* With both views it is found (in one), the unicast record empty. */
	EXPECT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &pm,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_ALL, d));
	EXPECT_EQ(0U, d->ViewInfo[0].NumRoutes);
	EXPECT_EQ(NULL, d->ViewInfo[0].Route);
	EXPECT_EQ(1U, d->ViewInfo[1].NumRoutes);
	EXPECT_EQ(hval(rx), hval(d->ViewInfo[1].Route));
	dh = d->DestHandle;
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &dh));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));

	/* Views the table does not have. */
	for (i = 0; i < ARRAY_SIZE(unsupported); i++) {
		ASSERT_NE(NULL, fresh(&d, 3));
		EXPECT_WIN(ERROR_NOT_SUPPORTED,
			   RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, unsupported[i], d));
		EXPECT_WIN(ERROR_NOT_SUPPORTED,
			   RtmGetMostSpecificDestination(self->a.h, &h,
				RTM_BEST_PROTOCOL, unsupported[i], d));
		EXPECT_WIN(ERROR_NOT_SUPPORTED,
			   RtmGetDestInfo(self->a.h, dh, RTM_BEST_PROTOCOL,
					  unsupported[i], d));
		EXPECT_WIN(ERROR_NOT_SUPPORTED,
			   RtmGetLessSpecificDestination(self->a.h, dh,
				RTM_BEST_PROTOCOL, unsupported[i], d));
		EXPECT_TRUE(guard_intact(d, RTM_SIZE_OF_DEST_INFO(3)));
		EXPECT_EQ(NULL, d->DestHandle);
	}
	memset(d, 0, RTM_SIZE_OF_DEST_INFO(0));
	d->DestHandle = dh;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	EXPECT_HOLDS(self->regd.holds + 3);
	EXPECT_WIN(NO_ERROR, del(self->a.h, ru));
	EXPECT_WIN(NO_ERROR, del(self->b.h, rm));
	EXPECT_WIN(NO_ERROR, del(self->a.h, rx));
	EXPECT_STATS(&self->regd);
	free(d);
}

/*
 * ProtocolId picks the route a view record reports: the best of all
 * (RTM_BEST_PROTOCOL), of the caller's protocol (RTM_THIS_PROTOCOL), or of
 * a named protocol.  NumRoutes counts every route of the view.
 */
TEST_F(dest, protocol_selectors)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 4, 0, 0);
	RTM_NET_ADDRESS child = pfx(self->fam, 24, 10, 4, 1, 0);
	RTM_NET_ADDRESS h = host(self->fam, 10, 4, 9, 9);
	RTM_ROUTE_HANDLE ra, ra2, rb, rc;
	RTM_DEST_INFO *d = di_alloc(1);
	RTM_DEST_HANDLE dh, ch;
	struct ent a2;
	const struct {
		RTM_ENTITY_HANDLE *caller;
		ULONG proto;
		RTM_ROUTE_HANDLE *route;
		RTM_ENTITY_HANDLE *owner;
		DWORD flags;
	} cases[] = {
		{ &self->a.h, RTM_BEST_PROTOCOL, &rb, &self->b.h, 0x20 },
		{ &self->b.h, RTM_BEST_PROTOCOL, &rb, &self->b.h, 0x20 },
		{ &self->a.h, RTM_THIS_PROTOCOL, &ra2, &a2.h, 0x40 },
		{ &a2.h, RTM_THIS_PROTOCOL, &ra2, &a2.h, 0x40 },
		{ &self->b.h, RTM_THIS_PROTOCOL, &rb, &self->b.h, 0x20 },
		{ &self->b.h, PROTO_A, &ra2, &a2.h, 0x40 },
		{ &self->a.h, PROTO_B, &rb, &self->b.h, 0x20 },
		{ &self->a.h, PROTO_NONE, NULL, NULL, 0 },
	};
	unsigned int i;

	REQUIRE_RTM();
	ASSERT_NE(NULL, d);
	EXPECT_EQ(0U, RTM_BEST_PROTOCOL);
	EXPECT_EQ(0xFFFFFFFFU, RTM_THIS_PROTOCOL);
	/* A second entity of protocol A. */
	ASSERT_WIN(NO_ERROR, ent_register(&a2, INST, self->fam, PROTO_A, 2,
					  NULL));
	ASSERT_WIN(NO_ERROR, add(self->a.h, p, spec(10, 9, 0, 0x10, NULL, NULL),
				 &ra));
	ASSERT_WIN(NO_ERROR, add(a2.h, p, spec(10, 8, 0, 0x40, NULL, NULL),
				 &ra2));
	ASSERT_WIN(NO_ERROR, add(self->b.h, p, spec(5, 50, 0, 0x20, NULL, NULL),
				 &rb));
	ASSERT_WIN(NO_ERROR, add(self->a.h, child, spec(1, 1, 0, 0, NULL, NULL),
				 &rc));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &child,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	ch = d->DestHandle;
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &ch));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		RTM_ENTITY_HANDLE caller = *cases[i].caller;
		RTM_ROUTE_HANDLE want = cases[i].route ? *cases[i].route : NULL;
		RTM_ENTITY_HANDLE owner = cases[i].owner ? *cases[i].owner : NULL;
		int q;

		/* Exact, through the handle, longest, less specific. */
		for (q = 0; q < 4; q++) {
			DWORD st;

			memset(d, 0, RTM_SIZE_OF_DEST_INFO(1));
			switch (q) {
			case 0:
				st = RtmGetExactMatchDestination(caller, &p,
						cases[i].proto,
						RTM_VIEW_MASK_UCAST, d);
				break;
			case 1:
				st = RtmGetDestInfo(caller, dh, cases[i].proto,
						    RTM_VIEW_MASK_UCAST, d);
				break;
			case 2:
				st = RtmGetMostSpecificDestination(caller, &h,
						cases[i].proto,
						RTM_VIEW_MASK_UCAST, d);
				break;
			default:
				st = RtmGetLessSpecificDestination(caller, ch,
						cases[i].proto,
						RTM_VIEW_MASK_UCAST, d);
				break;
			}
			ASSERT_WIN(NO_ERROR, st)
				TH_LOG("case %u query %d", i, q);
			if (q == 0)
				dh = d->DestHandle;
			EXPECT_TRUE(same_addr(&p, &d->DestAddress))
				TH_LOG("case %u query %d", i, q);
			EXPECT_EQ(3U, d->ViewInfo[0].NumRoutes)
				TH_LOG("case %u query %d", i, q);
			EXPECT_EQ(hval(want), hval(d->ViewInfo[0].Route))
				TH_LOG("case %u query %d", i, q);
			EXPECT_EQ(hval(owner), hval(d->ViewInfo[0].Owner))
				TH_LOG("case %u query %d", i, q);
			EXPECT_EQ(cases[i].flags, d->ViewInfo[0].DestFlags)
				TH_LOG("case %u query %d", i, q);
			if (q == 0)
				EXPECT_WIN(NO_ERROR,
					   RtmReferenceHandles(caller, 1, &dh));
			EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(caller, d));
		}
		memset(d, 0, RTM_SIZE_OF_DEST_INFO(0));
		d->DestHandle = dh;
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(caller, d));
	}

	/* The best of protocol A follows its routes. */
	EXPECT_WIN(NO_ERROR, del(a2.h, ra2));
	memset(d, 0, RTM_SIZE_OF_DEST_INFO(1));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->b.h, &p, PROTO_A,
				RTM_VIEW_MASK_UCAST, d));
	EXPECT_EQ(hval(ra), hval(d->ViewInfo[0].Route));
	EXPECT_EQ(hval(self->a.h), hval(d->ViewInfo[0].Owner));
	EXPECT_EQ(2U, d->ViewInfo[0].NumRoutes);
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->b.h, d));

	memset(d, 0, RTM_SIZE_OF_DEST_INFO(0));
	d->DestHandle = ch;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	EXPECT_WIN(NO_ERROR, ent_deregister(&a2));
	EXPECT_WIN(NO_ERROR, del(self->a.h, ra));
	EXPECT_WIN(NO_ERROR, del(self->b.h, rb));
	EXPECT_WIN(NO_ERROR, del(self->a.h, rc));
	EXPECT_STATS(&self->regd);
	free(d);
}

/* Longest match, the walk up the tree, and both filtered by view. */
TEST_F(dest, most_and_less_specific)
{
	USHORT fam = self->fam, other = fam == AF_INET ? AF_INET6 : AF_INET;
	RTM_NET_ADDRESS p0 = pfx(fam, 0, 0, 0, 0, 0);
	RTM_NET_ADDRESS p8 = pfx(fam, 8, 10, 0, 0, 0);
	RTM_NET_ADDRESS p16 = pfx(fam, 16, 10, 1, 0, 0);
	RTM_NET_ADDRESS p24 = pfx(fam, 24, 10, 1, 2, 0);
	RTM_NET_ADDRESS m16 = pfx(fam, 16, 10, 2, 0, 0);
	const struct {
		RTM_NET_ADDRESS q;
		RTM_VIEW_SET views;
		const RTM_NET_ADDRESS *want;	/* NULL: ERROR_NOT_FOUND */
	} most[] = {
		{ host(fam, 10, 1, 2, 3), RTM_VIEW_MASK_UCAST, &p24 },
		{ host(fam, 10, 1, 3, 3), RTM_VIEW_MASK_UCAST, &p16 },
		{ host(fam, 10, 2, 0, 1), RTM_VIEW_MASK_UCAST, &p8 },
		{ host(fam, 10, 2, 0, 1), RTM_VIEW_MASK_MCAST, &m16 },
		{ host(fam, 10, 2, 0, 1), RTM_VIEW_MASK_ANY, &m16 },
		{ host(fam, 10, 2, 0, 1), RTM_VIEW_MASK_ALL, &m16 },
		{ host(fam, 10, 1, 0, 1), RTM_VIEW_MASK_MCAST, NULL },
		{ host(fam, 11, 0, 0, 1), RTM_VIEW_MASK_UCAST, &p0 },
		{ pfx(fam, 20, 10, 1, 0, 0), RTM_VIEW_MASK_UCAST, &p16 },
		{ pfx(fam, 24, 10, 1, 2, 0), RTM_VIEW_MASK_UCAST, &p24 },
		{ pfx(fam, 24, 10, 1, 2, 99), RTM_VIEW_MASK_UCAST, &p24 },
		{ pfx(fam, 23, 10, 1, 2, 0), RTM_VIEW_MASK_UCAST, &p16 },
		{ pfx(fam, 7, 10, 0, 0, 0), RTM_VIEW_MASK_UCAST, &p0 },
	};
	const struct {
		RTM_NET_ADDRESS q;
		RTM_VIEW_SET views;
		bool found;
	} exact[] = {
		{ p16, RTM_VIEW_MASK_UCAST, true },
		{ pfx(fam, 16, 10, 1, 2, 3), RTM_VIEW_MASK_UCAST, true },
		{ pfx(fam, 16, 10, 3, 0, 0), RTM_VIEW_MASK_UCAST, false },
		{ pfx(fam, 17, 10, 1, 0, 0), RTM_VIEW_MASK_UCAST, false },
		{ m16, RTM_VIEW_MASK_UCAST, false },
		{ m16, RTM_VIEW_MASK_MCAST, true },
		{ p0, RTM_VIEW_MASK_UCAST, true },
	};
	const RTM_NET_ADDRESS *chain[] = { &p16, &p8, &p0 };
	RTM_ROUTE_HANDLE r0, r8, r16, r24, rm;
	RTM_DEST_INFO *d = di_alloc(2);
	RTM_DEST_HANDLE h24, hm, h16, at, next;
	RTM_NET_ADDRESS bad;
	char b1[64], b2[64];
	unsigned int i;

	REQUIRE_RTM();
	ASSERT_NE(NULL, d);
	ASSERT_WIN(NO_ERROR, add(self->a.h, p0, spec(1, 1, 0, 0, NULL, NULL),
				 &r0));
	ASSERT_WIN(NO_ERROR, add(self->a.h, p8, spec(1, 1, 0, 0, NULL, NULL),
				 &r8));
	ASSERT_WIN(NO_ERROR, add(self->b.h, p16, spec(1, 1, 0, 0, NULL, NULL),
				 &r16));
	ASSERT_WIN(NO_ERROR, add(self->a.h, p24, spec(1, 1, 0, 0, NULL, NULL),
				 &r24));
	ASSERT_WIN(NO_ERROR, add(self->a.h, m16, spec(1, 1, RTM_VIEW_MASK_MCAST,
						      0, NULL, NULL), &rm));

	for (i = 0; i < ARRAY_SIZE(most); i++) {
		DWORD st;
		RTM_NET_ADDRESS q = most[i].q;

		memset(d, 0, RTM_SIZE_OF_DEST_INFO(2));
		st = RtmGetMostSpecificDestination(self->a.h, &q,
						   RTM_BEST_PROTOCOL,
						   most[i].views, d);
		if (!most[i].want) {
			EXPECT_WIN(ERROR_NOT_FOUND, st)
				TH_LOG("query %s", pfx_str(&most[i].q, b1, 64));
			continue;
		}
		ASSERT_WIN(NO_ERROR, st)
			TH_LOG("query %s", pfx_str(&most[i].q, b1, 64));
		EXPECT_TRUE(same_addr(most[i].want, &d->DestAddress))
			TH_LOG("query %s views %#x: %s, want %s",
			       pfx_str(&most[i].q, b1, 64), most[i].views,
			       found(d, b2), pfx_str(most[i].want, b1, 64));
		EXPECT_TRUE(guard_intact(d, RTM_SIZE_OF_DEST_INFO(2)));
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	}
	for (i = 0; i < ARRAY_SIZE(exact); i++) {
		DWORD st;
		RTM_NET_ADDRESS q = exact[i].q;

		memset(d, 0, RTM_SIZE_OF_DEST_INFO(2));
		st = RtmGetExactMatchDestination(self->a.h, &q,
						 RTM_BEST_PROTOCOL,
						 exact[i].views, d);
		EXPECT_WIN(exact[i].found ? NO_ERROR : ERROR_NOT_FOUND, st)
			TH_LOG("query %s views %#x",
			       pfx_str(&exact[i].q, b1, 64), exact[i].views);
		if (st == NO_ERROR) {
			RTM_NET_ADDRESS want = masked(exact[i].q);

			EXPECT_TRUE(same_addr(&want, &d->DestAddress));
			EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
		}
	}

	/* Up the tree from /24: /16, /8, /0, then nothing. */
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p24,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	h24 = d->DestHandle;
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &h24));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	at = h24;
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &at));
	for (i = 0; i < ARRAY_SIZE(chain); i++) {
		/* One view asked: the second record's room is not written. */
		memset(d, 0, RTM_SIZE_OF_DEST_INFO(1));
		memset((char *)d + RTM_SIZE_OF_DEST_INFO(1), GUARD_BYTE,
		       RTM_DEST_VIEW_INFO_SIZE);
		ASSERT_WIN(NO_ERROR, RtmGetLessSpecificDestination(self->a.h,
				at, RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
		EXPECT_TRUE(same_addr(chain[i], &d->DestAddress))
			TH_LOG("step %u: %s", i, found(d, b1));
		EXPECT_TRUE(guard_intact(d, RTM_SIZE_OF_DEST_INFO(1)));
		next = d->DestHandle;
		EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &next));
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
		memset(d, 0, RTM_SIZE_OF_DEST_INFO(0));
		d->DestHandle = at;
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
		at = next;
	}
	EXPECT_WIN(ERROR_NOT_FOUND, RtmGetLessSpecificDestination(self->a.h,
			at, RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	memset(d, 0, RTM_SIZE_OF_DEST_INFO(0));
	d->DestHandle = at;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	/* From the multicast-only /16: unicast /8, multicast nothing. */
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &m16,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_ANY, d));
	hm = d->DestHandle;
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &hm));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	ASSERT_WIN(NO_ERROR, RtmGetLessSpecificDestination(self->a.h, hm,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	EXPECT_TRUE(same_addr(&p8, &d->DestAddress));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	EXPECT_WIN(ERROR_NOT_FOUND, RtmGetLessSpecificDestination(self->a.h, hm,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_MCAST, d));

	/* Without the default route. */
	EXPECT_WIN(NO_ERROR, del(self->a.h, r0));
	bad = host(fam, 11, 0, 0, 1);
	EXPECT_WIN(ERROR_NOT_FOUND, RtmGetMostSpecificDestination(self->a.h,
				&bad, RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	/* A dest whose routes are gone still has its place in the tree. */
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p16,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	h16 = d->DestHandle;
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &h16));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	EXPECT_WIN(NO_ERROR, del(self->b.h, r16));
	ASSERT_WIN(NO_ERROR, RtmGetLessSpecificDestination(self->a.h, h16,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	EXPECT_TRUE(same_addr(&p8, &d->DestAddress));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	/* ... and /24 is followed by /8 now. */
	ASSERT_WIN(NO_ERROR, RtmGetLessSpecificDestination(self->a.h, h24,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	EXPECT_TRUE(same_addr(&p8, &d->DestAddress));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	bad = host(fam, 10, 1, 0, 1);
	ASSERT_WIN(NO_ERROR, RtmGetMostSpecificDestination(self->a.h, &bad,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	EXPECT_TRUE(same_addr(&p8, &d->DestAddress));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));

	/* Bad addresses and arguments. */
	bad = host(other, 10, 1, 2, 3);
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetMostSpecificDestination(
			self->a.h, &bad, RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetExactMatchDestination(
			self->a.h, &bad, RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	bad = host(fam, 10, 1, 2, 3);
	bad.NumBits = fam_bits(fam) + 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetMostSpecificDestination(
			self->a.h, &bad, RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetExactMatchDestination(
			self->a.h, &bad, RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetMostSpecificDestination(
			self->a.h, NULL, RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetExactMatchDestination(
			self->a.h, NULL, RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetMostSpecificDestination(
			self->a.h, &p8, RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST,
			NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetExactMatchDestination(
			self->a.h, &p8, RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST,
			NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetLessSpecificDestination(
			self->a.h, h24, RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST,
			NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetDestInfo(
			self->a.h, h24, RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST,
			NULL));

	memset(d, 0, RTM_SIZE_OF_DEST_INFO(0));
	d->DestHandle = h24;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	d->DestHandle = hm;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	d->DestHandle = h16;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	EXPECT_WIN(NO_ERROR, del(self->a.h, r8));
	EXPECT_WIN(NO_ERROR, del(self->a.h, r24));
	EXPECT_WIN(NO_ERROR, del(self->a.h, rm));
	EXPECT_STATS(&self->regd);
	free(d);
}

/* ------------------------------------------------------------------ */
/* RtmGetExactMatchRoute                                                */
/* ------------------------------------------------------------------ */

struct match_case {
	const char *what;
	RTM_MATCH_FLAGS flags;
	RTM_ENTITY_HANDLE owner;
	RTM_NEXTHOP_HANDLE neighbour;
	ULONG pref, metric;
	UINT nnh;
	RTM_NEXTHOP_HANDLE nh[2];
	ULONG ifindex;
	RTM_VIEW_SET views;
	RTM_ROUTE_HANDLE want;		/* NULL: ERROR_NOT_FOUND */
};

TEST_F(dest, exact_match_route)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 5, 0, 0);
	RTM_ROUTE_INFO *ri = ri_alloc(&self->a.prof), *check;
	RTM_ROUTE_HANDLE a1, a2, a3, b1, got;
	RTM_NET_ADDRESS bad;
	struct rtm_stats st0;
	unsigned int i;

	REQUIRE_RTM();
	ASSERT_NE(NULL, ri);
	ASSERT_WIN(NO_ERROR, add(self->a.h, p, spec(10, 1, RTM_VIEW_MASK_UCAST,
				 0, self->na[0], self->na[0]), &a1));
	ASSERT_WIN(NO_ERROR, add(self->a.h, p, spec(20, 2,
				 RTM_VIEW_MASK_UCAST | RTM_VIEW_MASK_MCAST,
				 0, self->na[1], self->na[1]), &a2));
	ASSERT_WIN(NO_ERROR, add(self->a.h, p, spec(30, 3, RTM_VIEW_MASK_MCAST,
				 0, NULL, self->na[1]), &a3));
	ASSERT_WIN(NO_ERROR, add(self->b.h, p, spec(10, 1, RTM_VIEW_MASK_UCAST,
				 0, self->nb[0], self->nb[0]), &b1));
	ASSERT_EQ(0, read_stats(&st0));

	const struct match_case cases[] = {
		{ "none", RTM_MATCH_NONE, .views = RTM_VIEW_MASK_ALL,
		  .want = a1 },
		{ "none, mcast", RTM_MATCH_NONE,
		  .views = RTM_VIEW_MASK_MCAST, .want = a2 },
		{ "owner B", RTM_MATCH_OWNER, .owner = self->b.h,
		  .views = RTM_VIEW_MASK_ALL, .want = b1 },
		{ "owner A", RTM_MATCH_OWNER, .owner = self->a.h,
		  .views = RTM_VIEW_MASK_ALL, .want = a1 },
		{ "neighbour na1", RTM_MATCH_NEIGHBOUR,
		  .neighbour = self->na[1], .views = RTM_VIEW_MASK_ALL,
		  .want = a2 },
		{ "no neighbour", RTM_MATCH_NEIGHBOUR,
		  .views = RTM_VIEW_MASK_ALL, .want = a3 },
		{ "no neighbour, ucast", RTM_MATCH_NEIGHBOUR,
		  .views = RTM_VIEW_MASK_UCAST, .want = NULL },
		{ "pref 20/2", RTM_MATCH_PREF, .pref = 20, .metric = 2,
		  .views = RTM_VIEW_MASK_ALL, .want = a2 },
		{ "pref 20/3", RTM_MATCH_PREF, .pref = 20, .metric = 3,
		  .views = RTM_VIEW_MASK_ALL, .want = NULL },
		{ "pref 10/1", RTM_MATCH_PREF, .pref = 10, .metric = 1,
		  .views = RTM_VIEW_MASK_ALL, .want = a1 },
		{ "owner B, pref 10/1",
		  RTM_MATCH_OWNER | RTM_MATCH_PREF, .owner = self->b.h,
		  .pref = 10, .metric = 1, .views = RTM_VIEW_MASK_ALL,
		  .want = b1 },
		{ "next hop na1", RTM_MATCH_NEXTHOP, .nnh = 1,
		  .nh = { self->na[1] }, .views = RTM_VIEW_MASK_ALL,
		  .want = a2 },
		{ "next hop na1, mcast", RTM_MATCH_NEXTHOP, .nnh = 1,
		  .nh = { self->na[1] }, .views = RTM_VIEW_MASK_MCAST,
		  .want = a2 },
		{ "next hops na0 na1", RTM_MATCH_NEXTHOP, .nnh = 2,
		  .nh = { self->na[0], self->na[1] },
		  .views = RTM_VIEW_MASK_ALL, .want = NULL },
		{ "next hop nb0", RTM_MATCH_NEXTHOP, .nnh = 1,
		  .nh = { self->nb[0] }, .views = RTM_VIEW_MASK_ALL,
		  .want = b1 },
		{ "interface 2", RTM_MATCH_INTERFACE, .ifindex = 2,
		  .views = RTM_VIEW_MASK_ALL, .want = a2 },
		{ "interface 1", RTM_MATCH_INTERFACE, .ifindex = 1,
		  .views = RTM_VIEW_MASK_ALL, .want = a1 },
		{ "interface 9", RTM_MATCH_INTERFACE, .ifindex = 9,
		  .views = RTM_VIEW_MASK_ALL, .want = NULL },
		{ "interface 1, mcast", RTM_MATCH_INTERFACE,
		  .ifindex = 1, .views = RTM_VIEW_MASK_MCAST,
		  .want = NULL },
		{ "full a2", RTM_MATCH_FULL, .owner = self->a.h,
		  .neighbour = self->na[1], .pref = 20, .metric = 2,
		  .nnh = 1, .nh = { self->na[1] }, .ifindex = 2,
		  .views = RTM_VIEW_MASK_ALL, .want = a2 },
		{ "full a2, interface 1", RTM_MATCH_FULL,
		  .owner = self->a.h, .neighbour = self->na[1],
		  .pref = 20, .metric = 2, .nnh = 1,
		  .nh = { self->na[1] }, .ifindex = 1,
		  .views = RTM_VIEW_MASK_ALL, .want = NULL },
		{ "full a2, owner B", RTM_MATCH_FULL,
		  .owner = self->b.h, .neighbour = self->na[1],
		  .pref = 20, .metric = 2, .nnh = 1,
		  .nh = { self->na[1] }, .ifindex = 2,
		  .views = RTM_VIEW_MASK_ALL, .want = NULL },
	};

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct match_case *c = &cases[i];
		DWORD st;

		memset(ri, 0, ri_size(&self->a.prof));
		ri->RouteOwner = c->owner;
		ri->Neighbour = c->neighbour;
		ri->PrefInfo.Preference = c->pref;
		ri->PrefInfo.Metric = c->metric;
		ri->NextHopsList.NumNextHops = c->nnh;
		memcpy(hops_of(ri), c->nh, c->nnh * sizeof(c->nh[0]));
		got = mkhandle(0x5a5a);
		st = RtmGetExactMatchRoute(self->a.h, &p, c->flags, ri,
					   c->ifindex, c->views, &got);
		EXPECT_TRUE(guard_intact(ri, ri_size(&self->a.prof)))
			TH_LOG("%s", c->what);
		if (!c->want) {
			EXPECT_WIN(ERROR_NOT_FOUND, st)
				TH_LOG("%s", c->what);
			EXPECT_HOLDS(st0.holds);
			continue;
		}
		ASSERT_WIN(NO_ERROR, st) TH_LOG("%s", c->what);
		EXPECT_EQ(hval(c->want), hval(got))
			TH_LOG("%s", c->what);
		/* The info is the route found, with held handles. */
		check = ri_alloc(&self->a.prof);
		ASSERT_NE(NULL, check);
		ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, got,
						     check, NULL));
		EXPECT_EQ(0, memcmp(check, ri, ri_size(&self->a.prof)))
			TH_LOG("%s: info is not the route's", c->what);
		EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h,
							 check));
		free(check);
		EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, ri));
		EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &got));
		EXPECT_HOLDS(st0.holds);
	}

	/* Without a handle wanted: the info only. */
	memset(ri, 0, ri_size(&self->a.prof));
	ri->RouteOwner = self->b.h;
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchRoute(self->a.h, &p,
			RTM_MATCH_OWNER, ri, 0, RTM_VIEW_MASK_UCAST, NULL));
	EXPECT_EQ(hval(self->b.h), hval(ri->RouteOwner));
	EXPECT_EQ(hval(self->nb[0]), hval(ri->Neighbour));
	EXPECT_EQ(RTM_ROUTE_STATE_CREATED, ri->State);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, ri));
	EXPECT_HOLDS(st0.holds);

	/* Exactly that dest: no longest match, no other. */
	RTM_NET_ADDRESS q[] = {
		pfx(self->fam, 24, 10, 5, 1, 0),
		pfx(self->fam, 15, 10, 4, 0, 0),
		pfx(self->fam, 16, 10, 6, 0, 0),
	};

	for (i = 0; i < ARRAY_SIZE(q); i++) {
		memset(ri, 0, ri_size(&self->a.prof));
		EXPECT_WIN(ERROR_NOT_FOUND, RtmGetExactMatchRoute(
				self->a.h, &q[i], RTM_MATCH_NONE, ri, 0,
				RTM_VIEW_MASK_ALL, &got));
	}
	/* Host bits of the address are masked. */
	q[0] = pfx(self->fam, 16, 10, 5, 1, 1);
	memset(ri, 0, ri_size(&self->a.prof));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchRoute(self->a.h, &q[0],
			RTM_MATCH_NONE, ri, 0, RTM_VIEW_MASK_ALL, &got));
	EXPECT_EQ(hval(a1), hval(got));
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, ri));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &got));

	/* Bad arguments. */
	memset(ri, 0, ri_size(&self->a.prof));
	EXPECT_WIN(ERROR_NOT_SUPPORTED, RtmGetExactMatchRoute(self->a.h, &p,
			RTM_MATCH_NONE, ri, 0, 0x4, &got));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetExactMatchRoute(self->a.h, &p,
			0x10000, ri, 0, RTM_VIEW_MASK_ALL, &got));
	ri->NextHopsList.NumNextHops = self->a.prof.MaxNextHopsInRoute + 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetExactMatchRoute(self->a.h, &p,
			RTM_MATCH_NEXTHOP, ri, 0, RTM_VIEW_MASK_ALL, &got));
	memset(ri, 0, ri_size(&self->a.prof));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetExactMatchRoute(self->a.h,
			NULL, RTM_MATCH_NONE, ri, 0, RTM_VIEW_MASK_ALL, &got));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetExactMatchRoute(self->a.h, &p,
			RTM_MATCH_NONE, NULL, 0, RTM_VIEW_MASK_ALL, &got));
	bad = p;
	bad.AddressFamily = self->fam == AF_INET ? AF_INET6 : AF_INET;
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetExactMatchRoute(self->a.h,
			&bad, RTM_MATCH_NONE, ri, 0, RTM_VIEW_MASK_ALL, &got));
	bad = p;
	bad.NumBits = fam_bits(self->fam) + 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetExactMatchRoute(self->a.h,
			&bad, RTM_MATCH_NONE, ri, 0, RTM_VIEW_MASK_ALL, &got));
	EXPECT_TRUE(guard_intact(ri, ri_size(&self->a.prof)));
	EXPECT_HOLDS(st0.holds);

	EXPECT_WIN(NO_ERROR, del(self->a.h, a1));
	EXPECT_WIN(NO_ERROR, del(self->a.h, a2));
	EXPECT_WIN(NO_ERROR, del(self->a.h, a3));
	EXPECT_WIN(NO_ERROR, del(self->b.h, b1));
	EXPECT_STATS(&self->regd);
	free(ri);
}

/* ------------------------------------------------------------------ */
/* Hold-down                                                            */
/* ------------------------------------------------------------------ */

/* The unicast HoldRoute and best route of the dest @dh. */
static DWORD view0(RTM_ENTITY_HANDLE e, RTM_DEST_HANDLE dh, RTM_VIEW_SET views,
		   RTM_ROUTE_HANDLE *hold, RTM_ROUTE_HANDLE *best, UINT *n)
{
	RTM_DEST_INFO d;
	DWORD st;

	memset(&d, 0, sizeof(d));
	st = RtmGetDestInfo(e, dh, RTM_BEST_PROTOCOL, views, &d);
	if (st != NO_ERROR)
		return st;
	*hold = d.ViewInfo[0].HoldRoute;
	*best = d.ViewInfo[0].Route;
	*n = d.ViewInfo[0].NumRoutes;
	return RtmReleaseDestInfo(e, &d);
}

/*
 * RtmHoldDestination: the last route of a held view stays as its
 * HoldRoute, readable, until the longest hold time asked for has passed,
 * whatever routes come meanwhile.
 */
TEST_F(dest, hold_down)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 7, 0, 0);
	RTM_NET_ADDRESS p2 = pfx(self->fam, 16, 10, 17, 0, 0);
	RTM_NET_ADDRESS hq = host(self->fam, 10, 7, 1, 1);
	RTM_ROUTE_HANDLE ra, rb, hold = NULL, best = NULL, prev;
	RTM_DEST_INFO *d = di_alloc(2);
	RTM_DEST_HANDLE dh, dh2, bad[4];
	struct route_buf b;
	long long t0, gone_ms = -1;
	unsigned int i;
	UINT n = 0;

	REQUIRE_RTM();
	ASSERT_NE(NULL, d);
	ASSERT_WIN(NO_ERROR, add(self->a.h, p, spec(10, 1, 0, 0, NULL, NULL),
				 &ra));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	dh = d->DestHandle;
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &dh));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));

	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmHoldDestination(self->a.h, dh, RTM_VIEW_MASK_UCAST, 0));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmHoldDestination(self->a.h, dh, RTM_VIEW_MASK_NONE, 100));
	EXPECT_WIN(ERROR_NOT_SUPPORTED,
		   RtmHoldDestination(self->a.h, dh, 0x4, 100));
	/* Any entity may hold any dest; the longest time counts. */
	EXPECT_WIN(NO_ERROR,
		   RtmHoldDestination(self->b.h, dh, RTM_VIEW_MASK_UCAST, 50));
	EXPECT_WIN(NO_ERROR, RtmHoldDestination(self->a.h, dh,
						RTM_VIEW_MASK_UCAST, HOLD_MS));
	EXPECT_WIN(NO_ERROR,
		   RtmHoldDestination(self->a.h, dh, RTM_VIEW_MASK_UCAST, 100));
	/* Nothing is held while the route lives. */
	ASSERT_WIN(NO_ERROR, view0(self->a.h, dh, RTM_VIEW_MASK_UCAST, &hold,
				   &best, &n));
	EXPECT_EQ(NULL, hold);
	EXPECT_EQ(hval(ra), hval(best));

	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &ra));
	t0 = now_ms();
	EXPECT_WIN(NO_ERROR, del(self->a.h, ra));
	ASSERT_WIN(NO_ERROR, view0(self->a.h, dh, RTM_VIEW_MASK_UCAST, &hold,
				   &best, &n));
	EXPECT_EQ(hval(ra), hval(hold));
	EXPECT_EQ(NULL, best);
	EXPECT_EQ(0U, n);
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, ra, &b.ri, NULL));
	EXPECT_EQ(RTM_ROUTE_STATE_DELETED, b.ri.State);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, &b.ri));
	/* Only RTM_VIEW_MASK_ANY queries find a dest in hold-down only. */
	EXPECT_WIN(ERROR_NOT_FOUND, RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	EXPECT_WIN(ERROR_NOT_FOUND, RtmGetMostSpecificDestination(self->a.h,
				&hq, RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_ANY, d));
	EXPECT_EQ(hval(dh), hval(d->DestHandle));
	EXPECT_EQ(0U, d->BelongsToViews);
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	ASSERT_WIN(NO_ERROR, RtmGetMostSpecificDestination(self->a.h, &hq,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_ANY, d));
	EXPECT_EQ(hval(dh), hval(d->DestHandle));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));

	/* A new route is the best at once; the held one stays. */
	ASSERT_WIN(NO_ERROR, add(self->b.h, p, spec(20, 1, 0, 0, NULL, NULL),
				 &rb));
	ASSERT_WIN(NO_ERROR, view0(self->a.h, dh, RTM_VIEW_MASK_UCAST, &hold,
				   &best, &n));
	EXPECT_EQ(hval(ra), hval(hold));
	EXPECT_EQ(hval(rb), hval(best));
	EXPECT_EQ(1U, n);

	/* Reported until the timer ends, and not a moment before. */
	prev = ra;
	while (now_ms() - t0 < WAIT_MS) {
		ASSERT_WIN(NO_ERROR, view0(self->a.h, dh, RTM_VIEW_MASK_UCAST,
					   &hold, &best, &n));
		if (!hold) {
			if (gone_ms < 0)
				gone_ms = now_ms() - t0;
		} else {
			EXPECT_EQ(hval(ra), hval(hold));
			/* Never back once gone. */
			EXPECT_NE(NULL, prev);
			if (gone_ms >= 0)
				break;
		}
		prev = hold;
		if (gone_ms >= 0 && now_ms() - t0 > gone_ms + 100)
			break;
		usleep(20000);
	}
	ASSERT_LE(0, gone_ms) TH_LOG("HoldRoute still there after %d ms",
				     WAIT_MS);
	EXPECT_LE(HOLD_MS - EARLY_MS(HOLD_MS), gone_ms)
		TH_LOG("hold-down of %d ms ended after %lld ms", HOLD_MS,
		       gone_ms);
	EXPECT_EQ(hval(rb), hval(best));
	/* The held route is the caller's to release, still DELETED. */
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, ra, &b.ri, NULL));
	EXPECT_EQ(RTM_ROUTE_STATE_DELETED, b.ri.State);
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, &b.ri));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &ra));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetRouteInfo(self->a.h, ra, &b.ri,
							 NULL));

	/* Held in the other view only: nothing held in this one. */
	EXPECT_WIN(NO_ERROR, RtmHoldDestination(self->a.h, dh,
						RTM_VIEW_MASK_MCAST, HOLD_MS));
	EXPECT_WIN(NO_ERROR, del(self->b.h, rb));
	ASSERT_WIN(NO_ERROR, view0(self->a.h, dh, RTM_VIEW_MASK_UCAST, &hold,
				   &best, &n));
	EXPECT_EQ(NULL, hold);
	EXPECT_WIN(ERROR_NOT_FOUND, RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_ANY, d));

	/* A route of both views on a dest held in unicast: held there only. */
	ASSERT_WIN(NO_ERROR, add(self->a.h, p2, spec(1, 1, RTM_VIEW_MASK_UCAST |
				 RTM_VIEW_MASK_MCAST, 0, NULL, NULL), &ra));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p2,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_ANY, d));
	dh2 = d->DestHandle;
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &dh2));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	EXPECT_WIN(NO_ERROR, RtmHoldDestination(self->a.h, dh2,
						RTM_VIEW_MASK_UCAST, HOLD_MS));
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &ra));
	EXPECT_WIN(NO_ERROR, del(self->a.h, ra));
	memset(d, 0, RTM_SIZE_OF_DEST_INFO(2));
	ASSERT_WIN(NO_ERROR, RtmGetDestInfo(self->a.h, dh2, RTM_BEST_PROTOCOL,
					    RTM_VIEW_MASK_ALL, d));
	EXPECT_TRUE(guard_intact(d, RTM_SIZE_OF_DEST_INFO(2)));
	EXPECT_EQ(hval(ra), hval(d->ViewInfo[0].HoldRoute));
	EXPECT_EQ(NULL, d->ViewInfo[1].HoldRoute);
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));

	/* Its end is waited for: then the dest goes with the last handle. */
	for (t0 = now_ms(); now_ms() - t0 < WAIT_MS; usleep(20000)) {
		ASSERT_WIN(NO_ERROR, view0(self->a.h, dh2, RTM_VIEW_MASK_UCAST,
					   &hold, &best, &n));
		if (!hold)
			break;
	}
	EXPECT_EQ(NULL, hold);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &ra));
	memset(d, 0, RTM_SIZE_OF_DEST_INFO(0));
	d->DestHandle = dh2;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));

	/* Bad dest handles. */
	bad[0] = NULL;
	bad[1] = mkhandle((2ULL << 56) | 0xfffffffffULL);
	bad[2] = handle_with_kind(dh, 3);
	bad[3] = handle_with_kind(dh, 0x7f);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_WIN(ERROR_INVALID_HANDLE, RtmHoldDestination(self->a.h,
				bad[i], RTM_VIEW_MASK_UCAST, 100))
			TH_LOG("handle %u", i);
	memset(d, 0, RTM_SIZE_OF_DEST_INFO(0));
	d->DestHandle = dh;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmHoldDestination(self->a.h, dh,
					RTM_VIEW_MASK_UCAST, 100));
	EXPECT_STATS(&self->regd);
	EXPECT_TABLE(INST, self->fam, 0, 0, 3);
	free(d);
}

/* Whether each view of @dh has a HoldRoute now. */
static DWORD held2(RTM_ENTITY_HANDLE e, RTM_DEST_HANDLE dh, RTM_DEST_INFO *d,
		   bool *u, bool *m)
{
	DWORD st;

	st = RtmGetDestInfo(e, dh, RTM_BEST_PROTOCOL,
			    RTM_VIEW_MASK_UCAST | RTM_VIEW_MASK_MCAST, d);
	if (st != NO_ERROR)
		return st;
	*u = d->ViewInfo[0].HoldRoute != NULL;
	*m = d->ViewInfo[1].HoldRoute != NULL;
	return RtmReleaseDestInfo(e, d);
}

/* A held dest of the test below, and when each view let go. */
struct held_dest {
	RTM_DEST_HANDLE dh;
	long long gone_u, gone_m;	/* ms after t0, or -1 */
};

/* Poll until both views of every dest let go, or @until ms after @t0. */
static DWORD poll_holds(RTM_ENTITY_HANDLE e, RTM_DEST_INFO *d,
			struct held_dest *h, unsigned int n, long long t0,
			long long until)
{
	unsigned int i, left;
	bool u, m;
	DWORD st;

	do {
		for (i = 0, left = 0; i < n; i++) {
			st = held2(e, h[i].dh, d, &u, &m);
			if (st != NO_ERROR)
				return st;
			if (!u && h[i].gone_u < 0)
				h[i].gone_u = now_ms() - t0;
			if (!m && h[i].gone_m < 0)
				h[i].gone_m = now_ms() - t0;
			left += h[i].gone_u < 0 || h[i].gone_m < 0;
		}
		if (!left)
			break;
		usleep(20000);
	} while (now_ms() - t0 < until);
	return NO_ERROR;
}

#define HOLD_SHORT	HOLD_MS
#define HOLD_LONG	(4 * HOLD_MS)

/*
 * "All routes in a hold-down state are held for all views for a single,
 * maximum hold time, regardless of the HoldTime specified": per dest, the
 * longest time asked holds every view, the views held before included,
 * and a longer time asked while routes are held holds them longer.  The
 * maximum is that of the calls made for one hold-down: once it ends, the
 * next takes the times asked for it.  Another dest keeps its own time.
 */
TEST_F(dest, hold_down_single_maximum)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 27, 0, 0);
	RTM_NET_ADDRESS p2 = pfx(self->fam, 16, 10, 28, 0, 0);
	RTM_DEST_INFO *d = di_alloc(2);
	struct held_dest h[2];
	RTM_ROUTE_HANDLE ru, rm, r2;
	long long t0, t1;
	bool u = false, m = false;
	unsigned int i;

	REQUIRE_RTM();
	ASSERT_NE(NULL, d);
	ASSERT_WIN(NO_ERROR, add(self->a.h, p, spec(1, 1, RTM_VIEW_MASK_UCAST,
						    0, NULL, NULL), &ru));
	ASSERT_WIN(NO_ERROR, add(self->a.h, p, spec(1, 1, RTM_VIEW_MASK_MCAST,
						    0, self->na[0], NULL),
				 &rm));
	ASSERT_WIN(NO_ERROR, add(self->b.h, p2, spec(1, 1, RTM_VIEW_MASK_UCAST,
						     0, NULL, NULL), &r2));
	memset(h, 0, sizeof(h));
	for (i = 0; i < 2; i++) {
		ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h,
				i ? &p2 : &p, RTM_BEST_PROTOCOL,
				RTM_VIEW_MASK_ANY, d));
		h[i].dh = d->DestHandle;
		h[i].gone_u = h[i].gone_m = -1;
		EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1,
							 &h[i].dh));
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	}

	/* Unicast held for the short time, on both dests. */
	EXPECT_WIN(NO_ERROR, RtmHoldDestination(self->a.h, h[0].dh,
						RTM_VIEW_MASK_UCAST,
						HOLD_SHORT));
	EXPECT_WIN(NO_ERROR, RtmHoldDestination(self->b.h, h[1].dh,
						RTM_VIEW_MASK_UCAST,
						HOLD_SHORT));
	t0 = now_ms();
	EXPECT_WIN(NO_ERROR, del(self->a.h, ru));
	EXPECT_WIN(NO_ERROR, del(self->b.h, r2));
	ASSERT_WIN(NO_ERROR, held2(self->a.h, h[0].dh, d, &u, &m));
	EXPECT_TRUE(u);
	EXPECT_FALSE(m);

	/* Multicast marked for the long time: unicast is held as long. */
	EXPECT_WIN(NO_ERROR, RtmHoldDestination(self->a.h, h[0].dh,
						RTM_VIEW_MASK_MCAST,
						HOLD_LONG));
	while (now_ms() - t0 < HOLD_SHORT + HOLD_SHORT / 2)
		usleep(20000);
	ASSERT_WIN(NO_ERROR, held2(self->a.h, h[0].dh, d, &u, &m));
	EXPECT_TRUE(u) TH_LOG("unicast let go at the short time, %d ms",
			      HOLD_SHORT);
	/* The other dest went at its own time. */
	ASSERT_WIN(NO_ERROR, poll_holds(self->a.h, d, &h[1], 1, t0, WAIT_MS));
	EXPECT_LE(HOLD_SHORT - EARLY_MS(HOLD_SHORT), h[1].gone_u);
	EXPECT_GT(HOLD_LONG, h[1].gone_u);

	/* Multicast held now: one time for both views, from now. */
	t1 = now_ms();
	EXPECT_WIN(NO_ERROR, del(self->a.h, rm));
	ASSERT_WIN(NO_ERROR, held2(self->a.h, h[0].dh, d, &u, &m));
	EXPECT_TRUE(u);
	EXPECT_TRUE(m);
	ASSERT_WIN(NO_ERROR, poll_holds(self->a.h, d, h, 1, t1, WAIT_MS));
	ASSERT_LE(0, h[0].gone_u) TH_LOG("still held after %d ms", WAIT_MS);
	ASSERT_LE(0, h[0].gone_m) TH_LOG("still held after %d ms", WAIT_MS);
	EXPECT_LE(HOLD_LONG - EARLY_MS(HOLD_LONG), h[0].gone_u)
		TH_LOG("unicast let go after %lld ms", h[0].gone_u);
	EXPECT_LE(HOLD_LONG - EARLY_MS(HOLD_LONG), h[0].gone_m)
		TH_LOG("multicast let go after %lld ms", h[0].gone_m);
	EXPECT_GT(200, llabs(h[0].gone_u - h[0].gone_m))
		TH_LOG("views let go at %lld and %lld ms", h[0].gone_u,
		       h[0].gone_m);

	/* The next hold-down takes the time asked for it. */
	ASSERT_WIN(NO_ERROR, add(self->a.h, p, spec(1, 1, RTM_VIEW_MASK_UCAST,
						    0, NULL, NULL), &ru));
	EXPECT_WIN(NO_ERROR, RtmHoldDestination(self->a.h, h[0].dh,
						RTM_VIEW_MASK_UCAST,
						HOLD_SHORT));
	h[0].gone_u = h[0].gone_m = -1;
	t0 = now_ms();
	EXPECT_WIN(NO_ERROR, del(self->a.h, ru));
	ASSERT_WIN(NO_ERROR, poll_holds(self->a.h, d, h, 1, t0, WAIT_MS));
	EXPECT_LE(HOLD_SHORT - EARLY_MS(HOLD_SHORT), h[0].gone_u);
	EXPECT_GT(HOLD_LONG - EARLY_MS(HOLD_LONG), h[0].gone_u)
		TH_LOG("held %lld ms for %d ms asked: an old maximum",
		       h[0].gone_u, HOLD_SHORT);

	for (i = 0; i < 2; i++) {
		memset(d, 0, RTM_SIZE_OF_DEST_INFO(0));
		d->DestHandle = h[i].dh;
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	}
	EXPECT_STATS(&self->regd);
	EXPECT_TABLE(INST, self->fam, 0, 0, 3);
	free(d);
}

/* What a dest info holds goes back with RtmReleaseDestInfo, all or nothing. */
TEST_F(dest, release_dest_info)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 8, 0, 0);
	RTM_ROUTE_HANDLE ru, rm;
	RTM_DEST_INFO *d = di_alloc(2);
	struct rtm_stats st0;
	RTM_ENTITY_HANDLE owner;

	REQUIRE_RTM();
	ASSERT_NE(NULL, d);
	ASSERT_WIN(NO_ERROR, add(self->a.h, p, spec(1, 1, RTM_VIEW_MASK_UCAST,
						    0, NULL, NULL), &ru));
	ASSERT_WIN(NO_ERROR, add(self->b.h, p, spec(1, 1, RTM_VIEW_MASK_MCAST,
						    0, NULL, NULL), &rm));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &ru));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->b.h, 1, &rm));
	ASSERT_EQ(0, read_stats(&st0));

	/* B: the dest, both routes, both owners. */
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->b.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_ALL, d));
	EXPECT_HOLDS(st0.holds + 5);
	/* One handle in it not held: nothing is released. */
	owner = d->ViewInfo[1].Owner;
	d->ViewInfo[1].Owner = mkhandle(((uint64_t)HANDLE_KIND_ENTITY << 56) |
					0xfffffff);
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseDestInfo(self->b.h, d));
	EXPECT_HOLDS(st0.holds + 5);
	d->ViewInfo[1].Owner = owner;
	d->NumberOfViews = RTM_MAX_VIEWS + 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmReleaseDestInfo(self->b.h, d));
	d->NumberOfViews = 2;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->b.h, d));
	EXPECT_HOLDS(st0.holds);
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseDestInfo(self->b.h, d));
	EXPECT_HOLDS(st0.holds);
	/* Not B's to release if A got it. */
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_ALL, d));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseDestInfo(self->b.h, d));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	EXPECT_HOLDS(st0.holds);
	EXPECT_TABLE(INST, self->fam, 1, 2, 3);
	free(d);
}

/* Calls that take a dest handle refuse bad ones. */
TEST_F(dest, bad_handles)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 9, 0, 0);
	USHORT other_fam = self->fam == AF_INET ? AF_INET6 : AF_INET;
	RTM_ROUTE_HANDLE r, rx, gone_r;
	RTM_DEST_HANDLE live, gone, foreign, bad[7];
	RTM_DEST_INFO *d = di_alloc(1);
	struct ent x;
	unsigned int i;

	REQUIRE_RTM();
	ASSERT_NE(NULL, d);
	ASSERT_WIN(NO_ERROR, add(self->a.h, p, spec(1, 1, 0, 0, NULL, NULL), &r));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	live = d->DestHandle;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	ASSERT_WIN(NO_ERROR, add(self->a.h, pfx(self->fam, 16, 10, 10, 0, 0),
				 spec(1, 1, 0, 0, NULL, NULL), &gone_r));
	{
		RTM_NET_ADDRESS q = pfx(self->fam, 16, 10, 10, 0, 0);

		ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &q,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	}
	gone = d->DestHandle;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d));
	EXPECT_WIN(NO_ERROR, del(self->a.h, gone_r));
	ASSERT_WIN(NO_ERROR, ent_register(&x, INST, other_fam, PROTO_A, 9, NULL));
	ASSERT_WIN(NO_ERROR, add(x.h, pfx(other_fam, 16, 10, 9, 0, 0),
				 spec(1, 1, 0, 0, NULL, NULL), &rx));
	{
		RTM_NET_ADDRESS q = pfx(other_fam, 16, 10, 9, 0, 0);

		ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(x.h, &q,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d));
	}
	foreign = d->DestHandle;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(x.h, d));

	bad[0] = NULL;
	bad[1] = mkhandle((2ULL << 56) | 0xfffffffffULL);
	bad[2] = handle_with_kind(live, 3);
	bad[3] = handle_with_kind(live, HANDLE_KIND_ENTITY);
	bad[4] = r;
	bad[5] = gone;
	bad[6] = foreign;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(d, 0, RTM_SIZE_OF_DEST_INFO(1));
		EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetDestInfo(self->a.h,
				bad[i], RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST,
				d)) TH_LOG("handle %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetLessSpecificDestination(
				self->a.h, bad[i], RTM_BEST_PROTOCOL,
				RTM_VIEW_MASK_UCAST, d)) TH_LOG("handle %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE, RtmHoldDestination(self->a.h,
				bad[i], RTM_VIEW_MASK_UCAST, 10))
			TH_LOG("handle %u", i);
		EXPECT_EQ(NULL, d->ViewInfo[0].Route);
		if (bad[i] == r)
			continue;	/* a good handle for what follows */
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmReferenceHandles(self->a.h, 1, &bad[i]))
			TH_LOG("handle %u", i);
		d->DestHandle = bad[i];
		if (bad[i])
			EXPECT_WIN(ERROR_INVALID_HANDLE,
				   RtmReleaseDestInfo(self->a.h, d))
				TH_LOG("handle %u", i);
	}
	/* A live dest whose handle A does not hold is still A's to read. */
	memset(d, 0, RTM_SIZE_OF_DEST_INFO(1));
	ASSERT_WIN(NO_ERROR, RtmGetDestInfo(self->b.h, live, RTM_BEST_PROTOCOL,
					    RTM_VIEW_MASK_UCAST, d));
	EXPECT_EQ(hval(r), hval(d->ViewInfo[0].Route));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->b.h, d));

	EXPECT_WIN(NO_ERROR, ent_deregister(&x));
	EXPECT_TABLE_EMPTY(INST, other_fam);
	EXPECT_WIN(NO_ERROR, del(self->a.h, r));
	EXPECT_STATS(&self->regd);
	free(d);
}

TEST_HARNESS_MAIN
