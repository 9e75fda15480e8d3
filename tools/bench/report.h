/* SPDX-License-Identifier: GPL-2.0 */
/* bench: the result table (report.c). */
#ifndef RTM_BENCH_REPORT_H
#define RTM_BENCH_REPORT_H

#include "bench.h"

enum fmt {
	FMT_SI,		/* 1.23M */
	FMT_NS,		/* 52.1 */
	FMT_RATIO,	/* 27.0x */
	FMT_INT,	/* 123 */
};

struct row {
	const char *figure;
	const char *unit;
	const struct samples *rtm, *fib, *ratio;	/* any may be NULL */
	enum fmt fmt;
	const char *target;	/* "20x", or NULL */
	double goal;		/* the target as a number */
	bool at_most;		/* the target is a ceiling */
};

void report_head(void);
void report_row(const struct row *r);
bool report_met(const struct samples *s, double goal, bool at_most);

#endif /* RTM_BENCH_REPORT_H */
