/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * routprot.h - the routing protocol identifiers of Windows' routprot.h, for
 * RTM_ENTITY_ID.EntityProtocolId, EntityInstanceId and the ProtocolId
 * arguments of the RTMv2 calls.  rtmv2.h includes it.
 *
 * Only the identifiers are here: the router-manager interface the rest of
 * Windows' routprot.h declares (MPR_ROUTING_CHARACTERISTICS,
 * SUPPORT_FUNCTIONS, the IPX ids) has no counterpart on Linux.
 *
 * Windows code often copies some of these definitions into its own sources
 * instead of including routprot.h (Microsoft's RTMv2 samples do, for
 * PROTOCOL_ID and PROTO_TYPE_UCAST).  A macro may be defined twice without
 * a diagnostic only if both replacement lists are the same tokens with the
 * same white-space separation (C11 6.10.3p2), so every replacement list
 * below is spelled as the Windows SDK spells it, token for token and space
 * for space: such code builds warning-free with -Wall -Werror whether it
 * defines them before or after including rtmv2.h.  Hence also the SDK's
 * semantics, which are not this project's style: PROTOCOL_ID() does not
 * parenthesise its arguments and is an int expression, negative for types
 * 2 and 3 (convert it to ULONG or DWORD, as every RTMv2 field that holds
 * it is, before comparing it with unsigned values); GCC and Clang define
 * the shift into the sign bit that this takes.
 *
 * The values are those of the SDK's routprot.h and nldef.h (newer SDKs
 * moved PROTO_IP_OTHER..PROTO_IP_BGP, the MIB-II ids, into nldef.h's
 * NL_ROUTE_PROTOCOL enumeration; here they stay macros, as in older SDKs).
 */
#ifndef _ROUTPROT_H_
#define _ROUTPROT_H_

/* MIB-II route protocol ids (RFC 1213 ipRouteProto). */
#define PROTO_IP_OTHER 1
#define PROTO_IP_LOCAL 2
#define PROTO_IP_NETMGMT 3
#define PROTO_IP_ICMP 4
#define PROTO_IP_EGP 5
#define PROTO_IP_GGP 6
#define PROTO_IP_HELLO 7
#define PROTO_IP_RIP 8
#define PROTO_IP_IS_IS 9
#define PROTO_IP_ES_IS 10
#define PROTO_IP_CISCO 11
#define PROTO_IP_BBN 12
#define PROTO_IP_OSPF 13
#define PROTO_IP_BGP 14

/* Multicast protocols (they reuse numbers of the unicast range). */
#define PROTO_IP_MSDP 9
#define PROTO_IP_IGMP 10
#define PROTO_IP_BGMP 11

/* Microsoft's own, 10000 (the IP router manager) and up. */
#define PROTO_IP_VRRP 112
#define PROTO_IPV6_DHCP 999
#define PROTO_IP_BOOTP 9999
#define PROTO_IP_NT_AUTOSTATIC 10002
#define PROTO_IP_DNS_PROXY 10003
#define PROTO_IP_DHCP_ALLOCATOR 10004
#define PROTO_IP_NAT 10005
#define PROTO_IP_NT_STATIC 10006
#define PROTO_IP_NT_STATIC_NON_DOD 10007
#define PROTO_IP_DIFFSERV 10008
#define PROTO_IP_MGM 10009
#define PROTO_IP_ALG 10010
#define PROTO_IP_H323 10011
#define PROTO_IP_FTP 10012
#define PROTO_IP_DTP 10013

/*
 * A full protocol id: type in bits 31-30, vendor in 29-16, protocol in
 * 15-0.  Spelled exactly as Windows spells it (see the top of this file).
 */
#define PROTOCOL_ID(Type, VendorId, ProtocolId) \
	(((Type & 0x03)<<30)|((VendorId & 0x3FFF)<<16)|(ProtocolId & 0xFFFF))

