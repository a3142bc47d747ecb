/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CPU_DEFAULT_SUSPEND (DEN0022 5.17), optional: the implementation picks the
 * state; the call resumes at the entry point or returns SUCCESS.
 */
#include "tests.h"

#define WAKE_US		2000
#define DS_CTX		0xdefull

static enum gt_verdict t_default_suspend(uintptr_t arg)
{
	int64_t r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_CPU_DEFAULT_SUSPEND))
		return gt_skip("CPU_DEFAULT_SUSPEND not advertised");
	if (!gt_gic_ready())
		return gt_skip("no GICv3: no wake-up interrupt can be arranged");
	r = gt_suspend_call(VPSCI_FN64(VPSCI_FN_CPU_DEFAULT_SUSPEND),
			    (uint64_t)(uintptr_t)gt_entry_resume, DS_CTX, 0, WAKE_US);
	if (r == GT_RESUMED) {
		char why[120];

		if (!gt_entry_ok(&gt_resume_obs[gt_this_cpu()], DS_CTX, why, sizeof(why)))
			return gt_fail("%s", why);
		return gt_pass("resumed at the entry point");
	}
	if (r != VPSCI_RET_SUCCESS)
		return gt_fail("CPU_DEFAULT_SUSPEND = %ld (%s)", r, gt_ret_name(r));
	return gt_pass("returned SUCCESS");
}

const struct gt_test gt_tests_default_suspend[] = {
	{ "CPU_DEFAULT_SUSPEND resumes at the entry point or returns SUCCESS", C_DEFSUSP,
	  t_default_suspend, 0 },
};
GT_DEFINE_GROUP(default_suspend);
