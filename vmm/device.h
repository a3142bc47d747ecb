/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device model of vpsci-run (issue 12): every emulated device is one
 * struct vmm_device with its own context, registered once per run with the
 * device registry (bus.c). The VM core reaches devices only through this
 * interface, never by name: vm_create() attaches every registered device to
 * the new VM and vm_destroy() detaches them, the run loop hands MMIO exits
 * to the bus, the DT builder asks each device for its node, snapshots store
 * each device's state as a section keyed by (snap_type, instance) so that a
 * new device adds a section and an old reader skips what it does not know
 * (kvmtool's kvm__register_iotrap + per-device FDT callbacks, crosvm's
 * BusDevice and Suspendable are the models).
 *
 * Lifetimes: a device lives for the whole run (every reboot in place uses
 * the same instance), so what must survive a reboot (the RTC's wall-clock
 * offset, typed-ahead console input) stays in its context; what a guest
 * sees after reset is set again by attach(). Everything of one boot (the
 * in-kernel vGIC's fd, a disk's mapping) is made by attach() and undone by
 * detach().
 *
 * A device sees offsets into its own window, never its base address.
 * Devices do not call up into the VM: what they need from it (drive an
 * interrupt line, a wake-up request, a stop request) comes through the
 * struct vmm_device_host callbacks given at attach. A device that lives in
 * KVM (vGIC, memory slots) reads the VM's fds and vCPUs from the struct
 * vmm attach() gets; it changes the VM only through the host callbacks
 * (the interrupt controller also records vm->gic_version).
 *
 * Return convention: 0 or a negative errno; a device logs the reason of
 * a host failure itself (vmm_log) before returning it.
 *
 * THIS HEADER IS THE CONTRACT BETWEEN THE hw/, state/ AND vm LAYERS.
 */
#ifndef VMM_DEVICE_H
#define VMM_DEVICE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vmm;
struct vmm_buf;			/* util/buf.h: a growable output buffer for save() */
struct vmm_device;
struct vmm_devices;

/* What a device may ask of the VM it is attached to. */
struct vmm_device_host {
	void *opaque;
	/* Drive the device's GIC SPI (INTID 32 + dev->spi) to 'level'; 0 or -errno. */
	int (*set_irq)(void *opaque, bool level);
	/* A host-side wake-up source fired (SYSTEM_SUSPEND): 'reason' names it. */
	void (*wake)(void *opaque, const char *reason);
	/* The user asked to stop the run (Ctrl-A x on the console). */
	void (*request_stop)(void *opaque);
};

struct vmm_device_ops {
	const char *name;		/* "pl011", "pl031", "gic", "pmem", ...: DT node <name>@<base> */
	/*
	 * Stable snapshot section type of this kind of device (docs/vm-snapshot.md
	 * lists them; the registry refuses two kinds with the same one); 0: the
	 * device has no state to save.
	 */
	uint32_t snap_type;
	/* A snapshot without this device's section is corrupt (else: it starts at reset). */
	bool snap_required;
	/* SYSTEM_WAKE's "reason" when this device's line wakes the VM; NULL: never. */
	const char *wake_reason;
	/* The console: /chosen's stdout-path and /aliases' serial0 name its node. */
	bool console;
	/* A guest access at 'offset' into the window (len 1..8). */
	void (*mmio)(struct vmm_device *dev, uint64_t offset, uint8_t *data, uint32_t len,
		     bool is_write);
	/* Add this device's node(s) to the DT being built; 0 or a libfdt error. */
	int (*fdt)(struct vmm_device *dev, const struct vmm *vm, void *fdt);
	/* vm_create(): a VM (one boot) starts using the device, which is at reset. */
	int (*attach)(struct vmm_device *dev, struct vmm *vm, const struct vmm_device_host *host);
	/*
	 * vm_destroy(), or after a failed attach() (undo what it did): the VM
	 * ends; no host callback may be called after this.
	 */
	void (*detach)(struct vmm_device *dev);
	/* Append the device's guest-visible state to 'out' (snapshots, migration). */
	int (*save)(struct vmm_device *dev, struct vmm_buf *out);
	/*
	 * Whether 'data' is a state restore() accepts: 0 or -EINVAL. Free of KVM
	 * and of the VM, so a file is checked before anything runs (and fuzzed).
	 */
	int (*check)(const void *data, size_t len);
	/* Apply a checked state to the attached device (--restore). */
	int (*restore)(struct vmm_device *dev, const void *data, size_t len);
};

