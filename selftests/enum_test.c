// SPDX-License-Identifier: GPL-2.0
/*
 * Enumerations through librtm (reference 4.5, 7.8, 8.3, 8.5, 10, 11 item 1):
 * RtmCreateDestEnum with START, NEXT and RANGE, RTM_ENUM_OWN_DESTS, views
 * (RTM_VIEW_MASK_ANY with hold-down dests) and ProtocolId; RtmGetEnumDests
 * and its packed infos; RtmReleaseDests; RtmCreateRouteEnum over one dest,
 * the table or a range, RTM_ENUM_OWN_ROUTES, views and every RTM_MATCH_*
 * criterion; RtmGetEnumRoutes and RtmReleaseRoutes; RtmCreateNextHopEnum,
 * RtmGetEnumNextHops and RtmReleaseNextHops; RtmDeleteEnumHandle for every
 * kind; batches of every size from 1 to MaxHandlesInEnum; the cap on
 * enumerations; enumerations of a process that exits; a cursor that moves
 * on while the table changes, and a walk while two processes churn it.
 *
 * Every test uses RTM instance INST, which no other test program uses, so
 * its tables hold only what the test put there; the one with a dest in
 * hold-down uses INST_HOLD, and waits for the hold-down to end before it
 * ends, so that nothing of it outlives it.
 */
#include <sched.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "enum_util.h"

#define INST		12
#define INST_HOLD	15		/* a dest in hold-down */
#define HOLD_MS		5000		/* long enough for the test's checks */
#define PROTO_A		0x9100
#define PROTO_B		0x9200
#define PROTO_W		0x9300		/* churn writers */

FIXTURE(fam) {
	USHORT family;
};

FIXTURE_VARIANT(fam) {
	USHORT family;
};

FIXTURE_VARIANT_ADD(fam, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(fam, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(fam)
{
	self->family = variant->family;
}

FIXTURE_TEARDOWN(fam)
{
}

/* ------------------------------------------------------------------ */
/* Walking dest enumerations                                            */
/* ------------------------------------------------------------------ */

/* What a test keeps of one dest info (its handles are released). */
/*
 * Read a dest enumeration to its end in batches of @batch, checking the
 * batch protocol: NO_ERROR with 1..@batch infos of @nviews views each,
 * packed with their stride and nothing written beyond them; a short batch
 * is the last; the end is ERROR_NO_MORE_ITEMS with 0, and stays so.  Each
 * batch is released with RtmReleaseDests.  The dests go to @out (at most
 * @cap); returns how many came.
 */
static unsigned int walk_dests(struct __test_metadata *_metadata,
			       RTM_ENTITY_HANDLE h, RTM_ENUM_HANDLE en,
			       UINT batch, UINT nviews, struct dent *out,
			       unsigned int cap)
{
	size_t stride = di_stride(nviews);
	unsigned int n = 0, i;
	bool short_seen = false;
	char *buf;
	UINT num;
	DWORD st;
	int calls;

	buf = malloc((batch + 1) * stride);
	ASSERT_NE(NULL, buf);
	for (calls = 0;; calls++) {
		ASSERT_LT(calls, 100000) TH_LOG("the enumeration never ends");
		memset(buf, DI_SENTINEL, (batch + 1) * stride);
		num = batch;
		st = RtmGetEnumDests(h, en, &num, (PRTM_DEST_INFO)buf);
		if (st != NO_ERROR) {
			EXPECT_WIN(ERROR_NO_MORE_ITEMS, st);
			EXPECT_EQ(0U, num);
			EXPECT_TRUE(untouched(buf, (batch + 1) * stride));
			break;
		}
		EXPECT_LE(1U, num) TH_LOG("NO_ERROR with an empty batch");
		EXPECT_GE(batch, num);
		EXPECT_FALSE(short_seen) TH_LOG("entries after a short batch");
		if (num < 1 || num > batch)
			break;
		short_seen = num < batch;
		EXPECT_TRUE(untouched(buf + num * stride,
				      (batch + 1 - num) * stride))
			TH_LOG("written beyond %u infos of stride %zu", num,
			       stride);
		for (i = 0; i < num; i++) {
			RTM_DEST_INFO *di = di_at(buf, nviews, i);

			EXPECT_EQ(nviews, di->NumberOfViews);
			EXPECT_NE(NULL, di->DestHandle);
			if (n < cap)
				dent_of(&out[n], di);
			n++;
		}
		EXPECT_WIN(NO_ERROR, RtmReleaseDests(h, num,
						     (PRTM_DEST_INFO)buf));
	}
	/* The end stays the end. */
	num = batch;
	EXPECT_WIN(ERROR_NO_MORE_ITEMS,
		   RtmGetEnumDests(h, en, &num, (PRTM_DEST_INFO)buf));
	EXPECT_EQ(0U, num);
	free(buf);
	return n;
}

/* The walk returned exactly @want, in that order. */
static void expect_dests(struct __test_metadata *_metadata,
			 const struct dent *got, unsigned int ngot,
			 const RTM_NET_ADDRESS *want, unsigned int nwant,
			 const char *what)
{
	unsigned int i;

	EXPECT_EQ(nwant, ngot) TH_LOG("%s: %u dests, want %u", what, ngot,
				      nwant);
	for (i = 0; i < ngot && i < nwant; i++) {
		EXPECT_TRUE(pfx_eq(&got[i].addr, &want[i]))
			TH_LOG("%s: dest %u is %s, want %s", what, i,
			       pfx_str(&got[i].addr), pfx_str(&want[i]));
		if (!pfx_eq(&got[i].addr, &want[i]))
			break;
	}
}

/* Create a dest enum and walk it; the number of dests that came. */
static unsigned int dest_walk(struct __test_metadata *_metadata,
			      RTM_ENTITY_HANDLE h, RTM_VIEW_SET views,
			      RTM_ENUM_FLAGS flags, const RTM_NET_ADDRESS *at,
			      ULONG proto, UINT batch, UINT nviews,
			      struct dent *out, unsigned int cap)
{
	RTM_NET_ADDRESS a;
	RTM_ENUM_HANDLE en = NULL;
	unsigned int n;

	if (at)
		a = *at;
	ASSERT_WIN(NO_ERROR, RtmCreateDestEnum(h, views, flags, at ? &a : NULL,
					       proto, &en));
	ASSERT_NE(NULL, en);
	n = walk_dests(_metadata, h, en, batch, nviews, out, cap);
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(h, en));
	return n;
}

/* A set of prefixes, both families alike, with the edges of the space. */
static unsigned int make_prefixes(USHORT fam, RTM_NET_ADDRESS *p,
				  unsigned int max, uint64_t seed)
{
	static const uint8_t lens[] = { 1, 7, 8, 9, 12, 16, 20, 24, 25, 28,
					31, 32 };
	static const uint8_t ones[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	static const uint8_t zero[16];
	unsigned int n = 0, i, j;

	p[n++] = pfx(fam, 0, 0, 0, 0, 0);			/* 0/0, ::/0 */
	p[n++] = pfx_raw(fam, zero, fam_bits(fam));		/* 0/32, ::/128 */
	p[n++] = pfx_raw(fam, ones, fam_bits(fam));		/* all ones */
	p[n++] = pfx(fam, 10, 0, 0, 0, 8);
	p[n++] = pfx(fam, 10, 0, 0, 0, 16);
	p[n++] = pfx(fam, 10, 0, 0, 0, 24);
	p[n++] = pfx(fam, 10, 0, 0, 0, 32);
	p[n++] = pfx(fam, 10, 0, 0, 1, 32);
	p[n++] = pfx(fam, 10, 0, 0, 128, 25);
	p[n++] = pfx(fam, 10, 1, 0, 0, 16);
	p[n++] = pfx(fam, 11, 0, 0, 0, 8);
	if (fam == AF_INET6) {
		uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, 10, 0, 0, 0,
				  0, 0, 0, 0, 0, 0, 0, 1 };

		p[n++] = pfx_raw(fam, a, 128);		/* host inside 10.0.0.0 */
		a[15] = 2;
		p[n++] = pfx_raw(fam, a, 127);
	}
	while (n < max) {
		RTM_NET_ADDRESS c;
		uint64_t r = prng(&seed);

		c = pfx(fam, 8 + (r & 7), r >> 8, r >> 16, r >> 24,
			lens[(r >> 32) % sizeof(lens)]);
		for (j = 0; j < n; j++)
			if (pfx_eq(&c, &p[j]))
				break;
		if (j == n)
			p[n++] = c;
	}
	/* Shuffle: the table is built in no particular order. */
	for (i = n - 1; i > 0; i--) {
		RTM_NET_ADDRESS t;

		j = prng(&seed) % (i + 1);
		t = p[i];
		p[i] = p[j];
		p[j] = t;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Dest enumerations                                                    */
/* ------------------------------------------------------------------ */

#define NORDER	150

/*
 * START walks every dest in the reference's order, in batches of every
 * size from 1 to MaxHandlesInEnum, with infos of 1, 2 and 0 views packed
 * at their stride; every reference taken is given back.  (On a slow
 * kernel: the edge sizes, each on a walk that starts near the end so that
 * it has a full batch, a short one and the end, and one whole walk.)
 */
TEST_F(fam, dest_order_every_batch)
{
	RTM_NET_ADDRESS p[NORDER], sorted[NORDER];
	struct rtm_stats base, st;
	struct table_stats tbase;
	struct dent *got;
	struct ent a;
	UINT b, max, *sizes;
	unsigned int i, j, n, nsizes;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_EQ(0, read_table(INST, self->family, &tbase));
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, self->family, PROTO_A, 1, NULL));
	max = a.prof.MaxHandlesInEnum;
	ASSERT_LE(2U, max);
	ASSERT_GT((UINT)NORDER, max) TH_LOG("MaxHandlesInEnum above %u", NORDER);
	sizes = calloc(max, sizeof(*sizes));
	ASSERT_NE(NULL, sizes);
	nsizes = batch_sizes(max, sizes);

	n = make_prefixes(self->family, p, NORDER, 0x1234 + self->family);
	for (i = 0; i < n; i++) {
		struct rt r = { .pref = 1 + i % 3, .metric = i,
				.views = RTM_VIEW_MASK_UCAST |
					 RTM_VIEW_MASK_MCAST };

		ASSERT_WIN(NO_ERROR, rt_add(a.h, &p[i], &r, NULL, NULL, NULL))
			TH_LOG("%s", pfx_str(&p[i]));
	}
	memcpy(sorted, p, sizeof(p));
	qsort(sorted, n, sizeof(sorted[0]), pfx_qsort_cmp);
	got = calloc(n + 1, sizeof(*got));
	ASSERT_NE(NULL, got);
	ASSERT_EQ(0, read_stats(&st));

	for (j = 0; j <= nsizes && _metadata->passed; j++) {
		unsigned int from = 0, k;

		b = j < nsizes ? sizes[j] : max;
		if (j < nsizes && slow_kernel() && n > b + 2)
			from = n - b - 2;
		k = dest_walk(_metadata, a.h, RTM_VIEW_MASK_UCAST,
			      from ? RTM_ENUM_NEXT : RTM_ENUM_START,
			      from ? &sorted[from] : NULL, RTM_BEST_PROTOCOL,
			      b, 1, got, n + 1);
		expect_dests(_metadata, got, k, sorted + from, n - from,
			     "unicast");
		for (i = 0; i < k && i < n - from; i++) {
			EXPECT_EQ(RTM_VIEW_ID_UCAST, got[i].v[0].id);
			EXPECT_EQ(1U, got[i].v[0].nroutes);
			EXPECT_NE(NULL, got[i].v[0].route);
			EXPECT_EQ(a.h, got[i].v[0].owner);
			EXPECT_EQ(NULL, got[i].v[0].hold);
			EXPECT_EQ((RTM_VIEW_SET)(RTM_VIEW_MASK_UCAST |
						 RTM_VIEW_MASK_MCAST),
				  got[i].belongs);
		}
		EXPECT_HOLDS(st.holds);
	}

	/* Two view records (ALL), none (ANY): other strides. */
	for (b = slow_kernel() ? 7 : 1; b <= max;
	     b += slow_kernel() ? max : max / 3 > 1 ? max / 3 : 1) {
		unsigned int k;

		k = dest_walk(_metadata, a.h, RTM_VIEW_MASK_ALL, RTM_ENUM_START,
			      NULL, RTM_BEST_PROTOCOL, b, 2, got, n + 1);
		expect_dests(_metadata, got, k, sorted, n, "all views");
		for (i = 0; i < k && i < n; i++) {
			EXPECT_EQ(RTM_VIEW_ID_UCAST, got[i].v[0].id);
			EXPECT_EQ(RTM_VIEW_ID_MCAST, got[i].v[1].id);
			EXPECT_EQ(1U, got[i].v[1].nroutes);
			EXPECT_EQ(a.h, got[i].v[1].owner);
		}
		k = dest_walk(_metadata, a.h, RTM_VIEW_MASK_ANY, RTM_ENUM_START,
			      NULL, RTM_BEST_PROTOCOL, b, 0, got, n + 1);
		expect_dests(_metadata, got, k, sorted, n, "any view");
		k = dest_walk(_metadata, a.h,
			      RTM_VIEW_MASK_UCAST | RTM_VIEW_MASK_MCAST,
			      RTM_ENUM_START, NULL, RTM_BEST_PROTOCOL, b, 2,
			      got, n + 1);
		expect_dests(_metadata, got, k, sorted, n, "ucast|mcast");
	}
	EXPECT_HOLDS(st.holds);
	free(got);
	free(sizes);

	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(a.h));
	EXPECT_STATS_BACK(&base);
	EXPECT_TABLE_BACK(INST, self->family, &tbase);
}

/*
 * Views: a dest is listed in the views it has routes in; ALL gives both
 * view records, ascending; ANY none, and it alone lists a dest that only
 * has a route in hold-down.  Views outside ViewsSupported are refused.
 */
