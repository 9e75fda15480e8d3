// SPDX-License-Identifier: GPL-2.0
/*
 * Entity-private route lists through librtm (reference 7.10, 8.3, 8.5):
 * RtmCreateRouteList, RtmInsertInRouteList (moving routes between lists,
 * and out of any with a NULL list), RtmAddRouteToDest's RouteListHandle,
 * RtmCreateRouteListEnum and RtmGetListEnumRoutes (insertion order, a
 * short batch for the end, never ERROR_NO_MORE_ITEMS), RtmDeleteRouteList;
 * the errors of each, the cap on lists, and lists of a process that exits.
 *
 * Every test uses RTM instance INST, which no other test program uses.
 */
#include "kselftest_harness.h"
#include "enum_util.h"

#define INST		13
#define PROTO_A		0xa100
#define PROTO_B		0xa200
#define NR		150		/* routes of the big list */

/* A route per dest 10.i.0.0/16 of @h, with held handles. */
static void add_routes(struct __test_metadata *_metadata, RTM_ENTITY_HANDLE h,
		       unsigned int first, unsigned int n,
		       RTM_ROUTE_LIST_HANDLE list, RTM_ROUTE_HANDLE *r)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		RTM_NET_ADDRESS d = pfx(AF_INET, 10, (first + i) / 256,
					(first + i) % 256, 0, 24);
		struct rt in = { .pref = 1 };

		ASSERT_WIN(NO_ERROR, rt_add(h, &d, &in, list, &r[i], NULL))
			TH_LOG("route %u", first + i);
	}
}

/*
 * Read a list enumeration in batches of @batch: NO_ERROR every time (never
 * ERROR_NO_MORE_ITEMS), full batches until a short one (maybe empty) ends
 * it; each batch released.  The routes go to @out; returns how many.
 * With @calls, only that many batches are read (all full).
 */
static unsigned int walk_list_enum(struct __test_metadata *_metadata,
				   RTM_ENTITY_HANDLE h, RTM_ENUM_HANDLE en,
				   UINT batch, RTM_ROUTE_HANDLE *out,
				   unsigned int cap, unsigned int calls_max)
{
	RTM_ROUTE_HANDLE *buf = calloc(batch + 1, sizeof(*buf));
	unsigned int n = 0, i, calls;
	UINT num;

	ASSERT_NE(NULL, buf);
	for (calls = 0;; calls++) {
		ASSERT_LT(calls, 100000U);
		for (i = 0; i <= batch; i++)
			buf[i] = mkhandle(0x5a5a5a5a5a5a5a5aULL);
		num = batch;
		EXPECT_WIN(NO_ERROR, RtmGetListEnumRoutes(h, en, &num, buf));
		EXPECT_GE(batch, num);
		if (num > batch)
			break;
		for (i = num; i <= batch; i++)
			EXPECT_EQ(0x5a5a5a5a5a5a5a5aULL, hval(buf[i]));
		for (i = 0; i < num; i++) {
			if (n < cap)
				out[n] = buf[i];
			n++;
		}
		if (num)
			EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(h, num, buf));
		if (num < batch)
			break;
		if (calls_max && calls + 1 == calls_max) {
			free(buf);
			return n;
		}
	}
	/* After the end: empty batches, still NO_ERROR. */
	num = batch;
	EXPECT_WIN(NO_ERROR, RtmGetListEnumRoutes(h, en, &num, buf));
	EXPECT_EQ(0U, num);
	free(buf);
	return n;
}

/*
 * The list holds exactly @want, in that order (a walk in batches of @b);
 * with @calls, its first @calls full batches are those of @want.
 */
