// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: routes on a real table of the initial namespace: best-route
 * selection, the add/update matching rules and their change flags,
 * attribute sharing, hold-down, and that references all come back.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/random.h>
#include <linux/socket.h>
#include <net/net_namespace.h>

#include "rtm.h"

#define TEST_PROTO_A	0x7e572000
#define TEST_PROTO_B	0x7e572001
#define TEST_PROTO_KEY	0x7e572002	/* beside the suite's own two */

struct route_test {
	struct rtm_reg *reg[2];
	struct rtm_entity *ent[2];
	struct rtm_table *t;
	unsigned long routes, dests, attrs;
};

static int route_test_init(struct kunit *test)
{
	static const u32 protos[] = { TEST_PROTO_A, TEST_PROTO_B };
	struct route_test *rt;
	int i;

	rt = kunit_kzalloc(test, sizeof(*rt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rt);
	for (i = 0; i < 2; i++) {
		struct rtm_register arg = {
			.size = sizeof(arg),
			.entity = {
				.instance_id = 1,
				.family = AF_INET,
				.protocol_id = protos[i],
			},
		};

		rt->reg[i] = rtm_reg_alloc(&init_net);
		KUNIT_ASSERT_NOT_NULL(test, rt->reg[i]);
		KUNIT_ASSERT_EQ(test, rtm_entity_register(rt->reg[i], &arg), 0);
		rt->ent[i] = rtm_reg_entity(rt->reg[i]);
	}
	rt->t = rt->ent[0]->table;
	rt->routes = rt->t->nroutes;
	rt->dests = rt->t->ndests;
	rt->attrs = rt->t->nattrs;
	test->priv = rt;
	return 0;
}

static void route_test_exit(struct kunit *test)
{
	struct route_test *rt = test->priv;
	int i;

	for (i = 0; i < 2; i++) {
		rtm_obj_put(&rt->ent[i]->obj);
		rtm_reg_free(rt->reg[i]);
	}
	/* Deregistration deleted every route and dest the test made. */
	KUNIT_EXPECT_EQ(test, rt->t->nroutes, rt->routes);
	KUNIT_EXPECT_EQ(test, rt->t->ndests, rt->dests);
	KUNIT_EXPECT_EQ(test, rt->t->nattrs, rt->attrs);
}

static struct rtm_net_address prefix(u8 a, u8 b, u8 len)
{
	struct rtm_net_address n = {
		.family = AF_INET,
		.num_bits = len,
		.addr = { a, b },
	};

	return n;
}

/* Add or update a route of @e as RTM_IOC_ADD_ROUTE would; returns its flags. */
static u32 add(struct kunit *test, struct rtm_entity *e,
	       struct rtm_net_address dest, u32 pref, u32 metric, u32 views,
	       u32 in_flags, struct rtm_route **route)
{
	struct rtm_attr tmpl = {
		.pref = pref,
		.metric = metric,
		.views = views,
	};
	struct rtm_route_req req = {
		.dest = dest,
		.change_flags = in_flags,
		.ttl = U32_MAX,
		.want_route = route,
	};
	struct rtm_table *t = e->table;
	int err;

	mutex_lock(&t->lock);
	req.attr = rtm_attr_get(t, &tmpl);
	KUNIT_ASSERT_FALSE(test, IS_ERR(req.attr));
	err = rtm_route_apply(e, &req);
	rtm_attr_put_locked(t, req.attr);
	mutex_unlock(&t->lock);
	KUNIT_ASSERT_EQ(test, err, 0);
	if (route)
		*route = req.route;
	return req.change_flags;
}

static u32 del(struct kunit *test, struct rtm_route *r)
{
	struct rtm_table *t = r->dest->table;
	u32 flags = 0;

	mutex_lock(&t->lock);
	KUNIT_EXPECT_EQ(test, rtm_route_delete_locked(r, &flags), 0);
	mutex_unlock(&t->lock);
	return flags;
}

static struct rtm_route *best(struct rtm_route *any, u32 views, u32 proto)
{
	struct rtm_route *r;

	rcu_read_lock();
	r = rtm_route_best(any->dest, views, proto);
	rcu_read_unlock();
	return r;
}

static void best_by_preference_then_metric(struct kunit *test)
{
	struct route_test *rt = test->priv;
	struct rtm_net_address p = prefix(10, 0, 8);
	struct rtm_route *a, *b;
	u32 f;

	f = add(test, rt->ent[0], p, 10, 1, 1, 0, &a);
	KUNIT_EXPECT_EQ(test, f, RTM_ROUTE_CHANGE_NEW | RTM_ROUTE_CHANGE_BEST);
	/* Worse preference, better metric: preference decides. */
	f = add(test, rt->ent[1], p, 20, 0, 1, 0, &b);
	KUNIT_EXPECT_EQ(test, f, RTM_ROUTE_CHANGE_NEW);
	KUNIT_EXPECT_PTR_EQ(test, best(a, 1, 0), a);

	/* Equal preference: the lower metric wins. */
	f = add(test, rt->ent[1], p, 10, 0, 1, 0, NULL);
	KUNIT_EXPECT_EQ(test, f, RTM_ROUTE_CHANGE_BEST);
	KUNIT_EXPECT_PTR_EQ(test, best(a, 1, 0), b);

	/* An update of a route that is not the best changes no best route. */
	f = add(test, rt->ent[0], p, 10, 5, 1, 0, NULL);
	KUNIT_EXPECT_EQ(test, f, 0U);

	f = del(test, b);
	KUNIT_EXPECT_EQ(test, f, RTM_ROUTE_CHANGE_BEST);
	KUNIT_EXPECT_PTR_EQ(test, best(a, 1, 0), a);
	KUNIT_EXPECT_EQ(test, b->obj.state, (u8)RTM_ROUTE_STATE_DELETED);
	rtm_route_put(b);
	rtm_route_put(a);
}

static void best_ties_keep_the_oldest(struct kunit *test)
{
	struct route_test *rt = test->priv;
	struct rtm_net_address p = prefix(10, 1, 16);
	struct rtm_route *a, *b;
	u32 f;

	add(test, rt->ent[0], p, 5, 5, 1, 0, &a);
	f = add(test, rt->ent[1], p, 5, 5, 1, 0, &b);
	KUNIT_EXPECT_EQ(test, f, RTM_ROUTE_CHANGE_NEW);
	KUNIT_EXPECT_PTR_EQ(test, best(a, 1, 0), a);

	/* Updated to the same values it keeps its place: no flap. */
	f = add(test, rt->ent[0], p, 5, 5, 1, 0, NULL);
	KUNIT_EXPECT_EQ(test, f, 0U);
	KUNIT_EXPECT_PTR_EQ(test, best(a, 1, 0), a);

	/* Worse, then equal again: the older route wins the tie again. */
	add(test, rt->ent[0], p, 6, 5, 1, 0, NULL);
	KUNIT_EXPECT_PTR_EQ(test, best(a, 1, 0), b);
	f = add(test, rt->ent[0], p, 5, 5, 1, 0, NULL);
	KUNIT_EXPECT_EQ(test, f, RTM_ROUTE_CHANGE_BEST);
	KUNIT_EXPECT_PTR_EQ(test, best(a, 1, 0), a);
	rtm_route_put(a);
	rtm_route_put(b);
}

static void best_per_view_and_protocol(struct kunit *test)
{
	struct route_test *rt = test->priv;
	struct rtm_net_address p = prefix(10, 2, 16);
	struct rtm_route *a, *b;

	/* a: unicast only, preferred; b: both views. */
	add(test, rt->ent[0], p, 1, 0, RTM_VIEW_MASK_UCAST, 0, &a);
	add(test, rt->ent[1], p, 9, 0, RTM_VIEW_MASK_UCAST | RTM_VIEW_MASK_MCAST,
	    0, &b);
	KUNIT_EXPECT_PTR_EQ(test, best(a, RTM_VIEW_MASK_UCAST, 0), a);
	KUNIT_EXPECT_PTR_EQ(test, best(a, RTM_VIEW_MASK_MCAST, 0), b);

	/* The best route of one protocol, whatever is best overall. */
	KUNIT_EXPECT_PTR_EQ(test, best(a, RTM_VIEW_MASK_UCAST, TEST_PROTO_B), b);
	KUNIT_EXPECT_PTR_EQ(test, best(a, RTM_VIEW_MASK_UCAST, TEST_PROTO_A), a);
	KUNIT_EXPECT_NULL(test, best(a, RTM_VIEW_MASK_MCAST, TEST_PROTO_A));
	rtm_route_put(a);
	rtm_route_put(b);
}

static void add_matching_rules(struct kunit *test)
{
	struct route_test *rt = test->priv;
	struct rtm_net_address p = prefix(10, 3, 16);
	struct rtm_route *a, *b, *c;
	u32 f;

	add(test, rt->ent[0], p, 1, 1, 1, 0, &a);
	/* Same owner and neighbour: an update of the same route. */
	f = add(test, rt->ent[0], p, 2, 1, 1, 0, &b);
	KUNIT_EXPECT_FALSE(test, f & RTM_ROUTE_CHANGE_NEW);
	KUNIT_EXPECT_PTR_EQ(test, a, b);
	/* CHANGE_NEW: always another route. */
	f = add(test, rt->ent[0], p, 3, 1, 1, RTM_ROUTE_CHANGE_NEW, &c);
	KUNIT_EXPECT_TRUE(test, f & RTM_ROUTE_CHANGE_NEW);
	KUNIT_EXPECT_PTR_NE(test, a, c);
	/* CHANGE_FIRST: the owner's first route on the dest. */
	f = add(test, rt->ent[0], p, 4, 1, 1, RTM_ROUTE_CHANGE_FIRST, NULL);
	KUNIT_EXPECT_FALSE(test, f & RTM_ROUTE_CHANGE_NEW);
	KUNIT_EXPECT_EQ(test, rcu_access_pointer(a->attr)->pref, 4U);
	KUNIT_EXPECT_EQ(test, rcu_access_pointer(c->attr)->pref, 3U);
	rtm_route_put(a);
	rtm_route_put(b);
	rtm_route_put(c);
}

static void attributes_are_shared(struct kunit *test)
{
	struct route_test *rt = test->priv;
	unsigned long attrs = rt->t->nattrs;
	int i;

	for (i = 0; i < 64; i++)
		add(test, rt->ent[0], prefix(11, i, 16), 7, 7, 1, 0, NULL);
	KUNIT_EXPECT_EQ(test, rt->t->nattrs, attrs + 1);
	KUNIT_EXPECT_EQ(test, rt->t->nroutes, rt->routes + 64);
	KUNIT_EXPECT_EQ(test, rt->ent[0]->nroutes, 64UL);
	add(test, rt->ent[0], prefix(11, 0, 16), 7, 8, 1, 0, NULL);
	KUNIT_EXPECT_EQ(test, rt->t->nattrs, attrs + 2);
}

static void dest_outlives_its_routes_while_held(struct kunit *test)
{
	struct route_test *rt = test->priv;
	struct rtm_route *a;
	struct rtm_dest *d;
	u32 dref;

	add(test, rt->ent[0], prefix(12, 0, 8), 1, 1, 1, 0, &a);
	d = a->dest;
	rtm_dest_get(d);
	dref = refcount_read(&d->obj.ref);
	del(test, a);
	/* The route held the dest; deleted but held, it still does. */
	KUNIT_EXPECT_EQ(test, refcount_read(&d->obj.ref), dref);
	KUNIT_EXPECT_EQ(test, a->obj.state, (u8)RTM_ROUTE_STATE_DELETED);
	rtm_route_put(a);
	KUNIT_EXPECT_EQ(test, refcount_read(&d->obj.ref), dref - 1);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(d->routes));
	/* Re-adding the prefix brings the same dest back. */
	add(test, rt->ent[0], prefix(12, 0, 8), 1, 1, 1, 0, &a);
	KUNIT_EXPECT_PTR_EQ(test, a->dest, d);
	rtm_route_put(a);
	rtm_dest_put(d);
}

