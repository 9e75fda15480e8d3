// SPDX-License-Identifier: GPL-2.0
/*
 * Who makes the calls, and what happens to their files under them.
 *
 * The main process has a few slots, each a /dev/rtm fd worked on by
 * several threads and an event thread.  Now and then a worker replaces
 * its slot's file under the others (dup2() of a new open), closes and
 * reopens it, or works on a dup() of it for a while.  A ticker thread
 * interrupts random threads with a signal, so that waits (method calls,
 * client locks, reads) are cut short.  A spawner forks, one at a time:
 *
 *  - victims: they register, run workers on their own files and on the
 *    files they inherited, and are killed with SIGKILL at a random moment,
 *    usually in the middle of a call;
 *  - namespace children: they unshare(CLONE_NEWNET), fuzz there, and
 *    exit or are killed; their handles reach the shared pool, so both
 *    namespaces try the other's;
 *  - unprivileged children: they drop CAP_NET_ADMIN and must be refused
 *    registration (EPERM), and fuzz the files they inherited.
 *
 * Each thread's choices come from the run's seed and the thread's number
 * (children: the child's serial number), never from the clock.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "fuzz.h"

#define FZ_MAX_THREADS	48
#define FZ_MAX_SLOTS	16

const struct fz_config *fz_cfg;

/* Shared with every child: the run is over. */
static bool *shared_stop;
/* This process's own end (a child's deadline). */
static bool local_stop;
/* This process is in the second network namespace. */
static bool in_other_ns;

bool fz_stopping(void)
{
	return __atomic_load_n(&local_stop, __ATOMIC_RELAXED) ||
	       __atomic_load_n(shared_stop, __ATOMIC_RELAXED);
}

int fz_slot_fd(const struct fz_slot *s)
{
	return __atomic_load_n(&s->fd, __ATOMIC_RELAXED);
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR && !fz_stopping())
		;
}

/* Signals only interrupt: no SA_RESTART, so blocked calls return EINTR. */
static void on_signal(int sig)
{
	(void)sig;
}

/*
 * A crash of the fuzzer itself (not of the kernel, which would show on the
 * console): say where, so that addr2line on the binary can tell, then die
 * of the signal as before.
 */
/* The bounds of the program's code (the linker's symbols). */
extern char __executable_start[], etext[];

/*
 * Report a crash of the fuzzer itself: where, the first three arguments
 * (a faulting copy's destination, source and length), and the words on
 * the stack that point into the program's code, most of which are the
 * return addresses of the calls that led there.  Decode with
 * addr2line -f -e fuzz_test, relative to fz_run's address when the
 * program was loaded elsewhere.
 */
static void on_crash(int sig, siginfo_t *si, void *uc_arg)
{
	ucontext_t *uc = uc_arg;
	const greg_t *g = uc->uc_mcontext.gregs;
	const uintptr_t *sp = (const uintptr_t *)g[REG_RSP];
	char msg[640];
	int n, i, found = 0;

	n = snprintf(msg, sizeof(msg),
		     "# fuzz: signal %d at pc %#llx (fz_run at %p), address %p, args %#llx %#llx %#llx, calls",
		     sig, (unsigned long long)g[REG_RIP], (void *)fz_run,
		     si->si_addr, (unsigned long long)g[REG_RDI],
		     (unsigned long long)g[REG_RSI],
		     (unsigned long long)g[REG_RDX]);
	for (i = 0; i < 256 && found < 16 && n < (int)sizeof(msg) - 24; i++) {
		if (sp[i] < (uintptr_t)__executable_start ||
		    sp[i] >= (uintptr_t)etext)
			continue;
		n += snprintf(msg + n, sizeof(msg) - n, " %#lx",
			      (unsigned long)sp[i]);
		found++;
	}
	n += snprintf(msg + n, sizeof(msg) - n, "\n");
	if (write(STDERR_FILENO, msg, n) < 0)
		n = 0;
	raise(sig);
}

