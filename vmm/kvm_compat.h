/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * KVM arm64 UAPI that newer kernels define and older headers (Debian's 6.1
 * cross headers) lack, defined here only when the headers in use do not,
 * plus compile-time checks that the kernel's PSCI constants agree with ours.
 */
#ifndef VMM_KVM_COMPAT_H
#define VMM_KVM_COMPAT_H

#include <linux/kvm.h>
#include <linux/psci.h>

#include <vpsci/psci.h>

/* SMCCC filter (Linux 6.4, Documentation/virt/kvm/devices/vm.rst) */
#ifndef KVM_ARM_VM_SMCCC_CTRL
#define KVM_ARM_VM_SMCCC_CTRL		0
#define KVM_ARM_VM_SMCCC_FILTER		0
enum kvm_smccc_filter_action {
	KVM_SMCCC_FILTER_HANDLE = 0,
	KVM_SMCCC_FILTER_DENY,
	KVM_SMCCC_FILTER_FWD_TO_USER,
};
struct kvm_smccc_filter {
	__u32 base;
	__u32 nr_functions;
	__u8 action;
	__u8 pad[15];
};
#endif
_Static_assert(sizeof(struct kvm_smccc_filter) == 24, "kvm_smccc_filter is 24 bytes");

#ifndef KVM_HYPERCALL_EXIT_SMC
#define KVM_HYPERCALL_EXIT_SMC		(1u << 0)
#endif
#ifndef KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2
#define KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2	(1ULL << 0)
#endif
#ifndef KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2
#define KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2	(1ULL << 0)
#endif
#ifndef KVM_SYSTEM_EVENT_SUSPEND
#define KVM_SYSTEM_EVENT_SUSPEND	5
#endif
#ifndef KVM_CAP_ARM_SYSTEM_SUSPEND
#define KVM_CAP_ARM_SYSTEM_SUSPEND	216
#endif
#ifndef KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION
#define KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION	5
#endif

/* Register IDs (psci-facts.md section 6) */
#define VMM_REG_X(n)		(0x6030000000100000ull + 2ull * (n))
#define VMM_REG_PC		0x6030000000100040ull
#define VMM_REG_PSTATE		0x6030000000100042ull
#define VMM_REG_MPIDR_EL1	0x603000000013c005ull
#define VMM_REG_SCTLR_EL1	0x603000000013c080ull	/* op0 3, op1 0, CRn 1, CRm 0, op2 0 */
#define VMM_REG_PSCI_VERSION	0x6030000000140000ull

_Static_assert(VMM_REG_X(0) == (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | 0),
	       "core register encoding");
_Static_assert(VMM_REG_PSCI_VERSION == KVM_REG_ARM_PSCI_VERSION, "firmware register");

/* The kernel's PSCI definitions must agree with include/vpsci/psci.h. */
_Static_assert(PSCI_0_2_FN_PSCI_VERSION == VPSCI_FN32(VPSCI_FN_PSCI_VERSION), "VERSION");
_Static_assert(PSCI_0_2_FN_CPU_SUSPEND == VPSCI_FN32(VPSCI_FN_CPU_SUSPEND), "CPU_SUSPEND");
_Static_assert(PSCI_0_2_FN_CPU_OFF == VPSCI_FN32(VPSCI_FN_CPU_OFF), "CPU_OFF");
_Static_assert(PSCI_0_2_FN_CPU_ON == VPSCI_FN32(VPSCI_FN_CPU_ON), "CPU_ON");
_Static_assert(PSCI_0_2_FN64_CPU_ON == VPSCI_FN64(VPSCI_FN_CPU_ON), "CPU_ON64");
_Static_assert(PSCI_0_2_FN_AFFINITY_INFO == VPSCI_FN32(VPSCI_FN_AFFINITY_INFO), "AFF_INFO");
_Static_assert(PSCI_0_2_FN_MIGRATE_INFO_TYPE == VPSCI_FN32(VPSCI_FN_MIGRATE_INFO_TYPE), "MIT");
_Static_assert(PSCI_0_2_FN_SYSTEM_OFF == VPSCI_FN32(VPSCI_FN_SYSTEM_OFF), "SYSTEM_OFF");
_Static_assert(PSCI_0_2_FN_SYSTEM_RESET == VPSCI_FN32(VPSCI_FN_SYSTEM_RESET), "SYSTEM_RESET");
_Static_assert(PSCI_1_0_FN_PSCI_FEATURES == VPSCI_FN32(VPSCI_FN_PSCI_FEATURES), "FEATURES");
_Static_assert(PSCI_1_0_FN_SYSTEM_SUSPEND == VPSCI_FN32(VPSCI_FN_SYSTEM_SUSPEND), "SYS_SUSP");
_Static_assert(PSCI_1_1_FN_SYSTEM_RESET2 == VPSCI_FN32(VPSCI_FN_SYSTEM_RESET2), "RESET2");
_Static_assert(PSCI_RET_SUCCESS == VPSCI_RET_SUCCESS, "SUCCESS");
_Static_assert(PSCI_RET_NOT_SUPPORTED == VPSCI_RET_NOT_SUPPORTED, "NOT_SUPPORTED");
_Static_assert(PSCI_RET_INVALID_PARAMS == VPSCI_RET_INVALID_PARAMETERS, "INVALID_PARAMETERS");
_Static_assert(PSCI_RET_DENIED == VPSCI_RET_DENIED, "DENIED");
_Static_assert(PSCI_RET_ALREADY_ON == VPSCI_RET_ALREADY_ON, "ALREADY_ON");
_Static_assert(PSCI_RET_INTERNAL_FAILURE == VPSCI_RET_INTERNAL_FAILURE, "INTERNAL_FAILURE");
_Static_assert(KVM_PSCI_FN_CPU_SUSPEND == VPSCI_0_1_FN_CPU_SUSPEND, "0.1 CPU_SUSPEND");
_Static_assert(KVM_PSCI_FN_CPU_OFF == VPSCI_0_1_FN_CPU_OFF, "0.1 CPU_OFF");
_Static_assert(KVM_PSCI_FN_CPU_ON == VPSCI_0_1_FN_CPU_ON, "0.1 CPU_ON");
_Static_assert(KVM_PSCI_FN_MIGRATE == VPSCI_0_1_FN_MIGRATE, "0.1 MIGRATE");

#endif /* VMM_KVM_COMPAT_H */
