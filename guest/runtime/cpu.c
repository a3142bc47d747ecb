/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Secondary CPUs: how the boot CPU starts them, hands them work and takes
 * them down, and what they do when they arrive.
 *
 * Shared state lives in struct gt_cpu, one cache line per CPU. The MMU is on
 * for every CPU that touches it, so plain C11 atomics with acquire/release
 * order are enough: a CPU publishes its entry observation and then bumps
 * `arrived` with release; the boot CPU reads `arrived` with acquire before it
 * looks at the observation. The mailbox works the same way with
 * cmd_seq/done_seq. Waiters use WFE; every publisher ends with SEV.
 */
#include "gt.h"

struct gt_cpu gt_cpus[GT_MAX_CPUS];
unsigned int gt_boot_cpu;

static uint64_t cnt_freq;

uint64_t gt_counter_freq(void)
{
	if (!cnt_freq)
		cnt_freq = gt_read_sysreg(cntfrq_el0);
	return cnt_freq ? cnt_freq : 62500000;
}

uint64_t gt_ticks_to_ns(uint64_t ticks)
{
	return ticks * 1000 / (gt_counter_freq() / 1000000);
}

uint64_t gt_ms_to_ticks(uint64_t ms)
{
	return gt_counter_freq() / 1000 * ms;
}

void gt_delay_us(uint64_t us)
{
	uint64_t end = gt_counter() + gt_counter_freq() / 1000000 * us;

	while (gt_counter() < end)
		gt_relax();
}

unsigned int gt_cpu_by_mpidr(uint64_t mpidr)
{
	unsigned int i;

	for (i = 0; i < gt_boot.nr_cpus; i++)
		if (gt_boot.mpidr[i] == (mpidr & GT_MPIDR_AFF_MASK))
			return i;
	return GT_MAX_CPUS;
}

unsigned int gt_this_cpu(void)
{
	return gt_cpu_by_mpidr(gt_read_sysreg(mpidr_el1));
}

/* ---- the secondary side ------------------------------------------------ */

static GT_NORETURN void do_cpu_off(struct gt_cpu *c)
{
	int64_t r = gt_psci(VPSCI_FN32(VPSCI_FN_CPU_OFF), 0, 0, 0);

	/* DEN0022 5.3: CPU_OFF never returns on success */
	__atomic_store_n(&c->off_ret, r, __ATOMIC_RELAXED);
	__atomic_store_n(&c->off_returned, 1, __ATOMIC_RELEASE);
	gt_sev();
	for (;;)
		gt_wfe();
}

/* Work item: power this CPU off (used by gt_cpu_down()). */
static int64_t work_cpu_off(unsigned int cpu, uint64_t arg)
{
	(void)arg;
	do_cpu_off(&gt_cpus[cpu]);
}

GT_NORETURN void gt_secondary_main(unsigned int cpu, const struct gt_entry_obs *obs)
{
	struct gt_cpu *c = &gt_cpus[cpu];
	uint32_t mode = __atomic_load_n(&c->boot_mode, __ATOMIC_ACQUIRE);

	c->obs = *obs;
	if (gt_gic_ready())
		gt_gic_cpu_init();
	if (mode == GT_BOOT_WORK && c->boot_fn)
		c->boot_ret = c->boot_fn(cpu, c->boot_arg);
	__atomic_add_fetch(&c->arrived, 1, __ATOMIC_RELEASE);
	gt_sev();
	if (mode == GT_BOOT_OFF)
		do_cpu_off(c);

	for (;;) {
		uint32_t seq = __atomic_load_n(&c->cmd_seq, __ATOMIC_ACQUIRE);
		int64_t r;

		if (seq == c->done_seq) {
			gt_wfe();
			continue;
		}
		r = c->cmd_fn(cpu, c->cmd_arg);
		c->cmd_ret = r;
		__atomic_store_n(&c->done_seq, seq, __ATOMIC_RELEASE);
		gt_sev();
	}
}

/* ---- the boot CPU side ------------------------------------------------- */

