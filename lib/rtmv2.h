/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtmv2.h - the Windows Routing Table Manager version 2 API on Linux.
 *
 * Every name and numeric value is the one of the Windows SDK / mingw-w64
 * rtmv2.h, so protocol code written against RTMv2 builds unchanged.  What
 * differs, on purpose:
 *
 *  - Windows types are pinned to fixed widths (DWORD, ULONG, UINT, INT and
 *    BOOL are 32-bit even on LP64), so structure layouts are those of x86-64
 *    Windows and the IPv4 macros work.
 *  - RTM_NET_ADDRESS.AddressFamily holds Linux's AF_INET (2) and AF_INET6
 *    (10); Windows uses 2 and 23.
 *  - Two header bugs are fixed: RTM_ROUTE_FLAGS_ONES_SUBNET_BC is defined,
 *    and RTM_SIZE_OF_ROUTE_INFO() leaves room for all of its next hops.
 *  - Macros that expand to several statements are wrapped in
 *    do { } while (0); RTM_IPV4_MASK_FROM_LEN() has no trailing ';'.
 *  - DEST_TYPE, ROUTE_TYPE and NEXTHOP_TYPE (RtmBlockMethods targets), named
 *    but never given values by Microsoft, are 1, 2 and 3.
 *
 * Beside the API it includes routprot.h (the protocol ids, defined exactly
 * as Windows defines them) and defines the few Windows-isms RTMv2 code is
 * written with: the types, WINAPI, VOID, IN, OUT, OPTIONAL, TRUE, FALSE,
 * INFINITE, FIELD_OFFSET, UNREFERENCED_PARAMETER and the Win32 error codes
 * RTMv2 returns.  It is installed as Rtmv2.h too, the spelling of
 * Microsoft's documentation.  PORTING.md at the top of the source tree
 * lists every difference from Windows a port meets.
 *
 * This header does not include the kernel's <linux/rtm.h>: clients see only
 * the Windows API.
 */
#ifndef _RTMV2_H_
#define _RTMV2_H_

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------- */
/* Windows base types, pinned to their Windows widths                      */
/* ---------------------------------------------------------------------- */

#ifndef VOID
#define VOID void
#endif
typedef void *PVOID, *LPVOID;
typedef void *HANDLE, *PHANDLE;
typedef uint8_t UCHAR, *PUCHAR;
typedef uint16_t USHORT, *PUSHORT;
typedef int32_t INT, *PINT;
typedef uint32_t UINT, *PUINT;
typedef uint32_t ULONG, *PULONG;
typedef uint32_t DWORD, *PDWORD, *LPDWORD;
/*
 * BOOL is the one name other common headers give another type: X11's
 * <X11/Xmd.h> typedefs it, unconditionally, as an unsigned char (its wire
 * structures need that).  The API is declared with RTM_BOOL, the Windows
 * BOOL (a 32-bit int), so it is the same whatever BOOL is.  BOOL and PBOOL
 * themselves are typedefs of RTM_BOOL unless the program has one already:
 *  - included after <X11/Xmd.h> (which defines XMD_H), rtmv2.h leaves BOOL
 *    to X11, and the program uses RTM_BOOL where the API takes a pointer;
 *  - included before it, a typedef cannot be undone and Xmd.h's would
 *    clash: a program that includes both this way round defines
 *    RTM_NO_BOOL before including rtmv2.h.
 * No other name of this header is defined by Xmd.h (which has INT8..INT64,
 * CARD8..CARD64, BITS16, BITS32, BYTE and BOOL).
 */
typedef int32_t RTM_BOOL, *RTM_PBOOL;
#if !defined(XMD_H) && !defined(RTM_NO_BOOL)
typedef RTM_BOOL BOOL, *PBOOL;
#endif
typedef uint64_t ULONGLONG, *PULONGLONG;

typedef struct _FILETIME {
	DWORD dwLowDateTime;
	DWORD dwHighDateTime;
} FILETIME, *PFILETIME;

typedef struct in6_addr IN6_ADDR, *PIN6_ADDR;

#ifndef WINAPI
#define WINAPI
#endif
/*
 * The annotations Windows prototypes and Microsoft's RTMv2 samples carry:
 * empty, as in Windows' own headers (so a program that defines them the
 * Windows way too gets no redefinition warning).
 */
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif
/* A statement that uses P, without GCC's "statement with no effect". */
#ifndef UNREFERENCED_PARAMETER
#define UNREFERENCED_PARAMETER(P) ((void)(P))
#endif
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#ifndef INFINITE
#define INFINITE 0xFFFFFFFF
#endif
#ifndef FIELD_OFFSET
#define FIELD_OFFSET(type, field) offsetof(type, field)
#endif

/* Win32 error codes returned by the RTMv2 functions. */
#define NO_ERROR			0
#define ERROR_SUCCESS			0
#define ERROR_FILE_NOT_FOUND		2
#define ERROR_ACCESS_DENIED		5
#define ERROR_INVALID_HANDLE		6
#define ERROR_NOT_ENOUGH_MEMORY		8
#define ERROR_INVALID_DATA		13
#define ERROR_NOT_SUPPORTED		50
#define ERROR_INVALID_PARAMETER		87
#define ERROR_INSUFFICIENT_BUFFER	122
#define ERROR_ALREADY_EXISTS		183
#define ERROR_NO_MORE_ITEMS		259
#define ERROR_NOT_FOUND			1168
#define ERROR_NO_SYSTEM_RESOURCES	1450
#define ERROR_BAD_CONFIGURATION		1610