static void hold_down_keeps_the_last_route(struct kunit *test)
{
	struct route_test *rt = test->priv;
	struct rtm_hold_dest arg = {
		.size = sizeof(arg),
		.views = RTM_VIEW_MASK_UCAST,
		.hold_time = 200,
	};
	struct rtm_dest_ext *ext;
	struct rtm_route *a, *b;
	struct rtm_dest *d;
	int i;

	add(test, rt->ent[0], prefix(13, 0, 8), 1, 1, 1, 0, &a);
	d = a->dest;
	KUNIT_EXPECT_NULL(test, rtm_dest_ext(d));

	/* RtmHoldDestination, for 200 ms. */
	KUNIT_ASSERT_EQ(test, rtm_obj_publish(rt->t->rn, &d->obj), 0);
	arg.handle = rtm_handle_of(&d->obj);
	KUNIT_ASSERT_EQ(test, rtm_dest_hold_ioctl(rt->reg[0], &arg), 0);

	del(test, a);
	ext = rtm_dest_ext(d);
	KUNIT_ASSERT_NOT_NULL(test, ext);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(ext->hold[0]), a);
	/* A new route does not end the hold-down. */
	add(test, rt->ent[1], prefix(13, 0, 8), 1, 1, 1, 0, &b);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(ext->hold[0]), a);

	/* b keeps the dest, and so its extension, alive. */
	for (i = 0; i < 200 && READ_ONCE(ext->hold[0]); i++)
		msleep(50);
	KUNIT_EXPECT_NULL(test, READ_ONCE(ext->hold[0]));
	rtm_route_put(a);
	rtm_route_put(b);
}

