// SPDX-License-Identifier: BSD-2-Clause
//! The hand-written declarations of vpsci-sys against the C headers.
//!
//! From the Rust declarations this test writes a C program that includes
//! `<vpsci/vpsci.h>` and
//! - redeclares every function with the prototype the Rust types spell (a
//!   conflicting redeclaration does not compile);
//! - `_Static_assert`s that every struct field has the C type the Rust field
//!   type spells (`__builtin_types_compatible_p`);
//! - prints sizeof, _Alignof and offsetof of every struct and field and the
//!   value of every constant, which the test compares with Rust's.
//!
//! Then it checks the other direction: every function, constant and
//! enumerator the header declares has a Rust counterpart here, so a header
//! that grows fails this test until the bindings follow.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::mem::{align_of, size_of, MaybeUninit};
use std::os::raw::c_void;
use std::path::PathBuf;
use std::process::Command;

use vpsci_sys::*;

/// The C spelling of a Rust FFI type (a C type name, usable in `__typeof__`).
trait CType {
    fn c() -> String;
}

macro_rules! ctype {
    ($($t:ty => $c:expr),* $(,)?) => {
        $(impl CType for $t { fn c() -> String { $c.to_string() } })*
    };
}

// u32 also stands for the unsigned C enums (GCC makes them unsigned int,
// which is compatible with uint32_t); i8 only ever stands for c_char here.
ctype! {
    () => "void", bool => "_Bool", u8 => "uint8_t", u32 => "uint32_t",
    i32 => "int32_t", u64 => "uint64_t", usize => "size_t", i8 => "char",
    c_void => "void",
    vpsci_mem_region => "struct vpsci_mem_region", vpsci_config => "struct vpsci_config",
    vpsci_entry => "struct vpsci_entry", vpsci_system_event => "struct vpsci_system_event",
    vpsci_ops => "struct vpsci_ops", vpsci_vm => "struct vpsci_vm",
    vpsci_call => "struct vpsci_call", vpsci_result => "struct vpsci_result",
}

impl<T: CType> CType for *const T {
    fn c() -> String {
        format!("const {} *", T::c())
    }
}

impl<T: CType> CType for *mut T {
    fn c() -> String {
        format!("{} *", T::c())
    }
}

impl<T: CType, const N: usize> CType for [T; N] {
    fn c() -> String {
        format!("{}[{}]", T::c(), N)
    }
}

impl<T: CType> CType for Option<T> {
    fn c() -> String {
        T::c()
    }
}

/// A C function type: its return type and parameter list.
trait CFn {
    fn ret() -> String;
    fn params() -> String;
}

macro_rules! cfn {
    ($($a:ident),*) => {
        impl<R: CType, $($a: CType),*> CFn for unsafe extern "C" fn($($a),*) -> R {
            fn ret() -> String { R::c() }
            fn params() -> String {
                let p: Vec<String> = vec![$($a::c()),*];
                if p.is_empty() { "void".to_string() } else { p.join(", ") }
            }
        }
        impl<R: CType, $($a: CType),*> CType for unsafe extern "C" fn($($a),*) -> R {
            fn c() -> String { format!("{} (*)({})", Self::ret(), Self::params()) }
        }
    };
}
cfn!(A);
cfn!(A, B);
cfn!(A, B, C);
cfn!(A, B, C, D);
cfn!(A, B, C, D, E);

#[derive(Default)]
struct Checks {
    decls: String,        // C prototypes and static assertions
    values: Vec<(String, i128)>, // C expression, the value Rust has for it
    names: BTreeSet<String>,     // C names the Rust side covers
}

impl Checks {
    fn value(&mut self, expr: &str, v: i128) {
        self.values.push((expr.to_string(), v));
    }

    fn function<F: CFn>(&mut self, name: &str, _f: F) {
        writeln!(self.decls, "{} {}({});", F::ret(), name, F::params()).unwrap();
        self.names.insert(name.to_string());
    }

    fn field<F: CType>(&mut self, st: &str, field: &str, _p: *const F, off: usize, size: usize) {
        let lv = format!("((struct {} *)0)->{}", st, field);
        writeln!(
            self.decls,
            "_Static_assert(__builtin_types_compatible_p(__typeof__({}), __typeof__({})), \
             \"{}.{} is {}\");",
            lv,
            F::c(),
            st,
            field,
            F::c()
        )
        .unwrap();
        self.value(&format!("offsetof(struct {}, {})", st, field), off as i128);
        self.value(&format!("sizeof({})", lv), size as i128);
    }
}

