// SPDX-License-Identifier: GPL-2.0
/*
 * What the fuzzer counts and checks: calls per ioctl and errno (in memory
 * shared by every process of the run), the errors uapi/linux/rtm.h and
 * the design document allow each ioctl to return, and the violations.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

#define IOC(op, cmd, type, ver0) \
	[op] = { #cmd + 8, cmd, sizeof(struct type), ver0 }

const struct fz_ioctl_desc fz_ioctls[FZ_NR_IOCTLS] = {
	IOC(FZ_REGISTER, RTM_IOC_REGISTER, rtm_register,
	    RTM_REGISTER_SIZE_VER0),
	IOC(FZ_DEREGISTER, RTM_IOC_DEREGISTER, rtm_deregister,
	    RTM_DEREGISTER_SIZE_VER0),
	IOC(FZ_GET_ENTITIES, RTM_IOC_GET_ENTITIES, rtm_get_entities,
	    RTM_GET_ENTITIES_SIZE_VER0),
	IOC(FZ_GET_ENTITY_INFO, RTM_IOC_GET_ENTITY_INFO, rtm_get_entity_info,
	    RTM_GET_ENTITY_INFO_SIZE_VER0),
	IOC(FZ_REFERENCE, RTM_IOC_REFERENCE, rtm_handles,
	    RTM_HANDLES_SIZE_VER0),
	IOC(FZ_RELEASE, RTM_IOC_RELEASE, rtm_handles, RTM_HANDLES_SIZE_VER0),
	IOC(FZ_ADD_NEXTHOP, RTM_IOC_ADD_NEXTHOP, rtm_add_nexthop,
	    RTM_ADD_NEXTHOP_SIZE_VER0),
	IOC(FZ_FIND_NEXTHOP, RTM_IOC_FIND_NEXTHOP, rtm_nexthop_key,
	    RTM_NEXTHOP_KEY_SIZE_VER0),
	IOC(FZ_DELETE_NEXTHOP, RTM_IOC_DELETE_NEXTHOP, rtm_nexthop_key,
	    RTM_NEXTHOP_KEY_SIZE_VER0),
	IOC(FZ_GET_NEXTHOP_INFO, RTM_IOC_GET_NEXTHOP_INFO,
	    rtm_get_nexthop_info, RTM_GET_NEXTHOP_INFO_SIZE_VER0),
	IOC(FZ_ADD_ROUTE, RTM_IOC_ADD_ROUTE, rtm_add_route,
	    RTM_ADD_ROUTE_SIZE_VER0),
	IOC(FZ_DELETE_ROUTE, RTM_IOC_DELETE_ROUTE, rtm_delete_route,
	    RTM_DELETE_ROUTE_SIZE_VER0),
	IOC(FZ_GET_ROUTE_INFO, RTM_IOC_GET_ROUTE_INFO, rtm_get_route_info,
	    RTM_GET_ROUTE_INFO_SIZE_VER0),
	IOC(FZ_GET_DEST, RTM_IOC_GET_DEST, rtm_get_dest,
	    RTM_GET_DEST_SIZE_VER0),
	IOC(FZ_GET_EXACT_ROUTE, RTM_IOC_GET_EXACT_ROUTE, rtm_get_exact_route,
	    RTM_GET_EXACT_ROUTE_SIZE_VER0),
	IOC(FZ_HOLD_DEST, RTM_IOC_HOLD_DEST, rtm_hold_dest,
	    RTM_HOLD_DEST_SIZE_VER0),
	IOC(FZ_ADD_ROUTES, RTM_IOC_ADD_ROUTES, rtm_bulk_routes,
	    RTM_BULK_ROUTES_SIZE_VER0),
	IOC(FZ_DELETE_ROUTES, RTM_IOC_DELETE_ROUTES, rtm_bulk_routes,
	    RTM_BULK_ROUTES_SIZE_VER0),
	IOC(FZ_LOOKUP, RTM_IOC_LOOKUP, rtm_lookup, RTM_LOOKUP_SIZE_VER0),
	IOC(FZ_ENUM_CREATE, RTM_IOC_ENUM_CREATE, rtm_enum_create,
	    RTM_ENUM_CREATE_SIZE_VER0),
	IOC(FZ_ENUM_GET, RTM_IOC_ENUM_GET, rtm_enum_get,
	    RTM_ENUM_GET_SIZE_VER0),
	IOC(FZ_ENUM_DELETE, RTM_IOC_ENUM_DELETE, rtm_object,
	    RTM_OBJECT_SIZE_VER0),
	IOC(FZ_LIST_CREATE, RTM_IOC_LIST_CREATE, rtm_object,
	    RTM_OBJECT_SIZE_VER0),
	IOC(FZ_LIST_INSERT, RTM_IOC_LIST_INSERT, rtm_list_insert,
	    RTM_LIST_INSERT_SIZE_VER0),
	IOC(FZ_LIST_DELETE, RTM_IOC_LIST_DELETE, rtm_object,
	    RTM_OBJECT_SIZE_VER0),
	IOC(FZ_NOTIFY_REGISTER, RTM_IOC_NOTIFY_REGISTER, rtm_notify_register,
	    RTM_NOTIFY_REGISTER_SIZE_VER0),
	IOC(FZ_NOTIFY_GET, RTM_IOC_NOTIFY_GET, rtm_notify_get,
	    RTM_NOTIFY_GET_SIZE_VER0),
	IOC(FZ_NOTIFY_DEST, RTM_IOC_NOTIFY_DEST, rtm_notify_dest,
	    RTM_NOTIFY_DEST_SIZE_VER0),
	IOC(FZ_NOTIFY_DEREGISTER, RTM_IOC_NOTIFY_DEREGISTER, rtm_object,
	    RTM_OBJECT_SIZE_VER0),
	IOC(FZ_LOCK, RTM_IOC_LOCK, rtm_lock, RTM_LOCK_SIZE_VER0),
	IOC(FZ_DUMP, RTM_IOC_DUMP, rtm_dump, RTM_DUMP_SIZE_VER0),
	IOC(FZ_METHOD_GET, RTM_IOC_METHOD_GET, rtm_method_get,
	    RTM_METHOD_GET_SIZE_VER0),
	IOC(FZ_METHOD_INVOKE, RTM_IOC_METHOD_INVOKE, rtm_method_invoke,
	    RTM_METHOD_INVOKE_SIZE_VER0),
	IOC(FZ_METHOD_CTL, RTM_IOC_METHOD_CTL, rtm_method_ctl,
	    RTM_METHOD_CTL_SIZE_VER0),
	IOC(FZ_PREFERENCE, RTM_IOC_PREFERENCE, rtm_preference,
	    RTM_PREFERENCE_SIZE_VER0),
};

struct fz_tally *fz_tally;

void fz_tally_init(void *shared)
{
	fz_tally = shared;
	memset(fz_tally, 0, sizeof(*fz_tally));
}

size_t fz_tally_size(void)
{
	return sizeof(struct fz_tally);
}

const char *fz_op_name(enum fz_op op)
{
	if (op < FZ_NR_IOCTLS)
		return fz_ioctls[op].name;
	switch (op) {
	case FZ_BAD_CMD:
		return "(unknown cmd)";
	case FZ_READ:
		return "read()";
	case FZ_POLL:
		return "poll()";
	default:
		return "?";
	}
}

void fz_count_call(enum fz_op op, int ret)
{
	int e = ret < 0 ? -ret : 0;

	if (e >= FZ_NERRNO - 1)
		e = FZ_NERRNO - 1;
	__atomic_fetch_add(&fz_tally->calls[op][e], 1, __ATOMIC_RELAXED);
}

/*
 * Errors every ioctl may return: a bad argument or pointer, a structure
 * too new (E2BIG), memory, a handle that names nothing of its kind, a
 * key that names nothing, an identity or prefix in use, another's object,
 * a per-registration limit, a buffer too small, an operation the object
 * does not support.
 */
