// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: routes (RtmAddRouteToDest, RtmDeleteRouteToDest, RtmGetRouteInfo,
 * RtmIsBestRoute, RtmGetExactMatchRoute) and best-route selection.
 *
 * A dest keeps its live routes in a singly linked RCU list in order of
 * creation; a route never moves in it, and changes its attributes by
 * swapping one pointer, so readers never miss a route or see half an
 * update.  The best route of a view is the route of that view with the
 * lowest preference, then the lowest metric, then the one created first: a
 * route keeps its place when it is updated, so equal routes do not flap.
 *
 * Only the owner changes or deletes a route; anyone in the table reads it.
 * A deleted route leaves the list at once and lives on, readable with
 * state DELETED, for as long as handles (or a hold-down) keep it.
 */

#include <linux/slab.h>
#include <linux/uaccess.h>

#include "rtm.h"

static struct kmem_cache *rtm_route_cache __read_mostly;

#define rtm_deref_locked(p, t) \
	rcu_dereference_protected(p, lockdep_is_held(&(t)->lock))

static inline struct rtm_table *rtm_route_table(const struct rtm_route *r)
{
	return r->dest->table;
}

struct rtm_lookup_ctx {
	u32 views;
	struct rtm_route *best;
	struct rtm_attr *attr;
};

static bool rtm_lookup_accept(void *value, void *arg)
{
	struct rtm_lookup_ctx *ctx = arg;

	ctx->best = rtm_route_best_attr(value, ctx->views, 0, &ctx->attr);
	return ctx->best;
}

/*
 * The rest of a lookup once the trie's longest prefix *@d is known: its best
 * route in @views or, if it has none there, the next shorter prefix's that
 * has one.
 */
static struct rtm_route *rtm_lookup_finish(struct rtm_table *t, const u8 *key,
					   u32 views, struct rtm_dest **d,
					   struct rtm_attr **attr)
{
	struct rtm_lookup_ctx ctx = { .views = views };
	struct rtm_route *r;
	u8 plen;

	r = rtm_route_best_attr(*d, views, 0, attr);
	if (likely(r))
		return r;
	plen = rtm_dest_plen(*d);
	if (!plen)
		return NULL;
	*d = rtm_lpm_longest(&t->dests, key, plen - 1, rtm_lookup_accept, &ctx);
	*attr = ctx.attr;
	return *d ? ctx.best : NULL;
}

/**
 * rtm_lookup_best - a forwarding lookup: the best route of the longest
 * prefix that has one in the views
 * @t: the table; under RCU
 * @key: the address, t->addr_len bytes
 * @maxlen: the longest prefix length considered
 * @views: RTM_VIEW_MASK_*
 * @d: set to the dest of the route found
 * @attr: set to the attributes the route was chosen by, which are the ones
 *	to report: a concurrent update may have replaced them since
 *
 * The longest prefix almost always has a route in the views: it is looked
 * at first without a filter, so that the common lookup makes no indirect
 * call; only when it has none does the trie walk on, from the next shorter
 * length, with one.
 *
 * Return: the route, or NULL.  No reference is taken.
 */
struct rtm_route *rtm_lookup_best(struct rtm_table *t, const u8 *key,
				  u8 maxlen, u32 views, struct rtm_dest **d,
				  struct rtm_attr **attr)
{
	*d = rtm_lpm_longest(&t->dests, key, maxlen, NULL, NULL);
	if (!*d)
		return NULL;
	return rtm_lookup_finish(t, key, views, d, attr);
}
RTM_EXPORT_INTERNAL(rtm_lookup_best);

/**
 * rtm_lookup_best_many - forwarding lookups of a batch, as rtm_lookup_best()
 * @t: the table; under RCU
 * @views: RTM_VIEW_MASK_*
 * @q: the lookups, at most RTM_LPM_BATCH: in key, maxlen and skip; out
 *	value, the dest found
 * @h: what else each found
 * @n: their number
 *
 * In stages, each over the whole batch: the longest prefixes, their first
 * routes, those routes' attributes, and then the choice.  Within a stage
 * the lookups do not depend on each other, so that the processor overlaps
 * their cache misses instead of waiting for each in turn.  A dest whose
 * only route is in @views needs nothing more; any other dest is finished
 * as rtm_lookup_best() finishes it.
 */
void rtm_lookup_best_many(struct rtm_table *t, u32 views,
			  struct rtm_lpm_query *q, struct rtm_lookup_hit *h,
			  unsigned int n)
{
	struct rtm_route *r;
	struct rtm_dest *d;
	unsigned int i;

	rtm_lpm_longest_many(&t->dests, q, n);
	for (i = 0; i < n; i++) {
		d = q[i].value;
		h[i].route = d ? rtm_deref(d->routes, t) : NULL;
	}
	for (i = 0; i < n; i++)
		h[i].attr = h[i].route ? rtm_deref(h[i].route->attr, t) : NULL;
	for (i = 0; i < n; i++) {
		r = h[i].route;
		d = q[i].value;
		if (!d ||
		    (r && !rcu_access_pointer(r->next) && h[i].attr->views & views))
			continue;
		h[i].route = rtm_lookup_finish(t, q[i].key, views, &d,
					       &h[i].attr);
		q[i].value = d;
	}
}

