/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Devices of the virt-like machine (hw/): the vGIC, the architected timer's
 * DT node, PL011, PL031, pmem disks, and the DT builder. Every device is a
 * struct vmm_device (device.h); hw/virt.c's table says which the machine
 * has, where, and on which SPI.
 */
#ifndef VMM_HW_HW_H
#define VMM_HW_HW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "vmm.h"

/* Phandles of the nodes other nodes point at. */
#define HW_PHANDLE_GIC		1
#define HW_PHANDLE_CLK		2	/* the AMBA bus clock (amba.c) */

/* DT interrupt specifier (Linux bindings arm,gic*.yaml) */
#define HW_FDT_SPI		0
#define HW_FDT_PPI		1
#define HW_IRQ_LEVEL_HIGH	4

/* virt.c: the machine's devices, registered once per run (main.c). */
int virt_register(struct vmm_devices *r, const struct vmm_opts *o);

/* Constructors (virt.c's table): a device at 'base'/'size' on GIC SPI 'spi', or NULL. */
struct vmm_device *gic_new(uint64_t base, uint64_t size, uint32_t spi);
struct vmm_device *timer_new(uint64_t base, uint64_t size, uint32_t spi);
struct vmm_device *pl011_new(uint64_t base, uint64_t size, uint32_t spi);
struct vmm_device *pl031_new(uint64_t base, uint64_t size, uint32_t spi);
struct vmm_device *pmem_new(const struct vmm_disk *disk);

/* uart.c: put the terminal back as it was (also at exit). */
void uart_restore_tty(void);

/* fdt.c: the guest's DT, the devices' nodes asked of the registry. */
int fdt_build(struct vmm *vm, void *buf, size_t size, uint64_t initrd_start,
	      uint64_t initrd_end);

/*
 * fdt.c: building a node with a sticky error: the first failing libfdt
 * call is kept (err, where), later ones do nothing; check once at the end.
 */
struct hw_fdt {
	void *fdt;
	int err;
	const char *where;
};
void hw_fdt_check(struct hw_fdt *c, int r, const char *where);
int hw_fdt_subnode(struct hw_fdt *c, int parent, const char *name);
void hw_fdt_cells(struct hw_fdt *c, int node, const char *name, unsigned int count, ...);
void hw_fdt_reg64(struct hw_fdt *c, int node, unsigned int pairs, const uint64_t *vals);
void hw_fdt_str(struct hw_fdt *c, int node, const char *name, const char *val);
void hw_fdt_strs(struct hw_fdt *c, int node, const char *name, const char *a, const char *b);
void hw_fdt_u32(struct hw_fdt *c, int node, const char *name, uint32_t val);
void hw_fdt_empty(struct hw_fdt *c, int node, const char *name);

/* disk.c: --disk files, opened and placed once per run. */
int disk_open_all(struct vmm_opts *o);

#endif /* VMM_HW_HW_H */
