// SPDX-License-Identifier: GPL-2.0
/*
 * Entity methods (reference sections 4.9, 7.2, 8.9, 9, 11 item 3):
 * RtmGetEntityMethods, RtmInvokeMethod and RtmBlockMethods through the
 * library, across processes, and the invocation protocol of
 * RTM_IOC_METHOD_INVOKE / RTM_IOC_METHOD_CTL driven by hand (a callee that
 * answers wrongly, twice or late, a caller that dies, signals, a full event
 * queue).
 *
 * The library callee is a forked peer whose methods count their runs in
 * memory shared with the test; one of them (GATE) can be held inside the
 * method until the test opens the gate, to act while a call runs.  Ordering
 * is checked with that shared state, the peers' pipes and the kernel's word
 * on where a thread sleeps (/proc/.../syscall), never with sleeps.  Every
 * test ends with the namespace's counters back where they started.
 */
#include <sys/mman.h>
#include <stdatomic.h>

#include "kselftest_harness.h"
#include "rtm_selftest.h"

#define INST		9
#define PROTO		0x9000

/* The methods of the library callee, by index. */
enum {
	M_ECHO,		/* the input back, or "needs InputSize" */
	M_HANDLES,	/* CallerHandle and CalleeHandle (16 bytes) */
	M_ABC,		/* "abc": 3 bytes, so the next record is padded */
	M_INFO,		/* Input->MethodType, InputSize and the room given */
	M_GREEDY,	/* reports one byte more than it was given */
	M_GATE,		/* waits at the gate when armed; "gate" */
	M_SELF,		/* invokes its own entity; the status (4 bytes) */
	NMETH,
};

#define REC_HDR		12	/* FIELD_OFFSET(RTM_ENTITY_METHOD_OUTPUT, OutputData) */
#define IN_HDR		8	/* FIELD_OFFSET(RTM_ENTITY_METHOD_INPUT, InputData) */
#define BIT(i)		(1U << (i))

/* Shared between the test and its peers (MAP_SHARED, made before fork). */
struct shared {
	atomic_uint runs[NMETH];
	atomic_uint seq;		/* a clock for ordering */
	atomic_uint seq_method;		/* the clock at the last method run */
	atomic_uint seq_resume;		/* ... when the callee resumed */
	atomic_int gate_armed;
	atomic_int gate_open;
	atomic_int at_gate;		/* GATE runs entered */
	atomic_uint self_status;	/* what M_SELF's invocation returned */
};

static struct shared *sh;

static void shared_init(void)
{
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		abort();
	memset(sh, 0, sizeof(*sh));
}

static unsigned int runs(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < NMETH; i++)
		n += atomic_load(&sh->runs[i]);
	return n;
}

/* Wait up to WAIT_MS for @cond. */
#define WAIT_FOR(cond) ({						\
	long long __end = now_ms() + WAIT_MS;				\
	bool __ok;							\
	while (!(__ok = (cond)) && now_ms() < __end)			\
		usleep(1000);						\
	__ok;								\
})

/* ------------------------------------------------------------------ */
/* The methods                                                          */
/* ------------------------------------------------------------------ */

static void ran(int i)
{
	atomic_fetch_add(&sh->runs[i], 1);
	atomic_store(&sh->seq_method, atomic_fetch_add(&sh->seq, 1) + 1);
}

static VOID WINAPI m_echo(RTM_ENTITY_HANDLE caller, RTM_ENTITY_HANDLE callee,
			  RTM_ENTITY_METHOD_INPUT *in,
			  RTM_ENTITY_METHOD_OUTPUT *out)
{
	ran(M_ECHO);
	if (in->InputSize > out->OutputSize) {
		out->OutputSize = in->InputSize;
		return;
	}
	memcpy(out->OutputData, in->InputData, in->InputSize);
	out->OutputSize = in->InputSize;
	out->MethodStatus = NO_ERROR;
}

static VOID WINAPI m_handles(RTM_ENTITY_HANDLE caller,
			     RTM_ENTITY_HANDLE callee,
			     RTM_ENTITY_METHOD_INPUT *in,
			     RTM_ENTITY_METHOD_OUTPUT *out)
{
	uint64_t h[2] = { hval(caller), hval(callee) };

	ran(M_HANDLES);
	if (out->OutputSize >= sizeof(h))
		memcpy(out->OutputData, h, sizeof(h));
	out->OutputSize = sizeof(h);
}

static VOID WINAPI m_abc(RTM_ENTITY_HANDLE caller, RTM_ENTITY_HANDLE callee,
			 RTM_ENTITY_METHOD_INPUT *in,
			 RTM_ENTITY_METHOD_OUTPUT *out)
{
	ran(M_ABC);
	if (out->OutputSize >= 3)
		memcpy(out->OutputData, "abc", 3);
	out->OutputSize = 3;
	out->MethodStatus = 0x1234;	/* any status goes back as it is */
}

static VOID WINAPI m_info(RTM_ENTITY_HANDLE caller, RTM_ENTITY_HANDLE callee,
			  RTM_ENTITY_METHOD_INPUT *in,
			  RTM_ENTITY_METHOD_OUTPUT *out)
{
	uint32_t v[3] = { in->MethodType, in->InputSize, out->OutputSize };

	ran(M_INFO);
	if (out->OutputSize >= sizeof(v))
		memcpy(out->OutputData, v, sizeof(v));
	out->OutputSize = sizeof(v);
}

static VOID WINAPI m_greedy(RTM_ENTITY_HANDLE caller,
			    RTM_ENTITY_HANDLE callee,
			    RTM_ENTITY_METHOD_INPUT *in,
			    RTM_ENTITY_METHOD_OUTPUT *out)
{
	ran(M_GREEDY);
	out->OutputSize++;
}

static VOID WINAPI m_gate(RTM_ENTITY_HANDLE caller, RTM_ENTITY_HANDLE callee,
			  RTM_ENTITY_METHOD_INPUT *in,
			  RTM_ENTITY_METHOD_OUTPUT *out)
{
	long long end = now_ms() + 3 * WAIT_MS;

	atomic_fetch_add(&sh->at_gate, 1);
	while (atomic_load(&sh->gate_armed) && !atomic_load(&sh->gate_open) &&
	       now_ms() < end)
		usleep(1000);
	ran(M_GATE);
	if (out->OutputSize >= 4)
		memcpy(out->OutputData, "gate", 4);
	out->OutputSize = 4;
}

static VOID WINAPI m_self(RTM_ENTITY_HANDLE caller, RTM_ENTITY_HANDLE callee,
			  RTM_ENTITY_METHOD_INPUT *in,
			  RTM_ENTITY_METHOD_OUTPUT *out)
{
	RTM_ENTITY_METHOD_INPUT input = { .MethodType = BIT(M_ABC) };
	unsigned char buf[64];
	UINT size = sizeof(buf);
	DWORD st;

	ran(M_SELF);
	/* On the dispatcher thread: it would wait for itself. */
	st = RtmInvokeMethod(callee, callee, &input, &size,
			     (PRTM_ENTITY_METHOD_OUTPUT)buf);
	atomic_store(&sh->self_status, st);
	if (out->OutputSize >= sizeof(st))
		memcpy(out->OutputData, &st, sizeof(st));
	out->OutputSize = sizeof(st);
}

static struct {
	UINT NumMethods;
	RTM_ENTITY_EXPORT_METHOD Methods[NMETH];
} exports = {
	.NumMethods = NMETH,
	.Methods = { m_echo, m_handles, m_abc, m_info, m_greedy, m_gate,
		     m_self },
};

/* Register @info exporting the first @n methods above. */
static DWORD reg_methods(const RTM_ENTITY_INFO *info, UINT n, bool callback,
			 RTM_ENTITY_HANDLE *h)
{
	RTM_ENTITY_INFO copy = *info;
	RTM_REGN_PROFILE profile;

	exports.NumMethods = n;
	return RtmRegisterEntity(&copy, (PRTM_ENTITY_EXPORT_METHODS)&exports,
				 callback ? ev_callback : NULL, FALSE, &profile,
				 h);
}

