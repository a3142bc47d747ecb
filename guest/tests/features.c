/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PSCI_FEATURES, function by function (DEN0022 5.14): 0 for an implemented
 * function, NOT_SUPPORTED otherwise; CPU_SUSPEND answers its flags (bit 0
 * OSI, bit 1 extended StateID) and SYSTEM_OFF2 its bitmask of off types
 * (bit 0 HIBERNATE_OFF). Mandatory functions must be there; functions newer
 * than the reported version must not; an SMC64 form exists only where the
 * spec defines one and, for an AArch64 caller, answers as the SMC32 form.
 */
#include "tests.h"

static bool valid_answer(uint32_t fn, int64_t r)
{
	if (r == VPSCI_RET_NOT_SUPPORTED)
		return true;
	if (fn == VPSCI_FN_CPU_SUSPEND)
		return r >= 0 && !(r & ~(int64_t)3);
	if (fn == VPSCI_FN_SYSTEM_OFF2)
		return r > 0 && (r & VPSCI_FEAT_OFF2_HIBERNATE) && r <= 0xffffffff;
	return r == 0;
}

static enum gt_verdict t_features_fn(uintptr_t arg)
{
	uint32_t fn = (uint32_t)arg;
	int64_t r32, r64;

	if (gt_psci_version < VPSCI_VERSION_1_0)
		return gt_skip("PSCI 0.2 has no PSCI_FEATURES");
	r32 = gt_features(VPSCI_FN32(fn));
	r64 = gt_features(VPSCI_FN64(fn));
	if (!valid_answer(fn, r32))
		return gt_fail("PSCI_FEATURES(0x%x) = %ld (%s): not a valid answer", VPSCI_FN32(fn),
			       r32, gt_ret_name(r32));
	if (gt_fn_since(fn) > gt_psci_version && r32 != VPSCI_RET_NOT_SUPPORTED)
		return gt_fail("%s is from PSCI %u.%u but advertised by a %u.%u implementation",
			       gt_fn_name(fn), VPSCI_VERSION_MAJOR(gt_fn_since(fn)),
			       VPSCI_VERSION_MINOR(gt_fn_since(fn)),
			       VPSCI_VERSION_MAJOR(gt_psci_version),
			       VPSCI_VERSION_MINOR(gt_psci_version));
	if (gt_fn_mandatory(fn, gt_psci_version) && r32 < 0)
		return gt_fail("%s is mandatory but PSCI_FEATURES says NOT_SUPPORTED",
			       gt_fn_name(fn));
	if (!gt_fn_has64(fn) && r64 != VPSCI_RET_NOT_SUPPORTED)
		return gt_fail("%s has no SMC64 form, yet PSCI_FEATURES(0x%x) = %ld",
			       gt_fn_name(fn), VPSCI_FN64(fn), r64);
	if (gt_fn_has64(fn) && r64 != r32)
		return gt_fail("SMC64 form answers %ld, SMC32 form %ld", r64, r32);
	if (r32 < 0)
		return gt_pass("not implemented");
	return gt_pass("implemented (%ld)", r32);
}

/* DEN0022 5.14: any ID that is not an implemented PSCI function: NOT_SUPPORTED. */
static enum gt_verdict t_features_unallocated(uintptr_t arg)
{
	static const uint32_t other[] = { 0x82000000u, 0x86000000u, 0x84000050u, 0xc4000020u,
					  0x80000001u, 0x04000000u };
	uint32_t fn, i;

	(void)arg;
	if (gt_psci_version < VPSCI_VERSION_1_0)
		return gt_skip("PSCI 0.2 has no PSCI_FEATURES");
	for (fn = VPSCI_FN_SYSTEM_OFF2 + 1; fn < VPSCI_FN_COUNT; fn++) {
		int64_t a = gt_features(VPSCI_FN32(fn)), b = gt_features(VPSCI_FN64(fn));

		if (a != VPSCI_RET_NOT_SUPPORTED || b != VPSCI_RET_NOT_SUPPORTED)
			return gt_fail("unallocated PSCI function 0x%x: %ld / %ld", fn, a, b);
	}
	for (i = 0; i < GT_ARRAY_SIZE(other); i++) {
		int64_t a = gt_features(other[i]);

		if (a != VPSCI_RET_NOT_SUPPORTED)
			return gt_fail("PSCI_FEATURES(0x%x) = %ld (%s), not a PSCI function",
				       other[i], a, gt_ret_name(a));
	}
	return GT_PASS;
}

