// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl ABI of /dev/rtm, openat2 style (tools/testing/selftests/
 * openat2/openat2_test.c), for every argument structure in
 * uapi/linux/rtm.h.  Each starts with its own __u32 size and is read with
 * copy_struct_from_user() semantics:
 *
 *   size < VER0                          -EINVAL
 *   VER0 <= size <= sizeof               accepted (older, zero-extended)
 *   size > sizeof, zero tail             accepted, the tail left alone
 *   size > sizeof, a non-zero tail byte  -E2BIG
 *   size > PAGE_SIZE                     -E2BIG
 *   unknown flag bit, reserved != 0      -EINVAL (and each field's own checks)
 *   NULL or bad argument pointer         -EFAULT
 *   no registration on the file          -EBADF (RTM_IOC_REGISTER: -EBUSY
 *                                        on a file that has one;
 *                                        RTM_IOC_PREFERENCE needs none)
 *   unknown ioctl number                 -ENOTTY
 *
 * "Accepted" is shown by a request that succeeds: every row of the table
 * below knows how to build one (its fill function, after the setup it
 * names), and every refusal above is followed by that same request
 * succeeding, so a refusal is never just a side effect of a bad request.
 * Adding an ioctl is one ABI() row (plus a fill function if no existing
 * one fits); the coverage test fails until the row is there.
 */
#include <stddef.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "rtm_selftest.h"

#define INST		5
#define PROTO		0x7000
#define MAX_BAD		10
#define MAX_NH		8
#define NUM_VIEWS	2		/* unicast and multicast */

/* What a row's valid request needs to exist beforehand. */
enum setup {
	S_NONE,		/* an open file, no registration */
	S_REG,		/* a registered entity */
	S_NH,		/* ... with a next hop, 10.0.0.1/32 on interface 1 */
	S_ROUTE,	/* ... and a route to 10.1.0.0/16 through it */
	S_ANY,		/* an open file, with or without a registration */
};

/* A route info with room for MAX_NH next hops. */
union route_buf {
	struct rtm_route_info info;
	uint64_t raw[(sizeof(struct rtm_route_info) + MAX_NH * 8) / 8];
};

struct ctx {
	int fd;
	uint64_t self;		/* the entity */
	uint64_t nh;		/* its next hop (held) */
	uint64_t route;		/* its route (held) */
	uint64_t dest;		/* the route's dest (held) */

	/* what requests point at */
	struct rtm_nexthop_info nhi, nhi2, nhi_out;
	union route_buf route_in, route_out;
	union {
		struct rtm_dest_info info;
		uint64_t raw[(sizeof(struct rtm_dest_info) +
			      2 * sizeof(struct rtm_dest_view)) / 8];
	} dest_out;
	struct rtm_net_address addr, addr_out;
	uint64_t handles[8];
	struct rtm_entity_info infos[8];
	struct rtm_route_entry entry;
	uint64_t nexthops[1];
	struct rtm_lookup_result result;
	struct rtm_dump_entry dump_entry;
};

/* A field set to a value the kernel must refuse (or, for flags, every
 * bit outside @value). */
struct bad {
	unsigned short off;
	unsigned short len;
	uint64_t value;
	int err;
	const char *name;
	bool flags;
};

#define BAD(type, field, val, errno_)					\
	{ offsetof(struct type, field), sizeof(((struct type *)0)->field), \
	  (val), -(errno_), #field, false }
/* An output-only field: whatever it holds going in, the call succeeds. */
#define IGNORED(type, field, val)	BAD(type, field, val, 0)
#define FLAGS(type, field, valid)					\
	{ offsetof(struct type, field), sizeof(((struct type *)0)->field), \
	  (valid), -EINVAL, #field " (unknown bit)", true }

typedef int (*fill_fn)(struct ctx *c, void *req);

FIXTURE(abi) {
	struct ctx c;
	struct ctx other;	/* a second context, when a test needs one */
};

FIXTURE_VARIANT(abi) {
	const char *name;
	unsigned long cmd;
	unsigned int ver0;
	unsigned int size;
	enum setup setup;
	fill_fn fill;
	struct bad bad[MAX_BAD];
};

FIXTURE_SETUP(abi)
{
	self->c.fd = -1;
	self->other.fd = -1;
}

FIXTURE_TEARDOWN(abi)
{
	if (self->c.fd >= 0)
		close(self->c.fd);
	if (self->other.fd >= 0)
		close(self->other.fd);
}

static uint64_t ptr(const void *p)
{
	return (uintptr_t)p;
}

static void ipv4(struct rtm_net_address *a, uint8_t b0, uint8_t b1,
		 uint8_t b2, uint8_t b3, uint16_t bits)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->num_bits = bits;
	a->addr[0] = b0;
	a->addr[1] = b1;
	a->addr[2] = b2;
	a->addr[3] = b3;
}

static unsigned int seq;

/* ------------------------------------------------------------------ */
/* Building valid requests                                              */
/* ------------------------------------------------------------------ */

static int ctx_open(struct ctx *c, enum setup setup)
{
	struct rtm_route_info *ri = &c->route_in.info;
	struct rtm_get_route_info gi;
	struct rtm_add_nexthop an;
	struct rtm_add_route ar;
	int err;

	memset(c, 0, sizeof(*c));
	c->fd = rtm_open();
	if (c->fd < 0)
		return c->fd;
	if (setup == S_NONE || setup == S_ANY)
		return 0;
	err = raw_register(c->fd, INST, AF_INET, PROTO, ++seq, 0, &c->self);
	if (err || setup == S_REG)
		return err;

	ipv4(&c->nhi.address, 10, 0, 0, 1, 32);
	c->nhi.interface_index = 1;
	memset(&an, 0, sizeof(an));
	an.size = sizeof(an);
	an.flags = RTM_WANT_HANDLE;
	an.info = ptr(&c->nhi);
	err = rtm_ioctl(c->fd, RTM_IOC_ADD_NEXTHOP, &an);
	if (err)
		return err;
	c->nh = an.handle;
	ri->belongs_to_views = RTM_VIEW_MASK_UCAST;
	ri->metric = 1;
	ri->num_nexthops = 1;
	ri->nexthops[0] = c->nh;
	if (setup == S_NH)
		return 0;

	memset(&ar, 0, sizeof(ar));
	ar.size = sizeof(ar);
	ar.flags = RTM_WANT_HANDLE;
	ipv4(&ar.dest, 10, 1, 0, 0, 16);
	ar.time_to_live = 0xFFFFFFFF;
	ar.info = ptr(ri);
	err = rtm_ioctl(c->fd, RTM_IOC_ADD_ROUTE, &ar);
	if (err)
		return err;
	c->route = ar.handle;

	memset(&gi, 0, sizeof(gi));
	gi.size = sizeof(gi);
	gi.handle = c->route;
	gi.info = ptr(&c->route_out);
	gi.max_nexthops = MAX_NH;
	err = rtm_ioctl(c->fd, RTM_IOC_GET_ROUTE_INFO, &gi);
	if (err)
		return err;
	c->dest = c->route_out.info.dest;
	return c->dest ? 0 : -ENOENT;
}

static int fill_register(struct ctx *c, void *req)
{
	struct rtm_register *r = req;

	r->entity.instance_id = INST;
	r->entity.family = AF_INET;
	r->entity.protocol_id = PROTO;
	r->entity.entity_instance_id = 1000 + ++seq;
	return 0;
}

static int fill_nothing(struct ctx *c, void *req)
{
	return 0;
}

static int fill_get_entities(struct ctx *c, void *req)
{
	struct rtm_get_entities *r = req;

	r->count = ARRAY_SIZE(c->handles);
	r->handles = ptr(c->handles);
	r->infos = ptr(c->infos);
	return 0;
}

static int fill_get_entity_info(struct ctx *c, void *req)
{
	struct rtm_get_entity_info *r = req;

	r->handle = c->self;
	return 0;
}

static int fill_reference(struct ctx *c, void *req)
{
	struct rtm_handles *r = req;

	r->kinds = RTM_KIND_ENTITY;
	r->count = 1;
	r->handles = ptr(&c->self);
	return 0;
}

/* Release what a reference took first. */
static int fill_release(struct ctx *c, void *req)
{
	struct rtm_handles ref;

	memset(&ref, 0, sizeof(ref));
	ref.size = sizeof(ref);
	fill_reference(c, &ref);
	fill_reference(c, req);
	return rtm_ioctl(c->fd, RTM_IOC_REFERENCE, &ref);
}

static int fill_add_nexthop(struct ctx *c, void *req)
{
	struct rtm_add_nexthop *r = req;

	ipv4(&c->nhi2.address, 10, 0, 0, 2, 32);
	c->nhi2.interface_index = 2;
	r->flags = RTM_WANT_HANDLE;
	r->info = ptr(&c->nhi2);
	return 0;
}

static int fill_find_nexthop(struct ctx *c, void *req)
{
	struct rtm_nexthop_key *r = req;

	r->info = ptr(&c->nhi);
	return 0;
}

static int fill_delete_nexthop(struct ctx *c, void *req)
{
	struct rtm_nexthop_key *r = req;

	r->handle = c->nh;
	return 0;
}

static int fill_get_nexthop_info(struct ctx *c, void *req)
{
	struct rtm_get_nexthop_info *r = req;

	r->handle = c->nh;
	r->info = ptr(&c->nhi_out);
	return 0;
}

static int fill_add_route(struct ctx *c, void *req)
{
	struct rtm_add_route *r = req;

	r->flags = RTM_WANT_HANDLE;
	ipv4(&r->dest, 10, 3, 0, 0, 16);
	r->time_to_live = 0xFFFFFFFF;
	r->info = ptr(&c->route_in);
	return 0;
}

static int fill_delete_route(struct ctx *c, void *req)
{
	struct rtm_delete_route *r = req;

	r->handle = c->route;
	return 0;
}

static int fill_get_route_info(struct ctx *c, void *req)
{
	struct rtm_get_route_info *r = req;

	r->handle = c->route;
	r->info = ptr(&c->route_out);
	r->dest = ptr(&c->addr_out);
	r->max_nexthops = MAX_NH;
	return 0;
}

static int fill_get_dest(struct ctx *c, void *req)
{
	struct rtm_get_dest *r = req;

	r->match = RTM_DEST_EXACT;
	ipv4(&r->address, 10, 1, 0, 0, 16);
	r->views = RTM_VIEW_MASK_UCAST;
	r->info = ptr(&c->dest_out);
	return 0;
}

static int fill_get_exact_route(struct ctx *c, void *req)
{
	struct rtm_get_exact_route *r = req;

	ipv4(&r->address, 10, 1, 0, 0, 16);
	r->views = RTM_VIEW_MASK_UCAST;
	r->info = ptr(&c->route_out);
	r->max_nexthops = MAX_NH;
	return 0;
}

static int fill_hold_dest(struct ctx *c, void *req)
{
	struct rtm_hold_dest *r = req;

	r->handle = c->dest;
	r->views = RTM_VIEW_MASK_UCAST;
	r->hold_time = 1;
	return 0;
}

static int fill_add_routes(struct ctx *c, void *req)
{
	struct rtm_bulk_routes *r = req;

	ipv4(&c->entry.dest, 10, 2, 0, 0, 16);
	c->entry.nexthop_count = 1;
	c->entry.views = RTM_VIEW_MASK_UCAST;
	c->nexthops[0] = c->nh;
	r->count = 1;
	r->entries = ptr(&c->entry);
	r->nexthops = ptr(c->nexthops);
	r->nexthop_count = 1;
	return 0;
}

static int fill_delete_routes(struct ctx *c, void *req)
{
	struct rtm_bulk_routes *r = req;

	ipv4(&c->entry.dest, 10, 1, 0, 0, 16);
	r->count = 1;
	r->entries = ptr(&c->entry);
	return 0;
}

static int fill_lookup(struct ctx *c, void *req)
{
	struct rtm_lookup *r = req;

	ipv4(&c->addr, 10, 1, 2, 3, 32);
	r->count = 1;
	r->addresses = ptr(&c->addr);
	r->results = ptr(&c->result);
	return 0;
}

static int fill_dump(struct ctx *c, void *req)
{
	struct rtm_dump *r = req;

	r->count = 1;
	r->entries = ptr(&c->dump_entry);
	ipv4(&r->cursor, 10, 1, 2, 3, 32);
	return 0;
}

#ifdef RTM_IOC_ENUM_CREATE
static int fill_enum_create(struct ctx *c, void *req)
{
	struct rtm_enum_create *r = req;

	r->type = RTM_ENUM_DESTS;
	return 0;
}

/* A dest enumeration of the caller's, into *@handle. */
static int enum_create(struct ctx *c, __u64 *handle)
{
	struct rtm_enum_create ec;
	int err;

	memset(&ec, 0, sizeof(ec));
	ec.size = sizeof(ec);
	fill_enum_create(c, &ec);
	err = rtm_ioctl(c->fd, RTM_IOC_ENUM_CREATE, &ec);
	*handle = ec.handle;
	return err;
}

static int fill_enum_get(struct ctx *c, void *req)
{
	struct rtm_enum_get *r = req;

	r->type = RTM_ENUM_DESTS;
	r->count = 1;
	r->buf = ptr(&c->dest_out);
	return enum_create(c, &r->handle);
}

static int fill_enum_delete(struct ctx *c, void *req)
{
	struct rtm_object *r = req;

	return enum_create(c, &r->handle);
}
#endif

#ifdef RTM_IOC_LIST_CREATE
/* A route list of the caller's, into *@handle. */
static int list_create(struct ctx *c, __u64 *handle)
{
	struct rtm_object lc;
	int err;

	memset(&lc, 0, sizeof(lc));
	lc.size = sizeof(lc);
	err = rtm_ioctl(c->fd, RTM_IOC_LIST_CREATE, &lc);
	*handle = lc.handle;
	return err;
}

static int fill_list_insert(struct ctx *c, void *req)
{
	struct rtm_list_insert *r = req;

	r->count = 1;
	r->routes = ptr(&c->route);
	return list_create(c, &r->list);
}

static int fill_list_delete(struct ctx *c, void *req)
{
	struct rtm_object *r = req;

	return list_create(c, &r->handle);
}
#endif

#ifdef RTM_IOC_NOTIFY_REGISTER
static int fill_notify_register(struct ctx *c, void *req)
{
	struct rtm_notify_register *r = req;

	r->flags = RTM_CHANGE_TYPE_ALL;
	r->context = 0x1234;
	return 0;
}

/* A subscription of the caller's to every change, into *@handle. */
static int notify_register(struct ctx *c, __u64 *handle)
{
	struct rtm_notify_register nr;
	int err;

	memset(&nr, 0, sizeof(nr));
	nr.size = sizeof(nr);
	fill_notify_register(c, &nr);
	err = rtm_ioctl(c->fd, RTM_IOC_NOTIFY_REGISTER, &nr);
	*handle = nr.handle;
	return err;
}

/* Subscribe, then change a dest, so that there is one to get. */
static int fill_notify_get(struct ctx *c, void *req)
{
	struct rtm_notify_get *r = req;
	struct rtm_add_route ar;
	int err;

	err = notify_register(c, &r->handle);
	if (err)
		return err;
	memset(&ar, 0, sizeof(ar));
	ar.size = sizeof(ar);
	ipv4(&ar.dest, 10, 4, 0, 0, 16);
	ar.time_to_live = 0xFFFFFFFF;
	ar.info = ptr(&c->route_in);
	r->count = 1;
	r->buf = ptr(&c->dest_out);
	return rtm_ioctl(c->fd, RTM_IOC_ADD_ROUTE, &ar);
}

static int fill_notify_dest(struct ctx *c, void *req)
{
	struct rtm_notify_dest *r = req;

	r->op = RTM_NOTIFY_IS_MARKED;
	r->dest = c->dest;
	return notify_register(c, &r->handle);
}

static int fill_notify_deregister(struct ctx *c, void *req)
{
	struct rtm_object *r = req;

	return notify_register(c, &r->handle);
}
#endif

#ifdef RTM_IOC_LOCK
static int fill_lock(struct ctx *c, void *req)
{
	struct rtm_lock *r = req;

	r->handle = c->dest;	/* a shared lock: taken again each time */
	return 0;
}
#endif

#ifdef RTM_IOC_METHOD_GET
static int fill_method_get(struct ctx *c, void *req)
{
	struct rtm_method_get *r = req;

	r->handle = c->self;
	return 0;
}

/* The entity exports no methods: nothing to run, it returns at once. */
static int fill_method_invoke(struct ctx *c, void *req)
{
	struct rtm_method_invoke *r = req;

	r->handle = c->self;
	r->method_type = 0xFFFFFFFF;
	return 0;
}

static int fill_method_ctl(struct ctx *c, void *req)
{
	struct rtm_method_ctl *r = req;

	r->op = RTM_METHOD_RESUME;
	return 0;
}
#endif

/* ------------------------------------------------------------------ */
/* The table: one row per ioctl                                         */
/* ------------------------------------------------------------------ */

/* RTM_HANDLES_CHANGED came with change notification. */
#ifdef RTM_HANDLES_CHANGED
#define RELEASE_FLAGS	RTM_HANDLES_CHANGED
#else
#define RELEASE_FLAGS	0
#endif

/* A read of the table: changing it would change what other tests see. */
static int fill_preference(struct ctx *c, void *req)
{
	struct rtm_preference *r = req;

	(void)c;
	r->op = RTM_PREF_GET;
	r->entry.protocol_id = 8;	/* PROTO_IP_RIP */
	return 0;
}

#define ABI(vname, _cmd, type, _ver0, _setup, _fill, ...)		\
	FIXTURE_VARIANT_ADD(abi, vname) {				\
		.name = #_cmd, .cmd = _cmd, .ver0 = _ver0,		\
		.size = sizeof(struct type), .setup = _setup,		\
		.fill = _fill, .bad = { __VA_ARGS__ },			\
	}

ABI(register, RTM_IOC_REGISTER, rtm_register, RTM_REGISTER_SIZE_VER0,
    S_NONE, fill_register,
    FLAGS(rtm_register, flags, RTM_REGISTER_EVENTS | RTM_REGISTER_OPAQUE),
    BAD(rtm_register, entity.reserved, 1, EINVAL),
    BAD(rtm_register, reserved, 1, EINVAL),
    BAD(rtm_register, num_methods, 33, EINVAL),
    BAD(rtm_register, entity.protocol_id, 0, EBADMSG),
    BAD(rtm_register, entity.family, AF_UNIX, EBADMSG),
    BAD(rtm_register, entity.instance_id, 0xffff, EBADMSG));

ABI(deregister, RTM_IOC_DEREGISTER, rtm_deregister,
    RTM_DEREGISTER_SIZE_VER0, S_REG, fill_nothing,
    FLAGS(rtm_deregister, flags, 0));

ABI(get_entities, RTM_IOC_GET_ENTITIES, rtm_get_entities,
    RTM_GET_ENTITIES_SIZE_VER0, S_REG, fill_get_entities,
    FLAGS(rtm_get_entities, flags, 0),
    IGNORED(rtm_get_entities, total, 1));

ABI(get_entity_info, RTM_IOC_GET_ENTITY_INFO, rtm_get_entity_info,
    RTM_GET_ENTITY_INFO_SIZE_VER0, S_REG, fill_get_entity_info,
    FLAGS(rtm_get_entity_info, flags, 0));

ABI(reference, RTM_IOC_REFERENCE, rtm_handles, RTM_HANDLES_SIZE_VER0,
    S_REG, fill_reference,
    FLAGS(rtm_handles, flags, RTM_HANDLES_QUERY),
    BAD(rtm_handles, kinds, 0, EINVAL),
    BAD(rtm_handles, kinds, RTM_KIND_ENUM, EINVAL),
    BAD(rtm_handles, count, 0, EINVAL),
    BAD(rtm_handles, count, RTM_MAX_BATCH + 1, EINVAL));

ABI(release, RTM_IOC_RELEASE, rtm_handles, RTM_HANDLES_SIZE_VER0,
    S_REG, fill_release,
    FLAGS(rtm_handles, flags, RELEASE_FLAGS),
    BAD(rtm_handles, kinds, 0, EINVAL),
    BAD(rtm_handles, kinds, RTM_KIND_ENUM, EINVAL),
    BAD(rtm_handles, count, 0, EINVAL),
    BAD(rtm_handles, count, RTM_MAX_BATCH + 1, EINVAL));

ABI(add_nexthop, RTM_IOC_ADD_NEXTHOP, rtm_add_nexthop,
    RTM_ADD_NEXTHOP_SIZE_VER0, S_REG, fill_add_nexthop,
    FLAGS(rtm_add_nexthop, flags, RTM_WANT_HANDLE),
    BAD(rtm_add_nexthop, reserved, 1, EINVAL),
    IGNORED(rtm_add_nexthop, change_flags, 1));

ABI(find_nexthop, RTM_IOC_FIND_NEXTHOP, rtm_nexthop_key,
    RTM_NEXTHOP_KEY_SIZE_VER0, S_NH, fill_find_nexthop,
    FLAGS(rtm_nexthop_key, flags, 0),
    IGNORED(rtm_nexthop_key, handle, 1));

ABI(delete_nexthop, RTM_IOC_DELETE_NEXTHOP, rtm_nexthop_key,
    RTM_NEXTHOP_KEY_SIZE_VER0, S_NH, fill_delete_nexthop,
    FLAGS(rtm_nexthop_key, flags, 0));

ABI(get_nexthop_info, RTM_IOC_GET_NEXTHOP_INFO, rtm_get_nexthop_info,
    RTM_GET_NEXTHOP_INFO_SIZE_VER0, S_NH, fill_get_nexthop_info,
    FLAGS(rtm_get_nexthop_info, flags, RTM_INFO_DIRECT));

ABI(add_route, RTM_IOC_ADD_ROUTE, rtm_add_route, RTM_ADD_ROUTE_SIZE_VER0,
    S_NH, fill_add_route,
    FLAGS(rtm_add_route, flags, RTM_WANT_HANDLE),
    FLAGS(rtm_add_route, change_flags,
	  RTM_ROUTE_CHANGE_FIRST | RTM_ROUTE_CHANGE_NEW),
    BAD(rtm_add_route, reserved, 1, EINVAL));

ABI(delete_route, RTM_IOC_DELETE_ROUTE, rtm_delete_route,
    RTM_DELETE_ROUTE_SIZE_VER0, S_ROUTE, fill_delete_route,
    FLAGS(rtm_delete_route, flags, RTM_DELETE_IF_EXPIRED),
    BAD(rtm_delete_route, reserved, 1, EINVAL));

ABI(get_route_info, RTM_IOC_GET_ROUTE_INFO, rtm_get_route_info,
    RTM_GET_ROUTE_INFO_SIZE_VER0, S_ROUTE, fill_get_route_info,
    FLAGS(rtm_get_route_info, flags, RTM_INFO_DIRECT),
    IGNORED(rtm_get_route_info, views, 1));

ABI(get_dest, RTM_IOC_GET_DEST, rtm_get_dest, RTM_GET_DEST_SIZE_VER0,
    S_ROUTE, fill_get_dest,
    BAD(rtm_get_dest, reserved, 1, EINVAL),
    BAD(rtm_get_dest, match, 4, EINVAL),
    BAD(rtm_get_dest, views, 4, EOPNOTSUPP));

ABI(get_exact_route, RTM_IOC_GET_EXACT_ROUTE, rtm_get_exact_route,
    RTM_GET_EXACT_ROUTE_SIZE_VER0, S_ROUTE, fill_get_exact_route,
    FLAGS(rtm_get_exact_route, flags, RTM_WANT_HANDLE),
    FLAGS(rtm_get_exact_route, match_flags, RTM_MATCH_FULL),
    BAD(rtm_get_exact_route, reserved, 1, EINVAL),
    BAD(rtm_get_exact_route, views, 4, EOPNOTSUPP));

ABI(hold_dest, RTM_IOC_HOLD_DEST, rtm_hold_dest, RTM_HOLD_DEST_SIZE_VER0,
    S_ROUTE, fill_hold_dest,
    BAD(rtm_hold_dest, reserved, 1, EINVAL),
    BAD(rtm_hold_dest, hold_time, 0, EINVAL),
    BAD(rtm_hold_dest, views, 0, EINVAL),
    BAD(rtm_hold_dest, views, 4, EOPNOTSUPP));

ABI(add_routes, RTM_IOC_ADD_ROUTES, rtm_bulk_routes,
    RTM_BULK_ROUTES_SIZE_VER0, S_NH, fill_add_routes,
    FLAGS(rtm_bulk_routes, flags, 0),
    BAD(rtm_bulk_routes, reserved, 1, EINVAL),
    IGNORED(rtm_bulk_routes, done, 1),
    BAD(rtm_bulk_routes, count, 0, EINVAL),
    BAD(rtm_bulk_routes, count, RTM_MAX_BATCH + 1, EINVAL));

ABI(delete_routes, RTM_IOC_DELETE_ROUTES, rtm_bulk_routes,
    RTM_BULK_ROUTES_SIZE_VER0, S_ROUTE, fill_delete_routes,
    FLAGS(rtm_bulk_routes, flags, 0),
    BAD(rtm_bulk_routes, reserved, 1, EINVAL),
    BAD(rtm_bulk_routes, nexthop_count, 1, EINVAL));

ABI(lookup, RTM_IOC_LOOKUP, rtm_lookup, RTM_LOOKUP_SIZE_VER0,
    S_REG, fill_lookup,
    FLAGS(rtm_lookup, flags, 0),
    BAD(rtm_lookup, count, 0, EINVAL),
    BAD(rtm_lookup, count, RTM_MAX_BATCH + 1, EINVAL),
    BAD(rtm_lookup, view_id, NUM_VIEWS, EOPNOTSUPP));

ABI(dump, RTM_IOC_DUMP, rtm_dump, RTM_DUMP_SIZE_VER0, S_REG, fill_dump,
    FLAGS(rtm_dump, flags, RTM_DUMP_CONTINUE),
    BAD(rtm_dump, count, 0, EINVAL),
    BAD(rtm_dump, count, RTM_MAX_BATCH + 1, EINVAL),
    BAD(rtm_dump, view_id, NUM_VIEWS, EOPNOTSUPP),
    BAD(rtm_dump, __pad, 1, EINVAL));

#ifdef RTM_IOC_ENUM_CREATE
ABI(enum_create, RTM_IOC_ENUM_CREATE, rtm_enum_create,
    RTM_ENUM_CREATE_SIZE_VER0, S_REG, fill_enum_create,
    FLAGS(rtm_enum_create, flags,
	  RTM_ENUM_NEXT | RTM_ENUM_RANGE | RTM_ENUM_OWN_DESTS),
    BAD(rtm_enum_create, flags, RTM_ENUM_NEXT | RTM_ENUM_RANGE, EINVAL),
    BAD(rtm_enum_create, reserved, 1, EINVAL),
    BAD(rtm_enum_create, reserved2, 1, EINVAL),
    BAD(rtm_enum_create, type, 0, EINVAL),
    BAD(rtm_enum_create, type, RTM_ENUM_LIST + 1, EINVAL),
    BAD(rtm_enum_create, match_flags, RTM_MATCH_OWNER, EINVAL),
    BAD(rtm_enum_create, views, 4, EOPNOTSUPP));

ABI(enum_get, RTM_IOC_ENUM_GET, rtm_enum_get, RTM_ENUM_GET_SIZE_VER0,
    S_ROUTE, fill_enum_get,
    BAD(rtm_enum_get, reserved, 1, EINVAL),
    BAD(rtm_enum_get, count, 0, EINVAL),
    BAD(rtm_enum_get, count, 0xFFFFFFFF, EINVAL),
    BAD(rtm_enum_get, type, RTM_ENUM_ROUTES, EBADF));

ABI(enum_delete, RTM_IOC_ENUM_DELETE, rtm_object, RTM_OBJECT_SIZE_VER0,
    S_REG, fill_enum_delete,
    FLAGS(rtm_object, flags, 0));
#endif

#ifdef RTM_IOC_LIST_CREATE
ABI(list_create, RTM_IOC_LIST_CREATE, rtm_object, RTM_OBJECT_SIZE_VER0,
    S_REG, fill_nothing,
    FLAGS(rtm_object, flags, 0),
    IGNORED(rtm_object, handle, 1));

ABI(list_insert, RTM_IOC_LIST_INSERT, rtm_list_insert,
    RTM_LIST_INSERT_SIZE_VER0, S_ROUTE, fill_list_insert,
    BAD(rtm_list_insert, count, 0, EINVAL),
    BAD(rtm_list_insert, count, RTM_MAX_BATCH + 1, EINVAL));

ABI(list_delete, RTM_IOC_LIST_DELETE, rtm_object, RTM_OBJECT_SIZE_VER0,
    S_REG, fill_list_delete,
    FLAGS(rtm_object, flags, 0));
#endif

#ifdef RTM_IOC_NOTIFY_REGISTER
ABI(notify_register, RTM_IOC_NOTIFY_REGISTER, rtm_notify_register,
    RTM_NOTIFY_REGISTER_SIZE_VER0, S_REG, fill_notify_register,
    FLAGS(rtm_notify_register, flags,
	  RTM_CHANGE_TYPE_ALL | RTM_CHANGE_TYPE_BEST |
	  RTM_CHANGE_TYPE_FORWARDING | RTM_NOTIFY_ONLY_MARKED_DESTS),
    BAD(rtm_notify_register, flags, 0, EINVAL),
    BAD(rtm_notify_register, flags, RTM_NOTIFY_ONLY_MARKED_DESTS, EINVAL),
    BAD(rtm_notify_register, reserved, 1, EINVAL),
    IGNORED(rtm_notify_register, handle, 1),
    BAD(rtm_notify_register, views, 4, EOPNOTSUPP));

ABI(notify_get, RTM_IOC_NOTIFY_GET, rtm_notify_get,
    RTM_NOTIFY_GET_SIZE_VER0, S_NH, fill_notify_get,
    BAD(rtm_notify_get, reserved, 1, EINVAL),
    BAD(rtm_notify_get, reserved2, 1, EINVAL),
    BAD(rtm_notify_get, count, 0, EINVAL),
    BAD(rtm_notify_get, count, 0xFFFFFFFF, EINVAL));

ABI(notify_dest, RTM_IOC_NOTIFY_DEST, rtm_notify_dest,
    RTM_NOTIFY_DEST_SIZE_VER0, S_ROUTE, fill_notify_dest,
    BAD(rtm_notify_dest, reserved, 1, EINVAL),
    IGNORED(rtm_notify_dest, result, 1),
    BAD(rtm_notify_dest, op, 0, EINVAL),
    BAD(rtm_notify_dest, op, RTM_NOTIFY_IS_MARKED + 1, EINVAL));

ABI(notify_deregister, RTM_IOC_NOTIFY_DEREGISTER, rtm_object,
    RTM_OBJECT_SIZE_VER0, S_REG, fill_notify_deregister,
    FLAGS(rtm_object, flags, 0));
#endif

#ifdef RTM_IOC_LOCK
ABI(lock, RTM_IOC_LOCK, rtm_lock, RTM_LOCK_SIZE_VER0, S_ROUTE, fill_lock,
    FLAGS(rtm_lock, flags, RTM_LOCK_EXCLUSIVE | RTM_LOCK_UNLOCK |
	  RTM_LOCK_SET_OPAQUE | RTM_LOCK_GET_OPAQUE | RTM_LOCK_ROUTE),
    BAD(rtm_lock, flags, RTM_LOCK_GET_OPAQUE | RTM_LOCK_EXCLUSIVE, EINVAL),
    BAD(rtm_lock, flags, RTM_LOCK_UNLOCK | RTM_LOCK_EXCLUSIVE, EINVAL),
    IGNORED(rtm_lock, opaque, 1));
#endif

#ifdef RTM_IOC_METHOD_GET
ABI(method_get, RTM_IOC_METHOD_GET, rtm_method_get, RTM_METHOD_GET_SIZE_VER0,
    S_REG, fill_method_get,
    FLAGS(rtm_method_get, flags, 0),
    BAD(rtm_method_get, reserved, 1, EINVAL),
    BAD(rtm_method_get, handle, 0, EBADF),
    IGNORED(rtm_method_get, count, 7));

ABI(method_invoke, RTM_IOC_METHOD_INVOKE, rtm_method_invoke,
    RTM_METHOD_INVOKE_SIZE_VER0, S_REG, fill_method_invoke,
    FLAGS(rtm_method_invoke, flags, 0),
    BAD(rtm_method_invoke, reserved, 1, EINVAL),
    BAD(rtm_method_invoke, handle, 0, EBADF),
    BAD(rtm_method_invoke, input_size, 0x7fffffff, E2BIG),
    BAD(rtm_method_invoke, cookie, 1, EBADF));

ABI(method_ctl, RTM_IOC_METHOD_CTL, rtm_method_ctl, RTM_METHOD_CTL_SIZE_VER0,
    S_REG, fill_method_ctl,
    FLAGS(rtm_method_ctl, flags, 0),
    BAD(rtm_method_ctl, reserved, 1, EINVAL),
    BAD(rtm_method_ctl, op, 0, EINVAL),
    BAD(rtm_method_ctl, op, RTM_METHOD_REPLY + 1, EINVAL),
    BAD(rtm_method_ctl, cookie, 1, EINVAL),
    BAD(rtm_method_ctl, target, 1, EOPNOTSUPP),
    BAD(rtm_method_ctl, target_type, 1, EINVAL),
    IGNORED(rtm_method_ctl, caller, 1),
    IGNORED(rtm_method_ctl, method_type, 1));
#endif
#ifdef RTM_IOC_PREFERENCE
ABI(preference, RTM_IOC_PREFERENCE, rtm_preference,
    RTM_PREFERENCE_SIZE_VER0, S_ANY, fill_preference,
    FLAGS(rtm_preference, flags, 0),
    BAD(rtm_preference, reserved, 1, EINVAL),
    BAD(rtm_preference, entry.reserved, 1, EINVAL),
    BAD(rtm_preference, op, 0, EINVAL),
    BAD(rtm_preference, op, RTM_PREF_LIST + 1, EINVAL),
    IGNORED(rtm_preference, count, 1),
    IGNORED(rtm_preference, total, 1),
    IGNORED(rtm_preference, entry.preference, 1),
    IGNORED(rtm_preference, entry.flags, 1));
#endif

/* ------------------------------------------------------------------ */
/* Calling                                                              */
/* ------------------------------------------------------------------ */

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* Two pages, so that sizes just above one page stay inside the buffer. */
static unsigned char *buf;

static unsigned char *buffer(void)
{
	if (!buf)
		buf = aligned_alloc(page_size(), 2 * page_size());
	if (buf)
		memset(buf, 0, 2 * page_size());
	return buf;
}

/*
 * A valid request of the row, built for @c into a zeroed buffer at
 * offset @off, its size field set to @usize; the ioctl's 0 or -errno.
 * The fill function runs once per context: *@req keeps the request.
 */
static int call(const FIXTURE_VARIANT(abi) *v, struct ctx *c,
		const unsigned char *req, unsigned int usize, size_t off)
{
	unsigned char *b = buffer();

	memcpy(b + off, req, v->size);
	memcpy(b + off, &usize, sizeof(usize));
	return rtm_ioctl(c->fd, v->cmd, b + off);
}

/* Open a context for the row and build its request into @req. */
#define PREPARE(c, req) do {						\
	ASSERT_NE(NULL, buffer());					\
	ASSERT_ERRNO(0, ctx_open((c), variant->setup))			\
		TH_LOG("%s: setting up", variant->name);		\
	memset((req), 0, sizeof(req));					\
	ASSERT_ERRNO(0, variant->fill((c), (req)))			\
		TH_LOG("%s: filling the request", variant->name);	\
} while (0)

#define REQ_MAX 128

TEST_F(abi, short_size)
{
	unsigned char req[REQ_MAX] __attribute__((aligned(8)));
	static const unsigned int sizes[] = { 0, 1, 4, 7, 8, 16, 24, 48 };
	unsigned int i;

	REQUIRE_RTM();
	ASSERT_GE(sizeof(req), variant->size);
	PREPARE(&self->c, req);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		if (sizes[i] < variant->ver0)
			EXPECT_ERRNO(-EINVAL, call(variant, &self->c, req,
						   sizes[i], 0))
				TH_LOG("%s size %u", variant->name, sizes[i]);
	EXPECT_ERRNO(-EINVAL, call(variant, &self->c, req, variant->ver0 - 1, 0))
		TH_LOG("%s size %u", variant->name, variant->ver0 - 1);
	EXPECT_ERRNO(0, call(variant, &self->c, req, variant->size, 0))
		TH_LOG("%s: the valid request", variant->name);
}

TEST_F(abi, exact_size)
{
	unsigned char req[REQ_MAX] __attribute__((aligned(8)));
	unsigned int usize;

	REQUIRE_RTM();
	EXPECT_LE(variant->ver0, variant->size);
	EXPECT_EQ(0U, variant->size % 8) TH_LOG("%s: size not a multiple of 8",
						variant->name);
	PREPARE(&self->c, req);
	EXPECT_ERRNO(0, call(variant, &self->c, req, variant->size, 0))
		TH_LOG("%s", variant->name);
	/* The size field comes back as it went. */
	memcpy(&usize, buf, sizeof(usize));
	EXPECT_EQ(variant->size, usize);

	/* An older, shorter version of the structure, if there is one. */
	if (variant->ver0 < variant->size) {
		PREPARE(&self->other, req);
		EXPECT_ERRNO(0, call(variant, &self->other, req, variant->ver0,
				     0))
			TH_LOG("%s size VER0 %u", variant->name, variant->ver0);
	}
}

TEST_F(abi, zero_tail)
{
	unsigned char req[REQ_MAX] __attribute__((aligned(8)));
	/* bytes beyond the structure, and misalignment of the argument */
	const struct { unsigned int extra; size_t off; } cases[] = {
		{ 8, 0 }, { 64, 0 }, { page_size() - variant->size, 0 },
		{ 8, 1 }, { 24, 3 }, { 8, 7 }, { 1, 5 },
	};
	unsigned int i, j, usize;
	bool clean;

	REQUIRE_RTM();
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		/* A fresh context each: the request succeeds. */
		if (self->c.fd >= 0)
			close(self->c.fd);
		PREPARE(&self->c, req);
		usize = variant->size + cases[i].extra;
		EXPECT_ERRNO(0, call(variant, &self->c, req, usize,
				     cases[i].off))
			TH_LOG("%s size %u offset %zu", variant->name, usize,
			       cases[i].off);
		/* The kernel writes back no more than its own size. */
		clean = true;
		for (j = variant->size; j < usize; j++)
			if (buf[cases[i].off + j])
				clean = false;
		EXPECT_TRUE(clean) TH_LOG("%s size %u: the tail was written",
					  variant->name, usize);
	}
}

