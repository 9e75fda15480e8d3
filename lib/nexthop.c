// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Next hops: RtmAddNextHop, RtmFindNextHop, RtmDeleteNextHop,
 * RtmGetNextHopInfo, RtmReleaseNextHopInfo, RtmReleaseNextHops,
 * RtmGetNextHopPointer and RtmLockNextHop.
 *
 * On Windows the pointer calls hand the owner a pointer into RTM's own
 * copy of its next hop.  Here the kernel's copy is out of reach, so the
 * library keeps a shadow per next hop and registration: an RTM_NEXTHOP_INFO
 * filled from the kernel's direct view of the owner's object (handles
 * inside are not held), refreshed whenever a pointer call or a lock asks
 * for it and nobody holds the shadow locked.  A pointer stays valid while
 * the client holds the next hop's handle (shadow.h says when it goes).
 *
 * RtmLockNextHop locks the shadow: any number of shared holders, or one
 * exclusive holder, who may change the writable fields (Flags and
 * EntitySpecificInfo) in place; the exclusive unlock writes them back to the
 * kernel.  The key (NextHopAddress, InterfaceIndex) must not change: an
 * unlock that finds it changed fails with ERROR_INVALID_PARAMETER and keeps
 * the lock, so that the holder can put the key back and unlock again.
 * Waiters of a registration that is deregistered meanwhile wake and fail
 * with ERROR_INVALID_HANDLE (librtm_shadows_kill()): the holder's handle is
 * dead, so nobody could unlock for them.
 *
 * The shadows (shadow.c) are under one mutex of the registration, also
 * held across the few ioctls that fill or write back a shadow, so that a
 * shadow is never written while a holder of its lock reads it.
 */
#include <errno.h>
#include <stdlib.h>

#include "convert.h"
#include "registry.h"
#include "shadow.h"

/* What a next hop's shadow holds. */
struct nh_shadow {
	RTM_NEXTHOP_INFO info;		/* what the pointer calls return */
	RTM_NEXTHOP_INFO locked;	/* the shadow as the exclusive lock found it */
};

static struct nh_shadow *nh_data(struct librtm_shadow *sh)
{
	void *data = sh->data;

	return data;
}

static struct librtm_shadow *shadow_get(struct librtm_reg *reg, __u64 handle)
{
	return librtm_shadow_get(reg, handle, sizeof(struct nh_shadow));
}

/* RTM_IOC_GET_NEXTHOP_INFO into @info; 0 or -errno. */
static int nexthop_fetch(struct librtm_reg *reg, __u64 handle, __u32 flags,
			 RTM_NEXTHOP_INFO *info)
{
	struct rtm_get_nexthop_info req;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.flags = flags;
	req.handle = handle;
	req.info = librtm_u64(info);
	return librtm_ioctl(reg->fd, RTM_IOC_GET_NEXTHOP_INFO, &req);
}

/*
 * Point @pointer at the refreshed shadow of the caller's next hop @handle
 * (refreshed only if nobody holds it locked).
 */
static DWORD nexthop_pointer(struct librtm_reg *reg, __u64 handle,
			     PRTM_NEXTHOP_INFO *pointer)
{
	struct librtm_shadow *sh;
	RTM_NEXTHOP_INFO fresh;
	DWORD status = NO_ERROR;
	int ret;

	pthread_mutex_lock(&reg->shadow_lock);
	/* -EACCES if the caller does not own it. */
	ret = nexthop_fetch(reg, handle, RTM_INFO_DIRECT, &fresh);
	if (ret) {
		status = librtm_win32_error(-ret);
		goto out;
	}
	sh = shadow_get(reg, handle);
	if (!sh) {
		status = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	if (!sh->readers && !sh->writer)
		nh_data(sh)->info = fresh;
	*pointer = &nh_data(sh)->info;
out:
	pthread_mutex_unlock(&reg->shadow_lock);
	return status;
}

RTM_EXPORT DWORD WINAPI RtmAddNextHop(RTM_ENTITY_HANDLE RtmRegHandle,
				      PRTM_NEXTHOP_INFO NextHopInfo,
				      PRTM_NEXTHOP_HANDLE NextHopHandle,
				      PRTM_NEXTHOP_CHANGE_FLAGS ChangeFlags)
{
	struct rtm_add_nexthop req;
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!NextHopInfo || !ChangeFlags) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}

	/*
	 * No handle pointer: add or update by key, no handle back.  A NULL
	 * handle: the same, and a held handle back.  A handle: update it.
	 */
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	if (NextHopHandle && *NextHopHandle)
		req.handle = librtm_u64(*NextHopHandle);
	else if (NextHopHandle)
		req.flags = RTM_WANT_HANDLE;
	req.info = librtm_u64(NextHopInfo);

	ret = librtm_ioctl(reg->fd, RTM_IOC_ADD_NEXTHOP, &req);
	librtm_reg_put(reg);
	if (ret)
		return librtm_win32_error(-ret);

	if (req.flags & RTM_WANT_HANDLE)
		*NextHopHandle = librtm_handle(req.handle);
	*ChangeFlags = req.change_flags;
	return NO_ERROR;
}

