// SPDX-License-Identifier: BSD-2-Clause
//! A simulated 8-vCPU VM driven through the safe API: one Rust thread per
//! vCPU, a host (`Sim`) that implements `Ops` the way a VMM does (CPU_ON
//! requests handed to the target's thread, stops and events recorded).

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering::SeqCst};
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::thread;

use vpsci::sys::{self, vpsci_fn32, vpsci_fn64};
use vpsci::{
    Call, Config, Entry, Error, EventKind, Exit, Flags, MemRegion, Ops, StartFailed,
    SystemEvent, VcpuState, Version, Vm,
};

const NR: u32 = 8;
const RAM: MemRegion = MemRegion { base: 0x4000_0000, size: 1 << 30 };
const ENTRY: u64 = 0x4008_0000;
const VENDOR_RESET: u32 = 0x8000_0001;

/// The host side of the simulation.
#[derive(Default)]
struct Sim {
    /// Per vCPU: a CPU_ON request not yet taken by the target's thread.
    pending: Vec<Mutex<Option<Entry>>>,
    wake: Vec<Condvar>,
    starts: Vec<AtomicU32>,
    stops: Vec<AtomicU32>,
    events: Mutex<Vec<SystemEvent>>,
    /// Set when a start request arrived while one was still pending.
    overwritten: AtomicBool,
    /// cpu_on fails for this vCPU.
    refuse: Mutex<Option<u32>>,
    /// cpu_on waits on this barrier twice (enter, leave) when set.
    hold: Mutex<Option<Arc<Barrier>>>,
    quit: AtomicBool,
}

impl Sim {
    fn new() -> Sim {
        let n = NR as usize;
        Sim {
            pending: (0..n).map(|_| Mutex::new(None)).collect(),
            wake: (0..n).map(|_| Condvar::new()).collect(),
            starts: (0..n).map(|_| AtomicU32::new(0)).collect(),
            stops: (0..n).map(|_| AtomicU32::new(0)).collect(),
            ..Default::default()
        }
    }

    /// What a parked vCPU thread does: wait for a start request (None: quit).
    fn park(&self, vcpu: u32) -> Option<Entry> {
        let mut p = self.pending[vcpu as usize].lock().unwrap();
        loop {
            if let Some(e) = p.take() {
                return Some(e);
            }
            if self.quit.load(SeqCst) {
                return None;
            }
            p = self.wake[vcpu as usize].wait(p).unwrap();
        }
    }

    fn quit(&self) {
        self.quit.store(true, SeqCst);
        for (p, c) in self.pending.iter().zip(&self.wake) {
            let _g = p.lock().unwrap();
            c.notify_all();
        }
    }

    fn stopped(&self) -> Vec<u32> {
        (0..NR).filter(|&i| self.stops[i as usize].load(SeqCst) > 0).collect()
    }
}

impl Ops for Sim {
    fn cpu_on(&self, vcpu: u32, entry: &Entry) -> Result<(), StartFailed> {
        let hold = self.hold.lock().unwrap().clone();
        if let Some(b) = hold {
            b.wait();
            b.wait();
        }
        if *self.refuse.lock().unwrap() == Some(vcpu) {
            return Err(StartFailed);
        }
        self.starts[vcpu as usize].fetch_add(1, SeqCst);
        let mut p = self.pending[vcpu as usize].lock().unwrap();
        if p.replace(*entry).is_some() {
            self.overwritten.store(true, SeqCst);
        }
        self.wake[vcpu as usize].notify_all();
        Ok(())
    }

    fn cpu_stop(&self, vcpu: u32) {
        self.stops[vcpu as usize].fetch_add(1, SeqCst);
    }

    fn system_event(&self, event: &SystemEvent) {
        self.events.lock().unwrap().push(*event);
    }
}

fn config() -> Config {
    let mut cfg = Config::new(Version::V1_3, NR, RAM);
    cfg.flags = Flags::SYSTEM_SUSPEND;
    cfg.reset2_vendor_types = vec![VENDOR_RESET];
    cfg
}

