// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency: two writer processes add, update and delete routes at full
 * speed on overlapping prefixes (one also lets routes expire and its
 * entity come and go, the other adds and withdraws in bulk and puts dests
 * in hold-down) while a third process runs two reader threads, one doing
 * rtm_bulk_lookup, the other RtmGetMostSpecificDestination (and
 * RtmGetLessSpecificDestination, RtmGetRouteInfo), continuously.
 *
 * Every answer is checked: a prefix found is one the writers use and
 * covers the address; the route reported is on that prefix (its
 * preference encodes the writer and the prefix, its metric the rest), its
 * owner is the writer of that preference; the only error a reader may see
 * is ERROR_NOT_FOUND, a writer none.  After a bounded time
 * (RTM_STRESS_SECONDS, default 4, per family) everything stops, the
 * processes exit, and the table must be empty and the namespace's
 * counters back where they were.  The VM runner fails the run on any
 * kernel splat (KASAN, lockdep, WARN...).
 *
 * RTM instance INST is used by no other test program.
 *
 * A forwarding lookup must report the attributes it chose the route by: a
 * route updated in between must never show up with attributes that take
 * it out of the view looked in.
 */
#include <stdatomic.h>

#include "kselftest_harness.h"
#include "rtm_selftest.h"
#include "route_helpers.h"

#define INST		15
#define PROTO_R		0x7d00
#define PROTO_W(w)	(0x7e00 + (w))		/* writers 1 and 2 */

#define DEFAULT_SECONDS	4

#define RING		64	/* routes a writer keeps handles to */
#define BATCH		64	/* addresses per bulk lookup */

/* The prefixes the writers use: nested, overlapping. */
static const struct {
	uint8_t len;		/* 0: the family's full length */
	uint8_t b[4];
} univ[] = {
	{ 8, { 10, 0, 0, 0 } },
	{ 16, { 10, 0, 0, 0 } },
	{ 16, { 10, 1, 0, 0 } },
	{ 24, { 10, 0, 0, 0 } },
	{ 24, { 10, 0, 1, 0 } },
	{ 24, { 10, 1, 0, 0 } },
	{ 24, { 10, 1, 1, 0 } },
	{ 28, { 10, 0, 0, 0 } },
	{ 28, { 10, 0, 0, 16 } },
	{ 25, { 10, 1, 1, 128 } },
	{ 0, { 10, 0, 0, 1 } },
	{ 0, { 10, 0, 0, 17 } },
	{ 0, { 10, 1, 1, 200 } },
	{ 0, { 10, 1, 0, 5 } },
};
#define NP	ARRAY_SIZE(univ)

static RTM_NET_ADDRESS univ_pfx(USHORT fam, unsigned int i)
{
	return pfx(fam, univ[i].len ? univ[i].len : fam_bits(fam),
		   univ[i].b[0], univ[i].b[1], univ[i].b[2], univ[i].b[3]);
}

/* The index of the writers' prefix @a, or -1. */
static int univ_index(const RTM_NET_ADDRESS *a)
{
	unsigned int i;

	for (i = 0; i < NP; i++) {
		RTM_NET_ADDRESS p = univ_pfx(a->AddressFamily, i);

		if (same_addr(&p, a))
			return i;
	}
	return -1;
}

/*
 * Preference: the writer, the prefix and a random part; metric: a hash
 * of the preference with the views in the low bits.
 */
static ULONG enc_pref(unsigned int w, unsigned int pi, uint32_t r)
{
	return (ULONG)w << 24 | (ULONG)pi << 16 | (r & 0xffff);
}

static ULONG enc_metric(ULONG pref, RTM_VIEW_SET views)
{
	return ((pref * 2654435761U) & ~3U) | (views & 3);
}

static unsigned int pref_writer(ULONG pref)
{
	return pref >> 24;
}

static unsigned int pref_prefix(ULONG pref)
{
	return (pref >> 16) & 0xff;
}

static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}

static RTM_NET_ADDRESS nh_address(USHORT fam, unsigned int w, unsigned int k)
{
	return host(fam, 192, 0, 2, w * 16 + k);
}

/* An address to look up: mostly where the prefixes are, some outside. */
static RTM_NET_ADDRESS probe(USHORT fam, uint64_t *s)
{
	uint32_t r = rnd(s);

	switch (r % 8) {
	case 0:
		return host(fam, 11, 0, 0, 1);		/* no prefix */
	case 1:
	case 2:
		return univ_pfx(fam, NP - 4 + (r >> 8) % 4);	/* the hosts */
	default:
		return host(fam, 10, (r >> 8) & 1, (r >> 9) & 1, r >> 16);
	}
}

