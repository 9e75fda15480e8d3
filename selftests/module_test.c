// SPDX-License-Identifier: GPL-2.0
/*
 * rtm.ko's lifetime (engineering anchors 4.6): while a file of /dev/rtm is
 * open the module cannot be unloaded (misc_open() pins it through
 * fops->owner); once the last one is closed it unloads cleanly, and it
 * loads again.
 *
 * This unloads the module under every other test, so it is self-contained:
 * it puts rtm.ko (with the parameters it had) and any module using it
 * (rtm_kunit.ko) back before it ends, also when it fails.  vm-tests.sh runs
 * it last.  It needs the module file: RTM_KO (set by vm-tests.sh), and the
 * users' files next to it.
 */
#include <libgen.h>
#include <dirent.h>

#include "kselftest_harness.h"
#include "rtm_selftest.h"

#define INST		6
#define PROTO		0x8000
#define MAX_HOLDERS	4

struct mod {
	char name[256];
	char path[1024];
	char params[1024];
};

FIXTURE(module) {
	struct mod rtm;
	struct mod holders[MAX_HOLDERS];
	int nholders;
	int fd;
};

/* "name=value ..." of the module's readable parameters. */
static void read_params(const char *name, char *out, size_t len)
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

static long refcnt(const char *name)
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
static bool wait_path(const char *path, bool present)
{
	long long end = now_ms() + WAIT_MS;

	while ((access(path, F_OK) == 0) != present) {
		if (now_ms() >= end)
			return false;
		usleep(10000);
	}
	return true;
}

FIXTURE_SETUP(module)
{
	const char *ko = getenv("RTM_KO");
	char dir[512], hdir[] = "/sys/module/rtm/holders";
	struct dirent *de;
	DIR *d;

	self->fd = -1;
	self->nholders = 0;
	memset(&self->rtm, 0, sizeof(self->rtm));
	if (!ko || !*ko || access(ko, R_OK))
		return;		/* the test skips */
	snprintf(self->rtm.name, sizeof(self->rtm.name), "rtm");
	snprintf(self->rtm.path, sizeof(self->rtm.path), "%s", ko);
	read_params("rtm", self->rtm.params, sizeof(self->rtm.params));
	snprintf(dir, sizeof(dir), "%s", ko);
	dirname(dir);

	d = opendir(hdir);
	while (d && (de = readdir(d)) && self->nholders < MAX_HOLDERS) {
		struct mod *h = &self->holders[self->nholders];

		if (de->d_name[0] == '.')
			continue;
		snprintf(h->name, sizeof(h->name), "%s", de->d_name);
		snprintf(h->path, sizeof(h->path), "%s/%s.ko", dir, de->d_name);
		read_params(h->name, h->params, sizeof(h->params));
		self->nholders++;
	}
	if (d)
		closedir(d);
}

/* Whatever happened, leave rtm.ko and its users loaded as they were. */
FIXTURE_TEARDOWN(module)
{
	int i;

	if (self->fd >= 0)
		close(self->fd);
	if (!self->rtm.path[0])
		return;
	if (!module_loaded("rtm") &&
	    load_module(self->rtm.path, self->rtm.params))
		fprintf(stderr, "# could not load %s again\n", self->rtm.path);
	for (i = 0; i < self->nholders; i++)
		if (!module_loaded(self->holders[i].name) &&
		    load_module(self->holders[i].path,
				self->holders[i].params))
			fprintf(stderr, "# could not load %s again\n",
				self->holders[i].path);
}

TEST_F_TIMEOUT(module, unload_while_open, 600)
{
	RTM_ENTITY_INFO info = entity_info(INST, AF_INET, PROTO, 1);
	RTM_REGN_PROFILE prof;
	RTM_ENTITY_HANDLE h;
	char params[1024];
	int i, err;

	REQUIRE_RTM();
	if (!self->rtm.path[0])
		SKIP(return, "RTM_KO does not name a readable rtm.ko: not unloading");
	ASSERT_TRUE(module_loaded("rtm"));
	for (i = 0; i < self->nholders; i++)
		if (access(self->holders[i].path, R_OK))
			SKIP(return, "%s uses rtm.ko, and %s is not there to reload",
			     self->holders[i].name, self->holders[i].path);

	/* Users of rtm.ko pin it too: take them out of the way first. */
	for (i = 0; i < self->nholders; i++)
		ASSERT_ERRNO(0, delete_module(self->holders[i].name))
			TH_LOG("rmmod %s", self->holders[i].name);

	/* An open file pins the module, registered or not. */
	self->fd = rtm_open();
	ASSERT_LE(0, self->fd);
	EXPECT_LE(1, refcnt("rtm"));
	err = delete_module("rtm");
	if (err == -ENOSYS)
		SKIP(return, "no module unloading in this kernel");
	/* The kernel says EWOULDBLOCK (6.1, 6.12); EBUSY would do as well. */
	EXPECT_TRUE(err == -EWOULDBLOCK || err == -EBUSY)
		TH_LOG("delete_module with /dev/rtm open: %d (%s)", err,
		       strerror(-err));
	ASSERT_TRUE(module_loaded("rtm"));
	ASSERT_ERRNO(0, raw_register(self->fd, INST, AF_INET, PROTO, 1, 0,
				     NULL));
	err = delete_module("rtm");
	EXPECT_TRUE(err == -EWOULDBLOCK || err == -EBUSY)
		TH_LOG("delete_module with an entity registered: %d (%s)",
		       err, strerror(-err));
	ASSERT_TRUE(module_loaded("rtm"));

	/* Closed: it goes. */
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	EXPECT_EQ(0, refcnt("rtm"));
	ASSERT_ERRNO(0, delete_module("rtm"));
	EXPECT_FALSE(module_loaded("rtm"));
	EXPECT_TRUE(wait_path(RTM_DEV, false)) TH_LOG(RTM_DEV " is still there");
	/* The library says the configuration is missing. */
	EXPECT_WIN(ERROR_FILE_NOT_FOUND,
		   RtmRegisterEntity(&info, NULL, NULL, FALSE, &prof, &h));

	/* And back, as it was. */
	ASSERT_ERRNO(0, load_module(self->rtm.path, self->rtm.params))
		TH_LOG("insmod %s %s", self->rtm.path, self->rtm.params);
	for (i = 0; i < self->nholders; i++)
		ASSERT_ERRNO(0, load_module(self->holders[i].path,
					    self->holders[i].params))
			TH_LOG("insmod %s", self->holders[i].path);
	read_params("rtm", params, sizeof(params));
	EXPECT_STREQ(self->rtm.params, params);
	ASSERT_TRUE(wait_path(RTM_DEV, true)) TH_LOG(RTM_DEV " did not come back");
	ASSERT_WIN(NO_ERROR,
		   RtmRegisterEntity(&info, NULL, NULL, FALSE, &prof, &h));
	if (module_param("max_handles_in_enum") >= 0)
		EXPECT_EQ((UINT)module_param("max_handles_in_enum"),
			  prof.MaxHandlesInEnum);
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(h));
}

TEST_HARNESS_MAIN
