// SPDX-License-Identifier: GPL-2.0
/*
 * bench: rtm against the kernel's own FIB, on the same prefixes, in the
 * same scratch network namespace, in the same run.
 *
 *   load       the whole table into rtm with rtm_bulk_add_routes(), and into
 *              the FIB with batched netlink RTM_NEWROUTE; routes/s
 *   memory     rtm's own accounting and slab caches; the FIB's
 *              fib_triestat and slab caches; MemFree dropped by each load
 *   lookups    in the kernel: rtm_bench.ko times rtm's and the FIB's
 *              lookups of the same addresses (ns per lookup); from userspace:
 *              rtm_bulk_lookup() batches against one RTM_GETROUTE per address
 *   enumerate  RtmCreateDestEnum/RtmGetEnumDests/RtmReleaseDests against an
 *              RTM_GETROUTE dump; dests/s
 *   churn      withdraw and re-announce a share of the table while a reader
 *              on the other CPU looks up (churn.c)
 *   notify     an update of the churn set with a change subscriber, and how
 *              fast it drains the changed dests (RtmGetChangedDests)
 *   fibsync    how fast rtm-fibsync carries the churn set into the FIB, and
 *              its withdrawal and re-announcement (fibsync.c)
 *
 * Every figure is taken in several runs; the table shows the median with
 * the min and max, and every ratio is computed run by run from the two
 * figures of that run before its median is taken.  The table is Markdown;
 * a `name value` summary follows it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "bench.h"
#include "report.h"

#define DEFAULT_FILE	"../shared/data/prefixes.txt.gz"

/* Figures of the whole benchmark, one sample per run each. */
struct figs {
	struct samples load_rtm, load_fib, load_ratio;
	/* memory: one sample (the first load of each side) */
	struct samples mem_rtm_own, mem_rtm_own4, mem_fib_own4, mem_own4_ratio,
		       mem_rtm_free, mem_fib_free, mem_free_ratio,
		       mem_rtm_slab, mem_fib_slab;
	/* in-kernel lookups, ns per lookup */
	struct samples k_rtm[NFAM][NTRACE], k_fib[NFAM][NTRACE],
		       k_ratio[NFAM][NTRACE];
	struct samples k_mix_rtm[NTRACE], k_mix_fib[NTRACE],
		       k_mix_ratio[NTRACE];
	/* lookups from userspace, lookups/s */
	struct samples u_rtm[NFAM][NTRACE], u_nl[NFAM][NTRACE],
		       u_ratio[NFAM][NTRACE];
	struct samples u_mix_rtm[NTRACE], u_mix_nl[NTRACE],
		       u_mix_ratio[NTRACE];
	struct samples enum_rtm, enum_nl, enum_ratio;
	struct samples dump_rtm, dump_ratio;
	struct churn_figs churn;
	bool notify;
	struct samples upd_plain, upd_sub, upd_ratio, drain;
	struct fibsync_figs fibsync;
	const char *fibsync_path;	/* rtm-fibsync, or NULL */
	int rtm_hits_bad, fib_hits_bad;
	uint32_t hits_rtm[NFAM][NTRACE], hits_fib[NFAM][NTRACE];
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: bench [options]\n"
"  -f, --file FILE        prefixes, one CIDR per line, gzip or plain\n"
"                         (default " DEFAULT_FILE " if present,\n"
"                         else the generator)\n"
"  -g, --generate         use the generator even if the file is there\n"
"  -n, --size N           generator: N prefixes (default 1062046);\n"
"                         with a file: a random N of them\n"
"  -6, --v6-share X       generator: IPv6 share (default 0.1508)\n"
"  -s, --seed N           generator, samples and traces (default 1)\n"
"  -r, --runs N           runs of each figure (default 3)\n"
"      --load-runs N      full-table loads of each side (default 2)\n"
"      --churn-runs N     churn and rtm-fibsync runs (default 2)\n"
"  -t, --trace N          addresses per lookup trace (default 32768)\n"
"      --passes N         in-kernel timing: passes a side per run (default 5)\n"
"      --lookup-batch N   addresses per rtm_bulk_lookup() (default 256)\n"
"      --nl-lookups N     RTM_GETROUTE calls per family and run (default 5000)\n"
"      --load-batch N     routes per rtm_bulk_add_routes() (default 4096)\n"
"      --nl-batch BYTES   netlink bytes per sendmsg() (default 65536)\n"
"      --churn-share X    share of the table churned (default 0.1)\n"
"      --skip LIST        leave out: klookup,ulookup,enum,churn,notify,fibsync;\n"
"                         fibload leaves the FIB empty (to profile rtm alone)\n"
"      --perf-ctl CTL,ACK --perf-phase PHASE\n"
"                         enable a `perf record --control=fifo:CTL,ACK -D -1`\n"
"                         during PHASE only (tools/bench/profile does this):\n"
"                         load-rtm, load-fib, unload-rtm, klookup-rtm,\n"
"                         klookup-fib, ulookup-rtm, ulookup-nl, enum-rtm,\n"
"                         dump-rtm, enum-fib, churn-rtm, churn-fib,\n"
"                         notify-drain\n"
"  -q, --quiet            no progress on stderr\n"
"Runs as root in a scratch network namespace of its own, with rtm.ko\n"
"and the dummy driver loaded.\n");
}

static unsigned long parse_ulong(const char *opt, const char *s,
				 unsigned long min, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s || v < min || v > max)
		die("%s: expected a number from %lu to %lu, not '%s'", opt, min,
		    max, s);
	return v;
}

static double parse_share(const char *opt, const char *s)
{
	double v;
	char *end;

	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s || v < 0 || v > 1)
		die("%s: expected a share from 0 to 1, not '%s'", opt, s);
	return v;
}

