// SPDX-License-Identifier: GPL-2.0
/*
 * A handle can be found only once what it names is complete.  Route
 * lists, enumerations and change subscriptions are made by calls that can
 * still fail after the object has its id (the caller is at its quota), and
 * handle ids are handed out in order, so another thread can guess the id a
 * failing call is about to use and delete it meanwhile.  Here one thread
 * makes such calls at the quota, over and over, and another deletes the
 * ids they use as they come: every delete must fail with
 * ERROR_INVALID_HANDLE, nothing may be freed twice or half made (KASAN,
 * list debugging and the VM's splat check watch), and the objects made
 * before are all still there afterwards.
 */
#include <stdatomic.h>

#include "kselftest_harness.h"
#include "route_helpers.h"

#define INST		9
#define PROTO		0x9100
#define ROUNDS		1500
#define GUESSES		4	/* ids after the last one seen */

/* Kinds, as module/rtm.h numbers them (top byte of a handle). */
#define KIND_ENUM	5
#define KIND_LIST	6
#define KIND_NOTIFY	7

enum what { LISTS, ENUMS, SUBSCRIPTIONS };

struct race {
	enum what what;
	RTM_ENTITY_HANDLE h;
	uint64_t first_id;		/* the id the first failing call takes */
	atomic_uint round;		/* the maker's progress */
	atomic_bool done;
	unsigned int deleted;		/* deletes that did not fail */
	unsigned int bad_error;		/* ... or failed otherwise */
	unsigned int wrong_result;	/* the maker's calls that did not
					 * fail with the quota's error */
};

static uint64_t id_of(HANDLE h)
{
	return hval(h) & ((1ULL << HANDLE_KIND_SHIFT) - 1);
}

static DWORD make_one(struct race *r, HANDLE *out)
{
	switch (r->what) {
	case LISTS:
		return RtmCreateRouteList(r->h, out);
	case ENUMS:
		return RtmCreateDestEnum(r->h, RTM_VIEW_MASK_ANY,
					 RTM_ENUM_START, NULL, 0, out);
	default:
		return RtmRegisterForChangeNotification(r->h,
							RTM_VIEW_MASK_UCAST,
							RTM_CHANGE_TYPE_ALL,
							NULL, out);
	}
}

static DWORD delete_one(struct race *r, uint64_t id)
{
	switch (r->what) {
	case LISTS:
		return RtmDeleteRouteList(r->h, mkhandle((uint64_t)KIND_LIST <<
						HANDLE_KIND_SHIFT | id));
	case ENUMS:
		return RtmDeleteEnumHandle(r->h, mkhandle((uint64_t)KIND_ENUM <<
						HANDLE_KIND_SHIFT | id));
	default:
		return RtmDeregisterFromChangeNotification(r->h,
			mkhandle((uint64_t)KIND_NOTIFY << HANDLE_KIND_SHIFT |
				 id));
	}
}

/* The maker: at its quota, every call fails. */
static void *maker(void *arg)
{
	struct race *r = arg;
	unsigned int i;
	HANDLE h;

	for (i = 0; i < ROUNDS; i++) {
		atomic_store(&r->round, i);
		h = NULL;
		if (make_one(r, &h) != ERROR_NO_SYSTEM_RESOURCES)
			r->wrong_result++;
	}
	atomic_store(&r->done, true);
	return NULL;
}

/* The deleter: the ids the maker's calls take, as they come. */
static void *deleter(void *arg)
{
	struct race *r = arg;
	unsigned int k;
	DWORD st;

	while (!atomic_load(&r->done)) {
		uint64_t next = r->first_id + atomic_load(&r->round);

		for (k = 0; k < GUESSES; k++) {
			st = delete_one(r, next + k);
			if (st == NO_ERROR)
				r->deleted++;
			else if (st != ERROR_INVALID_HANDLE)
				r->bad_error++;
		}
	}
	return NULL;
}

static void race(struct __test_metadata *_metadata, enum what what,
		 unsigned int quota)
{
	RTM_ENTITY_INFO info = entity_info(INST, AF_INET, PROTO, 1);
	struct rtm_stats base, st;
	HANDLE made[64], probe;
	pthread_t a, b;
	struct race r;
	unsigned int i;

	ASSERT_GE(ARRAY_SIZE(made), quota);
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	memset(&r, 0, sizeof(r));
	r.what = what;
	ASSERT_WIN(NO_ERROR, reg(&info, NULL, &r.h));
	for (i = 0; i < quota; i++)
		ASSERT_WIN(NO_ERROR, make_one(&r, &made[i]))
			TH_LOG("object %u of %u", i + 1, quota);
	/* At the quota; the next failing call takes the next id. */
	ASSERT_WIN(ERROR_NO_SYSTEM_RESOURCES, make_one(&r, &probe));
	r.first_id = id_of(made[quota - 1]) + 2;
	ASSERT_EQ(0, read_stats(&st));

	ASSERT_EQ(0, pthread_create(&a, NULL, maker, &r));
	ASSERT_EQ(0, pthread_create(&b, NULL, deleter, &r));
	pthread_join(a, NULL);
	pthread_join(b, NULL);

	EXPECT_EQ(0U, r.wrong_result);
	EXPECT_EQ(0U, r.deleted) TH_LOG("a half-made object was deleted");
	EXPECT_EQ(0U, r.bad_error);
	/* What was made before is all there, and nothing more. */
	EXPECT_STATS(&st);
	for (i = 0; i < quota; i++)
		EXPECT_WIN(NO_ERROR, delete_one(&r, id_of(made[i])));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(r.h));
	EXPECT_STATS(&base);
}

/* No state of its own: a fixture for the longer timeout. */
FIXTURE(publish) {
	int unused;
};

FIXTURE_SETUP(publish)
{
}

FIXTURE_TEARDOWN(publish)
{
}

TEST_F_TIMEOUT(publish, route_lists, 300)
{
	REQUIRE_RTM();
	race(_metadata, LISTS, module_param("max_lists"));
}

TEST_F_TIMEOUT(publish, enumerations, 300)
{
	REQUIRE_RTM();
	race(_metadata, ENUMS, module_param("max_enums"));
}

TEST_F_TIMEOUT(publish, subscriptions, 300)
{
	REQUIRE_RTM();
	race(_metadata, SUBSCRIPTIONS, 32);
}

TEST_HARNESS_MAIN