/* The protocol ids of Windows' routprot.h (PROTOCOL_ID, PROTO_IP_*, MS_IP_*). */
#include "routprot.h"

/* ---------------------------------------------------------------------- */
/* Handles and simple types                                                */
/* ---------------------------------------------------------------------- */

typedef HANDLE RTM_ENTITY_HANDLE, *PRTM_ENTITY_HANDLE;
typedef HANDLE RTM_DEST_HANDLE, *PRTM_DEST_HANDLE;
typedef HANDLE RTM_ROUTE_HANDLE, *PRTM_ROUTE_HANDLE;
typedef HANDLE RTM_NEXTHOP_HANDLE, *PRTM_NEXTHOP_HANDLE;
typedef HANDLE RTM_ENUM_HANDLE, *PRTM_ENUM_HANDLE;
typedef HANDLE RTM_ROUTE_LIST_HANDLE, *PRTM_ROUTE_LIST_HANDLE;
typedef HANDLE RTM_NOTIFY_HANDLE, *PRTM_NOTIFY_HANDLE;

typedef INT RTM_VIEW_ID, *PRTM_VIEW_ID;
typedef DWORD RTM_VIEW_SET, *PRTM_VIEW_SET;

typedef DWORD RTM_ROUTE_CHANGE_FLAGS, *PRTM_ROUTE_CHANGE_FLAGS;
typedef DWORD RTM_NEXTHOP_CHANGE_FLAGS, *PRTM_NEXTHOP_CHANGE_FLAGS;
typedef DWORD RTM_MATCH_FLAGS, *PRTM_MATCH_FLAGS;
typedef DWORD RTM_ENUM_FLAGS, *PRTM_ENUM_FLAGS;
typedef DWORD RTM_NOTIFY_FLAGS, *PRTM_NOTIFY_FLAGS;
typedef DWORD RTM_ENTITY_METHOD_TYPE, *PRTM_ENTITY_METHOD_TYPE;

/* ---------------------------------------------------------------------- */
/* Constants                                                               */
/* ---------------------------------------------------------------------- */

#define RTM_MAX_ADDRESS_SIZE		16
#define RTM_MAX_VIEWS			32
#define RTM_VIEW_MASK_SIZE		0x20
#define RTM_NUM_CHANGE_TYPES		3
#define IPV6_ADDRESS_LEN_IN_BYTES	16

#define RTM_VIEW_ID_UCAST		0
#define RTM_VIEW_ID_MCAST		1

#define RTM_VIEW_MASK_NONE		0x00000000
#define RTM_VIEW_MASK_ANY		0x00000000
#define RTM_VIEW_MASK_UCAST		0x00000001
#define RTM_VIEW_MASK_MCAST		0x00000002
#define RTM_VIEW_MASK_ALL		0xFFFFFFFF

#define RTM_DEST_FLAG_NATURAL_NET	0x01
#define RTM_DEST_FLAG_FWD_ENGIN_ADD	0x02
#define RTM_DEST_FLAG_DONT_FORWARD	0x04

#define RTM_ROUTE_STATE_CREATED		0
#define RTM_ROUTE_STATE_DELETING	1
#define RTM_ROUTE_STATE_DELETED		2

#define RTM_ROUTE_FLAGS_MARTIAN		0x0001
#define RTM_ROUTE_FLAGS_BLACKHOLE	0x0002
#define RTM_ROUTE_FLAGS_DISCARD		0x0004
#define RTM_ROUTE_FLAGS_INACTIVE	0x0008
#define RTM_ROUTE_FLAGS_LOCAL		0x0010
#define RTM_ROUTE_FLAGS_REMOTE		0x0020
#define RTM_ROUTE_FLAGS_MYSELF		0x0040
#define RTM_ROUTE_FLAGS_LOOPBACK	0x0080
#define RTM_ROUTE_FLAGS_MCAST		0x0100
#define RTM_ROUTE_FLAGS_LOCAL_MCAST	0x0200
#define RTM_ROUTE_FLAGS_LIMITED_BC	0x0400
#define RTM_ROUTE_FLAGS_ZEROS_NETBC	0x1000
#define RTM_ROUTE_FLAGS_ZEROS_SUBNETBC	0x2000
#define RTM_ROUTE_FLAGS_ONES_NETBC	0x4000
#define RTM_ROUTE_FLAGS_ONES_SUBNETBC	0x8000
/* Used by the grouping macros below but never defined by Microsoft. */
#define RTM_ROUTE_FLAGS_ONES_SUBNET_BC	0x8000

#define RTM_ROUTE_FLAGS_FORWARDING					\
	(RTM_ROUTE_FLAGS_MARTIAN | RTM_ROUTE_FLAGS_BLACKHOLE |		\
	 RTM_ROUTE_FLAGS_DISCARD | RTM_ROUTE_FLAGS_INACTIVE)
#define RTM_ROUTE_FLAGS_ANY_UNICAST					\
	(RTM_ROUTE_FLAGS_LOCAL | RTM_ROUTE_FLAGS_REMOTE |		\
	 RTM_ROUTE_FLAGS_MYSELF)
#define RTM_ROUTE_FLAGS_ANY_MCAST					\
	(RTM_ROUTE_FLAGS_MCAST | RTM_ROUTE_FLAGS_LOCAL_MCAST)
#define RTM_ROUTE_FLAGS_SUBNET_BCAST					\
	(RTM_ROUTE_FLAGS_ONES_SUBNET_BC | RTM_ROUTE_FLAGS_ZEROS_SUBNETBC)
