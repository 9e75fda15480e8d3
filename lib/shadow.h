/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shadows: the library's copies of kernel objects that the pointer calls
 * (RtmGetNextHopPointer, RtmLockNextHop, RtmFindNextHop, RtmGetRoutePointer,
 * RtmLockRoute, RtmGetOpaqueInformationPointer, and RTM_ROUTE_EXPIRED's
 * Context2) hand out where Windows hands out pointers into RTM's own
 * memory.  A registration keeps one per handle value, so that one object
 * has one address for the client whichever call handed it out, and
 * refreshes it at every call that returns it and at every lock.
 *
 * Lifetime: a pointer is valid while the client holds a reference to the
 * object's handle, as on Windows.  A shadow goes once the registration
 * holds no reference to its handle any more and nobody holds it locked:
 * the kernel says which handles that is (RTM_HANDLES_QUERY), asked right
 * after the calls that drop a client's references to routes and next hops
 * (their releases and deletes), and for all shadows whenever their number
 * has doubled since the last such sweep, which catches the other ways
 * references go (enumeration and dest releases) and keeps the memory
 * bounded by twice what the held handles need.  Kernels without
 * RTM_HANDLES_QUERY keep the shadows for the life of the registration.
 *
 * All under the registration's shadow_lock.
 */
#ifndef LIBRTM_SHADOW_H
#define LIBRTM_SHADOW_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "registry.h"

struct librtm_shadow {
	struct librtm_shadow *next;	/* in its hash bucket */
	__u64 handle;
	size_t size;			/* of @data */
	/* A library-side lock on the shadow, for the users that need one. */
	unsigned int readers;
	bool writer;
	unsigned int waiters;		/* threads waiting for the lock */
	pthread_cond_t unlocked;	/* signalled when a holder leaves */
	/* An opaque cell: the value the kernel was last told or told us. */
	__u64 synced;
	/* A route exclusively locked for update: its lock-time state (lock.c). */
	struct librtm_route_edit *edit;
	max_align_t data[];
};

/* The shadow of @handle, or NULL. */
struct librtm_shadow *librtm_shadow_find(struct librtm_reg *reg, __u64 handle);

/*
 * The shadow of @handle with room for @size bytes, made (zeroed) if need
 * be; NULL if out of memory.  A shadow keeps the size it was made with.
 * Making one may sweep the others (see above): a shadow pointer the
 * caller keeps across this call must be locked or be for a held handle.
 */
struct librtm_shadow *librtm_shadow_get(struct librtm_reg *reg, __u64 handle,
					size_t size);

/*
 * Free the shadows of those of @handles (@count of them, zeros skipped)
 * the registration no longer holds and nobody holds locked.
 */
void librtm_shadows_forget(struct librtm_reg *reg, unsigned int count,
			   const HANDLE *handles);

/* Free @sh now (a shadow just made for a call that failed). */
void librtm_shadow_drop(struct librtm_reg *reg, struct librtm_shadow *sh);

/*
 * The registration has ended: mark it dead and wake every thread waiting
 * for a shadow's lock, which then fails (nobody can unlock any more).
 * Takes shadow_lock.
 */
void librtm_shadows_kill(struct librtm_reg *reg);

/* Free every shadow of an entry nobody uses any more. */
void librtm_shadows_free(struct librtm_reg *reg);

/*
 * lock.c: store an opaque cell's value if the client changed it since the
 * kernel last had it (shadow_lock held; 0 or -errno); and a route shadow's Context2
 * for RTM_ROUTE_EXPIRED (dispatch.c; takes shadow_lock), NULL if it cannot
 * be read.
 */
int librtm_opaque_flush(struct librtm_reg *reg, struct librtm_shadow *sh);
RTM_ROUTE_INFO *librtm_expired_route(struct librtm_reg *reg, __u64 handle);

/*
 * lock.c: after the client's delete of route @handle consumed a reference,
 * free its shadow if that was the last one, else refresh it (it then shows
 * RTM_ROUTE_STATE_DELETED).  Takes shadow_lock.
 */
void librtm_route_deleted(struct librtm_reg *reg, __u64 handle);

/*
 * lock.c: whether the release (@release) or reference of next hop @handle
 * by the client is a route's reference moved by hand during an update in
 * place (the rule is at the function); if so it is absorbed (recorded, so
 * that the same move is not absorbed twice).  @undo takes back an
 * absorption whose batch the kernel then refused.  shadow_lock held.
 */
bool librtm_route_edit_absorb(struct librtm_reg *reg, bool release,
			      HANDLE handle, bool undo);

/*
 * handles.c: RtmReferenceHandles' (!@release) or RtmReleaseNextHops'
 * ioctl, less the absorbed moves of route references.  shadow_lock held.
 */
DWORD librtm_handles_edit(struct librtm_reg *reg, bool release, __u32 kinds,
			  UINT count, HANDLE *handles);

#endif /* LIBRTM_SHADOW_H */
