// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: enumerations (RtmCreateDestEnum, RtmCreateRouteEnum,
 * RtmCreateNextHopEnum, RtmCreateRouteListEnum, the RtmGetEnum* calls and
 * RtmDeleteEnumHandle).
 *
 * An enumeration is a cursor, not a snapshot.  Dests come in the trie's
 * order (address, then length); each batch restarts the walk after the key
 * of the last dest it returned, under RCU, so a dest that exists for the
 * whole walk is returned exactly once whatever is added or deleted meanwhile.
 * Routes come dest by dest, in (preference, metric, age) order within one;
 * the cursor also counts the routes of its dest already returned, in case a
 * batch ended inside a dest.  Next hops (the caller's own) come in key order
 * and route lists in insertion order, both by a key cursor too.
 *
 * Enumerations belong to the registration that made them; each batch takes
 * the enumeration's mutex, so two threads never share a cursor half-moved.
 */

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/overflow.h>

#include "rtm.h"

/*
 * The order of routes within a dest: live routes by preference, metric,
 * then handle id, and routes in hold-down after them.  A route not handed
 * out yet has no id; it sorts after those with one, in list order, and gets
 * its id (larger than any before) when it is handed out, so the order of
 * what is already returned never changes and a cursor can resume after the
 * last route even if that one went away.
 */
struct rtm_rkey {
	u32 held;			/* 0 live, 1 in hold-down */
	u32 pref;
	u32 metric;
	u64 id;
};

static void rtm_rkey_of(struct rtm_route *r, const struct rtm_attr *a,
			bool held, unsigned int pos, struct rtm_rkey *k)
{
	u64 id = READ_ONCE(r->obj.id);

	k->held = held;
	k->pref = held ? 0 : a->pref;
	k->metric = held ? 0 : a->metric;
	k->id = id ?: RTM_ID_MASK + 1 + pos;
}

static int rtm_rkey_cmp(const struct rtm_rkey *a, const struct rtm_rkey *b)
{
	if (a->held != b->held)
		return a->held < b->held ? -1 : 1;
	if (a->pref != b->pref)
		return a->pref < b->pref ? -1 : 1;
	if (a->metric != b->metric)
		return a->metric < b->metric ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

/*
 * The cursor of a walk over prefixes: the last dest returned or passed
 * over, and for routes the last route returned there.
 */
struct rtm_enum_pos {
	bool started;			/* else @key is where the walk begins */
	bool in_dest;			/* routes: @rkey is the last at @key */
	u8 plen;
	u8 key[RTM_LPM_MAX_KEYLEN];
	struct rtm_rkey rkey;
};

struct rtm_enum {
	struct rtm_obj obj;		/* state: enum rtm_enum_type */
	struct rtm_entity *owner;	/* held */
	struct list_head node;		/* in the owner's enums, or empty */
	struct mutex lock;		/* one batch at a time */
	u32 flags;			/* RTM_ENUM_* */
	u32 views;
	u32 proto;
	u32 match;
	u32 ifindex;
	bool done;
	bool range;
	u8 range_key[RTM_LPM_MAX_KEYLEN];
	u8 range_plen;
	struct rtm_enum_pos pos;	/* where the next batch starts */
	u32 nh_ifindex;			/* next hops: with @pos, the last one */
	unsigned long seq;		/* lists: the last one returned */
	struct rtm_dest *dest;		/* routes of one dest (held), or NULL */
	struct rtm_route_list *list;	/* held */
	void *scratch;			/* dests: see rtm_enum_scratch() */
	u32 scratch_n;			/* dests @scratch has room for */
	struct rtm_route_in criteria;	/* RTM_MATCH_* against these */
	struct rcu_head rcu;
};

#define RTM_ENUM_WHERE	(RTM_ENUM_NEXT | RTM_ENUM_RANGE)

/* The last reference went; the table lock is held. */
static void rtm_enum_release(struct rtm_enum *en)
{
	struct rtm_table *t = en->owner->table;

	lockdep_assert_held(&t->lock);
	if (en->dest)
		rtm_dest_put_locked(en->dest);
	if (en->list)
		rtm_list_put(en->list);
	rtm_obj_unpublish(t->rn, &en->obj);
	rtm_obj_put(&en->owner->obj);
	kvfree(en->scratch);
	mutex_destroy(&en->lock);
	kfree_rcu(en, rcu);
}

static void rtm_enum_put_locked(struct rtm_enum *en)
{
	if (refcount_dec_and_test(&en->obj.ref))
		rtm_enum_release(en);
}

static void rtm_enum_put(struct rtm_enum *en)
{
	struct rtm_table *t = en->owner->table;

	if (refcount_dec_and_mutex_lock(&en->obj.ref, &t->lock)) {
		rtm_enum_release(en);
		mutex_unlock(&t->lock);
	}
}

/* Take an enumeration from its owner; the table lock is held. */
static void rtm_enum_unlink(struct rtm_enum *en)
{
	list_del_init(&en->node);
	en->owner->nenums--;
	rtm_enum_put_locked(en);
}

/* Close every enumeration of a deregistering entity; table lock held. */
void rtm_enums_flush(struct rtm_entity *e)
{
	struct rtm_enum *en, *tmp;

	list_for_each_entry_safe(en, tmp, &e->enums, node)
		rtm_enum_unlink(en);
}

static struct rtm_enum *rtm_enum_lookup(struct rtm_reg *reg,
					struct rtm_entity *self, u64 handle)
{
	struct rtm_enum *en;
	struct rtm_obj *obj;

	obj = rtm_obj_lookup(reg->rn, handle, RTM_KIND_ENUM);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	en = container_of(obj, struct rtm_enum, obj);
	if (en->owner != self) {
		rtm_enum_put(en);
		return ERR_PTR(-EBADF);
	}
	return en;
}

static int rtm_enum_check(const struct rtm_enum_create *arg)
{
	u32 own;

	if (arg->reserved || arg->reserved2)
		return -EINVAL;
	if ((arg->flags & RTM_ENUM_WHERE) == RTM_ENUM_WHERE)
		return -EINVAL;
	switch (arg->type) {
	case RTM_ENUM_DESTS:
		own = RTM_ENUM_OWN_DESTS;
		break;
	case RTM_ENUM_ROUTES:
		own = RTM_ENUM_OWN_ROUTES;
		break;
	case RTM_ENUM_NEXTHOPS:
		own = 0;
		break;
	case RTM_ENUM_LIST:
		if (arg->flags || arg->views || arg->dest || arg->criteria)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
	if (arg->flags & ~(RTM_ENUM_WHERE | own))
		return -EINVAL;
	if (arg->type != RTM_ENUM_ROUTES &&
	    (arg->match_flags || arg->criteria || arg->dest ||
	     arg->interface_index))
		return -EINVAL;
	if (arg->type == RTM_ENUM_NEXTHOPS && arg->views)
		return -EINVAL;
	if (arg->match_flags & ~RTM_MATCH_FULL)
		return -EINVAL;
	/* Criteria are needed for anything but the interface alone. */
	if (arg->match_flags & ~RTM_MATCH_INTERFACE && !arg->criteria)
		return -EINVAL;
	if (arg->views & ~RTM_VIEWS_SUPPORTED)
		return -EOPNOTSUPP;
	return 0;
}

/* Set up the start (NEXT) or range (RANGE) of a walk over prefixes. */
static int rtm_enum_where(struct rtm_enum *en, struct rtm_table *t,
			  const struct rtm_enum_create *arg)
{
	int err;

	if (!(arg->flags & RTM_ENUM_WHERE))
		return 0;
	err = rtm_dest_key(t, &arg->address, en->pos.key);
	if (err)
		return err;
	en->pos.plen = arg->address.num_bits;
	if (arg->flags & RTM_ENUM_RANGE) {
		en->range = true;
		memcpy(en->range_key, en->pos.key, sizeof(en->pos.key));
		en->range_plen = en->pos.plen;
	}
	return 0;
}

/* RtmCreate*Enum (RTM_IOC_ENUM_CREATE) */
int rtm_enum_create_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_enum_create *arg = data;
	struct rtm_entity *self;
	struct rtm_table *t;
	struct rtm_enum *en;
	int err;

	err = rtm_enum_check(arg);
	if (err)
		return err;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	t = self->table;

	err = -ENOMEM;
	en = kzalloc(sizeof(*en), RTM_GFP);
	if (!en)
		goto out;
	rtm_obj_init(&en->obj, RTM_OBJ_ENUM);
	en->obj.state = arg->type;
	INIT_LIST_HEAD(&en->node);
	mutex_init(&en->lock);
	rtm_obj_get(&self->obj);
	en->owner = self;
	en->flags = arg->flags;
	en->views = arg->views;
	en->proto = arg->protocol_id == RTM_PROTOCOL_THIS ?
		    self->info.protocol_id : arg->protocol_id;
	en->match = arg->match_flags;
	en->ifindex = arg->interface_index;

	if (arg->criteria) {
		err = rtm_route_in_copy(&en->criteria,
					u64_to_user_ptr(arg->criteria));
		if (err)
			goto err;
	}
	if (arg->type == RTM_ENUM_ROUTES && arg->dest) {
		en->dest = rtm_dest_lookup(reg, self, arg->dest);
		if (IS_ERR(en->dest)) {
			err = PTR_ERR(en->dest);
			en->dest = NULL;
			goto err;
		}
	} else if (arg->type == RTM_ENUM_LIST) {
		en->list = rtm_list_lookup(self, reg->rn, arg->list);
		if (IS_ERR(en->list)) {
			err = PTR_ERR(en->list);
			en->list = NULL;
			goto err;
		}
	} else {
		err = rtm_enum_where(en, t, arg);
		if (err)
			goto err;
	}
	err = rtm_obj_reserve(reg->rn, &en->obj);
	if (err)
		goto err;

	mutex_lock(&t->lock);
	err = -EBADF;
	if (rtm_entity_alive(self)) {
		err = -EDQUOT;
		if (self->nenums < rtm_max_enums) {
			list_add_tail(&en->node, &self->enums);
			self->nenums++;
			/* Nothing fails any more: the handle can be found. */
			rtm_obj_commit(reg->rn, &en->obj);
			err = 0;
		}
	}
	mutex_unlock(&t->lock);
	if (err)
		goto err_cancel;
	arg->handle = rtm_handle_of(&en->obj);
	goto out;
err_cancel:
	rtm_obj_cancel(reg->rn, &en->obj);
err:
	rtm_enum_put(en);
out:
	rtm_obj_put(&self->obj);
	return err;
}

/* RtmDeleteEnumHandle (RTM_IOC_ENUM_DELETE) */
int rtm_enum_delete_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_object *arg = data;
	struct rtm_entity *self;
	struct rtm_enum *en;
	int err = 0;

	if (arg->flags)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	en = rtm_enum_lookup(reg, self, arg->handle);
	if (IS_ERR(en)) {
		err = PTR_ERR(en);
		goto out;
	}
	mutex_lock(&self->table->lock);
	if (list_empty(&en->node))
		err = -EBADF;
	else
		rtm_enum_unlink(en);
	mutex_unlock(&self->table->lock);
	rtm_enum_put(en);
out:
	rtm_obj_put(&self->obj);
	return err;
}

/* Whether the caller owns the best route of @d in one of the views. */
static bool rtm_enum_owns_best(struct rtm_enum *en, struct rtm_dest *d)
{
	u32 views = en->views ?: RTM_VIEWS_SUPPORTED;
	struct rtm_route *r;
	int v;

	for (v = 0; v < RTM_NUM_VIEWS; v++) {
		if (!(views & BIT(v)))
			continue;
		r = rtm_route_best(d, BIT(v), 0);
		if (r && r->owner == en->owner)
			return true;
	}
	return false;
}

/*
 * Start a walk at the cursor, under RCU: at the cursor's own prefix if the
 * walk has not begun or stopped among that dest's routes, after it
 * otherwise.
 */
static void rtm_enum_walk_start(struct rtm_enum *en,
				const struct rtm_enum_pos *pos,
				struct rtm_lpm_iter *it)
{
	rtm_lpm_iter_start(it, &en->owner->table->dests, pos->key, pos->plen,
			   !pos->started || pos->in_dest);
}

static struct rtm_dest *rtm_enum_walk_next(struct rtm_enum *en,
					   struct rtm_lpm_iter *it)
{
	struct rtm_table *t = en->owner->table;
	struct rtm_dest *d = rtm_lpm_iter_next(it);

	if (d && en->range &&
	    !rtm_dest_covers(t, it->key, it->plen, en->range_key,
			     en->range_plen))
		d = NULL;
	if (!d)
		en->done = true;
	return d;
}

/* The cursor moves to the dest the walk is at. */
static void rtm_enum_pos_at(struct rtm_enum_pos *pos,
			    const struct rtm_lpm_iter *it)
{
	memcpy(pos->key, it->key, sizeof(pos->key));
	pos->plen = it->plen;
	pos->started = true;
	pos->in_dest = false;
}

static bool rtm_enum_pos_is(const struct rtm_enum_pos *pos,
			    const struct rtm_lpm_iter *it)
{
	return pos->started && it->plen == pos->plen &&
	       !memcmp(it->key, pos->key, sizeof(pos->key));
}

/*
 * Between two read-side sections of a walk that found less than a batch
 * within its budget: let others run, and let a dying caller go.
 */
static int rtm_enum_pause(void)
{
	if (fatal_signal_pending(current))
		return -EINTR;
	cond_resched();
	return 0;
}

/*
 * A dests batch's working memory, kept with the enumeration for its next
 * batches: the snapshots, the objects their dest infos hand out and those
 * handles, and the dest infos.
 */
struct rtm_enum_scratch {
	struct rtm_dest_snap *snaps;
	struct rtm_obj **objs;
	u64 *handles;
	void *infos;
};

static int rtm_enum_scratch(struct rtm_enum *en, u32 n, size_t stride,
			    struct rtm_enum_scratch *sc)
{
	size_t per = sizeof(*sc->snaps) + stride +
		     RTM_DEST_SNAP_HANDLES * (sizeof(*sc->objs) +
					      sizeof(*sc->handles));
	u32 cap;

	lockdep_assert_held(&en->lock);
	if (n > en->scratch_n) {
		void *p = kvmalloc_array(n, per, RTM_GFP);

		if (!p)
			return -ENOMEM;
		kvfree(en->scratch);
		en->scratch = p;
		en->scratch_n = n;
	}
	cap = en->scratch_n;
	sc->snaps = en->scratch;
	sc->objs = (struct rtm_obj **)(sc->snaps + cap);
	sc->handles = (u64 *)(sc->objs + cap * RTM_DEST_SNAP_HANDLES);
	sc->infos = sc->handles + cap * RTM_DEST_SNAP_HANDLES;
	return 0;
}

/* A batch of dests as packed dest infos. */
static int rtm_enum_dests(struct rtm_reg *reg, struct rtm_enum *en, u32 n,
			  void __user *ubuf, u32 *count)
{
	unsigned int nviews = hweight32(en->views), nheld = 0, i, k, got = 0;
	size_t stride = RTM_DEST_INFO_SIZE(nviews);
	struct rtm_enum_pos pos = en->pos;
	struct rtm_enum_scratch sc;
	struct rtm_lpm_iter it;
	bool handed = false;
	struct rtm_dest *d;
	int err;

	err = rtm_enum_scratch(en, n, stride, &sc);
	if (err)
		return err;

	while (!err && got < n && !en->done) {
		unsigned int visited = 0;

		rcu_read_lock();
		rtm_enum_walk_start(en, &pos, &it);
		while (got < n && visited++ < RTM_WALK_BUDGET &&
		       (d = rtm_enum_walk_next(en, &it))) {
			rtm_enum_pos_at(&pos, &it);
			if (en->flags & RTM_ENUM_OWN_DESTS &&
			    !rtm_enum_owns_best(en, d))
				continue;
			if (rtm_dest_snap_try(d, en->views, en->proto,
					      &sc.snaps[got]))
				got++;
		}
		rcu_read_unlock();
		if (got < n && !en->done)
			err = rtm_enum_pause();
	}

	/*
	 * The batch's handles are held together, as one hold record, which
	 * takes over the snapshots' references.
	 */
	for (i = 0; !err && i < got; i++)
		nheld += rtm_dest_snap_objs(&sc.snaps[i], sc.objs + nheld);
	if (!err && nheld) {
		err = rtm_hold_batch(reg, sc.objs, nheld, sc.handles);
		handed = !err;
	}
	for (i = 0, k = 0; !err && i < got; i++)
		k += rtm_dest_snap_write(&sc.snaps[i], sc.handles + k,
					 sc.infos + i * stride);
	if (!err && copy_to_user(ubuf, sc.infos, got * stride))
		err = -EFAULT;
	if (err) {
		/* Nothing handed out: the cursor stays where it was. */
		if (handed)
			rtm_holds_release(reg, sc.handles, nheld, RTM_KIND_ALL);
		en->done = false;
	} else {
		en->pos = pos;
		*count = got;
	}
	for (i = 0; !handed && i < got; i++) {
		rtm_dest_snap_drop(&sc.snaps[i]);
		rtm_dest_put(sc.snaps[i].dest);
	}
	return err;
}

/* Whether a route is one the route enumeration returns. */
static bool rtm_enum_route_ok(struct rtm_enum *en, struct rtm_route *r)
{
	struct rtm_attr *a = rcu_dereference(r->attr);

	if (en->views && !(a->views & en->views))
		return false;
	if (en->flags & RTM_ENUM_OWN_ROUTES && r->owner != en->owner)
		return false;
	return rtm_route_matches(r, a, en->match, &en->criteria.info,
				 en->criteria.nh, en->ifindex);
}

/*
 * The routes of a dest the enumeration returns, in route order after
 * @after (or from the first): held ones, appended to @out; @lastk gets the
 * key of the last.  Each pick looks at every route of the dest and costs
 * that much of *@budget; it stops when the budget is spent, after one pick
 * at least.
 */
static u32 rtm_enum_dest_routes(struct rtm_enum *en, struct rtm_dest *d,
				const struct rtm_rkey *after,
				struct rtm_route **out, u32 room,
				struct rtm_rkey *lastk, int *budget)
{
	struct rtm_route *r, *hold[RTM_NUM_VIEWS] = {};
	struct rtm_rkey last, k, bk;
	struct rtm_dest_ext *ext;
	struct rtm_route *best;
	unsigned int pos;
	bool any = after;
	u32 got = 0;
	int v;

	if (after)
		last = *after;
	ext = en->views ? NULL : rtm_dest_ext(d);
	for (v = 0; ext && v < RTM_NUM_VIEWS; v++) {
		hold[v] = READ_ONCE(ext->hold[v]);
		if (v && hold[v] == hold[0])
			hold[v] = NULL;
	}

	/* Repeatedly the next route after the last in that order. */
	while (got < room && *budget > 0) {
		best = NULL;
		pos = 0;
		for (r = rcu_dereference(d->routes); r;
		     r = rcu_dereference(r->next), pos++) {
			if (!rtm_enum_route_ok(en, r))
				continue;
			rtm_rkey_of(r, rcu_dereference(r->attr), false, pos, &k);
			if (any && rtm_rkey_cmp(&k, &last) <= 0)
				continue;
			if (!best || rtm_rkey_cmp(&k, &bk) < 0) {
				best = r;
				bk = k;
			}
		}
		for (v = 0; v < RTM_NUM_VIEWS; v++) {
			r = hold[v];
			if (!r || !rtm_enum_route_ok(en, r))
				continue;
			rtm_rkey_of(r, NULL, true, pos + v, &k);
			if (any && rtm_rkey_cmp(&k, &last) <= 0)
				continue;
			if (!best || rtm_rkey_cmp(&k, &bk) < 0) {
				best = r;
				bk = k;
			}
		}
		*budget -= pos + 1;
		if (!best)
			break;
		any = true;
		last = bk;
		if (refcount_inc_not_zero(&best->obj.ref)) {
			out[got++] = best;
			*lastk = bk;
		}
	}
	return got;
}

/* Routes of the one dest of the enumeration, from the cursor; under RCU. */
static u32 rtm_enum_one_dest(struct rtm_enum *en, struct rtm_enum_pos *pos,
			     struct rtm_route **out, u32 room, int *budget)
{
	struct rtm_rkey lastk;
	u32 got;

	got = rtm_enum_dest_routes(en, en->dest,
				   pos->in_dest ? &pos->rkey : NULL, out, room,
				   &lastk, budget);
	if (got) {
		pos->in_dest = true;
		pos->rkey = lastk;
	}
	/* Fewer than asked, and not for want of budget: that was all. */
	if (got < room && *budget > 0)
		en->done = true;
	return got;
}

/* Routes of the dests from the cursor on; under RCU. */
static u32 rtm_enum_walk_routes(struct rtm_enum *en, struct rtm_enum_pos *pos,
				struct rtm_route **out, u32 room, int *budget)
{
	const struct rtm_rkey *after;
	struct rtm_lpm_iter it;
	struct rtm_rkey lastk;
	struct rtm_dest *d;
	u32 got = 0, i;

	rtm_enum_walk_start(en, pos, &it);
	while (got < room && *budget > 0 && (d = rtm_enum_walk_next(en, &it))) {
		(*budget)--;
		/* The dest the last batch stopped in goes on after its route. */
		after = pos->in_dest && rtm_enum_pos_is(pos, &it) ?
			&pos->rkey : NULL;
		i = rtm_enum_dest_routes(en, d, after, out + got, room - got,
					 &lastk, budget);
		if (i) {
			got += i;
			rtm_enum_pos_at(pos, &it);
			pos->in_dest = true;
			pos->rkey = lastk;
		} else if (*budget > 0) {
			/* Nothing (more) in this dest. */
			rtm_enum_pos_at(pos, &it);
		}
	}
	return got;
}

/* A batch of route handles. */
static int rtm_enum_routes(struct rtm_reg *reg, struct rtm_enum *en, u32 n,
			   u64 __user *ubuf, u32 *count)
{
	struct rtm_enum_pos pos = en->pos;
	struct rtm_route **routes;
	struct rtm_obj **objs;
	u32 got = 0, i;
	u64 *handles;
	int err = -ENOMEM;

	routes = kvmalloc_array(n, sizeof(*routes), RTM_GFP);
	objs = kvmalloc_array(n, sizeof(*objs), RTM_GFP);
	handles = kvmalloc_array(n, sizeof(*handles), RTM_GFP);
	if (!routes || !objs || !handles)
		goto out;

	err = 0;
	while (!err && got < n && !en->done) {
		int budget = RTM_WALK_BUDGET;

		rcu_read_lock();
		if (en->dest)
			got += rtm_enum_one_dest(en, &pos, routes + got,
						 n - got, &budget);
		else
			got += rtm_enum_walk_routes(en, &pos, routes + got,
						    n - got, &budget);
		rcu_read_unlock();
		if (got < n && !en->done)
			err = rtm_enum_pause();
	}

	for (i = 0; i < got; i++)
		objs[i] = &routes[i]->obj;
	if (!err)
		err = rtm_hold_many(reg, objs, got, handles);
	if (!err && copy_to_user(ubuf, handles, got * sizeof(*handles))) {
		rtm_holds_release(reg, handles, got, RTM_KIND_ROUTE);
		err = -EFAULT;
	}
	if (err) {
		en->done = false;
	} else {
		/*
		 * A cursor in a dest stands at the last route returned, whose
		 * key now has the id its handle gave it if it had none.
		 */
		if (pos.in_dest && got)
			pos.rkey.id = READ_ONCE(routes[got - 1]->obj.id);
		en->pos = pos;
		*count = got;
	}
	for (i = 0; i < got; i++)
		rtm_route_put(routes[i]);
out:
	kvfree(handles);
	kvfree(objs);
	kvfree(routes);
	return err;
}

/* A batch of the caller's next hops, under the table lock. */
static int rtm_enum_nexthops(struct rtm_reg *reg, struct rtm_enum *en, u32 n,
			     u64 __user *ubuf, u32 *count)
{
	struct rtm_table *t = en->owner->table;
	struct rtm_net_address at = {};
	struct rtm_nexthop *nh, *last;
	struct rtm_obj **nhs;
	u64 *handles;
	u32 got = 0, i;
	int err = -ENOMEM;

	nhs = kvmalloc_array(n, sizeof(*nhs), RTM_GFP);
	handles = kvmalloc_array(n, sizeof(*handles), RTM_GFP);
	if (!nhs || !handles)
		goto out;

	memcpy(at.addr, en->pos.key, sizeof(at.addr));
	at.num_bits = en->pos.plen;
	mutex_lock(&t->lock);
	/* From the start, every interface; after the last, the next one. */
	nh = en->pos.started ?
	     rtm_nexthop_seek(en->owner, &at, en->nh_ifindex, false) :
	     rtm_nexthop_seek(en->owner, &at, 0, true);
	for (; nh && got < n; nh = rtm_nexthop_next(nh)) {
		if (en->range && !rtm_dest_covers(t, nh->addr.addr,
						  nh->addr.num_bits,
						  en->range_key,
						  en->range_plen)) {
			/* Past the range, nothing more can be in it. */
			if (memcmp(nh->addr.addr, en->range_key,
				   sizeof(en->range_key)) > 0)
				break;
			continue;
		}
		rtm_obj_get(&nh->obj);
		nhs[got++] = &nh->obj;
	}
	mutex_unlock(&t->lock);
	if (got < n)
		en->done = true;

	err = rtm_hold_many(reg, nhs, got, handles);
	if (!err && copy_to_user(ubuf, handles, got * sizeof(*handles))) {
		rtm_holds_release(reg, handles, got, RTM_KIND_NEXTHOP);
		err = -EFAULT;
	}
	if (err) {
		en->done = false;
	} else if (got) {
		last = rtm_nexthop_of(nhs[got - 1]);
		*count = got;
		memcpy(en->pos.key, last->addr.addr, sizeof(en->pos.key));
		en->pos.plen = last->addr.num_bits;
		en->nh_ifindex = last->ifindex;
		en->pos.started = true;
	}
	for (i = 0; i < got; i++)
		rtm_nexthop_put(rtm_nexthop_of(nhs[i]));
out:
	kvfree(handles);
	kvfree(nhs);
	return err;
}

/* A batch of the routes of a list, under the table lock. */
static int rtm_enum_list(struct rtm_reg *reg, struct rtm_enum *en, u32 n,
			 u64 __user *ubuf, u32 *count)
{
	struct rtm_table *t = en->owner->table;
	struct rtm_obj **routes;
	unsigned long seq = en->seq;
	struct rtm_route *r;
	u64 *handles;
	u32 got = 0, i;
	int err = -ENOMEM;

	routes = kvmalloc_array(n, sizeof(*routes), RTM_GFP);
	handles = kvmalloc_array(n, sizeof(*handles), RTM_GFP);
	if (!routes || !handles)
		goto out;

	mutex_lock(&t->lock);
	while (got < n && (r = xa_find_after(&en->list->routes, &seq,
					     ULONG_MAX, XA_PRESENT))) {
		rtm_obj_get(&r->obj);
		routes[got++] = &r->obj;
	}
	mutex_unlock(&t->lock);

	err = rtm_hold_many(reg, routes, got, handles);
	if (!err && copy_to_user(ubuf, handles, got * sizeof(*handles))) {
		rtm_holds_release(reg, handles, got, RTM_KIND_ROUTE);
		err = -EFAULT;
	}
	if (!err) {
		*count = got;
		en->seq = seq;
	}
	for (i = 0; i < got; i++)
		rtm_route_put(rtm_route_of(routes[i]));
out:
	kvfree(handles);
	kvfree(routes);
	return err;
}

/* RtmGetEnumDests, RtmGetEnumRoutes, RtmGetEnumNextHops, RtmGetListEnumRoutes */
int rtm_enum_get_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_enum_get *arg = data;
	void __user *ubuf = u64_to_user_ptr(arg->buf);
	struct rtm_entity *self;
	struct rtm_enum *en;
	u32 n = arg->count;
	int err;

	if (arg->reserved)
		return -EINVAL;
	if (!n || n > rtm_max_handles_in_enum)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	en = rtm_enum_lookup(reg, self, arg->handle);
	if (IS_ERR(en)) {
		err = PTR_ERR(en);
		goto out;
	}
	err = -EBADF;
	if (en->obj.state != arg->type)
		goto out_put;

	mutex_lock(&en->lock);
	arg->count = 0;
	err = 0;
	if (list_empty(&en->node))
		err = -EBADF;
	else if (en->done && en->obj.state != RTM_ENUM_LIST)
		err = 0;
	else if (en->obj.state == RTM_ENUM_DESTS)
		err = rtm_enum_dests(reg, en, n, ubuf, &arg->count);
	else if (en->obj.state == RTM_ENUM_ROUTES)
		err = rtm_enum_routes(reg, en, n, ubuf, &arg->count);
	else if (en->obj.state == RTM_ENUM_NEXTHOPS)
		err = rtm_enum_nexthops(reg, en, n, ubuf, &arg->count);
	else
		err = rtm_enum_list(reg, en, n, ubuf, &arg->count);
	mutex_unlock(&en->lock);

	/* NO_ERROR while a batch has entries, NO_MORE_ITEMS when empty. */
	if (!err && !arg->count && en->obj.state != RTM_ENUM_LIST)
		err = -ENODATA;
out_put:
	rtm_enum_put(en);
out:
	rtm_obj_put(&self->obj);
	return err;
}
