// SPDX-License-Identifier: BSD-2-Clause
/*
 * PL011 UART on stdio (ARM DDI 0183), enough of it for Linux's amba-pl011
 * driver and for earlycon: transmit goes straight to stdout, receive comes
 * from a stdin reader thread through a FIFO and raises the RX interrupt
 * (GIC SPI 1 on QEMU virt; hw/virt.c places it) through the host callbacks.
 *
 * The device outlives a VM: a reboot in place re-attaches it to the new VM,
 * and typed-ahead input is kept. On a terminal, stdin is put in raw mode and
 * Ctrl-A x stops vpsci-run (Ctrl-A Ctrl-A sends one Ctrl-A).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hw/amba.h"
#include "log.h"
#include "util/buf.h"

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

#define FR_RXFE		(1u << 4)
#define FR_TXFF		(1u << 5)
#define FR_RXFF		(1u << 6)
#define FR_TXFE		(1u << 7)

#define INT_RX		(1u << 4)
#define INT_TX		(1u << 5)
#define INT_RT		(1u << 6)

#define LCRH_FEN	(1u << 4)

#define RX_FIFO_DEPTH	32
#define CTRL_A		0x01
#define UART_SNAP_TYPE	5	/* docs/vm-snapshot.md: struct uart_state */

/* The PL011's state in a snapshot (docs/vm-snapshot.md), host byte order. */
struct uart_state {
	uint32_t imsc, lcrh, cr, ifls, ibrd, fbrd, ilpr, dmacr, ris_tx;
	uint32_t count;			/* bytes in fifo[0..count) */
	uint8_t fifo[RX_FIFO_DEPTH];
};
_Static_assert(sizeof(struct uart_state) == 72, "UART section layout");

struct pl011 {
	struct amba_dev amba;	/* first: amba_mmio() finds it from dev->ctx */
	pthread_cond_t space;	/* room in the RX FIFO */
	int in_fd, out_fd;	/* the backend: stdin, stdout */
	uint8_t fifo[RX_FIFO_DEPTH];
	unsigned int head, count;
	uint32_t ris_tx;	/* latched TX interrupt (the RX ones follow the FIFO) */
	uint32_t imsc, lcrh, cr, ifls, ibrd, fbrd, ilpr, dmacr;
	bool tty;		/* in_fd is the terminal, in raw mode */
};

/*
 * The terminal's settings before raw mode, for the atexit() handler (which
 * takes no argument): one per process, as the terminal is.
 */
static struct termios saved_tty;
static bool tty_raw;

static unsigned int fifo_depth(const struct pl011 *u)
{
	return (u->lcrh & LCRH_FEN) ? RX_FIFO_DEPTH : 1;
}

static uint32_t uart_ris(const struct pl011 *u)
{
	uint32_t ris = u->ris_tx;

	if (u->count)
		ris |= INT_RX | INT_RT;
	return ris;
}

static bool uart_line(void *ctx)
{
	const struct pl011 *u = ctx;

	return (uart_ris(u) & u->imsc) != 0;
}

static void put_char(const struct pl011 *u, uint8_t c)
{
	ssize_t n;

	do {
		n = write(u->out_fd, &c, 1);
	} while (n < 0 && errno == EINTR);
}

static uint32_t reg_read(void *ctx, uint64_t off)
{
	struct pl011 *u = ctx;
	uint32_t val = 0;

	switch (off) {
	case UART_DR:
		if (u->count) {
			val = u->fifo[u->head];
			u->head = (u->head + 1) % RX_FIFO_DEPTH;
			u->count--;
			pthread_cond_signal(&u->space);
		}
		break;
	case UART_FR:
		val = FR_TXFE;
		if (!u->count)
			val |= FR_RXFE;
		if (u->count >= fifo_depth(u))
			val |= FR_RXFF;
		break;
	case UART_ILPR:
		val = u->ilpr;
		break;
	case UART_IBRD:
		val = u->ibrd;
		break;
	case UART_FBRD:
		val = u->fbrd;
		break;
	case UART_LCRH:
		val = u->lcrh;
		break;
	case UART_CR:
		val = u->cr;
		break;
	case UART_IFLS:
		val = u->ifls;
		break;
	case UART_IMSC:
		val = u->imsc;
		break;
	case UART_RIS:
		val = uart_ris(u);
		break;
	case UART_MIS:
		val = uart_ris(u) & u->imsc;
		break;
	case UART_DMACR:
		val = u->dmacr;
		break;
	default:
		break;
	}
	return val;
}

