// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The registration map.
 *
 * Every RTMv2 call looks its registration up, at whatever rate its caller
 * calls, so the lookup writes nothing that other threads share: it is a
 * read-side section in the manner of userspace RCU.  Each thread has a
 * reader record whose phase word says whether it is inside a call, and
 * since when; the list of registrations is read without a lock.  Writers
 * (registration, deregistration) take a mutex, and a deregistration, once
 * the entry is off the list, waits for a grace period: until every call
 * that began before is over.  Only then does it drop the map's reference,
 * so an fd is never closed under a call that found it.
 *
 * A call that may wait for long (RtmLockNextHop waits for another holder of
 * the lock) must not keep a grace period waiting: it takes a reference of
 * its own with librtm_reg_ref() and leaves the section.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dispatch.h"
#include "registry.h"
#include "shadow.h"

#define CACHE_LINE	64

/* A cache line each, so that threads never write to each other's. */
struct librtm_reader {
	_Alignas(CACHE_LINE) atomic_ulong phase; /* 0, or the grace count at entry */
	unsigned int depth;		/* nested sections; its thread only */
	bool used;			/* under readers_lock */
	struct librtm_reader *next;
};

/* Registrations, newest first; changed under writer_lock. */
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(struct librtm_reg *) registry;

/* Readers: one record per thread that ever made a call, reused. */
static pthread_mutex_t readers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct librtm_reader *readers;
static atomic_ulong grace = 1;
static pthread_once_t readers_once = PTHREAD_ONCE_INIT;
static pthread_key_t reader_key;
static __thread struct librtm_reader *self_reader;

/* Threads that could not get a record count themselves here instead. */
static atomic_ulong overflow_readers;
static __thread bool self_overflow;

static void reader_exit(void *arg)
{
	struct librtm_reader *r = arg;

	pthread_mutex_lock(&readers_lock);
	r->used = false;
	pthread_mutex_unlock(&readers_lock);
	self_reader = NULL;
}

/* fork(): the child's only thread is outside any call. */
static void fork_prepare(void)
{
	pthread_mutex_lock(&writer_lock);
	pthread_mutex_lock(&readers_lock);
}

static void fork_parent(void)
{
	pthread_mutex_unlock(&readers_lock);
	pthread_mutex_unlock(&writer_lock);
}

/*
 * The child inherits the parent's registrations as open files, without
 * their dispatcher threads: it could neither serve them (callbacks,
 * expiry answers, methods) nor use them without acting on the parent's.
 * So they are not the child's: hidden from its lookups and its
 * deregistrations (ERROR_INVALID_HANDLE), and its copies of the files are
 * closed.  A struct file shared by fork() is released when its last copy
 * closes, so this only drops the child's reference and the parent's
 * registration goes on.  The entries stay allocated and unlinked: threads
 * of the parent's may have held references or locks that no one in the
 * child can drop.
 */
static void fork_child_forget(void)
{
	struct librtm_reg *reg;

	for (reg = atomic_load(&registry); reg; reg = atomic_load(&reg->next)) {
		atomic_store(&reg->retiring, true);
		reg->dead = true;
		reg->has_dispatcher = false;
		if (reg->fd >= 0)
			close(reg->fd);
		reg->fd = -1;
	}
	atomic_store(&registry, NULL);
}

static void fork_child(void)
{
	struct librtm_reader *r;

	fork_child_forget();

	for (r = readers; r; r = r->next) {
		atomic_store(&r->phase, 0);
		r->depth = 0;
		r->used = r == self_reader;
	}
	atomic_store(&overflow_readers, 0);
	fork_parent();
}

static bool reader_key_made;

