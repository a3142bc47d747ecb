// SPDX-License-Identifier: BSD-2-Clause
/*
 * The optional functions of issue 6, through the public API: configuration
 * rules of the hierarchy, the composite power_state matrix in both formats,
 * vpsci_power_state(), CPU_DEFAULT_SUSPEND, platform-coordinated and
 * OS-initiated coordination, PSCI_SET_SUSPEND_MODE's switching rules,
 * NODE_HW_STATE, CPU_FREEZE, PSCI_STAT_* with a fake clock, MEM_PROTECT and
 * MEM_PROTECT_CHECK_RANGE, SMC32 against SMC64.
 */
#include <string.h>

#include "helpers.h"

#define INV	VPSCI_RET_INVALID_PARAMETERS
#define RR	(VPSCI_PD_RETENTION | VPSCI_PD_OFF)
#define R	VPSCI_LOCAL_RETENTION
#define O	VPSCI_LOCAL_OFF

static const uint32_t fn_suspend = VPSCI_FN64(VPSCI_FN_CPU_SUSPEND);

/* A VM with a hierarchy: 1.1, nr vCPUs, default MPIDRs (16 per cluster). */
static struct vpsci_vm *pd_vm(struct tcfg *t, struct rec *r, uint32_t nr, uint32_t levels,
			      uint8_t states, uint32_t flags)
{
	tcfg_init(t, VPSCI_VERSION_1_1, nr);
	tcfg_set_pd(t, levels, states, flags);
	rec_init(r);
	return mkvm(t, r);
}

/* Two clusters of two: vCPUs 0, 1 in cluster 0 (Aff1 0), 2, 3 in cluster 1. */
static const uint64_t two_by_two[] = { 0x0, 0x1, 0x100, 0x101 };

static struct vpsci_vm *cluster_vm(struct tcfg *t, struct rec *r, uint32_t levels, uint32_t flags)
{
	tcfg_init(t, VPSCI_VERSION_1_1, 4);
	tcfg_set_mpidrs(t, two_by_two, 4);
	tcfg_set_pd(t, levels, RR, flags);
	rec_init(r);
	return mkvm(t, r);
}

static uint32_t ps_of(struct vpsci_vm *vm, unsigned int cpu, unsigned int cl, unsigned int sy)
{
	uint32_t ps = 0;

	assert_int_equal(vpsci_power_state(vm, cpu, cl, sy, &ps), VPSCI_OK);
	return ps;
}

/* vCPU 'v' suspends into the composite; expect x0 'code'. */
static void suspend_to(struct vpsci_vm *vm, uint32_t v, unsigned int cpu, unsigned int cl,
		       unsigned int sy, int32_t code)
{
	struct vpsci_result res = tcall(vm, v, fn_suspend, ps_of(vm, cpu, cl, sy), ENTRY_OK, v);

	assert_res(res, code, code ? VPSCI_EXIT_CONTINUE : VPSCI_EXIT_SUSPEND);
}

static void cpu_off(struct vpsci_vm *vm, uint32_t v)
{
	assert_res(tcall(vm, v, VPSCI_FN32(VPSCI_FN_CPU_OFF), 0, 0, 0),
		   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_OFF);
}

static int32_t node_hw(struct vpsci_vm *vm, uint32_t caller, uint64_t mpidr, uint64_t level)
{
	return (int32_t)tcall(vm, caller, VPSCI_FN64(VPSCI_FN_NODE_HW_STATE), mpidr, level, 0).x[0];
}

static int32_t set_mode(struct vpsci_vm *vm, uint32_t caller, uint64_t mode)
{
	return (int32_t)tcall(vm, caller, VPSCI_FN32(VPSCI_FN_PSCI_SET_SUSPEND_MODE), mode, 0,
			      0).x[0];
}

/* ---- Configuration ---------------------------------------------------- */

static void expect_create(const struct tcfg *t, const struct vpsci_ops *ops, int err)
{
	struct rec r;
	struct vpsci_vm *vm = NULL;

	rec_init(&r);
	assert_int_equal(vpsci_create(&t->cfg, ops, &r, &vm), err);
	if (!err)
		vpsci_destroy(vm);
	else
		assert_null(vm);
}

