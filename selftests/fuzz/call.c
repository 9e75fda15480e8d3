// SPDX-License-Identifier: GPL-2.0
/*
 * One ioctl on /dev/rtm, with the argument structure's own size field and
 * placement fuzzed: smaller than its first version, exact, larger with a
 * zero or a non-zero tail, beyond a page, junk; in good memory, at NULL,
 * a kernel address, an unmapped page, or straddling into a PROT_NONE page.
 *
 * Where the ABI fixes the answer (dev.c reads the size with get_user(),
 * rejects one below the first version with EINVAL and one beyond a page
 * with E2BIG, and copy_struct_from_user() refuses a non-zero tail with
 * E2BIG; an unreadable structure is EFAULT), the answer is checked;
 * everywhere the errno must be one the ABI lists for the ioctl.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "fuzz.h"

#define PAGE	4096U

static void check(struct fz_thread *t, enum fz_op op, int ret, int want,
		  uint32_t size, const char *why)
{
	fz_count_call(op, ret);
	if (ret > 0) {
		fz_violation("%s returned %d (size %u)", fz_op_name(op), ret,
			     size);
		return;
	}
	if (ret < 0 && !fz_errno_allowed(op, -ret))
		fz_violation("%s: %s (%d), not an error the ABI lists (size %u%s%s)",
			     fz_op_name(op), strerror(-ret), -ret, size,
			     why ? ", " : "", why ? why : "");
	else if (want && ret != want && ret != -EBADF)	/* EBADF: fd closed */
		fz_violation("%s: %d (%s), want %d (%s): %s (size %u)",
			     fz_op_name(op), ret, ret ? strerror(-ret) : "ok",
			     want, strerror(-want), why, size);
	(void)t;
}

static int raw(int fd, unsigned long cmd, uint64_t arg)
{
	int r = ioctl(fd, cmd, (void *)(uintptr_t)arg);

	return r < 0 ? -errno : r;
}

int fz_ioctl(struct fz_thread *t, int fd, enum fz_op op, void *arg)
{
	const struct fz_ioctl_desc *d = &fz_ioctls[op];
	struct fz_rng *r = &t->rng;
	const char *why = NULL;
	uint32_t size = d->size, room, inside = 0, back = 0;
	unsigned int roll = t->valid ? 0 : fz_below(r, 100);
	bool tail = false, fault = false;
	char *buf = NULL;
	uint64_t where;
	int want = 0, ret;

	if (roll < 86) {
		size = d->size;
	} else if (roll < 89) {
		size = fz_below(r, d->ver0);
		want = -EINVAL;
		why = "size below the first version";
	} else if (roll < 92) {
		size = d->size + 1 + fz_below(r, PAGE - d->size);
	} else if (roll < 95) {
		size = d->size + 1 + fz_below(r, 256);
		tail = true;
		want = -E2BIG;
		why = "non-zero tail";
	} else if (roll < 98) {
		size = fz_chance(r, 50) ? PAGE + 1 + fz_below(r, PAGE)
					: 0xFFFFFFFFU;
		want = -E2BIG;
		why = "size beyond a page";
	} else {
		size = (uint32_t)fz_rand64(r);
		if (size < d->ver0) {
			want = -EINVAL;
			why = "size below the first version";
		} else if (size > PAGE) {
			want = -E2BIG;
			why = "size beyond a page";
		}
	}
	memcpy(arg, &size, sizeof(size));
	room = size > d->size ? (size > PAGE ? d->size : size) : d->size;

	switch (t->valid || fz_chance(r, 96) ? 5 : fz_below(r, 5)) {
	case 0:
		where = 0;
		fault = true;
		break;
	case 1:
		where = 0xffff888000000000ULL + fz_below(r, 4096);
		fault = true;
		break;
	case 2:
		where = (uint64_t)(uintptr_t)t->arena.hole;
		fault = true;
		break;
	case 3:
		where = (uint64_t)(uintptr_t)t->arena.guard;
		fault = true;
		break;
	case 4:
		inside = fz_below(r, room + 1);
		buf = fz_straddle(&t->arena, inside, arg, d->size);
		where = (uint64_t)(uintptr_t)buf;
		back = inside < d->size ? inside : d->size;
		/* Which check comes first decides the answer. */
		if (inside < sizeof(uint32_t)) {
			want = -EFAULT;
			why = "size field unreadable";
		} else if (size >= d->ver0 && size <= PAGE) {
			/* The tail, if any, is zero here. */
			want = inside < size ? -EFAULT : 0;
			why = "structure runs into PROT_NONE";
		}
		break;
	default:
		buf = fz_alloc(&t->arena, room);
		if (!buf)
			return -ENOMEM;
		memcpy(buf, arg, d->size);
		if (tail)
			buf[d->size + fz_below(r, size - d->size)] =
				1 + fz_below(r, 255);
		where = (uint64_t)(uintptr_t)buf;
		back = d->size;
		break;
	}
	if (fault) {
		want = -EFAULT;
		why = "structure at a bad address";
	}

	ret = raw(fd, d->cmd, where);
	check(t, op, ret, want, size, why);
	if (buf)
		memcpy(arg, buf, back);
	return ret;
}

int fz_ioctl_plain(struct fz_thread *t, int fd, enum fz_op op, void *arg)
{
	const struct fz_ioctl_desc *d = &fz_ioctls[op];
	uint32_t size = d->size;
	int ret;

	memcpy(arg, &size, sizeof(size));
	ret = raw(fd, d->cmd, (uint64_t)(uintptr_t)arg);
	check(t, op, ret, 0, size, NULL);
	return ret;
}

/* The highest ioctl number rtm has. */
static unsigned int fz_last_nr(void)
{
	unsigned int i, nr = 0;

	for (i = 0; i < FZ_NR_IOCTLS; i++)
		if (_IOC_NR(fz_ioctls[i].cmd) > nr)
			nr = _IOC_NR(fz_ioctls[i].cmd);
	return nr;
}

void fz_bad_cmd(struct fz_thread *t, int fd)
{
	struct fz_rng *r = &t->rng;
	unsigned int nr, type = RTM_IOC_MAGIC, dir = _IOC_READ | _IOC_WRITE;
	char *buf = fz_alloc(&t->arena, 256);
	uint32_t size = 64;
	unsigned int i;

	if (!buf)
		return;
	for (i = 0; i < 256; i++)
		buf[i] = (char)fz_rand64(r);
	memcpy(buf, &size, sizeof(size));
	switch (fz_below(r, 4)) {
	case 0:		/* below rtm's numbers */
		nr = fz_below(r, RTM_IOC_BASE);
		break;
	case 1:		/* beyond them */
		nr = fz_last_nr() + 1;
		nr += fz_below(r, 0x100 - nr);
		break;
	case 2:		/* one of them, with another magic */
		nr = RTM_IOC_BASE + fz_below(r, 0x5d - RTM_IOC_BASE);
		do {
			type = fz_below(r, 256);
		} while (type == RTM_IOC_MAGIC);
		break;
	default:	/* one of them, read-only, write-only or neither */
		nr = RTM_IOC_BASE + fz_below(r, 0x5d - RTM_IOC_BASE);
		dir = fz_below(r, 3);
		break;
	}
	check(t, FZ_BAD_CMD,
	      raw(fd, _IOC(dir, type, nr, fz_below(r, 256)),
		  (uint64_t)(uintptr_t)buf),
	      -ENOTTY, size, "no such ioctl");
}
