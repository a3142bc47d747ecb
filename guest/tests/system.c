/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SYSTEM_SUSPEND (DEN0022 5.18) and the argument checks of SYSTEM_RESET2
 * (5.11) and SYSTEM_OFF2 (F, 1.3). The calls that succeed end the run, so
 * they have their own selectors (main.c); here only calls that must fail.
 * If an implementation accepts one anyway, the run ends early and the runner
 * reports the missing tests.
 */
#include "tests.h"

#define SS_CTX		0x5a5e00000000beefull
#define PATTERN_WORDS	8192

static uint64_t pattern[PATTERN_WORDS];
static int ss_how;	/* 0 not run, 1 resumed, 2 returned */
static struct gt_entry_obs ss_obs;

static int64_t system_suspend(uint64_t entry, uint64_t ctx)
{
	return gt_suspend_call(VPSCI_FN64(VPSCI_FN_SYSTEM_SUSPEND), entry, ctx, 0, 5000);
}

static const char *ss_unavailable(void)
{
	if (!gt_advertised(VPSCI_FN_SYSTEM_SUSPEND))
		return "SYSTEM_SUSPEND not advertised";
	if (!gt_gic_ready())
		return "no GICv3 in the DT: no wake-up interrupt can be arranged";
	return NULL;
}

static enum gt_verdict t_ss_denied(uintptr_t arg)
{
	const char *why = ss_unavailable();
	unsigned int cpu;
	int64_t r;

	(void)arg;
	if (why)
		return gt_skip("%s", why);
	if (!gt_up_to(&cpu, 1))
		return gt_skip("no secondary CPU could be started");
	r = system_suspend((uint64_t)(uintptr_t)gt_entry_resume, SS_CTX);
	gt_cpu_down(cpu);
	if (r == GT_RESUMED)
		return gt_fail("the system suspended while CPU%u was on", cpu);
	if (r != VPSCI_RET_DENIED)
		return gt_fail("SYSTEM_SUSPEND with CPU%u on = %ld (%s), expected DENIED", cpu, r,
			       gt_ret_name(r));
	return GT_PASS;
}

static enum gt_verdict t_ss_bad_entry(uintptr_t arg)
{
	const char *why = ss_unavailable();
	uint64_t bad = gt_invalid_ram_addr();
	int64_t r;

	(void)arg;
	if (why)
		return gt_skip("%s", why);
	r = system_suspend(bad, SS_CTX);
	if (r != VPSCI_RET_INVALID_ADDRESS)
		return gt_fail("SYSTEM_SUSPEND(entry 0x%lx outside RAM) = %ld (%s)", bad, r,
			       gt_ret_name(r));
	return GT_PASS;
}

static uint64_t pattern_word(unsigned int i)
{
	return 0x9e3779b97f4a7c15ull * (i + 1) ^ ((uint64_t)i << 40);
}

static enum gt_verdict t_ss_full(uintptr_t arg)
{
	const char *why = ss_unavailable();
	unsigned int i, me = gt_this_cpu();
	int64_t r;

	(void)arg;
	if (why)
		return gt_skip("%s", why);
	for (i = 0; i < PATTERN_WORDS; i++)
		pattern[i] = pattern_word(i);
	gt_clean_dcache(pattern, sizeof(pattern));
	r = system_suspend((uint64_t)(uintptr_t)gt_entry_resume, SS_CTX);
	if (r == GT_RESUMED) {
		ss_obs = gt_resume_obs[me];
		ss_how = 1;
		return gt_pass("resumed at the entry point");
	}
	ss_how = 2;
	if (r == VPSCI_RET_SUCCESS)
		return gt_fail("returned SUCCESS instead of resuming at the entry point");
	return gt_fail("SYSTEM_SUSPEND = %ld (%s)", r, gt_ret_name(r));
}

static enum gt_verdict t_ss_entry_state(uintptr_t arg)
{
	char why[120];

	(void)arg;
	if (ss_how != 1)
		return gt_skip("the system did not resume at the entry point");
	if (!gt_entry_ok(&ss_obs, SS_CTX, why, sizeof(why)))
		return gt_fail("%s", why);
	return GT_PASS;
}

static enum gt_verdict t_ss_ram(uintptr_t arg)
{
	unsigned int i;