/* Did the run go on long enough: the stop message, or the deadline? */
static bool stopped(int rd, long long deadline)
{
	struct pollfd p = { .fd = rd, .events = POLLIN };

	return poll(&p, 1, 0) != 0 || now_ms() >= deadline;
}

struct stress_arg {
	USHORT fam;
	unsigned int w;			/* writer 1 or 2; 0: the reader */
	int seconds;
};

/* ------------------------------------------------------------------ */
/* Writers                                                              */
/* ------------------------------------------------------------------ */

struct writer {
	struct stress_arg *a;
	struct ent e;
	RTM_NEXTHOP_HANDLE nh[2];
	struct {
		RTM_ROUTE_HANDLE h;
		unsigned int pi;
		ULONG pref;
	} ring[RING];
	unsigned int nring;
	bool bulk_present[NP];
	uint64_t seed;
	unsigned long ops;
};

#define W_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "# writer %u (%s): %s:%d: %s\n",	\
			wr->a->w, fam_name(wr->a->fam), __FILE__,	\
			__LINE__, #cond);				\
		return false;						\
	}								\
} while (0)

static bool writer_register(struct writer *wr)
{
	unsigned int k;

	W_CHECK(ent_register(&wr->e, INST, wr->a->fam, PROTO_W(wr->a->w), 1,
			     NULL) == NO_ERROR);
	for (k = 0; k < 2; k++)
		W_CHECK(nh_add(wr->e.h, nh_address(wr->a->fam, wr->a->w, k),
			       wr->a->w * 100 + k, &wr->nh[k]) == NO_ERROR);
	wr->nring = 0;
	memset(wr->bulk_present, 0, sizeof(wr->bulk_present));
	return true;
}

static struct rspec writer_spec(struct writer *wr, unsigned int pi,
				RTM_NEXTHOP_HANDLE neighbour)
{
	uint32_t r = rnd(&wr->seed);
	RTM_VIEW_SET views = r % 8 == 0 ? RTM_VIEW_MASK_MCAST :
			     r % 8 == 1 ? RTM_VIEW_MASK_UCAST |
					  RTM_VIEW_MASK_MCAST :
					  RTM_VIEW_MASK_UCAST;
	struct rspec s;

	memset(&s, 0, sizeof(s));
	s.pref = enc_pref(wr->a->w, pi, r >> 8);
	s.metric = enc_metric(s.pref, views);
	s.views = views;
	s.flags = (r >> 3) & 1 ? RTM_ROUTE_FLAGS_LOCAL : RTM_ROUTE_FLAGS_REMOTE;
	s.neighbour = neighbour;
	s.nnh = 1;
	s.nh[0] = wr->nh[(r >> 4) & 1];
	return s;
}

/* Add or update by (owner, neighbour), or a new one; keep its handle. */
static bool op_add(struct writer *wr)
{
	unsigned int pi = rnd(&wr->seed) % NP, i;
	RTM_NEXTHOP_HANDLE nb = rnd(&wr->seed) & 1 ? wr->nh[0] : NULL;
	struct rspec s = writer_spec(wr, pi, nb);
	DWORD in = rnd(&wr->seed) % 20 == 0 ? RTM_ROUTE_CHANGE_NEW : 0, out;
	RTM_ROUTE_HANDLE h = NULL;

	W_CHECK(rt_add(wr->e.h, univ_pfx(wr->a->fam, pi), &s, INFINITE, in, &h,
		       &out) == NO_ERROR);
	W_CHECK(!(out & ~(RTM_ROUTE_CHANGE_NEW | RTM_ROUTE_CHANGE_BEST)));
	W_CHECK(!(in & RTM_ROUTE_CHANGE_NEW) || out & RTM_ROUTE_CHANGE_NEW);
	for (i = 0; i < wr->nring; i++) {
		if (wr->ring[i].h != h)
			continue;
		/* Known already: drop the extra reference. */
		W_CHECK(!(out & RTM_ROUTE_CHANGE_NEW));
		wr->ring[i].pref = s.pref;
		W_CHECK(RtmReleaseRoutes(wr->e.h, 1, &h) == NO_ERROR);
		return true;
	}
	if (wr->nring == RING) {
		/* Forget one; the route stays. */
		i = rnd(&wr->seed) % RING;
		W_CHECK(RtmReleaseRoutes(wr->e.h, 1, &wr->ring[i].h) ==
			NO_ERROR);
		wr->ring[i] = wr->ring[--wr->nring];
	}
	wr->ring[wr->nring].h = h;
	wr->ring[wr->nring].pi = pi;
	wr->ring[wr->nring++].pref = s.pref;
	return true;
}

