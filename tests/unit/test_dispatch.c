// SPDX-License-Identifier: BSD-2-Clause
/*
 * Call decoding and the function sets: every PSCI number x every version x
 * SMC32/SMC64 x AArch64/AArch32 caller x both conduits (decisions 3-7), the
 * SMCCC discovery calls, PSCI_FEATURES and vpsci_handles().
 */
#include <string.h>

#include "helpers.h"

static const uint32_t flag_sets[] = {
	0, VPSCI_CFG_SYSTEM_SUSPEND, VPSCI_CFG_0_1_IDS, FLAGS_BASE, FLAGS_PLAIN,
	VPSCI_CFG_ALL_FLAGS,
};

/* Flags vpsci_create() accepts with this version (decision 1, issue 6). */
static bool flags_valid(uint32_t v, uint32_t flags)
{
	if ((flags & VPSCI_CFG_0_1_IDS) && v == VPSCI_VERSION_0_1)
		return false;
	if ((flags & ~VPSCI_CFG_0_1_IDS) && v < VPSCI_VERSION_1_0)
		return false;
	if ((flags & VPSCI_CFG_MEM_PROTECT) && v < VPSCI_VERSION_1_1)
		return false;
	return true;
}

/* The configuration of one matrix cell: OSI and STAT come with a hierarchy. */
static void matrix_cfg(struct tcfg *t, uint32_t v, uint32_t flags)
{
	tcfg_init(t, v, 2);
	if (flags & (VPSCI_CFG_OSI | VPSCI_CFG_STAT))
		tcfg_set_pd(t, 2, VPSCI_PD_RETENTION | VPSCI_PD_OFF, flags);
	else
		t->cfg.flags = flags;
}

/* DEN0022 table 5.1: the functions that have an SMC64 form. */
static bool has_smc64(uint32_t nn)
{
	switch (nn) {
	case VPSCI_FN_CPU_SUSPEND: case VPSCI_FN_CPU_ON: case VPSCI_FN_AFFINITY_INFO:
	case VPSCI_FN_MIGRATE: case VPSCI_FN_MIGRATE_INFO_UP_CPU:
	case VPSCI_FN_CPU_DEFAULT_SUSPEND: case VPSCI_FN_NODE_HW_STATE:
	case VPSCI_FN_SYSTEM_SUSPEND: case VPSCI_FN_PSCI_STAT_RESIDENCY:
	case VPSCI_FN_PSCI_STAT_COUNT: case VPSCI_FN_SYSTEM_RESET2:
	case VPSCI_FN_MEM_PROTECT_CHECK_RANGE: case VPSCI_FN_SYSTEM_OFF2:
		return true;
	default:
		return false;
	}
}

/* Decision 5: whether PSCI number nn (in that width) is offered to an AArch64 caller. */
static bool in_set(uint32_t v, uint32_t flags, uint32_t nn, bool smc64)
{
	if (v == VPSCI_VERSION_0_1)
		return false;
	if (smc64 && !has_smc64(nn))
		return false;
	switch (nn) {
	case VPSCI_FN_PSCI_VERSION: case VPSCI_FN_CPU_SUSPEND: case VPSCI_FN_CPU_OFF:
	case VPSCI_FN_CPU_ON: case VPSCI_FN_AFFINITY_INFO: case VPSCI_FN_MIGRATE_INFO_TYPE:
	case VPSCI_FN_SYSTEM_OFF: case VPSCI_FN_SYSTEM_RESET:
		return true;
	case VPSCI_FN_PSCI_FEATURES:
		return v >= VPSCI_VERSION_1_0;
	case VPSCI_FN_SYSTEM_SUSPEND:
		return v >= VPSCI_VERSION_1_0 && (flags & VPSCI_CFG_SYSTEM_SUSPEND);
	case VPSCI_FN_SYSTEM_RESET2:
		return v >= VPSCI_VERSION_1_1;
	case VPSCI_FN_SYSTEM_OFF2:
		return v >= VPSCI_VERSION_1_3;
	case VPSCI_FN_CPU_FREEZE:
		return flags & VPSCI_CFG_FREEZE;
	case VPSCI_FN_CPU_DEFAULT_SUSPEND:
		return flags & VPSCI_CFG_DEFAULT_SUSPEND;
	case VPSCI_FN_NODE_HW_STATE:
		return flags & VPSCI_CFG_NODE_HW_STATE;
	case VPSCI_FN_PSCI_SET_SUSPEND_MODE:
		return flags & VPSCI_CFG_OSI;
	case VPSCI_FN_PSCI_STAT_RESIDENCY: case VPSCI_FN_PSCI_STAT_COUNT:
		return flags & VPSCI_CFG_STAT;
	case VPSCI_FN_MEM_PROTECT: case VPSCI_FN_MEM_PROTECT_CHECK_RANGE:
		return flags & VPSCI_CFG_MEM_PROTECT;
	default:
		return false;
	}
}