static void reg_write(void *ctx, uint64_t off, uint32_t val)
{
	struct pl011 *u = ctx;

	switch (off) {
	case UART_DR:
		put_char(u, (uint8_t)val);
		u->ris_tx = INT_TX;	/* the character left at once: TX FIFO empty */
		break;
	case UART_RSR:
		break;
	case UART_ILPR:
		u->ilpr = val;
		break;
	case UART_IBRD:
		u->ibrd = val;
		break;
	case UART_FBRD:
		u->fbrd = val;
		break;
	case UART_LCRH:
		u->lcrh = val;
		break;
	case UART_CR:
		u->cr = val;
		break;
	case UART_IFLS:
		u->ifls = val;
		break;
	case UART_IMSC:
		u->imsc = val & 0x7ff;
		break;
	case UART_ICR:
		u->ris_tx &= ~val;
		break;
	case UART_DMACR:
		u->dmacr = val;
		break;
	default:
		break;
	}
}

/* Queue one input byte, waiting for room; a SYSTEM_SUSPEND wake source. */
static void push_byte(struct pl011 *u, uint8_t c)
{
	pthread_mutex_lock(&u->amba.lock);
	while (u->count >= RX_FIFO_DEPTH)
		pthread_cond_wait(&u->space, &u->amba.lock);
	u->fifo[(u->head + u->count) % RX_FIFO_DEPTH] = c;
	u->count++;
	amba_update_irq(&u->amba);
	if (u->amba.host)
		u->amba.host->wake(u->amba.host->opaque, "uart");
	pthread_mutex_unlock(&u->amba.lock);
}

static void stop_from_keyboard(struct pl011 *u)
{
	pthread_mutex_lock(&u->amba.lock);
	if (u->amba.host)
		u->amba.host->request_stop(u->amba.host->opaque);
	pthread_mutex_unlock(&u->amba.lock);
}