TEST_F(abi, nonzero_tail)
{
	unsigned char req[REQ_MAX] __attribute__((aligned(8)));
	const unsigned int tail = 16;
	const unsigned int where[] = { 0, 7, 8, 15 };
	unsigned char *b;
	unsigned int i;

	REQUIRE_RTM();
	PREPARE(&self->c, req);
	for (i = 0; i < ARRAY_SIZE(where); i++) {
		unsigned int usize = variant->size + tail;

		b = buffer();
		memcpy(b, req, variant->size);
		memcpy(b, &usize, sizeof(usize));
		b[variant->size + where[i]] = 0x01;
		EXPECT_ERRNO(-E2BIG, rtm_ioctl(self->c.fd, variant->cmd, b))
			TH_LOG("%s: non-zero byte %u of the tail", variant->name,
			       where[i]);
	}
	/* The last byte of a whole page. */
	b = buffer();
	memcpy(b, req, variant->size);
	i = page_size();
	memcpy(b, &i, sizeof(i));
	b[page_size() - 1] = 0x80;
	EXPECT_ERRNO(-E2BIG, rtm_ioctl(self->c.fd, variant->cmd, b))
		TH_LOG("%s: non-zero last byte of a page", variant->name);

	EXPECT_ERRNO(0, call(variant, &self->c, req, variant->size, 0))
		TH_LOG("%s: the valid request", variant->name);
}

