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
 * (split horizon with poisoned reverse).  With b0 down, B's stub must
 * expire in M within the timers, be announced to A with metric 16 while
 * held down, and leave M's FIB and A's; with b0 up again it must come
 * back.  SIGKILL of rtm-ripd must take its routes out of rtm at once, and
 * out of M's FIB.
 *
 * BIRD is /usr/sbin/bird (or $RTM_BIRD), with birdc beside it for the
 * diagnostics; without it the tests skip.  rtm-ripd and rtm-fibsync are
 * found as the other tools are (find_tool()).
 */
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
	int sniff;		/* packets on a0, in A */
	struct proc bird_a, bird_b, ripd, fibsync;
	struct ent e;		/* in M, to read rtm */
	bool registered;
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

static int bird_config(const char *file, const char *router_id,
		       const char *veth, unsigned int stub_metric,
		       enum auth auth, const char *secret)
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
	uint32_t gw;
	int oif;
	unsigned int proto;
};

struct find_ctx {
	uint32_t dst;
	unsigned int len;
	struct fib_route *out;
	int found;
};

static void find_one(struct nlmsghdr *h, void *arg)
{
	struct rtmsg *rt = NLMSG_DATA(h);
	struct fib_route r = { .proto = rt->rtm_protocol };
	uint32_t d = 0, table = rt->rtm_table;
	struct find_ctx *c = arg;
	int alen = RTM_PAYLOAD(h);
	struct rtattr *a;

	for (a = RTM_RTA(rt); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (a->rta_type == RTA_DST)
			memcpy(&d, RTA_DATA(a), 4);
		else if (a->rta_type == RTA_GATEWAY)
			memcpy(&r.gw, RTA_DATA(a), 4);
		else if (a->rta_type == RTA_OIF)
			memcpy(&r.oif, RTA_DATA(a), 4);
		else if (a->rta_type == RTA_TABLE)
			memcpy(&table, RTA_DATA(a), 4);
	}
	if (table != RT_TABLE_MAIN || rt->rtm_dst_len != c->len ||
	    d != c->dst || rt->rtm_type != RTN_UNICAST)
		return;
	c->found = 1;
	if (c->out)
		*c->out = r;
}

/* The route to @dst/@len in the main table of @fd's namespace: 1, or 0. */
static int fib_find(int fd, uint32_t dst, unsigned int len,
		    struct fib_route *out)
{
	struct find_ctx c = { .dst = dst, .len = len, .out = out };
	int err = route_dump(fd, AF_INET, find_one, &c);

	return err ? err : c.found;
}

/* ------------------------------------------------------------------ */
/* rtm in M                                                             */
/* ------------------------------------------------------------------ */

struct rtm_route {
	ULONG proto;
	ULONG metric;
	uint32_t nexthop;
	ULONG ifindex;
};

/* The best route of rtm to @dst/@len: NO_ERROR, or why there is none. */
static DWORD rtm_best(FIXTURE_DATA(rip) *self, uint32_t dst, unsigned int len,
		      struct rtm_route *out)
{
	size_t rsize = RTM_SIZE_OF_ROUTE_INFO(self->e.prof.MaxNextHopsInRoute);
	RTM_DEST_INFO *di = calloc(1, RTM_SIZE_OF_DEST_INFO(4));
	RTM_ROUTE_INFO *ri = calloc(1, rsize);
	RTM_NEXTHOP_INFO nh;
	RTM_ENTITY_INFO ei;
	RTM_NET_ADDRESS d;
	DWORD st;

	memset(&d, 0, sizeof(d));
	RTM_IPV4_SET_ADDR_AND_LEN(&d, dst, len);
	memset(out, 0, sizeof(*out));
	st = RtmGetExactMatchDestination(self->e.h, &d, RTM_BEST_PROTOCOL,
					 RTM_VIEW_MASK_UCAST, di);
	if (st != NO_ERROR)
		goto out;
	st = ERROR_NOT_FOUND;
	if (di->ViewInfo[0].Route &&
	    RtmGetRouteInfo(self->e.h, di->ViewInfo[0].Route, ri, NULL) ==
	    NO_ERROR) {
		out->metric = ri->PrefInfo.Metric;
		if (RtmGetEntityInfo(self->e.h, ri->RouteOwner, &ei) ==
		    NO_ERROR) {
			out->proto = ei.EntityId.EntityProtocolId;
			RtmReleaseEntityInfo(self->e.h, &ei);
		}
		if (ri->NextHopsList.NumNextHops &&
		    RtmGetNextHopInfo(self->e.h, ri->NextHopsList.NextHops[0],
				      &nh) == NO_ERROR) {
			memcpy(&out->nexthop, nh.NextHopAddress.AddrBits, 4);
			out->ifindex = nh.InterfaceIndex;
			RtmReleaseNextHopInfo(self->e.h, &nh);
		}
		RtmReleaseRouteInfo(self->e.h, ri);
		st = NO_ERROR;
	}
	RtmReleaseDestInfo(self->e.h, di);
out:
	free(ri);
	free(di);
	return st;
}

