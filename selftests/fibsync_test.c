// SPDX-License-Identifier: GPL-2.0
/*
 * rtm-fibsync end to end: in a fresh network namespace with a dummy
 * interface, rtm-fibsync (build/tools/rtm-fibsync) mirrors rtm's best
 * unicast routes into the kernel FIB while two entities change the table:
 * adds, preference changes that flip the best route, ECMP routes,
 * blackholes, deletes, a few thousand routes in one batch.  After each
 * step the FIB's routes of protocol 190 in table main (an RTM_GETROUTE
 * dump) must become exactly rtm's best routes (an RtmCreateDestEnum walk)
 * within a bounded time.  At start it resyncs (stale routes of its
 * protocol out, rtm's routes in, nobody else's touched); on SIGTERM its
 * routes go.  With -I, the kernel's connected and static routes show up
 * in rtm under entities of their own and are not written back.
 *
 * The program is found at $RTM_FIBSYNC, or ../tools/rtm-fibsync beside
 * this program's directory (build/selftests -> build/tools).
 */
#include <libgen.h>
#include <net/if.h>
#include <sched.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "enum_util.h"
#include "rtnl_util.h"

#define INST		0		/* rtm-fibsync's default instance */
#define PROTO_A		0xc100
#define PROTO_B		0xc200
#define FIB_PROTO	190		/* rtm-fibsync's route protocol */
#define FIB_METRIC	200		/* and metric */
#define SYNC_MS		30000		/* how long the FIB may take to follow */
#define MAXNH		8

/* ------------------------------------------------------------------ */
/* Routes, as the FIB has them and as rtm says they should be           */
/* ------------------------------------------------------------------ */

struct fnh {
	uint8_t gw[16];
	int ifindex;
	bool onlink;
};

struct froute {
	int family;
	uint8_t dst[16];
	uint8_t len;
	uint8_t type;			/* RTN_UNICAST, RTN_BLACKHOLE */
	uint32_t table, proto, metric;
	unsigned int nnh;
	struct fnh nh[MAXNH];
};

struct rset {
	struct froute *r;
	size_t n, cap;
};

/*
 * A route by hand through the @nnh next hops @nh: on the link for one
 * without a gateway, onlink for one with; several go in as one multipath
 * route.
 */
static int route_add_nh(int fd, int family, const void *dst,
			unsigned int len, const struct fnh *nh,
			unsigned int nnh, unsigned int proto,
			unsigned int table, unsigned int metric)
{
	static const uint8_t zero[16];
	size_t alen = family == AF_INET ? 4 : 16;
	struct rtattr *mp;
	struct nlreq r;
	unsigned int i;

	route_msg(&r, RTM_NEWROUTE, family, dst, len, proto, table, metric);
	if (nnh == 1) {
		if (memcmp(nh[0].gw, zero, alen)) {
			r.rtm.rtm_flags = RTNH_F_ONLINK;
			nl_attr(&r, RTA_GATEWAY, nh[0].gw, alen);
		} else {
			r.rtm.rtm_scope = RT_SCOPE_LINK;
		}
		nl_attr(&r, RTA_OIF, &nh[0].ifindex, sizeof(int));
		return nl_talk(fd, &r.h);
	}
	mp = nl_nest(&r, RTA_MULTIPATH);
	for (i = 0; i < nnh; i++) {
		struct rtnexthop *rtnh = (struct rtnexthop *)
			((char *)&r + NLMSG_ALIGN(r.h.nlmsg_len));

		memset(rtnh, 0, sizeof(*rtnh));
		rtnh->rtnh_ifindex = nh[i].ifindex;
		r.h.nlmsg_len = NLMSG_ALIGN(r.h.nlmsg_len) + sizeof(*rtnh);
		if (memcmp(nh[i].gw, zero, alen)) {
			rtnh->rtnh_flags = RTNH_F_ONLINK;
			nl_attr(&r, RTA_GATEWAY, nh[i].gw, alen);
		}
		rtnh->rtnh_len = (char *)&r + r.h.nlmsg_len - (char *)rtnh;
	}
	nl_nest_end(&r, mp);
	return nl_talk(fd, &r.h);
}

static int fnh_cmp(const void *x, const void *y)
{
	const struct fnh *a = x, *b = y;
	int c = memcmp(a->gw, b->gw, 16);

	return c ? c : a->ifindex - b->ifindex;
}

static int froute_key_cmp(const void *x, const void *y)
{
	const struct froute *a = x, *b = y;
	int c;

	if (a->family != b->family)
		return a->family - b->family;
	if (a->table != b->table)
		return a->table < b->table ? -1 : 1;
	c = memcmp(a->dst, b->dst, 16);
	if (c)
		return c;
	return (int)a->len - (int)b->len;
}

static struct froute *rset_add(struct rset *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		struct froute *r = realloc(s->r, cap * sizeof(*r));

		if (!r)
			return NULL;
		s->r = r;
		s->cap = cap;
	}
	memset(&s->r[s->n], 0, sizeof(s->r[0]));
	return &s->r[s->n++];
}

/* Sort, and merge entries of one prefix (IPv6 siblings), nexthops sorted. */
static void rset_norm(struct rset *s)
{
	size_t i, k = 0;
	unsigned int j, m;

	qsort(s->r, s->n, sizeof(s->r[0]), froute_key_cmp);
	for (i = 0; i < s->n; i++) {
		struct froute *r = &s->r[i];

		if (k && !froute_key_cmp(&s->r[k - 1], r) &&
		    s->r[k - 1].metric == r->metric) {
			struct froute *into = &s->r[k - 1];

			for (j = 0; j < r->nnh; j++) {
				for (m = 0; m < into->nnh; m++)
					if (!fnh_cmp(&into->nh[m], &r->nh[j]))
						break;
				if (m == into->nnh && into->nnh < MAXNH)
					into->nh[into->nnh++] = r->nh[j];
			}
			continue;
		}
		if (k != i)
			s->r[k] = *r;
		k++;
	}
	s->n = k;
	for (i = 0; i < s->n; i++)
		qsort(s->r[i].nh, s->r[i].nnh, sizeof(s->r[i].nh[0]), fnh_cmp);
}

/* One RTM_NEWROUTE of a dump into @s, if of @proto (0: any) and IPv4/6. */
static void parse_route(struct nlmsghdr *h, struct rset *s, unsigned int proto)
{
	struct rtmsg *rtm = NLMSG_DATA(h);
	struct rtattr *a = RTM_RTA(rtm), *tb[RTA_MAX + 1] = { NULL };
	int alen = RTM_PAYLOAD(h);
	size_t glen = rtm->rtm_family == AF_INET ? 4 : 16;
	struct froute *r;

	if (proto && rtm->rtm_protocol != proto)
		return;
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return;
	for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen))
		if (a->rta_type <= RTA_MAX)
			tb[a->rta_type] = a;
	r = rset_add(s);
	if (!r)
		return;
	r->family = rtm->rtm_family;
	r->len = rtm->rtm_dst_len;
	r->type = rtm->rtm_type;
	r->proto = rtm->rtm_protocol;
	r->table = tb[RTA_TABLE] ? *(uint32_t *)RTA_DATA(tb[RTA_TABLE]) :
				   rtm->rtm_table;
	r->metric = tb[RTA_PRIORITY] ? *(uint32_t *)RTA_DATA(tb[RTA_PRIORITY]) :
				       0;
	if (tb[RTA_DST])
		memcpy(r->dst, RTA_DATA(tb[RTA_DST]), glen);
	/* Only unicast routes have next hops (IPv6 blackholes say dev lo). */
	if (r->type != RTN_UNICAST)
		return;
	if (tb[RTA_MULTIPATH]) {
		struct rtnexthop *nh = RTA_DATA(tb[RTA_MULTIPATH]);
		int left = RTA_PAYLOAD(tb[RTA_MULTIPATH]);

		while (RTNH_OK(nh, left) && r->nnh < MAXNH) {
			struct rtattr *na = RTNH_DATA(nh);
			int nlen = nh->rtnh_len - sizeof(*nh);
			struct fnh *f = &r->nh[r->nnh++];

			f->ifindex = nh->rtnh_ifindex;
			f->onlink = nh->rtnh_flags & RTNH_F_ONLINK;
			for (; RTA_OK(na, nlen); na = RTA_NEXT(na, nlen))
				if (na->rta_type == RTA_GATEWAY)
					memcpy(f->gw, RTA_DATA(na), glen);
			left -= RTNH_ALIGN(nh->rtnh_len);
			nh = RTNH_NEXT(nh);
		}
	} else if (tb[RTA_GATEWAY] || tb[RTA_OIF]) {
		struct fnh *f = &r->nh[r->nnh++];

		if (tb[RTA_GATEWAY])
			memcpy(f->gw, RTA_DATA(tb[RTA_GATEWAY]), glen);
		if (tb[RTA_OIF])
			f->ifindex = *(int *)RTA_DATA(tb[RTA_OIF]);
		f->onlink = rtm->rtm_flags & RTNH_F_ONLINK;
	}
}

/* The FIB's routes of @proto (0: all), both families; 0 or -errno. */
struct dump_ctx {
	struct rset *s;
	unsigned int proto;
};

static void dump_one(struct nlmsghdr *h, void *arg)
{
	struct dump_ctx *c = arg;

	parse_route(h, c->s, c->proto);
}

static int fib_dump(int fd, unsigned int proto, struct rset *s)
{
	struct dump_ctx c = { .s = s, .proto = proto };
	int err;

	s->n = 0;
	err = route_dump(fd, AF_INET, dump_one, &c);
	if (!err)
		err = route_dump(fd, AF_INET6, dump_one, &c);
	if (err)
		return err;
	rset_norm(s);
	return 0;
}

/* Next-hop handles seen, and what they are. */
struct nhcache {
	RTM_NEXTHOP_HANDLE h[64];
	struct fnh nh[64];
	unsigned int n;
};

