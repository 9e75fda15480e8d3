// SPDX-License-Identifier: GPL-2.0
/*
 * rtm-fibsync: keep the Linux FIB of this network namespace equal to rtm's
 * best unicast routes, so that rtm is the RIB of a real router.
 *
 * For each address family it registers as an entity, subscribes to
 * forwarding changes in the unicast view, and then:
 *  - at start, installs the best route of every dest and removes the
 *    routes of its own protocol that rtm no longer has (a full resync),
 *  - on every change notification, drains the changed dests in batches and
 *    replaces or removes their routes in the FIB,
 *  - watches links, addresses and routes over rtnetlink, and resyncs when
 *    a device or address changes or a route of its own goes, so that routes
 *    the kernel flushed come back and refused ones are retried,
 *  - installs a route with remote next hops (RTM_NEXTHOP_FLAGS_REMOTE)
 *    through the direct next hops rtm's lookup of the remote addresses
 *    resolves to, and resolves those routes again after every batch of
 *    changes, so that they follow the routes they resolve through,
 *  - with -I, registers the kernel's connected and static routes with rtm
 *    (import.c) and keeps them there, and writes none of those back,
 *  - when stopped (SIGINT, SIGTERM), removes every route it installed.
 * It owns the routes of its protocol at its metric in its table, and only
 * those: a prefix where another route (another protocol, or one it did
 * not install) holds that metric is left alone, counted and logged; it
 * deletes only routes it installed (or found of its own at start), and
 * refuses to start where another instance keeps the same table, protocol,
 * metric and family of the namespace.
 *
 * usage: rtm-fibsync [-4] [-6] [-I] [-t TABLE] [-P PROTO] [-m METRIC]
 *                    [-i INSTANCE] [-v]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "rtmv2.h"
#include "rtm_bulk.h"
#include "../common/rtnl.h"
#include "fibsync.h"
#include "import.h"

#define FIBSYNC_PROTO_ID	PROTO_IP_OTHER

static struct {
	unsigned int table;
	unsigned int rtproto;
	unsigned int metric;
	unsigned int instance;
	bool verbose;
	bool import;		/* -I: the kernel's routes into rtm too */
} opt = {
	.table = RT_TABLE_MAIN,
	.rtproto = 190,		/* unassigned in rtnetlink.h and rt_protos */
	.metric = 200,
};

/*
 * A set of prefixes: the routes of ours the FIB had at start, the routes
 * of ours it has now.  Slots are never emptied (@mark says what is true of
 * a prefix now), so the probe chains stay whole.
 */
struct pfx_set {
	size_t cap, count;
	struct pfx {
		uint8_t used, len, mark;
		uint8_t addr[16];
		uint32_t sig;	/* deps: what its next hops resolved to */
	} *slot;
};

static size_t pfx_hash(const uint8_t *addr, uint8_t len, size_t cap)
{
	size_t h = len * 0x9e3779b97f4a7c15ULL;
	unsigned int i;

	for (i = 0; i < 16; i++)
		h = (h ^ addr[i]) * 0x100000001b3ULL;
	return h & (cap - 1);
}

static struct pfx *pfx_find(struct pfx_set *s, const uint8_t *addr,
			    uint8_t len)
{
	size_t i = pfx_hash(addr, len, s->cap);

	while (s->slot[i].used &&
	       (s->slot[i].len != len || memcmp(s->slot[i].addr, addr, 16)))
		i = (i + 1) & (s->cap - 1);
	return &s->slot[i];
}

static struct pfx *pfx_add(struct pfx_set *s, const uint8_t *addr,
			   uint8_t len)
{
	struct pfx *p;

	if (2 * (s->count + 1) > s->cap) {
		struct pfx_set bigger = { .cap = s->cap ? 2 * s->cap : 1024 };
		size_t i;

		bigger.slot = calloc(bigger.cap, sizeof(*bigger.slot));
		if (!bigger.slot)
			die("out of memory");
		for (i = 0; i < s->cap; i++)
			if (s->slot[i].used) {
				struct pfx *q = pfx_add(&bigger,
							s->slot[i].addr,
							s->slot[i].len);

				q->mark = s->slot[i].mark;
				q->sig = s->slot[i].sig;
			}
		free(s->slot);
		*s = bigger;
	}
	p = pfx_find(s, addr, len);
	if (!p->used) {
		p->used = 1;
		p->len = len;
		memcpy(p->addr, addr, 16);
		s->count++;
	}
	return p;
}

/* The slot of a prefix, or NULL if the set never had it. */
static struct pfx *pfx_lookup(struct pfx_set *s, const uint8_t *addr,
			      uint8_t len)
{
	struct pfx *p;

	if (!s->cap)
		return NULL;
	p = pfx_find(s, addr, len);
	return p->used ? p : NULL;
}

/* A request of the batch being sent, found again by its sequence number. */
enum fib_op { FIB_CREATE, FIB_REPLACE, FIB_DELETE };

struct pending {
	uint32_t seq;
	uint8_t op, len;
	int err;
	uint8_t addr[16];
};

struct family {
	int af;
	const char *name;
	RTM_ENTITY_HANDLE h;
	RTM_REGN_PROFILE profile;
	RTM_NOTIFY_HANDLE notify;
	struct rtnl nl;
	int lock;		/* the abstract socket that says it is ours */
	struct pfx_set own;	/* prefixes whose route in the FIB is ours */
	/*
	 * Prefixes whose best route has remote next hops (mark), with a
	 * signature of the direct next hops they resolved to (sig).
	 */
	struct pfx_set deps;
	struct pending *pend;	/* requests sent since the last settle */
	size_t npend, cpend;
	unsigned long installed, removed;
	unsigned long conflicts;	/* left alone: another's route */
	unsigned long refused;		/* the FIB said no */
	unsigned int shown;		/* refusals logged this pass */
	unsigned long hidden;		/* and not logged */
	unsigned long unresolved;	/* remote next hop resolves nowhere */
	unsigned long narrowed;		/* IPv6 multipath cut to what fits */
	unsigned long kernels;		/* left out: imported from the FIB */
	struct import im;		/* with -I */
};

