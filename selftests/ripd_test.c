// SPDX-License-Identifier: GPL-2.0
/*
 * rtm-ripd against BIRD 2, over real links, with short timers (update 2 s,
 * timeout 6 s, garbage 4 s):
 *
 *   ns A: BIRD, stub 10.1.0.1/24    a0 10.0.1.1/24 --veth-- m0 10.0.1.2/24
 *   ns M: rtm-ripd on m0 and m1, rtm-fibsync
 *   ns B: BIRD, stub 10.2.0.1/24    b0 10.0.2.1/24 --veth-- m1 10.0.2.2/24
 *
 * BIRD A announces its stub with metric 3, BIRD B with metric 5.  In M the
 * stubs must become rtm routes of PROTO_IP_RIP with the metric plus one,
 * through the BIRD that announced them, and reach M's FIB through
 * rtm-fibsync; each BIRD must learn the other's stub from rtm-ripd (its
 * kernel protocol puts it into its namespace's FIB, read here over
 * rtnetlink) and a ping from stub to stub must go through; what rtm-ripd
 * sends on a0 (captured there) must carry A's own stub only with metric 16
 * (split horizon with poisoned reverse).  With BIRD B stopped (SIGSTOP),
 * B's stub must expire in M by the RIP timeout, be announced to A with
 * metric 16 while held down, and leave M's FIB and A's; with BIRD B going
 * on it must come back.  The same with b0 down, which m1 sees as a lost
 * carrier: B's stub must go at once.  SIGKILL of rtm-ripd must take its
 * routes out of rtm at once, and out of M's FIB.
 *
 * The same for RIPng (the ng_ tests): BIRD's "rip ng" on the veths, whose
 * link-local addresses are set (fe80::a on a0, fe80::1 on m0, fe80::2 on
 * m1, fe80::b on b0; no others), stubs fd01::1/64 and fd02::1/64 and
 * fd00:1::/64, fd00:2::/64 on the links: the stubs must be RIP routes of
 * M's IPv6 table through BIRD's link-local address on the veth, and what
 * M sends on a0 must come from fe80::1 with hop limit 255.  A response
 * made up in A (a raw socket) must have its next-hop entry honoured, and
 * one with hop limit 64 be refused.
 *
 * With m1 (M's side of link B) set down, B's stub and link B's network
 * must be announced unreachable to A well before the RIP timeout.  Started
 * with -d -s, rtm-ripd's first process must exit 0 and the daemon go on
 * routing, whether or not the guest has a syslog socket.
 *
 * BIRD is /usr/sbin/bird (or $RTM_BIRD), with birdc beside it for the
 * diagnostics; without it the tests skip.  rtm-ripd and rtm-fibsync are
 * found as the other tools are (find_tool()).
 */
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "enum_util.h"
#include "rtnl_util.h"

#define UPDATE_S	2
#define TIMEOUT_S	6
#define GARBAGE_S	4
#define METRIC_A	3	/* what BIRD A announces its stub with */
#define METRIC_B	5
#define REDIST_PROTO	0xc300	/* the test's entity, redistributed */
#define OTHER_PROTO	0xc400	/* another, not */
#define REDIST_METRIC	7
#define RTPROT_BIRD_FIB	12	/* BIRD's routes in a FIB */
#define FIBSYNC_PROTO	190	/* rtm-fibsync's */
#define CONVERGE_MS	60000	/* for BIRD, rtm-ripd, rtm-fibsync to agree */
/* A route gone from the far side: timeout, then an update or two. */
#define EXPIRE_MS	((TIMEOUT_S + 3 * UPDATE_S) * 1000 + 10000)
#define IPV6_DEFAULT	"/proc/sys/net/ipv6/conf/default/"
/* An interface down is news at once: a triggered update, well within. */
#define IFDOWN_MS	(TIMEOUT_S * 1000 - 1000)

/*
 * The addresses of one family's test: [0] for A's side, [1] for B's.
 * stub: the stub prefixes; peer: BIRD's address on the veth, the next hop
 * M must use; mine: M's address on the veth, BIRD's next hop; link: the
 * veth's network.
 */
struct famv {
	int af;
	const char *stub[2], *peer[2], *mine[2], *link[2];
	unsigned int stub_len, link_len;
	uint16_t port;
};

static const struct famv v4 = {
	.af = AF_INET,
	.stub = { "10.1.0.0", "10.2.0.0" },
	.peer = { "10.0.1.1", "10.0.2.1" },
	.mine = { "10.0.1.2", "10.0.2.2" },
	.link = { "10.0.1.0", "10.0.2.0" },
	.stub_len = 24,
	.link_len = 24,
	.port = 520,
};

static const struct famv v6 = {
	.af = AF_INET6,
	.stub = { "fd01::", "fd02::" },
	.peer = { "fe80::a", "fe80::b" },
	.mine = { "fe80::1", "fe80::2" },
	.link = { "fd00:1::", "fd00:2::" },
	.stub_len = 64,
	.link_len = 64,
	.port = 521,
};

/* An address of either family, as 16 bytes (IPv4 in the first 4). */
struct a16 {
	uint8_t b[16];
};

static struct a16 a16(int af, const char *s)
{
	struct a16 a = { { 0 } };

	inet_pton(af, s, a.b);
	return a;
}

static bool a16_is(int af, const void *bytes, const char *s)
{
	struct a16 a = a16(af, s);

	return !memcmp(bytes, a.b, af == AF_INET ? 4 : 16);
}

/* How rtm-ripd and the BIRDs are started. */
enum {
	START_NG = 1,		/* RIPng instead of RIPv2 */
	START_DAEMON = 2,	/* rtm-ripd -d -s */
};

enum { NS_A, NS_M, NS_B, NS_N };

struct proc {
	pid_t pid;
	char log[256];
};

FIXTURE(rip) {
	char dir[64];
	char ripd_prog[4096], fibsync_prog[4096], bird[4096], birdc[4096];
	int ns[NS_N];		/* namespace fds */
	int nl[NS_N];		/* rtnetlink, one per namespace */
	int ifindex_a0, ifindex_b0, ifindex_m0, ifindex_m1;
	int sniff, sniff6;	/* packets on a0, in A */
	struct proc bird_a, bird_b, ripd, fibsync;
	struct ent e, e6;	/* in M, to read rtm's IPv4 and IPv6 tables */
	bool registered, registered6;
	const struct famv *fv;	/* the family under test */
	pid_t daemon;		/* rtm-ripd -d */
};

static uint32_t ip(const char *s)
{
	return inet_addr(s);
}

/* ------------------------------------------------------------------ */
/* Programs in namespaces                                               */
/* ------------------------------------------------------------------ */

static pid_t spawn(int ns, const char *log, char *const argv[])
{
	pid_t pid;
	int fd;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (setns(ns, CLONE_NEWNET))
		_exit(126);
	fd = open(log ? log : "/dev/null",
		  O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	execvp(argv[0], argv);
	_exit(127);
}

static void proc_start(struct proc *p, int ns, const char *dir,
		       const char *name, char *const argv[])
{
	snprintf(p->log, sizeof(p->log), "%s/%s.log", dir, name);
	p->pid = spawn(ns, p->log, argv);
}

static void proc_stop(struct proc *p, int sig)
{
	long long end = now_ms() + 5000;

	if (p->pid <= 0)
		return;
	kill(p->pid, sig);
	while (waitpid(p->pid, NULL, WNOHANG) == 0) {
		if (now_ms() > end) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, NULL, 0);
			break;
		}
		usleep(20000);
	}
	p->pid = 0;
}

