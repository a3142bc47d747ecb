// SPDX-License-Identifier: BSD-2-Clause
/*
 * The per-CPU functions: CPU_ON (decision 9), CPU_OFF (10), CPU_SUSPEND (11),
 * AFFINITY_INFO (12) and the entry-address rule (8), under every version and
 * through the 0.1 IDs, with their error mapping (3, 7).
 */
#include <string.h>

#include "helpers.h"

#define MEM_A_END	(MEM_A_BASE + MEM_A_SIZE)
#define MEM_B_END	(MEM_B_BASE + MEM_B_SIZE)

/* The CPU_ON / CPU_SUSPEND IDs a version speaks: 0.1 only has its own. */
static uint32_t fid_on(uint32_t v, bool w64)
{
	if (v == VPSCI_VERSION_0_1)
		return VPSCI_0_1_FN_CPU_ON;
	return w64 ? VPSCI_FN64(VPSCI_FN_CPU_ON) : VPSCI_FN32(VPSCI_FN_CPU_ON);
}

static uint32_t fid_suspend(uint32_t v, bool w64)
{
	if (v == VPSCI_VERSION_0_1)
		return VPSCI_0_1_FN_CPU_SUSPEND;
	return w64 ? VPSCI_FN64(VPSCI_FN_CPU_SUSPEND) : VPSCI_FN32(VPSCI_FN_CPU_SUSPEND);
}

static uint32_t fid_off(uint32_t v)
{
	return v == VPSCI_VERSION_0_1 ? VPSCI_0_1_FN_CPU_OFF : VPSCI_FN32(VPSCI_FN_CPU_OFF);
}

/* CPU_ON success: what the hook receives comes from the call (decision 9). */
static void test_cpu_on_entry(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;
	struct vpsci_call c = {
		.size = sizeof(c),
		.x = { VPSCI_FN64(VPSCI_FN_CPU_ON), 2, ENTRY_HI, CTX_ID },
		.conduit = VPSCI_CONDUIT_HVC, .aarch32 = false, .big_endian = true,
	};

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_0, 4);
	rec_init(&r);
	vm = mkvm(&t, &r);
	assert_cont(tcall_full(vm, 0, &c), VPSCI_RET_SUCCESS);
	assert_int_equal(atomic_load(&r.on_calls), 1);
	assert_int_equal(r.last_on_idx, 2);
	assert_int_equal(r.last_on_entry.pc, ENTRY_HI);
	assert_int_equal(r.last_on_entry.context_id, CTX_ID);
	assert_false(r.last_on_entry.aarch32);
	assert_false(r.last_on_entry.thumb);
	assert_true(r.last_on_entry.big_endian);
	assert_int_equal(vpsci_vcpu_state(vm, 2), VPSCI_VCPU_ON);

	/* AArch32 caller, Thumb entry, little-endian; the new vCPU calls in turn. */
	c = (struct vpsci_call){
		.size = sizeof(c),
		.x = { VPSCI_FN32(VPSCI_FN_CPU_ON), 3, ENTRY_OK | 1, 0xfeedu },
		.conduit = VPSCI_CONDUIT_HVC, .aarch32 = true,
	};
	assert_cont(tcall_full(vm, 2, &c), VPSCI_RET_SUCCESS);
	assert_int_equal(r.last_on_idx, 3);
	assert_int_equal(r.last_on_entry.pc, ENTRY_OK);
	assert_int_equal(r.last_on_entry.context_id, 0xfeedu);
	assert_true(r.last_on_entry.aarch32);
	assert_true(r.last_on_entry.thumb);
	assert_false(r.last_on_entry.big_endian);
	assert_int_equal(atomic_load(&r.on_calls), 2);
	vpsci_destroy(vm);
}

