/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The machine record (machine.h) of a running VM and of the options
 * (state/record.c); KVM side of state/.
 */
#ifndef VMM_STATE_RECORD_H
#define VMM_STATE_RECORD_H

#include <stdbool.h>

#include "machine.h"
#include "vmm.h"

/* realpath(path), or a copy of path when it does not resolve; NULL for NULL or no memory. */
char *machine_abs_path(const char *path);

/*
 * The record of the stopped VM: every field, the engine's snapshot, paths
 * absolute; with 'digests' the kernel's and initrd's size and SHA-256.
 * Returns 0, or VMM_EXIT_HOST / VMM_EXIT_CRASH after a message (m is then
 * released by the caller with vmm_machine_free).
 */
int machine_of_vm(const struct vmm *vm, bool digests, struct vmm_machine *m);

/*
 * The one contradiction check against the options typed: logs
 * "PREFIX: --cpus 2 contradicts WHAT (4 vCPUs): ADVICE" and returns
 * VMM_EXIT_USAGE, or returns 0.
 */
int machine_check_options(const struct vmm_opts *o, const struct vmm_machine *rec,
			  unsigned int recorded, const char *prefix, const char *what,
			  const char *advice);

/* Set the options from a loaded record (strings point into it: it must stay). */
void machine_to_opts(const struct vmm_machine *m, unsigned int recorded, struct vmm_opts *o);

#endif /* VMM_STATE_RECORD_H */
