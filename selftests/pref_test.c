// SPDX-License-Identifier: GPL-2.0
/*
 * Default preferences by protocol (RTM_IOC_PREFERENCE, rtm_pref.h): a
 * route added or updated with PrefInfo.Preference 0 gets the default of
 * its owner's protocol, from a table per network namespace that starts
 * with the built-in defaults and that an administrator changes at run
 * time; routes already in keep what they got.
 *
 * Covered: the built-in table; ranking across protocols through the single
 * add, the update by handle, RtmUpdateAndUnlockRoute and the bulk add, in
 * every RTM instance and family; what the route info reports; get, set,
 * reset and list with their flags and room; CAP_NET_ADMIN; malformed
 * requests; the cap on protocols; the namespace a file belongs to, and its
 * exit with a changed table; a listing stalled in its copy-out while the
 * table is replaced and the file closed.
 *
 * Every test runs in a network namespace of its own (the harness forks
 * each), so that changes never reach other test programs.
 */
#include <sched.h>

#include "kselftest_harness.h"
#include "rtm_selftest.h"
#include "route_helpers.h"
#include "rtm_pref.h"
#include "uffd_stall.h"

#define INST		2
#define PROTO_X		0x7a00		/* no default */
#define PROTO_Y		0x7b00		/* no default either */
#define NBUILTIN	10

/* The documented built-in table, ascending by protocol id. */
static const struct {
	ULONG proto, pref;
} builtin[NBUILTIN] = {
	{ PROTO_IP_LOCAL,		1 },
	{ PROTO_IP_NETMGMT,		10 },
	{ PROTO_IP_EGP,			140 },
	{ PROTO_IP_RIP,			120 },
	{ PROTO_IP_IS_IS,		115 },
	{ PROTO_IP_OSPF,		110 },
	{ PROTO_IP_BGP,			20 },
	{ PROTO_IP_NT_AUTOSTATIC,	7 },
	{ PROTO_IP_NT_STATIC,		3 },
	{ PROTO_IP_NT_STATIC_NON_DOD,	5 },
};

FIXTURE(pref) {
	bool ready;
	struct rtm_stats base;
};

FIXTURE_SETUP(pref)
{
	if (!rtm_present() || cap_effective(CAP_NET_ADMIN) != 1)
		return;
	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s",
						   strerror(errno));
	ASSERT_EQ(0, read_stats_steady(&self->base, WAIT_MS));
	self->ready = true;
}

FIXTURE_TEARDOWN(pref)
{
	if (self->ready)
		EXPECT_STATS(&self->base);
}

static int pref_ioctl(int fd, struct rtm_preference *p)
{
	p->size = sizeof(*p);
	return rtm_ioctl(fd, RTM_IOC_PREFERENCE, p);
}

/* RtmAddRouteToDest naming the route @h to update. */
static DWORD update(RTM_ENTITY_HANDLE e, RTM_NET_ADDRESS dest, ULONG pref,
		    ULONG metric, RTM_ROUTE_HANDLE h)
{
	struct rspec s;

	memset(&s, 0, sizeof(s));
	s.pref = pref;
	s.metric = metric;
	return rt_add(e, dest, &s, INFINITE, 0, &h, NULL);
}

static bool is_best(RTM_ENTITY_HANDLE e, RTM_ROUTE_HANDLE h)
{
	RTM_VIEW_SET views = 0;

	return RtmIsBestRoute(e, h, &views) == NO_ERROR &&
	       views & RTM_VIEW_MASK_UCAST;
}

/* The whole list, into @e (room for @room); the count, or -1. */
static int list_all(struct rtm_pref_entry *e, size_t room)
{
	size_t n = room, total = 0;

	if (rtm_pref_list(e, &n, &total) != NO_ERROR || n != total)
		return -1;
	return (int)n;
}

static bool list_is_builtin(void)
{
	struct rtm_pref_entry e[NBUILTIN + 4];
	unsigned int i;

	if (list_all(e, ARRAY_SIZE(e)) != NBUILTIN)
		return false;
	for (i = 0; i < NBUILTIN; i++)
		if (e[i].protocol_id != builtin[i].proto ||
		    e[i].preference != builtin[i].pref || e[i].flags ||
		    e[i].reserved)
			return false;
	return true;
}

