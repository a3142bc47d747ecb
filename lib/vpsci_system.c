// SPDX-License-Identifier: BSD-2-Clause
/*
 * System-wide calls: SYSTEM_OFF (DEN0022 5.10), SYSTEM_RESET (5.11),
 * SYSTEM_RESET2 (5.12), SYSTEM_OFF2 (DEN0022F) and SYSTEM_SUSPEND (5.19).
 *
 * Each reports a distinct event to the host through ops->system_event and
 * in the caller's result, after every other vCPU that is not OFF has been
 * stopped (Linux's kvm_prepare_system_event does the same). Reset is not shutdown, and
 * hibernate is not shutdown either: the host must keep the machine.
 */
#include <string.h>

#include "vpsci_private.h"

/*
 * Claim the VM for a system event: RUNNING -> EVENT. A SYSTEM_SUSPEND that
 * is checking the other CPUs (SYS_CLAIMED) must fail, since we are on, so
 * wait for it. Returns false if another event got there first.
 */
static bool sys_claim_event(struct vpsci_vm *vm)
{
	uint32_t s;

	for (;;) {
		s = SYS_RUNNING;
		if (atomic_compare_exchange_strong(&vm->sys, &s, SYS_EVENT))
			return true;
		if (s != SYS_CLAIMED)
			return false;
		sys_wait_unclaimed(vm);
	}
}

/*
 * Stop the world, then report. Once vm->sys is EVENT no CPU_ON can succeed
 * (it checks after claiming its target), and any CPU_ON that claimed before
 * is waited out here, so every vCPU that could run guest code is stopped.
 */
static int32_t system_event(struct vpsci_vm *vm, uint32_t caller,
			    const struct vpsci_system_event *ev, struct vpsci_result *res)
{
	uint32_t i;

	if (!sys_claim_event(vm))
		return VPSCI_RET_DENIED;	/* the VM is already going down */
	/*
	 * DEN0022 5.12, 5.13: a warm reset keeps memory, so it first turns
	 * memory protection off, before the host learns of the reset. Vendor
	 * types mean what the VMM says; the engine cannot know they keep
	 * memory, so protection stays on and the host wipes (the safe side).
	 */
	if (ev->type == VPSCI_EVENT_RESET2 && ev->reset_type == VPSCI_RESET2_WARM_RESET)
		atomic_store(&vm->mem_protect, 0);

	for (i = 0; i < vm->nr_vcpus; i++)
		if (i != caller && vcpu_wait_stable(vm, i) != PS_OFF)
			vm->ops->cpu_stop(vm->opaque, i);

	vm->event = *ev;
	vm->event.caller = caller;
	if (vm->ops->system_event)
		vm->ops->system_event(vm->opaque, &vm->event);
	res->exit = VPSCI_EXIT_SYSTEM_EVENT;
	res->event = vm->event;
	/* These calls do not return; if the host resumes the caller anyway. */
	return VPSCI_RET_INTERNAL_FAILURE;
}

int32_t psci_system_off(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			struct vpsci_result *res)
{
	const struct vpsci_system_event ev = { .type = VPSCI_EVENT_OFF };

	(void)args;
	return system_event(vm, caller, &ev, res);
}

int32_t psci_system_reset(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			  struct vpsci_result *res)
{
	const struct vpsci_system_event ev = { .type = VPSCI_EVENT_RESET };

	(void)args;
	return system_event(vm, caller, &ev, res);
}

/*
 * DEN0022 5.12: reset_type bit 31 clear is architectural, where only
 * WARM_RESET (0) is defined; bit 31 set is vendor-defined, and we accept the
 * vendor types the VMM declared. The cookie is passed on untouched.
 */
