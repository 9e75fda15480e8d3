// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: references handed out a batch at a time.
 *
 * An enumeration batch hands out hundreds of handles at once (a dest, its
 * best route and the route's owner per dest), and callers give them back
 * the same way: RtmReleaseDests of the batch they were given, or of its
 * dest infos one after another.  Entering each handle in the
 * registration's hold table and taking it out again costs two XArray
 * walks a handle.  Such a batch is kept instead as one hold record: its
 * handles in the order they were handed out, and a kernel reference per
 * handle.  A release of a record's next live handles, in that order,
 * drops them in one step; any other release finds each handle in the
 * records by a binary search, over an index sorted the first time one is
 * needed.  A record goes when its last handle does.
 *
 * A handle in a record counts one against max_holds, even when its object
 * is held more than once: when that is what refuses a new hold, the
 * records move into the hold table first, where an object counts once.
 * All of this is under the registration's hold lock.
 */

#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "rtm.h"

/* A slot taken by a release that may still be undone. */
#define RTM_HOLD_SLOT_TAKEN	1UL

/*
 * The tokens rtm_hold_batch_take() hands back have the top bit, which no
 * handle has (its kind is at most RTM_OBJ_MAX), then the record's index
 * and the slot's.
 */
#define RTM_HOLD_TOKEN		BIT_ULL(63)
#define RTM_HOLD_TOKEN_SHIFT	16

struct rtm_hold_batch {
	u32 cap;		/* room for handles */
	u32 n;			/* handles */
	u32 live;		/* of them not released */
	u32 next;		/* no live one before this */
	bool sorted;		/* @order is built */
	u64 *handles;		/* in the order handed out */
	u16 *order;		/* indices of @handles in handle order */
	struct rtm_obj *objs[];	/* a reference each; NULL once released */
};

static_assert(U16_MAX + 1 >= RTM_HOLD_BATCH_MAX);

static bool rtm_hold_slot_live(const struct rtm_hold_batch *b, u32 i)
{
	uintptr_t p = (uintptr_t)b->objs[i];

	return p && !(p & RTM_HOLD_SLOT_TAKEN);
}

/* Whether the registration has handles in hold records. */
static bool rtm_hold_batches_any(struct rtm_reg *reg)
{
	lockdep_assert_held(&reg->hold_lock);
	return reg->nbatched;
}

/* A record with room for @n handles: the registration's spare, or a new one. */
static struct rtm_hold_batch *rtm_hold_batch_get(struct rtm_reg *reg, u32 n)
{
	struct rtm_hold_batch *b;
	size_t size;

	mutex_lock(&reg->hold_lock);
	b = reg->spare;
	if (b && b->cap >= n)
		reg->spare = NULL;
	else
		b = NULL;
	mutex_unlock(&reg->hold_lock);
	if (b)
		return b;

	size = struct_size(b, objs, n);
	size = size_add(size, array_size(n, sizeof(*b->handles)));
	size = size_add(size, array_size(n, sizeof(*b->order)));
	b = kvmalloc(size, RTM_GFP);
	if (b)
		b->cap = n;
	return b;
}

/*
 * A record that holds nothing: kept as the registration's spare, the next
 * batch's, unless there is one already.  The hold lock is held.
 */
static void rtm_hold_batch_free(struct rtm_reg *reg, struct rtm_hold_batch *b)
{
	lockdep_assert_held(&reg->hold_lock);
	if (!reg->spare || reg->spare->cap < b->cap)
		swap(reg->spare, b);
	kvfree(b);
}

/**
 * rtm_hold_batch - hand out handles to several objects, as one hold record
 * @reg: the registration receiving them
 * @objs: the objects; an object may appear more than once, and the caller
 *	has a reference for each entry, which becomes the handle's
 * @n: how many
 * @handles: the handles, out
 *
 * Falls back to the hold table (rtm_hold_many()) when the batch is too
 * large for a record, the registration has as many records as it may, or
 * they would pass max_holds.  The statistics count each handle of a record
 * as one hold, as they count each object of the hold table.
 * Return: 0, or a negative errno with nothing held and the references
 * still the caller's.
 */
int rtm_hold_batch(struct rtm_reg *reg, struct rtm_obj **objs, unsigned int n,
		   u64 *handles)
{
	struct rtm_hold_batch *b = NULL;
	unsigned int i, idx;
	int err;

	err = rtm_handles_peek(reg, objs, n, handles);
	if (err)
		return err;
	if (n < 2 || n > RTM_HOLD_BATCH_MAX)
		goto table;

	b = rtm_hold_batch_get(reg, n);
	if (!b)
		return -ENOMEM;
	b->n = n;
	b->live = n;
	b->next = 0;
	b->sorted = false;
	b->handles = (u64 *)&b->objs[b->cap];
	b->order = (u16 *)&b->handles[b->cap];
	memcpy(b->objs, objs, array_size(n, sizeof(*objs)));
	memcpy(b->handles, handles, array_size(n, sizeof(*handles)));

	mutex_lock(&reg->hold_lock);
	for (idx = 0; idx < RTM_HOLD_BATCHES && reg->batches[idx]; idx++)
		;
	if (!rcu_access_pointer(reg->entity)) {
		err = -EBADF;
	} else if (idx == RTM_HOLD_BATCHES ||
		   reg->nholds + reg->nbatched + n > rtm_max_holds) {
		err = -EAGAIN;
	} else {
		reg->batches[idx] = b;
		reg->nbatched += n;
		atomic_long_add(n, &reg->rn->stats.holds);
		err = 0;
	}
	if (err)
		rtm_hold_batch_free(reg, b);
	mutex_unlock(&reg->hold_lock);
	if (err != -EAGAIN)
		return err;

table:
	err = rtm_hold_many(reg, objs, n, handles);
	if (err)
		return err;
	/* The hold table took references of its own. */
	for (i = 0; i < n; i++)
		rtm_obj_put(objs[i]);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_hold_batch);

/* Free the record at @idx once nothing in it is held. */
static void rtm_hold_batch_reap(struct rtm_reg *reg, unsigned int idx)
{
	struct rtm_hold_batch *b = reg->batches[idx];

	if (b && !b->live) {
		reg->batches[idx] = NULL;
		rtm_hold_batch_free(reg, b);
	}
}

/* A slot's handle went: account for it. */
static void rtm_hold_batch_gone(struct rtm_reg *reg, struct rtm_hold_batch *b,
				u32 n)
{
	b->live -= n;
	reg->nbatched -= n;
	atomic_long_sub(n, &reg->rn->stats.holds);
}

/**
 * rtm_hold_batch_release_run - release a record's next handles in one step
 * @reg: the registration; its hold lock is held
 * @handles: the handles to release, a kernel copy
 * @count: how many
 * @kinds: RTM_KIND_* mask of acceptable kinds
 *
 * Return: true if @handles are, in order, the next live handles of one
 * record, all of @kinds: they are released then, and @handles holds the
 * objects, as pointers, for the caller to put once the hold lock is
 * dropped.  False with nothing changed otherwise.
 */
bool rtm_hold_batch_release_run(struct rtm_reg *reg, u64 *handles, u32 count,
				u32 kinds)
{
	unsigned int idx;
	u32 j, k;

	if (!count || !rtm_hold_batches_any(reg))
		return false;
	for (idx = 0; idx < RTM_HOLD_BATCHES; idx++) {
		struct rtm_hold_batch *b = reg->batches[idx];

		if (!b)
			continue;
		for (j = b->next; j < b->n && !b->objs[j]; j++)
			;
		b->next = j;
		if (count > b->n - j || b->handles[j] != handles[0])
			continue;
		for (k = 0; k < count; k++)
			if (b->handles[j + k] != handles[k] ||
			    !rtm_hold_slot_live(b, j + k) ||
			    !(kinds & RTM_KIND_MASK(b->objs[j + k]->kind)))
				break;
		if (k < count)
			continue;

		for (k = 0; k < count; k++) {
			handles[k] = (uintptr_t)b->objs[j + k];
			b->objs[j + k] = NULL;
		}
		b->next = j + count;
		rtm_hold_batch_gone(reg, b, count);
		rtm_hold_batch_reap(reg, idx);
		return true;
	}
	return false;
}

static int rtm_hold_order_cmp(const void *a, const void *b, const void *priv)
{
	const u64 *handles = priv;
	u16 x = *(const u16 *)a, y = *(const u16 *)b;

	if (handles[x] != handles[y])
		return handles[x] < handles[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * The positions of @b's order whose handle is @handle: from the return
 * value to *@end.
 */
static u32 rtm_hold_batch_find(struct rtm_hold_batch *b, u64 handle, u32 *end)
{
	u32 lo = 0, hi = b->n;

	if (!b->sorted) {
		for (lo = 0; lo < b->n; lo++)
			b->order[lo] = lo;
		sort_r(b->order, b->n, sizeof(*b->order), rtm_hold_order_cmp,
		       NULL, b->handles);
		b->sorted = true;
		lo = 0;
	}
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (b->handles[b->order[mid]] < handle)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (*end = lo; *end < b->n && b->handles[b->order[*end]] == handle;)
		(*end)++;
	return lo;
}

/* The first record of @reg from *@idx on that holds handles, or NULL. */
static struct rtm_hold_batch *rtm_hold_batch_next(struct rtm_reg *reg,
						  unsigned int *idx)
{
	for (; *idx < RTM_HOLD_BATCHES; (*idx)++)
		if (reg->batches[*idx] && reg->batches[*idx]->live)
			return reg->batches[*idx];
	return NULL;
}

/**
 * rtm_hold_batch_take - find a handle in the records for a release
 * @reg: the registration; its hold lock is held
 * @handle: the handle
 *
 * The slot found is taken, not released yet: the release gives it up with
 * rtm_hold_batch_untake(), or releases it with rtm_hold_batch_commit().
 * Return: a token for those, or 0 when no record holds @handle any more.
 */
u64 rtm_hold_batch_take(struct rtm_reg *reg, u64 handle)
{
	struct rtm_hold_batch *b;
	unsigned int idx;
	u32 p, end, i;

	if (!rtm_hold_batches_any(reg))
		return 0;
	for (idx = 0; (b = rtm_hold_batch_next(reg, &idx)); idx++) {
		for (p = rtm_hold_batch_find(b, handle, &end); p < end; p++) {
			i = b->order[p];
			if (!rtm_hold_slot_live(b, i))
				continue;
			b->objs[i] = (void *)((uintptr_t)b->objs[i] |
					      RTM_HOLD_SLOT_TAKEN);
			return RTM_HOLD_TOKEN |
			       (u64)idx << RTM_HOLD_TOKEN_SHIFT | i;
		}
	}
	return 0;
}

bool rtm_hold_batch_token(u64 v)
{
	return v & RTM_HOLD_TOKEN;
}

static struct rtm_hold_batch *rtm_hold_token_batch(struct rtm_reg *reg,
						   u64 token, u32 *slot)
{
	*slot = token & (BIT(RTM_HOLD_TOKEN_SHIFT) - 1);
	return reg->batches[(token & ~RTM_HOLD_TOKEN) >> RTM_HOLD_TOKEN_SHIFT];
}

/* Give back a slot rtm_hold_batch_take() took. */
void rtm_hold_batch_untake(struct rtm_reg *reg, u64 token)
{
	struct rtm_hold_batch *b;
	u32 i;

	lockdep_assert_held(&reg->hold_lock);
	b = rtm_hold_token_batch(reg, token, &i);
	b->objs[i] = (void *)((uintptr_t)b->objs[i] & ~RTM_HOLD_SLOT_TAKEN);
}

/*
 * Release a slot rtm_hold_batch_take() took.  Return: its object, whose
 * reference the caller puts once the hold lock is dropped.  A record left
 * empty stays until rtm_hold_batches_reap().
 */
struct rtm_obj *rtm_hold_batch_commit(struct rtm_reg *reg, u64 token)
{
	struct rtm_hold_batch *b;
	struct rtm_obj *obj;
	u32 i;

	lockdep_assert_held(&reg->hold_lock);
	b = rtm_hold_token_batch(reg, token, &i);
	obj = (void *)((uintptr_t)b->objs[i] & ~RTM_HOLD_SLOT_TAKEN);
	b->objs[i] = NULL;
	rtm_hold_batch_gone(reg, b, 1);
	return obj;
}

/* Free the records a release left empty. */
void rtm_hold_batches_reap(struct rtm_reg *reg)
{
	unsigned int idx;

	lockdep_assert_held(&reg->hold_lock);
	for (idx = 0; idx < RTM_HOLD_BATCHES; idx++)
		rtm_hold_batch_reap(reg, idx);
}

/**
 * rtm_hold_batch_count - how often the records hold a handle
 * @reg: the registration; its hold lock is held
 * @handle: the handle
 *
 * Return: the number of live slots with @handle.
 */
unsigned long rtm_hold_batch_count(struct rtm_reg *reg, u64 handle)
{
	struct rtm_hold_batch *b;
	unsigned long count = 0;
	unsigned int idx;
	u32 p, end;

	if (!rtm_hold_batches_any(reg))
		return 0;
	for (idx = 0; (b = rtm_hold_batch_next(reg, &idx)); idx++)
		for (p = rtm_hold_batch_find(b, handle, &end); p < end; p++)
			count += rtm_hold_slot_live(b, b->order[p]);
	return count;
}

/**
 * rtm_hold_batches_spill - move the records into the hold table
 * @reg: the registration; its hold lock is held
 *
 * Each live handle becomes a hold of the hold table, where an object held
 * several times counts once against max_holds.
 * Return: 0, or a negative errno with the handles not moved yet still in
 * their records.
 */
int rtm_hold_batches_spill(struct rtm_reg *reg)
{
	unsigned int idx;
	int err = 0;
	u32 i;

	lockdep_assert_held(&reg->hold_lock);
	for (idx = 0; !err && idx < RTM_HOLD_BATCHES; idx++) {
		struct rtm_hold_batch *b = reg->batches[idx];

		for (i = 0; b && i < b->n; i++) {
			bool merged;

			if (!b->objs[i])
				continue;
			err = rtm_hold_adopt(reg, b->objs[i], &merged);
			if (err)
				break;
			b->objs[i] = NULL;
			b->live--;
			reg->nbatched--;
			/* Two holds of one object are one now. */
			if (merged)
				atomic_long_dec(&reg->rn->stats.holds);
		}
		rtm_hold_batch_reap(reg, idx);
	}
	return err;
}

/**
 * rtm_hold_batches_drop_all - drop every hold record of a registration
 * @reg: the registration, deregistered or being closed
 */
void rtm_hold_batches_drop_all(struct rtm_reg *reg)
{
	unsigned int idx;
	u32 i;

	mutex_lock(&reg->hold_lock);
	kvfree(reg->spare);
	reg->spare = NULL;
	mutex_unlock(&reg->hold_lock);

	for (idx = 0; idx < RTM_HOLD_BATCHES; idx++) {
		struct rtm_hold_batch *b;

		mutex_lock(&reg->hold_lock);
		b = reg->batches[idx];
		reg->batches[idx] = NULL;
		if (b)
			rtm_hold_batch_gone(reg, b, b->live);
		mutex_unlock(&reg->hold_lock);
		if (!b)
			continue;
		/* Released slots are NULL; none is taken outside the lock. */
		for (i = 0; i < b->n; i++) {
			if (b->objs[i])
				rtm_obj_put(b->objs[i]);
			cond_resched();
		}
		kvfree(b);
	}
}
