// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Destinations: RtmGetDestInfo, RtmGetExactMatchDestination,
 * RtmGetMostSpecificDestination, RtmGetLessSpecificDestination,
 * RtmReleaseDestInfo and RtmHoldDestination.
 *
 * Every query is one RTM_IOC_GET_DEST writing straight into the caller's
 * RTM_DEST_INFO (convert.h), which must have room for one view record per
 * view asked for: RTM_SIZE_OF_DEST_INFO(popcount(TargetViews)), or the
 * profile's NumberOfViews for RTM_VIEW_MASK_ALL.
 *
 * Releasing dest infos, one here or packed arrays of them from
 * RtmGetEnumDests and RtmGetChangedDests, is librtm_dest_infos_release().
 */
#include <stdlib.h>

#include "convert.h"
#include "registry.h"

static DWORD dest_get(RTM_ENTITY_HANDLE RtmRegHandle, enum rtm_dest_match match,
		      RTM_DEST_HANDLE DestHandle, const RTM_NET_ADDRESS *address,
		      ULONG ProtocolId, RTM_VIEW_SET TargetViews,
		      PRTM_DEST_INFO DestInfo)
{
	struct rtm_get_dest req;
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!DestInfo || (match != RTM_DEST_BY_HANDLE &&
			  match != RTM_DEST_LESS_SPECIFIC && !address)) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.match = match;
	req.handle = librtm_u64(DestHandle);
	if (address)
		memcpy(&req.address, address, sizeof(req.address));
	req.views = librtm_views(&reg->profile, TargetViews);
	/* RTM_BEST_PROTOCOL and RTM_THIS_PROTOCOL are the kernel's values. */
	req.protocol_id = ProtocolId;
	req.info = librtm_u64(DestInfo);
	ret = librtm_ioctl(reg->fd, RTM_IOC_GET_DEST, &req);
	librtm_reg_put(reg);
	return librtm_win32_error(-ret);
}

RTM_EXPORT DWORD WINAPI RtmGetDestInfo(RTM_ENTITY_HANDLE RtmRegHandle,
				       RTM_DEST_HANDLE DestHandle,
				       ULONG ProtocolId,
				       RTM_VIEW_SET TargetViews,
				       PRTM_DEST_INFO DestInfo)
{
	return dest_get(RtmRegHandle, RTM_DEST_BY_HANDLE, DestHandle, NULL,
			ProtocolId, TargetViews, DestInfo);
}

RTM_EXPORT DWORD WINAPI
RtmGetExactMatchDestination(RTM_ENTITY_HANDLE RtmRegHandle,
			    PRTM_NET_ADDRESS DestAddress,
			    ULONG ProtocolId,
			    RTM_VIEW_SET TargetViews,
			    PRTM_DEST_INFO DestInfo)
{
	return dest_get(RtmRegHandle, RTM_DEST_EXACT, NULL, DestAddress,
			ProtocolId, TargetViews, DestInfo);
}

RTM_EXPORT DWORD WINAPI
RtmGetMostSpecificDestination(RTM_ENTITY_HANDLE RtmRegHandle,
			      PRTM_NET_ADDRESS DestAddress,
			      ULONG ProtocolId,
			      RTM_VIEW_SET TargetViews,
			      PRTM_DEST_INFO DestInfo)
{
	return dest_get(RtmRegHandle, RTM_DEST_LONGEST, NULL, DestAddress,
			ProtocolId, TargetViews, DestInfo);
}

RTM_EXPORT DWORD WINAPI
RtmGetLessSpecificDestination(RTM_ENTITY_HANDLE RtmRegHandle,
			      RTM_DEST_HANDLE DestHandle,
			      ULONG ProtocolId,
			      RTM_VIEW_SET TargetViews,
			      PRTM_DEST_INFO DestInfo)
{
	return dest_get(RtmRegHandle, RTM_DEST_LESS_SPECIFIC, DestHandle, NULL,
			ProtocolId, TargetViews, DestInfo);
}

/* Handles one dest info holds: the dest, and per view Route, Owner, HoldRoute. */
#define DEST_INFO_HANDLES(nviews)	(1 + 3 * (size_t)(nviews))

/* Handles released by one RTM_IOC_RELEASE when they fit on the stack. */
#define DEST_RELEASE_ON_STACK		DEST_INFO_HANDLES(RTM_MAX_VIEWS)

