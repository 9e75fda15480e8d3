// SPDX-License-Identifier: GPL-2.0
/*
 * Entity registration through librtm (reference sections 7.1, 7.11, 8.3,
 * 10, 11 item 2): RtmRegisterEntity and its profile, bad arguments,
 * identities, two processes, RtmGetRegisteredEntities with every buffer
 * size, RtmReleaseEntities, RtmGetEntityInfo, RtmReferenceHandles, bad
 * handles of every sort, CAP_NET_ADMIN and network namespaces.
 *
 * Every test uses RTM instance INST (or INST + 1), which no other test
 * program uses, so the tables it looks at hold only what it registered;
 * registrations end with the test's process at the latest.
 */
#include <sched.h>

#include "kselftest_harness.h"
#include "rtm_selftest.h"

#define INST		1
#define PROTO		0x4000		/* protocol ids of this program */
#define NENT		4		/* entities of the list tests */
#define SENTINEL	0x5a5a5a5a5a5a5a5aULL

FIXTURE(entity) {
	USHORT family;
};

FIXTURE_VARIANT(entity) {
	USHORT family;
};

FIXTURE_VARIANT_ADD(entity, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(entity, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(entity)
{
	self->family = variant->family;
}

FIXTURE_TEARDOWN(entity)
{
}

/* NENT entities of one table; infos[i] is the identity of handles[i]. */
struct group {
	RTM_ENTITY_HANDLE h[NENT];
	RTM_ENTITY_INFO info[NENT];
};

static DWORD group_register(struct group *g, USHORT family, ULONG proto)
{
	DWORD st;
	int i;

	for (i = 0; i < NENT; i++) {
		g->info[i] = entity_info(INST, family, proto, i + 1);
		st = reg(&g->info[i], NULL, &g->h[i]);
		if (st != NO_ERROR)
			return st;
	}
	return NO_ERROR;
}

/* Index of @h in the group, or -1. */
static int group_find(const struct group *g, RTM_ENTITY_HANDLE h)
{
	int i;

	for (i = 0; i < NENT; i++)
		if (g->h[i] == h)
			return i;
	return -1;
}

static void fill_sentinels(RTM_ENTITY_HANDLE *h, RTM_ENTITY_INFO *info,
			   unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (h)
			h[i] = mkhandle(SENTINEL);
		if (info)
			memset(&info[i], 0xa5, sizeof(info[i]));
	}
}

static bool is_info_sentinel(const RTM_ENTITY_INFO *info)
{
	const unsigned char *p = (const void *)info;
	size_t i;

	for (i = 0; i < sizeof(*info); i++)
		if (p[i] != 0xa5)
			return false;
	return true;
}

/*
 * Check what RtmGetRegisteredEntities wrote: the first @n entries are
 * distinct members of @g (infos matching their handles when both were
 * asked for), the rest up to @cap are untouched.
 */
static bool check_listed(struct __test_metadata *_metadata,
			 const struct group *g, const RTM_ENTITY_HANDLE *h,
			 const RTM_ENTITY_INFO *info, unsigned int n,
			 unsigned int cap)
{
	bool seen[NENT] = { false };
	unsigned int i;
	int j, k;

	for (i = 0; i < n; i++) {
		if (h) {
			j = group_find(g, h[i]);
			EXPECT_LE(0, j) TH_LOG("entry %u: unknown handle %#llx",
					       i, (unsigned long long)hval(h[i]));
			if (j < 0)
				return false;
		} else {
			for (j = 0; j < NENT; j++)
				if (same_info(&info[i], &g->info[j]))
					break;
			EXPECT_LT(j, NENT) TH_LOG("entry %u: unknown identity", i);
			if (j == NENT)
				return false;
		}
		EXPECT_FALSE(seen[j]) TH_LOG("entry %u listed twice", i);
		seen[j] = true;
		if (h && info)
			EXPECT_TRUE(same_info(&info[i], &g->info[j]))
				TH_LOG("entry %u: info is not its handle's", i);
	}
	for (i = n; i < cap; i++) {
		if (h)
			EXPECT_EQ(SENTINEL, hval(h[i]))
				TH_LOG("handle %u written beyond %u", i, n);
		if (info)
			EXPECT_TRUE(is_info_sentinel(&info[i]))
				TH_LOG("info %u written beyond %u", i, n);
	}
	for (k = 0; k < NENT && n == NENT; k++)
		EXPECT_TRUE(seen[k]) TH_LOG("entity %d not listed", k);
	return _metadata->passed;
}

/* ------------------------------------------------------------------ */
/* Registration                                                         */
/* ------------------------------------------------------------------ */

TEST_F(entity, profile)
{
	RTM_ENTITY_INFO info = entity_info(INST, self->family, PROTO, 1);
	RTM_ENTITY_INFO got;
	RTM_REGN_PROFILE prof;
	RTM_ENTITY_HANDLE h = NULL;
	struct rtm_stats before, during, after;
	long param;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_stats(&before));

	memset(&prof, 0xff, sizeof(prof));
	ASSERT_WIN(NO_ERROR,
		   RtmRegisterEntity(&info, NULL, NULL, FALSE, &prof, &h));
	ASSERT_NE(NULL, h);
	/* White box: the registration handle is an entity handle. */
	EXPECT_EQ(HANDLE_KIND_ENTITY, handle_kind(h));

	param = module_param("max_nexthops_in_route");
	EXPECT_LT(0U, prof.MaxNextHopsInRoute);
	if (param >= 0)
		EXPECT_EQ((UINT)param, prof.MaxNextHopsInRoute);
	param = module_param("max_handles_in_enum");
	EXPECT_LT(0U, prof.MaxHandlesInEnum);
	if (param >= 0)
		EXPECT_EQ((UINT)param, prof.MaxHandlesInEnum);
	EXPECT_EQ(0x3U, prof.ViewsSupported);
	EXPECT_EQ(2U, prof.NumberOfViews);
	EXPECT_EQ((UINT)__builtin_popcount(prof.ViewsSupported),
		  prof.NumberOfViews);

	ASSERT_WIN(NO_ERROR, RtmGetEntityInfo(h, h, &got));
	EXPECT_TRUE(same_info(&info, &got));
	ASSERT_EQ(0, read_stats(&during));
	EXPECT_EQ(before.entities + 1, during.entities);

	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(h));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeregisterEntity(h));
	EXPECT_TRUE(stats_settle(&before, &after, WAIT_MS))
		TH_LOG("entities %ld handles %ld holds %ld, want %ld %ld %ld",
		       after.entities, after.handles, after.holds,
		       before.entities, before.handles, before.holds);
}

