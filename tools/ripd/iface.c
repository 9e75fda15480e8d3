// SPDX-License-Identifier: GPL-2.0
/*
 * The RIP interfaces and the one UDP socket on port 520 they share.
 *
 * The socket joins 224.0.0.9 on every RIP interface and learns with
 * IP_PKTINFO which interface a datagram came in on; a datagram goes out
 * on the interface and from the address IP_PKTINFO names.  An interface's
 * index, state and first IPv4 address are read again before every
 * periodic update (iface_refresh()), so that an interface may come, go,
 * lose its carrier or change its address while the daemon runs: it sends
 * only while it is up and running with an address.
 */
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
int rip_sock = -1;

static uint32_t auth_seq;

static uint32_t netmask(unsigned int len)
{
	return len ? htonl(~0U << (32 - len)) : 0;
}

static void join(struct iface *ifc)
{
	struct ip_mreqn mr = {
		.imr_multiaddr.s_addr = htonl(RIP_GROUP),
		.imr_ifindex = ifc->ifindex,
	};

	if (setsockopt(rip_sock, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
		       sizeof(mr)) && errno != EADDRINUSE) {
		log_err("%s: joining 224.0.0.9: %s", ifc->cfg->name,
			strerror(errno));
		return;
	}
	ifc->joined = true;
}

void iface_init(void)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(RIP_PORT),
	};
	int one = 1, zero = 0, ttl = 1;
	unsigned int i;

	if (!cfg.niface)
		die("no interface to run RIP on");
	ifaces = calloc(cfg.niface, sizeof(*ifaces));
	if (!ifaces)
		die("out of memory");
	nifaces = cfg.niface;
	for (i = 0; i < nifaces; i++)
		ifaces[i].cfg = &cfg.iface[i];
	rip_sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			  0);
	if (rip_sock < 0)
		die("socket: %s", strerror(errno));
	if (setsockopt(rip_sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(rip_sock, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) ||
	    setsockopt(rip_sock, IPPROTO_IP, IP_MULTICAST_LOOP, &zero,
		       sizeof(zero)) ||
	    setsockopt(rip_sock, IPPROTO_IP, IP_MULTICAST_TTL, &ttl,
		       sizeof(ttl)))
		die("socket options: %s", strerror(errno));
	if (bind(rip_sock, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind to port %d: %s", RIP_PORT, strerror(errno));
	auth_seq = time(NULL);
	iface_refresh();
}

void iface_refresh(void)
{
	struct ifaddrs *list, *a;
	unsigned int i;

	if (getifaddrs(&list)) {
		log_err("getifaddrs: %s", strerror(errno));
		return;
	}
	for (i = 0; i < nifaces; i++) {
		struct iface *ifc = &ifaces[i];
		int index = if_nametoindex(ifc->cfg->name);
		bool was_up = ifc->up;
		uint32_t old = ifc->addr;
		unsigned int old_plen = ifc->plen;

		if (index != ifc->ifindex)
			ifc->joined = false;
		ifc->ifindex = index;
		ifc->up = false;
		ifc->addr = 0;
		for (a = list; a; a = a->ifa_next) {
			struct sockaddr_in *in, *mask;

			if (strcmp(a->ifa_name, ifc->cfg->name))
				continue;
			ifc->up = (a->ifa_flags & (IFF_UP | IFF_RUNNING)) ==
				  (IFF_UP | IFF_RUNNING);
			if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET ||
			    ifc->addr)
				continue;
			in = (struct sockaddr_in *)a->ifa_addr;
			mask = (struct sockaddr_in *)a->ifa_netmask;
			ifc->addr = in->sin_addr.s_addr;
			ifc->plen = mask ? __builtin_popcount(
					mask->sin_addr.s_addr) : 32;
			ifc->net = ifc->addr & netmask(ifc->plen);
		}
		if (ifc->ifindex && !ifc->joined)
			join(ifc);
		if (old && (ifc->up != was_up || ifc->addr != old))
			output_changed(old & netmask(old_plen), old_plen, NULL);
		if (ifc->up != was_up || ifc->addr != old)
			log_info("%s: %s, %s", ifc->cfg->name,
				 ifc->up ? "up" : "down",
				 ifc->addr ? prefix_str(ifc->addr, ifc->plen) :
					     "no address");
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

struct iface *iface_on_net(uint32_t addr)
{
	unsigned int i;

	for (i = 0; i < nifaces; i++)
		if (ifaces[i].addr &&
		    (addr & netmask(ifaces[i].plen)) == ifaces[i].net)
			return &ifaces[i];
	return NULL;
}

struct iface *iface_connected(uint32_t addr, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < nifaces; i++)
		if (ifaces[i].addr && ifaces[i].net == addr &&
		    ifaces[i].plen == len)
			return &ifaces[i];
	return NULL;
}

bool iface_is_local(uint32_t addr)
{
	unsigned int i;

	for (i = 0; i < nifaces; i++)
		if (ifaces[i].addr == addr)
			return true;
	return false;
}

void iface_send(struct iface *ifc, const struct rip_msg *m, uint32_t dst,
		uint16_t port)
{
	uint8_t buf[RIP_MAX_PACKET + 32];
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = port,
		.sin_addr.s_addr = dst,
	};
	struct iovec iov = { .iov_base = buf };
	struct msghdr mh = {
		.msg_name = &to,
		.msg_namelen = sizeof(to),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	struct in_pktinfo *pi;

	if (!ifc->up || !ifc->addr || !ifc->cfg->send)
		return;
	iov.iov_len = packet_encode(m, ifc->cfg, auth_seq++, buf);
	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(*pi));
	pi = (struct in_pktinfo *)CMSG_DATA(c);
	pi->ipi_ifindex = ifc->ifindex;
	pi->ipi_spec_dst.s_addr = ifc->addr;
	if (sendmsg(rip_sock, &mh, 0) < 0)
		log_debug("%s: send to %s: %s", ifc->cfg->name, ip_str(dst),
			  strerror(errno));
}

void iface_receive(void)
{
	uint8_t buf[RIP_MAX_PACKET + 64];
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct sockaddr_in from;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = {
		.msg_name = &from,
		.msg_namelen = sizeof(from),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	struct iface *ifc = NULL;
	ssize_t len;

	len = recvmsg(rip_sock, &mh, 0);
	if (len < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_err("receive: %s", strerror(errno));
		return;
	}
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
			ifc = iface_by_index(((struct in_pktinfo *)
					      CMSG_DATA(c))->ipi_ifindex);
	if (!ifc || !ifc->cfg->receive || iface_is_local(from.sin_addr.s_addr))
		return;
	input_packet(ifc, from.sin_addr.s_addr, from.sin_port, buf, len);
}
