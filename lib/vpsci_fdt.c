// SPDX-License-Identifier: BSD-2-Clause
/*
 * libvpsci-fdt: the device-tree nodes that describe this engine to a guest
 * (Linux: Documentation/devicetree/bindings/arm/psci.yaml and cpus.yaml).
 * Everything written is derived from the engine's own configuration, so the
 * DT promises exactly what vpsci_call() answers.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include <vpsci/vpsci_fdt.h>

#include "vpsci_private.h"	/* VPSCI_EXPORT only: this file uses the public API */

/* Store a libfdt error for the caller and map it to ours. */
static int fdt_fail(int err, int *fdt_err)
{
	if (fdt_err)
		*fdt_err = err;
	return VPSCI_E_FDT;
}

/* Offset of the root's child 'name', created if missing. */
static int root_child(void *fdt, const char *name)
{
	int off = fdt_subnode_offset(fdt, 0, name);

	if (off == -FDT_ERR_NOTFOUND)
		off = fdt_add_subnode(fdt, 0, name);
	return off;
}

VPSCI_EXPORT int vpsci_fdt_add_psci(const struct vpsci_vm *vm, void *fdt, int *fdt_err)
{
	/* Newest first: DEN0022's bindings, "arm,psci" being the 0.1 one. */
	static const char compat_1_0[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	static const char compat_0_2[] = "arm,psci-0.2\0arm,psci";
	static const char compat_0_1[] = "arm,psci";
	uint32_t version;
	bool ids_0_1;
	const char *compat;
	size_t compat_len;
	int off, err;

	if (!vm || !fdt)
		return VPSCI_E_INVAL;

	version = vpsci_version(vm);
	if (version >= VPSCI_VERSION_1_0) {
		compat = compat_1_0;
		compat_len = sizeof(compat_1_0);
	} else if (version == VPSCI_VERSION_0_2) {
		compat = compat_0_2;
		compat_len = sizeof(compat_0_2);
	} else {
		compat = compat_0_1;
		compat_len = sizeof(compat_0_1);
	}
	/*
	 * "arm,psci" stays in the list only for guests that get the 0.1 IDs;
	 * without the ID properties it would promise a 0.1 interface we don't
	 * answer. 0.2+ without the fallback ends at "arm,psci-0.2".
	 */
	ids_0_1 = version == VPSCI_VERSION_0_1 || (vpsci_flags(vm) & VPSCI_CFG_0_1_IDS);
	if (!ids_0_1)
		compat_len -= sizeof("arm,psci");

	off = root_child(fdt, "psci");
	if (off < 0)
		return fdt_fail(off, fdt_err);
	err = fdt_setprop(fdt, off, "compatible", compat, (int)compat_len);
	if (!err)
		err = fdt_setprop_string(fdt, off, "method",
					 vpsci_conduit(vm) == VPSCI_CONDUIT_SMC ? "smc" : "hvc");
	if (!err && ids_0_1) {
		/* MIGRATE is not offered (no trusted OS), so no "migrate". */
		err = fdt_setprop_u32(fdt, off, "cpu_suspend", VPSCI_0_1_FN_CPU_SUSPEND);
		if (!err)
			err = fdt_setprop_u32(fdt, off, "cpu_off", VPSCI_0_1_FN_CPU_OFF);
		if (!err)
			err = fdt_setprop_u32(fdt, off, "cpu_on", VPSCI_0_1_FN_CPU_ON);
	}
	if (err)
		return fdt_fail(err, fdt_err);
	return 0;
}

VPSCI_EXPORT int vpsci_fdt_add_cpus(const struct vpsci_vm *vm, void *fdt, int *fdt_err)
{
	uint32_t i, n;
	int cpus, err;

	if (!vm || !fdt)
		return VPSCI_E_INVAL;

	cpus = fdt_add_subnode(fdt, 0, "cpus");
	if (cpus < 0)
		return fdt_fail(cpus, fdt_err);
	/* Two address cells: Aff3 lives in MPIDR bits 39:32. */
	err = fdt_setprop_u32(fdt, cpus, "#address-cells", 2);
	if (!err)
		err = fdt_setprop_u32(fdt, cpus, "#size-cells", 0);
	if (err)
		return fdt_fail(err, fdt_err);

	/*
	 * fdt_add_subnode() inserts before existing children, so add them in
	 * reverse to list the CPUs in vCPU index order (Linux numbers logical
	 * CPUs in DT order; the boot CPU is found by MPIDR).
	 */
	n = vpsci_nr_vcpus(vm);
	for (i = n; i-- > 0;) {
		uint64_t mpidr = vpsci_vcpu_mpidr(vm, i);
		char name[32];
		int cpu;

		snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)mpidr);
		cpu = fdt_add_subnode(fdt, cpus, name);
		if (cpu < 0)
			return fdt_fail(cpu, fdt_err);
		err = fdt_setprop_string(fdt, cpu, "device_type", "cpu");
		if (!err)
			err = fdt_setprop_string(fdt, cpu, "compatible", "arm,armv8");
		if (!err)
			err = fdt_setprop_u64(fdt, cpu, "reg", mpidr);
		if (!err)
			err = fdt_setprop_string(fdt, cpu, "enable-method", "psci");
		if (err)
			return fdt_fail(err, fdt_err);
	}
	return 0;
}
