/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The registration map: RTM_ENTITY_HANDLE -> the fd that holds the
 * registration, its profile, its event callback, its exported methods, its
 * dispatcher thread and the library-held copies (shadows) its pointer calls
 * hand out.
 *
 * Every RTMv2 call finds its registration with librtm_reg_get() and is
 * done with it at librtm_reg_put(): a lock-free read-side section during
 * which the entry, and so its fd, stays valid (registry.c).  Beyond a call
 * an entry is kept by references: the map holds one, the dispatcher thread
 * one, and the last librtm_reg_unref() closes the fd and frees the shadows.
 */
#ifndef LIBRTM_REGISTRY_H
#define LIBRTM_REGISTRY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "librtm.h"

#define LIBRTM_MAX_METHODS	32	/* one per bit of a method type */

struct librtm_shadow;
struct librtm_known;

/* A change subscription of the registration (notify.c). */
struct librtm_sub {
	__u64 handle;
	__u64 context;			/* its NotifyContext */
	struct librtm_sub *next;
};

struct librtm_reg {
	/* Set before librtm_reg_publish(), read-only afterwards. */
	RTM_ENTITY_HANDLE handle;
	int fd;
	RTM_REGN_PROFILE profile;
	RTM_EVENT_CALLBACK callback;
	UINT num_methods;
	RTM_ENTITY_EXPORT_METHOD methods[LIBRTM_MAX_METHODS];

	/*
	 * The RTM_ROUTE_EXPIRED Context2: room for MaxNextHopsInRoute next
	 * hops, used only by the dispatcher thread.  NULL without a callback.
	 */
	RTM_ROUTE_INFO *expired_route;

	/* Shadows (shadow.c), a hash table keyed by handle value. */
	pthread_mutex_t shadow_lock;
	struct librtm_shadow **shadows;
	size_t shadow_buckets;		/* a power of two, or 0 */
	size_t shadow_count;
	size_t shadow_sweep_at;		/* sweep when shadow_count reaches it */
	size_t shadow_edits;		/* route shadows locked for update */
	bool shadow_no_query;		/* the kernel lacks RTM_HANDLES_QUERY */

	/* Change subscriptions, newest first (notify.c). */
	pthread_mutex_t subs_lock;
	struct librtm_sub *subs;

	/* Lost events (resync.c), the dispatcher thread's only. */
	struct librtm_known *known;	/* NULL without a callback */
	bool events_lost;		/* some were, once */
	bool resync_pending;		/* the last resync could not finish */

	atomic_uint refs;
	atomic_bool retiring;		/* being deregistered: hidden from lookups */
	/*
	 * Deregistered (or inherited by a fork() child): set under
	 * shadow_lock, and lock waiters give up with ERROR_INVALID_HANDLE.
	 */
	bool dead;
	pid_t pid;			/* the process that registered */

	/* Written under the registry's writer lock; next is read without. */
	_Atomic(struct librtm_reg *) next;
	bool has_dispatcher;
	pthread_t dispatcher;
};

/* A new, unpublished entry owning @fd, with a reference for the caller. */
struct librtm_reg *librtm_reg_create(int fd, RTM_ENTITY_HANDLE handle);

/*
 * Make the entry visible to lookups and, if it has a callback or exports
 * methods, start its dispatcher thread.  On failure nothing is published and the caller's
 * reference is untouched.
 */
DWORD librtm_reg_publish(struct librtm_reg *reg);

/*
 * The live entry of @handle, valid until librtm_reg_put(), or NULL.  Takes
 * no lock and writes nothing shared; in between the thread must not wait
 * for long (take a reference and put the entry first) nor register or
 * deregister.
 */
struct librtm_reg *librtm_reg_get(RTM_ENTITY_HANDLE handle);
void librtm_reg_put(struct librtm_reg *reg);

/* Take or drop a reference; the last one closes the fd and frees the entry. */
void librtm_reg_ref(struct librtm_reg *reg);
void librtm_reg_unref(struct librtm_reg *reg);

/* False once a deregistration has claimed the entry. */
bool librtm_reg_live(struct librtm_reg *reg);

/*
 * Deregistration, in three steps: claim the live entry of @handle (a
 * reference, and the entry is hidden so that a second deregistration gets
 * NULL), then either unclaim it if the kernel refused, or retire it: unlink
 * it, wait for the calls that found it to end, and stop its dispatcher
 * (joined, or detached when retiring from the dispatcher thread itself).
 * The caller still drops its reference with librtm_reg_unref().
 */
struct librtm_reg *librtm_reg_claim(RTM_ENTITY_HANDLE handle);
void librtm_reg_unclaim(struct librtm_reg *reg);
void librtm_reg_retire(struct librtm_reg *reg);


/*
 * RTM_IOC_GET_ROUTE_INFO for @reg (route.c): @info (room for the profile's
 * MaxNextHopsInRoute next hops), @dest and @views, each optional; @flags 0
 * or RTM_INFO_DIRECT.  Returns 0 or -errno.
 */
int librtm_route_info(struct librtm_reg *reg, __u64 handle, __u32 flags,
		      RTM_ROUTE_INFO *info, RTM_NET_ADDRESS *dest,
		      RTM_VIEW_SET *views);

#endif /* LIBRTM_REGISTRY_H */
