// SPDX-License-Identifier: BSD-2-Clause
/*
 * Advanced power management in vpsci-run (issue 6): the options that give a
 * VM a power-domain hierarchy (CPU -> cluster -> system), a cluster MPIDR
 * layout and the optional PSCI 1.0/1.1 functions; the host clock for
 * PSCI_STAT_*; the idle-state device-tree nodes; a CPU_WAKE line per
 * CPU_SUSPEND in the events log; and MEM_PROTECT's wipe of guest RAM before
 * a reboot in place. Everything is off unless asked for: a VM without these
 * options sees exactly the firmware it saw before.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <libfdt.h>

#include <vpsci/vpsci_fdt.h>

#include "kvm_compat.h"
#include "vmm.h"

/* The optional functions vpsci-run can offer, by --pm-features name. */
static const struct {
	const char *name;
	uint32_t flag;
	uint32_t min_version;
} pm_features[] = {
	{ "osi", VPSCI_CFG_OSI, VPSCI_VERSION_1_0 },
	{ "ext-stateid", VPSCI_CFG_EXT_STATEID, VPSCI_VERSION_1_0 },
	{ "stat", VPSCI_CFG_STAT, VPSCI_VERSION_1_0 },
	{ "freeze", VPSCI_CFG_FREEZE, VPSCI_VERSION_1_0 },
	{ "default-suspend", VPSCI_CFG_DEFAULT_SUSPEND, VPSCI_VERSION_1_0 },
	{ "node-hw-state", VPSCI_CFG_NODE_HW_STATE, VPSCI_VERSION_1_0 },
	{ "mem-protect", VPSCI_CFG_MEM_PROTECT, VPSCI_VERSION_1_1 },
};
#define NR_PM_FEATURES	(sizeof(pm_features) / sizeof(pm_features[0]))

static const char *const level_names[] = { "none", "cpu", "cluster", "system" };

/* Aff0 holds at most 16 CPUs: GICv3 SGIs name their targets in a 16-bit list. */
#define MAX_CPUS_PER_CLUSTER	16u

/* --pm-features=LIST: comma-separated names, "all" or "none". */
static int parse_features(struct pm_opts *pm, const char *arg)
{
	char buf[256], *tok, *save = NULL;

	if (strlen(arg) >= sizeof(buf))
		return usage_error("--pm-features: list too long");
	memcpy(buf, arg, strlen(arg) + 1);
	pm->features = 0;
	pm->features_all = false;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		if (strcmp(tok, "all") == 0) {
			pm->features_all = true;
			continue;
		}
		if (strcmp(tok, "none") == 0)
			continue;
		for (i = 0; i < NR_PM_FEATURES; i++)
			if (strcmp(tok, pm_features[i].name) == 0)
				break;
		if (i == NR_PM_FEATURES)
			return usage_error("--pm-features: unknown feature '%s' (expected all, none "
					"or a list of osi, ext-stateid, stat, freeze, "
					"default-suspend, node-hw-state, mem-protect)", tok);
		pm->features |= pm_features[i].flag;
	}
	return -1;
}

/* One of this file's options. Returns -1 to go on, or an exit status. */
int pm_parse_opt(struct pm_opts *pm, int opt, const char *arg)
{
	char *end;
	unsigned long v;

	switch (opt) {
	case PM_OPT_POWER_DOMAINS:
		for (unsigned int l = 0; l < 4; l++)
			if (strcmp(arg, level_names[l]) == 0) {
				pm->pd_levels = l;
				return -1;
			}
		return usage_error("--power-domains '%s': expected cpu, cluster or system "
				"(or none)", arg);
	case PM_OPT_CPUS_PER_CLUSTER:
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno || !*arg || *end || v < 1 || v > MAX_CPUS_PER_CLUSTER)
			return usage_error("--cpus-per-cluster '%s': expected 1 to %u", arg,
					MAX_CPUS_PER_CLUSTER);
		pm->cpus_per_cluster = (unsigned int)v;
		return -1;
	case PM_OPT_PM_FEATURES:
		return parse_features(pm, arg);
	case PM_OPT_DUMP_DTB:
		pm->dump_dtb = arg;
		return -1;
	default:
		return usage_error("internal error: option %d", opt);
	}
}

/*
 * The features --pm-features=all stands for with this hierarchy and version:
 * OSI needs a cluster level to coordinate, STAT a state to count, MEM_PROTECT
 * PSCI 1.1.
 */
