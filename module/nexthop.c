// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: next hops (RtmAddNextHop, RtmFindNextHop, RtmDeleteNextHop,
 * RtmGetNextHopInfo).
 *
 * Next hops are private to the entity that adds them: each entity keeps its
 * own in a tree keyed by (address, interface index), under the table lock.
 * Any entity of the table may read one through a handle; only the owner
 * changes, deletes or uses it in routes.  A deleted next hop leaves the
 * tree and lives, with state DELETED, while routes or handles refer to it.
 * A REMOTE next hop keeps the dest its address resolved to when it was
 * last added or updated (RemoteNextHop).
 */

#include <linux/slab.h>
#include <linux/uaccess.h>

#include "rtm.h"

static int rtm_nexthop_cmp(const struct rtm_net_address *a, u32 aif,
			   const struct rtm_nexthop *nh)
{
	int c = memcmp(a->addr, nh->addr.addr, sizeof(a->addr));

	if (c)
		return c;
	if (a->num_bits != nh->addr.num_bits)
		return a->num_bits < nh->addr.num_bits ? -1 : 1;
	if (aif != nh->ifindex)
		return aif < nh->ifindex ? -1 : 1;
	return 0;
}

static struct rtm_nexthop *rtm_nexthop_find(struct rtm_entity *e,
					    const struct rtm_net_address *a,
					    u32 ifindex)
{
	struct rb_node *n = e->nexthops.rb_node;

	lockdep_assert_held(&e->table->lock);
	while (n) {
		struct rtm_nexthop *nh = rb_entry(n, struct rtm_nexthop, node);
		int c = rtm_nexthop_cmp(a, ifindex, nh);

		if (!c)
			return nh;
		n = c < 0 ? n->rb_left : n->rb_right;
	}
	return NULL;
}

/**
 * rtm_nexthop_seek - where an ordered walk of an entity's next hops resumes
 * @e: the entity; the table lock is held
 * @a: the address of the key to start from
 * @ifindex: its interface index
 * @inclusive: whether a next hop with exactly that key is the first
 *
 * Return: the first next hop at or after the key, in key order, or NULL.
 */
