# SPDX-License-Identifier: BSD-2-Clause
#
# vpsci-run, the reference VMM (vmm/, docs/vpsci-run.md).
#
#   $(BUILD)/arm64/bin/vpsci-run   static aarch64 binary: cross-built on x86_64
#                                  against the arm64 sysroot, or native on arm64
#   make vpsci-run                 build it
#   make check-vmm                 boot tests inside the testbed (vmm/tests/)
#   make demo-vmm                  the guest lifecycle for a newcomer

VMM_SRCS := $(sort $(wildcard vmm/*.c))
VMM_HDRS := $(wildcard vmm/*.h include/vpsci/*.h)
VMM_BIN := $(BUILD)/arm64/bin/vpsci-run
VMM_CFLAGS := $(CSTD) $(WARN) $(OPT) -pthread

ifeq ($(HOST_ARCH),aarch64)
# Native: the host engine build is an arm64 build; libfdt from libfdt-dev.
VMM_CC := $(CC)
VMM_CPPFLAGS := $(ENGINE_CPPFLAGS) -Ivmm
VMM_OBJDIR := $(BUILD)/vmm/obj
VMM_LIBS := $(ENGINE_FDT_LIB) $(ENGINE_LIB)
VMM_LDLIBS := -lfdt
VMM_DEPS :=
VMM_CAN_BUILD := 1
else
VMM_CC := $(CROSS_CC)
VMM_CPPFLAGS := $(ENGINE_CPPFLAGS) -Ivmm $(ARM64_CPPFLAGS)
VMM_OBJDIR := $(BUILD)/arm64/vmm/obj
VMM_LIBS := $(ENGINE_FDT_LIB_ARM64) $(ENGINE_LIB_ARM64)
VMM_LDLIBS := $(ARM64_LIBFDT)
VMM_DEPS := $(ARM64_SYSROOT)/.stamp
VMM_CAN_BUILD := $(HAVE_CROSS)
endif

VMM_OBJS := $(VMM_SRCS:vmm/%.c=$(VMM_OBJDIR)/%.o)

.PHONY: vpsci-run vmm-objs check-vmm check-vmm-full demo-vmm
vpsci-run: $(VMM_BIN)
vmm-objs: $(VMM_OBJS)

ifeq ($(VMM_CAN_BUILD),1)
ALL_TARGETS += vpsci-run

$(VMM_OBJDIR)/%.o: vmm/%.c $(VMM_HDRS) | $(VMM_DEPS)
	@mkdir -p $(dir $@)
	$(VMM_CC) $(VMM_CPPFLAGS) $(VMM_CFLAGS) -c $< -o $@

$(VMM_BIN): $(VMM_OBJS) $(VMM_LIBS) $(VMM_DEPS)
	@mkdir -p $(dir $@)
	$(VMM_CC) -static -pthread -o $@ $(VMM_OBJS) $(VMM_LIBS) $(VMM_LDLIBS)
else
$(VMM_BIN) $(VMM_OBJS):
	$(NEED_CROSS)
endif

# Integration tests: vmm/tests/vmm-tests.sh runs inside one testbed boot and
# batches many vpsci-run invocations (see the script for what each checks).
VMM_TESTBED_RUN = BUILD=$(BUILD) testbed/run --add vmm/tests:vmm-tests

# make check: a representative subset on the default (6.12) host kernel.
# The conformance guest (mk/40-guest.mk) serves as the bare-metal image; the
# test SKIPs when it cannot be built.
check-vmm: $(VMM_BIN)
	-@$(MAKE) --no-print-directory guest >/dev/null 2>&1
	@$(VMM_TESTBED_RUN) --timeout 900 -- sh vmm-tests/vmm-tests.sh quick

# make check-full: every mode x 1/2/4 vCPUs, reboot, hotplug, input, on both
# host kernels (Linux 6.12 and 7.x).
check-vmm-full: $(VMM_BIN)
	-@$(MAKE) --no-print-directory guest >/dev/null 2>&1
	@set -e; for k in 6.12 7; do \
		$(VMM_TESTBED_RUN) --host-kernel $$k --timeout 2700 -- \
			sh vmm-tests/vmm-tests.sh full; done

# make demo: a Linux guest's PSCI lifecycle, then a summary of its events.
demo-vmm: $(VMM_BIN)
	@$(VMM_TESTBED_RUN) --timeout 600 -- sh vmm-tests/vmm-tests.sh demo

# make bench: boot-to-init times, every mode with 1, 2 and 4 vCPUs.
.PHONY: bench-vmm
bench-vmm: $(VMM_BIN)
	@$(VMM_TESTBED_RUN) --timeout 1800 -- sh vmm-tests/vmm-tests.sh boots | \
		sed -n 's/^bench \([^ ]*\) \([0-9.]*\) s$$/bench \1 \2 s/p'

CHECK_TARGETS += check-vmm
BENCH_TARGETS += bench-vmm
CHECK_FULL_TARGETS += check-vmm-full
DEMO_TARGET := demo-vmm
