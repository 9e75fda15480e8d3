// SPDX-License-Identifier: GPL-2.0
/*
 * Races by construction: for each pair "delete or close an object" / "use
 * it", one thread (or process) uses the object while another deletes it,
 * and the test checks the documented result (reference sections 7, 8.3,
 * 8.10 and the uapi comments) and that the state afterwards agrees with it.
 *
 * Where the kernel copies from or to user memory inside the window (after
 * it resolved a handle, before it took the table lock or re-checked the
 * object), the argument it copies sits on a userfaultfd page that is not
 * filled yet (uffd_stall.h): the call sleeps right there, inside the
 * window, the other side deletes, and only then does the copy go on.  Such
 * a race goes the same way every run, and where the deletion completes
 * before the call decides anything, only one outcome is right.  Where no
 * copy sits inside the window, two threads meet at a barrier and race for
 * a bounded number of rounds; either documented outcome is accepted, and
 * the state after each round must agree with the one that happened.
 *
 * The windows, from reading module/:
 *  - RtmAddRouteToDest copies the route info in, then resolves the route
 *    list, the route to update and the next hops, then takes the table
 *    lock: a stalled copy puts the deletion before the lookup, and the
 *    lookup and the check under the lock must then both refuse it (a
 *    module that copied after resolving had the window open here);
 *  - the bulk add resolves the next hops, then copies each chunk of entries;
 *  - RtmGetRouteInfo resolves the route, copies the dest's address out,
 *    then reads the route;
 *  - the enumerations, RtmGetChangedDests and the queries copy out after
 *    taking the handles they hand out;
 *  - RTM_METHOD_FETCH copies the call's input out between finding the call
 *    and taking it, RTM_METHOD_REPLY the answer in between finding the call
 *    and finishing it, RtmInvokeMethod the input in after resolving the
 *    callee;
 *  - RTM_HANDLES_QUERY copies the handles in, reads the caller's holds,
 *    then copies the answer out: a deregistration in between leaves it
 *    answering that nothing is held;
 *  - almost every call copies something in after taking its own entity, so
 *    deregistration, close and SIGKILL can come in the middle of any of them.
 *
 * Each test runs in a network namespace of its own: its counters in
 * /proc/net/rtm/stats start at zero and must end there.  The test of
 * namespaces ending during hold-downs runs first (its namespaces go in the
 * background while the others run); the one that races handle ids on
 * purpose runs last, since a kernel that publishes a handle too early may
 * oops on it.
 */
#include <sched.h>
#include <sys/mman.h>
#include <stdatomic.h>

#include "kselftest_harness.h"
#include "rtm_selftest.h"
#include "route_helpers.h"
#include "uffd_stall.h"

#define INST		7
#define FAM		AF_INET
#define PROTO_A		0x7100
#define PROTO_B		0x7200

/* Rounds of the loop races, and the pages of a stall area. */
#define ROUNDS		(slow() ? 150 : 1000)
#define STALL_PAGES	4

/* A debug kernel (lockdep, kmemleak) under TCG is some twenty times slower. */
static bool slow(void)
{
	static int s = -1;

	if (s < 0)
		s = !access("/proc/lockdep", F_OK) ||
		    !access("/sys/kernel/debug/kmemleak", F_OK);
	return s;
}

/* xorshift64*: rounds that go wrong go wrong again. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static bool win_either(DWORD got, DWORD a, DWORD b)
{
	return got == a || got == b;
}

/* ------------------------------------------------------------------ */
/* Two threads that meet                                                */
/* ------------------------------------------------------------------ */

/*
 * A barrier for two threads, reused round after round: both call
 * meet(round) with the same round numbers, and leave it together, so the
 * calls that follow overlap as closely as the machine allows.  False if the
 * other side did not come within WAIT_MS (it failed: give up).
 */
struct meet {
	atomic_uint n;
};

static bool meet(struct meet *m, unsigned int round)
{
	long long end = now_ms() + WAIT_MS;
	unsigned int spins = 0;

	atomic_fetch_add(&m->n, 1);
	while (atomic_load(&m->n) < 2 * (round + 1)) {
		if (++spins % 4096 == 0) {
			if (now_ms() > end)
				return false;
			sched_yield();
		}
	}
	return true;
}

/*
 * A short, varying wait: each side of a round spins for a few
 * microseconds first, so that the two calls overlap at every offset
 * rather than always the same way.
 */
static void jitter(uint64_t *seed)
{
	unsigned int n = rnd(seed) % 3000;

	while (n--)
		__asm__ __volatile__("" ::: "memory");
}

/* ------------------------------------------------------------------ */
/* The fixture: a namespace of its own, an entity, a next hop           */
/* ------------------------------------------------------------------ */

FIXTURE(race) {
	struct ent a;
	RTM_NEXTHOP_HANDLE nh;		/* held */
	struct stall st;
	bool up;
};

FIXTURE_SETUP(race)
{
	memset(self, 0, sizeof(*self));
	self->st.uffd = -1;
	if (!rtm_present() || cap_effective(CAP_NET_ADMIN) != 1)
		return;
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_WIN(NO_ERROR, ent_register(&self->a, INST, FAM, PROTO_A, 1,
					  NULL));
	ASSERT_WIN(NO_ERROR, nh_add(self->a.h, host(FAM, 192, 0, 2, 1), 1,
				    &self->nh));
	stall_open(&self->st, STALL_PAGES);
	self->up = true;
}

FIXTURE_TEARDOWN(race)
{
	struct rtm_stats zero = { 0 };

	stall_close(&self->st);
	if (!self->up)
		return;
	EXPECT_WIN(NO_ERROR, ent_deregister(&self->a));
	EXPECT_STATS(&zero);
	EXPECT_TABLE_EMPTY(INST, FAM);
}

#define REQUIRE_STALL() do {						\
	REQUIRE_RTM();							\
	if (self->st.uffd < 0)						\
		SKIP(return, "no userfaultfd for kernel faults: %s",	\
		     strerror(-self->st.err));				\
} while (0)

/* 10.7.@i.0/24 */
static RTM_NET_ADDRESS net(unsigned int i)
{
	return pfx(FAM, 24, 10, 7, i & 0xff, 0);
}

/* The same address as the uapi spells it (the same layout). */
static struct rtm_net_address uaddr(RTM_NET_ADDRESS a)
{
	struct rtm_net_address u;

	memcpy(&u, &a, sizeof(u));
	return u;
}

/* A spec with preference @pref and the next hop @nh (or none). */
static struct rspec spec(ULONG pref, RTM_NEXTHOP_HANDLE nh)
{
	struct rspec s;

	memset(&s, 0, sizeof(s));
	s.pref = pref;
	s.metric = 1;
	if (nh) {
		s.nnh = 1;
		s.nh[0] = nh;
	}
	return s;
}

/* Wait up to WAIT_MS for the table to hold @d dests, @r routes, @n hops. */
static bool table_settle(long d, long r, long n)
{
	long long end = now_ms() + WAIT_MS;
	struct table_stats c;

	for (;;) {
		if (read_table(INST, FAM, &c) == 0 && c.dests == d &&
		    c.routes == r && c.nexthops == n)
			return true;
		if (now_ms() > end)
			return false;
		usleep(10000);
	}
}

/* Whether the table has a dest for @p (with routes, in any view). */
static DWORD dest_at(RTM_ENTITY_HANDLE e, RTM_NET_ADDRESS p)
{
	RTM_DEST_INFO di;
	DWORD st;

	st = RtmGetExactMatchDestination(e, &p, RTM_BEST_PROTOCOL,
					 RTM_VIEW_MASK_ANY, &di);
	if (st == NO_ERROR)
		RtmReleaseDestInfo(e, &di);
	return st;
}

/*
 * The bytes of a route info the kernel reads before its next hops, and
 * those the library reads (NumNextHops): they end where the next hops
 * begin.
 */
#define RI_HEAD		offsetof(RTM_ROUTE_INFO, NextHopsList.NextHops)

/*
 * A route info of @s laid out so that its next hops begin page @p of the
 * stall area: the rest is on page @p - 1, which is filled now, so that the
 * library's look at NumNextHops and the kernel's first copy go through and
 * the kernel's copy of the next hops stalls.
 */
static RTM_ROUTE_INFO *ri_across(struct stall *st, unsigned int p,
				 const struct rspec *s)
{
	struct route_buf b;

	rspec_fill(s, &b);
	memcpy((char *)stall_stage(st, p) - RI_HEAD, &b,
	       RI_HEAD + s->nnh * sizeof(HANDLE));
	if (stall_fill(st, p - 1))
		return NULL;
	return (RTM_ROUTE_INFO *)((char *)stall_addr(st, p) - RI_HEAD);
}

/* RtmAddRouteToDest, in a thread of its own. */
struct add_call {
	RTM_ENTITY_HANDLE e;
	RTM_ROUTE_HANDLE h;		/* in: route to update, or NULL */
	RTM_NET_ADDRESS dest;
	RTM_ROUTE_INFO *ri;
	RTM_ROUTE_LIST_HANDLE list;
	DWORD flags;
};

static long add_fn(void *p)
{
	struct add_call *c = p;

	return RtmAddRouteToDest(c->e, &c->h, &c->dest, c->ri, INFINITE,
				 c->list, 0, NULL, &c->flags);
}

/* ------------------------------------------------------------------ */
/* Route lists                                                          */
/* ------------------------------------------------------------------ */

/*
 * The list is resolved before the route info is copied: deleted in
 * between, the add must fail and leave no route (planned change 1).  A
 * route moved into the dead list would keep it from being empty when it
 * is freed (rtm_list_release() warns), and point at it once freed.
 */
TEST_F(race, list_deleted_during_add)
{
	RTM_ROUTE_LIST_HANDLE l = NULL;
	struct add_call c;
	struct bg_call bg;
	struct rspec s;

	REQUIRE_STALL();
	s = spec(1, self->nh);
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(self->a.h, &l));
	memset(&c, 0, sizeof(c));
	c.e = self->a.h;
	c.dest = net(1);
	c.ri = ri_across(&self->st, 1, &s);
	c.list = l;
	ASSERT_NE(NULL, c.ri);
	ASSERT_EQ(0, bg_start(&bg, add_fn, &c));

	/* Asleep in the copy of the next hops, the list in hand. */
	ASSERT_EQ(1, stall_wait(&self->st, WAIT_MS));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteList(self->a.h, l));
	ASSERT_EQ(0, stall_fill(&self->st, 1));
	ASSERT_TRUE(bg_join(&bg, WAIT_MS));

	EXPECT_WIN(ERROR_INVALID_HANDLE, (DWORD)bg.result);
	EXPECT_WIN(ERROR_NOT_FOUND, dest_at(self->a.h, net(1)));
	EXPECT_TABLE(INST, FAM, 0, 0, 1);
	if (c.h) {
		EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &c.h));
	}
}

struct insert_race {
	RTM_ENTITY_HANDLE e;
	RTM_ROUTE_HANDLE r[4];
	RTM_ROUTE_LIST_HANDLE _Atomic list;
	struct meet m;
	unsigned int rounds;
	unsigned int ok, gone;		/* results of the inserts */
	DWORD bad;			/* any other result */
};

static long insert_loop(void *p)
{
	uint64_t seed = 0x9e361bb97f482593ULL;
	struct insert_race *x = p;
	unsigned int i;
	DWORD st;

	for (i = 0; i < x->rounds; i++) {
		if (!meet(&x->m, 2 * i))
			return -ETIMEDOUT;
		jitter(&seed);
		st = RtmInsertInRouteList(x->e, atomic_load(&x->list),
					  ARRAY_SIZE(x->r), x->r);
		if (st == NO_ERROR)
			x->ok++;
		else if (st == ERROR_INVALID_HANDLE)
			x->gone++;
		else if (!x->bad)
			x->bad = st;
		if (!meet(&x->m, 2 * i + 1))
			return -ETIMEDOUT;
	}
	return 0;
}

/* Count the routes a list holds (its enumeration); -1 on an error. */
static int list_count(RTM_ENTITY_HANDLE e, RTM_ROUTE_LIST_HANDLE l)
{
	RTM_ROUTE_HANDLE got[16];
	RTM_ENUM_HANDLE en;
	UINT n = ARRAY_SIZE(got);
	int count = -1;

	if (RtmCreateRouteListEnum(e, l, &en) != NO_ERROR)
		return -1;
	if (RtmGetListEnumRoutes(e, en, &n, got) == NO_ERROR &&
	    RtmReleaseRoutes(e, n, got) == NO_ERROR)
		count = (int)n;
	if (RtmDeleteEnumHandle(e, en) != NO_ERROR)
		count = -1;
	return count;
}

/*
 * RtmInsertInRouteList against RtmDeleteRouteList: the insert moves all
 * its routes or none (INVALID_HANDLE), and whichever came first, the
 * routes end up in no list, free to go into another.
 */
TEST_F_TIMEOUT(race, list_deleted_vs_insert, 120)
{
	uint64_t seed = 0x9e36e8b97f48d576ULL;
	struct insert_race x;
	RTM_ROUTE_LIST_HANDLE l2;
	struct bg_call bg;
	unsigned int i;
	DWORD out;

	REQUIRE_RTM();
	memset(&x, 0, sizeof(x));
	x.e = self->a.h;
	x.rounds = ROUNDS;
	for (i = 0; i < ARRAY_SIZE(x.r); i++) {
		ASSERT_WIN(NO_ERROR, rt_simple(x.e, net(10 + i), 1, 1,
					       self->nh, &x.r[i]));
	}
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(x.e, &l2));
	ASSERT_EQ(0, bg_start(&bg, insert_loop, &x));
	for (i = 0; i < x.rounds; i++) {
		RTM_ROUTE_LIST_HANDLE l;

		ASSERT_WIN(NO_ERROR, RtmCreateRouteList(x.e, &l));
		atomic_store(&x.list, l);
		ASSERT_TRUE(meet(&x.m, 2 * i));
		jitter(&seed);
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteList(x.e, l));
		ASSERT_TRUE(meet(&x.m, 2 * i + 1));
		/* In no list: they all move into another, and out again. */
		ASSERT_WIN(NO_ERROR, RtmInsertInRouteList(x.e, l2,
							  ARRAY_SIZE(x.r),
							  x.r));
		ASSERT_EQ((int)ARRAY_SIZE(x.r), list_count(x.e, l2));
		ASSERT_WIN(NO_ERROR, RtmInsertInRouteList(x.e, NULL,
							  ARRAY_SIZE(x.r),
							  x.r));
	}
	ASSERT_TRUE(bg_join(&bg, WAIT_MS));
	EXPECT_EQ(0, bg.result);
	EXPECT_WIN(NO_ERROR, x.bad);
	EXPECT_EQ(x.rounds, x.ok + x.gone);
	TH_LOG("%u inserts before the delete, %u after", x.ok, x.gone);
	EXPECT_EQ(0, list_count(x.e, l2));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteList(x.e, l2));
	for (i = 0; i < ARRAY_SIZE(x.r); i++) {
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(x.e, x.r[i], &out));
	}
}