static uint32_t resolve_features(const struct pm_opts *pm, uint32_t version)
{
	uint32_t f = pm->features;

	if (pm->features_all)
		for (size_t i = 0; i < NR_PM_FEATURES; i++)
			if (version >= pm_features[i].min_version)
				f |= pm_features[i].flag;
	if (pm->features_all && pm->pd_levels < 2)
		f &= ~(uint32_t)VPSCI_CFG_OSI;
	if (pm->features_all && pm->pd_levels < 1)
		f &= ~(uint32_t)VPSCI_CFG_STAT;
	return f;
}

/*
 * Which PSCI modes can offer what: a hierarchy and every CPU-level function
 * need the engine to see CPU_SUSPEND, CPU_ON and CPU_OFF (user mode); in
 * hybrid mode KVM answers those, so only MEM_PROTECT (a system function whose
 * answers come from the memory map) is truthful there; kernel mode offers
 * none of it. Returns -1 (fine) or an exit status after a message.
 */
static int check_mode(const struct pm_opts *pm, enum vmm_psci_mode mode, uint32_t features,
		      bool resolved)
{
	const char *how = resolved ? " (the mode chosen for this host)" : "";

	if (mode == VMM_PSCI_USER)
		return -1;
	if (pm->pd_levels)
		return usage_error("--power-domains needs --psci=user: in %s mode%s KVM answers "
				"CPU_SUSPEND and knows no power domains",
				psci_mode_name(mode), how);
	if (mode == VMM_PSCI_KERNEL && features)
		return usage_error("--pm-features needs --psci=user (or hybrid for mem-protect): "
				"in kernel mode%s KVM answers PSCI", how);
	for (size_t i = 0; i < NR_PM_FEATURES; i++)
		if ((features & pm_features[i].flag) && pm_features[i].flag != VPSCI_CFG_MEM_PROTECT)
			return usage_error("--pm-features=%s needs --psci=user: in hybrid mode%s KVM "
					"answers the CPU calls, so only mem-protect can be offered",
					pm_features[i].name, how);
	return -1;
}

/*
 * Combinations of options, checked once after parsing (the PSCI mode may
 * still be unknown: pm_config() checks it again once resolved).
 * Returns -1 to go on, or an exit status.
 */
int pm_check_opts(const struct vmm_opts *o)
{
	const struct pm_opts *pm = &o->pm;
	uint32_t version = o->psci_version ? o->psci_version : VPSCI_VERSION_1_3;
	uint32_t f = resolve_features(pm, version);
	int r;

	for (size_t i = 0; i < NR_PM_FEATURES; i++)
		if ((f & pm_features[i].flag) && version < pm_features[i].min_version)
			return usage_error("--pm-features=%s needs PSCI %s or later", pm_features[i].name,
					pm_features[i].min_version == VPSCI_VERSION_1_1 ? "1.1" : "1.0");
	if ((f & VPSCI_CFG_OSI) && pm->pd_levels < 2)
		return usage_error("--pm-features=osi needs --power-domains=cluster or system "
				"(OS-initiated mode coordinates a cluster)");
	if ((f & VPSCI_CFG_STAT) && pm->pd_levels < 1)
		return usage_error("--pm-features=stat needs --power-domains (the states it counts)");
	if (pm->cpus_per_cluster && (o->cpus - 1) / pm->cpus_per_cluster > 255)
		return usage_error("--cpus-per-cluster %u: %u vCPUs need more than 256 clusters (Aff1)",
				pm->cpus_per_cluster, o->cpus);
	if (o->mode_set) {
		r = check_mode(pm, o->mode, f, false);
		if (r >= 0)
			return r;
	}
	return -1;
}

/*
 * Fill the engine configuration for this VM's hierarchy and features. Levels
 * offer, as a typical big.LITTLE-less SoC does: CPU retention + off, cluster
 * retention + off, system off. Returns 0 or an exit status.
 */
int pm_config(const struct vmm *vm, struct vpsci_config *cfg)
{
	const struct pm_opts *pm = &vm->opts->pm;
	static const uint8_t states[VPSCI_MAX_PD_LEVELS] = {
		VPSCI_PD_RETENTION | VPSCI_PD_OFF,
		VPSCI_PD_RETENTION | VPSCI_PD_OFF,
		VPSCI_PD_OFF,
	};
	uint32_t f = resolve_features(pm, vm->psci_version);
	int r;

	r = check_mode(pm, vm->mode, f, !vm->opts->mode_set);
	if (r >= 0)
		return r;
	assert(pm->pd_levels <= VPSCI_MAX_PD_LEVELS);
	cfg->pd_levels = pm->pd_levels;
	for (unsigned int l = 0; l < pm->pd_levels && l < VPSCI_MAX_PD_LEVELS; l++)
		cfg->pd_states[l] = states[l];
	cfg->flags |= f;
	return 0;
}

