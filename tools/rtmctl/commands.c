// SPDX-License-Identifier: GPL-2.0
/*
 * The command table, the words of a command and the usage text.
 *
 * A new command is one more entry in commands[] and one more function
 * (cmd_*.c) taking its words; it prints text, or one JSON value on c->j
 * when c->json.
 */
#include "rtmctl.h"

static const struct cmd commands[] = {
	{ "show",	cmd_show,
	  "show entities\n"
	  "show dests|routes [PREFIX] [view ucast|mcast|both] [proto P]\n"
	  "show nexthops [PREFIX]" },
	{ "stats",	cmd_stats,
	  "stats" },
	{ "route",	cmd_route,
	  "route add PREFIX [via ADDR [dev IFINDEX]]... [pref N] [metric N]\n"
	  "                  [view ucast|mcast|both] [ttl MS] [flags NAME...]\n"
	  "route del PREFIX [via ADDR [dev IFINDEX]]" },
	{ "lookup",	cmd_lookup,
	  "lookup ADDR[/LEN] [view ucast|mcast|both]" },
	{ "monitor",	cmd_monitor,
	  "monitor [dests] [entities] [view ucast|mcast|both]\n"
	  "        [all|best|forwarding]" },
	{ "load",	cmd_load,
	  "load FILE|- [via ADDR [dev IFINDEX]]... [pref N] [metric N]\n"
	  "                  [view ucast|mcast|both] [flags NAME...]" },
	{ "preference",	cmd_pref,
	  "preference [show]\n"
	  "preference set PROTO N|none\n"
	  "preference reset [PROTO]" },
};

void print_usage(FILE *f)
{
	size_t i;

	fputs("usage: rtmctl [OPTIONS] COMMAND [ARGS]\n"
	      "       rtmctl [OPTIONS] batch [FILE|-]\n"
	      "\n"
	      "commands:\n", f);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const char *u;

		fputs("  ", f);
		for (u = commands[i].usage; *u; u++)
			fputs(*u == '\n' ? "\n  " : (char[2]){ *u, 0 }, f);
		fputc('\n', f);
	}
	fputs("  batch [FILE|-]    run commands, one per line (# comments), in one\n"
	      "                    registration, as they come; exit at end of file\n"
	      "\n"
	      "options:\n"
	      "  -j, --json        one JSON value per command\n"
	      "      --pretty      indented JSON\n"
	      "  -4, -6            IPv4 or IPv6 table (default: from the address)\n"
	      "      --table N     RTM instance (default 0)\n"
	      "  -p, --proto P     protocol of the entity rtmctl registers: rip, ospf,\n"
	      "                    bgp, static, netmgmt (default), local, ... or a number\n"
	      "      --instance-id N  its instance id (default: the process id)\n"
	      "      --stay        stay registered after the commands, until SIGINT\n"
	      "                    or SIGTERM (routes go when the entity does)\n"
	      "      --force       batch: go on after a failed command\n"
	      "  -h, --help\n", f);
}

int run_command(struct cmd_ctx *c, int argc, char **argv)
{
	size_t i;
	int ret;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[0], commands[i].name))
			continue;
		json_init(&c->j, stdout, c->pretty);
		ret = commands[i].run(c, argc, argv);
		fflush(stdout);
		return ret;
	}
	if (!strcmp(argv[0], "batch"))
		return err_usage("batch: only on the command line, not in a batch");
	return err_usage("unknown command '%s' (try rtmctl --help)", argv[0]);
}

const char *words_next(struct words *w)
{
	return w->i < w->argc ? w->argv[w->i++] : NULL;
}

const char *words_peek(const struct words *w)
{
	return w->i < w->argc ? w->argv[w->i] : NULL;
}

const char *words_value(struct words *w, const char *kw)
{
	const char *v = words_next(w);

	if (!v)
		err_usage("%s: %s needs a value", w->cmd, kw);
	return v;
}

int words_end(struct words *w)
{
	const char *extra = words_peek(w);

	if (extra)
		return err_usage("%s: unexpected argument '%s'", w->cmd, extra);
	return 0;
}
