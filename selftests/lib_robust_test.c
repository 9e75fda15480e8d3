// SPDX-License-Identifier: GPL-2.0
/*
 * librtm under real conditions:
 *  - RtmLockNextHop waiters of a registration that is deregistered while
 *    they wait wake up and fail with ERROR_INVALID_HANDLE (nobody could
 *    unlock for them any more);
 *  - fork(): a child cannot use or end its parent's registrations
 *    (ERROR_INVALID_HANDLE), the parent's keep working and get their
 *    callbacks, the child can register its own, and a registration ends
 *    with the process that made it even when a child lives on (the
 *    daemonise pattern);
 *  - a callback that writes to a closed pipe gets SIGPIPE as it would on
 *    the application's thread, so `rtmctl monitor | head -1` ends.
 *
 * Each test runs in a network namespace of its own (RTM tables are per
 * namespace), on RTM instance INST.
 */
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "rtm_selftest.h"
#include "route_helpers.h"

#define INST		1
#define PROTO_A		0x7a00
#define PROTO_B		0x7b00
#define PROTO_C		0x7c00

/* A namespace of the test's own; false (and a skip) if not possible. */
#define NS_OR_SKIP() do {						\
	if (!rtm_present())						\
		SKIP(return, RTM_DEV " is not there (rtm.ko not loaded?)"); \
	if (cap_effective(CAP_NET_ADMIN) != 1)				\
		SKIP(return, "needs CAP_NET_ADMIN");			\
	ASSERT_EQ(0, unshare(CLONE_NEWNET));				\
} while (0)

/* Wait up to @ms for @pid; its wait status, or -1 if it is still running. */
static int wait_child(pid_t pid, int ms)
{
	long long end = now_ms() + ms;
	int status;

	do {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10 * 1000);
	} while (now_ms() < end);
	return -1;
}

/* This process's open files of @path (/proc/self/fd), or -1. */
static int count_fds_of(const char *path)
{
	char link[300], target[256];
	struct dirent *de;
	int n = 0;
	ssize_t len;
	DIR *dir;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		snprintf(link, sizeof(link), "/proc/self/fd/%s", de->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = 0;
		if (!strcmp(target, path))
			n++;
	}
	closedir(dir);
	return n;
}

/* Kill and reap a child that did not end on its own. */
static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Next hop lock waiters and deregistration                            */
/* ------------------------------------------------------------------ */

struct locker {
	RTM_ENTITY_HANDLE e;
	RTM_NEXTHOP_HANDLE nh;
	BOOL exclusive;
	pthread_t thread;
	atomic_bool started;
	atomic_uint status;
};

static void *locker_main(void *arg)
{
	struct locker *l = arg;
	PRTM_NEXTHOP_INFO p = NULL;

	atomic_store(&l->started, true);
	l->status = RtmLockNextHop(l->e, l->nh, l->exclusive, TRUE, &p);
	return NULL;
}

