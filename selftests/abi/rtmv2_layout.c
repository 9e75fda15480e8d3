// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Compile-time check that rtmv2.h lays its types out as x86-64 Windows
 * does (reference section 4): every offset and size below is asserted, so
 * this program only builds if they all hold, and then exits 0.
 *
 *   cc -std=c11 -I lib selftests/abi/rtmv2_layout.c && ./a.out
 */
#include <stdalign.h>
#include <stddef.h>

#include "rtmv2.h"

#define OFF(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), #type "." #field)
#define SIZE(type, size) \
	_Static_assert(sizeof(type) == (size), "sizeof(" #type ")")
#define ALIGN(type, align) \
	_Static_assert(alignof(type) == (align), "alignof(" #type ")")

#if !defined(__x86_64__) && !defined(__aarch64__)
#error "offsets are asserted for LP64 targets (x86-64)"
#endif

/* Section 2: Windows widths, signedness where it matters. */
SIZE(UCHAR, 1);
SIZE(USHORT, 2);
SIZE(DWORD, 4);
SIZE(UINT, 4);
SIZE(ULONG, 4);
SIZE(INT, 4);
SIZE(BOOL, 4);
SIZE(ULONGLONG, 8);
SIZE(HANDLE, 8);
SIZE(PVOID, 8);
SIZE(IN6_ADDR, 16);
_Static_assert((ULONG)-1 == 0xFFFFFFFFu, "ULONG is unsigned 32-bit");
_Static_assert((DWORD)-1 > 0, "DWORD is unsigned");
_Static_assert((INT)-1 < 0, "INT is signed");
_Static_assert((BOOL)-1 < 0, "BOOL is a signed int");
_Static_assert(INFINITE == 0xFFFFFFFFu, "INFINITE");

/* FILETIME */
SIZE(FILETIME, 8);
OFF(FILETIME, dwLowDateTime, 0);
OFF(FILETIME, dwHighDateTime, 4);

/* Handles */
SIZE(RTM_ENTITY_HANDLE, 8);
SIZE(RTM_DEST_HANDLE, 8);
SIZE(RTM_ROUTE_HANDLE, 8);
SIZE(RTM_NEXTHOP_HANDLE, 8);
SIZE(RTM_ENUM_HANDLE, 8);
SIZE(RTM_ROUTE_LIST_HANDLE, 8);
SIZE(RTM_NOTIFY_HANDLE, 8);
SIZE(RTM_VIEW_ID, 4);
SIZE(RTM_VIEW_SET, 4);

/* 4.1 RTM_NET_ADDRESS: 20 bytes, align 2 */
SIZE(RTM_NET_ADDRESS, 20);
ALIGN(RTM_NET_ADDRESS, 2);
OFF(RTM_NET_ADDRESS, AddressFamily, 0);
OFF(RTM_NET_ADDRESS, NumBits, 2);
OFF(RTM_NET_ADDRESS, AddrBits, 4);

/* 4.2 RTM_REGN_PROFILE: 16 bytes */
SIZE(RTM_REGN_PROFILE, 16);
OFF(RTM_REGN_PROFILE, MaxNextHopsInRoute, 0);
OFF(RTM_REGN_PROFILE, MaxHandlesInEnum, 4);
OFF(RTM_REGN_PROFILE, ViewsSupported, 8);
OFF(RTM_REGN_PROFILE, NumberOfViews, 12);

/* 4.3 RTM_PREF_INFO: 8 bytes */
SIZE(RTM_PREF_INFO, 8);
OFF(RTM_PREF_INFO, Metric, 0);
OFF(RTM_PREF_INFO, Preference, 4);

/* 4.4 RTM_NEXTHOP_LIST: NextHops at 8, 16 bytes */
SIZE(RTM_NEXTHOP_LIST, 16);
OFF(RTM_NEXTHOP_LIST, NumNextHops, 0);
OFF(RTM_NEXTHOP_LIST, NextHops, 8);

/* 4.5 RTM_DEST_INFO: 48 + 40 * N */
SIZE(RTM_DEST_INFO, 88);
OFF(RTM_DEST_INFO, DestHandle, 0);
OFF(RTM_DEST_INFO, DestAddress, 8);
OFF(RTM_DEST_INFO, LastChanged, 28);
OFF(RTM_DEST_INFO, BelongsToViews, 36);
OFF(RTM_DEST_INFO, NumberOfViews, 40);
OFF(RTM_DEST_INFO, ViewInfo, 48);
SIZE(((RTM_DEST_INFO *)0)->ViewInfo[0], 40);
OFF(RTM_DEST_INFO, ViewInfo[0].ViewId, 48 + 0);
OFF(RTM_DEST_INFO, ViewInfo[0].NumRoutes, 48 + 4);
OFF(RTM_DEST_INFO, ViewInfo[0].Route, 48 + 8);
OFF(RTM_DEST_INFO, ViewInfo[0].Owner, 48 + 16);
OFF(RTM_DEST_INFO, ViewInfo[0].DestFlags, 48 + 24);
OFF(RTM_DEST_INFO, ViewInfo[0].HoldRoute, 48 + 32);
_Static_assert(RTM_BASIC_DEST_INFO_SIZE == 48, "RTM_BASIC_DEST_INFO_SIZE");
_Static_assert(RTM_DEST_VIEW_INFO_SIZE == 40, "RTM_DEST_VIEW_INFO_SIZE");
_Static_assert(RTM_SIZE_OF_DEST_INFO(0) == 48, "RTM_SIZE_OF_DEST_INFO(0)");
_Static_assert(RTM_SIZE_OF_DEST_INFO(2) == 128, "RTM_SIZE_OF_DEST_INFO(2)");

/* 4.6 RTM_ROUTE_INFO: 64 bytes, NextHops at 56 */
SIZE(RTM_ROUTE_INFO, 64);
OFF(RTM_ROUTE_INFO, DestHandle, 0);
OFF(RTM_ROUTE_INFO, RouteOwner, 8);
OFF(RTM_ROUTE_INFO, Neighbour, 16);
OFF(RTM_ROUTE_INFO, State, 24);
OFF(RTM_ROUTE_INFO, Flags1, 25);
OFF(RTM_ROUTE_INFO, Flags, 26);
OFF(RTM_ROUTE_INFO, PrefInfo, 28);
OFF(RTM_ROUTE_INFO, BelongsToViews, 36);
OFF(RTM_ROUTE_INFO, EntitySpecificInfo, 40);
OFF(RTM_ROUTE_INFO, NextHopsList, 48);
OFF(RTM_ROUTE_INFO, NextHopsList.NumNextHops, 48);
OFF(RTM_ROUTE_INFO, NextHopsList.NextHops, 56);
_Static_assert(RTM_BASIC_ROUTE_INFO_SIZE == 48, "RTM_BASIC_ROUTE_INFO_SIZE");
/* The fixed macro: room for every next hop asked for. */
_Static_assert(RTM_SIZE_OF_ROUTE_INFO(0) == 56, "RTM_SIZE_OF_ROUTE_INFO(0)");
_Static_assert(RTM_SIZE_OF_ROUTE_INFO(1) == sizeof(RTM_ROUTE_INFO),
	       "RTM_SIZE_OF_ROUTE_INFO(1)");
_Static_assert(RTM_SIZE_OF_ROUTE_INFO(8) ==
	       offsetof(RTM_ROUTE_INFO, NextHopsList.NextHops) +
	       8 * sizeof(RTM_NEXTHOP_HANDLE), "RTM_SIZE_OF_ROUTE_INFO(8)");

/* 4.7 RTM_NEXTHOP_INFO: 56 bytes */
SIZE(RTM_NEXTHOP_INFO, 56);
OFF(RTM_NEXTHOP_INFO, NextHopAddress, 0);
OFF(RTM_NEXTHOP_INFO, NextHopOwner, 24);
OFF(RTM_NEXTHOP_INFO, InterfaceIndex, 32);
OFF(RTM_NEXTHOP_INFO, State, 36);
OFF(RTM_NEXTHOP_INFO, Flags, 38);
OFF(RTM_NEXTHOP_INFO, EntitySpecificInfo, 40);
OFF(RTM_NEXTHOP_INFO, RemoteNextHop, 48);

/* 4.8 RTM_ENTITY_ID (8) / RTM_ENTITY_INFO (16) */
SIZE(RTM_ENTITY_ID, 8);
ALIGN(RTM_ENTITY_ID, 8);
OFF(RTM_ENTITY_ID, EntityProtocolId, 0);
OFF(RTM_ENTITY_ID, EntityInstanceId, 4);
OFF(RTM_ENTITY_ID, EntityId, 0);
SIZE(RTM_ENTITY_INFO, 16);
OFF(RTM_ENTITY_INFO, RtmInstanceId, 0);
OFF(RTM_ENTITY_INFO, AddressFamily, 2);
OFF(RTM_ENTITY_INFO, EntityId, 8);

/* 4.9 Methods */
OFF(RTM_ENTITY_METHOD_INPUT, MethodType, 0);
OFF(RTM_ENTITY_METHOD_INPUT, InputSize, 4);
OFF(RTM_ENTITY_METHOD_INPUT, InputData, 8);
SIZE(RTM_ENTITY_METHOD_INPUT, 12);
OFF(RTM_ENTITY_METHOD_OUTPUT, MethodType, 0);
OFF(RTM_ENTITY_METHOD_OUTPUT, MethodStatus, 4);
OFF(RTM_ENTITY_METHOD_OUTPUT, OutputSize, 8);
OFF(RTM_ENTITY_METHOD_OUTPUT, OutputData, 12);
SIZE(RTM_ENTITY_METHOD_OUTPUT, 16);
SIZE(RTM_ENTITY_EXPORT_METHOD, 8);
OFF(RTM_ENTITY_EXPORT_METHODS, NumMethods, 0);
OFF(RTM_ENTITY_EXPORT_METHODS, Methods, 8);
SIZE(RTM_ENTITY_EXPORT_METHODS, 16);

/* 3.9 Event types are 0-based. */
_Static_assert(RTM_ENTITY_REGISTERED == 0 && RTM_ENTITY_DEREGISTERED == 1 &&
	       RTM_ROUTE_EXPIRED == 2 && RTM_CHANGE_NOTIFICATION == 3,
	       "RTM_EVENT_TYPE");

int main(void)
{
	return 0;
}
