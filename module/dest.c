// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: destinations, their point queries (RtmGetDestInfo and the
 * RtmGet*Destination calls) and hold-down (RtmHoldDestination).
 *
 * A dest is in its table's trie from its first reference to its last.
 * Routes, handles, a running hold-down and next hops resolved through it
 * each hold one; the last is dropped under the table lock, which takes it
 * out of the trie.  A dest that only handles keep is invisible to queries
 * but keeps its identity, so a route added to its prefix again brings the
 * same dest (and handle) back.
 *
 * Queries run under RCU and hand out handles afterwards: what they report
 * is first pinned with references, then turned into the caller's handles.
 */

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/ktime.h>
#include <linux/workqueue.h>

#include "rtm.h"

static struct kmem_cache *rtm_dest4_cache __read_mostly;
static struct kmem_cache *rtm_dest6_cache __read_mostly;

static struct kmem_cache *rtm_dest_cache(const struct rtm_table *t)
{
	return t->addr_len == 4 ? rtm_dest4_cache : rtm_dest6_cache;
}

/* A dest's memory, from its cache: its route slot, then the dest */
static void *rtm_dest_mem(struct rtm_dest *d)
{
	return rtm_dest_slot(d);
}

static struct rtm_dest *rtm_dest_in(void *mem)
{
	return (struct rtm_dest *)((struct rtm_route *)mem + 1);
}

/*
 * The memory a dest of the table takes, as its cache hands it out, its
 * route slot included.
 */
size_t rtm_dest_size(const struct rtm_table *t)
{
	return kmem_cache_size(rtm_dest_cache(t));
}
EXPORT_SYMBOL_IF_KUNIT(rtm_dest_size);

/* FILETIME: 100 ns ticks since 1601-01-01 UTC. */
u64 rtm_filetime_now(void)
{
	return div_u64(ktime_get_real_ns(), 100) + 116444736000000000ULL;
}

void rtm_dest_touch(struct rtm_dest *d)
{
	rtm_dest_touch_at(d, rtm_filetime_now());
}

/**
 * rtm_dest_key - the trie key of an address given by a client
 * @t: the table
 * @a: the address; its family must be the table's
 * @key: t->addr_len bytes, masked to the prefix length
 *
 * Return: 0, or -EINVAL.
 */
int rtm_dest_key(const struct rtm_table *t, const struct rtm_net_address *a,
		 u8 *key)
{
	unsigned int bits = a->num_bits;
	__be64 w[2];
	__be32 w4;
	u64 hi, lo;

	if (a->family != t->family || bits > t->addr_len * 8)
		return -EINVAL;
	/*
	 * Masked a word at a time (a shift by a word's width is undefined);
	 * the copies are single moves.
	 */
	if (t->addr_len == 4) {
		memcpy(&w4, a->addr, 4);
		w4 = bits ? w4 & cpu_to_be32(~0U << (32 - bits)) : 0;
		memcpy(key, &w4, 4);
		return 0;
	}
	memcpy(w, a->addr, 16);
	hi = be64_to_cpu(w[0]);
	lo = be64_to_cpu(w[1]);
	if (bits <= 64) {
		hi = bits ? hi & (~0ULL << (64 - bits)) : 0;
		lo = 0;
	} else {
		lo &= ~0ULL << (128 - bits);
	}
	w[0] = cpu_to_be64(hi);
	w[1] = cpu_to_be64(lo);
	memcpy(key, w, 16);
	return 0;
}
RTM_EXPORT_INTERNAL(rtm_dest_key);

void rtm_dest_get(struct rtm_dest *d)
{
	refcount_inc(&d->obj.ref);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_dest_get);

bool rtm_dest_get_unless_zero(struct rtm_dest *d)
{
	return refcount_inc_not_zero(&d->obj.ref);
}

