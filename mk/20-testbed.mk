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
		{ echo "arm64-sysroot: error: linux-libc-dev has no aarch64 asm/kvm.h" >&2; exit 5; }
	@test -f $(ARM64_LIBFDT) || \
		{ echo "arm64-sysroot: error: libfdt-dev ships no libfdt.a" >&2; exit 5; }
	@sed 's/^/arm64-sysroot: /; s/ [^ ]*$$//' $(ARM64_SYSROOT)/versions.txt
	@touch $@
