/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CPU_ON (DEN0022 5.4): success, the target's entry state, ALREADY_ON,
 * INVALID_PARAMETERS for MPIDRs that name no CPU, SMC32 narrowing, a race of
 * every CPU to start one target, and 100 ON/OFF cycles. The bad-entry-point
 * cases are in late.c: an implementation that accepts them loses a CPU.
 */
#include "tests.h"

#define CTX64		0xa5a55a5a12345678ull

static struct gt_entry_obs stash;
static bool stash_valid;
static uint64_t stash_ctx;

/* Every secondary, one at a time, through the SMC64 ID. */
static enum gt_verdict t_on_all(uintptr_t arg)
{
	unsigned int i, n = 0;

	(void)arg;
	for (i = 0; i < gt_boot.nr_cpus; i++) {
		int64_t r;

		if (i == gt_boot_cpu || gt_cpus[i].state != GT_CPU_OFF)
			continue;
		r = gt_cpu_up(i);
		if (r)
			return gt_fail("CPU_ON(CPU%u, MPIDR 0x%lx) = %s", i, gt_boot.mpidr[i],
				       gt_ret_name(r));
		if (gt_cpus[i].obs.x0 != i)
			return gt_fail("CPU%u started with x0 = 0x%lx, expected %u", i,
				       gt_cpus[i].obs.x0, i);
		if (gt_cpu_down(i))
			return gt_fail("CPU%u did not power off again", i);
		n++;
	}
	if (!n)
		return gt_skip("the VM has a single CPU");
	return gt_pass("%u secondaries started and stopped", n);
}

/* Start one CPU at the alternative entry point with a 64-bit context id. */
static enum gt_verdict t_on_entry_pc(uintptr_t arg)
{
	unsigned int cpu;
	uint32_t before;
	int64_t r;

	(void)arg;
	if (!gt_pick_off_cpus(&cpu, 1))
		return gt_skip("no secondary CPU available");
	before = gt_cpu_arrivals(cpu);
	stash_ctx = CTX64 ^ cpu;
	r = gt_cpu_on_raw(VPSCI_FN64(VPSCI_FN_CPU_ON), cpu, (uint64_t)(uintptr_t)gt_entry_alt,
			  stash_ctx, GT_BOOT_SERVE);
	if (r)
		return gt_fail("CPU_ON = %s", gt_ret_name(r));
	if (!gt_cpu_wait_arrival(cpu, before, GT_TIMEOUT_MS)) {
		gt_cpus[cpu].state = GT_CPU_LOST;
		return gt_fail("CPU%u never reached the entry point", cpu);
	}
	stash = gt_cpus[cpu].obs;
	stash_valid = true;
	gt_cpu_down(cpu);
	if (stash.kind != GT_ENTRY_ALT)
		return gt_fail("the CPU arrived through entry %lu, not the one passed", stash.kind);
	return GT_PASS;
}

static enum gt_verdict t_on_entry_x0(uintptr_t arg)
{
	(void)arg;
	if (!stash_valid)
		return gt_skip("no CPU could be started by the previous test");
	if (stash.x0 != stash_ctx)
		return gt_fail("x0 = 0x%lx, expected the context id 0x%lx", stash.x0, stash_ctx);
	return GT_PASS;
}

static enum gt_verdict t_on_entry_el(uintptr_t arg)
{
	(void)arg;
	if (!stash_valid)
		return gt_skip("no CPU could be started by the previous test");
	if (((stash.current_el >> 2) & 3) != 1)
		return gt_fail("entered at EL%lu, the caller is at EL1",
			       (stash.current_el >> 2) & 3);
	if (stash.spsel != 1)
		return gt_fail("SPSel = %lu: EL1t, expected EL1h", stash.spsel);
	if ((stash.daif & 0x3c0) != 0x3c0)
		return gt_fail("DAIF = 0x%lx, expected D, A, I and F masked", stash.daif);
	return GT_PASS;
}

static enum gt_verdict t_on_entry_mmu(uintptr_t arg)
{
	(void)arg;
	if (!stash_valid)
		return gt_skip("no CPU could be started by the previous test");
	if (stash.sctlr & 1)
		return gt_fail("SCTLR_EL1 = 0x%lx: MMU on", stash.sctlr);
	if (stash.sctlr & 4)
		return gt_fail("SCTLR_EL1 = 0x%lx: data cache on", stash.sctlr);
	if (stash.sctlr & (1ull << 25))
		return gt_fail("SCTLR_EL1 = 0x%lx: big-endian, the caller is little-endian",
			       stash.sctlr);
	return gt_pass("SCTLR_EL1 = 0x%lx", stash.sctlr);
}

