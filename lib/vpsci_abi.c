// SPDX-License-Identifier: BSD-2-Clause
/*
 * Sized structs: the ABI rule of include/vpsci/vpsci.h and docs/design.md
 * ("ABI"). A caller built against an older header passes a shorter struct,
 * one built against a newer header a longer one; the library works on its
 * own full-size copy either way.
 */
#include <string.h>

#include "vpsci_private.h"

/*
 * Copy the sized struct at src (its first member: uint32_t size) into dst,
 * dst_size bytes, zero-filling the fields the caller does not have. Returns
 * 0, or VPSCI_E_INVAL when the caller's size is below min_size (the first
 * layout) or when its bytes beyond dst_size (fields of a newer header) are
 * not all zero: the caller asks for something this build does not know.
 */
int abi_copy_in(void *dst, size_t dst_size, const void *src, size_t min_size)
{
	const unsigned char *p = src;
	uint32_t n;

	memcpy(&n, src, sizeof(n));
	if (n < min_size)
		return VPSCI_E_INVAL;
	for (size_t i = dst_size; i < n; i++)
		if (p[i])
			return VPSCI_E_INVAL;
	memset(dst, 0, dst_size);
	memcpy(dst, src, n < dst_size ? n : dst_size);
	memcpy(dst, &(uint32_t){ (uint32_t)dst_size }, sizeof(n));
	return 0;
}