TEST(nexthop_waiters_fail_at_deregistration)
{
	RTM_NEXTHOP_INFO in, *p = NULL;
	RTM_NEXTHOP_CHANGE_FLAGS cf;
	RTM_NEXTHOP_HANDLE nh = NULL;
	struct locker l[3];
	struct timespec ts;
	struct ent a;
	unsigned int i;
	int joined[3];

	NS_OR_SKIP();
	ASSERT_WIN(NO_ERROR, ent_register(&a, INST, AF_INET, PROTO_A, 1, NULL));
	in = nh_info(host(AF_INET, 10, 0, 0, 1), 1, 0, 0);
	ASSERT_WIN(NO_ERROR, RtmAddNextHop(a.h, &in, &nh, &cf));
	ASSERT_WIN(NO_ERROR, RtmLockNextHop(a.h, nh, TRUE, TRUE, &p));

	/* Two exclusive and one shared waiter behind the exclusive holder. */
	for (i = 0; i < 3; i++) {
		memset(&l[i], 0, sizeof(l[i]));
		l[i].e = a.h;
		l[i].nh = nh;
		l[i].exclusive = i < 2;
		l[i].status = ~0u;
		ASSERT_EQ(0, pthread_create(&l[i].thread, NULL, locker_main,
					    &l[i]));
	}
	for (i = 0; i < 3; i++)
		while (!atomic_load(&l[i].started))
			usleep(1000);
	usleep(300 * 1000);	/* into their waits */
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(~0u, atomic_load(&l[i].status))
			TH_LOG("waiter %u did not wait", i);
	}

	/* The holder's registration ends: no one can unlock any more. */
	ASSERT_WIN(NO_ERROR, ent_deregister(&a));

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	for (i = 0; i < 3; i++) {
		joined[i] = pthread_timedjoin_np(l[i].thread, NULL, &ts);
		EXPECT_EQ(0, joined[i])
			TH_LOG("waiter %u still waits 5 s after the deregistration",
			       i);
		if (!joined[i])
			EXPECT_WIN(ERROR_INVALID_HANDLE,
				   atomic_load(&l[i].status));
	}
	/* The holder cannot unlock through a dead handle either. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmLockNextHop(a.h, nh, TRUE, FALSE,
							NULL));
	for (i = 0; i < 3; i++)
		if (joined[i])
			pthread_detach(l[i].thread);	/* hangs: the failure */
}

/* ------------------------------------------------------------------ */
/* fork()                                                              */
/* ------------------------------------------------------------------ */

/* A REGISTERED or DEREGISTERED event @receiver got about @proto. */
static bool ev_wait_proto(RTM_ENTITY_HANDLE receiver, RTM_EVENT_TYPE type,
			  ULONG proto, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	unsigned int i;
	bool found;

	do {
		found = false;
		pthread_mutex_lock(&ev_log.lock);
		for (i = 0; i < ev_log.n && !found; i++)
			found = ev_log.rec[i].receiver == receiver &&
				ev_log.rec[i].type == type &&
				ev_log.rec[i].has_info &&
				ev_log.rec[i].info.EntityId.EntityProtocolId ==
					proto;
		pthread_mutex_unlock(&ev_log.lock);
		if (found)
			return true;
		usleep(10 * 1000);
	} while (now_ms() < end);
	return false;
}

/*
 * The child's checks of its parent's registration @h: every call refuses
 * it, the deregistration included.  Exit code: 0, or the failed check.
 */
static int child_uses_parent(RTM_ENTITY_HANDLE h)
{
	RTM_NEXTHOP_INFO in = nh_info(host(AF_INET, 10, 0, 0, 2), 1, 0, 0);
	RTM_NEXTHOP_CHANGE_FLAGS cf;
	RTM_ENTITY_INFO info;
	UINT n = 0;

	if (RtmAddNextHop(h, &in, NULL, &cf) != ERROR_INVALID_HANDLE)
		return 10;
	if (RtmGetRegisteredEntities(h, &n, NULL, NULL) !=
	    ERROR_INVALID_HANDLE)
		return 11;
	if (RtmGetEntityInfo(h, h, &info) != ERROR_INVALID_HANDLE)
		return 12;
	if (RtmDeregisterEntity(h) != ERROR_INVALID_HANDLE)
		return 13;
	/* The library let go of the inherited /dev/rtm file. */
	if (count_fds_of(RTM_DEV) != 0)
		return 14;
	return 0;
}

static atomic_uint child_events;

static DWORD WINAPI child_callback(RTM_ENTITY_HANDLE h, RTM_EVENT_TYPE type,
				   PVOID c1, PVOID c2)
{
	if (type == RTM_ENTITY_REGISTERED)
		atomic_fetch_add(&child_events, 1);
	return NO_ERROR;
}

/*
 * A child's own registration C works and gets its own callbacks (about D,
 * registered after it).  Exit code: 0, or the failed step.
 */
