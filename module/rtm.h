/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtm: internal types shared by the files of the module.
 *
 * Object model: every object a handle can name (entity, dest, route, next
 * hop, enumeration, route list, subscription) starts with a struct rtm_obj:
 * a reference count, its kind and its handle id.  The id is given the first
 * time the object is handed to userspace and is never reused while the
 * module is loaded, so a stale handle can never reach a newer object.  The
 * per-namespace XArray maps ids to objects for as long as the object lives.
 *
 * Each open file of /dev/rtm is a struct rtm_reg, which holds at most one
 * registered entity and counts the references it holds on objects, by id.
 *
 * Locking order: rtm_net.lock -> rtm_table.lock -> rtm_reg.hold_lock ->
 * rtm_reg.ev_lock.
 */
#ifndef _RTM_H
#define _RTM_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/refcount.h>
#include <linux/xarray.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/list.h>
#include <linux/wait.h>
#include <linux/rcupdate.h>
#include <linux/atomic.h>
#include <linux/poll.h>
#include <linux/rbtree.h>
#include <linux/rhashtable-types.h>
#include <linux/workqueue.h>
#include <linux/rtm.h>
#include <linux/export.h>
#include <kunit/visibility.h>

#include "compat.h"
#include "lpm.h"

struct net;
struct rtm_net;
struct rtm_table;
struct rtm_reg;
struct rtm_entity;
struct rtm_dest;
struct rtm_route;
struct rtm_nexthop;
struct rtm_attr;
struct rtm_methods;
struct mem_cgroup;

/* Object kinds; the uapi mask bit of kind k is 1 << (k - 1). */
enum rtm_kind {
	RTM_OBJ_ENTITY = 1,
	RTM_OBJ_DEST,
	RTM_OBJ_ROUTE,
	RTM_OBJ_NEXTHOP,
	RTM_OBJ_ENUM,
	RTM_OBJ_ROUTE_LIST,
	RTM_OBJ_NOTIFY,
	RTM_OBJ_MAX = RTM_OBJ_NOTIFY,
};

/*
 * Allocations a caller causes: charged to its memory cgroup, and failing
 * with -ENOMEM rather than invoking the OOM killer when the cgroup (or the
 * machine) is out of memory, and quietly, as a caller can make them fail
 * at will.
 */
#define RTM_GFP	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

void *rtm_memdup_user(u64 uptr, size_t n, size_t size);

/*
 * Internals that rtm's test modules use (the KUnit suites' rtm_kunit.ko and
 * the benchmark's rtm_bench.ko, which must build without KUnit too) go to
 * a symbol namespace of their own, which a module has to import by name:
 * no other module links against them by chance.  Symbols only the KUnit
 * suites use stay EXPORT_SYMBOL_IF_KUNIT; a symbol is exported once.
 */
#define RTM_EXPORT_INTERNAL(sym)	EXPORT_SYMBOL_NS_GPL(sym, RTM_INTERNAL)

#define RTM_KIND_MASK(kind)	(1U << ((kind) - 1))
#define RTM_KIND_ALL		(RTM_KIND_MASK(RTM_OBJ_MAX + 1) - 1)

/* A handle is the object's kind in the top byte and its id below. */
#define RTM_HANDLE_KIND_SHIFT	56
#define RTM_ID_MASK		((1ULL << RTM_HANDLE_KIND_SHIFT) - 1)

struct rtm_obj {
	refcount_t ref;
	u8 kind;	/* enum rtm_kind */
	u8 state;	/* kind specific */
	u16 flags;	/* kind specific */
	u64 id;		/* handle id; 0 until first handed out */
};

static inline u64 rtm_handle_of(const struct rtm_obj *obj)
{
	return ((u64)obj->kind << RTM_HANDLE_KIND_SHIFT) | READ_ONCE(obj->id);
}

static inline void rtm_obj_init(struct rtm_obj *obj, enum rtm_kind kind)
{
	refcount_set(&obj->ref, 1);
	obj->kind = kind;
	obj->state = 0;
	obj->flags = 0;
	obj->id = 0;
}

/*
 * Whether an XArray holds no entry.  Not xa_empty(): a store that failed
 * for want of memory can leave empty nodes behind, until xa_destroy().
 */
static inline bool rtm_xa_unused(struct xarray *xa)
{
	unsigned long index = 0;

	return !xa_find(xa, &index, ULONG_MAX, XA_PRESENT);
}

static inline void rtm_obj_get(struct rtm_obj *obj)
{
	refcount_inc(&obj->ref);
}

void rtm_obj_put(struct rtm_obj *obj);

/* Module parameters (main.c). */
extern unsigned int rtm_max_nexthops_in_route;
extern unsigned int rtm_max_handles_in_enum;
extern unsigned int rtm_max_holds;
extern unsigned int rtm_max_instances;
extern unsigned int rtm_event_queue_len;
extern unsigned int rtm_opaque_slots;
extern unsigned int rtm_max_routes;
extern unsigned int rtm_max_routes_per_dest;
extern unsigned int rtm_max_enums;
extern unsigned int rtm_max_lists;
extern unsigned int rtm_max_nexthops;

