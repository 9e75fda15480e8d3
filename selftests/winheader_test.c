// SPDX-License-Identifier: GPL-2.0
/*
 * Windows RTMv2 sources build unchanged against rtmv2.h.
 *
 * Most of this test is its compilation: selftests/Makefile builds it with
 * -Wall -Wextra -Werror, like every test, and it
 *  - defines, before and after including the header, what Windows code
 *    defines itself (Microsoft's samples define PROTOCOL_ID and
 *    PROTO_TYPE_UCAST; many protocols copy more of routprot.h and the
 *    annotations of windows.h), spelled as Windows' headers spell them: a
 *    redefinition that is not token for token the same is a warning, so an
 *    error here;
 *  - includes the headers by the capitalised names of the documentation,
 *    "Rtmv2.h" and "Routprot.h";
 *  - writes a callback and a method the Windows way, with IN, OUT,
 *    OPTIONAL, WINAPI and UNREFERENCED_PARAMETER.
 * With RTM_TEST_MISSPELL defined it redefines PROTO_VENDOR_MS1 as 0x0137:
 * the same value, other tokens, which must not build: selftests/Makefile
 * checks that first, to prove that the compiler does diagnose what this
 * test relies on it to diagnose.
 *
 * At run time it checks the values of routprot.h's ids and macros against
 * the numbers Windows gives them, and that a registration whose identity
 * is made with them reads back the same from the module.
 */

/* What Windows code defines itself, before including rtmv2.h: */
#define IN
#define OUT
#define OPTIONAL
#define VOID void
#define PROTO_TYPE_UCAST 0
#define PROTOCOL_ID(Type, VendorId, ProtocolId) (((Type & 0x03)<<30)|((VendorId & 0x3FFF)<<16)|(ProtocolId & 0xFFFF))
#define TYPE_FROM_PROTO_ID(X)       (((X) >> 30) & 0x03)
#define PROTO_IP_RIP            8
#define PROTO_VENDOR_MS1            0x137   // 311
#define MS_IP_RIP                   \
	PROTOCOL_ID(PROTO_TYPE_UCAST, PROTO_VENDOR_MS0, PROTO_IP_RIP)
/* Not in routprot.h: Microsoft's samples make up this vendor id. */
#define PROTO_VENDOR_ID 0xFFFF

#include "Rtmv2.h"
#include "Routprot.h"

/* ... and after it. */
#define TRUE 1
#define FALSE 0
#define INFINITE            0xFFFFFFFF  // Infinite timeout
#define VENDOR_FROM_PROTO_ID(X)     (((X) >> 16) & 0x3FFF)
#define PROTO_FROM_PROTO_ID(X)      ((X) & 0xFFFF)
#define PROTO_TYPE_MCAST            1
#define PROTO_TYPE_MS0              2
#define PROTO_TYPE_MS1              3
#define PROTO_VENDOR_MS0            0x0000
#define PROTO_VENDOR_MS2            0x3FFF
#define PROTO_IP_OSPF           13
#define PROTO_IP_BGP            14
#define PROTO_IP_IGMP       10
#define PROTO_IP_NAT                10005   // 0x00002715
#define MS_IP_BGP                   \
	PROTOCOL_ID(PROTO_TYPE_UCAST, PROTO_VENDOR_MS1, PROTO_IP_BGP)
#define MS_IP_IGMP                  \
	PROTOCOL_ID(PROTO_TYPE_MCAST, PROTO_VENDOR_MS1, PROTO_IP_IGMP)
#define MS_IP_NAT                   \
	PROTOCOL_ID(PROTO_TYPE_MS0, PROTO_VENDOR_MS1, PROTO_IP_NAT)

#ifdef RTM_TEST_MISSPELL
#define PROTO_VENDOR_MS1 0x0137
#endif

#include "kselftest_harness.h"
#include "rtm_selftest.h"

#define INST		2

