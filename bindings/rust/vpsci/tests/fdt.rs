// SPDX-License-Identifier: BSD-2-Clause
//! The device-tree helpers (feature "fdt") write what the engine answers,
//! and refuse buffers that are not trees instead of writing past them.
#![cfg(feature = "fdt")]

use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_void};

use vpsci::{Conduit, Config, Entry, FdtError, MemRegion, Ops, StartFailed, Version, Vm};

extern "C" {
    // libfdt
    fn fdt_create_empty_tree(buf: *mut c_void, bufsize: c_int) -> c_int;
    fn fdt_path_offset(fdt: *const c_void, path: *const c_char) -> c_int;
    fn fdt_getprop(fdt: *const c_void, node: c_int, name: *const c_char, len: *mut c_int)
        -> *const c_void;
}

struct Host;
impl Ops for Host {
    fn cpu_on(&self, _: u32, _: &Entry) -> Result<(), StartFailed> {
        Ok(())
    }
    fn cpu_stop(&self, _: u32) {}
}

fn tree(size: usize) -> Vec<u8> {
    let mut buf = vec![0u8; size];
    // SAFETY: buf holds size bytes.
    assert_eq!(unsafe { fdt_create_empty_tree(buf.as_mut_ptr().cast(), size as c_int) }, 0);
    buf
}

/// The strings of property `prop` of node `path`, or None without the node/property.
fn strings(fdt: &[u8], path: &str, prop: &str) -> Option<Vec<String>> {
    let (p, n) = (CString::new(path).unwrap(), CString::new(prop).unwrap());
    // SAFETY: fdt is a valid tree; libfdt returns pointers into it.
    unsafe {
        let node = fdt_path_offset(fdt.as_ptr().cast(), p.as_ptr());
        if node < 0 {
            return None;
        }
        let mut len = 0;
        let v = fdt_getprop(fdt.as_ptr().cast(), node, n.as_ptr(), &mut len) as *const u8;
        if v.is_null() {
            return None;
        }
        let bytes = std::slice::from_raw_parts(v, len as usize);
        Some(bytes.split(|b| *b == 0).filter(|s| !s.is_empty())
            .map(|s| String::from_utf8_lossy(s).into_owned()).collect())
    }
}

fn new_vm(version: Version, conduit: Conduit) -> Vm<Host> {
    let mut cfg = Config::new(version, 8, MemRegion { base: 0x4000_0000, size: 1 << 30 });
    cfg.conduit = conduit;
    Vm::new(&cfg, Host).unwrap()
}

#[test]
fn psci_and_cpus_nodes_follow_the_engine() {
    let vm = new_vm(Version::V1_3, Conduit::Hvc);
    let mut fdt = tree(8192);
    vm.fdt_add_cpus(&mut fdt).unwrap();
    vm.fdt_add_psci(&mut fdt).unwrap();
    vm.fdt_add_idle_states(&mut fdt).unwrap(); // no hierarchy: nothing
    assert_eq!(strings(&fdt, "/psci", "method"), Some(vec!["hvc".to_string()]));
    let compat = strings(&fdt, "/psci", "compatible").unwrap();
    assert_eq!(compat[0], "arm,psci-1.0", "newest first: {:?}", compat);
    assert_eq!(strings(&fdt, "/cpus/cpu@7", "enable-method"), Some(vec!["psci".to_string()]));
    assert_eq!(strings(&fdt, "/cpus/cpu@8", "enable-method"), None, "8 vCPUs: 0..7");

    let vm = new_vm(Version::V0_2, Conduit::Smc);
    let mut fdt = tree(8192);
    vm.fdt_add_psci(&mut fdt).unwrap();
    assert_eq!(strings(&fdt, "/psci", "method"), Some(vec!["smc".to_string()]));
    assert_eq!(strings(&fdt, "/psci", "compatible"), Some(vec!["arm,psci-0.2".to_string()]));
    assert_eq!(strings(&fdt, "/psci", "cpu_on"), None, "no 0.1 IDs for a 0.2 VM");
}

#[test]
fn bad_buffers_are_refused() {
    let vm = new_vm(Version::V1_3, Conduit::Hvc);
    assert_eq!(vm.fdt_add_psci(&mut [0u8; 16]), Err(FdtError::BadBuffer));
    assert_eq!(vm.fdt_add_psci(&mut vec![0u8; 4096]), Err(FdtError::BadBuffer), "no magic");
    let mut fdt = tree(4096);
    assert_eq!(vm.fdt_add_psci(&mut fdt[..2048]), Err(FdtError::BadBuffer), "totalsize > slice");
    let mut small = tree(200);
    let r = vm.fdt_add_cpus(&mut small);
    assert_eq!(r, Err(FdtError::Libfdt(-3)), "FDT_ERR_NOSPACE");
    let text = r.unwrap_err().to_string();
    assert!(text.contains("libfdt error -3"), "{}", text);
}
