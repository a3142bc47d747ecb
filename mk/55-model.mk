# SPDX-License-Identifier: BSD-2-Clause
# Model checking of the vCPU state machine with spin (model/vpsci.pml):
# safety assertions and invalid end states (deadlock), exhaustive search.
#   make check-model        3 vCPUs, 2 calls each (make check), then the same
#                           with -DOSI: OS-initiated cluster suspends and
#                           SET_SUSPEND_MODE's lock-free scans (about 20 s)
#   make check-model-full   3 vCPUs x 3 calls, then check-model-4 (make check-full)
#   make check-model-4      4 vCPUs x 2 calls, exhaustive, then the same with -DOSI
#                           (COLLAPSE state compression, at most MODEL_4_MEMLIM MiB each;
#                           3.0e7 and 7.7e7 states, 2.5 and 4.1 GiB, 7 and 3 to 22 min
#                           on the shared 2-core machine, depending on its load;
#                           docs/design.md section 10)

MODEL_DIR := $(BUILD)/model

MODEL_4_MEMLIM ?= 8192
# The searches are long CPU jobs on a shared machine.
MODEL_NICE ?= nice -n 10

# $(call spin_check,N,K[,variant define, e.g. OSI][,extra pan.c defines][,extra pan options])
define spin_check
	@mkdir -p $(MODEL_DIR)/n$(1)k$(2)$(3)
	@cp model/vpsci.pml $(MODEL_DIR)/n$(1)k$(2)$(3)/
	@rm -f $(MODEL_DIR)/n$(1)k$(2)$(3)/pan $(MODEL_DIR)/n$(1)k$(2)$(3)/pan.out
	@cd $(MODEL_DIR)/n$(1)k$(2)$(3) && \
		spin -a -DN=$(1) -DK=$(2) $(if $(3),-D$(3)) vpsci.pml > pan.out && \
		$(CC) -O2 -DSAFETY -DCOLLAPSE $(4) -o pan pan.c 2>/dev/null && \
		$(MODEL_NICE) ./pan -m2000000 $(5) > pan.out 2>&1; \
		grep -E 'errors:|states, stored|elapsed|total actual memory' pan.out | \
			sed 's/^/model N=$(1) K=$(2)$(if $(3), $(3)): /'; \
		grep -q 'errors: 0' pan.out && \
		! grep -qE 'Search not completed|out of memory|MEMLIM bound' pan.out || \
		{ echo "model N=$(1) K=$(2) $(3): FAILED (see $(MODEL_DIR)/n$(1)k$(2)$(3)/pan.out)"; \
		  exit 1; }
endef

.PHONY: check-model check-model-full check-model-4
check-model:
	$(call spin_check,3,2)
	$(call spin_check,3,2,OSI)

check-model-full: check-model-4
	$(call spin_check,3,3)

# Long: tens of minutes on a loaded 2-core machine.
check-model-4:
	$(call spin_check,4,2,,-DMEMLIM=$(MODEL_4_MEMLIM),-w27 -m3000000)
	$(call spin_check,4,2,OSI,-DMEMLIM=$(MODEL_4_MEMLIM),-w27 -m3000000)

CHECK_TARGETS += check-model
CHECK_FULL_TARGETS += check-model-full
