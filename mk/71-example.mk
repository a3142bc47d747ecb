# SPDX-License-Identifier: BSD-2-Clause
#
# examples/minimal-vmm.c: the embedding guide's (docs/embedding.md) proof, a
# single-file KVM VMM built only against the public headers and libraries,
# cross-built for arm64 like vpsci-run.
#
#   make minimal-vmm   $(BUILD)/arm64/bin/minimal-vmm (static aarch64)
#   make check-example the conformance guest with 4 vCPUs under it, inside
#                      the testbed: every test of psci.sel=all passes or
#                      SKIPs and the run ends in SYSTEM_OFF, over HVC and
#                      over SMC; psci.sel=off2
#                      ends in SYSTEM_OFF2 (status 4), psci.sel=reset in a
#                      reset (5); two hostile images are refused (2)
#   make check-example-full  the same on the 7.x testbed host kernel

EXAMPLE_BIN := $(BUILD)/arm64/bin/minimal-vmm
EXAMPLE_CFLAGS := $(CSTD) $(WARN) $(OPT) -pthread

ifeq ($(HOST_ARCH),aarch64)
EXAMPLE_CC := $(CC)
EXAMPLE_CPPFLAGS := $(ENGINE_CPPFLAGS)
EXAMPLE_LIBS := $(ENGINE_FDT_LIB) $(ENGINE_LIB) -lfdt
EXAMPLE_DEPS := $(ENGINE_FDT_LIB) $(ENGINE_LIB)
else
EXAMPLE_CC := $(CROSS_CC)
EXAMPLE_CPPFLAGS := $(ENGINE_CPPFLAGS) $(ARM64_CPPFLAGS)
EXAMPLE_LIBS := $(ENGINE_FDT_LIB_ARM64) $(ENGINE_LIB_ARM64) $(ARM64_LIBFDT)
EXAMPLE_DEPS := $(ENGINE_FDT_LIB_ARM64) $(ENGINE_LIB_ARM64) $(ARM64_SYSROOT)/.stamp
endif

.PHONY: minimal-vmm check-example
minimal-vmm: $(EXAMPLE_BIN)

ifeq ($(VMM_CAN_BUILD),1)
ALL_TARGETS += minimal-vmm
$(EXAMPLE_BIN): examples/minimal-vmm.c $(wildcard include/vpsci/*.h) $(EXAMPLE_DEPS)
	@mkdir -p $(dir $@)
	$(EXAMPLE_CC) $(EXAMPLE_CPPFLAGS) $(EXAMPLE_CFLAGS) -static -o $@ $< $(EXAMPLE_LIBS)
else
$(EXAMPLE_BIN):
	@echo "minimal-vmm: error: missing tool '$(CROSS_CC)' (Debian package" \
		"gcc-aarch64-linux-gnu; run 'make setup')" >&2; exit 1
endif

EXAMPLE_TESTBED_RUN = BUILD=$(BUILD) testbed/run --timeout 900 \
	--add examples/tests/minimal-vmm-tests.sh:bin/minimal-vmm-tests

.PHONY: check-example-full
check-example: $(EXAMPLE_BIN) guest
	@$(EXAMPLE_TESTBED_RUN) -- sh bin/minimal-vmm-tests

# make check-full (which runs check-example too): the same on the 7.x host kernel.
check-example-full: $(EXAMPLE_BIN) guest
	@$(EXAMPLE_TESTBED_RUN) --host-kernel 7 -- sh bin/minimal-vmm-tests

CHECK_TARGETS += check-example
CHECK_FULL_TARGETS += check-example-full

# The lint of mk/56-lint.mk, applied to the example (no findings allowed).
.PHONY: check-lint-example
check-lint-example:
	cppcheck --enable=warning,performance,portability --std=c11 --inline-suppr -D__aarch64__ \
		$(ENGINE_CPPFLAGS) -I$(ARM64_SYSROOT)/usr/include/aarch64-linux-gnu \
		-I$(ARM64_SYSROOT)/usr/include --error-exitcode=1 --quiet examples/
	@out=$$(clang-tidy --quiet --warnings-as-errors='*' -checks='$(LINT_TIDY_CHECKS)' \
		examples/minimal-vmm.c -- $(ENGINE_CPPFLAGS) -std=gnu11 -D_GNU_SOURCE \
		--target=aarch64-linux-gnu -isystem $(ARM64_SYSROOT)/usr/include/aarch64-linux-gnu \
		-isystem $(ARM64_SYSROOT)/usr/include -isystem /usr/aarch64-linux-gnu/include 2>&1); \
		rc=$$?; echo "$$out" | grep -v 'warnings generated' || true; \
		[ $$rc -eq 0 ] && echo "clang-tidy: no findings in examples/"; exit $$rc
CHECK_TARGETS += check-lint-example
