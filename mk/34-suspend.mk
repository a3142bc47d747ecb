# SPDX-License-Identifier: BSD-2-Clause
#
# Suspend to RAM of a Linux guest under vpsci-run (SYSTEM_SUSPEND, the PL031
# RTC, the wake sources): vmm/tests/suspend-tests.sh in one testbed boot per
# host kernel. See docs/suspend.md.
#
#   make check-suspend        user mode 1 and 4 vCPUs x 3 wake sources, --no-system-suspend,
#                             kernel mode 2 vCPUs x 2 (6.12 host)
#   make check-suspend-full   plus SMC, hybrid mode, 4 vCPUs in kernel mode and the
#                             conformance guest's SYSTEM_SUSPEND tests, on both host kernels
#
# Prints "bench suspend-<scenario>-<cycle>-<source>-<metric> <s> s" (nested times).

SUSPEND_TESTBED_RUN = BUILD=$(BUILD) testbed/run --add vmm/tests:vmm-tests

.PHONY: check-suspend check-suspend-full

check-suspend: $(VMM_BIN)
	@$(SUSPEND_TESTBED_RUN) --host-kernel 6.12 --timeout 600 -- \
		sh vmm-tests/suspend-tests.sh quick

check-suspend-full: $(VMM_BIN)
	-@$(MAKE) --no-print-directory guest >/dev/null 2>&1
	@set -e; for k in 6.12 7; do \
		$(SUSPEND_TESTBED_RUN) --host-kernel $$k --timeout 1200 -- \
			sh vmm-tests/suspend-tests.sh full; done

CHECK_TARGETS += check-suspend
CHECK_FULL_TARGETS += check-suspend-full
