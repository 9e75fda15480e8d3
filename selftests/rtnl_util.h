/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnetlink for the tests that build networks: links (dummy, veth, up and
 * down, into another namespace), addresses and routes, one request at a
 * time with its acknowledgement.
 */
#ifndef RTM_RTNL_UTIL_H
#define RTM_RTNL_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/socket.h>

struct nlreq {
	struct nlmsghdr h;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
		struct rtmsg rtm;
	};
	char attrs[1024];
};

static inline void nl_attr(struct nlreq *r, unsigned short type,
			   const void *data, size_t len)
{
	struct nlmsghdr *h = &r->h;
	struct rtattr *a = (struct rtattr *)((char *)r +
					     NLMSG_ALIGN(h->nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static inline struct rtattr *nl_nest(struct nlreq *r, unsigned short type)
{
	struct rtattr *a = (struct rtattr *)((char *)r +
					     NLMSG_ALIGN(r->h.nlmsg_len));

	nl_attr(r, type, NULL, 0);
	return a;
}

static inline void nl_nest_end(struct nlreq *r, struct rtattr *a)
{
	a->rta_len = (char *)r + r->h.nlmsg_len - (char *)a;
}

/* Send a request with NLM_F_ACK and wait for its answer: 0 or -errno. */
static inline int nl_talk(int fd, struct nlmsghdr *h)
{
	static uint32_t seq = 1000;
	char buf[8192] __attribute__((aligned(8)));
	ssize_t len;

	h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = ++seq;
	if (send(fd, h, h->nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *r = (struct nlmsghdr *)buf;

		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return -errno;
		for (; NLMSG_OK(r, (size_t)len); r = NLMSG_NEXT(r, len))
			if (r->nlmsg_seq == seq && r->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)
					NLMSG_DATA(r))->error;
	}
}

static inline int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -errno;
	}
	return fd;
}

static inline int link_set(int fd, int ifindex, bool up)
{
	struct nlreq r;

	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(r.ifi));
	r.h.nlmsg_type = RTM_NEWLINK;
	r.ifi.ifi_family = AF_UNSPEC;
	r.ifi.ifi_index = ifindex;
	r.ifi.ifi_flags = up ? IFF_UP : 0;
	r.ifi.ifi_change = IFF_UP;
	return nl_talk(fd, &r.h);
}

static inline int link_up(int fd, int ifindex)
{
	return link_set(fd, ifindex, true);
}

/*
 * Dump the routes of @family: each RTM_NEWROUTE message goes to @fn with
 * @arg.  0, or -errno (the kernel's error included).
 */
static inline int route_dump(int fd, int family,
			     void (*fn)(struct nlmsghdr *h, void *arg),
			     void *arg)
{
	static char buf[65536] __attribute__((aligned(8)));
	static unsigned int seq = 7000;
	struct {
		struct nlmsghdr h;
		struct rtmsg rtm;
	} req = {
		.h.nlmsg_len = sizeof(req),
		.h.nlmsg_type = RTM_GETROUTE,
		.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.h.nlmsg_seq = ++seq,
		.rtm.rtm_family = family,
	};

	if (send(fd, &req, sizeof(req), 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		ssize_t len = recv(fd, buf, sizeof(buf), 0);

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return -errno;
		for (; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != req.h.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)
					NLMSG_DATA(h))->error;
			if (h->nlmsg_type == RTM_NEWROUTE)
				fn(h, arg);
		}
	}
}

/*
 * Start the creation of a device @name of kind @kind: the IFLA_LINKINFO
 * nest it returns is open, for the kind's data; the caller closes it.
 */
static inline struct rtattr *link_msg(struct nlreq *r, const char *name,
				      const char *kind)
{
	struct rtattr *info;

	memset(r, 0, sizeof(*r));
	r->h.nlmsg_len = NLMSG_LENGTH(sizeof(r->ifi));
	r->h.nlmsg_type = RTM_NEWLINK;
	r->h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	r->ifi.ifi_family = AF_UNSPEC;
	nl_attr(r, IFLA_IFNAME, name, strlen(name) + 1);
	info = nl_nest(r, IFLA_LINKINFO);
	nl_attr(r, IFLA_INFO_KIND, kind, strlen(kind));
	return info;
}

static inline int dummy_add(int fd, const char *name)
{
	struct rtattr *info;
	struct nlreq r;

	info = link_msg(&r, name, "dummy");
	nl_nest_end(&r, info);
	return nl_talk(fd, &r.h);
}

