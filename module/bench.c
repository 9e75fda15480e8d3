// SPDX-License-Identifier: GPL-2.0
/*
 * rtm_bench: the benchmark's test module, timing in-kernel lookups, rtm's
 * against the kernel FIB's, on the same addresses in the same namespace
 * (/dev/rtm_bench, RTM_BENCH_IOC_LOOKUP in <linux/rtm_bench.h>).
 *
 * The benchmark loads the same prefixes into rtm and into the FIB of a
 * scratch namespace and asks for both timings here, where system call
 * costs do not blur them.  This is no part of rtm.ko, which users load: it
 * is built beside it and loaded only by the benchmark, and it reaches rtm's
 * tables through the few symbols rtm.ko exports to RTM_INTERNAL.
 */

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/ktime.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <net/ip_fib.h>
#include <net/ip6_fib.h>
#include <net/ipv6_stubs.h>
#include <net/net_namespace.h>
#include <linux/rtm_bench.h>

#include "rtm.h"

/* What one request times: one table, rtm's or the FIB's. */
struct rtm_bench {
	struct net *net;
	struct rtm_table *t;		/* RTM_BENCH_RTM */
	struct fib_table *tb4;		/* RTM_BENCH_FIB, AF_INET */
	struct fib6_table *tb6;		/* RTM_BENCH_FIB, AF_INET6 */
	u8 (*keys)[16];
	u8 *lens;
	u32 count;
};

static u32 rtm_bench_rtm(const struct rtm_bench *b)
{
	struct rtm_attr *a;
	struct rtm_dest *d;
	u32 i, hits = 0;

	for (i = 0; i < b->count; i++) {
		rcu_read_lock();
		hits += !!rtm_lookup_best(b->t, b->keys[i], b->lens[i],
					  RTM_VIEW_MASK_UCAST, &d, &a);
		rcu_read_unlock();
	}
	return hits;
}

static u32 rtm_bench_fib4(const struct rtm_bench *b)
{
	struct fib_result res;
	u32 i, hits = 0;

	for (i = 0; i < b->count; i++) {
		struct flowi4 fl4 = {};

		memcpy(&fl4.daddr, b->keys[i], 4);
		rcu_read_lock();
		hits += !fib_table_lookup(b->tb4, &fl4, &res, FIB_LOOKUP_NOREF);
		rcu_read_unlock();
	}
	return hits;
}

static u32 rtm_bench_fib6(const struct rtm_bench *b)
{
	u32 i, hits = 0;

	for (i = 0; i < b->count; i++) {
		struct fib6_result res = {};
		struct flowi6 fl6 = {};

		memcpy(&fl6.daddr, b->keys[i], 16);
		rcu_read_lock();
		ipv6_stub->fib6_table_lookup(b->net, b->tb6, 0, &fl6, &res, 0);
		hits += res.f6i && res.f6i != b->net->ipv6.fib6_null_entry;
		rcu_read_unlock();
	}
	return hits;
}

/*
 * The FIB's main table of @family in @net, never creating one: a fresh
 * namespace has no IPv4 main table until its first route or address
 * (creating one takes the RTNL, which a reader has no business taking).
 * fib_get_table() is not exported when the kernel has policy routing, so
 * the main table comes from net->ipv4.fib_main, which is what the FIB's
 * own fast path reads; the IPv6 stub answers NULL when IPv6 is disabled.
 */
static int rtm_bench_fib_table(struct rtm_bench *b, u16 family)
{
	if (family == AF_INET) {
		rcu_read_lock();
#ifdef CONFIG_IP_MULTIPLE_TABLES
		b->tb4 = rcu_dereference(b->net->ipv4.fib_main);
#else
		b->tb4 = fib_get_table(b->net, RT_TABLE_MAIN);
#endif
		rcu_read_unlock();
		return b->tb4 ? 0 : -ENOENT;
	}
	b->tb6 = ipv6_stub->fib6_get_table(b->net, RT6_TABLE_MAIN);
	return b->tb6 ? 0 : -ENOENT;
}

