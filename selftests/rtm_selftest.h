/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the rtm kselftests: identities, the namespace's
 * counters in /proc/net/rtm/stats, module parameters, an event recorder for
 * RTM_EVENT_CALLBACKs, peer processes driven over pipes, capabilities, raw
 * ioctls and allocation-failure injection (fail-nth).
 *
 * Everything here is static inline and independent of kselftest_harness.h,
 * so that forked peers (which must not use the harness's ASSERT_*, whose
 * longjmp belongs to the test process) can use it too.  Waits are bounded:
 * a test waits for what it expects with a timeout and never sleeps hoping
 * that something happened.
 */
#ifndef RTM_SELFTEST_H
#define RTM_SELFTEST_H

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libgen.h>
#include <malloc.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include <linux/rtm.h>
#include "rtmv2.h"

#define RTM_DEV			"/dev/rtm"
#define RTM_STATS		"/proc/net/rtm/stats"
#define RTM_PARAMS		"/sys/module/rtm/parameters"

/* How long a test waits for something it expects to happen. */
#define WAIT_MS			10000

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

/*
 * White box (module/rtm.h): a handle is its object's kind in the top byte
 * (entity 1, dest 2, route 3, next hop 4, ...) and a 56-bit id below.
 * Tests use this only to forge handles of the wrong kind.
 */
#define HANDLE_KIND_SHIFT	56
#define HANDLE_KIND_ENTITY	1U

static inline uint64_t hval(HANDLE h)
{
	return (uint64_t)(uintptr_t)h;
}

static inline HANDLE mkhandle(uint64_t v)
{
	return (HANDLE)(uintptr_t)v;
}

static inline unsigned int handle_kind(HANDLE h)
{
	return hval(h) >> HANDLE_KIND_SHIFT;
}

static inline HANDLE handle_with_kind(HANDLE h, unsigned int kind)
{
	uint64_t id = hval(h) & ((1ULL << HANDLE_KIND_SHIFT) - 1);

	return mkhandle(((uint64_t)kind << HANDLE_KIND_SHIFT) | id);
}

static inline bool rtm_present(void)
{
	return access(RTM_DEV, R_OK | W_OK) == 0;
}

/* ------------------------------------------------------------------ */
/* Identities                                                          */
/* ------------------------------------------------------------------ */

static inline RTM_ENTITY_INFO entity_info(USHORT instance, USHORT family,
					  ULONG protocol, ULONG instance_id)
{
	RTM_ENTITY_INFO info;

	memset(&info, 0, sizeof(info));
	info.RtmInstanceId = instance;
	info.AddressFamily = family;
	info.EntityId.EntityProtocolId = protocol;
	info.EntityId.EntityInstanceId = instance_id;
	return info;
}

static inline bool same_info(const RTM_ENTITY_INFO *a, const RTM_ENTITY_INFO *b)
{
	return a->RtmInstanceId == b->RtmInstanceId &&
	       a->AddressFamily == b->AddressFamily &&
	       a->EntityId.EntityProtocolId == b->EntityId.EntityProtocolId &&
	       a->EntityId.EntityInstanceId == b->EntityId.EntityInstanceId;
}

/* Register without methods or opaque slot; the callback may be NULL. */
static inline DWORD reg(const RTM_ENTITY_INFO *info, RTM_EVENT_CALLBACK cb,
			RTM_ENTITY_HANDLE *handle)
{
	RTM_ENTITY_INFO copy = *info;
	RTM_REGN_PROFILE profile;

	return RtmRegisterEntity(&copy, NULL, cb, FALSE, &profile, handle);
}

static inline const char *win32_name(DWORD e)
{
	switch (e) {
	case NO_ERROR:			return "NO_ERROR";
	case ERROR_FILE_NOT_FOUND:	return "ERROR_FILE_NOT_FOUND";
	case ERROR_ACCESS_DENIED:	return "ERROR_ACCESS_DENIED";
	case ERROR_INVALID_HANDLE:	return "ERROR_INVALID_HANDLE";
	case ERROR_NOT_ENOUGH_MEMORY:	return "ERROR_NOT_ENOUGH_MEMORY";
	case ERROR_INVALID_DATA:	return "ERROR_INVALID_DATA";
	case ERROR_NOT_SUPPORTED:	return "ERROR_NOT_SUPPORTED";
	case ERROR_INVALID_PARAMETER:	return "ERROR_INVALID_PARAMETER";
	case ERROR_INSUFFICIENT_BUFFER:	return "ERROR_INSUFFICIENT_BUFFER";
	case ERROR_ALREADY_EXISTS:	return "ERROR_ALREADY_EXISTS";
	case ERROR_NO_MORE_ITEMS:	return "ERROR_NO_MORE_ITEMS";
	case ERROR_NOT_FOUND:		return "ERROR_NOT_FOUND";
	case ERROR_NO_SYSTEM_RESOURCES:	return "ERROR_NO_SYSTEM_RESOURCES";
	case ERROR_BAD_CONFIGURATION:	return "ERROR_BAD_CONFIGURATION";
	default:			return "?";
	}
}