/* Decision 9: the checks of CPU_ON, in order, under every version. */
static void test_cpu_on_errors(void **state)
{
	(void)state;
	for (int vi = 0; vi < NR_VERSIONS; vi++)
	for (int w64 = 0; w64 < 2; w64++) {
		uint32_t v = all_versions[vi];
		bool v01 = v == VPSCI_VERSION_0_1;
		uint32_t on = fid_on(v, w64);
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm;

		if (v01 && w64)
			continue;
		tcfg_init(&t, v, 4);
		rec_init(&r);
		vm = mkvm(&t, &r);
#define ON_RET(code) map_ret(v, v01, code)
		/* 1. target outside the mask or absent, even with a bad entry */
		assert_cont(tcall(vm, 0, on, 0x1000000, ENTRY_BAD, 0),
			    VPSCI_RET_INVALID_PARAMETERS);
		assert_cont(tcall(vm, 0, on, 0x80000001u, ENTRY_OK, 0),
			    VPSCI_RET_INVALID_PARAMETERS);
		assert_cont(tcall(vm, 0, on, 0x4, ENTRY_BAD, 0), VPSCI_RET_INVALID_PARAMETERS);
		assert_cont(tcall(vm, 0, on, 0x100, ENTRY_OK, 0), VPSCI_RET_INVALID_PARAMETERS);
		assert_cont(tcall(vm, 0, on, 0x10000, ENTRY_OK, 0), VPSCI_RET_INVALID_PARAMETERS);
		if (w64 || v01) {
			assert_cont(tcall(vm, 0, on, 0x10000000001ull, ENTRY_OK, 0),
				    VPSCI_RET_INVALID_PARAMETERS);
			assert_cont(tcall(vm, 0, on, 0x100000001ull, ENTRY_OK, 0),
				    VPSCI_RET_INVALID_PARAMETERS);
		}
		/* 2. bad entry, even for a target that is on (the caller itself) */
		assert_cont(tcall(vm, 0, on, 0, ENTRY_BAD, 0),
			    ON_RET(VPSCI_RET_INVALID_ADDRESS));
		assert_cont(tcall(vm, 0, on, 1, ENTRY_BAD, 0),
			    ON_RET(VPSCI_RET_INVALID_ADDRESS));
		/* 3. target not OFF: the caller, an ON vCPU, a SUSPENDED vCPU */
		assert_cont(tcall(vm, 0, on, 0, ENTRY_OK, 0), ON_RET(VPSCI_RET_ALREADY_ON));
		assert_int_equal(atomic_load(&r.on_calls), 0);
		assert_cont(tcall(vm, 0, on, 1, ENTRY_OK, 0), VPSCI_RET_SUCCESS);
		assert_cont(tcall(vm, 0, on, 1, ENTRY_OK, 0), ON_RET(VPSCI_RET_ALREADY_ON));
		assert_cont(tcall(vm, 1, on, 1, ENTRY_OK, 0), ON_RET(VPSCI_RET_ALREADY_ON));
		assert_res(tcall(vm, 1, fid_suspend(v, false), 0, 0, 0), VPSCI_RET_SUCCESS,
			   VPSCI_EXIT_SUSPEND);
		assert_cont(tcall(vm, 0, on, 1, ENTRY_OK, 0), ON_RET(VPSCI_RET_ALREADY_ON));
		assert_int_equal(vpsci_vcpu_state(vm, 1), VPSCI_VCPU_SUSPENDED);
		assert_int_equal(atomic_load(&r.on_calls), 1);
		/* 5. the host cannot start it: INTERNAL_FAILURE, the target stays off */
		atomic_store(&r.on_ret, -1);
		assert_cont(tcall(vm, 0, on, 2, ENTRY_OK, 0),
			    ON_RET(VPSCI_RET_INTERNAL_FAILURE));
		assert_int_equal(vpsci_vcpu_state(vm, 2), VPSCI_VCPU_OFF);
		atomic_store(&r.on_ret, -1000);
		assert_cont(tcall(vm, 0, on, 2, ENTRY_OK, 0),
			    ON_RET(VPSCI_RET_INTERNAL_FAILURE));
		assert_int_equal(vpsci_vcpu_state(vm, 2), VPSCI_VCPU_OFF);
		atomic_store(&r.on_ret, 0);
		assert_cont(tcall(vm, 0, on, 2, ENTRY_OK, 0), VPSCI_RET_SUCCESS);
		assert_int_equal(vpsci_vcpu_state(vm, 2), VPSCI_VCPU_ON);
		assert_int_equal(atomic_load(&r.on_count[2]), 1);
		/* 4. a system event pending: DENIED, no hook */
		if (!v01) {
			unsigned int before = atomic_load(&r.on_calls);

			assert_res(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_RESET), 0, 0, 0),
				   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_SYSTEM_EVENT);
			assert_cont(tcall(vm, 2, on, 3, ENTRY_OK, 0), VPSCI_RET_DENIED);
			assert_cont(tcall(vm, 0, on, 3, ENTRY_OK, 0), VPSCI_RET_DENIED);
			assert_int_equal(atomic_load(&r.on_calls), before);
			assert_int_equal(vpsci_vcpu_state(vm, 3), VPSCI_VCPU_OFF);
		}
