/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * THE machine record (issue 12): the guest-visible machine, and nothing
 * else. The hibernate description (--machine / --resume), the whole-VM
 * snapshot (--snapshot / --restore) and, later, migration all describe this
 * same record; the options build one too, so that one table-driven check
 * (vmm_machine_contradiction) decides what a restore may contradict.
 *
 * Run settings are NOT part of it: paths of --events, --snapshot,
 * --machine, verbosity, --no-reboot, --max-reboots.
 *
 * Middle layer, free of KVM (no <linux/kvm.h>): host tests and fuzzers
 * include it. Strings and arrays are owned by the record
 * (vmm_machine_free releases them).
 */
#ifndef VMM_MACHINE_H
#define VMM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vpsci/vpsci.h>

#include "layout.h"
#include "util/names.h"	/* enum vmm_psci_mode, vmm_version_str, vmm_mode_name, ... */

/* A file the guest boots from or owns: kernel, initrd, a --disk. */
struct vmm_image {
	char *path;		/* absolute (realpath) when recorded; NULL: none */
	uint64_t size;		/* bytes */
	char sha256[65];	/* hex digest; "" when not recorded */
};

/*
 * The fields of the record, one bit each: which options were given, which
 * fields a file format records, which one a restore contradicts. The first
 * nine have the values of enum vmm_given (vmm.h).
 */
enum vmm_field {
	VMM_F_KERNEL		= 1u << 0,
	VMM_F_INITRD		= 1u << 1,
	VMM_F_APPEND		= 1u << 2,
	VMM_F_CPUS		= 1u << 3,
	VMM_F_MEM		= 1u << 4,
	VMM_F_PSCI_VERSION	= 1u << 5,
	VMM_F_CONDUIT		= 1u << 6,
	VMM_F_SYSTEM_SUSPEND	= 1u << 7,
	VMM_F_DISKS		= 1u << 8,
	VMM_F_MODE		= 1u << 9,
	VMM_F_POWER_DOMAINS	= 1u << 10,
	VMM_F_CPUS_PER_CLUSTER	= 1u << 11,
	VMM_F_PM_FEATURES	= 1u << 12,
};
#define VMM_F_ALL		((1u << 13) - 1)

/* pm_features of an option record for --pm-features=all (resolved later). */
#define VMM_PM_FEATURES_ALL	0xffffffffu

struct vmm_machine {
	/* PSCI as the guest sees it */
	uint32_t psci_version;		/* VPSCI_VERSION_*; 0 in options: the mode's default */
	enum vmm_psci_mode mode;
	enum vpsci_conduit conduit;
	bool system_suspend;		/* SYSTEM_SUSPEND offered */
	unsigned int pd_levels;		/* --power-domains: 0 none .. 3 system */
	unsigned int cpus_per_cluster;	/* --cpus-per-cluster: 0 KVM's default MPIDRs */
	uint32_t pm_features;		/* VPSCI_CFG_* optional functions, resolved */

	/* CPUs, interrupt controller, memory */
	unsigned int cpus;
	uint64_t *mpidrs;		/* 'cpus' affinities; NULL before the VM exists */
	int gic_version;		/* 2 or 3; 0 not known */
	uint64_t mem_mib;

	/* What it boots and owns */
	struct vmm_image kernel;
	struct vmm_image initrd;	/* path NULL: none */
	char *append;			/* NULL: none */
	struct vmm_image disks[VMM_MAX_DISKS];
	unsigned int nr_disks;

	/* The engine's state: libvpsci's snapshot bytes (docs/snapshot.md) */
	uint8_t *engine;
	size_t engine_len;
};

/* Release what the record owns and zero it. */
void vmm_machine_free(struct vmm_machine *m);

/*
 * The one contradiction check of a restore (hibernate --resume, snapshot
 * --restore, migration): for every field that is both in 'given' (the
 * options typed, enum vmm_field bits) and in 'recorded' (what the file
 * format holds), the option record 'opt' must carry the recorded value of
 * 'rec'. Paths are compared as recorded (both absolute).
 * Returns 0, or the vmm_field bit of the first contradiction, with 'opt_name'
 * (e.g. "--cpus"), 'opt_val' and 'rec_val' (e.g. "2", "4 vCPUs") filled for
 * the caller's message. Never fails otherwise.
 */
struct vmm_contradiction {
	const char *opt_name;
	char opt_val[160];
	char rec_val[160];
};
unsigned int vmm_machine_contradiction(const struct vmm_machine *opt, unsigned int given,
				       const struct vmm_machine *rec, unsigned int recorded,
				       struct vmm_contradiction *why);

#endif /* VMM_MACHINE_H */
