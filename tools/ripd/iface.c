// SPDX-License-Identifier: GPL-2.0
/*
 * The RIP interfaces and the socket of each family they share: UDP port
 * 520 for RIPv2, 521 for RIPng.
 *
 * A family's socket joins its group (224.0.0.9, ff02::9) on every
 * interface it runs on and learns with IP_PKTINFO / IPV6_PKTINFO which
 * interface a datagram came in on; a datagram goes out on the interface
 * and from the address the packet info names: RIPv2 from the interface's
 * first IPv4 address, RIPng from its link-local address, with hop limit
 * 255 (RFC 2080 2.5), the hop limit a response must arrive with.
 *
 * An interface's index, state and addresses are read again before every
 * periodic update and whenever rtnetlink reports a link or address change
 * (iface_refresh()), so that an interface may come, go, lose its carrier
 * or change its addresses while the daemon runs: it sends only while it is
 * up and running with an address.  When an interface goes down the routes
 * learned over it expire at once and its network is withdrawn in a
 * triggered update.
 */
#define _GNU_SOURCE		/* struct in6_pktinfo */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ripd.h"

struct iface *ifaces;
unsigned int nifaces;

static uint32_t auth_seq;

static void join(struct family *f, struct iface *ifc)
{
	struct iface_af *ia = &ifc->af[f->idx];
	struct ip_mreqn mr = { .imr_ifindex = ifc->ifindex };
	struct ipv6_mreq mr6 = { .ipv6mr_interface = ifc->ifindex };
	int err;

	if (f->af == AF_INET) {
		memcpy(&mr.imr_multiaddr, f->group.b, 4);
		err = setsockopt(f->sock, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
				 sizeof(mr));
	} else {
		memcpy(&mr6.ipv6mr_multiaddr, f->group.b, 16);
		err = setsockopt(f->sock, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr6,
				 sizeof(mr6));
	}
	if (err && errno != EADDRINUSE) {
		log_err("%s: joining %s: %s", ifc->cfg->name,
			ip_str(f, &f->group), strerror(errno));
		return;
	}
	ia->joined = true;
}

static void sock_open(struct family *f)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(f->port),
	};
	struct sockaddr_in6 sa6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(f->port),
	};
	int one = 1, zero = 0, ttl = 1, hops = RIPNG_HOPS, err;

	f->sock = socket(f->af, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (f->sock < 0)
		die("%s socket: %s", f->name, strerror(errno));
	if (f->af == AF_INET)
		err = setsockopt(f->sock, IPPROTO_IP, IP_PKTINFO, &one,
				 sizeof(one)) ||
		      setsockopt(f->sock, IPPROTO_IP, IP_MULTICAST_LOOP, &zero,
				 sizeof(zero)) ||
		      setsockopt(f->sock, IPPROTO_IP, IP_MULTICAST_TTL, &ttl,
				 sizeof(ttl));
	else
		err = setsockopt(f->sock, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				 sizeof(one)) ||
		      setsockopt(f->sock, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
				 sizeof(one)) ||
		      setsockopt(f->sock, IPPROTO_IPV6, IPV6_RECVHOPLIMIT,
				 &one, sizeof(one)) ||
		      setsockopt(f->sock, IPPROTO_IPV6, IPV6_MULTICAST_LOOP,
				 &zero, sizeof(zero)) ||
		      setsockopt(f->sock, IPPROTO_IPV6, IPV6_MULTICAST_HOPS,
				 &hops, sizeof(hops)) ||
		      setsockopt(f->sock, IPPROTO_IPV6, IPV6_UNICAST_HOPS,
				 &hops, sizeof(hops));
	if (err || setsockopt(f->sock, SOL_SOCKET, SO_REUSEADDR, &one,
			      sizeof(one)))
		die("%s socket options: %s", f->name, strerror(errno));
	if (f->af == AF_INET)
		err = bind(f->sock, (struct sockaddr *)&sa, sizeof(sa));
	else
		err = bind(f->sock, (struct sockaddr *)&sa6, sizeof(sa6));
	if (err)
		die("bind to port %d: %s", f->port, strerror(errno));
}

void iface_init(void)
{
	struct family *f;
	unsigned int i;

	if (!cfg.niface)
		die("no interface to run RIP on");
	ifaces = calloc(cfg.niface, sizeof(*ifaces));
	if (!ifaces)
		die("out of memory");
	nifaces = cfg.niface;
	for (i = 0; i < nifaces; i++)
		ifaces[i].cfg = &cfg.iface[i];
	for_each_family(f)
		sock_open(f);
	auth_seq = time(NULL);
	iface_refresh();
}