/* Nothing changed: states as after reset (vCPU 0 on, 1 off), no hook called. */
static void assert_untouched(struct vpsci_vm *vm, struct rec *r)
{
	assert_int_equal(vpsci_vcpu_state(vm, 0), VPSCI_VCPU_ON);
	assert_int_equal(vpsci_vcpu_state(vm, 1), VPSCI_VCPU_OFF);
	assert_int_equal(atomic_load(&r->on_calls), 0);
	assert_int_equal(atomic_load(&r->stop_calls), 0);
	assert_int_equal(atomic_load(&r->event_calls), 0);
}

/*
 * Call one offered function with harmless arguments on a fresh 2-vCPU engine
 * (vCPU 0 on, 1 off) and check the documented answer.
 */
static void check_offered(struct vpsci_vm *vm, uint32_t fid, bool aarch32)
{
	uint32_t v = vpsci_version(vm);
	uint32_t nn = fid & 0xffffu;
	struct vpsci_result res;
	uint64_t a1 = 0, a2 = 0;
	int32_t x0 = 0;
	enum vpsci_exit ex = VPSCI_EXIT_CONTINUE;

	switch (nn) {
	case VPSCI_FN_PSCI_VERSION:
		x0 = (int32_t)v;
		break;
	case VPSCI_FN_CPU_SUSPEND:
		a1 = 1;		/* StateID 1: CPU retention, valid with or without a hierarchy */
		ex = VPSCI_EXIT_SUSPEND;
		break;
	case VPSCI_FN_CPU_FREEZE:
		x0 = VPSCI_RET_INTERNAL_FAILURE;
		ex = VPSCI_EXIT_OFF;
		break;
	case VPSCI_FN_CPU_DEFAULT_SUSPEND:
		a1 = ENTRY_OK;
		ex = VPSCI_EXIT_SUSPEND;
		break;
	case VPSCI_FN_NODE_HW_STATE:
		a1 = 1;
		x0 = VPSCI_HW_OFF;
		break;
	case VPSCI_FN_PSCI_SET_SUSPEND_MODE:
		break;
	case VPSCI_FN_PSCI_STAT_RESIDENCY: case VPSCI_FN_PSCI_STAT_COUNT:
		a1 = 1;
		a2 = 1;
		break;
	case VPSCI_FN_MEM_PROTECT:
		a1 = 1;
		break;
	case VPSCI_FN_MEM_PROTECT_CHECK_RANGE:
		a1 = ENTRY_OK;
		a2 = 0x1000;
		break;
	case VPSCI_FN_CPU_OFF:
		x0 = VPSCI_RET_INTERNAL_FAILURE;
		ex = VPSCI_EXIT_OFF;
		break;
	case VPSCI_FN_CPU_ON:
		a1 = 1;
		a2 = ENTRY_OK;
		break;
	case VPSCI_FN_AFFINITY_INFO:
		a1 = 1;
		x0 = VPSCI_AFF_OFF;
		break;
	case VPSCI_FN_MIGRATE_INFO_TYPE:
		x0 = VPSCI_TOS_NOT_PRESENT_MP;
		break;
	case VPSCI_FN_SYSTEM_OFF: case VPSCI_FN_SYSTEM_RESET:
	case VPSCI_FN_SYSTEM_RESET2: case VPSCI_FN_SYSTEM_OFF2:
		x0 = VPSCI_RET_INTERNAL_FAILURE;
		ex = VPSCI_EXIT_SYSTEM_EVENT;
		break;
	case VPSCI_FN_PSCI_FEATURES:
		a1 = VPSCI_FN32(VPSCI_FN_PSCI_VERSION);
		break;
	case VPSCI_FN_SYSTEM_SUSPEND:
		a1 = ENTRY_OK;
		ex = VPSCI_EXIT_SYSTEM_EVENT;
		break;
	default:
		fail_msg("no expectation for function 0x%x", fid);
	}
	res = aarch32 ? tcall32(vm, 0, fid, a1, a2, 0) : tcall(vm, 0, fid, a1, a2, 0);
	if (nn == VPSCI_FN_SYSTEM_SUSPEND) {
		/* x0 on a SYSTEM_SUSPEND event is the host's business (it resumes at entry). */
		assert_int_equal(res.exit, ex);
		assert_int_equal(vpsci_vcpu_state(vm, 0), VPSCI_VCPU_SYSTEM_SUSPENDED);
		return;
	}
	assert_res(res, x0, ex);
	if (nn == VPSCI_FN_CPU_ON)
		assert_int_equal(vpsci_vcpu_state(vm, 1), VPSCI_VCPU_ON);
}