static bool nh_lookup(RTM_ENTITY_HANDLE e, struct nhcache *c,
		      RTM_NEXTHOP_HANDLE h, struct fnh *out)
{
	RTM_NEXTHOP_INFO ni;
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (c->h[i] == h) {
			*out = c->nh[i];
			return true;
		}
	if (RtmGetNextHopInfo(e, h, &ni) != NO_ERROR)
		return false;
	memset(out, 0, sizeof(*out));
	memcpy(out->gw, ni.NextHopAddress.AddrBits,
	       fam_bytes(ni.NextHopAddress.AddressFamily));
	out->ifindex = ni.InterfaceIndex;
	out->onlink = false;	/* rtm-fibsync never sets it */
	RtmReleaseNextHopInfo(e, &ni);
	if (c->n < 64) {
		c->h[c->n] = h;
		c->nh[c->n++] = *out;
	}
	return true;
}

/*
 * What the FIB should hold of rtm's table of @e: per dest its best
 * unicast route, a blackhole if it discards, nothing if it is martian or
 * inactive or has no next hop; every route of table main, FIB_PROTO,
 * FIB_METRIC.  Appended to @s; NO_ERROR or why not.
 */
static DWORD rtm_expected(const struct ent *e, struct rset *s)
{
	UINT max = e->prof.MaxHandlesInEnum, num, i, j;
	size_t risz = RTM_SIZE_OF_ROUTE_INFO(e->prof.MaxNextHopsInRoute);
	char *buf = malloc(max * di_stride(1));
	RTM_ROUTE_INFO *ri = calloc(1, risz + sizeof(*ri));
	struct nhcache *cache = calloc(1, sizeof(*cache));
	RTM_ENUM_HANDLE en;
	DWORD st;

	if (!buf || !ri || !cache)
		return ERROR_NOT_ENOUGH_MEMORY;
	st = RtmCreateDestEnum(e->h, RTM_VIEW_MASK_UCAST, RTM_ENUM_START, NULL,
			       RTM_BEST_PROTOCOL, &en);
	if (st != NO_ERROR)
		goto out;
	do {
		num = max;
		st = RtmGetEnumDests(e->h, en, &num, (void *)buf);
		for (i = 0; i < num; i++) {
			RTM_DEST_INFO *di = di_at(buf, 1, i);
			DWORD flags = di->ViewInfo[0].DestFlags;
			RTM_NEXTHOP_HANDLE *nhs;
			struct froute r;

			if (!di->ViewInfo[0].Route ||
			    flags & (RTM_ROUTE_FLAGS_MARTIAN |
				     RTM_ROUTE_FLAGS_INACTIVE))
				continue;
			memset(&r, 0, sizeof(r));
			r.family = di->DestAddress.AddressFamily;
			r.len = di->DestAddress.NumBits;
			memcpy(r.dst, di->DestAddress.AddrBits,
			       fam_bytes(r.family));
			r.table = RT_TABLE_MAIN;
			r.proto = FIB_PROTO;
			r.metric = FIB_METRIC;
			r.type = RTN_UNICAST;
			if (flags & (RTM_ROUTE_FLAGS_BLACKHOLE |
				     RTM_ROUTE_FLAGS_DISCARD)) {
				r.type = RTN_BLACKHOLE;
			} else {
				if (RtmGetRouteInfo(e->h, di->ViewInfo[0].Route,
						    ri, NULL) != NO_ERROR)
					continue;
				nhs = (RTM_NEXTHOP_HANDLE *)
				      ((char *)ri + offsetof(RTM_ROUTE_INFO,
						NextHopsList.NextHops));
				for (j = 0; j < ri->NextHopsList.NumNextHops &&
					    r.nnh < MAXNH; j++)
					if (nh_lookup(e->h, cache, nhs[j],
						      &r.nh[r.nnh]))
						r.nnh++;
				RtmReleaseRouteInfo(e->h, ri);
				if (!r.nnh)
					continue;
			}
			*rset_add(s) = r;
		}
		if (num)
			RtmReleaseDests(e->h, num, (void *)buf);
	} while (st == NO_ERROR);
	RtmDeleteEnumHandle(e->h, en);
	st = st == ERROR_NO_MORE_ITEMS ? NO_ERROR : st;
out:
	free(cache);
	free(ri);
	free(buf);
	return st;
}

static const char *froute_str(const struct froute *r, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];
	int n;
	unsigned int i;

	inet_ntop(r->family, r->dst, a, sizeof(a));
	n = snprintf(buf, size, "%s/%u type %u table %u proto %u metric %u",
		     a, r->len, r->type, r->table, r->proto, r->metric);
	for (i = 0; i < r->nnh && n > 0 && (size_t)n < size; i++) {
		inet_ntop(r->family, r->nh[i].gw, g, sizeof(g));
		n += snprintf(buf + n, size - n, " via %s dev %d%s", g,
			      r->nh[i].ifindex, r->nh[i].onlink ? " onlink" : "");
	}
	return buf;
}

static bool froute_same(const struct froute *a, const struct froute *b)
{
	unsigned int i;

	if (froute_key_cmp(a, b) || a->type != b->type ||
	    a->proto != b->proto || a->metric != b->metric || a->nnh != b->nnh)
		return false;
	for (i = 0; i < a->nnh; i++)
		if (fnh_cmp(&a->nh[i], &b->nh[i]) ||
		    a->nh[i].onlink != b->nh[i].onlink)
			return false;
	return true;
}

/* The FIB's routes of FIB_PROTO in table main, only (other tables aside). */
static void only_main(struct rset *s)
{
	size_t i, k = 0;

	for (i = 0; i < s->n; i++)
		if (s->r[i].table == RT_TABLE_MAIN)
			s->r[k++] = s->r[i];
	s->n = k;
}

/* How @want and @got differ, in at most a few lines; true if they do not. */
static bool rset_diff(struct __test_metadata *_metadata,
		      const struct rset *want, const struct rset *got, bool log)
{
	size_t i = 0, j = 0, shown = 0;
	char b1[512], b2[512];
	bool same = true;

	while (i < want->n || j < got->n) {
		int c = i == want->n ? 1 : j == got->n ? -1 :
			froute_key_cmp(&want->r[i], &got->r[j]);

		if (!c && froute_same(&want->r[i], &got->r[j])) {
			i++;
			j++;
			continue;
		}
		same = false;
		if (!log || shown++ >= 6)
			break;
		if (c < 0)
			TH_LOG("missing: %s", froute_str(&want->r[i], b1,
							 sizeof(b1)));
		else if (c > 0)
			TH_LOG("extra:   %s", froute_str(&got->r[j], b2,
							 sizeof(b2)));
		else
			TH_LOG("differs: %s\n#     want %s",
			       froute_str(&got->r[j], b2, sizeof(b2)),
			       froute_str(&want->r[i], b1, sizeof(b1)));
		i += c <= 0;
		j += c >= 0;
	}
	if (log && !same)
		TH_LOG("(FIB %zu routes, rtm %zu)", got->n, want->n);
	return same;
}

/* ------------------------------------------------------------------ */
/* The fixture: a namespace, a dummy interface, rtm-fibsync             */
/* ------------------------------------------------------------------ */

static const uint8_t my4[4] = { 192, 0, 2, 1 };
static const uint8_t my6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0,
				 0, 0, 0, 0, 0, 0, 0, 1 };

FIXTURE(fib) {
	int nl;
	int ifindex;
	char prog[4096];
	pid_t pid;
	int out;		/* its stdout */
	struct ent a[2], b[2];	/* [0] IPv4, [1] IPv6 */
	RTM_NEXTHOP_HANDLE nha[2][3], nhb[2][2];
	struct rset want, got;
	/* Prefixes another's route holds at rtm-fibsync's metric. */
	struct froute others[4];
	unsigned int nothers;
};

FIXTURE_SETUP(fib)
{
	uint8_t gw[16];
	unsigned int f, i;

	self->pid = 0;
	self->out = -1;
	self->nl = -1;
	self->nothers = 0;
	memset(&self->want, 0, sizeof(self->want));
	memset(&self->got, 0, sizeof(self->got));
	if (!rtm_present())
		SKIP(return, RTM_DEV " is not there (rtm.ko not loaded?)");
	if (cap_effective(CAP_NET_ADMIN) != 1)
		SKIP(return, "needs CAP_NET_ADMIN");
	if (!find_tool("RTM_FIBSYNC", "rtm-fibsync", self->prog,
		       sizeof(self->prog)))
		SKIP(return, "no rtm-fibsync at %.200s (set RTM_FIBSYNC, or ship build/tools)",
		     self->prog);

	/* A namespace of our own: nothing outside is touched. */
	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s",
						   strerror(errno));
	self->nl = nl_open();
	ASSERT_LE(0, self->nl);
	ASSERT_EQ(0, link_up(self->nl, 1));		/* lo */
	ASSERT_EQ(0, dummy_add(self->nl, "d0"))
		TH_LOG("no dummy interface (CONFIG_DUMMY or dummy.ko?)");
	self->ifindex = if_nametoindex("d0");
	ASSERT_LT(0, self->ifindex);
	ASSERT_EQ(0, link_up(self->nl, self->ifindex));
	ASSERT_EQ(0, addr_add(self->nl, AF_INET, self->ifindex, my4, 24));
	ASSERT_EQ(0, addr_add(self->nl, AF_INET6, self->ifindex, my6, 64));

	/* Two entities per family; a has three gateways, b two. */
	for (f = 0; f < 2; f++) {
		USHORT fam = f ? AF_INET6 : AF_INET;

		ASSERT_WIN(NO_ERROR, ent_reg(&self->a[f], INST, fam, PROTO_A,
					     1, NULL));
		ASSERT_WIN(NO_ERROR, ent_reg(&self->b[f], INST, fam, PROTO_B,
					     1, NULL));
		for (i = 0; i < 3; i++) {
			RTM_NET_ADDRESS g;

			memcpy(gw, f ? my6 : my4, fam_bytes(fam));
			gw[fam_bytes(fam) - 1] = 2 + i;
			g = pfx_raw(fam, gw, fam_bits(fam));
			ASSERT_WIN(NO_ERROR, nh_add(self->a[f].h, &g,
						    self->ifindex,
						    &self->nha[f][i]));
			if (i == 2)
				continue;
			gw[fam_bytes(fam) - 1] = 10 + i;
			g = pfx_raw(fam, gw, fam_bits(fam));
			ASSERT_WIN(NO_ERROR, nh_add(self->b[f].h, &g,
						    self->ifindex,
						    &self->nhb[f][i]));
		}
	}
}

