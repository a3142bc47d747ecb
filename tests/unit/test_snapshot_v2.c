// SPDX-License-Identifier: BSD-2-Clause
/*
 * Snapshot format 2 (docs/snapshot.md): the hierarchy, suspend mode,
 * MEM_PROTECT, per-vCPU composites, CPU_FREEZE and STAT counters survive a
 * round trip; a format 1 snapshot is still read (with defaults for what it
 * lacks); every new field is validated before anything is written.
 */
#include <string.h>

#include "helpers.h"

#define SNAP_MAX	(16 * 1024)
#define O_FMT		8
#define O_TOTAL		12
#define O_CRC		16
#define O_NRVCPU	24
#define O_NRMEM		48
#define O_NRR2		52
#define O_MEM		104
#define VCPU_REC	40
#define EXT_SIZE	16
#define VX_REC		24
/* extension block */
#define X_LEVELS	0
#define X_STATES	4
#define X_MODE		8
#define X_MEMP		12
/* per-vCPU extension record */
#define VX_REQ		0
#define VX_ENT		4
#define VX_FLAGS	8
#define VX_SEQ		12
#define VX_START	16

#define RR	(VPSCI_PD_RETENTION | VPSCI_PD_OFF)
#define R	VPSCI_LOCAL_RETENTION
#define O	VPSCI_LOCAL_OFF

struct snap {
	uint8_t buf[SNAP_MAX];
	size_t len;
};

static uint32_t get32(const uint8_t *b, size_t off)
{
	return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 | (uint32_t)b[off + 2] << 16 |
	       (uint32_t)b[off + 3] << 24;
}

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *b, size_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

static void fix_crc(uint8_t *b)
{
	put32(b, O_CRC, 0);
	put32(b, O_CRC, crc32_iso(b, get32(b, O_TOTAL)));
}

/* Start of the vCPU records, of the extension block, of vCPU i's extension, of STAT. */
static size_t vcpus_off(const uint8_t *b)
{
	size_t r2 = 4 * (size_t)get32(b, O_NRR2);

	return O_MEM + 16 * (size_t)get32(b, O_NRMEM) + ((r2 + 7) & ~(size_t)7);
}

static size_t ext_off(const uint8_t *b)
{
	return vcpus_off(b) + (size_t)get32(b, O_NRVCPU) * VCPU_REC;
}

static size_t vx_off(const uint8_t *b, uint32_t i)
{
	return ext_off(b) + EXT_SIZE + (size_t)i * VX_REC;
}

static void take(struct vpsci_vm *vm, struct snap *s)
{
	memset(s->buf, 0xee, sizeof(s->buf));
	assert_int_equal(vpsci_snapshot(vm, s->buf, sizeof(s->buf), &s->len), VPSCI_OK);
	assert_int_equal(s->len, vpsci_snapshot_size(vm));
}

static uint32_t ps_of(struct vpsci_vm *vm, unsigned int cpu, unsigned int cl, unsigned int sy)
{
	uint32_t ps = 0;

	assert_int_equal(vpsci_power_state(vm, cpu, cl, sy, &ps), VPSCI_OK);
	return ps;
}

static uint64_t stat_count(struct vpsci_vm *vm, uint32_t caller, uint64_t mpidr, uint32_t ps)
{
	return tcall(vm, caller, VPSCI_FN64(VPSCI_FN_PSCI_STAT_COUNT), mpidr, ps, 0).x[0];
}

/* Two clusters of two, three levels, every option. */
static const uint64_t mpidrs[] = { 0x0, 0x1, 0x100, 0x101 };

static void rich_cfg(struct tcfg *t)
{
	tcfg_init(t, VPSCI_VERSION_1_1, 4);
	tcfg_set_mpidrs(t, mpidrs, 4);
	tcfg_set_pd(t, 3, RR, VPSCI_CFG_ALL_FLAGS);
}

/*
 * A VM in every new state at once: OSI mode, protection on, vCPU 1 frozen,
 * vCPU 2 suspended in cluster retention, vCPU 3 suspended (CPU OFF), STAT
 * counters non-zero, a suspension start on record.
 */
static struct vpsci_vm *rich_vm(struct tcfg *t, struct rec *r)
{
	struct vpsci_vm *vm;

