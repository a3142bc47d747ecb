# SPDX-License-Identifier: BSD-2-Clause
#
# Suspend to RAM of a Linux guest under vpsci-run (SYSTEM_SUSPEND, the PL031
# RTC, the wake sources): vmm/tests/suspend-tests.sh in one testbed boot per
# host kernel. See docs/suspend.md.
#
#   make check-suspend        user mode 1 and 4 vCPUs x 3 wake sources, --no-system-suspend
#                             (6.12 host; 2m50 at load ~5, 5m05 at load ~11)
#   make check-suspend-full   plus SMC, hybrid and kernel mode with 4 vCPUs, the conformance
#                             guest's SYSTEM_SUSPEND tests in each mode and the 7.x guest,
#                             on both host kernels (26 min at load 11)
#
# Prints "bench suspend-<scenario>-<cycle>-<source>-<metric> <s> s" (nested times).

SUSPEND_TESTBED_RUN = BUILD=$(BUILD) testbed/run --add vmm/tests:vmm-tests

.PHONY: check-suspend check-suspend-full

check-suspend: $(VMM_BIN)
	@$(SUSPEND_TESTBED_RUN) --host-kernel 6.12 --timeout 600 -- \
		sh vmm-tests/suspend-tests.sh quick

check-suspend-full: $(VMM_BIN)
	-@$(MAKE) --no-print-directory guest >/dev/null 2>&1
	$(call each_host_kernel,$(SUSPEND_TESTBED_RUN),1200,sh vmm-tests/suspend-tests.sh full)

CHECK_TARGETS += check-suspend
CHECK_FULL_TARGETS += check-suspend-full
