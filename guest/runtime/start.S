/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Image header, boot CPU entry and the PSCI entry points of the guest.
 *
 * Choices (see docs/conformance.md, "Guest design"):
 * - Entered at EL2 (QEMU virtualization=on, the SMC-conduit runs), the boot
 *   CPU drops to EL1 so that every implementation is tested from the same EL
 *   and CPU_ON targets are expected at EL1 everywhere.
 * - The image is linked at 0 as a PIE and relocates itself (R_AARCH64_RELATIVE
 *   only; the build rejects anything else), so any 4 KiB-aligned load address
 *   works, as the Linux boot protocol allows with flags bit 3.
 * - Every CPU runs with the MMU on and an identity map (mmu.c). A CPU that
 *   arrives through a PSCI entry point records its entry state in callee-saved
 *   registers, turns the MMU on from gt_boot (cleaned to PoC by the boot CPU)
 *   and only then writes memory that other CPUs read.
 */
#include "gt_asm.h"

	.section .text.head, "ax"
	.globl	gt_image_start
gt_image_start:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	0			/* image_size: written by guest/set-image-size */
	.quad	0xa			/* flags: LE, 4K pages, anywhere in RAM */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic, at 0x38 */
	.long	0			/* res5 */

	.text
primary_entry:
	mov	x21, x0			/* DTB address (boot protocol: x0) */
	mrs	x22, CurrentEL
	lsr	x22, x22, #2		/* EL we were entered at, for the banner */
	bl	el2_to_el1
	bl	el1_setup

	/* Apply R_AARCH64_RELATIVE relocations: the image is linked at 0. */
	adrp	x0, gt_image_start
	add	x0, x0, :lo12:gt_image_start
	adrp	x1, __rela_start
	add	x1, x1, :lo12:__rela_start
	adrp	x2, __rela_end
	add	x2, x2, :lo12:__rela_end
1:	cmp	x1, x2
	b.hs	2f
	ldp	x3, x4, [x1], #16	/* r_offset, r_info */
	ldr	x5, [x1], #8		/* r_addend */
	cmp	w4, #1027		/* R_AARCH64_RELATIVE */
	b.ne	1b
	add	x5, x5, x0
	str	x5, [x0, x3]
	b	1b

	/* Zero .bss (16-byte aligned by guest.ld). */
2:	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
3:	cmp	x1, x2
	b.hs	4f
	stp	xzr, xzr, [x1], #16
	b	3b

	/*
	 * Our writes so far bypassed the caches (MMU off); drop any clean stale
	 * line of the image so the cacheable view matches memory once the MMU is
	 * on (the boot protocol guarantees the loader cleaned the image to PoC).
	 */
4:	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4		/* DminLine, log2 words */
	mov	x4, #4
	lsl	x4, x4, x3
	sub	x5, x4, #1
	bic	x1, x0, x5
5:	dc	ivac, x1
	add	x1, x1, x4
	cmp	x1, x2
	b.lo	5b
	dsb	sy

	adrp	x9, gt_boot_stack
	add	x9, x9, :lo12:gt_boot_stack
	add	x9, x9, #GT_BOOT_STACK_SIZE
	mov	sp, x9
	mov	x0, x21
	bl	gt_mmu_early
	bl	gt_mmu_on
	mov	x0, x21
	mov	x1, x22
	bl	gt_main
6:	wfi
	b	6b

/*
 * Leave EL2 for EL1h with interrupts masked; a no-op at EL1. Returns to the
 * caller at EL1. Uses x9 only. EL1 gets the counter and timers untrapped, no
 * FP trap, GICv3 system registers and a zero virtual counter offset.
 */
el2_to_el1:
	mrs	x9, CurrentEL
	cmp	x9, #(2 << 2)
	b.ne	2f
	mov	x9, #(1 << 31)		/* HCR_EL2.RW: EL1 is AArch64, nothing trapped */
	msr	hcr_el2, x9
	mrs	x9, cnthctl_el2
	orr	x9, x9, #3		/* EL1PCTEN | EL1PCEN */
	msr	cnthctl_el2, x9
	msr	cntvoff_el2, xzr
	mov	x9, #0x33ff		/* CPTR_EL2: RES1 bits, TFP clear */
	msr	cptr_el2, x9
	msr	hstr_el2, xzr
	msr	vttbr_el2, xzr
	mrs	x9, id_aa64pfr0_el1
	ubfx	x9, x9, #24, #4		/* GIC system register interface? */
	cbz	x9, 1f
	mrs	x9, S3_4_C12_C9_5	/* ICC_SRE_EL2 */
	orr	x9, x9, #0x1		/* SRE */
	orr	x9, x9, #0x8		/* Enable: EL1 may use ICC_SRE_EL1 */
	msr	S3_4_C12_C9_5, x9
	isb
