// SPDX-License-Identifier: BSD-2-Clause
/*
 * The MPIDR topology: finding a vCPU by affinity (CPU_ON, AFFINITY_INFO at
 * level 0, NODE_HW_STATE).
 *
 * vm->by_mpidr holds the vCPU indices sorted by MPIDR. Because Aff3 sits above
 * Aff2..Aff0 in the value, every affinity instance at any level (all CPUs
 * whose fields above a level match) is one contiguous run of that array:
 * the power-domain clusters and AFFINITY_INFO's nodes (vpsci_affinity.c)
 * are built from those runs.
 */
#include "vpsci_private.h"

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
