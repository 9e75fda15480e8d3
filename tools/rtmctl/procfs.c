// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that need no registration: they read rtm's files in
 * /proc/net/rtm/, which show the caller's network namespace.
 *
 * show entities	/proc/net/rtm/entities: one line per registered
 *			entity, columns named by a "# ..." header line
 * stats		/proc/net/rtm/stats: "NAME VALUE" counters and per
 *			table "table INSTANCE FAMILY (NAME VALUE)..." lines
 *
 * Both are read tolerantly: columns are found by the header's names,
 * unknown columns and counters are passed through (numbers as numbers),
 * lines that fit no pattern are skipped.
 */
#include <errno.h>
#include <stdlib.h>

#include "rtmctl.h"

#define PROC_DIR	"/proc/net/rtm"
#define MAX_FIELDS	32

static FILE *proc_open(const char *name)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), PROC_DIR "/%s", name);
	f = fopen(path, "r");
	if (!f)
		err("cannot read %s: %s%s", path, strerror(errno),
		    errno == ENOENT ? " (is rtm.ko loaded?)" : "");
	return f;
}

/* Split @line in place at blanks; the number of fields (at most @max). */
static int split(char *line, char **fields, int max)
{
	int n = 0;
	char *save, *tok;

	for (tok = strtok_r(line, " \t\n", &save); tok && n < max;
	     tok = strtok_r(NULL, " \t\n", &save))
		fields[n++] = tok;
	return n;
}

/* Whether @s is a decimal number, with an optional '-': into *@neg, *@v. */
static bool decimal(const char *s, bool *neg, unsigned long long *v)
{
	char *end;

	*neg = *s == '-';
	if (*neg)
		s++;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end;
}

/* A field as a JSON member: a number if it is one, else a string. */
static void json_field(struct json *j, const char *key, const char *value)
{
	unsigned long long v;
	bool neg;

	if (!decimal(value, &neg, &v))
		json_string(j, key, value);
	else if (neg)
		json_int(j, key, -(long long)v);
	else
		json_uint(j, key, v);
}

/* ---- show entities -------------------------------------------------- */

enum ent_col {
	COL_INSTANCE, COL_FAMILY, COL_PROTOCOL, COL_INSTANCE_ID, COL_HANDLE,
	COL_PID, COL_EVENTS, COL_OPAQUE, NCOLS
};

/* The header's names, in the order the kernel writes them. */
static const char *const col_names[NCOLS] = {
	"instance", "family", "protocol_id", "instance_id", "handle", "pid",
	"events", "opaque_slot",
};

struct entity_cols {
	int col[NCOLS];			/* field index, or -1 */
	int nnames;
	char names[MAX_FIELDS][32];	/* every column's name */
};

static void cols_default(struct entity_cols *ec)
{
	int i;

	for (i = 0; i < NCOLS; i++) {
		ec->col[i] = i;
		snprintf(ec->names[i], sizeof(ec->names[i]), "%s", col_names[i]);
	}
	ec->nnames = NCOLS;
}

static void cols_from_header(struct entity_cols *ec, char **f, int n)
{
	int i, k;

	for (k = 0; k < NCOLS; k++)
		ec->col[k] = -1;
	ec->nnames = n;
	for (i = 0; i < n; i++) {
		snprintf(ec->names[i], sizeof(ec->names[i]), "%s", f[i]);
		for (k = 0; k < NCOLS; k++)
			if (!strcmp(f[i], col_names[k]))
				ec->col[k] = i;
	}
}

static const char *field(const struct entity_cols *ec, char **f, int n,
			 enum ent_col c)
{
	int i = ec->col[c];

	return i >= 0 && i < n ? f[i] : NULL;
}

static ULONG field_u32(const struct entity_cols *ec, char **f, int n,
		       enum ent_col c, ULONG dflt)
{
	const char *s = field(ec, f, n, c);
	ULONG v;