/* RtmGetListEnumRoutes, in a thread of its own. */
struct enum_call {
	RTM_ENTITY_HANDLE e;
	RTM_ENUM_HANDLE en;
	unsigned int type;		/* RTM_ENUM_* of uapi */
	UINT n;
	void *buf;
};

static long enum_get_fn(void *p)
{
	struct enum_call *c = p;

	switch (c->type) {
	case RTM_ENUM_DESTS:
		return RtmGetEnumDests(c->e, c->en, &c->n, c->buf);
	case RTM_ENUM_ROUTES:
		return RtmGetEnumRoutes(c->e, c->en, &c->n, c->buf);
	case RTM_ENUM_NEXTHOPS:
		return RtmGetEnumNextHops(c->e, c->en, &c->n, c->buf);
	default:
		return RtmGetListEnumRoutes(c->e, c->en, &c->n, c->buf);
	}
}

/*
 * The list goes while a batch of its enumeration is being copied out: the
 * batch is what the list held (and is held), the next one is empty, and
 * the routes live on.
 */
TEST_F(race, list_deleted_during_list_enum)
{
	RTM_ROUTE_HANDLE r[3], *got;
	RTM_ROUTE_LIST_HANDLE l;
	struct route_buf b;
	struct enum_call c;
	struct bg_call bg;
	unsigned int i;
	DWORD out;

	REQUIRE_STALL();
	for (i = 0; i < ARRAY_SIZE(r); i++) {
		ASSERT_WIN(NO_ERROR, rt_simple(self->a.h, net(20 + i), 1, 1,
					       self->nh, &r[i]));
	}
	ASSERT_WIN(NO_ERROR, RtmCreateRouteList(self->a.h, &l));
	ASSERT_WIN(NO_ERROR, RtmInsertInRouteList(self->a.h, l, 3, r));
	memset(&c, 0, sizeof(c));
	c.e = self->a.h;
	c.type = RTM_ENUM_LIST;
	c.n = 3;
	c.buf = got = stall_addr(&self->st, 0);
	ASSERT_WIN(NO_ERROR, RtmCreateRouteListEnum(c.e, l, &c.en));
	ASSERT_EQ(0, bg_start(&bg, enum_get_fn, &c));
	ASSERT_EQ(0, stall_wait(&self->st, WAIT_MS));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteList(self->a.h, l));
	ASSERT_EQ(0, stall_fill(&self->st, 0));
	ASSERT_TRUE(bg_join(&bg, WAIT_MS));

	EXPECT_WIN(NO_ERROR, (DWORD)bg.result);
	ASSERT_EQ(3U, c.n);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(hval(r[i]), hval(got[i]));
	}
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, c.n, got));
	c.n = 3;
	EXPECT_WIN(NO_ERROR, enum_get_fn(&c));
	EXPECT_EQ(0U, c.n);
	EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(self->a.h, c.en));
	for (i = 0; i < ARRAY_SIZE(r); i++) {
		ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(self->a.h, r[i], &b.ri,
						     NULL));
		EXPECT_EQ(RTM_ROUTE_STATE_CREATED, b.ri.State);
		EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(self->a.h, &b.ri));
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, r[i],
							  &out));
	}
}

struct list_enum_race {
	RTM_ENTITY_HANDLE e;
	RTM_ROUTE_LIST_HANDLE _Atomic list;
	struct meet m;
	unsigned int rounds;
	unsigned int made, gone;
	DWORD bad;
};

static long list_enum_loop(void *p)
{
	uint64_t seed = 0x9e3560b97f49ec6eULL;
	struct list_enum_race *x = p;
	RTM_ROUTE_HANDLE got[4];
	RTM_ENUM_HANDLE en;
	unsigned int i;
	UINT n;
	DWORD st;

	for (i = 0; i < x->rounds; i++) {
		if (!meet(&x->m, 2 * i))
			return -ETIMEDOUT;
		jitter(&seed);
		st = RtmCreateRouteListEnum(x->e, atomic_load(&x->list), &en);
		if (st == NO_ERROR) {
			x->made++;
			/* A list made dead meanwhile reads as empty. */
			n = ARRAY_SIZE(got);
			st = RtmGetListEnumRoutes(x->e, en, &n, got);
			if (st == NO_ERROR)
				st = RtmReleaseRoutes(x->e, n, got);
			if (st == NO_ERROR)
				st = RtmDeleteEnumHandle(x->e, en);
			if (st != NO_ERROR && !x->bad)
				x->bad = st;
		} else if (st == ERROR_INVALID_HANDLE) {
			x->gone++;
		} else if (!x->bad) {
			x->bad = st;
		}
		if (!meet(&x->m, 2 * i + 1))
			return -ETIMEDOUT;
	}
	return 0;
}

/* RtmCreateRouteListEnum (and its first batch) against RtmDeleteRouteList. */
TEST_F_TIMEOUT(race, list_deleted_vs_list_enum, 120)
{
	uint64_t seed = 0x9e3547b97f49b34fULL;
	struct list_enum_race x;
	RTM_ROUTE_HANDLE r[2];
	struct bg_call bg;
	unsigned int i;
	DWORD out;

	REQUIRE_RTM();
	memset(&x, 0, sizeof(x));
	x.e = self->a.h;
	x.rounds = ROUNDS;
	for (i = 0; i < ARRAY_SIZE(r); i++) {
		ASSERT_WIN(NO_ERROR, rt_simple(x.e, net(30 + i), 1, 1,
					       self->nh, &r[i]));
	}
	ASSERT_EQ(0, bg_start(&bg, list_enum_loop, &x));
	for (i = 0; i < x.rounds; i++) {
		RTM_ROUTE_LIST_HANDLE l;

		ASSERT_WIN(NO_ERROR, RtmCreateRouteList(x.e, &l));
		ASSERT_WIN(NO_ERROR, RtmInsertInRouteList(x.e, l, 2, r));
		atomic_store(&x.list, l);
		ASSERT_TRUE(meet(&x.m, 2 * i));
		jitter(&seed);
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteList(x.e, l));
		ASSERT_TRUE(meet(&x.m, 2 * i + 1));
	}
	ASSERT_TRUE(bg_join(&bg, WAIT_MS));
	EXPECT_EQ(0, bg.result);
	EXPECT_WIN(NO_ERROR, x.bad);
	EXPECT_EQ(x.rounds, x.made + x.gone);
	TH_LOG("%u enumerations made, %u refused", x.made, x.gone);
	for (i = 0; i < ARRAY_SIZE(r); i++) {
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(x.e, r[i], &out));
	}
}

/* ------------------------------------------------------------------ */
/* Enumerations                                                         */
/* ------------------------------------------------------------------ */

/* Release what a batch of @type handed out. */
static DWORD enum_release(RTM_ENTITY_HANDLE e, unsigned int type, UINT n,
			  void *buf)
{
	switch (type) {
	case RTM_ENUM_DESTS:
		return RtmReleaseDests(e, n, buf);
	case RTM_ENUM_NEXTHOPS:
		return RtmReleaseNextHops(e, n, buf);
	default:
		return RtmReleaseRoutes(e, n, buf);
	}
}

static DWORD enum_create(RTM_ENTITY_HANDLE e, unsigned int type,
			 RTM_ENUM_HANDLE *en)
{
	switch (type) {
	case RTM_ENUM_DESTS:
		return RtmCreateDestEnum(e, RTM_VIEW_MASK_UCAST, RTM_ENUM_START,
					 NULL, RTM_BEST_PROTOCOL, en);
	case RTM_ENUM_ROUTES:
		return RtmCreateRouteEnum(e, NULL, RTM_VIEW_MASK_UCAST,
					  RTM_ENUM_START, NULL, RTM_MATCH_NONE,
					  NULL, 0, en);
	default:
		return RtmCreateNextHopEnum(e, RTM_ENUM_START, NULL, en);
	}
}

static const char *const enum_names[] = {
	[RTM_ENUM_DESTS] = "dests",
	[RTM_ENUM_ROUTES] = "routes",
	[RTM_ENUM_NEXTHOPS] = "next hops",
};

/*
 * RtmDeleteEnumHandle while a batch of the enumeration is copied out (the
 * handles in it taken already): the batch comes back whole and held, or,
 * when the copy fails, nothing stays held; either way the handle is dead
 * afterwards.
 */
TEST_F(race, enum_deleted_during_get)
{
	RTM_NEXTHOP_HANDLE nh2, nh3;
	RTM_ROUTE_HANDLE r[3];
	struct rtm_stats before, after;
	struct enum_call c;
	struct bg_call bg;
	unsigned int type, i;
	int fail;
	DWORD out;

	REQUIRE_STALL();
	ASSERT_WIN(NO_ERROR, nh_add(self->a.h, host(FAM, 192, 0, 2, 2), 1,
				    &nh2));
	ASSERT_WIN(NO_ERROR, nh_add(self->a.h, host(FAM, 192, 0, 2, 3), 1,
				    &nh3));
	for (i = 0; i < ARRAY_SIZE(r); i++) {
		ASSERT_WIN(NO_ERROR, rt_simple(self->a.h, net(40 + i), 1, 1,
					       self->nh, &r[i]));
	}

	for (fail = 0; fail < 2; fail++) {
		for (type = RTM_ENUM_DESTS; type <= RTM_ENUM_NEXTHOPS; type++) {
			ASSERT_EQ(0, stall_reset(&self->st));
			memset(&c, 0, sizeof(c));
			c.e = self->a.h;
			c.type = type;
			c.n = 2;
			c.buf = stall_addr(&self->st, 0);
			ASSERT_WIN(NO_ERROR, enum_create(c.e, type, &c.en));
			ASSERT_EQ(0, read_stats(&before));
			ASSERT_EQ(0, bg_start(&bg, enum_get_fn, &c));
			ASSERT_EQ(0, stall_wait(&self->st, WAIT_MS))
				TH_LOG("%s", enum_names[type]);
			EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(c.e, c.en));
			if (fail) {
				ASSERT_EQ(0, stall_fail(&self->st, 0));
			} else {
				ASSERT_EQ(0, stall_fill(&self->st, 0));
			}
			ASSERT_TRUE(bg_join(&bg, WAIT_MS));
			if (fail) {
				ASSERT_EQ(0, stall_unfail(&self->st, 0));
				/* -EFAULT: nothing handed out, nothing held. */
				EXPECT_WIN(ERROR_INVALID_PARAMETER,
					   (DWORD)bg.result)
					TH_LOG("%s", enum_names[type]);
				EXPECT_EQ(0U, c.n);
			} else {
				EXPECT_WIN(NO_ERROR, (DWORD)bg.result)
					TH_LOG("%s", enum_names[type]);
				EXPECT_EQ(2U, c.n);
				EXPECT_WIN(NO_ERROR,
					   enum_release(c.e, type, c.n, c.buf));
			}
			ASSERT_EQ(0, read_stats(&after));
			EXPECT_EQ(before.holds, after.holds)
				TH_LOG("%s", enum_names[type]);
			/* The handle is dead now. */
			c.n = 2;
			c.buf = stall_stage(&self->st, 0);
			EXPECT_WIN(ERROR_INVALID_HANDLE, (DWORD)enum_get_fn(&c))
				TH_LOG("%s", enum_names[type]);
			EXPECT_WIN(ERROR_INVALID_HANDLE,
				   RtmDeleteEnumHandle(c.e, c.en));
		}
	}
	for (i = 0; i < ARRAY_SIZE(r); i++) {
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, r[i],
							  &out));
	}
	EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, nh2, NULL));
	EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, nh3, NULL));
}

struct enum_race {
	RTM_ENTITY_HANDLE e;
	unsigned int type;
	RTM_ENUM_HANDLE _Atomic en;
	struct meet m;
	unsigned int rounds;
	unsigned int got, gone;
	DWORD bad;
};

static long enum_race_loop(void *p)
{
	uint64_t seed = 0x9e359eb97f4e9290ULL;
	struct enum_race *x = p;
	union {
		HANDLE h[4];
		unsigned char d[4 * RTM_SIZE_OF_DEST_INFO(1)];
	} buf;
	struct enum_call c = { .e = x->e, .type = x->type, .buf = &buf };
	unsigned int i;
	DWORD st;

	for (i = 0; i < x->rounds; i++) {
		if (!meet(&x->m, 2 * i))
			return -ETIMEDOUT;
		jitter(&seed);
		c.en = atomic_load(&x->en);
		/* Two batches: one before the delete maybe, one after. */
		do {
			c.n = 4;
			st = (DWORD)enum_get_fn(&c);
			if (st == NO_ERROR) {
				x->got++;
				st = enum_release(x->e, x->type, c.n, &buf);
				if (st != NO_ERROR && !x->bad)
					x->bad = st;
			}
		} while (st == NO_ERROR);
		if (st == ERROR_INVALID_HANDLE)
			x->gone++;
		else if (st != ERROR_NO_MORE_ITEMS && !x->bad)
			x->bad = st;
		if (!meet(&x->m, 2 * i + 1))
			return -ETIMEDOUT;
	}
	return 0;
}

/* RtmGetEnum* batches against RtmDeleteEnumHandle, each kind. */
TEST_F_TIMEOUT(race, enum_deleted_vs_get, 180)
{
	uint64_t seed = 0x9e3474b97f4f5302ULL;
	RTM_ROUTE_HANDLE r[6];
	struct enum_race x;
	struct bg_call bg;
	unsigned int i, type;
	DWORD out;

	REQUIRE_RTM();
	for (i = 0; i < ARRAY_SIZE(r); i++) {
		ASSERT_WIN(NO_ERROR, rt_simple(self->a.h, net(50 + i), 1, 1,
					       self->nh, &r[i]));
	}
	for (type = RTM_ENUM_DESTS; type <= RTM_ENUM_NEXTHOPS; type++) {
		memset(&x, 0, sizeof(x));
		x.e = self->a.h;
		x.type = type;
		x.rounds = ROUNDS / 3;
		ASSERT_EQ(0, bg_start(&bg, enum_race_loop, &x));
		for (i = 0; i < x.rounds; i++) {
			RTM_ENUM_HANDLE en;

			ASSERT_WIN(NO_ERROR, enum_create(x.e, type, &en));
			atomic_store(&x.en, en);
			ASSERT_TRUE(meet(&x.m, 2 * i));
		jitter(&seed);
			EXPECT_WIN(NO_ERROR, RtmDeleteEnumHandle(x.e, en));
			ASSERT_TRUE(meet(&x.m, 2 * i + 1));
		}
		ASSERT_TRUE(bg_join(&bg, WAIT_MS));
		EXPECT_EQ(0, bg.result);
		EXPECT_WIN(NO_ERROR, x.bad) TH_LOG("%s", enum_names[type]);
		TH_LOG("%s: %u batches, %u ended by the delete",
		       enum_names[type], x.got, x.gone);
	}
	for (i = 0; i < ARRAY_SIZE(r); i++) {
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, r[i],
							  &out));
	}
}

