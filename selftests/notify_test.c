// SPDX-License-Identifier: GPL-2.0
/*
 * Change notification through librtm (reference 6.1, 7.9, 8.3, 8.8, 10,
 * 11 items 1 and 9): RtmRegisterForChangeNotification (change types,
 * views, RTM_NOTIFY_ONLY_MARKED_DESTS, NotifyContext, the per-table cap),
 * RtmGetChangedDests, RtmReleaseChangedDests, RtmIgnoreChangedDests,
 * RtmGetChangeStatus, RtmMarkDestForChangeNotification,
 * RtmIsMarkedForChangeNotification and RtmDeregisterFromChangeNotification;
 * coalescing, deletions reported with no routes, the callback when a queue
 * fills, changes crossing processes but not namespaces, the end of
 * subscriptions with deregistration and fd close, and heavy churn whose
 * final state must reach the subscriber.
 *
 * Every test uses RTM instance INST, which no other test program uses.
 */
#include <sched.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "enum_util.h"

#define INST		14
#define PROTO_A		0xb100
#define PROTO_B		0xb200
#define PROTO_C		0xb300
#define PROTO_W		0xb400		/* churn writers */
#define MAX_SUBS	32		/* subscriptions per table */
#define QUIET_MS	400		/* how long "nothing came" is waited for */

/* ------------------------------------------------------------------ */
/* Callbacks                                                            */
/* ------------------------------------------------------------------ */

struct nrec {
	RTM_ENTITY_HANDLE receiver;
	RTM_NOTIFY_HANDLE notify;	/* Context1 */
	PVOID context;			/* Context2 */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int n;
	struct nrec rec[1024];
} nlog = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

/* Records RTM_CHANGE_NOTIFICATIONs; the other events are not ours. */
static DWORD WINAPI ncb(RTM_ENTITY_HANDLE receiver, RTM_EVENT_TYPE type,
			PVOID context1, PVOID context2)
{
	if (type != RTM_CHANGE_NOTIFICATION)
		return NO_ERROR;
	pthread_mutex_lock(&nlog.lock);
	if (nlog.n < ARRAY_SIZE(nlog.rec)) {
		nlog.rec[nlog.n].receiver = receiver;
		nlog.rec[nlog.n].notify = context1;
		nlog.rec[nlog.n].context = context2;
		nlog.n++;
	}
	pthread_cond_broadcast(&nlog.cond);
	pthread_mutex_unlock(&nlog.lock);
	return NO_ERROR;
}

/* The callbacks for @notify so far; the last one's record in *@last. */
static unsigned int ncount(RTM_NOTIFY_HANDLE notify, struct nrec *last)
{
	unsigned int i, n = 0;

	pthread_mutex_lock(&nlog.lock);
	for (i = 0; i < nlog.n; i++) {
		if (nlog.rec[i].notify != notify)
			continue;
		n++;
		if (last)
			*last = nlog.rec[i];
	}
	pthread_mutex_unlock(&nlog.lock);
	return n;
}

/* Wait up to @ms for @notify's callbacks to reach @want; the count. */
static unsigned int nwait(RTM_NOTIFY_HANDLE notify, unsigned int want, int ms)
{
	long long end = now_ms() + ms;
	unsigned int n;

	while ((n = ncount(notify, NULL)) < want && now_ms() < end)
		usleep(5000);
	return n;
}

/* ------------------------------------------------------------------ */
/* Draining                                                             */
/* ------------------------------------------------------------------ */

/* What a test keeps of a changed dest (its handles are released). */
/*
 * Take every dest queued on @n in batches of @batch: NO_ERROR with 1 to
 * @batch infos of @nviews views (packed at their stride, nothing written
 * beyond, no dest twice in a batch), until ERROR_NO_MORE_ITEMS with 0;
 * each batch released with RtmReleaseChangedDests.  The dests go to @out
 * (at most @cap); returns how many came.
 */
static unsigned int drain(struct __test_metadata *_metadata,
			  RTM_ENTITY_HANDLE h, RTM_NOTIFY_HANDLE n,
			  UINT nviews, UINT batch, struct dent *out,
			  unsigned int cap)
{
	size_t stride = di_stride(nviews);
	unsigned int got = 0, i, j, calls;
	char *buf = malloc((batch + 1) * stride);
	UINT num;
	DWORD st;

	ASSERT_NE(NULL, buf);
	for (calls = 0;; calls++) {
		ASSERT_LT(calls, 100000U) TH_LOG("the queue never empties");
		memset(buf, DI_SENTINEL, (batch + 1) * stride);
		num = batch;
		st = RtmGetChangedDests(h, n, &num, (PRTM_DEST_INFO)buf);
		if (st != NO_ERROR) {
			EXPECT_WIN(ERROR_NO_MORE_ITEMS, st);
			EXPECT_EQ(0U, num);
			break;
		}
		EXPECT_LE(1U, num);
		EXPECT_GE(batch, num);
		if (num < 1 || num > batch)
			break;
		EXPECT_TRUE(untouched(buf + num * stride,
				      (batch + 1 - num) * stride));
		for (i = 0; i < num; i++) {
			RTM_DEST_INFO *di = di_at(buf, nviews, i);

			EXPECT_EQ(nviews, di->NumberOfViews);
			EXPECT_NE(NULL, di->DestHandle);
			for (j = 0; j < i; j++)
				EXPECT_NE(di->DestHandle,
					  di_at(buf, nviews, j)->DestHandle)
					TH_LOG("%s twice in one batch",
					       pfx_str(&di->DestAddress));
			if (got < cap)
				dent_of(&out[got], di);
			got++;
		}
		EXPECT_WIN(NO_ERROR, RtmReleaseChangedDests(h, n, num,
							    (PRTM_DEST_INFO)buf));
	}
	free(buf);
	return got;
}

/* How many dests a drain of @n takes (batches of 16, 1 view). */
static unsigned int drain_count(struct __test_metadata *_metadata,
				RTM_ENTITY_HANDLE h, RTM_NOTIFY_HANDLE n,
				UINT nviews)
{
	struct dent c[64];

	return drain(_metadata, h, n, nviews, 16, c, 64);
}

/* The index of @a in @c[0..@n), or -1. */
static int cfind(const struct dent *c, unsigned int n,
		 const RTM_NET_ADDRESS *a)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (pfx_eq(&c[i].addr, a))
			return i;
	return -1;
}

/* The dest handle of @d, held in *@di (release with RtmReleaseDestInfo). */
static RTM_DEST_HANDLE dest_of(struct __test_metadata *_metadata,
			       RTM_ENTITY_HANDLE h, const RTM_NET_ADDRESS *d,
			       RTM_DEST_INFO *di)
{
	RTM_NET_ADDRESS a = *d;

	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(h, &a,
							 RTM_BEST_PROTOCOL,
							 RTM_VIEW_MASK_ANY,
							 di))
		TH_LOG("%s", pfx_str(d));
	return di->DestHandle;
}

static BOOL status_of(struct __test_metadata *_metadata, RTM_ENTITY_HANDLE h,
		      RTM_NOTIFY_HANDLE n, RTM_DEST_HANDLE d)
{
	BOOL st = 7;

	EXPECT_WIN(NO_ERROR, RtmGetChangeStatus(h, n, d, &st));
	EXPECT_TRUE(st == TRUE || st == FALSE);
	return st;
}

static RTM_NOTIFY_HANDLE subscribe(struct __test_metadata *_metadata,
				   RTM_ENTITY_HANDLE h, RTM_VIEW_SET views,
				   RTM_NOTIFY_FLAGS flags, PVOID context)
{
	RTM_NOTIFY_HANDLE n = NULL;

	ASSERT_WIN(NO_ERROR, RtmRegisterForChangeNotification(h, views, flags,
							      context, &n));
	ASSERT_NE(NULL, n);
	return n;
}

/* ------------------------------------------------------------------ */
/* Registration                                                         */
/* ------------------------------------------------------------------ */

TEST(register_arguments)
{
	static const RTM_NOTIFY_FLAGS bad[] = {
		0, RTM_NOTIFY_ONLY_MARKED_DESTS,
		RTM_CHANGE_TYPE_ALL | 0x8, RTM_CHANGE_TYPE_ALL | 0x100,
		RTM_CHANGE_TYPE_BEST | 0x20000, RTM_CHANGE_TYPE_ALL | 0x80000000,
	};
	static const RTM_VIEW_SET badviews[] = { 0x4, 0x7, 0x80000000 };
	RTM_NOTIFY_HANDLE n[14], x;
	struct rtm_stats base, st;
	struct ent a;
	unsigned int i, k = 0;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_WIN(ERROR_INVALID_PARAMETER,
			   RtmRegisterForChangeNotification(a.h,
							    RTM_VIEW_MASK_UCAST,
							    bad[i], NULL, &x))
			TH_LOG("flags %#x", bad[i]);
	for (i = 0; i < ARRAY_SIZE(badviews); i++)
		EXPECT_WIN(ERROR_NOT_SUPPORTED,
			   RtmRegisterForChangeNotification(a.h, badviews[i],
							    RTM_CHANGE_TYPE_ALL,
							    NULL, &x))
			TH_LOG("views %#x", badviews[i]);
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmRegisterForChangeNotification(a.h, RTM_VIEW_MASK_UCAST,
						    RTM_CHANGE_TYPE_ALL, NULL,
						    NULL));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmRegisterForChangeNotification(NULL, RTM_VIEW_MASK_UCAST,
						    RTM_CHANGE_TYPE_ALL, NULL,
						    &x));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.handles, st.handles);

	/* Every combination of types, with and without the marked flag. */
	for (i = 1; i <= 7; i++) {
		n[k++] = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST, i,
				   NULL);
		n[k++] = subscribe(_metadata, a.h,
				   i & 1 ? RTM_VIEW_MASK_ALL : RTM_VIEW_MASK_ANY,
				   i | RTM_NOTIFY_ONLY_MARKED_DESTS,
				   (PVOID)(uintptr_t)i);
	}
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.handles + 14, st.handles);
	for (i = 0; i < k; i++) {
		EXPECT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(a.h,
									 n[i]));
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmDeregisterFromChangeNotification(a.h, n[i]));
	}
	EXPECT_STATS_BACK(&base);
}

/*
 * A table has MAX_SUBS subscriptions at most, whoever holds them
 * (ERROR_NO_SYSTEM_RESOURCES past that); another table has its own; ending
 * one, or a registration's, makes room.
 */
