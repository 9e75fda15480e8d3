// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures in every ioctl of /dev/rtm, one at a time.
 *
 * Each case is one representative call of the library (an RTMv2 function,
 * or an rtm_bulk.h call for the bulk ioctls; the callee's side of a method
 * call, which only the library's dispatcher makes, as raw ioctls), made
 * again and again with /proc/thread-self/fail-nth = 1, 2, 3, ...: the n-th
 * allocation the calling thread makes fails, be it in rtm.ko, in the rest
 * of the kernel on the call's way (opening a file, creating a thread), or
 * in the kernel's debugging (kmemleak's metadata).  The count runs out when
 * the call makes fewer than n allocations: then every failure point of the
 * call has been tried once.  A second pass makes every allocation from the
 * n-th on fail as well (make-it-fail), which gets past the retries that
 * absorb a single failure (an XArray node, a kvmalloc() falling back to
 * vmalloc) to the error paths behind them.
 *
 * After each injected failure the call must report a Win32 error the case
 * accepts (ERROR_NOT_ENOUGH_MEMORY, mostly) and leave everything as it was:
 * the namespace's counters and per-table lines of /proc/net/rtm/stats, the
 * dump of both views (rtm_bulk_dump), every route and its attributes,
 * the caller's next hops, and what the case itself looks at (a list's
 * routes, a subscription's queue, a lock, an enumeration's position).  A
 * failure the kernel tolerates by design (a notification queue that cannot
 * grow goes into overflow mode; kmemleak falls back to its pool) lets the
 * call succeed: then the state must be that of an undisturbed success,
 * which is then undone.  The bulk calls stop at the first failure and say
 * how far they got: exactly that many entries must have been applied.
 *
 * Each case runs in its own process (the harness forks), all of them in
 * one network namespace of their own, with the process's memory locked so
 * that its page faults do not take the injected failure.  Every case
 * reports its failure points as a TAP comment,
 *	# failnth: RTM_IOC_ADD_ROUTE plain, watched: 15 failure points ...
 * and the last test sums them up per ioctl.  Kernels without fault
 * injection (Debian's) skip everything.  Arguments name the only cases to
 * run (failnth_test add_route lock).
 */
#include <sched.h>
#include <stdatomic.h>

#include "kselftest_harness.h"
#include "rtm_selftest.h"
#include "route_helpers.h"
#include "rtm_pref.h"

#define INST		5
#define FAM		AF_INET
#define P_E		0x5e01		/* the caller */
#define P_O		0x5e02		/* another entity, with routes */
#define P_F		0x5e03		/* registered by the cases */
#define P_K		0x5e04		/* method callers */
#define P_C		0x5e05		/* method callees */
#define P_R		0x5e06		/* the raw method callee */
#define P_PREF		0x5e10		/* given a default preference */
#define NMETHODS_O	2

/* A bound on failure points per call, far above any call's. */
#define MAX_POINTS	5000
/* Stop a case after this many broken failure points: one says enough. */
#define MAX_REPORTS	3

#define TTL_LONG	(3600 * 1000)	/* ms: never runs out in a test */
#define HOLD_MS		100

/* ------------------------------------------------------------------ */
/* What the table looks like, by value                                 */
/* ------------------------------------------------------------------ */

#define SNAP_TABLES	4
#define SNAP_DUMP	32
#define SNAP_ROUTES	32
#define SNAP_NHOPS	16
#define SNAP_EXTRA	16
#define SNAP_HOPS	4

/* A next hop by its key. */
struct nhkey {
	RTM_NET_ADDRESS addr;
	ULONG ifindex;
};

/* A route, with its handles turned into what they name. */
struct rrec {
	RTM_NET_ADDRESS dest;
	ULONG owner;			/* protocol id of the owner */
	UCHAR state, flags1;
	USHORT flags;
	ULONG metric, pref, views;
	uint64_t esi;
	UINT nnh;
	struct nhkey neighbour;
	struct nhkey nh[SNAP_HOPS];
};

/* A next hop of the caller. */
struct nrec {
	struct nhkey key;
	USHORT state, flags;
	uint64_t esi;
	bool remote;
};

struct tline {
	unsigned int inst, fam;
	long dests, routes, nexthops, attrs, bytes;
};

struct snap {
	long tables, entities, handles, holds, events_lost;
	unsigned int nt;
	struct tline t[SNAP_TABLES];
	unsigned int ndump[2];
	struct rtm_dump_entry dump[2][SNAP_DUMP];
	unsigned int nroutes;
	struct rrec r[SNAP_ROUTES];
	unsigned int nnh;
	struct nrec n[SNAP_NHOPS];
	unsigned int nx;
	uint64_t x[SNAP_EXTRA];		/* what the case looks at */
};

/* ------------------------------------------------------------------ */
/* The world of one case                                               */
/* ------------------------------------------------------------------ */

#define BULK_N		5
#define LOOKUP_N	4
#define ENUM_ROOM	16
#define DI_VIEWS	2		/* RTM_VIEW_MASK_ALL: both views */
#define DI_SIZE		RTM_SIZE_OF_DEST_INFO(DI_VIEWS)

struct fcase;

/*
 * Everything lives here, in the test process's bss, which locking the
 * memory populates: no buffer of a call faults while a failure is armed.
 */
static struct world {
	const struct fcase *c;
	unsigned int n;			/* the failure point being tried */
	int failures;
	struct {
		DWORD st;
		unsigned int n;
	} errs_seen[4];			/* the errors injected failures gave */
	unsigned int tolerated;		/* successes despite a failure */
	struct failnth fn;		/* this thread's fail-nth */
	bool ready;

	RTM_ENTITY_HANDLE e, o;		/* the caller; another entity */
	RTM_NEXTHOP_HANDLE nh1, nh2, nh3, onh;
	RTM_ROUTE_HANDLE r1, r2, r3, or1, or3;
	RTM_DEST_HANDLE d1, d3;

	/* Per case and per iteration. */
	RTM_ENTITY_HANDLE f, k, cee;	/* registered for the case */
	RTM_ENUM_HANDLE en;
	RTM_ROUTE_LIST_HANDLE list;
	RTM_NOTIFY_HANDLE sub;
	RTM_ROUTE_HANDLE hx;		/* a route made for the iteration */
	RTM_DEST_HANDLE dx;		/* ... and its dest */
	RTM_NEXTHOP_HANDLE nhx;
	HANDLE h[8];
	UINT num;
	DWORD flags;
	size_t done;
	PVOID *cell;
	BOOL yes;

	struct route_buf rb;		/* route info in and out */
	RTM_NET_ADDRESS addr;
	RTM_NEXTHOP_INFO ni;
	RTM_ENTITY_INFO ei;
	RTM_ENTITY_INFO eis[8];
	RTM_ENTITY_EXPORT_METHOD methods[8];
	unsigned char di[ENUM_ROOM * DI_SIZE] __attribute__((aligned(8)));
	HANDLE hs[ENUM_ROOM];
	struct rtm_route_entry bulk[BULK_N];
	RTM_NEXTHOP_HANDLE bulk_nh[2];
	RTM_NET_ADDRESS look[LOOKUP_N];
	struct rtm_lookup_result res[LOOKUP_N], res_ref[LOOKUP_N];
	struct rtm_dump_entry dump[SNAP_DUMP];

	/* Method calls. */
	int rfd;			/* the raw callee's file */
	uint64_t rh;			/* its entity */
	uint64_t cookie;
	pthread_t invoker;
	bool invoking;
	DWORD inv_status;
	UINT inv_size;
	unsigned char inv_in[64] __attribute__((aligned(8)));
	unsigned char inv_out[64] __attribute__((aligned(8)));
	unsigned char ctl_buf[64] __attribute__((aligned(8)));
	struct rtm_method_ctl ctl;

	/* Default preferences. */
	struct rtm_pref_entry prefs[32];
	size_t nprefs, prefs_total;
	ULONG pref;

	/* Snapshot scratch, and the snapshots. */
	struct rtm_pref_entry sprefs[32];
	struct route_buf sri;
	RTM_NEXTHOP_INFO sni;
	HANDLE shs[ENUM_ROOM];
	struct {
		HANDLE h;
		struct nhkey key;
	} nhcache[64];
	unsigned int nnhcache;
	struct {
		HANDLE h;
		ULONG proto;
	} ecache[16];
	unsigned int necache;
	struct snap base, ref, cur, refs[BULK_N + 1];
} W;

static atomic_uint method_runs;

/* ------------------------------------------------------------------ */
/* Reporting                                                           */
/* ------------------------------------------------------------------ */

struct fcase {
	const char *ioctl;		/* RTM_IOC_... */
	const char *what;		/* which call of it */
	DWORD ok;			/* what an undisturbed call returns */
	DWORD errs[3];			/* accepted errors; none: ENOMEM */
	bool nochange;			/* success changes nothing either */
	bool partial;			/* bulk: the first W.done applied */
	bool single_only;		/* no failing from the n-th on */
	bool hops;			/* may change the caller's next hops */
	bool spread;			/* hands out several objects */
	int (*setup)(void);		/* once, before the reference call */
	void (*teardown)(void);		/* once, at the end */
	int (*pre)(void);		/* each time, before the snapshot */
	void (*ready)(void);		/* after it, just before the call */
	DWORD (*call)(void);		/* the call, under fail-nth */
	int (*check)(bool ok);		/* its outputs, right after it */
	int (*undo)(void);		/* back to the snapshot after success */
	int (*post)(bool ok);		/* each time, at the end */
	void (*observe)(struct snap *s);	/* the case's own state */
};

static void note(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("# failnth: %s %s, n=%u: %s\n", W.c ? W.c->ioctl : "-",
	       W.c ? W.c->what : "-", W.n, line);
	fflush(stdout);
}

/* A broken expectation: say it, count it, and return -1. */
#define FAIL(fmt, ...) ({ note(fmt, ##__VA_ARGS__); W.failures++; -1; })

/* A setup step that must work: NO_ERROR, or a failure. */
#define NEED(call) ({							\
	DWORD __st = (call);						\
	__st == NO_ERROR ? 0 :						\
		FAIL("%s:%d: %s: %s (%u)", __FILE__, __LINE__, #call,	\
		     win32_name(__st), __st);				\
})

#define NEED_TRUE(cond) ((cond) ? 0 :					\
	FAIL("%s:%d: not true: %s", __FILE__, __LINE__, #cond))

/* ------------------------------------------------------------------ */
/* Snapshots                                                           */
/* ------------------------------------------------------------------ */

/* /proc/net/rtm/stats, kept open: a read from offset 0 makes it anew. */
static int stats_fd = -1;
static char stats_buf[4096];

static int stats_into(struct snap *s)
{
	char *line, *save = NULL, name[64], rest[8];
	struct tline t;
	ssize_t len;
	long value;

	if (stats_fd < 0)
		stats_fd = open(RTM_STATS, O_RDONLY | O_CLOEXEC);
	len = stats_fd < 0 ? -1 : pread(stats_fd, stats_buf,
					sizeof(stats_buf) - 1, 0);
	if (len < 0)
		return FAIL("%s: %s", RTM_STATS, strerror(errno));
	stats_buf[len] = '\0';
	for (line = strtok_r(stats_buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		memset(&t, 0, sizeof(t));
		if (sscanf(line, "table %u %u dests %ld routes %ld nexthops %ld attrs %ld bytes %ld",
			   &t.inst, &t.fam, &t.dests, &t.routes, &t.nexthops,
			   &t.attrs, &t.bytes) == 7) {
			if (s->nt < SNAP_TABLES)
				s->t[s->nt++] = t;
			continue;
		}
		if (sscanf(line, "%63s %ld %7s", name, &value, rest) != 2)
			continue;
		if (!strcmp(name, "tables"))
			s->tables = value;
		else if (!strcmp(name, "entities"))
			s->entities = value;
		else if (!strcmp(name, "handles"))
			s->handles = value;
		else if (!strcmp(name, "holds"))
			s->holds = value;
		else if (!strcmp(name, "events_lost"))
			s->events_lost = value;
	}
	return 0;
}

static int dump_into(struct snap *s, unsigned int v)
{
	RTM_NET_ADDRESS cursor;
	size_t count = SNAP_DUMP;
	DWORD st;

	memset(&cursor, 0, sizeof(cursor));
	st = rtm_bulk_dump(W.e, v, &cursor, s->dump[v], &count);
	if (st != ERROR_NO_MORE_ITEMS)
		return FAIL("rtm_bulk_dump of view %u: %s", v, win32_name(st));
	s->ndump[v] = count;
	return 0;
}

/* The key of a next hop, from a cache: keys never change. */
static int nh_key(HANDLE h, struct nhkey *k)
{
	unsigned int i;

	memset(k, 0, sizeof(*k));
	if (!h)
		return 0;
	for (i = 0; i < W.nnhcache; i++) {
		if (W.nhcache[i].h == h) {
			*k = W.nhcache[i].key;
			return 0;
		}
	}
	if (NEED(RtmGetNextHopInfo(W.e, h, &W.sni)))
		return -1;
	k->addr = W.sni.NextHopAddress;
	k->ifindex = W.sni.InterfaceIndex;
	RtmReleaseNextHopInfo(W.e, &W.sni);
	if (W.nnhcache < ARRAY_SIZE(W.nhcache)) {
		W.nhcache[W.nnhcache].h = h;
		W.nhcache[W.nnhcache++].key = *k;
	}
	return 0;
}

/* The protocol of an entity, from a cache. */
static int ent_proto(HANDLE h, ULONG *proto)
{
	unsigned int i;

	for (i = 0; i < W.necache; i++) {
		if (W.ecache[i].h == h) {
			*proto = W.ecache[i].proto;
			return 0;
		}
	}
	if (NEED(RtmGetEntityInfo(W.e, h, &W.ei)))
		return -1;
	*proto = W.ei.EntityId.EntityProtocolId;
	if (W.necache < ARRAY_SIZE(W.ecache)) {
		W.ecache[W.necache].h = h;
		W.ecache[W.necache++].proto = *proto;
	}
	return 0;
}

static int route_into(HANDLE h, struct rrec *r)
{
	RTM_ROUTE_INFO *ri = &W.sri.ri;
	RTM_NEXTHOP_HANDLE *hops = hops_of(ri);
	RTM_NET_ADDRESS dest;
	unsigned int i;
	int err = 0;

	memset(r, 0, sizeof(*r));
	if (NEED(RtmGetRouteInfo(W.e, h, ri, &dest)))
		return -1;
	r->dest = dest;
	r->state = ri->State;
	r->flags1 = ri->Flags1;
	r->flags = ri->Flags;
	r->metric = ri->PrefInfo.Metric;
	r->pref = ri->PrefInfo.Preference;
	r->views = ri->BelongsToViews;
	r->esi = (uintptr_t)ri->EntitySpecificInfo;
	r->nnh = ri->NextHopsList.NumNextHops;
	err |= ent_proto(ri->RouteOwner, &r->owner);
	err |= nh_key(ri->Neighbour, &r->neighbour);
	for (i = 0; i < r->nnh && i < SNAP_HOPS; i++)
		err |= nh_key(hops[i], &r->nh[i]);
	err |= NEED(RtmReleaseRouteInfo(W.e, ri));
	return err;
}

static int cmp_bytes_rrec(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct rrec));
}

