// SPDX-License-Identifier: GPL-2.0
/*
 * What a received request or response does (RFC 2453 3.9, RFC 2080 2.4).
 *
 * A request for the whole table (one entry, prefix 0/0 (RIPv2: family 0),
 * metric 16) is answered with a full update to the requester; a request
 * for some prefixes gets their metrics back.  A response must come from
 * the family's port; RIPv2: from a neighbour on the network of the
 * interface it came in on; RIPng: from a link-local address, with hop
 * limit 255.  Each of its entries with a sound prefix and a metric of 1 to
 * 16 becomes, with the interface's cost added, a route learned from the
 * neighbour (or from the next hop the entry names, when that is on the
 * same link: on the interface's network for RIPv2, link-local for RIPng),
 * unless the prefix is the network of a RIP interface.  With keyed MD5 a
 * neighbour's sequence numbers must not go down.
 */
#include <string.h>

#include "ripd.h"

#define MAX_PEERS	256

/* The last sequence number of each neighbour that authenticated. */
static struct peer {
	struct addr addr;
	uint32_t seq;
} peers[MAX_PEERS];
static unsigned int npeers;

static bool seq_ok(const struct addr *src, uint32_t seq)
{
	unsigned int i;

	for (i = 0; i < npeers; i++) {
		if (!addr_eq(&peers[i].addr, src))
			continue;
		if (seq < peers[i].seq)
			return false;
		peers[i].seq = seq;
		return true;
	}
	if (npeers < MAX_PEERS) {
		peers[npeers].addr = *src;
		peers[npeers++].seq = seq;
	}
	return true;
}

static bool sound_prefix(const struct family *f, const struct rip_entry *e)
{
	struct addr m;

	if (e->len < 0)
		return false;
	m = addr_masked(&e->addr, e->len);
	return addr_eq(&m, &e->addr) && f->sound_prefix(&e->addr, e->len);
}

static void answer_request(struct family *f, struct iface *ifc,
			   const struct addr *src, uint16_t port,
			   struct rip_msg *m)
{
	struct rip_route r;
	unsigned int i;

	if (m->whole_table) {
		output_table(f, ifc, src, port);
		return;
	}
	for (i = 0; i < m->n; i++) {
		if (m->e[i].len < 0) {
			m->e[i].metric = RIP_INFINITY;
			m->e[i].len = 0;
			continue;
		}
		rtm_lookup(f, &m->e[i].addr, m->e[i].len, &r);
		m->e[i].metric = r.metric;
		memset(&m->e[i].nexthop, 0, sizeof(m->e[i].nexthop));
	}
	m->command = RIP_CMD_RESPONSE;
	iface_send(f, ifc, m, src, port);
}

/* Whether a response from @src with @hops may be taken on @ifc. */
static bool from_neighbour(struct family *f, struct iface *ifc,
			   const struct addr *src, uint16_t port, int hops)
{
	struct iface_af *ia = &ifc->af[f->idx];

	if (port != f->port)
		return false;
	if (f->af == AF_INET6)
		return addr_link_local(src) && hops == RIPNG_HOPS;
	return ia->has_net && addr_in(src, &ia->net, ia->plen);
}

/* Whether a next hop an entry names may stand for its sender. */
static bool usable_nexthop(struct family *f, struct iface *ifc,
			   const struct addr *nh)
{
	struct iface_af *ia = &ifc->af[f->idx];

	if (addr_zero(nh) || iface_is_local(f, nh))
		return false;
	if (f->af == AF_INET6)
		return addr_link_local(nh);
	return ia->has_net && addr_in(nh, &ia->net, ia->plen);
}

void input_packet(struct family *f, struct iface *ifc,
		  const struct addr *src, uint16_t port, int hops,
		  const uint8_t *buf, size_t len)
{
	struct rip_msg m;
	const char *why;
	unsigned int i, metric;
	const struct addr *via;

	if (f->decode(buf, len, ifc->cfg, &m, &why)) {
		log_debug("%s: %s from %s: %s", ifc->cfg->name, f->name,
			  ip_str(f, src), why);
		return;
	}
	if (m.auth == AUTH_MD5 && !seq_ok(src, m.seq)) {
		log_debug("%s: from %s: old sequence number %u",
			  ifc->cfg->name, ip_str(f, src), m.seq);
		return;
	}
	if (m.command == RIP_CMD_REQUEST) {
		answer_request(f, ifc, src, port, &m);
		return;
	}
	if (!from_neighbour(f, ifc, src, port, hops)) {
		log_debug("%s: %s response from %s port %u hops %d ignored",
			  ifc->cfg->name, f->name, ip_str(f, src), port, hops);
		return;
	}
	for (i = 0; i < m.n; i++) {
		struct rip_entry *e = &m.e[i];

		if (e->metric < 1 || e->metric > RIP_INFINITY ||
		    !sound_prefix(f, e))
			continue;
		if (iface_connected(f, &e->addr, e->len))
			continue;
		via = usable_nexthop(f, ifc, &e->nexthop) ? &e->nexthop : src;
		metric = e->metric + ifc->cfg->cost;
		if (metric > RIP_INFINITY)
			metric = RIP_INFINITY;
		rtm_learn(f, ifc, via, &e->addr, e->len, metric);
	}
}