/* The whole matrix of standard PSCI IDs, plus vpsci_handles() agreeing with it. */
static void test_function_matrix(void **state)
{
	unsigned int checked = 0;

	(void)state;
	for (int vi = 0; vi < NR_VERSIONS; vi++)
	for (size_t fi = 0; fi < sizeof(flag_sets) / sizeof(flag_sets[0]); fi++)
	for (int conduit = 0; conduit < 2; conduit++)
	for (uint32_t nn = 0; nn < VPSCI_FN_COUNT; nn++)
	for (int w64 = 0; w64 < 2; w64++)
	for (int a32 = 0; a32 < 2; a32++) {
		uint32_t v = all_versions[vi], flags = flag_sets[fi];
		uint32_t fid = w64 ? VPSCI_FN64(nn) : VPSCI_FN32(nn);
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm;
		bool offered;

		if (!flags_valid(v, flags))
			continue;
		matrix_cfg(&t, v, flags);
		t.cfg.conduit = (enum vpsci_conduit)conduit;
		rec_init(&r);
		vm = mkvm(&t, &r);
		offered = in_set(v, flags, nn, w64);
		assert_int_equal(vpsci_handles(vm, fid), offered);
		if (a32 && w64)
			offered = false;	/* decision 3: SMC64 ID from AArch32 */
		if (offered) {
			check_offered(vm, fid, a32);
		} else {
			assert_cont(a32 ? tcall32(vm, 0, fid, 1, ENTRY_OK, 0) :
				    tcall(vm, 0, fid, 1, ENTRY_OK, 0), VPSCI_RET_NOT_SUPPORTED);
			assert_untouched(vm, &r);
		}
		checked++;
		vpsci_destroy(vm);
	}
	print_message("function matrix: %u combinations checked\n", checked);
}