/* ------------------------------------------------------------------ */
/* The library callee, a peer                                           */
/* ------------------------------------------------------------------ */

enum {
	T_READY = 1,	/* peer: registered; value: the handle */
	T_BLOCK,	/* test -> peer -> test: RtmBlockMethods(BLOCK) */
	T_RESUME,	/* ... RESUME */
	T_DEREG,	/* ... RtmDeregisterEntity */
	T_QUIT,		/* test -> peer: exit */
	T_INVOKE,	/* caller peer: about to invoke / the result */
};

struct callee_arg {
	RTM_ENTITY_INFO info;
	UINT nmethods;
	bool callback;
};

static int peer_callee(int rd, int wr, void *p)
{
	struct callee_arg *a = p;
	RTM_ENTITY_HANDLE h = NULL;
	struct msg m;
	DWORD st;

	st = reg_methods(&a->info, a->nmethods, a->callback, &h);
	PEER_CHECK(msg_send(wr, T_READY, st, hval(h)) == 0);
	PEER_CHECK(st == NO_ERROR);
	for (;;) {
		if (msg_recv(rd, &m, 6 * WAIT_MS))
			return 1;
		switch (m.tag) {
		case T_BLOCK:
			st = RtmBlockMethods(h, NULL, 0, RTM_BLOCK_METHODS);
			break;
		case T_RESUME:
			atomic_store(&sh->seq_resume,
				     atomic_fetch_add(&sh->seq, 1) + 1);
			st = RtmBlockMethods(h, NULL, 0, RTM_RESUME_METHODS);
			break;
		case T_DEREG:
			st = RtmDeregisterEntity(h);
			break;
		case T_QUIT:
			return 0;
		default:
			return 1;
		}
		PEER_CHECK(msg_send(wr, m.tag, st, 0) == 0);
	}
}

/* Start a library callee exporting @n methods; its handle, or NULL. */
static RTM_ENTITY_HANDLE callee_start(struct peer *p, struct callee_arg *a,
				      ULONG id, UINT n, bool callback)
{
	struct msg m;

	a->info = entity_info(INST, AF_INET, PROTO, id);
	a->nmethods = n;
	a->callback = callback;
	if (peer_start(p, peer_callee, a))
		return NULL;
	if (msg_expect(p->rd, T_READY, &m) || m.status != NO_ERROR)
		return NULL;
	return mkhandle(m.value);
}

/* Ask the callee peer to do @tag; its status, or ~0 on a broken pipe. */
static DWORD callee_do(struct peer *p, uint32_t tag)
{
	struct msg m;

	if (msg_send(p->wr, tag, 0, 0) || msg_expect(p->rd, tag, &m))
		return ~0U;
	return m.status;
}

static void callee_quit(struct peer *p)
{
	msg_send(p->wr, T_QUIT, 0, 0);
	peer_wait(p, WAIT_MS);
}

/* ------------------------------------------------------------------ */
/* Output records                                                       */
/* ------------------------------------------------------------------ */

struct rec {
	DWORD type, status;
	UINT size;
	size_t off;
	const unsigned char *data;
};

/*
 * Split @used bytes of output into records, checking the layout: each at
 * a 4-byte aligned offset right after the previous one, the last ending at
 * @used.  The number of records, or -1 if the layout is wrong.
 */
static int parse(const unsigned char *buf, UINT used, struct rec *r, int max)
{
	size_t off = 0, end = 0;
	int n = 0;

	while (off + REC_HDR <= used && n < max) {
		memcpy(&r[n].type, buf + off, 4);
		memcpy(&r[n].status, buf + off + 4, 4);
		memcpy(&r[n].size, buf + off + 8, 4);
		r[n].off = off;
		r[n].data = buf + off + REC_HDR;
		end = off + REC_HDR + r[n].size;
		if (end > used)
			return -1;
		n++;
		off = (end + 3) & ~(size_t)3;
	}
	return end == used ? n : -1;
}

/* An input of @len bytes of @data, for RtmInvokeMethod. */
static RTM_ENTITY_METHOD_INPUT *make_input(DWORD type, const void *data,
					   UINT len)
{
	RTM_ENTITY_METHOD_INPUT *in = calloc(1, IN_HDR + len + 4);

	if (!in)
		abort();
	in->MethodType = type;
	in->InputSize = len;
	memcpy(in->InputData, data, len);
	return in;
}

/* ------------------------------------------------------------------ */
/* An invocation on a thread of the test                                */
/* ------------------------------------------------------------------ */

struct invoker {
	pthread_t thread;
	RTM_ENTITY_HANDLE h, callee;
	RTM_ENTITY_METHOD_INPUT *in;
	unsigned char out[4096];
	UINT size;
	DWORD status;
	atomic_int tid;
	atomic_int done;
};

static void *invoker_main(void *p)
{
	struct invoker *v = p;

	atomic_store(&v->tid, (int)syscall(SYS_gettid));
	v->status = RtmInvokeMethod(v->h, v->callee, v->in, &v->size,
				    (PRTM_ENTITY_METHOD_OUTPUT)v->out);
	atomic_store(&v->done, 1);
	return NULL;
}

static int invoker_start(struct invoker *v, RTM_ENTITY_HANDLE h,
			 RTM_ENTITY_HANDLE callee, DWORD type)
{
	memset(v, 0, sizeof(*v));
	v->h = h;
	v->callee = callee;
	v->in = make_input(type, "in", 2);
	v->size = sizeof(v->out);
	return pthread_create(&v->thread, NULL, invoker_main, v);
}

static void invoker_join(struct invoker *v)
{
	pthread_join(v->thread, NULL);
	free(v->in);
}

/*
 * Whether thread @tid of process @pid sleeps in an ioctl: it is in the
 * kernel's wait for its call (or its block), not before or after it.
 */
static bool asleep_in_ioctl(pid_t pid, pid_t tid)
{
	char path[128], buf[256], *p;
	long nr = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", pid, tid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fscanf(f, "%ld", &nr) != 1)
		nr = -1;
	fclose(f);
	if (nr != SYS_ioctl)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	f = fopen(path, "r");
	if (!f)
		return false;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p && p[1] == ' ' && p[2] == 'S';
}

#define THREAD_ASLEEP(v)						\
	WAIT_FOR(atomic_load(&(v)->tid) &&				\
		 asleep_in_ioctl(getpid(), atomic_load(&(v)->tid)))

/* The test's own registration, without methods or callback. */
static RTM_ENTITY_HANDLE caller_reg(ULONG id)
{
	RTM_ENTITY_INFO info = entity_info(INST, AF_INET, PROTO, id);
	RTM_ENTITY_HANDLE h = NULL;

	return reg(&info, NULL, &h) == NO_ERROR ? h : NULL;
}

/* ------------------------------------------------------------------ */
/* RtmGetEntityMethods                                                  */
/* ------------------------------------------------------------------ */

