// SPDX-License-Identifier: BSD-2-Clause
/*
 * Atomic replacement, bounded reads, digests (util/file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"
#include "util/sha256.h"

int vmm_file_begin(struct vmm_file_out *f, const char *path)
{
	size_t n = strlen(path) + 5;

	f->fd = -1;
	f->path = strdup(path);
	f->tmp = malloc(n);
	if (!f->path || !f->tmp) {
		vmm_file_abort(f);
		return -ENOMEM;
	}
	snprintf(f->tmp, n, "%s.tmp", path);
	f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->fd < 0) {
		int e = errno;

		free(f->tmp);
		f->tmp = NULL;
		vmm_file_abort(f);
		return -e;
	}
	return 0;
}

/* Write all of it at 'off', or at the file position when off is -1. */
static int write_all(int fd, const uint8_t *p, size_t len, off_t off)
{
	while (len) {
		ssize_t n = off < 0 ? write(fd, p, len) : pwrite(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
		if (off >= 0)
			off += n;
	}
	return 0;
}

int vmm_file_write(struct vmm_file_out *f, const void *data, size_t len)
{
	return write_all(f->fd, data, len, -1);
}

int vmm_file_pwrite(struct vmm_file_out *f, const void *data, size_t len, uint64_t off)
{
	return write_all(f->fd, data, len, (off_t)off);
}

int vmm_file_commit(struct vmm_file_out *f)
{
	int r = 0;

	if (fsync(f->fd) < 0)
		r = -errno;
	if (close(f->fd) < 0 && !r)
		r = -errno;
	f->fd = -1;
	if (!r && rename(f->tmp, f->path) < 0)
		r = -errno;
	if (r) {
		vmm_file_abort(f);
		return r;
	}
	free(f->tmp);
	free(f->path);
	f->tmp = f->path = NULL;
	return 0;
}

void vmm_file_abort(struct vmm_file_out *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp)
		unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	f->tmp = f->path = NULL;
}

int vmm_file_replace(const char *path, const void *data, size_t len)
{
	struct vmm_file_out f;
	int r = vmm_file_begin(&f, path);

	if (r)
		return r;
	r = vmm_file_write(&f, data, len);
	if (r) {
		vmm_file_abort(&f);
		return r;
	}
	return vmm_file_commit(&f);
}

/* Open a regular file for reading; its size out. Returns an fd or -errno. */
static int open_regular(const char *path, uint64_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*size = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

int vmm_file_read(const char *path, size_t max, char **data, size_t *len)
{
	uint64_t size;
	size_t done = 0;
	char *buf;
	int fd = open_regular(path, &size);

	if (fd < 0)
		return fd;
	buf = size <= max ? malloc((size_t)size + 1) : NULL;
	if (!buf) {
		close(fd);
		return size > max ? -EFBIG : -ENOMEM;
	}
	while (done < size) {
		ssize_t n = read(fd, buf + done, (size_t)size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			free(buf);
			return -e;
		}
		if (n == 0)
			break;		/* it shrank: take what is there */
		done += (size_t)n;
	}
	close(fd);
	buf[done] = 0;
	*data = buf;
	*len = done;
	return 0;
}

int vmm_file_map(const char *path, const uint8_t **map, size_t *len)
{
	uint64_t size;
	void *p;
	int fd = open_regular(path, &size);

	if (fd < 0)
		return fd;
	if (size > SIZE_MAX) {
		close(fd);
		return -EFBIG;
	}
	*map = NULL;
	*len = 0;
	if (size == 0) {
		close(fd);
		return 0;
	}
	p = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -errno;
	*map = p;
	*len = (size_t)size;
	return 0;
}

void vmm_file_unmap(const uint8_t *map, size_t len)
{
	if (map)
		munmap((void *)(uintptr_t)map, len);
}

int vmm_file_digest(const char *path, uint64_t *size, char hex[65])
{
	uint8_t buf[1 << 14];
	struct sha256 s;
	int fd = open_regular(path, size);
	ssize_t n;

	if (fd < 0)
		return fd;
	sha256_init(&s);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
		sha256_update(&s, buf, (size_t)n);
	}
	close(fd);
	sha256_hex(&s, hex);
	return 0;
}
