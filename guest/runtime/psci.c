/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PSCI call wrappers and the function table the tests iterate over: name,
 * version that introduced the function, whether it has an SMC64 form, and
 * whether the spec makes it mandatory (DEN0022 table "PSCI function
 * implementation requirements": VERSION, CPU_SUSPEND, CPU_OFF, CPU_ON,
 * AFFINITY_INFO, SYSTEM_OFF, SYSTEM_RESET, and from 1.0 PSCI_FEATURES).
 */
#include "gt.h"

volatile uint32_t gt_conduit_smc;
uint32_t gt_psci_version;

struct fn_info {
	const char *name;
	uint32_t since;
	bool has64;
	bool mandatory;
};

static const struct fn_info fns[VPSCI_FN_COUNT] = {
	[VPSCI_FN_PSCI_VERSION] = { "PSCI_VERSION", VPSCI_VERSION_0_2, false, true },
	[VPSCI_FN_CPU_SUSPEND] = { "CPU_SUSPEND", VPSCI_VERSION_0_2, true, true },
	[VPSCI_FN_CPU_OFF] = { "CPU_OFF", VPSCI_VERSION_0_2, false, true },
	[VPSCI_FN_CPU_ON] = { "CPU_ON", VPSCI_VERSION_0_2, true, true },
	[VPSCI_FN_AFFINITY_INFO] = { "AFFINITY_INFO", VPSCI_VERSION_0_2, true, true },
	[VPSCI_FN_MIGRATE] = { "MIGRATE", VPSCI_VERSION_0_2, true, false },
	[VPSCI_FN_MIGRATE_INFO_TYPE] = { "MIGRATE_INFO_TYPE", VPSCI_VERSION_0_2, false, false },
	[VPSCI_FN_MIGRATE_INFO_UP_CPU] = { "MIGRATE_INFO_UP_CPU", VPSCI_VERSION_0_2, true,
					   false },
	[VPSCI_FN_SYSTEM_OFF] = { "SYSTEM_OFF", VPSCI_VERSION_0_2, false, true },
	[VPSCI_FN_SYSTEM_RESET] = { "SYSTEM_RESET", VPSCI_VERSION_0_2, false, true },
	[VPSCI_FN_PSCI_FEATURES] = { "PSCI_FEATURES", VPSCI_VERSION_1_0, false, true },
	[VPSCI_FN_CPU_FREEZE] = { "CPU_FREEZE", VPSCI_VERSION_1_0, false, false },
	[VPSCI_FN_CPU_DEFAULT_SUSPEND] = { "CPU_DEFAULT_SUSPEND", VPSCI_VERSION_1_0, true,
					   false },
	[VPSCI_FN_NODE_HW_STATE] = { "NODE_HW_STATE", VPSCI_VERSION_1_0, true, false },
	[VPSCI_FN_SYSTEM_SUSPEND] = { "SYSTEM_SUSPEND", VPSCI_VERSION_1_0, true, false },
	[VPSCI_FN_PSCI_SET_SUSPEND_MODE] = { "PSCI_SET_SUSPEND_MODE", VPSCI_VERSION_1_0, false,
					     false },
	[VPSCI_FN_PSCI_STAT_RESIDENCY] = { "PSCI_STAT_RESIDENCY", VPSCI_VERSION_1_0, true,
					   false },
	[VPSCI_FN_PSCI_STAT_COUNT] = { "PSCI_STAT_COUNT", VPSCI_VERSION_1_0, true, false },
	[VPSCI_FN_SYSTEM_RESET2] = { "SYSTEM_RESET2", VPSCI_VERSION_1_1, true, false },
	[VPSCI_FN_MEM_PROTECT] = { "MEM_PROTECT", VPSCI_VERSION_1_1, false, false },
	[VPSCI_FN_MEM_PROTECT_CHECK_RANGE] = { "MEM_PROTECT_CHECK_RANGE", VPSCI_VERSION_1_1,
					       true, false },
	[VPSCI_FN_SYSTEM_OFF2] = { "SYSTEM_OFF2", VPSCI_VERSION_1_3, true, false },
};

const char *gt_fn_name(uint32_t fn)
{
	return fn < VPSCI_FN_COUNT && fns[fn].name ? fns[fn].name : "(unallocated)";
}

uint32_t gt_fn_since(uint32_t fn)
{
	return fn < VPSCI_FN_COUNT && fns[fn].name ? fns[fn].since : 0xffffffffu;
}

bool gt_fn_has64(uint32_t fn)
{
	return fn < VPSCI_FN_COUNT && fns[fn].has64;
}

bool gt_fn_mandatory(uint32_t fn, uint32_t version)
{
	return fn < VPSCI_FN_COUNT && fns[fn].name && fns[fn].mandatory &&
	       version >= fns[fn].since;
}

/*
 * PSCI results are signed 32-bit values (DEN0022 5.2.2); an SMC32 result's
 * upper half is not ours to judge, so compare the low 32 bits, sign-extended.
 */
int64_t gt_psci(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct gt_smccc_res r;

	gt_smccc(fid, a1, a2, a3, &r);
	if (r.a0 == GT_CALL_TRAPPED)
		return GT_RET_TRAPPED;
	return (int32_t)(uint32_t)r.a0;
}

/* Same for a 64-bit function ID (or any raw 64-bit x0). */
int64_t gt_psci64(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct gt_smccc_res r;

	gt_smccc(fid, a1, a2, a3, &r);
	if (r.a0 == GT_CALL_TRAPPED)
		return GT_RET_TRAPPED;
	return (int32_t)(uint32_t)r.a0;
}

int64_t gt_features(uint32_t fid)
{
	return gt_psci(VPSCI_FN32(VPSCI_FN_PSCI_FEATURES), fid, 0, 0);
}

int64_t gt_feature_value(uint32_t fn)
{
	if (gt_psci_version < VPSCI_VERSION_1_0)
		return gt_fn_since(fn) <= VPSCI_VERSION_0_2 &&
			       fn != VPSCI_FN_MIGRATE && fn != VPSCI_FN_MIGRATE_INFO_UP_CPU
		       ? 0 : VPSCI_RET_NOT_SUPPORTED;
	return gt_features(VPSCI_FN32(fn));
}

bool gt_advertised(uint32_t fn)
{
	return gt_feature_value(fn) >= 0;
}

const char *gt_ret_name(int64_t r)
{
	static const char *const names[] = {
		"SUCCESS", "NOT_SUPPORTED", "INVALID_PARAMETERS", "DENIED", "ALREADY_ON",
		"ON_PENDING", "INTERNAL_FAILURE", "NOT_PRESENT", "DISABLED", "INVALID_ADDRESS",
	};

	if (r <= 0 && r >= -9)
		return names[-r];
	if (r == GT_RET_TRAPPED)
		return "UNDEFINED-instruction exception";
	if (r == GT_RET_TIMEOUT)
		return "timeout";
	return "a non-PSCI value";
}
