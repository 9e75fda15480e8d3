/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stalling the kernel inside a window, with userfaultfd.
 *
 * A stall area is a few anonymous pages registered with a userfaultfd in
 * missing mode: a page nobody filled yet has no memory behind it, so the
 * first access to it, a copy_from_user() or copy_to_user() of an ioctl
 * included, sleeps in the kernel until the test fills the page.  A test puts
 * the argument the kernel copies inside a window (after it looked up a
 * handle, before it takes the table lock) on such a page, makes the call in
 * another thread, waits for the fault, does what the race is about (deletes
 * the object, closes the file, kills the process) and only then lets the
 * copy go on: the window is as wide as the test wants, every time.
 *
 * Each page has a staging copy in ordinary memory: the test writes what the
 * page must hold there, and stall_fill() copies it in (UFFDIO_COPY), which
 * also wakes the sleeper.  stall_zap() empties a filled page again, so the
 * next access stalls too; stall_fail() makes the stalled access fail
 * (-EFAULT in the kernel) instead of going on.
 *
 * The faults are read by the thread that calls stall_wait(); the stalled
 * call runs in a struct bg_call thread.  Everything here is static inline
 * and harness-free, like rtm_selftest.h, so forked peers can use it.
 */
#ifndef UFFD_STALL_H
#define UFFD_STALL_H

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/userfaultfd.h>

struct stall {
	int uffd;
	char *mem;		/* the registered pages */
	char *stage;		/* what each page gets when filled */
	size_t page;
	unsigned int npages;
	int err;		/* why stall_open() failed, or 0 */
};

static inline void stall_close(struct stall *s)
{
	/* Closing the userfaultfd wakes a sleeper; its access goes on. */
	if (s->uffd >= 0)
		close(s->uffd);
	if (s->mem && s->mem != MAP_FAILED)
		munmap(s->mem, s->npages * s->page);
	if (s->stage && s->stage != MAP_FAILED)
		munmap(s->stage, s->npages * s->page);
	s->uffd = -1;
	s->mem = NULL;
	s->stage = NULL;
}

/*
 * @npages registered pages, all missing; 0 or -errno (-ENOSYS, -EPERM:
 * no userfaultfd for kernel faults here, and the caller skips).
 */
static inline int stall_open(struct stall *s, unsigned int npages)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register r;
	size_t len;

	memset(s, 0, sizeof(*s));
	s->uffd = -1;
	s->page = (size_t)sysconf(_SC_PAGESIZE);
	s->npages = npages;
	len = npages * s->page;
	s->mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	s->stage = mmap(NULL, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->mem == MAP_FAILED || s->stage == MAP_FAILED)
		goto fail;
	/* No UFFD_USER_MODE_ONLY: the faults wanted are the kernel's. */
	s->uffd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (s->uffd < 0)
		goto fail;
	if (ioctl(s->uffd, UFFDIO_API, &api))
		goto fail;
	memset(&r, 0, sizeof(r));
	r.range.start = (uintptr_t)s->mem;
	r.range.len = len;
	r.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(s->uffd, UFFDIO_REGISTER, &r))
		goto fail;
	return 0;
fail:
	s->err = errno ? -errno : -EINVAL;
	stall_close(s);
	return s->err;
}

/* Where the kernel is to find page @i: pass pointers into this. */
static inline void *stall_addr(struct stall *s, unsigned int i)
{
	return s->mem + i * s->page;
}

/* The staging copy of page @i: write what the page will hold here. */
static inline void *stall_stage(struct stall *s, unsigned int i)
{
	return s->stage + i * s->page;
}

/*
 * Give page @i its staged contents, waking whoever waits for it.  0, or
 * -errno; a page filled already counts as done.
 */
static inline int stall_fill(struct stall *s, unsigned int i)
{
	struct uffdio_copy c = {
		.dst = (uintptr_t)stall_addr(s, i),
		.src = (uintptr_t)stall_stage(s, i),
		.len = s->page,
	};

	if (ioctl(s->uffd, UFFDIO_COPY, &c) == 0 || errno == EEXIST)
		return 0;
	return -errno;
}

