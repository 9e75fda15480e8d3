// SPDX-License-Identifier: GPL-2.0
/*
 * Next hops (reference sections 4.7, 7.4, 7.7, 7.11, 8.2, 8.3, 10, 11
 * item 11): RtmAddNextHop, RtmFindNextHop, RtmDeleteNextHop,
 * RtmGetNextHopInfo, RtmReleaseNextHopInfo, RtmReleaseNextHops,
 * RtmGetNextHopPointer and RtmLockNextHop: each success path and error
 * code, next hops private to their owner, handles held across deletion
 * (state DELETED, still readable), RemoteNextHop of REMOTE next hops, the
 * exclusive lock's write-back, and the reference counts back at their
 * baseline once everything is released.
 *
 * Every test uses RTM instance INST, which no other test program uses.
 * The fixture registers two entities, A and B, of one table; its teardown
 * deregisters them and checks that the namespace's counters are back where
 * they were and that the table holds nothing.
 */
#include "kselftest_harness.h"
#include "rtm_selftest.h"
#include "route_helpers.h"

#define INST		10
#define PROTO_A		0x7100
#define PROTO_B		0x7200

FIXTURE(nh) {
	USHORT fam;
	bool ready;
	struct rtm_stats base;	/* before A and B */
	struct rtm_stats regd;	/* with A and B, holding nothing */
	struct ent a, b;
};

FIXTURE_VARIANT(nh) {
	USHORT fam;
};

FIXTURE_VARIANT_ADD(nh, ipv4) {
	.fam = AF_INET,
};

FIXTURE_VARIANT_ADD(nh, ipv6) {
	.fam = AF_INET6,
};

FIXTURE_SETUP(nh)
{
	self->fam = variant->fam;
	if (!rtm_present() || cap_effective(CAP_NET_ADMIN) != 1)
		return;
	ASSERT_EQ(0, read_stats_steady(&self->base, WAIT_MS));
	ASSERT_WIN(NO_ERROR, ent_register(&self->a, INST, self->fam, PROTO_A,
					  1, NULL));
	ASSERT_WIN(NO_ERROR, ent_register(&self->b, INST, self->fam, PROTO_B,
					  1, NULL));
	ASSERT_EQ(0, read_stats(&self->regd));
	self->ready = true;
}

FIXTURE_TEARDOWN(nh)
{
	if (!self->ready)
		return;
	EXPECT_WIN(NO_ERROR, ent_deregister(&self->a));
	EXPECT_WIN(NO_ERROR, ent_deregister(&self->b));
	EXPECT_STATS(&self->base);
	EXPECT_TABLE_EMPTY(INST, self->fam);
}

/* A next hop address of the fixture's family: 10.0.0.@n. */
static RTM_NET_ADDRESS nh_addr(USHORT fam, uint8_t n)
{
	return host(fam, 10, 0, 0, n);
}

/* Check a next hop info against what was added. */
static void check_info(struct __test_metadata *_metadata,
		       const RTM_NEXTHOP_INFO *got, RTM_NET_ADDRESS addr,
		       ULONG ifindex, RTM_ENTITY_HANDLE owner, USHORT state,
		       USHORT flags, uintptr_t esi)
{
	char b1[64], b2[64];

	EXPECT_TRUE(same_addr(&addr, &got->NextHopAddress))
		TH_LOG("address %s, want %s",
		       pfx_str(&got->NextHopAddress, b1, sizeof(b1)),
		       pfx_str(&addr, b2, sizeof(b2)));
	EXPECT_EQ(ifindex, got->InterfaceIndex);
	EXPECT_EQ(hval(owner), hval(got->NextHopOwner));
	EXPECT_EQ(state, got->State);
	EXPECT_EQ(flags, got->Flags);
	EXPECT_EQ(esi, (uintptr_t)got->EntitySpecificInfo);
}

/* ------------------------------------------------------------------ */

