# SPDX-License-Identifier: BSD-2-Clause
# aarch64 cross build of the engine, for the static programs of the testbed.
# Comes after mk/20-testbed.mk, which defines ARM64_SYSROOT / ARM64_CPPFLAGS.

ifeq ($(HAVE_CROSS),1)
engine: engine-arm64
endif
engine-arm64: $(ENGINE_LIB_ARM64) $(ENGINE_FDT_LIB_ARM64)

# Cross objects for the static arm64 programs.
$(BUILD)/arm64/obj/%.o: %.c $(ENGINE_HDRS)
	@mkdir -p $(dir $@)
	$(CROSS_CC) $(ENGINE_CPPFLAGS) $(ARM64_CPPFLAGS) $(ENGINE_CFLAGS) -c $< -o $@

$(ENGINE_LIB_ARM64): $(ENGINE_SRCS:%.c=$(BUILD)/arm64/obj/%.o)
	@mkdir -p $(dir $@)
	rm -f $@ && $(CROSS_COMPILE)ar rcs $@ $^

$(ENGINE_FDT_LIB_ARM64): $(ENGINE_FDT_SRCS:%.c=$(BUILD)/arm64/obj/%.o)
	@mkdir -p $(dir $@)
	rm -f $@ && $(CROSS_COMPILE)ar rcs $@ $^

# libfdt.h for the cross compiler comes from the arm64 sysroot.
ifneq ($(ARM64_SYSROOT),)
$(ENGINE_FDT_SRCS:%.c=$(BUILD)/arm64/obj/%.o): | $(ARM64_SYSROOT)/.stamp
endif