static unsigned int parse_skip(const char *s)
{
	static const struct {
		const char *name;
		unsigned int bit;
	} names[] = {
		{ "klookup", PHASE_KLOOKUP }, { "ulookup", PHASE_ULOOKUP },
		{ "enum", PHASE_ENUM }, { "churn", PHASE_CHURN },
		{ "notify", PHASE_NOTIFY }, { "fibsync", PHASE_FIBSYNC },
		{ "fibload", PHASE_FIBLOAD },
	};
	char *dup = strdup(s), *tok, *save = NULL;
	unsigned int bits = 0;
	size_t i;

	for (tok = strtok_r(dup, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(tok, names[i].name))
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			die("--skip: unknown phase '%s'", tok);
		bits |= names[i].bit;
	}
	free(dup);
	return bits;
}

static void parse_opts(struct opts *o, int argc, char **argv)
{
	enum {
		OPT_LOAD_RUNS = 256, OPT_CHURN_RUNS, OPT_PASSES,
		OPT_LOOKUP_BATCH, OPT_NL_LOOKUPS, OPT_LOAD_BATCH, OPT_NL_BATCH,
		OPT_CHURN_SHARE, OPT_SKIP, OPT_PERF_CTL, OPT_PERF_PHASE,
	};
	static const struct option lopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "generate", no_argument, NULL, 'g' },
		{ "size", required_argument, NULL, 'n' },
		{ "v6-share", required_argument, NULL, '6' },
		{ "seed", required_argument, NULL, 's' },
		{ "runs", required_argument, NULL, 'r' },
		{ "load-runs", required_argument, NULL, OPT_LOAD_RUNS },
		{ "churn-runs", required_argument, NULL, OPT_CHURN_RUNS },
		{ "trace", required_argument, NULL, 't' },
		{ "passes", required_argument, NULL, OPT_PASSES },
		{ "lookup-batch", required_argument, NULL, OPT_LOOKUP_BATCH },
		{ "nl-lookups", required_argument, NULL, OPT_NL_LOOKUPS },
		{ "load-batch", required_argument, NULL, OPT_LOAD_BATCH },
		{ "nl-batch", required_argument, NULL, OPT_NL_BATCH },
		{ "churn-share", required_argument, NULL, OPT_CHURN_SHARE },
		{ "skip", required_argument, NULL, OPT_SKIP },
		{ "perf-ctl", required_argument, NULL, OPT_PERF_CTL },
		{ "perf-phase", required_argument, NULL, OPT_PERF_PHASE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *perf_ctl = NULL, *perf_phase = NULL;
	bool generate = false;
	char *ack;
	int c;

	memset(o, 0, sizeof(*o));
	o->gen.size = 1062046;
	o->gen.v6_share = 160147.0 / 1062046.0;
	o->gen.seed = 1;
	o->runs = 3;
	o->load_runs = 2;
	o->churn_runs = 2;
	o->trace = 32768;
	o->passes = 5;
	o->lookup_batch = 256;
	o->nl_lookups = 5000;
	o->load_batch = 4096;
	o->nl_batch = 65536;
	o->churn_share = 0.1;

	while ((c = getopt_long(argc, argv, "f:gn:6:s:r:t:qh", lopts,
				NULL)) != -1) {
		switch (c) {
		case 'f':
			o->file = optarg;
			break;
		case 'g':
			generate = true;
			break;
		case 'n':
			o->size = parse_ulong("-n", optarg, 10, 1UL << 26);
			o->gen.size = o->size;
			break;
		case '6':
			o->gen.v6_share = parse_share("-6", optarg);
			o->v6_share_set = true;
			break;
		case 's':
			o->gen.seed = parse_ulong("-s", optarg, 0, ~0UL);
			break;
		case 'r':
			o->runs = (int)parse_ulong("-r", optarg, 1, MAX_RUNS);
			break;
		case OPT_LOAD_RUNS:
			o->load_runs = (int)parse_ulong("--load-runs", optarg,
							1, MAX_RUNS);
			break;
		case OPT_CHURN_RUNS:
			o->churn_runs = (int)parse_ulong("--churn-runs", optarg,
							 1, MAX_RUNS);
			break;
		case 't':
			o->trace = parse_ulong("-t", optarg, 1, RTM_MAX_BATCH);
			break;
		case OPT_PASSES:
			o->passes = (unsigned int)parse_ulong("--passes", optarg,
							      1, 1000);
			break;
		case OPT_LOOKUP_BATCH:
			o->lookup_batch = parse_ulong("--lookup-batch", optarg,
						      1, RTM_MAX_BATCH);
			break;
		case OPT_NL_LOOKUPS:
			o->nl_lookups = parse_ulong("--nl-lookups", optarg, 1,
						    1UL << 24);
			break;
		case OPT_LOAD_BATCH:
			o->load_batch = parse_ulong("--load-batch", optarg, 1,
						    1UL << 20);
			break;
		case OPT_NL_BATCH:
			o->nl_batch = parse_ulong("--nl-batch", optarg, 1024,
						  4UL << 20);
			break;
		case OPT_CHURN_SHARE:
			o->churn_share = parse_share("--churn-share", optarg);
			break;
		case OPT_SKIP:
			o->skip = parse_skip(optarg);
			break;
		case OPT_PERF_CTL:
			perf_ctl = optarg;
			break;
		case OPT_PERF_PHASE:
			perf_phase = optarg;
			break;
		case 'q':
			verbose = false;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind < argc) {
		usage(stderr);
		exit(2);
	}
	if (perf_ctl && perf_phase) {
		ack = strchr(perf_ctl, ',');
		if (!ack)
			die("--perf-ctl: expected CTL-FIFO,ACK-FIFO");
		*ack++ = '\0';
		perf_setup(perf_ctl, ack, perf_phase);
	}
	if (generate)
		o->file = NULL;
	else if (!o->file && !access(DEFAULT_FILE, R_OK))
		o->file = DEFAULT_FILE;
	if (o->file && o->v6_share_set)
		warnx("-6 applies to the generator only; the file's mix stays");
}

/* ---- phases -------------------------------------------------------------- */

static void load_phase(struct bench *b, struct figs *g)
{
	size_t n = table_size(&b->t), objs, bytes;
	struct rb_stats st;
	int run, fi, side;

	for (run = 0; run < b->o.load_runs; run++) {
		double rate[2] = { 0, 0 };

		/* Alternate which side goes first. */
		for (side = 0; side < 2; side++) {
			bool rtm = (side + run) % 2 == 0;
			long free0 = 0, free1;
			uint64_t t0;

			if (!rtm && (b->o.skip & PHASE_FIBLOAD))
				continue;
			if (!rtm && run)
				nl_link_create(&b->nl);
			if (!run) {
				mem_settle();
				free0 = mem_free_kb();
			}
			progress("load run %d: %s", run + 1,
				 rtm ? "rtm (rtm_bulk_add_routes)" :
				       "FIB (netlink)");
			perf_mark(rtm ? "load-rtm" : "load-fib", true);
			t0 = now_ns();
			for (fi = 0; fi < NFAM; fi++) {
				const struct family *f = &b->t.fam[fi];

				if (rtm)
					rb_load(&b->rs, f, fi, f->p, f->n, 0);
				else
					nl_routes(&b->nl, RTM_NEWROUTE, f,
						  f->p, f->n);
			}
			rate[rtm] = (double)n * 1e9 / (double)(now_ns() - t0);
			perf_mark(rtm ? "load-rtm" : "load-fib", false);
			progress("  %.0f routes/s", rate[rtm]);
			if (!rtm && b->nl.errors)
				die("the FIB refused %zu routes (first: %s)",
				    b->nl.errors, strerror(b->nl.first_error));
			if (run)
				continue;
			mem_settle();
			free1 = mem_free_kb();
			if (rtm) {
				sample_add(&g->mem_rtm_free,
					   (double)(free0 - free1) * 1024 / n);
				mem_rtm_stats(&st);
				if (st.routes != n)
					warnx("rtm holds %zu routes, not %zu",
					      st.routes, n);
				if (st.routes)
					sample_add(&g->mem_rtm_own,
						   (double)st.bytes /
						   (double)st.routes);
				if (st.routes4)
					sample_add(&g->mem_rtm_own4,
						   (double)st.bytes4 /
						   (double)st.routes4);
			} else {
				sample_add(&g->mem_fib_free,
					   (double)(free0 - free1) * 1024 / n);
			}
		}
		sample_add(&g->load_rtm, rate[1]);
		if (!(b->o.skip & PHASE_FIBLOAD)) {
			sample_add(&g->load_fib, rate[0]);
			sample_add(&g->load_ratio, rate[1] / rate[0]);
		}
		if (run + 1 == b->o.load_runs)
			break;
		progress("load run %d: emptying both", run + 1);
		perf_mark("unload-rtm", true);
		for (fi = 0; fi < NFAM; fi++)
			rb_unload(&b->rs, &b->t.fam[fi], fi, b->t.fam[fi].p,
				  b->t.fam[fi].n);
		perf_mark("unload-rtm", false);
		nl_link_delete(&b->nl);
		mem_settle();
	}
	sample_ratio(&g->mem_free_ratio, &g->mem_rtm_free, &g->mem_fib_free);

	/* Slab caches of the objects per route (see the notes printed). */
	{
		size_t sum = 0, o4 = 0;
		const char *rtm_caches[] = { "rtm_dest4", "rtm_dest6",
					     "rtm_route" };
		const char *fib_caches[] = { "ip_fib_alias", "ip_fib_trie",
					     "fib6_nodes" };
		size_t i;

		for (i = 0; i < 3; i++)
			if (mem_slab(rtm_caches[i], &objs, &bytes))
				sum += bytes;
		if (sum)
			sample_add(&g->mem_rtm_slab, (double)sum / n);
		sum = 0;
		for (i = 0; i < 3; i++)
			if (mem_slab(fib_caches[i], &objs, &bytes))
				sum += bytes;
		if (sum)
			sample_add(&g->mem_fib_slab, (double)sum / n);
		if (mem_fib_triestat(&bytes, &o4) && o4)
			sample_add(&g->mem_fib_own4, (double)bytes / (double)o4);
		sample_ratio(&g->mem_own4_ratio, &g->mem_rtm_own4,
			     &g->mem_fib_own4);
	}
}

/* Weighted by the families' shares of the table: ns per lookup. */
static double mix_ns(const struct bench *b, const double *ns)
{
	return b->share[0] * ns[0] + b->share[1] * ns[1];
}

/* The same for rates: the rate of a mixed stream of lookups. */
static double mix_rate(const struct bench *b, const double *rate)
{
	double t = 0;
	int fi;

	for (fi = 0; fi < NFAM; fi++)
		if (b->share[fi] > 0)
			t += b->share[fi] / rate[fi];
	return t > 0 ? 1 / t : 0;
}

/*
 * Each run times @passes single passes over a trace per side, rtm's and
 * the FIB's interleaved so that both see the same machine, and keeps each
 * side's fastest pass: on a shared host (and under TCG) time lost to other
 * work only ever adds, so the fastest pass is the least disturbed one.
 */
static void klookup_phase(struct bench *b, struct figs *g)
{
	int run, fi, k, side;
	unsigned int pass;

	progress("in-kernel lookups: %d runs of %u passes a side", b->o.runs,
		 b->o.passes);
	for (run = 0; run < b->o.runs; run++) {
		for (k = 0; k < NTRACE; k++) {
			double r[NFAM] = { 0 }, f[NFAM] = { 0 };

			for (fi = 0; fi < NFAM; fi++) {
				const struct trace *tr = &b->tr[fi][k];
				uint64_t best[2] = { UINT64_MAX, UINT64_MAX };
				uint32_t hits[2];

				if (!tr->n)
					continue;
				for (pass = 0; pass < 2 * b->o.passes; pass++) {
					uint64_t ns;

					side = (int)(pass + (unsigned int)run) % 2;
					perf_mark(side ? "klookup-fib" :
							 "klookup-rtm", true);
					ns = rb_bench_lookup(&b->rs, fi, tr,
						side ? RTM_BENCH_FIB :
						       RTM_BENCH_RTM,
						1, &hits[side]);
					perf_mark(side ? "klookup-fib" :
							 "klookup-rtm", false);
					if (ns < best[side])
						best[side] = ns;
				}
				g->hits_rtm[fi][k] = hits[0];
				g->hits_fib[fi][k] = hits[1];
				r[fi] = (double)best[0] / (double)tr->n;
				f[fi] = (double)best[1] / (double)tr->n;
				sample_add(&g->k_rtm[fi][k], r[fi]);
				sample_add(&g->k_fib[fi][k], f[fi]);
				sample_add(&g->k_ratio[fi][k], r[fi] / f[fi]);
			}
			sample_add(&g->k_mix_rtm[k], mix_ns(b, r));
			sample_add(&g->k_mix_fib[k], mix_ns(b, f));
			sample_add(&g->k_mix_ratio[k],
				   mix_ns(b, r) / mix_ns(b, f));
		}
	}
}

static void ulookup_phase(struct bench *b, struct figs *g)
{
	int run, fi, k;
	size_t i;

	progress("lookups from userspace: %d runs", b->o.runs);
	for (run = 0; run < b->o.runs; run++) {
		for (k = 0; k < NTRACE; k++) {
			double r[NFAM] = { 0 }, f[NFAM] = { 0 };

			for (fi = 0; fi < NFAM; fi++) {
				const struct trace *tr = &b->tr[fi][k];
				size_t m = tr->n < b->o.nl_lookups ?
					   tr->n : b->o.nl_lookups;
				uint64_t t0;

				if (!tr->n)
					continue;
				perf_mark("ulookup-rtm", true);
				t0 = now_ns();
				rb_lookup(&b->rs, fi, tr, b->o.lookup_batch);
				r[fi] = (double)tr->n * 1e9 /
					(double)(now_ns() - t0);
				perf_mark("ulookup-rtm", false);
				perf_mark("ulookup-nl", true);
				t0 = now_ns();
				for (i = 0; i < m; i++)
					nl_route_get(&b->nl, &tr->a[i]);
				f[fi] = (double)m * 1e9 /
					(double)(now_ns() - t0);
				perf_mark("ulookup-nl", false);
				sample_add(&g->u_rtm[fi][k], r[fi]);
				sample_add(&g->u_nl[fi][k], f[fi]);
				sample_add(&g->u_ratio[fi][k], r[fi] / f[fi]);
			}
			sample_add(&g->u_mix_rtm[k], mix_rate(b, r));
			sample_add(&g->u_mix_nl[k], mix_rate(b, f));
			sample_add(&g->u_mix_ratio[k],
				   mix_rate(b, r) / mix_rate(b, f));
		}
	}
}

static void enum_phase(struct bench *b, struct figs *g)
{
	size_t n = table_size(&b->t), seen;
	int run, fi;
	uint64_t t0;
	double r, d, f;

	progress("enumeration: %d runs", b->o.runs);
	for (run = 0; run < b->o.runs; run++) {
		perf_mark("enum-rtm", true);
		t0 = now_ns();
		for (fi = 0, seen = 0; fi < NFAM; fi++)
			seen += rb_enumerate(&b->rs, fi);
		r = (double)seen * 1e9 / (double)(now_ns() - t0);
		perf_mark("enum-rtm", false);
		if (seen != n)
			warnx("rtm enumerated %zu dests, not %zu", seen, n);
		perf_mark("dump-rtm", true);
		t0 = now_ns();
		for (fi = 0, seen = 0; fi < NFAM; fi++)
			seen += rb_dump(&b->rs, fi);
		d = (double)seen * 1e9 / (double)(now_ns() - t0);
		perf_mark("dump-rtm", false);
		if (seen != n)
			warnx("rtm dumped %zu dests, not %zu", seen, n);
		perf_mark("enum-fib", true);
		t0 = now_ns();
		for (fi = 0, seen = 0; fi < NFAM; fi++)
			seen += nl_route_dump(&b->nl, b->t.fam[fi].af,
					      RTPROT_BGP);
		f = (double)seen * 1e9 / (double)(now_ns() - t0);
		perf_mark("enum-fib", false);
		if (seen != n)
			warnx("the FIB dumped %zu routes, not %zu", seen, n);
		sample_add(&g->enum_rtm, r);
		sample_add(&g->enum_nl, f);
		sample_add(&g->enum_ratio, r / f);
		sample_add(&g->dump_rtm, d);
		sample_add(&g->dump_ratio, d / f);
	}
}

/*
 * An update of the churn set's routes (each one's metric changed) without
 * and with a subscriber per family, then the subscribers draining the
 * changed dests.
 */
static void notify_phase(struct bench *b, struct figs *g)
{
	size_t n = b->nchurn[0] + b->nchurn[1], drained;
	struct rb_sub sub[NFAM];
	uint32_t metric = 100;
	int run, fi;
	uint64_t t0;
	double plain, with;

	progress("notification: %d runs", b->o.runs);
	for (run = 0; run < b->o.runs; run++) {
		t0 = now_ns();
		for (fi = 0; fi < NFAM; fi++)
			rb_load(&b->rs, &b->t.fam[fi], fi, b->churn[fi],
				b->nchurn[fi], ++metric);
		plain = (double)n * 1e9 / (double)(now_ns() - t0);

		for (fi = 0; fi < NFAM; fi++) {
			if (!rb_sub_open(&sub[fi], &b->t.fam[fi])) {
				while (fi--)
					rb_sub_close(&sub[fi]);
				return;
			}
		}
		g->notify = true;
		t0 = now_ns();
		for (fi = 0; fi < NFAM; fi++)
			rb_load(&b->rs, &b->t.fam[fi], fi, b->churn[fi],
				b->nchurn[fi], ++metric);
		with = (double)n * 1e9 / (double)(now_ns() - t0);
		perf_mark("notify-drain", true);
		t0 = now_ns();
		for (fi = 0, drained = 0; fi < NFAM; fi++)
			drained += rb_sub_drain(&sub[fi]);
		sample_add(&g->drain, (double)drained * 1e9 /
				      (double)(now_ns() - t0));
		perf_mark("notify-drain", false);
		if (drained != n)
			warnx("the subscribers drained %zu dests, not %zu",
			      drained, n);
		for (fi = 0; fi < NFAM; fi++)
			rb_sub_close(&sub[fi]);
		sample_add(&g->upd_plain, plain);
		sample_add(&g->upd_sub, with);
		sample_add(&g->upd_ratio, with / plain);
	}
}

/* ---- the report ---------------------------------------------------------- */

/*
 * Whether the CPU says the kernel's copies use rep movsb/stosb (ERMS or
 * FSRM in /proc/cpuinfo's flags), which QEMU's TCG runs a byte at a time.
 */
static bool cpu_fast_strings(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		found = strstr(line, " erms") || strstr(line, " fsrm");
		break;
	}
	fclose(f);
	return found;
}

