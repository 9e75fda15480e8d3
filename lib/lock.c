// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dest and route locks, opaque pointers and route pointers:
 * RtmLockDestination, RtmGetOpaqueInformationPointer, RtmGetRoutePointer,
 * RtmLockRoute and RtmUpdateAndUnlockRoute.
 *
 * The locks are the kernel's (RTM_IOC_LOCK): shared or exclusive, per dest,
 * waited for interruptibly, dropped with the registration.  What Windows
 * hands out as pointers into RTM's memory are shadows here (shadow.c):
 *  - the opaque pointer is a shadow cell for the dest, loaded from the
 *    kernel's slot when it is asked for and on every lock, and stored back
 *    by the exclusive unlock of the dest;
 *  - a route pointer is a shadow RTM_ROUTE_INFO (the owner's direct view,
 *    handles inside not held), refreshed when asked for and when the route
 *    is locked; RtmUpdateAndUnlockRoute writes the writable fields of the
 *    exclusively locked shadow back as an update of the route, then
 *    unlocks, and keeps the lock if the update fails.
 */
#include <errno.h>
#include <string.h>

#include "convert.h"
#include "registry.h"
#include "shadow.h"

static int lock_ioctl(struct librtm_reg *reg, __u64 handle, __u32 flags,
		      __u64 *opaque)
{
	struct rtm_lock req;
	int ret;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.flags = flags;
	req.handle = handle;
	req.opaque = *opaque;
	ret = librtm_ioctl(reg->fd, RTM_IOC_LOCK, &req);
	if (!ret)
		*opaque = req.opaque;
	return ret;
}

static PVOID *cell_of(struct librtm_shadow *sh)
{
	void *data = sh->data;

	return data;
}

/* A dest's opaque cell, if the registration asked for its pointer. */
static PVOID *opaque_cell(struct librtm_reg *reg, __u64 dest)
{
	struct librtm_shadow *sh = librtm_shadow_find(reg, dest);

	return sh && sh->size == sizeof(PVOID) ? cell_of(sh) : NULL;
}

static PRTM_ROUTE_INFO route_of(struct librtm_shadow *sh)
{
	void *data = sh->data;

	return data;
}

RTM_EXPORT DWORD WINAPI
RtmGetOpaqueInformationPointer(RTM_ENTITY_HANDLE RtmRegHandle,
			       RTM_DEST_HANDLE DestHandle,
			       PVOID *OpaqueInfoPointer)
{
	struct librtm_shadow *sh;
	struct librtm_reg *reg;
	__u64 value = 0;
	DWORD status;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	status = ERROR_INVALID_PARAMETER;
	if (!OpaqueInfoPointer)
		goto out;
	status = ERROR_INVALID_HANDLE;
	if (!DestHandle)
		goto out;

	pthread_mutex_lock(&reg->shadow_lock);
	/* -ENOENT without a slot; -EBADF for anything but a dest. */
	ret = lock_ioctl(reg, librtm_u64(DestHandle), RTM_LOCK_GET_OPAQUE,
			 &value);
	status = librtm_win32_error(-ret);
	if (!ret) {
		sh = librtm_shadow_get(reg, librtm_u64(DestHandle),
				       sizeof(PVOID));
		if (!sh || sh->size != sizeof(PVOID)) {
			status = ERROR_NOT_ENOUGH_MEMORY;
		} else {
			*cell_of(sh) = (PVOID)(uintptr_t)value;
			*OpaqueInfoPointer = cell_of(sh);
		}
	}
	pthread_mutex_unlock(&reg->shadow_lock);
out:
	librtm_reg_put(reg);
	return status;
}

/*
 * Lock or unlock the dest of @handle, a dest or (@route) a route; may
 * wait.  A dest's exclusive unlock stores its opaque cell back.
 */
