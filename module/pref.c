// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: default preferences by protocol (RTM_IOC_PREFERENCE).
 *
 * RTMv2 ranks the routes of a dest by PrefInfo.Preference, then by
 * PrefInfo.Metric.  A protocol that leaves the preference at 0 would rank
 * on its metric alone against every other protocol's, comparing RIP hop
 * counts with OSPF costs.  So a route that comes with preference 0 gets
 * the default preference of its owner's protocol (EntityProtocolId, the
 * whole 32-bit PROTOCOL_ID: a vendor's protocol 8 is not RIP), looked up
 * when the route is added or updated.  A protocol without a default keeps
 * 0.  The table is per network namespace, shared by every RTM instance
 * and address family of the namespace, as the administrative distances of
 * a router are; administrators change it at run time.
 *
 * A namespace starts with the built-in table below.  The first change
 * makes a copy, which changes replace whole under RCU, so the add paths
 * read it without a lock; a reset to the built-ins drops the copy.
 */

#include <linux/bsearch.h>
#include <linux/capability.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>

#include "rtm.h"

struct rtm_pref {
	u32 proto;
	u32 pref;
};

/* A namespace's table: protocols with a default, ascending, pref != 0. */
struct rtm_prefs {
	struct rcu_head rcu;
	unsigned int n;
	struct rtm_pref e[];
};

/*
 * The built-in defaults, ascending by protocol id, in the spirit of a
 * router's administrative distances and of the preference levels Windows
 * routers give their protocols: what the router itself knows first, then
 * what an administrator configured, then the routing protocols, the
 * interior ones by how much they know of the topology.  BGP is one
 * protocol id for external and internal peers: it gets the external
 * distance, and an iBGP speaker sets its own preference.
 */
static const struct rtm_pref rtm_pref_builtin[] = {
	{ 2,		1 },	/* PROTO_IP_LOCAL: connected */
	{ 3,		10 },	/* PROTO_IP_NETMGMT: set through management */
	{ 5,		140 },	/* PROTO_IP_EGP */
	{ 8,		120 },	/* PROTO_IP_RIP */
	{ 9,		115 },	/* PROTO_IP_IS_IS */
	{ 13,		110 },	/* PROTO_IP_OSPF */
	{ 14,		20 },	/* PROTO_IP_BGP */
	{ 10002,	7 },	/* PROTO_IP_NT_AUTOSTATIC */
	{ 10006,	3 },	/* PROTO_IP_NT_STATIC */
	{ 10007,	5 },	/* PROTO_IP_NT_STATIC_NON_DOD */
};

#define RTM_PREF_NBUILTIN	ARRAY_SIZE(rtm_pref_builtin)

static int rtm_pref_cmp(const void *key, const void *elt)
{
	u32 proto = *(const u32 *)key;
	const struct rtm_pref *p = elt;

	if (proto < p->proto)
		return -1;
	return proto > p->proto;
}

static const struct rtm_pref *rtm_pref_find(const struct rtm_pref *e,
					    unsigned int n, u32 proto)
{
	return bsearch(&proto, e, n, sizeof(*e), rtm_pref_cmp);
}

static u32 rtm_pref_builtin_of(u32 proto)
{
	const struct rtm_pref *p = rtm_pref_find(rtm_pref_builtin,
						 RTM_PREF_NBUILTIN, proto);

	return p ? p->pref : 0;
}

/**
 * rtm_pref_default - the preference a route of a protocol gets for 0
 * @rn: the namespace
 * @proto: the route owner's EntityProtocolId
 *
 * Return: the default, or 0 when the protocol has none.
 */
u32 rtm_pref_default(struct rtm_net *rn, u32 proto)
{
	const struct rtm_prefs *t;
	const struct rtm_pref *p;
	u32 pref;

	rcu_read_lock();
	t = rcu_dereference(rn->prefs);
	if (t)
		p = rtm_pref_find(t->e, t->n, proto);
	else
		p = rtm_pref_find(rtm_pref_builtin, RTM_PREF_NBUILTIN, proto);
	pref = p ? p->pref : 0;
	rcu_read_unlock();
	return pref;
}

void rtm_prefs_init(struct rtm_net *rn)
{
	mutex_init(&rn->pref_lock);
	RCU_INIT_POINTER(rn->prefs, NULL);
}

void rtm_prefs_exit(struct rtm_net *rn)
{
	/* No file of the namespace is left, so no reader either. */
	kfree(rcu_dereference_protected(rn->prefs, true));
	RCU_INIT_POINTER(rn->prefs, NULL);
	mutex_destroy(&rn->pref_lock);
}

/* The namespace's table, the built-in one standing in before any change. */
static const struct rtm_pref *rtm_prefs_locked(struct rtm_net *rn,
					       unsigned int *n)
{
	const struct rtm_prefs *t;

	t = rcu_dereference_protected(rn->prefs,
				      lockdep_is_held(&rn->pref_lock));
	if (!t) {
		*n = RTM_PREF_NBUILTIN;
		return rtm_pref_builtin;
	}
	*n = t->n;
	return t->e;
}

/*
 * Give @proto the default @pref (0: none) in a copy of the table, which
 * replaces it; under pref_lock.
 */