TEST(null_arguments)
{
	RTM_ENTITY_INFO info = entity_info(INST, AF_INET, PROTO, 1);
	RTM_REGN_PROFILE prof;
	RTM_ENTITY_HANDLE h = NULL;
	struct rtm_stats before, after;
	int fds;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_stats(&before));
	fds = count_fds();

	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmRegisterEntity(NULL, NULL, NULL, FALSE, &prof, &h));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmRegisterEntity(&info, NULL, NULL, FALSE, NULL, &h));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmRegisterEntity(&info, NULL, NULL, FALSE, &prof, NULL));

	/* Nothing was registered, and no file was left open. */
	EXPECT_EQ(fds, count_fds());
	ASSERT_EQ(0, read_stats(&after));
	EXPECT_EQ(before.entities, after.entities);
	ASSERT_WIN(NO_ERROR, reg(&info, NULL, &h));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(h));
}

TEST(bad_family)
{
	static const USHORT families[] = {
		0, AF_UNIX, AF_INET + 1, AF_INET6 + 1, AF_PACKET, 23, 0xffff,
	};
	RTM_ENTITY_HANDLE h;
	struct rtm_stats before, after;
	unsigned int i;
	int fds;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_stats(&before));
	fds = count_fds();
	for (i = 0; i < ARRAY_SIZE(families); i++) {
		RTM_ENTITY_INFO info = entity_info(INST, families[i], PROTO, 1);

		EXPECT_WIN(ERROR_INVALID_PARAMETER, reg(&info, NULL, &h))
			TH_LOG("family %u", families[i]);
	}
	EXPECT_EQ(fds, count_fds());
	ASSERT_EQ(0, read_stats(&after));
	EXPECT_EQ(before.entities, after.entities);
	EXPECT_EQ(before.tables, after.tables);
}

TEST_F(entity, bad_protocol_id)
{
	RTM_ENTITY_INFO info;
	RTM_ENTITY_HANDLE h;
	struct rtm_stats before, after;

	REQUIRE_RTM();
	ASSERT_EQ(0, read_stats(&before));

	/* 0 and ~0 are RTM_BEST_PROTOCOL and RTM_THIS_PROTOCOL. */
	info = entity_info(INST, self->family, 0, 1);
	EXPECT_WIN(ERROR_INVALID_DATA, reg(&info, NULL, &h));
	info = entity_info(INST, self->family, 0xFFFFFFFF, 1);
	EXPECT_WIN(ERROR_INVALID_DATA, reg(&info, NULL, &h));
	ASSERT_EQ(0, read_stats(&after));
	EXPECT_EQ(before.entities, after.entities);

	/* Their neighbours are fine. */
	info = entity_info(INST, self->family, 1, 1);
	EXPECT_WIN(NO_ERROR, reg(&info, NULL, &h));
	info = entity_info(INST, self->family, 0xFFFFFFFE, 0xFFFFFFFF);
	EXPECT_WIN(NO_ERROR, reg(&info, NULL, &h));
}

TEST_F(entity, bad_instance)
{
	long max = module_param("max_instances");
	RTM_ENTITY_INFO info;
	RTM_ENTITY_HANDLE h;
	struct rtm_stats before, after;
	int fds;

	REQUIRE_RTM();
	if (max <= INST || max > 0xffff)
		SKIP(return, "max_instances parameter unreadable or too small");
	ASSERT_EQ(0, read_stats(&before));
	fds = count_fds();

	info = entity_info((USHORT)max, self->family, PROTO, 1);
	EXPECT_WIN(ERROR_INVALID_DATA, reg(&info, NULL, &h));
	info = entity_info(0xffff, self->family, PROTO, 1);
	EXPECT_WIN(ERROR_INVALID_DATA, reg(&info, NULL, &h));
	EXPECT_EQ(fds, count_fds());
	ASSERT_EQ(0, read_stats(&after));
	EXPECT_EQ(before.entities, after.entities);
	EXPECT_EQ(before.tables, after.tables);

	/* The last instance is valid. */
	info = entity_info((USHORT)(max - 1), self->family, PROTO, 1);
	EXPECT_WIN(NO_ERROR, reg(&info, NULL, &h));
}

TEST(too_many_methods)
{
	RTM_ENTITY_INFO info = entity_info(INST, AF_INET, PROTO, 1);
	RTM_ENTITY_EXPORT_METHODS *m;
	RTM_REGN_PROFILE prof;
	RTM_ENTITY_HANDLE h;

	REQUIRE_RTM();
	/* One method per bit of a method type: 32 at most. */
	m = calloc(1, sizeof(*m) + 40 * sizeof(m->Methods[0]));
	ASSERT_NE(NULL, m);
	m->NumMethods = 33;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmRegisterEntity(&info, m, NULL, FALSE, &prof, &h));
	free(m);
	EXPECT_WIN(NO_ERROR, reg(&info, NULL, &h));
}

