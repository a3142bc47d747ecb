# SPDX-License-Identifier: BSD-2-Clause
# Flags shared by every host build. Sanitizer and coverage variants build
# into their own directories under $(BUILD) so they never mix objects.

CC ?= cc
CROSS_COMPILE ?= aarch64-linux-gnu-
CROSS_CC := $(CROSS_COMPILE)gcc

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wundef -Wvla
CSTD := -std=c11 -D_DEFAULT_SOURCE
OPT ?= -O2 -g

# True when the aarch64 cross compiler is installed.
HAVE_CROSS := $(shell command -v $(CROSS_CC) >/dev/null 2>&1 && echo 1)
# True on an arm64 host (vpsci-run then builds and runs natively).
HOST_ARCH := $(shell uname -m)

# Targets that cannot run on this machine stop with one message and a
# documented exit status, the numbers testbed/run uses (testbed/lib.sh,
# docs/testbed.md "Exit statuses"):
#   120  a tool is missing; the message names it and its Debian package
#        ('make setup' installs it)
# (make reports it as "Error 120" and itself exits 2.)
# What needs the aarch64 cross compiler is built under "ifeq ($(HAVE_CROSS),1)"
# (or $(VMM_CAN_BUILD), $(TESTBED_HAVE_CC)), and otherwise gets the recipe
# $(NEED_CROSS): the guest image (mk/40-guest.mk), vpsci-run (mk/30-vmm.mk),
# kvm-smoke and tcg-hello (mk/20-testbed.mk). A test target that needs them
# depends on them and needs no guard of its own. Test targets join
# CHECK_TARGETS either way: 'make check' computes that list before 'make
# setup' has installed anything, and a test that cannot run must fail, not
# vanish.
MK_E_TOOL := 120
# $(call missing_tool,TOOL,DEBIAN-PACKAGE): a recipe that says so and fails.
missing_tool = @echo "$@: error: missing tool '$(1)' (Debian package $(2); run 'make setup')" >&2; \
	exit $(MK_E_TOOL)
NEED_CROSS = $(call missing_tool,$(CROSS_CC),gcc-aarch64-linux-gnu)