/* The memory a table accounts for, but for its trie and attributes */
static size_t object_bytes(struct rtm_table *t)
{
	return rtm_table_bytes(t) - t->dests.bytes - t->attr_bytes;
}

static void first_route_takes_the_dest_slot(struct kunit *test)
{
	struct route_test *rt = test->priv;
	unsigned long slotted = rt->t->nslotted;
	struct rtm_route *a, *b, *c;
	size_t bytes;
	struct rtm_dest *d;

	bytes = object_bytes(rt->t);
	add(test, rt->ent[0], prefix(14, 0, 8), 1, 1, 1, 0, &a);
	d = a->dest;
	KUNIT_EXPECT_PTR_EQ(test, a, rtm_dest_slot(d));
	KUNIT_EXPECT_TRUE(test, d->obj.flags & RTM_DEST_SLOT_USED);
	KUNIT_EXPECT_EQ(test, rt->t->nslotted, slotted + 1);
	/* A dest with its first route is one object */
	KUNIT_EXPECT_EQ(test, object_bytes(rt->t), bytes + rtm_dest_size(rt->t));

	/* A second route comes from the route cache */
	add(test, rt->ent[1], prefix(14, 0, 8), 1, 2, 1, 0, &b);
	KUNIT_EXPECT_PTR_EQ(test, b->dest, d);
	KUNIT_EXPECT_FALSE(test, rtm_route_in_slot(b));
	KUNIT_EXPECT_EQ(test, object_bytes(rt->t),
			bytes + rtm_dest_size(rt->t) + rtm_route_size());

	/*
	 * Deleted, the first route stays readable while held, in the slot,
	 * which is not taken again: a later route comes from the cache.
	 */
	del(test, a);
	KUNIT_EXPECT_EQ(test, rt->t->nslotted, slotted);
	add(test, rt->ent[0], prefix(14, 0, 8), 1, 3, 1, 0, &c);
	KUNIT_EXPECT_FALSE(test, rtm_route_in_slot(c));
	KUNIT_EXPECT_PTR_EQ(test, a->dest, d);
	KUNIT_EXPECT_EQ(test, a->obj.state, (u8)RTM_ROUTE_STATE_DELETED);
	KUNIT_EXPECT_EQ(test, object_bytes(rt->t),
			bytes + rtm_dest_size(rt->t) + 2 * rtm_route_size());

	/* The dest, and so the slot, outlives the routes put before a */
	del(test, b);
	del(test, c);
	rtm_route_put(b);
	rtm_route_put(c);
	KUNIT_EXPECT_EQ(test, a->obj.state, (u8)RTM_ROUTE_STATE_DELETED);
	KUNIT_EXPECT_EQ(test, object_bytes(rt->t), bytes + rtm_dest_size(rt->t));
	rtm_route_put(a);
	KUNIT_EXPECT_EQ(test, object_bytes(rt->t), bytes);
}

