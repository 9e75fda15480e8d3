/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtm: differences between the kernels rtm builds against (Debian's 6.1 and
 * 6.12).  Every version test of the module lives here.
 */
#ifndef _RTM_COMPAT_H
#define _RTM_COMPAT_H

#include <linux/version.h>
#include <linux/bits.h>

#if BITS_PER_LONG != 64
#error "rtm needs a 64-bit kernel: handle ids index an XArray"
#endif

#if KERNEL_VERSION(6, 1, 0) > LINUX_VERSION_CODE
#error "rtm needs Linux 6.1 or later"
#endif

#endif /* _RTM_COMPAT_H */
