// SPDX-License-Identifier: BSD-2-Clause
/*
 * CPU_SUSPEND (DEN0022 5.3) in platform-coordinated mode with the original
 * power_state format (5.4.2.1), and the wake-up that ends it.
 */
#include <string.h>

#include "vpsci_private.h"

/* Power levels of the vCPU hierarchy: CPU (0), cluster (1), system (2). */
#define MAX_POWER_LEVEL 2u

int32_t psci_cpu_suspend(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			 struct vpsci_result *res)
{
	struct vpsci_vcpu *v = &vm->vcpus[caller];
	struct vpsci_entry entry;
	uint32_t ps = (uint32_t)args->a1;	/* power_state is a 32-bit parameter */
	uint32_t s = PS_ON;
	bool powerdown;

	/* DEN0022 5.3, original format: reserved bits must be zero. */
	if (ps & VPSCI_PS_RESERVED_MASK)
		return VPSCI_RET_INVALID_PARAMETERS;
	if (((ps >> VPSCI_PS_LEVEL_SHIFT) & VPSCI_PS_LEVEL_MASK) > MAX_POWER_LEVEL)
		return VPSCI_RET_INVALID_PARAMETERS;

	memset(&entry, 0, sizeof(entry));
	powerdown = ps & VPSCI_PS_TYPE_POWERDOWN;
	/* DEN0022 5.3: the entry point matters only if context is lost. */
	if (powerdown && !entry_decode(vm, args, args->a2, args->a3, &entry))
		return VPSCI_RET_INVALID_ADDRESS;

	/* Publish the details before the state (release via seq_cst CAS). */
	v->power_state = ps;
	v->resume = entry;
	if (!atomic_compare_exchange_strong(&v->state, &s, PS_SUSPENDED)) {
		v->power_state = 0;
		memset(&v->resume, 0, sizeof(v->resume));
		return VPSCI_RET_DENIED;
	}

	res->exit = VPSCI_EXIT_SUSPEND;
	res->power_state = ps;
	res->powerdown = powerdown;
	res->entry = entry;
	/* What a standby state, or a power-down entered as standby, returns. */
	return VPSCI_RET_SUCCESS;
}

VPSCI_EXPORT int vpsci_vcpu_wake(struct vpsci_vm *vm, uint32_t vcpu)
{
	struct vpsci_vcpu *v;
	uint32_t s = PS_SUSPENDED;

	if (!vm || vcpu >= vm->nr_vcpus)
		return VPSCI_E_RANGE;
	v = &vm->vcpus[vcpu];
	if (!atomic_compare_exchange_strong(&v->state, &s, PS_ON))
		return VPSCI_E_STATE;
	/* Only this vCPU's own thread touches these while it is ON. */
	v->power_state = 0;
	memset(&v->resume, 0, sizeof(v->resume));
	return 0;
}