/* Decision 3: the 0.1 IDs, answered iff version 0.1 or VPSCI_CFG_0_1_IDS. */
static void test_0_1_ids_matrix(void **state)
{
	(void)state;
	for (int vi = 0; vi < NR_VERSIONS; vi++)
	for (size_t fi = 0; fi < sizeof(flag_sets) / sizeof(flag_sets[0]); fi++)
	for (uint32_t k = 0; k < 4; k++) {
		uint32_t v = all_versions[vi], flags = flag_sets[fi];
		uint32_t fid = VPSCI_0_1_FN_BASE + k;
		bool answered = v == VPSCI_VERSION_0_1 || (flags & VPSCI_CFG_0_1_IDS);
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm;
		struct vpsci_result res;

		if (!flags_valid(v, flags))
			continue;
		matrix_cfg(&t, v, flags);
		rec_init(&r);
		vm = mkvm(&t, &r);
		assert_int_equal(vpsci_handles(vm, fid),
				 answered && fid != VPSCI_0_1_FN_MIGRATE);
		res = tcall(vm, 0, fid, 1, ENTRY_OK, 0);
		if (!answered || fid == VPSCI_0_1_FN_MIGRATE) {
			assert_cont(res, VPSCI_RET_NOT_SUPPORTED);
			assert_untouched(vm, &r);
		} else if (fid == VPSCI_0_1_FN_CPU_SUSPEND) {
			/* power_state 1: standby, StateID 1; entry ignored */
			assert_res(res, VPSCI_RET_SUCCESS, VPSCI_EXIT_SUSPEND);
		} else if (fid == VPSCI_0_1_FN_CPU_OFF) {
			assert_res(res, VPSCI_RET_DENIED, VPSCI_EXIT_OFF);
			assert_int_equal(vpsci_vcpu_state(vm, 0), VPSCI_VCPU_OFF);
		} else {
			assert_cont(res, VPSCI_RET_SUCCESS);
			assert_int_equal(vpsci_vcpu_state(vm, 1), VPSCI_VCPU_ON);
		}
		/* fid = (uint32_t)x0: the upper half of x0 never matters (ALREADY_ON → -2). */
		if (answered && fid == VPSCI_0_1_FN_CPU_ON)
			assert_cont(tcall(vm, 0, 0xdead0000ull << 32 | fid, 1, ENTRY_OK, 0),
				    VPSCI_RET_INVALID_PARAMETERS);
		vpsci_destroy(vm);
	}
}

/* Decision 4: SMCCC_VERSION and SMCCC_ARCH_FEATURES, from 1.0 on, SMC32 IDs only. */
static void test_smccc(void **state)
{
	static const struct { uint32_t fid; int32_t ret; } feat[] = {
		{ VPSCI_SMCCC_VERSION, 0 },
		{ VPSCI_SMCCC_ARCH_FEATURES, 0 },
		{ VPSCI_SMCCC_ARCH_SOC_ID, VPSCI_RET_NOT_SUPPORTED },
		{ VPSCI_SMCCC_ARCH_WORKAROUND_1, VPSCI_RET_NOT_SUPPORTED },
		{ VPSCI_SMCCC_ARCH_WORKAROUND_2, VPSCI_RET_NOT_SUPPORTED },
		{ VPSCI_SMCCC_ARCH_WORKAROUND_3, VPSCI_RET_NOT_SUPPORTED },
		{ 0x8000fffeu, VPSCI_RET_NOT_SUPPORTED },
		{ 0xc0000000u, VPSCI_RET_NOT_SUPPORTED },
		{ VPSCI_FN32(VPSCI_FN_PSCI_VERSION), VPSCI_RET_NOT_SUPPORTED },
		{ 0, VPSCI_RET_NOT_SUPPORTED },
	};

	(void)state;
	for (int vi = 0; vi < NR_VERSIONS; vi++)
	for (int a32 = 0; a32 < 2; a32++) {
		uint32_t v = all_versions[vi];
		bool on = v >= VPSCI_VERSION_1_0;
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm;
		struct vpsci_result (*call)(struct vpsci_vm *, uint32_t, uint64_t, uint64_t,
					    uint64_t, uint64_t) = a32 ? tcall32 : tcall;

		tcfg_init(&t, v, 2);
		rec_init(&r);
		vm = mkvm(&t, &r);
		assert_int_equal(vpsci_handles(vm, VPSCI_SMCCC_VERSION), on);
		assert_int_equal(vpsci_handles(vm, VPSCI_SMCCC_ARCH_FEATURES), on);
		assert_false(vpsci_handles(vm, VPSCI_SMCCC_ARCH_SOC_ID));
		assert_false(vpsci_handles(vm, VPSCI_SMCCC_ARCH_WORKAROUND_1));
		assert_false(vpsci_handles(vm, 0xc0000000u));
		assert_false(vpsci_handles(vm, 0xc0000001u));

		assert_cont(call(vm, 0, VPSCI_SMCCC_VERSION, 0, 0, 0),
			    on ? (int32_t)VPSCI_SMCCC_VERSION_1_1 : VPSCI_RET_NOT_SUPPORTED);
		assert_cont(call(vm, 0, 0xc0000000u, 0, 0, 0), VPSCI_RET_NOT_SUPPORTED);
		assert_cont(call(vm, 0, 0xc0000001u, VPSCI_SMCCC_VERSION, 0, 0),
			    VPSCI_RET_NOT_SUPPORTED);
		for (size_t i = 0; i < sizeof(feat) / sizeof(feat[0]); i++) {
			/* w1 is narrowed: garbage in the upper half must not matter. */
			uint64_t a1 = 0xffffffff00000000ull | feat[i].fid;

			assert_cont(call(vm, 0, VPSCI_SMCCC_ARCH_FEATURES, feat[i].fid, 0, 0),
				    on ? feat[i].ret : VPSCI_RET_NOT_SUPPORTED);
			assert_cont(call(vm, 0, VPSCI_SMCCC_ARCH_FEATURES, a1, 0, 0),
				    on ? feat[i].ret : VPSCI_RET_NOT_SUPPORTED);
		}
		for (uint32_t fid = VPSCI_SMCCC_ARCH_SOC_ID; fid < 0x80000010u; fid++)
			assert_cont(call(vm, 0, fid, 0, 0, 0), VPSCI_RET_NOT_SUPPORTED);
		assert_cont(call(vm, 0, VPSCI_SMCCC_ARCH_WORKAROUND_1, 0, 0, 0),
			    VPSCI_RET_NOT_SUPPORTED);
		assert_untouched(vm, &r);
		vpsci_destroy(vm);
	}
}

