// SPDX-License-Identifier: BSD-2-Clause
/*
 * vCPU threads: one per vCPU, created at boot, each the only thread that
 * ever issues an ioctl on its vCPU once the VM runs (psci-facts.md 6: a vCPU
 * ioctl from another thread blocks while that vCPU sits in KVM_RUN). Other
 * threads talk to a vCPU only through its lock/cond hand-over (CPU_ON) and
 * the stop flag + immediate_exit + signal kick (teardown).
 *
 * A powered-off vCPU's thread waits in userspace on its condition variable,
 * never in KVM_RUN on a STOPPED vCPU.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "device.h"
#include "kvm_compat.h"
#include "log.h"
#include "vmm.h"

#define SIG_KICK		SIGUSR2

#define CORE_REG(r)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(r))
#define SCTLR_M		(1ull << 0)	/* MMU */
#define SCTLR_C		(1ull << 2)	/* data cache */
#define SCTLR_I		(1ull << 12)	/* instruction cache */
#define SCTLR_EE	(1ull << 25)	/* big-endian data at EL1 */

/*
 * The vCPU this thread runs, NULL in other threads: the crash handler names
 * it (a signal handler has no other way to know), and ops->cpu_stop needs
 * the caller (the engine calls it from the calling vCPU's thread).
 */
static _Thread_local struct vcpu *this_vcpu;

struct vcpu *vcpu_current(void)
{
	return this_vcpu;
}

/* KVM_GET_ONE_REG / KVM_SET_ONE_REG of register id through *val. 0 or -errno after a message. */
static int one_reg(struct vcpu *v, unsigned long op, const char *what, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };
	int e;

	if (ioctl(v->fd, op, &r) == 0)
		return 0;
	e = errno;
	vmm_log("vcpu%" PRIu32 ": %s 0x%" PRIx64 ": %s", v->idx, what, id, strerror(e));
	return -e;
}

int vcpu_get_reg(struct vcpu *v, uint64_t id, uint64_t *val)
{
	return one_reg(v, KVM_GET_ONE_REG, "KVM_GET_ONE_REG", id, val);
}

int vcpu_set_reg(struct vcpu *v, uint64_t id, uint64_t val)
{
	return one_reg(v, KVM_SET_ONE_REG, "KVM_SET_ONE_REG", id, &val);
}

/* KVM_ARM_VCPU_INIT: (re)initialise to the architectural reset state. */
static int vcpu_init(struct vcpu *v, uint32_t features)
{
	struct kvm_vcpu_init init = { .target = (uint32_t)v->vm->preferred_target };

	init.features[0] = features;
	if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init) < 0) {
		int e = errno;

		vmm_log("vcpu%" PRIu32 ": KVM_ARM_VCPU_INIT (features 0x%" PRIx32 "): %s", v->idx,
			features, strerror(e));
		return -e;
	}
	return 0;
}

/*
 * --cpus-per-cluster: MPIDR Aff1 = cluster, Aff0 = CPU in cluster. Set after
 * every KVM_ARM_VCPU_INIT (a vCPU reset gives back KVM's default MPIDR), and
 * before the first KVM_RUN, when KVM builds its MPIDR-to-vCPU map.
 * Returns 0 or -1 after a message.
 */
static int vcpu_set_mpidr(struct vcpu *v)
{
	unsigned int n = v->vm->opts->pm.cpus_per_cluster;
	uint64_t aff, got;

	if (!n)
		return 0;
	aff = ((uint64_t)(v->idx / n) << 8) | (v->idx % n);
	/* MPIDR_EL1 bit 31 is RES1. */
	if (vcpu_set_reg(v, VMM_REG_MPIDR_EL1, aff | (1ull << 31)) < 0 ||
	    vcpu_get_reg(v, VMM_REG_MPIDR_EL1, &got) < 0)
		return -1;
	if ((got & VPSCI_MPIDR_AFF_MASK) != aff) {
		vmm_log("vcpu%" PRIu32 ": --cpus-per-cluster: KVM kept MPIDR 0x%" PRIx64
			" instead of 0x%" PRIx64, v->idx, got, aff);
		return -1;
	}
	v->mpidr = aff;
	return 0;
}

