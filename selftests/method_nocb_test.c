// SPDX-License-Identifier: GPL-2.0
/*
 * Methods of an entity that registered no event callback.
 *
 * The documentation's walk-through of exported methods registers an entity
 * with ExportMethods and EventCallback NULL, and another entity lists them
 * with RtmGetEntityMethods and runs them with RtmInvokeMethod.  The methods
 * run in the exporting process (on librtm's dispatcher thread, which such
 * an entity now has), with CallerHandle and CalleeHandle the two entities;
 * RtmBlockMethods holds calls back as for any entity.  An entity without a
 * callback still loses its expired routes at once, as documented for
 * entities that cannot be told of the expiry, and events about other
 * entities reach nobody.
 */
#include "kselftest_harness.h"
#include "rtm_selftest.h"
#include "route_helpers.h"

#define INST		2
#define PROTO_E		0xc100		/* exports, no callback */
#define PROTO_C		0xc200		/* the caller */
#define PROTO_O		0xc300		/* others coming and going */
#define TTL_MS		200

#define OUT_HDR		offsetof(RTM_ENTITY_METHOD_OUTPUT, OutputData)

/* What the methods saw. */
static struct {
	pthread_mutex_t lock;
	unsigned int runs;
	RTM_ENTITY_HANDLE caller, callee;
	pthread_t thread;
} seen = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void note(RTM_ENTITY_HANDLE caller, RTM_ENTITY_HANDLE callee)
{
	pthread_mutex_lock(&seen.lock);
	seen.runs++;
	seen.caller = caller;
	seen.callee = callee;
	seen.thread = pthread_self();
	pthread_mutex_unlock(&seen.lock);
}

static unsigned int runs(void)
{
	unsigned int n;

	pthread_mutex_lock(&seen.lock);
	n = seen.runs;
	pthread_mutex_unlock(&seen.lock);
	return n;
}

/* Method 0: answers "pong". */
static VOID WINAPI m_pong(RTM_ENTITY_HANDLE caller, RTM_ENTITY_HANDLE callee,
			  RTM_ENTITY_METHOD_INPUT *in,
			  RTM_ENTITY_METHOD_OUTPUT *out)
{
	(void)in;
	note(caller, callee);
	if (out->OutputSize < 4) {
		out->MethodStatus = ERROR_INSUFFICIENT_BUFFER;
		out->OutputSize = 0;
		return;
	}
	memcpy(out->OutputData, "pong", 4);
	out->OutputSize = 4;
}

/* Method 1: answers the input's size as a ULONG. */
static VOID WINAPI m_size(RTM_ENTITY_HANDLE caller, RTM_ENTITY_HANDLE callee,
			  RTM_ENTITY_METHOD_INPUT *in,
			  RTM_ENTITY_METHOD_OUTPUT *out)
{
	ULONG v = in->InputSize;

	note(caller, callee);
	memcpy(out->OutputData, &v, sizeof(v));
	out->OutputSize = sizeof(v);
}

/* RTM_ENTITY_EXPORT_METHODS with room for two methods. */
static struct {
	UINT NumMethods;
	RTM_ENTITY_EXPORT_METHOD Methods[2];
} exports = {
	.NumMethods = 2,
	.Methods = { m_pong, m_size },
};

/* Register with two methods and EventCallback NULL. */
static DWORD reg_exporter(ULONG id, RTM_ENTITY_HANDLE *h)
{
	RTM_ENTITY_INFO info = entity_info(INST, AF_INET, PROTO_E, id);
	RTM_REGN_PROFILE prof;

	return RtmRegisterEntity(&info, (PRTM_ENTITY_EXPORT_METHODS)&exports,
				 NULL, FALSE, &prof, h);
}

struct call {
	RTM_ENTITY_HANDLE caller, callee;
	DWORD method_type;
	char in[16];
	UINT in_size;
	unsigned char out[256] __attribute__((aligned(8)));
	UINT out_size;
	DWORD status;
};

