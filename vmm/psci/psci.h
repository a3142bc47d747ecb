/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PSCI glue between KVM exits and libvpsci (psci/).
 */
#ifndef VMM_PSCI_PSCI_H
#define VMM_PSCI_PSCI_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm.h"

int psci_resolve(struct vmm *vm);
int psci_setup(struct vmm *vm);
int psci_vcpu_init_features(const struct vmm *vm, uint32_t idx, uint32_t *features);
int psci_handle_hypercall(struct vcpu *v, bool *park, bool *done);
int psci_handle_system_event(struct vcpu *v, bool *done);
int psci_wait_park(struct vcpu *v);
const char *psci_mode_name(enum vmm_psci_mode m);

#endif /* VMM_PSCI_PSCI_H */
