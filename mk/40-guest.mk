# SPDX-License-Identifier: BSD-2-Clause
#
# The guest-side conformance suite: a bare-metal aarch64 image (Linux Image
# format) built with Debian's cross compiler and linked against Debian's
# arm64 libfdt.a from the testbed sysroot (mk/20-testbed.mk). Sources:
#   guest/runtime/   boot (start.S, vectors.S, smccc.S), MMU, GIC, UART, libc
#                    subset, DT, TAP, CPU and PSCI call helpers (gt.h)
#   guest/tests/     the conformance tests, one file per function (list.c: order)
#   guest/programs/  the other selectors: storm, snapshot, bench
#   guest/main.c     boot CPU main: selector dispatch
#
#   make guest          build/guest/psci-guest.Image (+ copy in build/arm64/guest/)
#   make check-guest    the full test selector under QEMU's PSCI (TCG, HVC), short
#   make conformance    every implementation, then docs/conformance.md
#   make bench-guest    benchmarks, then docs/performance.md (part of `make bench`)

GUEST_BUILD := $(BUILD)/guest
GUEST_IMAGE := $(GUEST_BUILD)/psci-guest.Image
GUEST_ELF := $(GUEST_BUILD)/psci-guest.elf
GUEST_TESTBED_COPY := $(BUILD)/arm64/guest/psci-guest.Image

GUEST_C := $(sort $(wildcard guest/*.c guest/*/*.c))
GUEST_S := $(sort $(wildcard guest/*/*.S))
GUEST_OBJS := $(patsubst guest/%,$(GUEST_BUILD)/obj/%.o,$(GUEST_C) $(GUEST_S))
GUEST_INC := -Iinclude -Iguest -Iguest/runtime

# Freestanding, position independent (the image relocates itself), no FP in
# our code (-mgeneral-regs-only), strict alignment for the code that runs
# with the MMU off, no outline atomics (no libgcc helpers at boot).
GUEST_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -fpie -fno-plt \
	-fno-stack-protector -fno-tree-loop-distribute-patterns -mgeneral-regs-only \
	-mstrict-align -mno-outline-atomics -U_FORTIFY_SOURCE -nostdinc \
	-isystem guest/runtime/include \
	-isystem $(shell $(CROSS_CC) -print-file-name=include 2>/dev/null) \
	$(WARN) -Wno-format-nonliteral $(GUEST_INC) \
	-isystem $(ARM64_SYSROOT)/usr/include
GUEST_LDFLAGS := -nostdlib -static-pie -Wl,--no-dynamic-linker -Wl,-z,norelro \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -Wl,--build-id=none -Wl,-T,guest/guest.ld

.PHONY: guest check-guest check-guest-full conformance bench-guest

ifeq ($(HAVE_CROSS),1)
ALL_TARGETS += guest
guest: $(GUEST_TESTBED_COPY)

# Header dependencies are generated (-MMD -MP: .d files next to the objects);
# an object without its .d (built before -MMD, or the .d lost) is rebuilt.
$(GUEST_BUILD)/obj/%.d: ;
.PRECIOUS: $(GUEST_BUILD)/obj/%.d
$(GUEST_BUILD)/obj/%.c.o: guest/%.c $(GUEST_BUILD)/obj/%.c.d | $(ARM64_SYSROOT)/.stamp
	@mkdir -p $(dir $@)
	$(CROSS_CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(GUEST_BUILD)/obj/%.S.o: guest/%.S $(GUEST_BUILD)/obj/%.S.d
	@mkdir -p $(dir $@)
	$(CROSS_CC) $(GUEST_INC) -MMD -MP -c $< -o $@

-include $(GUEST_OBJS:.o=.d)

# Any dynamic relocation other than R_AARCH64_RELATIVE would be silently
# skipped by start.S: refuse to build such an image.
$(GUEST_ELF): $(GUEST_OBJS) guest/guest.ld $(ARM64_SYSROOT)/.stamp
	$(CROSS_CC) $(GUEST_LDFLAGS) -o $@ $(GUEST_OBJS) $(ARM64_LIBFDT) -lgcc
	@if $(CROSS_COMPILE)readelf -rW $@ | grep -E '^[0-9a-f]+ +[0-9a-f]+ R_' | \
		grep -v R_AARCH64_RELATIVE; then \
		echo "guest: error: unexpected dynamic relocations in $@" >&2; rm -f $@; exit 1; fi

$(GUEST_IMAGE): $(GUEST_ELF) guest/set-image-size
	$(CROSS_COMPILE)objcopy -O binary $< $@.tmp
	guest/set-image-size $@.tmp $$($(CROSS_COMPILE)nm $< | awk '$$3 == "gt_image_end" {print $$1}')
	mv $@.tmp $@

$(GUEST_TESTBED_COPY): $(GUEST_IMAGE)
	@mkdir -p $(dir $@)
	cp $< $@
else
guest:
	$(NEED_CROSS)
endif

CHECK_TARGETS += check-guest
CHECK_FULL_TARGETS += check-guest-full
BENCH_TARGETS += bench-guest


# make check: QEMU's PSCI over HVC (seconds) and vpsci-run user mode on the
# 6.12 testbed kernel; any vpsci failure or unexplained QEMU failure fails.
check-guest: guest $(VMM_BIN)
	BUILD=$(BUILD) scripts/conformance-check qemu-hvc vpsci-6.12

# make check-full: vpsci-run user mode on both testbed kernels.
check-guest-full: guest $(VMM_BIN)
	BUILD=$(BUILD) scripts/conformance-check --out $(BUILD)/check-guest-full vpsci-6.12 vpsci-7

# Every implementation, then docs/conformance.md.
conformance: guest $(VMM_BIN)
	BUILD=$(BUILD) scripts/conformance-run qemu-hvc qemu-smc vpsci-6.12 vpsci-7
	BUILD=$(BUILD) scripts/conformance-report

# Benchmarks of every implementation, then docs/performance.md with its plot.
bench-guest: guest $(VMM_BIN)
	BUILD=$(BUILD) scripts/conformance-run --bench --out $(BUILD)/bench-guest \
		qemu-hvc qemu-smc vpsci-6.12 vpsci-7
	BUILD=$(BUILD) scripts/performance-report --in $(BUILD)/bench-guest
