// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dlclose() of librtm.so, then the exit of a thread that had called it.
 *
 * A thread's first call gives it a reader record of the registry, freed
 * at the thread's exit by a thread-key destructor in the library.  If
 * dlclose() unmapped the library, that exit would jump into unmapped
 * code.  The first call needs no module: a lookup of an unknown handle
 * enters the registry's read-side section all the same (and returns
 * ERROR_INVALID_HANDLE), so this runs on the build host.
 *
 *   dlclose LIBRTM_SO
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "rtmv2.h"

typedef DWORD (WINAPI *get_entity_info_fn)(RTM_ENTITY_HANDLE,
					    RTM_ENTITY_HANDLE,
					    PRTM_ENTITY_INFO);

static get_entity_info_fn get_entity_info;
static pthread_barrier_t called, closed;

static void *user(void *arg)
{
	RTM_ENTITY_INFO info;
	DWORD *st = arg;

	/* An unknown handle: the call still takes a reader record. */
	*st = get_entity_info((RTM_ENTITY_HANDLE)(uintptr_t)0x1234,
			      (RTM_ENTITY_HANDLE)(uintptr_t)0x1234, &info);
	pthread_barrier_wait(&called);
	pthread_barrier_wait(&closed);
	return NULL;	/* the key's destructor runs now */
}

int main(int argc, char **argv)
{
	DWORD st = NO_ERROR;
	pthread_t t;
	void *so;

	if (argc != 2) {
		fprintf(stderr, "usage: %s LIBRTM_SO\n", argv[0]);
		return 2;
	}
	so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!so) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 1;
	}
	get_entity_info = (get_entity_info_fn)dlsym(so, "RtmGetEntityInfo");
	if (!get_entity_info) {
		fprintf(stderr, "dlsym: %s\n", dlerror());
		return 1;
	}
	if (pthread_barrier_init(&called, NULL, 2) ||
	    pthread_barrier_init(&closed, NULL, 2) ||
	    pthread_create(&t, NULL, user, &st))
		return 1;
	pthread_barrier_wait(&called);
	if (st != ERROR_INVALID_HANDLE) {
		fprintf(stderr, "RtmGetEntityInfo: %lu, want %d\n",
			(unsigned long)st, ERROR_INVALID_HANDLE);
		return 1;
	}
	if (dlclose(so)) {
		fprintf(stderr, "dlclose: %s\n", dlerror());
		return 1;
	}
	pthread_barrier_wait(&closed);
	if (pthread_join(t, NULL))
		return 1;
	printf("dlclose: the thread exited after dlclose()\n");
	return 0;
}
