// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: handles, and the references registrations hold through them.
 *
 * A handle names an object, not a reference: it is the object's kind and a
 * 56-bit id that is the same for every registration of the namespace.  Ids
 * come from one counter and are never reused while the module is loaded.
 * An object gets its id the first time it is handed out; the namespace's
 * XArray maps the id back to the object until the object is freed, and a
 * lookup takes a reference only if the object is still alive.
 *
 * References are counted per registration, in an XArray from id to count.
 * The first one a registration takes pins the object with one kernel
 * reference; the release calls drop only references the caller holds, all
 * or nothing, so a second release or a release of a foreign handle fails
 * with -EBADF instead of freeing anything.
 */

#include <linux/slab.h>
#include <linux/uaccess.h>

#include "rtm.h"

static atomic64_t rtm_next_id = ATOMIC64_INIT(0);

/**
 * rtm_obj_put - drop a reference to an object of any kind
 * @obj: the object
 *
 * Must not be called under a table lock: the last reference to a dest,
 * route or next hop takes its table's lock.
 */
void rtm_obj_put(struct rtm_obj *obj)
{
	switch (obj->kind) {
	case RTM_OBJ_ENTITY:
		if (refcount_dec_and_test(&obj->ref))
			rtm_entity_release(rtm_entity_of(obj));
		break;
	case RTM_OBJ_DEST:
		rtm_dest_put(rtm_dest_of(obj));
		break;
	case RTM_OBJ_ROUTE:
		rtm_route_put(rtm_route_of(obj));
		break;
	case RTM_OBJ_NEXTHOP:
		rtm_nexthop_put(rtm_nexthop_of(obj));
		break;
	default:
		WARN_ONCE(1, "put of an object of kind %u\n", obj->kind);
	}
}
EXPORT_SYMBOL_IF_KUNIT(rtm_obj_put);

static int __rtm_obj_publish(struct rtm_net *rn, struct rtm_obj *obj, gfp_t gfp)
{
	u64 id;
	int err;

	if (READ_ONCE(obj->id))
		return 0;

	id = atomic64_inc_return(&rtm_next_id);
	if (WARN_ON_ONCE(id > RTM_ID_MASK))
		return -ENOSPC;
	err = xa_insert(&rn->objs, id, obj, gfp);
	if (err)
		return err;
	/* Two callers may race to publish; the first id wins. */
	if (cmpxchg64(&obj->id, 0, id)) {
		xa_erase(&rn->objs, id);
		return 0;
	}
	atomic_long_inc(&rn->stats.handles);
	return 0;
}

/**
 * rtm_obj_publish - give an object its handle id
 * @rn: the namespace the object lives in
 * @obj: the object; the caller holds a reference
 *
 * Return: 0, or -ENOMEM.
 */
int rtm_obj_publish(struct rtm_net *rn, struct rtm_obj *obj)
{
	return __rtm_obj_publish(rn, obj, RTM_GFP);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_obj_publish);

/**
 * rtm_obj_reserve - give a new object its handle id, not findable yet
 * @rn: the namespace the object will live in
 * @obj: the object, which nobody else can see yet
 *
 * A call that makes an object and can still fail after giving it its id
 * reserves the id first and makes the object findable with
 * rtm_obj_commit() once nothing can fail any more, or gives the id back
 * with rtm_obj_cancel(): a concurrent lookup of the id never finds an
 * object that is being undone.
 * Return: 0, or -ENOMEM.
 */
int rtm_obj_reserve(struct rtm_net *rn, struct rtm_obj *obj)
{
	u64 id = atomic64_inc_return(&rtm_next_id);
	int err;

	if (WARN_ON_ONCE(id > RTM_ID_MASK))
		return -ENOSPC;
	err = xa_reserve(&rn->objs, id, RTM_GFP);
	if (err)
		return err;
	obj->id = id;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_obj_reserve);

/* Make an object with a reserved id findable; this cannot fail. */
void rtm_obj_commit(struct rtm_net *rn, struct rtm_obj *obj)
{
	/* The slot is reserved, so the store does not allocate. */
	xa_store(&rn->objs, obj->id, obj, GFP_NOWAIT);
	atomic_long_inc(&rn->stats.handles);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_obj_commit);

/* Give back a reserved id that was never committed. */
void rtm_obj_cancel(struct rtm_net *rn, struct rtm_obj *obj)
{
	xa_release(&rn->objs, obj->id);
	obj->id = 0;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_obj_cancel);