static void print_header(const struct bench *b)
{
	struct utsname u;
	const struct opts *o = &b->o;
	int fi;

	uname(&u);
	printf("## rtm benchmark\n\n");
	printf("kernel %s, %d CPUs, %ld MiB free; prefixes: %s\n",
	       u.release, ncpus(), mem_free_kb() / 1024, b->t.source);
	printf("kernel copies: %s\n", cpu_fast_strings() ?
	       "rep movsb/stosb (the CPU has ERMS or FSRM)" :
	       "unrolled (no ERMS, no FSRM)");
	for (fi = 0; fi < NFAM; fi++) {
		const struct family *f = &b->t.fam[fi];

		printf("%s: %zu prefixes, %.1f %% under a shorter one\n",
		       f->name, f->n,
		       f->n ? 100.0 * (double)f->covered / (double)f->n : 0.0);
	}
	if (b->t.skipped)
		printf("(%zu unparsable lines skipped)\n", b->t.skipped);
	printf("runs: %d (loads %d, churn %d); traces of %zu addresses; "
	       "in-kernel timing %u passes a side;\n"
	       "rtm_bulk_lookup() batches of %zu; %zu RTM_GETROUTE calls per "
	       "family and run;\nrtm_bulk_add_routes() batches of %zu routes; "
	       "netlink batches of %zu bytes.\n\n",
	       o->runs, o->load_runs, o->churn_runs, o->trace, o->passes,
	       o->lookup_batch, o->nl_lookups, o->load_batch, o->nl_batch);
	printf("Absolute times depend on the machine, and under QEMU's TCG "
	       "(how `make bench` runs it)\nthey mean little: the ratios, "
	       "each taken between the two sides within one run, are the\n"
	       "result. Cells: median (min-max) over the runs.\n\n");
}

