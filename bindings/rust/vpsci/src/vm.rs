// SPDX-License-Identifier: BSD-2-Clause
//! `Vm`: one engine, its host hooks (`Ops`) and the rules that make the C
//! contract safe to use from Rust.
//!
//! The C engine asks two things of its caller that Rust's type system does
//! not see (include/vpsci/vpsci.h, "Threading"): at most one `vpsci_call()`
//! in flight per vCPU (a call writes its own vCPU's suspension details
//! without atomics), and no call in flight at all during the control
//! functions (reset, snapshot, restore, which read or write those details).
//! A `Gate` enforces both at run time with two atomic operations per call;
//! a caller who breaks them gets `Error::Busy` instead of a data race.

use std::os::raw::{c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};

use crate::config::{Conduit, Config, Version};
use crate::error::{check, Error};
use crate::types::{Call, CallResult, Entry, SystemEvent, VcpuState};
use vpsci_sys as sys;

/// `Ops::cpu_on` could not start the vCPU: the guest sees INTERNAL_FAILURE
/// and the target stays off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartFailed;

/// What only the host can do (`struct vpsci_ops`). Each hook runs on the
/// thread whose `Vm::call` triggered it, with no engine state held except
/// where said; several hooks may run at once on different vCPU threads,
/// hence `Sync`. A hook that panics aborts the process: unwinding through
/// the C engine is not possible.
pub trait Ops: Send + Sync {
    /// Power on vCPU `vcpu` (not the caller) at `entry`, from a clean
    /// architectural state. The engine holds `vcpu` claimed meanwhile: do
    /// not block for long and do not call into the VM for `vcpu`. The target
    /// may have returned `Exit::Off` an instant ago and not yet be parked:
    /// remember the request.
    fn cpu_on(&self, vcpu: u32, entry: &Entry) -> Result<(), StartFailed>;

    /// Stop vCPU `vcpu` (not the caller) before a system event: when this
    /// returns, it runs no more guest code until the host restarts the VM.
    fn cpu_stop(&self, vcpu: u32);

    /// Report a system event; every other vCPU is stopped or off. The
    /// caller's `Vm::call` returns `Exit::SystemEvent` with the same event
    /// right after, which is where a VMM acts: the default does nothing.
    fn system_event(&self, event: &SystemEvent) {
        let _ = event;
    }

    /// Whether `now_us` is a real clock (needed by `Flags::STAT`).
    const HAS_CLOCK: bool = false;

    /// A monotonic clock in microseconds; called from any thread. Only used
    /// when `HAS_CLOCK` is true.
    fn now_us(&self) -> u64 {
        0
    }
}

fn or_abort<T>(f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(_) => {
            eprintln!("vpsci: an Ops hook panicked; aborting (cannot unwind through C)");
            std::process::abort();
        }
    }
}

unsafe extern "C" fn hook_cpu_on<O: Ops>(
    opaque: *mut c_void,
    idx: u32,
    entry: *const sys::vpsci_entry,
) -> c_int {
    // SAFETY: opaque is the Box<O> of the Vm that owns the engine, alive for
    // as long as the engine; the engine passes a valid entry.
    let (ops, e) = unsafe { (&*(opaque as *const O), Entry::from(&*entry)) };
    match or_abort(|| ops.cpu_on(idx, &e)) {
        Ok(()) => 0,
        Err(StartFailed) => -1,
    }
}

unsafe extern "C" fn hook_cpu_stop<O: Ops>(opaque: *mut c_void, idx: u32) {
    // SAFETY: as in hook_cpu_on.
    let ops = unsafe { &*(opaque as *const O) };
    or_abort(|| ops.cpu_stop(idx));
}

unsafe extern "C" fn hook_system_event<O: Ops>(
    opaque: *mut c_void,
    ev: *const sys::vpsci_system_event,
) {
    // SAFETY: as in hook_cpu_on.
    let (ops, ev) = unsafe { (&*(opaque as *const O), SystemEvent::from(&*ev)) };
    or_abort(|| ops.system_event(&ev));
}

unsafe extern "C" fn hook_now_us<O: Ops>(opaque: *mut c_void) -> u64 {
    // SAFETY: as in hook_cpu_on.
    let ops = unsafe { &*(opaque as *const O) };
    or_abort(|| ops.now_us())
}