/* ReserveOpaquePointer: one slot per entity, as long as there are any. */
TEST(opaque_slots)
{
	long slots = module_param("opaque_slots");
	RTM_ENTITY_HANDLE *h, extra;
	RTM_ENTITY_INFO info;
	RTM_REGN_PROFILE prof;
	long i;
	int fds;

	REQUIRE_RTM();
	if (slots < 0 || slots > 256)
		SKIP(return, "opaque_slots parameter unreadable or above 256");
	h = calloc(slots + 1, sizeof(*h));
	ASSERT_NE(NULL, h);
	for (i = 0; i < slots; i++) {
		info = entity_info(INST, AF_INET, PROTO, i + 1);
		ASSERT_WIN(NO_ERROR, RtmRegisterEntity(&info, NULL, NULL, TRUE,
						       &prof, &h[i]))
			TH_LOG("slot %ld of %ld", i, slots);
	}
	fds = count_fds();
	info = entity_info(INST, AF_INET, PROTO, slots + 1);
	EXPECT_WIN(ERROR_NO_SYSTEM_RESOURCES,
		   RtmRegisterEntity(&info, NULL, NULL, TRUE, &prof, &extra));
	EXPECT_EQ(fds, count_fds());
	/* Without a slot it is fine; and a freed slot can be taken again. */
	EXPECT_WIN(NO_ERROR, RtmRegisterEntity(&info, NULL, NULL, FALSE,
					       &prof, &extra));
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(extra));
	if (slots) {
		EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(h[0]));
		EXPECT_WIN(NO_ERROR, RtmRegisterEntity(&info, NULL, NULL, TRUE,
						       &prof, &extra));
	}
	/* Another table has slots of its own. */
	info = entity_info(INST, AF_INET6, PROTO, 1);
	EXPECT_WIN(NO_ERROR, RtmRegisterEntity(&info, NULL, NULL, TRUE, &prof,
					       &extra));
	free(h);
}

/* ------------------------------------------------------------------ */
/* Identities                                                           */
/* ------------------------------------------------------------------ */

TEST_F(entity, duplicate_same_process)
{
	RTM_ENTITY_INFO info = entity_info(INST, self->family, PROTO, 7);
	RTM_ENTITY_HANDLE h1, h2 = NULL, h3;
	RTM_ENTITY_INFO got;
	UINT n = 4;
	int fds;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, reg(&info, NULL, &h1));
	fds = count_fds();
	EXPECT_WIN(ERROR_ALREADY_EXISTS, reg(&info, NULL, &h2));
	EXPECT_WIN(ERROR_ALREADY_EXISTS, reg(&info, NULL, &h2));
	EXPECT_EQ(fds, count_fds());

	/* The first registration is untouched and alone. */
	EXPECT_WIN(NO_ERROR, RtmGetEntityInfo(h1, h1, &got));
	EXPECT_TRUE(same_info(&info, &got));
	EXPECT_WIN(NO_ERROR, RtmGetRegisteredEntities(h1, &n, NULL, NULL));
	EXPECT_EQ(1U, n);

	/* Once it is gone the identity is free again. */
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(h1));
	EXPECT_WIN(NO_ERROR, reg(&info, NULL, &h3));
	EXPECT_NE(hval(h1), hval(h3)) TH_LOG("a handle value was reused");
}

struct dup_arg {
	RTM_ENTITY_INFO info;
};

/* Register the identity, report, and leave without deregistering. */
static int peer_hold_identity(int rd, int wr, void *p)
{
	struct dup_arg *a = p;
	RTM_ENTITY_HANDLE h = NULL;
	struct msg m;
	DWORD st;

	st = reg(&a->info, NULL, &h);
	PEER_CHECK(msg_send(wr, 1, st, hval(h)) == 0);
	PEER_CHECK(st == NO_ERROR);
	PEER_CHECK(msg_expect(rd, 2, &m) == 0);
	return 0;
}

TEST(duplicate_other_process)
{
	struct dup_arg a = { .info = entity_info(INST, AF_INET, PROTO, 8) };
	RTM_ENTITY_HANDLE h = NULL;
	struct peer p;
	struct msg m;

	REQUIRE_RTM();
	ASSERT_EQ(0, peer_start(&p, peer_hold_identity, &a));
	ASSERT_EQ(0, msg_expect(p.rd, 1, &m));
	ASSERT_WIN(NO_ERROR, m.status);

	EXPECT_WIN(ERROR_ALREADY_EXISTS, reg(&a.info, NULL, &h));

	/* The peer exits without deregistering: the identity is freed. */
	ASSERT_EQ(0, msg_send(p.wr, 2, 0, 0));
	ASSERT_EQ(0, peer_wait(&p, WAIT_MS));
	EXPECT_WIN(NO_ERROR, reg(&a.info, NULL, &h));
	EXPECT_NE(m.value, hval(h));
}