static void expect_list_part(struct __test_metadata *_metadata,
			     RTM_ENTITY_HANDLE h, RTM_ROUTE_LIST_HANDLE list,
			     UINT b, const RTM_ROUTE_HANDLE *want,
			     unsigned int nwant, unsigned int calls,
			     const char *what)
{
	RTM_ROUTE_HANDLE *got = calloc(nwant + 8, sizeof(*got));
	RTM_ENUM_HANDLE en = NULL;
	unsigned int n, i;

	ASSERT_NE(NULL, got);
	ASSERT_WIN(NO_ERROR, RtmCreateRouteListEnum(h, list, &en));
	n = walk_list_enum(_metadata, h, en, b, got, nwant + 8, calls);
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(h, en));
	if (calls && calls * b < nwant)
		nwant = calls * b;
	EXPECT_EQ(nwant, n) TH_LOG("%s: %u routes, want %u", what, n, nwant);
	for (i = 0; i < n && i < nwant; i++) {
		EXPECT_EQ(want[i], got[i]) TH_LOG("%s: route %u", what, i);
		if (want[i] != got[i])
			break;
	}
	free(got);
}

static void expect_list(struct __test_metadata *_metadata, RTM_ENTITY_HANDLE h,
			RTM_ROUTE_LIST_HANDLE list, UINT b,
			const RTM_ROUTE_HANDLE *want, unsigned int nwant,
			const char *what)
{
	expect_list_part(_metadata, h, list, b, want, nwant, 0, what);
}

/*
 * A list is read in insertion order (not address order) in batches of
 * every size from 1 to MaxHandlesInEnum; a batch that reaches the end
 * exactly is followed by an empty one.  (On a slow kernel: the edge
 * sizes, the small ones for three batches only.)
 */
TEST(insertion_order_every_batch)
{
	RTM_ROUTE_HANDLE r[NR], want[NR];
	RTM_ROUTE_LIST_HANDLE list, empty;
	struct rtm_stats base, st;
	struct table_stats tbase;
	struct ent a;
	unsigned int i, j, nsizes;
	UINT b, max, *sizes;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_EQ(0, read_table(INST, AF_INET, &tbase));
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	max = a.prof.MaxHandlesInEnum;
	ASSERT_GT((UINT)NR, max) TH_LOG("MaxHandlesInEnum above %u", NR);
	sizes = calloc(max, sizeof(*sizes));
	ASSERT_NE(NULL, sizes);
	nsizes = batch_sizes(max, sizes);
	add_routes(_metadata, a.h, 0, NR, NULL, r);
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(a.h, &list));
	ASSERT_NE(NULL, list);
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(a.h, &empty));
	EXPECT_NE(list, empty);

	/* Inserted backwards, odd ones first, in batches of 1, 2, 3... */
	for (i = 0; i < NR / 2; i++)
		want[i] = r[NR - 1 - 2 * i];
	for (i = 0; i < NR / 2; i++)
		want[NR / 2 + i] = r[NR - 2 - 2 * i];
	for (i = 0, b = 1; i < NR; i += b, b++) {
		UINT k = NR - i < b ? NR - i : b;

		ASSERT_WIN(NO_ERROR, RtmInsertInRouteList(a.h, list, k,
							  &want[i]));
	}
	ASSERT_EQ(0, read_stats(&st));
	for (j = 0; j < nsizes && _metadata->passed; j++)
		expect_list_part(_metadata, a.h, list, sizes[j], want, NR,
				 slow_kernel() && sizes[j] < max / 2 ? 3 : 0,
				 "the list");
	free(sizes);
	/* A batch that ends exactly at the end: the next one is empty. */
	expect_list(_metadata, a.h, list, NR / 2, want, NR, "two halves");
	expect_list(_metadata, a.h, empty, 1, NULL, 0, "empty list");
	expect_list(_metadata, a.h, empty, max, NULL, 0, "empty list");
	EXPECT_HOLDS(st.holds);

	/* The list holds its routes but no handle of the caller's. */
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, NR, r));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds, st.holds);
	expect_list(_metadata, a.h, list, max, want, NR, "after release");

	EXPECT_WIN(NO_ERROR, RtmDeleteRouteList(a.h, list));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteList(a.h, empty));
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(a.h));
	EXPECT_STATS_BACK(&base);
	EXPECT_TABLE_BACK(INST, AF_INET, &tbase);
}

