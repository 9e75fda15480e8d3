// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: change notification (RtmRegisterForChangeNotification,
 * RtmGetChangedDests, RtmIgnoreChangedDests, RtmGetChangeStatus,
 * RtmMarkDestForChangeNotification, RtmIsMarkedForChangeNotification,
 * RtmDeregisterFromChangeNotification).
 *
 * A table has up to 32 subscriptions, each with an index.  Bit i of a
 * dest's @pending says the dest waits in subscription i's queue, so a dest
 * is queued once however often it changes before the subscriber takes it.
 * Queued dests are held, so a dest whose last route went is still
 * reported, with no routes.  The queue is a hint, the bit the truth: an
 * ignored dest's entry stays, to be skipped when it comes up, so "change,
 * ignore" repeated could queue a dest many times; the queue therefore grows
 * only up to the table's dests, and is charged to the subscriber's memory
 * cgroup.  When an entry cannot be queued (the queue is that long, or
 * memory is short) the bit is set all the same and the subscription walks
 * the trie for such dests instead, a bounded number of dests per table
 * lock hold.
 *
 * Every change is classified per view: ALL for any change of a route in the
 * view, BEST when the view's best route is another one or its preference,
 * metric, next hops or flags changed, FORWARDING for those but a change of
 * flags that do not affect forwarding.  The first dest queued since the
 * subscriber last emptied its queue raises RTM_EVENT_CHANGE_NOTIFICATION;
 * the event is kept, not dropped, when the event queue is full.
 */

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>

#include "rtm.h"

#define RTM_NOTIFY_TYPES	(RTM_CHANGE_TYPE_ALL | RTM_CHANGE_TYPE_BEST | \
				 RTM_CHANGE_TYPE_FORWARDING)

static void rtm_notify_release(struct rtm_notify *n)
{
	WARN_ON(n->head != n->tail || !rtm_xa_unused(&n->marks));
	kvfree(n->queue);
	xa_destroy(&n->marks);
	mem_cgroup_put(n->memcg);
	rtm_obj_unpublish(n->owner->table->rn, &n->obj);
	rtm_obj_put(&n->owner->obj);
	kfree_rcu(n, rcu);
}

static void rtm_notify_put(struct rtm_notify *n)
{
	if (refcount_dec_and_test(&n->obj.ref))
		rtm_notify_release(n);
}

static struct rtm_notify *rtm_notify_lookup(struct rtm_reg *reg,
					    struct rtm_entity *self,
					    u64 handle)
{
	struct rtm_notify *n;
	struct rtm_obj *obj;

	obj = rtm_obj_lookup(reg->rn, handle, RTM_KIND_NOTIFY);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	n = container_of(obj, struct rtm_notify, obj);
	if (n->owner != self) {
		rtm_notify_put(n);
		return ERR_PTR(-EBADF);
	}
	return n;
}

/* Raise the subscriber's event, or keep it for when its queue has room. */
static void rtm_notify_signal(struct rtm_notify *n)
{
	struct rtm_entity *e = n->owner;
	struct rtm_event ev = {
		.type = RTM_EVENT_CHANGE_NOTIFICATION,
		.handle = rtm_handle_of(&n->obj),
		.context = n->context,
	};

	lockdep_assert_held(&e->table->lock);
	if (!e->reg || !(e->reg_flags & RTM_REGISTER_EVENTS))
		return;
	n->signal_pending = !rtm_event_try_queue(e->reg, &ev);
	if (n->signal_pending)
		e->nbacklog++;	/* rtm_events_refill() comes back */
}

/* Raise the events that did not fit before; the table lock is held. */
void rtm_notify_refill(struct rtm_entity *e)
{
	struct rtm_notify *n;

	list_for_each_entry(n, &e->subs, node) {
		if (!n->signal_pending)
			continue;
		e->nbacklog--;
		rtm_notify_signal(n);
		if (n->signal_pending)
			break;
	}
}