/* The timers of routes and dests run here (main.c). */
extern struct workqueue_struct *rtm_wq;

#define RTM_MAX_NEXTHOPS	32	/* bound of max_nexthops_in_route */
#define RTM_MAX_SUBS		32	/* change subscriptions per table */
#define RTM_VIEWS_SUPPORTED	0x3U	/* unicast and multicast */
#define RTM_NUM_VIEWS		2

/*
 * Dests a walk looks at in one RCU read-side section or one hold of a
 * table lock before it lets others in: the walks over a whole table
 * (dumps, enumerations, overflowed change queues) are made of such steps.
 */
#define RTM_WALK_BUDGET		256

/* Per network namespace state (netns.c). */
struct rtm_net {
	struct net *net;
	struct xarray objs;		/* handle id -> struct rtm_obj */
	struct mutex lock;		/* protects @tables */
	struct list_head tables;
	struct proc_dir_entry *proc;
	struct mutex pref_lock;		/* serialises changes of @prefs */
	struct rtm_prefs __rcu *prefs;	/* default preferences, or NULL: built-in */
	struct {
		atomic_long_t tables;
		atomic_long_t entities;
		atomic_long_t handles;	/* objects with an id */
		atomic_long_t holds;	/* references held by registrations */
		atomic_long_t events_queued;
		atomic_long_t events_lost;
	} stats;
};

struct rtm_net *rtm_net(const struct net *net);
int rtm_net_setup(struct rtm_net *rn, struct net *net);
void rtm_net_teardown(struct rtm_net *rn);
int rtm_netns_register(void);

/* Default preferences by protocol (pref.c). */
struct rtm_prefs;
u32 rtm_pref_default(struct rtm_net *rn, u32 proto);
void rtm_prefs_init(struct rtm_net *rn);
void rtm_prefs_exit(struct rtm_net *rn);
int rtm_pref_ioctl(struct rtm_reg *reg, void *data);
void rtm_netns_unregister(void);

/* One routing table: an (RTM instance, address family) pair (netns.c). */
struct rtm_table {
	struct list_head node;		/* in rtm_net.tables */
	struct rtm_net *rn;
	u16 instance;
	u16 family;
	u8 addr_len;			/* 4 or 16 */
	struct mutex lock;		/* serialises writers of the table */
	struct list_head entities;	/* registration order */
	unsigned int nentities;
	unsigned long *opaque_used;	/* bitmap of rtm_opaque_slots */

	struct rtm_lpm dests;		/* dests by prefix */
	struct rhashtable attrs;	/* shared route attributes */
	struct xarray dest_ext;		/* dest id -> struct rtm_dest_ext */
	struct xarray route_ext;	/* route id -> struct rtm_route_ext */
	struct rb_root expiry;		/* armed route_ext by expiry time */
	struct delayed_work expiry_work;

	wait_queue_head_t lock_wait;	/* for client locks (lock.c) */
	struct rtm_notify *subs[RTM_MAX_SUBS];	/* change subscriptions */
	u32 subs_used;

	/* under @lock; read locklessly for statistics */
	unsigned long ndests;
	unsigned long nroutes;
	unsigned long nslotted;		/* of them, in their dest's slot */
	unsigned long nnexthops;
	unsigned long nattrs;
	size_t attr_bytes;
};

struct rtm_table *rtm_table_get(struct rtm_net *rn, u16 instance, u16 family);
struct rtm_table *rtm_table_find(struct rtm_net *rn, u16 instance, u16 family);
void rtm_table_destroy(struct rtm_table *t);
size_t rtm_table_bytes(struct rtm_table *t);

/* Handles and the references registrations hold (handle.c). */
int rtm_obj_publish(struct rtm_net *rn, struct rtm_obj *obj);
int rtm_obj_reserve(struct rtm_net *rn, struct rtm_obj *obj);
void rtm_obj_commit(struct rtm_net *rn, struct rtm_obj *obj);
void rtm_obj_cancel(struct rtm_net *rn, struct rtm_obj *obj);
void rtm_obj_unpublish(struct rtm_net *rn, struct rtm_obj *obj);
struct rtm_obj *rtm_obj_lookup(struct rtm_net *rn, u64 handle, u32 kinds);
enum rtm_hold_class {
	RTM_HOLD_NORMAL,
	RTM_HOLD_CHANGED,	/* RtmGetChangedDests' dest handles */
};

int rtm_hold_class(struct rtm_reg *reg, struct rtm_obj *obj,
		   enum rtm_hold_class class, u64 *handle);
int rtm_hold(struct rtm_reg *reg, struct rtm_obj *obj, u64 *handle);
int rtm_hold_prepare(struct rtm_reg *reg, struct rtm_obj *obj);
u64 rtm_hold_commit(struct rtm_reg *reg, struct rtm_obj *obj);
void rtm_hold_abort(struct rtm_reg *reg, struct rtm_obj *obj);
int rtm_hold_many(struct rtm_reg *reg, struct rtm_obj **objs, unsigned int n,
		  u64 *handles);
