// SPDX-License-Identifier: GPL-2.0
/*
 * Memory limits (design.md "Limits", planned changes 4 and 9): a process
 * in a memory cgroup with a small memory.max makes rtm allocate for it
 * (routes, handles held, next hops, enumerations, route lists,
 * subscriptions left undrained) until each kind of call fails.  Each must
 * fail with ERROR_NOT_ENOUGH_MEMORY (-ENOMEM), never with an oops, never
 * with the OOM killer: not of a process outside the cgroup, and, since
 * rtm's allocations may fail (__GFP_RETRY_MAYFAIL), not of the process
 * itself either (memory.events oom_kill stays 0).  Meanwhile a
 * registration in another cgroup keeps adding and finding routes, during
 * and after; once the limited process exits, the namespace's counters are
 * back where they were.
 *
 * The limited process must not fault in user memory of its own near the
 * limit (a page fault over the limit is the OOM killer's, whatever rtm
 * does): it touches its stack and buffers and locks them (mlockall)
 * before it joins the cgroup, makes raw ioctls only (no allocation in
 * libc), and reports through a shared mapping touched beforehand, never
 * through a pipe (pipe buffers are charged to the writer).
 */
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <stdatomic.h>

#include "kselftest_harness.h"
#include "rtm_selftest.h"
#include "route_helpers.h"

#define INST		5
#define FAM		AF_INET
#define PROTO_HOG	0x5100
#define PROTO_PEER	0x5200

#define HOG_LIMIT	"4M"
/* Far more than the limit lets through: reaching it means no limit. */
#define HOG_MAX_ROUTES	(1UL << 20)

/* ------------------------------------------------------------------ */
/* cgroup v2                                                            */
/* ------------------------------------------------------------------ */

static int cg_write(const char *dir, const char *file, const char *value)
{
	char path[512];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

/* @key's number in the flat keyed file @file of @dir, or -1. */
static long cg_read_key(const char *dir, const char *file, const char *key)
{
	char path[512], name[64];
	long value = -1, v;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", name, &v) == 2)
		if (!strcmp(name, key))
			value = v;
	fclose(f);
	return value;
}

static bool cg_has_word(const char *dir, const char *file, const char *word)
{
	char path[512], w[64];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fscanf(f, "%63s", w) == 1)
		found = !strcmp(w, word);
	fclose(f);
	return found;
}

/* OOM kills anywhere, from /proc/vmstat; -1 if not counted there. */
static long oom_kills(void)
{
	char name[64];
	long v, n = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", name, &v) == 2)
		if (!strcmp(name, "oom_kill"))
			n = v;
	fclose(f);
	return n;
}

/*
 * Where cgroup v2 is mounted (mounted on /sys/fs/cgroup if nowhere yet):
 * 0 with @root filled, or a reason to skip in @why.
 */
static int cg_mount(char *root, size_t len, bool *mounted, char *why,
		    size_t wlen)
{
	static const char *const where[] = {
		"/sys/fs/cgroup", "/tmp/rtm-cgroup2",
	};
	char dev[128], dir[256], type[64];
	unsigned int i;
	FILE *f;

	*mounted = false;
	f = fopen("/proc/mounts", "r");
	if (f) {
		while (fscanf(f, "%127s %255s %63s %*[^\n]", dev, dir,
			      type) == 3) {
			if (!strcmp(type, "cgroup2")) {
				snprintf(root, len, "%s", dir);
				fclose(f);
				return 0;
			}
		}
		fclose(f);
	}
	for (i = 0; i < ARRAY_SIZE(where); i++) {
		mkdir(where[i], 0755);
		if (!mount("cgroup2", where[i], "cgroup2", 0, NULL)) {
			snprintf(root, len, "%s", where[i]);
			*mounted = true;
			return 0;
		}
	}
	snprintf(why, wlen, "no cgroup v2 (mount: %s)", strerror(errno));
	return -ENOENT;
}

/* ------------------------------------------------------------------ */
/* The limited process                                                  */
/* ------------------------------------------------------------------ */

enum hog_phase {
	P_ROUTES,	/* bulk adds */
	P_HELD_ROUTES,	/* one at a time, each with a handle held */
	P_NEXTHOPS,
	P_ENUMS,
	P_LISTS,
	P_SUBS,		/* subscriptions, never drained */
	P_HOLDS,	/* dest infos of an enumeration, held */
	NPHASES,
};