static struct family families[2] = {
	{ .af = AF_INET, .name = "IPv4" },
	{ .af = AF_INET6, .name = "IPv6" },
};

static int wake_fd = -1;

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "rtm-fibsync: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

void *room_for_one(void *arr, size_t n, size_t *cap, size_t size,
		   size_t first)
{
	size_t grown;

	if (n < *cap)
		return arr;
	grown = *cap ? 2 * *cap : first;
	arr = realloc(arr, grown * size);
	if (!arr)
		die("out of memory");
	*cap = grown;
	return arr;
}

void say(const char *fmt, ...)
{
	va_list ap;

	if (!opt.verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "rtm-fibsync: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* The counters of @f, with -v. */
static void say_counts(const struct family *f)
{
	say("%s: %lu installed, %lu removed, %lu left alone (another's), %lu refused, %lu unresolved, %lu narrowed, %lu left to the kernel (imported)",
	    f->name, f->installed, f->removed, f->conflicts, f->refused,
	    f->unresolved, f->narrowed, f->kernels);
	if (opt.import)
		import_say_counts(&f->im);
}

static unsigned int alen(int af)
{
	return af == AF_INET ? 4 : 16;
}

/* The dispatcher thread's callback: wake the main loop up. */
static DWORD WINAPI fibsync_event(RTM_ENTITY_HANDLE h, RTM_EVENT_TYPE type,
				  PVOID context1, PVOID context2)
{
	uint64_t one = 1;

	(void)h;
	(void)context1;
	(void)context2;
	if (type == RTM_CHANGE_NOTIFICATION &&
	    write(wake_fd, &one, sizeof(one)) < 0)
		return ERROR_NOT_ENOUGH_MEMORY;
	return NO_ERROR;
}

/* A refused request: note its error beside it, fib_settle() judges. */
static void fibsync_nl_error(struct rtnl *nl, uint32_t seq, int err, void *arg)
{
	struct family *f = arg;
	size_t lo = 0, hi = f->npend;

	(void)nl;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->pend[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < f->npend && f->pend[lo].seq == seq)
		f->pend[lo].err = err;
	else
		fprintf(stderr, "rtm-fibsync: %s: the FIB refused a request: %s\n",
			f->name, strerror(err));
}

/*
 * One route into or out of the FIB, only ever its own: a prefix whose route
 * is ours is replaced; any other is created exclusively, so that a route
 * another daemon or the administrator has at the same (table, prefix,
 * metric) makes the kernel refuse ours (EEXIST) instead of replacing theirs;
 * a delete is sent only for a route of ours, and names our protocol, so
 * the kernel will not match another's route there either.
 */
static void fib_write(struct family *f, const struct rtnl_route *r, bool del)
{
	uint8_t addr[16] = { 0 };
	struct pending *q;
	struct pfx *p;
	int op, err;

	memcpy(addr, r->dst, alen(f->af));
	p = pfx_lookup(&f->own, addr, r->dst_len);
	if (del) {
		if (!p || !p->mark)
			return;
		op = FIB_DELETE;
		err = rtnl_route_delete(&f->nl, r);
	} else if (p && p->mark) {
		op = FIB_REPLACE;
		err = rtnl_route_replace(&f->nl, r);
	} else {
		op = FIB_CREATE;
		err = rtnl_route_create(&f->nl, r);
	}
	if (err) {
		fprintf(stderr, "rtm-fibsync: %s: rtnetlink: %s\n", f->name,
			strerror(-err));
		return;
	}
	f->pend = room_for_one(f->pend, f->npend, &f->cpend, sizeof(*f->pend),
			       256);
	q = &f->pend[f->npend++];
	q->seq = rtnl_last_seq(&f->nl);
	q->op = op;
	q->len = r->dst_len;
	q->err = 0;
	memcpy(q->addr, addr, 16);
}

/*
 * A device going down makes the FIB refuse every route through it: on a
 * full table, a line per route.  A pass (the start, one round of the main
 * loop, the cleanup) logs its first REFUSALS_SHOWN refusals and counts the
 * rest, which refusals_done() reports in one line when the pass ends.
 */
#define REFUSALS_SHOWN	16

static void refusal(struct family *f, const char *addr, unsigned int len,
		    const char *what, int err)
{
	f->refused++;
	if (f->shown >= REFUSALS_SHOWN) {
		f->hidden++;
		return;
	}
	f->shown++;
	fprintf(stderr, "rtm-fibsync: %s: %s/%u: %s: %s\n", f->name, addr, len,
		what, strerror(err));
}

static void refusals_done(struct family *f)
{
	if (f->hidden)
		fprintf(stderr, "rtm-fibsync: %s: %lu more refused, not shown\n",
			f->name, f->hidden);
	f->shown = 0;
	f->hidden = 0;
}

/* Send what fib_write() queued and learn from each answer what is ours. */
static void fib_settle(struct family *f)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;
	int err;

	err = rtnl_flush(&f->nl);
	if (err)
		fprintf(stderr, "rtm-fibsync: %s: rtnetlink: %s\n", f->name,
			strerror(-err));
	for (i = 0; i < f->npend; i++) {
		const struct pending *q = &f->pend[i];
		struct pfx *p = pfx_lookup(&f->own, q->addr, q->len);

		inet_ntop(f->af, q->addr, a, sizeof(a));
		if (q->op == FIB_DELETE) {
			/* Gone, or not there any more: not ours now. */
			if (!q->err || q->err == ESRCH || q->err == ENOENT) {
				if (p)
					p->mark = 0;
				f->removed += !q->err;
				continue;
			}
			refusal(f, a, q->len, "delete refused", q->err);
			continue;
		}
		if (!q->err) {
			pfx_add(&f->own, q->addr, q->len)->mark = 1;
			f->installed++;
		} else if (q->err == EEXIST && q->op == FIB_CREATE) {
			f->conflicts++;
			fprintf(stderr, "rtm-fibsync: %s: %s/%u: table %u has a route of another at metric %u: left alone\n",
				f->name, a, q->len, opt.table, opt.metric);
		} else {
			refusal(f, a, q->len, "the FIB refused it", q->err);
		}
	}
	f->npend = 0;
}

static void family_open(struct family *f)
{
	RTM_ENTITY_INFO info = {
		.RtmInstanceId = opt.instance,
		.AddressFamily = f->af,
		.EntityId.EntityProtocolId = FIBSYNC_PROTO_ID,
		.EntityId.EntityInstanceId = opt.table,
	};
	DWORD st;
	int err;

	st = RtmRegisterEntity(&info, NULL, fibsync_event, FALSE, &f->profile,
			       &f->h);
	if (st != NO_ERROR)
		die("%s: RtmRegisterEntity: error %u", f->name, st);
	/* Subscribed before the first walk, so nothing falls between. */
	st = RtmRegisterForChangeNotification(f->h, RTM_VIEW_MASK_UCAST,
					      RTM_CHANGE_TYPE_FORWARDING, f,
					      &f->notify);
	if (st != NO_ERROR)
		die("%s: RtmRegisterForChangeNotification: error %u", f->name,
		    st);
	err = rtnl_open(&f->nl, 256 * 1024);
	if (err)
		die("%s: rtnetlink: %s", f->name, strerror(-err));
	f->nl.on_error = fibsync_nl_error;
	f->nl.arg = f;
	if (opt.import)
		import_open(&f->im, f->af, f->name, opt.instance, opt.table);
}

static void family_close(struct family *f)
{
	if (opt.import)
		import_close(&f->im);
	RtmDeregisterFromChangeNotification(f->h, f->notify);
	RtmDeregisterEntity(f->h);
	rtnl_close(&f->nl);
}

static void route_key(struct family *f, const RTM_NET_ADDRESS *dst,
		      struct rtnl_route *r)
{
	memset(r, 0, sizeof(*r));
	r->family = f->af;
	memcpy(r->dst, dst->AddrBits, alen(f->af));
	r->dst_len = dst->NumBits;
	r->protocol = opt.rtproto;
	r->table = opt.table;
	r->priority = opt.metric;
}

/* The next hops of a route with several, through its handles. */
static unsigned int route_nexthops(struct family *f, RTM_ROUTE_HANDLE route,
				   struct rtnl_nexthop *nh, bool *remote,
				   unsigned int max)
{
	size_t size = RTM_SIZE_OF_ROUTE_INFO(f->profile.MaxNextHopsInRoute);
	RTM_ROUTE_INFO *ri = calloc(1, size);
	unsigned int i, n = 0;

	if (!ri || RtmGetRouteInfo(f->h, route, ri, NULL) != NO_ERROR) {
		free(ri);
		return 0;
	}
	for (i = 0; i < ri->NextHopsList.NumNextHops && n < max; i++) {
		RTM_NEXTHOP_INFO ni;

		if (RtmGetNextHopInfo(f->h, ri->NextHopsList.NextHops[i],
				      &ni) != NO_ERROR)
			continue;
		memset(&nh[n], 0, sizeof(nh[n]));
		memcpy(nh[n].gateway, ni.NextHopAddress.AddrBits, alen(f->af));
		nh[n].ifindex = ni.InterfaceIndex;
		remote[n] = ni.Flags & RTM_NEXTHOP_FLAGS_REMOTE;
		n++;
		RtmReleaseNextHopInfo(f->h, &ni);
	}
	RtmReleaseRouteInfo(f->h, ri);
	free(ri);
	return n;
}

/*
 * The next hops of the best unicast route of the dest @dst, which has
 * several: a dump gives no handle, so the dest is looked up for one.
 */
static unsigned int dest_nexthops(struct family *f, const RTM_NET_ADDRESS *dst,
				  struct rtnl_nexthop *nh, bool *remote,
				  unsigned int max)
{
	RTM_DEST_INFO *di = calloc(1, RTM_SIZE_OF_DEST_INFO(1));
	unsigned int n = 0;

	if (!di)
		die("out of memory");
	if (RtmGetExactMatchDestination(f->h, (PRTM_NET_ADDRESS)dst,
					RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST,
					di) == NO_ERROR) {
		if (di->NumberOfViews && di->ViewInfo[0].Route)
			n = route_nexthops(f, di->ViewInfo[0].Route, nh,
					   remote, max);
		RtmReleaseDestInfo(f->h, di);
	}
	free(di);
	return n;
}

#define MAX_NH		32	/* next hops of one FIB route */
#define RESOLVE_DEPTH	4	/* remote next hops resolved through remote ones */

/*
 * The next hops of the best route @l of the dest @dst, and which of them
 * are remote (RTM_NEXTHOP_FLAGS_REMOTE): their address is not on a link but
 * reached through another route of rtm, whatever interface they name.  A
 * forwarding lookup reports its first next hop only, with its flags;
 * reading the others through handles costs three system calls a route, so
 * that is done only for routes with several next hops, and for a single
 * one that is remote or names no interface (an older kernel reports no
 * flags, and InterfaceIndex 0 is how a remote next hop is usually given).
 * @route is the route's handle, or NULL when the caller has none.
 */
static unsigned int best_nexthops(struct family *f, const RTM_NET_ADDRESS *dst,
				  const struct rtm_lookup_result *l,
				  RTM_ROUTE_HANDLE route,
				  struct rtnl_nexthop *nh, bool *remote)
{
	if (l->nexthop_count > 1 ||
	    (l->nexthop_count && (!l->interface_index ||
				  l->nexthop_flags & RTM_NEXTHOP_FLAGS_REMOTE)))
		return route ? route_nexthops(f, route, nh, remote, MAX_NH) :
			       dest_nexthops(f, dst, nh, remote, MAX_NH);
	if (!l->nexthop_count)
		return 0;
	memset(&nh[0], 0, sizeof(nh[0]));
	memcpy(nh[0].gateway, l->nexthop.addr, alen(f->af));
	nh[0].ifindex = l->interface_index;
	remote[0] = false;
	return 1;
}

/* Add @nh to the @n next hops at @out, unless it is there or out is full. */
static void nh_append(struct rtnl_nexthop *out, unsigned int *n,
		      const struct rtnl_nexthop *nh)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (out[i].ifindex == nh->ifindex &&
		    !memcmp(out[i].gateway, nh->gateway, sizeof(nh->gateway)))
			return;
	if (*n < MAX_NH)
		out[(*n)++] = *nh;
}

