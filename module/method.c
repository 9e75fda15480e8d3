// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: entity methods (RtmGetEntityMethods, RtmInvokeMethod,
 * RtmBlockMethods).
 *
 * An entity exports up to 32 methods at registration; RTM only knows how
 * many.  The methods themselves are functions in the callee's process, so
 * an invocation is a call object that travels between two registrations:
 *
 *   caller: RTM_IOC_METHOD_INVOKE queues the call on the callee and sleeps
 *   callee: reads RTM_EVENT_METHOD_INVOKE, takes the call and its input
 *           (RTM_METHOD_FETCH), runs the methods, and answers with the
 *           packed output records (RTM_METHOD_REPLY)
 *   caller: wakes up and copies the output out
 *
 * A call is QUEUED on its callee until taken, then RUNNING until answered,
 * then DONE; cancelled and failed calls are DONE too, with an error.  It is
 * on its caller's list of calls from the invocation until the caller
 * collects it, and on its callee's queue or running list until answered.
 * Each list and each thread working on a call holds a reference.
 *
 * The event of a call is never dropped: a call whose event does not fit in
 * the callee's event queue stays unsignalled and is signalled when the
 * callee reads (rtm_methods_refill()), as expire.c does for expired
 * routes.  While the callee has blocked its methods no call is signalled
 * or taken; calls whose events went out before are signalled again on
 * resume, and a second fetch of a call fails, so a call runs at most once.
 *
 * Signals.  A caller interrupted before its call was taken cancels it: the
 * restarted ioctl queues it anew.  Once taken, the methods run whatever
 * the caller does, and must not run twice: the call stays, its cookie goes
 * back in the argument (the ioctl copies its argument back on every
 * return), and the restarted ioctl, which passes the cookie, waits for
 * that call.  A caller that dies cancels its call whatever its state; the
 * callee's answer to it then fails with -EBADF.
 *
 * Deregistration (or the file's close) of an entity fails every call to it
 * with -EBADF, waking their callers, and cancels the calls it made.
 *
 * Limits: the input of a call, its output, the calls queued on or taken
 * from one callee and the calls one caller has under way are bounded by
 * module parameters; all memory of a call is charged to the process that
 * made it, its output to the callee that produced it.
 *
 * Locking: one spinlock, rtm_methods_lock, covers every call and every
 * entity's method state; it nests inside a table lock (deregistration) and
 * outside a registration's ev_lock (queueing an event).  Invocations are
 * rare next to route updates; one lock keeps calls between two entities,
 * or from an entity to itself, free of lock ordering.
 */

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>

#include "rtm.h"

static unsigned int rtm_max_method_input = 65536;
static unsigned int rtm_max_method_output = 65536;
static unsigned int rtm_max_method_pending = 256;
static unsigned int rtm_max_method_calls = 64;

static int rtm_param_set_size(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, 16U << 20);
}

static int rtm_param_set_count(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, 65536);
}

static const struct kernel_param_ops rtm_param_size_ops = {
	.set = rtm_param_set_size,
	.get = param_get_uint,
};

static const struct kernel_param_ops rtm_param_count_ops = {
	.set = rtm_param_set_count,
	.get = param_get_uint,
};

module_param_cb(max_method_input, &rtm_param_size_ops,
		&rtm_max_method_input, 0444);
MODULE_PARM_DESC(max_method_input, "Bytes of input of one method invocation");
module_param_cb(max_method_output, &rtm_param_size_ops,
		&rtm_max_method_output, 0444);
MODULE_PARM_DESC(max_method_output, "Bytes of output of one method invocation");
module_param_cb(max_method_pending, &rtm_param_count_ops,
		&rtm_max_method_pending, 0444);
MODULE_PARM_DESC(max_method_pending, "Invocations queued on or running in one entity");
module_param_cb(max_method_calls, &rtm_param_count_ops,
		&rtm_max_method_calls, 0444);
