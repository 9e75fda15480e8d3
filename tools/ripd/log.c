// SPDX-License-Identifier: GPL-2.0
/*
 * rtm-ripd's messages: to stderr as "rtm-ripd: ...", or to syslog (-s,
 * facility daemon).  Debug messages only with -v.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ripd.h"

static bool to_syslog, debug;

void log_open(bool use_syslog, bool verbose)
{
	to_syslog = use_syslog;
	debug = verbose;
	if (to_syslog)
		openlog("rtm-ripd", LOG_PID, LOG_DAEMON);
}

static void vlog(int prio, const char *fmt, va_list ap)
{
	if (to_syslog) {
		vsyslog(prio, fmt, ap);
		return;
	}
	fputs("rtm-ripd: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!debug)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}

/* Four rotating buffers: a message may name a few addresses. */
static char *next_buf(void)
{
	static char bufs[4][INET6_ADDRSTRLEN + 4];
	static unsigned int i;

	return bufs[i++ % 4];
}

const char *ip_str(const struct family *f, const struct addr *a)
{
	char *b = next_buf();

	inet_ntop(f->af, a->b, b, INET6_ADDRSTRLEN);
	return b;
}

const char *prefix_str(const struct family *f, const struct addr *a,
		       unsigned int len)
{
	char *b = next_buf();

	inet_ntop(f->af, a->b, b, INET6_ADDRSTRLEN);
	snprintf(b + strlen(b), 5, "/%u", len);
	return b;
}
