// SPDX-License-Identifier: BSD-2-Clause
/*
 * Snapshot format (docs/snapshot.md) and decision 17: size, header,
 * round-trips through vpsci_restore() and vpsci_create_from_snapshot(),
 * configuration mismatches, and every kind of corruption (truncation, magic,
 * format version, any flipped byte, and invalid fields under a valid CRC),
 * each leaving the target engine untouched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define SNAP_MAX	(128 * 1024)
#define HDR_SIZE	32
#define CFG_SIZE	72
#define VCPU_REC	40
#define EXT_SIZE	16	/* format 2: extension block */
#define VX_REC		24	/* format 2: per-vCPU extension record */

/* Header and config offsets (docs/snapshot.md). */
#define O_MAGIC		0
#define O_FMT		8
#define O_HDRSZ		10
#define O_TOTAL		12
#define O_CRC		16
#define O_HFLAGS	20
#define O_NRVCPU	24
#define O_HRES		28
#define O_VERSION	32
#define O_CONDUIT	36
#define O_FLAGS		40
#define O_BOOT		44
#define O_NRMEM		48
#define O_NRR2		52
#define O_SYSSTATE	56
#define O_EVCALLER	60
#define O_EVTYPE	64
#define O_EVRTYPE	68
#define O_EVCOOKIE	72
#define O_EVPC		80
#define O_EVCTX		88
#define O_EVFLAGS	96
#define O_CRES		100
#define O_MEM		104
/* vCPU record fields */
#define V_MPIDR		0
#define V_STATE		8
#define V_FLAGS		12
#define V_PS		16
#define V_RES		20
#define V_PC		24
#define V_CTX		32

static uint32_t get32(const uint8_t *b, size_t off)
{
	return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 | (uint32_t)b[off + 2] << 16 |
	       (uint32_t)b[off + 3] << 24;
}

static void put16(uint8_t *b, size_t off, uint16_t v)
{
	b[off] = (uint8_t)v;
	b[off + 1] = (uint8_t)(v >> 8);
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

static size_t r2_off(const uint8_t *b)
{
	return O_MEM + 16 * (size_t)get32(b, O_NRMEM);
}

static size_t vcpu_off(const uint8_t *b, uint32_t i)
{
	size_t r2 = 4 * (size_t)get32(b, O_NRR2);

	return r2_off(b) + ((r2 + 7) & ~(size_t)7) + (size_t)i * VCPU_REC;
}

/* Recompute the CRC over 'total size' bytes, as an engine writing this would. */
static void fix_crc(uint8_t *b)
{
	uint32_t total = get32(b, O_TOTAL);

	put32(b, O_CRC, 0);
	put32(b, O_CRC, crc32_iso(b, total));
}

struct snap {
	uint8_t buf[SNAP_MAX];
	size_t len;
};

static void take(struct vpsci_vm *vm, struct snap *s)
{
	memset(s->buf, 0xee, sizeof(s->buf));
	s->len = 0;
	assert_int_equal(vpsci_snapshot(vm, s->buf, sizeof(s->buf), &s->len), VPSCI_OK);
	assert_int_equal(s->len, vpsci_snapshot_size(vm));
}

/* The engine's whole state is exactly what it was (its snapshot is byte-equal). */
static void assert_same_state(struct vpsci_vm *vm, const struct snap *before)
{
	static struct snap now;

	take(vm, &now);
	assert_int_equal(now.len, before->len);
	assert_memory_equal(now.buf, before->buf, now.len);
}

/*
 * The rich configuration: 1.1, SMC, both flags, 5 vCPUs over four affinity
 * levels, boot vCPU 0, regions A and B, three vendor reset types.
 */
static void rich_cfg(struct tcfg *t)
{
	static const uint64_t m[] = { 0x0, 0x1, 0x100, 0x10101, 0x100000000ull };

	tcfg_init(t, VPSCI_VERSION_1_1, 5);
	tcfg_set_mpidrs(t, m, 5);
	t->cfg.conduit = VPSCI_CONDUIT_SMC;
	t->cfg.flags = FLAGS_BASE;
}

/* vCPU 0, 1 on; 2 power-down suspended (AArch32, Thumb, BE); 3 standby; 4 off. */
static struct vpsci_vm *rich_vm(struct tcfg *t, struct rec *r)
{
	struct vpsci_vm *vm;
	struct vpsci_call c = {
		.size = sizeof(c),
		.x = { VPSCI_FN32(VPSCI_FN_CPU_SUSPEND), 0x01010005u, ENTRY_OK | 1, 0x77 },
		.conduit = VPSCI_CONDUIT_SMC, .aarch32 = true, .big_endian = true,
	};

	rich_cfg(t);
	rec_init(r);
	vm = mkvm(t, r);
	power_on(vm, 0, 1);
	power_on(vm, 0, 2);
	power_on(vm, 0, 3);
	assert_res(tcall_full(vm, 2, &c), VPSCI_RET_SUCCESS, VPSCI_EXIT_SUSPEND);
	assert_res(tcall(vm, 3, VPSCI_FN32(VPSCI_FN_CPU_SUSPEND), 3, 0, 0), VPSCI_RET_SUCCESS,
		   VPSCI_EXIT_SUSPEND);
	return vm;
}

/* The rich configuration with every vCPU but 0 off, then SYSTEM_SUSPEND from 0. */
static struct vpsci_vm *sys_suspended_vm(struct tcfg *t, struct rec *r)
{
	struct vpsci_vm *vm;

	rich_cfg(t);
	rec_init(r);
	vm = mkvm(t, r);
	assert_int_equal(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_SYSTEM_SUSPEND), ENTRY_HI, CTX_ID,
			       0).exit, VPSCI_EXIT_SYSTEM_EVENT);
	return vm;
}

