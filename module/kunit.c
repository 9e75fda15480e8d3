// SPDX-License-Identifier: GPL-2.0
/*
 * rtm_kunit: the KUnit suites of rtm, as a module of their own.
 *
 * The suites exercise rtm.ko's internals on its real state (the initial
 * namespace's tables, its caches), so they run once rtm.ko is loaded: KUnit
 * runs a module's suites while the module is coming up, before its init
 * would have set anything up.  rtm.ko exports what they call to
 * EXPORTED_FOR_KUNIT_TESTING, only on kernels built with KUnit, or, where
 * the benchmark's module (rtm_bench.ko) calls it too, to RTM_INTERNAL.
 */

#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites of the RTMv2 routing table manager");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_IMPORT_NS(RTM_INTERNAL);