	return s && !parse_u32(s, 0xFFFFFFFFUL, &v) ? v : dflt;
}

static void entity_json(struct json *j, const struct entity_cols *ec,
			char **f, int n)
{
	const char *opaque = field(ec, f, n, COL_OPAQUE);
	const char *events = field(ec, f, n, COL_EVENTS);
	ULONG proto = field_u32(ec, f, n, COL_PROTOCOL, 0);
	int i, k;

	json_object(j, NULL);
	json_uint(j, "table", field_u32(ec, f, n, COL_INSTANCE, 0));
	json_string(j, "family",
		    family_name(field_u32(ec, f, n, COL_FAMILY, 0)));
	json_string_or_null(j, "protocol", protocol_name(proto));
	json_uint(j, "protocol_id", proto);
	json_uint(j, "instance_id", field_u32(ec, f, n, COL_INSTANCE_ID, 0));
	json_uint(j, "pid", field_u32(ec, f, n, COL_PID, 0));
	json_string_or_null(j, "handle", field(ec, f, n, COL_HANDLE));
	if (events)
		json_bool(j, "events", strcmp(events, "0"));
	else
		json_null(j, "events");
	if (opaque && opaque[0] != '-')
		json_field(j, "opaque_slot", opaque);
	else
		json_null(j, "opaque_slot");
	/* Columns this rtmctl does not know, as they are. */
	for (i = 0; i < n && i < ec->nnames; i++) {
		for (k = 0; k < NCOLS && ec->col[k] != i; k++)
			;
		if (k == NCOLS)
			json_field(j, ec->names[i], f[i]);
	}
	json_end(j);
}

static void entity_text(const struct entity_cols *ec, char **f, int n)
{
	const char *opaque = field(ec, f, n, COL_OPAQUE);
	const char *events = field(ec, f, n, COL_EVENTS);
	const char *handle = field(ec, f, n, COL_HANDLE);
	ULONG proto = field_u32(ec, f, n, COL_PROTOCOL, 0);
	const char *name = protocol_name(proto);
	char pbuf[32];

	if (name)
		snprintf(pbuf, sizeof(pbuf), "%s", name);
	else
		snprintf(pbuf, sizeof(pbuf), "%u", proto);
	printf("%-5u %-6s %-10s %-11u %-7u %-6s %-6s %s\n",
	       field_u32(ec, f, n, COL_INSTANCE, 0),
	       family_name(field_u32(ec, f, n, COL_FAMILY, 0)), pbuf,
	       field_u32(ec, f, n, COL_INSTANCE_ID, 0),
	       field_u32(ec, f, n, COL_PID, 0),
	       events ? (strcmp(events, "0") ? "yes" : "no") : "-",
	       opaque && opaque[0] != '-' ? opaque : "-",
	       handle ? handle : "-");
}

int show_entities(struct cmd_ctx *c)
{
	struct entity_cols ec;
	char *line = NULL, *f[MAX_FIELDS];
	size_t cap = 0;
	bool header = false;
	FILE *in;
	int n;

	in = proc_open("entities");
	if (!in)
		return EXIT_FAIL;
	cols_default(&ec);
	if (c->json)
		json_array(&c->j, NULL);
	while (getline(&line, &cap, in) > 0) {
		if (line[0] == '#') {
			n = split(line + 1, f, MAX_FIELDS);
			cols_from_header(&ec, f, n);
			continue;
		}
		n = split(line, f, MAX_FIELDS);
		if (!n)
			continue;
		if (c->family &&
		    field_u32(&ec, f, n, COL_FAMILY, 0) != c->family)
			continue;
		if (c->table_set &&
		    field_u32(&ec, f, n, COL_INSTANCE, 0) != c->table)
			continue;
		if (c->json) {
			entity_json(&c->j, &ec, f, n);
			continue;
		}
		if (!header) {
			printf("%-5s %-6s %-10s %-11s %-7s %-6s %-6s %s\n",
			       "TABLE", "FAMILY", "PROTOCOL", "INSTANCE-ID",
			       "PID", "EVENTS", "OPAQUE", "HANDLE");
			header = true;
		}
		entity_text(&ec, f, n);
	}
	if (c->json)
		json_end(&c->j);
	free(line);
	fclose(in);
	return EXIT_OK;
}

