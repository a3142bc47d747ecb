/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SMC Calling Convention rules at the PSCI front door: unknown function IDs
 * in any owner range return NOT_SUPPORTED (-1), a 64-bit form that does not
 * exist is unknown, the function ID is W0 only, and SMC32 arguments are read
 * from W1..W3 whatever the upper register halves hold.
 */
#include "tests.h"

static enum gt_verdict expect_unknown(const uint64_t *ids, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct gt_smccc_res r;

		gt_smccc(ids[i], 0, 0, 0, &r);
		if (r.a0 == GT_CALL_TRAPPED)
			return gt_fail("ID 0x%lx: UNDEFINED-instruction exception, expected -1",
				       ids[i]);
		if ((int32_t)r.a0 != -1)
			return gt_fail("ID 0x%lx returned 0x%lx, expected -1 (NOT_SUPPORTED)",
				       ids[i], r.a0);
	}
	return gt_pass("%u IDs", n);
}

static enum gt_verdict t_unknown_psci(uintptr_t arg)
{
	uint64_t ids[2 * (VPSCI_FN_COUNT - VPSCI_FN_SYSTEM_OFF2 - 1)];
	unsigned int n = 0;
	uint32_t fn;

	(void)arg;
	for (fn = VPSCI_FN_SYSTEM_OFF2 + 1; fn < VPSCI_FN_COUNT; fn++) {
		ids[n++] = VPSCI_FN32(fn);
		ids[n++] = VPSCI_FN64(fn);
	}
	return expect_unknown(ids, n);
}

/* Harmless 32-bit-only functions called through their non-existent SMC64 IDs. */
static enum gt_verdict t_unknown_64(uintptr_t arg)
{
	static const uint64_t ids[] = { VPSCI_FN64(VPSCI_FN_PSCI_VERSION),
					VPSCI_FN64(VPSCI_FN_MIGRATE_INFO_TYPE),
					VPSCI_FN64(VPSCI_FN_PSCI_FEATURES) };

	(void)arg;
	return expect_unknown(ids, GT_ARRAY_SIZE(ids));
}

static enum gt_verdict t_unknown_owners(uintptr_t arg)
{
	static const uint64_t ids[] = {
		0x80000100u,	/* Arm architecture service, unallocated */
		0x8200fe00u,	/* SiP */
		0x8300fe00u,	/* OEM */
		0x840001f0u,	/* standard secure service, outside PSCI/SDEI/TRNG */
		0x8500fe00u,	/* standard hypervisor service */
		0x8600fe00u,	/* vendor hypervisor service */
		0xb000fe00u,	/* trusted application */
		0xbf00fe00u,	/* trusted OS */
		0x04000000u,	/* a yielding call */
		0x84010000u,	/* PSCI_VERSION with must-be-zero bits 23:16 set */
	};

	(void)arg;
	return expect_unknown(ids, GT_ARRAY_SIZE(ids));
}

/* DEN0028: the function ID is W0; bits 63:32 of x0 are not part of it. */
static enum gt_verdict t_fid_w0(uintptr_t arg)
{
	struct gt_smccc_res r;

	(void)arg;
	gt_smccc(0xffffffff00000000ull | VPSCI_FN32(VPSCI_FN_PSCI_VERSION), 0, 0, 0, &r);
	if (r.a0 == GT_CALL_TRAPPED)
		return gt_fail("UNDEFINED-instruction exception");
	if ((uint32_t)r.a0 != gt_psci_version)
		return gt_fail("PSCI_VERSION with x0[63:32] set returned 0x%lx, expected 0x%x",
			       r.a0, gt_psci_version);
	return GT_PASS;
}

static enum gt_verdict t_features_narrow(uintptr_t arg)
{
	int64_t clean, dirty;

	(void)arg;
	if (gt_psci_version < VPSCI_VERSION_1_0)
		return gt_skip("PSCI 0.2 has no PSCI_FEATURES");
	clean = gt_features(VPSCI_FN32(VPSCI_FN_CPU_ON));
	dirty = gt_psci(VPSCI_FN32(VPSCI_FN_PSCI_FEATURES),
			0xdeadbeef00000000ull | VPSCI_FN32(VPSCI_FN_CPU_ON), ~0ull, ~0ull);
	if (clean != dirty)
		return gt_fail("PSCI_FEATURES(CPU_ON) = %ld, with x1[63:32] garbage %ld (%s)",
			       clean, dirty, gt_ret_name(dirty));
	return GT_PASS;
}

static enum gt_verdict t_affinity_narrow(uintptr_t arg)
{
	int64_t r;

	(void)arg;
	r = gt_psci(VPSCI_FN32(VPSCI_FN_AFFINITY_INFO),
		    0xa5a5a5a500000000ull | (uint32_t)gt_boot.mpidr[gt_boot_cpu],
		    0x5a5a5a5a00000000ull, ~0ull);
	if ((gt_boot.mpidr[gt_boot_cpu] >> 32) != 0)
		return gt_skip("the boot CPU has Aff3 != 0: no SMC32 form can name it");
	if (r != VPSCI_AFF_ON)
		return gt_fail("AFFINITY_INFO(self, 0) with garbage upper halves = %ld (%s)", r,
			       gt_ret_name(r));
	return GT_PASS;
}

const struct gt_test gt_tests_smccc[] = {
	{ "Unallocated PSCI function IDs return NOT_SUPPORTED", C_SMCCC_ID, t_unknown_psci, 0 },
	{ "SMC64 IDs of SMC32-only functions return NOT_SUPPORTED", C_SMCCC_ID, t_unknown_64, 0 },
	{ "Unknown IDs in other service ranges return NOT_SUPPORTED", C_SMCCC_ID,
	  t_unknown_owners, 0 },
	{ "The function ID is W0: x0[63:32] is ignored", C_SMCCC_32, t_fid_w0, 0 },
	{ "SMC32 PSCI_FEATURES ignores the upper half of x1", C_SMCCC_32, t_features_narrow, 0 },
	{ "SMC32 AFFINITY_INFO ignores the upper halves of x1 and x2", C_SMCCC_32,
	  t_affinity_narrow, 0 },
};
GT_DEFINE_GROUP(smccc);
