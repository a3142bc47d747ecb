/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * psci.sel=storm: a hostile guest. Every CPU issues random SMCCC calls as
 * fast as it can until a shared deadline: random PSCI function numbers in
 * both conventions, SMCCC architecture IDs, other owners, fully random IDs,
 * PSCI 0.1 IDs, garbage in x0's upper half, random arguments and a random
 * conduit per call. CPU_ON starts random CPUs at random entry points: the
 * suite's own (the target joins the storm), a landing zone that calls CPU_OFF
 * forever, an address outside RAM, or a misaligned one.
 *
 * Only the calls that would end the VM are defused (SYSTEM_OFF/RESET are
 * replaced, SYSTEM_RESET2/OFF2/SUSPEND get arguments that must be refused),
 * and the boot CPU never powers itself down. Afterwards the boot CPU checks
 * that the implementation still answers and that every CPU is either off or
 * back in the suite, prints a summary and powers off; the runner checks the
 * VMM's events log (scripts/check-events).
 *
 *   psci.storm_ms=N    storm duration in ms (default 20000)
 *   psci.storm_seed=N  PRNG seed (default 1; per CPU: seed and CPU index)
 */
#include "gt.h"

#define STORM_MS_DEFAULT	20000u
#define SETTLE_MS		300u	/* after the deadline: calls in flight end */
#define ACCOUNT_MS		20000u	/* then every CPU must be off or stopped */

/* Result classes: 0..9 are SUCCESS..INVALID_ADDRESS (-code). */
#define CLS_OTHER		10	/* any other value (versions, feature bits) */
#define CLS_TRAPPED		11	/* the HVC/SMC was UNDEFINED */
#define NR_CLS			12

static const char *const cls_names[NR_CLS] = {
	"SUCCESS", "NOT_SUPPORTED", "INVALID_PARAMETERS", "DENIED", "ALREADY_ON",
	"ON_PENDING", "INTERNAL_FAILURE", "NOT_PRESENT", "DISABLED", "INVALID_ADDRESS",
	"other", "trapped",
};

/* Written only by its own CPU (one cache line pair each: no false sharing). */
struct storm_cpu {
	uint64_t rng;
	uint64_t calls;			/* attempted, counted before each call */
	uint64_t cls[NR_CLS];		/* results of the calls that returned */
	uint64_t starts;		/* entries into the storm loop */
	uint32_t stopped;		/* saw the deadline (release) */
} __attribute__((aligned(128)));

static struct storm_cpu storm[GT_MAX_CPUS];
static volatile uint64_t storm_deadline;

/* The landing zone: "CPU_OFF; repeat", entered with the MMU off. */
static uint32_t landing[1024] __attribute__((aligned(4096)));

static const uint32_t arch_ids[] = {
	VPSCI_SMCCC_VERSION, VPSCI_SMCCC_ARCH_FEATURES, VPSCI_SMCCC_ARCH_SOC_ID,
	VPSCI_SMCCC_ARCH_WORKAROUND_1, VPSCI_SMCCC_ARCH_WORKAROUND_2,
	VPSCI_SMCCC_ARCH_WORKAROUND_3, 0x80000003u, 0x8000ffffu, 0xc0000000u,
};

/* The PSCI functions the storm hits more often than the uniform draw would. */
static const uint32_t hot_fns[] = {
	VPSCI_FN_CPU_ON, VPSCI_FN_CPU_ON, VPSCI_FN_CPU_OFF, VPSCI_FN_AFFINITY_INFO,
	VPSCI_FN_CPU_SUSPEND, VPSCI_FN_PSCI_FEATURES,
};

/* xorshift64 (Marsaglia): cheap, per CPU, never zero. */
static uint64_t rnd(struct storm_cpu *s)
{
	uint64_t x = s->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	s->rng = x;
	return x;
}

static uint64_t rnd_below(struct storm_cpu *s, uint64_t n)
{
	return rnd(s) % n;
}

