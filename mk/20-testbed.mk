# SPDX-License-Identifier: BSD-2-Clause
#
# The testbed: arm64 Linux with a working /dev/kvm on an x86_64 machine
# (QEMU TCG, virtualization=on), or the machine itself on an arm64 host
# with /dev/kvm. See docs/testbed.md.

TESTBED_DIR := $(BUILD)/testbed

# arm64 sysroot: Debian trixie's libfdt (static) and kernel UAPI headers,
# fetched through the testbed's private apt configuration. Link vpsci-run and
# the guest images against these; depend on $(ARM64_SYSROOT)/.stamp.
ARM64_SYSROOT := $(BUILD)/arm64/sysroot
ARM64_CPPFLAGS := -isystem $(ARM64_SYSROOT)/usr/include/aarch64-linux-gnu \
	-isystem $(ARM64_SYSROOT)/usr/include
ARM64_LIBFDT := $(ARM64_SYSROOT)/usr/lib/aarch64-linux-gnu/libfdt.a
ARM64_SYSROOT_PKGS := libfdt-dev libfdt1 linux-libc-dev

.PHONY: arm64-sysroot
arm64-sysroot: $(ARM64_SYSROOT)/.stamp

$(ARM64_SYSROOT)/.stamp: testbed/fetch testbed/lib.sh mk/20-testbed.mk
	@rm -rf $(ARM64_SYSROOT) && mkdir -p $(ARM64_SYSROOT)
	@BUILD=$(BUILD) testbed/fetch --suite trixie --extract $(ARM64_SYSROOT) \
		$(ARM64_SYSROOT_PKGS) > $(ARM64_SYSROOT)/versions.txt
	@test -f $(ARM64_SYSROOT)/usr/include/aarch64-linux-gnu/asm/kvm.h || \
		{ echo "arm64-sysroot: error: linux-libc-dev has no aarch64 asm/kvm.h" >&2; exit 122; }
	@test -f $(ARM64_LIBFDT) || \
		{ echo "arm64-sysroot: error: libfdt-dev ships no libfdt.a" >&2; exit 122; }
	@sed 's/^/arm64-sysroot: /; s/ [^ ]*$$//' $(ARM64_SYSROOT)/versions.txt
	@touch $@

# Where the arm64 programs and guest images go; testbed/run packs every file
# of these into the testbed (/testbed/bin, on PATH, and /testbed/guest).
ARM64_BIN := $(BUILD)/arm64/bin
ARM64_GUEST := $(BUILD)/arm64/guest

# The compiler for arm64 Linux programs: the cross compiler on x86_64, the
# native one on an arm64 host.
ifeq ($(HOST_ARCH),aarch64)
TESTBED_CC := $(CC)
TESTBED_HAVE_CC := 1
else
TESTBED_CC := $(CROSS_CC)
TESTBED_HAVE_CC := $(HAVE_CROSS)
endif
TESTBED_CFLAGS := $(CSTD) $(WARN) $(OPT) -static

KVM_SMOKE := $(ARM64_BIN)/kvm-smoke

ifeq ($(TESTBED_HAVE_CC),1)
ALL_TARGETS += $(KVM_SMOKE)
$(KVM_SMOKE): testbed/smoke/kvm-smoke.c $(ARM64_SYSROOT)/.stamp
	@mkdir -p $(@D)
	$(TESTBED_CC) $(TESTBED_CFLAGS) $(ARM64_CPPFLAGS) -o $@ $<
else
$(KVM_SMOKE):
	@echo "testbed: error: missing tool '$(TESTBED_CC)' (Debian package" \
		"gcc-aarch64-linux-gnu; run 'make setup')" >&2; exit 120
endif

# Resolve and fetch the kernels, busybox and guest modules (cached).
.PHONY: testbed-setup
testbed-setup:
	@BUILD=$(BUILD) testbed/setup

# The smoke test inside the testbed, one boot per host kernel.
TESTBED_KERNELS := 6.12 7
.PHONY: check-testbed $(addprefix check-testbed-,$(TESTBED_KERNELS))
check-testbed: $(addprefix check-testbed-,$(TESTBED_KERNELS))
$(addprefix check-testbed-,$(TESTBED_KERNELS)): check-testbed-%: $(KVM_SMOKE)
	@BUILD=$(BUILD) testbed/run --host-kernel $* --timeout 300 -- kvm-smoke

CHECK_TARGETS += check-testbed
