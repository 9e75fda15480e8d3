// SPDX-License-Identifier: GPL-2.0
/*
 * One generator per ioctl of uapi/linux/rtm.h (all but RTM_IOC_BENCH_LOOKUP,
 * which is leaving rtm.ko): each fills its structure field by field with
 * values that are mostly right for the call and sometimes not (gen.c),
 * handles from the pool (pool.c) and buffers that may be too small or
 * bad, issues it (call.c) and feeds every handle of the answer back into
 * the pool.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"

/* Room for next hops and views the fuzzer gives, beyond the limits. */
#define FZ_NH		8
#define FZ_VIEWS	2

static int fd_of(struct fz_thread *t)
{
	return fz_slot_fd(t->slot);
}

/*
 * An answer's count must stay within what was asked (a count the kernel
 * makes up would have it write beyond the caller's buffer).
 */
static void check_count(enum fz_op op, int err, uint32_t asked, uint32_t got)
{
	if ((!err || err == -ENOSPC) && got > asked)
		fz_violation("%s: %u entries written into room for %u",
			     fz_op_name(op), got, asked);
}

/* The good memory behind a pointer the generator made, or NULL. */
static void *good_at(uint64_t p, void *good)
{
	return good && p == (uint64_t)(uintptr_t)good ? good : NULL;
}

static void harvest_route_info(struct fz_thread *t,
			       const struct rtm_route_info *ri,
			       unsigned int room)
{
	unsigned int i, n;

	if (!ri)
		return;
	fz_seen(t, FZ_DEST, ri->dest);
	fz_seen(t, FZ_ENTITY, ri->owner);
	fz_seen(t, FZ_NEXTHOP, ri->neighbour);
	n = ri->num_nexthops < room ? ri->num_nexthops : room;
	for (i = 0; i < n; i++)
		fz_seen(t, FZ_NEXTHOP, ri->nexthops[i]);
}

/* A dest info record of at most @len bytes. */
static void harvest_dest_info(struct fz_thread *t,
			      const struct rtm_dest_info *di, size_t len)
{
	unsigned int i;

	if (!di || len < sizeof(*di))
		return;
	fz_seen(t, FZ_DEST, di->handle);
	fz_addr_seen(&di->address);
	for (i = 0; i < di->number_of_views &&
		    RTM_DEST_INFO_SIZE(i + 1) <= len; i++) {
		fz_seen(t, FZ_ROUTE, di->views[i].route);
		fz_seen(t, FZ_ENTITY, di->views[i].owner);
		fz_seen(t, FZ_ROUTE, di->views[i].hold_route);
	}
}

/* Packed dest infos, as enumerations and notifications give them. */
static void harvest_dest_infos(struct fz_thread *t, const void *buf,
			       unsigned int count, size_t len)
{
	const char *p = buf;
	size_t stride;
	unsigned int i;

	if (!buf || len < sizeof(struct rtm_dest_info))
		return;
	stride = RTM_DEST_INFO_SIZE(((const struct rtm_dest_info *)p)
				    ->number_of_views);
	for (i = 0; i < count && (i + 1) * stride <= len; i++)
		harvest_dest_info(t, (const void *)(p + i * stride), stride);
}

/* A route info of @nh next hops for input: the caller's own next hops. */
static struct rtm_route_info *route_info(struct fz_thread *t, unsigned int nh,
					 __u64 *uptr)
{
	struct fz_rng *r = &t->rng;
	struct rtm_route_info *ri;
	unsigned int i;
	void *good;

	*uptr = fz_buf(t, RTM_ROUTE_INFO_SIZE(nh), &good);
	ri = good;
	if (!ri)
		return NULL;
	ri->neighbour = fz_chance(r, 50) ? 0 : fz_own_handle(t, FZ_NEXTHOP);
	ri->flags = fz_chance(r, 70) ? 0 : (uint16_t)fz_rand64(r);
	ri->flags1 = fz_chance(r, 90) ? 0 : (uint8_t)fz_rand64(r);
	ri->metric = fz_small(t);
	ri->preference = fz_small(t);
	ri->belongs_to_views = fz_views(t);
	ri->entity_specific_info = fz_rand64(r);
	ri->num_nexthops = 0;
	for (i = 0; i < nh; i++) {
		ri->nexthops[ri->num_nexthops] = fz_own_handle(t, FZ_NEXTHOP);
		if (ri->nexthops[ri->num_nexthops] || !t->valid)
			ri->num_nexthops++;
	}
	if (!t->valid && fz_chance(r, 5))
		ri->num_nexthops = fz_chance(r, 50) ? 0xFFFF
						    : (uint16_t)fz_rand64(r);
	return ri;
}

/* A next hop info for input. */
static void nexthop_info(struct fz_thread *t, struct rtm_nexthop_info *ni)
{
	struct fz_rng *r = &t->rng;

	fz_address(t, &ni->address);
	if (ni->address.num_bits != 32 && ni->address.num_bits != 128 &&
	    fz_chance(r, 60))
		ni->address.num_bits = ni->address.family == AF_INET6 ? 128 : 32;
	ni->interface_index = fz_small(t);
	ni->flags = fz_flags(t, RTM_NEXTHOP_FLAGS_REMOTE |
			     RTM_NEXTHOP_FLAGS_DOWN);
	ni->entity_specific_info = fz_rand64(r);
}