TEST_F(fam, dest_views_and_hold_down)
{
	USHORT f = self->family;
	RTM_NET_ADDRESS du = pfx(f, 10, 1, 0, 0, 16), dm = pfx(f, 10, 2, 0, 0, 16);
	RTM_NET_ADDRESS db = pfx(f, 10, 3, 0, 0, 16), dh = pfx(f, 10, 4, 0, 0, 16);
	RTM_NET_ADDRESS want[4];
	struct rt ru = { .pref = 1, .views = RTM_VIEW_MASK_UCAST };
	struct rt rm = { .pref = 1, .views = RTM_VIEW_MASK_MCAST };
	struct rt rb = { .pref = 1, .views = RTM_VIEW_MASK_UCAST |
					     RTM_VIEW_MASK_MCAST };
	static const RTM_VIEW_SET bad[] = { 0x4, 0x7, 0x80000000, 0x10 };
	RTM_DEST_INFO di[2];
	RTM_ROUTE_HANDLE rh, routes[8];
	RTM_ENUM_HANDLE en;
	struct dent got[8];
	struct ent a;
	unsigned int n, i;
	UINT num;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST_HOLD, f, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, rt_add(a.h, &du, &ru, NULL, NULL, NULL));
	ASSERT_WIN(NO_ERROR, rt_add(a.h, &dm, &rm, NULL, NULL, NULL));
	ASSERT_WIN(NO_ERROR, rt_add(a.h, &db, &rb, NULL, NULL, NULL));
	ASSERT_WIN(NO_ERROR, rt_add(a.h, &dh, &ru, NULL, &rh, NULL));

	/* dh: hold down its unicast view, then delete its only route. */
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(a.h, &dh,
							 RTM_BEST_PROTOCOL,
							 RTM_VIEW_MASK_UCAST,
							 di));
	ASSERT_WIN(NO_ERROR, RtmHoldDestination(a.h, di[0].DestHandle,
						RTM_VIEW_MASK_UCAST, HOLD_MS));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, di));
	ASSERT_WIN(NO_ERROR, rt_del(a.h, rh));
	/* It is in hold-down for real, or the checks below prove nothing. */
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(a.h, &dh,
							 RTM_BEST_PROTOCOL,
							 RTM_VIEW_MASK_ANY,
							 di));
	ASSERT_WIN(NO_ERROR, RtmGetDestInfo(a.h, di[0].DestHandle,
					    RTM_BEST_PROTOCOL,
					    RTM_VIEW_MASK_UCAST, &di[1]));
	EXPECT_EQ(0U, di[1].ViewInfo[0].NumRoutes);
	EXPECT_NE(NULL, di[1].ViewInfo[0].HoldRoute);
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, &di[1]));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, di));

	want[0] = du;
	want[1] = db;
	n = dest_walk(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_ENUM_START, NULL,
		      RTM_BEST_PROTOCOL, 8, 1, got, 8);
	expect_dests(_metadata, got, n, want, 2, "unicast");

	want[0] = dm;
	n = dest_walk(_metadata, a.h, RTM_VIEW_MASK_MCAST, RTM_ENUM_START, NULL,
		      RTM_BEST_PROTOCOL, 8, 1, got, 8);
	expect_dests(_metadata, got, n, want, 2, "multicast");
	for (i = 0; i < n && i < 2; i++)
		EXPECT_EQ(RTM_VIEW_ID_MCAST, got[i].v[0].id);

	want[0] = du;
	want[1] = dm;
	want[2] = db;
	n = dest_walk(_metadata, a.h, RTM_VIEW_MASK_ALL, RTM_ENUM_START, NULL,
		      RTM_BEST_PROTOCOL, 8, 2, got, 8);
	expect_dests(_metadata, got, n, want, 3, "all views");
	if (n == 3) {
		/* du: a unicast route only; dm: a multicast one only. */
		EXPECT_EQ((RTM_VIEW_SET)RTM_VIEW_MASK_UCAST, got[0].belongs);
		EXPECT_EQ(0, got[0].v[0].id);
		EXPECT_EQ(1U, got[0].v[0].nroutes);
		EXPECT_NE(NULL, got[0].v[0].route);
		EXPECT_EQ(1, got[0].v[1].id);
		EXPECT_EQ(0U, got[0].v[1].nroutes);
		EXPECT_EQ(NULL, got[0].v[1].route);
		EXPECT_EQ(NULL, got[0].v[1].owner);
		EXPECT_EQ((RTM_VIEW_SET)RTM_VIEW_MASK_MCAST, got[1].belongs);
		EXPECT_EQ(0U, got[1].v[0].nroutes);
		EXPECT_EQ(NULL, got[1].v[0].route);
		EXPECT_EQ(1U, got[1].v[1].nroutes);
		EXPECT_EQ(a.h, got[1].v[1].owner);
	}

	/* ANY: no view records, and the dest in hold-down too. */
	want[3] = dh;
	n = dest_walk(_metadata, a.h, RTM_VIEW_MASK_ANY, RTM_ENUM_START, NULL,
		      RTM_BEST_PROTOCOL, 8, 0, got, 8);
	expect_dests(_metadata, got, n, want, 4, "any view");
	if (n == 4)
		EXPECT_EQ(0U, got[3].belongs);

	/* Routes likewise: the held route only in ANY. */
	ASSERT_WIN(NO_ERROR, RtmCreateRouteEnum(a.h, NULL, RTM_VIEW_MASK_UCAST,
						RTM_ENUM_START, NULL,
						RTM_MATCH_NONE, NULL, 0, &en));
	num = 8;
	EXPECT_WIN(NO_ERROR, RtmGetEnumRoutes(a.h, en, &num, routes));
	EXPECT_EQ(2U, num);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, num, routes));
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, en));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteEnum(a.h, NULL, RTM_VIEW_MASK_ANY,
						RTM_ENUM_START, NULL,
						RTM_MATCH_NONE, NULL, 0, &en));
	num = 8;
	EXPECT_WIN(NO_ERROR, RtmGetEnumRoutes(a.h, en, &num, routes));
	EXPECT_EQ(4U, num);
	if (num == 4) {
		RTM_NET_ADDRESS d;

		EXPECT_WIN(NO_ERROR, RtmGetRouteInfo(a.h, routes[3], NULL,
						     &d));
		EXPECT_TRUE(pfx_eq(&d, &dh)) TH_LOG("%s", pfx_str(&d));
	}
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, num, routes));
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, en));

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		en = NULL;
		EXPECT_WIN(ERROR_NOT_SUPPORTED,
			   RtmCreateDestEnum(a.h, bad[i], RTM_ENUM_START, NULL,
					     RTM_BEST_PROTOCOL, &en))
			TH_LOG("views %#x", bad[i]);
		EXPECT_WIN(ERROR_NOT_SUPPORTED,
			   RtmCreateRouteEnum(a.h, NULL, bad[i], RTM_ENUM_START,
					      NULL, RTM_MATCH_NONE, NULL, 0,
					      &en))
			TH_LOG("views %#x", bad[i]);
	}

	/* The hold-down ends, and dh with it. */
	for (i = 0; i < 6U * HOLD_MS / 100; i++) {
		DWORD st = RtmGetExactMatchDestination(a.h, &dh,
						       RTM_BEST_PROTOCOL,
						       RTM_VIEW_MASK_ANY, di);

		if (st == ERROR_NOT_FOUND)
			break;
		EXPECT_WIN(NO_ERROR, st);
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, di));
		usleep(100000);
	}
	EXPECT_GT(6U * HOLD_MS / 100, i) TH_LOG("still in hold-down");
}

/* The dests of @all (sorted) at or after @at (NEXT), or inside it (RANGE). */
static unsigned int model_where(const RTM_NET_ADDRESS *all, unsigned int n,
				RTM_ENUM_FLAGS flags, const RTM_NET_ADDRESS *at,
				RTM_NET_ADDRESS *out)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++) {
		if (flags & RTM_ENUM_NEXT && pfx_cmp(&all[i], at) < 0)
			continue;
		if (flags & RTM_ENUM_RANGE && !pfx_covers(at, &all[i]))
			continue;
		out[k++] = all[i];
	}
	return k;
}

/*
 * NEXT runs from a prefix (inclusive, present or not) to the end; RANGE
 * covers a prefix's subtree, including itself: 0/0, host routes, /128s,
 * absent prefixes, addresses with bits beyond their length.
 */
TEST_F(fam, dest_next_and_range)
{
	USHORT f = self->family;
	const unsigned int host = fam_bits(f);
	RTM_NET_ADDRESS p[NORDER], sorted[NORDER], want[NORDER];
	static const uint8_t ones[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	static const uint8_t zero[16];
	struct {
		RTM_ENUM_FLAGS flags;
		RTM_NET_ADDRESS at;
	} q[32];
	struct dent *got;
	struct ent a;
	unsigned int n, nq = 0, i, k, g;
	static const UINT batches[] = { 1, 2, 5, 0 };

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, f, PROTO_A, 1, NULL));
	n = make_prefixes(f, p, slow_kernel() ? 40 : 100, 0x777 + f);
	for (i = 0; i < n; i++)
		ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &p[i], 1, 1, NULL));
	memcpy(sorted, p, n * sizeof(p[0]));
	qsort(sorted, n, sizeof(sorted[0]), pfx_qsort_cmp);
	got = calloc(n + 1, sizeof(*got));
	ASSERT_NE(NULL, got);

#define Q(fl, addr) do { q[nq].flags = (fl); q[nq].at = (addr); nq++; } while (0)
	Q(RTM_ENUM_START, pfx(f, 0, 0, 0, 0, 0));
	Q(RTM_ENUM_NEXT, pfx(f, 0, 0, 0, 0, 0));
	Q(RTM_ENUM_NEXT, pfx(f, 10, 0, 0, 0, 8));		/* present */
	Q(RTM_ENUM_NEXT, pfx(f, 10, 0, 0, 64, 26));		/* absent */
	Q(RTM_ENUM_NEXT, sorted[n / 2]);
	Q(RTM_ENUM_NEXT, sorted[n - 1]);			/* the last */
	Q(RTM_ENUM_NEXT, pfx_raw(f, ones, host - 1));		/* before it */
	Q(RTM_ENUM_RANGE, pfx(f, 0, 0, 0, 0, 0));		/* everything */
	Q(RTM_ENUM_RANGE, pfx(f, 10, 0, 0, 0, 8));
	Q(RTM_ENUM_RANGE, pfx(f, 10, 0, 0, 0, 24));
	Q(RTM_ENUM_RANGE, pfx(f, 10, 0, 0, 0, 23));		/* absent, covers */
	Q(RTM_ENUM_RANGE, pfx(f, 10, 0, 0, 1, 32));		/* a leaf */
	Q(RTM_ENUM_RANGE, pfx(f, 10, 0, 0, 2, 32));		/* nothing */
	Q(RTM_ENUM_RANGE, pfx(f, 12, 0, 0, 0, 8));
	Q(RTM_ENUM_RANGE, pfx_raw(f, zero, host));		/* 0/32, ::/128 */
	Q(RTM_ENUM_RANGE, pfx_raw(f, ones, host));		/* all ones */
	Q(RTM_ENUM_RANGE, pfx_raw(f, ones, 1));
	Q(RTM_ENUM_RANGE, sorted[n / 3]);
	if (f == AF_INET6) {
		uint8_t h6[16] = { 0x20, 0x01, 0x0d, 0xb8, 10, 0, 0, 0,
				   0, 0, 0, 0, 0, 0, 0, 1 };

		Q(RTM_ENUM_RANGE, pfx_raw(f, h6, 128));
		Q(RTM_ENUM_RANGE, pfx_raw(f, h6, 120));
		Q(RTM_ENUM_NEXT, pfx_raw(f, h6, 128));
	}
#undef Q

	for (i = 0; i < nq; i++) {
		k = model_where(sorted, n, q[i].flags, &q[i].at, want);
		for (g = slow_kernel() ? 2 : 0; g < ARRAY_SIZE(batches); g++) {
			UINT b = batches[g] ?: a.prof.MaxHandlesInEnum;
			unsigned int m;
			char what[96];

			m = dest_walk(_metadata, a.h, RTM_VIEW_MASK_UCAST,
				      q[i].flags,
				      q[i].flags ? &q[i].at : NULL,
				      RTM_BEST_PROTOCOL, b, 1, got, n + 1);
			snprintf(what, sizeof(what), "%s %s, batch %u",
				 q[i].flags == RTM_ENUM_NEXT ? "NEXT" :
				 q[i].flags == RTM_ENUM_RANGE ? "RANGE" :
				 "START", pfx_str(&q[i].at), b);
			expect_dests(_metadata, got, m, want, k, what);
		}
	}

	/* Bits beyond the length are ignored: 10.1.2.3/8 is 10/8. */
	{
		RTM_NET_ADDRESS dirty = pfx(f, 10, 0, 0, 0, 8);

		dirty.AddrBits[f == AF_INET ? 1 : 5] = 1;
		dirty.AddrBits[fam_bytes(f) - 1] = 3;
		k = model_where(sorted, n, RTM_ENUM_RANGE, &dirty, want);
		i = dest_walk(_metadata, a.h, RTM_VIEW_MASK_UCAST,
			      RTM_ENUM_RANGE, &dirty, RTM_BEST_PROTOCOL, 7, 1,
			      got, n + 1);
		expect_dests(_metadata, got, i, want, k, "RANGE dirty 10/8");
	}
	free(got);
}

/* Contradictory or unknown flags and bad addresses are refused. */
TEST_F(fam, dest_enum_bad_arguments)
{
	USHORT f = self->family;
	USHORT other = f == AF_INET ? AF_INET6 : AF_INET;
	RTM_NET_ADDRESS at = pfx(f, 10, 0, 0, 0, 8), tmp;
	static const RTM_ENUM_FLAGS badflags[] = {
		RTM_ENUM_NEXT | RTM_ENUM_RANGE,
		RTM_ENUM_NEXT | RTM_ENUM_RANGE | RTM_ENUM_OWN_DESTS,
		RTM_ENUM_OWN_ROUTES,		/* a route enum's */
		0x4, 0x100, 0x02000000, 0x80000000,
	};
	struct rtm_stats base, st;
	RTM_ENUM_HANDLE en;
	struct ent a;
	unsigned int i;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, f, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &at, 1, 1, NULL));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));

	for (i = 0; i < ARRAY_SIZE(badflags); i++) {
		tmp = at;
		EXPECT_WIN(ERROR_INVALID_PARAMETER,
			   RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST,
					     badflags[i], &tmp,
					     RTM_BEST_PROTOCOL, &en))
			TH_LOG("flags %#x", badflags[i]);
	}
	/* NEXT and RANGE need an address; START does not. */
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST, RTM_ENUM_NEXT,
				     NULL, RTM_BEST_PROTOCOL, &en));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST, RTM_ENUM_RANGE,
				     NULL, RTM_BEST_PROTOCOL, &en));
	/* A prefix longer than the family's, or of the other family. */
	tmp = at;
	tmp.NumBits = fam_bits(f) + 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST, RTM_ENUM_RANGE,
				     &tmp, RTM_BEST_PROTOCOL, &en));
	tmp = at;
	tmp.AddressFamily = other;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST, RTM_ENUM_NEXT,
				     &tmp, RTM_BEST_PROTOCOL, &en));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST, RTM_ENUM_START,
				     NULL, RTM_BEST_PROTOCOL, NULL));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmCreateDestEnum(NULL, RTM_VIEW_MASK_UCAST, RTM_ENUM_START,
				     NULL, RTM_BEST_PROTOCOL, &en));
	/* Nothing was created. */
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.handles, st.handles);

	ASSERT_WIN(NO_ERROR, RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST,
					       RTM_ENUM_START, NULL,
					       RTM_BEST_PROTOCOL, &en));
	/* No registration: no batch, and the count says so. */
	{
		RTM_DEST_INFO di[2];
		UINT n = 2;

		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmGetEnumDests(NULL, en, &n, di));
		EXPECT_EQ(0U, n);
	}
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, en));
}

