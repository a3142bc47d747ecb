/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CRC-32/ISO-HDLC (zlib's: reflected polynomial 0xEDB88320, initial and
 * final XOR 0xFFFFFFFF), the one CRC of vpsci-run's files: the hibernate
 * description and the whole-VM snapshot (a leaf; the engine keeps its own
 * for libvpsci's snapshot, docs/snapshot.md, with the same value).
 */
#ifndef VMM_UTIL_CRC32_H
#define VMM_UTIL_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC over 'len' bytes: start with crc 0; chunks may be any size. */
uint32_t vmm_crc32(uint32_t crc, const void *data, size_t len);

#endif /* VMM_UTIL_CRC32_H */