struct rtm_dest_ext *rtm_dest_ext(struct rtm_dest *d)
{
	if (!(READ_ONCE(d->obj.flags) & RTM_DEST_EXT))
		return NULL;
	return xa_load(&d->table->dest_ext, d->obj.id);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_dest_ext);

static void rtm_dest_release(struct rtm_dest *d)
{
	struct rtm_table *t = d->table;
	struct rtm_dest_ext *ext;

	lockdep_assert_held(&t->lock);
	WARN_ON(rcu_access_pointer(d->routes));
	WARN_ON(rtm_lpm_remove(&t->dests, d->addr, rtm_dest_plen(d)) != d);
	ext = rtm_dest_ext(d);
	if (ext) {
		xa_erase(&t->dest_ext, d->obj.id);
		kfree(ext->opaque);
		kfree_rcu(ext, rcu);
	}
	rtm_obj_unpublish(t->rn, &d->obj);
	t->ndests--;
	rtm_gc_free(rtm_dest_cache(t), rtm_dest_mem(d));
}

void rtm_dest_put_locked(struct rtm_dest *d)
{
	lockdep_assert_held(&d->table->lock);
	if (refcount_dec_and_test(&d->obj.ref))
		rtm_dest_release(d);
}

void rtm_dest_put(struct rtm_dest *d)
{
	struct rtm_table *t = d->table;

	if (refcount_dec_and_mutex_lock(&d->obj.ref, &t->lock)) {
		rtm_dest_release(d);
		mutex_unlock(&t->lock);
	}
}
EXPORT_SYMBOL_IF_KUNIT(rtm_dest_put);

/* A stock of the table's dests, for a chunk of a bulk add. */
void rtm_dest_stock_init(struct rtm_stock *s, const struct rtm_table *t)
{
	rtm_stock_init(s, rtm_dest_cache(t));
}

/**
 * rtm_dest_find_or_create - the dest of a prefix, made if need be
 * @t: the table; its lock is held
 * @a: the prefix
 * @c: the chunk of a bulk add the dest is for, which gives it its memory
 *	and time, or NULL
 *
 * Return: the dest with a reference taken, or an ERR_PTR.
 */
struct rtm_dest *rtm_dest_find_or_create(struct rtm_table *t,
					 const struct rtm_net_address *a,
					 struct rtm_chunk *c)
{
	u8 key[RTM_LPM_MAX_KEYLEN];
	struct rtm_lpm_spot spot;
	struct rtm_dest *d;
	void *mem;
	int err;

	lockdep_assert_held(&t->lock);
	err = rtm_dest_key(t, a, key);
	if (err)
		return ERR_PTR(err);

	/* One descent: where the dest is, or where it goes. */
	d = rtm_lpm_find(&t->dests, key, a->num_bits, &spot);
	if (d) {
		/* Under the lock a dest in the trie has references. */
		rtm_dest_get(d);
		return d;
	}

	mem = c ? rtm_stock_alloc(&c->dests, c->left) :
		  kmem_cache_alloc(rtm_dest_cache(t), RTM_GFP);
	if (!mem)
		return ERR_PTR(-ENOMEM);
	d = rtm_dest_in(mem);
	rtm_obj_init(&d->obj, RTM_OBJ_DEST);
	d->obj.state = a->num_bits;
	d->table = t;
	RCU_INIT_POINTER(d->routes, NULL);
	d->changed = c ? c->now : rtm_filetime_now();
	d->pending = 0;
	memcpy(d->addr, key, t->addr_len);

	err = rtm_lpm_insert_at(&t->dests, &spot, d);
	if (err) {
		if (c)
			rtm_stock_free(&c->dests, mem);
		else
			kmem_cache_free(rtm_dest_cache(t), mem);
		return ERR_PTR(err);
	}
	t->ndests++;
	return d;
}

/* The views a dest has live routes in. */
static u32 rtm_dest_views(struct rtm_dest *d)
{
	struct rtm_route *r;
	u32 views = 0;

	for (r = rcu_dereference_check(d->routes, lockdep_is_held(&d->table->lock));
	     r; r = rcu_dereference_check(r->next,
					 lockdep_is_held(&d->table->lock)))
		views |= rcu_dereference_check(r->attr,
				lockdep_is_held(&d->table->lock))->views;
	return views;
}