/* ------------------------------------------------------------------ */
/* Change notification                                                  */
/* ------------------------------------------------------------------ */

struct changed_call {
	RTM_ENTITY_HANDLE e;
	RTM_NOTIFY_HANDLE n;
	UINT count;
	RTM_DEST_INFO *buf;
};

static long changed_fn(void *p)
{
	struct changed_call *c = p;

	return RtmGetChangedDests(c->e, c->n, &c->count, c->buf);
}

/*
 * RtmDeregisterFromChangeNotification while RtmGetChangedDests copies its
 * batch out: the batch comes back (held until the entity deregisters:
 * RtmReleaseChangedDests refuses a subscription that is gone, as it does
 * any invalid notify handle), or, when the copy fails, nothing is
 * held and no dest is left marked as queued for a subscription that is
 * gone: the next subscription, which may get the same slot, hears of
 * every dest.
 */
TEST_F(race, subscription_deregistered_during_get)
{
	RTM_ROUTE_HANDLE r[3];
	RTM_NOTIFY_HANDLE n2;
	struct rtm_stats before, after;
	struct changed_call c;
	struct bg_call bg;
	unsigned int i;
	int fail;
	DWORD out;

	REQUIRE_STALL();
	for (fail = 0; fail < 2; fail++) {
		ASSERT_EQ(0, stall_reset(&self->st));
		memset(&c, 0, sizeof(c));
		c.e = self->a.h;
		c.count = 3;
		c.buf = stall_addr(&self->st, 0);
		ASSERT_WIN(NO_ERROR, RtmRegisterForChangeNotification(c.e,
				RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_ALL,
				NULL, &c.n));
		for (i = 0; i < ARRAY_SIZE(r); i++) {
			ASSERT_WIN(NO_ERROR, rt_simple(c.e, net(60 + i), 1, 1,
						       self->nh, &r[i]));
		}
		ASSERT_EQ(0, read_stats(&before));
		ASSERT_EQ(0, bg_start(&bg, changed_fn, &c));
		ASSERT_EQ(0, stall_wait(&self->st, WAIT_MS));
		EXPECT_WIN(NO_ERROR,
			   RtmDeregisterFromChangeNotification(c.e, c.n));
		if (fail) {
			ASSERT_EQ(0, stall_fail(&self->st, 0));
		} else {
			ASSERT_EQ(0, stall_fill(&self->st, 0));
		}
		ASSERT_TRUE(bg_join(&bg, WAIT_MS));
		if (fail) {
			ASSERT_EQ(0, stall_unfail(&self->st, 0));
			EXPECT_WIN(ERROR_INVALID_PARAMETER, (DWORD)bg.result);
			EXPECT_EQ(0U, c.count);
		} else {
			EXPECT_WIN(NO_ERROR, (DWORD)bg.result);
			EXPECT_EQ(3U, c.count);
			EXPECT_WIN(ERROR_INVALID_HANDLE,
				   RtmReleaseChangedDests(c.e, c.n, c.count,
							  c.buf));
		}
		ASSERT_EQ(0, read_stats(&after));
		if (fail) {
			EXPECT_EQ(before.holds, after.holds);
		} else {
			EXPECT_LT(before.holds, after.holds);
		}
		c.count = 3;
		c.buf = stall_stage(&self->st, 0);
		EXPECT_WIN(ERROR_INVALID_HANDLE, (DWORD)changed_fn(&c));

		/* A new subscription hears of each dest that changes. */
		ASSERT_WIN(NO_ERROR, RtmRegisterForChangeNotification(c.e,
				RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_ALL,
				NULL, &n2));
		for (i = 0; i < ARRAY_SIZE(r); i++) {
			ASSERT_WIN(NO_ERROR, RtmDeleteRouteToDest(c.e, r[i],
								  &out));
		}
		c.n = n2;
		c.count = 3;
		EXPECT_WIN(NO_ERROR, (DWORD)changed_fn(&c));
		EXPECT_EQ(3U, c.count);
		EXPECT_WIN(NO_ERROR, RtmReleaseChangedDests(c.e, n2, c.count,
							    c.buf));
		EXPECT_WIN(NO_ERROR,
			   RtmDeregisterFromChangeNotification(c.e, n2));
	}
}

struct mark_race {
	RTM_ENTITY_HANDLE e;
	RTM_DEST_HANDLE d[3];
	RTM_NOTIFY_HANDLE _Atomic n;
	struct meet m;
	unsigned int rounds;
	unsigned int calls, gone;
	DWORD bad;
};

/* Mark, read, ignore, unmark each dest: OK or INVALID_HANDLE, each time. */
static long mark_loop(void *p)
{
	uint64_t seed = 0x9e34dbb97f4c5053ULL;
	struct mark_race *x = p;
	RTM_NOTIFY_HANDLE n;
	unsigned int i, j, k;
	bool dead;
	BOOL b;
	DWORD st;

	for (i = 0; i < x->rounds; i++) {
		if (!meet(&x->m, 2 * i))
			return -ETIMEDOUT;
		jitter(&seed);
		n = atomic_load(&x->n);
		dead = false;
		for (j = 0; j < ARRAY_SIZE(x->d); j++) {
			for (k = 0; k < 5; k++) {
				switch (k) {
				case 0:
					st = RtmMarkDestForChangeNotification(
						x->e, n, x->d[j], TRUE);
					break;
				case 1:
					st = RtmIsMarkedForChangeNotification(
						x->e, n, x->d[j], &b);
					break;
				case 2:
					st = RtmIgnoreChangedDests(x->e, n, 1,
								   &x->d[j]);
					break;
				case 3:
					st = RtmGetChangeStatus(x->e, n,
								x->d[j], &b);
					break;
				default:
					/* Other marked dests stay marked. */
					if (j)
						continue;
					st = RtmMarkDestForChangeNotification(
						x->e, n, x->d[j], FALSE);
					break;
				}
				x->calls++;
				/* Once gone, the subscription stays gone. */
				if (st == ERROR_INVALID_HANDLE)
					dead = true;
				else if ((st != NO_ERROR || dead) && !x->bad)
					x->bad = st == NO_ERROR ? ~0U : st;
			}
		}
		x->gone += dead;
		if (!meet(&x->m, 2 * i + 1))
			return -ETIMEDOUT;
	}
	return 0;
}

/*
 * RtmMarkDestForChangeNotification, RtmIgnoreChangedDests and the reads
 * against RtmDeregisterFromChangeNotification.  A mark made after the
 * subscription went would keep its dest forever: after the rounds, the
 * dests must go with their routes.
 */
TEST_F_TIMEOUT(race, subscription_deregistered_vs_mark, 180)
{
	uint64_t seed = 0x9e3498b97f4ceb46ULL;
	RTM_ROUTE_HANDLE r[3];
	struct mark_race x;
	struct bg_call bg;
	RTM_DEST_INFO di;
	unsigned int i;
	DWORD out;

	REQUIRE_RTM();
	memset(&x, 0, sizeof(x));
	x.e = self->a.h;
	x.rounds = ROUNDS / 2;
	for (i = 0; i < ARRAY_SIZE(r); i++) {
		RTM_NET_ADDRESS p = net(70 + i);

		ASSERT_WIN(NO_ERROR, rt_simple(x.e, p, 1, 1, self->nh, &r[i]));
		ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(x.e, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, &di));
		x.d[i] = di.DestHandle;
		ASSERT_WIN(NO_ERROR, RtmReferenceHandles(x.e, 1, &x.d[i]));
		ASSERT_WIN(NO_ERROR, RtmReleaseDestInfo(x.e, &di));
	}
	ASSERT_EQ(0, bg_start(&bg, mark_loop, &x));
	for (i = 0; i < x.rounds; i++) {
		RTM_NOTIFY_HANDLE n;

		ASSERT_WIN(NO_ERROR, RtmRegisterForChangeNotification(x.e,
				RTM_VIEW_MASK_UCAST,
				RTM_CHANGE_TYPE_ALL |
				RTM_NOTIFY_ONLY_MARKED_DESTS, NULL, &n));
		atomic_store(&x.n, n);
		ASSERT_TRUE(meet(&x.m, 2 * i));
		jitter(&seed);
		EXPECT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(x.e,
									 n));
		ASSERT_TRUE(meet(&x.m, 2 * i + 1));
	}
	ASSERT_TRUE(bg_join(&bg, WAIT_MS));
	EXPECT_EQ(0, bg.result);
	EXPECT_EQ(0U, x.bad) TH_LOG("%s", win32_name(x.bad));
	TH_LOG("%u calls, %u rounds saw the subscription go", x.calls, x.gone);
	for (i = 0; i < ARRAY_SIZE(r); i++) {
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(x.e, r[i], &out));
	}
	/* Only the test's own handles keep the dests now, and no mark. */
	EXPECT_TABLE(INST, FAM, ARRAY_SIZE(r), 0, 1);
	for (i = 0; i < ARRAY_SIZE(r); i++) {
		memset(&di, 0, sizeof(di));
		di.DestHandle = x.d[i];
		EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(x.e, &di));
	}
	EXPECT_TABLE(INST, FAM, 0, 0, 1);
}

/* ------------------------------------------------------------------ */
/* Next hops                                                            */
/* ------------------------------------------------------------------ */

/*
 * A next hop deleted while RtmAddRouteToDest that uses it is between its
 * check of the next hop and the table lock: a route must never be made
 * with a next hop deleted before it, so the add fails as an add with a
 * deleted next hop does (INVALID_PARAMETER; INVALID_HANDLE for one gone
 * altogether) and leaves no route (planned change 7).
 *
 * The window: the next hops are copied (page 1), resolved and checked, and
 * then EntitySpecificInfo is read again (page 0).  While the kernel sleeps
 * on page 1 the test takes page 0 away again, so that the second read
 * sleeps too, inside the window.  A kernel that reads nothing more there
 * has no such window: the test then only checks that the add went through.
 */
TEST_F(race, nexthop_deleted_during_add)
{
	RTM_NEXTHOP_HANDLE nh2;
	struct add_call c;
	struct bg_call bg;
	struct rspec s;
	bool deleted = false, zapped = false;
	int page;
	DWORD out;

	REQUIRE_STALL();
	ASSERT_WIN(NO_ERROR, nh_add(self->a.h, host(FAM, 192, 0, 2, 9), 1,
				    &nh2));
	s = spec(1, nh2);
	s.esi = 0x5eed;
	memset(&c, 0, sizeof(c));
	c.e = self->a.h;
	c.dest = net(80);
	c.ri = ri_across(&self->st, 1, &s);
	ASSERT_NE(NULL, c.ri);
	ASSERT_EQ(0, bg_start(&bg, add_fn, &c));
	while (!bg_done(&bg)) {
		page = stall_wait(&self->st, 500);
		if (page == -ETIMEDOUT)
			continue;
		ASSERT_LE(0, page);
		if (page == 1 && !zapped) {
			/* The head was read; its next read stalls again. */
			ASSERT_EQ(0, stall_zap(&self->st, 0));
			zapped = true;
		} else if (page == 0 && zapped && !deleted) {
			EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, nh2,
							      NULL));
			deleted = true;
		}
		ASSERT_EQ(0, stall_fill(&self->st, page));
	}
	ASSERT_TRUE(bg_join(&bg, WAIT_MS));
	if (!deleted) {
		TH_LOG("no read from user after the next hops were checked");
		EXPECT_WIN(NO_ERROR, (DWORD)bg.result);
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(c.e, c.h, &out));
		EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, nh2, NULL));
		return;
	}
	EXPECT_TRUE(win_either((DWORD)bg.result, ERROR_INVALID_PARAMETER,
			       ERROR_INVALID_HANDLE))
		TH_LOG("the add said %s", win32_name((DWORD)bg.result));
	EXPECT_WIN(ERROR_NOT_FOUND, dest_at(self->a.h, net(80)));
	if (bg.result == NO_ERROR) {
		struct route_buf b;
		RTM_NEXTHOP_INFO ni;

		ASSERT_WIN(NO_ERROR, RtmGetRouteInfo(c.e, c.h, &b.ri, NULL));
		ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(c.e,
				b.ri.NextHopsList.NextHops[0], &ni));
		TH_LOG("route made with a next hop in state %u (DELETED %u)",
		       ni.State, RTM_NEXTHOP_STATE_DELETED);
		EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(c.e, &ni));
		EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(c.e, &b.ri));
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(c.e, c.h, &out));
	}
	EXPECT_TABLE(INST, FAM, 0, 0, 1);
}

struct bulk_call {
	RTM_ENTITY_HANDLE e;
	struct rtm_route_entry *ent;
	RTM_NEXTHOP_HANDLE nh[1];
	size_t done;
};

static long bulk_fn(void *p)
{
	struct bulk_call *c = p;

	return rtm_bulk_add_routes(c->e, c->ent, 1, c->nh, 1, &c->done);
}

/*
 * The bulk add resolves and checks its next hops first, then copies its
 * entries: a next hop deleted in between must not end up in a route.
 */
TEST_F(race, nexthop_deleted_during_bulk_add)
{
	struct rtm_route_entry e;
	struct bulk_call c;
	struct bg_call bg;
	size_t done;

	REQUIRE_STALL();
	memset(&c, 0, sizeof(c));
	c.e = self->a.h;
	ASSERT_WIN(NO_ERROR, nh_add(c.e, host(FAM, 192, 0, 2, 10), 1,
				    &c.nh[0]));
	memset(&e, 0, sizeof(e));
	e.dest = uaddr(net(81));
	e.nexthop_count = 1;
	e.preference = 1;
	e.views = RTM_VIEW_MASK_UCAST;
	memcpy(stall_stage(&self->st, 0), &e, sizeof(e));
	c.ent = stall_addr(&self->st, 0);
	ASSERT_EQ(0, bg_start(&bg, bulk_fn, &c));
	ASSERT_EQ(0, stall_wait(&self->st, WAIT_MS));
	EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(c.e, c.nh[0], NULL));
	ASSERT_EQ(0, stall_fill(&self->st, 0));
	ASSERT_TRUE(bg_join(&bg, WAIT_MS));
	EXPECT_TRUE(win_either((DWORD)bg.result, ERROR_INVALID_PARAMETER,
			       ERROR_INVALID_HANDLE))
		TH_LOG("the bulk add said %s", win32_name((DWORD)bg.result));
	EXPECT_EQ(0U, c.done);
	EXPECT_WIN(ERROR_NOT_FOUND, dest_at(c.e, net(81)));
	if (c.done) {
		EXPECT_WIN(NO_ERROR, rtm_bulk_delete_routes(c.e, &e, 1, &done));
	}
	EXPECT_TABLE(INST, FAM, 0, 0, 1);
}

