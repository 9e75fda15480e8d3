// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Enumerations: RtmCreateDestEnum, RtmGetEnumDests, RtmReleaseDests,
 * RtmCreateRouteEnum, RtmGetEnumRoutes, RtmCreateNextHopEnum,
 * RtmGetEnumNextHops, RtmCreateRouteListEnum, RtmGetListEnumRoutes and
 * RtmDeleteEnumHandle.
 *
 * An enumeration is a kernel cursor (RTM_IOC_ENUM_CREATE) read in batches
 * of 1 to MaxHandlesInEnum (RTM_IOC_ENUM_GET) straight into the caller's
 * array: packed RTM_DEST_INFOs for dests, handles for the others.  Every
 * batch with entries returns NO_ERROR and the first empty one
 * ERROR_NO_MORE_ITEMS (reference 11, item 1), except for route lists,
 * whose end is a batch shorter than asked for.  *Num goes in as the room
 * in the array and comes out as the number written, 0 on any error.
 *
 * TargetViews RTM_VIEW_MASK_ALL stands for every view the registration
 * supports, as in the routing-table queries: its dest infos have the
 * profile's NumberOfViews view records.  RTM_VIEW_MASK_ANY gives none, and
 * is the one mode that includes dests and routes only in hold-down.
 */
#include "convert.h"
#include "registry.h"

#define ENUM_WHERE	(RTM_ENUM_NEXT | RTM_ENUM_RANGE)

/*
 * START needs no address; NEXT and RANGE need one, and do not go together.
 * The other flag bits are the kernel's to check.
 */
static bool enum_where_ok(RTM_ENUM_FLAGS flags, const RTM_NET_ADDRESS *addr)
{
	if ((flags & ENUM_WHERE) == ENUM_WHERE)
		return false;
	return !(flags & ENUM_WHERE) || addr;
}

/* RTM_IOC_ENUM_CREATE of @req (size set here) for @reg. */
static DWORD enum_create(struct librtm_reg *reg, struct rtm_enum_create *req,
			 PRTM_ENUM_HANDLE handle)
{
	int ret;

	req->size = sizeof(*req);
	ret = librtm_ioctl(reg->fd, RTM_IOC_ENUM_CREATE, req);
	if (ret)
		return librtm_win32_error(-ret);
	*handle = librtm_handle(req->handle);
	return NO_ERROR;
}

/*
 * The next batch of the enumeration @handle of @type into @buf, which has
 * room for *@num entries.
 */
static DWORD enum_get(RTM_ENTITY_HANDLE RtmRegHandle, RTM_ENUM_HANDLE handle,
		      enum rtm_enum_type type, PUINT num, void *buf)
{
	struct rtm_enum_get req;
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg) {
		if (num)
			*num = 0;
		return ERROR_INVALID_HANDLE;
	}
	if (!num) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}
	if (!buf || !librtm_batch_ok(&reg->profile, *num)) {
		librtm_reg_put(reg);
		*num = 0;
		return ERROR_INVALID_PARAMETER;
	}

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.type = type;
	req.handle = librtm_u64(handle);
	req.count = *num;
	req.buf = librtm_u64(buf);
	ret = librtm_ioctl(reg->fd, RTM_IOC_ENUM_GET, &req);
	librtm_reg_put(reg);

	/* -ENODATA: the end, an empty batch. */
	*num = ret ? 0 : req.count;
	return librtm_win32_error(-ret);
}

/*
 * ProtocolId picks the best route each view record reports (the protocol's
 * own, RTM_BEST_PROTOCOL or RTM_THIS_PROTOCOL); it does not filter dests.
 */
RTM_EXPORT DWORD WINAPI RtmCreateDestEnum(RTM_ENTITY_HANDLE RtmRegHandle,
					  RTM_VIEW_SET TargetViews,
					  RTM_ENUM_FLAGS EnumFlags,
					  PRTM_NET_ADDRESS NetAddress,
					  ULONG ProtocolId,
					  PRTM_ENUM_HANDLE RtmEnumHandle)
{
	struct rtm_enum_create req;
	struct librtm_reg *reg;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!RtmEnumHandle || !enum_where_ok(EnumFlags, NetAddress)) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}

	memset(&req, 0, sizeof(req));
	req.type = RTM_ENUM_DESTS;
	req.flags = EnumFlags;
	req.views = librtm_views(&reg->profile, TargetViews);
	req.protocol_id = ProtocolId;
	if (EnumFlags & ENUM_WHERE)
		memcpy(&req.address, NetAddress, sizeof(req.address));
	status = enum_create(reg, &req, RtmEnumHandle);
	librtm_reg_put(reg);
	return status;
}

