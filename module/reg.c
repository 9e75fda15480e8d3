// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: a registration, the state behind one open file of /dev/rtm.
 *
 * The file holds its network namespace for as long as it is open, at most
 * one registered entity, the references that entity's caller holds, and
 * its event queue.  Closing the file deregisters the entity and drops
 * everything else.
 */

#include <linux/slab.h>
#include <net/net_namespace.h>

#include "rtm.h"

struct rtm_reg *rtm_reg_alloc(struct net *net)
{
	struct rtm_reg *reg;

	reg = kzalloc(sizeof(*reg), RTM_GFP);
	if (!reg)
		return NULL;
	reg->net = get_net(net);
	reg->rn = rtm_net(net);
	mutex_init(&reg->lock);
	mutex_init(&reg->hold_lock);
	xa_init_flags(&reg->holds, XA_FLAGS_ACCOUNT);
	spin_lock_init(&reg->ev_lock);
	mutex_init(&reg->ev_read_lock);
	init_waitqueue_head(&reg->ev_wait);
	return reg;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_reg_alloc);

void rtm_reg_free(struct rtm_reg *reg)
{
	if (rcu_access_pointer(reg->entity))
		rtm_entity_deregister(reg);
	rtm_holds_drop_all(reg);
	WARN_ON(reg->nholds || reg->nbatched);
	xa_destroy(&reg->holds);
	rtm_events_free(reg);
	mutex_destroy(&reg->ev_read_lock);
	mutex_destroy(&reg->hold_lock);
	mutex_destroy(&reg->lock);
	put_net(reg->net);
	kfree(reg);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_reg_free);

/**
 * rtm_reg_entity - the registration's entity
 * @reg: the registration
 *
 * Return: the entity with a reference taken, or NULL when the file holds no
 * registration.
 */
struct rtm_entity *rtm_reg_entity(struct rtm_reg *reg)
{
	struct rtm_entity *e;

	rcu_read_lock();
	e = rcu_dereference(reg->entity);
	if (e && !refcount_inc_not_zero(&e->obj.ref))
		e = NULL;
	rcu_read_unlock();
	return e;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_reg_entity);