static void op_register(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;
	struct fz_slot *s = t->slot;
	struct rtm_register a = { 0 };
	uint32_t maxi = fz_cfg->max_instances;
	int err;

	a.flags = fz_flags(t, RTM_REGISTER_EVENTS | RTM_REGISTER_OPAQUE);
	if (fz_chance(r, 75))
		a.flags |= RTM_REGISTER_EVENTS;
	switch (fz_below(r, 10)) {
	case 0:
		a.entity.instance_id = maxi;
		break;
	case 1:
		a.entity.instance_id = (uint16_t)fz_rand64(r);
		break;
	default:
		a.entity.instance_id = fz_below(r, maxi);
		break;
	}
	a.entity.family = fz_chance(r, 92) ? (fz_chance(r, 60) ? AF_INET
							       : AF_INET6)
					   : fz_family(t);
	a.entity.reserved = fz_reserved(t);
	switch (fz_below(r, 12)) {
	case 0:
		a.entity.protocol_id = 0;
		break;
	case 1:
		a.entity.protocol_id = 0xFFFFFFFFU;
		break;
	default:
		a.entity.protocol_id = 1 + fz_below(r, 6);
		break;
	}
	a.entity.entity_instance_id = fz_chance(r, 95) ? fz_below(r, 4)
						       : (uint32_t)fz_rand64(r);
	switch (fz_below(r, 8)) {
	case 0:
		a.num_methods = 32;
		break;
	case 1:
		a.num_methods = fz_chance(r, 50) ? 33 : (uint32_t)fz_rand64(r);
		break;
	case 2:
		a.num_methods = 0;
		break;
	default:
		a.num_methods = 1 + fz_below(r, 4);
		break;
	}
	a.reserved = fz_reserved(t);
	err = fz_ioctl(t, fd_of(t), FZ_REGISTER, &a);
	if (t->unprivileged && err == 0)
		fz_violation("REGISTER succeeded without CAP_NET_ADMIN");
	/* The file is another slot's too; refused: move on to others. */
	if (err == -EBUSY || err == -EPERM)
		s->used = true;
	if (err)
		return;
	fz_seen(t, FZ_ENTITY, a.handle);
	s->instance = a.entity.instance_id;
	s->family = a.entity.family;
	s->reg_flags = a.flags;
	s->num_methods = a.num_methods;
	s->used = true;
	__atomic_store_n(&s->entity, a.handle, __ATOMIC_RELAXED);
	if (a.profile.max_handles_in_enum == 0 ||
	    a.profile.views_supported != 3 || a.profile.number_of_views != 2)
		fz_violation("REGISTER: odd profile %u/%u/%u/%u",
			     a.profile.max_nexthops_in_route,
			     a.profile.max_handles_in_enum,
			     a.profile.views_supported,
			     a.profile.number_of_views);
}

static void op_deregister(struct fz_thread *t, enum fz_op op)
{
	struct rtm_deregister a = { 0 };

	a.flags = fz_flags(t, 0);
	if (fz_ioctl(t, fd_of(t), FZ_DEREGISTER, &a))
		return;
	__atomic_store_n(&t->slot->entity, 0, __ATOMIC_RELAXED);
	fz_own_forget(&t->slot->own);
}

static void op_get_entities(struct fz_thread *t, enum fz_op op)
{
	struct rtm_get_entities a = { 0 };
	void *handles, *infos;
	uint32_t room;
	int err;

	a.flags = fz_flags(t, 0);
	room = fz_count(t, 8);
	a.count = room;
	if (room > 64)
		room = 64;
	a.handles = fz_chance(&t->rng, 10) ? 0 : fz_buf(t, room * 8, &handles);
	a.infos = fz_chance(&t->rng, 40) ? 0 :
		  fz_buf(t, room * sizeof(struct rtm_entity_info), &infos);
	err = fz_ioctl(t, fd_of(t), FZ_GET_ENTITIES, &a);
	check_count(FZ_GET_ENTITIES, err, room, a.count);
	if (err == -ENOSPC && a.total <= a.count)
		fz_violation("GET_ENTITIES: ENOSPC with %u of %u written",
			     a.count, a.total);
	if ((!err || err == -ENOSPC) && good_at(a.handles, handles)) {
		uint64_t *h = handles;
		unsigned int i;

		for (i = 0; i < a.count && i < room; i++)
			fz_seen(t, FZ_ENTITY, h[i]);
	}
}

static void op_get_entity_info(struct fz_thread *t, enum fz_op op)
{
	struct rtm_get_entity_info a = { 0 };

	a.flags = fz_flags(t, 0);
	a.handle = fz_handle(t, FZ_ENTITY);
	fz_ioctl(t, fd_of(t), FZ_GET_ENTITY_INFO, &a);
}

static void op_handles(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;
	struct rtm_handles a = { 0 };
	uint32_t room, i;
	uint64_t *h;
	void *good;
	enum fz_kind k = fz_below(r, FZ_NOTIFY + 1);

	a.flags = fz_flags(t, op == FZ_RELEASE ? RTM_HANDLES_CHANGED
					       : RTM_HANDLES_QUERY);
	a.kinds = fz_chance(r, 70) ? 1U << k : fz_flags(t, 0x7F);
	a.count = fz_count(t, 4);
	room = a.count > 64 ? 64 : a.count;
	a.handles = fz_buf(t, room * 8, &good);
	h = good;
	if (t->valid)
		a.kinds = 1U << k;
	for (i = 0; h && i < room; i++) {
		h[i] = t->valid || fz_chance(r, 80) ?
		       fz_handle(t, k) : fz_handle(t, fz_below(r, FZ_NOTIFY + 1));
		if (i && fz_chance(r, 10))
			h[i] = h[i - 1];	/* the same twice */
	}
	fz_ioctl(t, fd_of(t), op, &a);
}

