// SPDX-License-Identifier: BSD-2-Clause
/*
 * The in-kernel vGICv3's state for a VM snapshot, through the device
 * attributes of Documentation/virt/kvm/devices/arm-vgic-v3.rst: distributor
 * and redistributor registers as userspace sees them, the line level of the
 * level-sensitive SPIs, and each vCPU's CPU interface system registers.
 *
 * The file holds a flat list of (group, attr, value) records in the order
 * they must be written back, so restore is a replay: distributor control
 * first, then each redistributor (configuration before pending/active,
 * enables last), the SPIs the same way, and the CPU interfaces last, after
 * the vCPUs' own system registers. Every access needs all vCPUs out of
 * KVM_RUN (the kernel takes every vCPU's lock): at snapshot their threads
 * have stopped, at restore none has started.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hw/gic.h"
#include "log.h"

/* Distributor (GICv3 IHI0069 12.9) */
#define GICD_CTLR		0x0000
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ISPENDR		0x0200
#define GICD_ISACTIVER		0x0300
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IGRPMODR		0x0d00
#define GICD_IROUTER		0x6000
/* Redistributor SGI/PPI frame (12.11), second 64 KiB of each redistributor */
#define GICR_SGI		0x10000
#define GICR_CTLR		0x0000
#define GICR_WAKER		0x0014

/* CPU interface registers: op0, op1, CRn, CRm, op2 as KVM_REG_ARM64_SYSREG's low bits. */
#define ICC(op1, crn, crm, op2)	((3u << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))
#define ICC_PMR_EL1		ICC(0, 4, 6, 0)
#define ICC_BPR0_EL1		ICC(0, 12, 8, 3)
#define ICC_AP0R_EL1(n)		ICC(0, 12, 8, 4 + (n))
#define ICC_AP1R_EL1(n)		ICC(0, 12, 9, (n))
#define ICC_BPR1_EL1		ICC(0, 12, 12, 3)
#define ICC_CTLR_EL1		ICC(0, 12, 12, 4)
#define ICC_SRE_EL1		ICC(0, 12, 12, 5)
#define ICC_IGRPEN0_EL1		ICC(0, 12, 12, 6)
#define ICC_IGRPEN1_EL1		ICC(0, 12, 12, 7)

/* The MPIDR field of a redistributor / CPU interface attribute (Aff3.Aff2.Aff1.Aff0). */
static uint64_t attr_mpidr(uint64_t mpidr)
{
	uint64_t aff = ((mpidr >> 8) & 0xff000000ull) | (mpidr & 0xffffffull);

	return aff << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
}

static const char *group_name(uint32_t group)
{
	switch (group) {
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
		return "DIST_REGS";
	case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
		return "REDIST_REGS";
	case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS:
		return "CPU_SYSREGS";
	case KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO:
		return "LEVEL_INFO";
	}
	return "?";
}

/* Whether the group's values are 64-bit (only the CPU interface's are). */
static bool group_is_64(uint32_t group)
{
	return group == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS;
}

static int gic_access(struct gic *g, bool set, uint32_t group, uint64_t attr, uint64_t *val)
{
	uint32_t v32 = (uint32_t)*val;
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = group_is_64(group) ? (uintptr_t)val : (uintptr_t)&v32,
	};
	int r = ioctl(g->fd, set ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a);

	if (r == 0 && !set && !group_is_64(group))
		*val = v32;
	return r;
}

/*
 * Read one register into the list. 'optional' registers that this host's
 * vGIC does not expose (an ICC_APnR beyond its priority bits) are left out;
 * any other failure is an error.
 */
