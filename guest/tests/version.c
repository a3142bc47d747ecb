/* SPDX-License-Identifier: BSD-2-Clause */
/* PSCI_VERSION and SMCCC_VERSION: what every client asks first. */
#include "tests.h"

static bool known_version(uint32_t v)
{
	return v == VPSCI_VERSION_0_2 || v == VPSCI_VERSION_1_0 || v == VPSCI_VERSION_1_1 ||
	       v == VPSCI_VERSION_1_2 || v == VPSCI_VERSION_1_3;
}

/* DEN0022 5.1: bits[31:16] major, [15:0] minor, bit 31 zero. */
static enum gt_verdict t_version_defined(uintptr_t arg)
{
	struct gt_smccc_res r;

	(void)arg;
	gt_smccc(VPSCI_FN32(VPSCI_FN_PSCI_VERSION), 0, 0, 0, &r);
	if (r.a0 == GT_CALL_TRAPPED)
		return gt_fail("PSCI_VERSION raised an UNDEFINED-instruction exception");
	if ((uint32_t)r.a0 & 0x80000000u)
		return gt_fail("PSCI_VERSION returned an error (0x%lx)", r.a0);
	if (!known_version((uint32_t)r.a0))
		return gt_fail("version 0x%x is not 0.2, 1.0, 1.1, 1.2 or 1.3", (uint32_t)r.a0);
	return gt_pass("PSCI %u.%u", VPSCI_VERSION_MAJOR(r.a0), VPSCI_VERSION_MINOR(r.a0));
}

/* The binding: 1.x lists "arm,psci-1.0", 0.2 lists "arm,psci-0.2". */
static enum gt_verdict t_version_dt(uintptr_t arg)
{
	(void)arg;
	if (gt_psci_version >= VPSCI_VERSION_1_0 && !gt_plat.compat_1_0)
		return gt_fail("PSCI %u.%u but /psci compatible is \"%s\" (no arm,psci-1.0)",
			       VPSCI_VERSION_MAJOR(gt_psci_version),
			       VPSCI_VERSION_MINOR(gt_psci_version), gt_plat.compatible);
	if (gt_psci_version == VPSCI_VERSION_0_2 &&
	    (!gt_plat.compat_0_2 || gt_plat.compat_1_0))
		return gt_fail("PSCI 0.2 but /psci compatible is \"%s\"", gt_plat.compatible);
	return gt_pass("compatible \"%s\"", gt_plat.compatible);
}

/* DEN0022 5.1: PSCI_VERSION takes no arguments, so x1..x3 cannot matter. */
static enum gt_verdict t_version_args(uintptr_t arg)
{
	int64_t r;

	(void)arg;
	r = gt_psci(VPSCI_FN32(VPSCI_FN_PSCI_VERSION), ~0ull, 0x8badf00d8badf00dull,
		    0xffffffff00000001ull);
	if (r != (int64_t)gt_psci_version)
		return gt_fail("got 0x%lx with garbage in x1..x3, 0x%x without", r,
			       gt_psci_version);
	return GT_PASS;
}

#define VERSION_LOOPS	200

static int64_t work_version_loop(unsigned int cpu, uint64_t arg)
{
	unsigned int i, bad = 0;

	(void)cpu;
	for (i = 0; i < VERSION_LOOPS; i++)
		if (gt_psci(VPSCI_FN32(VPSCI_FN_PSCI_VERSION), 0, 0, 0) != (int64_t)arg)
			bad++;
	return bad;
}

/* Secondaries call PSCI_VERSION concurrently: the answer is per-VM, not per-CPU. */
static enum gt_verdict t_version_all_cpus(uintptr_t arg)
{
	unsigned int cpus[7], n, i, bad = 0;
	int64_t r;

	(void)arg;
	n = gt_up_to(cpus, GT_ARRAY_SIZE(cpus));
	if (!n)
		return gt_skip("no secondary CPU could be started");
	for (i = 0; i < n; i++)
		gt_cpu_post(cpus[i], work_version_loop, gt_psci_version);
	bad = (unsigned int)work_version_loop(gt_boot_cpu, gt_psci_version);
	for (i = 0; i < n; i++) {
		if (!gt_cpu_wait_done(cpus[i], GT_TIMEOUT_MS, &r))
			return gt_fail("CPU%u did not finish", cpus[i]);
		bad += (unsigned int)r;
	}
	gt_down_all(cpus, n);
	if (bad)
		return gt_fail("%u of %u answers differed from 0x%x", bad,
			       (n + 1) * VERSION_LOOPS, gt_psci_version);
	return gt_pass("%u CPUs x %u calls agree", n + 1, VERSION_LOOPS);
}

/* DEN0028: SMCCC_VERSION is discovered through PSCI_FEATURES (1.0+). */
static enum gt_verdict t_smccc_discover(uintptr_t arg)
{
	int64_t f;

	(void)arg;
	if (gt_psci_version < VPSCI_VERSION_1_0)
		return gt_skip("PSCI 0.2 has no PSCI_FEATURES");
	f = gt_features(VPSCI_SMCCC_VERSION);
	if (f < 0)
		return gt_fail("PSCI_FEATURES(SMCCC_VERSION) = %s: clients assume SMCCC 1.0",
			       gt_ret_name(f));
	return gt_pass("PSCI_FEATURES(SMCCC_VERSION) = %ld", f);
}

static enum gt_verdict t_smccc_version(uintptr_t arg)
{
	struct gt_smccc_res r;

	(void)arg;
	if (gt_psci_version < VPSCI_VERSION_1_0 || gt_features(VPSCI_SMCCC_VERSION) < 0)
		return gt_skip("SMCCC_VERSION not advertised");
	gt_smccc(VPSCI_SMCCC_VERSION, 0, 0, 0, &r);
	if (r.a0 == GT_CALL_TRAPPED)
		return gt_fail("SMCCC_VERSION raised an UNDEFINED-instruction exception");
	if ((uint32_t)r.a0 & 0x80000000u || (uint32_t)r.a0 < 0x10001u)
		return gt_fail("SMCCC_VERSION = 0x%lx, expected 1.1 or later", r.a0);
	return gt_pass("SMCCC %lu.%lu", (r.a0 >> 16) & 0x7fff, r.a0 & 0xffff);
}

const struct gt_test gt_tests_version[] = {
	{ "PSCI_VERSION returns a defined version", C_VERSION, t_version_defined, 0 },
	{ "PSCI_VERSION agrees with the /psci compatible", C_VERSION, t_version_dt, 0 },
	{ "PSCI_VERSION ignores garbage in x1..x3", C_VERSION, t_version_args, 0 },
	{ "PSCI_VERSION is the same on every CPU, called concurrently", C_VERSION,
	  t_version_all_cpus, 0 },
	{ "PSCI_FEATURES(SMCCC_VERSION) is implemented", C_SMCCC_VER, t_smccc_discover, 0 },
	{ "SMCCC_VERSION reports 1.1 or later", C_SMCCC_VER, t_smccc_version, 0 },
};
GT_DEFINE_GROUP(version);
