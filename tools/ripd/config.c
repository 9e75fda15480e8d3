// SPDX-License-Identifier: GPL-2.0
/*
 * rtm-ripd's settings.
 *
 * The configuration file (-c FILE) has one setting per line; '#' starts a
 * comment, words are separated by blanks:
 *
 *   update SECONDS       between periodic updates (default 30)
 *   timeout SECONDS      a learned route's life without refresh (180)
 *   garbage SECONDS      a withdrawn route is announced unreachable (120)
 *
 *   interface NAME [OPTION...]
 *       RIP runs on NAME.  Options:
 *         ripng on|off       RIPng (RFC 2080) here too (default off; -6
 *                            turns it on everywhere)
 *         rip on|off         RIPv2 here (default on)
 *         no-send            receive only
 *         no-receive         send only
 *         no-split-horizon   announce routes back where they came from
 *                            (default: split horizon with poisoned reverse,
 *                            those routes go back with metric 16)
 *         cost N             added to the metrics heard here (default 1)
 *         auth plain SECRET  simple password (RFC 2453 5.2)
 *         auth md5 KEYID SECRET
 *                            keyed MD5 with sequence numbers (RFC 4822)
 *       Secrets are at most 16 characters; authentication is RIPv2's
 *       alone (RIPng has none).
 *
 *   redistribute [proto ID[,ID...]] [prefix PREFIX[,...]] [metric N]
 *       Also announce the best routes of other protocols: those of one of
 *       the protocol ids (decimal or 0x hex, the EntityProtocolId of the
 *       owner; any when left out) inside one of the prefixes (any when
 *       left out; A.B.C.D/LEN or an IPv6 prefix such as 2001:db8::/32), with
 *       metric N (default 1).  The first matching line
 *       applies.  Without such a line only RIP's own routes and the
 *       networks of the RIP interfaces are announced.
 *
 * Timers may have a fraction ("update 0.5") so that tests can shorten them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ripd.h"

struct config cfg;

static const char *cfg_file;
static unsigned int cfg_line;

static void __attribute__((noreturn, format(printf, 1, 2)))
bad(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	die("%s:%u: %s", cfg_file, cfg_line, msg);
}

void config_defaults(void)
{
	cfg.update_ms = 30000;
	cfg.timeout_ms = 180000;
	cfg.garbage_ms = 120000;
}

struct iface_config *config_add_iface(const char *name)
{
	struct iface_config *ic;
	unsigned int i;

	if (strlen(name) >= sizeof(ic->name))
		die("interface name too long: %s", name);
	for (i = 0; i < cfg.niface; i++)
		if (!strcmp(cfg.iface[i].name, name))
			return &cfg.iface[i];
	ic = realloc(cfg.iface, (cfg.niface + 1) * sizeof(*ic));
	if (!ic)
		die("out of memory");
	cfg.iface = ic;
	ic = &cfg.iface[cfg.niface++];
	memset(ic, 0, sizeof(*ic));
	strcpy(ic->name, name);
	ic->on[FAM_RIP] = true;
	ic->send = true;
	ic->receive = true;
	ic->split_horizon = true;
	ic->cost = 1;
	return ic;
}

static unsigned int number(const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	if (!s)
		bad("a number is missing");
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s || v > max)
		bad("not a number up to %lu: %s", max, s);
	return v;
}

static unsigned int seconds(const char *s)
{
	char *end;
	double v;

	if (!s)
		bad("a time is missing");
	v = strtod(s, &end);
	if (*end || end == s || v < 0.1 || v > 86400)
		bad("not a time in seconds (0.1 to 86400): %s", s);
	return (unsigned int)(v * 1000 + 0.5);
}

static void secret(struct iface_config *ic, const char *s)
{
	if (!s)
		bad("the secret is missing");
	if (strlen(s) > RIP_KEY_LEN)
		bad("a secret has at most %d characters", RIP_KEY_LEN);
	memset(ic->key, 0, sizeof(ic->key));
	memcpy(ic->key, s, strlen(s));
}

static void parse_prefix(const char *s, int *af, struct addr *a,
			 uint8_t *len)
{
	char buf[INET6_ADDRSTRLEN + 4];
	const char *slash = strchr(s, '/');

	if (!slash || (size_t)(slash - s) >= INET6_ADDRSTRLEN)
		bad("not a prefix ADDRESS/LEN: %s", s);
	memcpy(buf, s, slash - s);
	buf[slash - s] = 0;
	memset(a, 0, sizeof(*a));
	*af = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(*af, buf, a->b) != 1)
		bad("not an address: %s", buf);
	*len = number(slash + 1, *af == AF_INET ? 32 : 128);
	*a = addr_masked(a, *len);
}

static bool on_off(const char *s)
{
	if (s && !strcmp(s, "on"))
		return true;
	if (s && !strcmp(s, "off"))
		return false;
	bad("on or off expected");
}

/* WORDS: the rest of the line after "interface". */
static void parse_interface(char **w)
{
	struct iface_config *ic;

	if (!w[0])
		bad("interface: the name is missing");
	ic = config_add_iface(w[0]);
	for (w++; *w; w++) {
		if (!strcmp(*w, "ripng")) {
			ic->on[FAM_RIPNG] = on_off(*++w);
		} else if (!strcmp(*w, "rip")) {
			ic->on[FAM_RIP] = on_off(*++w);
		} else if (!strcmp(*w, "no-send")) {
			ic->send = false;
		} else if (!strcmp(*w, "no-receive")) {
			ic->receive = false;
		} else if (!strcmp(*w, "no-split-horizon")) {
			ic->split_horizon = false;
		} else if (!strcmp(*w, "cost")) {
			ic->cost = number(*++w, RIP_INFINITY);
			if (!ic->cost)
				bad("cost: 1 to 16");
		} else if (!strcmp(*w, "auth")) {
			w++;
			if (*w && !strcmp(*w, "plain")) {
				ic->auth = AUTH_PLAIN;
				secret(ic, *++w);
			} else if (*w && !strcmp(*w, "md5")) {
				ic->auth = AUTH_MD5;
				ic->key_id = number(w[1], 255);
				w++;
				secret(ic, *++w);
			} else {
				bad("auth: plain SECRET or md5 KEYID SECRET");
			}
		} else {
			bad("interface: unknown option %s", *w);
		}
	}
}

