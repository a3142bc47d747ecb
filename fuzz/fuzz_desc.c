// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness: vpsci-run's hibernate description reader
 * (vmm/state/desc.c) on arbitrary bytes, twice per input: as a whole file,
 * and as the body of one (the magic line prepended, a right crc32 line
 * appended), so mutations get past the checksum to the keys. A refusal
 * must leave nothing allocated (LeakSanitizer); an accepted description
 * must write back and read again to the same text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/desc.h"
#include "util/crc32.h"

static void round_trip(const struct hib_desc *d)
{
	struct vmm_buf t1 = { 0 }, t2 = { 0 };
	struct hib_desc back;
	char why[400];

	if (desc_format(d, &t1, why, sizeof(why)) != 0)
		return;		/* e.g. a path that cannot be written: refused, fine */
	if (desc_parse((const char *)t1.p, t1.len, &back, why, sizeof(why)) != 0) {
		fprintf(stderr, "fuzz_desc: own output refused: %s\n", why);
		abort();
	}
	if (desc_format(&back, &t2, why, sizeof(why)) != 0 || t1.len != t2.len ||
	    memcmp(t1.p, t2.p, t1.len) != 0) {
		fprintf(stderr, "fuzz_desc: write-read-write is not stable\n");
		abort();
	}
	vmm_machine_free(&back.m);
	vmm_buf_free(&t1);
	vmm_buf_free(&t2);
}

static void one(const char *data, size_t size)
{
	struct hib_desc d;
	char why[400];

	if (desc_parse(data, size, &d, why, sizeof(why)) == 0) {
		round_trip(&d);
		vmm_machine_free(&d.m);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmm_buf b = { 0 };

	one((const char *)data, size);
	if (size > DESC_MAX_SIZE)
		return 0;
	vmm_buf_printf(&b, "vpsci-machine=1\n");
	vmm_buf_put(&b, data, size);
	if (size && data[size - 1] != '\n')
		vmm_buf_put(&b, "\n", 1);
	vmm_buf_printf(&b, "crc32=%08x\n", (unsigned int)vmm_crc32(0, b.p, b.len));
	if (!b.failed)
		one((const char *)b.p, b.len);
	vmm_buf_free(&b);
	return 0;
}
