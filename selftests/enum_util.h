/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the enumeration, route-list, change-notification and
 * rtm-fibsync tests (enum_test.c, rlist_test.c, notify_test.c,
 * fibsync_test.c): prefixes and their enumeration order, registrations
 * that keep their profile, next hops and routes in one call, packed dest
 * info arrays, and a table's own counters in /proc/net/rtm/stats.
 *
 * Like rtm_selftest.h, everything here is static inline and independent of
 * kselftest_harness.h, so forked peers can use it too.
 */
#ifndef RTM_ENUM_UTIL_H
#define RTM_ENUM_UTIL_H

#include <arpa/inet.h>

#include "rtm_selftest.h"
#include "rtm_bulk.h"

/* ------------------------------------------------------------------ */
/* Prefixes                                                             */
/* ------------------------------------------------------------------ */

static inline unsigned int fam_bytes(USHORT family)
{
	return family == AF_INET ? 4 : 16;
}

static inline unsigned int fam_bits(USHORT family)
{
	return fam_bytes(family) * 8;
}

/* @net with the bits beyond @net->NumBits cleared. */
static inline RTM_NET_ADDRESS pfx_masked(RTM_NET_ADDRESS net)
{
	unsigned int i, bits = net.NumBits;

	for (i = 0; i < sizeof(net.AddrBits); i++) {
		if (bits >= 8) {
			bits -= 8;
			continue;
		}
		net.AddrBits[i] &= (uint8_t)(0xff00 >> bits);
		bits = 0;
	}
	return net;
}

/*
 * A prefix of either family from four address bytes and an IPv4 length:
 * IPv4 a.b.c.d/len, or IPv6 2001:db8:ab:cd::/(len + 32) (::/0 for 0).  The
 * IPv6 image keeps the IPv4 order and nesting, so one set of prefixes tests
 * both families.
 */
static inline RTM_NET_ADDRESS pfx(USHORT family, uint8_t a, uint8_t b,
				  uint8_t c, uint8_t d, unsigned int len)
{
	RTM_NET_ADDRESS n;

	memset(&n, 0, sizeof(n));
	n.AddressFamily = family;
	if (family == AF_INET) {
		n.AddrBits[0] = a;
		n.AddrBits[1] = b;
		n.AddrBits[2] = c;
		n.AddrBits[3] = d;
		n.NumBits = len;
	} else {
		n.AddrBits[0] = 0x20;
		n.AddrBits[1] = 0x01;
		n.AddrBits[2] = 0x0d;
		n.AddrBits[3] = 0xb8;
		n.AddrBits[4] = a;
		n.AddrBits[5] = b;
		n.AddrBits[6] = c;
		n.AddrBits[7] = d;
		n.NumBits = len ? len + 32 : 0;
	}
	return pfx_masked(n);
}

/* A prefix from raw bytes (fam_bytes(family) of them) and a length. */
static inline RTM_NET_ADDRESS pfx_raw(USHORT family, const void *bytes,
				      unsigned int len)
{
	RTM_NET_ADDRESS n;

	memset(&n, 0, sizeof(n));
	n.AddressFamily = family;
	n.NumBits = len;
	memcpy(n.AddrBits, bytes, fam_bytes(family));
	return pfx_masked(n);
}

/*
 * The order of dests in enumerations (reference 8.5): masked address bytes
 * as a big-endian bit string, then the prefix length.
 */
static inline int pfx_cmp(const RTM_NET_ADDRESS *a, const RTM_NET_ADDRESS *b)
{
	RTM_NET_ADDRESS ma = pfx_masked(*a), mb = pfx_masked(*b);
	int c = memcmp(ma.AddrBits, mb.AddrBits, sizeof(ma.AddrBits));

	if (c)
		return c;
	return (int)a->NumBits - (int)b->NumBits;
}

static inline int pfx_qsort_cmp(const void *a, const void *b)
{
	return pfx_cmp(a, b);
}

static inline bool pfx_eq(const RTM_NET_ADDRESS *a, const RTM_NET_ADDRESS *b)
{
	return a->AddressFamily == b->AddressFamily && !pfx_cmp(a, b);
}