static int cmp_bytes_nrec(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct nrec));
}

/* Every route of the table, hold-down included, in a canonical order. */
static int routes_into(struct snap *s)
{
	RTM_ENUM_HANDLE en;
	UINT n, i;
	DWORD st;
	int err = 0;

	if (NEED(RtmCreateRouteEnum(W.e, NULL, RTM_VIEW_MASK_ANY,
				    RTM_ENUM_START, NULL, RTM_MATCH_NONE, NULL,
				    0, &en)))
		return -1;
	for (;;) {
		n = ENUM_ROOM;
		st = RtmGetEnumRoutes(W.e, en, &n, W.shs);
		if (st == ERROR_NO_MORE_ITEMS)
			break;
		if (st != NO_ERROR) {
			err = FAIL("RtmGetEnumRoutes: %s", win32_name(st));
			break;
		}
		for (i = 0; i < n && !err; i++) {
			if (s->nroutes >= SNAP_ROUTES) {
				err = FAIL("more than %u routes", SNAP_ROUTES);
				break;
			}
			err = route_into(W.shs[i], &s->r[s->nroutes++]);
		}
		err |= NEED(RtmReleaseRoutes(W.e, n, W.shs));
		if (err)
			break;
	}
	err |= NEED(RtmDeleteEnumHandle(W.e, en));
	qsort(s->r, s->nroutes, sizeof(s->r[0]), cmp_bytes_rrec);
	return err;
}

/* The caller's next hops. */
static int nexthops_into(struct snap *s)
{
	RTM_ENUM_HANDLE en;
	struct nrec *r;
	UINT n, i;
	DWORD st;
	int err = 0;

	if (NEED(RtmCreateNextHopEnum(W.e, RTM_ENUM_START, NULL, &en)))
		return -1;
	for (;;) {
		n = ENUM_ROOM;
		st = RtmGetEnumNextHops(W.e, en, &n, W.shs);
		if (st == ERROR_NO_MORE_ITEMS)
			break;
		if (st != NO_ERROR) {
			err = FAIL("RtmGetEnumNextHops: %s", win32_name(st));
			break;
		}
		for (i = 0; i < n && !err; i++) {
			if (s->nnh >= SNAP_NHOPS) {
				err = FAIL("over %u next hops", SNAP_NHOPS);
				break;
			}
			err = NEED(RtmGetNextHopInfo(W.e, W.shs[i], &W.sni));
			if (err)
				break;
			r = &s->n[s->nnh++];
			r->key.addr = W.sni.NextHopAddress;
			r->key.ifindex = W.sni.InterfaceIndex;
			r->state = W.sni.State;
			r->flags = W.sni.Flags;
			r->esi = (uintptr_t)W.sni.EntitySpecificInfo;
			r->remote = W.sni.RemoteNextHop != NULL;
			err = NEED(RtmReleaseNextHopInfo(W.e, &W.sni));
		}
		err |= NEED(RtmReleaseNextHops(W.e, n, W.shs));
		if (err)
			break;
	}
	err |= NEED(RtmDeleteEnumHandle(W.e, en));
	qsort(s->n, s->nnh, sizeof(s->n[0]), cmp_bytes_nrec);
	return err;
}

/*
 * The whole state.  The counters come last: looking takes handles, and
 * gives them back.
 */
static int snap_take(struct snap *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	err = dump_into(s, RTM_VIEW_ID_UCAST);
	err |= dump_into(s, RTM_VIEW_ID_MCAST);
	err |= routes_into(s);
	if (!W.c || W.c->hops)
		err |= nexthops_into(s);
	if (W.c && W.c->observe)
		W.c->observe(s);
	err |= stats_into(s);
	return err;
}

static void snap_extra(struct snap *s, uint64_t v)
{
	if (s->nx < SNAP_EXTRA)
		s->x[s->nx++] = v;
}

/* Tell how @got differs from @want; true if it does not. */
static bool snap_same(const struct snap *want, const struct snap *got,
		      bool report)
{
	char pa[64], pb[64];
	bool same = true;
	unsigned int i, v;

#define SAME_FIELD(f) do {						\
	if (want->f != got->f) {					\
		same = false;						\
		if (report)						\
			note("%s: %ld, want %ld", #f, (long)got->f,	\
			     (long)want->f);				\
	}								\
} while (0)
	SAME_FIELD(tables);
	SAME_FIELD(entities);
	SAME_FIELD(handles);
	SAME_FIELD(holds);
	SAME_FIELD(events_lost);
	SAME_FIELD(nt);
	for (i = 0; i < want->nt && i < got->nt; i++) {
		SAME_FIELD(t[i].dests);
		SAME_FIELD(t[i].routes);
		SAME_FIELD(t[i].nexthops);
		SAME_FIELD(t[i].attrs);
		SAME_FIELD(t[i].bytes);
	}
	for (v = 0; v < 2; v++) {
		if (want->ndump[v] == got->ndump[v] &&
		    !memcmp(want->dump[v], got->dump[v],
			    want->ndump[v] * sizeof(want->dump[v][0])))
			continue;
		same = false;
		if (!report)
			continue;
		note("dump of view %u: %u dests, want %u", v, got->ndump[v],
		     want->ndump[v]);
		for (i = 0; i < want->ndump[v] || i < got->ndump[v]; i++) {
			const struct rtm_dump_entry *a = &want->dump[v][i];
			const struct rtm_dump_entry *b = &got->dump[v][i];

			if (i < want->ndump[v] && i < got->ndump[v] &&
			    !memcmp(a, b, sizeof(*a)))
				continue;
			note("  first difference at %u: %s, want %s", i,
			     i < got->ndump[v] ?
			     pfx_str((const RTM_NET_ADDRESS *)&b->dest, pb,
				     sizeof(pb)) : "none",
			     i < want->ndump[v] ?
			     pfx_str((const RTM_NET_ADDRESS *)&a->dest, pa,
				     sizeof(pa)) : "none");
			break;
		}
	}
	if (want->nroutes != got->nroutes ||
	    memcmp(want->r, got->r, want->nroutes * sizeof(want->r[0]))) {
		same = false;
		for (i = 0; report && i < SNAP_ROUTES; i++) {
			const struct rrec *a = &want->r[i], *b = &got->r[i];

			if (!memcmp(a, b, sizeof(*a)))
				continue;
			note("routes: %u, want %u; first difference: %s owner %#x metric %u views %#x nnh %u, want %s owner %#x metric %u views %#x nnh %u",
			     got->nroutes, want->nroutes,
			     i < got->nroutes ?
			     pfx_str(&b->dest, pb, sizeof(pb)) : "none",
			     b->owner, b->metric, b->views, b->nnh,
			     i < want->nroutes ?
			     pfx_str(&a->dest, pa, sizeof(pa)) : "none",
			     a->owner, a->metric, a->views, a->nnh);
			break;
		}
	}
	if (want->nnh != got->nnh ||
	    memcmp(want->n, got->n, want->nnh * sizeof(want->n[0]))) {
		same = false;
		if (report)
			note("next hops of the caller: %u, want %u (or their infos differ)",
			     got->nnh, want->nnh);
	}
	if (want->nx != got->nx ||
	    memcmp(want->x, got->x, want->nx * sizeof(want->x[0]))) {
		same = false;
		for (i = 0; report && i < SNAP_EXTRA; i++) {
			if (want->x[i] == got->x[i] && i < want->nx)
				continue;
			note("the case's state [%u]: %#llx, want %#llx (%u values, want %u)",
			     i, (unsigned long long)got->x[i],
			     (unsigned long long)want->x[i], got->nx, want->nx);
			break;
		}
	}
#undef SAME_FIELD
	return same;
}

/*
 * The state must be @want now, or once what was freed after a grace
 * period or by a work item has gone (within a second).
 */
