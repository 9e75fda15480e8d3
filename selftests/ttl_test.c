// SPDX-License-Identifier: GPL-2.0
/*
 * Route time to live (reference sections 6.1, 7.5, 8.3, 8.7, 11 item 16):
 * a route added with a finite TimeToLive expires; an entity without a
 * callback loses it at once, an entity with one gets RTM_ROUTE_EXPIRED
 * with Context1 a handle to the route that the client holds and Context2
 * the route's info (a direct view: nothing in it is held).  The route is
 * deleted if the callback answers ERROR_NOT_SUPPORTED, unless the callback
 * refreshed it; any other answer leaves route and handle to the client.
 * An update with a new TimeToLive (INFINITE too) rearms or disarms it.
 *
 * Events reach a callback in order, one at a time, so that something did
 * not happen is shown with a later event: once a later route's expiry has
 * been seen, an earlier one's (and what its callback's answer caused) is
 * over.
 *
 * Every test uses RTM instance INST, which no other test program uses.
 */
#include "kselftest_harness.h"
#include "rtm_selftest.h"
#include "route_helpers.h"

#define INST		13
#define PROTO_A		0x7900		/* no callback */
#define PROTO_C		0x7a00		/* with a callback */

#define TTL_MS		200
/*
 * How much earlier than asked a timer may seem to fire, measured from
 * userspace: timers run on jiffies, and under TCG the guest's tick and its
 * clocksource drift apart by a few percent.
 */
#define EARLY_MS(ms)	((ms) / 4)

/* ------------------------------------------------------------------ */
/* The RTM_ROUTE_EXPIRED recorder                                       */
/* ------------------------------------------------------------------ */

enum answer {
	ANSWER_NOT_SUPPORTED,	/* delete it */
	ANSWER_KEEP,		/* NO_ERROR: the client keeps route and handle */
	ANSWER_REFRESH,		/* re-add it (INFINITE), then NOT_SUPPORTED */
	ANSWER_DELETE,		/* RtmDeleteRouteToDest, then NO_ERROR */
};

struct xrec {
	RTM_ENTITY_HANDLE receiver;
	RTM_ROUTE_HANDLE route;		/* Context1 */
	bool has_info;
	struct route_buf info;		/* copy of *Context2 */
	long holds;			/* the namespace's, during the call */
	long long ms;			/* when */
	DWORD action;			/* status of the refresh or delete */
	DWORD action_flags;
	RTM_NET_ADDRESS dest;
};

#define XREC_MAX	32
#define XRULE_MAX	8

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int n;
	struct xrec rec[XREC_MAX];
	unsigned int nrules;
	struct {
		RTM_ROUTE_HANDLE route;
		enum answer answer;
	} rule[XRULE_MAX];
	enum answer deflt;
} xlog = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

static void set_answer(RTM_ROUTE_HANDLE route, enum answer a)
{
	pthread_mutex_lock(&xlog.lock);
	if (!route)
		xlog.deflt = a;
	else if (xlog.nrules < XRULE_MAX) {
		xlog.rule[xlog.nrules].route = route;
		xlog.rule[xlog.nrules++].answer = a;
	}
	pthread_mutex_unlock(&xlog.lock);
}

static enum answer answer_for(RTM_ROUTE_HANDLE route)
{
	enum answer a;
	unsigned int i;

	pthread_mutex_lock(&xlog.lock);
	a = xlog.deflt;
	for (i = 0; i < xlog.nrules; i++)
		if (xlog.rule[i].route == route)
			a = xlog.rule[i].answer;
	pthread_mutex_unlock(&xlog.lock);
	return a;
}

