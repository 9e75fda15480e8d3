// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the longest-prefix-match table (lpm.c).
 *
 * As WireGuard's allowedips self-test does, random operations run on the
 * trie and on a deliberately naive reference, an unordered array searched
 * linearly, and every query is compared; a few hand-written cases pin the
 * edges.  If /data/prefixes.txt exists (the real Internet table: one CIDR
 * prefix a line, IPv4 and IPv6 mixed), the last case loads it, or a sample
 * of it on a debug kernel, checks it against sorted copies and reports bytes
 * per prefix and rates (inflated on a debug kernel).
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/ctype.h>
#include <linux/completion.h>
#include <linux/inet.h>
#include <linux/kernel_read_file.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "lpm.h"

#define PREFIXES_PATH	"/data/prefixes.txt"
#define PREFIXES_BLOCK	4096	/* lines */

/*
 * An insert or a remove costs about a millisecond on a KASAN and kmemleak
 * kernel under QEMU's TCG, so there only one block of 4096 consecutive lines
 * in 128 is loaded by default (about 8,000 prefixes, IPv6 included, with the
 * real density), which keeps the case well inside the hung-task timeout;
 * lpm_test_stride=1 loads the whole table.
 */
static unsigned int lpm_test_stride =
	IS_ENABLED(CONFIG_KASAN) || IS_ENABLED(CONFIG_DEBUG_KMEMLEAK) ? 128 : 1;
module_param(lpm_test_stride, uint, 0444);
MODULE_PARM_DESC(lpm_test_stride,
		 "rtm_lpm KUnit: load 1 block of lines of " PREFIXES_PATH
		 " in this many");

struct pfx {
	u8 key[RTM_LPM_MAX_KEYLEN];	/* bytes past the key length are 0 */
	u8 plen;
	void *value;
};

/* The reference: an unordered array */
struct ref {
	struct pfx *p;
	unsigned int n, max;
};

struct lpm_test {
	struct mutex lock;	/* the writers' lock of lpm[] */
	struct rtm_lpm lpm[2];
	unsigned int nlpm;
	struct ref ref;
	struct pfx *sorted;
	void *file;
	struct rnd_state rnd;
	unsigned long next_value;
	struct rtm_lpm_query q[RTM_LPM_BATCH];
};

static int lpm_test_init(struct kunit *test)
{
	struct lpm_test *t;
	u64 seed = get_random_u64();

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	mutex_init(&t->lock);
	prandom_seed_state(&t->rnd, seed);
	kunit_info(test, "seed %llu\n", seed);
	test->priv = t;
	return 0;
}

static void lpm_test_exit(struct kunit *test)
{
	struct lpm_test *t = test->priv;
	unsigned int i;

	mutex_lock(&t->lock);
	for (i = 0; i < t->nlpm; i++)
		rtm_lpm_destroy(&t->lpm[i]);
	mutex_unlock(&t->lock);
	vfree(t->ref.p);
	vfree(t->sorted);
	vfree(t->file);
}

static struct rtm_lpm *new_lpm(struct kunit *test, unsigned int keylen)
{
	struct lpm_test *t = test->priv;
	struct rtm_lpm *lpm = &t->lpm[t->nlpm++];

	rtm_lpm_init(lpm, keylen, &t->lock, GFP_KERNEL);
	return lpm;
}

static u32 rnd(struct lpm_test *t, u32 n)
{
	return prandom_u32_state(&t->rnd) % n;
}

/* Values are opaque to the trie: nonzero multiples of 8 */
static void *new_value(struct lpm_test *t)
{
	return (void *)(++t->next_value * 8);
}

/* accept() for lookups: takes two values in three */
static bool accept_some(void *value, void *arg)
{
	return ((unsigned long)value / 8) % 3 != 0;
}

static void mask_key(u8 *key, unsigned int keylen, unsigned int plen)
{
	unsigned int i;

	for (i = plen / 8; i < keylen; i++)
		key[i] &= i == plen / 8 ? 0xff00 >> (plen % 8) : 0;
}

static bool covers(const struct pfx *p, const u8 *addr)
{
	unsigned int n = p->plen / 8, r = p->plen % 8;

	if (memcmp(p->key, addr, n))
		return false;
	return !r || !((p->key[n] ^ addr[n]) & (0xff00 >> r));
}

/* The order of the trie: by address, then by length */
static int pfx_cmp(const void *a, const void *b)
{
	const struct pfx *x = a, *y = b;
	int c = memcmp(x->key, y->key, RTM_LPM_MAX_KEYLEN);

	return c ? c : x->plen - y->plen;
}

static int ref_find(const struct ref *ref, const u8 *key, u8 plen)
{
	unsigned int i;

	for (i = 0; i < ref->n; i++)
		if (ref->p[i].plen == plen &&
		    !memcmp(ref->p[i].key, key, RTM_LPM_MAX_KEYLEN))
			return i;
	return -1;
}

static void *ref_longest(const struct ref *ref, const u8 *addr, u8 maxlen,
			 bool (*accept)(void *value, void *arg))
{
	const struct pfx *best = NULL;
	unsigned int i;

	for (i = 0; i < ref->n; i++) {
		const struct pfx *p = &ref->p[i];

		if (p->plen > maxlen || (best && p->plen <= best->plen) ||
		    !covers(p, addr) || (accept && !accept(p->value, NULL)))
			continue;
		best = p;
	}
	return best ? best->value : NULL;
}

/* Lengths like the real tables' (see /work/shared/data/README.md) */
static const u8 v4_lens[] = { 24, 24, 24, 24, 24, 24, 22, 22, 23, 23,
			      21, 20, 19, 18, 17, 16, 32, 8 };
static const u8 v6_lens[] = { 48, 48, 48, 48, 32, 32, 44, 40, 36, 29,
			      46, 47, 28, 56, 64, 128 };