TEST_F(pref, builtin_table)
{
	unsigned int i;
	ULONG v;

	REQUIRE_RTM();
	EXPECT_TRUE(list_is_builtin());
	for (i = 0; i < NBUILTIN; i++) {
		v = ~0U;
		EXPECT_WIN(NO_ERROR, rtm_pref_get(builtin[i].proto, &v));
		EXPECT_EQ(builtin[i].pref, v) TH_LOG("protocol %u",
						     builtin[i].proto);
	}
	/* Others have none; a vendor's protocol 8 is not RIP. */
	EXPECT_WIN(NO_ERROR, rtm_pref_get(PROTO_X, &v));
	EXPECT_EQ(0U, v);
	EXPECT_WIN(NO_ERROR, rtm_pref_get(PROTOCOL_ID(PROTO_TYPE_UCAST,
				PROTO_VENDOR_MS1, PROTO_IP_RIP), &v));
	EXPECT_EQ(0U, v);
	EXPECT_WIN(NO_ERROR, rtm_pref_get(PROTO_IP_OTHER, &v));
	EXPECT_EQ(0U, v);
	EXPECT_WIN(ERROR_INVALID_PARAMETER, rtm_pref_get(PROTO_IP_RIP, NULL));
}

/*
 * Routes with preference 0 rank by their protocols' defaults, whatever
 * their metrics, in every instance and family of the namespace; the route
 * info reports the preference applied.
 */
TEST_F(pref, default_ranks_protocols)
{
	RTM_NET_ADDRESS p4 = pfx(AF_INET, 16, 10, 1, 0, 0);
	RTM_NET_ADDRESS p6 = pfx(AF_INET6, 16, 10, 1, 0, 0);
	RTM_ROUTE_HANDLE rr, ro, rx, r6, rs;
	struct ent rip, ospf, x, ospf6, stat;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_register(&rip, INST, AF_INET, PROTO_IP_RIP,
					  1, NULL));
	ASSERT_WIN(NO_ERROR, ent_register(&ospf, INST, AF_INET, PROTO_IP_OSPF,
					  1, NULL));
	ASSERT_WIN(NO_ERROR, ent_register(&x, INST, AF_INET, PROTO_X, 1,
					  NULL));
	ASSERT_WIN(NO_ERROR, ent_register(&ospf6, INST, AF_INET6,
					  PROTO_IP_OSPF, 2, NULL));
	ASSERT_WIN(NO_ERROR, ent_register(&stat, INST + 1, AF_INET,
					  PROTO_IP_NT_STATIC, 1, NULL));

	/* One hop of RIP against a cost of 30 in OSPF: OSPF wins. */
	ASSERT_WIN(NO_ERROR, rt_simple(rip.h, p4, 0, 1, NULL, &rr));
	ASSERT_WIN(NO_ERROR, rt_simple(ospf.h, p4, 0, 30, NULL, &ro));
	EXPECT_EQ(120U, route_pref(rip.h, rr));
	EXPECT_EQ(110U, route_pref(rip.h, ro));
	EXPECT_TRUE(is_best(rip.h, ro));
	EXPECT_FALSE(is_best(rip.h, rr));

	/* A preference given is kept, and ranks as given. */
	ASSERT_WIN(NO_ERROR, update(rip.h, p4, 100, 1, rr));
	EXPECT_EQ(100U, route_pref(rip.h, rr));
	EXPECT_TRUE(is_best(rip.h, rr));

	/* A protocol without a default keeps 0, and so ranks first. */
	ASSERT_WIN(NO_ERROR, rt_simple(x.h, p4, 0, 1000, NULL, &rx));
	EXPECT_EQ(0U, route_pref(x.h, rx));
	EXPECT_TRUE(is_best(x.h, rx));

	/* Other families and instances share the namespace's table. */
	ASSERT_WIN(NO_ERROR, rt_simple(ospf6.h, p6, 0, 1, NULL, &r6));
	EXPECT_EQ(110U, route_pref(ospf6.h, r6));
	ASSERT_WIN(NO_ERROR, rt_simple(stat.h, p4, 0, 1, NULL, &rs));
	EXPECT_EQ(3U, route_pref(stat.h, rs));

	/* Deregistering drops the handles held and the routes. */
	EXPECT_WIN(NO_ERROR, ent_deregister(&rip));
	EXPECT_WIN(NO_ERROR, ent_deregister(&ospf));
	EXPECT_WIN(NO_ERROR, ent_deregister(&x));
	EXPECT_WIN(NO_ERROR, ent_deregister(&ospf6));
	EXPECT_WIN(NO_ERROR, ent_deregister(&stat));
}

