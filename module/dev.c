// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: the /dev/rtm character device and its ioctl dispatch.
 *
 * Every command's argument starts with a __u32 size.  The dispatcher reads
 * it, bounds it, and copies the structure in with copy_struct_from_user():
 * a shorter (older) structure is zero-extended, a longer (newer) one must
 * have a zero tail.  On success, on -ENOSPC (a list that did not fit) and
 * for batches on any error, the structure goes back out, truncated to the
 * caller's size.
 */

#include <linux/module.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/nospec.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <net/net_namespace.h>

#include "rtm.h"

union rtm_ioctl_arg {
	struct rtm_register reg;
	struct rtm_deregister dereg;
	struct rtm_get_entities entities;
	struct rtm_get_entity_info entity_info;
	struct rtm_handles handles;
	struct rtm_add_nexthop add_nexthop;
	struct rtm_nexthop_key nexthop_key;
	struct rtm_get_nexthop_info nexthop_info;
	struct rtm_add_route add_route;
	struct rtm_delete_route delete_route;
	struct rtm_get_route_info route_info;
	struct rtm_get_dest get_dest;
	struct rtm_get_exact_route exact_route;
	struct rtm_hold_dest hold_dest;
	struct rtm_bulk_routes bulk_routes;
	struct rtm_lookup lookup;
	struct rtm_enum_create enum_create;
	struct rtm_enum_get enum_get;
	struct rtm_object object;
	struct rtm_list_insert list_insert;
	struct rtm_notify_register notify_register;
	struct rtm_notify_get notify_get;
	struct rtm_notify_dest notify_dest;
	struct rtm_method_get method_get;
	struct rtm_method_invoke method_invoke;
	struct rtm_method_ctl method_ctl;
	struct rtm_lock lock;
	struct rtm_dump dump;
	struct rtm_preference preference;
};

/*
 * RTM_IOCTL_PARTIAL: the structure goes back out on failure too (a batch
 * reports how far it got).
 */
#define RTM_IOCTL_PARTIAL	BIT(0)

struct rtm_ioctl_desc {
	unsigned int ver0;	/* smallest size accepted */
	unsigned int size;	/* the kernel's size */
	unsigned int flags;
	int (*fn)(struct rtm_reg *reg, void *arg);
};

#define RTM_IOCTL_FLAGS(_cmd, _fn, _type, _ver0, _flags)		\
	[_IOC_NR(_cmd) - RTM_IOC_BASE] = {				\
		.ver0 = _ver0,						\
		.size = sizeof(struct _type),				\
		.flags = _flags,					\
		.fn = _fn,						\
	}
#define RTM_IOCTL(_cmd, _fn, _type, _ver0)				\
	RTM_IOCTL_FLAGS(_cmd, _fn, _type, _ver0, 0)

static const struct rtm_ioctl_desc rtm_ioctls[] = {
	RTM_IOCTL(RTM_IOC_REGISTER, rtm_entity_register,
		  rtm_register, RTM_REGISTER_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_DEREGISTER, rtm_entity_deregister_ioctl,
		  rtm_deregister, RTM_DEREGISTER_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_GET_ENTITIES, rtm_entity_list,
		  rtm_get_entities, RTM_GET_ENTITIES_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_GET_ENTITY_INFO, rtm_entity_info,
		  rtm_get_entity_info, RTM_GET_ENTITY_INFO_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_REFERENCE, rtm_handles_reference_ioctl,
		  rtm_handles, RTM_HANDLES_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_RELEASE, rtm_handles_release_ioctl,
		  rtm_handles, RTM_HANDLES_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_ADD_NEXTHOP, rtm_nexthop_add_ioctl,
		  rtm_add_nexthop, RTM_ADD_NEXTHOP_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_FIND_NEXTHOP, rtm_nexthop_find_ioctl,
		  rtm_nexthop_key, RTM_NEXTHOP_KEY_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_DELETE_NEXTHOP, rtm_nexthop_delete_ioctl,
		  rtm_nexthop_key, RTM_NEXTHOP_KEY_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_GET_NEXTHOP_INFO, rtm_nexthop_info_ioctl,
		  rtm_get_nexthop_info, RTM_GET_NEXTHOP_INFO_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_ADD_ROUTE, rtm_route_add_ioctl,
		  rtm_add_route, RTM_ADD_ROUTE_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_DELETE_ROUTE, rtm_route_delete_ioctl,
		  rtm_delete_route, RTM_DELETE_ROUTE_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_GET_ROUTE_INFO, rtm_route_info_ioctl,
		  rtm_get_route_info, RTM_GET_ROUTE_INFO_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_GET_DEST, rtm_dest_get_ioctl,
		  rtm_get_dest, RTM_GET_DEST_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_GET_EXACT_ROUTE, rtm_route_exact_ioctl,
		  rtm_get_exact_route, RTM_GET_EXACT_ROUTE_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_HOLD_DEST, rtm_dest_hold_ioctl,
		  rtm_hold_dest, RTM_HOLD_DEST_SIZE_VER0),
	RTM_IOCTL_FLAGS(RTM_IOC_ADD_ROUTES, rtm_routes_add_ioctl,
			rtm_bulk_routes, RTM_BULK_ROUTES_SIZE_VER0,
			RTM_IOCTL_PARTIAL),
	RTM_IOCTL_FLAGS(RTM_IOC_DELETE_ROUTES, rtm_routes_delete_ioctl,
			rtm_bulk_routes, RTM_BULK_ROUTES_SIZE_VER0,
			RTM_IOCTL_PARTIAL),
	RTM_IOCTL(RTM_IOC_LOOKUP, rtm_lookup_ioctl,
		  rtm_lookup, RTM_LOOKUP_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_ENUM_CREATE, rtm_enum_create_ioctl,
		  rtm_enum_create, RTM_ENUM_CREATE_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_ENUM_GET, rtm_enum_get_ioctl,
		  rtm_enum_get, RTM_ENUM_GET_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_ENUM_DELETE, rtm_enum_delete_ioctl,
		  rtm_object, RTM_OBJECT_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_LIST_CREATE, rtm_list_create_ioctl,
		  rtm_object, RTM_OBJECT_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_LIST_INSERT, rtm_list_insert_ioctl,
		  rtm_list_insert, RTM_LIST_INSERT_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_LIST_DELETE, rtm_list_delete_ioctl,
		  rtm_object, RTM_OBJECT_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_NOTIFY_REGISTER, rtm_notify_register_ioctl,
		  rtm_notify_register, RTM_NOTIFY_REGISTER_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_NOTIFY_GET, rtm_notify_get_ioctl,
		  rtm_notify_get, RTM_NOTIFY_GET_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_NOTIFY_DEST, rtm_notify_dest_ioctl,
		  rtm_notify_dest, RTM_NOTIFY_DEST_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_NOTIFY_DEREGISTER, rtm_notify_deregister_ioctl,
		  rtm_object, RTM_OBJECT_SIZE_VER0),
	/* 0x5d: once RTM_IOC_BENCH_LOOKUP; no entry, so -ENOTTY. */
	RTM_IOCTL(RTM_IOC_LOCK, rtm_lock_ioctl, rtm_lock, RTM_LOCK_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_DUMP, rtm_dump_ioctl, rtm_dump, RTM_DUMP_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_METHOD_GET, rtm_method_get_ioctl,
		  rtm_method_get, RTM_METHOD_GET_SIZE_VER0),
	/* Partial: an interrupted call's cookie goes back to the caller. */
	RTM_IOCTL_FLAGS(RTM_IOC_METHOD_INVOKE, rtm_method_invoke_ioctl,
			rtm_method_invoke, RTM_METHOD_INVOKE_SIZE_VER0,
			RTM_IOCTL_PARTIAL),
	RTM_IOCTL(RTM_IOC_METHOD_CTL, rtm_method_ctl_ioctl,
		  rtm_method_ctl, RTM_METHOD_CTL_SIZE_VER0),
	RTM_IOCTL(RTM_IOC_PREFERENCE, rtm_pref_ioctl,
		  rtm_preference, RTM_PREFERENCE_SIZE_VER0),
};