FIXTURE_TEARDOWN(fib)
{
	if (self->pid > 0) {
		kill(self->pid, SIGKILL);
		waitpid(self->pid, NULL, 0);
	}
	if (self->out >= 0)
		close(self->out);
	if (self->nl >= 0)
		close(self->nl);
	free(self->want.r);
	free(self->got.r);
}

/*
 * Start rtm-fibsync with @args (NULL: -4 -6), its stderr to @errfd (-1:
 * ours), and wait for "in sync".
 */
static void fibsync_spawn(struct __test_metadata *_metadata,
			  FIXTURE_DATA(fib) *self, const char *const *args,
			  int errfd)
{
	static const char ready[] = "rtm-fibsync: in sync";
	char line[256];
	size_t len = 0;
	long long end;
	int p[2];

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	fflush(stdout);
	fflush(stderr);
	self->pid = fork();
	ASSERT_LE(0, self->pid);
	if (!self->pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], 1);
		if (errfd >= 0)
			dup2(errfd, 2);
		if (args)
			execv(self->prog, (char *const *)args);
		else
			execl(self->prog, self->prog, "-4", "-6", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	self->out = p[0];
	end = now_ms() + WAIT_MS * 2;
	for (;;) {
		struct pollfd pf = { .fd = self->out, .events = POLLIN };
		long long left = end - now_ms();
		ssize_t n;

		ASSERT_LT(0, left) TH_LOG("no \"%s\" from rtm-fibsync", ready);
		if (poll(&pf, 1, left) <= 0)
			continue;
		n = read(self->out, line + len, 1);
		ASSERT_EQ(1, n) TH_LOG("rtm-fibsync exited before it was in sync");
		if (line[len] == '\n') {
			line[len] = 0;
			if (!strcmp(line, ready))
				return;
			TH_LOG("rtm-fibsync: %s", line);
			len = 0;
		} else if (len < sizeof(line) - 2) {
			len++;
		}
	}
}

static void fibsync_start(struct __test_metadata *_metadata,
			  FIXTURE_DATA(fib) *self)
{
	fibsync_spawn(_metadata, self, NULL, -1);
}

/* SIGTERM: it exits 0 and leaves none of its routes behind. */
static void fibsync_stop(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fib) *self)
{
	long long end = now_ms() + WAIT_MS * 2;
	int status = -1;
	pid_t r;

	ASSERT_EQ(0, kill(self->pid, SIGTERM));
	while ((r = waitpid(self->pid, &status, WNOHANG)) == 0 &&
	       now_ms() < end)
		usleep(10000);
	ASSERT_EQ(self->pid, r) TH_LOG("rtm-fibsync ignored SIGTERM");
	self->pid = 0;
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("rtm-fibsync: status %#x", status);
	ASSERT_EQ(0, fib_dump(self->nl, FIB_PROTO, &self->got));
	only_main(&self->got);
	EXPECT_EQ(0U, self->got.n) TH_LOG("its routes stayed in the FIB");
}

/*
 * What an IPv6 multipath route of rtm becomes in the FIB, which takes no
 * device-only next hop there: its next hops with a gateway, or its first
 * (in rtm's order) alone if none has one.
 */
static void v6_multipath_fit(struct rset *s)
{
	static const uint8_t zero[16];
	unsigned int j, k;
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct froute *r = &s->r[i];

		if (r->family != AF_INET6 || r->nnh < 2)
			continue;
		for (j = 0, k = 0; j < r->nnh; j++)
			if (memcmp(r->nh[j].gw, zero, sizeof(zero)))
				r->nh[k++] = r->nh[j];
		r->nnh = k ? k : 1;
	}
}

/* rtm's best routes of both families, as the FIB should have them. */
static void expected(struct __test_metadata *_metadata, FIXTURE_DATA(fib) *self)
{
	size_t i, k;
	unsigned int j;

	self->want.n = 0;
	ASSERT_WIN(NO_ERROR, rtm_expected(&self->a[0], &self->want));
	ASSERT_WIN(NO_ERROR, rtm_expected(&self->a[1], &self->want));
	v6_multipath_fit(&self->want);
	rset_norm(&self->want);
	/* Where another's route is, rtm-fibsync must not put its own. */
	for (i = 0, k = 0; i < self->want.n; i++) {
		for (j = 0; j < self->nothers; j++)
			if (!froute_key_cmp(&self->want.r[i],
					    &self->others[j]))
				break;
		if (j == self->nothers)
			self->want.r[k++] = self->want.r[i];
	}
	self->want.n = k;
}

/*
 * Wait until the FIB's routes of rtm-fibsync in table main are exactly
 * rtm's best routes; @what says which step.  Returns the wait in ms.
 */
static long long wait_synced(struct __test_metadata *_metadata,
			     FIXTURE_DATA(fib) *self, const char *what)
{
	long long start = now_ms(), pause = 20;

	expected(_metadata, self);
	for (;;) {
		bool last = now_ms() - start > SYNC_MS;

		ASSERT_EQ(0, fib_dump(self->nl, FIB_PROTO, &self->got));
		only_main(&self->got);
		if (rset_diff(_metadata, &self->want, &self->got, last))
			return now_ms() - start;
		ASSERT_FALSE(last) TH_LOG("%s: the FIB is not rtm's", what);
		/* Dumps of thousands of routes are not free: back off. */
		usleep(pause * 1000);
		pause = pause * 2 > 1000 ? 1000 : pause * 2;
	}
}

/* A prefix of either family: 198.18.i.0/24 or 2001:db8:100:i::/64. */
static RTM_NET_ADDRESS net(unsigned int f, unsigned int i)
{
	if (!f)
		return pfx(AF_INET, 198, 18, i, 0, 24);
	return pfx(AF_INET6, 1, 0, 0, i, 32);	/* 2001:db8:100:i::/64 */
}

static DWORD add(const struct ent *e, unsigned int f, unsigned int i,
		 ULONG pref, USHORT flags, unsigned int nnh,
		 const RTM_NEXTHOP_HANDLE *nh)
{
	RTM_NET_ADDRESS d = net(f, i);
	struct rt r = { .pref = pref, .metric = i, .flags = flags,
			.nnh = nnh };
	unsigned int k;

	for (k = 0; k < nnh; k++)
		r.nh[k] = nh[k];
	return rt_add(e->h, &d, &r, NULL, NULL, NULL);
}

/*
 * Adds, preference flips, ECMP, blackholes, deletes and a batch of a few
 * thousand routes, from two entities, in both families: the FIB follows
 * each step; SIGTERM takes rtm-fibsync's routes out.
 */
