/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SMCCC calls with every register under the caller's control: the C side
 * passes full 64-bit x1..x3, so tests can put garbage in the upper halves of
 * SMC32 arguments (DEN0028: they must be ignored). SMCCC 1.0 lets the callee
 * clobber x4..x17, which AAPCS64 already treats as caller-saved here.
 */
#include "gt_asm.h"

	.text
/* void gt_smccc(fid, a1, a2, a3, struct gt_smccc_res *res) */
	.globl	gt_smccc
gt_smccc:
	adrp	x9, gt_conduit_smc
	ldr	w9, [x9, :lo12:gt_conduit_smc]
	b	call_common

/* void gt_smccc_via(int smc, fid, a1, a2, a3, struct gt_smccc_res *res) */
	.globl	gt_smccc_via
gt_smccc_via:
	mov	w9, w0
	mov	x0, x1
	mov	x1, x2
	mov	x2, x3
	mov	x3, x4
	mov	x4, x5
call_common:
	str	x4, [sp, #-16]!
	cbnz	w9, 1f
	hvc	#0
	b	2f
1:	smc	#0
2:	ldr	x4, [sp], #16
	stp	x0, x1, [x4]
	stp	x2, x3, [x4, #16]
	ret

/*
 * uint64_t gt_smccc_suspend(fid, a1, a2, a3): save x19..x30 and sp in
 * gt_susp_ctx[this CPU] for the resume path in start.S, then call.
 */
	.globl	gt_smccc_suspend
gt_smccc_suspend:
	gt_cpu_index x9, x10, x11, x10, x13, x12, 3f
	adrp	x10, gt_susp_ctx
	add	x10, x10, :lo12:gt_susp_ctx
	add	x10, x10, x12, lsl #7
	gt_susp_regs stp, x10
	mov	x11, sp
	str	x11, [x10, #96]
	dsb	ish
	adrp	x9, gt_conduit_smc
	ldr	w9, [x9, :lo12:gt_conduit_smc]
	cbnz	w9, 4f
	hvc	#0
	ret
4:	smc	#0
	ret
3:	mov	x0, #-6			/* INTERNAL_FAILURE: we are not in /cpus */
	ret

	.ltorg