/*
 * A route is in one list at most: inserting it elsewhere moves it, into
 * the same list moves it to the end, a NULL list takes it out;
 * RtmAddRouteToDest with a list moves it too; a deleted route leaves its
 * list; a deleted list lets its routes be.
 */
TEST(moves_between_lists)
{
	RTM_ROUTE_HANDLE r[8], w[8], extra;
	RTM_ROUTE_LIST_HANDLE l1, l2, l3;
	RTM_NET_ADDRESS d7 = pfx(AF_INET, 10, 0, 7, 0, 24);
	RTM_NET_ADDRESS dx = pfx(AF_INET, 10, 0, 99, 0, 24);
	RTM_NET_ADDRESS d5 = pfx(AF_INET, 10, 0, 5, 0, 24);
	RTM_ENUM_HANDLE en;
	RTM_ROUTE_INFO ri;
	struct table_stats t, t2;
	struct rt in = { .pref = 1 };
	struct ent a;
	UINT num;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(a.h, &l1));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(a.h, &l2));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(a.h, &l3));
	/* r0..r6 go into l1 as they are added. */
	add_routes(_metadata, a.h, 0, 7, l1, r);
	expect_list(_metadata, a.h, l1, 3, r, 7, "l1");

	/* r2 and r4 to l2, then r1 too. */
	w[0] = r[2];
	w[1] = r[4];
	ASSERT_WIN(NO_ERROR, RtmInsertInRouteList(a.h, l2, 2, w));
	ASSERT_WIN(NO_ERROR, RtmInsertInRouteList(a.h, l2, 1, &r[1]));
	w[2] = r[1];
	expect_list(_metadata, a.h, l2, 2, w, 3, "l2");
	w[0] = r[0];
	w[1] = r[3];
	w[2] = r[5];
	w[3] = r[6];
	expect_list(_metadata, a.h, l1, 2, w, 4, "l1 less three");
	/* Out of any list; into its own list again: to the end. */
	ASSERT_WIN(NO_ERROR, RtmInsertInRouteList(a.h, NULL, 1, &r[3]));
	ASSERT_WIN(NO_ERROR, RtmInsertInRouteList(a.h, l1, 1, &r[0]));
	w[0] = r[5];
	w[1] = r[6];
	w[2] = r[0];
	expect_list(_metadata, a.h, l1, 1, w, 3, "l1 reordered");
	/* Out of no list, into no list: nothing to do. */
	ASSERT_WIN(NO_ERROR, RtmInsertInRouteList(a.h, NULL, 1, &r[3]));
	/* The same route twice in one call: in once. */
	w[0] = r[3];
	w[1] = r[3];
	ASSERT_WIN(NO_ERROR, RtmInsertInRouteList(a.h, l3, 2, w));
	expect_list(_metadata, a.h, l3, 4, w, 1, "l3");

	/* RtmAddRouteToDest with a list: new routes and updates move. */
	ASSERT_WIN(NO_ERROR, rt_add(a.h, &d7, &in, l3, &r[7], NULL));
	in.metric = 5;
	ASSERT_WIN(NO_ERROR, rt_add(a.h, &d5, &in, l3, &extra, NULL));
	EXPECT_EQ(r[5], extra);			/* an update */
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 1, &extra));
	w[1] = r[7];
	w[2] = r[5];
	expect_list(_metadata, a.h, l3, 2, w, 3, "l3 after adds");
	w[0] = r[6];
	w[1] = r[0];
	expect_list(_metadata, a.h, l1, 2, w, 2, "l1 after adds");
	/* An update without a list leaves the route where it is. */
	in.metric = 6;
	ASSERT_WIN(NO_ERROR, rt_add(a.h, &d7, &in, NULL, NULL, NULL));
	w[0] = r[3];
	w[1] = r[7];
	w[2] = r[5];
	expect_list(_metadata, a.h, l3, 3, w, 3, "l3 after update");

	/* A deleted route leaves its list. */
	ASSERT_WIN(NO_ERROR, RtmReferenceHandles(a.h, 1, &r[7]));
	ASSERT_WIN(NO_ERROR, rt_del(a.h, r[7]));
	w[1] = r[5];
	expect_list(_metadata, a.h, l3, 1, w, 2, "l3 less a deleted route");
	/* ... and cannot go into one. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmInsertInRouteList(a.h, l1, 1, &r[7]));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 1, &r[7]));

	/*
	 * Deleting l2 keeps its routes; an enumeration of it open before
	 * finds nothing more.
	 */
	ASSERT_WIN(NO_ERROR, RtmCreateRouteListEnum(a.h, l2, &en));
	ASSERT_EQ(0, read_table(INST, AF_INET, &t));
	ASSERT_WIN(NO_ERROR, RtmDeleteRouteList(a.h, l2));
	ASSERT_EQ(0, read_table(INST, AF_INET, &t2));
	EXPECT_EQ(t.routes, t2.routes);
	EXPECT_EQ(t.dests, t2.dests);
	memset(&ri, 0, sizeof(ri));
	EXPECT_WIN(NO_ERROR, rt_read(a.h, &a.prof, r[1], &ri));
	EXPECT_EQ(RTM_ROUTE_STATE_CREATED, ri.State);
	num = 4;
	{
		RTM_ROUTE_HANDLE got[4] = { NULL };
		DWORD st = RtmGetListEnumRoutes(a.h, en, &num, got);

		EXPECT_TRUE(st == NO_ERROR || st == ERROR_INVALID_HANDLE)
			TH_LOG("status %u", st);
		EXPECT_EQ(0U, num);
	}
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, en));
	/* l2 is gone for good; its routes can go into another list. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteRouteList(a.h, l2));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmInsertInRouteList(a.h, l2, 1, &r[2]));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmCreateRouteListEnum(a.h, l2, &en));
	ASSERT_WIN(NO_ERROR, RtmInsertInRouteList(a.h, l1, 1, &r[2]));
	w[0] = r[6];
	w[1] = r[0];
	w[2] = r[2];
	expect_list(_metadata, a.h, l1, 8, w, 3, "l1 with a route of l2");
	/* r1 and r4 are in no list now: they can join l3. */
	w[0] = r[4];
	w[1] = r[1];
	ASSERT_WIN(NO_ERROR, RtmInsertInRouteList(a.h, l3, 2, w));
	w[0] = r[3];
	w[1] = r[5];
	w[2] = r[4];
	w[3] = r[1];
	expect_list(_metadata, a.h, l3, 8, w, 4, "l3 with the rest of l2");

	/* A route of another dest added into l1 while l1 is walked. */
	ASSERT_WIN(NO_ERROR, RtmCreateRouteListEnum(a.h, l1, &en));
	num = 1;
	ASSERT_WIN(NO_ERROR, RtmGetListEnumRoutes(a.h, en, &num, w));
	EXPECT_EQ(r[6], w[0]);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 1, w));
	ASSERT_WIN(NO_ERROR, rt_add(a.h, &dx, &in, l1, &extra, NULL));
	num = 8;
	ASSERT_WIN(NO_ERROR, RtmGetListEnumRoutes(a.h, en, &num, w));
	ASSERT_EQ(3U, num);
	EXPECT_EQ(r[0], w[0]);
	EXPECT_EQ(r[2], w[1]);
	EXPECT_EQ(extra, w[2]);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, num, w));
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, en));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 1, &extra));

	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 7, r));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteList(a.h, l1));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteList(a.h, l3));
}