/* Every id routprot.h defines, with the number Windows gives it. */
static const struct {
	const char *name;
	ULONG value, want;
} ids[] = {
#define ID(name, want) { #name, (ULONG)(name), want }
	ID(PROTO_IP_OTHER, 1), ID(PROTO_IP_LOCAL, 2), ID(PROTO_IP_NETMGMT, 3),
	ID(PROTO_IP_ICMP, 4), ID(PROTO_IP_EGP, 5), ID(PROTO_IP_GGP, 6),
	ID(PROTO_IP_HELLO, 7), ID(PROTO_IP_RIP, 8), ID(PROTO_IP_IS_IS, 9),
	ID(PROTO_IP_ES_IS, 10), ID(PROTO_IP_CISCO, 11), ID(PROTO_IP_BBN, 12),
	ID(PROTO_IP_OSPF, 13), ID(PROTO_IP_BGP, 14),
	ID(PROTO_IP_MSDP, 9), ID(PROTO_IP_IGMP, 10), ID(PROTO_IP_BGMP, 11),
	ID(PROTO_IP_VRRP, 112), ID(PROTO_IPV6_DHCP, 999),
	ID(PROTO_IP_BOOTP, 9999), ID(PROTO_IP_NT_AUTOSTATIC, 10002),
	ID(PROTO_IP_DNS_PROXY, 10003), ID(PROTO_IP_DHCP_ALLOCATOR, 10004),
	ID(PROTO_IP_NAT, 10005), ID(PROTO_IP_NT_STATIC, 10006),
	ID(PROTO_IP_NT_STATIC_NON_DOD, 10007), ID(PROTO_IP_DIFFSERV, 10008),
	ID(PROTO_IP_MGM, 10009), ID(PROTO_IP_ALG, 10010),
	ID(PROTO_IP_H323, 10011), ID(PROTO_IP_FTP, 10012),
	ID(PROTO_IP_DTP, 10013),
	ID(PROTO_TYPE_UCAST, 0), ID(PROTO_TYPE_MCAST, 1),
	ID(PROTO_TYPE_MS0, 2), ID(PROTO_TYPE_MS1, 3),
	ID(PROTO_VENDOR_MS0, 0), ID(PROTO_VENDOR_MS1, 311),
	ID(PROTO_VENDOR_MS2, 0x3FFF),
	/* type << 30 | vendor << 16 | protocol */
	ID(MS_IPV6_DHCP, 999), ID(MS_IP_BOOTP, 9999), ID(MS_IP_RIP, 8),
	ID(MS_IP_OSPF, 13), ID(MS_IP_BGP, 0x0137000E),
	ID(MS_IP_IGMP, 0x4137000A), ID(MS_IP_BGMP, 0x4137000B),
	ID(MS_IP_MSDP, 0x41370009), ID(MS_IP_DNS_PROXY, 0x81372713),
	ID(MS_IP_DHCP_ALLOCATOR, 0x81372714), ID(MS_IP_NAT, 0x81372715),
	ID(MS_IP_DIFFSERV, 0x81372718), ID(MS_IP_MGM, 0x81372719),
	ID(MS_IP_VRRP, 0x81370070), ID(MS_IP_DTP, 0x8137271D),
	ID(MS_IP_H323, 0x8137271B), ID(MS_IP_FTP, 0x8137271C),
	ID(MS_IP_ALG, 0x8137271A),
#undef ID
};

TEST(protocol_ids)
{
	unsigned int i, wrong = 0;

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		if (ids[i].value == ids[i].want)
			continue;
		printf("# %s is 0x%x, Windows: 0x%x\n", ids[i].name,
		       ids[i].value, ids[i].want);
		wrong++;
	}
	EXPECT_EQ(0U, wrong);
}

