// SPDX-License-Identifier: BSD-2-Clause
/*
 * The in-kernel vGIC as a device: created for each boot at QEMU virt's
 * addresses (v3, or v2 where that is all the host has), its DT node, and
 * its state for snapshots (the vGICv3 register records of gic_state.c).
 * KVM emulates its MMIO, so it has no window on the bus.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hw/gic.h"
#include "log.h"

#define GIC_SNAP_TYPE	4	/* docs/vm-snapshot.md: the vGICv3 records */

static int gic_attr(struct gic *g, uint32_t group, uint64_t attr, void *val, const char *what)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)val };

	if (ioctl(g->fd, KVM_SET_DEVICE_ATTR, &a) < 0) {
		int err = errno;

		vmm_log("vGICv%d: KVM_SET_DEVICE_ATTR(%s): %s", g->version, what, strerror(err));
		return -err;
	}
	return 0;
}

/* vCPUs in virt's low redistributor region (123 of them at most); the rest go high. */
static unsigned int redist_low(unsigned int nr_vcpus)
{
	unsigned int low = (unsigned int)(VMM_GIC_REDIST_SIZE / VMM_GIC_REDIST_STRIDE);

	return nr_vcpus < low ? nr_vcpus : low;
}

/* Place one of the GIC's frames in the guest address space. */
static int set_addr(struct gic *g, uint64_t type, uint64_t addr, const char *what)
{
	return gic_attr(g, KVM_DEV_ARM_VGIC_GRP_ADDR, type, &addr, what);
}

static int create_v3(struct gic *g, unsigned int nr_vcpus)
{
	unsigned int nlow = redist_low(nr_vcpus);
	int r;

	r = set_addr(g, KVM_VGIC_V3_ADDR_TYPE_DIST, VMM_GIC_DIST_BASE, "distributor address");
	/* REDIST_REGION: count [63:52], base [51:16], index [11:0] */
	if (!r)
		r = set_addr(g, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
			     ((uint64_t)nlow << 52) | VMM_GIC_REDIST_BASE, "redistributor region 0");
	if (!r && nr_vcpus > nlow)
		r = set_addr(g, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
			     ((uint64_t)(nr_vcpus - nlow) << 52) | VMM_GIC_REDIST2_BASE | 1,
			     "redistributor region 1");
	return r;
}

static int create_v2(struct gic *g)
{
	int r = set_addr(g, KVM_VGIC_V2_ADDR_TYPE_DIST, VMM_GIC_DIST_BASE, "distributor address");

	return r ? r : set_addr(g, KVM_VGIC_V2_ADDR_TYPE_CPU, VMM_GIC_CPU_BASE,
				"CPU interface address");
}

/*
 * Create the in-kernel GIC of a new VM, once all its vCPUs exist, and
 * record its version in the VM (the DT, the events log, snapshots).
 */
static int gic_attach(struct vmm_device *dev, struct vmm *vm, const struct vmm_device_host *host)
{
	struct gic *g = dev->ctx;
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint32_t nr_irqs = VMM_NR_IRQS;
	int r;

	(void)host;
	g->vm = vm;
	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd) == 0) {
		g->version = 3;
		g->fd = (int)cd.fd;
		r = create_v3(g, vm->nr_vcpus);
	} else {
		int err3 = errno;

		cd.type = KVM_DEV_TYPE_ARM_VGIC_V2;
		if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd) < 0) {
			r = -errno;
			vmm_log("KVM_CREATE_DEVICE: no in-kernel GICv3 (%s) nor GICv2 (%s)",
				strerror(err3), strerror(errno));
			return r;
		}
		g->version = 2;
		g->fd = (int)cd.fd;
		r = create_v2(g);
	}
	vm->gic_version = g->version;
	if (!r)
		r = gic_attr(g, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs, "NR_IRQS");
	if (!r)
		r = gic_attr(g, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL,
			     "CTRL_INIT");
	return r;
}

static void gic_detach(struct vmm_device *dev)
{
	struct gic *g = dev->ctx;

	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
	g->vm = NULL;
}

/* intc@8000000, as on QEMU virt (arm,gic-v3.yaml / arm,gic.yaml). */
static int gic_fdt(struct vmm_device *dev, const struct vmm *vm, void *fdt)
{
	const struct gic *g = dev->ctx;
	struct hw_fdt c = { .fdt = fdt };
	int n;

	n = hw_fdt_subnode(&c, 0, "intc@8000000");
	if (g->version == 3) {
		unsigned int nlow = redist_low(vm->nr_vcpus);
		uint64_t r[6] = { VMM_GIC_DIST_BASE, VMM_GIC_DIST_SIZE, VMM_GIC_REDIST_BASE,
				  nlow * VMM_GIC_REDIST_STRIDE, VMM_GIC_REDIST2_BASE,
				  (vm->nr_vcpus - nlow) * VMM_GIC_REDIST_STRIDE };

		hw_fdt_str(&c, n, "compatible", "arm,gic-v3");
		hw_fdt_u32(&c, n, "#redistributor-regions", nlow < vm->nr_vcpus ? 2 : 1);
		hw_fdt_reg64(&c, n, nlow < vm->nr_vcpus ? 3 : 2, r);
	} else {
		uint64_t r[4] = { VMM_GIC_DIST_BASE, VMM_GIC_DIST_SIZE, VMM_GIC_CPU_BASE,
				  VMM_GIC_CPU_SIZE };

		hw_fdt_str(&c, n, "compatible", "arm,cortex-a15-gic");
		hw_fdt_reg64(&c, n, 2, r);
	}
	hw_fdt_u32(&c, n, "#interrupt-cells", 3);
	hw_fdt_empty(&c, n, "interrupt-controller");
	hw_fdt_u32(&c, n, "#address-cells", 2);
	hw_fdt_u32(&c, n, "#size-cells", 2);
	hw_fdt_empty(&c, n, "ranges");
	hw_fdt_u32(&c, n, "phandle", HW_PHANDLE_GIC);
	return c.err;
}

static int gic_save(struct vmm_device *dev, struct vmm_buf *out)
{
	return gic_state_save(dev->ctx, out);
}

static int gic_restore(struct vmm_device *dev, const void *data, size_t len)
{
	return gic_state_restore(dev->ctx, data, len);
}

static const struct vmm_device_ops gic_ops = {
	.name = "gic",
	.snap_type = GIC_SNAP_TYPE,
	.snap_required = true,	/* in every snapshot format: a file without it is damaged */
	.fdt = gic_fdt,
	.attach = gic_attach,
	.detach = gic_detach,
	.save = gic_save,
	.check = gic_state_check,
	.restore = gic_restore,
};

/* The vGIC lives at layout.h's fixed addresses, in KVM: no bus window, no SPI. */
struct vmm_device *gic_new(uint64_t base, uint64_t size, uint32_t spi)
{
	struct gic *g = calloc(1, sizeof(*g));

	(void)base;
	(void)size;
	(void)spi;
	if (!g) {
		vmm_log("out of memory for the vGIC");
		return NULL;
	}
	g->fd = -1;
	g->dev = (struct vmm_device){ .ops = &gic_ops, .ctx = g };
	return &g->dev;
}
