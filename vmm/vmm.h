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
	VMM_EXIT_SNAPSHOT	= 7,	/* --snapshot FILE written on SIGQUIT (docs/vm-snapshot.md) */
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
#define VMM_RTC_BASE		0x09010000ull	/* PL031, as on virt */
#define VMM_RTC_SIZE		0x00001000ull
#define VMM_RTC_SPI		2		/* GIC SPI 2 = INTID 34 */
#define VMM_RAM_BASE		0x40000000ull
#define VMM_NR_IRQS		128		/* SPIs + 32 private */
/* Guest disks (disk.c): pmem regions from 320 GiB, each 1 GiB aligned, below 1 TiB. */
#define VMM_DISK_BASE		0x5000000000ull
#define VMM_DISK_LIMIT		0x10000000000ull	/* KVM's default 40-bit IPA space */
#define VMM_DISK_ALIGN		0x40000000ull
#define VMM_DISK_SIZE_ALIGN	0x200000ull		/* file sizes: multiples of 2 MiB */
#define VMM_MAX_DISKS		4
#define VMM_DISK_SLOT0		1			/* KVM memslots 1..4; RAM is 0 */

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

/* main.c */
void vmm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vmm_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int vmm_verbose;

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

/* disk.c */
int disk_add(struct vmm_opts *o, const char *path);
int disk_open_all(struct vmm_opts *o);
int disk_map_all(struct vmm *vm);
void disk_unmap_all(struct vmm *vm);
int disk_fdt_add(const struct vmm *vm, void *fdt);

/* machine.c */
int machine_load(const char *path, struct vmm_opts *o);
int machine_save(struct vmm *vm, const char *path, const char *reason);
int machine_check_engine(const struct vmm *vm);
const void *machine_engine_snapshot(const struct vmm_machine *m, size_t *len);

/* sha256.c */
struct sha256 {
	uint32_t h[8];
	uint8_t buf[64];
	uint64_t len;
	size_t fill;
	void (*block)(uint32_t h[8], const uint8_t *p);
};
void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_hex(struct sha256 *s, char out[65]);

/* uart.c */
int uart_init(void);
void uart_attach(struct vmm *vm);
void uart_detach(void);
bool uart_mmio(uint64_t addr, uint8_t *data, uint32_t len, bool is_write);
void uart_restore_tty(void);
bool uart_irq_level(void);

/* rtc.c */
int rtc_init(void);
void rtc_attach(struct vmm *vm);
void rtc_detach(void);
bool rtc_mmio(uint64_t addr, uint8_t *data, uint32_t len, bool is_write);
bool rtc_irq_level(void);
int rtc_fdt_add(void *fdt, uint32_t clk_phandle);
/* rtc.c: the PL031's state, for snapshots (docs/vm-snapshot.md) */
struct vmm_rtc_state {
	int64_t offset;			/* counter = host wall-clock seconds + offset */
	uint32_t mr, lr, cr, imsc, ris;
	uint32_t armed;			/* 1: an alarm is ahead (at counter == mr) */
};
void rtc_save(struct vmm_rtc_state *s);
void rtc_set_restore(const struct vmm_rtc_state *s);

/* uart.c: the PL011's state, for snapshots (docs/vm-snapshot.md) */
#define VMM_UART_FIFO	32
struct vmm_uart_state {
	uint32_t imsc, lcrh, cr, ifls, ibrd, fbrd, ilpr, dmacr, ris_tx;
	uint32_t count;			/* bytes in fifo[0..count) */
	uint8_t fifo[VMM_UART_FIFO];
};
void uart_save(struct vmm_uart_state *s);
void uart_set_restore(const struct vmm_uart_state *s);

/* snapshot.c (+ gic_state.c): whole-VM snapshot and restore */
bool snapshot_pausable(struct vmm *vm);
int snapshot_write(struct vmm *vm, const char *path);
void snapshot_continue(struct vmm *vm);
int snapshot_load(struct vmm_opts *o);
int snapshot_restore(struct vmm *vm);

/* events.c */
int events_open(const char *path);
void events_close(void);
double events_now(void);
void events_call(uint32_t vcpu, uint32_t fid, const uint64_t args[3], uint64_t ret,
		 const char *conduit, const char *handled, const char *exit);
void events_system(const char *event, uint32_t vcpu, const char *handled, const char *extra);
void events_note(const char *event, const char *extra);

#endif /* VMM_VMM_H */