static int expect_state(const struct snap *want, const char *when)
{
	int i;

	for (i = 0; i < 20; i++) {
		if (snap_take(&W.cur))
			return -1;
		if (snap_same(want, &W.cur, false))
			return 0;
		usleep(50000);
	}
	note("%s: the state differs:", when);
	snap_same(want, &W.cur, true);
	W.failures++;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Helpers of the cases                                                */
/* ------------------------------------------------------------------ */

static RTM_NET_ADDRESS p4(uint8_t a, uint8_t b, uint8_t c, uint8_t d,
			  USHORT len)
{
	return pfx(FAM, len, a, b, c, d);
}

/* A route of @e to @dest over @nh with @pref and @metric; *@h held. */
static DWORD route_add(RTM_ENTITY_HANDLE e, RTM_NET_ADDRESS dest,
		       RTM_NEXTHOP_HANDLE nh, ULONG pref, ULONG metric,
		       RTM_VIEW_SET views, RTM_ROUTE_HANDLE *h)
{
	struct rspec s;

	memset(&s, 0, sizeof(s));
	s.pref = pref;
	s.metric = metric;
	s.views = views;
	s.neighbour = nh;
	s.nnh = 1;
	s.nh[0] = nh;
	if (h)
		*h = NULL;
	return rt_add(e, dest, &s, INFINITE, 0, h, NULL);
}

/* A held handle to the dest of @a (a dest info of no views holds it alone). */
static DWORD dest_get(RTM_NET_ADDRESS a, RTM_DEST_HANDLE *d)
{
	RTM_DEST_INFO *di = (RTM_DEST_INFO *)W.di;
	DWORD st;

	st = RtmGetExactMatchDestination(W.e, &a, RTM_BEST_PROTOCOL,
					 RTM_VIEW_MASK_ANY, di);
	*d = st == NO_ERROR ? di->DestHandle : NULL;
	return st;
}

static DWORD dest_put(RTM_DEST_HANDLE *d)
{
	RTM_DEST_INFO di;

	if (!*d)
		return NO_ERROR;
	memset(&di, 0, sizeof(di));
	di.DestHandle = *d;
	*d = NULL;
	return RtmReleaseDestInfo(W.e, &di);
}

static DWORD route_del(RTM_ROUTE_HANDLE *h)
{
	DWORD flags = 0, st;

	if (!*h)
		return NO_ERROR;
	st = RtmDeleteRouteToDest(W.e, *h, &flags);
	*h = NULL;
	return st;
}

/* The route of the iteration: 10.77.0.0/16, its handle and its dest. */
static int pre_routex(void)
{
	return NEED(route_add(W.e, p4(10, 77, 0, 0, 16), W.nh1, 5, 5,
			      RTM_VIEW_MASK_UCAST, &W.hx)) ||
	       NEED(dest_get(p4(10, 77, 0, 0, 16), &W.dx));
}

static int post_routex(void)
{
	return NEED(dest_put(&W.dx)) | NEED(route_del(&W.hx));
}

/* The next batch of an enumeration of any kind into W.di or W.hs. */
static DWORD enum_next(RTM_ENUM_HANDLE en, enum rtm_enum_type type,
		       UINT *num)
{
	*num = ENUM_ROOM;
	switch (type) {
	case RTM_ENUM_DESTS:
		return RtmGetEnumDests(W.e, en, num, (RTM_DEST_INFO *)W.di);
	case RTM_ENUM_ROUTES:
		return RtmGetEnumRoutes(W.e, en, num, W.hs);
	case RTM_ENUM_NEXTHOPS:
		return RtmGetEnumNextHops(W.e, en, num, W.hs);
	default:
		return RtmGetListEnumRoutes(W.e, en, num, W.hs);
	}
}

static DWORD enum_release(enum rtm_enum_type type, UINT num)
{
	if (!num)
		return NO_ERROR;
	switch (type) {
	case RTM_ENUM_DESTS:
		return RtmReleaseDests(W.e, num, (RTM_DEST_INFO *)W.di);
	case RTM_ENUM_NEXTHOPS:
		return RtmReleaseNextHops(W.e, num, W.hs);
	default:
		return RtmReleaseRoutes(W.e, num, W.hs);
	}
}

/* What a batch says, by value: a dest's address, a next hop's key... */
static uint64_t batch_value(enum rtm_enum_type type, UINT i)
{
	RTM_DEST_INFO *di;
	struct nhkey k;
	uint64_t v = 0;

	switch (type) {
	case RTM_ENUM_DESTS:
		di = (RTM_DEST_INFO *)(W.di + i * DI_SIZE);
		memcpy(&v, di->DestAddress.AddrBits, 4);
		return v << 8 | di->DestAddress.NumBits;
	case RTM_ENUM_NEXTHOPS:
		nh_key(W.hs[i], &k);
		memcpy(&v, k.addr.AddrBits, 4);
		return v << 8 | k.ifindex;
	default:
		/* Routes outlive the iterations: their handles will do. */
		return hval(W.hs[i]);
	}
}

/* An enumeration of @type for the cases: its batches' values are known. */
static DWORD enum_create(enum rtm_enum_type type, RTM_ENUM_HANDLE *en)
{
	switch (type) {
	case RTM_ENUM_DESTS:
		return RtmCreateDestEnum(W.e, RTM_VIEW_MASK_ALL, RTM_ENUM_START,
					 NULL, RTM_BEST_PROTOCOL, en);
	case RTM_ENUM_ROUTES:
		return RtmCreateRouteEnum(W.e, NULL, RTM_VIEW_MASK_ALL,
					  RTM_ENUM_START, NULL, RTM_MATCH_NONE,
					  NULL, 0, en);
	case RTM_ENUM_NEXTHOPS:
		return RtmCreateNextHopEnum(W.e, RTM_ENUM_START, NULL, en);
	default:
		return RtmCreateRouteListEnum(W.e, W.list, en);
	}
}

/*
 * A route list holding R1 and R3, for the route-list enumerations (the
 * other cases that use lists make their own).
 */
static int setup_list(void)
{
	HANDLE r[2] = { W.r1, W.r3 };

	return NEED(RtmCreateRouteList(W.e, &W.list)) ||
	       NEED(RtmInsertInRouteList(W.e, W.list, 2, r));
}

static void teardown_list(void)
{
	if (W.list)
		RtmDeleteRouteList(W.e, W.list);
	W.list = NULL;
}

static DWORD WINAPI cb_ignore(RTM_ENTITY_HANDLE h, RTM_EVENT_TYPE type,
			      PVOID c1, PVOID c2)
{
	(void)h;
	(void)type;
	(void)c1;
	(void)c2;
	return NO_ERROR;
}

/* Method 0 of every callee: the input back, and a count of its runs. */
static VOID WINAPI m_echo(RTM_ENTITY_HANDLE caller, RTM_ENTITY_HANDLE callee,
			  RTM_ENTITY_METHOD_INPUT *in,
			  RTM_ENTITY_METHOD_OUTPUT *out)
{
	UINT n = in->InputSize < out->OutputSize ? in->InputSize
						 : out->OutputSize;

	(void)caller;
	(void)callee;
	memcpy(out->OutputData, in->InputData, n);
	out->OutputSize = n;
	out->MethodStatus = NO_ERROR;
	atomic_fetch_add(&method_runs, 1);
}

/* Register an entity of protocol @proto; methods: m_echo and another. */
static DWORD reg_entity(ULONG proto, ULONG id, bool events, UINT nmethods,
			BOOL opaque, RTM_ENTITY_HANDLE *h)
{
	union {
		RTM_ENTITY_EXPORT_METHODS m;
		unsigned char room[sizeof(RTM_ENTITY_EXPORT_METHODS) +
				   4 * sizeof(RTM_ENTITY_EXPORT_METHOD)];
	} em;
	RTM_ENTITY_INFO info = entity_info(INST, FAM, proto, id);
	RTM_REGN_PROFILE prof;
	UINT i;

	memset(&em, 0, sizeof(em));
	em.m.NumMethods = nmethods;
	for (i = 0; i < nmethods; i++)
		((RTM_ENTITY_EXPORT_METHOD *)em.m.Methods)[i] = m_echo;
	return RtmRegisterEntity(&info, nmethods ? &em.m : NULL,
				 events ? cb_ignore : NULL, opaque, &prof, h);
}

static DWORD unreg(RTM_ENTITY_HANDLE *h)
{
	DWORD st;

	if (!*h)
		return NO_ERROR;
	st = RtmDeregisterEntity(*h);
	*h = NULL;
	return st;
}

/* The input the method callers send, and what the echo gives back. */
static RTM_ENTITY_METHOD_INPUT *inv_input(void)
{
	RTM_ENTITY_METHOD_INPUT *in = (RTM_ENTITY_METHOD_INPUT *)W.inv_in;

	in->MethodType = 1;
	in->InputSize = 4;
	memcpy(in->InputData, "ping", 4);
	return in;
}

static int inv_output_ok(const char *data)
{
	RTM_ENTITY_METHOD_OUTPUT *out = (RTM_ENTITY_METHOD_OUTPUT *)W.inv_out;

	if (W.inv_size != offsetof(RTM_ENTITY_METHOD_OUTPUT, OutputData) + 4 ||
	    out->MethodType != 1 || out->MethodStatus != NO_ERROR ||
	    out->OutputSize != 4 || memcmp(out->OutputData, data, 4))
		return FAIL("method output: %u bytes, type %u status %u size %u",
			    W.inv_size, out->MethodType, out->MethodStatus,
			    out->OutputSize);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Registration and entities                                           */
/* ------------------------------------------------------------------ */

/* A new entity with everything registration can allocate for. */
static int pre_register(void)
{
	W.f = NULL;
	return 0;
}

static DWORD call_register(void)
{
	return reg_entity(P_F, 1, true, 2, TRUE, &W.f);
}

static int check_register(bool ok)
{
	return NEED_TRUE(ok == (W.f != NULL));
}

static int undo_register(void)
{
	return NEED(unreg(&W.f));
}

/* An entity with a next hop and a route to take along. */
static int pre_deregister(void)
{
	RTM_NEXTHOP_HANDLE nh = NULL;
	RTM_NEXTHOP_INFO i = nh_info(p4(192, 0, 2, 50, 32), 50, 0, 0);
	DWORD flags = 0;

	return NEED(reg_entity(P_F, 1, true, 2, TRUE, &W.f)) ||
	       NEED(RtmAddNextHop(W.f, &i, &nh, &flags)) ||
	       NEED(rt_simple(W.f, p4(10, 88, 0, 0, 16), 3, 3, nh, NULL));
}

static DWORD call_deregister(void)
{
	return RtmDeregisterEntity(W.f);
}

static int check_deregister(bool ok)
{
	if (ok)
		W.f = NULL;
	return 0;
}

static int post_deregister(bool ok)
{
	return ok ? 0 : NEED(unreg(&W.f));
}

static DWORD call_get_entities(void)
{
	W.num = ARRAY_SIZE(W.eis);
	return RtmGetRegisteredEntities(W.e, &W.num, W.h, W.eis);
}

static int check_get_entities(bool ok)
{
	return ok ? NEED_TRUE(W.num == 2) : 0;
}

static int undo_get_entities(void)
{
	return NEED(RtmReleaseEntities(W.e, W.num, W.h));
}

static DWORD call_entity_info(void)
{
	memset(&W.ei, 0, sizeof(W.ei));
	return RtmGetEntityInfo(W.e, W.o, &W.ei);
}

static int check_entity_info(bool ok)
{
	return ok ? NEED_TRUE(W.ei.EntityId.EntityProtocolId == P_O) : 0;
}

/* ------------------------------------------------------------------ */
/* References                                                          */
/* ------------------------------------------------------------------ */

/* Handles of another entity's objects, which the caller does not hold. */
static int pre_reference(void)
{
	W.h[0] = W.or1;
	W.h[1] = W.or3;
	W.h[2] = W.onh;
	return 0;
}

static DWORD call_reference(void)
{
	return RtmReferenceHandles(W.e, 3, W.h);
}

static int undo_reference(void)
{
	return NEED(RtmReleaseRoutes(W.e, 2, W.h)) ||
	       NEED(RtmReleaseNextHops(W.e, 1, &W.h[2]));
}

static int pre_release(void)
{
	W.h[0] = W.or1;
	W.h[1] = W.or3;
	return NEED(RtmReferenceHandles(W.e, 2, W.h));
}

static DWORD call_release(void)
{
	return RtmReleaseRoutes(W.e, 2, W.h);
}

static int post_release(bool ok)
{
	return ok ? 0 : NEED(RtmReleaseRoutes(W.e, 2, W.h));
}

/*
 * Releasing a route whose pointer the caller took: after the release the
 * library asks which handles the caller still holds (RTM_HANDLES_QUERY) to
 * free the pointers of those it does not.  A failed query costs only the
 * memory of a pointer kept until the next one: the release stands.
 */
static int pre_release_pointer(void)
{
	PRTM_ROUTE_INFO rp;

	W.h[0] = NULL;
	if (pre_routex())
		return -1;
	W.h[0] = W.hx;
	return NEED(RtmReferenceHandles(W.e, 1, W.h)) ||
	       NEED(RtmGetRoutePointer(W.e, W.hx, &rp));
}

static DWORD call_release_pointer(void)
{
	return RtmReleaseRoutes(W.e, 1, W.h);
}

static int post_release_pointer(bool ok)
{
	return (ok ? 0 : NEED(RtmReleaseRoutes(W.e, 1, W.h))) | post_routex();
}

/* ------------------------------------------------------------------ */
/* Next hops                                                           */
/* ------------------------------------------------------------------ */

static int pre_add_nexthop(void)
{
	W.nhx = NULL;
	W.flags = 0;
	W.ni = nh_info(p4(192, 0, 2, 9, 32), 9, 0, 0x99);
	return 0;
}

/* A remote next hop: it resolves to the dest covering its address. */
static int pre_add_nexthop_remote(void)
{
	W.nhx = NULL;
	W.flags = 0;
	W.ni = nh_info(p4(10, 1, 5, 1, 32), 0, RTM_NEXTHOP_FLAGS_REMOTE, 0x98);
	return 0;
}

static DWORD call_add_nexthop(void)
{
	return RtmAddNextHop(W.e, &W.ni, &W.nhx, &W.flags);
}

static int check_add_nexthop(bool ok)
{
	if (!ok)
		return NEED_TRUE(!W.nhx);
	return NEED_TRUE(W.nhx && W.flags & RTM_NEXTHOP_CHANGE_NEW);
}

static int undo_add_nexthop(void)
{
	DWORD st = RtmDeleteNextHop(W.e, W.nhx, NULL);

	W.nhx = NULL;
	return NEED(st);
}

/* nh3 exists, and the caller holds no handle to it. */
static int pre_find_nexthop(void)
{
	W.nhx = NULL;
	W.ni = nh_info(p4(192, 0, 2, 3, 32), 3, 0, 0);
	return 0;
}

static DWORD call_find_nexthop(void)
{
	return RtmFindNextHop(W.e, &W.ni, &W.nhx, NULL);
}

static int check_find_nexthop(bool ok)
{
	return NEED_TRUE(ok ? W.nhx == W.nh3 : !W.nhx);
}

static int undo_find_nexthop(void)
{
	return NEED(RtmReleaseNextHops(W.e, 1, &W.nhx));
}

static int pre_delete_nexthop(void)
{
	W.ni = nh_info(p4(192, 0, 2, 4, 32), 4, 0, 0);
	W.nhx = NULL;
	W.flags = 0;
	return NEED(RtmAddNextHop(W.e, &W.ni, &W.nhx, &W.flags));
}

static DWORD call_delete_nexthop(void)
{
	return RtmDeleteNextHop(W.e, W.nhx, NULL);
}

static int post_delete_nexthop(bool ok)
{
	return ok ? 0 : NEED(RtmDeleteNextHop(W.e, W.nhx, NULL));
}

static DWORD call_nexthop_info(void)
{
	memset(&W.ni, 0, sizeof(W.ni));
	return RtmGetNextHopInfo(W.e, W.nh1, &W.ni);
}

static int check_nexthop_info(bool ok)
{
	RTM_NET_ADDRESS a = p4(192, 0, 2, 1, 32);

	return ok ? NEED_TRUE(same_addr(&W.ni.NextHopAddress, &a) &&
			      W.ni.NextHopOwner == W.e) : 0;
}

static int undo_nexthop_info(void)
{
	return NEED(RtmReleaseNextHopInfo(W.e, &W.ni));
}

/* ------------------------------------------------------------------ */
/* Routes                                                              */
/* ------------------------------------------------------------------ */

/* 10.9.0.0/16 over nh1 and nh2, in both views. */
static void spec_new_route(void)
{
	struct rspec s;

	memset(&s, 0, sizeof(s));
	s.pref = 7;
	s.metric = 3;
	s.views = RTM_VIEW_MASK_UCAST | RTM_VIEW_MASK_MCAST;
	s.neighbour = W.nh1;
	s.esi = 0x77;
	s.nnh = 2;
	s.nh[0] = W.nh1;
	s.nh[1] = W.nh2;
	rspec_fill(&s, &W.rb);
	W.addr = p4(10, 9, 0, 0, 16);
	W.hx = NULL;
	W.flags = 0;
}

/*
 * Take what the subscription W.sub of the other entity has queued: @want
 * alone (with routes or without), or nothing.
 */
static int drain(const RTM_NET_ADDRESS *want, bool routed)
{
	RTM_DEST_INFO *di = (RTM_DEST_INFO *)W.di;
	UINT n = 4;
	DWORD st;
	int err = 0;

	st = RtmGetChangedDests(W.o, W.sub, &n, di);
	if (!want)
		return st == ERROR_NO_MORE_ITEMS ? 0 :
			FAIL("changed dests: %s, %u dests, want none",
			     win32_name(st), n);
	if (st != NO_ERROR || n != 1 || !same_addr(&di->DestAddress, want) ||
	    !di->BelongsToViews != !routed)
		err = FAIL("changed dests: %s, %u dests, views %#x",
			   win32_name(st), n, n ? di->BelongsToViews : 0);
	if (st == NO_ERROR)
		err |= NEED(RtmReleaseChangedDests(W.o, W.sub, n, di));
	st = RtmGetChangedDests(W.o, W.sub, &n, di);
	if (st != ERROR_NO_MORE_ITEMS)
		err = FAIL("changed dests after the drain: %s", win32_name(st));
	return err;
}

/*
 * A new route, while another entity watches every change: its queue is
 * made on the first change, and a queue that cannot be made leaves the
 * subscription in overflow mode, which must still report the change.
 */
static int pre_add_route(void)
{
	spec_new_route();
	return NEED(RtmRegisterForChangeNotification(W.o, RTM_VIEW_MASK_ALL,
						     RTM_CHANGE_TYPE_ALL, NULL,
						     &W.sub));
}

static DWORD call_add_route(void)
{
	return RtmAddRouteToDest(W.e, &W.hx, &W.addr, &W.rb.ri, INFINITE, NULL,
				 0, NULL, &W.flags);
}

static int check_add_route(bool ok)
{
	if (!ok)
		return NEED_TRUE(!W.hx);
	return NEED_TRUE(W.hx && W.flags & RTM_ROUTE_CHANGE_NEW);
}

static int undo_add_route(void)
{
	RTM_NET_ADDRESS a = W.addr;

	return drain(&a, true) || NEED(route_del(&W.hx)) || drain(&a, false);
}

static int post_add_route(bool ok)
{
	int err = ok ? 0 : drain(NULL, false);
	DWORD st = RtmDeregisterFromChangeNotification(W.o, W.sub);

	W.sub = NULL;
	return err | NEED(st);
}

static int pre_add_route_ttl(void)
{
	spec_new_route();
	return 0;
}

static DWORD call_add_route_ttl(void)
{
	return RtmAddRouteToDest(W.e, &W.hx, &W.addr, &W.rb.ri, TTL_LONG,
				 NULL, 0, NULL, &W.flags);
}

static int undo_route_hx(void)
{
	return NEED(route_del(&W.hx));
}

static int pre_add_route_list(void)
{
	spec_new_route();
	return NEED(RtmCreateRouteList(W.e, &W.list));
}

static DWORD call_add_route_list(void)
{
	return RtmAddRouteToDest(W.e, &W.hx, &W.addr, &W.rb.ri, INFINITE,
				 W.list, 0, NULL, &W.flags);
}

static int post_list(bool ok)
{
	DWORD st = RtmDeleteRouteList(W.e, W.list);

	(void)ok;
	W.list = NULL;
	return NEED(st);
}

/* The routes of W.list: the world's by handle, new ones as 1. */
static void observe_list_routes(struct snap *s)
{
	RTM_ENUM_HANDLE en;
	UINT n, i;
	HANDLE h;

	if (!W.list || NEED(RtmCreateRouteListEnum(W.e, W.list, &en)))
		return;
	do {
		n = ENUM_ROOM;
		if (NEED(RtmGetListEnumRoutes(W.e, en, &n, W.shs)))
			break;
		for (i = 0; i < n; i++) {
			h = W.shs[i];
			snap_extra(s, h == W.r1 || h == W.r2 || h == W.r3 ?
				   hval(h) : 1);
		}
		RtmReleaseRoutes(W.e, n, W.shs);
	} while (n == ENUM_ROOM);
	snap_extra(s, 0xe0d);
	RtmDeleteEnumHandle(W.e, en);
}

/* R2's attributes, as the world made them. */
static void spec_r2(struct rspec *s)
{
	memset(s, 0, sizeof(*s));
	s->pref = 10;
	s->metric = 20;
	s->views = RTM_VIEW_MASK_UCAST | RTM_VIEW_MASK_MCAST;
	s->neighbour = W.nh2;
	s->nnh = 1;
	s->nh[0] = W.nh2;
}

/* An update of R2: new metric, neighbour and next hops. */
static int pre_update_route(void)
{
	struct rspec s;

	spec_r2(&s);
	s.metric = 99;
	s.neighbour = W.nh1;
	s.nnh = 2;
	s.nh[0] = W.nh1;
	s.nh[1] = W.nh2;
	rspec_fill(&s, &W.rb);
	W.addr = p4(10, 2, 0, 0, 16);
	W.hx = W.r2;
	W.flags = 0;
	return 0;
}

static int check_update_route(bool ok)
{
	return NEED_TRUE(W.hx == W.r2 &&
			 (!ok || !(W.flags & RTM_ROUTE_CHANGE_NEW)));
}

static int undo_update_route(void)
{
	RTM_ROUTE_HANDLE h = W.r2;
	struct rspec s;

	spec_r2(&s);
	return NEED(rt_add(W.e, p4(10, 2, 0, 0, 16), &s, INFINITE, 0, &h,
			   NULL));
}

static int pre_delete_route(void)
{
	W.flags = 0;
	return NEED(route_add(W.e, p4(10, 77, 0, 0, 16), W.nh1, 5, 5,
			      RTM_VIEW_MASK_UCAST, &W.hx));
}

static DWORD call_delete_route(void)
{
	return RtmDeleteRouteToDest(W.e, W.hx, &W.flags);
}

static int check_delete_route(bool ok)
{
	if (ok)
		W.hx = NULL;
	return 0;
}

static int post_route_hx(bool ok)
{
	(void)ok;
	return NEED(route_del(&W.hx));
}

static DWORD call_route_info(void)
{
	memset(&W.rb, 0, sizeof(W.rb));
	memset(&W.addr, 0, sizeof(W.addr));
	return RtmGetRouteInfo(W.e, W.r3, &W.rb.ri, &W.addr);
}

static int check_route_info(bool ok)
{
	RTM_NET_ADDRESS a = p4(10, 1, 1, 0, 24);

	return ok ? NEED_TRUE(same_addr(&W.addr, &a) &&
			      W.rb.ri.RouteOwner == W.e &&
			      W.rb.ri.NextHopsList.NumNextHops == 2) : 0;
}

static int undo_route_info(void)
{
	return NEED(RtmReleaseRouteInfo(W.e, &W.rb.ri));
}

/* ------------------------------------------------------------------ */
/* Dests                                                               */
/* ------------------------------------------------------------------ */

static DWORD call_dest_by_handle(void)
{
	return RtmGetDestInfo(W.e, W.d1, RTM_BEST_PROTOCOL, RTM_VIEW_MASK_ALL,
			      (RTM_DEST_INFO *)W.di);
}

static DWORD call_dest_exact(void)
{
	W.addr = p4(10, 1, 0, 0, 16);
	return RtmGetExactMatchDestination(W.e, &W.addr, RTM_BEST_PROTOCOL,
					   RTM_VIEW_MASK_ALL,
					   (RTM_DEST_INFO *)W.di);
}

static DWORD call_dest_longest(void)
{
	W.addr = p4(10, 1, 1, 7, 32);
	return RtmGetMostSpecificDestination(W.e, &W.addr, RTM_BEST_PROTOCOL,
					     RTM_VIEW_MASK_ALL,
					     (RTM_DEST_INFO *)W.di);
}

static DWORD call_dest_less(void)
{
	return RtmGetLessSpecificDestination(W.e, W.d3, RTM_BEST_PROTOCOL,
					     RTM_VIEW_MASK_ALL,
					     (RTM_DEST_INFO *)W.di);
}

/* Every lookup finds 10.1.0.0/16 but the longest match, 10.1.1.0/24. */
static int check_dest(bool ok)
{
	RTM_DEST_INFO *di = (RTM_DEST_INFO *)W.di;
	RTM_NET_ADDRESS a = W.c->call == call_dest_longest ?
			    p4(10, 1, 1, 0, 24) : p4(10, 1, 0, 0, 16);

	return ok ? NEED_TRUE(same_addr(&di->DestAddress, &a) &&
			      di->NumberOfViews == DI_VIEWS &&
			      di->ViewInfo[0].Route) : 0;
}

static int undo_dest(void)
{
	return NEED(RtmReleaseDestInfo(W.e, (RTM_DEST_INFO *)W.di));
}

static int pre_exact_route(void)
{
	memset(&W.rb, 0, sizeof(W.rb));
	W.rb.ri.RouteOwner = W.e;
	W.addr = p4(10, 1, 0, 0, 16);
	W.hx = NULL;
	return 0;
}

static DWORD call_exact_route(void)
{
	return RtmGetExactMatchRoute(W.e, &W.addr, RTM_MATCH_OWNER, &W.rb.ri,
				     0, RTM_VIEW_MASK_ALL, &W.hx);
}

static int check_exact_route(bool ok)
{
	return ok ? NEED_TRUE(W.hx == W.r1 && W.rb.ri.RouteOwner == W.e) : 0;
}

static int undo_exact_route(void)
{
	RTM_ROUTE_HANDLE h = W.hx;

	W.hx = NULL;
	return NEED(RtmReleaseRouteInfo(W.e, &W.rb.ri)) ||
	       NEED(RtmReleaseRoutes(W.e, 1, &h));
}

static int pre_routex_case(void)
{
	return pre_routex();
}

static DWORD call_hold_dest(void)
{
	return RtmHoldDestination(W.e, W.dx, RTM_VIEW_MASK_UCAST, HOLD_MS);
}

/* The unicast hold route of W.dx, as the dest's info says. */
static int hold_route_of_dx(bool *held)
{
	RTM_DEST_INFO *di = (RTM_DEST_INFO *)W.di;

	if (NEED(RtmGetDestInfo(W.e, W.dx, RTM_BEST_PROTOCOL,
				RTM_VIEW_MASK_ALL, di)))
		return -1;
	*held = di->ViewInfo[0].HoldRoute != NULL;
	return NEED(RtmReleaseDestInfo(W.e, di));
}

/*
 * Whether the hold took is seen when the dest's last route goes: a marked
 * dest keeps it in hold-down for HOLD_MS, an unmarked one lets it go.
 */
static int post_hold_dest(bool ok)
{
	long long end = now_ms() + WAIT_MS;
	bool held;
	int err;

	err = NEED(route_del(&W.hx));
	if (!err)
		err = hold_route_of_dx(&held);
	if (!err && held != ok)
		err = FAIL("hold route %s after the last route went",
			   held ? "kept" : "not kept");
	while (!err && held && now_ms() < end) {
		usleep(20000);
		err = hold_route_of_dx(&held);
	}
	if (!err && held)
		err = FAIL("the hold-down did not end");
	return err | NEED(dest_put(&W.dx));
}

/* ------------------------------------------------------------------ */
/* Bulk calls                                                          */
/* ------------------------------------------------------------------ */

/* 10.10.k.0/24 over nh1 or nh2, for k < BULK_N. */
static void bulk_entries(void)
{
	unsigned int k;

	memset(W.bulk, 0, sizeof(W.bulk));
	W.bulk_nh[0] = W.nh1;
	W.bulk_nh[1] = W.nh2;
	for (k = 0; k < BULK_N; k++) {
		RTM_NET_ADDRESS a = p4(10, 10, k, 0, 24);

		memcpy(&W.bulk[k].dest, &a, sizeof(W.bulk[k].dest));
		W.bulk[k].nexthop_count = 1;
		W.bulk[k].nexthop_first = k % 2;
		W.bulk[k].metric = k + 1;
		W.bulk[k].preference = 3;
		W.bulk[k].views = RTM_VIEW_MASK_UCAST;
		W.bulk[k].entity_specific_info = 0xb0 + k;
	}
}

static DWORD bulk_add(unsigned int first, unsigned int n)
{
	return n ? rtm_bulk_add_routes(W.e, W.bulk + first, n, W.bulk_nh, 2,
				       NULL) : NO_ERROR;
}

static DWORD bulk_del(unsigned int first, unsigned int n)
{
	return n ? rtm_bulk_delete_routes(W.e, W.bulk + first, n, NULL)
		 : NO_ERROR;
}

/* The state after each number of entries applied, from real calls. */
static int setup_add_routes(void)
{
	unsigned int k;

	bulk_entries();
	for (k = 0; k <= BULK_N; k++)
		if (NEED(bulk_add(0, k)) || snap_take(&W.refs[k]) ||
		    NEED(bulk_del(0, k)))
			return -1;
	return 0;
}

static DWORD call_add_routes(void)
{
	W.done = 0;
	return rtm_bulk_add_routes(W.e, W.bulk, BULK_N, W.bulk_nh, 2,
				   &W.done);
}

static int check_bulk(bool ok)
{
	return NEED_TRUE(ok ? W.done == BULK_N : W.done < BULK_N);
}

static int undo_add_routes(void)
{
	return NEED(bulk_del(0, W.done));
}

static int setup_delete_routes(void)
{
	unsigned int k;

	bulk_entries();
	if (NEED(bulk_add(0, BULK_N)))
		return -1;
	for (k = 0; k <= BULK_N; k++)
		if (snap_take(&W.refs[k]) ||
		    (k < BULK_N && NEED(bulk_del(k, 1))))
			return -1;
	return NEED(bulk_add(0, BULK_N));
}

static void teardown_delete_routes(void)
{
	bulk_del(0, BULK_N);
}

static DWORD call_delete_routes(void)
{
	W.done = 0;
	return rtm_bulk_delete_routes(W.e, W.bulk, BULK_N, &W.done);
}

static int undo_delete_routes(void)
{
	return NEED(bulk_add(0, W.done));
}

static int setup_lookup(void)
{
	W.look[0] = p4(10, 1, 1, 7, 32);
	W.look[1] = p4(10, 1, 9, 9, 32);
	W.look[2] = p4(10, 2, 3, 4, 32);
	W.look[3] = p4(10, 99, 0, 1, 32);
	return NEED(rtm_bulk_lookup(W.e, RTM_VIEW_ID_UCAST, W.look, W.res_ref,
				    LOOKUP_N));
}

static DWORD call_lookup(void)
{
	memset(W.res, 0, sizeof(W.res));
	return rtm_bulk_lookup(W.e, RTM_VIEW_ID_UCAST, W.look, W.res,
			       LOOKUP_N);
}

static int check_lookup(bool ok)
{
	return ok ? NEED_TRUE(!memcmp(W.res, W.res_ref, sizeof(W.res))) : 0;
}

static DWORD call_dump(void)
{
	RTM_NET_ADDRESS cursor;

	memset(&cursor, 0, sizeof(cursor));
	W.done = SNAP_DUMP;
	return rtm_bulk_dump(W.e, RTM_VIEW_ID_UCAST, &cursor, W.dump, &W.done);
}

static int check_dump(bool ok)
{
	return ok ? NEED_TRUE(W.done == W.base.ndump[0] &&
			      !memcmp(W.dump, W.base.dump[0],
				      W.done * sizeof(W.dump[0]))) : 0;
}

/* ------------------------------------------------------------------ */
/* Enumerations                                                        */
/* ------------------------------------------------------------------ */

static enum rtm_enum_type etype;
static UINT ref_num;
static uint64_t ref_vals[ENUM_ROOM];

static int setup_enum_dests(void)
{
	etype = RTM_ENUM_DESTS;
	return 0;
}

static int setup_enum_routes(void)
{
	etype = RTM_ENUM_ROUTES;
	return 0;
}

static int setup_enum_nexthops(void)
{
	etype = RTM_ENUM_NEXTHOPS;
	return 0;
}

static int setup_enum_list(void)
{
	etype = RTM_ENUM_LIST;
	return setup_list();
}

static int pre_enum_create(void)
{
	W.en = NULL;
	return 0;
}

static DWORD call_enum_create(void)
{
	return enum_create(etype, &W.en);
}

static int check_enum_create(bool ok)
{
	return NEED_TRUE(ok == (W.en != NULL));
}

static int undo_enum(void)
{
	DWORD st = RtmDeleteEnumHandle(W.e, W.en);

	W.en = NULL;
	return NEED(st);
}

/* Whether the batch in W.di or W.hs is the first batch of the walk. */
static int batch_is_first(UINT num)
{
	UINT i;

	if (num != ref_num)
		return FAIL("%u entries, want %u", num, ref_num);
	for (i = 0; i < num; i++)
		if (batch_value(etype, i) != ref_vals[i])
			return FAIL("entry %u differs", i);
	return 0;
}

/* The first batch, as an undisturbed enumeration gives it. */
static int setup_enum_get(void)
{
	RTM_ENUM_HANDLE en;
	UINT i;

	if (NEED(enum_create(etype, &en)) ||
	    NEED(enum_next(en, etype, &ref_num)))
		return -1;
	for (i = 0; i < ref_num; i++)
		ref_vals[i] = batch_value(etype, i);
	return NEED(enum_release(etype, ref_num)) ||
	       NEED(RtmDeleteEnumHandle(W.e, en)) || NEED_TRUE(ref_num > 1);
}

static int setup_enum_get_dests(void)
{
	return setup_enum_dests() || setup_enum_get();
}

static int setup_enum_get_routes(void)
{
	return setup_enum_routes() || setup_enum_get();
}

static int setup_enum_get_nexthops(void)
{
	return setup_enum_nexthops() || setup_enum_get();
}

static int setup_enum_get_list(void)
{
	return setup_enum_list() || setup_enum_get();
}

static int pre_enum(void)
{
	W.num = 0;
	return NEED(enum_create(etype, &W.en));
}

static DWORD call_enum_get(void)
{
	return enum_next(W.en, etype, &W.num);
}

static int check_enum_get(bool ok)
{
	return ok ? batch_is_first(W.num) : NEED_TRUE(!W.num);
}

static int undo_enum_get(void)
{
	return NEED(enum_release(etype, W.num));
}

/* A failed batch leaves the enumeration where it was. */
static int post_enum_get(bool ok)
{
	int err = 0;

	if (!ok) {
		err = NEED(enum_next(W.en, etype, &W.num));
		err = err ?: batch_is_first(W.num);
		err |= NEED(enum_release(etype, W.num));
	}
	return err | undo_enum();
}

static DWORD call_enum_delete(void)
{
	return RtmDeleteEnumHandle(W.e, W.en);
}

static int check_enum_delete(bool ok)
{
	if (ok)
		W.en = NULL;
	return 0;
}

static int post_enum_delete(bool ok)
{
	return ok ? 0 : undo_enum();
}

/* ------------------------------------------------------------------ */
/* Route lists                                                         */
/* ------------------------------------------------------------------ */

static int pre_list_create(void)
{
	W.list = NULL;
	return 0;
}

static DWORD call_list_create(void)
{
	return RtmCreateRouteList(W.e, &W.list);
}

static int check_list_create(bool ok)
{
	return NEED_TRUE(ok == (W.list != NULL));
}

static int undo_list(void)
{
	return post_list(true);
}

static int pre_list_insert(void)
{
	W.h[0] = W.r1;
	W.h[1] = W.r2;
	return NEED(RtmCreateRouteList(W.e, &W.list));
}

static DWORD call_list_insert(void)
{
	return RtmInsertInRouteList(W.e, W.list, 2, W.h);
}

static int undo_list_insert(void)
{
	return NEED(RtmInsertInRouteList(W.e, NULL, 2, W.h));
}

static int pre_list_delete(void)
{
	return NEED(RtmCreateRouteList(W.e, &W.list)) ||
	       NEED(RtmInsertInRouteList(W.e, W.list, 1, &W.r1));
}

static DWORD call_list_delete(void)
{
	return RtmDeleteRouteList(W.e, W.list);
}

static int check_list_delete(bool ok)
{
	if (ok)
		W.list = NULL;
	return 0;
}

static int post_list_delete(bool ok)
{
	return ok ? 0 : post_list(true);
}

/* ------------------------------------------------------------------ */
/* Change notification                                                 */
/* ------------------------------------------------------------------ */

static int pre_notify_register(void)
{
	W.sub = NULL;
	return 0;
}

static DWORD call_notify_register(void)
{
	return RtmRegisterForChangeNotification(W.e, RTM_VIEW_MASK_ALL,
						RTM_CHANGE_TYPE_ALL,
						(PVOID)0x5ab, &W.sub);
}

static int check_notify_register(bool ok)
{
	return NEED_TRUE(ok == (W.sub != NULL));
}

static int undo_notify(void)
{
	DWORD st = RtmDeregisterFromChangeNotification(W.e, W.sub);

	W.sub = NULL;
	return NEED(st);
}

/* Whether the dest of @a waits in W.sub's queue, and is marked there. */
static void observe_pending(struct snap *s, RTM_NET_ADDRESS a)
{
	RTM_DEST_HANDLE d;
	BOOL queued = 2, marked = 2;

	if (!W.sub || NEED(dest_get(a, &d)))
		return;
	NEED(RtmGetChangeStatus(W.e, W.sub, d, &queued));
	NEED(RtmIsMarkedForChangeNotification(W.e, W.sub, d, &marked));
	NEED(dest_put(&d));
	snap_extra(s, queued);
	snap_extra(s, marked);
}

/* A subscription of the caller with two changed dests waiting. */
static int pre_notify_get(void)
{
	W.h[0] = NULL;
	return NEED(RtmRegisterForChangeNotification(W.e, RTM_VIEW_MASK_ALL,
						     RTM_CHANGE_TYPE_ALL, NULL,
						     &W.sub)) ||
	       NEED(route_add(W.e, p4(10, 77, 0, 0, 16), W.nh1, 5, 5,
			      RTM_VIEW_MASK_UCAST, &W.hx)) ||
	       NEED(route_add(W.e, p4(10, 78, 0, 0, 16), W.nh1, 5, 5,
			      RTM_VIEW_MASK_UCAST, &W.h[0]));
}

static void observe_notify_get(struct snap *s)
{
	observe_pending(s, p4(10, 77, 0, 0, 16));
	observe_pending(s, p4(10, 78, 0, 0, 16));
}

static DWORD call_notify_get(void)
{
	W.num = 4;
	return RtmGetChangedDests(W.e, W.sub, &W.num, (RTM_DEST_INFO *)W.di);
}

static int check_notify_get(bool ok)
{
	RTM_DEST_INFO *a = (RTM_DEST_INFO *)W.di;
	RTM_DEST_INFO *b = (RTM_DEST_INFO *)(W.di + DI_SIZE);
	RTM_NET_ADDRESS p77 = p4(10, 77, 0, 0, 16), p78 = p4(10, 78, 0, 0, 16);

	if (!ok)
		return NEED_TRUE(!W.num);
	if (NEED_TRUE(W.num == 2 && same_addr(&a->DestAddress, &p77) &&
		      same_addr(&b->DestAddress, &p78)))
		return -1;
	/* Taken: released now, so that the snapshot sees the holds back. */
	return NEED(RtmReleaseChangedDests(W.e, W.sub, W.num,
					   (RTM_DEST_INFO *)W.di));
}

static int post_notify_get(bool ok)
{
	(void)ok;
	return undo_notify() | NEED(route_del(&W.hx)) |
	       NEED(route_del(&W.h[0]));
}

/* A subscription, and the dest W.dx waiting in it; @mark: marked too. */
static int pre_notify_dest_(bool mark)
{
	return NEED(RtmRegisterForChangeNotification(W.e, RTM_VIEW_MASK_ALL,
						     RTM_CHANGE_TYPE_ALL, NULL,
						     &W.sub)) ||
	       pre_routex() ||
	       (mark && NEED(RtmMarkDestForChangeNotification(W.e, W.sub,
							      W.dx, TRUE)));
}

static int pre_notify_dest(void)
{
	W.yes = 2;
	return pre_notify_dest_(false);
}

static int pre_notify_dest_marked(void)
{
	W.yes = 2;
	return pre_notify_dest_(true);
}

static void observe_notify_dest(struct snap *s)
{
	observe_pending(s, p4(10, 77, 0, 0, 16));
}

static DWORD call_notify_status(void)
{
	return RtmGetChangeStatus(W.e, W.sub, W.dx, &W.yes);
}

static DWORD call_notify_ignore(void)
{
	return RtmIgnoreChangedDests(W.e, W.sub, 1, &W.dx);
}

static DWORD call_notify_mark(void)
{
	return RtmMarkDestForChangeNotification(W.e, W.sub, W.dx, TRUE);
}

static DWORD call_notify_unmark(void)
{
	return RtmMarkDestForChangeNotification(W.e, W.sub, W.dx, FALSE);
}

static DWORD call_notify_is_marked(void)
{
	return RtmIsMarkedForChangeNotification(W.e, W.sub, W.dx, &W.yes);
}

static int check_notify_yes(bool ok)
{
	return ok ? NEED_TRUE(W.yes == TRUE) : 0;
}

static int undo_notify_mark(void)
{
	return NEED(RtmMarkDestForChangeNotification(W.e, W.sub, W.dx, FALSE));
}

static int post_notify_dest(bool ok)
{
	(void)ok;
	return undo_notify() | post_routex();
}

static int pre_notify_deregister(void)
{
	return NEED(RtmRegisterForChangeNotification(W.e, RTM_VIEW_MASK_ALL,
						     RTM_CHANGE_TYPE_ALL, NULL,
						     &W.sub));
}

static DWORD call_notify_deregister(void)
{
	return RtmDeregisterFromChangeNotification(W.e, W.sub);
}

static int check_notify_deregister(bool ok)
{
	if (ok)
		W.sub = NULL;
	return 0;
}

static int post_notify_deregister(bool ok)
{
	return ok ? 0 : undo_notify();
}

/* ------------------------------------------------------------------ */
/* Client locks and opaque pointers                                    */
/* ------------------------------------------------------------------ */

static DWORD call_lock(void)
{
	return RtmLockDestination(W.e, W.dx, TRUE, TRUE);
}

static DWORD call_unlock(void)
{
	return RtmLockDestination(W.e, W.dx, TRUE, FALSE);
}

static int undo_lock(void)
{
	return NEED(call_unlock());
}

/* A lock that failed is not held: unlocking it is refused. */
static int post_lock(bool ok)
{
	DWORD st = ok ? ERROR_INVALID_PARAMETER : call_unlock();
	int err = 0;

	if (st != ERROR_INVALID_PARAMETER)
		err = FAIL("unlock after a failed lock: %s", win32_name(st));
	return err | post_routex();
}

static int pre_unlock(void)
{
	return pre_routex() || NEED(call_lock());
}

/* An unlock that failed leaves the lock held. */
static int post_unlock(bool ok)
{
	return (ok ? 0 : NEED(call_unlock())) | post_routex();
}

static int pre_get_opaque(void)
{
	W.cell = NULL;
	return pre_routex();
}

static DWORD call_get_opaque(void)
{
	return RtmGetOpaqueInformationPointer(W.e, W.dx, (PVOID *)&W.cell);
}

static int check_get_opaque(bool ok)
{
	return ok ? NEED_TRUE(W.cell && !*W.cell) : 0;
}

static int post_routex_case(bool ok)
{
	(void)ok;
	return post_routex();
}

/* The caller's opaque value in W.dx, as the kernel has it. */
static void observe_opaque(struct snap *s)
{
	PVOID *cell;

	if (!W.dx || NEED(RtmGetOpaqueInformationPointer(W.e, W.dx,
							 (PVOID *)&cell)))
		return;
	snap_extra(s, (uintptr_t)*cell);
}

/* Locked, with the pointer asked for: the exclusive unlock stores it. */
static int pre_set_opaque(void)
{
	return pre_routex() ||
	       NEED(RtmGetOpaqueInformationPointer(W.e, W.dx,
						   (PVOID *)&W.cell)) ||
	       NEED(call_lock());
}

static void ready_set_opaque(void)
{
	*W.cell = (PVOID)0x5eed;
}

/*
 * A failed store leaves the client's value in its cell, to be stored at
 * the next point (the next RtmGetOpaqueInformationPointer, which the
 * snapshot makes): the case takes it back so that the snapshot reads the
 * slot as the failed call left it.
 */
static int check_set_opaque(bool ok)
{
	int err = NEED_TRUE(*W.cell == (PVOID)0x5eed);

	if (!ok)
		*W.cell = NULL;
	return err;
}

/* A failed store keeps the lock: the holder stores again. */
static int post_set_opaque(bool ok)
{
	PVOID *cell;
	int err = 0;

	if (!ok) {
		ready_set_opaque();
		err = NEED(call_unlock()) ||
		      NEED(RtmGetOpaqueInformationPointer(W.e, W.dx,
							  (PVOID *)&cell)) ||
		      NEED_TRUE(*cell == (PVOID)0x5eed);
	}
	return err | post_routex();
}

/*
 * Written through the pointer without a lock: the next
 * RtmGetOpaqueInformationPointer stores it (RTM_LOCK_SET_OPAQUE alone),
 * then reads the slot back.
 */
static int pre_set_opaque_alone(void)
{
	return pre_routex() ||
	       NEED(RtmGetOpaqueInformationPointer(W.e, W.dx,
						   (PVOID *)&W.cell));
}

static DWORD call_set_opaque_alone(void)
{
	PVOID *cell = NULL;
	DWORD st;

	st = RtmGetOpaqueInformationPointer(W.e, W.dx, (PVOID *)&cell);
	if (st == NO_ERROR && cell != W.cell)
		return ERROR_INVALID_DATA;	/* one dest, one cell */
	return st;
}

/* ------------------------------------------------------------------ */
/* Methods                                                             */
/* ------------------------------------------------------------------ */

static DWORD call_method_get(void)
{
	W.num = ARRAY_SIZE(W.methods);
	return RtmGetEntityMethods(W.e, W.o, &W.num, W.methods);
}

static int check_method_get(bool ok)
{
	return ok ? NEED_TRUE(W.num == NMETHODS_O) : 0;
}

/* A new caller and a new callee, whose dispatcher runs m_echo. */
static int pre_invoke(void)
{
	atomic_store(&method_runs, 0);
	return NEED(reg_entity(P_K, 1, false, 0, FALSE, &W.k)) ||
	       NEED(reg_entity(P_C, 1, true, 1, FALSE, &W.cee));
}

static DWORD call_invoke(void)
{
	W.inv_size = sizeof(W.inv_out);
	return RtmInvokeMethod(W.k, W.cee, inv_input(), &W.inv_size,
			       (RTM_ENTITY_METHOD_OUTPUT *)W.inv_out);
}

static int check_invoke(bool ok)
{
	return ok ? inv_output_ok("ping") : 0;
}

/* Once the callee is gone, its method ran for a success only. */
static int post_invoke(bool ok)
{
	int err = NEED(unreg(&W.k)) | NEED(unreg(&W.cee));
	unsigned int runs = atomic_load(&method_runs);

	if (runs != (ok ? 1U : 0U))
		err = FAIL("the method ran %u times", runs);
	return err;
}

static int pre_block(void)
{
	return NEED(reg_entity(P_C, 1, true, 1, FALSE, &W.cee));
}

static DWORD call_block(void)
{
	return RtmBlockMethods(W.cee, NULL, 0, RTM_BLOCK_METHODS);
}

static DWORD call_resume(void)
{
	return RtmBlockMethods(W.cee, NULL, 0, RTM_RESUME_METHODS);
}

static int undo_block(void)
{
	return NEED(call_resume());
}

/* Methods that are not blocked answer at once. */
static int post_not_blocked(bool ok)
{
	int err;

	(void)ok;
	W.inv_size = sizeof(W.inv_out);
	err = NEED(RtmInvokeMethod(W.e, W.cee, inv_input(), &W.inv_size,
				   (RTM_ENTITY_METHOD_OUTPUT *)W.inv_out));
	err = err ?: inv_output_ok("ping");
	return err | NEED(unreg(&W.cee));
}

static int pre_resume(void)
{
	return pre_block() || NEED(call_block());
}

/* The resume that failed left them blocked: resume now, then check. */
static int post_resume(bool ok)
{
	return (ok ? 0 : NEED(call_resume())) | post_not_blocked(ok);
}

/*
 * The callee's side of a call, which only the library's dispatcher
 * makes: a raw registration of this thread takes the call of an invoker
 * thread, so that fail-nth applies to the callee's ioctls.
 */
static void *invoker(void *arg)
{
	(void)arg;
	W.inv_size = sizeof(W.inv_out);
	W.inv_status = RtmInvokeMethod(W.k, mkhandle(W.rh), inv_input(),
				       &W.inv_size,
				       (RTM_ENTITY_METHOD_OUTPUT *)W.inv_out);
	return NULL;
}

static int setup_raw_callee(void)
{
	W.rfd = rtm_open();
	if (W.rfd < 0)
		return FAIL("open: %s", strerror(-W.rfd));
	if (raw_register_methods(W.rfd, INST, FAM, P_R, 1, RTM_REGISTER_EVENTS,
				 1, &W.rh))
		return FAIL("raw registration: %s", strerror(errno));
	return NEED(reg_entity(P_K, 1, false, 0, FALSE, &W.k));
}

static int invoker_join(void)
{
	if (!W.invoking)
		return 0;
	W.invoking = false;
	pthread_join(W.invoker, NULL);
	return 0;
}

static void teardown_raw_callee(void)
{
	/* The callee going ends a call still waiting. */
	if (W.rfd >= 0)
		close(W.rfd);
	W.rfd = -1;
	invoker_join();
	unreg(&W.k);
}

static DWORD raw_status(int err)
{
	if (!err)
		return NO_ERROR;
	if (err == -ENOMEM)
		return ERROR_NOT_ENOUGH_MEMORY;
	note("raw ioctl: %s", strerror(-err));
	return ERROR_INVALID_DATA;
}

static int raw_fetch(void)
{
	memset(&W.ctl, 0, sizeof(W.ctl));
	W.ctl.size = sizeof(W.ctl);
	W.ctl.op = RTM_METHOD_FETCH;
	W.ctl.cookie = W.cookie;
	W.ctl.input = (uintptr_t)W.ctl_buf;
	W.ctl.input_size = sizeof(W.ctl_buf);
	return rtm_ioctl(W.rfd, RTM_IOC_METHOD_CTL, &W.ctl);
}

/* Answer with one record, "pong". */
static int raw_reply(void)
{
	RTM_ENTITY_METHOD_OUTPUT *out = (RTM_ENTITY_METHOD_OUTPUT *)W.ctl_buf;

	memset(W.ctl_buf, 0, sizeof(W.ctl_buf));
	out->MethodType = 1;
	out->MethodStatus = NO_ERROR;
	out->OutputSize = 4;
	memcpy(out->OutputData, "pong", 4);
	memset(&W.ctl, 0, sizeof(W.ctl));
	W.ctl.size = sizeof(W.ctl);
	W.ctl.op = RTM_METHOD_REPLY;
	W.ctl.cookie = W.cookie;
	W.ctl.output = (uintptr_t)W.ctl_buf;
	W.ctl.output_size = offsetof(RTM_ENTITY_METHOD_OUTPUT, OutputData) + 4;
	return rtm_ioctl(W.rfd, RTM_IOC_METHOD_CTL, &W.ctl);
}

/* An invoker waiting, and its call's cookie from the event. */
static int pre_fetch(void)
{
	struct pollfd p = { .fd = W.rfd, .events = POLLIN };
	long long end = now_ms() + WAIT_MS;
	struct rtm_event ev;

	if (pthread_create(&W.invoker, NULL, invoker, NULL))
		return FAIL("pthread_create");
	W.invoking = true;
	while (now_ms() < end) {
		if (poll(&p, 1, 100) <= 0)
			continue;
		if (read(W.rfd, &ev, sizeof(ev)) != sizeof(ev))
			return FAIL("event read: %s", strerror(errno));
		if (ev.type == RTM_EVENT_METHOD_INVOKE) {
			W.cookie = ev.cookie;
			return 0;
		}
	}
	return FAIL("no method event");
}

static DWORD call_fetch(void)
{
	return raw_status(raw_fetch());
}

static int check_fetch(bool ok)
{
	return ok ? NEED_TRUE(W.ctl.caller == hval(W.k) &&
			      W.ctl.input_size == 4 &&
			      !memcmp(W.ctl_buf, "ping", 4)) : 0;
}

/* The invoker gets the answer, whatever failed on the way. */
static int invoker_done(void)
{
	invoker_join();
	if (W.inv_status != NO_ERROR)
		return FAIL("the invoker got %s", win32_name(W.inv_status));
	return inv_output_ok("pong");
}

static int post_fetch(bool ok)
{
	int err = ok ? 0 : NEED(raw_status(raw_fetch()));

	return err | NEED(raw_status(raw_reply())) | invoker_done();
}

static int pre_reply(void)
{
	return pre_fetch() || NEED(raw_status(raw_fetch()));
}

static DWORD call_reply(void)
{
	return raw_status(raw_reply());
}

static int post_reply(bool ok)
{
	return (ok ? 0 : NEED(raw_status(raw_reply()))) | invoker_done();
}

/* ------------------------------------------------------------------ */
/* Default preferences                                                 */
/* ------------------------------------------------------------------ */

/* The namespace's table, folded into two values. */
static void observe_prefs(struct snap *s)
{
	size_t n = ARRAY_SIZE(W.sprefs), total = 0, i;
	uint64_t fold = 0;
	ULONG v;

	if (NEED(rtm_pref_get(P_PREF, &v)) ||
	    NEED(rtm_pref_list(W.sprefs, &n, &total)))
		return;
	for (i = 0; i < n; i++)
		fold = fold * 1000003 + ((uint64_t)W.sprefs[i].protocol_id << 32 |
					 W.sprefs[i].preference);
	snap_extra(s, v);
	snap_extra(s, fold ^ total);
}

static int reset_prefs(void)
{
	return NEED(rtm_pref_reset_all());
}

static int post_reset_prefs(bool ok)
{
	(void)ok;
	return reset_prefs();
}

static DWORD call_pref_set(void)
{
	return rtm_pref_set(P_PREF, 77);
}

static int check_pref_set(bool ok)
{
	return ok ? NEED(rtm_pref_get(P_PREF, &W.pref)) ||
		    NEED_TRUE(W.pref == 77) : 0;
}

/* A built-in default changed: the reset puts it back. */
static int pre_pref_reset(void)
{
	return NEED(rtm_pref_set(PROTO_IP_RIP, 90));
}

static DWORD call_pref_reset(void)
{
	return rtm_pref_reset(PROTO_IP_RIP);
}

static int check_pref_reset(bool ok)
{
	return ok ? NEED(rtm_pref_get(PROTO_IP_RIP, &W.pref)) ||
		    NEED_TRUE(W.pref == 120) : 0;
}

static int undo_pref_reset(void)
{
	return pre_pref_reset();
}

/* The built-in table and one protocol more. */
static int setup_pref_list(void)
{
	return NEED(rtm_pref_set(P_PREF, 77));
}

static void teardown_pref_list(void)
{
	reset_prefs();
}

static DWORD call_pref_list(void)
{
	W.nprefs = ARRAY_SIZE(W.prefs);
	W.prefs_total = 0;
	return rtm_pref_list(W.prefs, &W.nprefs, &W.prefs_total);
}

static int check_pref_list(bool ok)
{
	return ok ? NEED_TRUE(W.nprefs == 11 && W.prefs_total == 11) : 0;
}

/* ------------------------------------------------------------------ */
/* The cases                                                           */
/* ------------------------------------------------------------------ */

#define ENOMEM_OR_THREAD { ERROR_NOT_ENOUGH_MEMORY, ERROR_NO_SYSTEM_RESOURCES }

enum case_id {
	C_REGISTER,
	C_DEREGISTER,
	C_GET_ENTITIES,
	C_GET_ENTITY_INFO,
	C_REFERENCE,
	C_RELEASE,
	C_RELEASE_POINTER,
	C_ADD_NEXTHOP,
	C_ADD_NEXTHOP_REMOTE,
	C_FIND_NEXTHOP,
	C_DELETE_NEXTHOP,
	C_GET_NEXTHOP_INFO,
	C_ADD_ROUTE,
	C_ADD_ROUTE_TTL,
	C_ADD_ROUTE_LIST,
	C_ADD_ROUTE_UPDATE,
	C_DELETE_ROUTE,
	C_GET_ROUTE_INFO,
	C_GET_DEST_HANDLE,
	C_GET_DEST_EXACT,
	C_GET_DEST_LONGEST,
	C_GET_DEST_LESS,
	C_GET_EXACT_ROUTE,
	C_HOLD_DEST,
	C_ADD_ROUTES,
	C_DELETE_ROUTES,
	C_LOOKUP,
	C_DUMP,
	C_ENUM_CREATE_DESTS,
	C_ENUM_CREATE_ROUTES,
	C_ENUM_CREATE_NEXTHOPS,
	C_ENUM_CREATE_LIST,
	C_ENUM_GET_DESTS,
	C_ENUM_GET_ROUTES,
	C_ENUM_GET_NEXTHOPS,
	C_ENUM_GET_LIST,
	C_ENUM_DELETE_DESTS,
	C_ENUM_DELETE_ROUTES,
	C_ENUM_DELETE_NEXTHOPS,
	C_ENUM_DELETE_LIST,
	C_LIST_CREATE,
	C_LIST_INSERT,
	C_LIST_DELETE,
	C_NOTIFY_REGISTER,
	C_NOTIFY_GET,
	C_NOTIFY_STATUS,
	C_NOTIFY_IGNORE,
	C_NOTIFY_MARK,
	C_NOTIFY_UNMARK,
	C_NOTIFY_IS_MARKED,
	C_NOTIFY_DEREGISTER,
	C_LOCK,
	C_UNLOCK,
	C_GET_OPAQUE,
	C_SET_OPAQUE,
	C_SET_OPAQUE_ALONE,
	C_METHOD_GET,
	C_METHOD_INVOKE,
	C_METHOD_BLOCK,
	C_METHOD_RESUME,
	C_METHOD_FETCH,
	C_METHOD_REPLY,
	C_PREF_SET,
	C_PREF_RESET,
	C_PREF_LIST,
	NCASES
};

static const struct fcase cases[NCASES] = {
	/*
	 * Opening the device, registering, the event ring, and the
	 * dispatcher thread (pthread_create: ERROR_NO_SYSTEM_RESOURCES).
	 * Single failures only: a thread created while make-it-fail is set
	 * inherits it, and would fail all its life.
	 */
	[C_REGISTER] = {
		"RTM_IOC_REGISTER", "with events, methods and opaque slot",
		.errs = ENOMEM_OR_THREAD, .single_only = true,
		.pre = pre_register, .call = call_register,
		.check = check_register, .undo = undo_register,
	},
	[C_DEREGISTER] = {
		"RTM_IOC_DEREGISTER", "with a next hop and a route",
		.pre = pre_deregister, .call = call_deregister,
		.check = check_deregister, .post = post_deregister,
	},
	[C_GET_ENTITIES] = {
		"RTM_IOC_GET_ENTITIES", "RtmGetRegisteredEntities",
		.spread = true, .call = call_get_entities,
		.check = check_get_entities, .undo = undo_get_entities,
	},
	[C_GET_ENTITY_INFO] = {
		"RTM_IOC_GET_ENTITY_INFO", "RtmGetEntityInfo",
		.nochange = true, .call = call_entity_info,
		.check = check_entity_info,
	},
	[C_REFERENCE] = {
		"RTM_IOC_REFERENCE", "RtmReferenceHandles",
		.spread = true, .pre = pre_reference, .call = call_reference,
		.undo = undo_reference,
	},
	[C_RELEASE] = {
		"RTM_IOC_RELEASE", "RtmReleaseRoutes",
		.pre = pre_release, .call = call_release, .post = post_release,
	},
	[C_RELEASE_POINTER] = {
		"RTM_IOC_REFERENCE", "RTM_HANDLES_QUERY after RtmReleaseRoutes",
		.pre = pre_release_pointer, .call = call_release_pointer,
		.post = post_release_pointer,
	},
	[C_ADD_NEXTHOP] = {
		"RTM_IOC_ADD_NEXTHOP", "local",
		.hops = true, .pre = pre_add_nexthop, .call = call_add_nexthop,
		.check = check_add_nexthop, .undo = undo_add_nexthop,
	},
	[C_ADD_NEXTHOP_REMOTE] = {
		"RTM_IOC_ADD_NEXTHOP", "remote",
		.hops = true, .pre = pre_add_nexthop_remote,
		.call = call_add_nexthop, .check = check_add_nexthop,
		.undo = undo_add_nexthop,
	},
	[C_FIND_NEXTHOP] = {
		"RTM_IOC_FIND_NEXTHOP", "RtmFindNextHop",
		.hops = true, .pre = pre_find_nexthop,
		.call = call_find_nexthop, .check = check_find_nexthop,
		.undo = undo_find_nexthop,
	},
	[C_DELETE_NEXTHOP] = {
		"RTM_IOC_DELETE_NEXTHOP", "RtmDeleteNextHop",
		.hops = true, .pre = pre_delete_nexthop,
		.call = call_delete_nexthop, .post = post_delete_nexthop,
	},
	[C_GET_NEXTHOP_INFO] = {
		"RTM_IOC_GET_NEXTHOP_INFO", "RtmGetNextHopInfo",
		.spread = true, .hops = true, .call = call_nexthop_info,
		.check = check_nexthop_info, .undo = undo_nexthop_info,
	},
	[C_ADD_ROUTE] = {
		"RTM_IOC_ADD_ROUTE", "plain, watched",
		.hops = true, .pre = pre_add_route, .call = call_add_route,
		.check = check_add_route, .undo = undo_add_route,
		.post = post_add_route,
	},
	[C_ADD_ROUTE_TTL] = {
		"RTM_IOC_ADD_ROUTE", "time to live",
		.hops = true, .pre = pre_add_route_ttl,
		.call = call_add_route_ttl, .check = check_add_route,
		.undo = undo_route_hx,
	},
	[C_ADD_ROUTE_LIST] = {
		"RTM_IOC_ADD_ROUTE", "into a route list",
		.hops = true, .pre = pre_add_route_list,
		.call = call_add_route_list, .check = check_add_route,
		.undo = undo_route_hx, .post = post_list,
		.observe = observe_list_routes,
	},
	[C_ADD_ROUTE_UPDATE] = {
		"RTM_IOC_ADD_ROUTE", "update",
		.hops = true, .pre = pre_update_route, .call = call_add_route,
		.check = check_update_route, .undo = undo_update_route,
	},
	[C_DELETE_ROUTE] = {
		"RTM_IOC_DELETE_ROUTE", "RtmDeleteRouteToDest",
		.pre = pre_delete_route, .call = call_delete_route,
		.check = check_delete_route, .post = post_route_hx,
	},
	[C_GET_ROUTE_INFO] = {
		"RTM_IOC_GET_ROUTE_INFO", "RtmGetRouteInfo",
		.spread = true, .call = call_route_info,
		.check = check_route_info, .undo = undo_route_info,
	},
	[C_GET_DEST_HANDLE] = {
		"RTM_IOC_GET_DEST", "by handle",
		.spread = true, .call = call_dest_by_handle,
		.check = check_dest, .undo = undo_dest,
	},
	[C_GET_DEST_EXACT] = {
		"RTM_IOC_GET_DEST", "exact",
		.spread = true, .call = call_dest_exact, .check = check_dest,
		.undo = undo_dest,
	},
	[C_GET_DEST_LONGEST] = {
		"RTM_IOC_GET_DEST", "longest",
		.spread = true, .call = call_dest_longest, .check = check_dest,
		.undo = undo_dest,
	},
	[C_GET_DEST_LESS] = {
		"RTM_IOC_GET_DEST", "less specific",
		.spread = true, .call = call_dest_less, .check = check_dest,
		.undo = undo_dest,
	},
	[C_GET_EXACT_ROUTE] = {
		"RTM_IOC_GET_EXACT_ROUTE", "RtmGetExactMatchRoute",
		.spread = true, .pre = pre_exact_route,
		.call = call_exact_route, .check = check_exact_route,
		.undo = undo_exact_route,
	},
	[C_HOLD_DEST] = {
		"RTM_IOC_HOLD_DEST", "RtmHoldDestination",
		.pre = pre_routex_case, .call = call_hold_dest,
		.post = post_hold_dest,
	},
	[C_ADD_ROUTES] = {
		"RTM_IOC_ADD_ROUTES", "rtm_bulk_add_routes",
		.hops = true, .partial = true, .setup = setup_add_routes,
		.call = call_add_routes, .check = check_bulk,
		.undo = undo_add_routes,
	},
	[C_DELETE_ROUTES] = {
		"RTM_IOC_DELETE_ROUTES", "rtm_bulk_delete_routes",
		.partial = true, .setup = setup_delete_routes,
		.teardown = teardown_delete_routes, .call = call_delete_routes,
		.check = check_bulk, .undo = undo_delete_routes,
	},
	[C_LOOKUP] = {
		"RTM_IOC_LOOKUP", "rtm_bulk_lookup",
		.nochange = true, .setup = setup_lookup, .call = call_lookup,
		.check = check_lookup,
	},
	[C_DUMP] = {
		"RTM_IOC_DUMP", "rtm_bulk_dump",
		.ok = ERROR_NO_MORE_ITEMS, .nochange = true, .call = call_dump,
		.check = check_dump,
	},
	[C_ENUM_CREATE_DESTS] = {
		"RTM_IOC_ENUM_CREATE", "dests",
		.setup = setup_enum_dests, .pre = pre_enum_create,
		.call = call_enum_create, .check = check_enum_create,
		.undo = undo_enum,
	},
	[C_ENUM_CREATE_ROUTES] = {
		"RTM_IOC_ENUM_CREATE", "routes",
		.setup = setup_enum_routes, .pre = pre_enum_create,
		.call = call_enum_create, .check = check_enum_create,
		.undo = undo_enum,
	},
	[C_ENUM_CREATE_NEXTHOPS] = {
		"RTM_IOC_ENUM_CREATE", "next hops",
		.hops = true, .setup = setup_enum_nexthops,
		.pre = pre_enum_create, .call = call_enum_create,
		.check = check_enum_create, .undo = undo_enum,
	},
	[C_ENUM_CREATE_LIST] = {
		"RTM_IOC_ENUM_CREATE", "route list",
		.setup = setup_enum_list, .teardown = teardown_list,
		.pre = pre_enum_create, .call = call_enum_create,
		.check = check_enum_create, .undo = undo_enum,
	},
	[C_ENUM_GET_DESTS] = {
		"RTM_IOC_ENUM_GET", "dests",
		.spread = true, .setup = setup_enum_get_dests, .pre = pre_enum,
		.call = call_enum_get, .check = check_enum_get,
		.undo = undo_enum_get, .post = post_enum_get,
	},
	[C_ENUM_GET_ROUTES] = {
		"RTM_IOC_ENUM_GET", "routes",
		.spread = true, .setup = setup_enum_get_routes, .pre = pre_enum,
		.call = call_enum_get, .check = check_enum_get,
		.undo = undo_enum_get, .post = post_enum_get,
	},
	[C_ENUM_GET_NEXTHOPS] = {
		"RTM_IOC_ENUM_GET", "next hops",
		.spread = true, .hops = true, .setup = setup_enum_get_nexthops,
		.pre = pre_enum, .call = call_enum_get, .check = check_enum_get,
		.undo = undo_enum_get, .post = post_enum_get,
	},
	[C_ENUM_GET_LIST] = {
		"RTM_IOC_ENUM_GET", "route list",
		.spread = true, .setup = setup_enum_get_list,
		.teardown = teardown_list, .pre = pre_enum,
		.call = call_enum_get, .check = check_enum_get,
		.undo = undo_enum_get, .post = post_enum_get,
	},
	[C_ENUM_DELETE_DESTS] = {
		"RTM_IOC_ENUM_DELETE", "dests",
		.setup = setup_enum_dests, .pre = pre_enum,
		.call = call_enum_delete, .check = check_enum_delete,
		.post = post_enum_delete,
	},
	[C_ENUM_DELETE_ROUTES] = {
		"RTM_IOC_ENUM_DELETE", "routes",
		.setup = setup_enum_routes, .pre = pre_enum,
		.call = call_enum_delete, .check = check_enum_delete,
		.post = post_enum_delete,
	},
	[C_ENUM_DELETE_NEXTHOPS] = {
		"RTM_IOC_ENUM_DELETE", "next hops",
		.hops = true, .setup = setup_enum_nexthops, .pre = pre_enum,
		.call = call_enum_delete, .check = check_enum_delete,
		.post = post_enum_delete,
	},
	[C_ENUM_DELETE_LIST] = {
		"RTM_IOC_ENUM_DELETE", "route list",
		.setup = setup_enum_list, .teardown = teardown_list,
		.pre = pre_enum, .call = call_enum_delete,
		.check = check_enum_delete, .post = post_enum_delete,
	},
	[C_LIST_CREATE] = {
		"RTM_IOC_LIST_CREATE", "RtmCreateRouteList",
		.pre = pre_list_create, .call = call_list_create,
		.check = check_list_create, .undo = undo_list,
	},
	[C_LIST_INSERT] = {
		"RTM_IOC_LIST_INSERT", "RtmInsertInRouteList",
		.pre = pre_list_insert, .call = call_list_insert,
		.undo = undo_list_insert, .post = post_list,
		.observe = observe_list_routes,
	},
	[C_LIST_DELETE] = {
		"RTM_IOC_LIST_DELETE", "RtmDeleteRouteList",
		.pre = pre_list_delete, .call = call_list_delete,
		.check = check_list_delete, .post = post_list_delete,
		.observe = observe_list_routes,
	},
	[C_NOTIFY_REGISTER] = {
		"RTM_IOC_NOTIFY_REGISTER", "RtmRegisterForChangeNotification",
		.pre = pre_notify_register, .call = call_notify_register,
		.check = check_notify_register, .undo = undo_notify,
	},
	[C_NOTIFY_GET] = {
		"RTM_IOC_NOTIFY_GET", "RtmGetChangedDests",
		.spread = true, .pre = pre_notify_get, .call = call_notify_get,
		.check = check_notify_get, .post = post_notify_get,
		.observe = observe_notify_get,
	},
	[C_NOTIFY_STATUS] = {
		"RTM_IOC_NOTIFY_DEST", "status",
		.nochange = true, .pre = pre_notify_dest,
		.call = call_notify_status, .check = check_notify_yes,
		.post = post_notify_dest, .observe = observe_notify_dest,
	},
	[C_NOTIFY_IGNORE] = {
		"RTM_IOC_NOTIFY_DEST", "ignore",
		.pre = pre_notify_dest, .call = call_notify_ignore,
		.post = post_notify_dest, .observe = observe_notify_dest,
	},
	[C_NOTIFY_MARK] = {
		"RTM_IOC_NOTIFY_DEST", "mark",
		.pre = pre_notify_dest, .call = call_notify_mark,
		.undo = undo_notify_mark, .post = post_notify_dest,
		.observe = observe_notify_dest,
	},
	[C_NOTIFY_UNMARK] = {
		"RTM_IOC_NOTIFY_DEST", "unmark",
		.pre = pre_notify_dest_marked, .call = call_notify_unmark,
		.post = post_notify_dest, .observe = observe_notify_dest,
	},
	[C_NOTIFY_IS_MARKED] = {
		"RTM_IOC_NOTIFY_DEST", "is marked",
		.nochange = true, .pre = pre_notify_dest_marked,
		.call = call_notify_is_marked, .check = check_notify_yes,
		.post = post_notify_dest, .observe = observe_notify_dest,
	},
	[C_NOTIFY_DEREGISTER] = {
		"RTM_IOC_NOTIFY_DEREGISTER", "RtmDeregisterFromChangeNotification",
		.pre = pre_notify_deregister, .call = call_notify_deregister,
		.check = check_notify_deregister,
		.post = post_notify_deregister,
	},
	[C_LOCK] = {
		"RTM_IOC_LOCK", "lock",
		.pre = pre_routex_case, .call = call_lock, .undo = undo_lock,
		.post = post_lock,
	},
	[C_UNLOCK] = {
		"RTM_IOC_LOCK", "unlock",
		.pre = pre_unlock, .call = call_unlock, .post = post_unlock,
	},
	[C_GET_OPAQUE] = {
		"RTM_IOC_LOCK", "get opaque",
		.nochange = true, .pre = pre_get_opaque,
		.call = call_get_opaque, .check = check_get_opaque,
		.post = post_routex_case, .observe = observe_opaque,
	},
	[C_SET_OPAQUE] = {
		"RTM_IOC_LOCK", "set opaque",
		.pre = pre_set_opaque, .ready = ready_set_opaque,
		.call = call_unlock, .check = check_set_opaque,
		.post = post_set_opaque, .observe = observe_opaque,
	},
	[C_SET_OPAQUE_ALONE] = {
		"RTM_IOC_LOCK", "set opaque without a lock",
		.pre = pre_set_opaque_alone, .ready = ready_set_opaque,
		.call = call_set_opaque_alone, .check = check_set_opaque,
		.post = post_routex_case, .observe = observe_opaque,
	},
	[C_METHOD_GET] = {
		"RTM_IOC_METHOD_GET", "RtmGetEntityMethods",
		.nochange = true, .call = call_method_get,
		.check = check_method_get,
	},
	[C_METHOD_INVOKE] = {
		"RTM_IOC_METHOD_INVOKE", "RtmInvokeMethod",
		.nochange = true, .pre = pre_invoke, .call = call_invoke,
		.check = check_invoke, .post = post_invoke,
	},
	[C_METHOD_BLOCK] = {
		"RTM_IOC_METHOD_CTL", "block",
		.pre = pre_block, .call = call_block, .undo = undo_block,
		.post = post_not_blocked,
	},
	[C_METHOD_RESUME] = {
		"RTM_IOC_METHOD_CTL", "resume",
		.pre = pre_resume, .call = call_resume, .post = post_resume,
	},
	[C_METHOD_FETCH] = {
		"RTM_IOC_METHOD_CTL", "fetch (raw)",
		.setup = setup_raw_callee, .teardown = teardown_raw_callee,
		.pre = pre_fetch, .call = call_fetch, .check = check_fetch,
		.post = post_fetch,
	},
	[C_METHOD_REPLY] = {
		"RTM_IOC_METHOD_CTL", "reply (raw)",
		.setup = setup_raw_callee, .teardown = teardown_raw_callee,
		.pre = pre_reply, .call = call_reply, .post = post_reply,
	},
	[C_PREF_SET] = {
		"RTM_IOC_PREFERENCE", "rtm_pref_set",
		.call = call_pref_set, .check = check_pref_set,
		.undo = reset_prefs, .observe = observe_prefs,
	},
	[C_PREF_RESET] = {
		"RTM_IOC_PREFERENCE", "rtm_pref_reset of one protocol",
		.pre = pre_pref_reset, .call = call_pref_reset,
		.check = check_pref_reset, .undo = undo_pref_reset,
		.post = post_reset_prefs, .observe = observe_prefs,
	},
	[C_PREF_LIST] = {
		"RTM_IOC_PREFERENCE", "rtm_pref_list",
		.nochange = true, .setup = setup_pref_list,
		.teardown = teardown_pref_list, .call = call_pref_list,
		.check = check_pref_list, .observe = observe_prefs,
	},
};

/* Failure points per case, for the summary (shared with the children). */
struct tally {
	int points[NCASES];		/* -1: did not run */
};

static struct tally *tally;
static int fault_err = -EOPNOTSUPP, netns_err;
static struct fault_saved fault_saved;

static void fault_restore(void)
{
	fault_inject_restore(&fault_saved);
}

/*
 * Before the harness forks the cases: the tally they share, the fault
 * attributes (put back when the program exits, whatever became of the
 * cases), and one network namespace for all of them, so that the tables
 * are theirs alone (a namespace per case would cost more than most cases).
 */
static void __attribute__((constructor)) failnth_init(void)
{
	unsigned int i;

	tally = mmap(NULL, sizeof(*tally), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tally == MAP_FAILED)
		abort();
	for (i = 0; i < NCASES; i++)
		tally->points[i] = -1;
	if (!rtm_present())
		return;
	fault_err = fault_inject_setup(&fault_saved);
	if (fault_err)
		return;
	atexit(fault_restore);
	netns_err = unshare(CLONE_NEWNET) ? -errno : 0;
}

/* ------------------------------------------------------------------ */
/* The world, and the runner                                           */
/* ------------------------------------------------------------------ */

/*
 * Handle ids come from one counter.  A registration records its holds in
 * an XArray by id, which allocates a node for each range of 64 ids it
 * enters: for a call that hands out several handles to fail between two
 * of them, the objects' ids must lie 64 apart.  Cases that want that have
 * ids used up between the objects as they are made.
 */
static int spread_ids(bool spread)
{
	RTM_ROUTE_LIST_HANDLE l;
	unsigned int i;

	for (i = 0; spread && i < 64; i++)
		if (NEED(RtmCreateRouteList(W.e, &l)) ||
		    NEED(RtmDeleteRouteList(W.e, l)))
			return -1;
	return 0;
}

/* Give the dest of @a its handle id now. */
static int dest_publish(RTM_NET_ADDRESS a, RTM_DEST_HANDLE *keep)
{
	RTM_DEST_HANDLE d;

	if (NEED(dest_get(a, &d)))
		return -1;
	if (keep) {
		*keep = d;
		return 0;
	}
	return NEED(dest_put(&d));
}

/*
 * The caller E with next hops nh1, nh2 (and nh3, not held), routes
 * 10.1.0.0/16 (R1), 10.2.0.0/16 in both views (R2) and 10.1.1.0/24 (R3);
 * another entity O with a next hop, a worse 10.1.0.0/16 and a multicast
 * 10.3.0.0/16.  With @spread, their ids lie 64 apart.
 */
static int world_build(bool spread)
{
	struct rspec s;

	if (NEED(reg_entity(P_E, 1, false, 0, TRUE, &W.e)) ||
	    spread_ids(spread) ||
	    NEED(reg_entity(P_O, 1, false, NMETHODS_O, FALSE, &W.o)) ||
	    spread_ids(spread) ||
	    NEED(nh_add(W.e, p4(192, 0, 2, 1, 32), 1, &W.nh1)) ||
	    spread_ids(spread) ||
	    NEED(nh_add(W.e, p4(192, 0, 2, 2, 32), 2, &W.nh2)) ||
	    spread_ids(spread) ||
	    NEED(nh_add(W.e, p4(192, 0, 2, 3, 32), 3, &W.nh3)) ||
	    NEED(RtmReleaseNextHops(W.e, 1, &W.nh3)) || spread_ids(spread) ||
	    NEED(nh_add(W.o, p4(198, 51, 100, 1, 32), 3, &W.onh)) ||
	    spread_ids(spread) ||
	    NEED(route_add(W.e, p4(10, 1, 0, 0, 16), W.nh1, 10, 5,
			   RTM_VIEW_MASK_UCAST, &W.r1)) || spread_ids(spread))
		return -1;
	spec_r2(&s);
	W.r2 = NULL;
	if (NEED(rt_add(W.e, p4(10, 2, 0, 0, 16), &s, INFINITE, 0, &W.r2,
			NULL)) || spread_ids(spread))
		return -1;
	memset(&s, 0, sizeof(s));
	s.pref = 10;
	s.metric = 5;
	s.neighbour = W.nh1;
	s.nnh = 2;
	s.nh[0] = W.nh1;
	s.nh[1] = W.nh2;
	W.r3 = NULL;
	return NEED(rt_add(W.e, p4(10, 1, 1, 0, 24), &s, INFINITE, 0, &W.r3,
			   NULL)) || spread_ids(spread) ||
	       NEED(route_add(W.o, p4(10, 1, 0, 0, 16), W.onh, 20, 5,
			      RTM_VIEW_MASK_UCAST, &W.or1)) ||
	       spread_ids(spread) ||
	       NEED(route_add(W.o, p4(10, 3, 0, 0, 16), W.onh, 10, 5,
			      RTM_VIEW_MASK_MCAST, &W.or3)) ||
	       spread_ids(spread) ||
	       dest_publish(p4(10, 1, 0, 0, 16), &W.d1) || spread_ids(spread) ||
	       dest_publish(p4(10, 1, 1, 0, 24), &W.d3) || spread_ids(spread) ||
	       dest_publish(p4(10, 2, 0, 0, 16), NULL) || spread_ids(spread) ||
	       dest_publish(p4(10, 3, 0, 0, 16), NULL);
}

/*
 * The caller lets go of every handle it holds (the objects stay, and so
 * do their handles): each hold a call takes is then the first in its
 * range of ids, which is where recording it allocates.
 */
static int world_unhold(void)
{
	HANDLE routes[3] = { W.r1, W.r2, W.r3 };
	HANDLE hops[2] = { W.nh1, W.nh2 };
	RTM_DEST_HANDLE d1 = W.d1, d3 = W.d3;

	return NEED(RtmReleaseRoutes(W.e, 3, routes)) ||
	       NEED(RtmReleaseNextHops(W.e, 2, hops)) ||
	       NEED(dest_put(&d1)) || NEED(dest_put(&d3));
}

static bool accepted(const struct fcase *c, DWORD st)
{
	unsigned int i;

	if (!c->errs[0])
		return st == ERROR_NOT_ENOUGH_MEMORY;
	for (i = 0; i < ARRAY_SIZE(c->errs); i++)
		if (c->errs[i] && c->errs[i] == st)
			return true;
	return false;
}

static void count_error(DWORD st)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(W.errs_seen); i++) {
		if (!W.errs_seen[i].n)
			W.errs_seen[i].st = st;
		if (W.errs_seen[i].st == st) {
			W.errs_seen[i].n++;
			return;
		}
	}
}

