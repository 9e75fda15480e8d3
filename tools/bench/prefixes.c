// SPDX-License-Identifier: GPL-2.0
/*
 * The prefixes: read from a file of CIDR lines (gzip or plain), or drawn by
 * a generator with the shape of the real table, and the lookup traces.
 *
 * The generator follows the recipe of performance-anchors.md 3.3: prefix
 * lengths with the shares counted on the real 2022 table (3.2), about 51 %
 * of the IPv4 and 57 % of the IPv6 prefixes placed under a shorter one,
 * IPv4 in public unicast space (1/8 to 223/8 without RFC 1918, 6598,
 * loopback, link-local, TEST-NET-1 and the benchmarking /15), IPv6 in the
 * RIRs' blocks of 2000::/3.  Prefixes are placed in ascending length, so a
 * "top-level" one is checked against every shorter prefix already placed
 * and a nested one picks its cover among them.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

const char *const trace_name[NTRACE] = { "ann", "rnd" };

static void family_init(struct family *f, int af)
{
	memset(f, 0, sizeof(*f));
	f->af = af;
	f->alen = af == AF_INET ? 4 : 16;
	f->name = af == AF_INET ? "IPv4" : "IPv6";
}

static void family_push(struct family *f, size_t *cap, const struct prefix *p)
{
	if (f->n == *cap) {
		*cap = *cap ? *cap * 2 : 65536;
		f->p = realloc(f->p, *cap * sizeof(*f->p));
		if (!f->p)
			die("out of memory reading prefixes");
	}
	f->p[f->n++] = *p;
}

/* Zero the bits of @a beyond @len. */
static void mask_bits(uint8_t *a, unsigned int alen, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < alen; i++) {
		if (len >= 8 * (i + 1))
			continue;
		if (len <= 8 * i)
			a[i] = 0;
		else
			a[i] &= (uint8_t)(0xff00 >> (len - 8 * i));
	}
}

/* Does @c (length @clen) cover @a (length @len >= @clen)? */
static bool covers(const uint8_t *c, unsigned int clen, const uint8_t *a,
		   unsigned int len)
{
	unsigned int i;

	if (clen > len)
		return false;
	for (i = 0; i < clen / 8; i++)
		if (c[i] != a[i])
			return false;
	if (clen % 8) {
		uint8_t m = (uint8_t)(0xff00 >> (clen % 8));

		if ((c[i] & m) != (a[i] & m))
			return false;
	}
	return true;
}

/* ---- reading a file ------------------------------------------------------ */

/* Parse "ADDR/LEN"; false for anything else. */
static bool parse_cidr(char *s, int *af, struct prefix *p)
{
	char *slash, *end;
	unsigned long len;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (!*s || *s == '#')
		return false;
	slash = strchr(s, '/');
	if (!slash)
		return false;
	*slash = '\0';
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno || *end || end == slash + 1)
		return false;
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, s, p->addr) == 1) {
		*af = AF_INET;
		if (len > 32)
			return false;
	} else if (inet_pton(AF_INET6, s, p->addr) == 1) {
		*af = AF_INET6;
		if (len > 128)
			return false;
	} else {
		return false;
	}
	p->len = (uint8_t)len;
	mask_bits(p->addr, *af == AF_INET ? 4 : 16, p->len);
	return true;
}

/* Open @path, through `gzip -dc` when it starts with the gzip magic. */
static FILE *open_input(const char *path, pid_t *child)
{
	unsigned char magic[2];
	FILE *f;
	int p[2];
	size_t n;

	*child = 0;
	f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	n = fread(magic, 1, 2, f);
	if (n < 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
		rewind(f);
		return f;
	}
	rewind(f);
	if (pipe(p))
		die("pipe: %s", strerror(errno));
	*child = fork();
	if (*child < 0)
		die("fork: %s", strerror(errno));
	if (!*child) {
		dup2(fileno(f), 0);
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execlp("gzip", "gzip", "-dc", (char *)NULL);
		fprintf(stderr, "bench: cannot run gzip -dc: %s\n",
			strerror(errno));
		_exit(127);
	}
	fclose(f);
	close(p[1]);
	f = fdopen(p[0], "r");
	if (!f)
		die("fdopen: %s", strerror(errno));
	return f;
}

