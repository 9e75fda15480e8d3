// SPDX-License-Identifier: GPL-2.0
/*
 * Updates (RFC 2453 3.8, 3.10; RFC 2080 2.5).
 *
 * A periodic update every `update` seconds (give or take a tenth, so that
 * routers do not fall into step) sends, for each family, every route the
 * policy announces (rtm_walk()) on every interface the family runs on to
 * its group (224.0.0.9, ff02::9).  Each family has its own queue of
 * changes and its own triggered updates.  A best-route change
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

static long long next_update;

struct pending {
	struct addr addr;
	uint8_t len;
};

/* The triggered updates of one family. */
static struct out_state {
	long long next_triggered, quiet_until;
	struct pending pending[MAX_PENDING];
	unsigned int npending;
	bool overflow;
} outs[NFAM];

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

static unsigned int max_entries(const struct family *f,
				const struct iface *ifc)
{
	if (f->af == AF_INET6)
		return RIPNG_MAX_ENTRIES;
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
static void send_batch(struct family *f, struct iface *ifc,
		       const struct batch *b, const struct addr *dst,
		       uint16_t port, bool poison)
{
	struct rip_msg m = { .command = RIP_CMD_RESPONSE };
	unsigned int max = max_entries(f, ifc);
	size_t i;

	for (i = 0; i < b->n; i++) {
		const struct rip_route *r = &b->r[i];
		struct rip_entry *e = &m.e[m.n++];

		memset(e, 0, sizeof(*e));
		e->addr = r->addr;
		e->len = r->len;
		e->metric = r->metric;
		if (poison || (ifc->cfg->split_horizon && r->ifindex &&
			       r->ifindex == ifc->ifindex))
			e->metric = RIP_INFINITY;
		if (m.n == max) {
			iface_send(f, ifc, &m, dst, port);
			m.n = 0;
		}
	}
	if (m.n)
		iface_send(f, ifc, &m, dst, port);
}

static void send_all(struct family *f, const struct batch *b, bool poison)
{
	unsigned int i;

	for (i = 0; i < nifaces; i++)
		send_batch(f, &ifaces[i], b, &f->group, f->port, poison);
}

void output_init(void)
{
	struct rip_msg req = {
		.command = RIP_CMD_REQUEST,
		.n = 1,
		.whole_table = true,
	};
	struct family *f;
	unsigned int i;

	srandom(time(NULL) ^ getpid());
	/* Ask the neighbours for their tables, then announce ours. */
	req.e[0].metric = RIP_INFINITY;
	for_each_family(f)
		for (i = 0; i < nifaces; i++)
			iface_send(f, &ifaces[i], &req, &f->group, f->port);
	next_update = now_ms();
}

long long output_timeout(void)
{
	long long t = next_update, now = now_ms();
	struct family *f;

	for_each_family(f)
		if (outs[f->idx].next_triggered &&
		    outs[f->idx].next_triggered < t)
			t = outs[f->idx].next_triggered;
	return t > now ? t - now : 0;
}

static void periodic(void)
{
	struct family *f;

	iface_refresh();
	for_each_family(f) {
		struct out_state *o = &outs[f->idx];
		struct batch b = { 0 };

		rtm_walk(f, gather, &b);
		send_all(f, &b, false);
		free(b.r);
		log_debug("%s periodic update: %zu routes", f->name, b.n);
		o->npending = 0;
		o->overflow = false;
		o->next_triggered = 0;
	}
	next_update = now_ms() + between(cfg.update_ms * 9 / 10,
					 cfg.update_ms * 11 / 10);
}

static void triggered(struct family *f)
{
	struct out_state *o = &outs[f->idx];
	struct batch b = { 0 };
	struct rip_route r;
	unsigned int i;

	if (o->overflow) {
		/* Too much changed to list: the whole table. */
		rtm_walk(f, gather, &b);
	} else {
		for (i = 0; i < o->npending; i++) {
			rtm_lookup(f, &o->pending[i].addr, o->pending[i].len,
				   &r);
			gather(&r, &b);
		}
	}
	send_all(f, &b, false);
	log_debug("%s triggered update: %zu routes", f->name, b.n);
	free(b.r);
	o->npending = 0;
	o->overflow = false;
	o->next_triggered = 0;
	o->quiet_until = now_ms() + triggered_delay();
}

void output_run(void)
{
	long long now = now_ms();
	struct family *f;

	if (now >= next_update) {
		periodic();
		return;
	}
	for_each_family(f)
		if (outs[f->idx].next_triggered &&
		    now >= outs[f->idx].next_triggered)
			triggered(f);
}

void output_changed(struct family *f, const struct addr *a,
		    unsigned int len)
{
	struct out_state *o = &outs[f->idx];
	unsigned int i;
	long long at;

	for (i = 0; i < o->npending; i++)
		if (addr_eq(&o->pending[i].addr, a) &&
		    o->pending[i].len == len)
			break;
	if (i == o->npending) {
		if (o->npending < MAX_PENDING) {
			o->pending[o->npending].addr = *a;
			o->pending[o->npending++].len = len;
		} else {
			o->overflow = true;
		}
	}
	if (!o->next_triggered) {
		at = now_ms() + triggered_delay();
		o->next_triggered = at > o->quiet_until ? at : o->quiet_until;
	}
}

void output_table(struct family *f, struct iface *ifc,
		  const struct addr *dst, uint16_t port)
{
	struct batch b = { 0 };

	rtm_walk(f, gather, &b);
	send_batch(f, ifc, &b, dst, port, false);
	free(b.r);
}

void output_withdraw_all(void)
{
	struct family *f;

	for_each_family(f) {
		struct batch b = { 0 };

		rtm_walk(f, gather, &b);
		send_all(f, &b, true);
		free(b.r);
	}
}