/* Make room in a full queue, within the table's dests. */
static bool rtm_notify_grow(struct rtm_notify *n)
{
	unsigned int size = n->size ? n->size * 2 : 64, i;
	struct mem_cgroup *old;
	struct rtm_dest **q;

	if (n->size >= n->owner->table->ndests)
		return false;
	/* The queue is the subscriber's, whoever changed the dest. */
	old = set_active_memcg(n->memcg);
	q = kvmalloc_array(size, sizeof(*q), RTM_GFP);
	set_active_memcg(old);
	if (!q)
		return false;
	for (i = 0; i < n->tail - n->head; i++)
		q[i] = n->queue[(n->head + i) & (n->size - 1)];
	kvfree(n->queue);
	n->queue = q;
	n->tail -= n->head;
	n->head = 0;
	n->size = size;
	return true;
}

/* Queue a dest on a subscription; the table lock is held. */
static void rtm_notify_queue(struct rtm_notify *n, struct rtm_dest *d)
{
	bool was_empty = n->head == n->tail && !n->overflow;

	d->pending |= BIT(n->index);
	if (n->tail - n->head == n->size && !rtm_notify_grow(n)) {
		n->overflow = true;
	} else {
		rtm_dest_get(d);
		n->queue[n->tail++ & (n->size - 1)] = d;
	}
	if (was_empty && !n->signalled) {
		n->signalled = true;
		rtm_notify_signal(n);
	}
}

/* What kind of change a view saw. */
static u32 rtm_notify_types(const struct rtm_best *before,
			    const struct rtm_best *now, int v, bool touched)
{
	const struct rtm_attr *a = before->attr[v], *b = now->attr[v];
	u32 types = touched ? RTM_CHANGE_TYPE_ALL : 0;

	if (before->route[v] != now->route[v])
		return types | RTM_CHANGE_TYPE_BEST | RTM_CHANGE_TYPE_FORWARDING;
	if (a == b)
		return types;
	if (a->pref != b->pref || a->metric != b->metric || a->nnh != b->nnh ||
	    memcmp(a->nh, b->nh, a->nnh * sizeof(a->nh[0])) ||
	    (a->flags ^ b->flags) & RTM_ROUTE_FLAGS_FORWARDING_MASK)
		return types | RTM_CHANGE_TYPE_BEST | RTM_CHANGE_TYPE_FORWARDING;
	if (a->flags != b->flags)
		return types | RTM_CHANGE_TYPE_BEST;
	return types;
}

/**
 * rtm_notify_change - queue a changed dest for the subscriptions it concerns
 * @d: the dest; the table lock is held
 * @before: its best routes before the change
 * @touched: views in which a route of the dest was added, changed or deleted
 *
 * Return: the views whose best route changed (RTM_CHANGE_TYPE_BEST).
 */
u32 rtm_notify_change(struct rtm_dest *d, const struct rtm_best *before,
		      u32 touched)
{
	struct rtm_table *t = d->table;
	u32 types[RTM_NUM_VIEWS], best = 0;
	struct rtm_best now;
	unsigned long subs;
	unsigned int i;
	int v;

	lockdep_assert_held(&t->lock);
	rtm_best_save(d, &now);
	for (v = 0; v < RTM_NUM_VIEWS; v++) {
		types[v] = rtm_notify_types(before, &now, v, touched & BIT(v));
		if (types[v] & RTM_CHANGE_TYPE_BEST)
			best |= BIT(v);
	}

	subs = t->subs_used & ~(unsigned long)d->pending;
	for_each_set_bit(i, &subs, RTM_MAX_SUBS) {
		struct rtm_notify *n = t->subs[i];
		u32 match = 0;

		for (v = 0; v < RTM_NUM_VIEWS; v++)
			if (n->views & BIT(v))
				match |= types[v];
		if (!(match & n->types))
			continue;
		if (n->only_marked &&
		    (!d->obj.id || !xa_load(&n->marks, d->obj.id)))
			continue;
		rtm_notify_queue(n, d);
	}
	return best;
}