void table_read(struct table *t, const char *path)
{
	size_t cap[NFAM] = { 0 };
	char line[512];
	struct prefix p;
	pid_t child;
	FILE *in;
	int af, status;

	family_init(&t->fam[0], AF_INET);
	family_init(&t->fam[1], AF_INET6);
	t->skipped = 0;
	in = open_input(path, &child);
	while (fgets(line, sizeof(line), in)) {
		if (!parse_cidr(line, &af, &p)) {
			if (line[strspn(line, " \t\r\n")] &&
			    line[strspn(line, " \t")] != '#')
				t->skipped++;
			continue;
		}
		family_push(&t->fam[af == AF_INET6], &cap[af == AF_INET6], &p);
	}
	fclose(in);
	if (child) {
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			die("%s: gzip -dc failed", path);
	}
	snprintf(t->source, sizeof(t->source), "%s", path);
}

/* ---- the generator ------------------------------------------------------- */

/* Prefix counts by length on the real table (performance-anchors 3.2). */
static const unsigned int v4_counts[33] = {
	[8] = 16, [9] = 13, [10] = 38, [11] = 103, [12] = 299, [13] = 581,
	[14] = 1203, [15] = 2100, [16] = 13490, [17] = 8235, [18] = 13798,
	[19] = 24870, [20] = 42611, [21] = 50750, [22] = 108623,
	[23] = 96510, [24] = 537698,
	/* 75 prefixes of /25 to /31 */
	[25] = 11, [26] = 11, [27] = 11, [28] = 11, [29] = 11, [30] = 10,
	[31] = 10, [32] = 886,
};

/* IPv6 shares in hundredths of a percent; the rest (0.14 %) spread. */
static const unsigned int v6_shares[129] = {
	[48] = 4714, [32] = 1408, [44] = 897, [40] = 838, [36] = 374,
	[29] = 273, [47] = 197, [46] = 190, [33] = 183, [34] = 163,
	[42] = 144, [38] = 101, [45] = 97, [39] = 86, [35] = 65, [43] = 63,
	[41] = 56, [37] = 55, [30] = 41, [31] = 18, [28] = 12, [64] = 11,
	[24] = 2, [56] = 2, [49] = 1, [52] = 1, [60] = 1, [20] = 1, [19] = 1,
	[128] = 2, [22] = 1, [26] = 1, [27] = 1,
};

/* The shares of covered prefixes on the real table. */
#define V4_NESTED	0.507
#define V6_NESTED	0.569

/* The RIRs' /16s in which the IPv6 table lives (its top 16 bits). */
static const uint16_t v6_blocks[] = {
	0x2001, 0x2400, 0x2401, 0x2402, 0x2403, 0x2404, 0x2405, 0x2406, 0x2407,
	0x2408, 0x2409, 0x240a, 0x240b, 0x240c, 0x240d, 0x240e, 0x240f,
	0x2600, 0x2601, 0x2602, 0x2603, 0x2604, 0x2605, 0x2606, 0x2607,
	0x2608, 0x2609, 0x260a, 0x260b, 0x260c, 0x260d, 0x260e, 0x260f,
	0x2800, 0x2801, 0x2803, 0x2804, 0x2806,
	0x2a00, 0x2a01, 0x2a02, 0x2a03, 0x2a04, 0x2a05, 0x2a06, 0x2a07,
	0x2a08, 0x2a09, 0x2a0a, 0x2a0b, 0x2a0c, 0x2a0d, 0x2a0e, 0x2a0f,
	0x2c0f,
};

/* Space no generated prefix may touch. */
static const struct {
	uint8_t addr[4];
	uint8_t len;
} v4_reserved[] = {
	{ { 0 }, 8 }, { { 10 }, 8 }, { { 100, 64 }, 10 }, { { 127 }, 8 },
	{ { 169, 254 }, 16 }, { { 172, 16 }, 12 }, { { 192, 0, 2 }, 24 },
	{ { 192, 168 }, 16 }, { { 198, 18 }, 15 }, { { 224 }, 3 },
};

static bool v4_is_reserved(const uint8_t *a, unsigned int len)
{
	size_t i;

	for (i = 0; i < sizeof(v4_reserved) / sizeof(v4_reserved[0]); i++)
		if (covers(v4_reserved[i].addr, v4_reserved[i].len, a, len) ||
		    covers(a, len, v4_reserved[i].addr, v4_reserved[i].len))
			return true;
	return false;
}

