// SPDX-License-Identifier: GPL-2.0
/*
 * The rtm side, through librtm: one BGP entity per family with one next
 * hop (the gateway the FIB routes use), routes loaded and withdrawn with
 * rtm_bulk_add_routes()/rtm_bulk_delete_routes(), forwarding lookups with
 * rtm_bulk_lookup(), the whole table enumerated with RtmCreateDestEnum,
 * RtmGetEnumDests and RtmReleaseDests, and a change subscriber.
 *
 * The in-kernel lookup timing is no library call and no part of rtm.ko:
 * it is RTM_BENCH_IOC_LOOKUP of the test module rtm_bench.ko
 * (/dev/rtm_bench, which tools/vm/bench loads), asked for the table of the
 * loader's (instance, family) in this namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

#define BENCH_PROTOCOL	PROTO_IP_BGP
#define BENCH_PREF	20

static const uint8_t gw4[4] = { 192, 0, 2, 2 };
static const uint8_t gw6[16] = { 0xfe, 0x80, [15] = 2 };

static const char *win32(DWORD e)
{
	static char buf[32];

	switch (e) {
	case ERROR_INVALID_PARAMETER:	return "ERROR_INVALID_PARAMETER";
	case ERROR_INVALID_HANDLE:	return "ERROR_INVALID_HANDLE";
	case ERROR_NOT_ENOUGH_MEMORY:	return "ERROR_NOT_ENOUGH_MEMORY";
	case ERROR_NO_SYSTEM_RESOURCES:	return "ERROR_NO_SYSTEM_RESOURCES";
	case ERROR_NOT_FOUND:		return "ERROR_NOT_FOUND";
	case ERROR_FILE_NOT_FOUND:	return "ERROR_FILE_NOT_FOUND (rtm.ko not loaded?)";
	case ERROR_ACCESS_DENIED:	return "ERROR_ACCESS_DENIED";
	case ERROR_NOT_SUPPORTED:	return "ERROR_NOT_SUPPORTED";
	}
	snprintf(buf, sizeof(buf), "error %u", (unsigned int)e);
	return buf;
}

static int af_of(int fi)
{
	return fi ? AF_INET6 : AF_INET;
}

static DWORD register_entity(unsigned int rtm_instance, int af,
			     ULONG protocol, ULONG instance,
			     RTM_REGN_PROFILE *prof, RTM_ENTITY_HANDLE *reg)
{
	RTM_ENTITY_INFO info;

	memset(&info, 0, sizeof(info));
	info.RtmInstanceId = (USHORT)rtm_instance;
	info.AddressFamily = (USHORT)af;
	info.EntityId.EntityProtocolId = protocol;
	info.EntityId.EntityInstanceId = instance;
	return RtmRegisterEntity(&info, NULL, NULL, FALSE, prof, reg);
}

/* Entities of RTM instance @instance. */
void rb_open(struct rb_side *s, size_t batch, unsigned int instance)
{
	RTM_NEXTHOP_CHANGE_FLAGS change;
	RTM_NEXTHOP_INFO nhi;
	DWORD e;
	int fi;

	memset(s, 0, sizeof(*s));
	s->instance = instance;
	s->bench_fd = -1;
	s->batch = batch ? batch : 4096;
	s->ent = xcalloc(s->batch, sizeof(*s->ent));
	for (fi = 0; fi < NFAM; fi++) {
		int af = af_of(fi);

		e = register_entity(instance, af, BENCH_PROTOCOL, 1,
				    &s->prof[fi], &s->reg[fi]);
		if (e)
			die("RtmRegisterEntity: %s", win32(e));
		memset(&nhi, 0, sizeof(nhi));
		nhi.NextHopAddress.AddressFamily = (USHORT)af;
		nhi.NextHopAddress.NumBits = af == AF_INET ? 32 : 128;
		memcpy(nhi.NextHopAddress.AddrBits,
		       af == AF_INET ? gw4 : gw6, af == AF_INET ? 4 : 16);
		nhi.InterfaceIndex = BENCH_IFINDEX;
		e = RtmAddNextHop(s->reg[fi], &nhi, &s->nh[fi], &change);
		if (e)
			die("RtmAddNextHop: %s", win32(e));
	}
}

