// SPDX-License-Identifier: GPL-2.0
/*
 * Messages, clocks, CPU pinning, the seeded generator and the statistics
 * of the samples (median, min, max; ratios pair by pair).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

bool verbose = true;

void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("bench: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void warnx(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("bench: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Progress goes to stderr, with the time since the start. */
void progress(const char *fmt, ...)
{
	static uint64_t t0;
	va_list ap;

	if (!verbose)
		return;
	if (!t0)
		t0 = now_ns();
	fprintf(stderr, "bench [%6.1fs] ", (double)(now_ns() - t0) / 1e9);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		die("out of memory (%zu bytes)", size);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

/* Keep the calling thread on @cpu (modulo the CPUs there are). */
void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % ncpus(), &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		warnx("cannot pin to CPU %d: %s", cpu, strerror(errno));
}

void rng_seed(struct rng *r, uint64_t seed)
{
	r->s = seed ^ 0x5eed5eed5eed5eedULL;
}

uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) / (double)(1ULL << 53);
}

void sample_add(struct samples *s, double v)
{
	if (s->n < MAX_RUNS)
		s->v[s->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double sample_median(const struct samples *s)
{
	double v[MAX_RUNS];

	if (!s->n)
		return 0;
	memcpy(v, s->v, s->n * sizeof(v[0]));
	qsort(v, s->n, sizeof(v[0]), cmp_double);
	return s->n % 2 ? v[s->n / 2] : (v[s->n / 2 - 1] + v[s->n / 2]) / 2;
}

double sample_min(const struct samples *s)
{
	double m = s->n ? s->v[0] : 0;
	int i;

	for (i = 1; i < s->n; i++)
		if (s->v[i] < m)
			m = s->v[i];
	return m;
}

double sample_max(const struct samples *s)
{
	double m = s->n ? s->v[0] : 0;
	int i;

	for (i = 1; i < s->n; i++)
		if (s->v[i] > m)
			m = s->v[i];
	return m;
}

void sample_ratio(struct samples *r, const struct samples *a,
		  const struct samples *b)
{
	int i;

	r->n = 0;
	for (i = 0; i < a->n && i < b->n; i++)
		if (b->v[i] > 0)
			sample_add(r, a->v[i] / b->v[i]);
}

/*
 * Profiling one phase: perf record started with its events disabled and a
 * control FIFO (--control=fifo:CTL,ACK -D -1) is told to enable them while
 * the phase named by --perf-phase runs (tools/bench/profile does this).
 */
static int perf_ctl = -1, perf_ack = -1;
static const char *perf_phase;

void perf_setup(const char *ctl, const char *ack, const char *phase)
{
	perf_ctl = open(ctl, O_WRONLY | O_CLOEXEC);
	perf_ack = open(ack, O_RDONLY | O_CLOEXEC);
	if (perf_ctl < 0 || perf_ack < 0)
		die("perf control FIFOs %s, %s: %s", ctl, ack, strerror(errno));
	perf_phase = phase;
}

void perf_mark(const char *phase, bool on)
{
	const char *cmd = on ? "enable\n" : "disable\n";
	char ack[16];

	if (perf_ctl < 0 || strcmp(phase, perf_phase))
		return;
	if (write(perf_ctl, cmd, strlen(cmd)) < 0 ||
	    read(perf_ack, ack, sizeof(ack)) <= 0)
		die("perf control: %s", strerror(errno));
}