/*
 * RTM_ENUM_OWN_DESTS: the dests where the caller owns the best route in
 * at least one of the enumeration's views.
 */
TEST_F(fam, dest_own)
{
	USHORT f = self->family;
	RTM_NET_ADDRESS d[7], want[7];
	struct dent got[8];
	struct ent a, b;
	unsigned int n, i;
	const RTM_VIEW_SET U = RTM_VIEW_MASK_UCAST, M = RTM_VIEW_MASK_MCAST;
	struct {
		int dest;
		int who;		/* 0 a, 1 b */
		ULONG pref, metric;
		RTM_VIEW_SET views;
	} routes[] = {
		{ 1, 0, 1, 1, U }, { 1, 1, 2, 1, U },	/* a best */
		{ 2, 0, 3, 1, U }, { 2, 1, 1, 1, U },	/* b best */
		{ 3, 0, 1, 1, U | M },			/* a only */
		{ 4, 1, 1, 1, U },			/* b only */
		{ 5, 0, 1, 1, M }, { 5, 1, 2, 1, M },	/* a best in mcast */
		{ 5, 1, 1, 1, U },			/* (b's other route) */
		{ 6, 0, 5, 1, U }, { 6, 1, 5, 2, U },	/* a by metric */
	};

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, f, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, f, PROTO_B, 1, NULL));
	for (i = 0; i < ARRAY_SIZE(d); i++)
		d[i] = pfx(f, 10, i, 0, 0, 16);
	for (i = 0; i < ARRAY_SIZE(routes); i++) {
		RTM_NEXTHOP_HANDLE nbr = NULL;
		struct rt r = { .pref = routes[i].pref,
				.metric = routes[i].metric,
				.views = routes[i].views };
		RTM_ENTITY_HANDLE h = routes[i].who ? b.h : a.h;
		RTM_NET_ADDRESS nha = host_of(pfx(f, 192, 0, 2, i, 32));

		/* b's second route on d5 needs a neighbour of its own. */
		if (i == 8) {
			ASSERT_WIN(NO_ERROR, nh_add(h, &nha, 1, &nbr));
			r.neighbour = nbr;
		}
		ASSERT_WIN(NO_ERROR, rt_add(h, &d[routes[i].dest], &r, NULL,
					    NULL, NULL)) TH_LOG("route %u", i);
		if (nbr)
			EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(h, 1, &nbr));
	}

	/* a, unicast: d1, d3, d6. */
	want[0] = d[1];
	want[1] = d[3];
	want[2] = d[6];
	n = dest_walk(_metadata, a.h, U, RTM_ENUM_OWN_DESTS, NULL,
		      RTM_BEST_PROTOCOL, 2, 1, got, 8);
	expect_dests(_metadata, got, n, want, 3, "a unicast");
	for (i = 0; i < n && i < 3; i++)
		EXPECT_EQ(a.h, got[i].v[0].owner);
	/* a, multicast: d3, d5. */
	want[0] = d[3];
	want[1] = d[5];
	n = dest_walk(_metadata, a.h, M, RTM_ENUM_OWN_DESTS, NULL,
		      RTM_BEST_PROTOCOL, 8, 1, got, 8);
	expect_dests(_metadata, got, n, want, 2, "a multicast");
	/* a, either view (ALL, ANY): d1, d3, d5, d6. */
	want[0] = d[1];
	want[1] = d[3];
	want[2] = d[5];
	want[3] = d[6];
	n = dest_walk(_metadata, a.h, RTM_VIEW_MASK_ALL, RTM_ENUM_OWN_DESTS,
		      NULL, RTM_BEST_PROTOCOL, 3, 2, got, 8);
	expect_dests(_metadata, got, n, want, 4, "a all views");
	n = dest_walk(_metadata, a.h, RTM_VIEW_MASK_ANY, RTM_ENUM_OWN_DESTS,
		      NULL, RTM_BEST_PROTOCOL, 1, 0, got, 8);
	expect_dests(_metadata, got, n, want, 4, "a any view");
	/* b, unicast: d2, d4, d5. */
	want[0] = d[2];
	want[1] = d[4];
	want[2] = d[5];
	n = dest_walk(_metadata, b.h, U, RTM_ENUM_OWN_DESTS, NULL,
		      RTM_BEST_PROTOCOL, 8, 1, got, 8);
	expect_dests(_metadata, got, n, want, 3, "b unicast");
	/* With a range and a start. */
	{
		RTM_NET_ADDRESS r = pfx(f, 10, 0, 0, 0, 14);	/* d0..d3 */
		RTM_NET_ADDRESS s = d[2];

		want[0] = d[1];
		want[1] = d[3];
		n = dest_walk(_metadata, a.h, U,
			      RTM_ENUM_RANGE | RTM_ENUM_OWN_DESTS, &r,
			      RTM_BEST_PROTOCOL, 1, 1, got, 8);
		expect_dests(_metadata, got, n, want, 2, "a unicast in range");
		want[0] = d[3];
		want[1] = d[6];
		n = dest_walk(_metadata, a.h, U,
			      RTM_ENUM_NEXT | RTM_ENUM_OWN_DESTS, &s,
			      RTM_BEST_PROTOCOL, 1, 1, got, 8);
		expect_dests(_metadata, got, n, want, 2, "a unicast from d2");
	}
}

/*
 * ProtocolId picks the route each view record reports (overall best, the
 * caller's protocol's, a named protocol's) and filters no dest.
 */
TEST_F(fam, dest_protocol_id)
{
	USHORT f = self->family;
	RTM_NET_ADDRESS d1 = pfx(f, 10, 1, 0, 0, 16), d2 = pfx(f, 10, 2, 0, 0, 16);
	RTM_ROUTE_HANDLE ra, rb1, rb2;
	struct dent got[4];
	struct ent a, b;
	unsigned int n;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, f, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, f, PROTO_B, 1, NULL));
	ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &d1, 10, 1, &ra));
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d1, 5, 1, &rb1));
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d2, 5, 1, &rb2));

	n = dest_walk(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_ENUM_START, NULL,
		      RTM_BEST_PROTOCOL, 4, 1, got, 4);
	ASSERT_EQ(2U, n);
	EXPECT_EQ(rb1, got[0].v[0].route);
	EXPECT_EQ(b.h, got[0].v[0].owner);
	EXPECT_EQ(2U, got[0].v[0].nroutes);
	EXPECT_EQ(rb2, got[1].v[0].route);

	n = dest_walk(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_ENUM_START, NULL,
		      PROTO_A, 4, 1, got, 4);
	ASSERT_EQ(2U, n);
	EXPECT_EQ(ra, got[0].v[0].route);
	EXPECT_EQ(a.h, got[0].v[0].owner);
	EXPECT_EQ(2U, got[0].v[0].nroutes);
	EXPECT_EQ(NULL, got[1].v[0].route);	/* listed all the same */
	EXPECT_EQ(NULL, got[1].v[0].owner);
	EXPECT_EQ(1U, got[1].v[0].nroutes);

	n = dest_walk(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_ENUM_START, NULL,
		      RTM_THIS_PROTOCOL, 1, 1, got, 4);
	ASSERT_EQ(2U, n);
	EXPECT_EQ(ra, got[0].v[0].route);
	EXPECT_EQ(NULL, got[1].v[0].route);
	n = dest_walk(_metadata, b.h, RTM_VIEW_MASK_UCAST, RTM_ENUM_START, NULL,
		      RTM_THIS_PROTOCOL, 1, 1, got, 4);
	ASSERT_EQ(2U, n);
	EXPECT_EQ(rb1, got[0].v[0].route);
	EXPECT_EQ(rb2, got[1].v[0].route);

	n = dest_walk(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_ENUM_START, NULL,
		      0x5eed, 4, 1, got, 4);
	ASSERT_EQ(2U, n);
	EXPECT_EQ(NULL, got[0].v[0].route);
	EXPECT_EQ(NULL, got[1].v[0].route);

	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 1, &ra));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(b.h, 1, &rb1));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(b.h, 1, &rb2));
}

/*
 * Batch sizes 0 and above MaxHandlesInEnum, and missing arguments, are
 * refused without moving the cursor; a handle of another kind, another
 * entity's enumeration or anything else is ERROR_INVALID_HANDLE.
 */
TEST(batch_and_handle_errors)
{
	RTM_NET_ADDRESS d[3];
	RTM_ENUM_HANDLE en, ren, nen, other;
	RTM_ROUTE_HANDLE r, routes[4];
	RTM_NEXTHOP_HANDLE nh;
	RTM_ROUTE_LIST_HANDLE list;
	char buf[8 * RTM_SIZE_OF_DEST_INFO(1)] __attribute__((aligned(8)));
	RTM_DEST_INFO *di = (void *)buf;
	struct ent a, b;
	unsigned int i;
	UINT num, max;
	HANDLE bogus[6];
	RTM_NET_ADDRESS nha = pfx(AF_INET, 192, 0, 2, 1, 32);

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	max = a.prof.MaxHandlesInEnum;
	for (i = 0; i < 3; i++) {
		d[i] = pfx(AF_INET, 10, i, 0, 0, 16);
		ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &d[i], 1, 1,
						   i ? NULL : &r));
	}
	ASSERT_WIN(NO_ERROR, nh_add(a.h, &nha, 1, &nh));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(a.h, &list));
	ASSERT_WIN(NO_ERROR, RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST,
					       RTM_ENUM_START, NULL,
					       RTM_BEST_PROTOCOL, &en));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteEnum(a.h, NULL, RTM_VIEW_MASK_UCAST,
						RTM_ENUM_START, NULL,
						RTM_MATCH_NONE, NULL, 0, &ren));
	ASSERT_WIN(NO_ERROR, RtmCreateNextHopEnum(a.h, RTM_ENUM_START, NULL,
						  &nen));
	ASSERT_WIN(NO_ERROR, RtmCreateDestEnum(b.h, RTM_VIEW_MASK_UCAST,
					       RTM_ENUM_START, NULL,
					       RTM_BEST_PROTOCOL, &other));

	/* Batch sizes. */
	num = 0;
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetEnumDests(a.h, en, &num, di));
	EXPECT_EQ(0U, num);
	num = max + 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetEnumDests(a.h, en, &num, di));
	EXPECT_EQ(0U, num);
	num = 0xffffffff;
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmGetEnumDests(a.h, en, &num, di));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetEnumDests(a.h, en, &num, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetEnumDests(a.h, en, NULL, di));
	num = 0;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetEnumRoutes(a.h, ren, &num, routes));
	num = max + 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetEnumRoutes(a.h, ren, &num, routes));
	EXPECT_EQ(0U, num);
	num = 0;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetEnumNextHops(a.h, nen, &num, routes));
	num = max + 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetEnumNextHops(a.h, nen, &num, routes));

	/* Wrong kinds of enumeration for the call. */
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetEnumRoutes(a.h, en, &num, routes));
	EXPECT_EQ(0U, num);
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetEnumNextHops(a.h, en, &num, routes));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetListEnumRoutes(a.h, en, &num, routes));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetEnumDests(a.h, ren, &num, di));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetEnumDests(a.h, nen, &num, di));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetEnumRoutes(a.h, nen, &num, routes));
	/* Another entity's enumeration, in either direction. */
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetEnumDests(a.h, other, &num, di));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetEnumDests(b.h, en, &num, di));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteEnumHandle(a.h, other));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteEnumHandle(b.h, en));

	/* Not enumerations at all. */
	bogus[0] = NULL;
	bogus[1] = r;
	bogus[2] = nh;
	bogus[3] = list;
	bogus[4] = a.h;
	bogus[5] = handle_with_kind(en, 0x7f);
	for (i = 0; i < ARRAY_SIZE(bogus); i++) {
		num = 1;
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmGetEnumDests(a.h, bogus[i], &num, di))
			TH_LOG("handle %u", i);
		num = 1;
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmGetEnumRoutes(a.h, bogus[i], &num, routes))
			TH_LOG("handle %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmDeleteEnumHandle(a.h, bogus[i]))
			TH_LOG("handle %u", i);
	}
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetEnumDests(NULL, en, &num, di));

	/* None of that moved a cursor or broke an object. */
	num = 8;
	ASSERT_WIN(NO_ERROR, RtmGetEnumDests(a.h, en, &num, di));
	ASSERT_EQ(3U, num);
	EXPECT_TRUE(pfx_eq(&di->DestAddress, &d[0]));
	EXPECT_WIN(NO_ERROR, RtmReleaseDests(a.h, num, di));
	num = 8;
	ASSERT_WIN(NO_ERROR, RtmGetEnumRoutes(a.h, ren, &num, routes));
	EXPECT_EQ(3U, num);
	EXPECT_EQ(r, routes[0]);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, num, routes));
	num = 8;
	ASSERT_WIN(NO_ERROR, RtmGetEnumDests(b.h, other, &num, di));
	EXPECT_EQ(3U, num);
	EXPECT_WIN(NO_ERROR, RtmReleaseDests(b.h, num, di));
	EXPECT_WIN(NO_ERROR, RtmInsertInRouteList(a.h, list, 1, &r));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteList(a.h, list));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(a.h, 1, &nh));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 1, &r));
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, en));
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, ren));
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, nen));
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(b.h, other));
}

/*
 * The handles of enumerated dest infos are held however the caller gives
 * them back: infos released out of order, two batches interleaved, one
 * handle of an info through its own release call (the info's release is
 * then refused whole), a handle referenced once more.
 */
