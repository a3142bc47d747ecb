// SPDX-License-Identifier: BSD-2-Clause
/*
 * The system functions: SYSTEM_OFF, SYSTEM_RESET, SYSTEM_RESET2, SYSTEM_OFF2
 * (decision 14), SYSTEM_SUSPEND (15), the pending-event rule, vpsci_reset()
 * and vpsci_system_wake().
 */
#include <string.h>

#include "helpers.h"

/* 4 vCPUs: 0 on (caller), 1 on, 2 suspended, 3 off. */
static struct vpsci_vm *mixed_vm(struct tcfg *t, struct rec *r, uint32_t v, uint32_t flags)
{
	struct vpsci_vm *vm;

	tcfg_init(t, v, 4);
	t->cfg.flags = flags;
	rec_init(r);
	vm = mkvm(t, r);
	power_on(vm, 0, 1);
	power_on(vm, 0, 2);
	assert_res(tcall(vm, 2, VPSCI_FN32(VPSCI_FN_CPU_SUSPEND), 0, 0, 0), VPSCI_RET_SUCCESS,
		   VPSCI_EXIT_SUSPEND);
	return vm;
}

/*
 * Every vCPU but the caller that is not OFF was stopped once, before the
 * event; the OFF ones and the caller were not; exactly one event.
 */
static void assert_stopped_then_event(struct rec *r, uint32_t caller)
{
	assert_int_equal(atomic_load(&r->event_calls), 1);
	assert_int_equal(r->last_ev.caller, caller);
	assert_int_equal(atomic_load(&r->stop_calls), 2);
	assert_int_equal(atomic_load(&r->stop_count[caller]), 0);
	assert_int_equal(atomic_load(&r->stop_count[3]), 0);
	for (uint32_t i = 1; i <= 2; i++) {
		if (i == caller)
			continue;
		assert_int_equal(atomic_load(&r->stop_count[i]), 1);
		assert_true(r->stop_seq[i] < r->event_seq);
	}
}

/* The result carries the event ops->system_event saw, field by field. */
static void assert_result_event(const struct vpsci_result *res, const struct rec *r)
{
	const struct vpsci_system_event *e = &res->event;

	assert_int_equal(res->exit, VPSCI_EXIT_SYSTEM_EVENT);
	assert_true(VPSCI_HAS_FIELD(struct vpsci_result, res, event));
	assert_int_equal(e->type, r->last_ev.type);
	assert_int_equal(e->caller, r->last_ev.caller);
	assert_int_equal(e->reset_type, r->last_ev.reset_type);
	assert_int_equal(e->cookie, r->last_ev.cookie);
	assert_int_equal(e->entry.pc, r->last_ev.entry.pc);
	assert_int_equal(e->entry.context_id, r->last_ev.entry.context_id);
	assert_int_equal(e->entry.aarch32, r->last_ev.entry.aarch32);
	assert_int_equal(e->entry.thumb, r->last_ev.entry.thumb);
	assert_int_equal(e->entry.big_endian, r->last_ev.entry.big_endian);
}

/* After an event: no second event, CPU_ON and system calls DENIED, exit CONTINUE. */
static void assert_event_pending(struct vpsci_vm *vm, struct rec *r)
{
	uint32_t v = vpsci_version(vm);
	unsigned int ev = atomic_load(&r->event_calls), st = atomic_load(&r->stop_calls);

	assert_cont(tcall(vm, 1, VPSCI_FN32(VPSCI_FN_SYSTEM_OFF), 0, 0, 0), VPSCI_RET_DENIED);
	assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_RESET), 0, 0, 0), VPSCI_RET_DENIED);
	if (v >= VPSCI_VERSION_1_1)
		assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_RESET2), 0, 0, 0),
			    VPSCI_RET_DENIED);
	if (v >= VPSCI_VERSION_1_3)
		assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_OFF2), 0, 0, 0),
			    VPSCI_RET_DENIED);
	if (vpsci_flags(vm) & VPSCI_CFG_SYSTEM_SUSPEND)
		assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_SYSTEM_SUSPEND), ENTRY_OK, 0, 0),
			    VPSCI_RET_DENIED);
	assert_cont(tcall(vm, 1, VPSCI_FN32(VPSCI_FN_CPU_ON), 3, ENTRY_OK, 0), VPSCI_RET_DENIED);
	assert_int_equal(vpsci_vcpu_state(vm, 3), VPSCI_VCPU_OFF);
	assert_int_equal(atomic_load(&r->event_calls), ev);
	assert_int_equal(atomic_load(&r->stop_calls), st);
	assert_int_equal(atomic_load(&r->on_calls), 2);
}