/* The field macros take a full id apart, whatever its type. */
TEST(protocol_id_fields)
{
	ULONG nat = MS_IP_NAT;
	ULONG all = PROTOCOL_ID(PROTO_TYPE_MS1, PROTO_VENDOR_MS2, 0xFFFF);
	ULONG sample = PROTOCOL_ID(PROTO_TYPE_UCAST, PROTO_VENDOR_ID,
				   PROTO_IP_RIP);

	EXPECT_EQ(2U, TYPE_FROM_PROTO_ID(nat));
	EXPECT_EQ(311U, VENDOR_FROM_PROTO_ID(nat));
	EXPECT_EQ(10005U, PROTO_FROM_PROTO_ID(nat));
	EXPECT_EQ(0xFFFFFFFFU, all);
	EXPECT_EQ(3U, TYPE_FROM_PROTO_ID(all));
	EXPECT_EQ(0x3FFFU, VENDOR_FROM_PROTO_ID(all));
	EXPECT_EQ(0xFFFFU, PROTO_FROM_PROTO_ID(all));
	/* The samples' vendor 0xFFFF is cut to its 14 bits. */
	EXPECT_EQ(0x3FFF0008U, sample);
}

/* A callback and a method written the Windows way. */
static DWORD WINAPI
callback(IN RTM_ENTITY_HANDLE RtmRegHandle, IN RTM_EVENT_TYPE EventType,
	 IN PVOID Context1 OPTIONAL, IN PVOID Context2 OPTIONAL)
{
	UNREFERENCED_PARAMETER(RtmRegHandle);
	UNREFERENCED_PARAMETER(EventType);
	UNREFERENCED_PARAMETER(Context1);
	UNREFERENCED_PARAMETER(Context2);
	return NO_ERROR;
}

static VOID WINAPI method(IN RTM_ENTITY_HANDLE CallerHandle,
			  IN RTM_ENTITY_HANDLE CalleeHandle,
			  IN RTM_ENTITY_METHOD_INPUT *Input,
			  OUT RTM_ENTITY_METHOD_OUTPUT *Output)
{
	UNREFERENCED_PARAMETER(CallerHandle);
	UNREFERENCED_PARAMETER(CalleeHandle);
	UNREFERENCED_PARAMETER(Input);
	Output->MethodStatus = NO_ERROR;
	Output->OutputSize = 0;
}

/*
 * An identity made the way Microsoft's samples make it registers, and the
 * module gives it back unchanged: protocol PROTO_IP_RIP, instance a full
 * protocol id; then one with a type-2 id (negative as an int).
 */
TEST(register_with_protocol_ids)
{
	RTM_ENTITY_EXPORT_METHODS methods = { 1, { method } };
	RTM_ENTITY_INFO info, got;
	RTM_REGN_PROFILE profile;
	RTM_ENTITY_HANDLE h, h2;

	REQUIRE_RTM();

	memset(&info, 0, sizeof(info));
	info.RtmInstanceId = INST;
	info.AddressFamily = AF_INET;
	info.EntityId.EntityProtocolId = PROTO_IP_RIP;
	info.EntityId.EntityInstanceId = PROTOCOL_ID(PROTO_TYPE_UCAST,
						     PROTO_VENDOR_ID,
						     PROTO_IP_RIP);
	ASSERT_WIN(NO_ERROR, RtmRegisterEntity(&info, &methods, callback,
					       FALSE, &profile, &h));
	memset(&got, 0, sizeof(got));
	EXPECT_WIN(NO_ERROR, RtmGetEntityInfo(h, h, &got));
	EXPECT_TRUE(same_info(&info, &got));
	EXPECT_EQ(0x3FFF0008U, got.EntityId.EntityInstanceId);

	info.EntityId.EntityProtocolId = PROTO_IP_NAT;
	info.EntityId.EntityInstanceId = MS_IP_NAT;
	ASSERT_WIN(NO_ERROR, RtmRegisterEntity(&info, NULL, NULL, FALSE,
					       &profile, &h2));
	memset(&got, 0, sizeof(got));
	EXPECT_WIN(NO_ERROR, RtmGetEntityInfo(h, h2, &got));
	EXPECT_TRUE(same_info(&info, &got));
	EXPECT_EQ(0x81372715U, got.EntityId.EntityInstanceId);
	EXPECT_EQ(2U, TYPE_FROM_PROTO_ID(got.EntityId.EntityInstanceId));

	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(h2));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(h));
}

TEST_HARNESS_MAIN
