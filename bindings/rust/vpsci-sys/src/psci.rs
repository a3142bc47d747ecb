// SPDX-License-Identifier: BSD-2-Clause
//! `include/vpsci/psci.h`: PSCI and SMCCC constants (Arm DEN0022, DEN0028),
//! with the same names and values. `tests/abi.rs` checks each against the
//! C header.

pub const VPSCI_SMCCC_FAST_CALL: u32 = 0x8000_0000;
pub const VPSCI_SMCCC_SMC64: u32 = 0x4000_0000;
pub const VPSCI_SMCCC_OWNER_SHIFT: u32 = 24;
pub const VPSCI_SMCCC_OWNER_MASK: u32 = 0x3f;
pub const VPSCI_SMCCC_MBZ_MASK: u32 = 0x00ff_0000;
pub const VPSCI_SMCCC_FUNC_MASK: u32 = 0x0000_ffff;
pub const VPSCI_SMCCC_OWNER_ARCH: u32 = 0;
pub const VPSCI_SMCCC_OWNER_STANDARD: u32 = 4;

pub const VPSCI_SMCCC_VERSION: u32 = 0x8000_0000;
pub const VPSCI_SMCCC_ARCH_FEATURES: u32 = 0x8000_0001;
pub const VPSCI_SMCCC_ARCH_SOC_ID: u32 = 0x8000_0002;
pub const VPSCI_SMCCC_ARCH_WORKAROUND_1: u32 = 0x8000_8000;
pub const VPSCI_SMCCC_ARCH_WORKAROUND_2: u32 = 0x8000_7fff;
pub const VPSCI_SMCCC_ARCH_WORKAROUND_3: u32 = 0x8000_3fff;
pub const VPSCI_SMCCC_VERSION_1_1: u32 = 0x10001;

pub const VPSCI_FN_PSCI_VERSION: u32 = 0x00;
pub const VPSCI_FN_CPU_SUSPEND: u32 = 0x01;
pub const VPSCI_FN_CPU_OFF: u32 = 0x02;
pub const VPSCI_FN_CPU_ON: u32 = 0x03;
pub const VPSCI_FN_AFFINITY_INFO: u32 = 0x04;
pub const VPSCI_FN_MIGRATE: u32 = 0x05;
pub const VPSCI_FN_MIGRATE_INFO_TYPE: u32 = 0x06;
pub const VPSCI_FN_MIGRATE_INFO_UP_CPU: u32 = 0x07;
pub const VPSCI_FN_SYSTEM_OFF: u32 = 0x08;
pub const VPSCI_FN_SYSTEM_RESET: u32 = 0x09;
pub const VPSCI_FN_PSCI_FEATURES: u32 = 0x0a;
pub const VPSCI_FN_CPU_FREEZE: u32 = 0x0b;
pub const VPSCI_FN_CPU_DEFAULT_SUSPEND: u32 = 0x0c;
pub const VPSCI_FN_NODE_HW_STATE: u32 = 0x0d;
pub const VPSCI_FN_SYSTEM_SUSPEND: u32 = 0x0e;
pub const VPSCI_FN_PSCI_SET_SUSPEND_MODE: u32 = 0x0f;
pub const VPSCI_FN_PSCI_STAT_RESIDENCY: u32 = 0x10;
pub const VPSCI_FN_PSCI_STAT_COUNT: u32 = 0x11;
pub const VPSCI_FN_SYSTEM_RESET2: u32 = 0x12;
pub const VPSCI_FN_MEM_PROTECT: u32 = 0x13;
pub const VPSCI_FN_MEM_PROTECT_CHECK_RANGE: u32 = 0x14;
pub const VPSCI_FN_SYSTEM_OFF2: u32 = 0x15;
pub const VPSCI_FN_COUNT: u32 = 0x20;

/// `VPSCI_FN32(nn)`: the SMC32 ID of PSCI function number `nn`.
pub const fn vpsci_fn32(nn: u32) -> u32 {
    0x8400_0000 | nn
}

/// `VPSCI_FN64(nn)`: the SMC64 ID of PSCI function number `nn`.
pub const fn vpsci_fn64(nn: u32) -> u32 {
    0xc400_0000 | nn
}

pub const VPSCI_0_1_FN_BASE: u32 = 0x95c1_ba5e;
pub const VPSCI_0_1_FN_CPU_SUSPEND: u32 = VPSCI_0_1_FN_BASE;
pub const VPSCI_0_1_FN_CPU_OFF: u32 = VPSCI_0_1_FN_BASE + 1;
pub const VPSCI_0_1_FN_CPU_ON: u32 = VPSCI_0_1_FN_BASE + 2;
pub const VPSCI_0_1_FN_MIGRATE: u32 = VPSCI_0_1_FN_BASE + 3;