static void op_add_nexthop(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;
	struct rtm_add_nexthop a = { 0 };
	void *good;

	a.flags = fz_flags(t, RTM_WANT_HANDLE);
	a.handle = fz_chance(r, 75) ? 0 : fz_own_handle(t, FZ_NEXTHOP);
	a.info = fz_buf(t, sizeof(struct rtm_nexthop_info), &good);
	if (good)
		nexthop_info(t, good);
	a.reserved = fz_reserved(t);
	if (fz_ioctl(t, fd_of(t), FZ_ADD_NEXTHOP, &a))
		return;
	if (a.flags & RTM_WANT_HANDLE)
		fz_seen_own(t, FZ_NEXTHOP, a.handle);
	/* Then find it, or delete it, by the same key. */
	if (good_at(a.info, good) && fz_chance(r, 40)) {
		struct rtm_nexthop_key k = { 0 };
		enum fz_op op = fz_chance(r, 75) ? FZ_FIND_NEXTHOP
						 : FZ_DELETE_NEXTHOP;

		k.info = a.info;
		if (!fz_ioctl(t, fd_of(t), op, &k) && op == FZ_FIND_NEXTHOP)
			fz_seen_own(t, FZ_NEXTHOP, k.handle);
	}
}

static void op_nexthop_key(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;
	struct rtm_nexthop_key a = { 0 };
	void *good;

	a.flags = fz_flags(t, 0);
	if (op == FZ_DELETE_NEXTHOP && fz_chance(r, 60))
		a.handle = fz_own_handle(t, FZ_NEXTHOP);
	a.info = fz_buf(t, sizeof(struct rtm_nexthop_info), &good);
	if (good)
		nexthop_info(t, good);
	if (!fz_ioctl(t, fd_of(t), op, &a) && op == FZ_FIND_NEXTHOP)
		fz_seen_own(t, FZ_NEXTHOP, a.handle);
}

static void op_get_nexthop_info(struct fz_thread *t, enum fz_op op)
{
	struct rtm_get_nexthop_info a = { 0 };
	struct rtm_nexthop_info *ni;
	void *good;

	a.flags = fz_flags(t, RTM_INFO_DIRECT);
	a.handle = fz_handle(t, FZ_NEXTHOP);
	a.info = fz_buf(t, sizeof(*ni), &good);
	if (fz_ioctl(t, fd_of(t), FZ_GET_NEXTHOP_INFO, &a))
		return;
	ni = good_at(a.info, good);
	if (ni && !(a.flags & RTM_INFO_DIRECT)) {
		fz_seen(t, FZ_ENTITY, ni->owner);
		fz_seen(t, FZ_DEST, ni->remote_nexthop);
	}
}

static void op_add_route(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;
	struct rtm_add_route a = { 0 };
	unsigned int nh = fz_below(r, 4);

	if (fz_chance(r, 3))
		nh = FZ_NH;
	a.flags = fz_flags(t, RTM_WANT_HANDLE);
	if (fz_chance(r, 70))
		a.flags |= RTM_WANT_HANDLE;
	a.handle = fz_chance(r, 70) ? 0 : fz_own_handle(t, FZ_ROUTE);
	fz_address(t, &a.dest);
	a.change_flags = fz_flags(t, RTM_ROUTE_CHANGE_FIRST |
				  RTM_ROUTE_CHANGE_NEW);
	/* Mostly forever; short ones make expiry events. */
	a.time_to_live = fz_chance(r, 75) ? 0xFFFFFFFFU
					  : fz_time_ms(t, true);
	a.reserved = fz_reserved(t);
	a.route_list = fz_chance(r, 80) ? 0 : fz_own_handle(t, FZ_LIST);
	route_info(t, nh, &a.info);
	if (fz_ioctl(t, fd_of(t), FZ_ADD_ROUTE, &a))
		return;
	fz_addr_seen(&a.dest);
	if (!(a.flags & RTM_WANT_HANDLE))
		return;
	fz_seen_own(t, FZ_ROUTE, a.handle);
	/* Then read it back, or delete it. */
	if (fz_chance(r, 15)) {
		struct rtm_get_route_info g = { 0 };
		void *info;

		g.handle = a.handle;
		g.max_nexthops = FZ_NH;
		g.info = fz_buf(t, RTM_ROUTE_INFO_SIZE(FZ_NH), &info);
		if (!fz_ioctl(t, fd_of(t), FZ_GET_ROUTE_INFO, &g))
			harvest_route_info(t, good_at(g.info, info), FZ_NH);
	} else if (fz_chance(r, 10)) {
		struct rtm_delete_route d = { 0 };

		d.handle = a.handle;
		fz_ioctl(t, fd_of(t), FZ_DELETE_ROUTE, &d);
	}
}

static void op_delete_route(struct fz_thread *t, enum fz_op op)
{
	struct rtm_delete_route a = { 0 };

	a.flags = fz_flags(t, fz_chance(&t->rng, 20) ? RTM_DELETE_IF_EXPIRED
						     : 0);
	a.handle = fz_own_handle(t, FZ_ROUTE);
	a.reserved = fz_reserved(t);
	fz_ioctl(t, fd_of(t), FZ_DELETE_ROUTE, &a);
}

static void op_get_route_info(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;
	struct rtm_get_route_info a = { 0 };
	void *info = NULL, *dest = NULL;
	uint32_t room = fz_below(r, FZ_NH + 1);

	a.flags = fz_flags(t, RTM_INFO_DIRECT);
	a.handle = fz_handle(t, FZ_ROUTE);
	a.max_nexthops = fz_chance(r, 90) ? room : fz_count(t, FZ_NH);
	a.info = fz_chance(r, 15) ? 0 :
		 fz_buf(t, RTM_ROUTE_INFO_SIZE(room), &info);
	a.dest = fz_chance(r, 50) ? 0 :
		 fz_buf(t, sizeof(struct rtm_net_address), &dest);
	if (fz_ioctl(t, fd_of(t), FZ_GET_ROUTE_INFO, &a))
		return;
	if (!(a.flags & RTM_INFO_DIRECT))
		harvest_route_info(t, good_at(a.info, info), room);
}