/* ------------------------------------------------------------------ */
/* /proc/net/rtm/stats and module parameters                           */
/* ------------------------------------------------------------------ */

struct rtm_stats {
	long tables;
	long entities;
	long handles;
	long holds;
	long events_queued;
	long events_lost;
};

/*
 * The calling thread's namespace counters; 0 or -errno.  Lines other than
 * "name value" (per-table lines, say) are skipped.
 */
static inline int read_stats(struct rtm_stats *s)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{ "tables", offsetof(struct rtm_stats, tables) },
		{ "entities", offsetof(struct rtm_stats, entities) },
		{ "handles", offsetof(struct rtm_stats, handles) },
		{ "holds", offsetof(struct rtm_stats, holds) },
		{ "events_queued", offsetof(struct rtm_stats, events_queued) },
		{ "events_lost", offsetof(struct rtm_stats, events_lost) },
	};
	char line[256], name[64], rest[8];
	unsigned int i, found = 0;
	long value;
	FILE *f;

	memset(s, 0, sizeof(*s));
	f = fopen(RTM_STATS, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld %7s", name, &value, rest) != 2)
			continue;
		for (i = 0; i < ARRAY_SIZE(fields); i++) {
			if (strcmp(name, fields[i].name))
				continue;
			*(long *)((char *)s + fields[i].off) = value;
			found |= 1U << i;
		}
	}
	fclose(f);
	return found == (1U << ARRAY_SIZE(fields)) - 1 ? 0 : -EPROTO;
}

static inline long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Poll the counters until entities, handles and holds equal @want's, for
 * at most @timeout_ms; *@got is the last reading.  True if they matched.
 */
static inline bool stats_settle(const struct rtm_stats *want,
				struct rtm_stats *got, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	for (;;) {
		if (read_stats(got) == 0 && got->entities == want->entities &&
		    got->handles == want->handles && got->holds == want->holds)
			return true;
		if (now_ms() >= end)
			return false;
		usleep(10000);
	}
}

/*
 * The counters once what earlier tests left has gone: objects freed after
 * RCU grace periods and deferred work stay counted a while after their
 * process exits, and must not count in a baseline.  With no entity
 * registered every handle and hold is such a leftover, so that waits for
 * them all to go; otherwise for the counters to stay the same over 200 ms.
 * Either way for at most @timeout_ms.  0 or -errno.
 */
static inline int read_stats_steady(struct rtm_stats *s, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	struct rtm_stats next;
	int same = 0, err;

	err = read_stats(s);
	while (!err && now_ms() < end) {
		if (!s->entities ? !s->handles && !s->holds : same >= 4)
			break;
		usleep(50000);
		err = read_stats(&next);
		same = memcmp(&next, s, sizeof(next)) ? 0 : same + 1;
		*s = next;
	}
	return err;
}

/* A table's line of /proc/net/rtm/stats. */
struct table_stats {
	long dests, routes, nexthops, attrs, bytes;
	long queued;		/* entries of its change queues */
};

/*
 * The counters of table (@inst, @fam) of the calling thread's namespace:
 * 0, -ENOENT (all zero) when it has no such table yet, or -errno.
 */
static inline int read_table_stats(USHORT inst, USHORT fam,
				   struct table_stats *ts)
{
	unsigned int i, f;
	char line[512];
	int ret = -ENOENT;
	FILE *file;

	memset(ts, 0, sizeof(*ts));
	file = fopen(RTM_STATS, "r");
	if (!file)
		return -errno;
	while (fgets(line, sizeof(line), file)) {
		struct table_stats t;

		if (sscanf(line, "table %u %u dests %ld routes %ld nexthops %ld attrs %ld bytes %ld queued %ld",
			   &i, &f, &t.dests, &t.routes, &t.nexthops, &t.attrs,
			   &t.bytes, &t.queued) != 8 || i != inst || f != fam)
			continue;
		*ts = t;
		ret = 0;
	}
	fclose(file);
	return ret;
}