TEST(get_entity_methods)
{
	RTM_ENTITY_EXPORT_METHOD m[NMETH + 3];
	RTM_ENTITY_HANDLE h, plain, other, gone;
	RTM_ENTITY_INFO info;
	struct rtm_stats base, now;
	UINT n, i, j;

	REQUIRE_RTM();
	shared_init();
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	info = entity_info(INST, AF_INET, PROTO, 1);
	ASSERT_WIN(NO_ERROR, reg_methods(&info, NMETH, false, &h));
	plain = caller_reg(2);
	ASSERT_NE(NULL, plain);

	/* The count alone: NO_ERROR, from any entity, the callee too. */
	n = 0;
	EXPECT_WIN(NO_ERROR, RtmGetEntityMethods(plain, h, &n, NULL));
	EXPECT_EQ((UINT)NMETH, n);
	n = 0;
	EXPECT_WIN(NO_ERROR, RtmGetEntityMethods(h, h, &n, NULL));
	EXPECT_EQ((UINT)NMETH, n);
	n = 0;
	EXPECT_WIN(NO_ERROR, RtmGetEntityMethods(h, plain, &n, NULL));
	EXPECT_EQ(0U, n);

	/* Exactly enough, and more than enough: distinct non-NULL tokens. */
	for (j = 0; j < 2; j++) {
		memset(m, 0x5a, sizeof(m));
		n = j ? NMETH + 3 : NMETH;
		EXPECT_WIN(NO_ERROR, RtmGetEntityMethods(plain, h, &n, m));
		EXPECT_EQ((UINT)NMETH, n);
		for (i = 0; i < NMETH; i++) {
			EXPECT_EQ((uintptr_t)(i + 1), (uintptr_t)m[i]);
			EXPECT_NE((uintptr_t)exports.Methods[i],
				  (uintptr_t)m[i]);
		}
		for (; i < NMETH + 3 && j; i++)
			EXPECT_EQ(0x5a5a5a5a5a5a5a5aULL, (uintptr_t)m[i])
				TH_LOG("entry %u written", i);
	}

	/* Short: what fits, and the total. */
	memset(m, 0x5a, sizeof(m));
	n = 3;
	EXPECT_WIN(ERROR_INSUFFICIENT_BUFFER,
		   RtmGetEntityMethods(plain, h, &n, m));
	EXPECT_EQ((UINT)NMETH, n);
	for (i = 0; i < 3; i++)
		EXPECT_EQ((uintptr_t)(i + 1), (uintptr_t)m[i]);
	EXPECT_EQ(0x5a5a5a5a5a5a5a5aULL, (uintptr_t)m[3]);

	/* Bad arguments and handles. */
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetEntityMethods(plain, h, NULL, m));
	n = 2;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetEntityMethods(plain, h, &n, NULL));
	n = 0;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetEntityMethods(plain, NULL, &n, NULL));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetEntityMethods(NULL, h, &n, NULL));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetEntityMethods(plain, handle_with_kind(h, 2), &n,
				       NULL));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetEntityMethods(plain, mkhandle(hval(h) + 1000000), &n,
				       NULL));

	/* An entity of another table is not visible. */
	info = entity_info(INST + 1, AF_INET, PROTO, 1);
	ASSERT_WIN(NO_ERROR, reg_methods(&info, 2, false, &other));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetEntityMethods(plain, other, &n, NULL));

	/* Stale: deregistered. */
	info = entity_info(INST, AF_INET, PROTO, 3);
	ASSERT_WIN(NO_ERROR, reg_methods(&info, 2, false, &gone));
	EXPECT_WIN(NO_ERROR, RtmGetEntityMethods(plain, gone, &n, NULL));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(gone));
	n = 0;
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetEntityMethods(plain, gone, &n, NULL));

	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(other));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(plain));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(h));
	EXPECT_TRUE(stats_settle(&base, &now, WAIT_MS));
}

/* ------------------------------------------------------------------ */
/* RtmInvokeMethod across processes                                     */
/* ------------------------------------------------------------------ */

FIXTURE(cross) {
	struct peer p;
	struct callee_arg a;
	RTM_ENTITY_HANDLE callee;
	RTM_ENTITY_HANDLE h;		/* the test's caller entity */
	struct rtm_stats base;
};

FIXTURE_SETUP(cross)
{
	self->p.pid = 0;
	self->h = NULL;
	if (!rtm_present() || cap_effective(CAP_NET_ADMIN) != 1)
		return;
	shared_init();
	ASSERT_EQ(0, read_stats_steady(&self->base, WAIT_MS));
	/* The peer first: a fork must not copy a registration's locks. */
	self->callee = callee_start(&self->p, &self->a, 1, NMETH, true);
	ASSERT_NE(NULL, self->callee);
	self->h = caller_reg(2);
	ASSERT_NE(NULL, self->h);
}

FIXTURE_TEARDOWN(cross)
{
	struct rtm_stats now;

	if (self->h)
		EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(self->h));
	if (self->p.pid > 0) {
		atomic_store(&sh->gate_open, 1);
		callee_quit(&self->p);
	}
	if (sh)
		EXPECT_TRUE(stats_settle(&self->base, &now, WAIT_MS))
			TH_LOG("entities %ld handles %ld holds %ld, were %ld %ld %ld",
			       now.entities, now.handles, now.holds,
			       self->base.entities, self->base.handles,
			       self->base.holds);
}

TEST_F(cross, all_methods)
{
	static const char text[] = "hello, callee";
	RTM_ENTITY_METHOD_INPUT *in;
	unsigned char out[1024];
	struct rec r[NMETH + 1];
	UINT size = sizeof(out), room;
	uint64_t handles[2];
	uint32_t info[3];
	int n, i;

	REQUIRE_RTM();
	in = make_input(METHOD_TYPE_ALL_METHODS, text, sizeof(text));
	memset(out, 0xee, sizeof(out));
	ASSERT_WIN(NO_ERROR, RtmInvokeMethod(self->h, self->callee, in, &size,
					     (PRTM_ENTITY_METHOD_OUTPUT)out));
	n = parse(out, size, r, NMETH + 1);
	ASSERT_EQ(NMETH, n) TH_LOG("output of %u bytes", size);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(BIT(i), r[i].type);
		EXPECT_EQ(1U, atomic_load(&sh->runs[i])) TH_LOG("method %d", i);
	}

	EXPECT_WIN(NO_ERROR, r[M_ECHO].status);
	ASSERT_EQ(sizeof(text), r[M_ECHO].size);
	EXPECT_EQ(0, memcmp(r[M_ECHO].data, text, sizeof(text)));

	ASSERT_EQ(sizeof(handles), r[M_HANDLES].size);
	memcpy(handles, r[M_HANDLES].data, sizeof(handles));
	EXPECT_EQ(hval(self->h), handles[0]) TH_LOG("CallerHandle");
	EXPECT_EQ(hval(self->callee), handles[1]) TH_LOG("CalleeHandle");

	EXPECT_EQ(0x1234U, r[M_ABC].status);
	ASSERT_EQ(3U, r[M_ABC].size);
	EXPECT_EQ(0, memcmp(r[M_ABC].data, "abc", 3));
	/* The next record starts at the next multiple of 4, padding zeroed. */
	EXPECT_EQ(r[M_ABC].off + 16, r[M_INFO].off);
	EXPECT_EQ(0, out[r[M_ABC].off + REC_HDR + 3]);

	/* Every method gets the caller's input and all the room left. */
	ASSERT_EQ(sizeof(info), r[M_INFO].size);
	memcpy(info, r[M_INFO].data, sizeof(info));
	EXPECT_EQ(METHOD_TYPE_ALL_METHODS, info[0]);
	EXPECT_EQ(sizeof(text), info[1]);
	room = sizeof(out) - r[M_INFO].off - REC_HDR;
	EXPECT_EQ(room, info[2]);

	/* Claiming more than it was given empties the record. */
	EXPECT_WIN(ERROR_INSUFFICIENT_BUFFER, r[M_GREEDY].status);
	EXPECT_EQ(0U, r[M_GREEDY].size);

	/* The callee invoking itself from its dispatcher is refused. */
	EXPECT_WIN(ERROR_INVALID_PARAMETER, atomic_load(&sh->self_status));

	/* Nothing written past the bytes used. */
	EXPECT_EQ(0xee, out[size]);
	free(in);
}