MODULE_PARM_DESC(max_method_calls, "Invocations one entity has under way");

enum rtm_call_state {
	RTM_CALL_QUEUED,		/* waiting for the callee to take it */
	RTM_CALL_RUNNING,		/* taken: the callee runs the methods */
	RTM_CALL_DONE,			/* answered, failed or cancelled */
};

struct rtm_method_call {
	refcount_t ref;
	u64 cookie;			/* never 0, never reused */
	struct rtm_entity *caller;	/* held */
	struct rtm_entity *callee;	/* held */
	struct list_head caller_node;	/* in the caller's calls */
	struct list_head callee_node;	/* in the callee's queue or running */
	struct list_head reap_node;	/* last reference, dropped unlocked */
	enum rtm_call_state state;
	bool signalled;			/* its event is queued, or was read */
	struct pid *server;		/* RUNNING: the thread that took it */
	wait_queue_head_t wait;		/* the caller waits for DONE */
	int error;			/* DONE: 0, -ENOSPC, -ENOMEM, -EBADF */
	void *output;			/* DONE: what the callee answered */
	u32 out_size;
	u32 out_room;			/* what the caller has room for */
	u32 method_type;		/* as the caller gave it */
	u32 in_size;
	u8 input[];
};

/* An entity's calls, as callee and as caller, and its blocking. */
struct rtm_methods {
	struct list_head queue;		/* calls to it not taken yet, in order */
	struct list_head running;	/* calls to it taken, not answered */
	unsigned int npending;		/* both */
	unsigned int nunsignalled;	/* queued calls whose event waits */
	struct list_head calls;		/* calls it made, not collected */
	unsigned int ncalls;
	bool blocked;
	bool closed;			/* deregistered */
	wait_queue_head_t idle;		/* BLOCK waits for the running calls */
};

static DEFINE_SPINLOCK(rtm_methods_lock);
static atomic64_t rtm_next_cookie = ATOMIC64_INIT(0);

/* An entity's method state, or NULL if it has none yet. */
static struct rtm_methods *rtm_methods_peek(struct rtm_entity *e)
{
	/* Pairs with the release in rtm_methods_of(): the state is set up. */
	return smp_load_acquire(&e->methods);
}

/* An entity's method state, made on first use; NULL without memory. */
static struct rtm_methods *rtm_methods_of(struct rtm_entity *e)
{
	struct rtm_methods *st, *fresh;

	st = rtm_methods_peek(e);
	if (st)
		return st;

	fresh = kzalloc(sizeof(*fresh), RTM_GFP);
	if (!fresh)
		return NULL;
	INIT_LIST_HEAD(&fresh->queue);
	INIT_LIST_HEAD(&fresh->running);
	INIT_LIST_HEAD(&fresh->calls);
	init_waitqueue_head(&fresh->idle);

	spin_lock(&rtm_methods_lock);
	st = e->methods;
	if (!st) {
		st = fresh;
		fresh = NULL;
		/* Set up before lockless readers can see it. */
		smp_store_release(&e->methods, st);
	}
	spin_unlock(&rtm_methods_lock);
	kfree(fresh);
	return st;
}

/**
 * rtm_methods_free - free an entity's method state with the entity
 * @e: the entity, whose last reference is gone
 *
 * Calls hold their caller and callee, so none is left by now.
 */
void rtm_methods_free(struct rtm_entity *e)
{
	struct rtm_methods *st = e->methods;

	if (!st)
		return;
	WARN_ON(!list_empty(&st->queue) || !list_empty(&st->running) ||
		!list_empty(&st->calls));
	kfree(st);
}

static void rtm_call_put(struct rtm_method_call *c)
{
	if (!refcount_dec_and_test(&c->ref))
		return;
	put_pid(c->server);
	kvfree(c->output);
	rtm_obj_put(&c->caller->obj);
	rtm_obj_put(&c->callee->obj);
	kvfree(c);
}