static void test_size_and_header(void **state)
{
	static struct snap s;
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = rich_vm(&t, &r);
	size_t want = HDR_SIZE + CFG_SIZE + 2 * 16 + 16 + 5 * VCPU_REC + EXT_SIZE + 5 * VX_REC;
	size_t len = 12345;

	(void)state;
	assert_int_equal(vpsci_snapshot_size(vm), want);
	assert_int_equal(vpsci_snapshot(vm, s.buf, want - 1, &len), VPSCI_E_NOSPC);
	assert_int_equal(vpsci_snapshot(vm, s.buf, 0, &len), VPSCI_E_NOSPC);
	assert_int_equal(vpsci_snapshot(vm, s.buf, want, NULL), VPSCI_OK);
	take(vm, &s);
	assert_memory_equal(s.buf, "VPSCISNP", 8);
	assert_int_equal(s.buf[O_FMT] | s.buf[O_FMT + 1] << 8, 2);
	assert_int_equal(s.buf[O_HDRSZ] | s.buf[O_HDRSZ + 1] << 8, 32);
	assert_int_equal(get32(s.buf, O_TOTAL), want);
	assert_int_equal(get32(s.buf, O_HFLAGS), 0);
	assert_int_equal(get32(s.buf, O_NRVCPU), 5);
	assert_int_equal(get32(s.buf, O_HRES), 0);
	assert_int_equal(get32(s.buf, O_VERSION), VPSCI_VERSION_1_1);
	assert_int_equal(get32(s.buf, O_CONDUIT), VPSCI_CONDUIT_SMC);
	assert_int_equal(get32(s.buf, O_FLAGS), FLAGS_BASE);
	assert_int_equal(get32(s.buf, O_NRMEM), 2);
	assert_int_equal(get32(s.buf, O_NRR2), 3);
	assert_int_equal(get32(s.buf, O_SYSSTATE), 0);
	/* the writer leaves nothing after 'total size' */
	assert_int_equal(s.buf[want], 0xee);
	/* CRC-32/ISO-HDLC over the snapshot with the CRC field read as 0 */
	{
		uint32_t crc = get32(s.buf, O_CRC);

		put32(s.buf, O_CRC, 0);
		assert_int_equal(crc32_iso(s.buf, want), crc);
	}
	/* the SUSPENDED records as the format describes them */
	assert_int_equal(get32(s.buf, vcpu_off(s.buf, 2) + V_STATE), 2);
	assert_int_equal(get32(s.buf, vcpu_off(s.buf, 2) + V_FLAGS), 1 | 2 | 4);
	assert_int_equal(get32(s.buf, vcpu_off(s.buf, 2) + V_PS), 0x01010005u);
	assert_int_equal(get32(s.buf, vcpu_off(s.buf, 2) + V_PC), ENTRY_OK);
	assert_int_equal(get32(s.buf, vcpu_off(s.buf, 2) + V_CTX), 0x77);
	assert_int_equal(get32(s.buf, vcpu_off(s.buf, 3) + V_STATE), 2);
	assert_int_equal(get32(s.buf, vcpu_off(s.buf, 3) + V_PS), 3);
	assert_int_equal(get32(s.buf, vcpu_off(s.buf, 3) + V_PC), 0);
	assert_int_equal(get32(s.buf, vcpu_off(s.buf, 4) + V_STATE), 0);
	assert_int_equal(get32(s.buf, vcpu_off(s.buf, 4)), 0);
	assert_int_equal(get32(s.buf, vcpu_off(s.buf, 4) + 4), 1);
	vpsci_destroy(vm);

	/* sizes for other shapes: no reset2 types, an even count, 1024 vCPUs */
	tcfg_init(&t, VPSCI_VERSION_1_0, 1);
	t.cfg.nr_reset2_vendor_types = 0;
	t.cfg.nr_mem = 1;
	vm = mkvm(&t, &r);
	assert_int_equal(vpsci_snapshot_size(vm), HDR_SIZE + CFG_SIZE + 16 + VCPU_REC + EXT_SIZE +
			 VX_REC);
	vpsci_destroy(vm);
	tcfg_init(&t, VPSCI_VERSION_1_0, VPSCI_MAX_VCPUS);
	t.cfg.nr_reset2_vendor_types = 2;
	vm = mkvm(&t, &r);
	assert_int_equal(vpsci_snapshot_size(vm),
			 HDR_SIZE + CFG_SIZE + 32 + 8 + VPSCI_MAX_VCPUS * (VCPU_REC + VX_REC) +
			 EXT_SIZE);
	take(vm, &s);
	vpsci_destroy(vm);
}

