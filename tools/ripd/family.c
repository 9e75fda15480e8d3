// SPDX-License-Identifier: GPL-2.0
/*
 * The two families rtm-ripd speaks: RIPv2 over IPv4 (UDP port 520, group
 * 224.0.0.9) and RIPng over IPv6 (UDP port 521, group ff02::9), and the
 * address arithmetic they share.
 */
#include <arpa/inet.h>
#include <string.h>

#include "ripd.h"

static bool sound4(const struct addr *a, unsigned int len)
{
	uint8_t top = a->b[0];

	if (len > 32)
		return false;
	if (addr_zero(a))
		return len == 0;	/* the default route */
	return top != 0 && top != 127 && top < 0xe0;
}

static bool sound6(const struct addr *a, unsigned int len)
{
	if (len > 128)
		return false;
	if (addr_zero(a))
		return len == 0;	/* the default route */
	/* Neither multicast nor link-local. */
	return a->b[0] != 0xff && !addr_link_local(a);
}

struct family families[NFAM] = {
	[FAM_RIP] = {
		.idx = FAM_RIP,
		.name = "RIP",
		.af = AF_INET,
		.bits = 32,
		.port = RIP_PORT,
		.group.b = { 224, 0, 0, 9 },
		.encode = packet_encode,
		.decode = packet_decode,
		.sound_prefix = sound4,
		.sock = -1,
		.rtm.event_fd = -1,
	},
	[FAM_RIPNG] = {
		.idx = FAM_RIPNG,
		.name = "RIPng",
		.af = AF_INET6,
		.bits = 128,
		.port = RIPNG_PORT,
		.group.b = { 0xff, 0x02, [15] = 9 },
		.encode = packet6_encode,
		.decode = packet6_decode,
		.sound_prefix = sound6,
		.sock = -1,
		.rtm.event_fd = -1,
	},
};

/* A family runs where an interface has it on. */
void family_init(void)
{
	unsigned int i, j;

	for (i = 0; i < cfg.niface; i++) {
		if (cfg.ripng_all)
			cfg.iface[i].on[FAM_RIPNG] = true;
		for (j = 0; j < NFAM; j++)
			if (cfg.iface[i].on[j])
				families[j].running = true;
	}
}

struct addr addr_masked(const struct addr *a, unsigned int len)
{
	struct addr m = *a;
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (len >= 8) {
			len -= 8;
			continue;
		}
		m.b[i] &= (uint8_t)(0xff00 >> len);
		len = 0;
	}
	return m;
}

bool addr_eq(const struct addr *a, const struct addr *b)
{
	return !memcmp(a, b, sizeof(*a));
}

bool addr_zero(const struct addr *a)
{
	static const struct addr zero;

	return addr_eq(a, &zero);
}

bool addr_in(const struct addr *a, const struct addr *net, unsigned int len)
{
	struct addr m = addr_masked(a, len);

	return addr_eq(&m, net);
}

bool addr_link_local(const struct addr *a)
{
	return a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80;
}
