/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Benchmarks (psci.sel=bench), timed with the generic counter (CNTVCT_EL0,
 * the only clock every implementation gives the guest). One line each:
 *   bench NAME VALUE UNIT
 * - call.NAME: cost of one call, in ns and in counter ticks: the median of
 *   BENCH_BATCHES batches of calls, after a warm-up;
 * - cpu_on.latency: CPU_ON issued -> first instruction of the target
 *   (the entry point reads the counter first thing), median/min/max of
 *   LAT_RUNS;
 * - cpu_on_off.cycle: CPU_ON + arrival + CPU_OFF + AFFINITY_INFO OFF, median;
 * - bringup.N / takedown.N: time to start N-1 secondaries until all have
 *   arrived (N CPUs on), then to take them all down until AFFINITY_INFO says
 *   OFF for each, for N = 2, 4, ..., 64 up to the VM's CPU count; the median
 *   of BRINGUP_RUNS runs.
 */
#include "gt.h"

#define BENCH_CALLS	2000
#define BENCH_WARMUP	50
#define LAT_RUNS	20
#define BENCH_BATCHES	5
#define BRINGUP_RUNS	3

static void out(const char *name, uint64_t v, const char *unit)
{
	gt_printf("bench %s %lu %s", name, v, unit);
}

static uint64_t median(uint64_t *v, unsigned int n)
{
	unsigned int i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/*
 * BENCH_BATCHES batches of BENCH_CALLS / BENCH_BATCHES calls; the median
 * batch is reported, so one batch disturbed by the shared host does not move
 * the result.
 */
static void bench_call(const char *name, uint64_t fid, uint64_t a1, uint64_t a2)
{
	struct gt_smccc_res r;
	uint64_t batch[BENCH_BATCHES], dt;
	unsigned int i, b, per = BENCH_CALLS / BENCH_BATCHES;
	char n[80];

	for (i = 0; i < BENCH_WARMUP; i++)
		gt_smccc(fid, a1, a2, 0, &r);
	if (r.a0 == GT_CALL_TRAPPED) {
		gt_note("bench %s: the call is UNDEFINED here, skipped", name);
		return;
	}
	for (b = 0; b < BENCH_BATCHES; b++) {
		uint64_t t0 = gt_counter();

		for (i = 0; i < per; i++)
			gt_smccc(fid, a1, a2, 0, &r);
		batch[b] = gt_counter() - t0;
	}
	dt = median(batch, BENCH_BATCHES);
	snprintf(n, sizeof(n), "call.%s", name);
	out(n, gt_ticks_to_ns(dt) / per, "ns");
	snprintf(n, sizeof(n), "call.%s.ticks_x1000", name);
	out(n, dt * 1000 / per, "ticks");
}

/* Standby with an interrupt already pending (masked): the call's own cost. */
static void bench_suspend(void)
{
	uint64_t t0, dt;
	unsigned int i;
	int64_t r = 0;

	if (!gt_gic_ready()) {
		gt_note("bench CPU_SUSPEND: no GICv3, skipped");
		return;
	}
	gt_timer_arm_now();
	for (i = 0; i < BENCH_WARMUP; i++)
		r = gt_psci(VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), 0, 0, 0);
	t0 = gt_counter();
	for (i = 0; i < BENCH_CALLS / 4; i++)
		r |= gt_psci(VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), 0, 0, 0);
	dt = gt_counter() - t0;
	gt_timer_disarm();
	if (r) {
		gt_note("bench CPU_SUSPEND: returned %s, skipped", gt_ret_name(r));
		return;
	}
	out("call.CPU_SUSPEND_standby_pending_irq", gt_ticks_to_ns(dt) / (BENCH_CALLS / 4), "ns");
}

static void bench_cpu_on(void)
{
	uint64_t lat[LAT_RUNS], cyc[LAT_RUNS], t0;
	unsigned int cpu, i, ok = 0;

	if (!gt_pick_off_cpus(&cpu, 1)) {
		gt_note("bench CPU_ON: single CPU, skipped");
		return;
	}
	for (i = 0; i < LAT_RUNS; i++) {
		uint32_t before = gt_cpu_arrivals(cpu);
		int64_t r;

		t0 = gt_counter();
		r = gt_cpu_on_raw(VPSCI_FN64(VPSCI_FN_CPU_ON), cpu,
				  (uint64_t)(uintptr_t)gt_entry_on, i, GT_BOOT_OFF);
		if (r || !gt_cpu_wait_arrival(cpu, before, GT_TIMEOUT_MS)) {
			gt_note("bench CPU_ON: run %u failed (%s)", i, gt_ret_name(r));
			gt_cpus[cpu].state = r ? GT_CPU_OFF : GT_CPU_LOST;
			break;
		}
		lat[ok] = gt_cpus[cpu].obs.t_entry - t0;
		if (gt_cpu_wait_off(cpu, GT_TIMEOUT_MS)) {
			gt_cpus[cpu].state = GT_CPU_LOST;
			break;
		}
		gt_cpus[cpu].state = GT_CPU_OFF;
		cyc[ok++] = gt_counter() - t0;
	}
	if (!ok)
		return;
	out("cpu_on.latency.median", gt_ticks_to_ns(median(lat, ok)), "ns");
	out("cpu_on.latency.min", gt_ticks_to_ns(lat[0]), "ns");
	out("cpu_on.latency.max", gt_ticks_to_ns(lat[ok - 1]), "ns");
	out("cpu_on_off.cycle.median", gt_ticks_to_ns(median(cyc, ok)), "ns");
}