/* Whether the address @addr is in the prefix @p. */
static bool in_prefix(struct family *f, const uint8_t *addr,
		      const RTM_NET_ADDRESS *p)
{
	unsigned int bits = p->NumBits, i;

	for (i = 0; i < alen(f->af) && bits; i++, bits -= bits < 8 ? bits : 8) {
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);

		if ((addr[i] ^ p->AddrBits[i]) & mask)
			return false;
	}
	return true;
}

/*
 * Resolve the remote next-hop address @addr of a route of the prefix @self
 * as rtm's forwarding would: the longest prefix with a route that covers
 * it, and that best route's next hops; remote ones among those are
 * resolved again, @depth levels deep at most.  The direct next hops found
 * are appended to @out.  A next hop without a gateway (the route covering
 * @addr is on the link) gives @addr itself as the gateway.  Returns false
 * when @addr resolves through no route, through a route that forwards
 * nowhere, through @self itself, or deeper than RESOLVE_DEPTH.
 */
static bool resolve(struct family *f, const RTM_NET_ADDRESS *self,
		    const uint8_t *addr, unsigned int depth,
		    struct rtnl_nexthop *out, unsigned int *n)
{
	static const uint8_t zero[16];
	RTM_NET_ADDRESS host = { .AddressFamily = f->af }, found;
	struct rtm_lookup_result l;
	struct rtnl_nexthop nh[MAX_NH];
	bool remote[MAX_NH];
	unsigned int i, k;