TEST(subscription_cap)
{
	RTM_NOTIFY_HANDLE x = NULL, y;	/* y: refused ones */
	struct rtm_stats base;
	struct ent a, b, c, d6;
	unsigned int i;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&c, INST, AF_INET, PROTO_C, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&d6, INST, AF_INET6, PROTO_A, 1, NULL));
	for (i = 0; i < MAX_SUBS / 2; i++) {
		x = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST,
			      RTM_CHANGE_TYPE_ALL, NULL);
		subscribe(_metadata, b.h, RTM_VIEW_MASK_ALL,
			  RTM_CHANGE_TYPE_BEST, NULL);
	}
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   RtmRegisterForChangeNotification(c.h, RTM_VIEW_MASK_UCAST,
						    RTM_CHANGE_TYPE_ALL, NULL,
						    &y));
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   RtmRegisterForChangeNotification(a.h, RTM_VIEW_MASK_MCAST,
						    RTM_CHANGE_TYPE_FORWARDING,
						    NULL, &y));
	/* The IPv6 table of the instance is another table. */
	for (i = 0; i < MAX_SUBS; i++)
		subscribe(_metadata, d6.h, RTM_VIEW_MASK_UCAST,
			  RTM_CHANGE_TYPE_ALL, NULL);
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   RtmRegisterForChangeNotification(d6.h, RTM_VIEW_MASK_UCAST,
						    RTM_CHANGE_TYPE_ALL, NULL,
						    &y));

	/* One ends (a's last): one more, and only one. */
	ASSERT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(a.h, x));
	subscribe(_metadata, c.h, RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_ALL,
		  NULL);
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   RtmRegisterForChangeNotification(c.h, RTM_VIEW_MASK_UCAST,
						    RTM_CHANGE_TYPE_ALL, NULL,
						    &y));
	/* b's registration ends: its sixteen go. */
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(b.h));
	for (i = 1; i <= MAX_SUBS / 2; i++)
		subscribe(_metadata, c.h, RTM_VIEW_MASK_UCAST,
			  RTM_CHANGE_TYPE_ALL, NULL);
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   RtmRegisterForChangeNotification(c.h, RTM_VIEW_MASK_UCAST,
						    RTM_CHANGE_TYPE_ALL, NULL,
						    &y));
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(a.h));
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(c.h));
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(d6.h));
	EXPECT_STATS_BACK(&base);
}

/* ------------------------------------------------------------------ */
/* Notifications                                                        */
/* ------------------------------------------------------------------ */

#define CONTEXT ((PVOID)(uintptr_t)0x1234abcd5678ULL)

/*
 * A change made by another entity: the callback with the subscription and
 * its context, the change status, the dest info reporting the dest as it
 * is, then ERROR_NO_MORE_ITEMS; nothing held after the release.
 */
TEST(basic_flow)
{
	RTM_NET_ADDRESS d = pfx(AF_INET, 10, 1, 0, 0, 16);
	RTM_ROUTE_HANDLE rb;
	RTM_NOTIFY_HANDLE n;
	RTM_DEST_INFO di;
	struct rtm_stats st;
	struct dent c[4];
	struct nrec rec;
	struct rt r = { .pref = 3, .metric = 4, .flags = RTM_ROUTE_FLAGS_LOCAL };
	struct ent a, b;
	UINT num;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, ncb));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	n = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_ALL,
		      CONTEXT);
	/* Nothing yet. */
	num = 4;
	EXPECT_WIN(ERROR_NO_MORE_ITEMS, RtmGetChangedDests(a.h, n, &num, &di));
	EXPECT_EQ(0U, num);

	ASSERT_WIN(NO_ERROR, rt_add(b.h, &d, &r, NULL, &rb, NULL));
	ASSERT_EQ(1U, nwait(n, 1, WAIT_MS)) TH_LOG("no callback");
	ncount(n, &rec);
	EXPECT_EQ(a.h, rec.receiver);
	EXPECT_EQ(n, rec.notify);
	EXPECT_EQ(CONTEXT, rec.context);

	dest_of(_metadata, a.h, &d, &di);
	EXPECT_TRUE(status_of(_metadata, a.h, n, di.DestHandle));
	ASSERT_EQ(0, read_stats(&st));
	ASSERT_EQ(1U, drain(_metadata, a.h, n, 1, 4, c, 4));
	EXPECT_TRUE(pfx_eq(&d, &c[0].addr));
	EXPECT_EQ(di.DestHandle, c[0].dest);
	EXPECT_EQ((RTM_VIEW_SET)RTM_VIEW_MASK_UCAST, c[0].belongs);
	EXPECT_EQ(RTM_VIEW_ID_UCAST, c[0].v[0].id);
	EXPECT_EQ(1U, c[0].v[0].nroutes);
	EXPECT_EQ(rb, c[0].v[0].route);
	EXPECT_EQ(b.h, c[0].v[0].owner);
	EXPECT_EQ((DWORD)RTM_ROUTE_FLAGS_LOCAL, c[0].v[0].flags);
	EXPECT_FALSE(status_of(_metadata, a.h, n, di.DestHandle));
	EXPECT_HOLDS(st.holds);
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, &di));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(b.h, 1, &rb));
	EXPECT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(a.h, n));
	/* A registration unknown to the library: no batch, and *NumDests 0. */
	num = 4;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetChangedDests(NULL, n, &num, &di));
	EXPECT_EQ(0U, num);
}

/*
 * Many changes to a dest before the subscriber looks are one entry with
 * the latest state; a dest whose last route went is reported with no
 * routes, even if it came and went in between.
 */
TEST(coalescing_and_deletion)
{
	RTM_NET_ADDRESS d1 = pfx(AF_INET, 10, 1, 0, 0, 16);
	RTM_NET_ADDRESS d2 = pfx(AF_INET, 10, 2, 0, 0, 16);
	RTM_NET_ADDRESS d3 = pfx(AF_INET, 10, 3, 0, 0, 16);
	static const USHORT flags[] = {
		RTM_ROUTE_FLAGS_LOCAL, RTM_ROUTE_FLAGS_REMOTE,
		RTM_ROUTE_FLAGS_MYSELF, RTM_ROUTE_FLAGS_LOOPBACK,
	};
	RTM_ROUTE_HANDLE r1;
	RTM_NOTIFY_HANDLE n;
	RTM_ROUTE_INFO ri;
	RTM_DEST_HANDLE h1;
	struct dent c[8];
	struct ent a, b;
	unsigned int i, k;
	int i1, i2;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	n = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_ALL,
		      NULL);
	for (i = 0; i < 61; i++) {
		struct rt r = { .pref = 1, .metric = i, .flags = flags[i % 4],
				.views = i % 2 ? RTM_VIEW_MASK_UCAST |
						 RTM_VIEW_MASK_MCAST : 0 };

		ASSERT_WIN(NO_ERROR, rt_add(b.h, &d1, &r, NULL,
					    i ? NULL : &r1, NULL));
	}
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d2, 1, 1, NULL));
	k = drain(_metadata, a.h, n, 1, 8, c, 8);
	ASSERT_EQ(2U, k);
	i1 = cfind(c, k, &d1);
	i2 = cfind(c, k, &d2);
	ASSERT_LE(0, i1);
	ASSERT_LE(0, i2);
	/* The latest state: the last update's flags, and its metric. */
	EXPECT_EQ(r1, c[i1].v[0].route);
	EXPECT_EQ((DWORD)flags[60 % 4], c[i1].v[0].flags);
	EXPECT_EQ(1U, c[i1].v[0].nroutes);
	EXPECT_WIN(NO_ERROR, rt_read(a.h, &a.prof, r1, &ri));
	EXPECT_EQ(60U, ri.PrefInfo.Metric);
	h1 = c[i1].dest;
	EXPECT_EQ(0U, drain_count(_metadata, a.h, n, 1));

	/* The last route goes: reported with none, the same dest. */
	ASSERT_WIN(NO_ERROR, rt_del(b.h, r1));
	k = drain(_metadata, a.h, n, 1, 8, c, 8);
	ASSERT_EQ(1U, k);
	EXPECT_TRUE(pfx_eq(&d1, &c[0].addr));
	EXPECT_EQ(h1, c[0].dest);
	EXPECT_EQ(0U, c[0].belongs);
	EXPECT_EQ(0U, c[0].v[0].nroutes);
	EXPECT_EQ(NULL, c[0].v[0].route);
	EXPECT_EQ(NULL, c[0].v[0].owner);

	/* Came and went before the subscriber looked: once, with none. */
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d3, 1, 1, NULL));
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d3, 2, 2, NULL));
	ASSERT_WIN(NO_ERROR, rt_del_at(b.h, &d3));
	k = drain(_metadata, a.h, n, 1, 8, c, 8);
	ASSERT_EQ(1U, k);
	EXPECT_TRUE(pfx_eq(&d3, &c[0].addr));
	EXPECT_EQ(0U, c[0].v[0].nroutes);
	EXPECT_EQ(NULL, c[0].v[0].route);
	/* And back, with two routes of two entities. */
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d3, 2, 1, NULL));
	ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &d3, 1, 1, NULL));
	k = drain(_metadata, a.h, n, 1, 1, c, 8);
	ASSERT_EQ(1U, k);
	EXPECT_EQ(2U, c[0].v[0].nroutes);
	EXPECT_EQ(a.h, c[0].v[0].owner);
}

/*
 * The callback comes when the queue goes from empty to not empty: not
 * again while it is not empty (even partly drained), again once drained.
 * Each subscription has its own.
 */
TEST(callback_on_first_change)
{
	RTM_NET_ADDRESS d[5];
	RTM_NOTIFY_HANDLE n, n2;
	struct dent c[8];
	struct nrec rec;
	struct ent a, b;
	RTM_DEST_INFO di;
	unsigned int i;
	UINT num;

	REQUIRE_RTM();
	for (i = 0; i < 5; i++)
		d[i] = pfx(AF_INET, 10, i, 0, 0, 16);
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, ncb));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	n = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_ALL,
		      (PVOID)1);
	n2 = subscribe(_metadata, a.h, RTM_VIEW_MASK_ALL, RTM_CHANGE_TYPE_BEST,
		       (PVOID)2);

	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d[0], 1, 1, NULL));
	EXPECT_EQ(1U, nwait(n, 1, WAIT_MS));
	EXPECT_EQ(1U, nwait(n2, 1, WAIT_MS));
	ncount(n2, &rec);
	EXPECT_EQ((PVOID)2, rec.context);
	for (i = 0; i < 4; i++)
		ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d[i], 1, 2 + i, NULL));
	usleep(QUIET_MS * 1000);
	EXPECT_EQ(1U, ncount(n, NULL));
	EXPECT_EQ(1U, ncount(n2, NULL));

	/* Partly drained: more changes, still no callback. */
	num = 1;
	ASSERT_WIN(NO_ERROR, RtmGetChangedDests(a.h, n, &num, &di));
	EXPECT_WIN(NO_ERROR, RtmReleaseChangedDests(a.h, n, num, &di));
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d[4], 1, 1, NULL));
	usleep(QUIET_MS * 1000);
	EXPECT_EQ(1U, ncount(n, NULL));

	/* Drained: the next change calls back again, n's alone. */
	EXPECT_EQ(4U, drain(_metadata, a.h, n, 1, 3, c, 8));
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d[1], 1, 9, NULL));
	EXPECT_EQ(2U, nwait(n, 2, WAIT_MS));
	ncount(n, &rec);
	EXPECT_EQ((PVOID)1, rec.context);
	EXPECT_EQ(1U, ncount(n2, NULL));
	/* n2 drained too, then a change it does not want: no callback. */
	EXPECT_EQ(5U, drain(_metadata, a.h, n2, 2, 8, c, 8));
	ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &d[1], 5, 5, NULL));
	usleep(QUIET_MS * 1000);
	EXPECT_EQ(1U, ncount(n2, NULL));
	EXPECT_EQ(0U, drain_count(_metadata, a.h, n2, 2));
}

