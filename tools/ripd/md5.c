// SPDX-License-Identifier: GPL-2.0
/*
 * MD5 (RFC 1321), all keyed-MD5 authentication of RIPv2 needs: one digest
 * of a buffer in memory.
 */
#include <string.h>

#include "ripd.h"

struct md5 {
	uint32_t h[4];
	uint8_t block[64];
	uint64_t bytes;
};

static const uint32_t md5_k[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a,
	0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
	0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
	0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
	0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
	0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

static const uint8_t md5_r[16] = {
	7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21,
};

static uint32_t rol(uint32_t x, unsigned int n)
{
	return x << n | x >> (32 - n);
}

static void md5_block(struct md5 *c, const uint8_t *p)
{
	uint32_t a = c->h[0], b = c->h[1], d = c->h[3], cc = c->h[2];
	uint32_t w[16], f, t;
	unsigned int i, g;

	for (i = 0; i < 16; i++)
		w[i] = p[4 * i] | p[4 * i + 1] << 8 | p[4 * i + 2] << 16 |
		       (uint32_t)p[4 * i + 3] << 24;
	for (i = 0; i < 64; i++) {
		switch (i / 16) {
		case 0:
			f = (b & cc) | (~b & d);
			g = i;
			break;
		case 1:
			f = (d & b) | (~d & cc);
			g = (5 * i + 1) % 16;
			break;
		case 2:
			f = b ^ cc ^ d;
			g = (3 * i + 5) % 16;
			break;
		default:
			f = cc ^ (b | ~d);
			g = (7 * i) % 16;
			break;
		}
		t = d;
		d = cc;
		cc = b;
		b += rol(a + f + md5_k[i] + w[g], md5_r[(i / 16) * 4 + i % 4]);
		a = t;
	}
	c->h[0] += a;
	c->h[1] += b;
	c->h[2] += cc;
	c->h[3] += d;
}

static void md5_update(struct md5 *c, const uint8_t *p, size_t len)
{
	size_t have = c->bytes % 64, take;

	c->bytes += len;
	while (len) {
		take = 64 - have < len ? 64 - have : len;
		memcpy(c->block + have, p, take);
		have += take;
		p += take;
		len -= take;
		if (have == 64) {
			md5_block(c, c->block);
			have = 0;
		}
	}
}

void md5_digest(const void *data, size_t len, uint8_t out[16])
{
	static const uint8_t pad[64] = { 0x80 };
	struct md5 c = {
		.h = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 },
	};
	uint64_t bits;
	uint8_t tail[8];
	unsigned int i;

	md5_update(&c, data, len);
	bits = c.bytes * 8;
	md5_update(&c, pad, 1 + (119 - c.bytes % 64) % 64);
	for (i = 0; i < 8; i++)
		tail[i] = bits >> (8 * i);
	md5_update(&c, tail, 8);
	for (i = 0; i < 16; i++)
		out[i] = c.h[i / 4] >> (8 * (i % 4));
}