void rb_close(struct rb_side *s)
{
	int fi;

	for (fi = 0; fi < NFAM; fi++)
		RtmDeregisterEntity(s->reg[fi]);
	if (s->bench_fd >= 0)
		close(s->bench_fd);
	free(s->ent);
}

/* Fill the batch with routes to @p via the family's next hop. */
static void fill(struct rb_side *s, int fi, const struct family *f,
		 const struct prefix *p, size_t n, uint32_t metric)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct rtm_route_entry *e = &s->ent[i];

		memset(e, 0, sizeof(*e));
		e->dest.family = (__u16)f->af;
		e->dest.num_bits = p[i].len;
		memcpy(e->dest.addr, p[i].addr, f->alen);
		e->nexthop_count = 1;
		e->nexthop_first = 0;
		e->metric = metric;
		e->preference = BENCH_PREF;
		e->views = RTM_VIEW_MASK_UCAST;
		e->neighbour = (__u64)(uintptr_t)s->nh[fi];
	}
}

void rb_load(struct rb_side *s, const struct family *f, int fi,
	     const struct prefix *p, size_t n, uint32_t metric)
{
	size_t off, m, done;
	DWORD e;

	for (off = 0; off < n; off += m) {
		m = n - off < s->batch ? n - off : s->batch;
		fill(s, fi, f, p + off, m, metric);
		e = rtm_bulk_add_routes(s->reg[fi], s->ent, m, &s->nh[fi], 1,
					&done);
		if (e)
			die("rtm_bulk_add_routes: %s at %s route %zu",
			    win32(e), f->name, off + done);
	}
}

void rb_unload(struct rb_side *s, const struct family *f, int fi,
	       const struct prefix *p, size_t n)
{
	size_t off, m, done;
	DWORD e;

	for (off = 0; off < n; off += m) {
		m = n - off < s->batch ? n - off : s->batch;
		fill(s, fi, f, p + off, m, 0);
		e = rtm_bulk_delete_routes(s->reg[fi], s->ent, m, &done);
		if (e)
			die("rtm_bulk_delete_routes: %s at %s route %zu",
			    win32(e), f->name, off + done);
	}
}

size_t rb_lookup(struct rb_side *s, int fi, const struct trace *tr,
		 size_t batch)
{
	struct rtm_lookup_result *res = xcalloc(batch, sizeof(*res));
	size_t off, m, i, hits = 0;
	DWORD e;

	for (off = 0; off < tr->n; off += m) {
		m = tr->n - off < batch ? tr->n - off : batch;
		e = rtm_bulk_lookup(s->reg[fi], RTM_VIEW_ID_UCAST,
				    (const RTM_NET_ADDRESS *)(tr->a + off),
				    res, m);
		if (e)
			die("rtm_bulk_lookup: %s", win32(e));
		for (i = 0; i < m; i++)
			hits += res[i].num_bits != 0xffff;
	}
	free(res);
	return hits;
}

uint64_t rb_bench_lookup(struct rb_side *s, int fi, const struct trace *tr,
			 enum rtm_bench_target target, unsigned int loops,
			 uint32_t *hits)
{
	struct rtm_bench_lookup req;

	/* Opened on first use: a run that times nothing needs no module. */
	if (s->bench_fd < 0) {
		s->bench_fd = open("/dev/" RTM_BENCH_DEVICE_NAME,
				   O_RDWR | O_CLOEXEC);
		if (s->bench_fd < 0)
			die("/dev/%s: %s (rtm_bench.ko not loaded? "
			    "tools/vm/bench loads it)", RTM_BENCH_DEVICE_NAME,
			    strerror(errno));
	}
	memset(&req, 0, sizeof(req));
	req.instance = (__u16)s->instance;
	req.family = (__u16)af_of(fi);
	req.target = target;
	req.count = (__u32)(tr->n < RTM_MAX_BATCH ? tr->n : RTM_MAX_BATCH);
	req.loops = loops;
	req.addresses = (__u64)(uintptr_t)tr->a;
	if (ioctl(s->bench_fd, RTM_BENCH_IOC_LOOKUP, &req))
		die("RTM_BENCH_IOC_LOOKUP (%s): %s",
		    target == RTM_BENCH_RTM ? "rtm" : "fib", strerror(errno));
	if (hits)
		*hits = req.hits;
	return req.ns;
}

/* What the enumeration's reader computed, so that the reading stays. */
volatile unsigned int enum_sink;

