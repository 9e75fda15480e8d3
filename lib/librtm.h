/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librtm internals shared by every file: the kernel ABI, how its errors
 * become Win32 codes, and which symbols the library exports.
 */
#ifndef LIBRTM_H
#define LIBRTM_H

#include <stdbool.h>
#include <linux/rtm.h>

#include "rtmv2.h"

/* Built with -fvisibility=hidden: only the RTMv2 API is exported. */
#define RTM_EXPORT __attribute__((visibility("default")))

#define RTM_DEVICE_PATH		"/dev/" RTM_DEVICE_NAME

/* ioctl(2) on an rtm fd, retried on EINTR; returns 0 or -errno. */
int librtm_ioctl(int fd, unsigned long cmd, void *arg);

/* The Win32 code for a positive errno value (NO_ERROR for 0). */
DWORD librtm_win32_error(int err);

/*
 * RTM_IOC_REFERENCE / RTM_IOC_RELEASE over any number of handles, in
 * chunks of RTM_MAX_BATCH.
 */
DWORD librtm_handles_ioctl(int fd, unsigned long cmd, __u32 kinds,
			   UINT count, const HANDLE *handles);

/*
 * RTM_IOC_RELEASE of the handles an info structure holds: the non-NULL
 * ones of @handles, which is used as scratch space.  All or nothing for up
 * to RTM_MAX_BATCH handles.
 */
DWORD librtm_release_held(int fd, __u32 kinds, UINT count, HANDLE *handles);

/*
 * RTM_IOC_RELEASE of every handle in @count dest infos packed with the
 * stride of the first one's NumberOfViews (dest.c); @flags is 0 or
 * RTM_HANDLES_CHANGED.
 */
DWORD librtm_dest_infos_release(int fd, __u32 flags, UINT count,
				const RTM_DEST_INFO *infos);

/*
 * A batch size a Get call may ask for: 1 to the profile's MaxHandlesInEnum.
 */
static inline bool librtm_batch_ok(const RTM_REGN_PROFILE *profile, UINT num)
{
	return num && num <= profile->MaxHandlesInEnum;
}

/*
 * The views a query names: RTM_VIEW_MASK_ALL stands for every view the
 * registration supports; anything else goes to the kernel as it is.
 */
static inline __u32 librtm_views(const RTM_REGN_PROFILE *profile,
				 RTM_VIEW_SET views)
{
	return views == RTM_VIEW_MASK_ALL ? profile->ViewsSupported : views;
}

/* Bytes of an RTM_ROUTE_INFO with room for @nexthops next hops. */
static inline size_t librtm_route_info_size(UINT nexthops)
{
	size_t size = RTM_SIZE_OF_ROUTE_INFO((size_t)nexthops);

	return size < sizeof(RTM_ROUTE_INFO) ? sizeof(RTM_ROUTE_INFO) : size;
}

#endif /* LIBRTM_H */