static DWORD WINAPI exp_callback(RTM_ENTITY_HANDLE me, RTM_EVENT_TYPE type,
				 PVOID context1, PVOID context2)
{
	const RTM_ROUTE_INFO *ri = context2;
	RTM_ROUTE_HANDLE h = context1;
	struct rtm_stats st;
	struct xrec r;
	DWORD ret = NO_ERROR;
	UINT n;

	if (type != RTM_ROUTE_EXPIRED)
		return NO_ERROR;
	memset(&r, 0, sizeof(r));
	r.receiver = me;
	r.route = context1;
	r.ms = now_ms();
	r.holds = read_stats(&st) ? -1 : st.holds;
	if (ri) {
		/* Valid only during the call: copy it. */
		n = ri->NextHopsList.NumNextHops;
		if (n > MAX_TEST_HOPS)
			n = MAX_TEST_HOPS;
		memcpy(&r.info, ri, RTM_SIZE_OF_ROUTE_INFO(n));
		r.has_info = true;
	}
	RtmGetRouteInfo(me, h, NULL, &r.dest);

	switch (answer_for(context1)) {
	case ANSWER_KEEP:
		break;
	case ANSWER_REFRESH:
		/* The documented client's way: the same route, no TTL. */
		r.action_flags = 0;
		r.action = RtmAddRouteToDest(me, &h, &r.dest, context2,
					     INFINITE, NULL, 0, NULL,
					     &r.action_flags);
		ret = ERROR_NOT_SUPPORTED;
		break;
	case ANSWER_DELETE:
		r.action = RtmDeleteRouteToDest(me, h, &r.action_flags);
		break;
	default:
		ret = ERROR_NOT_SUPPORTED;
		break;
	}

	pthread_mutex_lock(&xlog.lock);
	if (xlog.n < XREC_MAX)
		xlog.rec[xlog.n++] = r;
	pthread_cond_broadcast(&xlog.cond);
	pthread_mutex_unlock(&xlog.lock);
	return ret;
}

/* Wait up to @timeout_ms for the expiry of @route; copy its record. */
static bool xwait(RTM_ROUTE_HANDLE route, int timeout_ms, struct xrec *out)
{
	long long end = now_ms() + timeout_ms;
	bool found = false;
	unsigned int i;

	pthread_mutex_lock(&xlog.lock);
	for (;;) {
		for (i = 0; i < xlog.n && !found; i++) {
			if (xlog.rec[i].route != route)
				continue;
			if (out)
				*out = xlog.rec[i];
			found = true;
		}
		if (found || now_ms() >= end)
			break;
		{
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 20 * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&xlog.cond, &xlog.lock, &ts);
		}
	}
	pthread_mutex_unlock(&xlog.lock);
	return found;
}

/* The expiries seen of @route. */
static unsigned int xcount(RTM_ROUTE_HANDLE route)
{
	unsigned int i, n = 0;

	pthread_mutex_lock(&xlog.lock);
	for (i = 0; i < xlog.n; i++)
		if (xlog.rec[i].route == route)
			n++;
	pthread_mutex_unlock(&xlog.lock);
	return n;
}

/* The state of a route through a handle, or 0xff if unreadable. */
static int route_state(RTM_ENTITY_HANDLE e, RTM_ROUTE_HANDLE r)
{
	struct route_buf b;
	int state;

	if (RtmGetRouteInfo(e, r, &b.ri, NULL) != NO_ERROR)
		return 0xff;
	state = b.ri.State;
	RtmReleaseRouteInfo(e, &b.ri);
	return state;
}

/* Wait up to WAIT_MS for the route (held) to be DELETED; when, or -1. */
static long long wait_deleted(RTM_ENTITY_HANDLE e, RTM_ROUTE_HANDLE r)
{
	long long end = now_ms() + WAIT_MS;

	for (;;) {
		if (route_state(e, r) == RTM_ROUTE_STATE_DELETED)
			return now_ms();
		if (now_ms() >= end)
			return -1;
		usleep(5000);
	}
}

/* Wait up to WAIT_MS for @p to have no route; when, or -1. */
static long long wait_no_route(RTM_ENTITY_HANDLE e, RTM_NET_ADDRESS p)
{
	long long end = now_ms() + WAIT_MS;
	RTM_DEST_INFO d;

	for (;;) {
		memset(&d, 0, sizeof(d));
		if (RtmGetExactMatchDestination(e, &p, RTM_BEST_PROTOCOL,
						RTM_VIEW_MASK_ANY, &d) ==
		    ERROR_NOT_FOUND)
			return now_ms();
		RtmReleaseDestInfo(e, &d);
		if (now_ms() >= end)
			return -1;
		usleep(5000);
	}
}

/* ------------------------------------------------------------------ */

