/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PSCI (psci/, upper layer): who answers which call, and the glue between
 * KVM's exits and libvpsci. What the top of vpsci-run calls; the layer
 * itself sees only the middle (vm, vcpu, events) and the leaves.
 */
#ifndef VMM_PSCI_PSCI_H
#define VMM_PSCI_PSCI_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm.h"

/*
 * Once the VM exists, before its vCPUs: does the host have the SMCCC filter,
 * which mode runs, the vCPUs' KVM features and their exit handlers.
 * Returns 0 or a VMM_EXIT_* status after a message.
 */
int psci_resolve(struct vmm *vm);

/*
 * Once the vCPUs exist, before any runs: KVM's version pinned, the engine
 * created (or brought back from --resume's record), the SMCCC filter
 * programmed. Returns 0 or a VMM_EXIT_* status after a message.
 */
int psci_setup(struct vmm *vm);

/* The power-management options against each other; VMM_GO_ON or VMM_EXIT_USAGE. */
int pm_check_opts(const struct vmm_opts *o);

/* MEM_PROTECT (DEN0022 5.13) across a reboot in place: see mem_protect.c. */
bool pm_before_reboot(struct vmm *vm);
int pm_after_create(struct vmm *vm, bool mem_protect);

#endif /* VMM_PSCI_PSCI_H */