1:	mov	x9, #(GT_SCTLR_EL1_OFF & 0xffff)
	movk	x9, #(GT_SCTLR_EL1_OFF >> 16), lsl #16
	msr	sctlr_el1, x9
	mov	x9, #0x3c5		/* EL1h, DAIF masked */
	msr	spsr_el2, x9
	msr	elr_el2, x30
	isb
	eret
2:	ret

/* EL1 state every CPU needs before C: MMU off, FP on, our vectors. Uses x9. */
el1_setup:
	msr	daifset, #0xf
	mov	x9, #(GT_SCTLR_EL1_OFF & 0xffff)
	movk	x9, #(GT_SCTLR_EL1_OFF >> 16), lsl #16
	msr	sctlr_el1, x9
	mov	x9, #(3 << 20)		/* CPACR_EL1.FPEN: libfdt may use SIMD */
	msr	cpacr_el1, x9
	adrp	x9, gt_vectors
	add	x9, x9, :lo12:gt_vectors
	msr	vbar_el1, x9
	isb
	ret

/* Turn the MMU on from gt_boot (identity map): callable with the MMU off. */
	.globl	gt_mmu_on
gt_mmu_on:
	adrp	x9, gt_boot
	add	x9, x9, :lo12:gt_boot
	ldr	x0, [x9, #GT_BI_MAIR]
	msr	mair_el1, x0
	ldr	x0, [x9, #GT_BI_TCR]
	msr	tcr_el1, x0
	ldr	x0, [x9, #GT_BI_TTBR0]
	msr	ttbr0_el1, x0
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	ldr	x0, [x9, #GT_BI_SCTLR]
	msr	sctlr_el1, x0
	isb
	ic	iallu
	dsb	nsh
	isb
	ret

/*
 * PSCI entry points. The first instruction of each reads the counter, for
 * the CPU_ON-to-first-instruction latency. Which one a CPU came through is
 * recorded, so a test can tell that PC = entry was honoured.
 */
	.balign	8
	.globl	gt_entry_on
gt_entry_on:
	mrs	x20, cntvct_el0
	mov	x21, #GT_ENTRY_ON
	b	entry_common

	.balign	8
	.globl	gt_entry_alt
gt_entry_alt:
	mrs	x20, cntvct_el0
	mov	x21, #GT_ENTRY_ALT
	b	entry_common

	.balign	8
	.globl	gt_entry_resume
gt_entry_resume:
	mrs	x20, cntvct_el0
	mov	x21, #GT_ENTRY_RESUME
	b	entry_common

entry_common:
	mov	x19, x0			/* context id */
	mrs	x22, CurrentEL
	mrs	x23, daif
	mrs	x24, sctlr_el1
	mrs	x25, spsel
	bl	el2_to_el1		/* only if an implementation started us at EL2 */
	bl	el1_setup
	bl	gt_mmu_on

	/* This CPU's index: its MPIDR affinity in gt_boot.mpidr[]. */
	gt_cpu_index x0, x9, x10, x11, x13, x12, unknown_cpu
	cmp	x21, #GT_ENTRY_RESUME
	b.eq	resume

	/* CPU_ON: a fresh stack at the top of this CPU's slot. */
	ldr	x10, [x9, #GT_BI_STACKS]
	add	x11, x12, #1
	add	x10, x10, x11, lsl #14	/* GT_STACK_SIZE = 1 << 14 */
	mov	sp, x10
	sub	sp, sp, #GT_OBS_SIZE
	gt_store_obs sp
	mov	x0, x12
	mov	x1, sp
	bl	gt_secondary_main
3:	wfi
	b	3b

	/*
	 * Resume (CPU_SUSPEND power-down, SYSTEM_SUSPEND): the stack still holds
	 * the suspended frames, so record the observation in gt_resume_obs[] and
	 * return from gt_smccc_suspend() with the state it saved.
	 */
resume:
	adrp	x9, gt_resume_obs
	add	x9, x9, :lo12:gt_resume_obs
	add	x9, x9, x12, lsl #6	/* GT_OBS_SIZE */
	gt_store_obs x9
	adrp	x9, gt_susp_ctx
	add	x9, x9, :lo12:gt_susp_ctx
	add	x9, x9, x12, lsl #7	/* GT_SUSP_SIZE */
	gt_susp_regs ldp, x9
	ldr	x10, [x9, #96]
	mov	sp, x10
	mov	x0, #(GT_RESUMED & 0xffff)
	movk	x0, #(GT_RESUMED >> 16), lsl #16
	ret

	/* Not in the DT's /cpus: nothing safe to do but wait. */
unknown_cpu:
	wfe
	b	unknown_cpu

	.ltorg

	.bss
	.balign	16
gt_boot_stack:
	.space	GT_BOOT_STACK_SIZE