static DWORD dest_lock(struct librtm_reg *reg, __u64 handle, bool route,
		       bool exclusive, bool lock)
{
	__u32 flags = (exclusive ? RTM_LOCK_EXCLUSIVE : 0) |
		      (route ? RTM_LOCK_ROUTE : 0);
	__u64 opaque = 0;
	PVOID *cell;
	int ret;

	if (!lock) {
		flags |= RTM_LOCK_UNLOCK;
		pthread_mutex_lock(&reg->shadow_lock);
		cell = !route && exclusive ? opaque_cell(reg, handle) : NULL;
		if (cell) {
			flags |= RTM_LOCK_SET_OPAQUE;
			opaque = (uintptr_t)*cell;
		}
		ret = lock_ioctl(reg, handle, flags, &opaque);
		/* Without a slot there is nothing to store: just unlock. */
		if (ret == -ENOENT && cell)
			ret = lock_ioctl(reg, handle, flags &
					 ~RTM_LOCK_SET_OPAQUE, &opaque);
		pthread_mutex_unlock(&reg->shadow_lock);
		return librtm_win32_error(-ret);
	}

	/* A lock may wait for another holder: not under the shadow lock. */
	ret = lock_ioctl(reg, handle, flags, &opaque);
	if (ret)
		return librtm_win32_error(-ret);
	pthread_mutex_lock(&reg->shadow_lock);
	cell = opaque_cell(reg, handle);
	if (cell)
		*cell = (PVOID)(uintptr_t)opaque;
	pthread_mutex_unlock(&reg->shadow_lock);
	return NO_ERROR;
}

RTM_EXPORT DWORD WINAPI RtmLockDestination(RTM_ENTITY_HANDLE RtmRegHandle,
					   RTM_DEST_HANDLE DestHandle,
					   BOOL Exclusive, BOOL LockDest)
{
	struct librtm_reg *reg;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	librtm_reg_ref(reg);
	librtm_reg_put(reg);
	if (!DestHandle)
		status = ERROR_INVALID_HANDLE;
	else
		status = dest_lock(reg, librtm_u64(DestHandle), false,
				   Exclusive, LockDest);
	librtm_reg_unref(reg);
	return status;
}

static size_t route_shadow_size(struct librtm_reg *reg)
{
	return RTM_SIZE_OF_ROUTE_INFO(reg->profile.MaxNextHopsInRoute);
}

/* Refresh the shadow of the caller's route; shadow_lock held. */
static DWORD route_refresh(struct librtm_reg *reg, __u64 handle,
			   struct librtm_shadow **shp)
{
	struct rtm_get_route_info req;
	struct librtm_shadow *sh;
	int ret;

	sh = librtm_shadow_get(reg, handle, route_shadow_size(reg));
	if (!sh || sh->size != route_shadow_size(reg))
		return ERROR_NOT_ENOUGH_MEMORY;
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.flags = RTM_INFO_DIRECT;	/* the owner's only: -EACCES */
	req.handle = handle;
	req.info = librtm_u64(sh->data);
	req.max_nexthops = reg->profile.MaxNextHopsInRoute;
	ret = librtm_ioctl(reg->fd, RTM_IOC_GET_ROUTE_INFO, &req);
	if (ret)
		return librtm_win32_error(-ret);
	*shp = sh;
	return NO_ERROR;
}

RTM_EXPORT DWORD WINAPI RtmGetRoutePointer(RTM_ENTITY_HANDLE RtmRegHandle,
					   RTM_ROUTE_HANDLE RouteHandle,
					   PRTM_ROUTE_INFO *RoutePointer)
{
	struct librtm_shadow *sh;
	struct librtm_reg *reg;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	status = ERROR_INVALID_PARAMETER;
	if (!RoutePointer)
		goto out;
	status = ERROR_INVALID_HANDLE;
	if (!RouteHandle)
		goto out;
	pthread_mutex_lock(&reg->shadow_lock);
	sh = librtm_shadow_find(reg, librtm_u64(RouteHandle));
	/* An exclusive holder's edits in progress are not overwritten. */
	if (sh && sh->writer) {
		*RoutePointer = route_of(sh);
		status = NO_ERROR;
	} else {
		status = route_refresh(reg, librtm_u64(RouteHandle), &sh);
		if (status == NO_ERROR)
			*RoutePointer = route_of(sh);
	}
	pthread_mutex_unlock(&reg->shadow_lock);
out:
	librtm_reg_put(reg);
	return status;
}