/* ------------------------------------------------------------------ */
/* What rtm-ripd sends on a0                                            */
/* ------------------------------------------------------------------ */

#define WATCH		5

/* What M announced on a0, for the prefixes watched: [0] is A's stub. */
struct heard {
	unsigned int updates;	/* responses from M */
	uint32_t watch[WATCH];
	int metric[WATCH];	/* the last metric announced; -1: none */
	unsigned int poisoned[WATCH];	/* announcements with metric 16 */
};

static void heard_init(struct heard *h)
{
	static const char *const watched[WATCH] = {
		"10.1.0.0", "10.2.0.0", "10.9.1.0", "10.8.1.0", "10.9.2.0",
	};
	unsigned int i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < WATCH; i++) {
		h->watch[i] = ip(watched[i]);
		h->metric[i] = -1;
	}
}

/*
 * Read the RIP responses M sends on a0 for @ms, or until @until says so.
 * Any announcement of A's own stub with a metric below 16 fails the test
 * (split horizon with poisoned reverse).
 */
static void listen_a0(struct __test_metadata *_metadata,
		      FIXTURE_DATA(rip) *self, struct heard *h, long long ms,
		      bool (*until)(const struct heard *h))
{
	long long end = now_ms() + ms;
	uint8_t buf[2048];

	heard_init(h);
	while (now_ms() < end && !(until && until(h))) {
		struct pollfd pf = { .fd = self->sniff, .events = POLLIN };
		unsigned int ihl, off, i;
		ssize_t n;

		if (poll(&pf, 1, 200) <= 0)
			continue;
		n = recv(self->sniff, buf, sizeof(buf), 0);
		if (n < 28 || (buf[0] >> 4) != 4 || buf[9] != IPPROTO_UDP)
			continue;
		ihl = (buf[0] & 15) * 4;
		if ((size_t)n < ihl + 8 + 4 ||
		    memcmp(buf + 12, "\x0a\x00\x01\x02", 4) ||
		    (buf[ihl + 2] << 8 | buf[ihl + 3]) != 520)
			continue;
		off = ihl + 8;
		if (buf[off] != 2 || buf[off + 1] != 2)
			continue;
		h->updates++;
		for (off += 4; off + 20 <= (size_t)n; off += 20) {
			uint32_t addr, metric;

			if (buf[off] != 0 || buf[off + 1] != 2)
				continue;
			memcpy(&addr, buf + off + 4, 4);
			metric = buf[off + 19];
			for (i = 0; i < WATCH; i++) {
				if (addr != h->watch[i])
					continue;
				h->metric[i] = metric;
				h->poisoned[i] += metric == 16;
			}
			EXPECT_FALSE(addr == h->watch[0] && metric < 16)
				TH_LOG("M sent A's own stub back to A, metric %u",
				       metric);
		}
	}
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

/* In ns @ns: lo up, a dummy "stub" with @stub/24 up. */
static void end_ns(struct __test_metadata *_metadata, FIXTURE_DATA(rip) *self,
		   int ns, const char *stub)
{
	int nl = self->nl[ns], stub_if;

	ASSERT_EQ(0, link_up(nl, 1));
	ASSERT_EQ(0, dummy_add(nl, "stub"))
		TH_LOG("no dummy interface (CONFIG_DUMMY or dummy.ko?)");
	stub_if = if_nametoindex("stub");
	ASSERT_LT(0, stub_if);
	ASSERT_EQ(0, addr4(nl, stub_if, stub, 24));
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
	self->sniff = -1;
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
		self->nl[i] = nl_open();
		ASSERT_LE(0, self->nl[i]);
	}
	/* B, the last one made, is where we are. */
	end_ns(_metadata, self, NS_B, "10.2.0.1");
	ASSERT_EQ(0, setns(self->ns[NS_A], CLONE_NEWNET));
	end_ns(_metadata, self, NS_A, "10.1.0.1");
	ASSERT_EQ(0, setns(self->ns[NS_M], CLONE_NEWNET));
	ASSERT_EQ(0, link_up(self->nl[NS_M], 1));
	ASSERT_EQ(0, veth_add(self->nl[NS_M], "m0", "a0", self->ns[NS_A]));
	ASSERT_EQ(0, veth_add(self->nl[NS_M], "m1", "b0", self->ns[NS_B]));
	self->ifindex_m0 = if_nametoindex("m0");
	self->ifindex_m1 = if_nametoindex("m1");
	ASSERT_EQ(0, addr4(self->nl[NS_M], self->ifindex_m0, "10.0.1.2", 24));
	ASSERT_EQ(0, addr4(self->nl[NS_M], self->ifindex_m1, "10.0.2.2", 24));
	ASSERT_EQ(0, link_up(self->nl[NS_M], self->ifindex_m0));
	ASSERT_EQ(0, link_up(self->nl[NS_M], self->ifindex_m1));
	ASSERT_EQ(0, write_file("/proc/sys/net/ipv4/ip_forward", "1"));

	ASSERT_EQ(0, setns(self->ns[NS_A], CLONE_NEWNET));
	self->ifindex_a0 = if_nametoindex("a0");
	ASSERT_LT(0, self->ifindex_a0);
	ASSERT_EQ(0, addr4(self->nl[NS_A], self->ifindex_a0, "10.0.1.1", 24));
	ASSERT_EQ(0, link_up(self->nl[NS_A], self->ifindex_a0));
	self->sniff = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC,
			     htons(ETH_P_IP));
	ASSERT_LE(0, self->sniff);
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = self->ifindex_a0;
	ASSERT_EQ(0, bind(self->sniff, (struct sockaddr *)&sll, sizeof(sll)));

	ASSERT_EQ(0, setns(self->ns[NS_B], CLONE_NEWNET));
	self->ifindex_b0 = if_nametoindex("b0");
	ASSERT_LT(0, self->ifindex_b0);
	ASSERT_EQ(0, addr4(self->nl[NS_B], self->ifindex_b0, "10.0.2.1", 24));
	ASSERT_EQ(0, link_up(self->nl[NS_B], self->ifindex_b0));
	ASSERT_EQ(0, setns(self->ns[NS_M], CLONE_NEWNET));

	ASSERT_WIN(NO_ERROR, ent_reg(&self->e, 0, AF_INET, REDIST_PROTO, 1,
				     NULL));
	self->registered = true;
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
	proc_stop(&self->ripd, SIGTERM);
	proc_stop(&self->fibsync, SIGTERM);
	proc_stop(&self->bird_a, SIGTERM);
	proc_stop(&self->bird_b, SIGTERM);
	if (self->registered)
		RtmDeregisterEntity(self->e.h);
	if (self->sniff >= 0)
		close(self->sniff);
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
 * @auth_b) and start everything.
 */