fn ops_table<O: Ops>() -> sys::vpsci_ops {
    sys::vpsci_ops {
        size: std::mem::size_of::<sys::vpsci_ops>() as u32,
        cpu_on: Some(hook_cpu_on::<O>),
        cpu_stop: Some(hook_cpu_stop::<O>),
        system_event: Some(hook_system_event::<O>),
        now_us: if O::HAS_CLOCK { Some(hook_now_us::<O>) } else { None },
    }
}

/// Bit 63 of `Gate::active`: a control function holds the VM.
const CONTROL: u64 = 1 << 63;

/// Calls in flight (low bits) or one control function (CONTROL), and which
/// vCPUs are in a call. SeqCst throughout: a call increments and then
/// reads CONTROL, a control function swaps 0 for CONTROL, so either sees
/// the other.
struct Gate {
    active: AtomicU64,
    in_call: Box<[AtomicBool]>,
}

struct CallPass<'a>(&'a Gate, usize);

impl Drop for CallPass<'_> {
    fn drop(&mut self) {
        self.0.in_call[self.1].store(false, SeqCst);
        self.0.active.fetch_sub(1, SeqCst);
    }
}

struct ControlPass<'a>(&'a Gate);

impl Drop for ControlPass<'_> {
    fn drop(&mut self) {
        // Not a store of 0: a call refused meanwhile may still hold its
        // transient increment, and takes it back itself.
        self.0.active.fetch_sub(CONTROL, SeqCst);
    }
}

impl Gate {
    fn new(nr_vcpus: u32) -> Gate {
        Gate {
            active: AtomicU64::new(0),
            in_call: (0..nr_vcpus).map(|_| AtomicBool::new(false)).collect(),
        }
    }

    fn call(&self, vcpu: u32) -> Result<CallPass<'_>, Error> {
        let v = vcpu as usize;
        if v >= self.in_call.len() {
            return Err(Error::Range);
        }
        if self.active.fetch_add(1, SeqCst) & CONTROL != 0 {
            self.active.fetch_sub(1, SeqCst);
            return Err(Error::Busy);
        }
        if self.in_call[v].swap(true, SeqCst) {
            self.active.fetch_sub(1, SeqCst);
            return Err(Error::Busy);
        }
        Ok(CallPass(self, v))
    }

    fn control(&self) -> Result<ControlPass<'_>, Error> {
        self.active.compare_exchange(0, CONTROL, SeqCst, SeqCst).map_err(|_| Error::Busy)?;
        Ok(ControlPass(self))
    }
}

/// The PSCI engine of one VM, with its host hooks.
pub struct Vm<O: Ops> {
    raw: *mut sys::vpsci_vm,
    gate: Gate,
    // The engine keeps a pointer to it (opaque): it lives as long as the
    // engine and never moves (the Vm may). The ops table is copied.
    ops: Box<O>,
}

// SAFETY: why a Vm may be sent to and shared between threads.
// - The engine has no thread affinity: no thread-local state, no OS
//   objects, no globals; it may be created, used and destroyed on any thread.
// - vpsci_call() is safe under concurrent callers, one call per vCPU: every
//   state change is a compare-and-swap on the target vCPU's atomic word or
//   on the VM's system word, with sequentially consistent atomics
//   (docs/design.md section 4, model-checked in model/vpsci.pml); the
//   per-vCPU non-atomic fields are written only by that vCPU's own call.
//   The Gate refuses a second concurrent call for the same vCPU.
// - The control functions need a quiescent VM; the Gate gives them the VM
//   exclusively or refuses them (Error::Busy). vpsci_destroy runs from
//   Drop, which has the Vm exclusively.
// - The read-only introspection functions used through &self read only
//   immutable configuration or atomics.
// - Hooks run on whichever thread calls in, possibly several at once:
//   Ops requires Send + Sync.
unsafe impl<O: Ops> Send for Vm<O> {}
unsafe impl<O: Ops> Sync for Vm<O> {}

impl<O: Ops> Vm<O> {
    fn wrap(
        ops: O,
        make: impl FnOnce(*const sys::vpsci_ops, *mut c_void, *mut *mut sys::vpsci_vm) -> c_int,
    ) -> Result<Vm<O>, Error> {
        let ops = Box::new(ops);
        let table = ops_table::<O>();
        let mut raw = std::ptr::null_mut();
        check(make(&table, &*ops as *const O as *mut c_void, &mut raw))?;
        // SAFETY: raw is a live engine.
        let nr = unsafe { sys::vpsci_nr_vcpus(raw) };
        Ok(Vm { raw, gate: Gate::new(nr), ops })
    }

