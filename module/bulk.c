// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: batched calls for bulk use (a full table loaded or withdrawn, many
 * forwarding lookups), beside the one-by-one RTMv2 calls.
 *
 * Entries are copied in chunks; a chunk of changes is applied under one
 * hold of the table lock, and a chunk of lookups under one RCU read-side
 * section, so a batch costs one system call and few lock round trips.
 */

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/overflow.h>

#include "rtm.h"

#define RTM_BULK_CHUNK	256
/*
 * Lookups go in smaller chunks: their buffer then comes from the slab's
 * per-CPU caches, not the page allocator, and lookups on several CPUs do not
 * meet there.
 */
#define RTM_LOOKUP_CHUNK	RTM_LPM_BATCH
/*
 * A dump's chunks: the dests one RCU read-side section looks at, and the
 * entries one copy to userspace takes.  Each chunk seeks the trie afresh.
 */
#define RTM_DUMP_CHUNK		1024
/* The dests a chunk reads at once (rtm_dump_chunk()), on the stack */
#define RTM_DUMP_STAGE		16

struct rtm_bulk {
	struct rtm_reg *reg;
	struct rtm_entity *self;
	struct rtm_table *t;
	struct rtm_nexthop **nh;	/* the batch's next hops, held */
	u32 nnh;
	u32 pref0;			/* the preference entries with 0 get */
	struct rtm_chunk *chunk;	/* adds: what a chunk's routes share */
	/* adds: the attributes last used in the chunk (held), and by whom */
	struct rtm_attr *attr;
	const struct rtm_route_entry *attr_ent;
	/*
	 * adds: the request, set up once; each entry fills in its dest, its
	 * entity-specific info and its attributes, and clears the flags,
	 * which are both input and output
	 */
	struct rtm_route_req req;
};

static void rtm_bulk_put_nexthops(struct rtm_bulk *b)
{
	u32 i;

	for (i = 0; i < b->nnh; i++)
		rtm_nexthop_put(b->nh[i]);
	kvfree(b->nh);
}

/* Resolve the batch's next hop handles: next hops of the caller. */
static int rtm_bulk_get_nexthops(struct rtm_bulk *b, u64 uptr, u32 count)
{
	u64 *handles;
	int err = 0;

	b->nh = NULL;
	b->nnh = 0;
	if (!count)
		return 0;
	if (count > RTM_MAX_BATCH)
		return -EINVAL;
	handles = rtm_memdup_user(uptr, count, sizeof(*handles));
	if (IS_ERR(handles))
		return PTR_ERR(handles);
	b->nh = kvmalloc_array(count, sizeof(*b->nh), RTM_GFP);
	if (!b->nh) {
		err = -ENOMEM;
		goto out;
	}
	for (; b->nnh < count; b->nnh++) {
		struct rtm_nexthop *nh;

		nh = rtm_nexthop_lookup(b->reg, b->self, handles[b->nnh]);
		if (IS_ERR(nh)) {
			err = PTR_ERR(nh);
			break;
		}
		b->nh[b->nnh] = nh;
		/* Whether they are live is checked under the table lock. */
		if (nh->owner != b->self) {
			b->nnh++;
			err = -EINVAL;
			break;
		}
	}
	if (err)
		rtm_bulk_put_nexthops(b);
out:
	kvfree(handles);
	return err;
}

/* Whether the batch's next hops are all live; the table lock is held. */
static bool rtm_bulk_nexthops_live(const struct rtm_bulk *b)
{
	u32 i;

	for (i = 0; i < b->nnh; i++)
		if (b->nh[i]->obj.state != RTM_NEXTHOP_STATE_CREATED)
			return false;
	return true;
}

/* Build the attribute template of one entry. */
static int rtm_bulk_tmpl(struct rtm_bulk *b, const struct rtm_route_entry *e,
			 struct rtm_attr *tmpl)
{
	struct rtm_nexthop *nb = NULL;
	u32 i;