enum { T_ALL = 1, T_BEST = 2, T_FWD = 4 };

/* Which of the three subscriptions have @dest pending; drains them. */
static unsigned int pending_types(struct __test_metadata *_metadata,
				  RTM_ENTITY_HANDLE h,
				  const RTM_NOTIFY_HANDLE *subs,
				  RTM_DEST_HANDLE dest)
{
	unsigned int i, mask = 0, k;
	struct dent c[4];

	for (i = 0; i < 3; i++) {
		bool st = status_of(_metadata, h, subs[i], dest);

		k = drain(_metadata, h, subs[i], 1, 4, c, 4);
		EXPECT_EQ(st ? 1U : 0U, k) TH_LOG("subscription %u", i);
		if (k)
			EXPECT_EQ(dest, c[0].dest);
		mask |= st ? 1U << i : 0;
	}
	return mask;
}

/*
 * ALL, BEST and FORWARDING: what counts as a change of each type, in the
 * subscription's view only.
 */
TEST(change_types)
{
	RTM_NET_ADDRESS d = pfx(AF_INET, 10, 7, 0, 0, 16), nha;
	RTM_NOTIFY_HANDLE subs[3];
	RTM_NEXTHOP_HANDLE nh[3];
	RTM_DEST_INFO di;
	RTM_DEST_HANDLE dh;
	struct dent c[2];
	struct rt r1 = { .pref = 10, .metric = 1, .nnh = 1 };
	struct rt r2 = { .pref = 20, .metric = 1, .nnh = 1 };
	struct rt r3 = { .pref = 1, .views = RTM_VIEW_MASK_MCAST };
	struct ent a, b;
	unsigned int i;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	for (i = 0; i < 3; i++) {
		nha = pfx(AF_INET, 192, 0, 2, i + 1, 32);
		ASSERT_WIN(NO_ERROR, nh_add(b.h, &nha, 1, &nh[i]));
	}
	subs[0] = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST,
			    RTM_CHANGE_TYPE_ALL, NULL);
	subs[1] = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST,
			    RTM_CHANGE_TYPE_BEST, NULL);
	subs[2] = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST,
			    RTM_CHANGE_TYPE_FORWARDING, NULL);
	r1.nh[0] = nh[0];
	r2.neighbour = nh[1];
	r2.nh[0] = nh[1];
	r3.neighbour = nh[2];

#define STEP(what, call, want) do {					\
	ASSERT_WIN(NO_ERROR, call) TH_LOG("%s", what);			\
	EXPECT_EQ((unsigned int)(want),					\
		  pending_types(_metadata, a.h, subs, dh))		\
		TH_LOG("%s", what);					\
} while (0)

	ASSERT_WIN(NO_ERROR, rt_add(b.h, &d, &r1, NULL, NULL, NULL));
	dh = dest_of(_metadata, a.h, &d, &di);
	EXPECT_EQ((unsigned int)(T_ALL | T_BEST | T_FWD),
		  pending_types(_metadata, a.h, subs, dh));
	STEP("a route that is not best",
	     rt_add(b.h, &d, &r2, NULL, NULL, NULL), T_ALL);
	r2.metric = 2;
	STEP("its metric", rt_add(b.h, &d, &r2, NULL, NULL, NULL), T_ALL);
	r1.metric = 2;
	STEP("the best route's metric",
	     rt_add(b.h, &d, &r1, NULL, NULL, NULL), T_ALL | T_BEST | T_FWD);
	r1.pref = 11;
	STEP("the best route's preference",
	     rt_add(b.h, &d, &r1, NULL, NULL, NULL), T_ALL | T_BEST | T_FWD);
	r1.flags = RTM_ROUTE_FLAGS_LOCAL;
	STEP("a flag of the best route that does not forward",
	     rt_add(b.h, &d, &r1, NULL, NULL, NULL), T_ALL | T_BEST);
	r1.flags |= RTM_ROUTE_FLAGS_DISCARD;
	STEP("a forwarding flag of the best route",
	     rt_add(b.h, &d, &r1, NULL, NULL, NULL), T_ALL | T_BEST | T_FWD);
	r1.nnh = 2;
	r1.nh[1] = nh[2];
	STEP("the best route's next hops",
	     rt_add(b.h, &d, &r1, NULL, NULL, NULL), T_ALL | T_BEST | T_FWD);
	r2.pref = 5;
	STEP("another route becomes best",
	     rt_add(b.h, &d, &r2, NULL, NULL, NULL), T_ALL | T_BEST | T_FWD);
	STEP("the route that is no longer best goes", rt_del_at(b.h, &d),
	     T_ALL);
	STEP("a route in the other view", rt_add(b.h, &d, &r3, NULL, NULL,
						 NULL), 0);
	r3.metric = 7;
	STEP("its metric", rt_add(b.h, &d, &r3, NULL, NULL, NULL), 0);
	{
		struct rtm_route_entry e;

		memset(&e, 0, sizeof(e));
		memcpy(&e.dest, &d, sizeof(e.dest));
		e.neighbour = (uintptr_t)nh[1];
		ASSERT_WIN(NO_ERROR, rtm_bulk_delete_routes(b.h, &e, 1, NULL));
	}
	/* The last unicast route went: all three, and the dest as it is. */
	for (i = 0; i < 3; i++) {
		EXPECT_TRUE(status_of(_metadata, a.h, subs[i], dh));
		ASSERT_EQ(1U, drain(_metadata, a.h, subs[i], 1, 2, c, 2));
		EXPECT_EQ(0U, c[0].v[0].nroutes);
		EXPECT_EQ(NULL, c[0].v[0].route);
		EXPECT_EQ((RTM_VIEW_SET)RTM_VIEW_MASK_MCAST, c[0].belongs);
	}
#undef STEP
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, &di));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(b.h, 3, nh));
}

/*
 * Subscribers with different views and types see what concerns them,
 * with view records for their views: one view (unicast or multicast),
 * both (RTM_VIEW_MASK_ALL), none (RTM_VIEW_MASK_ANY).
 */
TEST(views_and_types)
{
	RTM_NET_ADDRESS d1 = pfx(AF_INET, 10, 1, 0, 0, 16);
	RTM_NET_ADDRESS d2 = pfx(AF_INET, 10, 2, 0, 0, 16);
	RTM_NET_ADDRESS d3 = pfx(AF_INET, 10, 3, 0, 0, 16);
	RTM_NEXTHOP_HANDLE nh;
	RTM_NET_ADDRESS nha = pfx(AF_INET, 192, 0, 2, 1, 32);
	RTM_NOTIFY_HANDLE s1, s2, s3, s4;
	struct rt u = { .pref = 1, .views = RTM_VIEW_MASK_UCAST };
	struct rt m = { .pref = 1, .views = RTM_VIEW_MASK_MCAST };
	struct rt both = { .pref = 1, .views = RTM_VIEW_MASK_UCAST |
					       RTM_VIEW_MASK_MCAST };
	struct dent c[8];
	struct ent a, b, cc;
	unsigned int k;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&cc, INST, AF_INET, PROTO_C, 1, NULL));
	ASSERT_WIN(NO_ERROR, nh_add(b.h, &nha, 1, &nh));
	s1 = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST,
		       RTM_CHANGE_TYPE_BEST, NULL);
	s2 = subscribe(_metadata, cc.h, RTM_VIEW_MASK_MCAST,
		       RTM_CHANGE_TYPE_ALL, NULL);
	s3 = subscribe(_metadata, a.h, RTM_VIEW_MASK_ALL, RTM_CHANGE_TYPE_ALL,
		       NULL);
	s4 = subscribe(_metadata, cc.h, RTM_VIEW_MASK_ANY,
		       RTM_CHANGE_TYPE_ALL, NULL);

	ASSERT_WIN(NO_ERROR, rt_add(b.h, &d1, &u, NULL, NULL, NULL));
	EXPECT_EQ(1U, drain(_metadata, a.h, s1, 1, 4, c, 8));
	EXPECT_EQ(0U, drain(_metadata, cc.h, s2, 1, 4, c, 8));
	EXPECT_EQ(1U, drain(_metadata, a.h, s3, 2, 4, c, 8));
	EXPECT_EQ(1U, drain(_metadata, cc.h, s4, 0, 4, c, 8));

	ASSERT_WIN(NO_ERROR, rt_add(b.h, &d2, &m, NULL, NULL, NULL));
	EXPECT_EQ(0U, drain(_metadata, a.h, s1, 1, 4, c, 8));
	k = drain(_metadata, cc.h, s2, 1, 4, c, 8);
	ASSERT_EQ(1U, k);
	EXPECT_EQ(RTM_VIEW_ID_MCAST, c[0].v[0].id);
	EXPECT_EQ(1U, c[0].v[0].nroutes);
	EXPECT_EQ(1U, drain(_metadata, a.h, s3, 2, 4, c, 8));
	EXPECT_EQ(1U, drain(_metadata, cc.h, s4, 0, 4, c, 8));

	ASSERT_WIN(NO_ERROR, rt_add(b.h, &d3, &both, NULL, NULL, NULL));
	k = drain(_metadata, a.h, s1, 1, 4, c, 8);
	ASSERT_EQ(1U, k);
	EXPECT_EQ(RTM_VIEW_ID_UCAST, c[0].v[0].id);
	k = drain(_metadata, cc.h, s2, 1, 4, c, 8);
	ASSERT_EQ(1U, k);
	EXPECT_EQ(RTM_VIEW_ID_MCAST, c[0].v[0].id);
	k = drain(_metadata, a.h, s3, 2, 4, c, 8);
	ASSERT_EQ(1U, k);
	EXPECT_EQ(RTM_VIEW_ID_UCAST, c[0].v[0].id);
	EXPECT_EQ(RTM_VIEW_ID_MCAST, c[0].v[1].id);
	EXPECT_EQ(1U, c[0].v[1].nroutes);
	EXPECT_EQ(b.h, c[0].v[1].owner);
	k = drain(_metadata, cc.h, s4, 0, 4, c, 8);
	ASSERT_EQ(1U, k);
	EXPECT_TRUE(pfx_eq(&d3, &c[0].addr));
	EXPECT_EQ((RTM_VIEW_SET)(RTM_VIEW_MASK_UCAST | RTM_VIEW_MASK_MCAST),
		  c[0].belongs);

	/* Routes that are not best: ALL subscribers of the view only. */
	u.neighbour = nh;
	u.pref = 9;
	ASSERT_WIN(NO_ERROR, rt_add(b.h, &d1, &u, NULL, NULL, NULL));
	EXPECT_EQ(0U, drain(_metadata, a.h, s1, 1, 4, c, 8));
	EXPECT_EQ(0U, drain(_metadata, cc.h, s2, 1, 4, c, 8));
	EXPECT_EQ(1U, drain(_metadata, a.h, s3, 2, 4, c, 8));
	EXPECT_EQ(1U, drain(_metadata, cc.h, s4, 0, 4, c, 8));
	m.neighbour = nh;
	m.pref = 9;
	ASSERT_WIN(NO_ERROR, rt_add(b.h, &d2, &m, NULL, NULL, NULL));
	EXPECT_EQ(0U, drain(_metadata, a.h, s1, 1, 4, c, 8));
	k = drain(_metadata, cc.h, s2, 1, 4, c, 8);
	ASSERT_EQ(1U, k);
	EXPECT_EQ(2U, c[0].v[0].nroutes);
	EXPECT_EQ(1U, drain(_metadata, a.h, s3, 2, 4, c, 8));
	EXPECT_EQ(1U, drain(_metadata, cc.h, s4, 0, 4, c, 8));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(b.h, 1, &nh));
}