/**
 * rtm_obj_unpublish - forget an object's handle id before it is freed
 * @rn: the namespace
 * @obj: the object, whose last reference is gone
 *
 * Lookups that found the object before this run fail to take a reference;
 * the caller frees the object after an RCU grace period.
 */
void rtm_obj_unpublish(struct rtm_net *rn, struct rtm_obj *obj)
{
	if (!obj->id)
		return;
	xa_erase(&rn->objs, obj->id);
	atomic_long_dec(&rn->stats.handles);
}

static bool rtm_handle_decode(u64 handle, u32 kinds, u8 *kind, u64 *id)
{
	*kind = handle >> RTM_HANDLE_KIND_SHIFT;
	*id = handle & RTM_ID_MASK;
	return *kind && *kind <= RTM_OBJ_MAX &&
	       (kinds & RTM_KIND_MASK(*kind)) && *id;
}

/**
 * rtm_obj_lookup - find the live object a handle names
 * @rn: the caller's namespace
 * @handle: the handle
 * @kinds: RTM_KIND_* mask of acceptable kinds
 *
 * Return: the object with a reference taken, or ERR_PTR(-EBADF).
 */
struct rtm_obj *rtm_obj_lookup(struct rtm_net *rn, u64 handle, u32 kinds)
{
	struct rtm_obj *obj;
	u8 kind;
	u64 id;

	if (!rtm_handle_decode(handle, kinds, &kind, &id))
		return ERR_PTR(-EBADF);

	rcu_read_lock();
	obj = xa_load(&rn->objs, id);
	if (obj && (obj->kind != kind || !refcount_inc_not_zero(&obj->ref)))
		obj = NULL;
	rcu_read_unlock();

	return obj ?: ERR_PTR(-EBADF);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_obj_lookup);

/*
 * A registration's count of references to an object is kept in two
 * classes: the handles RtmGetChangedDests hands out, which only
 * RtmReleaseChangedDests may drop, and all others.
 */
#define RTM_HOLD_SHIFT	31
#define RTM_HOLD_MAX	((1UL << RTM_HOLD_SHIFT) - 1)

static unsigned long rtm_hold_get_count(void *entry, enum rtm_hold_class class)
{
	return (xa_to_value(entry) >> (class * RTM_HOLD_SHIFT)) & RTM_HOLD_MAX;
}

static void *rtm_hold_add_count(void *entry, enum rtm_hold_class class,
				long delta)
{
	unsigned long v = entry ? xa_to_value(entry) : 0;

	return xa_mk_value(v + (delta << (class * RTM_HOLD_SHIFT)));
}

/*
 * Whether @reg may take one more hold of class @class on @obj; *@entry is
 * its present one, or NULL.  The hold lock is held.
 */
static int rtm_hold_allowed(struct rtm_reg *reg, struct rtm_obj *obj,
			    enum rtm_hold_class class, void **entry)
{
	int err;

	lockdep_assert_held(&reg->hold_lock);
	/*
	 * A registration deregistered meanwhile holds nothing more: its
	 * holds were dropped after its entity went (rtm_entity_deregister()).
	 */
	if (!rcu_access_pointer(reg->entity))
		return -EBADF;
	*entry = xa_load(&reg->holds, obj->id);
	if (*entry)
		return rtm_hold_get_count(*entry, class) < RTM_HOLD_MAX ?
		       0 : -EDQUOT;
	if (reg->nholds + reg->nbatched < rtm_max_holds)
		return 0;
	if (!reg->nbatched)
		return -EDQUOT;
	/*
	 * Hold records count an object once per handle: in the hold table,
	 * where they go now, it counts once.
	 */
	err = rtm_hold_batches_spill(reg);
	if (err)
		return err;
	return rtm_hold_allowed(reg, obj, class, entry);
}

/**
 * rtm_hold_adopt - turn a reference into a hold of the hold table
 * @reg: the registration; its hold lock is held
 * @obj: the object, with an id; the caller's reference becomes the hold's
 * @merged: out: whether @reg held @obj already, and the caller's
 *	reference was dropped (the hold's own keeps the object)
 *
 * Return: 0, -EDQUOT when the object's count is full, or -ENOMEM; the
 * reference stays the caller's on error.
 */
