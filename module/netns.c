// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: per network namespace state.
 *
 * A namespace has its own handle ids and its own tables (table.c).  Open
 * files hold a reference on their namespace, so by the time it exits every
 * registration is gone and its tables hold nothing a registration made.
 */

#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "rtm.h"

static unsigned int rtm_net_id __read_mostly;

struct rtm_net *rtm_net(const struct net *net)
{
	return net_generic(net, rtm_net_id);
}
RTM_EXPORT_INTERNAL(rtm_net);

int rtm_net_setup(struct rtm_net *rn, struct net *net)
{
	rn->net = net;
	xa_init_flags(&rn->objs, XA_FLAGS_ACCOUNT);
	mutex_init(&rn->lock);
	INIT_LIST_HEAD(&rn->tables);
	rtm_prefs_init(rn);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_net_setup);

void rtm_net_teardown(struct rtm_net *rn)
{
	struct rtm_table *t, *tmp;

	list_for_each_entry_safe(t, tmp, &rn->tables, node)
		rtm_table_destroy(t);
	WARN_ON(!rtm_xa_unused(&rn->objs));
	xa_destroy(&rn->objs);
	rtm_prefs_exit(rn);
	mutex_destroy(&rn->lock);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_net_teardown);

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