/*
 * --cpus-per-cluster: MPIDR Aff1 = cluster, Aff0 = CPU in cluster. Set after
 * every KVM_ARM_VCPU_INIT (a vCPU reset gives back KVM's default MPIDR), and
 * before the first KVM_RUN, when KVM builds its MPIDR-to-vCPU map.
 * Returns 0 or -1 after a message.
 */
int pm_vcpu_mpidr(struct vcpu *v)
{
	unsigned int n = v->vm->opts->pm.cpus_per_cluster;
	uint64_t aff, got;

	if (!n)
		return 0;
	aff = ((uint64_t)(v->idx / n) << 8) | (v->idx % n);
	/* MPIDR_EL1 bit 31 is RES1. */
	if (vcpu_set_reg(v, VMM_REG_MPIDR_EL1, aff | (1ull << 31)) < 0 ||
	    vcpu_get_reg(v, VMM_REG_MPIDR_EL1, &got) < 0)
		return -1;
	if ((got & VPSCI_MPIDR_AFF_MASK) != aff) {
		vmm_log("vcpu%" PRIu32 ": --cpus-per-cluster: KVM kept MPIDR 0x%" PRIx64
			" instead of 0x%" PRIx64, v->idx, got, aff);
		return -1;
	}
	v->mpidr = aff;
	return 0;
}

#define CORE_REG(r)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(r))
#define SCTLR_M		(1ull << 0)	/* MMU */
#define SCTLR_C		(1ull << 2)	/* data cache */
#define SCTLR_I		(1ull << 12)	/* instruction cache */
#define SCTLR_EE	(1ull << 25)	/* big-endian data at EL1 */

/*
 * DEN0022 5.3, 6.4: resume a vCPU from a power-down CPU_SUSPEND at its entry
 * point, as a warm boot does: PC = entry, x0 = context id, every other
 * general-purpose register and both stack pointers zero (nothing of the
 * caller's register state survives), EL1h with DAIF masked, MMU and caches
 * off, the caller's endianness. The vCPU is not reset with
 * KVM_ARM_VCPU_INIT as CPU_ON does: that would also reset its timer and
 * MPIDR under a running VM, and the other system registers are UNKNOWN
 * after a power-down anyway (the OS restores what it needs).
 * Returns 0 or -1 after a message.
 */
int pm_resume_at(struct vcpu *v, const struct vpsci_entry *e)
{
	uint64_t sctlr;

	if (e->aarch32) {
		vmm_log("vcpu%" PRIu32 ": AArch32 entry points are not supported", v->idx);
		return -1;
	}
	for (unsigned int i = 1; i < 31; i++)
		if (vcpu_set_reg(v, VMM_REG_X(i), 0) < 0)
			return -1;
	if (vcpu_set_reg(v, CORE_REG(regs.sp), 0) < 0 || vcpu_set_reg(v, CORE_REG(sp_el1), 0) < 0 ||
	    vcpu_set_reg(v, VMM_REG_X(0), e->context_id) < 0 ||
	    vcpu_set_reg(v, VMM_REG_PC, e->pc) < 0 ||
	    vcpu_set_reg(v, VMM_REG_PSTATE, VPSCI_ENTRY_PSTATE_AARCH64) < 0 ||
	    vcpu_get_reg(v, VMM_REG_SCTLR_EL1, &sctlr) < 0)
		return -1;
	sctlr &= ~(SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_EE);
	if (e->big_endian)
		sctlr |= SCTLR_EE;
	return vcpu_set_reg(v, VMM_REG_SCTLR_EL1, sctlr);
}