static void op_get_dest(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;
	struct rtm_get_dest a = { 0 };
	size_t len;
	void *good;

	a.match = fz_chance(r, 95) ? fz_below(r, 4) : (uint32_t)fz_rand64(r);
	if (a.match == RTM_DEST_BY_HANDLE || a.match == RTM_DEST_LESS_SPECIFIC ||
	    fz_chance(r, 10))
		a.handle = fz_handle(t, FZ_DEST);
	fz_address(t, &a.address);
	a.views = fz_views(t);
	a.protocol_id = fz_protocol(t);
	a.reserved = fz_reserved(t);
	len = RTM_DEST_INFO_SIZE(fz_chance(r, 90) ? FZ_VIEWS : fz_below(r, 2));
	a.info = fz_buf(t, len, &good);
	if (!fz_ioctl(t, fd_of(t), FZ_GET_DEST, &a))
		harvest_dest_info(t, good_at(a.info, good), len);
}

static void op_get_exact_route(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;
	struct rtm_get_exact_route a = { 0 };
	uint32_t room = fz_below(r, FZ_NH + 1);
	struct rtm_route_info *ri;

	a.flags = fz_flags(t, RTM_WANT_HANDLE);
	fz_address(t, &a.address);
	a.match_flags = fz_chance(r, 40) ? RTM_MATCH_NONE
					 : fz_flags(t, RTM_MATCH_FULL);
	a.interface_index = fz_small(t);
	a.views = fz_views(t);
	a.max_nexthops = fz_chance(r, 90) ? room : fz_count(t, FZ_NH);
	a.reserved = fz_reserved(t);
	ri = route_info(t, room, &a.info);
	if (ri)
		ri->num_nexthops = room;
	if (fz_ioctl(t, fd_of(t), FZ_GET_EXACT_ROUTE, &a))
		return;
	if (a.flags & RTM_WANT_HANDLE)
		fz_seen(t, FZ_ROUTE, a.handle);
	harvest_route_info(t, good_at(a.info, ri), room);
}

static void op_hold_dest(struct fz_thread *t, enum fz_op op)
{
	struct rtm_hold_dest a = { 0 };

	a.views = fz_views(t);
	a.handle = fz_handle(t, FZ_DEST);
	/*
	 * A long hold-down outlives the run: only in the other namespace,
	 * whose exit must end it.
	 */
	a.hold_time = fz_time_ms(t, t->slot->other_ns);
	a.reserved = fz_reserved(t);
	fz_ioctl(t, fd_of(t), FZ_HOLD_DEST, &a);
}

static void op_bulk_routes(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;
	struct rtm_bulk_routes a = { 0 };
	struct rtm_route_entry *e;
	uint32_t room, nroom, i;
	uint64_t *nh;
	void *good, *nhgood;

	a.flags = fz_flags(t, 0);
	a.count = fz_count(t, 6);
	room = a.count > 32 ? 32 : a.count;
	a.entries = fz_buf(t, room * sizeof(*e), &good);
	e = good;
	nroom = fz_below(r, 6);
	a.nexthop_count = t->valid || fz_chance(r, 95) ? nroom : fz_count(t, 6);
	a.nexthops = fz_chance(r, 20) ? 0 : fz_buf(t, nroom * 8, &nhgood);
	nh = good_at(a.nexthops, nhgood);
	for (i = 0; nh && i < nroom; i++)
		nh[i] = fz_own_handle(t, FZ_NEXTHOP);
	/* A valid delete names routes by dest and neighbour alone. */
	if (t->valid && (op == FZ_DELETE_ROUTES || !nh)) {
		a.nexthops = 0;
		a.nexthop_count = nroom = 0;
	}
	a.reserved = fz_reserved(t);
	for (i = 0; e && i < room; i++) {
		fz_address(t, &e[i].dest);
		e[i].flags = fz_chance(r, 80) ? 0 : (uint16_t)fz_rand64(r);
		e[i].nexthop_count = fz_chance(r, 90) ? fz_below(r, 3)
						      : (uint16_t)fz_rand64(r);
		e[i].nexthop_first = fz_chance(r, 90) ? fz_below(r, 4)
						      : fz_small(t);
		if (t->valid) {
			e[i].nexthop_first = nroom ? fz_below(r, nroom) : 0;
			e[i].nexthop_count = fz_below(r, nroom -
						      e[i].nexthop_first + 1);
		}
		e[i].metric = fz_small(t);
		e[i].preference = fz_small(t);
		e[i].views = fz_views(t);
		e[i].neighbour = fz_chance(r, 60) ? 0 :
				 fz_own_handle(t, FZ_NEXTHOP);
		e[i].entity_specific_info = fz_rand64(r);
	}
	if (fz_ioctl(t, fd_of(t), op, &a) && !a.done)
		return;
	if (op != FZ_ADD_ROUTES || !good_at(a.entries, e))
		return;
	for (i = 0; i < a.done && i < room; i++)
		fz_addr_seen(&e[i].dest);
	/* Then take the same entries away again. */
	if (a.done && fz_chance(r, 30)) {
		a.count = a.done < room ? a.done : room;
		a.done = 0;
		a.nexthops = 0;
		a.nexthop_count = 0;
		fz_ioctl(t, fd_of(t), FZ_DELETE_ROUTES, &a);
	}
}