struct rtm_nexthop *rtm_nexthop_seek(struct rtm_entity *e,
				     const struct rtm_net_address *a,
				     u32 ifindex, bool inclusive)
{
	struct rb_node *n = e->nexthops.rb_node;
	struct rtm_nexthop *found = NULL;

	lockdep_assert_held(&e->table->lock);
	while (n) {
		struct rtm_nexthop *nh = rb_entry(n, struct rtm_nexthop, node);
		int c = rtm_nexthop_cmp(a, ifindex, nh);

		if (c < 0 || (!c && inclusive)) {
			found = nh;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return found;
}

/* The next one in key order, or NULL; the table lock is held. */
struct rtm_nexthop *rtm_nexthop_next(struct rtm_nexthop *nh)
{
	struct rb_node *n = rb_next(&nh->node);

	return n ? rb_entry(n, struct rtm_nexthop, node) : NULL;
}

static void rtm_nexthop_link(struct rtm_entity *e, struct rtm_nexthop *nh)
{
	struct rb_node **p = &e->nexthops.rb_node, *parent = NULL;

	while (*p) {
		parent = *p;
		if (rtm_nexthop_cmp(&nh->addr, nh->ifindex,
				    rb_entry(parent, struct rtm_nexthop, node)) < 0)
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&nh->node, parent, p);
	rb_insert_color(&nh->node, &e->nexthops);
}

static void rtm_nexthop_release(struct rtm_nexthop *nh)
{
	struct rtm_table *t = nh->owner->table;

	lockdep_assert_held(&t->lock);
	if (nh->remote)
		rtm_dest_put_locked(nh->remote);
	t->nnexthops--;
	rtm_obj_unpublish(t->rn, &nh->obj);
	rtm_obj_put(&nh->owner->obj);
	kfree_rcu(nh, rcu);
}

void rtm_nexthop_put_locked(struct rtm_table *t, struct rtm_nexthop *nh)
{
	lockdep_assert_held(&t->lock);
	if (refcount_dec_and_test(&nh->obj.ref))
		rtm_nexthop_release(nh);
}

void rtm_nexthop_put(struct rtm_nexthop *nh)
{
	struct rtm_table *t = nh->owner->table;

	if (refcount_dec_and_mutex_lock(&nh->obj.ref, &t->lock)) {
		rtm_nexthop_release(nh);
		mutex_unlock(&t->lock);
	}
}

/**
 * rtm_nexthop_lookup - the next hop a handle names, in the caller's table
 * @reg: the caller's registration
 * @self: the caller's entity
 * @handle: the handle
 *
 * Return: the next hop with a reference taken, or ERR_PTR(-EBADF).
 */
struct rtm_nexthop *rtm_nexthop_lookup(struct rtm_reg *reg,
				       struct rtm_entity *self, u64 handle)
{
	struct rtm_obj *obj;

	obj = rtm_obj_lookup(reg->rn, handle, RTM_KIND_NEXTHOP);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	if (rtm_nexthop_of(obj)->owner->table != self->table) {
		rtm_nexthop_put(rtm_nexthop_of(obj));
		return ERR_PTR(-EBADF);
	}
	return rtm_nexthop_of(obj);
}

/* Take a next hop out of its owner's tree. */
static void rtm_nexthop_delete_locked(struct rtm_nexthop *nh)
{
	struct rtm_table *t = nh->owner->table;

	rb_erase(&nh->node, &nh->owner->nexthops);
	nh->owner->nnexthops--;
	WRITE_ONCE(nh->obj.state, RTM_NEXTHOP_STATE_DELETED);
	rtm_nexthop_put_locked(t, nh);
}

/**
 * rtm_nexthops_flush - delete every next hop of a deregistering entity
 * @e: the entity; the table lock is held
 */
void rtm_nexthops_flush(struct rtm_entity *e)
{
	struct rb_node *n;

	lockdep_assert_held(&e->table->lock);
	while ((n = rb_first(&e->nexthops))) {
		rtm_nexthop_delete_locked(rb_entry(n, struct rtm_nexthop, node));
		/* up to max_nexthops of them */
		cond_resched();
	}
}

/* Read and check a next hop's key (and, for adds, its flags) from a client. */
static int rtm_nexthop_info_from_user(struct rtm_table *t, u64 uptr,
				      struct rtm_nexthop_info *info)
{
	u8 key[RTM_LPM_MAX_KEYLEN] = {};
	int err;

	if (copy_from_user(info, u64_to_user_ptr(uptr), sizeof(*info)))
		return -EFAULT;
	err = rtm_dest_key(t, &info->address, key);
	if (err)
		return err;
	memset(info->address.addr, 0, sizeof(info->address.addr));
	memcpy(info->address.addr, key, t->addr_len);
	return 0;
}

/* Resolve the dest a REMOTE next hop goes through. */
static void rtm_nexthop_resolve(struct rtm_nexthop *nh)
{
	struct rtm_table *t = nh->owner->table;
	struct rtm_dest *old = nh->remote, *d = NULL;

	if (nh->obj.flags & RTM_NEXTHOP_FLAGS_REMOTE)
		d = rtm_dest_longest(t, nh->addr.addr, nh->addr.num_bits,
				     RTM_VIEW_MASK_ANY);
	WRITE_ONCE(nh->remote, d);
	if (old)
		rtm_dest_put_locked(old);
}

/* RtmAddNextHop (RTM_IOC_ADD_NEXTHOP) */
int rtm_nexthop_add_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_add_nexthop *arg = data;
	struct rtm_nexthop *nh = NULL, *byhandle = NULL, *fresh = NULL;
	struct rtm_reg *hold = NULL;
	struct rtm_nexthop_info info;
	struct rtm_entity *self;
	struct rtm_table *t;
	int err;

	if (arg->flags & ~RTM_WANT_HANDLE || arg->reserved)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	t = self->table;
	err = rtm_nexthop_info_from_user(t, arg->info, &info);
	if (err)
		goto out;
	err = -EINVAL;
	if (info.flags & ~(RTM_NEXTHOP_FLAGS_REMOTE | RTM_NEXTHOP_FLAGS_DOWN))
		goto out;
	if (arg->handle) {
		byhandle = rtm_nexthop_lookup(reg, self, arg->handle);
		if (IS_ERR(byhandle)) {
			err = PTR_ERR(byhandle);
			byhandle = NULL;
			goto out;
		}
	} else if (arg->flags & RTM_WANT_HANDLE) {
		hold = reg;
	}

	mutex_lock(&t->lock);
	err = -EBADF;
	if (!rtm_entity_alive(self))
		goto out_unlock;
	if (byhandle) {
		err = -EACCES;
		if (byhandle->owner != self)
			goto out_unlock;
		err = -ENOENT;
		if (byhandle->obj.state != RTM_NEXTHOP_STATE_CREATED)
			goto out_unlock;
		/* The key of a next hop never changes. */
		err = -EINVAL;
		if (rtm_nexthop_cmp(&info.address, info.interface_index,
				    byhandle))
			goto out_unlock;
		nh = byhandle;
	} else {
		nh = rtm_nexthop_find(self, &info.address, info.interface_index);
	}
	if (!nh) {
		err = -EDQUOT;
		if (self->nnexthops >= rtm_max_nexthops)
			goto out_unlock;
		err = -ENOMEM;
		fresh = kzalloc(sizeof(*fresh), RTM_GFP);
		if (!fresh)
			goto out_unlock;
		rtm_obj_init(&fresh->obj, RTM_OBJ_NEXTHOP);
		fresh->obj.state = RTM_NEXTHOP_STATE_CREATED;
		fresh->addr = info.address;
		fresh->ifindex = info.interface_index;
		nh = fresh;
	}
	/* The handle cannot fail once the next hop is changed. */
	if (hold) {
		err = fresh ? rtm_obj_reserve(t->rn, &fresh->obj) :
			      rtm_obj_publish(t->rn, &nh->obj);
		if (err)
			goto out_free;
		mutex_lock(&hold->hold_lock);
		err = rtm_hold_prepare(hold, &nh->obj);
		if (err) {
			mutex_unlock(&hold->hold_lock);
			goto out_cancel;
		}
	}

	/* Nothing fails from here on. */
	arg->change_flags = 0;
	if (fresh) {
		rtm_obj_get(&self->obj);
		fresh->owner = self;
		rtm_nexthop_link(self, fresh);
		self->nnexthops++;
		t->nnexthops++;
		arg->change_flags = RTM_NEXTHOP_CHANGE_NEW;
	}
	WRITE_ONCE(nh->obj.flags, info.flags);
	WRITE_ONCE(nh->esi, info.entity_specific_info);
	rtm_nexthop_resolve(nh);
	/* Whole now: a new one's id may be found. */
	if (fresh && fresh->obj.id)
		rtm_obj_commit(t->rn, &fresh->obj);
	fresh = NULL;
	if (hold) {
		arg->handle = rtm_hold_commit(hold, &nh->obj);
		mutex_unlock(&hold->hold_lock);
	}
	err = 0;
	goto out_unlock;

out_cancel:
	if (fresh && fresh->obj.id)
		rtm_obj_cancel(t->rn, &fresh->obj);
out_free:
	kfree(fresh);
out_unlock:
	if (byhandle)
		rtm_nexthop_put_locked(t, byhandle);
	mutex_unlock(&t->lock);
out:
	rtm_obj_put(&self->obj);
	return err;
}

/* RtmFindNextHop (RTM_IOC_FIND_NEXTHOP) */
int rtm_nexthop_find_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_nexthop_key *arg = data;
	struct rtm_nexthop_info info;
	struct rtm_entity *self;
	struct rtm_nexthop *nh;
	u64 handle;
	int err;

	if (arg->flags)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	err = rtm_nexthop_info_from_user(self->table, arg->info, &info);
	if (err)
		goto out;

	mutex_lock(&self->table->lock);
	nh = rtm_nexthop_find(self, &info.address, info.interface_index);
	if (!rtm_entity_alive(self))
		err = -EBADF;
	else
		err = nh ? rtm_hold(reg, &nh->obj, &handle) : -ENOENT;
	mutex_unlock(&self->table->lock);
	if (!err)
		arg->handle = handle;
out:
	rtm_obj_put(&self->obj);
	return err;
}

