// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Routes: RtmAddRouteToDest, RtmDeleteRouteToDest, RtmGetRouteInfo,
 * RtmReleaseRouteInfo, RtmReleaseRoutes, RtmIsBestRoute and
 * RtmGetExactMatchRoute.
 *
 * RTM_ROUTE_INFO and RTM_NET_ADDRESS are the kernel's structures
 * (convert.h): the callers' buffers go to the kernel as they are, sized
 * for the profile's MaxNextHopsInRoute next hops where the kernel writes a
 * route.
 */
#include <stdlib.h>

#include "convert.h"
#include "registry.h"
#include "shadow.h"

/* Input change flags; RTM_ROUTE_CHANGE_BEST is output only, and ignored. */
#define ROUTE_CHANGE_IN		(RTM_ROUTE_CHANGE_FIRST | RTM_ROUTE_CHANGE_NEW)

/*
 * NotifyType and NotifyHandle are reserved (callers pass 0 and NULL) and
 * ignored.  With a RouteListHandle (one of the caller's lists, else
 * ERROR_INVALID_HANDLE) the route moves into that list.
 */
RTM_EXPORT DWORD WINAPI
RtmAddRouteToDest(RTM_ENTITY_HANDLE RtmRegHandle,
		  PRTM_ROUTE_HANDLE RouteHandle,
		  PRTM_NET_ADDRESS DestAddress,
		  PRTM_ROUTE_INFO RouteInfo,
		  ULONG TimeToLive,
		  RTM_ROUTE_LIST_HANDLE RouteListHandle,
		  RTM_NOTIFY_FLAGS NotifyType,
		  RTM_NOTIFY_HANDLE NotifyHandle,
		  PRTM_ROUTE_CHANGE_FLAGS ChangeFlags)
{
	struct rtm_add_route req;
	struct librtm_reg *reg;
	int ret;

	(void)NotifyType;
	(void)NotifyHandle;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!DestAddress || !RouteInfo || !ChangeFlags ||
	    *ChangeFlags & ~(ROUTE_CHANGE_IN | RTM_ROUTE_CHANGE_BEST) ||
	    RouteInfo->NextHopsList.NumNextHops >
	    reg->profile.MaxNextHopsInRoute) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}

	/*
	 * No handle pointer: add or update by (dest, neighbour), no handle
	 * back.  A NULL handle: the same, and a held handle back.  A handle:
	 * update that route.
	 */
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	if (RouteHandle && *RouteHandle)
		req.handle = librtm_u64(*RouteHandle);
	else if (RouteHandle)
		req.flags = RTM_WANT_HANDLE;
	memcpy(&req.dest, DestAddress, sizeof(req.dest));
	req.change_flags = *ChangeFlags & ROUTE_CHANGE_IN;
	req.time_to_live = TimeToLive;
	req.route_list = librtm_u64(RouteListHandle);
	req.info = librtm_u64(RouteInfo);

	ret = librtm_ioctl(reg->fd, RTM_IOC_ADD_ROUTE, &req);
	librtm_reg_put(reg);
	if (ret)
		return librtm_win32_error(-ret);

	if (req.flags & RTM_WANT_HANDLE)
		*RouteHandle = librtm_handle(req.handle);
	*ChangeFlags = req.change_flags;
	return NO_ERROR;
}

/* The handle is consumed: the caller's reference goes with the route. */
RTM_EXPORT DWORD WINAPI
RtmDeleteRouteToDest(RTM_ENTITY_HANDLE RtmRegHandle,
		     RTM_ROUTE_HANDLE RouteHandle,
		     PRTM_ROUTE_CHANGE_FLAGS ChangeFlags)
{
	struct rtm_delete_route req;
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!ChangeFlags) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.handle = librtm_u64(RouteHandle);
	ret = librtm_ioctl(reg->fd, RTM_IOC_DELETE_ROUTE, &req);
	/* A route pointer the client still holds now shows the deletion. */
	if (!ret)
		librtm_route_deleted(reg, librtm_u64(RouteHandle));
	librtm_reg_put(reg);
	if (ret)
		return librtm_win32_error(-ret);

	*ChangeFlags = req.change_flags;
	return NO_ERROR;
}

/*
 * RTM_IOC_GET_ROUTE_INFO: the route's info (held handles, or the owner's
 * direct view), its dest's address and the views it is best in, each only
 * if asked for.  Returns 0 or -errno.
 */
int librtm_route_info(struct librtm_reg *reg, __u64 handle, __u32 flags,
		      RTM_ROUTE_INFO *info, RTM_NET_ADDRESS *dest,
		      RTM_VIEW_SET *views)
{
	struct rtm_get_route_info req;
	int ret;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.flags = flags;
	req.handle = handle;
	req.info = librtm_u64(info);
	req.dest = librtm_u64(dest);
	req.max_nexthops = reg->profile.MaxNextHopsInRoute;
	ret = librtm_ioctl(reg->fd, RTM_IOC_GET_ROUTE_INFO, &req);
	if (!ret && views)
		*views = req.views;
	return ret;
}

/*
 * RouteInfo must have room for MaxNextHopsInRoute next hops
 * (RTM_SIZE_OF_ROUTE_INFO); the handles in it are held.
 */