/**
 * rtm_memdup_user - copy an array a caller passes by pointer into the kernel
 * @uptr: the user pointer, as the ABI carries it
 * @n: number of elements, already bounded by the caller
 * @size: size of one element
 *
 * The copy is charged to the caller; free it with kvfree().
 * Return: the copy, or an ERR_PTR (-ENOMEM, -EFAULT).
 */
void *rtm_memdup_user(u64 uptr, size_t n, size_t size)
{
	void *p;

	p = kvmalloc_array(n, size, RTM_GFP);
	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, u64_to_user_ptr(uptr), n * size)) {
		kvfree(p);
		return ERR_PTR(-EFAULT);
	}
	return p;
}

static long rtm_ioctl(struct file *file, unsigned int cmd, unsigned long uarg)
{
	struct rtm_reg *reg = file->private_data;
	void __user *argp = (void __user *)uarg;
	const struct rtm_ioctl_desc *desc;
	union rtm_ioctl_arg arg;
	unsigned int nr;
	u32 usize;
	int err;

	if (_IOC_TYPE(cmd) != RTM_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;
	nr = _IOC_NR(cmd) - RTM_IOC_BASE;
	if (nr >= ARRAY_SIZE(rtm_ioctls))
		return -ENOTTY;
	desc = &rtm_ioctls[array_index_nospec(nr, ARRAY_SIZE(rtm_ioctls))];
	if (!desc->fn)
		return -ENOTTY;

	/* Sizes are fetched once, from the structure itself. */
	if (get_user(usize, (u32 __user *)argp))
		return -EFAULT;
	if (usize < desc->ver0)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	err = copy_struct_from_user(&arg, desc->size, argp, usize);
	if (err)
		return err;

	err = desc->fn(reg, &arg);
	if (err && err != -ENOSPC && !(desc->flags & RTM_IOCTL_PARTIAL))
		return err;
	if (copy_to_user(argp, &arg, min_t(size_t, usize, desc->size)))
		return -EFAULT;
	return err;
}

static int rtm_open(struct inode *inode, struct file *file)
{
	struct rtm_reg *reg;
	int err;

	err = nonseekable_open(inode, file);
	if (err)
		return err;
	reg = rtm_reg_alloc(current->nsproxy->net_ns);
	if (!reg)
		return -ENOMEM;
	file->private_data = reg;
	return 0;
}

static int rtm_release(struct inode *inode, struct file *file)
{
	rtm_reg_free(file->private_data);
	return 0;
}

static ssize_t rtm_read(struct file *file, char __user *buf, size_t len,
			loff_t *ppos)
{
	return rtm_events_read(file->private_data, buf, len,
			       file->f_flags & O_NONBLOCK);
}

static __poll_t rtm_poll(struct file *file, poll_table *wait)
{
	return rtm_events_poll(file->private_data, file, wait);
}

static const struct file_operations rtm_fops = {
	.owner = THIS_MODULE,
	.open = rtm_open,
	.release = rtm_release,
	.read = rtm_read,
	.poll = rtm_poll,
	.unlocked_ioctl = rtm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice rtm_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = RTM_DEVICE_NAME,
	.fops = &rtm_fops,
	.mode = 0600,
};

int rtm_dev_register(void)
{
	return misc_register(&rtm_miscdev);
}

void rtm_dev_unregister(void)
{
	misc_deregister(&rtm_miscdev);
}
