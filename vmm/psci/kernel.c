// SPDX-License-Identifier: BSD-2-Clause
/*
 * KVM_EXIT_SYSTEM_EVENT: in-kernel PSCI's system events (kernel mode; the
 * CPU calls of hybrid mode never end in one), SYSTEM_SUSPEND handed over by
 * KVM_CAP_ARM_SYSTEM_SUSPEND, and the wake-up from an in-kernel suspended
 * state (CPU_SUSPEND, user mode).
 */
#include <inttypes.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "events.h"
#include "internal.h"
#include "kvm_compat.h"
#include "log.h"

/*
 * Kernel mode with KVM_CAP_ARM_SYSTEM_SUSPEND: KVM hands SYSTEM_SUSPEND over
 * unchecked and leaves the whole call to userspace (api.rst,
 * KVM_SYSTEM_EVENT_SUSPEND); the PC is already past the HVC/SMC. DEN0022
 * 5.19: a bad entry point is INVALID_ADDRESS, another vCPU on is DENIED,
 * else the caller sleeps and restarts at the entry point.
 * Returns 0 (*done when the VM is ending), -1 on a host error.
 */
static int kernel_system_suspend(struct vcpu *v, bool *done)
{
	struct vmm *vm = v->vm;
	struct vpsci_system_event ev = { .type = VPSCI_EVENT_SUSPEND, .caller = v->idx };
	uint64_t fid, pc, ctx, sctlr;
	char extra[96];
	int r;

	if (vcpu_get_reg(v, VMM_REG_X(0), &fid) < 0 || vcpu_get_reg(v, VMM_REG_X(1), &pc) < 0 ||
	    vcpu_get_reg(v, VMM_REG_X(2), &ctx) < 0 ||
	    vcpu_get_reg(v, VMM_REG_SCTLR_EL1, &sctlr) < 0)
		return -1;
	if (!(fid & VPSCI_SMCCC_SMC64)) {
		pc &= 0xffffffffu;	/* SMC32: the upper halves are ignored */
		ctx &= 0xffffffffu;
	}
	if (pc < VMM_RAM_BASE || pc > VMM_RAM_BASE + vm->ram_size - 4 || (pc & 3))
		return vcpu_set_reg(v, VMM_REG_X(0), (uint64_t)(int64_t)VPSCI_RET_INVALID_ADDRESS);
	r = vcpu_others_off(v);
	if (r < 0) {
		*done = true;
		return 0;
	}
	if (r == 0)
		return vcpu_set_reg(v, VMM_REG_X(0), (uint64_t)(int64_t)VPSCI_RET_DENIED);
	ev.entry.pc = pc;
	ev.entry.context_id = ctx;
	ev.entry.big_endian = (sctlr >> 25) & 1;	/* SCTLR_EL1.EE */
	vm_wake_clear(vm);	/* only wake-ups from now on count (ops.c in user mode) */
	snprintf(extra, sizeof(extra), ",\"entry\":\"0x%" PRIx64 "\",\"context\":\"0x%" PRIx64
		 "\"", pc, ctx);
	events_system("SYSTEM_SUSPEND", v->idx, "kernel", extra);
	r = susp_system_suspend(v, &ev, "kernel");
	if (r < 0)
		return -1;
	if (r == 0)
		*done = true;
	return 0;
}

/* KVM_SYSTEM_EVENT_RESET: with the PSCI_RESET2 flag, type and cookie are in x1, x2. */
static void kernel_reset(struct vcpu *v, uint64_t flags)
{
	struct vpsci_system_event ev = { .type = VPSCI_EVENT_RESET, .caller = v->idx };
	uint64_t x1 = 0, x2 = 0;
	char extra[96];

	if (!(flags & KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2)) {
		events_system("SYSTEM_RESET", v->idx, "kernel", NULL);
		psci_log_reset(v->vm, &ev);
		return;
	}
	vcpu_get_reg(v, VMM_REG_X(1), &x1);
	vcpu_get_reg(v, VMM_REG_X(2), &x2);
	ev.type = VPSCI_EVENT_RESET2;
	ev.reset_type = (uint32_t)x1;
	ev.cookie = x2;
	snprintf(extra, sizeof(extra), ",\"type\":\"0x%" PRIx64 "\",\"cookie\":\"0x%" PRIx64 "\"",
		 x1 & 0xffffffffu, x2);
	events_system("SYSTEM_RESET2", v->idx, "kernel", extra);
	psci_log_reset(v->vm, &ev);
}

/* The in-kernel suspended state ended (CPU_SUSPEND in user mode, or a stray wake-up). */
static int kernel_wakeup(struct vcpu *v)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

	if (v->suspended)
		return susp_cpu_wake(v);
	return ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0 ? -1 : 0;
}

int psci_handle_system_event(struct vcpu *v, bool *done)
{
	struct vmm *vm = v->vm;
	uint32_t type = v->run->system_event.type;
	uint64_t flags = v->run->system_event.ndata ? v->run->system_event.data[0] : 0;
	bool off2 = flags & KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2;

	switch (type) {
	case KVM_SYSTEM_EVENT_WAKEUP:
		return kernel_wakeup(v);
	case KVM_SYSTEM_EVENT_SUSPEND:
		return kernel_system_suspend(v, done);
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		events_system(off2 ? "SYSTEM_OFF2" : "SYSTEM_OFF", v->idx, "kernel", NULL);
		vm_finish(vm, off2 ? VMM_OUT_HIBERNATE : VMM_OUT_OFF);
		break;
	case KVM_SYSTEM_EVENT_RESET:
		kernel_reset(v, flags);
		vm_finish(vm, VMM_OUT_RESET);
		break;
	case KVM_SYSTEM_EVENT_CRASH:
		events_system("CRASH", v->idx, "kernel", NULL);
		vmm_log("vcpu%" PRIu32 ": the guest reported a crash", v->idx);
		vm_finish(vm, VMM_OUT_CRASH);
		break;
	default:
		vmm_log("vcpu%" PRIu32 ": unexpected system event type %" PRIu32, v->idx, type);
		vm_finish(vm, VMM_OUT_CRASH);
		break;
	}
	*done = true;
	return 0;
}