static uint64_t real_mpidr(struct storm_cpu *s)
{
	return gt_boot.mpidr[rnd_below(s, gt_boot.nr_cpus)];
}

/* An MPIDR argument: usually a real CPU, else bogus in one of several ways. */
static uint64_t rnd_mpidr(struct storm_cpu *s)
{
	switch (rnd_below(s, 8)) {
	case 0:
		return real_mpidr(s) | (rnd(s) & ~(uint64_t)GT_MPIDR_AFF_MASK);
	case 1:
		return rnd(s) & GT_MPIDR_AFF_MASK;	/* no such CPU, mostly */
	case 2:
		return real_mpidr(s) + 0x100;		/* Aff1 out of range */
	default:
		return real_mpidr(s);
	}
}

/* Any argument: small values, MPIDRs, RAM addresses or garbage. */
static uint64_t rnd_arg(struct storm_cpu *s)
{
	switch (rnd_below(s, 8)) {
	case 0:
	case 1:
		return rnd_below(s, 8);
	case 2:
		return rnd_mpidr(s);
	case 3:
		return gt_plat.mem_base[0] +
		       rnd_below(s, gt_plat.mem_size[0] ? gt_plat.mem_size[0] : 1);
	case 4:
		return (uint32_t)rnd(s);
	case 5:
		return rnd(s) | (1ull << 31);
	default:
		return rnd(s);
	}
}

/*
 * An entry point: ours (the target joins the storm), the landing zone, an
 * address outside RAM or a misaligned one (DEN0022 5.5: INVALID_ADDRESS).
 * SMC32 callers get garbage in the upper half, which must be ignored.
 */
static uint64_t rnd_entry(struct storm_cpu *s, bool smc32)
{
	uint64_t e;

	switch (rnd_below(s, 5)) {
	case 0:
	case 1:
		e = (uint64_t)(uintptr_t)gt_entry_on;
		break;
	case 2:
		e = (uint64_t)(uintptr_t)landing;
		break;
	case 3:
		e = gt_invalid_ram_addr();
		break;
	default:
		e = (rnd(s) & 1 ? (uint64_t)(uintptr_t)gt_entry_on : (uint64_t)(uintptr_t)landing) +
		    1 + rnd_below(s, 3);
		break;
	}
	if (smc32 && rnd(s) & 1)
		e |= rnd(s) << 32;
	return e;
}

/* x0: PSCI in both conventions, arch IDs, other owners, random, PSCI 0.1. */
static uint64_t rnd_fid(struct storm_cpu *s)
{
	uint64_t r = rnd(s), hi = rnd(s) & 3 ? 0 : rnd(s) << 32;
	uint32_t fn, f;

	switch (r % 16) {
	case 0: case 1: case 2: case 3: case 4:
		fn = (uint32_t)rnd_below(s, VPSCI_FN_COUNT);
		f = (r & 0x100 ? VPSCI_FN64(fn) : VPSCI_FN32(fn));
		break;
	case 5: case 6: case 7:
		fn = hot_fns[rnd_below(s, GT_ARRAY_SIZE(hot_fns))];
		f = (r & 0x100 ? VPSCI_FN64(fn) : VPSCI_FN32(fn));
		break;
	case 8: case 9:
		f = arch_ids[rnd_below(s, GT_ARRAY_SIZE(arch_ids))];
		break;
	case 10: case 11:
		/* another owner: fast/yielding, 32/64, owner 0..63, small number */
		f = (uint32_t)(r & 0xc0000000u) | ((uint32_t)rnd_below(s, 64) << 24) |
		    (uint32_t)rnd_below(s, 0x60);
		break;
	case 12: case 13:
		f = (uint32_t)rnd(s);
		break;
	default:
		f = VPSCI_0_1_FN_BASE + (uint32_t)rnd_below(s, 4);
		break;
	}
	return hi | f;
}

