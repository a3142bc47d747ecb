// SPDX-License-Identifier: BSD-2-Clause
/*
 * The whole-VM snapshot file's validator (vmm/state/snapfile.c,
 * docs/vm-snapshot.md): a round trip through the codec's own writer, any
 * section order, unknown sections kept for the devices to skip, format 1
 * still read, and every refusal with its message.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

static int parse(const struct vmm_buf *f, struct snap_view *v, char *why, size_t wl)
{
	/* A copy with nothing after it, so any read past the end is an ASan report. */
	uint8_t *copy = malloc(f->len ? f->len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, f->p, f->len);
	r = snap_parse(copy, f->len, v, why, wl);
	if (r == 0) {
		/* The view points into the file: check the pointers, then drop them. */
		assert_true(v->ram && (const uint8_t *)v->ram >= copy &&
			    (const uint8_t *)v->ram < copy + f->len);
		v->ram = NULL;
		v->bitmap = NULL;
		v->pages = NULL;
		for (unsigned int i = 0; i < v->nr_dev; i++)
			v->dev[i].p = NULL;
	}
	free(copy);
	return r;
}

static void expect_ok(const struct fx_snap *how, struct snap_view *v)
{
	struct vmm_buf f = { 0 };
	char why[300] = "";

	fx_snapshot(how, &f);
	if (parse(&f, v, why, sizeof(why)) != 0)
		fail_msg("valid file refused: %s", why);
	vmm_buf_free(&f);
}

static void expect_refusal_buf(const struct vmm_buf *f, const char *want)
{
	struct snap_view v;
	char why[300] = "";
	int r = parse(f, &v, why, sizeof(why));

	if (r != -EINVAL || !strstr(why, want))
		fail_msg("want a refusal with '%s', got %d '%s'", want, r, why);
}

static void expect_refusal(const struct fx_snap *how, const char *want)
{
	struct vmm_buf f = { 0 };

	fx_snapshot(how, &f);
	expect_refusal_buf(&f, want);
	vmm_buf_free(&f);
}

/* Aim: the writer's file is read back: the record, vCPUs, devices, RAM. */
static void test_round_trip(void **state)
{
	struct fx_snap how = { 0 };
	struct snap_view v;
	struct vmm_machine m;

	(void)state;
	fx_machine(&m);
	expect_ok(&how, &v);
	assert_int_equal(v.format, SNAP_FORMAT_VERSION);
	assert_int_equal(v.m.cpus, 2);
	assert_int_equal(v.m.psci_version, m.psci_version);
	assert_int_equal(v.m.mem_mib, 1);
	assert_true(v.m.system_suspend);
	assert_int_equal(v.m.pd_levels, 2);
	assert_int_equal(v.m.cpus_per_cluster, 2);
	assert_int_equal(v.m.pm_features, m.pm_features);
	assert_string_equal(v.m.kernel.path, m.kernel.path);
	assert_string_equal(v.m.initrd.path, m.initrd.path);
	assert_string_equal(v.m.append, m.append);
	assert_int_equal(v.m.mpidrs[1], 1);
	assert_int_equal(v.m.engine_len, m.engine_len);
	assert_memory_equal(v.m.engine, m.engine, m.engine_len);
	assert_non_null(v.vcpu[0]);
	assert_non_null(v.vcpu[1]);
	assert_int_equal(v.nr_dev, 3);
	assert_non_null(snap_view_device(&v, SEC_GIC, 0));
	assert_non_null(snap_view_device(&v, SEC_RTC, 0));
	assert_null(snap_view_device(&v, SEC_RTC, 1));
	assert_true(v.recorded & VMM_F_CPUS_PER_CLUSTER);
	snap_view_free(&v);
	vmm_machine_free(&m);
}

/* Aim: sections in another order and an unknown device type are accepted. */
static void test_order_and_unknown(void **state)
{
	struct fx_snap how = { .ram_first = true, .unknown_device = true };
	struct snap_view v;

	(void)state;
	expect_ok(&how, &v);
	assert_int_equal(v.nr_dev, 4);
	assert_non_null(snap_view_device(&v, 1000, 3));
	snap_view_free(&v);
}

/* Aim: a format 1 file (no POWER section) is read; it records no power domains. */
static void test_format_1(void **state)
{
	struct fx_snap how = { .format = 1 };
	struct snap_view v;

	(void)state;
	expect_ok(&how, &v);
	assert_int_equal(v.format, 1);
	assert_int_equal(v.m.pd_levels, 0);
	assert_false(v.recorded & (VMM_F_POWER_DOMAINS | VMM_F_CPUS_PER_CLUSTER |
				   VMM_F_PM_FEATURES));
	assert_true(v.recorded & VMM_F_CPUS);
	snap_view_free(&v);
}

