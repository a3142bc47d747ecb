/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Polled console: PL011 (QEMU virt) or 8250/16550 (kvmtool-style VMMs),
 * whichever the DT names. Output only; the suite never reads the console.
 */
#include "gt.h"

#define PL011_DR	0x00
#define PL011_FR	0x18
#define PL011_FR_TXFF	(1u << 5)
#define UART8250_THR	0
#define UART8250_LSR	5
#define UART8250_LSR_THRE (1u << 5)

static uint64_t uart_base;
static int uart_kind;
static unsigned int uart_shift;

void gt_uart_init(uint64_t base, int kind, unsigned int reg_shift)
{
	uart_base = base;
	uart_kind = kind;
	uart_shift = reg_shift;
}

static void putc_raw(char c)
{
	volatile uint8_t *b8 = (volatile uint8_t *)uart_base;
	volatile uint32_t *fr = (volatile uint32_t *)(uart_base + PL011_FR);
	unsigned int spins = 0;

	switch (uart_kind) {
	case GT_UART_PL011:
		while ((*fr & PL011_FR_TXFF) && spins++ < 1000000)
			gt_relax();
		*(volatile uint32_t *)(uart_base + PL011_DR) = (uint8_t)c;
		break;
	case GT_UART_8250:
		while (!(b8[UART8250_LSR << uart_shift] & UART8250_LSR_THRE) &&
		       spins++ < 1000000)
			gt_relax();
		b8[UART8250_THR << uart_shift] = (uint8_t)c;
		break;
	default:
		break;
	}
}

void gt_uart_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			putc_raw('\r');
		putc_raw(*s);
	}
}
