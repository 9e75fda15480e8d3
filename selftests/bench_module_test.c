// SPDX-License-Identifier: GPL-2.0
/*
 * rtm_bench.ko, the benchmark's lookup timing module: it finds the tables
 * of the caller's namespace without creating any, says -ENOENT when there
 * is none (a fresh namespace has no IPv4 main table and no rtm table), and
 * its lookups of rtm's table and of the FIB's find what is there, under
 * RCU as the debug kernel's PROVE_RCU checks.
 *
 * The module is no part of rtm.ko: each test loads it (from beside RTM_KO,
 * as tools/vm/run ships it) unless it is loaded already, and unloads what
 * it loaded.  Each test runs in a network namespace of its own.
 */
#include <net/if.h>
#include <net/route.h>
#include <sched.h>
#include <sys/socket.h>
#include <linux/rtm_bench.h>

#include "kselftest_harness.h"
#include "module_util.h"
#include "route_helpers.h"

#define INST		7
#define PROTO		0x7100
#define BENCH_DEV	"/dev/" RTM_BENCH_DEVICE_NAME

FIXTURE(bench) {
	bool loaded_here;
	int fd;
};

FIXTURE_SETUP(bench)
{
	char path[1024];
	int err;

	self->fd = -1;
	self->loaded_here = false;
	if (!rtm_present())
		SKIP(return, RTM_DEV " is not there (rtm.ko not loaded?)");
	if (!module_loaded("rtm_bench")) {
		module_beside_rtm("rtm_bench", path, sizeof(path));
		if (access(path, R_OK))
			SKIP(return, "no %.200s to load", path);
		err = load_module_file(path, "");
		ASSERT_ERRNO(0, err) TH_LOG("insmod %s", path);
		self->loaded_here = true;
	}
	self->fd = open(BENCH_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG(BENCH_DEV ": %s", strerror(errno));
	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s",
						   strerror(errno));
}

FIXTURE_TEARDOWN(bench)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->loaded_here && delete_module("rtm_bench"))
		fprintf(stderr, "# could not unload rtm_bench: %s\n",
			strerror(errno));
}

static struct rtm_net_address addr4(uint8_t a, uint8_t b, uint8_t c,
				    uint8_t d)
{
	struct rtm_net_address x = { .family = AF_INET, .num_bits = 32 };

	x.addr[0] = a;
	x.addr[1] = b;
	x.addr[2] = c;
	x.addr[3] = d;
	return x;
}

/* 2001:@second::@host */
static struct rtm_net_address addr6(uint16_t second, uint8_t host)
{
	struct rtm_net_address x = { .family = AF_INET6, .num_bits = 128 };

	x.addr[0] = 0x20;
	x.addr[1] = 0x01;
	x.addr[2] = second >> 8;
	x.addr[3] = second & 0xff;
	x.addr[15] = host;
	return x;
}

/* RTM_BENCH_IOC_LOOKUP of @n addresses; 0 or -errno, *@hits. */
static int bench(int fd, uint32_t target, uint16_t family,
		 const struct rtm_net_address *a, uint32_t n, uint32_t loops,
		 uint32_t *hits, uint64_t *ns)
{
	struct rtm_bench_lookup req;
	int err;

	memset(&req, 0, sizeof(req));
	req.instance = INST;
	req.family = family;
	req.target = target;
	req.count = n;
	req.loops = loops;
	req.addresses = (uintptr_t)a;
	err = rtm_ioctl(fd, RTM_BENCH_IOC_LOOKUP, &req);
	if (!err) {
		*hits = req.hits;
		if (ns)
			*ns = req.ns;
	}
	return err;
}

static int set_lo_up(void)
{
	struct ifreq ifr;
	int s, err = 0;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		err = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!err && ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		err = -errno;
	close(s);
	return err;
}

/* 10.0.0.0/8 dev lo into the main table, by the old route ioctl. */
static int add_route4(void)
{
	struct sockaddr_in *sin;
	struct rtentry rt;
	char dev[] = "lo";
	int s, err = 0;

	memset(&rt, 0, sizeof(rt));
	sin = (struct sockaddr_in *)&rt.rt_dst;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(0x0a000000);
	sin = (struct sockaddr_in *)&rt.rt_genmask;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(0xff000000);
	rt.rt_flags = RTF_UP;
	rt.rt_dev = dev;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (ioctl(s, SIOCADDRT, &rt) < 0)
		err = -errno;
	close(s);
	return err;
}

