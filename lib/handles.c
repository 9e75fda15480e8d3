// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Handle references: RtmReferenceHandles, and the batched reference and
 * release ioctl behind it and behind every RtmRelease* of bare handles.
 */
#include "convert.h"
#include "registry.h"

/*
 * Within one chunk a release is all or nothing (the kernel's rule); above
 * RTM_MAX_BATCH handles, chunks already done stay done if a later one fails.
 */
DWORD librtm_handles_ioctl(int fd, unsigned long cmd, __u32 kinds,
			   UINT count, const HANDLE *handles)
{
	struct rtm_handles req;
	UINT done, chunk;
	int ret;

	if (count == 0)
		return NO_ERROR;
	if (!handles)
		return ERROR_INVALID_PARAMETER;

	for (done = 0; done < count; done += chunk) {
		chunk = count - done < RTM_MAX_BATCH ? count - done
						     : RTM_MAX_BATCH;
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.kinds = kinds;
		req.count = chunk;
		req.handles = librtm_u64(handles + done);
		ret = librtm_ioctl(fd, cmd, &req);
		if (ret)
			return librtm_win32_error(-ret);
	}
	return NO_ERROR;
}

DWORD librtm_release_held(int fd, __u32 kinds, UINT count, HANDLE *handles)
{
	UINT i, n = 0;

	for (i = 0; i < count; i++)
		if (handles[i])
			handles[n++] = handles[i];
	return librtm_handles_ioctl(fd, RTM_IOC_RELEASE, kinds, n, handles);
}

RTM_EXPORT DWORD WINAPI RtmReferenceHandles(RTM_ENTITY_HANDLE RtmRegHandle,
					    UINT NumHandles,
					    HANDLE *RtmHandles)
{
	struct librtm_reg *reg;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	status = librtm_handles_ioctl(reg->fd, RTM_IOC_REFERENCE,
				      RTM_KIND_ENTITY | RTM_KIND_DEST |
				      RTM_KIND_ROUTE | RTM_KIND_NEXTHOP,
				      NumHandles, RtmHandles);
	librtm_reg_put(reg);
	return status;
}
