// SPDX-License-Identifier: GPL-2.0
/*
 * preference: the default preference of each protocol (rtm_pref.h), which
 * routes added with preference 0 get.  It registers nothing: the table is
 * the network namespace's, shared by every RTM instance and family.
 */
#include <stdlib.h>

#include "rtmctl.h"
#include "rtm_pref.h"

static void pref_text(const struct rtm_pref_entry *e)
{
	const char *name = protocol_name(e->protocol_id);

	if (name)
		printf("%-16s", name);
	else
		printf("%-16u", e->protocol_id);
	if (e->preference)
		printf(" %u", e->preference);
	else
		printf(" none");
	if (e->flags & RTM_PREF_CHANGED)
		printf(" (changed)");
	putchar('\n');
}

static void pref_json(struct json *j, const struct rtm_pref_entry *e)
{
	json_object(j, NULL);
	json_string_or_null(j, "protocol", protocol_name(e->protocol_id));
	json_uint(j, "protocol_id", e->protocol_id);
	json_uint(j, "preference", e->preference);
	json_bool(j, "changed", e->flags & RTM_PREF_CHANGED);
	json_end(j);
}

static int pref_show(struct cmd_ctx *c)
{
	struct rtm_pref_entry *entries = NULL;
	size_t count = 0, total = 0, i;
	DWORD st;

	/* The size first; the table may grow meanwhile: ask again. */
	for (;;) {
		struct rtm_pref_entry *more;

		count = total;
		st = rtm_pref_list(entries, &count, &total);
		if (st != ERROR_INSUFFICIENT_BUFFER)
			break;
		more = realloc(entries, total * sizeof(*entries));
		if (!more) {
			free(entries);
			err("preference: out of memory");
			return EXIT_FAIL;
		}
		entries = more;
	}
	if (st != NO_ERROR) {
		free(entries);
		return err_win32("preference", "rtm_pref_list", st);
	}
	if (c->json)
		json_array(&c->j, NULL);
	for (i = 0; i < count; i++) {
		if (c->json)
			pref_json(&c->j, &entries[i]);
		else
			pref_text(&entries[i]);
	}
	if (c->json)
		json_end(&c->j);
	free(entries);
	return EXIT_OK;
}

int cmd_pref(struct cmd_ctx *c, int argc, char **argv)
{
	struct words w = { .argc = argc, .argv = argv, .i = 1,
			   .cmd = "preference" };
	const char *op = words_next(&w), *s;
	ULONG proto, value;
	DWORD st;

	if (!op || !strcmp(op, "show")) {
		if (words_end(&w))
			return EXIT_USAGE;
		return pref_show(c);
	}
	if (!strcmp(op, "set")) {
		s = words_value(&w, "set");
		if (!s)
			return EXIT_USAGE;
		if (parse_protocol(s, &proto))
			return err_usage("preference: bad protocol '%s'", s);
		s = words_value(&w, "set PROTO");
		if (!s)
			return EXIT_USAGE;
		if (!strcmp(s, "none"))
			value = 0;
		else if (parse_u32(s, 0xFFFFFFFFUL, &value))
			return err_usage("preference: bad preference '%s'", s);
		if (words_end(&w))
			return EXIT_USAGE;
		st = rtm_pref_set(proto, value);
		return st ? err_win32("preference", "rtm_pref_set", st) :
			    EXIT_OK;
	}
	if (!strcmp(op, "reset")) {
		s = words_next(&w);
		if (!s) {
			st = rtm_pref_reset_all();
			return st ? err_win32("preference",
					      "rtm_pref_reset_all", st) :
				    EXIT_OK;
		}
		if (parse_protocol(s, &proto))
			return err_usage("preference: bad protocol '%s'", s);
		if (words_end(&w))
			return EXIT_USAGE;
		st = rtm_pref_reset(proto);
		return st ? err_win32("preference", "rtm_pref_reset", st) :
			    EXIT_OK;
	}
	return err_usage("preference: unknown operation '%s'", op);
}