TEST_F(entity, distinct_ids)
{
	RTM_ENTITY_INFO infos[] = {
		entity_info(INST, self->family, PROTO, 1),
		entity_info(INST, self->family, PROTO, 2),	/* instance id */
		entity_info(INST, self->family, PROTO + 1, 1),	/* protocol */
		entity_info(INST, self->family, PROTO + 1, 0),
	};
	RTM_ENTITY_HANDLE h[ARRAY_SIZE(infos)], listed[8];
	RTM_ENTITY_INFO got[8];
	unsigned int i, j;
	UINT n = 8;

	REQUIRE_RTM();
	for (i = 0; i < ARRAY_SIZE(infos); i++)
		ASSERT_WIN(NO_ERROR, reg(&infos[i], NULL, &h[i]))
			TH_LOG("entity %u", i);

	ASSERT_WIN(NO_ERROR, RtmGetRegisteredEntities(h[0], &n, listed, got));
	ASSERT_EQ(ARRAY_SIZE(infos), n);
	for (i = 0; i < ARRAY_SIZE(infos); i++) {
		for (j = 0; j < n; j++)
			if (listed[j] == h[i])
				break;
		ASSERT_LT(j, n) TH_LOG("entity %u is not listed", i);
		EXPECT_TRUE(same_info(&infos[i], &got[j]));
	}
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(h[0], n, listed));
}

TEST(tables_are_independent)
{
	/* One identity in three tables: IPv4, IPv6, and another instance. */
	RTM_ENTITY_INFO infos[] = {
		entity_info(INST, AF_INET, PROTO, 1),
		entity_info(INST, AF_INET6, PROTO, 1),
		entity_info(INST + 1, AF_INET, PROTO, 1),
	};
	RTM_ENTITY_HANDLE h[ARRAY_SIZE(infos)], listed[4];
	RTM_ENTITY_INFO got[4], info;
	unsigned int i, j;
	UINT n;

	REQUIRE_RTM();
	for (i = 0; i < ARRAY_SIZE(infos); i++)
		ASSERT_WIN(NO_ERROR, reg(&infos[i], NULL, &h[i]))
			TH_LOG("table %u", i);

	for (i = 0; i < ARRAY_SIZE(infos); i++) {
		n = 4;
		EXPECT_WIN(NO_ERROR,
			   RtmGetRegisteredEntities(h[i], &n, listed, got));
		EXPECT_EQ(1U, n) TH_LOG("table %u lists %u entities", i, n);
		if (n != 1)
			continue;
		EXPECT_EQ(hval(h[i]), hval(listed[0]));
		EXPECT_TRUE(same_info(&infos[i], &got[0]));
		EXPECT_WIN(NO_ERROR, RtmReleaseEntities(h[i], 1, listed));

		/* Entities of another table are not visible. */
		for (j = 0; j < ARRAY_SIZE(infos); j++) {
			if (j == i)
				continue;
			EXPECT_WIN(ERROR_INVALID_HANDLE,
				   RtmGetEntityInfo(h[i], h[j], &info))
				TH_LOG("table %u sees entity of table %u", i, j);
			EXPECT_WIN(ERROR_INVALID_HANDLE,
				   RtmReferenceHandles(h[i], 1, &h[j]));
		}
	}
}

struct two_arg {
	RTM_ENTITY_INFO mine;
	RTM_ENTITY_INFO theirs;
};

/* Register, then check that the test's entity is listed, with its info. */
static int peer_see_other(int rd, int wr, void *p)
{
	struct two_arg *a = p;
	RTM_ENTITY_HANDLE h = NULL, listed[4];
	RTM_ENTITY_INFO got[4], info;
	struct msg m;
	bool found = false;
	UINT n = 4, i;
	DWORD st;

	st = reg(&a->mine, NULL, &h);
	PEER_CHECK(msg_send(wr, 1, st, hval(h)) == 0);
	PEER_CHECK(st == NO_ERROR);
	PEER_CHECK(msg_expect(rd, 2, &m) == 0);		/* test registered */

	PEER_CHECK(RtmGetRegisteredEntities(h, &n, listed, got) == NO_ERROR);
	PEER_CHECK(n == 2);
	for (i = 0; i < n; i++) {
		if (hval(listed[i]) != m.value)
			continue;
		found = true;
		PEER_CHECK(same_info(&got[i], &a->theirs));
	}
	PEER_CHECK(found);
	PEER_CHECK(RtmGetEntityInfo(h, mkhandle(m.value), &info) == NO_ERROR);
	PEER_CHECK(same_info(&info, &a->theirs));
	PEER_CHECK(RtmReleaseEntities(h, n, listed) == NO_ERROR);
	PEER_CHECK(msg_send(wr, 3, 0, 0) == 0);
	PEER_CHECK(msg_expect(rd, 4, &m) == 0);		/* test is done */
	PEER_CHECK(RtmDeregisterEntity(h) == NO_ERROR);
	return 0;
}

TEST_F(entity, two_processes)
{
	struct two_arg a = {
		.mine = entity_info(INST, self->family, PROTO, 2),
		.theirs = entity_info(INST, self->family, PROTO, 1),
	};
	RTM_ENTITY_HANDLE h, listed[4];
	RTM_ENTITY_INFO got[4];
	bool found = false;
	struct peer p;
	struct msg m;
	UINT n = 4, i;

	REQUIRE_RTM();
	ASSERT_EQ(0, peer_start(&p, peer_see_other, &a));
	ASSERT_EQ(0, msg_expect(p.rd, 1, &m));
	ASSERT_WIN(NO_ERROR, m.status);
	ASSERT_WIN(NO_ERROR, reg(&a.theirs, NULL, &h));
	ASSERT_EQ(0, msg_send(p.wr, 2, 0, hval(h)));

	/* Handles are the same for every registration of the namespace. */
	ASSERT_WIN(NO_ERROR, RtmGetRegisteredEntities(h, &n, listed, got));
	EXPECT_EQ(2U, n);
	for (i = 0; i < n; i++) {
		if (hval(listed[i]) != m.value)
			continue;
		found = true;
		EXPECT_TRUE(same_info(&got[i], &a.mine));
	}
	EXPECT_TRUE(found) TH_LOG("the peer's entity is not listed");
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(h, n, listed));

	EXPECT_EQ(0, msg_expect(p.rd, 3, &m));
	EXPECT_EQ(0, msg_send(p.wr, 4, 0, 0));
	EXPECT_EQ(0, peer_wait(&p, WAIT_MS));
}

