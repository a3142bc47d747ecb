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

# The work is done by the .fetched rule (which also touches .stamp), so that a
# fragment giving .stamp a recipe of its own cannot loop. Packages are
# resolved once; 'rm -rf $(ARM64_SYSROOT)' picks up newer ones.
.PHONY: arm64-sysroot
arm64-sysroot: $(ARM64_SYSROOT)/.fetched

$(ARM64_SYSROOT)/.stamp: $(ARM64_SYSROOT)/.fetched
	@touch $@

$(ARM64_SYSROOT)/.fetched:
	@rm -rf $(ARM64_SYSROOT) && mkdir -p $(ARM64_SYSROOT)
	@BUILD=$(BUILD) testbed/fetch --suite trixie --extract $(ARM64_SYSROOT) \
		$(ARM64_SYSROOT_PKGS) > $(ARM64_SYSROOT)/versions.txt
	@test -f $(ARM64_SYSROOT)/usr/include/aarch64-linux-gnu/asm/kvm.h || \
		{ echo "arm64-sysroot: error: linux-libc-dev has no aarch64 asm/kvm.h" >&2; exit 122; }
	@test -f $(ARM64_LIBFDT) || \
		{ echo "arm64-sysroot: error: libfdt-dev ships no libfdt.a" >&2; exit 122; }
	@sed 's/^/arm64-sysroot: /; s/ [^ ]*$$//' $(ARM64_SYSROOT)/versions.txt
	@touch $@ $(ARM64_SYSROOT)/.stamp

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
	$(call missing_tool,$(TESTBED_CC),gcc-aarch64-linux-gnu)
endif

# A minimal bare-metal image (Linux Image format) to check testbed/run-tcg on
# both conduits: it calls PSCI_VERSION and SYSTEM_OFF, so a good run exits 0.
TCG_HELLO := $(TESTBED_DIR)/tcg-hello.bin

ifeq ($(HAVE_CROSS)$(filter aarch64,$(HOST_ARCH)),)
$(TCG_HELLO):
	$(NEED_CROSS)
else
TESTBED_AS := $(if $(filter aarch64,$(HOST_ARCH)),$(CC),$(CROSS_CC))
TESTBED_OBJCOPY := $(if $(filter aarch64,$(HOST_ARCH)),objcopy,$(CROSS_COMPILE)objcopy)
$(TCG_HELLO): testbed/smoke/tcg-hello.S
	@mkdir -p $(@D)
	$(TESTBED_AS) -nostdlib -static -Wl,--build-id=none -Wl,-Ttext=0 -o $(@:.bin=.elf) $<
	$(TESTBED_OBJCOPY) -O binary $(@:.bin=.elf) $@
endif

.PHONY: check-testbed-tcg
check-testbed-tcg: $(TCG_HELLO)
	@set -e; for c in hvc smc; do \
		BUILD=$(BUILD) testbed/run-tcg --conduit $$c --timeout 60 $(TCG_HELLO); done

# Resolve and fetch the kernels, busybox and guest modules (cached).
.PHONY: testbed-setup
testbed-setup:
	@BUILD=$(BUILD) testbed/setup

# The smoke test inside the testbed, one boot per host kernel.
TESTBED_KERNELS := 6.12 7
# $(call each_host_kernel,RUN,TIMEOUT,COMMAND): a recipe running COMMAND in
# one testbed boot per host kernel (RUN: a testbed/run command line with its
# --add options), stopping at the first failure. No commas in the arguments.
each_host_kernel = @set -e; for k in $(TESTBED_KERNELS); do \
	$(1) --host-kernel $$k --timeout $(2) -- $(3); done
.PHONY: check-testbed check-testbed-share $(addprefix check-testbed-,$(TESTBED_KERNELS))
check-testbed: check-testbed-tcg $(addprefix check-testbed-,$(TESTBED_KERNELS)) check-testbed-share
$(addprefix check-testbed-,$(TESTBED_KERNELS)): check-testbed-%: $(KVM_SMOKE)
	@BUILD=$(BUILD) testbed/run --host-kernel $* --timeout 300 -- kvm-smoke

# testbed/run --share: a 512 MiB file of random bytes goes in through virtio-fs
# and its copy written by the testbed must be on the host, identical, after
# the run (testbed/smoke/share-test; about two minutes, nested timings).
SHARE_DIR := $(BUILD)/testbed-share
check-testbed-share: $(KVM_SMOKE)
	@rm -rf $(SHARE_DIR) && mkdir -p $(SHARE_DIR)
	@head -c 512M /dev/urandom >$(SHARE_DIR)/big
	@BUILD=$(BUILD) testbed/run --timeout 600 --share $(SHARE_DIR) \
		--add testbed/smoke/share-test:share-test -- sh share-test share
	@cmp $(SHARE_DIR)/big $(SHARE_DIR)/copy || \
		{ echo "check-testbed-share: the testbed's copy differs from the file" >&2; exit 1; }
	@echo "check-testbed-share: 512 MiB in and back out through --share, identical"
	@rm -rf $(SHARE_DIR)

CHECK_TARGETS += check-testbed