	if (!e->views || e->views & ~RTM_VIEWS_SUPPORTED)
		return -EINVAL;
	if (e->nexthop_count > rtm_max_nexthops_in_route ||
	    e->nexthop_first > b->nnh ||
	    e->nexthop_count > b->nnh - e->nexthop_first)
		return -EINVAL;
	if (e->neighbour) {
		/* The neighbour must be one of the batch's next hops. */
		for (i = 0; i < b->nnh; i++)
			if (rtm_handle_of(&b->nh[i]->obj) == e->neighbour)
				nb = b->nh[i];
		if (!nb)
			return -EINVAL;
	}
	tmpl->metric = e->metric;
	tmpl->pref = e->preference ?: b->pref0;
	tmpl->views = e->views;
	tmpl->flags = e->flags;
	tmpl->flags1 = 0;
	tmpl->neighbour = nb;
	tmpl->nnh = e->nexthop_count;
	for (i = 0; i < e->nexthop_count; i++)
		tmpl->nh[i] = b->nh[e->nexthop_first + i];
	return 0;
}

/* Whether two entries give their routes the same attributes. */
static bool rtm_bulk_same_attr(const struct rtm_route_entry *x,
			       const struct rtm_route_entry *y)
{
	return x->flags == y->flags && x->nexthop_count == y->nexthop_count &&
	       x->nexthop_first == y->nexthop_first &&
	       x->metric == y->metric && x->preference == y->preference &&
	       x->views == y->views && x->neighbour == y->neighbour;
}

static int rtm_bulk_add_one(struct rtm_bulk *b, const struct rtm_route_entry *e)
{
	/*
	 * Filled by rtm_bulk_tmpl() in every field an attribute is hashed and
	 * compared by, before use, and used by few entries: not worth zeroing
	 * (CONFIG_INIT_STACK_ALL_ZERO) for each.
	 */
	struct {
		struct rtm_attr a;
		struct rtm_nexthop *nh[RTM_MAX_NEXTHOPS];
	} tmpl __uninitialized;
	int err;

	/*
	 * Loads mostly repeat one set of attributes: an entry that asks for
	 * the previous one's needs no template, and one whose template is the
	 * last one's no hash.
	 */
	if (b->attr && rtm_bulk_same_attr(e, b->attr_ent))
		goto apply;
	err = rtm_bulk_tmpl(b, e, &tmpl.a);
	if (err)
		return err;
	if (!b->attr || !rtm_attr_equal(b->attr, &tmpl.a)) {
		struct rtm_attr *a = rtm_attr_get(b->t, &tmpl.a);

		if (IS_ERR(a))
			return PTR_ERR(a);
		if (b->attr)
			rtm_attr_put_locked(b->t, b->attr);
		b->attr = a;
	}
	b->attr_ent = e;
apply:
	b->req.dest = e->dest;
	b->req.esi = e->entity_specific_info;
	b->req.attr = b->attr;
	b->req.change_flags = 0;
	return rtm_route_apply(b->self, &b->req);
}

static int rtm_bulk_del_one(struct rtm_bulk *b, const struct rtm_route_entry *e)
{
	u8 key[RTM_LPM_MAX_KEYLEN];
	struct rtm_route *r;
	struct rtm_dest *d;
	u32 flags;
	int err;

	err = rtm_dest_key(b->t, &e->dest, key);
	if (err)
		return err;
	d = rtm_lpm_exact(&b->t->dests, key, e->dest.num_bits);
	if (!d)
		return -ENOENT;
	for (r = rcu_dereference_protected(d->routes, lockdep_is_held(&b->t->lock));
	     r; r = rcu_dereference_protected(r->next,
					      lockdep_is_held(&b->t->lock))) {
		struct rtm_attr *a = rcu_dereference_protected(r->attr,
					lockdep_is_held(&b->t->lock));

		if (r->owner != b->self)
			continue;
		if ((a->neighbour ? rtm_handle_of(&a->neighbour->obj) : 0) !=
		    e->neighbour)
			continue;
		rtm_obj_get(&r->obj);
		err = rtm_route_delete_locked(r, &flags);
		rtm_route_put_locked(r);
		return err;
	}
	return -ENOENT;
}

