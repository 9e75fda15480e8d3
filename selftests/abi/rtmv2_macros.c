// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Every macro of rtmv2.h (reference section 5, and the flag groups of 3.4)
 * at run time.  Valid C99, C11 and C++: it is built as each, with
 * -pedantic, to prove the header is usable from all three.  The IPv6
 * macros call the library's helpers, so it links with librtm.
 *
 * Ends with one line "N passed, N failed".
 */
#include <stdio.h>

#include "rtmv2.h"

static unsigned int passed, failed;

#define CHECK(cond)							\
	do {								\
		if (cond) {						\
			passed++;					\
		} else {						\
			failed++;					\
			fprintf(stderr, "FAIL line %d: %s\n", __LINE__,	\
				#cond);					\
		}							\
	} while (0)

/* The mask of @len in host order, the slow way. */
static ULONG host_mask(unsigned int len)
{
	ULONG mask = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		mask |= (ULONG)1 << (31 - i);
	return mask;
}

static void test_ipv4(void)
{
	RTM_NET_ADDRESS na;
	ULONG addr, mask;
	USHORT len;
	DWORD dlen;
	unsigned int l;

	for (l = 0; l <= 32; l++) {
		ULONG want = htonl(host_mask(l));

		CHECK(RTM_IPV4_MASK_FROM_LEN(l) == want);
		len = 99;
		RTM_IPV4_LEN_FROM_MASK(len, want);
		CHECK(len == l);
		dlen = 99;
		RTM_IPV4_LEN_FROM_MASK(dlen, RTM_IPV4_MASK_FROM_LEN(l));
		CHECK(dlen == l);

		/* Address and mask in, address and mask out. */
		memset(&na, 0xee, sizeof(na));
		RTM_IPV4_SET_ADDR_AND_MASK(&na, htonl(0x0a0b0c0d), want);
		CHECK(na.AddressFamily == AF_INET && na.NumBits == l);
		CHECK(na.AddrBits[0] == 10 && na.AddrBits[1] == 11 &&
		      na.AddrBits[2] == 12 && na.AddrBits[3] == 13);
		CHECK(na.AddrBits[4] == 0xee);	/* only 4 bytes written */
		addr = mask = 0;
		RTM_IPV4_GET_ADDR_AND_MASK(addr, mask, &na);
		CHECK(addr == htonl(0x0a0b0c0d) && mask == want);

		/* Address and length in, address and length out. */
		RTM_IPV4_SET_ADDR_AND_LEN(&na, htonl(0xc0a80000), l);
		CHECK(na.AddressFamily == AF_INET && na.NumBits == l);
		CHECK(na.AddrBits[0] == 192 && na.AddrBits[1] == 168);
		addr = 0;
		len = 0;
		RTM_IPV4_GET_ADDR_AND_LEN(addr, len, &na);
		CHECK(addr == htonl(0xc0a80000) && len == l);
	}

	/* An expression: usable inside a larger one (no trailing ';'). */
	CHECK((RTM_IPV4_MASK_FROM_LEN(24) & htonl(0x0a0b0c0d)) ==
	      htonl(0x0a0b0c00));
	CHECK(RTM_IPV4_MASK_FROM_LEN(0) == 0);

	RTM_IPV4_MAKE_NET_ADDRESS(&na, htonl(0x7f000001), 8);
	CHECK(na.AddressFamily == AF_INET && na.NumBits == 8 &&
	      na.AddrBits[0] == 127 && na.AddrBits[3] == 1);

	/* Each statement macro is one statement after an unbraced if. */
	if (na.NumBits == 8)
		RTM_IPV4_SET_ADDR_AND_LEN(&na, htonl(0x01020304), 30);
	else
		RTM_IPV4_SET_ADDR_AND_LEN(&na, 0, 0);
	CHECK(na.NumBits == 30 && na.AddrBits[3] == 4);
	if (na.NumBits != 30)
		RTM_IPV4_GET_ADDR_AND_LEN(addr, len, &na);
	else
		len = 1;
	CHECK(len == 1);
	if (na.NumBits != 30)
		RTM_IPV4_SET_ADDR_AND_MASK(&na, 0, 0);
	else
		RTM_IPV4_GET_ADDR_AND_MASK(addr, mask, &na);
	CHECK(mask == htonl(0xfffffffc));
	if (0)
		RTM_IPV4_LEN_FROM_MASK(len, mask);
	else
		len = 2;
	CHECK(len == 2);

	/* RTM_CHECK_NTH_BIT: shifts only when the bit is set. */
	addr = 0xffff0000;
	len = 0;
	RTM_CHECK_NTH_BIT(addr, 16, len);
	CHECK(len == 16 && addr == 0);
	addr = 0xff000000;
	RTM_CHECK_NTH_BIT(addr, 16, len);
	CHECK(len == 16 && addr == 0xff000000);
}

static void test_ipv6(void)
{
	RTM_NET_ADDRESS na;
	IN6_ADDR a, b;
	DWORD len = 0;

	memset(&a, 0xff, sizeof(a));
	memset(&na, 0, sizeof(na));
	RTM_IPV6_MAKE_NET_ADDRESS(&na, a, 64);
	CHECK(na.AddressFamily == AF_INET6 && na.NumBits == 64);
	CHECK(na.AddrBits[7] == 0xff && na.AddrBits[8] == 0);

	RTM_IPV6_SET_ADDR_AND_LEN(&na, a, 3);
	CHECK(na.NumBits == 3 && na.AddrBits[0] == 0xe0);

	memset(&b, 0x11, sizeof(b));
	RTM_IPV6_GET_ADDR_AND_LEN(b, len, &na);
	CHECK(len == 3 && b.s6_addr[0] == 0xe0 && b.s6_addr[1] == 0);

	if (len != 3)
		RTM_IPV6_SET_ADDR_AND_LEN(&na, a, 0);
	else
		RTM_IPV6_GET_ADDR_AND_LEN(b, len, &na);
	CHECK(len == 3);
}

static void test_sizes_and_flags(void)
{
	CHECK(RTM_BASIC_DEST_INFO_SIZE == 48);
	CHECK(RTM_DEST_VIEW_INFO_SIZE == 40);
	CHECK(RTM_SIZE_OF_DEST_INFO(1) == sizeof(RTM_DEST_INFO));
	CHECK(RTM_SIZE_OF_DEST_INFO(3) == 48 + 3 * 40);
	CHECK(RTM_BASIC_ROUTE_INFO_SIZE == 48);
	CHECK(RTM_SIZE_OF_ROUTE_INFO(1) == sizeof(RTM_ROUTE_INFO));
	CHECK(RTM_SIZE_OF_ROUTE_INFO(4) == 56 + 4 * 8);

	CHECK(RTM_ROUTE_FLAGS_ONES_SUBNET_BC == RTM_ROUTE_FLAGS_ONES_SUBNETBC);
	CHECK(RTM_ROUTE_FLAGS_FORWARDING == 0x000F);
	CHECK(RTM_ROUTE_FLAGS_ANY_UNICAST == 0x0070);
	CHECK(RTM_ROUTE_FLAGS_ANY_MCAST == 0x0300);
	CHECK(RTM_ROUTE_FLAGS_SUBNET_BCAST == 0xA000);
	CHECK(RTM_ROUTE_FLAGS_NET_BCAST == 0x5000);
	CHECK(RTM_ROUTE_FLAGS_ANY_BCAST == 0xF400);
	CHECK(RTM_THIS_PROTOCOL == 0xFFFFFFFF && RTM_BEST_PROTOCOL == 0);
	CHECK(DEST_TYPE == 1 && ROUTE_TYPE == 2 && NEXTHOP_TYPE == 3);

	/* An int expression, as on Windows (routprot.h): ULONG it first. */
	CHECK((ULONG)PROTOCOL_ID(PROTO_TYPE_MS1, PROTO_VENDOR_MS2, 0xFFFF) ==
	      0xFFFFFFFF);
	CHECK(PROTOCOL_ID(PROTO_TYPE_UCAST, PROTO_VENDOR_MS1, PROTO_IP_RIP) ==
	      0x01370008);
	CHECK(TYPE_FROM_PROTO_ID(PROTOCOL_ID(PROTO_TYPE_MCAST, 5, 6)) == 1);
	CHECK(VENDOR_FROM_PROTO_ID(PROTOCOL_ID(PROTO_TYPE_MCAST, 5, 6)) == 5);
	CHECK(PROTO_FROM_PROTO_ID(PROTOCOL_ID(PROTO_TYPE_MCAST, 5, 6)) == 6);
}

int main(void)
{
	test_ipv4();
	test_ipv6();
	test_sizes_and_flags();

	printf("macros: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