/* ------------------------------------------------------------------ */
/* Routes                                                               */
/* ------------------------------------------------------------------ */

/*
 * The route to update is resolved before its info is copied; deleted in
 * between, the update fails as one of a deleted route does
 * (INVALID_HANDLE) and brings nothing back.
 */
TEST_F(race, route_deleted_during_update)
{
	struct add_call c;
	struct bg_call bg;
	struct rspec s;
	DWORD out;

	REQUIRE_STALL();
	memset(&c, 0, sizeof(c));
	c.e = self->a.h;
	c.dest = net(90);
	ASSERT_WIN(NO_ERROR, rt_simple(c.e, c.dest, 1, 1, self->nh, &c.h));
	s = spec(5, self->nh);
	c.ri = ri_across(&self->st, 1, &s);
	ASSERT_NE(NULL, c.ri);
	ASSERT_EQ(0, bg_start(&bg, add_fn, &c));
	ASSERT_EQ(1, stall_wait(&self->st, WAIT_MS));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(c.e, c.h, &out));
	ASSERT_EQ(0, stall_fill(&self->st, 1));
	ASSERT_TRUE(bg_join(&bg, WAIT_MS));
	EXPECT_WIN(ERROR_INVALID_HANDLE, (DWORD)bg.result);
	EXPECT_WIN(ERROR_NOT_FOUND, dest_at(c.e, c.dest));
	EXPECT_TABLE(INST, FAM, 0, 0, 1);
}

struct info_call {
	RTM_ENTITY_HANDLE e;
	RTM_ROUTE_HANDLE r;
	RTM_ROUTE_INFO *ri;
	RTM_NET_ADDRESS *dest;
};

static long info_fn(void *p)
{
	struct info_call *c = p;

	return RtmGetRouteInfo(c->e, c->r, c->ri, c->dest);
}

/*
 * RtmGetRouteInfo resolves the route, writes the dest's address, then
 * reads the route: deleted in between, the info reads the route as
 * deleted (or, read before, as it was), its handles are held and its dest
 * survives with no route; the route handle is dead once nothing holds it.
 * Failed at the copy of the info, nothing stays held.
 */
TEST_F(race, route_deleted_during_get_info)
{
	struct rtm_stats before, after;
	RTM_DEST_INFO *di = di_alloc(1);
	RTM_NET_ADDRESS want;
	struct route_buf b;
	struct info_call c;
	struct bg_call bg;
	int fail;
	DWORD out;

	REQUIRE_STALL();
	ASSERT_NE(NULL, di);
	for (fail = 0; fail < 2; fail++) {
		ASSERT_EQ(0, stall_reset(&self->st));
		memset(&c, 0, sizeof(c));
		c.e = self->a.h;
		ASSERT_WIN(NO_ERROR, rt_simple(c.e, net(91), 1, 1, self->nh,
					       &c.r));
		if (fail) {
			/* The address goes out; the info's copy fails. */
			c.dest = (RTM_NET_ADDRESS *)stall_stage(&self->st, 0);
			c.ri = stall_addr(&self->st, 0);
		} else {
			c.dest = stall_addr(&self->st, 0);
			c.ri = &b.ri;
		}
		ASSERT_EQ(0, read_stats(&before));
		ASSERT_EQ(0, bg_start(&bg, info_fn, &c));
		ASSERT_EQ(0, stall_wait(&self->st, WAIT_MS));
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(c.e, c.r, &out));
		if (fail) {
			ASSERT_EQ(0, stall_fail(&self->st, 0));
		} else {
			ASSERT_EQ(0, stall_fill(&self->st, 0));
		}
		ASSERT_TRUE(bg_join(&bg, WAIT_MS));
		ASSERT_EQ(0, read_stats(&after));
		if (fail) {
			ASSERT_EQ(0, stall_unfail(&self->st, 0));
			EXPECT_WIN(ERROR_INVALID_PARAMETER, (DWORD)bg.result);
			/* Only the route's handle went, with the delete. */
			EXPECT_EQ(before.holds - 1, after.holds);
		} else {
			ASSERT_WIN(NO_ERROR, (DWORD)bg.result);
			want = masked(net(91));
			EXPECT_TRUE(same_addr(&want, c.dest));
			EXPECT_TRUE(b.ri.State == RTM_ROUTE_STATE_DELETED ||
				    b.ri.State == RTM_ROUTE_STATE_CREATED)
				TH_LOG("state %u", b.ri.State);
			ASSERT_WIN(NO_ERROR, RtmGetDestInfo(c.e,
					b.ri.DestHandle, RTM_BEST_PROTOCOL,
					RTM_VIEW_MASK_UCAST, di));
			EXPECT_EQ(0U, di->BelongsToViews);
			EXPECT_EQ(0U, di->ViewInfo[0].NumRoutes);
			EXPECT_EQ(NULL, di->ViewInfo[0].Route);
			EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(c.e, di));
			EXPECT_WIN(NO_ERROR, RtmReleaseRouteInfo(c.e, &b.ri));
		}
		/* Nothing holds the route any more. */
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmGetRouteInfo(c.e, c.r, &b.ri, NULL));
		EXPECT_TABLE(INST, FAM, 0, 0, 1);
	}
	free(di);
}

struct lock_race {
	RTM_ENTITY_HANDLE e;
	RTM_ROUTE_HANDLE _Atomic r;
	struct meet m;
	unsigned int rounds;
	unsigned int deleted_seen;
	DWORD bad;
};

static long lock_loop(void *p)
{
	uint64_t seed = 0x9e325bb97f42c4d3ULL;
	struct lock_race *x = p;
	PRTM_ROUTE_INFO ri;
	RTM_ROUTE_HANDLE r;
	unsigned int i;
	DWORD st;

	for (i = 0; i < x->rounds; i++) {
		if (!meet(&x->m, 2 * i))
			return -ETIMEDOUT;
		jitter(&seed);
		r = atomic_load(&x->r);
		/* Held by the thread: the lock works, deleted or not. */
		st = RtmLockRoute(x->e, r, TRUE, TRUE, &ri);
		if (st == NO_ERROR) {
			if (ri->State == RTM_ROUTE_STATE_DELETED)
				x->deleted_seen++;
			else if (ri->State != RTM_ROUTE_STATE_CREATED &&
				 !x->bad)
				x->bad = ~0U;
			st = RtmLockRoute(x->e, r, TRUE, FALSE, NULL);
		}
		if (st != NO_ERROR && !x->bad)
			x->bad = st;
		if (!meet(&x->m, 2 * i + 1))
			return -ETIMEDOUT;
	}
	return 0;
}

/*
 * RtmLockRoute (exclusive, with its route pointer) and its unlock against
 * RtmDeleteRouteToDest of the same route, which another reference keeps:
 * lock and unlock both work, the pointer reads CREATED or DELETED, and no
 * lock is left behind to keep the dest.
 */
TEST_F_TIMEOUT(race, route_deleted_vs_lock, 120)
{
	uint64_t seed = 0x9e323eb97f428bb0ULL;
	struct lock_race x;
	struct bg_call bg;
	unsigned int i;
	DWORD out;

	REQUIRE_RTM();
	memset(&x, 0, sizeof(x));
	x.e = self->a.h;
	x.rounds = ROUNDS / 2;
	ASSERT_EQ(0, bg_start(&bg, lock_loop, &x));
	for (i = 0; i < x.rounds; i++) {
		RTM_ROUTE_HANDLE r;

		ASSERT_WIN(NO_ERROR, rt_simple(x.e, net(100), 1, 1, self->nh,
					       &r));
		ASSERT_WIN(NO_ERROR, RtmReferenceHandles(x.e, 1, &r));
		atomic_store(&x.r, r);
		ASSERT_TRUE(meet(&x.m, 2 * i));
		jitter(&seed);
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(x.e, r, &out));
		ASSERT_TRUE(meet(&x.m, 2 * i + 1));
		EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(x.e, 1, &r));
		/* A lock left on the dest would keep it. */
		ASSERT_WIN(ERROR_NOT_FOUND, dest_at(x.e, net(100)));
	}
	ASSERT_TRUE(bg_join(&bg, WAIT_MS));
	EXPECT_EQ(0, bg.result);
	EXPECT_EQ(0U, x.bad) TH_LOG("%s", win32_name(x.bad));
	TH_LOG("%u of %u locks saw the route deleted", x.deleted_seen,
	       x.rounds);
	EXPECT_TABLE(INST, FAM, 0, 0, 1);
}

/* ------------------------------------------------------------------ */
/* Dests                                                                */
/* ------------------------------------------------------------------ */

struct dest_race {
	RTM_ENTITY_HANDLE e;
	RTM_DEST_HANDLE d;
	struct meet m;
	unsigned int rounds;
	unsigned int with_route, without, held;
	DWORD bad;
	char why[96];
};

static void dest_race_bad(struct dest_race *x, DWORD st, const char *why)
{
	if (x->bad)
		return;
	x->bad = st ? st : ~0U;
	snprintf(x->why, sizeof(x->why), "%s", why);
}

/*
 * RtmGetDestInfo of a dest the thread holds, then RtmHoldDestination:
 * both work whatever happens to the dest's route, and what the info says
 * agrees with itself.
 */
static long dest_loop(void *p)
{
	uint64_t seed = 0x9e32fcb97f431ceaULL;
	struct dest_race *x = p;
	RTM_DEST_INFO *di = di_alloc(1);
	typeof(&di->ViewInfo[0]) v = di ? &di->ViewInfo[0] : NULL;
	unsigned int i;
	DWORD st;

	if (!di)
		return -ENOMEM;
	for (i = 0; i < x->rounds; i++) {
		if (!meet(&x->m, 2 * i))
			return -ETIMEDOUT;
		jitter(&seed);
		st = RtmGetDestInfo(x->e, x->d, RTM_BEST_PROTOCOL,
				    RTM_VIEW_MASK_UCAST, di);
		if (st != NO_ERROR) {
			dest_race_bad(x, st, "RtmGetDestInfo");
		} else {
			if (v->NumRoutes > 1 || !v->NumRoutes != !v->Route ||
			    !v->NumRoutes != !(di->BelongsToViews &
					       RTM_VIEW_MASK_UCAST)) {
				char why[96];

				snprintf(why, sizeof(why),
					 "NumRoutes %u, Route %p, views %#x",
					 v->NumRoutes, v->Route,
					 di->BelongsToViews);
				dest_race_bad(x, 0, why);
			}
			if (v->Route)
				x->with_route++;
			else
				x->without++;
			if (v->HoldRoute)
				x->held++;
			st = RtmReleaseDestInfo(x->e, di);
			if (st != NO_ERROR)
				dest_race_bad(x, st, "RtmReleaseDestInfo");
		}
		st = RtmHoldDestination(x->e, x->d, RTM_VIEW_MASK_UCAST, 5);
		if (st != NO_ERROR)
			dest_race_bad(x, st, "RtmHoldDestination");
		if (!meet(&x->m, 2 * i + 1))
			return -ETIMEDOUT;
	}
	free(di);
	return 0;
}

/*
 * The last route of a dest deleted (and added again) against
 * RtmGetDestInfo and RtmHoldDestination on the dest's handle: the dest
 * lives as long as its handle is held, with or without routes, and ends
 * once released after the last hold-down.
 */
TEST_F_TIMEOUT(race, last_route_deleted_vs_dest_info, 180)
{
	uint64_t seed = 0x9e32c4b97f43bc32ULL;
	RTM_NET_ADDRESS p = net(110);
	struct dest_race x;
	RTM_ROUTE_HANDLE r;
	struct bg_call bg;
	RTM_DEST_INFO di;
	unsigned int i;
	DWORD out;

	REQUIRE_RTM();
	memset(&x, 0, sizeof(x));
	x.e = self->a.h;
	x.rounds = ROUNDS / 2;
	ASSERT_WIN(NO_ERROR, rt_simple(x.e, p, 1, 1, self->nh, &r));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(x.e, &p,
			RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, &di));
	x.d = di.DestHandle;
	ASSERT_WIN(NO_ERROR, RtmReferenceHandles(x.e, 1, &x.d));
	ASSERT_WIN(NO_ERROR, RtmReleaseDestInfo(x.e, &di));
	ASSERT_EQ(0, bg_start(&bg, dest_loop, &x));
	for (i = 0; i < x.rounds; i++) {
		ASSERT_TRUE(meet(&x.m, 2 * i));
		jitter(&seed);
		if (r) {
			EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(x.e, r,
								  &out));
			r = NULL;
		} else {
			EXPECT_WIN(NO_ERROR, rt_simple(x.e, p, 1, 1, self->nh,
						       &r));
		}
		ASSERT_TRUE(meet(&x.m, 2 * i + 1));
	}
	ASSERT_TRUE(bg_join(&bg, WAIT_MS));
	EXPECT_EQ(0, bg.result);
	EXPECT_EQ(0U, x.bad) TH_LOG("%s: %s", x.why, win32_name(x.bad));
	TH_LOG("%u infos with a route, %u without, %u with a hold-down",
	       x.with_route, x.without, x.held);
	if (r) {
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(x.e, r, &out));
	}
	memset(&di, 0, sizeof(di));
	di.DestHandle = x.d;
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(x.e, &di));
	/* The last hold-down (5 ms) ends, and the dest with it. */
	EXPECT_TRUE(table_settle(0, 0, 1));
}

/* ------------------------------------------------------------------ */
/* A registration's end against its own calls                          */
/* ------------------------------------------------------------------ */

/*
 * A namespace of its own and nothing else: the tests make their own
 * registrations, and the namespace's counters end at zero.
 */
FIXTURE(alone) {
	struct stall st;	/* only to know whether stalls work */
	bool up;
};

FIXTURE_SETUP(alone)
{
	memset(self, 0, sizeof(*self));
	self->st.uffd = -1;
	if (!rtm_present() || cap_effective(CAP_NET_ADMIN) != 1)
		return;
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	stall_open(&self->st, 1);
	self->up = true;
}