static void test_config_rules(void **state)
{
	static const uint32_t flags_1_0[] = {
		VPSCI_CFG_EXT_STATEID, VPSCI_CFG_FREEZE, VPSCI_CFG_DEFAULT_SUSPEND,
		VPSCI_CFG_NODE_HW_STATE, VPSCI_CFG_OSI, VPSCI_CFG_STAT,
	};
	struct vpsci_ops no_clock = rec_ops;
	struct tcfg t;

	(void)state;
	no_clock.now_us = NULL;
	/* Every new flag needs 1.0 (MEM_PROTECT 1.1). */
	for (int vi = 0; vi < NR_VERSIONS; vi++) {
		uint32_t v = all_versions[vi];

		for (size_t i = 0; i < sizeof(flags_1_0) / sizeof(flags_1_0[0]); i++) {
			tcfg_init(&t, v, 2);
			tcfg_set_pd(&t, 2, RR, flags_1_0[i]);
			expect_create(&t, &rec_ops,
				      v < VPSCI_VERSION_1_0 ? VPSCI_E_INVAL : VPSCI_OK);
		}
		tcfg_init(&t, v, 2);
		t.cfg.flags = VPSCI_CFG_MEM_PROTECT;
		expect_create(&t, &rec_ops, v < VPSCI_VERSION_1_1 ? VPSCI_E_INVAL : VPSCI_OK);
		/* a hierarchy alone is fine under any version */
		tcfg_init(&t, v, 2);
		tcfg_set_pd(&t, 3, RR, 0);
		expect_create(&t, &rec_ops, VPSCI_OK);
	}
	/* levels and states */
	tcfg_init(&t, VPSCI_VERSION_1_0, 2);
	tcfg_set_pd(&t, 3, VPSCI_PD_OFF, 0);
	expect_create(&t, &rec_ops, VPSCI_OK);
	t.cfg.pd_levels = 4;
	expect_create(&t, &rec_ops, VPSCI_E_INVAL);
	t.cfg.pd_levels = UINT32_MAX;
	expect_create(&t, &rec_ops, VPSCI_E_INVAL);
	for (uint32_t l = 0; l < 3; l++) {
		tcfg_set_pd(&t, 3, RR, 0);
		t.cfg.pd_states[l] = 0;			/* empty */
		expect_create(&t, &rec_ops, VPSCI_E_INVAL);
		t.cfg.pd_states[l] = 1;			/* RUN is no state to offer */
		expect_create(&t, &rec_ops, VPSCI_E_INVAL);
		t.cfg.pd_states[l] = RR | 8;
		expect_create(&t, &rec_ops, VPSCI_E_INVAL);
		tcfg_set_pd(&t, l, RR, 0);
		t.cfg.pd_states[l] = VPSCI_PD_OFF;	/* an unused level offers nothing */
		expect_create(&t, &rec_ops, VPSCI_E_INVAL);
	}
	/* OSI needs two levels; STAT one level and a clock */
	tcfg_set_pd(&t, 1, RR, VPSCI_CFG_OSI);
	expect_create(&t, &rec_ops, VPSCI_E_INVAL);
	tcfg_set_pd(&t, 2, RR, VPSCI_CFG_OSI);
	expect_create(&t, &rec_ops, VPSCI_OK);
	tcfg_set_pd(&t, 0, 0, VPSCI_CFG_STAT);
	expect_create(&t, &rec_ops, VPSCI_E_INVAL);
	tcfg_set_pd(&t, 1, VPSCI_PD_RETENTION, VPSCI_CFG_STAT);
	expect_create(&t, &rec_ops, VPSCI_OK);
	expect_create(&t, &no_clock, VPSCI_E_INVAL);
	tcfg_set_pd(&t, 1, VPSCI_PD_RETENTION, 0);
	expect_create(&t, &no_clock, VPSCI_OK);
}

/* ---- Composite power_state matrix ------------------------------------- */

/* The rules of include/vpsci/vpsci.h, written out independently of the engine. */
static int32_t ref_validate(uint32_t levels, const uint8_t *st, bool ext, uint32_t ps)
{
	uint32_t id, type, plevel = 0, loc[3], highest = 0;

	if (ext) {
		if (ps & 0xb0000000u)
			return INV;
		id = ps & 0x0fffffffu;
		type = (ps >> 30) & 1;
	} else {
		if (ps & 0xfcfe0000u)
			return INV;
		id = ps & 0xffffu;
		type = (ps >> 16) & 1;
		plevel = (ps >> 24) & 3;
	}
	if (levels == 0)
		return (!ext && plevel > 2) ? INV : 0;
	if (id >> (4 * levels))
		return INV;
	for (uint32_t l = 0; l < 3; l++)
		loc[l] = (id >> (4 * l)) & 0xf;
	for (uint32_t l = 0; l < levels; l++) {
		if (loc[l] > 2)
			return INV;
		if (loc[l] && !(st[l] & (1u << loc[l])))
			return INV;
		if (l && loc[l] > loc[l - 1])
			return INV;
		if (loc[l])
			highest = l;
	}
	if (loc[0] == 0)
		return INV;
	if (type != (loc[0] == 2))
		return INV;
	if (!ext && plevel != highest)
		return INV;
	return 0;
}