#define RTM_ROUTE_FLAGS_NET_BCAST					\
	(RTM_ROUTE_FLAGS_ONES_NETBC | RTM_ROUTE_FLAGS_ZEROS_NETBC)
#define RTM_ROUTE_FLAGS_ANY_BCAST					\
	(RTM_ROUTE_FLAGS_LIMITED_BC | RTM_ROUTE_FLAGS_ONES_NETBC |	\
	 RTM_ROUTE_FLAGS_ONES_SUBNET_BC | RTM_ROUTE_FLAGS_ZEROS_NETBC |	\
	 RTM_ROUTE_FLAGS_ZEROS_SUBNETBC)

#define RTM_ROUTE_CHANGE_FIRST		0x01
#define RTM_ROUTE_CHANGE_NEW		0x02
#define RTM_ROUTE_CHANGE_BEST		0x00010000

#define RTM_NEXTHOP_STATE_CREATED	0
#define RTM_NEXTHOP_STATE_DELETED	1

#define RTM_NEXTHOP_FLAGS_REMOTE	0x0001
#define RTM_NEXTHOP_FLAGS_DOWN		0x0002

#define RTM_NEXTHOP_CHANGE_NEW		0x01

#define RTM_MATCH_NONE			0x00000000
#define RTM_MATCH_OWNER			0x00000001
#define RTM_MATCH_NEIGHBOUR		0x00000002
#define RTM_MATCH_PREF			0x00000004
#define RTM_MATCH_NEXTHOP		0x00000008
#define RTM_MATCH_INTERFACE		0x00000010
#define RTM_MATCH_FULL			0x0000FFFF

#define RTM_BEST_PROTOCOL		((ULONG)0)
#define RTM_THIS_PROTOCOL		((ULONG)~0U)

#define RTM_ENUM_START			0x00000000
#define RTM_ENUM_NEXT			0x00000001
#define RTM_ENUM_RANGE			0x00000002
#define RTM_ENUM_ALL_DESTS		0x00000000
#define RTM_ENUM_OWN_DESTS		0x01000000
#define RTM_ENUM_ALL_ROUTES		0x00000000
#define RTM_ENUM_OWN_ROUTES		0x00010000

#define RTM_CHANGE_TYPE_ALL		0x0001
#define RTM_CHANGE_TYPE_BEST		0x0002
#define RTM_CHANGE_TYPE_FORWARDING	0x0004
#define RTM_NOTIFY_ONLY_MARKED_DESTS	0x00010000

#define METHOD_TYPE_ALL_METHODS		0xFFFFFFFF
#define METHOD_RIP2_NEIGHBOUR_ADDR	0x00000001
#define METHOD_RIP2_OUTBOUND_INTF	0x00000002
#define METHOD_RIP2_ROUTE_TAG		0x00000004
#define METHOD_RIP2_ROUTE_TIMESTAMP	0x00000008
#define METHOD_OSPF_ROUTE_TYPE		0x00000001
#define METHOD_OSPF_ROUTE_METRIC	0x00000002
#define METHOD_OSPF_LSDB_TYPE		0x00000004
#define METHOD_OSPF_ROUTE_TAG		0x00000008
#define METHOD_OSPF_ROUTE_AREA		0x00000010
#define METHOD_OSPF_FWD_ADDRESS		0x00000020
#define METHOD_BGP4_AS_PATH		0x00000001
#define METHOD_BGP4_PEER_ID		0x00000002
#define METHOD_BGP4_PA_ORIGIN		0x00000004
#define METHOD_BGP4_NEXTHOP_ATTR	0x00000008

#define RTM_RESUME_METHODS		0
#define RTM_BLOCK_METHODS		1

/* RtmBlockMethods TargetType: named by Microsoft, values chosen here. */
#define DEST_TYPE			1
#define ROUTE_TYPE			2
#define NEXTHOP_TYPE			3

/* ---------------------------------------------------------------------- */
/* Structures (layouts are those of x86-64 Windows)                        */
/* ---------------------------------------------------------------------- */

typedef struct _RTM_NET_ADDRESS {
	USHORT AddressFamily;		/* AF_INET or AF_INET6 (Linux values) */
	USHORT NumBits;			/* prefix length */
	UCHAR AddrBits[RTM_MAX_ADDRESS_SIZE]; /* network byte order */
} RTM_NET_ADDRESS, *PRTM_NET_ADDRESS;

typedef struct _RTM_PREF_INFO {
	ULONG Metric;
	ULONG Preference;
} RTM_PREF_INFO, *PRTM_PREF_INFO;

typedef struct _RTM_NEXTHOP_LIST {
	USHORT NumNextHops;
	RTM_NEXTHOP_HANDLE NextHops[1];
} RTM_NEXTHOP_LIST, *PRTM_NEXTHOP_LIST;

typedef struct _RTM_DEST_INFO {
	RTM_DEST_HANDLE DestHandle;
	RTM_NET_ADDRESS DestAddress;
	FILETIME LastChanged;
	RTM_VIEW_SET BelongsToViews;
	UINT NumberOfViews;
	struct {
		RTM_VIEW_ID ViewId;
		UINT NumRoutes;
		RTM_ROUTE_HANDLE Route;
		RTM_ENTITY_HANDLE Owner;
		DWORD DestFlags;
		RTM_ROUTE_HANDLE HoldRoute;
	} ViewInfo[1];
} RTM_DEST_INFO, *PRTM_DEST_INFO;