static const char *const phase_names[NPHASES] = {
	[P_ROUTES] = "bulk adds (256 routes each)",
	[P_HELD_ROUTES] = "route adds with handles",
	[P_NEXTHOPS] = "next hop adds",
	[P_ENUMS] = "enumerations",
	[P_LISTS] = "route lists",
	[P_SUBS] = "subscriptions",
	[P_HOLDS] = "handles held",
};

enum hog_state {
	H_STARTING,
	H_READY,	/* registered, touched, locked: move it */
	H_RUNNING,
	H_DONE,		/* everything failed once; it waits to be told */
	H_FAILED,	/* before the limit: see setup_err */
};

/* Shared with the parent; touched by both before the hog joins its cgroup. */
struct hog_report {
	atomic_int state;
	atomic_int phase;		/* the phase running */
	atomic_int go;			/* parent: it is in the cgroup */
	atomic_int quit;		/* parent: exit */
	int setup_err;
	int setup_line;
	struct {
		unsigned long count;
		int err;
		long long ms;		/* how long it took */
	} p[NPHASES];
	long long exit_ms;		/* when it was told to exit */
};

/* The hog's buffers: in .bss, faulted in by mlockall() before the limit. */
static struct rtm_route_entry hog_entries[256];
static unsigned char hog_infos[128 * RTM_DEST_INFO_SIZE(2)];

/*
 * The @i-th host address under @a.0.0.0/8, all different, scattered (an
 * odd multiplier is a bijection of 24 bits): neighbours in the trie are
 * few, so each add copies a small node, not a full one.
 */
static struct rtm_net_address hog_addr(uint8_t a, unsigned long i)
{
	struct rtm_net_address n = { .family = FAM, .num_bits = 32 };
	uint32_t x = (uint32_t)(i * 0x9e3779UL) & 0xffffff;

	n.addr[0] = a;
	n.addr[1] = (uint8_t)(x >> 16);
	n.addr[2] = (uint8_t)(x >> 8);
	n.addr[3] = (uint8_t)x;
	return n;
}

/* Run @call until it fails (or @max times); its count and error. */
#define UNTIL_FAILS(rep, ph, max, call) do {				\
	long long __start = now_ms();					\
	int __err = 0;							\
	atomic_store(&(rep)->phase, (ph));				\
	while ((rep)->p[ph].count < (max) && !(__err = (call)))		\
		(rep)->p[ph].count++;					\
	(rep)->p[ph].err = __err;					\
	(rep)->p[ph].ms = now_ms() - __start;				\
} while (0)

struct hog {
	int fd;
	uint64_t nh;
	uint64_t en;
	uint32_t batch;
	unsigned long n;	/* routes added by bulk */
};

static int hog_bulk(struct hog *h)
{
	struct rtm_bulk_routes b = { .size = sizeof(b) };
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(hog_entries); i++)
		hog_entries[i].dest = hog_addr(10, h->n + i);
	b.count = ARRAY_SIZE(hog_entries);
	b.entries = (uintptr_t)hog_entries;
	b.nexthops = (uintptr_t)&h->nh;
	b.nexthop_count = 1;
	err = rtm_ioctl(h->fd, RTM_IOC_ADD_ROUTES, &b);
	h->n += b.done;
	return err;
}

static int hog_route(struct hog *h, unsigned long i)
{
	struct {
		RTM_ROUTE_INFO ri;
		HANDLE more[1];
	} b;
	struct rtm_add_route a = { .size = sizeof(a),
				   .flags = RTM_WANT_HANDLE,
				   .time_to_live = INFINITE };

	memset(&b, 0, sizeof(b));
	b.ri.PrefInfo.Preference = 1;
	b.ri.BelongsToViews = RTM_VIEW_MASK_UCAST;
	a.dest = hog_addr(11, i);
	a.info = (uintptr_t)&b.ri;
	return rtm_ioctl(h->fd, RTM_IOC_ADD_ROUTE, &a);
}

static int hog_nexthop(struct hog *h, unsigned long i)
{
	struct rtm_nexthop_info n;
	struct rtm_add_nexthop a = { .size = sizeof(a) };

	memset(&n, 0, sizeof(n));
	n.address = hog_addr(172, i);
	n.interface_index = 1;
	a.info = (uintptr_t)&n;
	return rtm_ioctl(h->fd, RTM_IOC_ADD_NEXTHOP, &a);
}