TEST_F(nh, add_find_info_delete)
{
	RTM_NET_ADDRESS addr = nh_addr(self->fam, 1);
	RTM_NEXTHOP_INFO in = nh_info(addr, 3, 0, 0x1234), out;
	RTM_NEXTHOP_HANDLE h = NULL, h2 = NULL, h3 = NULL, other = NULL;
	RTM_NEXTHOP_INFO *p = NULL;
	RTM_NEXTHOP_CHANGE_FLAGS cf;

	REQUIRE_RTM();
	EXPECT_EQ(0x01, RTM_NEXTHOP_CHANGE_NEW);
	EXPECT_EQ(0, RTM_NEXTHOP_STATE_CREATED);
	EXPECT_EQ(1, RTM_NEXTHOP_STATE_DELETED);

	/* Owner and state on input are ignored. */
	in.NextHopOwner = mkhandle(0xdeadbeef);
	in.State = 7;
	in.RemoteNextHop = mkhandle(0xfeed);
	cf = 0xff;
	ASSERT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &h, &cf));
	ASSERT_NE(NULL, h);
	EXPECT_EQ(4U, handle_kind(h));
	EXPECT_EQ((DWORD)RTM_NEXTHOP_CHANGE_NEW, cf);
	EXPECT_HOLDS(self->regd.holds + 1);
	EXPECT_TABLE(INST, self->fam, 0, 0, 1);

	memset(&out, 0x5a, sizeof(out));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, h, &out));
	check_info(_metadata, &out, addr, 3, self->a.h,
		   RTM_NEXTHOP_STATE_CREATED, 0, 0x1234);
	EXPECT_EQ(NULL, out.RemoteNextHop);
	/* The owner handle in it is held: +1, gone with the release. */
	EXPECT_HOLDS(self->regd.holds + 2);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));
	EXPECT_HOLDS(self->regd.holds + 1);
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHopInfo(self->a.h, &out));

	/* Same key, no handle asked: an update (flags 0), in place. */
	in = nh_info(addr, 3, RTM_NEXTHOP_FLAGS_DOWN, 0x5678);
	cf = 0xff;
	EXPECT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, NULL, &cf));
	EXPECT_EQ(0U, cf);
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, h, &out));
	check_info(_metadata, &out, addr, 3, self->a.h,
		   RTM_NEXTHOP_STATE_CREATED, RTM_NEXTHOP_FLAGS_DOWN, 0x5678);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));

	/* Same key with a NULL handle: the same next hop, held once more. */
	cf = 0xff;
	EXPECT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &h2, &cf));
	EXPECT_EQ(0U, cf);
	EXPECT_EQ(hval(h), hval(h2));

	/* Another interface is another next hop. */
	in = nh_info(addr, 4, 0, 0);
	cf = 0;
	EXPECT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &other, &cf));
	EXPECT_EQ((DWORD)RTM_NEXTHOP_CHANGE_NEW, cf);
	EXPECT_NE(hval(h), hval(other));
	EXPECT_TABLE(INST, self->fam, 0, 0, 2);

	/* Find: a held handle, and the pointer to its shadow. */
	in = nh_info(addr, 3, 0, 0);
	EXPECT_WIN(NO_ERROR, RtmFindNextHop(self->a.h, &in, &h3, &p));
	EXPECT_EQ(hval(h), hval(h3));
	ASSERT_NE(NULL, p);
	check_info(_metadata, p, addr, 3, self->a.h,
		   RTM_NEXTHOP_STATE_CREATED, RTM_NEXTHOP_FLAGS_DOWN, 0x5678);
	h3 = NULL;
	EXPECT_WIN(NO_ERROR, RtmFindNextHop(self->a.h, &in, &h3, NULL));
	EXPECT_EQ(hval(h), hval(h3));
	in = nh_info(addr, 5, 0, 0);
	EXPECT_WIN(ERROR_NOT_FOUND, RtmFindNextHop(self->a.h, &in, &h3, NULL));
	/* h is held four times now (add, add, find, find); other once. */
	EXPECT_HOLDS(self->regd.holds + 2);

	/* Delete consumes one; the handles still held read it as DELETED. */
	EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, h, NULL));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, h, &out));
	check_info(_metadata, &out, addr, 3, self->a.h,
		   RTM_NEXTHOP_STATE_DELETED, RTM_NEXTHOP_FLAGS_DOWN, 0x5678);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));
	in = nh_info(addr, 3, 0, 0);
	EXPECT_WIN(ERROR_NOT_FOUND, RtmFindNextHop(self->a.h, &in, &h3, NULL));
	EXPECT_WIN(ERROR_NOT_FOUND, RtmDeleteNextHop(self->a.h, h, NULL));
	EXPECT_WIN(ERROR_NOT_FOUND, RtmDeleteNextHop(self->a.h, NULL, &in));
	/* Still counted while held. */
	EXPECT_TABLE(INST, self->fam, 0, 0, 2);

	/* Three references left: three releases, then the handle is dead. */
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 1, &h));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 1, &h));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 1, &h));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHops(self->a.h, 1, &h));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetNextHopInfo(self->a.h, h, &out));
	EXPECT_TABLE(INST, self->fam, 0, 0, 1);

	/* A live next hop whose handles are all released stays findable. */
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 1, &other));
	EXPECT_HOLDS(self->regd.holds);
	in = nh_info(addr, 4, 0, 0);
	h3 = NULL;
	EXPECT_WIN(NO_ERROR, RtmFindNextHop(self->a.h, &in, &h3, NULL));
	EXPECT_EQ(hval(other), hval(h3));
	EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, h3, NULL));
	EXPECT_HOLDS(self->regd.holds);
	EXPECT_TABLE(INST, self->fam, 0, 0, 0);
	EXPECT_STATS(&self->regd);
}

