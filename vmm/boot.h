/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One boot's VM put together (top layer): the middle's VM and vCPUs, psci/'s
 * mode and engine, hw/'s disks, and the images -- or state/'s snapshot.
 */
#ifndef VMM_BOOT_H
#define VMM_BOOT_H

#include "vmm.h"

/*
 * Build the VM for boot vm->boot_nr from the machine o. Returns 0 or a
 * VMM_EXIT_* status (after a message); vm_destroy() cleans up either way.
 */
int boot_create(struct vmm *vm, const struct vmm_opts *o, int kvm_fd);

/* loader.c: kernel, initrd and DTB into guest RAM; 0 or -1 after a message. */
int loader_load(struct vmm *vm);

#endif /* VMM_BOOT_H */
