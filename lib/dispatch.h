/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event dispatcher: one thread per registration that has a callback,
 * reading the events the kernel queues on the registration's fd and calling
 * the entity's RTM_EVENT_CALLBACK.
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

#endif /* LIBRTM_DISPATCH_H */