/* An address of @ifindex added (RTM_NEWADDR) or removed (RTM_DELADDR). */
static inline int addr_change(int fd, int type, int family, int ifindex,
			      const void *addr, unsigned int len)
{
	struct nlreq r;
	size_t alen = family == AF_INET ? 4 : 16;

	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(r.ifa));
	r.h.nlmsg_type = type;
	if (type == RTM_NEWADDR)
		r.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	r.ifa.ifa_family = family;
	r.ifa.ifa_prefixlen = len;
	r.ifa.ifa_index = ifindex;
	if (type == RTM_NEWADDR && family == AF_INET6)
		r.ifa.ifa_flags = IFA_F_NODAD;
	nl_attr(&r, IFA_LOCAL, addr, alen);
	nl_attr(&r, IFA_ADDRESS, addr, alen);
	return nl_talk(fd, &r.h);
}

static inline int addr_add(int fd, int family, int ifindex, const void *addr,
			   unsigned int len)
{
	return addr_change(fd, RTM_NEWADDR, family, ifindex, addr, len);
}

static inline int addr_del(int fd, int family, int ifindex, const void *addr,
			   unsigned int len)
{
	return addr_change(fd, RTM_DELADDR, family, ifindex, addr, len);
}

/*
 * Start a route message @type (RTM_NEWROUTE: a unicast route, created and
 * exclusive; RTM_DELROUTE) for the key (@dst/@len, @table, @metric) and
 * protocol @proto; the caller adds the next hops.
 */
static inline void route_msg(struct nlreq *r, int type, int family,
			     const void *dst, unsigned int len,
			     unsigned int proto, unsigned int table,
			     unsigned int metric)
{
	size_t alen = family == AF_INET ? 4 : 16;

	memset(r, 0, sizeof(*r));
	r->h.nlmsg_len = NLMSG_LENGTH(sizeof(r->rtm));
	r->h.nlmsg_type = type;
	r->rtm.rtm_family = family;
	r->rtm.rtm_dst_len = len;
	r->rtm.rtm_table = table < 256 ? table : RT_TABLE_UNSPEC;
	r->rtm.rtm_protocol = proto;
	if (type == RTM_NEWROUTE) {
		r->h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
		r->rtm.rtm_scope = RT_SCOPE_UNIVERSE;
		r->rtm.rtm_type = RTN_UNICAST;
	} else {
		r->rtm.rtm_scope = RT_SCOPE_NOWHERE;
	}
	nl_attr(r, RTA_DST, dst, alen);
	nl_attr(r, RTA_TABLE, &table, sizeof(table));
	nl_attr(r, RTA_PRIORITY, &metric, sizeof(metric));
}

/* A route by hand: via @gw on @ifindex, onlink. */
static inline int route_add(int fd, int family, const void *dst,
			    unsigned int len, const void *gw, int ifindex,
			    unsigned int proto, unsigned int table,
			    unsigned int metric)
{
	struct nlreq r;

	route_msg(&r, RTM_NEWROUTE, family, dst, len, proto, table, metric);
	r.rtm.rtm_flags = RTNH_F_ONLINK;
	nl_attr(&r, RTA_GATEWAY, gw, family == AF_INET ? 4 : 16);
	nl_attr(&r, RTA_OIF, &ifindex, sizeof(ifindex));
	return nl_talk(fd, &r.h);
}

/* A route deleted by hand, by its key and protocol. */
static inline int route_del(int fd, int family, const void *dst,
			    unsigned int len, unsigned int proto,
			    unsigned int table, unsigned int metric)
{
	struct nlreq r;

	route_msg(&r, RTM_DELROUTE, family, dst, len, proto, table, metric);
	return nl_talk(fd, &r.h);
}

/*
 * A veth pair: @name here, @peer in the network namespace of @peer_ns_fd
 * (-1: here too).
 */
static inline int veth_add(int fd, const char *name, const char *peer,
			   int peer_ns_fd)
{
	struct rtattr *info, *data, *pinfo;
	struct ifinfomsg *pifi;
	struct nlreq r;

	info = link_msg(&r, name, "veth");
	data = nl_nest(&r, IFLA_INFO_DATA);
	pinfo = nl_nest(&r, VETH_INFO_PEER);
	/* The peer's ifinfomsg, then its attributes. */
	pifi = (struct ifinfomsg *)((char *)&r + NLMSG_ALIGN(r.h.nlmsg_len));
	memset(pifi, 0, sizeof(*pifi));
	pifi->ifi_family = AF_UNSPEC;
	r.h.nlmsg_len = NLMSG_ALIGN(r.h.nlmsg_len) + sizeof(*pifi);
	nl_attr(&r, IFLA_IFNAME, peer, strlen(peer) + 1);
	if (peer_ns_fd >= 0)
		nl_attr(&r, IFLA_NET_NS_FD, &peer_ns_fd, sizeof(peer_ns_fd));
	nl_nest_end(&r, pinfo);
	nl_nest_end(&r, data);
	nl_nest_end(&r, info);
	return nl_talk(fd, &r.h);
}

#endif /* RTM_RTNL_UTIL_H */
