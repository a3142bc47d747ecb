/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PSCI and SMCCC constants, defined once with their literal values.
 *
 * Sources: Arm DEN0022 (PSCI, up to v1.3 / F.b) and Arm DEN0028 (SMCCC).
 * This header depends on no kernel header, so it can be used by the engine,
 * the VMM and the freestanding guest alike. Every name carries the VPSCI_
 * prefix because <linux/psci.h> (pulled in by <asm/kvm.h>) already defines
 * PSCI_* macros; the VMM _Static_asserts that both agree.
 */
#ifndef VPSCI_PSCI_H
#define VPSCI_PSCI_H

#include <stdint.h>

/* ---- SMCCC function identifier layout (DEN0028 2.5) ------------------- */
#define VPSCI_SMCCC_FAST_CALL		0x80000000u	/* bit 31 */
#define VPSCI_SMCCC_SMC64		0x40000000u	/* bit 30 */
#define VPSCI_SMCCC_OWNER_SHIFT		24
#define VPSCI_SMCCC_OWNER_MASK		0x3fu
#define VPSCI_SMCCC_MBZ_MASK		0x00ff0000u	/* bits 23:16 (16 = SVE hint, 1.3) */
#define VPSCI_SMCCC_FUNC_MASK		0x0000ffffu

#define VPSCI_SMCCC_OWNER_ARCH		0
#define VPSCI_SMCCC_OWNER_STANDARD	4

/* SMCCC architecture calls (owner 0), SMC32 */
#define VPSCI_SMCCC_VERSION		0x80000000u
#define VPSCI_SMCCC_ARCH_FEATURES	0x80000001u
#define VPSCI_SMCCC_ARCH_SOC_ID		0x80000002u
#define VPSCI_SMCCC_ARCH_WORKAROUND_1	0x80008000u
#define VPSCI_SMCCC_ARCH_WORKAROUND_2	0x80007fffu
#define VPSCI_SMCCC_ARCH_WORKAROUND_3	0x80003fffu

/* SMCCC_VERSION value the engine reports: v1.1 (bits[30:16] major, [15:0] minor) */
#define VPSCI_SMCCC_VERSION_1_1		0x10001u

/* ---- PSCI function numbers (DEN0022 5.1, function prototypes) ------------------- */
#define VPSCI_FN_PSCI_VERSION		0x00u
#define VPSCI_FN_CPU_SUSPEND		0x01u
#define VPSCI_FN_CPU_OFF		0x02u
#define VPSCI_FN_CPU_ON			0x03u
#define VPSCI_FN_AFFINITY_INFO		0x04u
#define VPSCI_FN_MIGRATE		0x05u
#define VPSCI_FN_MIGRATE_INFO_TYPE	0x06u
#define VPSCI_FN_MIGRATE_INFO_UP_CPU	0x07u
#define VPSCI_FN_SYSTEM_OFF		0x08u
#define VPSCI_FN_SYSTEM_RESET		0x09u
#define VPSCI_FN_PSCI_FEATURES		0x0au
#define VPSCI_FN_CPU_FREEZE		0x0bu
#define VPSCI_FN_CPU_DEFAULT_SUSPEND	0x0cu
#define VPSCI_FN_NODE_HW_STATE		0x0du
#define VPSCI_FN_SYSTEM_SUSPEND		0x0eu
#define VPSCI_FN_PSCI_SET_SUSPEND_MODE	0x0fu
#define VPSCI_FN_PSCI_STAT_RESIDENCY	0x10u
#define VPSCI_FN_PSCI_STAT_COUNT	0x11u
#define VPSCI_FN_SYSTEM_RESET2		0x12u
#define VPSCI_FN_MEM_PROTECT		0x13u
#define VPSCI_FN_MEM_PROTECT_CHECK_RANGE 0x14u
#define VPSCI_FN_SYSTEM_OFF2		0x15u
#define VPSCI_FN_COUNT			0x20u	/* the PSCI range is 0x00..0x1f */

#define VPSCI_FN32(nn)			(0x84000000u | (nn))
#define VPSCI_FN64(nn)			(0xc4000000u | (nn))

/* PSCI 0.1 has no standard IDs; these are KVM's (and QEMU's), published in the DT. */
#define VPSCI_0_1_FN_BASE		0x95c1ba5eu
#define VPSCI_0_1_FN_CPU_SUSPEND	(VPSCI_0_1_FN_BASE + 0)
#define VPSCI_0_1_FN_CPU_OFF		(VPSCI_0_1_FN_BASE + 1)
#define VPSCI_0_1_FN_CPU_ON		(VPSCI_0_1_FN_BASE + 2)
#define VPSCI_0_1_FN_MIGRATE		(VPSCI_0_1_FN_BASE + 3)

