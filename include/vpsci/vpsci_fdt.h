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
 * hierarchy (pd_levels = 0). Each state is an offered local state of one
 * level ("cpu-retention", "cpu-power-down", "cluster-retention",
 * "cluster-power-down", "system-retention", "system-power-down"), whose
 * arm,psci-suspend-param is the composite power_state (vpsci_power_state())
 * with the deepest lower-level states that may go with it, plus
 * entry-latency-us, exit-latency-us, min-residency-us, and local-timer-stop
 * when the CPU powers down. /cpus/idle-states gets entry-method = "psci".
 *   platform-coordinated (no VPSCI_CFG_OSI): every state is an
 *     "arm,idle-state" in /cpus/idle-states, and each cpu node lists them
 *     all, shallowest first, in cpu-idle-states;
 *   OS-initiated (VPSCI_CFG_OSI), psci.yaml's hierarchical model: CPU
 *     states in /cpus/idle-states, cluster and system states as
 *     "domain-idle-state" nodes in /cpus/domain-idle-states; under /psci,
 *     power-domain-cpuN (one per vCPU index N; domain-idle-states = the CPU
 *     states), power-domain-clusterK (K = the index of the cluster's first
 *     vCPU; its states) and power-domain-system (3 levels; its states), each
 *     with #power-domain-cells = 0 and power-domains = its parent; each cpu
 *     node gets power-domains = <&power-domain-cpuN>, power-domain-names =
 *     "psci", and cpu-idle-states = the CPU states (for kernels without
 *     PSCI power domains).
 * Fails with -FDT_ERR_NOTFOUND without /cpus or (OSI) /psci, and with
 * -FDT_ERR_EXISTS if the nodes are there already.
 */
int vpsci_fdt_add_idle_states(const struct vpsci_vm *vm, void *fdt, int *fdt_err);

#ifdef __cplusplus
}
#endif

#endif /* VPSCI_VPSCI_FDT_H */