	rich_cfg(t);
	rec_init(r);
	vm = mkvm(t, r);
	for (uint32_t i = 1; i < 4; i++)
		power_on(vm, 0, i);
	atomic_store(&r->now_us, 100);
	assert_res(tcall(vm, 3, VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), ps_of(vm, R, 0, 0), 0, 0), 0,
		   VPSCI_EXIT_SUSPEND);
	atomic_store(&r->now_us, 160);
	assert_int_equal(vpsci_vcpu_wake(vm, 3), 0);
	assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_PSCI_SET_SUSPEND_MODE), 1, 0, 0), 0);
	assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_MEM_PROTECT), 1, 0, 0), 0);
	assert_res(tcall(vm, 1, VPSCI_FN32(VPSCI_FN_CPU_FREEZE), 0, 0, 0),
		   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_OFF);
	assert_res(tcall(vm, 3, VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), ps_of(vm, O, 0, 0), ENTRY_OK, 3),
		   0, VPSCI_EXIT_SUSPEND);
	atomic_store(&r->now_us, 200);
	assert_res(tcall(vm, 2, VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), ps_of(vm, O, R, 0), ENTRY_HI,
			 2), 0, VPSCI_EXIT_SUSPEND);
	return vm;
}

/* Format 2 round trip, both ways in; what comes back behaves the same. */
static void test_v2_round_trip(void **state)
{
	static struct snap a, b;
	struct tcfg t;
	struct rec r, r2;
	struct vpsci_vm *vm = rich_vm(&t, &r), *made = NULL, *dst;
	size_t x;

	(void)state;
	take(vm, &a);
	assert_int_equal(get32(a.buf, O_FMT) & 0xffff, 2);
	x = ext_off(a.buf);
	assert_int_equal(get32(a.buf, x + X_LEVELS), 3);
	assert_int_equal(get32(a.buf, x + X_STATES), RR | RR << 8 | RR << 16);
	assert_int_equal(get32(a.buf, x + X_MODE), 1);
	assert_int_equal(get32(a.buf, x + X_MEMP), 1);
	assert_int_equal(get32(a.buf, vx_off(a.buf, 1) + VX_FLAGS), 1);
	assert_int_equal(get32(a.buf, vx_off(a.buf, 2) + VX_REQ), 0x12);
	assert_int_equal(get32(a.buf, vx_off(a.buf, 2) + VX_ENT), 0x12);
	assert_int_equal(get32(a.buf, vx_off(a.buf, 2) + VX_START), 200);
	assert_int_equal(get32(a.buf, vx_off(a.buf, 3) + VX_REQ), 0x2);
	assert_int_equal(get32(a.buf, vx_off(a.buf, 0) + VX_SEQ), 0);
	assert_true(get32(a.buf, vx_off(a.buf, 2) + VX_SEQ) >
		    get32(a.buf, vx_off(a.buf, 3) + VX_SEQ));

	/* create from the snapshot: identical, and the state works */
	rec_init(&r2);
	assert_int_equal(vpsci_create_from_snapshot(a.buf, a.len, &rec_ops, &r2, &made),
			 VPSCI_OK);
	r2.vm = made;
	take(made, &b);
	assert_int_equal(b.len, a.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	assert_int_equal(vpsci_suspend_mode(made), VPSCI_SUSPEND_MODE_OSI);
	assert_true(vpsci_mem_protect(made));
	assert_int_equal(stat_count(made, 0, 0x101, ps_of(made, R, 0, 0)), 1);
	assert_int_equal(tcall(made, 0, VPSCI_FN64(VPSCI_FN_NODE_HW_STATE), 0x100, 1, 0).x[0],
			 VPSCI_HW_STANDBY);
	assert_int_equal(tcall(made, 0, VPSCI_FN64(VPSCI_FN_NODE_HW_STATE), 0x1, 0, 0).x[0],
			 VPSCI_HW_OFF);
	/* the recorded start time counts toward residency after the wake */
	atomic_store(&r2.now_us, 1200);
	assert_int_equal(vpsci_vcpu_wake(made, 2), 0);
	assert_int_equal(tcall(made, 0, VPSCI_FN64(VPSCI_FN_PSCI_STAT_RESIDENCY), 0x100,
			       ps_of(made, O, R, 0), 0).x[0], 1000);
	/* the frozen vCPU comes back through CPU_ON */
	power_on(made, 0, 1);
	vpsci_destroy(made);

	/* restore into an engine of the same config */
	rich_cfg(&t);
	rec_init(&r2);
	dst = mkvm(&t, &r2);
	assert_int_equal(vpsci_restore(dst, a.buf, a.len), VPSCI_OK);
	take(dst, &b);
	assert_memory_equal(a.buf, b.buf, a.len);
	/* a later suspension is numbered after the restored ones */
	assert_res(tcall(dst, 0, VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), ps_of(dst, R, 0, 0), 0, 0), 0,
		   VPSCI_EXIT_SUSPEND);
	take(dst, &b);
	assert_true(get32(b.buf, vx_off(b.buf, 0) + VX_SEQ) >
		    get32(b.buf, vx_off(b.buf, 2) + VX_SEQ));
	vpsci_destroy(dst);

	/* a different hierarchy is a different firmware */
	for (int k = 0; k < 2; k++) {
		rich_cfg(&t);
		if (k)
			t.cfg.pd_states[2] = VPSCI_PD_OFF;
		else
			tcfg_set_pd(&t, 2, RR, VPSCI_CFG_ALL_FLAGS);
		rec_init(&r2);
		dst = mkvm(&t, &r2);
		assert_int_equal(vpsci_restore(dst, a.buf, a.len), VPSCI_E_SNAP_MISMATCH);
		vpsci_destroy(dst);
	}
	vpsci_destroy(vm);
}