size_t rb_enumerate(struct rb_side *s, int fi)
{
	size_t stride = RTM_SIZE_OF_DEST_INFO(1), count = 0;
	UINT max = s->prof[fi].MaxHandlesInEnum, num, i;
	unsigned int sum = 0;
	RTM_ENUM_HANDLE eh;
	char *buf;
	DWORD e;

	buf = xcalloc(max, stride);
	e = RtmCreateDestEnum(s->reg[fi], RTM_VIEW_MASK_UCAST, RTM_ENUM_START,
			      NULL, RTM_BEST_PROTOCOL, &eh);
	if (e)
		die("RtmCreateDestEnum: %s", win32(e));
	for (;;) {
		num = max;
		e = RtmGetEnumDests(s->reg[fi], eh, &num,
				    (PRTM_DEST_INFO)buf);
		if (e == ERROR_NO_MORE_ITEMS)
			break;
		if (e)
			die("RtmGetEnumDests: %s", win32(e));
		for (i = 0; i < num; i++) {
			const RTM_DEST_INFO *d =
				(const RTM_DEST_INFO *)(buf + i * stride);

			sum += d->DestAddress.AddrBits[0] +
			       d->DestAddress.NumBits;
		}
		count += num;
		e = RtmReleaseDests(s->reg[fi], num, (PRTM_DEST_INFO)buf);
		if (e)
			die("RtmReleaseDests: %s", win32(e));
	}
	RtmDeleteEnumHandle(s->reg[fi], eh);
	enum_sink = sum;
	free(buf);
	return count;
}

/* The same dests copied out by rtm_bulk_dump(), which takes no handle. */
size_t rb_dump(struct rb_side *s, int fi)
{
	const size_t room = 4096;
	struct rtm_dump_entry *ent = xcalloc(room, sizeof(*ent));
	RTM_NET_ADDRESS cursor;
	size_t count = 0, num, i;
	unsigned int sum = 0;
	DWORD e;

	memset(&cursor, 0, sizeof(cursor));
	do {
		num = room;
		e = rtm_bulk_dump(s->reg[fi], RTM_VIEW_ID_UCAST, &cursor, ent,
				  &num);
		if (e && e != ERROR_NO_MORE_ITEMS)
			die("rtm_bulk_dump: %s", win32(e));
		for (i = 0; i < num; i++)
			sum += ent[i].dest.addr[0] + ent[i].dest.num_bits;
		count += num;
	} while (!e);
	enum_sink = sum;
	free(ent);
	return count;
}

bool rb_sub_open(struct rb_sub *sub, const struct family *f)
{
	DWORD e;

	memset(sub, 0, sizeof(*sub));
	e = register_entity(0, f->af, PROTO_IP_OTHER, 2, &sub->prof,
			    &sub->reg);
	if (e)
		die("RtmRegisterEntity (subscriber): %s", win32(e));
	e = RtmRegisterForChangeNotification(sub->reg, RTM_VIEW_MASK_UCAST,
					     RTM_CHANGE_TYPE_ALL, NULL,
					     &sub->notify);
	if (e) {
		warnx("RtmRegisterForChangeNotification: %s", win32(e));
		RtmDeregisterEntity(sub->reg);
		return false;
	}
	return true;
}

size_t rb_sub_drain(struct rb_sub *sub)
{
	size_t stride = RTM_SIZE_OF_DEST_INFO(1), count = 0;
	UINT max = sub->prof.MaxHandlesInEnum, num;
	char *buf = xcalloc(max, stride);
	DWORD e;

	for (;;) {
		num = max;
		e = RtmGetChangedDests(sub->reg, sub->notify, &num,
				       (PRTM_DEST_INFO)buf);
		if (e == ERROR_NO_MORE_ITEMS || (!e && !num))
			break;
		if (e)
			die("RtmGetChangedDests: %s", win32(e));
		count += num;
		e = RtmReleaseChangedDests(sub->reg, sub->notify, num,
					   (PRTM_DEST_INFO)buf);
		if (e)
			die("RtmReleaseChangedDests: %s", win32(e));
	}
	free(buf);
	return count;
}

void rb_sub_close(struct rb_sub *sub)
{
	RtmDeregisterFromChangeNotification(sub->reg, sub->notify);
	RtmDeregisterEntity(sub->reg);
}