/* 2001:db8::/32 dev lo into the main table. */
static int add_route6(void)
{
	struct rtm_net_address a = addr6(0x0db8, 0);
	struct in6_rtmsg rt;
	int s, err = 0;

	memset(&rt, 0, sizeof(rt));
	memcpy(&rt.rtmsg_dst, a.addr, 16);
	rt.rtmsg_dst_len = 32;
	rt.rtmsg_metric = 1;
	rt.rtmsg_flags = RTF_UP;
	rt.rtmsg_ifindex = (int)if_nametoindex("lo");
	s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (ioctl(s, SIOCADDRT, &rt) < 0)
		err = -errno;
	close(s);
	return err;
}

/*
 * A fresh namespace has no IPv4 main table until its first route or
 * address: the module says so and makes none (no second main table for
 * the FIB to find later); the route added after that is found in it.
 */
TEST_F(bench, fib4)
{
	struct rtm_net_address a[] = {
		addr4(10, 1, 2, 3), addr4(11, 0, 0, 1), addr4(10, 255, 0, 9),
	};
	uint32_t hits = 99;
	uint64_t ns = 0;

	EXPECT_ERRNO(-ENOENT, bench(self->fd, RTM_BENCH_FIB, AF_INET, a,
				    ARRAY_SIZE(a), 1, &hits, NULL));
	ASSERT_ERRNO(0, set_lo_up());
	ASSERT_ERRNO(0, add_route4());
	ASSERT_ERRNO(0, bench(self->fd, RTM_BENCH_FIB, AF_INET, a,
			      ARRAY_SIZE(a), 3, &hits, &ns));
	EXPECT_EQ(2U, hits);
	EXPECT_LT(0U, ns);
}

/* IPv6's main table exists with the namespace: no routes, no hits. */
TEST_F(bench, fib6)
{
	struct rtm_net_address a[] = {
		addr6(0x0db8, 1), addr6(0x0db9, 1),
	};
	uint32_t hits = 99;

	ASSERT_ERRNO(0, bench(self->fd, RTM_BENCH_FIB, AF_INET6, a,
			      ARRAY_SIZE(a), 1, &hits, NULL));
	EXPECT_EQ(0U, hits);
	ASSERT_ERRNO(0, set_lo_up());
	ASSERT_ERRNO(0, add_route6());
	ASSERT_ERRNO(0, bench(self->fd, RTM_BENCH_FIB, AF_INET6, a,
			      ARRAY_SIZE(a), 2, &hits, NULL));
	EXPECT_EQ(1U, hits);
}

/*
 * rtm's table of the caller's namespace: none until an entity registers
 * in that (instance, family), even while another namespace has one; then
 * the unicast best routes are found by longest match.
 */
TEST_F(bench, rtm)
{
	struct rtm_net_address a4[] = {
		addr4(10, 1, 2, 3), addr4(11, 0, 0, 1), addr4(10, 1, 9, 9),
	};
	struct rtm_net_address a6[] = {
		addr6(0x0a01, 5), addr6(0x0b00, 5),
	};
	RTM_NEXTHOP_HANDLE nh4, nh6;
	struct ent e4, e6;
	uint32_t hits = 99;
	uint64_t ns = 0;
	int pid;

	/* Another namespace's table of the same pair is not this one's. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct ent other;

		if (unshare(CLONE_NEWNET) ||
		    ent_register(&other, INST, AF_INET, PROTO, 2, NULL))
			_exit(1);
		/* There, the table is this namespace's. */
		_exit(bench(self->fd, RTM_BENCH_RTM, AF_INET, a4,
			    ARRAY_SIZE(a4), 1, &hits, NULL) ? 2 : 0);
	}
	{
		int status;

		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("child status %#x", status);
	}

	EXPECT_ERRNO(-ENOENT, bench(self->fd, RTM_BENCH_RTM, AF_INET, a4,
				    ARRAY_SIZE(a4), 1, &hits, NULL));
	EXPECT_ERRNO(-ENOENT, bench(self->fd, RTM_BENCH_RTM, AF_INET6, a6,
				    ARRAY_SIZE(a6), 1, &hits, NULL));

	ASSERT_WIN(NO_ERROR, ent_register(&e4, INST, AF_INET, PROTO, 1, NULL));
	ASSERT_WIN(NO_ERROR, ent_register(&e6, INST, AF_INET6, PROTO, 1, NULL));
	/* A table with nothing in it: no hits. */
	ASSERT_ERRNO(0, bench(self->fd, RTM_BENCH_RTM, AF_INET, a4,
			      ARRAY_SIZE(a4), 1, &hits, NULL));
	EXPECT_EQ(0U, hits);

	ASSERT_WIN(NO_ERROR, nh_add(e4.h, host(AF_INET, 192, 0, 2, 1), 1,
				    &nh4));
	ASSERT_WIN(NO_ERROR, rt_simple(e4.h, pfx(AF_INET, 8, 10, 0, 0, 0),
				       10, 1, nh4, NULL));
	ASSERT_WIN(NO_ERROR, rt_simple(e4.h, pfx(AF_INET, 24, 10, 1, 2, 0),
				       10, 1, nh4, NULL));
	ASSERT_ERRNO(0, bench(self->fd, RTM_BENCH_RTM, AF_INET, a4,
			      ARRAY_SIZE(a4), 5, &hits, &ns));
	EXPECT_EQ(2U, hits);
	EXPECT_LT(0U, ns);

	ASSERT_WIN(NO_ERROR, nh_add(e6.h, host(AF_INET6, 0xfe, 0x80, 0, 0), 1,
				    &nh6));
	ASSERT_WIN(NO_ERROR, rt_simple(e6.h, pfx(AF_INET6, 32, 0x20, 0x01, 0x0a,
						 0x01), 10, 1, nh6, NULL));
	ASSERT_ERRNO(0, bench(self->fd, RTM_BENCH_RTM, AF_INET6, a6,
			      ARRAY_SIZE(a6), 1, &hits, NULL));
	EXPECT_EQ(1U, hits);

	EXPECT_WIN(NO_ERROR, ent_deregister(&e4));
	EXPECT_WIN(NO_ERROR, ent_deregister(&e6));
}

