// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness: snapshot restore from arbitrary bytes. Whatever the
 * input, restore must not crash, must leave the engine untouched when it
 * refuses, and may accept only a canonical snapshot: one that the engine,
 * once restored, writes back byte for byte (a format 1 snapshot: the same
 * bytes up to where format 2 adds its extension, header aside).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vpsci/vpsci.h>

static int host_cpu_on(void *opaque, uint32_t idx, const struct vpsci_entry *e)
{
	(void)opaque;
	(void)idx;
	(void)e;
	return 0;
}

static void host_cpu_stop(void *opaque, uint32_t idx)
{
	(void)opaque;
	(void)idx;
}

static void host_event(void *opaque, const struct vpsci_system_event *ev)
{
	(void)opaque;
	(void)ev;
}

static uint64_t host_now_us(void *opaque)
{
	(void)opaque;
	return 1000;
}

static const struct vpsci_ops ops = {
	.size = sizeof(ops),
	.cpu_on = host_cpu_on,
	.cpu_stop = host_cpu_stop,
	.system_event = host_event,
	.now_us = host_now_us,
};

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_snapshot: invariant violated: %s\n", what);
		abort();
	}
}

/*
 * The engine fuzz/mkseeds makes its format 2 seeds from: 4 vCPUs in two
 * clusters, PSCI 1.3, 1 GiB, a 3-level hierarchy and every option.
 */
static struct vpsci_vm *reference_vm(void)
{
	static const struct vpsci_mem_region ram = { 0x40000000, 0x40000000 };
	static const uint64_t mpidrs[] = { 0x0, 0x1, 0x100, 0x101 };
	struct vpsci_config cfg = {
		.size = sizeof(cfg),
		.version = VPSCI_VERSION_1_3,
		.nr_vcpus = 4,
		.mpidrs = mpidrs,
		.mem = &ram,
		.nr_mem = 1,
		.flags = VPSCI_CFG_ALL_FLAGS & ~VPSCI_CFG_0_1_IDS,
		.pd_levels = 3,
		.pd_states = { 6, 6, 6 },
	};
	struct vpsci_vm *vm;

	check(vpsci_create(&cfg, &ops, NULL, &vm) == 0, "reference config");
	return vm;
}

static void check_canonical(struct vpsci_vm *vm, const uint8_t *data, size_t size)
{
	size_t n = vpsci_snapshot_size(vm), len = 0, v1;
	uint8_t *out = malloc(n);

	check(out && vpsci_snapshot(vm, out, n, &len) == 0, "snapshot after restore");
	if (size > 16 && data[8] == 1 && data[9] == 0) {
		/* format 1: its total size is where format 2's extension starts */
		v1 = (size_t)data[12] | (size_t)data[13] << 8 | (size_t)data[14] << 16 |
		     (size_t)data[15] << 24;
		check(v1 < len && v1 <= size, "format 1 is a prefix of format 2");
		check(!memcmp(out, data, 8) && !memcmp(out + 10, data + 10, 2) &&
		      !memcmp(out + 20, data + 20, v1 - 20),
		      "accepted format 1 input is canonical");
	} else {
		check(len <= size && !memcmp(out, data, len), "accepted input is canonical");
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vpsci_vm *vm = reference_vm(), *created;
	size_t n = vpsci_snapshot_size(vm), len = 0;
	uint8_t *before = malloc(n), *after = malloc(n);
	int err;

	check(before && after, "malloc");
	check(vpsci_snapshot(vm, before, n, &len) == 0, "reference snapshot");
	err = vpsci_restore(vm, data, size);
	if (err) {
		check(vpsci_snapshot(vm, after, n, &len) == 0 && !memcmp(before, after, n),
		      "a refused restore leaves the engine untouched");
	} else {
		check_canonical(vm, data, size);
	}

	if (vpsci_create_from_snapshot(data, size, &ops, NULL, &created) == 0) {
		check_canonical(created, data, size);
		vpsci_destroy(created);
	}
	free(before);
	free(after);
	vpsci_destroy(vm);
	return 0;
}