/*
 * RTM_NOTIFY_ONLY_MARKED_DESTS: only the dests marked for that
 * subscription; marks are per subscription, read back, and mean nothing
 * to other subscriptions; a mark keeps its dest until the subscription
 * ends.
 */
TEST(marked_only)
{
	RTM_NET_ADDRESS d[4];
	RTM_DEST_INFO di[4];
	RTM_DEST_HANDLE dh[4];
	RTM_NOTIFY_HANDLE sm, sa, sm2;
	struct table_stats tbase, t;
	struct dent c[8];
	struct ent a, b;
	BOOL marked;
	unsigned int i, k;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_table(INST, AF_INET, &tbase));
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	sm = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST,
		       RTM_CHANGE_TYPE_ALL | RTM_NOTIFY_ONLY_MARKED_DESTS,
		       NULL);
	sm2 = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST,
			RTM_CHANGE_TYPE_BEST | RTM_NOTIFY_ONLY_MARKED_DESTS,
			NULL);
	sa = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST,
		       RTM_CHANGE_TYPE_ALL, NULL);
	for (i = 0; i < 4; i++) {
		d[i] = pfx(AF_INET, 10, i, 0, 0, 16);
		ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d[i], 1, 1, NULL));
		dh[i] = dest_of(_metadata, a.h, &d[i], &di[i]);
	}
	/* Nothing marked: the marked subscriptions saw nothing. */
	EXPECT_EQ(0U, drain_count(_metadata, a.h, sm, 1));
	EXPECT_EQ(0U, drain_count(_metadata, a.h, sm2, 1));
	EXPECT_EQ(4U, drain_count(_metadata, a.h, sa, 1));

	ASSERT_WIN(NO_ERROR, RtmMarkDestForChangeNotification(a.h, sm, dh[1],
							      TRUE));
	ASSERT_WIN(NO_ERROR, RtmMarkDestForChangeNotification(a.h, sm, dh[1],
							      TRUE));
	ASSERT_WIN(NO_ERROR, RtmMarkDestForChangeNotification(a.h, sm2, dh[2],
							      TRUE));
	ASSERT_WIN(NO_ERROR, RtmMarkDestForChangeNotification(a.h, sa, dh[3],
							      TRUE));
	for (i = 0; i < 4; i++) {
		marked = 7;
		EXPECT_WIN(NO_ERROR, RtmIsMarkedForChangeNotification(
					     a.h, sm, dh[i], &marked));
		EXPECT_EQ(i == 1 ? TRUE : FALSE, marked) TH_LOG("dest %u", i);
		marked = 7;
		EXPECT_WIN(NO_ERROR, RtmIsMarkedForChangeNotification(
					     a.h, sm2, dh[i], &marked));
		EXPECT_EQ(i == 2 ? TRUE : FALSE, marked) TH_LOG("dest %u", i);
		marked = 7;
		EXPECT_WIN(NO_ERROR, RtmIsMarkedForChangeNotification(
					     a.h, sa, dh[i], &marked));
		EXPECT_EQ(i == 3 ? TRUE : FALSE, marked) TH_LOG("dest %u", i);
	}
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmIsMarkedForChangeNotification(a.h, sm, dh[1], NULL));

	/* Every dest changes its best route. */
	for (i = 0; i < 4; i++)
		ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d[i], 1, 2, NULL));
	k = drain(_metadata, a.h, sm, 1, 8, c, 8);
	ASSERT_EQ(1U, k);
	EXPECT_EQ(dh[1], c[0].dest);
	k = drain(_metadata, a.h, sm2, 1, 8, c, 8);
	ASSERT_EQ(1U, k);
	EXPECT_EQ(dh[2], c[0].dest);
	EXPECT_EQ(4U, drain_count(_metadata, a.h, sa, 1));	/* marks or not */
	EXPECT_FALSE(status_of(_metadata, a.h, sm, dh[0]));

	/* Unmarked: no more; unmarking what is not marked is fine. */
	ASSERT_WIN(NO_ERROR, RtmMarkDestForChangeNotification(a.h, sm, dh[1],
							      FALSE));
	ASSERT_WIN(NO_ERROR, RtmMarkDestForChangeNotification(a.h, sm, dh[0],
							      FALSE));
	marked = 7;
	EXPECT_WIN(NO_ERROR, RtmIsMarkedForChangeNotification(a.h, sm, dh[1],
							      &marked));
	EXPECT_EQ(FALSE, marked);
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d[1], 1, 3, NULL));
	EXPECT_EQ(0U, drain_count(_metadata, a.h, sm, 1));

	/*
	 * The mark keeps dest 2 when its routes go and the info is released;
	 * it is still reported (with none) while marked.
	 */
	ASSERT_WIN(NO_ERROR, rt_del_at(b.h, &d[2]));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, &di[2]));
	k = drain(_metadata, a.h, sm2, 1, 8, c, 8);
	ASSERT_EQ(1U, k);
	EXPECT_EQ(0U, c[0].v[0].nroutes);
	EXPECT_EQ(2U, drain_count(_metadata, a.h, sa, 1));	/* d1, d2 */
	ASSERT_EQ(0, read_table(INST, AF_INET, &t));
	EXPECT_EQ(tbase.dests + 4, t.dests);
	/* Its mark goes with the subscription, and the dest with it. */
	ASSERT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(a.h, sm2));
	t.dests--;
	EXPECT_TABLE_BACK(INST, AF_INET, &t);

	/* No dest at all; a subscription that ended. */
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmMarkDestForChangeNotification(a.h, sm, sa, TRUE));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmMarkDestForChangeNotification(a.h, sm, NULL, TRUE));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmMarkDestForChangeNotification(a.h, sm, a.h, TRUE));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmMarkDestForChangeNotification(a.h, sm2, dh[1], TRUE));
	for (i = 0; i < 4; i++)
		if (i != 2)
			EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, &di[i]));
}

/*
 * RtmGetChangeStatus is TRUE while a dest waits; RtmIgnoreChangedDests
 * takes dests out of the queue until they change again, all or nothing.
 */
TEST(status_and_ignore)
{
	RTM_NET_ADDRESS d[4];
	RTM_DEST_INFO di[4];
	RTM_DEST_HANDLE dh[4], list[3];
	RTM_NOTIFY_HANDLE n, other;
	struct dent c[8];
	struct ent a, b;
	unsigned int i, k;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	n = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_ALL,
		      NULL);
	other = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST,
			  RTM_CHANGE_TYPE_ALL, NULL);
	for (i = 0; i < 4; i++) {
		d[i] = pfx(AF_INET, 10, i, 0, 0, 16);
		ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d[i], 1, 1, NULL));
		dh[i] = dest_of(_metadata, a.h, &d[i], &di[i]);
	}
	for (i = 0; i < 4; i++)
		EXPECT_TRUE(status_of(_metadata, a.h, n, dh[i]));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetChangeStatus(a.h, n, dh[0], NULL));

	EXPECT_WIN(NO_ERROR, RtmIgnoreChangedDests(a.h, n, 2, dh));
	EXPECT_FALSE(status_of(_metadata, a.h, n, dh[0]));
	EXPECT_FALSE(status_of(_metadata, a.h, n, dh[1]));
	EXPECT_TRUE(status_of(_metadata, a.h, n, dh[2]));
	EXPECT_TRUE(status_of(_metadata, a.h, other, dh[0]));	/* its own */
	/* One bad handle: nothing ignored. */
	list[0] = dh[2];
	list[1] = n;
	list[2] = dh[3];
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmIgnoreChangedDests(a.h, n, 3, list));
	list[1] = NULL;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmIgnoreChangedDests(a.h, n, 3, list));
	EXPECT_TRUE(status_of(_metadata, a.h, n, dh[2]));
	EXPECT_TRUE(status_of(_metadata, a.h, n, dh[3]));
	EXPECT_WIN(NO_ERROR, RtmIgnoreChangedDests(a.h, n, 0, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmIgnoreChangedDests(a.h, n, 2,
								  NULL));
	/* Ignoring what is not pending is fine, twice too. */
	EXPECT_WIN(NO_ERROR, RtmIgnoreChangedDests(a.h, n, 1, dh));
	k = drain(_metadata, a.h, n, 1, 8, c, 8);
	ASSERT_EQ(2U, k);
	EXPECT_LE(0, cfind(c, k, &d[2]));
	EXPECT_LE(0, cfind(c, k, &d[3]));
	for (i = 0; i < 4; i++)
		EXPECT_FALSE(status_of(_metadata, a.h, n, dh[i]));

	/* An ignored dest that changes again is back. */
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d[0], 1, 5, NULL));
	EXPECT_TRUE(status_of(_metadata, a.h, n, dh[0]));
	k = drain(_metadata, a.h, n, 1, 8, c, 8);
	ASSERT_EQ(1U, k);
	EXPECT_EQ(dh[0], c[0].dest);
	/* Everything ignored: the queue is empty. */
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d[1], 1, 5, NULL));
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d[2], 1, 5, NULL));
	EXPECT_WIN(NO_ERROR, RtmIgnoreChangedDests(a.h, n, 4, dh));
	EXPECT_EQ(0U, drain_count(_metadata, a.h, n, 1));
	/* The other subscription ignored nothing: 7 changes, 4 dests. */
	EXPECT_EQ(4U, drain_count(_metadata, a.h, other, 1));
	for (i = 0; i < 4; i++)
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, &di[i]));
}

