// SPDX-License-Identifier: BSD-2-Clause
//! Raw FFI declarations of libvpsci (`include/vpsci/vpsci.h` and `psci.h`).
//!
//! Written by hand, with the C names, and checked against the C headers by
//! `tests/abi.rs`: the size, alignment and every field offset and type of
//! each struct, every constant, and every function prototype (regenerated as
//! C from the Rust types and compiled against the header). Every function is
//! `unsafe`; the contracts are the header's. The safe API is the `vpsci`
//! crate. Feature "fdt" adds `include/vpsci/vpsci_fdt.h` (libvpsci-fdt,
//! linked with libfdt).
//!
//! The ABI rule (include/vpsci/vpsci.h, "ABI rule"): `vpsci_config`,
//! `vpsci_ops`, `vpsci_call` and `vpsci_result` start with `size`, which
//! the caller sets to `size_of::<T>()` of these declarations; they only
//! grow at the end. `vpsci_mem_region`, `vpsci_entry` and
//! `vpsci_system_event` are frozen.
//!
//! C enums are declared as their GCC/Clang representation (`c_uint` when
//! every enumerator is non-negative, `c_int` otherwise) plus one constant per
//! enumerator, so that a value the Rust side does not know can never be
//! undefined behaviour.
#![allow(non_camel_case_types)]
use std::os::raw::{c_char, c_int, c_uint, c_void};

mod psci;
pub use psci::*;

/* ---- Library error codes (host side) ---------------------------------- */
pub type vpsci_error = c_int;
pub const VPSCI_OK: vpsci_error = 0;
pub const VPSCI_E_INVAL: vpsci_error = -1;
pub const VPSCI_E_NOMEM: vpsci_error = -2;
pub const VPSCI_E_BUSY: vpsci_error = -3;
pub const VPSCI_E_RANGE: vpsci_error = -4;
pub const VPSCI_E_STATE: vpsci_error = -5;
pub const VPSCI_E_NOSPC: vpsci_error = -6;
pub const VPSCI_E_SNAP_TRUNCATED: vpsci_error = -7;
pub const VPSCI_E_SNAP_MAGIC: vpsci_error = -8;
pub const VPSCI_E_SNAP_VERSION: vpsci_error = -9;
pub const VPSCI_E_SNAP_CHECKSUM: vpsci_error = -10;
pub const VPSCI_E_SNAP_CORRUPT: vpsci_error = -11;
pub const VPSCI_E_SNAP_MISMATCH: vpsci_error = -12;
pub const VPSCI_E_FDT: vpsci_error = -13;

/* ---- Configuration ------------------------------------------------------ */
pub const VPSCI_MAX_VCPUS: u32 = 1024;
pub const VPSCI_MAX_MEM_REGIONS: u32 = 16;
pub const VPSCI_MAX_RESET2_TYPES: u32 = 16;

pub type vpsci_conduit = c_uint;
pub const VPSCI_CONDUIT_HVC: vpsci_conduit = 0;
pub const VPSCI_CONDUIT_SMC: vpsci_conduit = 1;

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct vpsci_mem_region {
    pub base: u64,
    pub size: u64,
}

pub const VPSCI_CFG_SYSTEM_SUSPEND: u32 = 1 << 0;
pub const VPSCI_CFG_0_1_IDS: u32 = 1 << 1;
pub const VPSCI_CFG_EXT_STATEID: u32 = 1 << 2;
pub const VPSCI_CFG_OSI: u32 = 1 << 3;
pub const VPSCI_CFG_STAT: u32 = 1 << 4;
pub const VPSCI_CFG_FREEZE: u32 = 1 << 5;
pub const VPSCI_CFG_DEFAULT_SUSPEND: u32 = 1 << 6;
pub const VPSCI_CFG_NODE_HW_STATE: u32 = 1 << 7;
pub const VPSCI_CFG_MEM_PROTECT: u32 = 1 << 8;
pub const VPSCI_CFG_ALL_FLAGS: u32 = VPSCI_CFG_SYSTEM_SUSPEND
    | VPSCI_CFG_0_1_IDS
    | VPSCI_CFG_EXT_STATEID
    | VPSCI_CFG_OSI
    | VPSCI_CFG_STAT
    | VPSCI_CFG_FREEZE
    | VPSCI_CFG_DEFAULT_SUSPEND
    | VPSCI_CFG_NODE_HW_STATE
    | VPSCI_CFG_MEM_PROTECT;

pub const VPSCI_MAX_PD_LEVELS: u32 = 3;

