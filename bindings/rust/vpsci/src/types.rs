// SPDX-License-Identifier: BSD-2-Clause
//! The values that cross the engine's boundary: calls, results, entry
//! points, system events, vCPU states.

use crate::config::Conduit;
use vpsci_sys as sys;

/// Where and how a vCPU starts (CPU_ON) or resumes (a power-down suspend,
/// SYSTEM_SUSPEND): PC = `pc`, x0 = `context_id`, EL1h, DAIF masked, MMU
/// and caches off (DEN0022 5.5, 6.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Entry {
    pub pc: u64,
    pub context_id: u64,
    /// Enter in AArch32 state (the caller's state).
    pub aarch32: bool,
    /// AArch32 only: the entry had bit 0 set.
    pub thumb: bool,
    /// The caller's data endianness.
    pub big_endian: bool,
}

impl From<&sys::vpsci_entry> for Entry {
    fn from(e: &sys::vpsci_entry) -> Entry {
        Entry {
            pc: e.pc,
            context_id: e.context_id,
            aarch32: e.aarch32,
            thumb: e.thumb,
            big_endian: e.big_endian,
        }
    }
}

/// What a system event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// SYSTEM_OFF.
    Off,
    /// SYSTEM_OFF2: the guest hibernated; keep the machine to resume it.
    /// `off_type` is what the guest passed (0 or HIBERNATE_OFF = 1).
    HibernateOff { off_type: u32 },
    /// SYSTEM_RESET: cold reset.
    Reset,
    /// SYSTEM_RESET2.
    Reset2 { reset_type: u32, cookie: u64 },
    /// SYSTEM_SUSPEND: the caller resumes at `entry` after `Vm::system_wake`.
    Suspend { entry: Entry },
    /// A type this crate does not know (a newer library).
    Unknown(u32),
}

/// A system event, reported through `Ops::system_event` after every other
/// vCPU that was not off has been stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SystemEvent {
    /// The vCPU that made the call.
    pub caller: u32,
    pub kind: EventKind,
}

impl From<&sys::vpsci_system_event> for SystemEvent {
    fn from(ev: &sys::vpsci_system_event) -> SystemEvent {
        let kind = match ev.type_ {
            sys::VPSCI_EVENT_OFF => EventKind::Off,
            sys::VPSCI_EVENT_HIBERNATE_OFF => EventKind::HibernateOff { off_type: ev.reset_type },
            sys::VPSCI_EVENT_RESET => EventKind::Reset,
            sys::VPSCI_EVENT_RESET2 => {
                EventKind::Reset2 { reset_type: ev.reset_type, cookie: ev.cookie }
            }
            sys::VPSCI_EVENT_SUSPEND => EventKind::Suspend { entry: Entry::from(&ev.entry) },
            other => EventKind::Unknown(other),
        };
        SystemEvent { caller: ev.caller, kind }
    }
}

/// One forwarded HVC/SMC, as the caller left its registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    /// x0 = function ID, x1..x3 = arguments.
    pub x: [u64; 4],
    /// How the call arrived.
    pub conduit: Conduit,
    /// The caller executes in AArch32 state.
    pub aarch32: bool,
    /// The caller's data endianness (SCTLR_EL1.EE; for CPU_ON and suspends).
    pub big_endian: bool,
}

impl Call {
    /// An AArch64 little-endian HVC call with these registers.
    pub fn hvc(x: [u64; 4]) -> Call {
        Call { x, conduit: Conduit::Hvc, aarch32: false, big_endian: false }
    }

    pub(crate) fn raw(&self) -> sys::vpsci_call {
        sys::vpsci_call {
            size: std::mem::size_of::<sys::vpsci_call>() as u32,
            x: self.x,
            conduit: self.conduit.raw(),
            aarch32: self.aarch32,
            big_endian: self.big_endian,
        }
    }
}

/// What became of the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Write x0..x3 back and resume the caller.
    Continue,
    /// CPU_OFF (or CPU_FREEZE): park the caller's thread until
    /// `Ops::cpu_on` names it.
    Off,
    /// CPU_SUSPEND accepted: suspend the caller until a wake-up event, call
    /// `Vm::vcpu_wake`, then resume it with x0..x3 (standby), or start it at
    /// `entry` when the state is a power-down one (`entry` is `Some`).
    Suspend { power_state: u32, entry: Option<Entry> },
    /// A system event was reported through `Ops::system_event` (the same
    /// event is here); x0 holds INTERNAL_FAILURE in case the host resumes
    /// the caller anyway.
    SystemEvent(SystemEvent),
    /// An exit this crate does not know (a newer library).
    Unknown(u32),
}

/// The answer to a call: the caller's new x0..x3 and its fate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallResult {
    pub x: [u64; 4],
    pub exit: Exit,
}

impl CallResult {
    /// An empty C result of this ABI's size, for `vpsci_call()` to fill.
    pub(crate) fn raw_out() -> sys::vpsci_result {
        sys::vpsci_result {
            size: std::mem::size_of::<sys::vpsci_result>() as u32,
            ..Default::default()
        }
    }

    /// x0 as a PSCI return code (signed 32-bit, DEN0028 2.6).
    pub fn ret(&self) -> i32 {
        self.x[0] as u32 as i32
    }
}

impl From<&sys::vpsci_result> for CallResult {
    fn from(r: &sys::vpsci_result) -> CallResult {
        let exit = match r.exit {
            sys::VPSCI_EXIT_CONTINUE => Exit::Continue,
            sys::VPSCI_EXIT_OFF => Exit::Off,
            sys::VPSCI_EXIT_SUSPEND => Exit::Suspend {
                power_state: r.power_state,
                entry: if r.powerdown { Some(Entry::from(&r.entry)) } else { None },
            },
            // A library of this ABI always writes the event; one that did
            // not would leave it zero, which cannot be told from SYSTEM_OFF.
            sys::VPSCI_EXIT_SYSTEM_EVENT if sys::vpsci_has_field!(sys::vpsci_result, r, event) => {
                Exit::SystemEvent(SystemEvent::from(&r.event))
            }
            sys::VPSCI_EXIT_SYSTEM_EVENT => Exit::SystemEvent(SystemEvent {
                caller: u32::MAX,
                kind: EventKind::Unknown(u32::MAX),
            }),
            other => Exit::Unknown(other),
        };
        CallResult { x: r.x, exit }
    }
}

/// A vCPU's power state as the guest would see it (DEN0022 5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VcpuState {
    Off,
    On,
    /// CPU_SUSPEND: counts as on for AFFINITY_INFO.
    Suspended,
    /// The SYSTEM_SUSPEND caller.
    SystemSuspended,
    /// Mid CPU_ON: never seen by a quiescent VM.
    Transition,
    Unknown(u32),
}

impl VcpuState {
    pub(crate) fn from_raw(s: u32) -> VcpuState {
        match s {
            sys::VPSCI_VCPU_OFF => VcpuState::Off,
            sys::VPSCI_VCPU_ON => VcpuState::On,
            sys::VPSCI_VCPU_SUSPENDED => VcpuState::Suspended,
            sys::VPSCI_VCPU_SYSTEM_SUSPENDED => VcpuState::SystemSuspended,
            sys::VPSCI_VCPU_TRANSITION => VcpuState::Transition,
            other => VcpuState::Unknown(other),
        }
    }
}