/* Decision 6: PSCI_FEATURES for every ID of the set, from both caller widths. */
static void test_psci_features(void **state)
{
	static const uint32_t never[] = {
		VPSCI_SMCCC_ARCH_FEATURES, VPSCI_SMCCC_ARCH_SOC_ID, VPSCI_SMCCC_ARCH_WORKAROUND_1,
		VPSCI_0_1_FN_CPU_SUSPEND, VPSCI_0_1_FN_CPU_OFF, VPSCI_0_1_FN_CPU_ON,
		VPSCI_0_1_FN_MIGRATE, VPSCI_FN32(0x20), 0x84000050u, 0xc4000053u, 0, 0xffffffffu,
		0x84010000u, 0x82000000u,
	};

	(void)state;
	for (int vi = 2; vi < NR_VERSIONS; vi++)
	for (size_t fi = 0; fi < sizeof(flag_sets) / sizeof(flag_sets[0]); fi++)
	for (int a32 = 0; a32 < 2; a32++) {
		uint32_t v = all_versions[vi], flags = flag_sets[fi];
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm;
		struct vpsci_result (*call)(struct vpsci_vm *, uint32_t, uint64_t, uint64_t,
					    uint64_t, uint64_t) = a32 ? tcall32 : tcall;
		const uint32_t feat = VPSCI_FN32(VPSCI_FN_PSCI_FEATURES);

		if (!flags_valid(v, flags))
			continue;
		matrix_cfg(&t, v, flags);
		rec_init(&r);
		vm = mkvm(&t, &r);
		for (uint32_t nn = 0; nn < VPSCI_FN_COUNT; nn++)
		for (int w64 = 0; w64 < 2; w64++) {
			uint32_t fid = w64 ? VPSCI_FN64(nn) : VPSCI_FN32(nn);
			bool offered = in_set(v, flags, nn, w64) && !(a32 && w64);
			int32_t want = !offered ? VPSCI_RET_NOT_SUPPORTED :
				nn == VPSCI_FN_SYSTEM_OFF2 ? (int32_t)VPSCI_FEAT_OFF2_HIBERNATE : 0;

			/* DEN0022 5.15: CPU_SUSPEND's bit 0 OSI, bit 1 extended StateID. */
			if (offered && nn == VPSCI_FN_CPU_SUSPEND)
				want = ((flags & VPSCI_CFG_OSI) ? 1 : 0) |
				       ((flags & VPSCI_CFG_EXT_STATEID) ? 2 : 0);

			assert_cont(call(vm, 0, feat, fid, 0, 0), want);
			assert_cont(call(vm, 0, feat, 0xabcdef0000000000ull | fid, 0, 0), want);
		}
		assert_cont(call(vm, 0, feat, VPSCI_SMCCC_VERSION, 0, 0), 0);
		for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
			assert_cont(call(vm, 0, feat, never[i], 0, 0), VPSCI_RET_NOT_SUPPORTED);
		/* PSCI_FEATURES has no SMC64 form. */
		assert_cont(call(vm, 0, VPSCI_FN64(VPSCI_FN_PSCI_FEATURES),
				 VPSCI_FN32(VPSCI_FN_PSCI_VERSION), 0, 0),
			    VPSCI_RET_NOT_SUPPORTED);
		assert_untouched(vm, &r);
		vpsci_destroy(vm);
	}
}