/* After vpsci_reset(): the reset state, and the system calls work again. */
static void assert_reset_works(struct vpsci_vm *vm, struct rec *r)
{
	assert_int_equal(vpsci_reset(vm), VPSCI_OK);
	assert_int_equal(vpsci_vcpu_state(vm, 0), VPSCI_VCPU_ON);
	for (uint32_t i = 1; i < 4; i++)
		assert_int_equal(vpsci_vcpu_state(vm, i), VPSCI_VCPU_OFF);
	assert_int_equal(vpsci_system_wake(vm), VPSCI_E_STATE);
	power_on(vm, 0, 3);
	atomic_store(&r->event_calls, 0);
	atomic_store(&r->stop_calls, 0);
	assert_res(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_RESET), 0, 0, 0),
		   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_SYSTEM_EVENT);
	assert_int_equal(atomic_load(&r->event_calls), 1);
	assert_int_equal(atomic_load(&r->stop_calls), 1);
	assert_int_equal(r->last_ev.type, VPSCI_EVENT_RESET);
	assert_int_equal(vpsci_reset(vm), VPSCI_OK);
}

static void test_system_off_reset(void **state)
{
	(void)state;
	for (int vi = 1; vi < NR_VERSIONS; vi++)
	for (int reset = 0; reset < 2; reset++)
	for (int a32 = 0; a32 < 2; a32++) {
		uint32_t v = all_versions[vi];
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm = mixed_vm(&t, &r, v, 0);
		uint32_t fid = VPSCI_FN32(reset ? VPSCI_FN_SYSTEM_RESET : VPSCI_FN_SYSTEM_OFF);
		struct vpsci_result res = a32 ? tcall32(vm, 0, fid, 0, 0, 0) :
						tcall(vm, 0, fid, 0, 0, 0);

		assert_res(res, VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_SYSTEM_EVENT);
		assert_int_equal(r.last_ev.type, reset ? VPSCI_EVENT_RESET : VPSCI_EVENT_OFF);
		assert_result_event(&res, &r);
		assert_stopped_then_event(&r, 0);
		assert_event_pending(vm, &r);
		assert_int_equal(vpsci_system_wake(vm), VPSCI_E_STATE);
		assert_reset_works(vm, &r);
		vpsci_destroy(vm);
	}
}

/* The caller need not be the boot vCPU; a lone vCPU stops nobody. */
static void test_system_off_other_caller(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = mixed_vm(&t, &r, VPSCI_VERSION_1_0, 0);

	(void)state;
	assert_res(tcall(vm, 1, VPSCI_FN32(VPSCI_FN_SYSTEM_OFF), 0, 0, 0),
		   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_SYSTEM_EVENT);
	assert_int_equal(r.last_ev.caller, 1);
	assert_int_equal(atomic_load(&r.stop_count[0]), 1);
	assert_int_equal(atomic_load(&r.stop_count[1]), 0);
	assert_int_equal(atomic_load(&r.stop_count[2]), 1);
	assert_int_equal(atomic_load(&r.stop_count[3]), 0);
	vpsci_destroy(vm);

	tcfg_init(&t, VPSCI_VERSION_1_0, 1);
	rec_init(&r);
	vm = mkvm(&t, &r);
	assert_res(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_RESET), 0, 0, 0),
		   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_SYSTEM_EVENT);
	assert_int_equal(atomic_load(&r.stop_calls), 0);
	assert_int_equal(atomic_load(&r.event_calls), 1);
	vpsci_destroy(vm);
}