void rtm_hold_consume(struct rtm_reg *reg, struct rtm_obj *obj);
int rtm_handles_peek(struct rtm_reg *reg, struct rtm_obj **objs,
		     unsigned int n, u64 *handles);
int rtm_holds_release(struct rtm_reg *reg, u64 *handles, u32 count, u32 kinds);
int rtm_holds_release_class(struct rtm_reg *reg, u64 *handles, u32 count,
			    u32 kinds, bool changed);
int rtm_holds_reference(struct rtm_reg *reg, u64 *handles, u32 count, u32 kinds);
void rtm_holds_drop_all(struct rtm_reg *reg);
unsigned long rtm_holds_count(struct rtm_reg *reg, u64 handle);
int rtm_hold_adopt(struct rtm_reg *reg, struct rtm_obj *obj, bool *merged);

/*
 * Hold records: a batch of handles handed out together (hold_batch.c).
 * Records per registration, and handles in one.
 */
#define RTM_HOLD_BATCHES	16
#define RTM_HOLD_BATCH_MAX	1024
struct rtm_hold_batch;

int rtm_hold_batch(struct rtm_reg *reg, struct rtm_obj **objs, unsigned int n,
		   u64 *handles);
bool rtm_hold_batch_release_run(struct rtm_reg *reg, u64 *handles, u32 count,
				u32 kinds);
u64 rtm_hold_batch_take(struct rtm_reg *reg, u64 handle);
bool rtm_hold_batch_token(u64 v);
void rtm_hold_batch_untake(struct rtm_reg *reg, u64 token);
struct rtm_obj *rtm_hold_batch_commit(struct rtm_reg *reg, u64 token);
void rtm_hold_batches_reap(struct rtm_reg *reg);
unsigned long rtm_hold_batch_count(struct rtm_reg *reg, u64 handle);
int rtm_hold_batches_spill(struct rtm_reg *reg);
void rtm_hold_batches_drop_all(struct rtm_reg *reg);

/* Entities (entity.c). */
enum rtm_entity_state {
	RTM_ENTITY_ALIVE = 1,
	RTM_ENTITY_GONE,
};

struct rtm_entity {
	struct rtm_obj obj;
	struct rtm_table *table;
	struct list_head node;		/* in rtm_table.entities */
	struct rtm_reg *reg;		/* NULL once deregistered */
	struct rtm_entity_info info;
	u32 reg_flags;			/* RTM_REGISTER_* */
	u32 num_methods;
	int opaque_slot;		/* -1 when none reserved */
	pid_t pid;			/* thread group that registered it */
	struct rb_root nexthops;	/* next hops by key, under table lock */
	unsigned int nnexthops;		/* in @nexthops */
	unsigned long nroutes;		/* live routes, under table lock */
	unsigned long nheld;		/* deleted ones in hold-down, too */
	struct list_head expired;	/* expired routes not yet signalled */
	unsigned long nbacklog;		/* events waiting for room */
	struct list_head subs;		/* its change subscriptions */
	struct list_head enums;		/* its enumerations */
	unsigned int nenums;
	struct list_head lists;		/* its route lists */
	unsigned int nlists;
	struct list_head locks;		/* its client locks (lock.c) */
	unsigned int nlocks;
	struct rtm_methods *methods;	/* method.c, made on first use */
	struct rcu_head rcu;
};

static inline struct rtm_entity *rtm_entity_of(struct rtm_obj *obj)
{
	return container_of(obj, struct rtm_entity, obj);
}

static inline bool rtm_entity_alive(const struct rtm_entity *e)
{
	return READ_ONCE(e->obj.state) == RTM_ENTITY_ALIVE;
}

int rtm_entity_deregister(struct rtm_reg *reg);
struct rtm_entity *rtm_entity_lookup(struct rtm_reg *reg,
				     struct rtm_entity *self, u64 handle);
struct rtm_entity *rtm_reg_entity_lookup(struct rtm_reg *reg, u64 handle);
void rtm_entity_release(struct rtm_entity *e);

/*
 * ioctl handlers: each takes the caller's registration and the argument
 * structure of its command, copied in and validated for size.
 */
int rtm_entity_register(struct rtm_reg *reg, void *data);
int rtm_entity_deregister_ioctl(struct rtm_reg *reg, void *data);
int rtm_entity_list(struct rtm_reg *reg, void *data);
int rtm_entity_info(struct rtm_reg *reg, void *data);
int rtm_handles_reference_ioctl(struct rtm_reg *reg, void *data);
int rtm_handles_release_ioctl(struct rtm_reg *reg, void *data);

/* Deferred frees after an RCU grace period, for objects without an rcu_head (gc.c). */
void rtm_gc_free(struct kmem_cache *cache, void *obj);

/*
 * Slab objects allocated together for a chunk of bulk changes and handed
 * out one at a time (stock.c).
 */
#define RTM_STOCK_SIZE	256

