/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtm_bulk.h - batched routing-table calls of librtm, beside the RTMv2 API.
 *
 * These are not RTMv2 functions: they load, withdraw, look up and dump
 * many routes in a few system calls, for full-table loads, benchmarks and
 * forwarding-plane tools.  They take a registration handle from
 * RtmRegisterEntity() and return Win32 codes like every RTMv2 call.  A
 * call runs for as many system calls as it needs without holding up other
 * threads' deregistrations; when its own registration is deregistered
 * meanwhile, it stops before its next system call with
 * ERROR_INVALID_HANDLE, what it had done before staying done.  The
 * entries and results are the kernel's own structures from <linux/rtm.h>
 * (installed with this header):
 *
 *   struct rtm_route_entry {
 *	struct rtm_net_address dest;	   the prefix (RTM_NET_ADDRESS layout)
 *	__u16 flags;			   RTM_ROUTE_FLAGS_*
 *	__u16 nexthop_count;		   next hops of the route...
 *	__u32 nexthop_first;		   ...from this index of @nexthops
 *	__u32 metric, preference, views;   PrefInfo and BelongsToViews (!= 0)
 *	__aligned_u64 neighbour;	   a next hop of @nexthops, or 0
 *	__aligned_u64 entity_specific_info;
 *   };
 *
 *   struct rtm_lookup_result {
 *	__u16 num_bits;			   prefix found; 0xFFFF: no route
 *	__u16 route_flags, nexthop_count;
 *	__u16 nexthop_flags;		   RTM_NEXTHOP_FLAGS_* of the first one
 *	__u32 metric, preference;
 *	__u32 protocol_id;		   of the best route's owner
 *	__u32 interface_index;		   of its first next hop
 *	struct rtm_net_address nexthop;	   address of its first next hop
 *   };
 *
 * Batches larger than RTM_MAX_BATCH are cut into several system calls.
 * Within one system call changes stop at the first failure; what was
 * applied stays applied, and *done says how many entries that was.
 */
#ifndef _RTM_BULK_H_
#define _RTM_BULK_H_

#include <stddef.h>
#include <linux/rtm.h>

#include "rtmv2.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Add or update routes of the caller, each as RtmAddRouteToDest() without
 * a route handle, list or time to live (it never expires): an existing
 * route of the caller with the same dest and neighbour is updated.
 *
 * @nexthops holds the next-hop handles the entries name (live next hops of
 * the caller, at most RTM_MAX_BATCH of them); an entry's next hops are
 * @nexthops[nexthop_first .. nexthop_first + nexthop_count - 1], at most
 * MaxNextHopsInRoute, and its neighbour, if any, is one of @nexthops.
 *
 * *@done (if @done is not NULL) is the number of entries applied.  Returns
 * NO_ERROR once all @count entries are in; otherwise *@done is the index of
 * the entry that failed (0 for a bad call), whose error is returned: ERROR_INVALID_PARAMETER for a bad entry, ERROR_INVALID_HANDLE
 * for a bad next-hop handle, ERROR_NO_SYSTEM_RESOURCES past the route cap,
 * ERROR_NOT_ENOUGH_MEMORY.
 */
DWORD rtm_bulk_add_routes(RTM_ENTITY_HANDLE RtmRegHandle,
			  const struct rtm_route_entry *entries, size_t count,
			  const RTM_NEXTHOP_HANDLE *nexthops,
			  size_t nexthop_count, size_t *done);

/*
 * Delete routes of the caller named by their dest and neighbour (the other
 * fields of the entries are ignored), as RtmDeleteRouteToDest() would.  An
 * entry that names no route stops the call with ERROR_NOT_FOUND; *@done
 * (if @done is not NULL) is the number of entries deleted before it.
 */
DWORD rtm_bulk_delete_routes(RTM_ENTITY_HANDLE RtmRegHandle,
			     const struct rtm_route_entry *entries,
			     size_t count, size_t *done);

/*
 * Forwarding lookups of @count addresses in view @view (RTM_VIEW_ID_UCAST,
 * RTM_VIEW_ID_MCAST): for each, the longest prefix with a route in the view
 * and that prefix's best route, into @results[i].  No handles are taken.
 * An address of another family or with NumBits beyond its family's length
 * gets num_bits 0xFFFF, like one that matches nothing.  Returns NO_ERROR,
 * ERROR_NOT_SUPPORTED for a view the table does not have, or
 * ERROR_INVALID_PARAMETER.
 */
DWORD rtm_bulk_lookup(RTM_ENTITY_HANDLE RtmRegHandle, RTM_VIEW_ID view,
		      const RTM_NET_ADDRESS *addrs,
		      struct rtm_lookup_result *results, size_t count);

/*
 * Copy out the dests that have a route in view @view, in the order of
 * RtmCreateDestEnum, each with its best route in that view as
 * rtm_bulk_lookup() reports it (best.num_bits is the dest's prefix length).
 * No handles are taken: values only, to read a whole table fast.
 *
 *   struct rtm_dump_entry {
 *	struct rtm_net_address dest;	   the dest (RTM_NET_ADDRESS layout)
 *	__u32 __pad;
 *	struct rtm_lookup_result best;	   its best route in @view
 *   };
 *
 * *@cursor starts the dump at the first dest when its AddressFamily is 0,
 * and after the dest it names otherwise (which need not exist any more);
 * it comes back naming the last dest written, ready for the next call.
 * *@count is the room at @entries going in and the entries written coming
 * out.  Returns NO_ERROR with @entries full when more may follow,
 * ERROR_NO_MORE_ITEMS when the dump reached the end (*@count may be 0),
 * ERROR_NOT_SUPPORTED for a view the table does not have, or
 * ERROR_INVALID_PARAMETER (a cursor of another family, for one).  Dests
 * added or deleted meanwhile may or may not show; none shows twice.
 */
DWORD rtm_bulk_dump(RTM_ENTITY_HANDLE RtmRegHandle, RTM_VIEW_ID view,
		    RTM_NET_ADDRESS *cursor, struct rtm_dump_entry *entries,
		    size_t *count);

#ifdef __cplusplus
}
#endif

#endif /* _RTM_BULK_H_ */
