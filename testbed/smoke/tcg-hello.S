/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcg-hello: the smallest bare-metal guest in Linux Image format, used to
 * check testbed/run-tcg itself. It reports its exception level on the virt
 * board's PL011, asks the firmware for PSCI_VERSION over the conduit that
 * level implies (EL2: SMC, EL1: HVC) and powers off with SYSTEM_OFF, so a
 * working run exits 0.
 */
#define UART_BASE	0x09000000
#define PSCI_VERSION	0x84000000
#define PSCI_SYSTEM_OFF	0x84000008

	.section .text
	.global _start
_start:
	/* Linux arm64 boot protocol image header (Documentation/arch/arm64/booting.rst). */
	b	entry
	.long	0
	.quad	0			/* text_offset */
	.quad	_end - _start		/* image_size */
	.quad	0xa			/* flags: LE, 4K pages, anywhere in RAM */
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0

entry:
	mov	x19, #UART_BASE
	mrs	x20, CurrentEL
	lsr	x20, x20, #2
	adr	x0, msg_el1
	cmp	x20, #2
	b.ne	1f
	adr	x0, msg_el2
1:	bl	puts
	/* DEN0022 5.1: PSCI_VERSION, then SYSTEM_OFF, over the level's conduit. */
	mov	x0, #(PSCI_VERSION & 0xffff)
	movk	x0, #(PSCI_VERSION >> 16), lsl #16
	bl	psci_call
	mov	x21, x0
	adr	x0, msg_ver
	bl	puts
	mov	x0, x21
	bl	puthex
	adr	x0, msg_off
	bl	puts
	mov	x0, #(PSCI_SYSTEM_OFF & 0xffff)
	movk	x0, #(PSCI_SYSTEM_OFF >> 16), lsl #16
	bl	psci_call
	adr	x0, msg_fail
	bl	puts
2:	wfi
	b	2b

/* x0 = function ID; SMC at EL2 (QEMU is then the EL3 firmware), else HVC. */
psci_call:
	cmp	x20, #2
	b.ne	1f
	smc	#0
	ret
1:	hvc	#0
	ret

/* puts(x0): NUL-terminated string to the UART. */
puts:
	ldrb	w1, [x0], #1
	cbz	w1, 1f
	strb	w1, [x19]
	b	puts
1:	ret

/* puthex(x0): 8 hex digits of w0 to the UART. */
puthex:
	mov	x2, #28
1:	lsr	w1, w0, w2
	and	w1, w1, #0xf
	cmp	w1, #10
	add	w3, w1, #'0'
	add	w4, w1, #('a' - 10)
	csel	w1, w3, w4, lo
	strb	w1, [x19]
	subs	x2, x2, #4
	b.ge	1b
	ret

msg_el1:	.asciz	"tcg-hello: EL1, conduit HVC\n"
msg_el2:	.asciz	"tcg-hello: EL2, conduit SMC\n"
msg_ver:	.asciz	"tcg-hello: PSCI_VERSION 0x"
msg_off:	.asciz	"\ntcg-hello: SYSTEM_OFF\n"
msg_fail:	.asciz	"tcg-hello: FAIL: SYSTEM_OFF returned\n"
	.balign	8
_end:
