// SPDX-License-Identifier: BSD-2-Clause
/*
 * Guest disks (--disk FILE): each file is mapped MAP_SHARED and handed to
 * KVM as a memory slot above RAM, and the device tree describes it as a
 * "pmem-region" (Linux: of_pmem + nd_pmem give /dev/pmemN). No device is
 * emulated: guest stores land in the host page cache of the file, and the
 * file outlives the VMM (msync at the end of every boot). See
 * docs/design.md "Guest disk" for why this and not virtio-blk.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfdt.h>

#include "vmm.h"

/* Record one --disk; the file is opened and checked by disk_open_all(). */
int disk_add(struct vmm_opts *o, const char *path)
{
	if (o->nr_disks >= VMM_MAX_DISKS) {
		vmm_log("--disk '%s': too many disks (at most %d)", path, VMM_MAX_DISKS);
		return -1;
	}
	o->disks[o->nr_disks].path = path;
	o->disks[o->nr_disks].fd = -1;
	o->nr_disks++;
	return 0;
}

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

/* Map the disks into this boot's VM (one KVM memslot each). Returns 0 or VMM_EXIT_*. */
int disk_map_all(struct vmm *vm)
{
	const struct vmm_opts *o = vm->opts;

	for (unsigned int i = 0; i < o->nr_disks; i++) {
		const struct vmm_disk *d = &o->disks[i];
		struct kvm_userspace_memory_region region;
		void *p = mmap(NULL, d->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, 0);

		if (p == MAP_FAILED) {
			vmm_log("--disk '%s': mmap of %" PRIu64 " MiB failed: %s", d->path,
				d->size >> 20, strerror(errno));
			return VMM_EXIT_HOST;
		}
		vm->disk_map[i] = p;
		region = (struct kvm_userspace_memory_region){
			.slot = VMM_DISK_SLOT0 + i,
			.guest_phys_addr = d->gpa,
			.memory_size = d->size,
			.userspace_addr = (uintptr_t)p,
		};
		if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
			vmm_log("--disk '%s': KVM_SET_USER_MEMORY_REGION (slot %u at 0x%" PRIx64
				"): %s", d->path, region.slot, d->gpa, strerror(errno));
			return VMM_EXIT_HOST;
		}
	}
	return 0;
}

/*
 * Write the guest's stores back to the files and unmap them: what the guest
 * wrote (a hibernation image) must be on the file before vpsci-run exits.
 */
void disk_unmap_all(struct vmm *vm)
{
	const struct vmm_opts *o = vm->opts;

	for (unsigned int i = 0; i < o->nr_disks; i++) {
		if (!vm->disk_map[i])
			continue;
		if (msync(vm->disk_map[i], o->disks[i].size, MS_SYNC) < 0)
			vmm_log("--disk '%s': msync: %s (the guest's last writes may be lost)",
				o->disks[i].path, strerror(errno));
		munmap(vm->disk_map[i], o->disks[i].size);
		vm->disk_map[i] = NULL;
	}
}

/*
 * One /pmem@ADDR node per disk (Linux binding pmem-region.yaml:
 * compatible "pmem-region", reg; no "volatile": the contents persist).
 * Returns 0 or a libfdt error.
 */
int disk_fdt_add(const struct vmm *vm, void *fdt)
{
	const struct vmm_opts *o = vm->opts;

	for (unsigned int i = 0; i < o->nr_disks; i++) {
		const struct vmm_disk *d = &o->disks[i];
		fdt64_t reg[2] = { cpu_to_fdt64(d->gpa), cpu_to_fdt64(d->size) };
		char name[32];
		int n, r;

		snprintf(name, sizeof(name), "pmem@%" PRIx64, d->gpa);
		n = fdt_add_subnode(fdt, 0, name);
		if (n < 0)
			return n;
		r = fdt_setprop_string(fdt, n, "compatible", "pmem-region");
		if (r == 0)
			r = fdt_setprop(fdt, n, "reg", reg, sizeof(reg));
		if (r < 0)
			return r;
	}
	return 0;
}