/* Update a route by handle, and now and then read it back. */
static bool op_update(struct writer *wr)
{
	unsigned int i;
	struct rspec s;
	struct route_buf b;
	RTM_ROUTE_HANDLE h;
	DWORD out;

	if (!wr->nring)
		return op_add(wr);
	i = rnd(&wr->seed) % wr->nring;
	h = wr->ring[i].h;
	s = writer_spec(wr, wr->ring[i].pi, NULL);
	/* Keep its neighbour: read it first. */
	W_CHECK(RtmGetRouteInfo(wr->e.h, h, &b.ri, NULL) == NO_ERROR);
	W_CHECK(b.ri.State == RTM_ROUTE_STATE_CREATED);
	W_CHECK(b.ri.RouteOwner == wr->e.h);
	W_CHECK(b.ri.PrefInfo.Preference == wr->ring[i].pref);
	s.neighbour = b.ri.Neighbour;
	W_CHECK(RtmReleaseRouteInfo(wr->e.h, &b.ri) == NO_ERROR);
	W_CHECK(rt_add(wr->e.h, univ_pfx(wr->a->fam, wr->ring[i].pi), &s,
		       INFINITE, 0, &h, &out) == NO_ERROR);
	W_CHECK(h == wr->ring[i].h);
	W_CHECK(!(out & ~RTM_ROUTE_CHANGE_BEST));
	wr->ring[i].pref = s.pref;
	return true;
}

static bool op_delete(struct writer *wr)
{
	unsigned int i;
	DWORD out;

	if (!wr->nring)
		return true;
	i = rnd(&wr->seed) % wr->nring;
	W_CHECK(RtmDeleteRouteToDest(wr->e.h, wr->ring[i].h, &out) == NO_ERROR);
	W_CHECK(!(out & ~RTM_ROUTE_CHANGE_BEST));
	wr->ring[i] = wr->ring[--wr->nring];
	return true;
}

/* Writer 1: a route that expires in 10 to 80 ms (no callback: deleted). */
static bool op_ttl(struct writer *wr)
{
	unsigned int pi = rnd(&wr->seed) % NP;
	struct rspec s = writer_spec(wr, pi, wr->nh[1]);
	DWORD out;

	W_CHECK(rt_add(wr->e.h, univ_pfx(wr->a->fam, pi), &s,
		       10 + rnd(&wr->seed) % 70, 0, NULL, &out) == NO_ERROR);
	return true;
}

/* Writer 2: a few routes in bulk, or withdraw those in bulk. */
static bool op_bulk(struct writer *wr)
{
	struct rtm_route_entry e[NP];
	unsigned int i, n = 0;
	size_t done = 0;

	if (rnd(&wr->seed) & 1) {
		for (i = 0; i < NP; i++) {
			RTM_NET_ADDRESS p;

			if (!wr->bulk_present[i])
				continue;
			p = univ_pfx(wr->a->fam, i);
			memset(&e[n], 0, sizeof(e[n]));
			memcpy(&e[n].dest, &p, sizeof(p));
			e[n++].neighbour = hval(wr->nh[1]);
			wr->bulk_present[i] = false;
		}
		if (!n)
			return true;
		W_CHECK(rtm_bulk_delete_routes(wr->e.h, e, n, &done) ==
			NO_ERROR);
		W_CHECK(done == n);
		return true;
	}
	for (n = 0; n < 4; n++) {
		unsigned int pi = rnd(&wr->seed) % NP;
		struct rspec s = writer_spec(wr, pi, wr->nh[1]);
		RTM_NET_ADDRESS p = univ_pfx(wr->a->fam, pi);

		memset(&e[n], 0, sizeof(e[n]));
		memcpy(&e[n].dest, &p, sizeof(p));
		e[n].preference = s.pref;
		e[n].metric = s.metric;
		e[n].views = s.views;
		e[n].flags = s.flags;
		e[n].nexthop_first = rnd(&wr->seed) & 1;
		e[n].nexthop_count = 1;
		e[n].neighbour = hval(wr->nh[1]);
		wr->bulk_present[pi] = true;
	}
	W_CHECK(rtm_bulk_add_routes(wr->e.h, e, n, wr->nh, 2, &done) ==
		NO_ERROR);
	W_CHECK(done == n);
	return true;
}

