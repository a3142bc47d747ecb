/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Files that outlive the process (a leaf): one writer that replaces a file
 * atomically (PATH.tmp, fsync, rename: a crash or a failed write never
 * leaves half a file under PATH), bounded reads of untrusted files, and
 * the size + SHA-256 of an image. Every function returns 0 or -errno.
 */
#ifndef VMM_UTIL_FILE_H
#define VMM_UTIL_FILE_H

#include <stddef.h>
#include <stdint.h>

/* An atomic replacement in progress. */
struct vmm_file_out {
	int fd;
	char *tmp;		/* PATH.tmp */
	char *path;
};

/* Create PATH.tmp (mode 0644). */
int vmm_file_begin(struct vmm_file_out *f, const char *path);
/* Append at the end, or write at 'off' (a header completed last). */
int vmm_file_write(struct vmm_file_out *f, const void *data, size_t len);
int vmm_file_pwrite(struct vmm_file_out *f, const void *data, size_t len, uint64_t off);
/* fsync, close, rename PATH.tmp to PATH. On failure PATH.tmp is removed. */
int vmm_file_commit(struct vmm_file_out *f);
/* Give up: close and remove PATH.tmp (safe after a failed commit, or twice). */
void vmm_file_abort(struct vmm_file_out *f);
/* The whole replacement in one call. */
int vmm_file_replace(const char *path, const void *data, size_t len);

/*
 * Read a regular file of at most 'max' bytes into a malloc'ed buffer with a
 * NUL after the data. -EFBIG: larger than max; -EINVAL: not a regular file.
 */
int vmm_file_read(const char *path, size_t max, char **data, size_t *len);
/* Map a regular file read-only (-EINVAL: not regular; an empty file maps as NULL, 0). */
int vmm_file_map(const char *path, const uint8_t **map, size_t *len);
void vmm_file_unmap(const uint8_t *map, size_t len);

/* Size and SHA-256 (lower-case hex) of a file's contents. */
int vmm_file_digest(const char *path, uint64_t *size, char hex[65]);

#endif /* VMM_UTIL_FILE_H */
