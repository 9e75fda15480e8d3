/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtm's structure-aware fuzzer: what its parts share.
 *
 *   rng.c     the per-thread PRNG, seeded from the run's seed and the
 *             thread's number, so each thread's choices repeat with a seed
 *   mem.c     argument buffers: good memory next to a PROT_NONE page and an
 *             unmapped one, and the bad user pointers
 *   gen.c     values: sizes, flags, counts, addresses, reserved fields
 *   pool.c    handles seen in the kernel's answers, per kind, shared with
 *             every process of the run (other namespaces included)
 *   tally.c   calls per ioctl and errno, the errors the ABI allows, and
 *             the violations
 *   call.c    one ioctl: the argument's size, its placement, the check
 *   ops.c     one generator per ioctl of uapi/linux/rtm.h
 *   events.c  the event queue: poll(), read(), answering method calls,
 *             route expiries and change notifications
 *   actors.c  slots (fds), worker threads, fd churn, child processes,
 *             a second network namespace, unprivileged callers
 *
 * selftests/fuzz_test.c runs it as a kselftest.
 */
#ifndef RTM_FUZZ_H
#define RTM_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <linux/rtm.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* ------------------------------------------------------------------ */
/* PRNG                                                                */
/* ------------------------------------------------------------------ */

struct fz_rng {
	uint64_t s[4];
};

void fz_rng_seed(struct fz_rng *r, uint64_t seed, uint64_t stream);
uint64_t fz_rand64(struct fz_rng *r);
/* Uniform in [0, n); 0 when n is 0. */
uint32_t fz_below(struct fz_rng *r, uint32_t n);
/* True with @pct percent chance. */
bool fz_chance(struct fz_rng *r, unsigned int pct);

/* ------------------------------------------------------------------ */
/* Memory                                                              */
/* ------------------------------------------------------------------ */

/*
 * A thread's buffers: FZ_ARENA_PAGES pages of good memory, then a
 * PROT_NONE page, then an unmapped page.  Each call takes its buffers from
 * the good pages, bump-allocated, and gives them back when it is done.
 */
#define FZ_ARENA_PAGES	12

struct fz_arena {
	char *base;		/* good memory */
	size_t len;		/* its bytes */
	size_t used;
	char *guard;		/* PROT_NONE page */
	char *hole;		/* unmapped page */
};

int fz_arena_init(struct fz_arena *a);
void fz_arena_free(struct fz_arena *a);
void fz_arena_reset(struct fz_arena *a);
/* @len bytes of zeroed good memory, 8-aligned, or NULL if none is left. */
void *fz_alloc(struct fz_arena *a, size_t len);
/*
 * Memory whose first @inside bytes (a page at most) are good, the rest
 * PROT_NONE; they hold the first of @len bytes at @src (may be NULL when
 * @len is 0), zeros after.
 */
void *fz_straddle(struct fz_arena *a, size_t inside, const void *src,
		  size_t len);

/* What a user pointer the fuzzer passes looks like. */
enum fz_ptr_kind {
	FZ_PTR_GOOD,
	FZ_PTR_NULL,
	FZ_PTR_KERNEL,
	FZ_PTR_UNMAPPED,
	FZ_PTR_STRADDLE,	/* starts in good memory, ends in PROT_NONE */
	FZ_PTR_GUARD,		/* inside the PROT_NONE page */
	FZ_PTR_MISALIGNED,	/* good memory, odd address */
	FZ_PTR_NKINDS,
};

/* ------------------------------------------------------------------ */
/* A thread's state                                                    */
/* ------------------------------------------------------------------ */

struct fz_slot;

struct fz_thread {
	struct fz_rng rng;
	struct fz_arena arena;
	struct fz_slot *slot;	/* the slot it works on now */
	unsigned int id;	/* its number in the run, for the seed */
	bool unprivileged;	/* without CAP_NET_ADMIN */
	/*
	 * This call's arguments are all well-formed (half the calls): the
	 * generators then give no junk, so that calls get deep.
	 */
	bool valid;
};

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