#undef ON_RET
		vpsci_destroy(vm);
	}
}

/* Decision 3: 0.1 CPU_ON and CPU_SUSPEND take full 64-bit arguments. */
static void test_0_1_full_width(void **state)
{
	static const uint64_t m[] = { 0x0, 0x100000000ull, 0x1 };
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;
	struct vpsci_result res;

	(void)state;
	for (int k = 0; k < 2; k++) {
		tcfg_init(&t, k ? VPSCI_VERSION_1_0 : VPSCI_VERSION_0_1, 3);
		tcfg_set_mpidrs(&t, m, 3);
		t.cfg.flags = k ? VPSCI_CFG_0_1_IDS : 0;
		rec_init(&r);
		vm = mkvm(&t, &r);
		assert_cont(tcall(vm, 0, VPSCI_0_1_FN_CPU_ON, 0x100000000ull, ENTRY_HI, CTX_ID),
			    VPSCI_RET_SUCCESS);
		assert_int_equal(r.last_on_idx, 1);
		assert_int_equal(r.last_on_entry.pc, ENTRY_HI);
		assert_int_equal(r.last_on_entry.context_id, CTX_ID);
		res = tcall(vm, 1, VPSCI_0_1_FN_CPU_SUSPEND, VPSCI_PS_TYPE_POWERDOWN, ENTRY_HI,
			    CTX_ID);
		assert_res(res, VPSCI_RET_SUCCESS, VPSCI_EXIT_SUSPEND);
		assert_true(res.powerdown);
		assert_int_equal(res.entry.pc, ENTRY_HI);
		assert_int_equal(res.entry.context_id, CTX_ID);
		/* 0.1 codes only: bad entry and ALREADY_ON are INVALID_PARAMETERS */
		assert_cont(tcall(vm, 0, VPSCI_0_1_FN_CPU_SUSPEND, VPSCI_PS_TYPE_POWERDOWN,
				  ENTRY_BAD, 0), VPSCI_RET_INVALID_PARAMETERS);
		assert_cont(tcall(vm, 0, VPSCI_0_1_FN_CPU_ON, 0x1, ENTRY_BAD, 0),
			    VPSCI_RET_INVALID_PARAMETERS);
		assert_cont(tcall(vm, 0, VPSCI_0_1_FN_CPU_ON, 0x100000000ull, ENTRY_OK, 0),
			    VPSCI_RET_INVALID_PARAMETERS);
		atomic_store(&r.on_ret, -1);
		assert_cont(tcall(vm, 0, VPSCI_0_1_FN_CPU_ON, 0x1, ENTRY_OK, 0),
			    VPSCI_RET_DENIED);
		assert_int_equal(vpsci_vcpu_state(vm, 2), VPSCI_VCPU_OFF);
		assert_cont(tcall(vm, 0, VPSCI_0_1_FN_MIGRATE, 0x1, 0, 0),
			    VPSCI_RET_NOT_SUPPORTED);
		/* The standard IDs, in 1.0 + 0.1 IDs, keep the full code set. */
		if (k) {
			atomic_store(&r.on_ret, 0);
			assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_CPU_ON), 0x100000000ull,
					  ENTRY_OK, 0), VPSCI_RET_ALREADY_ON);
			assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_CPU_ON), 0x1, ENTRY_BAD, 0),
				    VPSCI_RET_INVALID_ADDRESS);
		}
		vpsci_destroy(vm);
	}
}

/*
 * Decision 8 for one entry address: CPU_ON, a power-down CPU_SUSPEND and
 * SYSTEM_SUSPEND all accept it (with this pc / thumb) or all refuse it.
 */