TEST(release_dests_any_order)
{
	const unsigned int ndest = 40, per = 16;
	struct rtm_stats base, st;
	HANDLE route, owner, again;
	RTM_ENUM_HANDLE en;
	char *buf, *buf2;
	struct ent a;
	UINT num, i;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	for (i = 0; i < ndest; i++) {
		RTM_NET_ADDRESS d = pfx(AF_INET, 10, 77, i, 0, 24);
		struct rt r = { .pref = 1, .views = RTM_VIEW_MASK_UCAST };

		ASSERT_WIN(NO_ERROR, rt_add(a.h, &d, &r, NULL, NULL, NULL));
	}
	buf = malloc(per * di_stride(1));
	buf2 = malloc(per * di_stride(1));
	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, buf2);
	ASSERT_EQ(0, read_stats(&st));

	ASSERT_WIN(NO_ERROR, RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST,
					       RTM_ENUM_START, NULL,
					       RTM_BEST_PROTOCOL, &en));
	num = per;
	ASSERT_WIN(NO_ERROR, RtmGetEnumDests(a.h, en, &num, (void *)buf));
	ASSERT_EQ(per, num);
	num = per;
	ASSERT_WIN(NO_ERROR, RtmGetEnumDests(a.h, en, &num, (void *)buf2));
	ASSERT_EQ(per, num);

	/* The first batch from its end, the second's odd infos between. */
	for (i = per; i-- > 0;) {
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, di_at(buf, 1, i)));
		if (i % 2)
			EXPECT_WIN(NO_ERROR,
				   RtmReleaseDestInfo(a.h, di_at(buf2, 1, i)));
	}
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseDestInfo(a.h, di_at(buf, 1, 3)));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseDestInfo(a.h, di_at(buf2, 1, 5)));

	/* An info's route on its own: the info is refused whole after. */
	route = di_at(buf2, 1, 0)->ViewInfo[0].Route;
	owner = di_at(buf2, 1, 0)->ViewInfo[0].Owner;
	ASSERT_NE(NULL, route);
	ASSERT_NE(NULL, owner);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 1, &route));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseDestInfo(a.h, di_at(buf2, 1, 0)));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(a.h, 1, &route));
	/* Its dest and owner are still held: released one by one. */
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(a.h, 1, &owner));
	di_at(buf2, 1, 0)->ViewInfo[0].Route = NULL;
	di_at(buf2, 1, 0)->ViewInfo[0].Owner = NULL;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, di_at(buf2, 1, 0)));

	/* A handle referenced once more is held twice. */
	again = di_at(buf2, 1, 2)->ViewInfo[0].Route;
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(a.h, 1, &again));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 1, &again));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 1, &again));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseDestInfo(a.h, di_at(buf2, 1, 2)));
	di_at(buf2, 1, 2)->ViewInfo[0].Route = NULL;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, di_at(buf2, 1, 2)));

	/* The rest of the second batch. */
	for (i = 4; i < per; i += 2)
		EXPECT_WIN(NO_ERROR,
			   RtmReleaseDestInfo(a.h, di_at(buf2, 1, i)));
	EXPECT_HOLDS(st.holds);
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, en));
	free(buf);
	free(buf2);

	for (i = 0; i < ndest; i++) {
		RTM_NET_ADDRESS d = pfx(AF_INET, 10, 77, i, 0, 24);

		ASSERT_WIN(NO_ERROR, rt_del_at(a.h, &d));
	}
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(a.h));
	EXPECT_STATS_BACK(&base);
}

/*
 * RtmReleaseDests takes back exactly what RtmGetEnumDests handed out: a
 * full batch of two-view infos at once, parts of a batch, never twice,
 * never through another release call or another registration; and the
 * dests it held go away with the release.
 */
TEST(release_dests)
{
	const unsigned int ndest = 200;
	const RTM_VIEW_SET both = RTM_VIEW_MASK_UCAST | RTM_VIEW_MASK_MCAST;
	struct rtm_stats base, st, held, now;
	struct table_stats tbase, t;
	RTM_DEST_HANDLE dh[8];
	RTM_ENUM_HANDLE en;
	RTM_DEST_INFO one;
	struct ent a, b;
	UINT num, max, i;
	char *buf;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_EQ(0, read_table(INST, AF_INET, &tbase));
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	max = a.prof.MaxHandlesInEnum;
	for (i = 0; i < ndest; i++) {
		RTM_NET_ADDRESS d = pfx(AF_INET, 10, i, 0, 0, 16);
		struct rt r = { .pref = 1, .views = both };

		ASSERT_WIN(NO_ERROR, rt_add(a.h, &d, &r, NULL, NULL, NULL));
	}
	buf = malloc(max * di_stride(2));
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, read_stats(&st));

	/* A full batch of two-view infos: 7 handles each, all released. */
	ASSERT_WIN(NO_ERROR, RtmCreateDestEnum(a.h, RTM_VIEW_MASK_ALL,
					       RTM_ENUM_START, NULL,
					       RTM_BEST_PROTOCOL, &en));
	num = max;
	ASSERT_WIN(NO_ERROR, RtmGetEnumDests(a.h, en, &num, (void *)buf));
	ASSERT_EQ(max, num);
	ASSERT_EQ(0, read_stats(&held));
	EXPECT_LT(st.holds, held.holds);
	EXPECT_WIN(NO_ERROR, RtmReleaseDests(a.h, num, (void *)buf));
	EXPECT_HOLDS(st.holds);
	/* Twice: refused, and nothing more is dropped. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseDests(a.h, num, (void *)buf));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseDests(a.h, 1, (void *)buf));
	EXPECT_HOLDS(st.holds);

	/* Five infos: two released, then all five refused, then three. */
	num = 5;
	ASSERT_WIN(NO_ERROR, RtmGetEnumDests(a.h, en, &num, (void *)buf));
	ASSERT_EQ(5U, num);
	ASSERT_EQ(0, read_stats(&held));
	EXPECT_WIN(NO_ERROR, RtmReleaseDests(a.h, 2, (void *)buf));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseDests(a.h, 5, (void *)buf));
	/* Not through the others' release calls, not by b. */
	for (i = 0; i < 5; i++)
		dh[i] = di_at(buf, 2, i)->DestHandle;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseChangedDests(a.h, (RTM_NOTIFY_HANDLE)en, 3,
					  di_at(buf, 2, 2)));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(a.h, 3, &dh[2]));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHops(a.h, 3, &dh[2]));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseDests(b.h, 3, di_at(buf, 2, 2)));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmReleaseDests(a.h, 3, NULL));
	EXPECT_WIN(NO_ERROR, RtmReleaseDests(a.h, 0, NULL));
	/* Three infos are still held. */
	ASSERT_EQ(0, read_stats(&now));
	EXPECT_GT(now.holds, st.holds);
	EXPECT_LE(now.holds, held.holds);
	EXPECT_WIN(NO_ERROR, RtmReleaseDests(a.h, 3, di_at(buf, 2, 2)));
	EXPECT_HOLDS(st.holds);
	/* Each info on its own, with RtmReleaseDestInfo. */
	num = 4;
	ASSERT_WIN(NO_ERROR, RtmGetEnumDests(a.h, en, &num, (void *)buf));
	for (i = 0; i < num; i++)
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, di_at(buf, 2, i)));
	EXPECT_HOLDS(st.holds);
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, en));

	/*
	 * Held infos keep their dests after the routes go: readable, with
	 * no route; the release frees them.
	 */
	ASSERT_WIN(NO_ERROR, RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST,
					       RTM_ENUM_START, NULL,
					       RTM_BEST_PROTOCOL, &en));
	num = 8;
	ASSERT_WIN(NO_ERROR, RtmGetEnumDests(a.h, en, &num, (void *)buf));
	ASSERT_EQ(8U, num);
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, en));
	for (i = 0; i < ndest; i++) {
		RTM_NET_ADDRESS d = pfx(AF_INET, 10, i, 0, 0, 16);

		ASSERT_WIN(NO_ERROR, rt_del_at(a.h, &d));
	}
	ASSERT_EQ(0, read_table(INST, AF_INET, &t));
	EXPECT_EQ(tbase.dests + 8, t.dests);
	EXPECT_EQ(tbase.routes, t.routes);
	ASSERT_WIN(NO_ERROR, RtmGetDestInfo(a.h, di_at(buf, 1, 0)->DestHandle,
					    RTM_BEST_PROTOCOL,
					    RTM_VIEW_MASK_UCAST, &one));
	EXPECT_EQ(0U, one.BelongsToViews);
	EXPECT_EQ(0U, one.ViewInfo[0].NumRoutes);
	EXPECT_EQ(NULL, one.ViewInfo[0].Route);
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, &one));
	EXPECT_WIN(NO_ERROR, RtmReleaseDests(a.h, 8, (void *)buf));
	EXPECT_TABLE_BACK(INST, AF_INET, &tbase);
	free(buf);

	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(a.h));
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(b.h));
	EXPECT_STATS_BACK(&base);
}

/* ------------------------------------------------------------------ */
/* Route enumerations                                                   */
/* ------------------------------------------------------------------ */

#define RD	24		/* dests */
#define RMAX	(RD * 6)	/* routes at most */
#define NNH	4		/* next hops per entity */

struct mroute {
	unsigned int dest;	/* index into the sorted dests */
	int who;		/* 0 a, 1 b */
	int nbr;		/* neighbour index, or -1 */
	ULONG pref, metric;
	RTM_VIEW_SET views;
	UINT nnh;
	int nh[2];
	unsigned int seq;	/* creation order */
	RTM_ROUTE_HANDLE h;
};

struct rmodel {
	USHORT fam;
	struct ent e[2];
	RTM_NEXTHOP_HANDLE nh[2][NNH];
	ULONG ifindex[2][NNH];
	RTM_NET_ADDRESS dest[RD];	/* sorted */
	unsigned int nd;		/* RD, or fewer on a slow kernel */
	struct mroute r[RMAX];
	unsigned int nr;
};

static int mroute_cmp(const void *x, const void *y)
{
	const struct mroute *a = x, *b = y;

	if (a->dest != b->dest)
		return a->dest < b->dest ? -1 : 1;
	if (a->pref != b->pref)
		return a->pref < b->pref ? -1 : 1;
	if (a->metric != b->metric)
		return a->metric < b->metric ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * Two entities, NNH next hops each, several routes per dest with tied
 * preferences and metrics, in one or both views; the model is kept in
 * enumeration order.
 */
static void rmodel_build(struct __test_metadata *_metadata, struct rmodel *m,
			 USHORT fam, uint64_t seed)
{
	static const RTM_VIEW_SET views[] = {
		RTM_VIEW_MASK_UCAST, RTM_VIEW_MASK_UCAST,
		RTM_VIEW_MASK_MCAST,
		RTM_VIEW_MASK_UCAST | RTM_VIEW_MASK_MCAST,
	};
	RTM_NET_ADDRESS tmp[RD + 16];
	unsigned int i, j, w;

	memset(m, 0, sizeof(*m));
	m->fam = fam;
	ASSERT_WIN(NO_ERROR, ent_reg(&m->e[0], INST, fam, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&m->e[1], INST, fam, PROTO_B, 1, NULL));
	for (w = 0; w < 2; w++) {
		for (j = 0; j < NNH; j++) {
			RTM_NET_ADDRESS a = host_of(pfx(fam, 192, 0, 2 + w,
							j + 1, 32));

			/* a: interfaces 7 8 7 9; b: 8 9 10 11 */
			m->ifindex[w][j] = w ? 8 + j : (j == 1 ? 8 :
							j == 3 ? 9 : 7);
			ASSERT_WIN(NO_ERROR, nh_add(m->e[w].h, &a,
						    m->ifindex[w][j],
						    &m->nh[w][j]));
		}
	}
	/* The first nd of a shuffled set (which may have a few more). */
	m->nd = slow_kernel() ? RD / 2 : RD;
	make_prefixes(fam, tmp, m->nd, seed);
	memcpy(m->dest, tmp, m->nd * sizeof(tmp[0]));
	qsort(m->dest, m->nd, sizeof(m->dest[0]), pfx_qsort_cmp);

	/* Per dest, up to three routes of each entity (neighbours differ). */
	for (i = 0; i < m->nd; i++) {
		for (w = 0; w < 2; w++) {
			/* a has one at least: every dest exists. */
			unsigned int nroutes = w ? prng(&seed) % 4 :
						   1 + prng(&seed) % 3;
			for (j = 0; j < nroutes; j++) {
				struct mroute *r = &m->r[m->nr];
				struct rt in = { 0 };
				uint64_t x = prng(&seed);

				r->dest = i;
				r->who = w;
				r->nbr = j == 0 ? -1 : (int)j;
				r->pref = 1 + x % 3;
				r->metric = 1 + (x >> 8) % 2;
				r->views = views[(x >> 16) % 4];
				r->nnh = 1 + (x >> 24) % 2;
				r->nh[0] = (x >> 32) % NNH;
				r->nh[1] = (r->nh[0] + 1 + (x >> 40) % (NNH - 1)) %
					   NNH;
				r->seq = m->nr;
				in.pref = r->pref;
				in.metric = r->metric;
				in.views = r->views;
				in.neighbour = r->nbr < 0 ? NULL :
					       m->nh[w][r->nbr];
				in.nnh = r->nnh;
				in.nh[0] = m->nh[w][r->nh[0]];
				in.nh[1] = m->nh[w][r->nh[1]];
				ASSERT_WIN(NO_ERROR,
					   rt_add(m->e[w].h, &m->dest[i], &in,
						  NULL, &r->h, NULL))
					TH_LOG("%s: route %u of %u, nbr %d, nh %d %d of %u",
					       pfx_str(&m->dest[i]), j, w,
					       r->nbr, r->nh[0], r->nh[1],
					       r->nnh);
				m->nr++;
			}
		}
	}
	qsort(m->r, m->nr, sizeof(m->r[0]), mroute_cmp);
}

static void rmodel_free(struct rmodel *m)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		RtmReleaseRoutes(m->e[m->r[i].who].h, 1, &m->r[i].h);
}

/*
 * Read a route enumeration of @h to its end in batches of @batch (the
 * protocol of walk_dests()), releasing each batch; the handles go to @out.
 */
static unsigned int walk_routes(struct __test_metadata *_metadata,
				RTM_ENTITY_HANDLE h, RTM_ENUM_HANDLE en,
				UINT batch, RTM_ROUTE_HANDLE *out,
				unsigned int cap)
{
	RTM_ROUTE_HANDLE *buf = calloc(batch + 1, sizeof(*buf));
	unsigned int n = 0, i, calls;
	bool short_seen = false;
	UINT num;
	DWORD st;

	ASSERT_NE(NULL, buf);
	for (calls = 0;; calls++) {
		ASSERT_LT(calls, 100000U);
		for (i = 0; i <= batch; i++)
			buf[i] = mkhandle(0x5a5a5a5a5a5a5a5aULL);
		num = batch;
		st = RtmGetEnumRoutes(h, en, &num, buf);
		if (st != NO_ERROR) {
			EXPECT_WIN(ERROR_NO_MORE_ITEMS, st);
			EXPECT_EQ(0U, num);
			break;
		}
		EXPECT_LE(1U, num);
		EXPECT_GE(batch, num);
		EXPECT_FALSE(short_seen) TH_LOG("entries after a short batch");
		if (num < 1 || num > batch)
			break;
		short_seen = num < batch;
		for (i = num; i <= batch; i++)
			EXPECT_EQ(0x5a5a5a5a5a5a5a5aULL, hval(buf[i]));
		for (i = 0; i < num; i++) {
			if (n < cap)
				out[n] = buf[i];
			n++;
		}
		EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(h, num, buf));
	}
	num = batch;
	EXPECT_WIN(ERROR_NO_MORE_ITEMS, RtmGetEnumRoutes(h, en, &num, buf));
	free(buf);
	return n;
}

typedef bool (*mroute_pred)(const struct rmodel *m, const struct mroute *r,
			    const void *arg);