/* A format 1 snapshot (as the previous vpsci wrote it) is restored with defaults. */
static void test_v1_to_v2(void **state)
{
	static struct snap a, b, v1;
	struct tcfg t;
	struct rec r, r2;
	struct vpsci_vm *vm, *made = NULL;
	size_t v1_len;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_1, 3);
	t.cfg.flags = FLAGS_BASE;
	rec_init(&r);
	vm = mkvm(&t, &r);
	power_on(vm, 0, 1);
	power_on(vm, 0, 2);
	assert_res(tcall(vm, 1, VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), 0x01010005u, ENTRY_OK, 9), 0,
		   VPSCI_EXIT_SUSPEND);
	assert_res(tcall(vm, 2, VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), 0x3, 0, 0), 0,
		   VPSCI_EXIT_SUSPEND);
	take(vm, &a);
	/* format 1 is format 2 without the extension */
	v1_len = ext_off(a.buf);
	memcpy(v1.buf, a.buf, v1_len);
	v1.buf[O_FMT] = 1;
	put32(v1.buf, O_TOTAL, (uint32_t)v1_len);
	fix_crc(v1.buf);

	rec_init(&r2);
	assert_int_equal(vpsci_create_from_snapshot(v1.buf, v1_len, &rec_ops, &r2, &made),
			 VPSCI_OK);
	take(made, &b);
	/* the same state, but for the suspension numbers format 1 did not have */
	for (uint32_t i = 0; i < 3; i++) {
		put32(a.buf, vx_off(a.buf, i) + VX_SEQ, 0);
		put32(b.buf, vx_off(b.buf, i) + VX_SEQ, 0);
	}
	fix_crc(a.buf);
	fix_crc(b.buf);
	assert_int_equal(b.len, a.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	assert_int_equal(vpsci_vcpu_state(made, 1), VPSCI_VCPU_SUSPENDED);
	assert_int_equal(vpsci_suspend_mode(made), VPSCI_SUSPEND_MODE_PC);
	assert_false(vpsci_mem_protect(made));
	vpsci_destroy(made);
	/* and restored over an engine that was elsewhere */
	assert_int_equal(vpsci_vcpu_wake(vm, 1), 0);
	assert_int_equal(vpsci_restore(vm, v1.buf, v1_len), VPSCI_OK);
	assert_int_equal(vpsci_vcpu_state(vm, 1), VPSCI_VCPU_SUSPENDED);
	/* a format 1 snapshot cannot carry a field of format 2 */
	put32(v1.buf, O_TOTAL, (uint32_t)(v1_len + EXT_SIZE));
	fix_crc(v1.buf);
	assert_int_equal(vpsci_restore(vm, v1.buf, v1_len + EXT_SIZE), VPSCI_E_SNAP_CORRUPT);
	vpsci_destroy(vm);
}