fn new_vm() -> Vm<Sim> {
    Vm::new(&config(), Sim::new()).expect("vpsci_create")
}

fn psci(vm: &Vm<Sim>, vcpu: u32, fid: u32, a: [u64; 3]) -> vpsci::CallResult {
    vm.call(vcpu, &Call::hvc([fid as u64, a[0], a[1], a[2]])).expect("vpsci_call")
}

fn cpu_on(vm: &Vm<Sim>, caller: u32, target: u32, ctx: u64) -> i32 {
    psci(vm, caller, vpsci_fn64(sys::VPSCI_FN_CPU_ON), [target as u64, ENTRY, ctx]).ret()
}

fn affinity_info(vm: &Vm<Sim>, caller: u32, target: u32) -> i32 {
    psci(vm, caller, vpsci_fn64(sys::VPSCI_FN_AFFINITY_INFO), [target as u64, 0, 0]).ret()
}

/// Power on vCPUs 1..n from vCPU 0 and take the requests as their threads would.
fn bring_up(vm: &Vm<Sim>, n: u32) {
    for t in 1..n {
        assert_eq!(cpu_on(vm, 0, t, t as u64), sys::VPSCI_RET_SUCCESS);
        assert_eq!(vm.ops().park(t).map(|e| e.context_id), Some(t as u64));
    }
}

#[test]
fn vm_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Vm<Sim>>();
}

/// Four vCPUs race CPU_ON at four targets whose threads keep switching
/// themselves off again: exactly one SUCCESS per OFF -> ON transition
/// (DEN0022 5.5; docs/design.md section 4), losers see ALREADY_ON only,
/// AFFINITY_INFO never reports ON_PENDING, and each start reaches the
/// target's thread exactly once.
#[test]
fn cpu_on_races_from_threads() {
    const RACERS: u32 = 4;
    const STARTS: u32 = 400; // successful starts wanted, over all targets
    const MIN_STARTS: u32 = 40; // what a heavily loaded machine must still manage
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let vm = new_vm();
    bring_up(&vm, RACERS);
    let wins: Vec<AtomicU32> = (0..NR).map(|_| AtomicU32::new(0)).collect();
    let runs: Vec<AtomicU32> = (0..NR).map(|_| AtomicU32::new(0)).collect();
    let go = Barrier::new(RACERS as usize);
    let total_wins = AtomicU32::new(0);
    let attempts = AtomicU32::new(0);

    thread::scope(|s| {
        for t in RACERS..NR {
            let (vm, runs) = (&vm, &runs);
            s.spawn(move || {
                while let Some(e) = vm.ops().park(t) {
                    assert_eq!(e.pc, ENTRY);
                    runs[t as usize].fetch_add(1, SeqCst);
                    assert_eq!(affinity_info(vm, t, t), sys::VPSCI_AFF_ON as i32);
                    let r = psci(vm, t, vpsci_fn32(sys::VPSCI_FN_CPU_OFF), [0; 3]);
                    assert_eq!(r.exit, Exit::Off);
                }
            });
        }
        let racers: Vec<_> = (0..RACERS)
            .map(|c| {
                let (vm, wins, go, total_wins) = (&vm, &wins, &go, &total_wins);
                let attempts = &attempts;
                s.spawn(move || {
                    go.wait();
                    let mut i = 0u32;
                    while total_wins.load(SeqCst) < STARTS && std::time::Instant::now() < deadline {
                        i += 1;
                        attempts.fetch_add(1, SeqCst);
                        let t = RACERS + (i / 4 + c) % (NR - RACERS);
                        match cpu_on(vm, c, t, 0x100 + c as u64) {
                            sys::VPSCI_RET_SUCCESS => {
                                wins[t as usize].fetch_add(1, SeqCst);
                                total_wins.fetch_add(1, SeqCst);
                            }
                            sys::VPSCI_RET_ALREADY_ON => {}
                            other => panic!("CPU_ON from vcpu{} to vcpu{}: {}", c, t, other),
                        }
                        let a = affinity_info(vm, c, RACERS + i % (NR - RACERS));
                        assert!(a == 0 || a == 1, "AFFINITY_INFO answered {}", a);
                    }
                })
            })
            .collect();
        for r in racers {
            r.join().unwrap();
        }
        // Let the targets finish their last start, then end their threads.
        while (RACERS..NR).any(|t| vm.vcpu_state(t) != Ok(VcpuState::Off)) {
            thread::yield_now();
        }
        vm.ops().quit();
    });

    let mut total = 0;
    for t in RACERS..NR {
        let w = wins[t as usize].load(SeqCst);
        assert!(w > 0, "vcpu{} was never started", t);
        assert_eq!(w, vm.ops().starts[t as usize].load(SeqCst), "starts of vcpu{}", t);
        assert_eq!(w, runs[t as usize].load(SeqCst), "runs of vcpu{}", t);
        total += w;
    }
    assert!(!vm.ops().overwritten.load(SeqCst), "a start request arrived twice");
    assert!(total >= MIN_STARTS, "only {} starts in 20 s: the targets did not cycle", total);
    println!("cpu_on races: {} successful starts in {} attempts", total, attempts.load(SeqCst));
}