FIXTURE(ttl) {
	USHORT fam;
	bool ready;
	struct rtm_stats base;
	struct rtm_stats regd;
	struct ent a, c;		/* without and with a callback */
	RTM_NEXTHOP_HANDLE na, nc;
};

FIXTURE_VARIANT(ttl) {
	USHORT fam;
};

FIXTURE_VARIANT_ADD(ttl, ipv4) {
	.fam = AF_INET,
};

FIXTURE_VARIANT_ADD(ttl, ipv6) {
	.fam = AF_INET6,
};

FIXTURE_SETUP(ttl)
{
	self->fam = variant->fam;
	if (!rtm_present() || cap_effective(CAP_NET_ADMIN) != 1)
		return;
	ASSERT_EQ(0, read_stats_steady(&self->base, WAIT_MS));
	ASSERT_WIN(NO_ERROR, ent_register(&self->a, INST, self->fam, PROTO_A,
					  1, NULL));
	ASSERT_WIN(NO_ERROR, ent_register(&self->c, INST, self->fam, PROTO_C,
					  1, exp_callback));
	ASSERT_WIN(NO_ERROR, nh_add(self->a.h, host(self->fam, 10, 0, 0, 1), 1,
				    &self->na));
	ASSERT_WIN(NO_ERROR, nh_add(self->c.h, host(self->fam, 10, 0, 0, 2), 2,
				    &self->nc));
	ASSERT_EQ(0, read_stats(&self->regd));
	self->ready = true;
}

FIXTURE_TEARDOWN(ttl)
{
	if (!self->ready)
		return;
	EXPECT_WIN(NO_ERROR, ent_deregister(&self->a));
	EXPECT_WIN(NO_ERROR, ent_deregister(&self->c));
	EXPECT_STATS(&self->base);
	EXPECT_TABLE_EMPTY(INST, self->fam);
}

static struct rspec spec(ULONG pref, RTM_NEXTHOP_HANDLE nh)
{
	struct rspec s;

	memset(&s, 0, sizeof(s));
	s.pref = pref;
	s.metric = pref;
	if (nh) {
		s.nnh = 1;
		s.nh[0] = nh;
	}
	return s;
}

/* An entity without a callback loses an expired route at once. */
TEST_F(ttl, expiry_without_callback)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 1, 0, 0);
	RTM_ROUTE_HANDLE r = NULL, other = NULL, best;
	struct rspec s = spec(5, self->na);
	RTM_DEST_INFO d;
	long long t0, gone;
	DWORD out;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, rt_simple(self->c.h, p, 10, 10, self->nc, &other));
	t0 = now_ms();
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p, &s, TTL_MS, 0, &r, &out));
	EXPECT_EQ((DWORD)(RTM_ROUTE_CHANGE_NEW | RTM_ROUTE_CHANGE_BEST), out);
	memset(&d, 0, sizeof(d));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, &d));
	best = d.ViewInfo[0].Route;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, &d));
	EXPECT_EQ(hval(r), hval(best));

	gone = wait_deleted(self->a.h, r);
	ASSERT_LE(0, gone) TH_LOG("not expired after %d ms", WAIT_MS);
	EXPECT_LE(TTL_MS - EARLY_MS(TTL_MS), gone - t0);
	/* The other route is the best now; nobody got an event. */
	memset(&d, 0, sizeof(d));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, &d));
	EXPECT_EQ(hval(other), hval(d.ViewInfo[0].Route));
	EXPECT_EQ(1U, d.ViewInfo[0].NumRoutes);
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, &d));
	EXPECT_EQ(0U, xcount(r));
	EXPECT_TABLE(INST, self->fam, 1, 1, 2);
	/* The handle stays the caller's to release, once. */
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &r));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(self->a.h, 1, &r));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->c.h, other, &out));
	EXPECT_STATS(&self->regd);
}

/*
 * With a callback answering ERROR_NOT_SUPPORTED: RTM_ROUTE_EXPIRED with
 * the route's handle, held for the client, and its info, holding nothing;
 * then the route is deleted and the event's handle goes with it.
 */