/**
 * rtm_route_best - the best route of a dest in some views
 * @d: the dest; under RCU or the table lock
 * @views: RTM_VIEW_MASK_* the route must belong to one of
 * @proto: protocol id its owner must have, or 0 for any
 *
 * Return: the route, or NULL.  No reference is taken.
 */
struct rtm_route *rtm_route_best(struct rtm_dest *d, u32 views, u32 proto)
{
	struct rtm_attr *a;

	return rtm_route_best_attr(d, views, proto, &a);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_route_best);

/*
 * The best route of each view, as rtm_route_best() chooses it, in one walk
 * of the routes; the table lock is held.
 */
void rtm_best_save(struct rtm_dest *d, struct rtm_best *b)
{
	struct rtm_table *t = d->table;
	struct rtm_route *r;
	struct rtm_attr *a;
	int v;

	memset(b, 0, sizeof(*b));
	for (r = rtm_deref_locked(d->routes, t); r;
	     r = rtm_deref_locked(r->next, t)) {
		a = rtm_deref_locked(r->attr, t);
		for (v = 0; v < RTM_NUM_VIEWS; v++) {
			if (!(a->views & BIT(v)))
				continue;
			if (!b->attr[v] || rtm_attr_better(a, b->attr[v])) {
				b->route[v] = r;
				b->attr[v] = a;
			}
		}
	}
}

struct rtm_route_ext *rtm_route_ext(struct rtm_route *r)
{
	if (!(READ_ONCE(r->obj.flags) & RTM_ROUTE_EXT))
		return NULL;
	return xa_load(&rtm_route_table(r)->route_ext, r->obj.id);
}

/**
 * rtm_route_ext_prepare - get a route an extension if it has none
 * @r: the route, maybe not linked yet; the table lock is held
 * @prep: set to the extension to pass to rtm_route_ext_install(), or NULL
 *	when the route has one already
 *
 * Return: 0 or -ENOMEM; nothing is changed then.
 */
int rtm_route_ext_prepare(struct rtm_route *r, struct rtm_route_ext **prep)
{
	struct rtm_table *t = rtm_route_table(r);
	struct rtm_route_ext *ext;
	int err;

	*prep = NULL;
	if (rtm_route_ext(r))
		return 0;
	err = rtm_obj_publish(t->rn, &r->obj);
	if (err)
		return err;
	ext = kzalloc(sizeof(*ext), RTM_GFP);
	if (!ext)
		return -ENOMEM;
	err = xa_reserve(&t->route_ext, r->obj.id, RTM_GFP);
	if (err) {
		kfree(ext);
		return err;
	}
	ext->route = r;
	RB_CLEAR_NODE(&ext->node);
	INIT_LIST_HEAD(&ext->expired_node);
	*prep = ext;
	return 0;
}

/* Attach a prepared extension; this cannot fail. */
void rtm_route_ext_install(struct rtm_route *r, struct rtm_route_ext *prep)
{
	if (!prep)
		return;
	xa_store(&rtm_route_table(r)->route_ext, r->obj.id, prep, GFP_NOWAIT);
	WRITE_ONCE(r->obj.flags, r->obj.flags | RTM_ROUTE_EXT);
}

void rtm_route_ext_abort(struct rtm_table *t, struct rtm_route_ext *prep)
{
	if (!prep)
		return;
	xa_release(&t->route_ext, prep->route->obj.id);
	kfree(prep);
}

/* The route is being freed: it is out of the expiry tree and of any list. */
static void rtm_route_ext_free(struct rtm_route *r)
{
	struct rtm_route_ext *ext = rtm_route_ext(r);

	if (!ext)
		return;
	WARN_ON(ext->armed || !list_empty(&ext->expired_node) || ext->list);
	xa_erase(&rtm_route_table(r)->route_ext, r->obj.id);
	kfree_rcu(ext, rcu);
}

static void rtm_route_release(struct rtm_route *r)
{
	struct rtm_dest *d = r->dest;
	struct rtm_table *t = d->table;

	lockdep_assert_held(&t->lock);
	WARN_ON(r->obj.state == RTM_ROUTE_STATE_CREATED);
	rtm_route_ext_free(r);
	rtm_attr_put_locked(t, rtm_deref_locked(r->attr, t));
	rtm_obj_put(&r->owner->obj);
	rtm_obj_unpublish(t->rn, &r->obj);
	/* A route in its dest's slot goes with the dest: put it last. */
	if (!rtm_route_in_slot(r))
		rtm_gc_free(rtm_route_cache, r);
	rtm_dest_put_locked(d);
}

void rtm_route_put_locked(struct rtm_route *r)
{
	lockdep_assert_held(&rtm_route_table(r)->lock);
	if (refcount_dec_and_test(&r->obj.ref))
		rtm_route_release(r);
}

void rtm_route_put(struct rtm_route *r)
{
	struct rtm_table *t = rtm_route_table(r);

	if (refcount_dec_and_mutex_lock(&r->obj.ref, &t->lock)) {
		rtm_route_release(r);
		mutex_unlock(&t->lock);
	}
}
EXPORT_SYMBOL_IF_KUNIT(rtm_route_put);

/**
 * rtm_route_lookup - the route a handle names, in the caller's table
 * @reg: the caller's registration
 * @self: the caller's entity
 * @handle: the handle
 *
 * Return: the route with a reference taken, or ERR_PTR(-EBADF).
 */
