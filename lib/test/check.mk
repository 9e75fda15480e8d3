# SPDX-License-Identifier: LGPL-2.1-or-later
#
# make -C lib check-host: tests that need no kernel module.
#
#  - the ABI layout of rtmv2.h (selftests/abi/rtmv2_layout.c, compile time)
#  - the header and its macros built as C99 -pedantic, gnu11 and C++, and
#    once statically linked (selftests/abi/rtmv2_macros.c)
#  - rtm_bulk.h built on its own as C99 -pedantic, gnu11 and C++, and
#    linked (lib/test/bulk_header.c)
#  - a thread that called librtm.so exits after its dlclose()
#    (lib/test/dlclose.c)
#  - the exported symbols of librtm.so: the implemented Rtm* functions and
#    the rtm_bulk_* calls only, and a program using any of the unimplemented
#    RTMv2 functions does not link
#
# The library's behaviour is tested against the real module, in QEMU, by
# the kselftests (selftests/).

ABI   := $(TOP)/selftests/abi
TOUT  := $(OUT)/test
TEST_CFLAGS := $(WARN) -g -pthread -I$(SRC) -I$(TOP)/uapi

# Every RTMv2 function and the bulk extensions, in LC_ALL=C order: the
# library exports these and nothing else.
EXPORTS := RtmAddNextHop RtmAddRouteToDest RtmBlockMethods \
	   RtmConvertIpv6AddressAndLengthToNetAddress \
	   RtmConvertNetAddressToIpv6AddressAndLength RtmCreateDestEnum \
	   RtmCreateNextHopEnum RtmCreateRouteEnum RtmCreateRouteList \
	   RtmCreateRouteListEnum RtmDeleteEnumHandle RtmDeleteNextHop \
	   RtmDeleteRouteList RtmDeleteRouteToDest RtmDeregisterEntity \
	   RtmDeregisterFromChangeNotification RtmFindNextHop RtmGetChangeStatus \
	   RtmGetChangedDests RtmGetDestInfo RtmGetEntityInfo RtmGetEntityMethods \
	   RtmGetEnumDests RtmGetEnumNextHops RtmGetEnumRoutes \
	   RtmGetExactMatchDestination \
	   RtmGetExactMatchRoute RtmGetLessSpecificDestination RtmGetListEnumRoutes \
	   RtmGetMostSpecificDestination RtmGetNextHopInfo RtmGetNextHopPointer \
	   RtmGetOpaqueInformationPointer RtmGetRegisteredEntities \
	   RtmGetRouteInfo RtmGetRoutePointer RtmHoldDestination \
	   RtmIgnoreChangedDests RtmInsertInRouteList RtmInvokeMethod \
	   RtmIsBestRoute RtmIsMarkedForChangeNotification RtmLockDestination \
	   RtmLockNextHop RtmLockRoute \
	   RtmMarkDestForChangeNotification RtmReferenceHandles RtmRegisterEntity \
	   RtmRegisterForChangeNotification RtmReleaseChangedDests \
	   RtmReleaseDestInfo RtmReleaseDests RtmReleaseEntities \
	   RtmReleaseEntityInfo RtmReleaseNextHopInfo RtmReleaseNextHops \
	   RtmReleaseRouteInfo RtmReleaseRoutes RtmUpdateAndUnlockRoute \
	   rtm_bulk_add_routes \
	   rtm_bulk_delete_routes rtm_bulk_dump rtm_bulk_lookup rtm_pref_get \
	   rtm_pref_list rtm_pref_reset rtm_pref_reset_all rtm_pref_set

MACRO_BINS := $(TOUT)/macros-c99 $(TOUT)/macros-gnu11 $(TOUT)/macros-cxx \
	      $(TOUT)/macros-static
BULK_BINS := $(TOUT)/bulk-c99 $(TOUT)/bulk-gnu11 $(TOUT)/bulk-cxx

check-host: $(TOUT)/rtmv2_layout $(MACRO_BINS) $(BULK_BINS) $(OUT)/librtm.so \
	    $(TOUT)/dlclose
	$(TOUT)/rtmv2_layout
	$(TOUT)/dlclose $(SHARED)
	for t in $(MACRO_BINS) $(BULK_BINS); do $$t || exit 1; done
	nm -D --defined-only $(SHARED) | awk '{ print $$3 }' | LC_ALL=C sort | \
		tr '\n' ' ' | grep -qx '$(EXPORTS) '

$(TOUT)/rtmv2_layout: $(ABI)/rtmv2_layout.c $(SRC)/rtmv2.h | $(TOUT)
	$(CC) -std=c11 -pedantic $(TEST_CFLAGS) -o $@ $<

$(TOUT)/macros-c99: $(ABI)/rtmv2_macros.c $(SRC)/rtmv2.h $(STATIC) | $(TOUT)
	$(CC) -std=c99 -pedantic $(TEST_CFLAGS) -o $@ $< $(STATIC)

$(TOUT)/macros-gnu11: $(ABI)/rtmv2_macros.c $(SRC)/rtmv2.h $(STATIC) | $(TOUT)
	$(CC) -std=gnu11 -pedantic $(TEST_CFLAGS) -o $@ $< $(STATIC)

$(TOUT)/macros-cxx: $(ABI)/rtmv2_macros.c $(SRC)/rtmv2.h $(STATIC) | $(TOUT)
	$(CXX) -x c++ -std=c++11 -pedantic $(TEST_CFLAGS) -o $@ $< -x none \
		$(STATIC)

# What the QEMU images do: a static binary against librtm.a and pthreads.
$(TOUT)/macros-static: $(ABI)/rtmv2_macros.c $(SRC)/rtmv2.h $(STATIC) | $(TOUT)
	$(CC) -static -std=gnu11 $(TEST_CFLAGS) -o $@ $< $(STATIC) -lpthread

# rtm_bulk.h includes <linux/rtm.h>, whose flexible array members C++
# -pedantic refuses: the C++ build is not pedantic.
$(TOUT)/bulk-c99: $(SRC)/test/bulk_header.c $(SRC)/rtm_bulk.h $(STATIC) | $(TOUT)
	$(CC) -std=c99 -pedantic $(TEST_CFLAGS) -o $@ $< $(STATIC) -lpthread

$(TOUT)/bulk-gnu11: $(SRC)/test/bulk_header.c $(SRC)/rtm_bulk.h $(STATIC) | $(TOUT)
	$(CC) -std=gnu11 -pedantic $(TEST_CFLAGS) -o $@ $< $(STATIC) -lpthread

$(TOUT)/bulk-cxx: $(SRC)/test/bulk_header.c $(SRC)/rtm_bulk.h $(STATIC) | $(TOUT)
	$(CXX) -x c++ -std=c++11 $(TEST_CFLAGS) -o $@ $< -x none $(STATIC) \
		-lpthread

# Dynamic, unlike the rest: it loads librtm.so itself.
$(TOUT)/dlclose: $(SRC)/test/dlclose.c $(SRC)/rtmv2.h | $(TOUT)
	$(CC) -std=gnu11 $(TEST_CFLAGS) -o $@ $< -ldl