static void test_composite_matrix(void **state)
{
	static const uint8_t shapes[][3] = {
		{ RR, RR, RR }, { VPSCI_PD_RETENTION, RR, RR }, { VPSCI_PD_OFF, VPSCI_PD_OFF, RR },
		{ RR, VPSCI_PD_RETENTION, VPSCI_PD_OFF }, { VPSCI_PD_OFF, VPSCI_PD_RETENTION, 0 },
	};
	unsigned int checked = 0, accepted = 0;

	(void)state;
	for (uint32_t levels = 0; levels <= 3; levels++)
	for (size_t sh = 0; sh < sizeof(shapes) / sizeof(shapes[0]); sh++)
	for (int ext = 0; ext < 2; ext++) {
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm;

		if (levels == 0 && sh)
			continue;
		tcfg_init(&t, VPSCI_VERSION_1_0, 2);
		t.cfg.pd_levels = levels;
		for (uint32_t l = 0; l < levels; l++)
			t.cfg.pd_states[l] = shapes[sh][l];
		if (levels == 3 && !shapes[sh][2])
			continue;
		t.cfg.flags = ext ? VPSCI_CFG_EXT_STATEID : 0;
		rec_init(&r);
		vm = mkvm(&t, &r);
		for (uint32_t id = 0; id < 0x1000; id++)
		for (uint32_t type = 0; type < 2; type++)
		for (uint32_t pl = 0; pl < (ext ? 1u : 4u); pl++) {
			uint32_t ps;
			int32_t want;
			struct vpsci_result res;

			/* locals 0..3 at each level, plus one bit above: 5 values per nibble */
			if ((id & 0xf) > 4 || ((id >> 4) & 0xf) > 4 || ((id >> 8) & 0xf) > 4)
				continue;
			ps = id | (ext ? type << 30 : type << 16 | pl << 24);
			want = ref_validate(levels, t.cfg.pd_states, ext, ps);
			res = tcall(vm, 0, fn_suspend, ps, ENTRY_OK, 0);
			checked++;
			if (want) {
				assert_cont(res, want);
				continue;
			}
			accepted++;
			assert_res(res, 0, VPSCI_EXIT_SUSPEND);
			assert_int_equal(res.power_state, ps);
			assert_int_equal(res.powerdown, type);
			assert_int_equal(res.entry.pc, type ? ENTRY_OK : 0);
			assert_int_equal(vpsci_vcpu_wake(vm, 0), VPSCI_OK);
		}
		/* reserved bits, one at a time, on a state that is otherwise valid */
		for (uint32_t b = 0; b < 32; b++) {
			unsigned int cpu = (t.cfg.pd_states[0] & VPSCI_PD_OFF) ? O : R;
			uint32_t base = levels ? ps_of(vm, cpu, 0, 0) : 0;
			uint32_t ps = base | (1u << b);

			if (!(1u << b & (ext ? 0xb0000000u : 0xfcfe0000u)))
				continue;
			assert_cont(tcall(vm, 0, fn_suspend, ps, ENTRY_OK, 0), INV);
			checked++;
		}
		vpsci_destroy(vm);
	}
	print_message("composite matrix: %u power_states checked, %u accepted\n", checked,
		      accepted);
}

/* The extended format ignores the original format's fields; SMC32 narrows. */
static void test_formats(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;
	struct vpsci_result res;

	(void)state;
	/* no hierarchy, extended: bit 16 and bits 25:24 are StateID, bit 30 power-down */
	vm = pd_vm(&t, &r, 2, 0, 0, VPSCI_CFG_EXT_STATEID);
	res = tcall(vm, 0, fn_suspend, 0x03010000u, 0, 0);
	assert_res(res, 0, VPSCI_EXIT_SUSPEND);
	assert_false(res.powerdown);
	assert_int_equal(vpsci_vcpu_wake(vm, 0), 0);
	assert_cont(tcall(vm, 0, fn_suspend, 0x40000000u, ENTRY_BAD, 0),
		    VPSCI_RET_INVALID_ADDRESS);
	res = tcall(vm, 0, fn_suspend, 0x4fffffffu, ENTRY_OK, 5);
	assert_res(res, 0, VPSCI_EXIT_SUSPEND);
	assert_true(res.powerdown);
	assert_int_equal(res.entry.context_id, 5);
	assert_int_equal(vpsci_vcpu_wake(vm, 0), 0);
	assert_cont(tcall(vm, 0, fn_suspend, 0x10000000u, 0, 0), INV);
	assert_cont(tcall(vm, 0, fn_suspend, 0x80000000u, 0, 0), INV);
	/* the upper half of an SMC32 power_state is ignored, of an SMC64 one too (32-bit) */
	res = tcall(vm, 0, VPSCI_FN32(VPSCI_FN_CPU_SUSPEND), 0xffffffff00000001ull, 0, 0);
	assert_res(res, 0, VPSCI_EXIT_SUSPEND);
	assert_int_equal(vpsci_vcpu_wake(vm, 0), 0);
	vpsci_destroy(vm);

	/* original format, no hierarchy: PowerLevel 3 is the only invalid field */
	vm = pd_vm(&t, &r, 2, 0, 0, 0);
	assert_cont(tcall(vm, 0, fn_suspend, 0x03000000u, 0, 0), INV);
	res = tcall(vm, 0, fn_suspend, 0x0200ffffu, 0, 0);
	assert_res(res, 0, VPSCI_EXIT_SUSPEND);
	assert_int_equal(vpsci_vcpu_wake(vm, 0), 0);
	vpsci_destroy(vm);
}