    /// Create an engine in its reset state (boot vCPU on, others off).
    /// `Error::Inval` for an invalid configuration (see vpsci_create()).
    pub fn new(cfg: &Config, ops: O) -> Result<Vm<O>, Error> {
        if !cfg.lengths_fit() {
            return Err(Error::Inval);
        }
        let mem = cfg.raw_mem();
        let raw_cfg = cfg.raw(&mem);
        // SAFETY: raw_cfg's pointers borrow cfg and mem, alive during the
        // call; the engine copies them.
        Vm::wrap(ops, |t, o, out| unsafe { sys::vpsci_create(&raw_cfg, t, o, out) })
    }

    /// Create an engine from a snapshot alone, with its recorded
    /// configuration (what resumes a hibernated or migrated VM).
    pub fn from_snapshot(snapshot: &[u8], ops: O) -> Result<Vm<O>, Error> {
        // SAFETY: the engine reads at most snapshot.len() bytes.
        Vm::wrap(ops, |t, o, out| unsafe {
            sys::vpsci_create_from_snapshot(snapshot.as_ptr().cast(), snapshot.len(), t, o, out)
        })
    }

    /// The host hooks given at creation.
    pub fn ops(&self) -> &O {
        &self.ops
    }

    /// Handle one forwarded call from `vcpu`. Thread-safe: one call per
    /// vCPU at a time (else `Error::Busy`); `Error::Range` for a bad vCPU.
    pub fn call(&self, vcpu: u32, call: &Call) -> Result<CallResult, Error> {
        let _pass = self.gate.call(vcpu)?;
        let c = call.raw();
        let mut res = CallResult::raw_out();
        // SAFETY: the Gate guarantees the engine's calling contract.
        check(unsafe { sys::vpsci_call(self.raw, vcpu, &c, &mut res) })?;
        Ok(CallResult::from(&res))
    }

    /// The vCPU suspended by `Exit::Suspend` woke up (before it runs guest
    /// code again). `Error::State` if it was not suspended.
    pub fn vcpu_wake(&self, vcpu: u32) -> Result<(), Error> {
        let _pass = self.gate.call(vcpu)?;
        // SAFETY: as in call().
        check(unsafe { sys::vpsci_vcpu_wake(self.raw, vcpu) }).map(drop)
    }

    /// The VM suspended by SYSTEM_SUSPEND woke up; the caller resumes at the
    /// event's entry. Needs a quiescent VM (every other vCPU is off).
    pub fn system_wake(&self) -> Result<(), Error> {
        let _pass = self.gate.control()?;
        // SAFETY: exclusive use of the engine.
        check(unsafe { sys::vpsci_system_wake(self.raw) }).map(drop)
    }

    /// Back to the reset state (boot vCPU on, others off), for a reboot in
    /// place. Needs a quiescent VM.
    pub fn reset(&self) -> Result<(), Error> {
        let _pass = self.gate.control()?;
        // SAFETY: exclusive use of the engine.
        check(unsafe { sys::vpsci_reset(self.raw) }).map(drop)
    }

    /// The engine's whole state (docs/snapshot.md). Needs a quiescent VM.
    pub fn snapshot(&self) -> Result<Vec<u8>, Error> {
        let _pass = self.gate.control()?;
        // SAFETY: exclusive use of the engine; buf holds size bytes.
        unsafe {
            let size = sys::vpsci_snapshot_size(self.raw);
            let mut buf = vec![0u8; size];
            let mut len = 0usize;
            check(sys::vpsci_snapshot(self.raw, buf.as_mut_ptr().cast(), size, &mut len))?;
            buf.truncate(len);
            Ok(buf)
        }
    }

    /// Restore a snapshot taken from an engine with the same configuration;
    /// all or nothing. Needs a quiescent VM.
    pub fn restore(&self, snapshot: &[u8]) -> Result<(), Error> {
        let _pass = self.gate.control()?;
        // SAFETY: exclusive use of the engine; it reads at most len bytes.
        check(unsafe {
            sys::vpsci_restore(self.raw, snapshot.as_ptr().cast(), snapshot.len())
        })
        .map(drop)
    }

    /// A vCPU's power state as the guest would see it.
    pub fn vcpu_state(&self, vcpu: u32) -> Result<VcpuState, Error> {
        // SAFETY: reads one atomic word.
        check(unsafe { sys::vpsci_vcpu_state(self.raw, vcpu) })
            .map(|s| VcpuState::from_raw(s as u32))
    }

