/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Boot CPU main: read the DT, set up the console, MMU and GIC, then run what
 * /chosen/bootargs selects and power off through PSCI.
 *
 *   psci.sel=all      every test, TAP, then SYSTEM_OFF (default)
 *   psci.sel=bench    benchmarks, "bench NAME VALUE UNIT" lines
 *   psci.sel=list     the test list only (numbers, names, clauses)
 *   psci.sel=storm    hostile random calls on every CPU, then SYSTEM_OFF (programs/storm.c)
 *   psci.sel=snapshot PSCI state across a VM snapshot/restore (programs/snapshot.c)
 *   psci.sel=memprot  MEM_PROTECT across a SYSTEM_RESET (tests/mem_protect.c)
 *   psci.sel=reset | reset2 | off | off2 | off2-zero
 *                     one call that ends the run (SYSTEM_RESET,
 *                     SYSTEM_RESET2(WARM_RESET), SYSTEM_OFF,
 *                     SYSTEM_OFF2(HIBERNATE_OFF), SYSTEM_OFF2(0)); the
 *                     runner judges how the VM ended
 *   psci.only=TEXT    run only tests whose name contains TEXT (one word:
 *                     bootargs split at spaces; the others SKIP)
 *   psci.nullcall=ID  a VMM's null forwarded call, benchmarked as baseline
 */
#include <libfdt.h>

#include "gt.h"

uint64_t gt_null_call_fid;
static char only[64];

/*
 * A warm reset must bring the guest back: QEMU keeps RAM across a reset, so
 * the last page of RAM carries a marker telling the second boot that it is
 * the second one (DEN0022: SYSTEM_RESET2 WARM_RESET / SYSTEM_RESET restart
 * the system).
 */
#define RESET_MAGIC	0x7465736572746775ull	/* "ugtreset" */

struct reset_marker {
	uint64_t magic;
	uint64_t which;		/* 1 SYSTEM_RESET, 2 SYSTEM_RESET2 */
	uint64_t check;
};

static struct reset_marker *marker_page(void)
{
	uint64_t top = 0;
	unsigned int i;

	for (i = 0; i < gt_plat.nr_mem; i++)
		if (gt_plat.mem_base[i] + gt_plat.mem_size[i] > top)
			top = gt_plat.mem_base[i] + gt_plat.mem_size[i];
	return top ? (struct reset_marker *)(uintptr_t)(top - 4096) : NULL;
}

static const struct gt_test reset_tests[] = {
	{ "SYSTEM_RESET restarts the system", "DEN0022 5.11 SYSTEM_RESET", NULL, 0 },
	{ "SYSTEM_RESET2 WARM_RESET restarts the system", "DEN0022 5.12 SYSTEM_RESET2", NULL, 0 },
	{ "SYSTEM_OFF powers the system off", "DEN0022 5.10 SYSTEM_OFF", NULL, 0 },
	{ "SYSTEM_OFF2 HIBERNATE_OFF powers the system off for hibernation",
	  "DEN0022F SYSTEM_OFF2", NULL, 0 },
	{ "SYSTEM_OFF2 type 0 is accepted as HIBERNATE_OFF", "DEN0022F SYSTEM_OFF2", NULL, 0 },
};

static GT_NORETURN void power_off(void)
{
	int64_t r = gt_psci(VPSCI_FN32(VPSCI_FN_SYSTEM_OFF), 0, 0, 0);

	gt_note("SYSTEM_OFF returned %s (%ld)", gt_ret_name(r), r);
	for (;;)
		__asm__ volatile("wfi");
}

static void check_reset_marker(void)
{
	struct reset_marker *m = marker_page();

	if (!m || m->magic != RESET_MAGIC || m->check != (m->which ^ RESET_MAGIC))
		return;
	gt_note("second boot after the system reset requested by the previous run");
	gt_tap_plan(1);
	gt_tap_result(&reset_tests[m->which == 2 ? 1 : 0], gt_pass("the guest booted again"));
	m->magic = 0;
	gt_clean_dcache(m, sizeof(*m));
	gt_tap_summary();
	power_off();
}

/* One call that ends the run; a return is the only thing we can judge here. */
static GT_NORETURN void run_final_call(unsigned int which)
{
	static const uint32_t fn[] = { VPSCI_FN_SYSTEM_RESET, VPSCI_FN_SYSTEM_RESET2,
				       VPSCI_FN_SYSTEM_OFF, VPSCI_FN_SYSTEM_OFF2,
				       VPSCI_FN_SYSTEM_OFF2 };
	static const uint64_t arg1[] = { 0, VPSCI_RESET2_WARM_RESET, 0,
					 VPSCI_OFF2_TYPE_HIBERNATE_OFF, 0 };
	const struct gt_test *t = &reset_tests[which];
	struct reset_marker *m = marker_page();
	int64_t r;

	gt_tap_plan(1);
	if (!gt_advertised(fn[which])) {
		gt_tap_result(t, gt_skip("%s not advertised", gt_fn_name(fn[which])));
		gt_tap_summary();
		power_off();
	}
	if (which <= 1 && m) {
		m->magic = RESET_MAGIC;
		m->which = which + 1;
		m->check = m->which ^ RESET_MAGIC;
		gt_clean_dcache(m, sizeof(*m));
	}
	gt_note("calling %s(0x%lx, 0): the run should end here (the runner judges)",
		gt_fn_name(fn[which]), arg1[which]);
	r = gt_psci(VPSCI_FN32(fn[which]), arg1[which], 0, 0);
	if (m)
		m->magic = 0;
	gt_tap_result(t, gt_fail("%s returned %s (%ld)", gt_fn_name(fn[which]), gt_ret_name(r),
				 r));
	gt_tap_summary();
	power_off();
}

