// SPDX-License-Identifier: GPL-2.0
/*
 * The event queue of a registration, as an entity's dispatcher reads it:
 * poll(), read() of whole records (sometimes into too small or bad
 * buffers), and the answers: a method invocation is fetched and replied
 * to (or left for its caller to give up on), an expired route deleted
 * unless it was refreshed, changed dests taken and released; every handle
 * an event names goes into the pool.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static void answer_method(struct fz_thread *t, int fd,
			  const struct rtm_event *ev)
{
	struct fz_rng *r = &t->rng;
	struct rtm_method_ctl a = { 0 };
	uint32_t room, out;
	void *in;

	fz_seen(t, FZ_COOKIE, ev->cookie);
	fz_seen(t, FZ_ENTITY, ev->handle);
	/* Left unanswered, the caller waits until a signal or our end. */
	if (fz_chance(r, 10))
		return;
	a.op = RTM_METHOD_FETCH;
	a.cookie = ev->cookie;
	room = (uint32_t)ev->context;
	if (fz_chance(r, 10) && room)
		room = fz_below(r, room);	/* too small: ENOSPC */
	in = fz_alloc(&t->arena, room ? room : 1);
	if (!in)
		return;
	a.input = (uint64_t)(uintptr_t)in;
	a.input_size = room;
	if (fz_ioctl_plain(t, fd, FZ_METHOD_CTL, &a))
		return;
	out = a.output_size;
	memset(&a, 0, sizeof(a));
	a.op = RTM_METHOD_REPLY;
	a.cookie = ev->cookie;
	a.output_size = out ? fz_below(r, out + 1) : 0;
	if (fz_chance(r, 5))
		a.output_size = out + 1;		/* too much: EINVAL */
	a.output = (uint64_t)(uintptr_t)fz_alloc(&t->arena,
						 a.output_size + 1);
	if (!a.output)
		return;
	memset((void *)(uintptr_t)a.output, 0xa5, a.output_size);
	switch (fz_below(r, 10)) {
	case 0:
		a.flags = RTM_METHOD_TRUNCATED;
		break;
	case 1:
		a.flags = RTM_METHOD_NOMEM;
		break;
	default:
		break;
	}
	fz_ioctl_plain(t, fd, FZ_METHOD_CTL, &a);
}

static void answer_expiry(struct fz_thread *t, int fd,
			  const struct rtm_event *ev)
{
	struct rtm_delete_route a = { 0 };

	fz_seen_own(t, FZ_ROUTE, ev->handle);
	if (fz_chance(&t->rng, 20))
		return;
	a.flags = RTM_DELETE_IF_EXPIRED;
	a.handle = ev->handle;
	fz_ioctl_plain(t, fd, FZ_DELETE_ROUTE, &a);
}

static void handle_event(struct fz_thread *t, int fd,
			 const struct rtm_event *ev)
{
	if (ev->type < 8)
		__atomic_fetch_add(&fz_tally->events[ev->type], 1,
				   __ATOMIC_RELAXED);
	switch (ev->type) {
	case RTM_EVENT_ENTITY_REGISTERED:
	case RTM_EVENT_ENTITY_DEREGISTERED:
		fz_seen(t, FZ_ENTITY, ev->handle);
		break;
	case RTM_EVENT_ROUTE_EXPIRED:
		answer_expiry(t, fd, ev);
		break;
	case RTM_EVENT_CHANGE_NOTIFICATION:
		fz_seen(t, FZ_NOTIFY, ev->handle);
		fz_notify_get(t, fd, ev->handle, true);
		break;
	case RTM_EVENT_METHOD_INVOKE:
		answer_method(t, fd, ev);
		break;
	default:
		fz_violation("read(): event of unknown type %u", ev->type);
		break;
	}
}

void fz_drain_events(struct fz_thread *t, struct fz_slot *s, int timeout_ms)
{
	struct fz_rng *r = &t->rng;
	struct pollfd p = { .events = POLLIN };
	struct rtm_event *ev;
	size_t len;
	uint64_t where;
	void *buf;
	ssize_t n;
	int ret, i;

	fz_arena_reset(&t->arena);
	p.fd = fz_slot_fd(s);
	ret = poll(&p, 1, timeout_ms);
	fz_count_call(FZ_POLL, ret < 0 ? -errno : 0);
	if (ret < 0 && !fz_errno_allowed(FZ_POLL, errno))
		fz_violation("poll(): %s", strerror(errno));
	if (ret <= 0)
		return;
	if (!(p.revents & POLLIN)) {
		/*
		 * No queue (EPOLLERR: registered without events, or not at
		 * all) or deregistered (EPOLLHUP): a read says so too, now
		 * and then; otherwise wait as if nothing came.
		 */
		if (!fz_chance(r, 5)) {
			poll(NULL, 0, timeout_ms);
			return;
		}
	}

	len = (1 + fz_below(r, 4)) * sizeof(*ev);
	if (fz_chance(r, 4))
		len = fz_below(r, sizeof(*ev));		/* too small: EINVAL */
	buf = fz_alloc(&t->arena, len + 1);
	if (!buf)
		return;
	where = fz_ptr(t, buf, len);
	n = read(p.fd, (void *)(uintptr_t)where, len);
	fz_count_call(FZ_READ, n < 0 ? -errno : 0);
	if (n < 0) {
		if (!fz_errno_allowed(FZ_READ, errno))
			fz_violation("read(): %s", strerror(errno));
		return;
	}
	if (n % sizeof(*ev) || (size_t)n > len) {
		fz_violation("read() of %zu bytes returned %zd", len, n);
		return;
	}
	if (where != (uint64_t)(uintptr_t)buf)
		return;
	ev = buf;
	for (i = 0; i < n / (ssize_t)sizeof(*ev); i++)
		handle_event(t, p.fd, &ev[i]);
}
