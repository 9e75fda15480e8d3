// SPDX-License-Identifier: GPL-2.0
/*
 * load FILE|- [via ADDR [dev IFINDEX]]... [pref N] [metric N]
 *             [view ucast|mcast|both] [flags NAME...]
 *
 * Adds a route for every prefix of FILE, one per line in CIDR form (blank
 * lines and # comments skipped), IPv4 and IPv6 mixed: each family goes into
 * its own table, through its own registration.  A gzip file (by its magic
 * bytes) is read through `gzip -dc`.  The routes are added with
 * rtm_bulk_add_routes() in batches of LOAD_BATCH; each gets the next hops
 * of its family among the vias (none if there is none) and the first as
 * its neighbour.  -4 or -6 loads only that family's prefixes.
 *
 * Progress goes to stderr; the result (routes, seconds, routes/s) to
 * stdout.  The routes stay while the entity does: use --stay or batch.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rtm_bulk.h"
#include "rtmctl.h"

#define LOAD_BATCH	4096		/* routes per rtm_bulk_add_routes() */
#define READ_CHUNK	(256 * 1024)
#define MAX_LINE	256

/* ---- input: a file, or gzip -dc of it, read line by line -------------- */

struct input {
	const char *name;
	int fd;
	pid_t gzip;			/* the decompressor, or 0 */
	char *buf;
	size_t start, end;		/* unread bytes */
	bool eof;
	unsigned long line;
};