/// CPU_OFF, CPU_SUSPEND (standby and power-down) and SYSTEM_SUSPEND, with
/// what the host must do after each.
#[test]
fn off_and_suspend_exits() {
    let vm = new_vm();
    bring_up(&vm, 2);

    let standby = psci(&vm, 1, vpsci_fn32(sys::VPSCI_FN_CPU_SUSPEND), [0, 0, 0]);
    assert_eq!(standby.exit, Exit::Suspend { power_state: 0, entry: None });
    assert_eq!(vm.vcpu_state(1), Ok(VcpuState::Suspended));
    assert_eq!(affinity_info(&vm, 0, 1), sys::VPSCI_AFF_ON as i32, "a suspended CPU is on");
    vm.vcpu_wake(1).unwrap();
    assert_eq!(vm.vcpu_wake(1), Err(Error::State));

    let pd = sys::VPSCI_PS_TYPE_POWERDOWN as u64;
    let r = psci(&vm, 1, vpsci_fn64(sys::VPSCI_FN_CPU_SUSPEND), [pd, ENTRY, 0x77]);
    match r.exit {
        Exit::Suspend { power_state, entry: Some(e) } => {
            assert_eq!(power_state as u64, pd);
            assert_eq!((e.pc, e.context_id), (ENTRY, 0x77));
        }
        other => panic!("power-down CPU_SUSPEND: {:?}", other),
    }
    vm.vcpu_wake(1).unwrap();
    let bad = psci(&vm, 1, vpsci_fn64(sys::VPSCI_FN_CPU_SUSPEND), [pd, 0x1000, 0]);
    assert_eq!(bad.ret(), sys::VPSCI_RET_INVALID_ADDRESS, "entry outside RAM");

    let ss = vpsci_fn64(sys::VPSCI_FN_SYSTEM_SUSPEND);
    assert_eq!(psci(&vm, 0, ss, [ENTRY, 5, 0]).ret(), sys::VPSCI_RET_DENIED, "vcpu1 is on");
    assert_eq!(psci(&vm, 1, vpsci_fn32(sys::VPSCI_FN_CPU_OFF), [0; 3]).exit, Exit::Off);
    assert_eq!(vm.vcpu_state(1), Ok(VcpuState::Off));
    let r = psci(&vm, 0, ss, [ENTRY, 5, 0]);
    let want = SystemEvent {
        caller: 0,
        kind: EventKind::Suspend { entry: Entry { pc: ENTRY, context_id: 5, ..Entry::default() } },
    };
    assert_eq!(r.exit, Exit::SystemEvent(want));
    assert_eq!(vm.ops().events.lock().unwrap().as_slice(), &[want]);
    assert_eq!(vm.vcpu_state(0), Ok(VcpuState::SystemSuspended));
    assert!(vm.ops().stopped().is_empty(), "SYSTEM_SUSPEND stops nobody");
    vm.system_wake().unwrap();
    assert_eq!(vm.vcpu_state(0), Ok(VcpuState::On));
    assert_eq!(vm.system_wake(), Err(Error::State));
}

