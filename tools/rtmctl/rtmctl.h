/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtmctl: inspect and drive the RTMv2 routing tables of rtm.ko.
 *
 * Everything a command changes belongs to the entity rtmctl registers for
 * it, and goes away when rtmctl exits (the kernel deregisters an entity
 * when its open file of /dev/rtm is closed).  So a session (struct session)
 * holds the registrations of one rtmctl process: one per (RTM instance,
 * address family), made the first time a command needs that table, all
 * with the same entity identity (-p, --instance-id).  `batch` runs many
 * commands in one session, `--stay` keeps it after the last command.
 *
 * Every command is a function of struct cmd (commands.c) taking its words
 * after the command name; it prints its result as text or, with -j, as one
 * JSON value (json.c), and returns 0 or an exit status.
 */
#ifndef RTMCTL_H
#define RTMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "rtmv2.h"

/* Exit statuses: EXIT_FAIL for a failed operation, EXIT_USAGE for bad words. */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

/* ---- messages (util.c) ---------------------------------------------- */

/*
 * Errors go to stderr as "rtmctl: [line N: ]MESSAGE".  In batch mode the
 * line number of the command is set with msg_set_line() (0: none).
 */
void msg_set_line(unsigned long line);
void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "rtmctl: WHAT: CALL: ERROR_NAME (code)"; returns EXIT_FAIL. */
int err_win32(const char *what, const char *call, DWORD code);
/* A usage error; returns EXIT_USAGE. */
int err_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The name of a Win32 error code ("ERROR_NOT_FOUND"), or NULL. */
const char *win32_name(DWORD code);

/* Parse an unsigned decimal or 0x-hex number of at most @max; 0 or -1. */
int parse_u32(const char *s, unsigned long max, ULONG *out);

/* Seconds of CLOCK_MONOTONIC. */
double now_s(void);

/* ---- addresses, protocols, flags (names.c) -------------------------- */

#define PREFIX_STRLEN	(46 + 4)	/* INET6_ADDRSTRLEN + "/128" */

/* "inet", "inet6" or "af<N>". */
const char *family_name(unsigned int family);
/* Address bits of a family: 32, 128, or 0 for another family. */
unsigned int family_bits(unsigned int family);

/*
 * Parse "ADDR[/LEN]" into @out; a missing length is the full length.
 * @family is AF_INET, AF_INET6 or 0 (either).  Bits beyond the length must
 * be zero unless @host_bits_ok, where they are cleared.  Returns 0, or -1
 * with a message (for the caller to prefix) in @why.
 */
int parse_prefix(const char *s, unsigned int family, bool host_bits_ok,
		 RTM_NET_ADDRESS *out, const char **why);
/* Parse a host address (no length) of @family (or 0: either). */
int parse_address(const char *s, unsigned int family, RTM_NET_ADDRESS *out,
		  const char **why);
/* "10.0.0.0/8"; "ADDR" alone with @with_len false. */
char *format_prefix(const RTM_NET_ADDRESS *a, bool with_len,
		    char buf[PREFIX_STRLEN]);

/* Protocol ids: names of routprot.h's PROTO_IP_* ("rip") or numbers. */
int parse_protocol(const char *s, ULONG *id);
/* The name of a protocol id, or NULL. */
const char *protocol_name(ULONG id);

/* RTM_ROUTE_FLAGS_* by name ("blackhole"); 0 if unknown. */
USHORT route_flag_by_name(const char *s);
/* Call @fn for the name of each flag set (unnamed bits as "0x..."). */
void route_flags_each(USHORT flags, void (*fn)(const char *name, void *arg),
		      void *arg);
void nexthop_flags_each(USHORT flags, void (*fn)(const char *name, void *arg),
			void *arg);
const char *route_state_name(UCHAR state);

/* Views: "ucast", "mcast", "both" (and "all") -> RTM_VIEW_MASK_*; 0 if not. */
RTM_VIEW_SET parse_views(const char *s);
const char *view_name(RTM_VIEW_ID id);

/* ---- JSON output (json.c) ------------------------------------------- */

/*
 * A streaming writer of one JSON value.  Members of an object take a key,
 * elements of an array NULL.  json_end() closes the innermost container,
 * and after the outermost one a newline ends the value.
 */
