// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: /proc/net/rtm, counters and the registered entities of a namespace,
 * readable without registering (rtmctl stats, rtmctl show entities).
 */

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "rtm.h"

static int rtm_stats_show(struct seq_file *seq, void *v)
{
	struct rtm_net *rn = rtm_net(seq_file_single_net(seq));
	struct rtm_table *t;

	seq_printf(seq, "tables %ld\n", atomic_long_read(&rn->stats.tables));
	seq_printf(seq, "entities %ld\n", atomic_long_read(&rn->stats.entities));
	seq_printf(seq, "handles %ld\n", atomic_long_read(&rn->stats.handles));
	seq_printf(seq, "holds %ld\n", atomic_long_read(&rn->stats.holds));
	seq_printf(seq, "events_queued %ld\n",
		   atomic_long_read(&rn->stats.events_queued));
	seq_printf(seq, "events_lost %ld\n",
		   atomic_long_read(&rn->stats.events_lost));

	/*
	 * Per table: what it holds, the memory of it in bytes, and the
	 * entries of its change queues.
	 */
	mutex_lock(&rn->lock);
	list_for_each_entry(t, &rn->tables, node) {
		unsigned long queued;

		mutex_lock(&t->lock);
		queued = rtm_notify_queued(t);
		mutex_unlock(&t->lock);
		seq_printf(seq,
			   "table %u %u dests %lu routes %lu nexthops %lu attrs %lu bytes %zu queued %lu\n",
			   t->instance, t->family, READ_ONCE(t->ndests),
			   READ_ONCE(t->nroutes), READ_ONCE(t->nnexthops),
			   READ_ONCE(t->nattrs), rtm_table_bytes(t), queued);
	}
	mutex_unlock(&rn->lock);
	return 0;
}

static int rtm_entities_show(struct seq_file *seq, void *v)
{
	struct rtm_net *rn = rtm_net(seq_file_single_net(seq));
	struct rtm_table *t;
	struct rtm_entity *e;

	seq_puts(seq, "# instance family protocol_id instance_id handle pid events opaque_slot\n");
	mutex_lock(&rn->lock);
	list_for_each_entry(t, &rn->tables, node) {
		mutex_lock(&t->lock);
		list_for_each_entry(e, &t->entities, node)
			seq_printf(seq, "%u %u %u %u 0x%016llx %d %u %d\n",
				   t->instance, t->family,
				   e->info.protocol_id,
				   e->info.entity_instance_id,
				   rtm_handle_of(&e->obj), e->pid,
				   !!(e->reg_flags & RTM_REGISTER_EVENTS),
				   e->opaque_slot);
		mutex_unlock(&t->lock);
	}
	mutex_unlock(&rn->lock);
	return 0;
}

int rtm_proc_init(struct rtm_net *rn)
{
	struct net *net = rn->net;

	rn->proc = proc_net_mkdir(net, "rtm", net->proc_net);
	if (!rn->proc)
		return -ENOMEM;
	if (!proc_create_net_single("stats", 0444, rn->proc, rtm_stats_show,
				    NULL) ||
	    !proc_create_net_single("entities", 0444, rn->proc,
				    rtm_entities_show, NULL)) {
		remove_proc_subtree("rtm", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

void rtm_proc_exit(struct rtm_net *rn)
{
	remove_proc_subtree("rtm", rn->net->proc_net);
}