TEST_F_TIMEOUT(fib, mirrors_changes, 240)
{
	/* A few thousand; a few hundred on a slow kernel. */
	const unsigned int NBULK4 = slow_kernel() ? 400 : 3000;
	const unsigned int NBULK6 = slow_kernel() ? 100 : 1000;
	struct rtm_route_entry *bulk;
	long long waited;
	unsigned int f, i;
	size_t nb;

	if (_metadata->skip)	/* by the setup */
		return;
	fibsync_start(_metadata, self);
	wait_synced(_metadata, self, "start, empty");

	/* Adds: a everywhere, b better on some; default and host routes. */
	for (f = 0; f < 2; f++) {
		const struct ent *a = &self->a[f], *b = &self->b[f];
		RTM_NET_ADDRESS d;
		struct rt r = { .pref = 50, .nnh = 1 };

		for (i = 0; i < 20; i++)
			ASSERT_WIN(NO_ERROR, add(a, f, i, 10, 0, 1,
						 self->nha[f]));
		for (i = 0; i < 10; i++)
			ASSERT_WIN(NO_ERROR, add(b, f, i, 5, 0, 1,
						 self->nhb[f]));
		d = pfx(f ? AF_INET6 : AF_INET, 0, 0, 0, 0, 0);
		r.nh[0] = self->nha[f][1];
		ASSERT_WIN(NO_ERROR, rt_add(a->h, &d, &r, NULL, NULL, NULL));
		d = host_of(pfx(f ? AF_INET6 : AF_INET, 203, 0, 113, 7, 32));
		ASSERT_WIN(NO_ERROR, rt_add(a->h, &d, &r, NULL, NULL, NULL));
	}
	wait_synced(_metadata, self, "adds");
	ASSERT_LE(2 * 22U, self->want.n);

	/* Preferences flip the best route both ways. */
	for (f = 0; f < 2; f++) {
		for (i = 0; i < 5; i++)
			ASSERT_WIN(NO_ERROR, add(&self->b[f], f, i, 20, 0, 1,
						 self->nhb[f]));
		for (i = 10; i < 15; i++)
			ASSERT_WIN(NO_ERROR, add(&self->b[f], f, i, 1, 0, 1,
						 &self->nhb[f][1]));
	}
	wait_synced(_metadata, self, "preference flips");

	/* ECMP routes, then one of them back to one next hop. */
	for (f = 0; f < 2; f++) {
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 30, 10, 0, 2,
					 self->nha[f]));
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 31, 10, 0, 3,
					 self->nha[f]));
		ASSERT_WIN(NO_ERROR, add(&self->b[f], f, 32, 10, 0, 2,
					 self->nhb[f]));
		/* b's ECMP beats a's single path on 3. */
		ASSERT_WIN(NO_ERROR, add(&self->b[f], f, 3, 2, 0, 2,
					 self->nhb[f]));
	}
	wait_synced(_metadata, self, "ECMP");
	for (f = 0; f < 2; f++)
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 31, 10, 0, 1,
					 &self->nha[f][2]));
	wait_synced(_metadata, self, "ECMP to one next hop");

	/* Blackholes; inactive and martian routes are not forwarded. */
	for (f = 0; f < 2; f++) {
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 40, 10,
					 RTM_ROUTE_FLAGS_DISCARD, 0, NULL));
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 41, 10,
					 RTM_ROUTE_FLAGS_BLACKHOLE, 1,
					 self->nha[f]));
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 42, 10,
					 RTM_ROUTE_FLAGS_INACTIVE, 1,
					 self->nha[f]));
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 43, 10,
					 RTM_ROUTE_FLAGS_MARTIAN, 1,
					 self->nha[f]));
		/* An inactive best route over a good one: not forwarded. */
		ASSERT_WIN(NO_ERROR, add(&self->b[f], f, 44, 10, 0, 1,
					 self->nhb[f]));
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 44, 1,
					 RTM_ROUTE_FLAGS_INACTIVE, 1,
					 self->nha[f]));
		/* A route without a next hop: not in the FIB. */
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 45, 10, 0, 0, NULL));
	}
	wait_synced(_metadata, self, "flags");
	for (f = 0; f < 2; f++)		/* and back */
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 40, 10, 0, 1,
					 &self->nha[f][1]));
	wait_synced(_metadata, self, "blackhole to unicast");

	/* Deletes: gone where nothing is left, the other route elsewhere. */
	for (f = 0; f < 2; f++) {
		for (i = 15; i < 20; i++) {
			RTM_NET_ADDRESS d = net(f, i);

			ASSERT_WIN(NO_ERROR, rt_del_at(self->a[f].h, &d));
		}
		for (i = 5; i < 15; i++) {
			RTM_NET_ADDRESS d = net(f, i);

			ASSERT_WIN(NO_ERROR, rt_del_at(self->b[f].h, &d));
		}
		/* a's route under b's ECMP route on 3 goes: b's stays. */
		{
			RTM_NET_ADDRESS d = net(f, 3);

			ASSERT_WIN(NO_ERROR, rt_del_at(self->a[f].h, &d));
		}
	}
	wait_synced(_metadata, self, "deletes");

	/* A few thousand routes in one batch each, then out again. */
	bulk = calloc(NBULK4 + NBULK6, sizeof(*bulk));
	ASSERT_NE(NULL, bulk);
	for (i = 0; i < NBULK4 + NBULK6; i++) {
		RTM_NET_ADDRESS d = i < NBULK4 ?
			pfx(AF_INET, 100, 64 + i / 256, i % 256, 0, 24) :
			pfx(AF_INET6, 2, (i - NBULK4) / 256, (i - NBULK4) % 256,
			    0, 32);

		memcpy(&bulk[i].dest, &d, sizeof(bulk[i].dest));
		bulk[i].preference = 10;
		bulk[i].metric = i;
		bulk[i].views = RTM_VIEW_MASK_UCAST;
		bulk[i].nexthop_count = 1;
		bulk[i].nexthop_first = i % 3;
	}
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(self->a[0].h, bulk, NBULK4,
						 self->nha[0], 3, &nb));
	ASSERT_WIN(NO_ERROR, rtm_bulk_add_routes(self->a[1].h, bulk + NBULK4,
						 NBULK6, self->nha[1], 3, &nb));
	waited = wait_synced(_metadata, self, "a batch of routes");
	TH_LOG("%u routes in the FIB %lld ms after the batch", NBULK4 + NBULK6,
	       waited);
	ASSERT_LE(NBULK4 + NBULK6 + 40U, self->want.n);
	ASSERT_WIN(NO_ERROR, rtm_bulk_delete_routes(self->a[0].h, bulk, NBULK4,
						    &nb));
	ASSERT_WIN(NO_ERROR, rtm_bulk_delete_routes(self->a[1].h, bulk + NBULK4,
						    NBULK6, &nb));
	wait_synced(_metadata, self, "the batch deleted");
	free(bulk);

	fibsync_stop(_metadata, self);
}

/*
 * At start: routes of its protocol left in its table by an earlier run go
 * (or are corrected), rtm's routes come in, before "in sync"; routes of
 * other protocols and tables are left alone, then and on SIGTERM.
 */
TEST_F_TIMEOUT(fib, resync_at_start, 120)
{
	static const uint8_t stale4[4] = { 198, 51, 100, 0 };
	static const uint8_t static4[4] = { 198, 51, 101, 0 };
	static const uint8_t stale6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xde, 0xad };
	uint8_t gw4[4] = { 192, 0, 2, 99 }, gw6[16];
	RTM_NET_ADDRESS d1 = net(0, 1);
	struct rset all;
	unsigned int f, i, others = 0;
	size_t k;

	if (_metadata->skip)	/* by the setup */
		return;
	memcpy(gw6, my6, 16);
	gw6[15] = 99;
	/* Left over by "an earlier run". */
	ASSERT_EQ(0, route_add(self->nl, AF_INET, stale4, 24, gw4,
			       self->ifindex, FIB_PROTO, RT_TABLE_MAIN,
			       FIB_METRIC));
	ASSERT_EQ(0, route_add(self->nl, AF_INET6, stale6, 48, gw6,
			       self->ifindex, FIB_PROTO, RT_TABLE_MAIN,
			       FIB_METRIC));
	/* rtm has 198.18.1.0/24, through another gateway. */
	ASSERT_EQ(0, route_add(self->nl, AF_INET, d1.AddrBits, 24, gw4,
			       self->ifindex, FIB_PROTO, RT_TABLE_MAIN,
			       FIB_METRIC));
	/* Not its own: another protocol, another table. */
	ASSERT_EQ(0, route_add(self->nl, AF_INET, static4, 24, gw4,
			       self->ifindex, RTPROT_STATIC, RT_TABLE_MAIN,
			       FIB_METRIC));
	ASSERT_EQ(0, route_add(self->nl, AF_INET, stale4, 24, gw4,
			       self->ifindex, FIB_PROTO, 100, FIB_METRIC));
	ASSERT_EQ(0, route_add(self->nl, AF_INET6, stale6, 48, gw6,
			       self->ifindex, RTPROT_STATIC, RT_TABLE_MAIN,
			       FIB_METRIC + 1));
	for (f = 0; f < 2; f++)
		for (i = 0; i < 5; i++)
			ASSERT_WIN(NO_ERROR, add(&self->a[f], f, i, 10, 0,
						 i % 2 + 1, self->nha[f]));

	fibsync_start(_metadata, self);
	/* In sync means in sync: no waiting. */
	expected(_metadata, self);
	ASSERT_EQ(0, fib_dump(self->nl, FIB_PROTO, &self->got));
	only_main(&self->got);
	EXPECT_TRUE(rset_diff(_metadata, &self->want, &self->got, true))
		TH_LOG("not in sync at \"in sync\"");
	EXPECT_EQ(10U, self->want.n);

	/* Still there: the routes that are not its own. */
	memset(&all, 0, sizeof(all));
	ASSERT_EQ(0, fib_dump(self->nl, 0, &all));
	for (k = 0; k < all.n; k++) {
		const struct froute *r = &all.r[k];

		if (r->family == AF_INET && r->table == 100 &&
		    r->proto == FIB_PROTO && !memcmp(r->dst, stale4, 4))
			others++;
		if (r->family == AF_INET && r->table == RT_TABLE_MAIN &&
		    r->proto == RTPROT_STATIC && !memcmp(r->dst, static4, 4))
			others++;
		if (r->family == AF_INET6 && r->table == RT_TABLE_MAIN &&
		    r->proto == RTPROT_STATIC && !memcmp(r->dst, stale6, 16))
			others++;
	}
	EXPECT_EQ(3U, others) TH_LOG("a route not its own was touched");

	fibsync_stop(_metadata, self);
	others = 0;
	ASSERT_EQ(0, fib_dump(self->nl, 0, &all));
	for (k = 0; k < all.n; k++)
		if (all.r[k].proto == RTPROT_STATIC ||
		    (all.r[k].proto == FIB_PROTO && all.r[k].table == 100))
			others++;
	EXPECT_EQ(3U, others) TH_LOG("a route not its own was removed");
	free(all.r);
}

/* Another's route at rtm-fibsync's metric: @i of family @f, via .99. */
static void other_add(struct __test_metadata *_metadata,
		      FIXTURE_DATA(fib) *self, unsigned int f, unsigned int i)
{
	RTM_NET_ADDRESS d = net(f, i);
	int fam = f ? AF_INET6 : AF_INET;
	uint8_t gw[16] = { 0 };
	struct froute *o;

	ASSERT_GT(4U, self->nothers);
	if (f)
		memcpy(gw, my6, sizeof(my6));
	else
		memcpy(gw, my4, sizeof(my4));
	gw[fam_bytes(fam) - 1] = 99;
	ASSERT_EQ(0, route_add(self->nl, fam, d.AddrBits, d.NumBits, gw,
			       self->ifindex, RTPROT_STATIC, RT_TABLE_MAIN,
			       FIB_METRIC));
	o = &self->others[self->nothers++];
	memset(o, 0, sizeof(*o));
	o->family = fam;
	o->table = RT_TABLE_MAIN;
	o->len = d.NumBits;
	memcpy(o->dst, d.AddrBits, fam_bytes(fam));
	memcpy(o->nh[0].gw, gw, 16);
}