static void print_table(const struct bench *b, struct figs *g)
{
	static const char *const fam_name[NFAM] = { "IPv4", "IPv6" };
	static const char *const tr_desc[NTRACE] = {
		"announced addresses", "random addresses",
	};
	char name[NTRACE][NFAM + 1][96], uname_[NTRACE][NFAM + 1][96];
	const struct churn_figs *c = &g->churn;
	unsigned int skip = b->o.skip;
	int fi, k;

	report_head();
	report_row(&(struct row){ "full-table load, batched", "routes/s",
		   &g->load_rtm, &g->load_fib, &g->load_ratio, FMT_SI, "20x",
		   20, false });

	if (!(skip & PHASE_KLOOKUP)) {
		for (k = 0; k < NTRACE; k++) {
			snprintf(name[k][NFAM], sizeof(name[k][NFAM]),
				 "in-kernel lookup, %s, mixed", tr_desc[k]);
			report_row(&(struct row){ name[k][NFAM], "ns/lookup",
				   &g->k_mix_rtm[k], &g->k_mix_fib[k],
				   &g->k_mix_ratio[k], FMT_NS,
				   k == TRACE_ANN ? "1.0x" : NULL, 1.0,
				   true });
			for (fi = 0; fi < NFAM; fi++) {
				if (!g->k_rtm[fi][k].n)
					continue;
				snprintf(name[k][fi], sizeof(name[k][fi]),
					 "in-kernel lookup, %s, %s",
					 tr_desc[k], fam_name[fi]);
				/* IPv4 has a target of its own. */
				bool v4 = k == TRACE_ANN && fi == 0;

				report_row(&(struct row){ name[k][fi],
					   "ns/lookup", &g->k_rtm[fi][k],
					   &g->k_fib[fi][k], &g->k_ratio[fi][k],
					   FMT_NS, v4 ? "0.8x" : NULL, 0.8,
					   true });
			}
		}
	}
	if (!(skip & PHASE_ULOOKUP)) {
		for (k = 0; k < NTRACE; k++) {
			snprintf(uname_[k][NFAM], sizeof(uname_[k][NFAM]),
				 "lookup from userspace, %s, mixed",
				 tr_desc[k]);
			report_row(&(struct row){ uname_[k][NFAM], "lookups/s",
				   &g->u_mix_rtm[k], &g->u_mix_nl[k],
				   &g->u_mix_ratio[k], FMT_SI,
				   k == TRACE_ANN ? "20x" : NULL, 20, false });
			for (fi = 0; fi < NFAM; fi++) {
				if (!g->u_rtm[fi][k].n)
					continue;
				snprintf(uname_[k][fi], sizeof(uname_[k][fi]),
					 "lookup from userspace, %s, %s",
					 tr_desc[k], fam_name[fi]);
				report_row(&(struct row){ uname_[k][fi],
					   "lookups/s", &g->u_rtm[fi][k],
					   &g->u_nl[fi][k], &g->u_ratio[fi][k],
					   FMT_SI, NULL, 0, false });
			}
		}
	}
	if (!(skip & PHASE_ENUM)) {
		report_row(&(struct row){ "enumeration (RtmGetEnumDests) vs route dump",
			   "dests/s", &g->enum_rtm, &g->enum_nl,
			   &g->enum_ratio, FMT_SI, "1.0x", 1.0, false });
		report_row(&(struct row){ "dump (rtm_bulk_dump) vs route dump",
			   "dests/s", &g->dump_rtm, &g->enum_nl,
			   &g->dump_ratio, FMT_SI, "5x", 5, false });
	}

	report_row(&(struct row){ "memory, own accounting, all routes",
		   "B/route", &g->mem_rtm_own, NULL, NULL, FMT_INT, "130 B",
		   130, true });
	report_row(&(struct row){ "memory, own accounting, IPv4", "B/route",
		   &g->mem_rtm_own4, &g->mem_fib_own4, &g->mem_own4_ratio,
		   FMT_INT, NULL, 0, true });
	report_row(&(struct row){ "memory, MemFree drop over the load",
		   "B/route", &g->mem_rtm_free, &g->mem_fib_free,
		   &g->mem_free_ratio, FMT_INT, NULL, 0, true });
	report_row(&(struct row){ "memory, slab caches of the objects",
		   "B/route", &g->mem_rtm_slab, &g->mem_fib_slab, NULL,
		   FMT_INT, NULL, 0, true });

	if (!(skip & PHASE_CHURN) && c->rtm_rate.n) {
		report_row(&(struct row){ "churn: withdraw + re-announce",
			   "routes/s", &c->rtm_rate, &c->fib_rate,
			   &c->rate_ratio, FMT_SI, NULL, 0, false });
		report_row(&(struct row){ "churn: in-kernel lookups, writer idle",
			   "lookups/s", &c->krtm_idle, &c->kfib_idle, NULL,
			   FMT_SI, NULL, 0, false });
		report_row(&(struct row){ "churn: in-kernel lookups, during churn",
			   "lookups/s", &c->krtm_busy, &c->kfib_busy, NULL,
			   FMT_SI, NULL, 0, false });
		report_row(&(struct row){ "churn: in-kernel lookups kept (during / idle)",
			   "share", &c->krtm_keep, &c->kfib_keep, NULL,
			   FMT_RATIO, NULL, 0, false });
		report_row(&(struct row){ "churn: library lookups, writer idle",
			   "lookups/s", &c->lib_idle, NULL, NULL, FMT_SI,
			   NULL, 0, false });
		report_row(&(struct row){ "churn: library lookups, during churn",
			   "lookups/s", &c->lib_busy, NULL, NULL, FMT_SI,
			   NULL, 0, false });
		report_row(&(struct row){ "churn: library lookups kept (during / idle)",
			   "share", &c->lib_keep, NULL, NULL, FMT_RATIO, NULL,
			   0, false });
		report_row(&(struct row){ "readers: in-kernel lookups, 2 readers, writer idle",
			   "lookups/s", &c->krtm_idle2, &c->kfib_idle2, NULL,
			   FMT_SI, NULL, 0, false });
		report_row(&(struct row){ "readers: in-kernel lookups, 2 readers / 1, writer idle",
			   "share", &c->krtm_scale, &c->kfib_scale, NULL,
			   FMT_RATIO, NULL, 0, false });
		report_row(&(struct row){ "readers: in-kernel lookups, 2 readers, during churn",
			   "lookups/s", &c->krtm_busy2, &c->kfib_busy2, NULL,
			   FMT_SI, NULL, 0, false });
		report_row(&(struct row){ "readers: library lookups, 2 readers, writer idle",
			   "lookups/s", &c->lib_idle2, NULL, NULL, FMT_SI,
			   NULL, 0, false });
		report_row(&(struct row){ "readers: library lookups, 2 readers / 1, writer idle",
			   "share", &c->lib_scale, NULL, NULL, FMT_RATIO, NULL,
			   0, false });
		report_row(&(struct row){ "readers: library lookups, 2 readers, during churn",
			   "lookups/s", &c->lib_busy2, NULL, NULL, FMT_SI,
			   NULL, 0, false });
	}
	if (!(skip & PHASE_NOTIFY)) {
		if (g->notify) {
			report_row(&(struct row){ "update of the churn set, no subscriber",
				   "routes/s", &g->upd_plain, NULL, NULL,
				   FMT_SI, NULL, 0, false });
			report_row(&(struct row){ "update of the churn set, 1 subscriber per family",
				   "routes/s", &g->upd_sub, NULL, &g->upd_ratio,
				   FMT_SI, NULL, 0, false });
			report_row(&(struct row){ "notification: changed dests drained",
				   "dests/s", &g->drain, NULL, NULL, FMT_SI,
				   NULL, 0, false });
		} else {
			printf("| notification | - | not available | | | |\n");
		}
	}
	if (!(skip & PHASE_FIBSYNC) && g->fibsync.ran) {
		report_row(&(struct row){ "rtm-fibsync: churn set into the FIB from start",
			   "routes/s", &g->fibsync.initial, NULL, NULL, FMT_SI,
			   NULL, 0, false });
		report_row(&(struct row){ "rtm-fibsync: withdrawal of the churn set followed",
			   "routes/s", &g->fibsync.withdraw, NULL, NULL, FMT_SI,
			   NULL, 0, false });
		report_row(&(struct row){ "rtm-fibsync: re-announcement followed",
			   "routes/s", &g->fibsync.announce, NULL, NULL, FMT_SI,
			   NULL, 0, false });
		report_row(&(struct row){ "rtm-fibsync: churn set back after a link flap",
			   "routes/s", &g->fibsync.flap, NULL, NULL, FMT_SI,
			   NULL, 0, false });
		report_row(&(struct row){ "rtm-fibsync: full table into the FIB from start, vs the FIB's batched netlink insert",
			   "routes/s", &g->fibsync.full, &g->load_fib,
			   &g->fibsync.full_ratio, FMT_SI, NULL, 0, false });
	} else if (!(skip & PHASE_FIBSYNC)) {
		printf("| rtm-fibsync convergence | - | not measured: no rtm-fibsync beside the benchmark | | | |\n");
	}
	printf("\n");
}