static void test_power_state_api(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;
	uint32_t ps = 0;

	(void)state;
	for (int ext = 0; ext < 2; ext++) {
		vm = pd_vm(&t, &r, 2, 3, RR, ext ? VPSCI_CFG_EXT_STATEID : 0);
		assert_int_equal(ps_of(vm, R, 0, 0), 0x001u);
		assert_int_equal(ps_of(vm, O, 0, 0), ext ? 0x40000002u : 0x00010002u);
		assert_int_equal(ps_of(vm, O, R, 0), ext ? 0x40000012u : 0x01010012u);
		assert_int_equal(ps_of(vm, R, R, R), ext ? 0x111u : 0x02000111u);
		assert_int_equal(ps_of(vm, O, O, O), ext ? 0x40000222u : 0x02010222u);
		assert_int_equal(vpsci_power_state(vm, 0, 0, 0, &ps), VPSCI_E_INVAL);
		assert_int_equal(vpsci_power_state(vm, R, O, 0, &ps), VPSCI_E_INVAL);
		assert_int_equal(vpsci_power_state(vm, O, 0, R, &ps), VPSCI_E_INVAL);
		assert_int_equal(vpsci_power_state(vm, 3, 0, 0, &ps), VPSCI_E_INVAL);
		assert_int_equal(vpsci_power_state(vm, R, 3, 0, &ps), VPSCI_E_INVAL);
		assert_int_equal(vpsci_power_state(vm, R, 0, 3, &ps), VPSCI_E_INVAL);
		assert_int_equal(vpsci_power_state(vm, R, 0, 0, NULL), VPSCI_E_INVAL);
		assert_int_equal(vpsci_power_state(NULL, R, 0, 0, &ps), VPSCI_E_INVAL);
		vpsci_destroy(vm);
	}
	/* a level's missing state; a missing level; no hierarchy at all */
	vm = pd_vm(&t, &r, 2, 2, VPSCI_PD_OFF, 0);
	assert_int_equal(vpsci_power_state(vm, R, 0, 0, &ps), VPSCI_E_INVAL);
	assert_int_equal(vpsci_power_state(vm, O, R, 0, &ps), VPSCI_E_INVAL);
	assert_int_equal(vpsci_power_state(vm, O, O, O, &ps), VPSCI_E_INVAL);
	assert_int_equal(ps_of(vm, O, O, 0), 0x01010022u);
	vpsci_destroy(vm);
	vm = pd_vm(&t, &r, 2, 0, 0, 0);
	assert_int_equal(vpsci_power_state(vm, O, 0, 0, &ps), VPSCI_E_INVAL);
	vpsci_destroy(vm);
}

/* DEN0022 5.17: the deepest CPU state, higher levels RUN. */
static void test_default_suspend(void **state)
{
	static const struct { uint32_t levels; uint8_t st; bool ext; uint32_t ps; bool pd; } c[] = {
		{ 0, 0, false, 0x00010000u, true },
		{ 0, 0, true, 0x40000000u, true },
		{ 2, RR, false, 0x00010002u, true },
		{ 3, RR, true, 0x40000002u, true },
		{ 1, VPSCI_PD_RETENTION, false, 0x1u, false },
	};
	const uint32_t fid = VPSCI_FN64(VPSCI_FN_CPU_DEFAULT_SUSPEND);

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm = pd_vm(&t, &r, 2, c[i].levels, c[i].st,
					    VPSCI_CFG_DEFAULT_SUSPEND |
					    (c[i].ext ? VPSCI_CFG_EXT_STATEID : 0));
		struct vpsci_result res = tcall(vm, 0, fid, ENTRY_HI, CTX_ID, 0);

		assert_res(res, 0, VPSCI_EXIT_SUSPEND);
		assert_int_equal(res.power_state, c[i].ps);
		assert_int_equal(res.powerdown, c[i].pd);
		assert_int_equal(res.entry.pc, c[i].pd ? ENTRY_HI : 0);
		assert_int_equal(res.entry.context_id, c[i].pd ? CTX_ID : 0);
		assert_int_equal(vpsci_vcpu_wake(vm, 0), 0);
		/* a bad entry matters exactly when the state powers down */
		res = tcall(vm, 0, fid, ENTRY_BAD, 0, 0);
		if (c[i].pd) {
			assert_cont(res, VPSCI_RET_INVALID_ADDRESS);
		} else {
			assert_res(res, 0, VPSCI_EXIT_SUSPEND);
			assert_int_equal(vpsci_vcpu_wake(vm, 0), 0);
		}
		/* SMC32: entry narrowed to its low half */
		res = tcall(vm, 0, VPSCI_FN32(VPSCI_FN_CPU_DEFAULT_SUSPEND),
			    0xabcd000000000000ull | ENTRY_OK, 0xffffffff00000007ull, 0);
		assert_res(res, 0, VPSCI_EXIT_SUSPEND);
		if (c[i].pd) {
			assert_int_equal(res.entry.pc, ENTRY_OK);
			assert_int_equal(res.entry.context_id, 7);
		}
		vpsci_destroy(vm);
	}
}

/* ---- Coordination ----------------------------------------------------- */