/* Writer 2: put a dest in hold-down for a moment. */
static bool op_hold(struct writer *wr)
{
	RTM_NET_ADDRESS p = univ_pfx(wr->a->fam, rnd(&wr->seed) % NP);
	RTM_DEST_INFO d;
	DWORD st;

	memset(&d, 0, sizeof(d));
	st = RtmGetExactMatchDestination(wr->e.h, &p, RTM_BEST_PROTOCOL,
					 RTM_VIEW_MASK_ANY, &d);
	W_CHECK(st == NO_ERROR || st == ERROR_NOT_FOUND);
	if (st != NO_ERROR)
		return true;
	W_CHECK(same_addr(&p, &d.DestAddress));
	W_CHECK(RtmHoldDestination(wr->e.h, d.DestHandle, RTM_VIEW_MASK_UCAST,
				   5 + rnd(&wr->seed) % 30) == NO_ERROR);
	W_CHECK(RtmReleaseDestInfo(wr->e.h, &d) == NO_ERROR);
	return true;
}

static int writer_main(int rd, int wrfd, void *p)
{
	struct writer *wr = calloc(1, sizeof(*wr));
	long long deadline, churn_at;
	struct msg m;
	bool ok = true;
	uint32_t r;

	PEER_CHECK(wr);
	wr->a = p;
	wr->seed = (uint64_t)getpid() << 20 | (uint64_t)now_ms();
	PEER_CHECK(writer_register(wr));
	PEER_CHECK(msg_send(wrfd, 1, 0, 0) == 0);
	PEER_CHECK(msg_expect(rd, 1, &m) == 0);		/* go */
	deadline = now_ms() + (wr->a->seconds + 30) * 1000LL;
	churn_at = now_ms() + 1000;

	while (ok && (wr->ops % 32 || !stopped(rd, deadline))) {
		r = rnd(&wr->seed) % 100;
		if (r < 45)
			ok = op_add(wr);
		else if (r < 65)
			ok = op_update(wr);
		else if (r < 85)
			ok = op_delete(wr);
		else if (wr->a->w == 1)
			ok = op_ttl(wr);
		else if (r < 95)
			ok = op_bulk(wr);
		else
			ok = op_hold(wr);
		wr->ops++;
		/* Writer 1's entity goes and comes back now and then. */
		if (ok && wr->a->w == 1 && now_ms() >= churn_at) {
			ok = RtmDeregisterEntity(wr->e.h) == NO_ERROR &&
			     writer_register(wr);
			churn_at = now_ms() + 1000;
		}
	}
	PEER_CHECK(msg_send(wrfd, 2, !ok, wr->ops) == 0);
	/* Writer 2 deregisters; writer 1 just exits (its file closes). */
	if (ok && wr->a->w == 2)
		PEER_CHECK(RtmDeregisterEntity(wr->e.h) == NO_ERROR);
	return ok ? 0 : 1;
}

/* ------------------------------------------------------------------ */
/* The reader                                                           */
/* ------------------------------------------------------------------ */

struct reader {
	struct stress_arg *a;
	struct ent e;
	atomic_bool stop;
	atomic_bool failed;
	atomic_ulong lookups, found;
	pthread_mutex_t lock;
	char why[256];
};

static void reader_fail(struct reader *rd, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&rd->lock);
	if (!atomic_load(&rd->failed)) {
		va_start(ap, fmt);
		vsnprintf(rd->why, sizeof(rd->why), fmt, ap);
		va_end(ap);
		atomic_store(&rd->failed, true);
		atomic_store(&rd->stop, true);
	}
	pthread_mutex_unlock(&rd->lock);
}

/* The writers' prefix of length @len covering @a, or -1. */
static int covering(const RTM_NET_ADDRESS *a, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < NP; i++) {
		RTM_NET_ADDRESS p = univ_pfx(a->AddressFamily, i);

		if (p.NumBits == len && covers(&p, a))
			return i;
	}
	return -1;
}

