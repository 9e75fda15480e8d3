// SPDX-License-Identifier: GPL-2.0
/*
 * Structure-aware fuzzing of /dev/rtm (selftests/fuzz/): every ioctl of
 * uapi/linux/rtm.h with valid, boundary and junk values, handles from the
 * kernel's own answers (live, stale, foreign, forged), threads, files
 * replaced under them, children killed mid-call, a second network
 * namespace and unprivileged callers, for a bounded time.
 *
 * rtm.ko is reloaded with small limits first, so that every limit is hit,
 * and put back as it was after; vm-tests.sh runs this near the end
 * (RTM_SELFTESTS_LAST).  Beyond the kernel staying clean (the VM runner's
 * splat detection and kmemleak scan), the test fails when an ioctl
 * returned an error the ABI does not list, an unprivileged registration
 * was not refused with EPERM, an ioctl was never called or never
 * succeeded, a thread stayed stuck in the kernel after the end, or
 * /proc/net/rtm/stats did not come back to its baseline once every file
 * was closed.
 *
 * env: RTM_FUZZ_SECONDS  how long (default 180 on a kernel with kmemleak,
 *                        the debug kernel; 60 otherwise)
 *      RTM_FUZZ_SEED     the seed (default: from the clock; printed)
 *      RTM_FUZZ_SLOTS, RTM_FUZZ_THREADS  fds and workers per fd (4, 2)
 *      RTM_FUZZ_OPS      only these ioctls, by name ("ADD_ROUTE,LIST_DELETE";
 *                        REGISTER is made anyway), to narrow a finding down
 *      RTM_FUZZ_CHILDREN 0: no child processes (no second namespace, no
 *                        unprivileged callers)
 *      RTM_KO            rtm.ko to reload (vm-tests.sh sets it; without it
 *                        the run keeps the limits loaded)
 */
#include <sys/mount.h>

#include "kselftest_harness.h"
#include "rtm_selftest.h"
#include "module_util.h"
#include "fuzz/fuzz.h"
#include "rtm_pref.h"

/*
 * Small limits: a few registrations' worth of objects reach each of them.
 * A parameter this module does not have is left out.
 */
static const char *const small_params[] = {
	"max_nexthops_in_route=3",
	"max_handles_in_enum=4",
	"max_holds=32",
	"max_instances=2",
	"event_queue_len=16",
	"max_routes=24",
	"max_routes_per_dest=4",
	"max_enums=3",
	"max_lists=3",
	"opaque_slots=2",
	"max_method_input=48",
	"max_method_output=48",
	"max_method_pending=2",
	"max_method_calls=2",
	"max_nexthops=8",
};

FIXTURE(fuzz) {
	struct mod_set mods;		/* as they were: put back after */
	bool saved;
	bool reloaded;
};

static unsigned long env_ulong(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : dflt;
}

/* RTM_FUZZ_OPS: names of enum fz_op, comma-separated; all by default. */
static uint64_t ops_from_env(void)
{
	const char *v = getenv("RTM_FUZZ_OPS");
	char list[1024], *name, *save = NULL;
	uint64_t ops = 0;
	unsigned int op;

	if (!v || !*v)
		return (1ULL << FZ_NR_OPS) - 1;
	snprintf(list, sizeof(list), "%s", v);
	for (name = strtok_r(list, ", ", &save); name;
	     name = strtok_r(NULL, ", ", &save)) {
		for (op = 0; op < FZ_NR_OPS; op++)
			if (!strcmp(name, fz_op_name(op)))
				ops |= 1ULL << op;
	}
	/* Registrations are what every other call needs. */
	return ops | 1ULL << FZ_REGISTER;
}

static bool debug_kernel(void)
{
	if (access("/sys/kernel/debug/kmemleak", F_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	return access("/sys/kernel/debug/kmemleak", F_OK) == 0;
}

/* A file's lines as TAP comments, to say what was left. */
static void print_file(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		printf("# %s: %s", path, line);
	fclose(f);
}

FIXTURE_SETUP(fuzz)
{
	self->saved = mods_save(&self->mods) == 0;
	self->reloaded = false;
}

/* Put rtm.ko back with the parameters it had, and its users. */
FIXTURE_TEARDOWN(fuzz)
{
	int err;

	if (!self->reloaded)
		return;
	err = mods_restore(&self->mods);
	if (err)
		fprintf(stderr, "# putting rtm.ko back after fuzzing: %s\n",
			strerror(-err));
}

/* Whether the loaded rtm.ko has the parameter @name. */
static bool has_param(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), RTM_PARAMS "/%s", name);
	return access(path, F_OK) == 0;
}