uint32_t gt_cpu_arrivals(unsigned int cpu)
{
	return __atomic_load_n(&gt_cpus[cpu].arrived, __ATOMIC_ACQUIRE);
}

bool gt_cpu_wait_arrival(unsigned int cpu, uint32_t before, uint64_t timeout_ms)
{
	uint64_t end = gt_counter() + gt_ms_to_ticks(timeout_ms);

	while (gt_cpu_arrivals(cpu) == before) {
		if (gt_counter() > end)
			return false;
		gt_relax();
	}
	return true;
}

int64_t gt_cpu_on_raw(uint32_t fid, unsigned int cpu, uint64_t entry, uint64_t ctx,
		      enum gt_boot_mode mode)
{
	struct gt_cpu *c = &gt_cpus[cpu];
	int64_t r;

	c->done_seq = c->cmd_seq;
	c->off_returned = 0;
	__atomic_store_n(&c->boot_mode, mode, __ATOMIC_RELEASE);
	gt_dsb();
	r = gt_psci(fid, gt_boot.mpidr[cpu], entry, ctx);
	if (r == VPSCI_RET_SUCCESS)
		c->state = GT_CPU_ON;
	return r;
}

int64_t gt_cpu_up(unsigned int cpu)
{
	uint32_t before = gt_cpu_arrivals(cpu);
	int64_t r;

	if (gt_cpus[cpu].state == GT_CPU_LOST)
		return GT_RET_TIMEOUT;
	if (gt_cpus[cpu].state == GT_CPU_ON)
		return 0;
	r = gt_cpu_on_raw(VPSCI_FN64(VPSCI_FN_CPU_ON), cpu, (uint64_t)(uintptr_t)gt_entry_on,
			  cpu, GT_BOOT_SERVE);
	if (r)
		return r;
	if (!gt_cpu_wait_arrival(cpu, before, GT_TIMEOUT_MS)) {
		gt_cpus[cpu].state = GT_CPU_LOST;
		gt_note("CPU%u (MPIDR 0x%lx) did not arrive after CPU_ON", cpu,
			gt_boot.mpidr[cpu]);
		return GT_RET_TIMEOUT;
	}
	return 0;
}

int64_t gt_cpu_wait_off(unsigned int cpu, uint64_t timeout_ms)
{
	uint64_t end = gt_counter() + gt_ms_to_ticks(timeout_ms);

	for (;;) {
		int64_t r = gt_psci(VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), gt_boot.mpidr[cpu], 0, 0);

		if (r == VPSCI_AFF_OFF)
			return 0;
		if (gt_counter() > end)
			return GT_RET_TIMEOUT;
		gt_delay_us(20);
	}
}

void gt_cpu_post(unsigned int cpu, gt_work_fn fn, uint64_t arg)
{
	struct gt_cpu *c = &gt_cpus[cpu];

	c->cmd_fn = fn;
	c->cmd_arg = arg;
	__atomic_add_fetch(&c->cmd_seq, 1, __ATOMIC_RELEASE);
	gt_sev();
}

bool gt_cpu_wait_done(unsigned int cpu, uint64_t timeout_ms, int64_t *ret)
{
	struct gt_cpu *c = &gt_cpus[cpu];
	uint64_t end = gt_counter() + gt_ms_to_ticks(timeout_ms);

	while (__atomic_load_n(&c->done_seq, __ATOMIC_ACQUIRE) != c->cmd_seq) {
		if (gt_counter() > end)
			return false;
		gt_relax();
	}
	if (ret)
		*ret = c->cmd_ret;
	return true;
}

int64_t gt_cpu_run(unsigned int cpu, gt_work_fn fn, uint64_t arg, uint64_t timeout_ms)
{
	int64_t r;

	if (gt_cpus[cpu].state != GT_CPU_ON)
		return GT_RET_TIMEOUT;
	gt_cpu_post(cpu, fn, arg);
	if (!gt_cpu_wait_done(cpu, timeout_ms, &r)) {
		gt_cpus[cpu].state = GT_CPU_LOST;
		gt_note("CPU%u did not finish its work item", cpu);
		return GT_RET_TIMEOUT;
	}
	return r;
}

