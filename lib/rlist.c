// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Entity-private route lists: RtmCreateRouteList, RtmInsertInRouteList and
 * RtmDeleteRouteList.  Their enumerations are in enum.c, and
 * RtmAddRouteToDest's RouteListHandle moves a route into a list too.
 *
 * A list holds some of its owner's routes, each in at most one list, in
 * insertion order; a route leaves its list when it is deleted or moved, or
 * the list is.  Lists and the handles in them are the kernel's.
 */
#include "convert.h"
#include "registry.h"

/* RTM_IOC_LIST_CREATE or RTM_IOC_LIST_DELETE on @handle. */
static DWORD list_object(RTM_ENTITY_HANDLE RtmRegHandle, unsigned long cmd,
			 __u64 *handle)
{
	struct rtm_object req;
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!handle) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.handle = *handle;
	ret = librtm_ioctl(reg->fd, cmd, &req);
	librtm_reg_put(reg);
	if (!ret)
		*handle = req.handle;
	return librtm_win32_error(-ret);
}

RTM_EXPORT DWORD WINAPI RtmCreateRouteList(RTM_ENTITY_HANDLE RtmRegHandle,
					   PRTM_ROUTE_LIST_HANDLE RouteListHandle)
{
	__u64 handle = 0;
	DWORD status;

	status = list_object(RtmRegHandle, RTM_IOC_LIST_CREATE,
			     RouteListHandle ? &handle : NULL);
	if (status == NO_ERROR)
		*RouteListHandle = librtm_handle(handle);
	return status;
}

/*
 * Moves the caller's routes into the list, or with a NULL list out of any
 * list.  Up to RTM_MAX_BATCH routes move all or nothing (a route that is
 * not the caller's, deleted or no route at all: ERROR_INVALID_HANDLE);
 * above that, batches already moved stay moved if a later one fails.  The
 * caller keeps its handles.
 */
RTM_EXPORT DWORD WINAPI RtmInsertInRouteList(RTM_ENTITY_HANDLE RtmRegHandle,
					     RTM_ROUTE_LIST_HANDLE RouteListHandle,
					     UINT NumRoutes,
					     PRTM_ROUTE_HANDLE RouteHandles)
{
	struct rtm_list_insert req;
	struct librtm_reg *reg;
	UINT done, chunk;
	int ret = 0;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (NumRoutes && !RouteHandles) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}

	for (done = 0; done < NumRoutes && !ret; done += chunk) {
		chunk = NumRoutes - done < RTM_MAX_BATCH ? NumRoutes - done
							 : RTM_MAX_BATCH;
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.count = chunk;
		req.list = librtm_u64(RouteListHandle);
		req.routes = librtm_u64(RouteHandles + done);
		ret = librtm_ioctl(reg->fd, RTM_IOC_LIST_INSERT, &req);
	}
	librtm_reg_put(reg);
	return librtm_win32_error(-ret);
}

/* The routes leave the list and survive; the handle is consumed. */
RTM_EXPORT DWORD WINAPI RtmDeleteRouteList(RTM_ENTITY_HANDLE RtmRegHandle,
					   RTM_ROUTE_LIST_HANDLE RouteListHandle)
{
	__u64 handle = librtm_u64(RouteListHandle);

	return list_object(RtmRegHandle, RTM_IOC_LIST_DELETE, &handle);
}