/* Each of the others' routes is in the FIB as it was put there. */
static void others_intact(struct __test_metadata *_metadata,
			  FIXTURE_DATA(fib) *self, const char *what)
{
	struct rset all = { 0 };
	unsigned int j, found = 0;
	size_t k;

	ASSERT_EQ(0, fib_dump(self->nl, 0, &all));
	for (j = 0; j < self->nothers; j++)
		for (k = 0; k < all.n; k++) {
			const struct froute *r = &all.r[k];

			if (!froute_key_cmp(r, &self->others[j]) &&
			    r->proto == RTPROT_STATIC &&
			    r->metric == FIB_METRIC && r->nnh == 1 &&
			    !memcmp(r->nh[0].gw, self->others[j].nh[0].gw,
				    16)) {
				found++;
				break;
			}
		}
	free(all.r);
	EXPECT_EQ(self->nothers, found)
		TH_LOG("%s: a route not its own was replaced or removed", what);
}

/*
 * A route of another protocol at its metric in its table, there before it
 * starts or added while it runs: rtm-fibsync leaves it alone (no replace,
 * no delete, not at SIGTERM either) and keeps every other prefix in sync.
 */
TEST_F_TIMEOUT(fib, beside_another_route, 120)
{
	unsigned int f, i;

	if (_metadata->skip)	/* by the setup */
		return;
	for (f = 0; f < 2; f++) {
		other_add(_metadata, self, f, 1);
		for (i = 0; i < 4; i++)
			ASSERT_WIN(NO_ERROR, add(&self->a[f], f, i, 10, 0, 1,
						 self->nha[f]));
	}
	fibsync_start(_metadata, self);
	wait_synced(_metadata, self, "at start");
	others_intact(_metadata, self, "at start");

	/* One more, where rtm then gets a route. */
	for (f = 0; f < 2; f++) {
		other_add(_metadata, self, f, 5);
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 5, 10, 0, 1,
					 self->nha[f]));
		/* And a change of the prefix it left alone at start. */
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 1, 10, 0, 1,
					 &self->nha[f][1]));
	}
	wait_synced(_metadata, self, "routes of rtm where others' are");
	others_intact(_metadata, self, "while it runs");

	fibsync_stop(_metadata, self);
	others_intact(_metadata, self, "after SIGTERM");
}

/*
 * One rtm-fibsync per (table, protocol, metric) in a namespace: a second
 * one, of another rtm instance (which has none of these routes), refuses
 * to start rather than remove the first's routes as stale; one at another
 * metric runs beside it and leaves the first's routes alone.
 */
TEST_F_TIMEOUT(fib, one_owner, 120)
{
	static const char *const again[] = {
		"rtm-fibsync", "-4", "-6", "-i", "1", NULL,
	};
	static const char *const beside[] = {
		"rtm-fibsync", "-4", "-6", "-i", "1", "-m", "201", NULL,
	};
	long long end;
	unsigned int f, i;
	int status = -1, out;
	pid_t first, pid, r;

	if (_metadata->skip)	/* by the setup */
		return;
	for (f = 0; f < 2; f++)
		for (i = 0; i < 4; i++)
			ASSERT_WIN(NO_ERROR, add(&self->a[f], f, i, 10, 0,
						 i % 2 + 1, self->nha[f]));
	fibsync_start(_metadata, self);
	wait_synced(_metadata, self, "the first");
	first = self->pid;
	out = self->out;

	/* The second: exits 1 on its own, the first's routes untouched. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execv(self->prog, (char *const *)again);
		_exit(127);
	}
	end = now_ms() + WAIT_MS * 2;
	while ((r = waitpid(pid, &status, WNOHANG)) == 0 && now_ms() < end)
		usleep(10000);
	if (r != pid) {
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
	}
	EXPECT_EQ(pid, r) TH_LOG("a second rtm-fibsync of the same table, protocol and metric ran");
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1)
		TH_LOG("the second: status %#x", status);
	wait_synced(_metadata, self, "after the second");

	/* At another metric: it runs, and stops without touching ours. */
	self->out = -1;
	fibsync_spawn(_metadata, self, beside, -1);
	pid = self->pid;
	close(self->out);
	self->pid = first;
	self->out = out;
	ASSERT_EQ(0, kill(pid, SIGTERM));
	end = now_ms() + WAIT_MS * 2;
	while ((r = waitpid(pid, &status, WNOHANG)) == 0 && now_ms() < end)
		usleep(10000);
	ASSERT_EQ(pid, r) TH_LOG("rtm-fibsync -m 201 ignored SIGTERM");
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("rtm-fibsync -m 201: status %#x", status);
	wait_synced(_metadata, self, "after one at metric 201 stopped");
	fibsync_stop(_metadata, self);
}

/*
 * It watches the FIB: routes of its own that an administrator deletes
 * (ip route flush proto 190) or the kernel takes with a device going down
 * come back; one refused while the device is down goes in when it is up.
 */
TEST_F_TIMEOUT(fib, follows_the_fib, 180)
{
	unsigned int f, i;
	size_t k;

	if (_metadata->skip)	/* by the setup */
		return;
	for (f = 0; f < 2; f++)
		for (i = 0; i < 4; i++)
			ASSERT_WIN(NO_ERROR, add(&self->a[f], f, i, 10, 0,
						 i % 2 + 1, self->nha[f]));
	fibsync_start(_metadata, self);
	wait_synced(_metadata, self, "at start");

	/* ip route flush proto 190 */
	ASSERT_EQ(0, fib_dump(self->nl, FIB_PROTO, &self->got));
	only_main(&self->got);
	ASSERT_LT(0U, self->got.n);
	for (k = 0; k < self->got.n; k++)
		route_del(self->nl, self->got.r[k].family, self->got.r[k].dst,
			  self->got.r[k].len, FIB_PROTO, RT_TABLE_MAIN,
			  FIB_METRIC);
	wait_synced(_metadata, self, "after a flush of its protocol");

	/* Down: the kernel takes its routes; a new one is refused. */
	ASSERT_EQ(0, link_set(self->nl, self->ifindex, false));
	for (f = 0; f < 2; f++)
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 6, 10, 0, 1,
					 self->nha[f]));
	usleep(200 * 1000);
	ASSERT_EQ(0, link_set(self->nl, self->ifindex, true));
	/*
	 * IPv6 drops the addresses of a device that goes down (unless
	 * keep_addr_on_down): its gateways are off the link until the
	 * address is back, and their routes go in when it is.
	 */
	i = addr_add(self->nl, AF_INET6, self->ifindex, my6, 64);
	ASSERT_TRUE(!i || (int)i == -EEXIST) TH_LOG("addr: %d", (int)i);
	wait_synced(_metadata, self, "after the device came back up");

	fibsync_stop(_metadata, self);
}

/*
 * Many routes through a device that is down: the FIB refuses each, and
 * rtm-fibsync logs the first 16 of its start and counts the rest in one
 * line; they go in when the device is up.
 */
TEST_F_TIMEOUT(fib, refusals_logged_sixteen_a_round, 120)
{
	char path[] = "/tmp/fibsync_test.XXXXXX", line[256];
	unsigned int i, shown = 0, summaries = 0;
	unsigned long more = 0;
	FILE *err;
	int fd;

	if (_metadata->skip)	/* by the setup */
		return;
	ASSERT_EQ(0, link_set(self->nl, self->ifindex, false));
	for (i = 0; i < 40; i++)
		ASSERT_WIN(NO_ERROR, add(&self->a[0], 0, 100 + i, 10, 0, 1,
					 self->nha[0]));
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	unlink(path);
	/* In sync: the start's round is over, and logged */
	fibsync_spawn(_metadata, self, NULL, fd);
	err = fdopen(fd, "r");
	ASSERT_NE(NULL, err);
	rewind(err);
	while (fgets(line, sizeof(line), err)) {
		if (strstr(line, "IPv4: 198.18.") &&
		    strstr(line, "the FIB refused it"))
			shown++;
		else if (sscanf(line, "rtm-fibsync: IPv4: %lu more refused",
				&more) == 1)
			summaries++;
		else
			TH_LOG("rtm-fibsync said: %s", line);
	}
	fclose(err);
	EXPECT_EQ(16U, shown);
	EXPECT_EQ(1U, summaries);
	EXPECT_EQ(24UL, more);

	ASSERT_EQ(0, link_set(self->nl, self->ifindex, true));
	/* IPv6 drops a downed device's addresses (follows_the_fib) */
	i = addr_add(self->nl, AF_INET6, self->ifindex, my6, 64);
	ASSERT_TRUE(!i || (int)i == -EEXIST) TH_LOG("addr: %d", (int)i);
	wait_synced(_metadata, self, "after the device came back up");
	fibsync_stop(_metadata, self);
}

/*
 * A gateway not on the link: the FIB refuses it (rtm-fibsync sets no
 * onlink), rtm-fibsync reports it on stderr and leaves it out; once an
 * address of the device covers the gateway, it goes in.
 */
TEST_F_TIMEOUT(fib, gateway_off_link, 120)
{
	static const uint8_t far4[4] = { 203, 0, 113, 1 };
	static const uint8_t near4[4] = { 203, 0, 113, 254 };
	RTM_NEXTHOP_HANDLE nh;
	RTM_NET_ADDRESS g = pfx_raw(AF_INET, far4, 32), d = net(0, 7);
	struct froute *o;
	unsigned int i;

	if (_metadata->skip)	/* by the setup */
		return;
	ASSERT_WIN(NO_ERROR, nh_add(self->a[0].h, &g, self->ifindex, &nh));
	for (i = 0; i < 3; i++)
		ASSERT_WIN(NO_ERROR, add(&self->a[0], 0, i, 10, 0, 1,
					 self->nha[0]));
	ASSERT_WIN(NO_ERROR, add(&self->a[0], 0, 7, 10, 0, 1, &nh));
	/* Not in the FIB while the gateway is off the link. */
	o = &self->others[self->nothers++];
	memset(o, 0, sizeof(*o));
	o->family = AF_INET;
	o->table = RT_TABLE_MAIN;
	o->len = d.NumBits;
	memcpy(o->dst, d.AddrBits, 4);
	fibsync_start(_metadata, self);
	wait_synced(_metadata, self, "gateway off the link");

	/* An address that puts it on the link: the route goes in. */
	ASSERT_EQ(0, addr_add(self->nl, AF_INET, self->ifindex, near4, 24));
	self->nothers = 0;
	wait_synced(_metadata, self, "gateway on the link");
	fibsync_stop(_metadata, self);
}

