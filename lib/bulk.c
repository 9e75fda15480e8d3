// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The batched calls of rtm_bulk.h: RTM_IOC_ADD_ROUTES, RTM_IOC_DELETE_ROUTES,
 * RTM_IOC_LOOKUP and RTM_IOC_DUMP over arrays of any length, cut into chunks of
 * RTM_MAX_BATCH entries, the most the kernel takes in one call.
 *
 * A full-table load or dump runs for seconds, so a bulk call does not stay
 * in the registry's read-side section (registry.c) while it loops: every
 * deregistration in the process, and every thread's first call, would wait
 * for it.  It takes a reference instead, which keeps the registration's fd
 * open, and leaves the section at once.  Between batches it checks that
 * nobody has begun deregistering the registration meanwhile, and stops
 * with ERROR_INVALID_HANDLE if someone has, as a call begun afterwards would.
 */
#include "convert.h"
#include "registry.h"
#include "rtm_bulk.h"

static size_t chunk_of(size_t left)
{
	return left < RTM_MAX_BATCH ? left : RTM_MAX_BATCH;
}

/* The live entry of @handle with a reference of the caller's, or NULL. */
static struct librtm_reg *bulk_begin(RTM_ENTITY_HANDLE handle)
{
	struct librtm_reg *reg = librtm_reg_get(handle);

	if (!reg)
		return NULL;
	librtm_reg_ref(reg);
	librtm_reg_put(reg);
	return reg;
}

/*
 * The status of a batch that returned @ret: once the registration is being
 * deregistered, whatever the kernel said (it may already have ended the
 * registration under the call), the handle is no longer valid.
 */
static DWORD batch_status(struct librtm_reg *reg, int ret)
{
	if (!librtm_reg_live(reg))
		return ERROR_INVALID_HANDLE;
	return librtm_win32_error(-ret);
}

static DWORD bulk_routes(RTM_ENTITY_HANDLE RtmRegHandle, unsigned long cmd,
			 const struct rtm_route_entry *entries, size_t count,
			 const RTM_NEXTHOP_HANDLE *nexthops,
			 size_t nexthop_count, size_t *done)
{
	struct rtm_bulk_routes req;
	struct librtm_reg *reg;
	size_t applied = 0;
	DWORD status = NO_ERROR;
	int ret;

	if (done)
		*done = 0;
	reg = bulk_begin(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if ((count && !entries) || (nexthop_count && !nexthops) ||
	    nexthop_count > RTM_MAX_BATCH) {
		status = ERROR_INVALID_PARAMETER;
		goto out;
	}

	while (applied < count) {
		if (!librtm_reg_live(reg)) {
			status = ERROR_INVALID_HANDLE;
			break;
		}
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.count = chunk_of(count - applied);
		req.entries = librtm_u64(entries + applied);
		/* Every chunk indexes the same next-hop array. */
		req.nexthops = nexthop_count ? librtm_u64(nexthops) : 0;
		req.nexthop_count = nexthop_count;
		ret = librtm_ioctl(reg->fd, cmd, &req);
		/* On failure too the kernel says how far it got. */
		applied += req.done < req.count ? req.done : req.count;
		if (ret) {
			status = batch_status(reg, ret);
			break;
		}
	}
out:
	librtm_reg_unref(reg);
	if (done)
		*done = applied;
	return status;
}

RTM_EXPORT DWORD rtm_bulk_add_routes(RTM_ENTITY_HANDLE RtmRegHandle,
				     const struct rtm_route_entry *entries,
				     size_t count,
				     const RTM_NEXTHOP_HANDLE *nexthops,
				     size_t nexthop_count, size_t *done)
{
	return bulk_routes(RtmRegHandle, RTM_IOC_ADD_ROUTES, entries, count,
			   nexthops, nexthop_count, done);
}

RTM_EXPORT DWORD rtm_bulk_delete_routes(RTM_ENTITY_HANDLE RtmRegHandle,
					const struct rtm_route_entry *entries,
					size_t count, size_t *done)
{
	return bulk_routes(RtmRegHandle, RTM_IOC_DELETE_ROUTES, entries, count,
			   NULL, 0, done);
}

RTM_EXPORT DWORD rtm_bulk_lookup(RTM_ENTITY_HANDLE RtmRegHandle,
				 RTM_VIEW_ID view, const RTM_NET_ADDRESS *addrs,
				 struct rtm_lookup_result *results, size_t count)
{
	struct rtm_lookup req;
	struct librtm_reg *reg;
	DWORD status;
	size_t off;
	int ret = 0;

	reg = bulk_begin(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (count && (!addrs || !results)) {
		librtm_reg_unref(reg);
		return ERROR_INVALID_PARAMETER;
	}

	for (off = 0; off < count && !ret; off += req.count) {
		if (!librtm_reg_live(reg)) {
			librtm_reg_unref(reg);
			return ERROR_INVALID_HANDLE;
		}
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.count = chunk_of(count - off);
		req.view_id = (__u32)view;
		req.addresses = librtm_u64(addrs + off);
		req.results = librtm_u64(results + off);
		ret = librtm_ioctl(reg->fd, RTM_IOC_LOOKUP, &req);
	}
	status = ret ? batch_status(reg, ret) : NO_ERROR;
	librtm_reg_unref(reg);
	return status;
}

RTM_EXPORT DWORD rtm_bulk_dump(RTM_ENTITY_HANDLE RtmRegHandle, RTM_VIEW_ID view,
			       RTM_NET_ADDRESS *cursor,
			       struct rtm_dump_entry *entries, size_t *count)
{
	struct rtm_dump req;
	struct librtm_reg *reg;
	size_t room, got = 0;
	DWORD status = NO_ERROR;
	bool end = false;
	int ret;

	reg = bulk_begin(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!cursor || !count || !*count || !entries) {
		librtm_reg_unref(reg);
		return ERROR_INVALID_PARAMETER;
	}

	room = *count;
	while (got < room && !end) {
		if (!librtm_reg_live(reg)) {
			status = ERROR_INVALID_HANDLE;
			break;
		}
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.view_id = (__u32)view;
		req.count = chunk_of(room - got);
		req.entries = librtm_u64(entries + got);
		if (cursor->AddressFamily) {
			req.flags = RTM_DUMP_CONTINUE;
			memcpy(&req.cursor, cursor, sizeof(req.cursor));
		}
		ret = librtm_ioctl(reg->fd, RTM_IOC_DUMP, &req);
		if (ret) {
			status = batch_status(reg, ret);
			break;
		}
		got += req.count;
		end = req.flags & RTM_DUMP_END;
		if (req.count)
			memcpy(cursor, &req.cursor, sizeof(*cursor));
	}
	librtm_reg_unref(reg);
	*count = got;
	if (status != NO_ERROR)
		return status;
	return end ? ERROR_NO_MORE_ITEMS : NO_ERROR;
}