/* The state is the base one, checked last: no need to look again. */
static bool base_known;

/* After a success: the state of an undisturbed one, then undone. */
static int after_success(void)
{
	const struct fcase *c = W.c;
	int err;

	err = expect_state(c->nochange ? &W.base : &W.ref, "after the call");
	if (c->undo) {
		err |= c->undo();
		err |= expect_state(&W.base, "after undoing the call");
	}
	base_known = !err && (c->undo || c->nochange);
	return err;
}

/*
 * The call with its @n-th allocation failing, and with @onward every
 * later one too; *@injected tells whether the call got that far.  0, or
 * -1 if anything was amiss.
 */
static int try_point(unsigned int n, bool onward, bool *injected)
{
	const struct fcase *c = W.c;
	long left;
	bool ok;
	DWORD st;
	int err;

	W.n = n;
	*injected = false;
	if (c->pre && c->pre())
		return -1;
	/* What pre made, or the last post left, must be the base again. */
	if ((c->pre || !base_known) &&
	    expect_state(&W.base, "before the call (left by the last one?)"))
		return -1;
	base_known = false;
	if (c->ready)
		c->ready();
	err = failnth_arm(&W.fn, n, onward);
	if (err)
		return FAIL("arming fail-nth: %s", strerror(-err));
	st = c->call();
	left = failnth_disarm(&W.fn);
	if (left < 0)
		return FAIL("fail-nth: %s", strerror(-left));
	*injected = !left;
	ok = st == c->ok;

	err = 0;
	if (!*injected && !ok)
		err = FAIL("%s without an injected failure", win32_name(st));
	else if (!ok && !accepted(c, st))
		err = FAIL("%s (%u) for the injected failure", win32_name(st),
			   st);
	if (*injected && !ok)
		count_error(st);
	if (*injected && ok)
		W.tolerated++;
	if (c->check)
		err |= c->check(ok);
	if (ok) {
		err |= after_success();
	} else if (c->partial) {
		if (W.done > BULK_N)
			return FAIL("done %zu", W.done);
		err |= expect_state(&W.refs[W.done], "after the failed call");
		err |= c->undo();
		err |= expect_state(&W.base, "after undoing what it applied");
		base_known = !err;
	} else {
		err |= expect_state(&W.base, "after the failed call");
		base_known = !err;
	}
	if (c->post) {
		err |= c->post(ok);
		base_known = false;
	}
	return err;
}

