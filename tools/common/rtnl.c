// SPDX-License-Identifier: GPL-2.0
/*
 * A small rtnetlink client for the tools.
 *
 * Requests are packed into one buffer and sent with one sendmsg() when it
 * fills or on rtnl_flush().  They carry no NLM_F_ACK: rtnetlink handles a
 * sender's messages in the sender's own sendmsg() and answers only those
 * that fail, so once sendmsg() returns, the errors of the whole batch wait
 * in the socket and are read without blocking.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rtnl.h"

#define RTNL_SOCKBUF	(4 * 1024 * 1024)
#define RTNL_RCVBUF	(64 * 1024)

int rtnl_open(struct rtnl *nl, size_t batch)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, size = RTNL_SOCKBUF;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		return -errno;
	/* Room for the errors of a whole batch. */
	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(nl->fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(nl->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	/* Errors without a copy of the request. */
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(nl->fd);
		return err;
	}
	nl->cap = batch < 4096 ? 4096 : batch;
	nl->buf = calloc(1, nl->cap);
	if (!nl->buf) {
		close(nl->fd);
		return -ENOMEM;
	}
	nl->seq = 1;
	return 0;
}

void rtnl_close(struct rtnl *nl)
{
	close(nl->fd);
	free(nl->buf);
}

/* Read and account every message waiting, without blocking. */
static void rtnl_collect(struct rtnl *nl)
{
	static char rbuf[RTNL_RCVBUF] __attribute__((aligned(8)));
	ssize_t len;

	while ((len = recv(nl->fd, rbuf, sizeof(rbuf), MSG_DONTWAIT)) > 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)rbuf;

		for (; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
			struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_type != NLMSG_ERROR || !e->error)
				continue;
			nl->errors++;
			nl->last_error = -e->error;
			if (nl->on_error)
				nl->on_error(nl, h->nlmsg_seq, -e->error,
					     nl->arg);
		}
	}
}