bool iface_runs(const struct family *f, const struct iface *ifc)
{
	return f->running && ifc->cfg->on[f->idx];
}

/* @ifc's addresses of @f in @list; returns whether any changed. */
static bool read_addrs(struct family *f, struct iface *ifc,
		       struct ifaddrs *list)
{
	struct iface_af *ia = &ifc->af[f->idx], old = *ia;
	struct ifaddrs *a;

	ia->has_src = ia->has_net = false;
	memset(&ia->src, 0, sizeof(ia->src));
	memset(&ia->net, 0, sizeof(ia->net));
	ia->plen = 0;
	for (a = list; a; a = a->ifa_next) {
		struct addr ad = { 0 }, mask = { 0 };
		bool ll;
		int i;

		if (strcmp(a->ifa_name, ifc->cfg->name) || !a->ifa_addr ||
		    a->ifa_addr->sa_family != f->af)
			continue;
		if (f->af == AF_INET) {
			memcpy(ad.b, &((struct sockaddr_in *)a->ifa_addr)->
			       sin_addr, 4);
			if (a->ifa_netmask)
				memcpy(mask.b, &((struct sockaddr_in *)
					a->ifa_netmask)->sin_addr, 4);
		} else {
			memcpy(ad.b, &((struct sockaddr_in6 *)a->ifa_addr)->
			       sin6_addr, 16);
			if (a->ifa_netmask)
				memcpy(mask.b, &((struct sockaddr_in6 *)
					a->ifa_netmask)->sin6_addr, 16);
		}
		ll = f->af == AF_INET6 && addr_link_local(&ad);
		/* RIPv2 sends from its network's address, RIPng from fe80. */
		if (!ia->has_src && (f->af == AF_INET || ll)) {
			ia->src = ad;
			ia->has_src = true;
		}
		if (ia->has_net || ll)
			continue;
		for (i = 0; i < 16; i++)
			ia->plen += __builtin_popcount(mask.b[i]);
		if (!a->ifa_netmask)
			ia->plen = f->bits;
		ia->net = addr_masked(&ad, ia->plen);
		ia->has_net = true;
	}
	return old.has_src != ia->has_src || old.has_net != ia->has_net ||
	       !addr_eq(&old.src, &ia->src) || !addr_eq(&old.net, &ia->net) ||
	       old.plen != ia->plen;
}

void iface_refresh(void)
{
	struct ifaddrs *list, *a;
	struct family *f;
	unsigned int i;

	if (getifaddrs(&list)) {
		log_err("getifaddrs: %s", strerror(errno));
		return;
	}
	for (i = 0; i < nifaces; i++) {
		struct iface *ifc = &ifaces[i];
		int index = if_nametoindex(ifc->cfg->name);
		bool was_up = ifc->up, changed;

		if (index != ifc->ifindex)
			for_each_family(f)
				ifc->af[f->idx].joined = false;
		ifc->ifindex = index;
		ifc->up = false;
		for (a = list; a; a = a->ifa_next)
			if (!strcmp(a->ifa_name, ifc->cfg->name))
				ifc->up = (a->ifa_flags &
					   (IFF_UP | IFF_RUNNING)) ==
					  (IFF_UP | IFF_RUNNING);
		for_each_family(f) {
			struct iface_af *ia = &ifc->af[f->idx];
			struct iface_af old = *ia;

			if (!iface_runs(f, ifc))
				continue;
			changed = read_addrs(f, ifc, list);
			if (ifc->ifindex && !ia->joined)
				join(f, ifc);
			if (was_up && !ifc->up && ifc->ifindex)
				rtm_iface_down(f, ifc->ifindex);
			if (old.has_net && (changed || ifc->up != was_up))
				output_changed(f, &old.net, old.plen);
			if (ia->has_net && changed)
				output_changed(f, &ia->net, ia->plen);
			if (changed || ifc->up != was_up)
				log_info("%s: %s %s, %s", ifc->cfg->name,
					 f->name, ifc->up ? "up" : "down",
					 ia->has_net ? prefix_str(f, &ia->net,
								  ia->plen) :
						       "no network");
		}
	}
	freeifaddrs(list);
}

struct iface *iface_by_index(int ifindex)
{
	unsigned int i;

	for (i = 0; i < nifaces; i++)
		if (ifaces[i].ifindex == ifindex)
			return &ifaces[i];
	return NULL;
}