FIXTURE_TEARDOWN(alone)
{
	struct rtm_stats zero = { 0 };

	stall_close(&self->st);
	if (!self->up)
		return;
	EXPECT_STATS(&zero);
	EXPECT_TABLE_EMPTY(INST, FAM);
}

/*
 * A registration on a file of its own, driven by raw ioctls (the library
 * would wait for its calls before ending a registration, and hides the
 * file), with one of everything a call can name.
 */
struct rawreg {
	int fd;
	uint64_t self;
	uint64_t nh, nh2;	/* next hops (held); nh2 is in no route */
	uint64_t route;		/* 10.7.1.0/24 via nh (held), in @list */
	uint64_t dest;		/* its dest (held) */
	uint64_t list;
	uint64_t notify;	/* all changes, unicast: the route is queued */
	uint64_t en;		/* a dest enumeration */
	int cfd;		/* a callee with one method, or -1 */
	uint64_t callee;
};

static void nh_key(struct rtm_nexthop_info *i, uint8_t last)
{
	memset(i, 0, sizeof(*i));
	i->address = uaddr(host(FAM, 192, 0, 2, last));
	i->interface_index = 1;
}

static int raw_nexthop(int fd, uint8_t last, uint64_t *h)
{
	struct rtm_nexthop_info i;
	struct rtm_add_nexthop a;
	int err;

	nh_key(&i, last);
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.flags = RTM_WANT_HANDLE;
	a.info = (uintptr_t)&i;
	err = rtm_ioctl(fd, RTM_IOC_ADD_NEXTHOP, &a);
	*h = a.handle;
	return err;
}

/* A route to 10.7.@i.0/24 via @nh; *@h gets a held handle. */
static int raw_route(int fd, unsigned int i, uint64_t nh, uint64_t *h)
{
	struct rspec s = spec(1, mkhandle(nh));
	struct rtm_add_route a;
	struct route_buf b;
	int err;

	rspec_fill(&s, &b);
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.flags = RTM_WANT_HANDLE;
	a.dest = uaddr(net(i));
	a.time_to_live = INFINITE;
	a.info = (uintptr_t)&b.ri;
	err = rtm_ioctl(fd, RTM_IOC_ADD_ROUTE, &a);
	*h = a.handle;
	return err;
}

/* An RTM_IOC_* taking a struct rtm_object: the handle in, or out. */
static int raw_object(int fd, unsigned long cmd, uint64_t *h)
{
	struct rtm_object o = { .size = sizeof(o), .handle = *h };
	int err;

	err = rtm_ioctl(fd, cmd, &o);
	*h = o.handle;
	return err;
}

static int raw_notify(int fd, uint32_t flags, uint64_t *h)
{
	struct rtm_notify_register n;
	int err;

	memset(&n, 0, sizeof(n));
	n.size = sizeof(n);
	n.flags = flags;
	n.views = RTM_VIEW_MASK_UCAST;
	err = rtm_ioctl(fd, RTM_IOC_NOTIFY_REGISTER, &n);
	*h = n.handle;
	return err;
}

static int raw_enum(int fd, uint32_t type, uint64_t *h)
{
	struct rtm_enum_create c;
	int err;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.type = type;
	c.views = type == RTM_ENUM_NEXTHOPS ? 0 : RTM_VIEW_MASK_UCAST;
	err = rtm_ioctl(fd, RTM_IOC_ENUM_CREATE, &c);
	*h = c.handle;
	return err;
}

static void raw_close(struct rawreg *r)
{
	if (r->fd >= 0)
		close(r->fd);
	if (r->cfd >= 0)
		close(r->cfd);
	r->fd = r->cfd = -1;
}

/* Register and make one of everything; 0 or -errno. */
static int raw_setup(struct rawreg *r, bool callee)
{
	struct rtm_list_insert li;
	struct rtm_get_dest g;
	struct rtm_dest_info di;
	int err;

	memset(r, 0, sizeof(*r));
	r->cfd = -1;
	r->fd = rtm_open();
	if (r->fd < 0)
		return r->fd;
	err = raw_register(r->fd, INST, FAM, PROTO_A, 2, 0, &r->self);
	err = err ?: raw_nexthop(r->fd, 1, &r->nh);
	err = err ?: raw_nexthop(r->fd, 2, &r->nh2);
	err = err ?: raw_notify(r->fd, RTM_CHANGE_TYPE_ALL, &r->notify);
	err = err ?: raw_route(r->fd, 1, r->nh, &r->route);
	if (err)
		goto fail;

	/* The dest alone, without view records (their handles). */
	memset(&g, 0, sizeof(g));
	g.size = sizeof(g);
	g.match = RTM_DEST_EXACT;
	g.address = uaddr(net(1));
	g.info = (uintptr_t)&di;
	err = rtm_ioctl(r->fd, RTM_IOC_GET_DEST, &g);
	r->dest = di.handle;
	err = err ?: raw_object(r->fd, RTM_IOC_LIST_CREATE, &r->list);
	if (err)
		goto fail;
	memset(&li, 0, sizeof(li));
	li.size = sizeof(li);
	li.count = 1;
	li.list = r->list;
	li.routes = (uintptr_t)&r->route;
	err = rtm_ioctl(r->fd, RTM_IOC_LIST_INSERT, &li);
	err = err ?: raw_enum(r->fd, RTM_ENUM_DESTS, &r->en);
	if (err || !callee)
		goto out;
	r->cfd = rtm_open();
	if (r->cfd < 0) {
		err = r->cfd;
		goto fail;
	}
	err = raw_register_methods(r->cfd, INST, FAM, PROTO_B, 3,
				   RTM_REGISTER_EVENTS, 1, &r->callee);
out:
	if (!err)
		return 0;
fail:
	raw_close(r);
	return err;
}

/*
 * The calls, each with the argument the kernel copies after taking the
 * caller's entity on page 0 of @st (page 1 for a route info, whose head is
 * on page 0).  What the kernel reads is staged first.
 */
static int c_add_nexthop(struct rawreg *r, struct stall *st)
{
	struct rtm_add_nexthop a = { .size = sizeof(a),
				     .flags = RTM_WANT_HANDLE };

	nh_key(stall_stage(st, 0), 77);
	a.info = (uintptr_t)stall_addr(st, 0);
	return rtm_ioctl(r->fd, RTM_IOC_ADD_NEXTHOP, &a);
}

static int c_nexthop_key(struct rawreg *r, struct stall *st,
			 unsigned long cmd, uint8_t last)
{
	struct rtm_nexthop_key k = { .size = sizeof(k) };

	nh_key(stall_stage(st, 0), last);
	k.info = (uintptr_t)stall_addr(st, 0);
	return rtm_ioctl(r->fd, cmd, &k);
}

static int c_find_nexthop(struct rawreg *r, struct stall *st)
{
	return c_nexthop_key(r, st, RTM_IOC_FIND_NEXTHOP, 1);
}

static int c_delete_nexthop(struct rawreg *r, struct stall *st)
{
	return c_nexthop_key(r, st, RTM_IOC_DELETE_NEXTHOP, 2);
}

static int c_nexthop_info(struct rawreg *r, struct stall *st)
{
	struct rtm_get_nexthop_info g = { .size = sizeof(g),
					  .handle = r->nh };

	g.info = (uintptr_t)stall_addr(st, 0);
	return rtm_ioctl(r->fd, RTM_IOC_GET_NEXTHOP_INFO, &g);
}

static int c_route_add(struct rawreg *r, struct stall *st, uint64_t update)
{
	struct rspec s = spec(3, mkhandle(r->nh));
	struct rtm_add_route a;
	RTM_ROUTE_INFO *ri;

	ri = ri_across(st, 1, &s);
	if (!ri)
		return -EIO;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.handle = update;
	a.dest = uaddr(net(9));
	a.time_to_live = INFINITE;
	a.info = (uintptr_t)ri;
	return rtm_ioctl(r->fd, RTM_IOC_ADD_ROUTE, &a);
}

static int c_add_route(struct rawreg *r, struct stall *st)
{
	return c_route_add(r, st, 0);
}

static int c_update_route(struct rawreg *r, struct stall *st)
{
	return c_route_add(r, st, r->route);
}

static int c_route_info(struct rawreg *r, struct stall *st)
{
	struct rtm_get_route_info g = { .size = sizeof(g),
					.handle = r->route,
					.max_nexthops = MAX_TEST_HOPS };
	struct route_buf b;

	g.info = (uintptr_t)&b.ri;
	g.dest = (uintptr_t)stall_addr(st, 0);
	return rtm_ioctl(r->fd, RTM_IOC_GET_ROUTE_INFO, &g);
}

static int c_get_dest(struct rawreg *r, struct stall *st)
{
	struct rtm_get_dest g = { .size = sizeof(g), .match = RTM_DEST_EXACT,
				  .views = RTM_VIEW_MASK_UCAST };

	g.address = uaddr(net(1));
	g.info = (uintptr_t)stall_addr(st, 0);
	return rtm_ioctl(r->fd, RTM_IOC_GET_DEST, &g);
}

static int c_exact_route(struct rawreg *r, struct stall *st)
{
	struct rtm_get_exact_route g = { .size = sizeof(g),
					 .views = RTM_VIEW_MASK_UCAST,
					 .max_nexthops = MAX_TEST_HOPS };

	g.address = uaddr(net(1));
	g.info = (uintptr_t)stall_addr(st, 0);
	return rtm_ioctl(r->fd, RTM_IOC_GET_EXACT_ROUTE, &g);
}

static int c_enum_create(struct rawreg *r, struct stall *st)
{
	struct rtm_enum_create c = { .size = sizeof(c),
				     .type = RTM_ENUM_ROUTES,
				     .views = RTM_VIEW_MASK_UCAST };

	c.criteria = (uintptr_t)stall_addr(st, 0);
	return rtm_ioctl(r->fd, RTM_IOC_ENUM_CREATE, &c);
}

static int c_enum_get(struct rawreg *r, struct stall *st)
{
	struct rtm_enum_get g = { .size = sizeof(g), .type = RTM_ENUM_DESTS,
				  .handle = r->en, .count = 1 };

	g.buf = (uintptr_t)stall_addr(st, 0);
	return rtm_ioctl(r->fd, RTM_IOC_ENUM_GET, &g);
}

static int c_list_insert(struct rawreg *r, struct stall *st)
{
	struct rtm_list_insert li = { .size = sizeof(li), .count = 1,
				      .list = r->list };

	memcpy(stall_stage(st, 0), &r->route, sizeof(r->route));
	li.routes = (uintptr_t)stall_addr(st, 0);
	return rtm_ioctl(r->fd, RTM_IOC_LIST_INSERT, &li);
}

static int c_notify_get(struct rawreg *r, struct stall *st)
{
	struct rtm_notify_get g = { .size = sizeof(g), .handle = r->notify,
				    .count = 1 };

	g.buf = (uintptr_t)stall_addr(st, 0);
	return rtm_ioctl(r->fd, RTM_IOC_NOTIFY_GET, &g);
}

static int c_handles(struct rawreg *r, struct stall *st, unsigned long cmd,
		     uint32_t kinds, uint64_t h)
{
	struct rtm_handles a = { .size = sizeof(a), .kinds = kinds,
				 .count = 1 };

	memcpy(stall_stage(st, 0), &h, sizeof(h));
	a.handles = (uintptr_t)stall_addr(st, 0);
	return rtm_ioctl(r->fd, cmd, &a);
}

static int c_reference(struct rawreg *r, struct stall *st)
{
	return c_handles(r, st, RTM_IOC_REFERENCE, RTM_KIND_ROUTE, r->route);
}

static int c_release(struct rawreg *r, struct stall *st)
{
	return c_handles(r, st, RTM_IOC_RELEASE, RTM_KIND_NEXTHOP, r->nh2);
}

/* RTM_HANDLES_QUERY: which handles the caller holds, answered in place. */
static int c_query(struct rawreg *r, struct stall *st)
{
	struct rtm_handles a = { .size = sizeof(a), .kinds = RTM_KIND_NEXTHOP,
				 .flags = RTM_HANDLES_QUERY, .count = 1 };

	memcpy(stall_stage(st, 0), &r->nh2, sizeof(r->nh2));
	a.handles = (uintptr_t)stall_addr(st, 0);
	return rtm_ioctl(r->fd, RTM_IOC_REFERENCE, &a);
}

static int c_get_entities(struct rawreg *r, struct stall *st)
{
	struct rtm_get_entities g = { .size = sizeof(g), .count = 4 };

	g.handles = (uintptr_t)stall_addr(st, 0);
	return rtm_ioctl(r->fd, RTM_IOC_GET_ENTITIES, &g);
}

static int c_bulk(struct rawreg *r, struct stall *st, bool add)
{
	struct rtm_bulk_routes b = { .size = sizeof(b), .count = 1 };
	struct rtm_route_entry *e = stall_stage(st, 0);

	e->dest = uaddr(net(add ? 12 : 1));
	e->views = RTM_VIEW_MASK_UCAST;
	e->preference = 1;
	if (add) {
		e->nexthop_count = 1;
		b.nexthops = (uintptr_t)&r->nh;
		b.nexthop_count = 1;
	}
	b.entries = (uintptr_t)stall_addr(st, 0);
	return rtm_ioctl(r->fd,
			 add ? RTM_IOC_ADD_ROUTES : RTM_IOC_DELETE_ROUTES, &b);
}

static int c_bulk_add(struct rawreg *r, struct stall *st)
{
	return c_bulk(r, st, true);
}

static int c_bulk_delete(struct rawreg *r, struct stall *st)
{
	return c_bulk(r, st, false);
}

static int c_lookup(struct rawreg *r, struct stall *st)
{
	struct rtm_lookup l = { .size = sizeof(l), .count = 1 };
	struct rtm_lookup_result res;
	RTM_NET_ADDRESS a = host(FAM, 10, 7, 1, 5);

	memcpy(stall_stage(st, 0), &a, sizeof(a));
	l.addresses = (uintptr_t)stall_addr(st, 0);
	l.results = (uintptr_t)&res;
	return rtm_ioctl(r->fd, RTM_IOC_LOOKUP, &l);
}

static int c_dump(struct rawreg *r, struct stall *st)
{
	struct rtm_dump d = { .size = sizeof(d), .count = 4 };

	d.entries = (uintptr_t)stall_addr(st, 0);
	return rtm_ioctl(r->fd, RTM_IOC_DUMP, &d);
}

static int c_invoke(struct rawreg *r, struct stall *st)
{
	struct rtm_method_invoke v = { .size = sizeof(v), .method_type = 1,
				       .input_size = 8 };
	unsigned char out[64];

	memcpy(stall_stage(st, 0), "argument", 8);
	v.handle = r->callee;
	v.input = (uintptr_t)stall_addr(st, 0);
	v.output = (uintptr_t)out;
	v.output_size = sizeof(out);
	return rtm_ioctl(r->fd, RTM_IOC_METHOD_INVOKE, &v);
}