/*
 * A random prefix: half of them related to one already in @ref (shorter,
 * longer, or its sibling), the rest in a narrow address space so that
 * nodes are shared; lengths like the real table's, with one in eight
 * uniform.
 */
static void random_pfx(struct lpm_test *t, unsigned int keylen,
		       struct pfx *p)
{
	unsigned int bits = keylen * 8, i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < keylen; i++)
		p->key[i] = rnd(t, 256);
	if (t->ref.n && rnd(t, 2)) {
		const struct pfx *q = &t->ref.p[rnd(t, t->ref.n)];

		switch (rnd(t, 3)) {
		case 0:		/* a sibling */
			memcpy(p->key, q->key, keylen);
			p->plen = q->plen;
			if (p->plen)
				p->key[(p->plen - 1) / 8] ^=
					0x80 >> ((p->plen - 1) % 8);
			break;
		case 1:		/* shorter, covering q */
			memcpy(p->key, q->key, keylen);
			p->plen = rnd(t, q->plen + 1);
			break;
		default:	/* longer, inside q: keep q's bits */
			for (i = 0; i < q->plen; i++)
				if ((q->key[i / 8] ^ p->key[i / 8]) &
				    (0x80 >> (i % 8)))
					p->key[i / 8] ^= 0x80 >> (i % 8);
			p->plen = q->plen + rnd(t, bits - q->plen + 1);
			break;
		}
	} else {
		if (rnd(t, 8)) {
			if (keylen == 4) {
				p->key[0] = 10 + rnd(t, 3);
				p->key[1] &= 0x13;
			} else {
				p->key[0] = 0x20;
				p->key[1] = 0x01;
				p->key[2] &= 0x03;
				p->key[3] &= 0x11;
			}
		}
		if (!rnd(t, 8))
			p->plen = rnd(t, bits + 1);
		else if (keylen == 4)
			p->plen = v4_lens[rnd(t, ARRAY_SIZE(v4_lens))];
		else
			p->plen = v6_lens[rnd(t, ARRAY_SIZE(v6_lens))];
	}
	mask_key(p->key, keylen, p->plen);
}

/* A random address, mostly inside a prefix of @ref */
static void random_addr(struct lpm_test *t, unsigned int keylen, u8 *addr)
{
	unsigned int i;

	for (i = 0; i < keylen; i++)
		addr[i] = rnd(t, 256);
	if (t->ref.n && rnd(t, 8)) {
		const struct pfx *q = &t->ref.p[rnd(t, t->ref.n)];

		for (i = 0; i < q->plen; i++)
			if ((q->key[i / 8] ^ addr[i / 8]) & (0x80 >> (i % 8)))
				addr[i / 8] ^= 0x80 >> (i % 8);
	}
}

static int insert_locked(struct lpm_test *t, struct rtm_lpm *lpm,
			 const u8 *key, u8 plen, void *value)
{
	int err;

	mutex_lock(&t->lock);
	err = rtm_lpm_insert(lpm, key, plen, value);
	mutex_unlock(&t->lock);
	return err;
}

static void *remove_locked(struct lpm_test *t, struct rtm_lpm *lpm,
			   const u8 *key, u8 plen)
{
	void *value;

	mutex_lock(&t->lock);
	value = rtm_lpm_remove(lpm, key, plen);
	mutex_unlock(&t->lock);
	return value;
}

static void *exact(struct rtm_lpm *lpm, const u8 *key, u8 plen)
{
	void *value;

	rcu_read_lock();
	value = rtm_lpm_exact(lpm, key, plen);
	rcu_read_unlock();
	return value;
}

static void *longest(struct rtm_lpm *lpm, const u8 *addr, u8 maxlen,
		     bool (*accept)(void *value, void *arg))
{
	void *value;

	rcu_read_lock();
	value = rtm_lpm_longest(lpm, addr, maxlen, accept, NULL);
	rcu_read_unlock();
	return value;
}

static void ref_add(struct kunit *test, const struct pfx *p)
{
	struct ref *ref = &((struct lpm_test *)test->priv)->ref;

	KUNIT_ASSERT_LT(test, ref->n, ref->max);
	ref->p[ref->n++] = *p;
}

static void ref_del(struct ref *ref, unsigned int i)
{
	ref->p[i] = ref->p[--ref->n];
}

/* Walk from (@key, @plen) and compare up to @max entries with @want */
static void check_walk(struct kunit *test, struct rtm_lpm *lpm,
		       const u8 *key, u8 plen, bool inclusive,
		       const struct pfx *want, unsigned int n,
		       unsigned int max)
{
	struct rtm_lpm_iter it;
	unsigned int i;
	void *value;
	bool ok = true;

	rcu_read_lock();
	rtm_lpm_iter_start(&it, lpm, key, plen, inclusive);
	for (i = 0; i < max && ok; i++) {
		value = rtm_lpm_iter_next(&it);
		if (i == n) {
			KUNIT_EXPECT_NULL(test, value);
			break;
		}
		KUNIT_EXPECT_PTR_EQ(test, value, want[i].value);
		KUNIT_EXPECT_EQ(test, it.plen, want[i].plen);
		KUNIT_EXPECT_EQ(test, memcmp(it.key, want[i].key, lpm->keylen),
				0);
		ok = value == want[i].value && it.plen == want[i].plen &&
		     !memcmp(it.key, want[i].key, lpm->keylen);
	}
	rcu_read_unlock();
}