static int hog_enum(struct hog *h, uint32_t type, uint64_t *out)
{
	struct rtm_enum_create c = { .size = sizeof(c), .type = type };
	int err;

	if (type != RTM_ENUM_NEXTHOPS)
		c.views = RTM_VIEW_MASK_UCAST;
	err = rtm_ioctl(h->fd, RTM_IOC_ENUM_CREATE, &c);
	if (out)
		*out = c.handle;
	return err;
}

static int hog_object(struct hog *h, unsigned long cmd)
{
	struct rtm_object o = { .size = sizeof(o) };

	return rtm_ioctl(h->fd, cmd, &o);
}

static int hog_notify(struct hog *h)
{
	struct rtm_notify_register n = { .size = sizeof(n),
					 .flags = RTM_CHANGE_TYPE_ALL,
					 .views = RTM_VIEW_MASK_UCAST };

	return rtm_ioctl(h->fd, RTM_IOC_NOTIFY_REGISTER, &n);
}

/*
 * The next batch of dest infos, held (a dest, its route, its owner each).
 * Every dest of the table is a new handle to hold: the walk ends
 * (-ENODATA) only if holding all of them fit.
 */
static int hog_hold(struct hog *h)
{
	struct rtm_enum_get g = { .size = sizeof(g), .type = RTM_ENUM_DESTS,
				  .count = h->batch };

	g.handle = h->en;
	g.buf = (uintptr_t)hog_infos;
	return rtm_ioctl(h->fd, RTM_IOC_ENUM_GET, &g);
}

/*
 * Bulk adds until they fail, again and again until a round adds nothing:
 * what rtm frees after an RCU grace period (the trie's old nodes) comes
 * back to the cgroup a little later, and each phase must start with the
 * cgroup at its limit, not below it by that much.
 */
static void hog_fill(struct hog_report *rep, struct hog *h)
{
	unsigned long before;
	unsigned int round;

	for (round = 0; round < 3; round++) {
		usleep(20000);
		before = h->n;
		while (rep->p[P_ROUTES].count++ < HOG_MAX_ROUTES / 256 &&
		       !hog_bulk(h))
			;
		if (h->n == before)
			break;
	}
}

/*
 * hog_hold() until it fails.  A walk that ends (-ENODATA) held every dest
 * with room to spare: memory the table freed after a grace period came
 * back to the cgroup meanwhile.  Then the cgroup is filled again with new
 * routes and a new walk holds their dests too, a few times at most.
 */
static int hog_hold_more(struct hog_report *rep, struct hog *h,
			 unsigned int *walks)
{
	int err = hog_hold(h);

	if (err != -ENODATA || ++*walks > 4)
		return err;
	hog_fill(rep, h);
	return hog_enum(h, RTM_ENUM_DESTS, &h->en);
}

#define HOG_CHECK(rep, cond) do {					\
	if (!(cond)) {							\
		(rep)->setup_err = errno ? errno : EIO;			\
		(rep)->setup_line = __LINE__;				\
		atomic_store(&(rep)->state, H_FAILED);			\
		return 1;						\
	}								\
} while (0)