/* PC mode: a request is a vote; the node enters the shallowest vote. Never DENIED. */
static void test_pc_coordination(void **state)
{
	const uint64_t c0 = 0x0, c1 = 0x100;
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = cluster_vm(&t, &r, 3, VPSCI_CFG_NODE_HW_STATE | VPSCI_CFG_STAT);

	(void)state;
	power_on(vm, 0, 1);
	power_on(vm, 0, 2);
	/* vCPU 1 asks for cluster OFF while vCPU 0 runs: enters CPU OFF only */
	suspend_to(vm, 1, O, O, 0, 0);
	assert_int_equal(node_hw(vm, 0, 1, 0), VPSCI_HW_OFF);
	assert_int_equal(node_hw(vm, 0, c0, 1), VPSCI_HW_ON);
	/* vCPU 0 asks for cluster retention: the cluster enters min(RET, OFF) = RET */
	suspend_to(vm, 0, O, R, 0, 0);
	assert_int_equal(node_hw(vm, 2, c0, 1), VPSCI_HW_STANDBY);
	assert_int_equal(node_hw(vm, 2, c0, 0), VPSCI_HW_OFF);
	assert_int_equal(node_hw(vm, 2, c1, 1), VPSCI_HW_ON);
	assert_int_equal(node_hw(vm, 2, c1, 2), VPSCI_HW_ON);
	/* what each entered, seen by STAT once they wake */
	assert_int_equal(vpsci_vcpu_wake(vm, 1), 0);
	assert_int_equal(vpsci_vcpu_wake(vm, 0), 0);
	assert_int_equal(tcall(vm, 2, VPSCI_FN64(VPSCI_FN_PSCI_STAT_COUNT), 1,
			       ps_of(vm, O, 0, 0), 0).x[0], 1);
	assert_int_equal(tcall(vm, 2, VPSCI_FN64(VPSCI_FN_PSCI_STAT_COUNT), 1,
			       ps_of(vm, O, O, 0), 0).x[0], 0);
	assert_int_equal(tcall(vm, 2, VPSCI_FN64(VPSCI_FN_PSCI_STAT_COUNT), 0,
			       ps_of(vm, O, R, 0), 0).x[0], 1);
	/* vCPU 3 is off (votes OFF): vCPU 2 alone in cluster 1 gets system RUN only */
	suspend_to(vm, 2, O, O, O, 0);
	assert_int_equal(node_hw(vm, 0, c1, 1), VPSCI_HW_OFF);
	assert_int_equal(node_hw(vm, 0, c1, 2), VPSCI_HW_ON);
	assert_int_equal(vpsci_vcpu_wake(vm, 2), 0);
	assert_int_equal(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_PSCI_STAT_COUNT), c1,
			       ps_of(vm, O, O, 0), 0).x[0], 1);
	/* everybody down: the system enters the shallowest vote */
	suspend_to(vm, 2, O, O, O, 0);
	suspend_to(vm, 1, O, O, R, 0);
	assert_int_equal(node_hw(vm, 0, c0, 2), VPSCI_HW_ON);
	suspend_to(vm, 0, O, O, O, 0);
	assert_int_equal(vpsci_vcpu_wake(vm, 0), 0);
	assert_int_equal(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_PSCI_STAT_COUNT), 0,
			       ps_of(vm, O, O, R), 0).x[0], 1);
	vpsci_destroy(vm);
}

/* DEN0022 5.20: the switching rules; back to PC on reset. */
static void test_set_suspend_mode(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = cluster_vm(&t, &r, 2, VPSCI_CFG_OSI);

	(void)state;
	assert_int_equal(set_mode(vm, 0, 2), INV);
	assert_int_equal(set_mode(vm, 0, 0x100000001ull), VPSCI_RET_SUCCESS);	/* narrowed: 1 */
	assert_int_equal(vpsci_suspend_mode(vm), VPSCI_SUSPEND_MODE_OSI);
	/* caller alone: OSI -> PC, same mode */
	assert_int_equal(set_mode(vm, 0, 0), VPSCI_RET_SUCCESS);
	assert_int_equal(set_mode(vm, 0, 0), VPSCI_RET_SUCCESS);
	assert_int_equal(vpsci_suspend_mode(vm), VPSCI_SUSPEND_MODE_PC);
	/* some on, some off: PC -> OSI denied */
	power_on(vm, 0, 1);
	assert_int_equal(set_mode(vm, 0, 1), VPSCI_RET_DENIED);
	/* all on (one suspended counts as on): allowed */
	power_on(vm, 0, 2);
	power_on(vm, 0, 3);
	suspend_to(vm, 3, R, 0, 0, 0);
	assert_int_equal(set_mode(vm, 0, 1), VPSCI_RET_SUCCESS);
	assert_int_equal(set_mode(vm, 1, 1), VPSCI_RET_SUCCESS);
	/* OSI -> PC while others are on: denied, until the caller is the last */
	assert_int_equal(set_mode(vm, 0, 0), VPSCI_RET_DENIED);
	assert_int_equal(vpsci_vcpu_wake(vm, 3), 0);
	cpu_off(vm, 1);
	cpu_off(vm, 2);
	assert_int_equal(set_mode(vm, 0, 0), VPSCI_RET_DENIED);
	cpu_off(vm, 3);
	assert_int_equal(set_mode(vm, 0, 0), VPSCI_RET_SUCCESS);
	assert_int_equal(set_mode(vm, 0, 1), VPSCI_RET_SUCCESS);
	assert_int_equal(vpsci_reset(vm), VPSCI_OK);
	assert_int_equal(vpsci_suspend_mode(vm), VPSCI_SUSPEND_MODE_PC);
	vpsci_destroy(vm);
}

/*
 * OSI (DEN0022 5.3): the caller must be the last running CPU of every node
 * it powers down (else DENIED), and the others must be in compatible states
 * (else INVALID_PARAMETERS).
 */
