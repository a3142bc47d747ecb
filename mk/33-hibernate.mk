# SPDX-License-Identifier: BSD-2-Clause
#
# Guest disk + hibernate and resume of a Linux guest (docs/hibernate.md):
# vmm/tests/hibernate-tests.sh in one testbed boot.
#
#   make check-hibernate        host kernel 7: three SYSTEM_OFF2 cycles of a 7.x
#                               guest, a 6.12 guest (plain SYSTEM_OFF) recorded
#                               under another default version, refusals (make check)
#   make check-hibernate-full   the same plus the 6.12 guest under PSCI 1.3 and a
#                               7.x guest under 1.2, on both host kernels (check-full)
#
# Prints "bench hibernate-to-resumed-<case> <s> s" lines (nested; never asserted).

HIB_TESTBED_RUN = BUILD=$(BUILD) testbed/run --add vmm/tests:hib

.PHONY: check-hibernate check-hibernate-full

check-hibernate: $(VMM_BIN)
	@$(HIB_TESTBED_RUN) --host-kernel 7 --timeout 900 -- sh hib/hibernate-tests.sh quick

check-hibernate-full: $(VMM_BIN)
	$(call each_host_kernel,$(HIB_TESTBED_RUN),1500,sh hib/hibernate-tests.sh full)

# About 4 minutes on a quiet machine (one testbed boot, 9 guest boots); 6.8 minutes
# were measured under a load average of 11.
CHECK_TARGETS += check-hibernate
CHECK_FULL_TARGETS += check-hibernate-full
