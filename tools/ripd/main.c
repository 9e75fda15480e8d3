// SPDX-License-Identifier: GPL-2.0
/*
 * rtm-ripd: a RIP version 2 router (RFC 2453) with rtm as its routing
 * table, written against the RTMv2 API alone.
 *
 * usage: rtm-ripd [-c FILE] [-i INSTANCE] [-d] [-s] [-v] [INTERFACE...]
 *
 *   -c FILE      the configuration file (config.c describes it)
 *   -i INSTANCE  the rtm instance (default 0)
 *   -d           run as a daemon in the background
 *   -s           log to syslog, not stderr
 *   -v           also log every message sent, received or dropped
 *   INTERFACE    also run RIP on these interfaces, with default settings
 *
 * SIGTERM or SIGINT: it announces its routes unreachable, deregisters
 * (which takes its routes out of rtm) and exits 0.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "ripd.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: rtm-ripd [-c FILE] [-i INSTANCE] [-d] [-s] [-v] [INTERFACE...]\n");
	exit(2);
}

static int block_signals(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	/* Before any thread starts: the library's inherit the mask. */
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		die("sigprocmask: %s", strerror(errno));
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		die("signalfd: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	return fd;
}

int main(int argc, char **argv)
{
	const char *file = NULL;
	struct pollfd pf[3];
	int opt, sig_fd;
	long long t;

	config_defaults();
	while ((opt = getopt(argc, argv, "c:i:dsvh")) != -1) {
		switch (opt) {
		case 'c':
			file = optarg;
			break;
		case 'i':
			cfg.instance = strtoul(optarg, NULL, 0);
			break;
		case 'd':
			cfg.daemonize = true;
			break;
		case 's':
			cfg.use_syslog = true;
			break;
		case 'v':
			cfg.verbose = true;
			break;
		default:
			usage();
		}
	}
	log_open(cfg.use_syslog, cfg.verbose);
	if (file)
		config_load(file);
	for (; optind < argc; optind++)
		config_add_iface(argv[optind]);

	sig_fd = block_signals();
	iface_init();
	if (cfg.daemonize && daemon(0, 0))
		die("daemon: %s", strerror(errno));
	rtm_start();
	output_init();
	log_info("running on %u interfaces, instance %u, timers %u/%u/%u ms",
		 nifaces, cfg.instance, cfg.update_ms, cfg.timeout_ms,
		 cfg.garbage_ms);

	pf[0] = (struct pollfd){ .fd = rip_sock, .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = rtm.event_fd, .events = POLLIN };
	pf[2] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
	for (;;) {
		output_run();
		t = output_timeout();
		if (poll(pf, 3, t > 60000 ? 60000 : (int)t) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		if (pf[2].revents)
			break;
		if (pf[1].revents)
			rtm_changes(output_changed, NULL);
		if (pf[0].revents)
			iface_receive();
	}
	log_info("stopping");
	output_withdraw_all();
	rtm_stop();
	return 0;
}