/* The end of a log, as test comments. */
static void show_log(struct __test_metadata *_metadata, const char *log)
{
	char buf[4096];
	ssize_t n;
	off_t size;
	int fd = open(log, O_RDONLY);

	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	lseek(fd, size > (off_t)sizeof(buf) - 1 ? size - sizeof(buf) + 1 : 0,
	      SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = 0;
		TH_LOG("--- %s ---\n%s", log, buf);
	}
}

/* Wait for a program run in @ns; its exit status, or -1. */
static int run_in(int ns, const char *log, char *const argv[])
{
	int status;
	pid_t pid = spawn(ns, log, argv);

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ------------------------------------------------------------------ */
/* BIRD                                                                 */
/* ------------------------------------------------------------------ */

/* How a link authenticates: none, plain or keyed MD5 (key id 7). */
enum auth { NONE, PLAIN, MD5 };

static const char *const ripd_auth[] = {
	[NONE] = "",
	[PLAIN] = " auth plain plainpass",
	[MD5] = " auth md5 7 md5secret",
};
#define GOOD_SECRET(auth)	((auth) == MD5 ? "md5secret" : "plainpass")

/* BIRD with RIPng on @veth (TTL security: hop limit 255 both ways). */
static int bird_config_ng(FILE *f, const char *router_id, const char *veth,
			  unsigned int stub_metric)
{
	fprintf(f,
		"log stderr all;\n"
		"router id %s;\n"
		"protocol device { scan time 1; }\n"
		"protocol direct { ipv6; interface \"stub\"; }\n"
		"protocol kernel {\n"
		"  scan time 1;\n"
		"  ipv6 { export where source = RTS_RIP; };\n"
		"}\n"
		"protocol rip ng rip6 {\n"
		"  ipv6 {\n"
		"    import all;\n"
		"    export filter {\n"
		"      if source = RTS_DEVICE then { rip_metric = %u; accept; }\n"
		"      if source = RTS_RIP then accept;\n"
		"      reject;\n"
		"    };\n"
		"  };\n"
		"  interface \"%s\" {\n"
		"    update time %d; timeout time %d; garbage time %d;\n"
		"    split horizon on; poison reverse on;\n"
		"    ttl security on;\n"
		"  };\n"
		"}\n",
		router_id, stub_metric, veth, UPDATE_S, TIMEOUT_S, GARBAGE_S);
	return fclose(f);
}

static int bird_config(const char *file, const char *router_id,
		       const char *veth, unsigned int stub_metric,
		       enum auth auth, const char *secret, bool ng)
{
	char auth_text[256] = "";
	FILE *f = fopen(file, "w");

	if (!f)
		return -1;
	if (auth == PLAIN)
		snprintf(auth_text, sizeof(auth_text),
			 "    authentication plaintext; password \"%s\";\n",
			 secret);
	else if (auth == MD5)
		snprintf(auth_text, sizeof(auth_text),
			 "    authentication cryptographic;\n"
			 "    password \"%s\" { id 7; algorithm keyed md5; };\n",
			 secret);
	if (ng)
		return bird_config_ng(f, router_id, veth, stub_metric);
	fprintf(f,
		"log stderr all;\n"
		"router id %s;\n"
		"protocol device { scan time 1; }\n"
		"protocol direct { ipv4; interface \"stub\"; }\n"
		"protocol kernel {\n"
		"  scan time 1;\n"
		"  ipv4 { export where source = RTS_RIP; };\n"
		"}\n"
		"protocol rip rip1 {\n"
		"  ipv4 {\n"
		"    import all;\n"
		"    export filter {\n"
		"      if source = RTS_DEVICE then { rip_metric = %u; accept; }\n"
		"      if source = RTS_RIP then accept;\n"
		"      reject;\n"
		"    };\n"
		"  };\n"
		"  interface \"%s\" {\n"
		"    version only;\n"
		"    update time %d; timeout time %d; garbage time %d;\n"
		"    split horizon on; poison reverse on;\n"
		"%s"
		"  };\n"
		"}\n",
		router_id, stub_metric, veth, UPDATE_S, TIMEOUT_S, GARBAGE_S,
		auth_text);
	return fclose(f);
}

static void bird_start(FIXTURE_DATA(rip) *self, struct proc *p, int ns,
		       const char *name)
{
	char conf[128], sock[128], pidf[128];
	char *argv[] = { self->bird, "-f", "-c", conf, "-s", sock, "-P", pidf,
			 NULL };

	snprintf(conf, sizeof(conf), "%s/%s.conf", self->dir, name);
	snprintf(sock, sizeof(sock), "%s/%s.ctl", self->dir, name);
	snprintf(pidf, sizeof(pidf), "%s/%s.pid", self->dir, name);
	proc_start(p, ns, self->dir, name, argv);
}

/* BIRD's own view of its routes, for the record when a check fails. */
static void bird_routes(struct __test_metadata *_metadata,
			FIXTURE_DATA(rip) *self, int ns, const char *name)
{
	char sock[128], log[128];
	char *argv[] = { self->birdc, "-s", sock, "show", "route", "all",
			 NULL };

	if (access(self->birdc, X_OK))
		return;
	snprintf(sock, sizeof(sock), "%s/%s.ctl", self->dir, name);
	snprintf(log, sizeof(log), "%s/%s.routes", self->dir, name);
	unlink(log);
	run_in(ns, log, argv);
	show_log(_metadata, log);
}

/* ------------------------------------------------------------------ */
/* FIBs                                                                 */
/* ------------------------------------------------------------------ */

struct fib_route {
	uint8_t gw[16];
	int oif;
	unsigned int proto;
};

struct find_ctx {
	int af;
	const void *dst;
	unsigned int len;
	struct fib_route *out;
	int found;
};

static void find_one(struct nlmsghdr *h, void *arg)
{
	struct rtmsg *rt = NLMSG_DATA(h);
	struct fib_route r = { .proto = rt->rtm_protocol };
	struct find_ctx *c = arg;
	size_t asize = c->af == AF_INET ? 4 : 16;
	uint32_t table = rt->rtm_table;
	int alen = RTM_PAYLOAD(h);
	uint8_t d[16] = { 0 };
	struct rtattr *a;

	for (a = RTM_RTA(rt); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (a->rta_type == RTA_DST)
			memcpy(d, RTA_DATA(a), asize);
		else if (a->rta_type == RTA_GATEWAY)
			memcpy(r.gw, RTA_DATA(a), asize);
		else if (a->rta_type == RTA_OIF)
			memcpy(&r.oif, RTA_DATA(a), 4);
		else if (a->rta_type == RTA_TABLE)
			memcpy(&table, RTA_DATA(a), 4);
	}
	if (rt->rtm_family != c->af || table != RT_TABLE_MAIN ||
	    rt->rtm_dst_len != c->len || memcmp(d, c->dst, asize) ||
	    rt->rtm_type != RTN_UNICAST)
		return;
	c->found = 1;
	if (c->out)
		*c->out = r;
}

/* The route of @af to @dst/@len in the main table of @fd's netns: 1, or 0. */
static int fib_find_af(int fd, int af, const void *dst, unsigned int len,
		       struct fib_route *out)
{
	struct find_ctx c = { .af = af, .dst = dst, .len = len, .out = out };
	int err = route_dump(fd, af, find_one, &c);

	return err ? err : c.found;
}

static int fib_find(int fd, uint32_t dst, unsigned int len,
		    struct fib_route *out)
{
	return fib_find_af(fd, AF_INET, &dst, len, out);
}

/* ------------------------------------------------------------------ */
/* rtm in M                                                             */
/* ------------------------------------------------------------------ */

struct rtm_route {
	ULONG proto;
	ULONG metric;
	uint8_t nexthop[16];
	ULONG ifindex;
};

/*
 * The best route of rtm to @dst/@len of the family under test: NO_ERROR,
 * or why there is none.
 */
static DWORD rtm_best(FIXTURE_DATA(rip) *self, const char *dst,
		      unsigned int len, struct rtm_route *out)
{
	struct ent *e = self->fv->af == AF_INET ? &self->e : &self->e6;
	struct a16 a = a16(self->fv->af, dst);
	size_t rsize = RTM_SIZE_OF_ROUTE_INFO(e->prof.MaxNextHopsInRoute);
	RTM_DEST_INFO *di = calloc(1, RTM_SIZE_OF_DEST_INFO(4));
	RTM_ROUTE_INFO *ri = calloc(1, rsize);
	RTM_NEXTHOP_INFO nh;
	RTM_ENTITY_INFO ei;
	RTM_NET_ADDRESS d;
	DWORD st;

	memset(&d, 0, sizeof(d));
	d.AddressFamily = self->fv->af;
	d.NumBits = len;
	memcpy(d.AddrBits, a.b, 16);
	memset(out, 0, sizeof(*out));
	st = RtmGetExactMatchDestination(e->h, &d, RTM_BEST_PROTOCOL,
					 RTM_VIEW_MASK_UCAST, di);
	if (st != NO_ERROR)
		goto out;
	st = ERROR_NOT_FOUND;
	if (di->ViewInfo[0].Route &&
	    RtmGetRouteInfo(e->h, di->ViewInfo[0].Route, ri, NULL) ==
	    NO_ERROR) {
		out->metric = ri->PrefInfo.Metric;
		if (RtmGetEntityInfo(e->h, ri->RouteOwner, &ei) ==
		    NO_ERROR) {
			out->proto = ei.EntityId.EntityProtocolId;
			RtmReleaseEntityInfo(e->h, &ei);
		}
		if (ri->NextHopsList.NumNextHops &&
		    RtmGetNextHopInfo(e->h, ri->NextHopsList.NextHops[0],
				      &nh) == NO_ERROR) {
			memcpy(out->nexthop, nh.NextHopAddress.AddrBits, 16);
			out->ifindex = nh.InterfaceIndex;
			RtmReleaseNextHopInfo(e->h, &nh);
		}
		RtmReleaseRouteInfo(e->h, ri);
		st = NO_ERROR;
	}
	RtmReleaseDestInfo(e->h, di);
out:
	free(ri);
	free(di);
	return st;
}

/* ------------------------------------------------------------------ */
/* What rtm-ripd sends on a0                                            */
/* ------------------------------------------------------------------ */

#define WATCH		6

/*
 * What M announced on a0, for the prefixes watched: [0] is A's stub, [1]
 * B's, [5] link B's network.
 */
struct heard {
	unsigned int updates;	/* responses from M */
	struct a16 watch[WATCH];
	int metric[WATCH];	/* the last metric announced; -1: none */
	unsigned int poisoned[WATCH];	/* announcements with metric 16 */
	unsigned int bad_hops;	/* RIPng: hop limit not 255 */
};

static void heard_init(struct heard *h, const struct famv *fv)
{
	static const char *const watched[WATCH] = {
		NULL, NULL, "10.9.1.0", "10.8.1.0", "10.9.2.0", NULL,
	};
	unsigned int i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < WATCH; i++) {
		if (watched[i])
			h->watch[i] = a16(AF_INET, watched[i]);
		h->metric[i] = -1;
	}
	h->watch[0] = a16(fv->af, fv->stub[0]);
	h->watch[1] = a16(fv->af, fv->stub[1]);
	h->watch[5] = a16(fv->af, fv->link[1]);
}

