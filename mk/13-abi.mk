# SPDX-License-Identifier: BSD-2-Clause
# The library's ABI (the rule: include/vpsci/vpsci.h, docs/design.md "ABI").
#
#   make check-abi-compat   a program built against an older header
#                           (tests/abi/include-first) runs against the current libvpsci.so
#
# Exit status: 0 passed; 1 a check failed; 2 a tool is missing.

ABI_OLD_CALLER := $(BUILD)/abi/old-caller

$(ABI_OLD_CALLER): tests/abi/old-caller.c $(wildcard tests/abi/include-first/vpsci/*.h) \
		$(ENGINE_SO)
	@mkdir -p $(dir $@)
	$(CC) -Itests/abi/include-first $(ENGINE_CPPFLAGS) $(CSTD) $(WARN) -O2 -g $< -L$(BUILD)/lib -lvpsci -o $@

.PHONY: check-abi-compat
check-abi-compat: $(ABI_OLD_CALLER)
	LD_LIBRARY_PATH=$(BUILD)/lib $(ABI_OLD_CALLER)

CHECK_TARGETS += check-abi-compat