static void print_notes(const struct bench *b, const struct figs *g)
{
	int fi, k;

	printf("Notes:\n");
	printf("- load: rtm_bulk_add_routes() in batches of %zu against "
	       "RTM_NEWROUTE messages packed into %zu-byte\n"
	       "  sendmsg() buffers with NLM_F_ACK on the last of each "
	       "(errors are still reported per message);\n"
	       "  `ip -batch` waits for an ack per route, which is slower. "
	       "Routes go via one gateway on a\n"
	       "  dummy device, metric %d, in a scratch network namespace; "
	       "IPv4 then IPv6, timed together.\n",
	       b->o.load_batch, b->o.nl_batch, BENCH_METRIC);
	printf("- in-kernel lookup: rtm_bench.ko times rtm's longest "
	       "match with its best route against\n"
	       "  fib_table_lookup() / fib6_table_lookup() on the main table: "
	       "%u passes over each trace\n"
	       "  a side, interleaved, the fastest of each side kept. "
	       "\"mixed\" weighs the families by their\n"
	       "  share of the table (%.1f %% IPv4).\n", b->o.passes,
	       100 * b->share[0]);
	printf("- lookup from userspace: rtm_bulk_lookup() in batches of "
	       "%zu against one RTM_GETROUTE request\n"
	       "  and reply per address (`ip route get`), %zu per family "
	       "and run.\n", b->o.lookup_batch, b->o.nl_lookups);
	printf("- traces: \"announced\" addresses lie in random prefixes of "
	       "the table; \"random\" ones are\n"
	       "  uniform over IPv4 and over 2000::/3 for IPv6.\n");
	printf("- enumeration: RtmGetEnumDests batches of MaxHandlesInEnum "
	       "(%u) with the unicast view's best\n"
	       "  route, each batch released with RtmReleaseDests, against "
	       "an RTM_GETROUTE dump (main and\n"
	       "  local tables) whose routes are parsed for their "
	       "destination. Each dest's handle, its best\n"
	       "  route's and the route owner's are held and then released. "
	       "The dump: rtm_bulk_dump()\n"
	       "  batches of 4096 dests with their best unicast route, "
	       "values only, no handles.\n",
	       (unsigned int)b->rs.prof[0].MaxHandlesInEnum);
	printf("- memory: own accounting is /proc/net/rtm/stats `bytes` "
	       "(dests, routes, next hops, attributes,\n"
	       "  trie nodes) per route, and the main table's "
	       "/proc/net/fib_triestat `Total size` (leaves,\n"
	       "  aliases, tnodes, child pointers; not the shared fib_info) "
	       "per prefix for the FIB, which\n"
	       "  has no such figure for IPv6. The MemFree drop\n"
	       "  over the first load of each side counts all kernel memory "
	       "(slab, vmalloc, pages); slab\n"
	       "  caches are rtm_dest4+rtm_dest6+rtm_route against "
	       "ip_fib_alias+ip_fib_trie+fib6_nodes\n"
	       "  (whole slabs; trie nodes and fib6_info live in kmalloc "
	       "caches and are not in them).\n");
	printf("- churn: %.0f %% of each family (random prefixes, random "
	       "order) withdrawn, then re-announced,\n"
	       "  by a writer on CPU 0 while a reader on CPU 1 looks up the "
	       "announced traces; rtm's churn\n"
	       "  repeats for at least 2 s; \"writer idle\" is the reader "
	       "alone for 2 s.\n"
	       "- readers: the same readers two at a time, one on each CPU "
	       "(the writer shares CPU 0 during\n"
	       "  churn); lookups/s of both together, and over one reader's "
	       "with the writer idle.\n", 100 * b->o.churn_share);
	printf("- rtm-fibsync: the churn set (%zu routes) in RTM instance 1, "
	       "mirrored by `rtm-fibsync -i 1 -t 100`\n"
	       "  into FIB table 100 of an otherwise empty FIB; each figure "
	       "is the set over the time from the\n"
	       "  change (or the start) until the kernel's route "
	       "notifications showed the last of it. Link flap:\n"
	       "  the set's device is taken down (the kernel flushes the "
	       "routes through it) and brought up\n"
	       "  again; the time runs from up. Full table: the whole table "
	       "in instance 1 (one run), against\n"
	       "  the FIB's own batched netlink insert rate of the load "
	       "phase.\n", b->nchurn[0] + b->nchurn[1]);
	printf("- notification: the churn set's routes updated (new metric) "
	       "with rtm_bulk_add_routes(),\n"
	       "  then with a subscriber per family "
	       "(RtmRegisterForChangeNotification, RTM_CHANGE_TYPE_ALL),\n"
	       "  which then drains the changed dests with RtmGetChangedDests "
	       "and RtmReleaseChangedDests.\n");
	for (fi = 0; fi < NFAM; fi++)
		for (k = 0; k < NTRACE; k++)
			if (g->hits_rtm[fi][k] != g->hits_fib[fi][k])
				printf("- WARNING: %s %s trace: rtm found a "
				       "route for %u addresses, the FIB for "
				       "%u\n", fi ? "IPv6" : "IPv4",
				       trace_name[k], g->hits_rtm[fi][k],
				       g->hits_fib[fi][k]);
	printf("\n");
}