static bool rtm_dest_held_down(struct rtm_dest *d)
{
	struct rtm_dest_ext *ext = rtm_dest_ext(d);
	int v;

	if (!ext)
		return false;
	for (v = 0; v < RTM_NUM_VIEWS; v++)
		if (READ_ONCE(ext->hold[v]))
			return true;
	return false;
}

/*
 * Whether queries in @views see a dest whose live routes are in views @in:
 * it has a route in one of them or, for RTM_VIEW_MASK_ANY, in any view or
 * in hold-down.
 */
static bool rtm_dest_shows(struct rtm_dest *d, u32 in, u32 views)
{
	if (views)
		return in & views;
	return in || rtm_dest_held_down(d);
}

/* Whether queries in @views see the dest. */
bool rtm_dest_visible(struct rtm_dest *d, u32 views)
{
	return rtm_dest_shows(d, rtm_dest_views(d), views);
}

/* Whether the prefix (@key, @plen) lies inside (@pkey, @pplen). */
bool rtm_dest_covers(const struct rtm_table *t, const u8 *key, u8 plen,
		     const u8 *pkey, u8 pplen)
{
	unsigned int full = pplen / 8, rest = pplen % 8;

	if (plen < pplen || memcmp(key, pkey, full))
		return false;
	return !rest || !((key[full] ^ pkey[full]) & (u8)(0xff00 >> rest));
}

/* rtm_lpm_longest() filter: @arg points to the views (u32) to look in. */
bool rtm_dest_accept(void *value, void *arg)
{
	return rtm_dest_visible(value, *(u32 *)arg);
}

/**
 * rtm_dest_longest - longest-prefix match among the dests visible in views
 * @t: the table
 * @key: the address, t->addr_len bytes
 * @maxlen: longest prefix length considered
 * @views: RTM_VIEW_MASK_*
 *
 * Return: the dest with a reference taken, or NULL.
 */
struct rtm_dest *rtm_dest_longest(struct rtm_table *t, const u8 *key, u8 maxlen,
				  u32 views)
{
	struct rtm_dest *d;

	rcu_read_lock();
	d = rtm_lpm_longest(&t->dests, key, maxlen, rtm_dest_accept, &views);
	if (d && !rtm_dest_get_unless_zero(d))
		d = NULL;
	rcu_read_unlock();
	return d;
}

/**
 * rtm_dest_lookup - the dest a handle names, in the caller's table
 * @reg: the caller's registration
 * @self: the caller's entity
 * @handle: the handle
 *
 * Return: the dest with a reference taken, or ERR_PTR(-EBADF).
 */
struct rtm_dest *rtm_dest_lookup(struct rtm_reg *reg, struct rtm_entity *self,
				 u64 handle)
{
	struct rtm_obj *obj;

	obj = rtm_obj_lookup(reg->rn, handle, RTM_KIND_DEST);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	if (rtm_dest_of(obj)->table != self->table) {
		rtm_dest_put(rtm_dest_of(obj));
		return ERR_PTR(-EBADF);
	}
	return rtm_dest_of(obj);
}

static struct rtm_route *rtm_route_get_rcu(struct rtm_route *r)
{
	return r && refcount_inc_not_zero(&r->obj.ref) ? r : NULL;
}

/*
 * The walk of a snapshot, under RCU: one walk of the routes gives the
 * views, the counts and the best routes, so that they agree with each
 * other whatever changes meanwhile.  Nothing is pinned yet.
 */
static void rtm_dest_snap_scan(struct rtm_dest *d, u32 views, u32 proto,
			       struct rtm_dest_snap *s)
{
	struct rtm_attr *best[RTM_NUM_VIEWS] = {};
	struct rtm_route *r;
	unsigned int i;
	struct rtm_attr *a;
	int v;