/*
 * A dest changed and ignored over and over, by a subscriber that never
 * drains, must not grow its queue: the queue holds at most one entry per
 * dest of the table (after its first 64), and the one pending dest still
 * comes out once, in its latest state.
 */
TEST(change_and_ignore_stays_bounded)
{
	const unsigned int rounds = 3000;
	struct table_stats ts;
	RTM_NET_ADDRESS d;
	RTM_DEST_INFO di;
	RTM_DEST_HANDLE dh;
	RTM_NOTIFY_HANDLE n;
	struct dent c[2];
	struct ent a, b;
	unsigned int i;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	n = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_ALL,
		      NULL);
	d = pfx(AF_INET, 10, 77, 0, 0, 16);
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d, 1, 1, NULL));
	dh = dest_of(_metadata, a.h, &d, &di);

	for (i = 0; i < rounds; i++) {
		ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d, 1, 2 + i % 2, NULL));
		ASSERT_WIN(NO_ERROR, RtmIgnoreChangedDests(a.h, n, 1, &dh));
	}
	ASSERT_EQ(0, read_table_stats(INST, AF_INET, &ts));
	EXPECT_GE(64L, ts.queued)
		TH_LOG("%ld queue entries after %u rounds on %ld dests",
		       ts.queued, rounds, ts.dests);

	/* Changed once more and not ignored: it comes out, once. */
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d, 1, 9, NULL));
	ASSERT_EQ(1U, drain(_metadata, a.h, n, 1, 2, c, 2));
	EXPECT_EQ(dh, c[0].dest);
	ASSERT_EQ(0, read_table_stats(INST, AF_INET, &ts));
	EXPECT_EQ(0L, ts.queued);
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, &di));
	EXPECT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(a.h, n));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(b.h));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(a.h));
}

/*
 * Changed dests go back through RtmReleaseChangedDests only, once; it
 * takes nothing else, and works after the subscription ended.
 */
TEST(release_rules)
{
	RTM_NET_ADDRESS d[3];
	RTM_NOTIFY_HANDLE n;
	RTM_ENUM_HANDLE en;
	struct rtm_stats base, st, end;
	struct ent a, b;
	char buf[4 * RTM_SIZE_OF_DEST_INFO(1)] __attribute__((aligned(8)));
	char ebuf[4 * RTM_SIZE_OF_DEST_INFO(1)] __attribute__((aligned(8)));
	RTM_DEST_HANDLE dh[3];
	unsigned int i;
	UINT num;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	n = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_ALL,
		      NULL);
	for (i = 0; i < 3; i++) {
		d[i] = pfx(AF_INET, 10, 40 + i, 0, 0, 16);
		ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d[i], 1, 1, NULL));
	}
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));

	/*
	 * Enumerated dests are no changed dests.  (First, while a holds no
	 * changed dest: the handles in both kinds of info are the same
	 * values, so only the kind of reference held tells them apart.)
	 */
	ASSERT_WIN(NO_ERROR, RtmCreateDestEnum(a.h, RTM_VIEW_MASK_UCAST,
					       RTM_ENUM_START, NULL,
					       RTM_BEST_PROTOCOL, &en));
	num = 4;
	ASSERT_WIN(NO_ERROR, RtmGetEnumDests(a.h, en, &num, (void *)ebuf));
	ASSERT_EQ(3U, num);
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseChangedDests(a.h, n, 3, (void *)ebuf));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseChangedDests(a.h, n, 1, (void *)ebuf));
	EXPECT_WIN(NO_ERROR, RtmReleaseDests(a.h, 3, (void *)ebuf));
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(a.h, en));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds, st.holds);

	num = 4;
	ASSERT_WIN(NO_ERROR, RtmGetChangedDests(a.h, n, &num, (void *)buf));
	ASSERT_EQ(3U, num);
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_LT(base.holds, st.holds);
	for (i = 0; i < 3; i++)
		dh[i] = di_at(buf, 1, i)->DestHandle;

	/* Not with RtmReleaseDests, other release calls, or by b. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseDests(a.h, 3, (void *)buf));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseDests(a.h, 1, (void *)buf));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseDestInfo(a.h, (void *)buf));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(a.h, 3, dh));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseChangedDests(b.h, n, 3, (void *)buf));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseChangedDests(a.h, NULL, 3, (void *)buf));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmReleaseChangedDests(a.h, n, 3, NULL));
	EXPECT_HOLDS(st.holds);

	/* The right call, in two parts; then never again. */
	EXPECT_WIN(NO_ERROR, RtmReleaseChangedDests(a.h, n, 1, (void *)buf));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseChangedDests(a.h, n, 3, (void *)buf));
	EXPECT_WIN(NO_ERROR, RtmReleaseChangedDests(a.h, n, 2,
						    di_at(buf, 1, 1)));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseChangedDests(a.h, n, 2, di_at(buf, 1, 1)));
	ASSERT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(a.h, n));
	ASSERT_EQ(0, read_stats(&end));
	EXPECT_EQ(base.holds, end.holds);
	EXPECT_EQ(st.handles - 1, end.handles);	/* the subscription */
}

/*
 * RtmReleaseChangedDests takes the handle of a change notification from
 * RtmRegisterForChangeNotification, and fails with ERROR_INVALID_HANDLE
 * when the handle is invalid (its function page): NULL, a value that is no
 * handle, a handle of another kind, another registration's subscription,
 * a subscription deregistered already.  A refused call releases nothing;
 * dests still held when their subscription ends go with the entity.
 */
TEST(release_needs_live_subscription)
{
	RTM_NOTIFY_HANDLE n, nb, old;
	struct rtm_stats base, held, end;
	char buf[2 * RTM_SIZE_OF_DEST_INFO(1)] __attribute__((aligned(8)));
	RTM_NET_ADDRESS d = pfx(AF_INET, 10, 52, 0, 0, 16);
	RTM_NET_ADDRESS d2 = pfx(AF_INET, 10, 53, 0, 0, 16);
	struct ent a, b;
	UINT num;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	n = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_ALL,
		      NULL);
	nb = subscribe(_metadata, b.h, RTM_VIEW_MASK_UCAST,
		       RTM_CHANGE_TYPE_ALL, NULL);
	old = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST,
			RTM_CHANGE_TYPE_ALL, NULL);
	ASSERT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(a.h, old));
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d, 1, 1, NULL));

	num = 2;
	ASSERT_WIN(NO_ERROR, RtmGetChangedDests(a.h, n, &num, (void *)buf));
	ASSERT_EQ(1U, num);
	ASSERT_EQ(0, read_stats(&held));
	ASSERT_LT(base.holds, held.holds);

	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseChangedDests(a.h, NULL, 1, (void *)buf));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseChangedDests(a.h, mkhandle(0x5a5a5a5a5a5aULL), 1,
					  (void *)buf));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseChangedDests(a.h, (RTM_NOTIFY_HANDLE)a.h, 1,
					  (void *)buf));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseChangedDests(a.h, di_at(buf, 1, 0)->DestHandle, 1,
					  (void *)buf));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseChangedDests(a.h, nb, 1, (void *)buf));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseChangedDests(a.h, old, 1, (void *)buf));
	/* With nothing to release the handle still matters. */
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseChangedDests(a.h, old, 0, NULL));
	EXPECT_WIN(NO_ERROR, RtmReleaseChangedDests(a.h, n, 0, NULL));
	EXPECT_HOLDS(held.holds);

	EXPECT_WIN(NO_ERROR, RtmReleaseChangedDests(a.h, n, 1, (void *)buf));
	ASSERT_EQ(0, read_stats(&end));
	EXPECT_EQ(base.holds, end.holds);

	/* Held when the subscription ends: refused, and gone with a. */
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d2, 1, 1, NULL));
	num = 2;
	ASSERT_WIN(NO_ERROR, RtmGetChangedDests(a.h, n, &num, (void *)buf));
	ASSERT_EQ(1U, num);
	ASSERT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(a.h, n));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmReleaseChangedDests(a.h, n, 1, (void *)buf));
	EXPECT_HOLDS(held.holds);
	ASSERT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(b.h, nb));
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(a.h));
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(b.h));
	EXPECT_HOLDS(base.holds);
}

/*
 * Batches of every size from 1 to MaxHandlesInEnum take the queue
 * exactly; sizes 0 and above the maximum are refused and take nothing.
 */
TEST(every_batch)
{
	enum { ND = 40 };
	struct rtm_route_entry e[ND];
	RTM_NOTIFY_HANDLE n;
	RTM_DEST_INFO di;
	struct dent *c;
	struct rtm_stats st;
	struct ent a, b;
	unsigned int i, j, k, nsizes;
	UINT bs, max, num, *sizes;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	max = a.prof.MaxHandlesInEnum;
	sizes = calloc(max, sizeof(*sizes));
	ASSERT_NE(NULL, sizes);
	nsizes = batch_sizes(max, sizes);
	n = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_ALL,
		      NULL);
	memset(e, 0, sizeof(e));
	for (i = 0; i < ND; i++) {
		RTM_NET_ADDRESS d = pfx(AF_INET, 10, 100, i, 0, 24);

		memcpy(&e[i].dest, &d, sizeof(e[i].dest));
		e[i].preference = 1;
		e[i].views = RTM_VIEW_MASK_UCAST;
	}
	c = calloc(ND + 1, sizeof(*c));
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, read_stats(&st));

	for (j = 0; j < nsizes && _metadata->passed; j++) {
		bs = sizes[j];
		for (i = 0; i < ND; i++)
			e[i].metric = bs;
		ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(b.h, e, ND, NULL, 0,
							 NULL));
		k = drain(_metadata, a.h, n, 1, bs, c, ND + 1);
		EXPECT_EQ((unsigned int)ND, k) TH_LOG("batch size %u", bs);
		for (i = 0; i < ND && i < k; i++) {
			RTM_NET_ADDRESS d;

			memcpy(&d, &e[i].dest, sizeof(d));
			EXPECT_LE(0, cfind(c, k, &d)) TH_LOG("batch size %u", bs);
		}
	}
	EXPECT_HOLDS(st.holds);

	/* Bad sizes and arguments: refused, the queue left as it was. */
	e[0].metric = 999;
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(b.h, e, 1, NULL, 0, NULL));
	num = 0;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetChangedDests(a.h, n, &num, &di));
	EXPECT_EQ(0U, num);
	num = max + 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetChangedDests(a.h, n, &num, &di));
	EXPECT_EQ(0U, num);
	num = 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetChangedDests(a.h, n, &num, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetChangedDests(a.h, n, NULL, &di));
	EXPECT_EQ(1U, drain(_metadata, a.h, n, 1, 1, c, ND + 1));
	EXPECT_HOLDS(st.holds);
	free(sizes);
	free(c);
}