/* rtm_dest_key() against masking byte by byte, in a table of @family */
static void dest_key_family(struct kunit *test, u16 family)
{
	struct rtm_register arg = {
		.size = sizeof(arg),
		.entity = {
			.instance_id = 1,
			.family = family,
			.protocol_id = TEST_PROTO_KEY,
		},
	};
	u8 key[RTM_LPM_MAX_KEYLEN], ref[RTM_LPM_MAX_KEYLEN];
	struct rtm_net_address a = { .family = family };
	unsigned int len, i, k, left;
	struct rtm_entity *e;
	struct rtm_reg *reg;
	struct rtm_table *t;

	reg = rtm_reg_alloc(&init_net);
	KUNIT_ASSERT_NOT_NULL(test, reg);
	KUNIT_ASSERT_EQ(test, rtm_entity_register(reg, &arg), 0);
	e = rtm_reg_entity(reg);
	t = e->table;
	for (k = 0; k < 4; k++) {
		/* all ones, then random addresses */
		if (k)
			get_random_bytes(a.addr, sizeof(a.addr));
		else
			memset(a.addr, 0xff, sizeof(a.addr));
		for (len = 0; len <= t->addr_len * 8; len++) {
			for (i = 0, left = len; i < t->addr_len; i++) {
				ref[i] = left >= 8 ? a.addr[i] :
					 a.addr[i] & (u8)(0xff00 >> left);
				left -= min(left, 8U);
			}
			a.num_bits = len;
			memset(key, 0xa5, sizeof(key));
			KUNIT_ASSERT_EQ(test, rtm_dest_key(t, &a, key), 0);
			KUNIT_EXPECT_EQ(test, memcmp(key, ref, t->addr_len), 0);
		}
	}
	a.num_bits = t->addr_len * 8 + 1;
	KUNIT_EXPECT_EQ(test, rtm_dest_key(t, &a, key), -EINVAL);
	a.num_bits = 0;
	a.family = family == AF_INET ? AF_INET6 : AF_INET;
	KUNIT_EXPECT_EQ(test, rtm_dest_key(t, &a, key), -EINVAL);
	rtm_obj_put(&e->obj);
	rtm_reg_free(reg);
}

static void dest_key_masks_to_the_length(struct kunit *test)
{
	dest_key_family(test, AF_INET);
	dest_key_family(test, AF_INET6);
}

static struct kunit_case route_test_cases[] = {
	KUNIT_CASE(best_by_preference_then_metric),
	KUNIT_CASE(best_ties_keep_the_oldest),
	KUNIT_CASE(best_per_view_and_protocol),
	KUNIT_CASE(add_matching_rules),
	KUNIT_CASE(attributes_are_shared),
	KUNIT_CASE(dest_outlives_its_routes_while_held),
	KUNIT_CASE(hold_down_keeps_the_last_route),
	KUNIT_CASE(first_route_takes_the_dest_slot),
	KUNIT_CASE(dest_key_masks_to_the_length),
	{}
};

static struct kunit_suite route_test_suite = {
	.name = "rtm_route",
	.init = route_test_init,
	.exit = route_test_exit,
	.test_cases = route_test_cases,
};

kunit_test_suite(route_test_suite);