/* Update by handle: the writable fields change, the key may not. */
TEST_F(nh, update_by_handle)
{
	RTM_NET_ADDRESS addr = nh_addr(self->fam, 2);
	RTM_NEXTHOP_INFO in = nh_info(addr, 7, 0, 1), out;
	RTM_NEXTHOP_HANDLE h = NULL, same;
	RTM_NEXTHOP_CHANGE_FLAGS cf;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &h, &cf));

	in = nh_info(addr, 7, RTM_NEXTHOP_FLAGS_REMOTE, 2);
	same = h;
	cf = 0xff;
	EXPECT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &same, &cf));
	EXPECT_EQ(0U, cf);
	EXPECT_EQ(hval(h), hval(same));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, h, &out));
	check_info(_metadata, &out, addr, 7, self->a.h,
		   RTM_NEXTHOP_STATE_CREATED, RTM_NEXTHOP_FLAGS_REMOTE, 2);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));

	/* The key (address, interface) of a next hop never changes. */
	in = nh_info(addr, 8, 0, 3);
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmAddNextHop(self->a.h, &in, &same, &cf));
	in = nh_info(nh_addr(self->fam, 3), 7, 0, 3);
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmAddNextHop(self->a.h, &in, &same, &cf));
	/* Flags beyond REMOTE and DOWN are refused, by handle or by key. */
	in = nh_info(addr, 7, 0x4, 3);
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmAddNextHop(self->a.h, &in, &same, &cf));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmAddNextHop(self->a.h, &in, NULL, &cf));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, h, &out));
	check_info(_metadata, &out, addr, 7, self->a.h,
		   RTM_NEXTHOP_STATE_CREATED, RTM_NEXTHOP_FLAGS_REMOTE, 2);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));
	EXPECT_TABLE(INST, self->fam, 0, 0, 1);

	/* A deleted next hop, even by a handle still held, is not updated. */
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &h));
	EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, h, NULL));
	in = nh_info(addr, 7, 0, 4);
	same = h;
	EXPECT_WIN(ERROR_NOT_FOUND, RtmAddNextHop(self->a.h, &in, &same, &cf));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 1, &h));
	EXPECT_STATS(&self->regd);
}

/* Delete by key, with the key's host bits masked like every address. */
TEST_F(nh, masked_addresses_and_delete_by_key)
{
	USHORT bits = fam_bits(self->fam);
	RTM_NET_ADDRESS a24 = pfx(self->fam, 24, 10, 1, 2, 3);
	RTM_NET_ADDRESS a24b = pfx(self->fam, 24, 10, 1, 2, 77);
	RTM_NET_ADDRESS want = pfx(self->fam, 24, 10, 1, 2, 0);
	RTM_NEXTHOP_INFO in, out;
	RTM_NEXTHOP_HANDLE h = NULL, h2 = NULL;
	RTM_NEXTHOP_CHANGE_FLAGS cf;

	REQUIRE_RTM();
	in = nh_info(a24, 1, 0, 0);
	ASSERT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &h, &cf));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, h, &out));
	EXPECT_TRUE(same_addr(&want, &out.NextHopAddress));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));
	/* 10.1.2.77/24 is the same key. */
	in = nh_info(a24b, 1, 0, 0);
	cf = 0xff;
	EXPECT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &h2, &cf));
	EXPECT_EQ(0U, cf);
	EXPECT_EQ(hval(h), hval(h2));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 1, &h2));

	/* Wrong family, too long: refused everywhere. */
	in = nh_info(a24, 1, 0, 0);
	in.NextHopAddress.AddressFamily = self->fam == AF_INET ? AF_INET6 : AF_INET;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmAddNextHop(self->a.h, &in, NULL, &cf));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmFindNextHop(self->a.h, &in, &h2, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmDeleteNextHop(self->a.h, NULL, &in));
	in = nh_info(host(self->fam, 10, 0, 0, 9), 1, 0, 0);
	in.NextHopAddress.NumBits = bits + 1;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmAddNextHop(self->a.h, &in, NULL, &cf));
	in.NextHopAddress.NumBits = 0xffff;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmAddNextHop(self->a.h, &in, NULL, &cf));
	EXPECT_TABLE(INST, self->fam, 0, 0, 1);

	/* Delete by key (host bits again ignored), not twice. */
	in = nh_info(a24b, 1, 0, 0);
	EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, NULL, &in));
	EXPECT_WIN(ERROR_NOT_FOUND, RtmDeleteNextHop(self->a.h, NULL, &in));
	/* The handle is still held: DELETED. */
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, h, &out));
	EXPECT_EQ(RTM_NEXTHOP_STATE_DELETED, out.State);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 1, &h));

	/* Full-length and zero-length next hop addresses are fine. */
	in = nh_info(host(self->fam, 10, 0, 0, 9), 1, 0, 0);
	EXPECT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, NULL, &cf));
	EXPECT_EQ((DWORD)RTM_NEXTHOP_CHANGE_NEW, cf);
	in = nh_info(pfx(self->fam, 0, 0, 0, 0, 0), 1, 0, 0);
	EXPECT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, NULL, &cf));
	EXPECT_EQ((DWORD)RTM_NEXTHOP_CHANGE_NEW, cf);
	EXPECT_TABLE(INST, self->fam, 0, 0, 2);
	EXPECT_HOLDS(self->regd.holds);
}

