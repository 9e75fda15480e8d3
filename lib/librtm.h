/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librtm internals shared by every file: the kernel ABI, how its errors
 * become Win32 codes, and which symbols the library exports.
 */
#ifndef LIBRTM_H
#define LIBRTM_H

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

#endif /* LIBRTM_H */