/* ops->now_us: PSCI_STAT_RESIDENCY's clock (CLOCK_MONOTONIC, microseconds). */
uint64_t pm_now_us(void *opaque)
{
	struct timespec t;

	(void)opaque;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

/* A CPU_SUSPEND was accepted: start timing its residency. */
void pm_suspend_begin(struct vcpu *v)
{
	v->susp_t0_us = pm_now_us(NULL);
}

/*
 * The vCPU woke from CPU_SUSPEND: with a hierarchy, log which state it was
 * in, the deepest level that state powers down or retains (the highest
 * non-RUN local state of the composite StateID), and how long it stayed,
 * so a test can tell the CPU states from the cluster ones Linux picked.
 */
void pm_wake_event(const struct vcpu *v)
{
	unsigned int levels = v->vm->opts->pm.pd_levels, level = 0;
	uint32_t ps = v->susp.power_state;
	char extra[160];

	if (!levels)
		return;
	for (unsigned int l = 0; l < levels; l++)
		if (VPSCI_STATEID_LOCAL(ps, l) != VPSCI_LOCAL_RUN)
			level = l;
	snprintf(extra, sizeof(extra), ",\"power_state\":\"0x%08" PRIx32 "\",\"level\":%u,"
		 "\"powerdown\":%s,\"residency_us\":%" PRIu64, ps, level,
		 v->susp.powerdown ? "true" : "false", pm_now_us(NULL) - v->susp_t0_us);
	events_system("CPU_WAKE", v->idx, "user", extra);
}

/*
 * DEN0022 5.13: the VM is about to reboot in place (SYSTEM_RESET, or a cold
 * or vendor SYSTEM_RESET2; a warm RESET2 has already cleared the flag in the
 * engine). With memory protection on, wipe all of guest RAM before anything
 * is loaded again: drop the pages (MADV_DONTNEED on the private anonymous
 * mapping, so every page reads as zero) and log it. Returns whether
 * protection was on: it outlives the reboot, as firmware's NV flag does.
 */
bool pm_before_reboot(struct vmm *vm)
{
	char extra[96];

	if (!vm->psci || !vm->ram || !vpsci_mem_protect(vm->psci))
		return false;
	if (madvise(vm->ram, vm->ram_size, MADV_DONTNEED) < 0) {
		vmm_log("MEM_PROTECT: madvise(MADV_DONTNEED) failed (%s): zeroing guest RAM",
			strerror(errno));
		memset(vm->ram, 0, vm->ram_size);
	}
	snprintf(extra, sizeof(extra), ",\"base\":\"0x%llx\",\"bytes\":%" PRIu64,
		 VMM_RAM_BASE, vm->ram_size);
	events_note("MEM_WIPE", extra);
	vmm_debug("MEM_PROTECT: wiped %" PRIu64 " MiB of guest RAM before the reboot",
		  vm->ram_size >> 20);
	return true;
}

/*
 * After a reboot that wiped RAM: the new engine starts with protection off,
 * so turn it back on through the engine's own MEM_PROTECT, on behalf of the
 * boot vCPU, before any guest code runs. Returns 0 or an exit status.
 */
int pm_after_create(struct vmm *vm, bool mem_protect)
{
	struct vpsci_call call = {
		.size = sizeof(call),
		.x = { VPSCI_FN32(VPSCI_FN_MEM_PROTECT), 1, 0, 0 },
		.conduit = vm->opts->conduit,
	};
	struct vpsci_result res = { .size = sizeof(res) };
	int r;

	if (!mem_protect)
		return 0;
	r = vpsci_call(vm->psci, 0, &call, &res);
	if (r < 0 || (int64_t)res.x[0] < 0) {
		vmm_log("MEM_PROTECT: cannot keep memory protection on across the reboot (%s, "
			"x0 = %" PRId64 ")", r < 0 ? vpsci_strerror(r) : "engine refused",
			(int64_t)res.x[0]);
		return VMM_EXIT_CRASH;
	}
	return 0;
}

/* The idle-state nodes (/cpus/idle-states, /psci power domains) after cpus and psci. */
int pm_fdt(const struct vmm *vm, void *fdt)
{
	int r, ferr = 0;

	if (!vm->opts->pm.pd_levels)
		return 0;
	r = vpsci_fdt_add_idle_states(vm->psci, fdt, &ferr);
	if (r < 0) {
		vmm_log("device tree: vpsci_fdt_add_idle_states: %s (%s)", vpsci_strerror(r),
			ferr ? fdt_strerror(ferr) : "-");
		return -1;
	}
	return 0;
}

/*
 * --dump-dtb FILE: the tree exactly as the guest would get it (built by the
 * loader into guest RAM), so tests can check the idle-state nodes with dtc.
 * Returns VMM_EXIT_OFF (0) or VMM_EXIT_USAGE after a message.
 */
int pm_dump_dtb(const struct vmm *vm)
{
	const uint8_t *dtb = vm->ram + (vm->dtb_addr - VMM_RAM_BASE);
	size_t size = fdt_totalsize(dtb), done = 0;
	int fd;

	fd = open(vm->opts->pm.dump_dtb, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		vmm_log("--dump-dtb: cannot open '%s': %s", vm->opts->pm.dump_dtb, strerror(errno));
		return VMM_EXIT_USAGE;
	}
	while (done < size) {
		ssize_t n = write(fd, dtb + done, size - done);

		if (n <= 0) {
			vmm_log("--dump-dtb: write '%s': %s", vm->opts->pm.dump_dtb,
				n < 0 ? strerror(errno) : "short write");
			close(fd);
			return VMM_EXIT_USAGE;
		}
		done += (size_t)n;
	}
	if (close(fd) < 0) {
		vmm_log("--dump-dtb: close '%s': %s", vm->opts->pm.dump_dtb, strerror(errno));
		return VMM_EXIT_USAGE;
	}
	return VMM_EXIT_OFF;
}