	memset(s, 0, sizeof(*s));
	s->dest = d;
	for (v = 0; v < RTM_NUM_VIEWS; v++)
		if (views & BIT(v))
			s->v[s->nviews++].view_id = v;

	s->changed = READ_ONCE(d->changed);
	for (r = rcu_dereference(d->routes); r; r = rcu_dereference(r->next)) {
		a = rcu_dereference(r->attr);
		s->belongs |= a->views;
		for (i = 0; i < s->nviews; i++) {
			if (!(a->views & BIT(s->v[i].view_id)))
				continue;
			s->v[i].num_routes++;
			if (proto && r->owner->info.protocol_id != proto)
				continue;
			if (!best[i] || rtm_attr_better(a, best[i])) {
				s->v[i].route = r;
				s->v[i].flags = a->flags;
				best[i] = a;
			}
		}
	}
}

/* Pin a scanned snapshot's routes, under RCU. */
static void rtm_dest_snap_pin(struct rtm_dest_snap *s)
{
	struct rtm_dest_ext *ext = rtm_dest_ext(s->dest);
	unsigned int i;

	for (i = 0; i < s->nviews; i++) {
		s->v[i].route = rtm_route_get_rcu(s->v[i].route);
		if (s->v[i].route)
			/* The route holds its owner: not the first reference. */
			rtm_obj_get(&s->v[i].route->owner->obj);
		else
			s->v[i].flags = 0;
		if (ext)
			s->v[i].hold = rtm_route_get_rcu(READ_ONCE(
					ext->hold[s->v[i].view_id]));
	}
}

/**
 * rtm_dest_snap_take - pin what a dest info will report about a dest
 * @d: the dest; the caller holds a reference
 * @views: views to report, RTM_VIEW_MASK_*
 * @proto: protocol whose best route to report, 0 for any
 * @s: filled in, with references to the routes and the best routes'
 *	owners; release with rtm_dest_snap_drop()
 */
void rtm_dest_snap_take(struct rtm_dest *d, u32 views, u32 proto,
			struct rtm_dest_snap *s)
{
	rcu_read_lock();
	rtm_dest_snap_scan(d, views, proto, s);
	rtm_dest_snap_pin(s);
	rcu_read_unlock();
}

/**
 * rtm_dest_snap_try - a snapshot of a dest a walk found, if it is visible
 * @d: the dest, found under RCU (which the caller holds); not referenced
 * @views: views to report and to be visible in (rtm_dest_visible())
 * @proto: protocol whose best route to report, 0 for any
 * @s: filled in as by rtm_dest_snap_take(), and with a reference to @d
 *
 * Return: true, or false with nothing taken if @d is not visible in
 * @views or is going.
 */
bool rtm_dest_snap_try(struct rtm_dest *d, u32 views, u32 proto,
		       struct rtm_dest_snap *s)
{
	rtm_dest_snap_scan(d, views, proto, s);
	if (!rtm_dest_shows(d, s->belongs, views) ||
	    !rtm_dest_get_unless_zero(d))
		return false;
	rtm_dest_snap_pin(s);
	return true;
}

void rtm_dest_snap_drop(struct rtm_dest_snap *s)
{
	unsigned int i;

	for (i = 0; i < s->nviews; i++) {
		if (s->v[i].route) {
			rtm_obj_put(&s->v[i].route->owner->obj);
			rtm_route_put(s->v[i].route);
		}
		if (s->v[i].hold)
			rtm_route_put(s->v[i].hold);
	}
}

/**
 * rtm_dest_snap_objs - the objects a snapshot's dest info hands out
 * @s: the snapshot
 * @objs: filled in, in handle order (room for RTM_DEST_SNAP_HANDLES): the
 *	dest, then per view its best route and that route's owner, and its
 *	held-down route
 *
 * Return: how many.
 */
