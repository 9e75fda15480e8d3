// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The shadows of a registration: a hash table keyed by handle value.
 */
#include <stdlib.h>

#include "shadow.h"

#define SHADOW_MIN_BUCKETS	16

static size_t shadow_hash(__u64 handle, size_t buckets)
{
	/* Handle ids are sequential: Fibonacci hashing spreads them. */
	return (size_t)((handle * 0x9E3779B97F4A7C15ULL) >> 32) & (buckets - 1);
}

struct librtm_shadow *librtm_shadow_find(struct librtm_reg *reg, __u64 handle)
{
	struct librtm_shadow *sh;

	if (!reg->shadow_buckets)
		return NULL;
	for (sh = reg->shadows[shadow_hash(handle, reg->shadow_buckets)]; sh;
	     sh = sh->next)
		if (sh->handle == handle)
			return sh;
	return NULL;
}

/* Double the table; on failure the old one stays, only longer chains. */
static void shadow_grow(struct librtm_reg *reg)
{
	size_t buckets = reg->shadow_buckets ? reg->shadow_buckets * 2
					     : SHADOW_MIN_BUCKETS;
	struct librtm_shadow **table, *sh, *next;
	size_t i;

	table = calloc(buckets, sizeof(*table));
	if (!table)
		return;
	for (i = 0; i < reg->shadow_buckets; i++) {
		for (sh = reg->shadows[i]; sh; sh = next) {
			size_t b = shadow_hash(sh->handle, buckets);

			next = sh->next;
			sh->next = table[b];
			table[b] = sh;
		}
	}
	free(reg->shadows);
	reg->shadows = table;
	reg->shadow_buckets = buckets;
}

struct librtm_shadow *librtm_shadow_get(struct librtm_reg *reg, __u64 handle,
					size_t size)
{
	struct librtm_shadow *sh = librtm_shadow_find(reg, handle);
	size_t b;

	if (sh)
		return sh;
	if (reg->shadow_count >= reg->shadow_buckets)
		shadow_grow(reg);
	if (!reg->shadow_buckets)
		return NULL;
	sh = calloc(1, sizeof(*sh) + size);
	if (!sh)
		return NULL;
	if (pthread_cond_init(&sh->unlocked, NULL)) {
		free(sh);
		return NULL;
	}
	sh->handle = handle;
	sh->size = size;
	b = shadow_hash(handle, reg->shadow_buckets);
	sh->next = reg->shadows[b];
	reg->shadows[b] = sh;
	reg->shadow_count++;
	return sh;
}

void librtm_shadows_free(struct librtm_reg *reg)
{
	struct librtm_shadow *sh, *next;
	size_t i;

	for (i = 0; i < reg->shadow_buckets; i++) {
		for (sh = reg->shadows[i]; sh; sh = next) {
			next = sh->next;
			pthread_cond_destroy(&sh->unlocked);
			free(sh);
		}
	}
	free(reg->shadows);
	reg->shadows = NULL;
	reg->shadow_buckets = 0;
	reg->shadow_count = 0;
}
