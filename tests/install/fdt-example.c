// SPDX-License-Identifier: BSD-2-Clause
/*
 * The device-tree helpers from an installed libvpsci-fdt: an engine's /psci
 * and /cpus nodes written into an empty tree, then read back. Built by
 * tests/install/build-example with pkg-config vpsci-fdt (and -lfdt, since
 * this program calls libfdt itself). Prints one line; exit status 0 or 1.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>
#include <vpsci/vpsci_fdt.h>

static int on(void *opaque, uint32_t idx, const struct vpsci_entry *entry)
{
	(void)opaque;
	(void)idx;
	(void)entry;
	return 0;
}

static void stop(void *opaque, uint32_t idx)
{
	(void)opaque;
	(void)idx;
}

static void event(void *opaque, const struct vpsci_system_event *ev)
{
	(void)opaque;
	(void)ev;
}

int main(void)
{
	static const struct vpsci_ops ops = {
		.size = sizeof(ops), .cpu_on = on, .cpu_stop = stop, .system_event = event,
	};
	struct vpsci_mem_region ram = { 0x40000000, 1ull << 30 };
	struct vpsci_config cfg = {
		.size = sizeof(cfg), .version = VPSCI_VERSION_1_1, .conduit = VPSCI_CONDUIT_SMC,
		.nr_vcpus = 2, .mem = &ram, .nr_mem = 1,
	};
	static char fdt[4096];
	struct vpsci_vm *vm;
	const char *method;
	int fe = 0, node;

	if (vpsci_create(&cfg, &ops, NULL, &vm) || fdt_create_empty_tree(fdt, sizeof(fdt)) ||
	    vpsci_fdt_add_psci(vm, fdt, &fe) || vpsci_fdt_add_cpus(vm, fdt, &fe)) {
		printf("fdt-example: FAIL: %s\n", fe ? fdt_strerror(fe) : "vpsci_create");
		return 1;
	}
	node = fdt_path_offset(fdt, "/psci");
	method = node >= 0 ? fdt_getprop(fdt, node, "method", NULL) : NULL;
	if (!method || strcmp(method, "smc") || fdt_path_offset(fdt, "/cpus/cpu@1") < 0) {
		printf("fdt-example: FAIL: /psci method or /cpus/cpu@1 missing\n");
		return 1;
	}
	printf("fdt-example: PASS: /psci method = \"%s\", 2 cpu nodes\n", method);
	vpsci_destroy(vm);
	return 0;
}