struct rtm_stock {
	struct kmem_cache *cache;
	unsigned int n;			/* objects in @obj */
	void *obj[RTM_STOCK_SIZE];
};

void rtm_stock_init(struct rtm_stock *s, struct kmem_cache *cache);
bool rtm_stock_refill(struct rtm_stock *s, unsigned int want);

/**
 * rtm_stock_alloc - an object of the stock, uninitialised
 * @s: the stock
 * @want: how many objects the rest of the chunk may take, this one
 *	included: what a refill asks for (at most RTM_STOCK_SIZE)
 *
 * Return: the object, or NULL when none could be allocated.
 */
static inline void *rtm_stock_alloc(struct rtm_stock *s, unsigned int want)
{
	if (!s->n && !rtm_stock_refill(s, want))
		return NULL;
	return s->obj[--s->n];
}
void rtm_stock_free(struct rtm_stock *s, void *obj);
void rtm_stock_drain(struct rtm_stock *s);

/*
 * What the routes one chunk of a bulk add applies share (bulk.c): the time
 * they are made at, and stocks of dests and routes for them.
 */
struct rtm_chunk {
	u64 now;			/* a FILETIME, read once per chunk */
	unsigned int left;		/* entries not applied yet */
	struct rtm_stock dests;
	struct rtm_stock routes;
};
void rtm_gc_flush(void);
void rtm_gc_exit(void);

/* Next hops (nexthop.c): private to their owner, keyed by (address, ifindex). */
struct rtm_nexthop {
	struct rtm_obj obj;		/* state: RTM_NEXTHOP_STATE_*; flags: RTM_NEXTHOP_FLAGS_* */
	struct rb_node node;		/* in the owner's tree while CREATED */
	struct rtm_entity *owner;	/* held */
	struct rtm_net_address addr;	/* masked to its length */
	u32 ifindex;
	u64 esi;			/* EntitySpecificInfo */
	struct rtm_dest *remote;	/* REMOTE: dest covering addr (held), or NULL */
	struct rcu_head rcu;
};

static inline struct rtm_nexthop *rtm_nexthop_of(struct rtm_obj *obj)
{
	return container_of(obj, struct rtm_nexthop, obj);
}

struct rtm_nexthop *rtm_nexthop_lookup(struct rtm_reg *reg,
				       struct rtm_entity *self, u64 handle);
void rtm_nexthop_put(struct rtm_nexthop *nh);
void rtm_nexthop_put_locked(struct rtm_table *t, struct rtm_nexthop *nh);
void rtm_nexthops_flush(struct rtm_entity *e);
struct rtm_nexthop *rtm_nexthop_seek(struct rtm_entity *e,
				     const struct rtm_net_address *a,
				     u32 ifindex, bool inclusive);
struct rtm_nexthop *rtm_nexthop_next(struct rtm_nexthop *nh);
int rtm_nexthop_add_ioctl(struct rtm_reg *reg, void *data);
int rtm_nexthop_find_ioctl(struct rtm_reg *reg, void *data);
int rtm_nexthop_delete_ioctl(struct rtm_reg *reg, void *data);
int rtm_nexthop_info_ioctl(struct rtm_reg *reg, void *data);

/*
 * Route attributes (attr.c): what a route says besides its dest, owner and
 * EntitySpecificInfo.  Immutable once made and shared by every route of the
 * table with the same values, so that a route changes them with one
 * pointer and readers always see a consistent set.
 */
struct rtm_attr {
	struct rhash_head node;		/* in rtm_table.attrs */
	refcount_t ref;
	u32 metric;
	u32 pref;
	u32 views;
	u16 flags;			/* RTM_ROUTE_FLAGS_* */
	u8 flags1;
	u8 nnh;
	struct rtm_nexthop *neighbour;	/* held, or NULL */
	struct rcu_head rcu;
	struct rtm_nexthop *nh[];	/* held */
};

/*
 * Whether a route with attributes @a is better than one with @b: a lower
 * preference, then a lower metric.  Among equals the older route wins.
 */
static inline bool rtm_attr_better(const struct rtm_attr *a,
				   const struct rtm_attr *b)
{
	return a->pref < b->pref || (a->pref == b->pref && a->metric < b->metric);
}

/*
 * Whether two attributes are the same, in every field that the table's
 * set of shared attributes hashes.
 */
static inline bool rtm_attr_equal(const struct rtm_attr *a,
				  const struct rtm_attr *b)
{
	return a->metric == b->metric && a->pref == b->pref &&
	       a->views == b->views && a->flags == b->flags &&
	       a->flags1 == b->flags1 && a->nnh == b->nnh &&
	       a->neighbour == b->neighbour &&
	       !memcmp(a->nh, b->nh, a->nnh * sizeof(a->nh[0]));
}

struct rtm_attr *rtm_attr_get(struct rtm_table *t, const struct rtm_attr *tmpl);
void rtm_attr_put_locked(struct rtm_table *t, struct rtm_attr *a);
int rtm_attrs_init(struct rtm_table *t);
void rtm_attrs_destroy(struct rtm_table *t);

