// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host signals. The thread and main() share one record, 'host': the
 * process has one set of signal dispositions, so this state is the
 * process's, not a VM's (a VM is created and destroyed per boot, and a
 * request may arrive between two). Every field is under host.lock.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "log.h"
#include "signals.h"
#include "state/state.h"
#include "vmm.h"

static struct {
	pthread_mutex_t lock;
	struct vmm *vm;		/* the current boot's VM, NULL between boots */
	bool stop;		/* SIGINT/SIGTERM/SIGHUP came */
	bool snapshot;		/* SIGQUIT came between boots: snapshot the next VM */
	sigset_t set;		/* what the thread waits for */
} host = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Stop, or pause for a snapshot, the VM: the caller holds host.lock. */
static void request_stop(struct vmm *vm)
{
	vm_finish(vm, VMM_OUT_STOPPED);
}

static void request_snapshot(struct vmm *vm)
{
	atomic_store(&vm->pausing, true);
	vm_finish(vm, VMM_OUT_SNAPSHOT);
}

/* SIGUSR1 wakes a suspended guest; SIGINT/SIGTERM/SIGHUP stop the run. */
static void *signal_thread(void *arg)
{
	int sig;

	(void)arg;
	for (;;) {
		if (sigwait(&host.set, &sig) != 0)
			continue;
		pthread_mutex_lock(&host.lock);
		if (sig == SIGUSR1) {
			if (host.vm)
				vm_wake(host.vm, "signal");
		} else if (sig == SIGQUIT) {
			if (!host.vm)
				host.snapshot = true;	/* between boots: the next VM */
			else if (snapshot_pausable(host.vm))
				request_snapshot(host.vm);
		} else {
			host.stop = true;
			if (host.vm)
				request_stop(host.vm);
		}
		pthread_mutex_unlock(&host.lock);
	}
	return NULL;
}

void signals_block_early(void)
{
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
}

int signals_start(bool snapshot)
{
	sigset_t block;
	pthread_t t;

	sigemptyset(&host.set);
	sigaddset(&host.set, SIGINT);
	sigaddset(&host.set, SIGTERM);
	sigaddset(&host.set, SIGHUP);
	sigaddset(&host.set, SIGUSR1);
	if (snapshot)
		sigaddset(&host.set, SIGQUIT);
	block = host.set;
	sigaddset(&block, SIGUSR2);	/* the vCPU kick: only vCPU threads take it */
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (pthread_create(&t, NULL, signal_thread, NULL) != 0) {
		vmm_log("cannot start the signal thread");
		return -1;
	}
	pthread_detach(t);
	return 0;
}

void signals_attach(struct vmm *vm)
{
	pthread_mutex_lock(&host.lock);
	host.vm = vm;
	if (host.stop)
		request_stop(vm);
	if (host.snapshot)
		request_snapshot(vm);
	pthread_mutex_unlock(&host.lock);
}

void signals_detach(void)
{
	pthread_mutex_lock(&host.lock);
	host.vm = NULL;
	pthread_mutex_unlock(&host.lock);
}

void signals_snapshot_done(void)
{
	pthread_mutex_lock(&host.lock);
	host.snapshot = false;
	pthread_mutex_unlock(&host.lock);
}