struct iface *iface_connected(const struct family *f, const struct addr *a,
			      unsigned int len)
{
	unsigned int i;

	for (i = 0; i < nifaces; i++) {
		struct iface_af *ia = &ifaces[i].af[f->idx];

		if (iface_runs(f, &ifaces[i]) && ia->has_net &&
		    ia->plen == len && addr_eq(&ia->net, a))
			return &ifaces[i];
	}
	return NULL;
}

bool iface_is_local(const struct family *f, const struct addr *a)
{
	struct ifaddrs *list, *i;
	bool local = false;

	if (getifaddrs(&list))
		return false;
	for (i = list; i && !local; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != f->af)
			continue;
		if (f->af == AF_INET)
			local = !memcmp(&((struct sockaddr_in *)i->ifa_addr)->
					sin_addr, a->b, 4);
		else
			local = !memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->
					sin6_addr, a->b, 16);
	}
	freeifaddrs(list);
	return local;
}

void iface_send(const struct family *f, struct iface *ifc,
		const struct rip_msg *m, const struct addr *dst,
		uint16_t port)
{
	struct iface_af *ia = &ifc->af[f->idx];
	uint8_t buf[RIP_MAX_PACKET + 32];
	char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};
	struct sockaddr_in6 to6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(port),
		.sin6_scope_id = ifc->ifindex,
	};
	struct iovec iov = { .iov_base = buf };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
	};
	struct cmsghdr *c;

	if (!iface_runs(f, ifc) || !ifc->up || !ia->has_src ||
	    !ifc->cfg->send)
		return;
	iov.iov_len = f->encode(m, ifc->cfg, auth_seq++, buf);
	memset(cbuf, 0, sizeof(cbuf));
	if (f->af == AF_INET) {
		struct in_pktinfo *pi;

		memcpy(&to.sin_addr, dst->b, 4);
		mh.msg_name = &to;
		mh.msg_namelen = sizeof(to);
		mh.msg_controllen = CMSG_SPACE(sizeof(*pi));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(*pi));
		pi = (struct in_pktinfo *)CMSG_DATA(c);
		pi->ipi_ifindex = ifc->ifindex;
		memcpy(&pi->ipi_spec_dst, ia->src.b, 4);
	} else {
		struct in6_pktinfo *pi;

		memcpy(&to6.sin6_addr, dst->b, 16);
		mh.msg_name = &to6;
		mh.msg_namelen = sizeof(to6);
		mh.msg_controllen = CMSG_SPACE(sizeof(*pi));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(*pi));
		pi = (struct in6_pktinfo *)CMSG_DATA(c);
		pi->ipi6_ifindex = ifc->ifindex;
		memcpy(&pi->ipi6_addr, ia->src.b, 16);
	}
	if (sendmsg(f->sock, &mh, 0) < 0)
		log_debug("%s: send to %s: %s", ifc->cfg->name, ip_str(f, dst),
			  strerror(errno));
}

void iface_receive(struct family *f)
{
	uint8_t buf[RIP_MAX_PACKET + 64];
	char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
		  CMSG_SPACE(sizeof(int))];
	struct sockaddr_in6 from6;
	struct sockaddr_in *from = (struct sockaddr_in *)&from6;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = {
		.msg_name = &from6,
		.msg_namelen = sizeof(from6),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	struct iface *ifc = NULL;
	struct addr src = { 0 };
	uint16_t port;
	int hops = 0;
	ssize_t len;

	len = recvmsg(f->sock, &mh, 0);
	if (len < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_err("%s receive: %s", f->name, strerror(errno));
		return;
	}
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
			ifc = iface_by_index(((struct in_pktinfo *)
					      CMSG_DATA(c))->ipi_ifindex);
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO)
			ifc = iface_by_index(((struct in6_pktinfo *)
					      CMSG_DATA(c))->ipi6_ifindex);
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_HOPLIMIT)
			memcpy(&hops, CMSG_DATA(c), sizeof(hops));
	}
	if (f->af == AF_INET) {
		memcpy(src.b, &from->sin_addr, 4);
		port = ntohs(from->sin_port);
	} else {
		memcpy(src.b, &from6.sin6_addr, 16);
		port = ntohs(from6.sin6_port);
	}
	if (!ifc || !iface_runs(f, ifc) || !ifc->cfg->receive)
		return;
	if (addr_eq(&src, &ifc->af[f->idx].src))
		return;		/* our own */
	input_packet(f, ifc, &src, port, hops, buf, len);
}
