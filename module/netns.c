// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: per network namespace state, and the tables in it.
 *
 * A namespace has one table per (RTM instance, address family) pair in use,
 * created by the first registration for it and kept until the namespace
 * goes.  Open files hold a reference on their namespace, so by the time it
 * exits every registration is gone and the tables are empty.
 */

#include <linux/slab.h>
#include <linux/bitmap.h>
#include <linux/socket.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "rtm.h"

static unsigned int rtm_net_id __read_mostly;

struct rtm_net *rtm_net(const struct net *net)
{
	return net_generic(net, rtm_net_id);
}

static struct rtm_table *rtm_table_create(struct rtm_net *rn, u16 instance,
					  u16 family)
{
	struct rtm_table *t;

	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return NULL;
	t->opaque_used = bitmap_zalloc(rtm_opaque_slots, GFP_KERNEL_ACCOUNT);
	if (!t->opaque_used) {
		kfree(t);
		return NULL;
	}
	t->rn = rn;
	t->instance = instance;
	t->family = family;
	mutex_init(&t->lock);
	INIT_LIST_HEAD(&t->entities);
	list_add_tail(&t->node, &rn->tables);
	atomic_long_inc(&rn->stats.tables);
	return t;
}

static void rtm_table_destroy(struct rtm_table *t)
{
	WARN_ON(!list_empty(&t->entities));
	list_del(&t->node);
	atomic_long_dec(&t->rn->stats.tables);
	mutex_destroy(&t->lock);
	bitmap_free(t->opaque_used);
	kfree(t);
}

/**
 * rtm_table_get - find or create the table of an (instance, family) pair
 * @rn: the namespace
 * @instance: RTM instance id, below rtm_max_instances
 * @family: AF_INET or AF_INET6
 *
 * Tables live as long as the namespace, so the pointer needs no reference.
 * Return: the table, or an ERR_PTR.
 */
struct rtm_table *rtm_table_get(struct rtm_net *rn, u16 instance, u16 family)
{
	struct rtm_table *t;

	if (family != AF_INET && family != AF_INET6)
		return ERR_PTR(-EBADMSG);
	if (instance >= rtm_max_instances)
		return ERR_PTR(-EBADMSG);

	mutex_lock(&rn->lock);
	list_for_each_entry(t, &rn->tables, node)
		if (t->instance == instance && t->family == family)
			goto out;
	t = rtm_table_create(rn, instance, family);
	if (!t)
		t = ERR_PTR(-ENOMEM);
out:
	mutex_unlock(&rn->lock);
	return t;
}

int rtm_net_setup(struct rtm_net *rn, struct net *net)
{
	rn->net = net;
	xa_init(&rn->objs);
	mutex_init(&rn->lock);
	INIT_LIST_HEAD(&rn->tables);
	return 0;
}

void rtm_net_teardown(struct rtm_net *rn)
{
	struct rtm_table *t, *tmp;

	list_for_each_entry_safe(t, tmp, &rn->tables, node)
		rtm_table_destroy(t);
	WARN_ON(!xa_empty(&rn->objs));
	xa_destroy(&rn->objs);
	mutex_destroy(&rn->lock);
}

static int __net_init rtm_net_init(struct net *net)
{
	struct rtm_net *rn = rtm_net(net);
	int err;

	err = rtm_net_setup(rn, net);
	if (err)
		return err;
	err = rtm_proc_init(rn);
	if (err)
		rtm_net_teardown(rn);
	return err;
}

static void __net_exit rtm_net_exit(struct net *net)
{
	struct rtm_net *rn = rtm_net(net);

	rtm_proc_exit(rn);
	rtm_net_teardown(rn);
}

static struct pernet_operations rtm_net_ops = {
	.init = rtm_net_init,
	.exit = rtm_net_exit,
	.id = &rtm_net_id,
	.size = sizeof(struct rtm_net),
};

int rtm_netns_register(void)
{
	return register_pernet_subsys(&rtm_net_ops);
}

void rtm_netns_unregister(void)
{
	unregister_pernet_subsys(&rtm_net_ops);
}
