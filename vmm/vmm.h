/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vpsci-run internals: one VM, its vCPUs and devices. A VM lives for one
 * boot; a reboot in place destroys it and builds a fresh one from the same
 * options (fresh vCPU state, images reloaded).
 */
#ifndef VMM_VMM_H
#define VMM_VMM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/kvm.h>

#include <vpsci/vpsci.h>

#include "config.h"
#include "layout.h"
#include "machine.h"
#include "status.h"
#include "util/names.h"

/* Why a VM run ended. */
enum vmm_outcome {
	VMM_OUT_NONE = 0,
	VMM_OUT_OFF,
	VMM_OUT_RESET,
	VMM_OUT_HIBERNATE,
	VMM_OUT_CRASH,
	VMM_OUT_HOST_ERROR,
	VMM_OUT_STOPPED,
	VMM_OUT_SNAPSHOT,	/* paused for --snapshot: every vCPU stopped at a safe point */
};

struct vmm;
struct vcpu;
struct vmm_devices;

/*
 * The exits the vCPU loop hands to their owner (psci/ installs them with
 * psci_resolve()). Each returns 0, or -1 on a host error (the loop ends the
 * run with VMM_OUT_HOST_ERROR); *done: the run is over for this vCPU.
 */
struct vcpu_exits {
	/* KVM_EXIT_HYPERCALL, a forwarded HVC/SMC; *park: the caller is now off. */
	int (*hypercall)(struct vcpu *v, bool *park, bool *done);
	/* KVM_EXIT_SYSTEM_EVENT. */
	int (*system_event)(struct vcpu *v, bool *done);
};

struct vcpu {
	struct vmm *vm;
	uint32_t idx;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t thread;
	bool thread_started;
	bool start_parked;		/* the thread waits for CPU_ON before running */
	uint64_t mpidr;
	uint64_t last_unknown_mmio;	/* -v logs an unmapped address once (vcpu.c) */

	/* Protected by lock: the hand-over between this thread and others. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool on_pending;		/* ops->cpu_on() asked this vCPU to start */
	struct vpsci_entry on_entry;
	bool stopped;			/* the thread runs no more guest code */
	bool hold;			/* hold.c: stay out of KVM_RUN for a check */
	bool held;			/* hold.c: out of KVM_RUN, MP state read */
	uint32_t held_mp_state;

	atomic_bool stop;		/* asked to stop (VM teardown) */

	/* Owned by the vCPU's own thread: a CPU_SUSPEND in progress. */
	bool suspended;
	struct vpsci_result susp;
	uint64_t susp_t0_us;		/* when it was accepted (pm.c) */
};

struct vmm {
	const struct vmm_opts *opts;
	enum vmm_psci_mode mode;
	uint32_t psci_version;		/* what the guest sees */
	int kvm_fd;
	int vm_fd;
	int gic_version;		/* 2 or 3: set by the vGIC device at attach */
	uint8_t *ram;
	uint64_t ram_size;
	unsigned int nr_vcpus;
	struct vcpu *vcpus;
	int preferred_target;
	uint32_t vcpu_features;		/* KVM_ARM_VCPU_INIT features but POWER_OFF (psci/) */
	const struct vcpu_exits *exits;	/* psci/'s exit handlers */
	bool have_filter;		/* the host has KVM's SMCCC filter */
	uint32_t kvm_psci_version;	/* in-kernel PSCI version (kernel/hybrid) */
	bool system_suspend;		/* SYSTEM_SUSPEND offered to the guest */
	struct vpsci_vm *psci;
	uint64_t kernel_entry;
	uint64_t dtb_addr;
	struct vmm_devices *devices;	/* the run's device registry (device.h), set before vm_create() */

