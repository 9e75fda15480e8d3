// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The fake /dev/rtm.  One fake file per open; its real fd (an open of
 * /dev/null) keeps numbers unique and lets close() be passed through.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "fake_rtm.h"

#define MAX_FILES	16
#define MAX_HOLDS	64
#define QUEUE_LEN	64

int __real_open(const char *path, int flags, ...);
int __real_ioctl(int fd, unsigned long cmd, ...);
ssize_t __real_read(int fd, void *buf, size_t len);
int __real_close(int fd);

struct hold {
	__u64 handle;
	unsigned int count;
};

struct fake_file {
	bool used;
	int fd;
	bool registered;
	bool closed_events;	/* deregistered: EOF once drained */
	unsigned long seq;	/* registration order */
	__u32 flags;
	__u64 handle;
	struct rtm_entity_info info;
	struct hold holds[MAX_HOLDS];
	struct rtm_event queue[QUEUE_LEN];
	unsigned int head, tail;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct fake_file files[MAX_FILES];
static __u64 next_handle = 0x1000;
static unsigned long next_seq;
static int open_error;
static unsigned long fail_cmd;
static int fail_err;
static unsigned int fail_times;
static unsigned int n_ioctls, n_stray, last_open_flags;
static unsigned int n_by_nr[8];

static struct fake_file *file_of_fd(int fd)
{
	for (int i = 0; i < MAX_FILES; i++)
		if (files[i].used && files[i].fd == fd)
			return &files[i];
	return NULL;
}

static struct fake_file *file_of_handle(__u64 handle)
{
	for (int i = 0; i < MAX_FILES; i++)
		if (files[i].used && files[i].registered &&
		    files[i].handle == handle)
			return &files[i];
	return NULL;
}

static void queue_locked(struct fake_file *f, const struct rtm_event *ev)
{
	if (!(f->flags & RTM_REGISTER_EVENTS) || f->closed_events ||
	    f->head - f->tail >= QUEUE_LEN)
		return;
	f->queue[f->head++ % QUEUE_LEN] = *ev;
	pthread_cond_broadcast(&cond);
}

static void broadcast_locked(struct fake_file *from, __u32 type)
{
	struct rtm_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.handle = from->handle;
	ev.entity = from->info;
	for (int i = 0; i < MAX_FILES; i++)
		if (&files[i] != from && files[i].used && files[i].registered)
			queue_locked(&files[i], &ev);
}

static unsigned int *hold_slot(struct fake_file *f, __u64 handle, bool add)
{
	for (int i = 0; i < MAX_HOLDS; i++)
		if (f->holds[i].count && f->holds[i].handle == handle)
			return &f->holds[i].count;
	if (!add)
		return NULL;
	for (int i = 0; i < MAX_HOLDS; i++)
		if (!f->holds[i].count) {
			f->holds[i].handle = handle;
			return &f->holds[i].count;
		}
	return NULL;
}

static void deregister_locked(struct fake_file *f)
{
	f->registered = false;
	f->closed_events = true;
	memset(f->holds, 0, sizeof(f->holds));
	broadcast_locked(f, RTM_EVENT_ENTITY_DEREGISTERED);
	pthread_cond_broadcast(&cond);
}

static int do_register(struct fake_file *f, struct rtm_register *arg)
{
	if (arg->size != sizeof(*arg) || arg->reserved || arg->entity.reserved ||
	    arg->flags & ~(RTM_REGISTER_EVENTS | RTM_REGISTER_OPAQUE) ||
	    arg->num_methods > 32 || arg->handle ||
	    (arg->entity.family != AF_INET && arg->entity.family != AF_INET6))
		return -EINVAL;
	if (f->registered || f->closed_events)
		return -EBUSY;
	for (int i = 0; i < MAX_FILES; i++) {
		struct rtm_entity_info *o = &files[i].info;

		if (files[i].used && files[i].registered &&
		    o->instance_id == arg->entity.instance_id &&
		    o->family == arg->entity.family &&
		    o->protocol_id == arg->entity.protocol_id &&
		    o->entity_instance_id == arg->entity.entity_instance_id)
			return -EEXIST;
	}
	f->registered = true;
	f->flags = arg->flags;
	f->info = arg->entity;
	f->handle = next_handle;
	next_handle += 0x10;
	f->seq = next_seq++;
	arg->handle = f->handle;
	arg->profile.max_nexthops_in_route = 8;
	arg->profile.max_handles_in_enum = 128;
	arg->profile.views_supported = 3;
	arg->profile.number_of_views = 2;
	broadcast_locked(f, RTM_EVENT_ENTITY_REGISTERED);
	return 0;
}

static int do_get_entities(struct fake_file *f, struct rtm_get_entities *arg)
{
	struct fake_file *list[MAX_FILES];
	__u64 *handles = (__u64 *)(uintptr_t)arg->handles;
	struct rtm_entity_info *infos = (void *)(uintptr_t)arg->infos;
	unsigned int total = 0, n = 0, capacity = arg->count;

	if (arg->size != sizeof(*arg) || arg->flags || arg->total)
		return -EINVAL;
	if (!f->registered)
		return -EBADF;
	/* Registration order, like the module's list. */
	for (unsigned long s = 0; s < next_seq; s++)
		for (int i = 0; i < MAX_FILES; i++)
			if (files[i].used && files[i].registered &&
			    files[i].seq == s &&
			    files[i].info.instance_id == f->info.instance_id &&
			    files[i].info.family == f->info.family)
				list[total++] = &files[i];
	if (handles || infos)
		n = capacity < total ? capacity : total;
	for (unsigned int i = 0; i < n; i++) {
		if (handles) {
			unsigned int *c = hold_slot(f, list[i]->handle, true);

			if (!c)
				return -EDQUOT;
			(*c)++;
			handles[i] = list[i]->handle;
		}
		if (infos)
			infos[i] = list[i]->info;
	}
	arg->count = n;
	arg->total = total;
	return total > capacity ? -ENOSPC : 0;
}

static int do_handles(struct fake_file *f, struct rtm_handles *arg, bool ref)
{
	const __u64 *h = (const __u64 *)(uintptr_t)arg->handles;
	unsigned int i, *c;

	if (arg->size != sizeof(*arg) || arg->flags || !arg->kinds ||
	    arg->kinds & ~0x7fU || !arg->count || arg->count > RTM_MAX_BATCH)
		return -EINVAL;
	if (!f->registered)
		return -EBADF;
	if (!(arg->kinds & RTM_KIND_ENTITY))
		return -EBADF;		/* only entities exist here */
	for (i = 0; i < arg->count; i++) {
		c = hold_slot(f, h[i], ref);
		if (ref ? !file_of_handle(h[i]) || !c : !c || !*c)
			break;
		if (ref)
			(*c)++;
		else
			(*c)--;
	}
	if (i == arg->count)
		return 0;
	/* All or nothing: undo what was done. */
	while (i--) {
		c = hold_slot(f, h[i], true);
		if (ref)
			(*c)--;
		else
			(*c)++;
	}
	return -EBADF;
}

int __wrap_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;
	int fd;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (strcmp(path, "/dev/" RTM_DEVICE_NAME) != 0)
		return __real_open(path, flags, mode);

