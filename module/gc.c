// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: freeing objects after an RCU grace period, in batches.
 *
 * Dests and routes are the bulk of a table (a million of each for a full
 * Internet table) and carry no rcu_head: sixteen bytes each would be a
 * tenth of their memory.  Their frees are collected in page-sized batches
 * instead; a full batch, or the partial one when the flush work runs, goes
 * through one call_rcu(), after which its objects return to their caches.
 * When no batch can be allocated the caller waits for a grace period and
 * frees directly.
 */

#include <linux/slab.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <linux/mm.h>

#include "rtm.h"

struct rtm_gc_batch {
	struct rcu_head rcu;
	unsigned int n;
	struct {
		struct kmem_cache *cache;
		void *obj;
	} ent[];
};

#define RTM_GC_BATCH \
	((PAGE_SIZE - sizeof(struct rtm_gc_batch)) / \
	 sizeof(((struct rtm_gc_batch *)NULL)->ent[0]))

static DEFINE_SPINLOCK(rtm_gc_lock);
static struct rtm_gc_batch *rtm_gc_cur;	/* under rtm_gc_lock */
static void rtm_gc_flush_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(rtm_gc_work, rtm_gc_flush_work);

static void rtm_gc_batch_free(struct rcu_head *head)
{
	struct rtm_gc_batch *b = container_of(head, struct rtm_gc_batch, rcu);
	unsigned int i;

	for (i = 0; i < b->n; i++)
		kmem_cache_free(b->ent[i].cache, b->ent[i].obj);
	free_page((unsigned long)b);
}

/**
 * rtm_gc_free - free an object of a cache after an RCU grace period
 * @cache: its cache
 * @obj: the object, unreachable for new readers
 *
 * Process context; may sleep.
 */
void rtm_gc_free(struct kmem_cache *cache, void *obj)
{
	struct rtm_gc_batch *b, *fresh = NULL, *full = NULL;

	might_sleep();
	for (;;) {
		spin_lock(&rtm_gc_lock);
		if (!rtm_gc_cur && fresh) {
			rtm_gc_cur = fresh;
			fresh = NULL;
		}
		b = rtm_gc_cur;
		if (b) {
			b->ent[b->n].cache = cache;
			b->ent[b->n].obj = obj;
			if (++b->n == RTM_GC_BATCH) {
				full = b;
				rtm_gc_cur = NULL;
			}
		}
		spin_unlock(&rtm_gc_lock);
		if (b)
			break;

		fresh = (void *)__get_free_page(GFP_KERNEL | __GFP_NOWARN);
		if (!fresh) {
			synchronize_rcu();
			kmem_cache_free(cache, obj);
			return;
		}
		fresh->n = 0;
	}

	/* Another caller installed a batch while this one allocated. */
	if (fresh)
		free_page((unsigned long)fresh);
	if (full)
		call_rcu(&full->rcu, rtm_gc_batch_free);
	else
		schedule_delayed_work(&rtm_gc_work, HZ / 10);
}

/* Send the partial batch on its way. */
void rtm_gc_flush(void)
{
	struct rtm_gc_batch *b;

	spin_lock(&rtm_gc_lock);
	b = rtm_gc_cur;
	rtm_gc_cur = NULL;
	spin_unlock(&rtm_gc_lock);
	if (b)
		call_rcu(&b->rcu, rtm_gc_batch_free);
}

static void rtm_gc_flush_work(struct work_struct *work)
{
	rtm_gc_flush();
}

/* Everything queued is freed when this returns. */
void rtm_gc_exit(void)
{
	cancel_delayed_work_sync(&rtm_gc_work);
	rtm_gc_flush();
	rcu_barrier();
}
