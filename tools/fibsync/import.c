// SPDX-License-Identifier: GPL-2.0
/*
 * rtm-fibsync's import side: the routes the kernel has of its own, made
 * known to rtm so that protocols can redistribute them, as a router
 * manager registers its connected and static routes.
 *
 *  - Connected routes (PROTO_IP_LOCAL): the prefix of each address of an
 *    interface that is up, through that interface (a next hop of address
 *    0).  Host prefixes (/32, /128), IPv6 link-local prefixes, addresses
 *    of loopback devices, addresses without a prefix route
 *    (noprefixroute) and IPv6 addresses whose DAD failed are left out.  A
 *    prefix on several interfaces is one route through each of them.
 *  - Static routes (PROTO_IP_NT_STATIC): the unicast routes of the synced
 *    table whose protocol is boot or static (ip route add, or at boot),
 *    through their gateways and devices, every next hop of a multipath
 *    route; of several such routes to one prefix, the one of the lowest
 *    metric, which the kernel uses.
 *
 * Each kind has an entity of its own per family.  import_sync() reads the
 * kernel's side in full (a dump) and compares it with what the entity has
 * in rtm: what is missing or changed is added, what is gone is deleted.
 * The routes added here are never written back into the FIB: the export
 * side asks import_owns() and leaves those prefixes to the kernel.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_addr.h>

#include "rtm_bulk.h"
#include "fibsync.h"
#include "import.h"

#define IMPORT_MAX_NH	32	/* next hops of one imported route */

struct import_nh {
	uint8_t addr[16];	/* all zero: on the link */
	int ifindex;
};

struct import_route {
	uint8_t addr[16];
	uint8_t len;
	bool failed;		/* rtm refused it: not in rtm */
	uint32_t metric;
	unsigned int nnh;
	struct import_nh nh[IMPORT_MAX_NH];
};

/* A next hop of an entity, held, and whether a route uses it. */
struct import_nh_held {
	struct import_nh nh;
	RTM_NEXTHOP_HANDLE h;
	bool used;
};

/* Routes being collected from a dump. */
struct import_set {
	struct import_route *r;
	size_t n, cap;
};

static unsigned int bytes_of(int af)
{
	return af == AF_INET ? 4 : 16;
}

static struct import_route *set_add(struct import_set *s)
{
	s->r = room_for_one(s->r, s->n, &s->cap, sizeof(*s->r), 64);
	memset(&s->r[s->n], 0, sizeof(s->r[0]));
	return &s->r[s->n++];
}

static int prefix_cmp(const void *x, const void *y)
{
	const struct import_route *a = x, *b = y;
	int c = memcmp(a->addr, b->addr, sizeof(a->addr));

	return c ? c : (int)a->len - (int)b->len;
}

/* By prefix, then metric: the route the kernel uses first. */
static int route_cmp(const void *x, const void *y)
{
	const struct import_route *a = x, *b = y;
	int c = prefix_cmp(a, b);

	if (c)
		return c;
	return a->metric < b->metric ? -1 : a->metric > b->metric;
}

static int nh_cmp(const void *x, const void *y)
{
	const struct import_nh *a = x, *b = y;
	int c = memcmp(a->addr, b->addr, sizeof(a->addr));

	return c ? c : a->ifindex - b->ifindex;
}

static void nh_append(struct import_route *r, const struct import_nh *nh)
{
	unsigned int i;

	for (i = 0; i < r->nnh; i++)
		if (!nh_cmp(&r->nh[i], nh))
			return;
	if (r->nnh < IMPORT_MAX_NH)
		r->nh[r->nnh++] = *nh;
}

/*
 * One route per prefix: of the entries of a prefix, those of its lowest
 * metric, their next hops merged (IPv6 siblings, a prefix on several
 * interfaces); next hops sorted, so that routes compare.
 */
static void set_norm(struct import_set *s)
{
	size_t i, k = 0;
	unsigned int j;

	qsort(s->r, s->n, sizeof(s->r[0]), route_cmp);
	for (i = 0; i < s->n; i++) {
		struct import_route *r = &s->r[i];

		if (k && !prefix_cmp(&s->r[k - 1], r)) {
			if (s->r[k - 1].metric == r->metric)
				for (j = 0; j < r->nnh; j++)
					nh_append(&s->r[k - 1], &r->nh[j]);
			continue;
		}
		if (k != i)
			s->r[k] = *r;
		k++;
	}
	s->n = k;
	for (i = 0; i < s->n; i++)
		qsort(s->r[i].nh, s->r[i].nnh, sizeof(s->r[i].nh[0]), nh_cmp);
}

