/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of rtm-fibsync share: its messages on stderr, and the
 * growing of its arrays.
 */
#ifndef RTM_FIBSYNC_H
#define RTM_FIBSYNC_H

#include <stddef.h>

/* Say why on stderr and exit 1. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
					      noreturn));
/* Say what it does on stderr, with -v only. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The array @arr of *@cap elements of @size bytes, @n of them used, with
 * room for one more: reallocated to twice the size (at first @first) when
 * full, *@cap updated.  Out of memory is fatal.
 */
void *room_for_one(void *arr, size_t n, size_t *cap, size_t size,
		   size_t first);

#endif /* RTM_FIBSYNC_H */
