// SPDX-License-Identifier: GPL-2.0
/*
 * Cleanup (reference section 8.10): an entity whose file is closed, or
 * whose process exits or is killed, without RtmDeregisterEntity is gone
 * from the others' lists, they get RTM_ENTITY_DEREGISTERED, and nothing it
 * held stays behind: the namespace's counters in /proc/net/rtm/stats
 * (entities, handles with an id, references held) return to their values
 * from before it came.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "rtm_selftest.h"

#define INST	4
#define PROTO	0x6000

/* The counters now equal @want (after at most WAIT_MS). */
#define EXPECT_STATS(want) do {						\
	struct rtm_stats got_;						\
									\
	EXPECT_TRUE(stats_settle((want), &got_, WAIT_MS))		\
		TH_LOG("entities %ld handles %ld holds %ld, want %ld %ld %ld", \
		       got_.entities, got_.handles, got_.holds,		\
		       (want)->entities, (want)->handles, (want)->holds); \
} while (0)

/* The entities @h's table lists, into @list (at most 8); their count. */
static UINT list_entities(RTM_ENTITY_HANDLE h, RTM_ENTITY_HANDLE *list)
{
	UINT n = 8;

	if (RtmGetRegisteredEntities(h, &n, list, NULL) != NO_ERROR)
		return 0;
	return n;
}

static bool listed(const RTM_ENTITY_HANDLE *list, UINT n, RTM_ENTITY_HANDLE h)
{
	UINT i;

	for (i = 0; i < n; i++)
		if (list[i] == h)
			return true;
	return false;
}

/*
 * A raw registration that holds references and has an event queue goes
 * away with close().
 */
TEST(fd_close)
{
	RTM_ENTITY_INFO ia = entity_info(INST, AF_INET, PROTO, 1);
	RTM_ENTITY_INFO ix = entity_info(INST, AF_INET, PROTO, 2);
	RTM_ENTITY_HANDLE a, list[8];
	struct rtm_stats base, with_a, st;
	uint64_t x, handles[4];
	struct rtm_get_entities ge;
	struct rtm_handles ref;
	struct ev_record r;
	UINT n;
	int fd;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_WIN(NO_ERROR, reg(&ia, ev_callback, &a));
	ASSERT_EQ(0, read_stats(&with_a));

	fd = rtm_open();
	ASSERT_LE(0, fd);
	ASSERT_ERRNO(0, raw_register(fd, INST, AF_INET, PROTO, 2,
				     RTM_REGISTER_EVENTS, &x));
	/* Hold a and x, x twice. */
	memset(&ge, 0, sizeof(ge));
	ge.size = sizeof(ge);
	ge.count = 4;
	ge.handles = (uintptr_t)handles;
	ASSERT_ERRNO(0, rtm_ioctl(fd, RTM_IOC_GET_ENTITIES, &ge));
	ASSERT_EQ(2U, ge.count);
	memset(&ref, 0, sizeof(ref));
	ref.size = sizeof(ref);
	ref.kinds = RTM_KIND_ENTITY;
	ref.count = 1;
	ref.handles = (uintptr_t)&x;
	ASSERT_ERRNO(0, rtm_ioctl(fd, RTM_IOC_REFERENCE, &ref));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(with_a.entities + 1, st.entities);
	EXPECT_EQ(with_a.holds + 2, st.holds);

	ASSERT_TRUE(ev_wait(a, RTM_ENTITY_REGISTERED, mkhandle(x), WAIT_MS, &r));
	n = list_entities(a, list);
	EXPECT_EQ(2U, n);
	EXPECT_TRUE(listed(list, n, mkhandle(x)));
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(a, n, list));

	ASSERT_EQ(0, close(fd));
	ASSERT_TRUE(ev_wait(a, RTM_ENTITY_DEREGISTERED, mkhandle(x), WAIT_MS,
			    &r)) TH_LOG("no DEREGISTERED after close()");
	EXPECT_TRUE(r.has_info && same_info(&ix, &r.info));
	n = list_entities(a, list);
	EXPECT_EQ(1U, n);
	EXPECT_EQ(hval(a), hval(list[0]));
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(a, n, list));
	EXPECT_STATS(&with_a);

	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(a));
	EXPECT_STATS(&base);
}

