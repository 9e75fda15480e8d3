// SPDX-License-Identifier: GPL-2.0
/*
 * A streaming JSON writer: one value per command, compact on one line by
 * default (a batch of commands is then a stream of JSON lines), indented
 * with --pretty.
 */
#include <stdlib.h>

#include "rtmctl.h"

#define JSON_MAX_DEPTH	((int)(sizeof(((struct json *)0)->first)))

void json_init(struct json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->first[0] = true;
}

static void indent(struct json *j)
{
	int i;

	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

static void put_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run;

	fputc('"', f);
	while (*p) {
		/* Runs that need no escaping go out whole. */
		for (run = p; *p >= 0x20 && *p != '"' && *p != '\\'; p++)
			;
		if (p > run)
			fwrite(run, 1, (size_t)(p - run), f);
		if (!*p)
			break;
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			fprintf(f, "\\u%04x", *p);
		}
		p++;
	}
	fputc('"', f);
}

/* Separator, indentation and key before a member or element. */
static void member(struct json *j, const char *key)
{
	if (j->depth > 0) {
		if (!j->first[j->depth])
			fputc(',', j->f);
		if (j->pretty)
			indent(j);
	}
	j->first[j->depth] = false;
	if (key) {
		put_string(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

/* After a value: the newline that ends a top-level value. */
static void done(struct json *j)
{
	if (j->depth == 0) {
		fputc('\n', j->f);
		j->first[0] = true;
	}
}

static void open_container(struct json *j, const char *key, char opener,
			   char closer)
{
	member(j, key);
	fputc(opener, j->f);
	/* rtmctl nests a few levels; deeper would be a bug here. */
	if (j->depth + 1 >= JSON_MAX_DEPTH)
		abort();
	j->depth++;
	j->first[j->depth] = true;
	j->closer[j->depth] = closer;
}

void json_object(struct json *j, const char *key)
{
	open_container(j, key, '{', '}');
}

void json_array(struct json *j, const char *key)
{
	open_container(j, key, '[', ']');
}

void json_end(struct json *j)
{
	char closer = j->closer[j->depth];
	bool empty = j->first[j->depth];

	j->depth--;
	if (j->pretty && !empty)
		indent(j);
	fputc(closer, j->f);
	done(j);
}

void json_string(struct json *j, const char *key, const char *value)
{
	member(j, key);
	put_string(j->f, value);
	done(j);
}

void json_uint(struct json *j, const char *key, unsigned long long value)
{
	member(j, key);
	fprintf(j->f, "%llu", value);
	done(j);
}

void json_int(struct json *j, const char *key, long long value)
{
	member(j, key);
	fprintf(j->f, "%lld", value);
	done(j);
}

void json_double(struct json *j, const char *key, double value)
{
	member(j, key);
	fprintf(j->f, "%.3f", value);
	done(j);
}

void json_bool(struct json *j, const char *key, bool value)
{
	member(j, key);
	fputs(value ? "true" : "false", j->f);
	done(j);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
	done(j);
}

void json_string_or_null(struct json *j, const char *key, const char *value)
{
	if (value)
		json_string(j, key, value);
	else
		json_null(j, key);
}

static void flag_element(const char *name, void *arg)
{
	json_string(arg, NULL, name);
}

void json_route_flags(struct json *j, const char *key, USHORT flags)
{
	json_array(j, key);
	route_flags_each(flags, flag_element, j);
	json_end(j);
}

void json_nexthop_flags(struct json *j, const char *key, USHORT flags)
{
	json_array(j, key);
	nexthop_flags_each(flags, flag_element, j);
	json_end(j);
}
