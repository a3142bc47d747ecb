# SPDX-License-Identifier: BSD-2-Clause
# Model checking of the vCPU state machine with spin (model/vpsci.pml):
# safety assertions and invalid end states (deadlock), exhaustive search.
#   make check-model        3 vCPUs, 2 calls each (make check), then the same
#                           with -DOSI: OS-initiated cluster suspends and
#                           SET_SUSPEND_MODE's lock-free scans (about 20 s)
#   make check-model-full   3 vCPUs x 3 calls (make check-full); 4 vCPUs x 2 calls does
#                           not fit in 24 GiB exhaustively (over 10 GiB and rising when stopped)

MODEL_DIR := $(BUILD)/model

# $(call spin_check,N,K[,variant define, e.g. OSI])
define spin_check
	@mkdir -p $(MODEL_DIR)/n$(1)k$(2)$(3)
	@cp model/vpsci.pml $(MODEL_DIR)/n$(1)k$(2)$(3)/
	@cd $(MODEL_DIR)/n$(1)k$(2)$(3) && \
		spin -a -DN=$(1) -DK=$(2) $(if $(3),-D$(3)) vpsci.pml >/dev/null && \
		$(CC) -O2 -DSAFETY -DCOLLAPSE -o pan pan.c 2>/dev/null && \
		./pan -m2000000 > pan.out 2>&1; \
		grep -E 'errors:|states, stored|elapsed' pan.out | \
			sed 's/^/model N=$(1) K=$(2)$(if $(3), $(3)): /'; \
		grep -q 'errors: 0' pan.out && ! grep -q 'Search not completed' pan.out || \
		{ echo "model N=$(1) K=$(2) $(3): FAILED (see $(MODEL_DIR)/n$(1)k$(2)$(3)/pan.out)"; \
		  exit 1; }
endef

.PHONY: check-model check-model-full
check-model:
	$(call spin_check,3,2)
	$(call spin_check,3,2,OSI)

check-model-full:
	$(call spin_check,3,3)

CHECK_TARGETS += check-model
CHECK_FULL_TARGETS += check-model-full