struct call_case {
	const char *name;
	int (*call)(struct rawreg *r, struct stall *st);
	int page;		/* where the kernel stalls first */
	bool callee;		/* calls a callee, which never answers */
};

static const struct call_case cases[] = {
	{ "RtmAddNextHop", c_add_nexthop, 0, false },
	{ "RtmFindNextHop", c_find_nexthop, 0, false },
	{ "RtmDeleteNextHop by key", c_delete_nexthop, 0, false },
	{ "RtmGetNextHopInfo", c_nexthop_info, 0, false },
	{ "RtmAddRouteToDest", c_add_route, 1, false },
	{ "RtmAddRouteToDest update", c_update_route, 1, false },
	{ "RtmGetRouteInfo", c_route_info, 0, false },
	{ "RtmGetExactMatchDestination", c_get_dest, 0, false },
	{ "RtmGetExactMatchRoute", c_exact_route, 0, false },
	{ "RtmCreateRouteEnum with criteria", c_enum_create, 0, false },
	{ "RtmGetEnumDests", c_enum_get, 0, false },
	{ "RtmInsertInRouteList", c_list_insert, 0, false },
	{ "RtmGetChangedDests", c_notify_get, 0, false },
	{ "RtmReferenceHandles", c_reference, 0, false },
	{ "RtmReleaseNextHops", c_release, 0, false },
	{ "RTM_HANDLES_QUERY", c_query, 0, false },
	{ "RtmGetRegisteredEntities", c_get_entities, 0, false },
	{ "rtm_bulk_add_routes", c_bulk_add, 0, false },
	{ "rtm_bulk_delete_routes", c_bulk_delete, 0, false },
	{ "rtm_bulk_lookup", c_lookup, 0, false },
	{ "rtm_bulk_dump", c_dump, 0, false },
	{ "RtmInvokeMethod", c_invoke, 0, true },
};

struct case_run {
	const struct call_case *c;
	struct rawreg *r;
	struct stall *st;
};

static long case_fn(void *p)
{
	struct case_run *x = p;

	return x->c->call(x->r, x->st);
}

enum ending { END_DEREGISTER, END_CLOSE };

/*
 * One call of @c stalled inside its window while its own registration
 * ends (@how); 0 when everything checked out, else a line saying what not.
 */
static int run_case(const struct call_case *c, enum ending how, char *why,
		    size_t len)
{
	struct rtm_deregister d = { .size = sizeof(d) };
	struct rtm_stats zero = { 0 }, now;
	struct table_stats tc;
	struct {
		struct case_run x;
		struct rawreg r;
		struct stall st;
		struct bg_call bg;
	} *k;
	bool stuck = false;
	int err, page;

	why[0] = 0;
	/* On the heap: a call that never returns keeps it (leaked). */
	k = calloc(1, sizeof(*k));
	if (!k)
		return snprintf(why, len, "no memory");
	err = stall_open(&k->st, STALL_PAGES);
	if (err) {
		snprintf(why, len, "stall_open: %s", strerror(-err));
		goto out_free;
	}
	err = raw_setup(&k->r, c->callee);
	if (err) {
		snprintf(why, len, "setup: %s", strerror(-err));
		goto out_stall;
	}
	k->x.c = c;
	k->x.r = &k->r;
	k->x.st = &k->st;
	err = bg_start(&k->bg, case_fn, &k->x);
	if (err)
		goto out;
	page = stall_wait(&k->st, WAIT_MS);
	if (page != c->page) {
		snprintf(why, len, "stalled on %d, not page %d", page, c->page);
		err = -EPROTO;
		stall_close(&k->st);
		stuck = !bg_join(&k->bg, WAIT_MS);
		goto out;
	}
	if (how == END_DEREGISTER) {
		err = rtm_ioctl(k->r.fd, RTM_IOC_DEREGISTER, &d);
		if (err)
			snprintf(why, len, "deregistration: %s",
				 strerror(-err));
	} else {
		close(k->r.fd);
		k->r.fd = -1;
	}
	if (stall_fill(&k->st, c->page) || !bg_join(&k->bg, WAIT_MS)) {
		err = -ETIMEDOUT;
		snprintf(why, len, "the call did not return");
		stall_close(&k->st);
		stuck = !bg_join(&k->bg, WAIT_MS);
		goto out;
	}
	if (err)
		goto out;

	if (how == END_CLOSE) {
		/* The call had the file: it went on as if nothing happened. */
		if (k->bg.result) {
			snprintf(why, len, "returned %s after a close",
				 strerror(-k->bg.result));
			err = -EPROTO;
		}
	} else if (k->bg.result && k->bg.result != -EBADF) {
		/* Before the deregistration it works, after it EBADF. */
		snprintf(why, len, "returned %s after a deregistration",
			 strerror(-k->bg.result));
		err = -EPROTO;
	} else if (read_stats(&now) || now.holds ||
		   now.entities != (c->callee ? 1 : 0)) {
		snprintf(why, len,
			 "deregistered (call: %s) yet %ld entities, %ld holds",
			 strerror(-k->bg.result), now.entities, now.holds);
		err = -EPROTO;
	}
out:
	raw_close(&k->r);
	if (!err && !stats_settle(&zero, &now, WAIT_MS)) {
		snprintf(why, len, "left %ld entities %ld handles %ld holds",
			 now.entities, now.handles, now.holds);
		err = -EPROTO;
	}
	if (!err && (read_table(INST, FAM, &tc) == 0) &&
	    (tc.dests || tc.routes || tc.nexthops)) {
		snprintf(why, len, "left %ld dests %ld routes %ld next hops",
			 tc.dests, tc.routes, tc.nexthops);
		err = -EPROTO;
	}
out_stall:
	stall_close(&k->st);
out_free:
	if (!stuck)
		free(k);
	if (err) {
		char line[160];

		snprintf(line, sizeof(line), "%s: %s", c->name, why);
		snprintf(why, len, "%s", line);
	}
	return err;
}

/*
 * RtmDeregisterEntity while a call of the same registration sleeps in
 * its copy from or to user: the call either completes as it would have
 * before (NO_ERROR) or fails as it does after (INVALID_HANDLE), and once
 * it returns the registration holds nothing and owns nothing.
 */
TEST_F_TIMEOUT(alone, deregistered_during_calls, 120)
{
	char why[160];
	unsigned int i;

	REQUIRE_STALL();
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(0, run_case(&cases[i], END_DEREGISTER, why,
				      sizeof(why)))
			TH_LOG("%s", why);
	}
}

/*
 * The file closed by another thread while a call sleeps in it: the call
 * holds the file, so it completes as usual; the registration ends when
 * the call is done with it.
 */
TEST_F_TIMEOUT(alone, closed_during_calls, 120)
{
	char why[160];
	unsigned int i;

	REQUIRE_STALL();
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		/* A call that waits for its callee never returns here. */
		if (cases[i].callee)
			continue;
		EXPECT_EQ(0, run_case(&cases[i], END_CLOSE, why, sizeof(why)))
			TH_LOG("%s", why);
	}
}

enum { T_STALLED = 1, T_READY };

/* A peer that makes call cases[*arg] and stalls in it until killed. */
static int peer_stalled_call(int rd, int wr, void *arg)
{
	const struct call_case *c = &cases[*(unsigned int *)arg];
	struct case_run x;
	struct rawreg r;
	struct stall st;
	struct bg_call bg;
	struct msg m;

	PEER_CHECK(stall_open(&st, STALL_PAGES) == 0);
	PEER_CHECK(raw_setup(&r, c->callee) == 0);
	x.c = c;
	x.r = &r;
	x.st = &st;
	PEER_CHECK(bg_start(&bg, case_fn, &x) == 0);
	PEER_CHECK(stall_wait(&st, WAIT_MS) == c->page);
	PEER_CHECK(msg_send(wr, T_STALLED, 0, 0) == 0);
	msg_recv(rd, &m, WAIT_MS);	/* killed before that */
	return 1;
}

/*
 * The process killed (SIGKILL) while one of its threads sleeps inside a
 * call: everything it had goes.
 */
TEST_F_TIMEOUT(alone, killed_during_calls, 120)
{
	struct rtm_stats zero = { 0 }, now;
	struct table_stats tc;
	struct peer p;
	struct msg m;
	unsigned int i;
	int status;

	REQUIRE_STALL();
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, peer_start(&p, peer_stalled_call, &i));
		ASSERT_EQ(0, msg_expect(p.rd, T_STALLED, &m))
			TH_LOG("%s", cases[i].name);
		kill(p.pid, SIGKILL);
		status = peer_wait(&p, WAIT_MS);
		EXPECT_EQ(128 + SIGKILL, status) TH_LOG("%s", cases[i].name);
		EXPECT_TRUE(stats_settle(&zero, &now, WAIT_MS))
			TH_LOG("%s: left %ld entities %ld handles %ld holds",
			       cases[i].name, now.entities, now.handles,
			       now.holds);
		EXPECT_TRUE(read_table(INST, FAM, &tc) != 0 ||
			    (!tc.dests && !tc.routes && !tc.nexthops))
			TH_LOG("%s: left %ld dests %ld routes %ld next hops",
			       cases[i].name, tc.dests, tc.routes,
			       tc.nexthops);
	}
}

/*
 * The calls that copy nothing from user inside: each a pair that leaves
 * the registration as it was, so that a thread can make them over and
 * over.
 */
struct loop_op {
	const char *name;
	int (*op)(struct rawreg *r);
};

static int op_hold(struct rawreg *r)
{
	struct rtm_hold_dest h = { .size = sizeof(h), .handle = r->dest,
				   .views = RTM_VIEW_MASK_UCAST,
				   .hold_time = 1 };

	return rtm_ioctl(r->fd, RTM_IOC_HOLD_DEST, &h);
}

static int op_lock(struct rawreg *r)
{
	struct rtm_lock l = { .size = sizeof(l), .handle = r->dest };
	int err;

	err = rtm_ioctl(r->fd, RTM_IOC_LOCK, &l);
	if (err)
		return err;
	l.flags = RTM_LOCK_UNLOCK;
	return rtm_ioctl(r->fd, RTM_IOC_LOCK, &l);
}

static int op_notify_dest(struct rawreg *r, uint32_t op)
{
	struct rtm_notify_dest n = { .size = sizeof(n), .op = op,
				     .handle = r->notify, .dest = r->dest };

	return rtm_ioctl(r->fd, RTM_IOC_NOTIFY_DEST, &n);
}

static int op_mark(struct rawreg *r)
{
	return op_notify_dest(r, RTM_NOTIFY_MARK) ?:
	       op_notify_dest(r, RTM_NOTIFY_STATUS) ?:
	       op_notify_dest(r, RTM_NOTIFY_IGNORE) ?:
	       op_notify_dest(r, RTM_NOTIFY_UNMARK);
}

static int op_list(struct rawreg *r)
{
	uint64_t h = 0;

	return raw_object(r->fd, RTM_IOC_LIST_CREATE, &h) ?:
	       raw_object(r->fd, RTM_IOC_LIST_DELETE, &h);
}

static int op_notify(struct rawreg *r)
{
	uint64_t h;

	return raw_notify(r->fd, RTM_CHANGE_TYPE_BEST, &h) ?:
	       raw_object(r->fd, RTM_IOC_NOTIFY_DEREGISTER, &h);
}

static int op_enum(struct rawreg *r)
{
	uint64_t h;

	return raw_enum(r->fd, RTM_ENUM_NEXTHOPS, &h) ?:
	       raw_object(r->fd, RTM_IOC_ENUM_DELETE, &h);
}

static int op_route(struct rawreg *r)
{
	struct rtm_delete_route d = { .size = sizeof(d) };
	uint64_t h;
	int err;

	err = raw_route(r->fd, 5, r->nh, &h);
	d.handle = h;
	return err ?: rtm_ioctl(r->fd, RTM_IOC_DELETE_ROUTE, &d);
}

static int op_nexthop(struct rawreg *r)
{
	struct rtm_nexthop_key k = { .size = sizeof(k) };
	uint64_t h;
	int err;

	err = raw_nexthop(r->fd, 50, &h);
	k.handle = h;
	return err ?: rtm_ioctl(r->fd, RTM_IOC_DELETE_NEXTHOP, &k);
}

static int op_entity(struct rawreg *r)
{
	struct rtm_get_entity_info i = { .size = sizeof(i),
					 .handle = r->self };
	struct rtm_method_get m = { .size = sizeof(m), .handle = r->self };

	return rtm_ioctl(r->fd, RTM_IOC_GET_ENTITY_INFO, &i) ?:
	       rtm_ioctl(r->fd, RTM_IOC_METHOD_GET, &m);
}

static int op_block(struct rawreg *r)
{
	struct rtm_method_ctl c = { .size = sizeof(c),
				    .op = RTM_METHOD_BLOCK };
	int err;

	err = rtm_ioctl(r->fd, RTM_IOC_METHOD_CTL, &c);
	if (err)
		return err;
	c.op = RTM_METHOD_RESUME;
	return rtm_ioctl(r->fd, RTM_IOC_METHOD_CTL, &c);
}

static const struct loop_op loop_ops[] = {
	{ "RtmHoldDestination", op_hold },
	{ "RtmLockDestination", op_lock },
	{ "RtmMarkDestForChangeNotification", op_mark },
	{ "RtmCreateRouteList", op_list },
	{ "RtmRegisterForChangeNotification", op_notify },
	{ "RtmCreateNextHopEnum", op_enum },
	{ "RtmAddRouteToDest and RtmDeleteRouteToDest", op_route },
	{ "RtmDeleteNextHop", op_nexthop },
	{ "RtmGetEntityInfo", op_entity },
	{ "RtmBlockMethods", op_block },
};

struct op_race {
	struct rawreg *r;
	struct meet m;
	unsigned int made;		/* calls made */
	unsigned int last;		/* the op that ended it */
	int err;
};

/* Every op in turn until one fails. */
static long op_loop(void *p)
{
	struct op_race *x = p;
	unsigned int i;

	if (!meet(&x->m, 0))
		return -ETIMEDOUT;
	for (i = 0; ; i = (i + 1) % ARRAY_SIZE(loop_ops)) {
		x->made++;
		x->err = loop_ops[i].op(x->r);
		if (x->err) {
			x->last = i;
			return 0;
		}
	}
}

/*
 * RtmDeregisterEntity against another thread making every call that
 * copies nothing inside: each answers as before the deregistration, or
 * INVALID_HANDLE, never as if the registration were alive but what the
 * deregistration took away already gone (NOT_FOUND for the route or next
 * hop it deleted, INVALID_PARAMETER for the lock it dropped); nothing is
 * left behind.
 */