macro_rules! constants {
    ($ck:expr, $($name:ident),* $(,)?) => {
        $( $ck.value(stringify!($name), $name as i128); $ck.names.insert(stringify!($name).to_string()); )*
    };
}

/// sizeof/_Alignof of a struct, and offset, size and type of each field. A
/// Rust field `type_` is the C field `type`.
macro_rules! layout {
    ($ck:expr, $st:ident { $($f:ident),* $(,)? }) => {{
        let name = stringify!($st);
        $ck.value(&format!("sizeof(struct {})", name), size_of::<$st>() as i128);
        $ck.value(&format!("_Alignof(struct {})", name), align_of::<$st>() as i128);
        let u = MaybeUninit::<$st>::uninit();
        let base = u.as_ptr();
        $(
            // SAFETY: addr_of! on a field of uninitialised memory reads nothing.
            let p = unsafe { std::ptr::addr_of!((*base).$f) };
            let size = { fn sz<T>(_: *const T) -> usize { size_of::<T>() } sz(p) };
            $ck.field(name, stringify!($f).trim_end_matches('_'), p,
                      p as usize - base as usize, size);
        )*
    }};
}

macro_rules! functions {
    ($ck:expr, $($name:ident / $($a:tt),*);* $(;)?) => {
        $( $ck.function(stringify!($name), $name as unsafe extern "C" fn($($a),*) -> _); )*
    };
}

fn structs(ck: &mut Checks) {
    layout!(ck, vpsci_mem_region { base, size });
    layout!(ck, vpsci_config {
        size, version, conduit, nr_vcpus, mpidrs, boot_vcpu, mem, nr_mem, reset2_vendor_types,
        nr_reset2_vendor_types, flags, pd_levels, pd_states
    });
    layout!(ck, vpsci_entry { pc, context_id, aarch32, thumb, big_endian });
    layout!(ck, vpsci_system_event { type_, caller, reset_type, cookie, entry });
    layout!(ck, vpsci_ops { size, cpu_on, cpu_stop, system_event, now_us });
    layout!(ck, vpsci_call { size, x, conduit, aarch32, big_endian });
    layout!(ck, vpsci_result { size, x, exit, power_state, powerdown, entry, event });
}

fn functions(ck: &mut Checks) {
    functions!(ck,
        vpsci_strerror / _; vpsci_create / _, _, _, _; vpsci_destroy / _;
        vpsci_reset / _; vpsci_call / _, _, _, _; vpsci_vcpu_wake / _, _;
        vpsci_system_wake / _; vpsci_vcpu_state / _, _; vpsci_version / _;
        vpsci_nr_vcpus / _; vpsci_conduit / _; vpsci_flags / _; vpsci_vcpu_mpidr / _, _;
        vpsci_vcpu_by_mpidr / _, _; vpsci_handles / _, _; vpsci_power_state / _, _, _, _, _;
        vpsci_mem_protect / _; vpsci_suspend_mode / _; vpsci_fn_name / _;
        vpsci_snapshot_size / _; vpsci_snapshot / _, _, _, _; vpsci_restore / _, _, _;
        vpsci_create_from_snapshot / _, _, _, _, _;
    );
    #[cfg(feature = "fdt")]
    functions!(ck,
        vpsci_fdt_add_psci / _, _, _; vpsci_fdt_add_cpus / _, _, _;
        vpsci_fdt_add_idle_states / _, _, _;
    );
}

/// The headers the checks cover: vpsci_fdt.h (it needs libfdt) with "fdt".
const HEADERS: &[&str] =
    if cfg!(feature = "fdt") { &["psci.h", "vpsci.h", "vpsci_fdt.h"] } else { &["psci.h", "vpsci.h"] };

