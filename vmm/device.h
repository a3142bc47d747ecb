/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device model of vpsci-run (issue 12): every emulated device is one
 * struct vmm_device with its own context, registered with the VM's device
 * registry. The VM core reaches devices only through this interface, never
 * by name: the run loop hands MMIO exits to the bus, the DT builder asks
 * each device for its node, snapshots store each device's state as a
 * section keyed by (snap_type, instance) so that a new device adds a
 * section and an old reader skips what it does not know (kvmtool's
 * kvm__register_iotrap + per-device FDT callbacks, crosvm's BusDevice and
 * Suspendable are the models).
 *
 * A device sees offsets into its own window, never its base address.
 * Devices do not call up into the VM: what they need from it (raise an
 * interrupt line, a wake-up request, a stop request) comes through the
 * struct vmm_device_host callbacks the registry gives them at attach.
 *
 * THIS HEADER IS THE CONTRACT BETWEEN THE hw/, state/ AND vm LAYERS; the
 * owner of hw/ may refine it (names, extra hooks), keeping its spirit.
 */
#ifndef VMM_DEVICE_H
#define VMM_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vmm_device;

/* What a device may ask of the machine it is attached to. */
struct vmm_device_host {
	void *opaque;
	/* Drive GIC SPI 'spi' (INTID 32 + spi) to 'level'; 0 or -errno. */
	int (*set_irq)(void *opaque, uint32_t spi, bool level);
	/* A wake-up source fired (SYSTEM_SUSPEND): 'reason' names it. */
	void (*wake)(void *opaque, const char *reason);
	/* Ask the VM to stop, e.g. Ctrl-A x on the console. */
	void (*request_stop)(void *opaque, int why);
};

/* A growable output buffer for save(); see util/buf.h. */
struct vmm_buf;

struct vmm_device_ops {
	const char *name;		/* "pl011", "pl031", "gicv3", "pmem", ... */
	/*
	 * Stable snapshot section type of this kind of device (docs/vm-snapshot.md
	 * lists them); 0: the device has no state to save.
	 */
	uint32_t snap_type;
	/* A guest access at 'offset' into the window; true if handled. */
	bool (*mmio)(struct vmm_device *dev, uint64_t offset, uint8_t *data, uint32_t len,
		     bool is_write);
	/* Add this device's node(s) to the DT being built; 0 or a libfdt error. */
	int (*fdt)(struct vmm_device *dev, void *fdt);
	/* A VM (one boot) starts / ends using the device. */
	int (*attach)(struct vmm_device *dev, const struct vmm_device_host *host);
	void (*detach)(struct vmm_device *dev);
	/* The device's guest-visible state, for snapshots and migration. */
	int (*save)(struct vmm_device *dev, struct vmm_buf *out);
	/* Validate and apply a saved state; -EINVAL for a malformed one. */
	int (*restore)(struct vmm_device *dev, const void *data, size_t len);
};

struct vmm_device {
	const struct vmm_device_ops *ops;
	void *ctx;			/* the device's own state */
	uint32_t instance;		/* 0, 1, ... among devices of the same ops */
	uint64_t mmio_base;		/* 0 and size 0: no MMIO window */
	uint64_t mmio_size;
	uint32_t spi;			/* its interrupt line, if any */
};

#endif /* VMM_DEVICE_H */