/*
 * Destinations (dest.c): one per prefix of a table, in the table's trie
 * from its first reference to its last: routes, handles, a hold-down and
 * next hops resolved through it all hold one.  Prefix bits beyond the
 * length are zero.
 */
#define RTM_DEST_EXT	BIT(0)		/* has a struct rtm_dest_ext */
#define RTM_DEST_SLOT_USED BIT(1)	/* its route slot has been taken */

/*
 * A dest is allocated with room for one route just before it, which its
 * first route takes (rtm_dest_slot()): a lookup then reads the dest's
 * @routes and the route's @next and @attr, the last fields of the route,
 * from adjacent memory, usually one cache line.  The slot is taken once:
 * the route in it may outlive its deletion, held by handles, and later
 * routes come from the route cache.
 */
struct rtm_dest {
	struct rtm_route __rcu *routes;	/* in order of creation */
	struct rtm_obj obj;		/* state: prefix length; flags: RTM_DEST_* */
	struct rtm_table *table;
	u64 changed;			/* LastChanged, as a FILETIME */
	u32 pending;			/* subscriptions with a change queued */
	u8 addr[];			/* t->addr_len bytes */
};

static inline struct rtm_dest *rtm_dest_of(struct rtm_obj *obj)
{
	return container_of(obj, struct rtm_dest, obj);
}

static inline u8 rtm_dest_plen(const struct rtm_dest *d)
{
	return d->obj.state;
}

/* Hold-down and other rarely used state of a dest (dest.c). */
struct rtm_dest_ext {
	struct rtm_dest *dest;
	u32 hold_views;			/* views marked for hold-down */
	u32 hold_ms;			/* longest hold time asked */
	struct rtm_route *hold[RTM_NUM_VIEWS];	/* held-down routes (held) */
	unsigned long hold_start;	/* jiffies: the last view held */
	unsigned long hold_until;	/* jiffies: @hold_start + @hold_ms */
	struct delayed_work hold_work;	/* ends the hold-down */
	unsigned int readers;		/* client locks (lock.c) */
	struct rtm_entity *writer;
	u64 *opaque;			/* opaque pointer slots, or NULL */
	struct rcu_head rcu;
};

struct rtm_dest *rtm_dest_lookup(struct rtm_reg *reg, struct rtm_entity *self,
				 u64 handle);
struct rtm_dest *rtm_dest_find_or_create(struct rtm_table *t,
					 const struct rtm_net_address *a,
					 struct rtm_chunk *c);
void rtm_dest_stock_init(struct rtm_stock *s, const struct rtm_table *t);
bool rtm_dest_accept(void *value, void *arg);
bool rtm_dest_covers(const struct rtm_table *t, const u8 *key, u8 plen,
		     const u8 *pkey, u8 pplen);
struct rtm_dest *rtm_dest_longest(struct rtm_table *t, const u8 *key, u8 maxlen,
				  u32 views);
void rtm_dest_put(struct rtm_dest *d);
void rtm_dest_put_locked(struct rtm_dest *d);
void rtm_dest_get(struct rtm_dest *d);
bool rtm_dest_get_unless_zero(struct rtm_dest *d);
int rtm_dest_key(const struct rtm_table *t, const struct rtm_net_address *a,
		 u8 *key);
void rtm_dest_touch(struct rtm_dest *d);

/* The dest changed at @now, a FILETIME. */
static inline void rtm_dest_touch_at(struct rtm_dest *d, u64 now)
{
	WRITE_ONCE(d->changed, now);
}
void rtm_dest_hold_route(struct rtm_dest *d, struct rtm_route *r, u32 views);
struct rtm_dest_ext *rtm_dest_ext(struct rtm_dest *d);
struct rtm_dest_ext *rtm_dest_ext_get(struct rtm_dest *d);
void rtm_dests_flush_holds(struct rtm_table *t);
u64 rtm_filetime_now(void);
/*
 * A dest's state as a dest info reports it, with references on everything
 * it names, taken under RCU and turned into handles afterwards.
 */
#define RTM_DEST_SNAP_HANDLES	(1 + 3 * RTM_NUM_VIEWS)

struct rtm_dest_snap {
	struct rtm_dest *dest;
	u64 changed;
	u32 belongs;
	u32 nviews;
	struct {
		u32 view_id;
		u32 num_routes;
		u32 flags;
		struct rtm_route *route;
		struct rtm_route *hold;
	} v[RTM_NUM_VIEWS];
};

void rtm_dest_snap_take(struct rtm_dest *d, u32 views, u32 proto,
			struct rtm_dest_snap *s);
bool rtm_dest_snap_try(struct rtm_dest *d, u32 views, u32 proto,
		       struct rtm_dest_snap *s);
void rtm_dest_snap_drop(struct rtm_dest_snap *s);
unsigned int rtm_dest_snap_objs(const struct rtm_dest_snap *s,
				struct rtm_obj **objs);
unsigned int rtm_dest_snap_write(const struct rtm_dest_snap *s,
				 const u64 *handles, struct rtm_dest_info *info);
