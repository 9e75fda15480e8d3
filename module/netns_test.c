// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: per-namespace state, set up and torn down on a fresh rtm_net, and
 * the namespace of the module's own registrations.
 */

#include <kunit/test.h>
#include <linux/socket.h>
#include <net/net_namespace.h>

#include "rtm.h"

static void netns_tables(struct kunit *test)
{
	struct rtm_net *rn;
	struct rtm_table *t4, *t6, *t4b, *t1;

	rn = kunit_kzalloc(test, sizeof(*rn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rn);
	KUNIT_ASSERT_EQ(test, rtm_net_setup(rn, &init_net), 0);

	t4 = rtm_table_get(rn, 0, AF_INET);
	t6 = rtm_table_get(rn, 0, AF_INET6);
	t1 = rtm_table_get(rn, 1, AF_INET);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t4));
	KUNIT_ASSERT_FALSE(test, IS_ERR(t6));
	KUNIT_ASSERT_FALSE(test, IS_ERR(t1));
	KUNIT_EXPECT_PTR_NE(test, t4, t6);
	KUNIT_EXPECT_PTR_NE(test, t4, t1);
	KUNIT_EXPECT_EQ(test, t6->family, (u16)AF_INET6);
	KUNIT_EXPECT_EQ(test, t1->instance, (u16)1);

	/* The same pair finds the same table. */
	t4b = rtm_table_get(rn, 0, AF_INET);
	KUNIT_EXPECT_PTR_EQ(test, t4, t4b);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&rn->stats.tables), 3L);

	/* Families other than IPv4/IPv6 and instances past the limit. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(rtm_table_get(rn, 0, AF_UNIX)), -EBADMSG);
	KUNIT_EXPECT_EQ(test, PTR_ERR(rtm_table_get(rn, rtm_max_instances,
						    AF_INET)), -EBADMSG);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&rn->stats.tables), 3L);

	rtm_net_teardown(rn);
	KUNIT_EXPECT_TRUE(test, list_empty(&rn->tables));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&rn->stats.tables), 0L);
}

static void netns_registration_state(struct kunit *test)
{
	struct rtm_net *rn = rtm_net(&init_net);
	struct rtm_register arg = {
		.size = sizeof(arg),
		.flags = RTM_REGISTER_EVENTS,
		.entity = {
			.family = AF_INET6,
			.protocol_id = 0x7e571111,
		},
	};
	long entities = atomic_long_read(&rn->stats.entities);
	long handles = atomic_long_read(&rn->stats.handles);
	struct rtm_reg *reg;

	reg = rtm_reg_alloc(&init_net);
	KUNIT_ASSERT_NOT_NULL(test, reg);
	KUNIT_EXPECT_PTR_EQ(test, reg->rn, rn);
	KUNIT_ASSERT_EQ(test, rtm_entity_register(reg, &arg), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&rn->stats.entities),
			entities + 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&rn->stats.handles), handles + 1);

	/* One registration per file. */
	arg.handle = 0;
	arg.entity.protocol_id++;
	KUNIT_EXPECT_EQ(test, rtm_entity_register(reg, &arg), -EBUSY);

	/* Closing the file deregisters and frees everything it had. */
	rtm_reg_free(reg);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&rn->stats.entities), entities);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&rn->stats.handles), handles);
}

static struct kunit_case netns_test_cases[] = {
	KUNIT_CASE(netns_tables),
	KUNIT_CASE(netns_registration_state),
	{}
};

static struct kunit_suite netns_test_suite = {
	.name = "rtm_netns",
	.test_cases = netns_test_cases,
};

kunit_test_suite(netns_test_suite);
