// SPDX-License-Identifier: GPL-2.0
/*
 * rtm-fibsync convergence: how fast rtm's best routes reach the kernel FIB
 * through rtm-fibsync (tools/fibsync), for the churn set and the full
 * table.
 *
 * The routes are loaded into rtm instance 1 (so the routes of instance 0,
 * which the other phases use, stay out of it), and rtm-fibsync -i 1
 * mirrors that instance into FIB table FIBSYNC_TABLE.  A thread listens to
 * the kernel's route notifications and counts the additions and removals
 * in that table; each figure is the routes over the time from the change
 * until the last of them showed:
 *  - initial: from starting rtm-fibsync until the churn set is in the FIB,
 *  - withdrawal: from rtm_bulk_delete_routes() of the set until it is out,
 *  - re-announcement: from rtm_bulk_add_routes() until it is back in,
 *  - link flap: the routes' device goes down, which makes the kernel flush
 *    them from the FIB; from its coming back up until rtm-fibsync has put
 *    them all back (it resyncs on the link notification),
 *  - full table: from starting rtm-fibsync with the whole table in rtm
 *    until all of it is in the FIB.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "bench.h"

#define FIBSYNC_INSTANCE	1
#define FIBSYNC_TABLE		100
#define FIBSYNC_PROTO		190	/* rtm-fibsync's default */
#define FIBSYNC_TIMEOUT_NS	(600ULL * 1000000000)

struct monitor {
	int fd;
	pthread_t thread;
	volatile int stop;
	volatile int overflow;
	volatile size_t added, removed;
};

static void *monitor_main(void *arg)
{
	static char buf[256 * 1024] __attribute__((aligned(8)));
	struct monitor *m = arg;
	struct nlmsghdr *h;
	ssize_t n;

	while (!m->stop) {
		n = recv(m->fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == ENOBUFS)
				m->overflow = 1;
			continue;	/* EAGAIN: the timeout, to see stop */
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			struct rtmsg *r = NLMSG_DATA(h);
			unsigned int table = r->rtm_table;
			struct rtattr *rta;
			int len = (int)RTM_PAYLOAD(h);

			if (h->nlmsg_type != RTM_NEWROUTE &&
			    h->nlmsg_type != RTM_DELROUTE)
				continue;
			for (rta = RTM_RTA(r); RTA_OK(rta, len);
			     rta = RTA_NEXT(rta, len))
				if (rta->rta_type == RTA_TABLE)
					memcpy(&table, RTA_DATA(rta), 4);
			if (table != FIBSYNC_TABLE ||
			    r->rtm_protocol != FIBSYNC_PROTO)
				continue;
			if (h->nlmsg_type == RTM_NEWROUTE)
				m->added++;
			else
				m->removed++;
		}
	}
	return NULL;
}