static enum gt_verdict t_on_already_on(uintptr_t arg)
{
	unsigned int cpu;
	int64_t r;

	(void)arg;
	if (!gt_up_to(&cpu, 1))
		return gt_skip("no secondary CPU could be started");
	r = gt_psci(VPSCI_FN64(VPSCI_FN_CPU_ON), gt_boot.mpidr[cpu],
		    (uint64_t)(uintptr_t)gt_entry_on, 0);
	gt_cpu_down(cpu);
	if (r != VPSCI_RET_ALREADY_ON)
		return gt_fail("CPU_ON for running CPU%u = %ld (%s), expected ALREADY_ON", cpu, r,
			       gt_ret_name(r));
	return GT_PASS;
}

static enum gt_verdict t_on_self(uintptr_t arg)
{
	int64_t r;

	(void)arg;
	r = gt_psci(VPSCI_FN64(VPSCI_FN_CPU_ON), gt_boot.mpidr[gt_boot_cpu],
		    (uint64_t)(uintptr_t)gt_entry_on, 0);
	if (r != VPSCI_RET_ALREADY_ON)
		return gt_fail("CPU_ON(self) = %ld (%s), expected ALREADY_ON", r, gt_ret_name(r));
	return GT_PASS;
}

/* A wrong answer might still start a CPU: catch it and put it back. */
static void reclaim_started(uint64_t mpidr)
{
	unsigned int cpu = gt_cpu_by_mpidr(mpidr);

	if (cpu < GT_MAX_CPUS && cpu != gt_boot_cpu &&
	    gt_psci(VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), gt_boot.mpidr[cpu], 0, 0) != VPSCI_AFF_OFF) {
		gt_cpus[cpu].state = GT_CPU_ON;
		gt_delay_us(100000);
		gt_cpu_down(cpu);
	}
}

static enum gt_verdict t_on_no_cpu(uintptr_t arg)
{
	uint64_t m = gt_mpidr_absent();
	int64_t r;

	(void)arg;
	r = gt_psci(VPSCI_FN64(VPSCI_FN_CPU_ON), m, (uint64_t)(uintptr_t)gt_entry_on, 0);
	if (r != VPSCI_RET_INVALID_PARAMETERS)
		return gt_fail("CPU_ON(MPIDR 0x%lx, no such CPU) = %ld (%s)", m, r, gt_ret_name(r));
	return GT_PASS;
}

static enum gt_verdict t_on_bad_bits(uintptr_t arg)
{
	unsigned int cpu;
	uint64_t m;
	int64_t r;

	(void)arg;
	if (!gt_pick_off_cpus(&cpu, 1))
		return gt_skip("no secondary CPU available");
	m = gt_boot.mpidr[cpu] | (1ull << 40);
	gt_cpus[cpu].boot_mode = GT_BOOT_SERVE;
	r = gt_psci(VPSCI_FN64(VPSCI_FN_CPU_ON), m, (uint64_t)(uintptr_t)gt_entry_on, 0);
	if (r == VPSCI_RET_SUCCESS)
		reclaim_started(gt_boot.mpidr[cpu]);
	if (r != VPSCI_RET_INVALID_PARAMETERS)
		return gt_fail("CPU_ON(0x%lx: CPU%u with bit 40 set) = %ld (%s)", m, cpu, r,
			       gt_ret_name(r));
	return GT_PASS;
}

/* SMC32 CPU_ON: W1..W3 only; the target gets the 32-bit context id. */
static enum gt_verdict t_on_narrow(uintptr_t arg)
{
	uint64_t entry = (uint64_t)(uintptr_t)gt_entry_on;
	unsigned int cpu;
	uint32_t before;
	int64_t r;