static void check_entry(uint32_t v, bool a32, uint64_t pc, bool ok, uint64_t want_pc,
			bool want_thumb)
{
	struct vpsci_result (*call)(struct vpsci_vm *, uint32_t, uint64_t, uint64_t, uint64_t,
				    uint64_t) = a32 ? tcall32 : tcall;
	bool w64 = !a32 && v != VPSCI_VERSION_0_1;
	int32_t bad = map_ret(v, false, VPSCI_RET_INVALID_ADDRESS);
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;
	struct vpsci_result res;

	tcfg_init(&t, v, 2);
	if (v >= VPSCI_VERSION_1_0)
		t.cfg.flags = VPSCI_CFG_SYSTEM_SUSPEND;
	rec_init(&r);
	vm = mkvm(&t, &r);

	res = call(vm, 0, fid_on(v, w64), 1, pc, 0);
	if (ok) {
		assert_cont(res, VPSCI_RET_SUCCESS);
		assert_int_equal(r.last_on_entry.pc, want_pc);
		assert_int_equal(r.last_on_entry.thumb, want_thumb);
		assert_int_equal(r.last_on_entry.aarch32, a32);
	} else {
		assert_cont(res, bad);
		assert_int_equal(vpsci_vcpu_state(vm, 1), VPSCI_VCPU_OFF);
	}

	res = call(vm, 0, fid_suspend(v, w64), VPSCI_PS_TYPE_POWERDOWN, pc, 9);
	if (ok) {
		assert_res(res, VPSCI_RET_SUCCESS, VPSCI_EXIT_SUSPEND);
		assert_int_equal(res.entry.pc, want_pc);
		assert_int_equal(res.entry.thumb, want_thumb);
		assert_int_equal(res.entry.aarch32, a32);
		assert_int_equal(res.entry.context_id, 9);
		assert_int_equal(vpsci_vcpu_wake(vm, 0), VPSCI_OK);
	} else {
		assert_cont(res, bad);
		assert_int_equal(vpsci_vcpu_state(vm, 0), VPSCI_VCPU_ON);
	}

	if (v >= VPSCI_VERSION_1_0) {
		uint32_t fid = w64 ? VPSCI_FN64(VPSCI_FN_SYSTEM_SUSPEND) :
			VPSCI_FN32(VPSCI_FN_SYSTEM_SUSPEND);

		assert_int_equal(vpsci_reset(vm), VPSCI_OK);
		res = call(vm, 0, fid, pc, 9, 0);
		if (ok) {
			assert_int_equal(res.exit, VPSCI_EXIT_SYSTEM_EVENT);
			assert_int_equal(r.last_ev.entry.pc, want_pc);
			assert_int_equal(r.last_ev.entry.thumb, want_thumb);
			assert_int_equal(r.last_ev.entry.aarch32, a32);
		} else {
			assert_cont(res, bad);
			assert_int_equal(atomic_load(&r.event_calls), 0);
		}
	}
	vpsci_destroy(vm);
}

static void test_entry_rules(void **state)
{
	static const struct { uint64_t pc; bool ok; } a64[] = {
		{ MEM_A_BASE, true }, { ENTRY_OK, true }, { MEM_A_END - 4, true },
		{ MEM_A_END - 2, false }, { MEM_A_END, false }, { MEM_A_BASE - 4, false },
		{ ENTRY_OK | 1, false }, { ENTRY_OK | 2, false }, { ENTRY_OK | 3, false },
		{ MEM_B_BASE, true }, { MEM_B_END - 4, true }, { MEM_B_END, false },
		{ MEM_B_END - 1, false }, { 0, false }, { ENTRY_BAD, false },
		{ UINT64_MAX - 3, false }, { 0x8000000040080000ull, false },
	};
	/* AArch32: pc, accepted, pc handed on, thumb */
	static const struct { uint64_t pc; bool ok; uint64_t want; bool thumb; } a32[] = {
		{ MEM_A_BASE, true, MEM_A_BASE, false },
		{ ENTRY_OK | 1, true, ENTRY_OK, true },
		{ ENTRY_OK + 3, true, ENTRY_OK + 2, true },
		{ ENTRY_OK + 2, false, 0, false },
		{ MEM_A_END - 4, true, MEM_A_END - 4, false },
		{ MEM_A_END - 3, true, MEM_A_END - 4, true },
		{ MEM_A_END - 1, false, 0, false },
		{ MEM_A_END - 2, false, 0, false },
		{ MEM_A_END, false, 0, false },
		{ MEM_A_BASE - 1, false, 0, false },
		{ ENTRY_BAD | 1, false, 0, false },
	};

	(void)state;
	for (int vi = 0; vi < NR_VERSIONS; vi++) {
		uint32_t v = all_versions[vi];

		for (size_t i = 0; i < sizeof(a64) / sizeof(a64[0]); i++) {
			/* 0.1 and SMC64 carry the full pc */
			check_entry(v, false, a64[i].pc, a64[i].ok, a64[i].pc, false);
		}
		if (v == VPSCI_VERSION_0_1)
			continue;	/* 0.1 IDs take 64-bit arguments: AArch64 only */
		for (size_t i = 0; i < sizeof(a32) / sizeof(a32[0]); i++)
			check_entry(v, true, a32[i].pc, a32[i].ok, a32[i].want, a32[i].thumb);
	}
}

