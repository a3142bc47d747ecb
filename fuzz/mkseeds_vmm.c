// SPDX-License-Identifier: BSD-2-Clause
/*
 * Seed corpus of fuzz_desc and fuzz_vmsnap (make fuzz-seeds): valid files
 * from the codecs' own writers, through the test fixtures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static void put(const char *dir, const char *name, const struct vmm_buf *b)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b->p, 1, b->len, f) != b->len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void desc_seeds(const char *dir)
{
	struct hib_desc d;
	struct vmm_buf b = { 0 };
	char why[200];

	fx_desc(&d);
	if (desc_format(&d, &b, why, sizeof(why)))
		exit(1);
	put(dir, "full", &b);
	vmm_buf_free(&b);
	for (unsigned int i = 0; i < d.m.nr_disks; i++) {
		free(d.m.disks[i].path);
		d.m.disks[i].path = NULL;
	}
	d.m.nr_disks = 0;
	free(d.m.initrd.path);
	d.m.initrd = (struct vmm_image){ 0 };
	if (desc_format(&d, &b, why, sizeof(why)))
		exit(1);
	put(dir, "no-disks-no-initrd", &b);
	vmm_buf_free(&b);
	vmm_machine_free(&d.m);
}

static void snap_seeds(const char *dir)
{
	static const struct {
		const char *name;
		struct fx_snap how;
	} seeds[] = {
		{ "format-2", { 0 } },
		{ "format-1", { .format = 1 } },
		{ "reordered-unknown", { .ram_first = true, .unknown_device = true } },
	};

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		struct vmm_buf b = { 0 };

		fx_snapshot(&seeds[i].how, &b);
		put(dir, seeds[i].name, &b);
		vmm_buf_free(&b);
	}
}

int main(int argc, char **argv)
{
	char dir[512];

	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds_vmm CORPUS_DIR\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/desc", argv[1]);
	desc_seeds(dir);
	snprintf(dir, sizeof(dir), "%s/vmsnap", argv[1]);
	snap_seeds(dir);
	return 0;
}