	(void)arg;
	if (entry >> 32)
		return gt_skip("the image is above 4 GiB: no SMC32 entry address reaches it");
	if (!gt_pick_off_cpus(&cpu, 1))
		return gt_skip("no secondary CPU available");
	if (gt_boot.mpidr[cpu] >> 32)
		return gt_skip("CPU%u has Aff3 != 0", cpu);
	before = gt_cpu_arrivals(cpu);
	gt_cpus[cpu].boot_mode = GT_BOOT_SERVE;
	gt_cpus[cpu].done_seq = gt_cpus[cpu].cmd_seq;
	gt_dsb();
	r = gt_psci(VPSCI_FN32(VPSCI_FN_CPU_ON), 0xdead000000000000ull | gt_boot.mpidr[cpu],
		    0xbeef000000000000ull | entry, 0xffffffff00c0ffeeull);
	if (r != VPSCI_RET_SUCCESS)
		return gt_fail("SMC32 CPU_ON with garbage upper halves = %ld (%s)", r,
			       gt_ret_name(r));
	gt_cpus[cpu].state = GT_CPU_ON;
	if (!gt_cpu_wait_arrival(cpu, before, GT_TIMEOUT_MS)) {
		gt_cpus[cpu].state = GT_CPU_LOST;
		return gt_fail("CPU%u never arrived", cpu);
	}
	gt_cpu_down(cpu);
	if (gt_cpus[cpu].obs.x0 != 0x00c0ffeeull)
		return gt_fail("x0 = 0x%lx, expected the 32-bit context id 0xc0ffee",
			       gt_cpus[cpu].obs.x0);
	return GT_PASS;
}

/* ---- every CPU races to start one target ------------------------------- */

static uint32_t race_go;
static uint64_t race_target;

static int64_t work_race(unsigned int cpu, uint64_t arg)
{
	(void)cpu;
	(void)arg;
	while (!__atomic_load_n(&race_go, __ATOMIC_ACQUIRE))
		gt_relax();
	return gt_psci(VPSCI_FN64(VPSCI_FN_CPU_ON), race_target,
		       (uint64_t)(uintptr_t)gt_entry_on, 0x7ace);
}

static enum gt_verdict t_on_race(uintptr_t arg)
{
	unsigned int cpus[8], racers, i, target, wins = 0, bad = 0;
	int64_t res[9];
	uint32_t before;

	(void)arg;
	racers = gt_pick_off_cpus(cpus, GT_ARRAY_SIZE(cpus));
	racers = gt_up_to(cpus, racers ? racers - 1 : 0);
	if (racers < 1 || !gt_pick_off_cpus(&target, 1)) {
		gt_down_all(cpus, racers);
		return gt_skip("needs at least 3 CPUs");
	}
	before = gt_cpu_arrivals(target);
	gt_cpus[target].boot_mode = GT_BOOT_SERVE;
	gt_cpus[target].done_seq = gt_cpus[target].cmd_seq;
	race_target = gt_boot.mpidr[target];
	__atomic_store_n(&race_go, 0, __ATOMIC_RELEASE);
	for (i = 0; i < racers; i++)
		gt_cpu_post(cpus[i], work_race, 0);
	gt_delay_us(1000);
	__atomic_store_n(&race_go, 1, __ATOMIC_RELEASE);
	gt_sev();
	res[racers] = work_race(gt_boot_cpu, 0);
	for (i = 0; i < racers; i++)
		if (!gt_cpu_wait_done(cpus[i], GT_TIMEOUT_MS, &res[i]))
			res[i] = GT_RET_TIMEOUT;
	for (i = 0; i <= racers; i++) {
		if (res[i] == VPSCI_RET_SUCCESS)
			wins++;
		else if (res[i] != VPSCI_RET_ALREADY_ON && res[i] != VPSCI_RET_ON_PENDING)
			bad++;
	}
	if (wins)
		gt_cpus[target].state = GT_CPU_ON;
	if (wins && !gt_cpu_wait_arrival(target, before, GT_TIMEOUT_MS))
		gt_cpus[target].state = GT_CPU_LOST;
	gt_delay_us(20000);
	i = gt_cpu_arrivals(target) - before;
	gt_down_all(cpus, racers);
	gt_cpu_down(target);
	if (wins != 1 || bad)
		return gt_fail("%u callers: %u SUCCESS, %u other than ALREADY_ON/ON_PENDING; "
			       "the target arrived %u times", racers + 1, wins, bad, i);
	if (i != 1)
		return gt_fail("the target arrived %u times", i);
	return gt_pass("%u callers, one SUCCESS", racers + 1);
}