static void op_lookup(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;
	struct rtm_lookup a = { 0 };
	struct rtm_net_address *addr;
	uint32_t room, i;
	void *good, *res;

	a.flags = fz_flags(t, 0);
	a.count = fz_count(t, 16);
	a.view_id = fz_chance(r, 90) ? fz_below(r, 2) : (uint32_t)fz_rand64(r);
	room = a.count > 64 ? 64 : a.count;
	a.addresses = fz_buf(t, room * sizeof(*addr), &good);
	addr = good;
	for (i = 0; addr && i < room; i++) {
		fz_address(t, &addr[i]);
		if (fz_chance(r, 70))
			addr[i].num_bits = addr[i].family == AF_INET6 ? 128 : 32;
	}
	a.results = fz_buf(t, room * sizeof(struct rtm_lookup_result), &res);
	fz_ioctl(t, fd_of(t), FZ_LOOKUP, &a);
}

/* A batch of the enumeration @handle, of @type; 0 or -errno. */
static int enum_get(struct fz_thread *t, uint32_t type, uint64_t handle)
{
	struct fz_rng *r = &t->rng;
	struct rtm_enum_get a = { 0 };
	uint32_t room, i, asked;
	size_t len;
	void *good;
	int err;

	a.type = type;
	a.handle = handle;
	/* 4: max_handles_in_enum of fuzz_test's reload. */
	a.count = fz_count(t, t->valid ? 4 : 8);
	room = a.count > 32 ? 32 : a.count;
	a.reserved = fz_reserved(t);
	len = a.type == RTM_ENUM_DESTS ? room * RTM_DEST_INFO_SIZE(FZ_VIEWS)
				       : room * 8;
	if (fz_chance(r, 5) && len)
		len -= fz_below(r, (uint32_t)len);
	a.buf = fz_buf(t, len, &good);
	asked = a.count;
	err = fz_ioctl(t, fd_of(t), FZ_ENUM_GET, &a);
	check_count(FZ_ENUM_GET, err, asked, a.count);
	if (err || !good_at(a.buf, good))
		return err;
	if (a.type == RTM_ENUM_DESTS) {
		harvest_dest_infos(t, good, a.count, len);
		return 0;
	}
	for (i = 0; i < a.count && i < len / 8; i++)
		fz_seen(t, a.type == RTM_ENUM_NEXTHOPS ? FZ_NEXTHOP : FZ_ROUTE,
			((uint64_t *)good)[i]);
	return 0;
}

static void op_enum_get(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;

	enum_get(t, fz_chance(r, 95) ? 1 + fz_below(r, 4) : fz_small(t),
		 fz_own_handle(t, FZ_ENUM));
}

static void op_enum_create(struct fz_thread *t, enum fz_op op)
{
	static const uint32_t where[] = {
		RTM_ENUM_START, RTM_ENUM_NEXT, RTM_ENUM_RANGE,
	};
	struct fz_rng *r = &t->rng;
	struct rtm_enum_create a = { 0 };

	a.type = fz_chance(r, 95) ? 1 + fz_below(r, 4) : fz_small(t);
	a.flags = where[fz_below(r, 3)];
	if (a.type == RTM_ENUM_DESTS && fz_chance(r, 40))
		a.flags |= RTM_ENUM_OWN_DESTS;
	if (a.type == RTM_ENUM_ROUTES && fz_chance(r, 40))
		a.flags |= RTM_ENUM_OWN_ROUTES;
	if (a.type == RTM_ENUM_LIST)
		a.flags = 0;
	if (fz_chance(r, 5))
		a.flags = fz_flags(t, RTM_ENUM_NEXT | RTM_ENUM_RANGE |
				   RTM_ENUM_OWN_DESTS | RTM_ENUM_OWN_ROUTES);
	if (a.type == RTM_ENUM_DESTS || a.type == RTM_ENUM_ROUTES ||
	    fz_chance(r, 5))
		a.views = fz_views(t);
	a.protocol_id = fz_protocol(t);
	if (a.type == RTM_ENUM_ROUTES || fz_chance(r, 5)) {
		a.match_flags = fz_chance(r, 50) ? 0 :
				fz_flags(t, RTM_MATCH_FULL);
		a.interface_index = fz_chance(r, 50) ? 0 : fz_small(t);
		if (a.match_flags || fz_chance(r, 20))
			route_info(t, fz_below(r, 3), &a.criteria);
		if (fz_chance(r, 30))
			a.dest = fz_handle(t, FZ_DEST);
	}
	a.reserved = fz_reserved(t);
	a.reserved2 = fz_reserved(t);
	fz_address(t, &a.address);
	if (a.type == RTM_ENUM_LIST || fz_chance(r, 3))
		a.list = fz_handle(t, FZ_LIST);
	if (fz_ioctl(t, fd_of(t), FZ_ENUM_CREATE, &a))
		return;
	fz_seen_own(t, FZ_ENUM, a.handle);
	/* Then walk it a little, and maybe close it. */
	if (fz_chance(r, 60)) {
		unsigned int n = 1 + fz_below(r, 4), i;
		struct rtm_object d = { 0 };

		for (i = 0; i < n; i++)
			if (enum_get(t, a.type, a.handle))
				break;
		d.handle = a.handle;
		if (fz_chance(r, 50))
			fz_ioctl(t, fd_of(t), FZ_ENUM_DELETE, &d);
	}
}