TEST_F(nh, null_arguments)
{
	RTM_NEXTHOP_INFO in = nh_info(nh_addr(self->fam, 1), 1, 0, 0);
	RTM_NEXTHOP_HANDLE h = NULL;
	RTM_NEXTHOP_INFO *p;
	RTM_NEXTHOP_CHANGE_FLAGS cf;
	RTM_ENTITY_HANDLE bogus = mkhandle(((uint64_t)HANDLE_KIND_ENTITY << 56) |
					   0xabcdef);

	REQUIRE_RTM();
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmAddNextHop(self->a.h, NULL, &h, &cf));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmAddNextHop(self->a.h, &in, &h, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmFindNextHop(self->a.h, NULL, &h, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmFindNextHop(self->a.h, &in, NULL, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmDeleteNextHop(self->a.h, NULL, NULL));
	EXPECT_TABLE(INST, self->fam, 0, 0, 0);

	ASSERT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &h, &cf));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetNextHopInfo(self->a.h, h, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmReleaseNextHopInfo(self->a.h, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmGetNextHopPointer(self->a.h, h, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmReleaseNextHops(self->a.h, 1, NULL));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 0, NULL));

	/* A registration handle that is not one. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmAddNextHop(bogus, &in, &h, &cf));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmAddNextHop(NULL, &in, &h, &cf));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmFindNextHop(bogus, &in, &h, NULL));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmDeleteNextHop(bogus, h, NULL));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetNextHopInfo(bogus, h, &in));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHopInfo(bogus, &in));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHops(bogus, 1, &h));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetNextHopPointer(bogus, h, &p));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmLockNextHop(bogus, h, TRUE, TRUE, &p));
	/* Nothing happened to h. */
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 1, &h));
	EXPECT_TABLE(INST, self->fam, 0, 0, 1);
}

/*
 * Every call that takes a next-hop handle refuses a zero one, garbage, one
 * of the wrong kind, one of a next hop that is gone, and one of another
 * table's next hop.
 */
TEST_F(nh, bad_handles)
{
	RTM_NEXTHOP_INFO in = nh_info(nh_addr(self->fam, 1), 1, 0, 0), out;
	RTM_NEXTHOP_HANDLE live = NULL, gone = NULL, foreign = NULL, bad[6], h;
	USHORT other_fam = self->fam == AF_INET ? AF_INET6 : AF_INET;
	RTM_NEXTHOP_CHANGE_FLAGS cf;
	RTM_NEXTHOP_INFO *p;
	struct ent x;
	unsigned int i;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &live, &cf));
	in = nh_info(nh_addr(self->fam, 2), 1, 0, 0);
	ASSERT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &gone, &cf));
	ASSERT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, gone, NULL));
	ASSERT_WIN(ERROR_INVALID_HANDLE, RtmGetNextHopInfo(self->a.h, gone, &out));
	/* Same instance, other family: another table. */
	ASSERT_WIN(NO_ERROR, ent_register(&x, INST, other_fam, PROTO_A, 9, NULL));
	ASSERT_WIN(NO_ERROR, nh_add(x.h, nh_addr(other_fam, 1), 1, &foreign));

	bad[0] = NULL;
	bad[1] = mkhandle((4ULL << 56) | 0xffffffffffULL);
	bad[2] = handle_with_kind(live, 3);	/* a route's kind */
	bad[3] = handle_with_kind(live, 0x7f);
	bad[4] = gone;
	bad[5] = foreign;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmGetNextHopInfo(self->a.h, bad[i], &out))
			TH_LOG("handle %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmReleaseNextHops(self->a.h, 1, &bad[i]))
			TH_LOG("handle %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmGetNextHopPointer(self->a.h, bad[i], &p))
			TH_LOG("handle %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmLockNextHop(self->a.h, bad[i], TRUE, TRUE, &p))
			TH_LOG("handle %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmLockNextHop(self->a.h, bad[i], FALSE, TRUE, &p))
			TH_LOG("handle %u", i);
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmReferenceHandles(self->a.h, 1, &bad[i]))
			TH_LOG("handle %u", i);
		if (!bad[i])
			continue;	/* NULL means "by key" / "add" there */
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmDeleteNextHop(self->a.h, bad[i], NULL))
			TH_LOG("handle %u", i);
		h = bad[i];
		in = nh_info(nh_addr(self->fam, 1), 1, 0, 0);
		EXPECT_WIN(ERROR_INVALID_HANDLE,
			   RtmAddNextHop(self->a.h, &in, &h, &cf))
			TH_LOG("handle %u", i);
	}
	/* A handle the caller does not hold cannot be released by it. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHops(self->b.h, 1, &live));
	/* Nothing changed. */
	EXPECT_TABLE(INST, self->fam, 0, 0, 1);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 1, &live));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(x.h, 1, &foreign));
	EXPECT_WIN(NO_ERROR, ent_deregister(&x));
	EXPECT_TABLE_EMPTY(INST, other_fam);
	EXPECT_HOLDS(self->regd.holds);
}

