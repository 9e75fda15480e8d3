// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: the /dev/rtm character device and its ioctl dispatch.
 *
 * Every command's argument starts with a __u32 size.  The dispatcher reads
 * it, bounds it, and copies the structure in with copy_struct_from_user():
 * a shorter (older) structure is zero-extended, a longer (newer) one must
 * have a zero tail.  On success, and on -ENOSPC (a list that did not fit),
 * the structure goes back out, truncated to the caller's size.
 */

#include <linux/module.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
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
};

struct rtm_ioctl_desc {
	unsigned int ver0;	/* smallest size accepted */
	unsigned int size;	/* the kernel's size */
	int (*fn)(struct rtm_reg *reg, void *arg);
};

#define RTM_IOCTL(_cmd, _fn, _type, _ver0)				\
	[_IOC_NR(_cmd) - RTM_IOC_BASE] = {				\
		.ver0 = _ver0,						\
		.size = sizeof(struct _type),				\
		.fn = _fn,						\
	}

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
};

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
	if (err && err != -ENOSPC)
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
