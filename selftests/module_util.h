/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unloading and loading rtm.ko from a test: the module file (RTM_KO, which
 * vm-tests.sh sets), the parameters it was loaded with, and the modules
 * that use it (rtm_kunit.ko), so that a test can load it again with
 * parameters of its own and put everything back as it was.  Tests that do
 * this run after all others (vm-tests.sh's RTM_SELFTESTS_LAST).
 */
#ifndef RTM_MODULE_UTIL_H
#define RTM_MODULE_UTIL_H

#include <dirent.h>
#include <libgen.h>

#include "rtm_selftest.h"

#define MAX_HOLDERS	4

struct mod {
	char name[256];
	char path[1024];
	char params[1024];
};

/* rtm.ko and the modules using it, as they were loaded. */
struct mod_set {
	struct mod rtm;
	struct mod holders[MAX_HOLDERS];
	int nholders;
};

static inline bool module_loaded(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

/* "name=value ..." of the module's readable parameters. */
static inline void read_params(const char *name, char *out, size_t len)
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

static inline int delete_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/* Load the module file @path with @params ("" for none); 0 or -errno. */
static inline int load_module_file(const char *path, const char *params)
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

/* Load @m with its own parameters, or @params if not NULL; 0 or -errno. */
static inline int load_module_with(const struct mod *m, const char *params)
{
	return load_module_file(m->path, params ? params : m->params);
}

/*
 * The file of module @name (e.g. "rtm_bench") built beside rtm.ko, where
 * the VM's init and vm-tests.sh find it: next to RTM_KO, else in /rtm.
 */
static inline void module_beside_rtm(const char *name, char *path, size_t len)
{
	const char *ko = getenv("RTM_KO");
	const char *slash = ko ? strrchr(ko, '/') : NULL;

	if (slash)
		snprintf(path, len, "%.*s/%s.ko", (int)(slash - ko), ko, name);
	else
		snprintf(path, len, "/rtm/%s.ko", name);
}

static inline int load_module(const struct mod *m)
{
	return load_module_with(m, NULL);
}

static inline long refcnt(const char *name)
{
	char path[512];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Wait for a path to appear (@present) or go; true if it did in time. */
static inline bool wait_path(const char *path, bool present)
{
	long long end = now_ms() + WAIT_MS;

	while ((access(path, F_OK) == 0) != present) {
		if (now_ms() >= end)
			return false;
		usleep(10000);
	}
	return true;
}

/*
 * Record rtm.ko (RTM_KO) and its users as they are loaded now.
 * Return: 0, or -ENOENT when RTM_KO names no readable file or a user's
 * file is not beside it (then nothing may be unloaded).
 */
static inline int mods_save(struct mod_set *s)
{
	const char *ko = getenv("RTM_KO");
	char dir[512], hdir[] = "/sys/module/rtm/holders";
	struct dirent *de;
	DIR *d;
	int i;

	memset(s, 0, sizeof(*s));
	if (!ko || !*ko || access(ko, R_OK))
		return -ENOENT;
	snprintf(s->rtm.name, sizeof(s->rtm.name), "rtm");
	snprintf(s->rtm.path, sizeof(s->rtm.path), "%s", ko);
	read_params("rtm", s->rtm.params, sizeof(s->rtm.params));
	snprintf(dir, sizeof(dir), "%s", ko);
	dirname(dir);

	d = opendir(hdir);
	while (d && (de = readdir(d)) && s->nholders < MAX_HOLDERS) {
		struct mod *h = &s->holders[s->nholders];

		if (de->d_name[0] == '.')
			continue;
		snprintf(h->name, sizeof(h->name), "%s", de->d_name);
		snprintf(h->path, sizeof(h->path), "%s/%s.ko", dir, de->d_name);
		read_params(h->name, h->params, sizeof(h->params));
		s->nholders++;
	}
	if (d)
		closedir(d);
	for (i = 0; i < s->nholders; i++)
		if (access(s->holders[i].path, R_OK))
			return -ENOENT;
	return 0;
}

/* Unload rtm.ko's users, then rtm.ko itself; 0 or -errno. */
static inline int mods_unload(const struct mod_set *s)
{
	int i, err;

	for (i = 0; i < s->nholders; i++) {
		if (!module_loaded(s->holders[i].name))
			continue;
		err = delete_module(s->holders[i].name);
		if (err)
			return err;
	}
	if (!module_loaded("rtm"))
		return 0;
	err = delete_module("rtm");
	if (!err && !wait_path(RTM_DEV, false))
		err = -EBUSY;
	return err;
}

/* rtm.ko unloaded and loaded again with @params alone; 0 or -errno. */
static inline int mods_reload(const struct mod_set *s, const char *params)
{
	int err = mods_unload(s);

	if (!err)
		err = load_module_with(&s->rtm, params);
	if (!err && !wait_path(RTM_DEV, true))
		err = -ENOENT;
	return err;
}

/*
 * Put rtm.ko back with the parameters it had, and its users; 0 or -errno.
 * Whatever a test did, its teardown calls this.
 */
static inline int mods_restore(const struct mod_set *s)
{
	char params[1024];
	int i, err;

	if (!s->rtm.path[0])
		return 0;
	if (module_loaded("rtm")) {
		read_params("rtm", params, sizeof(params));
		if (strcmp(params, s->rtm.params)) {
			err = mods_unload(s);
			if (err)
				return err;
		}
	}
	if (!module_loaded("rtm")) {
		err = load_module(&s->rtm);
		if (err)
			return err;
	}
	for (i = 0; i < s->nholders; i++) {
		if (module_loaded(s->holders[i].name))
			continue;
		err = load_module(&s->holders[i]);
		if (err)
			return err;
	}
	return wait_path(RTM_DEV, true) ? 0 : -ENOENT;
}

#endif /* RTM_MODULE_UTIL_H */
