// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The registration map.  A process holds a handful of registrations, so a
 * list under one mutex is enough; lookups cost one lock round trip.
 */
#include <stdlib.h>
#include <unistd.h>

#include "dispatch.h"
#include "registry.h"

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct librtm_reg *registry;

struct librtm_reg *librtm_reg_create(int fd, RTM_ENTITY_HANDLE handle)
{
	struct librtm_reg *reg = calloc(1, sizeof(*reg));

	if (!reg)
		return NULL;
	reg->fd = fd;
	reg->handle = handle;
	reg->refs = 1;
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
	 * itself only takes the lock once an event arrives.
	 */
	pthread_mutex_lock(&registry_lock);
	if (reg->callback) {
		reg->refs++;
		err = librtm_dispatch_start(reg);
		if (err) {
			reg->refs--;
			pthread_mutex_unlock(&registry_lock);
			return librtm_win32_error(err);
		}
		reg->has_dispatcher = true;
	}
	reg->refs++;
	reg->next = registry;
	registry = reg;
	pthread_mutex_unlock(&registry_lock);
	return NO_ERROR;
}

struct librtm_reg *librtm_reg_get(RTM_ENTITY_HANDLE handle)
{
	struct librtm_reg **link, *reg = NULL;

	pthread_mutex_lock(&registry_lock);
	link = find_locked(handle);
	if (link && !(*link)->retiring) {
		reg = *link;
		reg->refs++;
	}
	pthread_mutex_unlock(&registry_lock);
	return reg;
}

void librtm_reg_put(struct librtm_reg *reg)
{
	bool last;

	pthread_mutex_lock(&registry_lock);
	last = --reg->refs == 0;
	pthread_mutex_unlock(&registry_lock);

	if (last) {
		close(reg->fd);
		free(reg);
	}
}

bool librtm_reg_live(struct librtm_reg *reg)
{
	bool live;

	pthread_mutex_lock(&registry_lock);
	live = !reg->retiring;
	pthread_mutex_unlock(&registry_lock);
	return live;
}

struct librtm_reg *librtm_reg_claim(RTM_ENTITY_HANDLE handle)
{
	struct librtm_reg **link, *reg = NULL;

	pthread_mutex_lock(&registry_lock);
	link = find_locked(handle);
	if (link && !(*link)->retiring) {
		reg = *link;
		reg->retiring = true;
		reg->refs++;
	}
	pthread_mutex_unlock(&registry_lock);
	return reg;
}

void librtm_reg_unclaim(struct librtm_reg *reg)
{
	pthread_mutex_lock(&registry_lock);
	reg->retiring = false;
	pthread_mutex_unlock(&registry_lock);
}

void librtm_reg_retire(struct librtm_reg *reg)
{
	struct librtm_reg **link;
	bool has_dispatcher;
	pthread_t dispatcher;

	pthread_mutex_lock(&registry_lock);
	link = find_locked(reg->handle);
	if (link)
		*link = reg->next;
	has_dispatcher = reg->has_dispatcher;
	dispatcher = reg->dispatcher;
	pthread_mutex_unlock(&registry_lock);

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