pub type vpsci_local_state = c_uint;
pub const VPSCI_LOCAL_RUN: vpsci_local_state = 0;
pub const VPSCI_LOCAL_RETENTION: vpsci_local_state = 1;
pub const VPSCI_LOCAL_OFF: vpsci_local_state = 2;

pub const VPSCI_PD_RETENTION: u8 = 1 << VPSCI_LOCAL_RETENTION;
pub const VPSCI_PD_OFF: u8 = 1 << VPSCI_LOCAL_OFF;

/// `VPSCI_STATEID(cpu, cluster, system)`.
pub const fn vpsci_stateid(cpu: u32, cluster: u32, system: u32) -> u32 {
    cpu | (cluster << 4) | (system << 8)
}

/// `VPSCI_STATEID_LOCAL(stateid, level)`.
pub const fn vpsci_stateid_local(stateid: u32, level: u32) -> u32 {
    (stateid >> (4 * level)) & 0xf
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct vpsci_config {
    pub size: u32,
    pub version: u32,
    pub conduit: vpsci_conduit,
    pub nr_vcpus: u32,
    pub mpidrs: *const u64,
    pub boot_vcpu: u32,
    pub mem: *const vpsci_mem_region,
    pub nr_mem: u32,
    pub reset2_vendor_types: *const u32,
    pub nr_reset2_vendor_types: u32,
    pub flags: u32,
    pub pd_levels: u32,
    pub pd_states: [u8; VPSCI_MAX_PD_LEVELS as usize],
}

/* ---- Host operations ---------------------------------------------------- */

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct vpsci_entry {
    pub pc: u64,
    pub context_id: u64,
    pub aarch32: bool,
    pub thumb: bool,
    pub big_endian: bool,
}

pub type vpsci_event_type = c_uint;
pub const VPSCI_EVENT_OFF: vpsci_event_type = 0;
pub const VPSCI_EVENT_HIBERNATE_OFF: vpsci_event_type = 1;
pub const VPSCI_EVENT_RESET: vpsci_event_type = 2;
pub const VPSCI_EVENT_RESET2: vpsci_event_type = 3;
pub const VPSCI_EVENT_SUSPEND: vpsci_event_type = 4;

#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct vpsci_system_event {
    pub type_: vpsci_event_type,
    pub caller: u32,
    pub reset_type: u32,
    pub cookie: u64,
    pub entry: vpsci_entry,
}

pub type vpsci_cpu_on_fn =
    unsafe extern "C" fn(opaque: *mut c_void, idx: u32, entry: *const vpsci_entry) -> c_int;
pub type vpsci_cpu_stop_fn = unsafe extern "C" fn(opaque: *mut c_void, idx: u32);
pub type vpsci_system_event_fn =
    unsafe extern "C" fn(opaque: *mut c_void, ev: *const vpsci_system_event);
pub type vpsci_now_us_fn = unsafe extern "C" fn(opaque: *mut c_void) -> u64;

#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct vpsci_ops {
    pub size: u32,
    pub cpu_on: Option<vpsci_cpu_on_fn>,
    pub cpu_stop: Option<vpsci_cpu_stop_fn>,
    pub system_event: Option<vpsci_system_event_fn>,
    pub now_us: Option<vpsci_now_us_fn>,
}

/* ---- Engine lifetime ---------------------------------------------------- */

/// The engine of one VM (opaque).
#[repr(C)]
pub struct vpsci_vm {
    _private: [u8; 0],
}

/* ---- Forwarded calls ---------------------------------------------------- */

#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct vpsci_call {
    pub size: u32,
    pub x: [u64; 4],
    pub conduit: vpsci_conduit,
    pub aarch32: bool,
    pub big_endian: bool,
}

pub type vpsci_exit = c_uint;
pub const VPSCI_EXIT_CONTINUE: vpsci_exit = 0;
pub const VPSCI_EXIT_OFF: vpsci_exit = 1;
pub const VPSCI_EXIT_SUSPEND: vpsci_exit = 2;
pub const VPSCI_EXIT_SYSTEM_EVENT: vpsci_exit = 3;

#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct vpsci_result {
    pub size: u32,
    pub x: [u64; 4],
    pub exit: vpsci_exit,
    pub power_state: u32,
    pub powerdown: bool,
    pub entry: vpsci_entry,
    pub event: vpsci_system_event,
}