/*
 * Defuse the calls that would end the VM, and keep the boot CPU powered.
 * KVM forwards by the low 32 bits of x0; bits 23:16 are ignored in case the
 * implementation masks them (SMCCC 1.3 SVE hint), so the check is wider
 * than any implementation's decode.
 */
static void defuse(struct storm_cpu *s, bool boot, uint64_t *x0, uint64_t *a1, uint64_t *a2)
{
	uint32_t f = (uint32_t)*x0;
	uint64_t hi = *x0 & ~0xffffffffull;
	bool smc32 = !(f & VPSCI_SMCCC_SMC64);
	uint32_t fn = f & 0x1fu;

	if (f == VPSCI_0_1_FN_CPU_OFF && boot) {
		*x0 = hi | VPSCI_FN32(VPSCI_FN_PSCI_VERSION);
		return;
	}
	if (f == VPSCI_0_1_FN_CPU_SUSPEND || f == VPSCI_0_1_FN_CPU_ON) {
		if (f == VPSCI_0_1_FN_CPU_SUSPEND && boot)
			*a1 &= VPSCI_PS_STATE_ID_MASK;	/* standby */
		*a2 = rnd_entry(s, false);
		return;
	}
	if ((f & 0xbf00ffe0u) != 0x84000000u)
		return;
	switch (fn) {
	case VPSCI_FN_SYSTEM_OFF:
	case VPSCI_FN_SYSTEM_RESET:
		*x0 = hi | VPSCI_FN32(VPSCI_FN_AFFINITY_INFO);
		break;
	case VPSCI_FN_SYSTEM_RESET2:
		/* DEN0022 5.12: architectural types other than WARM_RESET are invalid */
		*a1 = 1 + rnd_below(s, 0x7fffffff);
		break;
	case VPSCI_FN_SYSTEM_OFF2:
		*a2 |= 1;	/* DEN0022F: a non-zero cookie is INVALID_PARAMETERS */
		break;
	case VPSCI_FN_SYSTEM_SUSPEND:
		*a1 = gt_invalid_ram_addr();	/* DEN0022 5.19: INVALID_ADDRESS */
		break;
	case VPSCI_FN_CPU_ON:
		*a1 = rnd_mpidr(s);
		*a2 = rnd_entry(s, smc32);
		break;
	case VPSCI_FN_CPU_SUSPEND:
		if (boot)
			*a1 &= VPSCI_PS_STATE_ID_MASK;	/* standby in both formats */
		else if (rnd(s) & 1)
			*a1 = VPSCI_PS_TYPE_POWERDOWN | rnd_below(s, 4);
		*a2 = rnd_entry(s, smc32);
		break;
	case VPSCI_FN_CPU_OFF:
	case VPSCI_FN_CPU_FREEZE:
		if (boot)
			*x0 = hi | VPSCI_FN32(VPSCI_FN_PSCI_VERSION);
		break;
	case VPSCI_FN_CPU_DEFAULT_SUSPEND:
		if (boot)
			*x0 = hi | VPSCI_FN32(VPSCI_FN_PSCI_VERSION);
		else
			*a1 = rnd_entry(s, smc32);
		break;
	default:
		break;
	}
}

static unsigned int classify(uint64_t x0)
{
	int32_t r = (int32_t)(uint32_t)x0;

	if (x0 == GT_CALL_TRAPPED)
		return CLS_TRAPPED;
	if (r <= 0 && r >= -9)
		return (unsigned int)-r;
	return CLS_OTHER;
}

/*
 * One CPU's storm, until the deadline. Runs as the boot_fn of every CPU that
 * arrives through gt_entry_on, so it starts again after a CPU_ON or a
 * power-down CPU_SUSPEND that resumed there; its counters live on.
 */
