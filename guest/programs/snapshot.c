/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * psci.sel=snapshot: the guest side of a VM snapshot/restore (vpsci-run
 * --snapshot / --restore, docs/vm-snapshot.md). The PSCI state a guest sees
 * must not change under it across a snapshot: DEN0022 gives firmware no
 * way to tell the OS that it "moved", so every answer after the restore has
 * to be one the same firmware could have given without the pause.
 *
 * Four CPUs are put in different PSCI states: CPU0 runs this check, CPU1 is
 * on and counts, CPU2 is off (CPU_ON then CPU_OFF), CPU3 is in a power-down
 * CPU_SUSPEND with no timer armed, waiting for an SGI. CPU0 records what it
 * expects, prints "# snapshot-ready", then waits for a byte on the UART (the
 * test driver sends it to the restored VM; the snapshot is taken while it
 * waits). Then it checks the answers are unchanged, wakes CPU3 with an SGI
 * (it must resume at its entry point with its context id), turns CPU2 on
 * again, and prints TAP.
 */
#include "tests/tests.h"

#define SNAP_CTX		0x5a5a0000c0de0003ull
#define SNAP_SGI		1
#define PATTERN_WORDS		(64 * 1024 / 8)
#define GO_TIMEOUT_MS		600000u	/* guest time: the counter stops while snapshotted */

#define PL011_DR		0x00
#define PL011_FR		0x18
#define PL011_FR_RXFE		(1u << 4)

static uint64_t pattern[PATTERN_WORDS];
static volatile uint64_t spin_count;
static volatile uint32_t spin_stop;
static volatile uint32_t susp_entering;

static const uint32_t feature_fns[] = {
	VPSCI_FN_PSCI_VERSION, VPSCI_FN_CPU_SUSPEND, VPSCI_FN_CPU_OFF, VPSCI_FN_CPU_ON,
	VPSCI_FN_AFFINITY_INFO, VPSCI_FN_SYSTEM_OFF, VPSCI_FN_SYSTEM_RESET,
	VPSCI_FN_PSCI_FEATURES, VPSCI_FN_SYSTEM_SUSPEND, VPSCI_FN_SYSTEM_RESET2,
	VPSCI_FN_SYSTEM_OFF2,
};

static struct {
	uint32_t version;
	int64_t features[GT_ARRAY_SIZE(feature_fns)];
	int64_t aff[4];
	uint64_t counter;
} before;

static const struct gt_test snap_tests[] = {
	{ "snapshot: PSCI_VERSION unchanged across the restore", C_VERSION, NULL, 0 },
	{ "snapshot: PSCI_FEATURES answers unchanged", C_FEATURES, NULL, 0 },
	{ "snapshot: AFFINITY_INFO of every CPU unchanged", C_AFF, NULL, 0 },
	{ "snapshot: memory pattern intact", "vpsci-run snapshot: RAM", NULL, 0 },
	{ "snapshot: the virtual counter did not go backwards", "vpsci-run snapshot: timer",
	  NULL, 0 },
	{ "snapshot: the spinning CPU goes on running", "vpsci-run snapshot: vCPU registers",
	  NULL, 0 },
	{ "snapshot: the suspended CPU wakes at its entry point", C_SUSPEND, NULL, 0 },
	{ "snapshot: CPU_ON of the CPU that was off", C_ON, NULL, 0 },
};

static uint64_t pattern_word(size_t i)
{
	return (i + 1) * 0x9e3779b97f4a7c15ull ^ 0x5eed5eed5eed5eedull;
}

static int64_t work_spin(unsigned int cpu, uint64_t arg)
{
	(void)cpu;
	(void)arg;
	while (!spin_stop)
		spin_count = spin_count + 1;
	return 0;
}

static inline uint32_t rd32(uint64_t a)
{
	return *(volatile uint32_t *)a;
}

/* Let SNAP_SGI wake this CPU (on), or no longer (off). */
static int sgi_enable(bool on)
{
	int r = gt_gic_private_irq(SNAP_SGI, on);

	gt_dsb();
	return r;
}