/* The input reader: feeds the RX FIFO, handles the Ctrl-A escape on a terminal. */
static void *input_thread(void *arg)
{
	struct pl011 *u = arg;
	bool escape = false;
	uint8_t buf[64];
	ssize_t n;

	for (;;) {
		n = read(u->in_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		for (ssize_t i = 0; i < n; i++) {
			uint8_t c = buf[i];

			if (u->tty && escape) {
				escape = false;
				if (c == 'x' || c == 'X') {
					stop_from_keyboard(u);
					continue;
				}
				if (c != CTRL_A)
					push_byte(u, CTRL_A);
			} else if (u->tty && c == CTRL_A) {
				escape = true;
				continue;
			}
			push_byte(u, c);
		}
	}
}

void uart_restore_tty(void)
{
	if (tty_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
}

/* Raw terminal, if stdin is one (our own "\n" still becomes "\r\n"). */
static bool make_raw(int fd)
{
	struct termios raw;

	if (tty_raw || !isatty(fd) || tcgetattr(fd, &saved_tty) != 0)
		return false;
	raw = saved_tty;
	cfmakeraw(&raw);
	raw.c_oflag |= OPOST | ONLCR;
	if (tcsetattr(fd, TCSANOW, &raw) != 0)
		return false;
	tty_raw = true;
	atexit(uart_restore_tty);
	return true;
}

/* Registers and RX FIFO, for a snapshot. */
static int uart_save(struct vmm_device *dev, struct vmm_buf *out)
{
	struct pl011 *u = dev->ctx;
	struct uart_state s;

	memset(&s, 0, sizeof(s));
	pthread_mutex_lock(&u->amba.lock);
	s.imsc = u->imsc;
	s.lcrh = u->lcrh;
	s.cr = u->cr;
	s.ifls = u->ifls;
	s.ibrd = u->ibrd;
	s.fbrd = u->fbrd;
	s.ilpr = u->ilpr;
	s.dmacr = u->dmacr;
	s.ris_tx = u->ris_tx;
	s.count = u->count;
	for (unsigned int i = 0; i < u->count; i++)
		s.fifo[i] = u->fifo[(u->head + i) % RX_FIFO_DEPTH];
	pthread_mutex_unlock(&u->amba.lock);
	return vmm_buf_put(out, &s, sizeof(s));
}

static int uart_check(const void *data, size_t len)
{
	struct uart_state s;

	if (len != sizeof(s))
		return -EINVAL;
	memcpy(&s, data, sizeof(s));
	return s.count <= RX_FIFO_DEPTH ? 0 : -EINVAL;
}

/*
 * Restored registers; the snapshot's unread input goes before what was typed
 * since (bytes that do not fit are dropped), and the interrupt line follows.
 */
static int uart_restore(struct vmm_device *dev, const void *data, size_t len)
{
	struct pl011 *u = dev->ctx;
	uint8_t typed[RX_FIFO_DEPTH];
	struct uart_state s;
	unsigned int n, i;

	if (uart_check(data, len))
		return -EINVAL;
	memcpy(&s, data, sizeof(s));
	pthread_mutex_lock(&u->amba.lock);
	n = u->count;
	for (i = 0; i < n; i++)
		typed[i] = u->fifo[(u->head + i) % RX_FIFO_DEPTH];
	u->head = 0;
	u->count = 0;
	for (i = 0; i < s.count; i++)
		u->fifo[u->count++] = s.fifo[i];
	for (i = 0; i < n && u->count < RX_FIFO_DEPTH; i++)
		u->fifo[u->count++] = typed[i];
	u->imsc = s.imsc & 0x7ff;
	u->lcrh = s.lcrh;
	u->cr = s.cr;
	u->ifls = s.ifls;
	u->ibrd = s.ibrd;
	u->fbrd = s.fbrd;
	u->ilpr = s.ilpr;
	u->dmacr = s.dmacr;
	u->ris_tx = s.ris_tx & INT_TX;
	amba_update_irq(&u->amba);
	pthread_cond_signal(&u->space);
	pthread_mutex_unlock(&u->amba.lock);
	return 0;
}

/* A new VM: registers at reset values; the RX FIFO (typed-ahead input) is kept. */
static int uart_attach(struct vmm_device *dev, struct vmm *vm,
		       const struct vmm_device_host *host)
{
	struct pl011 *u = dev->ctx;

	(void)vm;
	pthread_mutex_lock(&u->amba.lock);
	amba_attach(&u->amba, host);
	u->ris_tx = 0;
	u->imsc = 0;
	u->lcrh = 0;
	u->cr = 0x300;	/* TXE | RXE, as after reset */
	u->ifls = 0x12;
	u->ibrd = u->fbrd = u->ilpr = u->dmacr = 0;
	pthread_mutex_unlock(&u->amba.lock);
	return 0;
}

static void uart_detach(struct vmm_device *dev)
{
	struct pl011 *u = dev->ctx;

	pthread_mutex_lock(&u->amba.lock);
	amba_detach(&u->amba);
	pthread_mutex_unlock(&u->amba.lock);
}

static const struct amba_kind pl011_kind = {
	/* PrimeCell identification: PL011 r1p5, as QEMU reports it */
	.periph_id = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 },
	.compat = "arm,pl011",
	.clock_names = { "uartclk", "apb_pclk" },
	.nr_clocks = 2,
	.read = reg_read,
	.write = reg_write,
	.line = uart_line,
};

static const struct vmm_device_ops pl011_ops = {
	.name = "pl011",
	.snap_type = UART_SNAP_TYPE,
	.wake_reason = "uart",
	.console = true,
	.mmio = amba_mmio,
	.fdt = amba_fdt,
	.attach = uart_attach,
	.detach = uart_detach,
	.save = uart_save,
	.check = uart_check,
	.restore = uart_restore,
};

/* The console on stdio, once per run: raw terminal (if any), the input reader. */
struct vmm_device *pl011_new(uint64_t base, uint64_t size, uint32_t spi)
{
	struct pl011 *u = amba_new(sizeof(*u), &pl011_ops, &pl011_kind, base, size, spi);

	if (!u)
		return NULL;
	pthread_cond_init(&u->space, NULL);
	u->in_fd = STDIN_FILENO;
	u->out_fd = STDOUT_FILENO;
	u->tty = make_raw(u->in_fd);
	return amba_start(&u->amba, input_thread);
}
