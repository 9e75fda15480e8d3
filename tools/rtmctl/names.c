// SPDX-License-Identifier: GPL-2.0
/*
 * Names and numbers: address families, prefixes, protocol ids, route and
 * next-hop flags, route states and views.
 */
#include <arpa/inet.h>
#include <string.h>

#include "rtmctl.h"

const char *family_name(unsigned int family)
{
	static char buf[16];

	switch (family) {
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	}
	snprintf(buf, sizeof(buf), "af%u", family);
	return buf;
}

unsigned int family_bits(unsigned int family)
{
	switch (family) {
	case AF_INET:
		return 32;
	case AF_INET6:
		return 128;
	}
	return 0;
}

/* Clear the bits past @len; whether any were set. */
static bool mask_host_bits(UCHAR *bits, unsigned int len, unsigned int maxlen)
{
	bool set = false;
	unsigned int i;

	for (i = len; i < maxlen; i++) {
		UCHAR m = 0x80 >> (i % 8);

		if (bits[i / 8] & m) {
			set = true;
			bits[i / 8] &= ~m;
		}
	}
	return set;
}

int parse_prefix(const char *s, unsigned int family, bool host_bits_ok,
		 RTM_NET_ADDRESS *out, const char **why)
{
	char addr[64];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int fam, bits;
	ULONG len;

	*why = "not an address";
	if (alen == 0 || alen >= sizeof(addr))
		return -1;
	memcpy(addr, s, alen);
	addr[alen] = '\0';

	memset(out, 0, sizeof(*out));
	fam = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(fam, addr, out->AddrBits) != 1)
		return -1;
	if (family && family != fam) {
		*why = family == AF_INET ? "not an IPv4 address"
					 : "not an IPv6 address";
		return -1;
	}
	bits = family_bits(fam);
	len = bits;
	if (slash && parse_u32(slash + 1, bits, &len)) {
		*why = "bad prefix length";
		return -1;
	}
	if (mask_host_bits(out->AddrBits, len, bits) && !host_bits_ok) {
		*why = "address bits set past the prefix length";
		return -1;
	}
	out->AddressFamily = fam;
	out->NumBits = len;
	return 0;
}

int parse_address(const char *s, unsigned int family, RTM_NET_ADDRESS *out,
		  const char **why)
{
	if (strchr(s, '/')) {
		*why = "an address, not a prefix";
		return -1;
	}
	return parse_prefix(s, family, false, out, why);
}

char *format_prefix(const RTM_NET_ADDRESS *a, bool with_len,
		    char buf[PREFIX_STRLEN])
{
	if (!inet_ntop(a->AddressFamily, a->AddrBits, buf, PREFIX_STRLEN)) {
		snprintf(buf, PREFIX_STRLEN, "?%s", family_name(a->AddressFamily));
		return buf;
	}
	if (with_len)
		snprintf(buf + strlen(buf), PREFIX_STRLEN - strlen(buf), "/%u",
			 a->NumBits);
	return buf;
}

/* PROTO_IP_* of routprot.h, by the names rtmctl shows. */
static const struct {
	const char *name;
	ULONG id;
} protocols[] = {
	{ "other",		PROTO_IP_OTHER },
	{ "local",		PROTO_IP_LOCAL },
	{ "netmgmt",		PROTO_IP_NETMGMT },
	{ "icmp",		PROTO_IP_ICMP },
	{ "egp",		PROTO_IP_EGP },
	{ "ggp",		PROTO_IP_GGP },
	{ "hello",		PROTO_IP_HELLO },
	{ "rip",		PROTO_IP_RIP },
	{ "is-is",		PROTO_IP_IS_IS },
	{ "es-is",		PROTO_IP_ES_IS },
	{ "cisco",		PROTO_IP_CISCO },
	{ "bbn",		PROTO_IP_BBN },
	{ "ospf",		PROTO_IP_OSPF },
	{ "bgp",		PROTO_IP_BGP },
	{ "vrrp",		PROTO_IP_VRRP },
	{ "bootp",		PROTO_IP_BOOTP },
	{ "autostatic",		PROTO_IP_NT_AUTOSTATIC },
	{ "static",		PROTO_IP_NT_STATIC },
	{ "static-non-dod",	PROTO_IP_NT_STATIC_NON_DOD },
	{ "mgm",		PROTO_IP_MGM },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

int parse_protocol(const char *s, ULONG *id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(protocols); i++) {
		if (!strcmp(s, protocols[i].name)) {
			*id = protocols[i].id;
			return 0;
		}
	}
	/* 0 and ~0 are RTM_BEST_PROTOCOL and RTM_THIS_PROTOCOL. */
	if (parse_u32(s, 0xFFFFFFFEUL, id) || *id == 0)
		return -1;
	return 0;
}

