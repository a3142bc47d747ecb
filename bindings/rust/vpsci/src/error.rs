// SPDX-License-Identifier: BSD-2-Clause
//! Host-side errors (`VPSCI_E_*`). They never reach the guest: what a guest
//! sees is always a PSCI return code in x0.

use std::ffi::CStr;
use std::fmt;

use vpsci_sys as sys;

/// A libvpsci error code. `Display` is `vpsci_strerror()`'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Error {
    /// An argument or a configuration field is invalid.
    Inval,
    /// Out of memory (creation only).
    NoMem,
    /// A vCPU is mid-transition, or (from this crate) the VM is not
    /// quiescent: a call is in flight where the operation needs none, or a
    /// second call was made for a vCPU that is already in one.
    Busy,
    /// vCPU index out of range.
    Range,
    /// The vCPU or VM is not in a state that allows this.
    State,
    /// The output buffer is too small.
    NoSpc,
    /// Snapshot shorter than its header says.
    SnapTruncated,
    /// Not a vpsci snapshot.
    SnapMagic,
    /// Snapshot format version not understood.
    SnapVersion,
    /// Snapshot checksum mismatch.
    SnapChecksum,
    /// A snapshot field holds a value no engine writes.
    SnapCorrupt,
    /// The snapshot's configuration differs from this engine's.
    SnapMismatch,
    /// A libfdt call failed.
    Fdt,
    /// A code this crate does not know (a newer library).
    Unknown(i32),
}

impl Error {
    /// The error for a negative libvpsci return value.
    pub fn from_code(code: i32) -> Error {
        match code {
            sys::VPSCI_E_INVAL => Error::Inval,
            sys::VPSCI_E_NOMEM => Error::NoMem,
            sys::VPSCI_E_BUSY => Error::Busy,
            sys::VPSCI_E_RANGE => Error::Range,
            sys::VPSCI_E_STATE => Error::State,
            sys::VPSCI_E_NOSPC => Error::NoSpc,
            sys::VPSCI_E_SNAP_TRUNCATED => Error::SnapTruncated,
            sys::VPSCI_E_SNAP_MAGIC => Error::SnapMagic,
            sys::VPSCI_E_SNAP_VERSION => Error::SnapVersion,
            sys::VPSCI_E_SNAP_CHECKSUM => Error::SnapChecksum,
            sys::VPSCI_E_SNAP_CORRUPT => Error::SnapCorrupt,
            sys::VPSCI_E_SNAP_MISMATCH => Error::SnapMismatch,
            sys::VPSCI_E_FDT => Error::Fdt,
            other => Error::Unknown(other),
        }
    }

    /// The libvpsci code (`VPSCI_E_*`).
    pub fn code(self) -> i32 {
        match self {
            Error::Inval => sys::VPSCI_E_INVAL,
            Error::NoMem => sys::VPSCI_E_NOMEM,
            Error::Busy => sys::VPSCI_E_BUSY,
            Error::Range => sys::VPSCI_E_RANGE,
            Error::State => sys::VPSCI_E_STATE,
            Error::NoSpc => sys::VPSCI_E_NOSPC,
            Error::SnapTruncated => sys::VPSCI_E_SNAP_TRUNCATED,
            Error::SnapMagic => sys::VPSCI_E_SNAP_MAGIC,
            Error::SnapVersion => sys::VPSCI_E_SNAP_VERSION,
            Error::SnapChecksum => sys::VPSCI_E_SNAP_CHECKSUM,
            Error::SnapCorrupt => sys::VPSCI_E_SNAP_CORRUPT,
            Error::SnapMismatch => sys::VPSCI_E_SNAP_MISMATCH,
            Error::Fdt => sys::VPSCI_E_FDT,
            Error::Unknown(c) => c,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // SAFETY: vpsci_strerror never returns NULL and its strings are static.
        let s = unsafe { CStr::from_ptr(sys::vpsci_strerror(self.code())) };
        f.write_str(&s.to_string_lossy())
    }
}

impl std::error::Error for Error {}

/// Map a libvpsci return value: 0 (or any non-negative value) is success.
pub(crate) fn check(code: i32) -> Result<i32, Error> {
    if code < 0 {
        Err(Error::from_code(code))
    } else {
        Ok(code)
    }
}