unsigned int rtm_dest_snap_objs(const struct rtm_dest_snap *s,
				struct rtm_obj **objs)
{
	unsigned int i, n = 0;

	objs[n++] = &s->dest->obj;
	for (i = 0; i < s->nviews; i++) {
		if (s->v[i].route) {
			objs[n++] = &s->v[i].route->obj;
			objs[n++] = &s->v[i].route->owner->obj;
		}
		if (s->v[i].hold)
			objs[n++] = &s->v[i].hold->obj;
	}
	return n;
}

/**
 * rtm_dest_snap_write - turn a snapshot into a dest info
 * @s: the snapshot
 * @handles: the handles of rtm_dest_snap_objs()' objects, in its order
 * @info: filled in, with room for @s->nviews view records
 *
 * Return: how many of @handles it used.
 */
unsigned int rtm_dest_snap_write(const struct rtm_dest_snap *s,
				 const u64 *handles, struct rtm_dest_info *info)
{
	unsigned int i, n = 0;

	memset(info, 0, RTM_DEST_INFO_SIZE(s->nviews));
	info->handle = handles[n++];
	info->address.family = s->dest->table->family;
	info->address.num_bits = rtm_dest_plen(s->dest);
	memcpy(info->address.addr, s->dest->addr, s->dest->table->addr_len);
	info->last_changed[0] = lower_32_bits(s->changed);
	info->last_changed[1] = upper_32_bits(s->changed);
	info->belongs_to_views = s->belongs;
	info->number_of_views = s->nviews;
	for (i = 0; i < s->nviews; i++) {
		struct rtm_dest_view *v = &info->views[i];

		v->view_id = s->v[i].view_id;
		v->num_routes = s->v[i].num_routes;
		if (s->v[i].route) {
			v->route = handles[n++];
			v->owner = handles[n++];
			v->dest_flags = s->v[i].flags;
		}
		if (s->v[i].hold)
			v->hold_route = handles[n++];
	}
	return n;
}

/**
 * rtm_dest_snap_fill - turn a snapshot into a dest info with handles
 * @reg: the registration receiving the handles
 * @s: the snapshot
 * @info: filled in, with room for @s->nviews view records
 * @held: the handles taken are appended here (room for RTM_DEST_SNAP_HANDLES)
 * @nheld: count in @held, updated
 * @dest_class: the class of the dest handle's reference
 *
 * Return: 0, or a negative errno with nothing more held.
 */
int rtm_dest_snap_fill(struct rtm_reg *reg, struct rtm_dest_snap *s,
		       struct rtm_dest_info *info, u64 *held,
		       unsigned int *nheld, enum rtm_hold_class dest_class)
{
	struct rtm_obj *objs[RTM_DEST_SNAP_HANDLES];
	u64 *handles = held + *nheld;
	unsigned int n;
	int err;

	n = rtm_dest_snap_objs(s, objs);
	err = rtm_hold_class(reg, objs[0], dest_class, &handles[0]);
	if (err)
		return err;
	err = rtm_hold_many(reg, objs + 1, n - 1, handles + 1);
	if (err) {
		rtm_holds_release_class(reg, handles, 1, RTM_KIND_DEST,
					dest_class == RTM_HOLD_CHANGED);
		return err;
	}
	*nheld += n;
	rtm_dest_snap_write(s, handles, info);
	return 0;
}

/**
 * rtm_dest_info_copy - write a dest info for a dest to userspace
 * @reg: the caller's registration, which gets the handles
 * @d: the dest; the caller holds a reference
 * @views: views to report, RTM_VIEW_MASK_*
 * @proto: protocol whose best route to report, 0 for any
 * @uinfo: where to write RTM_DEST_INFO_SIZE(popcount(@views)) bytes
 *
 * Return: 0 or a negative errno; on error no handle is held.
 */