RTM_EXPORT DWORD WINAPI RtmFindNextHop(RTM_ENTITY_HANDLE RtmRegHandle,
				       PRTM_NEXTHOP_INFO NextHopInfo,
				       PRTM_NEXTHOP_HANDLE NextHopHandle,
				       PRTM_NEXTHOP_INFO *NextHopPointer)
{
	struct rtm_nexthop_key req;
	struct librtm_reg *reg;
	DWORD status;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	status = ERROR_INVALID_PARAMETER;
	if (!NextHopInfo || !NextHopHandle)
		goto out;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.info = librtm_u64(NextHopInfo);
	ret = librtm_ioctl(reg->fd, RTM_IOC_FIND_NEXTHOP, &req);
	status = librtm_win32_error(-ret);
	if (ret)
		goto out;

	if (NextHopPointer) {
		status = nexthop_pointer(reg, req.handle, NextHopPointer);
		if (status != NO_ERROR) {
			HANDLE found = librtm_handle(req.handle);

			librtm_handles_ioctl(reg->fd, RTM_IOC_RELEASE,
					     RTM_KIND_NEXTHOP, 1, &found);
			goto out;
		}
	}
	*NextHopHandle = librtm_handle(req.handle);
out:
	librtm_reg_put(reg);
	return status;
}

RTM_EXPORT DWORD WINAPI RtmDeleteNextHop(RTM_ENTITY_HANDLE RtmRegHandle,
					 RTM_NEXTHOP_HANDLE NextHopHandle,
					 PRTM_NEXTHOP_INFO NextHopInfo)
{
	struct rtm_nexthop_key req;
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!NextHopHandle && !NextHopInfo) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}

	/* By handle, which the kernel consumes, or else by key. */
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.handle = librtm_u64(NextHopHandle);
	if (!NextHopHandle)
		req.info = librtm_u64(NextHopInfo);
	ret = librtm_ioctl(reg->fd, RTM_IOC_DELETE_NEXTHOP, &req);
	/* The handle was consumed: its shadow goes if it was the last. */
	if (!ret && NextHopHandle) {
		pthread_mutex_lock(&reg->shadow_lock);
		librtm_shadows_forget(reg, 1, &NextHopHandle);
		pthread_mutex_unlock(&reg->shadow_lock);
	}
	librtm_reg_put(reg);
	return librtm_win32_error(-ret);
}

RTM_EXPORT DWORD WINAPI RtmGetNextHopInfo(RTM_ENTITY_HANDLE RtmRegHandle,
					  RTM_NEXTHOP_HANDLE NextHopHandle,
					  PRTM_NEXTHOP_INFO NextHopInfo)
{
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!NextHopInfo) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}
	ret = nexthop_fetch(reg, librtm_u64(NextHopHandle), 0, NextHopInfo);
	librtm_reg_put(reg);
	return librtm_win32_error(-ret);
}

RTM_EXPORT DWORD WINAPI RtmReleaseNextHopInfo(RTM_ENTITY_HANDLE RtmRegHandle,
					      PRTM_NEXTHOP_INFO NextHopInfo)
{
	struct librtm_reg *reg;
	HANDLE handles[2];
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!NextHopInfo) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}
	handles[0] = NextHopInfo->NextHopOwner;
	handles[1] = NextHopInfo->RemoteNextHop;
	status = librtm_release_held(reg->fd, RTM_KIND_ENTITY | RTM_KIND_DEST,
				     2, handles);
	librtm_reg_put(reg);
	return status;
}

RTM_EXPORT DWORD WINAPI RtmReleaseNextHops(RTM_ENTITY_HANDLE RtmRegHandle,
					   UINT NumNextHops,
					   PRTM_NEXTHOP_HANDLE NextHopHandles)
{
	struct librtm_reg *reg;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	pthread_mutex_lock(&reg->shadow_lock);
	status = librtm_handles_edit(reg, true, RTM_KIND_NEXTHOP, NumNextHops,
				     NextHopHandles);
	if (status == NO_ERROR)
		librtm_shadows_forget(reg, NumNextHops, NextHopHandles);
	pthread_mutex_unlock(&reg->shadow_lock);
	librtm_reg_put(reg);
	return status;
}

RTM_EXPORT DWORD WINAPI RtmGetNextHopPointer(RTM_ENTITY_HANDLE RtmRegHandle,
					     RTM_NEXTHOP_HANDLE NextHopHandle,
					     PRTM_NEXTHOP_INFO *NextHopPointer)
{
	struct librtm_reg *reg;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!NextHopPointer)
		status = ERROR_INVALID_PARAMETER;
	else if (!NextHopHandle)
		status = ERROR_INVALID_HANDLE;
	else
		status = nexthop_pointer(reg, librtm_u64(NextHopHandle),
					 NextHopPointer);
	librtm_reg_put(reg);
	return status;
}