static int rtm_bulk_routes(struct rtm_reg *reg, struct rtm_bulk_routes *arg,
			   bool add)
{
	struct rtm_route_entry __user *uent = u64_to_user_ptr(arg->entries);
	struct rtm_route_entry *ent;
	struct rtm_bulk b = { .reg = reg };
	u32 i, n;
	int err;

	if (arg->flags || arg->reserved)
		return -EINVAL;
	arg->done = 0;
	if (!arg->count || arg->count > RTM_MAX_BATCH)
		return -EINVAL;
	if (!add && (arg->nexthops || arg->nexthop_count))
		return -EINVAL;
	b.self = rtm_reg_entity(reg);
	if (!b.self)
		return -EBADF;
	b.t = b.self->table;
	/* One look at the defaults for the whole batch. */
	b.pref0 = rtm_pref_default(reg->rn, b.self->info.protocol_id);

	err = -ENOMEM;
	ent = kvmalloc_array(RTM_BULK_CHUNK, sizeof(*ent), RTM_GFP);
	if (!ent)
		goto out;
	if (add) {
		b.chunk = kvmalloc(sizeof(*b.chunk), RTM_GFP);
		if (!b.chunk)
			goto out_free;
		rtm_dest_stock_init(&b.chunk->dests, b.t);
		rtm_route_stock_init(&b.chunk->routes);
		b.req.ttl = U32_MAX;
		b.req.chunk = b.chunk;
		err = rtm_bulk_get_nexthops(&b, arg->nexthops,
					    arg->nexthop_count);
		if (err)
			goto out_free;
	}

	err = 0;
	while (!err && arg->done < arg->count) {
		n = min_t(u32, arg->count - arg->done, RTM_BULK_CHUNK);
		if (copy_from_user(ent, uent + arg->done, n * sizeof(*ent))) {
			err = -EFAULT;
			break;
		}
		mutex_lock(&b.t->lock);
		/*
		 * A batch whose next hops are not all live changes nothing;
		 * one deleted while the batch runs fails the entries that use
		 * it (rtm_route_apply()).
		 */
		i = 0;
		if (!rtm_entity_alive(b.self))
			err = -EBADF;
		else if (add && !arg->done && !rtm_bulk_nexthops_live(&b))
			err = -EINVAL;
		/*
		 * New dests of a chunk go into the trie node by node; its
		 * routes and dests are stamped with one time.
		 */
		if (add) {
			rtm_lpm_batch_begin(&b.t->dests);
			b.chunk->now = rtm_filetime_now();
		}
		while (!err && i < n) {
			if (add) {
				b.chunk->left = n - i;
				err = rtm_bulk_add_one(&b, &ent[i]);
			} else {
				err = rtm_bulk_del_one(&b, &ent[i]);
			}
			if (!err)
				i++;
		}
		if (add) {
			rtm_lpm_batch_end(&b.t->dests);
			/* What the chunk did not use goes back. */
			rtm_stock_drain(&b.chunk->dests);
			rtm_stock_drain(&b.chunk->routes);
		}
		if (b.attr) {
			rtm_attr_put_locked(b.t, b.attr);
			b.attr = NULL;
		}
		mutex_unlock(&b.t->lock);
		arg->done += i;
		if (fatal_signal_pending(current))
			err = err ?: -EINTR;
		/* Others run between chunks, whatever the preemption model. */
		cond_resched();
	}

	/* What was applied stays applied; @done tells how far it got. */
	if (add)
		rtm_bulk_put_nexthops(&b);
out_free:
	kvfree(b.chunk);
	kvfree(ent);
out:
	rtm_obj_put(&b.self->obj);
	return err;
}

/* RTM_IOC_ADD_ROUTES */
int rtm_routes_add_ioctl(struct rtm_reg *reg, void *data)
{
	return rtm_bulk_routes(reg, data, true);
}

/* RTM_IOC_DELETE_ROUTES */
int rtm_routes_delete_ioctl(struct rtm_reg *reg, void *data)
{
	return rtm_bulk_routes(reg, data, false);
}

/*
 * What a forwarding lookup reports of route @r of @d, chosen by @attr: every
 * field, so that nothing is zeroed first.
 */
static __always_inline void
rtm_lookup_fill(struct rtm_lookup_result *res, struct rtm_dest *d,
		struct rtm_route *r, const struct rtm_attr *attr)
{
	const struct rtm_nexthop *nh = attr->nnh ? attr->nh[0] : NULL;

	static_assert(sizeof(*res) ==
		      offsetofend(struct rtm_lookup_result, __pad2));
	res->num_bits = rtm_dest_plen(d);
	res->route_flags = attr->flags;
	res->nexthop_count = attr->nnh;
	res->nexthop_flags = nh ? READ_ONCE(nh->obj.flags) : 0;
	res->metric = attr->metric;
	res->preference = attr->pref;
	res->protocol_id = r->owner->info.protocol_id;
	res->interface_index = nh ? nh->ifindex : 0;
	if (nh)
		res->nexthop = nh->addr;
	else
		memset(&res->nexthop, 0, sizeof(res->nexthop));
	res->__pad2 = 0;
}