/* The call undisturbed: what a success looks like. */
static int reference_run(void)
{
	const struct fcase *c = W.c;
	DWORD st;
	int err = 0;

	W.n = 0;
	if ((c->setup && c->setup()) || (c->pre && c->pre()) ||
	    snap_take(&W.base))
		return -1;
	if (c->ready)
		c->ready();
	st = c->call();
	if (st != c->ok)
		return FAIL("the call: %s (%u), want %s", win32_name(st), st,
			    win32_name(c->ok));
	if (c->check)
		err |= c->check(true);
	if (c->nochange)
		err |= expect_state(&W.base, "after the call");
	else
		err |= snap_take(&W.ref);
	if (c->undo) {
		err |= c->undo();
		err |= expect_state(&W.base, "after undoing the call");
	}
	if (c->post)
		err |= c->post(true);
	/* The states a bulk call may stop in, from first to last. */
	if (c->partial && (!snap_same(&W.base, &W.refs[0], true) ||
			   !snap_same(&W.ref, &W.refs[BULK_N], true)))
		err |= FAIL("the bulk references do not hold");
	base_known = false;
	return err;
}

/* Every failure point of the call in turn; how many there were. */
static unsigned int run_pass(bool onward)
{
	bool injected = true;
	unsigned int n;

	W.tolerated = 0;
	for (n = 1; n <= MAX_POINTS && W.failures < MAX_REPORTS; n++) {
		try_point(n, onward, &injected);
		if (!injected)
			return n - 1;
	}
	if (W.failures < MAX_REPORTS)
		FAIL("still failing after %u points", MAX_POINTS);
	return n - 1;
}