static int64_t storm_loop(unsigned int cpu, uint64_t arg)
{
	struct storm_cpu *s = &storm[cpu];
	bool boot = cpu == gt_boot_cpu;
	struct gt_smccc_res res;

	(void)arg;
	s->starts++;
	while (gt_counter() < storm_deadline) {
		uint64_t x0 = rnd_fid(s), a1 = rnd_arg(s), a2 = rnd_arg(s), a3 = rnd_arg(s);
		int smc = (int)(rnd(s) & 1);

		defuse(s, boot, &x0, &a1, &a2);
		/* any suspend this call enters must end: a wake-up is on its way */
		gt_timer_arm_us(200 + rnd_below(s, 2000));
		s->calls++;
		gt_smccc_via(smc, x0, a1, a2, a3, &res);
		s->cls[classify(res.a0)]++;
	}
	__atomic_store_n(&s->stopped, 1, __ATOMIC_RELEASE);
	gt_sev();
	return 0;
}

/* "CPU_OFF; try again" in the boot conduit, cleaned to PoC: run MMU off. */
static void landing_init(void)
{
	landing[0] = 0x52800040u;		/* mov  w0, #0x2 */
	landing[1] = 0x72b08000u;		/* movk w0, #0x8400, lsl #16 */
	landing[2] = gt_conduit_smc ? 0xd4000003u : 0xd4000002u;	/* smc/hvc #0 */
	landing[3] = 0x17fffffdu;		/* b    landing */
	gt_clean_dcache(landing, 16);
	__asm__ volatile("ic ialluis" : : : "memory");
	gt_dsb();
	gt_isb();
}

static uint64_t bootarg_num(const char *key, uint64_t def)
{
	char buf[24];

	return gt_bootarg(key, buf, sizeof(buf)) ? strtoul(buf, NULL, 0) : def;
}

/* ms as "S.T" with one decimal, no floating point in the guest. */
static void fmt_secs(char *buf, size_t len, uint64_t ms)
{
	snprintf(buf, len, "%lu.%lu", ms / 1000, ms % 1000 / 100);
}

static const struct gt_test storm_tests[] = {
	{ "storm: the implementation still answers PSCI_VERSION after the storm",
	  "DEN0022 5.2 PSCI_VERSION", NULL, 0 },
	{ "storm: every CPU is off or back in the suite after the storm",
	  "DEN0022 5.5 CPU_ON, 5.4 CPU_OFF", NULL, 0 },
};

/*
 * After the deadline: a CPU is accounted for once it saw the deadline
 * (stopped) or AFFINITY_INFO says OFF. Returns how many are not.
 */
static unsigned int account(uint64_t timeout_ms, unsigned int *nr_off)
{
	uint64_t end = gt_counter() + gt_ms_to_ticks(timeout_ms);
	unsigned int i, missing;

	for (;;) {
		missing = 0;
		*nr_off = 0;
		for (i = 0; i < gt_boot.nr_cpus; i++) {
			int64_t r;

			if (__atomic_load_n(&storm[i].stopped, __ATOMIC_ACQUIRE))
				continue;
			r = gt_psci(VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), gt_boot.mpidr[i], 0, 0);
			if (r == VPSCI_AFF_OFF)
				(*nr_off)++;
			else
				missing++;
		}
		if (!missing || gt_counter() > end)
			return missing;
		gt_delay_us(20000);
	}
}

