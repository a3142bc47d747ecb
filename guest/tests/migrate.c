/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MIGRATE_INFO_TYPE, MIGRATE, MIGRATE_INFO_UP_CPU (DEN0022 5.6-5.8). A VM has
 * no Trusted OS: type 2 ("not present or does not need migration"), and then
 * MIGRATE and MIGRATE_INFO_UP_CPU are NOT_SUPPORTED.
 */
#include "tests.h"

static int64_t mit(void)
{
	return gt_psci(VPSCI_FN32(VPSCI_FN_MIGRATE_INFO_TYPE), 0, 0, 0);
}

static enum gt_verdict t_mit_value(uintptr_t arg)
{
	int64_t r = mit();

	(void)arg;
	if (r == VPSCI_RET_NOT_SUPPORTED && !gt_advertised(VPSCI_FN_MIGRATE_INFO_TYPE))
		return gt_skip("MIGRATE_INFO_TYPE not implemented (optional)");
	if (r < 0 || r > 2)
		return gt_fail("MIGRATE_INFO_TYPE = %ld (%s)", r, gt_ret_name(r));
	return gt_pass("type %ld", r);
}

static enum gt_verdict t_migrate(uintptr_t arg)
{
	int64_t t = mit(), a, b;

	(void)arg;
	if (t != VPSCI_TOS_NOT_PRESENT_MP)
		return gt_skip("MIGRATE_INFO_TYPE = %ld: a uniprocessor Trusted OS is out of scope",
			       t);
	a = gt_psci(VPSCI_FN32(VPSCI_FN_MIGRATE), gt_boot.mpidr[gt_boot_cpu], 0, 0);
	b = gt_psci(VPSCI_FN64(VPSCI_FN_MIGRATE), gt_boot.mpidr[gt_boot_cpu], 0, 0);
	if (a != VPSCI_RET_NOT_SUPPORTED || b != VPSCI_RET_NOT_SUPPORTED)
		return gt_fail("MIGRATE = %ld / %ld (SMC32 / SMC64), expected NOT_SUPPORTED", a, b);
	if (gt_psci_version >= VPSCI_VERSION_1_0 && gt_advertised(VPSCI_FN_MIGRATE))
		return gt_fail("PSCI_FEATURES advertises MIGRATE with no Trusted OS");
	return GT_PASS;
}

static enum gt_verdict t_miuc(uintptr_t arg)
{
	int64_t t = mit(), a, b;

	(void)arg;
	if (t != VPSCI_TOS_NOT_PRESENT_MP)
		return gt_skip("MIGRATE_INFO_TYPE = %ld: a uniprocessor Trusted OS is out of scope",
			       t);
	a = gt_psci(VPSCI_FN32(VPSCI_FN_MIGRATE_INFO_UP_CPU), 0, 0, 0);
	b = gt_psci(VPSCI_FN64(VPSCI_FN_MIGRATE_INFO_UP_CPU), 0, 0, 0);
	if (a != VPSCI_RET_NOT_SUPPORTED || b != VPSCI_RET_NOT_SUPPORTED)
		return gt_fail("MIGRATE_INFO_UP_CPU = %ld / %ld, expected NOT_SUPPORTED", a, b);
	return GT_PASS;
}

const struct gt_test gt_tests_migrate[] = {
	{ "MIGRATE_INFO_TYPE returns 0, 1 or 2", C_MIT, t_mit_value, 0 },
	{ "MIGRATE returns NOT_SUPPORTED when no Trusted OS needs migration", C_MIGRATE,
	  t_migrate, 0 },
	{ "MIGRATE_INFO_UP_CPU returns NOT_SUPPORTED when no Trusted OS needs migration",
	  C_MIUC, t_miuc, 0 },
};
GT_DEFINE_GROUP(migrate);
