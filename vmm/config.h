/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The machine configuration the options produce and every boot is built
 * from (struct vmm_opts). KVM-free, so the option parser builds on the host.
 * Transitional: state/'s machine record (machine.h) takes its place.
 */
#ifndef VMM_CONFIG_H
#define VMM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include <vpsci/vpsci.h>

#include "layout.h"
#include "machine.h"
#include "util/names.h"

struct snap_restore;

/* One --disk: a file the guest sees as a DT pmem-region (disk.c). */
struct vmm_disk {
	const char *path;
	int fd;
	uint64_t size;
	uint64_t gpa;
};

/* Transitional names of machine.h's enum vmm_field bits, until state/ uses those. */
#define VMM_GIVEN_KERNEL	VMM_F_KERNEL
#define VMM_GIVEN_INITRD	VMM_F_INITRD
#define VMM_GIVEN_APPEND	VMM_F_APPEND
#define VMM_GIVEN_CPUS		VMM_F_CPUS
#define VMM_GIVEN_MEM		VMM_F_MEM
#define VMM_GIVEN_PSCI_VERSION	VMM_F_PSCI_VERSION
#define VMM_GIVEN_CONDUIT	VMM_F_CONDUIT
#define VMM_GIVEN_SYSTEM_SUSPEND VMM_F_SYSTEM_SUSPEND
#define VMM_GIVEN_DISK		VMM_F_DISKS

/* Power management (--power-domains, --cpus-per-cluster, --pm-features). */
struct pm_opts {
	unsigned int pd_levels;		/* 0 none, 1 cpu, 2 cluster, 3 system */
	unsigned int cpus_per_cluster;	/* 0: KVM's default MPIDRs */
	uint32_t features;		/* VPSCI_CFG_* optional-function flags */
	bool features_all;		/* --pm-features=all: what the hierarchy allows */
};

/* The machine, fixed for the whole run (every reboot uses the same). */
struct vmm_opts {
	const char *kernel;
	const char *initrd;
	const char *append;
	unsigned int cpus;
	uint64_t mem_mib;
	enum vmm_psci_mode mode;
	bool mode_set;		/* --psci given (else chosen from the host) */
	uint32_t psci_version;	/* 0 = default for the mode */
	enum vpsci_conduit conduit;
	bool no_reboot;
	bool system_suspend;	/* offer SYSTEM_SUSPEND (user mode, 1.0+; default on) */
	bool system_suspend_set;	/* --system-suspend given explicitly */
	struct vmm_disk disks[VMM_MAX_DISKS];	/* --disk, in order */
	unsigned int nr_disks;
	bool machine_on_off;		/* --machine-on-off: also on a plain SYSTEM_OFF */
	const struct vmm_machine *resume;	/* --resume: the machine being resumed */
	unsigned int given;		/* enum vmm_field bits: options on the command line */
	const char *restore_path;	/* --restore FILE: continue a snapshotted VM */
	const struct snap_restore *restore;	/* --restore: the validated file (state/restore.c) */
	uint32_t snapshot_abi;		/* --snapshot-abi (tests): 0 = this build's */
	struct pm_opts pm;		/* power domains, optional functions (psci/) */
};

/*
 * One more --disk (options, or a --resume description), in order; opened
 * and checked later (hw/disk.c disk_open_all). 0, or -1 after a message
 * when there are VMM_MAX_DISKS already.
 */
int vmm_opts_add_disk(struct vmm_opts *o, const char *path);

#endif /* VMM_CONFIG_H */
