/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Windows view of a value and the kernel's.
 *
 * A handle is the kernel's opaque 64-bit value carried in a pointer-typed
 * RTM_*_HANDLE, so an array of handles can be handed to the kernel as the
 * __u64 array it expects.  The structures RTMv2 hands to its clients have
 * the layout of their uapi counterparts, proved field by field below, so
 * the library passes its callers' buffers straight through: the kernel
 * reads and writes RTM_NET_ADDRESS, RTM_DEST_INFO, RTM_ROUTE_INFO,
 * RTM_NEXTHOP_INFO and RTM_ENTITY_INFO in place.  What is padding on one
 * side is a reserved or __pad field on the other, which the kernel ignores
 * on input and zeroes on output.
 */
#ifndef LIBRTM_CONVERT_H
#define LIBRTM_CONVERT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "librtm.h"

#define LIBRTM_SAME_SIZE(w, k)						\
	_Static_assert(sizeof(w) == sizeof(k), "sizeof(" #w ") == sizeof(" #k ")")
#define LIBRTM_SAME_FIELD(w, wf, k, kf)					\
	_Static_assert(offsetof(w, wf) == offsetof(k, kf) &&		\
		       sizeof(((w *)0)->wf) == sizeof(((k *)0)->kf),	\
		       #w "." #wf " is " #k "." #kf)

_Static_assert(sizeof(HANDLE) == sizeof(__u64) && sizeof(PVOID) == sizeof(__u64),
	       "handles and client pointers are the kernel's 64-bit values");

/* RTM_NET_ADDRESS */
LIBRTM_SAME_SIZE(RTM_NET_ADDRESS, struct rtm_net_address);
LIBRTM_SAME_FIELD(RTM_NET_ADDRESS, AddressFamily, struct rtm_net_address, family);
LIBRTM_SAME_FIELD(RTM_NET_ADDRESS, NumBits, struct rtm_net_address, num_bits);
LIBRTM_SAME_FIELD(RTM_NET_ADDRESS, AddrBits, struct rtm_net_address, addr);

/* RTM_ENTITY_INFO: EntityId is 8-aligned, the kernel's reserved fills the gap. */
LIBRTM_SAME_SIZE(RTM_ENTITY_INFO, struct rtm_entity_info);
LIBRTM_SAME_FIELD(RTM_ENTITY_INFO, RtmInstanceId, struct rtm_entity_info, instance_id);
LIBRTM_SAME_FIELD(RTM_ENTITY_INFO, AddressFamily, struct rtm_entity_info, family);
LIBRTM_SAME_FIELD(RTM_ENTITY_INFO, EntityId.EntityProtocolId,
		  struct rtm_entity_info, protocol_id);
LIBRTM_SAME_FIELD(RTM_ENTITY_INFO, EntityId.EntityInstanceId,
		  struct rtm_entity_info, entity_instance_id);

/* RTM_DEST_INFO and its ViewInfo[] records */
LIBRTM_SAME_FIELD(RTM_DEST_INFO, DestHandle, struct rtm_dest_info, handle);
LIBRTM_SAME_FIELD(RTM_DEST_INFO, DestAddress, struct rtm_dest_info, address);
LIBRTM_SAME_FIELD(RTM_DEST_INFO, LastChanged, struct rtm_dest_info, last_changed);
LIBRTM_SAME_FIELD(RTM_DEST_INFO, BelongsToViews, struct rtm_dest_info, belongs_to_views);
LIBRTM_SAME_FIELD(RTM_DEST_INFO, NumberOfViews, struct rtm_dest_info, number_of_views);
_Static_assert(offsetof(RTM_DEST_INFO, ViewInfo) ==
	       offsetof(struct rtm_dest_info, views) &&
	       RTM_BASIC_DEST_INFO_SIZE == sizeof(struct rtm_dest_info) &&
	       RTM_DEST_VIEW_INFO_SIZE == sizeof(struct rtm_dest_view) &&
	       RTM_SIZE_OF_DEST_INFO(3) == RTM_DEST_INFO_SIZE(3),
	       "RTM_DEST_INFO is struct rtm_dest_info");
LIBRTM_SAME_FIELD(RTM_DEST_INFO, ViewInfo[0].ViewId, struct rtm_dest_info, views[0].view_id);
LIBRTM_SAME_FIELD(RTM_DEST_INFO, ViewInfo[0].NumRoutes, struct rtm_dest_info, views[0].num_routes);
LIBRTM_SAME_FIELD(RTM_DEST_INFO, ViewInfo[0].Route, struct rtm_dest_info, views[0].route);
LIBRTM_SAME_FIELD(RTM_DEST_INFO, ViewInfo[0].Owner, struct rtm_dest_info, views[0].owner);
LIBRTM_SAME_FIELD(RTM_DEST_INFO, ViewInfo[0].DestFlags, struct rtm_dest_info, views[0].dest_flags);
LIBRTM_SAME_FIELD(RTM_DEST_INFO, ViewInfo[0].HoldRoute, struct rtm_dest_info, views[0].hold_route);

/* RTM_ROUTE_INFO and its next-hop list */
LIBRTM_SAME_FIELD(RTM_ROUTE_INFO, DestHandle, struct rtm_route_info, dest);
LIBRTM_SAME_FIELD(RTM_ROUTE_INFO, RouteOwner, struct rtm_route_info, owner);
LIBRTM_SAME_FIELD(RTM_ROUTE_INFO, Neighbour, struct rtm_route_info, neighbour);
LIBRTM_SAME_FIELD(RTM_ROUTE_INFO, State, struct rtm_route_info, state);
LIBRTM_SAME_FIELD(RTM_ROUTE_INFO, Flags1, struct rtm_route_info, flags1);
LIBRTM_SAME_FIELD(RTM_ROUTE_INFO, Flags, struct rtm_route_info, flags);
LIBRTM_SAME_FIELD(RTM_ROUTE_INFO, PrefInfo.Metric, struct rtm_route_info, metric);
LIBRTM_SAME_FIELD(RTM_ROUTE_INFO, PrefInfo.Preference, struct rtm_route_info, preference);
LIBRTM_SAME_FIELD(RTM_ROUTE_INFO, BelongsToViews, struct rtm_route_info, belongs_to_views);
LIBRTM_SAME_FIELD(RTM_ROUTE_INFO, EntitySpecificInfo, struct rtm_route_info,
		  entity_specific_info);
LIBRTM_SAME_FIELD(RTM_ROUTE_INFO, NextHopsList.NumNextHops, struct rtm_route_info,
		  num_nexthops);
LIBRTM_SAME_FIELD(RTM_ROUTE_INFO, NextHopsList.NextHops[0], struct rtm_route_info,
		  nexthops[0]);
_Static_assert(RTM_SIZE_OF_ROUTE_INFO(5) == RTM_ROUTE_INFO_SIZE(5),
	       "RTM_ROUTE_INFO is struct rtm_route_info");

/* RTM_NEXTHOP_INFO */
LIBRTM_SAME_SIZE(RTM_NEXTHOP_INFO, struct rtm_nexthop_info);
LIBRTM_SAME_FIELD(RTM_NEXTHOP_INFO, NextHopAddress, struct rtm_nexthop_info, address);
LIBRTM_SAME_FIELD(RTM_NEXTHOP_INFO, NextHopOwner, struct rtm_nexthop_info, owner);
LIBRTM_SAME_FIELD(RTM_NEXTHOP_INFO, InterfaceIndex, struct rtm_nexthop_info,
		  interface_index);
LIBRTM_SAME_FIELD(RTM_NEXTHOP_INFO, State, struct rtm_nexthop_info, state);
LIBRTM_SAME_FIELD(RTM_NEXTHOP_INFO, Flags, struct rtm_nexthop_info, flags);
LIBRTM_SAME_FIELD(RTM_NEXTHOP_INFO, EntitySpecificInfo, struct rtm_nexthop_info,
		  entity_specific_info);
LIBRTM_SAME_FIELD(RTM_NEXTHOP_INFO, RemoteNextHop, struct rtm_nexthop_info,
		  remote_nexthop);

/* RTM_REGN_PROFILE */
LIBRTM_SAME_SIZE(RTM_REGN_PROFILE, struct rtm_profile);
LIBRTM_SAME_FIELD(RTM_REGN_PROFILE, MaxNextHopsInRoute, struct rtm_profile,
		  max_nexthops_in_route);
LIBRTM_SAME_FIELD(RTM_REGN_PROFILE, MaxHandlesInEnum, struct rtm_profile,
		  max_handles_in_enum);
LIBRTM_SAME_FIELD(RTM_REGN_PROFILE, ViewsSupported, struct rtm_profile,
		  views_supported);
LIBRTM_SAME_FIELD(RTM_REGN_PROFILE, NumberOfViews, struct rtm_profile,
		  number_of_views);

/* Values the kernel takes as they are. */
_Static_assert(RTM_BEST_PROTOCOL == RTM_PROTOCOL_BEST &&
	       RTM_THIS_PROTOCOL == RTM_PROTOCOL_THIS,
	       "ProtocolId selectors are the kernel's");
_Static_assert(INFINITE == 0xFFFFFFFFU, "TimeToLive INFINITE is the kernel's");

static inline HANDLE librtm_handle(__u64 value)
{
	return (HANDLE)(uintptr_t)value;
}

static inline __u64 librtm_u64(const void *ptr)
{
	return (__u64)(uintptr_t)ptr;
}

#endif /* LIBRTM_CONVERT_H */
