// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host tests of librtm against the fake /dev/rtm (fake_rtm.c): argument
 * validation, the errno table, the registry, the dispatcher, the short
 * buffer rule, chunking, and that every fd is closed again.
 *
 * Ends with one line "N passed, N failed"; exits non-zero on any failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rtmv2.h"
#include "librtm.h"
#include "fake_rtm.h"

static unsigned int passed, failed;

#define CHECK(cond)							\
	do {								\
		if (cond) {						\
			passed++;					\
		} else {						\
			failed++;					\
			fprintf(stderr, "FAIL %s:%d: %s\n", __func__,	\
				__LINE__, #cond);			\
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		unsigned long long a_ = (a), b_ = (b);			\
		if (a_ == b_) {						\
			passed++;					\
		} else {						\
			failed++;					\
			fprintf(stderr, "FAIL %s:%d: %s == %llu, not %llu\n",\
				__func__, __LINE__, #a, a_, b_);	\
		}							\
	} while (0)

static __u64 u64_of(HANDLE h)
{
	return (__u64)(uintptr_t)h;
}

static RTM_ENTITY_INFO entity(USHORT af, ULONG proto, ULONG instance)
{
	RTM_ENTITY_INFO info;

	memset(&info, 0, sizeof(info));
	info.RtmInstanceId = 0;
	info.AddressFamily = af;
	info.EntityId.EntityProtocolId = proto;
	info.EntityId.EntityInstanceId = instance;
	return info;
}

static DWORD reg(RTM_ENTITY_INFO info, RTM_EVENT_CALLBACK cb, BOOL opaque,
		 RTM_ENTITY_HANDLE *h)
{
	RTM_REGN_PROFILE profile;

	return RtmRegisterEntity(&info, NULL, cb, opaque, &profile, h);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---------------------------------------------------------------------- */

static void test_errno_table(void)
{
	static const struct { int err; DWORD win32; } map[] = {
		{ 0, NO_ERROR },
		{ EBADF, ERROR_INVALID_HANDLE },
		{ ENOENT, ERROR_NOT_FOUND },
		{ EACCES, ERROR_ACCESS_DENIED },
		{ EPERM, ERROR_ACCESS_DENIED },
		{ ENOMEM, ERROR_NOT_ENOUGH_MEMORY },
		{ EINVAL, ERROR_INVALID_PARAMETER },
		{ E2BIG, ERROR_INVALID_PARAMETER },
		{ EFAULT, ERROR_INVALID_PARAMETER },
		{ ERANGE, ERROR_INVALID_PARAMETER },
		{ EEXIST, ERROR_ALREADY_EXISTS },
		{ ENODATA, ERROR_NO_MORE_ITEMS },
		{ EOPNOTSUPP, ERROR_NOT_SUPPORTED },
		{ ENOSPC, ERROR_INSUFFICIENT_BUFFER },
		{ EDQUOT, ERROR_NO_SYSTEM_RESOURCES },
		{ EMFILE, ERROR_NO_SYSTEM_RESOURCES },
		{ ENOTTY, ERROR_NOT_SUPPORTED },
		{ EIO, ERROR_INVALID_PARAMETER },	/* the default */
		{ 4095, ERROR_INVALID_PARAMETER },
		{ -1, ERROR_INVALID_PARAMETER },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		CHECK_EQ(librtm_win32_error(map[i].err), map[i].win32);
}

static void test_register_validation(void)
{
	RTM_ENTITY_INFO info = entity(AF_INET, PROTO_IP_RIP, 0);
	RTM_REGN_PROFILE profile;
	RTM_ENTITY_HANDLE h = NULL;
	struct {
		UINT NumMethods;
		RTM_ENTITY_EXPORT_METHOD Methods[33];
	} methods = { 33, { NULL } };
	RTM_ENTITY_INFO bad = entity(AF_UNIX, PROTO_IP_RIP, 0);

	fake_rtm_reset();
	CHECK_EQ(RtmRegisterEntity(NULL, NULL, NULL, FALSE, &profile, &h),
		 ERROR_INVALID_PARAMETER);
	CHECK_EQ(RtmRegisterEntity(&info, NULL, NULL, FALSE, NULL, &h),
		 ERROR_INVALID_PARAMETER);
	CHECK_EQ(RtmRegisterEntity(&info, NULL, NULL, FALSE, &profile, NULL),
		 ERROR_INVALID_PARAMETER);
	CHECK_EQ(RtmRegisterEntity(&bad, NULL, NULL, FALSE, &profile, &h),
		 ERROR_INVALID_PARAMETER);
	bad.AddressFamily = 23;	/* Windows' AF_INET6 */
	CHECK_EQ(RtmRegisterEntity(&bad, NULL, NULL, FALSE, &profile, &h),
		 ERROR_INVALID_PARAMETER);
	CHECK_EQ(RtmRegisterEntity(&info, (PRTM_ENTITY_EXPORT_METHODS)&methods,
				   NULL, FALSE, &profile, &h),
		 ERROR_INVALID_PARAMETER);
	CHECK_EQ(fake_rtm_open_files(), 0);
	CHECK_EQ(fake_rtm_ioctls(), 0);
	CHECK(h == NULL);

	fake_rtm_open_error(ENOENT);
	CHECK_EQ(RtmRegisterEntity(&info, NULL, NULL, FALSE, &profile, &h),
		 ERROR_FILE_NOT_FOUND);
	fake_rtm_open_error(ENODEV);
	CHECK_EQ(RtmRegisterEntity(&info, NULL, NULL, FALSE, &profile, &h),
		 ERROR_FILE_NOT_FOUND);
	fake_rtm_open_error(EACCES);
	CHECK_EQ(RtmRegisterEntity(&info, NULL, NULL, FALSE, &profile, &h),
		 ERROR_ACCESS_DENIED);
	fake_rtm_open_error(EMFILE);
	CHECK_EQ(RtmRegisterEntity(&info, NULL, NULL, FALSE, &profile, &h),
		 ERROR_NO_SYSTEM_RESOURCES);
	fake_rtm_open_error(0);

	/* Kernel errors close the fd and come back mapped. */
	fake_rtm_fail(RTM_IOC_REGISTER, EPERM, 1);
	CHECK_EQ(RtmRegisterEntity(&info, NULL, NULL, FALSE, &profile, &h),
		 ERROR_ACCESS_DENIED);
	fake_rtm_fail(RTM_IOC_REGISTER, EDQUOT, 1);
	CHECK_EQ(RtmRegisterEntity(&info, NULL, NULL, TRUE, &profile, &h),
		 ERROR_NO_SYSTEM_RESOURCES);
	CHECK_EQ(fake_rtm_open_files(), 0);
	CHECK(h == NULL);
}

static void test_register_deregister(void)
{
	RTM_ENTITY_INFO info = entity(AF_INET6, PROTO_IP_OSPF, 7);
	RTM_REGN_PROFILE profile;
	RTM_ENTITY_HANDLE h = NULL, h2 = NULL;
	struct {
		UINT NumMethods;
		RTM_ENTITY_EXPORT_METHOD Methods[32];
	} methods = { 32, { NULL } };

	fake_rtm_reset();
	memset(&profile, 0xff, sizeof(profile));
	CHECK_EQ(RtmRegisterEntity(&info, (PRTM_ENTITY_EXPORT_METHODS)&methods,
				   NULL, TRUE, &profile, &h), NO_ERROR);
	CHECK(h != NULL);
	CHECK_EQ(profile.MaxNextHopsInRoute, 8);
	CHECK_EQ(profile.MaxHandlesInEnum, 128);
	CHECK_EQ(profile.ViewsSupported, 3);
	CHECK_EQ(profile.NumberOfViews, 2);
	CHECK_EQ(fake_rtm_open_flags(), O_RDWR | O_CLOEXEC);
	CHECK_EQ(fake_rtm_register_flags(u64_of(h)), RTM_REGISTER_OPAQUE);
	CHECK_EQ(fake_rtm_open_files(), 1);

	/* Same identity: refused, and the second fd is closed. */
	CHECK_EQ(reg(info, NULL, FALSE, &h2), ERROR_ALREADY_EXISTS);
	CHECK(h2 == NULL);
	CHECK_EQ(fake_rtm_open_files(), 1);

	CHECK_EQ(RtmDeregisterEntity(h), NO_ERROR);
	CHECK_EQ(fake_rtm_open_files(), 0);
	CHECK_EQ(RtmDeregisterEntity(h), ERROR_INVALID_HANDLE);

	/* A refused deregistration leaves the registration usable. */
	CHECK_EQ(reg(info, NULL, FALSE, &h), NO_ERROR);
	fake_rtm_fail(RTM_IOC_DEREGISTER, EINVAL, 1);
	CHECK_EQ(RtmDeregisterEntity(h), ERROR_INVALID_PARAMETER);
	CHECK_EQ(RtmGetEntityInfo(h, h, &info), NO_ERROR);
	CHECK_EQ(RtmDeregisterEntity(h), NO_ERROR);
	CHECK_EQ(fake_rtm_open_files(), 0);
	CHECK_EQ(fake_rtm_stray_ioctls(), 0);
}

static void test_unknown_handle(void)
{
	RTM_ENTITY_HANDLE bogus = (RTM_ENTITY_HANDLE)(uintptr_t)0x1234;
	RTM_ENTITY_HANDLE handles[2] = { bogus, bogus };
	RTM_ENTITY_INFO info;
	UINT n = 2;

	fake_rtm_reset();
	CHECK_EQ(RtmDeregisterEntity(NULL), ERROR_INVALID_HANDLE);
	CHECK_EQ(RtmDeregisterEntity(bogus), ERROR_INVALID_HANDLE);
	CHECK_EQ(RtmGetRegisteredEntities(bogus, &n, handles, NULL),
		 ERROR_INVALID_HANDLE);
	CHECK_EQ(RtmReleaseEntities(bogus, 2, handles), ERROR_INVALID_HANDLE);
	CHECK_EQ(RtmReleaseEntities(bogus, 0, NULL), ERROR_INVALID_HANDLE);
	CHECK_EQ(RtmGetEntityInfo(bogus, bogus, &info), ERROR_INVALID_HANDLE);
	CHECK_EQ(RtmReleaseEntityInfo(bogus, &info), ERROR_INVALID_HANDLE);
	CHECK_EQ(RtmReferenceHandles(bogus, 2, handles), ERROR_INVALID_HANDLE);
	CHECK_EQ(fake_rtm_ioctls(), 0);
	CHECK_EQ(n, 2);
}

static void test_entities(void)
{
	RTM_ENTITY_HANDLE h[3], handles[4];
	RTM_ENTITY_INFO infos[4], info;
	UINT n;

	fake_rtm_reset();
	CHECK_EQ(reg(entity(AF_INET, PROTO_IP_RIP, 1), NULL, FALSE, &h[0]),
		 NO_ERROR);
	CHECK_EQ(reg(entity(AF_INET, PROTO_IP_OSPF, 2), NULL, FALSE, &h[1]),
		 NO_ERROR);
	CHECK_EQ(reg(entity(AF_INET, PROTOCOL_ID(PROTO_TYPE_UCAST,
			    PROTO_VENDOR_MS1, PROTO_IP_BGP), 0xdeadbeef),
		     NULL, FALSE, &h[2]), NO_ERROR);

	CHECK_EQ(RtmGetRegisteredEntities(h[0], NULL, handles, infos),
		 ERROR_INVALID_PARAMETER);

	/* Ask with 0: the total comes back, nothing is written. */
	n = 0;
	handles[0] = NULL;
	CHECK_EQ(RtmGetRegisteredEntities(h[0], &n, handles, infos),
		 ERROR_INSUFFICIENT_BUFFER);
	CHECK_EQ(n, 3);
	CHECK(handles[0] == NULL);
	CHECK_EQ(fake_rtm_refs(u64_of(h[0]), u64_of(h[0])), 0);

	/* A count query without arrays. */
	n = 10;
	CHECK_EQ(RtmGetRegisteredEntities(h[0], &n, NULL, NULL), NO_ERROR);
	CHECK_EQ(n, 3);

	/* Short buffer: the first two written, the total returned. */
	n = 2;
	memset(handles, 0, sizeof(handles));
	memset(infos, 0xa5, sizeof(infos));
	CHECK_EQ(RtmGetRegisteredEntities(h[0], &n, handles, infos),
		 ERROR_INSUFFICIENT_BUFFER);
	CHECK_EQ(n, 3);
	CHECK(handles[0] == h[0] && handles[1] == h[1] && handles[2] == NULL);
	CHECK_EQ(infos[1].EntityId.EntityProtocolId, PROTO_IP_OSPF);
	CHECK_EQ(infos[1].EntityId.EntityInstanceId, 2);
	CHECK_EQ(infos[2].AddressFamily, 0xa5a5);	/* untouched */
	CHECK_EQ(RtmReleaseEntities(h[0], 2, handles), NO_ERROR);
	CHECK_EQ(fake_rtm_refs(u64_of(h[0]), u64_of(h[1])), 0);

	/* Everything fits. */
	n = 4;
	memset(infos, 0xa5, sizeof(infos));
	CHECK_EQ(RtmGetRegisteredEntities(h[1], &n, handles, infos), NO_ERROR);
	CHECK_EQ(n, 3);
	CHECK(handles[0] == h[0] && handles[1] == h[1] && handles[2] == h[2]);
	CHECK_EQ(infos[0].RtmInstanceId, 0);
	CHECK_EQ(infos[0].AddressFamily, AF_INET);
	CHECK_EQ(infos[0].EntityId.EntityProtocolId, PROTO_IP_RIP);
	CHECK_EQ(infos[0].EntityId.EntityInstanceId, 1);
	CHECK_EQ(infos[2].EntityId.EntityProtocolId,
		 0x137U << 16 | PROTO_IP_BGP);
	CHECK_EQ(infos[2].EntityId.EntityInstanceId, 0xdeadbeef);
	CHECK_EQ(infos[2].EntityId.EntityId,
		 (ULONGLONG)0xdeadbeef << 32 | (0x137U << 16 | PROTO_IP_BGP));
	CHECK_EQ(fake_rtm_refs(u64_of(h[1]), u64_of(h[2])), 1);

	/* Release: n == 0 needs no ioctl, NULL is refused, all or nothing. */
	fake_rtm_reset();
	CHECK_EQ(RtmReleaseEntities(h[1], 0, NULL), NO_ERROR);
	CHECK_EQ(RtmReleaseEntities(h[1], 3, NULL), ERROR_INVALID_PARAMETER);
	CHECK_EQ(fake_rtm_ioctls(), 0);
	CHECK_EQ(RtmReleaseEntities(h[1], 3, handles), NO_ERROR);
	CHECK_EQ(RtmReleaseEntities(h[1], 1, handles), ERROR_INVALID_HANDLE);
	CHECK_EQ(fake_rtm_ioctls_of(RTM_IOC_RELEASE), 2);

	/* Infos only: no references taken. */
	n = 3;
	CHECK_EQ(RtmGetRegisteredEntities(h[1], &n, NULL, infos), NO_ERROR);
	CHECK_EQ(n, 3);
	CHECK_EQ(fake_rtm_refs(u64_of(h[1]), u64_of(h[0])), 0);

	/* Entity info. */
	memset(&info, 0xa5, sizeof(info));
	CHECK_EQ(RtmGetEntityInfo(h[0], h[2], &info), NO_ERROR);
	CHECK_EQ(info.AddressFamily, AF_INET);
	CHECK_EQ(info.EntityId.EntityInstanceId, 0xdeadbeef);
	CHECK_EQ(RtmReleaseEntityInfo(h[0], &info), NO_ERROR);
	CHECK_EQ(RtmReleaseEntityInfo(h[0], NULL), ERROR_INVALID_PARAMETER);
	CHECK_EQ(RtmGetEntityInfo(h[0], h[2], NULL), ERROR_INVALID_PARAMETER);
	CHECK_EQ(RtmGetEntityInfo(h[0], NULL, &info), ERROR_INVALID_HANDLE);
	CHECK_EQ(RtmGetEntityInfo(h[0], (HANDLE)(uintptr_t)0x999, &info),
		 ERROR_INVALID_HANDLE);

	/* EINTR is retried; other errors are mapped. */
	fake_rtm_reset();
	fake_rtm_fail(RTM_IOC_GET_ENTITY_INFO, EINTR, 3);
	CHECK_EQ(RtmGetEntityInfo(h[0], h[1], &info), NO_ERROR);
	CHECK_EQ(fake_rtm_ioctls(), 4);
	fake_rtm_fail(RTM_IOC_GET_ENTITY_INFO, ENOTTY, 1);
	CHECK_EQ(RtmGetEntityInfo(h[0], h[1], &info), ERROR_NOT_SUPPORTED);
	fake_rtm_fail(RTM_IOC_GET_ENTITIES, ENOMEM, 1);
	n = 3;
	CHECK_EQ(RtmGetRegisteredEntities(h[0], &n, handles, infos),
		 ERROR_NOT_ENOUGH_MEMORY);
	CHECK_EQ(n, 3);

	for (int i = 0; i < 3; i++)
		CHECK_EQ(RtmDeregisterEntity(h[i]), NO_ERROR);
	CHECK_EQ(fake_rtm_open_files(), 0);
}

static void test_reference_chunks(void)
{
	const UINT count = RTM_MAX_BATCH + 100;
	RTM_ENTITY_HANDLE a, b;
	HANDLE *many;

	CHECK_EQ(reg(entity(AF_INET, PROTO_IP_RIP, 1), NULL, FALSE, &a),
		 NO_ERROR);
	CHECK_EQ(reg(entity(AF_INET, PROTO_IP_RIP, 2), NULL, FALSE, &b),
		 NO_ERROR);
	fake_rtm_reset();
	CHECK_EQ(RtmReferenceHandles(a, 0, NULL), NO_ERROR);
	CHECK_EQ(RtmReferenceHandles(a, 1, NULL), ERROR_INVALID_PARAMETER);
	CHECK_EQ(fake_rtm_ioctls(), 0);

	many = malloc(count * sizeof(*many));
	CHECK(many != NULL);
	if (!many)
		return;
	for (UINT i = 0; i < count; i++)
		many[i] = b;
	CHECK_EQ(RtmReferenceHandles(a, count, many), NO_ERROR);
	CHECK_EQ(fake_rtm_ioctls_of(RTM_IOC_REFERENCE), 2);
	CHECK_EQ(fake_rtm_refs(u64_of(a), u64_of(b)), count);
	CHECK_EQ(RtmReleaseEntities(a, count, many), NO_ERROR);
	CHECK_EQ(fake_rtm_ioctls_of(RTM_IOC_RELEASE), 2);
	CHECK_EQ(fake_rtm_refs(u64_of(a), u64_of(b)), 0);
	many[0] = (HANDLE)(uintptr_t)0x77;
	CHECK_EQ(RtmReferenceHandles(a, 1, many), ERROR_INVALID_HANDLE);
	free(many);

	CHECK_EQ(RtmDeregisterEntity(a), NO_ERROR);
	CHECK_EQ(RtmDeregisterEntity(b), NO_ERROR);
}

/* ---------------------------------------------------------------------- */
/* Events                                                                  */

struct seen {
	pthread_mutex_t lock;
	unsigned int calls;
	RTM_ENTITY_HANDLE self;
	RTM_EVENT_TYPE type;
	PVOID context1;
	RTM_ENTITY_INFO info;
	PVOID context2;
	bool signals_blocked;
	DWORD inner;		/* a call made from inside the callback */
	RTM_ENTITY_HANDLE deregister_self;
	DWORD deregistered;
};

static struct seen seen = { .lock = PTHREAD_MUTEX_INITIALIZER };

static DWORD WINAPI callback(RTM_ENTITY_HANDLE self, RTM_EVENT_TYPE type,
			     PVOID context1, PVOID context2)
{
	RTM_ENTITY_INFO info;
	sigset_t mask;
	DWORD inner = NO_ERROR;

	pthread_sigmask(SIG_SETMASK, NULL, &mask);
	if (type == RTM_ENTITY_REGISTERED || type == RTM_ENTITY_DEREGISTERED)
		inner = RtmGetEntityInfo(self, self, &info);

	pthread_mutex_lock(&seen.lock);
	seen.calls++;
	seen.self = self;
	seen.type = type;
	seen.context1 = context1;
	seen.context2 = context2;
	if (type == RTM_ENTITY_REGISTERED || type == RTM_ENTITY_DEREGISTERED)
		seen.info = *(PRTM_ENTITY_INFO)context2;
	seen.signals_blocked = sigismember(&mask, SIGINT) &&
			       sigismember(&mask, SIGTERM) &&
			       sigismember(&mask, SIGUSR1);
	seen.inner = inner;
	if (seen.deregister_self == self) {
		seen.deregister_self = NULL;
		seen.deregistered = RtmDeregisterEntity(self);
	}
	pthread_mutex_unlock(&seen.lock);
	return NO_ERROR;
}

static bool wait_calls(unsigned int n)
{
	for (int i = 0; i < 500; i++) {
		unsigned int calls;

		pthread_mutex_lock(&seen.lock);
		calls = seen.calls;
		pthread_mutex_unlock(&seen.lock);
		if (calls >= n)
			return true;
		sleep_ms(10);
	}
	return false;
}

static void test_events(void)
{
	RTM_ENTITY_HANDLE a, b, c;
	struct rtm_event ev;

	fake_rtm_reset();
	CHECK_EQ(reg(entity(AF_INET, PROTO_IP_RIP, 1), callback, FALSE, &a),
		 NO_ERROR);
	CHECK_EQ(fake_rtm_register_flags(u64_of(a)), RTM_REGISTER_EVENTS);

	CHECK_EQ(reg(entity(AF_INET, PROTO_IP_BGP, 9), NULL, FALSE, &b),
		 NO_ERROR);
	CHECK(wait_calls(1));
	pthread_mutex_lock(&seen.lock);
	CHECK(seen.self == a);
	CHECK_EQ(seen.type, RTM_ENTITY_REGISTERED);
	CHECK(seen.context1 == b);
	CHECK_EQ(seen.info.AddressFamily, AF_INET);
	CHECK_EQ(seen.info.EntityId.EntityProtocolId, PROTO_IP_BGP);
	CHECK_EQ(seen.info.EntityId.EntityInstanceId, 9);
	CHECK(seen.signals_blocked);
	CHECK_EQ(seen.inner, NO_ERROR);
	pthread_mutex_unlock(&seen.lock);

	CHECK_EQ(RtmDeregisterEntity(b), NO_ERROR);
	CHECK(wait_calls(2));
	pthread_mutex_lock(&seen.lock);
	CHECK_EQ(seen.type, RTM_ENTITY_DEREGISTERED);
	CHECK(seen.context1 == b);
	CHECK_EQ(seen.info.EntityId.EntityProtocolId, PROTO_IP_BGP);
	pthread_mutex_unlock(&seen.lock);

	/* Change notification: Context1 the notify handle, Context2 the value. */
	memset(&ev, 0, sizeof(ev));
	ev.type = RTM_EVENT_CHANGE_NOTIFICATION;
	ev.handle = 0xabc0;
	ev.context = 0x1122334455667788ULL;
	CHECK(fake_rtm_queue(u64_of(a), &ev));
	/* An unknown type from a newer kernel is skipped. */
	ev.type = 77;
	CHECK(fake_rtm_queue(u64_of(a), &ev));
	CHECK(wait_calls(3));
	sleep_ms(20);
	pthread_mutex_lock(&seen.lock);
	CHECK_EQ(seen.calls, 3);
	CHECK_EQ(seen.type, RTM_CHANGE_NOTIFICATION);
	CHECK_EQ(u64_of(seen.context1), 0xabc0);
	CHECK_EQ(u64_of(seen.context2), 0x1122334455667788ULL);
	pthread_mutex_unlock(&seen.lock);

	/* A callback that deregisters its own entity (no self-join). */
	CHECK_EQ(reg(entity(AF_INET, PROTO_IP_OSPF, 3), callback, FALSE, &c),
		 NO_ERROR);
	CHECK(wait_calls(4));	/* a sees c */
	pthread_mutex_lock(&seen.lock);
	seen.deregister_self = c;
	seen.deregistered = ~0U;
	pthread_mutex_unlock(&seen.lock);
	ev.type = RTM_EVENT_CHANGE_NOTIFICATION;
	CHECK(fake_rtm_queue(u64_of(c), &ev));
	CHECK(wait_calls(6));	/* c's callback, then a sees c leave */
	CHECK(fake_rtm_wait_open_files(1));
	pthread_mutex_lock(&seen.lock);
	CHECK_EQ(seen.deregistered, NO_ERROR);
	pthread_mutex_unlock(&seen.lock);
	CHECK_EQ(RtmDeregisterEntity(c), ERROR_INVALID_HANDLE);

	CHECK_EQ(RtmDeregisterEntity(a), NO_ERROR);
	CHECK_EQ(fake_rtm_open_files(), 0);
	CHECK_EQ(fake_rtm_stray_ioctls(), 0);
}

/* ---------------------------------------------------------------------- */
/* Calls racing with a deregistration never reach a closed fd.             */

static RTM_ENTITY_HANDLE race_handle;
static int race_stop;
static unsigned int race_bad;

static void *race_main(void *arg)
{
	RTM_ENTITY_INFO info;
	unsigned int bad = 0;

	(void)arg;
	while (!__atomic_load_n(&race_stop, __ATOMIC_RELAXED)) {
		DWORD s = RtmGetEntityInfo(race_handle, race_handle, &info);

		bad += s != NO_ERROR && s != ERROR_INVALID_HANDLE;
	}
	__atomic_add_fetch(&race_bad, bad, __ATOMIC_RELAXED);
	return NULL;
}

static void test_race(void)
{
	pthread_t threads[4];

	fake_rtm_reset();
	for (int round = 0; round < 20; round++) {
		CHECK_EQ(reg(entity(AF_INET6, PROTO_IP_RIP, round), callback,
			     FALSE, &race_handle), NO_ERROR);
		__atomic_store_n(&race_stop, 0, __ATOMIC_RELAXED);
		for (int i = 0; i < 4; i++)
			pthread_create(&threads[i], NULL, race_main, NULL);
		sleep_ms(2);
		CHECK_EQ(RtmDeregisterEntity(race_handle), NO_ERROR);
		sleep_ms(1);
		__atomic_store_n(&race_stop, 1, __ATOMIC_RELAXED);
		for (int i = 0; i < 4; i++)
			pthread_join(threads[i], NULL);
	}
	CHECK_EQ(race_bad, 0);
	CHECK_EQ(fake_rtm_stray_ioctls(), 0);
	CHECK_EQ(fake_rtm_open_files(), 0);
}

/* ---------------------------------------------------------------------- */

static void test_ipv6(void)
{
	RTM_NET_ADDRESS na;
	IN6_ADDR addr, out;
	DWORD len;

	memset(&addr, 0xff, sizeof(addr));
	memset(&na, 0xee, sizeof(na));
	CHECK_EQ(RtmConvertIpv6AddressAndLengthToNetAddress(&na, addr, 61, 16),
		 NO_ERROR);
	CHECK_EQ(na.AddressFamily, AF_INET6);
	CHECK_EQ(na.NumBits, 61);
	CHECK_EQ(na.AddrBits[6], 0xff);
	CHECK_EQ(na.AddrBits[7], 0xf8);
	CHECK_EQ(na.AddrBits[8], 0);
	CHECK_EQ(na.AddrBits[15], 0);

	memset(na.AddrBits, 0xff, sizeof(na.AddrBits));
	na.NumBits = 1;
	CHECK_EQ(RtmConvertNetAddressToIpv6AddressAndLength(&na, &out, &len, 16),
		 NO_ERROR);
	CHECK_EQ(len, 1);
	CHECK_EQ(out.s6_addr[0], 0x80);
	CHECK_EQ(out.s6_addr[1], 0);

	for (DWORD l = 0; l <= 128; l++) {
		DWORD got = ~0U;

		CHECK_EQ(RtmConvertIpv6AddressAndLengthToNetAddress(&na, addr,
								    l, 16),
			 NO_ERROR);
		CHECK_EQ(RtmConvertNetAddressToIpv6AddressAndLength(&na, &out,
								    &got, 16),
			 NO_ERROR);
		int ones = 0;

		for (int i = 0; i < 16; i++)
			ones += __builtin_popcount(out.s6_addr[i]);
		CHECK(got == l && ones == (int)l);
	}

	CHECK_EQ(RtmConvertIpv6AddressAndLengthToNetAddress(NULL, addr, 1, 16),
		 ERROR_INVALID_PARAMETER);
	CHECK_EQ(RtmConvertIpv6AddressAndLengthToNetAddress(&na, addr, 129, 16),
		 ERROR_INVALID_PARAMETER);
	CHECK_EQ(RtmConvertIpv6AddressAndLengthToNetAddress(&na, addr, 1, 4),
		 ERROR_INVALID_PARAMETER);
	CHECK_EQ(RtmConvertNetAddressToIpv6AddressAndLength(NULL, &out, &len, 16),
		 ERROR_INVALID_PARAMETER);
	CHECK_EQ(RtmConvertNetAddressToIpv6AddressAndLength(&na, NULL, &len, 16),
		 ERROR_INVALID_PARAMETER);
	CHECK_EQ(RtmConvertNetAddressToIpv6AddressAndLength(&na, &out, NULL, 16),
		 ERROR_INVALID_PARAMETER);
	CHECK_EQ(RtmConvertNetAddressToIpv6AddressAndLength(&na, &out, &len, 15),
		 ERROR_INVALID_PARAMETER);
	na.NumBits = 129;
	CHECK_EQ(RtmConvertNetAddressToIpv6AddressAndLength(&na, &out, &len, 16),
		 ERROR_INVALID_PARAMETER);
}

int main(void)
{
	test_errno_table();
	test_register_validation();
	test_register_deregister();
	test_unknown_handle();
	test_entities();
	test_reference_chunks();
	test_events();
	test_race();
	test_ipv6();

	printf("librtm: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
