/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unloading and loading kernel modules from a test: rtm.ko (and the
 * modules that use it, rtm_kunit.ko) are taken out and put back with the
 * parameters they had, or with others, by the tests that need a fresh
 * module (module_test) or small limits (fuzz_test).
 *
 * Static inline and harness-free, like rtm_selftest.h.
 */
#ifndef RTM_MODULE_UTIL_H
#define RTM_MODULE_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

/* A module as it was found: name, file and "name=value ..." parameters. */
struct kmod {
	char name[256];
	char path[1024];
	char params[1024];
};

static inline bool kmod_loaded(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

/* "name=value ..." of the module's readable parameters. */
static inline void kmod_read_params(const char *name, char *out, size_t len)
{
	char dir[512], path[1024], value[128];
	struct dirent *de;
	size_t used = 0;
	DIR *d;
	FILE *f;

	out[0] = '\0';
	snprintf(dir, sizeof(dir), "/sys/module/%s/parameters", name);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(value, sizeof(value), f)) {
			value[strcspn(value, "\n")] = '\0';
			used += snprintf(out + used, len - used, "%s%s=%s",
					 used ? " " : "", de->d_name, value);
			if (used >= len)
				used = len - 1;
		}
		fclose(f);
	}
	closedir(d);
}

/* Whether the loaded module @name has the parameter @param. */
static inline bool kmod_has_param(const char *name, const char *param)
{
	char path[512];

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", name,
		 param);
	return access(path, F_OK) == 0;
}

static inline int kmod_unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/* Load @path with the parameter string @params; 0 or -errno. */
static inline int kmod_load(const char *path, const char *params)
{
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, params, 0))
		err = -errno;
	close(fd);
	return err;
}

/*
 * Unload @name, retrying for up to @timeout_ms while it is still in use
 * (files whose release has not run yet, a namespace still going away).
 */
static inline int kmod_unload_wait(const char *name, int timeout_ms)
{
	int err;

	for (;;) {
		err = kmod_unload(name);
		if (!err || (err != -EWOULDBLOCK && err != -EBUSY) ||
		    timeout_ms <= 0)
			return err;
		usleep(20000);
		timeout_ms -= 20;
	}
}

/* Wait for a path to appear (@present) or go; true if it did in time. */
static inline bool kmod_wait_path(const char *path, bool present,
				  int timeout_ms)
{
	while ((access(path, F_OK) == 0) != present) {
		if (timeout_ms <= 0)
			return false;
		usleep(10000);
		timeout_ms -= 10;
	}
	return true;
}

/* The module file named by $RTM_KO, or where tools/vm/run puts it. */
static inline const char *rtm_ko_path(void)
{
	static const char *const guesses[] = { "/rtm/rtm.ko", "/rtm.ko" };
	const char *ko = getenv("RTM_KO");
	unsigned int i;

	if (ko && *ko)
		return access(ko, R_OK) ? NULL : ko;
	for (i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++)
		if (!access(guesses[i], R_OK))
			return guesses[i];
	return NULL;
}

#endif /* RTM_MODULE_UTIL_H */