	if (depth > RESOLVE_DEPTH)
		return false;
	host.NumBits = alen(f->af) * 8;
	memcpy(host.AddrBits, addr, alen(f->af));
	if (rtm_bulk_lookup(f->h, RTM_VIEW_ID_UCAST, &host, &l, 1) !=
	    NO_ERROR || l.num_bits == 0xffff ||
	    l.route_flags & (RTM_ROUTE_FLAGS_MARTIAN | RTM_ROUTE_FLAGS_INACTIVE |
			     RTM_ROUTE_FLAGS_BLACKHOLE |
			     RTM_ROUTE_FLAGS_DISCARD))
		return false;
	if (l.num_bits == self->NumBits && in_prefix(f, addr, self))
		return false;	/* through itself */
	found = host;
	found.NumBits = l.num_bits;
	memset(found.AddrBits, 0, sizeof(found.AddrBits));
	for (i = 0; i < alen(f->af) && i * 8 < l.num_bits; i++)
		found.AddrBits[i] = addr[i] &
			(l.num_bits - i * 8 >= 8 ? 0xff :
			 (uint8_t)(0xff00 >> (l.num_bits - i * 8)));
	k = best_nexthops(f, &found, &l, NULL, nh, remote);
	if (!k)
		return false;
	for (i = 0; i < k; i++) {
		if (remote[i]) {
			if (!resolve(f, self, nh[i].gateway, depth + 1, out, n))
				return false;
			continue;
		}
		if (!memcmp(nh[i].gateway, zero, alen(f->af)))
			memcpy(nh[i].gateway, addr, alen(f->af));
		nh_append(out, n, &nh[i]);
	}
	return true;
}

/* A signature of a set of next hops, 0 for none. */
static uint32_t nh_sig(const struct rtnl_nexthop *nh, unsigned int n)
{
	uint32_t h = 2166136261u;
	const uint8_t *p = (const uint8_t *)nh;
	size_t i;

	if (!n)
		return 0;
	for (i = 0; i < n * sizeof(*nh); i++)
		h = (h ^ p[i]) * 16777619u;
	return h | 1;
}

/*
 * IPv6 multipath takes next hops with a gateway only (Linux refuses
 * device-only next hops in RTA_MULTIPATH with EINVAL): keep those of the
 * @n next hops at @nh that have one, or, when none has, the first alone,
 * and say so.
 */
static void v6_multipath_fit(struct family *f, const RTM_NET_ADDRESS *dst,
			     struct rtnl_nexthop *nh, unsigned int *n)
{
	static const uint8_t zero[16];
	char a[INET6_ADDRSTRLEN];
	unsigned int i, k = 0;

	for (i = 0; i < *n; i++)
		if (memcmp(nh[i].gateway, zero, sizeof(zero)))
			nh[k++] = nh[i];
	if (k == *n)
		return;
	f->narrowed++;
	inet_ntop(f->af, dst->AddrBits, a, sizeof(a));
	fprintf(stderr, "rtm-fibsync: %s: %s/%u: Linux takes no device-only next hop in an IPv6 multipath route: %s\n",
		f->name, a, dst->NumBits,
		k ? "those with a gateway go in" : "the first goes in alone");
	*n = k ? k : 1;
}