/* Reload rtm.ko with small limits; 0 or -errno. */
static int reload_small(struct __test_metadata *_metadata,
			FIXTURE_DATA(fuzz) *self)
{
	char params[1024] = "", param[64];
	long long end = now_ms() + WAIT_MS;
	size_t used = 0;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(small_params); i++) {
		snprintf(param, sizeof(param), "%s", small_params[i]);
		*strchr(param, '=') = '\0';
		if (!has_param(param))
			continue;
		used += snprintf(params + used, sizeof(params) - used, "%s%s",
				 used ? " " : "", small_params[i]);
	}
	/* Files of earlier tests may still be closing. */
	while (refcnt("rtm") > 0 && now_ms() < end)
		usleep(20000);
	self->reloaded = true;
	err = mods_reload(&self->mods, params);
	if (!err)
		TH_LOG("rtm.ko reloaded with %s", params);
	return err;
}

/*
 * fz_run() in a process of its own, so that a crash of the fuzzer itself
 * is reported as one and this test still puts rtm.ko back.  Its wait
 * status.
 */
static int run_apart(const struct fz_config *cfg)
{
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return W_EXITCODE(1, 0);
	if (!pid) {
		int err = fz_run(cfg);

		fflush(NULL);
		_exit(err ? 1 : 0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

TEST_F_TIMEOUT(fuzz, run, 30 * 24 * 3600)
{
	struct fz_config cfg = { 0 };
	struct rtm_stats base, after;
	unsigned int uncovered;
	int err, i, status;
	bool settled;

	REQUIRE_RTM();
	if (self->saved) {
		err = reload_small(_metadata, self);
		ASSERT_EQ(0, err) TH_LOG("reloading rtm.ko: %s", strerror(-err));
	} else {
		TH_LOG("no rtm.ko file (RTM_KO): fuzzing with the limits loaded");
	}

	cfg.seed = env_ulong("RTM_FUZZ_SEED",
			     (unsigned long)time(NULL) ^ (getpid() << 16));
	cfg.seconds = env_ulong("RTM_FUZZ_SECONDS", debug_kernel() ? 180 : 60);
	cfg.slots = env_ulong("RTM_FUZZ_SLOTS", 4);
	cfg.threads_per_slot = env_ulong("RTM_FUZZ_THREADS", 2);
	cfg.max_instances = module_param("max_instances") > 0 ?
			    module_param("max_instances") : 16;
	cfg.children = env_ulong("RTM_FUZZ_CHILDREN", 1) != 0;
	cfg.netns = cfg.children;
	cfg.ops = ops_from_env();
	cfg.log = stdout;
	printf("# fuzz: seed %llu, %u s, %u fds x %u threads (RTM_FUZZ_SEED=%llu RTM_FUZZ_SECONDS=%u to repeat)\n",
	       (unsigned long long)cfg.seed, cfg.seconds, cfg.slots,
	       cfg.threads_per_slot, (unsigned long long)cfg.seed,
	       cfg.seconds);
	fflush(stdout);

	ASSERT_EQ(0, read_stats_steady(&base, WAIT_MS));
	ASSERT_EQ(0, fz_setup());
	status = run_apart(&cfg);
	fz_report(stdout);
	EXPECT_FALSE(WIFSIGNALED(status))
		TH_LOG("the fuzzer died of signal %d (where: above)",
		       WTERMSIG(status));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the fuzzer did not start, or a thread hung");
	/* The namespace's default preferences, as the next programs expect. */
	EXPECT_WIN(NO_ERROR, rtm_pref_reset_all());

	/*
	 * Every file is closed and every child reaped: what they had must
	 * go, after the RCU grace periods and the short hold-downs (3 s at
	 * most in this namespace).
	 */
	settled = stats_settle(&base, &after, 3 * WAIT_MS);
	EXPECT_TRUE(settled) {
		TH_LOG("stats after the run: entities %ld handles %ld holds %ld, baseline %ld/%ld/%ld",
		       after.entities, after.handles, after.holds,
		       base.entities, base.handles, base.holds);
		print_file(RTM_STATS);
		print_file("/proc/net/rtm/entities");
		print_file("/sys/module/rtm/refcnt");
	}

	for (i = 0; i < (int)fz_tally->nlog && i < 16; i++)
		printf("# violation: %s\n", fz_tally->log[i]);
	EXPECT_EQ(0ULL, (unsigned long long)fz_tally->violations)
		TH_LOG("%llu calls broke the ABI (first ones above)",
		       (unsigned long long)fz_tally->violations);
	uncovered = fz_uncovered(stdout, cfg.ops);
	EXPECT_EQ(0U, uncovered) TH_LOG("ioctls not covered (above)");
	if (cfg.children) {
		EXPECT_LT(0ULL, (unsigned long long)fz_tally->unpriv_children)
			TH_LOG("no unprivileged caller ran");
		EXPECT_LT(0ULL, (unsigned long long)fz_tally->netns_children)
			TH_LOG("no caller in a second network namespace ran");
	}
	printf("# fuzz: seed %llu done\n", (unsigned long long)cfg.seed);
}

TEST_HARNESS_MAIN
