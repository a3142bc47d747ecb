# SPDX-License-Identifier: BSD-2-Clause
# aarch64 cross build of the engine, for the static programs of the testbed.
# Comes after mk/20-testbed.mk, which defines ARM64_SYSROOT / ARM64_CPPFLAGS.

# On an arm64 host the native compiler builds these (TESTBED_CC).
ifeq ($(HOST_ARCH),aarch64)
ARM64_TOOL_PREFIX :=
else
ARM64_TOOL_PREFIX := $(CROSS_COMPILE)
endif
ARM64_AR := $(ARM64_TOOL_PREFIX)ar
ARM64_LD := $(ARM64_TOOL_PREFIX)ld
ARM64_OBJCOPY := $(ARM64_TOOL_PREFIX)objcopy
ARM64_NM := $(ARM64_TOOL_PREFIX)nm

ifeq ($(TESTBED_HAVE_CC),1)
engine: engine-arm64
endif
engine-arm64: $(ENGINE_LIB_ARM64) $(ENGINE_FDT_LIB_ARM64)

# Cross objects for the static arm64 programs.
$(BUILD)/arm64/obj/%.o: %.c $(ENGINE_HDRS)
	@mkdir -p $(dir $@)
	$(TESTBED_CC) $(ENGINE_CPPFLAGS) $(ARM64_CPPFLAGS) $(ENGINE_CFLAGS) -c $< -o $@

# Only vpsci_* global, as the host libraries (mk/10-engine.mk).
$(BUILD)/arm64/lib/vpsci.o: $(ENGINE_SRCS:%.c=$(BUILD)/arm64/obj/%.o)
	$(call engine_localise,$(ARM64_LD),$(ARM64_OBJCOPY))

$(BUILD)/arm64/lib/vpsci-fdt.o: $(ENGINE_FDT_SRCS:%.c=$(BUILD)/arm64/obj/%.o)
	$(call engine_localise,$(ARM64_LD),$(ARM64_OBJCOPY))

$(ENGINE_LIB_ARM64): $(BUILD)/arm64/lib/vpsci.o
	rm -f $@ && $(ARM64_AR) rcs $@ $^

$(ENGINE_FDT_LIB_ARM64): $(BUILD)/arm64/lib/vpsci-fdt.o
	rm -f $@ && $(ARM64_AR) rcs $@ $^

ifeq ($(TESTBED_HAVE_CC),1)
check-symbols: $(ENGINE_LIB_ARM64) $(ENGINE_FDT_LIB_ARM64)
CHECK_SYMBOLS_ARM64 = NM=$(ARM64_NM) $(CHECK_SYMBOLS) $(ENGINE_LIB_ARM64) && \
	NM=$(ARM64_NM) $(CHECK_SYMBOLS) $(ENGINE_FDT_LIB_ARM64)
endif

# libfdt.h for the cross compiler comes from the arm64 sysroot.
ifneq ($(ARM64_SYSROOT),)
$(ENGINE_FDT_SRCS:%.c=$(BUILD)/arm64/obj/%.o): | $(ARM64_SYSROOT)/.stamp
endif
