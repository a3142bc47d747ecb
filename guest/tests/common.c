/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the test files. */
#include "tests.h"

/* DEN0022 5.2.1: PSCI_FEATURES(CPU_SUSPEND) bit 1 selects the extended format. */
bool gt_ps_extended(void)
{
	int64_t f;

	if (gt_psci_version < VPSCI_VERSION_1_0)
		return false;
	f = gt_features(VPSCI_FN32(VPSCI_FN_CPU_SUSPEND));
	return f >= 0 && (f & VPSCI_FEAT_SUSPEND_EXT_STATEID);
}

/*
 * State IDs are platform-defined; use the DT's idle states when it lists
 * some, else StateID 0 at power level 0 of the right type.
 */
uint32_t gt_ps_standby(void)
{
	if (gt_plat.have_idle_standby)
		return gt_plat.idle_standby;
	return 0;
}

uint32_t gt_ps_powerdown(void)
{
	if (gt_plat.have_idle_powerdown)
		return gt_plat.idle_powerdown;
	return gt_ps_extended() ? VPSCI_PS_EXT_TYPE_POWERDOWN : VPSCI_PS_TYPE_POWERDOWN;
}

/*
 * DEN0022 6.4 (entry state, as for CPU_ON): x0 = context id, EL1h (the
 * caller's EL), DAIF all masked, MMU and data cache off, caller's endianness.
 */
bool gt_entry_ok(const struct gt_entry_obs *o, uint64_t ctx, char *why, size_t len)
{
	if (o->x0 != ctx)
		snprintf(why, len, "x0 = 0x%lx, expected the context id 0x%lx", o->x0, ctx);
	else if (((o->current_el >> 2) & 3) != 1)
		snprintf(why, len, "entered at EL%lu, expected EL1", (o->current_el >> 2) & 3);
	else if (o->spsel != 1)
		snprintf(why, len, "SPSel = %lu, expected EL1h (1)", o->spsel);
	else if ((o->daif & 0x3c0) != 0x3c0)
		snprintf(why, len, "DAIF = 0x%lx, expected all masked (0x3c0)", o->daif);
	else if (o->sctlr & 1)
		snprintf(why, len, "SCTLR_EL1.M = 1: MMU on at entry");
	else if (o->sctlr & 4)
		snprintf(why, len, "SCTLR_EL1.C = 1: data cache on at entry");
	else if (o->sctlr & (1ull << 25))
		snprintf(why, len, "SCTLR_EL1.EE = 1: big-endian, the caller is little-endian");
	else
		return true;
	return false;
}

unsigned int gt_up_to(unsigned int *cpus, unsigned int max)
{
	unsigned int n = gt_pick_off_cpus(cpus, max), k = 0, i;

	for (i = 0; i < n; i++)
		if (gt_cpu_up(cpus[i]) == 0)
			cpus[k++] = cpus[i];
	return k;
}

void gt_down_all(const unsigned int *cpus, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		gt_cpu_down(cpus[i]);
}

/* An MPIDR affinity no CPU in /cpus has: Aff0 = 0xfe of the boot cluster, or more. */
uint64_t gt_mpidr_absent(void)
{
	uint64_t cand[] = {
		(gt_boot.mpidr[gt_boot_cpu] & ~0xffull) | 0xfe,
		VPSCI_MPIDR_AFFINITY(0xfe, 0xfe, 0xfe, 0xfe),
		VPSCI_MPIDR_AFFINITY(0, 0xfd, 0, 0),
	};
	unsigned int i;

	for (i = 0; i < GT_ARRAY_SIZE(cand); i++)
		if (gt_cpu_by_mpidr(cand[i]) == GT_MAX_CPUS)
			return cand[i];
	return VPSCI_MPIDR_AFFINITY(0xfc, 0xfc, 0xfc, 0xfc);
}

int64_t gt_bad_address_ret(void)
{
	return gt_psci_version >= VPSCI_VERSION_1_0 ? VPSCI_RET_INVALID_ADDRESS
						    : VPSCI_RET_INVALID_PARAMETERS;
}

/*
 * A call that may power the CPU down (CPU_SUSPEND, CPU_DEFAULT_SUSPEND,
 * SYSTEM_SUSPEND), with the virtual timer armed wake_us ahead so the CPU has
 * a wake-up event even when the implementation accepts a state it should have
 * refused. Returns GT_RESUMED when the CPU came back through gt_entry_resume
 * (the GIC CPU interface set up again: a real power-down loses it),
 * GT_RET_TRAPPED when the call was UNDEFINED, else the PSCI return (32 bits).
 */
int64_t gt_suspend_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t wake_us)
{
	uint64_t r;

	gt_timer_arm_us(wake_us);
	r = gt_smccc_suspend(fid, a1, a2, a3);
	gt_timer_disarm();
	if (r == GT_RESUMED) {
		gt_gic_cpu_init();
		return GT_RESUMED;
	}
	if (r == GT_CALL_TRAPPED)
		return GT_RET_TRAPPED;
	return (int32_t)(uint32_t)r;
}