/* The route enumeration returns exactly the model's routes @pred keeps. */
static void expect_routes(struct __test_metadata *_metadata,
			  const struct rmodel *m, RTM_ENTITY_HANDLE h,
			  RTM_DEST_HANDLE dest, RTM_VIEW_SET views,
			  RTM_ENUM_FLAGS flags, const RTM_NET_ADDRESS *at,
			  RTM_MATCH_FLAGS match, const RTM_ROUTE_INFO *crit,
			  ULONG ifindex, UINT batch, mroute_pred pred,
			  const void *arg, const char *what)
{
	RTM_ROUTE_HANDLE got[RMAX + 1];
	RTM_NET_ADDRESS a;
	RTM_ENUM_HANDLE en;
	struct {
		RTM_ROUTE_INFO info;
		RTM_NEXTHOP_HANDLE more[8];
	} c;
	unsigned int n, i, k = 0;

	if (at)
		a = *at;
	if (crit)
		memcpy(&c, crit, sizeof(c));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteEnum(h, dest, views, flags,
						at ? &a : NULL, match,
						crit ? &c.info : NULL, ifindex,
						&en)) TH_LOG("%s", what);
	n = walk_routes(_metadata, h, en, batch, got, RMAX + 1);
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(h, en));
	for (i = 0; i < m->nr; i++) {
		if (!pred(m, &m->r[i], arg))
			continue;
		EXPECT_LT(k, n) TH_LOG("%s: route %u (seq %u) missing", what,
				       k, m->r[i].seq);
		if (k >= n)
			return;
		EXPECT_EQ(m->r[i].h, got[k])
			TH_LOG("%s: route %u is %#llx, want %#llx (seq %u)",
			       what, k, (unsigned long long)hval(got[k]),
			       (unsigned long long)hval(m->r[i].h),
			       m->r[i].seq);
		if (m->r[i].h != got[k])
			return;
		k++;
	}
	EXPECT_EQ(k, n) TH_LOG("%s: %u routes, want %u", what, n, k);
}

struct rfilter {
	RTM_VIEW_SET views;	/* 0: any */
	int who;		/* -1: both */
	int dest;		/* -1: every */
	const RTM_NET_ADDRESS *next, *range;
	int nbr;		/* -2: any; -1 none */
	ULONG pref, metric;
	bool by_pref;
	int need_nh[2];		/* -1: none */
	ULONG ifindex;		/* 0: any */
};

#define RFILTER_ALL { .who = -1, .dest = -1, .nbr = -2, \
		      .need_nh = { -1, -1 } }

static bool has_nh(const struct mroute *r, int nh)
{
	return (int)r->nh[0] == nh || (r->nnh > 1 && (int)r->nh[1] == nh);
}

static bool rfilter_keeps(const struct rmodel *m, const struct mroute *r,
			  const void *arg)
{
	const struct rfilter *f = arg;
	unsigned int i;

	if (f->views && !(r->views & f->views))
		return false;
	if (f->who >= 0 && r->who != f->who)
		return false;
	if (f->dest >= 0 && (int)r->dest != f->dest)
		return false;
	if (f->next && pfx_cmp(&m->dest[r->dest], f->next) < 0)
		return false;
	if (f->range && !pfx_covers(f->range, &m->dest[r->dest]))
		return false;
	if (f->nbr != -2 && r->nbr != f->nbr)
		return false;
	if (f->by_pref && (r->pref != f->pref || r->metric != f->metric))
		return false;
	for (i = 0; i < 2; i++)
		if (f->need_nh[i] >= 0 && !has_nh(r, f->need_nh[i]))
			return false;
	if (f->ifindex) {
		bool on = false;

		for (i = 0; i < r->nnh; i++)
			on |= m->ifindex[r->who][r->nh[i]] == f->ifindex;
		if (!on)
			return false;
	}
	return true;
}

/*
 * Route enumerations of the whole table in (dest, preference, metric,
 * age) order, in batches of every size from 1 to MaxHandlesInEnum (so
 * that batches end inside dests), and of one dest.
 */
TEST_F(fam, route_order_every_batch)
{
	struct rmodel *m = calloc(1, sizeof(*m));
	struct rtm_stats st;
	struct rfilter all = RFILTER_ALL;
	RTM_ENUM_HANDLE bad = NULL;
	RTM_DEST_INFO di;
	UINT b, max, *sizes;
	unsigned int j, nsizes;
	int i;

	REQUIRE_RTM();
	ASSERT_NE(NULL, m);
	rmodel_build(_metadata, m, self->family, 99 + self->family);
	max = m->e[0].prof.MaxHandlesInEnum;
	sizes = calloc(max, sizeof(*sizes));
	ASSERT_NE(NULL, sizes);
	nsizes = batch_sizes(max, sizes);
	ASSERT_EQ(0, read_stats(&st));
	for (j = 0; j < nsizes && _metadata->passed; j++) {
		char what[32];

		b = sizes[j];
		snprintf(what, sizeof(what), "batch %u", b);
		expect_routes(_metadata, m, m->e[0].h, NULL, RTM_VIEW_MASK_ANY,
			      RTM_ENUM_START, NULL, RTM_MATCH_NONE, NULL, 0, b,
			      rfilter_keeps, &all, what);
		EXPECT_HOLDS(st.holds);
	}

	free(sizes);

	/* One dest at a time (NEXT is ignored with a dest handle). */
	for (i = 0; i < (int)m->nd; i++) {
		struct rfilter one = RFILTER_ALL;

		one.dest = i;
		ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(m->e[0].h,
								 &m->dest[i],
								 RTM_BEST_PROTOCOL,
								 RTM_VIEW_MASK_ANY,
								 &di));
		expect_routes(_metadata, m, m->e[1].h, di.DestHandle,
			      RTM_VIEW_MASK_ANY, RTM_ENUM_START, NULL,
			      RTM_MATCH_NONE, NULL, 0, 1 + i % 3,
			      rfilter_keeps, &one, "one dest");
		expect_routes(_metadata, m, m->e[1].h, di.DestHandle,
			      RTM_VIEW_MASK_ANY, RTM_ENUM_NEXT,
			      &m->dest[m->nd - 1],
			      RTM_MATCH_NONE, NULL, 0, max, rfilter_keeps, &one,
			      "one dest, NEXT ignored");
		EXPECT_WIN(ERROR_INVALID_PARAMETER,
			   RtmCreateRouteEnum(m->e[0].h, di.DestHandle,
					      RTM_VIEW_MASK_ANY,
					      RTM_ENUM_NEXT | RTM_ENUM_RANGE,
					      NULL, RTM_MATCH_NONE, NULL, 0,
					      &bad));
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(m->e[0].h, &di));
	}
	EXPECT_HOLDS(st.holds);
	rmodel_free(m);
	free(m);
}

/* Views, ownership, NEXT and RANGE, and every matching criterion. */
TEST_F(fam, route_filters)
{
	struct rmodel *m = calloc(1, sizeof(*m));
	RTM_NET_ADDRESS at;
	struct {
		RTM_ROUTE_INFO info;
		RTM_NEXTHOP_HANDLE more[8];
	} c;
	RTM_ENUM_HANDLE en;
	unsigned int i, w;
	UINT max;
	static const UINT bs[] = { 1, 3 };

	REQUIRE_RTM();
	ASSERT_NE(NULL, m);
	rmodel_build(_metadata, m, self->family, 4242 + self->family);
	max = m->e[0].prof.MaxHandlesInEnum;

	for (i = slow_kernel() ? ARRAY_SIZE(bs) : 0; i < ARRAY_SIZE(bs) + 1;
	     i++) {
		UINT b = i < ARRAY_SIZE(bs) ? bs[i] : max;
		struct rfilter f;

		/* Views. */
		f = (struct rfilter)RFILTER_ALL;
		f.views = RTM_VIEW_MASK_UCAST;
		expect_routes(_metadata, m, m->e[0].h, NULL, RTM_VIEW_MASK_UCAST,
			      RTM_ENUM_START, NULL, RTM_MATCH_NONE, NULL, 0, b,
			      rfilter_keeps, &f, "unicast");
		f.views = RTM_VIEW_MASK_MCAST;
		expect_routes(_metadata, m, m->e[0].h, NULL, RTM_VIEW_MASK_MCAST,
			      RTM_ENUM_START, NULL, RTM_MATCH_NONE, NULL, 0, b,
			      rfilter_keeps, &f, "multicast");
		f.views = 0;
		expect_routes(_metadata, m, m->e[0].h, NULL, RTM_VIEW_MASK_ALL,
			      RTM_ENUM_START, NULL, RTM_MATCH_NONE, NULL, 0, b,
			      rfilter_keeps, &f, "all views");

		/* Ownership, each entity. */
		for (w = 0; w < 2; w++) {
			f = (struct rfilter)RFILTER_ALL;
			f.who = w;
			expect_routes(_metadata, m, m->e[w].h, NULL,
				      RTM_VIEW_MASK_ANY, RTM_ENUM_OWN_ROUTES,
				      NULL, RTM_MATCH_NONE, NULL, 0, b,
				      rfilter_keeps, &f, "own routes");
			f.views = RTM_VIEW_MASK_MCAST;
			expect_routes(_metadata, m, m->e[w].h, NULL,
				      RTM_VIEW_MASK_MCAST, RTM_ENUM_OWN_ROUTES,
				      NULL, RTM_MATCH_NONE, NULL, 0, b,
				      rfilter_keeps, &f, "own mcast routes");
		}

		/* NEXT and RANGE. */
		f = (struct rfilter)RFILTER_ALL;
		at = m->dest[m->nd / 2];
		f.next = &at;
		expect_routes(_metadata, m, m->e[1].h, NULL, RTM_VIEW_MASK_ANY,
			      RTM_ENUM_NEXT, &at, RTM_MATCH_NONE, NULL, 0, b,
			      rfilter_keeps, &f, "NEXT");
		f = (struct rfilter)RFILTER_ALL;
		at = pfx(m->fam, 10, 0, 0, 0, 8);
		f.range = &at;
		expect_routes(_metadata, m, m->e[1].h, NULL, RTM_VIEW_MASK_ANY,
			      RTM_ENUM_RANGE, &at, RTM_MATCH_NONE, NULL, 0, b,
			      rfilter_keeps, &f, "RANGE 10/8");
		f.who = 0;
		f.views = RTM_VIEW_MASK_UCAST;
		expect_routes(_metadata, m, m->e[0].h, NULL, RTM_VIEW_MASK_UCAST,
			      RTM_ENUM_RANGE | RTM_ENUM_OWN_ROUTES, &at,
			      RTM_MATCH_NONE, NULL, 0, b, rfilter_keeps, &f,
			      "RANGE 10/8, own unicast");
		f = (struct rfilter)RFILTER_ALL;
		at = m->dest[0];		/* 0/0: everything */
		f.range = &at;
		expect_routes(_metadata, m, m->e[1].h, NULL, RTM_VIEW_MASK_ANY,
			      RTM_ENUM_RANGE, &at, RTM_MATCH_NONE, NULL, 0, b,
			      rfilter_keeps, &f, "RANGE 0/0");
	}

	/* Matching: the criteria of each flag, from a's and b's routes. */
	for (i = 0; i < m->nr; i += slow_kernel() ? 15 : 5) {
		const struct mroute *r = &m->r[i];
		RTM_ENTITY_HANDLE h = m->e[r->who].h;
		struct rfilter f = RFILTER_ALL;

		memset(&c, 0, sizeof(c));
		c.info.RouteOwner = h;
		c.info.Neighbour = r->nbr < 0 ? NULL : m->nh[r->who][r->nbr];
		c.info.PrefInfo.Preference = r->pref;
		c.info.PrefInfo.Metric = r->metric;
		c.info.NextHopsList.NumNextHops = 1;
		c.info.NextHopsList.NextHops[0] = m->nh[r->who][r->nh[0]];

		f.who = r->who;
		expect_routes(_metadata, m, h, NULL, RTM_VIEW_MASK_ANY,
			      RTM_ENUM_START, NULL, RTM_MATCH_OWNER, &c.info, 0,
			      2, rfilter_keeps, &f, "MATCH_OWNER");
		/* A neighbour is an owner's next hop: the owner's routes. */
		f = (struct rfilter)RFILTER_ALL;
		f.who = r->nbr < 0 ? -1 : r->who;
		f.nbr = r->nbr;
		expect_routes(_metadata, m, h, NULL, RTM_VIEW_MASK_ANY,
			      RTM_ENUM_START, NULL, RTM_MATCH_NEIGHBOUR,
			      &c.info, 0, 2, rfilter_keeps, &f,
			      "MATCH_NEIGHBOUR");
		f = (struct rfilter)RFILTER_ALL;
		f.by_pref = true;
		f.pref = r->pref;
		f.metric = r->metric;
		expect_routes(_metadata, m, h, NULL, RTM_VIEW_MASK_ANY,
			      RTM_ENUM_START, NULL, RTM_MATCH_PREF, &c.info, 0,
			      2, rfilter_keeps, &f, "MATCH_PREF");
		f = (struct rfilter)RFILTER_ALL;
		f.who = r->who;
		f.need_nh[0] = r->nh[0];
		expect_routes(_metadata, m, h, NULL, RTM_VIEW_MASK_ANY,
			      RTM_ENUM_START, NULL, RTM_MATCH_NEXTHOP, &c.info,
			      0, 2, rfilter_keeps, &f, "MATCH_NEXTHOP");
		if (r->nnh > 1) {
			c.info.NextHopsList.NumNextHops = 2;
			c.more[0] = m->nh[r->who][r->nh[1]];	/* NextHops[1] */
			f.need_nh[1] = r->nh[1];
			expect_routes(_metadata, m, h, NULL, RTM_VIEW_MASK_ANY,
				      RTM_ENUM_START, NULL, RTM_MATCH_NEXTHOP,
				      &c.info, 0, 2, rfilter_keeps, &f,
				      "MATCH_NEXTHOP, two");
		}
		/* Everything at once: this route, and any just like it. */
		f.by_pref = true;
		f.pref = r->pref;
		f.metric = r->metric;
		f.nbr = r->nbr;
		f.ifindex = m->ifindex[r->who][r->nh[0]];
		expect_routes(_metadata, m, h, NULL, RTM_VIEW_MASK_ANY,
			      RTM_ENUM_START, NULL, RTM_MATCH_FULL, &c.info,
			      f.ifindex, 3, rfilter_keeps, &f, "MATCH_FULL");
		f.ifindex = 0;
		f.need_nh[0] = f.need_nh[1] = -1;
		f.nbr = -2;
		expect_routes(_metadata, m, h, NULL, RTM_VIEW_MASK_ANY,
			      RTM_ENUM_START, NULL,
			      RTM_MATCH_OWNER | RTM_MATCH_PREF, &c.info, 0, 3,
			      rfilter_keeps, &f, "MATCH_OWNER|PREF");
	}
	/* Interfaces, without criteria; and with other filters. */
	for (i = 7; i <= 12; i++) {
		struct rfilter f = RFILTER_ALL;

		f.ifindex = i;
		expect_routes(_metadata, m, m->e[0].h, NULL, RTM_VIEW_MASK_ANY,
			      RTM_ENUM_START, NULL, RTM_MATCH_INTERFACE, NULL,
			      i, 2, rfilter_keeps, &f, "MATCH_INTERFACE");
		f.who = 0;
		f.views = RTM_VIEW_MASK_UCAST;
		expect_routes(_metadata, m, m->e[0].h, NULL, RTM_VIEW_MASK_UCAST,
			      RTM_ENUM_OWN_ROUTES, NULL, RTM_MATCH_INTERFACE,
			      NULL, i, 2, rfilter_keeps, &f,
			      "MATCH_INTERFACE, own unicast");
	}
	/* No criteria: everything, whatever the interface argument says. */
	{
		struct rfilter f = RFILTER_ALL;

		expect_routes(_metadata, m, m->e[0].h, NULL, RTM_VIEW_MASK_ANY,
			      RTM_ENUM_START, NULL, RTM_MATCH_NONE, NULL, 7,
			      max, rfilter_keeps, &f, "MATCH_NONE");
	}

	/* Criteria needed, bits unknown, too many next hops, bad flags. */
	memset(&c, 0, sizeof(c));
	for (i = 0; i < 4; i++)	/* all but RTM_MATCH_INTERFACE */
		EXPECT_WIN(ERROR_INVALID_PARAMETER,
			   RtmCreateRouteEnum(m->e[0].h, NULL, RTM_VIEW_MASK_ANY,
					      RTM_ENUM_START, NULL, 1U << i,
					      NULL, 0, &en))
			TH_LOG("match %#x without criteria", 1U << i);
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateRouteEnum(m->e[0].h, NULL, RTM_VIEW_MASK_ANY,
				      RTM_ENUM_START, NULL, 0x10000, &c.info, 0,
				      &en));
	c.info.NextHopsList.NumNextHops = m->e[0].prof.MaxNextHopsInRoute + 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateRouteEnum(m->e[0].h, NULL, RTM_VIEW_MASK_ANY,
				      RTM_ENUM_START, NULL, RTM_MATCH_NEXTHOP,
				      &c.info, 0, &en));
	at = m->dest[1];
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateRouteEnum(m->e[0].h, NULL, RTM_VIEW_MASK_ANY,
				      RTM_ENUM_NEXT | RTM_ENUM_RANGE, &at,
				      RTM_MATCH_NONE, NULL, 0, &en));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateRouteEnum(m->e[0].h, NULL, RTM_VIEW_MASK_ANY,
				      RTM_ENUM_RANGE, NULL, RTM_MATCH_NONE,
				      NULL, 0, &en));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateRouteEnum(m->e[0].h, NULL, RTM_VIEW_MASK_ANY,
				      RTM_ENUM_OWN_DESTS, NULL, RTM_MATCH_NONE,
				      NULL, 0, &en));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateRouteEnum(m->e[0].h, NULL, RTM_VIEW_MASK_ANY,
				      0x8, NULL, RTM_MATCH_NONE, NULL, 0, &en));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateRouteEnum(m->e[0].h, NULL, RTM_VIEW_MASK_ANY,
				      RTM_ENUM_START, NULL, RTM_MATCH_NONE,
				      NULL, 0, NULL));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmCreateRouteEnum(m->e[0].h, m->e[0].h, RTM_VIEW_MASK_ANY,
				      RTM_ENUM_START, NULL, RTM_MATCH_NONE,
				      NULL, 0, &en));
	rmodel_free(m);
	free(m);
}

