/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Just enough GICv3 for wake-ups: the virtual timer PPI is enabled, Group 1,
 * with a priority above the PMR, so an expiring timer makes WFI (and the
 * WFI-like PSCI states: CPU_SUSPEND, SYSTEM_SUSPEND) return. PSTATE.I stays
 * set, so the interrupt is never taken: a pending IRQ wakes a WFI even when
 * masked (Arm ARM D1.6, "Wait for Interrupt"). Every CPU_SUSPEND in the suite
 * arms the timer first, so an implementation that accepts a state it should
 * refuse still returns instead of sleeping forever.
 */
#include "gt.h"

#define GICD_CTLR		0x0000
#define GICD_CTLR_RWP		(1u << 31)
#define GICD_CTLR_ARE		(1u << 4)
#define GICD_CTLR_ENGRP1	(1u << 1)
#define GICR_WAKER		0x0014
#define GICR_WAKER_PSLEEP	(1u << 1)
#define GICR_WAKER_CASLEEP	(1u << 2)
#define GICR_TYPER		0x0008
#define GICR_TYPER_VLPIS	(1ull << 1)
#define GICR_TYPER_LAST		(1ull << 4)
#define GICR_SGI		0x10000
#define GICR_IGROUPR0		0x0080
#define GICR_ISENABLER0		0x0100
#define GICR_ICENABLER0		0x0180
#define GICR_ICPENDR0		0x0280
#define GICR_IPRIORITYR		0x0400

static bool gic_ok;

static inline uint32_t rd32(uint64_t a)
{
	return *(volatile uint32_t *)a;
}

static inline void wr32(uint64_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static inline uint64_t rd64(uint64_t a)
{
	return *(volatile uint64_t *)a;
}

static bool wait_clear(uint64_t reg, uint32_t mask)
{
	uint64_t end = gt_counter() + gt_ms_to_ticks(100);

	while (rd32(reg) & mask)
		if (gt_counter() > end)
			return false;
	return true;
}

int gt_gic_init(void)
{
	uint64_t d = gt_plat.gicd_base;

	if (!d || !gt_plat.gicr_base)
		return -1;
	/* ARE first with the groups disabled, then Group 1 (GICv3 12.9.4) */
	wr32(d + GICD_CTLR, GICD_CTLR_ARE);
	if (!wait_clear(d + GICD_CTLR, GICD_CTLR_RWP))
		return -1;
	wr32(d + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENGRP1);
	if (!wait_clear(d + GICD_CTLR, GICD_CTLR_RWP))
		return -1;
	gic_ok = true;
	return 0;
}

bool gt_gic_ready(void)
{
	return gic_ok;
}

/* This CPU's redistributor: the frame whose GICR_TYPER affinity is ours. */
static uint64_t my_redist(void)
{
	uint64_t m = gt_read_sysreg(mpidr_el1);
	uint64_t aff = ((m >> 32) & 0xff) << 24 | (m & 0xffffff);
	uint64_t rd = gt_plat.gicr_base;
	uint64_t end = gt_plat.gicr_base + gt_plat.gicr_size;

	while (rd < end) {
		uint64_t typer = rd64(rd + GICR_TYPER);

		if ((typer >> 32) == aff)
			return rd;
		if (typer & GICR_TYPER_LAST)
			break;
		rd += (typer & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
	}
	return 0;
}

/*
 * A private interrupt (SGI or PPI, INTID < 32) of this CPU: on, Group 1 at
 * priority 0x80 (above the PMR) and enabled; off, disabled and no longer
 * pending. 0, or -1 when this CPU has no redistributor.
 */
int gt_gic_private_irq(unsigned int intid, bool on)
{
	uint64_t rd = my_redist(), sgi, prio_reg;
	uint32_t prio;

	if (!rd || intid >= 32)
		return -1;
	sgi = rd + GICR_SGI;
	if (!on) {
		wr32(sgi + GICR_ICENABLER0, 1u << intid);
		wr32(sgi + GICR_ICPENDR0, 1u << intid);
		return 0;
	}
	prio_reg = sgi + GICR_IPRIORITYR + (intid & ~3u);
	wr32(sgi + GICR_IGROUPR0, rd32(sgi + GICR_IGROUPR0) | (1u << intid));
	prio = rd32(prio_reg);
	prio &= ~(0xffu << (8 * (intid & 3)));
	prio |= 0x80u << (8 * (intid & 3));
	wr32(prio_reg, prio);
	wr32(sgi + GICR_ISENABLER0, 1u << intid);
	return 0;
}

/* ICC_SGI1R_EL1: SGI intid to the CPU with this MPIDR (Aff0 < 16). */
void gt_gic_send_sgi(unsigned int intid, uint64_t mpidr)
{
	uint64_t v = ((uint64_t)(intid & 0xf) << 24) | (((mpidr >> 32) & 0xff) << 48) |
		     (((mpidr >> 16) & 0xff) << 32) | (((mpidr >> 8) & 0xff) << 16) |
		     (1ull << (mpidr & 0xf));

	gt_dsb();
	gt_write_sysreg(S3_0_C12_C11_5, v);
	gt_isb();
}

int gt_gic_cpu_init(void)
{
	uint64_t rd, sre;

	if (!gic_ok)
		return -1;
	rd = my_redist();
	if (!rd)
		return -1;
	wr32(rd + GICR_WAKER, rd32(rd + GICR_WAKER) & ~GICR_WAKER_PSLEEP);
	if (!wait_clear(rd + GICR_WAKER, GICR_WAKER_CASLEEP))
		return -1;
	gt_gic_private_irq(gt_plat.timer_ppi, true);

	sre = gt_read_sysreg(S3_0_C12_C12_5);	/* ICC_SRE_EL1 */
	gt_write_sysreg(S3_0_C12_C12_5, sre | 1);
	gt_isb();
	gt_write_sysreg(S3_0_C4_C6_0, 0xff);	/* ICC_PMR_EL1: let every priority through */
	gt_write_sysreg(S3_0_C12_C12_7, 1);	/* ICC_IGRPEN1_EL1 */
	gt_isb();
	return 0;
}

void gt_timer_arm_us(uint64_t us)
{
	uint64_t ticks = gt_counter_freq() * us / 1000000;

	gt_write_sysreg(cntv_cval_el0, gt_counter() + ticks);
	gt_write_sysreg(cntv_ctl_el0, 1);	/* ENABLE, IMASK clear */
	gt_isb();
}

void gt_timer_arm_now(void)
{
	gt_write_sysreg(cntv_cval_el0, 0);
	gt_write_sysreg(cntv_ctl_el0, 1);
	gt_isb();
}

void gt_timer_disarm(void)
{
	gt_write_sysreg(cntv_ctl_el0, 0);
	gt_isb();
}
