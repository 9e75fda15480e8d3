// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dest and route locks, opaque pointers and route pointers:
 * RtmLockDestination, RtmGetOpaqueInformationPointer, RtmGetRoutePointer,
 * RtmLockRoute and RtmUpdateAndUnlockRoute.
 *
 * The locks are the kernel's (RTM_IOC_LOCK): shared or exclusive, per dest,
 * waited for interruptibly, dropped with the registration.  What Windows
 * hands out as pointers into RTM's memory are shadows here (shadow.c): one
 * per object and registration, so that a route has one address for the
 * client whether it came from RtmGetRoutePointer, RtmLockRoute or
 * RTM_ROUTE_EXPIRED's Context2.
 *
 * Opaque pointers.  The pointer is a shadow cell for the dest, loaded from
 * the kernel's slot by RtmGetOpaqueInformationPointer and by every lock of
 * the dest.  What the client writes into it reaches the kernel, if it
 * differs from what the kernel last had: at every unlock of the dest
 * (shared or exclusive), before every lock of it, at the next
 * RtmGetOpaqueInformationPointer (which stores, then reads back), and when
 * the cell is freed (shadow.c).  A client that writes without a lock, as
 * Windows allows, is thus seen by the others at its next call on the dest.
 *
 * Route pointers.  A route pointer is a shadow RTM_ROUTE_INFO (the owner's
 * direct view, handles inside not held), refreshed when asked for, when
 * the route is locked, when RTM_ROUTE_EXPIRED hands it out and when the
 * client's delete of the route leaves it held (State then
 * RTM_ROUTE_STATE_DELETED); never while it is exclusively locked, so edits
 * in progress stay.  RtmLockRoute by an entity that does not own the route
 * takes the (shared) lock and leaves RoutePointer unchanged, as
 * documented.  RtmUpdateAndUnlockRoute writes the writable fields of the
 * exclusively locked shadow back as an update of the route, then unlocks,
 * and keeps the lock if the update fails.
 *
 * Updating in place (RtmLockRoute exclusive, edit, RtmUpdateAndUnlockRoute)
 * may change the route's next hops.  The route's references to them are
 * the kernel's business: the update takes the new ones and drops the old
 * ones.  A client following the documented steps also moves them by hand
 * with RtmReleaseNextHops on a next hop it takes out of NextHopsList and
 * RtmReferenceHandles on one it puts in; those calls are absorbed here, so
 * that the client's own references stay as they were (see
 * librtm_route_edit_absorb() for the exact rule).
 */
#include <errno.h>
#include <stdlib.h>
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

/*
 * Load the slot's @value into the cell, unless the cell holds a write of
 * the client's that could not be stored yet: that one is kept, and stored
 * at the next point.
 */
static void opaque_load(struct librtm_shadow *sh, __u64 value)
{
	if ((uintptr_t)*cell_of(sh) == sh->synced)
		*cell_of(sh) = (PVOID)(uintptr_t)value;
	sh->synced = value;
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
	/*
	 * A value the client wrote through the pointer is stored first; if
	 * that fails, so does the call, and the value stays in the cell.
	 * Kernels that cannot store without a lock (-EINVAL) keep it for
	 * the next exclusive unlock.
	 */
	sh = librtm_shadow_find(reg, librtm_u64(DestHandle));
	ret = sh && sh->size == sizeof(PVOID) ? librtm_opaque_flush(reg, sh)
					      : 0;
	if (ret == -EINVAL)
		ret = 0;
	/* -ENOENT without a slot; -EBADF for anything but a dest. */
	if (!ret)
		ret = lock_ioctl(reg, librtm_u64(DestHandle),
				 RTM_LOCK_GET_OPAQUE, &value);
	status = librtm_win32_error(-ret);
	if (!ret) {
		sh = librtm_shadow_get(reg, librtm_u64(DestHandle),
				       sizeof(PVOID));
		if (!sh || sh->size != sizeof(PVOID)) {
			status = ERROR_NOT_ENOUGH_MEMORY;
		} else {
			opaque_load(sh, value);
			*OpaqueInfoPointer = cell_of(sh);
		}
	}
	pthread_mutex_unlock(&reg->shadow_lock);
out:
	librtm_reg_put(reg);
	return status;
}