	pthread_mutex_lock(&lock);
	last_open_flags = (unsigned int)flags;
	if (open_error) {
		errno = open_error;
		pthread_mutex_unlock(&lock);
		return -1;
	}
	fd = __real_open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int i = 0; fd >= 0 && i < MAX_FILES; i++) {
		if (!files[i].used) {
			memset(&files[i], 0, sizeof(files[i]));
			files[i].used = true;
			files[i].fd = fd;
			pthread_mutex_unlock(&lock);
			return fd;
		}
	}
	pthread_mutex_unlock(&lock);
	if (fd >= 0)
		__real_close(fd);
	errno = EMFILE;
	return -1;
}

int __wrap_ioctl(int fd, unsigned long cmd, ...);
int __wrap_ioctl(int fd, unsigned long cmd, ...)
{
	struct fake_file *f;
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);

	pthread_mutex_lock(&lock);
	f = file_of_fd(fd);
	if (!f) {
		n_stray++;
		pthread_mutex_unlock(&lock);
		errno = EBADF;
		return -1;
	}
	n_ioctls++;
	if (_IOC_NR(cmd) >= RTM_IOC_BASE && _IOC_NR(cmd) < RTM_IOC_BASE + 8)
		n_by_nr[_IOC_NR(cmd) - RTM_IOC_BASE]++;

	if (fail_times && cmd == fail_cmd) {
		fail_times--;
		ret = -fail_err;
	} else if (cmd == RTM_IOC_REGISTER) {
		ret = do_register(f, arg);
	} else if (cmd == RTM_IOC_DEREGISTER) {
		struct rtm_deregister *d = arg;

		if (d->size != sizeof(*d) || d->flags)
			ret = -EINVAL;
		else if (!f->registered)
			ret = -EBADF;
		else {
			deregister_locked(f);
			ret = 0;
		}
	} else if (cmd == RTM_IOC_GET_ENTITIES) {
		ret = do_get_entities(f, arg);
	} else if (cmd == RTM_IOC_GET_ENTITY_INFO) {
		struct rtm_get_entity_info *g = arg;
		struct fake_file *e = file_of_handle(g->handle);

		if (g->size != sizeof(*g) || g->flags)
			ret = -EINVAL;
		else if (!f->registered || !e)
			ret = -EBADF;
		else {
			g->info = e->info;
			ret = 0;
		}
	} else if (cmd == RTM_IOC_REFERENCE || cmd == RTM_IOC_RELEASE) {
		ret = do_handles(f, arg, cmd == RTM_IOC_REFERENCE);
	} else {
		ret = -ENOTTY;
	}
	pthread_mutex_unlock(&lock);

	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}

