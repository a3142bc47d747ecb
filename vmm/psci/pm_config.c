// SPDX-License-Identifier: BSD-2-Clause
/*
 * Advanced power management (docs/vpsci-run.md "Power management"): what a
 * power-domain hierarchy (CPU -> cluster -> system) and the optional PSCI
 * 1.0/1.1 functions (--power-domains, --pm-features) make of the engine's
 * configuration and which modes can offer them (the idle-state nodes of
 * the device tree are hw/fdt.c's, from libvpsci-fdt). Everything is off unless asked for: a VM without these
 * options sees exactly the firmware it saw before. (The cluster MPIDR
 * layout is vcpu.c's, the CPU_WAKE events suspend.c's, MEM_PROTECT's wipe
 * mem_protect.c's.)
 */
#include <assert.h>

#include "internal.h"
#include "log.h"
#include "psci.h"
#include "util/names.h"

/*
 * The features --pm-features=all stands for with this hierarchy and version:
 * OSI needs a cluster level to coordinate, STAT a state to count, MEM_PROTECT
 * PSCI 1.1.
 */
static uint32_t resolve_features(const struct pm_opts *pm, uint32_t version)
{
	uint32_t f = pm->features;

	if (pm->features_all)
		for (size_t i = 0; i < vmm_nr_pm_features; i++)
			if (version >= vmm_pm_features[i].min_version)
				f |= vmm_pm_features[i].flag;
	if (pm->features_all && pm->pd_levels < 2)
		f &= ~(uint32_t)VPSCI_CFG_OSI;
	if (pm->features_all && pm->pd_levels < 1)
		f &= ~(uint32_t)VPSCI_CFG_STAT;
	return f;
}

/*
 * Which PSCI modes can offer what: a hierarchy and every CPU-level function
 * need the engine to see CPU_SUSPEND, CPU_ON and CPU_OFF (user mode); in
 * hybrid mode KVM answers those, so only MEM_PROTECT (a system function whose
 * answers come from the memory map) is truthful there; kernel mode offers
 * none of it. Returns -1 (fine) or an exit status after a message.
 */
static int check_mode(const struct pm_opts *pm, enum vmm_psci_mode mode, uint32_t features,
		      bool resolved)
{
	const char *how = resolved ? " (the mode chosen for this host)" : "";

	if (mode == VMM_PSCI_USER)
		return -1;
	if (pm->pd_levels)
		return usage_error("--power-domains needs --psci=user: in %s mode%s KVM answers "
				"CPU_SUSPEND and knows no power domains",
				vmm_mode_name(mode), how);
	if (mode == VMM_PSCI_KERNEL && features)
		return usage_error("--pm-features needs --psci=user (or hybrid for mem-protect): "
				"in kernel mode%s KVM answers PSCI", how);
	for (size_t i = 0; i < vmm_nr_pm_features; i++)
		if ((features & vmm_pm_features[i].flag) && vmm_pm_features[i].flag != VPSCI_CFG_MEM_PROTECT)
			return usage_error("--pm-features=%s needs --psci=user: in hybrid mode%s KVM "
					"answers the CPU calls, so only mem-protect can be offered",
					vmm_pm_features[i].name, how);
	return -1;
}

/*
 * Combinations of options, checked once after parsing (the PSCI mode may
 * still be unknown: pm_config() checks it again once resolved).
 * Returns -1 to go on, or an exit status.
 */
int pm_check_opts(const struct vmm_opts *o)
{
	const struct pm_opts *pm = &o->pm;
	uint32_t version = o->psci_version ? o->psci_version : VPSCI_VERSION_1_3;
	uint32_t f = resolve_features(pm, version);
	int r;

	for (size_t i = 0; i < vmm_nr_pm_features; i++)
		if ((f & vmm_pm_features[i].flag) && version < vmm_pm_features[i].min_version)
			return usage_error("--pm-features=%s needs PSCI %s or later", vmm_pm_features[i].name,
					vmm_pm_features[i].min_version == VPSCI_VERSION_1_1 ? "1.1" : "1.0");
	if ((f & VPSCI_CFG_OSI) && pm->pd_levels < 2)
		return usage_error("--pm-features=osi needs --power-domains=cluster or system "
				"(OS-initiated mode coordinates a cluster)");
	if ((f & VPSCI_CFG_STAT) && pm->pd_levels < 1)
		return usage_error("--pm-features=stat needs --power-domains (the states it counts)");
	if (pm->cpus_per_cluster && (o->cpus - 1) / pm->cpus_per_cluster > 255)
		return usage_error("--cpus-per-cluster %u: %u vCPUs need more than 256 clusters (Aff1)",
				pm->cpus_per_cluster, o->cpus);
	if (o->mode_set) {
		r = check_mode(pm, o->mode, f, false);
		if (r >= 0)
			return r;
	}
	return -1;
}

/*
 * Fill the engine configuration for this VM's hierarchy and features. Levels
 * offer, as a typical big.LITTLE-less SoC does: CPU retention + off, cluster
 * retention + off, system off. Returns 0 or an exit status.
 */
int pm_config(const struct vmm *vm, struct vpsci_config *cfg)
{
	const struct pm_opts *pm = &vm->opts->pm;
	static const uint8_t states[VPSCI_MAX_PD_LEVELS] = {
		VPSCI_PD_RETENTION | VPSCI_PD_OFF,
		VPSCI_PD_RETENTION | VPSCI_PD_OFF,
		VPSCI_PD_OFF,
	};
	uint32_t f = resolve_features(pm, vm->psci_version);
	int r;

	r = check_mode(pm, vm->mode, f, !vm->opts->mode_set);
	if (r >= 0)
		return r;
	assert(pm->pd_levels <= VPSCI_MAX_PD_LEVELS);
	cfg->pd_levels = pm->pd_levels;
	for (unsigned int l = 0; l < pm->pd_levels && l < VPSCI_MAX_PD_LEVELS; l++)
		cfg->pd_states[l] = states[l];
	cfg->flags |= f;
	return 0;
}