static int child_registers_own(void)
{
	struct ent c, d;
	long long end;

	if (ent_register(&c, INST, AF_INET, PROTO_C, 1, child_callback))
		return 20;
	if (ent_register(&d, INST, AF_INET, PROTO_C, 2, NULL))
		return 21;
	end = now_ms() + WAIT_MS;
	while (!atomic_load(&child_events) && now_ms() < end)
		usleep(10 * 1000);
	if (!atomic_load(&child_events))
		return 22;
	if (ent_deregister(&d) || ent_deregister(&c))
		return 23;
	return 0;
}

TEST(fork_child_cannot_use_parents)
{
	struct ent a, b;
	int status;
	pid_t pid;

	NS_OR_SKIP();
	ASSERT_WIN(NO_ERROR, ent_register(&a, INST, AF_INET, PROTO_A, 1,
					  ev_callback));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int code = child_uses_parent(a.h);

		if (!code)
			code = child_registers_own();
		_exit(code);
	}
	status = wait_child(pid, 3 * WAIT_MS);
	if (status == -1)
		reap(pid);
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("child: status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("child failed at step %d", WEXITSTATUS(status));

	/* The child's entities came and went: A heard of them. */
	EXPECT_TRUE(ev_wait_proto(a.h, RTM_ENTITY_REGISTERED, PROTO_C,
				  WAIT_MS));
	EXPECT_TRUE(ev_wait_proto(a.h, RTM_ENTITY_DEREGISTERED, PROTO_C,
				  WAIT_MS));

	/* A is intact, and its callbacks still come on its dispatcher. */
	ASSERT_WIN(NO_ERROR, ent_register(&b, INST, AF_INET, PROTO_B, 1, NULL));
	EXPECT_TRUE(ev_wait(a.h, RTM_ENTITY_REGISTERED, b.h, WAIT_MS, NULL));
	EXPECT_WIN(NO_ERROR, ent_deregister(&b));
	EXPECT_WIN(NO_ERROR, ent_deregister(&a));
}

/*
 * register, fork, parent exits: the registration is the parent's and ends
 * with it, though the child lives on; the child registers its own.
 */