/* Route handles go back only through RtmReleaseRoutes, once. */
TEST(release_routes)
{
	RTM_NET_ADDRESS d = pfx(AF_INET, 10, 9, 0, 0, 16);
	RTM_ROUTE_HANDLE routes[4];
	RTM_ENUM_HANDLE en;
	struct rtm_stats st;
	struct ent a, b;
	UINT num;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &d, 1, 1, NULL));
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d, 2, 1, NULL));
	ASSERT_EQ(0, read_stats(&st));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteEnum(a.h, NULL, RTM_VIEW_MASK_ANY,
						RTM_ENUM_START, NULL,
						RTM_MATCH_NONE, NULL, 0, &en));
	num = 4;
	ASSERT_WIN(NO_ERROR, RtmGetEnumRoutes(a.h, en, &num, routes));
	ASSERT_EQ(2U, num);
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHops(a.h, 2, routes));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(a.h, 2, routes));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(b.h, 2, routes));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 1, routes));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(a.h, 2, routes));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 1, &routes[1]));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(a.h, 1, &routes[1]));
	EXPECT_HOLDS(st.holds);
	/* The routes are fine: another walk finds them. */
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, en));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteEnum(b.h, NULL, RTM_VIEW_MASK_ANY,
						RTM_ENUM_START, NULL,
						RTM_MATCH_NONE, NULL, 0, &en));
	num = 4;
	ASSERT_WIN(NO_ERROR, RtmGetEnumRoutes(b.h, en, &num, &routes[2]));
	EXPECT_EQ(2U, num);
	EXPECT_EQ(routes[0], routes[2]);
	EXPECT_EQ(routes[1], routes[3]);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(b.h, num, &routes[2]));
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(b.h, en));
	EXPECT_HOLDS(st.holds);
}

/* ------------------------------------------------------------------ */
/* Next-hop enumerations                                                */
/* ------------------------------------------------------------------ */

struct mnh {
	RTM_NET_ADDRESS addr;
	ULONG ifindex;
	RTM_NEXTHOP_HANDLE h;
};

static int mnh_cmp(const void *x, const void *y)
{
	const struct mnh *a = x, *b = y;
	int c = pfx_cmp(&a->addr, &b->addr);

	if (c)
		return c;
	return a->ifindex < b->ifindex ? -1 : a->ifindex > b->ifindex;
}

#define NNHS	60

/* Read a next-hop enumeration to its end (the walk_dests() protocol). */
static unsigned int walk_nexthops(struct __test_metadata *_metadata,
				  RTM_ENTITY_HANDLE h, RTM_ENUM_HANDLE en,
				  UINT batch, RTM_NEXTHOP_HANDLE *out,
				  unsigned int cap)
{
	RTM_NEXTHOP_HANDLE *buf = calloc(batch, sizeof(*buf));
	unsigned int n = 0, i, calls;
	bool short_seen = false;
	UINT num;
	DWORD st;

	ASSERT_NE(NULL, buf);
	for (calls = 0;; calls++) {
		ASSERT_LT(calls, 100000U);
		num = batch;
		st = RtmGetEnumNextHops(h, en, &num, buf);
		if (st != NO_ERROR) {
			EXPECT_WIN(ERROR_NO_MORE_ITEMS, st);
			EXPECT_EQ(0U, num);
			break;
		}
		EXPECT_LE(1U, num);
		EXPECT_GE(batch, num);
		EXPECT_FALSE(short_seen);
		if (num < 1 || num > batch)
			break;
		short_seen = num < batch;
		for (i = 0; i < num; i++) {
			if (n < cap)
				out[n] = buf[i];
			n++;
		}
		EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(h, num, buf));
	}
	free(buf);
	return n;
}

static void expect_nexthops(struct __test_metadata *_metadata,
			    RTM_ENTITY_HANDLE h, RTM_ENUM_FLAGS flags,
			    const RTM_NET_ADDRESS *at, UINT batch,
			    const struct mnh *all, unsigned int nall,
			    const char *what)
{
	RTM_NEXTHOP_HANDLE got[NNHS + 1];
	RTM_NET_ADDRESS a;
	RTM_ENUM_HANDLE en;
	unsigned int n, i, k = 0;

	if (at)
		a = *at;
	ASSERT_WIN(NO_ERROR, RtmCreateNextHopEnum(h, flags, at ? &a : NULL,
						  &en));
	n = walk_nexthops(_metadata, h, en, batch, got, NNHS + 1);
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(h, en));
	for (i = 0; i < nall; i++) {
		if (flags & RTM_ENUM_NEXT && pfx_cmp(&all[i].addr, at) < 0)
			continue;
		if (flags & RTM_ENUM_RANGE && !pfx_covers(at, &all[i].addr))
			continue;
		EXPECT_LT(k, n) TH_LOG("%s: next hop %u missing", what, k);
		if (k >= n)
			return;
		EXPECT_EQ(all[i].h, got[k])
			TH_LOG("%s: next hop %u is not %s if %u", what, k,
			       pfx_str(&all[i].addr), all[i].ifindex);
		if (all[i].h != got[k])
			return;
		k++;
	}
	EXPECT_EQ(k, n) TH_LOG("%s: %u next hops, want %u", what, n, k);
}

/*
 * The caller's own next hops, by address then interface, in batches of
 * every size; NEXT and RANGE; another entity's are never listed; the
 * handles go back through RtmReleaseNextHops only, once.
 */
TEST_F(fam, nexthops)
{
	USHORT f = self->family;
	struct mnh all[NNHS];
	RTM_NEXTHOP_HANDLE other[8], got[4];
	RTM_NET_ADDRESS at;
	RTM_ENUM_HANDLE en;
	struct rtm_stats st;
	struct ent a, b;
	uint64_t seed = 5 + f;
	unsigned int n = 0, i, j, nn = slow_kernel() ? NNHS / 3 : NNHS;
	UINT num, max, *sizes;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, f, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, f, PROTO_B, 1, NULL));
	max = a.prof.MaxHandlesInEnum;
	/* Addresses on both sides of b's, some twice on two interfaces. */
	while (n < nn) {
		uint64_t r = prng(&seed);

		all[n].addr = host_of(pfx(f, 9 + r % 3, r >> 8, r >> 16,
					  r >> 24, 32));
		all[n].ifindex = 1 + (r >> 32) % 3;
		for (i = 0; i < n; i++)
			if (!mnh_cmp(&all[i], &all[n]))
				break;
		if (i < n)
			continue;
		ASSERT_WIN(NO_ERROR, nh_add(a.h, &all[n].addr, all[n].ifindex,
					    &all[n].h));
		n++;
		if (n < nn && r & (1ULL << 50)) {
			all[n].addr = all[n - 1].addr;
			all[n].ifindex = all[n - 1].ifindex + 3;
			ASSERT_WIN(NO_ERROR, nh_add(a.h, &all[n].addr,
						    all[n].ifindex, &all[n].h));
			n++;
		}
	}
	/*
	 * b's next hops, whose handles it gives back at once (they stay in
	 * its list): the enumeration's are then the only ones it holds.
	 */
	for (i = 0; i < ARRAY_SIZE(other); i++) {
		RTM_NET_ADDRESS o = host_of(pfx(f, 10, i, 0, 1, 32));

		ASSERT_WIN(NO_ERROR, nh_add(b.h, &o, 1, &other[i]));
		ASSERT_WIN(NO_ERROR, RtmReleaseNextHops(b.h, 1, &other[i]));
	}
	qsort(all, n, sizeof(all[0]), mnh_cmp);
	ASSERT_EQ(0, read_stats(&st));

	sizes = calloc(max, sizeof(*sizes));
	ASSERT_NE(NULL, sizes);
	num = batch_sizes(max, sizes);
	for (j = 0; j < num && _metadata->passed; j++)
		expect_nexthops(_metadata, a.h, RTM_ENUM_START, NULL, sizes[j],
				all, n, "START");
	free(sizes);
	EXPECT_HOLDS(st.holds);
	at = all[n / 2].addr;
	expect_nexthops(_metadata, a.h, RTM_ENUM_NEXT, &at, 1, all, n,
			"NEXT, present");
	at = host_of(pfx(f, 10, 128, 0, 0, 32));
	expect_nexthops(_metadata, a.h, RTM_ENUM_NEXT, &at, 3, all, n,
			"NEXT, absent");
	at = pfx(f, 10, 0, 0, 0, 8);
	expect_nexthops(_metadata, a.h, RTM_ENUM_RANGE, &at, 2, all, n,
			"RANGE 10/8");
	at = pfx(f, 10, 128, 0, 0, 9);
	expect_nexthops(_metadata, a.h, RTM_ENUM_RANGE, &at, max, all, n,
			"RANGE 10.128/9");
	at = all[3].addr;
	expect_nexthops(_metadata, a.h, RTM_ENUM_RANGE, &at, 1, all, n,
			"RANGE one address");
	at = pfx(f, 0, 0, 0, 0, 0);
	expect_nexthops(_metadata, a.h, RTM_ENUM_RANGE, &at, max, all, n,
			"RANGE 0/0");

	/* b sees its own only. */
	ASSERT_WIN(NO_ERROR, RtmCreateNextHopEnum(b.h, RTM_ENUM_START, NULL,
						  &en));
	num = 4;
	ASSERT_WIN(NO_ERROR, RtmGetEnumNextHops(b.h, en, &num, got));
	ASSERT_EQ(4U, num);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(other[i], got[i]);
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(b.h, 4, got));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHops(a.h, 4, got));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(b.h, 4, got));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHops(b.h, 1, got));
	num = 8;
	EXPECT_WIN(NO_ERROR, RtmGetEnumNextHops(b.h, en, &num, got));
	EXPECT_EQ(4U, num);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(b.h, num, got));
	num = 4;
	EXPECT_WIN(ERROR_NO_MORE_ITEMS, RtmGetEnumNextHops(b.h, en, &num, got));
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(b.h, en));

	/* Contradictory and unknown flags; addresses needed. */
	at = pfx(f, 10, 0, 0, 0, 8);
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateNextHopEnum(a.h, RTM_ENUM_NEXT | RTM_ENUM_RANGE,
					&at, &en));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateNextHopEnum(a.h, RTM_ENUM_OWN_ROUTES, NULL, &en));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateNextHopEnum(a.h, RTM_ENUM_OWN_DESTS, NULL, &en));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateNextHopEnum(a.h, RTM_ENUM_NEXT, NULL, &en));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmCreateNextHopEnum(a.h, RTM_ENUM_START, NULL, NULL));
	EXPECT_HOLDS(st.holds);
	for (i = 0; i < n; i++)
		EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(a.h, 1, &all[i].h));
}

/* ------------------------------------------------------------------ */
/* Enumeration handles                                                  */
/* ------------------------------------------------------------------ */

/*
 * RtmDeleteEnumHandle closes every kind of enumeration, also halfway
 * through, once; what was handed out stays valid and releasable.
 */