/*
 * Drop a reference under rtm_methods_lock; the last one goes on @reap, to
 * be dropped once the lock is released (freeing may sleep).
 */
static void rtm_call_drop_locked(struct rtm_method_call *c,
				 struct list_head *reap)
{
	if (!refcount_dec_not_one(&c->ref))
		list_add(&c->reap_node, reap);
}

static void rtm_calls_reap(struct list_head *reap)
{
	struct rtm_method_call *c, *tmp;

	list_for_each_entry_safe(c, tmp, reap, reap_node)
		rtm_call_put(c);
}

/* Take a call off its callee's lists, if it is on them. */
static void rtm_call_unqueue(struct rtm_method_call *c, struct list_head *reap)
{
	struct rtm_methods *st = c->callee->methods;

	lockdep_assert_held(&rtm_methods_lock);
	if (list_empty(&c->callee_node))
		return;
	list_del_init(&c->callee_node);
	st->npending--;
	if (c->state == RTM_CALL_QUEUED && !c->signalled)
		st->nunsignalled--;
	if (c->state == RTM_CALL_RUNNING)
		wake_up_all(&st->idle);
	rtm_call_drop_locked(c, reap);
}

/* Take a call off its caller's list, if it is on it. */
static void rtm_call_uncall(struct rtm_method_call *c, struct list_head *reap)
{
	struct rtm_methods *st = c->caller->methods;

	lockdep_assert_held(&rtm_methods_lock);
	if (list_empty(&c->caller_node))
		return;
	list_del_init(&c->caller_node);
	st->ncalls--;
	rtm_call_drop_locked(c, reap);
}

static void rtm_call_finish(struct rtm_method_call *c, int error)
{
	lockdep_assert_held(&rtm_methods_lock);
	if (c->state == RTM_CALL_DONE)
		return;
	c->error = error;
	/* The caller's wait reads it unlocked. */
	WRITE_ONCE(c->state, RTM_CALL_DONE);
	wake_up_all(&c->wait);
}

/*
 * Raise the events of the calls queued on @e that have none yet, as far as
 * its event queue has room; the rest wait for rtm_methods_refill().
 */
static void rtm_methods_signal(struct rtm_entity *e, struct rtm_methods *st)
{
	struct rtm_method_call *c;

	lockdep_assert_held(&rtm_methods_lock);
	/* Alive and not closed: e->reg is still the entity's file. */
	if (st->blocked || st->closed || !st->nunsignalled ||
	    !rtm_entity_alive(e))
		return;
	list_for_each_entry(c, &st->queue, callee_node) {
		struct rtm_event ev = {
			.type = RTM_EVENT_METHOD_INVOKE,
			.handle = rtm_handle_of(&c->caller->obj),
			.context = c->in_size,
			.cookie = c->cookie,
		};

		if (c->signalled)
			continue;
		if (!rtm_event_try_queue(e->reg, &ev))
			break;
		c->signalled = true;
		if (!--st->nunsignalled)
			break;
	}
}

/**
 * rtm_methods_refill - after a read made room, raise the events that waited
 * @e: the reading entity
 */
void rtm_methods_refill(struct rtm_entity *e)
{
	if (!rtm_methods_peek(e))
		return;
	spin_lock(&rtm_methods_lock);
	rtm_methods_signal(e, e->methods);
	spin_unlock(&rtm_methods_lock);
}

/**
 * rtm_methods_close - fail and cancel the calls of a deregistering entity
 * @e: the entity, no longer alive; its table's lock is held
 *
 * Calls to @e fail with -EBADF, waking their callers; calls @e made are
 * cancelled, so that their callees' answers fail.  Called after the entity
 * was marked gone and before it lets go of its file, whatever its state:
 * taking the lock orders any later look at the state after the mark.
 */