static void parse_redistribute(char **w)
{
	struct redist *r;
	char *item, *save;

	if (cfg.nredist == MAX_REDIST)
		bad("at most %d redistribute lines", MAX_REDIST);
	r = &cfg.redist[cfg.nredist++];
	memset(r, 0, sizeof(*r));
	r->metric = 1;
	for (; *w; w++) {
		if (!strcmp(*w, "metric")) {
			r->metric = number(*++w, RIP_INFINITY);
			if (!r->metric)
				bad("metric: 1 to 16");
			continue;
		}
		if (strcmp(*w, "proto") && strcmp(*w, "prefix"))
			bad("redistribute: unknown word %s", *w);
		if (!w[1])
			bad("%s: the list is missing", *w);
		for (item = strtok_r(w[1], ",", &save); item;
		     item = strtok_r(NULL, ",", &save)) {
			if (!strcmp(*w, "proto")) {
				if (r->nprotos == MAX_REDIST_ITEMS)
					bad("too many protocols");
				r->protos[r->nprotos++] =
					number(item, 0xffffffffUL);
			} else {
				if (r->nprefixes == MAX_REDIST_ITEMS)
					bad("too many prefixes");
				parse_prefix(item, &r->prefix_af[r->nprefixes],
					     &r->prefix[r->nprefixes],
					     &r->prefix_len[r->nprefixes]);
				r->nprefixes++;
			}
		}
		w++;
	}
}

void config_load(const char *file)
{
	char line[1024], *words[64], *save, *w;
	unsigned int n;
	FILE *f;

	cfg_file = file;
	cfg_line = 0;
	f = fopen(file, "r");
	if (!f)
		die("%s: %s", file, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		cfg_line++;
		w = strchr(line, '#');
		if (w)
			*w = 0;
		n = 0;
		for (w = strtok_r(line, " \t\r\n", &save); w;
		     w = strtok_r(NULL, " \t\r\n", &save)) {
			if (n == ARRAY_LEN(words) - 1)
				bad("too many words");
			words[n++] = w;
		}
		words[n] = NULL;
		if (!n)
			continue;
		if (!strcmp(words[0], "update"))
			cfg.update_ms = seconds(words[1]);
		else if (!strcmp(words[0], "timeout"))
			cfg.timeout_ms = seconds(words[1]);
		else if (!strcmp(words[0], "garbage"))
			cfg.garbage_ms = seconds(words[1]);
		else if (!strcmp(words[0], "interface"))
			parse_interface(words + 1);
		else if (!strcmp(words[0], "redistribute"))
			parse_redistribute(words + 1);
		else
			bad("unknown setting %s", words[0]);
		if (n > 2 && (!strcmp(words[0], "update") ||
			      !strcmp(words[0], "timeout") ||
			      !strcmp(words[0], "garbage")))
			bad("%s takes one value", words[0]);
	}
	fclose(f);
}

const struct redist *config_redist(uint32_t proto, int af,
				   const struct addr *a, unsigned int len)
{
	const struct redist *r;
	unsigned int i, j;
	bool ok;

	for (i = 0; i < cfg.nredist; i++) {
		r = &cfg.redist[i];
		ok = !r->nprotos;
		for (j = 0; j < r->nprotos && !ok; j++)
			ok = r->protos[j] == proto;
		if (!ok)
			continue;
		/* A list of prefixes of the other family only: none here. */
		ok = !r->nprefixes;
		for (j = 0; j < r->nprefixes && !ok; j++)
			ok = r->prefix_af[j] == af &&
			     len >= r->prefix_len[j] &&
			     addr_in(a, &r->prefix[j], r->prefix_len[j]);
		if (ok)
			return r;
	}
	return NULL;
}
