// SPDX-License-Identifier: BSD-2-Clause
/*
 * Number parsing (util/parse.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "parse.h"

bool vmm_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	/* strtoull skips leading space and accepts a sign: refuse both. */
	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool vmm_parse_u64_range(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (!vmm_parse_u64(s, &v) || v < min || v > max)
		return false;
	*out = v;
	return true;
}