/*
 * A change of the table applies to routes added or updated afterwards:
 * by RtmAddRouteToDest with the route's handle, and by
 * RtmUpdateAndUnlockRoute, as much as by a new add.
 */
TEST_F(pref, change_applies_afterwards)
{
	RTM_NET_ADDRESS p = pfx(AF_INET, 16, 10, 2, 0, 0);
	RTM_NET_ADDRESS q = pfx(AF_INET, 16, 10, 3, 0, 0);
	RTM_ROUTE_CHANGE_FLAGS cf = 0;
	RTM_ROUTE_HANDLE rr, ro, rq;
	PRTM_ROUTE_INFO rp;
	struct ent rip, ospf;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_register(&rip, INST, AF_INET, PROTO_IP_RIP,
					  1, NULL));
	ASSERT_WIN(NO_ERROR, ent_register(&ospf, INST, AF_INET, PROTO_IP_OSPF,
					  1, NULL));
	ASSERT_WIN(NO_ERROR, rt_simple(rip.h, p, 0, 1, NULL, &rr));
	ASSERT_WIN(NO_ERROR, rt_simple(ospf.h, p, 0, 30, NULL, &ro));
	EXPECT_TRUE(is_best(rip.h, ro));

	/* RIP before OSPF now; the routes in keep what they got. */
	ASSERT_WIN(NO_ERROR, rtm_pref_set(PROTO_IP_RIP, 90));
	EXPECT_EQ(120U, route_pref(rip.h, rr));
	EXPECT_TRUE(is_best(rip.h, ro));

	/* An update by handle takes the new default. */
	ASSERT_WIN(NO_ERROR, update(rip.h, p, 0, 2, rr));
	EXPECT_EQ(90U, route_pref(rip.h, rr));
	EXPECT_TRUE(is_best(rip.h, rr));

	/* A new add too, and so does an update in place. */
	ASSERT_WIN(NO_ERROR, rt_simple(rip.h, q, 0, 1, NULL, &rq));
	EXPECT_EQ(90U, route_pref(rip.h, rq));
	ASSERT_WIN(NO_ERROR, rtm_pref_set(PROTO_IP_RIP, 95));
	ASSERT_WIN(NO_ERROR, RtmLockRoute(rip.h, rq, TRUE, TRUE, &rp));
	EXPECT_EQ(90U, rp->PrefInfo.Preference);
	rp->PrefInfo.Preference = 0;
	rp->PrefInfo.Metric = 4;
	ASSERT_WIN(NO_ERROR, RtmUpdateAndUnlockRoute(rip.h, rq, INFINITE,
						     NULL, 0, NULL, &cf));
	EXPECT_EQ(95U, route_pref(rip.h, rq));

	/* Taken away: routes updated with 0 then keep 0. */
	ASSERT_WIN(NO_ERROR, rtm_pref_set(PROTO_IP_RIP, 0));
	ASSERT_WIN(NO_ERROR, update(rip.h, q, 0, 1, rq));
	EXPECT_EQ(0U, route_pref(rip.h, rq));
	EXPECT_EQ(90U, route_pref(rip.h, rr));

	EXPECT_WIN(NO_ERROR, ent_deregister(&rip));
	EXPECT_WIN(NO_ERROR, ent_deregister(&ospf));
}

