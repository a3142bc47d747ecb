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

#ifdef __ASSEMBLER__
/*
 * gt_cpu_index mp, base, nr, arr, val, idx, notfound: idx = this CPU's index
 * in gt_boot.mpidr[], with its MPIDR affinity left in mp and &gt_boot in base
 * (arr may be base); branches to notfound when the MPIDR is not there.
 * Clobbers nr, arr and val.
 */
.macro gt_cpu_index mp, base, nr, arr, val, idx, notfound
	mrs	\mp, mpidr_el1
	ldr	\val, =GT_MPIDR_AFF_MASK
	and	\mp, \mp, \val
	adrp	\base, gt_boot
	add	\base, \base, :lo12:gt_boot
	ldr	\nr, [\base, #GT_BI_NR_CPUS]
	add	\arr, \base, #GT_BI_MPIDR
	mov	\idx, #0
.Lgt_cpu_index_loop\@:
	cmp	\idx, \nr
	b.hs	\notfound
	ldr	\val, [\arr, \idx, lsl #3]
	cmp	\val, \mp
	b.eq	.Lgt_cpu_index_found\@
	add	\idx, \idx, #1
	b	.Lgt_cpu_index_loop\@
.Lgt_cpu_index_found\@:
.endm

/*
 * gt_store_obs base: the struct gt_entry_obs that entry_common (start.S)
 * gathered in x19..x25 (x0, t_entry, kind, CurrentEL, DAIF, SCTLR, SPSel)
 * to [base].
 */
.macro gt_store_obs base
	stp	x19, x20, [\base]
	stp	x22, x23, [\base, #16]
	stp	x24, x25, [\base, #32]
	stp	x21, xzr, [\base, #48]
.endm

/*
 * gt_susp_regs op, base: op (stp to save, ldp to load) the callee-saved
 * x19..x30 of struct gt_susp_ctx at [base], which a suspending call keeps for
 * the resume path (smccc.S saves, start.S loads); sp goes at [base, #96].
 */
.macro gt_susp_regs op, base
	\op	x19, x20, [\base]
	\op	x21, x22, [\base, #16]
	\op	x23, x24, [\base, #32]
	\op	x25, x26, [\base, #48]
	\op	x27, x28, [\base, #64]
	\op	x29, x30, [\base, #80]
.endm
#endif

#endif /* GT_ASM_H */
