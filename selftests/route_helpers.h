/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the routing table tests (nexthop_test, route_test, dest_test,
 * ttl_test, bulk_test, route_stress_test): prefixes of either family,
 * entities with their profile, next hops and routes in one call, info
 * buffers with guard bytes behind them, the per-table counters of
 * /proc/net/rtm/stats, and FILETIME.
 *
 * Include after rtm_selftest.h (and kselftest_harness.h, for the checks at
 * the end).  Like rtm_selftest.h, everything but those checks can be used
 * by forked peers and by threads.
 */
#ifndef ROUTE_HELPERS_H
#define ROUTE_HELPERS_H

#include <arpa/inet.h>

#include "rtm_bulk.h"
#include "rtm_selftest.h"

/* Bytes checked behind every buffer RTM writes into. */
#define GUARD_LEN	64
#define GUARD_BYTE	0xa5

/* ------------------------------------------------------------------ */
/* Prefixes                                                            */
/* ------------------------------------------------------------------ */

static inline USHORT fam_bits(USHORT fam)
{
	return fam == AF_INET6 ? 128 : 32;
}

static inline const char *fam_name(USHORT fam)
{
	return fam == AF_INET6 ? "ipv6" : "ipv4";
}

/*
 * The prefix of @fam whose address starts with the bytes @b0..@b3 (the
 * rest zero), @len bits long, as given: host bits are left as they are.
 * The same numbers make the same tree in both families: 10.1.2.0/24 is
 * a01:200::/24 in IPv6.
 */
static inline RTM_NET_ADDRESS pfx(USHORT fam, USHORT len, uint8_t b0,
				  uint8_t b1, uint8_t b2, uint8_t b3)
{
	RTM_NET_ADDRESS a;

	memset(&a, 0, sizeof(a));
	a.AddressFamily = fam;
	a.NumBits = len;
	a.AddrBits[0] = b0;
	a.AddrBits[1] = b1;
	a.AddrBits[2] = b2;
	a.AddrBits[3] = b3;
	return a;
}

/* A host address of @fam (full length), first bytes @b0..@b3. */
static inline RTM_NET_ADDRESS host(USHORT fam, uint8_t b0, uint8_t b1,
				   uint8_t b2, uint8_t b3)
{
	return pfx(fam, fam_bits(fam), b0, b1, b2, b3);
}

static inline bool same_addr(const RTM_NET_ADDRESS *a, const RTM_NET_ADDRESS *b)
{
	return a->AddressFamily == b->AddressFamily &&
	       a->NumBits == b->NumBits &&
	       !memcmp(a->AddrBits, b->AddrBits, sizeof(a->AddrBits));
}

/* @a with the bits beyond its length cleared. */
static inline RTM_NET_ADDRESS masked(RTM_NET_ADDRESS a)
{
	unsigned int i, bits = a.NumBits;

	for (i = 0; i < sizeof(a.AddrBits); i++) {
		if (bits < 8)
			a.AddrBits[i] &= (uint8_t)(0xff00 >> bits);
		bits -= bits < 8 ? bits : 8;
	}
	return a;
}

/* Whether prefix @p covers address or prefix @a (same family). */
static inline bool covers(const RTM_NET_ADDRESS *p, const RTM_NET_ADDRESS *a)
{
	unsigned int full = p->NumBits / 8, rest = p->NumBits % 8;

	if (p->AddressFamily != a->AddressFamily || a->NumBits < p->NumBits ||
	    memcmp(p->AddrBits, a->AddrBits, full))
		return false;
	return !rest ||
	       !((p->AddrBits[full] ^ a->AddrBits[full]) & (uint8_t)(0xff00 >> rest));
}