static void start_auth(struct __test_metadata *_metadata,
		       FIXTURE_DATA(rip) *self, enum auth auth_a,
		       enum auth auth_b)
{
	char conf[128];
	char *ripd[] = { self->ripd_prog, "-v", "-c", conf, NULL };
	char *fibsync[] = { self->fibsync_prog, "-4", NULL };
	FILE *f;

	snprintf(conf, sizeof(conf), "%s/a.conf", self->dir);
	ASSERT_EQ(0, bird_config(conf, "10.0.1.1", "a0", METRIC_A, auth_a,
				 GOOD_SECRET(auth_a)));
	snprintf(conf, sizeof(conf), "%s/b.conf", self->dir);
	ASSERT_EQ(0, bird_config(conf, "10.0.2.1", "b0", METRIC_B, auth_b,
				 GOOD_SECRET(auth_b)));
	/*
	 * rtm-ripd: the short timers, both links, and the routes of protocol
	 * REDIST_PROTO inside 10.9.0.0/16 announced with REDIST_METRIC.
	 */
	snprintf(conf, sizeof(conf), "%s/ripd.conf", self->dir);
	f = fopen(conf, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "# ripd_test\nupdate %d\ntimeout %d\ngarbage %d\n"
		"interface m0%s\ninterface m1%s\n"
		"redistribute proto %#x prefix 10.9.0.0/16 metric %d\n",
		UPDATE_S, TIMEOUT_S, GARBAGE_S, ripd_auth[auth_a],
		ripd_auth[auth_b], REDIST_PROTO, REDIST_METRIC);
	ASSERT_EQ(0, fclose(f));
	proc_start(&self->fibsync, self->ns[NS_M], self->dir, "fibsync",
		   fibsync);
	proc_start(&self->ripd, self->ns[NS_M], self->dir, "ripd", ripd);
	bird_start(self, &self->bird_a, self->ns[NS_A], "a");
	bird_start(self, &self->bird_b, self->ns[NS_B], "b");
	ASSERT_LT(0, self->ripd.pid);
	ASSERT_LT(0, self->bird_a.pid);
	ASSERT_LT(0, self->bird_b.pid);
}