TEST_F(ttl, expired_event_then_delete)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 24, 10, 2, 3, 0);
	RTM_NET_ADDRESS got_p;
	RTM_ROUTE_HANDLE r;
	struct rspec s = spec(7, self->nc);
	RTM_DEST_INFO d;
	struct xrec x;
	long long t0;
	DWORD out;

	REQUIRE_RTM();
	EXPECT_EQ(2, RTM_ROUTE_EXPIRED);
	s.neighbour = self->nc;
	s.flags = RTM_ROUTE_FLAGS_LOCAL;
	s.esi = 0xabc;
	t0 = now_ms();
	/* No handle asked for: the event's is the only one. */
	ASSERT_WIN(NO_ERROR, rt_add(self->c.h, p, &s, TTL_MS, 0, NULL, &out));
	memset(&d, 0, sizeof(d));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, &d));
	r = d.ViewInfo[0].Route;
	ASSERT_NE(NULL, r);

	ASSERT_TRUE(xwait(r, WAIT_MS, &x)) TH_LOG("no RTM_ROUTE_EXPIRED");
	EXPECT_LE(TTL_MS - EARLY_MS(TTL_MS), x.ms - t0);
	EXPECT_EQ(hval(self->c.h), hval(x.receiver));
	/* Context1 is held for the client; Context2 holds nothing. */
	EXPECT_EQ(self->regd.holds + 4, x.holds);	/* + d's 3 */
	ASSERT_TRUE(x.has_info) TH_LOG("Context2 is NULL");
	EXPECT_EQ(hval(d.DestHandle), hval(x.info.ri.DestHandle));
	EXPECT_EQ(hval(self->c.h), hval(x.info.ri.RouteOwner));
	EXPECT_EQ(hval(self->nc), hval(x.info.ri.Neighbour));
	EXPECT_EQ(RTM_ROUTE_STATE_CREATED, x.info.ri.State);
	EXPECT_EQ(RTM_ROUTE_FLAGS_LOCAL, x.info.ri.Flags);
	EXPECT_EQ(7U, x.info.ri.PrefInfo.Preference);
	EXPECT_EQ(7U, x.info.ri.PrefInfo.Metric);
	EXPECT_EQ((DWORD)RTM_VIEW_MASK_UCAST, x.info.ri.BelongsToViews);
	EXPECT_EQ(0xabcUL, (uintptr_t)x.info.ri.EntitySpecificInfo);
	ASSERT_EQ(1, x.info.ri.NextHopsList.NumNextHops);
	EXPECT_EQ(hval(self->nc), hval(hops_of(&x.info.ri)[0]));
	got_p = masked(p);
	EXPECT_TRUE(same_addr(&got_p, &x.dest));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, &d));

	EXPECT_LE(0, wait_no_route(self->a.h, p)) TH_LOG("route not deleted");
	EXPECT_STATS(&self->regd);
	EXPECT_TABLE(INST, self->fam, 0, 0, 2);
	EXPECT_EQ(1U, xcount(r));
}

/*
 * Any other answer leaves the route (it does not expire again) and the
 * event's handle to the client; a later expiry shows nothing else came.
 */
TEST_F(ttl, callback_keeps_the_route)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 3, 0, 0);
	RTM_NET_ADDRESS q = pfx(self->fam, 16, 10, 4, 0, 0);
	RTM_ROUTE_HANDLE r = NULL, sync = NULL, h;
	struct rspec s = spec(3, self->nc);
	struct xrec x;
	DWORD out;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, rt_add(self->c.h, p, &s, TTL_MS, 0, &r, &out));
	set_answer(r, ANSWER_KEEP);
	ASSERT_WIN(NO_ERROR, rt_add(self->c.h, q, &s, 2 * TTL_MS, 0, &sync,
				    &out));
	ASSERT_TRUE(xwait(r, WAIT_MS, &x));
	ASSERT_TRUE(xwait(sync, WAIT_MS, NULL));
	EXPECT_EQ(RTM_ROUTE_STATE_CREATED, route_state(self->a.h, r));
	EXPECT_LE(0, wait_deleted(self->c.h, sync));
	EXPECT_EQ(1U, xcount(r));
	/* Two references now: the add's and the event's. */
	h = r;
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->c.h, 1, &h));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->c.h, 1, &h));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(self->c.h, 1, &h));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->c.h, 1, &sync));
	EXPECT_TABLE(INST, self->fam, 1, 1, 2);
	/* Still the owner's route: it deletes it. */
	h = NULL;
	ASSERT_WIN(NO_ERROR, rt_add(self->c.h, p, &s, INFINITE, 0, &h, &out));
	EXPECT_EQ(hval(r), hval(h));
	EXPECT_EQ(0U, out);
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->c.h, h, &out));
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, out);
	EXPECT_STATS(&self->regd);
}