/* One route entry heard: [0] announced below 16 fails the test. */
static void heard_entry(struct __test_metadata *_metadata, struct heard *h,
			const uint8_t *addr, size_t alen, unsigned int metric)
{
	unsigned int i;

	for (i = 0; i < WATCH; i++) {
		if (memcmp(addr, h->watch[i].b, alen))
			continue;
		h->metric[i] = metric;
		h->poisoned[i] += metric == 16;
		EXPECT_FALSE(i == 0 && metric < 16)
			TH_LOG("M sent A's own stub back to A, metric %u",
			       metric);
	}
}

/* A RIPv2 response from M in IPv4 packet @buf. */
static void heard_v4(struct __test_metadata *_metadata, struct heard *h,
		     const uint8_t *buf, size_t n)
{
	unsigned int ihl, off;

	if (n < 28 || (buf[0] >> 4) != 4 || buf[9] != IPPROTO_UDP)
		return;
	ihl = (buf[0] & 15) * 4;
	if (n < ihl + 8 + 4 || !a16_is(AF_INET, buf + 12, "10.0.1.2") ||
	    (buf[ihl + 2] << 8 | buf[ihl + 3]) != 520)
		return;
	off = ihl + 8;
	if (buf[off] != 2 || buf[off + 1] != 2)
		return;
	h->updates++;
	for (off += 4; off + 20 <= n; off += 20)
		if (buf[off] == 0 && buf[off + 1] == 2)
			heard_entry(_metadata, h, buf + off + 4, 4,
				    buf[off + 19]);
}

/* A RIPng response from M in IPv6 packet @buf (no extension headers). */
static void heard_v6(struct __test_metadata *_metadata, struct heard *h,
		     const uint8_t *buf, size_t n)
{
	size_t off = 40 + 8;

	if (n < off + 4 || (buf[0] >> 4) != 6 || buf[6] != IPPROTO_UDP ||
	    !a16_is(AF_INET6, buf + 8, "fe80::1") ||
	    (buf[42] << 8 | buf[43]) != 521 || buf[off] != 2 ||
	    buf[off + 1] != 1)
		return;
	h->updates++;
	h->bad_hops += buf[7] != 255;
	for (off += 4; off + 20 <= n; off += 20)
		if (buf[off + 19] != 0xff)	/* not a next-hop entry */
			heard_entry(_metadata, h, buf + off, 16,
				    buf[off + 19]);
}

/*
 * Read the responses of the family under test M sends on a0 for @ms, or
 * until @until says so.  Any announcement of A's own stub with a metric
 * below 16 fails the test (split horizon with poisoned reverse).
 */
static void listen_a0(struct __test_metadata *_metadata,
		      FIXTURE_DATA(rip) *self, struct heard *h, long long ms,
		      bool (*until)(const struct heard *h))
{
	long long end = now_ms() + ms;
	bool ng = self->fv->af == AF_INET6;
	int fd = ng ? self->sniff6 : self->sniff;
	uint8_t buf[2048];

	heard_init(h, self->fv);
	while (now_ms() < end && !(until && until(h))) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pf, 1, 200) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			continue;
		if (ng)
			heard_v6(_metadata, h, buf, n);
		else
			heard_v4(_metadata, h, buf, n);
	}
	EXPECT_EQ(0U, h->bad_hops) TH_LOG("RIPng sent with hop limit != 255");
}

/* ------------------------------------------------------------------ */
/* The network                                                          */
/* ------------------------------------------------------------------ */

static int net_ns(void)
{
	if (unshare(CLONE_NEWNET))
		return -1;
	return open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
}

static int addr4(int nl, int ifindex, const char *a, unsigned int len)
{
	uint32_t v = ip(a);

	return addr_add(nl, AF_INET, ifindex, &v, len);
}

