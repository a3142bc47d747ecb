// SPDX-License-Identifier: BSD-2-Clause
/*
 * CPU_ON (DEN0022 5.5).
 *
 * The caller claims the target (OFF -> ON_CLAIMED) with one compare-and-swap,
 * so of any number of racing CPU_ONs exactly one wins; the others wait for
 * the claim to resolve and answer ALREADY_ON (or retry, if the winner had to
 * roll back). The target's state becomes ON only once the host has accepted
 * the start, and a failed start rolls back to OFF. Lock the target, not the
 * caller.
 */
#include "vpsci_private.h"

/* Claim target idx and start it; the checks of the arguments are done. */
static int32_t start_target(struct vpsci_vm *vm, int idx, const struct vpsci_entry *entry)
{
	struct vpsci_vcpu *t = &vm->vcpus[idx];
	uint32_t s, sys;

	for (;;) {
		s = vcpu_wait_stable(vm, (uint32_t)idx);
		if (s != PS_OFF)
			return VPSCI_RET_ALREADY_ON;
		if (!atomic_compare_exchange_strong(&t->state, &s, PS_ON_CLAIMED))
			continue;
		/*
		 * Sequentially consistent with the CAS on vm->sys in the system
		 * paths: either we see their claim here, or they see ours when
		 * they walk the vCPUs and wait for it to resolve.
		 */
		sys = atomic_load(&vm->sys);
		if (sys == SYS_RUNNING)
			break;
		atomic_store(&t->state, PS_OFF);
		if (sys != SYS_CLAIMED)
			return VPSCI_RET_DENIED;	/* the VM is going down or asleep */
		/*
		 * A SYSTEM_SUSPEND is checking that every other CPU is off. We
		 * are on, so it will be denied: let go of the target (it may be
		 * waiting on it) and try again once it has given up.
		 */
		sys_wait_unclaimed(vm);
	}

	/* Holding the claim: a frozen CPU is a CPU that was off, from now on. */
	atomic_store(&t->susp, 0);
	/* AFFINITY_INFO above level 0 waits for us from here (vpsci_affinity.c). */
	aff_add(vm, (uint32_t)idx, AFF_UP);
	if (vm->ops->cpu_on(vm->opaque, (uint32_t)idx, entry) < 0) {
		atomic_store(&t->state, PS_OFF);
		aff_add(vm, (uint32_t)idx, -AFF_UP);
		return VPSCI_RET_INTERNAL_FAILURE;
	}
	/*
	 * The target is on from its first node's ON count on; level 0 readers
	 * wait for the state word, which we store only once every node counts
	 * it, so no reader sees it on and a later one sees it off.
	 */
	aff_add(vm, (uint32_t)idx, AFF_ON - AFF_UP);
	atomic_store(&t->state, PS_ON);
	return VPSCI_RET_SUCCESS;
}

int32_t psci_cpu_on(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
		    struct vpsci_result *res)
{
	struct vpsci_entry entry;
	int32_t ret;
	int idx;

	(void)caller;
	(void)res;
	/* DEN0022 5.5: checks in TF-A's order: target, entry point, state. */
	if (args->a1 & ~VPSCI_MPIDR_AFF_MASK)
		return VPSCI_RET_INVALID_PARAMETERS;
	idx = topology_find(vm, args->a1);
	if (idx < 0)
		return VPSCI_RET_INVALID_PARAMETERS;
	if (!entry_decode(vm, args, args->a2, args->a3, &entry))
		return VPSCI_RET_INVALID_ADDRESS;

	/* A CPU coming up: OS-initiated checks of its nodes see it (vpsci_pd.c). */
	tr_begin(vm, (uint32_t)idx);
	ret = start_target(vm, idx, &entry);
	tr_end(vm, (uint32_t)idx);
	return ret;
}
