// SPDX-License-Identifier: GPL-2.0
/*
 * rtmctl: options, batch mode and --stay.
 *
 *   rtmctl [OPTIONS] COMMAND [ARGS]	one command, then exit
 *   rtmctl [OPTIONS] batch [FILE|-]	commands, one per line, as they come
 *					(a fifo can feed a running rtmctl);
 *					with -4/-6 the entity registers in that
 *					table before the first line
 *
 * Options before the command; -j, --pretty, -4, -6 and --table may also
 * start a batch line, for that line.  The entity options (-p,
 * --instance-id) and --stay, --force are the process's.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "rtmctl.h"

#define BATCH_MAX_WORDS	256

/*
 * "--name VALUE" or "--name=VALUE" at argv[*i]: the value (and *i moves
 * past it), or NULL if argv[*i] is not that option.  *missing is set when
 * the option is there without its value.
 */
static const char *opt_value(int argc, char **argv, int *i, const char *name,
			     bool *missing)
{
	const char *a = argv[*i];
	size_t len = strlen(name);

	if (strncmp(a, name, len))
		return NULL;
	if (a[len] == '=')
		return a + len + 1;
	if (a[len])
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

/*
 * Parse the options at argv[*i...] up to the first word that is not one.
 * @s is NULL in a batch line, where the process's options are refused.
 */
static int parse_options(int argc, char **argv, int *i, struct cmd_ctx *c,
			 struct session *s)
{
	bool missing = false;
	const char *a, *v;
	ULONG n;

	for (; *i < argc && argv[*i][0] == '-'; (*i)++) {
		a = argv[*i];
		if (!strcmp(a, "--")) {
			(*i)++;
			break;
		}
		if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			c->json = true;
		} else if (!strcmp(a, "--pretty")) {
			c->json = c->pretty = true;
		} else if (!strcmp(a, "-4")) {
			c->family = AF_INET;
		} else if (!strcmp(a, "-6")) {
			c->family = AF_INET6;
		} else if ((v = opt_value(argc, argv, i, "--table", &missing))) {
			if (parse_u32(v, 0xFFFF, &n))
				return err_usage("--table: not an RTM instance: '%s'",
						 v);
			c->table = (USHORT)n;
			c->table_set = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_usage(stdout);
			exit(EXIT_OK);
		} else if (!s && (!strcmp(a, "-p") || !strncmp(a, "--proto", 7) ||
				  !strncmp(a, "--instance-id", 13) ||
				  !strcmp(a, "--stay") || !strcmp(a, "--force"))) {
			return err_usage("%s: give it before batch, on the command line",
					 a);
		} else if (s && ((v = opt_value(argc, argv, i, "-p", &missing)) ||
				 (v = opt_value(argc, argv, i, "--proto",
						&missing)))) {
			if (parse_protocol(v, &s->protocol_id))
				return err_usage("%s: not a protocol: '%s' (rip, ospf, bgp, static, netmgmt, ... or a number)",
						 a, v);
		} else if (s && (v = opt_value(argc, argv, i, "--instance-id",
					       &missing))) {
			if (parse_u32(v, 0xFFFFFFFFUL, &s->instance_id))
				return err_usage("--instance-id: not a number: '%s'",
						 v);
		} else if (s && !strcmp(a, "--stay")) {
			s->stay = true;
		} else if (s && !strcmp(a, "--force")) {
			s->force = true;
		} else if (missing) {
			return err_usage("%s needs a value", a);
		} else {
			return err_usage("unknown option '%s' (try rtmctl --help)",
					 a);
		}
		if (missing)
			return err_usage("%s needs a value", a);
	}
	return 0;
}

/* Split @line into words at blanks; a word starting with # ends it. */
static int split_words(char *line, char **words, int max)
{
	char *save, *tok;
	int n = 0;

	for (tok = strtok_r(line, " \t\r\n", &save); tok;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (tok[0] == '#')
			break;
		if (n == max)
			return -1;
		words[n++] = tok;
	}
	return n;
}

static int batch(struct cmd_ctx *c, int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "-";
	char *line = NULL, *words[BATCH_MAX_WORDS];
	unsigned long lineno = 0;
	struct cmd_ctx lc;
	int status = EXIT_OK, ret, n, i;
	size_t cap = 0;
	FILE *in;

	if (argc > 2)
		return err_usage("batch: one FILE at most");
	in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!in) {
		err("batch: %s: %s", path, strerror(errno));
		return EXIT_FAIL;
	}
	c->s->in_batch = true;
	/*
	 * With -4 or -6 the entity registers now, so that it is there before
	 * its first command (a protocol that has learnt nothing yet).
	 */
	if (c->family && !session_reg(c->s, c->table, (USHORT)c->family)) {
		if (in != stdin)
			fclose(in);
		return EXIT_FAIL;
	}
	while (getline(&line, &cap, in) > 0) {
		msg_set_line(++lineno);
		n = split_words(line, words, BATCH_MAX_WORDS);
		if (n == 0)
			continue;
		lc = *c;
		i = 0;
		if (n < 0)
			ret = err_usage("more than %d words", BATCH_MAX_WORDS);
		else
			ret = parse_options(n, words, &i, &lc, NULL);
		if (!ret && i == n)
			ret = err_usage("a command is missing after the options");
		if (!ret)
			ret = run_command(&lc, n - i, words + i);
		if (ret) {
			if (status == EXIT_OK)
				status = ret;
			if (!c->s->force)
				break;
		}
	}
	msg_set_line(0);
	if (ferror(in)) {
		err("batch: %s: %s", path, strerror(errno));
		status = EXIT_FAIL;
	}
	free(line);
	if (in != stdin)
		fclose(in);
	return status;
}

void wait_for_stop_signal(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	/* Blocked, they are queued even if the shell made us ignore them. */
	sigprocmask(SIG_BLOCK, &set, NULL);
	fflush(stdout);
	while (sigwait(&set, &sig))
		;
}

int main(int argc, char **argv)
{
	struct session s = {
		.protocol_id = PROTO_IP_NETMGMT,
		.instance_id = (ULONG)getpid(),
	};
	struct cmd_ctx c = { .s = &s };
	int i = 1, ret;

	ret = parse_options(argc, argv, &i, &c, &s);
	if (ret)
		return ret;
	if (i == argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		print_usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[i], "batch"))
		ret = batch(&c, argc - i, argv + i);
	else
		ret = run_command(&c, argc - i, argv + i);
	if (ret == EXIT_OK && s.stay)
		wait_for_stop_signal();
	session_close(&s);
	return ret;
}
