// SPDX-License-Identifier: GPL-2.0
/*
 * rtmv2.h and X11's <X11/Xmd.h> in one program, in either order.
 *
 * Xmd.h typedefs BOOL as an unsigned char, unconditionally; rtmv2.h's
 * Windows BOOL is a 32-bit int.  rtmv2.h declares its API with RTM_BOOL and
 * leaves BOOL to Xmd.h when Xmd.h came first (it defines XMD_H), or when
 * the program says it will come (RTM_NO_BOOL).  See rtmv2.h.
 *
 * Most of the test is its compilation with -Wall -Wextra -Werror:
 * selftests/Makefile builds it as this program (Xmd.h's definitions first)
 * and checks the other order with -DRTM_TEST_RTMV2_FIRST, and both orders
 * against the real <X11/Xmd.h> (-DRTM_TEST_REAL_XMD) where the build host
 * has it.  Without it, XMD_STANDIN below declares what Xmd.h declares of
 * the names that matter: its guard macro and its BOOL, with Xmd.h's types
 * (stated from its definitions, not copied).
 *
 * At run time: the API's boolean is the Windows one, X11's BOOL is X11's,
 * and a call through an RTM_PBOOL parameter works.
 */
#ifdef RTM_TEST_REAL_XMD
#define XMD_INCLUDE	<X11/Xmd.h>
#else
#define XMD_INCLUDE	"xmd_standin.h"
#endif

#ifdef RTM_TEST_RTMV2_FIRST
#define RTM_NO_BOOL
#include "rtmv2.h"
#include XMD_INCLUDE
#else
#include XMD_INCLUDE
#include "rtmv2.h"
#endif

#include "kselftest_harness.h"
#include "rtm_selftest.h"

TEST(types)
{
	BOOL x11 = 1;			/* X11's */
	RTM_BOOL marked = 7;
	RTM_BOOL minus = -1;

	EXPECT_EQ(1U, sizeof(BOOL));
	EXPECT_EQ(4U, sizeof(RTM_BOOL));
	EXPECT_EQ(4U, sizeof(*(RTM_PBOOL)0));
	EXPECT_GT(0, minus);		/* signed, as Windows' */
	EXPECT_EQ(1, x11);
	/* An unknown handle: the call fails and leaves *marked alone. */
	EXPECT_WIN(ERROR_INVALID_HANDLE,
		   RtmIsMarkedForChangeNotification(NULL, NULL, NULL, &marked));
	EXPECT_EQ(7, marked);
}

TEST_HARNESS_MAIN