/* "10.1.2.0/24" or "a01:200::/24", for messages. */
static inline const char *pfx_str(const RTM_NET_ADDRESS *a, char *buf,
				  size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (a->AddressFamily == AF_INET || a->AddressFamily == AF_INET6)
		inet_ntop(a->AddressFamily, a->AddrBits, ip, sizeof(ip));
	snprintf(buf, len, "%s/%u", ip, a->NumBits);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Entities                                                            */
/* ------------------------------------------------------------------ */

struct ent {
	RTM_ENTITY_HANDLE h;
	RTM_REGN_PROFILE prof;
	RTM_ENTITY_INFO info;
	bool live;
};

static inline DWORD ent_register(struct ent *e, USHORT inst, USHORT fam,
				 ULONG proto, ULONG id, RTM_EVENT_CALLBACK cb)
{
	RTM_ENTITY_INFO copy;
	DWORD st;

	memset(e, 0, sizeof(*e));
	e->info = entity_info(inst, fam, proto, id);
	copy = e->info;
	st = RtmRegisterEntity(&copy, NULL, cb, FALSE, &e->prof, &e->h);
	e->live = st == NO_ERROR;
	return st;
}

static inline DWORD ent_deregister(struct ent *e)
{
	if (!e->live)
		return NO_ERROR;
	e->live = false;
	return RtmDeregisterEntity(e->h);
}

/* ------------------------------------------------------------------ */
/* Next hops                                                           */
/* ------------------------------------------------------------------ */

static inline RTM_NEXTHOP_INFO nh_info(RTM_NET_ADDRESS addr, ULONG ifindex,
				       USHORT flags, uintptr_t esi)
{
	RTM_NEXTHOP_INFO i;

	memset(&i, 0, sizeof(i));
	i.NextHopAddress = addr;
	i.InterfaceIndex = ifindex;
	i.Flags = flags;
	i.EntitySpecificInfo = (PVOID)esi;
	return i;
}

/* Add (or update) a next hop of @e; *@h gets a held handle. */
static inline DWORD nh_add(RTM_ENTITY_HANDLE e, RTM_NET_ADDRESS addr,
			   ULONG ifindex, RTM_NEXTHOP_HANDLE *h)
{
	RTM_NEXTHOP_INFO i = nh_info(addr, ifindex, 0, 0);
	RTM_NEXTHOP_CHANGE_FLAGS cf = 0;

	*h = NULL;
	return RtmAddNextHop(e, &i, h, &cf);
}

/* ------------------------------------------------------------------ */
/* Routes                                                              */
/* ------------------------------------------------------------------ */

#define MAX_TEST_HOPS	32	/* the module's bound of max_nexthops_in_route */

/* An RTM_ROUTE_INFO with room for any number of next hops a route has. */
struct route_buf {
	RTM_ROUTE_INFO ri;
	RTM_NEXTHOP_HANDLE more[MAX_TEST_HOPS];
};

struct rspec {
	ULONG pref, metric;
	RTM_VIEW_SET views;		/* 0: unicast */
	USHORT flags;
	RTM_NEXTHOP_HANDLE neighbour;
	uintptr_t esi;
	UINT nnh;
	RTM_NEXTHOP_HANDLE nh[MAX_TEST_HOPS];
};

/*
 * The next-hop array of a route info, whatever the bound of its declared
 * NextHops[1]: indexing that past 0 would be undefined (and GCC does drop
 * such stores when the info is not the last member of its object).
 */
static inline RTM_NEXTHOP_HANDLE *hops_of(RTM_ROUTE_INFO *ri)
{
	return (RTM_NEXTHOP_HANDLE *)((char *)ri +
		offsetof(RTM_ROUTE_INFO, NextHopsList.NextHops));
}

/* The route's preference as RtmGetRouteInfo reports it, or ~0. */
static inline ULONG route_pref(RTM_ENTITY_HANDLE e, RTM_ROUTE_HANDLE r)
{
	struct route_buf b;
	ULONG pref;

	if (RtmGetRouteInfo(e, r, &b.ri, NULL) != NO_ERROR)
		return ~0U;
	pref = b.ri.PrefInfo.Preference;
	RtmReleaseRouteInfo(e, &b.ri);
	return pref;
}

static inline void rspec_fill(const struct rspec *s, struct route_buf *b)
{
	RTM_NEXTHOP_HANDLE *hops = hops_of(&b->ri);
	UINT i;

	memset(b, 0, sizeof(*b));
	b->ri.PrefInfo.Preference = s->pref;
	b->ri.PrefInfo.Metric = s->metric;
	b->ri.BelongsToViews = s->views ? s->views : RTM_VIEW_MASK_UCAST;
	b->ri.Flags = s->flags;
	b->ri.Neighbour = s->neighbour;
	b->ri.EntitySpecificInfo = (PVOID)s->esi;
	b->ri.NextHopsList.NumNextHops = (USHORT)s->nnh;
	for (i = 0; i < s->nnh && i < MAX_TEST_HOPS; i++)
		hops[i] = s->nh[i];
}

/*
 * RtmAddRouteToDest of @s to @dest with input change flags @in; *@out gets
 * the output flags (may be NULL).  @h NULL: no handle back; *@h NULL: add
 * or update by neighbour and get a held handle; *@h set: update that route.
 */
static inline DWORD rt_add(RTM_ENTITY_HANDLE e, RTM_NET_ADDRESS dest,
			   const struct rspec *s, ULONG ttl, DWORD in,
			   RTM_ROUTE_HANDLE *h, DWORD *out)
{
	struct route_buf b;
	DWORD flags = in;
	DWORD st;

	rspec_fill(s, &b);
	st = RtmAddRouteToDest(e, h, &dest, &b.ri, ttl, NULL, 0, NULL, &flags);
	if (out)
		*out = flags;
	return st;
}

/* The simplest route: @pref/@metric, unicast, one next hop (or none). */
static inline DWORD rt_simple(RTM_ENTITY_HANDLE e, RTM_NET_ADDRESS dest,
			      ULONG pref, ULONG metric, RTM_NEXTHOP_HANDLE nh,
			      RTM_ROUTE_HANDLE *h)
{
	struct rspec s;

	memset(&s, 0, sizeof(s));
	s.pref = pref;
	s.metric = metric;
	if (nh) {
		s.nnh = 1;
		s.nh[0] = nh;
	}
	if (h)
		*h = NULL;
	return rt_add(e, dest, &s, INFINITE, 0, h, NULL);
}

/* ------------------------------------------------------------------ */
/* Info buffers with guard bytes                                       */
/* ------------------------------------------------------------------ */

/* A zeroed buffer of @size bytes followed by GUARD_LEN guard bytes. */
static inline void *guarded_alloc(size_t size)
{
	unsigned char *p = calloc(1, size + GUARD_LEN);

	if (p)
		memset(p + size, GUARD_BYTE, GUARD_LEN);
	return p;
}

static inline bool guard_intact(const void *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)buf + size;
	size_t i;

	for (i = 0; i < GUARD_LEN; i++)
		if (p[i] != GUARD_BYTE)
			return false;
	return true;
}