int32_t psci_system_reset2(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			   struct vpsci_result *res)
{
	struct vpsci_system_event ev = { .type = VPSCI_EVENT_RESET2 };
	uint32_t type = (uint32_t)args->a1;	/* reset_type is a 32-bit parameter */
	bool known = false;

	if (type & VPSCI_RESET2_VENDOR) {
		for (uint32_t i = 0; i < vm->nr_reset2; i++)
			known |= vm->reset2_types[i] == type;
	} else {
		known = type == VPSCI_RESET2_WARM_RESET;
	}
	if (!known)
		return VPSCI_RET_INVALID_PARAMETERS;

	ev.reset_type = type;
	ev.cookie = args->a2;
	return system_event(vm, caller, &ev, res);
}

/*
 * DEN0022F (v1.3): HIBERNATE_OFF is the only type; type 0 is accepted as
 * its alias because Linux guests send 0 (psci-facts §4). The cookie must be 0.
 */
int32_t psci_system_off2(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			 struct vpsci_result *res)
{
	struct vpsci_system_event ev = { .type = VPSCI_EVENT_HIBERNATE_OFF };
	uint32_t type = (uint32_t)args->a1;

	if (type != 0 && type != VPSCI_OFF2_TYPE_HIBERNATE_OFF)
		return VPSCI_RET_INVALID_PARAMETERS;
	if (args->a2 != 0)
		return VPSCI_RET_INVALID_PARAMETERS;
	ev.reset_type = type;
	return system_event(vm, caller, &ev, res);
}

/*
 * DEN0022 5.19: DENIED unless every other CPU is OFF (checked first, as
 * TF-A does), INVALID_ADDRESS for a bad entry point. "Every other CPU is
 * OFF" must stay true until the caller is suspended. Claiming the VM
 * (sys: RUNNING -> CLAIMED) is enough for that: a CPU_ON that claims its
 * target after our claim sees it and lets go; one that claimed before is
 * waited out by vcpu_wait_stable() and then seen ON. The Promela model
 * (model/vpsci.pml) checks this.
 */
int32_t psci_system_suspend(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			    struct vpsci_result *res)
{
	struct vpsci_system_event ev = { .type = VPSCI_EVENT_SUSPEND };
	uint32_t i, s;
	int32_t ret = VPSCI_RET_DENIED;

	/* Another CPU is making a system call: it is on, so we are denied. */
	s = SYS_RUNNING;
	if (!atomic_compare_exchange_strong(&vm->sys, &s, SYS_CLAIMED))
		return VPSCI_RET_DENIED;

	for (i = 0; i < vm->nr_vcpus; i++)
		if (i != caller && vcpu_wait_stable(vm, i) != PS_OFF)
			goto fail;

	if (!entry_decode(vm, args, args->a1, args->a2, &ev.entry)) {
		ret = VPSCI_RET_INVALID_ADDRESS;
		goto fail;
	}
	s = PS_ON;
	if (!atomic_compare_exchange_strong(&vm->vcpus[caller].state, &s, PS_SYS_SUSPENDED))
		goto fail;

	ev.caller = caller;
	vm->event = ev;
	atomic_store(&vm->sys, SYS_SUSPENDED);
	if (vm->ops->system_event)
		vm->ops->system_event(vm->opaque, &vm->event);
	res->exit = VPSCI_EXIT_SYSTEM_EVENT;
	res->event = vm->event;
	return VPSCI_RET_INTERNAL_FAILURE;

fail:
	atomic_store(&vm->sys, SYS_RUNNING);
	return ret;
}

VPSCI_EXPORT int vpsci_system_wake(struct vpsci_vm *vm)
{
	uint32_t s = PS_SYS_SUSPENDED;

	if (!vm)
		return VPSCI_E_INVAL;
	if (atomic_load(&vm->sys) != SYS_SUSPENDED)
		return VPSCI_E_STATE;
	if (!atomic_compare_exchange_strong(&vm->vcpus[vm->event.caller].state, &s, PS_ON))
		return VPSCI_E_STATE;
	memset(&vm->event, 0, sizeof(vm->event));
	atomic_store(&vm->sys, SYS_RUNNING);
	return 0;
}