RTM_EXPORT DWORD WINAPI RtmGetRouteInfo(RTM_ENTITY_HANDLE RtmRegHandle,
					RTM_ROUTE_HANDLE RouteHandle,
					PRTM_ROUTE_INFO RouteInfo,
					PRTM_NET_ADDRESS DestAddress)
{
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	ret = librtm_route_info(reg, librtm_u64(RouteHandle), 0, RouteInfo,
				DestAddress, NULL);
	librtm_reg_put(reg);
	return librtm_win32_error(-ret);
}

/* A route info holds at most a dest, an owner, a neighbour and next hops. */
#define ROUTE_INFO_HANDLES_ON_STACK	(3 + 32)

/* Release the handles a route info holds. */
static DWORD route_info_release(struct librtm_reg *reg,
				const RTM_ROUTE_INFO *info)
{
	HANDLE stack[ROUTE_INFO_HANDLES_ON_STACK], *handles = stack;
	UINT n = 3 + info->NextHopsList.NumNextHops, i;
	DWORD status;

	if (info->NextHopsList.NumNextHops > reg->profile.MaxNextHopsInRoute)
		return ERROR_INVALID_PARAMETER;
	if (n > ROUTE_INFO_HANDLES_ON_STACK) {
		handles = malloc(n * sizeof(*handles));
		if (!handles)
			return ERROR_NOT_ENOUGH_MEMORY;
	}
	handles[0] = info->DestHandle;
	handles[1] = info->RouteOwner;
	handles[2] = info->Neighbour;
	for (i = 3; i < n; i++)
		handles[i] = info->NextHopsList.NextHops[i - 3];
	status = librtm_release_held(reg->fd, RTM_KIND_DEST | RTM_KIND_ENTITY |
				     RTM_KIND_NEXTHOP, n, handles);
	if (handles != stack)
		free(handles);
	return status;
}

RTM_EXPORT DWORD WINAPI RtmReleaseRouteInfo(RTM_ENTITY_HANDLE RtmRegHandle,
					    PRTM_ROUTE_INFO RouteInfo)
{
	struct librtm_reg *reg;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	status = RouteInfo ? route_info_release(reg, RouteInfo)
			   : ERROR_INVALID_PARAMETER;
	librtm_reg_put(reg);
	return status;
}

RTM_EXPORT DWORD WINAPI RtmReleaseRoutes(RTM_ENTITY_HANDLE RtmRegHandle,
					 UINT NumRoutes,
					 PRTM_ROUTE_HANDLE RouteHandles)
{
	struct librtm_reg *reg;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	status = librtm_handles_ioctl(reg->fd, RTM_IOC_RELEASE, RTM_KIND_ROUTE,
				      NumRoutes, RouteHandles);
	if (status == NO_ERROR) {
		/* Route pointers go with the client's last reference. */
		pthread_mutex_lock(&reg->shadow_lock);
		librtm_shadows_forget(reg, NumRoutes, RouteHandles);
		pthread_mutex_unlock(&reg->shadow_lock);
	}
	librtm_reg_put(reg);
	return status;
}

RTM_EXPORT DWORD WINAPI RtmIsBestRoute(RTM_ENTITY_HANDLE RtmRegHandle,
				       RTM_ROUTE_HANDLE RouteHandle,
				       PRTM_VIEW_SET BestInViews)
{
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!BestInViews) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}
	ret = librtm_route_info(reg, librtm_u64(RouteHandle), 0, NULL, NULL,
				BestInViews);
	librtm_reg_put(reg);
	return librtm_win32_error(-ret);
}

/*
 * RouteInfo holds the criteria on input and the route found on output
 * (held handles), so it must have room for MaxNextHopsInRoute next hops.
 */
RTM_EXPORT DWORD WINAPI
RtmGetExactMatchRoute(RTM_ENTITY_HANDLE RtmRegHandle,
		      PRTM_NET_ADDRESS DestAddress,
		      RTM_MATCH_FLAGS MatchingFlags,
		      PRTM_ROUTE_INFO RouteInfo,
		      ULONG InterfaceIndex,
		      RTM_VIEW_SET TargetViews,
		      PRTM_ROUTE_HANDLE RouteHandle)
{
	struct rtm_get_exact_route req;
	RTM_DEST_HANDLE dest = NULL;
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!DestAddress || !RouteInfo) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	if (RouteHandle) {
		req.flags = RTM_WANT_HANDLE;
		/* Ignored on input; set if the kernel wrote the route out. */
		dest = RouteInfo->DestHandle;
		RouteInfo->DestHandle = NULL;
	}
	memcpy(&req.address, DestAddress, sizeof(req.address));
	req.match_flags = MatchingFlags;
	req.interface_index = InterfaceIndex;
	req.views = librtm_views(&reg->profile, TargetViews);
	req.info = librtm_u64(RouteInfo);
	req.max_nexthops = reg->profile.MaxNextHopsInRoute;
	ret = librtm_ioctl(reg->fd, RTM_IOC_GET_EXACT_ROUTE, &req);
	if (ret && RouteHandle) {
		/*
		 * The kernel writes the route info, with held handles, before
		 * it takes the route handle; if that fails (-EDQUOT, -ENOMEM)
		 * it reports the error but keeps the info's handles.
		 */
		if (RouteInfo->DestHandle)
			route_info_release(reg, RouteInfo);
		RouteInfo->DestHandle = dest;
	}
	librtm_reg_put(reg);
	if (ret)
		return librtm_win32_error(-ret);

	if (RouteHandle)
		*RouteHandle = librtm_handle(req.handle);
	return NO_ERROR;
}
