// SPDX-License-Identifier: BSD-2-Clause
//! Safe Rust API of libvpsci, the PSCI engine for virtual machines.
//!
//! A VMM creates one [`Vm`] per guest from a [`Config`] and an [`Ops`]
//! implementation (its host hooks), hands it every forwarded HVC/SMC with
//! [`Vm::call`] from the vCPU's own thread, writes the result's x0..x3 back
//! and acts on its [`Exit`]. docs/embedding.md in the source tree walks
//! through a whole KVM VMM; examples/engine_glue.rs is the Rust side of it.
//!
//! ```no_run
//! use vpsci::{Call, Config, Entry, Exit, MemRegion, Ops, StartFailed, SystemEvent, Version, Vm};
//!
//! struct Host;
//! impl Ops for Host {
//!     fn cpu_on(&self, _vcpu: u32, _entry: &Entry) -> Result<(), StartFailed> { Ok(()) }
//!     fn cpu_stop(&self, _vcpu: u32) {}
//!     fn system_event(&self, _ev: &SystemEvent) {}
//! }
//!
//! let ram = MemRegion { base: 0x4000_0000, size: 1 << 30 };
//! let vm = Vm::new(&Config::new(Version::V1_3, 4, ram), Host)?;
//! let res = vm.call(0, &Call::hvc([0x8400_0000, 0, 0, 0]))?; // PSCI_VERSION
//! assert_eq!(res.x[0], 0x10003);
//! assert_eq!(res.exit, Exit::Continue);
//! # Ok::<(), vpsci::Error>(())
//! ```

#![deny(unsafe_op_in_unsafe_fn)]

mod config;
mod error;
#[cfg(feature = "fdt")]
mod fdt;
mod types;
mod vm;

pub use config::{Conduit, Config, Flags, MemRegion, Version};
pub use error::Error;
#[cfg(feature = "fdt")]
pub use fdt::FdtError;
pub use types::{Call, CallResult, Entry, EventKind, Exit, SystemEvent, VcpuState};
pub use vm::{fn_name, Ops, StartFailed, Vm};
/// The raw C API and the PSCI constants (function IDs, return codes).
pub use vpsci_sys as sys;