void gt_run_storm(void)
{
	uint64_t ms = bootarg_num("psci.storm_ms", STORM_MS_DEFAULT);
	uint64_t seed = bootarg_num("psci.storm_seed", 1);
	uint64_t start, total = 0, cls[NR_CLS] = { 0 }, returned = 0, starts = 0;
	uint64_t min_calls = ~0ull, max_calls = 0, rate;
	unsigned int ncpu = (unsigned int)gt_boot.nr_cpus;
	unsigned int i, k, nr_off, missing, started = 0;
	char secs[24], line[300];
	size_t n;
	int64_t v;

	gt_tap_plan(GT_ARRAY_SIZE(storm_tests));
	gt_note("storm: %u CPUs, %lu ms, seed %lu, conduit %s and random per call",
		ncpu, ms, seed, gt_plat.method);
	if (!gt_gic_ready())
		gt_note("storm: no GICv3: a suspend that is really entered may never wake");
	landing_init();
	for (i = 0; i < gt_boot.nr_cpus; i++) {
		storm[i].rng = (seed + 1) * 0x9e3779b97f4a7c15ull ^ (i + 1) * 0xbf58476d1ce4e5b9ull;
		if (!storm[i].rng)
			storm[i].rng = 1;
		gt_cpus[i].boot_fn = storm_loop;
		gt_cpus[i].boot_arg = 0;
		gt_cpus[i].boot_mode = GT_BOOT_WORK;
	}
	start = gt_counter();
	storm_deadline = start + gt_ms_to_ticks(ms);
	gt_dsb();
	for (i = 0; i < gt_boot.nr_cpus; i++)
		if (i != gt_boot_cpu &&
		    gt_cpu_on_raw(VPSCI_FN64(VPSCI_FN_CPU_ON), i, (uint64_t)(uintptr_t)gt_entry_on,
				  i, GT_BOOT_WORK) == VPSCI_RET_SUCCESS)
			started++;
	gt_note("storm: %u of %u secondaries started at once; storming", started,
		ncpu - 1);
	storm_loop(gt_boot_cpu, 0);

	gt_delay_us(SETTLE_MS * 1000);
	missing = account(ACCOUNT_MS, &nr_off);
	v = gt_psci(VPSCI_FN32(VPSCI_FN_PSCI_VERSION), 0, 0, 0);

	for (i = 0; i < gt_boot.nr_cpus; i++) {
		const struct storm_cpu *s = &storm[i];

		total += s->calls;
		starts += s->starts;
		if (s->calls < min_calls)
			min_calls = s->calls;
		if (s->calls > max_calls)
			max_calls = s->calls;
		for (k = 0; k < NR_CLS; k++) {
			cls[k] += s->cls[k];
			returned += s->cls[k];
		}
	}
	rate = ms ? total * 1000 / ms : 0;
	fmt_secs(secs, sizeof(secs), ms);
	gt_printf("storm: %lu calls in %s s on %u CPUs: %lu calls/s", total, secs,
		  ncpu, rate);
	n = (size_t)snprintf(line, sizeof(line), "storm: results");
	for (k = 0; k < NR_CLS && n < sizeof(line); k++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s=%lu", cls_names[k], cls[k]);
	gt_printf("%s", line);
	gt_printf("storm: %lu calls did not return (CPU_OFF, power-down suspends); %lu storm "
		  "entries; per CPU %lu..%lu calls; after: %u off, %u stopped, %u unaccounted",
		  total - returned, starts, min_calls, max_calls, nr_off,
		  ncpu - nr_off - missing, missing);

	gt_tap_result(&storm_tests[0],
		      (uint32_t)v == gt_psci_version && v >= 0
		      ? gt_pass("PSCI_VERSION = 0x%lx as before the storm", v)
		      : gt_fail("PSCI_VERSION returned %s (0x%lx), 0x%x before the storm",
				gt_ret_name(v), v, gt_psci_version));
	if (missing) {
		for (i = 0; i < gt_boot.nr_cpus; i++)
			if (!__atomic_load_n(&storm[i].stopped, __ATOMIC_ACQUIRE) &&
			    gt_psci(VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), gt_boot.mpidr[i], 0,
				    0) != VPSCI_AFF_OFF)
				gt_note("storm: CPU%u (MPIDR 0x%lx) neither off nor stopped: %lu "
					"calls, %lu entries", i, gt_boot.mpidr[i], storm[i].calls,
					storm[i].starts);
	}
	gt_tap_result(&storm_tests[1],
		      missing ? gt_fail("%u of %u CPUs neither off nor stopped %u ms after the "
					"deadline", missing, ncpu, SETTLE_MS + ACCOUNT_MS)
			      : gt_pass("%u off, %u stopped", nr_off,
					ncpu - nr_off));
}