void rtm_methods_close(struct rtm_entity *e)
{
	struct rtm_method_call *c, *tmp;
	struct rtm_methods *st;
	LIST_HEAD(reap);

	spin_lock(&rtm_methods_lock);
	st = e->methods;
	if (!st)
		goto out;
	st->closed = true;
	list_for_each_entry_safe(c, tmp, &st->queue, callee_node) {
		rtm_call_unqueue(c, &reap);
		rtm_call_finish(c, -EBADF);
	}
	list_for_each_entry_safe(c, tmp, &st->running, callee_node) {
		rtm_call_unqueue(c, &reap);
		rtm_call_finish(c, -EBADF);
	}
	list_for_each_entry_safe(c, tmp, &st->calls, caller_node) {
		rtm_call_unqueue(c, &reap);
		rtm_call_finish(c, -EBADF);
		rtm_call_uncall(c, &reap);
	}
	wake_up_all(&st->idle);
out:
	spin_unlock(&rtm_methods_lock);
	rtm_calls_reap(&reap);
}

/* The methods of an entity as a mask. */
static u32 rtm_methods_mask(const struct rtm_entity *e)
{
	return (u32)((1ULL << e->num_methods) - 1);
}

/* RtmGetEntityMethods (RTM_IOC_METHOD_GET) */
int rtm_method_get_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_method_get *arg = data;
	struct rtm_entity *e;

	if (arg->flags || arg->reserved)
		return -EINVAL;
	e = rtm_reg_entity_lookup(reg, arg->handle);
	if (IS_ERR(e))
		return PTR_ERR(e);
	arg->count = e->num_methods;
	rtm_obj_put(&e->obj);
	return 0;
}

/* A new call of @caller to @callee, holding both, with the caller's input. */
static struct rtm_method_call *rtm_call_new(struct rtm_entity *caller,
					    struct rtm_entity *callee,
					    const struct rtm_method_invoke *arg)
{
	struct rtm_method_call *c;

	c = kvmalloc(struct_size(c, input, arg->input_size),
		     RTM_GFP);
	if (!c)
		return ERR_PTR(-ENOMEM);
	memset(c, 0, sizeof(*c));
	if (copy_from_user(c->input, u64_to_user_ptr(arg->input),
			   arg->input_size)) {
		kvfree(c);
		return ERR_PTR(-EFAULT);
	}
	refcount_set(&c->ref, 1);
	c->cookie = atomic64_inc_return(&rtm_next_cookie);
	rtm_obj_get(&caller->obj);
	c->caller = caller;
	rtm_obj_get(&callee->obj);
	c->callee = callee;
	INIT_LIST_HEAD(&c->caller_node);
	INIT_LIST_HEAD(&c->callee_node);
	init_waitqueue_head(&c->wait);
	c->state = RTM_CALL_QUEUED;
	c->method_type = arg->method_type;
	c->in_size = arg->input_size;
	c->out_room = min(arg->output_size, rtm_max_method_output);
	return c;
}

/* Queue a new call on its callee and signal it. */
static int rtm_call_queue(struct rtm_method_call *c)
{
	struct rtm_methods *cst, *kst;
	int err = 0;

	cst = rtm_methods_of(c->caller);
	kst = rtm_methods_of(c->callee);
	if (!cst || !kst)
		return -ENOMEM;

	spin_lock(&rtm_methods_lock);
	if (!rtm_entity_alive(c->caller) || !rtm_entity_alive(c->callee) ||
	    cst->closed || kst->closed) {
		err = -EBADF;
	} else if (cst->ncalls >= rtm_max_method_calls ||
		   kst->npending >= rtm_max_method_pending) {
		err = -EDQUOT;
	} else {
		/* One reference for each list. */
		refcount_add(2, &c->ref);
		list_add_tail(&c->caller_node, &cst->calls);
		cst->ncalls++;
		list_add_tail(&c->callee_node, &kst->queue);
		kst->npending++;
		kst->nunsignalled++;
		rtm_methods_signal(c->callee, kst);
	}
	spin_unlock(&rtm_methods_lock);
	return err;
}

