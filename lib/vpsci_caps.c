// SPDX-License-Identifier: BSD-2-Clause
/*
 * The capability table: which function IDs this VM answers.
 *
 * One table, built once at creation from the configured version and options,
 * drives both dispatch (caps_lookup) and PSCI_FEATURES (caps_features), so
 * the two can never disagree and nothing is advertised that is not handled.
 * The optional PSCI 1.0+ functions (CPU_FREEZE, NODE_HW_STATE, STAT_*,
 * MEM_PROTECT, ...) are rows with the VPSCI_CFG_* flag that enables them.
 */
#include "vpsci_private.h"

static int32_t psci_version(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			    struct vpsci_result *res);
static int32_t psci_features(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			     struct vpsci_result *res);
static int32_t psci_migrate_info_type(struct vpsci_vm *vm, uint32_t caller,
				      const struct psci_args *args, struct vpsci_result *res);
static int32_t smccc_version(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			     struct vpsci_result *res);
static int32_t smccc_arch_features(struct vpsci_vm *vm, uint32_t caller,
				   const struct psci_args *args, struct vpsci_result *res);

struct psci_fn {
	const char *name;
	uint32_t since;		/* first PSCI version that has the function */
	bool has_smc64;		/* DEN0022 table 5.1: a 64-bit form exists */
	uint32_t needs_flag;	/* VPSCI_CFG_* that must be set, or 0 */
	psci_handler_t handler;	/* NULL: not implemented, never advertised */
};

/*
 * DEN0022 5.1. MIGRATE and MIGRATE_INFO_UP_CPU have no handler: with no
 * trusted OS (MIGRATE_INFO_TYPE = 2) they are NOT_SUPPORTED (5.7, 5.9).
 */
static const struct psci_fn psci_fns[VPSCI_FN_COUNT] = {
	[VPSCI_FN_PSCI_VERSION]		= { "PSCI_VERSION", VPSCI_VERSION_0_2, false, 0,
					    psci_version },
	[VPSCI_FN_CPU_SUSPEND]		= { "CPU_SUSPEND", VPSCI_VERSION_0_2, true, 0,
					    psci_cpu_suspend },
	[VPSCI_FN_CPU_OFF]		= { "CPU_OFF", VPSCI_VERSION_0_2, false, 0, psci_cpu_off },
	[VPSCI_FN_CPU_ON]		= { "CPU_ON", VPSCI_VERSION_0_2, true, 0, psci_cpu_on },
	[VPSCI_FN_AFFINITY_INFO]	= { "AFFINITY_INFO", VPSCI_VERSION_0_2, true, 0,
					    psci_affinity_info },
	[VPSCI_FN_MIGRATE]		= { "MIGRATE", VPSCI_VERSION_0_2, true, 0, NULL },
	[VPSCI_FN_MIGRATE_INFO_TYPE]	= { "MIGRATE_INFO_TYPE", VPSCI_VERSION_0_2, false, 0,
					    psci_migrate_info_type },
	[VPSCI_FN_MIGRATE_INFO_UP_CPU]	= { "MIGRATE_INFO_UP_CPU", VPSCI_VERSION_0_2, true, 0, NULL },
	[VPSCI_FN_SYSTEM_OFF]		= { "SYSTEM_OFF", VPSCI_VERSION_0_2, false, 0,
					    psci_system_off },
	[VPSCI_FN_SYSTEM_RESET]		= { "SYSTEM_RESET", VPSCI_VERSION_0_2, false, 0,
					    psci_system_reset },
	[VPSCI_FN_PSCI_FEATURES]	= { "PSCI_FEATURES", VPSCI_VERSION_1_0, false, 0,
					    psci_features },
	[VPSCI_FN_CPU_FREEZE]		= { "CPU_FREEZE", VPSCI_VERSION_1_0, false,
					    VPSCI_CFG_FREEZE, psci_cpu_freeze },
	[VPSCI_FN_CPU_DEFAULT_SUSPEND]	= { "CPU_DEFAULT_SUSPEND", VPSCI_VERSION_1_0, true,
					    VPSCI_CFG_DEFAULT_SUSPEND, psci_cpu_default_suspend },
	[VPSCI_FN_NODE_HW_STATE]	= { "NODE_HW_STATE", VPSCI_VERSION_1_0, true,
					    VPSCI_CFG_NODE_HW_STATE, psci_node_hw_state },
	[VPSCI_FN_SYSTEM_SUSPEND]	= { "SYSTEM_SUSPEND", VPSCI_VERSION_1_0, true,
					    VPSCI_CFG_SYSTEM_SUSPEND, psci_system_suspend },
	[VPSCI_FN_PSCI_SET_SUSPEND_MODE] = { "PSCI_SET_SUSPEND_MODE", VPSCI_VERSION_1_0, false,
					     VPSCI_CFG_OSI, psci_set_suspend_mode },
	[VPSCI_FN_PSCI_STAT_RESIDENCY]	= { "PSCI_STAT_RESIDENCY", VPSCI_VERSION_1_0, true,
					    VPSCI_CFG_STAT, psci_stat_residency },
	[VPSCI_FN_PSCI_STAT_COUNT]	= { "PSCI_STAT_COUNT", VPSCI_VERSION_1_0, true,
					    VPSCI_CFG_STAT, psci_stat_count },
	[VPSCI_FN_SYSTEM_RESET2]	= { "SYSTEM_RESET2", VPSCI_VERSION_1_1, true, 0,
					    psci_system_reset2 },
	[VPSCI_FN_MEM_PROTECT]		= { "MEM_PROTECT", VPSCI_VERSION_1_1, false,
					    VPSCI_CFG_MEM_PROTECT, psci_mem_protect },
	[VPSCI_FN_MEM_PROTECT_CHECK_RANGE] = { "MEM_PROTECT_CHECK_RANGE", VPSCI_VERSION_1_1, true,
					       VPSCI_CFG_MEM_PROTECT,
					       psci_mem_protect_check_range },
	[VPSCI_FN_SYSTEM_OFF2]		= { "SYSTEM_OFF2", VPSCI_VERSION_1_3, true, 0,
					    psci_system_off2 },
};