/* Both ways of reading a snapshot back give byte-equal state and a working engine. */
static void check_round_trip(struct vpsci_vm *src, const struct tcfg *t, struct rec *r,
			     void (*after)(struct vpsci_vm *vm, struct rec *r))
{
	static struct snap s, s2;
	struct vpsci_vm *dst, *made = NULL;
	struct rec r2;

	take(src, &s);
	dst = mkvm(t, r);
	assert_int_equal(vpsci_restore(dst, s.buf, s.len), VPSCI_OK);
	assert_same_state(dst, &s);
	for (uint32_t i = 0; i < vpsci_nr_vcpus(src); i++)
		assert_int_equal(vpsci_vcpu_state(dst, i), vpsci_vcpu_state(src, i));

	rec_init(&r2);
	assert_int_equal(vpsci_create_from_snapshot(s.buf, s.len, &rec_ops, &r2, &made), VPSCI_OK);
	assert_non_null(made);
	r2.vm = made;
	take(made, &s2);
	assert_int_equal(s2.len, s.len);
	assert_memory_equal(s2.buf, s.buf, s.len);
	assert_int_equal(vpsci_version(made), vpsci_version(src));
	assert_int_equal(vpsci_nr_vcpus(made), vpsci_nr_vcpus(src));
	assert_int_equal(vpsci_conduit(made), vpsci_conduit(src));
	assert_int_equal(vpsci_flags(made), vpsci_flags(src));
	for (uint32_t i = 0; i < vpsci_nr_vcpus(src); i++)
		assert_int_equal(vpsci_vcpu_mpidr(made, i), vpsci_vcpu_mpidr(src, i));

	if (after) {
		after(dst, r);
		after(made, &r2);
	}
	vpsci_destroy(dst);
	vpsci_destroy(made);
}

static void after_rich(struct vpsci_vm *vm, struct rec *r)
{
	(void)r;
	assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_PSCI_VERSION), 0, 0, 0), VPSCI_VERSION_1_1);
	assert_int_equal(vpsci_vcpu_state(vm, 2), VPSCI_VCPU_SUSPENDED);
	assert_int_equal(vpsci_vcpu_wake(vm, 2), VPSCI_OK);
	assert_int_equal(vpsci_vcpu_wake(vm, 3), VPSCI_OK);
	assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), 0x100000000ull, 0, 0),
		    VPSCI_AFF_OFF);
	assert_cont(tcall(vm, 1, VPSCI_FN64(VPSCI_FN_CPU_ON), 0x100000000ull, ENTRY_OK, 0),
		    VPSCI_RET_SUCCESS);
	assert_cont(tcall(vm, 1, VPSCI_FN64(VPSCI_FN_CPU_ON), 0x1, ENTRY_OK, 0),
		    VPSCI_RET_ALREADY_ON);
}

static void test_round_trip_running(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = rich_vm(&t, &r);

	(void)state;
	check_round_trip(vm, &t, &r, after_rich);
	vpsci_destroy(vm);
}

static void after_event(struct vpsci_vm *vm, struct rec *r)
{
	unsigned int ev = atomic_load(&r->event_calls);

	assert_cont(tcall(vm, 1, VPSCI_FN64(VPSCI_FN_CPU_ON), 0x100000000ull, ENTRY_OK, 0),
		    VPSCI_RET_DENIED);
	assert_cont(tcall(vm, 1, VPSCI_FN32(VPSCI_FN_SYSTEM_OFF), 0, 0, 0), VPSCI_RET_DENIED);
	assert_int_equal(atomic_load(&r->event_calls), ev);
	assert_int_equal(vpsci_reset(vm), VPSCI_OK);
	power_on(vm, 0, 4);
}