/* Thread 1: rtm_bulk_lookup, checking every result. */
static void *reader_bulk(void *p)
{
	struct reader *rd = p;
	USHORT fam = rd->a->fam;
	RTM_NET_ADDRESS addrs[BATCH];
	struct rtm_lookup_result res[BATCH];
	uint64_t seed = (uint64_t)pthread_self() ^ 0x9e3779b97f4a7c15ULL;
	char b1[64];
	unsigned int i, w;
	RTM_VIEW_ID view;
	DWORD st;
	int pi;

	while (!atomic_load(&rd->stop)) {
		for (i = 0; i < BATCH; i++)
			addrs[i] = probe(fam, &seed);
		view = rnd(&seed) % 4 ? RTM_VIEW_ID_UCAST : RTM_VIEW_ID_MCAST;
		st = rtm_bulk_lookup(rd->e.h, view, addrs, res, BATCH);
		if (st != NO_ERROR) {
			reader_fail(rd, "rtm_bulk_lookup: %s", win32_name(st));
			break;
		}
		for (i = 0; i < BATCH; i++) {
			const struct rtm_lookup_result *x = &res[i];

			atomic_fetch_add(&rd->lookups, 1);
			if (x->num_bits == 0xffff)
				continue;
			atomic_fetch_add(&rd->found, 1);
			pi = covering(&addrs[i], x->num_bits);
			w = pref_writer(x->preference);
			if (pi < 0 || addrs[i].AddrBits[0] != 10) {
				reader_fail(rd, "%s: found /%u, no writer's prefix",
					    pfx_str(&addrs[i], b1, 64),
					    x->num_bits);
			} else if (w < 1 || w > 2 ||
				   pref_prefix(x->preference) != (unsigned int)pi) {
				reader_fail(rd, "%s: /%u has a route of preference %#x",
					    pfx_str(&addrs[i], b1, 64),
					    x->num_bits, x->preference);
			} else if (x->protocol_id != PROTO_W(w)) {
				reader_fail(rd, "%s: writer %u's route owned by protocol %#x",
					    pfx_str(&addrs[i], b1, 64), w,
					    x->protocol_id);
			} else if ((x->metric & ~3U) !=
				   (enc_metric(x->preference, 0) & ~3U)) {
				reader_fail(rd, "%s: metric %#x for preference %#x",
					    pfx_str(&addrs[i], b1, 64),
					    x->metric, x->preference);
			} else if (!(x->metric & (1U << view))) {
				reader_fail(rd, "%s: a route of views %#x in view %d",
					    pfx_str(&addrs[i], b1, 64),
					    x->metric & 3, view);
			} else if (x->nexthop_count != 1 ||
				   x->interface_index / 100 != w ||
				   x->nexthop.addr[0] != 192 ||
				   x->nexthop.addr[3] / 16 != w) {
				reader_fail(rd, "%s: writer %u's route has %u next hops, interface %u",
					    pfx_str(&addrs[i], b1, 64), w,
					    x->nexthop_count,
					    x->interface_index);
			}
		}
	}
	return NULL;
}

/* Check a route a dest info reported for the writers' prefix @pi. */
static void reader_check_route(struct reader *rd, const RTM_DEST_INFO *d,
			       int pi)
{
	struct route_buf b;
	char b1[64];
	DWORD st;
	unsigned int w;

	st = RtmGetRouteInfo(rd->e.h, d->ViewInfo[0].Route, &b.ri, NULL);
	if (st != NO_ERROR) {
		reader_fail(rd, "RtmGetRouteInfo of a held route: %s",
			    win32_name(st));
		return;
	}
	w = pref_writer(b.ri.PrefInfo.Preference);
	if (b.ri.DestHandle != d->DestHandle ||
	    b.ri.RouteOwner != d->ViewInfo[0].Owner)
		reader_fail(rd, "%s: the route is another dest's or owner's",
			    pfx_str(&d->DestAddress, b1, 64));
	else if (w < 1 || w > 2 ||
		 pref_prefix(b.ri.PrefInfo.Preference) != (unsigned int)pi)
		reader_fail(rd, "%s: route of preference %#x",
			    pfx_str(&d->DestAddress, b1, 64),
			    b.ri.PrefInfo.Preference);
	else if ((b.ri.PrefInfo.Metric & ~3U) !=
		 (enc_metric(b.ri.PrefInfo.Preference, 0) & ~3U) ||
		 (b.ri.PrefInfo.Metric & 3) != b.ri.BelongsToViews)
		reader_fail(rd, "%s: metric %#x, views %#x, preference %#x",
			    pfx_str(&d->DestAddress, b1, 64),
			    b.ri.PrefInfo.Metric, b.ri.BelongsToViews,
			    b.ri.PrefInfo.Preference);
	else if (b.ri.State != RTM_ROUTE_STATE_CREATED &&
		 b.ri.State != RTM_ROUTE_STATE_DELETED)
		reader_fail(rd, "%s: route state %u",
			    pfx_str(&d->DestAddress, b1, 64), b.ri.State);
	st = RtmReleaseRouteInfo(rd->e.h, &b.ri);
	if (st != NO_ERROR)
		reader_fail(rd, "RtmReleaseRouteInfo: %s", win32_name(st));
}

