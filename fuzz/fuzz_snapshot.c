// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness: snapshot restore from arbitrary bytes. Whatever the
 * input, restore must not crash, must leave the engine untouched when it
 * refuses, and may accept only a canonical snapshot: one that the engine,
 * once restored, writes back byte for byte.
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

static const struct vpsci_ops ops = {
	.cpu_on = host_cpu_on,
	.cpu_stop = host_cpu_stop,
	.system_event = host_event,
};

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_snapshot: invariant violated: %s\n", what);
		abort();
	}
}

/* The engine fuzz/mkseeds makes its seeds from: 4 vCPUs, PSCI 1.3, 1 GiB. */
static struct vpsci_vm *reference_vm(void)
{
	static const struct vpsci_mem_region ram = { 0x40000000, 0x40000000 };
	struct vpsci_config cfg = {
		.version = VPSCI_VERSION_1_3,
		.nr_vcpus = 4,
		.mem = &ram,
		.nr_mem = 1,
		.flags = VPSCI_CFG_SYSTEM_SUSPEND,
	};
	struct vpsci_vm *vm;

	check(vpsci_create(&cfg, &ops, NULL, &vm) == 0, "reference config");
	return vm;
}

static void check_canonical(struct vpsci_vm *vm, const uint8_t *data, size_t size)
{
	size_t n = vpsci_snapshot_size(vm), len = 0;
	uint8_t *out = malloc(n);

	check(out && vpsci_snapshot(vm, out, n, &len) == 0, "snapshot after restore");
	check(len <= size && !memcmp(out, data, len), "accepted input is canonical");
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