/* ---- 100 ON/OFF cycles ------------------------------------------------- */

#define CYCLES 100

static enum gt_verdict t_on_cycles(uintptr_t arg)
{
	unsigned int cpu, c;
	uint64_t t0 = gt_counter();

	(void)arg;
	if (!gt_pick_off_cpus(&cpu, 1))
		return gt_skip("no secondary CPU available");
	for (c = 0; c < CYCLES; c++) {
		uint32_t before = gt_cpu_arrivals(cpu);
		uint64_t end;
		int64_t r = gt_cpu_on_raw(VPSCI_FN64(VPSCI_FN_CPU_ON), cpu,
					  (uint64_t)(uintptr_t)gt_entry_on, c, GT_BOOT_OFF);

		if (r)
			return gt_fail("cycle %u: CPU_ON = %s", c, gt_ret_name(r));
		if (!gt_cpu_wait_arrival(cpu, before, GT_TIMEOUT_MS)) {
			gt_cpus[cpu].state = GT_CPU_LOST;
			return gt_fail("cycle %u: CPU%u never arrived", c, cpu);
		}
		if (gt_cpus[cpu].obs.x0 != c)
			return gt_fail("cycle %u: x0 = 0x%lx", c, gt_cpus[cpu].obs.x0);
		/* DEN0022 5.5: only ON, OFF or ON_PENDING while it powers down */
		end = gt_counter() + gt_ms_to_ticks(GT_TIMEOUT_MS);
		for (;;) {
			r = gt_psci(VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), gt_boot.mpidr[cpu], 0, 0);
			if (r == VPSCI_AFF_OFF)
				break;
			if (r != VPSCI_AFF_ON && r != VPSCI_AFF_ON_PENDING)
				return gt_fail("cycle %u: AFFINITY_INFO = %ld (%s)", c, r,
					       gt_ret_name(r));
			if (__atomic_load_n(&gt_cpus[cpu].off_returned, __ATOMIC_ACQUIRE)) {
				gt_cpus[cpu].state = GT_CPU_LOST;
				return gt_fail("cycle %u: CPU_OFF returned %s", c,
					       gt_ret_name(gt_cpus[cpu].off_ret));
			}
			if (gt_counter() > end) {
				gt_cpus[cpu].state = GT_CPU_LOST;
				return gt_fail("cycle %u: CPU%u never reported OFF", c, cpu);
			}
		}
		gt_cpus[cpu].state = GT_CPU_OFF;
	}
	return gt_pass("%u cycles in %lu us", CYCLES,
		       gt_ticks_to_ns(gt_counter() - t0) / 1000);
}

const struct gt_test gt_tests_cpu_on[] = {
	{ "CPU_ON starts every secondary CPU", C_ON, t_on_all, 0 },
	{ "CPU_ON entry state: PC = the entry point passed", C_ON, t_on_entry_pc, 0 },
	{ "CPU_ON entry state: x0 = the 64-bit context id", C_ON, t_on_entry_x0, 0 },
	{ "CPU_ON entry state: EL1h, DAIF masked", C_ON, t_on_entry_el, 0 },
	{ "CPU_ON entry state: MMU and data cache off, caller's endianness", C_ON,
	  t_on_entry_mmu, 0 },
	{ "CPU_ON returns ALREADY_ON for a running CPU", C_ON, t_on_already_on, 0 },
	{ "CPU_ON returns ALREADY_ON for the calling CPU", C_ON, t_on_self, 0 },
	{ "CPU_ON returns INVALID_PARAMETERS for an MPIDR with no CPU", C_ON, t_on_no_cpu, 0 },
	{ "CPU_ON returns INVALID_PARAMETERS for MPIDR bits outside Aff3..Aff0", C_ON,
	  t_on_bad_bits, 0 },
	{ "SMC32 CPU_ON ignores the upper halves of x1..x3", C_SMCCC_32, t_on_narrow, 0 },
	{ "CPU_ON race: one caller wins, the others see ALREADY_ON or ON_PENDING", C_ON,
	  t_on_race, 0 },
	{ "CPU_ON / CPU_OFF 100 cycles, AFFINITY_INFO only ON, OFF or ON_PENDING", C_ON,
	  t_on_cycles, 0 },
};
GT_DEFINE_GROUP(cpu_on);
