# SPDX-License-Identifier: BSD-2-Clause
#
# A Debian trixie arm64 system with systemd under vpsci-run (docs/distro.md).
#
#   make distro               build (or reuse) build/distro/rootfs.img + initrd.img
#   make check-distro         host kernel 7, guest 7.x, --psci=user: boot, systemctl
#                             suspend + rtcwake, hibernate + --resume, reboot in
#                             place, poweroff (one testbed boot, two vpsci-runs)
#   make check-distro-full    every action of docs/distro.md (console wake,
#                             suspend-then-hibernate, chcpu, lscpu, cpuidle, kexec)
#                             on both guest kernels, --psci=user and hybrid, on
#                             both host kernels
#
# The image is cached: distro/build rebuilds it only when the resolved package
# set, a guest kernel or a file under distro/ changed.

DISTRO_OUT := $(BUILD)/distro
DISTRO_ADD := --add $(DISTRO_OUT)/rootfs.img:distro/ --add $(DISTRO_OUT)/initrd.img:distro/ \
	--add $(DISTRO_OUT)/swap-512M.hdr:distro/ --add distro/tests.sh:distro/
# The root disk travels in the testbed's initramfs and is copied once per
# scenario: the testbed needs room for both, the guest's 1 GiB and the swap disk.
DISTRO_TESTBED_RUN = BUILD=$(BUILD) testbed/run --mem 5120 $(DISTRO_ADD)

.PHONY: distro check-distro check-distro-full
distro:
	@BUILD=$(BUILD) distro/build

ifeq ($(VMM_CAN_BUILD),1)
check-distro: distro $(VMM_BIN)
	@$(DISTRO_TESTBED_RUN) --host-kernel 7 --timeout 3000 -- sh distro/tests.sh quick 7

check-distro-full: distro $(VMM_BIN)
	@set -e; for k in 7 6.12; do \
		$(DISTRO_TESTBED_RUN) --host-kernel $$k --timeout 9000 -- \
			sh distro/tests.sh full 7 6.12; done
else
check-distro check-distro-full:
	@echo "$@: error: $(CROSS_CC) not found; run 'make setup' first" >&2; exit 3
endif
