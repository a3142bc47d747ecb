# SPDX-License-Identifier: BSD-2-Clause
#
# The Rust bindings (bindings/rust/): vpsci-sys, the C ABI declared by hand
# and checked against include/vpsci/ by its tests, and vpsci, the safe API.
# Built with Debian's rustc and cargo only (packages rustc, cargo), offline,
# with no crate from outside the tree; /usr/bin comes first in PATH so that
# no other toolchain (a rustup one in ~/.cargo/bin) is picked up.
#
#   make rust        build both crates (and the examples)
#   make check-rust  cargo test: the ABI check and the simulated 8-vCPU VM;
#                    then examples/engine_glue.rs, which must end in SYSTEM_OFF2
#                    (minimal-vmm's status 4)

RUST_DIR := bindings/rust
RUST_CARGO := /usr/bin/cargo
RUST_ENV := PATH=/usr/bin:/bin CARGO_HOME=$(abspath $(BUILD))/cargo-home \
	RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTFLAGS="-D warnings" CC=$(CC)
RUST_ARGS := --offline --locked --target-dir $(abspath $(BUILD))/rust

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
