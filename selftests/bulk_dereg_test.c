// SPDX-License-Identifier: GPL-2.0
/*
 * A long bulk call does not hold up deregistrations: rtm_bulk_add_routes
 * runs for seconds over many batches, and meanwhile another thread
 * deregisters a different registration and registers a new one (from a
 * thread that never called the library before, so its first call is
 * measured too).  That must take a small part of the bulk call's time.
 * Deregistering the bulk caller's own registration mid-call ends the call
 * at its next batch with ERROR_INVALID_HANDLE, and leaves no fd and no
 * kernel object behind.
 *
 * The bulk call updates one route over and over: cheap for the kernel per
 * entry, so many batches fit in a few seconds even on the debug kernel,
 * and the entry array is one batch's worth of memory mapped again and
 * again (a memfd), so its length costs address space, not memory.  Its
 * length is calibrated on the kernel at hand: enough batches for about
 * BULK_MS, at most MAX_BATCHES.
 *
 * Each test runs in a network namespace of its own (its tables are its
 * own), on RTM instances INST and INST_OTHER there.
 */
#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "rtm_selftest.h"
#include "route_helpers.h"

#define INST		1
#define INST_OTHER	2
#define PROTO		0x7d00
#define BULK_MS		2500
#define MAX_BATCHES	256

FIXTURE(bulkdereg) {
	bool ready;
	struct rtm_stats base;
	int fds;			/* open before registering */
	struct ent a;			/* the bulk caller */
	struct ent other;
	RTM_NEXTHOP_HANDLE nh;
	struct rtm_route_entry *entries;
	size_t batches;			/* mapped at entries */
	long long batch_ms;		/* one batch, calibrated */
};

/*
 * @n batches of the same entries: one RTM_MAX_BATCH-entry page-aligned
 * block of a memfd, mapped @n times back to back.
 */
