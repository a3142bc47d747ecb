# SPDX-License-Identifier: BSD-2-Clause
#
# The Rust bindings (bindings/rust/): vpsci-sys, the C ABI declared by hand
# and checked against include/vpsci/ by its tests, and vpsci, the safe API.
# Built with Debian's rustc and cargo only (packages rustc, cargo), offline,
# with no crate from outside the tree; /usr/bin comes first in PATH so that
# no other toolchain (a rustup one in ~/.cargo/bin) is picked up.
#
#   make rust        build both crates (and the examples)
#   make check-rust  cargo test (--all-features: with the libvpsci-fdt helpers,
#                    which need libfdt-dev): the ABI check, the simulated 8-vCPU VM;
#                    then examples/engine_glue.rs, which must end in SYSTEM_OFF2
#                    (minimal-vmm's status 4)

RUST_DIR := bindings/rust
RUST_CARGO := /usr/bin/cargo
RUST_ENV := PATH=/usr/bin:/bin CARGO_HOME=$(abspath $(BUILD))/cargo-home \
	RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTFLAGS="-D warnings" CC=$(CC)
RUST_ARGS := --offline --locked --all-features --target-dir $(abspath $(BUILD))/rust

.PHONY: rust check-rust rust-tool
rust-tool:
	@test -x $(RUST_CARGO) -a -x /usr/bin/rustc || { echo "check-rust: error: Debian's" \
		"rustc/cargo are missing (/usr/bin/cargo); run 'make setup'" >&2; exit 1; }

rust: rust-tool
	cd $(RUST_DIR) && $(RUST_ENV) $(RUST_CARGO) build $(RUST_ARGS) --all-targets

check-rust: rust-tool
	cd $(RUST_DIR) && $(RUST_ENV) $(RUST_CARGO) test $(RUST_ARGS)
	@cd $(RUST_DIR) && $(RUST_ENV) $(RUST_CARGO) run -q $(RUST_ARGS) --example engine_glue; \
		st=$$?; [ $$st -eq 4 ] && echo "engine_glue: hibernated (status 4) as expected" || \
		{ echo "engine_glue: status $$st, expected 4" >&2; exit 1; }

CHECK_TARGETS += check-rust

# vpsci-sys's other way in: the installed library through pkg-config, as a
# distribution package of the crate would link it. libvpsci is installed
# with PREFIX=/usr into a scratch root (mk/15-install.mk), and the crates'
# tests run against its libvpsci.so.1.
RUST_SYS_ROOT := $(abspath $(BUILD))/rust-system/root
RUST_SYS_LIBDIR := $(RUST_SYS_ROOT)/usr/lib$(if $(MULTIARCH),/$(MULTIARCH))
.PHONY: check-rust-system
check-rust-system: rust-tool libs
	rm -rf $(RUST_SYS_ROOT)
	$(MAKE) --no-print-directory install PREFIX=/usr DESTDIR=$(RUST_SYS_ROOT) >/dev/null
	cd $(RUST_DIR) && $(RUST_ENV) VPSCI_SYS_USE_PKG_CONFIG=1 \
		PKG_CONFIG_PATH=$(RUST_SYS_LIBDIR)/pkgconfig PKG_CONFIG_SYSROOT_DIR=$(RUST_SYS_ROOT) \
		LD_LIBRARY_PATH=$(RUST_SYS_LIBDIR) $(RUST_CARGO) test --offline --locked --all-features \
		--target-dir $(abspath $(BUILD))/rust-system/target
	@LD_LIBRARY_PATH=$(RUST_SYS_LIBDIR) ldd $(abspath $(BUILD))/rust-system/target/debug/examples/engine_glue \
		2>/dev/null | grep -q 'libvpsci.so.1 => $(RUST_SYS_LIBDIR)' && \
		echo "check-rust-system: the crates ran against the installed libvpsci.so.1" || \
		{ echo "check-rust-system: engine_glue is not linked to $(RUST_SYS_LIBDIR)" >&2; exit 1; }
CHECK_TARGETS += check-rust-system