struct rtm_route *rtm_route_lookup(struct rtm_reg *reg, struct rtm_entity *self,
				   u64 handle)
{
	struct rtm_obj *obj;

	obj = rtm_obj_lookup(reg->rn, handle, RTM_KIND_ROUTE);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	if (rtm_route_table(rtm_route_of(obj)) != self->table) {
		rtm_route_put(rtm_route_of(obj));
		return ERR_PTR(-EBADF);
	}
	return rtm_route_of(obj);
}

/* The caller's route on @d that an add without a handle updates. */
static struct rtm_route *rtm_route_match(struct rtm_dest *d,
					 struct rtm_entity *self,
					 const struct rtm_route_req *req)
{
	struct rtm_table *t = d->table;
	struct rtm_route *r;

	if (req->change_flags & RTM_ROUTE_CHANGE_NEW)
		return NULL;
	for (r = rtm_deref_locked(d->routes, t); r;
	     r = rtm_deref_locked(r->next, t)) {
		if (r->owner != self)
			continue;
		if (req->change_flags & RTM_ROUTE_CHANGE_FIRST ||
		    rtm_deref_locked(r->attr, t)->neighbour ==
		    req->attr->neighbour)
			return r;
	}
	return NULL;
}

/* The live routes of a dest; the table lock is held. */
static unsigned int rtm_dest_nroutes(struct rtm_dest *d)
{
	struct rtm_table *t = d->table;
	struct rtm_route *r;
	unsigned int n = 0;

	for (r = rtm_deref_locked(d->routes, t); r;
	     r = rtm_deref_locked(r->next, t))
		n++;
	return n;
}

static void rtm_route_link(struct rtm_dest *d, struct rtm_route *r)
{
	struct rtm_table *t = d->table;
	struct rtm_route __rcu **pp = &d->routes;
	struct rtm_route *p;

	while ((p = rtm_deref_locked(*pp, t)))
		pp = &p->next;
	rcu_assign_pointer(*pp, r);
}

static void rtm_route_unlink(struct rtm_dest *d, struct rtm_route *r)
{
	struct rtm_table *t = d->table;
	struct rtm_route __rcu **pp = &d->routes;
	struct rtm_route *p;

	while ((p = rtm_deref_locked(*pp, t)) != r)
		pp = &p->next;
	/* Readers on @r still find the rest of the list through it. */
	rcu_assign_pointer(*pp, rtm_deref_locked(r->next, t));
}

static struct rtm_route *rtm_route_create(struct rtm_entity *self,
					  struct rtm_dest *d,
					  struct rtm_chunk *c)
{
	struct rtm_route *r;

	if (!(d->obj.flags & RTM_DEST_SLOT_USED)) {
		WRITE_ONCE(d->obj.flags, d->obj.flags | RTM_DEST_SLOT_USED);
		r = rtm_dest_slot(d);
	} else {
		r = c ? rtm_stock_alloc(&c->routes, c->left) :
			kmem_cache_alloc(rtm_route_cache, RTM_GFP);
		if (!r)
			return NULL;
	}
	rtm_obj_init(&r->obj, RTM_OBJ_ROUTE);
	r->obj.state = RTM_ROUTE_STATE_CREATED;
	RCU_INIT_POINTER(r->next, NULL);
	r->dest = d;
	r->owner = self;
	RCU_INIT_POINTER(r->attr, NULL);
	r->esi = 0;
	return r;
}

/* A route uses only live next hops (of its owner: rtm_attr_resolve()). */
static bool rtm_attr_nexthops_live(const struct rtm_attr *a)
{
	unsigned int i;

	if (a->neighbour &&
	    a->neighbour->obj.state != RTM_NEXTHOP_STATE_CREATED)
		return false;
	for (i = 0; i < a->nnh; i++)
		if (a->nh[i]->obj.state != RTM_NEXTHOP_STATE_CREATED)
			return false;
	return true;
}

/**
 * rtm_route_apply - add or update one route of the caller
 * @self: the caller's entity; the table lock is held
 * @req: what to do; on success @req->change_flags holds the output flags
 *	and, if asked, @req->route the route with a reference and
 *	@req->handle the handle @req->hold got
 *
 * Return: 0, -EBADF (the caller or the list went), -EINVAL (a next hop
 * went), -EACCES, -EDQUOT, -ENOMEM; on error the table is unchanged.
 */
