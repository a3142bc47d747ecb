# SPDX-License-Identifier: BSD-2-Clause
# vpsci-run's command line, on the host: vmm/options.c and the util/ leaves
# it uses build without KVM headers (the layering keeps it so).
#
#   make check-options   --help against tests/options/help.txt, every option
#                        spelling, every refusal's status and message, every
#                        option documented in docs/vpsci-run.md
#
# Exit status: 0 all passed, 1 a check failed, 2 a build failed.

OPTIONS_TEST_SRCS := tests/options/test_options.c vmm/options.c vmm/config.c \
	vmm/util/names.c vmm/util/parse.c vmm/log.c
OPTIONS_TEST_BIN := $(BUILD)/test/bin/test_options

$(OPTIONS_TEST_BIN): $(OPTIONS_TEST_SRCS) $(wildcard vmm/*.h vmm/util/*.h) $(ENGINE_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CPPFLAGS) -Ivmm -std=gnu11 $(WARN) -O1 -g -o $@ $(OPTIONS_TEST_SRCS)

.PHONY: check-options
check-options: $(OPTIONS_TEST_BIN)
	$(OPTIONS_TEST_BIN) tests/options/help.txt docs/vpsci-run.md

CHECK_TARGETS += check-options