/* The bulk add applies the defaults entry by entry, as the single add. */
TEST_F(pref, bulk_add)
{
	struct rtm_route_entry e[3];
	struct rtm_lookup_result res[3];
	RTM_NET_ADDRESS a[3];
	struct ent bgp;
	size_t done = 0;
	unsigned int i;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, ent_register(&bgp, INST, AF_INET, PROTO_IP_BGP,
					  1, NULL));
	memset(e, 0, sizeof(e));
	for (i = 0; i < 3; i++) {
		a[i] = pfx(AF_INET, 24, 10, 4, i, 0);
		memcpy(&e[i].dest, &a[i], sizeof(e[i].dest));
		e[i].views = RTM_VIEW_MASK_UCAST;
		e[i].metric = 1;
	}
	e[1].preference = 7;
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(bgp.h, e, 3, NULL, 0, &done));
	EXPECT_EQ(3U, done);
	ASSERT_WIN(NO_ERROR, rtm_bulk_lookup(bgp.h, RTM_VIEW_ID_UCAST, a, res,
					     3));
	EXPECT_EQ(20U, res[0].preference);
	EXPECT_EQ(7U, res[1].preference);
	EXPECT_EQ(20U, res[2].preference);
	EXPECT_EQ((uint32_t)PROTO_IP_BGP, res[0].protocol_id);

	/* A batch after a change takes the new value. */
	ASSERT_WIN(NO_ERROR, rtm_pref_set(PROTO_IP_BGP, 200));
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(bgp.h, e, 1, NULL, 0, &done));
	ASSERT_WIN(NO_ERROR, rtm_bulk_lookup(bgp.h, RTM_VIEW_ID_UCAST, a, res,
					     3));
	EXPECT_EQ(200U, res[0].preference);
	EXPECT_EQ(20U, res[2].preference);
	EXPECT_WIN(NO_ERROR, ent_deregister(&bgp));
}

TEST_F(pref, set_reset_list)
{
	struct rtm_pref_entry e[NBUILTIN + 4];
	struct rtm_preference p;
	size_t n, total;
	unsigned int i;
	ULONG v;
	int fd;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, rtm_pref_set(PROTO_IP_RIP, 90));
	EXPECT_WIN(NO_ERROR, rtm_pref_get(PROTO_IP_RIP, &v));
	EXPECT_EQ(90U, v);
	ASSERT_EQ(NBUILTIN, list_all(e, ARRAY_SIZE(e)));
	for (i = 0; i < NBUILTIN; i++) {
		bool rip = builtin[i].proto == PROTO_IP_RIP;

		EXPECT_EQ(builtin[i].proto, e[i].protocol_id);
		EXPECT_EQ(rip ? 90U : builtin[i].pref, e[i].preference);
		EXPECT_EQ(rip ? RTM_PREF_CHANGED : 0U, e[i].flags);
	}

	/* The built-in value again is no change. */
	ASSERT_WIN(NO_ERROR, rtm_pref_set(PROTO_IP_RIP, 120));
	EXPECT_TRUE(list_is_builtin());

	/* Taken away: listed with 0 as a change. */
	ASSERT_WIN(NO_ERROR, rtm_pref_set(PROTO_IP_RIP, 0));
	EXPECT_WIN(NO_ERROR, rtm_pref_get(PROTO_IP_RIP, &v));
	EXPECT_EQ(0U, v);
	ASSERT_EQ(NBUILTIN, list_all(e, ARRAY_SIZE(e)));
	EXPECT_EQ((uint32_t)PROTO_IP_RIP, e[3].protocol_id);
	EXPECT_EQ(0U, e[3].preference);
	EXPECT_EQ(RTM_PREF_CHANGED, e[3].flags);

	/* New protocols take their place in order. */
	ASSERT_WIN(NO_ERROR, rtm_pref_set(PROTO_Y, 44));
	ASSERT_WIN(NO_ERROR, rtm_pref_set(PROTO_X, 33));
	ASSERT_WIN(NO_ERROR, rtm_pref_set(4, 66));	/* PROTO_IP_ICMP */
	ASSERT_EQ(NBUILTIN + 3, list_all(e, ARRAY_SIZE(e)));
	EXPECT_EQ(4U, e[2].protocol_id);
	EXPECT_EQ(66U, e[2].preference);
	EXPECT_EQ((uint32_t)PROTO_X, e[NBUILTIN + 1].protocol_id);
	EXPECT_EQ(33U, e[NBUILTIN + 1].preference);
	EXPECT_EQ((uint32_t)PROTO_Y, e[NBUILTIN + 2].protocol_id);
	EXPECT_EQ(RTM_PREF_CHANGED, e[NBUILTIN + 2].flags);
	for (i = 1; i < NBUILTIN + 3; i++)
		EXPECT_LT(e[i - 1].protocol_id, e[i].protocol_id);

	/* Not enough room: what fits, and how many there are. */
	n = 0;
	total = 0;
	EXPECT_WIN(ERROR_INSUFFICIENT_BUFFER, rtm_pref_list(NULL, &n, &total));
	EXPECT_EQ(0U, n);
	EXPECT_EQ(NBUILTIN + 3U, total);
	memset(e, 0xee, sizeof(e));
	n = 2;
	EXPECT_WIN(ERROR_INSUFFICIENT_BUFFER, rtm_pref_list(e, &n, &total));
	EXPECT_EQ(2U, n);
	EXPECT_EQ((uint32_t)PROTO_IP_LOCAL, e[0].protocol_id);
	EXPECT_EQ((uint32_t)PROTO_IP_NETMGMT, e[1].protocol_id);
	EXPECT_EQ(0xeeeeeeeeU, e[2].protocol_id);

	/* The raw answers: the entry after the change. */
	fd = rtm_open();
	ASSERT_LE(0, fd);
	memset(&p, 0, sizeof(p));
	p.op = RTM_PREF_RESET;
	p.entry.protocol_id = PROTO_IP_RIP;
	ASSERT_ERRNO(0, pref_ioctl(fd, &p));
	EXPECT_EQ(120U, p.entry.preference);
	EXPECT_EQ(0U, p.entry.flags);
	memset(&p, 0, sizeof(p));
	p.op = RTM_PREF_SET;
	p.entry.protocol_id = PROTO_IP_OSPF;
	p.entry.preference = 111;
	ASSERT_ERRNO(0, pref_ioctl(fd, &p));
	EXPECT_EQ(111U, p.entry.preference);
	EXPECT_EQ(RTM_PREF_CHANGED, p.entry.flags);
	memset(&p, 0, sizeof(p));
	p.op = RTM_PREF_GET;
	p.entry.protocol_id = PROTO_X;
	p.entry.preference = 5;		/* an output: ignored */
	ASSERT_ERRNO(0, pref_ioctl(fd, &p));
	EXPECT_EQ(33U, p.entry.preference);
	EXPECT_EQ(RTM_PREF_CHANGED, p.entry.flags);
	close(fd);

	/* One back, then all. */
	ASSERT_WIN(NO_ERROR, rtm_pref_reset(PROTO_X));
	EXPECT_WIN(NO_ERROR, rtm_pref_get(PROTO_X, &v));
	EXPECT_EQ(0U, v);
	ASSERT_EQ(NBUILTIN + 2, list_all(e, ARRAY_SIZE(e)));
	ASSERT_WIN(NO_ERROR, rtm_pref_reset_all());
	EXPECT_TRUE(list_is_builtin());
	/* Resetting what is built in already changes nothing. */
	ASSERT_WIN(NO_ERROR, rtm_pref_reset(PROTO_IP_BGP));
	ASSERT_WIN(NO_ERROR, rtm_pref_reset(PROTO_Y));
	ASSERT_WIN(NO_ERROR, rtm_pref_reset_all());
	EXPECT_TRUE(list_is_builtin());
}