static void test_round_trip_event(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = rich_vm(&t, &r);

	(void)state;
	assert_res(tcall(vm, 1, VPSCI_FN64(VPSCI_FN_SYSTEM_RESET2), R2_TYPE_B,
			 0xfedcba9876543210ull, 0),
		   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_SYSTEM_EVENT);
	check_round_trip(vm, &t, &r, after_event);
	vpsci_destroy(vm);
}

static void after_sys_suspend(struct vpsci_vm *vm, struct rec *r)
{
	(void)r;
	assert_int_equal(vpsci_vcpu_state(vm, 0), VPSCI_VCPU_SYSTEM_SUSPENDED);
	assert_int_equal(vpsci_system_wake(vm), VPSCI_OK);
	assert_int_equal(vpsci_vcpu_state(vm, 0), VPSCI_VCPU_ON);
	power_on(vm, 0, 4);
}

static void test_round_trip_system_suspend(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = sys_suspended_vm(&t, &r);

	(void)state;
	check_round_trip(vm, &t, &r, after_sys_suspend);
	vpsci_destroy(vm);
}

/* Every version, both conduits, and the minimal and maximal shapes round-trip. */
static void test_round_trip_shapes(void **state)
{
	(void)state;
	for (int vi = 0; vi < NR_VERSIONS; vi++)
	for (int conduit = 0; conduit < 2; conduit++) {
		struct tcfg t;
		struct rec r;
		struct vpsci_vm *vm;

		tcfg_init(&t, all_versions[vi], vi == 5 ? VPSCI_MAX_VCPUS : 1 + (uint32_t)vi);
		t.cfg.conduit = (enum vpsci_conduit)conduit;
		t.cfg.nr_reset2_vendor_types = (uint32_t)vi % 4;
		t.cfg.nr_mem = 1 + (uint32_t)conduit;
		rec_init(&r);
		vm = mkvm(&t, &r);
		if (vpsci_nr_vcpus(vm) > 1)
			power_on(vm, 0, vpsci_nr_vcpus(vm) - 1);
		check_round_trip(vm, &t, &r, NULL);
		vpsci_destroy(vm);
	}
}

/* Restore into a differently configured engine: MISMATCH, the engine untouched. */
static void test_restore_mismatch(void **state)
{
	static struct snap s, before;
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *src = rich_vm(&t, &r);

	(void)state;
	take(src, &s);
	for (int k = 0; k < 12; k++) {
		struct tcfg d;
		struct rec rd;
		struct vpsci_vm *dst;

		rich_cfg(&d);
		switch (k) {
		case 0: d.cfg.version = VPSCI_VERSION_1_2; break;
		case 1: d.cfg.version = VPSCI_VERSION_1_0; break;
		case 2: d.cfg.nr_vcpus = 4; break;
		case 3: d.mpidrs[4] = 0x200000000ull; break;
		case 4: d.mpidrs[1] = 0x100; d.mpidrs[2] = 0x1; break;
		case 5: d.cfg.flags = VPSCI_CFG_SYSTEM_SUSPEND; break;
		case 6: d.cfg.flags = 0; break;
		case 7: d.cfg.conduit = VPSCI_CONDUIT_HVC; break;
		case 8: d.cfg.boot_vcpu = 1; break;
		case 9: d.mem[1].size = 0x2000; break;
		case 10: d.r2[2] = 0x80000abdu; break;
		case 11: d.cfg.nr_reset2_vendor_types = 2; break;
		}
		rec_init(&rd);
		dst = mkvm(&d, &rd);
		power_on(dst, d.cfg.boot_vcpu, 3);
		take(dst, &before);
		assert_int_equal(vpsci_restore(dst, s.buf, s.len), VPSCI_E_SNAP_MISMATCH);
		assert_same_state(dst, &before);
		for (uint32_t i = 0; i < vpsci_nr_vcpus(dst); i++)
			assert_int_equal(vpsci_vcpu_state(dst, i),
					 i == d.cfg.boot_vcpu || i == 3 ? VPSCI_VCPU_ON :
					 VPSCI_VCPU_OFF);
		assert_cont(tcall(dst, d.cfg.boot_vcpu, VPSCI_FN32(VPSCI_FN_PSCI_VERSION), 0, 0, 0),
			    (int32_t)d.cfg.version);
		vpsci_destroy(dst);
	}
	vpsci_destroy(src);
}