static void test_system_reset2(void **state)
{
	static const struct { uint64_t type; bool ok; } types[] = {
		{ 0, true }, { R2_TYPE_A, true }, { R2_TYPE_B, true }, { R2_TYPE_C, true },
		{ 1, false }, { 2, false }, { 0x7fffffffu, false }, { 0x80000000u, false },
		{ 0x80000002u, false }, { 0xffffffffu, false },
		/* w1: the upper half of x1 never counts, even in the SMC64 form */
		{ 0xffffffff00000000ull, true }, { 0x1ull << 32 | R2_TYPE_B, true },
		{ 0x1ull << 32 | 1, false },
	};

	(void)state;
	for (int vi = 3; vi < NR_VERSIONS; vi++)
	for (int w64 = 0; w64 < 2; w64++)
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		uint32_t v = all_versions[vi];
		uint32_t fid = w64 ? VPSCI_FN64(VPSCI_FN_SYSTEM_RESET2) :
			VPSCI_FN32(VPSCI_FN_SYSTEM_RESET2);
		const uint64_t cookie = 0xdeadbeef12345678ull;
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm = mixed_vm(&t, &r, v, 0);
		struct vpsci_result res = tcall(vm, 0, fid, types[i].type, cookie, 0);

		if (!types[i].ok) {
			assert_cont(res, VPSCI_RET_INVALID_PARAMETERS);
			assert_int_equal(atomic_load(&r.event_calls), 0);
			assert_int_equal(atomic_load(&r.stop_calls), 0);
			vpsci_destroy(vm);
			continue;
		}
		assert_res(res, VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_SYSTEM_EVENT);
		assert_int_equal(r.last_ev.type, VPSCI_EVENT_RESET2);
		assert_int_equal(r.last_ev.reset_type, (uint32_t)types[i].type);
		/* the cookie is narrowed for SMC32 */
		assert_int_equal(r.last_ev.cookie, w64 ? cookie : (uint32_t)cookie);
		assert_result_event(&res, &r);
		assert_stopped_then_event(&r, 0);
		assert_event_pending(vm, &r);
		assert_reset_works(vm, &r);
		vpsci_destroy(vm);
	}
}

/* No vendor types configured: every bit-31 type is INVALID_PARAMETERS. */
static void test_system_reset2_no_vendor(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_1, 2);
	t.cfg.nr_reset2_vendor_types = 0;
	t.cfg.reset2_vendor_types = NULL;
	rec_init(&r);
	vm = mkvm(&t, &r);
	assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_RESET2), R2_TYPE_A, 0, 0),
		    VPSCI_RET_INVALID_PARAMETERS);
	assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_RESET2), 0x80000000u, 0, 0),
		    VPSCI_RET_INVALID_PARAMETERS);
	assert_res(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_RESET2), 0, 0, 0),
		   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_SYSTEM_EVENT);
	assert_int_equal(r.last_ev.type, VPSCI_EVENT_RESET2);
	vpsci_destroy(vm);
}

