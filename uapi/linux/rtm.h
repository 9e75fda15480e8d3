/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * rtm: the RTMv2 routing table manager as a character device.
 *
 * One open file of /dev/rtm holds at most one registered entity.  Every
 * operation is an ioctl whose argument starts with its own size, read with
 * copy_struct_from_user() semantics: an older, shorter structure is
 * zero-extended, a newer, longer one must have a zero tail.  Unknown flag
 * bits and non-zero reserved fields are rejected with -EINVAL.  Handles are
 * opaque 64-bit values, never kernel addresses; user pointers travel as
 * __u64.
 *
 * Errors are negative errno values; the library turns them into Win32 codes
 * (see lib/).
 */
#ifndef _UAPI_LINUX_RTM_H
#define _UAPI_LINUX_RTM_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define RTM_DEVICE_NAME		"rtm"

/* Handle kinds, as a mask for the calls that accept several. */
#define RTM_KIND_ENTITY		(1U << 0)
#define RTM_KIND_DEST		(1U << 1)
#define RTM_KIND_ROUTE		(1U << 2)
#define RTM_KIND_NEXTHOP	(1U << 3)
#define RTM_KIND_ENUM		(1U << 4)
#define RTM_KIND_ROUTE_LIST	(1U << 5)
#define RTM_KIND_NOTIFY		(1U << 6)

/* Identity of a registered entity (RTM_ENTITY_INFO). */
struct rtm_entity_info {
	__u16 instance_id;		/* RTM instance */
	__u16 family;			/* AF_INET or AF_INET6 */
	__u32 protocol_id;		/* EntityProtocolId */
	__u32 entity_instance_id;	/* EntityInstanceId */
	__u32 reserved;			/* must be zero */
};

/* Limits of a registration (RTM_REGN_PROFILE). */
struct rtm_profile {
	__u32 max_nexthops_in_route;
	__u32 max_handles_in_enum;
	__u32 views_supported;
	__u32 number_of_views;
};

/* RTM_IOC_REGISTER flags */
#define RTM_REGISTER_EVENTS	(1U << 0)	/* queue events: the entity has a callback */
#define RTM_REGISTER_OPAQUE	(1U << 1)	/* reserve an opaque pointer slot */

struct rtm_register {
	__u32 size;
	__u32 flags;			/* RTM_REGISTER_* */
	struct rtm_entity_info entity;	/* in */
	__u32 num_methods;		/* exported methods, 0..32 */
	__u32 reserved;			/* must be zero */
	__u64 handle;			/* out: the entity's handle */
	struct rtm_profile profile;	/* out */
};
#define RTM_REGISTER_SIZE_VER0	56

struct rtm_deregister {
	__u32 size;
	__u32 flags;			/* none defined: must be zero */
};
#define RTM_DEREGISTER_SIZE_VER0	8

/*
 * RTM_IOC_GET_ENTITIES: the entities of the caller's table, in registration
 * order.  @count goes in as the capacity of the arrays and comes out as the
 * number written; @total is the number registered.  When @total exceeds the
 * capacity the ioctl writes what fits and fails with -ENOSPC, after updating
 * @count and @total.  Every handle written holds a reference.
 */
struct rtm_get_entities {
	__u32 size;
	__u32 flags;			/* none defined: must be zero */
	__u32 count;
	__u32 total;			/* out */
	__u64 handles;			/* user pointer to __u64[count], or 0 */
	__u64 infos;			/* user pointer to struct rtm_entity_info[count], or 0 */
};
#define RTM_GET_ENTITIES_SIZE_VER0	32

/* RTM_IOC_GET_ENTITY_INFO: the identity of any live entity of the table. */
struct rtm_get_entity_info {
	__u32 size;
	__u32 flags;			/* none defined: must be zero */
	__u64 handle;			/* in */
	struct rtm_entity_info info;	/* out */
};
#define RTM_GET_ENTITY_INFO_SIZE_VER0	32

/*
 * RTM_IOC_REFERENCE / RTM_IOC_RELEASE: add or drop one reference of the
 * caller to each handle.  Every handle must be of a kind in @kinds.  A
 * release is all or nothing: if any handle is not held by the caller as
 * many times as it appears, nothing is released and the ioctl fails with
 * -EBADF.
 */
struct rtm_handles {
	__u32 size;
	__u32 flags;			/* none defined: must be zero */
	__u32 kinds;			/* RTM_KIND_* mask */
	__u32 count;			/* 1..RTM_MAX_BATCH */
	__u64 handles;			/* user pointer to __u64[count] */
};
#define RTM_HANDLES_SIZE_VER0	24

#define RTM_MAX_BATCH		65536

/*
 * Events, read() from the file in whole records.  read() blocks until one
 * is queued (or fails with -EAGAIN under O_NONBLOCK) and returns end of
 * file once the entity has deregistered; poll() reports EPOLLIN while
 * records are queued.
 */
enum rtm_event_type {
	RTM_EVENT_ENTITY_REGISTERED	= 0,
	RTM_EVENT_ENTITY_DEREGISTERED	= 1,
	RTM_EVENT_ROUTE_EXPIRED		= 2,
	RTM_EVENT_CHANGE_NOTIFICATION	= 3,
};

/* struct rtm_event flags */
#define RTM_EVENT_LOST		(1U << 0)	/* earlier events were dropped */

struct rtm_event {
	__u32 type;			/* enum rtm_event_type */
	__u32 flags;			/* RTM_EVENT_* */
	__u64 handle;			/* Context1: entity, route or notify handle */
	__u64 context;			/* Context2 where it is a value */
	__u64 cookie;			/* token to answer the event with, or 0 */
	struct rtm_entity_info entity;	/* for ENTITY_(DE)REGISTERED */
	__u64 reserved[2];
};

#define RTM_IOC_MAGIC		'R'
#define RTM_IOC_BASE		0x40

#define RTM_IOC_REGISTER	_IOWR(RTM_IOC_MAGIC, 0x40, struct rtm_register)
#define RTM_IOC_DEREGISTER	_IOWR(RTM_IOC_MAGIC, 0x41, struct rtm_deregister)
#define RTM_IOC_GET_ENTITIES	_IOWR(RTM_IOC_MAGIC, 0x42, struct rtm_get_entities)
#define RTM_IOC_GET_ENTITY_INFO	_IOWR(RTM_IOC_MAGIC, 0x43, struct rtm_get_entity_info)
#define RTM_IOC_REFERENCE	_IOWR(RTM_IOC_MAGIC, 0x44, struct rtm_handles)
#define RTM_IOC_RELEASE		_IOWR(RTM_IOC_MAGIC, 0x45, struct rtm_handles)

#endif /* _UAPI_LINUX_RTM_H */