/* Create vCPU v->idx, map its kvm_run and initialise it (secondaries powered off). */
int vcpu_create(struct vmm *vm, struct vcpu *v)
{
	uint32_t features;
	long sz;

	v->vm = vm;
	v->fd = -1;
	v->last_unknown_mmio = ~0ull;
	pthread_mutex_init(&v->lock, NULL);
	pthread_cond_init(&v->cond, NULL);
	atomic_init(&v->stop, false);
	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)v->idx);
	if (v->fd < 0) {
		vmm_log("vcpu%" PRIu32 ": KVM_CREATE_VCPU: %s", v->idx, strerror(errno));
		return -1;
	}
	sz = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz <= 0) {
		vmm_log("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
		return -1;
	}
	v->run_size = (size_t)sz;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		vmm_log("vcpu%" PRIu32 ": mmap kvm_run: %s", v->idx, strerror(errno));
		return -1;
	}
	features = vm->vcpu_features | (v->idx ? 1u << KVM_ARM_VCPU_POWER_OFF : 0);
	if (vcpu_init(v, features) < 0 || vcpu_set_mpidr(v) < 0)
		return -1;
	if (vcpu_get_reg(v, VMM_REG_MPIDR_EL1, &v->mpidr) < 0)
		return -1;
	v->mpidr &= VPSCI_MPIDR_AFF_MASK;
	v->start_parked = vm->mode == VMM_PSCI_USER && v->idx != 0;	/* --restore may change it */
	return 0;
}

/*
 * Start this (own) vCPU at a PSCI entry point (DEN0022 5.5 CPU_ON, 5.3 and
 * 6.4 power-down wake-ups): PC = entry, x0 = context id, EL1h with DAIF
 * masked, MMU and caches off, the caller's endianness.
 * VCPU_ENTRY_RESET re-issues KVM_ARM_VCPU_INIT without POWER_OFF first (a
 * full reset, state RUNNABLE). VCPU_ENTRY_WARM does not: that would also
 * reset the timer and MPIDR under a running VM, and the other system
 * registers are UNKNOWN after a power-down anyway (the OS restores what it
 * needs); instead every other general-purpose register and both stack
 * pointers are zeroed, so nothing of the caller's register state survives.
 * Returns 0 or -1 after a message.
 */
int vcpu_enter_at(struct vcpu *v, const struct vpsci_entry *e, enum vcpu_entry how)
{
	uint64_t sctlr;

	if (e->aarch32) {
		vmm_log("vcpu%" PRIu32 ": AArch32 entry points are not supported", v->idx);
		return -1;
	}
	if (how == VCPU_ENTRY_RESET &&
	    (vcpu_init(v, v->vm->vcpu_features) < 0 || vcpu_set_mpidr(v) < 0))
		return -1;
	for (unsigned int i = 1; how == VCPU_ENTRY_WARM && i < 31; i++)
		if (vcpu_set_reg(v, VMM_REG_X(i), 0) < 0)
			return -1;
	if (how == VCPU_ENTRY_WARM &&
	    (vcpu_set_reg(v, CORE_REG(regs.sp), 0) < 0 || vcpu_set_reg(v, CORE_REG(sp_el1), 0) < 0))
		return -1;
	if (vcpu_set_reg(v, VMM_REG_PC, e->pc) < 0 ||
	    vcpu_set_reg(v, VMM_REG_X(0), e->context_id) < 0 ||
	    vcpu_set_reg(v, VMM_REG_PSTATE, VPSCI_ENTRY_PSTATE_AARCH64) < 0)
		return -1;
	/* After a reset SCTLR_EL1 has M, C, I and EE clear: only EE may need setting. */
	if (how == VCPU_ENTRY_RESET && !e->big_endian)
		return 0;
	if (vcpu_get_reg(v, VMM_REG_SCTLR_EL1, &sctlr) < 0)
		return -1;
	sctlr &= ~(SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_EE);
	if (e->big_endian)
		sctlr |= SCTLR_EE;
	return vcpu_set_reg(v, VMM_REG_SCTLR_EL1, sctlr);
}

/*
 * ops->cpu_on: hand the request to the target's thread. The engine holds
 * the target claimed, so this only records the entry and signals; the target
 * may not have parked yet after its CPU_OFF, and finds the request when it
 * does (wait_on() checks before waiting). Returns 0, or -1 when the target
 * is stopping (VM teardown) -- a snapshot's pause keeps the request, so the
 * target restarts from it after --restore.
 */
