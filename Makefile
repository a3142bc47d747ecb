# SPDX-License-Identifier: BSD-2-Clause
#
# vpsci: one entry point for every build, test and demo.
#
#   make            build the engine (host), its tests and, when the aarch64
#                   cross compiler is present, the arm64 programs
#   make setup      install missing host packages from Debian (needs root)
#   make check      everything CI runs (< 30 minutes on 2 cores)
#   make check-full the exhaustive matrices (both host kernels x modes x vCPUs)
#   make demo       vpsci-run booting a guest through its PSCI lifecycle
#   make coverage   engine line coverage (gcovr summary)
#   make bench      benchmarks, one "bench <name> <value> <unit>" per line
#
# Each part of the tree adds its targets from a fragment in mk/:
#   ALL_TARGETS, CHECK_TARGETS, CHECK_FULL_TARGETS, BENCH_TARGETS, DEMO_TARGET.

.DEFAULT_GOAL := all
BUILD ?= build

ALL_TARGETS :=
CHECK_TARGETS :=
CHECK_FULL_TARGETS :=
BENCH_TARGETS :=
DEMO_TARGET :=

include mk/common.mk
include $(sort $(wildcard mk/[0-9]*.mk))

.PHONY: all setup check check-full demo bench clean help
all: $(ALL_TARGETS)

setup:
	@scripts/setup-host

# Targets run in the order the fragments list them; a failing one stops the run.
check: setup
	@set -e; for t in $(CHECK_TARGETS); do \
		echo "==> make $$t"; $(MAKE) --no-print-directory $$t; done
	@echo "==> make check: all passed"

check-full: setup
	@set -e; for t in $(CHECK_TARGETS) $(CHECK_FULL_TARGETS); do \
		echo "==> make $$t"; $(MAKE) --no-print-directory $$t; done
	@echo "==> make check-full: all passed"

demo: setup
	@$(MAKE) --no-print-directory $(or $(DEMO_TARGET),demo-engine)

bench: setup
	@set -e; for t in $(BENCH_TARGETS); do $(MAKE) --no-print-directory $$t; done

clean:
	rm -rf $(BUILD)

help:
	@sed -n '3,16p' Makefile
