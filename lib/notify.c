// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Change notification: RtmRegisterForChangeNotification,
 * RtmGetChangedDests, RtmReleaseChangedDests, RtmIgnoreChangedDests,
 * RtmGetChangeStatus, RtmMarkDestForChangeNotification,
 * RtmIsMarkedForChangeNotification and RtmDeregisterFromChangeNotification.
 *
 * A subscription is the kernel's: it queues each changed dest once, however
 * often it changes, until the subscriber takes it, and raises
 * RTM_EVENT_CHANGE_NOTIFICATION when the first one is queued after the
 * queue was emptied.  The dispatcher thread turns that event into the
 * entity's callback with Context1 the notify handle and Context2 its
 * NotifyContext (dispatch.c).  The callback runs outside any library lock,
 * so it may call RtmGetChangedDests and the other calls here; it must not
 * call RtmRegisterForChangeNotification (reference 6.1), although nothing
 * here would go wrong if it did.
 *
 * TargetViews RTM_VIEW_MASK_ALL is every view the registration supports, as
 * in the routing-table queries; RTM_VIEW_MASK_ANY watches every view but
 * reports dest infos without view records.
 */
#include <stdlib.h>

#include "convert.h"
#include "dispatch.h"

/*
 * The library keeps each registration's live subscriptions, with their
 * NotifyContext: RtmReleaseChangedDests accepts only their handles, and a
 * resync after lost events tells the callback of each (resync.c).
 */
static bool sub_known(struct librtm_reg *reg, RTM_NOTIFY_HANDLE handle)
{
	struct librtm_sub *sub;
	bool found = false;

	pthread_mutex_lock(&reg->subs_lock);
	for (sub = reg->subs; sub && !found; sub = sub->next)
		found = sub->handle == librtm_u64(handle);
	pthread_mutex_unlock(&reg->subs_lock);
	return found;
}

static void sub_forget(struct librtm_reg *reg, RTM_NOTIFY_HANDLE handle)
{
	struct librtm_sub **link, *sub;

	pthread_mutex_lock(&reg->subs_lock);
	for (link = &reg->subs; (sub = *link); link = &sub->next) {
		if (sub->handle == librtm_u64(handle)) {
			*link = sub->next;
			free(sub);
			break;
		}
	}
	pthread_mutex_unlock(&reg->subs_lock);
}

size_t librtm_subs_snapshot(struct librtm_reg *reg, struct librtm_sub **out)
{
	struct librtm_sub *sub, *copy = NULL;
	size_t n = 0, i = 0;

	pthread_mutex_lock(&reg->subs_lock);
	for (sub = reg->subs; sub; sub = sub->next)
		n++;
	if (n)
		copy = calloc(n, sizeof(*copy));
	for (sub = reg->subs; copy && sub; sub = sub->next)
		copy[i++] = *sub;
	pthread_mutex_unlock(&reg->subs_lock);
	*out = copy;
	return copy ? n : 0;
}

/*
 * NotifyFlags are change types (at least one) and optionally
 * RTM_NOTIFY_ONLY_MARKED_DESTS.  A table has at most 32 subscriptions:
 * ERROR_NO_SYSTEM_RESOURCES past that.
 */
RTM_EXPORT DWORD WINAPI
RtmRegisterForChangeNotification(RTM_ENTITY_HANDLE RtmRegHandle,
				 RTM_VIEW_SET TargetViews,
				 RTM_NOTIFY_FLAGS NotifyFlags,
				 PVOID NotifyContext,
				 PRTM_NOTIFY_HANDLE NotifyHandle)
{
	struct rtm_notify_register req;
	struct librtm_sub *sub;
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!NotifyHandle) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}
	/* Taken first: once the kernel has the subscription, nothing fails. */
	sub = malloc(sizeof(*sub));
	if (!sub) {
		librtm_reg_put(reg);
		return ERROR_NOT_ENOUGH_MEMORY;
	}

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.flags = NotifyFlags;
	req.views = librtm_views(&reg->profile, TargetViews);
	req.context = librtm_u64(NotifyContext);
	ret = librtm_ioctl(reg->fd, RTM_IOC_NOTIFY_REGISTER, &req);
	if (ret) {
		librtm_reg_put(reg);
		free(sub);
		return librtm_win32_error(-ret);
	}
	sub->handle = req.handle;
	sub->context = req.context;
	pthread_mutex_lock(&reg->subs_lock);
	sub->next = reg->subs;
	reg->subs = sub;
	pthread_mutex_unlock(&reg->subs_lock);
	librtm_reg_put(reg);

	*NotifyHandle = librtm_handle(req.handle);
	return NO_ERROR;
}