struct json {
	FILE *f;
	bool pretty;
	int depth;
	bool first[16];		/* no member written yet, per level */
	char closer[16];	/* '}' or ']', per level */
};

void json_init(struct json *j, FILE *f, bool pretty);
void json_object(struct json *j, const char *key);
void json_array(struct json *j, const char *key);
void json_end(struct json *j);
void json_string(struct json *j, const char *key, const char *value);
void json_uint(struct json *j, const char *key, unsigned long long value);
void json_int(struct json *j, const char *key, long long value);
void json_double(struct json *j, const char *key, double value);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);
/* A member holding a string, or null for NULL. */
void json_string_or_null(struct json *j, const char *key, const char *value);
/* An array of the names route_flags_each() gives. */
void json_route_flags(struct json *j, const char *key, USHORT flags);
void json_nexthop_flags(struct json *j, const char *key, USHORT flags);

/* ---- sessions and registrations (session.c) ------------------------- */

struct reg {
	USHORT table;			/* RTM instance id */
	USHORT family;
	RTM_ENTITY_HANDLE handle;
	RTM_REGN_PROFILE profile;
	bool events;			/* registered with a callback */
};

struct session {
	ULONG protocol_id;		/* -p, default PROTO_IP_NETMGMT */
	ULONG instance_id;		/* --instance-id, default the pid */
	bool stay;			/* --stay */
	bool force;			/* --force: batch goes on after errors */
	bool in_batch;
	struct reg **regs;
	size_t nregs;
};

/*
 * The session's registration in (@table, @family), registering the entity
 * there the first time.  NULL after printing why it failed.
 */
struct reg *session_reg(struct session *s, USHORT table, USHORT family);
/* The same, for an entity with the event callback @cb (monitor). */
struct reg *session_reg_events(struct session *s, USHORT table,
			       USHORT family, RTM_EVENT_CALLBACK cb);
/* Deregister everything, in reverse order. */
void session_close(struct session *s);
/* "rip instance-id 42" style description of the session's entity. */
const char *session_entity_name(const struct session *s);

/* ---- commands (commands.c and cmd_*.c) ------------------------------ */

/* Options of one command: given before it, or inherited in a batch. */
struct cmd_ctx {
	struct session *s;
	bool json;			/* -j */
	bool pretty;			/* --pretty */
	unsigned int family;		/* -4, -6, or 0 */
	USHORT table;			/* --table */
	bool table_set;
	struct json j;			/* the output when json */
};

struct cmd {
	const char *name;
	int (*run)(struct cmd_ctx *c, int argc, char **argv);
	const char *usage;
};

/* Wait for SIGINT, SIGTERM or SIGHUP (main.c): the end of --stay, monitor. */
void wait_for_stop_signal(void);

/* Run the command ARGV[0] with its words; 0 or an exit status. */
int run_command(struct cmd_ctx *c, int argc, char **argv);
void print_usage(FILE *f);

/* Argument words, consumed left to right. */
struct words {
	int argc;
	char **argv;
	int i;
	const char *cmd;		/* for messages: "route add" */
};

const char *words_next(struct words *w);	/* NULL at the end */
const char *words_peek(const struct words *w);
/* The value after keyword @kw, or NULL after a usage message. */
const char *words_value(struct words *w, const char *kw);
/* EXIT_USAGE with a message if words are left over. */
int words_end(struct words *w);

int cmd_show(struct cmd_ctx *c, int argc, char **argv);
int show_entities(struct cmd_ctx *c);	/* procfs.c */
int cmd_monitor(struct cmd_ctx *c, int argc, char **argv);
int cmd_stats(struct cmd_ctx *c, int argc, char **argv);
int cmd_route(struct cmd_ctx *c, int argc, char **argv);
int cmd_lookup(struct cmd_ctx *c, int argc, char **argv);
int cmd_load(struct cmd_ctx *c, int argc, char **argv);
int cmd_pref(struct cmd_ctx *c, int argc, char **argv);	/* cmd_pref.c */

/* ---- routes as the queries see them (route_desc.c) ------------------ */

