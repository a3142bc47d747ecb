// SPDX-License-Identifier: BSD-2-Clause
/*
 * PSCI_STAT_RESIDENCY (DEN0022 5.21) and PSCI_STAT_COUNT (5.22): per vCPU
 * and composite state, how often it was entered and for how long, counted
 * when the vCPU wakes (vpsci_vcpu_wake) with the host's clock
 * (ops->now_us). Only VMs with VPSCI_CFG_STAT have the counters.
 */
#include "vpsci_private.h"

static struct stat_slot *slot_of(const struct vpsci_vm *vm, uint32_t idx, uint32_t comp)
{
	int i = comp_index(vm, comp);

	return i < 0 ? NULL : &vm->stats[(size_t)idx * vm->nr_comps + (uint32_t)i];
}

/*
 * Count one completed entry of vCPU idx into 'entered'. Only the vCPU's
 * own wake-up writes its counters; the atomics let any vCPU read them.
 * A clock that went backwards (a restored snapshot from another host)
 * adds nothing rather than wrapping.
 */
void stat_account(struct vpsci_vm *vm, uint32_t idx, uint32_t entered)
{
	struct stat_slot *slot = slot_of(vm, idx, entered);
	uint64_t now = vm->ops->now_us(vm->opaque), start = vm->vcpus[idx].susp_start_us;

	assert(slot);
	atomic_fetch_add(&slot->count, 1);
	if (now > start)
		atomic_fetch_add(&slot->residency_us, now - start);
}

/*
 * Both functions: (target_cpu, power_state). The target must be a vCPU and
 * the power_state a valid one for this VM (in its format); the answer is
 * not a PSCI code but a count: the full 64 bits for SMC64, the low 32 for
 * SMC32.
 */
static int32_t stat_query(struct vpsci_vm *vm, const struct psci_args *args,
			  struct vpsci_result *res, bool residency)
{
	struct stat_slot *slot;
	uint32_t comp;
	uint64_t v;
	bool pd;
	int idx;

	if (args->a1 & ~VPSCI_MPIDR_AFF_MASK)
		return VPSCI_RET_INVALID_PARAMETERS;
	idx = topology_find(vm, args->a1);
	if (idx < 0)
		return VPSCI_RET_INVALID_PARAMETERS;
	if (ps_decode(vm, (uint32_t)args->a2, &comp, &pd))
		return VPSCI_RET_INVALID_PARAMETERS;
	slot = slot_of(vm, (uint32_t)idx, comp);
	assert(slot);
	v = residency ? atomic_load(&slot->residency_us) : atomic_load(&slot->count);
	res->x[0] = args->smc64 ? v : (uint32_t)v;
	return PSCI_RAW;
}

int32_t psci_stat_residency(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			    struct vpsci_result *res)
{
	(void)caller;
	return stat_query(vm, args, res, true);
}

int32_t psci_stat_count(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			struct vpsci_result *res)
{
	(void)caller;
	return stat_query(vm, args, res, false);
}