/*
 * Feed a damaged snapshot to vpsci_restore() (into an engine of the same
 * config in another state) and to vpsci_create_from_snapshot(); both must
 * fail, the engine stay as it was. want == 0: any error will do.
 */
static void expect_refused(const uint8_t *buf, size_t len, int want, const char *what)
{
	static struct snap before;
	struct tcfg t;
	struct rec r, r2;
	struct vpsci_vm *vm, *made = NULL;
	int ret;

	rich_cfg(&t);
	rec_init(&r);
	vm = mkvm(&t, &r);
	power_on(vm, 0, 4);
	take(vm, &before);
	ret = vpsci_restore(vm, buf, len);
	if (want ? ret != want : ret >= 0)
		fail_msg("%s: vpsci_restore() returned %d (%s), want %d", what, ret,
			 vpsci_strerror(ret), want);
	assert_same_state(vm, &before);
	vpsci_destroy(vm);

	rec_init(&r2);
	ret = vpsci_create_from_snapshot(buf, len, &rec_ops, &r2, &made);
	if (want ? ret != want : ret >= 0)
		fail_msg("%s: vpsci_create_from_snapshot() returned %d (%s), want %d", what, ret,
			 vpsci_strerror(ret), want);
	if (ret >= 0)
		vpsci_destroy(made);
}

static void test_truncated(void **state)
{
	static struct snap s;
	static uint8_t copy[SNAP_MAX];
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = rich_vm(&t, &r);
	char what[64];

	(void)state;
	take(vm, &s);
	for (size_t len = 0; len < s.len; len++) {
		/* a heap copy of exactly len bytes: ASan sees any read past it */
		uint8_t *b = malloc(len ? len : 1);

		memcpy(b, s.buf, len);
		snprintf(what, sizeof(what), "truncated to %zu", len);
		expect_refused(b, len, VPSCI_E_SNAP_TRUNCATED, what);
		free(b);
	}
	/* a total size larger than the buffer is TRUNCATED too, even with a good CRC */
	memcpy(copy, s.buf, s.len);
	put32(copy, O_TOTAL, (uint32_t)s.len + 8);
	memset(copy + s.len, 0, 8);
	fix_crc(copy);
	expect_refused(copy, s.len, VPSCI_E_SNAP_TRUNCATED, "total > buffer");
	/* NULL buffers */
	expect_refused(NULL, 0, 0, "NULL, 0");
	expect_refused(NULL, s.len, 0, "NULL, len");
	vpsci_destroy(vm);
}

/* A snapshot in a larger buffer (a file with slack) reads back fine. */
static void test_buffer_larger_than_snapshot(void **state)
{
	static struct snap s;
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = rich_vm(&t, &r), *dst;

	(void)state;
	take(vm, &s);
	dst = mkvm(&t, &r);
	assert_int_equal(vpsci_restore(dst, s.buf, s.len + 64), VPSCI_OK);
	assert_same_state(dst, &s);
	vpsci_destroy(dst);
	vpsci_destroy(vm);
}

static void test_magic_version_header(void **state)
{
	static struct snap s;
	static uint8_t b[SNAP_MAX];
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = rich_vm(&t, &r);

	(void)state;
	take(vm, &s);
	for (int i = 0; i < 8; i++) {
		memcpy(b, s.buf, s.len);
		b[O_MAGIC + i] ^= 0x20;
		fix_crc(b);
		expect_refused(b, s.len, VPSCI_E_SNAP_MAGIC, "magic");
	}
	/* format 1 is still read, but this body is too long for it */
	memcpy(b, s.buf, s.len);
	put16(b, O_FMT, 1);
	fix_crc(b);
	expect_refused(b, s.len, VPSCI_E_SNAP_CORRUPT, "format 1 with a format 2 body");
	for (uint16_t fmt = 0; fmt < 8; fmt++) {
		if (fmt == 1 || fmt == 2)
			continue;
		memcpy(b, s.buf, s.len);
		put16(b, O_FMT, fmt);
		fix_crc(b);
		expect_refused(b, s.len, VPSCI_E_SNAP_VERSION, "format version");
	}
	memcpy(b, s.buf, s.len);
	put16(b, O_FMT, 0xffff);
	expect_refused(b, s.len, VPSCI_E_SNAP_VERSION, "format version 0xffff");
	for (int k = 0; k < 4; k++) {
		static const uint16_t hs[] = { 0, 31, 33, 64 };

		memcpy(b, s.buf, s.len);
		put16(b, O_HDRSZ, hs[k]);
		fix_crc(b);
		expect_refused(b, s.len, VPSCI_E_SNAP_CORRUPT, "header size");
	}
	/* total size smaller than the counts imply, CRC valid over it */
	memcpy(b, s.buf, s.len);
	put32(b, O_TOTAL, (uint32_t)s.len - VCPU_REC);
	fix_crc(b);
	expect_refused(b, s.len, VPSCI_E_SNAP_CORRUPT, "total size < implied");
	/* total size larger than implied, with zero slack inside it */
	memcpy(b, s.buf, s.len);
	memset(b + s.len, 0, 8);
	put32(b, O_TOTAL, (uint32_t)s.len + 8);
	fix_crc(b);
	expect_refused(b, s.len + 8, VPSCI_E_SNAP_CORRUPT, "total size > implied");
	/* total size below the fixed part */
	memcpy(b, s.buf, s.len);
	put32(b, O_TOTAL, HDR_SIZE);
	fix_crc(b);
	expect_refused(b, s.len, VPSCI_E_SNAP_CORRUPT, "total size = header");
	vpsci_destroy(vm);
}

