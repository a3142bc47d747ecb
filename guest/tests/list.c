/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The order of the run. Tests that may leave a CPU running wild when an
 * implementation gets them wrong (CPU_ON with a bad entry point, CPU_FREEZE)
 * come last, so every other test still sees a sane machine.
 */
#include "tests.h"

const struct gt_group gt_all_groups[] = {
	{ gt_tests_version, &gt_nr_tests_version },
	{ gt_tests_features, &gt_nr_tests_features },
	{ gt_tests_smccc, &gt_nr_tests_smccc },
	{ gt_tests_cpu_on, &gt_nr_tests_cpu_on },
	{ gt_tests_cpu_off, &gt_nr_tests_cpu_off },
	{ gt_tests_affinity, &gt_nr_tests_affinity },
	{ gt_tests_suspend, &gt_nr_tests_suspend },
	{ gt_tests_migrate, &gt_nr_tests_migrate },
	{ gt_tests_system, &gt_nr_tests_system },
	{ gt_tests_optional, &gt_nr_tests_optional },
	{ gt_tests_late, &gt_nr_tests_late },
};
const size_t gt_nr_groups = GT_ARRAY_SIZE(gt_all_groups);
