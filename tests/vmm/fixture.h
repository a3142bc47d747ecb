/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fixtures of the vpsci-run codec tests (and the fuzz seeds): a sample
 * machine record, its hibernate description, and whole-VM snapshot files
 * built in memory through the codec's own writer, with knobs to break
 * them. KVM-free, like the codecs.
 */
#ifndef VMM_TEST_FIXTURE_H
#define VMM_TEST_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine.h"
#include "state/desc.h"
#include "state/snapshot.h"
#include "util/buf.h"

/* A 2-vCPU machine, every field set (disks, initrd, power domains, engine bytes). */
void fx_machine(struct vmm_machine *m);
/* Its hibernate description: fx_machine + reason + machine-on-off. */
void fx_desc(struct hib_desc *d);

/* How to build a snapshot file (all zero: a valid format-2 file of fx_machine). */
struct fx_snap {
	uint32_t format;		/* 0: SNAP_FORMAT_VERSION; 1: no POWER section */
	uint32_t abi;			/* 0: SNAP_ABI */
	bool ram_first;			/* RAM and devices before CONFIG */
	bool no_power, no_engine, no_ram, no_config, no_end, no_gic;
	bool dup_uart;			/* a second UART section 0 */
	bool unknown_device;		/* a section of type 1000 */
	unsigned int extra_devices;	/* that many more device sections */
	unsigned int vcpus;		/* 0: as the record; else this many VCPU sections */
	uint32_t vcpu1_idx;		/* 0: 1; else the record's idx of vCPU 1 */
	uint32_t bad_reg_size;		/* nonzero: vCPU 0's last register claims this size code */
	uint64_t ram_present_delta;	/* added to nr_present */
	struct snap_config *cfg_override;	/* non-NULL: this CONFIG record instead */
	struct snap_power *power_override;
	bool trailing;			/* bytes after END */
};
/* Build into out (a complete file, header and CRCs right). */
void fx_snapshot(const struct fx_snap *how, struct vmm_buf *out);
/* Recompute the header CRC after an edit of the header. */
void fx_fix_header(uint8_t *file);
/* Recompute both CRCs after an edit of the body. */
void fx_fix_crcs(uint8_t *file, size_t size);

/* Replace the value of 'key' in a description text and fix its crc32 line. */
void fx_desc_set(struct vmm_buf *text, const char *key, const char *value);
/* Remove the line of 'key' (fixing the crc), or add "key=value" before crc32. */
void fx_desc_drop(struct vmm_buf *text, const char *key);
void fx_desc_add(struct vmm_buf *text, const char *line);

#endif /* VMM_TEST_FIXTURE_H */
