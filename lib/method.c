// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Entity methods: RtmGetEntityMethods, RtmInvokeMethod, RtmBlockMethods,
 * and the dispatcher's side of an invocation.
 *
 * The methods an entity exports are functions of its own process, so a
 * caller never gets them: RtmGetEntityMethods hands out tokens, method i
 * being (RTM_ENTITY_EXPORT_METHOD)(uintptr_t)(i + 1) (distinct, never NULL,
 * and never to be called).  RtmInvokeMethod is RTM_IOC_METHOD_INVOKE: the
 * kernel queues the call on the callee, whose dispatcher thread takes it
 * (an RTM_EVENT_METHOD_INVOKE event, which its callback never sees), runs
 * the methods there with CallerHandle the caller's entity and CalleeHandle
 * its own, and answers with the output records, which the kernel hands to
 * the waiting caller (uapi/linux/rtm.h has the protocol).
 *
 * Input: every method gets the caller's RTM_ENTITY_METHOD_INPUT, MethodType
 * as the caller gave it.  Bit i of MethodType runs Methods[i], in ascending
 * bit order; bits at or beyond the callee's NumMethods are ignored, and if
 * none is left the call returns NO_ERROR with *OutputSize 0 at once.
 *
 * Output: the records go into the caller's buffer back to back, each
 * starting at a 4-byte aligned offset (so the next record begins
 * FIELD_OFFSET(RTM_ENTITY_METHOD_OUTPUT, OutputData) + OutputSize bytes
 * after the start of the previous one, rounded up to a multiple of 4), with
 * MethodType the method's bit.  *OutputSize comes back as the bytes used,
 * up to the end of the last record's data.  Each method is given all the
 * room left: on entry its record has MethodStatus NO_ERROR and OutputSize
 * the bytes it may write at OutputData; it sets MethodStatus and
 * OutputSize.  A method that reports more than it was given keeps its
 * record, with MethodStatus ERROR_INSUFFICIENT_BUFFER and OutputSize 0.  A
 * method for which not even a record header (12 bytes) is left is not run
 * at all, and the call then returns ERROR_INSUFFICIENT_BUFFER with the
 * records that fit: ask again with a larger buffer for the methods missing.
 * The kernel bounds the room (module parameter max_method_output, 64 KiB)
 * and the input (max_method_input, 64 KiB: ERROR_INVALID_PARAMETER above).
 *
 * Serving: an entity that exports methods serves them whether or not it
 * registered an event callback (the documentation's example registers one
 * with methods and EventCallback NULL).  RtmRegisterEntity gives it an
 * event queue (RTM_REGISTER_EVENTS) and a dispatcher thread all the same;
 * without a callback that thread only runs methods, consumes the other
 * events, and deletes the entity's expired routes as the kernel does for
 * entities without a callback (dispatch.c), so routes still expire as
 * documented.
 *
 * Errors: ERROR_INVALID_HANDLE when the callee is not a live entity of the
 * caller's table, or deregisters (or its process dies) before answering;
 * ERROR_NOT_SUPPORTED when the callee has no event queue, so that nothing
 * in its process can run the methods (an entity registered through the
 * raw ioctl without RTM_REGISTER_EVENTS; never one registered by this
 * library); and ERROR_NO_SYSTEM_RESOURCES past the kernel's bounds on
 * calls under way (max_method_calls per caller, max_method_pending per
 * callee).
 *
 * Waiting: the call waits while the callee's methods are blocked.  A
 * signal does not end the wait (the ioctl is retried) and never makes the
 * methods run twice: a call interrupted after the callee took it is found
 * again by its cookie.  A call made on the callee's own dispatcher thread,
 * from inside its callback or one of its methods, would wait for itself:
 * it fails with ERROR_INVALID_PARAMETER.  Calls going round between entities
 * of different processes, each waiting on the other's dispatcher, are the
 * clients' to avoid; deregistering one of them breaks the circle.
 *
 * RtmBlockMethods(BLOCK) returns once the calls the dispatcher took before
 * have been answered (unless it is called from one of those methods); no
 * method runs again until RTM_RESUME_METHODS.  Only TargetHandle NULL (all
 * methods) is supported: ERROR_NOT_SUPPORTED otherwise.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "convert.h"
#include "dispatch.h"

#define INPUT_HEADER	offsetof(RTM_ENTITY_METHOD_INPUT, InputData)
#define OUTPUT_HEADER	offsetof(RTM_ENTITY_METHOD_OUTPUT, OutputData)
#define OUTPUT_ALIGN	4

