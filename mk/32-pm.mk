# SPDX-License-Identifier: BSD-2-Clause
#
# vpsci-run's power management (issue 6, docs/pm.md): power-domain
# hierarchy, OS-initiated mode, the optional PSCI 1.0/1.1 functions,
# MEM_PROTECT across reboots and Linux's PSCI cpuidle, all in one testbed
# boot per host kernel (vmm/tests/pm-tests.sh).
#
#   make check-pm        host 6.12: options, DT, conformance guest with every
#                        feature, MEM_PROTECT wipe, Linux cpuidle (OSI, 12 s);
#                        1.5 to 3 minutes depending on the machine's load
#   make check-pm-full   both host kernels: the same, then Linux cpuidle in OSI
#                        and PC modes for 180 s on both guest kernels (about
#                        15 minutes per host kernel)

PM_TESTBED_RUN = BUILD=$(BUILD) testbed/run --add vmm/tests:pm-tests

.PHONY: check-pm check-pm-full

check-pm: guest $(VMM_BIN)
	@$(PM_TESTBED_RUN) --host-kernel 6.12 --timeout 580 -- sh pm-tests/pm-tests.sh quick

check-pm-full: guest $(VMM_BIN)
	$(call each_host_kernel,$(PM_TESTBED_RUN),3000,sh pm-tests/pm-tests.sh full)

# About 2 minutes (one testbed boot): part of make check.
CHECK_TARGETS += check-pm
CHECK_FULL_TARGETS += check-pm-full
