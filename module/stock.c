// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: stocks of slab objects for a chunk of bulk changes.
 *
 * A chunk of a bulk add (bulk.c) may make a dest and a route per entry.
 * Taking them from the slab one at a time costs a trip through the
 * allocator's hooks each; a stock takes what the rest of the chunk may need
 * in one kmem_cache_alloc_bulk() when it runs dry, hands the objects out
 * one by one, and gives back what is left when the chunk ends.
 *
 * The objects are charged to the caller's memory cgroup as single
 * allocations are (RTM_GFP; the caches are SLAB_ACCOUNT).  A bulk
 * allocation asks for more than one object, so when it fails the stock
 * falls back to one object: a load near its cgroup's limit goes exactly as
 * far as without the stock, and a failure is reported (NULL) only when one
 * object cannot be had either.
 */

#include <linux/slab.h>

#include "rtm.h"

/**
 * rtm_stock_init - an empty stock
 * @s: the stock
 * @cache: the cache its objects come from
 */
void rtm_stock_init(struct rtm_stock *s, struct kmem_cache *cache)
{
	s->cache = cache;
	s->n = 0;
}

/**
 * rtm_stock_refill - fill an empty stock (rtm_stock_alloc())
 * @s: the stock
 * @want: how many objects the rest of the chunk may take, at most
 *	RTM_STOCK_SIZE
 *
 * Return: whether the stock has an object now.
 */
bool rtm_stock_refill(struct rtm_stock *s, unsigned int want)
{
	void *obj;

	want = clamp(want, 1U, (unsigned int)RTM_STOCK_SIZE);
	if (want > 1)
		s->n = kmem_cache_alloc_bulk(s->cache, RTM_GFP, want, s->obj);
	if (!s->n) {
		obj = kmem_cache_alloc(s->cache, RTM_GFP);
		if (!obj)
			return false;
		s->obj[s->n++] = obj;
	}
	return true;
}

/**
 * rtm_stock_free - give back an object from rtm_stock_alloc(), unused
 * @s: the stock
 * @obj: the object, which no one has seen
 */
void rtm_stock_free(struct rtm_stock *s, void *obj)
{
	if (s->n < RTM_STOCK_SIZE)
		s->obj[s->n++] = obj;
	else
		kmem_cache_free(s->cache, obj);
}

/**
 * rtm_stock_drain - free the objects left in a stock
 * @s: the stock, empty afterwards
 */
void rtm_stock_drain(struct rtm_stock *s)
{
	if (s->n)
		kmem_cache_free_bulk(s->cache, s->n, s->obj);
	s->n = 0;
}