/*
 * DestInfos has room for *NumDests dest infos of the enumeration's views,
 * each RTM_SIZE_OF_DEST_INFO(popcount(TargetViews)) bytes (the profile's
 * NumberOfViews for RTM_VIEW_MASK_ALL, 0 for RTM_VIEW_MASK_ANY).  Release
 * them with RtmReleaseDests.
 */
RTM_EXPORT DWORD WINAPI RtmGetEnumDests(RTM_ENTITY_HANDLE RtmRegHandle,
					RTM_ENUM_HANDLE EnumHandle,
					PUINT NumDests,
					PRTM_DEST_INFO DestInfos)
{
	return enum_get(RtmRegHandle, EnumHandle, RTM_ENUM_DESTS, NumDests,
			DestInfos);
}

/*
 * Every handle of every dest info, all or nothing (in batches of up to
 * RTM_MAX_BATCH handles: see librtm_dest_infos_release()).  The dest
 * handles of RtmGetChangedDests are refused: they are released with
 * RtmReleaseChangedDests.
 */
RTM_EXPORT DWORD WINAPI RtmReleaseDests(RTM_ENTITY_HANDLE RtmRegHandle,
					UINT NumDests,
					PRTM_DEST_INFO DestInfos)
{
	struct librtm_reg *reg;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	status = librtm_dest_infos_release(reg->fd, 0, NumDests, DestInfos);
	librtm_reg_put(reg);
	return status;
}

/*
 * The routes of one dest (DestHandle; EnumFlags' START/NEXT/RANGE and
 * StartDest are then ignored), or of the dests START/NEXT/RANGE select.
 * The criteria are read only for the fields MatchingFlags names: a
 * CriteriaRoute is needed unless the flags are RTM_MATCH_NONE or
 * RTM_MATCH_INTERFACE alone, and its next hops only for RTM_MATCH_NEXTHOP
 * (a route matches if it has every one of them).
 */
RTM_EXPORT DWORD WINAPI RtmCreateRouteEnum(RTM_ENTITY_HANDLE RtmRegHandle,
					   RTM_DEST_HANDLE DestHandle,
					   RTM_VIEW_SET TargetViews,
					   RTM_ENUM_FLAGS EnumFlags,
					   PRTM_NET_ADDRESS StartDest,
					   RTM_MATCH_FLAGS MatchingFlags,
					   PRTM_ROUTE_INFO CriteriaRoute,
					   ULONG CriteriaInterface,
					   PRTM_ENUM_HANDLE RtmEnumHandle)
{
	bool criteria = MatchingFlags & ~RTM_MATCH_INTERFACE;
	bool where_ok = DestHandle ? (EnumFlags & ENUM_WHERE) != ENUM_WHERE
				   : enum_where_ok(EnumFlags, StartDest);
	struct rtm_enum_create req;
	struct librtm_reg *reg;
	RTM_ROUTE_INFO basic;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!RtmEnumHandle || !where_ok || (criteria && !CriteriaRoute) ||
	    (MatchingFlags & RTM_MATCH_NEXTHOP &&
	     CriteriaRoute->NextHopsList.NumNextHops >
	     reg->profile.MaxNextHopsInRoute)) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}

	memset(&req, 0, sizeof(req));
	req.type = RTM_ENUM_ROUTES;
	req.flags = EnumFlags;
	req.views = librtm_views(&reg->profile, TargetViews);
	req.match_flags = MatchingFlags;
	req.interface_index = CriteriaInterface;
	req.dest = librtm_u64(DestHandle);
	if (!DestHandle && EnumFlags & ENUM_WHERE)
		memcpy(&req.address, StartDest, sizeof(req.address));
	if (criteria && !(MatchingFlags & RTM_MATCH_NEXTHOP)) {
		/* The kernel reads the next hops too: pass none. */
		memcpy(&basic, CriteriaRoute,
		       offsetof(RTM_ROUTE_INFO, NextHopsList.NextHops));
		basic.NextHopsList.NumNextHops = 0;
		req.criteria = librtm_u64(&basic);
	} else if (criteria) {
		req.criteria = librtm_u64(CriteriaRoute);
	}
	status = enum_create(reg, &req, RtmEnumHandle);
	librtm_reg_put(reg);
	return status;
}