static void summary_line(const char *name, const struct samples *s)
{
	if (s->n)
		printf("%s %.4g\n", name, sample_median(s));
}

static void print_summary(const struct figs *g)
{
	summary_line("load_ratio", &g->load_ratio);
	summary_line("kernel_lookup_ratio", &g->k_mix_ratio[TRACE_ANN]);
	summary_line("kernel_lookup_ratio4", &g->k_ratio[0][TRACE_ANN]);
	summary_line("kernel_lookup_ratio6", &g->k_ratio[1][TRACE_ANN]);
	summary_line("user_lookup_ratio", &g->u_mix_ratio[TRACE_ANN]);
	summary_line("enum_ratio", &g->enum_ratio);
	summary_line("dump_ratio", &g->dump_ratio);
	summary_line("bytes_per_route", &g->mem_rtm_own);
	summary_line("kernel_lookup_ratio_rnd", &g->k_mix_ratio[TRACE_RND]);
	summary_line("user_lookup_ratio_rnd", &g->u_mix_ratio[TRACE_RND]);
	summary_line("memfree_ratio", &g->mem_free_ratio);
	summary_line("churn_rate_ratio", &g->churn.rate_ratio);
	summary_line("churn_kept_rtm", &g->churn.krtm_keep);
	summary_line("churn_kept_fib", &g->churn.kfib_keep);
	summary_line("reader_scale_kernel", &g->churn.krtm_scale);
	summary_line("reader_scale_fib", &g->churn.kfib_scale);
	summary_line("reader_scale_lib", &g->churn.lib_scale);
	summary_line("notify_drain_per_s", &g->drain);
	summary_line("fibsync_initial_per_s", &g->fibsync.initial);
	summary_line("fibsync_withdraw_per_s", &g->fibsync.withdraw);
	summary_line("fibsync_announce_per_s", &g->fibsync.announce);
	summary_line("fibsync_flap_per_s", &g->fibsync.flap);
	summary_line("fibsync_full_per_s", &g->fibsync.full);
	summary_line("fibsync_full_ratio", &g->fibsync.full_ratio);
}