static unsigned int count_tests(void)
{
	unsigned int n = 0;
	size_t g;

	for (g = 0; g < gt_nr_groups; g++)
		n += (unsigned int)*gt_all_groups[g].count;
	return n;
}

static void run_tests(bool list_only)
{
	size_t g, i;
	unsigned int n = 0;

	gt_tap_plan(count_tests());
	for (g = 0; g < gt_nr_groups; g++) {
		for (i = 0; i < *gt_all_groups[g].count; i++) {
			const struct gt_test *t = &gt_all_groups[g].tests[i];
			enum gt_verdict v;

			n++;
			if (list_only) {
				gt_printf("%u %s [%s]", n, t->name, t->clause);
				continue;
			}
			if (only[0] && !strstr(t->name, only))
				v = gt_skip("not selected by psci.only=%s", only);
			else
				v = t->fn(t->arg);
			gt_tap_result(t, v);
			gt_cpus_all_down();
		}
	}
}

static void banner(uint64_t boot_el)
{
	gt_note("vpsci guest conformance suite");
	gt_note("entered at EL%lu%s; %u CPUs in the DT%s; PSCI method %s, compatible \"%s\"",
		boot_el, boot_el == 2 ? " (dropped to EL1)" : "", gt_plat.nr_cpus_dt,
		gt_plat.nr_cpus_dt > gt_plat.nr_cpus ? " (only the first 64 used)" : "",
		gt_plat.method, gt_plat.compatible);
	gt_note("PSCI_VERSION %u.%u; counter %lu Hz; GICv3 %s; bootargs \"%s\"",
		VPSCI_VERSION_MAJOR(gt_psci_version), VPSCI_VERSION_MINOR(gt_psci_version),
		gt_counter_freq(), gt_gic_ready() ? "ready" : "absent (no wake-ups: suspend tests SKIP)",
		gt_plat.bootargs);
}

void gt_main(uint64_t dtb, uint64_t boot_el);

void gt_main(uint64_t dtb, uint64_t boot_el)
{
	const void *fdt = (const void *)(uintptr_t)dtb;
	char sel[24], buf[32];
	unsigned int i;
	int err;

	if (fdt_check_header(fdt) || gt_dt_find_uart(fdt))
		for (;;)
			__asm__ volatile("wfi");	/* no console: nothing we can say */
	gt_uart_init(gt_plat.uart_base, gt_plat.uart_kind, gt_plat.uart_shift);
	gt_printf("%s", "");
	err = gt_dt_parse(fdt);
	if (err)
		gt_bail_out("device tree unusable: %s (need /psci with method, /cpus)",
			    fdt_strerror(err));
	gt_conduit_smc = !strcmp(gt_plat.method, "smc");
	gt_boot_cpu = gt_this_cpu();
	if (gt_boot_cpu >= GT_MAX_CPUS)
		gt_bail_out("the boot CPU's MPIDR 0x%lx is not in /cpus",
			    gt_read_sysreg(mpidr_el1));
	for (i = 0; i < gt_boot.nr_cpus; i++) {
		gt_cpus[i].mpidr = gt_boot.mpidr[i];
		gt_cpus[i].state = i == gt_boot_cpu ? GT_CPU_ON : GT_CPU_OFF;
	}
	gt_mmu_map_ram();
	gt_clean_dcache(&gt_boot, sizeof(gt_boot));
	if (gt_gic_init() == 0)
		gt_gic_cpu_init();
	gt_psci_version = (uint32_t)gt_psci(VPSCI_FN32(VPSCI_FN_PSCI_VERSION), 0, 0, 0);

	if (gt_bootarg("psci.nullcall", buf, sizeof(buf)))
		gt_null_call_fid = strtoul(buf, NULL, 0);
	if (!gt_bootarg("psci.only", only, sizeof(only)))
		only[0] = '\0';
	if (!gt_bootarg("psci.sel", sel, sizeof(sel)))
		snprintf(sel, sizeof(sel), "all");

	check_reset_marker();
	banner(boot_el);

	if (!strcmp(sel, "all") || !strcmp(sel, "list")) {
		run_tests(!strcmp(sel, "list"));
	} else if (!strcmp(sel, "bench")) {
		gt_run_bench();
		power_off();
	} else if (!strcmp(sel, "storm")) {
		gt_run_storm();
	} else if (!strcmp(sel, "snapshot")) {
		gt_run_snapshot();	/* programs/snapshot.c: state across vpsci-run --snapshot/--restore */
	} else if (!strcmp(sel, "memprot")) {
		gt_run_memprot();
	} else if (!strcmp(sel, "reset")) {
		run_final_call(0);
	} else if (!strcmp(sel, "reset2")) {
		run_final_call(1);
	} else if (!strcmp(sel, "off")) {
		run_final_call(2);
	} else if (!strcmp(sel, "off2")) {
		run_final_call(3);
	} else if (!strcmp(sel, "off2-zero")) {
		run_final_call(4);
	} else {
		gt_bail_out("unknown selector psci.sel=%s", sel);
	}
	gt_tap_summary();
	power_off();
}
