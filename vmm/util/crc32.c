// SPDX-License-Identifier: BSD-2-Clause
/*
 * CRC-32/ISO-HDLC, eight bytes per step ("slicing-by-8"): a Linux guest's
 * snapshot is tens of MB of RAM pages. The tables are computed once, under
 * pthread_once, so concurrent first callers are safe.
 */
#include <pthread.h>
#include <string.h>

#include "util/crc32.h"

static uint32_t crc_table[8][256];	/* written once by crc_init, then read-only */
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^
					  crc_table[0][crc_table[t - 1][i] & 0xff];
}

/* Eight input bytes, little-endian as the word is read, folded into crc. */
static uint32_t crc_word(uint32_t crc, const uint8_t *p)
{
	uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			     (uint32_t)p[3] << 24);

	return crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
	       crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
	       crc_table[3][p[4]] ^ crc_table[2][p[5]] ^ crc_table[1][p[6]] ^
	       crc_table[0][p[7]];
}

uint32_t vmm_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	pthread_once(&crc_once, crc_init);
	crc = ~crc;
	for (; len >= 8; p += 8, len -= 8)
		crc = crc_word(crc, p);
	while (len--)
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