/* Zero the bits of @addr past the prefix length @len. */
static void prefix_mask(uint8_t *addr, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < 16; i++, len = len > 8 ? len - 8 : 0)
		addr[i] &= len >= 8 ? 0xff : (uint8_t)(0xff00 >> len);
}

/* ------------------------------------------------------------------ */
/* The kernel's side                                                    */
/* ------------------------------------------------------------------ */

struct links {
	struct link {
		int ifindex;
		unsigned int flags;
	} *l;
	size_t n, cap;
};

static void link_one(const struct nlmsghdr *h, void *arg)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	struct links *ls = arg;

	if (h->nlmsg_type != RTM_NEWLINK)
		return;
	ls->l = room_for_one(ls->l, ls->n, &ls->cap, sizeof(*ls->l), 16);
	ls->l[ls->n].ifindex = ifi->ifi_index;
	ls->l[ls->n++].flags = ifi->ifi_flags;
}

static unsigned int link_flags(const struct links *ls, int ifindex)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		if (ls->l[i].ifindex == ifindex)
			return ls->l[i].flags;
	return 0;
}

struct addr_ctx {
	const struct import *im;
	const struct links *links;
	struct import_set *set;
};

/* An address: its prefix as a connected route, if it makes one. */
static void addr_one(const struct nlmsghdr *h, void *arg)
{
	struct addr_ctx *c = arg;
	struct ifaddrmsg *ifa = NLMSG_DATA(h);
	unsigned int bytes = bytes_of(c->im->af), flags, lflags;
	struct rtattr *tb[IFA_MAX + 1];
	struct import_route *r;
	const uint8_t *a;

	if (h->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != c->im->af)
		return;
	rtnl_attrs(IFA_RTA(ifa), IFA_PAYLOAD(h), tb, IFA_MAX);
	flags = tb[IFA_FLAGS] ? *(uint32_t *)RTA_DATA(tb[IFA_FLAGS]) :
				ifa->ifa_flags;
	lflags = link_flags(c->links, ifa->ifa_index);
	if (!(lflags & IFF_UP) || lflags & IFF_LOOPBACK)
		return;
	if (flags & (IFA_F_NOPREFIXROUTE | IFA_F_DADFAILED) ||
	    ifa->ifa_prefixlen >= bytes * 8)
		return;
	/* IFA_ADDRESS is the peer's of a point-to-point link: its prefix. */
	if (tb[IFA_ADDRESS])
		a = RTA_DATA(tb[IFA_ADDRESS]);
	else if (tb[IFA_LOCAL])
		a = RTA_DATA(tb[IFA_LOCAL]);
	else
		return;
	if (c->im->af == AF_INET6 && a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return;		/* fe80::/10: every link has it */
	r = set_add(c->set);
	memcpy(r->addr, a, bytes);
	prefix_mask(r->addr, ifa->ifa_prefixlen);
	r->len = ifa->ifa_prefixlen;
	r->nnh = 1;
	r->nh[0].ifindex = ifa->ifa_index;
}

/* A route of the FIB: one of the static ones of our table, or not. */
static void static_one(const struct rtmsg *rtm, struct rtattr *const *tb,
		       void *arg)
{
	struct addr_ctx *c = arg;
	unsigned int bytes = bytes_of(c->im->af);
	uint32_t table = tb[RTA_TABLE] ? *(uint32_t *)RTA_DATA(tb[RTA_TABLE]) :
					 rtm->rtm_table;
	struct import_route *r;
	struct import_nh nh;

	if (rtm->rtm_family != c->im->af || table != c->im->table ||
	    !IMPORT_IS_STATIC(rtm->rtm_protocol) ||
	    rtm->rtm_type != RTN_UNICAST || rtm->rtm_flags & RTM_F_CLONED)
		return;
	r = set_add(c->set);
	if (tb[RTA_DST])
		memcpy(r->addr, RTA_DATA(tb[RTA_DST]), bytes);
	r->len = rtm->rtm_dst_len;
	r->metric = tb[RTA_PRIORITY] ? *(uint32_t *)RTA_DATA(tb[RTA_PRIORITY]) :
				       0;
	if (tb[RTA_MULTIPATH]) {
		struct rtnexthop *rtnh = RTA_DATA(tb[RTA_MULTIPATH]);
		int left = RTA_PAYLOAD(tb[RTA_MULTIPATH]);

		for (; RTNH_OK(rtnh, left);
		     left -= RTNH_ALIGN(rtnh->rtnh_len),
		     rtnh = RTNH_NEXT(rtnh)) {
			struct rtattr *ntb[RTA_MAX + 1];

			if (rtnh->rtnh_flags & RTNH_F_DEAD)
				continue;
			rtnl_attrs(RTNH_DATA(rtnh),
				   rtnh->rtnh_len - sizeof(*rtnh), ntb,
				   RTA_MAX);
			memset(&nh, 0, sizeof(nh));
			/* A gateway of another family (RTA_VIA) is not ours. */
			if (ntb[RTA_VIA])
				continue;
			if (ntb[RTA_GATEWAY])
				memcpy(nh.addr, RTA_DATA(ntb[RTA_GATEWAY]),
				       bytes);
			nh.ifindex = rtnh->rtnh_ifindex;
			nh_append(r, &nh);
		}
	} else if (!tb[RTA_VIA] && (tb[RTA_GATEWAY] || tb[RTA_OIF])) {
		memset(&nh, 0, sizeof(nh));
		if (tb[RTA_GATEWAY])
			memcpy(nh.addr, RTA_DATA(tb[RTA_GATEWAY]), bytes);
		if (tb[RTA_OIF])
			nh.ifindex = *(int *)RTA_DATA(tb[RTA_OIF]);
		nh_append(r, &nh);
	}
	if (!r->nnh)
		c->set->n--;	/* nowhere to go: not a route to import */
}

/* ------------------------------------------------------------------ */
/* rtm's side                                                           */
/* ------------------------------------------------------------------ */

static const char *route_str(const struct import *im,
			     const struct import_route *r, char *buf,
			     size_t size)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(im->af, r->addr, a, sizeof(a));
	snprintf(buf, size, "%s/%u", a, r->len);
	return buf;
}

