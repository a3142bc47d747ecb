// SPDX-License-Identifier: BSD-2-Clause
/*
 * Engine lifetime and configuration: vpsci_create() validation (decision 1),
 * the reset state (decision 2), introspection, vpsci_call() argument errors
 * (decision 16), vpsci_strerror() (decision 19) and vpsci_fn_name().
 */
#include <string.h>

#include "helpers.h"

/* Expect vpsci_create() to refuse t with 'err'. */
static void expect_create(const struct tcfg *t, int err)
{
	struct rec r;
	struct vpsci_vm *vm = NULL;
	int ret;

	rec_init(&r);
	ret = vpsci_create(&t->cfg, &rec_ops, &r, &vm);
	assert_int_equal(ret, err);
	if (ret == VPSCI_OK)
		vpsci_destroy(vm);
}

static void test_create_every_version(void **state)
{
	(void)state;
	for (int i = 0; i < NR_VERSIONS; i++) {
		struct tcfg t;

		tcfg_init(&t, all_versions[i], 4);
		expect_create(&t, VPSCI_OK);
		t.cfg.conduit = VPSCI_CONDUIT_SMC;
		expect_create(&t, VPSCI_OK);
	}
}

static void test_create_bad_version(void **state)
{
	static const uint32_t bad[] = {
		0, 0x3, 0x10004, 0x20000, 0x10100, 0xffffffffu, 0x00010000u + 0xffffu,
	};
	struct tcfg t;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tcfg_init(&t, bad[i], 2);
		expect_create(&t, VPSCI_E_INVAL);
	}
}

static void test_create_bad_conduit(void **state)
{
	struct tcfg t;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_0, 2);
	t.cfg.conduit = (enum vpsci_conduit)2;
	expect_create(&t, VPSCI_E_INVAL);
	t.cfg.conduit = (enum vpsci_conduit)-1;
	expect_create(&t, VPSCI_E_INVAL);
}

static void test_create_vcpu_count(void **state)
{
	struct tcfg t;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_0, 0);
	expect_create(&t, VPSCI_E_INVAL);
	t.cfg.nr_vcpus = VPSCI_MAX_VCPUS + 1;
	expect_create(&t, VPSCI_E_INVAL);
	t.cfg.nr_vcpus = 1;
	expect_create(&t, VPSCI_OK);
	t.cfg.nr_vcpus = VPSCI_MAX_VCPUS;
	expect_create(&t, VPSCI_OK);
}

static void test_create_mpidrs(void **state)
{
	static const uint64_t ok[] = { 0x0, 0x1, 0x100, 0xff00ffffffull };
	static const uint64_t dup[] = { 0x0, 0x1, 0x100, 0x1 };
	static const uint64_t bit24[] = { 0x0, 0x1000000 };
	static const uint64_t bit31[] = { 0x0, 0x80000000ull };
	static const uint64_t bit40[] = { 0x0, 0x10000000000ull };
	struct tcfg t;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_0, 4);
	tcfg_set_mpidrs(&t, ok, 4);
	expect_create(&t, VPSCI_OK);
	tcfg_set_mpidrs(&t, dup, 4);
	expect_create(&t, VPSCI_E_INVAL);
	tcfg_set_mpidrs(&t, bit24, 2);
	expect_create(&t, VPSCI_E_INVAL);
	tcfg_set_mpidrs(&t, bit31, 2);
	expect_create(&t, VPSCI_E_INVAL);
	tcfg_set_mpidrs(&t, bit40, 2);
	expect_create(&t, VPSCI_E_INVAL);
}

static void test_create_boot_vcpu(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_0, 4);
	t.cfg.boot_vcpu = 4;
	expect_create(&t, VPSCI_E_INVAL);
	t.cfg.boot_vcpu = 3;
	rec_init(&r);
	vm = mkvm(&t, &r);
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(vpsci_vcpu_state(vm, i), i == 3 ? VPSCI_VCPU_ON : VPSCI_VCPU_OFF);
	vpsci_destroy(vm);
}