/*
 * Insertions are all or nothing: another entity's route, a deleted one,
 * a handle of another kind refuse the whole call.  Lists are their
 * owner's alone.
 */
TEST(insert_errors)
{
	RTM_ROUTE_HANDLE ra[4], rb[1], mixed[3];
	RTM_ROUTE_LIST_HANDLE la, lb;
	RTM_NEXTHOP_HANDLE nh;
	RTM_NET_ADDRESS nha = pfx(AF_INET, 192, 0, 2, 1, 32);
	RTM_NET_ADDRESS d0 = pfx(AF_INET, 10, 0, 0, 0, 24);
	RTM_ROUTE_HANDLE want[4];
	RTM_ENUM_HANDLE en;
	RTM_DEST_INFO di;
	struct ent a, b;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	add_routes(_metadata, a.h, 0, 4, NULL, ra);
	add_routes(_metadata, b.h, 0, 1, NULL, rb);	/* b's, on a dest of a */
	ASSERT_WIN(NO_ERROR, nh_add(a.h, &nha, 1, &nh));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(a.h, &la));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(b.h, &lb));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(
				     a.h, &d0, RTM_BEST_PROTOCOL,
				     RTM_VIEW_MASK_UCAST, &di));

	ASSERT_WIN(NO_ERROR, RtmInsertInRouteList(a.h, la, 1, &ra[3]));
	/* b's route, alone or among a's: nothing moves. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmInsertInRouteList(a.h, la, 1, rb));
	mixed[0] = ra[0];
	mixed[1] = rb[0];
	mixed[2] = ra[1];
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmInsertInRouteList(a.h, la, 3, mixed));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmInsertInRouteList(a.h, NULL, 3, mixed));
	/* Not routes. */
	mixed[1] = nh;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmInsertInRouteList(a.h, la, 3, mixed));
	mixed[1] = di.DestHandle;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmInsertInRouteList(a.h, la, 3, mixed));
	mixed[1] = la;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmInsertInRouteList(a.h, la, 3, mixed));
	mixed[1] = NULL;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmInsertInRouteList(a.h, la, 3, mixed));
	mixed[1] = handle_with_kind(ra[2], 0x7e);
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmInsertInRouteList(a.h, la, 3, mixed));
	expect_list(_metadata, a.h, la, 4, &ra[3], 1, "la untouched");

	/* Another's list, or no list at all. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmInsertInRouteList(a.h, lb, 1, ra));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmInsertInRouteList(b.h, la, 1, rb));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmInsertInRouteList(a.h, nh, 1, ra));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmInsertInRouteList(a.h, ra[0], 1, ra));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmCreateRouteListEnum(a.h, lb, &en));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmCreateRouteListEnum(a.h, NULL, &en));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmCreateRouteListEnum(a.h, ra[0], &en));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmCreateRouteListEnum(a.h, la, NULL));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteRouteList(a.h, lb));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteRouteList(a.h, NULL));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteRouteList(a.h, ra[0]));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteRouteList(a.h, nh));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmInsertInRouteList(a.h, la, 2, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmCreateRouteList(a.h, NULL));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmCreateRouteList(NULL, &lb));
	expect_list(_metadata, a.h, la, 4, &ra[3], 1, "la still");
	expect_list(_metadata, b.h, lb, 4, NULL, 0, "lb empty");

	/* All of a's good ones at once: fine. */
	ASSERT_WIN(NO_ERROR, RtmInsertInRouteList(a.h, la, 3, ra));
	want[0] = ra[3];
	want[1] = ra[0];
	want[2] = ra[1];
	want[3] = ra[2];
	expect_list(_metadata, a.h, la, 4, want, 4, "la");
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, &di));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 4, ra));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(b.h, 1, rb));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(a.h, 1, &nh));
}

