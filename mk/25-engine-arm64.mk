# SPDX-License-Identifier: BSD-2-Clause
# aarch64 cross build of the engine, for the static programs of the testbed.
# Comes after mk/20-testbed.mk, which defines ARM64_SYSROOT / ARM64_CPPFLAGS.

# On an arm64 host the native compiler builds these (TESTBED_CC).
ifeq ($(HOST_ARCH),aarch64)
ARM64_AR := ar
else
ARM64_AR := $(CROSS_COMPILE)ar
endif

ifeq ($(TESTBED_HAVE_CC),1)
engine: engine-arm64
endif
engine-arm64: $(ENGINE_LIB_ARM64) $(ENGINE_FDT_LIB_ARM64)

# Cross objects for the static arm64 programs.
$(BUILD)/arm64/obj/%.o: %.c $(ENGINE_HDRS)
	@mkdir -p $(dir $@)
	$(TESTBED_CC) $(ENGINE_CPPFLAGS) $(ARM64_CPPFLAGS) $(ENGINE_CFLAGS) -c $< -o $@

$(ENGINE_LIB_ARM64): $(ENGINE_SRCS:%.c=$(BUILD)/arm64/obj/%.o)
	@mkdir -p $(dir $@)
	rm -f $@ && $(ARM64_AR) rcs $@ $^

$(ENGINE_FDT_LIB_ARM64): $(ENGINE_FDT_SRCS:%.c=$(BUILD)/arm64/obj/%.o)
	@mkdir -p $(dir $@)
	rm -f $@ && $(ARM64_AR) rcs $@ $^

# libfdt.h for the cross compiler comes from the arm64 sysroot.
ifneq ($(ARM64_SYSROOT),)
$(ENGINE_FDT_SRCS:%.c=$(BUILD)/arm64/obj/%.o): | $(ARM64_SYSROOT)/.stamp
endif
