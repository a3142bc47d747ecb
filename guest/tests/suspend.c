/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CPU_SUSPEND (DEN0022 5.2). Every call is preceded by arming the virtual
 * timer, so the CPU has a wake-up event even when the implementation accepts
 * a state it should have refused. A power-down request may either resume at
 * the entry point (x0 = context id, entry state as for CPU_ON) or return
 * SUCCESS as if it were standby (5.2: a pending wake-up event, or the
 * implementation chose a shallower state); both pass, and the entry-state
 * test then checks or skips accordingly.
 */
#include "tests.h"

#define SUSP_CTX	0x5e5e0000cafe0001ull
#define WAKE_US		2000

static int64_t suspend(uint64_t fid, uint64_t ps, uint64_t entry, uint64_t ctx)
{
	return gt_suspend_call(fid, ps, entry, ctx, WAKE_US);
}

static const char *need_wakeup(void)
{
	if (!gt_gic_ready())
		return "no GICv3 in the DT: no wake-up interrupt can be arranged";
	return NULL;
}

static enum gt_verdict t_susp_standby(uintptr_t arg)
{
	const char *why = need_wakeup();
	int64_t r;

	(void)arg;
	if (why)
		return gt_skip("%s", why);
	r = suspend(VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), gt_ps_standby(),
		    (uint64_t)(uintptr_t)gt_entry_resume, SUSP_CTX);
	if (r == GT_RESUMED)
		return gt_fail("a standby state (0x%x) resumed at the entry point", gt_ps_standby());
	if (r != VPSCI_RET_SUCCESS)
		return gt_fail("CPU_SUSPEND(standby 0x%x) = %ld (%s)", gt_ps_standby(), r,
			       gt_ret_name(r));
	return gt_pass("power_state 0x%x", gt_ps_standby());
}

static struct gt_entry_obs pd_obs;
static int pd_how;	/* 0 not run, 1 resumed, 2 returned SUCCESS */

static enum gt_verdict t_susp_powerdown(uintptr_t arg)
{
	const char *why = need_wakeup();
	unsigned int me = gt_this_cpu();
	int64_t r;

	(void)arg;
	if (why)
		return gt_skip("%s", why);
	r = suspend(VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), gt_ps_powerdown(),
		    (uint64_t)(uintptr_t)gt_entry_resume, SUSP_CTX);
	if (r == GT_RESUMED) {
		pd_obs = gt_resume_obs[me];
		pd_how = 1;
		return gt_pass("power_state 0x%x: resumed at the entry point", gt_ps_powerdown());
	}
	if (r == VPSCI_RET_SUCCESS) {
		pd_how = 2;
		return gt_pass("power_state 0x%x: returned SUCCESS (treated as standby)",
			       gt_ps_powerdown());
	}
	return gt_fail("CPU_SUSPEND(power-down 0x%x) = %ld (%s)", gt_ps_powerdown(), r,
		       gt_ret_name(r));
}

static enum gt_verdict t_susp_entry_state(uintptr_t arg)
{
	char why[120];

	(void)arg;
	if (pd_how == 0)
		return gt_skip("the power-down test did not run");
	if (pd_how == 2)
		return gt_skip("power-down returned SUCCESS: no entry point to check");
	if (!gt_entry_ok(&pd_obs, SUSP_CTX, why, sizeof(why)))
		return gt_fail("%s", why);
	return GT_PASS;
}

static enum gt_verdict t_susp_reserved(uintptr_t arg)
{
	static const uint32_t orig[] = { 0x00020000u, 0x00800000u, 0x04000000u, 0x80000000u };
	static const uint32_t ext[] = { 0x10000000u, 0x20000000u, 0x80000000u };
	const char *why = need_wakeup();
	bool x = gt_ps_extended();
	const uint32_t *bits = x ? ext : orig;
	unsigned int n = x ? GT_ARRAY_SIZE(ext) : GT_ARRAY_SIZE(orig), i;

	(void)arg;
	if (why)
		return gt_skip("%s", why);
	for (i = 0; i < n; i++) {
		uint32_t ps = gt_ps_standby() | bits[i];
		int64_t r = suspend(VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), ps,
				    (uint64_t)(uintptr_t)gt_entry_resume, SUSP_CTX);

		if (r != VPSCI_RET_INVALID_PARAMETERS)
			return gt_fail("%s format, power_state 0x%x (reserved bit 0x%x) = %ld (%s)",
				       x ? "extended" : "original", ps, bits[i], r, gt_ret_name(r));
	}
	return gt_pass("%s format, %u reserved bits", x ? "extended" : "original", n);
}

static enum gt_verdict t_susp_bad_entry(uintptr_t arg)
{
	const char *why = need_wakeup();
	uint64_t bad = gt_invalid_ram_addr();
	int64_t r;