/*
 * Replace or remove the FIB's route of the prefix @dst after @l, the best
 * unicast route rtm has for it (a lookup capped at the prefix's own length
 * finds the dest itself if it has one); @route is that route's handle, or
 * NULL when the caller has none.  A route with remote next hops goes in
 * through the direct next hops they resolve to, and its prefix is kept in
 * f->deps; with @lazy, nothing is written for such a prefix whose
 * resolution is what it was.  fib_settle() collects the answers.
 */
static void sync_one(struct family *f, const RTM_NET_ADDRESS *dst,
		     const struct rtm_lookup_result *l, RTM_ROUTE_HANDLE route,
		     bool lazy)
{
	bool have = l->num_bits == dst->NumBits &&
		    !(l->route_flags & (RTM_ROUTE_FLAGS_MARTIAN |
					RTM_ROUTE_FLAGS_INACTIVE));
	struct rtnl_nexthop nh[MAX_NH], direct[MAX_NH];
	bool remote[MAX_NH], dep = false;
	uint8_t key[16] = { 0 };
	struct rtnl_route r;
	unsigned int i, n = 0;
	struct pfx *d;

	route_key(f, dst, &r);
	memcpy(key, dst->AddrBits, alen(f->af));
	r.type = RTN_UNICAST;
	/*
	 * The best route is one imported from the FIB: the kernel's own is
	 * there, a copy of ours would only shadow it (and stay when the
	 * kernel's goes), so none of ours, and ours out if there was one.
	 */
	if (have && opt.import &&
	    import_owns(&f->im, l->protocol_id, key, dst->NumBits)) {
		have = false;
		f->kernels++;
	}
	if (!have) {
		r.type = RTN_UNSPEC;
	} else if (l->route_flags & (RTM_ROUTE_FLAGS_BLACKHOLE |
				     RTM_ROUTE_FLAGS_DISCARD)) {
		r.type = RTN_BLACKHOLE;
	} else {
		n = best_nexthops(f, dst, l, route, nh, remote);
		r.nnh = n;
		r.nh = nh;
		for (i = 0; i < n && !remote[i]; i++)
			;
		dep = i < n;
	}
	if (dep) {
		bool ok = true;

		r.nnh = 0;
		r.nh = direct;
		for (i = 0; i < n && ok; i++)
			if (remote[i])
				ok = resolve(f, dst, nh[i].gateway, 1, direct,
					     &r.nnh);
			else
				nh_append(direct, &r.nnh, &nh[i]);
		if (!ok)
			r.nnh = 0;
		d = pfx_lookup(&f->deps, key, dst->NumBits);
		if (lazy && d && d->mark && d->sig == nh_sig(direct, r.nnh))
			return;
		d = pfx_add(&f->deps, key, dst->NumBits);
		d->mark = 1;
		d->sig = nh_sig(direct, r.nnh);
		if (!ok) {
			char a[INET6_ADDRSTRLEN];

			f->unresolved++;
			inet_ntop(f->af, key, a, sizeof(a));
			fprintf(stderr, "rtm-fibsync: %s: %s/%u: a remote next hop resolves through no route of rtm, itself, or more than %u levels: left out\n",
				f->name, a, dst->NumBits, RESOLVE_DEPTH);
		}
	} else {
		d = pfx_lookup(&f->deps, key, dst->NumBits);
		if (d)
			d->mark = 0;
	}
	if (r.type == RTN_UNSPEC || (r.type == RTN_UNICAST && !r.nnh)) {
		/* Nowhere to send it: not in the FIB then. */
		fib_write(f, &r, true);
		return;
	}
	if (f->af == AF_INET6 && r.nnh > 1)
		v6_multipath_fit(f, dst, dep ? direct : nh, &r.nnh);
	fib_write(f, &r, false);
}

/* Bring the FIB in line with rtm for a batch of changed dests. */
static void sync_prefixes(struct family *f, const RTM_NET_ADDRESS *dsts,
			  const RTM_ROUTE_HANDLE *routes, size_t n)
{
	struct rtm_lookup_result *res = calloc(n, sizeof(*res));
	DWORD st;
	size_t i;

	if (!res)
		die("out of memory");
	st = rtm_bulk_lookup(f->h, RTM_VIEW_ID_UCAST, dsts, res, n);
	if (st != NO_ERROR)
		die("%s: rtm_bulk_lookup: error %u", f->name, st);
	for (i = 0; i < n; i++)
		sync_one(f, &dsts[i], &res[i], routes ? routes[i] : NULL,
			 false);
	fib_settle(f);
	free(res);
}

/* Walk the infos of a batch of dests into prefixes and best routes. */
static void sync_infos(struct family *f, const char *buf, size_t stride,
		       unsigned int n)
{
	RTM_NET_ADDRESS dsts[n];
	RTM_ROUTE_HANDLE routes[n];
	unsigned int i;

	for (i = 0; i < n; i++) {
		const RTM_DEST_INFO *di = (const void *)(buf + i * stride);

		dsts[i] = di->DestAddress;
		routes[i] = di->NumberOfViews ? di->ViewInfo[0].Route : NULL;
	}
	sync_prefixes(f, dsts, routes, n);
}

/*
 * The routes with remote next hops, resolved again: a change to any dest
 * may change what they resolve through (the resolving route's next hops,
 * a longer or shorter prefix covering the remote address, its going or
 * coming), and telling which dests a resolution depends on costs more than
 * resolving all of them again.  So after every batch of changes each
 * dependent is looked up and resolved again, a few lookups each, and only
 * those whose direct next hops changed are written to the FIB: the cost
 * is bounded by the number of dependents, not by the table.
 */