TEST_F(cross, masks)
{
	RTM_ENTITY_METHOD_INPUT *in;
	unsigned char out[512];
	struct rec r[NMETH];
	UINT size;
	int n;

	REQUIRE_RTM();
	/* Methods 0 and 2 only, in bit order. */
	in = make_input(BIT(M_ABC) | BIT(M_ECHO), "xy", 2);
	size = sizeof(out);
	ASSERT_WIN(NO_ERROR, RtmInvokeMethod(self->h, self->callee, in, &size,
					     (PRTM_ENTITY_METHOD_OUTPUT)out));
	n = parse(out, size, r, NMETH);
	ASSERT_EQ(2, n);
	EXPECT_EQ(BIT(M_ECHO), r[0].type);
	EXPECT_EQ(BIT(M_ABC), r[1].type);
	EXPECT_EQ(2U, runs());
	free(in);

	/* Bits beyond the callee's methods are ignored. */
	in = make_input(BIT(M_HANDLES) | BIT(NMETH) | BIT(31), "", 0);
	size = sizeof(out);
	ASSERT_WIN(NO_ERROR, RtmInvokeMethod(self->h, self->callee, in, &size,
					     (PRTM_ENTITY_METHOD_OUTPUT)out));
	n = parse(out, size, r, NMETH);
	ASSERT_EQ(1, n);
	EXPECT_EQ(BIT(M_HANDLES), r[0].type);
	EXPECT_EQ(3U, runs());
	free(in);

	/* Only such bits, or none: nothing runs, no output. */
	in = make_input(~(BIT(NMETH) - 1), "", 0);
	size = sizeof(out);
	EXPECT_WIN(NO_ERROR, RtmInvokeMethod(self->h, self->callee, in, &size,
					     (PRTM_ENTITY_METHOD_OUTPUT)out));
	EXPECT_EQ(0U, size);
	in->MethodType = 0;
	size = sizeof(out);
	EXPECT_WIN(NO_ERROR, RtmInvokeMethod(self->h, self->callee, in, &size,
					     (PRTM_ENTITY_METHOD_OUTPUT)out));
	EXPECT_EQ(0U, size);
	EXPECT_EQ(3U, runs());
	free(in);
}

TEST_F(cross, small_output)
{
	RTM_ENTITY_METHOD_INPUT *in;
	unsigned char out[256];
	struct rec r[NMETH];
	UINT size;
	int n;

	REQUIRE_RTM();
	/* Room for ECHO's record and one byte: HANDLES does not run. */
	in = make_input(BIT(M_ECHO) | BIT(M_HANDLES), "0123456789a", 11);
	size = REC_HDR + 11 + 1;
	memset(out, 0xee, sizeof(out));
	EXPECT_WIN(ERROR_INSUFFICIENT_BUFFER,
		   RtmInvokeMethod(self->h, self->callee, in, &size,
				   (PRTM_ENTITY_METHOD_OUTPUT)out));
	EXPECT_EQ((UINT)(REC_HDR + 11), size);
	n = parse(out, size, r, NMETH);
	ASSERT_EQ(1, n);
	EXPECT_EQ(BIT(M_ECHO), r[0].type);
	EXPECT_EQ(0, memcmp(r[0].data, "0123456789a", 11));
	EXPECT_EQ(0xee, out[REC_HDR + 11]);
	EXPECT_EQ(1U, atomic_load(&sh->runs[M_ECHO]));
	EXPECT_EQ(0U, atomic_load(&sh->runs[M_HANDLES]));

	/* Room for HANDLES' header but not its data: it says so. */
	size = REC_HDR + 12 + REC_HDR + 8;
	EXPECT_WIN(NO_ERROR, RtmInvokeMethod(self->h, self->callee, in, &size,
					     (PRTM_ENTITY_METHOD_OUTPUT)out));
	n = parse(out, size, r, NMETH);
	ASSERT_EQ(2, n);
	EXPECT_WIN(NO_ERROR, r[0].status);
	EXPECT_EQ(BIT(M_HANDLES), r[1].type);
	EXPECT_WIN(ERROR_INSUFFICIENT_BUFFER, r[1].status);
	EXPECT_EQ(0U, r[1].size);

	/* No room at all: nothing runs. */
	size = 0;
	EXPECT_WIN(ERROR_INSUFFICIENT_BUFFER,
		   RtmInvokeMethod(self->h, self->callee, in, &size, NULL));
	EXPECT_EQ(0U, size);
	size = REC_HDR - 1;
	EXPECT_WIN(ERROR_INSUFFICIENT_BUFFER,
		   RtmInvokeMethod(self->h, self->callee, in, &size,
				   (PRTM_ENTITY_METHOD_OUTPUT)out));
	EXPECT_EQ(0U, size);
	EXPECT_EQ(2U, atomic_load(&sh->runs[M_ECHO]));

	/* Room without a buffer, and missing arguments. */
	size = 16;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmInvokeMethod(self->h, self->callee, in, &size, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmInvokeMethod(self->h, self->callee, in, NULL,
				   (PRTM_ENTITY_METHOD_OUTPUT)out));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmInvokeMethod(self->h, self->callee, NULL, &size,
				   (PRTM_ENTITY_METHOD_OUTPUT)out));
	free(in);
}

TEST_F(cross, input_data)
{
	long max_in = module_param("max_method_input");
	long max_out = module_param("max_method_output");
	RTM_ENTITY_METHOD_INPUT *in;
	unsigned char *big, *out;
	struct rec r[2];
	uint32_t info[3];
	UINT size, len, i;

	REQUIRE_RTM();
	ASSERT_LT(REC_HDR, max_in);
	ASSERT_LT(REC_HDR, max_out);
	big = malloc(max_in + 1);
	out = malloc(max_out + 64);
	ASSERT_NE(NULL, big);
	ASSERT_NE(NULL, out);
	for (i = 0; i < max_in + 1; i++)
		big[i] = (unsigned char)(i * 7 + i / 251);

	/* The largest input whose echo fits the output comes back intact. */
	len = max_in < max_out - REC_HDR ? max_in : max_out - REC_HDR;
	in = make_input(BIT(M_ECHO), big, len);
	size = max_out + 64;	/* the kernel gives max_out at most */
	ASSERT_WIN(NO_ERROR, RtmInvokeMethod(self->h, self->callee, in, &size,
					     (PRTM_ENTITY_METHOD_OUTPUT)out));
	ASSERT_EQ(1, parse(out, size, r, 2));
	ASSERT_EQ(len, r[0].size);
	EXPECT_EQ(0, memcmp(r[0].data, big, len));
	free(in);

	/* The largest input is accepted, and all of the output room used. */
	in = make_input(BIT(M_INFO), big, max_in);
	size = max_out + 64;
	ASSERT_WIN(NO_ERROR, RtmInvokeMethod(self->h, self->callee, in, &size,
					     (PRTM_ENTITY_METHOD_OUTPUT)out));
	ASSERT_EQ(1, parse(out, size, r, 2));
	memcpy(info, r[0].data, sizeof(info));
	EXPECT_EQ((uint32_t)max_in, info[1]);
	EXPECT_EQ((uint32_t)max_out - REC_HDR, info[2]);
	free(in);

	/* One byte more is refused before anything runs. */
	in = make_input(BIT(M_ECHO), big, max_in + 1);
	size = max_out;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmInvokeMethod(self->h, self->callee, in, &size,
				   (PRTM_ENTITY_METHOD_OUTPUT)out));
	EXPECT_EQ(2U, runs());
	free(in);
	free(big);
	free(out);
}

TEST_F(cross, bad_handles)
{
	RTM_ENTITY_METHOD_INPUT *in = make_input(BIT(M_ABC), "", 0);
	unsigned char out[64];
	UINT size = sizeof(out);

	REQUIRE_RTM();
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmInvokeMethod(NULL, self->callee, in, &size,
				   (PRTM_ENTITY_METHOD_OUTPUT)out));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmInvokeMethod(self->h, NULL, in, &size,
				   (PRTM_ENTITY_METHOD_OUTPUT)out));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmInvokeMethod(self->h, handle_with_kind(self->callee, 3),
				   in, &size, (PRTM_ENTITY_METHOD_OUTPUT)out));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmInvokeMethod(self->h, mkhandle(hval(self->callee) + 99999),
				   in, &size, (PRTM_ENTITY_METHOD_OUTPUT)out));
	EXPECT_EQ(0U, runs());

	/* Once the callee has gone, its handle is stale. */
	EXPECT_WIN(NO_ERROR, callee_do(&self->p, T_DEREG));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmInvokeMethod(self->h, self->callee, in, &size,
				   (PRTM_ENTITY_METHOD_OUTPUT)out));
	free(in);
}