int main(int argc, char **argv)
{
	static struct bench b;
	static struct figs g;
	size_t n;
	int fi, k, run;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_opts(&b.o, argc, argv);

	if (b.o.file) {
		progress("reading %s", b.o.file);
		table_read(&b.t, b.o.file);
		table_finish(&b.t);
		if (b.o.size)
			table_sample(&b.t, b.o.size, b.o.gen.seed);
	} else {
		progress("generating %zu prefixes", b.o.gen.size);
		table_generate(&b.t, &b.o.gen);
	}
	table_finish(&b.t);
	n = table_size(&b.t);
	if (!n)
		die("no prefixes");
	for (fi = 0; fi < NFAM; fi++) {
		b.share[fi] = (double)b.t.fam[fi].n / (double)n;
		for (k = 0; k < NTRACE; k++)
			trace_make(&b.tr[fi][k], &b.t.fam[fi], k,
				   b.t.fam[fi].n ? b.o.trace : 0, b.o.gen.seed);
	}
	progress("%zu IPv4 + %zu IPv6 prefixes", b.t.fam[0].n, b.t.fam[1].n);

	netns_enter();
	nl_open(&b.nl, b.o.nl_batch);
	nl_setup_netns(&b.nl);
	nl_link_create(&b.nl);
	rb_open(&b.rs, b.o.load_batch, 0);

	load_phase(&b, &g);
	if (!(b.o.skip & PHASE_KLOOKUP))
		klookup_phase(&b, &g);
	if (!(b.o.skip & PHASE_ULOOKUP))
		ulookup_phase(&b, &g);
	if (!(b.o.skip & PHASE_ENUM))
		enum_phase(&b, &g);
	churn_prepare(&b);
	if (!(b.o.skip & PHASE_CHURN)) {
		for (run = 0; run < b.o.churn_runs; run++) {
			progress("churn run %d", run + 1);
			churn_once(&b, &g.churn);
		}
	}
	if (!(b.o.skip & PHASE_NOTIFY))
		notify_phase(&b, &g);
	g.fibsync_path = fibsync_path();
	if (!(b.o.skip & PHASE_FIBSYNC) && g.fibsync_path) {
		/* An empty FIB: the device's removal flushes the others' routes. */
		nl_link_delete(&b.nl);
		nl_link_create(&b.nl);
		for (run = 0; run < b.o.churn_runs; run++) {
			progress("rtm-fibsync run %d", run + 1);
			fibsync_once(&b, g.fibsync_path, &g.fibsync);
		}
		progress("rtm-fibsync, full table");
		fibsync_full(&b, g.fibsync_path, &g.fibsync);
		if (g.fibsync.full.n && sample_median(&g.load_fib) > 0)
			sample_add(&g.fibsync.full_ratio,
				   g.fibsync.full.v[0] /
				   sample_median(&g.load_fib));
	}
	progress("done");

	print_header(&b);
	print_table(&b, &g);
	print_notes(&b, &g);
	print_summary(&g);

	rb_close(&b.rs);
	nl_close(&b.nl);
	return 0;
}
