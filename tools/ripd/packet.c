// SPDX-License-Identifier: GPL-2.0
/*
 * RIPv2 messages (RFC 2453 section 4): a 4-byte header (command, version
 * 2, zero) and up to 25 20-byte entries (address family 2, route tag,
 * address, mask, next hop, metric), all in network byte order.
 *
 * Authentication takes the first entry (address family 0xffff):
 *  - plain (type 2): the 16-byte password;
 *  - keyed MD5 (type 3, RFC 4822): the offset of the trailer, the key id,
 *    the trailer's length (20; 16 is accepted too), a sequence number that
 *    does not go down, eight zero bytes; after the entries a trailer of
 *    0xffff, 0x0001 and the MD5 digest of the packet up to the digest
 *    followed by the key padded to 16 bytes.
 * A message of an interface with authentication must carry it with the
 * same secret; one of an interface without it must carry none.
 */
#include <string.h>

#include "ripd.h"

#define HDR_LEN		4
#define ENTRY_LEN	20
#define TRAILER_LEN	20
#define MD5_AUTH_LEN	20
#define V2_MAX_PACKET	512

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint16_t get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* The length of a contiguous mask, or -1. */
static int mask_len(uint32_t mask)
{
	int len = __builtin_popcount(mask);

	if (len && mask != ~0U << (32 - len))
		return -1;
	return len;
}

size_t packet_encode(const struct rip_msg *m, const struct iface_config *ic,
		     uint32_t seq, uint8_t *buf)
{
	uint8_t *p = buf, *auth = NULL;
	unsigned int i;

	memset(buf, 0, V2_MAX_PACKET);
	p[0] = m->command;
	p[1] = RIP_VERSION;
	p += HDR_LEN;
	if (ic->auth != AUTH_NONE) {
		auth = p;
		put16(p, RIP_AFI_AUTH);
		put16(p + 2, ic->auth == AUTH_PLAIN ? RIP_AUTH_PLAIN :
						       RIP_AUTH_MD5);
		if (ic->auth == AUTH_PLAIN) {
			memcpy(p + 4, ic->key, RIP_KEY_LEN);
		} else {
			p[6] = ic->key_id;
			p[7] = MD5_AUTH_LEN;
			put32(p + 8, seq);
		}
		p += ENTRY_LEN;
	}
	for (i = 0; i < m->n; i++, p += ENTRY_LEN) {
		const struct rip_entry *e = &m->e[i];

		put16(p, m->whole_table ? 0 : RIP_AFI_INET);
		put16(p + 2, e->tag);
		memcpy(p + 4, e->addr.b, 4);
		put32(p + 8, e->len > 0 ? ~0U << (32 - e->len) : 0);
		memcpy(p + 12, e->nexthop.b, 4);
		put32(p + 16, e->metric);
	}
	if (ic->auth == AUTH_MD5) {
		put16(auth + 4, p - buf);
		put16(p, RIP_AFI_AUTH);
		put16(p + 2, 1);
		memcpy(p + 4, ic->key, RIP_KEY_LEN);
		md5_digest(buf, p + TRAILER_LEN - buf, p + 4);
		p += TRAILER_LEN;
	}
	return p - buf;
}

/* Check the authentication entry at @a; returns the end of the entries. */
static size_t check_auth(const uint8_t *buf, size_t len, const uint8_t *a,
			 const struct iface_config *ic, struct rip_msg *m,
			 const char **why)
{
	uint8_t copy[V2_MAX_PACKET + TRAILER_LEN], digest[16];
	size_t end;

	switch (get16(a + 2)) {
	case RIP_AUTH_PLAIN:
		m->auth = AUTH_PLAIN;
		if (ic->auth != AUTH_PLAIN) {
			*why = "unexpected plain authentication";
			return 0;
		}
		if (memcmp(a + 4, ic->key, RIP_KEY_LEN)) {
			*why = "wrong password";
			return 0;
		}
		return len;
	case RIP_AUTH_MD5:
		m->auth = AUTH_MD5;
		if (ic->auth != AUTH_MD5) {
			*why = "unexpected MD5 authentication";
			return 0;
		}
		end = get16(a + 4);
		if ((a[7] != MD5_AUTH_LEN && a[7] != 16) ||
		    end + TRAILER_LEN > len || end < HDR_LEN + ENTRY_LEN ||
		    (end - HDR_LEN) % ENTRY_LEN ||
		    get16(buf + end) != RIP_AFI_AUTH ||
		    get16(buf + end + 2) != 1) {
			*why = "malformed MD5 authentication";
			return 0;
		}
		if (a[6] != ic->key_id) {
			*why = "unknown key id";
			return 0;
		}
		m->key_id = a[6];
		m->seq = get32(a + 8);
		memcpy(copy, buf, end + TRAILER_LEN);
		memcpy(copy + end + 4, ic->key, RIP_KEY_LEN);
		md5_digest(copy, end + TRAILER_LEN, digest);
		if (memcmp(digest, buf + end + 4, 16)) {
			*why = "wrong MD5 digest";
			return 0;
		}
		return end;
	default:
		*why = "unknown authentication type";
		return 0;
	}
}

int packet_decode(const uint8_t *buf, size_t len,
		  const struct iface_config *ic, struct rip_msg *m,
		  const char **why)
{
	const uint8_t *p;
	size_t end = len;

	memset(m, 0, sizeof(*m));
	if (len < HDR_LEN || len > V2_MAX_PACKET + TRAILER_LEN) {
		*why = "bad length";
		return -1;
	}
	if (buf[1] != RIP_VERSION) {
		*why = "not version 2";
		return -1;
	}
	m->command = buf[0];
	if (m->command != RIP_CMD_REQUEST && m->command != RIP_CMD_RESPONSE) {
		*why = "unknown command";
		return -1;
	}
	p = buf + HDR_LEN;
	if (len >= HDR_LEN + ENTRY_LEN && get16(p) == RIP_AFI_AUTH) {
		end = check_auth(buf, len, p, ic, m, why);
		if (!end)
			return -1;
		p += ENTRY_LEN;
	} else if (ic->auth != AUTH_NONE) {
		*why = "no authentication";
		return -1;
	}
	if ((end - HDR_LEN) % ENTRY_LEN) {
		*why = "bad length";
		return -1;
	}
	for (; p + ENTRY_LEN <= buf + end; p += ENTRY_LEN) {
		struct rip_entry *e;
		uint16_t afi = get16(p);

		if (m->n == RIP_MAX_ENTRIES)
			break;
		/* A whole-table request has family 0 and metric 16. */
		if (afi != RIP_AFI_INET &&
		    !(afi == 0 && m->command == RIP_CMD_REQUEST))
			continue;
		e = &m->e[m->n++];
		e->tag = get16(p + 2);
		memcpy(e->addr.b, p + 4, 4);
		e->len = mask_len(get32(p + 8));
		memcpy(e->nexthop.b, p + 12, 4);
		e->metric = get32(p + 16);
		if (afi == 0) {
			memset(&e->addr, 0, sizeof(e->addr));
			e->len = 0;
		}
	}
	m->whole_table = m->command == RIP_CMD_REQUEST && m->n == 1 &&
			 !m->e[0].len && addr_zero(&m->e[0].addr) &&
			 m->e[0].metric == RIP_INFINITY;
	return 0;
}