static int addr6(int nl, int ifindex, const char *a, unsigned int len)
{
	struct a16 v = a16(AF_INET6, a);

	return addr_add(nl, AF_INET6, ifindex, v.b, len);
}

/* A veth end's addresses: @v4/24, link-local @ll/64 and @net6/64. */
static int veth_addrs(int nl, int ifindex, const char *v4, const char *ll,
		      const char *net6)
{
	return addr4(nl, ifindex, v4, 24) || addr6(nl, ifindex, ll, 64) ||
	       addr6(nl, ifindex, net6, 64);
}

/*
 * A link set down loses its link-local address (keep_addr_on_down keeps
 * the others) and, with addr_gen_mode none, gets none back when up: set it
 * again, as the kernel would have made one.
 */
static int link_local_again(int nl, int ifindex, const char *ll)
{
	int err = addr6(nl, ifindex, ll, 64);

	return err == -EEXIST ? 0 : err;
}

/* In ns @ns: lo up, a dummy "stub" with @stub/24 and @stub6/64 up. */
static void end_ns(struct __test_metadata *_metadata, FIXTURE_DATA(rip) *self,
		   int ns, const char *stub, const char *stub6)
{
	int nl = self->nl[ns], stub_if;

	ASSERT_EQ(0, link_up(nl, 1));
	ASSERT_EQ(0, dummy_add(nl, "stub"))
		TH_LOG("no dummy interface (CONFIG_DUMMY or dummy.ko?)");
	stub_if = if_nametoindex("stub");
	ASSERT_LT(0, stub_if);
	ASSERT_EQ(0, addr4(nl, stub_if, stub, 24));
	ASSERT_EQ(0, addr6(nl, stub_if, stub6, 64));
	ASSERT_EQ(0, link_up(nl, stub_if));
}

static bool file_has(const char *path, const char *text)
{
	char buf[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	return strstr(buf, text);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

FIXTURE_SETUP(rip)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int i;

	memset(self, 0, sizeof(*self));
	for (i = 0; i < NS_N; i++)
		self->ns[i] = self->nl[i] = -1;
	self->sniff = self->sniff6 = -1;
	self->fv = &v4;
	REQUIRE_RTM();
	if (!find_tool("RTM_RIPD", "rtm-ripd", self->ripd_prog,
		       sizeof(self->ripd_prog)))
		SKIP(return, "no rtm-ripd at %.200s (ship build/tools)",
		     self->ripd_prog);
	if (!find_tool("RTM_FIBSYNC", "rtm-fibsync", self->fibsync_prog,
		       sizeof(self->fibsync_prog)))
		SKIP(return, "no rtm-fibsync at %.200s", self->fibsync_prog);
	snprintf(self->bird, sizeof(self->bird), "%s",
		 getenv("RTM_BIRD") ? getenv("RTM_BIRD") : "/usr/sbin/bird");
	if (access(self->bird, X_OK))
		SKIP(return, "no BIRD at %.200s (Debian's bird2; make check ships it)",
		     self->bird);
	snprintf(self->birdc, sizeof(self->birdc), "%s/birdc",
		 dirname(strdup(self->bird)));
	strcpy(self->dir, "/tmp/ripd_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));

	/* Three namespaces, left in M (where rtm is read). */
	for (i = 0; i < NS_N; i++) {
		self->ns[i] = net_ns();
		ASSERT_LE(0, self->ns[i]) TH_LOG("unshare: %s",
						 strerror(errno));
		/*
		 * Only the link-local addresses set here, and they stay
		 * when a link is set down.
		 */
		ASSERT_EQ(0, write_file(IPV6_DEFAULT "addr_gen_mode", "1"));
		ASSERT_EQ(0, write_file(IPV6_DEFAULT "keep_addr_on_down",
					"1"));
		self->nl[i] = nl_open();
		ASSERT_LE(0, self->nl[i]);
	}
	/* B, the last one made, is where we are. */
	end_ns(_metadata, self, NS_B, "10.2.0.1", "fd02::1");
	ASSERT_EQ(0, setns(self->ns[NS_A], CLONE_NEWNET));
	end_ns(_metadata, self, NS_A, "10.1.0.1", "fd01::1");
	ASSERT_EQ(0, setns(self->ns[NS_M], CLONE_NEWNET));
	ASSERT_EQ(0, link_up(self->nl[NS_M], 1));
	ASSERT_EQ(0, veth_add(self->nl[NS_M], "m0", "a0", self->ns[NS_A]));
	ASSERT_EQ(0, veth_add(self->nl[NS_M], "m1", "b0", self->ns[NS_B]));
	self->ifindex_m0 = if_nametoindex("m0");
	self->ifindex_m1 = if_nametoindex("m1");
	ASSERT_EQ(0, veth_addrs(self->nl[NS_M], self->ifindex_m0, "10.0.1.2",
				"fe80::1", "fd00:1::2"));
	ASSERT_EQ(0, veth_addrs(self->nl[NS_M], self->ifindex_m1, "10.0.2.2",
				"fe80::2", "fd00:2::2"));
	ASSERT_EQ(0, link_up(self->nl[NS_M], self->ifindex_m0));
	ASSERT_EQ(0, link_up(self->nl[NS_M], self->ifindex_m1));
	ASSERT_EQ(0, write_file("/proc/sys/net/ipv4/ip_forward", "1"));
	ASSERT_EQ(0, write_file("/proc/sys/net/ipv6/conf/all/forwarding",
				"1"));

	ASSERT_EQ(0, setns(self->ns[NS_A], CLONE_NEWNET));
	self->ifindex_a0 = if_nametoindex("a0");
	ASSERT_LT(0, self->ifindex_a0);
	ASSERT_EQ(0, veth_addrs(self->nl[NS_A], self->ifindex_a0, "10.0.1.1",
				"fe80::a", "fd00:1::1"));
	ASSERT_EQ(0, link_up(self->nl[NS_A], self->ifindex_a0));
	self->sniff = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC,
			     htons(ETH_P_IP));
	ASSERT_LE(0, self->sniff);
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = self->ifindex_a0;
	ASSERT_EQ(0, bind(self->sniff, (struct sockaddr *)&sll, sizeof(sll)));
	self->sniff6 = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC,
			      htons(ETH_P_IPV6));
	ASSERT_LE(0, self->sniff6);
	sll.sll_protocol = htons(ETH_P_IPV6);
	ASSERT_EQ(0, bind(self->sniff6, (struct sockaddr *)&sll,
			  sizeof(sll)));

	ASSERT_EQ(0, setns(self->ns[NS_B], CLONE_NEWNET));
	self->ifindex_b0 = if_nametoindex("b0");
	ASSERT_LT(0, self->ifindex_b0);
	ASSERT_EQ(0, veth_addrs(self->nl[NS_B], self->ifindex_b0, "10.0.2.1",
				"fe80::b", "fd00:2::1"));
	ASSERT_EQ(0, link_up(self->nl[NS_B], self->ifindex_b0));
	ASSERT_EQ(0, setns(self->ns[NS_M], CLONE_NEWNET));

	ASSERT_WIN(NO_ERROR, ent_reg(&self->e, 0, AF_INET, REDIST_PROTO, 1,
				     NULL));
	self->registered = true;
	ASSERT_WIN(NO_ERROR, ent_reg(&self->e6, 0, AF_INET6, REDIST_PROTO, 1,
				     NULL));
	self->registered6 = true;
}