TEST_F(abi, above_page)
{
	unsigned char req[REQ_MAX] __attribute__((aligned(8)));
	const unsigned int sizes[] = {
		page_size() + 1, page_size() + 8, 2 * page_size(),
		0x80000000U, 0xFFFFFFFFU,
	};
	unsigned int i;

	REQUIRE_RTM();
	PREPARE(&self->c, req);
	/* The buffer is two pages: the kernel must not read the rest. */
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		EXPECT_ERRNO(-E2BIG, call(variant, &self->c, req, sizes[i], 0))
			TH_LOG("%s size %#x", variant->name, sizes[i]);
	EXPECT_ERRNO(0, call(variant, &self->c, req, variant->size, 0))
		TH_LOG("%s: the valid request", variant->name);
}

/* The request with one field patched. */
static int call_patched(const FIXTURE_VARIANT(abi) *v, struct ctx *c,
			const unsigned char *req, const struct bad *bad,
			uint64_t value)
{
	unsigned char patched[REQ_MAX] __attribute__((aligned(8)));

	memcpy(patched, req, v->size);
	memcpy(patched + bad->off, &value, bad->len);	/* little endian */
	return call(v, c, patched, v->size, 0);
}

TEST_F(abi, bad_fields)
{
	unsigned char req[REQ_MAX] __attribute__((aligned(8)));
	const struct bad *bad;
	unsigned int i, bit;

	REQUIRE_RTM();
	PREPARE(&self->c, req);
	for (i = 0; i < MAX_BAD && variant->bad[i].name; i++) {
		bad = &variant->bad[i];
		if (!bad->flags) {
			EXPECT_ERRNO(bad->err, call_patched(variant, &self->c,
							    req, bad,
							    bad->value))
				TH_LOG("%s: %s = %#llx", variant->name,
				       bad->name,
				       (unsigned long long)bad->value);
			continue;
		}
		for (bit = 0; bit < bad->len * 8U; bit++) {
			if (bad->value & (1ULL << bit))
				continue;
			EXPECT_ERRNO(bad->err,
				     call_patched(variant, &self->c, req, bad,
						  1ULL << bit))
				TH_LOG("%s: %s bit %u", variant->name,
				       bad->name, bit);
		}
	}
	/*
	 * None of the refusals did anything (and what the ignored outputs
	 * did can be done again): the request still succeeds.
	 */
	EXPECT_ERRNO(0, call(variant, &self->c, req, variant->size, 0))
		TH_LOG("%s: the valid request", variant->name);
}