/* ------------------------------------------------------------------ */
/* RtmGetRegisteredEntities and RtmReleaseEntities                      */
/* ------------------------------------------------------------------ */

TEST_F(entity, list_full_buffer)
{
	RTM_ENTITY_HANDLE h[NENT + 3];
	RTM_ENTITY_INFO info[NENT + 3];
	struct rtm_stats base, st;
	unsigned int cap;
	struct group g;
	UINT n;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, group_register(&g, self->family, PROTO));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));

	for (cap = NENT; cap <= NENT + 3; cap++) {
		fill_sentinels(h, info, ARRAY_SIZE(h));
		n = cap;
		ASSERT_WIN(NO_ERROR, RtmGetRegisteredEntities(g.h[0], &n, h, info))
			TH_LOG("capacity %u", cap);
		ASSERT_EQ((UINT)NENT, n);
		ASSERT_TRUE(check_listed(_metadata, &g, h, info, n,
					 ARRAY_SIZE(h)));

		/* One reference per handle written, released exactly. */
		ASSERT_EQ(0, read_stats(&st));
		EXPECT_EQ(base.holds + NENT, st.holds);
		EXPECT_WIN(NO_ERROR, RtmReleaseEntities(g.h[0], n, h));
		EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(g.h[0], n, h));
		ASSERT_EQ(0, read_stats(&st));
		EXPECT_EQ(base.holds, st.holds);
	}
}

/* Reference section 11 item 2: fill what fits, report the total. */
TEST_F(entity, list_short_buffer)
{
	RTM_ENTITY_HANDLE h[NENT + 1];
	RTM_ENTITY_INFO info[NENT + 1];
	struct rtm_stats base, st;
	unsigned int cap, mode;
	struct group g;
	UINT n;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, group_register(&g, self->family, PROTO));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));

	/* mode: 1 handles only, 2 infos only, 3 both */
	for (mode = 1; mode <= 3; mode++) {
		RTM_ENTITY_HANDLE *hp = mode & 1 ? h : NULL;
		RTM_ENTITY_INFO *ip = mode & 2 ? info : NULL;

		for (cap = 0; cap < NENT; cap++) {
			fill_sentinels(h, info, ARRAY_SIZE(h));
			n = cap;
			EXPECT_WIN(ERROR_INSUFFICIENT_BUFFER,
				   RtmGetRegisteredEntities(g.h[0], &n, hp, ip))
				TH_LOG("mode %u capacity %u", mode, cap);
			EXPECT_EQ((UINT)NENT, n)
				TH_LOG("mode %u capacity %u: not the total",
				       mode, cap);
			ASSERT_TRUE(check_listed(_metadata, &g, hp, ip, cap,
						 ARRAY_SIZE(h)))
				TH_LOG("mode %u capacity %u", mode, cap);

			ASSERT_EQ(0, read_stats(&st));
			EXPECT_EQ(base.holds + (hp ? cap : 0), st.holds)
				TH_LOG("mode %u capacity %u", mode, cap);
			if (hp && cap) {
				EXPECT_WIN(NO_ERROR,
					   RtmReleaseEntities(g.h[0], cap, h));
				EXPECT_WIN(ERROR_INVALID_HANDLE,
					   RtmReleaseEntities(g.h[0], cap, h));
			}
			ASSERT_EQ(0, read_stats(&st));
			EXPECT_EQ(base.holds, st.holds);
		}
	}
}

TEST_F(entity, list_arrays)
{
	RTM_ENTITY_HANDLE h[NENT];
	RTM_ENTITY_INFO info[NENT];
	struct rtm_stats base, st;
	struct group g;
	UINT n;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, group_register(&g, self->family, PROTO));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));

	/* Handles only. */
	fill_sentinels(h, NULL, NENT);
	n = NENT;
	EXPECT_WIN(NO_ERROR, RtmGetRegisteredEntities(g.h[0], &n, h, NULL));
	EXPECT_EQ((UINT)NENT, n);
	EXPECT_TRUE(check_listed(_metadata, &g, h, NULL, n, NENT));
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(g.h[0], n, h));

	/* Infos only: no handle, so no reference, is handed out. */
	fill_sentinels(NULL, info, NENT);
	n = NENT;
	EXPECT_WIN(NO_ERROR, RtmGetRegisteredEntities(g.h[0], &n, NULL, info));
	EXPECT_EQ((UINT)NENT, n);
	EXPECT_TRUE(check_listed(_metadata, &g, NULL, info, n, NENT));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds, st.holds);
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(g.h[0], 1, &g.h[1]));

	/* Both. */
	fill_sentinels(h, info, NENT);
	n = NENT;
	EXPECT_WIN(NO_ERROR, RtmGetRegisteredEntities(g.h[0], &n, h, info));
	EXPECT_EQ((UINT)NENT, n);
	EXPECT_TRUE(check_listed(_metadata, &g, h, info, n, NENT));
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(g.h[0], n, h));

	/* Neither: a count query. */
	n = NENT;
	EXPECT_WIN(NO_ERROR, RtmGetRegisteredEntities(g.h[0], &n, NULL, NULL));
	EXPECT_EQ((UINT)NENT, n);
	n = 100;
	EXPECT_WIN(NO_ERROR, RtmGetRegisteredEntities(g.h[0], &n, NULL, NULL));
	EXPECT_EQ((UINT)NENT, n);
	n = 0;
	EXPECT_WIN(ERROR_INSUFFICIENT_BUFFER,
		   RtmGetRegisteredEntities(g.h[0], &n, NULL, NULL));
	EXPECT_EQ((UINT)NENT, n);
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds, st.holds);

	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetRegisteredEntities(g.h[0], NULL, h, info));
}