/* A held handle of the next hop @nh of @k's entity, added if new. */
static RTM_NEXTHOP_HANDLE nh_get(const struct import *im,
				 struct import_kind *k,
				 const struct import_nh *nh)
{
	RTM_NEXTHOP_CHANGE_FLAGS flags = 0;
	RTM_NEXTHOP_HANDLE h = NULL;
	RTM_NEXTHOP_INFO info;
	size_t i;
	DWORD st;

	for (i = 0; i < k->nnhs; i++)
		if (!nh_cmp(&k->nhs[i].nh, nh)) {
			k->nhs[i].used = true;
			return k->nhs[i].h;
		}
	memset(&info, 0, sizeof(info));
	info.NextHopAddress.AddressFamily = im->af;
	info.NextHopAddress.NumBits = bytes_of(im->af) * 8;
	memcpy(info.NextHopAddress.AddrBits, nh->addr, bytes_of(im->af));
	info.InterfaceIndex = nh->ifindex;
	st = RtmAddNextHop(k->h, &info, &h, &flags);
	if (st != NO_ERROR) {
		fprintf(stderr, "rtm-fibsync: %s: %s: RtmAddNextHop: error %u\n",
			im->name, k->what, st);
		return NULL;
	}
	k->nhs = room_for_one(k->nhs, k->nnhs, &k->cnhs, sizeof(*k->nhs), 16);
	k->nhs[k->nnhs].nh = *nh;
	k->nhs[k->nnhs].h = h;
	k->nhs[k->nnhs++].used = true;
	return h;
}

/* Delete the next hops no route of @k uses any more. */
static void nh_collect(struct import_kind *k)
{
	size_t i, j, n = 0;
	unsigned int m;

	for (j = 0; j < k->nnhs; j++)
		k->nhs[j].used = false;
	for (i = 0; i < k->nhave; i++)
		for (m = 0; m < k->have[i].nnh; m++)
			for (j = 0; j < k->nnhs; j++)
				if (!nh_cmp(&k->nhs[j].nh, &k->have[i].nh[m]))
					k->nhs[j].used = true;
	for (j = 0; j < k->nnhs; j++) {
		if (k->nhs[j].used) {
			k->nhs[n++] = k->nhs[j];
			continue;
		}
		/* Consumes the handle. */
		RtmDeleteNextHop(k->h, k->nhs[j].h, NULL);
	}
	k->nnhs = n;
}

static void entry_of(const struct import *im, const struct import_route *r,
		     struct rtm_route_entry *e)
{
	RTM_NET_ADDRESS d;

