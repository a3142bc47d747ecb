/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests that cost a CPU when the implementation gets them wrong: a CPU_ON
 * that accepts an entry point it should refuse sends the target to fetch
 * from nowhere. They run last; a CPU they lose is marked lost and no later
 * test uses it. Under PSCI 0.2, which has
 * no INVALID_ADDRESS, a bad entry point is INVALID_PARAMETERS.
 */
#include "tests.h"

/*
 * CPU_ON with a bad entry; if it is accepted anyway, give the CPU a moment
 * to show up at gt_entry_on (an implementation that clears bit 0) before
 * declaring it lost.
 */
static enum gt_verdict bad_entry(uint64_t entry, const char *what)
{
	unsigned int cpu;
	uint32_t before;
	int64_t r;

	if (!gt_pick_off_cpus(&cpu, 1))
		return gt_skip("no secondary CPU available");
	before = gt_cpu_arrivals(cpu);
	r = gt_cpu_on_raw(VPSCI_FN64(VPSCI_FN_CPU_ON), cpu, entry, 0xbad, GT_BOOT_SERVE);
	if (r == gt_bad_address_ret())
		return gt_pass("%s", gt_ret_name(r));
	if (r == VPSCI_RET_SUCCESS) {
		if (gt_cpu_wait_arrival(cpu, before, 500)) {
			gt_cpu_down(cpu);
		} else {
			gt_cpus[cpu].state = GT_CPU_LOST;
			gt_note("CPU%u is lost: it went to 0x%lx", cpu, entry);
		}
	}
	return gt_fail("CPU_ON(entry 0x%lx, %s) = %ld (%s), expected %s", entry, what, r,
		       gt_ret_name(r), gt_ret_name(gt_bad_address_ret()));
}

static enum gt_verdict t_on_outside_ram(uintptr_t arg)
{
	(void)arg;
	return bad_entry(gt_invalid_ram_addr(), "outside RAM");
}

static enum gt_verdict t_on_thumb_bit(uintptr_t arg)
{
	(void)arg;
	return bad_entry((uint64_t)(uintptr_t)gt_entry_on | 1, "bit 0 set, AArch64 caller");
}

static enum gt_verdict t_on_misaligned(uintptr_t arg)
{
	(void)arg;
	return bad_entry((uint64_t)(uintptr_t)gt_entry_on + 2, "not 4-byte aligned");
}

const struct gt_test gt_tests_late[] = {
	{ "CPU_ON returns INVALID_ADDRESS for an entry point outside RAM", C_ON,
	  t_on_outside_ram, 0 },
	{ "CPU_ON returns INVALID_ADDRESS for an AArch64 entry point with bit 0 set", C_ON,
	  t_on_thumb_bit, 0 },
	{ "CPU_ON returns INVALID_ADDRESS for a misaligned entry point", C_ON, t_on_misaligned,
	  0 },
};
GT_DEFINE_GROUP(late);
