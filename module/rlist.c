// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: entity-private route lists (RtmCreateRouteList, RtmInsertInRouteList,
 * RtmDeleteRouteList, and RtmAddRouteToDest's RouteListHandle).
 *
 * A list is an entity's cheap way to walk some of its own routes.  A route
 * is in at most one list; the list holds it, in insertion order, in an
 * XArray indexed by a sequence number that only grows, which is also the
 * cursor of the list's enumerations.  A route leaves its list when it is
 * deleted, moved, or the list is.  Everything here runs under the table
 * lock.
 */

#include <linux/slab.h>
#include <linux/uaccess.h>

#include "rtm.h"

static void rtm_list_release(struct rtm_route_list *l)
{
	WARN_ON(!rtm_xa_unused(&l->routes));
	xa_destroy(&l->routes);
	rtm_obj_unpublish(l->owner->table->rn, &l->obj);
	rtm_obj_put(&l->owner->obj);
	kfree_rcu(l, rcu);
}

void rtm_list_put(struct rtm_route_list *l)
{
	if (refcount_dec_and_test(&l->obj.ref))
		rtm_list_release(l);
}

/**
 * rtm_list_lookup - the caller's live route list a handle names
 * @self: the caller's entity
 * @rn: its namespace
 * @handle: the handle
 *
 * Return: the list with a reference taken, or ERR_PTR(-EBADF).
 */
struct rtm_route_list *rtm_list_lookup(struct rtm_entity *self,
				       struct rtm_net *rn, u64 handle)
{
	struct rtm_route_list *l;
	struct rtm_obj *obj;

	obj = rtm_obj_lookup(rn, handle, RTM_KIND_ROUTE_LIST);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	l = container_of(obj, struct rtm_route_list, obj);
	if (l->owner != self || READ_ONCE(l->obj.state) != RTM_LIST_LIVE) {
		rtm_list_put(l);
		return ERR_PTR(-EBADF);
	}
	return l;
}

/**
 * rtm_list_prepare - make sure routes can be moved into a list
 * @l: the list; the table lock is held
 * @n: how many routes the next rtm_list_move() calls will move into it
 *
 * Reserves their slots, so that rtm_list_move() cannot fail.
 * Return: 0, or -ENOMEM with nothing reserved.
 */
int rtm_list_prepare(struct rtm_route_list *l, unsigned int n)
{
	unsigned int i;
	int err;

	lockdep_assert_held(&l->owner->table->lock);
	for (i = 0; i < n; i++) {
		err = xa_reserve(&l->routes, l->next_seq + i,
				 RTM_GFP);
		if (err) {
			while (i--)
				xa_release(&l->routes, l->next_seq + i);
			return err;
		}
		cond_resched();
	}
	return 0;
}

/**
 * rtm_list_move - move a route into a list, or out of any
 * @l: the list (prepared with rtm_list_prepare()), or NULL
 * @r: the route; the table lock is held
 */
void rtm_list_move(struct rtm_route_list *l, struct rtm_route *r)
{
	struct rtm_route_ext *ext = rtm_route_ext(r);

	if (!ext)
		return;
	if (ext->list) {
		xa_erase(&ext->list->routes, ext->list_seq);
		ext->list = NULL;
		rtm_route_put_locked(r);
	}
	if (!l)
		return;
	ext->list = l;
	ext->list_seq = l->next_seq++;
	rtm_obj_get(&r->obj);
	xa_store(&l->routes, ext->list_seq, r, GFP_NOWAIT);
}

/* Take every route off a list; the table lock is held. */
static void rtm_list_empty(struct rtm_route_list *l)
{
	struct rtm_route *r;
	unsigned long seq;

	xa_for_each(&l->routes, seq, r) {
		rtm_list_move(NULL, r);
		/* A list may hold all of an entity's routes. */
		cond_resched();
	}
}

/* Delete a list of an entity; the table lock is held. */
static void rtm_list_delete_locked(struct rtm_route_list *l)
{
	lockdep_assert_held(&l->owner->table->lock);
	rtm_list_empty(l);
	WRITE_ONCE(l->obj.state, RTM_LIST_DELETED);
	list_del(&l->node);
	l->owner->nlists--;
	rtm_list_put(l);
}

/* Delete every list of a deregistering entity; the table lock is held. */
void rtm_lists_flush(struct rtm_entity *e)
{
	struct rtm_route_list *l, *tmp;

	list_for_each_entry_safe(l, tmp, &e->lists, node)
		rtm_list_delete_locked(l);
}

