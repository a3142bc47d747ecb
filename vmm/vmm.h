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

#include "layout.h"
#include "psci/pm.h"
#include "status.h"

enum vmm_psci_mode {
	VMM_PSCI_USER,		/* the whole PSCI range goes to libvpsci */
	VMM_PSCI_HYBRID,	/* hot CPU calls in KVM, the rest in libvpsci */
	VMM_PSCI_KERNEL,	/* KVM's in-kernel PSCI; only system events seen */
};

/* One --disk: a file the guest sees as a DT pmem-region (disk.c). */
struct vmm_disk {
	const char *path;
	int fd;
	uint64_t size;
	uint64_t gpa;
};

/* Options given on the command line, for --resume's contradiction check. */
enum vmm_given {
	VMM_GIVEN_KERNEL	= 1u << 0,
	VMM_GIVEN_INITRD	= 1u << 1,
	VMM_GIVEN_APPEND	= 1u << 2,
	VMM_GIVEN_CPUS		= 1u << 3,
	VMM_GIVEN_MEM		= 1u << 4,
	VMM_GIVEN_PSCI_VERSION	= 1u << 5,
	VMM_GIVEN_CONDUIT	= 1u << 6,
	VMM_GIVEN_SYSTEM_SUSPEND = 1u << 7,
	VMM_GIVEN_DISK		= 1u << 8,
};

struct vmm_machine;

/* Options, fixed for the whole run (every reboot uses the same). */
struct vmm_opts {
	const char *kernel;
	const char *initrd;
	const char *append;
	unsigned int cpus;
	uint64_t mem_mib;
	enum vmm_psci_mode mode;
	bool mode_set;		/* --psci given (else chosen from the host) */
	uint32_t psci_version;	/* 0 = default for the mode */
	enum vpsci_conduit conduit;
	bool no_reboot;
	bool system_suspend;	/* offer SYSTEM_SUSPEND (user mode, 1.0+; default on) */
	bool system_suspend_set;	/* --system-suspend given explicitly */
	const char *events_path;
	int verbose;
	unsigned int max_reboots;	/* 0 = unlimited */
	struct vmm_disk disks[VMM_MAX_DISKS];	/* --disk, in order */
	unsigned int nr_disks;
	const char *machine_path;	/* --machine: description written on hibernation */
	bool machine_on_off;		/* --machine-on-off: also on a plain SYSTEM_OFF */
	const struct vmm_machine *resume;	/* --resume: the machine being resumed */
	unsigned int given;		/* enum vmm_given bits: options on the command line */
	const char *snapshot_path;	/* --snapshot FILE: written on SIGQUIT */
	const char *restore_path;	/* --restore FILE: continue a snapshotted VM */
	uint32_t snapshot_abi;		/* --snapshot-abi (tests): 0 = this build's */
	bool snapshot_continue;		/* --snapshot-continue: run on after writing */
	struct pm_opts pm;		/* power domains, optional functions (pm.c) */
};

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
	int gic_fd;
	int gic_version;		/* 2 or 3 */
	uint8_t *ram;
	uint64_t ram_size;
	unsigned int nr_vcpus;
	struct vcpu *vcpus;
	int preferred_target;
	bool have_filter;		/* the host has KVM's SMCCC filter */
	uint32_t kvm_psci_version;	/* in-kernel PSCI version (kernel/hybrid) */
	bool system_suspend;		/* SYSTEM_SUSPEND offered to the guest */
	struct vpsci_vm *psci;
	uint64_t kernel_entry;
	uint64_t dtb_addr;
	uint8_t *disk_map[VMM_MAX_DISKS];	/* MAP_SHARED views of the --disk files */

	pthread_mutex_t lock;
	pthread_cond_t cond;
	enum vmm_outcome outcome;	/* first one set wins */
	bool wake;			/* a SYSTEM_SUSPEND wake source fired */
	const char *wake_reason;	/* which one: "uart", "signal" */
	struct vcpu *susp_vcpu;		/* the SYSTEM_SUSPEND caller, asleep */
	struct vpsci_system_event last_event;
	bool have_event;
	unsigned int boot_nr;
	atomic_bool pausing;		/* a snapshot stops the vCPUs: keep CPU_ONs pending */
};

/* crash.c */
void crash_setup(void);
void crash_set_vcpu(int idx);

/* vm.c */
int vm_create(struct vmm *vm, const struct vmm_opts *opts, int kvm_fd);
enum vmm_outcome vm_run(struct vmm *vm);
void vm_destroy(struct vmm *vm);
void vm_finish(struct vmm *vm, enum vmm_outcome out);
void vm_wake(struct vmm *vm, const char *reason);
int vm_host_check(int kvm_fd, const struct vmm_opts *opts, unsigned int *max_vcpus);

/* vcpu.c */
int vcpu_create(struct vmm *vm, struct vcpu *v);
int vcpu_start(struct vcpu *v);
void vcpu_stop(struct vcpu *v, struct vcpu *self);
void vcpu_stop_others(struct vmm *vm, struct vcpu *self);
void vcpu_destroy(struct vcpu *v);
int vcpu_get_reg(struct vcpu *v, uint64_t id, uint64_t *val);
int vcpu_set_reg(struct vcpu *v, uint64_t id, uint64_t val);
int vcpu_enter_at(struct vcpu *v, const struct vpsci_entry *e);
void vcpu_kick(struct vcpu *v);

/* hold.c */
void vcpu_hold_point(struct vcpu *v);
int vcpu_others_off(struct vcpu *self);

/* loader.c */
int loader_load(struct vmm *vm);

/*
 * Transitional (layering refactor, issue 12): the headers of the upper
 * layers, until every file includes what it uses. Remove, do not extend.
 */
#include "events.h"
#include "hw/hw.h"
#include "log.h"
#include "psci/psci.h"
#include "state/state.h"
#include "util/sha256.h"

#endif /* VMM_VMM_H */
