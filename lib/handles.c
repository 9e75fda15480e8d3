// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Handle references: RtmReferenceHandles, and the batched reference and
 * release ioctl behind it and behind every RtmRelease* of bare handles.
 */
#include <stdlib.h>

#include "convert.h"
#include "registry.h"
#include "shadow.h"

/* The RTM_KIND_* bit of a handle's kind, 0 for none. */
static __u32 handle_kind_bit(HANDLE h)
{
	unsigned int kind = librtm_u64(h) >> 56;

	return kind ? 1U << (kind - 1) : 0;
}

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

/*
 * Hand @count handles to the kernel's reference (@release false) or release
 * ioctl, less those that are a route's next-hop references moved by hand
 * during an update in place (librtm_route_edit_absorb()), which are taken
 * back if the kernel refuses the rest.  shadow_lock held.
 */
DWORD librtm_handles_edit(struct librtm_reg *reg, bool release, __u32 kinds,
			  UINT count, HANDLE *handles)
{
	unsigned long cmd = release ? RTM_IOC_RELEASE : RTM_IOC_REFERENCE;
	HANDLE *rest;
	bool *absorbed;
	UINT i, n = 0;
	DWORD status;

	if (!reg->shadow_edits || !count || !handles)
		return librtm_handles_ioctl(reg->fd, cmd, kinds, count, handles);
	rest = malloc(count * (sizeof(*rest) + sizeof(*absorbed)));
	if (!rest)
		return ERROR_NOT_ENOUGH_MEMORY;
	absorbed = (bool *)(rest + count);
	for (i = 0; i < count; i++) {
		absorbed[i] = handle_kind_bit(handles[i]) == RTM_KIND_NEXTHOP &&
			      librtm_route_edit_absorb(reg, release,
						       handles[i], false);
		if (!absorbed[i])
			rest[n++] = handles[i];
	}
	status = librtm_handles_ioctl(reg->fd, cmd, kinds, n, rest);
	if (status != NO_ERROR)
		for (i = count; i-- > 0;)
			if (absorbed[i])
				librtm_route_edit_absorb(reg, release,
							 handles[i], true);
	free(rest);
	return status;
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
	pthread_mutex_lock(&reg->shadow_lock);
	status = librtm_handles_edit(reg, false, RTM_KIND_ENTITY |
				     RTM_KIND_DEST | RTM_KIND_ROUTE |
				     RTM_KIND_NEXTHOP, NumHandles, RtmHandles);
	pthread_mutex_unlock(&reg->shadow_lock);
	librtm_reg_put(reg);
	return status;
}
