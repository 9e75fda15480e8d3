// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Registration and entities: RtmRegisterEntity, RtmDeregisterEntity,
 * RtmGetRegisteredEntities, RtmReleaseEntities, RtmGetEntityInfo and
 * RtmReleaseEntityInfo.
 *
 * Each registration owns one open file of /dev/rtm; closing it is the
 * kernel's deregistration of last resort.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "convert.h"
#include "dispatch.h"

/*
 * No /dev/rtm, or no driver behind it, means the module is not loaded:
 * ERROR_FILE_NOT_FOUND, which Windows returns when the RTM configuration
 * is missing.
 */
static DWORD open_error(int err)
{
	if (err == ENOENT || err == ENODEV || err == ENXIO)
		return ERROR_FILE_NOT_FOUND;
	return librtm_win32_error(err);
}

/* A new open file of the device, or -errno. */
static int open_device(void)
{
	int fd;

	do {
		fd = open(RTM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);

	return fd < 0 ? -errno : fd;
}

RTM_EXPORT DWORD WINAPI
RtmRegisterEntity(PRTM_ENTITY_INFO RtmEntityInfo,
		  PRTM_ENTITY_EXPORT_METHODS ExportMethods,
		  RTM_EVENT_CALLBACK EventCallback,
		  BOOL ReserveOpaquePointer,
		  PRTM_REGN_PROFILE RtmRegProfile,
		  PRTM_ENTITY_HANDLE RtmRegHandle)
{
	UINT num_methods = ExportMethods ? ExportMethods->NumMethods : 0;
	struct rtm_register req;
	struct librtm_reg *reg;
	DWORD status;
	UINT i;
	int fd, ret;

	if (!RtmEntityInfo || !RtmRegProfile || !RtmRegHandle)
		return ERROR_INVALID_PARAMETER;
	if (RtmEntityInfo->AddressFamily != AF_INET &&
	    RtmEntityInfo->AddressFamily != AF_INET6)
		return ERROR_INVALID_PARAMETER;
	if (num_methods > LIBRTM_MAX_METHODS)
		return ERROR_INVALID_PARAMETER;

	fd = open_device();
	if (fd < 0)
		return open_error(-fd);

	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	/*
	 * Method calls come as events: an entity that exports methods has a
	 * queue even without a callback (method.c).  Its dispatcher then does
	 * for expired routes what the kernel does for entities without one.
	 */
	if (EventCallback || num_methods)
		req.flags |= RTM_REGISTER_EVENTS;
	if (ReserveOpaquePointer)
		req.flags |= RTM_REGISTER_OPAQUE;
	/* Same layout; the gap before EntityId is the kernel's reserved. */
	memcpy(&req.entity, RtmEntityInfo, sizeof(req.entity));
	req.entity.reserved = 0;
	req.num_methods = num_methods;

	ret = librtm_ioctl(fd, RTM_IOC_REGISTER, &req);
	if (ret) {
		close(fd);
		return librtm_win32_error(-ret);
	}

	reg = librtm_reg_create(fd, librtm_handle(req.handle));
	if (!reg) {
		close(fd);	/* also ends the registration */
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	memcpy(&reg->profile, &req.profile, sizeof(reg->profile));
	reg->callback = EventCallback;
	reg->num_methods = num_methods;
	for (i = 0; i < num_methods; i++)
		reg->methods[i] = ExportMethods->Methods[i];

	/* The Context2 of RTM_ROUTE_EXPIRED, filled by the dispatcher. */
	status = ERROR_NOT_ENOUGH_MEMORY;
	if (EventCallback) {
		reg->expired_route = malloc(librtm_route_info_size(
					reg->profile.MaxNextHopsInRoute));
		if (!reg->expired_route)
			goto out;
		/* What it may know of: the baseline of a resync (resync.c). */
		status = librtm_known_init(reg);
		if (status != NO_ERROR)
			goto out;
	}

	status = librtm_reg_publish(reg);
	if (status == NO_ERROR) {
		*RtmRegProfile = reg->profile;
		*RtmRegHandle = reg->handle;
	}
out:
	librtm_reg_unref(reg);	/* on failure the last one: closes the fd */
	return status;
}

RTM_EXPORT DWORD WINAPI RtmDeregisterEntity(RTM_ENTITY_HANDLE RtmRegHandle)
{
	struct rtm_deregister req = { .size = sizeof(req) };
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_claim(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;

	ret = librtm_ioctl(reg->fd, RTM_IOC_DEREGISTER, &req);
	if (ret)
		librtm_reg_unclaim(reg);
	else
		librtm_reg_retire(reg);
	librtm_reg_unref(reg);
	return librtm_win32_error(-ret);
}

/*
 * On a short buffer (the kernel's -ENOSPC) the entries that fit are written
 * and *NumEntities is set to the total, so that the usual "ask with 0, then
 * allocate *NumEntities" pattern works; the caller must release only the
 * min(capacity, total) handles written.
 */
RTM_EXPORT DWORD WINAPI
RtmGetRegisteredEntities(RTM_ENTITY_HANDLE RtmRegHandle,
			 PUINT NumEntities,
			 PRTM_ENTITY_HANDLE EntityHandles,
			 PRTM_ENTITY_INFO EntityInfos)
{
	struct rtm_get_entities req;
	struct librtm_reg *reg;
	UINT capacity;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!NumEntities) {
		librtm_reg_put(reg);
		return ERROR_INVALID_PARAMETER;
	}

	/* The ABI bounds every array by RTM_MAX_BATCH. */
	capacity = *NumEntities < RTM_MAX_BATCH ? *NumEntities : RTM_MAX_BATCH;

	/*
	 * The kernel writes __u64 handles and struct rtm_entity_info records
	 * straight into the caller's arrays: same layouts (convert.h).
	 */
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.count = capacity;
	req.handles = librtm_u64(EntityHandles);
	req.infos = librtm_u64(EntityInfos);

	ret = librtm_ioctl(reg->fd, RTM_IOC_GET_ENTITIES, &req);
	librtm_reg_put(reg);
	if (ret && ret != -ENOSPC)
		return librtm_win32_error(-ret);

	/* With no arrays at all this is a count query: the total either way. */
	*NumEntities = req.total;
	return ret ? ERROR_INSUFFICIENT_BUFFER : NO_ERROR;
}

RTM_EXPORT DWORD WINAPI RtmReleaseEntities(RTM_ENTITY_HANDLE RtmRegHandle,
					   UINT NumEntities,
					   PRTM_ENTITY_HANDLE EntityHandles)
{
	struct librtm_reg *reg;
	DWORD status;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	status = librtm_handles_ioctl(reg->fd, RTM_IOC_RELEASE, RTM_KIND_ENTITY,
				      NumEntities, EntityHandles);
	librtm_reg_put(reg);
	return status;
}

RTM_EXPORT DWORD WINAPI RtmGetEntityInfo(RTM_ENTITY_HANDLE RtmRegHandle,
					 RTM_ENTITY_HANDLE EntityHandle,
					 PRTM_ENTITY_INFO EntityInfo)
{
	struct rtm_get_entity_info req;
	struct librtm_reg *reg;
	int ret;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	if (!EntityInfo) {
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
	ret = librtm_ioctl(reg->fd, RTM_IOC_GET_ENTITY_INFO, &req);
	librtm_reg_put(reg);
	if (ret)
		return librtm_win32_error(-ret);

	memcpy(EntityInfo, &req.info, sizeof(*EntityInfo));
	return NO_ERROR;
}

/* RTM_ENTITY_INFO holds no handles: there is nothing to release. */
RTM_EXPORT DWORD WINAPI RtmReleaseEntityInfo(RTM_ENTITY_HANDLE RtmRegHandle,
					     PRTM_ENTITY_INFO EntityInfo)
{
	struct librtm_reg *reg;

	reg = librtm_reg_get(RtmRegHandle);
	if (!reg)
		return ERROR_INVALID_HANDLE;
	librtm_reg_put(reg);
	return EntityInfo ? NO_ERROR : ERROR_INVALID_PARAMETER;
}
