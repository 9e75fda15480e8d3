// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rtm_bulk.h stands on its own, builds as C99, gnu11 and C++, and its
 * functions link from librtm.a (make -C lib check-host).  Without a module
 * loaded, each call with no registration fails with ERROR_INVALID_HANDLE.
 */
#include "rtm_bulk.h"

int main(void)
{
	struct rtm_route_entry entry;
	struct rtm_lookup_result result;
	RTM_NET_ADDRESS addr;
	size_t done = 1;

	memset(&entry, 0, sizeof(entry));
	memset(&addr, 0, sizeof(addr));
	if (rtm_bulk_add_routes(NULL, &entry, 1, NULL, 0, &done) !=
	    ERROR_INVALID_HANDLE || done != 0)
		return 1;
	if (rtm_bulk_delete_routes(NULL, &entry, 1, NULL) !=
	    ERROR_INVALID_HANDLE)
		return 1;
	if (rtm_bulk_lookup(NULL, RTM_VIEW_ID_UCAST, &addr, &result, 1) !=
	    ERROR_INVALID_HANDLE)
		return 1;
	return 0;
}
