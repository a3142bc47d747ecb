// SPDX-License-Identifier: BSD-2-Clause
//! Device-tree nodes written from the engine (libvpsci-fdt,
//! include/vpsci/vpsci_fdt.h; feature "fdt"), so the DT promises exactly
//! what `Vm::call` answers. The tree is a flattened device tree in libfdt's
//! read-write form with room to grow (e.g. from `fdt_create_empty_tree()`).

use std::fmt;
use std::os::raw::{c_int, c_void};

use crate::error::Error;
use crate::vm::{Ops, Vm};
use vpsci_sys as sys;

extern "C" {
    // libfdt, linked with this feature.
    fn fdt_check_header(fdt: *const c_void) -> c_int;
}

/// Why a device-tree helper failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FdtError {
    /// The slice does not hold a device tree (libfdt's header check) whose
    /// totalsize fits in it: nothing was written.
    BadBuffer,
    /// A libfdt call failed with this -FDT_ERR_* code; the tree may be
    /// partly written (-3, FDT_ERR_NOSPACE: make room and start again).
    Libfdt(i32),
}

impl fmt::Display for FdtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FdtError::BadBuffer => f.write_str("not a device tree that fits its buffer"),
            FdtError::Libfdt(e) => write!(f, "{} (libfdt error {})", Error::Fdt, e),
        }
    }
}

impl std::error::Error for FdtError {}

type Helper = unsafe extern "C" fn(*const sys::vpsci_vm, *mut c_void, *mut c_int) -> c_int;

impl<O: Ops> Vm<O> {
    fn fdt_helper(&self, fdt: &mut [u8], helper: Helper) -> Result<(), FdtError> {
        // Header: magic, then totalsize (big-endian) at offset 4.
        if fdt.len() < 40 || u32::from_be_bytes([fdt[4], fdt[5], fdt[6], fdt[7]]) as usize > fdt.len()
        {
            return Err(FdtError::BadBuffer);
        }
        // SAFETY: at least 40 bytes, so libfdt's header reads stay inside.
        if unsafe { fdt_check_header(fdt.as_ptr().cast()) } != 0 {
            return Err(FdtError::BadBuffer);
        }
        let mut err: c_int = 0;
        // SAFETY: a valid tree whose totalsize (libfdt's bound for every
        // access) is within the slice; the engine part reads only the
        // immutable configuration.
        match unsafe { helper(self.as_ptr(), fdt.as_mut_ptr().cast(), &mut err) } {
            0 => Ok(()),
            _ => Err(FdtError::Libfdt(err)),
        }
    }

    /// Add the root's "psci" node: compatible for the version, method for
    /// the conduit, the 0.1 ID properties exactly when the engine answers them.
    pub fn fdt_add_psci(&self, fdt: &mut [u8]) -> Result<(), FdtError> {
        self.fdt_helper(fdt, sys::vpsci_fdt_add_psci)
    }

    /// Add "/cpus" with one "cpu@<mpidr>" per vCPU, enable-method "psci".
    pub fn fdt_add_cpus(&self, fdt: &mut [u8]) -> Result<(), FdtError> {
        self.fdt_helper(fdt, sys::vpsci_fdt_add_cpus)
    }

    /// Describe the power-domain hierarchy's idle states (after the other
    /// two); a no-op without a hierarchy.
    pub fn fdt_add_idle_states(&self, fdt: &mut [u8]) -> Result<(), FdtError> {
        self.fdt_helper(fdt, sys::vpsci_fdt_add_idle_states)
    }
}