/* The caller's own call @cookie, made to @callee, with a reference. */
static struct rtm_method_call *rtm_call_find_own(struct rtm_entity *self,
						 u64 cookie, u64 callee)
{
	struct rtm_methods *st = rtm_methods_peek(self);
	struct rtm_method_call *c, *found = NULL;

	if (!st)
		return ERR_PTR(-EBADF);
	spin_lock(&rtm_methods_lock);
	list_for_each_entry(c, &st->calls, caller_node) {
		if (c->cookie == cookie) {
			found = c;
			break;
		}
	}
	if (found && rtm_handle_of(&found->callee->obj) == callee)
		refcount_inc(&found->ref);
	else
		found = ERR_PTR(found ? -EINVAL : -EBADF);
	spin_unlock(&rtm_methods_lock);
	return found;
}

/*
 * Wait for a call and hand its output to the caller.  On a signal the call
 * is cancelled if it was not taken yet, or left for the restarted ioctl to
 * find by its cookie otherwise.
 */
static int rtm_call_wait(struct rtm_method_call *c,
			 struct rtm_method_invoke *arg)
{
	LIST_HEAD(reap);
	int err;

	err = wait_event_interruptible(c->wait,
				       READ_ONCE(c->state) == RTM_CALL_DONE);

	spin_lock(&rtm_methods_lock);
	if (c->state != RTM_CALL_DONE) {
		WARN_ON_ONCE(!err);
		if (c->state == RTM_CALL_QUEUED ||
		    fatal_signal_pending(current)) {
			rtm_call_unqueue(c, &reap);
			rtm_call_finish(c, -EINTR);
			rtm_call_uncall(c, &reap);
			arg->cookie = 0;
		} else {
			arg->cookie = c->cookie;
		}
		spin_unlock(&rtm_methods_lock);
		rtm_calls_reap(&reap);
		return err;
	}
	rtm_call_uncall(c, &reap);
	spin_unlock(&rtm_methods_lock);
	rtm_calls_reap(&reap);

	arg->cookie = 0;
	if (c->error && c->error != -ENOSPC)
		return c->error;
	if (c->out_size > arg->output_size ||
	    copy_to_user(u64_to_user_ptr(arg->output), c->output, c->out_size))
		return -EFAULT;
	arg->output_size = c->out_size;
	return c->error;
}

/**
 * rtm_method_invoke_ioctl - RtmInvokeMethod (RTM_IOC_METHOD_INVOKE)
 * @reg: the caller's registration
 * @data: the struct rtm_method_invoke
 *
 * Return: 0, -ENOSPC (output written), or a negative errno; see the uapi.
 */
int rtm_method_invoke_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_method_invoke *arg = data;
	struct rtm_entity *self, *callee = NULL;
	struct rtm_method_call *c;
	int err;

	if (arg->flags || arg->reserved)
		return -EINVAL;
	if (arg->input_size > rtm_max_method_input)
		return -E2BIG;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;

	if (arg->cookie) {
		/* A restart: the call was taken before the signal. */
		c = rtm_call_find_own(self, arg->cookie, arg->handle);
		if (IS_ERR(c)) {
			err = PTR_ERR(c);
			goto out;
		}
		if (c->out_room != min(arg->output_size,
				       rtm_max_method_output))
			err = -EINVAL;
		else
			err = rtm_call_wait(c, arg);
		rtm_call_put(c);
		goto out;
	}

	callee = rtm_entity_lookup(reg, self, arg->handle);
	if (IS_ERR(callee)) {
		err = PTR_ERR(callee);
		callee = NULL;
		goto out;
	}
	if (!(arg->method_type & rtm_methods_mask(callee))) {
		/* Nothing to run. */
		arg->output_size = 0;
		err = 0;
		goto out;
	}
	if (!(callee->reg_flags & RTM_REGISTER_EVENTS)) {
		/* No event queue: the callee cannot hear of the call. */
		err = -EOPNOTSUPP;
		goto out;
	}

	c = rtm_call_new(self, callee, arg);
	if (IS_ERR(c)) {
		err = PTR_ERR(c);
		goto out;
	}
	err = rtm_call_queue(c);
	if (!err)
		err = rtm_call_wait(c, arg);
	rtm_call_put(c);