int vcpu_request_on(struct vcpu *v, const struct vpsci_entry *e)
{
	int ret = 0;

	pthread_mutex_lock(&v->lock);
	if ((v->stopped || atomic_load(&v->stop)) && !atomic_load(&v->vm->pausing)) {
		ret = -1;
	} else {
		v->on_entry = *e;
		v->on_pending = true;
		pthread_cond_broadcast(&v->cond);
	}
	pthread_mutex_unlock(&v->lock);
	return ret;
}

/*
 * A powered-off vCPU waits here, in userspace, for vcpu_request_on(); then
 * it starts itself at the entry point (its own thread: the thread rule).
 * Returns 0 when started, -1 when the VM is being torn down.
 */
static int wait_on(struct vcpu *v)
{
	struct vpsci_entry e;

	pthread_mutex_lock(&v->lock);
	while (!v->on_pending && !atomic_load(&v->stop))
		pthread_cond_wait(&v->cond, &v->lock);
	if (atomic_load(&v->stop)) {
		pthread_mutex_unlock(&v->lock);
		return -1;
	}
	e = v->on_entry;
	v->on_pending = false;
	pthread_mutex_unlock(&v->lock);
	if (vcpu_enter_at(v, &e, VCPU_ENTRY_RESET) < 0) {
		vm_finish(v->vm, VMM_OUT_HOST_ERROR);
		return -1;
	}
	vmm_debug("vcpu%" PRIu32 ": on at 0x%" PRIx64 ", context 0x%" PRIx64, v->idx, e.pc,
		  e.context_id);
	return 0;
}

/*
 * An MMIO exit goes to the device whose window holds the address (the
 * bus, device.h). Unknown MMIO: reads as zero, writes ignored, logged once
 * per address with -v.
 */
static void handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	if (vmm_bus_mmio(v->vm->devices, run->mmio.phys_addr, run->mmio.data, run->mmio.len,
			 run->mmio.is_write))
		return;
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (run->mmio.phys_addr != v->last_unknown_mmio) {
		v->last_unknown_mmio = run->mmio.phys_addr;
		vmm_debug("vcpu%" PRIu32 ": %s of %u bytes at unmapped 0x%" PRIx64 " ignored",
			  v->idx, run->mmio.is_write ? "write" : "read", run->mmio.len,
			  (uint64_t)run->mmio.phys_addr);
	}
}

static void mark_stopped(struct vcpu *v)
{
	pthread_mutex_lock(&v->lock);
	v->stopped = true;
	pthread_cond_broadcast(&v->cond);
	pthread_mutex_unlock(&v->lock);
}

static void kick_handler(int sig)
{
	(void)sig;
}

/*
 * One exit of KVM_RUN, by reason: MMIO to the bus, hypercalls and system
 * events to their owner (vm->exits). Returns whether this vCPU's run is over
 * (the VM's outcome is set by then).
 */
static bool handle_exit(struct vcpu *v)
{
	struct vmm *vm = v->vm;
	bool park = false, done = false;
	int r;

	switch (v->run->exit_reason) {
	case KVM_EXIT_MMIO:
		handle_mmio(v);
		return false;
	case KVM_EXIT_INTR:
		return false;
	case KVM_EXIT_HYPERCALL:
		r = vm->exits->hypercall(v, &park, &done);
		if (r == 0 && park && !done)
			return wait_on(v) < 0;
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		r = vm->exits->system_event(v, &done);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		vmm_log("vcpu%" PRIu32 ": KVM_EXIT_FAIL_ENTRY, reason 0x%llx", v->idx,
			(unsigned long long)v->run->fail_entry.hardware_entry_failure_reason);
		vm_finish(vm, VMM_OUT_CRASH);
		return true;
	case KVM_EXIT_INTERNAL_ERROR:
		vmm_log("vcpu%" PRIu32 ": KVM_EXIT_INTERNAL_ERROR, suberror %u", v->idx,
			v->run->internal.suberror);
		vm_finish(vm, VMM_OUT_CRASH);
		return true;
	default:
		vmm_log("vcpu%" PRIu32 ": unexpected KVM exit reason %u", v->idx,
			v->run->exit_reason);
		vm_finish(vm, VMM_OUT_CRASH);
		return true;
	}
	if (r < 0) {
		vm_finish(vm, VMM_OUT_HOST_ERROR);
		return true;
	}
	return done;
}

