// SPDX-License-Identifier: GPL-2.0
/*
 * What a received RIPv2 message does (RFC 2453 3.9).
 *
 * A request for the whole table (one entry, family 0, metric 16) is
 * answered with a full update to the requester; a request for some
 * prefixes gets their metrics back.  A response must come from port 520,
 * from a neighbour on the network of the interface it came in on; each of
 * its entries with a sound prefix and a metric of 1 to 16 becomes, with
 * the interface's cost added, a route learned from the neighbour (or from
 * the next hop the entry names, when that is on the same network), unless
 * the prefix is the network of a RIP interface.  With keyed MD5 a
 * neighbour's sequence numbers must not go down.
 */
#include <arpa/inet.h>
#include <string.h>

#include "ripd.h"

#define MAX_PEERS	256

/* The last sequence number of each neighbour that authenticated. */
static struct peer {
	uint32_t addr;
	uint32_t seq;
} peers[MAX_PEERS];
static unsigned int npeers;

static bool seq_ok(uint32_t src, uint32_t seq)
{
	unsigned int i;

	for (i = 0; i < npeers; i++) {
		if (peers[i].addr != src)
			continue;
		if (seq < peers[i].seq)
			return false;
		peers[i].seq = seq;
		return true;
	}
	if (npeers < MAX_PEERS) {
		peers[npeers].addr = src;
		peers[npeers++].seq = seq;
	}
	return true;
}

/* The length of a contiguous mask, or -1. */
static int mask_len(uint32_t mask)
{
	uint32_t m = ntohl(mask);
	int len = __builtin_popcount(m);

	if (len && m != ~0U << (32 - len))
		return -1;
	return len;
}

static bool sound_prefix(uint32_t addr, uint32_t mask)
{
	uint32_t a = ntohl(addr);

	if (mask_len(mask) < 0 || (addr & ~mask))
		return false;
	if (!a)
		return mask == 0;	/* the default route */
	return (a >> 24) != 0 && (a >> 24) != 127 && (a >> 28) < 0xe;
}

static void answer_request(struct iface *ifc, uint32_t src, uint16_t port,
			   struct rip_msg *m)
{
	struct rip_route r;
	unsigned int i;
	int len;

	if (m->n == 1 && !m->e[0].addr && !m->e[0].mask &&
	    m->e[0].metric == RIP_INFINITY) {
		output_table(ifc, src, port);
		return;
	}
	for (i = 0; i < m->n; i++) {
		len = mask_len(m->e[i].mask);
		if (len < 0) {
			m->e[i].metric = RIP_INFINITY;
			continue;
		}
		rtm_lookup(m->e[i].addr, len, &r);
		m->e[i].metric = r.metric;
	}
	m->command = RIP_CMD_RESPONSE;
	iface_send(ifc, m, src, port);
}

void input_packet(struct iface *ifc, uint32_t src, uint16_t port,
		  const uint8_t *buf, size_t len)
{
	uint32_t mask = ifc->plen ? htonl(~0U << (32 - ifc->plen)) : 0;
	struct rip_msg m;
	const char *why;
	unsigned int i, metric;
	uint32_t via;

	if (packet_decode(buf, len, ifc->cfg, &m, &why)) {
		log_debug("%s: from %s: %s", ifc->cfg->name, ip_str(src), why);
		return;
	}
	if (m.auth == AUTH_MD5 && !seq_ok(src, m.seq)) {
		log_debug("%s: from %s: old sequence number %u",
			  ifc->cfg->name, ip_str(src), m.seq);
		return;
	}
	if (m.command == RIP_CMD_REQUEST) {
		answer_request(ifc, src, port, &m);
		return;
	}
	if (ntohs(port) != RIP_PORT || !ifc->addr || (src & mask) != ifc->net) {
		log_debug("%s: response from %s:%u ignored", ifc->cfg->name,
			  ip_str(src), ntohs(port));
		return;
	}
	for (i = 0; i < m.n; i++) {
		struct rip_entry *e = &m.e[i];

		if (e->metric < 1 || e->metric > RIP_INFINITY ||
		    !sound_prefix(e->addr, e->mask))
			continue;
		if (iface_connected(e->addr, mask_len(e->mask)))
			continue;
		via = src;
		if (e->nexthop && (e->nexthop & mask) == ifc->net &&
		    !iface_is_local(e->nexthop))
			via = e->nexthop;
		metric = e->metric + ifc->cfg->cost;
		if (metric > RIP_INFINITY)
			metric = RIP_INFINITY;
		rtm_learn(ifc, via, e->addr, mask_len(e->mask), metric);
	}
}
