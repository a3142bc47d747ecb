// SPDX-License-Identifier: BSD-2-Clause
/*
 * CPU_OFF (DEN0022 5.4). Only the caller can turn itself off, and only an
 * ON CPU can call, so this is a single state change on the caller's own
 * word; the host then parks the caller's thread (VPSCI_EXIT_OFF).
 */
#include "vpsci_private.h"

int32_t psci_cpu_off(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
		     struct vpsci_result *res)
{
	uint32_t s = PS_ON;

	(void)args;
	if (!atomic_compare_exchange_strong(&vm->vcpus[caller].state, &s, PS_OFF))
		return VPSCI_RET_DENIED;
	res->exit = VPSCI_EXIT_OFF;
	/* DEN0022 5.4: never returns on success; if the host resumes it anyway. */
	return VPSCI_RET_INTERNAL_FAILURE;
}