static int rtm_pref_store(struct rtm_net *rn, u32 proto, u32 pref)
{
	const struct rtm_pref *old, *found;
	struct rtm_prefs *t, *prev;
	unsigned int n, i, j;
	bool placed = false;

	old = rtm_prefs_locked(rn, &n);
	found = rtm_pref_find(old, n, proto);
	if (found && found->pref == pref)
		return 0;
	if (!found && !pref)
		return 0;
	if (!found && n >= RTM_MAX_PREFS)
		return -EDQUOT;

	t = kmalloc(struct_size(t, e, n + 1), RTM_GFP);
	if (!t)
		return -ENOMEM;
	for (i = 0, j = 0; i < n; i++) {
		if (pref && !placed && old[i].proto > proto) {
			t->e[j].proto = proto;
			t->e[j++].pref = pref;
			placed = true;
		}
		if (old[i].proto != proto)
			t->e[j++] = old[i];
	}
	if (pref && !placed) {
		t->e[j].proto = proto;
		t->e[j++].pref = pref;
	}
	t->n = j;

	prev = rcu_dereference_protected(rn->prefs,
					 lockdep_is_held(&rn->pref_lock));
	rcu_assign_pointer(rn->prefs, t);
	if (prev)
		kfree_rcu(prev, rcu);
	return 0;
}

/* Back to the built-in table: whole, or for one protocol. */
static int rtm_pref_reset(struct rtm_net *rn, u32 flags, u32 proto)
{
	struct rtm_prefs *prev;

	if (!(flags & RTM_PREF_ALL))
		return rtm_pref_store(rn, proto, rtm_pref_builtin_of(proto));
	prev = rcu_dereference_protected(rn->prefs,
					 lockdep_is_held(&rn->pref_lock));
	RCU_INIT_POINTER(rn->prefs, NULL);
	if (prev)
		kfree_rcu(prev, rcu);
	return 0;
}

static void rtm_pref_entry(struct rtm_pref_entry *out, u32 proto, u32 pref)
{
	out->protocol_id = proto;
	out->preference = pref;
	out->flags = pref != rtm_pref_builtin_of(proto) ? RTM_PREF_CHANGED : 0;
	out->reserved = 0;
}

/*
 * Every protocol of the table, and those of the built-in table whose
 * default was taken away (preference 0), ascending; at most @room into
 * @out (which may be NULL when @room is 0).  Return: how many there are.
 */
static u32 rtm_pref_list_locked(struct rtm_net *rn, struct rtm_pref_entry *out,
				u32 room)
{
	const struct rtm_pref *e, *b = rtm_pref_builtin;
	unsigned int n, i = 0, j = 0;
	u32 total = 0;

	e = rtm_prefs_locked(rn, &n);
	while (i < n || j < RTM_PREF_NBUILTIN) {
		u32 proto, pref;

		if (j >= RTM_PREF_NBUILTIN ||
		    (i < n && e[i].proto <= b[j].proto)) {
			proto = e[i].proto;
			pref = e[i++].pref;
			if (j < RTM_PREF_NBUILTIN && b[j].proto == proto)
				j++;
		} else {
			proto = b[j++].proto;
			pref = 0;
		}
		if (total < room)
			rtm_pref_entry(&out[total], proto, pref);
		total++;
	}
	return total;
}

static int rtm_pref_list(struct rtm_net *rn, struct rtm_preference *arg)
{
	struct rtm_pref_entry *buf = NULL;
	u32 room = min_t(u32, arg->count, RTM_MAX_PREFS + RTM_PREF_NBUILTIN);
	u32 total;
	int err = 0;

	if (room && !arg->entries)
		return -EINVAL;
	if (room) {
		buf = kvmalloc_array(room, sizeof(*buf), RTM_GFP);
		if (!buf)
			return -ENOMEM;
	}
	mutex_lock(&rn->pref_lock);
	total = rtm_pref_list_locked(rn, buf, room);
	mutex_unlock(&rn->pref_lock);

	/* Copied out after the lock: a faulting buffer stalls nobody else. */
	arg->total = total;
	arg->count = min(room, total);
	if (arg->count && copy_to_user(u64_to_user_ptr(arg->entries), buf,
				       arg->count * sizeof(*buf)))
		err = -EFAULT;
	else if (total > arg->count)
		err = -ENOSPC;
	kvfree(buf);
	return err;
}

/* RTM_IOC_PREFERENCE */
int rtm_pref_ioctl(struct rtm_reg *reg, void *data)
{
	struct rtm_preference *arg = data;
	struct rtm_net *rn = reg->rn;
	u32 proto = arg->entry.protocol_id;
	int err = 0;

	if (arg->reserved || arg->entry.reserved)
		return -EINVAL;
	if (arg->flags & ~(arg->op == RTM_PREF_RESET ? RTM_PREF_ALL : 0))
		return -EINVAL;

	switch (arg->op) {
	case RTM_PREF_GET:
		rtm_pref_entry(&arg->entry, proto, rtm_pref_default(rn, proto));
		return 0;
	case RTM_PREF_LIST:
		return rtm_pref_list(rn, arg);
	case RTM_PREF_SET:
	case RTM_PREF_RESET:
		break;
	default:
		return -EINVAL;
	}

	/* The namespace's administrator, as for its other routing tables. */
	if (!ns_capable(reg->net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	mutex_lock(&rn->pref_lock);
	if (arg->op == RTM_PREF_SET)
		err = rtm_pref_store(rn, proto, arg->entry.preference);
	else
		err = rtm_pref_reset(rn, arg->flags, proto);
	mutex_unlock(&rn->pref_lock);
	if (!err && !(arg->flags & RTM_PREF_ALL))
		rtm_pref_entry(&arg->entry, proto, rtm_pref_default(rn, proto));
	return err;
}