static void *invoke(void *arg)
{
	struct call *c = arg;
	unsigned char buf[sizeof(RTM_ENTITY_METHOD_INPUT) + 16]
		__attribute__((aligned(8)));
	RTM_ENTITY_METHOD_INPUT *in = (RTM_ENTITY_METHOD_INPUT *)buf;

	in->MethodType = c->method_type;
	in->InputSize = c->in_size;
	memcpy(in->InputData, c->in, c->in_size);
	c->out_size = sizeof(c->out);
	c->status = RtmInvokeMethod(c->caller, c->callee, in, &c->out_size,
				    (PRTM_ENTITY_METHOD_OUTPUT)c->out);
	return NULL;
}

/* The output record at byte @off of @c's output. */
static RTM_ENTITY_METHOD_OUTPUT *rec_at(struct call *c, size_t off)
{
	return (RTM_ENTITY_METHOD_OUTPUT *)(c->out + off);
}

/*
 * The walk-through: list the methods of an entity without a callback and
 * run both; each answers in its record, in the callee's dispatcher thread.
 */
TEST(methods_without_callback_run)
{
	RTM_ENTITY_EXPORT_METHOD tokens[4];
	RTM_ENTITY_INFO ci = entity_info(INST, AF_INET, PROTO_C, 1);
	RTM_ENTITY_HANDLE e, c;
	RTM_ENTITY_METHOD_OUTPUT *r;
	struct call call;
	UINT num;
	ULONG v;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, reg_exporter(1, &e));
	ASSERT_WIN(NO_ERROR, reg(&ci, NULL, &c));

	num = 0;
	EXPECT_WIN(NO_ERROR, RtmGetEntityMethods(c, e, &num, NULL));
	EXPECT_EQ(2U, num);
	num = ARRAY_SIZE(tokens);
	ASSERT_WIN(NO_ERROR, RtmGetEntityMethods(c, e, &num, tokens));
	ASSERT_EQ(2U, num);

	memset(&call, 0, sizeof(call));
	call.caller = c;
	call.callee = e;
	call.method_type = 0x3;
	memcpy(call.in, "hello", 6);
	call.in_size = 6;
	invoke(&call);
	ASSERT_WIN(NO_ERROR, call.status);
	EXPECT_EQ(2U, runs());
	EXPECT_EQ(hval(c), hval(seen.caller));
	EXPECT_EQ(hval(e), hval(seen.callee));
	EXPECT_FALSE(pthread_equal(seen.thread, pthread_self()));

	r = rec_at(&call, 0);
	EXPECT_EQ(1U, r->MethodType);
	EXPECT_WIN(NO_ERROR, r->MethodStatus);
	ASSERT_EQ(4U, r->OutputSize);
	EXPECT_EQ(0, memcmp(r->OutputData, "pong", 4));
	/* The next record starts at a 4-byte boundary after this one. */
	r = rec_at(&call, (OUT_HDR + 4 + 3) & ~(size_t)3);
	EXPECT_EQ(2U, r->MethodType);
	EXPECT_WIN(NO_ERROR, r->MethodStatus);
	ASSERT_EQ(sizeof(v), r->OutputSize);
	memcpy(&v, r->OutputData, sizeof(v));
	EXPECT_EQ(6U, v);

	/* The exporter may call its own methods too, from its own thread. */
	call.caller = e;
	call.method_type = 0x1;
	invoke(&call);
	EXPECT_WIN(NO_ERROR, call.status);
	EXPECT_EQ(3U, runs());
	EXPECT_EQ(hval(e), hval(seen.caller));

	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(c));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(e));
}