void gt_cpu_down_start(unsigned int cpu)
{
	if (gt_cpus[cpu].state == GT_CPU_ON)
		gt_cpu_post(cpu, work_cpu_off, 0);
}

int64_t gt_cpu_down_wait(unsigned int cpu)
{
	struct gt_cpu *c = &gt_cpus[cpu];
	int64_t r;

	if (c->state != GT_CPU_ON)
		return c->state == GT_CPU_OFF ? 0 : GT_RET_TIMEOUT;
	r = gt_cpu_wait_off(cpu, GT_TIMEOUT_MS);
	if (r) {
		c->state = GT_CPU_LOST;
		if (__atomic_load_n(&c->off_returned, __ATOMIC_ACQUIRE))
			gt_note("CPU%u: CPU_OFF returned %s", cpu, gt_ret_name(c->off_ret));
		else
			gt_note("CPU%u: AFFINITY_INFO never said OFF after CPU_OFF", cpu);
		return r;
	}
	c->state = GT_CPU_OFF;
	return 0;
}

int64_t gt_cpu_down(unsigned int cpu)
{
	gt_cpu_down_start(cpu);
	return gt_cpu_down_wait(cpu);
}

void gt_cpus_all_down(void)
{
	unsigned int i;

	for (i = 0; i < gt_boot.nr_cpus; i++)
		if (i != gt_boot_cpu)
			gt_cpu_down_start(i);
	for (i = 0; i < gt_boot.nr_cpus; i++)
		if (i != gt_boot_cpu)
			gt_cpu_down_wait(i);
}

unsigned int gt_pick_off_cpus(unsigned int *out, unsigned int n)
{
	unsigned int i, k = 0;

	for (i = 0; i < gt_boot.nr_cpus && k < n; i++)
		if (i != gt_boot_cpu && gt_cpus[i].state == GT_CPU_OFF)
			out[k++] = i;
	return k;
}

unsigned int gt_nr_usable_cpus(void)
{
	unsigned int i, k = 0;

	for (i = 0; i < gt_boot.nr_cpus; i++)
		if (gt_cpus[i].state != GT_CPU_LOST)
			k++;
	return k;
}

/* ---- exceptions -------------------------------------------------------- */

#define ESR_EC(esr)	((esr) >> 26)
#define INSN_HVC0	0xd4000002u
#define INSN_SMC0	0xd4000003u

void gt_exception(uint64_t vec, uint64_t *frame);

/*
 * An HVC or SMC that the implementation does not handle is UNDEFINED at EL1
 * (EC 0, "unknown reason"): the test sees GT_CALL_TRAPPED in x0 and goes on.
 * Anything else is a guest bug or a broken platform: report and stop this CPU.
 */
void gt_exception(uint64_t vec, uint64_t *frame)
{
	uint64_t esr = gt_read_sysreg(esr_el1);
	uint64_t elr = frame[31];
	unsigned int cpu = gt_this_cpu();

	if (vec == 4 && ESR_EC(esr) == 0) {
		uint32_t insn = *(const uint32_t *)(uintptr_t)elr;

		if (insn == INSN_HVC0 || insn == INSN_SMC0) {
			frame[0] = GT_CALL_TRAPPED;
			frame[31] = elr + 4;
			return;
		}
	}
	if (cpu == gt_boot_cpu)
		gt_bail_out("unexpected exception: vector %lu ESR 0x%lx ELR 0x%lx FAR 0x%lx", vec,
			    esr, elr, gt_read_sysreg(far_el1));
	gt_note("CPU%u: unexpected exception: vector %lu ESR 0x%lx ELR 0x%lx FAR 0x%lx; parked",
		cpu, vec, esr, elr, gt_read_sysreg(far_el1));
	for (;;)
		gt_wfe();
}