	memset(&d, 0, sizeof(d));
	d.AddressFamily = im->af;
	d.NumBits = r->len;
	memcpy(d.AddrBits, r->addr, bytes_of(im->af));
	memset(e, 0, sizeof(*e));
	memcpy(&e->dest, &d, sizeof(e->dest));
	e->metric = r->metric;
	/* 0: the administrator's default preference of the protocol. */
	e->preference = 0;
	e->views = RTM_VIEW_MASK_UCAST;
}

/*
 * Add (@del false) or delete the @n routes @e of @k, those rtm refuses
 * skipped, logged and counted; @of[i] is the route of @e[i], marked
 * failed when an add of it is refused.
 */
static void kind_apply(const struct import *im, struct import_kind *k,
		       const struct rtm_route_entry *e,
		       struct import_route *const *of, size_t n,
		       const RTM_NEXTHOP_HANDLE *nhs, size_t nnhs, bool del)
{
	size_t off = 0, done;
	char b[INET6_ADDRSTRLEN + 8];
	DWORD st;

	while (off < n) {
		done = 0;
		st = del ? rtm_bulk_delete_routes(k->h, e + off, n - off,
						  &done) :
			   rtm_bulk_add_routes(k->h, e + off, n - off, nhs,
					       nnhs, &done);
		if (st == NO_ERROR)
			return;
		if (off + done >= n)
			return;
		k->failed++;
		if (!del)
			of[off + done]->failed = true;
		fprintf(stderr, "rtm-fibsync: %s: %s route %s: %s refused: error %u\n",
			im->name, k->what,
			route_str(im, of[off + done], b, sizeof(b)),
			del ? "delete" : "add", st);
		off += done + 1;
	}
}

/*
 * Bring the routes of @k in rtm in line with @want (normalised): add the
 * new and the changed, delete the gone; @want becomes what @k has.
 */
static void kind_sync(const struct import *im, struct import_kind *k,
		      struct import_set *want)
{
	struct rtm_route_entry *add, *del;
	struct import_route **add_of, **del_of;
	RTM_NEXTHOP_HANDLE *nhs;
	size_t i = 0, j = 0, nadd = 0, ndel = 0, nnhs = 0, total = 0, n;
	char b[INET6_ADDRSTRLEN + 8];
	unsigned int m, max = k->profile.MaxNextHopsInRoute;

	for (j = 0; j < want->n; j++) {
		if (max && want->r[j].nnh > max) {
			fprintf(stderr, "rtm-fibsync: %s: %s route %s: %u next hops, rtm takes %u: the first go in\n",
				im->name, k->what,
				route_str(im, &want->r[j], b, sizeof(b)),
				want->r[j].nnh, max);
			want->r[j].nnh = max;
		}
		total += want->r[j].nnh;
	}
	add = calloc(want->n + 1, sizeof(*add));
	add_of = calloc(want->n + 1, sizeof(*add_of));
	del = calloc(k->nhave + 1, sizeof(*del));
	del_of = calloc(k->nhave + 1, sizeof(*del_of));
	nhs = calloc(total + 1, sizeof(*nhs));
	if (!add || !add_of || !del || !del_of || !nhs)
		die("out of memory");

	for (i = 0, j = 0; i < k->nhave || j < want->n;) {
		struct import_route *h = i < k->nhave ? &k->have[i] : NULL;
		struct import_route *w = j < want->n ? &want->r[j] : NULL;
		int c = !h ? 1 : !w ? -1 : prefix_cmp(h, w);

		if (c < 0) {		/* gone */
			entry_of(im, h, &del[ndel]);
			del_of[ndel++] = h;
			say("%s: %s route %s withdrawn", im->name, k->what,
			    route_str(im, h, b, sizeof(b)));
			k->withdrawn++;
			i++;
			continue;
		}
		if (!c && h->metric == w->metric && h->nnh == w->nnh &&
		    !memcmp(h->nh, w->nh, h->nnh * sizeof(h->nh[0]))) {
			i++;		/* as it was */
			j++;
			continue;
		}
		/* New or changed: an add updates the route in place. */
		entry_of(im, w, &add[nadd]);
		add[nadd].nexthop_first = nnhs;
		for (m = 0; m < w->nnh; m++) {
			RTM_NEXTHOP_HANDLE nh = nh_get(im, k, &w->nh[m]);

			if (nh)
				nhs[nnhs++] = nh;
			else
				w->failed = true;	/* tried again */
		}
		add[nadd].nexthop_count = nnhs - add[nadd].nexthop_first;
		add_of[nadd++] = w;
		say("%s: %s route %s %s, metric %u, %u next hops", im->name,
		    k->what, route_str(im, w, b, sizeof(b)),
		    c ? "imported" : "changed", w->metric, w->nnh);
		if (c)
			k->added++;
		else
			k->changed++;
		i += !c;
		j++;
	}
	kind_apply(im, k, del, del_of, ndel, NULL, 0, true);
	kind_apply(im, k, add, add_of, nadd, nhs, nnhs, false);

