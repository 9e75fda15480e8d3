// SPDX-License-Identifier: GPL-2.0
/*
 * The handle pool: every handle the kernel hands out, kept per kind in
 * rings that later calls draw from.  The global rings live in memory that
 * every process of the run shares (MAP_SHARED before any fork), so a
 * handle taken in one registration, table, process or network namespace
 * is tried in all the others; entries are never removed, so released,
 * deleted and freed objects' handles stay and are tried as stale ones.
 * Each slot has rings of its own objects too, which make calls that only
 * an owner may make (updates, deletes) likely to get through.
 *
 * Lock-free: a slot of a ring is taken with an atomic increment and the
 * value stored atomically; a reader may see an old value, which is as good
 * a handle to try as any.
 */
#include <string.h>

#include "fuzz.h"

#define FZ_ADDRS	256

struct fz_pool {
	struct fz_ring ring[FZ_NKINDS];
	struct rtm_net_address addr[FZ_ADDRS];
	uint32_t naddr;
};

static struct fz_pool *pool;

void fz_pool_init(void *shared)
{
	pool = shared;
	memset(pool, 0, sizeof(*pool));
}

size_t fz_pool_size(void)
{
	return sizeof(struct fz_pool);
}

void fz_ring_add(struct fz_ring *r, uint64_t v)
{
	uint32_t i = __atomic_fetch_add(&r->next, 1, __ATOMIC_RELAXED);

	__atomic_store_n(&r->v[i & (FZ_RING - 1)], v, __ATOMIC_RELAXED);
}

/* A value of @r, biased to the recent ones; 0 if it is empty. */
static uint64_t ring_pick(struct fz_thread *t, struct fz_ring *r)
{
	uint32_t n = __atomic_load_n(&r->next, __ATOMIC_RELAXED);
	uint32_t back;

	if (!n)
		return 0;
	if (n > FZ_RING)
		n = FZ_RING;
	back = fz_chance(&t->rng, 70) ? fz_below(&t->rng, n < 8 ? n : 8)
				       : fz_below(&t->rng, n);
	n = __atomic_load_n(&r->next, __ATOMIC_RELAXED);
	return __atomic_load_n(&r->v[(n - 1 - back) & (FZ_RING - 1)],
			       __ATOMIC_RELAXED);
}

void fz_seen(struct fz_thread *t, enum fz_kind k, uint64_t h)
{
	(void)t;
	if (h)
		fz_ring_add(&pool->ring[k], h);
}

void fz_seen_own(struct fz_thread *t, enum fz_kind k, uint64_t h)
{
	if (!h)
		return;
	fz_ring_add(&pool->ring[k], h);
	if (t->slot)
		fz_ring_add(&t->slot->own.ring[k], h);
}

/*
 * A handle that names nothing, or something else: the kind byte changed
 * (module/rtm.h: the kind is the top byte), the id moved, or junk.
 */
static uint64_t forge(struct fz_thread *t, uint64_t h)
{
	struct fz_rng *r = &t->rng;
	const uint64_t id_mask = (1ULL << 56) - 1;

	switch (fz_below(r, 6)) {
	case 0:
		return (h & id_mask) | (uint64_t)fz_below(r, 9) << 56;
	case 1:
		return h + 1;
	case 2:
		return h - 1;
	case 3:
		return h + (1ULL << 32);
	case 4:
		return h | 0xFF00000000000000ULL;
	default:
		return fz_rand64(r);
	}
}

uint64_t fz_handle(struct fz_thread *t, enum fz_kind k)
{
	struct fz_rng *r = &t->rng;
	unsigned int roll = fz_below(r, t->valid ? 66 : 100);
	uint64_t h = 0;

	if (roll < 40 && t->slot)
		h = ring_pick(t, &t->slot->own.ring[k]);
	else if (roll < 70)
		h = ring_pick(t, &pool->ring[k]);
	else if (roll < 78)
		h = ring_pick(t, &pool->ring[fz_below(r, FZ_NKINDS)]);
	else if (roll < 82 && t->slot)
		h = __atomic_load_n(&t->slot->entity, __ATOMIC_RELAXED);
	else if (roll < 92)
		h = forge(t, ring_pick(t, &pool->ring[k]));
	else if (roll < 96)
		return 0;
	else
		return fz_rand64(r);
	if (!h && roll < 40)
		h = ring_pick(t, &pool->ring[k]);
	return h;
}

uint64_t fz_own_handle(struct fz_thread *t, enum fz_kind k)
{
	uint64_t h = 0;

	if (t->slot && (t->valid || fz_chance(&t->rng, 75)))
		h = ring_pick(t, &t->slot->own.ring[k]);
	return h || t->valid ? h : fz_handle(t, k);
}

void fz_own_forget(struct fz_own *own)
{
	unsigned int k;

	/* The global rings keep them: they are tried as stale ones. */
	for (k = 0; k < FZ_NKINDS; k++)
		__atomic_store_n(&own->ring[k].next, 0, __ATOMIC_RELAXED);
}

void fz_addr_seen(const struct rtm_net_address *a)
{
	uint32_t i = __atomic_fetch_add(&pool->naddr, 1, __ATOMIC_RELAXED);

	/* Torn by a concurrent writer, it is one more odd address. */
	memcpy(&pool->addr[i % FZ_ADDRS], a, sizeof(*a));
}

bool fz_addr_pick(struct fz_thread *t, struct rtm_net_address *a)
{
	uint32_t n = __atomic_load_n(&pool->naddr, __ATOMIC_RELAXED);

	if (!n)
		return false;
	if (n > FZ_ADDRS)
		n = FZ_ADDRS;
	memcpy(a, &pool->addr[fz_below(&t->rng, n)], sizeof(*a));
	return true;
}