/* Next hops are private: others read them, nothing more. */
TEST_F(nh, foreign_next_hops)
{
	RTM_NET_ADDRESS addr = nh_addr(self->fam, 1);
	RTM_NEXTHOP_INFO in = nh_info(addr, 1, 0, 0x11), out, *p = NULL;
	RTM_NEXTHOP_HANDLE ha = NULL, hb = NULL, h;
	RTM_NEXTHOP_CHANGE_FLAGS cf;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &ha, &cf));

	/* B reads A's next hop through A's handle. */
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->b.h, ha, &out));
	check_info(_metadata, &out, addr, 1, self->a.h,
		   RTM_NEXTHOP_STATE_CREATED, 0, 0x11);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->b.h, &out));
	/* ... and may hold it. */
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->b.h, 1, &ha));

	/* Nothing else. */
	EXPECT_WIN(ERROR_ACCESS_DENIED, RtmGetNextHopPointer(self->b.h, ha, &p));
	EXPECT_WIN(ERROR_ACCESS_DENIED,
		   RtmLockNextHop(self->b.h, ha, TRUE, TRUE, &p));
	EXPECT_WIN(ERROR_ACCESS_DENIED,
		   RtmLockNextHop(self->b.h, ha, FALSE, TRUE, &p));
	EXPECT_WIN(ERROR_ACCESS_DENIED, RtmDeleteNextHop(self->b.h, ha, NULL));
	h = ha;
	in = nh_info(addr, 1, RTM_NEXTHOP_FLAGS_DOWN, 0x22);
	EXPECT_WIN(ERROR_ACCESS_DENIED, RtmAddNextHop(self->b.h, &in, &h, &cf));
	EXPECT_EQ(hval(ha), hval(h));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, ha, &out));
	check_info(_metadata, &out, addr, 1, self->a.h,
		   RTM_NEXTHOP_STATE_CREATED, 0, 0x11);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));

	/* B's list does not have A's key: B gets a next hop of its own. */
	in = nh_info(addr, 1, 0, 0x33);
	EXPECT_WIN(ERROR_NOT_FOUND, RtmFindNextHop(self->b.h, &in, &h, NULL));
	EXPECT_WIN(ERROR_NOT_FOUND, RtmDeleteNextHop(self->b.h, NULL, &in));
	cf = 0;
	EXPECT_WIN(NO_ERROR, RtmAddNextHop(self->b.h, &in, &hb, &cf));
	EXPECT_EQ((DWORD)RTM_NEXTHOP_CHANGE_NEW, cf);
	EXPECT_NE(hval(ha), hval(hb));
	h = NULL;
	EXPECT_WIN(NO_ERROR, RtmFindNextHop(self->a.h, &in, &h, NULL));
	EXPECT_EQ(hval(ha), hval(h));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 1, &h));
	EXPECT_TABLE(INST, self->fam, 0, 0, 2);

	/* The owner deletes it; B's reference keeps it readable. */
	EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, ha, NULL));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->b.h, ha, &out));
	EXPECT_EQ(RTM_NEXTHOP_STATE_DELETED, out.State);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->b.h, &out));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->b.h, 1, &ha));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHops(self->b.h, 1, &ha));
	EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->b.h, hb, NULL));
	EXPECT_TABLE(INST, self->fam, 0, 0, 0);
	EXPECT_STATS(&self->regd);
}

/*
 * RemoteNextHop: for a REMOTE next hop, the dest its address resolved to
 * (longest match) when it was last added or updated, held by the info.
 */