/* Changes need CAP_NET_ADMIN; reads do not. */
TEST_F(pref, needs_cap_net_admin)
{
	struct rtm_pref_entry e[NBUILTIN + 2];
	ULONG v;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, rtm_pref_set(PROTO_X, 9));
	ASSERT_EQ(0, cap_drop(CAP_NET_ADMIN, false));
	EXPECT_WIN(ERROR_ACCESS_DENIED, rtm_pref_set(PROTO_IP_RIP, 1));
	EXPECT_WIN(ERROR_ACCESS_DENIED, rtm_pref_set(PROTO_X, 0));
	EXPECT_WIN(ERROR_ACCESS_DENIED, rtm_pref_reset(PROTO_X));
	EXPECT_WIN(ERROR_ACCESS_DENIED, rtm_pref_reset_all());
	EXPECT_WIN(NO_ERROR, rtm_pref_get(PROTO_X, &v));
	EXPECT_EQ(9U, v);
	EXPECT_WIN(NO_ERROR, rtm_pref_get(PROTO_IP_RIP, &v));
	EXPECT_EQ(120U, v);
	EXPECT_EQ(NBUILTIN + 1, list_all(e, ARRAY_SIZE(e)));
}

/* What the kernel refuses, each next to the same request accepted. */
TEST_F(pref, bad_requests)
{
	struct rtm_pref_entry e[NBUILTIN + 4];
	struct rtm_preference p;
	int fd;

	REQUIRE_RTM();
	fd = rtm_open();
	ASSERT_LE(0, fd);

#define BAD_REQ(err, op_, ...) do {					\
	memset(&p, 0, sizeof(p));					\
	p.op = (op_);							\
	__VA_ARGS__;							\
	EXPECT_ERRNO(err, pref_ioctl(fd, &p)) TH_LOG("%s", #__VA_ARGS__); \
} while (0)
	BAD_REQ(-EINVAL, 0, (void)0);
	BAD_REQ(-EINVAL, RTM_PREF_LIST + 1, (void)0);
	BAD_REQ(0, RTM_PREF_RESET, p.flags = RTM_PREF_ALL);
	BAD_REQ(-EINVAL, RTM_PREF_RESET, p.flags = 2);
	BAD_REQ(-EINVAL, RTM_PREF_SET, p.flags = RTM_PREF_ALL);
	BAD_REQ(-EINVAL, RTM_PREF_GET, p.flags = RTM_PREF_ALL);
	BAD_REQ(-EINVAL, RTM_PREF_LIST, p.flags = RTM_PREF_ALL);
	BAD_REQ(-EINVAL, RTM_PREF_SET, p.reserved = 1);
	BAD_REQ(-EINVAL, RTM_PREF_SET, p.entry.reserved = 1);
	BAD_REQ(0, RTM_PREF_SET, p.entry.flags = 1);	/* an output */
	BAD_REQ(-EINVAL, RTM_PREF_LIST, p.count = 2);
	BAD_REQ(-EFAULT, RTM_PREF_LIST, p.count = 2; p.entries = 8);
	BAD_REQ(-ENOSPC, RTM_PREF_LIST, p.entries = 8);
	EXPECT_EQ((uint32_t)NBUILTIN, p.total);
	BAD_REQ(0, RTM_PREF_LIST, p.count = ARRAY_SIZE(e);
		p.entries = (uintptr_t)e);
	EXPECT_EQ((uint32_t)NBUILTIN, p.count);
	/* Room past the kernel's bound: what there is, all of it. */
	BAD_REQ(0, RTM_PREF_LIST, p.count = 0xFFFFFFFF;
		p.entries = (uintptr_t)e);
	EXPECT_EQ((uint32_t)NBUILTIN, p.count);
#undef BAD_REQ

	/* Older, shorter structures are refused below VER0. */
	memset(&p, 0, sizeof(p));
	p.size = RTM_PREFERENCE_SIZE_VER0 - 8;
	p.op = RTM_PREF_GET;
	EXPECT_ERRNO(-EINVAL, rtm_ioctl(fd, RTM_IOC_PREFERENCE, &p));
	close(fd);
	EXPECT_TRUE(list_is_builtin());
}