int rtm_dest_info_copy(struct rtm_reg *reg, struct rtm_dest *d, u32 views,
		       u32 proto, struct rtm_dest_info __user *uinfo)
{
	struct {
		struct rtm_dest_info info;
		struct rtm_dest_view views[RTM_NUM_VIEWS];
	} out;
	u64 held[RTM_DEST_SNAP_HANDLES];
	unsigned int nheld = 0;
	struct rtm_dest_snap s;
	int err;

	rtm_dest_snap_take(d, views, proto, &s);
	err = rtm_dest_snap_fill(reg, &s, &out.info, held, &nheld,
				 RTM_HOLD_NORMAL);
	rtm_dest_snap_drop(&s);
	if (err)
		return err;
	if (copy_to_user(uinfo, &out, RTM_DEST_INFO_SIZE(out.info.number_of_views))) {
		rtm_holds_release(reg, held, nheld, RTM_KIND_ALL);
		return -EFAULT;
	}
	return 0;
}

static struct rtm_dest *rtm_dest_exact(struct rtm_table *t, const u8 *key,
				       u8 plen, u32 views)
{
	struct rtm_dest *d;

	rcu_read_lock();
	d = rtm_lpm_exact(&t->dests, key, plen);
	if (d && (!rtm_dest_visible(d, views) || !rtm_dest_get_unless_zero(d)))
		d = NULL;
	rcu_read_unlock();
	return d;
}

static struct rtm_dest *rtm_dest_find(struct rtm_reg *reg,
				      struct rtm_entity *self,
				      struct rtm_get_dest *arg)
{
	struct rtm_table *t = self->table;
	u8 key[RTM_LPM_MAX_KEYLEN];
	struct rtm_dest *d, *from;
	int err;

	switch (arg->match) {
	case RTM_DEST_BY_HANDLE:
		return rtm_dest_lookup(reg, self, arg->handle);
	case RTM_DEST_EXACT:
	case RTM_DEST_LONGEST:
		err = rtm_dest_key(t, &arg->address, key);
		if (err)
			return ERR_PTR(err);
		if (arg->match == RTM_DEST_EXACT)
			d = rtm_dest_exact(t, key, arg->address.num_bits,
					   arg->views);
		else
			d = rtm_dest_longest(t, key, arg->address.num_bits,
					     arg->views);
		return d ?: ERR_PTR(-ENOENT);
	case RTM_DEST_LESS_SPECIFIC:
		from = rtm_dest_lookup(reg, self, arg->handle);
		if (IS_ERR(from))
			return from;
		d = NULL;
		if (rtm_dest_plen(from))
			d = rtm_dest_longest(t, from->addr,
					     rtm_dest_plen(from) - 1,
					     arg->views);
		rtm_dest_put(from);
		return d ?: ERR_PTR(-ENOENT);
	}
	return ERR_PTR(-EINVAL);
}

/* RTM_IOC_GET_DEST */
int rtm_dest_get_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_get_dest *arg = data;
	struct rtm_entity *self;
	struct rtm_dest *d;
	u32 proto;
	int err;

	if (arg->reserved)
		return -EINVAL;
	if (arg->views & ~RTM_VIEWS_SUPPORTED)
		return -EOPNOTSUPP;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;

	proto = arg->protocol_id == RTM_PROTOCOL_THIS ?
		self->info.protocol_id : arg->protocol_id;
	d = rtm_dest_find(reg, self, arg);
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto out;
	}
	err = rtm_dest_info_copy(reg, d, arg->views, proto,
				 u64_to_user_ptr(arg->info));
	rtm_dest_put(d);
out:
	rtm_obj_put(&self->obj);
	return err;
}

static void rtm_dest_hold_work(struct work_struct *work);

/**
 * rtm_dest_ext_get - a dest's extension, made if need be
 * @d: the dest; the table lock is held
 *
 * Return: the extension, or an ERR_PTR.
 */
struct rtm_dest_ext *rtm_dest_ext_get(struct rtm_dest *d)
{
	struct rtm_table *t = d->table;
	struct rtm_dest_ext *ext;
	int err;

