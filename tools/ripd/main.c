// SPDX-License-Identifier: GPL-2.0
/*
 * rtm-ripd: a RIP version 2 (RFC 2453) and RIPng (RFC 2080) router with
 * rtm as its routing table, written against the RTMv2 API alone.
 *
 * usage: rtm-ripd [-c FILE] [-i INSTANCE] [-6] [-d] [-s] [-v] [INTERFACE...]
 *
 *   -c FILE      the configuration file (config.c describes it)
 *   -i INSTANCE  the rtm instance (default 0)
 *   -6           RIPng as well on every interface
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
		"usage: rtm-ripd [-c FILE] [-i INSTANCE] [-6] [-d] [-s] [-v] [INTERFACE...]\n");
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
	struct pollfd pf[2 + 2 * NFAM];
	struct family *f, *pf_fam[2 + 2 * NFAM];
	int opt, sig_fd, link_fd;
	unsigned int npf, i;
	long long t;

	config_defaults();
	while ((opt = getopt(argc, argv, "c:i:6dsvh")) != -1) {
		switch (opt) {
		case 'c':
			file = optarg;
			break;
		case 'i':
			cfg.instance = strtoul(optarg, NULL, 0);
			break;
		case '6':
			cfg.ripng_all = true;
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

	family_init();
	sig_fd = block_signals();
	link_fd = link_watch_open();
	iface_init();
	/* Before the library's threads start: they would not survive it. */
	if (cfg.daemonize && daemon(0, 0))
		die("daemon: %s", strerror(errno));
	for_each_family(f)
		rtm_start(f);
	output_init();
	for_each_family(f)
		log_info("%s running, instance %u, timers %u/%u/%u ms",
			 f->name, cfg.instance, cfg.update_ms, cfg.timeout_ms,
			 cfg.garbage_ms);

	/* The signals, the link changes, then each family's two fds. */
	pf[0] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = link_fd, .events = POLLIN };
	npf = 2;
	for_each_family(f) {
		pf_fam[npf] = f;
		pf[npf++] = (struct pollfd){ .fd = f->sock, .events = POLLIN };
		pf_fam[npf] = f;
		pf[npf++] = (struct pollfd){ .fd = f->rtm.event_fd,
					     .events = POLLIN };
	}
	for (;;) {
		output_run();
		t = output_timeout();
		if (poll(pf, npf, t > 60000 ? 60000 : (int)t) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		if (pf[0].revents)
			break;
		if (pf[1].revents)
			link_watch_read(link_fd);
		for (i = 2; i < npf; i++) {
			if (!pf[i].revents)
				continue;
			if (pf[i].fd == pf_fam[i]->sock)
				iface_receive(pf_fam[i]);
			else
				rtm_changes(pf_fam[i], output_changed);
		}
	}
	log_info("stopping");
	output_withdraw_all();
	for_each_family(f)
		rtm_stop(f);
	return 0;
}
