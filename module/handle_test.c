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

/* rtm_hold_batch() with references of the test's own, which it hands over. */
static int hold_batch_of(struct rtm_reg *reg, struct rtm_obj **objs,
			 unsigned int n, u64 *h)
{
	unsigned int i;
	int err;

	for (i = 0; i < n; i++)
		rtm_obj_get(objs[i]);
	err = rtm_hold_batch(reg, objs, n, h);
	if (err)
		for (i = 0; i < n; i++)
			rtm_obj_put(objs[i]);
	return err;
}

static void hold_record_objs(struct handle_test *ht, struct rtm_obj **objs)
{
	objs[0] = &ht->ent[0]->obj;
	objs[1] = &ht->ent[1]->obj;
	objs[2] = &ht->ent[2]->obj;
	objs[3] = &ht->ent[1]->obj;
}
/* A hold record of e0, e1, e2, e1: four handles, three objects. */
static void hold_record(struct kunit *test, struct rtm_reg *reg,
			struct rtm_obj **objs, u64 *h)
{
	struct handle_test *ht = test->priv;

	hold_record_objs(ht, objs);
	KUNIT_ASSERT_EQ(test, hold_batch_of(reg, objs, 4, h), 0);
	KUNIT_ASSERT_EQ(test, reg->nbatched, 4UL);
	KUNIT_EXPECT_EQ(test, reg->nholds, 0UL);
	KUNIT_EXPECT_EQ(test, h[0], ht->h[0]);
	KUNIT_EXPECT_EQ(test, h[3], ht->h[1]);
}

static void batch_released_in_order(struct kunit *test)
{
	struct handle_test *ht = test->priv;
	struct rtm_reg *reg = ht->reg[0];
	u32 before1 = refs(ht->ent[1]), before2 = refs(ht->ent[2]);
	struct rtm_obj *objs[4];
	u64 h[4], v[4];

	hold_record(test, reg, objs, h);
	/* A reference per handle: e1 twice. */
	KUNIT_EXPECT_EQ(test, refs(ht->ent[1]), before1 + 2);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, ht->h[1]), 2UL);

	/* Out of order and too many: refused, nothing released. */
	memcpy(v, h, sizeof(v));
	v[0] = h[1];
	v[1] = h[0];
	v[2] = ht->h[1];
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 4, RTM_KIND_ENTITY),
			-EBADF);
	KUNIT_EXPECT_EQ(test, reg->nbatched, 4UL);
	/* In order, the wrong kind: refused. */
	memcpy(v, h, sizeof(v));
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 4, RTM_KIND_ROUTE),
			-EBADF);
	KUNIT_EXPECT_EQ(test, reg->nbatched, 4UL);

	/* The first two, then the rest. */
	memcpy(v, h, sizeof(v));
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 2, RTM_KIND_ENTITY), 0);
	KUNIT_EXPECT_EQ(test, reg->nbatched, 2UL);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[1]), before1 + 1);
	memcpy(v, h + 2, 2 * sizeof(*v));
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 2, RTM_KIND_ENTITY), 0);
	KUNIT_EXPECT_EQ(test, reg->nbatched, 0UL);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[1]), before1);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[2]), before2);
	KUNIT_EXPECT_PTR_EQ(test, reg->batches[0], NULL);
	/* The empty record is kept for the next batch. */
	KUNIT_EXPECT_NOT_NULL(test, reg->spare);

	/* Released: a second release finds nothing. */
	memcpy(v, h, sizeof(v));
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 4, RTM_KIND_ENTITY),
			-EBADF);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[1]), before1);
}

static void batch_released_one_by_one(struct kunit *test)
{
	struct handle_test *ht = test->priv;
	struct rtm_reg *reg = ht->reg[0];
	u32 before0 = refs(ht->ent[0]), before1 = refs(ht->ent[1]);
	struct rtm_obj *objs[4];
	u64 h[4], v[3];

	hold_record(test, reg, objs, h);
	/* Held in the table too: e0 is found in either. */
	KUNIT_ASSERT_EQ(test, rtm_hold(reg, objs[0], &v[0]), 0);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, ht->h[0]), 2UL);

	/* e1 and e2, out of order, one at a time. */
	v[0] = ht->h[2];
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 1, RTM_KIND_ENTITY), 0);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, ht->h[2]), 0UL);
	v[0] = ht->h[1];
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 1, RTM_KIND_ENTITY), 0);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, ht->h[1]), 1UL);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[1]), before1 + 1);

	/* All or nothing: e2 is no longer held, so e1 stays. */
	v[0] = ht->h[1];
	v[1] = ht->h[2];
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 2, RTM_KIND_ENTITY),
			-EBADF);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, ht->h[1]), 1UL);
	KUNIT_EXPECT_EQ(test, reg->nbatched, 2UL);

	/* e1 once more than held: refused. */
	v[0] = ht->h[1];
	v[1] = ht->h[1];
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 2, RTM_KIND_ENTITY),
			-EBADF);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, ht->h[1]), 1UL);

	/* e0 twice (table and record) and e1: all of it. */
	v[0] = ht->h[0];
	v[1] = ht->h[1];
	v[2] = ht->h[0];
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 3, RTM_KIND_ENTITY), 0);
	KUNIT_EXPECT_EQ(test, reg->nbatched, 0UL);
	KUNIT_EXPECT_EQ(test, reg->nholds, 0UL);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[0]), before0);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[1]), before1);
	KUNIT_EXPECT_PTR_EQ(test, reg->batches[0], NULL);
}

