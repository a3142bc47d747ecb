/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The optional functions: each test SKIPs when PSCI_FEATURES does not
 * advertise the function and is strict when it does. Pairs that only make
 * sense together are checked for consistency.
 */
#include "tests.h"

#define WAKE_US	2000

/* ---- OS-initiated mode ------------------------------------------------- */

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

#define SET_MODE(m)	gt_psci(VPSCI_FN32(VPSCI_FN_PSCI_SET_SUSPEND_MODE), (m), 0, 0)

static enum gt_verdict t_osi_bad_mode(uintptr_t arg)
{
	int64_t r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_PSCI_SET_SUSPEND_MODE))
		return gt_skip("PSCI_SET_SUSPEND_MODE not advertised");
	r = SET_MODE(2);
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
	r = SET_MODE(VPSCI_SUSPEND_MODE_OSI);
	if (r != VPSCI_RET_SUCCESS)
		return gt_fail("PC->OSI by the only CPU on = %ld (%s)", r, gt_ret_name(r));
	if (gt_boot.nr_cpus >= 3 && gt_up_to(&cpu, 1)) {
		bool have_off = gt_pick_off_cpus(&other, 1) == 1;

		r = SET_MODE(VPSCI_SUSPEND_MODE_PC);
		gt_cpu_down(cpu);
		if (have_off && r != VPSCI_RET_DENIED)
			return gt_fail("OSI->PC with another CPU on = %ld (%s), expected DENIED", r,
				       gt_ret_name(r));
		if (r == VPSCI_RET_SUCCESS)
			return gt_pass("(mode already back to PC)");
	}
	r = SET_MODE(VPSCI_SUSPEND_MODE_PC);
	if (r != VPSCI_RET_SUCCESS)
		return gt_fail("OSI->PC by the only CPU on = %ld (%s)", r, gt_ret_name(r));
	return GT_PASS;
}

/* ---- statistics -------------------------------------------------------- */

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
	if (r1 < r0)
		return gt_fail("PSCI_STAT_RESIDENCY went down: %ld -> %ld", r0, r1);
	return gt_pass("count %ld -> %ld, residency %ld -> %ld us", c0, c1, r0, r1);
}

/* ---- CPU_DEFAULT_SUSPEND ----------------------------------------------- */

static enum gt_verdict t_default_suspend(uintptr_t arg)
{
	uint64_t r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_CPU_DEFAULT_SUSPEND))
		return gt_skip("CPU_DEFAULT_SUSPEND not advertised");
	if (!gt_gic_ready())
		return gt_skip("no GICv3: no wake-up interrupt can be arranged");
	gt_timer_arm_us(WAKE_US);
	r = gt_smccc_suspend(VPSCI_FN64(VPSCI_FN_CPU_DEFAULT_SUSPEND),
			     (uint64_t)(uintptr_t)gt_entry_resume, 0xdef, 0);
	gt_timer_disarm();
	if (r == GT_RESUMED) {
		char why[120];

		gt_gic_cpu_init();
		if (!gt_entry_ok(&gt_resume_obs[gt_this_cpu()], 0xdef, why, sizeof(why)))
			return gt_fail("%s", why);
		return gt_pass("resumed at the entry point");
	}
	if ((int32_t)r != VPSCI_RET_SUCCESS)
		return gt_fail("CPU_DEFAULT_SUSPEND = %d (%s)", (int32_t)r,
			       gt_ret_name((int32_t)r));
	return gt_pass("returned SUCCESS");
}

/* ---- NODE_HW_STATE ----------------------------------------------------- */

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

/* ---- MEM_PROTECT ------------------------------------------------------- */

static enum gt_verdict t_memprot_pair(uintptr_t arg)
{
	(void)arg;
	if (gt_psci_version < VPSCI_VERSION_1_1)
		return gt_skip("MEM_PROTECT is a PSCI 1.1 function");
	if (gt_advertised(VPSCI_FN_MEM_PROTECT) !=
	    gt_advertised(VPSCI_FN_MEM_PROTECT_CHECK_RANGE))
		return gt_fail("MEM_PROTECT and MEM_PROTECT_CHECK_RANGE advertised separately");
	return GT_PASS;
}

#define MEMP(e)		gt_psci(VPSCI_FN32(VPSCI_FN_MEM_PROTECT), (e), 0, 0)
#define CHECK(b, l)	gt_psci(VPSCI_FN64(VPSCI_FN_MEM_PROTECT_CHECK_RANGE), (b), (l), 0)

static enum gt_verdict t_memprot(uintptr_t arg)
{
	uint64_t base = gt_plat.mem_base[0];
	int64_t prev, a, b, on, off, empty;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_MEM_PROTECT) ||
	    !gt_advertised(VPSCI_FN_MEM_PROTECT_CHECK_RANGE))
		return gt_skip("MEM_PROTECT not advertised");
	prev = MEMP(1);
	a = MEMP(1);
	on = CHECK(base, 4096);
	empty = CHECK(base, 0);
	b = MEMP(0);
	off = CHECK(base, 4096);
	MEMP(prev == 1);
	if (prev != 0 && prev != 1)
		return gt_fail("MEM_PROTECT(1) = %ld (%s), expected the previous state", prev,
			       gt_ret_name(prev));
	if (a != 1 || b != 1)
		return gt_fail("MEM_PROTECT(1) then (0) returned %ld, %ld; expected 1, 1", a, b);
	if (on != VPSCI_RET_SUCCESS)
		return gt_fail("CHECK_RANGE(RAM page) while enabled = %s", gt_ret_name(on));
	if (empty != VPSCI_RET_DENIED)
		return gt_fail("CHECK_RANGE(length 0) = %s, expected DENIED", gt_ret_name(empty));
	if (off != VPSCI_RET_DENIED)
		return gt_fail("CHECK_RANGE while disabled = %s, expected DENIED", gt_ret_name(off));
	return GT_PASS;
}

const struct gt_test gt_tests_optional[] = {
	{ "PSCI_SET_SUSPEND_MODE is advertised exactly when CPU_SUSPEND supports OSI",
	  C_SETMODE, t_osi_consistent, 0 },
	{ "PSCI_SET_SUSPEND_MODE returns INVALID_PARAMETERS for an undefined mode", C_SETMODE,
	  t_osi_bad_mode, 0 },
	{ "PSCI_SET_SUSPEND_MODE switches only when the caller is the last CPU on", C_SETMODE,
	  t_osi_switch, 0 },
	{ "PSCI_STAT_RESIDENCY and PSCI_STAT_COUNT are advertised together", C_STATCNT,
	  t_stat_pair, 0 },
	{ "PSCI_STAT_COUNT counts a suspend, PSCI_STAT_RESIDENCY does not decrease", C_STATRES,
	  t_stat_count, 0 },
	{ "CPU_DEFAULT_SUSPEND resumes at the entry point or returns SUCCESS", C_DEFSUSP,
	  t_default_suspend, 0 },
	{ "NODE_HW_STATE reports ON for the caller and OFF for a CPU that is off", C_NODEHW,
	  t_node_hw_state, 0 },
	{ "NODE_HW_STATE returns INVALID_PARAMETERS for an MPIDR with no CPU", C_NODEHW,
	  t_node_hw_state_bad, 0 },
	{ "MEM_PROTECT and MEM_PROTECT_CHECK_RANGE are advertised together", C_MEMP,
	  t_memprot_pair, 0 },
	{ "MEM_PROTECT returns the previous state, CHECK_RANGE follows it", C_MEMPCR, t_memprot,
	  0 },
};
GT_DEFINE_GROUP(optional);