/* Take page @i's memory away again: its next access stalls. */
static inline int stall_zap(struct stall *s, unsigned int i)
{
	return madvise(stall_addr(s, i), s->page, MADV_DONTNEED) ? -errno : 0;
}

/* Every page missing again, staged contents cleared. */
static inline int stall_reset(struct stall *s)
{
	memset(s->stage, 0, s->npages * s->page);
	return madvise(s->mem, s->npages * s->page, MADV_DONTNEED) ? -errno : 0;
}

/*
 * Wait up to @timeout_ms for a fault; returns the page it is on, or
 * -ETIMEDOUT, or -errno.
 */
static inline int stall_wait(struct stall *s, int timeout_ms)
{
	struct pollfd p = { .fd = s->uffd, .events = POLLIN };
	struct uffd_msg m;
	uintptr_t a;
	ssize_t n;
	int r;

	for (;;) {
		r = poll(&p, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		n = read(s->uffd, &m, sizeof(m));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n != (ssize_t)sizeof(m))
			return n < 0 ? -errno : -EIO;
		if (m.event != UFFD_EVENT_PAGEFAULT)
			continue;
		a = (uintptr_t)m.arg.pagefault.address;
		if (a < (uintptr_t)s->mem ||
		    a >= (uintptr_t)s->mem + s->npages * s->page)
			return -EFAULT;
		return (int)((a - (uintptr_t)s->mem) / s->page);
	}
}

/*
 * Make the access stalled on page @i fail: the page loses all access and
 * the sleeper is woken, so the kernel's retry of the fault finds nothing
 * it may touch and its copy fails with -EFAULT.  The page stays
 * inaccessible until stall_reset()'s caller gives access back with
 * stall_unfail().
 */
static inline int stall_fail(struct stall *s, unsigned int i)
{
	struct uffdio_range r = {
		.start = (uintptr_t)stall_addr(s, i),
		.len = s->page,
	};

	if (mprotect(stall_addr(s, i), s->page, PROT_NONE))
		return -errno;
	return ioctl(s->uffd, UFFDIO_WAKE, &r) ? -errno : 0;
}

static inline int stall_unfail(struct stall *s, unsigned int i)
{
	return mprotect(stall_addr(s, i), s->page, PROT_READ | PROT_WRITE) ?
	       -errno : 0;
}

/* ------------------------------------------------------------------ */
/* A call made in a thread of its own                                   */
/* ------------------------------------------------------------------ */

/*
 * The function returns a Win32 status or a raw call's 0 / -errno: both fit
 * in a long.
 */
struct bg_call {
	pthread_t thread;
	long (*fn)(void *arg);
	void *arg;
	long result;
	atomic_int tid;		/* the thread's id, once it runs */
	atomic_int done;
	bool started;
};

static inline void *bg_main(void *p)
{
	struct bg_call *c = p;

	atomic_store(&c->tid, (int)syscall(SYS_gettid));
	c->result = c->fn(c->arg);
	atomic_store(&c->done, 1);
	return NULL;
}

static inline int bg_start(struct bg_call *c, long (*fn)(void *), void *arg)
{
	int err;

	memset(c, 0, sizeof(*c));
	c->fn = fn;
	c->arg = arg;
	err = pthread_create(&c->thread, NULL, bg_main, c);
	c->started = !err;
	return -err;
}

/* Wait up to @timeout_ms for the call to return; true if it did (joined). */
static inline bool bg_join(struct bg_call *c, int timeout_ms)
{
	struct timespec ts;
	long long end;

	if (!c->started)
		return true;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	end = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 + timeout_ms;
	while (!atomic_load(&c->done)) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 >= end)
			return false;
		usleep(1000);
	}
	pthread_join(c->thread, NULL);
	c->started = false;
	return true;
}

/* Whether the call has returned, without waiting. */
static inline bool bg_done(struct bg_call *c)
{
	return atomic_load(&c->done);
}

#endif /* UFFD_STALL_H */