    pub fn version(&self) -> Version {
        // SAFETY: immutable configuration.
        Version(unsafe { sys::vpsci_version(self.raw) })
    }

    pub fn nr_vcpus(&self) -> u32 {
        self.gate.in_call.len() as u32
    }

    pub fn conduit(&self) -> Conduit {
        // SAFETY: immutable configuration.
        Conduit::from_raw(unsafe { sys::vpsci_conduit(self.raw) })
    }

    /// MPIDR affinity of `vcpu`, or `None` out of range.
    pub fn vcpu_mpidr(&self, vcpu: u32) -> Option<u64> {
        // SAFETY: immutable configuration.
        (vcpu < self.nr_vcpus()).then(|| unsafe { sys::vpsci_vcpu_mpidr(self.raw, vcpu) })
    }

    /// The vCPU with this MPIDR affinity (mask MPIDR_EL1's other bits first).
    pub fn vcpu_by_mpidr(&self, mpidr: u64) -> Result<u32, Error> {
        // SAFETY: immutable configuration.
        check(unsafe { sys::vpsci_vcpu_by_mpidr(self.raw, mpidr) }).map(|i| i as u32)
    }

    /// Whether the guest gets an answer other than NOT_SUPPORTED for `fid`.
    pub fn handles(&self, fid: u32) -> bool {
        // SAFETY: immutable capability table.
        unsafe { sys::vpsci_handles(self.raw, fid) }
    }

    /// The power_state of a composite state (`vpsci_sys::VPSCI_LOCAL_*` per
    /// level), for the DT's arm,psci-suspend-param.
    pub fn power_state(&self, cpu: u32, cluster: u32, system: u32) -> Result<u32, Error> {
        let mut ps = 0;
        // SAFETY: immutable configuration; ps is writable.
        check(unsafe { sys::vpsci_power_state(self.raw, cpu, cluster, system, &mut ps) })?;
        Ok(ps)
    }

    /// MEM_PROTECT enabled: wipe guest RAM before a reboot in place.
    pub fn mem_protect(&self) -> bool {
        // SAFETY: reads one atomic word.
        unsafe { sys::vpsci_mem_protect(self.raw) }
    }

    /// The raw engine, for the C helpers (libvpsci-fdt). The Vm keeps
    /// ownership; the caller keeps to the C contracts.
    pub fn as_ptr(&self) -> *mut sys::vpsci_vm {
        self.raw
    }
}

impl<O: Ops> Drop for Vm<O> {
    fn drop(&mut self) {
        // SAFETY: &mut self: no call in flight; the engine is not used again.
        unsafe { sys::vpsci_destroy(self.raw) }
    }
}

/// The name of a function ID ("CPU_ON", "SMCCC_VERSION", ...).
pub fn fn_name(fid: u32) -> Option<&'static str> {
    // SAFETY: NULL or a static NUL-terminated ASCII string.
    unsafe {
        let p = sys::vpsci_fn_name(fid);
        (!p.is_null()).then(|| std::ffi::CStr::from_ptr(p).to_str().unwrap_or("?"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A call refused while a control function holds the gate takes its
    /// increment back after the control function may have ended: the
    /// count must survive that order (a release that stored 0 made the
    /// gate wrap to "control held" for good).
    #[test]
    fn refused_call_outliving_the_control_pass() {
        let gate = Gate::new(2);
        let pass = gate.control().unwrap();
        // A call, half-way: its increment is in, it saw CONTROL...
        assert_ne!(gate.active.fetch_add(1, SeqCst) & CONTROL, 0);
        drop(pass); // ...the control function ends...
        gate.active.fetch_sub(1, SeqCst); // ...and the call backs out.
        assert_eq!(gate.active.load(SeqCst), 0);
        assert!(gate.control().is_ok());
        assert!(gate.call(1).is_ok());
        assert_eq!(gate.call(2).err(), Some(Error::Range));
    }

    #[test]
    fn one_call_per_vcpu_and_no_control_meanwhile() {
        let gate = Gate::new(2);
        let a = gate.call(0).unwrap();
        assert_eq!(gate.call(0).err(), Some(Error::Busy));
        assert!(gate.call(1).is_ok());
        assert_eq!(gate.control().err(), Some(Error::Busy));
        drop(a);
        assert!(gate.control().is_ok());
        assert_eq!(gate.active.load(SeqCst), 0);
    }
}
