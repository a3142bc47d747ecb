/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AFFINITY_INFO (DEN0022 5.5): levels 0..3. A level-N query covers every CPU
 * whose affinity fields above level N-1 match the target (lower fields are
 * ignored); ON if any of them is on, OFF if all are off, INVALID_PARAMETERS
 * when no CPU matches or the level is above 3.
 */
#include "tests.h"

#define AFF(t, l)	gt_psci(VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), (t), (l), 0)

static uint64_t level_mask(unsigned int level)
{
	static const uint64_t m[] = { 0xff00ffffffull, 0xff00ffff00ull, 0xff00ff0000ull,
				      0xff00000000ull };

	return m[level];
}

/* A CPU outside the boot CPU's level-1 group (another cluster), if any. */
static unsigned int other_cluster_cpu(void)
{
	uint64_t mine = gt_boot.mpidr[gt_boot_cpu] & level_mask(1);
	unsigned int i;

	for (i = 0; i < gt_boot.nr_cpus; i++)
		if ((gt_boot.mpidr[i] & level_mask(1)) != mine && gt_cpus[i].state == GT_CPU_OFF)
			return i;
	return GT_MAX_CPUS;
}

static enum gt_verdict t_aff_self(uintptr_t arg)
{
	int64_t r;

	(void)arg;
	r = AFF(gt_boot.mpidr[gt_boot_cpu], 0);
	if (r != VPSCI_AFF_ON)
		return gt_fail("AFFINITY_INFO(self, 0) = %ld (%s)", r, gt_ret_name(r));
	return GT_PASS;
}

static enum gt_verdict t_aff_off(uintptr_t arg)
{
	unsigned int cpu;
	int64_t r;

	(void)arg;
	if (!gt_pick_off_cpus(&cpu, 1))
		return gt_skip("no secondary CPU available");
	r = AFF(gt_boot.mpidr[cpu], 0);
	if (r != VPSCI_AFF_OFF)
		return gt_fail("AFFINITY_INFO(CPU%u, off, 0) = %ld (%s)", cpu, r, gt_ret_name(r));
	return GT_PASS;
}

static enum gt_verdict t_aff_on(uintptr_t arg)
{
	unsigned int cpu;
	int64_t r;

	(void)arg;
	if (!gt_up_to(&cpu, 1))
		return gt_skip("no secondary CPU could be started");
	r = AFF(gt_boot.mpidr[cpu], 0);
	gt_cpu_down(cpu);
	if (r != VPSCI_AFF_ON)
		return gt_fail("AFFINITY_INFO(CPU%u, running, 0) = %ld (%s)", cpu, r,
			       gt_ret_name(r));
	return GT_PASS;
}

static enum gt_verdict t_aff_no_cpu(uintptr_t arg)
{
	uint64_t m = gt_mpidr_absent();
	int64_t r;

	(void)arg;
	r = AFF(m, 0);
	if (r != VPSCI_RET_INVALID_PARAMETERS)
		return gt_fail("AFFINITY_INFO(0x%lx, no such CPU, 0) = %ld (%s)", m, r,
			       gt_ret_name(r));
	return GT_PASS;
}

static enum gt_verdict t_aff_bad_level(uintptr_t arg)
{
	static const uint64_t levels[] = { 4, 0xff, 0x100000000ull };
	unsigned int i;

	(void)arg;
	for (i = 0; i < GT_ARRAY_SIZE(levels); i++) {
		int64_t r = AFF(gt_boot.mpidr[gt_boot_cpu], levels[i]);

		if (r != VPSCI_RET_INVALID_PARAMETERS)
			return gt_fail("AFFINITY_INFO(self, level 0x%lx) = %ld (%s)", levels[i], r,
				       gt_ret_name(r));
	}
	return GT_PASS;
}

/* Levels 1..3 with the boot CPU's node: ON; lower fields set to garbage. */
static enum gt_verdict t_aff_levels_self(uintptr_t arg)
{
	unsigned int l;

	(void)arg;
	for (l = 1; l <= 3; l++) {
		uint64_t t = (gt_boot.mpidr[gt_boot_cpu] & level_mask(l)) |
			     (~level_mask(l) & 0xff00ffffffull & 0x7f7f7full);
		int64_t r = AFF(t, l);

		if (r != VPSCI_AFF_ON)
			return gt_fail("AFFINITY_INFO(0x%lx, level %u) = %ld (%s), the caller's node",
				       t, l, r, gt_ret_name(r));
	}
	return GT_PASS;
}