int librtm_opaque_flush(struct librtm_reg *reg, struct librtm_shadow *sh)
{
	__u64 value = (uintptr_t)*cell_of(sh);
	int ret;

	if (value == sh->synced)
		return 0;
	/* Kernels before RTM_LOCK_SET_OPAQUE alone: -EINVAL, kept here. */
	ret = lock_ioctl(reg, sh->handle, RTM_LOCK_SET_OPAQUE, &value);
	if (!ret)
		sh->synced = value;
	return ret;
}

/*
 * Lock or unlock the dest of @handle, a dest or (@route) a route; may
 * wait.  A dest's unlock stores its opaque cell back (always with an
 * exclusive one, if changed with a shared one); a lock stores a changed
 * cell before it loads it again.
 */
static DWORD dest_lock(struct librtm_reg *reg, __u64 handle, bool route,
		       bool exclusive, bool lock)
{
	__u32 flags = (exclusive ? RTM_LOCK_EXCLUSIVE : 0) |
		      (route ? RTM_LOCK_ROUTE : 0);
	struct librtm_shadow *sh;
	__u64 opaque = 0;
	PVOID *cell;
	int ret;

	if (!lock) {
		flags |= RTM_LOCK_UNLOCK;
		pthread_mutex_lock(&reg->shadow_lock);
		cell = !route ? opaque_cell(reg, handle) : NULL;
		sh = cell ? librtm_shadow_find(reg, handle) : NULL;
		if (cell && (exclusive || (uintptr_t)*cell != sh->synced)) {
			flags |= RTM_LOCK_SET_OPAQUE;
			opaque = (uintptr_t)*cell;
		}
		ret = lock_ioctl(reg, handle, flags, &opaque);
		if (!ret && flags & RTM_LOCK_SET_OPAQUE)
			sh->synced = (uintptr_t)*cell;
		/*
		 * Without a slot there is nothing to store (-ENOENT), and a
		 * kernel before stores with a shared unlock refuses it
		 * (-EINVAL): just unlock.
		 */
		if ((ret == -ENOENT || ret == -EINVAL) &&
		    flags & RTM_LOCK_SET_OPAQUE)
			ret = lock_ioctl(reg, handle, flags &
					 ~RTM_LOCK_SET_OPAQUE, &opaque);
		pthread_mutex_unlock(&reg->shadow_lock);
		return librtm_win32_error(-ret);
	}

	if (!route) {
		pthread_mutex_lock(&reg->shadow_lock);
		sh = librtm_shadow_find(reg, handle);
		if (sh && sh->size == sizeof(PVOID))
			librtm_opaque_flush(reg, sh);
		pthread_mutex_unlock(&reg->shadow_lock);
	}
	/* A lock may wait for another holder: not under the shadow lock. */
	ret = lock_ioctl(reg, handle, flags, &opaque);
	if (ret)
		return librtm_win32_error(-ret);
	pthread_mutex_lock(&reg->shadow_lock);
	sh = librtm_shadow_find(reg, handle);
	if (sh && sh->size == sizeof(PVOID))
		opaque_load(sh, opaque);
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

/*
 * A route exclusively locked (for an update in place): the next hops it
 * had at lock time (NextHopsList and Neighbour), and the releases and
 * references of next hops the client made meanwhile that may be the
 * route's references moved by hand (librtm_route_edit_absorb()).
 */
struct librtm_route_edit {
	UINT nlocked, nrel, nref;
	HANDLE *rel;			/* [nlocked] absorbed releases */
	HANDLE *ref;			/* [nlocked] absorbed references */
	HANDLE locked[];		/* MaxNextHopsInRoute + 1 */
};

/* The next hops of @info, Neighbour included, into @out; how many. */
static UINT route_hops(struct librtm_reg *reg, const RTM_ROUTE_INFO *info,
		       HANDLE *out)
{
	UINT max = reg->profile.MaxNextHopsInRoute, n = 0, i;

	for (i = 0; i < info->NextHopsList.NumNextHops && i < max; i++)
		if (info->NextHopsList.NextHops[i])
			out[n++] = info->NextHopsList.NextHops[i];
	if (info->Neighbour)
		out[n++] = info->Neighbour;
	return n;
}

static UINT count_of(const HANDLE *set, UINT n, HANDLE h)
{
	UINT c = 0, i;

	for (i = 0; i < n; i++)
		c += set[i] == h;
	return c;
}

static void drop_one(HANDLE *set, UINT *n, HANDLE h)
{
	UINT i;

	for (i = 0; i < *n; i++) {
		if (set[i] == h) {
			set[i] = set[--*n];
			return;
		}
	}
}

/*
 * The lock ends: with the update of @end (the shadow as committed), or
 * with the plain unlock (@end NULL: the route keeps its lock-time next
 * hops).  Each absorbed call is settled against the next hops the route
 * ends with: a release of one it no longer has, or a reference of one it
 * has, was the route's reference moved by hand, which the kernel moved
 * already; any other was the client's own, and is carried out now.
 */
static void route_edit_end(struct librtm_reg *reg, struct librtm_shadow *sh,
			   const RTM_ROUTE_INFO *end)
{
	struct librtm_route_edit *e = sh->edit;
	HANDLE *hops, h;
	UINT n, i;

	if (!e)
		return;
	hops = e->locked;
	n = e->nlocked;
	if (end) {
		hops = malloc((reg->profile.MaxNextHopsInRoute + 1) *
			      sizeof(*hops));
		n = hops ? route_hops(reg, end, hops) : 0;
	}
	for (i = 0; hops && i < e->nrel; i++) {
		h = e->rel[i];
		if (count_of(hops, n, h))
			librtm_handles_ioctl(reg->fd, RTM_IOC_RELEASE,
					     RTM_KIND_NEXTHOP, 1, &h);
	}
	for (i = 0; hops && i < e->nref; i++) {
		h = e->ref[i];
		if (!count_of(hops, n, h))
			librtm_handles_ioctl(reg->fd, RTM_IOC_REFERENCE,
					     RTM_KIND_NEXTHOP, 1, &h);
	}
	if (hops != e->locked)
		free(hops);
	free(e);
	sh->edit = NULL;
	reg->shadow_edits--;
}

static DWORD route_edit_begin(struct librtm_reg *reg, struct librtm_shadow *sh)
{
	UINT cap = reg->profile.MaxNextHopsInRoute + 1;
	struct librtm_route_edit *e;

	e = calloc(1, sizeof(*e) + 3 * cap * sizeof(HANDLE));
	if (!e)
		return ERROR_NOT_ENOUGH_MEMORY;
	e->rel = e->locked + cap;
	e->ref = e->rel + cap;
	e->nlocked = route_hops(reg, route_of(sh), e->locked);
	route_edit_end(reg, sh, NULL);
	sh->edit = e;
	reg->shadow_edits++;
	return NO_ERROR;
}

/*
 * The rule.  While one of the registration's routes is exclusively locked
 * (between RtmLockRoute and RtmUpdateAndUnlockRoute or the unlock), the
 * client's release of a next hop the route had at lock time (in
 * NextHopsList or as Neighbour; as often as it had it), and its reference
 * of a next hop the route did not have then, may be the route's
 * reference moved by hand as the walk-through "Updating a Route In Place"
 * shows (release the old next hop, put the new one in, reference it, in
 * either order).  Such a call is absorbed: it touches no reference then,
 * and is settled when the lock ends (route_edit_end()): if the route ends
 * without the released next hop, or with the referenced one, the kernel
 * has moved the route's own references at the update and the call is
 * dropped; otherwise it was the client's own and is carried out then.  So
 * the client's own references stay right whichever way it edits, with the
 * manual calls or without.
 */
bool librtm_route_edit_absorb(struct librtm_reg *reg, bool release,
			      HANDLE h, bool undo)
{
	struct librtm_route_edit *e;
	struct librtm_shadow *sh;
	UINT held;
	size_t b;

	if (!reg->shadow_edits || !h)
		return false;
	for (b = 0; b < reg->shadow_buckets; b++) {
		for (sh = reg->shadows[b]; sh; sh = sh->next) {
			e = sh->edit;
			if (!e)
				continue;
			held = count_of(e->locked, e->nlocked, h);
			if (undo) {
				HANDLE *set = release ? e->rel : e->ref;
				UINT *n = release ? &e->nrel : &e->nref;

				if (!count_of(set, *n, h))
					continue;
				drop_one(set, n, h);
				return true;
			}
			if (release) {
				if (count_of(e->rel, e->nrel, h) >= held)
					continue;
				e->rel[e->nrel++] = h;
				return true;
			}
			if (held || count_of(e->ref, e->nref, h) ||
			    e->nref == reg->profile.MaxNextHopsInRoute + 1)
				continue;
			e->ref[e->nref++] = h;
			return true;
		}
	}
	return false;
}

/*
 * Refresh the shadow of the caller's route; shadow_lock held.  A shadow
 * made for a route the caller may not see (another entity's: -EACCES) or
 * that is gone is freed again.
 */
static DWORD route_refresh(struct librtm_reg *reg, __u64 handle,
			   struct librtm_shadow **shp)
{
	struct rtm_get_route_info req;
	struct librtm_shadow *sh;
	bool made;
	int ret;

	made = !librtm_shadow_find(reg, handle);
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
	if (ret) {
		if (made)
			librtm_shadow_drop(reg, sh);
		return librtm_win32_error(-ret);
	}
	*shp = sh;
	return NO_ERROR;
}

RTM_ROUTE_INFO *librtm_expired_route(struct librtm_reg *reg, __u64 handle)
{
	struct librtm_shadow *sh;
	RTM_ROUTE_INFO *info = NULL;

	pthread_mutex_lock(&reg->shadow_lock);
	sh = librtm_shadow_find(reg, handle);
	/* Another thread's edits in progress are not overwritten. */
	if (sh && sh->writer)
		info = route_of(sh);
	else if (route_refresh(reg, handle, &sh) == NO_ERROR)
		info = route_of(sh);
	pthread_mutex_unlock(&reg->shadow_lock);
	return info;
}

void librtm_route_deleted(struct librtm_reg *reg, __u64 handle)
{
	HANDLE h = librtm_handle(handle);
	struct librtm_shadow *sh;

	pthread_mutex_lock(&reg->shadow_lock);
	librtm_shadows_forget(reg, 1, &h);
	sh = librtm_shadow_find(reg, handle);
	if (sh && !sh->writer && route_refresh(reg, handle, &sh) != NO_ERROR)
		/* Unreadable, so not held: nothing will read it any more. */
		librtm_shadows_forget(reg, 1, &h);
	pthread_mutex_unlock(&reg->shadow_lock);
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
			if (sh) {
				sh->writer = false;
				/* Edits given up: the route keeps its hops. */
				route_edit_end(reg, sh, NULL);
			}
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
	if (status == NO_ERROR && Exclusive)
		status = route_edit_begin(reg, sh);
	if (status == NO_ERROR) {
		sh->writer = Exclusive;
		if (RoutePointer)
			*RoutePointer = route_of(sh);
	}
	pthread_mutex_unlock(&reg->shadow_lock);
	/*
	 * Another entity's route: locked all the same, and RoutePointer left
	 * as it was (the documented behaviour; only a shared lock gets here).
	 */
	if (status == ERROR_ACCESS_DENIED && !Exclusive)
		status = NO_ERROR;
	else if (status != NO_ERROR)
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
		/* The kernel moved the route's references. */
		route_edit_end(reg, sh, route_of(sh));
		pthread_mutex_unlock(&reg->shadow_lock);
	}
out:
	librtm_reg_unref(reg);
	return status;
}
