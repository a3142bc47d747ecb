/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A growable byte buffer (a leaf): snapshot sections and device state are
 * built in it, the hibernate description is printed into it. A failed
 * allocation is sticky: later puts do nothing, 'failed' stays set, so a
 * writer checks once at the end.
 */
#ifndef VMM_UTIL_BUF_H
#define VMM_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vmm_buf {
	uint8_t *p;		/* NULL until the first put; NUL after p[len] when printed to */
	size_t len;
	size_t cap;
	bool failed;		/* an allocation failed: the content is incomplete */
};

/* Append 'len' bytes. Returns 0, or -ENOMEM (and sets failed). */
int vmm_buf_put(struct vmm_buf *b, const void *data, size_t len);
/* Append formatted text (kept NUL-terminated). Returns 0, or -ENOMEM / -EINVAL. */
int vmm_buf_printf(struct vmm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Release the storage; the buffer is empty and usable again. */
void vmm_buf_free(struct vmm_buf *b);

#endif /* VMM_UTIL_BUF_H */