/* PSCI 0.1 (KVM's IDs): only CPU_SUSPEND, CPU_OFF and CPU_ON are offered. */
static const psci_handler_t psci_0_1_fns[4] = {
	psci_cpu_suspend, psci_cpu_off, psci_cpu_on, NULL,
};

void caps_init(struct vpsci_vm *vm)
{
	uint32_t n;

	vm->caps32 = vm->caps64 = 0;
	vm->ids_0_1 = vm->version == VPSCI_VERSION_0_1 || (vm->flags & VPSCI_CFG_0_1_IDS);
	if (vm->version == VPSCI_VERSION_0_1)
		return;	/* 0.1 has no standard IDs at all */

	/* SMCCC v1.1 discovery goes through PSCI_FEATURES: 1.0 and later. */
	vm->smccc = vm->version >= VPSCI_VERSION_1_0;
	for (n = 0; n < VPSCI_FN_COUNT; n++) {
		const struct psci_fn *f = &psci_fns[n];

		if (!f->handler || vm->version < f->since)
			continue;
		if (f->needs_flag && !(vm->flags & f->needs_flag))
			continue;
		vm->caps32 |= 1u << n;
		if (f->has_smc64)
			vm->caps64 |= 1u << n;
	}
}

static bool is_0_1_id(uint32_t fid)
{
	return fid - VPSCI_0_1_FN_BASE < 4;
}

/*
 * The handler for fid as called by a caller in the given state, or NULL for
 * NOT_SUPPORTED. Every ID the engine answers goes through here.
 */
psci_handler_t caps_lookup(const struct vpsci_vm *vm, uint32_t fid, bool aarch32)
{
	uint32_t owner, num;
	bool smc64;

	if (is_0_1_id(fid))
		return vm->ids_0_1 ? psci_0_1_fns[fid - VPSCI_0_1_FN_BASE] : NULL;
	if (vm->version == VPSCI_VERSION_0_1)
		return NULL;

	/* DEN0028 2.5: fast calls only; bits 23:16 must be zero. */
	if (!(fid & VPSCI_SMCCC_FAST_CALL) || (fid & VPSCI_SMCCC_MBZ_MASK))
		return NULL;
	smc64 = fid & VPSCI_SMCCC_SMC64;
	/* DEN0028 2.6: an AArch32 caller cannot use the SMC64 convention. */
	if (smc64 && aarch32)
		return NULL;

	owner = (fid >> VPSCI_SMCCC_OWNER_SHIFT) & VPSCI_SMCCC_OWNER_MASK;
	num = fid & VPSCI_SMCCC_FUNC_MASK;
	if (owner == VPSCI_SMCCC_OWNER_ARCH) {
		if (!vm->smccc || smc64)
			return NULL;
		if (fid == VPSCI_SMCCC_VERSION)
			return smccc_version;
		if (fid == VPSCI_SMCCC_ARCH_FEATURES)
			return smccc_arch_features;
		return NULL;
	}
	if (owner == VPSCI_SMCCC_OWNER_STANDARD && num < VPSCI_FN_COUNT &&
	    ((smc64 ? vm->caps64 : vm->caps32) & (1u << num)))
		return psci_fns[num].handler;
	return NULL;
}

/*
 * PSCI_FEATURES answer for fid (DEN0022 5.15): NOT_SUPPORTED unless the
 * function is in the table for this caller; then 0, except CPU_SUSPEND
 * (its flags) and SYSTEM_OFF2 (the supported off types).
 */