/* Decision 10: CPU_OFF. */
static void test_cpu_off(void **state)
{
	(void)state;
	for (int vi = 0; vi < NR_VERSIONS; vi++) {
		uint32_t v = all_versions[vi];
		bool v01 = v == VPSCI_VERSION_0_1;
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm;

		tcfg_init(&t, v, 3);
		rec_init(&r);
		vm = mkvm(&t, &r);
		power_on(vm, 0, 1);
		assert_res(tcall(vm, 1, fid_off(v), 0, 0, 0),
			   map_ret(v, v01, VPSCI_RET_INTERNAL_FAILURE), VPSCI_EXIT_OFF);
		assert_int_equal(vpsci_vcpu_state(vm, 1), VPSCI_VCPU_OFF);
		/* a caller that is not ON: OFF, or SUSPENDED */
		assert_cont(tcall(vm, 1, fid_off(v), 0, 0, 0), VPSCI_RET_DENIED);
		assert_cont(tcall(vm, 2, fid_off(v), 0, 0, 0), VPSCI_RET_DENIED);
		power_on(vm, 0, 2);
		assert_res(tcall(vm, 2, fid_suspend(v, false), 0, 0, 0), VPSCI_RET_SUCCESS,
			   VPSCI_EXIT_SUSPEND);
		assert_cont(tcall(vm, 2, fid_off(v), 0, 0, 0), VPSCI_RET_DENIED);
		assert_int_equal(vpsci_vcpu_state(vm, 2), VPSCI_VCPU_SUSPENDED);
		/* off again and back on, many times */
		for (int i = 0; i < 10; i++) {
			power_on(vm, 0, 1);
			assert_res(tcall(vm, 1, fid_off(v), 0, 0, 0),
				   map_ret(v, v01, VPSCI_RET_INTERNAL_FAILURE), VPSCI_EXIT_OFF);
		}
		/* the boot vCPU too; then nobody is on */
		assert_int_equal(vpsci_vcpu_wake(vm, 2), VPSCI_OK);
		assert_res(tcall(vm, 2, fid_off(v), 0, 0, 0),
			   map_ret(v, v01, VPSCI_RET_INTERNAL_FAILURE), VPSCI_EXIT_OFF);
		assert_res(tcall(vm, 0, fid_off(v), 0, 0, 0),
			   map_ret(v, v01, VPSCI_RET_INTERNAL_FAILURE), VPSCI_EXIT_OFF);
		for (uint32_t i = 0; i < 3; i++)
			assert_int_equal(vpsci_vcpu_state(vm, i), VPSCI_VCPU_OFF);
		assert_int_equal(atomic_load(&r.stop_calls), 0);
		assert_int_equal(atomic_load(&r.event_calls), 0);
		vpsci_destroy(vm);
	}
}

