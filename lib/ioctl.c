// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The one way the library talks to the kernel, libdrm's drmIoctl() style:
 * a signal never fails a call, and errors come back as -errno so that they
 * reach librtm_win32_error() unchanged.
 */
#include <errno.h>
#include <sys/ioctl.h>

#include "librtm.h"

int librtm_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, cmd, arg);
	} while (ret == -1 && errno == EINTR);

	return ret == -1 ? -errno : ret;
}
