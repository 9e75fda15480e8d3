/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * rtm: the RTMv2 routing table manager as a character device.
 *
 * One open file of /dev/rtm holds at most one registered entity.  Every
 * operation is an ioctl whose argument starts with its own size, read with
 * copy_struct_from_user() semantics: an older, shorter structure is
 * zero-extended, a newer, longer one must have a zero tail.  Unknown flag
 * bits and non-zero reserved fields are rejected with -EINVAL; fields that
 * are only outputs are ignored on input, so a structure can be reused.
 * Handles are opaque 64-bit values, never kernel addresses; user pointers
 * travel as __u64.
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

/*
 * The structures RTMv2 hands to its clients (RTM_ENTITY_INFO,
 * RTM_NET_ADDRESS, RTM_DEST_INFO, RTM_ROUTE_INFO, RTM_NEXTHOP_INFO) have
 * the same layout here as in rtmv2.h on x86-64, so the library passes its
 * callers' buffers through.  Handles are __u64; pointers a client stores
 * (EntitySpecificInfo) are opaque __u64 values.
 */

/* Identity of a registered entity (RTM_ENTITY_INFO). */
struct rtm_entity_info {
	__u16 instance_id;		/* RTM instance */
	__u16 family;			/* AF_INET or AF_INET6 */
	__u32 reserved;			/* must be zero */
	__u32 protocol_id;		/* EntityProtocolId */
	__u32 entity_instance_id;	/* EntityInstanceId */
};

/*
 * RTMv2 values the kernel interprets, with the names and spellings of
 * rtmv2.h so that both headers can be included together.
 */
#define RTM_VIEW_MASK_ANY		0x00000000
#define RTM_VIEW_MASK_UCAST		0x00000001
#define RTM_VIEW_MASK_MCAST		0x00000002

#define RTM_ROUTE_STATE_CREATED		0
#define RTM_ROUTE_STATE_DELETING	1
#define RTM_ROUTE_STATE_DELETED		2

#define RTM_ROUTE_CHANGE_FIRST		0x01
#define RTM_ROUTE_CHANGE_NEW		0x02
#define RTM_ROUTE_CHANGE_BEST		0x00010000

#define RTM_NEXTHOP_STATE_CREATED	0
#define RTM_NEXTHOP_STATE_DELETED	1
#define RTM_NEXTHOP_FLAGS_REMOTE	0x0001
#define RTM_NEXTHOP_FLAGS_DOWN		0x0002
#define RTM_NEXTHOP_CHANGE_NEW		0x01

#define RTM_MATCH_NONE			0x00000000
#define RTM_MATCH_OWNER			0x00000001
#define RTM_MATCH_NEIGHBOUR		0x00000002
#define RTM_MATCH_PREF			0x00000004
#define RTM_MATCH_NEXTHOP		0x00000008
#define RTM_MATCH_INTERFACE		0x00000010
#define RTM_MATCH_FULL			0x0000FFFF

#define RTM_ENUM_START			0x00000000
#define RTM_ENUM_NEXT			0x00000001
#define RTM_ENUM_RANGE			0x00000002
#define RTM_ENUM_ALL_DESTS		0x00000000
#define RTM_ENUM_OWN_DESTS		0x01000000
#define RTM_ENUM_ALL_ROUTES		0x00000000
#define RTM_ENUM_OWN_ROUTES		0x00010000

#define RTM_CHANGE_TYPE_ALL		0x0001
#define RTM_CHANGE_TYPE_BEST		0x0002
#define RTM_CHANGE_TYPE_FORWARDING	0x0004
#define RTM_NOTIFY_ONLY_MARKED_DESTS	0x00010000

#define RTM_ROUTE_FLAGS_FORWARDING_MASK	0x000F	/* MARTIAN|BLACKHOLE|DISCARD|INACTIVE */

/* ProtocolId selectors of the queries (RTM_BEST_PROTOCOL, RTM_THIS_PROTOCOL) */
#define RTM_PROTOCOL_BEST		0x00000000U
#define RTM_PROTOCOL_THIS		0xFFFFFFFFU

/* RTM_NET_ADDRESS: a prefix.  Bits beyond num_bits are ignored. */
struct rtm_net_address {
	__u16 family;			/* AF_INET or AF_INET6 */
	__u16 num_bits;			/* prefix length */
	__u8 addr[16];			/* network byte order */
};

/* RTM_DEST_INFO, followed by one view record per requested view. */
struct rtm_dest_view {
	__s32 view_id;
	__u32 num_routes;		/* routes of the dest in this view */
	__aligned_u64 route;		/* best route for the protocol asked (held), or 0 */
	__aligned_u64 owner;		/* its owner (held), or 0 */
	__u32 dest_flags;		/* its flags */
	__u32 __pad;
	__aligned_u64 hold_route;	/* route in hold-down (held), or 0 */
};

struct rtm_dest_info {
	__aligned_u64 handle;		/* the dest (held) */
	struct rtm_net_address address;
	__u32 last_changed[2];		/* FILETIME: low, high */
	__u32 belongs_to_views;		/* views the dest has routes in */
	__u32 number_of_views;		/* view records that follow */
	__u32 __pad;
	struct rtm_dest_view views[];	/* ascending view id */
};
#define RTM_DEST_INFO_SIZE(nviews) \
	(sizeof(struct rtm_dest_info) + (nviews) * sizeof(struct rtm_dest_view))