/* CPU3: power-down CPU_SUSPEND with no timer: only the SGI sent after the restore wakes it. */
static int64_t work_suspend(unsigned int cpu, uint64_t ctx)
{
	char why[120];
	uint64_t r;

	if (sgi_enable(true) < 0)
		return -900;
	gt_timer_disarm();
	susp_entering = 1;
	gt_dsb();
	r = gt_smccc_suspend(VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), gt_ps_powerdown(),
			     (uint64_t)(uintptr_t)gt_entry_resume, ctx);
	if (r == GT_RESUMED) {
		gt_gic_cpu_init();	/* a real power-down loses the CPU interface state */
		if (!gt_entry_ok(&gt_resume_obs[cpu], ctx, why, sizeof(why))) {
			gt_note("CPU%u: %s", cpu, why);
			r = (uint64_t)-999;
		}
	}
	sgi_enable(false);
	return r == GT_RESUMED ? GT_RESUMED : (int32_t)(uint32_t)r;
}

static int64_t affinity(unsigned int cpu)
{
	return gt_psci(VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), gt_boot.mpidr[cpu], 0, 0);
}

/* Wait for one byte on the PL011 (the driver's "go"); false after the timeout. */
static bool wait_go(void)
{
	uint64_t base = gt_plat.uart_base;
	uint64_t end = gt_counter() + gt_ms_to_ticks(GO_TIMEOUT_MS);

	if (gt_plat.uart_kind != GT_UART_PL011)
		return false;
	while (gt_counter() < end) {
		if (!(rd32(base + PL011_FR) & PL011_FR_RXFE)) {
			(void)rd32(base + PL011_DR);
			return true;
		}
		gt_delay_us(20000);
	}
	return false;
}

static void set_up(void)
{
	size_t i;

	for (i = 0; i < PATTERN_WORDS; i++)
		pattern[i] = pattern_word(i);
	if (gt_cpu_up(1))
		gt_bail_out("snapshot: CPU_ON of CPU1 failed");
	gt_cpu_post(1, work_spin, 0);
	if (gt_cpu_up(2) || gt_cpu_down(2))
		gt_bail_out("snapshot: CPU2 could not be turned on and off");
	if (gt_cpu_up(3))
		gt_bail_out("snapshot: CPU_ON of CPU3 failed");
	gt_cpu_post(3, work_suspend, SNAP_CTX);
	while (!susp_entering || !spin_count)
		gt_relax();
	gt_delay_us(200000);	/* CPU3 reaches its CPU_SUSPEND, CPU1 counts */

	before.version = (uint32_t)gt_psci(VPSCI_FN32(VPSCI_FN_PSCI_VERSION), 0, 0, 0);
	for (i = 0; i < GT_ARRAY_SIZE(feature_fns); i++)
		before.features[i] = gt_features(VPSCI_FN32(feature_fns[i]));
	for (i = 0; i < 4; i++)
		before.aff[i] = affinity((unsigned int)i);
	before.counter = gt_counter();
}

static enum gt_verdict check_features(void)
{
	for (size_t i = 0; i < GT_ARRAY_SIZE(feature_fns); i++) {
		int64_t r = gt_features(VPSCI_FN32(feature_fns[i]));

		if (r != before.features[i])
			return gt_fail("PSCI_FEATURES(%s) = %ld, was %ld before the snapshot",
				       gt_fn_name(feature_fns[i]), r, before.features[i]);
	}
	return gt_pass("%zu functions", GT_ARRAY_SIZE(feature_fns));
}

static enum gt_verdict check_affinity(void)
{
	static const int64_t expect[4] = { VPSCI_AFF_ON, VPSCI_AFF_ON, VPSCI_AFF_OFF, VPSCI_AFF_ON };

	for (unsigned int i = 0; i < 4; i++) {
		int64_t r = affinity(i);

		if (before.aff[i] != expect[i])
			return gt_fail("CPU%u was %ld before the snapshot, expected %ld", i,
				       before.aff[i], expect[i]);
		if (r != before.aff[i])
			return gt_fail("CPU%u: AFFINITY_INFO = %ld, was %ld before the snapshot", i,
				       r, before.aff[i]);
	}
	return gt_pass("ON, ON, OFF, ON (suspended)");
}

static enum gt_verdict check_pattern(void)
{
	for (size_t i = 0; i < PATTERN_WORDS; i++)
		if (pattern[i] != pattern_word(i))
			return gt_fail("word %zu = 0x%lx, expected 0x%lx", i, pattern[i],
				       pattern_word(i));
	return gt_pass("%u KiB", PATTERN_WORDS * 8 / 1024);
}

