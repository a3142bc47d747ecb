// SPDX-License-Identifier: BSD-2-Clause
//! examples/minimal-vmm.c's engine glue (docs/embedding.md, steps 3 to 7) in
//! Rust: the `Ops` hand-over to vCPU threads, the run loop, one forwarded
//! call, the exits, the system events.
//!
//! The KVM side sits behind `VcpuBackend`; a real VMM implements it with
//! `KVM_RUN`, `KVM_{GET,SET}_ONE_REG`, `KVM_SET_MP_STATE` and
//! `KVM_ARM_VCPU_INIT` on the vCPU's own fd (its own thread: the thread
//! rule). Here a scripted guest implements it, so the example runs anywhere:
//! vCPU 0 powers on the others, each checks itself with AFFINITY_INFO, naps
//! in CPU_SUSPEND and switches itself off; vCPU 0 waits until they are all
//! off and hibernates (SYSTEM_OFF2). `cargo run --example engine_glue`
//! prints the calls and exits with minimal-vmm's status for it, 4.

use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;

use vpsci::sys::{self, vpsci_fn32, vpsci_fn64};
use vpsci::{
    Call, CallResult, Conduit, Config, Entry, EventKind, Exit, Flags, MemRegion, Ops,
    StartFailed, SystemEvent, Version, Vm,
};

const NR: u32 = 4;
const RAM: MemRegion = MemRegion { base: 0x4000_0000, size: 256 << 20 };
const SECONDARY_ENTRY: u64 = 0x4010_0000;

/// Registers the glue reads and writes (step 5's table).
#[derive(Clone, Copy)]
enum Reg {
    X(usize),
    Pc,
    Pstate,
    Sctlr,
}

/// What `KVM_RUN` returned.
enum VmExit {
    Hypercall { nr: u32, smc: bool },
    /// `KVM_EXIT_SYSTEM_EVENT` / `KVM_SYSTEM_EVENT_WAKEUP`.
    Wakeup,
    /// `EINTR`: the kick (`immediate_exit` + signal).
    Interrupted,
}

/// The per-vCPU KVM calls, always issued from the vCPU's own thread.
trait VcpuBackend: Send {
    fn run(&mut self) -> VmExit;
    fn get(&mut self, r: Reg) -> u64;
    fn set(&mut self, r: Reg, v: u64);
    /// `KVM_SET_MP_STATE`: SUSPENDED (true) or RUNNABLE.
    fn set_suspended(&mut self, suspended: bool);
    /// `KVM_ARM_VCPU_INIT` without POWER_OFF: architectural reset.
    fn reset(&mut self);
}

/* ---- step 4: the host hooks ------------------------------------------ */

#[derive(Default)]
struct Slot {
    start: Option<Entry>, // a cpu_on request not yet taken
    stopped: bool,        // the thread left its loop
}

#[derive(Default)]
struct VcpuShared {
    slot: Mutex<Slot>,
    cond: Condvar,
    stop: AtomicBool,
    /// `kvm_run.immediate_exit`: set before the kick.
    immediate_exit: Arc<AtomicBool>,
}

#[derive(Default)]
struct Host {
    vcpus: Vec<VcpuShared>,
    status: Mutex<Option<i32>>,
    ended: Condvar,
}

impl Host {
    fn finish(&self, status: i32) {
        let mut s = self.status.lock().unwrap();
        s.get_or_insert(status);
        self.ended.notify_all();
    }

    /// Stop a vCPU and wait until its thread says so (pitfall 5).
    fn stop(&self, idx: u32) {
        let v = &self.vcpus[idx as usize];
        v.stop.store(true, SeqCst);
        v.immediate_exit.store(true, SeqCst); // then a real VMM sends the signal
        let mut slot = v.slot.lock().unwrap();
        while !slot.stopped {
            v.cond.notify_all();
            slot = v.cond.wait_timeout(slot, std::time::Duration::from_millis(1)).unwrap().0;
        }
    }

    /// An off vCPU's thread waits here, never in KVM_RUN (step 3).
    fn park(&self, idx: u32) -> Option<Entry> {
        let v = &self.vcpus[idx as usize];
        let mut slot = v.slot.lock().unwrap();
        while slot.start.is_none() && !v.stop.load(SeqCst) {
            slot = v.cond.wait(slot).unwrap();
        }
        if v.stop.load(SeqCst) {
            None
        } else {
            slot.start.take()
        }
    }
}

impl Ops for Host {
    fn cpu_on(&self, vcpu: u32, entry: &Entry) -> Result<(), StartFailed> {
        let v = &self.vcpus[vcpu as usize];
        let mut slot = v.slot.lock().unwrap();
        if v.stop.load(SeqCst) {
            return Err(StartFailed); // the VM is going down
        }
        slot.start = Some(*entry); // kept even if the target has not parked yet
        v.cond.notify_all();
        Ok(())
    }

    fn cpu_stop(&self, vcpu: u32) {
        self.stop(vcpu);
    }

    fn system_event(&self, ev: &SystemEvent) {
        println!("system event {:?} from vcpu{}", ev.kind, ev.caller);
    }
}