	(void)arg;
	if (ss_how != 1)
		return gt_skip("the system did not resume at the entry point");
	for (i = 0; i < PATTERN_WORDS; i++)
		if (pattern[i] != pattern_word(i))
			return gt_fail("word %u of a 64 KiB pattern changed: 0x%lx", i, pattern[i]);
	return gt_pass("64 KiB pattern intact");
}

static enum gt_verdict t_reset2_args(uintptr_t arg)
{
	static const uint32_t types[] = { 1, 2, 0x7fffffffu };
	unsigned int i;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_SYSTEM_RESET2))
		return gt_skip("SYSTEM_RESET2 not advertised");
	for (i = 0; i < GT_ARRAY_SIZE(types); i++) {
		int64_t r;

		gt_note("SYSTEM_RESET2(0x%x, 0): must fail; if the run ends here it did not",
			types[i]);
		r = gt_psci(VPSCI_FN32(VPSCI_FN_SYSTEM_RESET2), types[i], 0, 0);
		if (r != VPSCI_RET_INVALID_PARAMETERS)
			return gt_fail("SYSTEM_RESET2(architectural type 0x%x) = %ld (%s)", types[i],
				       r, gt_ret_name(r));
	}
	return GT_PASS;
}

static enum gt_verdict t_off2_types(uintptr_t arg)
{
	static const uint32_t types[] = { 0x2, 0x80000000u, 0xffffffffu };
	unsigned int i;
	int64_t f;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_SYSTEM_OFF2))
		return gt_skip("SYSTEM_OFF2 not advertised");
	f = gt_feature_value(VPSCI_FN_SYSTEM_OFF2);
	for (i = 0; i < GT_ARRAY_SIZE(types); i++) {
		int64_t r;

		if (types[i] < 32 && (f & (1ll << (types[i] - 1))))
			continue;
		gt_note("SYSTEM_OFF2(0x%x, 0): must fail; if the run ends here it did not",
			types[i]);
		r = gt_psci(VPSCI_FN32(VPSCI_FN_SYSTEM_OFF2), types[i], 0, 0);
		if (r != VPSCI_RET_INVALID_PARAMETERS)
			return gt_fail("SYSTEM_OFF2(type 0x%x) = %ld (%s)", types[i], r,
				       gt_ret_name(r));
	}
	return GT_PASS;
}

static enum gt_verdict t_off2_cookie(uintptr_t arg)
{
	int64_t r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_SYSTEM_OFF2))
		return gt_skip("SYSTEM_OFF2 not advertised");
	gt_note("SYSTEM_OFF2(HIBERNATE_OFF, cookie 1): must fail; if the run ends here it did not");
	r = gt_psci(VPSCI_FN64(VPSCI_FN_SYSTEM_OFF2), VPSCI_OFF2_TYPE_HIBERNATE_OFF, 1, 0);
	if (r != VPSCI_RET_INVALID_PARAMETERS)
		return gt_fail("SYSTEM_OFF2(HIBERNATE_OFF, cookie 1) = %ld (%s)", r,
			       gt_ret_name(r));
	return GT_PASS;
}

const struct gt_test gt_tests_system[] = {
	{ "SYSTEM_SUSPEND returns DENIED while another CPU is on", C_SYSSUSP, t_ss_denied, 0 },
	{ "SYSTEM_SUSPEND returns INVALID_ADDRESS for an entry point outside RAM", C_SYSSUSP,
	  t_ss_bad_entry, 0 },
	{ "SYSTEM_SUSPEND suspends, wakes on an interrupt and resumes at the entry point",
	  C_SYSSUSP, t_ss_full, 0 },
	{ "SYSTEM_SUSPEND resume state: x0 = context id, EL1h, DAIF masked, MMU off",
	  C_SYSSUSP, t_ss_entry_state, 0 },
	{ "SYSTEM_SUSPEND preserves RAM", C_SYSSUSP, t_ss_ram, 0 },
	{ "SYSTEM_RESET2 returns INVALID_PARAMETERS for undefined architectural types",
	  C_RESET2, t_reset2_args, 0 },
	{ "SYSTEM_OFF2 returns INVALID_PARAMETERS for unsupported types", C_OFF2, t_off2_types,
	  0 },
	{ "SYSTEM_OFF2 returns INVALID_PARAMETERS for a non-zero cookie", C_OFF2, t_off2_cookie,
	  0 },
};
GT_DEFINE_GROUP(system);
