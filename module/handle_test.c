// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: handles and the references registrations hold, on real
 * registrations of the initial namespace.
 */

#include <kunit/test.h>
#include <linux/socket.h>
#include <net/net_namespace.h>

#include "rtm.h"

#define TEST_PROTO	0x7e570000

struct handle_test {
	struct rtm_reg *reg[3];
	struct rtm_entity *ent[3];
	u64 h[3];
};

static struct rtm_reg *register_one(struct kunit *test, u32 instance_id,
				    u64 *handle)
{
	struct rtm_register arg = {
		.size = sizeof(arg),
		.entity = {
			.family = AF_INET,
			.protocol_id = TEST_PROTO,
			.entity_instance_id = instance_id,
		},
	};
	struct rtm_reg *reg;

	reg = rtm_reg_alloc(&init_net);
	KUNIT_ASSERT_NOT_NULL(test, reg);
	KUNIT_ASSERT_EQ(test, rtm_entity_register(reg, &arg), 0);
	*handle = arg.handle;
	return reg;
}

static int handle_test_init(struct kunit *test)
{
	struct handle_test *ht;
	int i;

	ht = kunit_kzalloc(test, sizeof(*ht), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ht);
	for (i = 0; i < ARRAY_SIZE(ht->reg); i++) {
		ht->reg[i] = register_one(test, i, &ht->h[i]);
		ht->ent[i] = rtm_reg_entity(ht->reg[i]);
		KUNIT_ASSERT_NOT_NULL(test, ht->ent[i]);
	}
	test->priv = ht;
	return 0;
}

static void handle_test_exit(struct kunit *test)
{
	struct handle_test *ht = test->priv;
	int i;

	for (i = 0; i < ARRAY_SIZE(ht->reg); i++) {
		if (ht->ent[i])
			rtm_obj_put(&ht->ent[i]->obj);
		if (ht->reg[i])
			rtm_reg_free(ht->reg[i]);
	}
}

static u32 refs(struct rtm_entity *e)
{
	return refcount_read(&e->obj.ref);
}

static void handle_encodes_kind_and_unique_id(struct kunit *test)
{
	struct handle_test *ht = test->priv;

	KUNIT_EXPECT_EQ(test, ht->h[0] >> RTM_HANDLE_KIND_SHIFT,
			(u64)RTM_OBJ_ENTITY);
	KUNIT_EXPECT_NE(test, ht->h[0] & RTM_ID_MASK, 0ULL);
	/* Ids come from one counter: later objects get larger ids. */
	KUNIT_EXPECT_LT(test, ht->h[0] & RTM_ID_MASK, ht->h[1] & RTM_ID_MASK);
	KUNIT_EXPECT_LT(test, ht->h[1] & RTM_ID_MASK, ht->h[2] & RTM_ID_MASK);
}

static void handle_lookup(struct kunit *test)
{
	struct handle_test *ht = test->priv;
	struct rtm_net *rn = ht->reg[0]->rn;
	u32 before = refs(ht->ent[1]);
	struct rtm_obj *obj;
	u64 bogus;

	obj = rtm_obj_lookup(rn, ht->h[1], RTM_KIND_ENTITY);
	KUNIT_ASSERT_FALSE(test, IS_ERR(obj));
	KUNIT_EXPECT_PTR_EQ(test, obj, &ht->ent[1]->obj);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[1]), before + 1);
	rtm_obj_put(obj);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[1]), before);

	/* Wrong kind accepted, wrong kind encoded, no id, unknown id. */
	obj = rtm_obj_lookup(rn, ht->h[1], RTM_KIND_ROUTE | RTM_KIND_DEST);
	KUNIT_EXPECT_EQ(test, PTR_ERR(obj), -EBADF);
	bogus = ((u64)RTM_OBJ_ROUTE << RTM_HANDLE_KIND_SHIFT) |
		(ht->h[1] & RTM_ID_MASK);
	obj = rtm_obj_lookup(rn, bogus, RTM_KIND_ALL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(obj), -EBADF);
	obj = rtm_obj_lookup(rn, (u64)RTM_OBJ_ENTITY << RTM_HANDLE_KIND_SHIFT,
			     RTM_KIND_ALL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(obj), -EBADF);
	obj = rtm_obj_lookup(rn, ht->h[2] + 1000000, RTM_KIND_ALL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(obj), -EBADF);
	obj = rtm_obj_lookup(rn, 0, RTM_KIND_ALL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(obj), -EBADF);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[1]), before);
}

