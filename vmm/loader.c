// SPDX-License-Identifier: BSD-2-Clause
/*
 * Image loading per Linux's Documentation/arch/arm64/booting.rst: the
 * kernel (or a bare-metal image with the same 64-byte header) goes
 * text_offset bytes above a 2 MiB aligned base, the DTB (8-byte aligned,
 * at most 2 MiB) and the initrd near the top of RAM, out of the kernel's
 * way; the boot vCPU starts at the image with x0 = DTB address.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot.h"
#include "hw/hw.h"
#include "log.h"
#include "vmm.h"

#define IMAGE_MAGIC		0x644d5241u	/* "ARM\x64" at offset 56 */
#define IMAGE_HDR_SIZE		64
#define IMAGE_FLAG_BE		(1ull << 0)
#define SZ_2M			0x200000ull
#define SZ_4K			0x1000ull
#define DTB_MAX			0x10000u
#define DEFAULT_TEXT_OFFSET	0x80000ull	/* image_size == 0: pre-3.17 kernels */

struct image_header {
	uint32_t code0, code1;
	uint64_t text_offset;
	uint64_t image_size;
	uint64_t flags;
	uint64_t res2, res3, res4;
	uint32_t magic;
	uint32_t res5;
};
_Static_assert(sizeof(struct image_header) == IMAGE_HDR_SIZE, "arm64 Image header");

/* Read a whole file into guest RAM at gpa; the caller checked the size. */
static int read_into(struct vmm *vm, const char *what, const char *path, int fd, uint64_t gpa,
		     uint64_t size)
{
	uint8_t *dst = vm->ram + (gpa - VMM_RAM_BASE);
	uint64_t done = 0;

	while (done < size) {
		ssize_t n = pread(fd, dst + done, size - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			vmm_log("%s '%s': read failed: %s", what, path,
				n < 0 ? strerror(errno) : "file shrank");
			return -1;
		}
		done += (uint64_t)n;
	}
	return 0;
}

static int open_sized(const char *what, const char *path, uint64_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		vmm_log("%s '%s': %s", what, path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		vmm_log("%s '%s': not a regular file", what, path);
		close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

/*
 * Load kernel, initrd and DTB for one boot. Returns 0, or -1 after a message
 * (bad image, too little RAM: a usage error).
 */
int loader_load(struct vmm *vm)
{
	const struct vmm_opts *o = vm->opts;
	struct image_header h;
	uint64_t ksize, isize = 0, text_offset, image_size, kernel_start, kernel_end;
	uint64_t ram_end = VMM_RAM_BASE + vm->ram_size;
	uint64_t dtb_addr, initrd_start = 0, initrd_end = 0;
	int kfd, ifd = -1, ret = -1;

	kfd = open_sized("kernel", o->kernel, &ksize);
	if (kfd < 0)
		return -1;
	if (ksize < IMAGE_HDR_SIZE || pread(kfd, &h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		vmm_log("kernel '%s': not an arm64 Linux Image (%" PRIu64
			" bytes, shorter than its header)", o->kernel, ksize);
		goto out;
	}
	if (le32toh(h.magic) != IMAGE_MAGIC) {
		vmm_log("kernel '%s': not an arm64 Linux Image (no \"ARM\\x64\" magic at "
			"offset 56)", o->kernel);
		goto out;
	}
	if (le64toh(h.flags) & IMAGE_FLAG_BE) {
		vmm_log("kernel '%s': big-endian images are not supported", o->kernel);
		goto out;
	}
	image_size = le64toh(h.image_size);
	text_offset = image_size ? le64toh(h.text_offset) : DEFAULT_TEXT_OFFSET;
	if (image_size < ksize)
		image_size = ksize;
	kernel_start = VMM_RAM_BASE + text_offset;
	kernel_end = kernel_start + image_size;

	/* DTB in the last 2 MiB aligned slot, the initrd just below it. */
	if (vm->ram_size < 2 * SZ_2M) {
		vmm_log("--mem: at least 4 MiB of RAM are needed");
		goto out;
	}
	dtb_addr = (ram_end - SZ_2M) & ~(SZ_2M - 1);
	if (o->initrd) {
		ifd = open_sized("initrd", o->initrd, &isize);
		if (ifd < 0)
			goto out;
		if (isize >= dtb_addr - VMM_RAM_BASE) {
			vmm_log("initrd '%s' (%" PRIu64 " MiB) does not fit in %" PRIu64
				" MiB of RAM", o->initrd, isize >> 20, vm->ram_size >> 20);
			goto out;
		}
		initrd_start = (dtb_addr - isize) & ~(SZ_4K - 1);
		initrd_end = initrd_start + isize;
	}
	if (kernel_end > (o->initrd ? initrd_start : dtb_addr)) {
		vmm_log("kernel '%s' (%" PRIu64 " MiB)%s does not fit in %" PRIu64
			" MiB of RAM: raise --mem", o->kernel, image_size >> 20,
			o->initrd ? " plus initrd" : "", vm->ram_size >> 20);
		goto out;
	}
	if (read_into(vm, "kernel", o->kernel, kfd, kernel_start, ksize) < 0)
		goto out;
	if (ifd >= 0 && read_into(vm, "initrd", o->initrd, ifd, initrd_start, isize) < 0)
		goto out;
	if (fdt_build(vm, vm->ram + (dtb_addr - VMM_RAM_BASE), DTB_MAX, initrd_start,
		      initrd_end) < 0)
		goto out;
	vm->kernel_entry = kernel_start;
	vm->dtb_addr = dtb_addr;
	vmm_debug("kernel at 0x%" PRIx64 "-0x%" PRIx64 ", initrd at 0x%" PRIx64 "-0x%" PRIx64
		  ", DTB at 0x%" PRIx64, kernel_start, kernel_end, initrd_start, initrd_end,
		  dtb_addr);
	ret = 0;
out:
	if (ifd >= 0)
		close(ifd);
	close(kfd);
	return ret;
}
