/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtm_pref.h - default route preferences by protocol, beside the RTMv2 API.
 *
 * Not RTMv2 functions: they read and change the table that gives a route
 * added or updated with PrefInfo.Preference 0 the default preference of
 * its owner's protocol (EntityProtocolId, the whole 32-bit PROTOCOL_ID),
 * so that protocols ported from Windows that leave the preference at 0 do
 * not compete on raw metrics.  The table is per network namespace (every
 * RTM instance and address family of it), starts with built-in defaults
 * (see README.md), and a change applies to routes added or updated
 * afterwards.  A preference of 0 means "no default": such routes keep 0.
 *
 * Each call opens /dev/rtm in the caller's network namespace; no
 * registration is needed.  Changes need CAP_NET_ADMIN there
 * (ERROR_ACCESS_DENIED).  The entries are the kernel's own structure from
 * <linux/rtm.h>:
 *
 *   struct rtm_pref_entry {
 *	__u32 protocol_id;
 *	__u32 preference;		   0: none
 *	__u32 flags;			   RTM_PREF_CHANGED: not the built-in value
 *	__u32 reserved;
 *   };
 */
#ifndef _RTM_PREF_H_
#define _RTM_PREF_H_

#include <stddef.h>
#include <linux/rtm.h>

#include "rtmv2.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The default preference of @ProtocolId (0: none) into *@Preference. */
DWORD rtm_pref_get(ULONG ProtocolId, ULONG *Preference);

/*
 * Give @ProtocolId the default @Preference, or none with 0.
 * ERROR_NO_SYSTEM_RESOURCES past RTM_MAX_PREFS protocols.
 */
DWORD rtm_pref_set(ULONG ProtocolId, ULONG Preference);

/* Back to the built-in default of @ProtocolId. */
DWORD rtm_pref_reset(ULONG ProtocolId);

/* Back to the built-in table. */
DWORD rtm_pref_reset_all(void);

/*
 * The protocols with a default, and the built-in ones whose default was
 * taken away (preference 0), ascending by protocol id.  *@count is the
 * room at @entries going in and the entries written coming out; *@total
 * (if @total is not NULL) how many there are.  ERROR_INSUFFICIENT_BUFFER
 * when they did not all fit (those that fit are written).
 */
DWORD rtm_pref_list(struct rtm_pref_entry *entries, size_t *count,
		    size_t *total);

#ifdef __cplusplus
}
#endif

#endif /* _RTM_PREF_H_ */
