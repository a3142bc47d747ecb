// SPDX-License-Identifier: BSD-2-Clause
/*
 * CPU_SUSPEND (DEN0022 5.3) and CPU_DEFAULT_SUSPEND (5.17), in either
 * power_state format and suspend mode, and the wake-up that ends them.
 *
 * The power_state is decoded into the composite it requests (vpsci_pd.c),
 * coordinated with the other CPUs into the composite the caller enters, and
 * both are published in the caller's susp word before its state becomes
 * SUSPENDED, so other CPUs (coordination, NODE_HW_STATE) read them in one
 * load. The host decides whether a power-down state is really entered: it
 * either resumes the caller after the call (standby) or starts it at
 * result.entry from a clean state (VPSCI_EXIT_SUSPEND).
 */
#include <string.h>

#include "vpsci_private.h"

static int32_t suspend(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
		       uint32_t ps, uint64_t pc, uint64_t context_id, struct vpsci_result *res)
{
	struct vpsci_vcpu *v = &vm->vcpus[caller];
	struct vpsci_entry entry;
	uint32_t s = PS_ON, req, ent;
	bool powerdown;
	int32_t ret;

	/* TF-A's order: the state, then the entry point, then coordination. */
	ret = ps_decode(vm, ps, &req, &powerdown);
	if (ret)
		return ret;
	memset(&entry, 0, sizeof(entry));
	/* DEN0022 5.3: the entry point matters only if context is lost. */
	if (powerdown && !entry_decode(vm, args, pc, context_id, &entry))
		return VPSCI_RET_INVALID_ADDRESS;
	ret = pd_coordinate(vm, caller, req, &ent);
	if (ret)
		return ret;

	/* Publish the details before the state (release via seq_cst CAS). */
	v->power_state = ps;
	v->resume = entry;
	if (vm->stats)
		v->susp_start_us = vm->ops->now_us(vm->opaque);
	atomic_store(&v->susp, SUSP_MAKE(req, ent));
	atomic_store(&v->susp_seq, pd_next_seq(vm));
	if (!atomic_compare_exchange_strong(&v->state, &s, PS_SUSPENDED)) {
		v->power_state = 0;
		memset(&v->resume, 0, sizeof(v->resume));
		atomic_store(&v->susp, 0);
		return VPSCI_RET_DENIED;
	}

	res->exit = VPSCI_EXIT_SUSPEND;
	res->power_state = ps;
	res->powerdown = powerdown;
	res->entry = entry;
	/* What a standby state, or a power-down entered as standby, returns. */
	return VPSCI_RET_SUCCESS;
}

/* CPU_SUSPEND(power_state, entry_point, context_id); power_state is 32-bit. */
int32_t psci_cpu_suspend(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			 struct vpsci_result *res)
{
	return suspend(vm, caller, args, (uint32_t)args->a1, args->a2, args->a3, res);
}

/*
 * CPU_DEFAULT_SUSPEND(entry_point, context_id), DEN0022 5.17: CPU_SUSPEND
 * with a state the implementation picks, here this VM's deepest CPU-level
 * state (pd_default_power_state()).
 */
int32_t psci_cpu_default_suspend(struct vpsci_vm *vm, uint32_t caller,
				 const struct psci_args *args, struct vpsci_result *res)
{
	return suspend(vm, caller, args, pd_default_power_state(vm), args->a1, args->a2, res);
}

/*
 * The suspension ends: the vCPU is ON again, and with VPSCI_CFG_STAT its
 * entry into the composite it entered is counted, with the time since it
 * was accepted. The host calls this before it resumes the vCPU, so nothing
 * else touches the vCPU's suspension details meanwhile.
 */
VPSCI_EXPORT int vpsci_vcpu_wake(struct vpsci_vm *vm, uint32_t vcpu)
{
	struct vpsci_vcpu *v;
	uint32_t s = PS_SUSPENDED;

	if (!vm || vcpu >= vm->nr_vcpus)
		return VPSCI_E_RANGE;
	v = &vm->vcpus[vcpu];
	tr_begin(vm, vcpu);
	if (!atomic_compare_exchange_strong(&v->state, &s, PS_ON)) {
		tr_end(vm, vcpu);
		return VPSCI_E_STATE;
	}
	tr_end(vm, vcpu);
	if (vm->stats)
		stat_account(vm, vcpu, SUSP_ENT(atomic_load(&v->susp)));
	v->power_state = 0;
	memset(&v->resume, 0, sizeof(v->resume));
	atomic_store(&v->susp, 0);
	return 0;
}
