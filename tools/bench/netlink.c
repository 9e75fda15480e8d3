// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel FIB side, through rtnetlink on a plain socket: a dummy device
 * in the scratch namespace, routes added and deleted in batches, one
 * RTM_GETROUTE per lookup, and RTM_GETROUTE dumps.
 *
 * Route adds are batched the way a fast loader does it: many RTM_NEWROUTE
 * messages packed in one buffer, sent with one sendmsg(), and only the last
 * message of a batch asks for an acknowledgement (NLM_F_ACK).  The kernel
 * still handles the messages one by one, each under the RTNL lock, and
 * reports any failure with an error message of its own, which is read
 * before the next batch goes out.  (`ip -batch` sends one message per line
 * and waits for each acknowledgement; this saves it a system call and a
 * context switch per route.)
 *
 * Every route goes via a gateway on the dummy device (192.0.2.2, and the
 * link-local fe80::2 for IPv6), in the main table with protocol bgp and
 * metric BENCH_METRIC, so the FIB holds one shared next hop per family as
 * rtm does.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "bench.h"

#define NL_RCVBUF	(64 * 1024)	/* a dump skb is at most 32 KiB */
#define NL_SOCKBUF	(8 * 1024 * 1024)

static const uint8_t gw4[4] = { 192, 0, 2, 2 };
static const uint8_t addr4[4] = { 192, 0, 2, 1 };
static const uint8_t gw6[16] = { 0xfe, 0x80, [15] = 2 };

static char rcvbuf[NL_RCVBUF] __attribute__((aligned(8)));

/* What the dump's reader computed, so that the parsing stays. */
volatile unsigned int dump_sink;

void nl_open(struct nl *nl, size_t batch_bytes)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, size = NL_SOCKBUF;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		die("netlink socket: %s", strerror(errno));
	/* Room for the error messages of a whole batch, and big batches. */
	if (setsockopt(nl->fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(nl->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	/* Acknowledgements without a copy of the request. */
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("netlink bind: %s", strerror(errno));
	nl->batch = batch_bytes < 1024 ? 1024 : batch_bytes;
	nl->cap = nl->batch + 1024;
	nl->buf = xcalloc(1, nl->cap);
	nl->seq = (uint32_t)now_ns();
}

void nl_close(struct nl *nl)
{
	close(nl->fd);
	free(nl->buf);
}

/* ---- building messages --------------------------------------------------- */

static struct nlmsghdr *msg_start(struct nl *nl, uint16_t type, uint16_t flags,
				  const void *hdr, size_t hdrlen)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(nl->buf + nl->len);

	h->nlmsg_len = NLMSG_LENGTH(hdrlen);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	h->nlmsg_seq = ++nl->seq;
	h->nlmsg_pid = 0;
	memcpy(NLMSG_DATA(h), hdr, hdrlen);
	return h;
}

static void put_attr(struct nlmsghdr *h, uint16_t type, const void *data,
		     size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)h +
					       NLMSG_ALIGN(h->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static struct rtattr *nest_start(struct nlmsghdr *h, uint16_t type)
{
	struct rtattr *rta = (struct rtattr *)((char *)h +
					       NLMSG_ALIGN(h->nlmsg_len));

	put_attr(h, type, NULL, 0);
	return rta;
}

static void nest_end(struct nlmsghdr *h, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)h + h->nlmsg_len -
					 (char *)nest);
}

static void msg_end(struct nl *nl, struct nlmsghdr *h)
{
	nl->len += NLMSG_ALIGN(h->nlmsg_len);
	nl->msgs++;
}

/* ---- sending and acknowledgements ---------------------------------------- */

