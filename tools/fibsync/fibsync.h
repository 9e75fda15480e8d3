/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of rtm-fibsync share: its messages on stderr.
 */
#ifndef RTM_FIBSYNC_H
#define RTM_FIBSYNC_H

/* Say why on stderr and exit 1. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
					      noreturn));
/* Say what it does on stderr, with -v only. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* RTM_FIBSYNC_H */
