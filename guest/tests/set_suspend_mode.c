/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PSCI_SET_SUSPEND_MODE (DEN0022 5.20): OS-initiated mode, optional. Each
 * test SKIPs when PSCI_FEATURES does not advertise the function and is strict
 * when it does; CPU_SUSPEND's OSI flag and the function go together. The
 * OS-initiated CPU_SUSPEND of a cluster is in power_domains.c.
 */
#include "tests.h"

static enum gt_verdict t_osi_consistent(uintptr_t arg)
{
	int64_t susp, mode;

	(void)arg;
	if (gt_psci_version < VPSCI_VERSION_1_0)
		return gt_skip("PSCI 0.2 has no PSCI_FEATURES");
	susp = gt_feature_value(VPSCI_FN_CPU_SUSPEND);
	mode = gt_feature_value(VPSCI_FN_PSCI_SET_SUSPEND_MODE);
	if (susp < 0)
		return gt_fail("CPU_SUSPEND not advertised");
	if (!!(susp & VPSCI_FEAT_SUSPEND_OSI) != (mode >= 0))
		return gt_fail("CPU_SUSPEND OSI flag %ld but PSCI_SET_SUSPEND_MODE %s",
			       susp & VPSCI_FEAT_SUSPEND_OSI, mode >= 0 ? "advertised" : "absent");
	return gt_pass("OS-initiated mode %s", mode >= 0 ? "supported" : "not supported");
}

static enum gt_verdict t_osi_bad_mode(uintptr_t arg)
{
	int64_t r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_PSCI_SET_SUSPEND_MODE))
		return gt_skip("PSCI_SET_SUSPEND_MODE not advertised");
	r = GT_SET_SUSPEND_MODE(2);
	if (r != VPSCI_RET_INVALID_PARAMETERS)
		return gt_fail("PSCI_SET_SUSPEND_MODE(2) = %ld (%s)", r, gt_ret_name(r));
	return GT_PASS;
}

/*
 * DEN0022 5.19: PC->OSI needs every core ON or the caller the last one on;
 * OSI->PC needs the caller to be the last one on. With CPU A on and CPU B
 * off, neither holds, so both switches are DENIED then.
 */
static enum gt_verdict t_osi_switch(uintptr_t arg)
{
	unsigned int cpu, other;
	int64_t r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_PSCI_SET_SUSPEND_MODE))
		return gt_skip("PSCI_SET_SUSPEND_MODE not advertised");
	r = GT_SET_SUSPEND_MODE(VPSCI_SUSPEND_MODE_OSI);
	if (r != VPSCI_RET_SUCCESS)
		return gt_fail("PC->OSI by the only CPU on = %ld (%s)", r, gt_ret_name(r));
	if (gt_boot.nr_cpus >= 3 && gt_up_to(&cpu, 1)) {
		bool have_off = gt_pick_off_cpus(&other, 1) == 1;

		r = GT_SET_SUSPEND_MODE(VPSCI_SUSPEND_MODE_PC);
		gt_cpu_down(cpu);
		if (have_off && r != VPSCI_RET_DENIED)
			return gt_fail("OSI->PC with another CPU on = %ld (%s), expected DENIED", r,
				       gt_ret_name(r));
		if (r == VPSCI_RET_SUCCESS)
			return gt_pass("(mode already back to PC)");
	}
	r = GT_SET_SUSPEND_MODE(VPSCI_SUSPEND_MODE_PC);
	if (r != VPSCI_RET_SUCCESS)
		return gt_fail("OSI->PC by the only CPU on = %ld (%s)", r, gt_ret_name(r));
	return GT_PASS;
}

const struct gt_test gt_tests_set_suspend_mode[] = {
	{ "PSCI_SET_SUSPEND_MODE is advertised exactly when CPU_SUSPEND supports OSI",
	  C_SETMODE, t_osi_consistent, 0 },
	{ "PSCI_SET_SUSPEND_MODE returns INVALID_PARAMETERS for an undefined mode", C_SETMODE,
	  t_osi_bad_mode, 0 },
	{ "PSCI_SET_SUSPEND_MODE switches only when the caller is the last CPU on", C_SETMODE,
	  t_osi_switch, 0 },
};
GT_DEFINE_GROUP(set_suspend_mode);