int rtm_hold_adopt(struct rtm_reg *reg, struct rtm_obj *obj, bool *merged)
{
	void *entry;
	int err;

	lockdep_assert_held(&reg->hold_lock);
	entry = xa_load(&reg->holds, obj->id);
	*merged = entry;
	if (entry) {
		if (rtm_hold_get_count(entry, RTM_HOLD_NORMAL) >= RTM_HOLD_MAX)
			return -EDQUOT;
		xa_store(&reg->holds, obj->id,
			 rtm_hold_add_count(entry, RTM_HOLD_NORMAL, 1),
			 GFP_NOWAIT);
		/* Not the last: the hold's own reference remains. */
		refcount_dec(&obj->ref);
		return 0;
	}
	err = xa_err(xa_store(&reg->holds, obj->id,
			      rtm_hold_add_count(NULL, RTM_HOLD_NORMAL, 1),
			      RTM_GFP));
	if (err)
		return err;
	reg->nholds++;
	return 0;
}

/*
 * Record one more hold over @entry (rtm_hold_allowed()), whose slot is
 * there or reserved: this does not allocate.  The hold lock is held.
 */
static void rtm_hold_record(struct rtm_reg *reg, struct rtm_obj *obj,
			    enum rtm_hold_class class, void *entry)
{
	xa_store(&reg->holds, obj->id, rtm_hold_add_count(entry, class, 1),
		 GFP_NOWAIT);
	if (!entry) {
		rtm_obj_get(obj);
		reg->nholds++;
		atomic_long_inc(&reg->rn->stats.holds);
	}
}

/**
 * rtm_hold_class - record one more reference of a registration to an object
 * @reg: the registration receiving the handle
 * @obj: the object; the caller holds its own reference
 * @class: which release call may drop it
 * @handle: where to store the handle value
 *
 * Return: 0, -EDQUOT when the registration holds rtm_max_holds objects,
 * -EBADF when it was deregistered, or -ENOMEM.
 */
int rtm_hold_class(struct rtm_reg *reg, struct rtm_obj *obj,
		   enum rtm_hold_class class, u64 *handle)
{
	void *entry;
	int err;

	err = rtm_obj_publish(reg->rn, obj);
	if (err)
		return err;

	mutex_lock(&reg->hold_lock);
	err = rtm_hold_allowed(reg, obj, class, &entry);
	if (!err && !entry)
		err = xa_reserve(&reg->holds, obj->id, RTM_GFP);
	if (!err) {
		rtm_hold_record(reg, obj, class, entry);
		*handle = rtm_handle_of(obj);
	}
	mutex_unlock(&reg->hold_lock);
	return err;
}

/**
 * rtm_hold_prepare - make sure a hold a change hands out cannot fail
 * @reg: the registration that receives the handle; its hold lock is held
 *	from here to rtm_hold_commit() or rtm_hold_abort()
 * @obj: the object, whose id is published or reserved
 *
 * The calls that change the table and hand back a handle to what they
 * changed prepare the hold before the change and commit it after, so that
 * they never report failure for a change they made.
 * Return: 0, -EBADF, -EDQUOT, or -ENOMEM.
 */
int rtm_hold_prepare(struct rtm_reg *reg, struct rtm_obj *obj)
{
	void *entry;
	int err;

	err = rtm_hold_allowed(reg, obj, RTM_HOLD_NORMAL, &entry);
	if (!err && !entry)
		err = xa_reserve(&reg->holds, obj->id, RTM_GFP);
	return err;
}

/* Hand out a prepared hold.  Return: the handle. */
u64 rtm_hold_commit(struct rtm_reg *reg, struct rtm_obj *obj)
{
	lockdep_assert_held(&reg->hold_lock);
	/* A reserved slot loads as NULL: the hold is a new one then. */
	rtm_hold_record(reg, obj, RTM_HOLD_NORMAL,
			xa_load(&reg->holds, obj->id));
	return rtm_handle_of(obj);
}

/* Give up a prepared hold. */
void rtm_hold_abort(struct rtm_reg *reg, struct rtm_obj *obj)
{
	lockdep_assert_held(&reg->hold_lock);
	/* Only a reservation goes: an entry that was there stays. */
	xa_release(&reg->holds, obj->id);
}

int rtm_hold(struct rtm_reg *reg, struct rtm_obj *obj, u64 *handle)
{
	return rtm_hold_class(reg, obj, RTM_HOLD_NORMAL, handle);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_hold);

