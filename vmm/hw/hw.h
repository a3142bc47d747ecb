/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Devices of the virt-like machine (hw/): PL011, PL031, pmem disks, the DT.
 */
#ifndef VMM_HW_HW_H
#define VMM_HW_HW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm.h"

/* fdt.c */
int fdt_build(struct vmm *vm, void *buf, size_t size, uint64_t initrd_start,
	      uint64_t initrd_end);

/* disk.c */
int disk_add(struct vmm_opts *o, const char *path);
int disk_open_all(struct vmm_opts *o);
int disk_map_all(struct vmm *vm);
void disk_unmap_all(struct vmm *vm);
int disk_fdt_add(const struct vmm *vm, void *fdt);

/* uart.c */
int uart_init(void);
void uart_attach(struct vmm *vm);
void uart_detach(void);
bool uart_mmio(uint64_t addr, uint8_t *data, uint32_t len, bool is_write);
void uart_restore_tty(void);
bool uart_irq_level(void);

/* rtc.c */
int rtc_init(void);
void rtc_attach(struct vmm *vm);
void rtc_detach(void);
bool rtc_mmio(uint64_t addr, uint8_t *data, uint32_t len, bool is_write);
bool rtc_irq_level(void);
int rtc_fdt_add(void *fdt, uint32_t clk_phandle);
/* rtc.c: the PL031's state, for snapshots (docs/vm-snapshot.md) */
struct vmm_rtc_state {
	int64_t offset;			/* counter = host wall-clock seconds + offset */
	uint32_t mr, lr, cr, imsc, ris;
	uint32_t armed;			/* 1: an alarm is ahead (at counter == mr) */
};
void rtc_save(struct vmm_rtc_state *s);
void rtc_set_restore(const struct vmm_rtc_state *s);

/* uart.c: the PL011's state, for snapshots (docs/vm-snapshot.md) */
#define VMM_UART_FIFO	32
struct vmm_uart_state {
	uint32_t imsc, lcrh, cr, ifls, ibrd, fbrd, ilpr, dmacr, ris_tx;
	uint32_t count;			/* bytes in fifo[0..count) */
	uint8_t fifo[VMM_UART_FIFO];
};
void uart_save(struct vmm_uart_state *s);
void uart_set_restore(const struct vmm_uart_state *s);

#endif /* VMM_HW_HW_H */