/* Move some of the caller's routes into @list. */
static void list_insert(struct fz_thread *t, uint64_t list)
{
	struct rtm_list_insert a = { 0 };
	uint32_t room, i;
	uint64_t *h;
	void *good;

	a.count = fz_count(t, 4);
	a.list = list;
	room = a.count > 64 ? 64 : a.count;
	a.routes = fz_buf(t, room * 8, &good);
	h = good;
	for (i = 0; h && i < room; i++)
		h[i] = fz_own_handle(t, FZ_ROUTE);
	fz_ioctl(t, fd_of(t), FZ_LIST_INSERT, &a);
}

static void op_list_insert(struct fz_thread *t, enum fz_op op)
{
	list_insert(t, fz_chance(&t->rng, 15) ? 0
					      : fz_own_handle(t, FZ_LIST));
}

static void op_object(struct fz_thread *t, enum fz_op op)
{
	enum fz_kind k = op == FZ_ENUM_DELETE ? FZ_ENUM :
			 op == FZ_NOTIFY_DEREGISTER ? FZ_NOTIFY : FZ_LIST;
	struct rtm_object a = { 0 };

	a.flags = fz_flags(t, 0);
	if (op != FZ_LIST_CREATE || fz_chance(&t->rng, 5))
		a.handle = fz_own_handle(t, k);
	if (fz_ioctl(t, fd_of(t), op, &a) || op != FZ_LIST_CREATE)
		return;
	fz_seen_own(t, FZ_LIST, a.handle);
	if (fz_chance(&t->rng, 50))
		list_insert(t, a.handle);
}

static void op_notify_register(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;
	struct rtm_notify_register a = { 0 };

	a.flags = fz_flags(t, RTM_CHANGE_TYPE_ALL | RTM_CHANGE_TYPE_BEST |
			   RTM_CHANGE_TYPE_FORWARDING |
			   RTM_NOTIFY_ONLY_MARKED_DESTS);
	if (!(a.flags & 7) && fz_chance(r, 80))
		a.flags |= 1U << fz_below(r, 3);
	a.views = fz_views(t);
	a.reserved = fz_reserved(t);
	a.context = fz_rand64(r);
	if (!fz_ioctl(t, fd_of(t), FZ_NOTIFY_REGISTER, &a))
		fz_seen_own(t, FZ_NOTIFY, a.handle);
}

void fz_notify_get(struct fz_thread *t, int fd, uint64_t sub, bool plain)
{
	struct fz_rng *r = &t->rng;
	struct rtm_notify_get a = { 0 };
	struct rtm_handles rel = { 0 };
	uint32_t room, i, n = 0;
	uint64_t *handles;
	size_t len, stride = RTM_DEST_INFO_SIZE(FZ_VIEWS);
	void *good;
	int err;

	a.handle = sub;
	if (plain) {
		a.count = room = 1 + fz_below(r, 4);
		len = room * stride;
		good = fz_alloc(&t->arena, len);
		if (!good)
			return;
		a.buf = (uint64_t)(uintptr_t)good;
		err = fz_ioctl_plain(t, fd, FZ_NOTIFY_GET, &a);
	} else {
		a.reserved = fz_reserved(t);
		a.reserved2 = fz_reserved(t);
		a.count = fz_count(t, t->valid ? 4 : 8);
		room = a.count > 32 ? 32 : a.count;
		len = room * stride;
		if (fz_chance(r, 5) && len)
			len -= fz_below(r, (uint32_t)len);
		a.buf = fz_buf(t, len, &good);
		err = fz_ioctl(t, fd, FZ_NOTIFY_GET, &a);
	}
	check_count(FZ_NOTIFY_GET, err, room, a.count);
	if (err || !good_at(a.buf, good))
		return;
	harvest_dest_infos(t, good, a.count, len);
	/* Give the changed dests back, as RtmReleaseChangedDests does. */
	if (!fz_chance(r, 80) || !a.count)
		return;
	handles = fz_alloc(&t->arena, a.count * 8);
	stride = RTM_DEST_INFO_SIZE(((struct rtm_dest_info *)good)
				    ->number_of_views);
	for (i = 0; handles && i < a.count && (i + 1) * stride <= len; i++)
		handles[n++] = ((struct rtm_dest_info *)
				((char *)good + i * stride))->handle;
	if (!n)
		return;
	rel.flags = RTM_HANDLES_CHANGED;
	rel.kinds = RTM_KIND_DEST;
	rel.count = n;
	rel.handles = (uint64_t)(uintptr_t)handles;
	fz_ioctl_plain(t, fd, FZ_RELEASE, &rel);
}

static void op_notify_dest(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;
	struct rtm_notify_dest a = { 0 };

	a.op = fz_chance(r, 95) ? 1 + fz_below(r, 5) : fz_small(t);
	a.handle = fz_own_handle(t, FZ_NOTIFY);
	a.dest = fz_handle(t, FZ_DEST);
	a.reserved = fz_reserved(t);
	fz_ioctl(t, fd_of(t), FZ_NOTIFY_DEST, &a);
}

static void op_lock(struct fz_thread *t, enum fz_op op)
{
	static const uint32_t modes[] = {
		0,
		RTM_LOCK_EXCLUSIVE,
		RTM_LOCK_UNLOCK,
		RTM_LOCK_UNLOCK | RTM_LOCK_EXCLUSIVE,
		RTM_LOCK_UNLOCK | RTM_LOCK_EXCLUSIVE | RTM_LOCK_SET_OPAQUE,
		RTM_LOCK_GET_OPAQUE,
		RTM_LOCK_SET_OPAQUE,
		RTM_LOCK_UNLOCK | RTM_LOCK_SET_OPAQUE,
	};
	struct fz_rng *r = &t->rng;
	struct rtm_lock a = { 0 };

	a.flags = modes[fz_below(r, ARRAY_SIZE(modes))];
	if (fz_chance(r, 30))
		a.flags |= RTM_LOCK_ROUTE;
	if (fz_chance(r, 5))
		a.flags = fz_flags(t, 0x1F);
	a.handle = a.flags & RTM_LOCK_ROUTE ? fz_handle(t, FZ_ROUTE)
					    : fz_handle(t, FZ_DEST);
	a.opaque = fz_rand64(r);
	fz_ioctl(t, fd_of(t), FZ_LOCK, &a);
}