/* Whether @in lies inside @outer (RTM_ENUM_RANGE). */
static inline bool pfx_covers(const RTM_NET_ADDRESS *outer,
			      const RTM_NET_ADDRESS *in)
{
	RTM_NET_ADDRESS cut;

	if (in->NumBits < outer->NumBits)
		return false;
	cut = *in;
	cut.NumBits = outer->NumBits;
	cut = pfx_masked(cut);
	return !memcmp(cut.AddrBits, pfx_masked(*outer).AddrBits,
		       sizeof(cut.AddrBits));
}

/* "10.0.0.0/8" or "2001:db8::/32", in one of a few rotating buffers. */
static inline const char *pfx_str(const RTM_NET_ADDRESS *n)
{
	static __thread char bufs[4][INET6_ADDRSTRLEN + 8];
	static __thread unsigned int next;
	char *buf = bufs[next++ % 4], addr[INET6_ADDRSTRLEN];

	if (!inet_ntop(n->AddressFamily == AF_INET ? AF_INET : AF_INET6,
		       n->AddrBits, addr, sizeof(addr)))
		strcpy(addr, "?");
	snprintf(buf, sizeof(bufs[0]), "%s/%u", addr, n->NumBits);
	return buf;
}

/* A next-hop address: the full-length prefix of @p's address. */
static inline RTM_NET_ADDRESS host_of(RTM_NET_ADDRESS p)
{
	p.NumBits = fam_bits(p.AddressFamily);
	return p;
}

/* ------------------------------------------------------------------ */
/* Registrations                                                        */
/* ------------------------------------------------------------------ */

struct ent {
	RTM_ENTITY_HANDLE h;
	RTM_REGN_PROFILE prof;
	RTM_ENTITY_INFO info;
};

static inline DWORD ent_reg(struct ent *e, USHORT instance, USHORT family,
			    ULONG protocol, ULONG instance_id,
			    RTM_EVENT_CALLBACK cb)
{
	RTM_ENTITY_INFO copy;

	memset(e, 0, sizeof(*e));
	e->info = entity_info(instance, family, protocol, instance_id);
	copy = e->info;
	return RtmRegisterEntity(&copy, NULL, cb, FALSE, &e->prof, &e->h);
}

/* ------------------------------------------------------------------ */
/* Next hops and routes                                                 */
/* ------------------------------------------------------------------ */

/* Add (or find) a next hop of @h at @addr on @ifindex; a held handle. */
static inline DWORD nh_add(RTM_ENTITY_HANDLE h, const RTM_NET_ADDRESS *addr,
			   ULONG ifindex, RTM_NEXTHOP_HANDLE *nh)
{
	RTM_NEXTHOP_INFO info;
	RTM_NEXTHOP_CHANGE_FLAGS flags = 0;

	memset(&info, 0, sizeof(info));
	info.NextHopAddress = *addr;
	info.InterfaceIndex = ifindex;
	*nh = NULL;
	return RtmAddNextHop(h, &info, nh, &flags);
}

/* What a route of the tests is made of. */
struct rt {
	ULONG pref, metric;
	RTM_VIEW_SET views;		/* 0: RTM_VIEW_MASK_UCAST */
	USHORT flags;
	RTM_NEXTHOP_HANDLE neighbour;
	UINT nnh;
	RTM_NEXTHOP_HANDLE nh[8];
};

/*
 * Add or update (by dest and neighbour) @r as a route of @h to @dest; with
 * @route not NULL a held handle comes back, with *@change the change flags.
 */
static inline DWORD rt_add(RTM_ENTITY_HANDLE h, const RTM_NET_ADDRESS *dest,
			   const struct rt *r, RTM_ROUTE_LIST_HANDLE list,
			   RTM_ROUTE_HANDLE *route, RTM_ROUTE_CHANGE_FLAGS *change)
{
	union {
		RTM_ROUTE_INFO info;
		char room[RTM_SIZE_OF_ROUTE_INFO(8) + sizeof(RTM_ROUTE_INFO)];
	} ri;
	/* NextHops[] as a client sees it: an array running past the struct. */
	RTM_NEXTHOP_HANDLE *nhs = (RTM_NEXTHOP_HANDLE *)
		(ri.room + offsetof(RTM_ROUTE_INFO, NextHopsList.NextHops));
	RTM_NET_ADDRESS d = *dest;
	RTM_ROUTE_CHANGE_FLAGS flags = 0;
	DWORD st;
	UINT i;

	memset(&ri, 0, sizeof(ri));
	ri.info.Neighbour = r->neighbour;
	ri.info.Flags = r->flags;
	ri.info.PrefInfo.Preference = r->pref;
	ri.info.PrefInfo.Metric = r->metric;
	ri.info.BelongsToViews = r->views ? r->views : RTM_VIEW_MASK_UCAST;
	ri.info.NextHopsList.NumNextHops = r->nnh;
	for (i = 0; i < r->nnh && i < 8; i++)
		nhs[i] = r->nh[i];
	if (route)
		*route = NULL;
	st = RtmAddRouteToDest(h, route, &d, &ri.info, INFINITE, list, 0, NULL,
			       &flags);
	if (change)
		*change = flags;
	return st;
}