TEST(daemonise)
{
	int go[2], done[2];
	struct ent o;
	int status;
	pid_t pid;
	char c;

	NS_OR_SKIP();
	/* The observer: hears of the daemon's entities. */
	ASSERT_WIN(NO_ERROR, ent_register(&o, INST, AF_INET, PROTO_B, 1,
					  ev_callback));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct ent a, d;
		pid_t daemon;

		/* The daemon's parent: registers A, forks, exits. */
		close(go[1]);
		close(done[0]);
		if (ent_register(&a, INST, AF_INET, PROTO_A, 1, NULL))
			_exit(30);
		daemon = fork();
		if (daemon < 0)
			_exit(31);
		if (daemon > 0)
			_exit(0);
		/* The daemon: waits for the go, then registers its own. */
		if (read(go[0], &c, 1) != 1)
			_exit(32);
		if (ent_register(&d, INST, AF_INET, PROTO_C, 1, NULL))
			_exit(33);
		c = 'r';
		if (write(done[1], &c, 1) != 1)
			_exit(34);
		/* Lives until the test closes the go pipe. */
		while (read(go[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(go[0]);
	close(done[1]);
	status = wait_child(pid, WAIT_MS);
	if (status == -1)
		reap(pid);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));

	/* A ended with its process, while the daemon still runs. */
	EXPECT_TRUE(ev_wait_proto(o.h, RTM_ENTITY_REGISTERED, PROTO_A,
				  WAIT_MS));
	EXPECT_TRUE(ev_wait_proto(o.h, RTM_ENTITY_DEREGISTERED, PROTO_A,
				  WAIT_MS))
		TH_LOG("the daemon kept its parent's registration alive");

	/* The daemon's own registration. */
	c = 'g';
	ASSERT_EQ(1, write(go[1], &c, 1));
	EXPECT_EQ(1, read(done[0], &c, 1));
	EXPECT_TRUE(ev_wait_proto(o.h, RTM_ENTITY_REGISTERED, PROTO_C,
				  WAIT_MS));
	close(go[1]);		/* the daemon exits, its registration with it */
	EXPECT_TRUE(ev_wait_proto(o.h, RTM_ENTITY_DEREGISTERED, PROTO_C,
				  WAIT_MS));
	close(done[0]);
	EXPECT_WIN(NO_ERROR, ent_deregister(&o));
}

/* ------------------------------------------------------------------ */
/* SIGPIPE on the dispatcher thread                                    */
/* ------------------------------------------------------------------ */

static int closed_pipe = -1;

static DWORD WINAPI write_callback(RTM_ENTITY_HANDLE h, RTM_EVENT_TYPE type,
				   PVOID c1, PVOID c2)
{
	/* With SIGPIPE blocked this fails with EPIPE, and nobody notices. */
	if (write(closed_pipe, "x", 1) < 0 && errno == EPIPE)
		_exit(40);
	return NO_ERROR;
}

TEST(callback_write_to_closed_pipe)
{
	int status;
	pid_t pid;

	NS_OR_SKIP();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct ent a, b;
		int p[2];

		signal(SIGPIPE, SIG_DFL);
		if (pipe(p))
			_exit(41);
		close(p[0]);
		closed_pipe = p[1];
		if (ent_register(&a, INST, AF_INET, PROTO_A, 1,
				 write_callback))
			_exit(42);
		/* A hears of B on its dispatcher thread, and writes. */
		if (ent_register(&b, INST, AF_INET, PROTO_B, 1, NULL))
			_exit(43);
		sleep(WAIT_MS / 1000);
		_exit(44);
	}
	status = wait_child(pid, 2 * WAIT_MS);
	if (status == -1)
		reap(pid);
	ASSERT_NE(-1, status);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE)
		TH_LOG("status %#x: exit code %d (40: EPIPE without SIGPIPE)",
		       status, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* Register and deregister an entity: one line each from the monitor. */
static void entity_blip(unsigned int id)
{
	struct ent e;

	if (!ent_register(&e, INST, AF_INET, PROTO_C, id, NULL))
		ent_deregister(&e);
}

/* `rtmctl monitor entities | head -1` ends once head has. */
TEST(rtmctl_monitor_head)
{
	char prog[4096], table[16], line[256];
	struct pollfd pfd;
	unsigned int id = 1;
	long long end;
	int out[2], status = -1;
	ssize_t n = 0;
	pid_t pid;

	NS_OR_SKIP();
	if (!find_tool("RTMCTL", "rtmctl", prog, sizeof(prog)))
		SKIP(return, "no rtmctl at %.200s (set RTMCTL, or ship build/tools)",
		     prog);
	snprintf(table, sizeof(table), "%u", INST);
	ASSERT_EQ(0, pipe(out));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		dup2(out[1], STDOUT_FILENO);
		close(out[0]);
		close(out[1]);
		execl(prog, prog, "-4", "--table", table, "monitor",
		      "entities", (char *)NULL);
		_exit(127);
	}
	close(out[1]);

	/* "head -1": read the first line (events until it comes)... */
	pfd.fd = out[0];
	pfd.events = POLLIN;
	end = now_ms() + WAIT_MS;
	while (now_ms() < end) {
		entity_blip(id++);
		if (poll(&pfd, 1, 100) == 1) {
			n = read(out[0], line, sizeof(line) - 1);
			break;
		}
	}
	EXPECT_LT(0, n) TH_LOG("rtmctl monitor printed nothing");
	/* ...and go. */
	close(out[0]);

	/* The monitor's next line finds the pipe closed: it ends. */
	end = now_ms() + 5000;
	while (now_ms() < end) {
		entity_blip(id++);
		status = wait_child(pid, 100);
		if (status != -1)
			break;
	}
	if (status == -1)
		reap(pid);
	EXPECT_NE(-1, status) TH_LOG("rtmctl monitor still runs 5 s after its reader left");
	if (status != -1)
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE)
			TH_LOG("status %#x", status);
}

TEST_HARNESS_MAIN