int rtnl_flush(struct rtnl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct iovec iov = { nl->buf, nl->len };
	struct msghdr mh = {
		.msg_name = &sa, .msg_namelen = sizeof(sa),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t n;

	if (!nl->len)
		return 0;
	do {
		n = sendmsg(nl->fd, &mh, 0);
	} while (n < 0 && errno == EINTR);
	nl->len = 0;
	nl->queued = 0;
	if (n < 0)
		return -errno;
	rtnl_collect(nl);
	return 0;
}

static int rtnl_room(struct rtnl *nl, size_t need)
{
	if (nl->len + need <= nl->cap)
		return 0;
	return rtnl_flush(nl);
}

static void rtnl_attr(struct nlmsghdr *h, uint16_t type, const void *data,
		      size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)h +
					     NLMSG_ALIGN(h->nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* A route message; at most a page even with a few dozen next hops. */
static int rtnl_route_msg(struct rtnl *nl, int type, int flags,
			  const struct rtnl_route *r)
{
	size_t alen = r->family == AF_INET ? 4 : 16;
	size_t need = NLMSG_SPACE(sizeof(struct rtmsg)) + 256 +
		      r->nnh * (sizeof(struct rtnexthop) + 32);
	struct nlmsghdr *h;
	struct rtmsg *rtm;
	unsigned int i;
	int err;

	err = rtnl_room(nl, need);
	if (err)
		return err;
	h = (struct nlmsghdr *)(nl->buf + nl->len);
	memset(h, 0, NLMSG_SPACE(sizeof(*rtm)));
	h->nlmsg_len = NLMSG_LENGTH(sizeof(*rtm));
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	h->nlmsg_seq = nl->seq++;
	rtm = NLMSG_DATA(h);
	rtm->rtm_family = r->family;
	rtm->rtm_dst_len = r->dst_len;
	rtm->rtm_table = r->table < 256 ? r->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = r->protocol;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = r->type;
	rtnl_attr(h, RTA_DST, r->dst, alen);
	rtnl_attr(h, RTA_TABLE, &r->table, sizeof(r->table));
	rtnl_attr(h, RTA_PRIORITY, &r->priority, sizeof(r->priority));

	if (r->type == RTN_UNICAST && r->nnh == 1) {
		static const uint8_t zero[16];

		/*
		 * Never onlink: the kernel then checks that the gateway is
		 * reachable through the device, and refuses it if not,
		 * rather than install it and ARP for it in vain.
		 */
		if (memcmp(r->nh[0].gateway, zero, alen))
			rtnl_attr(h, RTA_GATEWAY, r->nh[0].gateway, alen);
		if (r->nh[0].ifindex)
			rtnl_attr(h, RTA_OIF, &r->nh[0].ifindex, sizeof(int));
	} else if (r->type == RTN_UNICAST && r->nnh > 1) {
		struct rtattr *mp = (struct rtattr *)((char *)h +
						      NLMSG_ALIGN(h->nlmsg_len));
		char *p = RTA_DATA(mp);
		static const uint8_t zero[16];

		mp->rta_type = RTA_MULTIPATH;
		for (i = 0; i < r->nnh; i++) {
			struct rtnexthop *rtnh = (struct rtnexthop *)p;
			struct rtattr *gw = RTNH_DATA(rtnh);

			memset(rtnh, 0, sizeof(*rtnh));
			rtnh->rtnh_ifindex = r->nh[i].ifindex;
			rtnh->rtnh_len = sizeof(*rtnh);
			/* An interface-only next hop has no gateway at all. */
			if (!memcmp(r->nh[i].gateway, zero, alen)) {
				p += RTNH_ALIGN(rtnh->rtnh_len);
				continue;
			}
			gw->rta_type = RTA_GATEWAY;
			gw->rta_len = RTA_LENGTH(alen);
			memcpy(RTA_DATA(gw), r->nh[i].gateway, alen);
			rtnh->rtnh_len += RTA_ALIGN(gw->rta_len);
			p += RTNH_ALIGN(rtnh->rtnh_len);
		}
		mp->rta_len = p - (char *)mp;
		h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(mp->rta_len);
	}
	nl->len += NLMSG_ALIGN(h->nlmsg_len);
	nl->queued++;
	return 0;
}

int rtnl_route_replace(struct rtnl *nl, const struct rtnl_route *r)
{
	return rtnl_route_msg(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, r);
}

int rtnl_route_create(struct rtnl *nl, const struct rtnl_route *r)
{
	return rtnl_route_msg(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, r);
}

int rtnl_route_delete(struct rtnl *nl, const struct rtnl_route *r)
{
	struct rtnl_route d = *r;

	/* A delete names the route by its key, not its next hops. */
	d.nnh = 0;
	d.type = RTN_UNSPEC;
	return rtnl_route_msg(nl, RTM_DELROUTE, 0, &d);
}

void rtnl_attrs(struct rtattr *a, int len, struct rtattr **tb, int max)
{
	memset(tb, 0, (max + 1) * sizeof(*tb));
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type <= max)
			tb[a->rta_type] = a;
}

/* The fixed header of a dump request, by message type. */
static size_t rtnl_dump_hdrlen(int type)
{
	switch (type) {
	case RTM_GETLINK:
		return sizeof(struct ifinfomsg);
	case RTM_GETADDR:
		return sizeof(struct ifaddrmsg);
	default:
		return sizeof(struct rtmsg);
	}
}

int rtnl_dump(struct rtnl *nl, int type, int family, rtnl_msg_fn fn,
	      void *arg)
{
	static char rbuf[RTNL_RCVBUF] __attribute__((aligned(8)));
	struct {
		struct nlmsghdr h;
		union {
			struct rtmsg rtm;
			struct ifinfomsg ifi;
			struct ifaddrmsg ifa;
		};
	} req;
	int err;

	err = rtnl_flush(nl);
	if (err)
		return err;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(rtnl_dump_hdrlen(type));
	req.h.nlmsg_type = type;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = nl->seq++;
	/* The family is the first byte of each of these headers. */
	req.rtm.rtm_family = family;
	if (send(nl->fd, &req, req.h.nlmsg_len, 0) < 0)
		return -errno;

	for (;;) {
		ssize_t len = recv(nl->fd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)rbuf;

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return -errno;
		for (; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != req.h.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;
			}
			fn(h, arg);
		}
	}
}

struct route_dump {
	rtnl_route_fn fn;
	void *arg;
};

static void rtnl_route_one(const struct nlmsghdr *h, void *arg)
{
	const struct route_dump *d = arg;
	struct rtattr *tb[RTA_MAX + 1];
	struct rtmsg *rtm = NLMSG_DATA(h);

	if (h->nlmsg_type != RTM_NEWROUTE)
		return;
	rtnl_attrs(RTM_RTA(rtm), RTM_PAYLOAD(h), tb, RTA_MAX);
	d->fn(rtm, tb, d->arg);
}

int rtnl_route_dump(struct rtnl *nl, int family, rtnl_route_fn fn, void *arg)
{
	struct route_dump d = { .fn = fn, .arg = arg };

	return rtnl_dump(nl, RTM_GETROUTE, family, rtnl_route_one, &d);
}
