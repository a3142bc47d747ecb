// SPDX-License-Identifier: BSD-2-Clause
//! Build script of vpsci-sys: provide libvpsci to the linker.
//!
//! By default the engine is compiled from the C sources of the tree this
//! crate sits in (`lib/*.c` except the libfdt helpers, `include/`), with the
//! system C compiler (`$CC`, else `cc`) and archived as a static library in
//! `OUT_DIR`. Why: a clean clone builds and tests without installing
//! anything, the library linked is always the one whose header the ABI test
//! checks the declarations against, and a static engine adds no run-time
//! dependency to a VMM binary. The engine needs no libc beyond memset and
//! C11 atomics, so nothing else is linked. As in mk/10-engine.mk, the
//! objects are linked into one relocatable object whose hidden symbols are
//! made local (`ld -r`, `objcopy --localize-hidden`): the archive defines
//! only the `vpsci_*` functions, so it cannot clash with the VMM's own.
//!
//! `VPSCI_SYS_USE_PKG_CONFIG=1` links the installed library instead
//! (`pkg-config --libs vpsci`, or `vpsci-fdt` with the "fdt" feature),
//! which is what a distribution package of the crate would do.
//! `VPSCI_SRC_DIR` points at another source tree. The "fdt" feature adds
//! libvpsci-fdt (lib/vpsci_fdt.c), linked with the system's libfdt.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(cmd: &mut Command) {
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("vpsci-sys: cannot run {:?}: {}", cmd, e));
    if !status.success() {
        panic!("vpsci-sys: {:?} failed: {}", cmd, status);
    }
}

/// Link what `pkg-config --libs` says for this package.
fn link_system(package: &str) {
    let out = Command::new("pkg-config")
        .args(["--libs", package])
        .output()
        .expect("vpsci-sys: cannot run pkg-config");
    if !out.status.success() {
        panic!("vpsci-sys: pkg-config --libs {} failed (is lib{}-dev installed?)", package, package);
    }
    for flag in String::from_utf8_lossy(&out.stdout).split_whitespace() {
        if let Some(dir) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={}", dir);
        } else if let Some(lib) = flag.strip_prefix("-l") {
            println!("cargo:rustc-link-lib={}", lib);
        }
    }
}

/// The C sources of one library: the engine is every lib/*.c but the
/// libfdt helpers, which are libvpsci-fdt.
fn sources(lib: &Path, fdt: bool) -> Vec<PathBuf> {
    let mut srcs: Vec<PathBuf> = fs::read_dir(lib)
        .unwrap_or_else(|e| panic!("vpsci-sys: {}: {}", lib.display(), e))
        .map(|e| e.expect("vpsci-sys: readdir").path())
        .filter(|p| p.extension().map_or(false, |x| x == "c"))
        .filter(|p| p.file_name().map_or(false, |n| (n == "vpsci_fdt.c") == fdt))
        .collect();
    srcs.sort();
    srcs
}

fn tool(var: &str, default: &str) -> String {
    env::var(var).unwrap_or_else(|_| default.to_string())
}

/// Compile `srcs` and archive them as lib<name>.a in `out`, only their
/// default-visibility symbols global. Returns the archive.
fn archive(name: &str, srcs: &[PathBuf], include: &Path, out: &Path) -> PathBuf {
    let mut objs = Vec::new();
    for c in srcs {
        println!("cargo:rerun-if-changed={}", c.display());
        let obj = out.join(c.file_stem().unwrap()).with_extension("o");
        run(Command::new(tool("CC", "cc"))
            .args(["-std=c11", "-D_DEFAULT_SOURCE", "-O2", "-g", "-fPIC"])
            .args(["-fvisibility=hidden", "-Wall", "-Wextra", "-Werror"])
            .arg("-I")
            .arg(include)
            .arg("-c")
            .arg(c)
            .arg("-o")
            .arg(&obj));
        objs.push(obj);
    }
    let joined = out.join(format!("{}-all.o", name));
    let local = out.join(format!("{}.o", name));
    run(Command::new(tool("LD", "ld")).arg("-r").arg("-o").arg(&joined).args(&objs));
    run(Command::new(tool("OBJCOPY", "objcopy"))
        .arg("--localize-hidden")
        .arg(&joined)
        .arg(&local));
    let a = out.join(format!("lib{}.a", name));
    let _ = fs::remove_file(&a);
    run(Command::new(tool("AR", "ar")).arg("rcs").arg(&a).arg(&local));
    a
}

/// With the "fdt" feature also libvpsci-fdt, which needs libfdt (libfdt-dev).
fn build_from_source(src: &Path, out: &Path, fdt: bool) {
    let lib = src.join("lib");
    let include = src.join("include");

    println!("cargo:rerun-if-changed={}", lib.display());
    println!("cargo:rerun-if-changed={}", include.join("vpsci").display());
    let engine = archive("vpsci", &sources(&lib, false), &include, out);
    println!("cargo:rustc-env=VPSCI_SYS_ARCHIVE={}", engine.display());
    println!("cargo:rustc-link-search=native={}", out.display());
    if fdt {
        let helpers = archive("vpsci-fdt", &sources(&lib, true), &include, out);
        println!("cargo:rustc-env=VPSCI_SYS_FDT_ARCHIVE={}", helpers.display());
        println!("cargo:rustc-link-lib=static=vpsci-fdt"); // before the engine it uses
    }
    println!("cargo:rustc-link-lib=static=vpsci");
    if fdt {
        println!("cargo:rustc-link-lib=fdt");
    }
    // Tells dependants (DEP_VPSCI_INCLUDE) where the matching headers are.
    println!("cargo:include={}", include.display());
}

fn main() {
    println!("cargo:rerun-if-env-changed=VPSCI_SYS_USE_PKG_CONFIG");
    println!("cargo:rerun-if-env-changed=VPSCI_SRC_DIR");
    for var in ["CC", "LD", "OBJCOPY", "AR"] {
        println!("cargo:rerun-if-env-changed={}", var);
    }
    let fdt = env::var_os("CARGO_FEATURE_FDT").is_some();
    if env::var("VPSCI_SYS_USE_PKG_CONFIG").map_or(false, |v| v == "1") {
        link_system(if fdt { "vpsci-fdt" } else { "vpsci" });
        if fdt {
            // Not only libvpsci-fdt's dependency: the safe crate checks
            // headers with libfdt itself.
            println!("cargo:rustc-link-lib=fdt");
        }
        return;
    }
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let src = env::var("VPSCI_SRC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| manifest.join("../../.."));
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    build_from_source(&src, &out, fdt);
}
