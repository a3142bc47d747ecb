/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device-tree companion of libvpsci (libvpsci-fdt): writes the nodes that
 * tell a guest which PSCI it gets, from the engine itself, so the DT always
 * matches what vpsci_call() will answer (DEN0022 and the Linux binding
 * Documentation/devicetree/bindings/arm/psci.yaml). Uses libfdt; the core
 * engine does not.
 *
 * Both functions work on a tree in libfdt's read-write form (for instance
 * one made by fdt_create_empty_tree()) with room to grow; they return 0,
 * VPSCI_E_INVAL (NULL argument) or VPSCI_E_FDT, and then store the libfdt
 * error (a negative -FDT_ERR_* value, see fdt_strerror()) in *fdt_err when
 * fdt_err is not NULL. On VPSCI_E_FDT the tree may be partly written.
 */
#ifndef VPSCI_VPSCI_FDT_H
#define VPSCI_VPSCI_FDT_H

#include <vpsci/vpsci.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Add (or replace the properties of) the root's "psci" node:
 *   compatible = newest first, "arm,psci-1.0" (1.x), "arm,psci-0.2" (0.2+),
 *                "arm,psci" (0.1, or 0.2+ with VPSCI_CFG_0_1_IDS);
 *   method     = "hvc" | "smc";
 *   cpu_suspend, cpu_off, cpu_on = the 0.1 IDs, when 0.1 IDs are answered
 *                (MIGRATE is not offered, so "migrate" is never written).
 */
int vpsci_fdt_add_psci(const struct vpsci_vm *vm, void *fdt, int *fdt_err);

/*
 * Add the root's "cpus" node (#address-cells = 2, #size-cells = 0) with one
 * "cpu@<mpidr>" child per vCPU, in vCPU index order: device_type = "cpu",
 * compatible = "arm,armv8", reg = MPIDR affinity, enable-method = "psci".
 * Fails with -FDT_ERR_EXISTS if "cpus" exists already.
 */
int vpsci_fdt_add_cpus(const struct vpsci_vm *vm, void *fdt, int *fdt_err);

/*
 * Describe the VM's idle states for Linux's PSCI cpuidle drivers, after
 * vpsci_fdt_add_psci() and vpsci_fdt_add_cpus(); a no-op when the VM has no
 * hierarchy (pd_levels = 0). Writes /cpus/idle-states with one
 * "arm,idle-state" node per CPU-level state (arm,psci-suspend-param,
 * latencies, local-timer-stop for power-down states), and:
 *   platform-coordinated (no VPSCI_CFG_OSI): cpu-idle-states in each cpu
 *     node, listing the CPU states and the composite cluster/system states;
 *   OS-initiated (VPSCI_CFG_OSI): /domain-idle-states ("domain-idle-state"
 *     nodes, one per cluster/system local state, each holding the composite
 *     power_state Linux passes when that domain is the deepest to power
 *     down), /psci power-domain nodes (#power-domain-cells = 0; CPU domains
 *     with cpu-idle-states... per psci.yaml; cluster and system domains with
 *     domain-idle-states and power-domains = the parent), and power-domains
 *     + power-domain-names = "psci" in each cpu node.
 */
int vpsci_fdt_add_idle_states(const struct vpsci_vm *vm, void *fdt, int *fdt_err);

#ifdef __cplusplus
}
#endif

#endif /* VPSCI_VPSCI_FDT_H */