static const RTM_DEST_INFO *dest_info_at(const RTM_DEST_INFO *infos,
					 size_t stride, UINT i)
{
	return (const RTM_DEST_INFO *)((const char *)infos + i * stride);
}

/* RTM_IOC_RELEASE of @count handles, with @flags (RTM_HANDLES_CHANGED). */
static DWORD dest_release(int fd, __u32 flags, UINT count, HANDLE *handles)
{
	struct rtm_handles req;
	int ret;

	if (!count)
		return NO_ERROR;
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.flags = flags;
	req.kinds = RTM_KIND_DEST | RTM_KIND_ROUTE | RTM_KIND_ENTITY;
	req.count = count;
	req.handles = librtm_u64(handles);
	ret = librtm_ioctl(fd, RTM_IOC_RELEASE, &req);
	return librtm_win32_error(-ret);
}

/*
 * The packed array's stride comes from the first element's NumberOfViews,
 * the only size the caller gives (reference 4.5); every element must have
 * the same.  The handles go to the kernel in as few RTM_IOC_RELEASE calls
 * as RTM_MAX_BATCH allows, each all or nothing and never splitting one
 * dest info; should a later call fail, the infos before it stay released.
 * NULL handles (views without a best or held route) are skipped.
 */
DWORD librtm_dest_infos_release(int fd, __u32 flags, UINT count,
				const RTM_DEST_INFO *infos)
{
	HANDLE stack[DEST_RELEASE_ON_STACK], *handles = stack;
	const RTM_DEST_INFO *info;
	UINT nviews, per_call, i, v, n;
	size_t stride, room;
	DWORD status = NO_ERROR;

	if (!count)
		return NO_ERROR;
	if (!infos || infos->NumberOfViews > RTM_MAX_VIEWS)
		return ERROR_INVALID_PARAMETER;
	nviews = infos->NumberOfViews;
	stride = RTM_SIZE_OF_DEST_INFO((size_t)nviews);
	for (i = 1; i < count; i++)
		if (dest_info_at(infos, stride, i)->NumberOfViews != nviews)
			return ERROR_INVALID_PARAMETER;

	per_call = RTM_MAX_BATCH / DEST_INFO_HANDLES(nviews);
	if (per_call > count)
		per_call = count;
	room = per_call * DEST_INFO_HANDLES(nviews);
	if (room > DEST_RELEASE_ON_STACK) {
		handles = malloc(room * sizeof(*handles));
		if (!handles)
			return ERROR_NOT_ENOUGH_MEMORY;
	}

	for (i = 0, n = 0; i < count && status == NO_ERROR; i++) {
		info = dest_info_at(infos, stride, i);
		if (info->DestHandle)
			handles[n++] = info->DestHandle;
		for (v = 0; v < nviews; v++) {
			if (info->ViewInfo[v].Route)
				handles[n++] = info->ViewInfo[v].Route;
			if (info->ViewInfo[v].Owner)
				handles[n++] = info->ViewInfo[v].Owner;
			if (info->ViewInfo[v].HoldRoute)
				handles[n++] = info->ViewInfo[v].HoldRoute;
		}
		if ((i + 1) % per_call == 0 || i + 1 == count) {
			status = dest_release(fd, flags, n, handles);
			n = 0;
		}
	}

	if (handles != stack)
		free(handles);
	return status;
}

RTM_EXPORT DWORD WINAPI RtmReleaseDestInfo(RTM_ENTITY_HANDLE RtmRegHandle,
					   PRTM_DEST_INFO DestInfo)
{
	struct librtm_reg *reg;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	status = DestInfo ? librtm_dest_infos_release(reg->fd, 0, 1, DestInfo)
			  : ERROR_INVALID_PARAMETER;
	librtm_reg_put(reg);
	return status;
}

RTM_EXPORT DWORD WINAPI RtmHoldDestination(RTM_ENTITY_HANDLE RtmRegHandle,
					   RTM_DEST_HANDLE DestHandle,
					   RTM_VIEW_SET TargetViews,
					   ULONG HoldTime)
{
	struct rtm_hold_dest req;
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!HoldTime) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.views = librtm_views(&reg->profile, TargetViews);
	req.handle = librtm_u64(DestHandle);
	req.hold_time = HoldTime;
	ret = librtm_ioctl(reg->fd, RTM_IOC_HOLD_DEST, &req);
	librtm_reg_put(reg);
	return librtm_win32_error(-ret);
}