/* Thread 2: the point queries. */
static void *reader_queries(void *p)
{
	struct reader *rd = p;
	USHORT fam = rd->a->fam;
	uint64_t seed = (uint64_t)pthread_self() ^ 0xc2b2ae3d27d4eb4fULL;
	RTM_DEST_INFO *d = di_alloc(1), *up = di_alloc(1);
	RTM_NET_ADDRESS q, want;
	char b1[64], b2[64];
	DWORD st;
	int pi, pj;

	if (!d || !up) {
		reader_fail(rd, "out of memory");
		return NULL;
	}
	while (!atomic_load(&rd->stop)) {
		q = probe(fam, &seed);
		memset(d, 0, RTM_SIZE_OF_DEST_INFO(1));
		st = RtmGetMostSpecificDestination(rd->e.h, &q,
						   RTM_BEST_PROTOCOL,
						   RTM_VIEW_MASK_UCAST, d);
		atomic_fetch_add(&rd->lookups, 1);
		if (st == ERROR_NOT_FOUND)
			continue;
		if (st != NO_ERROR) {
			reader_fail(rd, "RtmGetMostSpecificDestination: %s",
				    win32_name(st));
			break;
		}
		atomic_fetch_add(&rd->found, 1);
		pi = univ_index(&d->DestAddress);
		if (pi < 0 || !covers(&d->DestAddress, &q))
			reader_fail(rd, "%s: found %s", pfx_str(&q, b1, 64),
				    pfx_str(&d->DestAddress, b2, 64));
		else if (d->NumberOfViews != 1 || d->ViewInfo[0].ViewId != 0 ||
			 !guard_intact(d, RTM_SIZE_OF_DEST_INFO(1)))
			reader_fail(rd, "%s: %u view records",
				    pfx_str(&q, b1, 64), d->NumberOfViews);
		else if (!d->ViewInfo[0].Route != !d->ViewInfo[0].Owner)
			reader_fail(rd, "%s: a route without owner",
				    pfx_str(&q, b1, 64));
		else if (d->ViewInfo[0].Route)
			reader_check_route(rd, d, pi);

		/* Now and then one step up the tree. */
		if (pi >= 0 && !atomic_load(&rd->failed) && !(rnd(&seed) % 4)) {
			memset(up, 0, RTM_SIZE_OF_DEST_INFO(1));
			st = RtmGetLessSpecificDestination(rd->e.h,
					d->DestHandle, RTM_BEST_PROTOCOL,
					RTM_VIEW_MASK_UCAST, up);
			if (st == NO_ERROR) {
				pj = univ_index(&up->DestAddress);
				want = d->DestAddress;
				if (pj < 0 || !covers(&up->DestAddress, &want) ||
				    up->DestAddress.NumBits >= want.NumBits)
					reader_fail(rd, "%s: less specific %s",
						    pfx_str(&want, b1, 64),
						    pfx_str(&up->DestAddress,
							    b2, 64));
				st = RtmReleaseDestInfo(rd->e.h, up);
			} else if (st == ERROR_NOT_FOUND) {
				st = NO_ERROR;
			}
			if (st != NO_ERROR)
				reader_fail(rd, "RtmGetLessSpecificDestination: %s",
					    win32_name(st));
		}
		st = RtmReleaseDestInfo(rd->e.h, d);
		if (st != NO_ERROR)
			reader_fail(rd, "RtmReleaseDestInfo: %s",
				    win32_name(st));
	}
	free(d);
	free(up);
	return NULL;
}

static int reader_main(int rdfd, int wrfd, void *p)
{
	struct reader *rd = calloc(1, sizeof(*rd));
	pthread_t t[2];
	struct msg m;
	int err;

	PEER_CHECK(rd);
	rd->a = p;
	pthread_mutex_init(&rd->lock, NULL);
	PEER_CHECK(ent_register(&rd->e, INST, rd->a->fam, PROTO_R, 1, NULL) ==
		   NO_ERROR);
	PEER_CHECK(msg_send(wrfd, 1, 0, 0) == 0);
	PEER_CHECK(msg_expect(rdfd, 1, &m) == 0);	/* go */
	PEER_CHECK(pthread_create(&t[0], NULL, reader_bulk, rd) == 0);
	PEER_CHECK(pthread_create(&t[1], NULL, reader_queries, rd) == 0);
	err = msg_recv(rdfd, &m, (rd->a->seconds + 30) * 1000);	/* stop */
	atomic_store(&rd->stop, true);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	if (atomic_load(&rd->failed))
		fprintf(stderr, "# reader (%s): %s\n", fam_name(rd->a->fam),
			rd->why);
	PEER_CHECK(msg_send(wrfd, 2, atomic_load(&rd->failed) || err,
			    atomic_load(&rd->lookups)) == 0);
	PEER_CHECK(msg_send(wrfd, 3, 0, atomic_load(&rd->found)) == 0);
	PEER_CHECK(RtmDeregisterEntity(rd->e.h) == NO_ERROR);
	return atomic_load(&rd->failed) ? 1 : 0;
}