static const int common[] = {
	EINVAL, EFAULT, E2BIG, ENOMEM, EBADF, ENOENT, EEXIST, EACCES, EDQUOT,
	ENOSPC, EOPNOTSUPP,
};

static bool in(int err, const int *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (set[i] == err)
			return true;
	return false;
}

/* And those only some return, as uapi/linux/rtm.h says. */
static bool extra(enum fz_op op, int err)
{
	switch (op) {
	case FZ_REGISTER:
		/* no CAP_NET_ADMIN; bad identity; the file was used */
		return err == EPERM || err == EBADMSG || err == EBUSY;
	case FZ_ENUM_GET:
	case FZ_NOTIFY_GET:
		return err == ENODATA;		/* an empty batch */
	case FZ_DELETE_ROUTE:
		return err == EAGAIN;		/* not expired */
	case FZ_ADD_ROUTES:
	case FZ_DELETE_ROUTES:			/* a signal between entries */
	case FZ_LOCK:				/* the wait is interruptible */
	case FZ_METHOD_INVOKE:			/* cancelled by a signal */
		return err == EINTR;
	case FZ_METHOD_CTL:
		return err == EAGAIN || err == EINTR;	/* blocked; BLOCK waits */
	case FZ_PREFERENCE:
		return err == EPERM;		/* a change without CAP_NET_ADMIN */
	default:
		return false;
	}
}