/*
 * A callback that refreshes the route and still answers
 * ERROR_NOT_SUPPORTED keeps it: only a route not refreshed since it
 * expired is deleted.
 */
TEST_F(ttl, refresh_in_the_callback_prevents_the_delete)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 5, 0, 0);
	RTM_NET_ADDRESS q = pfx(self->fam, 16, 10, 6, 0, 0);
	RTM_ROUTE_HANDLE r = NULL, sync = NULL;
	struct rspec s = spec(4, self->nc);
	struct route_buf b;
	struct xrec x;
	DWORD out;

	REQUIRE_RTM();
	s.esi = 0x77;
	ASSERT_WIN(NO_ERROR, rt_add(self->c.h, p, &s, TTL_MS, 0, &r, &out));
	set_answer(r, ANSWER_REFRESH);
	ASSERT_WIN(NO_ERROR, rt_add(self->c.h, q, &s, 3 * TTL_MS, 0, &sync,
				    &out));
	ASSERT_TRUE(xwait(r, WAIT_MS, &x));
	EXPECT_WIN(NO_ERROR, x.action);
	EXPECT_EQ(0U, x.action_flags);
	ASSERT_TRUE(xwait(sync, WAIT_MS, NULL));
	ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->c.h, r, &b.ri, NULL));
	EXPECT_EQ(RTM_ROUTE_STATE_CREATED, b.ri.State);
	EXPECT_EQ(4U, b.ri.PrefInfo.Preference);
	EXPECT_EQ(0x77UL, (uintptr_t)b.ri.EntitySpecificInfo);
	EXPECT_EQ(hval(self->nc), hval(b.ri.NextHopsList.NextHops[0]));
	EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->c.h, &b.ri));
	EXPECT_EQ(1U, xcount(r));
	EXPECT_LE(0, wait_deleted(self->c.h, sync));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->c.h, 1, &sync));
	EXPECT_TABLE(INST, self->fam, 1, 1, 2);
	EXPECT_LE(0, wait_no_route(self->a.h, q));
	/* The event's handle went back: only the add's is left. */
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->c.h, r, &out));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(self->c.h, 1, &r));
	EXPECT_STATS(&self->regd);
}

/* A callback may delete the route itself, consuming the event's handle. */
TEST_F(ttl, callback_deletes_the_route)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 7, 0, 0);
	RTM_ROUTE_HANDLE r = NULL;
	struct rspec s = spec(4, self->nc);
	struct xrec x;
	DWORD out;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, rt_add(self->c.h, p, &s, TTL_MS, 0, &r, &out));
	set_answer(r, ANSWER_DELETE);
	ASSERT_TRUE(xwait(r, WAIT_MS, &x));
	EXPECT_WIN(NO_ERROR, x.action);
	EXPECT_EQ((DWORD)RTM_ROUTE_CHANGE_BEST, x.action_flags);
	EXPECT_EQ(RTM_ROUTE_STATE_DELETED, route_state(self->c.h, r));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->c.h, 1, &r));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(self->c.h, 1, &r));
	EXPECT_STATS(&self->regd);
}

/*
 * An update rearms the time to live: INFINITE disarms it, a new time
 * starts over.  Expiries come in time order, so the later route's shows
 * that the refreshed one did not expire first.
 */
