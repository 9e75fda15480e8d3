// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The event dispatcher thread.
 *
 * The kernel queues fixed-size struct rtm_event records on the
 * registration's fd; read() blocks until there is one and returns end of
 * file once the entity has deregistered.  Each record becomes one call of
 * the entity's callback, on this thread, and never after a deregistration
 * has begun; method calls run the entity's methods instead (method.c).  A
 * record flagged RTM_EVENT_LOST is followed by a resync (resync.c).
 *
 * RTM_ROUTE_EXPIRED carries a route handle the registration holds.  The
 * callback gets it with the owner's direct view of the route (handles
 * inside not held) in the route's shadow (lock.c), sized for
 * MaxNextHopsInRoute and valid while the handle is held (reference 6.1,
 * 8.7).  If it answers ERROR_NOT_SUPPORTED the route is deleted, unless it
 * was refreshed meanwhile (RTM_DELETE_IF_EXPIRED), and the handle goes with
 * it; any other answer leaves the route and the handle to the client, which
 * releases it.
 */
#define _GNU_SOURCE		/* pthread_setname_np() */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#include "convert.h"
#include "dispatch.h"
#include "shadow.h"

#define EVENT_BATCH	16	/* records read per read() */

_Static_assert(RTM_EVENT_ENTITY_REGISTERED == (int)RTM_ENTITY_REGISTERED &&
	       RTM_EVENT_ENTITY_DEREGISTERED == (int)RTM_ENTITY_DEREGISTERED &&
	       RTM_EVENT_ROUTE_EXPIRED == (int)RTM_ROUTE_EXPIRED &&
	       RTM_EVENT_CHANGE_NOTIFICATION == (int)RTM_CHANGE_NOTIFICATION,
	       "kernel event types are the RTM_EVENT_TYPE values");

static void route_release(struct librtm_reg *reg, __u64 handle)
{
	HANDLE held = librtm_handle(handle);

	librtm_handles_ioctl(reg->fd, RTM_IOC_RELEASE, RTM_KIND_ROUTE, 1, &held);
}

/* Delete an expired route the client gave up, consuming @handle. */
static void expired_route_delete(struct librtm_reg *reg, __u64 handle)
{
	struct rtm_delete_route req;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.flags = RTM_DELETE_IF_EXPIRED;
	req.handle = handle;
	/* -EAGAIN: refreshed meanwhile; -ENOENT: deleted already. */
	if (librtm_ioctl(reg->fd, RTM_IOC_DELETE_ROUTE, &req))
		route_release(reg, handle);
	else
		librtm_route_deleted(reg, handle);
}

static void dispatch_route_expired(struct librtm_reg *reg, __u64 handle)
{
	PRTM_ROUTE_INFO info;
	DWORD answer;

	/*
	 * Context2 is the route's shadow, the one RtmGetRoutePointer and
	 * RtmLockRoute hand out: a callback that locks it, edits it and calls
	 * RtmUpdateAndUnlockRoute updates the route.  Only if the shadow
	 * cannot be had (out of memory) is it a private copy.
	 */
	info = librtm_expired_route(reg, handle);
	if (!info) {
		info = reg->expired_route;
		/*
		 * If the route cannot be read the client cannot decide: do
		 * what the kernel does for entities without a callback, and
		 * delete it.
		 */
		if (librtm_route_info(reg, handle, RTM_INFO_DIRECT, info, NULL,
				      NULL)) {
			expired_route_delete(reg, handle);
			return;
		}
	}
	answer = reg->callback(reg->handle, RTM_ROUTE_EXPIRED,
			       librtm_handle(handle), info);
	if (answer == ERROR_NOT_SUPPORTED)
		expired_route_delete(reg, handle);
}

/*
 * An entity without a callback has a queue only for its methods (entity.c):
 * the kernel deletes such an entity's routes when they expire, and since it
 * now counts as one with a callback, the library does so in its place.
 * Other events are consumed: there is no one to tell.
 */