static enum gt_verdict check_counter(void)
{
	uint64_t c1 = gt_counter(), c2;

	gt_delay_us(1000);
	c2 = gt_counter();
	if (c1 < before.counter)
		return gt_fail("CNTVCT_EL0 0x%lx after the restore, 0x%lx before", c1,
			       before.counter);
	if (c2 <= c1)
		return gt_fail("CNTVCT_EL0 stands still (0x%lx)", c1);
	return gt_pass("%lu ms of guest time since the recording",
		       gt_ticks_to_ns(c1 - before.counter) / 1000000);
}

static enum gt_verdict check_spin(void)
{
	uint64_t a = spin_count, b;
	uint64_t end = gt_counter() + gt_ms_to_ticks(GT_TIMEOUT_MS);

	do
		b = spin_count;
	while (b == a && gt_counter() < end);
	if (b == a)
		return gt_fail("CPU1's counter stays at %lu", a);
	return gt_pass("CPU1's counter %lu -> %lu", a, b);
}

static enum gt_verdict check_suspended(void)
{
	int64_t r;

	gt_gic_send_sgi(SNAP_SGI, gt_boot.mpidr[3]);
	if (!gt_cpu_wait_done(3, GT_TIMEOUT_MS, &r)) {
		gt_cpus[3].state = GT_CPU_LOST;
		return gt_fail("CPU3 did not wake from CPU_SUSPEND after an SGI");
	}
	if (r == GT_RESUMED)
		return gt_pass("resumed at the entry point with context id 0x%llx", SNAP_CTX);
	if (r == VPSCI_RET_SUCCESS)
		return gt_pass("returned SUCCESS (treated as standby)");
	return gt_fail("CPU3: CPU_SUSPEND = %ld (%s)", r, gt_ret_name(r));
}

static enum gt_verdict check_cpu_on(void)
{
	int64_t r = gt_cpu_up(2);

	if (r)
		return gt_fail("CPU_ON(CPU2) = %ld (%s)", r, gt_ret_name(r));
	if (affinity(2) != VPSCI_AFF_ON)
		return gt_fail("CPU2 is not ON after CPU_ON");
	r = gt_cpu_down(2);
	if (r)
		return gt_fail("CPU2 did not go off again (%ld)", r);
	return GT_PASS;
}

void gt_run_snapshot(void)
{
	uint32_t v;

	if (gt_plat.nr_cpus < 4)
		gt_bail_out("psci.sel=snapshot needs 4 CPUs, the DT has %u", gt_plat.nr_cpus);
	if (!gt_gic_ready())
		gt_bail_out("psci.sel=snapshot needs a GICv3 to wake the suspended CPU");
	if (!gt_plat.have_idle_powerdown && !gt_advertised(VPSCI_FN_CPU_SUSPEND))
		gt_bail_out("psci.sel=snapshot needs CPU_SUSPEND");
	set_up();
	gt_note("snapshot-ready: CPU0 checks, CPU1 spins, CPU2 off, CPU3 in CPU_SUSPEND");
	if (!wait_go())
		gt_bail_out("snapshot: no byte arrived on the UART within %u s", GO_TIMEOUT_MS / 1000);
	gt_note("snapshot: go");

	gt_tap_plan(GT_ARRAY_SIZE(snap_tests));
	v = (uint32_t)gt_psci(VPSCI_FN32(VPSCI_FN_PSCI_VERSION), 0, 0, 0);
	gt_tap_result(&snap_tests[0], v == before.version ?
		      gt_pass("%u.%u", VPSCI_VERSION_MAJOR(v), VPSCI_VERSION_MINOR(v)) :
		      gt_fail("0x%x, was 0x%x before the snapshot", v, before.version));
	gt_tap_result(&snap_tests[1], check_features());
	gt_tap_result(&snap_tests[2], check_affinity());
	gt_tap_result(&snap_tests[3], check_pattern());
	gt_tap_result(&snap_tests[4], check_counter());
	gt_tap_result(&snap_tests[5], check_spin());
	gt_tap_result(&snap_tests[6], check_suspended());
	gt_tap_result(&snap_tests[7], check_cpu_on());
	spin_stop = 1;
	gt_dsb();
	gt_cpu_wait_done(1, GT_TIMEOUT_MS, NULL);
	gt_cpus_all_down();
}
