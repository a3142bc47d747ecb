/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PSCI_STAT_RESIDENCY and PSCI_STAT_COUNT (DEN0022 5.21, 5.22), optional and
 * advertised together: a standby CPU_SUSPEND is counted and adds residency.
 */
#include "tests.h"

#define WAKE_US		2000

static enum gt_verdict t_stat_pair(uintptr_t arg)
{
	(void)arg;
	if (gt_psci_version < VPSCI_VERSION_1_0)
		return gt_skip("PSCI 0.2 has no PSCI_FEATURES");
	if (gt_advertised(VPSCI_FN_PSCI_STAT_RESIDENCY) != gt_advertised(VPSCI_FN_PSCI_STAT_COUNT))
		return gt_fail("PSCI_STAT_RESIDENCY and PSCI_STAT_COUNT advertised separately");
	return GT_PASS;
}

static enum gt_verdict t_stat_count(uintptr_t arg)
{
	uint64_t me = gt_boot.mpidr[gt_boot_cpu], ps = gt_ps_standby();
	int64_t c0, c1, r0, r1, s;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_PSCI_STAT_COUNT) ||
	    !gt_advertised(VPSCI_FN_PSCI_STAT_RESIDENCY))
		return gt_skip("PSCI_STAT_COUNT / PSCI_STAT_RESIDENCY not advertised");
	if (!gt_gic_ready())
		return gt_skip("no GICv3: no wake-up interrupt can be arranged");
	c0 = gt_psci(VPSCI_FN64(VPSCI_FN_PSCI_STAT_COUNT), me, ps, 0);
	r0 = gt_psci(VPSCI_FN64(VPSCI_FN_PSCI_STAT_RESIDENCY), me, ps, 0);
	gt_timer_arm_us(WAKE_US);
	s = gt_psci(VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), ps, (uint64_t)(uintptr_t)gt_entry_resume, 0);
	gt_timer_disarm();
	c1 = gt_psci(VPSCI_FN64(VPSCI_FN_PSCI_STAT_COUNT), me, ps, 0);
	r1 = gt_psci(VPSCI_FN64(VPSCI_FN_PSCI_STAT_RESIDENCY), me, ps, 0);
	if (s != VPSCI_RET_SUCCESS)
		return gt_fail("CPU_SUSPEND(standby) = %s", gt_ret_name(s));
	if (c1 < c0 + 1)
		return gt_fail("PSCI_STAT_COUNT went from %ld to %ld over one suspend", c0, c1);
	if (r1 <= r0)
		return gt_fail("PSCI_STAT_RESIDENCY did not grow over a %u us suspend: %ld -> %ld",
			       WAKE_US, r0, r1);
	return gt_pass("count %ld -> %ld, residency %ld -> %ld us", c0, c1, r0, r1);
}

const struct gt_test gt_tests_stat[] = {
	{ "PSCI_STAT_RESIDENCY and PSCI_STAT_COUNT are advertised together", C_STATCNT,
	  t_stat_pair, 0 },
	{ "PSCI_STAT_COUNT counts a suspend, PSCI_STAT_RESIDENCY grows", C_STATRES,
	  t_stat_count, 0 },
};
GT_DEFINE_GROUP(stat);