static void test_system_off2(void **state)
{
	static const struct { uint64_t type, cookie32, cookie64; bool ok32, ok64; } cases[] = {
		{ 0, 0, 0, true, true },
		{ 1, 0, 0, true, true },
		{ 2, 0, 0, false, false },
		{ 0x80000001u, 0, 0, false, false },
		{ 0xffffffffu, 0, 0, false, false },
		{ 1, 1, 1, false, false },
		/* the SMC32 cookie is narrowed: upper garbage is still cookie 0 */
		{ 1, 0xffffffff00000000ull, 0x100000000ull, true, false },
		{ 0x100000001ull, 0, 0, true, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	for (int w64 = 0; w64 < 2; w64++) {
		uint32_t fid = w64 ? VPSCI_FN64(VPSCI_FN_SYSTEM_OFF2) :
			VPSCI_FN32(VPSCI_FN_SYSTEM_OFF2);
		bool ok = w64 ? cases[i].ok64 : cases[i].ok32;
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm = mixed_vm(&t, &r, VPSCI_VERSION_1_3, 0);
		struct vpsci_result res = tcall(vm, 0, fid, cases[i].type,
						w64 ? cases[i].cookie64 : cases[i].cookie32, 0);

		if (!ok) {
			assert_cont(res, VPSCI_RET_INVALID_PARAMETERS);
			assert_int_equal(atomic_load(&r.event_calls), 0);
			vpsci_destroy(vm);
			continue;
		}
		assert_res(res, VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_SYSTEM_EVENT);
		assert_int_equal(r.last_ev.type, VPSCI_EVENT_HIBERNATE_OFF);
		assert_int_equal(r.last_ev.reset_type, (uint32_t)cases[i].type);
		assert_result_event(&res, &r);
		assert_stopped_then_event(&r, 0);
		assert_event_pending(vm, &r);
		assert_reset_works(vm, &r);
		vpsci_destroy(vm);
	}
}

static void test_system_suspend(void **state)
{
	(void)state;
	for (int vi = 2; vi < NR_VERSIONS; vi++)
	for (int w64 = 0; w64 < 2; w64++) {
		uint32_t v = all_versions[vi];
		uint32_t fid = w64 ? VPSCI_FN64(VPSCI_FN_SYSTEM_SUSPEND) :
			VPSCI_FN32(VPSCI_FN_SYSTEM_SUSPEND);
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm = mixed_vm(&t, &r, v, VPSCI_CFG_SYSTEM_SUSPEND);
		struct vpsci_call c = {
			.size = sizeof(c),
			.x = { fid, w64 ? ENTRY_HI : ENTRY_OK, w64 ? CTX_ID : 0x5555u, 0 },
			.conduit = VPSCI_CONDUIT_HVC, .big_endian = true,
		};
		struct vpsci_result res;

		/* others not OFF: DENIED, checked before the entry */
		assert_cont(tcall(vm, 0, fid, ENTRY_BAD, 0, 0), VPSCI_RET_DENIED);
		assert_cont(tcall(vm, 0, fid, ENTRY_OK, 0, 0), VPSCI_RET_DENIED);
		assert_res(tcall(vm, 1, VPSCI_FN32(VPSCI_FN_CPU_OFF), 0, 0, 0),
			   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_OFF);
		/* a SUSPENDED vCPU is not OFF */
		assert_cont(tcall(vm, 0, fid, ENTRY_OK, 0, 0), VPSCI_RET_DENIED);
		assert_int_equal(vpsci_vcpu_wake(vm, 2), VPSCI_OK);
		assert_res(tcall(vm, 2, VPSCI_FN32(VPSCI_FN_CPU_OFF), 0, 0, 0),
			   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_OFF);
		/* now alone: the entry is checked */
		assert_cont(tcall(vm, 0, fid, ENTRY_BAD, 0, 0), VPSCI_RET_INVALID_ADDRESS);
		assert_cont(tcall(vm, 0, fid, ENTRY_OK | 1, 0, 0), VPSCI_RET_INVALID_ADDRESS);
		assert_int_equal(atomic_load(&r.event_calls), 0);

		res = tcall_full(vm, 0, &c);
		assert_int_equal(res.exit, VPSCI_EXIT_SYSTEM_EVENT);
		assert_int_equal(atomic_load(&r.event_calls), 1);
		assert_int_equal(atomic_load(&r.stop_calls), 0);
		assert_int_equal(r.last_ev.type, VPSCI_EVENT_SUSPEND);
		assert_int_equal(r.last_ev.caller, 0);
		assert_int_equal(r.last_ev.entry.pc, w64 ? ENTRY_HI : ENTRY_OK);
		assert_int_equal(r.last_ev.entry.context_id, w64 ? CTX_ID : 0x5555u);
		assert_false(r.last_ev.entry.aarch32);
		assert_true(r.last_ev.entry.big_endian);
		assert_result_event(&res, &r);
		assert_int_equal(vpsci_vcpu_state(vm, 0), VPSCI_VCPU_SYSTEM_SUSPENDED);
		/* a system-suspended vCPU is not CPU_SUSPENDed: vcpu_wake does not apply */
		assert_int_equal(vpsci_vcpu_wake(vm, 0), VPSCI_E_STATE);

		assert_int_equal(vpsci_system_wake(vm), VPSCI_OK);
		assert_int_equal(vpsci_vcpu_state(vm, 0), VPSCI_VCPU_ON);
		assert_int_equal(vpsci_system_wake(vm), VPSCI_E_STATE);
		/* no event pending any more: CPU_ON and a second suspend work */
		power_on(vm, 0, 3);
		assert_res(tcall(vm, 3, VPSCI_FN32(VPSCI_FN_CPU_OFF), 0, 0, 0),
			   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_OFF);
		res = tcall(vm, 0, fid, ENTRY_OK, 0, 0);
		assert_int_equal(res.exit, VPSCI_EXIT_SYSTEM_EVENT);
		assert_int_equal(atomic_load(&r.event_calls), 2);
		/* vpsci_reset() ends a system suspend too */
		assert_int_equal(vpsci_reset(vm), VPSCI_OK);
		assert_int_equal(vpsci_vcpu_state(vm, 0), VPSCI_VCPU_ON);
		assert_int_equal(vpsci_system_wake(vm), VPSCI_E_STATE);
		vpsci_destroy(vm);
	}
}

/* SYSTEM_SUSPEND from an AArch32 caller: Thumb entry, SMC32 only. */
static void test_system_suspend_aarch32(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;
	struct vpsci_result res;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_0, 2);
	t.cfg.flags = VPSCI_CFG_SYSTEM_SUSPEND;
	rec_init(&r);
	vm = mkvm(&t, &r);
	assert_cont(tcall32(vm, 0, VPSCI_FN64(VPSCI_FN_SYSTEM_SUSPEND), ENTRY_OK, 0, 0),
		    VPSCI_RET_NOT_SUPPORTED);
	res = tcall32(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_SUSPEND), 0xffffffff00000000ull |
		      ENTRY_OK | 1, 0xffffffff00000007ull, 0);
	assert_int_equal(res.exit, VPSCI_EXIT_SYSTEM_EVENT);
	assert_int_equal(r.last_ev.entry.pc, ENTRY_OK);
	assert_int_equal(r.last_ev.entry.context_id, 7);
	assert_true(r.last_ev.entry.aarch32);
	assert_true(r.last_ev.entry.thumb);
	assert_result_event(&res, &r);
	vpsci_destroy(vm);
}