/* Decision 3: malformed and foreign IDs all get NOT_SUPPORTED, under every version. */
static void test_decode_foreign_ids(void **state)
{
	static const uint64_t bad[] = {
		0x00000000u, 0x04000000u, 0x44000000u, 0x7fffffffu, 0x04000003u,
		0x84010000u, 0x84800000u, 0x84ff0003u, 0xc4010003u, 0x80010000u,
		0x81000000u, 0x82000000u, 0x83000000u, 0x85000000u, 0x86000000u,
		0xb0000000u, 0xb1000000u, 0xbf000000u, 0xc1000003u, 0xc2000003u,
		0xc5000003u, 0xf0000000u, 0xff00ffffu,
		0x84000020u, 0x84000021u, 0x84000050u, 0x84000053u, 0xc4000053u,
		0x840000ffu, 0x8400ffffu, 0xc4000020u, 0xc400ffffu,
		0x80000002u, 0x80000003u, 0x80008000u, 0x8000ffffu,
		0x95c1ba5du, 0x95c1ba62u,
		0xffffffff00000000ull, 0x0000000100000000ull,
	};

	(void)state;
	for (int vi = 0; vi < NR_VERSIONS; vi++) {
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm;

		tcfg_init(&t, all_versions[vi], 2);
		if (all_versions[vi] != VPSCI_VERSION_0_1)
			t.cfg.flags = VPSCI_CFG_0_1_IDS;
		rec_init(&r);
		vm = mkvm(&t, &r);
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			assert_false(vpsci_handles(vm, (uint32_t)bad[i]));
			assert_cont(tcall(vm, 0, bad[i], 1, ENTRY_OK, 0), VPSCI_RET_NOT_SUPPORTED);
			assert_cont(tcall32(vm, 0, bad[i], 1, ENTRY_OK, 0),
				    VPSCI_RET_NOT_SUPPORTED);
		}
		assert_untouched(vm, &r);
		vpsci_destroy(vm);
	}
}

