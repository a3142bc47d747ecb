/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SHA-256 (FIPS 180-4), for image digests (a leaf).
 */
#ifndef VMM_UTIL_SHA256_H
#define VMM_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint8_t buf[64];
	uint64_t len;
	size_t fill;
	void (*block)(uint32_t h[8], const uint8_t *p);
};
void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_hex(struct sha256 *s, char out[65]);

#endif /* VMM_UTIL_SHA256_H */
