// SPDX-License-Identifier: BSD-2-Clause
/*
 * Guest disks (--disk FILE): each file is a device that, for every boot,
 * maps it MAP_SHARED and hands it to KVM as a memory slot above RAM, and
 * whose DT node is a "pmem-region" (Linux: of_pmem + nd_pmem give
 * /dev/pmemN). No device is emulated: guest stores land in the host page
 * cache of the file, and the file outlives the VMM (msync at the end of
 * every boot). See
 * docs/design.md "Guest disk" for why this and not virtio-blk.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw/hw.h"
#include "log.h"
#include "status.h"

/*
 * Open every disk read-write, check its size and place it in the guest
 * address space, once per run (every boot maps the same files). A size the
 * guest cannot use is refused here rather than discovered by the guest.
 * Returns 0 or VMM_EXIT_USAGE after a message.
 */
int disk_open_all(struct vmm_opts *o)
{
	uint64_t gpa = VMM_DISK_BASE;

	for (unsigned int i = 0; i < o->nr_disks; i++) {
		struct vmm_disk *d = &o->disks[i];
		struct stat st;

		d->fd = open(d->path, O_RDWR | O_CLOEXEC);
		if (d->fd < 0) {
			vmm_log("--disk '%s': cannot open it read-write: %s", d->path,
				strerror(errno));
			return VMM_EXIT_USAGE;
		}
		if (fstat(d->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			vmm_log("--disk '%s': not a regular file", d->path);
			return VMM_EXIT_USAGE;
		}
		d->size = (uint64_t)st.st_size;
		if (d->size == 0 || d->size % VMM_DISK_SIZE_ALIGN) {
			vmm_log("--disk '%s': size %" PRIu64 " bytes is not a non-zero multiple of "
				"2 MiB (the guest maps it as a pmem region; e.g. 'truncate -s 128M "
				"FILE')", d->path, d->size);
			return VMM_EXIT_USAGE;
		}
		if (d->size > VMM_DISK_LIMIT - gpa) {
			vmm_log("--disk '%s': %" PRIu64 " MiB does not fit in the guest address "
				"space (disks end below 1 TiB, from 320 GiB)", d->path,
				d->size >> 20);
			return VMM_EXIT_USAGE;
		}
		d->gpa = gpa;
		gpa += (d->size + VMM_DISK_ALIGN - 1) & ~(VMM_DISK_ALIGN - 1);
	}
	return 0;
}

/* One --disk as a device: the file, and its mapping for the current boot. */
struct pmem {
	struct vmm_device dev;
	const struct vmm_disk *disk;
	uint8_t *map;			/* MAP_SHARED view, NULL between boots */
};

/* Map the disk into a new VM (one KVM memslot). Returns 0 or -errno after a message. */
static int pmem_attach(struct vmm_device *dev, struct vmm *vm, const struct vmm_device_host *host)
{
	struct pmem *pm = dev->ctx;
	const struct vmm_disk *d = pm->disk;
	struct kvm_userspace_memory_region region;
	void *p = mmap(NULL, d->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, 0);
	int err;

	(void)host;
	if (p == MAP_FAILED) {
		err = errno;
		vmm_log("--disk '%s': mmap of %" PRIu64 " MiB failed: %s", d->path, d->size >> 20,
			strerror(err));
		return -err;
	}
	pm->map = p;
	region = (struct kvm_userspace_memory_region){
		.slot = VMM_DISK_SLOT0 + dev->instance,
		.guest_phys_addr = d->gpa,
		.memory_size = d->size,
		.userspace_addr = (uintptr_t)p,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		err = errno;
		vmm_log("--disk '%s': KVM_SET_USER_MEMORY_REGION (slot %u at 0x%" PRIx64 "): %s",
			d->path, region.slot, d->gpa, strerror(err));
		return -err;
	}
	return 0;
}

/*
 * Write the guest's stores back to the file and unmap it: what the guest
 * wrote (a hibernation image) must be on the file before vpsci-run exits.
 */
static void pmem_detach(struct vmm_device *dev)
{
	struct pmem *pm = dev->ctx;
	const struct vmm_disk *d = pm->disk;

	if (!pm->map)
		return;
	if (msync(pm->map, d->size, MS_SYNC) < 0)
		vmm_log("--disk '%s': msync: %s (the guest's last writes may be lost)", d->path,
			strerror(errno));
	munmap(pm->map, d->size);
	pm->map = NULL;
}

/*
 * A /pmem@ADDR node (Linux binding pmem-region.yaml: compatible
 * "pmem-region", reg; no "volatile": the contents persist).
 * Returns 0 or a libfdt error.
 */
static int pmem_fdt(struct vmm_device *dev, const struct vmm *vm, void *fdt)
{
	const struct vmm_disk *d = ((const struct pmem *)dev->ctx)->disk;
	struct hw_fdt c = { .fdt = fdt };
	uint64_t reg[2] = { d->gpa, d->size };
	char name[32];
	int n;

	(void)vm;
	snprintf(name, sizeof(name), "pmem@%" PRIx64, d->gpa);
	n = hw_fdt_subnode(&c, 0, name);
	hw_fdt_str(&c, n, "compatible", "pmem-region");
	hw_fdt_reg64(&c, n, 1, reg);
	return c.err;
}

static const struct vmm_device_ops pmem_ops = {
	.name = "pmem",
	.fdt = pmem_fdt,
	.attach = pmem_attach,
	.detach = pmem_detach,
};

/* The device of one opened --disk (disk_open_all()), or NULL. */
struct vmm_device *pmem_new(const struct vmm_disk *disk)
{
	struct pmem *pm = calloc(1, sizeof(*pm));

	if (!pm) {
		vmm_log("--disk '%s': out of memory", disk->path);
		return NULL;
	}
	pm->disk = disk;
	pm->dev = (struct vmm_device){ .ops = &pmem_ops, .ctx = pm };
	return &pm->dev;
}
