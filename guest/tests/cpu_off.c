/* SPDX-License-Identifier: BSD-2-Clause */
/* CPU_OFF (DEN0022 5.3) and what AFFINITY_INFO says about it afterwards. */
#include "tests.h"

static enum gt_verdict t_off_basic(uintptr_t arg)
{
	unsigned int cpu;
	int64_t r;

	(void)arg;
	if (!gt_up_to(&cpu, 1))
		return gt_skip("no secondary CPU could be started");
	r = gt_cpu_down(cpu);
	if (__atomic_load_n(&gt_cpus[cpu].off_returned, __ATOMIC_ACQUIRE))
		return gt_fail("CPU_OFF returned %ld (%s)", gt_cpus[cpu].off_ret,
			       gt_ret_name(gt_cpus[cpu].off_ret));
	if (r)
		return gt_fail("AFFINITY_INFO never reported OFF");
	return GT_PASS;
}

static enum gt_verdict t_off_stays_off(uintptr_t arg)
{
	unsigned int cpu, i;

	(void)arg;
	if (!gt_up_to(&cpu, 1))
		return gt_skip("no secondary CPU could be started");
	if (gt_cpu_down(cpu))
		return gt_fail("CPU%u did not power off", cpu);
	for (i = 0; i < 10; i++) {
		int64_t r = gt_psci(VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), gt_boot.mpidr[cpu], 0, 0);

		if (r != VPSCI_AFF_OFF)
			return gt_fail("poll %u after OFF: AFFINITY_INFO = %ld (%s)", i, r,
				       gt_ret_name(r));
		gt_delay_us(1000);
	}
	return GT_PASS;
}

static enum gt_verdict t_off_again(uintptr_t arg)
{
	unsigned int cpu;
	int64_t r;

	(void)arg;
	if (!gt_up_to(&cpu, 1))
		return gt_skip("no secondary CPU could be started");
	if (gt_cpu_down(cpu))
		return gt_fail("CPU%u did not power off", cpu);
	r = gt_cpu_up(cpu);
	if (r)
		return gt_fail("second CPU_ON = %s", gt_ret_name(r));
	gt_cpu_down(cpu);
	return GT_PASS;
}

static enum gt_verdict t_off_parallel(uintptr_t arg)
{
	unsigned int cpus[7], n, i;
	int64_t r;

	(void)arg;
	n = gt_up_to(cpus, GT_ARRAY_SIZE(cpus));
	if (n < 2) {
		gt_down_all(cpus, n);
		return gt_skip("needs at least 3 CPUs");
	}
	for (i = 0; i < n; i++)
		gt_cpu_down_start(cpus[i]);
	for (i = 0; i < n; i++) {
		r = gt_cpu_down_wait(cpus[i]);
		if (r)
			return gt_fail("CPU%u did not power off", cpus[i]);
	}
	return gt_pass("%u CPUs", n);
}

const struct gt_test gt_tests_cpu_off[] = {
	{ "CPU_OFF powers the caller off and does not return", C_OFF, t_off_basic, 0 },
	{ "AFFINITY_INFO keeps reporting OFF after CPU_OFF", C_AFF, t_off_stays_off, 0 },
	{ "A CPU turned off with CPU_OFF can be turned on again", C_OFF, t_off_again, 0 },
	{ "CPU_OFF from several CPUs at once", C_OFF, t_off_parallel, 0 },
};
GT_DEFINE_GROUP(cpu_off);