bool fz_errno_allowed(enum fz_op op, int err)
{
	switch (op) {
	case FZ_BAD_CMD:
		return err == ENOTTY || err == EBADF;	/* EBADF: fd closed */
	case FZ_READ:
		/*
		 * Too small, no queue, empty under O_NONBLOCK, a signal, a
		 * fault; EBADF: the fd was closed under the reader.
		 */
		return err == EINVAL || err == EAGAIN || err == EINTR ||
		       err == EFAULT || err == EBADF;
	case FZ_POLL:
		return err == EINTR;
	default:
		return in(err, common, ARRAY_SIZE(common)) ||
		       extra(op, err);
	}
}

void fz_violation(const char *fmt, ...)
{
	uint32_t i;
	va_list ap;

	__atomic_fetch_add(&fz_tally->violations, 1, __ATOMIC_RELAXED);
	i = __atomic_fetch_add(&fz_tally->nlog, 1, __ATOMIC_RELAXED);
	if (i >= ARRAY_SIZE(fz_tally->log))
		return;
	va_start(ap, fmt);
	vsnprintf(fz_tally->log[i], sizeof(fz_tally->log[i]), fmt, ap);
	va_end(ap);
}

/* The errno columns of the table, in this order; then "other". */
static const int columns[] = {
	0, EINVAL, EFAULT, E2BIG, EBADF, ENOENT, EEXIST, EACCES, EDQUOT,
	ENOSPC, ENODATA, EOPNOTSUPP, ENOMEM, EAGAIN, EINTR, EPERM, EBUSY,
	EBADMSG, ENOTTY,
};

static const char *errno_name(int e)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
		{ 0, "ok" }, { EINVAL, "EINVAL" }, { EFAULT, "EFAULT" },
		{ E2BIG, "E2BIG" }, { EBADF, "EBADF" }, { ENOENT, "ENOENT" },
		{ EEXIST, "EEXIST" }, { EACCES, "EACCES" },
		{ EDQUOT, "EDQUOT" }, { ENOSPC, "ENOSPC" },
		{ ENODATA, "ENODATA" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ ENOMEM, "ENOMEM" }, { EAGAIN, "EAGAIN" }, { EINTR, "EINTR" },
		{ EPERM, "EPERM" }, { EBUSY, "EBUSY" }, { EBADMSG, "EBADMSG" },
		{ ENOTTY, "ENOTTY" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].e == e)
			return names[i].name;
	return "other";
}

void fz_report(FILE *out)
{
	const unsigned int ncol = ARRAY_SIZE(columns);
	uint64_t total[FZ_NERRNO] = { 0 }, all = 0, sum, other;
	unsigned int op, c, e;
	bool listed;

	fprintf(out, "# %-20s %9s", "calls per errno", "total");
	for (c = 0; c < ncol; c++)
		fprintf(out, " %7.7s", errno_name(columns[c]));
	fprintf(out, " %7s\n", "other");
	for (op = 0; op < FZ_NR_OPS; op++) {
		sum = 0;
		for (e = 0; e < FZ_NERRNO; e++) {
			sum += fz_tally->calls[op][e];
			total[e] += fz_tally->calls[op][e];
		}
		all += sum;
		fprintf(out, "# %-20s %9llu", fz_op_name(op),
			(unsigned long long)sum);
		other = sum;
		for (c = 0; c < ncol; c++) {
			fprintf(out, " %7llu", (unsigned long long)
				fz_tally->calls[op][columns[c]]);
			other -= fz_tally->calls[op][columns[c]];
		}
		fprintf(out, " %7llu\n", (unsigned long long)other);
		/*
		 * A line at a time: a burst this long has lost lines on the
		 * VM's serial line.
		 */
		fflush(out);
		usleep(5000);
	}
	fprintf(out, "# %-20s %9llu\n", "all calls", (unsigned long long)all);
	fprintf(out, "# per errno:");
	for (e = 0; e < FZ_NERRNO; e++) {
		if (!total[e])
			continue;
		listed = false;
		for (c = 0; c < ncol; c++)
			listed |= columns[c] == (int)e;
		fprintf(out, " %s=%llu",
			listed ? errno_name(e) :
			e == FZ_NERRNO - 1 ? "E>=135" : strerror(e),
			(unsigned long long)total[e]);
	}
	fprintf(out, "\n");
}

unsigned int fz_uncovered(FILE *out, uint64_t ops)
{
	unsigned int op, e, n = 0;
	uint64_t sum;

	for (op = 0; op < FZ_NR_IOCTLS; op++) {
		if (!(ops & 1ULL << op))
			continue;
		sum = 0;
		for (e = 0; e < FZ_NERRNO; e++)
			sum += fz_tally->calls[op][e];
		if (!sum) {
			fprintf(out, "# %s was never called\n", fz_op_name(op));
			n++;
		} else if (!fz_tally->calls[op][0]) {
			fprintf(out, "# %s never succeeded\n", fz_op_name(op));
			n++;
		}
	}
	return n;
}