static int hog_main(int rd, int wr, void *arg)
{
	struct hog_report *rep = arg;
	struct rtm_register r = { .size = sizeof(r) };
	struct rtm_nexthop_info n;
	struct rtm_add_nexthop a = { .size = sizeof(a),
				     .flags = RTM_WANT_HANDLE };
	struct hog h = { .fd = -1 };
	unsigned long i = 0;
	unsigned int walks = 0;
	unsigned int k;

	(void)rd;
	(void)wr;
	/* Everything it will touch, touched and locked, before the limit. */
	memset(hog_entries, 0, sizeof(hog_entries));
	memset(hog_infos, 0, sizeof(hog_infos));
	HOG_CHECK(rep, pin_memory(1 << 20, 256 << 10, 128 << 10) == 0);

	h.fd = rtm_open();
	HOG_CHECK(rep, h.fd >= 0);
	r.entity.instance_id = INST;
	r.entity.family = FAM;
	r.entity.protocol_id = PROTO_HOG;
	r.entity.entity_instance_id = 1;
	HOG_CHECK(rep, rtm_ioctl(h.fd, RTM_IOC_REGISTER, &r) == 0);
	h.batch = r.profile.max_handles_in_enum < 128 ?
		  r.profile.max_handles_in_enum : 128;
	memset(&n, 0, sizeof(n));
	n.address = hog_addr(192, 1);
	n.interface_index = 1;
	a.info = (uintptr_t)&n;
	HOG_CHECK(rep, rtm_ioctl(h.fd, RTM_IOC_ADD_NEXTHOP, &a) == 0);
	h.nh = a.handle;
	for (k = 0; k < ARRAY_SIZE(hog_entries); k++) {
		hog_entries[k].views = RTM_VIEW_MASK_UCAST;
		hog_entries[k].preference = 1;
		hog_entries[k].nexthop_count = 1;
	}
	/* Its subscription, never drained, and its walk for P_HOLDS. */
	HOG_CHECK(rep, hog_notify(&h) == 0);
	HOG_CHECK(rep, hog_enum(&h, RTM_ENUM_DESTS, &h.en) == 0);

	atomic_store(&rep->state, H_READY);
	while (!atomic_load(&rep->go))
		usleep(1000);
	atomic_store(&rep->state, H_RUNNING);

	UNTIL_FAILS(rep, P_ROUTES, HOG_MAX_ROUTES / ARRAY_SIZE(hog_entries),
		    hog_bulk(&h));
	/*
	 * Each phase runs until it fails, so it takes up what the one
	 * before left; the walk of the holds comes when the cgroup is
	 * full, and fills it again if the table's dests all fit.
	 */
	hog_fill(rep, &h);
	UNTIL_FAILS(rep, P_HOLDS, HOG_MAX_ROUTES,
		    hog_hold_more(rep, &h, &walks));
	UNTIL_FAILS(rep, P_HELD_ROUTES, HOG_MAX_ROUTES, hog_route(&h, i++));
	i = 0;
	UNTIL_FAILS(rep, P_NEXTHOPS, HOG_MAX_ROUTES, hog_nexthop(&h, i++));
	UNTIL_FAILS(rep, P_ENUMS, 1UL << 16, hog_enum(&h, RTM_ENUM_NEXTHOPS,
						       NULL));
	UNTIL_FAILS(rep, P_LISTS, 1UL << 16,
		    hog_object(&h, RTM_IOC_LIST_CREATE));
	UNTIL_FAILS(rep, P_SUBS, 64, hog_notify(&h));

	atomic_store(&rep->state, H_DONE);
	while (!atomic_load(&rep->quit))
		usleep(1000);
	/* The file closes with the process: everything goes. */
	return 0;
}

/* ------------------------------------------------------------------ */
/* Another registration, in another cgroup                              */
/* ------------------------------------------------------------------ */

struct peer_work {
	RTM_ENTITY_HANDLE e;
	RTM_NEXTHOP_HANDLE nh;
	struct hog_report *rep;
	unsigned int ops, failed;
	DWORD first;		/* the first failure */
	const char *what;
};

/* Add a route to a new dest, find it both ways, delete it. */
static void peer_once(struct peer_work *w, unsigned int i)
{
	RTM_NET_ADDRESS p = host(FAM, 192, 168, (uint8_t)(i >> 8), (uint8_t)i);
	struct rtm_lookup_result res;
	RTM_ROUTE_HANDLE r;
	RTM_DEST_INFO di;
	DWORD st, out;

	w->ops++;
	st = rt_simple(w->e, p, 1, 1, w->nh, &r);
	if (st != NO_ERROR) {
		w->what = "add";
		goto fail;
	}
	st = RtmGetExactMatchDestination(w->e, &p, RTM_BEST_PROTOCOL,
					 RTM_VIEW_MASK_UCAST, &di);
	if (st == NO_ERROR)
		st = RtmReleaseDestInfo(w->e, &di);
	if (st != NO_ERROR) {
		w->what = "exact match";
		goto fail_del;
	}
	st = rtm_bulk_lookup(w->e, RTM_VIEW_ID_UCAST, &p, &res, 1);
	if (st == NO_ERROR && res.num_bits != 32)
		st = ERROR_NOT_FOUND;
	if (st != NO_ERROR) {
		w->what = "lookup";
		goto fail_del;
	}
	st = RtmDeleteRouteToDest(w->e, r, &out);
	if (st != NO_ERROR) {
		w->what = "delete";
		goto fail;
	}
	return;
fail_del:
	RtmDeleteRouteToDest(w->e, r, &out);
fail:
	if (!w->failed++)
		w->first = st;
}

static void *peer_during(void *p)
{
	struct peer_work *w = p;
	unsigned int i = 0;
	int s;

	while ((s = atomic_load(&w->rep->state)) != H_DONE && s != H_FAILED &&
	       !atomic_load(&w->rep->quit))
		peer_once(w, i++ % 60000);
	return NULL;
}

/* Whether process @pid still runs (not reaped, not a zombie). */
static bool alive(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT))
		return false;
	return si.si_pid != pid;
}

