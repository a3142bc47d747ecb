/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vpsci-run's advanced power management (vmm/pm.c, docs/vpsci-run.md
 * "Power management"): the power-domain hierarchy, the cluster MPIDR layout,
 * the optional PSCI 1.0/1.1 functions, MEM_PROTECT's wipe on reboot and the
 * CPU_SUSPEND residency in the events log.
 */
#ifndef VMM_PM_H
#define VMM_PM_H

#include <stdbool.h>
#include <stdint.h>

/* The options (--power-domains, --cpus-per-cluster, --pm-features). */
struct pm_opts {
	unsigned int pd_levels;		/* 0 none, 1 cpu, 2 cluster, 3 system */
	unsigned int cpus_per_cluster;	/* 0: KVM's default MPIDRs */
	uint32_t features;		/* VPSCI_CFG_* optional-function flags */
	bool features_all;		/* --pm-features=all: what the hierarchy allows */
	const char *dump_dtb;		/* --dump-dtb FILE */
};

/* getopt values of the options, above main.c's own. */
enum {
	PM_OPT_POWER_DOMAINS = 512,
	PM_OPT_CPUS_PER_CLUSTER,
	PM_OPT_PM_FEATURES,
	PM_OPT_DUMP_DTB,
};

struct vmm;
struct vmm_opts;
struct vcpu;
struct vpsci_config;

int pm_parse_opt(struct pm_opts *pm, int opt, const char *arg);
int pm_check_opts(const struct vmm_opts *o);
int pm_config(const struct vmm *vm, struct vpsci_config *cfg);
int pm_vcpu_mpidr(struct vcpu *v);
struct vpsci_entry;
int pm_resume_at(struct vcpu *v, const struct vpsci_entry *e);
uint64_t pm_now_us(void *opaque);
void pm_suspend_begin(struct vcpu *v);
void pm_wake_event(const struct vcpu *v);
bool pm_before_reboot(struct vmm *vm);
int pm_after_create(struct vmm *vm, bool mem_protect);
int pm_fdt(const struct vmm *vm, void *fdt);
int pm_dump_dtb(const struct vmm *vm);

#endif /* VMM_PM_H */