/* Held route handles; release them with RtmReleaseRoutes. */
RTM_EXPORT DWORD WINAPI RtmGetEnumRoutes(RTM_ENTITY_HANDLE RtmRegHandle,
					 RTM_ENUM_HANDLE EnumHandle,
					 PUINT NumRoutes,
					 PRTM_ROUTE_HANDLE RouteHandles)
{
	return enum_get(RtmRegHandle, EnumHandle, RTM_ENUM_ROUTES, NumRoutes,
			RouteHandles);
}

/*
 * The caller's own next hops (next-hop lists are per entity: reference
 * 11, item 12), in (address, interface) order.
 */
RTM_EXPORT DWORD WINAPI RtmCreateNextHopEnum(RTM_ENTITY_HANDLE RtmRegHandle,
					     RTM_ENUM_FLAGS EnumFlags,
					     PRTM_NET_ADDRESS NetAddress,
					     PRTM_ENUM_HANDLE RtmEnumHandle)
{
	struct rtm_enum_create req;
	struct librtm_reg *reg;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!RtmEnumHandle || !enum_where_ok(EnumFlags, NetAddress)) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}

	memset(&req, 0, sizeof(req));
	req.type = RTM_ENUM_NEXTHOPS;
	req.flags = EnumFlags;
	if (EnumFlags & ENUM_WHERE)
		memcpy(&req.address, NetAddress, sizeof(req.address));
	status = enum_create(reg, &req, RtmEnumHandle);
	librtm_reg_put(reg);
	return status;
}

/* Held next-hop handles; release them with RtmReleaseNextHops. */
RTM_EXPORT DWORD WINAPI RtmGetEnumNextHops(RTM_ENTITY_HANDLE RtmRegHandle,
					   RTM_ENUM_HANDLE EnumHandle,
					   PUINT NumNextHops,
					   PRTM_NEXTHOP_HANDLE NextHopHandles)
{
	return enum_get(RtmRegHandle, EnumHandle, RTM_ENUM_NEXTHOPS,
			NumNextHops, NextHopHandles);
}

/* The routes of one of the caller's route lists, in insertion order. */
RTM_EXPORT DWORD WINAPI RtmCreateRouteListEnum(RTM_ENTITY_HANDLE RtmRegHandle,
					       RTM_ROUTE_LIST_HANDLE RouteListHandle,
					       PRTM_ENUM_HANDLE RtmEnumHandle)
{
	struct rtm_enum_create req;
	struct librtm_reg *reg;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!RtmEnumHandle) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}

	memset(&req, 0, sizeof(req));
	req.type = RTM_ENUM_LIST;
	req.list = librtm_u64(RouteListHandle);
	status = enum_create(reg, &req, RtmEnumHandle);
	librtm_reg_put(reg);
	return status;
}

/*
 * Held route handles.  Never ERROR_NO_MORE_ITEMS: a batch shorter than
 * *NumRoutes (possibly empty) is the end of the list.
 */
RTM_EXPORT DWORD WINAPI RtmGetListEnumRoutes(RTM_ENTITY_HANDLE RtmRegHandle,
					     RTM_ENUM_HANDLE EnumHandle,
					     PUINT NumRoutes,
					     PRTM_ROUTE_HANDLE RouteHandles)
{
	return enum_get(RtmRegHandle, EnumHandle, RTM_ENUM_LIST, NumRoutes,
			RouteHandles);
}

/* Any kind of enumeration; the handle is consumed. */
RTM_EXPORT DWORD WINAPI RtmDeleteEnumHandle(RTM_ENTITY_HANDLE RtmRegHandle,
					    RTM_ENUM_HANDLE EnumHandle)
{
	struct rtm_object req;
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.handle = librtm_u64(EnumHandle);
	ret = librtm_ioctl(reg->fd, RTM_IOC_ENUM_DELETE, &req);
	librtm_reg_put(reg);
	return librtm_win32_error(-ret);
}
