/* SPDX-License-Identifier: BSD-2-Clause */
/* Constants shared by the guest's C and assembly files. */
#ifndef GT_ASM_H
#define GT_ASM_H

#define GT_MAX_CPUS		64
#define GT_STACK_SIZE		16384
#define GT_BOOT_STACK_SIZE	16384

/* Which PSCI entry point a CPU came through (struct gt_entry_obs.kind). */
#define GT_ENTRY_ON		1
#define GT_ENTRY_ALT		2
#define GT_ENTRY_RESUME		3

/* gt_smccc_suspend() returns this when the CPU resumed at gt_entry_resume. */
#define GT_RESUMED		0x5e5e5e5e

#define GT_OBS_SIZE		64
#define GT_SUSP_SIZE		128

/* struct gt_boot_info offsets */
#define GT_BI_TTBR0		0
#define GT_BI_TCR		8
#define GT_BI_MAIR		16
#define GT_BI_SCTLR		24
#define GT_BI_NR_CPUS		32
#define GT_BI_STACKS		40
#define GT_BI_MPIDR		48

/* SCTLR_EL1 with the MMU and caches off: the RES1 bits of ARMv8.0 (EE = 0, LE). */
#define GT_SCTLR_EL1_OFF	0x30d00800
#define GT_MPIDR_AFF_MASK	0xff00ffffff

#endif /* GT_ASM_H */
