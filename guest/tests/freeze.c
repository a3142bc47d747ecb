/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CPU_FREEZE (DEN0022 5.16), optional. A CPU that an implementation fails to
 * bring back is marked lost and no later test uses it.
 */
#include "tests.h"

static int64_t work_freeze(unsigned int cpu, uint64_t arg)
{
	(void)cpu;
	(void)arg;
	return gt_psci(VPSCI_FN32(VPSCI_FN_CPU_FREEZE), 0, 0, 0);
}

/*
 * DEN0022 5.16: CPU_FREEZE does not return on success; the core then counts
 * as OFF for AFFINITY_INFO and only CPU_ON brings it back.
 */
static enum gt_verdict t_freeze(uintptr_t arg)
{
	unsigned int cpu;
	int64_t r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_CPU_FREEZE))
		return gt_skip("CPU_FREEZE not advertised");
	if (!gt_up_to(&cpu, 1))
		return gt_skip("no secondary CPU could be brought up");
	gt_cpu_post(cpu, work_freeze, 0);
	if (gt_cpu_wait_off(cpu, GT_TIMEOUT_MS) != 0) {
		if (gt_cpu_wait_done(cpu, 0, &r))
			return gt_fail("CPU_FREEZE returned %s", gt_ret_name(r));
		gt_cpus[cpu].state = GT_CPU_LOST;
		return gt_fail("AFFINITY_INFO(CPU%u) never said OFF after CPU_FREEZE", cpu);
	}
	if (gt_cpu_wait_done(cpu, 0, &r))
		return gt_fail("CPU_FREEZE returned %s after AFFINITY_INFO said OFF",
			       gt_ret_name(r));
	gt_cpus[cpu].state = GT_CPU_OFF;
	r = gt_cpu_up(cpu);
	if (r)
		return gt_fail("CPU_ON of the frozen CPU%u = %s", cpu, gt_ret_name(r));
	r = gt_cpu_down(cpu);
	if (r)
		return gt_fail("CPU_OFF after the frozen CPU%u came back = %s", cpu,
			       gt_ret_name(r));
	return gt_pass("CPU%u frozen (AFFINITY_INFO OFF), back with CPU_ON", cpu);
}

const struct gt_test gt_tests_freeze[] = {
	{ "CPU_FREEZE leaves the CPU OFF until CPU_ON brings it back", C_FREEZE, t_freeze, 0 },
};
GT_DEFINE_GROUP(freeze);