int rtm_route_apply(struct rtm_entity *self, struct rtm_route_req *req)
{
	struct rtm_table *t = self->table;
	struct rtm_route *r = req->update, *fresh = NULL;
	struct rtm_route_ext *prep = NULL;
	struct rtm_attr *old = NULL;
	struct rtm_best before;
	struct rtm_dest *d;
	u32 touched, best = 0;
	bool need_ext, quiet;
	int err;

	lockdep_assert_held(&t->lock);
	/*
	 * What the request names was looked up before the lock: another
	 * thread of the caller may have deregistered it, deleted the list or
	 * deleted a next hop meanwhile.
	 */
	if (!rtm_entity_alive(self))
		return -EBADF;
	if (req->list && req->list->obj.state != RTM_LIST_LIVE)
		return -EBADF;
	if (!rtm_attr_nexthops_live(req->attr))
		return -EINVAL;
	if (r) {
		if (r->owner != self)
			return -EACCES;
		if (r->obj.state != RTM_ROUTE_STATE_CREATED)
			return -EBADF;
		d = r->dest;
		rtm_dest_get(d);
	} else {
		d = rtm_dest_find_or_create(t, &req->dest, req->chunk);
		if (IS_ERR(d))
			return PTR_ERR(d);
		r = rtm_route_match(d, self, req);
	}

	if (!r) {
		err = -EDQUOT;
		if (self->nroutes + self->nheld >= rtm_max_routes ||
		    rtm_dest_nroutes(d) >= rtm_max_routes_per_dest)
			goto out;
		err = -ENOMEM;
		fresh = rtm_route_create(self, d, req->chunk);
		if (!fresh)
			goto out;
		r = fresh;
	}
	/*
	 * The extension and the handle name the route by its id.  A new
	 * route's id is reserved, to be found only once nothing can fail.
	 */
	need_ext = req->ttl != RTM_TTL_INFINITE || req->list;
	if (need_ext || req->hold) {
		err = fresh ? rtm_obj_reserve(t->rn, &fresh->obj) :
			      rtm_obj_publish(t->rn, &r->obj);
		if (err)
			goto out;
	}
	if (req->hold) {
		mutex_lock(&req->hold->hold_lock);
		err = rtm_hold_prepare(req->hold, &r->obj);
		if (err)
			goto out_unlock;
	}
	if (need_ext) {
		err = rtm_route_ext_prepare(r, &prep);
		if (err)
			goto out_hold;
	}
	if (req->list) {
		err = rtm_list_prepare(req->list, 1);
		if (err)
			goto out_ext;
	}

	/*
	 * Nothing fails from here on.  What the change did to the best
	 * routes goes to subscribers and, but for a bulk add's, to the
	 * caller: with neither, it need not be worked out.
	 */
	quiet = req->chunk && !t->subs_used;
	if (!quiet)
		rtm_best_save(d, &before);
	refcount_inc(&req->attr->ref);
	touched = req->attr->views;
	rtm_route_ext_install(r, prep);
	if (fresh) {
		rtm_obj_get(&self->obj);
		RCU_INIT_POINTER(fresh->attr, req->attr);
		fresh->esi = req->esi;
		/*
		 * Whole now: its id may be found.  Before the route is
		 * linked, where lockless readers of the dest see it and may
		 * hand out its handle: a handle is findable once handed out.
		 */
		if (fresh->obj.id)
			rtm_obj_commit(t->rn, &fresh->obj);
		rtm_route_link(d, fresh);
		self->nroutes++;
		t->nroutes++;
		t->nslotted += rtm_route_in_slot(fresh);
	} else {
		old = rtm_deref_locked(r->attr, t);
		touched |= old->views;
		rcu_assign_pointer(r->attr, req->attr);
		WRITE_ONCE(r->esi, req->esi);
	}
	/* A new route without an extension has no time to live to set. */
	if (need_ext || !fresh)
		rtm_route_ttl_set(r, req->ttl);
	if (req->list)
		rtm_list_move(req->list, r);
	rtm_dest_touch_at(d, req->chunk ? req->chunk->now :
				       rtm_filetime_now());
	if (!quiet)
		best = rtm_notify_change(d, &before, touched);

	req->change_flags = (fresh ? RTM_ROUTE_CHANGE_NEW : 0) |
			    (best ? RTM_ROUTE_CHANGE_BEST : 0);
	if (req->want_route) {
		rtm_obj_get(&r->obj);
		req->route = r;
	}
	if (req->hold) {
		req->handle = rtm_hold_commit(req->hold, &r->obj);
		mutex_unlock(&req->hold->hold_lock);
	}
	if (old)
		rtm_attr_put_locked(t, old);
	/* A new route keeps the reference on @d taken above. */
	if (!fresh)
		rtm_dest_put_locked(d);
	return 0;

out_ext:
	rtm_route_ext_abort(t, prep);
out_hold:
	if (req->hold)
		rtm_hold_abort(req->hold, &r->obj);
out_unlock:
	if (req->hold)
		mutex_unlock(&req->hold->hold_lock);
out:
	if (fresh) {
		if (fresh->obj.id)
			rtm_obj_cancel(t->rn, &fresh->obj);
		if (rtm_route_in_slot(fresh))
			WRITE_ONCE(d->obj.flags,
				   d->obj.flags & ~RTM_DEST_SLOT_USED);
		else if (req->chunk)
			rtm_stock_free(&req->chunk->routes, fresh);
		else
			kmem_cache_free(rtm_route_cache, fresh);
	}
	rtm_dest_put_locked(d);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_route_apply);

/**
 * rtm_route_delete_locked - delete a live route
 * @r: the route; the table lock is held and the caller holds a reference
 * @change_flags: set to RTM_ROUTE_CHANGE_BEST if a best route changed
 *
 * Return: 0, or -ENOENT if it was already deleted.
 */
