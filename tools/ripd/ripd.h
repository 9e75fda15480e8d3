/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtm-ripd: a RIP version 2 (RFC 2453) and RIPng (RFC 2080) daemon whose
 * routing table is rtm.
 *
 * The two protocols share everything but what depends on the address
 * family, which a struct family describes: its message format, its socket,
 * its addresses and its registration with rtm.  Addresses are struct addr
 * (16 bytes; an IPv4 address in the first 4, the rest zero) with a prefix
 * length beside them.
 *
 * The pieces, one file each:
 *   config.c   the command line's and the configuration file's settings
 *   family.c   the two families: addresses, prefixes, formats
 *   packet.c   RIPv2 messages: encoding, decoding, authentication
 *   packet6.c  RIPng messages: encoding, decoding, next-hop entries
 *   md5.c      the MD5 digest keyed-MD5 authentication needs
 *   iface.c    the RIP interfaces: their addresses, the sockets, send, receive
 *   link.c     rtnetlink link and address notifications
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
#define RIPNG_PORT		521
#define RIP_INFINITY		16
#define RIP_MAX_ENTRIES		25	/* RIPv2 */
#define RIPNG_MAX_ENTRIES	72	/* 4 + 72 * 20 bytes: within 1280 */
#define RIP_MAX_PACKET		1500
#define RIP_CMD_REQUEST		1
#define RIP_CMD_RESPONSE	2
#define RIP_VERSION		2
#define RIPNG_VERSION		1
#define RIP_AFI_INET		2
#define RIP_AFI_AUTH		0xffff
#define RIP_AUTH_PLAIN		2
#define RIP_AUTH_MD5		3
#define RIP_KEY_LEN		16
#define RIPNG_HOPS		255

#define ARRAY_LEN(a)		(sizeof(a) / sizeof((a)[0]))
#define MAX_REDIST		16
#define MAX_REDIST_ITEMS	16

enum { FAM_RIP, FAM_RIPNG, NFAM };

/* An address of either family: IPv4 in b[0..3], the rest zero. */
struct addr {
	uint8_t b[16];
};

/* ---------------------------------------------------------------- log */

struct family;

void log_open(bool use_syslog, bool verbose);
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/* An address or prefix of @f as text, in one of a few rotating buffers. */
const char *ip_str(const struct family *f, const struct addr *a);
const char *prefix_str(const struct family *f, const struct addr *a,
		       unsigned int len);

/* ------------------------------------------------------------- config */

enum rip_auth {
	AUTH_NONE,
	AUTH_PLAIN,
	AUTH_MD5,
};

struct iface_config {
	char name[16];
	bool on[NFAM];		/* RIPv2, RIPng run here */
	bool send, receive;
	bool split_horizon;	/* with poisoned reverse */
	unsigned int cost;	/* added to received metrics */
	enum rip_auth auth;	/* RIPv2 only */
	uint8_t key_id;
	uint8_t key[RIP_KEY_LEN];	/* zero padded */
};

/* Routes of other protocols announced: those that match every list given. */
struct redist {
	unsigned int nprotos, nprefixes;
	uint32_t protos[MAX_REDIST_ITEMS];
	int prefix_af[MAX_REDIST_ITEMS];
	struct addr prefix[MAX_REDIST_ITEMS];
	uint8_t prefix_len[MAX_REDIST_ITEMS];
	unsigned int metric;
};