TEST_F_TIMEOUT(alone, deregistered_vs_calls, 180)
{
	struct rtm_deregister d = { .size = sizeof(d) };
	struct rtm_stats zero = { 0 }, now;
	unsigned int round, rounds = slow() ? 30 : 200;
	uint64_t seed = 0x5eed;
	struct op_race x;
	struct rawreg r;
	struct bg_call bg;
	long long spin;

	REQUIRE_RTM();
	for (round = 0; round < rounds; round++) {
		ASSERT_EQ(0, raw_setup(&r, false));
		memset(&x, 0, sizeof(x));
		x.r = &r;
		ASSERT_EQ(0, bg_start(&bg, op_loop, &x));
		ASSERT_TRUE(meet(&x.m, 0));
		/* Land anywhere in the first round or two of calls. */
		for (spin = (long long)(rnd(&seed) % 20000); spin > 0; spin--)
			__asm__ __volatile__("" ::: "memory");
		ASSERT_ERRNO(0, rtm_ioctl(r.fd, RTM_IOC_DEREGISTER, &d));
		ASSERT_TRUE(bg_join(&bg, WAIT_MS));
		EXPECT_EQ(-EBADF, x.err)
			TH_LOG("%s: %s", loop_ops[x.last].name,
			       strerror(-x.err));
		ASSERT_EQ(0, read_stats(&now));
		EXPECT_EQ(0, now.holds) TH_LOG("after %s",
					       loop_ops[x.last].name);
		raw_close(&r);
		ASSERT_TRUE(stats_settle(&zero, &now, WAIT_MS))
			TH_LOG("left %ld entities %ld handles %ld holds",
			       now.entities, now.handles, now.holds);
		ASSERT_TRUE(table_settle(0, 0, 0));
	}
}

/* A peer that makes every op in turn until killed. */
static int peer_op_loop(int rd, int wr, void *arg)
{
	struct rawreg r;
	unsigned int i;
	int err;

	(void)rd;
	(void)arg;
	PEER_CHECK(raw_setup(&r, false) == 0);
	PEER_CHECK(msg_send(wr, T_READY, 0, 0) == 0);
	for (i = 0; ; i = (i + 1) % ARRAY_SIZE(loop_ops)) {
		err = loop_ops[i].op(&r);
		PEER_CHECK(err == 0);
	}
}

/* The process killed (SIGKILL) in the middle of its calls, any of them. */
TEST_F_TIMEOUT(alone, killed_vs_calls, 180)
{
	struct rtm_stats zero = { 0 }, now;
	unsigned int round, rounds = slow() ? 12 : 100;
	uint64_t seed = 0xdead;
	struct peer p;
	struct msg m;

	REQUIRE_RTM();
	for (round = 0; round < rounds; round++) {
		ASSERT_EQ(0, peer_start(&p, peer_op_loop, NULL));
		ASSERT_EQ(0, msg_expect(p.rd, T_READY, &m));
		usleep(rnd(&seed) % 3000);
		kill(p.pid, SIGKILL);
		/* Killed mid-way, never failed. */
		ASSERT_EQ(128 + SIGKILL, peer_wait(&p, WAIT_MS));
		ASSERT_TRUE(stats_settle(&zero, &now, WAIT_MS))
			TH_LOG("left %ld entities %ld handles %ld holds",
			       now.entities, now.handles, now.holds);
		ASSERT_TRUE(table_settle(0, 0, 0));
	}
}

/* ------------------------------------------------------------------ */
/* Method calls                                                         */
/* ------------------------------------------------------------------ */

/*
 * A caller and a callee (one method, events), each on a raw file of its
 * own, in a namespace of their own.
 */
FIXTURE(call) {
	int cfd, kfd;
	uint64_t caller, callee;
	struct stall st;
	bool up;
};

/*
 * A caller and a callee with one method, each on a file of its own; the
 * files of an earlier pair, if any, are closed first.
 */
static void call_pair_open(struct __test_metadata *_metadata,
			   FIXTURE_DATA(call) *self)
{
	if (self->cfd >= 0)
		close(self->cfd);
	if (self->kfd >= 0)
		close(self->kfd);
	self->cfd = rtm_open();
	self->kfd = rtm_open();
	ASSERT_LE(0, self->cfd);
	ASSERT_LE(0, self->kfd);
	ASSERT_ERRNO(0, raw_register(self->cfd, INST, FAM, PROTO_A, 1, 0,
				     &self->caller));
	ASSERT_ERRNO(0, raw_register_methods(self->kfd, INST, FAM, PROTO_B, 1,
					     RTM_REGISTER_EVENTS, 1,
					     &self->callee));
}

FIXTURE_SETUP(call)
{
	memset(self, 0, sizeof(*self));
	self->cfd = self->kfd = -1;
	self->st.uffd = -1;
	if (!rtm_present() || cap_effective(CAP_NET_ADMIN) != 1)
		return;
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	call_pair_open(_metadata, self);
	stall_open(&self->st, STALL_PAGES);
	self->up = true;
}

FIXTURE_TEARDOWN(call)
{
	struct rtm_stats zero = { 0 };

	stall_close(&self->st);
	if (self->cfd >= 0)
		close(self->cfd);
	if (self->kfd >= 0)
		close(self->kfd);
	if (self->up) {
		EXPECT_STATS(&zero);
	}
}

struct invoke_call {
	int fd;
	uint64_t callee;
	void *input;
	unsigned char out[64];
	struct rtm_method_invoke v;
};

static long invoke_fn(void *p)
{
	struct invoke_call *c = p;

	memset(&c->v, 0, sizeof(c->v));
	c->v.size = sizeof(c->v);
	c->v.handle = c->callee;
	c->v.method_type = 1;
	c->v.input_size = 4;
	c->v.input = (uintptr_t)c->input;
	c->v.output = (uintptr_t)c->out;
	c->v.output_size = sizeof(c->out);
	return rtm_ioctl(c->fd, RTM_IOC_METHOD_INVOKE, &c->v);
}

/* The next event of @type on @fd within @ms, others skipped; 0 or -errno. */
static int event_of(int fd, uint32_t type, struct rtm_event *ev, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long long end = now_ms() + ms;
	ssize_t n;

	for (;;) {
		long long left = end - now_ms();

		if (poll(&p, 1, left > 0 ? (int)left : 0) <= 0)
			return -ETIMEDOUT;
		n = read(fd, ev, sizeof(*ev));
		if (n != (ssize_t)sizeof(*ev))
			return n < 0 ? -errno : -EIO;
		if (ev->type == type)
			return 0;
	}
}

static int method_ctl(int fd, uint32_t op, uint64_t cookie, void *buf,
		      uint32_t size)
{
	struct rtm_method_ctl c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = op;
	c.cookie = cookie;
	if (op == RTM_METHOD_FETCH) {
		c.input = (uintptr_t)buf;
		c.input_size = size;
	} else {
		c.output = (uintptr_t)buf;
		c.output_size = size;
	}
	return rtm_ioctl(fd, RTM_IOC_METHOD_CTL, &c);
}

struct ctl_call {
	int fd;
	uint32_t op;
	uint64_t cookie;
	void *buf;
	uint32_t size;
};

static long ctl_fn(void *p)
{
	struct ctl_call *c = p;

	return method_ctl(c->fd, c->op, c->cookie, c->buf, c->size);
}

/* Start an invocation from the caller and wait for the callee's event. */
static int invoke_start(struct invoke_call *c, struct bg_call *bg, int fd,
			uint64_t callee, void *input, int kfd,
			struct rtm_event *ev)
{
	int err;

	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->callee = callee;
	c->input = input;
	err = bg_start(bg, invoke_fn, c);
	return err ?: event_of(kfd, RTM_EVENT_METHOD_INVOKE, ev, WAIT_MS);
}

/*
 * The caller's file closed by another thread while RtmInvokeMethod waits:
 * the call has the file, so it still gets its answer; the registration
 * ends when the call returns.
 */
TEST_F(call, caller_closed_while_invoking)
{
	struct invoke_call c;
	struct bg_call bg;
	struct rtm_event ev;
	struct rtm_stats now;
	unsigned char in[8];

	REQUIRE_RTM();
	ASSERT_EQ(0, invoke_start(&c, &bg, self->cfd, self->callee, "ping",
				  self->kfd, &ev));
	close(self->cfd);
	self->cfd = -1;
	ASSERT_ERRNO(0, method_ctl(self->kfd, RTM_METHOD_FETCH, ev.cookie, in,
				   sizeof(in)));
	EXPECT_EQ(0, memcmp(in, "ping", 4));
	ASSERT_ERRNO(0, method_ctl(self->kfd, RTM_METHOD_REPLY, ev.cookie,
				   "pong", 4));
	ASSERT_TRUE(bg_join(&bg, WAIT_MS));
	EXPECT_EQ(0, bg.result);
	EXPECT_EQ(4U, c.v.output_size);
	EXPECT_EQ(0, memcmp(c.out, "pong", 4));
	/* Then the file is let go, and the caller's registration with it. */
	ASSERT_EQ(0, event_of(self->kfd, RTM_EVENT_ENTITY_DEREGISTERED, &ev,
			      WAIT_MS));
	EXPECT_EQ(self->caller, ev.handle);
	ASSERT_EQ(0, read_stats(&now));
	EXPECT_EQ(1, now.entities);
}

/*
 * The callee's file closed while a call to it waits, queued or taken:
 * the caller gets INVALID_HANDLE (-EBADF) and the callee's answer, had it
 * come, would have nowhere to go.
 */
TEST_F(call, callee_closed_while_invoked)
{
	struct invoke_call c;
	struct bg_call bg;
	struct rtm_event ev;
	unsigned char in[8];
	int taken;

	REQUIRE_RTM();
	for (taken = 0; taken < 2; taken++) {
		if (self->kfd < 0) {
			self->kfd = rtm_open();
			ASSERT_LE(0, self->kfd);
			ASSERT_ERRNO(0, raw_register_methods(self->kfd, INST,
					FAM, PROTO_B, 1, RTM_REGISTER_EVENTS,
					1, &self->callee));
		}
		ASSERT_EQ(0, invoke_start(&c, &bg, self->cfd, self->callee,
					  "ping", self->kfd, &ev));
		if (taken) {
			ASSERT_ERRNO(0, method_ctl(self->kfd, RTM_METHOD_FETCH,
						   ev.cookie, in, sizeof(in)));
		}
		close(self->kfd);
		self->kfd = -1;
		ASSERT_TRUE(bg_join(&bg, WAIT_MS));
		EXPECT_EQ(-EBADF, bg.result) TH_LOG("taken %d", taken);
	}
}

/*
 * RTM_METHOD_FETCH copies the input out between finding the call and
 * taking it.  While it sleeps there: the caller deregisters (the call is
 * cancelled: the fetch fails, the caller gets INVALID_HANDLE), the callee
 * deregisters (the same), or the callee's file is closed (the fetch has
 * the file: it takes the call; the close then fails it).
 */
TEST_F(call, fetch_stalled)
{
	struct rtm_deregister d = { .size = sizeof(d) };
	struct invoke_call c;
	struct ctl_call f;
	struct bg_call bg, fb;
	struct rtm_event ev;
	int how;

	REQUIRE_STALL();
	for (how = 0; how < 3; how++) {
		ASSERT_EQ(0, stall_reset(&self->st));
		ASSERT_EQ(0, invoke_start(&c, &bg, self->cfd, self->callee,
					  "ping", self->kfd, &ev));
		memset(&f, 0, sizeof(f));
		f.fd = self->kfd;
		f.op = RTM_METHOD_FETCH;
		f.cookie = ev.cookie;
		f.buf = stall_addr(&self->st, 0);
		f.size = 8;
		ASSERT_EQ(0, bg_start(&fb, ctl_fn, &f));
		ASSERT_EQ(0, stall_wait(&self->st, WAIT_MS));
		if (how == 0) {
			ASSERT_ERRNO(0, rtm_ioctl(self->cfd,
						  RTM_IOC_DEREGISTER, &d));
			/* The caller goes without waiting for the fetch. */
			ASSERT_TRUE(bg_join(&bg, WAIT_MS));
		} else if (how == 1) {
			ASSERT_ERRNO(0, rtm_ioctl(self->kfd,
						  RTM_IOC_DEREGISTER, &d));
			ASSERT_TRUE(bg_join(&bg, WAIT_MS));
		} else {
			close(self->kfd);
			self->kfd = -1;
		}
		ASSERT_EQ(0, stall_fill(&self->st, 0));
		ASSERT_TRUE(bg_join(&fb, WAIT_MS));
		ASSERT_TRUE(bg_join(&bg, WAIT_MS));
		EXPECT_EQ(-EBADF, bg.result) TH_LOG("how %d", how);
		EXPECT_EQ(how == 2 ? 0 : -EBADF, fb.result)
			TH_LOG("how %d", how);

		/* A fresh pair for the next round. */
		call_pair_open(_metadata, self);
	}
}

/*
 * RTM_METHOD_REPLY copies the answer in between finding the call and
 * finishing it.  The caller deregisters meanwhile: the reply fails, the
 * caller has INVALID_HANDLE.  The callee's file is closed meanwhile: the
 * reply has the file and gets through.
 */
TEST_F(call, reply_stalled)
{
	struct rtm_deregister d = { .size = sizeof(d) };
	struct invoke_call c;
	struct ctl_call f;
	struct bg_call bg, rb;
	struct rtm_event ev;
	unsigned char in[8];
	int how;

	REQUIRE_STALL();
	for (how = 0; how < 2; how++) {
		ASSERT_EQ(0, stall_reset(&self->st));
		memcpy(stall_stage(&self->st, 0), "pong", 4);
		ASSERT_EQ(0, invoke_start(&c, &bg, self->cfd, self->callee,
					  "ping", self->kfd, &ev));
		ASSERT_ERRNO(0, method_ctl(self->kfd, RTM_METHOD_FETCH,
					   ev.cookie, in, sizeof(in)));
		memset(&f, 0, sizeof(f));
		f.fd = self->kfd;
		f.op = RTM_METHOD_REPLY;
		f.cookie = ev.cookie;
		f.buf = stall_addr(&self->st, 0);
		f.size = 4;
		ASSERT_EQ(0, bg_start(&rb, ctl_fn, &f));
		ASSERT_EQ(0, stall_wait(&self->st, WAIT_MS));
		if (how == 0) {
			ASSERT_ERRNO(0, rtm_ioctl(self->cfd,
						  RTM_IOC_DEREGISTER, &d));
			ASSERT_TRUE(bg_join(&bg, WAIT_MS));
		} else {
			close(self->kfd);
			self->kfd = -1;
		}
		ASSERT_EQ(0, stall_fill(&self->st, 0));
		ASSERT_TRUE(bg_join(&rb, WAIT_MS));
		ASSERT_TRUE(bg_join(&bg, WAIT_MS));
		if (how == 0) {
			EXPECT_EQ(-EBADF, bg.result);
			EXPECT_EQ(-EBADF, rb.result);
		} else {
			EXPECT_EQ(0, bg.result);
			EXPECT_EQ(0, rb.result);
			EXPECT_EQ(0, memcmp(c.out, "pong", 4));
		}
		call_pair_open(_metadata, self);
	}
}