/// SYSTEM_OFF2 from vCPU 3 with vCPUs 0..6 on: the six others that are on
/// are stopped through the trait before the event (vCPU 7, off, is not),
/// which says hibernate, not off.
#[test]
fn system_off2_stops_everyone_then_reports_hibernation() {
    let vm = new_vm();
    bring_up(&vm, NR - 1);
    let off2 = vpsci_fn64(sys::VPSCI_FN_SYSTEM_OFF2);
    let r = psci(&vm, 3, off2, [sys::VPSCI_OFF2_TYPE_HIBERNATE_OFF as u64, 0, 0]);
    let want = SystemEvent { caller: 3, kind: EventKind::HibernateOff { off_type: 1 } };
    assert_eq!(r.exit, Exit::SystemEvent(want));
    assert_eq!(r.ret(), sys::VPSCI_RET_INTERNAL_FAILURE, "x0 in case the caller is resumed");
    assert_eq!(vm.ops().stopped(), vec![0, 1, 2, 4, 5, 6]);
    assert_eq!(vm.ops().events.lock().unwrap().as_slice(), &[want]);
    // The VM is going down: nothing starts any more, no second event.
    assert_eq!(cpu_on(&vm, 3, 7, 0), sys::VPSCI_RET_DENIED);
    assert_eq!(vm.ops().starts[7].load(SeqCst), 0);
    let off = vpsci_fn32(sys::VPSCI_FN_SYSTEM_OFF);
    assert_eq!(psci(&vm, 5, off, [0; 3]).ret(), sys::VPSCI_RET_DENIED);
    assert_eq!(vm.ops().events.lock().unwrap().len(), 1);

    vm.reset().unwrap();
    let states: Vec<_> = (0..NR).map(|i| vm.vcpu_state(i).unwrap()).collect();
    assert_eq!(states[0], VcpuState::On);
    assert!(states[1..].iter().all(|s| *s == VcpuState::Off));
    assert_eq!(psci(&vm, 0, off, [0; 3]).exit, Exit::SystemEvent(SystemEvent {
        caller: 0,
        kind: EventKind::Off,
    }));
}

#[test]
fn reset_events_are_not_shutdown() {
    let vm = new_vm();
    let r2 = vpsci_fn64(sys::VPSCI_FN_SYSTEM_RESET2);
    let r = psci(&vm, 0, r2, [VENDOR_RESET as u64, 0xc0ffee, 0]);
    let kind = EventKind::Reset2 { reset_type: VENDOR_RESET, cookie: 0xc0ffee };
    assert_eq!(r.exit, Exit::SystemEvent(SystemEvent { caller: 0, kind }));
    vm.reset().unwrap();
    let r = psci(&vm, 0, vpsci_fn32(sys::VPSCI_FN_SYSTEM_RESET), [0; 3]);
    assert_eq!(r.exit, Exit::SystemEvent(SystemEvent { caller: 0, kind: EventKind::Reset }));
    vm.reset().unwrap();
    let bad = psci(&vm, 0, r2, [0x8000_0002, 0, 0]);
    assert_eq!(bad.ret(), sys::VPSCI_RET_INVALID_PARAMETERS, "vendor type not configured");
}

fn states(vm: &Vm<Sim>) -> Vec<VcpuState> {
    (0..vm.nr_vcpus()).map(|i| vm.vcpu_state(i).unwrap()).collect()
}