/* ---- steps 5 to 7: the vCPU thread ------------------------------------ */

enum Sleep {
    Awake,
    Cpu(CallResult),
    System(Entry),
}

struct VcpuCtx<'a> {
    idx: u32,
    vm: &'a Vm<Host>,
    be: &'a mut dyn VcpuBackend,
    sleep: Sleep,
}

impl VcpuCtx<'_> {
    /// Step 6: start at an entry point (CPU_ON, SYSTEM_SUSPEND resume).
    fn enter_at(&mut self, e: &Entry) {
        self.be.reset();
        self.be.set(Reg::Pc, e.pc);
        self.be.set(Reg::X(0), e.context_id);
    }

    /// Step 6, power-down resume: clean state without the reset (pitfall 7).
    fn resume_at(&mut self, e: &Entry) {
        (1..31).for_each(|i| self.be.set(Reg::X(i), 0));
        self.be.set(Reg::X(0), e.context_id);
        self.be.set(Reg::Pc, e.pc);
        self.be.set(Reg::Pstate, sys::VPSCI_ENTRY_PSTATE_AARCH64 as u64);
    }

    fn write_x(&mut self, x: &[u64; 4]) {
        (0..4).for_each(|i| self.be.set(Reg::X(i), x[i]));
    }

    fn park(&mut self) -> bool {
        match self.vm.ops().park(self.idx) {
            Some(e) => {
                self.enter_at(&e);
                true
            }
            None => false,
        }
    }

    /// Step 5: one forwarded call. Returns false when this thread is done.
    fn hypercall(&mut self, nr: u32, smc: bool) -> bool {
        let x = [nr as u64, self.be.get(Reg::X(1)), self.be.get(Reg::X(2)), self.be.get(Reg::X(3))];
        let call = Call {
            x,
            conduit: if smc { Conduit::Smc } else { Conduit::Hvc },
            aarch32: self.be.get(Reg::Pstate) & 0x10 != 0,
            big_endian: self.be.get(Reg::Sctlr) & (1 << 25) != 0,
        };
        let res = self.vm.call(self.idx, &call).expect("vpsci_call");
        let name = vpsci::fn_name(nr).unwrap_or("?");
        match res.exit {
            Exit::Continue => println!("vcpu{}: {}({:#x}) = {}", self.idx, name, x[1], res.ret()),
            e => println!("vcpu{}: {}({:#x}) -> {:?}", self.idx, name, x[1], e),
        }
        match res.exit {
            Exit::Continue => self.write_x(&res.x),
            Exit::Off => return self.park(),
            Exit::Suspend { .. } => self.suspend(Sleep::Cpu(res)),
            Exit::SystemEvent(SystemEvent { kind: EventKind::Suspend { entry }, .. }) => {
                self.suspend(Sleep::System(entry))
            }
            Exit::SystemEvent(ev) => {
                self.vm.ops().finish(status(&ev.kind)); // step 7
                return false;
            }
            Exit::Unknown(_) => panic!("an exit this glue does not know"),
        }
        true
    }

    fn suspend(&mut self, why: Sleep) {
        self.sleep = why;
        self.be.set_suspended(true);
    }

    /// Step 6: the wake-up, engine first.
    fn wake(&mut self) {
        self.be.set_suspended(false);
        match std::mem::replace(&mut self.sleep, Sleep::Awake) {
            Sleep::Cpu(res) => {
                self.vm.vcpu_wake(self.idx).expect("vpsci_vcpu_wake");
                match res.exit {
                    Exit::Suspend { entry: Some(e), .. } => self.resume_at(&e),
                    _ => self.write_x(&res.x),
                }
            }
            Sleep::System(e) => {
                self.vm.system_wake().expect("vpsci_system_wake");
                self.enter_at(&e);
            }
            Sleep::Awake => panic!("vcpu{}: a wake-up while awake", self.idx),
        }
    }

    /// Step 3: the run loop.
    fn run(&mut self) {
        let shared = &self.vm.ops().vcpus[self.idx as usize];
        let mut going = self.idx == 0 || self.park();
        while going && !shared.stop.load(SeqCst) {
            going = match self.be.run() {
                VmExit::Hypercall { nr, smc } => self.hypercall(nr, smc),
                VmExit::Wakeup => {
                    self.wake();
                    true
                }
                VmExit::Interrupted => {
                    shared.immediate_exit.store(false, SeqCst);
                    true
                }
            };
        }
        shared.slot.lock().unwrap().stopped = true;
        shared.cond.notify_all();
    }
}

/// minimal-vmm's exit statuses.
fn status(kind: &EventKind) -> i32 {
    match kind {
        EventKind::Off => 0,
        EventKind::HibernateOff { .. } => 4,
        EventKind::Reset | EventKind::Reset2 { .. } => 5,
        _ => 3,
    }
}

/* ---- a scripted guest in place of KVM -------------------------------- */

/// Where the scripted guest is in its program.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Script {
    Boot { next_on: u32 },
    WaitOff { cpu: u32 },
    Hibernate,
    Entered,
    Check,
    Nap,
    Off,
    Dead,
}