static void test_create_mem(void **state)
{
	struct tcfg t;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_0, 2);
	t.cfg.nr_mem = 0;
	expect_create(&t, VPSCI_E_INVAL);
	t.cfg.nr_mem = VPSCI_MAX_MEM_REGIONS + 1;
	for (uint32_t i = 0; i < VPSCI_MAX_MEM_REGIONS + 1; i++) {
		t.mem[i].base = 0x40000000ull + i * 0x100000ull;
		t.mem[i].size = 0x1000;
	}
	expect_create(&t, VPSCI_E_INVAL);
	t.cfg.nr_mem = VPSCI_MAX_MEM_REGIONS;
	expect_create(&t, VPSCI_OK);

	tcfg_init(&t, VPSCI_VERSION_1_0, 2);
	t.mem[1].size = 0;
	expect_create(&t, VPSCI_E_INVAL);
	t.mem[1].base = UINT64_MAX - 3;
	t.mem[1].size = 16;
	expect_create(&t, VPSCI_E_INVAL);
	t.cfg.nr_mem = 1;	/* the bad region is no longer counted */
	expect_create(&t, VPSCI_OK);
	t.cfg.mem = NULL;
	expect_create(&t, VPSCI_E_INVAL);
}

static void test_create_reset2_types(void **state)
{
	struct tcfg t;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_1, 2);
	t.r2[1] = 0x7fffffffu;
	expect_create(&t, VPSCI_E_INVAL);
	t.r2[1] = 0;
	expect_create(&t, VPSCI_E_INVAL);
	t.cfg.nr_reset2_vendor_types = 1;
	expect_create(&t, VPSCI_OK);
	for (uint32_t i = 0; i < VPSCI_MAX_RESET2_TYPES + 1; i++)
		t.r2[i] = 0x80000000u | i;
	t.cfg.nr_reset2_vendor_types = VPSCI_MAX_RESET2_TYPES + 1;
	expect_create(&t, VPSCI_E_INVAL);
	t.cfg.nr_reset2_vendor_types = VPSCI_MAX_RESET2_TYPES;
	expect_create(&t, VPSCI_OK);
	t.cfg.nr_reset2_vendor_types = 0;
	t.cfg.reset2_vendor_types = NULL;
	expect_create(&t, VPSCI_OK);
	t.cfg.nr_reset2_vendor_types = 1;
	expect_create(&t, VPSCI_E_INVAL);
}

static void test_create_flags(void **state)
{
	struct tcfg t;

	(void)state;
	for (int i = 0; i < NR_VERSIONS; i++) {
		uint32_t v = all_versions[i];

		tcfg_init(&t, v, 2);
		t.cfg.flags = 1u << 9;
		expect_create(&t, VPSCI_E_INVAL);
		t.cfg.flags = 0x80000000u;
		expect_create(&t, VPSCI_E_INVAL);
		t.cfg.flags = VPSCI_CFG_0_1_IDS;
		expect_create(&t, v == VPSCI_VERSION_0_1 ? VPSCI_E_INVAL : VPSCI_OK);
		t.cfg.flags = VPSCI_CFG_SYSTEM_SUSPEND;
		expect_create(&t, v < VPSCI_VERSION_1_0 ? VPSCI_E_INVAL : VPSCI_OK);
		t.cfg.flags = FLAGS_BASE;
		expect_create(&t, v < VPSCI_VERSION_1_0 ? VPSCI_E_INVAL : VPSCI_OK);
		tcfg_set_pd(&t, 3, VPSCI_PD_RETENTION | VPSCI_PD_OFF, VPSCI_CFG_ALL_FLAGS);
		expect_create(&t, v < VPSCI_VERSION_1_1 ? VPSCI_E_INVAL : VPSCI_OK);
	}
}

