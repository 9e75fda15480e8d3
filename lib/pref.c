// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The default preference calls of rtm_pref.h over RTM_IOC_PREFERENCE, on
 * a /dev/rtm file of their own: they need no registration, and the table
 * they reach is that of the caller's network namespace at the call.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "librtm.h"
#include "rtm_pref.h"

static DWORD pref_call(struct rtm_preference *req)
{
	int fd, ret;

	fd = open(RTM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return librtm_win32_error(errno);
	req->size = sizeof(*req);
	ret = librtm_ioctl(fd, RTM_IOC_PREFERENCE, req);
	close(fd);
	return ret ? librtm_win32_error(-ret) : NO_ERROR;
}

RTM_EXPORT DWORD rtm_pref_get(ULONG ProtocolId, ULONG *Preference)
{
	struct rtm_preference req = { .op = RTM_PREF_GET };
	DWORD status;

	if (!Preference)
		return ERROR_INVALID_PARAMETER;
	req.entry.protocol_id = ProtocolId;
	status = pref_call(&req);
	if (status == NO_ERROR)
		*Preference = req.entry.preference;
	return status;
}

RTM_EXPORT DWORD rtm_pref_set(ULONG ProtocolId, ULONG Preference)
{
	struct rtm_preference req = { .op = RTM_PREF_SET };

	req.entry.protocol_id = ProtocolId;
	req.entry.preference = Preference;
	return pref_call(&req);
}

RTM_EXPORT DWORD rtm_pref_reset(ULONG ProtocolId)
{
	struct rtm_preference req = { .op = RTM_PREF_RESET };

	req.entry.protocol_id = ProtocolId;
	return pref_call(&req);
}

RTM_EXPORT DWORD rtm_pref_reset_all(void)
{
	struct rtm_preference req = { .op = RTM_PREF_RESET,
				      .flags = RTM_PREF_ALL };

	return pref_call(&req);
}

RTM_EXPORT DWORD rtm_pref_list(struct rtm_pref_entry *entries, size_t *count,
			       size_t *total)
{
	struct rtm_preference req = { .op = RTM_PREF_LIST };
	DWORD status;

	if (!count || (*count && !entries))
		return ERROR_INVALID_PARAMETER;
	/* The kernel never has more than fits in 32 bits of room. */
	req.count = *count > UINT32_MAX ? UINT32_MAX : *count;
	req.entries = *count ? (__u64)(uintptr_t)entries : 0;
	status = pref_call(&req);
	if (status != NO_ERROR && status != ERROR_INSUFFICIENT_BUFFER)
		return status;
	*count = req.count;
	if (total)
		*total = req.total;
	return status;
}