/* ---- stats ---------------------------------------------------------- */

/* "table INSTANCE FAMILY NAME VALUE..." */
static void table_json(struct json *j, char **f, int n)
{
	ULONG v;
	int i;

	json_object(j, NULL);
	json_field(j, "table", f[1]);
	if (!parse_u32(f[2], 0xFFFF, &v))
		json_string(j, "family", family_name(v));
	else
		json_string(j, "family", f[2]);
	for (i = 3; i + 1 < n; i += 2)
		json_field(j, f[i], f[i + 1]);
	json_end(j);
}

static void table_text(char **f, int n)
{
	unsigned long long routes = 0, bytes = 0;
	bool neg;
	ULONG fam;
	int i;

	printf("table %s %s:", f[1],
	       parse_u32(f[2], 0xFFFF, &fam) ? f[2] : family_name(fam));
	for (i = 3; i + 1 < n; i += 2) {
		printf(" %s %s", f[i], f[i + 1]);
		if (!strcmp(f[i], "routes"))
			decimal(f[i + 1], &neg, &routes);
		else if (!strcmp(f[i], "bytes"))
			decimal(f[i + 1], &neg, &bytes);
	}
	if (routes && bytes)
		printf(" (%.0f bytes/route)", (double)bytes / routes);
	putchar('\n');
}

int cmd_stats(struct cmd_ctx *c, int argc, char **argv)
{
	struct words w = { .argc = argc, .argv = argv, .i = 1, .cmd = "stats" };
	char *line = NULL, *f[2 * MAX_FIELDS];
	char **lines = NULL;
	size_t cap = 0, nlines = 0, i;
	FILE *in;
	int n;

	if (words_end(&w))
		return EXIT_USAGE;
	in = proc_open("stats");
	if (!in)
		return EXIT_FAIL;
	/* Counters first, tables after, whatever order the file has. */
	while (getline(&line, &cap, in) > 0) {
		char **more = realloc(lines, (nlines + 1) * sizeof(*lines));

		if (!more)
			break;
		lines = more;
		lines[nlines++] = line;
		line = NULL;
		cap = 0;
	}
	free(line);
	fclose(in);

	if (c->json) {
		json_object(&c->j, NULL);
		json_object(&c->j, "counters");
	}
	for (i = 0; i < nlines; i++) {
		char copy[512];

		snprintf(copy, sizeof(copy), "%s", lines[i]);
		n = split(copy, f, 2 * MAX_FIELDS);
		if (n != 2 || f[0][0] == '#')
			continue;
		if (c->json)
			json_field(&c->j, f[0], f[1]);
		else
			printf("%s %s\n", f[0], f[1]);
	}
	if (c->json) {
		json_end(&c->j);
		json_array(&c->j, "tables");
	}
	for (i = 0; i < nlines; i++) {
		ULONG table, family;

		n = split(lines[i], f, 2 * MAX_FIELDS);
		if (n < 3 || strcmp(f[0], "table"))
			continue;
		if (parse_u32(f[1], 0xFFFF, &table) ||
		    parse_u32(f[2], 0xFFFF, &family))
			continue;
		if ((c->family && family != c->family) ||
		    (c->table_set && table != c->table))
			continue;
		if (c->json)
			table_json(&c->j, f, n);
		else
			table_text(f, n);
	}
	if (c->json) {
		json_end(&c->j);
		json_end(&c->j);
	}
	for (i = 0; i < nlines; i++)
		free(lines[i]);
	free(lines);
	return EXIT_OK;
}
