/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Conversions between the Windows view of a value and the kernel's.
 *
 * A handle is the kernel's opaque 64-bit value carried in a pointer-typed
 * RTM_*_HANDLE, so an array of handles can be handed to the kernel as the
 * __u64 array it expects.  RTM_ENTITY_INFO and struct rtm_entity_info differ
 * in layout (EntityId is 8-aligned) but not in size, which lets arrays be
 * converted in place.
 */
#ifndef LIBRTM_CONVERT_H
#define LIBRTM_CONVERT_H

#include <stdint.h>
#include <string.h>

#include "librtm.h"

_Static_assert(sizeof(HANDLE) == sizeof(__u64),
	       "handles are the kernel's 64-bit values");
_Static_assert(sizeof(RTM_ENTITY_INFO) == sizeof(struct rtm_entity_info),
	       "entity info arrays are converted in place");

static inline HANDLE librtm_handle(__u64 value)
{
	return (HANDLE)(uintptr_t)value;
}

static inline __u64 librtm_u64(const void *ptr)
{
	return (__u64)(uintptr_t)ptr;
}

static inline void librtm_entity_info_to_kernel(struct rtm_entity_info *k,
						const RTM_ENTITY_INFO *w)
{
	memset(k, 0, sizeof(*k));
	k->instance_id = w->RtmInstanceId;
	k->family = w->AddressFamily;
	k->protocol_id = w->EntityId.EntityProtocolId;
	k->entity_instance_id = w->EntityId.EntityInstanceId;
}

static inline void librtm_entity_info_from_kernel(RTM_ENTITY_INFO *w,
						  const struct rtm_entity_info *k)
{
	memset(w, 0, sizeof(*w));
	w->RtmInstanceId = k->instance_id;
	w->AddressFamily = k->family;
	w->EntityId.EntityProtocolId = k->protocol_id;
	w->EntityId.EntityInstanceId = k->entity_instance_id;
}

#endif /* LIBRTM_CONVERT_H */
