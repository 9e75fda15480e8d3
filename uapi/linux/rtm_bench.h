/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The interface of rtm_bench.ko, the benchmark's test module: in-kernel
 * timing of longest-prefix lookups, rtm's against the kernel FIB's.
 *
 * This is not part of rtm's ABI and is not installed: rtm_bench.ko is built
 * beside rtm.ko for the benchmark (tools/bench) and loaded only by it
 * (tools/vm/bench); the two change together.  The ioctl number encodes the
 * structure's size, so a mismatched pair fails with -ENOTTY.
 */
#ifndef _UAPI_LINUX_RTM_BENCH_H
#define _UAPI_LINUX_RTM_BENCH_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/rtm.h>

#define RTM_BENCH_DEVICE_NAME	"rtm_bench"	/* /dev/rtm_bench, root only */

enum rtm_bench_target {
	RTM_BENCH_RTM	= 0,	/* rtm's table (instance, family) */
	RTM_BENCH_FIB	= 1,	/* the FIB's main table of that family */
};

#define RTM_BENCH_MAX_LOOPS	1000

/*
 * RTM_BENCH_IOC_LOOKUP: @loops passes over the @count addresses, timed
 * in the kernel, in the caller's network namespace.  RTM_BENCH_RTM looks
 * each one up in rtm's table of (@instance, @family) as RTM_IOC_LOOKUP
 * does (the unicast best route of the longest match); RTM_BENCH_FIB in the
 * FIB's main table of @family, with fib_table_lookup() or
 * fib6_table_lookup().  Each lookup is one RCU read-side section, as a
 * forwarding lookup would be.  Addresses must all be of @family.
 *
 * Errors: -EINVAL for a bad field, -ENOENT when the table does not exist
 * (no rtm entity ever registered in that instance and family; no IPv4 main
 * table yet in a fresh namespace, or IPv6 disabled), -EFAULT, -ENOMEM,
 * -EINTR when killed.
 */
struct rtm_bench_lookup {
	__u16 instance;			/* rtm instance (RTM_BENCH_RTM) */
	__u16 family;			/* AF_INET or AF_INET6 */
	__u32 target;			/* enum rtm_bench_target */
	__u32 count;			/* addresses, 1..RTM_MAX_BATCH */
	__u32 loops;			/* passes, 1..RTM_BENCH_MAX_LOOPS */
	__aligned_u64 addresses;	/* user pointer to struct rtm_net_address[count] */
	__aligned_u64 ns;		/* out: time of all the passes */
	__u32 hits;			/* out: lookups of a pass that found a route */
	__u32 reserved;			/* must be zero */
};

#define RTM_BENCH_IOC_MAGIC	'r'
#define RTM_BENCH_IOC_LOOKUP	_IOWR(RTM_BENCH_IOC_MAGIC, 0x01, struct rtm_bench_lookup)

#endif /* _UAPI_LINUX_RTM_BENCH_H */