FIXTURE_TEARDOWN(rip)
{
	char *rm[] = { "rm", "-rf", self->dir, NULL };
	int i;

	if (!_metadata->passed && self->dir[0]) {
		show_log(_metadata, self->ripd.log);
		show_log(_metadata, self->fibsync.log);
		show_log(_metadata, self->bird_a.log);
		show_log(_metadata, self->bird_b.log);
		if (self->bird_a.pid > 0)
			bird_routes(_metadata, self, self->ns[NS_A], "a");
		if (self->bird_b.pid > 0)
			bird_routes(_metadata, self, self->ns[NS_B], "b");
	}
	if (self->daemon > 0)
		kill(self->daemon, SIGTERM);
	proc_stop(&self->ripd, SIGTERM);
	proc_stop(&self->fibsync, SIGTERM);
	proc_stop(&self->bird_a, SIGTERM);
	proc_stop(&self->bird_b, SIGTERM);
	if (self->registered)
		RtmDeregisterEntity(self->e.h);
	if (self->registered6)
		RtmDeregisterEntity(self->e6.h);
	if (self->sniff >= 0)
		close(self->sniff);
	if (self->sniff6 >= 0)
		close(self->sniff6);
	for (i = 0; i < NS_N; i++) {
		if (self->nl[i] >= 0)
			close(self->nl[i]);
		if (self->ns[i] >= 0)
			close(self->ns[i]);
	}
	if (self->dir[0] && self->ns[NS_M] >= 0)
		run_in(self->ns[NS_M], NULL, rm);
}

/*
 * Write the configurations (link A authenticated with @auth_a, link B with
 * @auth_b; @how: START_*) and start everything.
 */
static void start_how(struct __test_metadata *_metadata,
		      FIXTURE_DATA(rip) *self, enum auth auth_a,
		      enum auth auth_b, int how)
{
	bool ng = how & START_NG;
	char conf[128];
	char *ripd[] = { self->ripd_prog, "-v", "-c", conf, NULL };
	char *ripd_daemon[] = { self->ripd_prog, "-d", "-s", "-c", conf,
				NULL };
	char *fibsync[] = { self->fibsync_prog, ng ? "-6" : "-4", NULL };
	const char *on = ng ? " rip off ripng on" : "";
	FILE *f;

	self->fv = ng ? &v6 : &v4;
	snprintf(conf, sizeof(conf), "%s/a.conf", self->dir);
	ASSERT_EQ(0, bird_config(conf, "10.0.1.1", "a0", METRIC_A, auth_a,
				 GOOD_SECRET(auth_a), ng));
	snprintf(conf, sizeof(conf), "%s/b.conf", self->dir);
	ASSERT_EQ(0, bird_config(conf, "10.0.2.1", "b0", METRIC_B, auth_b,
				 GOOD_SECRET(auth_b), ng));
	/*
	 * rtm-ripd: the short timers, both links, and the routes of protocol
	 * REDIST_PROTO inside 10.9.0.0/16 announced with REDIST_METRIC.
	 */
	snprintf(conf, sizeof(conf), "%s/ripd.conf", self->dir);
	f = fopen(conf, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "# ripd_test\nupdate %d\ntimeout %d\ngarbage %d\n"
		"interface m0%s%s\ninterface m1%s%s\n"
		"redistribute proto %#x prefix 10.9.0.0/16 metric %d\n",
		UPDATE_S, TIMEOUT_S, GARBAGE_S, ripd_auth[auth_a], on,
		ripd_auth[auth_b], on, REDIST_PROTO, REDIST_METRIC);
	ASSERT_EQ(0, fclose(f));
	proc_start(&self->fibsync, self->ns[NS_M], self->dir, "fibsync",
		   fibsync);
	if (how & START_DAEMON) {
		snprintf(self->ripd.log, sizeof(self->ripd.log),
			 "%s/ripd.log", self->dir);
		/* The first process exits 0 once the daemon is on its way. */
		ASSERT_EQ(0, run_in(self->ns[NS_M], self->ripd.log,
				    ripd_daemon));
	} else {
		proc_start(&self->ripd, self->ns[NS_M], self->dir, "ripd",
			   ripd);
		ASSERT_LT(0, self->ripd.pid);
	}
	bird_start(self, &self->bird_a, self->ns[NS_A], "a");
	bird_start(self, &self->bird_b, self->ns[NS_B], "b");
	ASSERT_LT(0, self->bird_a.pid);
	ASSERT_LT(0, self->bird_b.pid);
}

static void start_auth(struct __test_metadata *_metadata,
		       FIXTURE_DATA(rip) *self, enum auth auth_a,
		       enum auth auth_b)
{
	start_how(_metadata, self, auth_a, auth_b, 0);
}

static void start_all(struct __test_metadata *_metadata,
		      FIXTURE_DATA(rip) *self)
{
	start_auth(_metadata, self, NONE, NONE);
}

/* The side of @nsi: 0 for A, 1 for B. */
static int side(int nsi)
{
	return nsi == NS_A ? 0 : 1;
}

/* Whether the stub behind @nsi is a RIP route of M with what it should. */
static bool stub_in_rtm(FIXTURE_DATA(rip) *self, int nsi, bool log_it,
			struct __test_metadata *_metadata)
{
	const struct famv *fv = self->fv;
	bool a = nsi == NS_A;
	struct rtm_route r;
	DWORD st = rtm_best(self, fv->stub[side(nsi)], fv->stub_len, &r);
	bool ok = st == NO_ERROR && r.proto == PROTO_IP_RIP &&
		  r.metric == (a ? METRIC_A : METRIC_B) + 1U &&
		  a16_is(fv->af, r.nexthop, fv->peer[side(nsi)]) &&
		  (int)r.ifindex == (a ? self->ifindex_m0 : self->ifindex_m1);
	char nh[INET6_ADDRSTRLEN] = "";

	if (!ok && log_it) {
		inet_ntop(fv->af, r.nexthop, nh, sizeof(nh));
		TH_LOG("stub %s in rtm: error %u, proto %u metric %u via %s if %u",
		       a ? "A" : "B", st, r.proto, r.metric, nh, r.ifindex);
	}
	return ok;
}

static bool stub_gone_from_rtm(FIXTURE_DATA(rip) *self, int nsi)
{
	struct rtm_route r;

	return rtm_best(self, self->fv->stub[side(nsi)], self->fv->stub_len,
			&r) != NO_ERROR;
}

/* Whether M's FIB has the stub through rtm-fibsync. */
static bool stub_in_fib_m(FIXTURE_DATA(rip) *self, int nsi)
{
	const struct famv *fv = self->fv;
	struct a16 d = a16(fv->af, fv->stub[side(nsi)]);
	struct fib_route r;

	return fib_find_af(self->nl[NS_M], fv->af, d.b, fv->stub_len, &r) ==
		       1 && r.proto == FIBSYNC_PROTO &&
	       a16_is(fv->af, r.gw, fv->peer[side(nsi)]);
}

/* Whether BIRD in @nsi put the other stub into its FIB, through M. */
static bool other_stub_in_fib(FIXTURE_DATA(rip) *self, int nsi)
{
	const struct famv *fv = self->fv;
	struct a16 d = a16(fv->af, fv->stub[1 - side(nsi)]);
	struct fib_route r;

	return fib_find_af(self->nl[nsi], fv->af, d.b, fv->stub_len, &r) ==
		       1 && r.proto == RTPROT_BIRD_FIB &&
	       a16_is(fv->af, r.gw, fv->mine[side(nsi)]);
}