TEST_F(nh, remote_next_hop)
{
	RTM_NET_ADDRESS gw = host(self->fam, 10, 1, 2, 3);
	RTM_NET_ADDRESS p8 = pfx(self->fam, 8, 10, 0, 0, 0);
	RTM_NET_ADDRESS p16 = pfx(self->fam, 16, 10, 1, 0, 0);
	RTM_NEXTHOP_INFO in, out;
	RTM_NEXTHOP_HANDLE rem = NULL, loc = NULL, none = NULL;
	RTM_ROUTE_HANDLE r8, r16;
	RTM_DEST_INFO *d8 = di_alloc(1), *d16 = di_alloc(1);
	RTM_NEXTHOP_CHANGE_FLAGS cf;

	REQUIRE_RTM();
	ASSERT_NE(NULL, d8);
	ASSERT_NE(NULL, d16);
	EXPECT_EQ(0x0001, RTM_NEXTHOP_FLAGS_REMOTE);

	/* Nothing covers the address yet. */
	in = nh_info(gw, 0, RTM_NEXTHOP_FLAGS_REMOTE, 0);
	ASSERT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &none, &cf));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, none, &out));
	EXPECT_EQ(NULL, out.RemoteNextHop);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));
	EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, none, NULL));

	/* B's route to 10/8 covers it (any owner's route counts). */
	ASSERT_WIN(NO_ERROR, rt_simple(self->b.h, p8, 1, 1, NULL, &r8));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p8,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d8));
	ASSERT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &rem, &cf));
	EXPECT_EQ((DWORD)RTM_NEXTHOP_CHANGE_NEW, cf);
	/* Not for a next hop without REMOTE. */
	in = nh_info(gw, 5, 0, 0);
	ASSERT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &loc, &cf));

	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, rem, &out));
	EXPECT_EQ(RTM_NEXTHOP_FLAGS_REMOTE, out.Flags);
	EXPECT_EQ(0U, out.InterfaceIndex);
	EXPECT_EQ(hval(d8->DestHandle), hval(out.RemoteNextHop));
	/* r8 (B); d8's dest, route, owner; rem; loc; out's owner (A) */
	EXPECT_HOLDS(self->regd.holds + 7);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, loc, &out));
	EXPECT_EQ(NULL, out.RemoteNextHop);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));

	/* A longer match appears: kept until the next hop is updated. */
	ASSERT_WIN(NO_ERROR, rt_simple(self->b.h, p16, 1, 1, NULL, &r16));
	ASSERT_WIN(NO_ERROR, RtmGetExactMatchDestination(self->a.h, &p16,
				RTM_BEST_PROTOCOL, RTM_VIEW_MASK_UCAST, d16));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, rem, &out));
	EXPECT_EQ(hval(d8->DestHandle), hval(out.RemoteNextHop));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));
	in = nh_info(gw, 0, RTM_NEXTHOP_FLAGS_REMOTE, 0x99);
	EXPECT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, NULL, &cf));
	EXPECT_EQ(0U, cf);
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, rem, &out));
	EXPECT_EQ(hval(d16->DestHandle), hval(out.RemoteNextHop));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));

	/* Clearing REMOTE forgets the dest. */
	in = nh_info(gw, 0, 0, 0x99);
	EXPECT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, NULL, &cf));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, rem, &out));
	EXPECT_EQ(NULL, out.RemoteNextHop);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));

	/* The dest a REMOTE next hop resolved to outlives its routes. */
	in = nh_info(gw, 0, RTM_NEXTHOP_FLAGS_REMOTE, 0);
	EXPECT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, NULL, &cf));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d8));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d16));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->b.h, r8, &cf));
	EXPECT_WIN(NO_ERROR, RtmDeleteRouteToDest(self->b.h, r16, &cf));
	EXPECT_TABLE(INST, self->fam, 1, 0, 2);
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, rem, &out));
	ASSERT_NE(NULL, out.RemoteNextHop);
	memset(d16, 0, RTM_SIZE_OF_DEST_INFO(1));
	ASSERT_WIN(NO_ERROR, RtmGetDestInfo(self->a.h, out.RemoteNextHop,
					    RTM_BEST_PROTOCOL,
					    RTM_VIEW_MASK_UCAST, d16));
	EXPECT_TRUE(same_addr(&p16, &d16->DestAddress));
	EXPECT_EQ(0U, d16->BelongsToViews);
	EXPECT_EQ(0U, d16->ViewInfo[0].NumRoutes);
	EXPECT_EQ(NULL, d16->ViewInfo[0].Route);
	EXPECT_TRUE(guard_intact(d16, RTM_SIZE_OF_DEST_INFO(1)));
	EXPECT_WIN(NO_ERROR, RtmReleaseDestInfo(self->a.h, d16));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));
	EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, rem, NULL));
	EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, loc, NULL));
	EXPECT_TABLE(INST, self->fam, 0, 0, 0);
	EXPECT_STATS(&self->regd);
	free(d8);
	free(d16);
}

/* RtmGetNextHopPointer: the owner's read-only view, nothing held. */
TEST_F(nh, pointer)
{
	RTM_NET_ADDRESS addr = nh_addr(self->fam, 4);
	RTM_NEXTHOP_INFO in = nh_info(addr, 2, RTM_NEXTHOP_FLAGS_DOWN, 0xabc);
	RTM_NEXTHOP_INFO *p = NULL, *p2 = NULL;
	RTM_NEXTHOP_HANDLE h = NULL, h2 = NULL;
	RTM_NEXTHOP_CHANGE_FLAGS cf;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &h, &cf));
	EXPECT_HOLDS(self->regd.holds + 1);
	ASSERT_WIN(NO_ERROR, RtmGetNextHopPointer(self->a.h, h, &p));
	ASSERT_NE(NULL, p);
	check_info(_metadata, p, addr, 2, self->a.h,
		   RTM_NEXTHOP_STATE_CREATED, RTM_NEXTHOP_FLAGS_DOWN, 0xabc);
	EXPECT_HOLDS(self->regd.holds + 1);

	/* It shows updates, and FindNextHop's pointer is the same one. */
	in = nh_info(addr, 2, 0, 0xdef);
	ASSERT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, NULL, &cf));
	ASSERT_WIN(NO_ERROR, RtmFindNextHop(self->a.h, &in, &h2, &p2));
	EXPECT_EQ(p, p2);
	check_info(_metadata, p, addr, 2, self->a.h,
		   RTM_NEXTHOP_STATE_CREATED, 0, 0xdef);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 1, &h2));

	/* Through a handle still held, a deleted next hop reads DELETED. */
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &h));
	ASSERT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, h, NULL));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopPointer(self->a.h, h, &p2));
	EXPECT_EQ(RTM_NEXTHOP_STATE_DELETED, p2->State);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 1, &h));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetNextHopPointer(self->a.h, h, &p2));
	EXPECT_STATS(&self->regd);
}