/* Cases named on the command line, or all. */
static char **only;

static void run_case(struct __test_metadata *_metadata, enum case_id id,
		     const char *name)
{
	const struct fcase *c = &cases[id];
	long long start = now_ms();
	unsigned int points = 0, onward = 0, tolerated = 0, i;
	bool picked = !only || !*only;

	for (i = 0; only && only[i]; i++)
		picked |= !strcmp(only[i], name);
	if (!picked)
		SKIP(return, "not asked for");
	if (_metadata->skip || !W.ready)
		return;
	ASSERT_EQ(0, world_build(c->spread));
	ASSERT_EQ(0, world_unhold());
	/* Publishes every object: handles then counts objects alone. */
	ASSERT_EQ(0, snap_take(&W.base));
	ASSERT_EQ(0, pin_memory(1 << 20, 256 << 10, 128 << 10));
	W.c = c;
	W.failures = 0;
	if (!reference_run()) {
		points = run_pass(false);
		tolerated = W.tolerated;
		if (!c->single_only && !W.failures)
			onward = run_pass(true);
	}
	if (c->teardown)
		c->teardown();

	tally->points[id] = points;
	printf("# failnth: %s %s: %u failure points (%u tolerated)%s",
	       c->ioctl, c->what, points, tolerated,
	       points ? "" : ": the call allocates nothing");
	if (points && !c->single_only)
		printf("; failing from there on: %u (%u tolerated)", onward,
		       W.tolerated);
	printf(", %lld ms\n", now_ms() - start);
	for (i = 0; i < ARRAY_SIZE(W.errs_seen) && W.errs_seen[i].n; i++)
		printf("#   %u failed with %s\n", W.errs_seen[i].n,
		       win32_name(W.errs_seen[i].st));
	fflush(stdout);
	EXPECT_EQ(0, W.failures);
}