/* A module parameter of rtm.ko as a number, or -1. */
static inline long module_param(const char *name)
{
	char path[256];
	long value = -1;
	FILE *f;

	snprintf(path, sizeof(path), RTM_PARAMS "/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &value) != 1)
		value = -1;
	fclose(f);
	return value;
}

/* ------------------------------------------------------------------ */
/* Event recorder                                                       */
/* ------------------------------------------------------------------ */

struct ev_record {
	RTM_ENTITY_HANDLE receiver;	/* RtmRegHandle the callback got */
	RTM_EVENT_TYPE type;
	PVOID context1;
	bool has_info;
	RTM_ENTITY_INFO info;		/* copy of *Context2 */
};

#define EV_MAX 256

static __attribute__((unused)) struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int n;
	unsigned int dropped;
	struct ev_record rec[EV_MAX];
} ev_log = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

/* The RTM_EVENT_CALLBACK of every recording entity. */
static inline DWORD WINAPI ev_callback(RTM_ENTITY_HANDLE receiver,
				       RTM_EVENT_TYPE type, PVOID context1,
				       PVOID context2)
{
	struct ev_record r;

	memset(&r, 0, sizeof(r));
	r.receiver = receiver;
	r.type = type;
	r.context1 = context1;
	/* Context2 is only valid during the call: copy it. */
	if ((type == RTM_ENTITY_REGISTERED || type == RTM_ENTITY_DEREGISTERED) &&
	    context2) {
		r.has_info = true;
		memcpy(&r.info, context2, sizeof(r.info));
	}
	pthread_mutex_lock(&ev_log.lock);
	if (ev_log.n < EV_MAX)
		ev_log.rec[ev_log.n++] = r;
	else
		ev_log.dropped++;
	pthread_cond_broadcast(&ev_log.cond);
	pthread_mutex_unlock(&ev_log.lock);
	return NO_ERROR;
}

/* Events @receiver got of @type about @subject (NULL: about anyone). */
static inline unsigned int ev_count(RTM_ENTITY_HANDLE receiver,
				    RTM_EVENT_TYPE type,
				    RTM_ENTITY_HANDLE subject)
{
	unsigned int i, n = 0;

	pthread_mutex_lock(&ev_log.lock);
	for (i = 0; i < ev_log.n; i++)
		if (ev_log.rec[i].receiver == receiver &&
		    ev_log.rec[i].type == type &&
		    (!subject || ev_log.rec[i].context1 == subject))
			n++;
	pthread_mutex_unlock(&ev_log.lock);
	return n;
}

/* Every event @receiver got, of any type. */
static inline unsigned int ev_count_all(RTM_ENTITY_HANDLE receiver)
{
	unsigned int i, n = 0;

	pthread_mutex_lock(&ev_log.lock);
	for (i = 0; i < ev_log.n; i++)
		if (ev_log.rec[i].receiver == receiver)
			n++;
	pthread_mutex_unlock(&ev_log.lock);
	return n;
}

/*
 * Wait up to @timeout_ms for @receiver's event of @type about @subject;
 * copies the first such record to *@out.  True if it came.
 */
static inline bool ev_wait(RTM_ENTITY_HANDLE receiver, RTM_EVENT_TYPE type,
			   RTM_ENTITY_HANDLE subject, int timeout_ms,
			   struct ev_record *out)
{
	struct timespec deadline;
	bool found = false;
	unsigned int i;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}

	pthread_mutex_lock(&ev_log.lock);
	for (;;) {
		for (i = 0; i < ev_log.n; i++) {
			if (ev_log.rec[i].receiver == receiver &&
			    ev_log.rec[i].type == type &&
			    (!subject || ev_log.rec[i].context1 == subject)) {
				if (out)
					*out = ev_log.rec[i];
				found = true;
				break;
			}
		}
		if (found ||
		    pthread_cond_timedwait(&ev_log.cond, &ev_log.lock,
					   &deadline) == ETIMEDOUT)
			break;
	}
	/* One last look: the event may have come with the timeout. */
	for (i = 0; !found && i < ev_log.n; i++) {
		if (ev_log.rec[i].receiver == receiver &&
		    ev_log.rec[i].type == type &&
		    (!subject || ev_log.rec[i].context1 == subject)) {
			if (out)
				*out = ev_log.rec[i];
			found = true;
		}
	}
	pthread_mutex_unlock(&ev_log.lock);
	return found;
}