#define TYPE_FROM_PROTO_ID(X) (((X) >> 30) & 0x03)
#define VENDOR_FROM_PROTO_ID(X) (((X) >> 16) & 0x3FFF)
#define PROTO_FROM_PROTO_ID(X) ((X) & 0xFFFF)

/* Types MS0 and MS1 are reserved to Microsoft. */
#define PROTO_TYPE_UCAST 0
#define PROTO_TYPE_MCAST 1
#define PROTO_TYPE_MS0 2
#define PROTO_TYPE_MS1 3

#define PROTO_VENDOR_MS0 0x0000
#define PROTO_VENDOR_MS1 0x137
#define PROTO_VENDOR_MS2 0x3FFF

/* The full ids of Microsoft's protocols. */
#define MS_IPV6_DHCP \
	PROTOCOL_ID(PROTO_TYPE_UCAST, PROTO_VENDOR_MS0, PROTO_IPV6_DHCP)
#define MS_IP_BOOTP \
	PROTOCOL_ID(PROTO_TYPE_UCAST, PROTO_VENDOR_MS0, PROTO_IP_BOOTP)
#define MS_IP_RIP \
	PROTOCOL_ID(PROTO_TYPE_UCAST, PROTO_VENDOR_MS0, PROTO_IP_RIP)
#define MS_IP_OSPF \
	PROTOCOL_ID(PROTO_TYPE_UCAST, PROTO_VENDOR_MS0, PROTO_IP_OSPF)
#define MS_IP_BGP \
	PROTOCOL_ID(PROTO_TYPE_UCAST, PROTO_VENDOR_MS1, PROTO_IP_BGP)
#define MS_IP_IGMP \
	PROTOCOL_ID(PROTO_TYPE_MCAST, PROTO_VENDOR_MS1, PROTO_IP_IGMP)
#define MS_IP_BGMP \
	PROTOCOL_ID(PROTO_TYPE_MCAST, PROTO_VENDOR_MS1, PROTO_IP_BGMP)
#define MS_IP_MSDP \
	PROTOCOL_ID(PROTO_TYPE_MCAST, PROTO_VENDOR_MS1, PROTO_IP_MSDP)
#define MS_IP_DNS_PROXY \
	PROTOCOL_ID(PROTO_TYPE_MS0, PROTO_VENDOR_MS1, PROTO_IP_DNS_PROXY)
#define MS_IP_DHCP_ALLOCATOR \
	PROTOCOL_ID(PROTO_TYPE_MS0, PROTO_VENDOR_MS1, PROTO_IP_DHCP_ALLOCATOR)
#define MS_IP_NAT \
	PROTOCOL_ID(PROTO_TYPE_MS0, PROTO_VENDOR_MS1, PROTO_IP_NAT)
#define MS_IP_DIFFSERV \
	PROTOCOL_ID(PROTO_TYPE_MS0, PROTO_VENDOR_MS1, PROTO_IP_DIFFSERV)
#define MS_IP_MGM \
	PROTOCOL_ID(PROTO_TYPE_MS0, PROTO_VENDOR_MS1, PROTO_IP_MGM)
#define MS_IP_VRRP \
	PROTOCOL_ID(PROTO_TYPE_MS0, PROTO_VENDOR_MS1, PROTO_IP_VRRP)
#define MS_IP_DTP \
	PROTOCOL_ID(PROTO_TYPE_MS0, PROTO_VENDOR_MS1, PROTO_IP_DTP)
#define MS_IP_H323 \
	PROTOCOL_ID(PROTO_TYPE_MS0, PROTO_VENDOR_MS1, PROTO_IP_H323)
#define MS_IP_FTP \
	PROTOCOL_ID(PROTO_TYPE_MS0, PROTO_VENDOR_MS1, PROTO_IP_FTP)
#define MS_IP_ALG \
	PROTOCOL_ID(PROTO_TYPE_MS0, PROTO_VENDOR_MS1, PROTO_IP_ALG)

#endif /* _ROUTPROT_H_ */