/*
 * A subscription is its owner's: other registrations' handles, handles
 * of other kinds and ended subscriptions are ERROR_INVALID_HANDLE in
 * every call.
 */
TEST(bad_handles)
{
	RTM_NET_ADDRESS d = pfx(AF_INET, 10, 1, 0, 0, 16);
	RTM_NOTIFY_HANDLE na, nb, gone, bogus[5];
	RTM_DEST_INFO di, out;
	RTM_DEST_HANDLE dh;
	RTM_ROUTE_HANDLE r;
	struct ent a, b;
	unsigned int i;
	BOOL st;
	UINT num;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	na = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST,
		       RTM_CHANGE_TYPE_ALL, NULL);
	nb = subscribe(_metadata, b.h, RTM_VIEW_MASK_UCAST,
		       RTM_CHANGE_TYPE_ALL, NULL);
	gone = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST,
			 RTM_CHANGE_TYPE_ALL, NULL);
	ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &d, 1, 1, &r));
	dh = dest_of(_metadata, a.h, &d, &di);
	ASSERT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(a.h, gone));

	bogus[0] = nb;		/* b's */
	bogus[1] = gone;
	bogus[2] = dh;		/* a dest */
	bogus[3] = r;		/* a route */
	bogus[4] = NULL;
	for (i = 0; i < ARRAY_SIZE(bogus); i++) {
		num = 1;
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmGetChangedDests(a.h, bogus[i], &num, &out))
			TH_LOG("handle %u", i);
		EXPECT_EQ(0U, num);
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmGetChangeStatus(a.h, bogus[i], dh, &st))
			TH_LOG("handle %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmIgnoreChangedDests(a.h, bogus[i], 1, &dh))
			TH_LOG("handle %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmMarkDestForChangeNotification(a.h, bogus[i], dh,
							    TRUE))
			TH_LOG("handle %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmIsMarkedForChangeNotification(a.h, bogus[i], dh,
							    &st))
			TH_LOG("handle %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmDeregisterFromChangeNotification(a.h, bogus[i]))
			TH_LOG("handle %u", i);
	}
	/* Dest arguments that are no dests. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetChangeStatus(a.h, na, na, &st));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetChangeStatus(a.h, na, r, &st));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetChangeStatus(a.h, na, NULL, &st));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmIgnoreChangedDests(a.h, na, 1, &r));
	/* b's subscription is untouched and sees a's change. */
	EXPECT_EQ(1U, drain_count(_metadata, b.h, nb, 1));
	EXPECT_EQ(1U, drain_count(_metadata, a.h, na, 1));
	EXPECT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(b.h, nb));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, &di));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 1, &r));
}

/* ------------------------------------------------------------------ */
/* Processes and namespaces                                             */
/* ------------------------------------------------------------------ */

/*
 * A subscriber in another process: it gets the test's change (told by
 * its callback), and its own change reaches the test's subscription.
 */
static int peer_subscriber(int rd, int wr, void *p)
{
	RTM_NET_ADDRESS d1 = pfx(AF_INET, 10, 61, 0, 0, 16);
	RTM_NET_ADDRESS d2 = pfx(AF_INET, 10, 62, 0, 0, 16);
	char buf[4 * RTM_SIZE_OF_DEST_INFO(1)] __attribute__((aligned(8)));
	RTM_DEST_INFO *di = (void *)buf;
	RTM_NOTIFY_HANDLE n;
	struct ent e;
	struct msg m;
	UINT num = 4;

	PEER_CHECK(ent_reg(&e, INST, AF_INET, PROTO_C, 1, ncb) == NO_ERROR);
	PEER_CHECK(RtmRegisterForChangeNotification(e.h, RTM_VIEW_MASK_UCAST,
						    RTM_CHANGE_TYPE_BEST,
						    (PVOID)5, &n) == NO_ERROR);
	PEER_CHECK(msg_send(wr, 1, 0, 0) == 0);
	PEER_CHECK(msg_expect(rd, 2, &m) == 0);		/* d1 was added */
	PEER_CHECK(nwait(n, 1, WAIT_MS) == 1);
	PEER_CHECK(RtmGetChangedDests(e.h, n, &num, di) == NO_ERROR);
	PEER_CHECK(num == 1);
	PEER_CHECK(pfx_eq(&di->DestAddress, &d1));
	PEER_CHECK(hval(di->ViewInfo[0].Route) == m.value);
	PEER_CHECK(RtmReleaseChangedDests(e.h, n, num, di) == NO_ERROR);
	PEER_CHECK(rt_add_simple(e.h, &d2, 1, 1, NULL) == NO_ERROR);
	PEER_CHECK(msg_send(wr, 3, 0, hval(e.h)) == 0);
	PEER_CHECK(msg_expect(rd, 4, &m) == 0);
	return 0;
}

TEST(across_processes)
{
	RTM_NET_ADDRESS d1 = pfx(AF_INET, 10, 61, 0, 0, 16);
	RTM_NET_ADDRESS d2 = pfx(AF_INET, 10, 62, 0, 0, 16);
	RTM_ROUTE_HANDLE r;
	RTM_NOTIFY_HANDLE n;
	struct dent c[4];
	struct peer p;
	struct msg m;
	struct ent a;
	int i;

	REQUIRE_RTM();
	/* The peer first: see peer_start(). */
	ASSERT_EQ(0, peer_start(&p, peer_subscriber, NULL));
	ASSERT_EQ(0, msg_expect(p.rd, 1, &m));
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, ncb));
	n = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_ALL,
		      CONTEXT);
	ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &d1, 1, 1, &r));
	ASSERT_EQ(0, msg_send(p.wr, 2, 0, hval(r)));
	ASSERT_EQ(0, msg_expect(p.rd, 3, &m)) TH_LOG("the peer failed");
	EXPECT_LE(1U, nwait(n, 1, WAIT_MS));
	ASSERT_EQ(2U, drain(_metadata, a.h, n, 1, 4, c, 4));
	EXPECT_LE(0, cfind(c, 2, &d1));
	i = cfind(c, 2, &d2);
	ASSERT_LE(0, i) TH_LOG("the peer's change did not come");
	EXPECT_EQ(m.value, hval(c[i].v[0].owner));
	ASSERT_EQ(0, msg_send(p.wr, 4, 0, 0));
	EXPECT_EQ(0, peer_wait(&p, WAIT_MS));
	/* The peer's routes went with it: that is a change too. */
	ASSERT_EQ(1U, drain(_metadata, a.h, n, 1, 4, c, 4));
	EXPECT_TRUE(pfx_eq(&d2, &c[0].addr));
	EXPECT_EQ(0U, c[0].v[0].nroutes);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(a.h, 1, &r));
}

/*
 * A subscriber in another network namespace, same instance and family:
 * it sees nothing of this namespace's changes, and the other way round.
 */
static int peer_other_netns(int rd, int wr, void *p)
{
	RTM_NET_ADDRESS d = pfx(AF_INET, 10, 71, 0, 0, 16);
	char buf[4 * RTM_SIZE_OF_DEST_INFO(1)] __attribute__((aligned(8)));
	RTM_NOTIFY_HANDLE n;
	struct ent e;
	struct msg m;
	UINT num;

	PEER_CHECK(unshare(CLONE_NEWNET) == 0);
	PEER_CHECK(ent_reg(&e, INST, AF_INET, PROTO_A, 1, ncb) == NO_ERROR);
	PEER_CHECK(RtmRegisterForChangeNotification(e.h, RTM_VIEW_MASK_ANY,
						    RTM_CHANGE_TYPE_ALL, NULL,
						    &n) == NO_ERROR);
	PEER_CHECK(msg_send(wr, 1, 0, 0) == 0);
	PEER_CHECK(msg_expect(rd, 2, &m) == 0);		/* changes were made */
	usleep(QUIET_MS * 1000);
	PEER_CHECK(ncount(n, NULL) == 0);
	num = 4;
	PEER_CHECK(RtmGetChangedDests(e.h, n, &num, (void *)buf) ==
		   ERROR_NO_MORE_ITEMS);
	PEER_CHECK(num == 0);
	/* Its own change: seen here. */
	PEER_CHECK(rt_add_simple(e.h, &d, 1, 1, NULL) == NO_ERROR);
	PEER_CHECK(nwait(n, 1, WAIT_MS) == 1);
	num = 4;
	PEER_CHECK(RtmGetChangedDests(e.h, n, &num, (void *)buf) == NO_ERROR);
	PEER_CHECK(num == 1);
	PEER_CHECK(RtmReleaseChangedDests(e.h, n, num, (void *)buf) ==
		   NO_ERROR);
	PEER_CHECK(msg_send(wr, 3, 0, 0) == 0);
	PEER_CHECK(msg_expect(rd, 4, &m) == 0);
	return 0;
}

TEST(other_namespace_sees_nothing)
{
	RTM_NET_ADDRESS d = pfx(AF_INET, 10, 71, 0, 0, 16);
	RTM_NOTIFY_HANDLE n;
	struct dent c[4];
	struct peer p;
	struct msg m;
	struct ent a, b;

	REQUIRE_RTM();
	ASSERT_EQ(0, peer_start(&p, peer_other_netns, NULL));
	ASSERT_EQ(0, msg_expect(p.rd, 1, &m));
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, ncb));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	n = subscribe(_metadata, a.h, RTM_VIEW_MASK_ANY, RTM_CHANGE_TYPE_ALL,
		      NULL);
	ASSERT_WIN(NO_ERROR, rt_add_simple(b.h, &d, 1, 1, NULL));
	ASSERT_WIN(NO_ERROR, rt_add_simple(a.h, &d, 2, 1, NULL));
	EXPECT_EQ(1U, nwait(n, 1, WAIT_MS));
	EXPECT_EQ(1U, drain(_metadata, a.h, n, 0, 4, c, 4));
	ASSERT_EQ(0, msg_send(p.wr, 2, 0, 0));
	ASSERT_EQ(0, msg_expect(p.rd, 3, &m)) TH_LOG("the peer failed");
	/* Its change did not come here. */
	usleep(QUIET_MS * 1000);
	EXPECT_EQ(1U, ncount(n, NULL));
	EXPECT_EQ(0U, drain(_metadata, a.h, n, 0, 4, c, 4));
	ASSERT_EQ(0, msg_send(p.wr, 4, 0, 0));
	EXPECT_EQ(0, peer_wait(&p, WAIT_MS));
}