TEST_F(abi, bad_pointer)
{
	unsigned char req[REQ_MAX] __attribute__((aligned(8)));
	void *unmapped;

	REQUIRE_RTM();
	PREPARE(&self->c, req);
	unmapped = mmap(NULL, page_size(), PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, unmapped);
	EXPECT_ERRNO(-EFAULT, rtm_ioctl(self->c.fd, variant->cmd, NULL));
	EXPECT_ERRNO(-EFAULT, rtm_ioctl(self->c.fd, variant->cmd, unmapped));
	/* The size is readable, the rest of the structure is not. */
	memcpy(buffer() + page_size() - 4, &variant->size, 4);
	ASSERT_EQ(0, mprotect(buf + page_size(), page_size(), PROT_NONE));
	EXPECT_ERRNO(-EFAULT, rtm_ioctl(self->c.fd, variant->cmd,
				       buf + page_size() - 4));
	ASSERT_EQ(0, mprotect(buf + page_size(), page_size(),
			      PROT_READ | PROT_WRITE));
	munmap(unmapped, page_size());
	EXPECT_ERRNO(0, call(variant, &self->c, req, variant->size, 0))
		TH_LOG("%s: the valid request", variant->name);
}

TEST_F(abi, registration)
{
	unsigned char req[REQ_MAX] __attribute__((aligned(8)));
	int fd;

	REQUIRE_RTM();
	PREPARE(&self->c, req);
	if (variant->setup == S_NONE) {
		/* RTM_IOC_REGISTER: one registration per file. */
		ASSERT_ERRNO(0, raw_register(self->c.fd, INST, AF_INET, PROTO,
					     ++seq, 0, NULL));
		EXPECT_ERRNO(-EBUSY, call(variant, &self->c, req,
					  variant->size, 0));
		/* ... even after it ended. */
		ASSERT_ERRNO(0, rtm_ioctl(self->c.fd, RTM_IOC_DEREGISTER,
					  &(struct rtm_deregister){
						.size = sizeof(struct rtm_deregister) }));
		EXPECT_ERRNO(-EBUSY, call(variant, &self->c, req,
					  variant->size, 0));
		return;
	}
	if (variant->setup == S_ANY) {
		/* Namespace-wide: the same with a registration as without. */
		EXPECT_ERRNO(0, call(variant, &self->c, req, variant->size, 0));
		ASSERT_ERRNO(0, raw_register(self->c.fd, INST, AF_INET, PROTO,
					     ++seq, 0, NULL));
		EXPECT_ERRNO(0, call(variant, &self->c, req, variant->size, 0))
			TH_LOG("%s on a registered file", variant->name);
		return;
	}
	/* Everything else needs one: on a file without, -EBADF. */
	fd = self->c.fd;
	self->c.fd = rtm_open();
	ASSERT_LE(0, self->c.fd);
	EXPECT_ERRNO(-EBADF, call(variant, &self->c, req, variant->size, 0))
		TH_LOG("%s on a file without a registration", variant->name);
	close(self->c.fd);
	self->c.fd = fd;
	EXPECT_ERRNO(0, call(variant, &self->c, req, variant->size, 0))
		TH_LOG("%s: the valid request", variant->name);
}

