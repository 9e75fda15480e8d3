// SPDX-License-Identifier: GPL-2.0
/*
 * Argument memory of a fuzzing thread, and the bad user pointers.
 *
 * Each thread maps FZ_ARENA_PAGES good pages followed by a PROT_NONE page
 * and a page it unmaps again, so that a buffer can be made to end inside
 * memory the kernel cannot read (a copy that faults half way) and an
 * address is known to be unmapped.  Buffers are bump-allocated per call:
 * nothing is freed one by one.
 */
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "fuzz.h"

int fz_arena_init(struct fz_arena *a)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t total = (FZ_ARENA_PAGES + 2) * page;
	char *p;

	p = mmap(NULL, total, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	a->base = p;
	a->len = FZ_ARENA_PAGES * page;
	a->used = 0;
	a->guard = p + a->len;
	a->hole = a->guard + page;
	if (mprotect(a->guard, page, PROT_NONE) || munmap(a->hole, page)) {
		munmap(p, total);
		return -1;
	}
	return 0;
}

void fz_arena_free(struct fz_arena *a)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (a->base)
		munmap(a->base, a->len + page);
	a->base = NULL;
}

void fz_arena_reset(struct fz_arena *a)
{
	a->used = 0;
}

void *fz_alloc(struct fz_arena *a, size_t len)
{
	size_t start = (a->used + 7) & ~(size_t)7;
	void *p;

	/* The last page is kept for straddling buffers. */
	if (start + len > a->len - (size_t)sysconf(_SC_PAGESIZE))
		return NULL;
	p = a->base + start;
	memset(p, 0, len);
	a->used = start + len;
	return p;
}

void *fz_straddle(struct fz_arena *a, size_t inside, const void *src,
		  size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *p;

	if (inside > page)
		inside = page;
	if (len > inside)
		len = inside;
	p = a->guard - inside;
	memset(p, 0, inside);
	if (len)
		memcpy(p, src, len);
	return p;
}
