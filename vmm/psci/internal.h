/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the files of psci/ share among themselves; nothing outside psci/
 * includes this (psci.h is the layer's interface).
 *
 *   mode.c       which mode, KVM's side of it: SMCCC filter, version pin,
 *                vCPU features, KVM_CAP_ARM_SYSTEM_SUSPEND
 *   engine.c     the engine of one boot: configuration, creation
 *   ops.c        the ops table: what only the host can do for the engine
 *   call.c       the forwarded-call path: exit -> vpsci_call -> registers
 *   hybrid.c     hybrid mode's policy around the engine
 *   suspend.c    CPU_SUSPEND and SYSTEM_SUSPEND: sleep, wake, resume
 *   kernel.c     kernel mode: KVM's system events
 *   pm_config.c  power domains and optional functions (--power-domains, ...)
 *   mem_protect.c  MEM_PROTECT across a reboot in place
 */
#ifndef VMM_PSCI_INTERNAL_H
#define VMM_PSCI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <vpsci/vpsci.h>

#include "kvm_compat.h"
#include "vmm.h"

/* A function ID of the PSCI range (SMC32 or SMC64), and its function number. */
static inline bool psci_in_range(uint32_t fid)
{
	return (fid & ~(VPSCI_SMCCC_SMC64 | 0x1fu)) == VPSCI_FN32(0);
}

static inline uint32_t psci_fn(uint32_t fid)
{
	return fid & 0x1fu;
}

/* The answer in the caller's x0..x3 (the PC is already past the HVC/SMC). 0 / negative. */
static inline int psci_write_result(struct vcpu *v, const uint64_t x[4])
{
	for (int i = 0; i < 4; i++) {
		int r = vcpu_set_reg(v, VMM_REG_X(i), x[i]);

		if (r < 0)
			return r;
	}
	return 0;
}

/* mode.c: KVM's in-kernel PSCI must be 0.1 (no KVM_ARM_VCPU_PSCI_0_2 feature). */
bool psci_kvm_0_1(const struct vmm *vm);
int psci_pin_kvm_version(struct vmm *vm);
int psci_setup_system_suspend(struct vmm *vm);
int psci_program_filter(struct vmm *vm);

/* ops.c */
extern const struct vpsci_ops psci_ops;

/* call.c: the forwarded call, the caller's x0..x3 written back. */
int psci_handle_hypercall(struct vcpu *v, bool *park, bool *done);
void psci_log_reset(const struct vmm *vm, const struct vpsci_system_event *ev);

/* hybrid.c */
bool hybrid_refuse(const struct vmm *vm, const struct vpsci_call *call, struct vpsci_result *res);
void hybrid_adjust(const struct vmm *vm, const struct vpsci_call *call, struct vpsci_result *res);
bool hybrid_others_off(struct vcpu *v, struct vpsci_result *res);

/* suspend.c */
uint64_t susp_now_us(void *opaque);
int susp_cpu_suspend(struct vcpu *v, const struct vpsci_result *res);
int susp_cpu_wake(struct vcpu *v);
int susp_system_suspend(struct vcpu *v, const struct vpsci_system_event *ev, const char *handled);

/* kernel.c */
int psci_handle_system_event(struct vcpu *v, bool *done);

/* pm_config.c */
int pm_config(const struct vmm *vm, struct vpsci_config *cfg);

#endif /* VMM_PSCI_INTERNAL_H */