/* Aim: every structural refusal of a file whose CRCs are right. */
static void test_section_refusals(void **state)
{
	struct snap_config cfg = { .nr_vcpus = 2, .psci_version = VPSCI_VERSION_1_3, .mem_mib = 1,
				   .ram_base = VMM_RAM_BASE, .gic_version = 3,
				   .nr_irqs = VMM_NR_IRQS, .conduit = 2 };
	struct snap_power pw = { .pd_levels = 4 };
	const struct {
		struct fx_snap how;
		const char *want;
	} cases[] = {
		{ { .abi = 99 }, "incompatible vpsci-run build (snapshot ABI 99" },
		{ { .format = 3 }, "snapshot format version 3, this vpsci-run reads versions 1 to 2" },
		{ { .format = 0xffffffff }, "snapshot format version" },
		{ { .no_config = true }, "no section of type 1" },
		{ { .no_engine = true }, "no section of type 2" },
		{ { .no_ram = true }, "no section of type 6" },
		{ { .no_power = true }, "no power section" },
		{ { .no_end = true }, "runs past the end" },
		{ { .trailing = true }, "data after the end section" },
		{ { .dup_uart = true }, "device section repeated" },
		{ { .extra_devices = SNAP_MAX_DEVICES }, "too many device sections" },
		{ { .vcpus = 1 }, "a vCPU section is missing" },
		{ { .vcpus = 3 }, "beyond the configured vCPUs" },
		{ { .vcpu1_idx = 7 }, "vCPU record malformed" },
		{ { .bad_reg_size = 9 }, "register record malformed" },
		{ { .bad_reg_size = 5 }, "register record malformed" },
		{ { .ram_present_delta = 1 }, "RAM section size does not match" },
		{ { .cfg_override = &cfg }, "configuration values out of range" },
		{ { .power_override = &pw }, "power section values out of range" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_refusal(&cases[i].how, cases[i].want);
	cfg.conduit = VPSCI_CONDUIT_SMC;
	cfg.psci_version = 0x20000;	/* 2.0: not a version */
	{
		struct fx_snap how = { .cfg_override = &cfg };

		expect_refusal(&how, "configuration values out of range");
	}
	cfg.psci_version = VPSCI_VERSION_1_0;
	cfg.mode = VMM_PSCI_KERNEL;
	{
		struct fx_snap how = { .cfg_override = &cfg };

		expect_refusal(&how, "written for a machine this build does not make");
	}
}

/* Offsets of the fixture file (header 64, then CONFIG's section header). */
#define CFG_AT		(64 + 16)

/* Aim: header damage and edits of values under right CRCs are refused by name. */
static void test_byte_refusals(void **state)
{
	struct fx_snap how = { 0 };
	struct vmm_buf f = { 0 };
	uint32_t u32;

	(void)state;
	fx_snapshot(&how, &f);
	f.len = 20;
	expect_refusal_buf(&f, "truncated snapshot: 20 bytes");
	vmm_buf_free(&f);

	fx_snapshot(&how, &f);
	f.p[0] = 'X';
	expect_refusal_buf(&f, "bad magic");
	f.p[0] = 'V';
	f.p[16] ^= 1;
	expect_refusal_buf(&f, "header checksum mismatch");
	f.p[16] ^= 1;
	f.p[f.len - 100] ^= 4;
	expect_refusal_buf(&f, "corrupt snapshot: checksum mismatch");
	f.p[f.len - 100] ^= 4;
	f.len -= 8;
	expect_refusal_buf(&f, "truncated snapshot");
	f.len += 8;
	vmm_buf_put(&f, "xx", 2);
	expect_refusal_buf(&f, "data after the recorded end");
	f.len -= 2;
	f.p[44] = 1;		/* reserved */
	fx_fix_header(f.p);
	expect_refusal_buf(&f, "reserved header field set");
	f.p[44] = 0;
	f.p[28] = 1;		/* flags */
	fx_fix_header(f.p);
	expect_refusal_buf(&f, "header fields");
	f.p[28] = 0;
	fx_fix_header(f.p);

	u32 = 0;		/* nr_vcpus 0 */
	memcpy(f.p + CFG_AT, &u32, 4);
	fx_fix_crcs(f.p, f.len);
	expect_refusal_buf(&f, "configuration values out of range");
	u32 = 2;
	memcpy(f.p + CFG_AT, &u32, 4);
	f.p[CFG_AT + 56 + 3] = 'X';	/* the NUL-free kernel string grows */
	memcpy(&u32, f.p + CFG_AT + 44, 4);
	u32 -= 1;
	memcpy(f.p + CFG_AT + 44, &u32, 4);
	fx_fix_crcs(f.p, f.len);
	expect_refusal_buf(&f, "configuration strings malformed");
	vmm_buf_free(&f);
}

/* Aim: every single-byte change under right CRCs is refused cleanly or accepted. */
static void test_every_byte(void **state)
{
	struct fx_snap how = { 0 };
	struct vmm_buf f = { 0 };

	(void)state;
	fx_snapshot(&how, &f);
	for (size_t off = 64; off < f.len - 3 * SNAP_PAGE_SIZE; off++) {
		struct snap_view v;
		char why[300];
		uint8_t save = f.p[off];
		int r;

		f.p[off] ^= 0xff;
		fx_fix_crcs(f.p, f.len);
		r = parse(&f, &v, why, sizeof(why));
		assert_true(r == 0 || r == -EINVAL);
		if (r == 0)
			snap_view_free(&v);
		f.p[off] = save;
	}
	vmm_buf_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_order_and_unknown),
		cmocka_unit_test(test_format_1),
		cmocka_unit_test(test_section_refusals),
		cmocka_unit_test(test_byte_refusals),
		cmocka_unit_test(test_every_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