static void sync_dependents(struct family *f)
{
	RTM_NET_ADDRESS *dsts;
	struct rtm_lookup_result *res;
	size_t i, n = 0;

	if (!f->deps.count)
		return;
	dsts = calloc(f->deps.count, sizeof(*dsts));
	res = calloc(f->deps.count, sizeof(*res));
	if (!dsts || !res)
		die("out of memory");
	for (i = 0; i < f->deps.cap; i++) {
		if (!f->deps.slot[i].used || !f->deps.slot[i].mark)
			continue;
		dsts[n].AddressFamily = f->af;
		dsts[n].NumBits = f->deps.slot[i].len;
		memcpy(dsts[n].AddrBits, f->deps.slot[i].addr, 16);
		n++;
	}
	if (n && rtm_bulk_lookup(f->h, RTM_VIEW_ID_UCAST, dsts, res, n) !=
	    NO_ERROR)
		die("%s: rtm_bulk_lookup of dependents failed", f->name);
	for (i = 0; i < n; i++)
		sync_one(f, &dsts[i], &res[i], NULL, true);
	fib_settle(f);
	free(dsts);
	free(res);
}

/* Take every change queued and apply it. */
static void drain(struct family *f)
{
	bool touched = false;
	UINT max = f->profile.MaxHandlesInEnum;
	size_t stride = RTM_SIZE_OF_DEST_INFO(1);
	char *buf = calloc(max, stride);
	UINT n;
	DWORD st;

	if (!buf)
		die("out of memory");
	do {
		n = max;
		st = RtmGetChangedDests(f->h, f->notify, &n, (void *)buf);
		if (st != NO_ERROR && st != ERROR_NO_MORE_ITEMS)
			die("%s: RtmGetChangedDests: error %u", f->name, st);
		if (!n)
			break;
		sync_infos(f, buf, stride, n);
		RtmReleaseChangedDests(f->h, f->notify, n, (void *)buf);
		touched = true;
	} while (st == NO_ERROR);
	free(buf);
	if (touched)
		sync_dependents(f);
}

struct dump_ctx {
	struct family *f;
	struct pfx_set *set;
};

/*
 * Routes of ours in our table, as the dump finds them: our protocol at our
 * metric.  At start they are ours from an earlier run (the lock says no
 * other instance keeps them), so they go into the set of ours as well.
 */
static void dump_ours(const struct rtmsg *rtm, struct rtattr *const *tb,
		      void *arg)
{
	struct dump_ctx *c = arg;
	uint32_t table = tb[RTA_TABLE] ? *(uint32_t *)RTA_DATA(tb[RTA_TABLE]) :
					 rtm->rtm_table;
	uint32_t metric = tb[RTA_PRIORITY] ?
			  *(uint32_t *)RTA_DATA(tb[RTA_PRIORITY]) : 0;
	uint8_t addr[16] = { 0 };

	if (rtm->rtm_protocol != opt.rtproto || table != opt.table ||
	    metric != opt.metric)
		return;
	if (tb[RTA_DST])
		memcpy(addr, RTA_DATA(tb[RTA_DST]), alen(c->f->af));
	pfx_add(c->set, addr, rtm->rtm_dst_len);
	pfx_add(&c->f->own, addr, rtm->rtm_dst_len)->mark = 1;
}

static void fib_ours(struct family *f, struct pfx_set *set)
{
	struct dump_ctx c = { .f = f, .set = set };
	int err;

	err = rtnl_route_dump(&f->nl, f->af, dump_ours, &c);
	if (err)
		die("%s: route dump: %s", f->name, strerror(-err));
}

#define DUMP_BATCH	4096	/* dests a dump call returns */

/*
 * The full resync: every dest of rtm in, then what the FIB still has of
 * ours and rtm does not, out.  rtm's side is read with rtm_bulk_dump():
 * values, no handles to take and release, thousands of dests a call.
 */
static bool resync(struct family *f, bool only_if_missing)
{
	struct pfx_set before = { 0 };
	RTM_NET_ADDRESS cursor = { 0 };
	struct rtm_dump_entry *buf;
	size_t i, n, stale = 0, missing = 0;
	DWORD st;

	/*
	 * What is ours is what the FIB has of ours now: a route of ours the
	 * kernel flushed (device down, address gone) or an administrator
	 * deleted is ours no more, and is created again below.
	 */
	for (i = 0; i < f->own.cap; i++)
		if (f->own.slot[i].used && f->own.slot[i].mark)
			f->own.slot[i].mark = 2;
	fib_ours(f, &before);
	for (i = 0; i < f->own.cap; i++)
		if (f->own.slot[i].used && f->own.slot[i].mark == 2) {
			f->own.slot[i].mark = 0;
			missing++;
		}
	if (only_if_missing && !missing) {
		free(before.slot);
		return false;
	}
	buf = calloc(DUMP_BATCH, sizeof(*buf));
	if (!buf)
		die("out of memory");
	do {
		n = DUMP_BATCH;
		st = rtm_bulk_dump(f->h, RTM_VIEW_ID_UCAST, &cursor, buf, &n);
		if (st != NO_ERROR && st != ERROR_NO_MORE_ITEMS)
			die("%s: rtm_bulk_dump: error %u", f->name, st);
		for (i = 0; i < n; i++) {
			RTM_NET_ADDRESS dst;
			uint8_t addr[16] = { 0 };
			struct pfx *p;

			memcpy(&dst, &buf[i].dest, sizeof(dst));
			sync_one(f, &dst, &buf[i].best, NULL, false);
			if (!before.cap)
				continue;
			memcpy(addr, dst.AddrBits, alen(f->af));
			p = pfx_find(&before, addr, dst.NumBits);
			if (p->used)
				p->used = 2;	/* rtm has it */
		}
		fib_settle(f);
	} while (st == NO_ERROR);
	free(buf);

	for (i = 0; i < before.cap; i++) {
		struct rtnl_route r;
		RTM_NET_ADDRESS a = {
			.AddressFamily = f->af,
			.NumBits = before.slot[i].len,
		};

		if (before.slot[i].used != 1)
			continue;
		memcpy(a.AddrBits, before.slot[i].addr, 16);
		route_key(f, &a, &r);
		fib_write(f, &r, true);
		stale++;
	}
	fib_settle(f);
	free(before.slot);
	say("%s: resync: %zu of its routes had gone, %zu stale removed",
	    f->name, missing, stale);
	say_counts(f);
	return true;
}

