/* SPDX-License-Identifier: BSD-2-Clause */
#include "tests.h"
static enum gt_verdict t_none(uintptr_t a) { (void)a; return gt_skip("todo"); }
#define G(n) const struct gt_test gt_tests_##n[] = { { "todo " #n, "x", t_none, 0 } }; GT_DEFINE_GROUP(n);
G(cpu_on) G(cpu_off) G(affinity) G(suspend) G(migrate) G(system) G(optional) G(late)
