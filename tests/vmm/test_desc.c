// SPDX-License-Identifier: BSD-2-Clause
/*
 * The hibernate description's codec (vmm/state/desc.c, docs/hibernate.md):
 * round trips of every field, and every refusal of the strict reader
 * (framing, checksum, keys, each value) with the message it gives.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

static void format(const struct hib_desc *d, struct vmm_buf *out)
{
	char why[200];

	assert_int_equal(desc_format(d, out, why, sizeof(why)), 0);
}

static void sample_text(struct vmm_buf *out)
{
	struct hib_desc d;

	fx_desc(&d);
	format(&d, out);
	vmm_machine_free(&d.m);
}

static void assert_same_machine(const struct vmm_machine *a, const struct vmm_machine *b)
{
	assert_int_equal(a->psci_version, b->psci_version);
	assert_int_equal(a->mode, b->mode);
	assert_int_equal(a->conduit, b->conduit);
	assert_int_equal(a->system_suspend, b->system_suspend);
	assert_int_equal(a->pd_levels, b->pd_levels);
	assert_int_equal(a->cpus_per_cluster, b->cpus_per_cluster);
	assert_int_equal(a->pm_features, b->pm_features);
	assert_int_equal(a->cpus, b->cpus);
	assert_memory_equal(a->mpidrs, b->mpidrs, a->cpus * sizeof(*a->mpidrs));
	assert_int_equal(a->gic_version, b->gic_version);
	assert_int_equal(a->mem_mib, b->mem_mib);
	assert_string_equal(a->kernel.path, b->kernel.path);
	assert_int_equal(a->kernel.size, b->kernel.size);
	assert_string_equal(a->kernel.sha256, b->kernel.sha256);
	if (a->initrd.path) {
		assert_string_equal(a->initrd.path, b->initrd.path);
		assert_string_equal(a->initrd.sha256, b->initrd.sha256);
		assert_int_equal(a->initrd.size, b->initrd.size);
	} else {
		assert_null(b->initrd.path);
	}
	assert_string_equal(a->append ? a->append : "", b->append);
	assert_int_equal(a->nr_disks, b->nr_disks);
	for (unsigned int i = 0; i < a->nr_disks; i++) {
		assert_string_equal(a->disks[i].path, b->disks[i].path);
		assert_int_equal(a->disks[i].size, b->disks[i].size);
	}
	assert_int_equal(a->engine_len, b->engine_len);
	assert_memory_equal(a->engine, b->engine, a->engine_len);
}

/* Aim: every field survives format -> parse; a second format is byte-identical. */
static void test_round_trip(void **state)
{
	struct hib_desc d, back;
	struct vmm_buf t1 = { 0 }, t2 = { 0 };
	char why[200];

	(void)state;
	fx_desc(&d);
	format(&d, &t1);
	assert_int_equal(desc_parse((const char *)t1.p, t1.len, &back, why, sizeof(why)), 0);
	assert_same_machine(&d.m, &back.m);
	assert_string_equal(back.reason, "SYSTEM_OFF2");
	assert_true(back.machine_on_off);
	format(&back, &t2);
	assert_int_equal(t1.len, t2.len);
	assert_memory_equal(t1.p, t2.p, t1.len);
	vmm_machine_free(&d.m);
	vmm_machine_free(&back.m);
	vmm_buf_free(&t1);
	vmm_buf_free(&t2);
}

/* Aim: the minimal machine (no initrd, no disks, no append, SMC, SYSTEM_OFF) too. */
static void test_round_trip_minimal(void **state)
{
	struct hib_desc d, back;
	struct vmm_buf t = { 0 };
	char why[200];

	(void)state;
	fx_desc(&d);
	free(d.m.initrd.path);
	d.m.initrd = (struct vmm_image){ 0 };
	for (unsigned int i = 0; i < d.m.nr_disks; i++) {
		free(d.m.disks[i].path);
		d.m.disks[i].path = NULL;
	}
	d.m.nr_disks = 0;
	free(d.m.append);
	d.m.append = NULL;
	d.m.conduit = VPSCI_CONDUIT_SMC;
	d.m.pd_levels = d.m.cpus_per_cluster = 0;
	d.m.pm_features = 0;
	snprintf(d.reason, sizeof(d.reason), "SYSTEM_OFF");
	format(&d, &t);
	assert_int_equal(desc_parse((const char *)t.p, t.len, &back, why, sizeof(why)), 0);
	assert_same_machine(&d.m, &back.m);
	assert_string_equal(back.reason, "SYSTEM_OFF");
	vmm_machine_free(&d.m);
	vmm_machine_free(&back.m);
	vmm_buf_free(&t);
}