TEST_F(cross, no_callback)
{
	RTM_ENTITY_METHOD_INPUT *in = make_input(BIT(M_ABC), "", 0);
	RTM_ENTITY_HANDLE mute;
	unsigned char out[64];
	struct peer p2;
	struct callee_arg a2;
	UINT size = sizeof(out);

	REQUIRE_RTM();
	mute = callee_start(&p2, &a2, 3, NMETH, false);
	ASSERT_NE(NULL, mute);
	/*
	 * Without a callback its methods run all the same, in its process
	 * (method_nocb_test has the documentation's example).
	 */
	EXPECT_WIN(NO_ERROR, RtmInvokeMethod(self->h, mute, in, &size,
					     (PRTM_ENTITY_METHOD_OUTPUT)out));
	EXPECT_EQ(REC_HDR + 3U, size);
	EXPECT_EQ(1U, runs());
	/* Nothing to run is fine too. */
	in->MethodType = BIT(NMETH);
	size = sizeof(out);
	EXPECT_WIN(NO_ERROR, RtmInvokeMethod(self->h, mute, in, &size,
					     (PRTM_ENTITY_METHOD_OUTPUT)out));
	EXPECT_EQ(0U, size);
	EXPECT_EQ(1U, runs());
	callee_quit(&p2);
	free(in);
}

/* The callee deregisters while a call runs and another waits. */
TEST_F(cross, callee_deregisters)
{
	struct invoker v1, v2;
	struct msg m;

	REQUIRE_RTM();
	atomic_store(&sh->gate_armed, 1);
	ASSERT_EQ(0, invoker_start(&v1, self->h, self->callee, BIT(M_GATE)));
	ASSERT_TRUE(WAIT_FOR(atomic_load(&sh->at_gate) == 1));
	ASSERT_EQ(0, invoker_start(&v2, self->h, self->callee, BIT(M_ABC)));
	ASSERT_TRUE(THREAD_ASLEEP(&v2));

	/* It deregisters with GATE still running: both callers fail. */
	ASSERT_EQ(0, msg_send(self->p.wr, T_DEREG, 0, 0));
	EXPECT_TRUE(WAIT_FOR(atomic_load(&v1.done) && atomic_load(&v2.done)));
	EXPECT_EQ(0U, atomic_load(&sh->runs[M_GATE]));
	EXPECT_EQ(0U, atomic_load(&sh->runs[M_ABC]));

	/* Its deregistration waits for the dispatcher, still in GATE. */
	atomic_store(&sh->gate_open, 1);
	invoker_join(&v1);
	invoker_join(&v2);
	EXPECT_WIN(ERROR_INVALID_HANDLE, v1.status);
	EXPECT_WIN(ERROR_INVALID_HANDLE, v2.status);
	ASSERT_EQ(0, msg_expect(self->p.rd, T_DEREG, &m));
	EXPECT_WIN(NO_ERROR, m.status);
	/* GATE went on to the end, but its answer found nobody. */
	EXPECT_EQ(1U, atomic_load(&sh->runs[M_GATE]));
}

/* The callee's process dies while a call runs. */
TEST_F(cross, callee_killed)
{
	struct invoker v;

	REQUIRE_RTM();
	atomic_store(&sh->gate_armed, 1);
	ASSERT_EQ(0, invoker_start(&v, self->h, self->callee, BIT(M_GATE)));
	ASSERT_TRUE(WAIT_FOR(atomic_load(&sh->at_gate) == 1));
	peer_kill(&self->p);
	invoker_join(&v);
	EXPECT_WIN(ERROR_INVALID_HANDLE, v.status);
	EXPECT_EQ(0U, atomic_load(&sh->runs[M_GATE]));
}

/* The caller deregisters while its call waits: it is cancelled. */
TEST_F(cross, caller_deregisters)
{
	struct invoker v;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, callee_do(&self->p, T_BLOCK));
	ASSERT_EQ(0, invoker_start(&v, self->h, self->callee, BIT(M_ABC)));
	ASSERT_TRUE(THREAD_ASLEEP(&v));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(self->h));
	self->h = NULL;
	invoker_join(&v);
	EXPECT_WIN(ERROR_INVALID_HANDLE, v.status);
	/* Resumed, the callee has nothing to run. */
	EXPECT_WIN(NO_ERROR, callee_do(&self->p, T_RESUME));
	EXPECT_EQ(0U, runs());
}

/* ------------------------------------------------------------------ */
/* RtmBlockMethods                                                      */
/* ------------------------------------------------------------------ */

TEST_F(cross, block_until_resumed)
{
	struct invoker v[3];
	struct rec r[2];
	int i;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, callee_do(&self->p, T_BLOCK));
	/* Blocking twice is blocking. */
	ASSERT_WIN(NO_ERROR, callee_do(&self->p, T_BLOCK));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, invoker_start(&v[i], self->h, self->callee,
					   BIT(M_ECHO)));
		ASSERT_TRUE(THREAD_ASLEEP(&v[i]));
	}
	/* All three wait in the kernel; then the callee resumes. */
	EXPECT_EQ(0U, runs());
	EXPECT_WIN(NO_ERROR, callee_do(&self->p, T_RESUME));
	for (i = 0; i < 3; i++) {
		invoker_join(&v[i]);
		EXPECT_WIN(NO_ERROR, v[i].status);
		ASSERT_EQ(1, parse(v[i].out, v[i].size, r, 2));
		EXPECT_EQ(0, memcmp(r[0].data, "in", 2));
	}
	EXPECT_EQ(3U, atomic_load(&sh->runs[M_ECHO]));
	/* The methods ran after the resume, by the shared clock. */
	EXPECT_LT(atomic_load(&sh->seq_resume), atomic_load(&sh->seq_method));

	/* Resuming what is not blocked is fine. */
	EXPECT_WIN(NO_ERROR, callee_do(&self->p, T_RESUME));
}

TEST(block_arguments)
{
	RTM_ENTITY_HANDLE h;
	struct rtm_stats base, now;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	h = caller_reg(20);
	ASSERT_NE(NULL, h);
	EXPECT_WIN(NO_ERROR, RtmBlockMethods(h, NULL, 0, RTM_BLOCK_METHODS));
	EXPECT_WIN(NO_ERROR, RtmBlockMethods(h, NULL, 0, RTM_RESUME_METHODS));
	/* TargetType means nothing without a target. */
	EXPECT_WIN(NO_ERROR, RtmBlockMethods(h, NULL, ROUTE_TYPE,
					     RTM_BLOCK_METHODS));
	EXPECT_WIN(NO_ERROR, RtmBlockMethods(h, NULL, 0, RTM_RESUME_METHODS));
	/* Per-target blocking is not supported, whatever the target. */
	EXPECT_WIN(ERROR_NOT_SUPPORTED,
		   RtmBlockMethods(h, h, DEST_TYPE, RTM_BLOCK_METHODS));
	EXPECT_WIN(ERROR_NOT_SUPPORTED,
		   RtmBlockMethods(h, mkhandle(2), ROUTE_TYPE,
				   RTM_BLOCK_METHODS));
	EXPECT_WIN(ERROR_NOT_SUPPORTED,
		   RtmBlockMethods(h, h, NEXTHOP_TYPE, RTM_RESUME_METHODS));
	/* Other flags. */
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmBlockMethods(h, NULL, 0, 2));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmBlockMethods(h, NULL, 0, 0xFFFFFFFF));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmBlockMethods(NULL, NULL, 0, RTM_BLOCK_METHODS));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(h));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmBlockMethods(h, NULL, 0, RTM_BLOCK_METHODS));
	EXPECT_TRUE(stats_settle(&base, &now, WAIT_MS));
}

/* ------------------------------------------------------------------ */
/* Signals                                                              */
/* ------------------------------------------------------------------ */

static atomic_int signals;

static void on_signal(int sig)
{
	atomic_fetch_add(&signals, 1);
}

static void set_handler(bool restart)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

/* Signal the invoker @n times, each once it is back asleep. */
static bool pester(struct invoker *v, int n)
{
	int i, before;

	for (i = 0; i < n; i++) {
		if (!THREAD_ASLEEP(v))
			return false;
		before = atomic_load(&signals);
		pthread_kill(v->thread, SIGUSR1);
		if (!WAIT_FOR(atomic_load(&signals) > before))
			return false;
	}
	return THREAD_ASLEEP(v);
}

