// SPDX-License-Identifier: BSD-2-Clause
/*
 * The device registry of one run and its MMIO bus (device.h). Devices are
 * registered once, before the first boot, in the machine's order
 * (hw/virt.c); every boot attaches them all to its VM and detaches them at
 * its end. The bus is a handful of windows, checked for overlap when a
 * device is added and searched linearly on an MMIO exit (kvmtool keeps an
 * rbtree; with five windows a scan is as fast and plainly right).
 *
 * The host callbacks a device gets at attach are the registry's: they
 * reach the VM through struct vmm_vm_ops (bus_kvm.c: KVM_IRQ_LINE,
 * vm_wake, vm_finish) and note the level of each device's interrupt line,
 * so a wake-up from the in-kernel suspended state can be put down to the
 * device that raised its line. Free of KVM, so host tests reach it.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <libfdt.h>

#include "device.h"
#include "layout.h"
#include "log.h"

void vmm_devices_init(struct vmm_devices *r, const struct vmm_vm_ops *vm_ops)
{
	memset(r, 0, sizeof(*r));
	r->vm_ops = vm_ops;
	pthread_mutex_init(&r->irq_lock, NULL);
}

static bool overlaps(const struct vmm_device *a, const struct vmm_device *b)
{
	if (!a->mmio_size || !b->mmio_size)
		return false;
	return a->mmio_base < b->mmio_base + b->mmio_size &&
	       b->mmio_base < a->mmio_base + a->mmio_size;
}

int vmm_device_register(struct vmm_devices *r, struct vmm_device *dev)
{
	const struct vmm_device *o;
	uint32_t instance = 0;

	if (r->nr >= VMM_MAX_DEVICES) {
		vmm_log("device %s: the registry is full (%d devices)", dev->ops->name,
			VMM_MAX_DEVICES);
		return -ENOSPC;
	}
	if ((dev->mmio_size && dev->mmio_base + dev->mmio_size < dev->mmio_base) ||
	    dev->spi >= VMM_NR_IRQS - 32) {
		vmm_log("device %s: MMIO window 0x%" PRIx64 "+0x%" PRIx64 " or SPI %" PRIu32
			" out of range", dev->ops->name, dev->mmio_base, dev->mmio_size, dev->spi);
		return -EINVAL;
	}
	vmm_devices_for_each(r, o) {
		if (overlaps(o, dev)) {
			vmm_log("device %s: MMIO window 0x%" PRIx64 "+0x%" PRIx64 " overlaps %s's",
				dev->ops->name, dev->mmio_base, dev->mmio_size, o->ops->name);
			return -EEXIST;
		}
		if (o->ops == dev->ops)
			instance++;
		else if (dev->ops->snap_type && o->ops->snap_type == dev->ops->snap_type) {
			vmm_log("device %s: snapshot type %" PRIu32 " is already %s's",
				dev->ops->name, dev->ops->snap_type, o->ops->name);
			return -EEXIST;
		}
	}
	dev->instance = instance;
	r->slot[r->nr].dev = dev;
	r->slot[r->nr].reg = r;
	r->nr++;
	return 0;
}

struct vmm_device *vmm_device_find(struct vmm_devices *r, uint32_t snap_type,
				   uint32_t instance)
{
	struct vmm_device *d;

	vmm_devices_for_each(r, d)
		if (d->ops->snap_type == snap_type && d->instance == instance)
			return d;
	return NULL;
}

bool vmm_bus_mmio(struct vmm_devices *r, uint64_t addr, uint8_t *data, uint32_t len,
		  bool is_write)
{
	struct vmm_device *d;

	vmm_devices_for_each(r, d)
		if (d->mmio_size && addr >= d->mmio_base && addr - d->mmio_base < d->mmio_size) {
			d->ops->mmio(d, addr - d->mmio_base, data, len, is_write);
			return true;
		}
	return false;
}

/* ---- host callbacks: the device's slot, then the VM ------------------------ */

/*
 * The line's level is noted under irq_lock held across the VM's call: a
 * vCPU woken by this very interrupt asks vmm_devices_irq_source() at once,
 * and must find the line already high.
 */
static int host_set_irq(void *opaque, bool level)
{
	struct vmm_device_slot *s = opaque;
	int err;

	pthread_mutex_lock(&s->reg->irq_lock);
	err = s->reg->vm_ops->set_irq(s->vm, s->dev->spi, level);
	if (!err) {
		if (level && !s->line)
			s->raised = ++s->reg->edges;
		s->line = level;
	}
	pthread_mutex_unlock(&s->reg->irq_lock);
	if (err < 0)
		vmm_log("%s: cannot drive SPI %" PRIu32 ": %s", s->dev->ops->name, s->dev->spi,
			strerror(-err));
	return err;
}

static void host_wake(void *opaque, const char *reason)
{
	struct vmm_device_slot *s = opaque;

	s->reg->vm_ops->wake(s->vm, reason);
}

static void host_request_stop(void *opaque)
{
	struct vmm_device_slot *s = opaque;

	s->reg->vm_ops->request_stop(s->vm);
}

int vmm_devices_attach(struct vmm_devices *r, struct vmm *vm)
{
	for (unsigned int i = 0; i < r->nr; i++) {
		struct vmm_device_slot *s = &r->slot[i];
		int err;

		s->host = (struct vmm_device_host){
			.opaque = s,
			.set_irq = host_set_irq,
			.wake = host_wake,
			.request_stop = host_request_stop,
		};
		s->line = false;
		s->vm = vm;
		err = s->dev->ops->attach ? s->dev->ops->attach(s->dev, vm, &s->host) : 0;
		if (err < 0) {
			vmm_devices_detach(r);	/* the failed one too: it undoes what it did */
			return err;
		}
	}
	return 0;
}

void vmm_devices_detach(struct vmm_devices *r)
{
	for (unsigned int i = r->nr; i-- > 0;) {
		struct vmm_device_slot *s = &r->slot[i];

		if (!s->vm)
			continue;
		if (s->dev->ops->detach)
			s->dev->ops->detach(s->dev);
		pthread_mutex_lock(&r->irq_lock);
		s->vm = NULL;
		s->line = false;
		pthread_mutex_unlock(&r->irq_lock);
	}
}

int vmm_devices_fdt(struct vmm_devices *r, const struct vmm *vm, void *fdt)
{
	struct vmm_device *d;
	int err;

	vmm_devices_for_each(r, d) {
		if (!d->ops->fdt)
			continue;
		err = d->ops->fdt(d, vm, fdt);
		if (err < 0) {
			vmm_log("device tree: the %s node: %s", d->ops->name, fdt_strerror(err));
			return -1;
		}
	}
	return 0;
}

const struct vmm_device *vmm_devices_console(struct vmm_devices *r)
{
	struct vmm_device *d;

	vmm_devices_for_each(r, d)
		if (d->ops->console)
			return d;
	return NULL;
}

const char *vmm_devices_irq_source(struct vmm_devices *r)
{
	const char *reason = NULL;
	uint64_t last = 0;

	pthread_mutex_lock(&r->irq_lock);
	for (unsigned int i = 0; i < r->nr; i++) {
		const struct vmm_device_slot *s = &r->slot[i];

		if (s->vm && s->line && s->dev->ops->wake_reason && s->raised > last) {
			last = s->raised;
			reason = s->dev->ops->wake_reason;
		}
	}
	pthread_mutex_unlock(&r->irq_lock);
	return reason;
}
