// SPDX-License-Identifier: BSD-2-Clause
/*
 * MEM_PROTECT (DEN0022 5.13) across a reboot in place: the firmware's
 * non-volatile flag survives the reset, and with it on every byte of guest
 * RAM is wiped before anything is loaded again.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "events.h"
#include "internal.h"
#include "log.h"
#include "psci.h"

/*
 * DEN0022 5.13: the VM is about to reboot in place (SYSTEM_RESET, or a cold
 * or vendor SYSTEM_RESET2; a warm RESET2 has already cleared the flag in the
 * engine). With memory protection on, wipe all of guest RAM before anything
 * is loaded again: drop the pages (MADV_DONTNEED on the private anonymous
 * mapping, so every page reads as zero) and log it. Returns whether
 * protection was on: it outlives the reboot, as firmware's NV flag does.
 */
bool pm_before_reboot(struct vmm *vm)
{
	char extra[96];

	if (!vm->psci || !vm->ram || !vpsci_mem_protect(vm->psci))
		return false;
	if (madvise(vm->ram, vm->ram_size, MADV_DONTNEED) < 0) {
		vmm_log("MEM_PROTECT: madvise(MADV_DONTNEED) failed (%s): zeroing guest RAM",
			strerror(errno));
		memset(vm->ram, 0, vm->ram_size);
	}
	snprintf(extra, sizeof(extra), ",\"base\":\"0x%llx\",\"bytes\":%" PRIu64,
		 VMM_RAM_BASE, vm->ram_size);
	events_note("MEM_WIPE", extra);
	vmm_debug("MEM_PROTECT: wiped %" PRIu64 " MiB of guest RAM before the reboot",
		  vm->ram_size >> 20);
	return true;
}

/*
 * After a reboot that wiped RAM: the new engine starts with protection off,
 * so turn it back on through the engine's own MEM_PROTECT, on behalf of the
 * boot vCPU, before any guest code runs. Returns 0 or an exit status.
 */
int pm_after_create(struct vmm *vm, bool mem_protect)
{
	struct vpsci_call call = {
		.size = sizeof(call),
		.x = { VPSCI_FN32(VPSCI_FN_MEM_PROTECT), 1, 0, 0 },
		.conduit = vm->opts->conduit,
	};
	struct vpsci_result res = { .size = sizeof(res) };
	int r;

	if (!mem_protect)
		return 0;
	r = vpsci_call(vm->psci, 0, &call, &res);
	if (r < 0 || (int64_t)res.x[0] < 0) {
		vmm_log("MEM_PROTECT: cannot keep memory protection on across the reboot (%s, "
			"x0 = %" PRId64 ")", r < 0 ? vpsci_strerror(r) : "engine refused",
			(int64_t)res.x[0]);
		return VMM_EXIT_CRASH;
	}
	return 0;
}

