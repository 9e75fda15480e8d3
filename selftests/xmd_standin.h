/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For xmd_header_test.c where <X11/Xmd.h> is not installed: what that
 * header declares of the names rtmv2.h cares about, with the same types
 * (an unsigned 8-bit CARD8, BOOL a typedef of it, guard macro XMD_H), and
 * as unconditionally as Xmd.h does.
 */
#ifndef XMD_H
#define XMD_H 1
typedef unsigned char CARD8;
typedef CARD8 BOOL;
#endif
