/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * State that outlives a process (state/): hibernate description, whole-VM snapshot.
 */
#ifndef VMM_STATE_STATE_H
#define VMM_STATE_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "vmm.h"

/* machine.c */
int machine_load(const char *path, struct vmm_opts *o);
int machine_save(struct vmm *vm, const char *path, const char *reason);
int machine_check_engine(const struct vmm *vm);
const void *machine_engine_snapshot(const struct vmm_machine *m, size_t *len);

/* snapshot.c (+ gic_state.c): whole-VM snapshot and restore */
bool snapshot_pausable(struct vmm *vm);
int snapshot_write(struct vmm *vm, const char *path);
void snapshot_continue(struct vmm *vm);
int snapshot_load(struct vmm_opts *o);
int snapshot_restore(struct vmm *vm);

#endif /* VMM_STATE_STATE_H */
