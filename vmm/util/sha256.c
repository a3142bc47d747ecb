// SPDX-License-Identifier: BSD-2-Clause
/*
 * SHA-256 (FIPS 180-4) for the machine description: a hibernated Linux
 * resumes only under the kernel that wrote its image, so the kernel is
 * recognised by content. Portable C, plus the Armv8 SHA-256 instructions
 * where the CPU has them (HWCAP_SHA2): hashing a 40 MB kernel in plain C
 * took about 10 s in the nested testbed, which would dominate the time
 * from hibernation to resumed guest.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* GCC offers the SHA-256 intrinsics per function (target attribute); clang 14 only with +sha2. */
#if defined(__aarch64__) && (!defined(__clang__) || defined(__ARM_FEATURE_SHA2))
#define HAVE_ARM_SHA2 1
#include <arm_neon.h>
#include <sys/auxv.h>
#ifndef HWCAP_SHA2
#define HWCAP_SHA2	(1 << 6)
#endif
#else
#define HAVE_ARM_SHA2 0
#endif

#include "sha256.h"

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static uint32_t ror32(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static void block_c(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], a[8];

	for (size_t i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(a, h, sizeof(a));
	for (int i = 0; i < 64; i++) {
		uint32_t S1 = ror32(a[4], 6) ^ ror32(a[4], 11) ^ ror32(a[4], 25);
		uint32_t ch = (a[4] & a[5]) ^ (~a[4] & a[6]);
		uint32_t t1 = a[7] + S1 + ch + sha256_k[i] + w[i];
		uint32_t S0 = ror32(a[0], 2) ^ ror32(a[0], 13) ^ ror32(a[0], 22);
		uint32_t maj = (a[0] & a[1]) ^ (a[0] & a[2]) ^ (a[1] & a[2]);

		memmove(&a[1], &a[0], 7 * sizeof(a[0]));
		a[4] += t1;
		a[0] = t1 + S0 + maj;
	}
	for (int i = 0; i < 8; i++)
		h[i] += a[i];
}

#if HAVE_ARM_SHA2
/*
 * One block with SHA256H/SHA256H2/SHA256SU0/SHA256SU1: four rounds per
 * step on {a,b,c,d} / {e,f,g,h}, the schedule kept in four vectors.
 */
__attribute__((target("+crypto")))
static void block_arm(uint32_t h[8], const uint8_t *p)
{
	uint32x4_t abcd = vld1q_u32(&h[0]), efgh = vld1q_u32(&h[4]);
	uint32x4_t abcd0 = abcd, efgh0 = efgh;
	uint32x4_t m[4];

	for (size_t i = 0; i < 4; i++)
		m[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16 * i)));
	for (size_t r = 0; r < 16; r++) {
		size_t k = r & 3;
		uint32x4_t wk = vaddq_u32(m[k], vld1q_u32(&sha256_k[4 * r]));
		uint32x4_t prev = abcd;

		abcd = vsha256hq_u32(abcd, efgh, wk);
		efgh = vsha256h2q_u32(efgh, prev, wk);
		if (r < 12)
			m[k] = vsha256su1q_u32(vsha256su0q_u32(m[k], m[(k + 1) & 3]),
					       m[(k + 2) & 3], m[(k + 3) & 3]);
	}
	vst1q_u32(&h[0], vaddq_u32(abcd, abcd0));
	vst1q_u32(&h[4], vaddq_u32(efgh, efgh0));
}
#endif

void sha256_init(struct sha256 *s)
{
	static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memset(s, 0, sizeof(*s));
	memcpy(s->h, h0, sizeof(h0));
	s->block = block_c;
#if HAVE_ARM_SHA2
	if (getauxval(AT_HWCAP) & HWCAP_SHA2)
		s->block = block_arm;
#endif
}

void sha256_update(struct sha256 *s, const void *data, size_t n)
{
	const uint8_t *p = data;

	s->len += n;
	while (n) {
		size_t take = 64 - s->fill < n ? 64 - s->fill : n;

		if (s->fill == 0 && n >= 64) {
			s->block(s->h, p);
			p += 64;
			n -= 64;
			continue;
		}
		memcpy(s->buf + s->fill, p, take);
		s->fill += take;
		p += take;
		n -= take;
		if (s->fill == 64) {
			s->block(s->h, s->buf);
			s->fill = 0;
		}
	}
}

/* Pad, finish and write the digest as 64 lower-case hex digits. */
void sha256_hex(struct sha256 *s, char out[65])
{
	uint64_t bits = s->len * 8;
	uint8_t pad = 0x80, zero = 0, lenb[8];

	sha256_update(s, &pad, 1);
	while (s->fill != 56)
		sha256_update(s, &zero, 1);
	for (int i = 0; i < 8; i++)
		lenb[i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(s, lenb, 8);
	for (size_t i = 0; i < 8; i++)
		snprintf(out + 8 * i, 9, "%08" PRIx32, s->h[i]);
}