TEST_F(entity, release_all_or_nothing)
{
	RTM_ENTITY_HANDLE h[NENT + 1], late;
	RTM_ENTITY_INFO info = entity_info(INST, self->family, PROTO + 1, 1);
	struct rtm_stats base, st;
	struct group g;
	UINT n = NENT;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, group_register(&g, self->family, PROTO));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_WIN(NO_ERROR, RtmGetRegisteredEntities(g.h[0], &n, h, NULL));
	ASSERT_EQ((UINT)NENT, n);

	/* One more than was given (a handle held once, twice): nothing goes. */
	h[NENT] = h[0];
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(g.h[0], NENT + 1, h));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds + NENT, st.holds);

	/* An entity registered since, whose handle is not held, at the end. */
	ASSERT_WIN(NO_ERROR, reg(&info, NULL, &late));
	h[NENT] = late;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(g.h[0], NENT + 1, h));
	/* ... and at the start. */
	h[NENT] = h[0];
	h[0] = late;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(g.h[0], NENT + 1, h));
	h[0] = h[NENT];
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds + NENT, st.holds);

	/* All of them are still held: in two parts, then no more. */
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(g.h[0], 1, h));
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(g.h[0], NENT - 1, h + 1));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(g.h[0], 1, h));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(g.h[0], 1, h + 1));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds, st.holds);

	/* Nothing to release is nothing to fail. */
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(g.h[0], 0, NULL));
}

TEST(release_by_another_registration)
{
	RTM_ENTITY_HANDLE h[NENT];
	struct rtm_stats base, st;
	struct group g;
	UINT n = NENT;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, group_register(&g, AF_INET, PROTO));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_WIN(NO_ERROR, RtmGetRegisteredEntities(g.h[0], &n, h, NULL));

	/* References belong to the registration that got them. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(g.h[1], n, h));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(g.h[1], 1, h));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds + NENT, st.holds);
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(g.h[0], n, h));
}

/* ------------------------------------------------------------------ */
/* RtmGetEntityInfo, RtmReleaseEntityInfo, RtmReferenceHandles          */
/* ------------------------------------------------------------------ */

TEST_F(entity, entity_info)
{
	struct two_arg a = {
		.mine = entity_info(INST, self->family, PROTO, 2),
		.theirs = entity_info(INST, self->family, PROTO, 1),
	};
	struct rtm_stats base, st;
	RTM_ENTITY_HANDLE h;
	RTM_ENTITY_INFO info;
	struct peer p;
	struct msg m;

	REQUIRE_RTM();
	ASSERT_EQ(0, peer_start(&p, peer_see_other, &a));
	ASSERT_EQ(0, msg_expect(p.rd, 1, &m));
	ASSERT_WIN(NO_ERROR, m.status);
	ASSERT_WIN(NO_ERROR, reg(&a.theirs, NULL, &h));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));

	/* Another process's entity. */
	memset(&info, 0xa5, sizeof(info));
	EXPECT_WIN(NO_ERROR, RtmGetEntityInfo(h, mkhandle(m.value), &info));
	EXPECT_TRUE(same_info(&a.mine, &info));
	EXPECT_WIN(NO_ERROR, RtmReleaseEntityInfo(h, &info));

	/* Itself. */
	memset(&info, 0xa5, sizeof(info));
	EXPECT_WIN(NO_ERROR, RtmGetEntityInfo(h, h, &info));
	EXPECT_TRUE(same_info(&a.theirs, &info));
	EXPECT_WIN(NO_ERROR, RtmReleaseEntityInfo(h, &info));

	/* RTM_ENTITY_INFO holds no handle: nothing was referenced. */
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds, st.holds);

	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetEntityInfo(h, mkhandle(m.value), NULL));

	ASSERT_EQ(0, msg_send(p.wr, 2, 0, hval(h)));
	EXPECT_EQ(0, msg_expect(p.rd, 3, &m));
	EXPECT_EQ(0, msg_send(p.wr, 4, 0, 0));
	EXPECT_EQ(0, peer_wait(&p, WAIT_MS));
}

TEST_F(entity, reference_handles)
{
	RTM_ENTITY_HANDLE h[NENT], mixed[2];
	struct rtm_stats base, st;
	struct group g;
	UINT n = NENT;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, group_register(&g, self->family, PROTO));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_WIN(NO_ERROR, RtmGetRegisteredEntities(g.h[0], &n, h, NULL));
	ASSERT_EQ((UINT)NENT, n);

	/* A second reference to each: two releases, then no more. */
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(g.h[0], n, h));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds + NENT, st.holds);
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(g.h[0], n, h));
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(g.h[0], n, h));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(g.h[0], n, h));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds, st.holds);

	/* A handle the caller did not hold yet, twice in one call. */
	mixed[0] = g.h[2];
	mixed[1] = g.h[2];
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(g.h[0], 2, mixed));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds + 1, st.holds);
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(g.h[0], 2, mixed));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(g.h[0], 1, mixed));

	/* All or nothing: a bad handle after a good one takes nothing. */
	mixed[0] = g.h[1];
	mixed[1] = mkhandle(0xdeadbeef);
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReferenceHandles(g.h[0], 2, mixed));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(g.h[0], 1, mixed));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.holds, st.holds);

	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(g.h[0], 0, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER, RtmReferenceHandles(g.h[0], 1, NULL));
}