/* Decision 11: CPU_SUSPEND arguments, results and vpsci_vcpu_wake(). */
static void test_cpu_suspend(void **state)
{
	(void)state;
	for (int vi = 0; vi < NR_VERSIONS; vi++)
	for (int w64 = 0; w64 < 2; w64++) {
		uint32_t v = all_versions[vi];
		bool v01 = v == VPSCI_VERSION_0_1;
		uint32_t sus = fid_suspend(v, w64);
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm;
		struct vpsci_result res;

		if (v01 && w64)
			continue;
		tcfg_init(&t, v, 2);
		rec_init(&r);
		vm = mkvm(&t, &r);
		/* every reserved bit alone, with a valid entry */
		for (int bit = 0; bit < 32; bit++) {
			uint32_t ps = 1u << bit;

			if (!(ps & VPSCI_PS_RESERVED_MASK))
				continue;
			assert_cont(tcall(vm, 0, sus, ps, ENTRY_OK, 0),
				    VPSCI_RET_INVALID_PARAMETERS);
			assert_cont(tcall(vm, 0, sus, ps | VPSCI_PS_TYPE_POWERDOWN, ENTRY_OK, 0),
				    VPSCI_RET_INVALID_PARAMETERS);
		}
		/* PowerLevel 3, even with a bad entry */
		assert_cont(tcall(vm, 0, sus, 3u << VPSCI_PS_LEVEL_SHIFT, ENTRY_OK, 0),
			    VPSCI_RET_INVALID_PARAMETERS);
		assert_cont(tcall(vm, 0, sus, 3u << VPSCI_PS_LEVEL_SHIFT |
				  VPSCI_PS_TYPE_POWERDOWN, ENTRY_BAD, 0),
			    VPSCI_RET_INVALID_PARAMETERS);
		/* power-down checks the entry */
		assert_cont(tcall(vm, 0, sus, VPSCI_PS_TYPE_POWERDOWN, ENTRY_BAD, 0),
			    map_ret(v, v01, VPSCI_RET_INVALID_ADDRESS));
		assert_cont(tcall(vm, 0, sus, VPSCI_PS_TYPE_POWERDOWN, ENTRY_OK | 1, 0),
			    map_ret(v, v01, VPSCI_RET_INVALID_ADDRESS));
		assert_int_equal(vpsci_vcpu_state(vm, 0), VPSCI_VCPU_ON);
		assert_int_equal(vpsci_vcpu_wake(vm, 0), VPSCI_E_STATE);
		assert_int_equal(vpsci_vcpu_wake(vm, 1), VPSCI_E_STATE);

		/* standby at levels 0..2 ignores the entry */
		for (uint32_t lvl = 0; lvl < 3; lvl++) {
			uint32_t ps = lvl << VPSCI_PS_LEVEL_SHIFT | 0xffffu;

			res = tcall(vm, 0, sus, ps, ENTRY_BAD | 1, 0);
			assert_res(res, VPSCI_RET_SUCCESS, VPSCI_EXIT_SUSPEND);
			assert_int_equal(res.power_state, ps);
			assert_false(res.powerdown);
			assert_int_equal(vpsci_vcpu_state(vm, 0), VPSCI_VCPU_SUSPENDED);
			/* AFFINITY_INFO counts SUSPENDED as ON */
			if (!v01)
				assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_AFFINITY_INFO), 0, 0,
						  0), VPSCI_AFF_ON);
			assert_int_equal(vpsci_vcpu_wake(vm, 0), VPSCI_OK);
			assert_int_equal(vpsci_vcpu_state(vm, 0), VPSCI_VCPU_ON);
			assert_int_equal(vpsci_vcpu_wake(vm, 0), VPSCI_E_STATE);
		}
		/* power-down at level 2, with its entry */
		res = tcall(vm, 0, sus, 2u << VPSCI_PS_LEVEL_SHIFT | VPSCI_PS_TYPE_POWERDOWN | 0x42,
			    w64 ? ENTRY_HI : ENTRY_OK, w64 ? CTX_ID : 0x55667788u);
		assert_res(res, VPSCI_RET_SUCCESS, VPSCI_EXIT_SUSPEND);
		assert_int_equal(res.power_state, 0x02010042u);
		assert_true(res.powerdown);
		assert_int_equal(res.entry.pc, w64 ? ENTRY_HI : ENTRY_OK);
		assert_int_equal(res.entry.context_id, w64 ? CTX_ID : 0x55667788u);
		assert_false(res.entry.aarch32);
		assert_false(res.entry.thumb);
		assert_int_equal(vpsci_vcpu_wake(vm, 0), VPSCI_OK);
		/* SMC32: power_state, entry and context id are narrowed */
		if (!w64 && !v01) {
			const uint64_t junk = 0xffffffff00000000ull;

			res = tcall(vm, 0, sus, junk | VPSCI_PS_TYPE_POWERDOWN, junk | ENTRY_OK,
				    junk | 3);
			assert_res(res, VPSCI_RET_SUCCESS, VPSCI_EXIT_SUSPEND);
			assert_int_equal(res.power_state, VPSCI_PS_TYPE_POWERDOWN);
			assert_int_equal(res.entry.pc, ENTRY_OK);
			assert_int_equal(res.entry.context_id, 3);
			assert_int_equal(vpsci_vcpu_wake(vm, 0), VPSCI_OK);
		}
		assert_int_equal(atomic_load(&r.on_calls), 0);
		vpsci_destroy(vm);
	}
}