/*
 * RTM_ROUTE_INFO.  On input (add, update, match criteria) dest, owner and
 * state are ignored, and so is every __pad.
 */
struct rtm_route_info {
	__aligned_u64 dest;		/* the dest (held) */
	__aligned_u64 owner;		/* the owning entity (held) */
	__aligned_u64 neighbour;	/* a next hop of the owner (held), or 0 */
	__u8 state;			/* RTM_ROUTE_STATE_* */
	__u8 flags1;
	__u16 flags;			/* RTM_ROUTE_FLAGS_* */
	__u32 metric;			/* PrefInfo.Metric */
	__u32 preference;		/* PrefInfo.Preference */
	__u32 belongs_to_views;
	__aligned_u64 entity_specific_info;
	__u16 num_nexthops;
	__u16 __pad[3];
	__aligned_u64 nexthops[];	/* next hops of the owner (held) */
};
#define RTM_ROUTE_INFO_SIZE(nhops) \
	(sizeof(struct rtm_route_info) + (nhops) * sizeof(__u64))

/* RTM_NEXTHOP_INFO.  On input owner, state and remote_nexthop are ignored. */
struct rtm_nexthop_info {
	struct rtm_net_address address;	/* with interface_index, the key */
	__u32 __pad;
	__aligned_u64 owner;		/* the owning entity (held) */
	__u32 interface_index;		/* 0 for a remote next hop */
	__u16 state;			/* RTM_NEXTHOP_STATE_* */
	__u16 flags;			/* RTM_NEXTHOP_FLAGS_* */
	__aligned_u64 entity_specific_info;
	__aligned_u64 remote_nexthop;	/* REMOTE only: the dest covering the address (held), or 0 */
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
 * -EBADF.  The dest handles RtmGetChangedDests hands out are released only
 * with RTM_HANDLES_CHANGED (RtmReleaseChangedDests), and other dest handles
 * only without it; handles of other kinds are released the same either way
 * (a changed dest info also holds route and entity handles).
 *
 * RTM_HANDLES_QUERY (reference only) takes no reference: it asks which of
 * the handles the caller holds, and answers in place, each handle the
 * caller holds no reference to (of either class) being replaced by 0.  The
 * library frees its copies of objects (the pointer calls') by it.  Kernels
 * before it fail it with -EINVAL.
 */
#define RTM_HANDLES_CHANGED	(1U << 0)	/* release only */
#define RTM_HANDLES_QUERY	(1U << 1)	/* reference only */

struct rtm_handles {
	__u32 size;
	__u32 flags;			/* RTM_HANDLES_CHANGED */
	__u32 kinds;			/* RTM_KIND_* mask */
	__u32 count;			/* 1..RTM_MAX_BATCH */
	__u64 handles;			/* user pointer to __u64[count] */
};
#define RTM_HANDLES_SIZE_VER0	24

#define RTM_MAX_BATCH		65536

/*
 * Flags shared by the calls below.
 * RTM_WANT_HANDLE: hand back a held handle to what was created or found.
 * RTM_INFO_DIRECT: the owner's direct view of its own object (the library's
 *	pointer calls): -EACCES for others, and handles inside are not held.
 */
#define RTM_WANT_HANDLE		(1U << 0)
#define RTM_INFO_DIRECT		(1U << 1)

/*
 * RTM_IOC_ADD_NEXTHOP (RtmAddNextHop): update the caller's next hop named by
 * @handle, or else the one with the key of @info, or create it.
 */
struct rtm_add_nexthop {
	__u32 size;
	__u32 flags;			/* RTM_WANT_HANDLE */
	__aligned_u64 handle;		/* in: next hop to update, or 0; out: held when asked */
	__aligned_u64 info;		/* user pointer to struct rtm_nexthop_info */
	__u32 change_flags;		/* out: RTM_NEXTHOP_CHANGE_NEW */
	__u32 reserved;			/* must be zero */
};
#define RTM_ADD_NEXTHOP_SIZE_VER0	32

/*
 * RTM_IOC_FIND_NEXTHOP (RtmFindNextHop) and RTM_IOC_DELETE_NEXTHOP
 * (RtmDeleteNextHop): a next hop of the caller, by @handle or, when it is 0,
 * by the key in @info.  Delete consumes one reference the caller holds on
 * the next hop, if any.
 */
struct rtm_nexthop_key {
	__u32 size;
	__u32 flags;			/* none defined: must be zero */
	__aligned_u64 handle;		/* in (delete), or out (find: held) */
	__aligned_u64 info;		/* user pointer to struct rtm_nexthop_info */
};
#define RTM_NEXTHOP_KEY_SIZE_VER0	24

/* RTM_IOC_GET_NEXTHOP_INFO (RtmGetNextHopInfo) */
struct rtm_get_nexthop_info {
	__u32 size;
	__u32 flags;			/* RTM_INFO_DIRECT */
	__aligned_u64 handle;
	__aligned_u64 info;		/* user pointer to struct rtm_nexthop_info, out */
};
#define RTM_GET_NEXTHOP_INFO_SIZE_VER0	24

/*
 * RTM_IOC_ADD_ROUTE (RtmAddRouteToDest).  With @handle the caller's route is
 * updated; otherwise the dest (created if need be) is searched for the
 * caller's route with the same neighbour (any of the caller's routes with
 * RTM_ROUTE_CHANGE_FIRST; none with RTM_ROUTE_CHANGE_NEW), which is updated,
 * or a route is created.
 */
struct rtm_add_route {
	__u32 size;
	__u32 flags;			/* RTM_WANT_HANDLE */
	__aligned_u64 handle;		/* in: route to update, or 0; out: held when asked */
	struct rtm_net_address dest;
	__u32 change_flags;		/* in: _FIRST, _NEW; out: _NEW, _BEST */
	__u32 time_to_live;		/* ms; 0xFFFFFFFF: never expires */
	__u32 reserved;			/* must be zero */
	__aligned_u64 route_list;	/* list to move the route into, or 0 */
	__aligned_u64 info;		/* user pointer to struct rtm_route_info */
};
#define RTM_ADD_ROUTE_SIZE_VER0		64

/*
 * RTM_IOC_DELETE_ROUTE (RtmDeleteRouteToDest): delete the caller's route,
 * consuming one reference the caller holds on it, if any.
 * RTM_DELETE_IF_EXPIRED: only if its time to live ran out and it was not
 * refreshed since (the answer to an RTM_ROUTE_EXPIRED event).
 */
#define RTM_DELETE_IF_EXPIRED	(1U << 0)

struct rtm_delete_route {
	__u32 size;
	__u32 flags;			/* RTM_DELETE_IF_EXPIRED */
	__aligned_u64 handle;
	__u32 change_flags;		/* out: RTM_ROUTE_CHANGE_BEST */
	__u32 reserved;			/* must be zero */
};
#define RTM_DELETE_ROUTE_SIZE_VER0	24

/* RTM_IOC_GET_ROUTE_INFO (RtmGetRouteInfo) */
struct rtm_get_route_info {
	__u32 size;
	__u32 flags;			/* RTM_INFO_DIRECT */
	__aligned_u64 handle;
	__aligned_u64 info;		/* user pointer to struct rtm_route_info, or 0 */
	__aligned_u64 dest;		/* user pointer to struct rtm_net_address, or 0 */
	__u32 max_nexthops;		/* room for next hops in @info */
	__u32 views;			/* out: views the route is best in (RtmIsBestRoute) */
};
#define RTM_GET_ROUTE_INFO_SIZE_VER0	40

/*
 * RTM_IOC_GET_DEST (RtmGetDestInfo, RtmGetExactMatchDestination,
 * RtmGetMostSpecificDestination, RtmGetLessSpecificDestination).  The dest
 * is found by @handle or by @address, and must have a route in one of
 * @views (any view for RTM_VIEW_MASK_ANY), except by handle.  The info gets
 * a view record per view in @views, each reporting the best route of the
 * protocol @protocol_id (or RTM_PROTOCOL_BEST/THIS).
 */
enum rtm_dest_match {
	RTM_DEST_BY_HANDLE	= 0,	/* the dest @handle */
	RTM_DEST_EXACT		= 1,	/* exactly @address */
	RTM_DEST_LONGEST	= 2,	/* longest prefix covering @address */
	RTM_DEST_LESS_SPECIFIC	= 3,	/* next shorter than the dest @handle */
};

struct rtm_get_dest {
	__u32 size;
	__u32 match;			/* enum rtm_dest_match */
	__aligned_u64 handle;
	struct rtm_net_address address;
	__u32 views;			/* RTM_VIEW_MASK_* */
	__u32 protocol_id;
	__u32 reserved;			/* must be zero */
	__aligned_u64 info;		/* user pointer to struct rtm_dest_info, out */
};
#define RTM_GET_DEST_SIZE_VER0		56

/*
 * RTM_IOC_GET_EXACT_ROUTE (RtmGetExactMatchRoute): on the dest of exactly
 * @address, the first route (in preference order) of @views matching the
 * criteria in @info under @match_flags (RTM_MATCH_*; RTM_MATCH_INTERFACE
 * with @interface_index).  @info is overwritten with the route found; with
 * RTM_WANT_HANDLE, @handle gets a held handle too.
 */
struct rtm_get_exact_route {
	__u32 size;
	__u32 flags;			/* RTM_WANT_HANDLE */
	struct rtm_net_address address;
	__u32 match_flags;
	__u32 interface_index;
	__u32 views;
	__aligned_u64 handle;		/* out */
	__aligned_u64 info;		/* user pointer to struct rtm_route_info, in/out */
	__u32 max_nexthops;		/* room for next hops in @info */
	__u32 reserved;			/* must be zero */
};
#define RTM_GET_EXACT_ROUTE_SIZE_VER0	64

/*
 * RTM_IOC_HOLD_DEST (RtmHoldDestination): mark @views of the dest for
 * hold-down.  When a marked view loses its last route, the route stays as
 * the view's hold route (the mark is used up).  A dest has one hold time
 * for all its views: the longest any call asked since it last had neither
 * a view marked nor a route held.  Every view held is held until that time has passed since the
 * last view entered hold-down, and a longer time asked while routes are
 * held holds them longer.  Other dests keep their own time.
 */
struct rtm_hold_dest {
	__u32 size;
	__u32 views;
	__aligned_u64 handle;		/* the dest */
	__u32 hold_time;		/* ms, > 0 */
	__u32 reserved;			/* must be zero */
};
#define RTM_HOLD_DEST_SIZE_VER0		24

/*
 * RTM_IOC_ADD_ROUTES: add or update many routes of the caller in one call,
 * each as RTM_IOC_ADD_ROUTE without a handle, a list or a time to live.
 * The entries' next hops are taken from @nexthops, from @first, @count
 * entries long.  Stops at the first failure: @done tells how many entries
 * were applied, and the ioctl returns that entry's error.
 */
struct rtm_route_entry {
	struct rtm_net_address dest;
	__u16 flags;			/* RTM_ROUTE_FLAGS_* */
	__u16 nexthop_count;
	__u32 nexthop_first;		/* index into rtm_bulk_routes.nexthops */
	__u32 metric;
	__u32 preference;
	__u32 views;
	__aligned_u64 neighbour;
	__aligned_u64 entity_specific_info;
};

/*
 * RTM_IOC_DELETE_ROUTES: delete the caller's routes named by their dest and
 * neighbour (entries' other fields are ignored); an entry that matches no
 * route stops the call with -ENOENT.
 */
struct rtm_bulk_routes {
	__u32 size;
	__u32 flags;			/* none defined: must be zero */
	__u32 count;			/* entries, 1..RTM_MAX_BATCH */
	__u32 done;			/* out */
	__aligned_u64 entries;		/* user pointer to struct rtm_route_entry[count] */
	__aligned_u64 nexthops;		/* user pointer to __u64[], or 0 */
	__u32 nexthop_count;		/* entries in @nexthops */
	__u32 reserved;			/* must be zero */
};
#define RTM_BULK_ROUTES_SIZE_VER0	40

/*
 * RTM_IOC_LOOKUP: longest-prefix match of many addresses in one view, as a
 * forwarding lookup: for each, the matching prefix and the best route's
 * first next hop.  No handles are taken.
 */
struct rtm_lookup_result {
	__u16 num_bits;			/* of the prefix found; 0xFFFF: none */
	__u16 route_flags;
	__u16 nexthop_count;
	/*
	 * RTM_NEXTHOP_FLAGS_* of the first next hop: whether its address is
	 * on its link or reached through another route (REMOTE).  Kernels
	 * before this field wrote 0 here.
	 */
	__u16 nexthop_flags;
	__u32 metric;
	__u32 preference;
	__u32 protocol_id;		/* of the best route's owner */
	__u32 interface_index;		/* of its first next hop */
	struct rtm_net_address nexthop;	/* address of its first next hop */
	__u32 __pad2;
};

struct rtm_lookup {
	__u32 size;
	__u32 flags;			/* none defined: must be zero */
	__u32 count;			/* addresses, 1..RTM_MAX_BATCH */
	__u32 view_id;
	__aligned_u64 addresses;	/* user pointer to struct rtm_net_address[count] */
	__aligned_u64 results;		/* user pointer to struct rtm_lookup_result[count] */
};
#define RTM_LOOKUP_SIZE_VER0		32

/*
 * RTM_IOC_DUMP: the dests of the caller's table that have a route in view
 * @view_id, in the order of a dest enumeration, each with its best route in
 * that view as RTM_IOC_LOOKUP reports it (@best.num_bits is the dest's
 * prefix length).  No handles are taken: values only, to copy the whole
 * table out fast.
 *
 * @count is the room at @entries going in (1..RTM_MAX_BATCH) and the
 * entries written coming out.  With RTM_DUMP_CONTINUE the dump resumes
 * after the dest @cursor (which need not exist any more); otherwise it
 * starts at the first dest.  @cursor comes back as the last dest written,
 * and RTM_DUMP_END is set in @flags when the walk reached the end.  Dests
 * added or deleted meanwhile may or may not show; none shows twice.
 */
struct rtm_dump_entry {
	struct rtm_net_address dest;
	__u32 __pad;
	struct rtm_lookup_result best;
};

#define RTM_DUMP_CONTINUE	(1U << 0)	/* in: resume after @cursor */
#define RTM_DUMP_END		(1U << 1)	/* out: nothing after these */

struct rtm_dump {
	__u32 size;
	__u32 flags;			/* RTM_DUMP_* */
	__u32 view_id;
	__u32 count;			/* in: room at @entries; out: written */
	__aligned_u64 entries;		/* user pointer to struct rtm_dump_entry[count] */
	struct rtm_net_address cursor;	/* in/out */
	__u32 __pad;
};
#define RTM_DUMP_SIZE_VER0		48

/*
 * RTM_IOC_LOCK: client locks on a dest (RtmLockDestination, and
 * RtmLockRoute, which locks the route's dest) and the caller's opaque
 * pointer slot in it (RtmGetOpaqueInformationPointer).
 *
 * A dest has any number of shared holders or one exclusive holder; a lock
 * waits (interruptibly) for the ones in its way.  Client locks order clients
 * among themselves: RTM's own updates of the dest go on regardless, and
 * its readers always see a consistent dest.  Any entity may lock a dest
 * either way; the exclusive lock of a route is its owner's alone (-EACCES).
 * An unlock repeats the mode of a lock the caller holds (-EINVAL
 * otherwise).  Every lock of a registration goes with it.
 *
 * The opaque slot holds one 64-bit value per dest for each entity that
 * reserved a slot at registration (-ENOENT for others).  A lock returns the
 * caller's value in @opaque; RTM_LOCK_SET_OPAQUE on the exclusive unlock
 * stores @opaque; RTM_LOCK_GET_OPAQUE alone reads it without locking.
 * RTM_LOCK_SET_OPAQUE may also go with a shared unlock, or alone to store
 * without locking (kernels before that fail both with -EINVAL): a client
 * writes through its opaque pointer whenever it likes, as on Windows.
 */
#define RTM_LOCK_EXCLUSIVE	(1U << 0)
#define RTM_LOCK_UNLOCK		(1U << 1)
#define RTM_LOCK_SET_OPAQUE	(1U << 2)	/* with an exclusive unlock */
#define RTM_LOCK_GET_OPAQUE	(1U << 3)	/* alone: read the slot */
#define RTM_LOCK_ROUTE		(1U << 4)	/* @handle is a route */

struct rtm_lock {
	__u32 size;
	__u32 flags;			/* RTM_LOCK_* */
	__aligned_u64 handle;		/* a dest, or a route with RTM_LOCK_ROUTE */
	__aligned_u64 opaque;		/* in: SET_OPAQUE; out: the slot's value */
};
#define RTM_LOCK_SIZE_VER0		24

/*
 * Enumerations.  An enumeration is a cursor, not a snapshot: each batch
 * continues after the last dest (route, next hop) returned, so one that
 * exists for the whole walk is returned exactly once whatever else changes.
 * Enumerations belong to the registration that created it.
 */
enum rtm_enum_type {
	RTM_ENUM_DESTS		= 1,	/* RtmCreateDestEnum */
	RTM_ENUM_ROUTES		= 2,	/* RtmCreateRouteEnum */
	RTM_ENUM_NEXTHOPS	= 3,	/* RtmCreateNextHopEnum: the caller's */
	RTM_ENUM_LIST		= 4,	/* RtmCreateRouteListEnum */
};

/* RTM_IOC_ENUM_CREATE */
struct rtm_enum_create {
	__u32 size;
	__u32 type;			/* enum rtm_enum_type */
	__u32 flags;			/* RTM_ENUM_START/NEXT/RANGE | OWN_DESTS/OWN_ROUTES */
	__u32 views;			/* dests, routes: RTM_VIEW_MASK_* */
	__u32 protocol_id;		/* dests: whose best route the infos report */
	__u32 match_flags;		/* routes: RTM_MATCH_* against @criteria */
	__u32 interface_index;		/* routes: for RTM_MATCH_INTERFACE */
	__u32 reserved;			/* must be zero */
	struct rtm_net_address address;	/* NEXT/RANGE: where to start, or the range */
	__u32 reserved2;		/* must be zero */
	__aligned_u64 dest;		/* routes: only this dest's, or 0 */
	__aligned_u64 criteria;		/* routes: user pointer to struct rtm_route_info, or 0 */
	__aligned_u64 list;		/* list: the route list */
	__aligned_u64 handle;		/* out: the enumeration */
};
#define RTM_ENUM_CREATE_SIZE_VER0	88

/*
 * RTM_IOC_ENUM_GET: the next batch, of at most the registration's
 * MaxHandlesInEnum.  Dests come as packed dest infos with the stride
 * RTM_DEST_INFO_SIZE(number of views of the enumeration); the others as
 * __u64 handles.  Everything handed out is held.  An empty batch fails with
 * -ENODATA, except for route lists, whose end is a short batch.
 */
struct rtm_enum_get {
	__u32 size;
	__u32 type;			/* enum rtm_enum_type the enumeration must be */
	__aligned_u64 handle;		/* the enumeration */
	__u32 count;			/* in: room in @buf; out: entries written */
	__u32 reserved;			/* must be zero */
	__aligned_u64 buf;		/* user pointer */
};
#define RTM_ENUM_GET_SIZE_VER0		32

/*
 * RTM_IOC_ENUM_DELETE (RtmDeleteEnumHandle), RTM_IOC_LIST_CREATE
 * (RtmCreateRouteList: @handle out) and RTM_IOC_LIST_DELETE
 * (RtmDeleteRouteList).
 */
struct rtm_object {
	__u32 size;
	__u32 flags;			/* none defined: must be zero */
	__aligned_u64 handle;
};
#define RTM_OBJECT_SIZE_VER0		16

/*
 * RTM_IOC_LIST_INSERT (RtmInsertInRouteList): move the caller's routes into
 * the list @list, or out of any list when it is 0.
 */
struct rtm_list_insert {
	__u32 size;
	__u32 count;			/* routes, 1..RTM_MAX_BATCH */
	__aligned_u64 list;
	__aligned_u64 routes;		/* user pointer to __u64[count] */
};
#define RTM_LIST_INSERT_SIZE_VER0	24

/*
 * Change notification.  Every change of a dest queues it once per
 * subscription that wants that kind of change in one of its views (and, for
 * RTM_NOTIFY_ONLY_MARKED_DESTS, has marked it) until the subscriber takes
 * it: changes coalesce per dest.  The first queued since the subscriber
 * last drained everything raises an RTM_EVENT_CHANGE_NOTIFICATION event.
 * A table has at most 32 subscriptions (-EDQUOT past that).
 */

/* RTM_IOC_NOTIFY_REGISTER (RtmRegisterForChangeNotification) */
struct rtm_notify_register {
	__u32 size;
	__u32 flags;			/* RTM_CHANGE_TYPE_* | RTM_NOTIFY_ONLY_MARKED_DESTS */
	__u32 views;			/* RTM_VIEW_MASK_*; RTM_VIEW_MASK_ANY: all */
	__u32 reserved;			/* must be zero */
	__aligned_u64 context;		/* NotifyContext, returned in the events */
	__aligned_u64 handle;		/* out: the subscription */
};
#define RTM_NOTIFY_REGISTER_SIZE_VER0	32

/*
 * RTM_IOC_NOTIFY_GET (RtmGetChangedDests): take up to @count queued dests,
 * as packed dest infos of the subscription's views (stride
 * RTM_DEST_INFO_SIZE(popcount(views))), reporting their state now.  The
 * dest handles in them are released with RTM_HANDLES_CHANGED only.
 * An empty batch fails with -ENODATA.
 */
struct rtm_notify_get {
	__u32 size;
	__u32 reserved;			/* must be zero */
	__aligned_u64 handle;		/* the subscription */
	__u32 count;			/* in: room in @buf; out: dests written */
	__u32 reserved2;		/* must be zero */
	__aligned_u64 buf;		/* user pointer */
};
#define RTM_NOTIFY_GET_SIZE_VER0	32

/*
 * RTM_IOC_NOTIFY_DEST: one subscription and one dest.
 * RTM_NOTIFY_STATUS: @result is 1 while the dest is queued (RtmGetChangeStatus).
 * RTM_NOTIFY_IGNORE: unqueue it (RtmIgnoreChangedDests).
 * RTM_NOTIFY_MARK, RTM_NOTIFY_UNMARK: RtmMarkDestForChangeNotification.
 * RTM_NOTIFY_IS_MARKED: @result is 1 if marked (RtmIsMarkedForChangeNotification).
 */
enum rtm_notify_op {
	RTM_NOTIFY_STATUS	= 1,
	RTM_NOTIFY_IGNORE	= 2,
	RTM_NOTIFY_MARK		= 3,
	RTM_NOTIFY_UNMARK	= 4,
	RTM_NOTIFY_IS_MARKED	= 5,
};

struct rtm_notify_dest {
	__u32 size;
	__u32 op;			/* enum rtm_notify_op */
	__aligned_u64 handle;		/* the subscription */
	__aligned_u64 dest;
	__u32 result;			/* out */
	__u32 reserved;			/* must be zero */
};
#define RTM_NOTIFY_DEST_SIZE_VER0	32

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
	RTM_EVENT_METHOD_INVOKE		= 4,	/* see RTM_IOC_METHOD_INVOKE */
};

/* struct rtm_event flags */
/*
 * RTM_EVENT_LOST: events were dropped for want of room (only entity
 * (de)registrations are: expiries and change notifications wait).  Set on
 * the newest record queued when the drop happened and on the first record
 * queued after it, so the reader learns of it without waiting for more.
 */
#define RTM_EVENT_LOST		(1U << 0)	/* events around it were dropped */

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
#define RTM_IOC_ADD_NEXTHOP	_IOWR(RTM_IOC_MAGIC, 0x46, struct rtm_add_nexthop)
#define RTM_IOC_FIND_NEXTHOP	_IOWR(RTM_IOC_MAGIC, 0x47, struct rtm_nexthop_key)
#define RTM_IOC_DELETE_NEXTHOP	_IOWR(RTM_IOC_MAGIC, 0x48, struct rtm_nexthop_key)
#define RTM_IOC_GET_NEXTHOP_INFO _IOWR(RTM_IOC_MAGIC, 0x49, struct rtm_get_nexthop_info)
#define RTM_IOC_ADD_ROUTE	_IOWR(RTM_IOC_MAGIC, 0x4a, struct rtm_add_route)
#define RTM_IOC_DELETE_ROUTE	_IOWR(RTM_IOC_MAGIC, 0x4b, struct rtm_delete_route)
#define RTM_IOC_GET_ROUTE_INFO	_IOWR(RTM_IOC_MAGIC, 0x4c, struct rtm_get_route_info)
#define RTM_IOC_GET_DEST	_IOWR(RTM_IOC_MAGIC, 0x4d, struct rtm_get_dest)
#define RTM_IOC_GET_EXACT_ROUTE	_IOWR(RTM_IOC_MAGIC, 0x4e, struct rtm_get_exact_route)
#define RTM_IOC_HOLD_DEST	_IOWR(RTM_IOC_MAGIC, 0x4f, struct rtm_hold_dest)
#define RTM_IOC_ADD_ROUTES	_IOWR(RTM_IOC_MAGIC, 0x50, struct rtm_bulk_routes)
#define RTM_IOC_DELETE_ROUTES	_IOWR(RTM_IOC_MAGIC, 0x51, struct rtm_bulk_routes)
#define RTM_IOC_LOOKUP		_IOWR(RTM_IOC_MAGIC, 0x52, struct rtm_lookup)
#define RTM_IOC_ENUM_CREATE	_IOWR(RTM_IOC_MAGIC, 0x53, struct rtm_enum_create)
#define RTM_IOC_ENUM_GET	_IOWR(RTM_IOC_MAGIC, 0x54, struct rtm_enum_get)
#define RTM_IOC_ENUM_DELETE	_IOWR(RTM_IOC_MAGIC, 0x55, struct rtm_object)
#define RTM_IOC_LIST_CREATE	_IOWR(RTM_IOC_MAGIC, 0x56, struct rtm_object)
#define RTM_IOC_LIST_INSERT	_IOWR(RTM_IOC_MAGIC, 0x57, struct rtm_list_insert)
#define RTM_IOC_LIST_DELETE	_IOWR(RTM_IOC_MAGIC, 0x58, struct rtm_object)
#define RTM_IOC_NOTIFY_REGISTER	_IOWR(RTM_IOC_MAGIC, 0x59, struct rtm_notify_register)
#define RTM_IOC_NOTIFY_GET	_IOWR(RTM_IOC_MAGIC, 0x5a, struct rtm_notify_get)
#define RTM_IOC_NOTIFY_DEST	_IOWR(RTM_IOC_MAGIC, 0x5b, struct rtm_notify_dest)
#define RTM_IOC_NOTIFY_DEREGISTER _IOWR(RTM_IOC_MAGIC, 0x5c, struct rtm_object)
/*
 * 0x5d is unused and never to be reused: it was RTM_IOC_BENCH_LOOKUP, the
 * benchmark's lookup timing, which now lives in a test module of its own
 * (rtm_bench.ko, <linux/rtm_bench.h>); /dev/rtm fails it with -ENOTTY.
 */
#define RTM_IOC_LOCK		_IOWR(RTM_IOC_MAGIC, 0x5e, struct rtm_lock)
#define RTM_IOC_DUMP		_IOWR(RTM_IOC_MAGIC, 0x5f, struct rtm_dump)

/*
 * Entity methods (RtmGetEntityMethods, RtmInvokeMethod, RtmBlockMethods).
 *
 * RTM_IOC_METHOD_GET: how many methods the live entity @handle of the
 * caller's table (the caller itself, too) exported at registration
 * (struct rtm_register.num_methods).
 */
struct rtm_method_get {
	__u32 size;
	__u32 flags;			/* none defined: must be zero */
	__aligned_u64 handle;		/* the entity */
	__u32 count;			/* out */
	__u32 reserved;			/* must be zero */
};
#define RTM_METHOD_GET_SIZE_VER0	24

/*
 * RTM_IOC_METHOD_INVOKE: run methods of the entity @handle, the caller
 * itself included, and wait for their output.  Bit i of @method_type
 * selects method i; bits at or beyond the callee's method count are
 * ignored, and when none is left the call returns at once with no output.
 * Otherwise the callee must have registered with RTM_REGISTER_EVENTS
 * (-EOPNOTSUPP): the call is queued on it, it gets an
 * RTM_EVENT_METHOD_INVOKE event (@handle: the caller's entity, @cookie:
 * the call, @context: the input's size; never dropped, and not raised
 * while the callee's methods are blocked), takes the call with
 * RTM_METHOD_FETCH, runs the methods and answers with RTM_METHOD_REPLY.
 *
 * The output is the callee's answer as it gave it, at most @output_size
 * bytes (and at most the module parameter max_method_output): packed
 * RTM_ENTITY_METHOD_OUTPUT records, each at a 4-byte aligned offset, as
 * librtm builds them.  @output_size comes back as the bytes written.
 * -ENOSPC (the output is there) when the callee said it left methods out
 * for want of room.  -EBADF when the callee deregisters (or its file
 * closes) before answering, or the caller's own registration ends;
 * -EDQUOT past max_method_calls calls of the caller or max_method_pending
 * calls queued on the callee; -E2BIG for an input above max_method_input.
 *
 * Signals: a call the callee has not taken yet is cancelled and the ioctl
 * fails with -ERESTARTSYS (-EINTR), to be made again.  Once the callee has
 * taken it the methods are running and must not run twice: the kernel
 * then stores the call's @cookie in the argument before failing, and the
 * same request made again with that cookie (an automatic restart, or a
 * retry after EINTR) waits for that call instead of making a new one.
 * A new call has @cookie 0.  A call left so stays the caller's, counted in
 * max_method_calls, until collected or the caller's registration ends; a
 * caller killed by a signal cancels its call whatever its state.
 */
struct rtm_method_invoke {
	__u32 size;
	__u32 flags;			/* none defined: must be zero */
	__aligned_u64 handle;		/* the callee */
	__u32 method_type;		/* RTM_ENTITY_METHOD_TYPE */
	__u32 input_size;		/* bytes at @input */
	__aligned_u64 input;		/* user pointer */
	__u32 output_size;		/* in: room at @output; out: bytes written */
	__u32 reserved;			/* must be zero */
	__aligned_u64 output;		/* user pointer */
	__aligned_u64 cookie;		/* in/out: 0, or an interrupted call's */
};
#define RTM_METHOD_INVOKE_SIZE_VER0	56

/*
 * RTM_IOC_METHOD_CTL: what an entity does about its own methods.
 *
 * RTM_METHOD_BLOCK, RTM_METHOD_RESUME (RtmBlockMethods): while blocked no
 * call to the caller's methods is signalled or taken; invokers wait.
 * BLOCK returns once the calls already taken have been answered, except
 * those taken by the calling thread itself (a method may block its own
 * entity).  Only @target 0, every method, is supported (-EOPNOTSUPP);
 * @target_type must then be 0.
 *
 * RTM_METHOD_FETCH: take the call @cookie of an RTM_EVENT_METHOD_INVOKE.
 * Its input goes to @input, which has room for @input_size bytes (when it
 * is too small: -ENOSPC, @input_size set to the size needed, the call
 * left queued); @caller, @method_type, @input_size and @output_size (the
 * room the caller gave) come back.  -EBADF for a call that is not queued
 * on the caller (unknown, taken already, cancelled by its caller);
 * -EAGAIN while the methods are blocked: the event comes again on resume.
 *
 * RTM_METHOD_REPLY: answer the call @cookie, taken with FETCH, with the
 * @output_size bytes at @output (at most the @output_size FETCH gave,
 * -EINVAL otherwise), and wake its caller.  -EBADF for a call that is not
 * taken by the caller (unknown, answered already, cancelled).
 */
enum rtm_method_op {
	RTM_METHOD_BLOCK	= 1,
	RTM_METHOD_RESUME	= 2,
	RTM_METHOD_FETCH	= 3,
	RTM_METHOD_REPLY	= 4,
};

/* RTM_METHOD_REPLY flags */
#define RTM_METHOD_TRUNCATED	(1U << 0)	/* methods were left out: -ENOSPC */
#define RTM_METHOD_NOMEM	(1U << 1)	/* no output: the caller gets -ENOMEM */

struct rtm_method_ctl {
	__u32 size;
	__u32 op;			/* enum rtm_method_op */
	__aligned_u64 cookie;		/* FETCH, REPLY; otherwise 0 */
	__aligned_u64 target;		/* BLOCK, RESUME: 0 */
	__u32 target_type;		/* BLOCK, RESUME: 0 */
	__u32 flags;			/* REPLY: RTM_METHOD_*; otherwise 0 */
	__aligned_u64 caller;		/* FETCH out: the caller's entity */
	__u32 method_type;		/* FETCH out: as the caller gave it */
	__u32 input_size;		/* FETCH: in, room at @input; out, its size */
	__aligned_u64 input;		/* FETCH: user pointer */
	__u32 output_size;		/* FETCH out: the caller's room; REPLY in */
	__u32 reserved;			/* must be zero */
	__aligned_u64 output;		/* REPLY: user pointer */
};
#define RTM_METHOD_CTL_SIZE_VER0	72

#define RTM_IOC_METHOD_GET	_IOWR(RTM_IOC_MAGIC, 0x60, struct rtm_method_get)
#define RTM_IOC_METHOD_INVOKE	_IOWR(RTM_IOC_MAGIC, 0x61, struct rtm_method_invoke)
#define RTM_IOC_METHOD_CTL	_IOWR(RTM_IOC_MAGIC, 0x62, struct rtm_method_ctl)

/*
 * RTM_IOC_PREFERENCE: the default preference of each protocol, per network
 * namespace (every RTM instance and family of it).  A route added or
 * updated (RTM_IOC_ADD_ROUTE, RTM_IOC_ADD_ROUTES) with preference 0 gets
 * the default of its owner's EntityProtocolId, the whole 32-bit id, and
 * keeps 0 when the protocol has none; the route info reports the value
 * applied.  A change of the table applies to routes added or updated
 * afterwards: routes already in keep their preference.
 *
 * RTM_PREF_GET: @entry.preference of @entry.protocol_id (0: no default).
 * RTM_PREF_SET: give @entry.protocol_id the default @entry.preference; 0
 *	takes its default away.  -EDQUOT past RTM_MAX_PREFS protocols.
 * RTM_PREF_RESET: back to the built-in default of @entry.protocol_id, or
 *	of every protocol with RTM_PREF_ALL.
 * RTM_PREF_LIST: the protocols with a default, and the built-in ones whose
 *	default was taken away (with preference 0), ascending by id, into
 *	@entries: @count is the room going in and the entries written coming
 *	out, @total how many there are (-ENOSPC when more than the room,
 *	after writing what fits).
 * SET and RESET need CAP_NET_ADMIN in the namespace's user namespace
 * (-EPERM); GET, SET and RESET return the entry as GET would after them.
 * No registration is needed.
 */
enum rtm_pref_op {
	RTM_PREF_GET		= 1,
	RTM_PREF_SET		= 2,
	RTM_PREF_RESET		= 3,
	RTM_PREF_LIST		= 4,
};

#define RTM_PREF_ALL		(1U << 0)	/* RESET: every protocol */
#define RTM_PREF_CHANGED	(1U << 0)	/* entry: not the built-in value */
#define RTM_MAX_PREFS		256

struct rtm_pref_entry {
	__u32 protocol_id;
	__u32 preference;		/* 0: none */
	__u32 flags;			/* out: RTM_PREF_CHANGED */
	__u32 reserved;			/* must be zero */
};

struct rtm_preference {
	__u32 size;
	__u32 op;			/* enum rtm_pref_op */
	__u32 flags;			/* RESET: RTM_PREF_ALL; otherwise 0 */
	__u32 count;			/* LIST: in, room at @entries; out, written */
	struct rtm_pref_entry entry;	/* GET, SET, RESET */
	__u32 total;			/* LIST: out */
	__u32 reserved;			/* must be zero */
	__aligned_u64 entries;		/* LIST: user pointer to struct rtm_pref_entry[count] */
};
#define RTM_PREFERENCE_SIZE_VER0	48

#define RTM_IOC_PREFERENCE	_IOWR(RTM_IOC_MAGIC, 0x63, struct rtm_preference)

#endif /* _UAPI_LINUX_RTM_H */
