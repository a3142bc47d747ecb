/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Whole-VM snapshot file (docs/vm-snapshot.md): the layouts written to disk
 * and the KVM-free codec (snapfile.c: parse/validate every section, stream
 * sections out with their CRC), shared by snapshot.c / restore.c (the KVM
 * side; the devices, hw/, write their own sections). Includes no kernel header:
 * host tests and fuzz/fuzz_vmsnap.c reach the codec.
 */
#ifndef VMM_SNAPSHOT_H
#define VMM_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine.h"
#include "util/buf.h"

#define SNAP_MAGIC		"VPSCIVM"	/* 8 bytes with the NUL */
/*
 * Format 2 (issue 12): sections keyed by (type, index) in any order, unknown
 * types skipped, the POWER section. Format 1 (ABI 2) files are still read.
 */
#define SNAP_FORMAT_VERSION	2
#define SNAP_FORMAT_OLDEST	1
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
	uint32_t type;		/* enum snap_sec_type, or a device's snap_type */
	uint32_t index;		/* vCPU index for SEC_VCPU, device instance, else 0 */
	uint64_t len;
};
_Static_assert(sizeof(struct snap_sec) == 16, "section header layout");

/*
 * Section types: the machine's own (CONFIG, POWER, ENGINE, VCPU, RAM, END)
 * and the devices' (each device's stable snap_type, device.h). A reader
 * keeps every other type as a device section; one that no device of its
 * VM claims is skipped.
 */
enum snap_sec_type {
	SEC_CONFIG = 1,
	SEC_ENGINE = 2,		/* vpsci_snapshot() bytes (docs/snapshot.md) */
	SEC_VCPU = 3,		/* one per vCPU, index = vCPU index */
	SEC_GIC = 4,		/* device: the vGICv3 (hw/gic.c's snap_type) */
	SEC_UART = 5,		/* device: PL011 (hw/uart.c's) */
	SEC_RAM = 6,
	SEC_END = 7,		/* len 0: the last section */
	SEC_RTC = 8,		/* device: PL031 (hw/rtc.c's; since ABI 2) */
	SEC_POWER = 9,		/* struct snap_power (format 2) */
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

/* Power domains and optional PSCI functions (--power-domains ...). */
struct snap_power {
	uint32_t pd_levels;		/* 0 .. VPSCI_MAX_PD_LEVELS */
	uint32_t cpus_per_cluster;	/* 0 .. SNAP_MAX_CPUS_PER_CLUSTER */
	uint32_t pm_features;		/* VPSCI_CFG_* optional functions */
	uint32_t reserved;
};
_Static_assert(sizeof(struct snap_power) == 16, "power layout");
#define SNAP_MAX_CPUS_PER_CLUSTER	16u

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

/*
 * Register records: the 64-bit KVM register ID, then the value (size from
 * the ID's size field, Documentation/virt/kvm/api.rst) padded to 8 bytes.
 * The field is repeated here so the codec needs no kernel header;
 * snapshot.c checks it against <linux/kvm.h>.
 */
#define SNAP_REG_SIZE_SHIFT	52
#define SNAP_REG_SIZE_MASK	0x00f0000000000000ull
#define SNAP_MAX_REG		256u	/* bytes of the largest value held */

static inline size_t snap_reg_size(uint64_t id)
{
	return (size_t)1 << ((id & SNAP_REG_SIZE_MASK) >> SNAP_REG_SIZE_SHIFT);
}

static inline size_t snap_reg_record_size(uint64_t id)
{
	return 8 + ((snap_reg_size(id) + 7) & ~(size_t)7);
}

struct snap_ram {
	uint64_t ram_size;
	uint64_t nr_pages;	/* ram_size / SNAP_PAGE_SIZE */
	uint64_t nr_present;	/* pages stored: the set bits of the bitmap */
	/* then a bitmap of nr_pages bits in u64 words, then the present pages */
};

/* ---- reading (snapfile.c) ------------------------------------------------ */

/* One section's payload, inside the caller's bytes. */
struct snap_section {
	uint32_t type, index;
	const uint8_t *p;
	size_t len;
};

#define SNAP_MAX_DEVICES	64	/* device sections in one file */

/* A validated file: the machine record, and pointers into the file. */
struct snap_view {
	uint32_t format;		/* 1 or 2 */
	struct vmm_machine m;		/* owned: CONFIG, POWER, vCPU MPIDRs, ENGINE */
	unsigned int recorded;		/* enum vmm_field bits the file records */
	const uint8_t **vcpu;		/* owned array: each SEC_VCPU payload */
	struct snap_section dev[SNAP_MAX_DEVICES];	/* GIC, UART, RTC, unknown types */
	unsigned int nr_dev;
	const struct snap_ram *ram;
	const uint64_t *bitmap;
	const uint8_t *pages;
};

/*
 * Validate a whole file of 'size' bytes (8-byte aligned, e.g. mapped):
 * header, checksums, format and ABI, every section's structure and values.
 * Returns 0 (v filled; snap_view_free releases it), -EINVAL with 'why'
 * naming the problem, -ENOMEM. Never reads outside [file, file + size).
 */
int snap_parse(const uint8_t *file, size_t size, struct snap_view *v, char *why, size_t why_len);
void snap_view_free(struct snap_view *v);
/* The device section (type, index), or NULL. */
const struct snap_section *snap_view_device(const struct snap_view *v, uint32_t type,
					    uint32_t index);

/* ---- writing (snapfile.c) ------------------------------------------------ */

/* A stream of sections after the header, CRC'ed as they go. */
struct snap_writer {
	int (*sink)(void *opaque, const void *data, size_t len);	/* 0 or -errno */
	void *opaque;
	uint64_t size;		/* bytes after the header */
	uint32_t crc;		/* of those bytes */
	int err;		/* the first sink error; later puts do nothing */
};

void snapw_put(struct snap_writer *w, const void *data, size_t len);
/* A section header for 'len' payload bytes; the payload follows, then snapw_pad(). */
void snapw_begin(struct snap_writer *w, uint32_t type, uint32_t index, uint64_t len);
void snapw_pad(struct snap_writer *w);
void snapw_section(struct snap_writer *w, uint32_t type, uint32_t index, const void *data,
		   size_t len);
/* CONFIG from the record (RAM at VMM_RAM_BASE, VMM_NR_IRQS), and POWER. */
void snapw_config(struct snap_writer *w, const struct vmm_machine *m);
void snapw_power(struct snap_writer *w, const struct vmm_machine *m);
/* The header for what w wrote. */
void snap_header(struct snap_hdr *h, const struct snap_writer *w, uint32_t abi);

#endif /* VMM_SNAPSHOT_H */