/*
 * The FIB, watched: links, addresses and routes.  A device or address
 * change may have taken routes of ours with it (IPv4 says nothing of the
 * routes a device takes down) or may let the FIB take a route it refused,
 * so it asks for a full resync (and, with -I, a full import: connected
 * routes come and go with them, static ones go with their device); a
 * route of ours deleted by someone else asks for one of its family if the
 * FIB then lacks any route of ours; a static route of our table added,
 * changed or deleted asks for the static routes of its family to be
 * imported again.
 */
#define RESYNC_ALL	(1U << 2)
#define IMPORT_ROUTES(i)	(1U << (3 + (i)))	/* i: family */

static int monitor_open(void)
{
	static const unsigned int groups[] = {
		RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
		RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE,
	};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, size = 1024 * 1024;
	unsigned int i;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_ROUTE);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("rtnetlink monitor: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			       &groups[i], sizeof(groups[i])))
			die("rtnetlink monitor: group %u: %s", groups[i],
			    strerror(errno));
	return fd;
}

/* A static route of our table, new, changed or gone: import again. */
static unsigned int monitor_static(struct nlmsghdr *h)
{
	struct rtmsg *rtm = NLMSG_DATA(h);
	struct rtattr *tb[RTA_MAX + 1];
	uint32_t table;
	int i;

	if (rtm->rtm_family == AF_INET)
		i = 0;
	else if (rtm->rtm_family == AF_INET6)
		i = 1;
	else
		return 0;
	if (!families[i].im.kind[1].h || !IMPORT_IS_STATIC(rtm->rtm_protocol))
		return 0;
	rtnl_attrs(RTM_RTA(rtm), RTM_PAYLOAD(h), tb, RTA_MAX);
	table = tb[RTA_TABLE] ? *(uint32_t *)RTA_DATA(tb[RTA_TABLE]) :
				rtm->rtm_table;
	return table == opt.table ? IMPORT_ROUTES(i) : 0;
}

/* A route of ours, as we last left it, that the FIB says is gone. */
static unsigned int monitor_route(struct nlmsghdr *h)
{
	struct rtmsg *rtm = NLMSG_DATA(h);
	struct rtattr *a = RTM_RTA(rtm);
	int len = RTM_PAYLOAD(h);
	uint32_t table = rtm->rtm_table, metric = 0;
	uint8_t addr[16] = { 0 };
	struct family *f;
	struct pfx *p;

	if (rtm->rtm_family == AF_INET)
		f = &families[0];
	else if (rtm->rtm_family == AF_INET6)
		f = &families[1];
	else
		return 0;
	if (rtm->rtm_protocol != opt.rtproto || !f->h)
		return 0;
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_TABLE)
			table = *(uint32_t *)RTA_DATA(a);
		else if (a->rta_type == RTA_PRIORITY)
			metric = *(uint32_t *)RTA_DATA(a);
		else if (a->rta_type == RTA_DST)
			memcpy(addr, RTA_DATA(a), alen(f->af));
	}
	if (table != opt.table || metric != opt.metric)
		return 0;
	/* Our own deletes have cleared the mark by now. */
	p = pfx_lookup(&f->own, addr, rtm->rtm_dst_len);
	return p && p->mark ? 1U << (f - families) : 0;
}

/* Read what the monitor has; what to resync (bits: family, RESYNC_ALL). */
static unsigned int monitor_read(int fd)
{
	static char buf[64 * 1024] __attribute__((aligned(8)));
	unsigned int need = 0;

	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			/* Lost some: only a full resync knows what. */
			if (errno == ENOBUFS) {
				need |= RESYNC_ALL;
				continue;
			}
			break;
		}
		for (; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
			switch (h->nlmsg_type) {
			case RTM_NEWLINK:
			case RTM_DELLINK:
			case RTM_NEWADDR:
			case RTM_DELADDR:
				need |= RESYNC_ALL;
				break;
			case RTM_NEWROUTE:
				need |= monitor_static(h);
				break;
			case RTM_DELROUTE:
				need |= monitor_route(h) | monitor_static(h);
				break;
			}
		}
	}
	return need;
}

/* Remove every route of ours from the FIB, and only those. */
static void cleanup(struct family *f)
{
	unsigned long before = f->removed;
	size_t i;

	for (i = 0; i < f->own.cap; i++) {
		struct rtnl_route r;
		RTM_NET_ADDRESS a = {
			.AddressFamily = f->af,
			.NumBits = f->own.slot[i].len,
		};

		if (!f->own.slot[i].used || !f->own.slot[i].mark)
			continue;
		memcpy(a.AddrBits, f->own.slot[i].addr, 16);
		route_key(f, &a, &r);
		fib_write(f, &r, true);
	}
	fib_settle(f);
	say("%s: removed %lu routes on the way out", f->name,
	    f->removed - before);
	free(f->own.slot);
	free(f->deps.slot);
	free(f->pend);
}

/*
 * One instance per (table, protocol, metric, family) in a namespace: two
 * would take each other's routes for stale.  The lock is an abstract unix
 * socket, which the network namespace scopes and the kernel releases when
 * the process ends, however it ends.
 */