struct config {
	unsigned int instance;
	unsigned int update_ms, timeout_ms, garbage_ms;
	bool daemonize, use_syslog, verbose;
	bool ripng_all;		/* -6: RIPng on every interface */
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
/* The redistribute rule a route of @proto to @a/@len of @af matches. */
const struct redist *config_redist(uint32_t proto, int af,
				   const struct addr *a, unsigned int len);

/* ------------------------------------------------------------- packet */

struct rip_entry {
	uint16_t tag;
	struct addr addr;
	int len;		/* -1: not a prefix (a bad RIPv2 mask) */
	struct addr nexthop;	/* zero: the sender */
	uint32_t metric;
};

struct rip_msg {
	uint8_t command;
	bool whole_table;	/* a request for the whole table */
	unsigned int n;
	struct rip_entry e[RIPNG_MAX_ENTRIES];
	/* authentication found (decode) */
	enum rip_auth auth;
	uint8_t key_id;
	uint32_t seq;
};

/* Encode @m for @ic (RIPv2: with its authentication); returns the length. */
size_t packet_encode(const struct rip_msg *m, const struct iface_config *ic,
		     uint32_t seq, uint8_t *buf);
/*
 * Decode and authenticate @len bytes as @ic wants them: 0, or -1 with
 * *why set.
 */
int packet_decode(const uint8_t *buf, size_t len,
		  const struct iface_config *ic, struct rip_msg *m,
		  const char **why);
size_t packet6_encode(const struct rip_msg *m, const struct iface_config *ic,
		      uint32_t seq, uint8_t *buf);
int packet6_decode(const uint8_t *buf, size_t len,
		   const struct iface_config *ic, struct rip_msg *m,
		   const char **why);

void md5_digest(const void *data, size_t len, uint8_t out[16]);

/* ------------------------------------------------------------- family */

struct rtm_side {
	RTM_ENTITY_HANDLE reg;
	RTM_REGN_PROFILE profile;
	RTM_NOTIFY_HANDLE notify;
	int event_fd;		/* readable when changes wait */
};

/* What RIPv2 and RIPng differ in. */
struct family {
	unsigned int idx;	/* FAM_RIP, FAM_RIPNG */
	const char *name;	/* "RIP", "RIPng" */
	int af;			/* AF_INET, AF_INET6 */
	unsigned int bits;	/* 32, 128 */
	uint16_t port;		/* host order */
	struct addr group;	/* 224.0.0.9, ff02::9 */
	size_t (*encode)(const struct rip_msg *m,
			 const struct iface_config *ic, uint32_t seq,
			 uint8_t *buf);
	int (*decode)(const uint8_t *buf, size_t len,
		      const struct iface_config *ic, struct rip_msg *m,
		      const char **why);
	/* Whether @a/@len may be learned (no multicast, loopback, ...). */
	bool (*sound_prefix)(const struct addr *a, unsigned int len);
	bool running;		/* some interface runs it */
	int sock;
	struct rtm_side rtm;
};

extern struct family families[NFAM];

#define for_each_family(f)						\
	for ((f) = families; (f) < families + NFAM; (f)++)		\
		if ((f)->running)

void family_init(void);
/* @a with the bits past @len cleared. */
struct addr addr_masked(const struct addr *a, unsigned int len);
bool addr_eq(const struct addr *a, const struct addr *b);
bool addr_zero(const struct addr *a);
/* Whether @a lies in @net/@len. */
bool addr_in(const struct addr *a, const struct addr *net, unsigned int len);
bool addr_link_local(const struct addr *a);	/* IPv6 fe80::/10 */

/* -------------------------------------------------------------- iface */

/* An interface as one family sees it. */
struct iface_af {
	struct addr src;	/* RIPv2: the address; RIPng: the link-local */
	bool has_src;
	struct addr net;	/* the network announced */
	unsigned int plen;
	bool has_net;
	bool joined;
};

struct iface {
	const struct iface_config *cfg;
	int ifindex;		/* 0: not present */
	bool up;
	struct iface_af af[NFAM];
};

extern struct iface *ifaces;
extern unsigned int nifaces;

void iface_init(void);
/* Read the interfaces' indexes, states and addresses again. */
void iface_refresh(void);
struct iface *iface_by_index(int ifindex);
/* Whether @f runs on @ifc. */
bool iface_runs(const struct family *f, const struct iface *ifc);
/* The interface of @f whose network is exactly @a/@len, or NULL. */
struct iface *iface_connected(const struct family *f, const struct addr *a,
			      unsigned int len);
bool iface_is_local(const struct family *f, const struct addr *a);
/* Send @m on @ifc to @dst:@port (host order). */
void iface_send(const struct family *f, struct iface *ifc,
		const struct rip_msg *m, const struct addr *dst,
		uint16_t port);
/* Read one datagram of @f and hand it to input_packet(). */
void iface_receive(struct family *f);

/* rtnetlink: link and address changes refresh the interfaces at once. */
int link_watch_open(void);
void link_watch_read(int fd);

/* ---------------------------------------------------------------- rtm */

struct rip_route {
	struct addr addr;
	unsigned int len;
	unsigned int metric;
	int ifindex;		/* learned over; 0: not learned by RIP */
	bool connected;
};

void rtm_start(struct family *f);
void rtm_stop(struct family *f);
/*
 * A route heard from @neighbour on @ifc with its metric already raised by
 * the interface's cost (RIP_INFINITY: withdrawn).
 */
void rtm_learn(struct family *f, struct iface *ifc,
	       const struct addr *neighbour, const struct addr *a,
	       unsigned int len, unsigned int metric);
/* @ifindex went down: the routes learned over it expire at once. */
void rtm_iface_down(struct family *f, int ifindex);
/*
 * The routes to announce: @fn for each best route the policy announces,
 * then for each dest in hold-down (metric RIP_INFINITY).
 */
typedef void (*route_fn)(const struct rip_route *r, void *arg);
void rtm_walk(struct family *f, route_fn fn, void *arg);
/* What to announce for one prefix now (metric RIP_INFINITY: withdrawn). */
void rtm_lookup(struct family *f, const struct addr *a, unsigned int len,
		struct rip_route *r);
/*
 * Drain the changed dests; @fn gets each prefix. Returns how many.
 */
typedef void (*prefix_fn)(struct family *f, const struct addr *a,
			  unsigned int len);
unsigned int rtm_changes(struct family *f, prefix_fn fn);

/* -------------------------------------------------------------- input */

/* @hops: the IPv6 hop limit it came with (RIPv2: 0). */
void input_packet(struct family *f, struct iface *ifc,
		  const struct addr *src, uint16_t port, int hops,
		  const uint8_t *buf, size_t len);

/* ------------------------------------------------------------- output */

long long now_ms(void);
void output_init(void);
/* Milliseconds until output_run() has something to do. */
long long output_timeout(void);
void output_run(void);
/* A prefix changed: announce it in the next triggered update. */
void output_changed(struct family *f, const struct addr *a,
		    unsigned int len);
/* A full table to one requester (a whole-table request). */
void output_table(struct family *f, struct iface *ifc,
		  const struct addr *dst, uint16_t port);
/* Withdraw everything we announced (on shutdown). */
void output_withdraw_all(void);

#endif /* RTM_RIPD_H */