static void test_create_null_args(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = NULL;
	struct vpsci_result res;
	struct vpsci_ops ops;

	(void)state;
	rec_init(&r);
	tcfg_init(&t, VPSCI_VERSION_1_0, 2);
	assert_int_equal(vpsci_create(NULL, &rec_ops, &r, &vm), VPSCI_E_INVAL);
	assert_int_equal(vpsci_create(&t.cfg, NULL, &r, &vm), VPSCI_E_INVAL);
	assert_int_equal(vpsci_create(&t.cfg, &rec_ops, &r, NULL), VPSCI_E_INVAL);
	ops = rec_ops;
	ops.cpu_on = NULL;
	assert_int_equal(vpsci_create(&t.cfg, &ops, &r, &vm), VPSCI_E_INVAL);
	ops = rec_ops;
	ops.cpu_stop = NULL;
	assert_int_equal(vpsci_create(&t.cfg, &ops, &r, &vm), VPSCI_E_INVAL);
	/* system_event is optional: the event is in the caller's result too. */
	ops = rec_ops;
	ops.system_event = NULL;
	assert_int_equal(vpsci_create(&t.cfg, &ops, &r, &vm), VPSCI_OK);
	res = tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_RESET), 0, 0, 0);
	assert_int_equal(res.exit, VPSCI_EXIT_SYSTEM_EVENT);
	assert_int_equal(res.event.type, VPSCI_EVENT_RESET);
	assert_int_equal(res.event.caller, 0);
	assert_int_equal(atomic_load(&r.event_calls), 0);
	vpsci_destroy(vm);
	/* opaque may be NULL: the engine only passes it on. */
	assert_int_equal(vpsci_create(&t.cfg, &rec_ops, NULL, &vm), VPSCI_OK);
	vpsci_destroy(vm);
	vpsci_destroy(NULL);
}

/* The config is copied: changing the caller's arrays afterwards changes nothing. */
static void test_create_copies_config(void **state)
{
	static const uint64_t m[] = { 0x10, 0x20, 0x30 };
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_0, 3);
	tcfg_set_mpidrs(&t, m, 3);
	rec_init(&r);
	vm = mkvm(&t, &r);
	memset(&t, 0xff, sizeof(t));
	assert_int_equal(vpsci_vcpu_mpidr(vm, 1), 0x20);
	assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_CPU_ON), 0x30, ENTRY_OK, 0),
		    VPSCI_RET_SUCCESS);
	vpsci_destroy(vm);
}

static void test_introspection(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_2, 40);
	t.cfg.conduit = VPSCI_CONDUIT_SMC;
	tcfg_set_pd(&t, 2, VPSCI_PD_OFF, VPSCI_CFG_ALL_FLAGS);
	rec_init(&r);
	vm = mkvm(&t, &r);
	assert_int_equal(vpsci_version(vm), VPSCI_VERSION_1_2);
	assert_int_equal(vpsci_nr_vcpus(vm), 40);
	assert_int_equal(vpsci_conduit(vm), VPSCI_CONDUIT_SMC);
	assert_int_equal(vpsci_flags(vm), VPSCI_CFG_ALL_FLAGS);
	assert_int_equal(vpsci_suspend_mode(vm), VPSCI_SUSPEND_MODE_PC);
	assert_false(vpsci_mem_protect(vm));
	/* Decision 1: default MPIDR of vCPU i is (i / 16) << 8 | (i % 16). */
	for (uint32_t i = 0; i < 40; i++) {
		uint64_t m = ((uint64_t)(i / 16) << 8) | (i % 16);

		assert_int_equal(vpsci_vcpu_mpidr(vm, i), m);
		assert_int_equal(vpsci_vcpu_by_mpidr(vm, m), (int)i);
	}
	assert_int_equal(vpsci_vcpu_mpidr(vm, 17), 0x101);
	assert_int_equal(vpsci_vcpu_mpidr(vm, 40), 0);
	assert_int_equal(vpsci_vcpu_mpidr(vm, UINT32_MAX), 0);
	assert_int_equal(vpsci_vcpu_by_mpidr(vm, 0x310), VPSCI_E_RANGE);
	assert_int_equal(vpsci_vcpu_by_mpidr(vm, 0x10000), VPSCI_E_RANGE);
	/* an MPIDR with bits outside the affinity fields matches no vCPU */
	assert_int_equal(vpsci_vcpu_by_mpidr(vm, 0x1000000), VPSCI_E_RANGE);
	assert_int_equal(vpsci_vcpu_by_mpidr(vm, 0x80000101ull), VPSCI_E_RANGE);
	assert_int_equal(vpsci_vcpu_state(vm, 40), VPSCI_E_RANGE);
	assert_int_equal(vpsci_vcpu_state(vm, UINT32_MAX), VPSCI_E_RANGE);
	vpsci_destroy(vm);
}