/* ------------------------------------------------------------------ */
/* The test                                                             */
/* ------------------------------------------------------------------ */

FIXTURE(memcg) {
	char root[256];
	char hog[300], peer[300];
	bool mounted, made_hog, made_peer, moved;
	struct ent e;
	RTM_NEXTHOP_HANDLE nh;
	struct hog_report *rep;
	struct peer p;
	char why[512];
};

FIXTURE_SETUP(memcg)
{
	char pid[32];
	int err;

	memset(self, 0, sizeof(*self));
	self->p.pid = 0;
	if (!rtm_present() || cap_effective(CAP_NET_ADMIN) != 1)
		return;
	if (cg_mount(self->root, sizeof(self->root), &self->mounted,
		     self->why, sizeof(self->why)))
		return;
	if (!cg_has_word(self->root, "cgroup.controllers", "memory")) {
		snprintf(self->why, sizeof(self->why),
			 "no memory controller in %s", self->root);
		return;
	}
	err = cg_write(self->root, "cgroup.subtree_control", "+memory");
	if (err) {
		snprintf(self->why, sizeof(self->why),
			 "+memory in %s/cgroup.subtree_control: %s", self->root,
			 strerror(-err));
		return;
	}
	snprintf(self->hog, sizeof(self->hog), "%s/rtm-memcg-hog-%d",
		 self->root, getpid());
	snprintf(self->peer, sizeof(self->peer), "%s/rtm-memcg-peer-%d",
		 self->root, getpid());
	ASSERT_EQ(0, mkdir(self->hog, 0755));
	self->made_hog = true;
	ASSERT_EQ(0, mkdir(self->peer, 0755));
	self->made_peer = true;
	ASSERT_EQ(0, cg_write(self->hog, "memory.max", HOG_LIMIT));
	/* No swap to push the limit out with (where swap is accounted). */
	err = cg_write(self->hog, "memory.swap.max", "0");
	ASSERT_TRUE(!err || err == -ENOENT) TH_LOG("%s", strerror(-err));

	/* The test, the other registration, in the other cgroup. */
	snprintf(pid, sizeof(pid), "%d", getpid());
	ASSERT_EQ(0, cg_write(self->peer, "cgroup.procs", pid));
	self->moved = true;
	ASSERT_EQ(0, unshare(CLONE_NEWNET));

	self->rep = mmap(NULL, sizeof(*self->rep), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->rep);
	memset(self->rep, 0, sizeof(*self->rep));
}

FIXTURE_TEARDOWN(memcg)
{
	char pid[32];

	if (self->p.pid > 0) {
		if (self->rep)
			atomic_store(&self->rep->quit, 1);
		peer_kill(&self->p);
	}
	if (self->e.live)
		EXPECT_WIN(NO_ERROR, ent_deregister(&self->e));
	if (self->moved) {
		snprintf(pid, sizeof(pid), "%d", getpid());
		EXPECT_EQ(0, cg_write(self->root, "cgroup.procs", pid));
	}
	/* A cgroup with no process left goes (its memory may linger). */
	if (self->made_hog)
		EXPECT_EQ(0, rmdir(self->hog));
	if (self->made_peer)
		EXPECT_EQ(0, rmdir(self->peer));
	if (self->mounted)
		umount2(self->root, MNT_DETACH);
	if (self->rep && self->rep != MAP_FAILED)
		munmap(self->rep, sizeof(*self->rep));
}