/* Any single damaged byte is refused; past the magic/version/sizes, by the CRC. */
static void test_flipped_bytes(void **state)
{
	static struct snap s;
	static uint8_t b[SNAP_MAX];
	static const uint8_t masks[] = { 0xff, 0x01, 0x80 };
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = rich_vm(&t, &r);
	char what[64];
	unsigned int n = 0;

	(void)state;
	take(vm, &s);
	for (size_t off = 0; off < s.len; off++)
	for (size_t m = 0; m < sizeof(masks); m++) {
		int want;

		memcpy(b, s.buf, s.len);
		b[off] ^= masks[m];
		if (off < O_FMT)
			want = VPSCI_E_SNAP_MAGIC;
		else if (off < O_HDRSZ)
			want = VPSCI_E_SNAP_VERSION;
		else if (off < O_TOTAL)
			want = VPSCI_E_SNAP_CORRUPT;
		else if (off < O_CRC)
			want = 0;	/* TRUNCATED, CORRUPT or CHECKSUM */
		else if (off < O_HFLAGS || off >= HDR_SIZE)
			want = VPSCI_E_SNAP_CHECKSUM;
		else
			want = 0;	/* header fields: CHECKSUM or CORRUPT */
		snprintf(what, sizeof(what), "byte %zu ^ 0x%02x", off, masks[m]);
		expect_refused(b, s.len, want, what);
		n++;
	}
	print_message("flipped bytes: %u damaged snapshots refused\n", n);
	vpsci_destroy(vm);
}

/* One invalid field, CRC recomputed: VPSCI_E_SNAP_CORRUPT. */
struct mutation {
	const char *what;
	int vcpu;		/* -1: offset from the start; else a vCPU record field */
	int region;		/* 1: offset inside the memory regions; 2: reset2 types */
	size_t off;
	int width;		/* 4 or 8 */
	uint64_t value;
	int copy_from;		/* >= 0: write vCPU copy_from's MPIDR instead of value */
};

#define M32(w, o, v)		{ w, -1, 0, o, 4, v, -1 }
#define M64(w, o, v)		{ w, -1, 0, o, 8, v, -1 }
#define MV32(w, i, o, v)	{ w, i, 0, o, 4, v, -1 }
#define MV64(w, i, o, v)	{ w, i, 0, o, 8, v, -1 }
#define MMEM(w, o, v)		{ w, -1, 1, o, 8, v, -1 }
#define MR2(w, o, v)		{ w, -1, 2, o, 4, v, -1 }

static void apply(uint8_t *b, const struct mutation *m)
{
	size_t off;

	if (m->vcpu >= 0)
		off = vcpu_off(b, (uint32_t)m->vcpu) + m->off;
	else if (m->region == 1)
		off = O_MEM + m->off;
	else if (m->region == 2)
		off = r2_off(b) + m->off;
	else
		off = m->off;
	if (m->copy_from >= 0)
		memcpy(b + off, b + vcpu_off(b, (uint32_t)m->copy_from), 8);
	else if (m->width == 4)
		put32(b, off, (uint32_t)m->value);
	else
		put64(b, off, m->value);
}

static void run_mutations(const struct snap *s, const struct mutation *ms, size_t n)
{
	static uint8_t b[SNAP_MAX];

	for (size_t i = 0; i < n; i++) {
		memcpy(b, s->buf, s->len);
		apply(b, &ms[i]);
		fix_crc(b);
		expect_refused(b, s->len, VPSCI_E_SNAP_CORRUPT, ms[i].what);
	}
}