/* Signals while the methods run: they run once, the answer comes back. */
TEST_F(cross, signals_while_running)
{
	struct invoker v;
	struct rec r[2];
	int restart;

	REQUIRE_RTM();
	for (restart = 0; restart < 2; restart++) {
		set_handler(restart);
		atomic_store(&sh->gate_armed, 1);
		atomic_store(&sh->gate_open, 0);
		atomic_store(&sh->at_gate, 0);
		ASSERT_EQ(0, invoker_start(&v, self->h, self->callee,
					   BIT(M_GATE)));
		ASSERT_TRUE(WAIT_FOR(atomic_load(&sh->at_gate) == 1));
		EXPECT_TRUE(pester(&v, 5));
		atomic_store(&sh->gate_open, 1);
		invoker_join(&v);
		EXPECT_WIN(NO_ERROR, v.status);
		ASSERT_EQ(1, parse(v.out, v.size, r, 2));
		EXPECT_EQ(0, memcmp(r[0].data, "gate", 4));
		EXPECT_EQ(1, atomic_load(&sh->at_gate));
		EXPECT_EQ(restart + 1U, atomic_load(&sh->runs[M_GATE]));
	}
}

/* Signals while the call waits for a blocked callee: it runs once. */
TEST_F(cross, signals_while_blocked)
{
	struct invoker v;
	int restart;

	REQUIRE_RTM();
	for (restart = 0; restart < 2; restart++) {
		set_handler(restart);
		ASSERT_WIN(NO_ERROR, callee_do(&self->p, T_BLOCK));
		ASSERT_EQ(0, invoker_start(&v, self->h, self->callee,
					   BIT(M_ECHO)));
		EXPECT_TRUE(pester(&v, 5));
		EXPECT_WIN(NO_ERROR, callee_do(&self->p, T_RESUME));
		invoker_join(&v);
		EXPECT_WIN(NO_ERROR, v.status);
		EXPECT_EQ(restart + 1U, atomic_load(&sh->runs[M_ECHO]));
	}
}

/* ------------------------------------------------------------------ */
/* Invoking oneself                                                     */
/* ------------------------------------------------------------------ */

TEST(self_invoke)
{
	RTM_ENTITY_METHOD_INPUT *in;
	RTM_ENTITY_HANDLE h;
	RTM_ENTITY_INFO info;
	unsigned char out[256];
	struct rtm_stats base, now;
	uint64_t handles[2];
	struct rec r[NMETH];
	DWORD st;
	UINT size = sizeof(out);

	REQUIRE_RTM();
	shared_init();
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	info = entity_info(INST, AF_INET, PROTO, 30);
	ASSERT_WIN(NO_ERROR, reg_methods(&info, NMETH, true, &h));

	/* From a thread of its own process: through its dispatcher. */
	in = make_input(BIT(M_HANDLES) | BIT(M_SELF), "", 0);
	ASSERT_WIN(NO_ERROR, RtmInvokeMethod(h, h, in, &size,
					     (PRTM_ENTITY_METHOD_OUTPUT)out));
	ASSERT_EQ(2, parse(out, size, r, NMETH));
	memcpy(handles, r[0].data, sizeof(handles));
	EXPECT_EQ(hval(h), handles[0]);
	EXPECT_EQ(hval(h), handles[1]);
	/* From its dispatcher (inside a method): refused, not a deadlock. */
	memcpy(&st, r[1].data, sizeof(st));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, st);
	EXPECT_EQ(0U, atomic_load(&sh->runs[M_ABC]));

	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(h));
	EXPECT_TRUE(stats_settle(&base, &now, WAIT_MS));
	free(in);
}

/* ------------------------------------------------------------------ */
/* The protocol by hand                                                 */
/* ------------------------------------------------------------------ */

/* A raw registration on @fd; 0 or -errno. */
static int raw_reg(int fd, ULONG id, uint32_t flags, uint32_t nmethods,
		   uint64_t *handle)
{
	return raw_register_methods(fd, INST, AF_INET, PROTO, id, flags,
				    nmethods, handle);
}

/*
 * The next RTM_EVENT_METHOD_INVOKE on @fd within @ms (others are
 * skipped); 0, or -ETIMEDOUT.
 */
static int next_invoke(int fd, struct rtm_event *ev, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long long end = now_ms() + ms;
	ssize_t n;

	for (;;) {
		if (poll(&p, 1, (int)(end - now_ms() > 0 ? end - now_ms() : 0)) <= 0)
			return -ETIMEDOUT;
		n = read(fd, ev, sizeof(*ev));
		if (n != (ssize_t)sizeof(*ev))
			return -EIO;
		if (ev->type == RTM_EVENT_METHOD_INVOKE)
			return 0;
	}
}

static int ctl(int fd, uint32_t op, struct rtm_method_ctl *c)
{
	c->size = sizeof(*c);
	c->op = op;
	return rtm_ioctl(fd, RTM_IOC_METHOD_CTL, c);
}

static int fetch(int fd, uint64_t cookie, void *in, uint32_t room,
		 struct rtm_method_ctl *c)
{
	memset(c, 0, sizeof(*c));
	c->cookie = cookie;
	c->input = (uintptr_t)in;
	c->input_size = room;
	return ctl(fd, RTM_METHOD_FETCH, c);
}

static int answer(int fd, uint64_t cookie, uint32_t flags, const void *out,
		  uint32_t size)
{
	struct rtm_method_ctl c;

	memset(&c, 0, sizeof(c));
	c.cookie = cookie;
	c.flags = flags;
	c.output = (uintptr_t)out;
	c.output_size = size;
	return ctl(fd, RTM_METHOD_REPLY, &c);
}

FIXTURE(raw) {
	int fd;			/* the callee, by hand */
	uint64_t callee;
	RTM_ENTITY_HANDLE h;	/* a caller through the library */
	struct rtm_stats base;
	bool up;
};

FIXTURE_SETUP(raw)
{
	self->fd = -1;
	self->h = NULL;
	self->up = false;
	if (!rtm_present() || cap_effective(CAP_NET_ADMIN) != 1)
		return;
	ASSERT_EQ(0, read_stats_steady(&self->base, WAIT_MS));
	self->fd = rtm_open();
	ASSERT_LE(0, self->fd);
	ASSERT_ERRNO(0, raw_reg(self->fd, 40, RTM_REGISTER_EVENTS, 3,
				&self->callee));
	self->h = caller_reg(41);
	ASSERT_NE(NULL, self->h);
	self->up = true;
}

FIXTURE_TEARDOWN(raw)
{
	struct rtm_stats now;

	if (self->h)
		EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(self->h));
	if (self->fd >= 0)
		close(self->fd);
	if (self->up)
		EXPECT_TRUE(stats_settle(&self->base, &now, WAIT_MS))
			TH_LOG("entities %ld handles %ld holds %ld, want %ld %ld %ld",
			       now.entities, now.handles, now.holds,
			       self->base.entities, self->base.handles,
			       self->base.holds);
}

