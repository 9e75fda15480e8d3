// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: the longest-prefix-match table.
 *
 * A multibit trie in the style of Tree Bitmap and BART (gaissmai/bart): each
 * node covers one byte of the key (stride 8), so an IPv4 lookup visits at
 * most four nodes and, on the real Internet table, usually three (the /24s
 * fill the nodes of byte 2).  A node holds
 *
 *  - a 512-bit prefix bitmap: the prefixes that end inside the node, of
 *    in-node length l = 0..8 and value v (the top l bits of the node's
 *    byte), at index (1 << l) | v.  The node at depth d holds the prefixes
 *    of length 8d + 1 .. 8d + 8, so the /8, /16, /24 and /32 of a byte sit
 *    at 256 + byte; the length-0 position (index 1) is used only by the
 *    root, for the default route;
 *  - a 256-bit child bitmap, one bit per value of the node's byte;
 *  - a slot array compressed by popcount: the rank of a bit (the number of
 *    set bits before it) is its slot.
 *
 * Two deviations from the textbook layout, both for cache lines: the child
 * bitmap and the upper half of the prefix bitmap (in-node length 8) fill the
 * node's first 64 bytes, and the slots hold the children first, then the
 * length-8 prefixes, then the shorter ones.  A descent, or a lookup that
 * ends on a byte's full-length prefix (the /24 of most IPv4 lookups), thus
 * reads one line of the node header plus the slot; the second line, with the
 * shorter positions, is prefetched on the way down for the lookups that
 * need it.  Slot offsets are computed with popcounts rather than stored.
 *
 * Nothing is stored for a prefix but its bit and its value pointer, so the
 * trie costs 8 bytes per prefix plus a 112-byte header per node: on the real
 * tables, kmalloc's rounding included, 15.9 bytes per IPv4 prefix (25,000
 * nodes for 900,000 prefixes) and 43 per IPv6 prefix.
 *
 * Lookups descend by child bits and then backtrack from the deepest node,
 * looking in each node only at the at most nine positions that cover the
 * key's byte, longest first: a longer one always has a higher index, so the
 * six shortest are found with one mask and one find-last-bit.
 *
 * Writers replace a node copy-on-write: the new node is built aside,
 * published with one rcu_assign_pointer() in its parent's slot (or the root),
 * and the old one goes to kfree_rcu(); a node is never changed once readers
 * can see it, except for child pointers, which are swapped whole.  A reader
 * thus always sees bitmaps and slots that agree.  Within a batch, the copy
 * of the node last inserted into stays private (lpm->pending) and takes the
 * batch's further insertions into that node in place, in the slack of its
 * kmalloc bucket (nodes are allocated at their bucket's full size), until
 * the batch moves to another node or ends and it is published: a load of
 * sorted prefixes builds each node about once per batch instead of once per
 * prefix.  The batch's writer sees the private copy in place of the node it
 * replaces (lpm_pending_old()); everyone else sees the published trie.
 * Nodes emptied by a removal are unlinked up the path. An insertion builds
 * everything it needs before publishing anything, so a failed allocation
 * (with the flags given at init) leaves the trie as it was; a removal must
 * not fail and allocates its (smaller) node with __GFP_NOFAIL.
 *
 * Why not the alternatives: a path-compressed binary trie (WireGuard's
 * allowedips) visits about twenty nodes per IPv4 lookup; fib_trie's
 * level-compressed trie averages 2.2 levels but reads a key vector, a child
 * array, a leaf and its alias list, and costs about 120 bytes per prefix;
 * Poptrie and DXR are faster and smaller still, but are forwarding tables
 * compiled from a RIB (batched rebuilds, leaves holding next-hop indices, no
 * per-prefix values or ordered walk), whereas this is the RIB itself.
 * BART's path compression (leaves and fringes in child slots) would save
 * nodes on sparse IPv6 paths; it is left out for simplicity, as IPv4, which
 * dominates, hardly gains from it.
 *
 * The ordered walk keeps the stack of nodes it is in: a position in a node
 * is (byte value a, k), k = 0..8 naming the in-node prefix of length k whose
 * left-aligned value is a, and k = 9 the child at a.  Ordering positions by
 * (a, k) is exactly the order of the keys they stand for, so a walk is a
 * sequence of bitmap searches, and a seek follows the key down once.  In
 * the node it is in, the walk keeps the byte values that have positions and
 * the positions left at the current one as bitmaps, and the slot counts
 * before each word of the node's bitmaps, so that a step is a bit search
 * and a popcount; the key it returns changes in its last byte only, unless
 * the walk changed nodes.
 */

#include <kunit/visibility.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/find.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/prefetch.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "lpm.h"

#define MAP_BITS	256
#define MAP_LONGS	BITS_TO_LONGS(MAP_BITS)

/* The walk's positions at a byte value a: k 0..8 a prefix, 9 the child */
#define POS_CHILD	9

union rtm_lpm_slot {
	void *value;
	struct rtm_lpm_node __rcu *child;
};

/*
 * The prefix bitmap is kept as its two halves: indices 256..511 (in-node
 * length 8) share the first cache line with the child bitmap, 0..255 (in-node
 * lengths 0..7) start the second.  The slot counts are popcounts.
 */
struct rtm_lpm_node {
	unsigned long child[MAP_LONGS];	/* byte values with a child */
	unsigned long pfx8[MAP_LONGS];	/* prefix index 256 + a */
	unsigned long pfx[MAP_LONGS];	/* prefix index (1 << l) | v, l < 8 */
	struct rcu_head rcu;
	union rtm_lpm_slot slot[];	/* children, pfx8 values, pfx values */
};

#define lpm_deref(lpm, p) \
	rcu_dereference_check(p, lockdep_is_held((lpm)->lock))
#define lpm_deref_locked(lpm, p) \
	rcu_dereference_protected(p, lockdep_is_held((lpm)->lock))

/*
 * test_bit() on x86 is a "bt" on memory, which is several micro-ops and
 * an asm barrier; the lookup paths test bits of immutable nodes.
 */
static __always_inline bool has(const unsigned long *map, unsigned int nr)
{
	return (map[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1;
}

/* Number of set bits of a 256-bit @map below bit @nr */
static __always_inline unsigned int rank(const unsigned long *map,
					  unsigned int nr)
{
	unsigned int i, r = 0;

	for (i = 0; i < nr / BITS_PER_LONG; i++)
		r += hweight_long(map[i]);
	return r + hweight_long(map[i] & (BIT(nr % BITS_PER_LONG) - 1));
}

static __always_inline unsigned int weight(const unsigned long *map)
{
	return hweight_long(map[0]) + hweight_long(map[1]) +
	       hweight_long(map[2]) + hweight_long(map[3]);
}

/* The node depth of a prefix: the index of the key byte its last bit is in */
static inline unsigned int pfx_depth(unsigned int plen)
{
	return plen ? (plen - 1) / 8 : 0;
}

/* Index of the in-node prefix of length l (0..8) covering byte value a */
static inline unsigned int pfx_index(unsigned int a, unsigned int l)
{
	return (a | 0x100) >> (8 - l);
}

static inline bool has_pfx(const struct rtm_lpm_node *node, unsigned int idx)
{
	return idx >= 256 ? has(node->pfx8, idx - 256) : has(node->pfx, idx);
}

/* The half of the prefix bitmap holding @idx, at bit idx % 256 */
static inline unsigned long *pfx_map(struct rtm_lpm_node *node,
				     unsigned int idx)
{
	return idx >= 256 ? node->pfx8 : node->pfx;
}

static __always_inline unsigned int
child_slot(const struct rtm_lpm_node *node, unsigned int a)
{
	return rank(node->child, a);
}

static __always_inline unsigned int
pfx_slot(const struct rtm_lpm_node *node, unsigned int idx)
{
	if (idx >= 256)
		return weight(node->child) + rank(node->pfx8, idx - 256);
	return weight(node->child) + weight(node->pfx8) + rank(node->pfx, idx);
}

static __always_inline unsigned int nslots(const struct rtm_lpm_node *node)
{
	return weight(node->child) + weight(node->pfx8) + weight(node->pfx);
}

/* The child at byte value @a (its bit is set), for readers and writers */
static __always_inline struct rtm_lpm_node *
child(const struct rtm_lpm *lpm, const struct rtm_lpm_node *node, unsigned int a)
{
	return lpm_deref(lpm, node->slot[child_slot(node, a)].child);
}

/*
 * Index of the longest prefix of @node covering byte value @a with an
 * in-node length of at most @lmax, or 0.  The covering positions of
 * lengths lmax, lmax - 1, ... are idx, idx >> 1, ...; those of lengths
 * 0..5 all lie in the first word, where the highest set one is the longest.
 * Bit 0 is never set, and bit 1 only in the root.
 */
static __always_inline unsigned int
node_longest(const struct rtm_lpm_node *node, unsigned int a,
	     unsigned int lmax)
{
	unsigned int idx;
	unsigned long m;

	if (lmax == 8) {
		if (has(node->pfx8, a))
			return 256 + a;
		lmax = 7;
	}
	for (idx = pfx_index(a, lmax); idx >= BITS_PER_LONG; idx >>= 1)
		if (has(node->pfx, idx))
			return idx;
	m = BIT(idx) | BIT(idx >> 1) | BIT(idx >> 2) | BIT(idx >> 3) |
	    BIT(idx >> 4) | BIT(idx >> 5);
	m &= node->pfx[0];
	return m ? __fls(m) : 0;
}

static size_t node_size(unsigned int n)
{
	struct rtm_lpm_node *node;

	return kmalloc_size_roundup(struct_size(node, slot, n));
}

/* The slots a node allocated for @n has room for: its bucket's */
static unsigned int node_cap(unsigned int n)
{
	return (node_size(n) - offsetof(struct rtm_lpm_node, slot)) /
	       sizeof(union rtm_lpm_slot);
}

/*
 * A new node: a copy of @old (if any) with one slot inserted (@grow) or
 * removed at @at.  The caller adjusts the bitmaps and fills the new slot.
 */
static struct rtm_lpm_node *node_copy(struct rtm_lpm *lpm,
				      const struct rtm_lpm_node *old,
				      unsigned int at, bool grow, gfp_t gfp)
{
	unsigned int n = old ? nslots(old) : 0;
	unsigned int nnew = grow ? n + 1 : n - 1;
	size_t size = node_size(nnew);
	struct rtm_lpm_node *node;

	/* The whole bucket, which a batch's private copy grows into */
	node = kmalloc(size, gfp);
	if (!node)
		return NULL;
	lpm->bytes += size;
	if (!old) {
		memset(node, 0, offsetof(struct rtm_lpm_node, rcu));
		return node;
	}
	memcpy(node, old, offsetof(struct rtm_lpm_node, rcu));
	memcpy(node->slot, old->slot, at * sizeof(node->slot[0]));
	if (grow)
		memcpy(node->slot + at + 1, old->slot + at,
		       (n - at) * sizeof(node->slot[0]));
	else
		memcpy(node->slot + at, old->slot + at + 1,
		       (n - at - 1) * sizeof(node->slot[0]));
	return node;
}

/*
 * A removal's allocation, which must not fail.  It is not charged to a
 * memory cgroup: a cgroup at its limit would have its OOM killer woken
 * (the node replaces a larger one, whose charge goes with it).
 */
static inline gfp_t gfp_nofail(const struct rtm_lpm *lpm)
{
	return (lpm->gfp & ~(__GFP_RETRY_MAYFAIL | __GFP_NORETRY |
			     __GFP_ACCOUNT)) | __GFP_NOFAIL;
}

/* Free a node readers may still see */
static void node_retire(struct rtm_lpm *lpm, struct rtm_lpm_node *node)
{
	lpm->bytes -= node_size(nslots(node));
	kfree_rcu(node, rcu);
}

/* Free a node no reader has seen */
static void node_discard(struct rtm_lpm *lpm, struct rtm_lpm_node *node)
{
	lpm->bytes -= node_size(nslots(node));
	kfree(node);
}

static struct rtm_lpm_node *node_with_prefix(struct rtm_lpm *lpm,
					     const struct rtm_lpm_node *old,
					     unsigned int idx, void *value)
{
	unsigned int at = old ? pfx_slot(old, idx) : 0;
	struct rtm_lpm_node *node;

	node = node_copy(lpm, old, at, true, lpm->gfp);
	if (node) {
		__set_bit(idx % 256, pfx_map(node, idx));
		node->slot[at].value = value;
	}
	return node;
}

static struct rtm_lpm_node *node_with_child(struct rtm_lpm *lpm,
					    const struct rtm_lpm_node *old,
					    unsigned int a,
					    struct rtm_lpm_node *child)
{
	unsigned int at = old ? child_slot(old, a) : 0;
	struct rtm_lpm_node *node;

	node = node_copy(lpm, old, at, true, lpm->gfp);
	if (node) {
		__set_bit(a, node->child);
		RCU_INIT_POINTER(node->slot[at].child, child);
	}
	return node;
}

/*
 * The node the caller's batch has a private copy of, or NULL: for the
 * batch's writer only, who then sees lpm->pending in its place.  Readers
 * may run while a writer changes the fields: they only compare.
 */
static inline const struct rtm_lpm_node *
lpm_pending_old(const struct rtm_lpm *lpm)
{
	if (READ_ONCE(lpm->batch_owner) != current)
		return NULL;
	return lpm->pending_old;
}

/* @node as the caller sees it (@old from lpm_pending_old()). */
static inline const struct rtm_lpm_node *
lpm_view(const struct rtm_lpm *lpm, const struct rtm_lpm_node *node,
	 const struct rtm_lpm_node *old)
{
	return old && node == old ? lpm->pending : node;
}

/* Publish the batch's private copy, if any, in place of the node it copies. */
static void lpm_publish(struct rtm_lpm *lpm)
{
	if (!lpm->pending)
		return;
	rcu_assign_pointer(*lpm->pending_link, lpm->pending);
	node_retire(lpm, lpm->pending_old);
	lpm->pending = NULL;
	lpm->pending_old = NULL;
	lpm->pending_link = NULL;
}

void rtm_lpm_batch_begin(struct rtm_lpm *lpm)
{
	lockdep_assert_held(lpm->lock);
	WRITE_ONCE(lpm->batch_owner, current);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_lpm_batch_begin);

void rtm_lpm_batch_end(struct rtm_lpm *lpm)
{
	lockdep_assert_held(lpm->lock);
	lpm_publish(lpm);
	WRITE_ONCE(lpm->batch_owner, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_lpm_batch_end);

/*
 * A batch's insertion of prefix @idx into the node at *@link, @node as the
 * writer sees it, at depth @depth on the path of @key: into the private
 * copy in place while its bucket has room, else into a new private copy,
 * the former one published first.
 */
static int lpm_batch_add(struct rtm_lpm *lpm, struct rtm_lpm_node __rcu **link,
			 struct rtm_lpm_node *node, const u8 *key,
			 unsigned int depth, unsigned int idx, void *value)
{
	unsigned int n, at;
	struct rtm_lpm_node *new;

	if (node == lpm->pending) {
		n = lpm->pending_n;
		if (n < lpm->pending_cap) {
			at = pfx_slot(node, idx);
			if (at < n)
				memmove(node->slot + at + 1, node->slot + at,
					(n - at) * sizeof(node->slot[0]));
			__set_bit(idx % 256, pfx_map(node, idx));
			node->slot[at].value = value;
			lpm->pending_n = n + 1;
			return 0;
		}
		/* Outgrown: a bigger copy; nobody else has seen this one */
		new = node_with_prefix(lpm, node, idx, value);
		if (!new)
			return -ENOMEM;
		node_discard(lpm, node);
		lpm->pending = new;
		lpm->pending_cap = node_cap(n + 1);
		lpm->pending_n = n + 1;
		return 0;
	}
	/*
	 * Another node: the private copy goes out first, so that a copy of
	 * its parent (@node may be that) links the copy, not the old node.
	 */
	lpm_publish(lpm);
	n = nslots(node);
	new = node_with_prefix(lpm, node, idx, value);
	if (!new)
		return -ENOMEM;
	lpm->pending = new;
	lpm->pending_cap = node_cap(n + 1);
	lpm->pending_n = n + 1;
	lpm->pending_old = node;
	lpm->pending_link = link;
	lpm->pending_depth = depth;
	memcpy(lpm->pending_key, key, depth);
	return 0;
}

/*
 * Whether the batch's private copy is the node at depth @depth on the path
 * of @key: sorted insertions go on into it without a descent.
 */
static bool lpm_pending_at(const struct rtm_lpm *lpm, const u8 *key,
			   unsigned int depth)
{
	unsigned int i;

	if (!lpm->pending || lpm->pending_depth != depth ||
	    lpm->batch_owner != current)
		return false;
	for (i = 0; i < depth; i++)
		if (key[i] != lpm->pending_key[i])
			return false;
	return true;
}

void rtm_lpm_init(struct rtm_lpm *lpm, unsigned int keylen, struct mutex *lock,
		  gfp_t gfp)
{
	WARN_ON(!keylen || keylen > RTM_LPM_MAX_KEYLEN);
	RCU_INIT_POINTER(lpm->root, NULL);
	lpm->lock = lock;
	lpm->gfp = gfp;
	lpm->keylen = keylen;
	lpm->count = 0;
	lpm->bytes = 0;
	lpm->batch_owner = NULL;
	lpm->pending = NULL;
	lpm->pending_cap = 0;
	lpm->pending_n = 0;
	lpm->pending_depth = 0;
	lpm->pending_old = NULL;
	lpm->pending_link = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_lpm_init);

/*
 * Free every node.  The caller has the table to itself: it holds the
 * writers' lock or nobody else can reach the table any more.  Readers may
 * still be walking it; the nodes go through kfree_rcu().
 */
void rtm_lpm_destroy(struct rtm_lpm *lpm)
{
	struct rtm_lpm_node *stack[RTM_LPM_MAX_DEPTH], *node;
	struct rtm_lpm_node __rcu **link;
	u16 next[RTM_LPM_MAX_DEPTH];
	unsigned int a;
	int d = 0;

	lpm_publish(lpm);
	stack[0] = rcu_dereference_protected(lpm->root, true);
	RCU_INIT_POINTER(lpm->root, NULL);
	if (!stack[0])
		goto out;
	next[0] = 0;
	while (d >= 0) {
		node = stack[d];
		a = find_next_bit(node->child, MAP_BITS, next[d]);
		if (a < MAP_BITS) {
			next[d] = a + 1;
			link = &node->slot[child_slot(node, a)].child;
			stack[++d] = rcu_dereference_protected(*link, true);
			next[d] = 0;
			continue;
		}
		node_retire(lpm, node);
		d--;
	}
out:
	WARN_ON(lpm->bytes);
	lpm->count = 0;
	lpm->bytes = 0;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_lpm_destroy);

/**
 * rtm_lpm_find - the value of exactly (@key, @plen), and where it would go
 * @lpm: the trie; the writers' lock is held
 * @key: the prefix, masked to @plen; it must stay as it is while @spot is
 *	in use
 * @plen: its length
 * @spot: filled in, for rtm_lpm_insert_at() as long as the trie does not
 *	change
 *
 * One descent serves both a look-up and the insertion that may follow it.
 * Return: the value, or NULL.
 */
void *rtm_lpm_find(struct rtm_lpm *lpm, const u8 *key, u8 plen,
		   struct rtm_lpm_spot *spot)
{
	struct rtm_lpm_node __rcu **link = &lpm->root;
	const struct rtm_lpm_node *old = lpm_pending_old(lpm);
	unsigned int depth = pfx_depth(plen);
	struct rtm_lpm_node *node;
	unsigned int d, idx;

	lockdep_assert_held(lpm->lock);
	spot->key = key;
	spot->plen = plen;
	spot->link = NULL;
	if (plen > lpm->keylen * 8)
		return NULL;

	if (lpm_pending_at(lpm, key, depth)) {
		link = lpm->pending_link;
		node = lpm->pending;
		d = depth;
		goto found;
	}
	/* Follow the existing nodes down to the prefix's depth */
	for (d = 0;; d++) {
		node = (struct rtm_lpm_node *)
		       lpm_view(lpm, lpm_deref_locked(lpm, *link), old);
		if (!node || d == depth || !has(node->child, key[d]))
			break;
		link = &node->slot[child_slot(node, key[d])].child;
	}
found:
	spot->link = link;
	spot->node = node;
	spot->depth = d;
	if (!node || d != depth)
		return NULL;
	idx = pfx_index(key[depth], plen - depth * 8);
	return has_pfx(node, idx) ? node->slot[pfx_slot(node, idx)].value :
				    NULL;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_lpm_find);

/**
 * rtm_lpm_insert_at - add a prefix where rtm_lpm_find() looked for it
 * @lpm: the trie, unchanged since; the writers' lock is held
 * @spot: as rtm_lpm_find() filled it in
 * @value: the prefix's value
 *
 * Return: 0, -EEXIST if the prefix is there, -ENOMEM, or -EINVAL for a
 * length beyond the key or a NULL value; on error the trie is unchanged.
 */
int rtm_lpm_insert_at(struct rtm_lpm *lpm, const struct rtm_lpm_spot *spot,
		      void *value)
{
	struct rtm_lpm_node __rcu **link = spot->link;
	struct rtm_lpm_node *node = spot->node, *new, *chain;
	unsigned int depth = pfx_depth(spot->plen);
	unsigned int d = spot->depth, idx, e;
	const u8 *key = spot->key;
	int err;

	lockdep_assert_held(lpm->lock);
	if (!link || !value)
		return -EINVAL;
	idx = pfx_index(key[depth], spot->plen - depth * 8);

	if (node && d == depth) {
		if (has_pfx(node, idx))
			return -EEXIST;
		if (lpm->batch_owner == current) {
			err = lpm_batch_add(lpm, link, node, key, depth, idx,
					    value);
			if (err)
				return err;
			goto out;
		}
		new = node_with_prefix(lpm, node, idx, value);
		if (!new)
			return -ENOMEM;
		rcu_assign_pointer(*link, new);
		node_retire(lpm, node);
		goto out;
	}

	/*
	 * Build the missing nodes bottom-up: the new prefix's node, then one
	 * node per byte up to the first missing one (depth d if @node is the
	 * missing root, d + 1 if @node lacks that child).  A batch's private
	 * copy goes out first, so that @node is a published node below.
	 */
	lpm_publish(lpm);
	chain = node_with_prefix(lpm, NULL, idx, value);
	if (!chain)
		return -ENOMEM;
	for (e = depth; e > d + !!node; e--) {
		new = node_with_child(lpm, NULL, key[e - 1], chain);
		if (!new)
			goto err;
		chain = new;
	}
	if (node) {
		new = node_with_child(lpm, node, key[d], chain);
		if (!new)
			goto err;
		rcu_assign_pointer(*link, new);
		node_retire(lpm, node);
	} else {
		rcu_assign_pointer(*link, chain);
	}
out:
	lpm->count++;
	return 0;

err:
	/* No reader has seen the chain: one child (slot 0) per node */
	while (chain) {
		new = weight(chain->child) ?
		      rcu_dereference_protected(chain->slot[0].child, true) :
		      NULL;
		node_discard(lpm, chain);
		chain = new;
	}
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_lpm_insert_at);

/*
 * Add (@key, @plen) -> @value.  Returns -EEXIST if the prefix is there,
 * -ENOMEM, or -EINVAL for a length beyond the key or a NULL value; on error
 * the trie is unchanged.
 */
int rtm_lpm_insert(struct rtm_lpm *lpm, const u8 *key, u8 plen, void *value)
{
	struct rtm_lpm_spot spot;

	if (!value)
		return -EINVAL;
	if (rtm_lpm_find(lpm, key, plen, &spot))
		return -EEXIST;
	return rtm_lpm_insert_at(lpm, &spot, value);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_lpm_insert);

/*
 * Remove (@key, @plen) and return its value, or NULL if it is not there.
 * Nodes left empty are unlinked up the path.
 */
void *rtm_lpm_remove(struct rtm_lpm *lpm, const u8 *key, u8 plen)
{
	/* Written before read, as in rtm_lpm_longest() */
	struct rtm_lpm_node __rcu **link[RTM_LPM_MAX_DEPTH] __uninitialized;
	struct rtm_lpm_node *path[RTM_LPM_MAX_DEPTH] __uninitialized;
	struct rtm_lpm_node *node, *new;
	unsigned int depth = pfx_depth(plen);
	unsigned int idx, at, d;
	void *value;

	lockdep_assert_held(lpm->lock);
	if (plen > lpm->keylen * 8)
		return NULL;

	/* The batch's private copy goes out: the path is all published */
	lpm_publish(lpm);
	link[0] = &lpm->root;
	for (d = 0;; d++) {
		node = lpm_deref_locked(lpm, *link[d]);
		if (!node)
			return NULL;
		path[d] = node;
		if (d == depth)
			break;
		if (!has(node->child, key[d]))
			return NULL;
		link[d + 1] = &node->slot[child_slot(node, key[d])].child;
	}
	idx = pfx_index(key[depth], plen - depth * 8);
	if (!has_pfx(node, idx))
		return NULL;
	at = pfx_slot(node, idx);
	value = node->slot[at].value;

	if (nslots(node) > 1) {
		new = node_copy(lpm, node, at, false,
				gfp_nofail(lpm));
		__clear_bit(idx % 256, pfx_map(new, idx));
		rcu_assign_pointer(*link[depth], new);
		node_retire(lpm, node);
		goto out;
	}

	/* The node empties: unlink it and the parents it leaves empty */
	while (d > 0 && nslots(path[d - 1]) == 1)
		d--;
	if (d == 0) {
		rcu_assign_pointer(lpm->root, NULL);
	} else {
		node = path[d - 1];
		at = child_slot(node, key[d - 1]);
		new = node_copy(lpm, node, at, false,
				gfp_nofail(lpm));
		__clear_bit(key[d - 1], new->child);
		rcu_assign_pointer(*link[d - 1], new);
		node_retire(lpm, node);
	}
	for (; d <= depth; d++)
		node_retire(lpm, path[d]);
out:
	lpm->count--;
	return value;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_lpm_remove);

/* The value of exactly (@key, @plen), or NULL */
void *rtm_lpm_exact(const struct rtm_lpm *lpm, const u8 *key, u8 plen)
{
	const struct rtm_lpm_node *old = lpm_pending_old(lpm);
	unsigned int depth = pfx_depth(plen);
	const struct rtm_lpm_node *node;
	unsigned int d, idx;

	if (plen > lpm->keylen * 8)
		return NULL;
	node = lpm_view(lpm, lpm_deref(lpm, lpm->root), old);
	for (d = 0; node && d < depth; d++) {
		if (!has(node->child, key[d]))
			return NULL;
		node = lpm_view(lpm, child(lpm, node, key[d]), old);
	}
	if (!node)
		return NULL;
	idx = pfx_index(key[depth], plen - depth * 8);
	return has_pfx(node, idx) ? node->slot[pfx_slot(node, idx)].value :
				    NULL;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_lpm_exact);

/*
 * The value of the longest prefix of length at most @maxlen covering @key
 * (a full address) that @accept (if not NULL) takes, or NULL.
 */
void *rtm_lpm_longest(const struct rtm_lpm *lpm, const u8 *key, u8 maxlen,
		      bool (*accept)(void *value, void *arg), void *arg)
{
	const struct rtm_lpm_node *old = lpm_pending_old(lpm);
	/*
	 * Each entry is written before it is read: spare this hot path the
	 * zeroing of stack variables (CONFIG_INIT_STACK_ALL_ZERO).
	 */
	const struct rtm_lpm_node *path[RTM_LPM_MAX_DEPTH] __uninitialized;
	const struct rtm_lpm_node *node;
	unsigned int last, idx, d = 0;
	int lmax;
	void *value;

	maxlen = min_t(unsigned int, maxlen, lpm->keylen * 8);
	last = pfx_depth(maxlen);
	node = lpm_view(lpm, lpm_deref(lpm, lpm->root), old);
	if (!node)
		return NULL;
	for (;;) {
		/* A miss on the first line will want the second one too */
		prefetch(node->pfx);
		path[d] = node;
		if (d == last || !has(node->child, key[d]))
			break;
		node = lpm_view(lpm, child(lpm, node, key[d]), old);
		d++;
	}

	lmax = min_t(int, 8, maxlen - d * 8);
	for (;;) {
		idx = node_longest(node, key[d], lmax);
		if (idx) {
			value = node->slot[pfx_slot(node, idx)].value;
			if (!accept || accept(value, arg))
				return value;
			lmax = __fls(idx) - 1;
			if (lmax >= 0)
				continue;
		}
		if (!d)
			return NULL;
		node = path[--d];
		lmax = 8;
	}
}
EXPORT_SYMBOL_IF_KUNIT(rtm_lpm_longest);

/**
 * rtm_lpm_longest_many - rtm_lpm_longest() without a filter, for a batch
 * @lpm: the trie; under RCU or the writers' lock
 * @q: the lookups
 * @n: their number, at most RTM_LPM_BATCH
 *
 * The lookups descend together, a level at a time: the node reads of one
 * level do not depend on each other, so the processor overlaps their cache
 * misses instead of waiting for each in turn.  A lookup whose deepest node
 * has no prefix covering its address, which is rare, walks again alone.
 */
void rtm_lpm_longest_many(const struct rtm_lpm *lpm, struct rtm_lpm_query *q,
			  unsigned int n)
{
	const struct rtm_lpm_node *old = lpm_pending_old(lpm);
	/* The lookups still descending; written before read */
	u8 act[RTM_LPM_BATCH] __uninitialized;
	const struct rtm_lpm_node *root, *node;
	unsigned int i, j, d, na = 0, nn, idx;
	int lmax;

	if (WARN_ON_ONCE(n > RTM_LPM_BATCH))
		n = RTM_LPM_BATCH;
	root = lpm_view(lpm, lpm_deref(lpm, lpm->root), old);
	for (i = 0; i < n; i++) {
		q[i].value = NULL;
		q[i].maxlen = min_t(unsigned int, q[i].maxlen, lpm->keylen * 8);
		q[i].depth = 0;
		q[i].node = q[i].skip ? NULL : root;
		if (q[i].node)
			act[na++] = i;
	}
	for (d = 0; na; d++) {
		for (j = 0, nn = 0; j < na; j++) {
			i = act[j];
			node = q[i].node;
			if (d == pfx_depth(q[i].maxlen) ||
			    !has(node->child, q[i].key[d]))
				continue;
			node = lpm_view(lpm, child(lpm, node, q[i].key[d]), old);
			prefetch(node->pfx);
			q[i].node = node;
			q[i].depth = d + 1;
			act[nn++] = i;
		}
		na = nn;
	}
	for (i = 0; i < n; i++) {
		node = q[i].node;
		if (!node)
			continue;
		d = q[i].depth;
		lmax = min_t(int, 8, q[i].maxlen - d * 8);
		idx = node_longest(node, q[i].key[d], lmax);
		q[i].value = idx ? node->slot[pfx_slot(node, idx)].value :
			rtm_lpm_longest(lpm, q[i].key, q[i].maxlen, NULL, NULL);
	}
}
EXPORT_SYMBOL_IF_KUNIT(rtm_lpm_longest_many);

/*
 * The positions of @node at byte value @a, as a mask of k (bit 9: the
 * child).  The prefixes whose left-aligned value is a are those of lengths
 * 8 - ctz(a) .. 8.
 */
static __always_inline unsigned int
octet_mask(const struct rtm_lpm_node *node, unsigned int a)
{
	unsigned int l = a ? 8 - __ffs(a) : 0, m = 0;

	for (; l < 8; l++)
		if (has(node->pfx, pfx_index(a, l)))
			m |= BIT(l);
	if (has(node->pfx8, a))
		m |= BIT(8);
	if (has(node->child, a))
		m |= BIT(POS_CHILD);
	return m;
}

/*
 * The first set bit of a 256-bit @map in [@start, @end), or @end: inline,
 * as the ranges span one or two words.
 */
static inline unsigned int next_bit(const unsigned long *map,
				    unsigned int start, unsigned int end)
{
	unsigned int i = start / BITS_PER_LONG;
	unsigned long w;

	if (start >= end)
		return end;
	w = map[i] & (~0UL << (start % BITS_PER_LONG));
	while (!w) {
		if (++i >= DIV_ROUND_UP(end, BITS_PER_LONG))
			return end;
		w = map[i];
	}
	return min(i * BITS_PER_LONG + (unsigned int)__ffs(w), end);
}

/*
 * The byte values at which @node has a position: its children, its length-8
 * prefixes, and each shorter prefix at its left-aligned value.  The walk
 * keeps this for the node it is in, to skip to the next position.
 */
static void node_occupancy(const struct rtm_lpm_node *node,
			   unsigned long *occ)
{
	unsigned int i, idx, l;
	unsigned long w;

	for (i = 0; i < MAP_LONGS; i++)
		occ[i] = node->child[i] | node->pfx8[i];
	for (i = 0; i < MAP_LONGS; i++) {
		for (w = node->pfx[i]; w; w &= w - 1) {
			idx = i * BITS_PER_LONG + __ffs(w);
			l = __fls(idx);
			__set_bit((idx - (1U << l)) << (8 - l), occ);
		}
	}
}

/* The walk's bitmaps, in the order of their slots */
enum { ITER_CHILD, ITER_PFX8, ITER_PFX };

/*
 * The walk enters @node (at depth it->depth): its occupancy, and the slots
 * before each word of its bitmaps, so that a slot costs one popcount.
 */
static void iter_enter(struct rtm_lpm_iter *it, const struct rtm_lpm_node *node)
{
	const unsigned long *map[] = {
		[ITER_CHILD] = node->child,
		[ITER_PFX8] = node->pfx8,
		[ITER_PFX] = node->pfx,
	};
	unsigned int m, i, r = 0;

	for (m = 0; m < ARRAY_SIZE(map); m++) {
		for (i = 0; i < MAP_LONGS; i++) {
			it->rank[m][i] = r;
			r += hweight_long(map[m][i]);
		}
	}
	node_occupancy(node, it->occ);
}

/* The slot of bit @nr (set) of bitmap @m of the node the walk is in */
static __always_inline unsigned int iter_slot(const struct rtm_lpm_iter *it,
					      const unsigned long *map,
					      unsigned int m, unsigned int nr)
{
	unsigned int i = nr / BITS_PER_LONG;

	return it->rank[m][i] +
	       hweight_long(map[i] & (BIT(nr % BITS_PER_LONG) - 1));
}

/*
 * Start a walk at the first entry >= (@key, @plen), or > if !@inclusive.
 * Every node on the key's path is entered once; the walk then resumes in
 * the deepest one.
 */
void rtm_lpm_iter_start(struct rtm_lpm_iter *it, const struct rtm_lpm *lpm,
			const u8 *key, u8 plen, bool inclusive)
{
	const struct rtm_lpm_node *node;
	unsigned int depth, d, l, a, skip;

	it->lpm = lpm;
	it->plen = 0;
	memset(it->key, 0, sizeof(it->key));
	it->depth = -1;
	it->moved = true;

	/* Past the longest length: the first entry > (key, keylen * 8) */
	if (plen > lpm->keylen * 8) {
		plen = lpm->keylen * 8;
		inclusive = false;
	}
	depth = pfx_depth(plen);
	node = lpm_view(lpm, lpm_deref(lpm, lpm->root), lpm_pending_old(lpm));
	if (!node)
		return;
	for (d = 0;; d++) {
		it->node[d] = node;
		it->depth = d;
		if (d == depth) {
			/* The positions at a before (a, l) are shorter */
			l = plen - d * 8;
			a = key[d] & (0xff00 >> l) & 0xff;
			skip = l + !inclusive;
			break;
		}
		/*
		 * Everything at key[d] but the child is shorter than the key;
		 * the parent resumes after the child.
		 */
		a = key[d];
		skip = POS_CHILD + 1;
		if (!has(node->child, a))
			break;
		it->path[d] = a;
		node = lpm_view(lpm, child(lpm, node, a), lpm_pending_old(lpm));
	}
	iter_enter(it, node);
	it->octet = a;
	it->left = octet_mask(node, a) & ~(BIT(skip) - 1);
}
EXPORT_SYMBOL_IF_KUNIT(rtm_lpm_iter_start);

/*
 * The value of the next entry, its prefix in it->key and it->plen; NULL at
 * the end.
 */
void *rtm_lpm_iter_next(struct rtm_lpm_iter *it)
{
	const struct rtm_lpm_node *node;
	unsigned int a, k, d;

	while (it->depth >= 0) {
		d = it->depth;
		node = it->node[d];
		if (!it->left) {
			a = next_bit(it->occ, it->octet + 1, MAP_BITS);
			if (a >= MAP_BITS) {
				/* Back up: the child was the parent's last */
				if (--it->depth >= 0) {
					iter_enter(it, it->node[d - 1]);
					it->octet = it->path[d - 1];
				}
				it->moved = true;
				continue;
			}
			it->octet = a;
			it->left = octet_mask(node, a);
			if (!it->left)
				continue;
		}
		a = it->octet;
		k = __ffs(it->left);
		it->left &= it->left - 1;
		if (k == POS_CHILD) {
			it->path[d] = a;
			node = lpm_deref(it->lpm, node->slot[iter_slot(it,
						node->child, ITER_CHILD,
						a)].child);
			node = lpm_view(it->lpm, node,
					lpm_pending_old(it->lpm));
			it->node[d + 1] = node;
			it->depth++;
			iter_enter(it, node);
			it->octet = 0;
			it->left = octet_mask(node, 0);
			it->moved = true;
			continue;
		}
		/* The key changes in one byte unless the walk changed nodes */
		if (it->moved) {
			memcpy(it->key, it->path, d);
			memset(it->key + d, 0, sizeof(it->key) - d);
			it->moved = false;
		}
		it->key[d] = a;
		it->plen = d * 8 + k;
		if (k == 8)
			return node->slot[iter_slot(it, node->pfx8, ITER_PFX8,
						    a)].value;
		return node->slot[iter_slot(it, node->pfx, ITER_PFX,
					    pfx_index(a, k))].value;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(rtm_lpm_iter_next);