/* One bring-up and take-down of n CPUs; false when a CPU misbehaved. */
static bool bringup_once(unsigned int n, uint64_t *t_up, uint64_t *t_down)
{
	unsigned int cpus[GT_MAX_CPUS], got, i;
	uint32_t before[GT_MAX_CPUS];
	uint64_t t0;

	got = gt_pick_off_cpus(cpus, n - 1);
	if (got != n - 1)
		return false;
	for (i = 0; i < got; i++)
		before[i] = gt_cpu_arrivals(cpus[i]);
	t0 = gt_counter();
	for (i = 0; i < got; i++)
		if (gt_cpu_on_raw(VPSCI_FN64(VPSCI_FN_CPU_ON), cpus[i],
				  (uint64_t)(uintptr_t)gt_entry_on, cpus[i], GT_BOOT_SERVE))
			break;
	if (i != got) {
		gt_note("bench bring-up N=%u: CPU_ON failed for CPU%u", n, cpus[i]);
		gt_cpus_all_down();
		return false;
	}
	for (i = 0; i < got; i++)
		if (!gt_cpu_wait_arrival(cpus[i], before[i], 4 * GT_TIMEOUT_MS))
			break;
	*t_up = gt_counter() - t0;
	if (i != got) {
		gt_note("bench bring-up N=%u: CPU%u did not arrive", n, cpus[i]);
		gt_cpus[cpus[i]].state = GT_CPU_LOST;
		gt_cpus_all_down();
		return false;
	}
	t0 = gt_counter();
	for (i = 0; i < got; i++)
		gt_cpu_down_start(cpus[i]);
	for (i = 0; i < got; i++)
		gt_cpu_down_wait(cpus[i]);
	*t_down = gt_counter() - t0;
	return true;
}

static void bench_bringup(void)
{
	static const unsigned int sizes[] = { 2, 4, 8, 16, 32, 64 };
	unsigned int s, k;

	for (s = 0; s < GT_ARRAY_SIZE(sizes); s++) {
		uint64_t up[BRINGUP_RUNS], down[BRINGUP_RUNS];
		unsigned int n = sizes[s];
		char name[32];

		if (n > gt_nr_usable_cpus())
			break;
		for (k = 0; k < BRINGUP_RUNS; k++)
			if (!bringup_once(n, &up[k], &down[k]))
				return;
		snprintf(name, sizeof(name), "bringup.%u", n);
		out(name, gt_ticks_to_ns(median(up, BRINGUP_RUNS)) / 1000, "us");
		snprintf(name, sizeof(name), "takedown.%u", n);
		out(name, gt_ticks_to_ns(median(down, BRINGUP_RUNS)) / 1000, "us");
	}
}

void gt_run_bench(void)
{
	gt_note("benchmarks: %u calls each in %u batches, counter at %lu Hz", BENCH_CALLS,
		BENCH_BATCHES, gt_counter_freq());
	bench_call("PSCI_VERSION", VPSCI_FN32(VPSCI_FN_PSCI_VERSION), 0, 0);
	bench_call("PSCI_FEATURES", VPSCI_FN32(VPSCI_FN_PSCI_FEATURES),
		   VPSCI_FN32(VPSCI_FN_CPU_ON), 0);
	bench_call("AFFINITY_INFO", VPSCI_FN64(VPSCI_FN_AFFINITY_INFO),
		   gt_boot.mpidr[gt_boot_cpu], 0);
	bench_call("MIGRATE_INFO_TYPE", VPSCI_FN32(VPSCI_FN_MIGRATE_INFO_TYPE), 0, 0);
	bench_call("unallocated_PSCI_ID", VPSCI_FN32(0x1f), 0, 0);
	bench_call("SMCCC_VERSION", VPSCI_SMCCC_VERSION, 0, 0);
	if (gt_null_call_fid)
		bench_call("null_forwarded", gt_null_call_fid, 0, 0);
	bench_suspend();
	bench_cpu_on();
	bench_bringup();
	gt_printf("bench done");
}
