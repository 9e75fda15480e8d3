// SPDX-License-Identifier: GPL-2.0
/*
 * How long an rtm ioctl keeps a CPU without rescheduling, with the real
 * Internet table loaded (/data/prefixes.txt, 1,062,046 prefixes, which
 * `make check` ships to the guest): no ioctl, driven in the worst way a
 * caller can, may hold a CPU in one RCU read-side section or in any
 * stretch without a rescheduling point for longer than LATENCY_LIMIT_MS.
 *
 * Method.  The test pins itself to one CPU and runs there a SCHED_FIFO
 * probe thread that sleeps 1 ms at a time (clock_nanosleep() to an
 * absolute time).  When the probe's timer fires while this thread is in
 * the kernel, the wake-up marks this thread for rescheduling; on a kernel
 * that does not preempt in the kernel (Debian's stock kernels boot with
 * preempt=voluntary) it runs on until it reaches a rescheduling point
 * (cond_resched(), a sleep, the might_sleep() of a lock or an allocation
 * in voluntary mode, the return to user space), so the probe waits as
 * long as the kernel ran without one, and an RCU read-side section holds
 * none.  Before each ioctl this thread writes which kind of call it makes
 * into a variable the probe reads when it runs: both are on one CPU, so
 * the probe, which cannot run while this thread does, always sees the
 * call that kept it waiting.
 *
 * What is measured per wake-up is the probe's wait: the growth of its
 * run_delay (/proc/thread-self/schedstat), the time the scheduler counted
 * it runnable but not running, from its wake-up to its switch-in.  A late
 * wake-up alone would not do under TCG: the guest's CPUs are host threads
 * on a busy machine, and the host stops them for tens or hundreds of
 * milliseconds whatever they run.  A stop before the wake-up is outside
 * the wait, but one inside it is not, so the wait is bounded by the
 * guest's own time as well: the timer interrupts of the CPU during it (a
 * perf counter of irq_vectors:local_timer_entry), times the tick.  While
 * the guest runs the tick fires every tick; across a stop of the host it
 * fires once.  The smaller of the two, the stretch, is what a kind is
 * judged by: its worst over every run.  (A stretch with interrupts off
 * would have no ticks; rtm has none that long.)
 *
 * Where it cannot measure it skips: on a fully preemptible kernel (the
 * debug kernel: CONFIG_PREEMPT, with preemptible RCU) the probe preempts
 * any ioctl at once, inside RCU read-side sections too, so its wait says
 * nothing about how long an ioctl keeps the CPU; and lockdep and KASAN
 * slow every lock and memory access there several times over.
 *
 * It takes 2.5 to 3.5 minutes of VM time on a stock kernel under TCG
 * (up to 6 with the host heavily loaded), most of it loading the table
 * (27-55 s) and taking its owners down (44-95 s).
 *
 * env: RTM_LATENCY_PREFIXES  the table (default /data/prefixes.txt)
 *      RTM_LATENCY_PREEMPT   measure under this preemption model (none,
 *                            voluntary), switched to through
 *                            /sys/kernel/debug/sched/preempt and back
 *      RTM_LATENCY_LIMIT_MS  the threshold (default LATENCY_LIMIT_MS)
 */
#include <sched.h>
#include <sys/mman.h>
#include <arpa/inet.h>
#include <sys/utsname.h>
#include <linux/perf_event.h>

#include "kselftest_harness.h"
#include "rtm_selftest.h"

/*
 * The threshold for a kind's worst stretch.  "A few milliseconds" of a
 * real CPU: TCG runs the kernel 20 to 40 times slower (the benchmark's
 * in-kernel lookup takes 1.8 us under TCG against 50-100 ns on hardware;
 * a step of 256 route inserts, 0.25 ms on hardware, takes 9-13 ms here),
 * so 100 ms here is 2.5 to 5 ms of hardware.  The steps rtm breaks its
 * long calls into stay under 20 ms here, even with the host loaded; a
 * stretch that grows with what a caller passes (65536 handles, a million
 * dests) takes hundreds of milliseconds or seconds.
 */
#define LATENCY_LIMIT_MS	100

#define PREFIXES	"/data/prefixes.txt"
#define PREEMPT_CTL	"/sys/kernel/debug/sched/preempt"
#define INST		11
#define PROTO		0x7200
#define NFAM		2
#define BATCH		RTM_MAX_BATCH
#define ENUM_MAX	128		/* MaxHandlesInEnum */
#define ROUNDS		1		/* of the drives that leave the table as is */
#define NSUBS		(2 * ROUNDS + 2) /* overflowed subscriptions a table */
#define POINT_CALLS	500		/* of each point query, per round */
#define MAX_RUNS	64
#define PERIOD_NS	1000000L	/* the probe's sleep */
#define PROBE_PRIO	50
#define IFINDEX		1
#define NO_IFINDEX	4242		/* no route has it */

/* ------------------------------------------------------------------ */
/* Kinds of calls, and what the probe saw during each                   */
/* ------------------------------------------------------------------ */

enum kind {
	K_USER,			/* user space alone: the floor */
	K_OTHER,		/* setup calls, and user space between calls */
	K_LOAD,
	K_DUMP,
	K_ENUM_OWN_DESTS,
	K_ENUM_ROUTES_NONE,
	K_ENUM_DESTS,
	K_ENUM_ROUTES,
	K_NOTIFY_GET,
	K_NOTIFY_DEREGISTER,
	K_LOOKUP,
	K_DELETE_ROUTES,
	K_ADD_ROUTES,
	K_REFERENCE,
	K_RELEASE,
	K_LIST_INSERT,
	K_LIST_DELETE,
	K_ADD_NEXTHOP,
	K_GET_DEST,
	K_GET_EXACT_ROUTE,
	K_GET_ROUTE_INFO,
	K_ADD_ROUTE,
	K_DELETE_ROUTE,
	K_LOCK,
	K_GET_ENTITIES,
	K_ENUM_DELETE,
	K_DEREGISTER,
	K_CLOSE,
	K_NKINDS
};