static void test_osi_suspend(void **state)
{
	const uint64_t c0 = 0x0, c1 = 0x100;
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = cluster_vm(&t, &r, 3, VPSCI_CFG_OSI | VPSCI_CFG_NODE_HW_STATE |
					 VPSCI_CFG_STAT);

	(void)state;
	for (uint32_t i = 1; i < 4; i++)
		power_on(vm, 0, i);
	assert_int_equal(set_mode(vm, 0, 1), VPSCI_RET_SUCCESS);
	/* a sibling runs: DENIED; CPU-only states are always fine */
	suspend_to(vm, 1, O, O, 0, VPSCI_RET_DENIED);
	suspend_to(vm, 1, O, 0, 0, 0);
	/* sibling 1 is in CPU OFF: cluster RET or OFF for vCPU 0 */
	suspend_to(vm, 0, O, O, 0, 0);
	assert_int_equal(node_hw(vm, 2, c0, 1), VPSCI_HW_OFF);
	assert_int_equal(vpsci_vcpu_wake(vm, 0), 0);
	assert_int_equal(node_hw(vm, 2, c0, 1), VPSCI_HW_ON);
	/* OSI enters what was asked: STAT counts the composite itself */
	assert_int_equal(tcall(vm, 2, VPSCI_FN64(VPSCI_FN_PSCI_STAT_COUNT), 0,
			       ps_of(vm, O, O, 0), 0).x[0], 1);
	/* sibling in CPU retention: cluster OFF is incompatible, cluster RET is not */
	assert_int_equal(vpsci_vcpu_wake(vm, 1), 0);
	suspend_to(vm, 1, R, 0, 0, 0);
	suspend_to(vm, 0, O, O, 0, INV);
	suspend_to(vm, 0, O, R, 0, 0);
	assert_int_equal(node_hw(vm, 2, c0, 1), VPSCI_HW_STANDBY);
	/* system level: cluster 1 runs -> DENIED */
	assert_int_equal(vpsci_vcpu_wake(vm, 0), 0);
	suspend_to(vm, 0, O, R, R, VPSCI_RET_DENIED);
	/* cluster 1 down at CPU level only: its cluster state is RUN -> incompatible */
	suspend_to(vm, 3, O, 0, 0, 0);
	suspend_to(vm, 2, O, 0, 0, 0);
	assert_int_equal(node_hw(vm, 0, c1, 1), VPSCI_HW_ON);
	suspend_to(vm, 0, O, R, R, INV);
	/* cluster 1 in OFF by its last CPU: system RET fine */
	assert_int_equal(vpsci_vcpu_wake(vm, 2), 0);
	suspend_to(vm, 2, O, O, 0, 0);
	assert_int_equal(node_hw(vm, 0, c1, 1), VPSCI_HW_OFF);
	suspend_to(vm, 0, O, R, R, 0);
	assert_int_equal(node_hw(vm, 0, c1, 2), VPSCI_HW_STANDBY);
	assert_int_equal(vpsci_vcpu_wake(vm, 0), 0);
	/* an OFF CPU is compatible with anything */
	assert_int_equal(vpsci_vcpu_wake(vm, 1), 0);
	cpu_off(vm, 1);
	suspend_to(vm, 0, O, O, R, 0);
	vpsci_destroy(vm);
}

/* ---- NODE_HW_STATE, CPU_FREEZE ------------------------------------------ */

static void test_node_hw_state(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;

	(void)state;
	/* no hierarchy: levels 0..2; StateType decides level 0 */
	vm = pd_vm(&t, &r, 20, 0, 0, VPSCI_CFG_NODE_HW_STATE);
	assert_int_equal(node_hw(vm, 0, 0, 0), VPSCI_HW_ON);
	assert_int_equal(node_hw(vm, 0, 1, 0), VPSCI_HW_OFF);
	assert_int_equal(node_hw(vm, 0, 0x100, 1), VPSCI_HW_OFF);	/* vCPUs 16..19 all off */
	/* the system holds vCPU 0 */
	assert_int_equal(node_hw(vm, 0, 0x100, 2), VPSCI_HW_ON);
	assert_int_equal(node_hw(vm, 0, 0, 3), INV);
	/* power_level is a 32-bit parameter, even for SMC64 */
	assert_int_equal(node_hw(vm, 0, 0, 0x100000000ull), VPSCI_HW_ON);
	assert_int_equal(node_hw(vm, 0, 0x200, 0), INV);		/* no such vCPU */
	assert_int_equal(node_hw(vm, 0, 0x1000000, 0), INV);	/* outside the affinity mask */
	assert_int_equal(node_hw(vm, 0, 0x8000000000ull | 0x100, 1), INV);
	power_on(vm, 0, 1);
	assert_res(tcall(vm, 1, fn_suspend, 0x0, 0, 0), 0, VPSCI_EXIT_SUSPEND);
	assert_int_equal(node_hw(vm, 0, 1, 0), VPSCI_HW_STANDBY);
	assert_int_equal(vpsci_vcpu_wake(vm, 1), 0);
	assert_res(tcall(vm, 1, fn_suspend, 0x01010000u, ENTRY_OK, 0), 0, VPSCI_EXIT_SUSPEND);
	assert_int_equal(node_hw(vm, 0, 1, 0), VPSCI_HW_OFF);
	/* SMC32: target narrowed */
	assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_NODE_HW_STATE), 0xffffffff00000001ull, 0, 0),
		    VPSCI_HW_OFF);
	vpsci_destroy(vm);

	/* with a hierarchy the top is pd_levels - 1 */
	vm = pd_vm(&t, &r, 2, 1, RR, VPSCI_CFG_NODE_HW_STATE);
	assert_int_equal(node_hw(vm, 0, 0, 1), INV);
	assert_int_equal(node_hw(vm, 0, 0, 0), VPSCI_HW_ON);
	vpsci_destroy(vm);
	vm = pd_vm(&t, &r, 2, 2, RR, VPSCI_CFG_NODE_HW_STATE);
	assert_int_equal(node_hw(vm, 0, 0, 2), INV);
	assert_int_equal(node_hw(vm, 0, 1, 1), VPSCI_HW_ON);
	vpsci_destroy(vm);
}

