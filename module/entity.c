// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: registered entities (RtmRegisterEntity and friends).
 *
 * An entity is a routing protocol instance or management component
 * registered in one table under an identity (protocol id, instance id)
 * unique in that table.  It lives in the table's list from registration to
 * deregistration; handles others hold keep the object (but not the
 * registration) alive after that, and such a handle reads as stale.
 */

#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/capability.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>

#include "rtm.h"

static void rtm_entity_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct rtm_entity, rcu));
}

/* Called when the last reference goes. */
void rtm_entity_release(struct rtm_entity *e)
{
	rtm_obj_unpublish(e->table->rn, &e->obj);
	rtm_methods_free(e);
	call_rcu(&e->rcu, rtm_entity_free_rcu);
}

/* Tell every other entity of the table with a queue that @e came or went. */
static void rtm_entity_broadcast(struct rtm_entity *e, enum rtm_event_type type)
{
	struct rtm_event ev = {
		.type = type,
		.handle = rtm_handle_of(&e->obj),
		.entity = e->info,
	};
	struct rtm_entity *other;

	lockdep_assert_held(&e->table->lock);
	list_for_each_entry(other, &e->table->entities, node)
		if (other != e && (other->reg_flags & RTM_REGISTER_EVENTS))
			rtm_event_queue(other->reg, &ev);
}

static struct rtm_entity *rtm_entity_find(struct rtm_table *t,
					  const struct rtm_entity_info *info)
{
	struct rtm_entity *e;

	lockdep_assert_held(&t->lock);
	list_for_each_entry(e, &t->entities, node)
		if (e->info.protocol_id == info->protocol_id &&
		    e->info.entity_instance_id == info->entity_instance_id)
			return e;
	return NULL;
}

/* Link a new entity into its table; the caller holds the table lock. */
static int rtm_entity_link(struct rtm_entity *e)
{
	struct rtm_table *t = e->table;
	int slot = -1;
	int err;

	if (rtm_entity_find(t, &e->info))
		return -EEXIST;

	if (e->reg_flags & RTM_REGISTER_OPAQUE) {
		slot = find_first_zero_bit(t->opaque_used, rtm_opaque_slots);
		if (slot >= rtm_opaque_slots)
			return -EDQUOT;
	}

	err = rtm_obj_publish(t->rn, &e->obj);
	if (err)
		return err;

	if (slot >= 0)
		__set_bit(slot, t->opaque_used);
	e->opaque_slot = slot;
	WRITE_ONCE(e->obj.state, RTM_ENTITY_ALIVE);
	list_add_tail(&e->node, &t->entities);
	t->nentities++;
	atomic_long_inc(&t->rn->stats.entities);
	rtm_entity_broadcast(e, RTM_EVENT_ENTITY_REGISTERED);
	return 0;
}

/*
 * Take a registered entity out of its table, deleting what it owned; the
 * caller holds the lock.
 */
static void rtm_entity_unlink(struct rtm_entity *e)
{
	struct rtm_table *t = e->table;

	lockdep_assert_held(&t->lock);
	rtm_locks_flush(e);
	rtm_notify_flush(e);
	rtm_enums_flush(e);
	rtm_lists_flush(e);
	rtm_expired_flush(e);
	rtm_routes_flush(e);
	rtm_nexthops_flush(e);
	list_del(&e->node);
	t->nentities--;
	atomic_long_dec(&t->rn->stats.entities);
	if (e->opaque_slot >= 0)
		__clear_bit(e->opaque_slot, t->opaque_used);
	WRITE_ONCE(e->obj.state, RTM_ENTITY_GONE);
	rtm_methods_close(e);
	rtm_entity_broadcast(e, RTM_EVENT_ENTITY_DEREGISTERED);
	e->reg = NULL;
}

static int rtm_register_check(const struct rtm_register *arg)
{
	const struct rtm_entity_info *info = &arg->entity;

	if (arg->flags & ~(RTM_REGISTER_EVENTS | RTM_REGISTER_OPAQUE))
		return -EINVAL;
	if (arg->reserved || info->reserved)
		return -EINVAL;
	if (arg->num_methods > 32)
		return -EINVAL;
	/* 0 and ~0 select protocols in queries (RTM_BEST/THIS_PROTOCOL). */
	if (!info->protocol_id || info->protocol_id == U32_MAX)
		return -EBADMSG;
	return 0;
}

