// SPDX-License-Identifier: GPL-2.0
/*
 * Updates (RFC 2453 3.8, 3.10).
 *
 * A periodic update every `update` seconds (give or take a tenth, so that
 * routers do not fall into step) sends every route the policy announces
 * (rtm_walk()) on every RIP interface to 224.0.0.9.  A best-route change
 * queues its prefix; the queued prefixes go out in a triggered update
 * after a random 1 to 5 seconds (scaled by update/30 when the update time
 * is shortened), and again no sooner than that after the last one; a
 * periodic update empties the queue.
 *
 * Split horizon with poisoned reverse: on the interface a route was
 * learned over it is announced with metric 16, unless the interface has
 * no-split-horizon.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ripd.h"

#define MAX_PENDING	4096

static long long next_update, next_triggered, quiet_until;

static struct pending {
	uint32_t addr;
	uint8_t len;
} pending[MAX_PENDING];
static unsigned int npending;
static bool pending_overflow;

/* The routes of one update, gathered before they are sent. */
struct batch {
	struct rip_route *r;
	size_t n, cap;
};

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A random time in [@lo, @hi] ms. */
static long long between(long long lo, long long hi)
{
	return lo + (hi > lo ? random() % (hi - lo + 1) : 0);
}

static long long triggered_delay(void)
{
	return between(cfg.update_ms / 30, cfg.update_ms / 6);
}

static void gather(const struct rip_route *r, void *arg)
{
	struct batch *b = arg;

	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->r = realloc(b->r, b->cap * sizeof(*b->r));
		if (!b->r)
			die("out of memory");
	}
	b->r[b->n++] = *r;
}

static unsigned int max_entries(const struct iface *ifc)
{
	switch (ifc->cfg->auth) {
	case AUTH_PLAIN:
		return RIP_MAX_ENTRIES - 1;
	case AUTH_MD5:
		return RIP_MAX_ENTRIES - 2;	/* room for the trailer */
	default:
		return RIP_MAX_ENTRIES;
	}
}

/* Send @b on @ifc to @dst:@port as responses; @poison: all metric 16. */
static void send_batch(struct iface *ifc, const struct batch *b, uint32_t dst,
		       uint16_t port, bool poison)
{
	struct rip_msg m = { .command = RIP_CMD_RESPONSE };
	unsigned int max = max_entries(ifc);
	size_t i;

	for (i = 0; i < b->n; i++) {
		const struct rip_route *r = &b->r[i];
		struct rip_entry *e = &m.e[m.n++];

		memset(e, 0, sizeof(*e));
		e->addr = r->addr;
		e->mask = r->len ? htonl(~0U << (32 - r->len)) : 0;
		e->metric = r->metric;
		if (poison || (ifc->cfg->split_horizon && r->ifindex &&
			       r->ifindex == ifc->ifindex))
			e->metric = RIP_INFINITY;
		if (m.n == max) {
			iface_send(ifc, &m, dst, port);
			m.n = 0;
		}
	}
	if (m.n)
		iface_send(ifc, &m, dst, port);
}

static void send_all(const struct batch *b, bool poison)
{
	unsigned int i;

	for (i = 0; i < nifaces; i++)
		send_batch(&ifaces[i], b, htonl(RIP_GROUP), htons(RIP_PORT),
			   poison);
}

void output_init(void)
{
	struct rip_msg req = { .command = RIP_CMD_REQUEST, .n = 1 };
	unsigned int i;

	srandom(time(NULL) ^ getpid());
	/* Ask the neighbours for their tables, then announce ours. */
	req.e[0].metric = RIP_INFINITY;
	for (i = 0; i < nifaces; i++)
		iface_send(&ifaces[i], &req, htonl(RIP_GROUP), htons(RIP_PORT));
	next_update = now_ms();
}

long long output_timeout(void)
{
	long long t = next_update, now = now_ms();

	if (next_triggered && next_triggered < t)
		t = next_triggered;
	return t > now ? t - now : 0;
}

static void periodic(void)
{
	struct batch b = { 0 };

	iface_refresh();
	rtm_walk(gather, &b);
	send_all(&b, false);
	free(b.r);
	log_debug("periodic update: %zu routes", b.n);
	npending = 0;
	pending_overflow = false;
	next_triggered = 0;
	next_update = now_ms() + between(cfg.update_ms * 9 / 10,
					 cfg.update_ms * 11 / 10);
}

static void triggered(void)
{
	struct batch b = { 0 };
	struct rip_route r;
	unsigned int i;

	if (pending_overflow) {
		/* Too much changed to list: the whole table. */
		rtm_walk(gather, &b);
	} else {
		for (i = 0; i < npending; i++) {
			rtm_lookup(pending[i].addr, pending[i].len, &r);
			gather(&r, &b);
		}
	}
	send_all(&b, false);
	log_debug("triggered update: %zu routes", b.n);
	free(b.r);
	npending = 0;
	pending_overflow = false;
	next_triggered = 0;
	quiet_until = now_ms() + triggered_delay();
}

void output_run(void)
{
	long long now = now_ms();

	if (now >= next_update)
		periodic();
	else if (next_triggered && now >= next_triggered)
		triggered();
}

void output_changed(uint32_t addr, unsigned int len, void *arg)
{
	unsigned int i;
	long long at;

	(void)arg;
	for (i = 0; i < npending; i++)
		if (pending[i].addr == addr && pending[i].len == len)
			break;
	if (i == npending) {
		if (npending < MAX_PENDING) {
			pending[npending].addr = addr;
			pending[npending++].len = len;
		} else {
			pending_overflow = true;
		}
	}
	if (!next_triggered) {
		at = now_ms() + triggered_delay();
		next_triggered = at > quiet_until ? at : quiet_until;
	}
}

void output_table(struct iface *ifc, uint32_t dst, uint16_t port)
{
	struct batch b = { 0 };

	rtm_walk(gather, &b);
	send_batch(ifc, &b, dst, port, false);
	free(b.r);
}

void output_withdraw_all(void)
{
	struct batch b = { 0 };

	rtm_walk(gather, &b);
	send_all(&b, true);
	free(b.r);
}