/* ------------------------------------------------------------------ */
/* Peer processes                                                       */
/* ------------------------------------------------------------------ */

/*
 * A peer is a forked process that runs a function and talks to the test
 * over two pipes with fixed-size messages.  Start peers before the test
 * registers entities with callbacks: a fork copies no threads, and a
 * library lock held by a dispatcher thread at that moment would stay
 * locked in the child.  The peer closes every other file descriptor it
 * inherited, so it shares no /dev/rtm file with the test, and dies with
 * its parent.
 */
struct peer {
	pid_t pid;
	int rd;		/* messages from the peer */
	int wr;		/* messages to the peer */
};

struct msg {
	uint32_t tag;
	uint32_t status;	/* a DWORD result, or an errno */
	uint64_t value;		/* a handle, usually */
	RTM_ENTITY_INFO info;
};

/* Write a whole message; 0 or -errno. */
static inline int msg_send(int fd, uint32_t tag, uint32_t status,
			   uint64_t value)
{
	struct msg m;
	ssize_t n;

	memset(&m, 0, sizeof(m));
	m.tag = tag;
	m.status = status;
	m.value = value;
	do {
		n = write(fd, &m, sizeof(m));
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(m) ? 0 : n < 0 ? -errno : -EIO;
}

/* Read one message within @timeout_ms: 0, -ETIMEDOUT, -EPIPE or -errno. */
static inline int msg_recv(int fd, struct msg *m, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;
	int r;

	while (got < sizeof(*m)) {
		r = poll(&p, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		n = read(fd, (char *)m + got, sizeof(*m) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		got += n;
	}
	return 0;
}

/* Receive a message and check its tag; 0 or a negative errno. */
static inline int msg_expect(int fd, uint32_t tag, struct msg *m)
{
	int err = msg_recv(fd, m, WAIT_MS);

	if (err)
		return err;
	return m->tag == tag ? 0 : -EBADMSG;
}

typedef int (*peer_fn)(int rd, int wr, void *arg);

static inline void close_fds_except(int a, int b)
{
	int fd, max = (int)sysconf(_SC_OPEN_MAX);

	if (max < 0 || max > 4096)
		max = 4096;
	for (fd = 3; fd < max; fd++)
		if (fd != a && fd != b)
			close(fd);
}

/* Fork a peer running @fn; its exit status is @fn's return value. */
static inline int peer_start(struct peer *p, peer_fn fn, void *arg)
{
	int to[2], from[2];
	pid_t parent = getpid();

	p->pid = 0;
	p->rd = -1;
	p->wr = -1;
	if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC))
		return -errno;
	fflush(stdout);
	fflush(stderr);
	p->pid = fork();
	if (p->pid < 0)
		return -errno;
	if (p->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(99);
		close_fds_except(to[0], from[1]);
		_exit(fn(to[0], from[1], arg));
	}
	close(to[0]);
	close(from[1]);
	p->rd = from[0];
	p->wr = to[1];
	return 0;
}

/*
 * Wait up to @timeout_ms for the peer to exit (killing it after that);
 * returns its exit status, 128 + signal, or -ETIMEDOUT.
 */
static inline int peer_wait(struct peer *p, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	int status;
	pid_t r;

	if (p->pid <= 0)
		return -ECHILD;
	for (;;) {
		r = waitpid(p->pid, &status, WNOHANG);
		if (r == p->pid)
			break;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (now_ms() >= end) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &status, 0);
			p->pid = 0;
			return -ETIMEDOUT;
		}
		usleep(5000);
	}
	p->pid = 0;
	close(p->rd);
	close(p->wr);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* Kill the peer, if it still runs, and reap it. */
static inline void peer_kill(struct peer *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
		p->pid = 0;
		close(p->rd);
		close(p->wr);
	}
}

/* A failed check in a peer: say where, and exit with a non-zero status. */
#define PEER_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "# peer %d: %s:%d: check failed: %s\n",	\
			getpid(), __FILE__, __LINE__, #cond);		\
		return 1;						\
	}								\
} while (0)