/* Decision 2: after create and after reset, the boot vCPU is on, all others off. */
static void test_reset_state(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_0, 4);
	t.cfg.boot_vcpu = 2;
	rec_init(&r);
	vm = mkvm(&t, &r);
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(vpsci_vcpu_state(vm, i), i == 2 ? VPSCI_VCPU_ON : VPSCI_VCPU_OFF);
	power_on(vm, 2, 0);
	power_on(vm, 0, 1);
	assert_res(tcall(vm, 1, VPSCI_FN32(VPSCI_FN_CPU_SUSPEND), 0, 0, 0), VPSCI_RET_SUCCESS,
		   VPSCI_EXIT_SUSPEND);
	assert_res(tcall(vm, 2, VPSCI_FN32(VPSCI_FN_CPU_OFF), 0, 0, 0),
		   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_OFF);
	assert_int_equal(vpsci_reset(vm), VPSCI_OK);
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(vpsci_vcpu_state(vm, i), i == 2 ? VPSCI_VCPU_ON : VPSCI_VCPU_OFF);
	assert_int_equal(vpsci_vcpu_wake(vm, 1), VPSCI_E_STATE);
	assert_int_equal(vpsci_system_wake(vm), VPSCI_E_STATE);
	assert_int_equal(atomic_load(&r.event_calls), 0);
	assert_true(vpsci_reset(NULL) < 0);
	vpsci_destroy(vm);
}

/* Decision 16: vpsci_call() argument errors. */
static void test_call_bad_args(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;
	struct vpsci_call c = { .size = sizeof(c), .x = { VPSCI_FN32(VPSCI_FN_PSCI_VERSION) } };
	struct vpsci_result res = { .size = sizeof(res) };

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_0, 4);
	rec_init(&r);
	vm = mkvm(&t, &r);
	memset(&res, 0x5a, sizeof(res));
	res.size = sizeof(res);
	assert_int_equal(vpsci_call(NULL, 0, &c, &res), VPSCI_E_INVAL);
	assert_int_equal(vpsci_call(vm, 0, NULL, &res), VPSCI_E_INVAL);
	assert_int_equal(vpsci_call(vm, 0, &c, NULL), VPSCI_E_INVAL);
	assert_true(vpsci_call(vm, 4, &c, NULL) < 0);

	memset(&res, 0x5a, sizeof(res));
	res.size = sizeof(res);
	assert_int_equal(vpsci_call(vm, 4, &c, &res), VPSCI_E_RANGE);
	assert_cont(res, VPSCI_RET_NOT_SUPPORTED);
	memset(&res, 0x5a, sizeof(res));
	res.size = sizeof(res);
	assert_int_equal(vpsci_call(vm, UINT32_MAX, &c, &res), VPSCI_E_RANGE);
	assert_cont(res, VPSCI_RET_NOT_SUPPORTED);
	assert_int_equal(vpsci_vcpu_wake(vm, 4), VPSCI_E_RANGE);
	vpsci_destroy(vm);
}

/* Decision 19: a distinct, non-NULL description per code; "unknown error" otherwise. */
static void test_strerror(void **state)
{
	static const int codes[] = {
		VPSCI_OK, VPSCI_E_INVAL, VPSCI_E_NOMEM, VPSCI_E_BUSY, VPSCI_E_RANGE,
		VPSCI_E_STATE, VPSCI_E_NOSPC, VPSCI_E_SNAP_TRUNCATED, VPSCI_E_SNAP_MAGIC,
		VPSCI_E_SNAP_VERSION, VPSCI_E_SNAP_CHECKSUM, VPSCI_E_SNAP_CORRUPT,
		VPSCI_E_SNAP_MISMATCH, VPSCI_E_FDT,
	};
	const size_t n = sizeof(codes) / sizeof(codes[0]);
	static const int unknown[] = { 1, -14, -100, 1000, INT32_MIN, INT32_MAX };

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const char *s = vpsci_strerror(codes[i]);

		assert_non_null(s);
		assert_true(strlen(s) > 0);
		assert_string_not_equal(s, "unknown error");
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(s, vpsci_strerror(codes[j]));
	}
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		assert_string_equal(vpsci_strerror(unknown[i]), "unknown error");
}