static const char *const kind_name[K_NKINDS] = {
	[K_USER] = "no ioctl, user space spinning (the floor)",
	[K_OTHER] = "other calls (registrations, subscriptions, NOTIFY_DEST, ENUM_CREATE, LIST_CREATE, small releases) and user space",
	[K_LOAD] = "RTM_IOC_ADD_ROUTES: the full load, 65536 new routes a call",
	[K_DUMP] = "RTM_IOC_DUMP: a view with 3 routes, over the whole table",
	[K_ENUM_OWN_DESTS] = "RTM_IOC_ENUM_GET: RTM_ENUM_OWN_DESTS of an entity owning nothing",
	[K_ENUM_ROUTES_NONE] = "RTM_IOC_ENUM_GET: routes by criteria nothing matches",
	[K_ENUM_DESTS] = "RTM_IOC_ENUM_GET: 128 dests, held",
	[K_ENUM_ROUTES] = "RTM_IOC_ENUM_GET: 128 own routes, held",
	[K_NOTIFY_GET] = "RTM_IOC_NOTIFY_GET: overflowed queue, 2 dests pending at the ends",
	[K_NOTIFY_DEREGISTER] = "RTM_IOC_NOTIFY_DEREGISTER: overflowed subscription",
	[K_LOOKUP] = "RTM_IOC_LOOKUP: 65536 addresses",
	[K_DELETE_ROUTES] = "RTM_IOC_DELETE_ROUTES: 65536 routes",
	[K_ADD_ROUTES] = "RTM_IOC_ADD_ROUTES: the 65536 back",
	[K_REFERENCE] = "RTM_IOC_REFERENCE: 65536 route handles",
	[K_RELEASE] = "RTM_IOC_RELEASE: 65536 route handles",
	[K_LIST_INSERT] = "RTM_IOC_LIST_INSERT: 65536 routes into a list",
	[K_LIST_DELETE] = "RTM_IOC_LIST_DELETE: a list of 65536 routes",
	[K_ADD_NEXTHOP] = "RTM_IOC_ADD_NEXTHOP: up to max_nexthops",
	[K_GET_DEST] = "RTM_IOC_GET_DEST: longest match",
	[K_GET_EXACT_ROUTE] = "RTM_IOC_GET_EXACT_ROUTE",
	[K_GET_ROUTE_INFO] = "RTM_IOC_GET_ROUTE_INFO",
	[K_ADD_ROUTE] = "RTM_IOC_ADD_ROUTE: an update",
	[K_DELETE_ROUTE] = "RTM_IOC_DELETE_ROUTE and RTM_IOC_ADD_ROUTE back",
	[K_LOCK] = "RTM_IOC_LOCK: lock and unlock a dest",
	[K_GET_ENTITIES] = "RTM_IOC_GET_ENTITIES",
	[K_ENUM_DELETE] = "RTM_IOC_ENUM_DELETE",
	[K_DEREGISTER] = "RTM_IOC_DEREGISTER: the owner of the IPv4 table, with its holds, next hops, list, subscriptions, enumerations (and the close after)",
	[K_CLOSE] = "close(): the same of the IPv6 table, still registered",
};

/* Written by the probe only, read by the test once the probe stopped. */
struct kind_stats {
	long long worst_ns;		/* stretch, of every run */
	long long run_worst_ns;		/* stretch, of the run going on */
	long long runs[MAX_RUNS];	/* each finished run's worst stretch */
	unsigned int nruns;
	long long delay_ns;		/* the longest wait, host stops and all */
	unsigned long samples;
	unsigned long over[3];		/* stretches longer than over_ms[] */
};

static const int over_ms[3] = { 5, 20, 50 };

static struct {
	volatile int kind;		/* the call this thread is in */
	volatile int stop;
	int cpu;
	int schedstat;			/* the probe's /proc/.../schedstat */
	int ticks;			/* timer interrupts of the CPU, or -1 */
	long long tick_ns;
	int err;
	struct kind_stats k[K_NKINDS];
	unsigned long wakeups;
} probe;

/*
 * A TAP comment line, out at once: the harness ends a test with _exit(),
 * which would drop what stdio still buffers when stdout is a pipe.
 */
static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static long long ts_ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static long long mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ts_ns(&t);
}

/*
 * The probe's run_delay (the second field of its schedstat): the time it
 * spent runnable and waiting for the CPU, as the scheduler counts it,
 * from its wake-up to its switch-in.
 */
static long long run_delay_ns(void)
{
	unsigned long long run, delay;
	char buf[128];
	ssize_t n;

	n = pread(probe.schedstat, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu", &run, &delay) != 2)
		return -1;
	return (long long)delay;
}

/* The count of timer interrupts on the probe's CPU, or 0. */
static long long ticks_now(void)
{
	uint64_t v = 0;

	if (probe.ticks < 0 || read(probe.ticks, &v, sizeof(v)) != sizeof(v))
		return 0;
	return (long long)v;
}

/*
 * A counter of the local timer interrupts of @cpu (the periodic tick among
 * them): perf counting the irq_vectors:local_timer_entry tracepoint.
 * Return: its fd, or -1 where there is none.
 */
static int open_tick_counter(int cpu)
{
	static const char *const ids[] = {
		"/sys/kernel/tracing/events/irq_vectors/local_timer_entry/id",
		"/sys/kernel/debug/tracing/events/irq_vectors/local_timer_entry/id",
	};
	struct perf_event_attr a;
	unsigned long long id = 0;
	unsigned int i;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(ids) && !id; i++) {
		f = fopen(ids[i], "r");
		if (!f)
			continue;
		if (fscanf(f, "%llu", &id) != 1)
			id = 0;
		fclose(f);
	}
	if (!id)
		return -1;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_TRACEPOINT;
	a.size = sizeof(a);
	a.config = id;
	return (int)syscall(SYS_perf_event_open, &a, -1, cpu, -1,
			    PERF_FLAG_FD_CLOEXEC);
}

/*
 * Sleep 1 ms, wake, note how long the CPU kept the probe waiting against
 * the call this thread was in; until told to stop.
 */
static void *probe_main(void *arg)
{
	struct timespec next;
	long long delay, before, after, t0, t1, stretch;
	struct kind_stats *s;
	int i;

	(void)arg;
	prctl(PR_SET_NAME, "rtm-probe");
	probe.schedstat = open("/proc/thread-self/schedstat",
			       O_RDONLY | O_CLOEXEC);
	before = run_delay_ns();
	while (!probe.stop && before >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &next);
		next.tv_nsec += PERIOD_NS;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		t0 = ticks_now();
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
				       NULL) == EINTR)
			;
		t1 = ticks_now();
		after = run_delay_ns();
		if (after < 0)
			break;
		delay = after - before;
		before = after;
		/*
		 * The guest ran no longer than its CPU's timer interrupts
		 * say (the probe's own one included, so an upper bound);
		 * the host stopping the CPU meanwhile adds to the delay,
		 * not to them.
		 */
		stretch = delay;
		if (probe.ticks >= 0 && (t1 - t0) * probe.tick_ns < stretch)
			stretch = (t1 - t0) * probe.tick_ns;
		s = &probe.k[probe.kind];
		s->samples++;
		if (stretch > s->run_worst_ns)
			s->run_worst_ns = stretch;
		if (stretch > s->worst_ns)
			s->worst_ns = stretch;
		if (delay > s->delay_ns)
			s->delay_ns = delay;
		for (i = 0; i < 3; i++)
			s->over[i] += stretch > over_ms[i] * 1000000LL;
		probe.wakeups++;
	}
	if (!probe.stop)
		probe.err = -EIO;
	if (probe.schedstat >= 0)
		close(probe.schedstat);
	return NULL;
}

/*
 * A run of a kind ends: its worst stretch is kept.  The probe cannot run
 * while this thread does (same CPU, lower priority), so no lock is needed.
 */
static void run_end(enum kind k)
{
	struct kind_stats *s = &probe.k[k];

	if (s->nruns < ARRAY_SIZE(s->runs))
		s->runs[s->nruns++] = s->run_worst_ns;
	s->run_worst_ns = 0;
}