int rtm_dest_snap_fill(struct rtm_reg *reg, struct rtm_dest_snap *s,
		       struct rtm_dest_info *info, u64 *held,
		       unsigned int *nheld, enum rtm_hold_class dest_class);
bool rtm_dest_visible(struct rtm_dest *d, u32 views);
int rtm_dest_info_copy(struct rtm_reg *reg, struct rtm_dest *d, u32 views,
		       u32 proto, struct rtm_dest_info __user *uinfo);
int rtm_dest_get_ioctl(struct rtm_reg *reg, void *data);
int rtm_dest_hold_ioctl(struct rtm_reg *reg, void *data);
size_t rtm_dest_size(const struct rtm_table *t);
int rtm_dests_init(void);
void rtm_dests_exit(void);

/* Routes (route.c). */
#define RTM_ROUTE_EXT	BIT(0)		/* has a struct rtm_route_ext */

/*
 * A lookup reads a route's @attr and @next: side by side, they share a cache
 * line in all but one of the eight places a 56-byte object can start at.
 */
struct rtm_route {
	struct rtm_obj obj;		/* state: RTM_ROUTE_STATE_*; flags: RTM_ROUTE_* */
	struct rtm_dest *dest;		/* held */
	struct rtm_entity *owner;	/* held */
	u64 esi;			/* EntitySpecificInfo */
	/* last, next to the dest's @routes when in its slot */
	struct rtm_route __rcu *next;	/* in the dest's list */
	struct rtm_attr __rcu *attr;	/* held */
};

/* The route slot before @d (struct rtm_dest), and whether @r is in it */
static inline struct rtm_route *rtm_dest_slot(struct rtm_dest *d)
{
	return (struct rtm_route *)d - 1;
}

static inline bool rtm_route_in_slot(struct rtm_route *r)
{
	return r == rtm_dest_slot(r->dest);
}

static inline struct rtm_route *rtm_route_of(struct rtm_obj *obj)
{
	return container_of(obj, struct rtm_route, obj);
}

/*
 * Time to live, list membership and other rarely used state of a route,
 * found by the route's id.
 */
struct rtm_route_ext {
	struct rtm_route *route;
	struct rb_node node;		/* in rtm_table.expiry while armed */
	unsigned long expires;		/* jiffies */
	bool armed;
	bool expired;			/* ran out and not refreshed since */
	struct list_head expired_node;	/* in the owner's backlog */
	struct rtm_route_list *list;	/* the list the route is in, or NULL */
	unsigned long list_seq;		/* its index there */
	struct rcu_head rcu;
};

#define RTM_TTL_INFINITE	U32_MAX

struct rtm_route_ext *rtm_route_ext(struct rtm_route *r);
int rtm_route_ext_prepare(struct rtm_route *r, struct rtm_route_ext **prep);
void rtm_route_ext_install(struct rtm_route *r, struct rtm_route_ext *prep);
void rtm_route_ext_abort(struct rtm_table *t, struct rtm_route_ext *prep);

/* The state of a dest's best routes, to tell what a change changed. */
struct rtm_best {
	struct rtm_route *route[RTM_NUM_VIEWS];
	struct rtm_attr *attr[RTM_NUM_VIEWS];
};

/* An add or update of a route, as the ioctls give it. */
struct rtm_route_req {
	struct rtm_route *update;	/* route to update (held), or NULL */
	struct rtm_net_address dest;
	u32 change_flags;		/* in: RTM_ROUTE_CHANGE_FIRST/NEW; out */
	u32 ttl;			/* ms, U32_MAX: never */
	u64 esi;
	struct rtm_attr *attr;		/* held by the request */
	struct rtm_route_list *list;	/* list to move the route into, or NULL */
	struct rtm_route *route;	/* out: the route (held) when asked */
	bool want_route;
	struct rtm_reg *hold;		/* hand it to this registration, or NULL */
	u64 handle;			/* out: the handle it got */
	/*
	 * The bulk add's chunk, or NULL; with no subscriber, its adds leave
	 * RTM_ROUTE_CHANGE_BEST out of @change_flags, which bulk adds do not
	 * report.
	 */
	struct rtm_chunk *chunk;
};

struct rtm_route *rtm_route_lookup(struct rtm_reg *reg, struct rtm_entity *self,
				   u64 handle);
struct rtm_route *rtm_route_best(struct rtm_dest *d, u32 views, u32 proto);

#define rtm_deref(p, t) rcu_dereference_check(p, lockdep_is_held(&(t)->lock))

/**
 * rtm_route_best_attr - the best route of a dest in some views, and the
 * attributes it was chosen by
 * @d: the dest; under RCU or the table lock
 * @views: RTM_VIEW_MASK_* the route must belong to one of
 * @proto: protocol id its owner must have, or 0 for any
 * @attr: set to the route's attributes as read when choosing it, which a
 *	concurrent update may have replaced since; valid as long as the RCU
 *	read side or the table lock is held
 *
 * Inline: lookups, dumps and enumerations choose a best route per dest.
 *
 * Return: the route, or NULL.  No reference is taken.
 */