/*
 * RtmInvokeMethod copies its input in after resolving the callee: the
 * callee deregisters (or its file is closed) meanwhile, and the call fails
 * with INVALID_HANDLE instead of waiting for an answer that cannot come.
 */
TEST_F(call, callee_gone_during_invoke)
{
	struct rtm_deregister d = { .size = sizeof(d) };
	struct invoke_call c;
	struct bg_call bg;
	int how;

	REQUIRE_STALL();
	for (how = 0; how < 2; how++) {
		ASSERT_EQ(0, stall_reset(&self->st));
		memcpy(stall_stage(&self->st, 0), "ping", 4);
		memset(&c, 0, sizeof(c));
		c.fd = self->cfd;
		c.callee = self->callee;
		c.input = stall_addr(&self->st, 0);
		ASSERT_EQ(0, bg_start(&bg, invoke_fn, &c));
		ASSERT_EQ(0, stall_wait(&self->st, WAIT_MS));
		if (how == 0) {
			ASSERT_ERRNO(0, rtm_ioctl(self->kfd,
						  RTM_IOC_DEREGISTER, &d));
		}
		close(self->kfd);
		self->kfd = -1;
		ASSERT_EQ(0, stall_fill(&self->st, 0));
		ASSERT_TRUE(bg_join(&bg, WAIT_MS));
		EXPECT_EQ(-EBADF, bg.result) TH_LOG("how %d", how);
		self->kfd = rtm_open();
		ASSERT_LE(0, self->kfd);
		ASSERT_ERRNO(0, raw_register_methods(self->kfd, INST, FAM,
				PROTO_B, 1, RTM_REGISTER_EVENTS, 1,
				&self->callee));
	}
}

/*
 * A registration that waits for a client lock its own other thread holds
 * is deregistered: its locks go, and the waiter gets INVALID_HANDLE
 * instead of the lock of an entity that is gone.
 */
struct lock_call {
	int fd;
	uint64_t dest;
	struct rtm_lock l;
};

static long lock_fn(void *p)
{
	struct lock_call *c = p;

	memset(&c->l, 0, sizeof(c->l));
	c->l.size = sizeof(c->l);
	c->l.handle = c->dest;
	return rtm_ioctl(c->fd, RTM_IOC_LOCK, &c->l);
}

TEST_F(alone, deregistered_while_waiting_for_lock)
{
	struct rtm_deregister d = { .size = sizeof(d) };
	struct rtm_lock l = { .size = sizeof(l), .flags = RTM_LOCK_EXCLUSIVE };
	struct lock_call c;
	struct bg_call bg;
	struct rawreg r;

	REQUIRE_RTM();
	ASSERT_EQ(0, raw_setup(&r, false));
	l.handle = r.dest;
	ASSERT_ERRNO(0, rtm_ioctl(r.fd, RTM_IOC_LOCK, &l));
	memset(&c, 0, sizeof(c));
	c.fd = r.fd;
	c.dest = r.dest;
	ASSERT_EQ(0, bg_start(&bg, lock_fn, &c));
	/* It waits for the exclusive holder. */
	EXPECT_FALSE(bg_join(&bg, 200));
	ASSERT_ERRNO(0, rtm_ioctl(r.fd, RTM_IOC_DEREGISTER, &d));
	ASSERT_TRUE(bg_join(&bg, WAIT_MS));
	EXPECT_EQ(-EBADF, bg.result);
	raw_close(&r);
}

/* ------------------------------------------------------------------ */
/* A namespace that goes while hold-downs run                           */
/* ------------------------------------------------------------------ */

/*
 * In a namespace of its own: routes to dests held down for 1 to 20 ms or
 * for a minute, deleted, and the process exits at once (or a few ms
 * later): the namespace goes while hold-down timers are about to fire,
 * firing, or far from it.
 */
static int peer_holddowns(int rd, int wr, void *arg)
{
	uint64_t seed = *(uint64_t *)arg;
	RTM_ROUTE_HANDLE r[24];
	RTM_NEXTHOP_HANDLE nh;
	RTM_DEST_INFO di;
	struct ent e;
	unsigned int i;
	DWORD out;

	(void)rd;
	(void)wr;
	PEER_CHECK(unshare(CLONE_NEWNET) == 0);
	PEER_CHECK(ent_register(&e, INST, FAM, PROTO_A, 1, NULL) == NO_ERROR);
	PEER_CHECK(nh_add(e.h, host(FAM, 192, 0, 2, 1), 1, &nh) == NO_ERROR);
	for (i = 0; i < ARRAY_SIZE(r); i++) {
		RTM_NET_ADDRESS p = net(i);
		ULONG ms = i % 4 == 0 ? 60000 : 1 + rnd(&seed) % 20;

		PEER_CHECK(rt_simple(e.h, p, 1, 1, nh, &r[i]) == NO_ERROR);
		PEER_CHECK(RtmGetExactMatchDestination(e.h, &p,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST,
				&di) == NO_ERROR);
		PEER_CHECK(RtmHoldDestination(e.h, di.DestHandle,
					      RTM_VIEW_MASK_UCAST, ms) ==
			   NO_ERROR);
		PEER_CHECK(RtmReleaseDestInfo(e.h, &di) == NO_ERROR);
	}
	for (i = 0; i < ARRAY_SIZE(r); i++)
		PEER_CHECK(RtmDeleteRouteToDest(e.h, r[i], &out) == NO_ERROR);
	usleep(rnd(&seed) % 15000);
	return 0;
}

/*
 * Namespaces go, one after the other, while the hold-downs of their tables
 * run.  What is checked is the kernel's own: a timer that runs after its
 * table is gone, a hold-down left behind (rtm_table_destroy() warns) or a
 * lock held across both shows in the console, which fails the run.  It is
 * the first test, so that the namespaces' ends (in the background) come
 * while the others run.
 */
TEST(namespace_exit_during_holddowns)
{
	unsigned int round, rounds = slow() ? 6 : 30;
	uint64_t seed = 0x4e57;
	struct peer p;

	REQUIRE_RTM();
	for (round = 0; round < rounds; round++) {
		uint64_t s = rnd(&seed);

		ASSERT_EQ(0, peer_start(&p, peer_holddowns, &s));
		ASSERT_EQ(0, peer_wait(&p, WAIT_MS)) TH_LOG("round %u", round);
	}
}

/* ------------------------------------------------------------------ */
/* Handles guessed while being made (last: a kernel may oops)           */
/* ------------------------------------------------------------------ */

/*
 * Handle ids come from one counter and are never reused, so the next one
 * can be guessed.  A thread of the same registration deletes the guessed
 * handle of a route list (or subscription) while the other is making it:
 * a kernel that publishes the handle before the object is complete
 * deletes half an object (planned change 2).  A third thread keeps the
 * table lock busy (with bulk calls, which give out no ids) so that the
 * maker often waits for it right after publishing.  Whoever wins, each
 * object is deleted exactly once, and the registration's counts stay
 * right: afterwards it makes its full quota of lists, and the
 * subscription made first still hears of changes.
 */
FIXTURE(guess) {
	struct ent a;
	RTM_NEXTHOP_HANDLE nh;
	bool up;
};

FIXTURE_SETUP(guess)
{
	memset(self, 0, sizeof(*self));
	if (!rtm_present() || cap_effective(CAP_NET_ADMIN) != 1)
		return;
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_WIN(NO_ERROR, ent_register(&self->a, INST, FAM, PROTO_A, 1,
					  NULL));
	ASSERT_WIN(NO_ERROR, nh_add(self->a.h, host(FAM, 192, 0, 2, 1), 1,
				    &self->nh));
	self->up = true;
}

FIXTURE_TEARDOWN(guess)
{
	struct rtm_stats zero = { 0 };

	if (!self->up)
		return;
	EXPECT_WIN(NO_ERROR, ent_deregister(&self->a));
	EXPECT_STATS(&zero);
	EXPECT_TABLE_EMPTY(INST, FAM);
}

struct guess_race {
	RTM_ENTITY_HANDLE e;
	bool notify;			/* subscriptions, else lists */
	atomic_ullong guess;		/* the handle the next one gets */
	atomic_int stop;
	atomic_uint hits;		/* deleted by the guesser */
	DWORD bad;
};

static DWORD guess_delete(struct guess_race *x, HANDLE h)
{
	return x->notify ? RtmDeregisterFromChangeNotification(x->e, h) :
			   RtmDeleteRouteList(x->e, h);
}

static long guesser(void *p)
{
	struct guess_race *x = p;
	DWORD st;

	while (!atomic_load(&x->stop)) {
		uint64_t h = atomic_load(&x->guess);

		if (!h)
			continue;
		st = guess_delete(x, mkhandle(h));
		if (st == NO_ERROR)
			atomic_fetch_add(&x->hits, 1);
		else if (st != ERROR_INVALID_HANDLE && !x->bad)
			x->bad = st;
	}
	return 0;
}

static long lock_hog(void *p)
{
	struct guess_race *x = p;
	struct rtm_route_entry e[16];
	unsigned int i;
	size_t done;

	memset(e, 0, sizeof(e));
	for (i = 0; i < ARRAY_SIZE(e); i++) {
		e[i].dest = uaddr(pfx(FAM, 32, 10, 8, 0, (uint8_t)i));
		e[i].views = RTM_VIEW_MASK_UCAST;
		e[i].preference = 1;
	}
	while (!atomic_load(&x->stop)) {
		if (rtm_bulk_add_routes(x->e, e, ARRAY_SIZE(e), NULL, 0,
					&done) != NO_ERROR ||
		    rtm_bulk_delete_routes(x->e, e, ARRAY_SIZE(e), &done) !=
		    NO_ERROR)
			return -EIO;
	}
	return 0;
}

static DWORD guess_make(struct guess_race *x, HANDLE *h)
{
	return x->notify ?
	       RtmRegisterForChangeNotification(x->e, RTM_VIEW_MASK_UCAST,
						RTM_CHANGE_TYPE_ALL, NULL, h) :
	       RtmCreateRouteList(x->e, h);
}

TEST_F_TIMEOUT(guess, handles_guessed_while_made, 180)
{
	unsigned int round, rounds = slow() ? 300 : 3000, mine;
	long lists = module_param("max_lists");
	RTM_NOTIFY_HANDLE first;
	RTM_NET_ADDRESS want;
	struct changed_call cc;
	RTM_DEST_INFO di[2];
	struct guess_race x;
	struct bg_call gb, hb;
	RTM_ROUTE_HANDLE r;
	HANDLE h, *all;
	DWORD st, out;
	long i;

	REQUIRE_RTM();
	ASSERT_LT(0, lists);
	all = calloc(lists, sizeof(*all));
	ASSERT_NE(NULL, all);
	ASSERT_WIN(NO_ERROR, RtmRegisterForChangeNotification(self->a.h,
			RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_ALL, NULL,
			&first));
	for (x.notify = false; ; x.notify = true) {
		memset(&x, 0, offsetof(struct guess_race, notify));
		x.e = self->a.h;
		atomic_store(&x.guess, 0);
		atomic_store(&x.stop, 0);
		atomic_store(&x.hits, 0);
		x.bad = NO_ERROR;
		mine = 0;
		ASSERT_WIN(NO_ERROR, guess_make(&x, &h));
		ASSERT_WIN(NO_ERROR, guess_delete(&x, h));
		ASSERT_EQ(0, bg_start(&gb, guesser, &x));
		ASSERT_EQ(0, bg_start(&hb, lock_hog, &x));
		for (round = 0; round < rounds; round++) {
			atomic_store(&x.guess, hval(h) + 1);
			ASSERT_WIN(NO_ERROR, guess_make(&x, &h));
			st = guess_delete(&x, h);
			if (st == NO_ERROR)
				mine++;
			else
				EXPECT_WIN(ERROR_INVALID_HANDLE, st);
		}
		atomic_store(&x.stop, 1);
		ASSERT_TRUE(bg_join(&gb, WAIT_MS));
		ASSERT_TRUE(bg_join(&hb, WAIT_MS));
		EXPECT_EQ(0, hb.result);
		EXPECT_WIN(NO_ERROR, x.bad);
		/* Each one deleted once, by one side or the other. */
		EXPECT_EQ(rounds, mine + atomic_load(&x.hits));
		TH_LOG("%s: %u deleted by their maker, %u by the guesser",
		       x.notify ? "subscriptions" : "lists", mine,
		       atomic_load(&x.hits));
		if (x.notify)
			break;
	}

	/* The quota of lists is whole. */
	for (i = 0; i < lists; i++) {
		ASSERT_WIN(NO_ERROR, RtmCreateRouteList(self->a.h, &all[i]))
			TH_LOG("list %ld of %ld", i + 1, lists);
	}
	for (i = 0; i < lists; i++) {
		EXPECT_WIN(NO_ERROR, RtmDeleteRouteList(self->a.h, all[i]));
	}
	free(all);

	/* The first subscription, drained, still hears of a change. */
	memset(&cc, 0, sizeof(cc));
	cc.e = self->a.h;
	cc.n = first;
	cc.buf = di;
	for (;;) {
		cc.count = 2;
		st = (DWORD)changed_fn(&cc);
		if (st != NO_ERROR)
			break;
		ASSERT_WIN(NO_ERROR, RtmReleaseChangedDests(cc.e, first,
							    cc.count, di));
	}
	ASSERT_WIN(ERROR_NO_MORE_ITEMS, st);
	ASSERT_WIN(NO_ERROR, rt_simple(self->a.h, net(120), 1, 1, self->nh,
				       &r));
	cc.count = 2;
	ASSERT_WIN(NO_ERROR, (DWORD)changed_fn(&cc));
	ASSERT_EQ(1U, cc.count);
	want = masked(net(120));
	EXPECT_TRUE(same_addr(&want, &di[0].DestAddress));
	EXPECT_WIN(NO_ERROR, RtmReleaseChangedDests(cc.e, first, 1, di));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->a.h, r, &out));
	EXPECT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(self->a.h,
								 first));
}

TEST_HARNESS_MAIN
