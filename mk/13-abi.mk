# SPDX-License-Identifier: BSD-2-Clause
# The library's ABI (the rule: include/vpsci/vpsci.h, docs/design.md "The ABI rule").
#
#   make check-abi          abidiff of libvpsci.so and libvpsci-fdt.so against the committed
#                           baselines abi/*.abi, judged by the rule (scripts/check-abi), and
#                           check-abi-compat
#   make check-abi-compat   a program built against an older header
#                           (tests/abi/include-first) runs against the current libvpsci.so
#   make abi-baseline       regenerate abi/*.abi from this build: at a release, or when a
#                           change of the soname made the old baseline moot
#
# The dumps cover the public headers only (--headers-dir include/vpsci,
# --drop-private-types), without build paths, so a baseline does not depend
# on where the tree was built. They describe the host architecture: the
# baseline is an x86_64 dump, and check-abi compares like with like only there.
# Exit status: 0 passed; 1 a check failed; 2 a tool is missing.

ABI_OLD_CALLER := $(BUILD)/abi/old-caller
ABIDW_FLAGS := --headers-dir include/vpsci --drop-private-types --no-corpus-path \
	--no-comp-dir-path
ABI_LIBS := libvpsci libvpsci-fdt
HAVE_ABIGAIL := $(shell command -v abidiff >/dev/null 2>&1 && echo 1)

$(ABI_OLD_CALLER): tests/abi/old-caller.c $(wildcard tests/abi/include-first/vpsci/*.h) \
		$(ENGINE_SO)
	@mkdir -p $(dir $@)
	$(CC) -Itests/abi/include-first $(ENGINE_CPPFLAGS) $(CSTD) $(WARN) -O2 -g $< \
		-L$(BUILD)/lib -lvpsci -o $@

$(BUILD)/abi/%.abi: $(BUILD)/lib/%.so.$(VPSCI_VERSION_STRING)
	@mkdir -p $(dir $@)
	abidw $(ABIDW_FLAGS) $< > $@

.PHONY: check-abi check-abi-compat abi-baseline abi-prereqs
abi-prereqs:
ifeq ($(HAVE_ABIGAIL),)
	@echo "check-abi: abidiff is missing (Debian package abigail-tools): run 'make setup'" >&2
	@exit 2
endif
	@true

check-abi-compat: $(ABI_OLD_CALLER)
	LD_LIBRARY_PATH=$(BUILD)/lib $(ABI_OLD_CALLER)

check-abi: abi-prereqs $(ABI_LIBS:%=$(BUILD)/abi/%.abi) $(ABI_OLD_CALLER)
	@set -e; for l in $(ABI_LIBS); do scripts/check-abi abi/$$l.abi $(BUILD)/abi/$$l.abi; done
	LD_LIBRARY_PATH=$(BUILD)/lib $(ABI_OLD_CALLER)

abi-baseline: abi-prereqs $(ABI_LIBS:%=$(BUILD)/abi/%.abi)
	@mkdir -p abi
	for l in $(ABI_LIBS); do cp $(BUILD)/abi/$$l.abi abi/$$l.abi; done
	@echo "abi-baseline: abi/*.abi regenerated from this build: review and commit them"

CHECK_TARGETS += check-abi