static bool v6_is_reserved(const uint8_t *a, unsigned int len)
{
	static const uint8_t doc[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	return covers(doc, 32, a, len) || covers(a, len, doc, 32);
}

/*
 * An open-addressing set of the prefixes placed so far.  Each slot keeps
 * the key's hash beside the index, so a probe that misses (most do: they
 * ask whether a candidate is covered) touches one cache line.
 */
struct pset {
	const struct prefix *p;		/* the family's array */
	struct pslot {
		uint64_t hash;
		uint32_t idx;		/* index + 1, or 0 */
	} *slot;
	size_t mask;
};

static uint64_t prefix_hash(const uint8_t *a, unsigned int alen,
			    unsigned int len)
{
	uint64_t w[2] = { 0, 0 }, h;

	memcpy(w, a, alen);
	h = (w[0] ^ (w[1] * 0x9e3779b97f4a7c15ULL)) + len;
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

static void pset_init(struct pset *s, const struct prefix *p, size_t n)
{
	size_t size = 1024;

	while (size < 2 * n)
		size *= 2;
	s->p = p;
	s->slot = xcalloc(size, sizeof(*s->slot));
	s->mask = size - 1;
}

static bool pset_has(const struct pset *s, const uint8_t *a, unsigned int alen,
		     unsigned int len)
{
	uint64_t h = prefix_hash(a, alen, len);
	size_t i = h & s->mask;

	for (; s->slot[i].idx; i = (i + 1) & s->mask) {
		const struct prefix *q;

		if (s->slot[i].hash != h)
			continue;
		q = &s->p[s->slot[i].idx - 1];
		if (q->len == len && !memcmp(q->addr, a, alen))
			return true;
	}
	return false;
}

static void pset_add(struct pset *s, size_t idx, unsigned int alen)
{
	const struct prefix *q = &s->p[idx];
	uint64_t h = prefix_hash(q->addr, alen, q->len);
	size_t i = h & s->mask;

	while (s->slot[i].idx)
		i = (i + 1) & s->mask;
	s->slot[i].hash = h;
	s->slot[i].idx = (uint32_t)idx + 1;
}

/* Is @a/@len under a placed prefix of one of the @nlens lengths @lens? */
static bool pset_covered(const struct pset *s, const uint8_t *a,
			 unsigned int alen, unsigned int len,
			 const uint8_t *lens, unsigned int nlens)
{
	uint8_t t[16];
	unsigned int i;

	memcpy(t, a, alen);
	/* Longest first: the masking only ever clears more bits. */
	for (i = nlens; i--;) {
		if (lens[i] >= len)
			continue;
		mask_bits(t, alen, lens[i]);
		if (pset_has(s, t, alen, lens[i]))
			return true;
	}
	return false;
}

/*
 * IPv4 /24 blocks under a top-level prefix of /24 or shorter.  Placed in
 * ascending length, a candidate of /24 or shorter is covered by (or equal
 * to) a placed prefix exactly when its first block is marked: a nested
 * prefix lies inside a top-level one, which marked it.
 */
#define V4_BLOCK_LEN	24

static uint32_t block_of(const uint8_t *a)
{
	return (uint32_t)a[0] << 16 | (uint32_t)a[1] << 8 | a[2];
}

static bool block_test(const uint8_t *map, const uint8_t *a)
{
	uint32_t b = block_of(a);

	return map[b >> 3] & (1u << (b & 7));
}

static void block_mark(uint8_t *map, const uint8_t *a, unsigned int len)
{
	uint32_t b = block_of(a), n = 1u << (V4_BLOCK_LEN - len), i;

	for (i = 0; i < n; i++)
		map[(b + i) >> 3] |= (uint8_t)(1u << ((b + i) & 7));
}

static void random_bits(struct rng *r, uint8_t *a, unsigned int alen,
			unsigned int from)
{
	unsigned int i;

	for (i = from; i < alen * 8; i++)
		if (rng_next(r) & 1)
			a[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		else
			a[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

/* A random top-level candidate of the family's space. */
static void random_space(struct rng *r, const struct family *f, uint8_t *a)
{
	memset(a, 0, 16);
	if (f->af == AF_INET) {
		random_bits(r, a, 4, 0);
		a[0] = (uint8_t)(1 + rng_below(r, 223));
	} else {
		uint16_t b = v6_blocks[rng_below(r, sizeof(v6_blocks) /
						   sizeof(v6_blocks[0]))];

		random_bits(r, a, 16, 16);
		a[0] = (uint8_t)(b >> 8);
		a[1] = (uint8_t)b;
	}
}

/* Draw @n lengths with the family's shares, in ascending order. */
static uint8_t *draw_lengths(struct rng *r, const struct family *f, size_t n)
{
	unsigned int maxlen = f->alen * 8, l;
	double w[129], sum = 0, x;
	size_t count[129] = { 0 }, i, k;
	uint8_t *len = xmalloc(n);

	for (l = 0; l <= maxlen; l++) {
		w[l] = f->af == AF_INET ? v4_counts[l] : v6_shares[l];
		sum += w[l];
	}
	for (i = 0; i < n; i++) {
		x = rng_unit(r) * sum;
		for (l = 0; l < maxlen && x >= w[l]; l++)
			x -= w[l];
		while (!w[l])		/* rounding at the top */
			l--;
		count[l]++;
	}
	for (l = 0, k = 0; l <= maxlen; l++)
		for (i = 0; i < count[l]; i++)
			len[k++] = (uint8_t)l;
	return len;
}

static void generate_family(struct family *f, size_t n, struct rng *r)
{
	double nested = f->af == AF_INET ? V4_NESTED : V6_NESTED;
	unsigned int alen = f->alen, maxlen = alen * 8;
	size_t present[129] = { 0 }, *by_len[129] = { 0 }, cap[129] = { 0 };
	size_t i, tries, total;
	uint8_t *lens = draw_lengths(r, f, n), used[129], *blocks = NULL;
	unsigned int nused = 0;
	struct prefix c;
	struct pset set;
	unsigned int l;

	f->p = xcalloc(n, sizeof(*f->p));
	f->n = 0;
	pset_init(&set, f->p, n);
	if (f->af == AF_INET)
		blocks = xcalloc(1u << (V4_BLOCK_LEN - 3), 1);
	for (i = 0; i < n; i++) {
		unsigned int len = lens[i];
		bool placed = false, top = false;

		/* Nested: under a random shorter prefix already placed. */
		for (l = 0, total = 0; l < len; l++)
			total += present[l];
		if (total && rng_unit(r) < nested) {
			for (tries = 0; tries < 64 && !placed; tries++) {
				size_t k = rng_below(r, total);
				const struct prefix *cv;

				for (l = 0; k >= present[l]; l++)
					k -= present[l];
				cv = &f->p[by_len[l][k]];
				memcpy(c.addr, cv->addr, 16);
				random_bits(r, c.addr, alen, cv->len);
				mask_bits(c.addr, alen, len);
				placed = !pset_has(&set, c.addr, alen, len);
			}
		}
		/* Top-level: nowhere under a shorter prefix. */
		for (tries = 0; tries < 1000 && !placed; tries++) {
			random_space(r, f, c.addr);
			mask_bits(c.addr, alen, len);
			if (f->af == AF_INET ? v4_is_reserved(c.addr, len) :
					       v6_is_reserved(c.addr, len))
				continue;
			if (blocks && block_test(blocks, c.addr))
				continue;
			if (blocks && len <= V4_BLOCK_LEN)
				placed = true;
			else
				placed = !pset_has(&set, c.addr, alen, len) &&
					 !pset_covered(&set, c.addr, alen, len,
						       used, nused);
			top = placed;
		}
		if (!placed)
			continue;	/* the space of that length is full */
		c.len = (uint8_t)len;
		if (top && blocks && len <= V4_BLOCK_LEN)
			block_mark(blocks, c.addr, len);
		if (!present[len])
			used[nused++] = (uint8_t)len;	/* ascending */
		f->p[f->n] = c;
		pset_add(&set, f->n, alen);
		if (present[len] == cap[len]) {
			cap[len] = cap[len] ? 2 * cap[len] : 256;
			by_len[len] = realloc(by_len[len],
					      cap[len] * sizeof(size_t));
			if (!by_len[len])
				die("out of memory generating prefixes");
		}
		by_len[len][present[len]++] = f->n++;
	}
	for (l = 0; l <= maxlen; l++)
		free(by_len[l]);
	free(set.slot);
	free(blocks);
	free(lens);
}

void table_generate(struct table *t, const struct gen_opts *o)
{
	size_t n6 = (size_t)((double)o->size * o->v6_share + 0.5);
	struct rng r;

	family_init(&t->fam[0], AF_INET);
	family_init(&t->fam[1], AF_INET6);
	t->skipped = 0;
	rng_seed(&r, o->seed);
	generate_family(&t->fam[0], o->size - n6, &r);
	generate_family(&t->fam[1], n6, &r);
	snprintf(t->source, sizeof(t->source),
		 "generator (seed %llu, IPv6 share %.3f)",
		 (unsigned long long)o->seed, o->v6_share);
}

/*
 * Keep about @size of the prefixes, in each family's proportion, as whole
 * trees (a top-level prefix with every prefix under it), chosen at random,
 * so that the sample keeps the table's nesting.  The table must be sorted
 * (table_finish()): a tree is then a run of prefixes.
 */
void table_sample(struct table *t, size_t size, uint64_t seed)
{
	size_t total = table_size(t), keep, i, j, k, ntrees, taken, tmp;
	size_t *start, *order;
	struct prefix *kept;
	struct rng r;
	int fi;

	if (size >= total)
		return;
	rng_seed(&r, seed);
	for (fi = 0; fi < NFAM; fi++) {
		struct family *f = &t->fam[fi];

		keep = (size_t)((double)f->n * (double)size / (double)total +
				0.5);
		start = xcalloc(f->n + 1, sizeof(*start));
		for (i = 0, ntrees = 0; i < f->n; i++)
			if (!ntrees || !covers(f->p[start[ntrees - 1]].addr,
					       f->p[start[ntrees - 1]].len,
					       f->p[i].addr, f->p[i].len))
				start[ntrees++] = i;
		start[ntrees] = f->n;

		order = xcalloc(ntrees, sizeof(*order));
		for (i = 0; i < ntrees; i++)
			order[i] = i;
		for (i = 0; i + 1 < ntrees; i++) {
			j = i + rng_below(&r, ntrees - i);
			tmp = order[i];
			order[i] = order[j];
			order[j] = tmp;
		}
		kept = xcalloc(keep, sizeof(*kept));
		for (i = 0, taken = 0; i < ntrees && taken < keep; i++)
			for (k = start[order[i]];
			     k < start[order[i] + 1] && taken < keep; k++)
				kept[taken++] = f->p[k];
		free(order);
		free(start);
		free(f->p);
		f->p = kept;
		f->n = taken;
	}
	snprintf(t->source + strlen(t->source),
		 sizeof(t->source) - strlen(t->source),
		 ", %zu of its %zu prefixes (whole trees at random, seed %llu)",
		 table_size(t), total, (unsigned long long)seed);
}

static unsigned int cmp_alen;

/* Address order, then length: a prefix sorts before its more-specifics. */
static int cmp_prefix(const void *a, const void *b)
{
	const struct prefix *x = a, *y = b;
	int c = memcmp(x->addr, y->addr, cmp_alen);

	return c ? c : (int)x->len - (int)y->len;
}

/* Sort, drop duplicates and count the prefixes under a shorter one. */
void table_finish(struct table *t)
{
	const struct prefix *stack[129];
	int fi, depth;
	size_t i, k;

	for (fi = 0; fi < NFAM; fi++) {
		struct family *f = &t->fam[fi];

		cmp_alen = f->alen;
		qsort(f->p, f->n, sizeof(*f->p), cmp_prefix);
		for (i = 0, k = 0; i < f->n; i++)
			if (!k || cmp_prefix(&f->p[k - 1], &f->p[i]))
				f->p[k++] = f->p[i];
		f->n = k;

		/* In this order the covers of a prefix are on the stack. */
		f->covered = 0;
		depth = 0;
		for (i = 0; i < f->n; i++) {
			while (depth && !covers(stack[depth - 1]->addr,
						stack[depth - 1]->len,
						f->p[i].addr, f->p[i].len))
				depth--;
			if (depth)
				f->covered++;
			stack[depth++] = &f->p[i];
		}
	}
}

size_t table_size(const struct table *t)
{
	return t->fam[0].n + t->fam[1].n;
}

/* ---- lookup traces ------------------------------------------------------- */

void trace_make(struct trace *tr, const struct family *f,
		enum trace_kind kind, size_t n, uint64_t seed)
{
	struct rng r;
	size_t i;

	rng_seed(&r, seed ^ ((uint64_t)f->af << 32) ^ ((uint64_t)kind << 40));
	tr->a = xcalloc(n, sizeof(*tr->a));
	tr->n = n;
	for (i = 0; i < n; i++) {
		struct rtm_net_address *a = &tr->a[i];

		a->family = (uint16_t)f->af;
		a->num_bits = (uint16_t)(f->alen * 8);
		if (kind == TRACE_ANN && f->n) {
			/* A random address inside a random prefix. */
			const struct prefix *p = &f->p[rng_below(&r, f->n)];

			memcpy(a->addr, p->addr, 16);
			random_bits(&r, a->addr, f->alen, p->len);
		} else if (f->af == AF_INET) {
			/*
			 * Not where the FIB has routes of its own that rtm
			 * has not: loopback and the dummy's subnet.
			 */
			do {
				random_bits(&r, a->addr, 4, 0);
			} while (a->addr[0] == 127 ||
				 (a->addr[0] == 192 && !a->addr[1] &&
				  a->addr[2] == 2));
		} else {
			/* Anywhere in 2000::/3: all else misses anyway. */
			random_bits(&r, a->addr, 16, 3);
			a->addr[0] = (uint8_t)(0x20 | (a->addr[0] & 0x1f));
		}
	}
}