enum peer_end { END_EXIT, END_KILL, END_DEREGISTER };

struct pending_arg {
	enum peer_end end;
};

/*
 * A peer with two subscriptions, one with three marks, whose queues the
 * test fills; it checks one is pending and then ends as told, without
 * draining or deregistering them.
 */
static int peer_pending(int rd, int wr, void *p)
{
	struct pending_arg *arg = p;
	RTM_NOTIFY_HANDLE n, nm;
	RTM_DEST_INFO di;
	struct ent e;
	struct msg m;
	unsigned int i;
	BOOL st = FALSE;

	PEER_CHECK(msg_expect(rd, 0, &m) == 0);
	PEER_CHECK(ent_reg(&e, INST, AF_INET, PROTO_C, 1, ncb) == NO_ERROR);
	PEER_CHECK(RtmRegisterForChangeNotification(e.h, RTM_VIEW_MASK_UCAST,
						    RTM_CHANGE_TYPE_ALL, NULL,
						    &n) == NO_ERROR);
	PEER_CHECK(RtmRegisterForChangeNotification(
			   e.h, RTM_VIEW_MASK_UCAST,
			   RTM_CHANGE_TYPE_ALL | RTM_NOTIFY_ONLY_MARKED_DESTS,
			   NULL, &nm) == NO_ERROR);
	for (i = 0; i < 3; i++) {
		RTM_NET_ADDRESS d = pfx(AF_INET, 10, 90, i, 0, 24);

		PEER_CHECK(RtmGetExactMatchDestination(e.h, &d,
						       RTM_BEST_PROTOCOL,
						       RTM_VIEW_MASK_UCAST,
						       &di) == NO_ERROR);
		PEER_CHECK(RtmMarkDestForChangeNotification(
				   e.h, nm, di.DestHandle, TRUE) == NO_ERROR);
		PEER_CHECK(RtmReleaseDestInfo(e.h, &di) == NO_ERROR);
	}
	PEER_CHECK(msg_send(wr, 1, 0, 0) == 0);
	PEER_CHECK(msg_expect(rd, 2, &m) == 0);		/* changes made */
	PEER_CHECK(nwait(n, 1, WAIT_MS) == 1);
	PEER_CHECK(RtmGetChangeStatus(e.h, nm, mkhandle(m.value), &st) ==
		   NO_ERROR);
	PEER_CHECK(st == TRUE);
	PEER_CHECK(msg_send(wr, 3, 0, 0) == 0);
	switch (arg->end) {
	case END_KILL:
		for (;;)
			pause();
	case END_DEREGISTER:
		PEER_CHECK(RtmDeregisterEntity(e.h) == NO_ERROR);
		PEER_CHECK(msg_send(wr, 4, 0, 0) == 0);
		PEER_CHECK(msg_expect(rd, 5, &m) == 0);
		return 0;
	case END_EXIT:
		break;
	}
	return 0;
}

/*
 * Subscriptions with changes pending and marks end with their process
 * (exit, kill) or registration: their queues and marks let go of every
 * dest, and their slots are free again.
 */
static void check_pending_dropped(struct __test_metadata *_metadata,
				  enum peer_end end)
{
	enum { ND = 100 };
	struct pending_arg arg = { .end = end };
	struct rtm_route_entry e[ND];
	RTM_NOTIFY_HANDLE subs[MAX_SUBS];
	struct rtm_stats base;
	struct table_stats tbase;
	RTM_DEST_INFO di;
	struct peer p;
	struct msg m;
	struct ent a;
	unsigned int i;

	ASSERT_EQ(0, peer_start(&p, peer_pending, &arg));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_EQ(0, read_table(INST, AF_INET, &tbase));
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	memset(e, 0, sizeof(e));
	for (i = 0; i < ND; i++) {
		RTM_NET_ADDRESS d = pfx(AF_INET, 10, 90 + i / 256, i % 256, 0,
					24);

		memcpy(&e[i].dest, &d, sizeof(e[i].dest));
		e[i].preference = 1;
		e[i].views = RTM_VIEW_MASK_UCAST;
	}
	/* The marked dests must exist first. */
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(a.h, e, 3, NULL, 0, NULL));
	ASSERT_EQ(0, msg_send(p.wr, 0, 0, 0));
	ASSERT_EQ(0, msg_expect(p.rd, 1, &m));
	/* The rest of the table's slots: all taken. */
	for (i = 0; i < MAX_SUBS - 2; i++)
		subs[i] = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST,
				    RTM_CHANGE_TYPE_BEST, NULL);
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   RtmRegisterForChangeNotification(a.h, RTM_VIEW_MASK_UCAST,
						    RTM_CHANGE_TYPE_ALL, NULL,
						    &subs[MAX_SUBS - 2]));
	for (i = 0; i < ND; i++)
		e[i].metric = 1;
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(a.h, e, ND, NULL, 0, NULL));
	dest_of(_metadata, a.h, (RTM_NET_ADDRESS *)&e[1].dest, &di);
	ASSERT_EQ(0, msg_send(p.wr, 2, 0, hval(di.DestHandle)));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, &di));
	ASSERT_EQ(0, msg_expect(p.rd, 3, &m)) TH_LOG("the peer failed");

	switch (end) {
	case END_KILL:
		ASSERT_EQ(0, kill(p.pid, SIGKILL));
		EXPECT_EQ(128 + SIGKILL, peer_wait(&p, WAIT_MS));
		break;
	case END_DEREGISTER:
		ASSERT_EQ(0, msg_expect(p.rd, 4, &m));
		break;
	case END_EXIT:
		EXPECT_EQ(0, peer_wait(&p, WAIT_MS));
		break;
	}
	/* Two slots free again. */
	for (i = MAX_SUBS - 2; i < MAX_SUBS; i++)
		subs[i] = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST,
				    RTM_CHANGE_TYPE_BEST, NULL);
	/* Our routes gone, nothing keeps a dest: the queues let go. */
	ASSERT_WIN(NO_ERROR, rtm_bulk_delete_routes(a.h, e, ND, NULL));
	for (i = 0; i < MAX_SUBS; i++)
		EXPECT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(
					     a.h, subs[i]));
	EXPECT_TABLE_BACK(INST, AF_INET, &tbase);
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(a.h));
	EXPECT_STATS_BACK(&base);
	if (end == END_DEREGISTER) {
		ASSERT_EQ(0, msg_send(p.wr, 5, 0, 0));
		EXPECT_EQ(0, peer_wait(&p, WAIT_MS));
	}
}

TEST(pending_gone_with_exit)
{
	REQUIRE_RTM();
	check_pending_dropped(_metadata, END_EXIT);
}

TEST(pending_gone_with_kill)
{
	REQUIRE_RTM();
	check_pending_dropped(_metadata, END_KILL);
}

TEST(pending_gone_with_deregistration)
{
	REQUIRE_RTM();
	check_pending_dropped(_metadata, END_DEREGISTER);
}

/*
 * RtmDeregisterFromChangeNotification with changes pending and dests
 * marked frees its queue and marks at once.
 */
TEST(deregister_frees_queue_and_marks)
{
	enum { ND = 50 };
	struct rtm_route_entry e[ND];
	struct table_stats tbase;
	struct rtm_stats base;
	RTM_NOTIFY_HANDLE n, nm;
	RTM_DEST_INFO di;
	struct ent a, b;
	unsigned int i;
	UINT num;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_EQ(0, read_table(INST, AF_INET, &tbase));
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_reg(&b, INST, AF_INET, PROTO_B, 1, NULL));
	n = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_ALL,
		      NULL);
	nm = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST,
		       RTM_CHANGE_TYPE_ALL | RTM_NOTIFY_ONLY_MARKED_DESTS, NULL);
	memset(e, 0, sizeof(e));
	for (i = 0; i < ND; i++) {
		RTM_NET_ADDRESS d = pfx(AF_INET, 10, 80, i, 0, 24);

		memcpy(&e[i].dest, &d, sizeof(e[i].dest));
		e[i].preference = 1;
		e[i].views = RTM_VIEW_MASK_UCAST;
	}
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(b.h, e, ND, NULL, 0, NULL));
	for (i = 0; i < 5; i++) {
		dest_of(_metadata, a.h, (RTM_NET_ADDRESS *)&e[i].dest, &di);
		ASSERT_WIN(NO_ERROR, RtmMarkDestForChangeNotification(
					     a.h, nm, di.DestHandle, TRUE));
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, &di));
	}
	ASSERT_WIN(NO_ERROR, rtm_bulk_delete_routes(b.h, e, ND, NULL));
	/* Queued and marked dests are kept... */
	EXPECT_TRUE(ND == drain_count(_metadata, a.h, n, 1) ||
		    _metadata->passed == 0);
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(b.h, e, ND, NULL, 0, NULL));
	ASSERT_WIN(NO_ERROR, rtm_bulk_delete_routes(b.h, e, ND, NULL));
	/* ... until the subscriptions end. */
	ASSERT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(a.h, n));
	ASSERT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(a.h, nm));
	num = 1;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetChangedDests(a.h, n, &num, &di));
	EXPECT_TABLE_BACK(INST, AF_INET, &tbase);

	/* The same through RtmDeregisterEntity. */
	n = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_ALL,
		      NULL);
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(b.h, e, ND, NULL, 0, NULL));
	ASSERT_WIN(NO_ERROR, rtm_bulk_delete_routes(b.h, e, ND, NULL));
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(a.h));
	EXPECT_TABLE_BACK(INST, AF_INET, &tbase);
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(b.h));
	EXPECT_STATS_BACK(&base);
}

/* ------------------------------------------------------------------ */
/* Coalescing under heavy churn                                         */
/* ------------------------------------------------------------------ */

#define NCHURN		48
#define CHURN_MS	5000
#define CHURN_SLOW_MS	2500		/* on a slow kernel */
#define CHURN_WRITES	1000		/* and at least so many writes */
#define CHURN_MAX_MS	25000