/**
 * rtm_hold_many - hand out handles to several objects, all or nothing
 * @reg: the registration receiving them
 * @objs: the objects; the caller holds a reference to each
 * @n: how many
 * @handles: the handles, out
 *
 * Return: 0, or a negative errno with nothing held.
 */
int rtm_hold_many(struct rtm_reg *reg, struct rtm_obj **objs, unsigned int n,
		  u64 *handles)
{
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		err = rtm_hold(reg, objs[i], &handles[i]);
		if (err) {
			/* Those were just taken, so they are held. */
			if (i)
				rtm_holds_release(reg, handles, i, RTM_KIND_ALL);
			return err;
		}
	}
	return 0;
}

/**
 * rtm_handles_peek - the handles of objects, without references
 * @reg: the caller's registration
 * @objs: the objects; the caller holds a reference to each
 * @n: how many
 * @handles: the handles, out
 *
 * For the direct views of the pointer calls, whose handles are not held.
 * Return: 0, or -ENOMEM.
 */
int rtm_handles_peek(struct rtm_reg *reg, struct rtm_obj **objs,
		     unsigned int n, u64 *handles)
{
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		err = rtm_obj_publish(reg->rn, objs[i]);
		if (err)
			return err;
		handles[i] = rtm_handle_of(objs[i]);
	}
	return 0;
}

/**
 * rtm_hold_consume - drop one reference the caller holds on an object, if any
 * @reg: the registration
 * @obj: the object; the caller holds its own reference too
 *
 * The calls that consume the handle they are given (the deletes) use it.
 */
void rtm_hold_consume(struct rtm_reg *reg, struct rtm_obj *obj)
{
	u64 handle = rtm_handle_of(obj);

	if (obj->id && rtm_holds_count(reg, handle))
		rtm_holds_release(reg, &handle, 1, RTM_KIND_ALL);
}

/* Replace the counts of a present entry; this never allocates. */
static void rtm_hold_set(struct rtm_reg *reg, u64 id, void *entry)
{
	xa_store(&reg->holds, id, entry, GFP_NOWAIT);
}

/* The class a handle of @kind is released from. */
static enum rtm_hold_class rtm_release_class(u8 kind, bool changed)
{
	return changed && kind == RTM_OBJ_DEST ? RTM_HOLD_CHANGED :
						 RTM_HOLD_NORMAL;
}

/**
 * rtm_holds_release_class - drop one reference per handle, all or nothing
 * @reg: the registration
 * @handles: the handles, a kernel copy; one may appear as often as it is
 *	held.  The array is used as scratch space and clobbered.
 * @count: number of handles
 * @kinds: RTM_KIND_* mask of acceptable kinds
 * @changed: dest handles are those RtmGetChangedDests handed out
 *
 * Return: 0, or -EBADF if any handle is not held (nothing is released then).
 */
int rtm_holds_release_class(struct rtm_reg *reg, u64 *handles, u32 count,
			    u32 kinds, bool changed)
{
	enum rtm_hold_class class;
	unsigned int ndead = 0;
	u32 i, done;

	mutex_lock(&reg->hold_lock);
	if (!changed && rtm_hold_batch_release_run(reg, handles, count, kinds)) {
		mutex_unlock(&reg->hold_lock);
		ndead = count;
		goto put;
	}
	for (done = 0; done < count; done++) {
		struct rtm_obj *obj;
		void *entry;
		u64 token;
		u8 kind;
		u64 id;

		if (!rtm_handle_decode(handles[done], kinds, &kind, &id))
			break;
		class = rtm_release_class(kind, changed);
		entry = xa_load(&reg->holds, id);
		if (!entry || !rtm_hold_get_count(entry, class)) {
			/* Hold records hold ordinary references only. */
			token = class == RTM_HOLD_NORMAL ?
				rtm_hold_batch_take(reg, handles[done]) : 0;
			if (!token)
				break;
			handles[done] = token;
			continue;
		}
		/* Held, so the object is alive; its kind must match too. */
		obj = xa_load(&reg->rn->objs, id);
		if (WARN_ON_ONCE(!obj) || obj->kind != kind)
			break;
		rtm_hold_set(reg, id, rtm_hold_add_count(entry, class, -1));
		cond_resched();
	}

	if (done < count) {
		for (i = 0; i < done; i++) {
			u64 id = handles[i] & RTM_ID_MASK;

			if (rtm_hold_batch_token(handles[i])) {
				rtm_hold_batch_untake(reg, handles[i]);
				continue;
			}
			class = rtm_release_class(handles[i] >>
						  RTM_HANDLE_KIND_SHIFT,
						  changed);
			rtm_hold_set(reg, id,
				     rtm_hold_add_count(xa_load(&reg->holds, id),
							class, 1));
		}
		mutex_unlock(&reg->hold_lock);
		return -EBADF;
	}

	/*
	 * Objects whose last hold went are put after the lock is dropped,
	 * since freeing them may take table locks; the handle array keeps
	 * them meanwhile.
	 */
	for (i = 0; i < count; i++) {
		u64 id = handles[i] & RTM_ID_MASK;
		void *entry;

		cond_resched();
		if (rtm_hold_batch_token(handles[i])) {
			handles[ndead++] =
				(uintptr_t)rtm_hold_batch_commit(reg, handles[i]);
			continue;
		}
		entry = xa_load(&reg->holds, id);
		if (!entry || xa_to_value(entry))
			continue;
		xa_erase(&reg->holds, id);
		reg->nholds--;
		atomic_long_dec(&reg->rn->stats.holds);
		handles[ndead++] = (uintptr_t)xa_load(&reg->rn->objs, id);
	}
	rtm_hold_batches_reap(reg);
	mutex_unlock(&reg->hold_lock);

put:
	for (i = 0; i < ndead; i++) {
		rtm_obj_put((struct rtm_obj *)(uintptr_t)handles[i]);
		if (!(i % RTM_WALK_BUDGET))
			cond_resched();
	}
	return 0;
}