/// `VPSCI_HAS_FIELD(type, p, field)`: whether the sized struct `*p` of type
/// `$t` holds `$field`, i.e. its `size` covers it (for a result, after
/// `vpsci_call()` has set the size it wrote).
#[macro_export]
macro_rules! vpsci_has_field {
    ($t:ty, $p:expr, $field:ident) => {{
        let u = ::std::mem::MaybeUninit::<$t>::uninit();
        let base = u.as_ptr();
        // SAFETY: addr_of! on a field of uninitialised memory reads nothing.
        let f = unsafe { ::std::ptr::addr_of!((*base).$field) };
        fn size_of_pointee<T>(_: *const T) -> usize {
            ::std::mem::size_of::<T>()
        }
        ($p).size as usize >= (f as usize - base as usize) + size_of_pointee(f)
    }};
}

/* ---- Introspection ------------------------------------------------------ */

pub type vpsci_vcpu_state = c_uint;
pub const VPSCI_VCPU_OFF: vpsci_vcpu_state = 0;
pub const VPSCI_VCPU_ON: vpsci_vcpu_state = 1;
pub const VPSCI_VCPU_SUSPENDED: vpsci_vcpu_state = 2;
pub const VPSCI_VCPU_SYSTEM_SUSPENDED: vpsci_vcpu_state = 3;
pub const VPSCI_VCPU_TRANSITION: vpsci_vcpu_state = 4;

extern "C" {
    pub fn vpsci_strerror(err: c_int) -> *const c_char;

    pub fn vpsci_create(
        cfg: *const vpsci_config,
        ops: *const vpsci_ops,
        opaque: *mut c_void,
        out: *mut *mut vpsci_vm,
    ) -> c_int;
    pub fn vpsci_destroy(vm: *mut vpsci_vm);
    pub fn vpsci_reset(vm: *mut vpsci_vm) -> c_int;

    pub fn vpsci_call(
        vm: *mut vpsci_vm,
        vcpu: u32,
        call: *const vpsci_call,
        res: *mut vpsci_result,
    ) -> c_int;
    pub fn vpsci_vcpu_wake(vm: *mut vpsci_vm, vcpu: u32) -> c_int;
    pub fn vpsci_system_wake(vm: *mut vpsci_vm) -> c_int;

    pub fn vpsci_vcpu_state(vm: *const vpsci_vm, vcpu: u32) -> c_int;
    pub fn vpsci_version(vm: *const vpsci_vm) -> u32;
    pub fn vpsci_nr_vcpus(vm: *const vpsci_vm) -> u32;
    pub fn vpsci_conduit(vm: *const vpsci_vm) -> vpsci_conduit;
    pub fn vpsci_flags(vm: *const vpsci_vm) -> u32;
    pub fn vpsci_vcpu_mpidr(vm: *const vpsci_vm, vcpu: u32) -> u64;
    pub fn vpsci_vcpu_by_mpidr(vm: *const vpsci_vm, mpidr: u64) -> c_int;
    pub fn vpsci_handles(vm: *const vpsci_vm, fid: u32) -> bool;
    pub fn vpsci_power_state(
        vm: *const vpsci_vm,
        cpu: c_uint,
        cluster: c_uint,
        system: c_uint,
        ps: *mut u32,
    ) -> c_int;
    pub fn vpsci_mem_protect(vm: *const vpsci_vm) -> bool;
    pub fn vpsci_suspend_mode(vm: *const vpsci_vm) -> u32;
    pub fn vpsci_fn_name(fid: u32) -> *const c_char;

    pub fn vpsci_snapshot_size(vm: *const vpsci_vm) -> usize;
    pub fn vpsci_snapshot(
        vm: *const vpsci_vm,
        buf: *mut c_void,
        size: usize,
        len: *mut usize,
    ) -> c_int;
    pub fn vpsci_restore(vm: *mut vpsci_vm, buf: *const c_void, size: usize) -> c_int;
    pub fn vpsci_create_from_snapshot(
        buf: *const c_void,
        size: usize,
        ops: *const vpsci_ops,
        opaque: *mut c_void,
        out: *mut *mut vpsci_vm,
    ) -> c_int;
}

/* ---- include/vpsci/vpsci_fdt.h (feature "fdt": libvpsci-fdt, libfdt) -- */

#[cfg(feature = "fdt")]
extern "C" {
    pub fn vpsci_fdt_add_psci(vm: *const vpsci_vm, fdt: *mut c_void, fdt_err: *mut c_int) -> c_int;
    pub fn vpsci_fdt_add_cpus(vm: *const vpsci_vm, fdt: *mut c_void, fdt_err: *mut c_int) -> c_int;
    pub fn vpsci_fdt_add_idle_states(
        vm: *const vpsci_vm,
        fdt: *mut c_void,
        fdt_err: *mut c_int,
    ) -> c_int;
}