static inline struct rtm_route *
rtm_route_best_attr(struct rtm_dest *d, u32 views, u32 proto,
		    struct rtm_attr **attr)
{
	struct rtm_route *r, *best = NULL;
	struct rtm_attr *a, *ba = NULL;

	for (r = rtm_deref(d->routes, d->table); r;
	     r = rtm_deref(r->next, d->table)) {
		a = rtm_deref(r->attr, d->table);
		if (!(a->views & views))
			continue;
		if (proto && r->owner->info.protocol_id != proto)
			continue;
		if (!ba || rtm_attr_better(a, ba)) {
			best = r;
			ba = a;
		}
	}
	*attr = ba;
	return best;
}
void rtm_best_save(struct rtm_dest *d, struct rtm_best *b);
int rtm_route_apply(struct rtm_entity *self, struct rtm_route_req *req);
int rtm_route_delete_locked(struct rtm_route *r, u32 *change_flags);
void rtm_route_put(struct rtm_route *r);
void rtm_route_put_locked(struct rtm_route *r);
void rtm_routes_flush(struct rtm_entity *e);
size_t rtm_route_size(void);
void rtm_route_stock_init(struct rtm_stock *s);
int rtm_routes_init(void);
void rtm_routes_exit(void);
/* A route info as a client gives it, with its next hop handles. */
struct rtm_route_in {
	struct rtm_route_info info;
	u64 nh[RTM_MAX_NEXTHOPS];
};

int rtm_route_in_copy(struct rtm_route_in *in,
		      const struct rtm_route_info __user *uinfo);
int rtm_attr_resolve(struct rtm_reg *reg, struct rtm_entity *self,
		     const struct rtm_route_in *in, struct rtm_attr *tmpl);
void rtm_attr_tmpl_put(struct rtm_attr *tmpl);
bool rtm_route_matches(struct rtm_route *r, struct rtm_attr *a, u32 match,
		       const struct rtm_route_info *c, const u64 *cnh,
		       u32 ifindex);
int rtm_route_add_ioctl(struct rtm_reg *reg, void *data);
int rtm_route_delete_ioctl(struct rtm_reg *reg, void *data);
int rtm_route_info_ioctl(struct rtm_reg *reg, void *data);
int rtm_route_exact_ioctl(struct rtm_reg *reg, void *data);

/* Time to live (expire.c). */
void rtm_route_ttl_set(struct rtm_route *r, u32 ttl);
void rtm_route_ttl_stop(struct rtm_route *r);
bool rtm_route_expired(struct rtm_route *r);
void rtm_expired_deliver(struct rtm_entity *e);
void rtm_expired_flush(struct rtm_entity *e);
void rtm_expiry_init(struct rtm_table *t);
void rtm_expiry_stop(struct rtm_table *t);

/* Entity-private route lists (rlist.c). */
enum rtm_list_state {
	RTM_LIST_LIVE = 1,
	RTM_LIST_DELETED,
};

struct rtm_route_list {
	struct rtm_obj obj;		/* state: enum rtm_list_state */
	struct rtm_entity *owner;	/* held */
	struct list_head node;		/* in the owner's lists */
	struct xarray routes;		/* sequence number -> route (held) */
	unsigned long next_seq;
	struct rcu_head rcu;
};

struct rtm_route_list *rtm_list_lookup(struct rtm_entity *self,
				       struct rtm_net *rn, u64 handle);
void rtm_list_put(struct rtm_route_list *l);
int rtm_list_prepare(struct rtm_route_list *l, unsigned int n);
void rtm_list_move(struct rtm_route_list *l, struct rtm_route *r);
void rtm_lists_flush(struct rtm_entity *e);
int rtm_list_create_ioctl(struct rtm_reg *reg, void *data);
int rtm_list_delete_ioctl(struct rtm_reg *reg, void *data);
int rtm_list_insert_ioctl(struct rtm_reg *reg, void *data);

/* Change notification (notify.c). */
enum rtm_notify_state {
	RTM_NOTIFY_LIVE = 1,
	RTM_NOTIFY_GONE,
};

struct rtm_notify {
	struct rtm_obj obj;		/* state: enum rtm_notify_state */
	struct rtm_entity *owner;	/* held */
	struct list_head node;		/* in the owner's subscriptions */
	unsigned int index;		/* its bit in rtm_dest.pending */
	u32 types;			/* RTM_CHANGE_TYPE_* */
	u32 views;			/* views it watches */
	u32 info_views;			/* views its dest infos report */
	bool only_marked;
	bool signalled;			/* event raised since last emptied */
	bool signal_pending;		/* ... but not queued yet */
	u64 context;			/* NotifyContext */
	struct rtm_dest **queue;	/* ring of queued dests (held) */
	unsigned int head, tail, size;
	bool overflow;			/* dests with the bit not in the ring */
	bool ov_started;
	u8 ov_key[RTM_LPM_MAX_KEYLEN];	/* the walk that finds them */
	u8 ov_plen;
	struct xarray marks;		/* dest id -> marked dest (held) */
	unsigned long nmarks;
	struct mem_cgroup *memcg;	/* the subscriber's, for @queue */
	struct rcu_head rcu;
};

