// SPDX-License-Identifier: GPL-2.0
/*
 * The worked example of PORTING.md, examples/static-proto.c, runs and
 * says what PORTING.md says it says, so that neither can rot.
 *
 * selftests/Makefile builds it as examples/Makefile does (against the
 * staged install, through rtm.pc) into examples/ beside this program; this
 * runs it on RTM instance INST of a network namespace of its own and
 * checks its exit status and its output: the main thread's lines in order,
 * and the lines its event callback prints from the dispatcher thread each
 * exactly once, somewhere between the start of the call that caused them
 * and what waits for them.
 */
#include <limits.h>
#include <libgen.h>
#include <sched.h>

#include "kselftest_harness.h"
#include "rtm_selftest.h"

#define INST		"8"		/* the RTM instance it runs on */
#define RUN_SECONDS	60
#define OUT_MAX		8192

static const char *const main_lines[] = {
	"registered: protocol 10006 instance 0x3fff2716",
	"next hop 192.0.2.1 if 1: new",
	"route 10.0.0.0/8: added (best)",
	"route 10.1.0.0/16: added (best)",
	"route 192.168.0.0/24: added (best)",
	"dest 10.0.0.0/8: 1 route, best via 192.0.2.1 metric 1",
	"dest 10.1.0.0/16: 1 route, best via 192.0.2.1 metric 2",
	"dest 192.168.0.0/24: 1 route, best via 192.0.2.1 metric 3",
	"route 192.168.0.0/24: deleted",
	"deregistered",
};

/*
 * The callback's lines, each between the last main line printed before
 * the call that causes it (the callback may print while that call is
 * still under way) and the first main line that waits for it.
 */
static const struct {
	const char *line;
	const char *after, *before;
} change_lines[] = {
	{ "change: 10.0.0.0/8 via 192.0.2.1 metric 1",
	  "next hop 192.0.2.1 if 1: new",
	  "dest 10.0.0.0/8: 1 route, best via 192.0.2.1 metric 1" },
	{ "change: 10.1.0.0/16 via 192.0.2.1 metric 2",
	  "route 10.0.0.0/8: added (best)",
	  "dest 10.0.0.0/8: 1 route, best via 192.0.2.1 metric 1" },
	{ "change: 192.168.0.0/24 via 192.0.2.1 metric 3",
	  "route 10.1.0.0/16: added (best)",
	  "dest 10.0.0.0/8: 1 route, best via 192.0.2.1 metric 1" },
	{ "change: 192.168.0.0/24 unreachable",
	  "dest 192.168.0.0/24: 1 route, best via 192.0.2.1 metric 3",
	  "deregistered" },
};

/* Run @prog @arg; its stdout into @out (NUL-terminated), its status back. */
static int run(const char *prog, const char *arg, char *out, size_t size)
{
	long long deadline = now_ms() + RUN_SECONDS * 1000;
	size_t len = 0;
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		/* A namespace of its own: no other program's instance 8. */
		if (unshare(CLONE_NEWNET)) {
			perror("unshare");
			_exit(126);
		}
		execl(prog, prog, arg, (char *)NULL);
		perror(prog);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		long long left = deadline - now_ms();

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		n = read(pipefd[0], out + len, size - 1 - len);
		if (n <= 0)
			break;
		len += n;
		if (len == size - 1)
			break;
	}
	out[len] = '\0';
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* The index of @line among the @n lines of @lines, or -1. */
static int find(char **lines, int n, const char *line)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(lines[i], line))
			return i;
	return -1;
}

TEST(static_proto)
{
	char self[PATH_MAX], prog[PATH_MAX + 32], out[OUT_MAX];
	char *lines[64], *save, *line;
	int status, n = 0, i, at, prev = -1;
	ssize_t len;

	REQUIRE_RTM();

	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ASSERT_GT(len, 0);
	self[len] = '\0';
	snprintf(prog, sizeof(prog), "%s/examples/static-proto",
		 dirname(self));
	ASSERT_EQ(0, access(prog, X_OK)) TH_LOG("%s: %m", prog);

	status = run(prog, INST, out, sizeof(out));
	for (line = strtok_r(out, "\n", &save); line && n < 64;
	     line = strtok_r(NULL, "\n", &save))
		lines[n++] = line;
	for (i = 0; i < n; i++)
		printf("# static-proto: %s\n", lines[i]);
	fflush(stdout);		/* the harness's child ends with _exit() */
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("static-proto ended with status 0x%x", status);

	EXPECT_EQ((int)(ARRAY_SIZE(main_lines) + ARRAY_SIZE(change_lines)), n);
	for (i = 0; i < (int)ARRAY_SIZE(main_lines); i++) {
		at = find(lines, n, main_lines[i]);
		EXPECT_GT(at, prev) TH_LOG("\"%s\" missing or out of order",
					   main_lines[i]);
		prev = at;
	}
	for (i = 0; i < (int)ARRAY_SIZE(change_lines); i++) {
		at = find(lines, n, change_lines[i].line);
		EXPECT_NE(-1, at) TH_LOG("\"%s\" missing",
					 change_lines[i].line);
		EXPECT_GT(at, find(lines, n, change_lines[i].after))
			TH_LOG("\"%s\" before \"%s\"", change_lines[i].line,
			       change_lines[i].after);
		EXPECT_LT(at, find(lines, n, change_lines[i].before))
			TH_LOG("\"%s\" after \"%s\"", change_lines[i].line,
			       change_lines[i].before);
	}
}

TEST_HARNESS_MAIN