TEST_F(ttl, update_rearms_or_disarms)
{
	RTM_NET_ADDRESS p1 = pfx(self->fam, 16, 10, 8, 0, 0);
	RTM_NET_ADDRESS p2 = pfx(self->fam, 16, 10, 9, 0, 0);
	RTM_NET_ADDRESS q = pfx(self->fam, 16, 10, 10, 0, 0);
	RTM_ROUTE_HANDLE r1 = NULL, r2 = NULL, ra = NULL, sa = NULL, sync = NULL;
	RTM_ROUTE_HANDLE h;
	struct rspec s = spec(4, self->nc);
	struct rspec sna = spec(4, self->na);
	long long t0;
	struct xrec x;
	DWORD out;

	REQUIRE_RTM();
	/* With a callback: r1 disarmed, r2 rearmed later than sync. */
	ASSERT_WIN(NO_ERROR, rt_add(self->c.h, p1, &s, 2 * TTL_MS, 0, &r1,
				    &out));
	ASSERT_WIN(NO_ERROR, rt_add(self->c.h, p2, &s, 2 * TTL_MS, 0, &r2,
				    &out));
	ASSERT_WIN(NO_ERROR, rt_add(self->c.h, q, &s, 3 * TTL_MS, 0, &sync,
				    &out));
	h = r1;
	s.metric = 5;
	EXPECT_WIN(NO_ERROR, rt_add(self->c.h, p1, &s, INFINITE, 0, &h, &out));
	/* By (owner, neighbour) too. */
	t0 = now_ms();
	EXPECT_WIN(NO_ERROR, rt_add(self->c.h, p2, &s, 5 * TTL_MS, 0, NULL,
				    &out));
	/* The same for an entity without a callback. */
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, p1, &sna, 2 * TTL_MS, 0, &ra,
				    &out));
	ASSERT_WIN(NO_ERROR, rt_add(self->a.h, q, &sna, 3 * TTL_MS, 0, &sa,
				    &out));
	h = ra;
	EXPECT_WIN(NO_ERROR, rt_add(self->a.h, p1, &sna, INFINITE, 0, &h,
				    &out));

	ASSERT_TRUE(xwait(sync, WAIT_MS, NULL));
	EXPECT_EQ(0U, xcount(r1));
	EXPECT_EQ(0U, xcount(r2));
	EXPECT_EQ(RTM_ROUTE_STATE_CREATED, route_state(self->c.h, r1));
	EXPECT_EQ(RTM_ROUTE_STATE_CREATED, route_state(self->c.h, r2));
	EXPECT_LE(0, wait_deleted(self->a.h, sa));
	EXPECT_EQ(RTM_ROUTE_STATE_CREATED, route_state(self->a.h, ra));
	/* r2's new time does run out. */
	ASSERT_TRUE(xwait(r2, WAIT_MS, &x));
	EXPECT_LE(5 * TTL_MS - EARLY_MS(5 * TTL_MS), x.ms - t0);
	EXPECT_LE(0, wait_deleted(self->c.h, r2));
	EXPECT_EQ(RTM_ROUTE_STATE_CREATED, route_state(self->c.h, r1));
	EXPECT_EQ(0U, xcount(r1));

	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->c.h, 1, &r2));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->c.h, 1, &sync));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &sa));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->c.h, r1, &out));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, ra, &out));
	EXPECT_STATS(&self->regd);
}

/* A route deleted before its time runs out never expires. */
TEST_F(ttl, deleted_before_expiry)
{
	RTM_NET_ADDRESS p = pfx(self->fam, 16, 10, 11, 0, 0);
	RTM_NET_ADDRESS q = pfx(self->fam, 16, 10, 12, 0, 0);
	RTM_ROUTE_HANDLE r = NULL, sync = NULL;
	struct rspec s = spec(4, self->nc);
	DWORD out;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, rt_add(self->c.h, p, &s, TTL_MS, 0, &r, &out));
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->c.h, 1, &r));
	ASSERT_WIN(NO_ERROR, rt_add(self->c.h, q, &s, 2 * TTL_MS, 0, &sync,
				    &out));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->c.h, r, &out));
	ASSERT_TRUE(xwait(sync, WAIT_MS, NULL));
	EXPECT_EQ(0U, xcount(r));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->c.h, 1, &r));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseRoutes(self->c.h, 1, &r));
	EXPECT_LE(0, wait_deleted(self->c.h, sync));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->c.h, 1, &sync));
	EXPECT_STATS(&self->regd);
}

TEST_HARNESS_MAIN