static enum gt_verdict t_aff_cluster_off(uintptr_t arg)
{
	unsigned int cpu = other_cluster_cpu(), i;
	uint64_t node;
	int64_t r;

	(void)arg;
	if (cpu == GT_MAX_CPUS)
		return gt_skip("flat topology: every CPU is in the boot CPU's cluster");
	node = gt_boot.mpidr[cpu] & level_mask(1);
	for (i = 0; i < gt_boot.nr_cpus; i++)
		if ((gt_boot.mpidr[i] & level_mask(1)) == node && gt_cpus[i].state != GT_CPU_OFF)
			return gt_skip("a CPU of cluster 0x%lx is not off", node);
	r = AFF(node, 1);
	if (r != VPSCI_AFF_OFF)
		return gt_fail("AFFINITY_INFO(cluster 0x%lx, all off, level 1) = %ld (%s)", node, r,
			       gt_ret_name(r));
	return GT_PASS;
}

static enum gt_verdict t_aff_cluster_on(uintptr_t arg)
{
	unsigned int cpu = other_cluster_cpu();
	uint64_t node;
	int64_t on, off;

	(void)arg;
	if (cpu == GT_MAX_CPUS)
		return gt_skip("flat topology: every CPU is in the boot CPU's cluster");
	node = gt_boot.mpidr[cpu] & level_mask(1);
	if (gt_cpu_up(cpu))
		return gt_skip("CPU%u could not be started", cpu);
	on = AFF(node | 0xff, 1);
	gt_cpu_down(cpu);
	off = AFF(node, 1);
	if (on != VPSCI_AFF_ON)
		return gt_fail("one CPU of cluster 0x%lx on: level 1 = %ld (%s)", node, on,
			       gt_ret_name(on));
	if (off != VPSCI_AFF_OFF)
		return gt_fail("after it went off again: level 1 = %ld (%s)", off,
			       gt_ret_name(off));
	return GT_PASS;
}

static enum gt_verdict t_aff_node_absent(uintptr_t arg)
{
	unsigned int l;

	(void)arg;
	for (l = 1; l <= 3; l++) {
		uint64_t t = 0, i;
		int64_t r;

		/* a value of the level-l field no CPU has */
		for (t = 0xfe; t > 0; t--) {
			uint64_t cand = l == 3 ? t << 32 : t << (8 * l);

			for (i = 0; i < gt_boot.nr_cpus; i++)
				if ((gt_boot.mpidr[i] & level_mask(l)) == cand)
					break;
			if (i == gt_boot.nr_cpus) {
				t = cand;
				break;
			}
		}
		r = AFF(t, l);
		if (r != VPSCI_RET_INVALID_PARAMETERS)
			return gt_fail("AFFINITY_INFO(0x%lx, level %u), no such node = %ld (%s)", t,
				       l, r, gt_ret_name(r));
	}
	return GT_PASS;
}

const struct gt_test gt_tests_affinity[] = {
	{ "AFFINITY_INFO level 0 reports ON for the caller", C_AFF, t_aff_self, 0 },
	{ "AFFINITY_INFO level 0 reports OFF for a CPU that is off", C_AFF, t_aff_off, 0 },
	{ "AFFINITY_INFO level 0 reports ON for a running secondary", C_AFF, t_aff_on, 0 },
	{ "AFFINITY_INFO returns INVALID_PARAMETERS for an MPIDR with no CPU", C_AFF,
	  t_aff_no_cpu, 0 },
	{ "AFFINITY_INFO returns INVALID_PARAMETERS for a level above 3", C_AFF,
	  t_aff_bad_level, 0 },
	{ "AFFINITY_INFO levels 1-3 report ON for the caller's nodes, lower fields ignored",
	  C_AFF, t_aff_levels_self, 0 },
	{ "AFFINITY_INFO level 1 reports OFF for a cluster with every CPU off", C_AFF,
	  t_aff_cluster_off, 0 },
	{ "AFFINITY_INFO level 1 reports ON while one CPU of the cluster is on", C_AFF,
	  t_aff_cluster_on, 0 },
	{ "AFFINITY_INFO levels 1-3 return INVALID_PARAMETERS for a node with no CPU", C_AFF,
	  t_aff_node_absent, 0 },
};
GT_DEFINE_GROUP(affinity);