static void crash_report_on(void)
{
	struct sigaction sa = { .sa_sigaction = on_crash,
				.sa_flags = SA_SIGINFO | SA_RESETHAND };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

static int open_rtm(struct fz_rng *r)
{
	int flags = O_RDWR | O_CLOEXEC;

	if (fz_chance(r, 30))
		flags |= O_NONBLOCK;
	return open("/dev/rtm", flags);
}

/* ------------------------------------------------------------------ */
/* A crew: the threads of one process                                  */
/* ------------------------------------------------------------------ */

enum fz_role { ROLE_WORKER, ROLE_EVENTS, ROLE_TICKER, ROLE_SPAWNER };

struct member {
	pthread_t th;
	struct fz_thread t;
	enum fz_role role;
	bool running;
};

struct crew {
	struct member m[FZ_MAX_THREADS];
	unsigned int n;
	struct fz_slot *slots;
	unsigned int nslots;
};

static struct crew crew;

static void *member_main(void *arg);

static int crew_add(enum fz_role role, struct fz_slot *slot, uint64_t seed,
		    uint64_t stream, bool unprivileged)
{
	struct member *m;
	int err;

	if (crew.n >= FZ_MAX_THREADS)
		return -ENOSPC;
	m = &crew.m[crew.n];
	memset(m, 0, sizeof(*m));
	m->role = role;
	fz_rng_seed(&m->t.rng, seed, stream);
	m->t.id = (unsigned int)stream;
	m->t.slot = slot;
	m->t.unprivileged = unprivileged;
	if (fz_arena_init(&m->t.arena))
		return -ENOMEM;
	err = pthread_create(&m->th, NULL, member_main, m);
	if (err) {
		fz_arena_free(&m->t.arena);
		return -err;
	}
	m->running = true;
	crew.n++;
	return 0;
}

/*
 * Stop and join every thread, signalling them out of blocking calls; at
 * most @timeout_ms.  The number of threads that did not stop.
 */
static unsigned int crew_join(int timeout_ms)
{
	long long end = ms_now() + timeout_ms;
	unsigned int i, left;
	struct timespec ts;

	__atomic_store_n(&local_stop, true, __ATOMIC_RELAXED);
	do {
		left = 0;
		for (i = 0; i < crew.n; i++) {
			struct member *m = &crew.m[i];

			if (!m->running)
				continue;
			pthread_kill(m->th, SIGUSR1);
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 20 * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			if (!pthread_timedjoin_np(m->th, NULL, &ts)) {
				m->running = false;
				fz_arena_free(&m->t.arena);
			} else {
				left++;
			}
		}
	} while (left && ms_now() < end);
	return left;
}

/*
 * Close every /dev/rtm file of the process: the slots', and those the
 * churn's races left behind (a dup3() onto a number another thread had
 * just closed makes a file no slot knows).  The count of the latter.
 */
static unsigned int close_slots(void)
{
	unsigned int i, strays = 0;
	struct stat dev, st;
	int fd;

	for (i = 0; i < crew.nslots; i++) {
		if (crew.slots[i].fd >= 0)
			close(crew.slots[i].fd);
		crew.slots[i].fd = -1;
	}
	if (stat("/dev/rtm", &dev))
		return 0;
	for (fd = 3; fd < 4096; fd++) {
		if (fstat(fd, &st) || !S_ISCHR(st.st_mode) ||
		    st.st_rdev != dev.st_rdev)
			continue;
		close(fd);
		strays++;
	}
	return strays;
}

/* ------------------------------------------------------------------ */
/* Files under the workers                                             */
/* ------------------------------------------------------------------ */

static void slot_forget(struct fz_slot *s)
{
	__atomic_store_n(&s->entity, 0, __ATOMIC_RELAXED);
	s->used = false;
	s->family = 0;
	fz_own_forget(&s->own);
}

/* Replace, close and reopen, or work on a dup of the slot's file. */
static void churn(struct fz_thread *t)
{
	struct fz_rng *r = &t->rng;
	struct fz_slot *s = t->slot, *copy;
	int fd, old, i, n;

	switch (fz_below(r, 4)) {
	case 0:		/* a new file under the same number */
		fd = open_rtm(r);
		if (fd < 0)
			return;
		old = fz_slot_fd(s);
		if (old >= 0 && dup3(fd, old, O_CLOEXEC) >= 0) {
			slot_forget(s);
			s->other_ns = in_other_ns;
		}
		close(fd);
		__atomic_fetch_add(&fz_tally->reopens, 1, __ATOMIC_RELAXED);
		break;
	case 1:		/* closed, then reopened under another number */
		old = __atomic_exchange_n(&s->fd, -1, __ATOMIC_RELAXED);
		if (old >= 0)
			close(old);
		slot_forget(s);
		s->other_ns = in_other_ns;
		fd = open_rtm(r);
		/* Another thread may have reopened it meanwhile: keep one. */
		old = -1;
		if (fd >= 0 &&
		    !__atomic_compare_exchange_n(&s->fd, &old, fd, false,
						 __ATOMIC_RELAXED,
						 __ATOMIC_RELAXED))
			close(fd);
		__atomic_fetch_add(&fz_tally->reopens, 1, __ATOMIC_RELAXED);
		break;
	case 2:		/* a while on a dup of the file, then closed */
		fd = dup(fz_slot_fd(s));
		if (fd < 0)
			return;
		copy = malloc(sizeof(*copy));
		if (!copy) {
			close(fd);
			return;
		}
		memcpy(copy, s, sizeof(*copy));
		copy->fd = fd;
		t->slot = copy;
		n = 1 + fz_below(r, 20);
		for (i = 0; i < n && !fz_stopping(); i++)
			fz_random_op(t);
		t->slot = s;
		close(fd);
		free(copy);
		__atomic_fetch_add(&fz_tally->dups, 1, __ATOMIC_RELAXED);
		break;
	default:	/* another slot's file under this one's number */
		old = fz_slot_fd(s);
		copy = &crew.slots[fz_below(r, crew.nslots)];
		fd = fz_slot_fd(copy);
		if (old >= 0 && fd >= 0 && old != fd &&
		    dup3(fd, old, O_CLOEXEC) >= 0) {
			slot_forget(s);
			s->other_ns = copy->other_ns;
		}
		__atomic_fetch_add(&fz_tally->dups, 1, __ATOMIC_RELAXED);
		break;
	}
}

static void worker(struct fz_thread *t)
{
	struct fz_rng *r = &t->rng;
	struct fz_slot *home = t->slot;

	while (!fz_stopping()) {
		/* Now and then on another slot's file: several per fd. */
		t->slot = fz_chance(r, 10) ?
			  &crew.slots[fz_below(r, crew.nslots)] : home;
		/* Being reopened by another thread: wait for the new file. */
		if (fz_slot_fd(t->slot) < 0) {
			sched_yield();
			continue;
		}
		if (!__atomic_load_n(&t->slot->entity, __ATOMIC_RELAXED) &&
		    !t->slot->used && fz_chance(r, 50))
			fz_op_valid(t, FZ_REGISTER, fz_chance(r, 80));
		else if (t->slot->used && fz_chance(r, 30) &&
			 !__atomic_load_n(&t->slot->entity, __ATOMIC_RELAXED))
			churn(t);	/* deregistered: a new file */
		else if (fz_below(r, 1000) < 3)
			churn(t);
		else if (fz_chance(r, 5))
			fz_drain_events(t, t->slot, 0);
		else
			fz_random_op(t);
	}
	t->slot = home;
}

static void events(struct fz_thread *t)
{
	while (!fz_stopping())
		fz_drain_events(t, t->slot, 50);
}

/* Interrupt a random thread of the crew now and then. */
static void ticker(struct fz_thread *t)
{
	struct member *m;

	while (!fz_stopping()) {
		sleep_ms(20 + fz_below(&t->rng, 80));
		m = &crew.m[fz_below(&t->rng, crew.n)];
		if (m->running && m->role != ROLE_TICKER &&
		    m->role != ROLE_SPAWNER)
			pthread_kill(m->th, SIGUSR1);
	}
}

/* ------------------------------------------------------------------ */
/* Child processes                                                     */
/* ------------------------------------------------------------------ */

enum child_kind { CHILD_VICTIM, CHILD_NETNS, CHILD_UNPRIV };

static int drop_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	uint32_t bit = 1U << (CAP_NET_ADMIN % 32);
	int i = CAP_NET_ADMIN / 32;

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[i].effective &= ~bit;
	data[i].permitted &= ~bit;
	data[i].inheritable &= ~bit;
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

/* Without CAP_NET_ADMIN a well-formed registration must be refused. */
static void check_refused(int fd)
{
	struct rtm_register a = { 0 };
	int ret;

	a.size = sizeof(a);
	a.flags = RTM_REGISTER_EVENTS;
	a.entity.instance_id = 0;
	a.entity.family = AF_INET;
	a.entity.protocol_id = 7;
	a.entity.entity_instance_id = 1;
	ret = ioctl(fd, RTM_IOC_REGISTER, &a) ? -errno : 0;
	fz_count_call(FZ_REGISTER, ret);
	if (ret != -EPERM)
		fz_violation("REGISTER without CAP_NET_ADMIN: %d (%s), want EPERM",
			     ret, ret ? strerror(-ret) : "ok");
}

static struct fz_slot child_slots[FZ_MAX_SLOTS];

static void child_main(enum child_kind kind, uint64_t serial)
{
	const struct fz_config *cfg = fz_cfg;
	uint64_t stream = (1000 + serial) << 8;
	bool netns = kind == CHILD_NETNS, unpriv = kind == CHILD_UNPRIV;
	struct fz_slot *parent = crew.slots;
	unsigned int nparent = crew.nslots, own, i;
	struct fz_rng r;
	int lifetime;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fz_rng_seed(&r, cfg->seed, stream);
	/* The parent's threads are not here: a crew of our own. */
	memset(&crew, 0, sizeof(crew));
	__atomic_store_n(&local_stop, false, __ATOMIC_RELAXED);

	if (netns && unshare(CLONE_NEWNET)) {
		fz_violation("unshare(CLONE_NEWNET): %s", strerror(errno));
		_exit(1);
	}
	in_other_ns = netns;
	if (unpriv || (netns && fz_chance(&r, 20))) {
		if (drop_net_admin())
			_exit(1);
		unpriv = true;
	}

	/* Files of our own (in our namespace), then the inherited ones. */
	own = 1 + fz_below(&r, 2);
	for (i = 0; i < own; i++) {
		memset(&child_slots[i], 0, sizeof(child_slots[i]));
		child_slots[i].fd = open_rtm(&r);
		child_slots[i].other_ns = netns;
		if (unpriv && child_slots[i].fd >= 0)
			check_refused(child_slots[i].fd);
	}
	for (i = 0; i < nparent && own + i < FZ_MAX_SLOTS; i++)
		memcpy(&child_slots[own + i], &parent[i], sizeof(parent[i]));
	crew.slots = child_slots;
	crew.nslots = own + i;

	for (i = 0; i < own; i++) {
		crew_add(ROLE_WORKER, &child_slots[i], cfg->seed, stream + 2 * i,
			 unpriv);
		crew_add(ROLE_EVENTS, &child_slots[i], cfg->seed,
			 stream + 2 * i + 1, unpriv);
	}
	crew_add(ROLE_WORKER, &child_slots[own + fz_below(&r, nparent)],
		 cfg->seed, stream + 100, unpriv);
	crew_add(ROLE_TICKER, NULL, cfg->seed, stream + 101, unpriv);

	/* Victims wait for their kill; the others end on their own. */
	lifetime = kind == CHILD_VICTIM ? 10000 : 300 + fz_below(&r, 2500);
	sleep_ms(lifetime);
	crew_join(30000);
	close_slots();
	_exit(0);
}

static void spawn_one(struct fz_thread *t, uint64_t serial)
{
	struct fz_rng *r = &t->rng;
	enum child_kind kind;
	unsigned int wait;
	int status = 0;
	pid_t pid;

	switch (fz_below(r, 10)) {
	case 0: case 1: case 2:
		kind = fz_cfg->netns ? CHILD_NETNS : CHILD_VICTIM;
		break;
	case 3: case 4:
		kind = CHILD_UNPRIV;
		break;
	default:
		kind = CHILD_VICTIM;
		break;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0)
		child_main(kind, serial);

	__atomic_fetch_add(&fz_tally->children, 1, __ATOMIC_RELAXED);
	if (kind == CHILD_NETNS)
		__atomic_fetch_add(&fz_tally->netns_children, 1,
				   __ATOMIC_RELAXED);
	if (kind == CHILD_UNPRIV)
		__atomic_fetch_add(&fz_tally->unpriv_children, 1,
				   __ATOMIC_RELAXED);
	wait = kind == CHILD_VICTIM ? 20 + fz_below(r, 1500)
				    : 200 + fz_below(r, 3500);
	sleep_ms(wait);
	if (waitpid(pid, &status, WNOHANG) != pid) {
		kill(pid, SIGKILL);
		__atomic_fetch_add(&fz_tally->killed, 1, __ATOMIC_RELAXED);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
		fz_violation("child %llu (kind %d) died of signal %d",
			     (unsigned long long)serial, kind,
			     WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status))
		fz_violation("child %llu (kind %d) exited with %d",
			     (unsigned long long)serial, kind,
			     WEXITSTATUS(status));
}

static void spawner(struct fz_thread *t)
{
	uint64_t serial = 0;

	while (!fz_stopping()) {
		sleep_ms(50 + fz_below(&t->rng, 400));
		if (!fz_stopping())
			spawn_one(t, serial++);
	}
}

static void *member_main(void *arg)
{
	struct member *m = arg;

	switch (m->role) {
	case ROLE_WORKER:
		worker(&m->t);
		break;
	case ROLE_EVENTS:
		events(&m->t);
		break;
	case ROLE_TICKER:
		ticker(&m->t);
		break;
	case ROLE_SPAWNER:
		spawner(&m->t);
		break;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The run                                                             */
/* ------------------------------------------------------------------ */

static uint64_t total_calls(void)
{
	uint64_t n = 0;
	unsigned int op, e;

	for (op = 0; op < FZ_NR_OPS; op++)
		for (e = 0; e < FZ_NERRNO; e++)
			n += fz_tally->calls[op][e];
	return n;
}

static struct fz_slot main_slots[FZ_MAX_SLOTS];

int fz_setup(void)
{
	size_t tally = (fz_tally_size() + 63) & ~(size_t)63;
	size_t pool = (fz_pool_size() + 63) & ~(size_t)63;
	char *shared;

	shared = mmap(NULL, tally + pool + 64, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return -1;
	fz_tally_init(shared);
	fz_pool_init(shared + tally);
	shared_stop = (bool *)(shared + tally + pool);
	*shared_stop = false;
	return 0;
}

int fz_run(const struct fz_config *cfg)
{
	struct sigaction sa = { .sa_handler = on_signal };
	long long start, end, next;
	unsigned int i, j, stuck, strays;
	struct fz_rng r;

	fz_cfg = cfg;
	if (!shared_stop)
		return -1;
	__atomic_store_n(&local_stop, false, __ATOMIC_RELAXED);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	crash_report_on();

	fz_rng_seed(&r, cfg->seed, 0);
	memset(&crew, 0, sizeof(crew));
	crew.slots = main_slots;
	crew.nslots = cfg->slots < FZ_MAX_SLOTS ? cfg->slots : FZ_MAX_SLOTS;
	for (i = 0; i < crew.nslots; i++) {
		memset(&main_slots[i], 0, sizeof(main_slots[i]));
		main_slots[i].fd = open_rtm(&r);
		if (main_slots[i].fd < 0) {
			fprintf(cfg->log, "# open /dev/rtm: %s\n",
				strerror(errno));
			return -1;
		}
	}
	/* Thread numbers: 1 + 16 * slot + k; the ticker and spawner after. */
	for (i = 0; i < crew.nslots; i++) {
		for (j = 0; j < cfg->threads_per_slot; j++)
			crew_add(ROLE_WORKER, &main_slots[i], cfg->seed,
				 1 + 16 * i + j, false);
		crew_add(ROLE_EVENTS, &main_slots[i], cfg->seed, 1 + 16 * i + 15,
			 false);
	}
	crew_add(ROLE_TICKER, NULL, cfg->seed, 900, false);
	if (cfg->children)
		crew_add(ROLE_SPAWNER, NULL, cfg->seed, 901, false);

	start = ms_now();
	end = start + cfg->seconds * 1000LL;
	next = start + 30000;
	while (ms_now() < end) {
		sleep_ms(200);
		if (ms_now() >= next) {
			fprintf(cfg->log, "# fuzz: %llds, %llu calls, %llu violations, %llu children\n",
				(ms_now() - start) / 1000,
				(unsigned long long)total_calls(),
				(unsigned long long)fz_tally->violations,
				(unsigned long long)fz_tally->children);
			fflush(cfg->log);
			next += 30000;
		}
	}

	__atomic_store_n(shared_stop, true, __ATOMIC_RELAXED);
	stuck = crew_join(60000);
	strays = close_slots();
	if (stuck)
		fprintf(cfg->log, "# %u threads did not stop within 60 s of the end: hung in the kernel?\n",
			stuck);
	fprintf(cfg->log, "# fuzzed %.1f s: %llu calls; %llu children (%llu killed, %llu in a second netns, %llu unprivileged); %llu files replaced, %llu dups, %u strays closed\n",
		(ms_now() - start) / 1000.0,
		(unsigned long long)total_calls(),
		(unsigned long long)fz_tally->children,
		(unsigned long long)fz_tally->killed,
		(unsigned long long)fz_tally->netns_children,
		(unsigned long long)fz_tally->unpriv_children,
		(unsigned long long)fz_tally->reopens,
		(unsigned long long)fz_tally->dups, strays);
	fprintf(cfg->log, "# events read: registered %llu, deregistered %llu, expired %llu, changes %llu, method calls %llu\n",
		(unsigned long long)fz_tally->events[0],
		(unsigned long long)fz_tally->events[1],
		(unsigned long long)fz_tally->events[2],
		(unsigned long long)fz_tally->events[3],
		(unsigned long long)fz_tally->events[4]);
	return stuck ? -1 : 0;
}