TEST(delete_every_kind)
{
	RTM_NET_ADDRESS d = pfx(AF_INET, 10, 0, 0, 0, 16);
	RTM_NET_ADDRESS nha = pfx(AF_INET, 192, 0, 2, 1, 32);
	RTM_ROUTE_HANDLE r, routes[2];
	RTM_NEXTHOP_HANDLE nh, nhs[2];
	RTM_ROUTE_LIST_HANDLE list;
	RTM_NOTIFY_HANDLE notify;
	RTM_ENUM_HANDLE en[5];
	RTM_DEST_INFO di[2];
	struct rtm_stats base, st;
	struct ent a;
	unsigned int i;
	UINT num;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, nh_add(a.h, &nha, 1, &nh));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(a.h, &list));
	ASSERT_WIN(NO_ERROR, RtmRegisterForChangeNotification(
				     a.h, RTM_VIEW_MASK_UCAST,
				     RTM_CHANGE_TYPE_ALL, NULL, &notify));
	for (i = 0; i < 2; i++) {
		struct rt in = { .pref = 1, .nnh = 1, .nh = { nh } };

		d.AddrBits[1] = i;
		ASSERT_WIN(NO_ERROR, rt_add(a.h, &d, &in, list,
					    i ? NULL : &r, NULL));
	}
	d.AddrBits[1] = 0;		/* r's dest */
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(a.h, &d,
							 RTM_BEST_PROTOCOL,
							 RTM_VIEW_MASK_UCAST,
							 di));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));

	ASSERT_WIN(NO_ERROR, RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST,
					       RTM_ENUM_START, NULL,
					       RTM_BEST_PROTOCOL, &en[0]));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteEnum(a.h, NULL, RTM_VIEW_MASK_UCAST,
						RTM_ENUM_START, NULL,
						RTM_MATCH_NONE, NULL, 0,
						&en[1]));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteEnum(a.h, di[0].DestHandle,
						RTM_VIEW_MASK_UCAST,
						RTM_ENUM_START, NULL,
						RTM_MATCH_NONE, NULL, 0,
						&en[2]));
	ASSERT_WIN(NO_ERROR, RtmCreateNextHopEnum(a.h, RTM_ENUM_START, NULL,
						  &en[3]));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteListEnum(a.h, list, &en[4]));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.handles + 5, st.handles);

	/* Halfway: one entry of each taken. */
	num = 1;
	ASSERT_WIN(NO_ERROR, RtmGetEnumDests(a.h, en[0], &num, &di[1]));
	num = 1;
	ASSERT_WIN(NO_ERROR, RtmGetEnumRoutes(a.h, en[1], &num, &routes[0]));
	num = 1;
	ASSERT_WIN(NO_ERROR, RtmGetEnumRoutes(a.h, en[2], &num, &routes[1]));
	num = 1;
	ASSERT_WIN(NO_ERROR, RtmGetEnumNextHops(a.h, en[3], &num, &nhs[0]));
	num = 1;
	ASSERT_WIN(NO_ERROR, RtmGetListEnumRoutes(a.h, en[4], &num, &nhs[1]));
	ASSERT_EQ(1U, num);

	for (i = 0; i < 5; i++) {
		EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, en[i]))
			TH_LOG("enumeration %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteEnumHandle(a.h, en[i]))
			TH_LOG("enumeration %u", i);
	}
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetEnumDests(a.h, en[0], &num, &di[1]));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetEnumRoutes(a.h, en[1], &num, routes));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetEnumRoutes(a.h, en[2], &num, routes));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetEnumNextHops(a.h, en[3], &num, nhs));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetListEnumRoutes(a.h, en[4], &num, nhs));

	/* Other kinds of handle are no enumerations: nothing happens. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteEnumHandle(a.h, list));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteEnumHandle(a.h, notify));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteEnumHandle(a.h, r));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteEnumHandle(a.h, nh));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmDeleteEnumHandle(a.h, di[0].DestHandle));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteEnumHandle(a.h, a.h));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteEnumHandle(a.h, NULL));
	EXPECT_WIN(NO_ERROR, RtmInsertInRouteList(a.h, list, 1, &r));
	EXPECT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(a.h, notify));

	/* What the enumerations handed out is still held and released. */
	EXPECT_WIN(NO_ERROR, RtmReleaseDests(a.h, 1, &di[1]));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 2, routes));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(a.h, 1, &nhs[0]));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 1, &nhs[1]));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds, st.holds);
	EXPECT_EQ(base.handles - 1, st.handles);	/* the subscription */
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, di));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 1, &r));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(a.h, 1, &nh));
}

/*
 * A registration has at most max_enums enumerations open, of all kinds
 * together (ERROR_NO_SYSTEM_RESOURCES past that); another registration
 * has its own; a closed one makes room.
 */
TEST(enum_cap)
{
	long cap = module_param("max_enums");
	RTM_NET_ADDRESS d = pfx(AF_INET, 10, 0, 0, 0, 8);
	RTM_ROUTE_LIST_HANDLE list;
	RTM_ENUM_HANDLE *en, extra;
	struct rtm_stats base;
	struct ent a, b;
	long i;

	REQUIRE_RTM();
	if (cap <= 0 || cap > 4096)
		SKIP(return, "max_enums parameter unreadable or above 4096");
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &d, 1, 1, NULL));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(a.h, &list));
	en = calloc(cap, sizeof(*en));
	ASSERT_NE(NULL, en);
	for (i = 0; i < cap; i++) {
		DWORD st;

		switch (i % 4) {
		case 0:
			st = RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST,
					       RTM_ENUM_START, NULL,
					       RTM_BEST_PROTOCOL, &en[i]);
			break;
		case 1:
			st = RtmCreateRouteEnum(a.h, NULL, RTM_VIEW_MASK_UCAST,
						RTM_ENUM_START, NULL,
						RTM_MATCH_NONE, NULL, 0,
						&en[i]);
			break;
		case 2:
			st = RtmCreateNextHopEnum(a.h, RTM_ENUM_START, NULL,
						  &en[i]);
			break;
		default:
			st = RtmCreateRouteListEnum(a.h, list, &en[i]);
		}
		ASSERT_WIN(NO_ERROR, st) TH_LOG("enumeration %ld of %ld", i,
						cap);
	}
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST, RTM_ENUM_START,
				     NULL, RTM_BEST_PROTOCOL, &extra));
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   RtmCreateRouteEnum(a.h, NULL, RTM_VIEW_MASK_UCAST,
				      RTM_ENUM_START, NULL, RTM_MATCH_NONE,
				      NULL, 0, &extra));
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   RtmCreateNextHopEnum(a.h, RTM_ENUM_START, NULL, &extra));
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   RtmCreateRouteListEnum(a.h, list, &extra));
	/* b is not a's quota. */
	ASSERT_WIN(NO_ERROR, RtmCreateDestEnum(b.h, RTM_VIEW_MASK_UCAST,
					       RTM_ENUM_START, NULL,
					       RTM_BEST_PROTOCOL, &extra));
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(b.h, extra));
	/* One closed, one more opens, and only one. */
	ASSERT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, en[cap / 2]));
	ASSERT_WIN(NO_ERROR, RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST,
					       RTM_ENUM_START, NULL,
					       RTM_BEST_PROTOCOL,
					       &en[cap / 2]));
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST, RTM_ENUM_START,
				     NULL, RTM_BEST_PROTOCOL, &extra));
	free(en);
	/* Deregistering closes them all. */
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(a.h));
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(b.h));
	EXPECT_STATS_BACK(&base);
}

struct exiting_arg {
	bool kill;
};

/*
 * A peer that opens as many enumerations as it may, of every kind, takes
 * a batch from each (holding the handles), reports, and then exits or
 * waits to be killed.
 */
static int peer_open_enums(int rd, int wr, void *p)
{
	struct exiting_arg *arg = p;
	RTM_NET_ADDRESS d = pfx(AF_INET, 10, 0, 0, 0, 16);
	RTM_NET_ADDRESS nha = pfx(AF_INET, 192, 0, 2, 1, 32);
	char buf[4 * RTM_SIZE_OF_DEST_INFO(2)] __attribute__((aligned(8)));
	RTM_ROUTE_LIST_HANDLE list;
	RTM_NEXTHOP_HANDLE nh;
	RTM_ENUM_HANDLE en;
	struct ent e;
	struct msg m;
	long i, cap = module_param("max_enums");
	UINT num;
	DWORD st;

	PEER_CHECK(cap > 0);
	PEER_CHECK(msg_expect(rd, 0, &m) == 0);		/* test is ready */
	PEER_CHECK(ent_reg(&e, INST, AF_INET, PROTO_W, 9, NULL) == NO_ERROR);
	PEER_CHECK(nh_add(e.h, &nha, 1, &nh) == NO_ERROR);
	PEER_CHECK(RtmCreateRouteList(e.h, &list) == NO_ERROR);
	for (i = 0; i < 4; i++) {
		struct rt in = { .pref = 1, .nnh = 1, .nh = { nh } };

		d.AddrBits[1] = 100 + i;
		PEER_CHECK(rt_add(e.h, &d, &in, list, NULL, NULL) == NO_ERROR);
	}
	for (i = 0; i < cap; i++) {
		num = 4;
		switch (i % 4) {
		case 0:
			st = RtmCreateDestEnum(e.h, RTM_VIEW_MASK_ALL,
					       RTM_ENUM_START, NULL,
					       RTM_BEST_PROTOCOL, &en);
			if (st == NO_ERROR)
				st = RtmGetEnumDests(e.h, en, &num,
						     (void *)buf);
			break;
		case 1:
			st = RtmCreateRouteEnum(e.h, NULL, RTM_VIEW_MASK_ANY,
						RTM_ENUM_START, NULL,
						RTM_MATCH_NONE, NULL, 0, &en);
			if (st == NO_ERROR)
				st = RtmGetEnumRoutes(e.h, en, &num,
						      (void *)buf);
			break;
		case 2:
			st = RtmCreateNextHopEnum(e.h, RTM_ENUM_START, NULL,
						  &en);
			if (st == NO_ERROR)
				st = RtmGetEnumNextHops(e.h, en, &num,
							(void *)buf);
			break;
		default:
			st = RtmCreateRouteListEnum(e.h, list, &en);
			if (st == NO_ERROR)
				st = RtmGetListEnumRoutes(e.h, en, &num,
							  (void *)buf);
		}
		PEER_CHECK(st == NO_ERROR);
		PEER_CHECK(num >= 1);
	}
	PEER_CHECK(RtmCreateDestEnum(e.h, RTM_VIEW_MASK_UCAST, RTM_ENUM_START,
				     NULL, RTM_BEST_PROTOCOL, &en) ==
		   ERROR_NO_SYSTEM_RESOURCES);
	PEER_CHECK(msg_send(wr, 1, 0, hval(e.h)) == 0);
	if (arg->kill)
		for (;;)
			pause();
	PEER_CHECK(msg_expect(rd, 2, &m) == 0);
	return 0;
}

/* An exiting or killed process loses its enumerations and what they gave. */
static void check_enums_die(struct __test_metadata *_metadata, bool kill_it)
{
	struct exiting_arg arg = { .kill = kill_it };
	RTM_NET_ADDRESS d = pfx(AF_INET, 10, 0, 0, 0, 16);
	struct dent got[4];
	struct rtm_stats base, st;
	struct table_stats tbase, t;
	struct ent a;
	struct peer p;
	struct msg m;

	ASSERT_EQ(0, peer_start(&p, peer_open_enums, &arg));
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &d, 1, 1, NULL));
	/*
	 * A walk gives a's dest and route their handle ids, which they keep
	 * while they live: the peer's walks will not add them to the count.
	 */
	EXPECT_EQ(1U, dest_walk(_metadata, a.h, RTM_VIEW_MASK_ALL,
				RTM_ENUM_START, NULL, RTM_BEST_PROTOCOL, 4, 2,
				got, 4));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_EQ(0, read_table(INST, AF_INET, &tbase));

	ASSERT_EQ(0, msg_send(p.wr, 0, 0, 0));
	ASSERT_EQ(0, msg_expect(p.rd, 1, &m));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_LT(base.handles + module_param("max_enums"), st.handles);
	EXPECT_LT(base.holds, st.holds);
	ASSERT_EQ(0, read_table(INST, AF_INET, &t));
	EXPECT_EQ(tbase.routes + 4, t.routes);
	if (kill_it) {
		ASSERT_EQ(0, kill(p.pid, SIGKILL));
		EXPECT_EQ(128 + SIGKILL, peer_wait(&p, WAIT_MS));
	} else {
		ASSERT_EQ(0, msg_send(p.wr, 2, 0, 0));
		EXPECT_EQ(0, peer_wait(&p, WAIT_MS));
	}
	EXPECT_STATS_BACK(&base);
	EXPECT_TABLE_BACK(INST, AF_INET, &tbase);
	/* Our own walk is unaffected. */
	EXPECT_EQ(1U, dest_walk(_metadata, a.h, RTM_VIEW_MASK_UCAST,
				RTM_ENUM_START, NULL, RTM_BEST_PROTOCOL, 4, 1,
				got, 4));
}

TEST(enums_gone_with_exit)
{
	REQUIRE_RTM();
	check_enums_die(_metadata, false);
}

TEST(enums_gone_with_kill)
{
	REQUIRE_RTM();
	check_enums_die(_metadata, true);
}

/* ------------------------------------------------------------------ */
/* A cursor, not a snapshot                                             */
/* ------------------------------------------------------------------ */

/* The next dest of a walk, one at a time; NULL at the end. */
static bool next_one(struct __test_metadata *_metadata, RTM_ENTITY_HANDLE h,
		     RTM_ENUM_HANDLE en, RTM_NET_ADDRESS *out)
{
	RTM_DEST_INFO di;
	UINT num = 1;
	DWORD st = RtmGetEnumDests(h, en, &num, &di);

	if (st == ERROR_NO_MORE_ITEMS)
		return false;
	EXPECT_WIN(NO_ERROR, st);
	EXPECT_EQ(1U, num);
	if (st != NO_ERROR)
		return false;
	*out = di.DestAddress;
	EXPECT_WIN(NO_ERROR, RtmReleaseDests(h, 1, &di));
	return true;
}

/*
 * Changes behind the cursor are not seen, changes ahead are, and the walk
 * resumes after the last dest returned even if that dest is gone.
 */
