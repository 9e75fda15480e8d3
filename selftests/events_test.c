// SPDX-License-Identifier: GPL-2.0
/*
 * RTM_ENTITY_REGISTERED and RTM_ENTITY_DEREGISTERED (reference sections 6.1
 * and 8.9): every other entity of the table that has a callback gets them,
 * with the subject's handle in Context1 and a copy of its RTM_ENTITY_INFO
 * in Context2; the subject itself does not, nor do entities without a
 * callback.  Also the raw event records read() from an rtm file.
 *
 * Events are waited for with a timeout.  That an event did not come is
 * shown with a later event: a receiver's events are queued in order, so
 * once the later one has arrived the earlier one never will.
 */
#include "kselftest_harness.h"
#include "rtm_selftest.h"

#define INST	3
#define PROTO	0x5000

FIXTURE(events) {
	USHORT family;
};

FIXTURE_VARIANT(events) {
	USHORT family;
};

FIXTURE_VARIANT_ADD(events, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(events, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(events)
{
	self->family = variant->family;
}

FIXTURE_TEARDOWN(events)
{
}

/* Check one recorded event: receiver, type, subject and its identity. */
static void check_event(struct __test_metadata *_metadata,
			RTM_ENTITY_HANDLE receiver, RTM_EVENT_TYPE type,
			RTM_ENTITY_HANDLE subject, const RTM_ENTITY_INFO *info)
{
	struct ev_record r;

	ASSERT_TRUE(ev_wait(receiver, type, subject, WAIT_MS, &r))
		TH_LOG("no %s event about %#llx for %#llx within %d ms",
		       type == RTM_ENTITY_REGISTERED ? "REGISTERED" :
						      "DEREGISTERED",
		       (unsigned long long)hval(subject),
		       (unsigned long long)hval(receiver), WAIT_MS);
	EXPECT_EQ(hval(receiver), hval(r.receiver));
	EXPECT_EQ(hval(subject), hval(r.context1));
	ASSERT_TRUE(r.has_info) TH_LOG("Context2 is NULL");
	EXPECT_TRUE(same_info(info, &r.info))
		TH_LOG("Context2: instance %u family %u protocol %u id %u",
		       r.info.RtmInstanceId, r.info.AddressFamily,
		       r.info.EntityId.EntityProtocolId,
		       r.info.EntityId.EntityInstanceId);
}

struct peer_arg {
	RTM_ENTITY_INFO info;
	bool deregister;	/* deregister before exiting */
};

/* On message 1 register, on message 2 deregister (or not) and exit. */
static int peer_come_and_go(int rd, int wr, void *p)
{
	struct peer_arg *a = p;
	RTM_ENTITY_HANDLE h = NULL;
	struct msg m;
	DWORD st;

	PEER_CHECK(msg_expect(rd, 1, &m) == 0);
	st = reg(&a->info, NULL, &h);
	PEER_CHECK(msg_send(wr, 1, st, hval(h)) == 0);
	PEER_CHECK(st == NO_ERROR);
	PEER_CHECK(msg_expect(rd, 2, &m) == 0);
	if (a->deregister)
		PEER_CHECK(RtmDeregisterEntity(h) == NO_ERROR);
	return 0;
}

/* Another process comes and goes: the test's entity hears of both. */
TEST_F(events, other_process)
{
	struct peer_arg a = {
		.info = entity_info(INST, self->family, PROTO, 2),
		.deregister = true,
	};
	RTM_ENTITY_INFO mine = entity_info(INST, self->family, PROTO, 1);
	RTM_ENTITY_HANDLE h, other;
	struct peer p;
	struct msg m;

	REQUIRE_RTM();
	/* The peer first: see peer_start(). */
	ASSERT_EQ(0, peer_start(&p, peer_come_and_go, &a));
	ASSERT_WIN(NO_ERROR, reg(&mine, ev_callback, &h));

	ASSERT_EQ(0, msg_send(p.wr, 1, 0, 0));
	ASSERT_EQ(0, msg_expect(p.rd, 1, &m));
	ASSERT_WIN(NO_ERROR, m.status);
	other = mkhandle(m.value);
	check_event(_metadata, h, RTM_ENTITY_REGISTERED, other, &a.info);

	ASSERT_EQ(0, msg_send(p.wr, 2, 0, 0));
	EXPECT_EQ(0, peer_wait(&p, WAIT_MS));
	check_event(_metadata, h, RTM_ENTITY_DEREGISTERED, other, &a.info);

	/* Exactly those two. */
	EXPECT_EQ(2U, ev_count_all(h));
	EXPECT_EQ(1U, ev_count(h, RTM_ENTITY_REGISTERED, other));
	EXPECT_EQ(1U, ev_count(h, RTM_ENTITY_DEREGISTERED, other));
}

/*
 * b, c (callbacks) and d (none) register and leave in one process.  Each
 * hears of the others that came after it and went while it was there,
 * never of itself, in order.
 */
TEST_F(events, not_to_self)
{
	RTM_ENTITY_INFO ib = entity_info(INST, self->family, PROTO, 1);
	RTM_ENTITY_INFO ic = entity_info(INST, self->family, PROTO, 2);
	RTM_ENTITY_INFO id = entity_info(INST, self->family, PROTO, 3);
	RTM_ENTITY_HANDLE b, c, d;
	struct rtm_stats s0, s1;
	struct ev_record r[4];
	unsigned int i, n;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, reg(&ib, ev_callback, &b));
	ASSERT_WIN(NO_ERROR, reg(&ic, ev_callback, &c));
	check_event(_metadata, b, RTM_ENTITY_REGISTERED, c, &ic);

	/* d's coming queues one event for each of b and c, no more. */
	ASSERT_EQ(0, read_stats(&s0));
	ASSERT_WIN(NO_ERROR, reg(&id, NULL, &d));
	check_event(_metadata, b, RTM_ENTITY_REGISTERED, d, &id);
	check_event(_metadata, c, RTM_ENTITY_REGISTERED, d, &id);
	ASSERT_EQ(0, read_stats(&s1));
	EXPECT_EQ(s0.events_queued + 2, s1.events_queued);
	/* c heard of d, so it would have heard of itself by now. */
	EXPECT_EQ(0U, ev_count(c, RTM_ENTITY_REGISTERED, c));
	EXPECT_EQ(0U, ev_count(b, RTM_ENTITY_REGISTERED, b));
	/* Entities registered before c are not announced to it. */
	EXPECT_EQ(0U, ev_count(c, RTM_ENTITY_REGISTERED, b));

	/* c's going: one event, for b (d has no callback). */
	ASSERT_EQ(0, read_stats(&s0));
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(c));
	check_event(_metadata, b, RTM_ENTITY_DEREGISTERED, c, &ic);
	ASSERT_EQ(0, read_stats(&s1));
	EXPECT_EQ(s0.events_queued + 1, s1.events_queued);
	/* c's dispatcher is gone: its log is final. */
	EXPECT_EQ(1U, ev_count_all(c));

	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(d));
	check_event(_metadata, b, RTM_ENTITY_DEREGISTERED, d, &id);
	EXPECT_EQ(0U, ev_count(c, RTM_ENTITY_DEREGISTERED, d));

	/* b's whole log, in order. */
	pthread_mutex_lock(&ev_log.lock);
	for (i = 0, n = 0; i < ev_log.n && n < 4; i++)
		if (ev_log.rec[i].receiver == b)
			r[n++] = ev_log.rec[i];
	pthread_mutex_unlock(&ev_log.lock);
	ASSERT_EQ(4U, n);
	EXPECT_EQ(ev_count_all(b), n);
	EXPECT_TRUE(r[0].type == RTM_ENTITY_REGISTERED && r[0].context1 == c);
	EXPECT_TRUE(r[1].type == RTM_ENTITY_REGISTERED && r[1].context1 == d);
	EXPECT_TRUE(r[2].type == RTM_ENTITY_DEREGISTERED && r[2].context1 == c);
	EXPECT_TRUE(r[3].type == RTM_ENTITY_DEREGISTERED && r[3].context1 == d);

	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(b));
	EXPECT_EQ(0U, ev_count(b, RTM_ENTITY_DEREGISTERED, b));
}