ssize_t __wrap_read(int fd, void *buf, size_t len);
ssize_t __wrap_read(int fd, void *buf, size_t len)
{
	struct rtm_event *out = buf;
	struct fake_file *f;
	size_t n = 0;

	pthread_mutex_lock(&lock);
	f = file_of_fd(fd);
	if (!f) {
		pthread_mutex_unlock(&lock);
		return __real_read(fd, buf, len);
	}
	if (len < sizeof(*out) || !(f->flags & RTM_REGISTER_EVENTS)) {
		pthread_mutex_unlock(&lock);
		errno = EINVAL;
		return -1;
	}
	while (f->head == f->tail && !f->closed_events)
		pthread_cond_wait(&cond, &lock);
	while ((n + 1) * sizeof(*out) <= len && f->head != f->tail)
		out[n++] = f->queue[f->tail++ % QUEUE_LEN];
	pthread_mutex_unlock(&lock);
	return (ssize_t)(n * sizeof(*out));
}

int __wrap_close(int fd);
int __wrap_close(int fd)
{
	struct fake_file *f;

	pthread_mutex_lock(&lock);
	f = file_of_fd(fd);
	if (f) {
		if (f->registered)
			deregister_locked(f);
		f->used = false;
		pthread_cond_broadcast(&cond);
	}
	pthread_mutex_unlock(&lock);
	return __real_close(fd);
}

void fake_rtm_reset(void)
{
	pthread_mutex_lock(&lock);
	open_error = 0;
	fail_times = 0;
	n_ioctls = 0;
	n_stray = 0;
	memset(n_by_nr, 0, sizeof(n_by_nr));
	pthread_mutex_unlock(&lock);
}

void fake_rtm_open_error(int err)
{
	pthread_mutex_lock(&lock);
	open_error = err;
	pthread_mutex_unlock(&lock);
}

void fake_rtm_fail(unsigned long cmd, int err, unsigned int times)
{
	pthread_mutex_lock(&lock);
	fail_cmd = cmd;
	fail_err = err;
	fail_times = times;
	pthread_mutex_unlock(&lock);
}

#define COUNTER(name, expr)				\
	unsigned int name					\
	{							\
		unsigned int v;					\
								\
		pthread_mutex_lock(&lock);			\
		v = (expr);					\
		pthread_mutex_unlock(&lock);			\
		return v;					\
	}

static unsigned int count_open(void)
{
	unsigned int n = 0;

	for (int i = 0; i < MAX_FILES; i++)
		n += files[i].used;
	return n;
}

static unsigned int flags_of(__u64 handle)
{
	struct fake_file *f = file_of_handle(handle);

	return f ? f->flags : ~0U;
}

static unsigned int refs_of(__u64 holder, __u64 handle)
{
	struct fake_file *f = file_of_handle(holder);
	unsigned int *c = f ? hold_slot(f, handle, false) : NULL;

	return c ? *c : 0;
}

COUNTER(fake_rtm_ioctls(void), n_ioctls)
COUNTER(fake_rtm_ioctls_of(unsigned long cmd), n_by_nr[_IOC_NR(cmd) - RTM_IOC_BASE])
COUNTER(fake_rtm_stray_ioctls(void), n_stray)
COUNTER(fake_rtm_open_files(void), count_open())
COUNTER(fake_rtm_open_flags(void), last_open_flags)
COUNTER(fake_rtm_register_flags(__u64 handle), flags_of(handle))
COUNTER(fake_rtm_refs(__u64 holder, __u64 handle), refs_of(holder, handle))

bool fake_rtm_queue(__u64 handle, const struct rtm_event *ev)
{
	struct fake_file *f;
	bool ok;

	pthread_mutex_lock(&lock);
	f = file_of_handle(handle);
	ok = f && (f->flags & RTM_REGISTER_EVENTS);
	if (ok)
		queue_locked(f, ev);
	pthread_mutex_unlock(&lock);
	return ok;
}

bool fake_rtm_wait_open_files(unsigned int n)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < 500; i++) {
		if (fake_rtm_open_files() <= n)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}