static void op_dump(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;
	struct rtm_dump a = { 0 };
	uint32_t room, asked;
	void *good;

	a.flags = fz_flags(t, RTM_DUMP_CONTINUE);
	a.view_id = fz_chance(r, 90) ? fz_below(r, 2) : (uint32_t)fz_rand64(r);
	a.count = fz_count(t, 8);
	room = a.count > 32 ? 32 : a.count;
	a.entries = fz_buf(t, room * sizeof(struct rtm_dump_entry), &good);
	fz_address(t, &a.cursor);
	asked = a.count;
	check_count(FZ_DUMP, fz_ioctl(t, fd_of(t), FZ_DUMP, &a), asked,
		    a.count);
}

static void op_method_get(struct fz_thread *t, enum fz_op op)
{
	struct rtm_method_get a = { 0 };

	a.flags = fz_flags(t, 0);
	a.handle = fz_handle(t, FZ_ENTITY);
	a.reserved = fz_reserved(t);
	fz_ioctl(t, fd_of(t), FZ_METHOD_GET, &a);
}

static void op_method_invoke(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;
	struct rtm_method_invoke a = { 0 };
	uint32_t room;
	void *good;
	int err;

	a.flags = fz_flags(t, 0);
	a.handle = fz_handle(t, FZ_ENTITY);
	a.method_type = fz_chance(r, 80) ? 1U << fz_below(r, 4)
					 : (uint32_t)fz_rand64(r);
	/* 48 bytes: max_method_input and _output of fuzz_test's reload. */
	a.input_size = t->valid ? fz_below(r, 49) :
		       fz_chance(r, 90) ? fz_below(r, 80) : fz_count(t, 64);
	room = a.input_size > 4096 ? 4096 : a.input_size;
	a.input = fz_buf(t, room, &good);
	if (good)
		memset(good, 0x5a, room);
	a.output_size = t->valid ? fz_below(r, 49) :
			fz_chance(r, 90) ? fz_below(r, 80) : fz_count(t, 64);
	room = a.output_size > 4096 ? 4096 : a.output_size;
	a.output = fz_buf(t, room, &good);
	a.reserved = fz_reserved(t);
	a.cookie = fz_chance(r, 90) ? 0 : fz_handle(t, FZ_COOKIE);
	room = a.output_size;
	err = fz_ioctl(t, fd_of(t), FZ_METHOD_INVOKE, &a);
	if ((!err || err == -ENOSPC) && a.output_size > room)
		fz_violation("METHOD_INVOKE: %u bytes of output for room %u",
			     a.output_size, room);
	if (err == -EINTR && a.cookie)
		fz_seen(t, FZ_COOKIE, a.cookie);
}

static void op_method_ctl(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;
	struct rtm_method_ctl a = { 0 };
	uint32_t room;
	void *good;

	a.op = fz_chance(r, 95) ? 1 + fz_below(r, 4) : fz_small(t);
	if (a.op == RTM_METHOD_FETCH || a.op == RTM_METHOD_REPLY ||
	    fz_chance(r, 5))
		a.cookie = fz_handle(t, FZ_COOKIE);
	if (fz_chance(r, 5)) {
		a.target = fz_rand64(r);
		a.target_type = fz_small(t);
	}
	a.flags = a.op == RTM_METHOD_REPLY ?
		  fz_flags(t, RTM_METHOD_TRUNCATED | RTM_METHOD_NOMEM) :
		  fz_reserved(t);
	a.input_size = fz_below(r, 80);
	a.input = fz_buf(t, a.input_size, &good);
	a.output_size = fz_below(r, 80);
	room = a.output_size;
	a.output = fz_buf(t, room, &good);
	a.reserved = fz_reserved(t);
	fz_ioctl(t, fd_of(t), FZ_METHOD_CTL, &a);
	/* A block left on would stall every caller of the entity. */
	if (a.op == RTM_METHOD_BLOCK && fz_chance(r, 90)) {
		memset(&a, 0, sizeof(a));
		a.op = RTM_METHOD_RESUME;
		fz_ioctl_plain(t, fd_of(t), FZ_METHOD_CTL, &a);
	}
}

/*
 * The namespace's default preferences: reads, changes of the protocols
 * the fuzzer's entities use (so that their routes take them) and of
 * random ones (up to the cap), resets.
 */
