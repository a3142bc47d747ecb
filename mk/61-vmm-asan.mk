# SPDX-License-Identifier: BSD-2-Clause
#
# vpsci-run and libvpsci under AddressSanitizer + UndefinedBehaviorSanitizer,
# run in the testbed (issue 8, item 4). ASan needs a dynamic executable, so
# this build links against the cross toolchain's arm64 glibc and sanitizer
# runtimes (libc6-arm64-cross, libasan8-arm64-cross, libubsan1-arm64-cross),
# which are shipped into the testbed next to the binary; the binary's
# interpreter and rpath (DT_RPATH, so it also serves the runtimes' own
# needs) point there. It is kept out of $(BUILD)/arm64/bin so that other
# testbed runs never pick it up.
#
#   make vpsci-run-asan    $(BUILD)/arm64-asan/vpsci-run-asan + its runtime
#   make check-vmm-asan    the storm (8 vCPUs, 10 s) and the whole conformance
#                          selector (4 vCPUs) under the sanitizers; fails on
#                          any sanitizer report (scripts/asan-testbed)

ASAN_DIR := $(BUILD)/arm64-asan
ASAN_BIN := $(ASAN_DIR)/vpsci-run-asan
ASAN_TB := /testbed/asan
ASAN_RT_SRC := /usr/aarch64-linux-gnu/lib
ASAN_RT := ld-linux-aarch64.so.1 libc.so.6 libm.so.6 libgcc_s.so.1 libstdc++.so.6 \
	libasan.so.8 libubsan.so.1
ASAN_CFLAGS := $(CSTD) $(WARN) -MMD -MP -O1 -g -pthread -fsanitize=address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined
ASAN_SRCS := $(VMM_SRCS) $(ENGINE_SRCS) $(ENGINE_FDT_SRCS)
ASAN_OBJS := $(ASAN_SRCS:%.c=$(ASAN_DIR)/obj/%.o)
-include $(ASAN_OBJS:.o=.d)

.PHONY: vpsci-run-asan check-vmm-asan

ifeq ($(HAVE_CROSS)$(HOST_ARCH),1x86_64)
vpsci-run-asan: $(ASAN_BIN) $(ASAN_DIR)/lib/.stamp

$(ASAN_DIR)/obj/%.d: ;
.PRECIOUS: $(ASAN_DIR)/obj/%.d
$(ASAN_DIR)/obj/%.o: %.c $(ASAN_DIR)/obj/%.d $(ENGINE_HDRS) | $(ARM64_SYSROOT)/.stamp
	@mkdir -p $(dir $@)
	$(CROSS_CC) $(ENGINE_CPPFLAGS) -Ivmm $(ARM64_CPPFLAGS) $(ASAN_CFLAGS) -c $< -o $@

$(ASAN_BIN): $(ASAN_OBJS) $(ARM64_SYSROOT)/.stamp
	$(CROSS_CC) $(ASAN_CFLAGS) -o $@ $(ASAN_OBJS) $(ARM64_LIBFDT) \
		-Wl,--dynamic-linker=$(ASAN_TB)/lib/ld-linux-aarch64.so.1 \
		-Wl,--disable-new-dtags -Wl,-rpath,$(ASAN_TB)/lib

$(ASAN_DIR)/lib/.stamp:
	@mkdir -p $(dir $@)
	@for f in $(ASAN_RT); do \
		test -e $(ASAN_RT_SRC)/$$f || { echo "vpsci-run-asan: error: missing" \
			"$(ASAN_RT_SRC)/$$f (Debian packages libasan8-arm64-cross," \
			"libubsan1-arm64-cross, libc6-arm64-cross; run 'make setup')" >&2; \
			exit 120; }; \
		cp -L $(ASAN_RT_SRC)/$$f $(dir $@); done
	@touch $@

check-vmm-asan: vpsci-run-asan guest
	@BUILD=$(BUILD) testbed/run --host-kernel 6.12 --timeout 900 \
		--add $(ASAN_BIN):asan/ --add $(ASAN_DIR)/lib:asan/lib \
		--add scripts/asan-testbed:storm/ --add scripts/storm-testbed:storm/ \
		$(CHECK_EVENTS_ADD) -- sh storm/asan-testbed $(ASAN_TB)/vpsci-run-asan
else
vpsci-run-asan check-vmm-asan:
	@echo "$@: error: needs an x86_64 host with $(CROSS_CC) (run 'make setup')" >&2; exit 3
endif

# About 2 minutes (one testbed boot): part of make check.
ifeq ($(HAVE_CROSS)$(HOST_ARCH),1x86_64)
CHECK_TARGETS += check-vmm-asan
endif