const char *protocol_name(ULONG id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(protocols); i++)
		if (protocols[i].id == id)
			return protocols[i].name;
	return NULL;
}

static const struct {
	const char *name;
	USHORT flag;
} route_flags[] = {
	{ "martian",		RTM_ROUTE_FLAGS_MARTIAN },
	{ "blackhole",		RTM_ROUTE_FLAGS_BLACKHOLE },
	{ "discard",		RTM_ROUTE_FLAGS_DISCARD },
	{ "inactive",		RTM_ROUTE_FLAGS_INACTIVE },
	{ "local",		RTM_ROUTE_FLAGS_LOCAL },
	{ "remote",		RTM_ROUTE_FLAGS_REMOTE },
	{ "myself",		RTM_ROUTE_FLAGS_MYSELF },
	{ "loopback",		RTM_ROUTE_FLAGS_LOOPBACK },
	{ "mcast",		RTM_ROUTE_FLAGS_MCAST },
	{ "local-mcast",	RTM_ROUTE_FLAGS_LOCAL_MCAST },
	{ "limited-bc",		RTM_ROUTE_FLAGS_LIMITED_BC },
	{ "zeros-netbc",	RTM_ROUTE_FLAGS_ZEROS_NETBC },
	{ "zeros-subnetbc",	RTM_ROUTE_FLAGS_ZEROS_SUBNETBC },
	{ "ones-netbc",		RTM_ROUTE_FLAGS_ONES_NETBC },
	{ "ones-subnetbc",	RTM_ROUTE_FLAGS_ONES_SUBNETBC },
};

USHORT route_flag_by_name(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(route_flags); i++)
		if (!strcmp(s, route_flags[i].name))
			return route_flags[i].flag;
	return 0;
}

/* Each named flag of @flags, then the unnamed rest as one number. */
static void flags_each(USHORT flags, const char *const *names,
		       const USHORT *bits, size_t n,
		       void (*fn)(const char *name, void *arg), void *arg)
{
	char rest[8];
	size_t i;

	for (i = 0; i < n; i++) {
		if (flags & bits[i]) {
			fn(names[i], arg);
			flags &= ~bits[i];
		}
	}
	if (flags) {
		snprintf(rest, sizeof(rest), "0x%x", flags);
		fn(rest, arg);
	}
}

void route_flags_each(USHORT flags, void (*fn)(const char *name, void *arg),
		      void *arg)
{
	const char *names[ARRAY_SIZE(route_flags)];
	USHORT bits[ARRAY_SIZE(route_flags)];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(route_flags); i++) {
		names[i] = route_flags[i].name;
		bits[i] = route_flags[i].flag;
	}
	flags_each(flags, names, bits, ARRAY_SIZE(route_flags), fn, arg);
}

void nexthop_flags_each(USHORT flags, void (*fn)(const char *name, void *arg),
			void *arg)
{
	static const char *const names[] = { "remote", "down" };
	static const USHORT bits[] = {
		RTM_NEXTHOP_FLAGS_REMOTE, RTM_NEXTHOP_FLAGS_DOWN,
	};

	flags_each(flags, names, bits, ARRAY_SIZE(bits), fn, arg);
}

const char *route_state_name(UCHAR state)
{
	switch (state) {
	case RTM_ROUTE_STATE_CREATED:
		return "created";
	case RTM_ROUTE_STATE_DELETING:
		return "deleting";
	case RTM_ROUTE_STATE_DELETED:
		return "deleted";
	}
	return "unknown";
}

RTM_VIEW_SET parse_views(const char *s)
{
	if (!strcmp(s, "ucast"))
		return RTM_VIEW_MASK_UCAST;
	if (!strcmp(s, "mcast"))
		return RTM_VIEW_MASK_MCAST;
	if (!strcmp(s, "both") || !strcmp(s, "all"))
		return RTM_VIEW_MASK_UCAST | RTM_VIEW_MASK_MCAST;
	return 0;
}

const char *view_name(RTM_VIEW_ID id)
{
	static char buf[16];

	switch (id) {
	case RTM_VIEW_ID_UCAST:
		return "ucast";
	case RTM_VIEW_ID_MCAST:
		return "mcast";
	}
	snprintf(buf, sizeof(buf), "view%d", id);
	return buf;
}