enum peer_end {
	END_EXIT,	/* return from main without deregistering */
	END_KILLED,	/* busy in calls when SIGKILL comes */
	END_DEREGISTER,	/* RtmDeregisterEntity, then exit */
};

struct peer_arg {
	RTM_ENTITY_INFO info;
	enum peer_end end;
};

/*
 * Register (with a callback: a dispatcher thread), hold references to
 * every entity of the table, report, then end as told.
 */
static int peer_hold_and_end(int rd, int wr, void *p)
{
	struct peer_arg *a = p;
	RTM_ENTITY_HANDLE h = NULL, list[8];
	struct msg m;
	unsigned long i;
	UINT n = 8;
	DWORD st;

	PEER_CHECK(msg_expect(rd, 0, &m) == 0);		/* test registered */
	st = reg(&a->info, ev_callback, &h);
	if (st == NO_ERROR)
		st = RtmGetRegisteredEntities(h, &n, list, NULL);
	if (st == NO_ERROR)
		st = RtmReferenceHandles(h, n, list);
	PEER_CHECK(msg_send(wr, 1, st, hval(h)) == 0);
	PEER_CHECK(st == NO_ERROR);

	switch (a->end) {
	case END_EXIT:
		PEER_CHECK(msg_expect(rd, 2, &m) == 0);
		return 0;
	case END_DEREGISTER:
		PEER_CHECK(msg_expect(rd, 2, &m) == 0);
		PEER_CHECK(RtmDeregisterEntity(h) == NO_ERROR);
		return 0;
	case END_KILLED:
		/* Take and drop references until killed; say when busy. */
		for (i = 0;; i++) {
			RTM_ENTITY_HANDLE more[8];
			UINT k = 8;

			PEER_CHECK(RtmGetRegisteredEntities(h, &k, more, NULL) ==
				   NO_ERROR);
			PEER_CHECK(RtmReleaseEntities(h, k, more) == NO_ERROR);
			if (i == 100)
				PEER_CHECK(msg_send(wr, 2, 0, 0) == 0);
		}
	}
	return 1;
}

static void check_peer_end(struct __test_metadata *_metadata,
			   enum peer_end end)
{
	struct peer_arg a = {
		.info = entity_info(INST, AF_INET, PROTO, 2),
		.end = end,
	};
	RTM_ENTITY_INFO ia = entity_info(INST, AF_INET, PROTO, 1);
	RTM_ENTITY_HANDLE h, other, list[8];
	struct rtm_stats base, with_h, st;
	struct ev_record r;
	struct peer p;
	struct msg m;
	UINT n;
	int status;

	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	/* The peer first: see peer_start(). */
	ASSERT_EQ(0, peer_start(&p, peer_hold_and_end, &a));
	ASSERT_WIN(NO_ERROR, reg(&ia, ev_callback, &h));
	ASSERT_EQ(0, read_stats(&with_h));
	ASSERT_EQ(0, msg_send(p.wr, 0, 0, 0));