static bool nexthop_key_changed(const RTM_NEXTHOP_INFO *a,
				const RTM_NEXTHOP_INFO *b)
{
	return a->NextHopAddress.AddressFamily != b->NextHopAddress.AddressFamily ||
	       a->NextHopAddress.NumBits != b->NextHopAddress.NumBits ||
	       memcmp(a->NextHopAddress.AddrBits, b->NextHopAddress.AddrBits,
		      sizeof(a->NextHopAddress.AddrBits)) ||
	       a->InterfaceIndex != b->InterfaceIndex;
}

/* Take the lock of the caller's live next hop @handle.  shadow_lock held. */
static DWORD nexthop_lock(struct librtm_reg *reg, __u64 handle, bool exclusive,
			  PRTM_NEXTHOP_INFO *pointer)
{
	struct librtm_shadow *sh = NULL;
	RTM_NEXTHOP_INFO fresh;
	bool waited = false;
	int ret;

	for (;;) {
		/* Deregistered while we waited: nobody can unlock any more. */
		if (reg->dead)
			return ERROR_INVALID_HANDLE;
		/* Only the owner may lock: -EACCES for others. */
		ret = nexthop_fetch(reg, handle, RTM_INFO_DIRECT, &fresh);
		if (ret)
			return librtm_win32_error(-ret);
		if (fresh.State != RTM_NEXTHOP_STATE_CREATED)
			return ERROR_NOT_FOUND;
		if (waited)
			break;
		sh = shadow_get(reg, handle);
		if (!sh)
			return ERROR_NOT_ENOUGH_MEMORY;
		if (!sh->writer && !(exclusive && sh->readers))
			break;
		/*
		 * Someone holds it: wait, then look at the next hop again.
		 * A waiter keeps the shadow from being freed meanwhile.
		 */
		sh->waiters++;
		while ((sh->writer || (exclusive && sh->readers)) &&
		       !reg->dead)
			pthread_cond_wait(&sh->unlocked, &reg->shadow_lock);
		sh->waiters--;
		waited = true;
	}

	/* Readers joining others leave the shadow they are reading alone. */
	if (exclusive || !sh->readers)
		nh_data(sh)->info = fresh;
	if (exclusive) {
		sh->writer = true;
		nh_data(sh)->locked = fresh;
	} else {
		sh->readers++;
	}
	if (pointer)
		*pointer = &nh_data(sh)->info;
	return NO_ERROR;
}

/* Drop a lock of @handle taken in the same mode.  shadow_lock held. */
static DWORD nexthop_unlock(struct librtm_reg *reg, __u64 handle,
			    bool exclusive)
{
	struct librtm_shadow *sh = librtm_shadow_find(reg, handle);
	struct rtm_add_nexthop req;
	int ret;

	if (!sh || (!sh->writer && !sh->readers) || sh->writer != exclusive)
		return ERROR_INVALID_PARAMETER;

	if (!exclusive) {
		if (--sh->readers == 0)
			pthread_cond_broadcast(&sh->unlocked);
		return NO_ERROR;
	}

	if (nexthop_key_changed(&nh_data(sh)->info, &nh_data(sh)->locked))
		return ERROR_INVALID_PARAMETER;
	/* Unchanged fields are not written back over a newer RtmAddNextHop. */
	if (nh_data(sh)->info.Flags != nh_data(sh)->locked.Flags ||
	    nh_data(sh)->info.EntitySpecificInfo != nh_data(sh)->locked.EntitySpecificInfo) {
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.handle = handle;
		req.info = librtm_u64(&nh_data(sh)->info);
		ret = librtm_ioctl(reg->fd, RTM_IOC_ADD_NEXTHOP, &req);
		/* A field the kernel refuses can still be put right. */
		if (ret == -EINVAL)
			return ERROR_INVALID_PARAMETER;
		if (ret) {
			/* Gone meanwhile: nothing to write back to. */
			sh->writer = false;
			pthread_cond_broadcast(&sh->unlocked);
			return librtm_win32_error(-ret);
		}
	}
	sh->writer = false;
	pthread_cond_broadcast(&sh->unlocked);
	return NO_ERROR;
}

RTM_EXPORT DWORD WINAPI RtmLockNextHop(RTM_ENTITY_HANDLE RtmRegHandle,
				       RTM_NEXTHOP_HANDLE NextHopHandle,
				       BOOL Exclusive,
				       BOOL LockNextHop,
				       PRTM_NEXTHOP_INFO *NextHopPointer)
{
	struct librtm_reg *reg;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	/* Locking may wait for another holder: not inside a lookup. */
	librtm_reg_ref(reg);
	librtm_reg_put(reg);
	if (!NextHopHandle) {
		status = ERROR_INVALID_HANDLE;
		goto out;
	}

	pthread_mutex_lock(&reg->shadow_lock);
	if (LockNextHop)
		status = nexthop_lock(reg, librtm_u64(NextHopHandle),
				      Exclusive, NextHopPointer);
	else
		status = nexthop_unlock(reg, librtm_u64(NextHopHandle),
					Exclusive);
	pthread_mutex_unlock(&reg->shadow_lock);
out:
	librtm_reg_unref(reg);
	return status;
}