/*
 * Batch sizes 0 and above MaxHandlesInEnum are refused; list enumeration
 * handles are no other enumerations'; what they hand out goes back through
 * RtmReleaseRoutes once; the handles die with RtmDeleteEnumHandle.
 */
TEST(list_enum_errors)
{
	RTM_ROUTE_HANDLE r[4], got[4];
	RTM_ROUTE_LIST_HANDLE l;
	RTM_ENUM_HANDLE en, den, other;
	char dbuf[4 * RTM_SIZE_OF_DEST_INFO(1)] __attribute__((aligned(8)));
	struct rtm_stats st;
	struct ent a, b;
	UINT num;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(a.h, &l));
	add_routes(_metadata, a.h, 0, 4, l, r);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 4, r));
	ASSERT_EQ(0, read_stats(&st));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteListEnum(a.h, l, &en));
	ASSERT_WIN(NO_ERROR, RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST,
					       RTM_ENUM_START, NULL,
					       RTM_BEST_PROTOCOL, &den));
	ASSERT_WIN(NO_ERROR, RtmCreateDestEnum(b.h, RTM_VIEW_MASK_UCAST,
					       RTM_ENUM_START, NULL,
					       RTM_BEST_PROTOCOL, &other));

	num = 0;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetListEnumRoutes(a.h, en, &num, got));
	EXPECT_EQ(0U, num);
	num = a.prof.MaxHandlesInEnum + 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetListEnumRoutes(a.h, en, &num, got));
	EXPECT_EQ(0U, num);
	num = 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetListEnumRoutes(a.h, en, &num, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetListEnumRoutes(a.h, en, NULL, got));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetListEnumRoutes(a.h, den, &num, got));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetListEnumRoutes(a.h, other, &num, got));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetListEnumRoutes(b.h, en, &num, got));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetListEnumRoutes(a.h, l, &num, got));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetEnumRoutes(a.h, en, &num, got));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetEnumDests(a.h, en, &num, (void *)dbuf));
	EXPECT_HOLDS(st.holds);

	/* The cursor did not move. */
	num = 3;
	ASSERT_WIN(NO_ERROR, RtmGetListEnumRoutes(a.h, en, &num, got));
	ASSERT_EQ(3U, num);
	EXPECT_EQ(r[0], got[0]);
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHops(a.h, 3, got));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(b.h, 3, got));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 3, got));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(a.h, 1, got));
	EXPECT_HOLDS(st.holds);
	num = 3;
	ASSERT_WIN(NO_ERROR, RtmGetListEnumRoutes(a.h, en, &num, got));
	EXPECT_EQ(1U, num);
	EXPECT_EQ(r[3], got[0]);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, num, got));

	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, en));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteEnumHandle(a.h, en));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetListEnumRoutes(a.h, en, &num, got));
	/* The list is not the enumeration: it is still there. */
	expect_list(_metadata, a.h, l, 2, r, 4, "the list");
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, den));
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(b.h, other));
	EXPECT_HOLDS(st.holds);
}