/* SYSTEM_OFF while a SYSTEM_SUSPEND is pending is DENIED too; system_wake after OFF is not. */
static void test_system_event_interplay(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_3, 2);
	t.cfg.flags = VPSCI_CFG_SYSTEM_SUSPEND;
	rec_init(&r);
	vm = mkvm(&t, &r);
	assert_int_equal(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_SYSTEM_SUSPEND), ENTRY_OK, 0, 0).exit,
			 VPSCI_EXIT_SYSTEM_EVENT);
	assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_OFF), 0, 0, 0), VPSCI_RET_DENIED);
	assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_OFF2), 1, 0, 0), VPSCI_RET_DENIED);
	assert_int_equal(atomic_load(&r.event_calls), 1);
	assert_int_equal(vpsci_system_wake(vm), VPSCI_OK);
	assert_res(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_OFF2), 1, 0, 0),
		   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_SYSTEM_EVENT);
	assert_int_equal(vpsci_system_wake(vm), VPSCI_E_STATE);
	assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_SYSTEM_SUSPEND), ENTRY_OK, 0, 0),
		    VPSCI_RET_DENIED);
	assert_int_equal(atomic_load(&r.event_calls), 2);
	assert_true(vpsci_system_wake(NULL) < 0);
	vpsci_destroy(vm);
}

/* SYSTEM_SUSPEND from a caller that is not ON (here everyone is off): DENIED. */
static void test_system_suspend_caller_not_on(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_0, 2);
	t.cfg.flags = VPSCI_CFG_SYSTEM_SUSPEND;
	rec_init(&r);
	vm = mkvm(&t, &r);
	assert_res(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_CPU_OFF), 0, 0, 0),
		   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_OFF);
	assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_SYSTEM_SUSPEND), ENTRY_OK, 0, 0),
		    VPSCI_RET_DENIED);
	assert_cont(tcall(vm, 1, VPSCI_FN64(VPSCI_FN_SYSTEM_SUSPEND), ENTRY_OK, 0, 0),
		    VPSCI_RET_DENIED);
	assert_int_equal(atomic_load(&r.event_calls), 0);
	assert_int_equal(vpsci_vcpu_state(vm, 0), VPSCI_VCPU_OFF);
	vpsci_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_system_off_reset),
		cmocka_unit_test(test_system_off_other_caller),
		cmocka_unit_test(test_system_reset2),
		cmocka_unit_test(test_system_reset2_no_vendor),
		cmocka_unit_test(test_system_off2),
		cmocka_unit_test(test_system_suspend),
		cmocka_unit_test(test_system_suspend_aarch32),
		cmocka_unit_test(test_system_event_interplay),
		cmocka_unit_test(test_system_suspend_caller_not_on),
	};

	return cmocka_run_group_tests_name("system", tests, NULL, NULL);
}