static void family_lock(struct family *f)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int len;

	len = snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1,
		       "rtm-fibsync/%s/table=%u/proto=%u/metric=%u", f->name,
		       opt.table, opt.rtproto, opt.metric);
	f->lock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (f->lock < 0)
		die("socket: %s", strerror(errno));
	if (bind(f->lock, (struct sockaddr *)&sa,
		 offsetof(struct sockaddr_un, sun_path) + 1 + len)) {
		if (errno == EADDRINUSE)
			die("%s: another rtm-fibsync keeps table %u, protocol %u, metric %u of this namespace",
			    f->name, opt.table, opt.rtproto, opt.metric);
		die("%s: lock: %s", f->name, strerror(errno));
	}
}

static unsigned int number(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s || v > 0xffffffffUL)
		die("bad %s: %s", what, s);
	return v;
}

static void usage(FILE *f, int status)
{
	fprintf(f,
		"usage: rtm-fibsync [-4] [-6] [-I] [-t TABLE] [-P PROTO] [-m METRIC] [-i INSTANCE] [-v]\n"
		"\n"
		"Keep this namespace's FIB equal to rtm's best unicast routes until\n"
		"SIGINT or SIGTERM, then remove the routes it installed.\n"
		"\n"
		"Its routes are those of protocol PROTO at metric METRIC in TABLE;\n"
		"where another route of that prefix is at METRIC already, it leaves\n"
		"that route alone and says so on stderr. One instance per TABLE,\n"
		"PROTO, METRIC and family in a namespace: a second one exits 1.\n"
		"It follows device, address and route changes: routes of its own\n"
		"that go are put back, routes the FIB refused (gateway off the\n"
		"link, device down) are reported on stderr and retried.\n"
		"A route with remote next hops goes in through the gateways\n"
		"that rtm's routes to those next hops use, and follows them.\n"
		"\n"
		"With -I it also registers the kernel's routes with rtm and keeps\n"
		"them there: the prefixes of the addresses of the interfaces that\n"
		"are up as connected routes (protocol PROTO_IP_LOCAL; not /32,\n"
		"/128, link-local, loopback or noprefixroute ones), and the\n"
		"unicast routes of TABLE of protocol boot or static (ip route add)\n"
		"as static routes (PROTO_IP_NT_STATIC), with their next hops.\n"
		"Where such a route is rtm's best, it leaves the FIB to the kernel.\n"
		"\n"
		"  -4, -6       IPv4 or IPv6 only (default: both)\n"
		"  -I, --import the kernel's connected and static routes into rtm\n"
		"  -t TABLE     FIB table (default 254, main)\n"
		"  -P PROTO     route protocol of its FIB routes (default 190)\n"
		"  -m METRIC    their metric (default 200)\n"
		"  -i INSTANCE  rtm instance (default 0)\n"
		"  -v           say what it does on stderr\n"
		"  -h, --help   this text\n");
	exit(status);
}

int main(int argc, char **argv)
{
	bool want[2] = { false, false };
	struct pollfd pfd[3];
	sigset_t sigs;
	int c, i, sfd, mon;

	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "import", no_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 },
	};

	while ((c = getopt_long(argc, argv, "46It:P:m:i:vh", longopts,
				NULL)) != -1) {
		switch (c) {
		case '4':
			want[0] = true;
			break;
		case '6':
			want[1] = true;
			break;
		case 'I':
			opt.import = true;
			break;
		case 't':
			opt.table = number(optarg, "table");
			break;
		case 'P':
			opt.rtproto = number(optarg, "protocol");
			if (opt.rtproto > 255)
				die("protocol above 255: %s", optarg);
			break;
		case 'm':
			opt.metric = number(optarg, "metric");
			break;
		case 'i':
			opt.instance = number(optarg, "instance");
			break;
		case 'v':
			opt.verbose = true;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	if (!want[0] && !want[1])
		want[0] = want[1] = true;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sfd < 0 || wake_fd < 0)
		die("signalfd/eventfd: %s", strerror(errno));

	for (i = 0; i < 2; i++)
		if (want[i])
			family_lock(&families[i]);
	for (i = 0; i < 2; i++)
		if (want[i])
			family_open(&families[i]);
	/* Watching before the first resync: nothing falls between. */
	mon = monitor_open();
	for (i = 0; i < 2; i++)
		if (want[i]) {
			/* Imported first: the export then skips them. */
			if (opt.import)
				import_sync(&families[i].im, &families[i].nl,
					    IMPORT_CONNECTED | IMPORT_STATIC);
			resync(&families[i], false);
			drain(&families[i]);
			refusals_done(&families[i]);
		}
	/*
	 * Ready: the FIB has every best route rtm has (but those imported
	 * from it), and rtm has what was imported.
	 */
	printf("rtm-fibsync: in sync\n");
	fflush(stdout);

	pfd[0] = (struct pollfd){ .fd = wake_fd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pfd[2] = (struct pollfd){ .fd = mon, .events = POLLIN };
	for (;;) {
		unsigned int need;
		uint64_t v;

		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		if (pfd[1].revents)
			break;
		need = pfd[2].revents ? monitor_read(mon) : 0;
		for (i = 0; i < 2; i++)
			if (want[i] && opt.import &&
			    need & (RESYNC_ALL | IMPORT_ROUTES(i)))
				import_sync(&families[i].im, &families[i].nl,
					    need & RESYNC_ALL ?
					    IMPORT_CONNECTED | IMPORT_STATIC :
					    IMPORT_STATIC);
		for (i = 0; i < 2; i++)
			if (want[i] && (need & (RESYNC_ALL | 1U << i)))
				resync(&families[i], !(need & RESYNC_ALL));
		if (read(wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			die("eventfd: %s", strerror(errno));
		for (i = 0; i < 2; i++)
			if (want[i]) {
				drain(&families[i]);
				refusals_done(&families[i]);
				say_counts(&families[i]);
			}
	}

	for (i = 0; i < 2; i++)
		if (want[i]) {
			cleanup(&families[i]);
			refusals_done(&families[i]);
			family_close(&families[i]);
		}
	return 0;
}
