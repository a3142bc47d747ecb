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

#include "pm.h"

/* Exit statuses of vpsci-run (documented in --help and docs/vpsci-run.md). */
enum vmm_status {
	VMM_EXIT_OFF		= 0,	/* the guest powered off (SYSTEM_OFF) */
	VMM_EXIT_USAGE		= 1,	/* bad options, bad image, too many vCPUs, too much RAM */
	VMM_EXIT_HOST		= 2,	/* host or KVM error: no /dev/kvm, no SMCCC filter, ioctl */
	VMM_EXIT_CRASH		= 3,	/* guest crash or internal error */
	VMM_EXIT_HIBERNATED	= 4,	/* SYSTEM_OFF2: the guest hibernated */
	VMM_EXIT_RESET		= 5,	/* SYSTEM_RESET(2) with --no-reboot */
	VMM_EXIT_STOPPED	= 6,	/* stopped from the host: Ctrl-A x, SIGINT, SIGTERM */
};

/* QEMU virt memory map (hw/arm/virt.c), so guests built for virt run unchanged. */
#define VMM_GIC_DIST_BASE	0x08000000ull
#define VMM_GIC_DIST_SIZE	0x00010000ull
#define VMM_GIC_CPU_BASE	0x08010000ull	/* GICv2 CPU interface */
#define VMM_GIC_CPU_SIZE	0x00010000ull
#define VMM_GIC_REDIST_BASE	0x080a0000ull	/* GICv3 redistributors, low region */
#define VMM_GIC_REDIST_SIZE	0x00f60000ull
#define VMM_GIC_REDIST2_BASE	0x4000000000ull	/* high region, as virt's highmem */
#define VMM_GIC_REDIST2_SIZE	0x0004000000ull
#define VMM_GIC_REDIST_STRIDE	0x20000ull	/* 2 x 64 KiB frames per vCPU */
#define VMM_UART_BASE		0x09000000ull
#define VMM_UART_SIZE		0x00001000ull
#define VMM_UART_SPI		1		/* GIC SPI 1 = INTID 33 */
#define VMM_RAM_BASE		0x40000000ull
#define VMM_NR_IRQS		128		/* SPIs + 32 private */

enum vmm_psci_mode {
	VMM_PSCI_USER,		/* the whole PSCI range goes to libvpsci */
	VMM_PSCI_HYBRID,	/* hot CPU calls in KVM, the rest in libvpsci */
	VMM_PSCI_KERNEL,	/* KVM's in-kernel PSCI; only system events seen */
};

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
	bool system_suspend;	/* offer SYSTEM_SUSPEND (user mode, 1.0+) */
	const char *events_path;
	int verbose;
	unsigned int max_reboots;	/* 0 = unlimited */
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
	uint64_t mpidr;

	/* Protected by lock: the hand-over between this thread and others. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool on_pending;		/* ops->cpu_on() asked this vCPU to start */
	struct vpsci_entry on_entry;
	bool stopped;			/* the thread runs no more guest code */

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
	struct vpsci_vm *psci;
	uint64_t kernel_entry;
	uint64_t dtb_addr;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	enum vmm_outcome outcome;	/* first one set wins */
	bool wake;			/* a SYSTEM_SUSPEND wake source fired */
	struct vpsci_system_event last_event;
	bool have_event;
	unsigned int boot_nr;
};

/* main.c */
void vmm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vmm_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int vmm_verbose;

/* vm.c */
int vm_create(struct vmm *vm, const struct vmm_opts *opts, int kvm_fd);
enum vmm_outcome vm_run(struct vmm *vm);
void vm_destroy(struct vmm *vm);
void vm_finish(struct vmm *vm, enum vmm_outcome out);
void vm_wake(struct vmm *vm);
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

/* psci.c */
int psci_resolve(struct vmm *vm);
int psci_setup(struct vmm *vm);
int psci_vcpu_init_features(const struct vmm *vm, uint32_t idx, uint32_t *features);
int psci_handle_hypercall(struct vcpu *v, bool *park, bool *done);
int psci_handle_system_event(struct vcpu *v, bool *done);
int psci_wait_park(struct vcpu *v);
const char *psci_mode_name(enum vmm_psci_mode m);

/* fdt.c */
int fdt_build(struct vmm *vm, void *buf, size_t size, uint64_t initrd_start,
	      uint64_t initrd_end);

/* loader.c */
int loader_load(struct vmm *vm);

/* uart.c */
int uart_init(void);
void uart_attach(struct vmm *vm);
void uart_detach(void);
bool uart_mmio(uint64_t addr, uint8_t *data, uint32_t len, bool is_write);
void uart_restore_tty(void);

/* events.c */
int events_open(const char *path);
void events_close(void);
double events_now(void);
void events_call(uint32_t vcpu, uint32_t fid, const uint64_t args[3], uint64_t ret,
		 const char *conduit, const char *handled, const char *exit);
void events_system(const char *event, uint32_t vcpu, const char *handled, const char *extra);
void events_note(const char *event, const char *extra);

#endif /* VMM_VMM_H */