/* End a subscription; the table lock is held. */
static void rtm_notify_delete_locked(struct rtm_notify *n)
{
	struct rtm_table *t = n->owner->table;
	struct rtm_dest *d;
	unsigned long id;

	lockdep_assert_held(&t->lock);
	while (n->head != n->tail) {
		d = n->queue[n->head++ & (n->size - 1)];
		d->pending &= ~BIT(n->index);
		rtm_dest_put_locked(d);
	}
	if (n->overflow) {
		struct rtm_lpm_iter it;
		u8 key[RTM_LPM_MAX_KEYLEN] = {};
		unsigned int visited = 0;

		/*
		 * Dests not in the queue may still carry the bit.  The walk
		 * is under the table lock, so it may sleep between dests.
		 */
		rtm_lpm_iter_start(&it, &t->dests, key, 0, true);
		while ((d = rtm_lpm_iter_next(&it))) {
			d->pending &= ~BIT(n->index);
			if (!(++visited % RTM_WALK_BUDGET))
				cond_resched();
		}
	}
	xa_for_each(&n->marks, id, d) {
		xa_erase(&n->marks, id);
		rtm_dest_put_locked(d);
	}
	n->nmarks = 0;
	if (n->signal_pending)
		n->owner->nbacklog--;
	t->subs[n->index] = NULL;
	t->subs_used &= ~BIT(n->index);
	list_del_init(&n->node);
	WRITE_ONCE(n->obj.state, RTM_NOTIFY_GONE);
	rtm_notify_put(n);
}

/* Entries in a table's change queues, stale ones too; table lock held. */
unsigned long rtm_notify_queued(struct rtm_table *t)
{
	unsigned long subs = t->subs_used, n = 0;
	unsigned int i;

	lockdep_assert_held(&t->lock);
	for_each_set_bit(i, &subs, RTM_MAX_SUBS)
		n += t->subs[i]->tail - t->subs[i]->head;
	return n;
}

/* End the subscriptions of a deregistering entity; table lock held. */
void rtm_notify_flush(struct rtm_entity *e)
{
	struct rtm_notify *n, *tmp;

	list_for_each_entry_safe(n, tmp, &e->subs, node)
		rtm_notify_delete_locked(n);
}

/* RtmRegisterForChangeNotification (RTM_IOC_NOTIFY_REGISTER) */
int rtm_notify_register_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_notify_register *arg = data;
	struct rtm_entity *self;
	struct rtm_notify *n;
	struct rtm_table *t;
	int err;

	if (arg->reserved)
		return -EINVAL;
	if (arg->flags & ~(RTM_NOTIFY_TYPES | RTM_NOTIFY_ONLY_MARKED_DESTS) ||
	    !(arg->flags & RTM_NOTIFY_TYPES))
		return -EINVAL;
	if (arg->views & ~RTM_VIEWS_SUPPORTED)
		return -EOPNOTSUPP;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	t = self->table;

	err = -ENOMEM;
	n = kzalloc(sizeof(*n), RTM_GFP);
	if (!n)
		goto out;
	rtm_obj_init(&n->obj, RTM_OBJ_NOTIFY);
	n->obj.state = RTM_NOTIFY_LIVE;
	rtm_obj_get(&self->obj);
	n->owner = self;
	INIT_LIST_HEAD(&n->node);
	n->types = arg->flags & RTM_NOTIFY_TYPES;
	n->only_marked = arg->flags & RTM_NOTIFY_ONLY_MARKED_DESTS;
	n->views = arg->views ?: RTM_VIEWS_SUPPORTED;
	n->info_views = arg->views;
	n->context = arg->context;
	xa_init_flags(&n->marks, XA_FLAGS_ACCOUNT);
	n->memcg = get_mem_cgroup_from_mm(current->mm);
	err = rtm_obj_reserve(reg->rn, &n->obj);
	if (err)
		goto err;

	mutex_lock(&t->lock);
	err = -EBADF;
	if (rtm_entity_alive(self)) {
		err = -EDQUOT;
		if (t->subs_used != (u32)~0U) {
			n->index = ffz(t->subs_used);
			t->subs[n->index] = n;
			t->subs_used |= BIT(n->index);
			list_add_tail(&n->node, &self->subs);
			/* Nothing fails any more: the handle can be found. */
			rtm_obj_commit(reg->rn, &n->obj);
			err = 0;
		}
	}
	mutex_unlock(&t->lock);
	if (err)
		goto err_cancel;
	arg->handle = rtm_handle_of(&n->obj);
	goto out;
