// SPDX-License-Identifier: BSD-2-Clause
//! The typed configuration of a VM: everything that defines the
//! guest-visible firmware (`struct vpsci_config`). The engine copies it at
//! creation and it never changes afterwards.

use std::fmt;

use vpsci_sys as sys;

/// A PSCI version (DEN0022 5.2): bits\[31:16\] major, bits\[15:0\] minor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub u32);

impl Version {
    pub const V0_1: Version = Version(sys::VPSCI_VERSION_0_1);
    pub const V0_2: Version = Version(sys::VPSCI_VERSION_0_2);
    pub const V1_0: Version = Version(sys::VPSCI_VERSION_1_0);
    pub const V1_1: Version = Version(sys::VPSCI_VERSION_1_1);
    pub const V1_2: Version = Version(sys::VPSCI_VERSION_1_2);
    pub const V1_3: Version = Version(sys::VPSCI_VERSION_1_3);

    pub fn major(self) -> u32 {
        sys::vpsci_version_major(self.0)
    }

    pub fn minor(self) -> u32 {
        sys::vpsci_version_minor(self.0)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major(), self.minor())
    }
}

/// How the guest calls the firmware (what the device tree advertises).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Conduit {
    Hvc,
    Smc,
}

impl Conduit {
    pub(crate) fn raw(self) -> sys::vpsci_conduit {
        match self {
            Conduit::Hvc => sys::VPSCI_CONDUIT_HVC,
            Conduit::Smc => sys::VPSCI_CONDUIT_SMC,
        }
    }

    pub(crate) fn from_raw(c: sys::vpsci_conduit) -> Conduit {
        if c == sys::VPSCI_CONDUIT_SMC {
            Conduit::Smc
        } else {
            Conduit::Hvc
        }
    }
}

/// Guest physical memory where entry points may lie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemRegion {
    pub base: u64,
    /// Bytes; non-zero, and base + size must not wrap.
    pub size: u64,
}

/// Option flags (`VPSCI_CFG_*`); combine with `|`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Flags(pub u32);

impl Flags {
    pub const NONE: Flags = Flags(0);
    /// Offer SYSTEM_SUSPEND (1.0+).
    pub const SYSTEM_SUSPEND: Flags = Flags(sys::VPSCI_CFG_SYSTEM_SUSPEND);
    /// Answer the 0.1 IDs alongside 0.2+.
    pub const IDS_0_1: Flags = Flags(sys::VPSCI_CFG_0_1_IDS);
    pub const EXT_STATEID: Flags = Flags(sys::VPSCI_CFG_EXT_STATEID);
    pub const OSI: Flags = Flags(sys::VPSCI_CFG_OSI);
    /// PSCI_STAT_*: needs a hierarchy and `Ops::HAS_CLOCK`.
    pub const STAT: Flags = Flags(sys::VPSCI_CFG_STAT);
    pub const FREEZE: Flags = Flags(sys::VPSCI_CFG_FREEZE);
    pub const DEFAULT_SUSPEND: Flags = Flags(sys::VPSCI_CFG_DEFAULT_SUSPEND);
    pub const NODE_HW_STATE: Flags = Flags(sys::VPSCI_CFG_NODE_HW_STATE);
    pub const MEM_PROTECT: Flags = Flags(sys::VPSCI_CFG_MEM_PROTECT);

    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

/// The configuration of one VM's firmware. `Config::new` gives the usual
/// defaults; the fields are public for the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub version: Version,
    pub conduit: Conduit,
    /// 1 ..= 1024 (`VPSCI_MAX_VCPUS`).
    pub nr_vcpus: u32,
    /// MPIDR affinity of each vCPU, all distinct; `None`: vCPU i gets
    /// Aff1 = i / 16, Aff0 = i % 16, as KVM's default MPIDR does.
    pub mpidrs: Option<Vec<u64>>,
    /// The vCPU that is on after reset.
    pub boot_vcpu: u32,
    /// Guest RAM: 1 ..= 16 regions.
    pub mem: Vec<MemRegion>,
    /// SYSTEM_RESET2 vendor types accepted (each has bit 31 set).
    pub reset2_vendor_types: Vec<u32>,
    pub flags: Flags,
    /// Power-domain hierarchy depth, 0 ..= 3 (docs/design.md section 11).
    pub pd_levels: u32,
    /// Per level below pd_levels: `vpsci_sys::VPSCI_PD_*` local states.
    pub pd_states: [u8; 3],
}

impl Config {
    /// PSCI `version` over HVC, `nr_vcpus` vCPUs with KVM's default MPIDRs,
    /// vCPU 0 booting, one RAM region, no options.
    pub fn new(version: Version, nr_vcpus: u32, ram: MemRegion) -> Config {
        Config {
            version,
            conduit: Conduit::Hvc,
            nr_vcpus,
            mpidrs: None,
            boot_vcpu: 0,
            mem: vec![ram],
            reset2_vendor_types: Vec::new(),
            flags: Flags::NONE,
            pd_levels: 0,
            pd_states: [0; 3],
        }
    }

    /// The C view; it borrows the vectors, which the engine copies.
    pub(crate) fn raw(&self, mem: &[sys::vpsci_mem_region]) -> sys::vpsci_config {
        sys::vpsci_config {
            size: std::mem::size_of::<sys::vpsci_config>() as u32,
            version: self.version.0,
            conduit: self.conduit.raw(),
            nr_vcpus: self.nr_vcpus,
            mpidrs: self.mpidrs.as_ref().map_or(std::ptr::null(), |m| m.as_ptr()),
            boot_vcpu: self.boot_vcpu,
            mem: mem.as_ptr(),
            nr_mem: mem.len() as u32,
            reset2_vendor_types: self.reset2_vendor_types.as_ptr(),
            nr_reset2_vendor_types: self.reset2_vendor_types.len() as u32,
            flags: self.flags.0,
            pd_levels: self.pd_levels,
            pd_states: self.pd_states,
        }
    }

    pub(crate) fn raw_mem(&self) -> Vec<sys::vpsci_mem_region> {
        self.mem
            .iter()
            .map(|m| sys::vpsci_mem_region { base: m.base, size: m.size })
            .collect()
    }

    /// Lengths the C struct cannot carry (u32) are refused before the call.
    pub(crate) fn lengths_fit(&self) -> bool {
        let fits = |n: usize| u32::try_from(n).is_ok();
        fits(self.mem.len())
            && fits(self.reset2_vendor_types.len())
            && self.mpidrs.as_ref().map_or(true, |m| m.len() == self.nr_vcpus as usize)
    }
}
