// SPDX-License-Identifier: GPL-2.0
/*
 * Lost events.  The kernel queues at most event_queue_len events per
 * registration and drops entity (de)registrations past that.  A client
 * whose callback is slow must not lose track silently: once its queue has
 * drained, librtm tells its callback of every entity that registered, and
 * every known one that deregistered, while events were being dropped
 * (RTM_ENTITY_REGISTERED / RTM_ENTITY_DEREGISTERED with Context1 the
 * entity's handle and Context2 its RTM_ENTITY_INFO, as the RTM_EVENT_CALLBACK
 * page has them), never twice, and raises RTM_CHANGE_NOTIFICATION for each
 * of its change subscriptions (Context1 the notify handle, Context2 its
 * NotifyContext).
 *
 * The queue is filled without reloading rtm.ko: the callback is held in
 * its first call while entities come and go, event_queue_len (the module
 * parameter) times over.
 */
#include "kselftest_harness.h"
#include "rtm_selftest.h"

#define INST		8
#define PROTO_R		0xc400		/* the receiver */
#define PROTO_K		0xc500		/* known, then deregistered */
#define PROTO_T		0xc600		/* the one whose event holds the callback */
#define PROTO_X		0xc700		/* churn */
#define PROTO_N		0xc800		/* new while events were dropped */
#define NOLD		6
#define NNEW		6
#define MAX_QUEUE	4096		/* larger queues: skipped, too slow */
#define LOG_LEN		(4 * MAX_QUEUE + 256)
#define NCTX		((PVOID)(uintptr_t)0xc0ffee)

struct rec {
	RTM_EVENT_TYPE type;
	RTM_ENTITY_HANDLE h;		/* Context1 */
	RTM_ENTITY_INFO info;		/* *Context2 for entity events */
	PVOID ctx2;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int n;
	struct rec rec[LOG_LEN];
	ULONG gate;			/* hold the callback for this protocol */
	bool held, open;
} lg = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

static DWORD WINAPI cb(RTM_ENTITY_HANDLE me, RTM_EVENT_TYPE type,
		       PVOID c1, PVOID c2)
{
	struct rec *r;

	(void)me;
	pthread_mutex_lock(&lg.lock);
	if (lg.n < LOG_LEN) {
		r = &lg.rec[lg.n++];
		memset(r, 0, sizeof(*r));
		r->type = type;
		r->h = c1;
		r->ctx2 = c2;
		if ((type == RTM_ENTITY_REGISTERED ||
		     type == RTM_ENTITY_DEREGISTERED) && c2)
			r->info = *(RTM_ENTITY_INFO *)c2;
	}
	pthread_cond_broadcast(&lg.cond);
	if (type == RTM_ENTITY_REGISTERED && lg.gate && c2 &&
	    ((RTM_ENTITY_INFO *)c2)->EntityId.EntityProtocolId == lg.gate) {
		lg.held = true;
		pthread_cond_broadcast(&lg.cond);
		while (!lg.open)
			pthread_cond_wait(&lg.cond, &lg.lock);
	}
	pthread_mutex_unlock(&lg.lock);
	return NO_ERROR;
}

/* How many records of @type for @h (any handle if NULL) from @from on. */
static unsigned int count(RTM_EVENT_TYPE type, RTM_ENTITY_HANDLE h,
			  unsigned int from, struct rec *last)
{
	unsigned int i, n = 0;

	pthread_mutex_lock(&lg.lock);
	for (i = from; i < lg.n; i++) {
		if (lg.rec[i].type != type || (h && lg.rec[i].h != h))
			continue;
		n++;
		if (last)
			*last = lg.rec[i];
	}
	pthread_mutex_unlock(&lg.lock);
	return n;
}

static bool wait_count(RTM_EVENT_TYPE type, RTM_ENTITY_HANDLE h,
		       unsigned int want)
{
	long long end = now_ms() + WAIT_MS;

	while (count(type, h, 0, NULL) < want) {
		if (now_ms() >= end)
			return false;
		usleep(5000);
	}
	return true;
}

static bool in_list(RTM_ENTITY_HANDLE h, const RTM_ENTITY_HANDLE *v, UINT n)
{
	UINT i;

	for (i = 0; i < n; i++)
		if (v[i] == h)
			return true;
	return false;
}

/*
 * The entities the callback believes registered, from its records in
 * order, into @v (room for @cap); the number, or -1 on a contradiction
 * (registered twice, or deregistered while not registered after being
 * registered).
 */
static int believed(RTM_ENTITY_HANDLE *v, int cap)
{
	unsigned int i;
	int n = 0, j, bad = 0;

	pthread_mutex_lock(&lg.lock);
	for (i = 0; i < lg.n; i++) {
		const struct rec *r = &lg.rec[i];

		if (r->type == RTM_ENTITY_REGISTERED) {
			if (in_list(r->h, v, n) || n == cap)
				bad = 1;
			else
				v[n++] = r->h;
		} else if (r->type == RTM_ENTITY_DEREGISTERED) {
			for (j = 0; j < n && v[j] != r->h; j++)
				;
			if (j == n)
				bad = 1;
			else
				v[j] = v[--n];
		}
	}
	pthread_mutex_unlock(&lg.lock);
	return bad ? -1 : n;
}

static DWORD reg_plain(USHORT proto, ULONG id, RTM_ENTITY_HANDLE *h)
{
	RTM_ENTITY_INFO info = entity_info(INST, AF_INET, proto, id);

	return reg(&info, NULL, h);
}

FIXTURE(lost) {
	int unused;
};

FIXTURE_SETUP(lost)
{
}

FIXTURE_TEARDOWN(lost)
{
}