typedef struct _RTM_ROUTE_INFO {
	RTM_DEST_HANDLE DestHandle;
	RTM_ENTITY_HANDLE RouteOwner;
	RTM_NEXTHOP_HANDLE Neighbour;
	UCHAR State;
	UCHAR Flags1;
	USHORT Flags;
	RTM_PREF_INFO PrefInfo;
	RTM_VIEW_SET BelongsToViews;
	PVOID EntitySpecificInfo;
	RTM_NEXTHOP_LIST NextHopsList;
} RTM_ROUTE_INFO, *PRTM_ROUTE_INFO;

typedef struct _RTM_NEXTHOP_INFO {
	RTM_NET_ADDRESS NextHopAddress;
	RTM_ENTITY_HANDLE NextHopOwner;
	ULONG InterfaceIndex;
	USHORT State;
	USHORT Flags;
	PVOID EntitySpecificInfo;
	RTM_DEST_HANDLE RemoteNextHop;
} RTM_NEXTHOP_INFO, *PRTM_NEXTHOP_INFO;

typedef struct _RTM_REGN_PROFILE {
	UINT MaxNextHopsInRoute;
	UINT MaxHandlesInEnum;
	RTM_VIEW_SET ViewsSupported;
	UINT NumberOfViews;
} RTM_REGN_PROFILE, *PRTM_REGN_PROFILE;

/* __extension__: anonymous members are C11, and a GNU extension in C++. */
__extension__ typedef struct _RTM_ENTITY_ID {
	__extension__ union {
		__extension__ struct {
			ULONG EntityProtocolId;
			ULONG EntityInstanceId;
		};
		ULONGLONG EntityId;
	};
} RTM_ENTITY_ID, *PRTM_ENTITY_ID;

typedef struct _RTM_ENTITY_INFO {
	USHORT RtmInstanceId;
	USHORT AddressFamily;
	RTM_ENTITY_ID EntityId;
} RTM_ENTITY_INFO, *PRTM_ENTITY_INFO;

typedef enum _RTM_EVENT_TYPE {
	RTM_ENTITY_REGISTERED,
	RTM_ENTITY_DEREGISTERED,
	RTM_ROUTE_EXPIRED,
	RTM_CHANGE_NOTIFICATION
} RTM_EVENT_TYPE, *PRTM_EVENT_TYPE;

typedef DWORD (WINAPI *_EVENT_CALLBACK)(RTM_ENTITY_HANDLE RtmRegHandle,
					RTM_EVENT_TYPE EventType,
					PVOID Context1, PVOID Context2);
typedef _EVENT_CALLBACK RTM_EVENT_CALLBACK, *PRTM_EVENT_CALLBACK;

typedef struct _RTM_ENTITY_METHOD_INPUT {
	RTM_ENTITY_METHOD_TYPE MethodType;
	UINT InputSize;
	UCHAR InputData[1];
} RTM_ENTITY_METHOD_INPUT, *PRTM_ENTITY_METHOD_INPUT;

typedef struct _RTM_ENTITY_METHOD_OUTPUT {
	RTM_ENTITY_METHOD_TYPE MethodType;
	DWORD MethodStatus;
	UINT OutputSize;
	UCHAR OutputData[1];
} RTM_ENTITY_METHOD_OUTPUT, *PRTM_ENTITY_METHOD_OUTPUT;

typedef VOID (WINAPI *_ENTITY_METHOD)(RTM_ENTITY_HANDLE CallerHandle,
				      RTM_ENTITY_HANDLE CalleeHandle,
				      RTM_ENTITY_METHOD_INPUT *Input,
				      RTM_ENTITY_METHOD_OUTPUT *Output);
typedef _ENTITY_METHOD RTM_ENTITY_EXPORT_METHOD, *PRTM_ENTITY_EXPORT_METHOD;

typedef struct _RTM_ENTITY_EXPORT_METHODS {
	UINT NumMethods;
	RTM_ENTITY_EXPORT_METHOD Methods[1];
} RTM_ENTITY_EXPORT_METHODS, *PRTM_ENTITY_EXPORT_METHODS;

/* ---------------------------------------------------------------------- */
/* Size macros                                                             */
/* ---------------------------------------------------------------------- */

/*
 * Arrays of dest infos (RtmGetEnumDests, RtmGetChangedDests) are packed with
 * a stride of RTM_SIZE_OF_DEST_INFO(N), N the number of views the call
 * reports, which is also each element's NumberOfViews:
 *
 *   N = popcount(TargetViews)		of RtmCreateDestEnum, or of
 *					RtmRegisterForChangeNotification;
 *   N = RegnProfile.NumberOfViews	for RTM_VIEW_MASK_ALL;
 *   N = 0				for RTM_VIEW_MASK_ANY.
 *
 * Windows code that steps through such an array by
 * RTM_SIZE_OF_DEST_INFO(RegnProfile.NumberOfViews) while asking for fewer
 * views than the profile supports (RTM_VIEW_MASK_UCAST alone, with the two
 * views supported here) reads the second element at the wrong place: step
 * by RTM_SIZE_OF_DEST_INFO(DestInfos[0].NumberOfViews), or ask for
 * RTM_VIEW_MASK_ALL.  The packing cannot be made to follow the profile
 * instead: a buffer sized for popcount(TargetViews) views, as the
 * documentation also sizes them, would then be overrun (PORTING.md,
 * "Dest-info arrays").
 */
#define RTM_BASIC_DEST_INFO_SIZE FIELD_OFFSET(RTM_DEST_INFO, ViewInfo)
#define RTM_DEST_VIEW_INFO_SIZE						\
	(sizeof(RTM_DEST_INFO) - RTM_BASIC_DEST_INFO_SIZE)
