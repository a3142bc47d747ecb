/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host signals (top layer): one thread takes SIGUSR1 (wake a suspended
 * guest), SIGINT/SIGTERM/SIGHUP (stop) and, with --snapshot, SIGQUIT
 * (snapshot) with sigwait() and acts on the VM of the current boot.
 */
#ifndef VMM_SIGNALS_H
#define VMM_SIGNALS_H

#include <stdbool.h>

struct vmm;

/* First thing in main(): a signal sent while starting waits for the thread. */
void signals_block_early(void);
/* Start the signal thread; SIGQUIT is taken only if 'snapshot'. 0 or -1 after a message. */
int signals_start(bool snapshot);
/*
 * The VM signals act on from now on; a stop or snapshot asked for between
 * boots is applied to it at once.
 */
void signals_attach(struct vmm *vm);
/* Between boots: no VM; requests are kept for the next one. */
void signals_detach(void);
/* A snapshot was written and the VM goes on: forget the request. */
void signals_snapshot_done(void);

#endif /* VMM_SIGNALS_H */