/* At most RTM_MAX_PREFS protocols have a default. */
TEST_F(pref, cap)
{
	struct rtm_preference p;
	unsigned int i;
	int fd;

	REQUIRE_RTM();
	fd = rtm_open();
	ASSERT_LE(0, fd);
	memset(&p, 0, sizeof(p));
	p.op = RTM_PREF_SET;
	p.entry.preference = 1;
	for (i = 0; i < RTM_MAX_PREFS - NBUILTIN; i++) {
		p.entry.protocol_id = 0x10000 + i;
		ASSERT_ERRNO(0, pref_ioctl(fd, &p)) TH_LOG("protocol %u", i);
	}
	p.entry.protocol_id = 0x20000;
	EXPECT_ERRNO(-EDQUOT, pref_ioctl(fd, &p));
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES, rtm_pref_set(0x20000, 1));
	/* Changing one there, or taking none away, is no new one. */
	p.entry.protocol_id = 0x10000;
	p.entry.preference = 2;
	EXPECT_ERRNO(0, pref_ioctl(fd, &p));
	EXPECT_WIN(NO_ERROR, rtm_pref_set(0x20000, 0));
	/* Taking one away makes room. */
	EXPECT_WIN(NO_ERROR, rtm_pref_set(PROTO_IP_EGP, 0));
	EXPECT_WIN(NO_ERROR, rtm_pref_set(0x20000, 1));
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES, rtm_pref_set(PROTO_IP_EGP, 140));
	memset(&p, 0, sizeof(p));
	p.op = RTM_PREF_LIST;
	EXPECT_ERRNO(-ENOSPC, pref_ioctl(fd, &p));
	EXPECT_EQ(RTM_MAX_PREFS + 1U, p.total);	/* EGP, listed with 0 */
	EXPECT_WIN(NO_ERROR, rtm_pref_reset_all());
	EXPECT_TRUE(list_is_builtin());
	close(fd);
}