_Static_assert(INPUT_HEADER == 8 && OUTPUT_HEADER == 12,
	       "RTM_ENTITY_METHOD_INPUT/OUTPUT headers as on Windows");

static RTM_ENTITY_EXPORT_METHOD method_token(UINT index)
{
	return (RTM_ENTITY_EXPORT_METHOD)(uintptr_t)(index + 1);
}

RTM_EXPORT DWORD WINAPI
RtmGetEntityMethods(RTM_ENTITY_HANDLE RtmRegHandle,
		    RTM_ENTITY_HANDLE EntityHandle,
		    PUINT NumMethods,
		    PRTM_ENTITY_EXPORT_METHOD ExptMethods)
{
	struct rtm_method_get req;
	struct librtm_reg *reg;
	UINT capacity, i;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!NumMethods || (*NumMethods && !ExptMethods)) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}
	if (!EntityHandle) {
		librtm_reg_put(reg);
		return ERROR_INVALID_HANDLE;
	}

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.handle = librtm_u64(EntityHandle);
	ret = librtm_ioctl(reg->fd, RTM_IOC_METHOD_GET, &req);
	librtm_reg_put(reg);
	if (ret)
		return librtm_win32_error(-ret);

	/* As RtmGetRegisteredEntities: what fits, and the total. */
	capacity = *NumMethods;
	for (i = 0; i < capacity && i < req.count; i++)
		ExptMethods[i] = method_token(i);
	*NumMethods = req.count;
	return capacity && capacity < req.count ? ERROR_INSUFFICIENT_BUFFER :
						  NO_ERROR;
}

/* Whether this thread is the dispatcher of @handle's registration. */
static bool on_dispatcher_of(RTM_ENTITY_HANDLE handle)
{
	struct librtm_reg *reg = librtm_reg_get(handle);
	bool mine;

	if (!reg)
		return false;
	mine = reg->has_dispatcher &&
	       pthread_equal(reg->dispatcher, pthread_self());
	librtm_reg_put(reg);
	return mine;
}

RTM_EXPORT DWORD WINAPI
RtmInvokeMethod(RTM_ENTITY_HANDLE RtmRegHandle,
		RTM_ENTITY_HANDLE EntityHandle,
		PRTM_ENTITY_METHOD_INPUT Input,
		PUINT OutputSize,
		PRTM_ENTITY_METHOD_OUTPUT Output)
{
	struct rtm_method_invoke req;
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!Input || !OutputSize || (*OutputSize && !Output)) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}
	if (!EntityHandle) {
		librtm_reg_put(reg);
		return ERROR_INVALID_HANDLE;
	}
	/* The call waits for another process: keep the entry, not the section. */
	librtm_reg_ref(reg);
	librtm_reg_put(reg);

	if (on_dispatcher_of(EntityHandle)) {
		librtm_reg_unref(reg);
		return ERROR_INVALID_PARAMETER;
	}

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.handle = librtm_u64(EntityHandle);
	req.method_type = Input->MethodType;
	req.input_size = Input->InputSize;
	req.input = librtm_u64(Input->InputData);
	req.output_size = *OutputSize;
	req.output = librtm_u64(Output);
	/* Retried on EINTR with the cookie the kernel left in @req. */
	ret = librtm_ioctl(reg->fd, RTM_IOC_METHOD_INVOKE, &req);
	librtm_reg_unref(reg);
	if (ret && ret != -ENOSPC)
		return librtm_win32_error(-ret);
	*OutputSize = req.output_size;
	return ret ? ERROR_INSUFFICIENT_BUFFER : NO_ERROR;
}

RTM_EXPORT DWORD WINAPI
RtmBlockMethods(RTM_ENTITY_HANDLE RtmRegHandle,
		HANDLE TargetHandle,
		UCHAR TargetType,
		DWORD BlockingFlag)
{
	struct rtm_method_ctl req;
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (BlockingFlag != RTM_BLOCK_METHODS &&
	    BlockingFlag != RTM_RESUME_METHODS) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}
	/* Blocking waits for methods running in the dispatcher. */
	librtm_reg_ref(reg);
	librtm_reg_put(reg);

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.op = BlockingFlag == RTM_BLOCK_METHODS ? RTM_METHOD_BLOCK :
						      RTM_METHOD_RESUME;
	/* The kernel refuses targets (EOPNOTSUPP); TargetType goes with one. */
	req.target = librtm_u64(TargetHandle);
	req.target_type = TargetHandle ? TargetType : 0;
	ret = librtm_ioctl(reg->fd, RTM_IOC_METHOD_CTL, &req);
	librtm_reg_unref(reg);
	return librtm_win32_error(-ret);
}