static void start_all(struct __test_metadata *_metadata,
		      FIXTURE_DATA(rip) *self)
{
	start_auth(_metadata, self, NONE, NONE);
}

/* Whether the stub behind @nsi is a RIP route of M with what it should. */
static bool stub_in_rtm(FIXTURE_DATA(rip) *self, int nsi, bool log_it,
			struct __test_metadata *_metadata)
{
	bool a = nsi == NS_A;
	struct rtm_route r;
	DWORD st = rtm_best(self, ip(a ? "10.1.0.0" : "10.2.0.0"), 24, &r);
	bool ok = st == NO_ERROR && r.proto == PROTO_IP_RIP &&
		  r.metric == (a ? METRIC_A : METRIC_B) + 1U &&
		  r.nexthop == ip(a ? "10.0.1.1" : "10.0.2.1") &&
		  (int)r.ifindex == (a ? self->ifindex_m0 : self->ifindex_m1);

	if (!ok && log_it)
		TH_LOG("stub %s in rtm: error %u, proto %u metric %u via %s if %u",
		       a ? "A" : "B", st, r.proto, r.metric,
		       inet_ntoa((struct in_addr){ r.nexthop }), r.ifindex);
	return ok;
}

static bool stub_gone_from_rtm(FIXTURE_DATA(rip) *self, int nsi)
{
	struct rtm_route r;

	return rtm_best(self, ip(nsi == NS_A ? "10.1.0.0" : "10.2.0.0"), 24,
			&r) != NO_ERROR;
}

/* Whether M's FIB has the stub through rtm-fibsync. */
static bool stub_in_fib_m(FIXTURE_DATA(rip) *self, int nsi)
{
	bool a = nsi == NS_A;
	struct fib_route r;

	return fib_find(self->nl[NS_M], ip(a ? "10.1.0.0" : "10.2.0.0"), 24,
			&r) == 1 && r.proto == FIBSYNC_PROTO &&
	       r.gw == ip(a ? "10.0.1.1" : "10.0.2.1");
}

/* Whether BIRD in @nsi put the other stub into its FIB, through M. */
static bool other_stub_in_fib(FIXTURE_DATA(rip) *self, int nsi)
{
	bool a = nsi == NS_A;
	struct fib_route r;

	return fib_find(self->nl[nsi], ip(a ? "10.2.0.0" : "10.1.0.0"), 24,
			&r) == 1 && r.proto == RTPROT_BIRD_FIB &&
	       r.gw == ip(a ? "10.0.1.2" : "10.0.2.2");
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

TEST_F_TIMEOUT(rip, link_down_and_up, 300)
{
	struct heard h;
	long long t0;

	start_all(_metadata, self);
	converge(_metadata, self);

	/* B's side goes quiet: its stub expires in M and is held down. */
	ASSERT_EQ(0, link_set(self->nl[NS_B], self->ifindex_b0, false));
	t0 = now_ms();
	listen_a0(_metadata, self, &h, EXPIRE_MS, heard_b_poisoned);
	EXPECT_TRUE(heard_b_poisoned(&h))
		TH_LOG("B's stub not announced unreachable to A (last metric %d)",
		       h.metric[1]);
	EXPECT_TRUE(WAIT_FOR(stub_gone_from_rtm(self, NS_B), 5000))
		TH_LOG("B's stub still in rtm");
	TH_LOG("B's stub unreachable after %lld ms", now_ms() - t0);
	EXPECT_LE(now_ms() - t0, (long long)EXPIRE_MS);
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
	ASSERT_EQ(0, link_set(self->nl[NS_B], self->ifindex_b0, true));
	EXPECT_TRUE(WAIT_FOR(stub_in_rtm(self, NS_B, false, _metadata),
			     CONVERGE_MS))
		stub_in_rtm(self, NS_B, true, _metadata);
	EXPECT_TRUE(WAIT_FOR(stub_in_fib_m(self, NS_B), CONVERGE_MS));
	EXPECT_TRUE(WAIT_FOR(other_stub_in_fib(self, NS_A), CONVERGE_MS))
		TH_LOG("BIRD A did not learn B's stub again");
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
				 "md5other"));
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
