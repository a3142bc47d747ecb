// SPDX-License-Identifier: BSD-2-Clause
/*
 * PL011 UART on stdio (ARM DDI 0183), enough of it for Linux's amba-pl011
 * driver and for earlycon: transmit goes straight to stdout, receive comes
 * from a stdin reader thread through a FIFO and raises the RX interrupt
 * (GIC SPI 1, as on QEMU virt) with KVM_IRQ_LINE.
 *
 * The device outlives a VM: a reboot in place re-attaches it to the new VM,
 * and typed-ahead input is kept. On a terminal, stdin is put in raw mode and
 * Ctrl-A x stops vpsci-run (Ctrl-A Ctrl-A sends one Ctrl-A).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "vmm.h"

/* Register offsets (DDI 0183 3.2) */
#define UART_DR		0x000
#define UART_RSR	0x004
#define UART_FR		0x018
#define UART_ILPR	0x020
#define UART_IBRD	0x024
#define UART_FBRD	0x028
#define UART_LCRH	0x02c
#define UART_CR		0x030
#define UART_IFLS	0x034
#define UART_IMSC	0x038
#define UART_RIS	0x03c
#define UART_MIS	0x040
#define UART_ICR	0x044
#define UART_DMACR	0x048
#define UART_PERIPH_ID	0xfe0

#define FR_RXFE		(1u << 4)
#define FR_TXFF		(1u << 5)
#define FR_RXFF		(1u << 6)
#define FR_TXFE		(1u << 7)

#define INT_RX		(1u << 4)
#define INT_TX		(1u << 5)
#define INT_RT		(1u << 6)

#define LCRH_FEN	(1u << 4)

#define RX_FIFO_DEPTH	VMM_UART_FIFO
#define CTRL_A		0x01

/* PrimeCell identification: PL011 r1p5, as QEMU reports it */
static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static struct {
	pthread_mutex_t lock;
	pthread_cond_t space;
	struct vmm *vm;		/* attached VM, or NULL between boots */
	uint8_t fifo[RX_FIFO_DEPTH];
	unsigned int head, count;
	uint32_t ris_tx;	/* latched TX interrupt (the RX ones follow the FIFO) */
	uint32_t imsc, lcrh, cr, ifls, ibrd, fbrd, ilpr, dmacr;
	bool irq_level;
	bool tty;
	struct termios saved;
	bool have_restore;		/* apply 'restore' at the next attach */
	struct vmm_uart_state restore;
} uart = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.space = PTHREAD_COND_INITIALIZER,
};

static unsigned int fifo_depth(void)
{
	return (uart.lcrh & LCRH_FEN) ? RX_FIFO_DEPTH : 1;
}

static uint32_t uart_ris(void)
{
	uint32_t ris = uart.ris_tx;

	if (uart.count)
		ris |= INT_RX | INT_RT;
	return ris;
}

