/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NODE_HW_STATE (DEN0022 5.18), optional: the hardware view of a node's power
 * state, compared with AFFINITY_INFO's. The comparison needs a secondary CPU
 * and runs after the CPU_FREEZE test: a group of its own (list.c).
 */
#include "tests.h"

#define HW_STATE(t, l)	gt_psci(VPSCI_FN64(VPSCI_FN_NODE_HW_STATE), (t), (l), 0)

static enum gt_verdict t_node_hw_state(uintptr_t arg)
{
	unsigned int cpu;
	int64_t r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_NODE_HW_STATE))
		return gt_skip("NODE_HW_STATE not advertised");
	r = HW_STATE(gt_boot.mpidr[gt_boot_cpu], 0);
	if (r != VPSCI_HW_ON)
		return gt_fail("NODE_HW_STATE(self, 0) = %ld (%s)", r, gt_ret_name(r));
	if (gt_pick_off_cpus(&cpu, 1)) {
		r = HW_STATE(gt_boot.mpidr[cpu], 0);
		if (r != VPSCI_HW_OFF)
			return gt_fail("NODE_HW_STATE(CPU%u off, 0) = %ld (%s)", cpu, r,
				       gt_ret_name(r));
	}
	return GT_PASS;
}

#define AFF(t, l)	gt_psci(VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), (t), (l), 0)

static int64_t work_standby(unsigned int cpu, uint64_t arg)
{
	int64_t r;

	(void)cpu;
	gt_timer_arm_us(arg);
	r = gt_psci(VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), gt_ps_standby(),
		    (uint64_t)(uintptr_t)gt_entry_resume, 0);
	gt_timer_disarm();
	return r;
}

/*
 * DEN0022 5.18 vs 5.6: for a secondary that is on, NODE_HW_STATE says ON
 * as AFFINITY_INFO does; while it sits in a standby CPU_SUSPEND it says
 * STANDBY (AFFINITY_INFO still ON); once it is off, OFF for both. The
 * boot CPU's cluster (level 1) is ON while the boot CPU runs.
 */
static enum gt_verdict t_node_hw_state_vs_aff(uintptr_t arg)
{
	unsigned int cpu;
	uint64_t mp, end;
	int64_t hw_on, af_on, hw_sb = VPSCI_HW_ON, af_sb = -100, hw_off, af_off, cl, r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_NODE_HW_STATE))
		return gt_skip("NODE_HW_STATE not advertised");
	if (!gt_gic_ready())
		return gt_skip("no GICv3: no wake-up interrupt can be arranged");
	if (!gt_up_to(&cpu, 1))
		return gt_skip("no secondary CPU could be brought up");
	mp = gt_boot.mpidr[cpu];
	hw_on = HW_STATE(mp, 0);
	af_on = AFF(mp, 0);
	cl = HW_STATE(gt_boot.mpidr[gt_boot_cpu], 1);
	gt_cpu_post(cpu, work_standby, 400000);
	end = gt_counter() + gt_ms_to_ticks(300);
	while (gt_counter() < end) {
		hw_sb = HW_STATE(mp, 0);
		if (hw_sb != VPSCI_HW_ON) {
			af_sb = AFF(mp, 0);
			break;
		}
		gt_delay_us(50);
	}
	if (!gt_cpu_wait_done(cpu, GT_TIMEOUT_MS, &r)) {
		gt_cpus[cpu].state = GT_CPU_LOST;
		return gt_fail("CPU%u did not return from its standby CPU_SUSPEND", cpu);
	}
	gt_cpu_down(cpu);
	hw_off = HW_STATE(mp, 0);
	af_off = AFF(mp, 0);
	if (hw_on != VPSCI_HW_ON || af_on != VPSCI_AFF_ON)
		return gt_fail("CPU%u on: NODE_HW_STATE %ld, AFFINITY_INFO %ld", cpu, hw_on, af_on);
	if (r != VPSCI_RET_SUCCESS)
		return gt_fail("CPU%u: CPU_SUSPEND(standby) = %s", cpu, gt_ret_name(r));
	if (hw_sb != VPSCI_HW_STANDBY || af_sb != VPSCI_AFF_ON)
		return gt_fail("CPU%u in standby: NODE_HW_STATE %ld (expected STANDBY 2), "
			       "AFFINITY_INFO %ld (expected ON 0)", cpu, hw_sb, af_sb);
	if (hw_off != VPSCI_HW_OFF || af_off != VPSCI_AFF_OFF)
		return gt_fail("CPU%u off: NODE_HW_STATE %ld, AFFINITY_INFO %ld", cpu, hw_off,
			       af_off);
	if (cl != VPSCI_HW_ON)
		return gt_fail("NODE_HW_STATE(boot CPU's cluster, 1) = %ld, expected ON", cl);
	return gt_pass("on: ON/ON, standby: STANDBY/ON, off: OFF/OFF, cluster ON");
}

static enum gt_verdict t_node_hw_state_bad(uintptr_t arg)
{
	int64_t r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_NODE_HW_STATE))
		return gt_skip("NODE_HW_STATE not advertised");
	r = HW_STATE(gt_mpidr_absent(), 0);
	if (r != VPSCI_RET_INVALID_PARAMETERS)
		return gt_fail("NODE_HW_STATE(no such CPU, 0) = %ld (%s)", r, gt_ret_name(r));
	return GT_PASS;
}

const struct gt_test gt_tests_node_hw_state[] = {
	{ "NODE_HW_STATE reports ON for the caller and OFF for a CPU that is off", C_NODEHW,
	  t_node_hw_state, 0 },
	{ "NODE_HW_STATE returns INVALID_PARAMETERS for an MPIDR with no CPU", C_NODEHW,
	  t_node_hw_state_bad, 0 },
};
GT_DEFINE_GROUP(node_hw_state);

const struct gt_test gt_tests_node_hw_state_vs_aff[] = {
	{ "NODE_HW_STATE agrees with AFFINITY_INFO for a CPU on, in standby and off", C_NODEHW,
	  t_node_hw_state_vs_aff, 0 },
};
GT_DEFINE_GROUP(node_hw_state_vs_aff);
