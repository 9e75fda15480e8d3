// SPDX-License-Identifier: GPL-2.0
/*
 * Churn: a share of the table (10 % by default, a random choice in random
 * order, of each family) is withdrawn and re-announced by a writer on CPU 0
 * while a reader on CPU 1 looks up the announced-space traces; the reader's
 * lookups/s are taken during the churn and with the writer idle.
 *
 * Three pairs:
 *  - rtm churned through the library, the reader using rtm_bulk_lookup();
 *  - rtm churned through the library, the reader timing rtm's in-kernel
 *    lookups (rtm_bench.ko, the sum of the kernel's own timings);
 *  - the FIB churned through netlink (batched RTM_DELROUTE, RTM_NEWROUTE),
 *    the reader timing the FIB's in-kernel lookups the same way.
 * The writers' routes/s (withdrawals plus announcements) are figures too.
 *
 * Readers scale: each kind of reader again as two readers, one on each
 * CPU, with the writer idle and (rtm's and the FIB's in-kernel lookups)
 * during the churn: their lookups/s together, and over one reader's.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "bench.h"

#define IDLE_NS		(2ULL * 1000000000)	/* reader alone */
#define MIN_CHURN_NS	(2ULL * 1000000000)	/* rtm churn repeated to last this */

enum reader_kind { READ_LIB, READ_KRTM, READ_KFIB };

struct reader {
	struct bench *b;
	enum reader_kind kind;
	int cpu;
	pthread_t thread;
	volatile int started, stop;
	uint64_t lookups, ns;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct bench *b = r->b;
	uint64_t t0, t1 = 0;
	int fi;

	pin_cpu(r->cpu);
	t0 = now_ns();
	r->started = 1;
	while (!r->stop) {
		for (fi = 0; fi < NFAM; fi++) {
			const struct trace *tr = &b->tr[fi][TRACE_ANN];

			if (!tr->n)
				continue;
			if (r->kind == READ_LIB) {
				rb_lookup(&b->rs, fi, tr, b->o.lookup_batch);
				r->lookups += tr->n;
			} else {
				r->ns += rb_bench_lookup(&b->rs, fi, tr,
						r->kind == READ_KRTM ?
						RTM_BENCH_RTM : RTM_BENCH_FIB,
						1, NULL);
				r->lookups += tr->n < RTM_MAX_BATCH ?
					      tr->n : RTM_MAX_BATCH;
			}
		}
		t1 = now_ns();
	}
	if (r->kind == READ_LIB)
		r->ns = t1 - t0;
	return NULL;
}

static void reader_start(struct reader *r, struct bench *b,
			 enum reader_kind kind, int cpu)
{
	memset(r, 0, sizeof(*r));
	r->b = b;
	r->kind = kind;
	r->cpu = cpu;
	if (pthread_create(&r->thread, NULL, reader_main, r))
		die("pthread_create failed");
	while (!r->started)
		sched_yield();
}

/* Stop the reader; its lookups/s. */
static double reader_stop(struct reader *r)
{
	r->stop = 1;
	pthread_join(r->thread, NULL);
	return r->ns ? (double)r->lookups * 1e9 / (double)r->ns : 0;
}

/* @n readers (on CPUs 1, 0) of @kind; their lookups/s together. */
static void readers_start(struct reader *r, int n, struct bench *b,
			  enum reader_kind kind)
{
	int i;

	for (i = 0; i < n; i++)
		reader_start(&r[i], b, kind, i ? 0 : 1);
}

static double readers_stop(struct reader *r, int n)
{
	double sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += reader_stop(&r[i]);
	return sum;
}

static double readers_idle(struct bench *b, enum reader_kind kind, int n)
{
	struct reader r[2];
	uint64_t t0 = now_ns();

	readers_start(r, n, b, kind);
	while (now_ns() - t0 < IDLE_NS)
		usleep(20000);
	return readers_stop(r, n);
}

static void unpin(void)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < ncpus(); i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Withdraw the churn set from rtm, then announce it again; routes/s. */
static double rtm_churn(struct bench *b)
{
	uint64_t t0 = now_ns(), dt;
	size_t changed = 0;
	int fi;

	perf_mark("churn-rtm", true);
	do {
		for (fi = 0; fi < NFAM; fi++)
			rb_unload(&b->rs, &b->t.fam[fi], fi, b->churn[fi],
				  b->nchurn[fi]);
		for (fi = 0; fi < NFAM; fi++)
			rb_load(&b->rs, &b->t.fam[fi], fi, b->churn[fi],
				b->nchurn[fi], 0);
		for (fi = 0; fi < NFAM; fi++)
			changed += 2 * b->nchurn[fi];
		dt = now_ns() - t0;
	} while (dt < MIN_CHURN_NS);
	perf_mark("churn-rtm", false);
	return (double)changed * 1e9 / (double)dt;
}

