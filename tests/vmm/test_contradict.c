// SPDX-License-Identifier: BSD-2-Clause
/*
 * The one contradiction check of a restore (vmm/machine.c, rules[]):
 * every field, given or not, recorded or not, and what it reports. The
 * issue-12 drift: only an option typed counts (the default-version knob
 * sets psci_version but no "given" bit), power-domain options count for
 * every format that records them, paths compare as recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

/* One field: the option that sets it, what the message says it holds. */
struct row {
	unsigned int field;
	const char *opt, *opt_val, *rec_val;
};

/* Replace a string the record owns. */
static void set_str(char **p, const char *v)
{
	free(*p);
	*p = v ? strdup(v) : NULL;
}

/* Make field differ from fx_machine()'s value. */
static void change(struct vmm_machine *m, unsigned int field)
{
	switch (field) {
	case VMM_F_CPUS: m->cpus = 4; break;
	case VMM_F_PSCI_VERSION: m->psci_version = VPSCI_VERSION_1_0; break;
	case VMM_F_MEM: m->mem_mib = 256; break;
	case VMM_F_MODE: m->mode = VMM_PSCI_KERNEL; break;
	case VMM_F_CONDUIT: m->conduit = VPSCI_CONDUIT_SMC; break;
	case VMM_F_POWER_DOMAINS: m->pd_levels = 1; break;
	case VMM_F_CPUS_PER_CLUSTER: m->cpus_per_cluster = 4; break;
	case VMM_F_PM_FEATURES: m->pm_features = VMM_PM_FEATURES_ALL; break;
	case VMM_F_SYSTEM_SUSPEND: m->system_suspend = false; break;
	case VMM_F_KERNEL: set_str(&m->kernel.path, "/boot/other"); break;
	case VMM_F_INITRD: set_str(&m->initrd.path, NULL); break;
	case VMM_F_APPEND: set_str(&m->append, "quiet"); break;
	case VMM_F_DISKS: m->nr_disks = 1; break;
	default: fail_msg("no change for field 0x%x", field);
	}
}

static const struct row rows[] = {
	{ VMM_F_CPUS, "--cpus", "4", "2 vCPUs" },
	{ VMM_F_PSCI_VERSION, "--psci-version", "1.0", "1.3" },
	{ VMM_F_MEM, "--mem", "256", "1 MiB" },
	{ VMM_F_MODE, "--psci", "kernel", "user mode" },
	{ VMM_F_CONDUIT, "--conduit", "smc", "hvc" },
	{ VMM_F_POWER_DOMAINS, "--power-domains", "1", "2 power-domain levels" },
	{ VMM_F_CPUS_PER_CLUSTER, "--cpus-per-cluster", "4", "2 CPUs per cluster (0: KVM's MPIDRs)" },
	{ VMM_F_PM_FEATURES, "--pm-features", "all", "0x18 (PSCI features)" },
	{ VMM_F_SYSTEM_SUSPEND, "--no-system-suspend", "", "SYSTEM_SUSPEND offered" },
	{ VMM_F_KERNEL, "--kernel", "/boot/other", "/boot/vmlinuz" },
	{ VMM_F_INITRD, "--initrd", "none", "/boot/initrd.img" },
	{ VMM_F_APPEND, "--append", "quiet", "console=ttyAMA0 quiet" },
	{ VMM_F_DISKS, "--disk", "(other disks)",
	  "2 disks, the first /var/disk0.img" },
};
#define NR_ROWS (sizeof(rows) / sizeof(rows[0]))

/* Aim: the same machine never contradicts itself, whatever was given. */
static void test_same_machine(void **state)
{
	struct vmm_machine a, b;
	struct vmm_contradiction why;

	(void)state;
	fx_machine(&a);
	fx_machine(&b);
	assert_int_equal(vmm_machine_contradiction(&a, VMM_F_ALL, &b, VMM_F_ALL, &why), 0);
	vmm_machine_free(&a);
	vmm_machine_free(&b);
}

/*
 * Aim: each field, changed and given, is reported by its option with both
 * values; not given, or not recorded by the format, it is not.
 */
static void test_each_field(void **state)
{
	assert_int_equal(NR_ROWS, 13);
	(void)state;
	for (size_t i = 0; i < NR_ROWS; i++) {
		const struct row *r = &rows[i];
		struct vmm_machine opt, rec;
		struct vmm_contradiction why;

		fx_machine(&opt);
		fx_machine(&rec);
		change(&opt, r->field);
		assert_int_equal(vmm_machine_contradiction(&opt, r->field, &rec, VMM_F_ALL, &why),
				 r->field);
		assert_string_equal(why.opt_name, r->opt);
		assert_string_equal(why.opt_val, r->opt_val);
		assert_string_equal(why.rec_val, r->rec_val);
		assert_int_equal(vmm_machine_contradiction(&opt, VMM_F_ALL & ~r->field, &rec,
							   VMM_F_ALL, &why), 0);
		assert_int_equal(vmm_machine_contradiction(&opt, VMM_F_ALL, &rec,
							   VMM_F_ALL & ~r->field, &why), 0);
		vmm_machine_free(&opt);
		vmm_machine_free(&rec);
	}
}

/*
 * Aim (issue 12): VPSCI_RUN_DEFAULT_PSCI_VERSION sets the options'
 * version without the "given" bit: no contradiction, for the snapshot's
 * fields as for the description's.
 */
static void test_knob_is_not_an_option(void **state)
{
	struct vmm_machine opt, rec;
	struct vmm_contradiction why;

	(void)state;
	fx_machine(&opt);
	fx_machine(&rec);
	opt.psci_version = VPSCI_VERSION_1_0;	/* the knob's value */
	assert_int_equal(vmm_machine_contradiction(&opt, VMM_F_CPUS | VMM_F_MEM, &rec,
						   VMM_F_ALL, &why), 0);
	vmm_machine_free(&opt);
	vmm_machine_free(&rec);
}

/* Aim: the first contradiction in table order wins; NULL and "" strings are alike. */
static void test_order_and_empty(void **state)
{
	struct vmm_machine opt, rec;
	struct vmm_contradiction why;

	(void)state;
	fx_machine(&opt);
	fx_machine(&rec);
	change(&opt, VMM_F_MEM);
	change(&opt, VMM_F_CPUS);
	assert_int_equal(vmm_machine_contradiction(&opt, VMM_F_ALL, &rec, VMM_F_ALL, &why),
			 VMM_F_CPUS);
	vmm_machine_free(&opt);
	fx_machine(&opt);
	free(opt.append);
	opt.append = strdup("");
	free(rec.append);
	rec.append = NULL;
	assert_int_equal(vmm_machine_contradiction(&opt, VMM_F_APPEND, &rec, VMM_F_ALL, &why), 0);
	vmm_machine_free(&opt);
	vmm_machine_free(&rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_machine),
		cmocka_unit_test(test_each_field),
		cmocka_unit_test(test_knob_is_not_an_option),
		cmocka_unit_test(test_order_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