/* DEN0022 5.16: frozen is off until a CPU_ON; the last CPU may freeze too. */
static void test_cpu_freeze(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = pd_vm(&t, &r, 2, 2, RR, VPSCI_CFG_FREEZE | VPSCI_CFG_NODE_HW_STATE);
	const uint32_t fid = VPSCI_FN32(VPSCI_FN_CPU_FREEZE);

	(void)state;
	power_on(vm, 0, 1);
	assert_res(tcall(vm, 1, fid, 0, 0, 0), VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_OFF);
	assert_int_equal(vpsci_vcpu_state(vm, 1), VPSCI_VCPU_OFF);
	assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), 1, 0, 0), VPSCI_AFF_OFF);
	assert_int_equal(node_hw(vm, 0, 1, 0), VPSCI_HW_OFF);
	assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_CPU_FREEZE), 0, 0, 0),
		    VPSCI_RET_NOT_SUPPORTED);		/* no SMC64 form */
	power_on(vm, 0, 1);
	assert_int_equal(atomic_load(&r.on_count[1]), 2);
	assert_int_equal(node_hw(vm, 0, 1, 0), VPSCI_HW_ON);
	cpu_off(vm, 1);
	assert_res(tcall(vm, 0, fid, 0, 0, 0), VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_OFF);
	assert_int_equal(node_hw(vm, 0, 0, 1), VPSCI_HW_OFF);
	vpsci_destroy(vm);
}

/* ---- STAT --------------------------------------------------------------- */

static uint64_t stat(struct vpsci_vm *vm, uint32_t caller, bool res64, bool residency,
		     uint64_t target, uint64_t ps)
{
	uint32_t nn = residency ? VPSCI_FN_PSCI_STAT_RESIDENCY : VPSCI_FN_PSCI_STAT_COUNT;
	struct vpsci_result res = tcall(vm, caller, res64 ? VPSCI_FN64(nn) : VPSCI_FN32(nn),
					target, ps, 0);

	assert_int_equal(res.exit, VPSCI_EXIT_CONTINUE);
	return res.x[0];
}

static void test_stat(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = pd_vm(&t, &r, 2, 2, RR, VPSCI_CFG_STAT);
	uint32_t ret = ps_of(vm, R, 0, 0), off = ps_of(vm, O, 0, 0);

	(void)state;
	power_on(vm, 0, 1);
	atomic_store(&r.now_us, 1000);
	suspend_to(vm, 1, R, 0, 0, 0);
	/* not counted until the wake-up */
	assert_int_equal(stat(vm, 0, true, false, 1, ret), 0);
	atomic_store(&r.now_us, 1250);
	assert_int_equal(vpsci_vcpu_wake(vm, 1), 0);
	assert_int_equal(stat(vm, 0, true, false, 1, ret), 1);
	assert_int_equal(stat(vm, 0, true, true, 1, ret), 250);
	assert_int_equal(stat(vm, 1, false, true, 1, ret), 250);
	assert_int_equal(stat(vm, 0, true, false, 1, off), 0);
	assert_int_equal(stat(vm, 0, true, false, 0, ret), 0);
	/* a long power-down: 64 bits for SMC64, the low 32 for SMC32 */
	suspend_to(vm, 1, O, 0, 0, 0);
	atomic_store(&r.now_us, 1250 + 0x100000005ull);
	assert_int_equal(vpsci_vcpu_wake(vm, 1), 0);
	assert_int_equal(stat(vm, 0, true, true, 1, off), 0x100000005ull);
	assert_int_equal(stat(vm, 0, false, true, 1, off), 5);
	/* a clock that went backwards adds nothing */
	suspend_to(vm, 1, O, 0, 0, 0);
	atomic_store(&r.now_us, 10);
	assert_int_equal(vpsci_vcpu_wake(vm, 1), 0);
	assert_int_equal(stat(vm, 0, true, false, 1, off), 2);
	assert_int_equal(stat(vm, 0, true, true, 1, off), 0x100000005ull);
	/* bad target, bad power_state (a code, sign-extended) */
	assert_int_equal(stat(vm, 0, true, false, 7, off), RET(INV));
	assert_int_equal(stat(vm, 0, true, false, 0x1000000ull, off), RET(INV));
	assert_int_equal(stat(vm, 0, true, true, 1, 0), RET(INV));
	assert_int_equal(stat(vm, 0, true, true, 1, ps_of(vm, O, O, 0) | 0x4), RET(INV));
	assert_int_equal(stat(vm, 0, false, false, 1, off | 0x100000000ull), 2);
	/* reset starts again from zero */
	assert_int_equal(vpsci_reset(vm), VPSCI_OK);
	assert_int_equal(stat(vm, 0, true, false, 1, off), 0);
	vpsci_destroy(vm);
}