static void send_all(struct nl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	ssize_t n;

	do {
		n = sendto(nl->fd, nl->buf, nl->len, 0, (struct sockaddr *)&sa,
			   sizeof(sa));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		die("netlink send (%zu bytes): %s", nl->len, strerror(errno));
}

static ssize_t recv_one(struct nl *nl)
{
	ssize_t n;

	do {
		n = recv(nl->fd, rcvbuf, sizeof(rcvbuf), 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		die("netlink recv: %s", strerror(errno));
	return n;
}

/*
 * Send the batch and read until the acknowledgement of its last message;
 * count the errors reported on the way.
 */
static void flush(struct nl *nl)
{
	struct nlmsghdr *last = NULL, *h;
	uint32_t want;
	size_t off;
	ssize_t n;

	if (!nl->msgs)
		return;
	for (off = 0; off < nl->len; off += NLMSG_ALIGN(h->nlmsg_len)) {
		h = (struct nlmsghdr *)(nl->buf + off);
		last = h;
	}
	last->nlmsg_flags |= NLM_F_ACK;
	want = last->nlmsg_seq;
	send_all(nl);
	nl->len = 0;
	nl->msgs = 0;
	for (;;) {
		n = recv_one(nl);
		for (h = (struct nlmsghdr *)rcvbuf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				if (e->error) {
					if (!nl->errors++)
						nl->first_error = -e->error;
				}
			}
			if (h->nlmsg_seq == want)
				return;
		}
	}
}

/* One request, acknowledged; -errno or 0. */
static int request(struct nl *nl, struct nlmsghdr *h)
{
	size_t errors = nl->errors;

	msg_end(nl, h);
	flush(nl);
	if (nl->errors == errors)
		return 0;
	nl->errors = errors;
	return -nl->first_error;
}

/* ---- the scratch namespace ----------------------------------------------- */

static void link_set(struct nl *nl, int ifindex, bool up)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = ifindex,
		.ifi_flags = up ? IFF_UP : 0,
		.ifi_change = IFF_UP,
	};
	int err;

	err = request(nl, msg_start(nl, RTM_NEWLINK, 0, &ifi, sizeof(ifi)));
	if (err)
		die("setting link %d %s: %s", ifindex, up ? "up" : "down",
		    strerror(-err));
}

/* A new network namespace with its loopback up. */
void nl_setup_netns(struct nl *nl)
{
	link_set(nl, if_nametoindex("lo") ?: 1, true);
}

void nl_link_set(struct nl *nl, bool up)
{
	link_set(nl, BENCH_IFINDEX, up);
}

/* The dummy device with the gateways' subnets, up. */
void nl_link_create(struct nl *nl)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = BENCH_IFINDEX,
		.ifi_flags = IFF_UP,
		.ifi_change = IFF_UP,
	};
	struct ifaddrmsg ifa = {
		.ifa_family = AF_INET,
		.ifa_prefixlen = 24,
		.ifa_index = BENCH_IFINDEX,
	};
	struct rtattr *info;
	struct nlmsghdr *h;
	int err;

	h = msg_start(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi,
		      sizeof(ifi));
	put_attr(h, IFLA_IFNAME, BENCH_IFNAME, sizeof(BENCH_IFNAME));
	info = nest_start(h, IFLA_LINKINFO);
	put_attr(h, IFLA_INFO_KIND, "dummy", sizeof("dummy") - 1);
	nest_end(h, info);
	err = request(nl, h);
	if (err)
		die("creating the dummy device %s: %s (is the dummy driver loaded?)",
		    BENCH_IFNAME, strerror(-err));

	h = msg_start(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa,
		      sizeof(ifa));
	put_attr(h, IFA_LOCAL, addr4, 4);
	put_attr(h, IFA_ADDRESS, addr4, 4);
	err = request(nl, h);
	if (err)
		die("adding 192.0.2.1/24: %s", strerror(-err));
}

/* Remove the dummy device, and with it every route through it. */
void nl_link_delete(struct nl *nl)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = BENCH_IFINDEX,
	};
	int err;

	err = request(nl, msg_start(nl, RTM_DELLINK, 0, &ifi, sizeof(ifi)));
	if (err)
		die("deleting %s: %s", BENCH_IFNAME, strerror(-err));
}

/* ---- routes -------------------------------------------------------------- */

