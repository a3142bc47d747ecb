/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hibernate description's codec (docs/hibernate.md): text, one
 * "key=value" per line, the machine record (machine.h) plus why it was
 * written. Parse / validate / format only: no KVM, no files, no logging,
 * so host tests and the fuzzer (fuzz/fuzz_desc.c) reach all of it.
 *
 *   vpsci-machine=1            first line: magic + format version
 *   key=value ...              every key of desc.c's keys[], each once
 *   crc32=XXXXXXXX             last line: CRC-32 of every byte before it
 */
#ifndef VMM_STATE_DESC_H
#define VMM_STATE_DESC_H

#include <stdbool.h>
#include <stddef.h>

#include "machine.h"
#include "util/buf.h"

#define DESC_FORMAT		1
#define DESC_MAX_SIZE		(1u << 20)	/* a description is a few KB */
#define DESC_MAX_CPUS_PER_CLUSTER 16u
/* The record fields a description holds (all of them). */
#define DESC_RECORDED		VMM_F_ALL

struct hib_desc {
	struct vmm_machine m;	/* mpidrs, digests and engine bytes all present */
	char reason[16];	/* SYSTEM_OFF2 or SYSTEM_OFF */
	bool machine_on_off;	/* --machine-on-off was in force */
};

/*
 * Append the description of d to out. Returns 0; -EINVAL when a string
 * cannot be recorded (a newline in a path or the command line; 'why' says
 * which); -ENOMEM.
 */
int desc_format(const struct hib_desc *d, struct vmm_buf *out, char *why, size_t why_len);

/*
 * Parse and check a whole description (len bytes, NUL after them not
 * required). On success d owns what it read (vmm_machine_free(&d->m)).
 * Returns 0; -EINVAL with 'why' naming the problem; -ENOMEM. On failure
 * d holds nothing.
 */
int desc_parse(const char *buf, size_t len, struct hib_desc *d, char *why, size_t why_len);

#endif /* VMM_STATE_DESC_H */