int rtm_route_delete_locked(struct rtm_route *r, u32 *change_flags)
{
	struct rtm_dest *d = r->dest;
	struct rtm_table *t = d->table;
	struct rtm_best before;
	u32 views, left;

	lockdep_assert_held(&t->lock);
	if (r->obj.state != RTM_ROUTE_STATE_CREATED)
		return -ENOENT;

	rtm_best_save(d, &before);
	rtm_route_unlink(d, r);
	WRITE_ONCE(r->obj.state, RTM_ROUTE_STATE_DELETED);
	r->owner->nroutes--;
	t->nroutes--;
	t->nslotted -= rtm_route_in_slot(r);
	rtm_route_ttl_stop(r);
	rtm_list_move(NULL, r);

	/* Views this was the last route of may keep it in hold-down. */
	views = rtm_deref_locked(r->attr, t)->views;
	left = 0;
	if (rcu_access_pointer(d->routes)) {
		struct rtm_route *o;

		for (o = rtm_deref_locked(d->routes, t); o;
		     o = rtm_deref_locked(o->next, t))
			left |= rtm_deref_locked(o->attr, t)->views;
	}
	rtm_dest_hold_route(d, r, views & ~left);

	rtm_dest_touch(d);
	*change_flags = rtm_notify_change(d, &before, views) ?
			RTM_ROUTE_CHANGE_BEST : 0;
	rtm_route_put_locked(r);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_route_delete_locked);

/**
 * rtm_routes_flush - delete every route of a deregistering entity
 * @e: the entity, out of its table's list; the table lock is held
 */
void rtm_routes_flush(struct rtm_entity *e)
{
	struct rtm_table *t = e->table;
	struct rtm_lpm_iter it;
	struct rtm_dest *batch[32];
	unsigned int n, i;
	bool more = true;
	u8 key[RTM_LPM_MAX_KEYLEN] = {};
	u8 plen = 0;
	bool first = true;

	lockdep_assert_held(&t->lock);
	while (e->nroutes && more) {
		/* Collect a few dests under RCU, then change them. */
		n = 0;
		rcu_read_lock();
		rtm_lpm_iter_start(&it, &t->dests, key, plen, first);
		while (n < ARRAY_SIZE(batch)) {
			struct rtm_dest *d = rtm_lpm_iter_next(&it);

			if (!d)
				break;
			rtm_dest_get(d);
			batch[n++] = d;
		}
		rcu_read_unlock();
		more = n == ARRAY_SIZE(batch);
		if (n) {
			memcpy(key, batch[n - 1]->addr, t->addr_len);
			plen = rtm_dest_plen(batch[n - 1]);
			first = false;
		}

		for (i = 0; i < n; i++) {
			struct rtm_route *r, *next;
			u32 flags;

			for (r = rtm_deref_locked(batch[i]->routes, t); r;
			     r = next) {
				next = rtm_deref_locked(r->next, t);
				if (r->owner == e)
					rtm_route_delete_locked(r, &flags);
			}
			rtm_dest_put_locked(batch[i]);
		}
		/* A full table takes long: others may run meanwhile. */
		cond_resched();
	}
	WARN_ON(e->nroutes);
}

/**
 * rtm_route_in_copy - copy a route info and its next hop handles from a client
 * @in: filled in
 * @uinfo: a struct rtm_route_info and its next hops
 *
 * Return: 0, -EFAULT, or -EINVAL for more next hops than a route may have.
 */
int rtm_route_in_copy(struct rtm_route_in *in,
		      const struct rtm_route_info __user *uinfo)
{
	if (copy_from_user(&in->info, uinfo, sizeof(in->info)))
		return -EFAULT;
	if (in->info.num_nexthops > rtm_max_nexthops_in_route)
		return -EINVAL;
	if (copy_from_user(in->nh, uinfo->nexthops,
			   in->info.num_nexthops * sizeof(in->nh[0])))
		return -EFAULT;
	return 0;
}

/* The caller's next hop a handle names, with a reference. */
static struct rtm_nexthop *rtm_attr_nexthop(struct rtm_reg *reg,
					    struct rtm_entity *self, u64 handle)
{
	struct rtm_nexthop *nh = rtm_nexthop_lookup(reg, self, handle);

	if (!IS_ERR(nh) && nh->owner != self) {
		rtm_nexthop_put(nh);
		return ERR_PTR(-EINVAL);
	}
	return nh;
}

/**
 * rtm_attr_resolve - the attributes a client gives a route, as a template
 * @reg: the caller's registration
 * @self: the caller's entity
 * @in: the route info, copied in by rtm_route_in_copy()
 * @tmpl: filled in; room for rtm_max_nexthops_in_route next hops.  Its
 *	neighbour and next hops hold references the caller drops with
 *	rtm_attr_tmpl_put().
 *
 * The neighbour and next hops must be the caller's; that they are live is
 * checked under the table lock, when the route is made (rtm_route_apply()).
 * Return: 0, -EINVAL, or -EBADF for an unknown handle.
 */
