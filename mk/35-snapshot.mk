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

.PHONY: check-snapshot check-snapshot-full check-snapshot-asan

check-snapshot: $(VMM_BIN) guest
	@$(SNAP_TESTBED_RUN) --timeout 600 -- sh snapshot-tests/snapshot-tests.sh quick

# The 6.12 run leaves its conformance-guest file in a --share directory; the
# 7.x run must restore it or refuse it cleanly: a move to a newer host kernel.
SNAP_CROSS := $(BUILD)/snapshot-cross
check-snapshot-full: $(VMM_BIN) guest
	@rm -rf $(SNAP_CROSS) && mkdir -p $(SNAP_CROSS)
	@$(SNAP_TESTBED_RUN) --share $(SNAP_CROSS):cross --host-kernel 6.12 --timeout 900 -- \
		SNAPSHOT_EXPORT=cross sh snapshot-tests/snapshot-tests.sh full
	@test -s $(SNAP_CROSS)/from-6.12.snap || \
		{ echo "check-snapshot-full: the 6.12 run left no snapshot file" >&2; exit 1; }
	@$(SNAP_TESTBED_RUN) --share $(SNAP_CROSS):cross --host-kernel 7 --timeout 900 -- \
		sh snapshot-tests/snapshot-tests.sh full cross/from-6.12.snap

# Every scenario again with vpsci-run under ASan + UBSan (mk/61-vmm-asan.mk):
# any sanitizer report fails (the storm and the Linux guest are left out:
# too slow sanitized). make check-full only.
check-snapshot-asan: vpsci-run-asan guest
	@$(SNAP_TESTBED_RUN) --host-kernel 6.12 --timeout 900 \
		--add $(ASAN_BIN):asan/ --add $(ASAN_DIR)/lib:asan/lib -- \
		ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:exitcode=99 \
		VPSCI_RUN=$(ASAN_TB)/vpsci-run-asan sh snapshot-tests/snapshot-tests.sh asan

CHECK_TARGETS += check-snapshot
CHECK_FULL_TARGETS += check-snapshot-full
ifeq ($(HOST_ARCH),x86_64)
CHECK_FULL_TARGETS += check-snapshot-asan
endif