/* Aim: what a description cannot hold is refused when writing, not misread later. */
static void test_format_refusals(void **state)
{
	struct hib_desc d;
	struct vmm_buf t = { 0 };
	char why[200];

	(void)state;
	fx_desc(&d);
	free(d.m.append);
	d.m.append = strdup("a\nb");
	assert_int_equal(desc_format(&d, &t, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "newline"));
	free(d.m.append);
	d.m.append = NULL;
	free(d.m.engine);
	d.m.engine = NULL;
	assert_int_equal(desc_format(&d, &t, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "incomplete"));
	vmm_machine_free(&d.m);
	vmm_buf_free(&t);
}

/* One refusal: an edit of the sample text (crc fixed up) and the message wanted. */
struct refusal {
	const char *key;	/* edit: set key=value; drop when value is NULL */
	const char *value;
	const char *add;	/* or: add this line */
	const char *want;	/* in the message */
};

static const struct refusal value_refusals[] = {
	{ "reason", "SYSTEM_RESET", NULL, "reason is neither" },
	{ "psci-version", "2.0", NULL, "psci-version is not one of" },
	{ "psci-version", "", NULL, "psci-version is not one of" },
	{ "psci-mode", "firmware", NULL, "psci-mode is not user" },
	{ "conduit", "svc", NULL, "conduit is not hvc or smc" },
	{ "system-suspend", "2", NULL, "system-suspend is not 0 or 1" },
	{ "machine-on-off", "yes", NULL, "machine-on-off is not 0 or 1" },
	{ "gic", "4", NULL, "gic is not 2 or 3" },
	{ "cpus", "0", NULL, "cpus is not a vCPU count" },
	{ "cpus", "1025", NULL, "cpus is not a vCPU count" },
	{ "cpus", "-1", NULL, "cpus is not a vCPU count" },
	{ "cpus", " 2", NULL, "cpus is not a vCPU count" },
	{ "mpidrs", "0x0", NULL, "mpidrs does not list one valid MPIDR per vCPU" },
	{ "mpidrs", "0x0,0x1,0x2", NULL, "mpidrs does not list" },
	{ "mpidrs", "0x0,", NULL, "mpidrs does not list" },
	{ "mpidrs", "0x0,,0x1", NULL, "mpidrs does not list" },
	{ "mpidrs", "0x0,0x100000000000", NULL, "mpidrs does not list" },
	{ "mpidrs", "0x0,zz", NULL, "mpidrs does not list" },
	{ "power-domains", "4", NULL, "power-domains is not 0 to 3" },
	{ "cpus-per-cluster", "17", NULL, "cpus-per-cluster is not 0 to 16" },
	{ "pm-features", "0x1", NULL, "pm-features is not" },
	{ "pm-features", "0x10000", NULL, "pm-features is not" },
	{ "pm-features", "osi", NULL, "pm-features is not" },
	{ "mem-mib", "0", NULL, "mem-mib is not a RAM size" },
	{ "mem-mib", "1073741825", NULL, "mem-mib is not a RAM size" },
	{ "kernel", "", NULL, "kernel is empty" },
	{ "kernel-size", "x", NULL, "kernel-size is not a number" },
	{ "kernel-size", "18446744073709551616", NULL, "kernel-size is not a number" },
	{ "kernel-sha256", "abc", NULL, "kernel-sha256 is not 64 hex digits" },
	{ "kernel-sha256", "", NULL, "kernel-sha256 is not 64 hex digits" },
	{ "initrd-size", "", NULL, "initrd-size is not a number" },
	{ "initrd-sha256", "ABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCD", NULL,
	  "initrd-sha256 is not 64 hex digits" },
	{ "initrd-sha256", "", NULL, "initrd-sha256 is missing" },
	{ "disks", "5", NULL, "disks is not a disk count" },
	{ "disks", "1", NULL, "disk entries do not match disks=1" },
	{ "disks", "3", NULL, "disk entries do not match disks=3" },
	{ "disk1", "", NULL, "bad or repeated disk entry" },
	{ "disk1-size", "big", NULL, "bad or repeated disk entry" },
	{ "engine-snapshot", "abc", NULL, "engine-snapshot is not an even number" },
	{ "engine-snapshot", "", NULL, "engine-snapshot is not an even number" },
	{ "engine-snapshot", "zz", NULL, "engine-snapshot is not hex" },
	{ "mem-mib", NULL, NULL, "key 'mem-mib' is missing" },
	{ "engine-snapshot", NULL, NULL, "key 'engine-snapshot' is missing" },
	{ "disk0", NULL, NULL, "disk entries do not match disks=2" },
	{ NULL, NULL, "cpus=2", "key 'cpus' given twice" },
	{ NULL, NULL, "colour=blue", "unknown key 'colour'" },
	{ NULL, NULL, "no equals sign", "is not key=value" },
	{ NULL, NULL, "disk0=/again", "bad or repeated disk entry 'disk0'" },
	{ NULL, NULL, "disk4=/x", "bad or repeated disk entry" },
	{ NULL, NULL, "disk0-name=/x", "bad or repeated disk entry" },
};

