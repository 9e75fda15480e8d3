// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: timing in-kernel lookups, rtm's against the kernel FIB's, on the
 * same addresses in the same namespace (RTM_IOC_BENCH_LOOKUP).
 *
 * The benchmark loads the same prefixes into rtm and into the FIB of a
 * scratch namespace and asks for both timings here, where system call
 * costs do not blur them.  Each lookup is one RCU read-side section, as a
 * forwarding lookup would be.
 */

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/ktime.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <net/ip_fib.h>
#include <net/ip6_fib.h>
#include <net/ipv6_stubs.h>
#include <net/net_namespace.h>

#include "rtm.h"

#define RTM_BENCH_MAX_LOOPS	1000

static u32 rtm_bench_rtm(struct rtm_table *t, const u8 (*keys)[16],
			 const u8 *lens, u32 count)
{
	struct rtm_attr *a;
	struct rtm_dest *d;
	u32 i, hits = 0;

	for (i = 0; i < count; i++) {
		rcu_read_lock();
		hits += !!rtm_lookup_best(t, keys[i], lens[i],
					  RTM_VIEW_MASK_UCAST, &d, &a);
		rcu_read_unlock();
	}
	return hits;
}

static u32 rtm_bench_fib4(struct fib_table *tb, const u8 (*keys)[16],
			  u32 count)
{
	struct fib_result res;
	u32 i, hits = 0;

	for (i = 0; i < count; i++) {
		struct flowi4 fl4 = {};

		memcpy(&fl4.daddr, keys[i], 4);
		rcu_read_lock();
		hits += !fib_table_lookup(tb, &fl4, &res, FIB_LOOKUP_NOREF);
		rcu_read_unlock();
	}
	return hits;
}

static u32 rtm_bench_fib6(struct net *net, struct fib6_table *tb,
			  const u8 (*keys)[16], u32 count)
{
	u32 i, hits = 0;

	for (i = 0; i < count; i++) {
		struct fib6_result res = {};
		struct flowi6 fl6 = {};

		memcpy(&fl6.daddr, keys[i], 16);
		rcu_read_lock();
		ipv6_stub->fib6_table_lookup(net, tb, 0, &fl6, &res, 0);
		hits += res.f6i && res.f6i != net->ipv6.fib6_null_entry;
		rcu_read_unlock();
	}
	return hits;
}

/* RTM_IOC_BENCH_LOOKUP */
int rtm_bench_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_bench_lookup *arg = data;
	struct rtm_net_address *addrs;
	struct rtm_entity *self;
	struct fib6_table *tb6 = NULL;
	struct fib_table *tb4 = NULL;
	struct rtm_table *t;
	u8 (*keys)[16] = NULL;
	u8 *lens = NULL;
	u32 i, loop, hits = 0;
	u64 start, ns = 0;
	int err;

	if (arg->reserved)
		return -EINVAL;
	if (arg->target > RTM_BENCH_FIB || !arg->count ||
	    arg->count > RTM_MAX_BATCH || !arg->loops ||
	    arg->loops > RTM_BENCH_MAX_LOOPS)
		return -EINVAL;
	self = rtm_reg_entity(reg);
	if (!self)
		return -EBADF;
	t = self->table;

	addrs = vmemdup_user(u64_to_user_ptr(arg->addresses),
			     array_size(arg->count, sizeof(*addrs)));
	if (IS_ERR(addrs)) {
		err = PTR_ERR(addrs);
		goto out;
	}
	err = -ENOMEM;
	keys = kvcalloc(arg->count, sizeof(*keys), GFP_KERNEL);
	lens = kvmalloc(arg->count, GFP_KERNEL);
	if (!keys || !lens)
		goto out_free;
	for (i = 0; i < arg->count; i++) {
		err = rtm_dest_key(t, &addrs[i], keys[i]);
		if (err)
			goto out_free;
		lens[i] = addrs[i].num_bits;
	}

	if (arg->target == RTM_BENCH_FIB) {
		err = -EOPNOTSUPP;
		if (t->family == AF_INET)
			tb4 = fib_new_table(reg->net, RT_TABLE_MAIN);
		else if (ipv6_stub->fib6_get_table)
			tb6 = ipv6_stub->fib6_get_table(reg->net,
							RT6_TABLE_MAIN);
		if (!tb4 && !tb6)
			goto out_free;
	}

	for (loop = 0; loop < arg->loops; loop++) {
		start = ktime_get_ns();
		if (arg->target == RTM_BENCH_RTM)
			hits = rtm_bench_rtm(t, keys, lens, arg->count);
		else if (tb4)
			hits = rtm_bench_fib4(tb4, keys, arg->count);
		else
			hits = rtm_bench_fib6(reg->net, tb6, keys, arg->count);
		ns += ktime_get_ns() - start;
		cond_resched();
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			goto out_free;
		}
	}
	arg->ns = ns;
	arg->hits = hits;
	err = 0;
out_free:
	kvfree(lens);
	kvfree(keys);
	kvfree(addrs);
out:
	rtm_obj_put(&self->obj);
	return err;
}