/* A plain unicast route of preference @pref, metric @metric. */
static inline DWORD rt_add_simple(RTM_ENTITY_HANDLE h,
				  const RTM_NET_ADDRESS *dest, ULONG pref,
				  ULONG metric, RTM_ROUTE_HANDLE *route)
{
	struct rt r = { .pref = pref, .metric = metric };

	return rt_add(h, dest, &r, NULL, route, NULL);
}

/* Delete a route by a held handle (consumed). */
static inline DWORD rt_del(RTM_ENTITY_HANDLE h, RTM_ROUTE_HANDLE route)
{
	RTM_ROUTE_CHANGE_FLAGS flags = 0;

	return RtmDeleteRouteToDest(h, route, &flags);
}

/*
 * Delete @h's route to @dest that has no neighbour (the routes rt_add()
 * makes without one), through the bulk call: no handle needed.
 */
static inline DWORD rt_del_at(RTM_ENTITY_HANDLE h, const RTM_NET_ADDRESS *dest)
{
	struct rtm_route_entry e;

	memset(&e, 0, sizeof(e));
	memcpy(&e.dest, dest, sizeof(e.dest));
	return rtm_bulk_delete_routes(h, &e, 1, NULL);
}

/* The metric/preference/flags of a route, read back; NO_ERROR or why not. */
static inline DWORD rt_read(RTM_ENTITY_HANDLE h, const RTM_REGN_PROFILE *prof,
			    RTM_ROUTE_HANDLE route, RTM_ROUTE_INFO *out)
{
	size_t size = RTM_SIZE_OF_ROUTE_INFO(prof->MaxNextHopsInRoute);
	RTM_ROUTE_INFO *ri = calloc(1, size < sizeof(*ri) ? sizeof(*ri) : size);
	DWORD st;

	if (!ri)
		return ERROR_NOT_ENOUGH_MEMORY;
	st = RtmGetRouteInfo(h, route, ri, NULL);
	if (st == NO_ERROR) {
		memcpy(out, ri, offsetof(RTM_ROUTE_INFO, NextHopsList));
		out->NextHopsList.NumNextHops = ri->NextHopsList.NumNextHops;
		st = RtmReleaseRouteInfo(h, ri);
	}
	free(ri);
	return st;
}

/* ------------------------------------------------------------------ */
/* Packed dest infos                                                    */
/* ------------------------------------------------------------------ */

/* What a dest info says, with its view records as fields (at most two). */
#define DENT_VIEWS	2

struct dent {
	RTM_NET_ADDRESS addr;
	RTM_DEST_HANDLE dest;
	RTM_VIEW_SET belongs;
	UINT nviews;
	struct {
		RTM_VIEW_ID id;
		UINT nroutes;
		RTM_ROUTE_HANDLE route, hold;
		RTM_ENTITY_HANDLE owner;
		DWORD flags;
	} v[DENT_VIEWS];
};

static inline void dent_of(struct dent *d, const RTM_DEST_INFO *di)
{
	UINT i;

	memset(d, 0, sizeof(*d));
	d->addr = di->DestAddress;
	d->dest = di->DestHandle;
	d->belongs = di->BelongsToViews;
	d->nviews = di->NumberOfViews;
	for (i = 0; i < di->NumberOfViews && i < DENT_VIEWS; i++) {
		d->v[i].id = di->ViewInfo[i].ViewId;
		d->v[i].nroutes = di->ViewInfo[i].NumRoutes;
		d->v[i].route = di->ViewInfo[i].Route;
		d->v[i].hold = di->ViewInfo[i].HoldRoute;
		d->v[i].owner = di->ViewInfo[i].Owner;
		d->v[i].flags = di->ViewInfo[i].DestFlags;
	}
}

