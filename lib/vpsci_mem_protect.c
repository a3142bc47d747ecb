// SPDX-License-Identifier: BSD-2-Clause
/*
 * MEM_PROTECT (DEN0022 5.13) and MEM_PROTECT_CHECK_RANGE (5.14).
 *
 * While protection is on, the host must wipe guest RAM before the guest runs
 * again after a reset (vpsci_mem_protect() tells it). The flag is the
 * non-volatile bit of real firmware: it survives vpsci_reset(), and only a
 * warm SYSTEM_RESET2 clears it (vpsci_system.c), as the spec asks.
 */
#include "vpsci_private.h"

/*
 * MEM_PROTECT(enable): returns the previous state, 0 or 1. Our reading of
 * 5.13: enable is a boolean, 0 or 1; anything else is INVALID_PARAMETERS
 * rather than "on" (TF-A treats any non-zero value as on).
 */
int32_t psci_mem_protect(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			 struct vpsci_result *res)
{
	uint32_t enable = (uint32_t)args->a1;

	(void)caller;
	(void)res;
	if (enable > 1)
		return VPSCI_RET_INVALID_PARAMETERS;
	return (int32_t)atomic_exchange(&vm->mem_protect, enable);
}

/*
 * MEM_PROTECT_CHECK_RANGE(base, length): SUCCESS if [base, base + length)
 * is memory the protection covers, i.e. lies inside one guest RAM region;
 * DENIED otherwise, and for an empty or wrapping range (as TF-A).
 */
int32_t psci_mem_protect_check_range(struct vpsci_vm *vm, uint32_t caller,
				     const struct psci_args *args, struct vpsci_result *res)
{
	uint64_t base = args->a1, len = args->a2;
	uint32_t i;

	(void)caller;
	(void)res;
	if (len == 0 || base > UINT64_MAX - (len - 1))
		return VPSCI_RET_DENIED;
	for (i = 0; i < vm->nr_mem; i++) {
		const struct vpsci_mem_region *r = &vm->mem[i];

		if (base >= r->base && base - r->base <= r->size - 1 &&
		    len <= r->size - (base - r->base))
			return VPSCI_RET_SUCCESS;
	}
	return VPSCI_RET_DENIED;
}

VPSCI_EXPORT bool vpsci_mem_protect(const struct vpsci_vm *vm)
{
	return atomic_load(&vm->mem_protect) != 0;
}