out:
	if (callee)
		rtm_obj_put(&callee->obj);
	rtm_obj_put(&self->obj);
	return err;
}

/* The call @cookie on one of @st's lists, with a reference, or NULL. */
static struct rtm_method_call *rtm_call_in(struct list_head *list, u64 cookie)
{
	struct rtm_method_call *c;

	lockdep_assert_held(&rtm_methods_lock);
	list_for_each_entry(c, list, callee_node) {
		if (c->cookie == cookie) {
			refcount_inc(&c->ref);
			return c;
		}
	}
	return NULL;
}

/* RTM_METHOD_FETCH: take a queued call and copy its input out. */
static int rtm_method_fetch(struct rtm_entity *self,
			    struct rtm_method_ctl *arg)
{
	struct rtm_methods *st = rtm_methods_peek(self);
	struct rtm_method_call *c = NULL;
	int err = 0;

	if (!st)
		return -EBADF;
	spin_lock(&rtm_methods_lock);
	c = rtm_call_in(&st->queue, arg->cookie);
	if (!c) {
		err = -EBADF;
	} else if (st->blocked) {
		err = -EAGAIN;
	} else if (arg->input_size < c->in_size) {
		arg->input_size = c->in_size;
		err = -ENOSPC;
	}
	spin_unlock(&rtm_methods_lock);
	if (err)
		goto out;

	/* Copied before it is taken: a fault leaves it queued. */
	if (copy_to_user(u64_to_user_ptr(arg->input), c->input, c->in_size)) {
		err = -EFAULT;
		goto out;
	}

	spin_lock(&rtm_methods_lock);
	if (c->state != RTM_CALL_QUEUED || list_empty(&c->callee_node)) {
		err = -EBADF;		/* taken or cancelled meanwhile */
	} else if (st->blocked) {
		err = -EAGAIN;
	} else {
		list_move_tail(&c->callee_node, &st->running);
		if (!c->signalled) {
			c->signalled = true;
			st->nunsignalled--;
		}
		c->state = RTM_CALL_RUNNING;
		c->server = get_task_pid(current, PIDTYPE_PID);
		arg->caller = rtm_handle_of(&c->caller->obj);
		arg->method_type = c->method_type;
		arg->input_size = c->in_size;
		arg->output_size = c->out_room;
	}
	spin_unlock(&rtm_methods_lock);
out:
	if (c)
		rtm_call_put(c);
	return err;
}

/* RTM_METHOD_REPLY: answer a taken call and wake its caller. */
static int rtm_method_reply(struct rtm_entity *self,
			    struct rtm_method_ctl *arg)
{
	struct rtm_methods *st = rtm_methods_peek(self);
	struct rtm_method_call *c;
	void *out = NULL;
	LIST_HEAD(reap);
	int err = 0;

	if (!st)
		return -EBADF;
	spin_lock(&rtm_methods_lock);
	c = rtm_call_in(&st->running, arg->cookie);
	if (c && arg->output_size > c->out_room)
		err = -EINVAL;
	spin_unlock(&rtm_methods_lock);
	if (!c)
		return -EBADF;
	if (err)
		goto out;

	if (arg->output_size && !(arg->flags & RTM_METHOD_NOMEM)) {
		out = kvmalloc(arg->output_size, RTM_GFP);
		if (!out) {
			err = -ENOMEM;
			goto out;
		}
		if (copy_from_user(out, u64_to_user_ptr(arg->output),
				   arg->output_size)) {
			err = -EFAULT;
			goto out;
		}
	}