/*
 * RtmLockNextHop: shared and exclusive locks of the owner's next hop; the
 * exclusive unlock writes Flags and EntitySpecificInfo back, the shared
 * one writes nothing, and the key may not change.
 */
TEST_F(nh, lock_and_write_back)
{
	RTM_NET_ADDRESS addr = nh_addr(self->fam, 5);
	RTM_NEXTHOP_INFO in = nh_info(addr, 6, 0, 0x100), out;
	RTM_NEXTHOP_INFO *p = NULL, *p2 = NULL;
	RTM_NEXTHOP_HANDLE h = NULL, dead = NULL;
	RTM_NEXTHOP_CHANGE_FLAGS cf;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &h, &cf));

	/* Exclusive: edit in place, visible to others after the unlock. */
	ASSERT_WIN(NO_ERROR, RtmLockNextHop(self->a.h, h, TRUE, TRUE, &p));
	ASSERT_NE(NULL, p);
	check_info(_metadata, p, addr, 6, self->a.h,
		   RTM_NEXTHOP_STATE_CREATED, 0, 0x100);
	p->Flags = RTM_NEXTHOP_FLAGS_DOWN;
	p->EntitySpecificInfo = (PVOID)0x200;
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->b.h, h, &out));
	EXPECT_EQ(0, out.Flags);
	EXPECT_EQ(0x100UL, (uintptr_t)out.EntitySpecificInfo);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->b.h, &out));
	/* Unlocking in the other mode is refused and keeps the lock. */
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmLockNextHop(self->a.h, h, FALSE, FALSE, NULL));
	EXPECT_WIN(NO_ERROR, RtmLockNextHop(self->a.h, h, TRUE, FALSE, NULL));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->b.h, h, &out));
	EXPECT_EQ(RTM_NEXTHOP_FLAGS_DOWN, out.Flags);
	EXPECT_EQ(0x200UL, (uintptr_t)out.EntitySpecificInfo);
	EXPECT_EQ(RTM_NEXTHOP_STATE_CREATED, out.State);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->b.h, &out));
	/* Not locked any more. */
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmLockNextHop(self->a.h, h, TRUE, FALSE, NULL));

	/* Shared, twice: edits of the shadow are not written back. */
	ASSERT_WIN(NO_ERROR, RtmLockNextHop(self->a.h, h, FALSE, TRUE, &p));
	ASSERT_WIN(NO_ERROR, RtmLockNextHop(self->a.h, h, FALSE, TRUE, &p2));
	EXPECT_EQ(p, p2);
	EXPECT_EQ(0x200UL, (uintptr_t)p->EntitySpecificInfo);
	p->EntitySpecificInfo = (PVOID)0x300;
	EXPECT_WIN(NO_ERROR, RtmLockNextHop(self->a.h, h, FALSE, FALSE, NULL));
	EXPECT_WIN(NO_ERROR, RtmLockNextHop(self->a.h, h, FALSE, FALSE, NULL));
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmLockNextHop(self->a.h, h, FALSE, FALSE, NULL));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, h, &out));
	EXPECT_EQ(0x200UL, (uintptr_t)out.EntitySpecificInfo);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));

	/* A changed key: the unlock fails and keeps the lock until restored. */
	ASSERT_WIN(NO_ERROR, RtmLockNextHop(self->a.h, h, TRUE, TRUE, &p));
	EXPECT_EQ(0x200UL, (uintptr_t)p->EntitySpecificInfo);
	p->InterfaceIndex = 99;
	p->EntitySpecificInfo = (PVOID)0x400;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmLockNextHop(self->a.h, h, TRUE, FALSE, NULL));
	p->InterfaceIndex = 6;
	/* Flags the kernel refuses: the same. */
	p->Flags = 0x8;
	EXPECT_WIN(ERROR_INVALID_PARAMETER,
		   RtmLockNextHop(self->a.h, h, TRUE, FALSE, NULL));
	p->Flags = RTM_NEXTHOP_FLAGS_REMOTE;
	EXPECT_WIN(NO_ERROR, RtmLockNextHop(self->a.h, h, TRUE, FALSE, NULL));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->a.h, h, &out));
	check_info(_metadata, &out, addr, 6, self->a.h,
		   RTM_NEXTHOP_STATE_CREATED, RTM_NEXTHOP_FLAGS_REMOTE, 0x400);
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->a.h, &out));

	/* Without a pointer wanted. */
	EXPECT_WIN(NO_ERROR, RtmLockNextHop(self->a.h, h, TRUE, TRUE, NULL));
	EXPECT_WIN(NO_ERROR, RtmLockNextHop(self->a.h, h, TRUE, FALSE, NULL));

	/* A deleted next hop cannot be locked. */
	in = nh_info(nh_addr(self->fam, 6), 6, 0, 0);
	ASSERT_WIN(NO_ERROR, RtmAddNextHop(self->a.h, &in, &dead, &cf));
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &dead));
	ASSERT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, dead, NULL));
	EXPECT_WIN(ERROR_NOT_FOUND,
		   RtmLockNextHop(self->a.h, dead, TRUE, TRUE, &p));
	EXPECT_WIN(ERROR_NOT_FOUND,
		   RtmLockNextHop(self->a.h, dead, FALSE, TRUE, &p));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 1, &dead));
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmLockNextHop(self->a.h, dead, TRUE, TRUE, &p));

	EXPECT_WIN(NO_ERROR, RtmDeleteNextHop(self->a.h, h, NULL));
	EXPECT_STATS(&self->regd);
}