/* A user pointer to @len bytes at @good, or (rarely) a bad one. */
uint64_t fz_ptr(struct fz_thread *t, void *good, size_t len);
/* A buffer of @len bytes (zeroed) passed as a pointer, maybe bad. */
uint64_t fz_buf(struct fz_thread *t, size_t len, void **good);
/* Mostly a subset of @valid; sometimes one unknown bit, or anything. */
uint32_t fz_flags(struct fz_thread *t, uint32_t valid);
/* Mostly 0; sometimes not. */
uint32_t fz_reserved(struct fz_thread *t);
/* A count: 0, 1, small, @max, @max + 1, RTM_MAX_BATCH(+1), huge. */
uint32_t fz_count(struct fz_thread *t, uint32_t max);
/* A views mask: unicast, multicast, both, ANY, or unknown bits. */
uint32_t fz_views(struct fz_thread *t);
/* A protocol id selector for queries. */
uint32_t fz_protocol(struct fz_thread *t);
/* A prefix: every family and length, masked or not, mostly in use. */
void fz_address(struct fz_thread *t, struct rtm_net_address *a);
/* The address family of the thread's slot, or sometimes another. */
uint16_t fz_family(struct fz_thread *t);
/* A time in ms: 0, 1, short, long, never (0xFFFFFFFF). */
uint32_t fz_time_ms(struct fz_thread *t, bool allow_long);
/* A small integer, biased to 0..3, for ids, indices and interfaces. */
uint32_t fz_small(struct fz_thread *t);

/* ------------------------------------------------------------------ */
/* Handle pool                                                         */
/* ------------------------------------------------------------------ */

/* Pool classes: the RTM kinds, in the order of their RTM_KIND_ bits. */
enum fz_kind {
	FZ_ENTITY,
	FZ_DEST,
	FZ_ROUTE,
	FZ_NEXTHOP,
	FZ_ENUM,
	FZ_LIST,
	FZ_NOTIFY,
	FZ_COOKIE,		/* method call cookies */
	FZ_NKINDS,
};

#define FZ_RING		256	/* entries per ring, a power of two */

struct fz_ring {
	uint64_t v[FZ_RING];
	uint32_t next;
};

/* Handles of one owner: a slot's own objects. */
struct fz_own {
	struct fz_ring ring[FZ_NKINDS];
};

void fz_pool_init(void *shared);	/* in memory every process shares */
size_t fz_pool_size(void);
void fz_ring_add(struct fz_ring *r, uint64_t v);
/* Record a handle the kernel gave (0 is ignored). */
void fz_seen(struct fz_thread *t, enum fz_kind k, uint64_t h);
/* Record a handle that is the slot's own object. */
void fz_seen_own(struct fz_thread *t, enum fz_kind k, uint64_t h);
/*
 * A handle to pass where one of kind @k is wanted: the slot's own, any
 * seen (other registrations, tables, namespaces, stale ones), of another
 * kind, forged, or 0.
 */
uint64_t fz_handle(struct fz_thread *t, enum fz_kind k);
/*
 * As fz_handle(), but more often the slot's own; for a valid call only
 * the slot's own, or 0 when it has none.
 */
uint64_t fz_own_handle(struct fz_thread *t, enum fz_kind k);
/* The slot's file changed: its own handles are someone else's now. */
void fz_own_forget(struct fz_own *own);
/* Record / pick a prefix that was used, so that later calls hit it. */
void fz_addr_seen(const struct rtm_net_address *a);
bool fz_addr_pick(struct fz_thread *t, struct rtm_net_address *a);

/* ------------------------------------------------------------------ */
/* Tally and checks                                                    */
/* ------------------------------------------------------------------ */

enum fz_op {
	FZ_REGISTER,
	FZ_DEREGISTER,
	FZ_GET_ENTITIES,
	FZ_GET_ENTITY_INFO,
	FZ_REFERENCE,
	FZ_RELEASE,
	FZ_ADD_NEXTHOP,
	FZ_FIND_NEXTHOP,
	FZ_DELETE_NEXTHOP,
	FZ_GET_NEXTHOP_INFO,
	FZ_ADD_ROUTE,
	FZ_DELETE_ROUTE,
	FZ_GET_ROUTE_INFO,
	FZ_GET_DEST,
	FZ_GET_EXACT_ROUTE,
	FZ_HOLD_DEST,
	FZ_ADD_ROUTES,
	FZ_DELETE_ROUTES,
	FZ_LOOKUP,
	FZ_ENUM_CREATE,
	FZ_ENUM_GET,
	FZ_ENUM_DELETE,
	FZ_LIST_CREATE,
	FZ_LIST_INSERT,
	FZ_LIST_DELETE,
	FZ_NOTIFY_REGISTER,
	FZ_NOTIFY_GET,
	FZ_NOTIFY_DEST,
	FZ_NOTIFY_DEREGISTER,
	FZ_LOCK,
	FZ_DUMP,
	FZ_METHOD_GET,
	FZ_METHOD_INVOKE,
	FZ_METHOD_CTL,
	FZ_PREFERENCE,
	FZ_NR_IOCTLS,		/* the ioctls above must all be reached */
	FZ_BAD_CMD = FZ_NR_IOCTLS,	/* numbers rtm does not have */
	FZ_READ,		/* read() of events */
	FZ_POLL,		/* poll() of the queue */
	FZ_NR_OPS,
};