static void batch_moves_to_table_at_limit(struct kunit *test)
{
	struct handle_test *ht = test->priv;
	struct rtm_reg *reg = ht->reg[0];
	unsigned int saved = rtm_max_holds;
	u32 before1 = refs(ht->ent[1]);
	struct rtm_obj *objs[4];
	u64 h[4], v[4];

	/* Four handles of e0 and e1 fill a limit of four ... */
	rtm_max_holds = 4;
	objs[0] = &ht->ent[0]->obj;
	objs[1] = &ht->ent[1]->obj;
	objs[2] = &ht->ent[1]->obj;
	objs[3] = &ht->ent[1]->obj;
	KUNIT_ASSERT_EQ(test, hold_batch_of(reg, objs, 4, h), 0);
	KUNIT_EXPECT_EQ(test, reg->nbatched, 4UL);
	/* ... until they move to the table, where they are two objects. */
	KUNIT_EXPECT_EQ(test, rtm_hold(reg, &ht->ent[2]->obj, &v[0]), 0);
	KUNIT_EXPECT_EQ(test, reg->nbatched, 0UL);
	KUNIT_EXPECT_EQ(test, reg->nholds, 3UL);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, ht->h[1]), 3UL);
	/* One table reference for e1's three holds. */
	KUNIT_EXPECT_EQ(test, refs(ht->ent[1]), before1 + 1);
	/* A batch that does not fit goes to the table too. */
	KUNIT_EXPECT_EQ(test, hold_batch_of(reg, objs, 4, h), 0);
	KUNIT_EXPECT_EQ(test, reg->nbatched, 0UL);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, ht->h[1]), 6UL);
	rtm_max_holds = saved;

	memcpy(v, h, sizeof(v));
	KUNIT_EXPECT_EQ(test, rtm_holds_release(reg, v, 4, RTM_KIND_ENTITY), 0);
	rtm_holds_drop_all(reg);
	KUNIT_EXPECT_EQ(test, reg->nholds, 0UL);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[1]), before1);
}

static void batches_dropped_and_bounded(struct kunit *test)
{
	struct handle_test *ht = test->priv;
	struct rtm_reg *reg = ht->reg[0];
	u32 before1 = refs(ht->ent[1]);
	struct rtm_obj *objs[4];
	u64 h[4];
	int i;

	/* As many records as a registration may have, then the table. */
	hold_record_objs(ht, objs);
	for (i = 0; i <= RTM_HOLD_BATCHES; i++)
		KUNIT_ASSERT_EQ(test, hold_batch_of(reg, objs, 4, h), 0);
	KUNIT_EXPECT_EQ(test, reg->nbatched, 4UL * RTM_HOLD_BATCHES);
	KUNIT_EXPECT_EQ(test, reg->nholds, 3UL);
	KUNIT_EXPECT_EQ(test, rtm_holds_count(reg, ht->h[1]),
			2UL * (RTM_HOLD_BATCHES + 1));

	rtm_holds_drop_all(reg);
	KUNIT_EXPECT_EQ(test, reg->nbatched, 0UL);
	KUNIT_EXPECT_EQ(test, reg->nholds, 0UL);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[1]), before1);
	for (i = 0; i < RTM_HOLD_BATCHES; i++)
		KUNIT_EXPECT_PTR_EQ(test, reg->batches[i], NULL);
}

static void batch_refused_after_deregister(struct kunit *test)
{
	struct handle_test *ht = test->priv;
	u32 before0 = refs(ht->ent[0]);
	struct rtm_obj *objs[4];
	u64 h[4];

	hold_record_objs(ht, objs);
	KUNIT_ASSERT_EQ(test, rtm_entity_deregister(ht->reg[1]), 0);
	KUNIT_EXPECT_EQ(test, hold_batch_of(ht->reg[1], objs, 4, h), -EBADF);
	KUNIT_EXPECT_EQ(test, ht->reg[1]->nbatched, 0UL);
	KUNIT_EXPECT_EQ(test, refs(ht->ent[0]), before0);
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
	KUNIT_CASE(batch_released_in_order),
	KUNIT_CASE(batch_released_one_by_one),
	KUNIT_CASE(batch_moves_to_table_at_limit),
	KUNIT_CASE(batches_dropped_and_bounded),
	KUNIT_CASE(batch_refused_after_deregister),
	{}
};

static struct kunit_suite handle_test_suite = {
	.name = "rtm_handle",
	.init = handle_test_init,
	.exit = handle_test_exit,
	.test_cases = handle_test_cases,
};

kunit_test_suite(handle_test_suite);