#define RTM_SIZE_OF_DEST_INFO(NumViews)					\
	(RTM_BASIC_DEST_INFO_SIZE + (NumViews) * RTM_DEST_VIEW_INFO_SIZE)

#define RTM_BASIC_ROUTE_INFO_SIZE					\
	FIELD_OFFSET(RTM_ROUTE_INFO, NextHopsList.NumNextHops)
/*
 * Fixed: Microsoft counts from NumNextHops, which leaves room for one next
 * hop less than asked for (NextHops[0] sits one handle slot further on).
 */
#define RTM_SIZE_OF_ROUTE_INFO(NumHops)					\
	(FIELD_OFFSET(RTM_ROUTE_INFO, NextHopsList.NextHops) +		\
	 (NumHops) * sizeof(RTM_NEXTHOP_HANDLE))

/* ---------------------------------------------------------------------- */
/* Address macros                                                          */
/* ---------------------------------------------------------------------- */

/* IPv4 addresses and masks are ULONGs in network byte order. */
#define RTM_IPV4_MAKE_NET_ADDRESS(NetAddress, Addr, Len)		\
	RTM_IPV4_SET_ADDR_AND_LEN(NetAddress, Addr, Len)

#define RTM_IPV4_SET_ADDR_AND_LEN(NetAddress, Addr, Len)		\
	do {								\
		ULONG rtm_addr_ = (Addr);				\
		(NetAddress)->AddressFamily = AF_INET;			\
		(NetAddress)->NumBits = (USHORT)(Len);			\
		memcpy((NetAddress)->AddrBits, &rtm_addr_,		\
		       sizeof(rtm_addr_));				\
	} while (0)

#define RTM_IPV4_GET_ADDR_AND_LEN(Addr, Len, NetAddress)		\
	do {								\
		ULONG rtm_addr_;					\
		memcpy(&rtm_addr_, (NetAddress)->AddrBits,		\
		       sizeof(rtm_addr_));				\
		(Len) = (NetAddress)->NumBits;				\
		(Addr) = rtm_addr_;					\
	} while (0)

#define RTM_IPV4_SET_ADDR_AND_MASK(NetAddress, Addr, Mask)		\
	do {								\
		ULONG rtm_addr_ = (Addr);				\
		(NetAddress)->AddressFamily = AF_INET;			\
		memcpy((NetAddress)->AddrBits, &rtm_addr_,		\
		       sizeof(rtm_addr_));				\
		RTM_IPV4_LEN_FROM_MASK((NetAddress)->NumBits, Mask);	\
	} while (0)

#define RTM_IPV4_GET_ADDR_AND_MASK(Addr, Mask, NetAddress)		\
	do {								\
		ULONG rtm_addr_;					\
		memcpy(&rtm_addr_, (NetAddress)->AddrBits,		\
		       sizeof(rtm_addr_));				\
		(Addr) = rtm_addr_;					\
		(Mask) = RTM_IPV4_MASK_FROM_LEN((NetAddress)->NumBits);	\
	} while (0)

/* Adds N to Len and shifts Value left by N if bit N of Value is set. */
#define RTM_CHECK_NTH_BIT(Value, N, Len)				\
	do {								\
		if ((Value) & ((ULONG)1 << (N))) {			\
			(Len) += (N);					\
			(Value) <<= (N);				\
		}							\
	} while (0)

/* Prefix length of a contiguous network-order mask. */
#define RTM_IPV4_LEN_FROM_MASK(Len, Mask)				\
	do {								\
		ULONG rtm_mask_ = ntohl(Mask);				\
		(Len) = 0;						\
		RTM_CHECK_NTH_BIT(rtm_mask_, 16, (Len));		\
		RTM_CHECK_NTH_BIT(rtm_mask_, 8, (Len));			\
		RTM_CHECK_NTH_BIT(rtm_mask_, 4, (Len));			\
		while (rtm_mask_) {					\
			(Len) += 1;					\
			rtm_mask_ <<= 1;				\
		}							\
	} while (0)

/*
 * Network-order mask of a prefix length, 0..32.  An expression (no trailing
 * ';'), computed without a 32-bit shift by 32 so that a constant 0 length
 * is neither undefined nor warned about.
 */
#define RTM_IPV4_MASK_FROM_LEN(Len)					\
	htonl((ULONG)((ULONGLONG)0xFFFFFFFFU << 32 >> (Len)))

/* The IPv6 macros call the two helpers; Len is a DWORD, Addr an IN6_ADDR. */
#define RTM_IPV6_MAKE_NET_ADDRESS(NetAddress, Addr, Len)		\
	RTM_IPV6_SET_ADDR_AND_LEN(NetAddress, Addr, Len)

#define RTM_IPV6_SET_ADDR_AND_LEN(NetAddress, Addr, Len)		\
	do {								\
		(NetAddress)->AddressFamily = AF_INET6;			\
		RtmConvertIpv6AddressAndLengthToNetAddress((NetAddress),\
			(Addr), (Len), IPV6_ADDRESS_LEN_IN_BYTES);	\
	} while (0)

#define RTM_IPV6_GET_ADDR_AND_LEN(Addr, Len, NetAddress)		\
	do {								\
		RtmConvertNetAddressToIpv6AddressAndLength((NetAddress),\
			&(Addr), &(Len), IPV6_ADDRESS_LEN_IN_BYTES);	\
	} while (0)

/* ---------------------------------------------------------------------- */
/* Functions                                                               */
/* ---------------------------------------------------------------------- */