/* ------------------------------------------------------------------ */
/* Bad handles                                                          */
/* ------------------------------------------------------------------ */

/* Every entity call with @bad where an entity handle belongs. */
static void check_bad_handle(struct __test_metadata *_metadata,
			     RTM_ENTITY_HANDLE me, RTM_ENTITY_HANDLE bad)
{
	RTM_ENTITY_HANDLE list[4];
	RTM_ENTITY_INFO info;
	UINT n = 4;

	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetEntityInfo(me, bad, &info))
		TH_LOG("handle %#llx", (unsigned long long)hval(bad));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReferenceHandles(me, 1, &bad))
		TH_LOG("handle %#llx", (unsigned long long)hval(bad));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(me, 1, &bad))
		TH_LOG("handle %#llx", (unsigned long long)hval(bad));

	/* ... and as the caller's registration handle. */
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmGetRegisteredEntities(bad, &n, list, NULL))
		TH_LOG("handle %#llx", (unsigned long long)hval(bad));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetEntityInfo(bad, me, &info))
		TH_LOG("handle %#llx", (unsigned long long)hval(bad));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntityInfo(bad, &info))
		TH_LOG("handle %#llx", (unsigned long long)hval(bad));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReferenceHandles(bad, 1, &me))
		TH_LOG("handle %#llx", (unsigned long long)hval(bad));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(bad, 1, &me))
		TH_LOG("handle %#llx", (unsigned long long)hval(bad));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeregisterEntity(bad))
		TH_LOG("handle %#llx", (unsigned long long)hval(bad));
}

TEST(bad_handles)
{
	static const uint64_t junk[] = {
		0, 1, 0xdeadbeef, 0xffffffffffffffffULL,
		(uint64_t)HANDLE_KIND_ENTITY << HANDLE_KIND_SHIFT,	/* id 0 */
		((uint64_t)HANDLE_KIND_ENTITY << HANDLE_KIND_SHIFT) |
			((1ULL << HANDLE_KIND_SHIFT) - 1),		/* never issued */
	};
	RTM_ENTITY_INFO ia = entity_info(INST, AF_INET, PROTO, 1);
	RTM_ENTITY_INFO ib = entity_info(INST, AF_INET, PROTO, 2);
	RTM_ENTITY_HANDLE a, b, wrong;
	unsigned int i, kind;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, reg(&ia, NULL, &a));
	ASSERT_WIN(NO_ERROR, reg(&ib, NULL, &b));
	wrong = handle_with_kind(b, 2);

	for (i = 0; i < ARRAY_SIZE(junk); i++)
		check_bad_handle(_metadata, a, mkhandle(junk[i]));

	/*
	 * Wrong kinds: b with another kind byte (white box, see
	 * rtm_selftest.h): dest, route, next hop and kinds that do not exist.
	 */
	for (kind = 0; kind < 256; kind++) {
		if (kind == HANDLE_KIND_ENTITY)
			continue;
		if (kind > 8 && kind != 0x7f && kind != 0x80 && kind != 0xff)
			continue;
		check_bad_handle(_metadata, a, handle_with_kind(b, kind));
	}

	/* b itself is fine; a held handle released as a dest stays held. */
	ASSERT_WIN(NO_ERROR, RtmReferenceHandles(a, 1, &b));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(a, 1, &wrong));
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(a, 1, &b));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(a, 1, &b));
}

TEST(released_handle)
{
	RTM_ENTITY_INFO ia = entity_info(INST, AF_INET, PROTO, 1);
	RTM_ENTITY_INFO ib = entity_info(INST, AF_INET, PROTO, 2);
	RTM_ENTITY_HANDLE a, b, held;
	RTM_ENTITY_INFO info;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, reg(&ia, NULL, &a));
	ASSERT_WIN(NO_ERROR, reg(&ib, NULL, &b));
	held = b;
	ASSERT_WIN(NO_ERROR, RtmReferenceHandles(a, 1, &held));
	ASSERT_WIN(NO_ERROR, RtmReleaseEntities(a, 1, &held));

	/* Released once too often. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseEntities(a, 1, &held));
	/*
	 * A handle names the object, not a reference: a live entity stays
	 * readable and referenceable through it.
	 */
	EXPECT_WIN(NO_ERROR, RtmGetEntityInfo(a, held, &info));
	EXPECT_TRUE(same_info(&ib, &info));
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(a, 1, &held));
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(a, 1, &held));
}

TEST(stale_handle)
{
	RTM_ENTITY_INFO ia = entity_info(INST, AF_INET, PROTO, 1);
	RTM_ENTITY_INFO ib = entity_info(INST, AF_INET, PROTO, 2);
	RTM_ENTITY_HANDLE a, b, b2;
	struct rtm_stats base, st;
	RTM_ENTITY_INFO info;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, reg(&ia, NULL, &a));
	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_WIN(NO_ERROR, reg(&ib, NULL, &b));
	ASSERT_WIN(NO_ERROR, RtmReferenceHandles(a, 1, &b));
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(b));

	/* b is gone: not readable, not referenceable. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetEntityInfo(a, b, &info));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReferenceHandles(a, 1, &b));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(base.entities, st.entities);

	/* The reference a took before is still a's to release, once. */
	EXPECT_EQ(base.holds + 1, st.holds);
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(a, 1, &b));
	EXPECT_TRUE(stats_settle(&base, &st, WAIT_MS))
		TH_LOG("entities %ld handles %ld holds %ld, want %ld %ld %ld",
		       st.entities, st.handles, st.holds,
		       base.entities, base.handles, base.holds);

	/* Now it is bad everywhere, also as a registration handle. */
	check_bad_handle(_metadata, a, b);

	/* The same identity again: a new handle; the old one stays dead. */
	ASSERT_WIN(NO_ERROR, reg(&ib, NULL, &b2));
	EXPECT_NE(hval(b), hval(b2));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetEntityInfo(a, b, &info));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReferenceHandles(a, 1, &b));
	EXPECT_WIN(NO_ERROR, RtmGetEntityInfo(a, b2, &info));
	EXPECT_TRUE(same_info(&ib, &info));
}