/* The same through netlink into the FIB. */
static double fib_churn(struct bench *b)
{
	uint64_t t0 = now_ns(), dt;
	size_t changed = 0, errors = b->nl.errors;
	int fi;

	perf_mark("churn-fib", true);
	for (fi = 0; fi < NFAM; fi++)
		nl_routes(&b->nl, RTM_DELROUTE, &b->t.fam[fi], b->churn[fi],
			  b->nchurn[fi]);
	for (fi = 0; fi < NFAM; fi++)
		nl_routes(&b->nl, RTM_NEWROUTE, &b->t.fam[fi], b->churn[fi],
			  b->nchurn[fi]);
	dt = now_ns() - t0;
	perf_mark("churn-fib", false);
	for (fi = 0; fi < NFAM; fi++)
		changed += 2 * b->nchurn[fi];
	if (b->nl.errors != errors)
		warnx("FIB churn: %zu route changes refused (first: %s)",
		      b->nl.errors - errors, strerror(b->nl.first_error));
	return (double)changed * 1e9 / (double)dt;
}

void churn_prepare(struct bench *b)
{
	struct rng r;
	size_t i, j;
	int fi;

	rng_seed(&r, b->o.gen.seed ^ 0xc4c4);
	for (fi = 0; fi < NFAM; fi++) {
		const struct family *f = &b->t.fam[fi];
		struct prefix *p = xcalloc(f->n, sizeof(*p));

		memcpy(p, f->p, f->n * sizeof(*p));
		for (i = 0; i + 1 < f->n; i++) {
			struct prefix tmp = p[i];

			j = i + rng_below(&r, f->n - i);
			p[i] = p[j];
			p[j] = tmp;
		}
		b->churn[fi] = p;
		b->nchurn[fi] = (size_t)((double)f->n * b->o.churn_share);
	}
}

/* Two readers of @kind against one (@one, lookups/s): idle, then churning. */
static void readers_scale(struct bench *b, enum reader_kind kind, double one,
			  struct samples *two_idle, struct samples *scale,
			  struct samples *two_busy)
{
	struct reader r[2];
	double two;

	two = readers_idle(b, kind, 2);
	sample_add(two_idle, two);
	sample_add(scale, one > 0 ? two / one : 0);
	if (!two_busy)
		return;
	readers_start(r, 2, b, kind);
	if (kind == READ_KFIB)
		fib_churn(b);
	else
		rtm_churn(b);
	sample_add(two_busy, readers_stop(r, 2));
}

void churn_once(struct bench *b, struct churn_figs *cf)
{
	struct reader r;
	double rtm_rate, fib_rate, busy, idle;

	pin_cpu(0);

	reader_start(&r, b, READ_LIB, 1);
	rtm_churn(b);
	busy = reader_stop(&r);
	idle = readers_idle(b, READ_LIB, 1);
	sample_add(&cf->lib_busy, busy);
	sample_add(&cf->lib_idle, idle);
	sample_add(&cf->lib_keep, idle > 0 ? busy / idle : 0);
	readers_scale(b, READ_LIB, idle, &cf->lib_idle2, &cf->lib_scale,
		      &cf->lib_busy2);

	reader_start(&r, b, READ_KRTM, 1);
	rtm_rate = rtm_churn(b);
	busy = reader_stop(&r);
	idle = readers_idle(b, READ_KRTM, 1);
	sample_add(&cf->krtm_busy, busy);
	sample_add(&cf->krtm_idle, idle);
	sample_add(&cf->krtm_keep, idle > 0 ? busy / idle : 0);
	readers_scale(b, READ_KRTM, idle, &cf->krtm_idle2, &cf->krtm_scale,
		      &cf->krtm_busy2);

	reader_start(&r, b, READ_KFIB, 1);
	fib_rate = fib_churn(b);
	busy = reader_stop(&r);
	idle = readers_idle(b, READ_KFIB, 1);
	sample_add(&cf->kfib_busy, busy);
	sample_add(&cf->kfib_idle, idle);
	sample_add(&cf->kfib_keep, idle > 0 ? busy / idle : 0);
	readers_scale(b, READ_KFIB, idle, &cf->kfib_idle2, &cf->kfib_scale,
		      &cf->kfib_busy2);

	sample_add(&cf->rtm_rate, rtm_rate);
	sample_add(&cf->fib_rate, fib_rate);
	sample_add(&cf->rate_ratio, rtm_rate / fib_rate);

	unpin();
}