/* Registration and entities */
DWORD WINAPI RtmRegisterEntity(PRTM_ENTITY_INFO RtmEntityInfo,
			       PRTM_ENTITY_EXPORT_METHODS ExportMethods,
			       RTM_EVENT_CALLBACK EventCallback,
			       RTM_BOOL ReserveOpaquePointer,
			       PRTM_REGN_PROFILE RtmRegProfile,
			       PRTM_ENTITY_HANDLE RtmRegHandle);
DWORD WINAPI RtmDeregisterEntity(RTM_ENTITY_HANDLE RtmRegHandle);
DWORD WINAPI RtmGetRegisteredEntities(RTM_ENTITY_HANDLE RtmRegHandle,
				      PUINT NumEntities,
				      PRTM_ENTITY_HANDLE EntityHandles,
				      PRTM_ENTITY_INFO EntityInfos);
DWORD WINAPI RtmReleaseEntities(RTM_ENTITY_HANDLE RtmRegHandle,
				UINT NumEntities,
				PRTM_ENTITY_HANDLE EntityHandles);
DWORD WINAPI RtmGetEntityInfo(RTM_ENTITY_HANDLE RtmRegHandle,
			      RTM_ENTITY_HANDLE EntityHandle,
			      PRTM_ENTITY_INFO EntityInfo);
DWORD WINAPI RtmReleaseEntityInfo(RTM_ENTITY_HANDLE RtmRegHandle,
				  PRTM_ENTITY_INFO EntityInfo);

/* Entity methods */
DWORD WINAPI RtmGetEntityMethods(RTM_ENTITY_HANDLE RtmRegHandle,
				 RTM_ENTITY_HANDLE EntityHandle,
				 PUINT NumMethods,
				 PRTM_ENTITY_EXPORT_METHOD ExptMethods);
DWORD WINAPI RtmInvokeMethod(RTM_ENTITY_HANDLE RtmRegHandle,
			     RTM_ENTITY_HANDLE EntityHandle,
			     PRTM_ENTITY_METHOD_INPUT Input,
			     PUINT OutputSize,
			     PRTM_ENTITY_METHOD_OUTPUT Output);
DWORD WINAPI RtmBlockMethods(RTM_ENTITY_HANDLE RtmRegHandle,
			     HANDLE TargetHandle,
			     UCHAR TargetType,
			     DWORD BlockingFlag);

/* Opaque pointers and destination locks */
DWORD WINAPI RtmGetOpaqueInformationPointer(RTM_ENTITY_HANDLE RtmRegHandle,
					    RTM_DEST_HANDLE DestHandle,
					    PVOID *OpaqueInfoPointer);
DWORD WINAPI RtmLockDestination(RTM_ENTITY_HANDLE RtmRegHandle,
				RTM_DEST_HANDLE DestHandle,
				RTM_BOOL Exclusive,
				RTM_BOOL LockDest);

/* Handle to information, and release */
DWORD WINAPI RtmGetDestInfo(RTM_ENTITY_HANDLE RtmRegHandle,
			    RTM_DEST_HANDLE DestHandle,
			    ULONG ProtocolId,
			    RTM_VIEW_SET TargetViews,
			    PRTM_DEST_INFO DestInfo);
DWORD WINAPI RtmGetRouteInfo(RTM_ENTITY_HANDLE RtmRegHandle,
			     RTM_ROUTE_HANDLE RouteHandle,
			     PRTM_ROUTE_INFO RouteInfo,
			     PRTM_NET_ADDRESS DestAddress);
DWORD WINAPI RtmGetNextHopInfo(RTM_ENTITY_HANDLE RtmRegHandle,
			       RTM_NEXTHOP_HANDLE NextHopHandle,
			       PRTM_NEXTHOP_INFO NextHopInfo);
DWORD WINAPI RtmReleaseDestInfo(RTM_ENTITY_HANDLE RtmRegHandle,
				PRTM_DEST_INFO DestInfo);
DWORD WINAPI RtmReleaseRouteInfo(RTM_ENTITY_HANDLE RtmRegHandle,
				 PRTM_ROUTE_INFO RouteInfo);
DWORD WINAPI RtmReleaseNextHopInfo(RTM_ENTITY_HANDLE RtmRegHandle,
				   PRTM_NEXTHOP_INFO NextHopInfo);

/* Adding, updating and deleting routes */
DWORD WINAPI RtmAddRouteToDest(RTM_ENTITY_HANDLE RtmRegHandle,
			       PRTM_ROUTE_HANDLE RouteHandle,
			       PRTM_NET_ADDRESS DestAddress,
			       PRTM_ROUTE_INFO RouteInfo,
			       ULONG TimeToLive,
			       RTM_ROUTE_LIST_HANDLE RouteListHandle,
			       RTM_NOTIFY_FLAGS NotifyType,
			       RTM_NOTIFY_HANDLE NotifyHandle,
			       PRTM_ROUTE_CHANGE_FLAGS ChangeFlags);
DWORD WINAPI RtmDeleteRouteToDest(RTM_ENTITY_HANDLE RtmRegHandle,
				  RTM_ROUTE_HANDLE RouteHandle,
				  PRTM_ROUTE_CHANGE_FLAGS ChangeFlags);
DWORD WINAPI RtmHoldDestination(RTM_ENTITY_HANDLE RtmRegHandle,
				RTM_DEST_HANDLE DestHandle,
				RTM_VIEW_SET TargetViews,
				ULONG HoldTime);
DWORD WINAPI RtmGetRoutePointer(RTM_ENTITY_HANDLE RtmRegHandle,
				RTM_ROUTE_HANDLE RouteHandle,
				PRTM_ROUTE_INFO *RoutePointer);
