// SPDX-License-Identifier: GPL-2.0
/*
 * Link and address changes from rtnetlink (RTMGRP_LINK, RTMGRP_IPV4_IFADDR,
 * RTMGRP_IPV6_IFADDR): any of them reads the interfaces again at once, so
 * that an interface going down withdraws its routes without waiting for
 * the next periodic update.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "ripd.h"

int link_watch_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR |
			     RTMGRP_IPV6_IFADDR,
	};
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_ROUTE);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		/* The periodic check of the interfaces still works. */
		log_err("rtnetlink: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

void link_watch_read(int fd)
{
	char buf[8192];
	bool any = false;
	ssize_t n;

	/* Drain what is there; one refresh covers it all. */
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0 ||
	       (n < 0 && errno == ENOBUFS))
		any = true;
	if (any)
		iface_refresh();
}
