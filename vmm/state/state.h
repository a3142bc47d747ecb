/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * State that outlives a process (state/), the KVM side: hibernate
 * description (hibernate.c), whole-VM snapshot (snapshot.c, restore.c).
 * The file codecs are KVM-free: state/desc.h, state/snapshot.h.
 */
#ifndef VMM_STATE_STATE_H
#define VMM_STATE_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "vmm.h"

/* hibernate.c */
int machine_load(const char *path, struct vmm_opts *o);
int machine_save(struct vmm *vm, const char *path, const char *reason);
int machine_check_engine(const struct vmm *vm);
const void *machine_engine_snapshot(const struct vmm_machine *m, size_t *len);
/* At exit: free the --resume description (the options' strings point into it). */
void machine_release(struct vmm_opts *o);

/* snapshot.c: whole-VM snapshot (the devices write their own sections) */
bool snapshot_pausable(struct vmm *vm);
int snapshot_write(struct vmm *vm, const char *path);
void snapshot_continue(struct vmm *vm);
/* KVM_GET_REG_LIST of a vCPU, malloc'ed. Returns 0 or -1 after a message. */
int snapshot_reg_list(struct vcpu *v, struct kvm_reg_list **out);

/* restore.c: --restore */
int snapshot_load(struct vmm_opts *o, struct vmm_devices *devices);
int snapshot_restore(struct vmm *vm);
/* At exit: unmap and free the --restore file (the options' strings point into it). */
void snapshot_release(struct vmm_opts *o);

#endif /* VMM_STATE_STATE_H */