static void test_corrupt_fields_running(void **state)
{
	static const struct mutation ms[] = {
		M32("header flags", O_HFLAGS, 1),
		M32("header flags bit 31", O_HFLAGS, 0x80000000u),
		M32("nr_vcpus 0", O_NRVCPU, 0),
		M32("nr_vcpus 1025", O_NRVCPU, 1025),
		M32("nr_vcpus 4 (size mismatch)", O_NRVCPU, 4),
		M32("header reserved", O_HRES, 1),
		M32("version 0x10004", O_VERSION, 0x10004),
		M32("version 0x3", O_VERSION, 0x3),
		M32("version 0", O_VERSION, 0),
		M32("version 0x20000", O_VERSION, 0x20000),
		M32("version 0.2 with SYSTEM_SUSPEND", O_VERSION, VPSCI_VERSION_0_2),
		M32("version 0.1 with 0.1 IDs", O_VERSION, VPSCI_VERSION_0_1),
		M32("conduit 2", O_CONDUIT, 2),
		M32("flags bit 9", O_FLAGS, FLAGS_BASE | 0x200),
		M32("boot vCPU = nr_vcpus", O_BOOT, 5),
		M32("nr_mem 0", O_NRMEM, 0),
		M32("nr_mem 17", O_NRMEM, 17),
		M32("nr_mem 1 (size mismatch)", O_NRMEM, 1),
		M32("nr_reset2 17", O_NRR2, 17),
		M32("nr_reset2 4 (zero type from the padding)", O_NRR2, 4),
		M32("nr_reset2 2 (non-zero padding)", O_NRR2, 2),
		M32("system state 3", O_SYSSTATE, 3),
		M32("system state 2 without a suspended caller", O_SYSSTATE, 2),
		M32("running with event caller 1", O_EVCALLER, 1),
		M32("running with event type 1", O_EVTYPE, 1),
		M32("running with event reset type", O_EVRTYPE, 1),
		M64("running with event cookie", O_EVCOOKIE, 1),
		M64("running with event pc", O_EVPC, ENTRY_OK),
		M64("running with event context", O_EVCTX, 1),
		M32("running with event entry flags", O_EVFLAGS, 1),
		M32("config reserved", O_CRES, 1),
		MMEM("region 0 size 0", 8, 0),
		MMEM("region 1 wraps", 16, UINT64_MAX - 3),
		MR2("reset2 type without bit 31", 0, 0x00000001u),
		MR2("reset2 type 0", 4, 0),
		MR2("reset2 padding", 12, 1),
		MV64("MPIDR bit 24", 1, V_MPIDR, 0x1000001ull),
		MV64("MPIDR bit 40", 4, V_MPIDR, 0x10100000000ull),
		{ "duplicate MPIDR", 1, 0, V_MPIDR, 8, 0, 0 },
		{ "duplicate MPIDR (last)", 4, 0, V_MPIDR, 8, 0, 3 },
		MV32("power state 4", 0, V_STATE, 4),
		MV32("power state 0xffffffff", 4, V_STATE, 0xffffffffu),
		MV32("SYSTEM_SUSPENDED while running", 1, V_STATE, 3),
		MV32("ON with entry flags", 1, V_FLAGS, 1),
		MV32("ON with power_state", 1, V_PS, 1),
		MV32("ON with reserved", 1, V_RES, 1),
		MV64("ON with entry pc", 1, V_PC, ENTRY_OK),
		MV64("ON with context", 1, V_CTX, 1),
		MV64("OFF with entry pc", 4, V_PC, ENTRY_OK),
		MV32("OFF with power_state", 4, V_PS, 0x10000),
		MV32("standby with entry flags", 3, V_FLAGS, 1),
		MV64("standby with entry pc", 3, V_PC, ENTRY_OK),
		MV64("standby with context", 3, V_CTX, 5),
		MV32("standby with reserved power_state bit", 3, V_PS, 0x80000003u),
		MV32("standby at power level 3", 3, V_PS, 0x03000003u),
		MV32("power-down with entry flag bit 3", 2, V_FLAGS, 1 | 2 | 4 | 8),
		MV32("power-down with reserved power_state bit", 2, V_PS, 0x01030005u),
		MV32("power-down at power level 3", 2, V_PS, 0x03010005u),
		MV32("power-down with reserved", 2, V_RES, 1),
	};
	static struct snap s;
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = rich_vm(&t, &r);

	(void)state;
	take(vm, &s);
	run_mutations(&s, ms, sizeof(ms) / sizeof(ms[0]));
	vpsci_destroy(vm);
}