static inline void in_call(enum kind k)
{
	probe.kind = k;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

static inline void out_of_call(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	probe.kind = K_OTHER;
}

/* User space alone for @ms: what the host and TCG add to every wake-up. */
static void spin(long long ms)
{
	long long t = mono_ns();

	in_call(K_USER);
	while (mono_ns() - t < ms * 1000000LL)
		;
	out_of_call();
	run_end(K_USER);
}

/* One ioctl of kind @k: 0 or -errno. */
static int drive(enum kind k, int fd, unsigned long cmd, void *arg)
{
	int r;

	in_call(k);
	r = ioctl(fd, cmd, arg);
	out_of_call();
	return r < 0 ? -errno : 0;
}

/* ------------------------------------------------------------------ */
/* The table                                                            */
/* ------------------------------------------------------------------ */

struct table {
	struct rtm_net_address *p;	/* the prefixes of a family */
	size_t n;
};

static int load_prefixes(const char *path, struct table t[NFAM])
{
	size_t cap[NFAM] = { 1 << 20, 1 << 18 };
	char line[128], *slash;
	struct rtm_net_address *a;
	unsigned int len;
	FILE *f;
	int fi;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	for (fi = 0; fi < NFAM; fi++) {
		t[fi].n = 0;
		t[fi].p = malloc(cap[fi] * sizeof(*t[fi].p));
		if (!t[fi].p) {
			fclose(f);
			return -ENOMEM;
		}
	}
	while (fgets(line, sizeof(line), f)) {
		slash = strchr(line, '/');
		if (!slash)
			continue;
		*slash = '\0';
		len = (unsigned int)strtoul(slash + 1, NULL, 10);
		fi = strchr(line, ':') ? 1 : 0;
		if (len > (fi ? 128U : 32U))
			continue;
		if (t[fi].n == cap[fi]) {
			cap[fi] *= 2;
			a = realloc(t[fi].p, cap[fi] * sizeof(*a));
			if (!a) {
				fclose(f);
				return -ENOMEM;
			}
			t[fi].p = a;
		}
		a = &t[fi].p[t[fi].n];
		memset(a, 0, sizeof(*a));
		if (inet_pton(fi ? AF_INET6 : AF_INET, line, a->addr) != 1)
			continue;
		a->family = fi ? AF_INET6 : AF_INET;
		a->num_bits = (uint16_t)len;
		t[fi].n++;
	}
	fclose(f);
	return 0;
}

static uint16_t fam_of(int fi)
{
	return fi ? AF_INET6 : AF_INET;
}

/*
 * The multicast routes the subscriptions watch, at the ends of the walk
 * order (no real prefix is there): A, whose changes overflow the queues,
 * and Y and Z, pending but in no queue, the first and the last dests.
 */
enum edge { EDGE_A, EDGE_Y, EDGE_Z };

static struct rtm_net_address edge_prefix(int fi, enum edge e)
{
	struct rtm_net_address a = { .family = fam_of(fi) };
	unsigned int bits = fi ? 128 : 32;

	switch (e) {
	case EDGE_A:		/* 255.255.255.0/24, ffff:...:ff00/120 */
		memset(a.addr, 0xff, bits / 8 - 1);
		a.num_bits = (uint16_t)(bits - 8);
		break;
	case EDGE_Y:		/* 0.0.0.0/8, ::/8 */
		a.num_bits = 8;
		break;
	case EDGE_Z:		/* 255.255.255.255/32, ffff:...:ffff/128 */
		memset(a.addr, 0xff, bits / 8);
		a.num_bits = (uint16_t)bits;
		break;
	}
	return a;
}

/* One registration: an owner of a whole table, or an entity owning nothing. */
struct reg {
	int fd;
	uint64_t self;
	uint64_t nh;
	uint64_t subs[NSUBS];
	unsigned int nsubs;
	uint64_t edge_route[3];		/* the multicast routes */
};

struct ctx {
	struct table t[NFAM];
	struct reg own[NFAM], other[NFAM];
	struct rtm_route_entry *ent;	/* BATCH entries */
	uint64_t *handles;		/* BATCH handles */
	struct rtm_net_address *addrs;	/* BATCH lookup addresses */
	struct rtm_lookup_result *res;
	struct rtm_dump_entry dump[ENUM_MAX];
	unsigned char buf[ENUM_MAX * RTM_DEST_INFO_SIZE(1)];
	long max_holds, max_nexthops;
};

static int reg_open(struct reg *r, unsigned int inst, int fi, uint32_t id)
{
	memset(r, 0, sizeof(*r));
	r->fd = rtm_open();
	if (r->fd < 0)
		return r->fd;
	return raw_register(r->fd, (USHORT)inst, fam_of(fi), PROTO, id, 0,
			    &r->self);
}

static int add_nexthop(struct reg *r, int fi, uint32_t n, uint64_t *handle)
{
	struct rtm_nexthop_info nhi;
	struct rtm_add_nexthop an;
	int err;

	memset(&nhi, 0, sizeof(nhi));
	nhi.address.family = fam_of(fi);
	nhi.address.num_bits = fi ? 128 : 32;
	nhi.address.addr[0] = fi ? 0xfe : 192;
	nhi.address.addr[1] = fi ? 0x80 : 0;
	/* distinct addresses, low bytes last */
	nhi.address.addr[(fi ? 16 : 4) - 3] = (uint8_t)(n >> 16);
	nhi.address.addr[(fi ? 16 : 4) - 2] = (uint8_t)(n >> 8);
	nhi.address.addr[(fi ? 16 : 4) - 1] = (uint8_t)n;
	nhi.interface_index = IFINDEX;
	memset(&an, 0, sizeof(an));
	an.size = sizeof(an);
	an.flags = handle ? RTM_WANT_HANDLE : 0;
	an.info = (uintptr_t)&nhi;
	err = drive(K_ADD_NEXTHOP, r->fd, RTM_IOC_ADD_NEXTHOP, &an);
	if (!err && handle)
		*handle = an.handle;
	return err;
}

/* A route of @r to @dest in @views: added, or updated when *@handle. */
static int add_route(enum kind k, struct reg *r, struct rtm_net_address dest,
		     uint32_t views, uint32_t metric, uint64_t *handle)
{
	struct {
		struct rtm_route_info ri;
		uint64_t nh[1];
	} info;
	struct rtm_add_route ar;
	int err;

	memset(&info, 0, sizeof(info));
	info.ri.belongs_to_views = views;
	info.ri.metric = metric;
	info.ri.preference = 10;
	info.ri.num_nexthops = 1;
	info.ri.nexthops[0] = r->nh;
	memset(&ar, 0, sizeof(ar));
	ar.size = sizeof(ar);
	ar.flags = *handle ? 0 : RTM_WANT_HANDLE;
	ar.handle = *handle;
	ar.dest = dest;
	ar.time_to_live = 0xFFFFFFFF;
	ar.info = (uintptr_t)&info;
	err = drive(k, r->fd, RTM_IOC_ADD_ROUTE, &ar);
	if (!err && !*handle)
		*handle = ar.handle;
	return err;
}

static int notify_dest(struct reg *r, uint64_t sub, uint64_t dest,
		       uint32_t op)
{
	struct rtm_notify_dest nd = {
		.size = sizeof(nd), .op = op, .handle = sub, .dest = dest,
	};

	return rtm_ioctl(r->fd, RTM_IOC_NOTIFY_DEST, &nd);
}

/* The dest of @r's route @route, held. */
static int route_dest(struct reg *r, uint64_t route, uint64_t *dest)
{
	struct {
		struct rtm_route_info ri;
		uint64_t nh[4];
	} info;
	struct rtm_get_route_info gi = {
		.size = sizeof(gi), .handle = route,
		.info = (uintptr_t)&info, .max_nexthops = 4,
	};
	int err;

	err = rtm_ioctl(r->fd, RTM_IOC_GET_ROUTE_INFO, &gi);
	*dest = info.ri.dest;
	return err;
}

/*
 * NSUBS subscriptions of the owner to changes in the multicast view, each
 * overflowed while the table has only the dest A: changing A and ignoring
 * it leaves a stale entry each time, and a queue grows no longer than the
 * table's dests.  Then Z and Y are added, pending but in no queue: a
 * subscription finds them only by walking the table, which by then holds
 * the full load (unicast only, which the subscriptions ignore).
 */
static int overflow_subs(struct reg *r, int fi)
{
	struct rtm_notify_register nr;
	uint64_t dest;
	unsigned int i, c;
	int err;

	for (i = 0; i < NSUBS; i++) {
		memset(&nr, 0, sizeof(nr));
		nr.size = sizeof(nr);
		nr.flags = RTM_CHANGE_TYPE_ALL;
		nr.views = RTM_VIEW_MASK_MCAST;
		err = rtm_ioctl(r->fd, RTM_IOC_NOTIFY_REGISTER, &nr);
		if (err)
			return err;
		r->subs[r->nsubs++] = nr.handle;
	}
	err = add_route(K_ADD_ROUTE, r, edge_prefix(fi, EDGE_A),
			RTM_VIEW_MASK_MCAST, 1, &r->edge_route[EDGE_A]);
	if (!err)
		err = route_dest(r, r->edge_route[EDGE_A], &dest);
	/* A queue starts at 64 entries: three times that overflows it. */
	for (c = 0; !err && c < 200; c++) {
		for (i = 0; !err && i < r->nsubs; i++)
			err = notify_dest(r, r->subs[i], dest,
					  RTM_NOTIFY_IGNORE);
		if (!err)
			err = add_route(K_ADD_ROUTE, r,
					edge_prefix(fi, EDGE_A),
					RTM_VIEW_MASK_MCAST, 2 + c % 2,
					&r->edge_route[EDGE_A]);
	}
	for (i = 0; !err && i < r->nsubs; i++)
		err = notify_dest(r, r->subs[i], dest, RTM_NOTIFY_IGNORE);
	if (!err)
		err = add_route(K_ADD_ROUTE, r, edge_prefix(fi, EDGE_Z),
				RTM_VIEW_MASK_MCAST, 1, &r->edge_route[EDGE_Z]);
	if (!err)
		err = add_route(K_ADD_ROUTE, r, edge_prefix(fi, EDGE_Y),
				RTM_VIEW_MASK_MCAST, 1, &r->edge_route[EDGE_Y]);
	return err;
}

static void fill_entries(struct ctx *c, int fi, size_t from, size_t n)
{
	size_t i;

	memset(c->ent, 0, n * sizeof(*c->ent));
	for (i = 0; i < n; i++) {
		c->ent[i].dest = c->t[fi].p[from + i];
		c->ent[i].nexthop_count = 1;
		c->ent[i].metric = 1;
		c->ent[i].preference = 10;
		c->ent[i].views = RTM_VIEW_MASK_UCAST;
	}
}

static int bulk(enum kind k, struct ctx *c, int fi, size_t from, size_t n,
		bool add)
{
	struct rtm_bulk_routes b;

	fill_entries(c, fi, from, n);
	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.count = (uint32_t)n;
	b.entries = (uintptr_t)c->ent;
	if (add) {
		b.nexthops = (uintptr_t)&c->own[fi].nh;
		b.nexthop_count = 1;
	}
	return drive(k, c->own[fi].fd, add ? RTM_IOC_ADD_ROUTES :
					     RTM_IOC_DELETE_ROUTES, &b);
}

/* The whole table of both families, 65536 routes a call. */
static int full_load(struct ctx *c)
{
	size_t done, n;
	int fi, err;

	for (fi = 0; fi < NFAM; fi++) {
		for (done = 0; done < c->t[fi].n; done += n) {
			n = c->t[fi].n - done;
			if (n > BATCH)
				n = BATCH;
			err = bulk(K_LOAD, c, fi, done, n, true);
			if (err)
				return err;
			/* each call a run: all add as many new routes */
			run_end(K_LOAD);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The drives                                                           */
/* ------------------------------------------------------------------ */

static int dump_mcast(struct ctx *c, int fi)
{
	struct rtm_dump d = {
		.size = sizeof(d), .view_id = 1, .count = ENUM_MAX,
		.entries = (uintptr_t)c->dump,
	};
	int err;

	err = drive(K_DUMP, c->own[fi].fd, RTM_IOC_DUMP, &d);
	if (!err && (d.count != 3 || !(d.flags & RTM_DUMP_END)))
		err = -EPROTO;
	run_end(K_DUMP);
	return err;
}

static int enum_create(struct reg *r, uint32_t type, uint32_t flags,
		       uint32_t match, uint32_t ifindex, uint64_t *handle)
{
	struct rtm_enum_create ec;
	int err;

	memset(&ec, 0, sizeof(ec));
	ec.size = sizeof(ec);
	ec.type = type;
	ec.flags = flags;
	ec.views = RTM_VIEW_MASK_UCAST;
	ec.match_flags = match;
	ec.interface_index = ifindex;
	err = rtm_ioctl(r->fd, RTM_IOC_ENUM_CREATE, &ec);
	*handle = ec.handle;
	return err;
}

static int enum_get(enum kind k, struct reg *r, uint32_t type,
		    uint64_t handle, void *buf, uint32_t *count)
{
	struct rtm_enum_get eg = {
		.size = sizeof(eg), .type = type, .handle = handle,
		.count = *count, .buf = (uintptr_t)buf,
	};
	int err;

	/* (a failed call leaves the structure as it was) */
	err = drive(k, r->fd, RTM_IOC_ENUM_GET, &eg);
	*count = err ? 0 : eg.count;
	return err;
}

static int enum_delete(struct reg *r, uint64_t handle)
{
	struct rtm_object o = { .size = sizeof(o), .handle = handle };

	return drive(K_ENUM_DELETE, r->fd, RTM_IOC_ENUM_DELETE, &o);
}

/*
 * An enumeration that finds nothing in the whole table: the dests owned by
 * an entity that owns none, or the routes through an interface no route
 * uses.  One RTM_IOC_ENUM_GET walks it all and says -ENODATA.
 */
static int enum_nothing(enum kind k, struct ctx *c, int fi)
{
	struct reg *r = &c->other[fi];
	uint32_t type = k == K_ENUM_OWN_DESTS ? RTM_ENUM_DESTS :
						 RTM_ENUM_ROUTES;
	uint64_t h;
	uint32_t n = ENUM_MAX;
	int err;

	if (k == K_ENUM_OWN_DESTS)
		err = enum_create(r, type, RTM_ENUM_OWN_DESTS, 0, 0, &h);
	else
		err = enum_create(r, type, 0, RTM_MATCH_INTERFACE, NO_IFINDEX,
				  &h);
	if (err)
		return err;
	err = enum_get(k, r, type, h, c->buf, &n);
	err = err == -ENODATA ? 0 : err ? err : -EPROTO;
	run_end(k);
	if (!err)
		err = enum_delete(r, h);
	return err;
}

/*
 * Take the one changed dest a subscription has for the next call, and
 * release what its info holds (the dest, its best route and owner).
 * Return: 0, or -EPROTO when it is not the dest of @want or not alone.
 */
static int notify_take(struct ctx *c, struct reg *r, uint64_t sub,
		       struct rtm_net_address want)
{
	struct rtm_dest_info *di = (struct rtm_dest_info *)c->buf;
	struct rtm_notify_get ng;
	struct rtm_handles rel;
	uint64_t h[2];
	int err;

	memset(&ng, 0, sizeof(ng));
	ng.size = sizeof(ng);
	ng.handle = sub;
	ng.count = ENUM_MAX;
	ng.buf = (uintptr_t)c->buf;
	err = drive(K_NOTIFY_GET, r->fd, RTM_IOC_NOTIFY_GET, &ng);
	if (err)
		return err;
	if (ng.count != 1 || di->address.num_bits != want.num_bits ||
	    memcmp(di->address.addr, want.addr, sizeof(want.addr)))
		return -EPROTO;
	memset(&rel, 0, sizeof(rel));
	rel.size = sizeof(rel);
	rel.flags = RTM_HANDLES_CHANGED;
	rel.kinds = RTM_KIND_DEST;
	rel.count = 1;
	rel.handles = (uintptr_t)&di->handle;
	err = rtm_ioctl(r->fd, RTM_IOC_RELEASE, &rel);
	h[0] = di->views[0].route;
	h[1] = di->views[0].owner;
	rel.flags = 0;
	rel.kinds = RTM_KIND_ROUTE | RTM_KIND_ENTITY;
	rel.count = 2;
	rel.handles = (uintptr_t)h;
	if (!err)
		err = rtm_ioctl(r->fd, RTM_IOC_RELEASE, &rel);
	return err;
}

/*
 * The next overflowed subscription is drained.  Its first call finds Y,
 * at the start of the walk, and stops there: Z, queued before Y in time,
 * would come first from a queue, so this shows the walk is on.  Its
 * second call walks the whole table to find Z at the end.
 */
static int notify_get(struct ctx *c, int fi)
{
	struct reg *r = &c->own[fi];
	struct rtm_object o = { .size = sizeof(o) };
	int err;

	if (!r->nsubs)
		return -ENOSPC;
	o.handle = r->subs[--r->nsubs];
	err = notify_take(c, r, o.handle, edge_prefix(fi, EDGE_Y));
	if (!err)
		err = notify_take(c, r, o.handle, edge_prefix(fi, EDGE_Z));
	run_end(K_NOTIFY_GET);
	/* Drained: it goes. */
	if (!err)
		err = drive(K_NOTIFY_DEREGISTER, r->fd,
			    RTM_IOC_NOTIFY_DEREGISTER, &o);
	return err;
}

/* An overflowed subscription goes: its walk clears its bits everywhere. */
static int notify_deregister(struct ctx *c, int fi)
{
	struct reg *r = &c->own[fi];
	struct rtm_object o = { .size = sizeof(o) };
	int err;

	if (!r->nsubs)
		return -ENOSPC;
	o.handle = r->subs[--r->nsubs];
	err = drive(K_NOTIFY_DEREGISTER, r->fd, RTM_IOC_NOTIFY_DEREGISTER, &o);
	run_end(K_NOTIFY_DEREGISTER);
	return err;
}

/* Addresses inside the table's prefixes, spread over all of it. */
static int lookup(struct ctx *c, int fi)
{
	size_t i, n = c->t[fi].n, step = n / BATCH ? n / BATCH : 1;
	struct rtm_lookup l;
	int err;

	for (i = 0; i < BATCH; i++) {
		c->addrs[i] = c->t[fi].p[(i * step) % n];
		c->addrs[i].num_bits = fi ? 128 : 32;
	}
	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.count = BATCH;
	l.addresses = (uintptr_t)c->addrs;
	l.results = (uintptr_t)c->res;
	err = drive(K_LOOKUP, c->own[fi].fd, RTM_IOC_LOOKUP, &l);
	run_end(K_LOOKUP);
	for (i = 0; !err && i < BATCH; i++)
		if (c->res[i].num_bits == 0xffff)
			err = -EPROTO;
	return err;
}

/* 65536 routes from the middle of the table out, and back. */
static int churn(struct ctx *c, int fi)
{
	size_t from = c->t[fi].n > BATCH ? (c->t[fi].n - BATCH) / 2 : 0;
	size_t n = c->t[fi].n < BATCH ? c->t[fi].n : BATCH;
	int err;

	err = bulk(K_DELETE_ROUTES, c, fi, from, n, false);
	run_end(K_DELETE_ROUTES);
	if (!err)
		err = bulk(K_ADD_ROUTES, c, fi, from, n, true);
	run_end(K_ADD_ROUTES);
	return err;
}

static int handles_op(enum kind k, struct reg *r, unsigned long cmd,
		      uint64_t *h, uint32_t n)
{
	struct rtm_handles hs = {
		.size = sizeof(hs), .kinds = RTM_KIND_ROUTE, .count = n,
		.handles = (uintptr_t)h,
	};

	return drive(k, r->fd, cmd, &hs);
}

/*
 * The owner's first 65536 routes, by handle: referenced once more, moved
 * into a list, the list deleted, and both references released.
 */
static int lists(struct ctx *c, int fi)
{
	struct reg *r = &c->own[fi];
	struct rtm_list_insert li;
	struct rtm_object lo;
	uint32_t got = 0, n;
	uint64_t e;
	int err;

	err = enum_create(r, RTM_ENUM_ROUTES, RTM_ENUM_OWN_ROUTES, 0, 0, &e);
	while (!err && got < BATCH) {
		n = ENUM_MAX;
		err = enum_get(K_ENUM_ROUTES, r, RTM_ENUM_ROUTES, e,
			       c->handles + got, &n);
		got += n;
	}
	if (err == -ENODATA)
		err = 0;
	run_end(K_ENUM_ROUTES);
	if (!err)
		err = enum_delete(r, e);
	if (!err)
		err = handles_op(K_REFERENCE, r, RTM_IOC_REFERENCE, c->handles,
				 got);
	run_end(K_REFERENCE);
	memset(&lo, 0, sizeof(lo));
	lo.size = sizeof(lo);
	if (!err)
		err = rtm_ioctl(r->fd, RTM_IOC_LIST_CREATE, &lo);
	memset(&li, 0, sizeof(li));
	li.size = sizeof(li);
	li.count = got;
	li.list = lo.handle;
	li.routes = (uintptr_t)c->handles;
	if (!err)
		err = drive(K_LIST_INSERT, r->fd, RTM_IOC_LIST_INSERT, &li);
	run_end(K_LIST_INSERT);
	if (!err)
		err = drive(K_LIST_DELETE, r->fd, RTM_IOC_LIST_DELETE, &lo);
	run_end(K_LIST_DELETE);
	if (!err)
		err = handles_op(K_RELEASE, r, RTM_IOC_RELEASE, c->handles, got);
	if (!err)
		err = handles_op(K_RELEASE, r, RTM_IOC_RELEASE, c->handles, got);
	run_end(K_RELEASE);
	return err;
}

/* Point queries and single updates, on prefixes spread over the table. */
static int points(struct ctx *c, int fi)
{
	struct reg *r = &c->own[fi];
	union {
		struct rtm_dest_info di;
		unsigned char raw[RTM_DEST_INFO_SIZE(1)];
	} dout;
	struct {
		struct rtm_route_info ri;
		uint64_t nh[4];
	} rout;
	size_t n = c->t[fi].n, step = n / POINT_CALLS;
	struct rtm_get_exact_route ge;
	struct rtm_get_route_info gi;
	struct rtm_get_entities gen;
	struct rtm_delete_route dr;
	struct rtm_get_dest gd;
	struct rtm_handles rel;
	struct rtm_lock lk;
	uint64_t route, ents[8], held[4];
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < POINT_CALLS; i++) {
		struct rtm_net_address p = c->t[fi].p[i * step];

		memset(&gd, 0, sizeof(gd));
		gd.size = sizeof(gd);
		gd.match = RTM_DEST_LONGEST;
		gd.address = p;
		gd.address.num_bits = fi ? 128 : 32;
		gd.views = RTM_VIEW_MASK_UCAST;
		gd.info = (uintptr_t)&dout;
		err = drive(K_GET_DEST, r->fd, RTM_IOC_GET_DEST, &gd);

		memset(&ge, 0, sizeof(ge));
		ge.size = sizeof(ge);
		ge.flags = RTM_WANT_HANDLE;
		ge.address = p;
		ge.views = RTM_VIEW_MASK_UCAST;
		ge.info = (uintptr_t)&rout;
		ge.max_nexthops = 4;
		if (!err)
			err = drive(K_GET_EXACT_ROUTE, r->fd,
				    RTM_IOC_GET_EXACT_ROUTE, &ge);
		route = ge.handle;
		/* The route info's handles are held as well. */
		held[0] = rout.ri.dest;
		held[1] = rout.ri.owner;
		held[2] = rout.ri.nexthops[0];
		memset(&rel, 0, sizeof(rel));
		rel.size = sizeof(rel);
		rel.kinds = RTM_KIND_DEST | RTM_KIND_ENTITY | RTM_KIND_NEXTHOP;
		rel.count = 3;
		rel.handles = (uintptr_t)held;
		if (!err)
			err = rtm_ioctl(r->fd, RTM_IOC_RELEASE, &rel);

		/* The owner's own view: nothing held. */
		memset(&gi, 0, sizeof(gi));
		gi.size = sizeof(gi);
		gi.flags = RTM_INFO_DIRECT;
		gi.handle = route;
		gi.info = (uintptr_t)&rout;
		gi.max_nexthops = 4;
		if (!err)
			err = drive(K_GET_ROUTE_INFO, r->fd,
				    RTM_IOC_GET_ROUTE_INFO, &gi);

		memset(&lk, 0, sizeof(lk));
		lk.size = sizeof(lk);
		lk.flags = RTM_LOCK_EXCLUSIVE;
		lk.handle = dout.di.handle;
		if (!err)
			err = drive(K_LOCK, r->fd, RTM_IOC_LOCK, &lk);
		lk.flags |= RTM_LOCK_UNLOCK;
		if (!err)
			err = drive(K_LOCK, r->fd, RTM_IOC_LOCK, &lk);

		if (!err)
			err = add_route(K_ADD_ROUTE, r, p, RTM_VIEW_MASK_UCAST,
					1, &route);

		/* The delete consumes the handle GET_EXACT_ROUTE gave. */
		memset(&dr, 0, sizeof(dr));
		dr.size = sizeof(dr);
		dr.handle = route;
		if (!err)
			err = drive(K_DELETE_ROUTE, r->fd,
				    RTM_IOC_DELETE_ROUTE, &dr);
		route = 0;
		if (!err)
			err = add_route(K_DELETE_ROUTE, r, p,
					RTM_VIEW_MASK_UCAST, 1, &route);

		/* What the dest info held, and the new route. */
		held[0] = dout.di.handle;
		held[1] = dout.di.views[0].route;
		held[2] = dout.di.views[0].owner;
		held[3] = route;
		rel.kinds = RTM_KIND_DEST | RTM_KIND_ROUTE | RTM_KIND_ENTITY;
		rel.count = 4;
		rel.handles = (uintptr_t)held;
		if (!err)
			err = rtm_ioctl(r->fd, RTM_IOC_RELEASE, &rel);

		memset(&gen, 0, sizeof(gen));
		gen.size = sizeof(gen);
		gen.count = ARRAY_SIZE(ents);
		gen.handles = (uintptr_t)ents;
		if (!err)
			err = drive(K_GET_ENTITIES, r->fd,
				    RTM_IOC_GET_ENTITIES, &gen);
		rel.kinds = RTM_KIND_ENTITY;
		rel.count = gen.count;
		rel.handles = (uintptr_t)ents;
		if (!err && gen.count)
			err = rtm_ioctl(r->fd, RTM_IOC_RELEASE, &rel);
	}
	run_end(K_GET_DEST);
	run_end(K_GET_EXACT_ROUTE);
	run_end(K_GET_ROUTE_INFO);
	run_end(K_LOCK);
	run_end(K_ADD_ROUTE);
	run_end(K_DELETE_ROUTE);
	run_end(K_GET_ENTITIES);
	return err;
}

/*
 * Make the owner as costly to take down as a caller can: next hops up to
 * max_nexthops, holds on its dests up to max_holds (an enumeration left
 * open), a list of 65536 routes.  Its overflowed subscriptions are still
 * there.
 */
static int load_owner(struct ctx *c, int fi)
{
	struct reg *r = &c->own[fi];
	long dests = 0, want;
	struct rtm_list_insert li;
	struct rtm_object lo;
	uint32_t n, got = 0, i;
	uint64_t e;
	int err = 0;

	for (i = 1; !err && i < (uint32_t)c->max_nexthops; i++)
		err = add_nexthop(r, fi, i, NULL);
	run_end(K_ADD_NEXTHOP);

	/* Two distinct objects held per dest: itself and its best route. */
	want = (c->max_holds - 2 * BATCH - 16) / 2;
	if (!err)
		err = enum_create(r, RTM_ENUM_DESTS, 0, 0, 0, &e);
	while (!err && dests < want) {
		n = ENUM_MAX;
		err = enum_get(K_ENUM_DESTS, r, RTM_ENUM_DESTS, e, c->buf, &n);
		dests += n;
	}
	if (err == -ENODATA)
		err = 0;
	run_end(K_ENUM_DESTS);

	if (!err)
		err = enum_create(r, RTM_ENUM_ROUTES, RTM_ENUM_OWN_ROUTES, 0, 0,
				  &e);
	while (!err && got < BATCH) {
		n = ENUM_MAX;
		err = enum_get(K_ENUM_ROUTES, r, RTM_ENUM_ROUTES, e,
			       c->handles + got, &n);
		got += n;
	}
	if (err == -ENODATA)
		err = 0;
	run_end(K_ENUM_ROUTES);
	memset(&lo, 0, sizeof(lo));
	lo.size = sizeof(lo);
	if (!err)
		err = rtm_ioctl(r->fd, RTM_IOC_LIST_CREATE, &lo);
	memset(&li, 0, sizeof(li));
	li.size = sizeof(li);
	li.count = got;
	li.list = lo.handle;
	li.routes = (uintptr_t)c->handles;
	if (!err)
		err = drive(K_LIST_INSERT, r->fd, RTM_IOC_LIST_INSERT, &li);
	run_end(K_LIST_INSERT);
	return err;
}

/* ------------------------------------------------------------------ */
/* The preemption model                                                 */
/* ------------------------------------------------------------------ */

/* "none (voluntary) full" -> "voluntary"; "" when it cannot tell. */
static void preempt_model(char *model, size_t len)
{
	char line[128], *open, *close_;
	FILE *f;

	model[0] = '\0';
	f = fopen(PREEMPT_CTL, "r");
	if (!f)
		return;
	if (fgets(line, sizeof(line), f)) {
		open = strchr(line, '(');
		close_ = open ? strchr(open, ')') : NULL;
		if (close_) {
			*close_ = '\0';
			snprintf(model, len, "%s", open + 1);
		}
	}
	fclose(f);
}

static int preempt_set(const char *model)
{
	int fd, err = 0;

	fd = open(PREEMPT_CTL, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, model, strlen(model)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/*
 * The tick, from the timer interrupts of 100 ms of user space on this
 * CPU, the most of four tries (the host stopping the CPU only makes
 * fewer), rounded to the nearest HZ of 100, 250, 300 or 1000.
 */
static long long tick_length(void)
{
	static const int hz[] = { 100, 250, 300, 1000 };
	long long n, most = 0, t, est, best = 0;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		n = ticks_now();
		t = mono_ns();
		while (mono_ns() - t < 100000000LL)
			;
		n = ticks_now() - n;
		if (n > most)
			most = n;
	}
	if (!most)
		return 0;
	est = 100000000LL / most;
	for (i = 0; i < ARRAY_SIZE(hz); i++) {
		t = 1000000000LL / hz[i];
		if (!best || llabs(t - est) < llabs(best - est))
			best = t;
	}
	return best;
}

/* Whether the scheduler counts switches in schedstat (CONFIG_SCHED_INFO). */
static bool sched_info_counts(void)
{
	unsigned long long run, delay, count = 0;
	FILE *f = fopen("/proc/thread-self/schedstat", "r");

	if (!f)
		return false;
	if (fscanf(f, "%llu %llu %llu", &run, &delay, &count) != 3)
		count = 0;
	fclose(f);
	return count > 0;
}

/* ------------------------------------------------------------------ */
/* The test                                                             */
/* ------------------------------------------------------------------ */

FIXTURE(latency) {
	struct ctx c;
	pthread_t probe;
	bool probing;
	char model_before[32];
	bool model_changed;
};

FIXTURE_SETUP(latency)
{
	int fi;

	memset(&self->c, 0, sizeof(self->c));
	for (fi = 0; fi < NFAM; fi++) {
		self->c.own[fi].fd = -1;
		self->c.other[fi].fd = -1;
	}
	self->probing = false;
	self->model_changed = false;
}

FIXTURE_TEARDOWN(latency)
{
	int fi;

	if (self->probing) {
		probe.stop = 1;
		pthread_join(self->probe, NULL);
	}
	if (self->model_changed)
		preempt_set(self->model_before);
	for (fi = 0; fi < NFAM; fi++) {
		free(self->c.t[fi].p);
		if (self->c.own[fi].fd >= 0)
			close(self->c.own[fi].fd);
		if (self->c.other[fi].fd >= 0)
			close(self->c.other[fi].fd);
	}
	free(self->c.ent);
	free(self->c.handles);
	free(self->c.addrs);
	free(self->c.res);
}

/* The owner and the other entity of each family. */
static int open_regs(struct ctx *c)
{
	int fi, err = 0;

	for (fi = 0; !err && fi < NFAM; fi++) {
		err = reg_open(&c->own[fi], INST, fi, 1);
		if (!err)
			err = reg_open(&c->other[fi], INST, fi, 2);
		if (!err)
			err = add_nexthop(&c->own[fi], fi, 0, &c->own[fi].nh);
		if (!err)
			err = overflow_subs(&c->own[fi], fi);
	}
	return err;
}

static void report(struct __test_metadata *_metadata, long long limit_ns)
{
	unsigned int k, i;

	for (k = 0; k < K_NKINDS; k++) {
		struct kind_stats *s = &probe.k[k];
		char runs[256];
		size_t used = 0;

		runs[0] = '\0';
		for (i = 0; i < s->nruns; i++) {
			used += snprintf(runs + used, sizeof(runs) - used,
					 "%s%.1f", i ? " " : "",
					 s->runs[i] / 1e6);
			if (used >= sizeof(runs))
				used = sizeof(runs) - 1;
		}
		if (!s->samples) {
			note("    - %s: no wake-up during it\n",
				       kind_name[k]);
			continue;
		}
		note("%5.1f ms %s (runs %s; %lu wake-ups, %lu/%lu/%lu over %d/%d/%d ms; longest wait %.1f ms)\n",
			       s->worst_ns / 1e6, kind_name[k], runs,
			       s->samples, s->over[0], s->over[1], s->over[2],
			       over_ms[0], over_ms[1], over_ms[2],
			       s->delay_ns / 1e6);
		if (k == K_USER)
			continue;
		EXPECT_GE(limit_ns, s->worst_ns)
			TH_LOG("%s kept the CPU %.1f ms (limit %.0f ms)",
			       kind_name[k], s->worst_ns / 1e6, limit_ns / 1e6);
	}
}

TEST_F_TIMEOUT(latency, ioctls, 1200)
{
	const char *path = getenv("RTM_LATENCY_PREFIXES") ?: PREFIXES;
	const char *want = getenv("RTM_LATENCY_PREEMPT");
	const char *lim = getenv("RTM_LATENCY_LIMIT_MS");
	long long limit_ns = (lim ? atoll(lim) : LATENCY_LIMIT_MS) * 1000000LL;
	struct sched_param sp = { .sched_priority = PROBE_PRIO };
	struct ctx *c = &self->c;
	char model[32];
	struct utsname u;
	pthread_attr_t attr;
	cpu_set_t cpus;
	bool full, debug;
	long long t;
	int fi, round, err;

	REQUIRE_RTM();
	ASSERT_EQ(0, uname(&u));
	preempt_model(model, sizeof(model));
	if (!model[0]) {
		/* No dynamic preemption: the build's model, from the banner. */
		if (strstr(u.version, "PREEMPT_RT"))
			snprintf(model, sizeof(model), "rt");
		else if (strstr(u.version, "PREEMPT "))
			snprintf(model, sizeof(model), "full");
		else
			snprintf(model, sizeof(model), "voluntary or none");
	}
	if (want && strcmp(model, want)) {
		snprintf(self->model_before, sizeof(self->model_before), "%s",
			 model);
		ASSERT_ERRNO(0, preempt_set(want))
			TH_LOG("cannot switch the preemption model to %s", want);
		self->model_changed = true;
		preempt_model(model, sizeof(model));
	}
	full = !strcmp(model, "full") || !strcmp(model, "rt");
	debug = !access("/proc/lockdep", F_OK);
	if (full || debug)
		SKIP(return, "cannot measure on this kernel (%s, preemption %s)%s%s",
		     u.release, model,
		     full ? ": it preempts inside the kernel, RCU read-side sections included, so the probe's wait would not show how long an ioctl keeps the CPU" : "",
		     !debug ? "" : full ? "; and its lock debugging (with KASAN on the debug kernel) slows it several times over" :
		     ": its lock debugging slows it several times over");
	if (access(path, R_OK))
		SKIP(return, "no %s (make check ships the real table there)",
		     path);
	if (!sched_info_counts())
		SKIP(return, "no scheduler statistics (/proc/thread-self/schedstat: CONFIG_SCHED_INFO) to measure delays with");

	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s",
						   strerror(errno));
	ASSERT_ERRNO(0, load_prefixes(path, c->t)) TH_LOG("reading %s", path);
	note("table: %zu IPv4 and %zu IPv6 prefixes\n", c->t[0].n,
		       c->t[1].n);
	c->max_holds = module_param("max_holds");
	c->max_nexthops = module_param("max_nexthops");
	if (c->max_holds < 0)
		c->max_holds = 1 << 20;
	if (c->max_nexthops < 0)
		c->max_nexthops = 1;
	c->ent = calloc(BATCH, sizeof(*c->ent));
	c->handles = calloc(BATCH, sizeof(*c->handles));
	c->addrs = calloc(BATCH, sizeof(*c->addrs));
	c->res = calloc(BATCH, sizeof(*c->res));
	ASSERT_TRUE(c->ent && c->handles && c->addrs && c->res);

	/* This thread and the probe on one CPU, the last. */
	probe.cpu = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
	CPU_ZERO(&cpus);
	CPU_SET(probe.cpu, &cpus);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpus), &cpus));
	ASSERT_EQ(0, pthread_attr_init(&attr));
	ASSERT_EQ(0, pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus));
	ASSERT_EQ(0, pthread_attr_setinheritsched(&attr,
						  PTHREAD_EXPLICIT_SCHED));
	ASSERT_EQ(0, pthread_attr_setschedpolicy(&attr, SCHED_FIFO));
	ASSERT_EQ(0, pthread_attr_setschedparam(&attr, &sp));
	probe.ticks = open_tick_counter(probe.cpu);
	if (probe.ticks < 0)
		SKIP(return, "no count of timer interrupts (perf, irq_vectors:local_timer_entry) to tell the host's stops of the CPU from the kernel's stretches by");
	probe.tick_ns = tick_length();
	ASSERT_LT(0, probe.tick_ns) TH_LOG("no tick on CPU %d", probe.cpu);
	note("%s, preemption %s, tick %.2f ms\n", u.release, model,
		       probe.tick_ns / 1e6);

	probe.kind = K_OTHER;
	probe.schedstat = -1;
	ASSERT_EQ(0, pthread_create(&self->probe, &attr, probe_main, NULL));
	self->probing = true;
	pthread_attr_destroy(&attr);

	spin(300);

	t = mono_ns();
	ASSERT_ERRNO(0, open_regs(c));
	ASSERT_ERRNO(0, full_load(c));
	note("full load: %.1f s\n", (mono_ns() - t) / 1e9);

	t = mono_ns();
	for (round = 0; round < ROUNDS; round++) {
		for (fi = 0; fi < NFAM; fi++) {
			ASSERT_ERRNO(0, dump_mcast(c, fi));
			ASSERT_ERRNO(0, enum_nothing(K_ENUM_OWN_DESTS, c, fi));
			ASSERT_ERRNO(0, enum_nothing(K_ENUM_ROUTES_NONE, c, fi));
			ASSERT_ERRNO(0, notify_get(c, fi));
			ASSERT_ERRNO(0, notify_deregister(c, fi));
			ASSERT_ERRNO(0, lookup(c, fi));
		}
		for (fi = 0; fi < NFAM; fi++) {
			ASSERT_ERRNO(0, churn(c, fi));
			ASSERT_ERRNO(0, lists(c, fi));
			ASSERT_ERRNO(0, points(c, fi));
		}
		run_end(K_ENUM_DELETE);
		run_end(K_OTHER);
		spin(100);
	}
	note("rounds: %.1f s\n", (mono_ns() - t) / 1e9);

	t = mono_ns();
	for (fi = 0; fi < NFAM; fi++)
		ASSERT_ERRNO(0, load_owner(c, fi));
	note("owners loaded up: %.1f s\n", (mono_ns() - t) / 1e9);

	/*
	 * The owners go, the IPv4 one by RTM_IOC_DEREGISTER (then its file
	 * is closed, which is the tail of that), the IPv6 one by closing its
	 * file while registered.
	 */
	t = mono_ns();
	for (fi = 0; fi < NFAM; fi++) {
		struct rtm_deregister d = { .size = sizeof(d) };
		struct reg *r = &c->own[fi];
		enum kind k = fi ? K_CLOSE : K_DEREGISTER;

		if (k == K_DEREGISTER)
			ASSERT_ERRNO(0, drive(k, r->fd, RTM_IOC_DEREGISTER,
					      &d));
		in_call(k);
		err = close(r->fd);
		out_of_call();
		r->fd = -1;
		ASSERT_EQ(0, err);
		run_end(k);
	}
	note("owners down: %.1f s\n", (mono_ns() - t) / 1e9);

	probe.stop = 1;
	pthread_join(self->probe, NULL);
	self->probing = false;
	ASSERT_ERRNO(0, probe.err) TH_LOG("the probe could not read its schedstat");
	close(probe.ticks);
	note("%lu wake-ups in all\n", probe.wakeups);
	report(_metadata, limit_ns);
}

TEST_HARNESS_MAIN