/// A snapshot taken with vCPUs on, off and suspended comes back identical
/// in a new engine (restore and create-from-snapshot); damaged or foreign
/// snapshots are refused with the right error and leave the engine as it was.
#[test]
fn snapshot_round_trip() {
    let vm = new_vm();
    bring_up(&vm, 6);
    let pd = sys::VPSCI_PS_TYPE_POWERDOWN as u64;
    psci(&vm, 2, vpsci_fn64(sys::VPSCI_FN_CPU_SUSPEND), [pd, ENTRY, 0x22]);
    assert_eq!(psci(&vm, 5, vpsci_fn32(sys::VPSCI_FN_CPU_OFF), [0; 3]).exit, Exit::Off);
    let snap = vm.snapshot().unwrap();
    let before = states(&vm);
    assert_eq!(&before[..6], &[
        VcpuState::On, VcpuState::On, VcpuState::Suspended, VcpuState::On, VcpuState::On,
        VcpuState::Off,
    ]);

    let copy = new_vm();
    copy.restore(&snap).unwrap();
    assert_eq!(states(&copy), before);
    assert_eq!(copy.snapshot().unwrap(), snap, "restore then snapshot gives the same bytes");
    let born = Vm::from_snapshot(&snap, Sim::new()).unwrap();
    assert_eq!(states(&born), before);
    assert_eq!(born.version(), Version::V1_3);
    born.vcpu_wake(2).unwrap();
    assert_eq!(affinity_info(&born, 0, 5), sys::VPSCI_AFF_OFF as i32);

    let fresh = new_vm();
    let fresh_states = states(&fresh);
    let mut bad = snap.clone();
    bad[snap.len() / 2] ^= 0x40;
    assert_eq!(fresh.restore(&bad), Err(Error::SnapChecksum));
    assert_eq!(fresh.restore(&snap[..snap.len() - 1]), Err(Error::SnapTruncated));
    assert_eq!(fresh.restore(&[]), Err(Error::SnapTruncated));
    assert_eq!(Vm::from_snapshot(&snap[..8], Sim::new()).err(), Some(Error::SnapTruncated));
    let mut bad = snap.clone();
    bad[0] ^= 1;
    assert_eq!(fresh.restore(&bad), Err(Error::SnapMagic));
    assert_eq!(states(&fresh), fresh_states, "a refused restore changes nothing");
    let mut other = config();
    other.nr_vcpus = NR - 1;
    let small = Vm::new(&other, Sim::new()).unwrap();
    assert_eq!(small.restore(&snap), Err(Error::SnapMismatch));
    assert_eq!(Error::SnapChecksum.to_string(), "snapshot checksum mismatch");
}