/* ------------------------------------------------------------------ */
/* Capabilities                                                         */
/* ------------------------------------------------------------------ */

/*
 * Drop @cap from the effective set, and from the permitted and inheritable
 * sets too when @all; 0 or -errno.
 */
static inline int cap_drop(int cap, bool all)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	uint32_t bit = 1U << (cap % 32);
	int i = cap / 32;

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[i].effective &= ~bit;
	if (all) {
		data[i].permitted &= ~bit;
		data[i].inheritable &= ~bit;
	}
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

/* Whether @cap is in the effective set; -errno on error. */
static inline int cap_effective(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	return !!(data[cap / 32].effective & (1U << (cap % 32)));
}

/* ------------------------------------------------------------------ */
/* Raw ioctls                                                           */
/* ------------------------------------------------------------------ */

/* ioctl() returning 0 or -errno. */
static inline int rtm_ioctl(int fd, unsigned long cmd, void *arg)
{
	int r;

	do {
		r = ioctl(fd, cmd, arg);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* Open /dev/rtm; the fd or -errno. */
static inline int rtm_open(void)
{
	int fd = open(RTM_DEV, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/*
 * RTM_IOC_REGISTER on @fd, exporting @num_methods methods; the handle goes
 * to *@handle.  0 or -errno.
 */
static inline int raw_register_methods(int fd, USHORT instance, USHORT family,
				       uint32_t protocol, uint32_t instance_id,
				       uint32_t flags, uint32_t num_methods,
				       uint64_t *handle)
{
	struct rtm_register r;
	int err;

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.flags = flags;
	r.entity.instance_id = instance;
	r.entity.family = family;
	r.entity.protocol_id = protocol;
	r.entity.entity_instance_id = instance_id;
	r.num_methods = num_methods;
	err = rtm_ioctl(fd, RTM_IOC_REGISTER, &r);
	if (!err && handle)
		*handle = r.handle;
	return err;
}

/* RTM_IOC_REGISTER on @fd; the handle goes to *@handle.  0 or -errno. */
static inline int raw_register(int fd, USHORT instance, USHORT family,
			       uint32_t protocol, uint32_t instance_id,
			       uint32_t flags, uint64_t *handle)
{
	return raw_register_methods(fd, instance, family, protocol,
				    instance_id, flags, 0, handle);
}

/* Open file descriptors of this process, or -errno. */
static inline int count_fds(void)
{
	int fd, n = 0, max = (int)sysconf(_SC_OPEN_MAX);

	if (max < 0 || max > 4096)
		max = 4096;
	for (fd = 0; fd < max; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

/* ------------------------------------------------------------------ */
/* Allocation-failure injection                                         */
/* ------------------------------------------------------------------ */

/*
 * /proc/thread-self/fail-nth makes the n-th allocation of the calling
 * thread that failslab or fail_page_alloc considers eligible fail, and
 * counts down to 0 as the thread allocates.  Out of the box both ignore
 * allocations that may sleep (GFP_KERNEL: nearly all of a module's) and
 * fail_page_alloc ignores order 0 and highmem, so a test first makes every
 * allocation eligible.
 *
 * One failure is often absorbed: the XArray retries a node allocation
 * that failed under its lock, kvmalloc() falls back to vmalloc, kmemleak
 * to its pool.  To reach the code behind such retries, every allocation
 * from the n-th on can fail too: once fail-nth has run out, the
 * attributes' probability (100) applies, but only to the threads that set
 * /proc/thread-self/make-it-fail (the task filter).  No other thread is
 * touched: fail-nth and make-it-fail are both 0 unless a thread asks.  A
 * thread created while make-it-fail is set inherits it, and then fails
 * every allocation: arm it only around calls that create none.
 */
#define FAULT_DEBUGFS		"/sys/kernel/debug"

/* Set in this order, and put back in the reverse one. */
static const struct {
	const char *file;
	const char *value;
} fault_knobs[] = {
	{ "failslab/ignore-gfp-wait", "N" },
	{ "failslab/verbose", "0" },
	{ "failslab/task-filter", "Y" },
	{ "failslab/interval", "1" },
	{ "failslab/times", "-1" },
	{ "failslab/space", "0" },
	{ "failslab/probability", "100" },
	{ "fail_page_alloc/ignore-gfp-wait", "N" },
	{ "fail_page_alloc/ignore-gfp-highmem", "N" },
	{ "fail_page_alloc/min-order", "0" },
	{ "fail_page_alloc/verbose", "0" },
	{ "fail_page_alloc/task-filter", "Y" },
	{ "fail_page_alloc/interval", "1" },
	{ "fail_page_alloc/times", "-1" },
	{ "fail_page_alloc/space", "0" },
	{ "fail_page_alloc/probability", "100" },
};

/* The knobs' values before fault_inject_setup(), to put back. */
struct fault_saved {
	bool have[ARRAY_SIZE(fault_knobs)];
	char value[ARRAY_SIZE(fault_knobs)][32];
};

static inline int fault_knob_io(const char *file, char *buf, size_t len,
				bool write_it)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), FAULT_DEBUGFS "/%s", file);
	fd = open(path, (write_it ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write_it) {
		n = write(fd, buf, strlen(buf));
	} else {
		n = read(fd, buf, len - 1);
		if (n >= 0) {
			buf[n] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
		}
	}
	close(fd);
	return n < 0 ? -errno : 0;
}

static inline void fault_inject_restore(const struct fault_saved *saved)
{
	unsigned int i = ARRAY_SIZE(fault_knobs);
	char buf[32];

	while (i--) {
		if (!saved->have[i])
			continue;
		snprintf(buf, sizeof(buf), "%s", saved->value[i]);
		fault_knob_io(fault_knobs[i].file, buf, 0, true);
	}
}

/*
 * Make every allocation eligible, saving the old settings in *@saved.
 * 0; -EOPNOTSUPP on a kernel without failslab, fail_page_alloc, fail-nth
 * and make-it-fail (mounting debugfs if need be to tell); or -errno, with
 * what was set put back.
 */
static inline int fault_inject_setup(struct fault_saved *saved)
{
	unsigned int i;
	int err = 0;

	memset(saved, 0, sizeof(*saved));
	if (access("/proc/thread-self/fail-nth", W_OK) ||
	    access("/proc/thread-self/make-it-fail", W_OK))
		return -EOPNOTSUPP;
	if (access(FAULT_DEBUGFS "/failslab", F_OK))
		mount("debugfs", FAULT_DEBUGFS, "debugfs", 0, NULL);
	if (access(FAULT_DEBUGFS "/failslab", F_OK) ||
	    access(FAULT_DEBUGFS "/fail_page_alloc", F_OK))
		return -EOPNOTSUPP;
	for (i = 0; i < ARRAY_SIZE(fault_knobs) && !err; i++) {
		err = fault_knob_io(fault_knobs[i].file, saved->value[i],
				    sizeof(saved->value[i]), false);
		if (err)
			break;
		saved->have[i] = true;
		err = fault_knob_io(fault_knobs[i].file,
				    (char *)fault_knobs[i].value, 0, true);
	}
	if (err)
		fault_inject_restore(saved);
	return err;
}

/*
 * The calling thread's fail-nth and make-it-fail, opened once: opening a
 * file allocates, so arming and reading them back must not.
 */
struct failnth {
	int nth;
	int all;
};

static inline int failnth_open(struct failnth *f)
{
	f->nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	f->all = open("/proc/thread-self/make-it-fail", O_RDWR | O_CLOEXEC);
	return f->nth < 0 || f->all < 0 ? -errno : 0;
}

static inline int failnth_write(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -errno;
}

/*
 * Fail the thread's @n-th eligible allocation from now on, and with
 * @onward every one after it too; 0 or -errno.
 */
static inline int failnth_arm(const struct failnth *f, unsigned int n,
			      bool onward)
{
	int err = onward ? failnth_write(f->all, 1) : 0;

	return err ?: failnth_write(f->nth, n);
}

/*
 * Stop injecting.  Returns what was left of the count: 0 when the n-th
 * allocation was reached (and failed), the number of allocations short of
 * it otherwise; or -errno.
 */
static inline long failnth_disarm(const struct failnth *f)
{
	char buf[16];
	ssize_t n;
	int err;

	err = failnth_write(f->all, 0);
	if (err)
		return err;
	n = pread(f->nth, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	err = failnth_write(f->nth, 0);
	return err ?: strtol(buf, NULL, 10);
}

/* Write @len bytes of stack, so that its pages are there to lock. */
static __attribute__((noinline)) void touch_stack(size_t len)
{
	volatile char buf[len];

	memset((char *)buf, 0, len);
}

/*
 * Keep the process's own page faults out of the injected allocations: a
 * heap of @heap bytes that malloc() keeps and never trims, @stack bytes of
 * the stack written, then everything locked, now and as it grows (threads
 * created from here on get @thread_stack-byte stacks, so that locking them
 * stays cheap).  0 or -errno.
 */
static inline int pin_memory(size_t heap, size_t stack, size_t thread_stack)
{
	pthread_attr_t attr;
	void *p;

	if (!mallopt(M_MMAP_THRESHOLD, 32 << 20) ||
	    !mallopt(M_TRIM_THRESHOLD, 1 << 30) ||
	    !mallopt(M_TOP_PAD, 4 << 20))
		return -EINVAL;
	p = malloc(heap);
	if (!p)
		return -ENOMEM;
	memset(p, 1, heap);
	free(p);
	touch_stack(stack);
	if (pthread_attr_init(&attr) ||
	    pthread_attr_setstacksize(&attr, thread_stack) ||
	    pthread_setattr_default_np(&attr))
		return -EINVAL;
	pthread_attr_destroy(&attr);
	return mlockall(MCL_CURRENT | MCL_FUTURE) ? -errno : 0;
}

/* ------------------------------------------------------------------ */
/* Checks, for tests (after kselftest_harness.h)                        */
/* ------------------------------------------------------------------ */

#ifdef __KSELFTEST_HARNESS_H
static inline bool __win_ok(struct __test_metadata *_metadata, DWORD want,
			    DWORD got, const char *expr, int line)
{
	if (want == got)
		return true;
	fprintf(TH_LOG_STREAM, "# %s:%d:%s: %s: %s (%u), want %s (%u)\n",
		__FILE__, line, _metadata->name, expr, win32_name(got), got,
		win32_name(want), want);
	_metadata->passed = 0;
	return false;
}

static inline bool __errno_ok(struct __test_metadata *_metadata, int want,
			      int got, const char *expr, int line)
{
	if (want == got)
		return true;
	fprintf(TH_LOG_STREAM, "# %s:%d:%s: %s: %d (%s), want %d (%s)\n",
		__FILE__, line, _metadata->name, expr, got, strerror(-got),
		want, strerror(-want));
	_metadata->passed = 0;
	return false;
}

/*
 * EXPECT_WIN(want, call) checks a Win32 status and reports it by name;
 * EXPECT_ERRNO(want, call) checks a raw call's 0 or -errno.  Like the
 * harness's checks they take an optional statement (usually TH_LOG), run
 * on failure; the ASSERT_ forms then end the test.
 */
#define __RTM_CHECK(ok, assert)						\
	for (_metadata->trigger = !(ok); _metadata->trigger;		\
	     _metadata->trigger = __bail(assert, _metadata))

#define EXPECT_WIN(want, call)						\
	__RTM_CHECK(__win_ok(_metadata, (want), (call), #call, __LINE__), 0)
#define ASSERT_WIN(want, call)						\
	__RTM_CHECK(__win_ok(_metadata, (want), (call), #call, __LINE__), 1)
#define EXPECT_ERRNO(want, call)					\
	__RTM_CHECK(__errno_ok(_metadata, (want), (call), #call, __LINE__), 0)
#define ASSERT_ERRNO(want, call)					\
	__RTM_CHECK(__errno_ok(_metadata, (want), (call), #call, __LINE__), 1)

/* Skip unless /dev/rtm is there and usable. */
#define REQUIRE_RTM() do {						\
	if (!rtm_present())						\
		SKIP(return, RTM_DEV " is not there (rtm.ko not loaded?)"); \
	if (cap_effective(CAP_NET_ADMIN) != 1)				\
		SKIP(return, "needs CAP_NET_ADMIN");			\
} while (0)
#endif

/*
 * A tool the tests drive: the file the variable @env names, or
 * ../tools/@name beside the directory of
 * this program (make check ships build/tools beside build/selftests).
 */
static inline bool find_tool(const char *env, const char *name, char *out,
			     size_t size)
{
	const char *given = getenv(env);
	char self[4096];
	ssize_t n;

	if (given && *given) {
		snprintf(out, size, "%s", given);
		return access(out, X_OK) == 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return false;
	self[n] = 0;
	snprintf(out, size, "%s/../tools/%s", dirname(self), name);
	return access(out, X_OK) == 0;
}

#endif /* RTM_SELFTEST_H */