#define WAIT_FOR(cond, ms) ({						\
	long long __end = now_ms() + (ms);				\
	bool __ok;							\
	while (!(__ok = (cond)) && now_ms() < __end)			\
		usleep(100000);						\
	__ok;								\
})

static void converge(struct __test_metadata *_metadata,
		     FIXTURE_DATA(rip) *self)
{
	long long t0 = now_ms();

	ASSERT_TRUE(WAIT_FOR(stub_in_rtm(self, NS_A, false, _metadata) &&
			     stub_in_rtm(self, NS_B, false, _metadata),
			     CONVERGE_MS)) {
		stub_in_rtm(self, NS_A, true, _metadata);
		stub_in_rtm(self, NS_B, true, _metadata);
	}
	ASSERT_TRUE(WAIT_FOR(stub_in_fib_m(self, NS_A) &&
			     stub_in_fib_m(self, NS_B), CONVERGE_MS))
		TH_LOG("the stubs did not reach M's FIB");
	ASSERT_TRUE(WAIT_FOR(other_stub_in_fib(self, NS_A), CONVERGE_MS))
		TH_LOG("BIRD A did not learn B's stub from rtm-ripd");
	ASSERT_TRUE(WAIT_FOR(other_stub_in_fib(self, NS_B), CONVERGE_MS))
		TH_LOG("BIRD B did not learn A's stub from rtm-ripd");
	TH_LOG("converged in %lld ms", now_ms() - t0);
}

static bool heard_b_finite(const struct heard *h)
{
	return h->updates >= 2 && h->metric[1] > 0 && h->metric[1] < 16;
}

static bool heard_b_poisoned(const struct heard *h)
{
	return h->metric[1] == 16;
}

TEST_F_TIMEOUT(rip, routes_both_ways, 300)
{
	char *ping[] = { "ping", "-c", "3", "-W", "3", "-I", "10.1.0.1",
			 "10.2.0.1", NULL };
	char rtmctl[4096], log[128];
	char *show[] = { rtmctl, "show", "routes", "10.1.0.0/24", NULL };
	struct heard h;

	start_all(_metadata, self);
	converge(_metadata, self);

	/* On a0: B's stub at its metric, A's own only poisoned. */
	listen_a0(_metadata, self, &h, 4 * UPDATE_S * 1000 + 2000,
		  heard_b_finite);
	ASSERT_TRUE(heard_b_finite(&h))
		TH_LOG("%u updates from M, B's stub last at metric %d",
		       h.updates, h.metric[1]);
	EXPECT_EQ(METRIC_B + 1, h.metric[1]);

	/* rtmctl names the owner of the stubs' routes. */
	snprintf(log, sizeof(log), "%s/rtmctl.log", self->dir);
	if (find_tool("RTM_RTMCTL", "rtmctl", rtmctl, sizeof(rtmctl))) {
		EXPECT_EQ(0, run_in(self->ns[NS_M], log, show));
		EXPECT_TRUE(file_has(log, "10.1.0.0/24") &&
			    file_has(log, "rip"))
			show_log(_metadata, log);
	}

	/* Stub to stub, forwarded by M on rtm-fibsync's routes. */
	snprintf(log, sizeof(log), "%s/ping.log", self->dir);
	EXPECT_EQ(0, run_in(self->ns[NS_A], log, ping))
		show_log(_metadata, log);
}

/*
 * B goes away: with @quiet BIRD B stops (SIGSTOP) and its stub must expire
 * in M by the RIP timeout; otherwise b0 is set down, which m1 sees as a
 * lost carrier and must act on at once.  Then back: SIGCONT or b0 up.
 */
static void link_down_and_up(struct __test_metadata *_metadata,
			     FIXTURE_DATA(rip) *self, int how, bool quiet)
{
	struct heard h;
	long long t0;

	start_how(_metadata, self, NONE, NONE, how);
	converge(_metadata, self);

	/* B's side goes quiet: its stub expires in M and is held down. */
	if (quiet) {
		ASSERT_EQ(0, kill(self->bird_b.pid, SIGSTOP));
	} else {
		ASSERT_EQ(0, link_set(self->nl[NS_B], self->ifindex_b0,
				      false));
	}
	t0 = now_ms();
	listen_a0(_metadata, self, &h, EXPIRE_MS, heard_b_poisoned);
	EXPECT_TRUE(heard_b_poisoned(&h))
		TH_LOG("B's stub not announced unreachable to A (last metric %d)",
		       h.metric[1]);
	EXPECT_TRUE(WAIT_FOR(stub_gone_from_rtm(self, NS_B), 5000))
		TH_LOG("B's stub still in rtm");
	TH_LOG("B's stub unreachable after %lld ms", now_ms() - t0);
	EXPECT_LE(now_ms() - t0, (long long)EXPIRE_MS);
	/* Quiet: the route lived out its timeout since B's last update. */
	if (quiet) {
		EXPECT_LE((long long)(TIMEOUT_S - 2 * UPDATE_S) * 1000,
			  now_ms() - t0);
	}
	EXPECT_TRUE(WAIT_FOR(!stub_in_fib_m(self, NS_B),
			     GARBAGE_S * 1000 + 10000))
		TH_LOG("B's stub still in M's FIB");
	EXPECT_TRUE(WAIT_FOR(!other_stub_in_fib(self, NS_A),
			     GARBAGE_S * 1000 + 10000))
		TH_LOG("BIRD A kept B's stub");
	/* A's side is untouched. */
	EXPECT_TRUE(stub_in_rtm(self, NS_A, true, _metadata));
	/*
	 * Held down: announced unreachable in the periodic updates until the
	 * garbage time is over, then not at all.
	 */
	listen_a0(_metadata, self, &h, 2 * UPDATE_S * 1000 + 1000, NULL);
	TH_LOG("in hold-down: %u updates, B's stub %u times unreachable",
	       h.updates, h.poisoned[1]);
	EXPECT_LE(1U, h.poisoned[1]) TH_LOG("no hold-down");
	listen_a0(_metadata, self, &h, GARBAGE_S * 1000 + 2 * UPDATE_S * 1000,
		  NULL);
	listen_a0(_metadata, self, &h, 2 * UPDATE_S * 1000 + 1000, NULL);
	EXPECT_EQ(-1, h.metric[1])
		TH_LOG("B's stub still announced after the hold-down");
	EXPECT_LE(2U, h.updates);

	/* Back up: the routes return. */
	if (quiet) {
		ASSERT_EQ(0, kill(self->bird_b.pid, SIGCONT));
	} else {
		ASSERT_EQ(0, link_set(self->nl[NS_B], self->ifindex_b0,
				      true));
		ASSERT_EQ(0, link_local_again(self->nl[NS_B],
					      self->ifindex_b0, "fe80::b"));
	}
	EXPECT_TRUE(WAIT_FOR(stub_in_rtm(self, NS_B, false, _metadata),
			     CONVERGE_MS))
		stub_in_rtm(self, NS_B, true, _metadata);
	EXPECT_TRUE(WAIT_FOR(stub_in_fib_m(self, NS_B), CONVERGE_MS));
	EXPECT_TRUE(WAIT_FOR(other_stub_in_fib(self, NS_A), CONVERGE_MS))
		TH_LOG("BIRD A did not learn B's stub again");
	EXPECT_TRUE(WAIT_FOR(other_stub_in_fib(self, NS_B), CONVERGE_MS))
		TH_LOG("BIRD B did not learn A's stub again");
}

TEST_F_TIMEOUT(rip, link_down_and_up, 300)
{
	link_down_and_up(_metadata, self, 0, false);
}