/**
 * rtm_entity_register - RtmRegisterEntity (RTM_IOC_REGISTER)
 * @reg: the caller's registration, not yet used
 * @data: the struct rtm_register; the handle and profile are filled in
 *
 * Return: 0 or a negative errno: -EPERM without CAP_NET_ADMIN over the
 * namespace, -EEXIST for an identity in use, -EBADMSG for a bad identity,
 * -EDQUOT when no opaque slot is left, -EBUSY if the file was used.
 */
int rtm_entity_register(struct rtm_reg *reg, void *data)
{
	struct rtm_register *arg = data;
	struct rtm_table *t;
	struct rtm_entity *e;
	int err;

	err = rtm_register_check(arg);
	if (err)
		return err;
	if (!ns_capable(reg->net->user_ns, CAP_NET_ADMIN))
		return -EPERM;

	mutex_lock(&reg->lock);
	if (reg->used) {
		err = -EBUSY;
		goto out;
	}

	t = rtm_table_get(reg->rn, arg->entity.instance_id, arg->entity.family);
	if (IS_ERR(t)) {
		err = PTR_ERR(t);
		goto out;
	}

	e = kzalloc(sizeof(*e), RTM_GFP);
	if (!e) {
		err = -ENOMEM;
		goto out;
	}
	rtm_obj_init(&e->obj, RTM_OBJ_ENTITY);
	e->table = t;
	e->reg = reg;
	e->info = arg->entity;
	e->reg_flags = arg->flags;
	e->num_methods = arg->num_methods;
	e->pid = task_tgid_vnr(current);
	e->nexthops = RB_ROOT;
	INIT_LIST_HEAD(&e->expired);
	INIT_LIST_HEAD(&e->enums);
	INIT_LIST_HEAD(&e->subs);
	INIT_LIST_HEAD(&e->locks);
	INIT_LIST_HEAD(&e->lists);

	if (arg->flags & RTM_REGISTER_EVENTS) {
		err = rtm_events_init(reg, rtm_event_queue_len);
		if (err)
			goto err_free;
	}

	mutex_lock(&t->lock);
	err = rtm_entity_link(e);
	mutex_unlock(&t->lock);
	if (err)
		goto err_events;

	rcu_assign_pointer(reg->entity, e);
	reg->used = true;

	arg->handle = rtm_handle_of(&e->obj);
	arg->profile.max_nexthops_in_route = rtm_max_nexthops_in_route;
	arg->profile.max_handles_in_enum = rtm_max_handles_in_enum;
	arg->profile.views_supported = RTM_VIEWS_SUPPORTED;
	arg->profile.number_of_views = RTM_NUM_VIEWS;
	goto out;

err_events:
	rtm_events_free(reg);
err_free:
	/* Never published or linked: nobody else can see it. */
	rtm_obj_unpublish(t->rn, &e->obj);
	kfree(e);
out:
	mutex_unlock(&reg->lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_entity_register);

/**
 * rtm_entity_deregister - RtmDeregisterEntity, also run when the file closes
 * @reg: the registration
 *
 * Return: 0, or -EBADF when the file holds no registered entity.
 */
int rtm_entity_deregister(struct rtm_reg *reg)
{
	struct rtm_entity *e;

	mutex_lock(&reg->lock);
	e = rcu_dereference_protected(reg->entity, lockdep_is_held(&reg->lock));
	if (!e) {
		mutex_unlock(&reg->lock);
		return -EBADF;
	}

	mutex_lock(&e->table->lock);
	rtm_entity_unlink(e);
	mutex_unlock(&e->table->lock);

	RCU_INIT_POINTER(reg->entity, NULL);
	mutex_unlock(&reg->lock);

	rtm_events_close(reg);
	rtm_holds_drop_all(reg);
	rtm_obj_put(&e->obj);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_entity_deregister);

/**
 * rtm_entity_lookup - the live entity a handle names, in the caller's table
 * @reg: the caller's registration
 * @self: the caller's entity
 * @handle: the handle
 *
 * Return: the entity with a reference taken, or ERR_PTR(-EBADF).
 */
struct rtm_entity *rtm_entity_lookup(struct rtm_reg *reg,
				     struct rtm_entity *self, u64 handle)
{
	struct rtm_obj *obj;
	struct rtm_entity *e;

	obj = rtm_obj_lookup(reg->rn, handle, RTM_KIND_ENTITY);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	e = rtm_entity_of(obj);
	if (!rtm_entity_alive(e) || e->table != self->table) {
		rtm_obj_put(obj);
		return ERR_PTR(-EBADF);
	}
	return e;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_entity_lookup);

/**
 * rtm_reg_entity_lookup - the live entity a handle names, in the table of
 * the caller's registration
 * @reg: the caller's registration
 * @handle: the handle
 *
 * Return: the entity with a reference taken, or ERR_PTR(-EBADF) (the
 * caller is not registered, or the handle names no such entity).
 */
struct rtm_entity *rtm_reg_entity_lookup(struct rtm_reg *reg, u64 handle)
{
	struct rtm_entity *self, *e;

	self = rtm_reg_entity(reg);
	if (!self)
		return ERR_PTR(-EBADF);
	e = rtm_entity_lookup(reg, self, handle);
	rtm_obj_put(&self->obj);
	return e;
}

/**
 * rtm_entity_list - RtmGetRegisteredEntities (RTM_IOC_GET_ENTITIES)
 * @reg: the caller's registration
 * @data: the struct rtm_get_entities
 *
 * Writes min(@arg->count, total) entities to the arrays given, taking a
 * reference for each handle written, and fails with -ENOSPC when the
 * capacity is below the total.
 *
 * Return: 0, -ENOSPC, or another negative errno (nothing is held then).
 */
int rtm_entity_list(struct rtm_reg *reg, void *data)
{
	struct rtm_get_entities *arg = data;
	u64 __user *uhandles = u64_to_user_ptr(arg->handles);
	struct rtm_entity_info __user *uinfos = u64_to_user_ptr(arg->infos);
	struct rtm_entity **list = NULL;
	struct rtm_entity *self, *e;
	u32 capacity = arg->count;
	u32 i, n = 0, held = 0, total;
	u64 *handles = NULL;
	int err = 0;

	if (arg->flags)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;

	mutex_lock(&self->table->lock);
	total = self->table->nentities;
	if (uhandles || uinfos)
		n = min(capacity, total);
	if (n) {
		list = kmalloc_array(n, sizeof(*list), RTM_GFP);
		if (!list) {
			mutex_unlock(&self->table->lock);
			err = -ENOMEM;
			goto out;
		}
		i = 0;
		list_for_each_entry(e, &self->table->entities, node) {
			if (i == n)
				break;
			rtm_obj_get(&e->obj);
			list[i++] = e;
		}
	}
	mutex_unlock(&self->table->lock);

	if (n && uhandles) {
		handles = kmalloc_array(n, sizeof(*handles), RTM_GFP);
		if (!handles) {
			err = -ENOMEM;
			goto out_put;
		}
		for (held = 0; held < n; held++) {
			err = rtm_hold(reg, &list[held]->obj, &handles[held]);
			if (err)
				goto out_put;
		}
		if (copy_to_user(uhandles, handles, n * sizeof(*handles))) {
			err = -EFAULT;
			goto out_put;
		}
	}
	for (i = 0; i < n && uinfos; i++) {
		if (copy_to_user(&uinfos[i], &list[i]->info, sizeof(*uinfos))) {
			err = -EFAULT;
			goto out_put;
		}
	}

	arg->count = n;
	arg->total = total;
	if (total > capacity)
		err = -ENOSPC;

out_put:
	if (err && err != -ENOSPC && held)
		rtm_holds_release(reg, handles, held, RTM_KIND_ENTITY);
	for (i = 0; i < n; i++)
		rtm_obj_put(&list[i]->obj);
	kfree(handles);
	kfree(list);
out:
	rtm_obj_put(&self->obj);
	return err;
}

/* RTM_IOC_DEREGISTER */
int rtm_entity_deregister_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_deregister *arg = data;

	if (arg->flags)
		return -EINVAL;
	return rtm_entity_deregister(reg);
}

/* RtmGetEntityInfo (RTM_IOC_GET_ENTITY_INFO) */
int rtm_entity_info(struct rtm_reg *reg, void *data)
{
	struct rtm_get_entity_info *arg = data;
	struct rtm_entity *e;

	if (arg->flags)
		return -EINVAL;
	e = rtm_reg_entity_lookup(reg, arg->handle);
	if (IS_ERR(e))
		return PTR_ERR(e);
	arg->info = e->info;
	rtm_obj_put(&e->obj);
	return 0;
}
