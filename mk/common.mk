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
