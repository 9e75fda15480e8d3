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
#include <linux/refcount.h>
#include <linux/xarray.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/wait.h>
#include <linux/rcupdate.h>
#include <linux/atomic.h>
#include <linux/poll.h>
#include <linux/rtm.h>

#include "compat.h"

struct net;
struct rtm_net;
struct rtm_table;
struct rtm_reg;

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

#define RTM_VIEWS_SUPPORTED	0x3U	/* unicast and multicast */
#define RTM_NUM_VIEWS		2

/* Per network namespace state (netns.c). */
struct rtm_net {
	struct net *net;
	struct xarray objs;		/* handle id -> struct rtm_obj */
	struct mutex lock;		/* protects @tables */
	struct list_head tables;
	struct proc_dir_entry *proc;
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
void rtm_netns_unregister(void);

/* One routing table: an (RTM instance, address family) pair (netns.c). */
struct rtm_table {
	struct list_head node;		/* in rtm_net.tables */
	struct rtm_net *rn;
	u16 instance;
	u16 family;
	struct mutex lock;		/* serialises writers of the table */
	struct list_head entities;	/* registration order */
	unsigned int nentities;
	unsigned long *opaque_used;	/* bitmap of rtm_opaque_slots */
};

struct rtm_table *rtm_table_get(struct rtm_net *rn, u16 instance, u16 family);

/* Handles and the references registrations hold (handle.c). */
int rtm_obj_publish(struct rtm_net *rn, struct rtm_obj *obj);
void rtm_obj_unpublish(struct rtm_net *rn, struct rtm_obj *obj);
struct rtm_obj *rtm_obj_lookup(struct rtm_net *rn, u64 handle, u32 kinds);
int rtm_hold(struct rtm_reg *reg, struct rtm_obj *obj, u64 *handle);
int rtm_holds_release(struct rtm_reg *reg, u64 *handles, u32 count, u32 kinds);
int rtm_holds_reference(struct rtm_reg *reg, u64 *handles, u32 count, u32 kinds);
void rtm_holds_drop_all(struct rtm_reg *reg);
unsigned long rtm_holds_count(struct rtm_reg *reg, u64 handle);

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

/* A registration: one open file of /dev/rtm (reg.c). */
struct rtm_reg {
	struct net *net;
	struct rtm_net *rn;
	struct mutex lock;		/* serialises register and deregister */
	struct rtm_entity __rcu *entity;
	bool used;			/* registered once; the file is spent */

	struct mutex hold_lock;		/* protects @holds and @nholds */
	struct xarray holds;		/* id -> xa_mk_value(count) */
	unsigned long nholds;

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