/*
 * Up to *NumDests (1 to MaxHandlesInEnum) queued dests, as packed dest
 * infos of the subscription's views (RTM_SIZE_OF_DEST_INFO(popcount of its
 * TargetViews) each) reporting the dests' state now: a dest whose last
 * route went has NumRoutes 0.  NO_ERROR while there are any, and
 * ERROR_NO_MORE_ITEMS with *NumDests 0 once the queue is empty (reference
 * 11, item 1).  *NumDests is 0 on any error.  Release them with
 * RtmReleaseChangedDests.
 */
RTM_EXPORT DWORD WINAPI RtmGetChangedDests(RTM_ENTITY_HANDLE RtmRegHandle,
					   RTM_NOTIFY_HANDLE NotifyHandle,
					   PUINT NumDests,
					   PRTM_DEST_INFO ChangedDests)
{
	struct rtm_notify_get req;
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg) {
		if (NumDests)
			*NumDests = 0;
		return ERROR_INVALID_HANDLE;
	}
	if (!NumDests) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}
	if (!ChangedDests || !librtm_batch_ok(&reg->profile, *NumDests)) {
		librtm_reg_put(reg);
		*NumDests = 0;
		return ERROR_INVALID_PARAMETER;
	}

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.handle = librtm_u64(NotifyHandle);
	req.count = *NumDests;
	req.buf = librtm_u64(ChangedDests);
	ret = librtm_ioctl(reg->fd, RTM_IOC_NOTIFY_GET, &req);
	librtm_reg_put(reg);

	*NumDests = ret ? 0 : req.count;
	return librtm_win32_error(-ret);
}

/*
 * Every handle of the dest infos RtmGetChangedDests returned, all or
 * nothing (see librtm_dest_infos_release()).  The kernel counts these dest
 * references apart from all others: this is the only call that releases
 * them, and it refuses dest infos from anywhere else (ERROR_INVALID_HANDLE).
 * NotifyHandle must be a live subscription of this registration, as the
 * function page has it (ERROR_INVALID_HANDLE otherwise: NULL, a value that
 * is no handle, another kind of handle, another registration's, one
 * deregistered), so release changed dests before deregistering their
 * subscription; references left so go when the entity deregisters.
 */
RTM_EXPORT DWORD WINAPI RtmReleaseChangedDests(RTM_ENTITY_HANDLE RtmRegHandle,
					       RTM_NOTIFY_HANDLE NotifyHandle,
					       UINT NumDests,
					       PRTM_DEST_INFO ChangedDests)
{
	struct librtm_reg *reg;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!sub_known(reg, NotifyHandle))
		status = ERROR_INVALID_HANDLE;
	else
		status = librtm_dest_infos_release(reg->fd, RTM_HANDLES_CHANGED,
						   NumDests, ChangedDests);
	librtm_reg_put(reg);
	return status;
}

/* RTM_IOC_NOTIFY_DEST @op on (@notify, @dest); @result if not NULL. */
static int notify_dest(struct librtm_reg *reg, enum rtm_notify_op op,
		       RTM_NOTIFY_HANDLE notify, RTM_DEST_HANDLE dest,
		       PBOOL result)
{
	struct rtm_notify_dest req;
	int ret;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.op = op;
	req.handle = librtm_u64(notify);
	req.dest = librtm_u64(dest);
	ret = librtm_ioctl(reg->fd, RTM_IOC_NOTIFY_DEST, &req);
	if (!ret && result)
		*result = req.result ? TRUE : FALSE;
	return ret;
}