int rtm_holds_release(struct rtm_reg *reg, u64 *handles, u32 count, u32 kinds)
{
	return rtm_holds_release_class(reg, handles, count, kinds, false);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_holds_release);

static bool rtm_obj_referenceable(struct rtm_reg *reg, struct rtm_obj *obj)
{
	struct rtm_entity *self = rtm_reg_entity(reg);
	bool ok = false;

	if (!self)
		return false;
	switch (obj->kind) {
	case RTM_OBJ_ENTITY:
		ok = rtm_entity_alive(rtm_entity_of(obj)) &&
		     rtm_entity_of(obj)->table == self->table;
		break;
	case RTM_OBJ_DEST:
		ok = rtm_dest_of(obj)->table == self->table;
		break;
	case RTM_OBJ_ROUTE:
		ok = rtm_route_of(obj)->dest->table == self->table;
		break;
	case RTM_OBJ_NEXTHOP:
		ok = rtm_nexthop_of(obj)->owner->table == self->table;
		break;
	}
	rtm_obj_put(&self->obj);
	return ok;
}

/**
 * rtm_holds_reference - take one more reference per handle, all or nothing
 * @reg: the registration
 * @handles: handles of live objects of the registration's table, a kernel
 *	copy that is clobbered on error
 * @count: number of handles
 * @kinds: RTM_KIND_* mask of acceptable kinds
 *
 * Return: 0, -EBADF, -EDQUOT or -ENOMEM; on error nothing is taken.
 */
int rtm_holds_reference(struct rtm_reg *reg, u64 *handles, u32 count, u32 kinds)
{
	u32 i;
	int err = 0;

	for (i = 0; i < count; i++) {
		struct rtm_obj *obj;
		u64 handle;

		obj = rtm_obj_lookup(reg->rn, handles[i], kinds);
		if (IS_ERR(obj)) {
			err = PTR_ERR(obj);
			break;
		}
		if (rtm_obj_referenceable(reg, obj))
			err = rtm_hold(reg, obj, &handle);
		else
			err = -EBADF;
		rtm_obj_put(obj);
		if (err)
			break;
		cond_resched();
	}
	/*
	 * Undo what was taken.  This fails only if another thread of the
	 * caller released those handles meanwhile, which leaves nothing to
	 * undo.
	 */
	if (err && i)
		rtm_holds_release(reg, handles, i, kinds);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_holds_reference);

/**
 * rtm_holds_drop_all - drop every reference a registration holds
 * @reg: the registration, deregistered or being closed
 */