static int save_one(struct gic *g, struct vmm_buf *b, uint32_t group, uint64_t attr,
		    bool optional)
{
	struct gic_reg r = { .group = group, .attr = attr };

	if (gic_access(g, false, group, attr, &r.val) < 0) {
		if (optional && (errno == EINVAL || errno == ENXIO))
			return 0;
		vmm_log("snapshot: vGICv3 KVM_GET_DEVICE_ATTR(%s, 0x%" PRIx64 "): %s",
			group_name(group), attr, strerror(errno));
		return -1;
	}
	return vmm_buf_put(b, &r, sizeof(r));
}

static int save_range(struct gic *g, struct vmm_buf *b, uint32_t group, uint64_t base,
		      uint64_t off, unsigned int first, unsigned int count)
{
	for (unsigned int i = first; i < first + count; i++)
		if (save_one(g, b, group, base | (off + 4ull * i), false) < 0)
			return -1;
	return 0;
}

/* One redistributor: configuration, then pending/active, then enables. */
static int save_redist(struct gic *g, struct vmm_buf *b, const struct vcpu *v)
{
	const uint32_t grp = KVM_DEV_ARM_VGIC_GRP_REDIST_REGS;
	uint64_t m = attr_mpidr(v->mpidr);

	if (save_one(g, b, grp, m | GICR_CTLR, true) < 0 ||
	    save_one(g, b, grp, m | GICR_WAKER, true) < 0 ||
	    save_range(g, b, grp, m, GICR_SGI + GICD_IGROUPR, 0, 1) < 0 ||
	    save_range(g, b, grp, m, GICR_SGI + GICD_IGRPMODR, 0, 1) < 0 ||
	    save_range(g, b, grp, m, GICR_SGI + GICD_ICFGR, 0, 2) < 0 ||
	    save_range(g, b, grp, m, GICR_SGI + GICD_IPRIORITYR, 0, 8) < 0 ||
	    save_range(g, b, grp, m, GICR_SGI + GICD_ISPENDR, 0, 1) < 0 ||
	    save_range(g, b, grp, m, GICR_SGI + GICD_ISACTIVER, 0, 1) < 0 ||
	    save_range(g, b, grp, m, GICR_SGI + GICD_ISENABLER, 0, 1) < 0)
		return -1;
	return 0;
}

/* The SPIs (INTID 32 .. VMM_NR_IRQS-1), in the same order as a redistributor. */
static int save_spis(struct gic *g, struct vmm_buf *b)
{
	const uint32_t grp = KVM_DEV_ARM_VGIC_GRP_DIST_REGS;
	const unsigned int words = VMM_NR_IRQS / 32;

	if (save_range(g, b, grp, 0, GICD_IGROUPR, 1, words - 1) < 0 ||
	    save_range(g, b, grp, 0, GICD_IGRPMODR, 1, words - 1) < 0)
		return -1;
	/* GICD_IROUTER<n> is 64-bit: two 32-bit halves (arm-vgic-v3.rst). */
	for (unsigned int irq = 32; irq < VMM_NR_IRQS; irq++)
		if (save_range(g, b, grp, 0, GICD_IROUTER + 8ull * irq, 0, 2) < 0)
			return -1;
	if (save_range(g, b, grp, 0, GICD_ICFGR, 2, VMM_NR_IRQS / 16 - 2) < 0)
		return -1;
	/* The input line of level-sensitive SPIs (the UART's), before their latches. */
	for (unsigned int irq = 32; irq < VMM_NR_IRQS; irq += 32)
		if (save_one(g, b, KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO,
			     ((uint64_t)VGIC_LEVEL_INFO_LINE_LEVEL <<
			      KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT) | irq, false) < 0)
			return -1;
	if (save_range(g, b, grp, 0, GICD_IPRIORITYR, 8, VMM_NR_IRQS / 4 - 8) < 0 ||
	    save_range(g, b, grp, 0, GICD_ISPENDR, 1, words - 1) < 0 ||
	    save_range(g, b, grp, 0, GICD_ISACTIVER, 1, words - 1) < 0 ||
	    save_range(g, b, grp, 0, GICD_ISENABLER, 1, words - 1) < 0)
		return -1;
	return 0;
}

