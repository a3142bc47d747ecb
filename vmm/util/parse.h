/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Number parsing for options and files (a leaf: depends on nothing of the
 * VMM). Untrusted text is refused whole: no sign, no trailing characters,
 * no overflow.
 */
#ifndef VMM_UTIL_PARSE_H
#define VMM_UTIL_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * An unsigned 64-bit number in C notation: decimal, 0x hexadecimal or
 * 0 octal (strtoull base 0). Returns true and sets *out, or false for NULL,
 * "", a sign, trailing characters or overflow.
 */
bool vmm_parse_u64(const char *s, uint64_t *out);
/* The same, and min <= value <= max. */
bool vmm_parse_u64_range(const char *s, uint64_t min, uint64_t max, uint64_t *out);

#endif /* VMM_UTIL_PARSE_H */