TEST_F(raw, protocol)
{
	static const char reply[] = "0123456789";
	unsigned char in[64];
	struct rtm_method_ctl c;
	struct rtm_event ev;
	struct invoker v;

	REQUIRE_RTM();
	ASSERT_EQ(0, invoker_start(&v, self->h, mkhandle(self->callee),
				   0xFFFFFFFF));
	ASSERT_EQ(0, next_invoke(self->fd, &ev, WAIT_MS));
	EXPECT_EQ(hval(self->h), ev.handle);
	EXPECT_EQ(2U, ev.context);
	EXPECT_NE(0U, ev.cookie);

	/* Too little room for the input: the size needed, still queued. */
	EXPECT_ERRNO(-ENOSPC, fetch(self->fd, ev.cookie, in, 1, &c));
	EXPECT_EQ(2U, c.input_size);
	EXPECT_ERRNO(-EBADF, fetch(self->fd, ev.cookie + 1, in, 64, &c));
	EXPECT_ERRNO(-EBADF, answer(self->fd, ev.cookie, 0, NULL, 0))
		TH_LOG("an answer before it was taken");

	ASSERT_ERRNO(0, fetch(self->fd, ev.cookie, in, sizeof(in), &c));
	EXPECT_EQ(hval(self->h), c.caller);
	EXPECT_EQ(0xFFFFFFFFU, c.method_type);
	EXPECT_EQ(2U, c.input_size);
	EXPECT_EQ(0, memcmp(in, "in", 2));
	EXPECT_EQ(sizeof(v.out), c.output_size);
	/* Taken once only. */
	EXPECT_ERRNO(-EBADF, fetch(self->fd, ev.cookie, in, sizeof(in), &c));

	/* More than the caller has room for; a wrong cookie. */
	EXPECT_ERRNO(-EINVAL, answer(self->fd, ev.cookie, 0, reply,
				     sizeof(v.out) + 1));
	EXPECT_ERRNO(-EBADF, answer(self->fd, ev.cookie + 1, 0, reply,
				    sizeof(reply)));
	EXPECT_ERRNO(-EINVAL, answer(self->fd, ev.cookie, 4, reply,
				     sizeof(reply)));
	EXPECT_EQ(0, atomic_load(&v.done));

	ASSERT_ERRNO(0, answer(self->fd, ev.cookie, 0, reply, sizeof(reply)));
	invoker_join(&v);
	EXPECT_WIN(NO_ERROR, v.status);
	EXPECT_EQ(sizeof(reply), v.size);
	EXPECT_EQ(0, memcmp(v.out, reply, sizeof(reply)));
	/* Twice. */
	EXPECT_ERRNO(-EBADF, answer(self->fd, ev.cookie, 0, reply,
				    sizeof(reply)));

	/* TRUNCATED: the output and ERROR_INSUFFICIENT_BUFFER. */
	ASSERT_EQ(0, invoker_start(&v, self->h, mkhandle(self->callee), 1));
	ASSERT_EQ(0, next_invoke(self->fd, &ev, WAIT_MS));
	ASSERT_ERRNO(0, fetch(self->fd, ev.cookie, in, sizeof(in), &c));
	ASSERT_ERRNO(0, answer(self->fd, ev.cookie, RTM_METHOD_TRUNCATED,
			       reply, 4));
	invoker_join(&v);
	EXPECT_WIN(ERROR_INSUFFICIENT_BUFFER, v.status);
	EXPECT_EQ(4U, v.size);

	/* NOMEM: ERROR_NOT_ENOUGH_MEMORY. */
	ASSERT_EQ(0, invoker_start(&v, self->h, mkhandle(self->callee), 1));
	ASSERT_EQ(0, next_invoke(self->fd, &ev, WAIT_MS));
	ASSERT_ERRNO(0, fetch(self->fd, ev.cookie, in, sizeof(in), &c));
	ASSERT_ERRNO(0, answer(self->fd, ev.cookie, RTM_METHOD_NOMEM, NULL, 0));
	invoker_join(&v);
	EXPECT_WIN(ERROR_NOT_ENOUGH_MEMORY, v.status);
}

/* A caller that dies: its call goes, and the callee's answer is refused. */
static int peer_caller(int rd, int wr, void *p)
{
	uint64_t *callee = p;
	RTM_ENTITY_METHOD_INPUT in = { .MethodType = 1 };
	RTM_ENTITY_HANDLE h = NULL;
	unsigned char out[64];
	UINT size = sizeof(out);
	DWORD st;

	h = caller_reg(50);
	PEER_CHECK(h != NULL);
	PEER_CHECK(msg_send(wr, T_READY, 0, hval(h)) == 0);
	st = RtmInvokeMethod(h, mkhandle(*callee), &in, &size,
			     (PRTM_ENTITY_METHOD_OUTPUT)out);
	PEER_CHECK(msg_send(wr, T_INVOKE, st, 0) == 0);
	return 0;
}

TEST_F(raw, caller_killed)
{
	unsigned char in[8];
	struct rtm_method_ctl c;
	struct rtm_event ev;
	struct peer p;
	struct msg m;
	int taken;

	REQUIRE_RTM();
	/* Killed while its call runs, then while it is still queued. */
	for (taken = 1; taken >= 0; taken--) {
		ASSERT_EQ(0, peer_start(&p, peer_caller, &self->callee));
		ASSERT_EQ(0, msg_expect(p.rd, T_READY, &m));
		ASSERT_EQ(0, next_invoke(self->fd, &ev, WAIT_MS));
		EXPECT_EQ(m.value, ev.handle);
		if (taken)
			ASSERT_ERRNO(0, fetch(self->fd, ev.cookie, in,
					      sizeof(in), &c));
		ASSERT_TRUE(WAIT_FOR(asleep_in_ioctl(p.pid, p.pid)));
		peer_kill(&p);
		if (taken)
			EXPECT_ERRNO(-EBADF, answer(self->fd, ev.cookie, 0,
						    "late", 4));
		else
			EXPECT_ERRNO(-EBADF, fetch(self->fd, ev.cookie, in,
						   sizeof(in), &c));
	}
}

/* The callee deregisters with calls queued and taken. */
TEST_F(raw, callee_deregisters)
{
	struct rtm_deregister d = { .size = sizeof(d) };
	unsigned char in[8];
	struct rtm_method_ctl c;
	struct rtm_event ev;
	struct invoker v1, v2;

	REQUIRE_RTM();
	ASSERT_EQ(0, invoker_start(&v1, self->h, mkhandle(self->callee), 1));
	ASSERT_EQ(0, next_invoke(self->fd, &ev, WAIT_MS));
	ASSERT_ERRNO(0, fetch(self->fd, ev.cookie, in, sizeof(in), &c));
	ASSERT_EQ(0, invoker_start(&v2, self->h, mkhandle(self->callee), 2));
	ASSERT_TRUE(THREAD_ASLEEP(&v2));
	ASSERT_ERRNO(0, rtm_ioctl(self->fd, RTM_IOC_DEREGISTER, &d));
	invoker_join(&v1);
	invoker_join(&v2);
	EXPECT_WIN(ERROR_INVALID_HANDLE, v1.status);
	EXPECT_WIN(ERROR_INVALID_HANDLE, v2.status);
	EXPECT_ERRNO(-EBADF, answer(self->fd, ev.cookie, 0, NULL, 0));
}

/* BLOCK waits for the calls taken; while blocked, nothing is signalled. */
struct blocker {
	int fd;
	atomic_int tid;
	atomic_int done;
	int err;
};

static void *blocker_main(void *p)
{
	struct blocker *b = p;
	struct rtm_method_ctl c;

	atomic_store(&b->tid, (int)syscall(SYS_gettid));
	memset(&c, 0, sizeof(c));
	b->err = ctl(b->fd, RTM_METHOD_BLOCK, &c);
	atomic_store(&b->done, 1);
	return NULL;
}

TEST_F(raw, block)
{
	unsigned char in[8];
	struct rtm_method_ctl c;
	struct rtm_event ev, ev2;
	struct invoker v;
	struct blocker b = { .fd = self->fd };
	pthread_t t;

	REQUIRE_RTM();
	ASSERT_EQ(0, invoker_start(&v, self->h, mkhandle(self->callee), 1));
	ASSERT_EQ(0, next_invoke(self->fd, &ev, WAIT_MS));
	ASSERT_ERRNO(0, fetch(self->fd, ev.cookie, in, sizeof(in), &c));

	/* Another thread blocks: it waits for the call this one took. */
	ASSERT_EQ(0, pthread_create(&t, NULL, blocker_main, &b));
	ASSERT_TRUE(WAIT_FOR(atomic_load(&b.tid) &&
			     asleep_in_ioctl(getpid(), atomic_load(&b.tid))));
	EXPECT_EQ(0, atomic_load(&b.done));
	ASSERT_ERRNO(0, answer(self->fd, ev.cookie, 0, "ok", 2));
	pthread_join(t, NULL);
	EXPECT_ERRNO(0, b.err);
	invoker_join(&v);
	EXPECT_WIN(NO_ERROR, v.status);

	/* Blocked: a new call raises no event and waits. */
	ASSERT_EQ(0, invoker_start(&v, self->h, mkhandle(self->callee), 1));
	ASSERT_TRUE(THREAD_ASLEEP(&v));
	EXPECT_ERRNO(-ETIMEDOUT, next_invoke(self->fd, &ev, 0));

	/* Resumed: the event comes, the call is taken and answered. */
	memset(&c, 0, sizeof(c));
	ASSERT_ERRNO(0, ctl(self->fd, RTM_METHOD_RESUME, &c));
	ASSERT_EQ(0, next_invoke(self->fd, &ev, WAIT_MS));

	/* An event read before a block leads nowhere until the resume. */
	memset(&c, 0, sizeof(c));
	ASSERT_ERRNO(0, ctl(self->fd, RTM_METHOD_BLOCK, &c));
	EXPECT_ERRNO(-EAGAIN, fetch(self->fd, ev.cookie, in, sizeof(in), &c));
	memset(&c, 0, sizeof(c));
	ASSERT_ERRNO(0, ctl(self->fd, RTM_METHOD_RESUME, &c));
	ASSERT_EQ(0, next_invoke(self->fd, &ev2, WAIT_MS));
	EXPECT_EQ(ev.cookie, ev2.cookie);
	ASSERT_ERRNO(0, fetch(self->fd, ev.cookie, in, sizeof(in), &c));
	ASSERT_ERRNO(0, answer(self->fd, ev.cookie, 0, "ok", 2));
	invoker_join(&v);
	EXPECT_WIN(NO_ERROR, v.status);
	EXPECT_EQ(2U, v.size);
}

