// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness: vpsci-run's whole-VM snapshot validator
 * (vmm/state/snapfile.c) on arbitrary bytes, twice per input: as they
 * are, and with the magic, file size and both CRCs made right, so
 * mutations reach the sections. It must never read outside the input
 * (ASan), never leak, and an accepted file's view must stay inside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/snapshot.h"
#include "util/crc32.h"

static void check_inside(const struct snap_view *v, const uint8_t *f, size_t size)
{
	const uint8_t *ram = (const uint8_t *)v->ram;

	if (ram < f || ram + sizeof(struct snap_ram) > f + size ||
	    v->pages + v->ram->nr_present * SNAP_PAGE_SIZE > f + size) {
		fprintf(stderr, "fuzz_vmsnap: RAM view outside the file\n");
		abort();
	}
	for (unsigned int i = 0; i < v->nr_dev; i++)
		if (v->dev[i].p < f || v->dev[i].p + v->dev[i].len > f + size) {
			fprintf(stderr, "fuzz_vmsnap: device section outside the file\n");
			abort();
		}
	for (unsigned int i = 0; i < v->m.cpus; i++)
		if (!v->vcpu[i] || v->vcpu[i] < f || v->vcpu[i] >= f + size) {
			fprintf(stderr, "fuzz_vmsnap: vCPU section outside the file\n");
			abort();
		}
}

/* Validate a private, 8-byte aligned copy of exactly 'size' bytes. */
static void one(const uint8_t *data, size_t size, bool fix)
{
	uint8_t *f = malloc(size ? size : 1);
	struct snap_view v;
	char why[300];

	if (!f)
		return;
	memcpy(f, data, size);
	if (fix && size >= sizeof(struct snap_hdr)) {
		struct snap_hdr h;

		memcpy(&h, f, sizeof(h));
		memcpy(h.magic, SNAP_MAGIC, sizeof(h.magic));
		h.file_size = size;
		h.body_crc = vmm_crc32(0, f + sizeof(h), size - sizeof(h));
		h.header_crc = 0;
		h.header_crc = vmm_crc32(0, &h, sizeof(h));
		memcpy(f, &h, sizeof(h));
	}
	if (snap_parse(f, size, &v, why, sizeof(why)) == 0) {
		check_inside(&v, f, size);
		(void)snap_view_device(&v, SEC_UART, 0);
		snap_view_free(&v);
	}
	free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, false);
	one(data, size, true);
	return 0;
}
