# SPDX-License-Identifier: BSD-2-Clause
# Host tests of the engine (cmocka), through its public API only.
#
#   make check-unit    all tests, normal build             ($(BUILD)/test)
#   make check-asan    all tests, ASan + UBSan             ($(BUILD)/asan)
#   make check-tsan    concurrency tests under TSan        ($(BUILD)/tsan)
#   make coverage      all tests, engine line coverage     ($(BUILD)/cov), gcovr summary,
#                      fails below $(COVERAGE_MIN)% of lines
#   make demo-engine   a simulated 4-vCPU VM on threads, printing each PSCI call
#
# Each variant compiles the engine sources itself into its own directory.
# Exit status: 0 all passed; non-zero when a build, a test or the coverage floor failed
# (a test binary killed by its time limit exits 124).

TEST_NAMES := $(sort $(notdir $(basename $(wildcard tests/unit/test_*.c))))
TEST_TSAN_NAMES := $(filter test_concurrency%,$(TEST_NAMES))
TEST_COMMON_SRCS := tests/unit/helpers.c
TEST_HDRS := $(wildcard tests/unit/*.h) $(ENGINE_HDRS)
TEST_LIBS := -lcmocka -lfdt -pthread
TEST_TIMEOUT ?= 300
COVERAGE_MIN ?= 95

# Engine flags without the default optimisation: each variant picks its own.
TEST_BASE_CFLAGS := $(filter-out $(OPT),$(ENGINE_CFLAGS)) -pthread
TEST_CPPFLAGS := $(ENGINE_CPPFLAGS) -Itests/unit

SAN_ASAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_TSAN := -fsanitize=thread

# variant -> extra compile flags (engine and tests), link flags
VARIANT_CFLAGS_test := -O2 -g
VARIANT_CFLAGS_asan := -O1 -g $(SAN_ASAN)
VARIANT_CFLAGS_tsan := -O1 -g $(SAN_TSAN)
VARIANT_CFLAGS_cov := -O0 -g
VARIANT_LIB_CFLAGS_cov := --coverage
VARIANT_LDFLAGS_asan := $(SAN_ASAN)
VARIANT_LDFLAGS_tsan := $(SAN_TSAN)
VARIANT_LDFLAGS_cov := --coverage

# The tools the tests need; without them the targets explain what is missing.
HAVE_CMOCKA := $(shell test -f /usr/include/cmocka.h && echo 1)
HAVE_LIBFDT := $(shell test -f /usr/include/libfdt.h && echo 1)
HAVE_GCOVR := $(shell command -v gcovr >/dev/null 2>&1 && echo 1)
TEST_READY := $(and $(HAVE_CMOCKA),$(HAVE_LIBFDT),$(ENGINE_SRCS))

# $(1) = variant name. Objects under $(BUILD)/$(1)/obj, programs under $(BUILD)/$(1)/bin.
define test_variant
$(BUILD)/$(1)/obj/lib/%.o: lib/%.c $(ENGINE_HDRS)
	@mkdir -p $$(dir $$@)
	$(CC) $(ENGINE_CPPFLAGS) $(TEST_BASE_CFLAGS) $(VARIANT_CFLAGS_$(1)) \
		$(VARIANT_LIB_CFLAGS_$(1)) -c $$< -o $$@

$(BUILD)/$(1)/obj/tests/%.o: tests/%.c $(TEST_HDRS)
	@mkdir -p $$(dir $$@)
	$(CC) $(TEST_CPPFLAGS) $(TEST_BASE_CFLAGS) $(VARIANT_CFLAGS_$(1)) -c $$< -o $$@

TEST_ENGINE_OBJS_$(1) := $(patsubst %.c,$(BUILD)/$(1)/obj/%.o,$(ENGINE_SRCS) $(ENGINE_FDT_SRCS))
TEST_COMMON_OBJS_$(1) := $(patsubst %.c,$(BUILD)/$(1)/obj/%.o,$(TEST_COMMON_SRCS))

$(BUILD)/$(1)/bin/%: $(BUILD)/$(1)/obj/tests/unit/%.o $$(TEST_COMMON_OBJS_$(1)) \
		$$(TEST_ENGINE_OBJS_$(1))
	@mkdir -p $$(dir $$@)
	$(CC) $(VARIANT_LDFLAGS_$(1)) -o $$@ $$^ $(TEST_LIBS)
endef
$(foreach v,test asan tsan cov,$(eval $(call test_variant,$(v))))
# Keep the objects make would otherwise delete as intermediates.
.PRECIOUS: $(foreach v,test asan tsan cov,$(BUILD)/$(v)/obj/tests/%.o $(BUILD)/$(v)/obj/lib/%.o)

# Run the test programs $(2) of variant $(1), each under a time limit; stop at the first failure.
define run_tests
	@set -e; for t in $(2); do \
		echo "--- $(1): $$t"; \
		timeout $(TEST_TIMEOUT) $(BUILD)/$(1)/bin/$$t; \
	done
endef

.PHONY: tests check-unit check-asan check-tsan coverage demo-engine test-prereqs
test-prereqs:
ifeq ($(HAVE_CMOCKA),)
	@echo "tests: cmocka is missing (/usr/include/cmocka.h): run 'make setup'" >&2; exit 2
endif
ifeq ($(HAVE_LIBFDT),)
	@echo "tests: libfdt is missing (/usr/include/libfdt.h): run 'make setup'" >&2; exit 2
endif
ifeq ($(ENGINE_SRCS),)
	@echo "tests: no engine sources in lib/ yet" >&2; exit 2
endif
	@true

ifneq ($(TEST_READY),)
ALL_TARGETS += tests
endif
# All four run in about a minute on 2 cores.
CHECK_TARGETS += check-unit check-asan check-tsan coverage
tests: test-prereqs $(addprefix $(BUILD)/test/bin/,$(TEST_NAMES)) \
	$(if $(wildcard tests/demo-engine.c),$(BUILD)/test/bin/demo-engine)

check-unit: test-prereqs $(addprefix $(BUILD)/test/bin/,$(TEST_NAMES))
	$(call run_tests,test,$(TEST_NAMES))

# ASan reports leaks too; UBSan aborts on the first finding (-fno-sanitize-recover=all).
check-asan: test-prereqs $(addprefix $(BUILD)/asan/bin/,$(TEST_NAMES))
	$(call run_tests,asan,$(TEST_NAMES))

check-tsan: test-prereqs $(addprefix $(BUILD)/tsan/bin/,$(TEST_TSAN_NAMES))
	$(call run_tests,tsan,$(TEST_TSAN_NAMES))

# Counters start from zero on every run; gcovr reads only this variant's data.
coverage: test-prereqs $(addprefix $(BUILD)/cov/bin/,$(TEST_NAMES))
ifeq ($(HAVE_GCOVR),)
	@echo "coverage: gcovr is missing: run 'make setup'" >&2; exit 2
endif
	@find $(BUILD)/cov -name '*.gcda' -delete
	$(call run_tests,cov,$(TEST_NAMES))
	gcovr -r . --filter lib/ --fail-under-line $(COVERAGE_MIN) $(BUILD)/cov

# The demo is a plain program (no cmocka) on the normal test build of the engine.
$(BUILD)/test/bin/demo-engine: $(BUILD)/test/obj/tests/demo-engine.o $(TEST_ENGINE_OBJS_test)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ -lfdt -pthread

demo-engine: test-prereqs $(BUILD)/test/bin/demo-engine
	timeout 60 $(BUILD)/test/bin/demo-engine

# The Makefile defines DEMO_TARGET empty, so '?=' would not take: set it only when unset.
ifeq ($(DEMO_TARGET),)
DEMO_TARGET := demo-engine
endif