TEST_F_TIMEOUT(memcg, limited_process, 300)
{
	struct rtm_stats base, now;
	struct table_stats tb, tn;
	struct peer_work w;
	pthread_t during;
	long oom_before, oom_after, hog_ooms;
	long long end;
	unsigned int i, ph;
	char pid[32];
	long cap;
	int status, s;

	REQUIRE_RTM();
	if (!self->hog[0])
		SKIP(return, "%s", self->why);

	ASSERT_WIN(NO_ERROR, ent_register(&self->e, INST, FAM, PROTO_PEER, 1,
					  NULL));
	ASSERT_WIN(NO_ERROR, nh_add(self->e.h, host(FAM, 192, 0, 2, 9), 1,
				    &self->nh));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_EQ(0, read_table(INST, FAM, &tb));
	oom_before = oom_kills();

	ASSERT_EQ(0, peer_start(&self->p, hog_main, self->rep));
	end = now_ms() + WAIT_MS;
	while ((s = atomic_load(&self->rep->state)) == H_STARTING &&
	       now_ms() < end)
		usleep(1000);
	ASSERT_EQ(H_READY, s) TH_LOG("hog setup: %s at line %d",
				     strerror(self->rep->setup_err),
				     self->rep->setup_line);
	snprintf(pid, sizeof(pid), "%d", self->p.pid);
	ASSERT_EQ(0, cg_write(self->hog, "cgroup.procs", pid));

	memset(&w, 0, sizeof(w));
	w.e = self->e.h;
	w.nh = self->nh;
	w.rep = self->rep;
	ASSERT_EQ(0, pthread_create(&during, NULL, peer_during, &w));
	atomic_store(&self->rep->go, 1);

	/* Until everything failed once, or the process died trying. */
	end = now_ms() + 240000;
	while (((s = atomic_load(&self->rep->state)) == H_RUNNING ||
		s == H_READY) && alive(self->p.pid) && now_ms() < end)
		usleep(20000);
	atomic_store(&self->rep->quit, 1);
	pthread_join(during, NULL);
	TH_LOG("other registration during: %u rounds, %u failed", w.ops,
	       w.failed);
	EXPECT_EQ(0U, w.failed) TH_LOG("first failure: %s, %s", w.what,
				       win32_name(w.first));

	ph = atomic_load(&self->rep->phase);
	for (i = 0; i < NPHASES; i++)
		TH_LOG("%s: %lu, then %s (%lld ms)", phase_names[i],
		       self->rep->p[i].count,
		       self->rep->p[i].err ? strerror(-self->rep->p[i].err) :
					     "-", self->rep->p[i].ms);
	EXPECT_EQ(H_DONE, s) TH_LOG("the process stopped in phase \"%s\"",
				    phase_names[ph]);

	/* Before it goes: another registration still works, many times. */
	memset(&w, 0, sizeof(w));
	w.e = self->e.h;
	w.nh = self->nh;
	w.rep = self->rep;
	for (i = 0; i < 16; i++)
		peer_once(&w, 60000 + i);
	EXPECT_EQ(0U, w.failed) TH_LOG("after: %s, %s", w.what,
				       win32_name(w.first));

	end = now_ms();
	status = peer_wait(&self->p, 6 * WAIT_MS);
	TH_LOG("its exit took %lld ms", now_ms() - end);
	hog_ooms = cg_read_key(self->hog, "memory.events", "oom_kill");
	oom_after = oom_kills();
	TH_LOG("exit status %d; OOM kills: %ld in its cgroup, %ld in all",
	       status, hog_ooms, oom_after - oom_before);
	/* Killed by nobody, itself included (planned change 9). */
	EXPECT_EQ(0, status);
	EXPECT_EQ(0, hog_ooms);
	if (oom_before >= 0 && hog_ooms >= 0)
		EXPECT_EQ(0, oom_after - oom_before - hog_ooms)
			TH_LOG("OOM kills outside the cgroup");

	/* Each kind failed for want of memory (or at its quota). */
	if (s == H_DONE) {
		for (i = 0; i < NPHASES; i++) {
			int err = self->rep->p[i].err;

			cap = i == P_ENUMS ? module_param("max_enums") - 1 :
			      i == P_LISTS ? module_param("max_lists") :
			      i == P_SUBS ? 32 - 1 :
			      i == P_NEXTHOPS ?
			      module_param("max_nexthops") - 1 :
			      -1;
			if (err == -EDQUOT && cap >= 0 &&
			    self->rep->p[i].count >= (unsigned long)cap) {
				TH_LOG("%s: the quota came first",
				       phase_names[i]);
				continue;
			}
			EXPECT_EQ(-ENOMEM, err) TH_LOG("%s: %s",
						      phase_names[i],
						      strerror(-err));
		}
	}

	/* What it had is gone; the other registration's is all there is. */
	EXPECT_TRUE(stats_settle(&base, &now, WAIT_MS))
		TH_LOG("entities %ld handles %ld holds %ld, want %ld %ld %ld",
		       now.entities, now.handles, now.holds, base.entities,
		       base.handles, base.holds);
	end = now_ms() + WAIT_MS;
	while (read_table(INST, FAM, &tn) == 0 &&
	       (tn.dests != tb.dests || tn.routes != tb.routes ||
		tn.nexthops != tb.nexthops) && now_ms() < end)
		usleep(20000);
	EXPECT_EQ(tb.dests, tn.dests);
	EXPECT_EQ(tb.routes, tn.routes);
	EXPECT_EQ(tb.nexthops, tn.nexthops);
}

TEST_HARNESS_MAIN
