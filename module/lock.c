// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: client locks on dests (RtmLockDestination, RtmLockRoute) and the
 * opaque pointer slots in them (RtmGetOpaqueInformationPointer).
 *
 * A client lock is logical state, never a kernel lock held across a return
 * to userspace: a dest's extension counts its shared holders and names its
 * exclusive holder, each holder keeps a record of its locks, and a lock in
 * the way is waited for on the table's wait queue, interruptibly.  Client
 * locks order clients among themselves, for their opaque data and their
 * in-place route edits; RTM's own updates do not wait for them, and its
 * readers see a consistent dest under RCU whatever the clients hold.  A
 * registration's locks, and the values of its opaque slot, go with it.
 */

#include <linux/slab.h>
#include <linux/wait.h>

#include "rtm.h"

struct rtm_lock_rec {
	struct list_head node;		/* in the holder's locks */
	struct rtm_dest *dest;		/* held */
	bool exclusive;
};

static bool rtm_lock_free(struct rtm_dest_ext *ext, bool exclusive)
{
	if (READ_ONCE(ext->writer))
		return false;
	return !exclusive || !READ_ONCE(ext->readers);
}

/* Give up one lock; the table lock is held. */
static void rtm_lock_drop(struct rtm_entity *e, struct rtm_lock_rec *rec)
{
	struct rtm_dest_ext *ext = rtm_dest_ext(rec->dest);
	struct rtm_table *t = e->table;

	if (rec->exclusive)
		WRITE_ONCE(ext->writer, NULL);
	else
		WRITE_ONCE(ext->readers, ext->readers - 1);
	list_del(&rec->node);
	e->nlocks--;
	rtm_dest_put_locked(rec->dest);
	kfree(rec);
	wake_up_all(&t->lock_wait);
}

/**
 * rtm_locks_flush - a deregistering entity lets go of its locks and slot
 * @e: the entity; the table lock is held
 */
void rtm_locks_flush(struct rtm_entity *e)
{
	struct rtm_lock_rec *rec, *tmp;
	struct rtm_dest_ext *ext;
	unsigned long id;

	lockdep_assert_held(&e->table->lock);
	list_for_each_entry_safe(rec, tmp, &e->locks, node)
		rtm_lock_drop(e, rec);
	if (e->opaque_slot < 0)
		return;
	/* The next entity given the slot finds it empty. */
	xa_for_each(&e->table->dest_ext, id, ext) {
		if (ext->opaque)
			ext->opaque[e->opaque_slot] = 0;
		cond_resched();
	}
}

static struct rtm_lock_rec *rtm_lock_find(struct rtm_entity *e,
					  struct rtm_dest *d, bool exclusive)
{
	struct rtm_lock_rec *rec;

	list_for_each_entry(rec, &e->locks, node)
		if (rec->dest == d && rec->exclusive == exclusive)
			return rec;
	return NULL;
}

static u64 rtm_opaque_get(struct rtm_entity *e, struct rtm_dest_ext *ext)
{
	if (e->opaque_slot < 0 || !ext || !ext->opaque)
		return 0;
	return ext->opaque[e->opaque_slot];
}

static int rtm_opaque_set(struct rtm_entity *e, struct rtm_dest_ext *ext,
			  u64 value)
{
	if (!ext->opaque) {
		if (!value)
			return 0;
		ext->opaque = kcalloc(rtm_opaque_slots, sizeof(u64),
				      RTM_GFP);
		if (!ext->opaque)
			return -ENOMEM;
	}
	ext->opaque[e->opaque_slot] = value;
	return 0;
}

/* Take a lock, waiting for those in its way. */
static int rtm_lock_take(struct rtm_entity *self, struct rtm_dest *d,
			 bool exclusive, u64 *opaque)
{
	struct rtm_table *t = self->table;
	struct rtm_lock_rec *rec;
	struct rtm_dest_ext *ext;
	int err;

	rec = kzalloc(sizeof(*rec), RTM_GFP);
	if (!rec)
		return -ENOMEM;
	for (;;) {
		mutex_lock(&t->lock);
		err = -EBADF;
		if (!rtm_entity_alive(self))
			break;
		err = -EDQUOT;
		if (self->nlocks >= rtm_max_holds)
			break;
		ext = rtm_dest_ext_get(d);
		if (IS_ERR(ext)) {
			err = PTR_ERR(ext);
			break;
		}
		if (rtm_lock_free(ext, exclusive)) {
			if (exclusive)
				WRITE_ONCE(ext->writer, self);
			else
				WRITE_ONCE(ext->readers, ext->readers + 1);
			rtm_dest_get(d);
			rec->dest = d;
			rec->exclusive = exclusive;
			list_add(&rec->node, &self->locks);
			self->nlocks++;
			*opaque = rtm_opaque_get(self, ext);
			mutex_unlock(&t->lock);
			return 0;
		}
		mutex_unlock(&t->lock);
		/* The extension lives as long as the dest, which is held. */
		err = wait_event_interruptible(t->lock_wait,
					       rtm_lock_free(ext, exclusive));
		if (err)
			goto out;
	}
	mutex_unlock(&t->lock);
out:
	kfree(rec);
	return err;
}