struct fz_ioctl_desc {
	const char *name;
	unsigned long cmd;
	uint32_t size;		/* sizeof the structure */
	uint32_t ver0;		/* RTM_*_SIZE_VER0 */
};

extern const struct fz_ioctl_desc fz_ioctls[FZ_NR_IOCTLS];
const char *fz_op_name(enum fz_op op);

#define FZ_NERRNO	136	/* errno buckets; the last is "other" */

struct fz_tally {
	uint64_t calls[FZ_NR_OPS][FZ_NERRNO];
	uint64_t violations;
	uint32_t nlog;
	char log[16][160];
	uint64_t children, killed, netns_children, unpriv_children;
	uint64_t reopens, dups, events[8];
};

extern struct fz_tally *fz_tally;

void fz_tally_init(void *shared);
size_t fz_tally_size(void);
/* Count a call of @op that returned @ret (0 or -errno). */
void fz_count_call(enum fz_op op, int ret);
/* Whether the ABI allows -@err from @op. */
bool fz_errno_allowed(enum fz_op op, int err);
/* A failed check: counted, and the first ones logged. */
void fz_violation(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* The table of calls per ioctl and errno, as TAP comments. */
void fz_report(FILE *out);
/*
 * Ioctls of @ops (bits of enum fz_op) never called, or never successful:
 * counts them, names them on @out.
 */
unsigned int fz_uncovered(FILE *out, uint64_t ops);

/* ------------------------------------------------------------------ */
/* Calls                                                               */
/* ------------------------------------------------------------------ */

/*
 * Issue ioctl @op on @fd with the structure @arg (sizeof == the ioctl's
 * size, its first field the size): the size field and placement are
 * chosen here, the answer copied back into @arg when the call could write
 * it, the result counted and checked.  0 or -errno.
 */
int fz_ioctl(struct fz_thread *t, int fd, enum fz_op op, void *arg);
/* The same with the exact size and good memory: for the event answers. */
int fz_ioctl_plain(struct fz_thread *t, int fd, enum fz_op op, void *arg);
/* An ioctl number rtm does not have: must fail with ENOTTY. */
void fz_bad_cmd(struct fz_thread *t, int fd);

/* One random ioctl of uapi/linux/rtm.h on the thread's slot. */
void fz_random_op(struct fz_thread *t);
/* One ioctl: @op with generated arguments. */
void fz_op(struct fz_thread *t, enum fz_op op);
/* The same, with every argument well-formed (@valid) or not. */
void fz_op_valid(struct fz_thread *t, enum fz_op op, bool valid);
/*
 * Take changed dests of the subscription @sub on @fd and release them, as
 * a subscriber does (@plain: with a well-formed request).
 */
void fz_notify_get(struct fz_thread *t, int fd, uint64_t sub, bool plain);

/* ------------------------------------------------------------------ */
/* Slots and actors                                                    */
/* ------------------------------------------------------------------ */

/* A /dev/rtm fd several threads work on, and what it registered. */
struct fz_slot {
	int fd;			/* read and written atomically */
	uint64_t entity;	/* own entity handle, or 0 */
	uint16_t instance;
	uint16_t family;
	uint32_t reg_flags;
	uint32_t num_methods;
	bool used;		/* registered once: needs a new file */
	/*
	 * Opened in a second network namespace, which goes away with its
	 * process: hold-downs longer than the run are made only there.
	 */
	bool other_ns;
	struct fz_own own;
};

/* The fd of the slot now. */
int fz_slot_fd(const struct fz_slot *s);

/*
 * Wait up to @timeout_ms for events on the slot's fd, read them and answer
 * them as an entity does.
 */
void fz_drain_events(struct fz_thread *t, struct fz_slot *s, int timeout_ms);

struct fz_config {
	uint64_t seed;
	unsigned int seconds;
	unsigned int slots;		/* fds of the main process */
	unsigned int threads_per_slot;
	unsigned int max_instances;	/* the module's, for instance ids */
	bool netns;			/* children in a second namespace */
	bool children;			/* children killed mid-call */
	uint64_t ops;			/* bit per enum fz_op: the ops to make */
	FILE *log;			/* progress and the report */
};

/*
 * Map the memory the run's processes share (the tally and the handle
 * pool), so that the caller can fork the run off and still read the
 * tally when the run's process is gone.  0 or -1.
 */
int fz_setup(void);

/*
 * Run the fuzzer (after fz_setup()): returns when every thread has
 * stopped, every child is reaped and every fd is closed.  0, or -1 when
 * it could not start or a thread did not stop (a hang).
 */
int fz_run(const struct fz_config *cfg);

/* Shared by actors.c and ops.c: the run's configuration. */
extern const struct fz_config *fz_cfg;
/* Set when the run is over: every loop checks it. */
bool fz_stopping(void);

#endif /* RTM_FUZZ_H */
