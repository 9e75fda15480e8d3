/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Routprot.h - routprot.h under the capitalised name some Windows code
 * includes it by: Windows file names are not case sensitive, Linux ones are.
 */
#include "routprot.h"
