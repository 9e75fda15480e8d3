// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The shadows of a registration: a hash table keyed by handle value, and
 * their freeing once the registration no longer holds their handles.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "shadow.h"

#define SHADOW_MIN_BUCKETS	16
#define SHADOW_MIN_SWEEP	64
#define SHADOW_KIND_SHIFT	56

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

static void shadow_free(struct librtm_shadow *sh)
{
	pthread_cond_destroy(&sh->unlocked);
	free(sh->edit);
	free(sh);
}

/* Unlink and free @sh, storing a changed opaque cell first. */
void librtm_shadow_drop(struct librtm_reg *reg, struct librtm_shadow *sh)
{
	struct librtm_shadow **pp;

	pp = &reg->shadows[shadow_hash(sh->handle, reg->shadow_buckets)];
	while (*pp != sh)
		pp = &(*pp)->next;
	*pp = sh->next;
	reg->shadow_count--;
	if (sh->handle >> SHADOW_KIND_SHIFT == 2)	/* a dest's cell */
		librtm_opaque_flush(reg, sh);
	shadow_free(sh);
}

static bool shadow_in_use(const struct librtm_shadow *sh)
{
	return sh->readers || sh->writer || sh->waiters || sh->edit;
}

/*
 * Ask the kernel which of the handles of @shs (@n of them, in the kernel's
 * batches) the registration still holds, and free the shadows of the
 * others that nobody has locked.
 */
static void shadows_query_drop(struct librtm_reg *reg,
			       struct librtm_shadow **shs, size_t n)
{
	struct rtm_handles req;
	__u64 *h;
	size_t done, i;
	__u32 chunk;
	int ret;

	if (!n || reg->shadow_no_query)
		return;
	h = malloc(n * sizeof(*h));
	if (!h)
		return;		/* kept, tried again at the next sweep */
	for (i = 0; i < n; i++)
		h[i] = shs[i]->handle;
	for (done = 0; done < n; done += chunk) {
		chunk = n - done < RTM_MAX_BATCH ? n - done : RTM_MAX_BATCH;
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.flags = RTM_HANDLES_QUERY;
		req.kinds = RTM_KIND_DEST | RTM_KIND_ROUTE | RTM_KIND_NEXTHOP;
		req.count = chunk;
		req.handles = librtm_u64(h + done);
		ret = librtm_ioctl(reg->fd, RTM_IOC_REFERENCE, &req);
		if (ret == -EINVAL) {
			/* An older kernel: shadows live with the registration. */
			reg->shadow_no_query = true;
			break;
		}
		if (ret)
			break;	/* no memory: kept, tried again later */
		/* The kernel answered 0 for each handle no longer held. */
		for (i = done; i < done + chunk; i++)
			if (!h[i] && !shadow_in_use(shs[i]))
				librtm_shadow_drop(reg, shs[i]);
	}
	free(h);
}

/* Free the shadows of every handle the registration no longer holds. */
static void shadows_sweep(struct librtm_reg *reg)
{
	struct librtm_shadow **shs, *sh;
	size_t i, n = 0;

	if (reg->shadow_no_query || !reg->shadow_count)
		return;
	shs = malloc(reg->shadow_count * sizeof(*shs));
	if (!shs)
		return;
	for (i = 0; i < reg->shadow_buckets; i++)
		for (sh = reg->shadows[i]; sh; sh = sh->next)
			if (!shadow_in_use(sh))
				shs[n++] = sh;
	shadows_query_drop(reg, shs, n);
	free(shs);
}

void librtm_shadows_kill(struct librtm_reg *reg)
{
	struct librtm_shadow *sh;
	size_t i;

	pthread_mutex_lock(&reg->shadow_lock);
	reg->dead = true;
	/*
	 * The waiters hold references to the entry and their shadows are in
	 * use (waiters), so both outlive the wake-up.
	 */
	for (i = 0; i < reg->shadow_buckets; i++)
		for (sh = reg->shadows[i]; sh; sh = sh->next)
			if (sh->waiters)
				pthread_cond_broadcast(&sh->unlocked);
	pthread_mutex_unlock(&reg->shadow_lock);
}

void librtm_shadows_forget(struct librtm_reg *reg, unsigned int count,
			   const HANDLE *handles)
{
	struct librtm_shadow *stack[8], **shs = stack, *sh;
	unsigned int i, n = 0;

	if (reg->shadow_no_query || !reg->shadow_count || !handles)
		return;
	if (count > 8) {
		shs = malloc(count * sizeof(*shs));
		if (!shs)
			return;	/* the next sweep frees them */
	}
	for (i = 0; i < count; i++) {
		sh = handles[i] ? librtm_shadow_find(reg,
						     librtm_u64(handles[i]))
				: NULL;
		/* Each once: a handle may appear as often as it was held. */
		if (sh && !shadow_in_use(sh)) {
			unsigned int j;

			for (j = 0; j < n && shs[j] != sh; j++)
				;
			if (j == n)
				shs[n++] = sh;
		}
	}
	shadows_query_drop(reg, shs, n);
	if (shs != stack)
		free(shs);
}

struct librtm_shadow *librtm_shadow_get(struct librtm_reg *reg, __u64 handle,
					size_t size)
{
	struct librtm_shadow *sh = librtm_shadow_find(reg, handle);
	size_t b;

	if (sh)
		return sh;
	/*
	 * Sweep whenever the number of shadows has doubled since the last
	 * sweep: amortized, a constant number of handle queries per shadow.
	 */
	if (reg->shadow_count >= reg->shadow_sweep_at) {
		shadows_sweep(reg);
		reg->shadow_sweep_at = reg->shadow_count * 2 > SHADOW_MIN_SWEEP ?
				       reg->shadow_count * 2 : SHADOW_MIN_SWEEP;
	}
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
			shadow_free(sh);
		}
	}
	free(reg->shadows);
	reg->shadows = NULL;
	reg->shadow_buckets = 0;
	reg->shadow_count = 0;
}