/*
 * ECMP over interfaces alone: next hops with no gateway on d0 and on a
 * second device d1 go in as one multipath route without gateways (the
 * kernel refuses such next hops marked onlink), IPv4 only: IPv6 multipath
 * takes next hops with a gateway alone, so there the first goes in, and of
 * a gateway and a device-only next hop (52), the gateway.  Then back to one
 * device.
 */
TEST_F_TIMEOUT(fib, ecmp_interfaces, 120)
{
	static const uint8_t addr4[4] = { 192, 0, 2, 129 };
	static const uint8_t addr6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xfe,
					   0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	RTM_NEXTHOP_HANDLE nh[2][2], mixed[2];
	unsigned int f, i;
	int d1;

	if (_metadata->skip)	/* by the setup */
		return;
	ASSERT_EQ(0, dummy_add(self->nl, "d1"));
	d1 = if_nametoindex("d1");
	ASSERT_LT(0, d1);
	ASSERT_EQ(0, link_up(self->nl, d1));
	ASSERT_EQ(0, addr_add(self->nl, AF_INET, d1, addr4, 25));
	ASSERT_EQ(0, addr_add(self->nl, AF_INET6, d1, addr6, 64));
	for (f = 0; f < 2; f++) {
		USHORT fam = f ? AF_INET6 : AF_INET;
		static const uint8_t none[16];
		RTM_NET_ADDRESS g = pfx_raw(fam, none, fam_bits(fam));

		for (i = 0; i < 2; i++)
			ASSERT_WIN(NO_ERROR, nh_add(self->a[f].h, &g,
						    i ? d1 : self->ifindex,
						    &nh[f][i]));
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 50, 10, 0, 2, nh[f]));
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 51, 10, 0, 1,
					 &nh[f][1]));
		mixed[0] = self->nha[f][0];
		mixed[1] = nh[f][1];
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 52, 10, 0, 2, mixed));
	}
	fibsync_start(_metadata, self);
	wait_synced(_metadata, self, "ECMP over two devices");
	for (f = 0; f < 2; f++)
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 50, 10, 0, 1,
					 &nh[f][0]));
	wait_synced(_metadata, self, "back to one device");
	fibsync_stop(_metadata, self);
	for (f = 0; f < 2; f++)
		EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->a[f].h, 2, nh[f]));
}

/*
 * The FIB's route of rtm-fibsync to @d, as it settles within SYNC_MS:
 * through @gw on d0 alone, or (@gw NULL) none at all.
 */
static void wait_route(struct __test_metadata *_metadata,
		       FIXTURE_DATA(fib) *self, const RTM_NET_ADDRESS *d,
		       const uint8_t *gw, const char *what)
{
	unsigned int bytes = fam_bytes(d->AddressFamily);
	long long end = now_ms() + SYNC_MS;
	char buf[512];
	size_t k;

	for (;;) {
		const struct froute *r = NULL;

		ASSERT_EQ(0, fib_dump(self->nl, FIB_PROTO, &self->got));
		only_main(&self->got);
		for (k = 0; k < self->got.n; k++)
			if (self->got.r[k].family == d->AddressFamily &&
			    self->got.r[k].len == d->NumBits &&
			    !memcmp(self->got.r[k].dst, d->AddrBits, bytes))
				r = &self->got.r[k];
		if (!gw && !r)
			return;
		if (gw && r && r->type == RTN_UNICAST && r->nnh == 1 &&
		    r->nh[0].ifindex == self->ifindex &&
		    !memcmp(r->nh[0].gw, gw, bytes))
			return;
		ASSERT_LT(now_ms(), end)
			TH_LOG("%s: the FIB has %s", what,
			       r ? froute_str(r, buf, sizeof(buf)) : "no route");
		usleep(50 * 1000);
	}
}

/*
 * Recursive next hops: B (203.0.113.0/24, 2001:db8:200::/64) has a remote
 * next hop in A (198.18.5.0/24, 2001:db8:100:5::/64), whose route goes
 * through a gateway on d0.  The FIB cannot take B's own gateway (not on a
 * link), so B goes in through A's gateway and device, and follows A: a new
 * gateway of A, A gone (B out: nothing resolves it), A back.  C has a
 * remote next hop in B (two levels: C through B through A) that names d0
 * as well, which makes it no less remote; and L one in itself, which
 * resolves nowhere: L stays out, and rtm-fibsync neither loops nor falls
 * over on it.
 */
static DWORD remote_add(RTM_ENTITY_HANDLE h, const RTM_NET_ADDRESS *dest,
			const RTM_NET_ADDRESS *in, ULONG ifindex,
			RTM_NEXTHOP_HANDLE *nh)
{
	unsigned int bytes = fam_bytes(in->AddressFamily);
	struct rt r = { .pref = 10, .metric = 1, .nnh = 1 };
	RTM_NEXTHOP_CHANGE_FLAGS chg = 0;
	RTM_NEXTHOP_INFO info;
	DWORD st;

	/* BGP style: an address in @in, REMOTE, usually no interface. */
	memset(&info, 0, sizeof(info));
	info.InterfaceIndex = ifindex;
	info.NextHopAddress = *in;
	info.NextHopAddress.NumBits = bytes * 8;
	info.NextHopAddress.AddrBits[bytes - 1] |= 1;
	info.Flags = RTM_NEXTHOP_FLAGS_REMOTE;
	*nh = NULL;
	st = RtmAddNextHop(h, &info, nh, &chg);
	if (st != NO_ERROR)
		return st;
	r.nh[0] = *nh;
	return rt_add(h, dest, &r, NULL, NULL, NULL);
}

TEST_F_TIMEOUT(fib, remote_nexthop, 120)
{
	RTM_NET_ADDRESS A[2], B[2], C[2], L[2];
	RTM_NEXTHOP_HANDLE rnh[2][3];
	uint8_t gw[2][3][16];
	unsigned int f, i;

	if (_metadata->skip)	/* by the setup */
		return;
	B[0] = pfx(AF_INET, 203, 0, 113, 0, 24);
	B[1] = pfx(AF_INET6, 2, 0, 0, 0, 32);
	C[0] = pfx(AF_INET, 198, 51, 100, 0, 24);
	C[1] = pfx(AF_INET6, 3, 0, 0, 0, 32);
	L[0] = pfx(AF_INET, 192, 0, 0, 0, 24);
	L[1] = pfx(AF_INET6, 4, 0, 0, 0, 32);
	for (f = 0; f < 2; f++) {
		USHORT fam = f ? AF_INET6 : AF_INET;

		for (i = 0; i < 3; i++) {
			memset(gw[f][i], 0, 16);
			memcpy(gw[f][i], f ? my6 : my4, fam_bytes(fam));
			gw[f][i][fam_bytes(fam) - 1] = 2 + i;
		}
		A[f] = net(f, 5);
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 5, 10, 0, 1,
					 &self->nha[f][0]));
		ASSERT_WIN(NO_ERROR, remote_add(self->b[f].h, &B[f], &A[f], 0,
						&rnh[f][0]));
		ASSERT_WIN(NO_ERROR, remote_add(self->b[f].h, &C[f], &B[f],
						self->ifindex, &rnh[f][1]));
		ASSERT_WIN(NO_ERROR, remote_add(self->b[f].h, &L[f], &L[f], 0,
						&rnh[f][2]));
	}
	fibsync_start(_metadata, self);
	for (f = 0; f < 2; f++) {
		wait_route(_metadata, self, &B[f], gw[f][0], "at start");
		wait_route(_metadata, self, &C[f], gw[f][0], "C at start");
		wait_route(_metadata, self, &L[f], NULL, "L at start");
	}

	/* A through another gateway: B follows. */
	for (f = 0; f < 2; f++)
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 5, 10, 0, 1,
					 &self->nha[f][1]));
	for (f = 0; f < 2; f++) {
		wait_route(_metadata, self, &B[f], gw[f][1], "A moved");
		wait_route(_metadata, self, &C[f], gw[f][1], "C, A moved");
	}

	/* A gone: nothing resolves B, it leaves the FIB. */
	for (f = 0; f < 2; f++)
		ASSERT_WIN(NO_ERROR, rt_del_at(self->a[f].h, &A[f]));
	for (f = 0; f < 2; f++) {
		wait_route(_metadata, self, &B[f], NULL, "A deleted");
		wait_route(_metadata, self, &C[f], NULL, "C, A deleted");
	}

	/* A back: so is B. */
	for (f = 0; f < 2; f++)
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, 5, 10, 0, 1,
					 &self->nha[f][0]));
	for (f = 0; f < 2; f++) {
		wait_route(_metadata, self, &B[f], gw[f][0], "A back");
		wait_route(_metadata, self, &C[f], gw[f][0], "C, A back");
		wait_route(_metadata, self, &L[f], NULL, "L, A back");
	}

	fibsync_stop(_metadata, self);
	for (f = 0; f < 2; f++)
		EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->b[f].h, 3,
							rnh[f]));
}

/* ------------------------------------------------------------------ */
/* -I: the kernel's connected and static routes in rtm                  */
/* ------------------------------------------------------------------ */

static const char *const import_args[] = {
	"rtm-fibsync", "-4", "-6", "-I", NULL,
};

/*
 * rtm's best route of protocol @proto to exactly @d, read through @e into
 * @out (its owner's protocol in proto, its metric, its next hops): 1, 0
 * when rtm has none, -1 when reading it failed.
 */