/*
 * Run the methods @input selects into the @room bytes at @out; the bytes
 * used.  *@truncated tells whether some were left out for want of room.
 */
static size_t run_methods(struct librtm_reg *reg, RTM_ENTITY_HANDLE caller,
			  RTM_ENTITY_METHOD_INPUT *input, unsigned char *out,
			  size_t room, bool *truncated)
{
	RTM_ENTITY_METHOD_OUTPUT *rec;
	size_t used = 0, off = 0, avail;
	DWORD bit;
	UINT i;

	*truncated = false;
	for (i = 0; i < reg->num_methods; i++) {
		bit = (DWORD)1 << i;
		if (!(input->MethodType & bit))
			continue;
		if (off > room || room - off < OUTPUT_HEADER) {
			*truncated = true;
			continue;
		}
		rec = (RTM_ENTITY_METHOD_OUTPUT *)(out + off);
		avail = room - off - OUTPUT_HEADER;
		rec->MethodType = bit;
		rec->MethodStatus = NO_ERROR;
		rec->OutputSize = avail;
		if (reg->methods[i])
			reg->methods[i](caller, reg->handle, input, rec);
		else
			rec->MethodStatus = ERROR_NOT_SUPPORTED;
		rec->MethodType = bit;
		if (!reg->methods[i] || rec->OutputSize > avail) {
			if (reg->methods[i])
				rec->MethodStatus = ERROR_INSUFFICIENT_BUFFER;
			rec->OutputSize = 0;
		}
		used = off + OUTPUT_HEADER + rec->OutputSize;
		off = (used + OUTPUT_ALIGN - 1) & ~(size_t)(OUTPUT_ALIGN - 1);
	}
	return used;
}

static int reply(struct librtm_reg *reg, __u64 cookie, __u32 flags,
		 const void *out, size_t size)
{
	struct rtm_method_ctl req;

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.op = RTM_METHOD_REPLY;
	req.cookie = cookie;
	req.flags = flags;
	req.output = librtm_u64(out);
	req.output_size = size;
	return librtm_ioctl(reg->fd, RTM_IOC_METHOD_CTL, &req);
}

void librtm_method_serve(struct librtm_reg *reg, const struct rtm_event *ev)
{
	RTM_ENTITY_METHOD_INPUT *input = NULL;
	size_t in_room = ev->context < UINT32_MAX ? ev->context : UINT32_MAX;
	struct rtm_method_ctl req;
	unsigned char *out = NULL;
	bool truncated = false;
	size_t used = 0;
	int ret = 0;

	/* The event gives the input's size; take the call with room for it. */
	for (;;) {
		free(input);
		input = malloc(sizeof(*input) + in_room);
		if (!input)
			break;
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.op = RTM_METHOD_FETCH;
		req.cookie = ev->cookie;
		req.input = librtm_u64(input->InputData);
		req.input_size = in_room;
		ret = librtm_ioctl(reg->fd, RTM_IOC_METHOD_CTL, &req);
		if (ret != -ENOSPC || req.input_size <= in_room)
			break;
		in_room = req.input_size;
	}
	/*
	 * No memory: the call stays queued, unanswered, until the caller
	 * gives up or this entity goes.  Otherwise -EBADF: cancelled, or a
	 * repeated event of a call taken already; -EAGAIN: blocked, the
	 * event comes again on resume.
	 */
	if (!input || ret)
		goto out;

	input->MethodType = req.method_type;
	input->InputSize = req.input_size;
	/* Zeroed: the padding between records goes to another process. */
	if (req.output_size)
		out = calloc(1, req.output_size);
	if (req.output_size && !out) {
		reply(reg, req.cookie, RTM_METHOD_NOMEM, NULL, 0);
		goto out;
	}
	used = run_methods(reg, librtm_handle(req.caller), input, out,
			   req.output_size, &truncated);
	/* -EBADF: the caller went meanwhile. */
	if (reply(reg, req.cookie, truncated ? RTM_METHOD_TRUNCATED : 0, out,
		  used) == -ENOMEM)
		reply(reg, req.cookie, RTM_METHOD_NOMEM, NULL, 0);
out:
	free(out);
	free(input);
}