fn engine_constants(ck: &mut Checks) {
    constants!(ck,
        VPSCI_OK, VPSCI_E_INVAL, VPSCI_E_NOMEM, VPSCI_E_BUSY, VPSCI_E_RANGE, VPSCI_E_STATE,
        VPSCI_E_NOSPC, VPSCI_E_SNAP_TRUNCATED, VPSCI_E_SNAP_MAGIC, VPSCI_E_SNAP_VERSION,
        VPSCI_E_SNAP_CHECKSUM, VPSCI_E_SNAP_CORRUPT, VPSCI_E_SNAP_MISMATCH, VPSCI_E_FDT,
        VPSCI_MAX_VCPUS, VPSCI_MAX_MEM_REGIONS, VPSCI_MAX_RESET2_TYPES,
        VPSCI_CONDUIT_HVC, VPSCI_CONDUIT_SMC,
        VPSCI_CFG_SYSTEM_SUSPEND, VPSCI_CFG_0_1_IDS, VPSCI_CFG_EXT_STATEID, VPSCI_CFG_OSI,
        VPSCI_CFG_STAT, VPSCI_CFG_FREEZE, VPSCI_CFG_DEFAULT_SUSPEND, VPSCI_CFG_NODE_HW_STATE,
        VPSCI_CFG_MEM_PROTECT, VPSCI_CFG_ALL_FLAGS, VPSCI_MAX_PD_LEVELS,
        VPSCI_LOCAL_RUN, VPSCI_LOCAL_RETENTION, VPSCI_LOCAL_OFF, VPSCI_PD_RETENTION, VPSCI_PD_OFF,
        VPSCI_EVENT_OFF, VPSCI_EVENT_HIBERNATE_OFF, VPSCI_EVENT_RESET, VPSCI_EVENT_RESET2,
        VPSCI_EVENT_SUSPEND,
        VPSCI_EXIT_CONTINUE, VPSCI_EXIT_OFF, VPSCI_EXIT_SUSPEND, VPSCI_EXIT_SYSTEM_EVENT,
        VPSCI_VCPU_OFF, VPSCI_VCPU_ON, VPSCI_VCPU_SUSPENDED, VPSCI_VCPU_SYSTEM_SUSPENDED,
        VPSCI_VCPU_TRANSITION,
    );
}