u32 rtm_notify_change(struct rtm_dest *d, const struct rtm_best *before,
		      u32 touched);
void rtm_notify_refill(struct rtm_entity *e);
unsigned long rtm_notify_queued(struct rtm_table *t);
void rtm_notify_flush(struct rtm_entity *e);
int rtm_notify_register_ioctl(struct rtm_reg *reg, void *data);
int rtm_notify_deregister_ioctl(struct rtm_reg *reg, void *data);
int rtm_notify_get_ioctl(struct rtm_reg *reg, void *data);
int rtm_notify_dest_ioctl(struct rtm_reg *reg, void *data);

/* Enumerations (enum.c). */
void rtm_enums_flush(struct rtm_entity *e);
int rtm_enum_create_ioctl(struct rtm_reg *reg, void *data);
int rtm_enum_get_ioctl(struct rtm_reg *reg, void *data);
int rtm_enum_delete_ioctl(struct rtm_reg *reg, void *data);

/* Bulk calls (bulk.c). */
struct rtm_route *rtm_lookup_best(struct rtm_table *t, const u8 *key,
				  u8 maxlen, u32 views, struct rtm_dest **d,
				  struct rtm_attr **attr);

/*
 * What a lookup of rtm_lookup_best_many() found, without references; its
 * query's value is the dest, as for rtm_lookup_best().
 */
struct rtm_lookup_hit {
	struct rtm_route *route;	/* the route found, or NULL */
	struct rtm_attr *attr;
};

void rtm_lookup_best_many(struct rtm_table *t, u32 views,
			  struct rtm_lpm_query *q, struct rtm_lookup_hit *h,
			  unsigned int n);
int rtm_routes_add_ioctl(struct rtm_reg *reg, void *data);
int rtm_routes_delete_ioctl(struct rtm_reg *reg, void *data);
int rtm_lookup_ioctl(struct rtm_reg *reg, void *data);
int rtm_dump_ioctl(struct rtm_reg *reg, void *data);

/* Client locks and opaque slots (lock.c). */
void rtm_locks_flush(struct rtm_entity *e);
int rtm_lock_ioctl(struct rtm_reg *reg, void *data);

/* Entity methods (method.c). */
void rtm_methods_close(struct rtm_entity *e);
void rtm_methods_free(struct rtm_entity *e);
void rtm_methods_refill(struct rtm_entity *e);
int rtm_method_get_ioctl(struct rtm_reg *reg, void *data);
int rtm_method_invoke_ioctl(struct rtm_reg *reg, void *data);
int rtm_method_ctl_ioctl(struct rtm_reg *reg, void *data);


/* A registration: one open file of /dev/rtm (reg.c). */
struct rtm_reg {
	struct net *net;
	struct rtm_net *rn;
	struct mutex lock;		/* serialises register and deregister */
	struct rtm_entity __rcu *entity;
	bool used;			/* registered once; the file is spent */

	struct mutex hold_lock;		/* protects the holds below */
	struct xarray holds;		/* id -> xa_mk_value(count) */
	unsigned long nholds;		/* objects in @holds */
	struct rtm_hold_batch *batches[RTM_HOLD_BATCHES];
	unsigned long nbatched;		/* handles held in @batches */
	struct rtm_hold_batch *spare;	/* an empty record, or NULL */

	spinlock_t ev_lock;		/* protects the event ring */
	struct mutex ev_read_lock;	/* serialises readers */
	struct rtm_event *ev_ring;	/* NULL without RTM_REGISTER_EVENTS */
	unsigned int ev_head, ev_tail, ev_mask;
	bool ev_lost;
	bool ev_closed;			/* deregistered: readers get EOF */
	wait_queue_head_t ev_wait;
};

struct rtm_reg *rtm_reg_alloc(struct net *net);
void rtm_reg_free(struct rtm_reg *reg);
struct rtm_entity *rtm_reg_entity(struct rtm_reg *reg);

/* Events (event.c). */
int rtm_events_init(struct rtm_reg *reg, unsigned int len);
void rtm_events_free(struct rtm_reg *reg);
void rtm_event_queue(struct rtm_reg *reg, const struct rtm_event *ev);
bool rtm_event_try_queue(struct rtm_reg *reg, const struct rtm_event *ev);
void rtm_events_refill(struct rtm_reg *reg);
void rtm_events_close(struct rtm_reg *reg);
ssize_t rtm_events_read(struct rtm_reg *reg, char __user *buf, size_t len,
			bool nonblock);
__poll_t rtm_events_poll(struct rtm_reg *reg, struct file *file,
			 poll_table *wait);

/* The character device (dev.c). */
int rtm_dev_register(void);
void rtm_dev_unregister(void);

/* /proc/net/rtm (stats.c). */
int rtm_proc_init(struct rtm_net *rn);
void rtm_proc_exit(struct rtm_net *rn);

#endif /* _RTM_H */
