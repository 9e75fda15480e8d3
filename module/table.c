// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: the routing tables of a namespace, one per (RTM instance, address
 * family) pair in use, each created by the first registration for it and
 * kept until the namespace goes.
 */

#include <linux/slab.h>
#include <linux/bitmap.h>
#include <linux/socket.h>
#include <linux/workqueue.h>

#include "rtm.h"

static struct rtm_table *rtm_table_create(struct rtm_net *rn, u16 instance,
					  u16 family)
{
	struct rtm_table *t;

	t = kzalloc(sizeof(*t), RTM_GFP);
	if (!t)
		return NULL;
	t->opaque_used = bitmap_zalloc(rtm_opaque_slots, RTM_GFP);
	if (!t->opaque_used)
		goto err_free;
	if (rtm_attrs_init(t))
		goto err_bitmap;

	t->rn = rn;
	t->instance = instance;
	t->family = family;
	t->addr_len = family == AF_INET ? 4 : 16;
	mutex_init(&t->lock);
	init_waitqueue_head(&t->lock_wait);
	INIT_LIST_HEAD(&t->entities);
	rtm_lpm_init(&t->dests, t->addr_len, &t->lock, RTM_GFP);
	xa_init_flags(&t->dest_ext, XA_FLAGS_ACCOUNT);
	xa_init_flags(&t->route_ext, XA_FLAGS_ACCOUNT);
	rtm_expiry_init(t);
	list_add_tail(&t->node, &rn->tables);
	atomic_long_inc(&rn->stats.tables);
	return t;

err_bitmap:
	bitmap_free(t->opaque_used);
err_free:
	kfree(t);
	return NULL;
}

/**
 * rtm_table_destroy - free a table at namespace exit
 * @t: the table; no registration is left
 *
 * What can outlive the registrations (dests and routes kept in hold-down)
 * is let go first.
 */
void rtm_table_destroy(struct rtm_table *t)
{
	WARN_ON(!list_empty(&t->entities));
	rtm_expiry_stop(t);
	rtm_dests_flush_holds(t);

	WARN_ON(t->dests.count || t->nroutes || t->nnexthops);
	rtm_lpm_destroy(&t->dests);
	rtm_attrs_destroy(t);
	WARN_ON(!rtm_xa_unused(&t->dest_ext) ||
		!rtm_xa_unused(&t->route_ext));
	xa_destroy(&t->dest_ext);
	xa_destroy(&t->route_ext);
	list_del(&t->node);
	atomic_long_dec(&t->rn->stats.tables);
	mutex_destroy(&t->lock);
	bitmap_free(t->opaque_used);
	kfree(t);
}

/**
 * rtm_table_bytes - the memory a table's dests, routes, next hops,
 * attributes and trie take
 * @t: the table; read without its lock, for statistics
 */
size_t rtm_table_bytes(struct rtm_table *t)
{
	unsigned long routes = READ_ONCE(t->nroutes);
	unsigned long slotted = READ_ONCE(t->nslotted);

	/* A dest's size includes its route slot; the two counts may skew */
	return READ_ONCE(t->ndests) * rtm_dest_size(t) +
	       (routes > slotted ? routes - slotted : 0) * rtm_route_size() +
	       READ_ONCE(t->nnexthops) * sizeof(struct rtm_nexthop) +
	       READ_ONCE(t->attr_bytes) + READ_ONCE(t->dests.bytes);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_table_bytes);

/* The table of (instance, family), or NULL; @rn->lock held. */
static struct rtm_table *rtm_table_find_locked(struct rtm_net *rn,
					       u16 instance, u16 family)
{
	struct rtm_table *t;

	lockdep_assert_held(&rn->lock);
	list_for_each_entry(t, &rn->tables, node)
		if (t->instance == instance && t->family == family)
			return t;
	return NULL;
}

/**
 * rtm_table_get - find or create the table of an (instance, family) pair
 * @rn: the namespace
 * @instance: RTM instance id, below rtm_max_instances
 * @family: AF_INET or AF_INET6
 *
 * Tables live as long as the namespace, so the pointer needs no reference.
 * Return: the table, or an ERR_PTR: -EBADMSG for a bad pair, -ENOMEM.
 */
struct rtm_table *rtm_table_get(struct rtm_net *rn, u16 instance, u16 family)
{
	struct rtm_table *t;

	if (family != AF_INET && family != AF_INET6)
		return ERR_PTR(-EBADMSG);
	if (instance >= rtm_max_instances)
		return ERR_PTR(-EBADMSG);

	mutex_lock(&rn->lock);
	t = rtm_table_find_locked(rn, instance, family);
	if (!t) {
		t = rtm_table_create(rn, instance, family);
		if (!t)
			t = ERR_PTR(-ENOMEM);
	}
	mutex_unlock(&rn->lock);
	return t;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_table_get);

/**
 * rtm_table_find - the table of an (instance, family) pair, if it exists
 * @rn: the namespace
 * @instance: RTM instance id
 * @family: address family
 *
 * For readers that must not create a table (the benchmark's module).
 * Tables live as long as the namespace, so the pointer needs no reference.
 * Return: the table, or NULL.
 */
struct rtm_table *rtm_table_find(struct rtm_net *rn, u16 instance, u16 family)
{
	struct rtm_table *t;

	mutex_lock(&rn->lock);
	t = rtm_table_find_locked(rn, instance, family);
	mutex_unlock(&rn->lock);
	return t;
}
RTM_EXPORT_INTERNAL(rtm_table_find);