/* Slow kernels (KASAN, TCG) take a while to make a thousand entities. */
TEST_F_TIMEOUT(lost, resync_after_lost_events, 180)
{
	RTM_ENTITY_HANDLE me, t, old[NOLD], nw[NNEW], x, now[64], seen[64];
	RTM_ENTITY_INFO me_info = entity_info(INST, AF_INET, PROTO_R, 1);
	RTM_ENTITY_INFO want;
	RTM_NOTIFY_HANDLE n;
	struct rtm_stats s0, s1;
	struct rec last;
	long qlen = module_param("event_queue_len");
	unsigned int i, mark, nchurn;
	long long end;
	int nseen = -1;
	char dbuf[RTM_SIZE_OF_DEST_INFO(1)] __attribute__((aligned(8)));
	UINT nnow = 0, num;
	bool held;

	REQUIRE_RTM();
	if (qlen <= 0 || qlen > MAX_QUEUE)
		SKIP(return, "event_queue_len %ld", qlen);
	nchurn = qlen / 2 + 32;

	ASSERT_WIN(NO_ERROR, reg(&me_info, cb, &me));
	ASSERT_WIN(NO_ERROR, RtmRegisterForChangeNotification(me,
				RTM_VIEW_MASK_UCAST, RTM_CHANGE_TYPE_BEST,
				NCTX, &n));

	/* Entities the client is told of, with their identity. */
	for (i = 0; i < NOLD; i++) {
		ASSERT_WIN(NO_ERROR, reg_plain(PROTO_K, i, &old[i]));
		ASSERT_TRUE(wait_count(RTM_ENTITY_REGISTERED, old[i], 1));
		ASSERT_EQ(1U, count(RTM_ENTITY_REGISTERED, old[i], 0, &last));
		want = entity_info(INST, AF_INET, PROTO_K, i);
		EXPECT_TRUE(same_info(&want, &last.info));
	}
	EXPECT_EQ(0U, count(RTM_CHANGE_NOTIFICATION, NULL, 0, NULL));

	/* Hold the callback in t's event, then overflow the queue. */
	ASSERT_EQ(0, read_stats(&s0));
	pthread_mutex_lock(&lg.lock);
	lg.gate = PROTO_T;
	pthread_mutex_unlock(&lg.lock);
	ASSERT_WIN(NO_ERROR, reg_plain(PROTO_T, 1, &t));
	end = now_ms() + WAIT_MS;
	pthread_mutex_lock(&lg.lock);
	while (!lg.held && now_ms() < end) {
		pthread_mutex_unlock(&lg.lock);
		usleep(5000);
		pthread_mutex_lock(&lg.lock);
	}
	held = lg.held;
	mark = lg.n;
	pthread_mutex_unlock(&lg.lock);
	ASSERT_TRUE(held) TH_LOG("the callback was not held");

	for (i = 0; i < nchurn; i++) {
		ASSERT_WIN(NO_ERROR, reg_plain(PROTO_X, i, &x));
		ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(x));
	}
	for (i = 0; i < NOLD; i++)
		ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(old[i]));
	for (i = 0; i < NNEW; i++)
		ASSERT_WIN(NO_ERROR, reg_plain(PROTO_N, i, &nw[i]));
	ASSERT_EQ(0, read_stats(&s1));
	ASSERT_LT(s0.events_lost, s1.events_lost)
		TH_LOG("the queue of %ld did not overflow", qlen);

	pthread_mutex_lock(&lg.lock);
	lg.open = true;
	pthread_cond_broadcast(&lg.cond);
	pthread_mutex_unlock(&lg.lock);

	/* The client's picture of the table becomes the table's. */
	nnow = ARRAY_SIZE(now);
	ASSERT_WIN(NO_ERROR, RtmGetRegisteredEntities(me, &nnow, now, NULL));
	end = now_ms() + WAIT_MS;
	for (;;) {
		bool same;

		nseen = believed(seen, ARRAY_SIZE(seen));
		same = nseen == (int)nnow - 1;
		for (i = 0; same && i < nnow; i++)
			same = now[i] == me || in_list(now[i], seen, nseen);
		if (same && count(RTM_CHANGE_NOTIFICATION, NULL, mark, NULL))
			break;
		if (nseen < 0 || now_ms() >= end)
			break;
		usleep(10000);
	}
	ASSERT_LE(0, nseen) TH_LOG("an entity was told of twice");
	EXPECT_EQ((int)nnow - 1, nseen);
	EXPECT_EQ(1U + NNEW, nnow - 1);

	for (i = 0; i < NOLD; i++) {
		EXPECT_EQ(1U, count(RTM_ENTITY_DEREGISTERED, old[i], mark,
				    &last));
		want = entity_info(INST, AF_INET, PROTO_K, i);
		EXPECT_TRUE(same_info(&want, &last.info));
	}
	for (i = 0; i < NNEW; i++) {
		EXPECT_EQ(1U, count(RTM_ENTITY_REGISTERED, nw[i], mark,
				    &last));
		want = entity_info(INST, AF_INET, PROTO_N, i);
		EXPECT_TRUE(same_info(&want, &last.info));
	}
	EXPECT_LE(1U, count(RTM_CHANGE_NOTIFICATION, n, mark, &last));
	EXPECT_EQ(NCTX, last.ctx2);
	/* Nothing changed: the subscription has nothing queued. */
	num = 1;
	EXPECT_WIN(ERROR_NO_MORE_ITEMS,
		   RtmGetChangedDests(me, n, &num, (void *)dbuf));

	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(me, nnow, now));
	for (i = 0; i < NNEW; i++)
		EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(nw[i]));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(t));
	EXPECT_WIN(NO_ERROR, RtmDeregisterFromChangeNotification(me, n));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(me));
}

TEST_HARNESS_MAIN