DWORD WINAPI RtmLockRoute(RTM_ENTITY_HANDLE RtmRegHandle,
			  RTM_ROUTE_HANDLE RouteHandle,
			  RTM_BOOL Exclusive,
			  RTM_BOOL LockRoute,
			  PRTM_ROUTE_INFO *RoutePointer);
DWORD WINAPI RtmUpdateAndUnlockRoute(RTM_ENTITY_HANDLE RtmRegHandle,
				     RTM_ROUTE_HANDLE RouteHandle,
				     ULONG TimeToLive,
				     RTM_ROUTE_LIST_HANDLE RouteListHandle,
				     RTM_NOTIFY_FLAGS NotifyType,
				     RTM_NOTIFY_HANDLE NotifyHandle,
				     PRTM_ROUTE_CHANGE_FLAGS ChangeFlags);

/* Point queries */
DWORD WINAPI RtmGetExactMatchDestination(RTM_ENTITY_HANDLE RtmRegHandle,
					 PRTM_NET_ADDRESS DestAddress,
					 ULONG ProtocolId,
					 RTM_VIEW_SET TargetViews,
					 PRTM_DEST_INFO DestInfo);
DWORD WINAPI RtmGetMostSpecificDestination(RTM_ENTITY_HANDLE RtmRegHandle,
					   PRTM_NET_ADDRESS DestAddress,
					   ULONG ProtocolId,
					   RTM_VIEW_SET TargetViews,
					   PRTM_DEST_INFO DestInfo);
DWORD WINAPI RtmGetLessSpecificDestination(RTM_ENTITY_HANDLE RtmRegHandle,
					   RTM_DEST_HANDLE DestHandle,
					   ULONG ProtocolId,
					   RTM_VIEW_SET TargetViews,
					   PRTM_DEST_INFO DestInfo);
DWORD WINAPI RtmGetExactMatchRoute(RTM_ENTITY_HANDLE RtmRegHandle,
				   PRTM_NET_ADDRESS DestAddress,
				   RTM_MATCH_FLAGS MatchingFlags,
				   PRTM_ROUTE_INFO RouteInfo,
				   ULONG InterfaceIndex,
				   RTM_VIEW_SET TargetViews,
				   PRTM_ROUTE_HANDLE RouteHandle);
DWORD WINAPI RtmIsBestRoute(RTM_ENTITY_HANDLE RtmRegHandle,
			    RTM_ROUTE_HANDLE RouteHandle,
			    PRTM_VIEW_SET BestInViews);

/* Next hops */
DWORD WINAPI RtmAddNextHop(RTM_ENTITY_HANDLE RtmRegHandle,
			   PRTM_NEXTHOP_INFO NextHopInfo,
			   PRTM_NEXTHOP_HANDLE NextHopHandle,
			   PRTM_NEXTHOP_CHANGE_FLAGS ChangeFlags);
DWORD WINAPI RtmFindNextHop(RTM_ENTITY_HANDLE RtmRegHandle,
			    PRTM_NEXTHOP_INFO NextHopInfo,
			    PRTM_NEXTHOP_HANDLE NextHopHandle,
			    PRTM_NEXTHOP_INFO *NextHopPointer);
DWORD WINAPI RtmDeleteNextHop(RTM_ENTITY_HANDLE RtmRegHandle,
			      RTM_NEXTHOP_HANDLE NextHopHandle,
			      PRTM_NEXTHOP_INFO NextHopInfo);
DWORD WINAPI RtmGetNextHopPointer(RTM_ENTITY_HANDLE RtmRegHandle,
				  RTM_NEXTHOP_HANDLE NextHopHandle,
				  PRTM_NEXTHOP_INFO *NextHopPointer);
DWORD WINAPI RtmLockNextHop(RTM_ENTITY_HANDLE RtmRegHandle,
			    RTM_NEXTHOP_HANDLE NextHopHandle,
			    RTM_BOOL Exclusive,
			    RTM_BOOL LockNextHop,
			    PRTM_NEXTHOP_INFO *NextHopPointer);

/* Enumerations */
DWORD WINAPI RtmCreateDestEnum(RTM_ENTITY_HANDLE RtmRegHandle,
			       RTM_VIEW_SET TargetViews,
			       RTM_ENUM_FLAGS EnumFlags,
			       PRTM_NET_ADDRESS NetAddress,
			       ULONG ProtocolId,
			       PRTM_ENUM_HANDLE RtmEnumHandle);
DWORD WINAPI RtmGetEnumDests(RTM_ENTITY_HANDLE RtmRegHandle,
			     RTM_ENUM_HANDLE EnumHandle,
			     PUINT NumDests,
			     PRTM_DEST_INFO DestInfos);
DWORD WINAPI RtmReleaseDests(RTM_ENTITY_HANDLE RtmRegHandle,
			     UINT NumDests,
			     PRTM_DEST_INFO DestInfos);
DWORD WINAPI RtmCreateRouteEnum(RTM_ENTITY_HANDLE RtmRegHandle,
				RTM_DEST_HANDLE DestHandle,
				RTM_VIEW_SET TargetViews,
				RTM_ENUM_FLAGS EnumFlags,
				PRTM_NET_ADDRESS StartDest,
				RTM_MATCH_FLAGS MatchingFlags,
				PRTM_ROUTE_INFO CriteriaRoute,
				ULONG CriteriaInterface,
				PRTM_ENUM_HANDLE RtmEnumHandle);
DWORD WINAPI RtmGetEnumRoutes(RTM_ENTITY_HANDLE RtmRegHandle,
			      RTM_ENUM_HANDLE EnumHandle,
			      PUINT NumRoutes,
			      PRTM_ROUTE_HANDLE RouteHandles);
