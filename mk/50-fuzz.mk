# SPDX-License-Identifier: BSD-2-Clause
# libFuzzer harnesses for the engine and vpsci-run's file codecs (clang from Debian).
#
#   make fuzz [FUZZ_SECONDS=60]   run each harness for FUZZ_SECONDS, growing
#                                 $(BUILD)/fuzz/corpus/* from the seeds
#   make check-fuzz               replay the committed corpus, then a short run
#   make fuzz-seeds               regenerate fuzz/corpus/ (valid snapshots, call sequences,
#                                 hibernate descriptions, VM snapshot files)

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 15
FUZZ_HARNESSES := calls snapshot desc vmsnap
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	$(CSTD) $(WARN) -Wno-missing-prototypes
FUZZ_BIN := $(FUZZ_HARNESSES:%=$(BUILD)/fuzz/fuzz_%)

$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c $(ENGINE_SRCS) $(ENGINE_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(ENGINE_CPPFLAGS) $(FUZZ_FLAGS) $< $(ENGINE_SRCS) -o $@

# vpsci-run's codecs (mk/13-vmm-codec-tests.mk): KVM-free, built for the host.
$(BUILD)/fuzz/fuzz_desc $(BUILD)/fuzz/fuzz_vmsnap: $(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c \
		$(VMM_CODEC_SRCS) $(wildcard vmm/*.h vmm/state/*.h vmm/util/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(ENGINE_CPPFLAGS) -Ivmm $(FUZZ_FLAGS) $< $(VMM_CODEC_SRCS) -o $@

$(BUILD)/fuzz/mkseeds_vmm: fuzz/mkseeds_vmm.c tests/vmm/fixture.c $(VMM_CODEC_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CPPFLAGS) -Ivmm -Itests/vmm $(CSTD) $(WARN) -pthread $^ -o $@

$(BUILD)/fuzz/mkseeds: fuzz/mkseeds.c $(ENGINE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CPPFLAGS) $(CSTD) $(WARN) $< $(ENGINE_LIB) -o $@

.PHONY: fuzz check-fuzz fuzz-seeds
fuzz-seeds: $(BUILD)/fuzz/mkseeds $(BUILD)/fuzz/mkseeds_vmm
	@mkdir -p $(FUZZ_HARNESSES:%=fuzz/corpus/%)
	$(BUILD)/fuzz/mkseeds fuzz/corpus
	$(BUILD)/fuzz/mkseeds_vmm fuzz/corpus

# libFuzzer prints its "#N ..." execution counts; the last line of each run
# says how many inputs it executed.
fuzz: $(FUZZ_BIN)
	@set -e; for h in $(FUZZ_HARNESSES); do \
		mkdir -p $(BUILD)/fuzz/corpus/$$h; \
		echo "==> fuzz_$$h for $(FUZZ_SECONDS) s"; \
		$(BUILD)/fuzz/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			$(BUILD)/fuzz/corpus/$$h fuzz/corpus/$$h; done

# A failing run (a crash, a leak, a sanitizer report) fails the target: its
# exit status is kept, and its last 30 lines are shown.
FUZZ_RUN = out=$$($(1) 2>&1) || { echo "$$out" | tail -30; \
	echo "check-fuzz: fuzz_$$h failed" >&2; exit 1; }; echo "$$out" | tail -1

check-fuzz: $(FUZZ_BIN)
	@set -e; for h in $(FUZZ_HARNESSES); do \
		echo "==> fuzz_$$h: replay fuzz/corpus/$$h"; \
		$(call FUZZ_RUN,$(BUILD)/fuzz/fuzz_$$h -runs=0 fuzz/corpus/$$h); \
		echo "==> fuzz_$$h: $(FUZZ_CHECK_SECONDS) s run"; \
		d=$$(mktemp -d); cp fuzz/corpus/$$h/* $$d/; \
		$(call FUZZ_RUN,$(BUILD)/fuzz/fuzz_$$h -max_total_time=$(FUZZ_CHECK_SECONDS) $$d); \
		rm -rf $$d; done

CHECK_TARGETS += check-fuzz
