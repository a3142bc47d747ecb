/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Whole-VM snapshot file (docs/vm-snapshot.md): the layouts written to disk
 * and the helpers shared by snapshot.c (file, vCPUs, RAM, UART, engine) and
 * gic_state.c (the in-kernel vGICv3). Private to vpsci-run.
 */
#ifndef VMM_SNAPSHOT_H
#define VMM_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm.h"

#define SNAP_MAGIC		"VPSCIVM"	/* 8 bytes with the NUL */
#define SNAP_FORMAT_VERSION	1
/*
 * What the VMM-side records mean (vCPU states, register handling, GIC
 * order). A build that changes any of it bumps this; files of another ABI
 * are refused as written by an incompatible build.
 */
#define SNAP_ABI		2	/* 2: the PL031 RTC section */
#define SNAP_PAGE_SIZE		4096u

/* File header: 64 bytes at offset 0. */
struct snap_hdr {
	char magic[8];
	uint32_t version;	/* SNAP_FORMAT_VERSION */
	uint32_t header_size;	/* sizeof(struct snap_hdr) */
	uint64_t file_size;	/* the whole file */
	uint32_t abi;		/* SNAP_ABI of the writer */
	uint32_t flags;		/* 0 */
	uint32_t body_crc;	/* CRC-32 of bytes [64, file_size) */
	uint32_t header_crc;	/* CRC-32 of bytes [0, 64), this field read as 0 */
	uint32_t page_size;	/* SNAP_PAGE_SIZE */
	uint32_t reserved[5];
};
_Static_assert(sizeof(struct snap_hdr) == 64, "snapshot header layout");

/* Every section: this header, 'len' bytes, zero padding to a multiple of 8. */
struct snap_sec {
	uint32_t type;		/* enum snap_sec_type */
	uint32_t index;		/* vCPU index for SEC_VCPU, else 0 */
	uint64_t len;
};
_Static_assert(sizeof(struct snap_sec) == 16, "section header layout");

enum snap_sec_type {
	SEC_CONFIG = 1,
	SEC_ENGINE = 2,		/* vpsci_snapshot() bytes (docs/snapshot.md) */
	SEC_VCPU = 3,		/* one per vCPU, in index order */
	SEC_GIC = 4,
	SEC_UART = 5,
	SEC_RAM = 6,
	SEC_END = 7,		/* len 0: the last section */
	SEC_RTC = 8,		/* struct vmm_rtc_state, after SEC_UART (ABI 2) */
};

struct snap_config {
	uint32_t nr_vcpus;
	uint32_t mode;		/* enum vmm_psci_mode: VMM_PSCI_USER only */
	uint32_t psci_version;
	uint32_t conduit;	/* enum vpsci_conduit */
	uint64_t mem_mib;
	uint64_t ram_base;	/* VMM_RAM_BASE */
	uint32_t flags;		/* SNAP_CFG_* */
	uint32_t gic_version;	/* 3 */
	uint32_t nr_irqs;	/* VMM_NR_IRQS */
	uint32_t kernel_len;	/* strings after the struct, NUL included; 0 = none */
	uint32_t initrd_len;
	uint32_t append_len;
};
_Static_assert(sizeof(struct snap_config) == 56, "config layout");
#define SNAP_CFG_SYSTEM_SUSPEND	(1u << 0)

/* What the VMM does with a vCPU, beside its registers (docs/vm-snapshot.md). */
enum snap_vcpu_state {
	SNAP_VCPU_RUN = 0,		/* its thread runs it */
	SNAP_VCPU_OFF = 1,		/* parked until CPU_ON */
	SNAP_VCPU_ON_PENDING = 2,	/* CPU_ON accepted, the thread has not started it */
	SNAP_VCPU_SUSPENDED = 3,	/* CPU_SUSPEND: in KVM's suspended state */
};

struct snap_entry {
	uint64_t pc, context_id;
	uint32_t flags;		/* bit 0 AArch32, bit 1 Thumb, bit 2 big-endian */
	uint32_t reserved;
};

struct snap_vcpu {
	uint32_t idx;
	uint32_t state;		/* enum snap_vcpu_state */
	uint32_t mp_state;	/* KVM_GET_MP_STATE */
	uint32_t nr_regs;
	uint64_t mpidr;
	uint64_t regs_bytes;	/* the register records after this struct */
	struct snap_entry on_entry;	/* ON_PENDING */
	uint64_t susp_x[4];		/* SUSPENDED: the call's results (standby) */
	uint32_t susp_power_state;
	uint32_t susp_powerdown;
	struct snap_entry susp_entry;	/* SUSPENDED power-down: where it wakes */
};
_Static_assert(sizeof(struct snap_vcpu) == 120, "vCPU record layout");

/* One vGIC register: KVM_{GET,SET}_DEVICE_ATTR group + attr, value. */
struct snap_gic_reg {
	uint32_t group;
	uint32_t reserved;
	uint64_t attr;
	uint64_t val;		/* 32-bit groups use the low half */
};
_Static_assert(sizeof(struct snap_gic_reg) == 24, "GIC record layout");

struct snap_ram {
	uint64_t ram_size;
	uint64_t nr_pages;	/* ram_size / SNAP_PAGE_SIZE */
	uint64_t nr_present;	/* pages stored: the set bits of the bitmap */
	/* then a bitmap of nr_pages bits in u64 words, then the present pages */
};

/* Growable byte buffer (sections are built in memory, RAM streamed). */
struct snap_buf {
	uint8_t *p;
	size_t len, cap;
};
int snap_buf_put(struct snap_buf *b, const void *data, size_t len);

/* gic_state.c */
int gic_state_save(struct vmm *vm, struct snap_buf *b);
int gic_state_restore(struct vmm *vm, const struct snap_gic_reg *regs, size_t n);
bool gic_state_known_group(uint32_t group);

#endif /* VMM_SNAPSHOT_H */