/* What a lookup that found nothing reports. */
static void rtm_lookup_none(struct rtm_lookup_result *res)
{
	memset(res, 0, sizeof(*res));
	res->num_bits = 0xffff;
}

/*
 * A chunk of RTM_IOC_LOOKUP: the addresses, their lookups, answers; within
 * the slab's largest kmalloc size.
 */
struct rtm_lookup_chunk {
	struct rtm_net_address addr[RTM_LOOKUP_CHUNK];
	struct rtm_lpm_query query[RTM_LOOKUP_CHUNK];
	struct rtm_lookup_hit hit[RTM_LOOKUP_CHUNK];
	struct rtm_lookup_result res[RTM_LOOKUP_CHUNK];
};
static_assert(sizeof(struct rtm_lookup_chunk) <= KMALLOC_MAX_CACHE_SIZE);

/* The first @n lookups of @c, under RCU. */
static void rtm_lookup_chunk(struct rtm_table *t, u32 view,
			     struct rtm_lookup_chunk *c, u32 n)
{
	struct rtm_lookup_hit *h;
	struct rtm_lpm_query *q;
	u32 i;

	for (i = 0; i < n; i++) {
		q = &c->query[i];
		q->skip = rtm_dest_key(t, &c->addr[i], q->key);
		q->maxlen = c->addr[i].num_bits;
	}
	rtm_lookup_best_many(t, view, c->query, c->hit, n);
	for (i = 0; i < n; i++) {
		h = &c->hit[i];
		if (h->route)
			rtm_lookup_fill(&c->res[i], c->query[i].value, h->route,
					h->attr);
		else
			rtm_lookup_none(&c->res[i]);
	}
}

/* A batch of @count answers from view @view_id, whose mask goes to *@view. */
static int rtm_bulk_view(u32 count, u32 view_id, u32 *view)
{
	if (!count || count > RTM_MAX_BATCH)
		return -EINVAL;
	if (view_id >= RTM_NUM_VIEWS)
		return -EOPNOTSUPP;
	*view = BIT(view_id);
	return 0;
}

/* RTM_IOC_LOOKUP */
int rtm_lookup_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_lookup *arg = data;
	struct rtm_net_address __user *uaddr = u64_to_user_ptr(arg->addresses);
	struct rtm_lookup_result __user *ures = u64_to_user_ptr(arg->results);
	struct rtm_lookup_chunk *c;
	struct rtm_entity *self;
	u32 done, n, view;
	int err = 0;

	if (arg->flags)
		return -EINVAL;
	err = rtm_bulk_view(arg->count, arg->view_id, &view);
	if (err)
		return err;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;

	c = kmalloc(sizeof(*c), RTM_GFP);
	if (!c) {
		err = -ENOMEM;
		goto out;
	}
	for (done = 0; done < arg->count; done += n) {
		n = min_t(u32, arg->count - done, RTM_LOOKUP_CHUNK);
		if (copy_from_user(c->addr, uaddr + done, n * sizeof(c->addr[0]))) {
			err = -EFAULT;
			break;
		}
		rcu_read_lock();
		rtm_lookup_chunk(self->table, view, c, n);
		rcu_read_unlock();
		if (copy_to_user(ures + done, c->res, n * sizeof(c->res[0]))) {
			err = -EFAULT;
			break;
		}
		/* A batch is up to RTM_MAX_BATCH lookups: let others run. */
		cond_resched();
	}
	kfree(c);
out:
	rtm_obj_put(&self->obj);
	return err;
}

/* A dump entry's address: the dest's, zero-padded */
static __always_inline void rtm_dump_addr(struct rtm_net_address *a,
					  const struct rtm_table *t,
					  const struct rtm_dest *d)
{
	a->family = t->family;
	a->num_bits = rtm_dest_plen(d);
	if (t->addr_len == 4) {
		memcpy(a->addr, d->addr, 4);
		memset(a->addr + 4, 0, sizeof(a->addr) - 4);
	} else {
		memcpy(a->addr, d->addr, sizeof(a->addr));
	}
}