/* One CPU interface: SRE and CTLR first, they define how the rest reads. */
static int save_cpuif(struct gic *g, struct vmm_buf *b, const struct vcpu *v)
{
	static const uint32_t regs[] = {
		ICC_SRE_EL1, ICC_CTLR_EL1, ICC_IGRPEN0_EL1, ICC_IGRPEN1_EL1, ICC_PMR_EL1,
		ICC_BPR0_EL1, ICC_BPR1_EL1,
	};
	const uint32_t grp = KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS;
	uint64_t m = attr_mpidr(v->mpidr);

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (save_one(g, b, grp, m | regs[i], false) < 0)
			return -1;
	/* Active priorities: as many as the priority bits need, absent ones skipped. */
	for (unsigned int n = 0; n < 4; n++)
		if (save_one(g, b, grp, m | ICC_AP0R_EL1(n), true) < 0 ||
		    save_one(g, b, grp, m | ICC_AP1R_EL1(n), true) < 0)
			return -1;
	return 0;
}

/*
 * Append the vGICv3's state to b as struct gic_reg records, in restore
 * order. Returns 0 or -errno (after a message).
 */
int gic_state_save(struct gic *g, struct vmm_buf *b)
{
	const struct vmm *vm = g->vm;

	if (g->version != 3) {
		vmm_log("snapshot: only a vGICv3 can be saved (this VM has a vGICv%d)", g->version);
		return -EOPNOTSUPP;
	}
	if (save_one(g, b, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, GICD_CTLR, false) < 0)
		return -EIO;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (save_redist(g, b, &vm->vcpus[i]) < 0)
			return -EIO;
	if (save_spis(g, b) < 0)
		return -EIO;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (save_cpuif(g, b, &vm->vcpus[i]) < 0)
			return -EIO;
	if (b->failed) {
		vmm_log("snapshot: out of memory for the vGIC state");
		return -ENOMEM;
	}
	return 0;
}

/* Whether a record's group is one gic_state_restore() may replay. */
static bool known_group(uint32_t group)
{
	return group == KVM_DEV_ARM_VGIC_GRP_DIST_REGS ||
	       group == KVM_DEV_ARM_VGIC_GRP_REDIST_REGS ||
	       group == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS ||
	       group == KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO;
}

/* A list of whole records of known groups, reserved fields zero: 0 or -EINVAL. */
int gic_state_check(const void *data, size_t len)
{
	const uint8_t *p = data;

	if (len % sizeof(struct gic_reg))
		return -EINVAL;
	for (size_t off = 0; off < len; off += sizeof(struct gic_reg)) {
		struct gic_reg r;

		memcpy(&r, p + off, sizeof(r));
		if (!known_group(r.group) || r.reserved)
			return -EINVAL;
	}
	return 0;
}

/*
 * Replay checked records into a fresh VM's vGICv3 (after CTRL_INIT and after
 * the vCPUs' registers). Returns 0 or -errno (after a message naming the
 * register).
 */
int gic_state_restore(struct gic *g, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (g->version != 3) {
		vmm_log("--restore: the snapshot needs a vGICv3, this host offers only a vGICv%d",
			g->version);
		return -EOPNOTSUPP;
	}
	for (size_t off = 0; off + sizeof(struct gic_reg) <= len; off += sizeof(struct gic_reg)) {
		struct gic_reg r;
		uint64_t val;

		memcpy(&r, p + off, sizeof(r));
		val = r.val;
		if (gic_access(g, true, r.group, r.attr, &val) < 0) {
			int err = errno;

			vmm_log("--restore: vGICv3 KVM_SET_DEVICE_ATTR(%s, 0x%" PRIx64 ", 0x%" PRIx64
				"): %s", group_name(r.group), r.attr, r.val, strerror(err));
			return -err;
		}
	}
	return 0;
}
