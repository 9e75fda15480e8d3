/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench: rtm against the kernel's own FIB, on the same prefixes in the same
 * network namespace (see main.c for the figures and how they are taken).
 */
#ifndef RTM_BENCH_H
#define RTM_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/rtm.h>
#include <linux/rtm_bench.h>

#include "rtmv2.h"
#include "rtm_bulk.h"

#define MAX_RUNS	16
#define NFAM		2		/* index 0: IPv4, 1: IPv6 */

/* ---- util.c ------------------------------------------------------------ */

extern bool verbose;

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
uint64_t now_ns(void);
void pin_cpu(int cpu);
void perf_setup(const char *ctl, const char *ack, const char *phase);
void perf_mark(const char *phase, bool on);
int ncpus(void);

/* A seeded generator (splitmix64): the same seed, the same benchmark. */
struct rng {
	uint64_t s;
};
void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
uint64_t rng_below(struct rng *r, uint64_t n);	/* [0, n) */
double rng_unit(struct rng *r);			/* [0, 1) */

/* The samples of one figure, one per run. */
struct samples {
	double v[MAX_RUNS];
	int n;
};
void sample_add(struct samples *s, double v);
double sample_median(const struct samples *s);
double sample_min(const struct samples *s);
double sample_max(const struct samples *s);
/* Pair by pair: r->v[i] = a->v[i] / b->v[i]. */
void sample_ratio(struct samples *r, const struct samples *a,
		  const struct samples *b);

/* ---- prefixes.c -------------------------------------------------------- */

struct prefix {
	uint8_t addr[16];		/* network byte order, host bits zero */
	uint8_t len;
};

struct family {
	int af;				/* AF_INET, AF_INET6 */
	unsigned int alen;		/* 4 or 16 */
	const char *name;		/* "IPv4", "IPv6" */
	struct prefix *p;
	size_t n;
	size_t covered;			/* prefixes under a shorter one */
};

struct table {
	struct family fam[NFAM];
	char source[256];		/* where the prefixes came from */
	size_t skipped;			/* reserved or unparsable lines */
};

/* Generator parameters. */
struct gen_opts {
	size_t size;			/* prefixes in all */
	double v6_share;		/* IPv6 share of them */
	uint64_t seed;
};

void table_read(struct table *t, const char *path);
void table_generate(struct table *t, const struct gen_opts *o);
void table_sample(struct table *t, size_t size, uint64_t seed);
void table_finish(struct table *t);
size_t table_size(const struct table *t);

/* Addresses to look up: drawn from announced space, or at random. */
enum trace_kind { TRACE_ANN, TRACE_RND, NTRACE };
extern const char *const trace_name[NTRACE];

struct trace {
	struct rtm_net_address *a;	/* num_bits: the whole address */
	size_t n;
};
void trace_make(struct trace *tr, const struct family *f,
		enum trace_kind kind, size_t n, uint64_t seed);

/* ---- netlink.c: the kernel FIB through rtnetlink ----------------------- */

#define BENCH_IFNAME	"rtmbench0"
#define BENCH_IFINDEX	4242		/* asked for, so reloads keep it */
#define BENCH_METRIC	20		/* of every benchmark route */

struct nl {
	int fd;
	uint32_t seq;
	char *buf;			/* the batch being built or received */
	size_t cap, len;
	size_t batch;			/* bytes per sendmsg */
	unsigned int msgs;		/* messages in the batch */
	size_t errors;			/* routes the kernel refused */
	int first_error;		/* the first one's errno */
};

void netns_enter(void);
void nl_open(struct nl *nl, size_t batch_bytes);
void nl_close(struct nl *nl);
void nl_setup_netns(struct nl *nl);
void nl_link_create(struct nl *nl);
void nl_link_delete(struct nl *nl);
/* Take the dummy device down (the kernel flushes its routes) or up. */
void nl_link_set(struct nl *nl, bool up);
/* Add (RTM_NEWROUTE) or delete (RTM_DELROUTE) routes, batched. */
void nl_routes(struct nl *nl, int cmd, const struct family *f,
	       const struct prefix *p, size_t n);
/* One RTM_GETROUTE; true if the kernel found a route. */
bool nl_route_get(struct nl *nl, const struct rtm_net_address *a);
/* An RTM_GETROUTE dump of a family; the benchmark's routes seen. */
size_t nl_route_dump(struct nl *nl, int af, unsigned char proto);

/* ---- rtm.c: rtm through librtm ----------------------------------------- */

struct rb_side {
	RTM_ENTITY_HANDLE reg[NFAM];
	RTM_REGN_PROFILE prof[NFAM];
	RTM_NEXTHOP_HANDLE nh[NFAM];
	unsigned int instance;		/* the entities' RTM instance */
	int bench_fd;			/* /dev/rtm_bench once opened, or -1 */
	size_t batch;			/* routes per rtm_bulk_add_routes() */
	struct rtm_route_entry *ent;	/* batch scratch */
};

