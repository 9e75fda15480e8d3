// SPDX-License-Identifier: GPL-2.0
/*
 * monitor [dests] [entities] [view ucast|mcast|both] [all|best|forwarding]
 *
 * Prints changes as they happen, until SIGINT or SIGTERM:
 *  - dests: rtmctl's entity subscribes (RtmRegisterForChangeNotification)
 *    to changes of the given type (default all) in the given views; its
 *    callback drains the changed dests (RtmGetChangedDests, then
 *    RtmReleaseChangedDests) and prints each with, per view, its best
 *    route now (none once its last route went).  Changes to one dest that
 *    happen before it is drained show up once, as its latest state.
 *  - entities: the entity registered and deregistered events.
 * Both by default; in the IPv4 and IPv6 tables unless -4 or -6.  A line
 * on stderr says when the subscriptions are in place.  With -j, one JSON
 * object per line and change.
 *
 * The callbacks run on the library's dispatcher threads (one per
 * registration); one lock keeps their lines whole.
 */
#include <pthread.h>
#include <stdlib.h>

#include "rtmctl.h"

struct monitor_table {
	struct cmd_ctx *c;
	struct reg *r;
	RTM_NOTIFY_HANDLE notify;
	RTM_VIEW_SET views;
	struct describer d;
	char *buf;			/* a batch of changed dest infos */
	size_t stride;
	UINT batch;
};

/* Serialises the callbacks' output and their use of the tables. */
static pthread_mutex_t monitor_lock = PTHREAD_MUTEX_INITIALIZER;
static struct monitor_table *monitor_tables[2];
static bool monitor_entities, monitor_stopping;

static void print_dest(struct monitor_table *mt, const RTM_DEST_INFO *di)
{
	const struct cmd_ctx *c = mt->c;
	char buf[PREFIX_STRLEN];
	struct route_desc rd;
	const char *call;
	struct json j;
	bool have;
	UINT i;

	format_prefix(&di->DestAddress, true, buf);
	if (c->json) {
		json_init(&j, stdout, c->pretty);
		json_object(&j, NULL);
		json_string(&j, "event", "dest");
		json_uint(&j, "table", mt->r->table);
		json_string(&j, "family", family_name(mt->r->family));
		json_string(&j, "prefix", buf);
		json_array(&j, "views");
	}
	for (i = 0; i < di->NumberOfViews; i++) {
		const typeof(di->ViewInfo[0]) *vi = &di->ViewInfo[i];

		have = vi->Route &&
		       route_describe(&mt->d, vi->Route, &rd, &call) == NO_ERROR;
		if (c->json) {
			json_object(&j, NULL);
			json_string(&j, "view", view_name(vi->ViewId));
			json_uint(&j, "routes", vi->NumRoutes);
			if (have) {
				json_object(&j, "route");
				route_desc_json(&j, &rd);
				json_end(&j);
			} else {
				json_null(&j, "route");
			}
			json_end(&j);
			continue;
		}
		printf("%s view %s:", buf, view_name(vi->ViewId));
		if (have)
			route_desc_print(stdout, &rd);
		else
			fputs(" no route", stdout);
		printf(" (%u route%s)\n", vi->NumRoutes,
		       vi->NumRoutes == 1 ? "" : "s");
	}
	if (c->json) {
		json_end(&j);
		json_end(&j);
	}
}

/* Take every queued dest of the subscription, printing each. */
static void drain(struct monitor_table *mt, RTM_NOTIFY_HANDLE notify)
{
	DWORD status;
	UINT n, i;

	do {
		n = mt->batch;
		status = RtmGetChangedDests(mt->r->handle, notify, &n,
					    (PRTM_DEST_INFO)mt->buf);
		for (i = 0; i < n; i++)
			print_dest(mt, (const RTM_DEST_INFO *)(mt->buf +
							       i * mt->stride));
		if (n)
			RtmReleaseChangedDests(mt->r->handle, notify, n,
					       (PRTM_DEST_INFO)mt->buf);
	} while (status == NO_ERROR);
	if (status != ERROR_NO_MORE_ITEMS)
		err_win32("monitor", "RtmGetChangedDests", status);
	fflush(stdout);
}

static void print_entity(struct monitor_table *mt, RTM_EVENT_TYPE type,
			 const RTM_ENTITY_INFO *info)
{
	const char *what = type == RTM_ENTITY_REGISTERED ? "registered"
							 : "deregistered";
	struct json j;

	if (mt->c->json) {
		json_init(&j, stdout, mt->c->pretty);
		json_object(&j, NULL);
		json_string(&j, "event", what);
		json_uint(&j, "table", info->RtmInstanceId);
		json_string(&j, "family", family_name(info->AddressFamily));
		json_owner(&j, true, info->EntityId.EntityProtocolId,
			   info->EntityId.EntityInstanceId);
		json_end(&j);
	} else {
		fputs("entity ", stdout);
		print_owner(stdout, true, info->EntityId.EntityProtocolId,
			    info->EntityId.EntityInstanceId);
		printf(" table %u %s %s\n", info->RtmInstanceId,
		       family_name(info->AddressFamily), what);
	}
	fflush(stdout);
}