void nl_routes(struct nl *nl, int cmd, const struct family *f,
	       const struct prefix *p, size_t n)
{
	struct rtmsg rtm = {
		.rtm_family = (unsigned char)f->af,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = RTPROT_BGP,
		.rtm_scope = RT_SCOPE_UNIVERSE,
		.rtm_type = RTN_UNICAST,
	};
	uint16_t flags = cmd == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL : 0;
	uint32_t oif = BENCH_IFINDEX, metric = BENCH_METRIC;
	const void *gw = f->af == AF_INET ? (const void *)gw4 : gw6;
	struct nlmsghdr *h;
	size_t i;

	for (i = 0; i < n; i++) {
		rtm.rtm_dst_len = p[i].len;
		h = msg_start(nl, (uint16_t)cmd, flags, &rtm, sizeof(rtm));
		put_attr(h, RTA_DST, p[i].addr, f->alen);
		put_attr(h, RTA_GATEWAY, gw, f->alen);
		put_attr(h, RTA_OIF, &oif, sizeof(oif));
		put_attr(h, RTA_PRIORITY, &metric, sizeof(metric));
		msg_end(nl, h);
		if (nl->len + 256 > nl->batch)
			flush(nl);
	}
	flush(nl);
}

bool nl_route_get(struct nl *nl, const struct rtm_net_address *a)
{
	unsigned int alen = a->family == AF_INET ? 4 : 16;
	struct rtmsg rtm = {
		.rtm_family = (unsigned char)a->family,
		.rtm_dst_len = (unsigned char)(alen * 8),
	};
	struct nlmsghdr *h;
	ssize_t n;

	h = msg_start(nl, RTM_GETROUTE, 0, &rtm, sizeof(rtm));
	put_attr(h, RTA_DST, a->addr, alen);
	msg_end(nl, h);
	send_all(nl);
	nl->len = 0;
	nl->msgs = 0;
	for (;;) {
		n = recv_one(nl);
		for (h = (struct nlmsghdr *)rcvbuf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != nl->seq)
				continue;
			return h->nlmsg_type == RTM_NEWROUTE;
		}
	}
}

/*
 * Dump a family's routes and take the destination of each of protocol
 * @proto out of its attributes, as a reader of the dump would; how many.
 */
size_t nl_route_dump(struct nl *nl, int af, unsigned char proto)
{
	struct rtmsg rtm = { .rtm_family = (unsigned char)af };
	size_t count = 0;
	unsigned int sum = 0;
	struct nlmsghdr *h;
	struct prefix p;
	ssize_t n;

	h = msg_start(nl, RTM_GETROUTE, NLM_F_DUMP, &rtm, sizeof(rtm));
	msg_end(nl, h);
	send_all(nl);
	nl->len = 0;
	nl->msgs = 0;
	for (;;) {
		n = recv_one(nl);
		for (h = (struct nlmsghdr *)rcvbuf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			struct rtmsg *r = NLMSG_DATA(h);
			struct rtattr *rta;
			int len;

			if (h->nlmsg_type == NLMSG_DONE) {
				dump_sink = sum;
				return count;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				die("route dump: %s", strerror(-e->error));
			}
			if (h->nlmsg_type != RTM_NEWROUTE ||
			    r->rtm_protocol != proto)
				continue;
			memset(&p, 0, sizeof(p));
			p.len = r->rtm_dst_len;
			len = (int)RTM_PAYLOAD(h);
			for (rta = RTM_RTA(r); RTA_OK(rta, len);
			     rta = RTA_NEXT(rta, len))
				if (rta->rta_type == RTA_DST &&
				    RTA_PAYLOAD(rta) <= sizeof(p.addr))
					memcpy(p.addr, RTA_DATA(rta),
					       RTA_PAYLOAD(rta));
			sum += p.addr[0] + p.len;
			count++;
		}
	}
}

/* Enter a new network namespace: the FIB starts empty there. */
void netns_enter(void)
{
	if (unshare(CLONE_NEWNET))
		die("unshare(CLONE_NEWNET): %s (run as root)", strerror(errno));
}