int32_t caps_features(const struct vpsci_vm *vm, uint32_t fid, bool aarch32)
{
	uint32_t num = fid & VPSCI_SMCCC_FUNC_MASK;

	/* Linux needs >= 0 here to use SMCCC 1.1 (psci-facts §4). */
	if (fid == VPSCI_SMCCC_VERSION)
		return vm->smccc ? 0 : VPSCI_RET_NOT_SUPPORTED;
	if ((fid & ~(VPSCI_SMCCC_SMC64 | VPSCI_SMCCC_FUNC_MASK)) != VPSCI_FN32(0) ||
	    num >= VPSCI_FN_COUNT || !caps_lookup(vm, fid, aarch32))
		return VPSCI_RET_NOT_SUPPORTED;

	switch (num) {
	case VPSCI_FN_CPU_SUSPEND:
		/* DEN0022 5.15: bit 0 OS-initiated mode, bit 1 extended StateID. */
		return (int32_t)(((vm->flags & VPSCI_CFG_OSI) ? VPSCI_FEAT_SUSPEND_OSI : 0) |
				 ((vm->flags & VPSCI_CFG_EXT_STATEID) ?
				  VPSCI_FEAT_SUSPEND_EXT_STATEID : 0));
	case VPSCI_FN_SYSTEM_OFF2:
		return VPSCI_FEAT_OFF2_HIBERNATE;
	default:
		return 0;
	}
}

/* Name for a function ID, for logs; NULL if the ID means nothing to us. */
VPSCI_EXPORT const char *vpsci_fn_name(uint32_t fid)
{
	static const char *const names_0_1[4] = {
		"PSCI_0_1_CPU_SUSPEND", "PSCI_0_1_CPU_OFF", "PSCI_0_1_CPU_ON", "PSCI_0_1_MIGRATE",
	};
	uint32_t num = fid & VPSCI_SMCCC_FUNC_MASK;

	if (is_0_1_id(fid))
		return names_0_1[fid - VPSCI_0_1_FN_BASE];
	switch (fid) {
	case VPSCI_SMCCC_VERSION:
		return "SMCCC_VERSION";
	case VPSCI_SMCCC_ARCH_FEATURES:
		return "SMCCC_ARCH_FEATURES";
	case VPSCI_SMCCC_ARCH_SOC_ID:
		return "SMCCC_ARCH_SOC_ID";
	case VPSCI_SMCCC_ARCH_WORKAROUND_1:
		return "SMCCC_ARCH_WORKAROUND_1";
	case VPSCI_SMCCC_ARCH_WORKAROUND_2:
		return "SMCCC_ARCH_WORKAROUND_2";
	case VPSCI_SMCCC_ARCH_WORKAROUND_3:
		return "SMCCC_ARCH_WORKAROUND_3";
	}
	if ((fid & ~(VPSCI_SMCCC_SMC64 | VPSCI_SMCCC_FUNC_MASK)) != VPSCI_FN32(0) ||
	    num >= VPSCI_FN_COUNT)
		return NULL;
	if ((fid & VPSCI_SMCCC_SMC64) && !psci_fns[num].has_smc64)
		return NULL;
	return psci_fns[num].name;
}

/* DEN0022 5.2 */
static int32_t psci_version(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			    struct vpsci_result *res)
{
	(void)caller;
	(void)args;
	(void)res;
	return (int32_t)vm->version;
}

/* DEN0022 5.15; the queried ID is a 32-bit parameter. */
static int32_t psci_features(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			     struct vpsci_result *res)
{
	(void)caller;
	(void)res;
	return caps_features(vm, (uint32_t)args->a1, args->aarch32);
}

/* DEN0022 5.8: no trusted OS, so nothing to migrate. */
static int32_t psci_migrate_info_type(struct vpsci_vm *vm, uint32_t caller,
				      const struct psci_args *args, struct vpsci_result *res)
{
	(void)vm;
	(void)caller;
	(void)args;
	(void)res;
	return VPSCI_TOS_NOT_PRESENT_MP;
}

/* DEN0028 7.2 */
static int32_t smccc_version(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			     struct vpsci_result *res)
{
	(void)vm;
	(void)caller;
	(void)args;
	(void)res;
	return VPSCI_SMCCC_VERSION_1_1;
}

/*
 * DEN0028 7.3: the engine implements no workaround and no SoC ID, so only
 * the discovery calls themselves are reported.
 */
static int32_t smccc_arch_features(struct vpsci_vm *vm, uint32_t caller,
				   const struct psci_args *args, struct vpsci_result *res)
{
	uint32_t fid = (uint32_t)args->a1;

	(void)vm;
	(void)caller;
	(void)res;
	if (fid == VPSCI_SMCCC_VERSION || fid == VPSCI_SMCCC_ARCH_FEATURES)
		return 0;
	return VPSCI_RET_NOT_SUPPORTED;
}
