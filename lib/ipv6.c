// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The IPv6 helpers of the SDK header: an RTM_NET_ADDRESS to and from an
 * IN6_ADDR and a prefix length.  Bits beyond the prefix length are cleared
 * on output, so a prefix always comes out in its canonical form.
 */
#include "librtm.h"

#define IPV6_MAX_PREFIX_LEN	(IPV6_ADDRESS_LEN_IN_BYTES * 8)

static void mask_prefix(UCHAR *bits, DWORD len)
{
	DWORD i;

	for (i = len / 8; i < IPV6_ADDRESS_LEN_IN_BYTES; i++) {
		if (i == len / 8 && len % 8)
			bits[i] &= (UCHAR)(0xFF << (8 - len % 8));
		else
			bits[i] = 0;
	}
}

RTM_EXPORT DWORD
RtmConvertNetAddressToIpv6AddressAndLength(PRTM_NET_ADDRESS pNetAddress,
					   PIN6_ADDR pAddress,
					   PDWORD pLength,
					   DWORD dwAddressSize)
{
	if (!pNetAddress || !pAddress || !pLength ||
	    dwAddressSize != IPV6_ADDRESS_LEN_IN_BYTES ||
	    pNetAddress->NumBits > IPV6_MAX_PREFIX_LEN)
		return ERROR_INVALID_PARAMETER;

	memcpy(pAddress->s6_addr, pNetAddress->AddrBits,
	       IPV6_ADDRESS_LEN_IN_BYTES);
	mask_prefix(pAddress->s6_addr, pNetAddress->NumBits);
	*pLength = pNetAddress->NumBits;
	return NO_ERROR;
}

/* Also sets AddressFamily to AF_INET6, which the SDK macro does itself. */
RTM_EXPORT DWORD
RtmConvertIpv6AddressAndLengthToNetAddress(PRTM_NET_ADDRESS pNetAddress,
					   IN6_ADDR Address,
					   DWORD dwLength,
					   DWORD dwAddressSize)
{
	if (!pNetAddress || dwAddressSize != IPV6_ADDRESS_LEN_IN_BYTES ||
	    dwLength > IPV6_MAX_PREFIX_LEN)
		return ERROR_INVALID_PARAMETER;

	pNetAddress->AddressFamily = AF_INET6;
	pNetAddress->NumBits = (USHORT)dwLength;
	memcpy(pNetAddress->AddrBits, Address.s6_addr,
	       IPV6_ADDRESS_LEN_IN_BYTES);
	mask_prefix(pNetAddress->AddrBits, dwLength);
	return NO_ERROR;
}