/* Drive the SPI from RIS & IMSC; called with uart.lock held. */
static void update_irq(void)
{
	bool level = (uart_ris() & uart.imsc) != 0;
	struct kvm_irq_level irq;

	if (!uart.vm || level == uart.irq_level)
		return;
	irq.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (32 + VMM_UART_SPI);
	irq.level = level;
	if (ioctl(uart.vm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		vmm_log("uart: KVM_IRQ_LINE: %s", strerror(errno));
	else
		uart.irq_level = level;
}

static void put_char(uint8_t c)
{
	ssize_t n;

	do {
		n = write(STDOUT_FILENO, &c, 1);
	} while (n < 0 && errno == EINTR);
}

static uint32_t reg_read(uint64_t off)
{
	uint32_t val = 0;

	switch (off) {
	case UART_DR:
		if (uart.count) {
			val = uart.fifo[uart.head];
			uart.head = (uart.head + 1) % RX_FIFO_DEPTH;
			uart.count--;
			pthread_cond_signal(&uart.space);
		}
		break;
	case UART_FR:
		val = FR_TXFE;
		if (!uart.count)
			val |= FR_RXFE;
		if (uart.count >= fifo_depth())
			val |= FR_RXFF;
		break;
	case UART_ILPR:
		val = uart.ilpr;
		break;
	case UART_IBRD:
		val = uart.ibrd;
		break;
	case UART_FBRD:
		val = uart.fbrd;
		break;
	case UART_LCRH:
		val = uart.lcrh;
		break;
	case UART_CR:
		val = uart.cr;
		break;
	case UART_IFLS:
		val = uart.ifls;
		break;
	case UART_IMSC:
		val = uart.imsc;
		break;
	case UART_RIS:
		val = uart_ris();
		break;
	case UART_MIS:
		val = uart_ris() & uart.imsc;
		break;
	case UART_DMACR:
		val = uart.dmacr;
		break;
	default:
		if (off >= UART_PERIPH_ID && off < UART_PERIPH_ID + 32 && !(off & 3))
			val = pl011_id[(off - UART_PERIPH_ID) / 4];
		break;
	}
	return val;
}

static void reg_write(uint64_t off, uint32_t val)
{
	switch (off) {
	case UART_DR:
		put_char((uint8_t)val);
		uart.ris_tx = INT_TX;	/* the character left at once: TX FIFO empty */
		break;
	case UART_RSR:
		break;
	case UART_ILPR:
		uart.ilpr = val;
		break;
	case UART_IBRD:
		uart.ibrd = val;
		break;
	case UART_FBRD:
		uart.fbrd = val;
		break;
	case UART_LCRH:
		uart.lcrh = val;
		break;
	case UART_CR:
		uart.cr = val;
		break;
	case UART_IFLS:
		uart.ifls = val;
		break;
	case UART_IMSC:
		uart.imsc = val & 0x7ff;
		break;
	case UART_ICR:
		uart.ris_tx &= ~val;
		break;
	case UART_DMACR:
		uart.dmacr = val;
		break;
	default:
		break;
	}
}

/* MMIO exit in the UART window. Returns false when addr is not ours. */
bool uart_mmio(uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	uint64_t off;
	uint32_t val = 0;

	if (addr < VMM_UART_BASE || addr >= VMM_UART_BASE + VMM_UART_SIZE)
		return false;
	off = addr - VMM_UART_BASE;
	if (len > 4)
		len = 4;
	pthread_mutex_lock(&uart.lock);
	if (is_write) {
		memcpy(&val, data, len);
		reg_write(off, val);
	} else {
		val = reg_read(off);
		memcpy(data, &val, len);
	}
	update_irq();
	pthread_mutex_unlock(&uart.lock);
	return true;
}

/* Queue one input byte, waiting for room; false when no VM takes input. */
static void push_byte(uint8_t c)
{
	pthread_mutex_lock(&uart.lock);
	while (uart.count >= RX_FIFO_DEPTH)
		pthread_cond_wait(&uart.space, &uart.lock);
	uart.fifo[(uart.head + uart.count) % RX_FIFO_DEPTH] = c;
	uart.count++;
	update_irq();
	if (uart.vm)
		vm_wake(uart.vm, "uart");	/* a SYSTEM_SUSPEND wake source */
	pthread_mutex_unlock(&uart.lock);
}

static void stop_from_keyboard(void)
{
	pthread_mutex_lock(&uart.lock);
	if (uart.vm)
		vm_finish(uart.vm, VMM_OUT_STOPPED);
	pthread_mutex_unlock(&uart.lock);
}

/* stdin reader: feeds the RX FIFO, handles the Ctrl-A escape on a terminal. */
static void *input_thread(void *arg)
{
	bool escape = false;
	uint8_t buf[64];
	ssize_t n;

	(void)arg;
	for (;;) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		for (ssize_t i = 0; i < n; i++) {
			uint8_t c = buf[i];

			if (uart.tty && escape) {
				escape = false;
				if (c == 'x' || c == 'X') {
					stop_from_keyboard();
					continue;
				}
				if (c != CTRL_A)
					push_byte(CTRL_A);
			} else if (uart.tty && c == CTRL_A) {
				escape = true;
				continue;
			}
			push_byte(c);
		}
	}
}

void uart_restore_tty(void)
{
	if (uart.tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &uart.saved);
}

/* Once per run: raw terminal (if any) and the stdin reader thread. */
int uart_init(void)
{
	pthread_t t;
	sigset_t all, old;

	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &uart.saved) == 0) {
		struct termios raw = uart.saved;

		cfmakeraw(&raw);
		raw.c_oflag |= OPOST | ONLCR;	/* keep "\n" -> "\r\n" for our own messages */
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) {
			uart.tty = true;
			atexit(uart_restore_tty);
		}
	}
	/* The reader must never take a vCPU kick or a host signal. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&t, NULL, input_thread, NULL) != 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		vmm_log("uart: cannot start the stdin reader thread");
		return -1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_detach(t);
	return 0;
}

/* Registers and RX FIFO of the running device, for a snapshot. */
void uart_save(struct vmm_uart_state *s)
{
	pthread_mutex_lock(&uart.lock);
	memset(s, 0, sizeof(*s));
	s->imsc = uart.imsc;
	s->lcrh = uart.lcrh;
	s->cr = uart.cr;
	s->ifls = uart.ifls;
	s->ibrd = uart.ibrd;
	s->fbrd = uart.fbrd;
	s->ilpr = uart.ilpr;
	s->dmacr = uart.dmacr;
	s->ris_tx = uart.ris_tx;
	s->count = uart.count;
	for (unsigned int i = 0; i < uart.count; i++)
		s->fifo[i] = uart.fifo[(uart.head + i) % RX_FIFO_DEPTH];
	pthread_mutex_unlock(&uart.lock);
}

