/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small rtnetlink client for the tools: route messages built into one
 * buffer and sent in batches, errors collected per message, dumps.
 */
#ifndef RTM_TOOLS_RTNL_H
#define RTM_TOOLS_RTNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

struct rtnl {
	int fd;
	uint32_t seq;
	char *buf;		/* messages waiting to be sent */
	size_t len, cap;
	unsigned int queued;	/* messages in @buf */
	unsigned long errors;	/* requests the kernel refused */
	int last_error;		/* the errno of the last of them */
	/* called for each refused request, with its sequence number */
	void (*on_error)(struct rtnl *nl, uint32_t seq, int err, void *arg);
	void *arg;
};

/* A route, as the tools install it. */
struct rtnl_nexthop {
	uint8_t gateway[16];	/* all zero: none */
	int ifindex;		/* 0: none */
};

struct rtnl_route {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t dst[16];
	uint8_t dst_len;
	uint8_t type;		/* RTN_UNICAST, RTN_BLACKHOLE, ... */
	uint8_t protocol;	/* RTPROT_* */
	uint32_t table;
	uint32_t priority;
	unsigned int nnh;
	const struct rtnl_nexthop *nh;
};

int rtnl_open(struct rtnl *nl, size_t batch);
void rtnl_close(struct rtnl *nl);

/* Queue RTM_NEWROUTE (replace or create) or RTM_DELROUTE; sent in batches. */
int rtnl_route_replace(struct rtnl *nl, const struct rtnl_route *r);
int rtnl_route_delete(struct rtnl *nl, const struct rtnl_route *r);
/*
 * Queue RTM_NEWROUTE that only creates: refused with EEXIST where the
 * table has a route of that prefix at that metric already, whoever's.
 */
int rtnl_route_create(struct rtnl *nl, const struct rtnl_route *r);
/* The sequence number of the request queued last. */
static inline uint32_t rtnl_last_seq(const struct rtnl *nl)
{
	return nl->seq - 1;
}

/* Send what is queued and collect the errors it caused; 0 or -errno. */
int rtnl_flush(struct rtnl *nl);

/*
 * Dump the routes of a family, calling @fn for each with the message and
 * its attributes indexed by type (NULL where absent).
 */
typedef void (*rtnl_route_fn)(const struct rtmsg *rtm,
			      struct rtattr *const *tb, void *arg);
int rtnl_route_dump(struct rtnl *nl, int family, rtnl_route_fn fn, void *arg);

/*
 * Dump links (RTM_GETLINK), addresses (RTM_GETADDR) or routes
 * (RTM_GETROUTE) of a family (AF_UNSPEC: all), calling @fn for each
 * message of the answer; 0 or -errno.
 */
typedef void (*rtnl_msg_fn)(const struct nlmsghdr *h, void *arg);
int rtnl_dump(struct rtnl *nl, int type, int family, rtnl_msg_fn fn,
	      void *arg);

/* Index the attributes at @a (@len bytes) by type into @tb[0..@max]. */
void rtnl_attrs(struct rtattr *a, int len, struct rtattr **tb, int max);

#endif /* RTM_TOOLS_RTNL_H */
