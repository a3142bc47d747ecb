# SPDX-License-Identifier: BSD-2-Clause
#
# VM snapshot and restore in vpsci-run (--snapshot / --restore,
# docs/vm-snapshot.md), checked with the conformance guest's
# psci.sel=snapshot inside the testbed: one testbed boot per host kernel
# runs every scenario (vmm/tests/snapshot-tests.sh).
#
#   make check-snapshot        on the default (6.12) host kernel (~1-2 min)
#   make check-snapshot-full   on both host kernels (6.12 and 7.x)

SNAP_TESTBED_RUN = BUILD=$(BUILD) testbed/run --add vmm/tests:snapshot-tests

.PHONY: check-snapshot check-snapshot-full

check-snapshot: $(VMM_BIN) guest
	@$(SNAP_TESTBED_RUN) --timeout 600 -- sh snapshot-tests/snapshot-tests.sh quick

check-snapshot-full: $(VMM_BIN) guest
	@set -e; for k in 6.12 7; do \
		$(SNAP_TESTBED_RUN) --host-kernel $$k --timeout 900 -- \
			sh snapshot-tests/snapshot-tests.sh full; done

ifeq ($(VMM_CAN_BUILD)$(HAVE_CROSS),11)
CHECK_TARGETS += check-snapshot
CHECK_FULL_TARGETS += check-snapshot-full
endif
