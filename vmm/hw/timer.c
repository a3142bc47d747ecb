// SPDX-License-Identifier: BSD-2-Clause
/*
 * The architected timer: KVM emulates it for each vCPU, so all the VMM
 * adds is its DT node (arm,arch_timer.yaml), with the PPIs QEMU virt uses,
 * written for the VM's GIC (kvmtool's arm/timer.c does the same).
 */
#include <stdlib.h>

#include <libfdt.h>

#include "hw/hw.h"
#include "log.h"

/* Architected timer PPIs, as on QEMU virt: secure, non-secure, virtual, hyp */
static const uint32_t timer_ppis[4] = { 13, 14, 11, 10 };

static int timer_fdt(struct vmm_device *dev, const struct vmm *vm, void *fdt)
{
	struct hw_fdt c = { .fdt = fdt };
	uint32_t flags = HW_IRQ_LEVEL_HIGH;
	fdt32_t v[12];
	int n;

	(void)dev;
	/* GICv2 PPI specifiers carry a CPU mask in bits [15:8]. */
	if (vm->gic_version == 2)
		flags |= ((1u << vm->nr_vcpus) - 1) << 8;
	for (int i = 0; i < 4; i++) {
		v[3 * (size_t)i] = cpu_to_fdt32(HW_FDT_PPI);
		v[3 * (size_t)i + 1] = cpu_to_fdt32(timer_ppis[i]);
		v[3 * (size_t)i + 2] = cpu_to_fdt32(flags);
	}
	n = hw_fdt_subnode(&c, 0, "timer");
	hw_fdt_strs(&c, n, "compatible", "arm,armv8-timer", "arm,armv7-timer");
	hw_fdt_check(&c, fdt_setprop(fdt, n, "interrupts", v, sizeof(v)), "interrupts");
	hw_fdt_empty(&c, n, "always-on");
	return c.err;
}

static const struct vmm_device_ops timer_ops = {
	.name = "timer",
	.fdt = timer_fdt,
};

struct vmm_device *timer_new(uint64_t base, uint64_t size, uint32_t spi)
{
	struct vmm_device *d = calloc(1, sizeof(*d));

	(void)base;
	(void)size;
	(void)spi;
	if (!d) {
		vmm_log("out of memory for the timer");
		return NULL;
	}
	d->ops = &timer_ops;
	return d;
}