	ASSERT_EQ(0, msg_expect(p.rd, 1, &m));
	ASSERT_WIN(NO_ERROR, m.status);
	other = mkhandle(m.value);
	n = list_entities(h, list);
	EXPECT_TRUE(listed(list, n, other));
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(h, n, list));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(with_h.entities + 1, st.entities);
	EXPECT_EQ(with_h.holds + 2, st.holds);

	if (end == END_KILLED) {
		ASSERT_EQ(0, msg_expect(p.rd, 2, &m));
		ASSERT_EQ(0, kill(p.pid, SIGKILL));
		status = peer_wait(&p, WAIT_MS);
		EXPECT_EQ(128 + SIGKILL, status);
	} else {
		ASSERT_EQ(0, msg_send(p.wr, 2, 0, 0));
		status = peer_wait(&p, WAIT_MS);
		EXPECT_EQ(0, status);
	}

	ASSERT_TRUE(ev_wait(h, RTM_ENTITY_DEREGISTERED, other, WAIT_MS, &r))
		TH_LOG("no DEREGISTERED for the peer");
	EXPECT_TRUE(r.has_info && same_info(&a.info, &r.info));
	EXPECT_EQ(1U, ev_count(h, RTM_ENTITY_DEREGISTERED, other));
	n = list_entities(h, list);
	EXPECT_EQ(1U, n);
	EXPECT_FALSE(listed(list, n, other));
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(h, n, list));
	EXPECT_STATS(&with_h);

	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(h));
	EXPECT_STATS(&base);
}

/* fd closed by exit(). */
TEST(exit_without_deregistering)
{
	REQUIRE_RTM();
	check_peer_end(_metadata, END_EXIT);
}

TEST(killed_while_busy)
{
	REQUIRE_RTM();
	check_peer_end(_metadata, END_KILLED);
}

/* For comparison, the orderly way. */
TEST(deregister_then_exit)
{
	REQUIRE_RTM();
	check_peer_end(_metadata, END_DEREGISTER);
}

/*
 * A reference to an entity that dies stays the holder's to release: the
 * handle is stale (not readable) but releasable, once.
 */
TEST(hold_on_a_dead_entity)
{
	struct peer_arg a = {
		.info = entity_info(INST, AF_INET, PROTO, 2),
		.end = END_EXIT,
	};
	RTM_ENTITY_INFO ia = entity_info(INST, AF_INET, PROTO, 1);
	RTM_ENTITY_HANDLE h, other;
	struct rtm_stats with_h, st;
	RTM_ENTITY_INFO info;
	struct peer p;
	struct msg m;

	REQUIRE_RTM();
	ASSERT_EQ(0, peer_start(&p, peer_hold_and_end, &a));
	ASSERT_WIN(NO_ERROR, reg(&ia, ev_callback, &h));
	ASSERT_EQ(0, read_stats(&with_h));
	ASSERT_EQ(0, msg_send(p.wr, 0, 0, 0));
	ASSERT_EQ(0, msg_expect(p.rd, 1, &m));
	ASSERT_WIN(NO_ERROR, m.status);
	other = mkhandle(m.value);
	ASSERT_WIN(NO_ERROR, RtmReferenceHandles(h, 1, &other));

	ASSERT_EQ(0, msg_send(p.wr, 2, 0, 0));
	ASSERT_EQ(0, peer_wait(&p, WAIT_MS));
	ASSERT_TRUE(ev_wait(h, RTM_ENTITY_DEREGISTERED, other, WAIT_MS, NULL));

	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetEntityInfo(h, other, &info));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReferenceHandles(h, 1, &other));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(with_h.entities, st.entities);
	EXPECT_EQ(with_h.holds + 1, st.holds);

	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(h, 1, &other));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(h, 1, &other));
	EXPECT_STATS(&with_h);
}

/* RtmDeregisterEntity drops every reference the registration held. */
TEST(deregister_drops_references)
{
	RTM_ENTITY_INFO ia = entity_info(INST, AF_INET, PROTO, 1);
	RTM_ENTITY_INFO ib = entity_info(INST, AF_INET, PROTO, 2);
	RTM_ENTITY_HANDLE a, b, list[8];
	struct rtm_stats with_a, st;
	UINT n;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, reg(&ia, NULL, &a));
	ASSERT_EQ(0, read_stats(&with_a));
	ASSERT_WIN(NO_ERROR, reg(&ib, ev_callback, &b));
	n = list_entities(b, list);
	ASSERT_EQ(2U, n);
	ASSERT_WIN(NO_ERROR, RtmReferenceHandles(b, n, list));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(with_a.holds + 2, st.holds);

	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(b));
	EXPECT_STATS(&with_a);
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(b, n, list));
	n = list_entities(a, list);
	EXPECT_EQ(1U, n);
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(a, n, list));
}