static int rtm_lock_release(struct rtm_entity *self, struct rtm_dest *d,
			    u32 flags, u64 opaque)
{
	bool exclusive = flags & RTM_LOCK_EXCLUSIVE;
	struct rtm_table *t = self->table;
	struct rtm_lock_rec *rec;
	int err = 0;

	mutex_lock(&t->lock);
	rec = rtm_lock_find(self, d, exclusive);
	if (!rec) {
		/* A deregistered entity's locks went with it. */
		err = rtm_entity_alive(self) ? -EINVAL : -EBADF;
		goto out;
	}
	/* A failed store keeps the lock, so the holder can try again. */
	if (flags & RTM_LOCK_SET_OPAQUE) {
		err = rtm_opaque_set(self, rtm_dest_ext(d), opaque);
		if (err)
			goto out;
	}
	rtm_lock_drop(self, rec);
out:
	mutex_unlock(&t->lock);
	return err;
}

/* Store the caller's opaque value without a lock (RTM_LOCK_SET_OPAQUE alone). */
static int rtm_opaque_store(struct rtm_entity *self, struct rtm_dest *d,
			    u64 opaque)
{
	struct rtm_table *t = self->table;
	struct rtm_dest_ext *ext;
	int err = 0;

	mutex_lock(&t->lock);
	/* Deregistration cleared the entity's slots: keep them cleared. */
	if (!rtm_entity_alive(self)) {
		err = -EBADF;
		goto out;
	}
	ext = rtm_dest_ext(d);
	/* A dest never given a value reads 0: storing 0 needs no memory. */
	if (!ext && !opaque)
		goto out;
	if (!ext)
		ext = rtm_dest_ext_get(d);
	if (IS_ERR(ext))
		err = PTR_ERR(ext);
	else
		err = rtm_opaque_set(self, ext, opaque);
out:
	mutex_unlock(&t->lock);
	return err;
}

/* The dest a lock call names: a dest, or a route's. */
static struct rtm_dest *rtm_lock_target(struct rtm_reg *reg,
					struct rtm_entity *self, u64 handle,
					bool route, bool exclusive)
{
	struct rtm_route *r;
	struct rtm_dest *d;

	if (!route)
		return rtm_dest_lookup(reg, self, handle);

	r = rtm_route_lookup(reg, self, handle);
	if (IS_ERR(r))
		return ERR_CAST(r);
	d = ERR_PTR(-EACCES);
	if (!exclusive || r->owner == self) {
		d = r->dest;
		rtm_dest_get(d);
	}
	rtm_route_put(r);
	return d;
}

/* RtmLockDestination, RtmLockRoute, RtmGetOpaqueInformationPointer (RTM_IOC_LOCK) */
int rtm_lock_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_lock *arg = data;
	bool exclusive = arg->flags & RTM_LOCK_EXCLUSIVE;
	struct rtm_entity *self;
	struct rtm_dest *d;
	u64 opaque = 0;
	int err;

	if (arg->flags & ~(RTM_LOCK_EXCLUSIVE | RTM_LOCK_UNLOCK |
			   RTM_LOCK_SET_OPAQUE | RTM_LOCK_GET_OPAQUE |
			   RTM_LOCK_ROUTE))
		return -EINVAL;
	if (arg->flags & RTM_LOCK_GET_OPAQUE &&
	    arg->flags != RTM_LOCK_GET_OPAQUE)
		return -EINVAL;
	/* A store goes with an unlock of either mode, or alone. */
	if (arg->flags & RTM_LOCK_SET_OPAQUE &&
	    !(arg->flags & RTM_LOCK_UNLOCK) &&
	    arg->flags != RTM_LOCK_SET_OPAQUE)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;

	err = -ENOENT;
	if (arg->flags & (RTM_LOCK_GET_OPAQUE | RTM_LOCK_SET_OPAQUE) &&
	    self->opaque_slot < 0)
		goto out;
	d = rtm_lock_target(reg, self, arg->handle, arg->flags & RTM_LOCK_ROUTE,
			    exclusive && !(arg->flags & RTM_LOCK_UNLOCK));
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto out;
	}

	if (arg->flags & RTM_LOCK_GET_OPAQUE) {
		mutex_lock(&self->table->lock);
		opaque = rtm_opaque_get(self, rtm_dest_ext(d));
		mutex_unlock(&self->table->lock);
		err = 0;
	} else if (arg->flags == RTM_LOCK_SET_OPAQUE) {
		err = rtm_opaque_store(self, d, arg->opaque);
		/* Nothing to hand back: @opaque stays what was stored. */
		opaque = arg->opaque;
	} else if (arg->flags & RTM_LOCK_UNLOCK) {
		err = rtm_lock_release(self, d, arg->flags, arg->opaque);
	} else {
		err = rtm_lock_take(self, d, exclusive, &opaque);
	}
	if (!err && !(arg->flags & RTM_LOCK_UNLOCK))
		arg->opaque = opaque;
	rtm_dest_put(d);
out:
	rtm_obj_put(&self->obj);
	return err;
}
