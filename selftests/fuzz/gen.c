// SPDX-License-Identifier: GPL-2.0
/*
 * Values for the fields of rtm's structures: mostly what the kernel
 * accepts, with boundaries and junk mixed in at rates that leave most
 * calls valid enough to get deep, and every check of the kernel hit.
 */
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"

/* Where the kernel is on x86-64 (direct map, text), and not canonical. */
static const uint64_t bad_addresses[] = {
	0xffff888000000000ULL,
	0xffffffff81000000ULL,
	0xfffffffffffff000ULL,
	0x8000000000000000ULL,
	0x0000800000000000ULL,
	1,
	4096,
};

uint64_t fz_ptr(struct fz_thread *t, void *good, size_t len)
{
	struct fz_rng *r = &t->rng;
	size_t inside;
	char *p;

	if (t->valid || !fz_chance(r, 6))
		return (uint64_t)(uintptr_t)good;
	switch (fz_below(r, FZ_PTR_NKINDS)) {
	case FZ_PTR_NULL:
		return 0;
	case FZ_PTR_KERNEL:
		return bad_addresses[fz_below(r, 7)];
	case FZ_PTR_UNMAPPED:
		return (uint64_t)(uintptr_t)t->arena.hole + fz_below(r, 64);
	case FZ_PTR_STRADDLE:
		if (!len)
			return (uint64_t)(uintptr_t)t->arena.guard;
		inside = fz_below(r, (uint32_t)len);
		p = fz_straddle(&t->arena, inside, good, good ? len : 0);
		return (uint64_t)(uintptr_t)p;
	case FZ_PTR_GUARD:
		return (uint64_t)(uintptr_t)t->arena.guard + fz_below(r, 64);
	case FZ_PTR_MISALIGNED:
		p = fz_alloc(&t->arena, len + 8);
		if (!p)
			return (uint64_t)(uintptr_t)good;
		if (good)
			memcpy(p + 1 + fz_below(r, 7), good, len);
		return (uint64_t)(uintptr_t)(p + 1);
	default:
		return (uint64_t)(uintptr_t)good;
	}
}

uint64_t fz_buf(struct fz_thread *t, size_t len, void **good)
{
	void *p = fz_alloc(&t->arena, len ? len : 1);

	if (good)
		*good = p;
	if (!p)		/* out of arena: a pointer that faults */
		return (uint64_t)(uintptr_t)t->arena.guard;
	return fz_ptr(t, p, len);
}

uint32_t fz_flags(struct fz_thread *t, uint32_t valid)
{
	struct fz_rng *r = &t->rng;
	uint32_t f = (uint32_t)fz_rand64(r) & valid;
	uint32_t unknown = ~valid;
	unsigned int bit;

	if (t->valid || fz_chance(r, 92))
		return f;
	if (!unknown || fz_chance(r, 20))
		return (uint32_t)fz_rand64(r);
	/* Each unknown bit in turn, over the run. */
	do {
		bit = fz_below(r, 32);
	} while (!(unknown & (1U << bit)));
	return f | 1U << bit;
}

uint32_t fz_reserved(struct fz_thread *t)
{
	struct fz_rng *r = &t->rng;

	if (t->valid || fz_chance(r, 96))
		return 0;
	return fz_chance(r, 50) ? 1U << fz_below(r, 32) : (uint32_t)fz_rand64(r);
}

uint32_t fz_count(struct fz_thread *t, uint32_t max)
{
	struct fz_rng *r = &t->rng;

	if (t->valid)
		return 1 + fz_below(r, max ? max : 1);
	switch (fz_below(r, 20)) {
	case 0:
		return 0;
	case 1:
		return max;
	case 2:
		return max + 1;
	case 3:
		return RTM_MAX_BATCH;
	case 4:
		return RTM_MAX_BATCH + 1;
	case 5:
		return fz_chance(r, 50) ? 0xFFFFFFFFU : (uint32_t)fz_rand64(r);
	case 6: case 7: case 8: case 9:
		return 1;
	default:
		return 1 + fz_below(r, max ? max : 1);
	}
}

uint32_t fz_views(struct fz_thread *t)
{
	static const uint32_t views[] = {
		RTM_VIEW_MASK_UCAST, RTM_VIEW_MASK_UCAST, RTM_VIEW_MASK_UCAST,
		RTM_VIEW_MASK_MCAST, RTM_VIEW_MASK_UCAST | RTM_VIEW_MASK_MCAST,
		RTM_VIEW_MASK_ANY,
	};
	struct fz_rng *r = &t->rng;

	if (t->valid || fz_chance(r, 95))
		return views[fz_below(r, 6)];
	return fz_chance(r, 50) ? 1U << fz_below(r, 32) : (uint32_t)fz_rand64(r);
}