/*
 * The same in the kernel alone: RTM_IOC_DEREGISTER drops the references
 * while the file stays open (the library closes the file right after, which
 * would hide it), and the file can hold none afterwards.
 */
TEST(raw_deregister_drops_references)
{
	struct rtm_deregister d = { .size = sizeof(d) };
	struct rtm_stats base, st;
	struct rtm_get_entities ge;
	struct rtm_handles ref;
	uint64_t self, handles[4];
	int fd, fd2;

	REQUIRE_RTM();
	fd2 = rtm_open();
	ASSERT_LE(0, fd2);
	ASSERT_ERRNO(0, raw_register(fd2, INST, AF_INET, PROTO, 1, 0, NULL));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));

	fd = rtm_open();
	ASSERT_LE(0, fd);
	ASSERT_ERRNO(0, raw_register(fd, INST, AF_INET, PROTO, 2,
				     RTM_REGISTER_EVENTS, &self));
	memset(&ge, 0, sizeof(ge));
	ge.size = sizeof(ge);
	ge.count = 4;
	ge.handles = (uintptr_t)handles;
	ASSERT_ERRNO(0, rtm_ioctl(fd, RTM_IOC_GET_ENTITIES, &ge));
	ASSERT_EQ(2U, ge.count);
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.entities + 1, st.entities);
	EXPECT_EQ(base.holds + 2, st.holds);

	ASSERT_ERRNO(0, rtm_ioctl(fd, RTM_IOC_DEREGISTER, &d));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.entities, st.entities);
	EXPECT_EQ(base.holds, st.holds);
	EXPECT_EQ(base.handles, st.handles);

	/* Nothing is held, nothing can be. */
	memset(&ref, 0, sizeof(ref));
	ref.size = sizeof(ref);
	ref.kinds = RTM_KIND_ENTITY;
	ref.count = 2;
	ref.handles = (uintptr_t)handles;
	EXPECT_ERRNO(-EBADF, rtm_ioctl(fd, RTM_IOC_RELEASE, &ref));
	EXPECT_ERRNO(-EBADF, rtm_ioctl(fd, RTM_IOC_REFERENCE, &ref));
	EXPECT_ERRNO(-EBADF, rtm_ioctl(fd, RTM_IOC_DEREGISTER, &d));
	ASSERT_EQ(0, close(fd));
	EXPECT_STATS(&base);
	close(fd2);
}

/* A list that cannot be written out leaves no reference behind. */
TEST(failed_list_holds_nothing)
{
	struct rtm_stats base, st;
	struct rtm_get_entities ge;
	struct rtm_entity_info infos[4];
	uint64_t handles[4];
	void *ro;
	int fd;

	REQUIRE_RTM();
	fd = rtm_open();
	ASSERT_LE(0, fd);
	ASSERT_ERRNO(0, raw_register(fd, INST, AF_INET, PROTO, 1, 0, NULL));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);

	memset(&ge, 0, sizeof(ge));
	ge.size = sizeof(ge);
	ge.count = 4;
	ge.handles = (uintptr_t)ro;
	EXPECT_ERRNO(-EFAULT, rtm_ioctl(fd, RTM_IOC_GET_ENTITIES, &ge));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds, st.holds);

	/* The handles are written, the infos cannot be: all taken back. */
	ge.handles = (uintptr_t)handles;
	ge.infos = (uintptr_t)ro;
	EXPECT_ERRNO(-EFAULT, rtm_ioctl(fd, RTM_IOC_GET_ENTITIES, &ge));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds, st.holds);

	ge.infos = (uintptr_t)infos;
	EXPECT_ERRNO(0, rtm_ioctl(fd, RTM_IOC_GET_ENTITIES, &ge));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds + 1, st.holds);
	munmap(ro, 4096);
	close(fd);
}

TEST_HARNESS_MAIN