static struct rtm_route_entry *map_entries(const struct rtm_route_entry *e,
					   size_t n)
{
	size_t len = RTM_MAX_BATCH * sizeof(*e), i;
	struct rtm_route_entry *blk;
	char *base;
	int fd;

	/* 65536 entries of 48 bytes: a whole number of pages. */
	if (len % (size_t)sysconf(_SC_PAGESIZE))
		return NULL;
	fd = memfd_create("bulk_dereg", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (ftruncate(fd, (off_t)len))
		goto fail;
	base = mmap(NULL, len * n, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (base == MAP_FAILED)
		goto fail;
	for (i = 0; i < n; i++)
		if (mmap(base + i * len, len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED) {
			munmap(base, len * n);
			goto fail;
		}
	close(fd);
	blk = (struct rtm_route_entry *)base;
	for (i = 0; i < RTM_MAX_BATCH; i++)
		blk[i] = *e;
	return blk;
fail:
	close(fd);
	return NULL;
}

FIXTURE_SETUP(bulkdereg)
{
	struct rtm_route_entry e;
	RTM_NET_ADDRESS d;
	long long t0;
	size_t done;

	if (!rtm_present() || cap_effective(CAP_NET_ADMIN) != 1)
		return;
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, read_stats_steady(&self->base, WAIT_MS));
	self->fds = count_fds();
	ASSERT_LT(0, self->fds);
	ASSERT_WIN(NO_ERROR, ent_register(&self->a, INST, AF_INET, PROTO, 1,
					  NULL));
	ASSERT_WIN(NO_ERROR, ent_register(&self->other, INST_OTHER, AF_INET,
					  PROTO, 2, NULL));
	ASSERT_WIN(NO_ERROR, nh_add(self->a.h, host(AF_INET, 10, 0, 0, 1), 1,
				    &self->nh));

	memset(&e, 0, sizeof(e));
	d = pfx(AF_INET, 24, 10, 1, 2, 0);
	memcpy(&e.dest, &d, sizeof(e.dest));
	e.preference = 10;
	e.metric = 1;
	e.views = RTM_VIEW_MASK_UCAST;
	e.nexthop_first = 0;
	e.nexthop_count = 1;
	e.neighbour = hval(self->nh);

	/* Calibrate on one batch, the first of which adds the route. */
	self->entries = map_entries(&e, 1);
	ASSERT_NE(NULL, self->entries);
	t0 = now_ms();
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(self->a.h, self->entries,
						 RTM_MAX_BATCH, &self->nh, 1,
						 &done));
	self->batch_ms = now_ms() - t0;
	ASSERT_EQ((size_t)RTM_MAX_BATCH, done);
	munmap(self->entries, RTM_MAX_BATCH * sizeof(e));

	self->batches = BULK_MS / (self->batch_ms ? self->batch_ms : 1) + 1;
	/* The swap and the deregistration come in the first of them. */
	if (self->batches < 4)
		self->batches = 4;
	if (self->batches > MAX_BATCHES)
		self->batches = MAX_BATCHES;
	TH_LOG("one batch of %d updates: %lld ms; %zu batches", RTM_MAX_BATCH,
	       self->batch_ms, self->batches);
	self->entries = map_entries(&e, self->batches);
	ASSERT_NE(NULL, self->entries);
	self->ready = true;
}

FIXTURE_TEARDOWN(bulkdereg)
{
	if (self->entries)
		munmap(self->entries, RTM_MAX_BATCH * sizeof(*self->entries) *
			      self->batches);
	if (!self->ready)
		return;
	EXPECT_WIN(NO_ERROR, ent_deregister(&self->a));
	EXPECT_WIN(NO_ERROR, ent_deregister(&self->other));
	EXPECT_EQ(self->fds, count_fds());
	EXPECT_STATS(&self->base);
	EXPECT_TABLE_EMPTY(INST, AF_INET);
	EXPECT_TABLE_EMPTY(INST_OTHER, AF_INET);
}

struct bulk_run {
	RTM_ENTITY_HANDLE h;
	const struct rtm_route_entry *entries;
	size_t count;
	RTM_NEXTHOP_HANDLE nh;
	atomic_bool started;
	DWORD status;
	size_t done;
	long long start_ms, ms;
};

static void *bulk_thread(void *arg)
{
	struct bulk_run *b = arg;

	b->start_ms = now_ms();
	atomic_store(&b->started, true);
	b->status = rtm_bulk_add_routes(b->h, b->entries, b->count, &b->nh, 1,
					&b->done);
	b->ms = now_ms() - b->start_ms;
	return NULL;
}

/* Wait until the bulk call is halfway into its first batch. */
static void wait_inside(struct bulk_run *b, long long batch_ms)
{
	while (!atomic_load(&b->started))
		usleep(1000);
	while (now_ms() - b->start_ms < batch_ms / 2 + 20)
		usleep(1000);
}

struct swap_run {
	struct ent *other;
	DWORD dereg, regd;
	long long ms;
};

/* On a thread of its own: its registration is its first library call. */
static void *swap_thread(void *arg)
{
	struct swap_run *s = arg;
	long long t0 = now_ms();

	s->dereg = ent_deregister(s->other);
	s->regd = ent_register(s->other, INST_OTHER, AF_INET, PROTO, 3, NULL);
	s->ms = now_ms() - t0;
	return NULL;
}

TEST_F_TIMEOUT(bulkdereg, other_registration, 300)
{
	struct bulk_run b = { 0 };
	struct swap_run s = { .other = &self->other };
	pthread_t bt, st;

	if (!self->ready)
		SKIP(return, "needs the rtm module and CAP_NET_ADMIN");
	b.h = self->a.h;
	b.entries = self->entries;
	b.count = self->batches * RTM_MAX_BATCH;
	b.nh = self->nh;
	ASSERT_EQ(0, pthread_create(&bt, NULL, bulk_thread, &b));
	wait_inside(&b, self->batch_ms);
	ASSERT_EQ(0, pthread_create(&st, NULL, swap_thread, &s));
	ASSERT_EQ(0, pthread_join(st, NULL));
	ASSERT_EQ(0, pthread_join(bt, NULL));

	TH_LOG("bulk call %lld ms, deregister + register %lld ms", b.ms, s.ms);
	EXPECT_WIN(NO_ERROR, s.dereg);
	EXPECT_WIN(NO_ERROR, s.regd);
	EXPECT_WIN(NO_ERROR, b.status);
	EXPECT_EQ(b.count, b.done);
	/* Long enough to mean something, and the swap was not held up. */
	EXPECT_LT(1000, b.ms);
	EXPECT_LT(s.ms * 4, b.ms);
}

TEST_F_TIMEOUT(bulkdereg, own_registration, 300)
{
	struct bulk_run b = { 0 };
	pthread_t bt;
	long long t0, ms;
	DWORD st;

	if (!self->ready)
		SKIP(return, "needs the rtm module and CAP_NET_ADMIN");
	b.h = self->a.h;
	b.entries = self->entries;
	b.count = self->batches * RTM_MAX_BATCH;
	b.nh = self->nh;
	ASSERT_EQ(0, pthread_create(&bt, NULL, bulk_thread, &b));
	wait_inside(&b, self->batch_ms);
	t0 = now_ms();
	st = ent_deregister(&self->a);
	ms = now_ms() - t0;
	ASSERT_EQ(0, pthread_join(bt, NULL));

	TH_LOG("bulk call %lld ms (%zu of %zu done), deregister %lld ms",
	       b.ms, b.done, b.count, ms);
	EXPECT_WIN(NO_ERROR, st);
	/* Stopped at a batch boundary after the deregistration. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, b.status);
	EXPECT_LT(b.done, b.count);
	EXPECT_LT(0U, b.done);
	/* The bulk call's reference was the last: the fd is closed now. */
	EXPECT_EQ(self->fds + 1, count_fds());	/* only other's is left */
	/* A call on the handle now fails as any call on a dead handle. */
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   rtm_bulk_add_routes(self->a.h, self->entries, 1, &self->nh,
				       1, NULL));
}

TEST_HARNESS_MAIN
