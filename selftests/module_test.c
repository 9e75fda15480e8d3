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
#include "kselftest_harness.h"
#include "module_util.h"

#define INST		6
#define PROTO		0x8000

FIXTURE(module) {
	struct mod_set mods;
	bool saved;
	int fd;
};

FIXTURE_SETUP(module)
{
	self->fd = -1;
	/* Without the files to load again the test skips. */
	self->saved = mods_save(&self->mods) == 0;
}

/* Whatever happened, leave rtm.ko and its users loaded as they were. */
FIXTURE_TEARDOWN(module)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->saved && mods_restore(&self->mods))
		fprintf(stderr, "# could not load %s and its users again\n",
			self->mods.rtm.path);
}

TEST_F_TIMEOUT(module, unload_while_open, 600)
{
	RTM_ENTITY_INFO info = entity_info(INST, AF_INET, PROTO, 1);
	RTM_REGN_PROFILE prof;
	RTM_ENTITY_HANDLE h;
	char params[1024];
	int i, err;

	REQUIRE_RTM();
	if (!self->saved)
		SKIP(return, "RTM_KO (%s) or a user of rtm.ko is not there to load again: not unloading",
		     getenv("RTM_KO") ?: "unset");
	ASSERT_TRUE(module_loaded("rtm"));

	/* Users of rtm.ko pin it too: take them out of the way first. */
	for (i = 0; i < self->mods.nholders; i++)
		ASSERT_ERRNO(0, delete_module(self->mods.holders[i].name))
			TH_LOG("rmmod %s", self->mods.holders[i].name);

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
	ASSERT_ERRNO(0, load_module(&self->mods.rtm))
		TH_LOG("insmod %s %s", self->mods.rtm.path,
		       self->mods.rtm.params);
	for (i = 0; i < self->mods.nholders; i++)
		ASSERT_ERRNO(0, load_module(&self->mods.holders[i]))
			TH_LOG("insmod %s", self->mods.holders[i].path);
	read_params("rtm", params, sizeof(params));
	EXPECT_STREQ(self->mods.rtm.params, params);
	ASSERT_TRUE(wait_path(RTM_DEV, true)) TH_LOG(RTM_DEV " did not come back");
	ASSERT_WIN(NO_ERROR,
		   RtmRegisterEntity(&info, NULL, NULL, FALSE, &prof, &h));
	if (module_param("max_handles_in_enum") >= 0)
		EXPECT_EQ((UINT)module_param("max_handles_in_enum"),
			  prof.MaxHandlesInEnum);
	EXPECT_WIN(NO_ERROR, RtmDeregisterEntity(h));
}

TEST_HARNESS_MAIN
