/* SPDX-License-Identifier: BSD-2-Clause */
/* Freestanding <stdlib.h> for libfdt's headers: implemented in guest/libc.c. */
#ifndef GT_STDLIB_H
#define GT_STDLIB_H
#include <stddef.h>
unsigned long strtoul(const char *s, char **end, int base);
#endif
