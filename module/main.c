// SPDX-License-Identifier: GPL-2.0
/*
 * rtm: the RTMv2 routing table manager as a Linux module.
 *
 * Limits are module parameters and are reported to every registration in
 * its profile (RTM_REGN_PROFILE).
 */

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>

#include "rtm.h"

unsigned int rtm_max_nexthops_in_route = 16;
module_param_named(max_nexthops_in_route, rtm_max_nexthops_in_route, uint, 0444);
MODULE_PARM_DESC(max_nexthops_in_route, "Next hops a route may have (MaxNextHopsInRoute)");

unsigned int rtm_max_handles_in_enum = 128;
module_param_named(max_handles_in_enum, rtm_max_handles_in_enum, uint, 0444);
MODULE_PARM_DESC(max_handles_in_enum, "Largest batch of an enumeration (MaxHandlesInEnum)");

unsigned int rtm_max_holds = 1U << 20;
EXPORT_SYMBOL_IF_KUNIT(rtm_max_holds);
module_param_named(max_holds, rtm_max_holds, uint, 0444);
MODULE_PARM_DESC(max_holds, "Distinct objects one registration may hold handles to");

unsigned int rtm_max_instances = 16;
EXPORT_SYMBOL_IF_KUNIT(rtm_max_instances);
module_param_named(max_instances, rtm_max_instances, uint, 0444);
MODULE_PARM_DESC(max_instances, "RTM instances per network namespace (ids 0..N-1)");

unsigned int rtm_event_queue_len = 1024;
module_param_named(event_queue_len, rtm_event_queue_len, uint, 0444);
MODULE_PARM_DESC(event_queue_len, "Events queued per registration; more are dropped until it drains");

unsigned int rtm_max_routes = 1U << 23;
module_param_named(max_routes, rtm_max_routes, uint, 0444);
MODULE_PARM_DESC(max_routes, "Routes one entity may own");

unsigned int rtm_max_routes_per_dest = 1024;
module_param_named(max_routes_per_dest, rtm_max_routes_per_dest, uint, 0444);
MODULE_PARM_DESC(max_routes_per_dest, "Routes one destination may have");

unsigned int rtm_max_enums = 64;
module_param_named(max_enums, rtm_max_enums, uint, 0444);
MODULE_PARM_DESC(max_enums, "Open enumerations per registration");

unsigned int rtm_max_lists = 64;
module_param_named(max_lists, rtm_max_lists, uint, 0444);
MODULE_PARM_DESC(max_lists, "Route lists per registration");

unsigned int rtm_max_nexthops = 65536;
module_param_named(max_nexthops, rtm_max_nexthops, uint, 0444);
MODULE_PARM_DESC(max_nexthops, "Next hops one entity may have");

unsigned int rtm_opaque_slots = 32;
module_param_named(opaque_slots, rtm_opaque_slots, uint, 0444);
MODULE_PARM_DESC(opaque_slots, "Opaque pointer slots per destination");

static int __init rtm_check_params(void)
{
	if (!rtm_max_nexthops_in_route ||
	    rtm_max_nexthops_in_route > RTM_MAX_NEXTHOPS ||
	    !rtm_max_handles_in_enum || rtm_max_handles_in_enum > RTM_MAX_BATCH ||
	    !rtm_max_holds || !rtm_max_instances || !rtm_max_nexthops ||
	    !rtm_max_routes_per_dest ||
	    rtm_max_instances > 65536 || rtm_opaque_slots > 1024 ||
	    rtm_event_queue_len < 16 || rtm_event_queue_len > 65536) {
		pr_err("module parameter out of range\n");
		return -EINVAL;
	}
	/* The event ring is indexed with a mask. */
	rtm_event_queue_len = roundup_pow_of_two(rtm_event_queue_len);
	return 0;
}

struct workqueue_struct *rtm_wq;

static int __init rtm_init(void)
{
	int err;

	err = rtm_check_params();
	if (err)
		return err;

	rtm_wq = alloc_workqueue("rtm", 0, 0);
	if (!rtm_wq)
		return -ENOMEM;
	err = rtm_dests_init();
	if (err)
		goto err_wq;
	err = rtm_routes_init();
	if (err)
		goto err_dests;
	err = rtm_netns_register();
	if (err)
		goto err_routes;
	err = rtm_dev_register();
	if (err)
		goto err_netns;
	return 0;

err_netns:
	rtm_netns_unregister();
err_routes:
	rtm_gc_exit();
	rtm_routes_exit();
err_dests:
	rtm_dests_exit();
err_wq:
	destroy_workqueue(rtm_wq);
	return err;
}

static void __exit rtm_exit(void)
{
	rtm_dev_unregister();
	rtm_netns_unregister();
	/* Objects are freed through RCU by code that lives in this module. */
	rtm_gc_exit();
	rtm_routes_exit();
	rtm_dests_exit();
	destroy_workqueue(rtm_wq);
}

module_init(rtm_init);
module_exit(rtm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("RTMv2 routing table manager");
MODULE_AUTHOR("The rtm developers");
