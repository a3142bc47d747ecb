// SPDX-License-Identifier: BSD-2-Clause
/*
 * CPU_OFF (DEN0022 5.4) and CPU_FREEZE (5.16). Only the caller can turn
 * itself off, and only an ON CPU can call, so each is a single state change
 * on the caller's own word; the host then parks the caller's thread
 * (VPSCI_EXIT_OFF).
 *
 * CPU_FREEZE, our reading of 5.16: the caller enters an implementation-
 * defined low-power state that only a CPU_ON ends, which then starts it at
 * the CPU_ON's entry point like a CPU that was off. For a VM that state is
 * off: AFFINITY_INFO and NODE_HW_STATE report OFF, and the same DENIED rule
 * as CPU_OFF applies (none: the last CPU may go too). The engine remembers
 * that the CPU froze (snapshots keep it) until the CPU_ON.
 */
#include "vpsci_private.h"

static int32_t power_off(struct vpsci_vm *vm, uint32_t caller, uint32_t susp,
			 struct vpsci_result *res)
{
	struct vpsci_vcpu *v = &vm->vcpus[caller];
	uint32_t s = PS_ON;

	tr_begin(vm, caller);
	/* AFFINITY_INFO above level 0 waits for us until the CAS is counted. */
	aff_add(vm, caller, AFF_DOWN);
	atomic_store(&v->susp, susp);
	if (!atomic_compare_exchange_strong(&v->state, &s, PS_OFF)) {
		atomic_store(&v->susp, 0);
		aff_add(vm, caller, -AFF_DOWN);
		tr_end(vm, caller);
		return VPSCI_RET_DENIED;
	}
	aff_add(vm, caller, -(AFF_ON + AFF_DOWN));
	tr_end(vm, caller);
	res->exit = VPSCI_EXIT_OFF;
	/* DEN0022 5.4, 5.16: never returns on success; if the host resumes it anyway. */
	return VPSCI_RET_INTERNAL_FAILURE;
}

int32_t psci_cpu_off(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
		     struct vpsci_result *res)
{
	(void)args;
	return power_off(vm, caller, 0, res);
}

int32_t psci_cpu_freeze(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			struct vpsci_result *res)
{
	(void)args;
	return power_off(vm, caller, SUSP_FROZEN, res);
}