struct vmm_device {
	const struct vmm_device_ops *ops;
	void *ctx;			/* the device's own state */
	uint32_t instance;		/* 0, 1, ... among devices of the same ops (registry) */
	uint64_t mmio_base;		/* 0 and size 0: no MMIO window on the bus */
	uint64_t mmio_size;
	uint32_t spi;			/* its interrupt line (GIC SPI), if any */
};

/* ---- bus.c: the registry of one run and its MMIO bus ---------------------- */

#define VMM_MAX_DEVICES		16

/* The registry's view of one device: its host callbacks and interrupt line. */
struct vmm_device_slot {
	struct vmm_device *dev;
	struct vmm_devices *reg;
	struct vmm *vm;			/* attached to, or NULL */
	struct vmm_device_host host;
	bool line;			/* the level set_irq() last drove */
	uint64_t raised;		/* when it last rose (the registry's edge count) */
};

/* What the registry needs of the VM its devices are attached to; 0 or -errno. */
struct vmm_vm_ops {
	int (*set_irq)(struct vmm *vm, uint32_t spi, bool level);
	void (*wake)(struct vmm *vm, const char *reason);
	void (*request_stop)(struct vmm *vm);
};
extern const struct vmm_vm_ops vmm_kvm_vm_ops;	/* bus_kvm.c: KVM_IRQ_LINE, vm_wake, vm_finish */

struct vmm_devices {
	struct vmm_device_slot slot[VMM_MAX_DEVICES];	/* registration order */
	unsigned int nr;
	const struct vmm_vm_ops *vm_ops;
	pthread_mutex_t irq_lock;	/* slot[].line / raised, edges */
	uint64_t edges;
};

/* Iterate the devices of 'r' in registration order (attach, DT, snapshot order). */
#define vmm_devices_for_each(r, d)						\
	for (unsigned int d##_i_ = 0;						\
	     d##_i_ < (r)->nr && ((d) = (r)->slot[d##_i_].dev, 1); d##_i_++)

/* An empty registry whose devices reach their VM through vm_ops (&vmm_kvm_vm_ops). */
void vmm_devices_init(struct vmm_devices *r, const struct vmm_vm_ops *vm_ops);
/*
 * Add a device, before the first boot (the bus is read without a lock
 * while vCPUs run). Its instance number is set here. Returns 0, -EEXIST
 * if its window overlaps another's or its snap_type is another kind's,
 * -EINVAL for a window that wraps or an SPI past the vGIC's, -ENOSPC when
 * the registry is full (each with a message: a bug in the machine's table).
 */
int vmm_device_register(struct vmm_devices *r, struct vmm_device *dev);
/* The device of kind 'snap_type' and number 'instance', or NULL. */
struct vmm_device *vmm_device_find(struct vmm_devices *r, uint32_t snap_type,
				   uint32_t instance);
/* An MMIO exit: true if a device's window holds 'addr' (the device handled it). */
bool vmm_bus_mmio(struct vmm_devices *r, uint64_t addr, uint8_t *data, uint32_t len,
		  bool is_write);
/*
 * Attach every device to 'vm', in order. Returns 0 or the first -errno,
 * every device detached then (the failed one too).
 */
int vmm_devices_attach(struct vmm_devices *r, struct vmm *vm);
/* Detach every attached device, in reverse order. */
void vmm_devices_detach(struct vmm_devices *r);
/* Every device's DT node(s), in order; 0 or -1 after a message naming the device. */
int vmm_devices_fdt(struct vmm_devices *r, const struct vmm *vm, void *fdt);
/* The console device (ops->console), or NULL. */
const struct vmm_device *vmm_devices_console(struct vmm_devices *r);
/*
 * What most likely woke a suspended VM: the wake_reason of the device whose
 * interrupt line rose last among those still high, or NULL if none is.
 */
const char *vmm_devices_irq_source(struct vmm_devices *r);

#endif /* VMM_DEVICE_H */