int rtm_attr_resolve(struct rtm_reg *reg, struct rtm_entity *self,
		     const struct rtm_route_in *in, struct rtm_attr *tmpl)
{
	const struct rtm_route_info *info = &in->info;
	unsigned int i;
	int err;

	if (!info->belongs_to_views ||
	    info->belongs_to_views & ~RTM_VIEWS_SUPPORTED)
		return -EINVAL;

	memset(tmpl, 0, sizeof(*tmpl));
	tmpl->metric = info->metric;
	/* 0 is no preference: the default of the caller's protocol. */
	tmpl->pref = info->preference ?:
		rtm_pref_default(self->table->rn, self->info.protocol_id);
	tmpl->views = info->belongs_to_views;
	tmpl->flags = info->flags;
	tmpl->flags1 = info->flags1;

	if (info->neighbour) {
		tmpl->neighbour = rtm_attr_nexthop(reg, self, info->neighbour);
		if (IS_ERR(tmpl->neighbour)) {
			err = PTR_ERR(tmpl->neighbour);
			tmpl->neighbour = NULL;
			goto err;
		}
	}
	for (i = 0; i < info->num_nexthops; i++) {
		struct rtm_nexthop *n = rtm_attr_nexthop(reg, self, in->nh[i]);

		if (IS_ERR(n)) {
			err = PTR_ERR(n);
			goto err;
		}
		tmpl->nh[tmpl->nnh++] = n;
	}
	return 0;
err:
	rtm_attr_tmpl_put(tmpl);
	return err;
}

/* Drop the references a template from rtm_attr_resolve() holds. */
void rtm_attr_tmpl_put(struct rtm_attr *tmpl)
{
	unsigned int i;

	if (tmpl->neighbour)
		rtm_nexthop_put(tmpl->neighbour);
	for (i = 0; i < tmpl->nnh; i++)
		rtm_nexthop_put(tmpl->nh[i]);
	tmpl->neighbour = NULL;
	tmpl->nnh = 0;
}

/* RtmAddRouteToDest (RTM_IOC_ADD_ROUTE) */
int rtm_route_add_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_add_route *arg = data;
	struct {
		struct rtm_attr a;
		struct rtm_nexthop *nh[RTM_MAX_NEXTHOPS];
	} tmpl;
	struct rtm_route_req req = {};
	struct rtm_route_in in;
	struct rtm_entity *self;
	struct rtm_table *t;
	int err;

	if (arg->flags & ~RTM_WANT_HANDLE || arg->reserved)
		return -EINVAL;
	if (arg->change_flags & ~(RTM_ROUTE_CHANGE_FIRST | RTM_ROUTE_CHANGE_NEW))
		return -EINVAL;
	err = rtm_route_in_copy(&in, u64_to_user_ptr(arg->info));
	if (err)
		return err;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	t = self->table;

	if (arg->route_list) {
		req.list = rtm_list_lookup(self, reg->rn, arg->route_list);
		if (IS_ERR(req.list)) {
			err = PTR_ERR(req.list);
			req.list = NULL;
			goto out;
		}
	}
	if (arg->handle) {
		req.update = rtm_route_lookup(reg, self, arg->handle);
		if (IS_ERR(req.update)) {
			err = PTR_ERR(req.update);
			req.update = NULL;
			goto out_route;
		}
	}
	err = rtm_attr_resolve(reg, self, &in, &tmpl.a);
	if (err)
		goto out_route;

	req.dest = arg->dest;
	req.change_flags = arg->change_flags;
	req.ttl = arg->time_to_live;
	req.esi = in.info.entity_specific_info;
	if (arg->flags & RTM_WANT_HANDLE && !arg->handle)
		req.hold = reg;

	mutex_lock(&t->lock);
	req.attr = rtm_attr_get(t, &tmpl.a);
	if (IS_ERR(req.attr)) {
		err = PTR_ERR(req.attr);
		mutex_unlock(&t->lock);
		goto out_tmpl;
	}
	err = rtm_route_apply(self, &req);
	rtm_attr_put_locked(t, req.attr);
	mutex_unlock(&t->lock);
	if (err)
		goto out_tmpl;

	arg->change_flags = req.change_flags;
	if (req.hold)
		arg->handle = req.handle;
out_tmpl:
	rtm_attr_tmpl_put(&tmpl.a);
out_route:
	if (req.update)
		rtm_route_put(req.update);
	if (req.list)
		rtm_list_put(req.list);
out:
	rtm_obj_put(&self->obj);
	return err;
}

/* RtmDeleteRouteToDest (RTM_IOC_DELETE_ROUTE) */
int rtm_route_delete_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_delete_route *arg = data;
	struct rtm_entity *self;
	struct rtm_route *r;
	u32 flags = 0;
	int err;

	if (arg->flags & ~RTM_DELETE_IF_EXPIRED || arg->reserved)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	r = rtm_route_lookup(reg, self, arg->handle);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
		goto out;
	}

	mutex_lock(&self->table->lock);
	if (!rtm_entity_alive(self))
		err = -EBADF;
	else if (r->owner != self)
		err = -EACCES;
	else if (arg->flags & RTM_DELETE_IF_EXPIRED && !rtm_route_expired(r))
		err = -EAGAIN;
	else
		err = rtm_route_delete_locked(r, &flags);
	mutex_unlock(&self->table->lock);

	if (!err) {
		arg->change_flags = flags;
		rtm_hold_consume(reg, &r->obj);
	}
	rtm_route_put(r);
out:
	rtm_obj_put(&self->obj);
	return err;
}

/*
 * A route's state as a route info reports it, with references on what it
 * names, taken under RCU.
 */
struct rtm_route_snap {
	struct rtm_route *route;
	struct rtm_attr *attr;		/* pinned by the reference below */
	u64 esi;
	u8 state;
	bool ref;			/* references taken on what is named */
};