/* ------------------------------------------------------------------ */

FIXTURE(stress) {
	USHORT fam;
};

FIXTURE_VARIANT(stress) {
	USHORT fam;
};

FIXTURE_VARIANT_ADD(stress, ipv4) {
	.fam = AF_INET,
};

FIXTURE_VARIANT_ADD(stress, ipv6) {
	.fam = AF_INET6,
};

FIXTURE_SETUP(stress)
{
	self->fam = variant->fam;
}

FIXTURE_TEARDOWN(stress)
{
}

TEST_F_TIMEOUT(stress, writers_and_readers, 180)
{
	const char *env = getenv("RTM_STRESS_SECONDS");
	int seconds = env && atoi(env) > 0 ? atoi(env) : DEFAULT_SECONDS;
	struct stress_arg args[3];
	struct peer peers[3];		/* reader, writer 1, writer 2 */
	uint64_t ops[3] = { 0 }, found = 0;
	struct rtm_stats base;
	struct msg m;
	long long t0;
	unsigned int i;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	for (i = 0; i < 3; i++) {
		args[i].fam = self->fam;
		args[i].w = i;
		args[i].seconds = seconds;
		ASSERT_EQ(0, peer_start(&peers[i], i ? writer_main : reader_main,
					&args[i]));
	}
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, msg_expect(peers[i].rd, 1, &m))
			TH_LOG("peer %u did not start", i);
	}
	t0 = now_ms();
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, msg_send(peers[i].wr, 1, 0, 0));
	}

	/* The run's length: a poll on the first peer's pipe, which only
	 * speaks when it is done (early, if it failed). */
	{
		struct pollfd p[3];

		for (i = 0; i < 3; i++) {
			p[i].fd = peers[i].rd;
			p[i].events = POLLIN;
		}
		while (now_ms() - t0 < seconds * 1000LL &&
		       poll(p, 3, 100) == 0)
			;
	}
	for (i = 0; i < 3; i++)
		msg_send(peers[i].wr, 9, 0, 0);		/* stop */
	for (i = 0; i < 3; i++) {
		int err = msg_recv(peers[i].rd, &m, WAIT_MS * 3);

		EXPECT_EQ(0, err) TH_LOG("peer %u: no report (%d)", i, err);
		if (!err) {
			EXPECT_EQ(2U, m.tag);
			EXPECT_EQ(0U, m.status) TH_LOG("peer %u failed", i);
			ops[i] = m.value;
		}
	}
	if (!msg_expect(peers[0].rd, 3, &m))
		found = m.value;
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0, peer_wait(&peers[i], WAIT_MS * 3))
			TH_LOG("peer %u's exit", i);
	}
	TH_LOG("%s, %lld ms: writers %llu and %llu operations, reader %llu lookups (%llu found)",
	       fam_name(self->fam), now_ms() - t0,
	       (unsigned long long)ops[1], (unsigned long long)ops[2],
	       (unsigned long long)ops[0], (unsigned long long)found);

	/* Enough happened to mean something (the debug kernel is slow). */
	EXPECT_LT(50U, ops[1]);
	EXPECT_LT(50U, ops[2]);
	EXPECT_LT(50U, ops[0]);
	EXPECT_LT(0U, found);

	/* All gone with the processes. */
	EXPECT_TABLE_EMPTY(INST, self->fam);
	EXPECT_STATS(&base);
}

/* ------------------------------------------------------------------ */
/* One route changing views under forwarding lookups                    */
/* ------------------------------------------------------------------ */

#define FLIP_MS		1500

/*
 * The writer: a unicast route to 10/8 and one to 10.1/16 whose views flip
 * between unicast and multicast only as fast as it can update it; its
 * metric says which (low bits, as everywhere here).
 */