/*
 * A file reaches the table of the namespace it was opened in, wherever its
 * user is now; the namespace goes, changed table and all, with the last
 * file.
 */
TEST_F(pref, per_namespace)
{
	struct rtm_preference p;
	ULONG v;
	int fd;

	REQUIRE_RTM();
	fd = rtm_open();
	ASSERT_LE(0, fd);
	ASSERT_WIN(NO_ERROR, rtm_pref_set(PROTO_IP_RIP, 50));
	ASSERT_EQ(0, unshare(CLONE_NEWNET));

	/* A new namespace starts with the built-in table. */
	EXPECT_TRUE(list_is_builtin());
	memset(&p, 0, sizeof(p));
	p.op = RTM_PREF_GET;
	p.entry.protocol_id = PROTO_IP_RIP;
	ASSERT_ERRNO(0, pref_ioctl(fd, &p));
	EXPECT_EQ(50U, p.entry.preference);

	/* A change through the old file changes the old namespace only. */
	memset(&p, 0, sizeof(p));
	p.op = RTM_PREF_SET;
	p.entry.protocol_id = PROTO_IP_OSPF;
	p.entry.preference = 77;
	ASSERT_ERRNO(0, pref_ioctl(fd, &p));
	EXPECT_WIN(NO_ERROR, rtm_pref_get(PROTO_IP_OSPF, &v));
	EXPECT_EQ(110U, v);
	memset(&p, 0, sizeof(p));
	p.op = RTM_PREF_GET;
	p.entry.protocol_id = PROTO_IP_OSPF;
	ASSERT_ERRNO(0, pref_ioctl(fd, &p));
	EXPECT_EQ(77U, p.entry.preference);

	/* The old namespace ends here, with a table of its own to free. */
	close(fd);
	EXPECT_TRUE(list_is_builtin());
}

struct stalled_list {
	int fd;
	struct rtm_preference p;
};

static long do_list(void *arg)
{
	struct stalled_list *s = arg;

	return pref_ioctl(s->fd, &s->p);
}

/*
 * A listing copies out a snapshot taken under the lock: stalled in the
 * copy while the table it came from is replaced and freed, and its file
 * closed under it, it completes with that snapshot.
 */
TEST_F(pref, list_stalled_in_copy_out)
{
	struct stalled_list s;
	struct rtm_pref_entry *e;
	struct bg_call bg;
	struct stall st;
	unsigned int i;
	int err, page;

	REQUIRE_RTM();
	err = stall_open(&st, 1);
	if (err)
		SKIP(return, "no userfaultfd for kernel faults: %s",
		     strerror(-err));
	ASSERT_WIN(NO_ERROR, rtm_pref_set(PROTO_IP_RIP, 90));
	memset(&s, 0, sizeof(s));
	s.fd = rtm_open();
	ASSERT_LE(0, s.fd);
	s.p.op = RTM_PREF_LIST;
	s.p.count = 32;
	s.p.entries = (uintptr_t)stall_addr(&st, 0);
	ASSERT_EQ(0, bg_start(&bg, do_list, &s));
	page = stall_wait(&st, WAIT_MS);
	ASSERT_EQ(0, page) TH_LOG("the listing did not stall: %d", page);

	/* The table is replaced twice, the file closed. */
	EXPECT_WIN(NO_ERROR, rtm_pref_reset_all());
	EXPECT_WIN(NO_ERROR, rtm_pref_set(PROTO_X, 5));
	EXPECT_WIN(NO_ERROR, rtm_pref_set(PROTO_IP_OSPF, 0));
	close(s.fd);
	EXPECT_FALSE(bg_done(&bg));

	ASSERT_EQ(0, stall_fill(&st, 0));
	ASSERT_TRUE(bg_join(&bg, WAIT_MS));
	EXPECT_EQ(0, bg.result);
	EXPECT_EQ((uint32_t)NBUILTIN, s.p.count);
	e = stall_addr(&st, 0);
	for (i = 0; i < NBUILTIN; i++) {
		bool rip = builtin[i].proto == PROTO_IP_RIP;

		EXPECT_EQ(builtin[i].proto, e[i].protocol_id);
		EXPECT_EQ(rip ? 90U : builtin[i].pref, e[i].preference);
	}
	stall_close(&st);
	EXPECT_WIN(NO_ERROR, rtm_pref_reset_all());
}

TEST_HARNESS_MAIN