static int rtm_route_of(const struct ent *e, const RTM_NET_ADDRESS *d,
			ULONG proto, struct froute *out)
{
	size_t risz = RTM_SIZE_OF_ROUTE_INFO(e->prof.MaxNextHopsInRoute);
	RTM_DEST_INFO *di = calloc(1, di_stride(1));
	RTM_ROUTE_INFO *ri = calloc(1, risz + sizeof(*ri));
	struct nhcache *cache = calloc(1, sizeof(*cache));
	RTM_NET_ADDRESS dest = *d;
	RTM_NEXTHOP_HANDLE *nhs;
	RTM_ENTITY_INFO ei;
	int ret = -1;
	unsigned int j;
	DWORD st;

	memset(out, 0, sizeof(*out));
	if (!di || !ri || !cache)
		goto out;
	st = RtmGetExactMatchDestination(e->h, &dest, proto,
					 RTM_VIEW_MASK_UCAST, di);
	if (st == ERROR_NOT_FOUND) {
		ret = 0;
		goto out;
	}
	if (st != NO_ERROR)
		goto out;
	if (!di->ViewInfo[0].Route) {
		ret = 0;
		goto release_dest;
	}
	if (RtmGetRouteInfo(e->h, di->ViewInfo[0].Route, ri, NULL) !=
	    NO_ERROR)
		goto release_dest;
	out->family = d->AddressFamily;
	out->len = d->NumBits;
	memcpy(out->dst, d->AddrBits, fam_bytes(d->AddressFamily));
	out->type = RTN_UNICAST;
	out->metric = ri->PrefInfo.Metric;
	if (RtmGetEntityInfo(e->h, ri->RouteOwner, &ei) == NO_ERROR) {
		out->proto = ei.EntityId.EntityProtocolId;
		RtmReleaseEntityInfo(e->h, &ei);
	}
	nhs = (RTM_NEXTHOP_HANDLE *)((char *)ri +
				     offsetof(RTM_ROUTE_INFO,
					      NextHopsList.NextHops));
	for (j = 0; j < ri->NextHopsList.NumNextHops && out->nnh < MAXNH; j++)
		if (nh_lookup(e->h, cache, nhs[j], &out->nh[out->nnh]))
			out->nnh++;
	RtmReleaseRouteInfo(e->h, ri);
	ret = 1;
release_dest:
	RtmReleaseDestInfo(e->h, di);
out:
	free(cache);
	free(ri);
	free(di);
	return ret;
}

/*
 * Wait until rtm's route of @proto to @d is through the @nnh next hops
 * @nh (in any order), at @metric, owned by an entity of @proto; or (@nnh
 * 0) until rtm has no route of @proto there.
 */
static void wait_import_nh(struct __test_metadata *_metadata,
			   FIXTURE_DATA(fib) *self, const RTM_NET_ADDRESS *d,
			   ULONG proto, const struct fnh *nh, unsigned int nnh,
			   uint32_t metric, const char *what)
{
	unsigned int f = d->AddressFamily == AF_INET6, i;
	long long end = now_ms() + SYNC_MS;
	struct fnh want[MAXNH];
	struct froute r;
	char buf[512];
	int got;

	ASSERT_GE((unsigned int)MAXNH, nnh);
	memcpy(want, nh, nnh * sizeof(*nh));
	qsort(want, nnh, sizeof(want[0]), fnh_cmp);
	for (;;) {
		got = rtm_route_of(&self->a[f], d, proto, &r);
		ASSERT_LE(0, got) TH_LOG("%s: reading rtm failed", what);
		if (!nnh && !got)
			return;
		if (nnh && got && r.proto == proto && r.metric == metric &&
		    r.nnh == nnh) {
			qsort(r.nh, r.nnh, sizeof(r.nh[0]), fnh_cmp);
			for (i = 0; i < nnh && !fnh_cmp(&r.nh[i], &want[i]);
			     i++)
				;
			if (i == nnh)
				return;
		}
		ASSERT_LT(now_ms(), end)
			TH_LOG("%s: %s: rtm has %s", what, pfx_str(d),
			       got ? froute_str(&r, buf, sizeof(buf)) :
				     "no route of that protocol");
		usleep(50 * 1000);
	}
}

/*
 * The same with one next hop: through @gw (NULL: address 0) on d0, or
 * (@present false) none.
 */
static void wait_import(struct __test_metadata *_metadata,
			FIXTURE_DATA(fib) *self, const RTM_NET_ADDRESS *d,
			ULONG proto, bool present, const uint8_t *gw,
			uint32_t metric, const char *what)
{
	struct fnh nh = { .ifindex = self->ifindex };

	if (gw)
		memcpy(nh.gw, gw, fam_bytes(d->AddressFamily));
	wait_import_nh(_metadata, self, d, proto, &nh, present, metric,
		       what);
}

/* The FIB has no route of rtm-fibsync's to exactly @d. */
static void fib_none_of_ours(struct __test_metadata *_metadata,
			     FIXTURE_DATA(fib) *self, RTM_NET_ADDRESS d)
{
	char buf[512];
	size_t k;

	ASSERT_EQ(0, fib_dump(self->nl, FIB_PROTO, &self->got));
	for (k = 0; k < self->got.n; k++)
		if (self->got.r[k].family == d.AddressFamily &&
		    self->got.r[k].len == d.NumBits &&
		    !memcmp(self->got.r[k].dst, d.AddrBits,
			    fam_bytes(d.AddressFamily)))
			break;
	EXPECT_EQ(self->got.n, k)
		TH_LOG("written back into the FIB: %s",
		       froute_str(&self->got.r[k], buf, sizeof(buf)));
}

/*
 * A route of rtm's own, added now, that rtm-fibsync writes into the FIB:
 * once it is there, the changes before it have been handled too.
 */
static void fibsync_barrier(struct __test_metadata *_metadata,
			    FIXTURE_DATA(fib) *self, unsigned int i)
{
	unsigned int f;

	for (f = 0; f < 2; f++) {
		RTM_NET_ADDRESS d = net(f, i);
		uint8_t gw[16] = { 0 };

		memcpy(gw, f ? my6 : my4, fam_bytes(d.AddressFamily));
		gw[fam_bytes(d.AddressFamily) - 1] = 2;
		ASSERT_WIN(NO_ERROR, add(&self->a[f], f, i, 10, 0, 1,
					 self->nha[f]));
		wait_route(_metadata, self, &d, gw, "barrier");
	}
}

/*
 * Connected routes: the prefix of each address of an interface that is up
 * is in rtm as a PROTO_IP_LOCAL route through that interface (not the
 * link-local one, not the host route), comes with a new address, goes with
 * the address and with the link; rtm-fibsync writes none of them into the
 * FIB.  A route of rtm with a remote next hop in a connected prefix goes
 * into the FIB through that address on the interface, and follows the
 * connected route's going and coming back.
 */
TEST_F_TIMEOUT(fib, import_connected, 180)
{
	static const uint8_t new4[4] = { 198, 51, 100, 1 };
	static const uint8_t new6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xaa, 0xaa,
					  0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t ll6[16] = { 0xfe, 0x80 };
	RTM_NET_ADDRESS mine[2], added[2], host, ll, far[2], in[2];
	RTM_NEXTHOP_HANDLE rnh[2];
	uint8_t gw[2][16] = { { 0 } };
	struct froute r;
	unsigned int f;
	int err;

	if (_metadata->skip)	/* by the setup */
		return;
	mine[0] = pfx_masked(pfx_raw(AF_INET, my4, 24));
	mine[1] = pfx_masked(pfx_raw(AF_INET6, my6, 64));
	far[0] = pfx(AF_INET, 203, 0, 113, 0, 24);
	far[1] = pfx(AF_INET6, 2, 0, 0, 0, 32);
	for (f = 0; f < 2; f++) {
		unsigned int bytes = f ? 16 : 4;

		/* A remote next hop .9 in the prefix of d0's address. */
		memcpy(gw[f], f ? my6 : my4, bytes);
		gw[f][bytes - 1] = 8;
		in[f] = pfx_raw(f ? AF_INET6 : AF_INET, gw[f], bytes * 8);
		gw[f][bytes - 1] = 9;
	}
	added[0] = pfx_masked(pfx_raw(AF_INET, new4, 24));
	added[1] = pfx_masked(pfx_raw(AF_INET6, new6, 64));
	fibsync_spawn(_metadata, self, import_args, -1);

	/* Imported by the first sync: there at "in sync". */
	for (f = 0; f < 2; f++) {
		RTM_NET_ADDRESS d = mine[f];

		ASSERT_EQ(1, rtm_route_of(&self->a[f], &d, PROTO_IP_LOCAL,
					  &r))
			TH_LOG("%s not in rtm at \"in sync\"", pfx_str(&d));
		wait_import(_metadata, self, &mine[f], PROTO_IP_LOCAL, true,
			    NULL, 0, "at start");
	}
	/* Neither host routes nor the link-local prefix. */
	host = pfx_raw(AF_INET, my4, 32);
	EXPECT_EQ(0, rtm_route_of(&self->a[0], &host, PROTO_IP_LOCAL, &r));
	host = pfx_raw(AF_INET6, my6, 128);
	EXPECT_EQ(0, rtm_route_of(&self->a[1], &host, PROTO_IP_LOCAL, &r));
	ll = pfx_raw(AF_INET6, ll6, 64);
	EXPECT_EQ(0, rtm_route_of(&self->a[1], &ll, PROTO_IP_LOCAL, &r))
		TH_LOG("fe80::/64 imported");

	/* Resolved through the connected route alone. */
	for (f = 0; f < 2; f++)
		ASSERT_WIN(NO_ERROR, remote_add(self->b[f].h, &far[f], &in[f],
						0, &rnh[f]));
	for (f = 0; f < 2; f++)
		wait_route(_metadata, self, &far[f], gw[f],
			   "through a connected route");

	/* A new address: its prefix comes. */
	ASSERT_EQ(0, addr_add(self->nl, AF_INET, self->ifindex, new4, 24));
	ASSERT_EQ(0, addr_add(self->nl, AF_INET6, self->ifindex, new6, 64));
	for (f = 0; f < 2; f++)
		wait_import(_metadata, self, &added[f], PROTO_IP_LOCAL, true,
			    NULL, 0, "address added");
	/* None of them goes back into the FIB. */
	fibsync_barrier(_metadata, self, 1);
	for (f = 0; f < 2; f++) {
		fib_none_of_ours(_metadata, self, mine[f]);
		fib_none_of_ours(_metadata, self, added[f]);
	}

	/* The address gone: so is its prefix, the other stays. */
	ASSERT_EQ(0, addr_del(self->nl, AF_INET, self->ifindex, new4, 24));
	ASSERT_EQ(0, addr_del(self->nl, AF_INET6, self->ifindex, new6, 64));
	for (f = 0; f < 2; f++) {
		wait_import(_metadata, self, &added[f], PROTO_IP_LOCAL, false,
			    NULL, 0, "address deleted");
		wait_import(_metadata, self, &mine[f], PROTO_IP_LOCAL, true,
			    NULL, 0, "another address deleted");
	}

	/* The link down: its prefixes go; up again, they come back. */
	ASSERT_EQ(0, link_set(self->nl, self->ifindex, false));
	for (f = 0; f < 2; f++) {
		wait_import(_metadata, self, &mine[f], PROTO_IP_LOCAL, false,
			    NULL, 0, "link down");
		wait_route(_metadata, self, &far[f], NULL,
			   "connected route gone");
	}
	ASSERT_EQ(0, link_set(self->nl, self->ifindex, true));
	/* IPv6 dropped its address with the link (keep_addr_on_down 0). */
	err = addr_add(self->nl, AF_INET6, self->ifindex, my6, 64);
	ASSERT_TRUE(!err || err == -EEXIST) TH_LOG("addr: %d", err);
	for (f = 0; f < 2; f++) {
		wait_import(_metadata, self, &mine[f], PROTO_IP_LOCAL, true,
			    NULL, 0, "link up");
		wait_route(_metadata, self, &far[f], gw[f],
			   "connected route back");
	}
	fibsync_barrier(_metadata, self, 2);
	for (f = 0; f < 2; f++)
		fib_none_of_ours(_metadata, self, mine[f]);

	fibsync_stop(_metadata, self);
	for (f = 0; f < 2; f++)
		EXPECT_WIN(NO_ERROR, RtmReleaseNextHops(self->b[f].h, 1,
							&rnh[f]));
}

