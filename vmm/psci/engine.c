// SPDX-License-Identifier: BSD-2-Clause
/*
 * The engine of one boot: libvpsci created from this VM's configuration
 * (version, conduit, vCPUs and their MPIDRs, RAM, power domains, optional
 * functions), or brought back from --resume's record, then the SMCCC filter
 * that sends the guest's calls to it.
 */
#include <stdlib.h>

#include "internal.h"
#include "log.h"
#include "psci.h"
#include "util/names.h"

/* The guest-visible version: user mode's own; kernel and hybrid pin KVM's. */
static int choose_version(struct vmm *vm)
{
	if (vm->mode != VMM_PSCI_USER)
		return psci_pin_kvm_version(vm);
	vm->psci_version = vm->opts->psci_version ? vm->opts->psci_version : VPSCI_VERSION_1_3;
	return 0;
}

/* A fresh engine for this configuration. Returns 0, an exit status, or a VPSCI_E_*. */
static int create_fresh(struct vmm *vm, const uint64_t *mpidrs)
{
	struct vpsci_config cfg = { .size = sizeof(cfg) };
	struct vpsci_mem_region ram = { VMM_RAM_BASE, vm->ram_size };
	int r;

	cfg.version = vm->psci_version;
	cfg.conduit = vm->opts->conduit;
	cfg.nr_vcpus = vm->nr_vcpus;
	cfg.mpidrs = mpidrs;
	cfg.boot_vcpu = 0;
	cfg.mem = &ram;
	cfg.nr_mem = 1;
	if (vm->system_suspend && vm->mode != VMM_PSCI_KERNEL)
		cfg.flags |= VPSCI_CFG_SYSTEM_SUSPEND;
	r = pm_config(vm, &cfg);
	if (r)
		return r;
	return vpsci_create(&cfg, &psci_ops, vm, &vm->psci);
}

/* The engine: --resume's recorded one (its version wins), reset for the new boot; else fresh. */
static int create_engine(struct vmm *vm)
{
	const struct vmm_machine *rec = vm->opts->resume;
	char vs[VMM_VERSION_STR_LEN];
	uint64_t *mpidrs;
	int r;

	if (rec) {
		r = vpsci_create_from_snapshot(rec->engine, rec->engine_len, &psci_ops, vm,
					       &vm->psci);
		if (r == 0)
			r = vpsci_reset(vm->psci);
	} else {
		mpidrs = calloc(vm->nr_vcpus, sizeof(*mpidrs));
		if (!mpidrs) {
			vmm_log("out of memory");
			return VMM_EXIT_HOST;
		}
		for (unsigned int i = 0; i < vm->nr_vcpus; i++)
			mpidrs[i] = vm->vcpus[i].mpidr;
		r = create_fresh(vm, mpidrs);
		free(mpidrs);
		if (r > 0)
			return r;	/* pm_config's exit status */
	}
	if (r < 0) {
		vmm_log("vpsci_create (PSCI %s, %u vCPUs): %s",
			vmm_version_str(vm->psci_version, vs, sizeof(vs)), vm->nr_vcpus,
			vpsci_strerror(r));
		return VMM_EXIT_USAGE;
	}
	return 0;
}

int psci_setup(struct vmm *vm)
{
	char vs[VMM_VERSION_STR_LEN];
	int r;

	r = choose_version(vm);
	if (!r)
		r = psci_setup_system_suspend(vm);
	if (!r)
		r = create_engine(vm);
	if (!r)
		r = psci_program_filter(vm);
	if (r)
		return r;
	if (vm->boot_nr == 0)
		vmm_debug("PSCI %s, mode %s, conduit %s, %u vCPUs",
			  vmm_version_str(vm->psci_version, vs, sizeof(vs)), vmm_mode_name(vm->mode),
			  vmm_conduit_name(vm->opts->conduit), vm->nr_vcpus);
	return 0;
}