/* One RTM_IOC_NOTIFY_DEST call made into an RTMv2 call. */
static DWORD notify_dest_call(RTM_ENTITY_HANDLE RtmRegHandle,
			      enum rtm_notify_op op, RTM_NOTIFY_HANDLE notify,
			      RTM_DEST_HANDLE dest, PBOOL result,
			      bool need_result)
{
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (need_result && !result) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}
	ret = notify_dest(reg, op, notify, dest, result);
	librtm_reg_put(reg);
	return librtm_win32_error(-ret);
}

/*
 * Unqueue each dest, so that RtmGetChangedDests skips it unless it changes
 * again.  Every handle is checked first (ERROR_INVALID_HANDLE, nothing
 * ignored), then every dest ignored.
 */
RTM_EXPORT DWORD WINAPI RtmIgnoreChangedDests(RTM_ENTITY_HANDLE RtmRegHandle,
					      RTM_NOTIFY_HANDLE NotifyHandle,
					      UINT NumDests,
					      PRTM_DEST_HANDLE ChangedDests)
{
	struct librtm_reg *reg;
	UINT i;
	int ret = 0;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (NumDests && !ChangedDests) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}

	for (i = 0; i < NumDests && !ret; i++)
		ret = notify_dest(reg, RTM_NOTIFY_STATUS, NotifyHandle,
				  ChangedDests[i], NULL);
	for (i = 0; i < NumDests && !ret; i++)
		ret = notify_dest(reg, RTM_NOTIFY_IGNORE, NotifyHandle,
				  ChangedDests[i], NULL);
	librtm_reg_put(reg);
	return librtm_win32_error(-ret);
}

/* TRUE while the dest waits in the subscription's queue. */
RTM_EXPORT DWORD WINAPI RtmGetChangeStatus(RTM_ENTITY_HANDLE RtmRegHandle,
					   RTM_NOTIFY_HANDLE NotifyHandle,
					   RTM_DEST_HANDLE DestHandle,
					   PBOOL ChangeStatus)
{
	return notify_dest_call(RtmRegHandle, RTM_NOTIFY_STATUS, NotifyHandle,
				DestHandle, ChangeStatus, true);
}

/* Marks matter only to RTM_NOTIFY_ONLY_MARKED_DESTS subscriptions. */
RTM_EXPORT DWORD WINAPI
RtmMarkDestForChangeNotification(RTM_ENTITY_HANDLE RtmRegHandle,
				 RTM_NOTIFY_HANDLE NotifyHandle,
				 RTM_DEST_HANDLE DestHandle,
				 BOOL MarkDest)
{
	return notify_dest_call(RtmRegHandle,
				MarkDest ? RTM_NOTIFY_MARK : RTM_NOTIFY_UNMARK,
				NotifyHandle, DestHandle, NULL, false);
}

RTM_EXPORT DWORD WINAPI
RtmIsMarkedForChangeNotification(RTM_ENTITY_HANDLE RtmRegHandle,
				 RTM_NOTIFY_HANDLE NotifyHandle,
				 RTM_DEST_HANDLE DestHandle,
				 PBOOL DestMarked)
{
	return notify_dest_call(RtmRegHandle, RTM_NOTIFY_IS_MARKED,
				NotifyHandle, DestHandle, DestMarked, true);
}

/*
 * Ends the subscription and drops its queue and marks; the handle is
 * consumed.  Changed dests already taken stay held until released.
 */
RTM_EXPORT DWORD WINAPI
RtmDeregisterFromChangeNotification(RTM_ENTITY_HANDLE RtmRegHandle,
				    RTM_NOTIFY_HANDLE NotifyHandle)
{
	struct rtm_object req;
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.handle = librtm_u64(NotifyHandle);
	ret = librtm_ioctl(reg->fd, RTM_IOC_NOTIFY_DEREGISTER, &req);
	if (!ret)
		sub_forget(reg, NotifyHandle);
	librtm_reg_put(reg);
	return librtm_win32_error(-ret);
}