static DWORD WINAPI monitor_callback(RTM_ENTITY_HANDLE h, RTM_EVENT_TYPE type,
				     PVOID context1, PVOID context2)
{
	struct monitor_table *mt = NULL;
	size_t i;

	pthread_mutex_lock(&monitor_lock);
	for (i = 0; i < 2; i++)
		if (monitor_tables[i] && monitor_tables[i]->r->handle == h)
			mt = monitor_tables[i];
	if (mt && !monitor_stopping) {
		switch (type) {
		case RTM_CHANGE_NOTIFICATION:
			drain(mt, context1);
			break;
		case RTM_ENTITY_REGISTERED:
		case RTM_ENTITY_DEREGISTERED:
			if (monitor_entities)
				print_entity(mt, type, context2);
			break;
		default:
			break;
		}
	}
	pthread_mutex_unlock(&monitor_lock);
	/* The monitor owns no routes: nothing of its can expire. */
	return type == RTM_ROUTE_EXPIRED ? ERROR_NOT_SUPPORTED : NO_ERROR;
}

/* Register in @family's table and subscribe; EXIT_OK or an error. */
static int monitor_start(struct cmd_ctx *c, struct monitor_table *mt,
			 unsigned int family, RTM_VIEW_SET views,
			 RTM_NOTIFY_FLAGS type, bool dests)
{
	DWORD status;

	mt->c = c;
	mt->r = session_reg_events(c->s, c->table, family, monitor_callback);
	if (!mt->r)
		return EXIT_FAIL;
	mt->views = views == RTM_VIEW_MASK_ALL ? mt->r->profile.ViewsSupported
					       : views;
	mt->stride = RTM_SIZE_OF_DEST_INFO(__builtin_popcount(mt->views));
	mt->batch = mt->r->profile.MaxHandlesInEnum;
	mt->buf = calloc(mt->batch, mt->stride);
	if (!mt->buf || describer_init(&mt->d, mt->r)) {
		err("out of memory");
		return EXIT_FAIL;
	}
	pthread_mutex_lock(&monitor_lock);
	monitor_tables[family == AF_INET6] = mt;
	pthread_mutex_unlock(&monitor_lock);
	if (!dests)
		return EXIT_OK;
	status = RtmRegisterForChangeNotification(mt->r->handle, mt->views,
						  type, NULL, &mt->notify);
	if (status != NO_ERROR)
		return err_win32("monitor", "RtmRegisterForChangeNotification",
				 status);
	return EXIT_OK;
}

int cmd_monitor(struct cmd_ctx *c, int argc, char **argv)
{
	struct words w = { .argc = argc, .argv = argv, .i = 1,
			   .cmd = "monitor" };
	RTM_NOTIFY_FLAGS type = RTM_CHANGE_TYPE_ALL;
	RTM_VIEW_SET views = RTM_VIEW_MASK_ALL;
	struct monitor_table mts[2];
	bool dests = false, entities = false;
	const char *kw, *v;
	unsigned int fams[2] = { AF_INET, AF_INET6 }, nfams = 2, i;
	int ret = EXIT_OK;

	if (c->s->in_batch)
		return err_usage("monitor: runs until a signal, not in a batch");
	while ((kw = words_next(&w))) {
		if (!strcmp(kw, "dests")) {
			dests = true;
		} else if (!strcmp(kw, "entities")) {
			entities = true;
		} else if (!strcmp(kw, "all")) {
			type = RTM_CHANGE_TYPE_ALL;
		} else if (!strcmp(kw, "best")) {
			type = RTM_CHANGE_TYPE_BEST;
		} else if (!strcmp(kw, "forwarding")) {
			type = RTM_CHANGE_TYPE_FORWARDING;
		} else if (!strcmp(kw, "view")) {
			v = words_value(&w, kw);
			if (!v)
				return EXIT_USAGE;
			views = parse_views(v);
			if (!views)
				return err_usage("monitor: view: ucast, mcast or both, not '%s'",
						 v);
		} else {
			return err_usage("monitor: unknown argument '%s'", kw);
		}
	}
	if (!dests && !entities)
		dests = entities = true;
	monitor_entities = entities;
	if (c->family) {
		fams[0] = c->family;
		nfams = 1;
	}

	memset(mts, 0, sizeof(mts));
	for (i = 0; i < nfams && ret == EXIT_OK; i++)
		ret = monitor_start(c, &mts[i], fams[i], views, type, dests);
	if (ret == EXIT_OK) {
		err("monitor: watching %s in table %u %s; SIGINT or SIGTERM ends it",
		    !entities ? "dests" : !dests ? "entities"
						 : "dests and entities",
		    c->table, nfams == 2 ? "inet and inet6"
					 : family_name(fams[0]));
		wait_for_stop_signal();
	}

	/* No callback uses the tables once this is set. */
	pthread_mutex_lock(&monitor_lock);
	monitor_stopping = true;
	monitor_tables[0] = monitor_tables[1] = NULL;
	pthread_mutex_unlock(&monitor_lock);
	for (i = 0; i < nfams; i++) {
		if (mts[i].notify)
			RtmDeregisterFromChangeNotification(mts[i].r->handle,
							    mts[i].notify);
		if (mts[i].d.info)
			describer_free(&mts[i].d);
		free(mts[i].buf);
	}
	return ret;
}
