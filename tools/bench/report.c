// SPDX-License-Identifier: GPL-2.0
/*
 * The result table, as Markdown (it reads as well on a terminal as in the
 * README): one row per figure, each cell a median with the min and max of
 * the runs, the ratio column taken pair by pair.
 */
#include <string.h>

#include "report.h"

/* Three significant digits, with k, M, G. */
static void fmt_si(char *buf, size_t len, double v)
{
	const char *suffix = "";

	if (v >= 1e9) {
		v /= 1e9;
		suffix = "G";
	} else if (v >= 1e6) {
		v /= 1e6;
		suffix = "M";
	} else if (v >= 1e3) {
		v /= 1e3;
		suffix = "k";
	}
	if (v >= 100)
		snprintf(buf, len, "%.0f%s", v, suffix);
	else if (v >= 10)
		snprintf(buf, len, "%.1f%s", v, suffix);
	else
		snprintf(buf, len, "%.2f%s", v, suffix);
}

static void fmt_value(char *buf, size_t len, double v, enum fmt f)
{
	switch (f) {
	case FMT_SI:
		fmt_si(buf, len, v);
		break;
	case FMT_NS:
		snprintf(buf, len, v >= 100 ? "%.0f" : "%.1f", v);
		break;
	case FMT_RATIO:
		snprintf(buf, len, v >= 10 ? "%.1fx" : v >= 1 ? "%.2fx" : "%.3fx",
			 v);
		break;
	case FMT_INT:
		snprintf(buf, len, "%.0f", v);
		break;
	}
}

static void fmt_cell(char *buf, size_t len, const struct samples *s,
		     enum fmt f)
{
	char med[32], lo[32], hi[32];

	if (!s || !s->n) {
		snprintf(buf, len, "-");
		return;
	}
	fmt_value(med, sizeof(med), sample_median(s), f);
	if (s->n == 1) {
		snprintf(buf, len, "%s", med);
		return;
	}
	fmt_value(lo, sizeof(lo), sample_min(s), f);
	fmt_value(hi, sizeof(hi), sample_max(s), f);
	snprintf(buf, len, "%s (%s-%s)", med, lo, hi);
}

void report_head(void)
{
	printf("| figure | unit | rtm | kernel FIB | rtm / FIB | target |\n");
	printf("|---|---|---|---|---|---|\n");
}

void report_row(const struct row *r)
{
	char a[128], b[128], q[128], t[64];
	double m;

	fmt_cell(a, sizeof(a), r->rtm, r->fmt);
	fmt_cell(b, sizeof(b), r->fib, r->fmt);
	fmt_cell(q, sizeof(q), r->ratio, FMT_RATIO);
	t[0] = '\0';
	if (r->target && r->ratio && r->ratio->n) {
		m = sample_median(r->ratio);
		snprintf(t, sizeof(t), "%s %s %s",
			 r->at_most ? "<=" : ">=", r->target,
			 (r->at_most ? m <= r->goal : m >= r->goal) ?
			 "met" : "**missed**");
	} else if (r->target && r->rtm && r->rtm->n) {
		/* A target on rtm's own figure (memory). */
		m = sample_median(r->rtm);
		snprintf(t, sizeof(t), "%s %s %s",
			 r->at_most ? "<=" : ">=", r->target,
			 (r->at_most ? m <= r->goal : m >= r->goal) ?
			 "met" : "**missed**");
	} else if (r->target) {
		snprintf(t, sizeof(t), "%s", r->target);
	}
	printf("| %s | %s | %s | %s | %s | %s |\n", r->figure, r->unit, a, b,
	       r->ratio ? q : "", t);
}

bool report_met(const struct samples *s, double goal, bool at_most)
{
	double m;

	if (!s || !s->n)
		return false;
	m = sample_median(s);
	return at_most ? m <= goal : m >= goal;
}