	lockdep_assert_held(&t->lock);
	ext = rtm_dest_ext(d);
	if (ext)
		return ext;

	err = rtm_obj_publish(t->rn, &d->obj);
	if (err)
		return ERR_PTR(err);
	ext = kzalloc(sizeof(*ext), RTM_GFP);
	if (!ext)
		return ERR_PTR(-ENOMEM);
	ext->dest = d;
	INIT_DELAYED_WORK(&ext->hold_work, rtm_dest_hold_work);
	err = xa_err(xa_store(&t->dest_ext, d->obj.id, ext, RTM_GFP));
	if (err) {
		kfree(ext);
		return ERR_PTR(err);
	}
	WRITE_ONCE(d->obj.flags, d->obj.flags | RTM_DEST_EXT);
	return ext;
}

static bool rtm_dest_holding(const struct rtm_dest_ext *ext)
{
	int v;

	for (v = 0; v < RTM_NUM_VIEWS; v++)
		if (ext->hold[v])
			return true;
	return false;
}

/*
 * Keep @r, or no route, in hold-down in view @v; the table lock is held.
 * A route in hold-down still counts against its owner's routes.
 */
static void rtm_dest_hold_set(struct rtm_dest_ext *ext, int v,
			      struct rtm_route *r)
{
	struct rtm_route *old = ext->hold[v];

	if (r) {
		rtm_obj_get(&r->obj);
		r->owner->nheld++;
	}
	WRITE_ONCE(ext->hold[v], r);
	if (old) {
		old->owner->nheld--;
		rtm_route_put_locked(old);
	}
}

/* End a hold-down: its routes and its reference on the dest go. */
static void rtm_dest_hold_end(struct rtm_dest_ext *ext)
{
	struct rtm_dest *d = ext->dest;
	struct rtm_best before;
	u32 views = 0;
	int v;

	lockdep_assert_held(&d->table->lock);
	if (!rtm_dest_holding(ext))
		return;
	rtm_best_save(d, &before);
	for (v = 0; v < RTM_NUM_VIEWS; v++) {
		if (!ext->hold[v])
			continue;
		rtm_dest_hold_set(ext, v, NULL);
		views |= BIT(v);
	}
	/*
	 * The longest time asked was for these routes: with no view marked
	 * any more, the next hold-down takes the times asked for it.
	 */
	if (!ext->hold_views)
		ext->hold_ms = 0;
	rtm_dest_touch(d);
	rtm_notify_change(d, &before, views);
	rtm_dest_put_locked(d);
}

/*
 * (Re)arm the end of the hold-down at @hold_until; the table lock is held.
 * Each queued run of the work holds the dest, and so its extension, until
 * it has run: a run that waits for the lock while the hold-down is ended
 * and started again, or moved, finds them still there and the time not
 * come.
 */
static void rtm_dest_hold_arm(struct rtm_dest_ext *ext)
{
	long delay = (long)(ext->hold_until - jiffies);

	if (!mod_delayed_work(rtm_wq, &ext->hold_work, max(delay, 0L)))
		rtm_dest_get(ext->dest);
}

static void rtm_dest_hold_work(struct work_struct *work)
{
	struct rtm_dest_ext *ext = container_of(to_delayed_work(work),
						struct rtm_dest_ext, hold_work);
	struct rtm_dest *d = ext->dest;
	struct rtm_table *t = d->table;

	mutex_lock(&t->lock);
	/* A hold-down started again while this waited is not over yet. */
	if (!time_before(jiffies, ext->hold_until))
		rtm_dest_hold_end(ext);
	/* This run's reference; the dest and @ext may go with it. */
	rtm_dest_put_locked(d);
	mutex_unlock(&t->lock);
}

/**
 * rtm_dest_hold_route - keep the last route of held views in hold-down
 * @d: the dest; the table lock is held
 * @r: the route just deleted
 * @views: views in which it was the last route
 *
 * Views marked with RtmHoldDestination keep @r as their HoldRoute until the
 * longest hold time asked for runs out; the mark is used up.
 */