/* RtmCreateRouteList (RTM_IOC_LIST_CREATE) */
int rtm_list_create_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_object *arg = data;
	struct rtm_route_list *l;
	struct rtm_entity *self;
	int err;

	if (arg->flags)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;

	err = -ENOMEM;
	l = kzalloc(sizeof(*l), RTM_GFP);
	if (!l)
		goto out;
	rtm_obj_init(&l->obj, RTM_OBJ_ROUTE_LIST);
	l->obj.state = RTM_LIST_LIVE;
	xa_init_flags(&l->routes, XA_FLAGS_ACCOUNT);
	l->next_seq = 1;
	l->owner = self;
	err = rtm_obj_reserve(reg->rn, &l->obj);
	if (err)
		goto err_free;

	mutex_lock(&self->table->lock);
	err = -EBADF;
	if (rtm_entity_alive(self)) {
		err = -EDQUOT;
		if (self->nlists < rtm_max_lists) {
			rtm_obj_get(&self->obj);
			list_add_tail(&l->node, &self->lists);
			self->nlists++;
			/* Nothing fails any more: the handle can be found. */
			rtm_obj_commit(reg->rn, &l->obj);
			err = 0;
		}
	}
	mutex_unlock(&self->table->lock);
	if (err)
		goto err_cancel;
	arg->handle = rtm_handle_of(&l->obj);
	goto out;

err_cancel:
	rtm_obj_cancel(reg->rn, &l->obj);
err_free:
	kfree(l);
out:
	rtm_obj_put(&self->obj);
	return err;
}

/* RtmDeleteRouteList (RTM_IOC_LIST_DELETE) */
int rtm_list_delete_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_object *arg = data;
	struct rtm_route_list *l;
	struct rtm_entity *self;
	int err = 0;

	if (arg->flags)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	l = rtm_list_lookup(self, reg->rn, arg->handle);
	if (IS_ERR(l)) {
		err = PTR_ERR(l);
		goto out;
	}
	mutex_lock(&self->table->lock);
	if (l->obj.state == RTM_LIST_LIVE)
		rtm_list_delete_locked(l);
	else
		err = -EBADF;
	mutex_unlock(&self->table->lock);
	rtm_list_put(l);
out:
	rtm_obj_put(&self->obj);
	return err;
}

/* RtmInsertInRouteList (RTM_IOC_LIST_INSERT) */
int rtm_list_insert_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_list_insert *arg = data;
	struct rtm_route **routes = NULL;
	struct rtm_route_list *l = NULL;
	struct rtm_entity *self;
	struct rtm_table *t;
	u64 *handles;
	u32 i, n = 0;
	int err;

	if (!arg->count || arg->count > RTM_MAX_BATCH)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	t = self->table;

	handles = rtm_memdup_user(arg->routes, arg->count, sizeof(*handles));
	if (IS_ERR(handles)) {
		err = PTR_ERR(handles);
		goto out;
	}
	err = -ENOMEM;
	routes = kvcalloc(arg->count, sizeof(*routes), RTM_GFP);
	if (!routes)
		goto out_free;
	if (arg->list) {
		l = rtm_list_lookup(self, reg->rn, arg->list);
		if (IS_ERR(l)) {
			err = PTR_ERR(l);
			l = NULL;
			goto out_free;
		}
	}
	for (n = 0; n < arg->count; n++) {
		routes[n] = rtm_route_lookup(reg, self, handles[n]);
		if (IS_ERR(routes[n])) {
			err = PTR_ERR(routes[n]);
			goto out_free;
		}
		cond_resched();
	}

	/* Check and prepare everything, then move: all or nothing. */
	mutex_lock(&t->lock);
	err = 0;
	if (l && l->obj.state != RTM_LIST_LIVE)
		err = -EBADF;
	for (i = 0; !err && i < n; i++) {
		struct rtm_route_ext *prep;

		if (routes[i]->owner != self ||
		    routes[i]->obj.state != RTM_ROUTE_STATE_CREATED) {
			err = -EBADF;
			break;
		}
		if (!l)
			continue;
		/* An extension alone changes nothing the caller sees. */
		err = rtm_route_ext_prepare(routes[i], &prep);
		if (!err)
			rtm_route_ext_install(routes[i], prep);
		cond_resched();
	}
	if (!err && l)
		err = rtm_list_prepare(l, n);
	for (i = 0; !err && i < n; i++) {
		rtm_list_move(l, routes[i]);
		cond_resched();
	}
	mutex_unlock(&t->lock);

out_free:
	for (i = 0; routes && i < n; i++) {
		rtm_route_put(routes[i]);
		cond_resched();
	}
	if (l)
		rtm_list_put(l);
	kvfree(routes);
	kvfree(handles);
out:
	rtm_obj_put(&self->obj);
	return err;
}
