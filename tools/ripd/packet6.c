// SPDX-License-Identifier: GPL-2.0
/*
 * RIPng messages (RFC 2080 section 2.1): a 4-byte header (command,
 * version 1, zero) and 20-byte route table entries: the IPv6 prefix (16
 * bytes), route tag (2), prefix length (1) and metric (1).
 *
 * An entry of metric 0xff is a next-hop entry: its address is the next hop
 * of the entries after it up to the next such entry; :: or an address that
 * is not link-local means the sender itself.  rtm-ripd sends none (it is
 * the next hop of all it announces) and honours them on input.  RIPng has
 * no authentication of its own (RFC 2080 relies on IPsec): an interface's
 * auth setting applies to RIPv2 only.
 */
#include <string.h>

#include "ripd.h"

#define HDR_LEN		4
#define ENTRY_LEN	20
#define NEXTHOP_METRIC	0xff

size_t packet6_encode(const struct rip_msg *m, const struct iface_config *ic,
		      uint32_t seq, uint8_t *buf)
{
	uint8_t *p = buf;
	unsigned int i;

	(void)ic;
	(void)seq;
	memset(buf, 0, HDR_LEN + m->n * ENTRY_LEN);
	p[0] = m->command;
	p[1] = RIPNG_VERSION;
	for (p += HDR_LEN, i = 0; i < m->n; i++, p += ENTRY_LEN) {
		const struct rip_entry *e = &m->e[i];

		memcpy(p, e->addr.b, 16);
		p[16] = e->tag >> 8;
		p[17] = e->tag;
		p[18] = e->len;
		p[19] = e->metric;
	}
	return p - buf;
}

int packet6_decode(const uint8_t *buf, size_t len,
		   const struct iface_config *ic, struct rip_msg *m,
		   const char **why)
{
	struct addr nexthop = { 0 };
	const uint8_t *p;

	(void)ic;
	memset(m, 0, sizeof(*m));
	if (len < HDR_LEN || (len - HDR_LEN) % ENTRY_LEN) {
		*why = "bad length";
		return -1;
	}
	if (buf[1] != RIPNG_VERSION) {
		*why = "not version 1";
		return -1;
	}
	m->command = buf[0];
	if (m->command != RIP_CMD_REQUEST && m->command != RIP_CMD_RESPONSE) {
		*why = "unknown command";
		return -1;
	}
	for (p = buf + HDR_LEN; p + ENTRY_LEN <= buf + len; p += ENTRY_LEN) {
		struct rip_entry *e;

		if (p[19] == NEXTHOP_METRIC) {
			memcpy(nexthop.b, p, 16);
			if (!addr_link_local(&nexthop))
				memset(&nexthop, 0, sizeof(nexthop));
			continue;
		}
		if (m->n == RIPNG_MAX_ENTRIES)
			break;
		e = &m->e[m->n++];
		memcpy(e->addr.b, p, 16);
		e->tag = p[16] << 8 | p[17];
		e->len = p[18] <= 128 ? p[18] : -1;
		e->nexthop = nexthop;
		e->metric = p[19];
	}
	m->whole_table = m->command == RIP_CMD_REQUEST && m->n == 1 &&
			 !m->e[0].len && addr_zero(&m->e[0].addr) &&
			 m->e[0].metric == RIP_INFINITY;
	return 0;
}
