// SPDX-License-Identifier: BSD-2-Clause
/*
 * What every AMBA PrimeCell of the machine shares (amba.h): the MMIO window
 * of 32-bit registers with the PrimeCell ID at its top, an interrupt line
 * driven from the device's raw and mask registers, the DT node (Linux's
 * AMBA bus probes a PrimeCell through its apb_pclk clock), and the helper
 * thread a device feeds itself from.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "hw/amba.h"
#include "log.h"

#define AMBA_PERIPH_ID		0xfe0
#define AMBA_CLK_HZ		24000000	/* QEMU virt's apb-pclk */

void *amba_new(size_t ctx_size, const struct vmm_device_ops *ops, const struct amba_kind *kind,
	       uint64_t base, uint64_t size, uint32_t spi)
{
	struct amba_dev *a = calloc(1, ctx_size);

	if (!a) {
		vmm_log("%s: out of memory", ops->name);
		return NULL;
	}
	a->dev = (struct vmm_device){
		.ops = ops,
		.ctx = a,
		.mmio_base = base,
		.mmio_size = size,
		.spi = spi,
	};
	a->kind = kind;
	pthread_mutex_init(&a->lock, NULL);
	return a;
}

void amba_update_irq(struct amba_dev *a)
{
	bool level = a->kind->line(a->dev.ctx);

	if (!a->host || level == a->irq_level)
		return;
	if (a->host->set_irq(a->host->opaque, level) == 0)
		a->irq_level = level;
}

void amba_attach(struct amba_dev *a, const struct vmm_device_host *host)
{
	a->host = host;
	a->irq_level = false;
}

void amba_detach(struct amba_dev *a)
{
	a->host = NULL;
}

void amba_mmio(struct vmm_device *dev, uint64_t off, uint8_t *data, uint32_t len,
	       bool is_write)
{
	struct amba_dev *a = dev->ctx;	/* embedded first in the device's context */
	uint32_t val = 0;

	if (len > 4)
		len = 4;
	pthread_mutex_lock(&a->lock);
	if (is_write) {
		memcpy(&val, data, len);
		a->kind->write(dev->ctx, off, val);
	} else {
		if (off >= AMBA_PERIPH_ID)
			val = (off & 3) ? 0 : a->kind->periph_id[(off - AMBA_PERIPH_ID) / 4 % 8];
		else
			val = a->kind->read(dev->ctx, off);
		memcpy(data, &val, len);
	}
	amba_update_irq(a);
	pthread_mutex_unlock(&a->lock);
}

/* The bus clock node, made by the first PrimeCell that needs it. */
static void add_clock(struct hw_fdt *c)
{
	int n;

	if (fdt_path_offset(c->fdt, "/apb-pclk") >= 0)
		return;
	n = hw_fdt_subnode(c, 0, "apb-pclk");
	hw_fdt_str(c, n, "compatible", "fixed-clock");
	hw_fdt_u32(c, n, "#clock-cells", 0);
	hw_fdt_u32(c, n, "clock-frequency", AMBA_CLK_HZ);
	hw_fdt_str(c, n, "clock-output-names", "clk24mhz");
	hw_fdt_u32(c, n, "phandle", HW_PHANDLE_CLK);
}

int amba_fdt(struct vmm_device *dev, const struct vmm *vm, void *fdt)
{
	const struct amba_kind *k = ((const struct amba_dev *)dev->ctx)->kind;
	struct hw_fdt c = { .fdt = fdt };
	uint64_t reg[2] = { dev->mmio_base, dev->mmio_size };
	char name[48];
	int n;

	(void)vm;
	add_clock(&c);
	snprintf(name, sizeof(name), "%s@%" PRIx64, dev->ops->name, dev->mmio_base);
	n = hw_fdt_subnode(&c, 0, name);
	hw_fdt_strs(&c, n, "compatible", k->compat, "arm,primecell");
	hw_fdt_reg64(&c, n, 1, reg);
	hw_fdt_cells(&c, n, "interrupts", 3, HW_FDT_SPI, dev->spi, HW_IRQ_LEVEL_HIGH);
	if (k->nr_clocks == 2) {
		hw_fdt_cells(&c, n, "clocks", 2, HW_PHANDLE_CLK, HW_PHANDLE_CLK);
		hw_fdt_strs(&c, n, "clock-names", k->clock_names[0], k->clock_names[1]);
	} else {
		hw_fdt_cells(&c, n, "clocks", 1, HW_PHANDLE_CLK);
		hw_fdt_str(&c, n, "clock-names", k->clock_names[0]);
	}
	return c.err;
}

struct vmm_device *amba_start(struct amba_dev *a, void *(*fn)(void *))
{
	pthread_t t;
	sigset_t all, old;
	int r;

	/* The thread must never take a vCPU kick or a host signal. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&t, NULL, fn, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r) {
		vmm_log("%s: cannot start its thread: %s", a->dev.ops->name, strerror(r));
		free(a);
		return NULL;
	}
	pthread_detach(t);
	return &a->dev;
}