/* RtmBlockMethods holds calls back until RTM_RESUME_METHODS. */
TEST(block_and_resume_without_callback)
{
	RTM_ENTITY_HANDLE e, c;
	RTM_ENTITY_INFO ci = entity_info(INST, AF_INET, PROTO_C, 2);
	struct call call;
	unsigned int before;
	pthread_t t;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, reg_exporter(2, &e));
	ASSERT_WIN(NO_ERROR, reg(&ci, NULL, &c));
	ASSERT_WIN(NO_ERROR, RtmBlockMethods(e, NULL, 0, RTM_BLOCK_METHODS));

	before = runs();
	memset(&call, 0, sizeof(call));
	call.caller = c;
	call.callee = e;
	call.method_type = 0x1;
	call.status = ~0U;
	ASSERT_EQ(0, pthread_create(&t, NULL, invoke, &call));
	usleep(300 * 1000);
	EXPECT_EQ(before, runs());
	ASSERT_WIN(NO_ERROR, RtmBlockMethods(e, NULL, 0, RTM_RESUME_METHODS));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_WIN(NO_ERROR, call.status);
	EXPECT_EQ(before + 1, runs());
	EXPECT_EQ(0, memcmp(rec_at(&call, 0)->OutputData, "pong", 4));

	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(c));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(e));
}

/* The state of a route through a held handle, or -1 if unreadable. */
static int route_state(RTM_ENTITY_HANDLE e, RTM_ROUTE_HANDLE r)
{
	struct route_buf b;
	int state;

	if (RtmGetRouteInfo(e, r, &b.ri, NULL) != NO_ERROR)
		return -1;
	state = b.ri.State;
	RtmReleaseRouteInfo(e, &b.ri);
	return state;
}

/*
 * Routes of an entity without a callback are deleted when they expire,
 * exporting methods or not; others coming and going meanwhile (events
 * queued for it) change nothing, and its methods still run after.
 */
TEST(expiry_and_other_events_without_callback)
{
	RTM_NET_ADDRESS p = pfx(AF_INET, 16, 10, 41, 0, 0);
	RTM_ENTITY_HANDLE e, c, o[8];
	RTM_ENTITY_INFO ci = entity_info(INST, AF_INET, PROTO_C, 3);
	RTM_NEXTHOP_HANDLE nh;
	RTM_ROUTE_HANDLE r = NULL;
	struct rspec s;
	struct call call;
	long long t0, end;
	unsigned int i;
	int state;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, reg_exporter(3, &e));
	ASSERT_WIN(NO_ERROR, reg(&ci, NULL, &c));
	ASSERT_WIN(NO_ERROR, nh_add(e, host(AF_INET, 10, 41, 0, 1), 1, &nh));

	for (i = 0; i < ARRAY_SIZE(o); i++) {
		RTM_ENTITY_INFO oi = entity_info(INST, AF_INET, PROTO_O, i);

		ASSERT_WIN(NO_ERROR, reg(&oi, NULL, &o[i]));
	}
	for (i = 0; i < ARRAY_SIZE(o); i++)
		ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(o[i]));

	memset(&s, 0, sizeof(s));
	s.pref = 5;
	s.metric = 5;
	s.nnh = 1;
	s.nh[0] = nh;
	t0 = now_ms();
	ASSERT_WIN(NO_ERROR, rt_add(e, p, &s, TTL_MS, 0, &r, NULL));
	EXPECT_EQ(RTM_ROUTE_STATE_CREATED, route_state(e, r));
	end = now_ms() + WAIT_MS;
	while ((state = route_state(e, r)) != RTM_ROUTE_STATE_DELETED &&
	       now_ms() < end)
		usleep(5000);
	ASSERT_EQ(RTM_ROUTE_STATE_DELETED, state)
		TH_LOG("not deleted %d ms after it expired", WAIT_MS);
	EXPECT_LE(TTL_MS / 2, now_ms() - t0);
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(e, 1, &r));

	memset(&call, 0, sizeof(call));
	call.caller = c;
	call.callee = e;
	call.method_type = 0x2;
	invoke(&call);
	EXPECT_WIN(NO_ERROR, call.status);
	EXPECT_EQ(2U, rec_at(&call, 0)->MethodType);

	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(e, 1, &nh));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(c));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(e));
}

TEST_HARNESS_MAIN