/// Host-side errors: bad configurations, bad indices, wrong states, misuse
/// of the concurrency contract, a host that cannot start a vCPU.
#[test]
fn errors() {
    let mut cfg = config();
    cfg.nr_vcpus = 0;
    let e = Vm::new(&cfg, Sim::new()).err().unwrap();
    assert_eq!((e, e.to_string().as_str()), (Error::Inval, "invalid argument or configuration"));
    let mut cfg = config();
    cfg.version = Version::V0_2; // SYSTEM_SUSPEND needs 1.0
    assert_eq!(Vm::new(&cfg, Sim::new()).err(), Some(Error::Inval));
    let mut cfg = config();
    cfg.mpidrs = Some(vec![0, 1]); // not one per vCPU
    assert_eq!(Vm::new(&cfg, Sim::new()).err(), Some(Error::Inval));
    let mut cfg = config();
    cfg.flags = cfg.flags | Flags::STAT; // no hierarchy, no clock
    assert_eq!(Vm::new(&cfg, Sim::new()).err(), Some(Error::Inval));

    let vm = new_vm();
    let version = Call::hvc([vpsci_fn32(sys::VPSCI_FN_PSCI_VERSION) as u64, 0, 0, 0]);
    assert_eq!(vm.call(NR, &version), Err(Error::Range));
    assert_eq!(vm.vcpu_state(NR), Err(Error::Range));
    assert_eq!(Error::Range.to_string(), "no such vCPU");
    assert_eq!(vm.vcpu_wake(1), Err(Error::State));
    assert_eq!(psci(&vm, 0, 0x8400_001f, [0; 3]).ret(), sys::VPSCI_RET_NOT_SUPPORTED);
    assert_eq!(Error::from_code(-99).to_string(), "unknown error");
    assert_eq!(vpsci::fn_name(vpsci_fn64(sys::VPSCI_FN_CPU_ON)), Some("CPU_ON"));

    *vm.ops().refuse.lock().unwrap() = Some(1);
    assert_eq!(cpu_on(&vm, 0, 1, 0), sys::VPSCI_RET_INTERNAL_FAILURE);
    assert_eq!(vm.vcpu_state(1), Ok(VcpuState::Off), "a failed start leaves the target off");
    *vm.ops().refuse.lock().unwrap() = None;

    // While vCPU 0 is inside a call (held in cpu_on), the control functions
    // and a second call for vCPU 0 are refused, a call for vCPU 1 is not.
    let hold = Arc::new(Barrier::new(2));
    *vm.ops().hold.lock().unwrap() = Some(hold.clone());
    thread::scope(|s| {
        let caller = s.spawn(|| cpu_on(&vm, 0, 2, 0));
        hold.wait();
        assert_eq!(vm.snapshot(), Err(Error::Busy));
        assert_eq!(vm.reset(), Err(Error::Busy));
        assert_eq!(vm.restore(&[]), Err(Error::Busy));
        assert_eq!(vm.call(0, &version), Err(Error::Busy));
        assert_eq!(vm.vcpu_state(2), Ok(VcpuState::Transition), "CPU_ON holds its target");
        *vm.ops().hold.lock().unwrap() = None;
        let other = vm.call(1, &version).expect("another vCPU's call goes through");
        assert_eq!(other.x[0], sys::VPSCI_VERSION_1_3 as u64);
        hold.wait();
        assert_eq!(caller.join().unwrap(), sys::VPSCI_RET_SUCCESS);
    });
    assert!(vm.snapshot().is_ok(), "quiescent again");
}

/// Hostile snapshots through the binding: 2000 damaged copies (random bytes
/// flipped, truncated, extended) are each refused with a snapshot error or
/// accepted whole, never a crash; an engine that refused one is unchanged.
#[test]
fn damaged_snapshots_are_refused_cleanly() {
    let vm = new_vm();
    bring_up(&vm, 3);
    let snap = vm.snapshot().unwrap();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut refused, mut accepted) = (0, 0);
    for round in 0..2000 {
        let mut bad = snap.clone();
        for _ in 0..1 + next() % 4 {
            let i = (next() % bad.len() as u64) as usize;
            bad[i] ^= 1 << (next() % 8);
        }
        match round % 4 {
            1 => bad.truncate((next() % snap.len() as u64) as usize),
            2 => bad.extend_from_slice(&[0u8; 16]),
            _ => {}
        }
        let target = new_vm();
        let before = states(&target);
        match target.restore(&bad) {
            Ok(()) => accepted += 1,
            Err(e) => {
                assert!(
                    matches!(e, Error::SnapTruncated | Error::SnapMagic | Error::SnapVersion
                        | Error::SnapChecksum | Error::SnapCorrupt | Error::SnapMismatch),
                    "round {}: {:?}", round, e
                );
                assert_eq!(states(&target), before, "round {}: a refused restore changed the VM", round);
                refused += 1;
            }
        }
        let _ = Vm::from_snapshot(&bad, Sim::new());
    }
    println!("damaged snapshots: {} refused, {} accepted", refused, accepted);
    assert!(refused > 1900, "only {} of 2000 damaged snapshots refused", refused);
}