static void rtm_route_snap_take(struct rtm_route *r, struct rtm_route_snap *s,
				bool ref)
{
	struct rtm_table *t = rtm_route_table(r);
	unsigned int i;

	s->route = r;
	s->ref = ref;
	rcu_read_lock();
	for (;;) {
		s->attr = rcu_dereference(r->attr);
		if (refcount_inc_not_zero(&s->attr->ref))
			break;
		/* Replaced meanwhile: the new one is there already. */
	}
	s->esi = READ_ONCE(r->esi);
	s->state = READ_ONCE(r->obj.state);
	rcu_read_unlock();

	if (!ref)
		return;
	rtm_dest_get(r->dest);
	rtm_obj_get(&r->owner->obj);
	if (s->attr->neighbour)
		rtm_obj_get(&s->attr->neighbour->obj);
	for (i = 0; i < s->attr->nnh; i++)
		rtm_obj_get(&s->attr->nh[i]->obj);
	(void)t;
}

static void rtm_route_snap_drop(struct rtm_route_snap *s)
{
	struct rtm_table *t = rtm_route_table(s->route);
	struct rtm_attr *a = s->attr;
	unsigned int i;

	if (s->ref) {
		rtm_dest_put(s->route->dest);
		rtm_obj_put(&s->route->owner->obj);
		if (a->neighbour)
			rtm_nexthop_put(a->neighbour);
		for (i = 0; i < a->nnh; i++)
			rtm_nexthop_put(a->nh[i]);
	}
	if (refcount_dec_and_mutex_lock(&a->ref, &t->lock)) {
		refcount_set(&a->ref, 1);
		rtm_attr_put_locked(t, a);
		mutex_unlock(&t->lock);
	}
}

/*
 * Write a route info for a snapshot to userspace, with room for @max next
 * hops; with references, the caller's registration gets handles.
 */
static int rtm_route_snap_copy(struct rtm_reg *reg, struct rtm_route_snap *s,
			       struct rtm_route_info __user *uinfo,
			       unsigned int max)
{
	struct rtm_obj *objs[3 + RTM_MAX_NEXTHOPS];
	u64 handles[ARRAY_SIZE(objs)];
	struct rtm_attr *a = s->attr;
	struct rtm_route_info info = {};
	unsigned int i, n = 0;
	int err;

	if (a->nnh > max)
		return -ENOSPC;

	objs[n++] = &s->route->dest->obj;
	objs[n++] = &s->route->owner->obj;
	if (a->neighbour)
		objs[n++] = &a->neighbour->obj;
	for (i = 0; i < a->nnh; i++)
		objs[n++] = &a->nh[i]->obj;
	if (s->ref)
		err = rtm_hold_many(reg, objs, n, handles);
	else
		err = rtm_handles_peek(reg, objs, n, handles);
	if (err)
		return err;

	n = 0;
	info.dest = handles[n++];
	info.owner = handles[n++];
	if (a->neighbour)
		info.neighbour = handles[n++];
	info.state = s->state;
	info.flags1 = a->flags1;
	info.flags = a->flags;
	info.metric = a->metric;
	info.preference = a->pref;
	info.belongs_to_views = a->views;
	info.entity_specific_info = s->esi;
	info.num_nexthops = a->nnh;

	err = -EFAULT;
	if (copy_to_user(uinfo, &info, sizeof(info)) ||
	    copy_to_user(uinfo->nexthops, &handles[n], a->nnh * sizeof(u64)))
		goto err;
	return 0;
err:
	if (s->ref)
		rtm_holds_release(reg, handles, n + a->nnh, RTM_KIND_ALL);
	return err;
}

static u32 rtm_route_best_in(struct rtm_route *r)
{
	u32 views = 0;
	int v;

	rcu_read_lock();
	for (v = 0; v < RTM_NUM_VIEWS; v++)
		if (rtm_route_best(r->dest, BIT(v), 0) == r)
			views |= BIT(v);
	rcu_read_unlock();
	return views;
}

static int rtm_dest_address_copy(struct rtm_dest *d,
				 struct rtm_net_address __user *uaddr)
{
	struct rtm_net_address a = {
		.family = d->table->family,
		.num_bits = rtm_dest_plen(d),
	};

	memcpy(a.addr, d->addr, d->table->addr_len);
	return copy_to_user(uaddr, &a, sizeof(a)) ? -EFAULT : 0;
}

/* RtmGetRouteInfo, RtmIsBestRoute and the pointer calls (RTM_IOC_GET_ROUTE_INFO) */
int rtm_route_info_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_get_route_info *arg = data;
	struct rtm_entity *self;
	struct rtm_route_snap s;
	struct rtm_route *r;
	int err = 0;

	if (arg->flags & ~RTM_INFO_DIRECT)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	r = rtm_route_lookup(reg, self, arg->handle);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
		goto out;
	}
	if (arg->flags & RTM_INFO_DIRECT && r->owner != self) {
		err = -EACCES;
		goto out_route;
	}

	arg->views = rtm_route_best_in(r);
	if (arg->dest) {
		err = rtm_dest_address_copy(r->dest, u64_to_user_ptr(arg->dest));
		if (err)
			goto out_route;
	}
	if (arg->info) {
		rtm_route_snap_take(r, &s, !(arg->flags & RTM_INFO_DIRECT));
		err = rtm_route_snap_copy(reg, &s, u64_to_user_ptr(arg->info),
					  arg->max_nexthops);
		rtm_route_snap_drop(&s);
	}