struct SimVcpu {
    idx: u32,
    regs: [u64; 31],
    pc: u64,
    suspended: bool,
    step: Script,
    immediate_exit: Arc<AtomicBool>,
}

impl SimVcpu {
    fn issue(&mut self, fid: u32, args: [u64; 3], next: Script) -> VmExit {
        self.regs[1..4].copy_from_slice(&args);
        self.step = next;
        VmExit::Hypercall { nr: fid, smc: false }
    }

    fn x0(&self) -> i32 {
        self.regs[0] as u32 as i32
    }
}

impl VcpuBackend for SimVcpu {
    fn run(&mut self) -> VmExit {
        if self.immediate_exit.load(SeqCst) {
            return VmExit::Interrupted;
        }
        if self.suspended {
            thread::sleep(std::time::Duration::from_millis(2)); // until "an interrupt"
            return VmExit::Wakeup;
        }
        let info = vpsci_fn64(sys::VPSCI_FN_AFFINITY_INFO);
        match self.step {
            Script::Boot { next_on } if next_on < NR => self.issue(
                vpsci_fn64(sys::VPSCI_FN_CPU_ON),
                [next_on as u64, SECONDARY_ENTRY, 0x100 + next_on as u64],
                Script::Boot { next_on: next_on + 1 },
            ),
            Script::Boot { .. } => self.issue(info, [1, 0, 0], Script::WaitOff { cpu: 1 }),
            Script::WaitOff { cpu } => {
                let off = self.x0() == sys::VPSCI_AFF_OFF as i32;
                match (off, cpu + 1 < NR) {
                    (false, _) => {
                        thread::sleep(std::time::Duration::from_millis(1));
                        self.issue(info, [cpu as u64, 0, 0], Script::WaitOff { cpu })
                    }
                    (true, true) => self.issue(info, [cpu as u64 + 1, 0, 0],
                                               Script::WaitOff { cpu: cpu + 1 }),
                    (true, false) => self.issue(vpsci_fn64(sys::VPSCI_FN_SYSTEM_OFF2),
                                                [sys::VPSCI_OFF2_TYPE_HIBERNATE_OFF as u64, 0, 0],
                                                Script::Hibernate),
                }
            }
            Script::Entered => {
                assert_eq!((self.pc, self.regs[0]), (SECONDARY_ENTRY, 0x100 + self.idx as u64));
                self.issue(info, [self.idx as u64, 0, 0], Script::Check)
            }
            Script::Check => {
                assert_eq!(self.x0(), sys::VPSCI_AFF_ON as i32, "vcpu{} is on", self.idx);
                self.issue(vpsci_fn32(sys::VPSCI_FN_CPU_SUSPEND), [0; 3], Script::Nap)
            }
            Script::Nap => {
                assert_eq!(self.x0(), sys::VPSCI_RET_SUCCESS, "standby returns SUCCESS");
                self.issue(vpsci_fn32(sys::VPSCI_FN_CPU_OFF), [0; 3], Script::Off)
            }
            Script::Off | Script::Hibernate | Script::Dead => {
                panic!("vcpu{}: ran on after {:?}", self.idx, self.step)
            }
        }
    }

    fn get(&mut self, r: Reg) -> u64 {
        match r {
            Reg::X(i) => self.regs[i],
            Reg::Pc => self.pc,
            Reg::Pstate | Reg::Sctlr => 0, // AArch64, little-endian
        }
    }

    fn set(&mut self, r: Reg, v: u64) {
        match r {
            Reg::X(i) => self.regs[i] = v,
            Reg::Pc => self.pc = v,
            Reg::Pstate | Reg::Sctlr => {}
        }
    }

    fn set_suspended(&mut self, suspended: bool) {
        self.suspended = suspended;
    }

    fn reset(&mut self) {
        self.regs = [0; 31];
        self.step = Script::Entered;
    }
}

fn main() {
    let mut host = Host::default();
    host.vcpus = (0..NR).map(|_| VcpuShared::default()).collect();
    let mut cfg = Config::new(Version::V1_3, NR, RAM);
    cfg.flags = Flags::SYSTEM_SUSPEND;
    let vm = Vm::new(&cfg, host).expect("vpsci_create");

    let status = thread::scope(|s| {
        for idx in 0..NR {
            let vm = &vm;
            s.spawn(move || {
                let mut be = SimVcpu {
                    idx,
                    regs: [0; 31],
                    pc: 0,
                    suspended: false,
                    step: if idx == 0 { Script::Boot { next_on: 1 } } else { Script::Dead },
                    immediate_exit: vm.ops().vcpus[idx as usize].immediate_exit.clone(),
                };
                VcpuCtx { idx, vm, be: &mut be, sleep: Sleep::Awake }.run();
            });
        }
        let mut st = vm.ops().status.lock().unwrap();
        while st.is_none() {
            st = vm.ops().ended.wait(st).unwrap();
        }
        let status = st.unwrap();
        drop(st);
        (0..NR).for_each(|i| vm.ops().stop(i)); // the parked ones too
        status
    });
    println!("exit status {}", status);
    std::process::exit(status);
}