/* ---- PSCI versions: bits[31:16] major, bits[15:0] minor (DEN0022 5.2) - */
#define VPSCI_VERSION(maj, min)		(((uint32_t)(maj) << 16) | (uint32_t)(min))
#define VPSCI_VERSION_MAJOR(v)		((uint32_t)(v) >> 16)
#define VPSCI_VERSION_MINOR(v)		((uint32_t)(v) & 0xffffu)
#define VPSCI_VERSION_0_1		VPSCI_VERSION(0, 1)
#define VPSCI_VERSION_0_2		VPSCI_VERSION(0, 2)
#define VPSCI_VERSION_1_0		VPSCI_VERSION(1, 0)
#define VPSCI_VERSION_1_1		VPSCI_VERSION(1, 1)
#define VPSCI_VERSION_1_2		VPSCI_VERSION(1, 2)
#define VPSCI_VERSION_1_3		VPSCI_VERSION(1, 3)

/* ---- Return codes (DEN0022 return codes), signed 32-bit, sign-extended in x0 -- */
#define VPSCI_RET_SUCCESS		0
#define VPSCI_RET_NOT_SUPPORTED		(-1)
#define VPSCI_RET_INVALID_PARAMETERS	(-2)
#define VPSCI_RET_DENIED		(-3)
#define VPSCI_RET_ALREADY_ON		(-4)	/* 0.2+ */
#define VPSCI_RET_ON_PENDING		(-5)	/* 0.2+ */
#define VPSCI_RET_INTERNAL_FAILURE	(-6)	/* 0.2+ */
#define VPSCI_RET_NOT_PRESENT		(-7)	/* 0.2+ */
#define VPSCI_RET_DISABLED		(-8)	/* 0.2+ */
#define VPSCI_RET_INVALID_ADDRESS	(-9)	/* 1.0+ */

/* ---- AFFINITY_INFO results (DEN0022 5.6) ------------------------------ */
#define VPSCI_AFF_ON			0
#define VPSCI_AFF_OFF			1
#define VPSCI_AFF_ON_PENDING		2

/* ---- NODE_HW_STATE results (DEN0022 5.18) ----------------------------- */
#define VPSCI_HW_ON			0
#define VPSCI_HW_OFF			1
#define VPSCI_HW_STANDBY		2

/* ---- MIGRATE_INFO_TYPE results (DEN0022 5.8) -------------------------- */
#define VPSCI_TOS_UP_MIGRATE_CAPABLE	0
#define VPSCI_TOS_UP_NOT_MIGRATE_CAPABLE 1
#define VPSCI_TOS_NOT_PRESENT_MP	2

/* ---- MPIDR affinity fields: Aff3 [39:32], Aff2..Aff0 [23:0] ----------- */
#define VPSCI_MPIDR_AFF_MASK		0xff00ffffffull
#define VPSCI_MPIDR_AFFINITY(aff3, aff2, aff1, aff0)			\
	(((uint64_t)(aff3) << 32) | ((uint64_t)(aff2) << 16) |		\
	 ((uint64_t)(aff1) << 8) | (uint64_t)(aff0))

/* ---- CPU_SUSPEND power_state, original format (DEN0022 5.3) ------- */
#define VPSCI_PS_STATE_ID_MASK		0x0000ffffu
#define VPSCI_PS_TYPE_POWERDOWN		0x00010000u	/* bit 16 */
#define VPSCI_PS_LEVEL_SHIFT		24
#define VPSCI_PS_LEVEL_MASK		0x3u		/* bits 25:24 */
#define VPSCI_PS_RESERVED_MASK		0xfcfe0000u

/* Extended StateID format (DEN0022 5.3), PSCI_FEATURES(CPU_SUSPEND) bit 1 */
#define VPSCI_PS_EXT_STATE_ID_MASK	0x0fffffffu
#define VPSCI_PS_EXT_TYPE_POWERDOWN	0x40000000u	/* bit 30 */
#define VPSCI_PS_EXT_RESERVED_MASK	0xb0000000u

/* PSCI_FEATURES(CPU_SUSPEND) flags (DEN0022 5.15) */
#define VPSCI_FEAT_SUSPEND_OSI		0x1u
#define VPSCI_FEAT_SUSPEND_EXT_STATEID	0x2u

/* ---- SYSTEM_RESET2 (DEN0022 5.12) ------------------------------------- */
#define VPSCI_RESET2_VENDOR		0x80000000u	/* bit 31: vendor type */
#define VPSCI_RESET2_WARM_RESET		0x0u

/* ---- SYSTEM_OFF2 (DEN0022F, v1.3) --------------------------------- */
#define VPSCI_OFF2_TYPE_HIBERNATE_OFF	0x1u
/* PSCI_FEATURES(SYSTEM_OFF2): bitmask of supported off types; bit 0 = HIBERNATE_OFF */
#define VPSCI_FEAT_OFF2_HIBERNATE	0x1u

/* ---- PSCI_SET_SUSPEND_MODE (DEN0022 5.20) ----------------------------- */
#define VPSCI_SUSPEND_MODE_PC		0
#define VPSCI_SUSPEND_MODE_OSI		1

/* PSTATE of a vCPU entering at a PSCI entry point: EL1h, DAIF masked */
#define VPSCI_ENTRY_PSTATE_AARCH64	0x3c5u

#endif /* VPSCI_PSCI_H */