void rtm_dest_hold_route(struct rtm_dest *d, struct rtm_route *r, u32 views)
{
	struct rtm_dest_ext *ext = rtm_dest_ext(d);
	int v;

	lockdep_assert_held(&d->table->lock);
	if (!ext)
		return;
	views &= ext->hold_views;
	if (!views)
		return;

	if (!rtm_dest_holding(ext))
		rtm_dest_get(d);
	for (v = 0; v < RTM_NUM_VIEWS; v++)
		if (views & BIT(v))
			rtm_dest_hold_set(ext, v, r);
	ext->hold_views &= ~views;
	/* One time for every view: the ones held before wait as long. */
	ext->hold_start = jiffies;
	ext->hold_until = ext->hold_start + msecs_to_jiffies(ext->hold_ms);
	rtm_dest_hold_arm(ext);
}

/* RtmHoldDestination (RTM_IOC_HOLD_DEST) */
int rtm_dest_hold_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_hold_dest *arg = data;
	struct rtm_dest_ext *ext;
	struct rtm_entity *self;
	struct rtm_dest *d;
	int err = 0;

	if (arg->reserved || !arg->hold_time || !arg->views)
		return -EINVAL;
	if (arg->views & ~RTM_VIEWS_SUPPORTED)
		return -EOPNOTSUPP;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	d = rtm_dest_lookup(reg, self, arg->handle);
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto out;
	}

	mutex_lock(&d->table->lock);
	ext = rtm_dest_ext_get(d);
	if (IS_ERR(ext)) {
		err = PTR_ERR(ext);
	} else {
		ext->hold_views |= arg->views;
		/*
		 * All routes in hold-down are held, in all views, for the
		 * longest time asked: a longer time asked while some are
		 * held makes their hold-down longer too.
		 */
		if (arg->hold_time > ext->hold_ms) {
			ext->hold_ms = arg->hold_time;
			if (rtm_dest_holding(ext)) {
				ext->hold_until = ext->hold_start +
					msecs_to_jiffies(ext->hold_ms);
				rtm_dest_hold_arm(ext);
			}
		}
	}
	rtm_dest_put_locked(d);
	mutex_unlock(&self->table->lock);
out:
	rtm_obj_put(&self->obj);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_dest_hold_ioctl);

/**
 * rtm_dests_flush_holds - end every hold-down of a table now
 * @t: the table, which no registration uses any more
 */
void rtm_dests_flush_holds(struct rtm_table *t)
{
	struct rtm_dest_ext *ext;
	unsigned long id;

	mutex_lock(&t->lock);
	xa_for_each(&t->dest_ext, id, ext) {
		struct rtm_dest *d = ext->dest;
		bool queued = cancel_delayed_work(&ext->hold_work);

		/* Either may free @ext: it is not looked at after them. */
		rtm_dest_hold_end(ext);
		if (queued)
			rtm_dest_put_locked(d);
	}
	mutex_unlock(&t->lock);
	/* Runs that had begun hold their dest and find it ended; wait. */
	flush_workqueue(rtm_wq);
}

int rtm_dests_init(void)
{
	size_t size = sizeof(struct rtm_route) + offsetof(struct rtm_dest, addr);

	rtm_dest4_cache = kmem_cache_create("rtm_dest4", size + 4, 0,
					    SLAB_ACCOUNT, NULL);
	rtm_dest6_cache = kmem_cache_create("rtm_dest6", size + 16, 0,
					    SLAB_ACCOUNT, NULL);
	if (!rtm_dest4_cache || !rtm_dest6_cache) {
		rtm_dests_exit();
		return -ENOMEM;
	}
	return 0;
}

void rtm_dests_exit(void)
{
	kmem_cache_destroy(rtm_dest4_cache);
	kmem_cache_destroy(rtm_dest6_cache);
}