/* RtmDeleteNextHop (RTM_IOC_DELETE_NEXTHOP) */
int rtm_nexthop_delete_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_nexthop_key *arg = data;
	struct rtm_nexthop *nh = NULL;
	struct rtm_nexthop_info info;
	struct rtm_entity *self;
	struct rtm_table *t;
	int err;

	if (arg->flags)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	t = self->table;
	if (arg->handle) {
		nh = rtm_nexthop_lookup(reg, self, arg->handle);
		if (IS_ERR(nh)) {
			err = PTR_ERR(nh);
			goto out;
		}
	} else {
		err = rtm_nexthop_info_from_user(t, arg->info, &info);
		if (err)
			goto out;
	}

	mutex_lock(&t->lock);
	if (!rtm_entity_alive(self)) {
		mutex_unlock(&t->lock);
		err = -EBADF;
		goto out_put;
	}
	if (!nh) {
		nh = rtm_nexthop_find(self, &info.address, info.interface_index);
		if (!nh) {
			mutex_unlock(&t->lock);
			err = -ENOENT;
			goto out;
		}
		rtm_obj_get(&nh->obj);
	}
	if (nh->owner != self)
		err = -EACCES;
	else if (nh->obj.state != RTM_NEXTHOP_STATE_CREATED)
		err = -ENOENT;
	else
		rtm_nexthop_delete_locked(nh);
	mutex_unlock(&t->lock);

	/* A handle passed in is consumed. */
	if (!err && arg->handle)
		rtm_hold_consume(reg, &nh->obj);
