# SPDX-License-Identifier: BSD-2-Clause
# Host tests of vpsci-run's file codecs (tests/vmm/, cmocka): the machine
# record's contradiction table, the hibernate description, the whole-VM
# snapshot validator; and of the device registry and MMIO bus (vmm/bus.c).
# The codecs are KVM-free, so they build for the host (x86_64) here exactly
# as they do for arm64 inside vpsci-run; the tests run under ASan + UBSan.
#
#   make check-vmm-codecs    build and run every tests/vmm/test_*.c

# The codecs (also the fuzzers' sources, mk/50-fuzz.mk), then what the tests add.
VMM_CODEC_SRCS := vmm/machine.c vmm/util/crc32.c vmm/util/buf.c vmm/util/names.c \
	vmm/util/parse.c vmm/state/desc.c vmm/state/snapfile.c
VMM_HOST_TEST_SRCS := $(VMM_CODEC_SRCS) vmm/bus.c vmm/log.c
VMM_CODEC_TEST_NAMES := $(sort $(notdir $(basename $(wildcard tests/vmm/test_*.c))))
VMM_CODEC_DIR := $(BUILD)/vmm-codecs
VMM_CODEC_CPPFLAGS := $(ENGINE_CPPFLAGS) -Ivmm -Itests/vmm
VMM_CODEC_CFLAGS := $(CSTD) $(WARN) -O1 -g -pthread -MMD -MP \
	-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
VMM_CODEC_OBJS := $(patsubst %.c,$(VMM_CODEC_DIR)/obj/%.o,$(VMM_HOST_TEST_SRCS) tests/vmm/fixture.c)

$(VMM_CODEC_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(VMM_CODEC_CPPFLAGS) $(VMM_CODEC_CFLAGS) -c $< -o $@

$(VMM_CODEC_DIR)/bin/%: $(VMM_CODEC_DIR)/obj/tests/vmm/%.o $(VMM_CODEC_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(VMM_CODEC_CFLAGS) -o $@ $^ -lcmocka -lfdt

-include $(wildcard $(VMM_CODEC_DIR)/obj/*/*.d $(VMM_CODEC_DIR)/obj/*/*/*.d)
.PRECIOUS: $(VMM_CODEC_DIR)/obj/%.o

.PHONY: check-vmm-codecs
check-vmm-codecs: test-prereqs $(addprefix $(VMM_CODEC_DIR)/bin/,$(VMM_CODEC_TEST_NAMES))
	@set -e; for t in $(VMM_CODEC_TEST_NAMES); do \
		echo "--- vmm-codecs: $$t"; \
		timeout $(TEST_TIMEOUT) $(VMM_CODEC_DIR)/bin/$$t; \
	done

CHECK_TARGETS += check-vmm-codecs
