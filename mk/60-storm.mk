# SPDX-License-Identifier: BSD-2-Clause
#
# The hostile-guest storm (guest/programs/storm.c, psci.sel=storm): every vCPU issues
# random SMCCC calls for a bounded time under vpsci-run in the testbed; then
# the guest must still power off cleanly and scripts/check-events must find
# the events log consistent (scripts/storm-testbed does the run and checks).
#
#   make check-events-selftest  the checker against good and doctored logs (host)
#   make check-storm            16 vCPUs, 20 s, HVC, host kernel 6.12 (make check)
#   make check-storm-full       both host kernels x both conduits, 32 vCPUs
#
# Prints "bench storm_calls_per_s<tag> N calls/s" and the duration.

# The events checker is a script and its awk program: both go with the storm.
CHECK_EVENTS_ADD = --add scripts/check-events:storm/ --add scripts/check-events.awk:storm/
STORM_TESTBED_RUN = BUILD=$(BUILD) testbed/run --add scripts/storm-testbed:storm/ \
	$(CHECK_EVENTS_ADD)

.PHONY: check-events-selftest check-storm check-storm-full

check-events-selftest:
	@sh scripts/check-events-selftest

check-storm: check-events-selftest guest $(VMM_BIN)
	@$(STORM_TESTBED_RUN) --host-kernel 6.12 --timeout 290 -- \
		sh storm/storm-testbed --cpus 16 --ms 20000

check-storm-full: check-events-selftest guest $(VMM_BIN)
	@set -e; for k in 6.12 7; do for c in hvc smc; do \
		$(STORM_TESTBED_RUN) --host-kernel $$k --timeout 600 -- \
			sh storm/storm-testbed --cpus 32 --ms 30000 --conduit $$c \
			--tag _host$${k}_$$c --seed $$(date +%s); done; done

CHECK_TARGETS += check-storm
CHECK_FULL_TARGETS += check-storm-full