	spin_lock(&rtm_methods_lock);
	if (c->state != RTM_CALL_RUNNING || list_empty(&c->callee_node)) {
		err = -EBADF;		/* answered or cancelled meanwhile */
	} else {
		rtm_call_unqueue(c, &reap);
		if (out) {
			c->output = out;
			c->out_size = arg->output_size;
			out = NULL;
		}
		rtm_call_finish(c, arg->flags & RTM_METHOD_NOMEM ? -ENOMEM :
				   arg->flags & RTM_METHOD_TRUNCATED ? -ENOSPC : 0);
	}
	spin_unlock(&rtm_methods_lock);
	rtm_calls_reap(&reap);
out:
	kvfree(out);
	rtm_call_put(c);
	return err;
}

/* Whether calls taken by threads other than @me still run. */
static bool rtm_methods_busy(struct rtm_methods *st, struct pid *me)
{
	struct rtm_method_call *c;
	bool busy = false;

	spin_lock(&rtm_methods_lock);
	if (!st->closed) {
		list_for_each_entry(c, &st->running, callee_node) {
			if (c->server != me) {
				busy = true;
				break;
			}
		}
	}
	spin_unlock(&rtm_methods_lock);
	return busy;
}

/* RtmBlockMethods: RTM_METHOD_BLOCK and RTM_METHOD_RESUME. */
static int rtm_methods_block(struct rtm_entity *self, bool block)
{
	struct rtm_methods *st = rtm_methods_of(self);
	struct rtm_method_call *c;
	int err = 0;

	if (!st)
		return -ENOMEM;
	spin_lock(&rtm_methods_lock);
	if (st->closed || !rtm_entity_alive(self)) {
		err = -EBADF;
	} else if (block) {
		st->blocked = true;
	} else if (st->blocked) {
		/* Events read while blocked led nowhere: raise them again. */
		st->blocked = false;
		list_for_each_entry(c, &st->queue, callee_node) {
			if (c->signalled) {
				c->signalled = false;
				st->nunsignalled++;
			}
		}
		rtm_methods_signal(self, st);
	}
	spin_unlock(&rtm_methods_lock);
	if (err || !block)
		return err;

	/* Interrupted, the block stands; a restart waits again. */
	return wait_event_interruptible(st->idle,
					!rtm_methods_busy(st, task_pid(current)));
}

/**
 * rtm_method_ctl_ioctl - an entity's side of its methods (RTM_IOC_METHOD_CTL)
 * @reg: the caller's registration
 * @data: the struct rtm_method_ctl
 *
 * Return: 0 or a negative errno; see the uapi.
 */
int rtm_method_ctl_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_method_ctl *arg = data;
	struct rtm_entity *self;
	int err;

	if (arg->reserved)
		return -EINVAL;
	switch (arg->op) {
	case RTM_METHOD_BLOCK:
	case RTM_METHOD_RESUME:
		if (arg->cookie || arg->flags)
			return -EINVAL;
		if (arg->target)
			return -EOPNOTSUPP;
		if (arg->target_type)
			return -EINVAL;
		break;
	case RTM_METHOD_FETCH:
		if (arg->flags || arg->target || arg->target_type)
			return -EINVAL;
		break;
	case RTM_METHOD_REPLY:
		if (arg->flags & ~(RTM_METHOD_TRUNCATED | RTM_METHOD_NOMEM) ||
		    arg->target || arg->target_type)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}

	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	switch (arg->op) {
	case RTM_METHOD_BLOCK:
	case RTM_METHOD_RESUME:
		err = rtm_methods_block(self, arg->op == RTM_METHOD_BLOCK);
		break;
	case RTM_METHOD_FETCH:
		err = rtm_method_fetch(self, arg);
		break;
	default:
		err = rtm_method_reply(self, arg);
		break;
	}
	rtm_obj_put(&self->obj);
	return err;
}