/// The run-time gate under contention: calls on four vCPUs race snapshots
/// and resets from another thread. Each call or control function either
/// goes through or gets `Error::Busy`; afterwards the VM is quiescent again
/// (a gate that lost count would refuse everything from then on).
#[test]
fn calls_race_control_functions() {
    const CALLS: u32 = 20_000;
    let vm = new_vm();
    bring_up(&vm, 4);
    let done = AtomicU32::new(0);
    let busy_calls = AtomicU32::new(0);
    let (mut snaps, mut refused) = (0u32, 0u32);
    let version = Call::hvc([vpsci_fn32(sys::VPSCI_FN_PSCI_VERSION) as u64, 0, 0, 0]);
    thread::scope(|s| {
        for c in 0..4 {
            let (vm, done, busy_calls, version) = (&vm, &done, &busy_calls, &version);
            s.spawn(move || {
                for _ in 0..CALLS {
                    match vm.call(c, version) {
                        Ok(r) => assert_eq!(r.x[0], sys::VPSCI_VERSION_1_3 as u64),
                        Err(Error::Busy) => drop(busy_calls.fetch_add(1, SeqCst)),
                        Err(e) => panic!("vcpu{}: {:?}", c, e),
                    }
                }
                done.fetch_add(1, SeqCst);
            });
        }
        while done.load(SeqCst) < 4 {
            match vm.snapshot() {
                Ok(_) => snaps += 1,
                Err(Error::Busy) => refused += 1,
                Err(e) => panic!("snapshot: {:?}", e),
            }
        }
    });
    println!("gate: {} snapshots, {} refused; {} calls refused of {}", snaps, refused,
             busy_calls.load(SeqCst), 4 * CALLS);
    assert!(vm.snapshot().is_ok() && vm.call(0, &version).is_ok(), "the gate lost count");
    assert!(snaps + refused > 0);
}

/// A host with a clock (`Ops::HAS_CLOCK`): PSCI_STAT counts a CPU_SUSPEND
/// into a composite built with `Vm::power_state`, timed through `now_us`.
#[test]
fn stat_uses_the_hosts_clock() {
    struct Clocked(AtomicU32);
    impl Ops for Clocked {
        const HAS_CLOCK: bool = true;
        fn cpu_on(&self, _: u32, _: &Entry) -> Result<(), StartFailed> {
            Ok(())
        }
        fn cpu_stop(&self, _: u32) {}
        fn now_us(&self) -> u64 {
            1000 * self.0.fetch_add(1, SeqCst) as u64 // 1 ms per reading
        }
    }
    let mut cfg = config();
    cfg.flags = Flags::STAT;
    cfg.pd_levels = 1;
    cfg.pd_states[0] = sys::VPSCI_PD_RETENTION | sys::VPSCI_PD_OFF;
    let vm = Vm::new(&cfg, Clocked(AtomicU32::new(0))).unwrap();
    let ps = vm.power_state(sys::VPSCI_LOCAL_RETENTION, 0, 0).unwrap();
    assert_eq!(vm.power_state(sys::VPSCI_LOCAL_RUN, 0, 2), Err(Error::Inval), "not offered");

    let call = |fid, a: [u64; 3]| vm.call(0, &Call::hvc([fid as u64, a[0], a[1], a[2]])).unwrap();
    let r = call(vpsci_fn32(sys::VPSCI_FN_CPU_SUSPEND), [ps as u64, 0, 0]);
    assert_eq!(r.exit, Exit::Suspend { power_state: ps, entry: None });
    vm.vcpu_wake(0).unwrap();
    let count = call(vpsci_fn64(sys::VPSCI_FN_PSCI_STAT_COUNT), [0, ps as u64, 0]);
    let residency = call(vpsci_fn64(sys::VPSCI_FN_PSCI_STAT_RESIDENCY), [0, ps as u64, 0]);
    assert_eq!(count.x[0], 1, "one suspension counted");
    assert!(residency.x[0] >= 1000, "residency {} us from the host's clock", residency.x[0]);
    assert!(vm.ops().0.load(SeqCst) >= 2, "now_us read at suspend and at wake");
}
