/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event dispatcher: one thread per registration that has a callback or
 * exports methods, reading the events the kernel queues on the
 * registration's fd, calling the entity's RTM_EVENT_CALLBACK and running
 * its methods.
 */
#ifndef LIBRTM_DISPATCH_H
#define LIBRTM_DISPATCH_H

#include "registry.h"

/*
 * Start the dispatcher of @reg into reg->dispatcher, with every signal
 * blocked.  The thread owns one reference of @reg, taken by the caller, and
 * drops it when it exits: at end of file, once the entity has deregistered.
 * Returns 0 or a pthread_create() error.
 */
int librtm_dispatch_start(struct librtm_reg *reg);

/*
 * Serve an RTM_EVENT_METHOD_INVOKE on the dispatcher thread of @reg: take
 * the call, run the methods it selects, answer it (method.c).
 */
void librtm_method_serve(struct librtm_reg *reg, const struct rtm_event *ev);

/*
 * The entities the callback of @reg knows of, for a resync after lost
 * events (resync.c).  _init takes the table's entities as they are at
 * registration, before the dispatcher starts: NO_ERROR or a Win32 error.
 * _note keeps track of an RTM_ENTITY_(DE)REGISTERED record and says
 * whether to pass it to the callback (false: a resync told of it).
 */
DWORD librtm_known_init(struct librtm_reg *reg);
void librtm_known_free(struct librtm_reg *reg);
bool librtm_known_note(struct librtm_reg *reg, const struct rtm_event *ev);

/* After a record flagged RTM_EVENT_LOST: tell the callback what it missed. */
void librtm_resync(struct librtm_reg *reg);

/*
 * A copy of @reg's change subscriptions (notify.c) into *@out, to free();
 * the number, 0 (and *@out NULL) with none or no memory.
 */
size_t librtm_subs_snapshot(struct librtm_reg *reg, struct librtm_sub **out);

#endif /* LIBRTM_DISPATCH_H */