/*
 * A function PSCI_FEATURES calls NOT_SUPPORTED (under 0.2: a function newer
 * than 0.2) must answer NOT_SUPPORTED when called. Only calls that cannot
 * change the power state are tried.
 */
static enum gt_verdict t_features_consistent(uintptr_t arg)
{
	static const uint32_t safe[] = {
		VPSCI_FN_MIGRATE_INFO_UP_CPU, VPSCI_FN_NODE_HW_STATE,
		VPSCI_FN_PSCI_STAT_RESIDENCY, VPSCI_FN_PSCI_STAT_COUNT,
		VPSCI_FN_MEM_PROTECT_CHECK_RANGE, VPSCI_FN_MIGRATE_INFO_TYPE,
		VPSCI_FN_PSCI_FEATURES,
	};
	unsigned int i, tried = 0;

	(void)arg;
	for (i = 0; i < GT_ARRAY_SIZE(safe); i++) {
		int64_t r;

		/* under 0.2: the 0.2 function set (gt_feature_value) */
		if (gt_feature_value(safe[i]) != VPSCI_RET_NOT_SUPPORTED)
			continue;
		tried++;
		r = gt_psci(VPSCI_FN32(safe[i]), gt_boot.mpidr[gt_boot_cpu], 0, 0);
		if (r != VPSCI_RET_NOT_SUPPORTED)
			return gt_fail("%s is not advertised but answered %ld (%s)",
				       gt_fn_name(safe[i]), r, gt_ret_name(r));
	}
	return gt_pass("%u unadvertised functions called", tried);
}

#define F(fn, name) { "PSCI_FEATURES(" name ")", C_FEATURES, t_features_fn, fn }

const struct gt_test gt_tests_features[] = {
	F(VPSCI_FN_PSCI_VERSION, "PSCI_VERSION"),
	F(VPSCI_FN_CPU_SUSPEND, "CPU_SUSPEND"),
	F(VPSCI_FN_CPU_OFF, "CPU_OFF"),
	F(VPSCI_FN_CPU_ON, "CPU_ON"),
	F(VPSCI_FN_AFFINITY_INFO, "AFFINITY_INFO"),
	F(VPSCI_FN_MIGRATE, "MIGRATE"),
	F(VPSCI_FN_MIGRATE_INFO_TYPE, "MIGRATE_INFO_TYPE"),
	F(VPSCI_FN_MIGRATE_INFO_UP_CPU, "MIGRATE_INFO_UP_CPU"),
	F(VPSCI_FN_SYSTEM_OFF, "SYSTEM_OFF"),
	F(VPSCI_FN_SYSTEM_RESET, "SYSTEM_RESET"),
	F(VPSCI_FN_PSCI_FEATURES, "PSCI_FEATURES"),
	F(VPSCI_FN_CPU_FREEZE, "CPU_FREEZE"),
	F(VPSCI_FN_CPU_DEFAULT_SUSPEND, "CPU_DEFAULT_SUSPEND"),
	F(VPSCI_FN_NODE_HW_STATE, "NODE_HW_STATE"),
	F(VPSCI_FN_SYSTEM_SUSPEND, "SYSTEM_SUSPEND"),
	F(VPSCI_FN_PSCI_SET_SUSPEND_MODE, "PSCI_SET_SUSPEND_MODE"),
	F(VPSCI_FN_PSCI_STAT_RESIDENCY, "PSCI_STAT_RESIDENCY"),
	F(VPSCI_FN_PSCI_STAT_COUNT, "PSCI_STAT_COUNT"),
	F(VPSCI_FN_SYSTEM_RESET2, "SYSTEM_RESET2"),
	F(VPSCI_FN_MEM_PROTECT, "MEM_PROTECT"),
	F(VPSCI_FN_MEM_PROTECT_CHECK_RANGE, "MEM_PROTECT_CHECK_RANGE"),
	F(VPSCI_FN_SYSTEM_OFF2, "SYSTEM_OFF2"),
	{ "PSCI_FEATURES returns NOT_SUPPORTED for unallocated and non-PSCI IDs", C_FEATURES,
	  t_features_unallocated, 0 },
	{ "Functions PSCI_FEATURES does not advertise return NOT_SUPPORTED", C_FEATURES,
	  t_features_consistent, 0 },
};
GT_DEFINE_GROUP(features);
