/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A fake /dev/rtm for host tests: open(), ioctl(), read() and close() are
 * wrapped at link time (-Wl,--wrap=...) and served from memory, following
 * the contract of uapi/linux/rtm.h and the errors the module returns.
 */
#ifndef FAKE_RTM_H
#define FAKE_RTM_H

#include <stdbool.h>
#include <linux/rtm.h>

void fake_rtm_reset(void);

/* Make open("/dev/rtm") fail with @err (0: succeed). */
void fake_rtm_open_error(int err);

/* Make the next ioctl @cmd fail with -@err, @times times in a row. */
void fake_rtm_fail(unsigned long cmd, int err, unsigned int times);

/* Counters since the last reset. */
unsigned int fake_rtm_ioctls(void);		/* ioctls on fake files */
unsigned int fake_rtm_ioctls_of(unsigned long cmd);
unsigned int fake_rtm_stray_ioctls(void);	/* on fds that are not ours */
unsigned int fake_rtm_open_files(void);
unsigned int fake_rtm_open_flags(void);		/* of the last fake open */

/* The RTM_REGISTER_* flags the entity of @handle registered with. */
unsigned int fake_rtm_register_flags(__u64 handle);

/* References the file of @holder holds on @handle. */
unsigned int fake_rtm_refs(__u64 holder, __u64 handle);

/* Queue @ev on the file of the entity @handle. */
bool fake_rtm_queue(__u64 handle, const struct rtm_event *ev);

/* Wait until at most @n fake files are open (false after ~5 s). */
bool fake_rtm_wait_open_files(unsigned int n);

#endif /* FAKE_RTM_H */
