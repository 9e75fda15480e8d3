// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The registration map.  A process holds a handful of registrations, so a
 * list is enough.  Every RTMv2 call looks its registration up, so lookups
 * take the lock as readers and count references with atomics: concurrent
 * calls never wait for each other here, only for a registration or a
 * deregistration, which take the lock as writers (and are preferred, so
 * that a stream of lookups cannot starve them).
 */
#define _GNU_SOURCE		/* PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP */
#include <stdlib.h>
#include <unistd.h>

#include "dispatch.h"
#include "registry.h"

#ifdef PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP
static pthread_rwlock_t registry_lock =
	PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;
#else
static pthread_rwlock_t registry_lock = PTHREAD_RWLOCK_INITIALIZER;
#endif
static struct librtm_reg *registry;

struct librtm_reg *librtm_reg_create(int fd, RTM_ENTITY_HANDLE handle)
{
	struct librtm_reg *reg = calloc(1, sizeof(*reg));

	if (!reg)
		return NULL;
	if (pthread_mutex_init(&reg->shadow_lock, NULL)) {
		free(reg);
		return NULL;
	}
	reg->fd = fd;
	reg->handle = handle;
	atomic_init(&reg->refs, 1);
	atomic_init(&reg->retiring, false);
	return reg;
}

/* The link that points at the entry of @handle, or NULL.  Lock held. */
static struct librtm_reg **find_locked(RTM_ENTITY_HANDLE handle)
{
	struct librtm_reg **link;

	for (link = &registry; *link; link = &(*link)->next)
		if ((*link)->handle == handle)
			return link;
	return NULL;
}

DWORD librtm_reg_publish(struct librtm_reg *reg)
{
	int err;

	/*
	 * The dispatcher starts under the lock, so a deregistration racing
	 * with us (the handle may already be known to another entity through
	 * its RTM_ENTITY_REGISTERED event) always sees it to join.  The thread
	 * itself never takes the lock.
	 */
	pthread_rwlock_wrlock(&registry_lock);
	if (reg->callback) {
		atomic_fetch_add(&reg->refs, 1);
		err = librtm_dispatch_start(reg);
		if (err) {
			atomic_fetch_sub(&reg->refs, 1);
			pthread_rwlock_unlock(&registry_lock);
			return librtm_win32_error(err);
		}
		reg->has_dispatcher = true;
	}
	atomic_fetch_add(&reg->refs, 1);
	reg->next = registry;
	registry = reg;
	pthread_rwlock_unlock(&registry_lock);
	return NO_ERROR;
}

struct librtm_reg *librtm_reg_get(RTM_ENTITY_HANDLE handle)
{
	struct librtm_reg **link, *reg = NULL;

	if (!handle)
		return NULL;
	pthread_rwlock_rdlock(&registry_lock);
	link = find_locked(handle);
	/* The map's reference keeps the entry while the lock is held. */
	if (link && !atomic_load(&(*link)->retiring)) {
		reg = *link;
		atomic_fetch_add(&reg->refs, 1);
	}
	pthread_rwlock_unlock(&registry_lock);
	return reg;
}

void librtm_reg_put(struct librtm_reg *reg)
{
	if (atomic_fetch_sub(&reg->refs, 1) != 1)
		return;

	close(reg->fd);
	librtm_nh_shadows_free(reg);
	pthread_mutex_destroy(&reg->shadow_lock);
	free(reg->expired_route);
	free(reg);
}

bool librtm_reg_live(struct librtm_reg *reg)
{
	return !atomic_load(&reg->retiring);
}

struct librtm_reg *librtm_reg_claim(RTM_ENTITY_HANDLE handle)
{
	struct librtm_reg **link, *reg = NULL;

	if (!handle)
		return NULL;
	pthread_rwlock_wrlock(&registry_lock);
	link = find_locked(handle);
	if (link && !atomic_load(&(*link)->retiring)) {
		reg = *link;
		atomic_store(&reg->retiring, true);
		atomic_fetch_add(&reg->refs, 1);
	}
	pthread_rwlock_unlock(&registry_lock);
	return reg;
}

void librtm_reg_unclaim(struct librtm_reg *reg)
{
	atomic_store(&reg->retiring, false);
}

void librtm_reg_retire(struct librtm_reg *reg)
{
	struct librtm_reg **link;
	bool has_dispatcher;
	pthread_t dispatcher;

	pthread_rwlock_wrlock(&registry_lock);
	link = find_locked(reg->handle);
	if (link)
		*link = reg->next;
	has_dispatcher = reg->has_dispatcher;
	dispatcher = reg->dispatcher;
	pthread_rwlock_unlock(&registry_lock);

	/*
	 * The kernel has ended the registration, so the dispatcher reads end
	 * of file and exits.  A callback that deregisters its own entity runs
	 * on that very thread: it cannot wait for itself, so let it go.
	 */
	if (has_dispatcher) {
		if (pthread_equal(dispatcher, pthread_self()))
			pthread_detach(dispatcher);
		else
			pthread_join(dispatcher, NULL);
	}
	librtm_reg_put(reg);	/* the map's reference */
}