/*
 * Static routes: routes of protocol static or boot in table main, there
 * before it starts or added while it runs, are in rtm as
 * PROTO_IP_NT_STATIC routes through their gateway and device at their
 * metric, multipath ones through each next hop, device routes through
 * their device; another protocol's and another table's are not; a static
 * route deleted goes from rtm; none is written back into the FIB, and the
 * kernel's stay when it stops.
 */
TEST_F_TIMEOUT(fib, import_static, 180)
{
	static const uint8_t s4[2][4] = { { 198, 51, 100, 0 },
					  { 198, 51, 101, 0 } };
	static const uint8_t s6[2][16] = {
		{ 0x20, 0x01, 0x0d, 0xb8, 0xbb, 0xb0 },
		{ 0x20, 0x01, 0x0d, 0xb8, 0xbb, 0xb1 },
	};
	static const uint8_t z4[4] = { 198, 51, 102, 0 };
	static const uint8_t z6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xbb, 0xb2 };
	static const uint8_t mp4[4] = { 198, 51, 103, 0 };
	static const uint8_t mp6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xbb, 0xb3 };
	static const uint8_t dev4[4] = { 198, 51, 104, 0 };
	static const uint8_t dev6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xbb, 0xb4 };
	const uint32_t metric = 50;
	RTM_NET_ADDRESS st[2][2], zebra[2], other_table[2], mp[2], dev[2];
	struct fnh mpnh[2][2], devnh;
	uint8_t gw[2][16] = { { 0 } };
	struct rset all = { 0 };
	unsigned int f, i, kept = 0;
	int fam;
	size_t k;

	if (_metadata->skip)	/* by the setup */
		return;
	for (f = 0; f < 2; f++) {
		fam = f ? AF_INET6 : AF_INET;
		memcpy(gw[f], f ? my6 : my4, fam_bytes(fam));
		gw[f][fam_bytes(fam) - 1] = 99;
		for (i = 0; i < 2; i++)
			st[f][i] = f ? pfx_raw(AF_INET6, s6[i], 48) :
				       pfx_raw(AF_INET, s4[i], 24);
		zebra[f] = f ? pfx_raw(AF_INET6, z6, 48) :
			       pfx_raw(AF_INET, z4, 24);
		mp[f] = f ? pfx_raw(AF_INET6, mp6, 48) :
			    pfx_raw(AF_INET, mp4, 24);
		dev[f] = f ? pfx_raw(AF_INET6, dev6, 48) :
			     pfx_raw(AF_INET, dev4, 24);
		for (i = 0; i < 2; i++) {
			memset(&mpnh[f][i], 0, sizeof(mpnh[f][i]));
			memcpy(mpnh[f][i].gw, gw[f], 16);
			mpnh[f][i].gw[fam_bytes(fam) - 1] = 97 + i;
			mpnh[f][i].ifindex = self->ifindex;
		}
		other_table[f] = st[f][1];
		/* Before it starts: static in IPv4, boot (ip's) in IPv6. */
		ASSERT_EQ(0, route_add(self->nl, fam, st[f][0].AddrBits,
				       st[f][0].NumBits, gw[f], self->ifindex,
				       f ? RTPROT_BOOT : RTPROT_STATIC,
				       RT_TABLE_MAIN, metric));
	}
	fibsync_spawn(_metadata, self, import_args, -1);
	for (f = 0; f < 2; f++)
		wait_import(_metadata, self, &st[f][0], PROTO_IP_NT_STATIC,
			    true, gw[f], metric, "at start");

	/* While it runs, and beside them some not to import. */
	for (f = 0; f < 2; f++) {
		fam = f ? AF_INET6 : AF_INET;
		ASSERT_EQ(0, route_add(self->nl, fam, st[f][1].AddrBits,
				       st[f][1].NumBits, gw[f], self->ifindex,
				       f ? RTPROT_STATIC : RTPROT_BOOT,
				       RT_TABLE_MAIN, metric));
		ASSERT_EQ(0, route_add(self->nl, fam, zebra[f].AddrBits,
				       zebra[f].NumBits, gw[f], self->ifindex,
				       RTPROT_ZEBRA, RT_TABLE_MAIN, metric));
		ASSERT_EQ(0, route_add(self->nl, fam, other_table[f].AddrBits,
				       other_table[f].NumBits, gw[f],
				       self->ifindex, RTPROT_STATIC, 100,
				       metric + 1));
		ASSERT_EQ(0, route_add_nh(self->nl, fam, mp[f].AddrBits,
					  mp[f].NumBits, mpnh[f], 2,
					  RTPROT_STATIC, RT_TABLE_MAIN,
					  metric));
		memset(&devnh, 0, sizeof(devnh));
		devnh.ifindex = self->ifindex;
		ASSERT_EQ(0, route_add_nh(self->nl, fam, dev[f].AddrBits,
					  dev[f].NumBits, &devnh, 1,
					  RTPROT_STATIC, RT_TABLE_MAIN,
					  metric));
	}
	for (f = 0; f < 2; f++) {
		wait_import(_metadata, self, &st[f][1], PROTO_IP_NT_STATIC,
			    true, gw[f], metric, "added while it runs");
		wait_import_nh(_metadata, self, &mp[f], PROTO_IP_NT_STATIC,
			       mpnh[f], 2, metric, "multipath");
		wait_import(_metadata, self, &dev[f], PROTO_IP_NT_STATIC,
			    true, NULL, metric, "through a device");
	}
	fibsync_barrier(_metadata, self, 1);
	for (f = 0; f < 2; f++) {
		struct froute r;

		EXPECT_EQ(0, rtm_route_of(&self->a[f], &zebra[f],
					  PROTO_IP_NT_STATIC, &r))
			TH_LOG("a route of another protocol was imported");
		/* The table-100 one is not a second next hop of st[f][1]. */
		wait_import(_metadata, self, &st[f][1], PROTO_IP_NT_STATIC,
			    true, gw[f], metric, "another table's");
		for (i = 0; i < 2; i++)
			fib_none_of_ours(_metadata, self, st[f][i]);
		fib_none_of_ours(_metadata, self, mp[f]);
		fib_none_of_ours(_metadata, self, dev[f]);
	}

	/* Deleted: gone from rtm, the other stays. */
	for (f = 0; f < 2; f++) {
		fam = f ? AF_INET6 : AF_INET;
		ASSERT_EQ(0, route_del(self->nl, fam, st[f][1].AddrBits,
				       st[f][1].NumBits,
				       f ? RTPROT_STATIC : RTPROT_BOOT,
				       RT_TABLE_MAIN, metric));
	}
	for (f = 0; f < 2; f++) {
		wait_import(_metadata, self, &st[f][1], PROTO_IP_NT_STATIC,
			    false, NULL, 0, "deleted");
		wait_import(_metadata, self, &st[f][0], PROTO_IP_NT_STATIC,
			    true, gw[f], metric, "another deleted");
	}

	/* Stopped: the kernel's static routes are all still there. */
	fibsync_stop(_metadata, self);
	ASSERT_EQ(0, fib_dump(self->nl, 0, &all));
	for (k = 0; k < all.n; k++)
		for (f = 0; f < 2; f++)
			if (all.r[k].family == (f ? AF_INET6 : AF_INET) &&
			    all.r[k].table == RT_TABLE_MAIN &&
			    all.r[k].metric == metric &&
			    !memcmp(all.r[k].dst, st[f][0].AddrBits, 16))
				kept++;
	free(all.r);
	EXPECT_EQ(2U, kept) TH_LOG("a static route of the kernel went");
}

TEST_HARNESS_MAIN