/*
 * A raw caller interrupted without SA_RESTART: queued, its call is gone;
 * taken, it gets the cookie back and the same request waits for the call.
 */
struct raw_caller {
	int fd;
	struct rtm_method_invoke req;
	unsigned char out[32];
	atomic_int tid;
	atomic_int phase;	/* 1: interrupted, 2: go again, 3: done */
	int err1, err2;
};

static void *raw_caller_main(void *p)
{
	struct raw_caller *rc = p;

	atomic_store(&rc->tid, (int)syscall(SYS_gettid));
	rc->err1 = ioctl(rc->fd, RTM_IOC_METHOD_INVOKE, &rc->req) ? -errno : 0;
	atomic_store(&rc->phase, 1);
	while (atomic_load(&rc->phase) != 2)
		usleep(1000);
	rc->err2 = rtm_ioctl(rc->fd, RTM_IOC_METHOD_INVOKE, &rc->req);
	atomic_store(&rc->phase, 3);
	return NULL;
}

TEST_F(raw, interrupted_raw_caller)
{
	unsigned char in[8];
	struct rtm_method_ctl c;
	struct rtm_event ev;
	struct raw_caller rc;
	uint64_t handle;
	pthread_t t;
	int taken;

	REQUIRE_RTM();
	set_handler(false);
	for (taken = 0; taken < 2; taken++) {
		memset(&rc, 0, sizeof(rc));
		rc.fd = rtm_open();
		ASSERT_LE(0, rc.fd);
		ASSERT_ERRNO(0, raw_reg(rc.fd, 60 + taken, 0, 0, &handle));
		rc.req.size = sizeof(rc.req);
		rc.req.handle = self->callee;
		rc.req.method_type = 4;
		rc.req.output = (uintptr_t)rc.out;
		rc.req.output_size = sizeof(rc.out);
		ASSERT_EQ(0, pthread_create(&t, NULL, raw_caller_main, &rc));
		ASSERT_EQ(0, next_invoke(self->fd, &ev, WAIT_MS));
		if (taken)
			ASSERT_ERRNO(0, fetch(self->fd, ev.cookie, in,
					      sizeof(in), &c));
		ASSERT_TRUE(WAIT_FOR(asleep_in_ioctl(getpid(),
						     atomic_load(&rc.tid))));
		pthread_kill(t, SIGUSR1);
		ASSERT_TRUE(WAIT_FOR(atomic_load(&rc.phase) == 1));
		EXPECT_ERRNO(-EINTR, rc.err1);
		if (taken) {
			/* Still the caller's: answered, then collected. */
			EXPECT_EQ(ev.cookie, rc.req.cookie);
			ASSERT_ERRNO(0, answer(self->fd, ev.cookie, 0, "x", 1));
			atomic_store(&rc.phase, 2);
			ASSERT_TRUE(WAIT_FOR(atomic_load(&rc.phase) == 3));
			EXPECT_ERRNO(0, rc.err2);
			EXPECT_EQ(1U, rc.req.output_size);
			EXPECT_EQ('x', rc.out[0]);
			EXPECT_EQ(0U, rc.req.cookie);
		} else {
			/* Cancelled: the call is gone, a new one comes. */
			EXPECT_EQ(0U, rc.req.cookie);
			EXPECT_ERRNO(-EBADF, fetch(self->fd, ev.cookie, in,
						   sizeof(in), &c));
			atomic_store(&rc.phase, 2);
			ASSERT_EQ(0, next_invoke(self->fd, &ev, WAIT_MS));
			ASSERT_ERRNO(0, fetch(self->fd, ev.cookie, in,
					      sizeof(in), &c));
			ASSERT_ERRNO(0, answer(self->fd, ev.cookie, 0, "y", 1));
			ASSERT_TRUE(WAIT_FOR(atomic_load(&rc.phase) == 3));
			EXPECT_ERRNO(0, rc.err2);
			EXPECT_EQ('y', rc.out[0]);
		}
		pthread_join(t, NULL);
		/* One call each time: nothing else is queued. */
		EXPECT_ERRNO(-ETIMEDOUT, next_invoke(self->fd, &ev, 0));
		close(rc.fd);
	}
}

/* A call survives a full event queue: it is signalled once there is room. */
TEST_F(raw, full_event_queue)
{
	long qlen = module_param("event_queue_len");
	RTM_ENTITY_INFO info;
	RTM_ENTITY_HANDLE x;
	unsigned char in[8];
	struct rtm_method_ctl c;
	struct rtm_event ev;
	struct invoker v;
	long i;
	int err;

	REQUIRE_RTM();
	ASSERT_LT(0, qlen);
	/* Each registration and deregistration is an event for the callee. */
	for (i = 0; i < qlen / 2 + 1; i++) {
		info = entity_info(INST, AF_INET, PROTO, 1000 + i);
		ASSERT_WIN(NO_ERROR, reg(&info, NULL, &x));
		ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(x));
	}
	ASSERT_EQ(0, invoker_start(&v, self->h, mkhandle(self->callee), 1));
	ASSERT_TRUE(THREAD_ASLEEP(&v));
	/* Draining finds it after the others. */
	err = next_invoke(self->fd, &ev, WAIT_MS);
	ASSERT_EQ(0, err);
	ASSERT_ERRNO(0, fetch(self->fd, ev.cookie, in, sizeof(in), &c));
	ASSERT_ERRNO(0, answer(self->fd, ev.cookie, 0, "ok", 2));
	invoker_join(&v);
	EXPECT_WIN(NO_ERROR, v.status);
}

/* A caller has at most max_method_calls calls under way. */
TEST_F(raw, too_many_calls)
{
	long max = module_param("max_method_calls");
	struct invoker *v, extra;
	struct rtm_method_ctl c;
	long i;

	REQUIRE_RTM();
	ASSERT_LT(0, max);
	ASSERT_GE(256, max);
	v = calloc(max, sizeof(*v));
	ASSERT_NE(NULL, v);
	memset(&c, 0, sizeof(c));
	ASSERT_ERRNO(0, ctl(self->fd, RTM_METHOD_BLOCK, &c));
	for (i = 0; i < max; i++)
		ASSERT_EQ(0, invoker_start(&v[i], self->h,
					   mkhandle(self->callee), 1));
	for (i = 0; i < max; i++)
		ASSERT_TRUE(THREAD_ASLEEP(&v[i]));
	ASSERT_EQ(0, invoker_start(&extra, self->h, mkhandle(self->callee), 1));
	invoker_join(&extra);
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES, extra.status);
	/* The callee goes: every call fails. */
	close(self->fd);
	self->fd = -1;
	for (i = 0; i < max; i++) {
		invoker_join(&v[i]);
		EXPECT_WIN(ERROR_INVALID_HANDLE, v[i].status);
	}
	free(v);
}

TEST_HARNESS_MAIN
