// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: route attributes, interned per table.
 *
 * A route's preference, metric, views, flags, neighbour and next hops live
 * in a struct rtm_attr that never changes once made.  Routes with equal
 * attributes share one (a table loaded by one protocol through one next
 * hop needs a single one), so a route costs a pointer for all of it, and an
 * update swaps the pointer, which RCU readers see whole or not at all.
 *
 * The table's hash finds existing attributes; the last reference, always
 * dropped under the table lock, takes the attribute out of it.
 */

#include <linux/slab.h>
#include <linux/jhash.h>
#include <linux/rhashtable.h>

#include "rtm.h"

static u32 rtm_attr_hash(const struct rtm_attr *a, u32 seed)
{
	u32 h;

	h = jhash_3words(a->metric, a->pref, a->views, seed);
	h = jhash_3words(a->flags | a->flags1 << 16 | a->nnh << 24,
			 hash_ptr(a->neighbour, 32), h, seed);
	return jhash(a->nh, a->nnh * sizeof(a->nh[0]), h);
}

static u32 rtm_attr_key_hashfn(const void *data, u32 len, u32 seed)
{
	return rtm_attr_hash(data, seed);
}

static u32 rtm_attr_obj_hashfn(const void *data, u32 len, u32 seed)
{
	return rtm_attr_hash(data, seed);
}

static int rtm_attr_cmpfn(struct rhashtable_compare_arg *arg, const void *obj)
{
	return !rtm_attr_equal(arg->key, obj);
}

static const struct rhashtable_params rtm_attr_params = {
	.head_offset = offsetof(struct rtm_attr, node),
	.hashfn = rtm_attr_key_hashfn,
	.obj_hashfn = rtm_attr_obj_hashfn,
	.obj_cmpfn = rtm_attr_cmpfn,
	.automatic_shrinking = true,
};

static size_t rtm_attr_size(unsigned int nnh)
{
	return struct_size_t(struct rtm_attr, nh, nnh);
}

/**
 * rtm_attr_get - the table's attribute equal to a template
 * @t: the table; its lock is held
 * @tmpl: the values; its next hops and neighbour belong to the caller
 *
 * Return: the attribute with a reference taken, or an ERR_PTR.
 */
struct rtm_attr *rtm_attr_get(struct rtm_table *t, const struct rtm_attr *tmpl)
{
	struct rtm_attr *a;
	unsigned int i;
	int err;

	lockdep_assert_held(&t->lock);
	a = rhashtable_lookup_fast(&t->attrs, tmpl, rtm_attr_params);
	if (a) {
		refcount_inc(&a->ref);
		return a;
	}

	a = kmalloc(rtm_attr_size(tmpl->nnh), RTM_GFP);
	if (!a)
		return ERR_PTR(-ENOMEM);
	memcpy(a, tmpl, rtm_attr_size(tmpl->nnh));
	refcount_set(&a->ref, 1);
	err = rhashtable_insert_fast(&t->attrs, &a->node, rtm_attr_params);
	if (err) {
		kfree(a);
		return ERR_PTR(err);
	}
	if (a->neighbour)
		rtm_obj_get(&a->neighbour->obj);
	for (i = 0; i < a->nnh; i++)
		rtm_obj_get(&a->nh[i]->obj);
	t->nattrs++;
	t->attr_bytes += rtm_attr_size(a->nnh);
	return a;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_attr_get);

/**
 * rtm_attr_put_locked - drop a reference to an attribute
 * @t: its table; the lock is held
 * @a: the attribute
 */
void rtm_attr_put_locked(struct rtm_table *t, struct rtm_attr *a)
{
	unsigned int i;

	lockdep_assert_held(&t->lock);
	if (!refcount_dec_and_test(&a->ref))
		return;

	WARN_ON(rhashtable_remove_fast(&t->attrs, &a->node, rtm_attr_params));
	t->nattrs--;
	t->attr_bytes -= rtm_attr_size(a->nnh);
	if (a->neighbour)
		rtm_nexthop_put_locked(t, a->neighbour);
	for (i = 0; i < a->nnh; i++)
		rtm_nexthop_put_locked(t, a->nh[i]);
	kfree_rcu(a, rcu);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_attr_put_locked);

int rtm_attrs_init(struct rtm_table *t)
{
	return rhashtable_init(&t->attrs, &rtm_attr_params);
}

void rtm_attrs_destroy(struct rtm_table *t)
{
	WARN_ON(t->nattrs);
	rhashtable_destroy(&t->attrs);
}