/* The next attach takes these registers instead of the reset values (--restore). */
void uart_set_restore(const struct vmm_uart_state *s)
{
	pthread_mutex_lock(&uart.lock);
	uart.restore = *s;
	uart.have_restore = true;
	pthread_mutex_unlock(&uart.lock);
}

/*
 * Restored registers; the snapshot's unread input goes before what was typed
 * since (bytes that do not fit are dropped). Called with uart.lock held,
 * once the VM is attached, so the interrupt line follows the state.
 */
static void apply_restore(void)
{
	const struct vmm_uart_state *s = &uart.restore;
	uint8_t typed[RX_FIFO_DEPTH];
	unsigned int n = uart.count, i;

	for (i = 0; i < n; i++)
		typed[i] = uart.fifo[(uart.head + i) % RX_FIFO_DEPTH];
	uart.head = 0;
	uart.count = 0;
	for (i = 0; i < s->count && i < RX_FIFO_DEPTH; i++)
		uart.fifo[uart.count++] = s->fifo[i];
	for (i = 0; i < n && uart.count < RX_FIFO_DEPTH; i++)
		uart.fifo[uart.count++] = typed[i];
	uart.imsc = s->imsc & 0x7ff;
	uart.lcrh = s->lcrh;
	uart.cr = s->cr;
	uart.ifls = s->ifls;
	uart.ibrd = s->ibrd;
	uart.fbrd = s->fbrd;
	uart.ilpr = s->ilpr;
	uart.dmacr = s->dmacr;
	uart.ris_tx = s->ris_tx & INT_TX;
	uart.have_restore = false;
	update_irq();
}

/* Connect the device to a freshly built VM: registers at reset values. */
void uart_attach(struct vmm *vm)
{
	pthread_mutex_lock(&uart.lock);
	uart.vm = vm;
	uart.ris_tx = 0;
	uart.imsc = 0;
	uart.lcrh = 0;
	uart.cr = 0x300;	/* TXE | RXE, as after reset */
	uart.ifls = 0x12;
	uart.ibrd = uart.fbrd = uart.ilpr = uart.dmacr = 0;
	uart.irq_level = false;
	if (uart.have_restore)
		apply_restore();
	pthread_mutex_unlock(&uart.lock);
}

/* Whether the UART drives its interrupt line (a wake-up's likely cause). */
bool uart_irq_level(void)
{
	bool level;

	pthread_mutex_lock(&uart.lock);
	level = uart.vm && uart.irq_level;
	pthread_mutex_unlock(&uart.lock);
	return level;
}

void uart_detach(void)
{
	pthread_mutex_lock(&uart.lock);
	uart.vm = NULL;
	pthread_mutex_unlock(&uart.lock);
}