/*
 * At most max_lists lists per registration (ERROR_NO_SYSTEM_RESOURCES
 * past that); another registration has its own; a deleted one makes room.
 */
TEST(list_cap)
{
	long cap = module_param("max_lists");
	RTM_ROUTE_LIST_HANDLE *l, extra;
	struct rtm_stats base, st;
	struct ent a, b;
	long i;

	REQUIRE_RTM();
	if (cap <= 0 || cap > 4096)
		SKIP(return, "max_lists parameter unreadable or above 4096");
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	l = calloc(cap, sizeof(*l));
	ASSERT_NE(NULL, l);
	for (i = 0; i < cap; i++)
		ASSERT_WIN(NO_ERROR, RtmCreateRouteList(a.h, &l[i]))
			TH_LOG("list %ld of %ld", i, cap);
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.handles + 2 + cap, st.handles);
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES, RtmCreateRouteList(a.h, &extra));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(b.h, &extra));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteList(b.h, extra));
	ASSERT_WIN(NO_ERROR, RtmDeleteRouteList(a.h, l[0]));
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(a.h, &l[0]));
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES, RtmCreateRouteList(a.h, &extra));
	for (i = 0; i < cap; i++)
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteList(a.h, l[i]));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.handles + 2, st.handles);
	free(l);
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(a.h));
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(b.h));
	EXPECT_STATS_BACK(&base);
}

