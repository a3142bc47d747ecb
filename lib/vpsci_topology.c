// SPDX-License-Identifier: BSD-2-Clause
/*
 * The MPIDR topology: finding a vCPU by affinity (CPU_ON) and AFFINITY_INFO
 * over affinity levels 0..3.
 *
 * vm->by_mpidr holds the vCPU indices sorted by MPIDR. Because Aff3 sits above
 * Aff2..Aff0 in the value, every affinity instance at any level (all CPUs
 * whose fields above a level match) is one contiguous run of that array, so
 * both lookups are a binary search plus, for AFFINITY_INFO, a scan of the run.
 */
#include "vpsci_private.h"

/* Affinity fields compared by AFFINITY_INFO at each lowest_affinity_level. */
static const uint64_t level_mask[4] = {
	0xff00ffffffull,	/* 0: Aff3..Aff0 */
	0xff00ffff00ull,	/* 1: Aff3..Aff1 */
	0xff00ff0000ull,	/* 2: Aff3..Aff2 */
	0xff00000000ull,	/* 3: Aff3 */
};

void topology_init(struct vpsci_vm *vm)
{
	uint32_t i, j;

	/* Insertion sort: runs once, at creation, on at most VPSCI_MAX_VCPUS. */
	for (i = 0; i < vm->nr_vcpus; i++) {
		uint32_t idx = i;

		for (j = i; j > 0 && vm->vcpus[vm->by_mpidr[j - 1]].mpidr > vm->vcpus[idx].mpidr; j--)
			vm->by_mpidr[j] = vm->by_mpidr[j - 1];
		vm->by_mpidr[j] = idx;
	}
}

/* First position in by_mpidr whose MPIDR, masked, is >= key. */
static uint32_t lower_bound(const struct vpsci_vm *vm, uint64_t key, uint64_t mask)
{
	uint32_t lo = 0, hi = vm->nr_vcpus;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if ((vm->vcpus[vm->by_mpidr[mid]].mpidr & mask) < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* vCPU index with exactly this affinity, or VPSCI_E_RANGE. */
int topology_find(const struct vpsci_vm *vm, uint64_t mpidr)
{
	uint32_t pos = lower_bound(vm, mpidr, VPSCI_MPIDR_AFF_MASK);

	if (pos < vm->nr_vcpus && vm->vcpus[vm->by_mpidr[pos]].mpidr == mpidr)
		return (int)vm->by_mpidr[pos];
	return VPSCI_E_RANGE;
}

/*
 * AFFINITY_INFO(target_affinity, lowest_affinity_level), DEN0022 5.6:
 * ON if any CPU of the affinity instance is on (a suspended CPU is on),
 * OFF if all are off. The transient CPU_ON claim is waited out rather than
 * reported as ON_PENDING: a CPU_ON is atomic as seen by other callers, as
 * KVM and its selftests expect (psci-facts §4).
 */
int32_t psci_affinity_info(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			   struct vpsci_result *res)
{
	uint64_t target = args->a1, mask, key;
	uint32_t pos;
	bool found = false;

	(void)caller;
	(void)res;
	if (args->a2 > 3 || (target & ~VPSCI_MPIDR_AFF_MASK))
		return VPSCI_RET_INVALID_PARAMETERS;

	mask = level_mask[args->a2];
	key = target & mask;
	for (pos = lower_bound(vm, key, mask); pos < vm->nr_vcpus; pos++) {
		uint32_t idx = vm->by_mpidr[pos];

		if ((vm->vcpus[idx].mpidr & mask) != key)
			break;
		found = true;
		if (pstate_is_on(vcpu_wait_stable(vm, idx)))
			return VPSCI_AFF_ON;
	}
	/* DEN0022 5.6: no such affinity instance. */
	return found ? VPSCI_AFF_OFF : VPSCI_RET_INVALID_PARAMETERS;
}