/* RTM_SIZE_OF_ROUTE_INFO(MaxNextHopsInRoute): what clients allocate. */
static inline size_t ri_size(const RTM_REGN_PROFILE *p)
{
	return RTM_SIZE_OF_ROUTE_INFO(p->MaxNextHopsInRoute);
}

static inline RTM_ROUTE_INFO *ri_alloc(const RTM_REGN_PROFILE *p)
{
	return guarded_alloc(ri_size(p));
}

static inline RTM_DEST_INFO *di_alloc(unsigned int nviews)
{
	return guarded_alloc(RTM_SIZE_OF_DEST_INFO(nviews));
}

/* ------------------------------------------------------------------ */
/* Per-table counters                                                  */
/* ------------------------------------------------------------------ */

/*
 * The counters of table (@inst, @fam) from /proc/net/rtm/stats: 0, or
 * -ENOENT when there is no such table yet, or -errno.
 */
static inline int read_table(USHORT inst, USHORT fam, struct table_stats *c)
{
	return read_table_stats(inst, fam, c);
}

/* Poll until the table holds nothing (or has never existed). */
static inline bool table_empty_settle(USHORT inst, USHORT fam,
				      struct table_stats *got, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	int err;

	for (;;) {
		err = read_table(inst, fam, got);
		if ((err == 0 || err == -ENOENT) && !got->dests &&
		    !got->routes && !got->nexthops)
			return true;
		if (now_ms() >= end)
			return false;
		usleep(10000);
	}
}

/* ------------------------------------------------------------------ */
/* Time                                                                */
/* ------------------------------------------------------------------ */

/* Now as a FILETIME count: 100 ns ticks since 1601-01-01 UTC. */
static inline uint64_t filetime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 10000000ULL + ts.tv_nsec / 100 +
	       116444736000000000ULL;
}

static inline uint64_t filetime(const FILETIME *f)
{
	return (uint64_t)f->dwHighDateTime << 32 | f->dwLowDateTime;
}

/* ------------------------------------------------------------------ */
/* Checks, for tests                                                    */
/* ------------------------------------------------------------------ */

#ifdef __KSELFTEST_HARNESS_H

/* The namespace's entities, handles and holds now equal @want's. */
#define EXPECT_STATS(want) do {						\
	struct rtm_stats got_;						\
									\
	EXPECT_TRUE(stats_settle((want), &got_, WAIT_MS))		\
		TH_LOG("entities %ld handles %ld holds %ld, want %ld %ld %ld", \
		       got_.entities, got_.handles, got_.holds,		\
		       (want)->entities, (want)->handles, (want)->holds); \
} while (0)

/* Only holds, right now (no other thread of the test changes them). */
#define EXPECT_HOLDS(want) do {						\
	struct rtm_stats got_;						\
									\
	ASSERT_EQ(0, read_stats(&got_));				\
	EXPECT_EQ((long)(want), got_.holds);				\
} while (0)

/* Table (@inst, @fam) holds no dest, route or next hop (after WAIT_MS). */
#define EXPECT_TABLE_EMPTY(inst, fam) do {				\
	struct table_stats tc_;					\
									\
	EXPECT_TRUE(table_empty_settle((inst), (fam), &tc_, WAIT_MS))	\
		TH_LOG("table %u/%u: dests %ld routes %ld nexthops %ld", \
		       (inst), (fam), tc_.dests, tc_.routes, tc_.nexthops); \
} while (0)

#define EXPECT_TABLE(inst, fam, d, r, n) do {				\
	struct table_stats tc_;					\
									\
	ASSERT_EQ(0, read_table((inst), (fam), &tc_));			\
	EXPECT_EQ((long)(d), tc_.dests);				\
	EXPECT_EQ((long)(r), tc_.routes);				\
	EXPECT_EQ((long)(n), tc_.nexthops);				\
} while (0)

#endif /* __KSELFTEST_HARNESS_H */

#endif /* ROUTE_HELPERS_H */