/*
 * One chunk of a dump, under RCU: up to @n entries after the cursor in
 * @key/@plen (from the start if !@after), looking at no more than
 * RTM_DUMP_CHUNK dests; the cursor moves to the last one looked at.
 *
 * The walk hands out dests in stages of RTM_DUMP_STAGE, at most one entry
 * each; the stage's first reads of its dests do not depend on each other,
 * so that the processor overlaps their cache misses.
 *
 * Return: the entries written; *@end is set when the walk ended (the cursor
 * is then left as it was).
 */
static u32 rtm_dump_chunk(struct rtm_table *t, u32 view, u8 *key, u8 *plen,
			  bool after, struct rtm_dump_entry *ent, u32 n,
			  bool *end)
{
	/* Written before read: no zeroing (CONFIG_INIT_STACK_ALL_ZERO) */
	struct rtm_dest *stage[RTM_DUMP_STAGE] __uninitialized;
	struct rtm_route *first[RTM_DUMP_STAGE] __uninitialized;
	unsigned int visited = 0, m, i, lim;
	struct rtm_lpm_iter it;
	struct rtm_attr *attr;
	struct rtm_route *r;
	struct rtm_dest *d;
	u32 got = 0;

	rtm_lpm_iter_start(&it, &t->dests, key, *plen, !after);
	while (got < n && visited < RTM_DUMP_CHUNK && !*end) {
		lim = min3(RTM_DUMP_STAGE, n - got, RTM_DUMP_CHUNK - visited);
		for (m = 0; m < lim; m++) {
			stage[m] = rtm_lpm_iter_next(&it);
			if (!stage[m]) {
				*end = true;
				break;
			}
		}
		visited += m;
		for (i = 0; i < m; i++)
			first[i] = rtm_deref(stage[i]->routes, t);
		for (i = 0; i < m; i++) {
			d = stage[i];
			r = first[i] ? rtm_route_best_attr(d, view, 0, &attr) :
				       NULL;
			if (!r)
				continue;
			/* Every field, as rtm_lookup_fill() does */
			static_assert(sizeof(ent[got]) ==
				      offsetofend(struct rtm_dump_entry, best));
			rtm_dump_addr(&ent[got].dest, t, d);
			ent[got].__pad = 0;
			rtm_lookup_fill(&ent[got].best, d, r, attr);
			got++;
		}
	}
	if (visited && !*end) {
		memcpy(key, it.key, t->addr_len);
		*plen = it.plen;
	}
	return got;
}

/* RTM_IOC_DUMP */
int rtm_dump_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_dump *arg = data;
	struct rtm_dump_entry __user *uent = u64_to_user_ptr(arg->entries);
	bool after = arg->flags & RTM_DUMP_CONTINUE, end = false;
	u8 key[RTM_LPM_MAX_KEYLEN] = { 0 };
	struct rtm_dump_entry *ent;
	struct rtm_entity *self;
	u32 done, n, view, room;
	struct rtm_table *t;
	u8 plen = 0;
	int err = 0;

	if (arg->flags & ~RTM_DUMP_CONTINUE || arg->__pad)
		return -EINVAL;
	err = rtm_bulk_view(arg->count, arg->view_id, &view);
	if (err)
		return err;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	t = self->table;
	if (after) {
		err = rtm_dest_key(t, &arg->cursor, key);
		if (err)
			goto out;
		plen = arg->cursor.num_bits;
	}

	ent = kvmalloc_array(RTM_DUMP_CHUNK, sizeof(*ent), RTM_GFP);
	if (!ent) {
		err = -ENOMEM;
		goto out;
	}
	room = arg->count;
	for (done = 0; done < room && !end; done += n) {
		rcu_read_lock();
		n = rtm_dump_chunk(t, view, key, &plen, after, ent,
				   min_t(u32, room - done, RTM_DUMP_CHUNK),
				   &end);
		rcu_read_unlock();
		/* The internal cursor has moved, past dests without entries too. */
		after = true;
		if (copy_to_user(uent + done, ent, n * sizeof(*ent))) {
			err = -EFAULT;
			break;
		}
		if (n)
			arg->cursor = ent[n - 1].dest;
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		cond_resched();
	}
	kvfree(ent);
	if (!err) {
		arg->count = done;
		arg->flags = end ? RTM_DUMP_END : 0;
	}
out:
	rtm_obj_put(&self->obj);
	return err;
}