/* ---- MEM_PROTECT ---------------------------------------------------------- */

static void test_mem_protect(void **state)
{
	const uint32_t mp = VPSCI_FN32(VPSCI_FN_MEM_PROTECT);
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = pd_vm(&t, &r, 2, 0, 0, VPSCI_CFG_MEM_PROTECT);

	(void)state;
	assert_false(vpsci_mem_protect(vm));
	assert_cont(tcall(vm, 0, mp, 1, 0, 0), 0);
	assert_true(vpsci_mem_protect(vm));
	assert_cont(tcall(vm, 0, mp, 1, 0, 0), 1);
	assert_cont(tcall(vm, 0, mp, 2, 0, 0), INV);
	assert_cont(tcall(vm, 0, mp, 0x80000001u, 0, 0), INV);
	assert_true(vpsci_mem_protect(vm));
	assert_cont(tcall(vm, 0, mp, 0xffffffff00000000ull, 0, 0), 1);	/* narrowed: 0 */
	assert_false(vpsci_mem_protect(vm));
	assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_MEM_PROTECT), 1, 0, 0),
		    VPSCI_RET_NOT_SUPPORTED);
	/* survives SYSTEM_RESET and vpsci_reset */
	assert_cont(tcall(vm, 0, mp, 1, 0, 0), 0);
	assert_res(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_RESET), 0, 0, 0),
		   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_SYSTEM_EVENT);
	assert_true(r.mem_protect_at_event);
	assert_int_equal(vpsci_reset(vm), VPSCI_OK);
	assert_true(vpsci_mem_protect(vm));
	/* a vendor SYSTEM_RESET2 keeps it, an invalid one changes nothing */
	assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_RESET2), 5, 0, 0), INV);
	assert_true(vpsci_mem_protect(vm));
	assert_res(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_RESET2), R2_TYPE_A, 0, 0),
		   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_SYSTEM_EVENT);
	assert_true(r.mem_protect_at_event);
	assert_int_equal(vpsci_reset(vm), VPSCI_OK);
	/* a warm SYSTEM_RESET2 clears it before the host hears of the reset */
	assert_res(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_SYSTEM_RESET2), 0, 0, 0),
		   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_SYSTEM_EVENT);
	assert_false(r.mem_protect_at_event);
	assert_false(vpsci_mem_protect(vm));
	vpsci_destroy(vm);
}

static void test_mem_protect_check_range(void **state)
{
	static const struct { uint64_t base, len; int32_t ret; } c[] = {
		{ MEM_A_BASE, MEM_A_SIZE, 0 },
		{ MEM_A_BASE, MEM_A_SIZE + 1, VPSCI_RET_DENIED },
		{ MEM_A_BASE - 1, 2, VPSCI_RET_DENIED },
		{ MEM_A_BASE + MEM_A_SIZE - 1, 1, 0 },
		{ MEM_A_BASE + MEM_A_SIZE, 1, VPSCI_RET_DENIED },
		{ MEM_A_BASE, 0, VPSCI_RET_DENIED },
		{ MEM_B_BASE, MEM_B_SIZE, 0 },
		{ MEM_A_BASE + MEM_A_SIZE - 1, MEM_B_BASE, VPSCI_RET_DENIED },
		{ UINT64_MAX, 2, VPSCI_RET_DENIED },
		{ 2, UINT64_MAX, VPSCI_RET_DENIED },
		{ 0, 1, VPSCI_RET_DENIED },
	};
	const uint32_t f64 = VPSCI_FN64(VPSCI_FN_MEM_PROTECT_CHECK_RANGE);
	const uint32_t f32 = VPSCI_FN32(VPSCI_FN_MEM_PROTECT_CHECK_RANGE);
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = pd_vm(&t, &r, 2, 0, 0, VPSCI_CFG_MEM_PROTECT);

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		assert_cont(tcall(vm, 0, f64, c[i].base, c[i].len, 0), c[i].ret);
	/* SMC32: base and length narrowed (B lies above 4 GiB: its low half is 0) */
	assert_cont(tcall(vm, 0, f32, 0xdead000000000000ull | MEM_A_BASE,
			  0xffffffff00001000ull, 0), 0);
	assert_cont(tcall(vm, 0, f32, MEM_B_BASE, MEM_B_SIZE, 0), VPSCI_RET_DENIED);
	assert_cont(tcall32(vm, 0, f32, MEM_A_BASE, 0x10, 0), 0);
	assert_cont(tcall32(vm, 0, f64, MEM_A_BASE, 0x10, 0), VPSCI_RET_NOT_SUPPORTED);
	vpsci_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_rules),
		cmocka_unit_test(test_composite_matrix),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_power_state_api),
		cmocka_unit_test(test_default_suspend),
		cmocka_unit_test(test_pc_coordination),
		cmocka_unit_test(test_set_suspend_mode),
		cmocka_unit_test(test_osi_suspend),
		cmocka_unit_test(test_node_hw_state),
		cmocka_unit_test(test_cpu_freeze),
		cmocka_unit_test(test_stat),
		cmocka_unit_test(test_mem_protect),
		cmocka_unit_test(test_mem_protect_check_range),
	};

	return cmocka_run_group_tests_name("pd", tests, NULL, NULL);
}
