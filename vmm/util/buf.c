// SPDX-License-Identifier: BSD-2-Clause
/*
 * Growable byte buffer (util/buf.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* Room for 'more' bytes after len, plus a NUL. Returns 0 or -ENOMEM. */
static int buf_reserve(struct vmm_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 4096;
	uint8_t *p;

	if (b->failed)
		return -ENOMEM;
	if (more >= SIZE_MAX / 2 - b->len)
		goto fail;
	if (b->len + more < b->cap)
		return 0;
	while (cap <= b->len + more)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		goto fail;
	b->p = p;
	b->cap = cap;
	return 0;
fail:
	b->failed = true;
	return -ENOMEM;
}

int vmm_buf_put(struct vmm_buf *b, const void *data, size_t len)
{
	int r = buf_reserve(b, len);

	if (r)
		return r;
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = 0;
	return 0;
}

int vmm_buf_printf(struct vmm_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	r = buf_reserve(b, (size_t)n);
	if (r)
		return r;
	va_start(ap, fmt);
	vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void vmm_buf_free(struct vmm_buf *b)
{
	free(b->p);
	*b = (struct vmm_buf){ 0 };
}