static int flipper_main(int rd, int wrfd, void *p)
{
	struct stress_arg *a = p;
	RTM_NEXTHOP_HANDLE nh = NULL;
	RTM_ROUTE_HANDLE r8 = NULL, r16 = NULL, h;
	long long deadline;
	unsigned long flips = 0;
	struct rspec s;
	struct ent e;
	struct msg m;
	DWORD out;

	PEER_CHECK(ent_register(&e, INST, a->fam, PROTO_W(1), 3, NULL) ==
		   NO_ERROR);
	PEER_CHECK(nh_add(e.h, nh_address(a->fam, 1, 0), 100, &nh) == NO_ERROR);
	memset(&s, 0, sizeof(s));
	s.nnh = 1;
	s.nh[0] = nh;
	s.pref = enc_pref(1, 0, 0);
	s.views = RTM_VIEW_MASK_UCAST;
	s.metric = enc_metric(s.pref, s.views);
	PEER_CHECK(rt_add(e.h, univ_pfx(a->fam, 0), &s, INFINITE, 0, &r8,
			  &out) == NO_ERROR);
	s.pref = enc_pref(1, 2, 0);
	s.metric = enc_metric(s.pref, s.views);
	PEER_CHECK(rt_add(e.h, univ_pfx(a->fam, 2), &s, INFINITE, 0, &r16,
			  &out) == NO_ERROR);
	PEER_CHECK(msg_send(wrfd, 1, 0, 0) == 0);
	PEER_CHECK(msg_expect(rd, 1, &m) == 0);		/* go */
	deadline = now_ms() + FLIP_MS + 30000;
	while (flips % 64 || !stopped(rd, deadline)) {
		s.views = flips & 1 ? RTM_VIEW_MASK_UCAST : RTM_VIEW_MASK_MCAST;
		s.pref = enc_pref(1, 2, flips);
		s.metric = enc_metric(s.pref, s.views);
		h = r16;
		PEER_CHECK(rt_add(e.h, univ_pfx(a->fam, 2), &s, INFINITE, 0, &h,
				  &out) == NO_ERROR);
		flips++;
	}
	PEER_CHECK(msg_send(wrfd, 2, 0, flips) == 0);
	return 0;
}

/*
 * A forwarding lookup in the unicast view answers with a route of that
 * view: the one of 10.1/16 while it is unicast, else the one of 10/8;
 * never 10.1/16's while it is multicast only, nor a mix of the two
 * states.
 */
TEST_F_TIMEOUT(stress, lookup_while_views_flip, 120)
{
	struct stress_arg arg = { .fam = self->fam, .w = 1 };
	RTM_NET_ADDRESS addrs[BATCH];
	struct rtm_lookup_result res[BATCH];
	unsigned long lookups = 0, at16 = 0, wrong = 0;
	struct rtm_lookup_result bad;
	struct rtm_stats base;
	struct peer peer;
	struct ent e;
	struct msg m;
	long long t0;
	unsigned int i;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_EQ(0, peer_start(&peer, flipper_main, &arg));
	ASSERT_WIN(NO_ERROR, ent_register(&e, INST, self->fam, PROTO_R, 3,
					  NULL));
	for (i = 0; i < BATCH; i++)
		addrs[i] = host(self->fam, 10, 1, 2, i);
	ASSERT_EQ(0, msg_expect(peer.rd, 1, &m));
	ASSERT_EQ(0, msg_send(peer.wr, 1, 0, 0));
	memset(&bad, 0, sizeof(bad));
	for (t0 = now_ms(); now_ms() - t0 < FLIP_MS;) {
		ASSERT_WIN(NO_ERROR, rtm_bulk_lookup(e.h, RTM_VIEW_ID_UCAST,
						     addrs, res, BATCH));
		for (i = 0; i < BATCH; i++) {
			const struct rtm_lookup_result *x = &res[i];
			bool ok;

			lookups++;
			if (x->num_bits == 16)
				at16++;
			ok = (x->num_bits == 8 || x->num_bits == 16) &&
			     pref_prefix(x->preference) ==
			     (x->num_bits == 8 ? 0U : 2U) &&
			     x->metric == enc_metric(x->preference,
						     RTM_VIEW_MASK_UCAST);
			if (!ok && !wrong++)
				bad = *x;
		}
	}
	ASSERT_EQ(0, msg_send(peer.wr, 9, 0, 0));
	ASSERT_EQ(0, msg_expect(peer.rd, 2, &m));
	EXPECT_EQ(0, peer_wait(&peer, WAIT_MS));
	TH_LOG("%s: %lu lookups (%lu at /16) while the route flipped %llu times",
	       fam_name(self->fam), lookups, at16,
	       (unsigned long long)m.value);
	EXPECT_EQ(0U, wrong)
		TH_LOG("%lu answers of no single state, e.g. /%u preference %#x metric %#x (views %#x)",
		       wrong, bad.num_bits, bad.preference, bad.metric,
		       bad.metric & 3);
	/* Both states were seen. */
	EXPECT_LT(0U, at16);
	EXPECT_LT(at16, lookups);
	EXPECT_WIN(NO_ERROR, ent_deregister(&e));
	EXPECT_TABLE_EMPTY(INST, self->fam);
	EXPECT_STATS(&base);
}

TEST_HARNESS_MAIN
