// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: route time to live (the TimeToLive of RtmAddRouteToDest).
 *
 * A route with a finite time to live sits, through its struct
 * rtm_route_ext, in its table's expiry tree while armed; one
 * delayed work per table runs when the earliest is due.  An expired route
 * of an entity without a callback is deleted.  An entity with a callback
 * gets an RTM_ROUTE_EXPIRED event holding a handle to the route and
 * decides: refresh it (which rearms it), delete it, or answer
 * ERROR_NOT_SUPPORTED, which the library turns into a delete that only
 * happens if the route was not refreshed meanwhile.  Expired routes whose
 * event does not fit in the owner's queue wait in a backlog until the
 * owner reads.
 */

#include <linux/slab.h>
#include <linux/jiffies.h>
#include <linux/rbtree.h>

#include "rtm.h"

static void rtm_expiry_unlink(struct rtm_table *t, struct rtm_route_ext *ext)
{
	if (ext->armed) {
		rb_erase(&ext->node, &t->expiry);
		ext->armed = false;
	}
}

static void rtm_expiry_schedule(struct rtm_table *t)
{
	struct rb_node *first = rb_first(&t->expiry);
	unsigned long delay = 0;

	if (!first)
		return;
	delay = rb_entry(first, struct rtm_route_ext, node)->expires - jiffies;
	if ((long)delay < 0)
		delay = 0;
	mod_delayed_work(rtm_wq, &t->expiry_work, delay);
}

/* Take a route off its owner's backlog of expiries not yet signalled. */
static void rtm_expired_unlink(struct rtm_route_ext *ext)
{
	struct rtm_entity *owner = ext->route->owner;

	if (list_empty(&ext->expired_node))
		return;
	list_del_init(&ext->expired_node);
	owner->nbacklog--;
	rtm_route_put_locked(ext->route);
}

/**
 * rtm_route_ttl_set - (re)arm or disarm a route's time to live
 * @r: the route, linked; the table lock is held
 * @ttl: time to live in ms, or RTM_TTL_INFINITE; a finite one needs the
 *	route's extension (rtm_route_ext_prepare())
 *
 * Any earlier expiry of the route is forgotten: it was refreshed.
 */
void rtm_route_ttl_set(struct rtm_route *r, u32 ttl)
{
	struct rtm_table *t = r->dest->table;
	struct rtm_route_ext *ext, *e;
	struct rb_node **p, *parent = NULL;

	lockdep_assert_held(&t->lock);
	ext = rtm_route_ext(r);
	if (!ext)
		return;

	ext->expired = false;
	rtm_expired_unlink(ext);
	rtm_expiry_unlink(t, ext);
	if (ttl == RTM_TTL_INFINITE)
		return;

	ext->expires = jiffies + msecs_to_jiffies(ttl);
	p = &t->expiry.rb_node;
	while (*p) {
		parent = *p;
		e = rb_entry(parent, struct rtm_route_ext, node);
		p = time_before(ext->expires, e->expires) ?
		    &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&ext->node, parent, p);
	rb_insert_color(&ext->node, &t->expiry);
	ext->armed = true;
	if (rb_first(&t->expiry) == &ext->node)
		rtm_expiry_schedule(t);
}

/* A route is deleted: it expires no more. */
void rtm_route_ttl_stop(struct rtm_route *r)
{
	struct rtm_route_ext *ext = rtm_route_ext(r);

	if (!ext)
		return;
	rtm_expiry_unlink(r->dest->table, ext);
	rtm_expired_unlink(ext);
}

/* Whether the route ran out of time and was not refreshed since. */
bool rtm_route_expired(struct rtm_route *r)
{
	struct rtm_route_ext *ext = rtm_route_ext(r);

	lockdep_assert_held(&r->dest->table->lock);
	return ext && ext->expired;
}

/**
 * rtm_expired_deliver - signal the backlog of an entity's expired routes
 * @e: the entity; the table lock is held
 */
void rtm_expired_deliver(struct rtm_entity *e)
{
	struct rtm_route_ext *ext, *tmp;

	lockdep_assert_held(&e->table->lock);
	list_for_each_entry_safe(ext, tmp, &e->expired, expired_node) {
		struct rtm_event ev = {
			.type = RTM_EVENT_ROUTE_EXPIRED,
		};

		if (!e->reg || rtm_hold(e->reg, &ext->route->obj, &ev.handle))
			break;
		if (!rtm_event_try_queue(e->reg, &ev)) {
			rtm_holds_release(e->reg, &ev.handle, 1,
					  RTM_KIND_ROUTE);
			break;
		}
		rtm_expired_unlink(ext);
	}
}

/* Drop the backlog of a deregistering entity. */
void rtm_expired_flush(struct rtm_entity *e)
{
	struct rtm_route_ext *ext, *tmp;

	lockdep_assert_held(&e->table->lock);
	list_for_each_entry_safe(ext, tmp, &e->expired, expired_node)
		rtm_expired_unlink(ext);
}

static void rtm_route_expire(struct rtm_route_ext *ext)
{
	struct rtm_route *r = ext->route;
	struct rtm_entity *owner = r->owner;
	u32 flags;

	if (!(owner->reg_flags & RTM_REGISTER_EVENTS)) {
		rtm_obj_get(&r->obj);
		rtm_route_delete_locked(r, &flags);
		rtm_route_put_locked(r);
		return;
	}
	ext->expired = true;
	rtm_obj_get(&r->obj);
	list_add_tail(&ext->expired_node, &owner->expired);
	owner->nbacklog++;
	rtm_expired_deliver(owner);
}

static void rtm_expiry_work(struct work_struct *work)
{
	struct rtm_table *t = container_of(to_delayed_work(work),
					   struct rtm_table, expiry_work);
	struct rb_node *first;

	mutex_lock(&t->lock);
	while ((first = rb_first(&t->expiry))) {
		struct rtm_route_ext *ext =
			rb_entry(first, struct rtm_route_ext, node);

		if (time_before(jiffies, ext->expires))
			break;
		rtm_expiry_unlink(t, ext);
		rtm_route_expire(ext);
	}
	rtm_expiry_schedule(t);
	mutex_unlock(&t->lock);
}

void rtm_expiry_init(struct rtm_table *t)
{
	t->expiry = RB_ROOT;
	INIT_DELAYED_WORK(&t->expiry_work, rtm_expiry_work);
}

/* The table goes: its routes are gone, so nothing is armed any more. */
void rtm_expiry_stop(struct rtm_table *t)
{
	cancel_delayed_work_sync(&t->expiry_work);
	WARN_ON(!RB_EMPTY_ROOT(&t->expiry));
}