/* ------------------------------------------------------------------ */
/* Unknown ioctls, and the table covering every known one               */
/* ------------------------------------------------------------------ */

static const FIXTURE_VARIANT(abi) *row_of_nr(unsigned int nr)
{
	struct __fixture_variant_metadata *v;

	for (v = _abi_fixture_object.variant; v; v = v->next) {
		const FIXTURE_VARIANT(abi) *row = v->data;

		if (_IOC_NR(row->cmd) == nr)
			return row;
	}
	return NULL;
}

static void check_enotty(struct __test_metadata *_metadata, int fd,
			 unsigned long cmd)
{
	unsigned char *b = buffer();
	unsigned int usize = sizeof(struct rtm_register);
	unsigned int i;
	bool clean = true;

	memcpy(b, &usize, sizeof(usize));
	EXPECT_ERRNO(-ENOTTY, rtm_ioctl(fd, cmd, b))
		TH_LOG("cmd %#lx", cmd);
	for (i = sizeof(usize); i < page_size(); i++)
		if (b[i])
			clean = false;
	EXPECT_TRUE(clean) TH_LOG("cmd %#lx wrote to its argument", cmd);
}

TEST(unknown_ioctls)
{
	const unsigned int dirs[] = {
		_IOC_NONE, _IOC_READ, _IOC_WRITE,
	};
	struct __fixture_variant_metadata *v;
	unsigned int i, sz = sizeof(struct rtm_register);
	int fds[2];
	int f;

	REQUIRE_RTM();
	ASSERT_NE(NULL, buffer());
	fds[0] = rtm_open();
	ASSERT_LE(0, fds[0]);
	fds[1] = rtm_open();
	ASSERT_LE(0, fds[1]);
	ASSERT_ERRNO(0, raw_register(fds[1], INST, AF_INET, PROTO, 1, 0, NULL));

	for (f = 0; f < 2; f++) {
		/* Numbers nobody uses, and other magics. */
		check_enotty(_metadata, fds[f], 0);
		check_enotty(_metadata, fds[f], _IOWR('R', 0x00, struct rtm_register));
		check_enotty(_metadata, fds[f], _IOWR('R', RTM_IOC_BASE - 1,
						     struct rtm_register));
		check_enotty(_metadata, fds[f], _IOWR('R', 0xfe, struct rtm_register));
		check_enotty(_metadata, fds[f], _IOWR('R', 0xff, struct rtm_register));
		check_enotty(_metadata, fds[f], _IOWR('r', _IOC_NR(RTM_IOC_REGISTER),
						     struct rtm_register));
		check_enotty(_metadata, fds[f], _IOWR(0, _IOC_NR(RTM_IOC_REGISTER),
						     struct rtm_register));
		/*
		 * Retired: 0x5d was RTM_IOC_BENCH_LOOKUP (a 40-byte argument),
		 * which moved to the benchmark's own module.
		 */
		check_enotty(_metadata, fds[f],
			     _IOC(_IOC_READ | _IOC_WRITE, RTM_IOC_MAGIC, 0x5d, 40));
		/* Known numbers in the wrong direction. */
		for (v = _abi_fixture_object.variant; v; v = v->next) {
			const FIXTURE_VARIANT(abi) *row = v->data;

			for (i = 0; i < ARRAY_SIZE(dirs); i++)
				check_enotty(_metadata, fds[f],
					     _IOC(dirs[i], RTM_IOC_MAGIC,
						  _IOC_NR(row->cmd), sz));
		}
	}
	close(fds[0]);
	close(fds[1]);
}

/*
 * Every ioctl the module answers has a row above: numbers without one
 * must be unknown to it.  When this fails, add the new ioctl's row.
 */
TEST(coverage)
{
	unsigned int nr;
	int fd;

	REQUIRE_RTM();
	ASSERT_NE(NULL, buffer());
	fd = rtm_open();
	ASSERT_LE(0, fd);
	ASSERT_ERRNO(0, raw_register(fd, INST, AF_INET, PROTO, 1, 0, NULL));
	for (nr = 0; nr < 256; nr++) {
		if (row_of_nr(nr))
			continue;
		check_enotty(_metadata, fd,
			     _IOC(_IOC_READ | _IOC_WRITE, RTM_IOC_MAGIC, nr,
				  sizeof(struct rtm_register)));
	}
	close(fd);
}

TEST_HARNESS_MAIN