uint32_t fz_protocol(struct fz_thread *t)
{
	struct fz_rng *r = &t->rng;

	switch (fz_below(r, 6)) {
	case 0:
		return RTM_PROTOCOL_BEST;
	case 1:
		return RTM_PROTOCOL_THIS;
	case 2:
		return (uint32_t)fz_rand64(r);
	default:
		return 1 + fz_below(r, 4);
	}
}

uint32_t fz_small(struct fz_thread *t)
{
	struct fz_rng *r = &t->rng;

	if (t->valid || fz_chance(r, 90))
		return fz_below(r, 4);
	return fz_chance(r, 50) ? 0xFFFFFFFFU : (uint32_t)fz_rand64(r);
}

uint16_t fz_family(struct fz_thread *t)
{
	struct fz_rng *r = &t->rng;

	if ((t->valid || fz_chance(r, 90)) && t->slot && t->slot->family)
		return t->slot->family;
	if (t->valid)
		return AF_INET;
	switch (fz_below(r, 6)) {
	case 0:
		return AF_INET;
	case 1:
		return AF_INET6;
	case 2:
		return 0;
	case 3:
		return AF_UNIX;
	case 4:
		return 0xFFFF;
	default:
		return (uint16_t)fz_rand64(r);
	}
}

/* Keep the bits of @a beyond its length 0, as a valid prefix has. */
static void mask_prefix(struct rtm_net_address *a)
{
	unsigned int bits = a->num_bits, i;

	for (i = 0; i < 16; i++) {
		if (bits >= 8) {
			bits -= 8;
			continue;
		}
		a->addr[i] &= (uint8_t)(0xFF00 >> bits);
		bits = 0;
	}
}

/* A prefix of the slot's family, of a length the family has. */
static void make_valid(struct fz_thread *t, struct rtm_net_address *a)
{
	unsigned int max;

	a->family = fz_family(t);
	max = a->family == AF_INET6 ? 128 : 32;
	if (a->num_bits > max)
		a->num_bits = max;
	mask_prefix(a);
}

void fz_address(struct fz_thread *t, struct rtm_net_address *a)
{
	struct fz_rng *r = &t->rng;
	unsigned int max, i;

	memset(a, 0, sizeof(*a));
	/* Reuse a prefix seen before: routes meet on dests. */
	if (fz_chance(r, 45) && fz_addr_pick(t, a)) {
		if (fz_chance(r, 10))
			a->num_bits = fz_below(r, a->num_bits + 2);
		if (t->valid)
			make_valid(t, a);
		return;
	}
	a->family = fz_family(t);
	max = a->family == AF_INET6 ? 128 : 32;
	switch (fz_below(r, 10)) {
	case 0:
		a->num_bits = 0;
		break;
	case 1:
		a->num_bits = max;
		break;
	case 2:
		a->num_bits = max + 1;
		break;
	case 3:
		a->num_bits = fz_chance(r, 50) ? 0xFFFF : (uint16_t)fz_rand64(r);
		break;
	default:
		a->num_bits = 8 * (1 + fz_below(r, max / 8));
		if (fz_chance(r, 30))
			a->num_bits = fz_below(r, max + 1);
		break;
	}
	/* A few networks, so that prefixes nest and collide. */
	a->addr[0] = fz_chance(r, 80) ? 10 : (uint8_t)fz_rand64(r);
	a->addr[1] = fz_below(r, 4);
	a->addr[2] = fz_below(r, 4);
	a->addr[3] = fz_chance(r, 80) ? 0 : (uint8_t)fz_rand64(r);
	if (fz_chance(r, 10))
		for (i = 4; i < 16; i++)
			a->addr[i] = (uint8_t)fz_rand64(r);
	/* Unmasked now and then: bits beyond the length must not matter. */
	if (fz_chance(r, 85))
		mask_prefix(a);
	if (t->valid)
		make_valid(t, a);
}

uint32_t fz_time_ms(struct fz_thread *t, bool allow_long)
{
	struct fz_rng *r = &t->rng;

	switch (t->valid ? 1 + fz_below(r, 7) : fz_below(r, 8)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return allow_long ? 0xFFFFFFFFU : 2000;
	case 3:
		return allow_long ? (uint32_t)fz_rand64(r) : 3000;
	default:
		return 10 + fz_below(r, 500);
	}
}