DWORD WINAPI RtmReleaseRoutes(RTM_ENTITY_HANDLE RtmRegHandle,
			      UINT NumRoutes,
			      PRTM_ROUTE_HANDLE RouteHandles);
DWORD WINAPI RtmCreateNextHopEnum(RTM_ENTITY_HANDLE RtmRegHandle,
				  RTM_ENUM_FLAGS EnumFlags,
				  PRTM_NET_ADDRESS NetAddress,
				  PRTM_ENUM_HANDLE RtmEnumHandle);
DWORD WINAPI RtmGetEnumNextHops(RTM_ENTITY_HANDLE RtmRegHandle,
				RTM_ENUM_HANDLE EnumHandle,
				PUINT NumNextHops,
				PRTM_NEXTHOP_HANDLE NextHopHandles);
DWORD WINAPI RtmReleaseNextHops(RTM_ENTITY_HANDLE RtmRegHandle,
				UINT NumNextHops,
				PRTM_NEXTHOP_HANDLE NextHopHandles);
DWORD WINAPI RtmDeleteEnumHandle(RTM_ENTITY_HANDLE RtmRegHandle,
				 RTM_ENUM_HANDLE EnumHandle);

/* Change notification */
DWORD WINAPI RtmRegisterForChangeNotification(RTM_ENTITY_HANDLE RtmRegHandle,
					      RTM_VIEW_SET TargetViews,
					      RTM_NOTIFY_FLAGS NotifyFlags,
					      PVOID NotifyContext,
					      PRTM_NOTIFY_HANDLE NotifyHandle);
DWORD WINAPI RtmGetChangedDests(RTM_ENTITY_HANDLE RtmRegHandle,
				RTM_NOTIFY_HANDLE NotifyHandle,
				PUINT NumDests,
				PRTM_DEST_INFO ChangedDests);
DWORD WINAPI RtmReleaseChangedDests(RTM_ENTITY_HANDLE RtmRegHandle,
				    RTM_NOTIFY_HANDLE NotifyHandle,
				    UINT NumDests,
				    PRTM_DEST_INFO ChangedDests);
DWORD WINAPI RtmIgnoreChangedDests(RTM_ENTITY_HANDLE RtmRegHandle,
				   RTM_NOTIFY_HANDLE NotifyHandle,
				   UINT NumDests,
				   PRTM_DEST_HANDLE ChangedDests);
DWORD WINAPI RtmGetChangeStatus(RTM_ENTITY_HANDLE RtmRegHandle,
				RTM_NOTIFY_HANDLE NotifyHandle,
				RTM_DEST_HANDLE DestHandle,
				RTM_PBOOL ChangeStatus);
DWORD WINAPI RtmMarkDestForChangeNotification(RTM_ENTITY_HANDLE RtmRegHandle,
					      RTM_NOTIFY_HANDLE NotifyHandle,
					      RTM_DEST_HANDLE DestHandle,
					      RTM_BOOL MarkDest);
DWORD WINAPI RtmIsMarkedForChangeNotification(RTM_ENTITY_HANDLE RtmRegHandle,
					      RTM_NOTIFY_HANDLE NotifyHandle,
					      RTM_DEST_HANDLE DestHandle,
					      RTM_PBOOL DestMarked);
DWORD WINAPI RtmDeregisterFromChangeNotification(RTM_ENTITY_HANDLE RtmRegHandle,
						 RTM_NOTIFY_HANDLE NotifyHandle);

/* Entity-private route lists */
DWORD WINAPI RtmCreateRouteList(RTM_ENTITY_HANDLE RtmRegHandle,
				PRTM_ROUTE_LIST_HANDLE RouteListHandle);
DWORD WINAPI RtmInsertInRouteList(RTM_ENTITY_HANDLE RtmRegHandle,
				  RTM_ROUTE_LIST_HANDLE RouteListHandle,
				  UINT NumRoutes,
				  PRTM_ROUTE_HANDLE RouteHandles);
DWORD WINAPI RtmCreateRouteListEnum(RTM_ENTITY_HANDLE RtmRegHandle,
				    RTM_ROUTE_LIST_HANDLE RouteListHandle,
				    PRTM_ENUM_HANDLE RtmEnumHandle);
DWORD WINAPI RtmGetListEnumRoutes(RTM_ENTITY_HANDLE RtmRegHandle,
				  RTM_ENUM_HANDLE EnumHandle,
				  PUINT NumRoutes,
				  PRTM_ROUTE_HANDLE RouteHandles);
DWORD WINAPI RtmDeleteRouteList(RTM_ENTITY_HANDLE RtmRegHandle,
				RTM_ROUTE_LIST_HANDLE RouteListHandle);

/* Handle management */
DWORD WINAPI RtmReferenceHandles(RTM_ENTITY_HANDLE RtmRegHandle,
				 UINT NumHandles,
				 HANDLE *RtmHandles);

/* IPv6 helpers (declared without WINAPI in the SDK) */
DWORD RtmConvertNetAddressToIpv6AddressAndLength(PRTM_NET_ADDRESS pNetAddress,
						 PIN6_ADDR pAddress,
						 PDWORD pLength,
						 DWORD dwAddressSize);
DWORD RtmConvertIpv6AddressAndLengthToNetAddress(PRTM_NET_ADDRESS pNetAddress,
						 IN6_ADDR Address,
						 DWORD dwLength,
						 DWORD dwAddressSize);

#ifdef __cplusplus
}
#endif

#endif /* _RTMV2_H_ */