/* Releases are all or nothing, and per kind. */
TEST_F(nh, release_all_or_nothing)
{
	RTM_NEXTHOP_HANDLE ha = NULL, hb = NULL, two[2];
	HANDLE mixed[2];
	RTM_ROUTE_HANDLE r;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, nh_add(self->a.h, nh_addr(self->fam, 1), 1, &ha));
	ASSERT_WIN(NO_ERROR, nh_add(self->b.h, nh_addr(self->fam, 1), 1, &hb));
	ASSERT_WIN(NO_ERROR, rt_simple(self->a.h, pfx(self->fam, 8, 10, 0, 0, 0),
				       1, 1, ha, &r));

	/* A does not hold hb: nothing is released, ha stays held. */
	two[0] = ha;
	two[1] = hb;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHops(self->a.h, 2, two));
	/* ha twice, held once: the same. */
	two[1] = ha;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHops(self->a.h, 2, two));
	/* A route or an entity handle is not a next hop's. */
	mixed[0] = ha;
	mixed[1] = r;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHops(self->a.h, 2, mixed));
	mixed[1] = self->a.h;
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHops(self->a.h, 2, mixed));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHops(self->a.h, 1, &r));

	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->a.h, 1, &ha));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a.h, 2, two));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmReleaseNextHops(self->a.h, 1, &ha));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->b.h, 1, &hb));
	EXPECT_WIN(NO_ERROR, RtmReleaseRoutes(self->a.h, 1, &r));
	/* Nothing but A's route and the two next hops are left. */
	EXPECT_HOLDS(self->regd.holds);
	EXPECT_TABLE(INST, self->fam, 1, 1, 2);
}

/*
 * A deregistration deletes the entity's next hops; a handle another entity
 * holds keeps one readable, DELETED, until released.
 */
TEST_F(nh, deregistration_deletes_next_hops)
{
	RTM_NEXTHOP_HANDLE h1 = NULL, h2 = NULL;
	RTM_NEXTHOP_INFO out;
	RTM_ROUTE_HANDLE r;

	REQUIRE_RTM();
	ASSERT_WIN(NO_ERROR, nh_add(self->a.h, nh_addr(self->fam, 1), 1, &h1));
	ASSERT_WIN(NO_ERROR, nh_add(self->a.h, nh_addr(self->fam, 2), 1, &h2));
	ASSERT_WIN(NO_ERROR, rt_simple(self->a.h, pfx(self->fam, 8, 10, 0, 0, 0),
				       1, 1, h1, &r));
	EXPECT_WIN(NO_ERROR, RtmReferenceHandles(self->b.h, 1, &h1));
	EXPECT_TABLE(INST, self->fam, 1, 1, 2);

	EXPECT_WIN(NO_ERROR, ent_deregister(&self->a));
	ASSERT_WIN(NO_ERROR, RtmGetNextHopInfo(self->b.h, h1, &out));
	EXPECT_EQ(RTM_NEXTHOP_STATE_DELETED, out.State);
	EXPECT_EQ(hval(self->a.h), hval(out.NextHopOwner));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHopInfo(self->b.h, &out));
	EXPECT_WIN(ERROR_INVALID_HANDLE, RtmGetNextHopInfo(self->b.h, h2, &out));
	EXPECT_TABLE(INST, self->fam, 0, 0, 1);
	/* The dead entity cannot act any more. */
	EXPECT_WIN(ERROR_INVALID_HANDLE, nh_add(self->a.h, nh_addr(self->fam, 3),
						1, &h2));
	EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->b.h, 1, &h1));
	EXPECT_TABLE(INST, self->fam, 0, 0, 0);
}

TEST_HARNESS_MAIN
