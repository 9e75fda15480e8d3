// SPDX-License-Identifier: GPL-2.0
/*
 * Messages, Win32 error names, numbers and time.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>

#include "rtmctl.h"

static unsigned long msg_line;

void msg_set_line(unsigned long line)
{
	msg_line = line;
}

static void vmsg(const char *fmt, va_list ap)
{
	fflush(stdout);		/* keep stdout and stderr in order */
	fputs("rtmctl: ", stderr);
	if (msg_line)
		fprintf(stderr, "line %lu: ", msg_line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

int err_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

static const struct {
	DWORD code;
	const char *name;
} win32_errors[] = {
	{ NO_ERROR,			"NO_ERROR" },
	{ ERROR_FILE_NOT_FOUND,		"ERROR_FILE_NOT_FOUND" },
	{ ERROR_ACCESS_DENIED,		"ERROR_ACCESS_DENIED" },
	{ ERROR_INVALID_HANDLE,		"ERROR_INVALID_HANDLE" },
	{ ERROR_NOT_ENOUGH_MEMORY,	"ERROR_NOT_ENOUGH_MEMORY" },
	{ ERROR_INVALID_DATA,		"ERROR_INVALID_DATA" },
	{ ERROR_NOT_SUPPORTED,		"ERROR_NOT_SUPPORTED" },
	{ ERROR_INVALID_PARAMETER,	"ERROR_INVALID_PARAMETER" },
	{ ERROR_INSUFFICIENT_BUFFER,	"ERROR_INSUFFICIENT_BUFFER" },
	{ ERROR_ALREADY_EXISTS,		"ERROR_ALREADY_EXISTS" },
	{ ERROR_NO_MORE_ITEMS,		"ERROR_NO_MORE_ITEMS" },
	{ ERROR_NOT_FOUND,		"ERROR_NOT_FOUND" },
	{ ERROR_NO_SYSTEM_RESOURCES,	"ERROR_NO_SYSTEM_RESOURCES" },
	{ ERROR_BAD_CONFIGURATION,	"ERROR_BAD_CONFIGURATION" },
};

const char *win32_name(DWORD code)
{
	size_t i;

	for (i = 0; i < sizeof(win32_errors) / sizeof(win32_errors[0]); i++)
		if (win32_errors[i].code == code)
			return win32_errors[i].name;
	return NULL;
}

int err_win32(const char *what, const char *call, DWORD code)
{
	const char *name = win32_name(code);
	const char *hint = "";

	if (code == ERROR_FILE_NOT_FOUND)
		hint = " (is rtm.ko loaded?)";
	else if (code == ERROR_ACCESS_DENIED)
		hint = " (registering needs CAP_NET_ADMIN)";
	if (name)
		err("%s: %s: %s (%u)%s", what, call, name, code, hint);
	else
		err("%s: %s: error %u%s", what, call, code, hint);
	return EXIT_FAIL;
}

int parse_u32(const char *s, unsigned long max, ULONG *out)
{
	unsigned long long v;
	const char *digits = s;
	char *end;
	int base = 10;

	/* Decimal, or hex after 0x: a leading 0 is no octal prefix. */
	if (s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		digits = s + 2;
		base = 16;
	}
	/* strtoull() takes blanks and a sign first: refuse them. */
	if (!s || !isxdigit((unsigned char)*digits))
		return -1;
	errno = 0;
	v = strtoull(digits, &end, base);
	if (errno || *end || v > max)
		return -1;
	*out = (ULONG)v;
	return 0;
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