static bool monitor_start(struct monitor *m)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE,
	};
	struct timeval tv = { .tv_usec = 100000 };
	int size = 256 * 1024 * 1024;

	memset(m, 0, sizeof(*m));
	m->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (m->fd < 0)
		return false;
	if (setsockopt(m->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(m->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(m->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(m->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    pthread_create(&m->thread, NULL, monitor_main, m)) {
		close(m->fd);
		return false;
	}
	return true;
}

static void monitor_stop(struct monitor *m)
{
	m->stop = 1;
	pthread_join(m->thread, NULL);
	close(m->fd);
}

/* Wait until *@count reaches @want; the time since @t0, or 0 on timeout. */
static uint64_t wait_count(struct monitor *m, volatile size_t *count,
			   size_t want, uint64_t t0)
{
	uint64_t now;

	for (;;) {
		now = now_ns();
		if (*count >= want)
			return now - t0;
		if (m->overflow || now - t0 > FIBSYNC_TIMEOUT_NS)
			return 0;
		usleep(2000);
	}
}

/* Routes of rtm-fibsync in the FIB, both families. */
static size_t fib_count(struct bench *b)
{
	return nl_route_dump(&b->nl, AF_INET, FIBSYNC_PROTO) +
	       nl_route_dump(&b->nl, AF_INET6, FIBSYNC_PROTO);
}

/*
 * Take the device down and wait until the kernel's flush of its routes
 * is over (no change for a second); how many of rtm-fibsync's routes went.
 */
static size_t link_down(struct bench *b)
{
	size_t before = fib_count(b), now, last;
	uint64_t still = now_ns(), end = still + 60ULL * 1000000000;

	nl_link_set(&b->nl, false);
	last = before;
	while ((now = fib_count(b)) && now_ns() < end) {
		if (now != last)
			still = now_ns();
		else if (now_ns() - still > 1000000000ULL)
			break;
		last = now;
		usleep(50000);
	}
	return before - now;
}

static pid_t spawn(const char *path)
{
	char table[16], instance[16];
	pid_t pid;

	snprintf(table, sizeof(table), "%d", FIBSYNC_TABLE);
	snprintf(instance, sizeof(instance), "%d", FIBSYNC_INSTANCE);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		/* Its "in sync" line is not ours to print. */
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execl(path, path, "-i", instance, "-t", table, (char *)NULL);
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	return pid;
}

/* rtm-fibsync beside the benchmark's own binary, or NULL. */
const char *fibsync_path(void)
{
	static char path[PATH_MAX];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	if (n <= 0)
		return NULL;
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (!slash)
		return NULL;
	strcpy(slash + 1, "rtm-fibsync");
	return access(path, X_OK) ? NULL : path;
}

/*
 * Load the @n[fi] prefixes at @p[fi] of each family into instance
 * FIBSYNC_INSTANCE, start the route monitor and rtm-fibsync (*@pid), and
 * wait until they are all in the FIB: the time that took, or 0.
 */
static uint64_t load_and_start(struct bench *b, struct rb_side *s,
			       struct monitor *m, struct prefix *const *p,
			       const size_t *n, const char *path, pid_t *pid)
{
	uint64_t t0;
	int fi;

	rb_open(s, b->o.load_batch, FIBSYNC_INSTANCE);
	for (fi = 0; fi < NFAM; fi++)
		rb_load(s, &b->t.fam[fi], fi, p[fi], n[fi], 0);
	if (!monitor_start(m))
		die("route monitor: %s", strerror(errno));
	t0 = now_ns();
	*pid = spawn(path);
	return wait_count(m, &m->added, n[0] + n[1], t0);
}

void fibsync_once(struct bench *b, const char *path, struct fibsync_figs *ff)
{
	struct rb_side s;
	struct monitor m;
	size_t n = b->nchurn[0] + b->nchurn[1];
	uint64_t t0, dt;
	int fi, status;
	pid_t pid;

	dt = load_and_start(b, &s, &m, b->churn, b->nchurn, path, &pid);
	if (dt)
		sample_add(&ff->initial, (double)n * 1e9 / (double)dt);

	if (dt) {
		t0 = now_ns();
		for (fi = 0; fi < NFAM; fi++)
			rb_unload(&s, &b->t.fam[fi], fi, b->churn[fi],
				  b->nchurn[fi]);
		dt = wait_count(&m, &m.removed, n, t0);
		if (dt)
			sample_add(&ff->withdraw, (double)n * 1e9 / (double)dt);
	}
	if (dt) {
		m.added = 0;
		t0 = now_ns();
		for (fi = 0; fi < NFAM; fi++)
			rb_load(&s, &b->t.fam[fi], fi, b->churn[fi],
				b->nchurn[fi], 0);
		dt = wait_count(&m, &m.added, n, t0);
		if (dt)
			sample_add(&ff->announce, (double)n * 1e9 / (double)dt);
	}
	if (dt) {
		size_t gone = link_down(b);

		m.added = 0;
		t0 = now_ns();
		nl_link_set(&b->nl, true);
		dt = wait_count(&m, &m.added, gone, t0);
		if (dt && gone)
			sample_add(&ff->flap, (double)gone * 1e9 / (double)dt);
	}
	if (!dt)
		warnx("rtm-fibsync: %s; %zu added and %zu removed of %zu",
		      m.overflow ? "the route monitor overflowed" :
				   "no convergence in 600 s",
		      m.added, m.removed, n);

	/* It takes its routes out of the FIB on the way out. */
	kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	monitor_stop(&m);
	rb_close(&s);
	ff->ran = true;
}

void fibsync_full(struct bench *b, const char *path, struct fibsync_figs *ff)
{
	struct prefix *const p[NFAM] = { b->t.fam[0].p, b->t.fam[1].p };
	const size_t nf[NFAM] = { b->t.fam[0].n, b->t.fam[1].n };
	size_t n = nf[0] + nf[1];
	struct rb_side s;
	struct monitor m;
	uint64_t dt;
	pid_t pid;

	dt = load_and_start(b, &s, &m, p, nf, path, &pid);
	if (dt)
		sample_add(&ff->full, (double)n * 1e9 / (double)dt);
	else
		warnx("rtm-fibsync, full table: %s; %zu of %zu added",
		      m.overflow ? "the route monitor overflowed" :
				   "no convergence in 600 s", m.added, n);
	monitor_stop(&m);
	/*
	 * Its exit would take the table out route by route: the device's
	 * removal flushes them at once instead.
	 */
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	nl_link_delete(&b->nl);
	nl_link_create(&b->nl);
	rb_close(&s);
}
