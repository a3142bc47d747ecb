// SPDX-License-Identifier: BSD-2-Clause
/*
 * The machine configuration (config.h): what both the options and the
 * --resume description add to it. KVM-free.
 */
#include "config.h"
#include "log.h"

int vmm_opts_add_disk(struct vmm_opts *o, const char *path)
{
	struct vmm_disk *d;

	if (o->nr_disks >= VMM_MAX_DISKS) {
		vmm_log("--disk '%s': too many disks (at most %d)", path, VMM_MAX_DISKS);
		return -1;
	}
	d = &o->disks[o->nr_disks++];
	d->path = path;
	d->fd = -1;
	return 0;
}
