// SPDX-License-Identifier: BSD-2-Clause
/*
 * The machine: which devices vpsci-run's virt-like board has, where, and on
 * which GIC SPI, in the order they are attached and appear in the DT (QEMU
 * hw/arm/virt.c's memmap and irqmap, for the devices vpsci-run has). Adding
 * a device is one file in hw/ and one line here. The GIC's and RAM's fixed
 * addresses are in layout.h: they are KVM's, not on the MMIO bus.
 */
#include <errno.h>

#include "hw/hw.h"
#include "log.h"

static const struct virt_device {
	struct vmm_device *(*create)(uint64_t base, uint64_t size, uint32_t spi);
	uint64_t base, size;	/* MMIO window on the bus; 0, 0: none */
	uint32_t spi;		/* GIC SPI (INTID 32 + spi) */
} virt_devices[] = {
	{ gic_new,	0,		0,		0 },	/* first: the others' lines */
	{ timer_new,	0,		0,		0 },
	{ pl011_new,	0x09000000,	0x1000,		1 },	/* the console, stdio */
	{ pl031_new,	0x09010000,	0x1000,		2 },
};

static int add(struct vmm_devices *r, struct vmm_device *dev)
{
	if (!dev)
		return -ENOMEM;
	return vmm_device_register(r, dev);
}

/*
 * Build and register the machine's devices, once per run, then one pmem
 * device per opened --disk. Returns 0 or -errno after a message.
 */
int virt_register(struct vmm_devices *r, const struct vmm_opts *o)
{
	const struct virt_device *v;
	int err;

	for (v = virt_devices; v < virt_devices + sizeof(virt_devices) / sizeof(*v); v++) {
		err = add(r, v->create(v->base, v->size, v->spi));
		if (err)
			return err;
	}
	for (unsigned int i = 0; i < o->nr_disks; i++) {
		err = add(r, pmem_new(&o->disks[i]));
		if (err)
			return err;
	}
	return 0;
}