	(void)arg;
	if (why)
		return gt_skip("%s", why);
	r = suspend(VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), gt_ps_powerdown(), bad, SUSP_CTX);
	if (r != gt_bad_address_ret())
		return gt_fail("power-down with entry 0x%lx outside RAM = %ld (%s), expected %s",
			       bad, r, gt_ret_name(r), gt_ret_name(gt_bad_address_ret()));
	return GT_PASS;
}

static enum gt_verdict t_susp_narrow(uintptr_t arg)
{
	const char *why = need_wakeup();
	uint64_t entry = (uint64_t)(uintptr_t)gt_entry_resume;
	int64_t r;

	(void)arg;
	if (why)
		return gt_skip("%s", why);
	if (entry >> 32)
		return gt_skip("the image is above 4 GiB");
	r = suspend(VPSCI_FN32(VPSCI_FN_CPU_SUSPEND), 0xffffffff00000000ull | gt_ps_standby(),
		    0xffffffff00000000ull | entry, 0x1234);
	if (r != VPSCI_RET_SUCCESS)
		return gt_fail("SMC32 standby with x1[63:32] set = %ld (%s)", r, gt_ret_name(r));
	return GT_PASS;
}

/* Work run by secondaries: standby, then power-down, with their own timers. */
static int64_t work_standby(unsigned int cpu, uint64_t arg)
{
	(void)cpu;
	(void)arg;
	return suspend(VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), gt_ps_standby(),
		       (uint64_t)(uintptr_t)gt_entry_resume, SUSP_CTX);
}

static int64_t work_powerdown(unsigned int cpu, uint64_t arg)
{
	char why[120];
	int64_t r = suspend(VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), gt_ps_powerdown(),
			    (uint64_t)(uintptr_t)gt_entry_resume, arg);

	if (r == GT_RESUMED && !gt_entry_ok(&gt_resume_obs[cpu], arg, why, sizeof(why))) {
		gt_note("CPU%u: %s", cpu, why);
		return -999;
	}
	return r;
}

static enum gt_verdict run_on_secondaries(gt_work_fn fn, bool pd)
{
	unsigned int cpus[7], n, i, resumed = 0;
	int64_t r;
	const char *why = need_wakeup();

	if (why)
		return gt_skip("%s", why);
	n = gt_up_to(cpus, GT_ARRAY_SIZE(cpus));
	if (!n)
		return gt_skip("no secondary CPU could be started");
	for (i = 0; i < n; i++)
		gt_cpu_post(cpus[i], fn, SUSP_CTX + cpus[i]);
	for (i = 0; i < n; i++) {
		if (!gt_cpu_wait_done(cpus[i], GT_TIMEOUT_MS, &r)) {
			gt_cpus[cpus[i]].state = GT_CPU_LOST;
			return gt_fail("CPU%u never came back from CPU_SUSPEND", cpus[i]);
		}
		if (r == GT_RESUMED && pd)
			resumed++;
		else if (r != VPSCI_RET_SUCCESS)
			return gt_fail("CPU%u: CPU_SUSPEND = %ld (%s)", cpus[i], r,
				       r == -999 ? "bad entry state" : gt_ret_name(r));
	}
	gt_down_all(cpus, n);
	return gt_pass("%u CPUs%s", n, pd ? (resumed ? ", resumed at the entry point" :
					     ", returned SUCCESS") : "");
}

static enum gt_verdict t_susp_secondaries(uintptr_t arg)
{
	(void)arg;
	return run_on_secondaries(work_standby, false);
}

static enum gt_verdict t_susp_secondaries_pd(uintptr_t arg)
{
	(void)arg;
	return run_on_secondaries(work_powerdown, true);
}

const struct gt_test gt_tests_suspend[] = {
	{ "CPU_SUSPEND standby returns SUCCESS after a wake-up interrupt", C_SUSPEND,
	  t_susp_standby, 0 },
	{ "CPU_SUSPEND power-down resumes at the entry point or returns SUCCESS", C_SUSPEND,
	  t_susp_powerdown, 0 },
	{ "CPU_SUSPEND power-down entry state: x0 = context id, EL1h, DAIF masked, MMU off",
	  C_SUSPEND, t_susp_entry_state, 0 },
	{ "CPU_SUSPEND returns INVALID_PARAMETERS for reserved power_state bits", C_PSTATE,
	  t_susp_reserved, 0 },
	{ "CPU_SUSPEND power-down returns INVALID_ADDRESS for an entry point outside RAM",
	  C_SUSPEND, t_susp_bad_entry, 0 },
	{ "SMC32 CPU_SUSPEND ignores the upper halves of x1..x3", C_SMCCC_32, t_susp_narrow, 0 },
	{ "CPU_SUSPEND standby on secondaries at the same time", C_SUSPEND, t_susp_secondaries,
	  0 },
	{ "CPU_SUSPEND power-down on secondaries at the same time", C_SUSPEND,
	  t_susp_secondaries_pd, 0 },
};
GT_DEFINE_GROUP(suspend);