RTM_EXPORT DWORD WINAPI RtmLockRoute(RTM_ENTITY_HANDLE RtmRegHandle,
				     RTM_ROUTE_HANDLE RouteHandle,
				     BOOL Exclusive, BOOL LockRoute,
				     PRTM_ROUTE_INFO *RoutePointer)
{
	__u64 handle = librtm_u64(RouteHandle);
	struct librtm_shadow *sh;
	struct librtm_reg *reg;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	librtm_reg_ref(reg);
	librtm_reg_put(reg);
	status = ERROR_INVALID_HANDLE;
	if (!RouteHandle)
		goto out;

	if (!LockRoute) {
		status = dest_lock(reg, handle, true, Exclusive, false);
		if (status == NO_ERROR && Exclusive) {
			pthread_mutex_lock(&reg->shadow_lock);
			sh = librtm_shadow_find(reg, handle);
			if (sh)
				sh->writer = false;
			pthread_mutex_unlock(&reg->shadow_lock);
		}
		goto out;
	}

	/* -EACCES for another entity's exclusive lock. */
	status = dest_lock(reg, handle, true, Exclusive, true);
	if (status != NO_ERROR || (!RoutePointer && !Exclusive))
		goto out;
	pthread_mutex_lock(&reg->shadow_lock);
	status = route_refresh(reg, handle, &sh);
	if (status == NO_ERROR) {
		sh->writer = Exclusive;
		if (RoutePointer)
			*RoutePointer = route_of(sh);
	}
	pthread_mutex_unlock(&reg->shadow_lock);
	/* No pointer for another entity's route: its lock is dropped too. */
	if (status != NO_ERROR)
		dest_lock(reg, handle, true, Exclusive, false);
out:
	librtm_reg_unref(reg);
	return status;
}

RTM_EXPORT DWORD WINAPI
RtmUpdateAndUnlockRoute(RTM_ENTITY_HANDLE RtmRegHandle,
			RTM_ROUTE_HANDLE RouteHandle, ULONG TimeToLive,
			RTM_ROUTE_LIST_HANDLE RouteListHandle,
			RTM_NOTIFY_FLAGS NotifyType,
			RTM_NOTIFY_HANDLE NotifyHandle,
			PRTM_ROUTE_CHANGE_FLAGS ChangeFlags)
{
	__u64 handle = librtm_u64(RouteHandle);
	struct rtm_add_route req;
	struct librtm_shadow *sh;
	struct librtm_reg *reg;
	DWORD status;
	int ret;

	(void)NotifyType;	/* reserved, as for RtmAddRouteToDest */
	(void)NotifyHandle;
	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	librtm_reg_ref(reg);
	librtm_reg_put(reg);
	status = ERROR_INVALID_PARAMETER;
	if (!ChangeFlags)
		goto out;
	status = ERROR_INVALID_HANDLE;
	if (!RouteHandle)
		goto out;

	pthread_mutex_lock(&reg->shadow_lock);
	sh = librtm_shadow_find(reg, handle);
	/* Only an exclusive lock taken with RtmLockRoute has edits to commit. */
	if (!sh || !sh->writer) {
		pthread_mutex_unlock(&reg->shadow_lock);
		status = ERROR_INVALID_PARAMETER;
		goto out;
	}
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.handle = handle;
	req.time_to_live = TimeToLive;
	req.route_list = librtm_u64(RouteListHandle);
	req.info = librtm_u64(sh->data);
	ret = librtm_ioctl(reg->fd, RTM_IOC_ADD_ROUTE, &req);
	pthread_mutex_unlock(&reg->shadow_lock);
	/* A failed update keeps the route locked (reference 7.5). */
	if (ret) {
		status = librtm_win32_error(-ret);
		goto out;
	}
	*ChangeFlags = req.change_flags;
	status = dest_lock(reg, handle, true, true, false);
	if (status == NO_ERROR) {
		pthread_mutex_lock(&reg->shadow_lock);
		sh->writer = false;
		pthread_mutex_unlock(&reg->shadow_lock);
	}
out:
	librtm_reg_unref(reg);
	return status;
}