/* ------------------------------------------------------------------ */
/* Privilege and namespaces                                             */
/* ------------------------------------------------------------------ */

static void check_cap_refused(struct __test_metadata *_metadata, bool all)
{
	RTM_ENTITY_INFO info = entity_info(INST, AF_INET, PROTO, 1);
	RTM_ENTITY_HANDLE h;
	struct rtm_stats before, after;
	int fds;

	/* With the capability it works (this test runs in its own process). */
	ASSERT_WIN(NO_ERROR, reg(&info, NULL, &h));
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(h));

	ASSERT_EQ(0, cap_drop(CAP_NET_ADMIN, all));
	ASSERT_EQ(0, cap_effective(CAP_NET_ADMIN));
	ASSERT_EQ(0, read_stats(&before));
	fds = count_fds();
	EXPECT_WIN(ERROR_ACCESS_DENIED, reg(&info, NULL, &h));
	EXPECT_EQ(fds, count_fds());
	ASSERT_EQ(0, read_stats(&after));
	EXPECT_EQ(before.entities, after.entities);
}

TEST(no_net_admin)
{
	REQUIRE_RTM();
	check_cap_refused(_metadata, true);
}

TEST(no_effective_net_admin)
{
	REQUIRE_RTM();
	check_cap_refused(_metadata, false);
}

struct netns_arg {
	RTM_ENTITY_INFO info;
};

/* In a new network namespace: register the test's identity and look. */
static int peer_netns(int rd, int wr, void *p)
{
	struct netns_arg *a = p;
	RTM_ENTITY_HANDLE h = NULL, listed[4], other;
	RTM_ENTITY_INFO got[4], info;
	struct rtm_stats st;
	struct msg m;
	UINT n = 4;
	DWORD status;

	PEER_CHECK(msg_expect(rd, 1, &m) == 0);		/* test registered */
	other = mkhandle(m.value);
	PEER_CHECK(unshare(CLONE_NEWNET) == 0);

	status = reg(&a->info, NULL, &h);
	PEER_CHECK(msg_send(wr, 2, status, hval(h)) == 0);
	PEER_CHECK(status == NO_ERROR);
	PEER_CHECK(RtmGetRegisteredEntities(h, &n, listed, got) == NO_ERROR);
	PEER_CHECK(n == 1);
	PEER_CHECK(listed[0] == h);
	PEER_CHECK(same_info(&got[0], &a->info));
	PEER_CHECK(RtmReleaseEntities(h, n, listed) == NO_ERROR);
	PEER_CHECK(RtmGetEntityInfo(h, other, &info) == ERROR_INVALID_HANDLE);
	PEER_CHECK(RtmReferenceHandles(h, 1, &other) == ERROR_INVALID_HANDLE);
	/* /proc/net is this namespace's. */
	PEER_CHECK(read_stats(&st) == 0);
	PEER_CHECK(st.entities == 1);

	PEER_CHECK(msg_send(wr, 3, 0, 0) == 0);
	PEER_CHECK(msg_expect(rd, 4, &m) == 0);		/* test is done */
	return 0;
}

TEST(netns)
{
	struct netns_arg a = { .info = entity_info(INST, AF_INET, PROTO, 1) };
	RTM_ENTITY_HANDLE h, listed[4], other;
	RTM_ENTITY_INFO got[4], info;
	struct rtm_stats before, st;
	struct peer p;
	struct msg m;
	UINT n = 4;

	REQUIRE_RTM();
	ASSERT_EQ(0, peer_start(&p, peer_netns, &a));
	ASSERT_EQ(0, read_stats(&before));
	ASSERT_WIN(NO_ERROR, reg(&a.info, NULL, &h));
	ASSERT_EQ(0, msg_send(p.wr, 1, 0, hval(h)));

	/* The same identity is free in the other namespace. */
	ASSERT_EQ(0, msg_expect(p.rd, 2, &m));
	ASSERT_WIN(NO_ERROR, m.status);
	other = mkhandle(m.value);
	ASSERT_EQ(0, msg_expect(p.rd, 3, &m))
		TH_LOG("the peer's checks failed");

	/* Neither sees the other. */
	ASSERT_WIN(NO_ERROR, RtmGetRegisteredEntities(h, &n, listed, got));
	EXPECT_EQ(1U, n);
	EXPECT_EQ(hval(h), hval(listed[0]));
	EXPECT_TRUE(same_info(&a.info, &got[0]));
	EXPECT_WIN(NO_ERROR, RtmReleaseEntities(h, n, listed));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetEntityInfo(h, other, &info));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReferenceHandles(h, 1, &other));
	ASSERT_EQ(0, read_stats(&st));
	EXPECT_EQ(before.entities + 1, st.entities);

	EXPECT_EQ(0, msg_send(p.wr, 4, 0, 0));
	EXPECT_EQ(0, peer_wait(&p, WAIT_MS));
}

TEST_HARNESS_MAIN