static void hold_and_release(struct kunit *test)
{
	struct handle_test *ht = test->priv;
	struct rtm_reg *reg = ht->reg[0];
	struct rtm_entity *e = ht->ent[1];
	u32 before = refs(e);
	u64 h, v[3];

	KUNIT_ASSERT_EQ(test, rtm_hold(reg, &e->obj, &h), 0);
	KUNIT_EXPECT_EQ(test, h, ht->h[1]);
	/* The first hold pins the object once, later ones only count. */
	KUNIT_EXPECT_EQ(test, refs(e), before + 1);
	KUNIT_ASSERT_EQ(test, rtm_hold(reg, &e->obj, &h), 0);
	KUNIT_EXPECT_EQ(test, refs(e), before + 1);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, h), 2UL);
	KUNIT_EXPECT_EQ(test, reg->nholds, 1UL);

	/* Three releases of a handle held twice: all or nothing. */
	v[0] = h;
	v[1] = h;
	v[2] = h;
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 3, RTM_KIND_ENTITY),
			-EBADF);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, h), 2UL);

	/* A handle the registration does not hold. */
	v[0] = h;
	v[1] = ht->h[2];
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 2, RTM_KIND_ENTITY),
			-EBADF);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, h), 2UL);

	/* The wrong kind, by mask and by encoding. */
	v[0] = h;
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 1, RTM_KIND_ROUTE),
			-EBADF);
	v[0] = ((u64)RTM_OBJ_DEST << RTM_HANDLE_KIND_SHIFT) | (h & RTM_ID_MASK);
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 1, RTM_KIND_ALL),
			-EBADF);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, h), 2UL);

	v[0] = h;
	v[1] = h;
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 2, RTM_KIND_ENTITY), 0);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, h), 0UL);
	KUNIT_EXPECT_EQ(test, reg->nholds, 0UL);
	KUNIT_EXPECT_EQ(test, refs(e), before);

	/* A second release finds nothing to drop. */
	v[0] = h;
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 1, RTM_KIND_ENTITY),
			-EBADF);
	KUNIT_EXPECT_EQ(test, refs(e), before);
}

static void reference_all_or_nothing(struct kunit *test)
{
	struct handle_test *ht = test->priv;
	struct rtm_reg *reg = ht->reg[0];
	u32 before1 = refs(ht->ent[1]), before2 = refs(ht->ent[2]);
	u64 v[3];

	v[0] = ht->h[1];
	v[1] = ht->h[2];
	v[2] = ht->h[2] + 1000000;
	KUNIT_EXPECT_EQ(test, rtm_holds_reference(reg, v, 3, RTM_KIND_ENTITY),
			-EBADF);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, ht->h[1]), 0UL);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, ht->h[2]), 0UL);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[1]), before1);

	v[0] = ht->h[1];
	v[1] = ht->h[2];
	v[2] = ht->h[2];
	KUNIT_EXPECT_EQ(test, rtm_holds_reference(reg, v, 3, RTM_KIND_ENTITY),
			0);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, ht->h[2]), 2UL);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[2]), before2 + 1);

	rtm_holds_drop_all(reg);
	KUNIT_EXPECT_EQ(test, reg->nholds, 0UL);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[1]), before1);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[2]), before2);
}

static void hold_limit(struct kunit *test)
{
	struct handle_test *ht = test->priv;
	struct rtm_reg *reg = ht->reg[0];
	unsigned int saved = rtm_max_holds;
	u64 h;

	rtm_max_holds = 2;
	KUNIT_EXPECT_EQ(test, rtm_hold(reg, &ht->ent[0]->obj, &h), 0);
	KUNIT_EXPECT_EQ(test, rtm_hold(reg, &ht->ent[1]->obj, &h), 0);
	/* A new object past the limit is refused, a held one still counts. */
	KUNIT_EXPECT_EQ(test, rtm_hold(reg, &ht->ent[2]->obj, &h), -EDQUOT);
	KUNIT_EXPECT_EQ(test, rtm_hold(reg, &ht->ent[1]->obj, &h), 0);
	rtm_max_holds = saved;
	rtm_holds_drop_all(reg);
	KUNIT_EXPECT_EQ(test, reg->nholds, 0UL);
}

static void stale_after_deregister(struct kunit *test)
{
	struct handle_test *ht = test->priv;
	struct rtm_reg *reg = ht->reg[0];
	struct rtm_entity *e;
	u64 h, v[1];

	KUNIT_ASSERT_EQ(test, rtm_hold(reg, &ht->ent[2]->obj, &h), 0);
	KUNIT_ASSERT_EQ(test, rtm_entity_deregister(ht->reg[2]), 0);

	/* Held, so the object lives, but the handle reads as stale. */
	e = rtm_entity_lookup(reg, ht->ent[0], h);
	KUNIT_EXPECT_EQ(test, PTR_ERR(e), -EBADF);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, h), 1UL);

	/* The release still works and frees it once the test lets go. */
	v[0] = h;
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 1, RTM_KIND_ENTITY), 0);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[2]), 1U);
	rtm_obj_put(&ht->ent[2]->obj);
	ht->ent[2] = NULL;

	/* Gone: the id no longer resolves, and is never given again. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(rtm_obj_lookup(reg->rn, h, RTM_KIND_ALL)),
			-EBADF);
	rtm_reg_free(ht->reg[2]);
	ht->reg[2] = register_one(test, 2, &ht->h[2]);
	ht->ent[2] = rtm_reg_entity(ht->reg[2]);
	KUNIT_EXPECT_GT(test, ht->h[2] & RTM_ID_MASK, h & RTM_ID_MASK);
}

static struct kunit_case handle_test_cases[] = {
	KUNIT_CASE(handle_encodes_kind_and_unique_id),
	KUNIT_CASE(handle_lookup),
	KUNIT_CASE(hold_and_release),
	KUNIT_CASE(reference_all_or_nothing),
	KUNIT_CASE(hold_limit),
	KUNIT_CASE(stale_after_deregister),
	{}
};

static struct kunit_suite handle_test_suite = {
	.name = "rtm_handle",
	.init = handle_test_init,
	.exit = handle_test_exit,
	.test_cases = handle_test_cases,
};

kunit_test_suite(handle_test_suite);
