// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The single errno -> Win32 table.  The kernel reports errors as -errno
 * (readable under strace); every RTMv2 call turns them into the Win32 codes
 * the Windows documentation lists.
 *
 * An errno missing from the table becomes ERROR_INVALID_PARAMETER: the
 * kernel validates every field of every request, so an unexpected error is
 * most likely a request it refused.
 */
#include <errno.h>

#include "librtm.h"

static const DWORD errno_to_win32[] = {
	[EPERM]		= ERROR_ACCESS_DENIED,
	[ENOENT]	= ERROR_NOT_FOUND,
	[E2BIG]		= ERROR_INVALID_PARAMETER,
	[EBADF]		= ERROR_INVALID_HANDLE,
	[EBADMSG]	= ERROR_INVALID_DATA,	/* a bad entity identity */
	[EAGAIN]	= ERROR_NO_SYSTEM_RESOURCES,	/* also pthread_create() */
	[ENOMEM]	= ERROR_NOT_ENOUGH_MEMORY,
	[EACCES]	= ERROR_ACCESS_DENIED,
	[EFAULT]	= ERROR_INVALID_PARAMETER,
	[EEXIST]	= ERROR_ALREADY_EXISTS,
	[EINVAL]	= ERROR_INVALID_PARAMETER,
	[ENFILE]	= ERROR_NO_SYSTEM_RESOURCES,
	[EMFILE]	= ERROR_NO_SYSTEM_RESOURCES,
	[ENOTTY]	= ERROR_NOT_SUPPORTED,	/* ioctl unknown to this module */
	[ENOSPC]	= ERROR_INSUFFICIENT_BUFFER,
	[ERANGE]	= ERROR_INVALID_PARAMETER,
	[ENODATA]	= ERROR_NO_MORE_ITEMS,
	[ENOBUFS]	= ERROR_NO_SYSTEM_RESOURCES,
	[EOPNOTSUPP]	= ERROR_NOT_SUPPORTED,
	[EDQUOT]	= ERROR_NO_SYSTEM_RESOURCES,	/* per-registration cap */
};

DWORD librtm_win32_error(int err)
{
	if (err == 0)
		return NO_ERROR;
	if (err > 0 && (unsigned int)err < sizeof(errno_to_win32) /
					  sizeof(errno_to_win32[0]) &&
	    errno_to_win32[err] != NO_ERROR)
		return errno_to_win32[err];
	return ERROR_INVALID_PARAMETER;
}