static void expect_refusal(const struct vmm_buf *t, const char *want)
{
	struct hib_desc d;
	char why[400] = "";
	int r = desc_parse((const char *)t->p, t->len, &d, why, sizeof(why));

	if (r != -EINVAL || !strstr(why, want))
		fail_msg("want a refusal with '%s', got %d '%s'", want, r, why);
}

/* Aim: every malformed value, missing, repeated or unknown key is refused by name. */
static void test_value_refusals(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(value_refusals) / sizeof(value_refusals[0]); i++) {
		const struct refusal *f = &value_refusals[i];
		struct vmm_buf t = { 0 };

		sample_text(&t);
		if (f->add)
			fx_desc_add(&t, f->add);
		else if (f->value)
			fx_desc_set(&t, f->key, f->value);
		else
			fx_desc_drop(&t, f->key);
		expect_refusal(&t, f->want);
		vmm_buf_free(&t);
	}
}

/* Aim: mpidrs before cpus is refused (the count is not known yet). */
static void test_mpidrs_before_cpus(void **state)
{
	struct vmm_buf t = { 0 };

	(void)state;
	sample_text(&t);
	fx_desc_drop(&t, "cpus");
	fx_desc_add(&t, "cpus=2");	/* now after mpidrs */
	expect_refusal(&t, "mpidrs before cpus");
	vmm_buf_free(&t);
}

/* Aim: the frame: magic line, format, binary data, crc line, size bound. */
static void test_frame_refusals(void **state)
{
	struct vmm_buf t = { 0 };
	struct hib_desc d;
	char why[400], *big;

	(void)state;
	sample_text(&t);
	t.p[t.len - 3] ^= 1;	/* a crc digit */
	expect_refusal(&t, "checksum mismatch");
	t.p[t.len - 3] = 'x';
	expect_refusal(&t, "malformed crc32 line");
	t.p[20] ^= 0x20;	/* a byte of the body */
	expect_refusal(&t, "malformed crc32 line");
	vmm_buf_free(&t);

	sample_text(&t);
	t.p[40] ^= 0x20;
	expect_refusal(&t, "checksum mismatch");
	t.len -= 1;		/* no final newline */
	expect_refusal(&t, "truncated");
	t.len = 100;
	expect_refusal(&t, "truncated");
	memcpy(t.p, "vpsci-machine=2\n", 16);
	expect_refusal(&t, "format '2' is not understood");
	memcpy(t.p, "hello", 5);
	expect_refusal(&t, "no 'vpsci-machine=' first line");
	t.p[30] = 0;
	expect_refusal(&t, "binary data");
	vmm_buf_free(&t);

	assert_int_equal(desc_parse("", 0, &d, why, sizeof(why)), -EINVAL);
	assert_int_equal(desc_parse("vpsci-machine=1\n", 16, &d, why, sizeof(why)), -EINVAL);
	big = calloc(1, DESC_MAX_SIZE + 2);
	assert_non_null(big);
	assert_int_equal(desc_parse(big, DESC_MAX_SIZE + 1, &d, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "larger than"));
	free(big);
}

/* Aim: a crc line right after the first line leaves every key missing. */
static void test_empty_body(void **state)
{
	struct vmm_buf t = { 0 };

	(void)state;
	vmm_buf_printf(&t, "vpsci-machine=1\n");
	fx_desc_add(&t, "reason=SYSTEM_OFF");
	fx_desc_drop(&t, "reason");
	expect_refusal(&t, "key 'reason' is missing");
	vmm_buf_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_minimal),
		cmocka_unit_test(test_format_refusals),
		cmocka_unit_test(test_value_refusals),
		cmocka_unit_test(test_mpidrs_before_cpus),
		cmocka_unit_test(test_frame_refusals),
		cmocka_unit_test(test_empty_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