/* Run gzip -dc with @fd as its input; its output becomes in->fd. */
static int spawn_gzip(struct input *in, int fd)
{
	int p[2];

	if (lseek(fd, 0, SEEK_SET) < 0) {
		err("load %s: gzip input must be a regular file", in->name);
		goto err;
	}
	if (pipe(p)) {
		err("load %s: pipe: %s", in->name, strerror(errno));
		goto err;
	}
	in->gzip = fork();
	if (in->gzip < 0) {
		err("load %s: fork: %s", in->name, strerror(errno));
		close(p[0]);
		close(p[1]);
		goto err;
	}
	if (in->gzip == 0) {
		if (dup2(fd, 0) < 0 || dup2(p[1], 1) < 0)
			_exit(127);
		close(p[0]);
		close(p[1]);
		execlp("gzip", "gzip", "-dc", (char *)NULL);
		fprintf(stderr, "rtmctl: load %s: cannot run gzip: %s\n",
			in->name, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	close(fd);
	in->fd = p[0];
	return 0;
err:
	in->gzip = 0;
	close(fd);
	return -1;
}

static int input_open(struct input *in, const char *name)
{
	ssize_t n;
	int fd;

	memset(in, 0, sizeof(*in));
	in->name = name;
	in->buf = malloc(READ_CHUNK + 1);
	if (!in->buf) {
		err("out of memory");
		return -1;
	}
	if (!strcmp(name, "-")) {
		fd = dup(0);
	} else {
		fd = open(name, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		err("load %s: %s", name, strerror(errno));
		return -1;
	}
	/* The magic bytes: 1f 8b is gzip. */
	do {
		n = read(fd, in->buf, 2);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		err("load %s: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	if (n == 2 && (unsigned char)in->buf[0] == 0x1f &&
	    (unsigned char)in->buf[1] == 0x8b)
		return spawn_gzip(in, fd);
	in->fd = fd;
	in->end = (size_t)n;		/* those bytes are the first line's */
	return 0;
}

/*
 * Wait for gzip; 0 if it (or nothing) succeeded.  Its failure is reported
 * only if @read_all: stopped early, it dies of the closed pipe.
 */
static int input_close(struct input *in, bool read_all)
{
	int status, ret = 0;

	if (in->fd >= 0)
		close(in->fd);
	in->fd = -1;
	if (in->gzip > 0) {
		while (waitpid(in->gzip, &status, 0) < 0 && errno == EINTR)
			;
		if (read_all && (!WIFEXITED(status) || WEXITSTATUS(status))) {
			err("load %s: gzip -dc failed (%s %d)", in->name,
			    WIFEXITED(status) ? "exit" : "signal",
			    WIFEXITED(status) ? WEXITSTATUS(status)
					      : WTERMSIG(status));
			ret = -1;
		}
		in->gzip = 0;
	}
	free(in->buf);
	in->buf = NULL;
	return ret;
}

/* The next line without its newline, NULL at the end or on error (*bad). */
static char *input_line(struct input *in, bool *bad)
{
	char *nl, *line;
	ssize_t n;

	for (;;) {
		nl = memchr(in->buf + in->start, '\n', in->end - in->start);
		if (nl || (in->eof && in->end > in->start))
			break;
		if (in->eof)
			return NULL;
		/* Move the partial line to the front and read more. */
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
		if (in->end == READ_CHUNK) {
			err("load %s: line %lu: longer than %d bytes", in->name,
			    in->line + 1, READ_CHUNK);
			*bad = true;
			return NULL;
		}
		n = read(in->fd, in->buf + in->end, READ_CHUNK - in->end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err("load %s: %s", in->name, strerror(errno));
			*bad = true;
			return NULL;
		}
		if (n == 0)
			in->eof = true;
		in->end += (size_t)n;
	}
	line = in->buf + in->start;
	if (nl) {
		*nl = '\0';
		in->start = (size_t)(nl - in->buf) + 1;
	} else {
		in->buf[in->end] = '\0';	/* the room of the + 1 */
		in->start = in->end;
	}
	in->line++;
	return line;
}

/* ---- one family's batch ------------------------------------------------ */

struct family_load {
	unsigned int family;
	struct reg *reg;		/* registered at the first prefix */
	RTM_NEXTHOP_HANDLE nh[MAX_VIAS];
	UINT nnh;
	struct rtm_route_entry *entries;
	unsigned long *lines;		/* where each entry came from */
	size_t count;
	unsigned long long loaded;
};

struct load {
	struct cmd_ctx *c;
	struct route_attrs a;
	struct family_load fam[2];	/* inet, inet6 */
	double add_seconds;		/* in rtm_bulk_add_routes() */
	double start, last_progress;
	bool tty, printed;
	const char *file;
};

static int family_start(struct load *l, struct family_load *fl)
{
	const char *call;
	char what[64];
	DWORD status;

	fl->entries = calloc(LOAD_BATCH, sizeof(*fl->entries));
	fl->lines = calloc(LOAD_BATCH, sizeof(*fl->lines));
	if (!fl->entries || !fl->lines) {
		err("out of memory");
		return EXIT_FAIL;
	}
	fl->reg = session_reg(l->c->s, l->c->table, fl->family);
	if (!fl->reg)
		return EXIT_FAIL;
	status = route_attrs_nexthops(fl->reg, &l->a, fl->nh, &fl->nnh, &call);
	if (status != NO_ERROR) {
		snprintf(what, sizeof(what), "load: %s next hops",
			 family_name(fl->family));
		return err_win32(what, call, status);
	}
	if (fl->nnh > fl->reg->profile.MaxNextHopsInRoute)
		return err_usage("load: at most %u next hops per route",
				 fl->reg->profile.MaxNextHopsInRoute);
	return EXIT_OK;
}

static void progress(struct load *l, bool final)
{
	unsigned long long n = l->fam[0].loaded + l->fam[1].loaded;
	double t = now_s();

	if (final) {
		if (l->tty && l->printed)
			fputs("\r\033[K", stderr);
		return;
	}
	/* Quiet for a small file; then every 0.2 s on a tty, else 2 s. */
	if (t - l->last_progress < (l->tty ? 0.2 : 2.0))
		return;
	l->last_progress = t;
	l->printed = true;
	fprintf(stderr, "%srtmctl: load %s: %llu routes (%llu inet, %llu inet6), %.1f s%s",
		l->tty ? "\r\033[K" : "", l->file, n, l->fam[0].loaded,
		l->fam[1].loaded, t - l->start, l->tty ? "" : "\n");
}

static int family_flush(struct load *l, struct family_load *fl)
{
	char what[PREFIX_STRLEN + 64], buf[PREFIX_STRLEN];
	size_t done = 0;
	DWORD status;
	double t;

	if (!fl->count)
		return EXIT_OK;
	t = now_s();
	status = rtm_bulk_add_routes(fl->reg->handle, fl->entries, fl->count,
				     fl->nh, fl->nnh, &done);
	l->add_seconds += now_s() - t;
	fl->loaded += done;
	if (status != NO_ERROR) {
		RTM_NET_ADDRESS a;

		memset(&a, 0, sizeof(a));
		if (done < fl->count) {
			a.AddressFamily = fl->entries[done].dest.family;
			a.NumBits = fl->entries[done].dest.num_bits;
			memcpy(a.AddrBits, fl->entries[done].dest.addr,
			       sizeof(a.AddrBits));
		}
		snprintf(what, sizeof(what), "load %s: line %lu: %s", l->file,
			 done < fl->count ? fl->lines[done] : 0,
			 done < fl->count ? format_prefix(&a, true, buf) : "?");
		return err_win32(what, "rtm_bulk_add_routes", status);
	}
	fl->count = 0;
	progress(l, false);
	return EXIT_OK;
}

static int add_prefix(struct load *l, const RTM_NET_ADDRESS *p,
		      unsigned long line)
{
	struct family_load *fl = &l->fam[p->AddressFamily == AF_INET6];
	struct rtm_route_entry *e;
	int ret;

	if (!fl->reg) {
		ret = family_start(l, fl);
		if (ret)
			return ret;
	}
	e = &fl->entries[fl->count];
	memset(e, 0, sizeof(*e));
	e->dest.family = p->AddressFamily;
	e->dest.num_bits = p->NumBits;
	memcpy(e->dest.addr, p->AddrBits, sizeof(e->dest.addr));
	e->flags = l->a.flags;
	e->nexthop_count = (__u16)fl->nnh;
	e->nexthop_first = 0;
	e->metric = l->a.metric;
	e->preference = l->a.preference;
	e->views = l->a.views;
	e->neighbour = fl->nnh ? (__u64)(uintptr_t)fl->nh[0] : 0;
	fl->lines[fl->count++] = line;
	if (fl->count == LOAD_BATCH)
		return family_flush(l, fl);
	return EXIT_OK;
}

/* Parse and add every line; the input stays open for the caller. */
static int load_lines(struct load *l, struct input *in,
		      unsigned long long *skipped)
{
	RTM_NET_ADDRESS p;
	const char *why;
	char *line, *tok, *extra, *save;
	bool bad = false;
	int ret;

	while ((line = input_line(in, &bad))) {
		tok = strtok_r(line, " \t\r", &save);
		if (!tok || tok[0] == '#')
			continue;
		extra = strtok_r(NULL, " \t\r", &save);
		if (extra && extra[0] != '#') {
			err("load %s: line %lu: one prefix per line, not '%s'",
			    l->file, in->line, extra);
			return EXIT_FAIL;
		}
		if (parse_prefix(tok, 0, false, &p, &why)) {
			err("load %s: line %lu: %s: %s", l->file, in->line, tok,
			    why);
			return EXIT_FAIL;
		}
		if (l->c->family && p.AddressFamily != l->c->family) {
			(*skipped)++;
			continue;
		}
		ret = add_prefix(l, &p, in->line);
		if (ret)
			return ret;
	}
	return bad ? EXIT_FAIL : EXIT_OK;
}

static void print_result(struct load *l, unsigned long long skipped,
			 double seconds)
{
	unsigned long long n = l->fam[0].loaded + l->fam[1].loaded;
	double rate = seconds > 0 ? (double)n / seconds : 0;

	if (l->c->json) {
		json_object(&l->c->j, NULL);
		json_string(&l->c->j, "file", l->file);
		json_uint(&l->c->j, "table", l->c->table);
		json_uint(&l->c->j, "routes", n);
		json_uint(&l->c->j, "inet", l->fam[0].loaded);
		json_uint(&l->c->j, "inet6", l->fam[1].loaded);
		json_uint(&l->c->j, "skipped", skipped);
		json_double(&l->c->j, "seconds", seconds);
		json_double(&l->c->j, "add_seconds", l->add_seconds);
		json_uint(&l->c->j, "routes_per_second",
			  (unsigned long long)rate);
		json_end(&l->c->j);
		return;
	}
	printf("loaded %llu routes (%llu inet, %llu inet6", n, l->fam[0].loaded,
	       l->fam[1].loaded);
	if (skipped)
		printf(", %llu of another family skipped", skipped);
	printf(") in %.2f s: %.0f routes/s (%.2f s adding)\n", seconds, rate,
	       l->add_seconds);
}

int cmd_load(struct cmd_ctx *c, int argc, char **argv)
{
	struct words w = { .argc = argc, .argv = argv, .i = 1, .cmd = "load" };
	unsigned long long skipped = 0;
	struct input in = { .fd = -1 };
	struct load l;
	int ret, i;

	memset(&l, 0, sizeof(l));
	l.c = c;
	l.fam[0].family = AF_INET;
	l.fam[1].family = AF_INET6;
	route_attrs_init(&l.a);
	l.file = words_next(&w);
	if (!l.file)
		return err_usage("load: FILE expected");
	ret = route_attrs_parse(&w, ATTR_VIA | ATTR_PREF | ATTR_METRIC |
				ATTR_VIEW | ATTR_FLAGS, 0, &l.a);
	if (ret)
		return ret;

	l.tty = isatty(2);
	l.start = l.last_progress = now_s();
	if (input_open(&in, l.file)) {
		free(in.buf);
		return EXIT_FAIL;
	}
	ret = load_lines(&l, &in, &skipped);
	for (i = 0; i < 2 && !ret; i++)
		ret = family_flush(&l, &l.fam[i]);
	if (input_close(&in, !ret) && !ret)
		ret = EXIT_FAIL;
	progress(&l, true);
	if (!ret)
		print_result(&l, skipped, now_s() - l.start);

	for (i = 0; i < 2; i++) {
		if (l.fam[i].nnh)
			RtmReleaseNextHops(l.fam[i].reg->handle, l.fam[i].nnh,
					   l.fam[i].nh);
		free(l.fam[i].entries);
		free(l.fam[i].lines);
	}
	return ret;
}