/* Decision 12: AFFINITY_INFO over a four-level topology. */
static void test_affinity_info(void **state)
{
	static const uint64_t m[] = {
		0x0, 0x1, 0x100, 0x101, 0x10000, 0x10001, 0x100000000ull, 0x100000001ull,
	};

	(void)state;
	for (int vi = 1; vi < NR_VERSIONS; vi++) {
		uint32_t v = all_versions[vi];
		const uint32_t a32f = VPSCI_FN32(VPSCI_FN_AFFINITY_INFO);
		const uint32_t a64f = VPSCI_FN64(VPSCI_FN_AFFINITY_INFO);
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm;

		tcfg_init(&t, v, 8);
		tcfg_set_mpidrs(&t, m, 8);
		rec_init(&r);
		vm = mkvm(&t, &r);
		/* only vCPU 0 (0x0) is on */
		assert_cont(tcall(vm, 0, a64f, 0x0, 0, 0), VPSCI_AFF_ON);
		assert_cont(tcall(vm, 0, a64f, 0x1, 0, 0), VPSCI_AFF_OFF);
		assert_cont(tcall(vm, 0, a64f, 0x1, 1, 0), VPSCI_AFF_ON);
		assert_cont(tcall(vm, 0, a64f, 0x100, 1, 0), VPSCI_AFF_OFF);
		assert_cont(tcall(vm, 0, a64f, 0x1ff, 1, 0), VPSCI_AFF_OFF);
		assert_cont(tcall(vm, 0, a64f, 0x1ff, 0, 0), VPSCI_RET_INVALID_PARAMETERS);
		assert_cont(tcall(vm, 0, a64f, 0x200, 1, 0), VPSCI_RET_INVALID_PARAMETERS);
		assert_cont(tcall(vm, 0, a64f, 0x0ffff, 2, 0), VPSCI_AFF_ON);
		assert_cont(tcall(vm, 0, a64f, 0x1ffff, 2, 0), VPSCI_AFF_OFF);
		assert_cont(tcall(vm, 0, a64f, 0x20000, 2, 0), VPSCI_RET_INVALID_PARAMETERS);
		assert_cont(tcall(vm, 0, a64f, 0xffffff, 3, 0), VPSCI_AFF_ON);
		assert_cont(tcall(vm, 0, a64f, 0x100000000ull, 3, 0), VPSCI_AFF_OFF);
		assert_cont(tcall(vm, 0, a64f, 0x100ffffffull, 3, 0), VPSCI_AFF_OFF);
		assert_cont(tcall(vm, 0, a64f, 0x200000000ull, 3, 0),
			    VPSCI_RET_INVALID_PARAMETERS);
		assert_cont(tcall(vm, 0, a64f, 0x100000001ull, 0, 0), VPSCI_AFF_OFF);
		/* bad level, bad mask */
		assert_cont(tcall(vm, 0, a64f, 0x0, 4, 0), VPSCI_RET_INVALID_PARAMETERS);
		assert_cont(tcall(vm, 0, a64f, 0x0, 0x100000000ull, 0),
			    VPSCI_RET_INVALID_PARAMETERS);
		assert_cont(tcall(vm, 0, a32f, 0x0, 0xffffffffu, 0), VPSCI_RET_INVALID_PARAMETERS);
		assert_cont(tcall(vm, 0, a64f, 0x1000000, 0, 0), VPSCI_RET_INVALID_PARAMETERS);
		assert_cont(tcall(vm, 0, a64f, 0x80000000ull, 0, 0),
			    VPSCI_RET_INVALID_PARAMETERS);
		assert_cont(tcall(vm, 0, a64f, 0x10000000000ull, 0, 0),
			    VPSCI_RET_INVALID_PARAMETERS);
		/* SMC32 narrows target and level: Aff3 is out of its reach */
		assert_cont(tcall(vm, 0, a32f, 0x100000001ull, 0, 0), VPSCI_AFF_OFF);
		assert_cont(tcall(vm, 0, a32f, 0x100000000ull, 0, 0), VPSCI_AFF_ON);
		assert_cont(tcall(vm, 0, a32f, 0x1, 0xffffffff00000001ull, 0), VPSCI_AFF_ON);
		assert_cont(tcall32(vm, 0, a32f, 0x100000000ull, 0, 0), VPSCI_AFF_ON);

		/* Turn on Aff3 = 1's first vCPU and the 0x101 one. */
		assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_CPU_ON), 0x100000000ull, ENTRY_OK,
				  0), VPSCI_RET_SUCCESS);
		assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_CPU_ON), 0x101, ENTRY_OK, 0),
			    VPSCI_RET_SUCCESS);
		assert_cont(tcall(vm, 0, a64f, 0x100000000ull, 0, 0), VPSCI_AFF_ON);
		assert_cont(tcall(vm, 0, a64f, 0x100000001ull, 0, 0), VPSCI_AFF_OFF);
		assert_cont(tcall(vm, 0, a64f, 0x100000001ull, 1, 0), VPSCI_AFF_ON);
		assert_cont(tcall(vm, 0, a64f, 0x100000000ull, 3, 0), VPSCI_AFF_ON);
		assert_cont(tcall(vm, 0, a64f, 0x100, 0, 0), VPSCI_AFF_OFF);
		assert_cont(tcall(vm, 0, a64f, 0x100, 1, 0), VPSCI_AFF_ON);
		/* SUSPENDED counts as ON, OFF again as OFF */
		assert_res(tcall(vm, 3, VPSCI_FN32(VPSCI_FN_CPU_SUSPEND), 0, 0, 0),
			   VPSCI_RET_SUCCESS, VPSCI_EXIT_SUSPEND);
		assert_cont(tcall(vm, 0, a64f, 0x101, 0, 0), VPSCI_AFF_ON);
		assert_int_equal(vpsci_vcpu_wake(vm, 3), VPSCI_OK);
		assert_res(tcall(vm, 3, VPSCI_FN32(VPSCI_FN_CPU_OFF), 0, 0, 0),
			   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_OFF);
		assert_cont(tcall(vm, 0, a64f, 0x101, 0, 0), VPSCI_AFF_OFF);
		assert_cont(tcall(vm, 0, a64f, 0x100, 1, 0), VPSCI_AFF_OFF);
		/* an AArch32 caller gets the same answers from the SMC32 form */
		assert_cont(tcall32(vm, 0, a32f, 0x0, 0, 0), VPSCI_AFF_ON);
		vpsci_destroy(vm);
	}
}