TEST_F_TIMEOUT(rip, neighbour_quiet, 300)
{
	link_down_and_up(_metadata, self, 0, true);
}

static bool heard_b_and_link_poisoned(const struct heard *h)
{
	return h->metric[1] == 16 && h->metric[5] == 16;
}

/*
 * M's own side of link B goes down: B's stub and link B's network are
 * announced unreachable to A at once (not after the RIP timeout), leave
 * rtm, M's FIB and A's; up again, they come back.
 */
static void iface_down(struct __test_metadata *_metadata,
		       FIXTURE_DATA(rip) *self, int how)
{
	struct heard h;
	long long t0, took;

	start_how(_metadata, self, NONE, NONE, how);
	converge(_metadata, self);
	listen_a0(_metadata, self, &h, 4 * UPDATE_S * 1000 + 2000,
		  heard_b_finite);
	ASSERT_EQ(1, h.metric[5]) TH_LOG("link B's network not announced");

	ASSERT_EQ(0, link_set(self->nl[NS_M], self->ifindex_m1, false));
	t0 = now_ms();
	listen_a0(_metadata, self, &h, EXPIRE_MS, heard_b_and_link_poisoned);
	took = now_ms() - t0;
	TH_LOG("B's stub and link unreachable on a0 after %lld ms", took);
	EXPECT_TRUE(heard_b_and_link_poisoned(&h))
		TH_LOG("last metrics: B's stub %d, link B %d", h.metric[1],
		       h.metric[5]);
	EXPECT_LT(took, (long long)IFDOWN_MS);
	EXPECT_TRUE(WAIT_FOR(stub_gone_from_rtm(self, NS_B), 1000))
		TH_LOG("B's stub still in rtm");
	EXPECT_TRUE(WAIT_FOR(!stub_in_fib_m(self, NS_B), 5000))
		TH_LOG("B's stub still in M's FIB");
	EXPECT_TRUE(WAIT_FOR(!other_stub_in_fib(self, NS_A), IFDOWN_MS))
		TH_LOG("BIRD A kept B's stub");
	EXPECT_TRUE(stub_in_rtm(self, NS_A, true, _metadata));

	ASSERT_EQ(0, link_set(self->nl[NS_M], self->ifindex_m1, true));
	ASSERT_EQ(0, link_local_again(self->nl[NS_M], self->ifindex_m1,
				      "fe80::2"));
	EXPECT_TRUE(WAIT_FOR(stub_in_rtm(self, NS_B, false, _metadata),
			     CONVERGE_MS))
		stub_in_rtm(self, NS_B, true, _metadata);
	EXPECT_TRUE(WAIT_FOR(other_stub_in_fib(self, NS_A), CONVERGE_MS))
		TH_LOG("BIRD A did not learn B's stub again");
	EXPECT_TRUE(WAIT_FOR(other_stub_in_fib(self, NS_B), CONVERGE_MS))
		TH_LOG("BIRD B did not learn A's stub again");
}

TEST_F_TIMEOUT(rip, iface_down, 300)
{
	iface_down(_metadata, self, 0);
}

TEST_F_TIMEOUT(rip, ng_routes_both_ways, 300)
{
	struct heard h;

	start_how(_metadata, self, NONE, NONE, START_NG);
	converge(_metadata, self);
	/* On a0, from fe80::1, hop limit 255: B's stub, A's only poisoned. */
	listen_a0(_metadata, self, &h, 4 * UPDATE_S * 1000 + 2000,
		  heard_b_finite);
	ASSERT_TRUE(heard_b_finite(&h))
		TH_LOG("%u updates from M, B's stub last at metric %d",
		       h.updates, h.metric[1]);
	EXPECT_EQ(METRIC_B + 1, h.metric[1]);
	EXPECT_EQ(1, h.metric[5]) TH_LOG("link B's network not announced");
}

TEST_F_TIMEOUT(rip, ng_link_down_and_up, 300)
{
	link_down_and_up(_metadata, self, START_NG, false);
}

TEST_F_TIMEOUT(rip, ng_neighbour_quiet, 300)
{
	link_down_and_up(_metadata, self, START_NG, true);
}

TEST_F_TIMEOUT(rip, ng_iface_down, 300)
{
	iface_down(_metadata, self, START_NG);
}

/*
 * A RIPng response as if from A (fe80::a, port 521) to M's fe80::1 with
 * hop limit @hops: a next-hop entry for @nexthop, then @prefix/64 at
 * metric 1.  Sent in A over a raw socket, as BIRD A holds port 521.
 */
static int ripng_inject(FIXTURE_DATA(rip) *self, int hops,
			const char *nexthop, const char *prefix)
{
	struct sockaddr_in6 from = {
		.sin6_family = AF_INET6,
		.sin6_scope_id = self->ifindex_a0,
	};
	struct sockaddr_in6 to = {
		.sin6_family = AF_INET6,
		.sin6_scope_id = self->ifindex_a0,
	};
	uint8_t pkt[8 + 4 + 2 * 20] = { 0 };
	struct a16 nh = a16(AF_INET6, nexthop), pf = a16(AF_INET6, prefix);
	int fd, csum = 6, err = -1;

	from.sin6_addr = *(struct in6_addr *)a16(AF_INET6, "fe80::a").b;
	to.sin6_addr = *(struct in6_addr *)a16(AF_INET6, "fe80::1").b;
	if (setns(self->ns[NS_A], CLONE_NEWNET))
		return -1;
	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_UDP);
	/* UDP header: 521 to 521, the length, the checksum the kernel's. */
	pkt[0] = pkt[2] = 521 >> 8;
	pkt[1] = pkt[3] = 521 & 0xff;
	pkt[5] = sizeof(pkt);
	pkt[8] = 2;		/* response */
	pkt[9] = 1;		/* version 1 */
	memcpy(pkt + 12, nh.b, 16);
	pkt[12 + 19] = 0xff;	/* next-hop entry */
	memcpy(pkt + 32, pf.b, 16);
	pkt[32 + 18] = 64;
	pkt[32 + 19] = 1;
	if (fd >= 0 &&
	    !setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &csum,
			sizeof(csum)) &&
	    !setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops,
			sizeof(hops)) &&
	    !bind(fd, (struct sockaddr *)&from, sizeof(from)) &&
	    sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
		   sizeof(to)) == sizeof(pkt))
		err = 0;
	if (fd >= 0)
		close(fd);
	if (setns(self->ns[NS_M], CLONE_NEWNET))
		return -1;
	return err;
}

/*
 * RIPng input: a next-hop entry names the next hop of the entries after
 * it; a response with a hop limit below 255 is not taken.
 */
TEST_F_TIMEOUT(rip, ng_nexthop_entry, 300)
{
	struct rtm_route r;

	start_how(_metadata, self, NONE, NONE, START_NG);
	converge(_metadata, self);

	ASSERT_EQ(0, ripng_inject(self, 64, "fe80::c", "fd0a::"));
	ASSERT_EQ(0, ripng_inject(self, 255, "fe80::c", "fd09::"));
	ASSERT_TRUE(WAIT_FOR(rtm_best(self, "fd09::", 64, &r) == NO_ERROR,
			     5000)) TH_LOG("fd09::/64 not learned");
	EXPECT_EQ((ULONG)PROTO_IP_RIP, r.proto);
	EXPECT_EQ(2U, r.metric);
	EXPECT_TRUE(a16_is(AF_INET6, r.nexthop, "fe80::c"))
		TH_LOG("next hop not the one the next-hop entry named");
	EXPECT_EQ(self->ifindex_m0, (int)r.ifindex);
	EXPECT_NE((DWORD)NO_ERROR, rtm_best(self, "fd0a::", 64, &r))
		TH_LOG("taken with hop limit 64");
}

