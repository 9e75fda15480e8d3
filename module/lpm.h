/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtm: longest-prefix-match table (lpm.c).
 *
 * A multibit trie with a stride of 8 bits and popcount-compressed nodes,
 * keyed by (address bytes in network order, prefix length), for 4-byte
 * (IPv4) or 16-byte (IPv6) keys.  It maps each prefix to an opaque value
 * pointer.
 *
 * Writers are serialised by the lock given at init (asserted with lockdep);
 * readers run under rcu_read_lock() and never block.  Nodes are replaced
 * copy-on-write and freed after a grace period, so a reader always sees a
 * node whose bitmaps and slots agree.  Walks are iterative.
 *
 * Keys: bits beyond the prefix length must be zero; callers mask them.
 * Order: entries ascend by address (as a big-endian bit string), then by
 * length: 0/0 < 10/8 < 10.0/16 < 10.1/16 < 11/8.
 */
#ifndef _RTM_LPM_H
#define _RTM_LPM_H

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>

#define RTM_LPM_MAX_KEYLEN	16	/* bytes */
#define RTM_LPM_MAX_DEPTH	RTM_LPM_MAX_KEYLEN

struct rtm_lpm_node;
struct task_struct;

struct rtm_lpm {
	struct rtm_lpm_node __rcu *root;
	struct mutex *lock;	/* the writers' lock */
	gfp_t gfp;		/* for the nodes an insertion makes */
	u8 keylen;		/* 4 or 16 */
	unsigned long count;	/* prefixes stored */
	size_t bytes;		/* memory held by nodes */
	/*
	 * A batch (rtm_lpm_batch_begin()): the writer it belongs to, and the
	 * private copy of the node it last inserted into, which takes the
	 * batch's further insertions into that node in place and replaces
	 * @pending_old at @pending_link when the batch moves on or ends.
	 */
	struct task_struct *batch_owner;
	struct rtm_lpm_node *pending;
	unsigned int pending_cap;	/* its slots' room */
	unsigned int pending_n;		/* its slots in use */
	struct rtm_lpm_node *pending_old;
	struct rtm_lpm_node __rcu **pending_link;
	/* the key bytes on its path, which the next insertions likely share */
	u8 pending_depth;
	u8 pending_key[RTM_LPM_MAX_KEYLEN];
};

void rtm_lpm_init(struct rtm_lpm *lpm, unsigned int keylen, struct mutex *lock,
		  gfp_t gfp);
void rtm_lpm_destroy(struct rtm_lpm *lpm);

int rtm_lpm_insert(struct rtm_lpm *lpm, const u8 *key, u8 plen, void *value);

/*
 * Where a prefix is or would go, as rtm_lpm_find() saw it: a look-up that
 * may be followed by an insertion (rtm_lpm_insert_at()) descends once.
 */
struct rtm_lpm_spot {
	const u8 *key;
	u8 plen;
	u8 depth;			/* of @node */
	struct rtm_lpm_node __rcu **link;	/* to @node, NULL: no spot */
	struct rtm_lpm_node *node;	/* the deepest one on the path, or NULL */
};

void *rtm_lpm_find(struct rtm_lpm *lpm, const u8 *key, u8 plen,
		   struct rtm_lpm_spot *spot);
int rtm_lpm_insert_at(struct rtm_lpm *lpm, const struct rtm_lpm_spot *spot,
		      void *value);

/*
 * A batch of insertions (and anything else) under one hold of the writers'
 * lock: insertions into one node build it once instead of once each.
 * Lock-free readers see them when the batch moves on to another node or
 * ends; the writer sees them at once.  End it before dropping the lock.
 */
void rtm_lpm_batch_begin(struct rtm_lpm *lpm);
void rtm_lpm_batch_end(struct rtm_lpm *lpm);
void *rtm_lpm_remove(struct rtm_lpm *lpm, const u8 *key, u8 plen);

void *rtm_lpm_exact(const struct rtm_lpm *lpm, const u8 *key, u8 plen);
void *rtm_lpm_longest(const struct rtm_lpm *lpm, const u8 *key, u8 maxlen,
		      bool (*accept)(void *value, void *arg), void *arg);

/* One lookup of rtm_lpm_longest_many() */
#define RTM_LPM_BATCH	64
struct rtm_lpm_query {
	u8 key[RTM_LPM_MAX_KEYLEN];	/* in: a full address */
	u8 maxlen;			/* in: as for rtm_lpm_longest() */
	bool skip;			/* in: no lookup; @value is NULL */
	u8 depth;			/* private: of @node */
	const struct rtm_lpm_node *node;	/* private: the walk's */
	void *value;			/* out: as rtm_lpm_longest() finds */
};

void rtm_lpm_longest_many(const struct rtm_lpm *lpm, struct rtm_lpm_query *q,
			  unsigned int n);

/*
 * An ordered walk.  It lives inside one RCU read-side critical section (or
 * under the writers' lock); to resume later, start a new walk after the
 * last key returned.
 */
struct rtm_lpm_iter {
	const struct rtm_lpm *lpm;
	u8 key[RTM_LPM_MAX_KEYLEN];	/* key of the entry last returned */
	u8 plen;			/* its prefix length */
	/*
	 * private: the node entered at each depth and the byte value the walk
	 * went down at; in the deepest node, the byte value it is at, the
	 * positions left there (bit k), the slots before each word of the
	 * node's three bitmaps, and the byte values with positions
	 */
	int depth;
	bool moved;			/* @key is not on the path to node[depth] */
	u8 path[RTM_LPM_MAX_DEPTH];
	const struct rtm_lpm_node *node[RTM_LPM_MAX_DEPTH];
	u16 octet;
	u16 left;
	u16 rank[3][256 / BITS_PER_LONG];
	unsigned long occ[256 / BITS_PER_LONG];
};

void rtm_lpm_iter_start(struct rtm_lpm_iter *it, const struct rtm_lpm *lpm,
			const u8 *key, u8 plen, bool inclusive);
void *rtm_lpm_iter_next(struct rtm_lpm_iter *it);

#endif /* _RTM_LPM_H */