/* Inside cpu_on the target is mid-transition: the control functions say BUSY. */
static uint8_t busy_snap[4096];
static size_t busy_snap_len;

static void busy_cb(struct rec *r, uint32_t idx)
{
	uint8_t buf[4096];
	size_t len = 0;

	r->cb_result[0] = vpsci_vcpu_state(r->vm, idx);
	r->cb_result[1] = vpsci_snapshot(r->vm, buf, sizeof(buf), &len);
	r->cb_result[2] = vpsci_reset(r->vm);
	r->cb_result[3] = vpsci_restore(r->vm, busy_snap, busy_snap_len);
	r->cb_result[4] = vpsci_vcpu_state(r->vm, 0);
	r->cb_result[5] = 1;
}

static void test_busy_mid_cpu_on(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_0, 3);
	rec_init(&r);
	vm = mkvm(&t, &r);
	assert_int_equal(vpsci_snapshot(vm, busy_snap, sizeof(busy_snap), &busy_snap_len),
			 VPSCI_OK);
	r.on_cb = busy_cb;
	assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_CPU_ON), 2, ENTRY_OK, 0),
		    VPSCI_RET_SUCCESS);
	assert_int_equal(r.cb_result[5], 1);
	assert_int_equal(r.cb_result[0], VPSCI_VCPU_TRANSITION);
	assert_int_equal(r.cb_result[1], VPSCI_E_BUSY);
	assert_int_equal(r.cb_result[2], VPSCI_E_BUSY);
	assert_int_equal(r.cb_result[3], VPSCI_E_BUSY);
	assert_int_equal(r.cb_result[4], VPSCI_VCPU_ON);
	assert_int_equal(vpsci_vcpu_state(vm, 2), VPSCI_VCPU_ON);
	vpsci_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_on_entry),
		cmocka_unit_test(test_cpu_on_errors),
		cmocka_unit_test(test_0_1_full_width),
		cmocka_unit_test(test_entry_rules),
		cmocka_unit_test(test_cpu_off),
		cmocka_unit_test(test_cpu_suspend),
		cmocka_unit_test(test_affinity_info),
		cmocka_unit_test(test_busy_mid_cpu_on),
	};

	return cmocka_run_group_tests_name("cpu", tests, NULL, NULL);
}
