/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shadows: the library's copies of kernel objects that the pointer calls
 * (RtmGetNextHopPointer, RtmLockNextHop, RtmGetRoutePointer, RtmLockRoute,
 * RtmGetOpaqueInformationPointer) hand out where Windows hands out
 * pointers into RTM's own memory.  A registration keeps one per handle it
 * asked about, for as long as it lives, so a pointer stays valid at least
 * while its handle is held.  All under the registration's shadow_lock.
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
	pthread_cond_t unlocked;	/* signalled when a holder leaves */
	max_align_t data[];
};

/* The shadow of @handle, or NULL. */
struct librtm_shadow *librtm_shadow_find(struct librtm_reg *reg, __u64 handle);

/*
 * The shadow of @handle with room for @size bytes, made (zeroed) if need
 * be; NULL if out of memory.  A shadow keeps the size it was made with.
 */
struct librtm_shadow *librtm_shadow_get(struct librtm_reg *reg, __u64 handle,
					size_t size);

/* Free every shadow of an entry nobody uses any more. */
void librtm_shadows_free(struct librtm_reg *reg);

#endif /* LIBRTM_SHADOW_H */