/// `VPSCI_VERSION(maj, min)`.
pub const fn vpsci_version_code(major: u32, minor: u32) -> u32 {
    (major << 16) | minor
}

/// `VPSCI_VERSION_MAJOR(v)`.
pub const fn vpsci_version_major(v: u32) -> u32 {
    v >> 16
}

/// `VPSCI_VERSION_MINOR(v)`.
pub const fn vpsci_version_minor(v: u32) -> u32 {
    v & 0xffff
}

pub const VPSCI_VERSION_0_1: u32 = vpsci_version_code(0, 1);
pub const VPSCI_VERSION_0_2: u32 = vpsci_version_code(0, 2);
pub const VPSCI_VERSION_1_0: u32 = vpsci_version_code(1, 0);
pub const VPSCI_VERSION_1_1: u32 = vpsci_version_code(1, 1);
pub const VPSCI_VERSION_1_2: u32 = vpsci_version_code(1, 2);
pub const VPSCI_VERSION_1_3: u32 = vpsci_version_code(1, 3);

pub const VPSCI_RET_SUCCESS: i32 = 0;
pub const VPSCI_RET_NOT_SUPPORTED: i32 = -1;
pub const VPSCI_RET_INVALID_PARAMETERS: i32 = -2;
pub const VPSCI_RET_DENIED: i32 = -3;
pub const VPSCI_RET_ALREADY_ON: i32 = -4;
pub const VPSCI_RET_ON_PENDING: i32 = -5;
pub const VPSCI_RET_INTERNAL_FAILURE: i32 = -6;
pub const VPSCI_RET_NOT_PRESENT: i32 = -7;
pub const VPSCI_RET_DISABLED: i32 = -8;
pub const VPSCI_RET_INVALID_ADDRESS: i32 = -9;

pub const VPSCI_AFF_ON: u32 = 0;
pub const VPSCI_AFF_OFF: u32 = 1;
pub const VPSCI_AFF_ON_PENDING: u32 = 2;

pub const VPSCI_HW_ON: u32 = 0;
pub const VPSCI_HW_OFF: u32 = 1;
pub const VPSCI_HW_STANDBY: u32 = 2;

pub const VPSCI_TOS_UP_MIGRATE_CAPABLE: u32 = 0;
pub const VPSCI_TOS_UP_NOT_MIGRATE_CAPABLE: u32 = 1;
pub const VPSCI_TOS_NOT_PRESENT_MP: u32 = 2;

pub const VPSCI_MPIDR_AFF_MASK: u64 = 0xff_00ff_ffff;

/// `VPSCI_MPIDR_AFFINITY(aff3, aff2, aff1, aff0)`.
pub const fn vpsci_mpidr_affinity(aff3: u8, aff2: u8, aff1: u8, aff0: u8) -> u64 {
    ((aff3 as u64) << 32) | ((aff2 as u64) << 16) | ((aff1 as u64) << 8) | aff0 as u64
}

pub const VPSCI_PS_STATE_ID_MASK: u32 = 0x0000_ffff;
pub const VPSCI_PS_TYPE_POWERDOWN: u32 = 0x0001_0000;
pub const VPSCI_PS_LEVEL_SHIFT: u32 = 24;
pub const VPSCI_PS_LEVEL_MASK: u32 = 0x3;
pub const VPSCI_PS_RESERVED_MASK: u32 = 0xfcfe_0000;
pub const VPSCI_PS_EXT_STATE_ID_MASK: u32 = 0x0fff_ffff;
pub const VPSCI_PS_EXT_TYPE_POWERDOWN: u32 = 0x4000_0000;
pub const VPSCI_PS_EXT_RESERVED_MASK: u32 = 0xb000_0000;

pub const VPSCI_FEAT_SUSPEND_OSI: u32 = 0x1;
pub const VPSCI_FEAT_SUSPEND_EXT_STATEID: u32 = 0x2;

pub const VPSCI_RESET2_VENDOR: u32 = 0x8000_0000;
pub const VPSCI_RESET2_WARM_RESET: u32 = 0x0;

pub const VPSCI_OFF2_TYPE_HIBERNATE_OFF: u32 = 0x1;
pub const VPSCI_FEAT_OFF2_HIBERNATE: u32 = 0x1;

pub const VPSCI_SUSPEND_MODE_PC: u32 = 0;
pub const VPSCI_SUSPEND_MODE_OSI: u32 = 1;

pub const VPSCI_ENTRY_PSTATE_AARCH64: u32 = 0x3c5;
