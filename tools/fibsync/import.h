/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtm-fibsync's import side: the kernel's connected and static routes of a
 * family registered with rtm under entities of their own.
 */
#ifndef RTM_FIBSYNC_IMPORT_H
#define RTM_FIBSYNC_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "rtmv2.h"
#include "../common/rtnl.h"

/* The route protocols of the FIB whose routes are imported as static. */
#define IMPORT_IS_STATIC(rtproto) \
	((rtproto) == RTPROT_BOOT || (rtproto) == RTPROT_STATIC)

/* What import_sync() reads again. */
#define IMPORT_CONNECTED	(1U << 0)	/* links and addresses */
#define IMPORT_STATIC		(1U << 1)	/* static routes */

struct import_route;

/* The routes one import entity has in rtm, sorted by prefix. */
struct import_kind {
	const char *what;		/* "connected", "static" */
	ULONG protocol;			/* PROTO_IP_LOCAL, PROTO_IP_NT_STATIC */
	RTM_ENTITY_HANDLE h;
	RTM_REGN_PROFILE profile;
	struct import_route *have;
	size_t nhave;
	/* The next hops of the entity, held, each with what it is. */
	struct import_nh_held *nhs;
	size_t nnhs, cnhs;
	unsigned long added, changed, withdrawn, failed;
};

struct import {
	int af;
	const char *name;		/* "IPv4", "IPv6" */
	unsigned int table;		/* the FIB table of the static routes */
	struct import_kind kind[2];	/* connected, static */
};

/* Register the import entities of @af in rtm instance @instance. */
void import_open(struct import *im, int af, const char *name,
		 unsigned int instance, unsigned int table);
/* Delete the routes imported and deregister. */
void import_close(struct import *im);

/*
 * Read the FIB's side again (@what: IMPORT_CONNECTED, IMPORT_STATIC) over
 * @nl and bring the imported routes in rtm in line with it: add what is
 * missing or changed, delete what is gone.
 */
void import_sync(struct import *im, struct rtnl *nl, unsigned int what);

/*
 * Whether the best route of the prefix @addr/@len, owned by protocol
 * @protocol, is one imported here: the FIB has it already.
 */
bool import_owns(const struct import *im, uint32_t protocol,
		 const uint8_t *addr, uint8_t len);

/* A line of counters, for -v. */
void import_say_counts(const struct import *im);

#endif /* RTM_FIBSYNC_IMPORT_H */