static void test_fn_name(void **state)
{
	static const struct { uint32_t fid; const char *name; } known[] = {
		{ VPSCI_FN32(VPSCI_FN_PSCI_VERSION), "PSCI_VERSION" },
		{ VPSCI_FN32(VPSCI_FN_CPU_SUSPEND), "CPU_SUSPEND" },
		{ VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), "CPU_SUSPEND" },
		{ VPSCI_FN32(VPSCI_FN_CPU_OFF), "CPU_OFF" },
		{ VPSCI_FN32(VPSCI_FN_CPU_ON), "CPU_ON" },
		{ VPSCI_FN64(VPSCI_FN_CPU_ON), "CPU_ON" },
		{ VPSCI_FN32(VPSCI_FN_AFFINITY_INFO), "AFFINITY_INFO" },
		{ VPSCI_FN32(VPSCI_FN_MIGRATE_INFO_TYPE), "MIGRATE_INFO_TYPE" },
		{ VPSCI_FN32(VPSCI_FN_SYSTEM_OFF), "SYSTEM_OFF" },
		{ VPSCI_FN32(VPSCI_FN_SYSTEM_RESET), "SYSTEM_RESET" },
		{ VPSCI_FN32(VPSCI_FN_PSCI_FEATURES), "PSCI_FEATURES" },
		{ VPSCI_FN32(VPSCI_FN_SYSTEM_SUSPEND), "SYSTEM_SUSPEND" },
		{ VPSCI_FN32(VPSCI_FN_SYSTEM_RESET2), "SYSTEM_RESET2" },
		{ VPSCI_FN64(VPSCI_FN_SYSTEM_RESET2), "SYSTEM_RESET2" },
		{ VPSCI_FN32(VPSCI_FN_SYSTEM_OFF2), "SYSTEM_OFF2" },
		{ VPSCI_SMCCC_VERSION, "SMCCC_VERSION" },
		{ VPSCI_SMCCC_ARCH_FEATURES, "SMCCC_ARCH_FEATURES" },
		{ VPSCI_SMCCC_ARCH_SOC_ID, "SMCCC_ARCH_SOC_ID" },
		{ VPSCI_SMCCC_ARCH_WORKAROUND_1, "SMCCC_ARCH_WORKAROUND_1" },
		{ VPSCI_SMCCC_ARCH_WORKAROUND_2, "SMCCC_ARCH_WORKAROUND_2" },
		{ VPSCI_SMCCC_ARCH_WORKAROUND_3, "SMCCC_ARCH_WORKAROUND_3" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const char *s = vpsci_fn_name(known[i].fid);

		assert_non_null(s);
		assert_string_equal(s, known[i].name);
	}
	/* Every PSCI number of the spec has a name, in both widths where it has them. */
	for (uint32_t nn = 0; nn <= VPSCI_FN_SYSTEM_OFF2; nn++)
		assert_non_null(vpsci_fn_name(VPSCI_FN32(nn)));
	assert_null(vpsci_fn_name(0x12345678u));
	/* the 0.1 IDs have names too */
	for (uint32_t fid = VPSCI_0_1_FN_BASE; fid <= VPSCI_0_1_FN_MIGRATE; fid++)
		assert_non_null(vpsci_fn_name(fid));
	assert_non_null(strstr(vpsci_fn_name(VPSCI_0_1_FN_CPU_ON), "CPU_ON"));
	/* an SMC64 ID of a function that has no SMC64 form names nothing */
	assert_null(vpsci_fn_name(VPSCI_FN64(VPSCI_FN_CPU_OFF)));
	assert_null(vpsci_fn_name(VPSCI_FN64(VPSCI_FN_PSCI_VERSION)));
	assert_null(vpsci_fn_name(0xc5000003u));
	assert_null(vpsci_fn_name(VPSCI_FN32(0x1f)));
	assert_null(vpsci_fn_name(VPSCI_FN32(0x40)));
	assert_null(vpsci_fn_name(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_every_version),
		cmocka_unit_test(test_create_bad_version),
		cmocka_unit_test(test_create_bad_conduit),
		cmocka_unit_test(test_create_vcpu_count),
		cmocka_unit_test(test_create_mpidrs),
		cmocka_unit_test(test_create_boot_vcpu),
		cmocka_unit_test(test_create_mem),
		cmocka_unit_test(test_create_reset2_types),
		cmocka_unit_test(test_create_flags),
		cmocka_unit_test(test_create_null_args),
		cmocka_unit_test(test_create_copies_config),
		cmocka_unit_test(test_introspection),
		cmocka_unit_test(test_reset_state),
		cmocka_unit_test(test_call_bad_args),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_fn_name),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