void rtm_holds_drop_all(struct rtm_reg *reg)
{
	unsigned long id = 0;

	rtm_hold_batches_drop_all(reg);

	for (;;) {
		struct rtm_obj *obj;

		mutex_lock(&reg->hold_lock);
		if (!xa_find(&reg->holds, &id, ULONG_MAX, XA_PRESENT)) {
			mutex_unlock(&reg->hold_lock);
			break;
		}
		xa_erase(&reg->holds, id);
		reg->nholds--;
		atomic_long_dec(&reg->rn->stats.holds);
		obj = xa_load(&reg->rn->objs, id);
		mutex_unlock(&reg->hold_lock);
		if (!WARN_ON_ONCE(!obj))
			rtm_obj_put(obj);
		/* up to max_holds of them */
		cond_resched();
	}
}
EXPORT_SYMBOL_IF_KUNIT(rtm_holds_drop_all);

/**
 * rtm_holds_count - how many (ordinary) references a registration holds
 * @reg: the registration
 * @handle: the handle
 *
 * Return: the count, 0 when none.
 */
unsigned long rtm_holds_count(struct rtm_reg *reg, u64 handle)
{
	unsigned long count;
	void *entry;

	mutex_lock(&reg->hold_lock);
	entry = xa_load(&reg->holds, handle & RTM_ID_MASK);
	count = entry ? rtm_hold_get_count(entry, RTM_HOLD_NORMAL) : 0;
	count += rtm_hold_batch_count(reg, handle);
	mutex_unlock(&reg->hold_lock);
	return count;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_holds_count);

/*
 * RTM_HANDLES_QUERY: replace by 0 each of @handles that @reg holds no
 * reference to, of either class (a handle of a kind outside @kinds, or not
 * a handle at all, is held by nobody).  Only the registration's own hold
 * counts are read: the objects may be going meanwhile, they are not
 * touched.
 */
static void rtm_holds_query(struct rtm_reg *reg, u64 *handles, u32 count,
			    u32 kinds)
{
	u32 i;

	mutex_lock(&reg->hold_lock);
	for (i = 0; i < count; i++) {
		u8 kind;
		u64 id;

		if (!rtm_handle_decode(handles[i], kinds, &kind, &id) ||
		    (!xa_load(&reg->holds, id) &&
		     !rtm_hold_batch_count(reg, handles[i])))
			handles[i] = 0;
		cond_resched();
	}
	mutex_unlock(&reg->hold_lock);
}

/* Kinds RtmReferenceHandles and the release calls deal in. */
#define RTM_KIND_REFCOUNTED (RTM_KIND_ENTITY | RTM_KIND_DEST | \
			     RTM_KIND_ROUTE | RTM_KIND_NEXTHOP)

static int rtm_handles_ioctl(struct rtm_reg *reg, struct rtm_handles *arg,
			     bool release)
{
	struct rtm_entity *self;
	u64 *handles;
	int err;

	if (arg->flags & ~(RTM_HANDLES_CHANGED | RTM_HANDLES_QUERY) ||
	    (arg->flags & RTM_HANDLES_CHANGED && !release) ||
	    (arg->flags & RTM_HANDLES_QUERY && (release ||
						arg->flags != RTM_HANDLES_QUERY)) ||
	    !arg->kinds || arg->kinds & ~RTM_KIND_REFCOUNTED)
		return -EINVAL;
	if (!arg->count || arg->count > RTM_MAX_BATCH)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;

	handles = rtm_memdup_user(arg->handles, arg->count, sizeof(*handles));
	if (IS_ERR(handles)) {
		err = PTR_ERR(handles);
		goto out;
	}
	if (arg->flags & RTM_HANDLES_QUERY) {
		rtm_holds_query(reg, handles, arg->count, arg->kinds);
		err = 0;
		/* The answer is written after the hold lock is dropped. */
		if (copy_to_user(u64_to_user_ptr(arg->handles), handles,
				 array_size(arg->count, sizeof(*handles))))
			err = -EFAULT;
	} else if (release)
		err = rtm_holds_release_class(reg, handles, arg->count,
					      arg->kinds,
					      arg->flags & RTM_HANDLES_CHANGED);
	else
		err = rtm_holds_reference(reg, handles, arg->count, arg->kinds);
	kvfree(handles);
out:
	rtm_obj_put(&self->obj);
	return err;
}

/* RtmReferenceHandles (RTM_IOC_REFERENCE) */
int rtm_handles_reference_ioctl(struct rtm_reg *reg, void *data)
{
	return rtm_handles_ioctl(reg, data, false);
}

/* The release calls (RTM_IOC_RELEASE) */
int rtm_handles_release_ioctl(struct rtm_reg *reg, void *data)
{
	return rtm_handles_ioctl(reg, data, true);
}