static void dispatch_silent(struct librtm_reg *reg, const struct rtm_event *ev)
{
	if (ev->type == RTM_EVENT_METHOD_INVOKE)
		librtm_method_serve(reg, ev);
	else if (ev->type == RTM_EVENT_ROUTE_EXPIRED)
		expired_route_delete(reg, ev->handle);
}

static void dispatch_event(struct librtm_reg *reg, const struct rtm_event *ev)
{
	RTM_ENTITY_INFO info;

	if (!reg->callback) {
		dispatch_silent(reg, ev);
		return;
	}
	switch (ev->type) {
	case RTM_EVENT_ENTITY_REGISTERED:
	case RTM_EVENT_ENTITY_DEREGISTERED:
		/* After lost events a resync may have told of it already. */
		if (!librtm_known_note(reg, ev))
			break;
		/* Context2 is only valid during the call, as on Windows. */
		memcpy(&info, &ev->entity, sizeof(info));
		reg->callback(reg->handle, (RTM_EVENT_TYPE)ev->type,
			      librtm_handle(ev->handle), &info);
		break;
	case RTM_EVENT_ROUTE_EXPIRED:
		dispatch_route_expired(reg, ev->handle);
		break;
	case RTM_EVENT_CHANGE_NOTIFICATION:
		/* Context1: the notify handle; Context2: its NotifyContext. */
		reg->callback(reg->handle, RTM_CHANGE_NOTIFICATION,
			      librtm_handle(ev->handle),
			      (PVOID)(uintptr_t)ev->context);
		break;
	case RTM_EVENT_METHOD_INVOKE:
		/* Not an RTMv2 event: the entity's methods, not its callback. */
		librtm_method_serve(reg, ev);
		break;
	default:
		/* A type this library does not know comes from a newer kernel. */
		break;
	}
}

static void *dispatcher_main(void *arg)
{
	struct librtm_reg *reg = arg;
	struct rtm_event events[EVENT_BATCH];
	ssize_t len;
	size_t i;

	for (;;) {
		len = read(reg->fd, events, sizeof(events));
		if (len < 0 && errno == EINTR)
			continue;
		/* 0: the entity deregistered; < 0: the fd is unusable. */
		if (len <= 0)
			break;
		for (i = 0; i < (size_t)len / sizeof(events[0]); i++) {
			if (librtm_reg_live(reg))
				dispatch_event(reg, &events[i]);
			else if (events[i].type == RTM_EVENT_ROUTE_EXPIRED)
				/* Should the deregistration fail, leak nothing. */
				route_release(reg, events[i].handle);
			/* Events were dropped: tell what can be told (resync.c). */
			if (librtm_reg_live(reg) &&
			    ((events[i].flags & RTM_EVENT_LOST) ||
			     reg->resync_pending))
				librtm_resync(reg);
		}
	}

	librtm_reg_unref(reg);
	return NULL;
}

int librtm_dispatch_start(struct librtm_reg *reg)
{
	sigset_t all, saved;
	int err;

	/*
	 * Signals sent to the process belong to the application's threads:
	 * the new thread inherits a blocked mask, with no window before it
	 * sets one.  Not the signals the thread raises itself, by what the
	 * callbacks it runs do: a write to a closed pipe (SIGPIPE), past
	 * RLIMIT_FSIZE (SIGXFSZ), a fault (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
	 * SIGTRAP), a refused system call (SIGSYS) or abort() (SIGABRT).
	 * Blocked, these would be lost (a write fails with EPIPE and the
	 * program goes on) or kill the process without its handler; left
	 * open they act as they would on the application's thread.
	 */
	sigfillset(&all);
	sigdelset(&all, SIGPIPE);
	sigdelset(&all, SIGXFSZ);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGTRAP);
	sigdelset(&all, SIGSYS);
	sigdelset(&all, SIGABRT);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	err = pthread_create(&reg->dispatcher, NULL, dispatcher_main, reg);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);

	if (!err)
		pthread_setname_np(reg->dispatcher, "rtm-events");
	return err;
}
