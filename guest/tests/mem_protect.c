/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MEM_PROTECT and MEM_PROTECT_CHECK_RANGE (DEN0022 5.13, 5.14), optional
 * (PSCI 1.1) and advertised together; and psci.sel=memprot, the protection
 * across a SYSTEM_RESET.
 */
#include "tests.h"

static enum gt_verdict t_memprot_pair(uintptr_t arg)
{
	(void)arg;
	if (gt_psci_version < VPSCI_VERSION_1_1)
		return gt_skip("MEM_PROTECT is a PSCI 1.1 function");
	if (gt_advertised(VPSCI_FN_MEM_PROTECT) !=
	    gt_advertised(VPSCI_FN_MEM_PROTECT_CHECK_RANGE))
		return gt_fail("MEM_PROTECT and MEM_PROTECT_CHECK_RANGE advertised separately");
	return GT_PASS;
}

#define MEMP(e)		gt_psci(VPSCI_FN32(VPSCI_FN_MEM_PROTECT), (e), 0, 0)
#define CHECK(b, l)	gt_psci(VPSCI_FN64(VPSCI_FN_MEM_PROTECT_CHECK_RANGE), (b), (l), 0)

/*
 * DEN0022 5.13: MEM_PROTECT returns the previous state (0 or 1). 5.14:
 * CHECK_RANGE answers whether a range is memory the protection covers:
 * SUCCESS for guest RAM, DENIED outside it and for an empty or wrapping
 * range. Whether the answer also depends on protection being enabled the
 * spec leaves open; TF-A answers from the memory map alone, so the test
 * requires only that disabling does not make RAM newly "protected".
 */
static enum gt_verdict t_memprot(uintptr_t arg)
{
	uint64_t base = gt_plat.mem_base[0];
	int64_t prev, a, b, on, off, empty, outside, wrap;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_MEM_PROTECT) ||
	    !gt_advertised(VPSCI_FN_MEM_PROTECT_CHECK_RANGE))
		return gt_skip("MEM_PROTECT not advertised");
	prev = MEMP(1);
	a = MEMP(1);
	on = CHECK(base, 4096);
	empty = CHECK(base, 0);
	outside = CHECK(gt_invalid_ram_addr(), 4096);
	wrap = CHECK(base, ~0ull - 4095);
	b = MEMP(0);
	off = CHECK(base, 4096);
	MEMP(prev == 1);
	if (prev != 0 && prev != 1)
		return gt_fail("MEM_PROTECT(1) = %ld (%s), expected the previous state", prev,
			       gt_ret_name(prev));
	if (a != 1 || b != 1)
		return gt_fail("MEM_PROTECT(1) then (0) returned %ld, %ld; expected 1, 1", a, b);
	if (on != VPSCI_RET_SUCCESS)
		return gt_fail("CHECK_RANGE(RAM page) while enabled = %s", gt_ret_name(on));
	if (empty != VPSCI_RET_DENIED)
		return gt_fail("CHECK_RANGE(length 0) = %s, expected DENIED", gt_ret_name(empty));
	if (outside != VPSCI_RET_DENIED)
		return gt_fail("CHECK_RANGE(outside RAM) = %s, expected DENIED", gt_ret_name(outside));
	if (wrap != VPSCI_RET_DENIED)
		return gt_fail("CHECK_RANGE(wrapping range) = %s, expected DENIED", gt_ret_name(wrap));
	if (off != VPSCI_RET_SUCCESS && off != VPSCI_RET_DENIED)
		return gt_fail("CHECK_RANGE while disabled = %s", gt_ret_name(off));
	return gt_pass("RAM SUCCESS, outside / empty / wrapping DENIED; while disabled %s",
		       gt_ret_name(off));
}

const struct gt_test gt_tests_mem_protect[] = {
	{ "MEM_PROTECT and MEM_PROTECT_CHECK_RANGE are advertised together", C_MEMP,
	  t_memprot_pair, 0 },
	{ "MEM_PROTECT returns the previous state, CHECK_RANGE covers exactly RAM", C_MEMPCR,
	  t_memprot, 0 },
};
GT_DEFINE_GROUP(mem_protect);

/* ---- psci.sel=memprot: MEM_PROTECT across a reset ----------------------- */

#define MEMP_MAGIC	0x746f72706d656d21ull	/* "!memprot" */

/*
 * DEN0022 5.13: with memory protection enabled, the firmware wipes memory
 * before a reset hands it to the next boot, and the flag itself survives
 * the reset. First boot (MEM_PROTECT(0) finds it off): write a marker in
 * the middle of RAM, enable protection, SYSTEM_RESET. Second boot (it finds
 * it on): the marker must read as zero. One TAP result either way, then
 * SYSTEM_OFF; the runner reboots in place once (vpsci-run --max-reboots 1).
 */
void gt_run_memprot(void)
{
	static const struct gt_test t = {
		"MEM_PROTECT wipes RAM across SYSTEM_RESET and stays enabled", C_MEMP, NULL, 0
	};
	volatile uint64_t *m;
	int64_t prev;

	gt_tap_plan(1);
	if (!gt_advertised(VPSCI_FN_MEM_PROTECT)) {
		gt_tap_result(&t, gt_skip("MEM_PROTECT not advertised"));
		return;
	}
	m = (volatile uint64_t *)(uintptr_t)(gt_plat.mem_base[0] + gt_plat.mem_size[0] / 2);
	prev = MEMP(0);
	if (prev == 1) {
		uint64_t seen = m[0] | m[1];

		gt_note("memprot: second boot, protection was on; marker reads 0x%lx", seen);
		gt_tap_result(&t, seen ? gt_fail("the marker survived the reset: RAM not wiped") :
			      gt_pass("protection survived the reset and RAM was wiped"));
		return;
	}
	if (prev != 0) {
		gt_tap_result(&t, gt_fail("MEM_PROTECT(0) = %s", gt_ret_name(prev)));
		return;
	}
	m[0] = MEMP_MAGIC;
	m[1] = ~MEMP_MAGIC;
	gt_clean_dcache((const void *)m, 16);
	prev = MEMP(1);
	gt_note("memprot: first boot: marker written at 0x%lx, MEM_PROTECT(1) = %ld, resetting",
		(uint64_t)(uintptr_t)m, prev);
	gt_psci(VPSCI_FN32(VPSCI_FN_SYSTEM_RESET), 0, 0, 0);
	gt_tap_result(&t, gt_fail("SYSTEM_RESET returned"));
}