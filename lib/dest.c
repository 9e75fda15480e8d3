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
 */
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

/* The dest and, per view record, its Route, Owner and HoldRoute. */
RTM_EXPORT DWORD WINAPI RtmReleaseDestInfo(RTM_ENTITY_HANDLE RtmRegHandle,
					   PRTM_DEST_INFO DestInfo)
{
	HANDLE handles[1 + 3 * RTM_MAX_VIEWS];
	struct librtm_reg *reg;
	DWORD status;
	UINT i, n = 0;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	status = ERROR_INVALID_PARAMETER;
	if (!DestInfo || DestInfo->NumberOfViews > RTM_MAX_VIEWS)
		goto out;

	handles[n++] = DestInfo->DestHandle;
	for (i = 0; i < DestInfo->NumberOfViews; i++) {
		handles[n++] = DestInfo->ViewInfo[i].Route;
		handles[n++] = DestInfo->ViewInfo[i].Owner;
		handles[n++] = DestInfo->ViewInfo[i].HoldRoute;
	}
	status = librtm_release_held(reg->fd, RTM_KIND_DEST | RTM_KIND_ROUTE |
				     RTM_KIND_ENTITY, n, handles);
out:
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
