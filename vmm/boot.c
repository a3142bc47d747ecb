// SPDX-License-Identifier: BSD-2-Clause
/*
 * One boot's VM, in the order KVM needs: the VM and its RAM, the PSCI mode
 * (it decides the vCPUs' features), the vCPUs, the devices of the run's
 * registry (vGIC first, disks), the engine, then either the images
 * (loader.c) or, on the first boot of a --restore, the snapshot's state.
 * Only the top layer sees all of these.
 */
#include "boot.h"
#include "hw/hw.h"
#include "psci/psci.h"
#include "state/state.h"

int boot_create(struct vmm *vm, const struct vmm_opts *o, int kvm_fd)
{
	int r;

	r = vm_create(vm, o, kvm_fd);
	if (!r)
		r = psci_resolve(vm);
	if (!r)
		r = vm_create_vcpus(vm);
	if (!r)
		r = psci_setup(vm);
	if (!r)
		r = machine_check_engine(vm);
	if (r)
		return r;
	if (o->restore_path && vm->boot_nr == 0)
		return snapshot_restore(vm);	/* RAM, vCPUs, GIC, UART, engine from the file */
	if (loader_load(vm) < 0)
		return VMM_EXIT_USAGE;
	return vm_boot_regs(vm);
}