/* Events stay within their table. */
TEST(other_tables)
{
	RTM_ENTITY_INFO ia = entity_info(INST, AF_INET, PROTO, 1);
	RTM_ENTITY_INFO i6 = entity_info(INST, AF_INET6, PROTO, 1);
	RTM_ENTITY_INFO ii = entity_info(INST + 1, AF_INET, PROTO, 1);
	RTM_ENTITY_INFO ib = entity_info(INST, AF_INET, PROTO, 2);
	RTM_ENTITY_INFO j6 = entity_info(INST, AF_INET6, PROTO, 2);
	RTM_ENTITY_INFO ji = entity_info(INST + 1, AF_INET, PROTO, 2);
	RTM_ENTITY_HANDLE a, a6, ai, b, b6, bi;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, reg(&ia, ev_callback, &a));
	ASSERT_WIN(NO_ERROR, reg(&i6, ev_callback, &a6));
	ASSERT_WIN(NO_ERROR, reg(&ii, ev_callback, &ai));

	/* Each of the three learns of its own table's newcomer only. */
	ASSERT_WIN(NO_ERROR, reg(&ib, NULL, &b));
	ASSERT_WIN(NO_ERROR, reg(&j6, NULL, &b6));
	ASSERT_WIN(NO_ERROR, reg(&ji, NULL, &bi));
	check_event(_metadata, a, RTM_ENTITY_REGISTERED, b, &ib);
	check_event(_metadata, a6, RTM_ENTITY_REGISTERED, b6, &j6);
	check_event(_metadata, ai, RTM_ENTITY_REGISTERED, bi, &ji);
	EXPECT_EQ(1U, ev_count_all(a));
	EXPECT_EQ(1U, ev_count_all(a6));
	EXPECT_EQ(1U, ev_count_all(ai));
}