/* Decision 3: fid = (uint32_t)x0; SMC32 arguments are zero-extended from w1..w3. */
static void test_decode_narrowing(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;
	const uint64_t junk = 0xdeadbeef00000000ull;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_1, 4);
	rec_init(&r);
	vm = mkvm(&t, &r);
	assert_cont(tcall(vm, 0, junk | VPSCI_FN32(VPSCI_FN_PSCI_VERSION), junk, junk, junk),
		    VPSCI_VERSION_1_1);
	assert_cont(tcall(vm, 0, 0x100000000ull | VPSCI_SMCCC_VERSION, 0, 0, 0),
		    VPSCI_SMCCC_VERSION_1_1);
	/* SMC32 CPU_ON: target, entry and context id all narrowed. */
	assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_CPU_ON), junk | 1, junk | ENTRY_OK,
			  junk | 0x12345678u), VPSCI_RET_SUCCESS);
	assert_int_equal(r.last_on_idx, 1);
	assert_int_equal(r.last_on_entry.pc, ENTRY_OK);
	assert_int_equal(r.last_on_entry.context_id, 0x12345678u);
	/* An SMC32 entry above 4 GiB is its low half: here 0 (no memory) → INVALID_ADDRESS. */
	assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_CPU_ON), 2, ENTRY_HI, 0),
		    VPSCI_RET_INVALID_ADDRESS);
	/* The same from an AArch32 caller, with garbage upper halves. */
	assert_cont(tcall32(vm, 1, junk | VPSCI_FN32(VPSCI_FN_CPU_ON), junk | 2,
			    junk | ENTRY_OK, junk | 7), VPSCI_RET_SUCCESS);
	assert_int_equal(r.last_on_idx, 2);
	assert_int_equal(r.last_on_entry.pc, ENTRY_OK);
	assert_int_equal(r.last_on_entry.context_id, 7);
	assert_true(r.last_on_entry.aarch32);
	/* SMC64 keeps the full values. */
	assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_CPU_ON), 3, ENTRY_HI, CTX_ID),
		    VPSCI_RET_SUCCESS);
	assert_int_equal(r.last_on_entry.pc, ENTRY_HI);
	assert_int_equal(r.last_on_entry.context_id, CTX_ID);
	assert_false(r.last_on_entry.aarch32);
	/* SMC64 from AArch32: NOT_SUPPORTED even when the call would be valid. */
	assert_int_equal(vpsci_reset(vm), VPSCI_OK);
	assert_cont(tcall32(vm, 0, VPSCI_FN64(VPSCI_FN_CPU_ON), 1, ENTRY_OK, 0),
		    VPSCI_RET_NOT_SUPPORTED);
	assert_cont(tcall32(vm, 0, VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), 0, 0, 0),
		    VPSCI_RET_NOT_SUPPORTED);
	assert_int_equal(vpsci_vcpu_state(vm, 1), VPSCI_VCPU_OFF);
	vpsci_destroy(vm);
}

/* Decision 5: PSCI_VERSION per version; MIGRATE* NOT_SUPPORTED; MIGRATE_INFO_TYPE = 2. */
static void test_version_and_migrate(void **state)
{
	(void)state;
	for (int vi = 1; vi < NR_VERSIONS; vi++) {
		uint32_t v = all_versions[vi];
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm;

		tcfg_init(&t, v, 2);
		rec_init(&r);
		vm = mkvm(&t, &r);
		assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_PSCI_VERSION), 0, 0, 0), (int32_t)v);
		assert_cont(tcall32(vm, 0, VPSCI_FN32(VPSCI_FN_PSCI_VERSION), 0, 0, 0),
			    (int32_t)v);
		assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_PSCI_VERSION), 0, 0, 0),
			    VPSCI_RET_NOT_SUPPORTED);
		assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_MIGRATE_INFO_TYPE), 0, 0, 0), 2);
		assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_MIGRATE), 1, 0, 0),
			    VPSCI_RET_NOT_SUPPORTED);
		assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_MIGRATE), 1, 0, 0),
			    VPSCI_RET_NOT_SUPPORTED);
		assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_MIGRATE_INFO_UP_CPU), 0, 0, 0),
			    VPSCI_RET_NOT_SUPPORTED);
		assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_MIGRATE_INFO_UP_CPU), 0, 0, 0),
			    VPSCI_RET_NOT_SUPPORTED);
		assert_untouched(vm, &r);
		vpsci_destroy(vm);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_function_matrix),
		cmocka_unit_test(test_0_1_ids_matrix),
		cmocka_unit_test(test_smccc),
		cmocka_unit_test(test_psci_features),
		cmocka_unit_test(test_decode_foreign_ids),
		cmocka_unit_test(test_decode_narrowing),
		cmocka_unit_test(test_version_and_migrate),
	};

	return cmocka_run_group_tests_name("dispatch", tests, NULL, NULL);
}