struct exit_arg {
	bool deregister;
};

/*
 * A peer with lists full of routes and list enumerations halfway through,
 * holding what they gave, that leaves by exit() or RtmDeregisterEntity.
 */
static int peer_lists(int rd, int wr, void *p)
{
	struct exit_arg *arg = p;
	RTM_ROUTE_HANDLE got[8];
	RTM_ROUTE_LIST_HANDLE l[4];
	RTM_ENUM_HANDLE en;
	struct ent e;
	struct msg m;
	unsigned int i, j;
	UINT num;

	PEER_CHECK(msg_expect(rd, 0, &m) == 0);
	PEER_CHECK(ent_reg(&e, INST, AF_INET, PROTO_B, 7, NULL) == NO_ERROR);
	for (i = 0; i < 4; i++) {
		PEER_CHECK(RtmCreateRouteList(e.h, &l[i]) == NO_ERROR);
		for (j = 0; j < 16; j++) {
			RTM_NET_ADDRESS d = pfx(AF_INET, 10, 200 + i, j, 0, 24);
			struct rt in = { .pref = 1 };

			PEER_CHECK(rt_add(e.h, &d, &in, l[i], NULL, NULL) ==
				   NO_ERROR);
		}
		PEER_CHECK(RtmCreateRouteListEnum(e.h, l[i], &en) == NO_ERROR);
		num = 8;
		PEER_CHECK(RtmGetListEnumRoutes(e.h, en, &num, got) ==
			   NO_ERROR);
		PEER_CHECK(num == 8);
	}
	PEER_CHECK(msg_send(wr, 1, 0, 0) == 0);
	PEER_CHECK(msg_expect(rd, 2, &m) == 0);
	if (arg->deregister) {
		PEER_CHECK(RtmDeregisterEntity(e.h) == NO_ERROR);
		PEER_CHECK(msg_send(wr, 3, 0, 0) == 0);
		PEER_CHECK(msg_expect(rd, 4, &m) == 0);
	}
	return 0;
}

static void check_lists_gone(struct __test_metadata *_metadata,
			     bool deregister)
{
	struct exit_arg arg = { .deregister = deregister };
	struct rtm_stats base, st;
	struct table_stats tbase, t;
	struct peer p;
	struct msg m;

	ASSERT_EQ(0, peer_start(&p, peer_lists, &arg));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_EQ(0, read_table(INST, AF_INET, &tbase));
	ASSERT_EQ(0, msg_send(p.wr, 0, 0, 0));
	ASSERT_EQ(0, msg_expect(p.rd, 1, &m));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_LT(base.handles + 8, st.handles);	/* lists, enums */
	EXPECT_EQ(base.holds + 32, st.holds);
	ASSERT_EQ(0, read_table(INST, AF_INET, &t));
	EXPECT_EQ(tbase.routes + 64, t.routes);
	ASSERT_EQ(0, msg_send(p.wr, 2, 0, 0));
	if (deregister) {
		/* The process lives on; its registration is gone. */
		ASSERT_EQ(0, msg_expect(p.rd, 3, &m));
		EXPECT_STATS_BACK(&base);
		EXPECT_TABLE_BACK(INST, AF_INET, &tbase);
		ASSERT_EQ(0, msg_send(p.wr, 4, 0, 0));
	}
	EXPECT_EQ(0, peer_wait(&p, WAIT_MS));
	EXPECT_STATS_BACK(&base);
	EXPECT_TABLE_BACK(INST, AF_INET, &tbase);
}

TEST(lists_gone_with_exit)
{
	REQUIRE_RTM();
	check_lists_gone(_metadata, false);
}

TEST(lists_gone_with_deregistration)
{
	REQUIRE_RTM();
	check_lists_gone(_metadata, true);
}

TEST_HARNESS_MAIN
