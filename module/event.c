// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: the event queue of a registration.
 *
 * Entities that registered with a callback get events (another entity came
 * or went, a route expired, a subscription has changes) as fixed-size
 * records read() from their file.  The ring is allocated at registration
 * and charged to the registering process, so queueing never allocates; when
 * it is full new events are dropped, and the newest record queued before
 * and the next one queued after carry RTM_EVENT_LOST.  Events that must
 * not be lost (changes, expiries) are kept as state by their producers and
 * only signalled here.
 */

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/poll.h>

#include "rtm.h"

int rtm_events_init(struct rtm_reg *reg, unsigned int len)
{
	struct rtm_event *ring;

	ring = kvcalloc(len, sizeof(*ring), RTM_GFP);
	if (!ring)
		return -ENOMEM;

	spin_lock(&reg->ev_lock);
	reg->ev_ring = ring;
	reg->ev_mask = len - 1;
	reg->ev_head = 0;
	reg->ev_tail = 0;
	spin_unlock(&reg->ev_lock);
	return 0;
}

/* A failed registration's ring goes; readers of the file may be waiting. */
void rtm_events_free(struct rtm_reg *reg)
{
	struct rtm_event *ring;

	spin_lock(&reg->ev_lock);
	ring = reg->ev_ring;
	reg->ev_ring = NULL;
	spin_unlock(&reg->ev_lock);
	kvfree(ring);
	wake_up_interruptible_all(&reg->ev_wait);
}

static bool __rtm_event_queue(struct rtm_reg *reg, const struct rtm_event *ev,
			      bool droppable)
{
	struct rtm_event *slot;

	spin_lock(&reg->ev_lock);
	if (!reg->ev_ring || reg->ev_closed) {
		spin_unlock(&reg->ev_lock);
		return true;
	}
	if (reg->ev_head - reg->ev_tail > reg->ev_mask) {
		if (droppable) {
			/*
			 * Flag the newest record too, not only the next one
			 * queued: that may never come, and the reader must
			 * learn of the loss once it has read what is queued.
			 * The ring is full and holds at least 16, so that
			 * record is not the one a reader may be copying.
			 */
			reg->ev_ring[(reg->ev_head - 1) & reg->ev_mask].flags |=
				RTM_EVENT_LOST;
			reg->ev_lost = true;
		}
		spin_unlock(&reg->ev_lock);
		if (droppable)
			atomic_long_inc(&reg->rn->stats.events_lost);
		return false;
	}
	slot = &reg->ev_ring[reg->ev_head & reg->ev_mask];
	*slot = *ev;
	if (reg->ev_lost) {
		slot->flags |= RTM_EVENT_LOST;
		reg->ev_lost = false;
	}
	reg->ev_head++;
	spin_unlock(&reg->ev_lock);

	atomic_long_inc(&reg->rn->stats.events_queued);
	wake_up_interruptible_poll(&reg->ev_wait, EPOLLIN | EPOLLRDNORM);
	return true;
}

/**
 * rtm_event_queue - queue an event for a registration, or drop it
 * @reg: the receiving registration
 * @ev: the event; copied
 *
 * Does nothing for registrations without a queue or after deregistration.
 * When the queue is full the event is lost and the next one says so.
 */
void rtm_event_queue(struct rtm_reg *reg, const struct rtm_event *ev)
{
	__rtm_event_queue(reg, ev, true);
}

/**
 * rtm_event_try_queue - queue an event its producer keeps until it fits
 * @reg: the receiving registration
 * @ev: the event; copied
 *
 * Return: false if the queue is full; the producer tries again when the
 * reader has made room (rtm_events_refill()).
 */
bool rtm_event_try_queue(struct rtm_reg *reg, const struct rtm_event *ev)
{
	return __rtm_event_queue(reg, ev, false);
}

/**
 * rtm_events_close - end the event stream of a deregistered entity
 * @reg: the registration
 *
 * Queued events can still be read; after them read() returns end of file.
 */
void rtm_events_close(struct rtm_reg *reg)
{
	spin_lock(&reg->ev_lock);
	reg->ev_closed = true;
	spin_unlock(&reg->ev_lock);
	wake_up_interruptible_all(&reg->ev_wait);
}

static bool rtm_events_ready(struct rtm_reg *reg)
{
	bool ready;

	spin_lock(&reg->ev_lock);
	ready = reg->ev_head != reg->ev_tail || reg->ev_closed ||
		!reg->ev_ring;
	spin_unlock(&reg->ev_lock);
	return ready;
}

ssize_t rtm_events_read(struct rtm_reg *reg, char __user *buf, size_t len,
			bool nonblock)
{
	struct rtm_event ev;
	size_t done = 0;
	ssize_t ret;

	if (len < sizeof(ev))
		return -EINVAL;
	if (mutex_lock_interruptible(&reg->ev_read_lock))
		return -ERESTARTSYS;

	/* Only readers move the tail, and they are serialised. */
	for (;;) {
		spin_lock(&reg->ev_lock);
		if (!reg->ev_ring) {
			ret = -EINVAL;
			goto out_unlock;
		}
		if (reg->ev_head != reg->ev_tail)
			break;
		if (reg->ev_closed) {
			ret = 0;
			goto out_unlock;
		}
		spin_unlock(&reg->ev_lock);
		if (nonblock) {
			ret = -EAGAIN;
			goto out;
		}
		ret = wait_event_interruptible(reg->ev_wait,
					       rtm_events_ready(reg));
		if (ret)
			goto out;
	}

	while (done + sizeof(ev) <= len && reg->ev_head != reg->ev_tail) {
		ev = reg->ev_ring[reg->ev_tail & reg->ev_mask];
		spin_unlock(&reg->ev_lock);
		if (copy_to_user(buf + done, &ev, sizeof(ev))) {
			ret = done ? done : -EFAULT;
			goto out;
		}
		done += sizeof(ev);
		spin_lock(&reg->ev_lock);
		reg->ev_tail++;
	}
	ret = done;
out_unlock:
	spin_unlock(&reg->ev_lock);
out:
	mutex_unlock(&reg->ev_read_lock);
	if (ret > 0)
		rtm_events_refill(reg);
	return ret;
}

/**
 * rtm_events_refill - after a read made room, queue the events that waited
 * @reg: the reading registration
 *
 * Route expiries and change notifications are never dropped: their
 * producers keep them until the queue has room.
 */
void rtm_events_refill(struct rtm_reg *reg)
{
	struct rtm_entity *e = rtm_reg_entity(reg);

	if (!e)
		return;
	if (READ_ONCE(e->nbacklog)) {
		mutex_lock(&e->table->lock);
		rtm_expired_deliver(e);
		rtm_notify_refill(e);
		mutex_unlock(&e->table->lock);
	}
	rtm_methods_refill(e);
	rtm_obj_put(&e->obj);
}

__poll_t rtm_events_poll(struct rtm_reg *reg, struct file *file,
			 poll_table *wait)
{
	__poll_t mask = 0;

	poll_wait(file, &reg->ev_wait, wait);

	spin_lock(&reg->ev_lock);
	if (!reg->ev_ring)
		mask = EPOLLERR;
	else if (reg->ev_head != reg->ev_tail)
		mask = EPOLLIN | EPOLLRDNORM;
	else if (reg->ev_closed)
		mask = EPOLLHUP;
	spin_unlock(&reg->ev_lock);
	return mask;
}
