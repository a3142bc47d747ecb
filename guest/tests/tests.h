/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test groups and the spec clauses they cite. Section numbers follow the
 * chapter 5 layout of DEN0022 (one section per function, in function-number
 * order, as in issue D); SYSTEM_OFF2 exists only in issue F (PSCI 1.3) and is
 * cited by name. Changing a clause here changes it in every TAP line.
 */
#ifndef GT_TESTS_H
#define GT_TESTS_H

#include "gt.h"

#define C_VERSION	"DEN0022 5.2 PSCI_VERSION"
#define C_SUSPEND	"DEN0022 5.3 CPU_SUSPEND"
#define C_PSTATE	"DEN0022 5.3 CPU_SUSPEND power_state"
#define C_OFF		"DEN0022 5.4 CPU_OFF"
#define C_ON		"DEN0022 5.5 CPU_ON"
#define C_AFF		"DEN0022 5.6 AFFINITY_INFO"
#define C_MIGRATE	"DEN0022 5.7 MIGRATE"
#define C_MIT		"DEN0022 5.8 MIGRATE_INFO_TYPE"
#define C_MIUC		"DEN0022 5.9 MIGRATE_INFO_UP_CPU"
#define C_RESET2	"DEN0022 5.12 SYSTEM_RESET2"
#define C_MEMP		"DEN0022 5.13 MEM_PROTECT"
#define C_MEMPCR	"DEN0022 5.14 MEM_PROTECT_CHECK_RANGE"
#define C_FEATURES	"DEN0022 5.15 PSCI_FEATURES"
#define C_FREEZE	"DEN0022 5.16 CPU_FREEZE"
#define C_DEFSUSP	"DEN0022 5.17 CPU_DEFAULT_SUSPEND"
#define C_NODEHW	"DEN0022 5.18 NODE_HW_STATE"
#define C_SYSSUSP	"DEN0022 5.19 SYSTEM_SUSPEND"
#define C_SETMODE	"DEN0022 5.20 PSCI_SET_SUSPEND_MODE"
#define C_STATRES	"DEN0022 5.21 PSCI_STAT_RESIDENCY"
#define C_STATCNT	"DEN0022 5.22 PSCI_STAT_COUNT"
#define C_OFF2		"DEN0022F SYSTEM_OFF2"
#define C_SMCCC_ID	"DEN0028 function identifiers, unknown IDs return -1"
#define C_SMCCC_32	"DEN0028 SMC32/HVC32: upper halves of x0..x7 ignored"
#define C_SMCCC_VER	"DEN0028 SMCCC_VERSION"

/* One group per file (two for node_hw_state.c); list.c sets the order of the run. */
#define GT_DECLARE_GROUP(name) \
	extern const struct gt_test gt_tests_##name[]; \
	extern const size_t gt_nr_tests_##name

GT_DECLARE_GROUP(version);
GT_DECLARE_GROUP(features);
GT_DECLARE_GROUP(smccc);
GT_DECLARE_GROUP(cpu_on);
GT_DECLARE_GROUP(cpu_off);
GT_DECLARE_GROUP(affinity);
GT_DECLARE_GROUP(suspend);
GT_DECLARE_GROUP(migrate);
GT_DECLARE_GROUP(system);
GT_DECLARE_GROUP(set_suspend_mode);
GT_DECLARE_GROUP(stat);
GT_DECLARE_GROUP(default_suspend);
GT_DECLARE_GROUP(node_hw_state);
GT_DECLARE_GROUP(mem_protect);
GT_DECLARE_GROUP(power_domains);
GT_DECLARE_GROUP(freeze);
GT_DECLARE_GROUP(node_hw_state_vs_aff);
GT_DECLARE_GROUP(late);

#define GT_DEFINE_GROUP(name) \
	const size_t gt_nr_tests_##name = GT_ARRAY_SIZE(gt_tests_##name)

/* Helpers shared by the test files (common.c). */
uint32_t gt_ps_standby(void);		/* a standby power_state */
uint32_t gt_ps_powerdown(void);		/* a power-down power_state */
bool gt_ps_extended(void);		/* extended StateID format in use */
bool gt_entry_ok(const struct gt_entry_obs *o, uint64_t ctx, char *why, size_t len);
uint64_t gt_entry_addr(const char *label);
unsigned int gt_up_to(unsigned int *cpus, unsigned int max);	/* bring up to max up */
void gt_down_all(const unsigned int *cpus, unsigned int n);
uint64_t gt_mpidr_absent(void);		/* an MPIDR no CPU has */
/* PSCI_SET_SUSPEND_MODE (DEN0022 5.20): 0 platform-coordinated, 1 OS-initiated. */
#define GT_SET_SUSPEND_MODE(m)	gt_psci(VPSCI_FN32(VPSCI_FN_PSCI_SET_SUSPEND_MODE), (m), 0, 0)
/* A suspending call with a timer wake-up armed: GT_RESUMED, GT_RET_TRAPPED or its return. */
int64_t gt_suspend_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t wake_us);
/* DEN0022 return codes: INVALID_ADDRESS exists from 1.0; 0.2 says INVALID_PARAMETERS. */
int64_t gt_bad_address_ret(void);

#endif /* GT_TESTS_H */
