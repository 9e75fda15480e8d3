/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rtmv2.h - rtmv2.h under the name Microsoft's documentation and samples
 * include it by (#include "Rtmv2.h"): Windows file names are not case
 * sensitive, Linux ones are.
 */
#include "rtmv2.h"