/* The lookup keys of the caller's addresses, all of @family. */
static int rtm_bench_keys(struct rtm_bench *b, u16 family,
			  const struct rtm_net_address *addrs)
{
	unsigned int alen = family == AF_INET ? 4 : 16;
	u32 i;
	int err;

	for (i = 0; i < b->count; i++) {
		if (addrs[i].family != family || addrs[i].num_bits > alen * 8)
			return -EINVAL;
		if (b->t) {
			/* as rtm's lookups take them: masked to the length */
			err = rtm_dest_key(b->t, &addrs[i], b->keys[i]);
			if (err)
				return err;
		} else {
			/* the FIB looks up whole addresses */
			memcpy(b->keys[i], addrs[i].addr, alen);
		}
		b->lens[i] = addrs[i].num_bits;
	}
	return 0;
}

static int rtm_bench_lookup(struct rtm_bench_lookup *arg)
{
	struct rtm_net_address *addrs;
	struct rtm_bench b = {};
	u32 loop, hits = 0;
	u64 start, ns = 0;
	int err;

	if (arg->reserved || arg->target > RTM_BENCH_FIB)
		return -EINVAL;
	if (arg->family != AF_INET && arg->family != AF_INET6)
		return -EINVAL;
	if (!arg->count || arg->count > RTM_MAX_BATCH || !arg->loops ||
	    arg->loops > RTM_BENCH_MAX_LOOPS)
		return -EINVAL;

	/*
	 * The caller's namespace, which its task keeps alive through its
	 * nsproxy (which only the task itself can change) for as long as
	 * this call runs.  So do the tables looked up in it: rtm's and the
	 * FIB's main tables are freed only when the namespace goes, which
	 * is why their pointers stay good across the timing loops below
	 * without a reference or one long RCU read-side section.
	 */
	b.net = current->nsproxy->net_ns;
	b.count = arg->count;
	if (arg->target == RTM_BENCH_RTM) {
		b.t = rtm_table_find(rtm_net(b.net), arg->instance,
				     arg->family);
		if (!b.t)
			return -ENOENT;
	} else {
		err = rtm_bench_fib_table(&b, arg->family);
		if (err)
			return err;
	}

	addrs = vmemdup_user(u64_to_user_ptr(arg->addresses),
			     array_size(arg->count, sizeof(*addrs)));
	if (IS_ERR(addrs))
		return PTR_ERR(addrs);
	err = -ENOMEM;
	b.keys = kvcalloc(b.count, sizeof(*b.keys), GFP_KERNEL);
	b.lens = kvmalloc(b.count, GFP_KERNEL);
	if (!b.keys || !b.lens)
		goto out;
	err = rtm_bench_keys(&b, arg->family, addrs);
	if (err)
		goto out;

	for (loop = 0; loop < arg->loops; loop++) {
		start = ktime_get_ns();
		if (b.t)
			hits = rtm_bench_rtm(&b);
		else if (b.tb4)
			hits = rtm_bench_fib4(&b);
		else
			hits = rtm_bench_fib6(&b);
		ns += ktime_get_ns() - start;
		/* Between passes, not inside one: a pass is timed whole. */
		cond_resched();
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			goto out;
		}
	}
	arg->ns = ns;
	arg->hits = hits;
	err = 0;
out:
	kvfree(b.lens);
	kvfree(b.keys);
	kvfree(addrs);
	return err;
}

static long rtm_bench_ioctl(struct file *file, unsigned int cmd,
			    unsigned long uarg)
{
	void __user *argp = (void __user *)uarg;
	struct rtm_bench_lookup arg;
	int err;

	if (cmd != RTM_BENCH_IOC_LOOKUP)
		return -ENOTTY;
	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	err = rtm_bench_lookup(&arg);
	if (!err && copy_to_user(argp, &arg, sizeof(arg)))
		err = -EFAULT;
	return err;
}

static const struct file_operations rtm_bench_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = rtm_bench_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice rtm_bench_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = RTM_BENCH_DEVICE_NAME,
	.fops = &rtm_bench_fops,
	.mode = 0600,
};

static int __init rtm_bench_init(void)
{
	return misc_register(&rtm_bench_dev);
}

static void __exit rtm_bench_exit(void)
{
	misc_deregister(&rtm_bench_dev);
}

module_init(rtm_bench_init);
module_exit(rtm_bench_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("In-kernel lookup timing for the rtm benchmark (test only)");
MODULE_IMPORT_NS(RTM_INTERNAL);