static void test_corrupt_fields_system(void **state)
{
	static const struct mutation suspended[] = {
		MV32("state 2 with the caller ON", 0, V_STATE, 1),
		MV32("state 2 with the caller OFF", 0, V_STATE, 0),
		M32("state 2 with event type OFF", O_EVTYPE, VPSCI_EVENT_OFF),
		M32("state 2 with event type 5", O_EVTYPE, 5),
		M32("state 2 with caller 1 (OFF)", O_EVCALLER, 1),
		M32("state 2 with caller 5", O_EVCALLER, 5),
		MV32("two SYSTEM_SUSPENDED vCPUs", 1, V_STATE, 3),
		M32("state 2 with entry flag bit 3", O_EVFLAGS, 8),
		M32("state 0 with a suspended caller", O_SYSSTATE, 0),
		M32("state 1 with event type SUSPEND", O_SYSSTATE, 1),
		M32("config reserved", O_CRES, 0x100),
	};
	static const struct mutation event[] = {
		M32("state 1 with event type SUSPEND", O_EVTYPE, VPSCI_EVENT_SUSPEND),
		M32("state 1 with event type 5", O_EVTYPE, 5),
		M32("state 1 with event type 0xffffffff", O_EVTYPE, 0xffffffffu),
		M32("state 1 with caller 5", O_EVCALLER, 5),
		M32("state 1 with entry flag bit 4", O_EVFLAGS, 16),
		M64("RESET2 event with an entry pc", O_EVPC, ENTRY_OK),
	};
	static const struct mutation off_event[] = {
		M64("SYSTEM_OFF event with a cookie", O_EVCOOKIE, 1),
		M32("SYSTEM_OFF event with a reset type", O_EVRTYPE, 1),
		M64("SYSTEM_OFF event with a context id", O_EVCTX, 1),
		M32("SYSTEM_OFF event with entry flags", O_EVFLAGS, 1),
	};
	static struct snap s;
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = sys_suspended_vm(&t, &r);

	(void)state;
	take(vm, &s);
	run_mutations(&s, suspended, sizeof(suspended) / sizeof(suspended[0]));
	vpsci_destroy(vm);

	vm = rich_vm(&t, &r);
	assert_res(tcall(vm, 1, VPSCI_FN32(VPSCI_FN_SYSTEM_RESET2), R2_TYPE_A, 7, 0),
		   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_SYSTEM_EVENT);
	take(vm, &s);
	run_mutations(&s, event, sizeof(event) / sizeof(event[0]));
	vpsci_destroy(vm);

	vm = rich_vm(&t, &r);
	assert_res(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_SYSTEM_OFF), 0, 0, 0),
		   VPSCI_RET_INTERNAL_FAILURE, VPSCI_EXIT_SYSTEM_EVENT);
	take(vm, &s);
	run_mutations(&s, off_event, sizeof(off_event) / sizeof(off_event[0]));
	vpsci_destroy(vm);
}

/* vpsci_create_from_snapshot() argument errors. */
static void test_create_from_snapshot_args(void **state)
{
	static struct snap s;
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm = rich_vm(&t, &r), *made = NULL;
	struct vpsci_ops ops = rec_ops;

	(void)state;
	take(vm, &s);
	assert_int_equal(vpsci_create_from_snapshot(s.buf, s.len, NULL, &r, &made),
			 VPSCI_E_INVAL);
	assert_int_equal(vpsci_create_from_snapshot(s.buf, s.len, &rec_ops, &r, NULL),
			 VPSCI_E_INVAL);
	ops.cpu_on = NULL;
	assert_int_equal(vpsci_create_from_snapshot(s.buf, s.len, &ops, &r, &made),
			 VPSCI_E_INVAL);
	assert_true(vpsci_restore(NULL, s.buf, s.len) < 0);
	assert_true(vpsci_snapshot(NULL, s.buf, sizeof(s.buf), NULL) < 0);
	assert_true(vpsci_snapshot(vm, NULL, sizeof(s.buf), NULL) < 0);
	vpsci_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_and_header),
		cmocka_unit_test(test_round_trip_running),
		cmocka_unit_test(test_round_trip_event),
		cmocka_unit_test(test_round_trip_system_suspend),
		cmocka_unit_test(test_round_trip_shapes),
		cmocka_unit_test(test_restore_mismatch),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_buffer_larger_than_snapshot),
		cmocka_unit_test(test_magic_version_header),
		cmocka_unit_test(test_flipped_bytes),
		cmocka_unit_test(test_corrupt_fields_running),
		cmocka_unit_test(test_corrupt_fields_system),
		cmocka_unit_test(test_create_from_snapshot_args),
	};

	return cmocka_run_group_tests_name("snapshot", tests, NULL, NULL);
}
