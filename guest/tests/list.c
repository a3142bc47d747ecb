/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The order of the run, which numbers the tests (scripts/conformance-report
 * and docs/conformance.md key on the names, the numbers follow this list).
 * The optional functions come after the mandatory ones; the NODE_HW_STATE
 * comparison needs a secondary CPU and follows CPU_FREEZE. Tests that may
 * leave a CPU running wild when an implementation gets them wrong (CPU_ON
 * with a bad entry point) come last, so every other test still sees a sane
 * machine.
 */
#include "tests.h"

#define GROUP(name)	{ gt_tests_##name, &gt_nr_tests_##name }

const struct gt_group gt_all_groups[] = {
	GROUP(version),
	GROUP(features),
	GROUP(smccc),
	GROUP(cpu_on),
	GROUP(cpu_off),
	GROUP(affinity),
	GROUP(suspend),
	GROUP(migrate),
	GROUP(system),
	GROUP(set_suspend_mode),
	GROUP(stat),
	GROUP(default_suspend),
	GROUP(node_hw_state),
	GROUP(mem_protect),
	GROUP(power_domains),
	GROUP(freeze),
	GROUP(node_hw_state_vs_aff),
	GROUP(late),
};
const size_t gt_nr_groups = GT_ARRAY_SIZE(gt_all_groups);