out_put:
	if (nh)
		rtm_nexthop_put(nh);
out:
	rtm_obj_put(&self->obj);
	return err;
}

/* RtmGetNextHopInfo and the pointer calls (RTM_IOC_GET_NEXTHOP_INFO) */
int rtm_nexthop_info_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_get_nexthop_info *arg = data;
	bool direct = arg->flags & RTM_INFO_DIRECT;
	struct rtm_nexthop_info info = {};
	struct rtm_obj *objs[2];
	struct rtm_entity *self;
	struct rtm_nexthop *nh;
	struct rtm_dest *remote;
	u64 handles[2];
	unsigned int n = 0;
	int err;

	if (arg->flags & ~RTM_INFO_DIRECT)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	nh = rtm_nexthop_lookup(reg, self, arg->handle);
	if (IS_ERR(nh)) {
		err = PTR_ERR(nh);
		goto out;
	}
	err = -EACCES;
	if (direct && nh->owner != self)
		goto out_put;

	mutex_lock(&self->table->lock);
	info.address = nh->addr;
	info.interface_index = nh->ifindex;
	info.state = nh->obj.state;
	info.flags = nh->obj.flags;
	info.entity_specific_info = nh->esi;
	remote = nh->remote;
	if (remote)
		rtm_dest_get(remote);
	mutex_unlock(&self->table->lock);

	objs[n++] = &nh->owner->obj;
	if (remote)
		objs[n++] = &remote->obj;
	if (direct)
		err = rtm_handles_peek(reg, objs, n, handles);
	else
		err = rtm_hold_many(reg, objs, n, handles);
	if (remote)
		rtm_dest_put(remote);
	if (err)
		goto out_put;

	info.owner = handles[0];
	info.remote_nexthop = remote ? handles[1] : 0;
	if (copy_to_user(u64_to_user_ptr(arg->info), &info, sizeof(info))) {
		if (!direct)
			rtm_holds_release(reg, handles, n, RTM_KIND_ALL);
		err = -EFAULT;
	}
out_put:
	rtm_nexthop_put(nh);
out:
	rtm_obj_put(&self->obj);
	return err;
}