FIXTURE(failnth) {
	int unused;
};

FIXTURE_SETUP(failnth)
{
	struct rtm_stats st;
	int err;

	REQUIRE_RTM();
	if (_metadata->skip)
		return;
	if (fault_err == -EOPNOTSUPP)
		SKIP(return, "no fault injection (failslab, fail_page_alloc, fail-nth) in this kernel");
	ASSERT_EQ(0, fault_err) TH_LOG("fault injection setup: %s",
				      strerror(-fault_err));
	ASSERT_EQ(0, netns_err) TH_LOG("unshare: %s", strerror(-netns_err));
	/* What the last case left is gone once its process is. */
	ASSERT_EQ(0, read_stats_steady(&st, WAIT_MS));
	ASSERT_EQ(0, st.entities + st.handles + st.holds)
		TH_LOG("left over: %ld entities, %ld handles, %ld holds",
		       st.entities, st.handles, st.holds);
	W.rfd = -1;
	err = failnth_open(&W.fn);
	ASSERT_EQ(0, err) TH_LOG("fail-nth: %s", strerror(-err));
	W.ready = true;
}

FIXTURE_TEARDOWN(failnth)
{
}

#define FAILNTH(name, id)						\
	TEST_F_TIMEOUT(failnth, name, 600)				\
	{								\
		run_case(_metadata, id, #name);				\
	}

FAILNTH(register, C_REGISTER)
FAILNTH(deregister, C_DEREGISTER)
FAILNTH(get_entities, C_GET_ENTITIES)
FAILNTH(get_entity_info, C_GET_ENTITY_INFO)
FAILNTH(reference, C_REFERENCE)
FAILNTH(release, C_RELEASE)
FAILNTH(release_pointer, C_RELEASE_POINTER)
FAILNTH(add_nexthop, C_ADD_NEXTHOP)
FAILNTH(add_nexthop_remote, C_ADD_NEXTHOP_REMOTE)
FAILNTH(find_nexthop, C_FIND_NEXTHOP)
FAILNTH(delete_nexthop, C_DELETE_NEXTHOP)
FAILNTH(get_nexthop_info, C_GET_NEXTHOP_INFO)
FAILNTH(add_route, C_ADD_ROUTE)
FAILNTH(add_route_ttl, C_ADD_ROUTE_TTL)
FAILNTH(add_route_list, C_ADD_ROUTE_LIST)
FAILNTH(add_route_update, C_ADD_ROUTE_UPDATE)
FAILNTH(delete_route, C_DELETE_ROUTE)
FAILNTH(get_route_info, C_GET_ROUTE_INFO)
FAILNTH(get_dest_handle, C_GET_DEST_HANDLE)
FAILNTH(get_dest_exact, C_GET_DEST_EXACT)
FAILNTH(get_dest_longest, C_GET_DEST_LONGEST)
FAILNTH(get_dest_less, C_GET_DEST_LESS)
FAILNTH(get_exact_route, C_GET_EXACT_ROUTE)
FAILNTH(hold_dest, C_HOLD_DEST)
FAILNTH(add_routes, C_ADD_ROUTES)
FAILNTH(delete_routes, C_DELETE_ROUTES)
FAILNTH(lookup, C_LOOKUP)
FAILNTH(dump, C_DUMP)
FAILNTH(enum_create_dests, C_ENUM_CREATE_DESTS)
FAILNTH(enum_create_routes, C_ENUM_CREATE_ROUTES)
FAILNTH(enum_create_nexthops, C_ENUM_CREATE_NEXTHOPS)
FAILNTH(enum_create_list, C_ENUM_CREATE_LIST)
FAILNTH(enum_get_dests, C_ENUM_GET_DESTS)
FAILNTH(enum_get_routes, C_ENUM_GET_ROUTES)
FAILNTH(enum_get_nexthops, C_ENUM_GET_NEXTHOPS)
FAILNTH(enum_get_list, C_ENUM_GET_LIST)
FAILNTH(enum_delete_dests, C_ENUM_DELETE_DESTS)
FAILNTH(enum_delete_routes, C_ENUM_DELETE_ROUTES)
FAILNTH(enum_delete_nexthops, C_ENUM_DELETE_NEXTHOPS)
FAILNTH(enum_delete_list, C_ENUM_DELETE_LIST)
FAILNTH(list_create, C_LIST_CREATE)
FAILNTH(list_insert, C_LIST_INSERT)
FAILNTH(list_delete, C_LIST_DELETE)
FAILNTH(notify_register, C_NOTIFY_REGISTER)
FAILNTH(notify_get, C_NOTIFY_GET)
FAILNTH(notify_status, C_NOTIFY_STATUS)
FAILNTH(notify_ignore, C_NOTIFY_IGNORE)
FAILNTH(notify_mark, C_NOTIFY_MARK)
FAILNTH(notify_unmark, C_NOTIFY_UNMARK)
FAILNTH(notify_is_marked, C_NOTIFY_IS_MARKED)
FAILNTH(notify_deregister, C_NOTIFY_DEREGISTER)
FAILNTH(lock, C_LOCK)
FAILNTH(unlock, C_UNLOCK)
FAILNTH(get_opaque, C_GET_OPAQUE)
FAILNTH(set_opaque, C_SET_OPAQUE)
FAILNTH(set_opaque_alone, C_SET_OPAQUE_ALONE)
FAILNTH(method_get, C_METHOD_GET)
FAILNTH(method_invoke, C_METHOD_INVOKE)
FAILNTH(method_block, C_METHOD_BLOCK)
FAILNTH(method_resume, C_METHOD_RESUME)
FAILNTH(method_fetch, C_METHOD_FETCH)
FAILNTH(method_reply, C_METHOD_REPLY)
FAILNTH(pref_set, C_PREF_SET)
FAILNTH(pref_reset, C_PREF_RESET)
FAILNTH(pref_list, C_PREF_LIST)

/* The failure points of each ioctl, summed over its cases, and in all. */
FIXTURE(summary) {
	int unused;
};

FIXTURE_SETUP(summary)
{
}

FIXTURE_TEARDOWN(summary)
{
}

TEST_F(summary, failure_points)
{
	unsigned int i, total = 0, ran = 0, sum, here;
	const char *ioctl;

	for (i = 0; i < NCASES;) {
		ioctl = cases[i].ioctl;
		sum = 0;
		here = 0;
		for (; i < NCASES && !strcmp(cases[i].ioctl, ioctl); i++) {
			if (tally->points[i] < 0)
				continue;
			sum += tally->points[i];
			here++;
		}
		if (here)
			printf("# failnth: %s %u failure points\n", ioctl, sum);
		total += sum;
		ran += here;
	}
	if (!ran)
		SKIP(return, "no case ran");
	printf("# failnth: total %u failure points in %u calls\n", total, ran);
	/* The harness's children end with _exit(): stdout may be a pipe. */
	fflush(stdout);
	if (!*only)
		EXPECT_EQ((unsigned int)NCASES, ran);
}

/* failnth_test [CASE...]: only the cases named (the others skip). */
int main(int argc, char **argv)
{
	only = argv + 1;
	return test_harness_run(argc, argv);
}