err_cancel:
	rtm_obj_cancel(reg->rn, &n->obj);
err:
	rtm_notify_put(n);
out:
	rtm_obj_put(&self->obj);
	return err;
}

/* RtmDeregisterFromChangeNotification (RTM_IOC_NOTIFY_DEREGISTER) */
int rtm_notify_deregister_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_object *arg = data;
	struct rtm_entity *self;
	struct rtm_notify *n;
	int err = 0;

	if (arg->flags)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	n = rtm_notify_lookup(reg, self, arg->handle);
	if (IS_ERR(n)) {
		err = PTR_ERR(n);
		goto out;
	}
	mutex_lock(&self->table->lock);
	if (n->obj.state == RTM_NOTIFY_LIVE)
		rtm_notify_delete_locked(n);
	else
		err = -EBADF;
	mutex_unlock(&self->table->lock);
	rtm_notify_put(n);
out:
	rtm_obj_put(&self->obj);
	return err;
}

/*
 * Take up to @max dests off a subscription, each with a reference, in
 * queue order, then from the walk after an overflow, which looks at no more
 * than RTM_WALK_BUDGET dests: *@more is set if it stopped for that.  Table
 * lock held.
 */
static unsigned int rtm_notify_take(struct rtm_notify *n, struct rtm_dest **out,
				    unsigned int max, bool *more)
{
	struct rtm_table *t = n->owner->table;
	unsigned int got = 0, visited = 0;
	struct rtm_dest *d;

	*more = false;
	while (got < max && n->head != n->tail) {
		d = n->queue[n->head++ & (n->size - 1)];
		if (d->pending & BIT(n->index)) {
			d->pending &= ~BIT(n->index);
			out[got++] = d;
		} else {
			rtm_dest_put_locked(d);
		}
	}
	if (got < max && n->overflow) {
		struct rtm_lpm_iter it;

		rtm_lpm_iter_start(&it, &t->dests, n->ov_key, n->ov_plen,
				   !n->ov_started);
		while (got < max && visited < RTM_WALK_BUDGET &&
		       (d = rtm_lpm_iter_next(&it))) {
			visited++;
			memcpy(n->ov_key, it.key, sizeof(n->ov_key));
			n->ov_plen = it.plen;
			n->ov_started = true;
			if (!(d->pending & BIT(n->index)))
				continue;
			d->pending &= ~BIT(n->index);
			rtm_dest_get(d);
			out[got++] = d;
		}
		if (visited == RTM_WALK_BUDGET)
			*more = true;
		else if (got < max)
			n->overflow = n->ov_started = false;
	}
	/* Empty now: the next change raises the event again. */
	if (n->head == n->tail && !n->overflow)
		n->signalled = false;
	return got;
}