/* The vCPU thread: park while off, run, hand each exit to handle_exit(). */
static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	sigset_t kick;
	bool done = false;

	this_vcpu = v;
	sigemptyset(&kick);
	sigaddset(&kick, SIG_KICK);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);

	/* Secondaries start off in user mode: wait for CPU_ON (DEN0022 5.5). */
	if (v->start_parked && wait_on(v) < 0)
		done = true;
	while (!done && !atomic_load(&v->stop)) {
		if (ioctl(v->fd, KVM_RUN, 0) == 0) {
			done = handle_exit(v);
		} else if (errno == EINTR || errno == EAGAIN) {
			__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
			vcpu_hold_point(v);
		} else {
			vmm_log("vcpu%" PRIu32 ": KVM_RUN: %s", v->idx, strerror(errno));
			vm_finish(v->vm, VMM_OUT_HOST_ERROR);
			done = true;
		}
	}
	mark_stopped(v);
	return NULL;
}

/*
 * Install the kick handler: no SA_RESTART, so KVM_RUN returns EINTR. The
 * same handler every time, so installing it again (each vCPU, each boot)
 * changes nothing and needs no "done" flag.
 */
static void kick_setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIG_KICK, &sa, NULL);
}

int vcpu_start(struct vcpu *v)
{
	int r;

	kick_setup();
	r = pthread_create(&v->thread, NULL, vcpu_thread, v);
	if (r) {
		vmm_log("vcpu%" PRIu32 ": pthread_create: %s", v->idx, strerror(r));
		return -1;
	}
	v->thread_started = true;
	return 0;
}

/*
 * Make vCPU v run no more guest code and wait until its thread says so.
 * 'self' is the calling vCPU (NULL for a non-vCPU thread), never v. The
 * stop flag is set before immediate_exit and both before the signal, so a
 * thread that missed the signal on its way into KVM_RUN still leaves it at
 * once; a parked thread is woken through its condition variable. Two vCPUs
 * stopping each other at once (two system events) would wait for each
 * other: a waiter that is itself asked to stop declares itself stopped.
 */
void vcpu_stop(struct vcpu *v, struct vcpu *self)
{
	struct timespec ts;

	if (!v->thread_started)
		return;
	atomic_store(&v->stop, true);
	if (v->run)
		__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&v->lock);
	if (!v->stopped)
		pthread_kill(v->thread, SIG_KICK);
	pthread_cond_broadcast(&v->cond);
	while (!v->stopped) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10L * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&v->cond, &v->lock, &ts);
		if (!v->stopped && self && atomic_load(&self->stop)) {
			pthread_mutex_unlock(&v->lock);
			mark_stopped(self);
			pthread_mutex_lock(&v->lock);
		}
		if (!v->stopped)
			pthread_kill(v->thread, SIG_KICK);
	}
	pthread_mutex_unlock(&v->lock);
}

/*
 * Make vCPU v leave KVM_RUN soon (or not enter it): immediate_exit first,
 * then the signal, so a thread on its way into KVM_RUN cannot miss both.
 * The thread finds out why from its own state; nothing is waited for.
 */
void vcpu_kick(struct vcpu *v)
{
	if (!v->thread_started)
		return;
	if (v->run)
		__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(v->thread, SIG_KICK);
}

/* Stop every vCPU but 'self' (which stops by returning from its loop). */
void vcpu_stop_others(struct vmm *vm, struct vcpu *self)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (&vm->vcpus[i] != self)
			vcpu_stop(&vm->vcpus[i], self);
}

void vcpu_destroy(struct vcpu *v)
{
	if (v->thread_started) {
		pthread_join(v->thread, NULL);
		v->thread_started = false;
	}
	if (v->run)
		munmap(v->run, v->run_size);
	if (v->fd >= 0)
		close(v->fd);
	v->run = NULL;
	v->fd = -1;
	pthread_mutex_destroy(&v->lock);
	pthread_cond_destroy(&v->cond);
}