fn psci_constants(ck: &mut Checks) {
    constants!(ck,
        VPSCI_SMCCC_FAST_CALL, VPSCI_SMCCC_SMC64, VPSCI_SMCCC_OWNER_SHIFT, VPSCI_SMCCC_OWNER_MASK,
        VPSCI_SMCCC_MBZ_MASK, VPSCI_SMCCC_FUNC_MASK, VPSCI_SMCCC_OWNER_ARCH,
        VPSCI_SMCCC_OWNER_STANDARD, VPSCI_SMCCC_VERSION, VPSCI_SMCCC_ARCH_FEATURES,
        VPSCI_SMCCC_ARCH_SOC_ID, VPSCI_SMCCC_ARCH_WORKAROUND_1, VPSCI_SMCCC_ARCH_WORKAROUND_2,
        VPSCI_SMCCC_ARCH_WORKAROUND_3, VPSCI_SMCCC_VERSION_1_1,
        VPSCI_FN_PSCI_VERSION, VPSCI_FN_CPU_SUSPEND, VPSCI_FN_CPU_OFF, VPSCI_FN_CPU_ON,
        VPSCI_FN_AFFINITY_INFO, VPSCI_FN_MIGRATE, VPSCI_FN_MIGRATE_INFO_TYPE,
        VPSCI_FN_MIGRATE_INFO_UP_CPU, VPSCI_FN_SYSTEM_OFF, VPSCI_FN_SYSTEM_RESET,
        VPSCI_FN_PSCI_FEATURES, VPSCI_FN_CPU_FREEZE, VPSCI_FN_CPU_DEFAULT_SUSPEND,
        VPSCI_FN_NODE_HW_STATE, VPSCI_FN_SYSTEM_SUSPEND, VPSCI_FN_PSCI_SET_SUSPEND_MODE,
        VPSCI_FN_PSCI_STAT_RESIDENCY, VPSCI_FN_PSCI_STAT_COUNT, VPSCI_FN_SYSTEM_RESET2,
        VPSCI_FN_MEM_PROTECT, VPSCI_FN_MEM_PROTECT_CHECK_RANGE, VPSCI_FN_SYSTEM_OFF2,
        VPSCI_FN_COUNT, VPSCI_0_1_FN_BASE, VPSCI_0_1_FN_CPU_SUSPEND, VPSCI_0_1_FN_CPU_OFF,
        VPSCI_0_1_FN_CPU_ON, VPSCI_0_1_FN_MIGRATE,
        VPSCI_VERSION_0_1, VPSCI_VERSION_0_2, VPSCI_VERSION_1_0, VPSCI_VERSION_1_1,
        VPSCI_VERSION_1_2, VPSCI_VERSION_1_3,
        VPSCI_RET_SUCCESS, VPSCI_RET_NOT_SUPPORTED, VPSCI_RET_INVALID_PARAMETERS,
        VPSCI_RET_DENIED, VPSCI_RET_ALREADY_ON, VPSCI_RET_ON_PENDING, VPSCI_RET_INTERNAL_FAILURE,
        VPSCI_RET_NOT_PRESENT, VPSCI_RET_DISABLED, VPSCI_RET_INVALID_ADDRESS,
        VPSCI_AFF_ON, VPSCI_AFF_OFF, VPSCI_AFF_ON_PENDING, VPSCI_HW_ON, VPSCI_HW_OFF,
        VPSCI_HW_STANDBY, VPSCI_TOS_UP_MIGRATE_CAPABLE, VPSCI_TOS_UP_NOT_MIGRATE_CAPABLE,
        VPSCI_TOS_NOT_PRESENT_MP, VPSCI_MPIDR_AFF_MASK,
        VPSCI_PS_STATE_ID_MASK, VPSCI_PS_TYPE_POWERDOWN, VPSCI_PS_LEVEL_SHIFT,
        VPSCI_PS_LEVEL_MASK, VPSCI_PS_RESERVED_MASK, VPSCI_PS_EXT_STATE_ID_MASK,
        VPSCI_PS_EXT_TYPE_POWERDOWN, VPSCI_PS_EXT_RESERVED_MASK, VPSCI_FEAT_SUSPEND_OSI,
        VPSCI_FEAT_SUSPEND_EXT_STATEID, VPSCI_RESET2_VENDOR, VPSCI_RESET2_WARM_RESET,
        VPSCI_OFF2_TYPE_HIBERNATE_OFF, VPSCI_FEAT_OFF2_HIBERNATE, VPSCI_SUSPEND_MODE_PC,
        VPSCI_SUSPEND_MODE_OSI, VPSCI_ENTRY_PSTATE_AARCH64,
    );
    // The function-like macros, through their const fn twins.
    ck.value("VPSCI_FN32(0x15)", vpsci_fn32(0x15) as i128);
    ck.value("VPSCI_FN64(0x03)", vpsci_fn64(0x03) as i128);
    ck.value("VPSCI_VERSION(1, 3)", vpsci_version_code(1, 3) as i128);
    ck.value("VPSCI_MPIDR_AFFINITY(1, 2, 3, 4)", vpsci_mpidr_affinity(1, 2, 3, 4) as i128);
    ck.value("VPSCI_STATEID(2, 1, 2)", vpsci_stateid(2, 1, 2) as i128);
    ck.value("VPSCI_VERSION_MAJOR(0x10003)", vpsci_version_major(0x10003) as i128);
    ck.value("VPSCI_VERSION_MINOR(0x10003)", vpsci_version_minor(0x10003) as i128);
    ck.value("VPSCI_STATEID_LOCAL(0x212, 1)", vpsci_stateid_local(0x212, 1) as i128);
    for size in [60u32, 100, 200] {
        let r = vpsci_result { size, ..Default::default() };
        ck.value(
            &format!("VPSCI_HAS_FIELD(struct vpsci_result, (&(struct vpsci_result){{ .size = {} }}), event)", size),
            vpsci_has_field!(vpsci_result, r, event) as i128,
        );
    }
    for m in [
        "VPSCI_HAS_FIELD", "VPSCI_FN32", "VPSCI_FN64", "VPSCI_VERSION", "VPSCI_MPIDR_AFFINITY", "VPSCI_STATEID",
        "VPSCI_VERSION_MAJOR", "VPSCI_VERSION_MINOR", "VPSCI_STATEID_LOCAL",
    ] {
        ck.names.insert(m.to_string());
    }
}