static void readers_init(void)
{
	if (pthread_key_create(&reader_key, reader_exit))
		abort();	/* only at the first call of the process */
	reader_key_made = true;
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

/*
 * At unload, no thread may later run reader_exit(), whose code goes away:
 * the key goes first.  The shared library is linked with -z nodelete, so
 * dlclose() does not unload it and this runs at process exit only; it
 * matters to a copy linked otherwise (into another shared object).  The
 * reader records of threads still alive are left, as at exit.
 */
static void __attribute__((destructor)) readers_fini(void)
{
	if (reader_key_made)
		pthread_key_delete(reader_key);
}

/* This thread's reader record, or NULL if none can be had. */
static struct librtm_reader *reader_attach(void)
{
	struct librtm_reader *r;

	pthread_once(&readers_once, readers_init);
	pthread_mutex_lock(&readers_lock);
	for (r = readers; r && r->used; r = r->next)
		;
	if (!r) {
		r = aligned_alloc(CACHE_LINE, sizeof(*r));
		if (r) {
			memset(r, 0, sizeof(*r));
			r->next = readers;
			readers = r;
		}
	}
	if (r)
		r->used = true;
	pthread_mutex_unlock(&readers_lock);
	if (r && pthread_setspecific(reader_key, r)) {
		reader_exit(r);
		r = NULL;
	}
	self_reader = r;
	return r;
}

static void read_lock(void)
{
	struct librtm_reader *r = self_reader;

	if (!r && !self_overflow) {
		r = reader_attach();
		self_overflow = !r;	/* this thread counts itself from now on */
	}
	if (!r) {
		atomic_fetch_add(&overflow_readers, 1);
		return;
	}
	if (r->depth++)
		return;
	/*
	 * Sequentially consistent, like the writer's unlink, increment and
	 * phase reads: either the writer sees this phase and waits, or the
	 * list reads that follow see the entry gone.  A reader that reads the
	 * incremented count sees the list without the entry too.
	 */
	atomic_store(&r->phase, atomic_load(&grace));
}

static void read_unlock(void)
{
	struct librtm_reader *r = self_reader;

	if (!r) {
		atomic_fetch_sub(&overflow_readers, 1);
		return;
	}
	if (--r->depth == 0)
		atomic_store_explicit(&r->phase, 0, memory_order_release);
}

static void wait_a_little(void)
{
	struct timespec ts = { .tv_nsec = 50 * 1000 };

	nanosleep(&ts, NULL);
}

/* Wait until every section that began before this call has ended. */
static void synchronize(void)
{
	struct librtm_reader *r;
	unsigned long gp, phase;

	gp = atomic_fetch_add(&grace, 1) + 1;

	pthread_mutex_lock(&readers_lock);
	for (r = readers; r; r = r->next)
		/* Not our own: writers are never called from inside a call. */
		while (r != self_reader &&
		       (phase = atomic_load(&r->phase)) && phase < gp)
			wait_a_little();
	pthread_mutex_unlock(&readers_lock);
	/* Conservative: newer readers cannot find what was unlinked. */
	while (atomic_load(&overflow_readers))
		wait_a_little();
}

struct librtm_reg *librtm_reg_create(int fd, RTM_ENTITY_HANDLE handle)
{
	struct librtm_reg *reg = calloc(1, sizeof(*reg));

	if (!reg)
		return NULL;
	if (pthread_mutex_init(&reg->shadow_lock, NULL)) {
		free(reg);
		return NULL;
	}
	if (pthread_mutex_init(&reg->subs_lock, NULL)) {
		pthread_mutex_destroy(&reg->shadow_lock);
		free(reg);
		return NULL;
	}
	reg->fd = fd;
	reg->handle = handle;
	reg->pid = getpid();
	atomic_init(&reg->refs, 1);
	atomic_init(&reg->retiring, false);
	atomic_init(&reg->next, NULL);
	return reg;
}

/* The live entry of @handle, or NULL.  In a section or under writer_lock. */
static struct librtm_reg *find(RTM_ENTITY_HANDLE handle)
{
	struct librtm_reg *reg;

	/* Sequentially consistent loads: plain loads on x86. */
	for (reg = atomic_load(&registry); reg; reg = atomic_load(&reg->next))
		if (reg->handle == handle)
			return atomic_load(&reg->retiring) ? NULL : reg;
	return NULL;
}

DWORD librtm_reg_publish(struct librtm_reg *reg)
{
	int err;

	pthread_once(&readers_once, readers_init);
	/*
	 * The dispatcher starts under the lock, so a deregistration racing
	 * with us (the handle may already be known to another entity through
	 * its RTM_ENTITY_REGISTERED event) always sees it to join.  The thread
	 * itself never takes the lock.
	 */
	pthread_mutex_lock(&writer_lock);
	if (reg->callback || reg->num_methods) {
		librtm_reg_ref(reg);
		err = librtm_dispatch_start(reg);
		if (err) {
			atomic_fetch_sub(&reg->refs, 1);
			pthread_mutex_unlock(&writer_lock);
			return librtm_win32_error(err);
		}
		reg->has_dispatcher = true;
	}
	librtm_reg_ref(reg);
	atomic_store(&reg->next, atomic_load(&registry));
	atomic_store(&registry, reg);
	pthread_mutex_unlock(&writer_lock);
	return NO_ERROR;
}

struct librtm_reg *librtm_reg_get(RTM_ENTITY_HANDLE handle)
{
	struct librtm_reg *reg;

	if (!handle)
		return NULL;
	read_lock();
	reg = find(handle);
	if (!reg)
		read_unlock();
	return reg;
}

void librtm_reg_put(struct librtm_reg *reg)
{
	(void)reg;
	read_unlock();
}

void librtm_reg_ref(struct librtm_reg *reg)
{
	atomic_fetch_add(&reg->refs, 1);
}

void librtm_reg_unref(struct librtm_reg *reg)
{
	struct librtm_sub *sub;

	if (atomic_fetch_sub(&reg->refs, 1) != 1)
		return;

	if (reg->fd >= 0)
		close(reg->fd);
	librtm_shadows_free(reg);
	pthread_mutex_destroy(&reg->shadow_lock);
	while ((sub = reg->subs)) {
		reg->subs = sub->next;
		free(sub);
	}
	pthread_mutex_destroy(&reg->subs_lock);
	librtm_known_free(reg);
	free(reg->expired_route);
	free(reg);
}

bool librtm_reg_live(struct librtm_reg *reg)
{
	return !atomic_load(&reg->retiring);
}

struct librtm_reg *librtm_reg_claim(RTM_ENTITY_HANDLE handle)
{
	struct librtm_reg *reg = NULL;

	if (!handle)
		return NULL;
	pthread_mutex_lock(&writer_lock);
	reg = find(handle);
	/*
	 * A child made without fork()'s handlers (a raw clone()) still sees
	 * the entries: it must not end its parent's registration.
	 */
	if (reg && reg->pid != getpid())
		reg = NULL;
	if (reg) {
		atomic_store(&reg->retiring, true);
		librtm_reg_ref(reg);
	}
	pthread_mutex_unlock(&writer_lock);
	return reg;
}

void librtm_reg_unclaim(struct librtm_reg *reg)
{
	atomic_store(&reg->retiring, false);
}

void librtm_reg_retire(struct librtm_reg *reg)
{
	_Atomic(struct librtm_reg *) *link;
	struct librtm_reg *cur;
	bool has_dispatcher;
	pthread_t dispatcher;

	pthread_mutex_lock(&writer_lock);
	for (link = &registry; (cur = atomic_load(link)); link = &cur->next) {
		if (cur == reg) {
			/* Sections still walking through @reg go on past it. */
			atomic_store(link, atomic_load(&reg->next));
			break;
		}
	}
	has_dispatcher = reg->has_dispatcher;
	dispatcher = reg->dispatcher;
	pthread_mutex_unlock(&writer_lock);

	/* Lock waiters (nexthop.c) give up: no holder can unlock now. */
	librtm_shadows_kill(reg);

	/* Calls that found the entry end before the map lets go of it. */
	synchronize();

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
	librtm_reg_unref(reg);	/* the map's reference */
}