/* The pid of the process whose command line has @word, or 0. */
static pid_t find_process(const char *word)
{
	char path[300], buf[4096];
	struct dirent *d;
	pid_t pid = 0;
	DIR *dir = opendir("/proc");
	ssize_t n, i;
	int fd;

	while (dir && !pid && (d = readdir(dir))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", d->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		for (i = 0; i < n; i++)
			if (!buf[i])
				buf[i] = ' ';
		if (n > 0 && (buf[n] = 0, strstr(buf, word)) &&
		    atoi(d->d_name) != getpid())
			pid = atoi(d->d_name);
	}
	if (dir)
		closedir(dir);
	return pid;
}

/* Whether @pid runs (neither gone nor a zombie no one reaped). */
static bool alive(pid_t pid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] && p[2] != 'Z';
}

/*
 * rtm-ripd -d -s: the first process exits 0 (start_how() checks), the
 * daemon stays, logs to syslog whether or not there is a /dev/log, and
 * routes; SIGTERM ends it.
 */
TEST_F_TIMEOUT(rip, daemon_syslog, 300)
{
	char conf[128];

	TH_LOG("syslog socket /dev/log: %s",
	       access("/dev/log", F_OK) ? "none" : "present");
	start_how(_metadata, self, NONE, NONE, START_DAEMON);
	snprintf(conf, sizeof(conf), "%s/ripd.conf", self->dir);
	self->daemon = find_process(conf);
	ASSERT_LT(0, self->daemon) TH_LOG("no rtm-ripd daemon running");
	converge(_metadata, self);
	ASSERT_TRUE(alive(self->daemon)) TH_LOG("the daemon is gone");
	/* SIGTERM: it withdraws its routes and deregisters. */
	ASSERT_EQ(0, kill(self->daemon, SIGTERM));
	EXPECT_TRUE(WAIT_FOR(!alive(self->daemon), 5000))
		TH_LOG("the daemon did not stop");
	self->daemon = 0;
	EXPECT_TRUE(WAIT_FOR(stub_gone_from_rtm(self, NS_A) &&
			     stub_gone_from_rtm(self, NS_B), 1000));
}

TEST_F_TIMEOUT(rip, sigkill_takes_routes, 300)
{
	start_all(_metadata, self);
	converge(_metadata, self);

	ASSERT_EQ(0, kill(self->ripd.pid, SIGKILL));
	ASSERT_EQ(self->ripd.pid, waitpid(self->ripd.pid, NULL, 0));
	self->ripd.pid = 0;
	/* At once: well before anything could have expired. */
	EXPECT_TRUE(WAIT_FOR(stub_gone_from_rtm(self, NS_A) &&
			     stub_gone_from_rtm(self, NS_B), 1000))
		TH_LOG("rtm kept rtm-ripd's routes");
	EXPECT_TRUE(WAIT_FOR(!stub_in_fib_m(self, NS_A) &&
			     !stub_in_fib_m(self, NS_B), 5000))
		TH_LOG("M's FIB kept them");
}

/* Keyed MD5 towards A, a plain password towards B: BIRD must agree. */
TEST_F_TIMEOUT(rip, authenticated, 300)
{
	start_auth(_metadata, self, MD5, PLAIN);
	converge(_metadata, self);
}

/* A wrong password: nothing learned over that link. */
TEST_F_TIMEOUT(rip, wrong_password, 300)
{
	char conf[128];

	start_auth(_metadata, self, MD5, PLAIN);
	converge(_metadata, self);
	/* A with another key: rtm-ripd drops what A says, A's stub expires. */
	proc_stop(&self->bird_a, SIGTERM);
	snprintf(conf, sizeof(conf), "%s/a.conf", self->dir);
	ASSERT_EQ(0, bird_config(conf, "10.0.1.1", "a0", METRIC_A, MD5,
				 "md5other", false));
	bird_start(self, &self->bird_a, self->ns[NS_A], "a");
	EXPECT_TRUE(WAIT_FOR(stub_gone_from_rtm(self, NS_A), EXPIRE_MS))
		TH_LOG("A's stub stayed with A's key wrong");
}

/* Another protocol's routes, announced as the redistribute line says. */
TEST_F_TIMEOUT(rip, redistribution, 300)
{
	RTM_NET_ADDRESS in = pfx(AF_INET, 10, 9, 1, 0, 24);
	RTM_NET_ADDRESS out = pfx(AF_INET, 10, 8, 1, 0, 24);
	RTM_NET_ADDRESS other = pfx(AF_INET, 10, 9, 2, 0, 24);
	RTM_NET_ADDRESS gw = pfx(AF_INET, 10, 0, 1, 1, 32);
	RTM_NEXTHOP_HANDLE nh, onh;
	struct rt r = { .metric = 1, .nnh = 1 };
	struct heard h;
	struct ent o;

	start_all(_metadata, self);
	converge(_metadata, self);

	ASSERT_WIN(NO_ERROR, ent_reg(&o, 0, AF_INET, OTHER_PROTO, 1, NULL));
	ASSERT_WIN(NO_ERROR, nh_add(self->e.h, &gw, self->ifindex_m0, &nh));
	ASSERT_WIN(NO_ERROR, nh_add(o.h, &gw, self->ifindex_m0, &onh));
	r.nh[0] = nh;
	ASSERT_WIN(NO_ERROR, rt_add(self->e.h, &in, &r, NULL, NULL, NULL));
	ASSERT_WIN(NO_ERROR, rt_add(self->e.h, &out, &r, NULL, NULL, NULL));
	r.nh[0] = onh;
	ASSERT_WIN(NO_ERROR, rt_add(o.h, &other, &r, NULL, NULL, NULL));

	listen_a0(_metadata, self, &h, 4 * UPDATE_S * 1000 + 2000, NULL);
	EXPECT_LE(2U, h.updates);
	EXPECT_EQ(REDIST_METRIC, h.metric[2]);
	/* Not announced reachable (a withdrawal of a change is harmless). */
	EXPECT_TRUE(h.metric[3] == -1 || h.metric[3] == 16)
		TH_LOG("outside the prefix list, yet metric %d", h.metric[3]);
	EXPECT_TRUE(h.metric[4] == -1 || h.metric[4] == 16)
		TH_LOG("a protocol not redistributed, yet metric %d",
		       h.metric[4]);
	EXPECT_TRUE(WAIT_FOR(fib_find(self->nl[NS_B], ip("10.9.1.0"), 24,
				      NULL) == 1, CONVERGE_MS))
		TH_LOG("BIRD B did not learn the redistributed route");
	EXPECT_EQ(0, fib_find(self->nl[NS_B], ip("10.8.1.0"), 24, NULL));
	EXPECT_EQ(0, fib_find(self->nl[NS_B], ip("10.9.2.0"), 24, NULL));

	/* Withdrawn with the route. */
	ASSERT_WIN(NO_ERROR, RtmDeregisterEntity(self->e.h));
	self->registered = false;
	EXPECT_TRUE(WAIT_FOR(fib_find(self->nl[NS_B], ip("10.9.1.0"), 24,
				      NULL) == 0, CONVERGE_MS))
		TH_LOG("BIRD B kept the redistributed route");
	RtmDeregisterEntity(o.h);
}

TEST_HARNESS_MAIN