TEST_F(fam, dest_cursor)
{
	USHORT f = self->family;
	RTM_NET_ADDRESS d[5], e = pfx(f, 10, 0, 1, 0, 24);
	RTM_NET_ADDRESS early = pfx(f, 9, 0, 0, 0, 8);
	RTM_NET_ADDRESS late = pfx(f, 10, 0, 255, 0, 24), got;
	RTM_ENUM_HANDLE en;
	struct ent a;
	unsigned int i;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, f, PROTO_A, 1, NULL));
	for (i = 0; i < 5; i++) {
		d[i] = pfx(f, 10, 0, 2 * i, 0, 24);
		ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &d[i], 1, 1, NULL));
	}
	ASSERT_WIN(NO_ERROR, RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST,
					       RTM_ENUM_START, NULL,
					       RTM_BEST_PROTOCOL, &en));
	ASSERT_TRUE(next_one(_metadata, a.h, en, &got));
	EXPECT_TRUE(pfx_eq(&got, &d[0])) TH_LOG("%s", pfx_str(&got));

	/* Ahead of the cursor: seen; behind it: not. */
	ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &e, 1, 1, NULL));
	ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &early, 1, 1, NULL));
	ASSERT_TRUE(next_one(_metadata, a.h, en, &got));
	EXPECT_TRUE(pfx_eq(&got, &e)) TH_LOG("%s", pfx_str(&got));

	/* The cursor's own dest goes, and one ahead. */
	ASSERT_WIN(NO_ERROR, rt_del_at(a.h, &e));
	ASSERT_WIN(NO_ERROR, rt_del_at(a.h, &d[2]));
	ASSERT_TRUE(next_one(_metadata, a.h, en, &got));
	EXPECT_TRUE(pfx_eq(&got, &d[1])) TH_LOG("%s", pfx_str(&got));
	ASSERT_TRUE(next_one(_metadata, a.h, en, &got));
	EXPECT_TRUE(pfx_eq(&got, &d[3])) TH_LOG("%s", pfx_str(&got));

	/* d[3] goes and comes back: not seen twice. */
	ASSERT_WIN(NO_ERROR, rt_del_at(a.h, &d[3]));
	ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &d[3], 2, 2, NULL));
	ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &late, 1, 1, NULL));
	ASSERT_TRUE(next_one(_metadata, a.h, en, &got));
	EXPECT_TRUE(pfx_eq(&got, &d[4])) TH_LOG("%s", pfx_str(&got));
	ASSERT_TRUE(next_one(_metadata, a.h, en, &got));
	EXPECT_TRUE(pfx_eq(&got, &late)) TH_LOG("%s", pfx_str(&got));
	EXPECT_FALSE(next_one(_metadata, a.h, en, &got));
	/* The end is the end, even if more comes after it now. */
	d[0] = pfx(f, 10, 0, 255, 128, 25);
	ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &d[0], 1, 1, NULL));
	EXPECT_FALSE(next_one(_metadata, a.h, en, &got));
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, en));
}

/* The same inside a dest's routes, a batch ending between two of them. */
TEST(route_cursor)
{
	RTM_NET_ADDRESS d = pfx(AF_INET, 10, 0, 0, 0, 16);
	RTM_NET_ADDRESS d2 = pfx(AF_INET, 10, 1, 0, 0, 16);
	RTM_ROUTE_HANDLE r[6], got[8];
	RTM_ENUM_HANDLE en;
	struct ent e[6];
	unsigned int i;
	UINT num;

	REQUIRE_RTM();
	for (i = 0; i < 6; i++)
		ASSERT_WIN(NO_ERROR, ent_reg(&e[i], INST, AF_INET, PROTO_A,
					     10 + i, NULL));
	/* r1 < r2 < r3 by preference; r0 and r4 come later. */
	for (i = 1; i <= 3; i++)
		ASSERT_WIN(NO_ERROR, rt_add_simple(e[i].h, &d, 10 * i, 1, &r[i]));
	ASSERT_WIN(NO_ERROR, rt_add_simple(e[5].h, &d2, 1, 1, &r[5]));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteEnum(e[0].h, NULL, RTM_VIEW_MASK_ANY,
						RTM_ENUM_START, NULL,
						RTM_MATCH_NONE, NULL, 0, &en));
	num = 1;
	ASSERT_WIN(NO_ERROR, RtmGetEnumRoutes(e[0].h, en, &num, got));
	EXPECT_EQ(r[1], got[0]);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(e[0].h, 1, got));
	/* The last returned goes; a better one comes (behind), a worse one. */
	ASSERT_WIN(NO_ERROR, rt_del(e[1].h, r[1]));
	ASSERT_WIN(NO_ERROR, rt_add_simple(e[0].h, &d, 5, 1, &r[0]));
	ASSERT_WIN(NO_ERROR, rt_add_simple(e[4].h, &d, 40, 1, &r[4]));
	num = 8;
	ASSERT_WIN(NO_ERROR, RtmGetEnumRoutes(e[0].h, en, &num, got));
	ASSERT_EQ(4U, num);
	EXPECT_EQ(r[2], got[0]);
	EXPECT_EQ(r[3], got[1]);
	EXPECT_EQ(r[4], got[2]);
	EXPECT_EQ(r[5], got[3]);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(e[0].h, num, got));
	num = 8;
	EXPECT_WIN(ERROR_NO_MORE_ITEMS, RtmGetEnumRoutes(e[0].h, en, &num, got));
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(e[0].h, en));
	for (i = 0; i < 6; i++)
		if (i != 1)
			EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(e[i].h, 1, &r[i]));
}

/* ------------------------------------------------------------------ */
/* Walks while two processes churn the table                            */
/* ------------------------------------------------------------------ */

#define CHURN_X		16	/* 10.x.0.0/16 blocks */
#define CHURN_MS	6000	/* how long the walks go on at least */
#define CHURN_SLOW_MS	2500	/* the same on a slow kernel */
#define CHURN_MAX_MS	25000	/* and at most */

/* The stable dests: 10.x.{0,64,128,192}.0/24, each with a's route. */
static unsigned int stable_dests(USHORT f, RTM_NET_ADDRESS *out)
{
	unsigned int x, y, n = 0;

	for (x = 0; x < CHURN_X; x++)
		for (y = 0; y < 4; y++)
			out[n++] = pfx(f, 10, x, 64 * y, 0, 24);
	return n;
}

/*
 * The churned prefixes, around and inside the stable ones: the /16 and
 * /18s above them, /24s between them, /25s and /32s below them.
 */
static RTM_NET_ADDRESS churn_prefix(USHORT f, uint64_t r)
{
	uint8_t x = r % CHURN_X, y = (r >> 8) & 0xff;

	switch ((r >> 16) % 6) {
	case 0:
		return pfx(f, 10, x, 0, 0, 16);
	case 1:
		return pfx(f, 10, x, y & 0xc0, 0, 18);
	case 2:
		return pfx(f, 10, x, y | 1, 0, 24);	/* never stable */
	case 3:
		return pfx(f, 10, x, y & 0xc0, 128, 25);
	case 4:
		return pfx(f, 10, x, y & 0xc0, (r >> 24) & 0xff, 32);
	default:
		return pfx(f, 10, x, y, 0, 23);
	}
}

struct churn_shared {
	volatile unsigned long ops[2];
	volatile int stop;
};

struct churn_arg {
	USHORT family;
	int id;
	struct churn_shared *sh;
};

/*
 * A writer: its own entity adds and deletes routes at the churned
 * prefixes and, beside a's, on the stable dests, as fast as it can, until
 * told to stop (or for CHURN_MAX_MS).
 */
static int peer_churn(int rd, int wr, void *p)
{
	struct churn_arg *a = p;
	uint64_t seed = 0x9e3779b97f4a7c15ULL * (a->id + 1);
	RTM_NET_ADDRESS stable[4 * CHURN_X];
	long long end;
	struct ent e;
	unsigned int ns = stable_dests(a->family, stable);

	PEER_CHECK(ent_reg(&e, INST, a->family, PROTO_W, a->id, NULL) ==
		   NO_ERROR);
	PEER_CHECK(msg_send(wr, 1, 0, 0) == 0);
	end = now_ms() + CHURN_MAX_MS;
	while (!a->sh->stop && now_ms() < end) {
		uint64_t r = prng(&seed);
		RTM_NET_ADDRESS d = r & (1ULL << 60) ? stable[r % ns] :
						       churn_prefix(a->family, r);
		DWORD st;

		if ((r >> 40) % 3) {
			st = rt_add_simple(e.h, &d, 1 + (r >> 44) % 4,
					   (r >> 48) % 8, NULL);
			PEER_CHECK(st == NO_ERROR);
		} else {
			st = rt_del_at(e.h, &d);
			PEER_CHECK(st == NO_ERROR || st == ERROR_NOT_FOUND);
		}
		a->sh->ops[a->id]++;
	}
	PEER_CHECK(msg_send(wr, 2, 0, 0) == 0);
	return 0;
}

FIXTURE(churn) {
	struct churn_shared *sh;
	struct peer w[2];
};

FIXTURE_SETUP(churn)
{
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
	memset(self->w, 0, sizeof(self->w));
}

FIXTURE_TEARDOWN(churn)
{
	self->sh->stop = 1;
	peer_kill(&self->w[0]);
	peer_kill(&self->w[1]);
	munmap(self->sh, sizeof(*self->sh));
}

/* Start the writers and wait until both are registered. */
static void churn_start(struct __test_metadata *_metadata,
			FIXTURE_DATA(churn) *self, struct churn_arg *args,
			USHORT f)
{
	struct msg m;
	int i;

	for (i = 0; i < 2; i++) {
		args[i].family = f;
		args[i].id = i;
		args[i].sh = self->sh;
		ASSERT_EQ(0, peer_start(&self->w[i], peer_churn, &args[i]));
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, msg_expect(self->w[i].rd, 1, &m));
}

static void churn_stop(struct __test_metadata *_metadata,
		       FIXTURE_DATA(churn) *self)
{
	struct msg m;
	int i;

	self->sh->stop = 1;
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, msg_expect(self->w[i].rd, 2, &m));
		EXPECT_EQ(0, peer_wait(&self->w[i], WAIT_MS))
			TH_LOG("writer %d failed", i);
	}
}

/*
 * Dest and route walks, in batches of many sizes, while two processes
 * churn prefixes around and inside a set of stable dests: every walk is in
 * strictly ascending order and returns each stable dest (and a's route on
 * it) exactly once.
 */
TEST_F_TIMEOUT(churn, walks_under_churn, 90)
{
	static const UINT fast_sizes[] = { 1, 2, 3, 7, 16, 61, 0 };
	static const UINT slow_sizes[] = { 16, 0 };
	const UINT *sizes = slow_kernel() ? slow_sizes : fast_sizes;
	const unsigned int nsizes = slow_kernel() ? ARRAY_SIZE(slow_sizes) :
						    ARRAY_SIZE(fast_sizes);
	const long long churn_ms = slow_kernel() ? CHURN_SLOW_MS : CHURN_MS;
	const USHORT f = AF_INET6;	/* the longer keys */
	RTM_NET_ADDRESS stable[4 * CHURN_X];
	RTM_ROUTE_HANDLE stable_route[4 * CHURN_X];
	struct churn_arg args[2];
	unsigned int ns, i, walks = 0;
	unsigned long ops_before, ops_during = 0;
	unsigned char *seen;
	struct rtm_stats base;
	long long start;
	struct ent a;
	UINT max;
	char *buf;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	churn_start(_metadata, self, args, f);
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, f, PROTO_A, 1, NULL));
	max = a.prof.MaxHandlesInEnum;
	ns = stable_dests(f, stable);
	for (i = 0; i < ns; i++)
		ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &stable[i], 1, 0,
						   &stable_route[i]));
	seen = calloc(ns, 1);
	buf = malloc(max * di_stride(1) > max * sizeof(HANDLE) ?
		     max * di_stride(1) : max * sizeof(HANDLE));
	ASSERT_NE(NULL, seen);
	ASSERT_NE(NULL, buf);

	start = now_ms();
	while (_metadata->passed &&
	       (now_ms() - start < churn_ms || walks < 2 * nsizes) &&
	       now_ms() - start < CHURN_MAX_MS) {
		UINT b = sizes[walks % nsizes] ?: max;
		bool routes = walks % 2;
		RTM_NET_ADDRESS last;
		RTM_ENUM_HANDLE en;
		unsigned int n = 0, k;
		UINT num;
		DWORD st;

		ops_before = self->sh->ops[0] + self->sh->ops[1];
		memset(seen, 0, ns);
		if (routes)
			ASSERT_WIN(NO_ERROR, RtmCreateRouteEnum(
					     a.h, NULL, RTM_VIEW_MASK_ANY,
					     RTM_ENUM_START, NULL,
					     RTM_MATCH_NONE, NULL, 0, &en));
		else
			ASSERT_WIN(NO_ERROR, RtmCreateDestEnum(
					     a.h, RTM_VIEW_MASK_UCAST,
					     RTM_ENUM_START, NULL,
					     RTM_BEST_PROTOCOL, &en));
		for (;;) {
			num = b;
			st = routes ? RtmGetEnumRoutes(a.h, en, &num,
						       (void *)buf)
				    : RtmGetEnumDests(a.h, en, &num,
						      (void *)buf);
			if (st == ERROR_NO_MORE_ITEMS && !num)
				break;
			ASSERT_WIN(NO_ERROR, st);
			ASSERT_LE(1U, num);
			ASSERT_GE(b, num);
			for (k = 0; k < num; k++) {
				RTM_NET_ADDRESS at;
				RTM_ROUTE_HANDLE rh = ((RTM_ROUTE_HANDLE *)buf)[k];

				if (routes) {
					/* a's routes only: others churn. */
					for (i = 0; i < ns; i++)
						if (stable_route[i] == rh)
							break;
					if (i < ns) {
						EXPECT_EQ(0, seen[i])
							TH_LOG("route of %s twice",
							       pfx_str(&stable[i]));
						seen[i]++;
					}
					continue;
				}
				at = di_at(buf, 1, k)->DestAddress;
				EXPECT_TRUE(!n || pfx_cmp(&last, &at) < 0)
					TH_LOG("walk %u: %s after %s", walks,
					       pfx_str(&at), pfx_str(&last));
				last = at;
				n++;
				for (i = 0; i < ns; i++)
					if (pfx_eq(&stable[i], &at))
						break;
				if (i < ns) {
					EXPECT_EQ(0, seen[i])
						TH_LOG("%s twice",
						       pfx_str(&stable[i]));
					seen[i]++;
				}
			}
			if (routes)
				EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, num,
								     (void *)buf));
			else
				EXPECT_WIN(NO_ERROR, RtmReleaseDests(a.h, num,
								    (void *)buf));
		}
		EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, en));
		for (i = 0; i < ns; i++)
			EXPECT_EQ(1, seen[i])
				TH_LOG("walk %u (%s, batch %u): %s seen %u times",
				       walks, routes ? "routes" : "dests", b,
				       pfx_str(&stable[i]), seen[i]);
		if (self->sh->ops[0] + self->sh->ops[1] > ops_before)
			ops_during++;
		walks++;
	}
	churn_stop(_metadata, self);
	TH_LOG("%u walks, %lu + %lu writes", walks, self->sh->ops[0],
	       self->sh->ops[1]);
	/* The walks raced with writes, or they proved nothing. */
	EXPECT_LE(walks / 2, ops_during);
	EXPECT_LT(1000UL, self->sh->ops[0] + self->sh->ops[1]);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, ns, stable_route));
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(a.h));
	EXPECT_STATS_BACK(&base);
	free(seen);
	free(buf);
}

TEST_HARNESS_MAIN