static inline size_t di_stride(UINT nviews)
{
	return RTM_SIZE_OF_DEST_INFO((size_t)nviews);
}

static inline RTM_DEST_INFO *di_at(void *buf, UINT nviews, UINT i)
{
	return (RTM_DEST_INFO *)((char *)buf + i * di_stride(nviews));
}

#define DI_SENTINEL	0xa5

/* Whether @len bytes at @p are all DI_SENTINEL. */
static inline bool untouched(const void *p, size_t len)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (c[i] != DI_SENTINEL)
			return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* A table's counters                                                   */
/* ------------------------------------------------------------------ */

/*
 * The counters of table (@instance, @family) of the calling thread's
 * namespace, zero if it has no such table yet; 0 or -errno.
 */
static inline int read_table(USHORT instance, USHORT family,
			     struct table_stats *ts)
{
	int err = read_table_stats(instance, family, ts);

	return err == -ENOENT ? 0 : err;
}

static inline bool table_settle(USHORT instance, USHORT family,
				const struct table_stats *want,
				struct table_stats *got, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	for (;;) {
		if (read_table(instance, family, got) == 0 &&
		    got->dests == want->dests && got->routes == want->routes &&
		    got->nexthops == want->nexthops)
			return true;
		if (now_ms() >= end)
			return false;
		usleep(10000);
	}
}

/*
 * Whether this is a debug kernel (lockdep, KASAN, kmemleak), where every
 * call takes some twenty times longer under TCG: the tests then try the
 * edge batch sizes instead of all of them, smaller tables and shorter
 * churns, so that the debug run stays short and still goes through every
 * path once.
 */
static inline bool slow_kernel(void)
{
	static int slow = -1;

	if (slow < 0)
		slow = !access("/proc/lockdep", F_OK) ||
		       !access("/sys/kernel/debug/kmemleak", F_OK);
	return slow;
}

/*
 * The batch sizes to try, into @out (room for @max): every one from 1 to
 * @max, or on a slow kernel 1, 2, 3, a middle one, @max - 1 and @max.
 * Returns how many.
 */
static inline unsigned int batch_sizes(UINT max, UINT *out)
{
	static const UINT few[] = { 1, 2, 3 };
	unsigned int n = 0, i;

	if (!slow_kernel()) {
		for (i = 1; i <= max; i++)
			out[n++] = i;
		return n;
	}
	for (i = 0; i < 3 && few[i] < max; i++)
		out[n++] = few[i];
	if (max / 2 > 3)
		out[n++] = max / 2;
	if (max - 1 > 3 && max - 1 > max / 2)
		out[n++] = max - 1;
	out[n++] = max;
	return n;
}

/* A small deterministic PRNG (xorshift64*), so failures reproduce. */
static inline uint64_t prng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

#ifdef __KSELFTEST_HARNESS_H
/*
 * The namespace's counters (entities, handles, holds) and one table's back
 * to what they were, after at most WAIT_MS.
 */
#define EXPECT_STATS_BACK(want) do {					\
	struct rtm_stats got_;						\
									\
	EXPECT_TRUE(stats_settle((want), &got_, WAIT_MS))		\
		TH_LOG("entities %ld handles %ld holds %ld, want %ld %ld %ld", \
		       got_.entities, got_.handles, got_.holds,		\
		       (want)->entities, (want)->handles, (want)->holds); \
} while (0)

#define EXPECT_TABLE_BACK(inst, fam, want) do {				\
	struct table_stats got_;					\
									\
	EXPECT_TRUE(table_settle((inst), (fam), (want), &got_, WAIT_MS)) \
		TH_LOG("table %u/%u: dests %ld routes %ld nexthops %ld, " \
		       "want %ld %ld %ld", (inst), (fam), got_.dests,	\
		       got_.routes, got_.nexthops, (want)->dests,	\
		       (want)->routes, (want)->nexthops);		\
} while (0)

/* The holds counter now (the registrations' references). */
#define EXPECT_HOLDS(want) do {						\
	struct rtm_stats now_;						\
									\
	ASSERT_EQ(0, read_stats(&now_));				\
	EXPECT_EQ((long)(want), now_.holds);				\
} while (0)
#endif

#endif /* RTM_ENUM_UTIL_H */