/* Next hops read per route: the kernel's bound of MaxNextHopsInRoute. */
#define RTMCTL_MAX_NEXTHOPS	32

struct nexthop_desc {
	RTM_NET_ADDRESS address;
	ULONG interface_index;
	USHORT flags;
	USHORT state;
};

struct route_desc {
	RTM_NET_ADDRESS prefix;		/* of the route's dest */
	bool owner_known;		/* the owner could still be asked */
	ULONG protocol_id;
	ULONG instance_id;
	UCHAR state;
	USHORT flags;
	RTM_PREF_INFO pref;
	RTM_VIEW_SET views;
	UINT num_nexthops;
	struct nexthop_desc nexthops[RTMCTL_MAX_NEXTHOPS];
};

/*
 * Reads routes through the registration @r, remembering the owners and
 * next hops it met (by handle value: the kernel never reuses one).  One
 * describer per thread.
 */
struct describer {
	const struct reg *r;
	PRTM_ROUTE_INFO info;		/* room for MaxNextHopsInRoute */
	struct owner_entry *owners;
	size_t nowners;
	struct nh_entry *nhs;		/* open addressing, nh_cap a power of 2 */
	size_t nh_cap, nh_count;
};

int describer_init(struct describer *d, const struct reg *r);
void describer_free(struct describer *d);
/* The identity of entity @h; false if it is gone. */
bool describer_owner(struct describer *d, RTM_ENTITY_HANDLE h,
		     ULONG *protocol_id, ULONG *instance_id);

/*
 * Read the route @route (a handle held by d->r) with its owner and next
 * hops, releasing every handle the reads hand out.  NO_ERROR or the Win32
 * code of the call that failed, named in *@call.
 */
DWORD route_describe(struct describer *d, RTM_ROUTE_HANDLE route,
		     struct route_desc *rd, const char **call);
/* " via A dev N proto P instance-id I pref P metric M [flags F]" */
void route_desc_print(FILE *f, const struct route_desc *d);
/* "proto P instance-id I", or "proto ?" for an owner that is gone. */
void print_owner(FILE *f, bool known, ULONG protocol_id, ULONG instance_id);
/* The members of a route object (the caller opens and closes it). */
void route_desc_json(struct json *j, const struct route_desc *d);
/* "protocol", "protocol_id", "instance_id" members (null if gone). */
void json_owner(struct json *j, bool known, ULONG protocol_id,
		ULONG instance_id);
void json_views(struct json *j, const char *key, RTM_VIEW_SET views);
/* A next hop object; with a "family" member unless @family is 0. */
void json_nexthop(struct json *j, const struct nexthop_desc *nh,
		  unsigned int family);

/* ---- route attributes shared by route add and load (route_attrs.c) --- */

#define MAX_VIAS	16

struct route_attrs {
	unsigned int nvias;
	RTM_NET_ADDRESS via[MAX_VIAS];
	ULONG dev[MAX_VIAS];		/* interface index of each via */
	ULONG preference, metric;
	RTM_VIEW_SET views;
	ULONG ttl;			/* ms, INFINITE by default */
	USHORT flags;
};

/* Keywords route_attrs_parse() accepts. */
#define ATTR_VIA	(1U << 0)	/* via ADDR [dev IFINDEX], repeatable */
#define ATTR_PREF	(1U << 1)
#define ATTR_METRIC	(1U << 2)
#define ATTR_VIEW	(1U << 3)
#define ATTR_TTL	(1U << 4)
#define ATTR_FLAGS	(1U << 5)

void route_attrs_init(struct route_attrs *a);
/*
 * Parse the remaining words as keywords of @allowed, next hops of
 * @family (or 0: any, checked by the caller).  0 or EXIT_USAGE.
 */
int route_attrs_parse(struct words *w, unsigned int allowed,
		      unsigned int family, struct route_attrs *a);
/*
 * Add the next hops of @a whose family is @r's to @r's entity, their held
 * handles into @nh (room for MAX_VIAS); *@n is how many.  On failure the
 * handles taken so far are released.
 */
DWORD route_attrs_nexthops(const struct reg *r, const struct route_attrs *a,
			   RTM_NEXTHOP_HANDLE *nh, UINT *n, const char **call);

#endif /* RTMCTL_H */