/* Requests it refuses, before it looks anything up. */
TEST_F(bench, bad_requests)
{
	struct rtm_net_address a[2] = { addr4(10, 1, 2, 3), addr6(0, 1) };
	struct rtm_bench_lookup req;
	struct ent e;
	uint32_t hits;
	unsigned int i;
	const struct {
		const char *what;
		size_t off, size;
		uint64_t value;
	} bad[] = {
#define BAD(field, v) { #field, offsetof(struct rtm_bench_lookup, field), \
			sizeof(req.field), v }
		BAD(reserved, 1),
		BAD(target, RTM_BENCH_FIB + 1),
		BAD(family, AF_UNIX),
		BAD(count, 0),
		BAD(count, RTM_MAX_BATCH + 1),
		BAD(loops, 0),
		BAD(loops, RTM_BENCH_MAX_LOOPS + 1),
#undef BAD
	};

	ASSERT_WIN(NO_ERROR, ent_register(&e, INST, AF_INET, PROTO, 1, NULL));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&req, 0, sizeof(req));
		req.instance = INST;
		req.family = AF_INET;
		req.target = RTM_BENCH_RTM;
		req.count = 1;
		req.loops = 1;
		req.addresses = (uintptr_t)a;
		memcpy((char *)&req + bad[i].off, &bad[i].value, bad[i].size);
		EXPECT_ERRNO(-EINVAL, rtm_ioctl(self->fd, RTM_BENCH_IOC_LOOKUP,
						&req))
			TH_LOG("%s = %llu", bad[i].what,
			       (unsigned long long)bad[i].value);
	}
	/* An address of the other family, to either target. */
	EXPECT_ERRNO(-EINVAL, bench(self->fd, RTM_BENCH_RTM, AF_INET, a, 2, 1,
				    &hits, NULL));
	ASSERT_ERRNO(0, set_lo_up());
	EXPECT_ERRNO(-EINVAL, bench(self->fd, RTM_BENCH_FIB, AF_INET, a, 2, 1,
				    &hits, NULL));
	/* The addresses' memory must be there. */
	memset(&req, 0, sizeof(req));
	req.instance = INST;
	req.family = AF_INET;
	req.count = 1;
	req.loops = 1;
	req.addresses = 8;
	EXPECT_ERRNO(-EFAULT, rtm_ioctl(self->fd, RTM_BENCH_IOC_LOOKUP, &req));
	/* And the good one goes through. */
	EXPECT_ERRNO(0, bench(self->fd, RTM_BENCH_RTM, AF_INET, a, 1, 1,
			      &hits, NULL));
	/* Nothing else is asked of the device. */
	EXPECT_ERRNO(-ENOTTY, rtm_ioctl(self->fd, RTM_IOC_REGISTER, &req));
	EXPECT_WIN(NO_ERROR, ent_deregister(&e));
}

TEST_HARNESS_MAIN
