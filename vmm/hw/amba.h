/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An AMBA PrimeCell on the MMIO bus (amba.c), shared by the PL011 and the
 * PL031: the register window (32-bit registers, PrimeCell ID at 0xfe0),
 * the interrupt line following the device's state, the DT node with its
 * bus clock, the device's lock and its host callbacks. A PrimeCell embeds
 * struct amba_dev first and describes itself with a struct amba_kind.
 */
#ifndef VMM_HW_AMBA_H
#define VMM_HW_AMBA_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/hw.h"

struct amba_kind {
	uint8_t periph_id[8];		/* PrimeCell identification, 0xfe0..0xffc */
	const char *compat;		/* "arm,pl0xx", then "arm,primecell" */
	const char *clock_names[2];	/* DT clock-names, each fed by the bus clock */
	unsigned int nr_clocks;
	/* Registers, with the device's lock held; 'off' below 0xfe0. */
	uint32_t (*read)(void *ctx, uint64_t off);
	void (*write)(void *ctx, uint64_t off, uint32_t val);
	/* The level the interrupt line must have now (e.g. RIS & IMSC != 0). */
	bool (*line)(void *ctx);
};

struct amba_dev {
	struct vmm_device dev;
	const struct amba_kind *kind;
	pthread_mutex_t lock;		/* the device's whole state */
	const struct vmm_device_host *host;	/* NULL: no VM attached */
	bool irq_level;			/* what the line was last driven to */
};

/*
 * A new PrimeCell context of 'ctx_size' bytes (struct amba_dev first,
 * zeroed beyond it) at base/size on SPI 'spi', or NULL after a message.
 */
void *amba_new(size_t ctx_size, const struct vmm_device_ops *ops, const struct amba_kind *kind,
	       uint64_t base, uint64_t size, uint32_t spi);
/*
 * Start the device's helper thread fn(ctx), which never takes a signal:
 * the device then returned, or NULL (and ctx freed) after a message.
 */
struct vmm_device *amba_start(struct amba_dev *a, void *(*fn)(void *));
/* vmm_device_ops.mmio of every PrimeCell: 32-bit registers, the ID, the line. */
void amba_mmio(struct vmm_device *dev, uint64_t off, uint8_t *data, uint32_t len,
	       bool is_write);
/* vmm_device_ops.fdt: the node "<name>@<base>", and the bus clock once. */
int amba_fdt(struct vmm_device *dev, const struct vmm *vm, void *fdt);
/* Drive the line from the state if it changed; with the lock held. */
void amba_update_irq(struct amba_dev *a);
/* Connect / disconnect the host callbacks; with the lock held. */
void amba_attach(struct amba_dev *a, const struct vmm_device_host *host);
void amba_detach(struct amba_dev *a);

#endif /* VMM_HW_AMBA_H */