/* Index of the first entry of sorted @p[0..n) >= (or >) @x */
static unsigned int lower_bound(const struct pfx *p, unsigned int n,
				const struct pfx *x, bool inclusive)
{
	unsigned int lo = 0, hi = n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = pfx_cmp(&p[mid], x);
		if (c < 0 || (!inclusive && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Batches of lookups, rtm_lpm_longest_many(), against the reference: the
 * entries' own keys, whose paths go deepest, and random addresses, with
 * random lengths and skipped lookups among them.
 */
static void check_many(struct kunit *test, struct rtm_lpm *lpm)
{
	struct lpm_test *t = test->priv;
	unsigned int keylen = lpm->keylen, bits = keylen * 8, i, k, n;
	struct rtm_lpm_query *q = t->q;
	struct ref *ref = &t->ref;

	for (k = 0; k < 20; k++) {
		n = 1 + rnd(t, RTM_LPM_BATCH);
		for (i = 0; i < n; i++) {
			if (ref->n && rnd(t, 2))
				memcpy(q[i].key, ref->p[rnd(t, ref->n)].key,
				       keylen);
			else
				random_addr(t, keylen, q[i].key);
			q[i].maxlen = rnd(t, 2) ? bits : rnd(t, bits + 1);
			q[i].skip = !rnd(t, 8);
		}
		rcu_read_lock();
		rtm_lpm_longest_many(lpm, q, n);
		rcu_read_unlock();
		for (i = 0; i < n; i++)
			KUNIT_EXPECT_PTR_EQ(test, q[i].value,
					    q[i].skip ? NULL :
					    ref_longest(ref, q[i].key,
							q[i].maxlen, NULL));
	}
}

/* Compare every kind of query on @lpm with the reference */
static void check_all(struct kunit *test, struct rtm_lpm *lpm)
{
	struct lpm_test *t = test->priv;
	unsigned int keylen = lpm->keylen, bits = keylen * 8, i, n;
	struct ref *ref = &t->ref;
	void *value;
	int found;
	u8 addr[RTM_LPM_MAX_KEYLEN];
	struct pfx p;
	u8 maxlen;

	KUNIT_ASSERT_EQ(test, lpm->count, ref->n);

	for (i = 0; i < ref->n; i++) {
		const struct pfx *q = &ref->p[i];

		KUNIT_EXPECT_PTR_EQ(test, exact(lpm, q->key, q->plen),
				    q->value);
		if (!q->plen)
			continue;
		/* less-specific */
		value = longest(lpm, q->key, q->plen - 1, NULL);
		KUNIT_EXPECT_PTR_EQ(test, value,
				    ref_longest(ref, q->key, q->plen - 1, NULL));
	}
	for (i = 0; i < 500; i++) {
		random_pfx(t, keylen, &p);
		found = ref_find(ref, p.key, p.plen);
		KUNIT_EXPECT_PTR_EQ(test, exact(lpm, p.key, p.plen),
				    found < 0 ? NULL : ref->p[found].value);

		random_addr(t, keylen, addr);
		maxlen = rnd(t, 2) ? bits : rnd(t, bits + 1);
		KUNIT_EXPECT_PTR_EQ(test, longest(lpm, addr, maxlen, NULL),
				    ref_longest(ref, addr, maxlen, NULL));
		KUNIT_EXPECT_PTR_EQ(test,
				    longest(lpm, addr, maxlen, accept_some),
				    ref_longest(ref, addr, maxlen,
						accept_some));
	}

	/* The whole walk, and walks resumed from random places */
	memcpy(t->sorted, ref->p, ref->n * sizeof(*ref->p));
	sort(t->sorted, ref->n, sizeof(*t->sorted), pfx_cmp, NULL);
	memset(&p, 0, sizeof(p));
	check_walk(test, lpm, p.key, 0, true, t->sorted, ref->n, ref->n + 1);
	/*
	 * Resumed at every entry, after it, and at the prefixes one bit
	 * shorter and longer, which are or are not entries themselves
	 */
	for (i = 0; i < ref->n; i++) {
		struct pfx x = t->sorted[i];

		check_walk(test, lpm, x.key, x.plen, true, t->sorted + i,
			   ref->n - i, 3);
		check_walk(test, lpm, x.key, x.plen, false, t->sorted + i + 1,
			   ref->n - i - 1, 3);
		if (x.plen < bits) {
			x.plen++;
			n = lower_bound(t->sorted, ref->n, &x, false);
			check_walk(test, lpm, x.key, x.plen, false,
				   t->sorted + n, ref->n - n, 3);
			x.plen--;
		}
		if (x.plen) {
			x.plen--;
			mask_key(x.key, keylen, x.plen);
			n = lower_bound(t->sorted, ref->n, &x, true);
			check_walk(test, lpm, x.key, x.plen, true,
				   t->sorted + n, ref->n - n, 3);
		}
	}
	for (i = 0; i < 200; i++) {
		bool inclusive = rnd(t, 2);

		if (ref->n && rnd(t, 2))
			p = t->sorted[rnd(t, ref->n)];
		else
			random_pfx(t, keylen, &p);
		n = lower_bound(t->sorted, ref->n, &p, inclusive);
		check_walk(test, lpm, p.key, p.plen, inclusive,
			   t->sorted + n, ref->n - n, 8);
	}
	check_many(test, lpm);
}

/* Remove every prefix of the reference: the trie is empty and holds nothing */
static void remove_all(struct kunit *test, struct rtm_lpm *lpm)
{
	struct lpm_test *t = test->priv;
	struct ref *ref = &t->ref;
	struct pfx p;

	while (ref->n) {
		p = ref->p[ref->n - 1];
		KUNIT_EXPECT_PTR_EQ(test, remove_locked(t, lpm, p.key, p.plen),
				    p.value);
		ref->n--;
	}
	check_all(test, lpm);
	KUNIT_EXPECT_EQ(test, lpm->count, 0);
	KUNIT_EXPECT_EQ(test, lpm->bytes, 0);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(lpm->root));
}

/*
 * Insert a random prefix (maybe present already), or remove one: present
 * (three times in four) or random (mostly absent).
 */
static void random_op(struct kunit *test, struct rtm_lpm *lpm, bool insert)
{
	struct lpm_test *t = test->priv;
	struct ref *ref = &t->ref;
	void *value;
	struct pfx p;
	int found;

	if (insert) {
		random_pfx(t, lpm->keylen, &p);
		p.value = new_value(t);
		found = ref_find(ref, p.key, p.plen);
		KUNIT_EXPECT_EQ(test,
				insert_locked(t, lpm, p.key, p.plen, p.value),
				found < 0 ? 0 : -EEXIST);
		if (found < 0)
			ref_add(test, &p);
		return;
	}
	if (ref->n && rnd(t, 4)) {
		found = rnd(t, ref->n);
		p = ref->p[found];
	} else {
		random_pfx(t, lpm->keylen, &p);
		found = ref_find(ref, p.key, p.plen);
		p.value = found < 0 ? NULL : ref->p[found].value;
	}
	value = remove_locked(t, lpm, p.key, p.plen);
	KUNIT_EXPECT_PTR_EQ(test, value, p.value);
	if (found >= 0)
		ref_del(ref, found);
}

/* Random inserts and removes in phases, checked after each */
static void random_test(struct kunit *test, unsigned int keylen,
			unsigned int size)
{
	static const struct {
		unsigned int ops, insert;	/* insert share, in % */
	} phases[] = { { 2, 90 }, { 3, 60 }, { 2, 40 } };
	struct lpm_test *t = test->priv;
	struct rtm_lpm *lpm = new_lpm(test, keylen);
	struct ref *ref = &t->ref;
	unsigned int ph, i;
	struct pfx p;

	ref->max = size * 2;
	ref->p = vmalloc(array_size(ref->max, sizeof(*ref->p)));
	t->sorted = vmalloc(array_size(ref->max, sizeof(*t->sorted)));
	KUNIT_ASSERT_NOT_NULL(test, ref->p);
	KUNIT_ASSERT_NOT_NULL(test, t->sorted);

	for (ph = 0; ph < ARRAY_SIZE(phases); ph++) {
		for (i = 0; i < phases[ph].ops * size / 2; i++)
			random_op(test, lpm, rnd(t, 100) < phases[ph].insert);
		/* An existing prefix again: -EEXIST, nothing changes */
		if (ref->n) {
			p = ref->p[rnd(t, ref->n)];
			KUNIT_EXPECT_EQ(test, insert_locked(t, lpm, p.key,
							    p.plen,
							    new_value(t)),
					-EEXIST);
		}
		check_all(test, lpm);
	}

	remove_all(test, lpm);
}

static void lpm_random_v4(struct kunit *test)
{
	random_test(test, 4, 1000);
}

static void lpm_random_v6(struct kunit *test)
{
	random_test(test, 16, 1000);
}

/* A lock-free reader's exact lookup, from a thread of its own */
struct peek {
	struct rtm_lpm *lpm;
	const struct pfx *p;
	void *value;
	struct completion done;
};

static int peek_thread(void *arg)
{
	struct peek *pk = arg;

	rcu_read_lock();
	pk->value = rtm_lpm_exact(pk->lpm, pk->p->key, pk->p->plen);
	rcu_read_unlock();
	complete(&pk->done);
	return 0;
}

static void *peek(struct kunit *test, struct rtm_lpm *lpm, const struct pfx *p)
{
	struct peek pk = { .lpm = lpm, .p = p };
	struct task_struct *k;

	init_completion(&pk.done);
	k = kthread_run(peek_thread, &pk, "rtm_lpm_peek");
	KUNIT_ASSERT_FALSE(test, IS_ERR(k));
	wait_for_completion(&pk.done);
	return pk.value;
}

/* One operation of a batch, the lock held: as random_op(), unlocked. */
static void batch_op(struct kunit *test, struct rtm_lpm *lpm, struct pfx *p,
		     bool insert)
{
	struct ref *ref = &((struct lpm_test *)test->priv)->ref;
	int found = ref_find(ref, p->key, p->plen);

	if (insert) {
		KUNIT_EXPECT_EQ(test, rtm_lpm_insert(lpm, p->key, p->plen,
						     p->value),
				found < 0 ? 0 : -EEXIST);
		if (found < 0)
			ref_add(test, p);
		return;
	}
	KUNIT_EXPECT_PTR_EQ(test, rtm_lpm_remove(lpm, p->key, p->plen),
			    found < 0 ? NULL : ref->p[found].value);
	if (found >= 0)
		ref_del(ref, found);
}

/*
 * Batches (rtm_lpm_batch_begin()): random inserts and removes in batches of
 * random sizes, the writer seeing each change at once; then batches that
 * fill one node (every /17../24 of a /16, shuffled), growing its private
 * copy through its buckets, which a lock-free reader does not see before
 * the batch ends and sees after.  The trie's memory count must come back
 * to zero (rtm_lpm_destroy() warns otherwise).
 */
static void batch_test(struct kunit *test, unsigned int keylen,
		       unsigned int size)
{
	struct lpm_test *t = test->priv;
	struct rtm_lpm *lpm = new_lpm(test, keylen);
	struct ref *ref = &t->ref;
	const unsigned int nfill = 510;	/* the /17s .. /24s of a /16 */
	unsigned int i, k, n, round, last;
	struct pfx p, *fill;

	fill = kunit_kmalloc_array(test, nfill, sizeof(*fill), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fill);
	ref->max = size * 2 + nfill * 3;
	ref->p = vmalloc(array_size(ref->max, sizeof(*ref->p)));
	t->sorted = vmalloc(array_size(ref->max, sizeof(*t->sorted)));
	KUNIT_ASSERT_NOT_NULL(test, ref->p);
	KUNIT_ASSERT_NOT_NULL(test, t->sorted);

	for (i = 0; i < 2 * size; i += n) {
		n = 1 + rnd(t, 64);
		mutex_lock(&t->lock);
		rtm_lpm_batch_begin(lpm);
		for (k = 0; k < n; k++) {
			bool insert = !ref->n || rnd(t, 100) < 70;

			if (insert || rnd(t, 4) == 0) {
				random_pfx(t, keylen, &p);
				p.value = new_value(t);
			} else {
				p = ref->p[rnd(t, ref->n)];
			}
			batch_op(test, lpm, &p, insert);
			if (ref->n) {
				p = ref->p[rnd(t, ref->n)];
				KUNIT_EXPECT_PTR_EQ(test,
					rtm_lpm_exact(lpm, p.key, p.plen),
					p.value);
			}
		}
		rtm_lpm_batch_end(lpm);
		mutex_unlock(&t->lock);
	}
	check_all(test, lpm);

	for (round = 0; round < 3; round++) {
		u8 b0 = rnd(t, 256), b1 = rnd(t, 256);

		/* In-node index j = (1 << l) | v: length 16 + l, value v */
		for (i = 0; i < nfill; i++) {
			unsigned int j = i + 2, l = ilog2(j);

			memset(&fill[i], 0, sizeof(fill[i]));
			fill[i].key[0] = b0;
			fill[i].key[1] = b1;
			fill[i].key[2] = (j - (1U << l)) << (8 - l);
			fill[i].plen = 16 + l;
			fill[i].value = new_value(t);
		}
		for (i = nfill - 1; i > 0; i--)
			swap(fill[i], fill[rnd(t, i + 1)]);
		mutex_lock(&t->lock);
		rtm_lpm_batch_begin(lpm);
		last = 0;
		for (i = 0; i < nfill; i++) {
			if (ref_find(ref, fill[i].key, fill[i].plen) < 0)
				last = i;
			batch_op(test, lpm, &fill[i], true);
		}
		KUNIT_EXPECT_PTR_EQ(test, rtm_lpm_exact(lpm, fill[last].key,
							fill[last].plen),
				    fill[last].value);
		/* Not published yet: the last new one went into the copy */
		KUNIT_EXPECT_NULL(test, peek(test, lpm, &fill[last]));
		rtm_lpm_batch_end(lpm);
		mutex_unlock(&t->lock);
		KUNIT_EXPECT_PTR_EQ(test, peek(test, lpm, &fill[last]),
				    fill[last].value);
		check_all(test, lpm);
	}

	remove_all(test, lpm);
}

static void lpm_batch_v4(struct kunit *test)
{
	batch_test(test, 4, 1000);
}

static void lpm_batch_v6(struct kunit *test)
{
	batch_test(test, 16, 1000);
}

/* Fill @p from "a.b.c.d/len" or "x::y/len"; false if malformed */
static bool parse_pfx(const char *s, int len, struct pfx *p,
		      unsigned int *keylen)
{
	const char *end;
	unsigned int plen = 0;
	bool v6 = memchr(s, ':', len);

	memset(p, 0, sizeof(*p));
	if (v6 ? !in6_pton(s, len, p->key, '/', &end) :
		 !in4_pton(s, len, p->key, '/', &end))
		return false;
	*keylen = v6 ? 16 : 4;
	if (end >= s + len || *end++ != '/' || end >= s + len)
		return false;
	for (; end < s + len; end++) {
		if (*end < '0' || *end > '9')
			return false;
		plen = plen * 10 + *end - '0';
		if (plen > *keylen * 8)
			return false;
	}
	p->plen = plen;
	return true;
}

static void lpm_edges_v4(struct kunit *test)
{
	static const struct {
		u8 key[4];
		u8 plen;
	} v4[] = {	/* in walk order */
		{ { 0, 0, 0, 0 }, 0 },
		{ { 10, 0, 0, 0 }, 8 },
		{ { 10, 0, 0, 0 }, 16 },
		{ { 10, 0, 0, 0 }, 24 },
		{ { 10, 0, 0, 0 }, 25 },
		{ { 10, 0, 0, 0 }, 32 },
		{ { 10, 0, 0, 128 }, 25 },
		{ { 10, 1, 0, 0 }, 16 },
		{ { 11, 0, 0, 0 }, 8 },
		{ { 128, 0, 0, 0 }, 1 },
		{ { 255, 255, 255, 255 }, 32 },
	};
	static const struct {
		u8 addr[4];
		u8 maxlen;
		u8 want;	/* index in v4[] */
	} lookups[] = {
		{ { 10, 0, 0, 0 }, 32, 5 },
		{ { 10, 0, 0, 0 }, 31, 4 },
		{ { 10, 0, 0, 0 }, 24, 3 },
		{ { 10, 0, 0, 0 }, 23, 2 },
		{ { 10, 0, 0, 0 }, 8, 1 },
		{ { 10, 0, 0, 0 }, 7, 0 },
		{ { 10, 0, 0, 0 }, 0, 0 },
		{ { 10, 0, 0, 1 }, 32, 4 },
		{ { 10, 0, 0, 200 }, 32, 6 },
		{ { 10, 0, 1, 1 }, 32, 2 },
		{ { 10, 2, 0, 0 }, 32, 1 },
		{ { 12, 0, 0, 0 }, 32, 0 },
		{ { 200, 0, 0, 0 }, 32, 9 },
		{ { 255, 255, 255, 254 }, 32, 9 },
		{ { 255, 255, 255, 255 }, 32, 10 },
		{ { 255, 255, 255, 255 }, 31, 9 },
	};
	struct lpm_test *t = test->priv;
	struct rtm_lpm *lpm = new_lpm(test, 4);
	struct pfx want[ARRAY_SIZE(v4)];
	u8 key[4] = { 10, 0, 0, 0 };
	unsigned int i;
	void *value;

	/* Empty */
	KUNIT_EXPECT_NULL(test, exact(lpm, key, 0));
	KUNIT_EXPECT_NULL(test, longest(lpm, key, 32, NULL));
	KUNIT_EXPECT_NULL(test, remove_locked(t, lpm, key, 8));
	check_walk(test, lpm, key, 0, true, want, 0, 1);
	/* Nonsense */
	KUNIT_EXPECT_EQ(test, insert_locked(t, lpm, key, 33, new_value(t)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, insert_locked(t, lpm, key, 8, NULL), -EINVAL);

	/* Inserted out of order */
	for (i = 0; i < ARRAY_SIZE(v4); i++) {
		unsigned int j = (i * 7) % ARRAY_SIZE(v4);

		memset(&want[j], 0, sizeof(want[j]));
		memcpy(want[j].key, v4[j].key, 4);
		want[j].plen = v4[j].plen;
		want[j].value = new_value(t);
		KUNIT_EXPECT_EQ(test, insert_locked(t, lpm, want[j].key,
						    want[j].plen,
						    want[j].value), 0);
	}
	KUNIT_EXPECT_EQ(test, insert_locked(t, lpm, key, 8, new_value(t)),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, lpm->count, ARRAY_SIZE(v4));
	check_walk(test, lpm, key, 0, true, want, ARRAY_SIZE(v4),
		   ARRAY_SIZE(v4) + 1);

	for (i = 0; i < ARRAY_SIZE(v4); i++)
		KUNIT_EXPECT_PTR_EQ(test, exact(lpm, want[i].key,
						want[i].plen),
				    want[i].value);
	KUNIT_EXPECT_NULL(test, exact(lpm, key, 31));
	KUNIT_EXPECT_NULL(test, exact(lpm, key, 9));
	KUNIT_EXPECT_NULL(test, exact(lpm, key, 33));
	KUNIT_EXPECT_NULL(test, remove_locked(t, lpm, key, 33));
	KUNIT_EXPECT_PTR_EQ(test, longest(lpm, key, 200, NULL), want[5].value);
	for (i = 0; i < ARRAY_SIZE(lookups); i++)
		KUNIT_EXPECT_PTR_EQ(test, longest(lpm, lookups[i].addr,
						  lookups[i].maxlen, NULL),
				    want[lookups[i].want].value);

	/* Seeks */
	check_walk(test, lpm, key, 24, true, want + 3, 8, 8);
	check_walk(test, lpm, key, 24, false, want + 4, 7, 7);
	check_walk(test, lpm, key, 32, false, want + 6, 5, 6);
	check_walk(test, lpm, key, 40, true, want + 6, 5, 6);
	key[3] = 1;
	check_walk(test, lpm, key, 32, true, want + 6, 5, 6);
	check_walk(test, lpm, want[10].key, 32, true, want + 10, 1, 2);
	check_walk(test, lpm, want[10].key, 32, false, want, 0, 1);
	check_walk(test, lpm, want[0].key, 0, false, want + 1, 10, 11);
	key[1] = 0xff;
	key[3] = 0;
	check_walk(test, lpm, key, 16, true, want + 8, 3, 4);

	/* Removal: absent, present, again; then all of it */
	KUNIT_EXPECT_NULL(test, remove_locked(t, lpm, want[5].key, 31));
	KUNIT_EXPECT_PTR_EQ(test, remove_locked(t, lpm, want[5].key, 32),
			    want[5].value);
	KUNIT_EXPECT_NULL(test, remove_locked(t, lpm, want[5].key, 32));
	KUNIT_EXPECT_PTR_EQ(test, longest(lpm, want[5].key, 32, NULL),
			    want[4].value);
	for (i = 0; i < ARRAY_SIZE(v4); i++) {
		if (i == 5)
			continue;
		value = remove_locked(t, lpm, want[i].key, want[i].plen);
		KUNIT_EXPECT_PTR_EQ(test, value, want[i].value);
	}
	KUNIT_EXPECT_EQ(test, lpm->count, 0);
	KUNIT_EXPECT_EQ(test, lpm->bytes, 0);
	KUNIT_EXPECT_NULL(test, longest(lpm, want[5].key, 32, NULL));
}

/* ::/0 .. A/128 of one address A: the deepest chain there is */
static void lpm_chain_v6(struct kunit *test)
{
	struct lpm_test *t = test->priv;
	struct rtm_lpm *lpm = new_lpm(test, 16);
	void *value, *v1, *v2;
	unsigned int l, j;
	struct pfx *want, p;
	u8 addr[16];

	want = kunit_kcalloc(test, 129, sizeof(*want), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);

	for (l = 0; l < 16; l++)
		addr[l] = rnd(t, 256);
	for (l = 0; l <= 128; l++) {
		memcpy(want[l].key, addr, 16);
		mask_key(want[l].key, 16, l);
		want[l].plen = l;
		want[l].value = new_value(t);
	}
	/* Longest first, so that every insert creates a path */
	for (l = 129; l-- > 0;)
		KUNIT_EXPECT_EQ(test, insert_locked(t, lpm, want[l].key, l,
						    want[l].value), 0);
	check_walk(test, lpm, want[0].key, 0, true, want, 129, 130);
	for (l = 0; l <= 128; l++) {
		KUNIT_EXPECT_PTR_EQ(test, longest(lpm, addr, l, NULL),
				    want[l].value);
		KUNIT_EXPECT_PTR_EQ(test, exact(lpm, want[l].key, l),
				    want[l].value);
		/* An address that leaves A after l bits */
		if (l < 128) {
			memcpy(p.key, addr, 16);
			p.key[l / 8] ^= 0x80 >> (l % 8);
			KUNIT_EXPECT_PTR_EQ(test,
					    longest(lpm, p.key, 128, NULL),
					    want[l].value);
		}
	}

	/* Remove the odd lengths: even ones answer */
	for (l = 1; l <= 128; l += 2) {
		value = remove_locked(t, lpm, want[l].key, l);
		KUNIT_EXPECT_PTR_EQ(test, value, want[l].value);
	}
	for (l = 0; l <= 128; l++)
		KUNIT_EXPECT_PTR_EQ(test, longest(lpm, addr, l, NULL),
				    want[l & ~1].value);
	for (l = 0, j = 0; l <= 128; l += 2)
		want[j++] = want[l];
	check_walk(test, lpm, want[0].key, 0, true, want, j, j + 1);

	/* All ones, ::1/128 and ::/128 next to ::/0 */
	v1 = new_value(t);
	v2 = new_value(t);
	memset(p.key, 0xff, 16);
	KUNIT_EXPECT_EQ(test, insert_locked(t, lpm, p.key, 128, v1), 0);
	KUNIT_EXPECT_PTR_EQ(test, longest(lpm, p.key, 128, NULL), v1);
	KUNIT_EXPECT_PTR_EQ(test, remove_locked(t, lpm, p.key, 128), v1);
	memset(p.key, 0, 16);
	p.key[15] = 1;
	KUNIT_EXPECT_EQ(test, insert_locked(t, lpm, p.key, 128, v1), 0);
	p.key[15] = 0;
	KUNIT_EXPECT_EQ(test, insert_locked(t, lpm, p.key, 128, v2), 0);
	KUNIT_EXPECT_PTR_EQ(test, longest(lpm, p.key, 128, NULL), v2);
	KUNIT_EXPECT_PTR_EQ(test, remove_locked(t, lpm, p.key, 128), v2);
	p.key[15] = 1;
	KUNIT_EXPECT_PTR_EQ(test, longest(lpm, p.key, 128, NULL), v1);
	KUNIT_EXPECT_PTR_EQ(test, remove_locked(t, lpm, p.key, 128), v1);

	for (l = 0; l < j; l++) {
		value = remove_locked(t, lpm, want[l].key, want[l].plen);
		KUNIT_EXPECT_PTR_EQ(test, value, want[l].value);
	}
	KUNIT_EXPECT_EQ(test, lpm->count, 0);
	KUNIT_EXPECT_EQ(test, lpm->bytes, 0);
}

/*
 * Exact matches in a sorted array, from the longest length down (of those
 * in @lens, the lengths present)
 */
static void *sorted_longest(const struct pfx *p, unsigned int n,
			    const unsigned long *lens, unsigned int keylen,
			    const u8 *addr,
			    bool (*accept)(void *value, void *arg))
{
	struct pfx x;
	unsigned int i;
	int l;

	memset(&x, 0, sizeof(x));
	for (l = keylen * 8; l >= 0; l--) {
		if (!test_bit(l, lens))
			continue;
		memcpy(x.key, addr, keylen);
		mask_key(x.key, keylen, l);
		x.plen = l;
		i = lower_bound(p, n, &x, true);
		if (i < n && !pfx_cmp(&p[i], &x) &&
		    (!accept || accept(p[i].value, NULL)))
			return p[i].value;
	}
	return NULL;
}

/* The real table, one family: @p[0..n) in file order */
static void real_family(struct kunit *test, struct pfx *p, unsigned int n,
			unsigned int keylen)
{
	struct lpm_test *t = test->priv;
	struct rtm_lpm *lpm = new_lpm(test, keylen);
	DECLARE_BITMAP(lens, RTM_LPM_MAX_KEYLEN * 8 + 1) = {};
	struct rtm_lpm_iter it;
	u8 addr[RTM_LPM_MAX_KEYLEN];
	unsigned int i, j, bad = 0;
	u64 start, ns, inserts, walk, lookup;
	size_t bytes;
	void *value;

	for (i = 0; i < n; i++)
		__set_bit(p[i].plen, lens);

	start = ktime_get_ns();
	mutex_lock(&t->lock);
	for (i = 0; i < n; i++) {
		if (rtm_lpm_insert(lpm, p[i].key, p[i].plen, p[i].value))
			bad++;
		if (!(i % 1024))
			cond_resched();
	}
	mutex_unlock(&t->lock);
	ns = ktime_get_ns() - start;
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_EQ(test, lpm->count, n);
	/* One line per family at the end: a case's log holds 512 bytes. */
	bytes = lpm->bytes;
	inserts = div64_u64((u64)n * NSEC_PER_SEC, ns + 1);

	for (i = 0; i < n; i++) {
		rcu_read_lock();
		if (rtm_lpm_exact(lpm, p[i].key, p[i].plen) != p[i].value)
			bad++;
		rcu_read_unlock();
	}
	KUNIT_EXPECT_EQ(test, bad, 0);

	/* The walk, under the writers' lock so that it may sleep */
	sort(p, n, sizeof(*p), pfx_cmp, NULL);
	memset(addr, 0, sizeof(addr));
	start = ktime_get_ns();
	mutex_lock(&t->lock);
	rtm_lpm_iter_start(&it, lpm, addr, 0, true);
	for (i = 0; (value = rtm_lpm_iter_next(&it)); i++) {
		if (i >= n || value != p[i].value || it.plen != p[i].plen ||
		    memcmp(it.key, p[i].key, keylen))
			bad++;
		if (!(i % 1024))
			cond_resched();
	}
	mutex_unlock(&t->lock);
	ns = ktime_get_ns() - start;
	KUNIT_EXPECT_EQ(test, i, n);
	KUNIT_EXPECT_EQ(test, bad, 0);
	walk = div64_u64(ns, n);

	/*
	 * The walk again, one entry per walk, each resumed after the entry
	 * the last one returned, as a dump does between read-side sections
	 */
	mutex_lock(&t->lock);
	memset(addr, 0, sizeof(addr));
	rtm_lpm_iter_start(&it, lpm, addr, 0, true);
	for (i = 0; (value = rtm_lpm_iter_next(&it)); i++) {
		if (i >= n || value != p[i].value || it.plen != p[i].plen ||
		    memcmp(it.key, p[i].key, sizeof(it.key)))
			bad++;
		memcpy(addr, it.key, keylen);
		rtm_lpm_iter_start(&it, lpm, addr, p[i].plen, false);
		if (!(i % 1024))
			cond_resched();
	}
	mutex_unlock(&t->lock);
	KUNIT_EXPECT_EQ(test, i, n);
	KUNIT_EXPECT_EQ(test, bad, 0);

	/* Random lookups, half of them through accept() */
	for (i = 0; i < 10000; i++) {
		const struct pfx *q = &p[rnd(t, n)];
		bool (*accept)(void *value, void *arg);

		for (j = 0; j < keylen; j++)
			addr[j] = rnd(t, 256);
		if (rnd(t, 8))
			for (j = 0; j < q->plen; j++)
				if ((q->key[j / 8] ^ addr[j / 8]) &
				    (0x80 >> (j % 8)))
					addr[j / 8] ^= 0x80 >> (j % 8);
		accept = rnd(t, 2) ? accept_some : NULL;
		if (longest(lpm, addr, keylen * 8, accept) !=
		    sorted_longest(p, n, lens, keylen, addr, accept))
			bad++;
		if (!(i % 1024))
			cond_resched();
	}
	KUNIT_EXPECT_EQ(test, bad, 0);

	/* Timed lookups of addresses inside random prefixes */
	start = ktime_get_ns();
	for (i = 0; i < 100000; i++) {
		const struct pfx *q = &p[(i * 7919) % n];

		rcu_read_lock();
		if (!rtm_lpm_longest(lpm, q->key, keylen * 8, NULL, NULL))
			bad++;
		rcu_read_unlock();
	}
	ns = ktime_get_ns() - start;
	KUNIT_EXPECT_EQ(test, bad, 0);
	lookup = div64_u64(ns, 100000);

	/* Seeks */
	for (i = 0; i < 1000; i++) {
		struct pfx x = p[rnd(t, n)];
		bool inclusive = rnd(t, 2);

		x.plen = rnd(t, keylen * 8 + 1);
		mask_key(x.key, keylen, x.plen);
		j = lower_bound(p, n, &x, inclusive);
		check_walk(test, lpm, x.key, x.plen, inclusive, p + j, n - j,
			   4);
	}

	/* Empty it again */
	start = ktime_get_ns();
	mutex_lock(&t->lock);
	for (i = 0; i < n; i++) {
		if (rtm_lpm_remove(lpm, p[i].key, p[i].plen) != p[i].value)
			bad++;
		if (!(i % 1024))
			cond_resched();
	}
	mutex_unlock(&t->lock);
	ns = ktime_get_ns() - start;
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_EQ(test, lpm->count, 0);
	KUNIT_EXPECT_EQ(test, lpm->bytes, 0);
	kunit_info(test,
		   "IPv%u: %u prefixes, %zu.%02zu B each; %llu inserts/s, %llu removes/s; walk %llu ns, lookup %llu ns\n",
		   keylen == 4 ? 4 : 6, n, bytes / n, bytes % n * 100 / n,
		   inserts, div64_u64((u64)n * NSEC_PER_SEC, ns + 1), walk,
		   lookup);
}

static void lpm_real_table(struct kunit *test)
{
	unsigned int stride = max(lpm_test_stride, 1U), line = 0;
	unsigned int n = 0, n4 = 0, n6 = 0, keylen;
	struct lpm_test *t = test->priv;
	const char *s, *end, *nl;
	size_t size;
	ssize_t len;
	struct pfx p;

	len = kernel_read_file_from_path(PREFIXES_PATH, 0, &t->file, SZ_256M,
					 &size, READING_UNKNOWN);
	if (len == -ENOENT)
		kunit_skip(test, "no %s", PREFIXES_PATH);
	KUNIT_ASSERT_GT(test, len, 0);

	s = t->file;
	end = s + len;
	for (nl = s; nl < end; nl++)
		n += *nl == '\n';
	n++;
	/* IPv4 from the front of one array, IPv6 from the back */
	t->sorted = vmalloc(array_size(n, sizeof(*t->sorted)));
	KUNIT_ASSERT_NOT_NULL(test, t->sorted);
	for (; s < end; s = nl + 1) {
		const char *eol;

		nl = memchr(s, '\n', end - s) ?: end;
		if (line++ / PREFIXES_BLOCK % stride)
			continue;
		for (eol = nl; eol > s && isspace(eol[-1]); eol--)
			;
		if (eol == s)
			continue;
		KUNIT_ASSERT_TRUE_MSG(test, parse_pfx(s, eol - s, &p, &keylen),
				      "bad line %.*s", (int)(eol - s), s);
		p.value = new_value(t);
		if (keylen == 4)
			t->sorted[n4++] = p;
		else
			t->sorted[n - ++n6] = p;
	}
	vfree(t->file);
	t->file = NULL;
	kunit_info(test, "%u IPv4 and %u IPv6 prefixes of %u (1 block in %u)\n",
		   n4, n6, line, stride);

	if (n4)
		real_family(test, t->sorted, n4, 4);
	if (n6)
		real_family(test, t->sorted + n - n6, n6, 16);
}

static struct kunit_case lpm_test_cases[] = {
	KUNIT_CASE(lpm_edges_v4),
	KUNIT_CASE(lpm_chain_v6),
	KUNIT_CASE(lpm_random_v4),
	KUNIT_CASE(lpm_random_v6),
	KUNIT_CASE(lpm_batch_v4),
	KUNIT_CASE(lpm_batch_v6),
	KUNIT_CASE(lpm_real_table),
	{}
};

static struct kunit_suite lpm_test_suite = {
	.name = "rtm_lpm",
	.init = lpm_test_init,
	.exit = lpm_test_exit,
	.test_cases = lpm_test_cases,
};

kunit_test_suite(lpm_test_suite);