	pthread_mutex_t hold_lock;	/* one "every other vCPU off?" check at a time (hold.c) */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	enum vmm_outcome outcome;	/* first one set wins */
	bool wake;			/* a SYSTEM_SUSPEND wake source fired */
	const char *wake_reason;	/* which one: "uart", "signal" */
	struct vcpu *susp_vcpu;		/* the SYSTEM_SUSPEND caller, asleep */
	unsigned int boot_nr;
	atomic_bool pausing;		/* a snapshot stops the vCPUs: keep CPU_ONs pending */
};

/*
 * Return conventions of the middle layer (docs/design.md, section 0):
 *   "0 / -1"      a host call or helper: 0, or negative after a vmm_log()
 *                 naming the call (-errno where one host call failed, as
 *                 vcpu_get_reg/vcpu_set_reg do; callers test < 0);
 *   "0 / status"  decides how the process ends: 0 or a VMM_EXIT_* (status.h).
 */

/* crash.c: the fatal-signal reporter, on an alternate stack. */
void crash_setup(void);

/* vm.c: one VM for one boot. vm_destroy() cleans up after any failure. */
int vm_create(struct vmm *vm, const struct vmm_opts *opts, int kvm_fd);	/* 0 / status */
int vm_create_vcpus(struct vmm *vm);		/* 0 / status: vCPUs, then the devices */
int vm_boot_regs(struct vmm *vm);		/* 0 / status: the boot vCPU at the image */
enum vmm_outcome vm_run(struct vmm *vm);	/* every vCPU thread ended on return */
void vm_destroy(struct vmm *vm);
void vm_finish(struct vmm *vm, enum vmm_outcome out);	/* the first outcome wins */
void vm_wake(struct vmm *vm, const char *reason);	/* a SYSTEM_SUSPEND wake source fired */
void vm_wake_clear(struct vmm *vm);
void vm_set_suspended(struct vmm *vm, struct vcpu *v);
const char *vm_irq_source(struct vmm *vm);	/* never NULL */
int vm_host_check(int kvm_fd, const struct vmm_opts *opts,	/* 0 / status */
		  unsigned int *max_vcpus);

/* vcpu.c: a vCPU and its thread (the only one issuing its ioctls once it runs). */
int vcpu_create(struct vmm *vm, struct vcpu *v);	/* 0 / -1 */
int vcpu_start(struct vcpu *v);				/* 0 / -1 */
void vcpu_stop(struct vcpu *v, struct vcpu *self);	/* self: the caller's vCPU or NULL */
void vcpu_stop_others(struct vmm *vm, struct vcpu *self);
void vcpu_destroy(struct vcpu *v);
int vcpu_get_reg(struct vcpu *v, uint64_t id, uint64_t *val);	/* 0 / -1 */
int vcpu_set_reg(struct vcpu *v, uint64_t id, uint64_t val);	/* 0 / -1 */
/* How vcpu_enter_at() starts the vCPU (DEN0022 5.5 CPU_ON, 5.3 power-down wake-ups). */
enum vcpu_entry {
	VCPU_ENTRY_RESET,	/* architectural reset first (CPU_ON, SYSTEM_SUSPEND) */
	VCPU_ENTRY_WARM,	/* a power-down CPU_SUSPEND's wake-up: no reset */
};
int vcpu_enter_at(struct vcpu *v, const struct vpsci_entry *e, enum vcpu_entry how); /* 0 / -1 */
int vcpu_request_on(struct vcpu *v, const struct vpsci_entry *e);	/* 0 / -1: stopping */
struct vcpu *vcpu_current(void);	/* this thread's vCPU, NULL in other threads */
void vcpu_kick(struct vcpu *v);		/* out of KVM_RUN soon; nothing waited for */

/* hold.c: "is every other vCPU off?" where KVM owns CPU_ON/CPU_OFF. */
void vcpu_hold_point(struct vcpu *v);
int vcpu_others_off(struct vcpu *self);	/* 1 all off, 0 not (or busy), -1 VM going down */

#endif /* VMM_VMM_H */