fn source_dir() -> PathBuf {
    std::env::var("VPSCI_SRC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.."))
}

fn c_program(ck: &Checks) -> String {
    let mut c = String::from("#include <stddef.h>\n#include <stdio.h>\n");
    for h in HEADERS {
        writeln!(c, "#include <vpsci/{}>", h).unwrap();
    }
    c.push_str(&ck.decls);
    c.push_str("\nint main(void)\n{\n");
    for (expr, _) in &ck.values {
        writeln!(c, "\tprintf(\"%lld\\n\", (long long)({}));", expr).unwrap();
    }
    c.push_str("\treturn 0;\n}\n");
    c
}

/// Compile and run the C side; its output is one value per line.
fn run_c(program: &str) -> Vec<i128> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let src = dir.join("vpsci_abi.c");
    let exe = dir.join("vpsci_abi");
    std::fs::write(&src, program).unwrap();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let include = source_dir().join("include");
    let out = Command::new(&cc)
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-I"])
        .arg(&include)
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("cannot run the C compiler");
    assert!(
        out.status.success(),
        "the C side of the ABI check does not compile (a Rust declaration disagrees with \
         the header):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(&exe).output().expect("cannot run the ABI program");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect()
}

fn all_checks() -> Checks {
    let mut ck = Checks::default();
    structs(&mut ck);
    functions(&mut ck);
    engine_constants(&mut ck);
    psci_constants(&mut ck);
    ck
}

#[test]
fn declarations_match_the_c_header() {
    let ck = all_checks();
    let c_values = run_c(&c_program(&ck));
    assert_eq!(c_values.len(), ck.values.len());
    let wrong: Vec<String> = ck
        .values
        .iter()
        .zip(&c_values)
        .filter(|((_, r), c)| r != *c)
        .map(|((e, r), c)| format!("{}: C {} Rust {}", e, c, r))
        .collect();
    assert!(wrong.is_empty(), "values differ:\n{}", wrong.join("\n"));
    assert!(ck.values.len() > 200, "only {} values checked", ck.values.len());
}

/// Names the headers declare: macros, enumerators, functions.
fn header_names() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for h in HEADERS {
        let text = std::fs::read_to_string(source_dir().join("include/vpsci").join(h)).unwrap();
        for line in text.lines() {
            let t = line.trim_start();
            let word = |s: &str| -> String {
                s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
            };
            if let Some(rest) = t.strip_prefix("#define ") {
                names.insert(word(rest));
            } else if t.starts_with("VPSCI_") {
                names.insert(word(t)); // an enumerator
            } else if let Some(i) = t.find("vpsci_") {
                let w = word(&t[i..]);
                if t[i + w.len()..].starts_with('(') && !t.starts_with('*') && i > 0 {
                    names.insert(w); // a prototype: "type vpsci_name("
                }
            }
        }
    }
    names.retain(|n| !n.ends_with("_H")); // include guards
    names
}

#[test]
fn every_header_name_is_bound() {
    let ck = all_checks();
    let missing: Vec<String> = header_names().difference(&ck.names).cloned().collect();
    assert!(missing.is_empty(), "declared in include/vpsci/ but not in vpsci-sys: {:?}", missing);
}

/// The archive built from source defines only the public functions: no
/// internal symbol (caps_init, vm_alloc, ...) can clash with a VMM's.
#[test]
fn archive_exports_only_vpsci_symbols() {
    // Linked through pkg-config, there is no archive: the library's own check-symbols.
    for archive in [option_env!("VPSCI_SYS_ARCHIVE"), option_env!("VPSCI_SYS_FDT_ARCHIVE")] {
        archive.map(only_vpsci_symbols);
    }
}

fn only_vpsci_symbols(archive: &str) {
    let out = Command::new("nm")
        .args(["-g", "--defined-only", archive])
        .output()
        .expect("cannot run nm");
    assert!(out.status.success());
    let syms: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
        .collect();
    assert!(!syms.is_empty(), "nm found no symbol in {}", archive);
    let foreign: Vec<&String> = syms.iter().filter(|s| !s.starts_with("vpsci_")).collect();
    assert!(foreign.is_empty(), "{} defines non-vpsci_ symbols: {:?}", archive, foreign);
}