/* RtmGetChangedDests (RTM_IOC_NOTIFY_GET) */
int rtm_notify_get_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_notify_get *arg = data;
	unsigned int nviews, nheld = 0, got = 0, i;
	struct rtm_dest_snap *snaps = NULL;
	struct rtm_dest **dests = NULL;
	struct rtm_entity *self;
	struct rtm_notify *n;
	u64 *held = NULL;
	void *kbuf = NULL;
	size_t stride;
	u32 count = arg->count;
	bool more;
	int err;

	if (arg->reserved || arg->reserved2)
		return -EINVAL;
	if (!count || count > rtm_max_handles_in_enum)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	n = rtm_notify_lookup(reg, self, arg->handle);
	if (IS_ERR(n)) {
		err = PTR_ERR(n);
		goto out;
	}
	nviews = hweight32(n->info_views);
	stride = RTM_DEST_INFO_SIZE(nviews);

	err = -ENOMEM;
	dests = kvmalloc_array(count, sizeof(*dests), RTM_GFP);
	snaps = kvmalloc_array(count, sizeof(*snaps), RTM_GFP);
	kbuf = kvmalloc_array(count, stride, RTM_GFP);
	held = kvmalloc_array(count, RTM_DEST_SNAP_HANDLES * sizeof(u64),
			      RTM_GFP);
	if (!dests || !snaps || !kbuf || !held)
		goto out_free;

	/* A walk that found nothing within its budget goes on after a break. */
	do {
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			goto out_free;
		}
		cond_resched();
		mutex_lock(&self->table->lock);
		err = -EBADF;
		if (n->obj.state == RTM_NOTIFY_LIVE) {
			got = rtm_notify_take(n, dests, count, &more);
			err = 0;
		}
		mutex_unlock(&self->table->lock);
		if (err)
			goto out_free;
	} while (!got && more);

	for (i = 0; i < got; i++)
		rtm_dest_snap_take(dests[i], n->info_views, 0, &snaps[i]);
	for (i = 0; !err && i < got; i++)
		err = rtm_dest_snap_fill(reg, &snaps[i], kbuf + i * stride,
					 held, &nheld, RTM_HOLD_CHANGED);
	if (!err && copy_to_user(u64_to_user_ptr(arg->buf), kbuf, got * stride))
		err = -EFAULT;
	for (i = 0; i < got; i++)
		rtm_dest_snap_drop(&snaps[i]);

	if (err) {
		/* Nothing was handed out: the dests wait again. */
		rtm_holds_release_class(reg, held, nheld, RTM_KIND_ALL, true);
		mutex_lock(&self->table->lock);
		for (i = 0; i < got; i++) {
			if (n->obj.state == RTM_NOTIFY_LIVE &&
			    !(dests[i]->pending & BIT(n->index)))
				rtm_notify_queue(n, dests[i]);
			rtm_dest_put_locked(dests[i]);
		}
		mutex_unlock(&self->table->lock);
		got = 0;
	}
	for (i = 0; i < got; i++)
		rtm_dest_put(dests[i]);
	arg->count = got;
	if (!err && !got)
		err = -ENODATA;
out_free:
	kvfree(held);
	kvfree(kbuf);
	kvfree(snaps);
	kvfree(dests);
	rtm_notify_put(n);
out:
	rtm_obj_put(&self->obj);
	return err;
}

/* The other calls on one dest of a subscription (RTM_IOC_NOTIFY_DEST) */
int rtm_notify_dest_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_notify_dest *arg = data;
	struct rtm_entity *self;
	struct rtm_notify *n;
	struct rtm_dest *d;
	void *old;
	int err = 0;

	if (arg->reserved)
		return -EINVAL;
	arg->result = 0;
	if (arg->op < RTM_NOTIFY_STATUS || arg->op > RTM_NOTIFY_IS_MARKED)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	n = rtm_notify_lookup(reg, self, arg->handle);
	if (IS_ERR(n)) {
		err = PTR_ERR(n);
		goto out;
	}
	d = rtm_dest_lookup(reg, self, arg->dest);
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto out_put;
	}

	mutex_lock(&self->table->lock);
	if (n->obj.state != RTM_NOTIFY_LIVE) {
		err = -EBADF;
		goto out_unlock;
	}
	switch (arg->op) {
	case RTM_NOTIFY_STATUS:
		arg->result = !!(d->pending & BIT(n->index));
		break;
	case RTM_NOTIFY_IGNORE:
		/* Its queue entry stays, and is skipped. */
		d->pending &= ~BIT(n->index);
		break;
	case RTM_NOTIFY_IS_MARKED:
		arg->result = !!xa_load(&n->marks, d->obj.id);
		break;
	case RTM_NOTIFY_MARK:
		if (xa_load(&n->marks, d->obj.id))
			break;
		/* A mark keeps its dest, like a handle does. */
		err = -EDQUOT;
		if (n->nmarks >= rtm_max_holds)
			break;
		err = xa_err(xa_store(&n->marks, d->obj.id, d, RTM_GFP));
		if (err)
			break;
		rtm_dest_get(d);
		n->nmarks++;
		break;
	case RTM_NOTIFY_UNMARK:
		old = xa_erase(&n->marks, d->obj.id);
		if (old) {
			rtm_dest_put_locked(old);
			n->nmarks--;
		}
		break;
	}
out_unlock:
	rtm_dest_put_locked(d);
	mutex_unlock(&self->table->lock);
out_put:
	rtm_notify_put(n);
out:
	rtm_obj_put(&self->obj);
	return err;
}