	/* What rtm has now: what it took of @want. */
	for (j = 0, n = 0; j < want->n; j++)
		if (!want->r[j].failed)
			want->r[n++] = want->r[j];
	free(k->have);
	k->have = want->r;
	k->nhave = n;
	want->r = NULL;
	want->n = want->cap = 0;
	nh_collect(k);
	free(add);
	free(add_of);
	free(del);
	free(del_of);
	free(nhs);
}

void import_sync(struct import *im, struct rtnl *nl, unsigned int what)
{
	struct import_set set = { 0 };
	struct links links = { 0 };
	struct addr_ctx c = { .im = im, .links = &links, .set = &set };
	int err;

	if (what & IMPORT_CONNECTED) {
		err = rtnl_dump(nl, RTM_GETLINK, AF_UNSPEC, link_one, &links);
		if (!err)
			err = rtnl_dump(nl, RTM_GETADDR, im->af, addr_one, &c);
		if (err)
			die("%s: link and address dump: %s", im->name,
			    strerror(-err));
		set_norm(&set);
		kind_sync(im, &im->kind[0], &set);
	}
	if (what & IMPORT_STATIC) {
		set.n = 0;
		err = rtnl_route_dump(nl, im->af, static_one, &c);
		if (err)
			die("%s: route dump: %s", im->name, strerror(-err));
		set_norm(&set);
		kind_sync(im, &im->kind[1], &set);
	}
	free(set.r);
	free(links.l);
}

bool import_owns(const struct import *im, uint32_t protocol,
		 const uint8_t *addr, uint8_t len)
{
	const struct import_kind *k;
	struct import_route key;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		k = &im->kind[i];
		if (!k->h || k->protocol != protocol)
			continue;
		memset(&key, 0, sizeof(key));
		memcpy(key.addr, addr, bytes_of(im->af));
		key.len = len;
		if (bsearch(&key, k->have, k->nhave, sizeof(k->have[0]),
			    prefix_cmp))
			return true;
	}
	return false;
}

void import_say_counts(const struct import *im)
{
	const struct import_kind *c = &im->kind[0], *s = &im->kind[1];

	say("%s: import: %zu connected (%lu imported, %lu changed, %lu withdrawn, %lu refused), %zu static (%lu imported, %lu changed, %lu withdrawn, %lu refused)",
	    im->name, c->nhave, c->added, c->changed, c->withdrawn, c->failed,
	    s->nhave, s->added, s->changed, s->withdrawn, s->failed);
}

void import_open(struct import *im, int af, const char *name,
		 unsigned int instance, unsigned int table)
{
	static const struct {
		const char *what;
		ULONG protocol;
	} kinds[2] = {
		{ "connected", PROTO_IP_LOCAL },
		{ "static", PROTO_IP_NT_STATIC },
	};
	unsigned int i;

	memset(im, 0, sizeof(*im));
	im->af = af;
	im->name = name;
	im->table = table;
	for (i = 0; i < 2; i++) {
		struct import_kind *k = &im->kind[i];
		RTM_ENTITY_INFO info = {
			.RtmInstanceId = instance,
			.AddressFamily = af,
			.EntityId.EntityProtocolId = kinds[i].protocol,
			.EntityId.EntityInstanceId = table,
		};
		DWORD st;

		k->what = kinds[i].what;
		k->protocol = kinds[i].protocol;
		st = RtmRegisterEntity(&info, NULL, NULL, FALSE, &k->profile,
				       &k->h);
		if (st != NO_ERROR)
			die("%s: RtmRegisterEntity of the %s routes: error %u",
			    name, k->what, st);
	}
}

void import_close(struct import *im)
{
	struct import_set none = { 0 };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct import_kind *k = &im->kind[i];

		if (!k->h)
			continue;
		kind_sync(im, k, &none);
		free(k->have);
		free(k->nhs);
		RtmDeregisterEntity(k->h);
		k->h = NULL;
	}
}
