/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtm-ripd: a RIP version 2 daemon (RFC 2453) whose routing table is rtm.
 *
 * The pieces, one file each:
 *   config.c   the command line's and the configuration file's settings
 *   packet.c   RIPv2 messages: encoding, decoding, authentication
 *   md5.c      the MD5 digest keyed-MD5 authentication needs
 *   iface.c    the RIP interfaces: their addresses, the socket, send, receive
 *   rtm.c      the RTMv2 side: registration, learned routes, expiry, changes
 *   input.c    what a received request or response does
 *   output.c   updates: periodic, triggered, answers to requests
 *   log.c      messages to stderr or syslog
 *   main.c     start, the event loop, stop
 */
#ifndef RTM_RIPD_H
#define RTM_RIPD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtmv2.h"

#define RIP_PORT		520
#define RIP_GROUP		0xe0000009	/* 224.0.0.9 */
#define RIP_INFINITY		16
#define RIP_MAX_ENTRIES		25
#define RIP_MAX_PACKET		512
#define RIP_CMD_REQUEST		1
#define RIP_CMD_RESPONSE	2
#define RIP_VERSION		2
#define RIP_AFI_INET		2
#define RIP_AFI_AUTH		0xffff
#define RIP_AUTH_PLAIN		2
#define RIP_AUTH_MD5		3
#define RIP_KEY_LEN		16

#define ARRAY_LEN(a)		(sizeof(a) / sizeof((a)[0]))
#define MAX_REDIST		16
#define MAX_REDIST_ITEMS	16

/* ---------------------------------------------------------------- log */

void log_open(bool use_syslog, bool verbose);
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
const char *ip_str(uint32_t addr);	/* network order; rotating buffers */
const char *prefix_str(uint32_t addr, unsigned int len);

/* ------------------------------------------------------------- config */

enum rip_auth {
	AUTH_NONE,
	AUTH_PLAIN,
	AUTH_MD5,
};

struct iface_config {
	char name[16];
	bool send, receive;
	bool split_horizon;	/* with poisoned reverse */
	unsigned int cost;	/* added to received metrics */
	enum rip_auth auth;
	uint8_t key_id;
	uint8_t key[RIP_KEY_LEN];	/* zero padded */
};

/* Routes of other protocols announced: those that match every list given. */
struct redist {
	unsigned int nprotos, nprefixes;
	uint32_t protos[MAX_REDIST_ITEMS];
	uint32_t prefix[MAX_REDIST_ITEMS];	/* network order */
	uint8_t prefix_len[MAX_REDIST_ITEMS];
	unsigned int metric;
};

struct config {
	unsigned int instance;
	unsigned int update_ms, timeout_ms, garbage_ms;
	bool daemonize, use_syslog, verbose;
	unsigned int niface;
	struct iface_config *iface;
	unsigned int nredist;
	struct redist redist[MAX_REDIST];
};

extern struct config cfg;

void config_defaults(void);
/* Read FILE into cfg; exits with a message naming the line on error. */
void config_load(const char *file);
/* An interface named on the command line: the defaults. */
struct iface_config *config_add_iface(const char *name);
/* The redistribute rule a route of @proto to @addr/@len matches, or NULL. */
const struct redist *config_redist(uint32_t proto, uint32_t addr,
				   unsigned int len);

/* ------------------------------------------------------------- packet */

struct rip_entry {
	uint16_t tag;
	uint32_t addr, mask, nexthop;	/* network order */
	uint32_t metric;
};

struct rip_msg {
	uint8_t command;
	unsigned int n;
	struct rip_entry e[RIP_MAX_ENTRIES];
	/* authentication found (decode) */
	enum rip_auth auth;
	uint8_t key_id;
	uint32_t seq;
};

/* Encode @m for @ic's authentication; returns the length. */
size_t packet_encode(const struct rip_msg *m, const struct iface_config *ic,
		     uint32_t seq, uint8_t *buf);
/*
 * Decode and authenticate @len bytes as @ic wants them: 0, or -1 with
 * *why set.
 */
int packet_decode(const uint8_t *buf, size_t len,
		  const struct iface_config *ic, struct rip_msg *m,
		  const char **why);

void md5_digest(const void *data, size_t len, uint8_t out[16]);

/* -------------------------------------------------------------- iface */

struct iface {
	const struct iface_config *cfg;
	int ifindex;		/* 0: not present */
	bool up;
	uint32_t addr;		/* first IPv4 address, network order */
	unsigned int plen;
	uint32_t net;		/* addr's network */
	bool joined;
};

extern struct iface *ifaces;
extern unsigned int nifaces;
extern int rip_sock;

void iface_init(void);
/* Read the interfaces' indexes, states and addresses again. */
void iface_refresh(void);
struct iface *iface_by_index(int ifindex);
/* The RIP interface whose network holds @addr (network order), or NULL. */
struct iface *iface_on_net(uint32_t addr);
/* The RIP interface whose network is exactly @addr/@len, or NULL. */
struct iface *iface_connected(uint32_t addr, unsigned int len);
bool iface_is_local(uint32_t addr);
/* Send @m on @ifc to @dst:@port (network order). */
void iface_send(struct iface *ifc, const struct rip_msg *m, uint32_t dst,
		uint16_t port);
/* Read one datagram and hand it to input_packet(). */
void iface_receive(void);

/* ---------------------------------------------------------------- rtm */

struct rip_route {
	uint32_t addr;		/* network order */
	unsigned int len;
	unsigned int metric;
	int ifindex;		/* learned over; 0: not learned by RIP */
	bool connected;
};

struct rtm_side {
	RTM_ENTITY_HANDLE reg;
	RTM_REGN_PROFILE profile;
	RTM_NOTIFY_HANDLE notify;
	int event_fd;		/* readable when changes wait */
};

extern struct rtm_side rtm;

void rtm_start(void);
void rtm_stop(void);
/*
 * A route heard from @neighbour on @ifc with its metric already raised by
 * the interface's cost (RIP_INFINITY: withdrawn).
 */
void rtm_learn(struct iface *ifc, uint32_t neighbour, uint32_t addr,
	       unsigned int len, unsigned int metric);
/*
 * The routes to announce: @fn for each best route the policy announces,
 * then for each dest in hold-down (metric RIP_INFINITY).
 */
typedef void (*route_fn)(const struct rip_route *r, void *arg);
void rtm_walk(route_fn fn, void *arg);
/* What to announce for one prefix now (metric RIP_INFINITY: withdrawn). */
void rtm_lookup(uint32_t addr, unsigned int len, struct rip_route *r);
/*
 * Drain the changed dests; @fn gets each prefix. Returns how many.
 */
typedef void (*prefix_fn)(uint32_t addr, unsigned int len, void *arg);
unsigned int rtm_changes(prefix_fn fn, void *arg);

/* -------------------------------------------------------------- input */

void input_packet(struct iface *ifc, uint32_t src, uint16_t port,
		  const uint8_t *buf, size_t len);

/* ------------------------------------------------------------- output */

long long now_ms(void);
void output_init(void);
/* Milliseconds until output_run() has something to do. */
long long output_timeout(void);
void output_run(void);
/* A prefix changed: announce it in the next triggered update. */
void output_changed(uint32_t addr, unsigned int len, void *arg);
/* A full table to one requester (a whole-table request). */
void output_table(struct iface *ifc, uint32_t dst, uint16_t port);
/* Withdraw everything we announced (on shutdown). */
void output_withdraw_all(void);

#endif /* RTM_RIPD_H */