out_route:
	rtm_route_put(r);
out:
	rtm_obj_put(&self->obj);
	return err;
}

/* Whether a route matches criteria (RtmGetExactMatchRoute, route enums). */
bool rtm_route_matches(struct rtm_route *r, struct rtm_attr *a, u32 match,
		       const struct rtm_route_info *c, const u64 *cnh,
		       u32 ifindex)
{
	unsigned int i, j;

	if (match & RTM_MATCH_OWNER && rtm_handle_of(&r->owner->obj) != c->owner)
		return false;
	if (match & RTM_MATCH_NEIGHBOUR &&
	    (a->neighbour ? rtm_handle_of(&a->neighbour->obj) : 0) != c->neighbour)
		return false;
	if (match & RTM_MATCH_PREF &&
	    (a->pref != c->preference || a->metric != c->metric))
		return false;
	if (match & RTM_MATCH_NEXTHOP) {
		/* Every next hop of the criteria is one of the route's. */
		for (i = 0; i < c->num_nexthops; i++) {
			for (j = 0; j < a->nnh; j++)
				if (rtm_handle_of(&a->nh[j]->obj) == cnh[i])
					break;
			if (j == a->nnh)
				return false;
		}
	}
	if (match & RTM_MATCH_INTERFACE) {
		for (j = 0; j < a->nnh; j++)
			if (a->nh[j]->ifindex == ifindex)
				break;
		if (j == a->nnh)
			return false;
	}
	return true;
}

/* RtmGetExactMatchRoute (RTM_IOC_GET_EXACT_ROUTE) */
int rtm_route_exact_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_get_exact_route *arg = data;
	struct rtm_route_info __user *uinfo = u64_to_user_ptr(arg->info);
	struct rtm_route *r, *found = NULL;
	struct rtm_attr *fa = NULL;
	struct rtm_route_info c;
	u64 cnh[RTM_MAX_NEXTHOPS];
	u8 key[RTM_LPM_MAX_KEYLEN];
	struct rtm_entity *self;
	struct rtm_route_snap s;
	struct rtm_table *t;
	struct rtm_dest *d;
	u32 views;
	int err;

	if (arg->flags & ~RTM_WANT_HANDLE || arg->reserved)
		return -EINVAL;
	if (arg->match_flags & ~RTM_MATCH_FULL)
		return -EINVAL;
	if (arg->views & ~RTM_VIEWS_SUPPORTED)
		return -EOPNOTSUPP;
	if (copy_from_user(&c, uinfo, sizeof(c)))
		return -EFAULT;
	arg->handle = 0;
	if (arg->match_flags & RTM_MATCH_NEXTHOP) {
		if (c.num_nexthops > rtm_max_nexthops_in_route)
			return -EINVAL;
		if (copy_from_user(cnh, uinfo->nexthops,
				   c.num_nexthops * sizeof(cnh[0])))
			return -EFAULT;
	}
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	t = self->table;
	err = rtm_dest_key(t, &arg->address, key);
	if (err)
		goto out;

	views = arg->views ?: RTM_VIEWS_SUPPORTED;
	err = -ENOENT;
	rcu_read_lock();
	d = rtm_lpm_exact(&t->dests, key, arg->address.num_bits);
	for (r = d ? rcu_dereference(d->routes) : NULL; r;
	     r = rcu_dereference(r->next)) {
		struct rtm_attr *a = rcu_dereference(r->attr);

		if (!(a->views & views) ||
		    !rtm_route_matches(r, a, arg->match_flags, &c, cnh,
				       arg->interface_index))
			continue;
		if (!fa || rtm_attr_better(a, fa)) {
			found = r;
			fa = a;
		}
	}
	if (found && refcount_inc_not_zero(&found->obj.ref))
		err = 0;
	rcu_read_unlock();
	if (err)
		goto out;

	/* The handle first: it is the one thing that can fail alone. */
	if (arg->flags & RTM_WANT_HANDLE) {
		err = rtm_hold(reg, &found->obj, &arg->handle);
		if (err)
			goto out_route;
	}
	rtm_route_snap_take(found, &s, true);
	err = rtm_route_snap_copy(reg, &s, uinfo, arg->max_nexthops);
	rtm_route_snap_drop(&s);
	if (err && arg->flags & RTM_WANT_HANDLE)
		rtm_holds_release(reg, &arg->handle, 1, RTM_KIND_ROUTE);
out_route:
	rtm_route_put(found);
out:
	rtm_obj_put(&self->obj);
	return err;
}

size_t rtm_route_size(void)
{
	return kmem_cache_size(rtm_route_cache);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_route_size);

/* A stock of routes, for a chunk of a bulk add. */
void rtm_route_stock_init(struct rtm_stock *s)
{
	rtm_stock_init(s, rtm_route_cache);
}

int rtm_routes_init(void)
{
	rtm_route_cache = KMEM_CACHE(rtm_route, SLAB_ACCOUNT);
	return rtm_route_cache ? 0 : -ENOMEM;
}

void rtm_routes_exit(void)
{
	kmem_cache_destroy(rtm_route_cache);
}