/* Each new field with a value no engine writes: CORRUPT, and the engine untouched. */
static void test_v2_corrupt(void **state)
{
	static struct snap a, before, now;
	static uint8_t b[SNAP_MAX];
	struct tcfg t;
	struct rec r, r2;
	struct vpsci_vm *src = rich_vm(&t, &r), *vm;
	size_t x;
	int n = 0;

	(void)state;
	take(src, &a);
	x = ext_off(a.buf);
	rich_cfg(&t);
	rec_init(&r2);
	vm = mkvm(&t, &r2);
	take(vm, &before);
	for (int k = 0;; k++) {
		memcpy(b, a.buf, a.len);
		switch (k) {
		case 0: put32(b, x + X_LEVELS, 4); break;
		case 1: put32(b, x + X_LEVELS, 1); break;		/* OSI needs 2 */
		case 2: b[x + X_STATES + 3] = 1; break;			/* reserved byte */
		case 3: b[x + X_STATES + 1] = 8; break;			/* not a state */
		case 4: put32(b, x + X_MODE, 2); break;
		case 5: put32(b, x + X_MEMP, 2); break;
		case 6: put32(b, vx_off(b, 2) + VX_REQ, 0x22); break;	/* not its power_state */
		case 7: put32(b, vx_off(b, 2) + VX_ENT, 0x22); break;	/* deeper than asked */
		case 8: put32(b, vx_off(b, 2) + VX_ENT, 0x11); break;	/* not its CPU state */
		case 9: put32(b, vx_off(b, 2) + VX_ENT, 0x1002); break;	/* not a composite */
		case 10: put32(b, vx_off(b, 0) + VX_REQ, 1); break;	/* vCPU 0 is on */
		case 11: put32(b, vx_off(b, 0) + VX_SEQ, 1); break;
		case 12: put64(b, vx_off(b, 0) + VX_START, 1); break;
		case 13: put32(b, vx_off(b, 0) + VX_FLAGS, 1); break;	/* frozen but on */
		case 14: put32(b, vx_off(b, 1) + VX_FLAGS, 3); break;
		case 15: put32(b, vx_off(b, 1) + VX_ENT, 2); break;	/* off with a composite */
		default: k = -1; break;
		}
		if (k < 0)
			break;
		fix_crc(b);
		assert_int_equal(vpsci_restore(vm, b, a.len), VPSCI_E_SNAP_CORRUPT);
		take(vm, &now);
		assert_memory_equal(now.buf, before.buf, before.len);
		n++;
	}
	/* the STAT slots make the size: one byte less or more is corrupt */
	memcpy(b, a.buf, a.len);
	put32(b, O_TOTAL, (uint32_t)a.len - 16);
	fix_crc(b);
	assert_int_equal(vpsci_restore(vm, b, a.len), VPSCI_E_SNAP_CORRUPT);
	vpsci_destroy(vm);
	vpsci_destroy(src);

	/* options the config lacks: a mode, protection, a start time without STAT */
	tcfg_init(&t, VPSCI_VERSION_1_1, 2);
	tcfg_set_pd(&t, 1, RR, 0);
	rec_init(&r);
	src = mkvm(&t, &r);
	power_on(src, 0, 1);
	assert_res(tcall(src, 1, VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), 1, 0, 0), 0,
		   VPSCI_EXIT_SUSPEND);
	take(src, &a);
	x = ext_off(a.buf);
	for (int k = 0; k < 3; k++) {
		memcpy(b, a.buf, a.len);
		if (k == 0)
			put32(b, x + X_MODE, 1);
		else if (k == 1)
			put32(b, x + X_MEMP, 1);
		else
			put64(b, vx_off(b, 1) + VX_START, 5);
		fix_crc(b);
		assert_int_equal(vpsci_restore(src, b, a.len), VPSCI_E_SNAP_CORRUPT);
		n++;
	}
	assert_int_equal(vpsci_restore(src, a.buf, a.len), VPSCI_OK);
	vpsci_destroy(src);
	print_message("format 2 fields: %d corrupt values refused\n", n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2_round_trip),
		cmocka_unit_test(test_v1_to_v2),
		cmocka_unit_test(test_v2_corrupt),
	};

	return cmocka_run_group_tests_name("snapshot_v2", tests, NULL, NULL);
}