/* read() into a buffer of @len bytes: the length read, or -errno. */
static ssize_t read_raw(int fd, void *buf, size_t len)
{
	ssize_t r;

	do {
		r = read(fd, buf, len);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* read() up to @n event records. */
static ssize_t read_events(int fd, struct rtm_event *ev, size_t n)
{
	return read_raw(fd, ev, n * sizeof(*ev));
}

static int poll_in(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r = poll(&p, 1, timeout_ms);

	return r < 0 ? -errno : r == 0 ? 0 : p.revents;
}

/*
 * The kernel side: a registration without RTM_REGISTER_EVENTS has no event
 * queue (nothing is queued for it), one with it reads whole records.
 */
TEST(raw_records)
{
	struct rtm_deregister d = { .size = sizeof(d) };
	struct rtm_event ev[4];
	struct rtm_stats s0, s1;
	uint64_t quiet, loud, x;
	int fq, fl, fx;

	REQUIRE_RTM();
	fq = rtm_open();
	ASSERT_LE(0, fq);
	ASSERT_ERRNO(0, raw_register(fq, INST, AF_INET, PROTO, 1, 0, &quiet));
	fl = open(RTM_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	ASSERT_LE(0, fl);
	ASSERT_ERRNO(0, raw_register(fl, INST, AF_INET, PROTO, 2,
				     RTM_REGISTER_EVENTS, &loud));

	/* No queue: reading is an error, and so says poll(). */
	ASSERT_EQ(0, fcntl(fq, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-EINVAL, read_events(fq, ev, 1));
	EXPECT_EQ(POLLERR, poll_in(fq, 0));
	/* Nothing yet for the loud one (quiet came before it). */
	EXPECT_EQ(-EAGAIN, read_events(fl, ev, 4));
	EXPECT_EQ(0, poll_in(fl, 0));

	/* x comes: exactly one event is queued, for loud. */
	ASSERT_EQ(0, read_stats(&s0));
	fx = rtm_open();
	ASSERT_LE(0, fx);
	ASSERT_ERRNO(0, raw_register(fx, INST, AF_INET, PROTO, 3, 0, &x));
	EXPECT_EQ(POLLIN, poll_in(fl, WAIT_MS) & POLLIN);
	ASSERT_EQ(0, read_stats(&s1));
	EXPECT_EQ(s0.events_queued + 1, s1.events_queued);

	/* A buffer smaller than a record is refused. */
	EXPECT_EQ(-EINVAL, read_raw(fl, ev, sizeof(ev[0]) - 1));
	memset(ev, 0xa5, sizeof(ev));
	ASSERT_EQ((ssize_t)sizeof(ev[0]), read_events(fl, ev, 4));
	EXPECT_EQ((uint32_t)RTM_EVENT_ENTITY_REGISTERED, ev[0].type);
	EXPECT_EQ(0U, ev[0].flags);
	EXPECT_EQ(x, ev[0].handle);
	EXPECT_EQ(INST, ev[0].entity.instance_id);
	EXPECT_EQ(AF_INET, ev[0].entity.family);
	EXPECT_EQ(0U, ev[0].entity.reserved);
	EXPECT_EQ((uint32_t)PROTO, ev[0].entity.protocol_id);
	EXPECT_EQ(3U, ev[0].entity.entity_instance_id);
	EXPECT_EQ(0ULL, ev[0].reserved[0]);
	EXPECT_EQ(0ULL, ev[0].reserved[1]);
	EXPECT_EQ(-EAGAIN, read_events(fl, ev, 4));

	/* x goes by closing its file. */
	ASSERT_EQ(0, close(fx));
	EXPECT_EQ(POLLIN, poll_in(fl, WAIT_MS) & POLLIN);
	ASSERT_EQ((ssize_t)sizeof(ev[0]), read_events(fl, ev, 4));
	EXPECT_EQ((uint32_t)RTM_EVENT_ENTITY_DEREGISTERED, ev[0].type);
	EXPECT_EQ(x, ev[0].handle);
	EXPECT_EQ(3U, ev[0].entity.entity_instance_id);

	/* Deregistered: end of file after what was queued. */
	ASSERT_ERRNO(0, rtm_ioctl(fl, RTM_IOC_DEREGISTER, &d));
	EXPECT_EQ(0, read_events(fl, ev, 4));
	EXPECT_TRUE(poll_in(fl, 0) & POLLHUP);
	close(fl);
	close(fq);
}

TEST_HARNESS_MAIN