void rb_open(struct rb_side *s, size_t batch, unsigned int instance);
void rb_close(struct rb_side *s);
void rb_load(struct rb_side *s, const struct family *f, int fi,
	      const struct prefix *p, size_t n, uint32_t metric);
void rb_unload(struct rb_side *s, const struct family *f, int fi,
		const struct prefix *p, size_t n);
/* Library lookups of a trace in batches; hits. */
size_t rb_lookup(struct rb_side *s, int fi, const struct trace *tr,
		  size_t batch);
/* In-kernel timing (rtm_bench.ko): ns for @loops passes. */
uint64_t rb_bench_lookup(struct rb_side *s, int fi, const struct trace *tr,
			  enum rtm_bench_target target, unsigned int loops,
			  uint32_t *hits);
/* Enumerate a family's dests; how many. */
size_t rb_enumerate(struct rb_side *s, int fi);
size_t rb_dump(struct rb_side *s, int fi);

/* A change subscriber: a second entity per family. */
struct rb_sub {
	RTM_ENTITY_HANDLE reg;
	RTM_REGN_PROFILE prof;
	RTM_NOTIFY_HANDLE notify;
};
bool rb_sub_open(struct rb_sub *sub, const struct family *f);
size_t rb_sub_drain(struct rb_sub *sub);
void rb_sub_close(struct rb_sub *sub);

/* ---- memory.c ---------------------------------------------------------- */

struct rb_stats {
	size_t dests, routes, bytes;
	size_t routes4, bytes4;		/* the IPv4 table's */
};
void mem_rtm_stats(struct rb_stats *st);
long mem_free_kb(void);			/* MemFree, kB */
/* Objects and bytes (objs * objsize) of a slab cache; false if unseen. */
bool mem_slab(const char *cache, size_t *objs, size_t *bytes);
/* The IPv4 main table's trie size from /proc/net/fib_triestat. */
bool mem_fib_triestat(size_t *bytes, size_t *prefixes);
/* Wait for freed objects to be reclaimed, for steadier MemFree deltas. */
void mem_settle(void);

/* ---- main.c, churn.c --------------------------------------------------- */

struct opts {
	const char *file;		/* prefixes, or NULL: the generator */
	struct gen_opts gen;
	size_t size;			/* 0: the whole file */
	bool v6_share_set;
	int runs;			/* of every figure but those below */
	int load_runs;			/* full-table loads, each side */
	int churn_runs;
	size_t trace;			/* addresses per lookup trace */
	unsigned int passes;		/* in-kernel timing: passes a side */
	size_t lookup_batch;		/* addresses per rtm_bulk_lookup() */
	size_t nl_lookups;		/* RTM_GETROUTE calls per family and run */
	size_t load_batch;		/* routes per rtm_bulk_add_routes() */
	size_t nl_batch;		/* bytes per netlink sendmsg() */
	double churn_share;		/* of the table withdrawn and re-announced */
	unsigned int skip;		/* PHASE_* bits */
};

enum {
	PHASE_KLOOKUP	= 1 << 0,
	PHASE_ULOOKUP	= 1 << 1,
	PHASE_ENUM	= 1 << 2,
	PHASE_CHURN	= 1 << 3,
	PHASE_NOTIFY	= 1 << 4,
	PHASE_FIBSYNC	= 1 << 5,
	PHASE_FIBLOAD	= 1 << 6,
};

struct bench {
	struct opts o;
	struct table t;
	double share[NFAM];		/* of the table, for mixed figures */
	struct trace tr[NFAM][NTRACE];
	struct nl nl;
	struct rb_side rs;
	struct prefix *churn[NFAM];	/* the churned prefixes, in random order */
	size_t nchurn[NFAM];
};

/* Churn figures, one sample per run each. */
struct churn_figs {
	struct samples rtm_rate, fib_rate, rate_ratio;	/* routes/s changed */
	struct samples lib_idle, lib_busy, lib_keep;	/* library lookups/s */
	struct samples krtm_idle, krtm_busy, krtm_keep;	/* in-kernel rtm */
	struct samples kfib_idle, kfib_busy, kfib_keep;	/* in-kernel FIB */
	/* two readers, one per CPU: together, idle and during churn */
	struct samples lib_idle2, lib_busy2, lib_scale;
	struct samples krtm_idle2, krtm_busy2, krtm_scale;
	struct samples kfib_idle2, kfib_busy2, kfib_scale;
};

void churn_prepare(struct bench *b);
void churn_once(struct bench *b, struct churn_figs *cf);

/* rtm-fibsync convergence figures (fibsync.c), routes/s. */
struct fibsync_figs {
	bool ran;
	struct samples initial, withdraw, announce, flap;
	struct samples full;		/* the whole table from start */
	struct samples full_ratio;	/* over the FIB's netlink insert rate */
};

const char *fibsync_path(void);
/* The churn set: start, withdrawal, re-announcement, link flap. */
void fibsync_once(struct bench *b, const char *path, struct fibsync_figs *ff);
/* The full table from start; the FIB is flushed after. */
void fibsync_full(struct bench *b, const char *path, struct fibsync_figs *ff);

#endif /* RTM_BENCH_H */