/* Eight blocks of six dests, nested and side by side. */
static RTM_NET_ADDRESS churn_dest(unsigned int i)
{
	uint8_t x = 200 + i / 6;

	switch (i % 6) {
	case 0:
		return pfx(AF_INET, 10, x, 0, 0, 16);
	case 1:
		return pfx(AF_INET, 10, x, 0, 0, 17);
	case 2:
		return pfx(AF_INET, 10, x, 1, 0, 24);
	case 3:
		return pfx(AF_INET, 10, x, 1, 128, 25);
	case 4:
		return pfx(AF_INET, 10, x, 1, 1, 32);
	default:
		return pfx(AF_INET, 10, x, 2, 0, 24);
	}
}

struct churn_shared {
	volatile unsigned long ops[2];
	volatile int stop;
};

struct churn_arg {
	int id;
	struct churn_shared *sh;
};

/*
 * A writer: adds, updates (preference, metric, flags of both kinds) and
 * deletes its route at random churned dests until told to stop; then
 * keeps its routes until told to go.
 */
static int peer_writer(int rd, int wr, void *p)
{
	static const USHORT flags[] = {
		0, RTM_ROUTE_FLAGS_LOCAL, RTM_ROUTE_FLAGS_REMOTE,
		RTM_ROUTE_FLAGS_MYSELF, RTM_ROUTE_FLAGS_DISCARD,
		RTM_ROUTE_FLAGS_LOCAL | RTM_ROUTE_FLAGS_INACTIVE,
	};
	struct churn_arg *a = p;
	uint64_t seed = 0x51ed270b27ULL * (a->id + 3);
	long long end;
	struct ent e;
	struct msg m;

	PEER_CHECK(ent_reg(&e, INST, AF_INET, PROTO_W, a->id, NULL) ==
		   NO_ERROR);
	PEER_CHECK(msg_send(wr, 1, 0, 0) == 0);
	end = now_ms() + CHURN_MAX_MS;
	while (!a->sh->stop && now_ms() < end) {
		uint64_t r = prng(&seed);
		RTM_NET_ADDRESS d = churn_dest(r % NCHURN);
		struct rt in = { .pref = 1 + (r >> 8) % 3,
				 .metric = (r >> 16) % 4,
				 .flags = flags[(r >> 24) % ARRAY_SIZE(flags)] };
		DWORD st;

		if ((r >> 32) % 4) {
			st = rt_add(e.h, &d, &in, NULL, NULL, NULL);
			PEER_CHECK(st == NO_ERROR);
		} else {
			st = rt_del_at(e.h, &d);
			PEER_CHECK(st == NO_ERROR || st == ERROR_NOT_FOUND);
		}
		a->sh->ops[a->id]++;
	}
	PEER_CHECK(msg_send(wr, 2, 0, 0) == 0);
	PEER_CHECK(msg_expect(rd, 3, &m) == 0);
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

/* The last state a subscription reported of each churned dest. */
struct last {
	bool seen;
	struct dent c;
};

/*
 * One RtmGetChangedDests of up to @b dests of @n (one view), each noted
 * in @last, no dest twice; released.  How many came, 0 at the end.
 */
static unsigned int take(struct __test_metadata *_metadata,
			 RTM_ENTITY_HANDLE h, RTM_NOTIFY_HANDLE n, UINT b,
			 char *buf, struct last *last)
{
	UINT num = b, i, j;
	DWORD st = RtmGetChangedDests(h, n, &num, (PRTM_DEST_INFO)buf);

	if (st == ERROR_NO_MORE_ITEMS) {
		EXPECT_EQ(0U, num);
		return 0;
	}
	ASSERT_WIN(NO_ERROR, st);
	ASSERT_LE(1U, num);
	ASSERT_GE(b, num);
	for (i = 0; i < num; i++) {
		RTM_DEST_INFO *di = di_at(buf, 1, i);
		RTM_NET_ADDRESS d;

		for (j = 0; j < i; j++)
			EXPECT_NE(di->DestHandle, di_at(buf, 1, j)->DestHandle)
				TH_LOG("%s twice in one batch",
				       pfx_str(&di->DestAddress));
		for (j = 0; j < NCHURN; j++) {
			d = churn_dest(j);
			if (pfx_eq(&d, &di->DestAddress))
				break;
		}
		EXPECT_LT(j, (unsigned int)NCHURN)
			TH_LOG("%s is no churned dest",
			       pfx_str(&di->DestAddress));
		if (j < NCHURN) {
			last[j].seen = true;
			dent_of(&last[j].c, di);
		}
	}
	EXPECT_WIN(NO_ERROR, RtmReleaseChangedDests(h, n, num,
						    (PRTM_DEST_INFO)buf));
	return num;
}

/*
 * Two processes churn 48 dests at full speed while this one drains an ALL
 * and a FORWARDING subscription with batches of many sizes: no dest comes
 * twice in a batch, a queue never holds more than the dests, and once the
 * writers stop and the queues are drained, the last state each reported
 * of every dest is the table's (RtmGetExactMatchDestination).
 */
TEST_F_TIMEOUT(churn, final_state_never_lost, 90)
{
	static const UINT sizes[] = { 1, 5, 16, 0 };
	struct last *all = calloc(NCHURN, sizeof(*all));
	struct last *fwd = calloc(NCHURN, sizeof(*fwd));
	struct churn_arg args[2];
	RTM_NOTIFY_HANDLE na, nf;
	struct rtm_stats base;
	long long start;
	unsigned int i, k, rounds = 0, taken = 0, full = 0;
	struct ent a;
	struct msg m;
	UINT max;
	char *buf;

	REQUIRE_RTM();
	ASSERT_NE(NULL, all);
	ASSERT_NE(NULL, fwd);
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	for (i = 0; i < 2; i++) {
		args[i].id = i;
		args[i].sh = self->sh;
		ASSERT_EQ(0, peer_start(&self->w[i], peer_writer, &args[i]));
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, msg_expect(self->w[i].rd, 1, &m));
	ASSERT_WIN(NO_ERROR, ent_reg(&a, INST, AF_INET, PROTO_A, 1, NULL));
	max = a.prof.MaxHandlesInEnum;
	buf = malloc(max * di_stride(1));
	ASSERT_NE(NULL, buf);
	na = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_ALL,
		       NULL);
	nf = subscribe(_metadata, a.h, RTM_VIEW_MASK_UCAST,
		       RTM_CHANGE_TYPE_FORWARDING, NULL);

	/*
	 * The planned time, longer (up to four times) on a machine so busy
	 * that the writers have not written enough yet.
	 */
	start = now_ms();
	while (_metadata->passed &&
	       (now_ms() - start < (slow_kernel() ? CHURN_SLOW_MS : CHURN_MS) ||
		(self->sh->ops[0] + self->sh->ops[1] <= CHURN_WRITES &&
		 now_ms() - start < 4 * CHURN_MS))) {
		UINT b = sizes[rounds % ARRAY_SIZE(sizes)] ?: max;

		if (rounds % 16 == 15) {
			/* Let the queue fill: it holds each dest once. */
			usleep(100 * 1000);
			k = take(_metadata, a.h, na, max, buf, all);
			EXPECT_GE((unsigned int)NCHURN, k)
				TH_LOG("%u entries for %u dests", k, NCHURN);
			full += k == NCHURN;
		} else {
			k = take(_metadata, a.h, na, b, buf, all);
		}
		taken += k;
		take(_metadata, a.h, nf, b, buf, fwd);
		rounds++;
	}
	self->sh->stop = 1;
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, msg_expect(self->w[i].rd, 2, &m))
			TH_LOG("writer %u failed", i);
	/* The writers are done: what is queued now is the rest. */
	for (i = 0; (k = take(_metadata, a.h, na, 7, buf, all)); i++)
		ASSERT_GE((unsigned int)NCHURN, i * 7);
	for (i = 0; take(_metadata, a.h, nf, max, buf, fwd); i++)
		ASSERT_GE(1U, i);
	TH_LOG("%u rounds, %u changed dests taken (%u full queues), "
	       "%lu + %lu writes", rounds, taken, full, self->sh->ops[0],
	       self->sh->ops[1]);
	EXPECT_LT((unsigned long)CHURN_WRITES,
		  self->sh->ops[0] + self->sh->ops[1]);

	for (i = 0; i < NCHURN; i++) {
		RTM_NET_ADDRESS d = churn_dest(i);
		RTM_DEST_INFO di;
		DWORD st;

		st = RtmGetExactMatchDestination(a.h, &d, RTM_BEST_PROTOCOL,
						 RTM_VIEW_MASK_UCAST, &di);
		if (st == ERROR_NOT_FOUND) {
			EXPECT_TRUE(!all[i].seen || !all[i].c.v[0].nroutes)
				TH_LOG("%s: gone, last reported with %u routes",
				       pfx_str(&d), all[i].c.v[0].nroutes);
			EXPECT_TRUE(!fwd[i].seen || !fwd[i].c.v[0].route)
				TH_LOG("%s: gone, last reported with a route",
				       pfx_str(&d));
			continue;
		}
		ASSERT_WIN(NO_ERROR, st);
		EXPECT_TRUE(all[i].seen) TH_LOG("%s never reported",
						pfx_str(&d));
		EXPECT_EQ(di.DestHandle, all[i].c.dest) TH_LOG("%s", pfx_str(&d));
		EXPECT_EQ(di.ViewInfo[0].NumRoutes, all[i].c.v[0].nroutes)
			TH_LOG("%s", pfx_str(&d));
		EXPECT_EQ(di.ViewInfo[0].Route, all[i].c.v[0].route)
			TH_LOG("%s", pfx_str(&d));
		EXPECT_EQ(di.ViewInfo[0].Owner, all[i].c.v[0].owner)
			TH_LOG("%s", pfx_str(&d));
		EXPECT_EQ(di.ViewInfo[0].DestFlags, all[i].c.v[0].flags)
			TH_LOG("%s", pfx_str(&d));
		EXPECT_TRUE(fwd[i].seen) TH_LOG("%s never reported (fwd)",
						pfx_str(&d));
		EXPECT_EQ(di.ViewInfo[0].Route, fwd[i].c.v[0].route)
			TH_LOG("%s (fwd)", pfx_str(&d));
		EXPECT_EQ(di.ViewInfo[0].DestFlags &
			  RTM_ROUTE_FLAGS_FORWARDING_MASK,
			  fwd[i].c.v[0].flags & RTM_ROUTE_FLAGS_FORWARDING_MASK)
			TH_LOG("%s (fwd)", pfx_str(&d));
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(a.h, &di));
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, msg_send(self->w[i].wr, 3, 0, 0));
		EXPECT_EQ(0, peer_wait(&self->w[i], WAIT_MS));
	}
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(a.h));
	EXPECT_STATS_BACK(&base);
	free(buf);
	free(all);
	free(fwd);
}

TEST_HARNESS_MAIN