static void op_preference(struct fz_thread *t, enum fz_op op)
{
	struct fz_rng *r = &t->rng;
	struct rtm_preference a = { 0 };
	struct rtm_pref_entry *e = NULL;
	uint32_t room = 0, asked, i;
	void *good = NULL;
	int err;

	a.op = fz_chance(r, 95) ? 1 + fz_below(r, 4) : fz_small(t);
	a.flags = a.op == RTM_PREF_RESET ? fz_flags(t, RTM_PREF_ALL) :
		  fz_reserved(t);
	a.entry.protocol_id = fz_chance(r, 70) ? 1 + fz_below(r, 8) :
			      fz_protocol(t);
	a.entry.preference = fz_chance(r, 20) ? 0 : fz_chance(r, 90) ?
			     fz_below(r, 256) : (uint32_t)fz_rand64(r);
	a.entry.reserved = fz_reserved(t);
	a.reserved = fz_reserved(t);
	if (a.op == RTM_PREF_LIST || fz_chance(r, 5)) {
		a.count = fz_chance(r, 20) ? 0 : fz_count(t, 300);
		room = a.count > 300 ? 300 : a.count;
		a.entries = fz_buf(t, room * sizeof(*e), &good);
	}
	asked = a.count;
	err = fz_ioctl(t, fd_of(t), FZ_PREFERENCE, &a);
	if (a.op != RTM_PREF_LIST)
		return;
	check_count(FZ_PREFERENCE, err, asked, a.count);
	if ((!err || err == -ENOSPC) && a.count > a.total)
		fz_violation("PREFERENCE: %u of %u entries listed", a.count,
			     a.total);
	e = good_at(a.entries, good);
	if (!e || (err && err != -ENOSPC))
		return;
	for (i = 0; i < a.count && i < room; i++) {
		if (e[i].reserved || e[i].flags & ~RTM_PREF_CHANGED ||
		    (i && e[i].protocol_id <= e[i - 1].protocol_id))
			fz_violation("PREFERENCE: entry %u of %u out of order or with junk",
				     i, a.count);
	}
}

void fz_op(struct fz_thread *t, enum fz_op op)
{
	fz_op_valid(t, op, fz_chance(&t->rng, 50));
}

static void op_notify_get(struct fz_thread *t, enum fz_op op)
{
	fz_notify_get(t, fd_of(t), fz_own_handle(t, FZ_NOTIFY), false);
}

static void op_bad_cmd(struct fz_thread *t, enum fz_op op)
{
	fz_bad_cmd(t, fd_of(t));
}

/*
 * The generator of each op, and its weight: the ones that build state
 * (registrations, next hops, routes) and read it back are the most
 * frequent; the ones that tear down a lot (deregister) rare, so that
 * there is state to fuzz.
 */
static const struct {
	void (*fn)(struct fz_thread *t, enum fz_op op);
	uint8_t weight;
} gens[FZ_NR_OPS] = {
	[FZ_REGISTER]		= { op_register, 2 },
	[FZ_DEREGISTER]		= { op_deregister, 1 },
	[FZ_GET_ENTITIES]	= { op_get_entities, 3 },
	[FZ_GET_ENTITY_INFO]	= { op_get_entity_info, 3 },
	[FZ_REFERENCE]		= { op_handles, 4 },
	[FZ_RELEASE]		= { op_handles, 5 },
	[FZ_ADD_NEXTHOP]	= { op_add_nexthop, 8 },
	[FZ_FIND_NEXTHOP]	= { op_nexthop_key, 3 },
	[FZ_DELETE_NEXTHOP]	= { op_nexthop_key, 3 },
	[FZ_GET_NEXTHOP_INFO]	= { op_get_nexthop_info, 3 },
	[FZ_ADD_ROUTE]		= { op_add_route, 12 },
	[FZ_DELETE_ROUTE]	= { op_delete_route, 5 },
	[FZ_GET_ROUTE_INFO]	= { op_get_route_info, 5 },
	[FZ_GET_DEST]		= { op_get_dest, 5 },
	[FZ_GET_EXACT_ROUTE]	= { op_get_exact_route, 4 },
	[FZ_HOLD_DEST]		= { op_hold_dest, 3 },
	[FZ_ADD_ROUTES]		= { op_bulk_routes, 5 },
	[FZ_DELETE_ROUTES]	= { op_bulk_routes, 3 },
	[FZ_LOOKUP]		= { op_lookup, 3 },
	[FZ_ENUM_CREATE]	= { op_enum_create, 4 },
	[FZ_ENUM_GET]		= { op_enum_get, 5 },
	[FZ_ENUM_DELETE]	= { op_object, 3 },
	[FZ_LIST_CREATE]	= { op_object, 3 },
	[FZ_LIST_INSERT]	= { op_list_insert, 4 },
	[FZ_LIST_DELETE]	= { op_object, 2 },
	[FZ_NOTIFY_REGISTER]	= { op_notify_register, 3 },
	[FZ_NOTIFY_GET]		= { op_notify_get, 3 },
	[FZ_NOTIFY_DEST]	= { op_notify_dest, 4 },
	[FZ_NOTIFY_DEREGISTER]	= { op_object, 2 },
	[FZ_LOCK]		= { op_lock, 4 },
	[FZ_DUMP]		= { op_dump, 3 },
	[FZ_METHOD_GET]		= { op_method_get, 2 },
	[FZ_METHOD_INVOKE]	= { op_method_invoke, 3 },
	[FZ_METHOD_CTL]		= { op_method_ctl, 2 },
	[FZ_PREFERENCE]		= { op_preference, 2 },
	[FZ_BAD_CMD]		= { op_bad_cmd, 1 },
};

void fz_op_valid(struct fz_thread *t, enum fz_op op, bool valid)
{
	fz_arena_reset(&t->arena);
	t->valid = valid;
	if (op < FZ_NR_OPS && gens[op].fn)
		gens[op].fn(t, op);
}

void fz_random_op(struct fz_thread *t)
{
	unsigned int total = 0, pick, op;

	for (op = 0; op < FZ_NR_OPS; op++)
		if (fz_cfg->ops & 1ULL << op)
			total += gens[op].weight;
	pick = fz_below(&t->rng, total);
	for (op = 0; op < FZ_NR_OPS; op++) {
		if (!(fz_cfg->ops & 1ULL << op))
			continue;
		if (pick < gens[op].weight)
			break;
		pick -= gens[op].weight;
	}
	if (op < FZ_NR_OPS)
		fz_op(t, op);
}
