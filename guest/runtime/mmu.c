/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Identity map with the MMU on, shared by every CPU.
 *
 * Why: with the MMU off every data access is Device-nGnRnE, where exclusives
 * and unaligned accesses (which libfdt.a, built without -mstrict-align, may
 * do) are not guaranteed. One level-1 table with 4 KiB granule and T0SZ = 25
 * maps the low 512 GiB in 1 GiB blocks: Normal write-back for blocks holding
 * RAM, Device-nGnRnE (execute-never) for everything else. gt_mmu_early() runs
 * before the DT is parsed (MMU off, so this file is built -mstrict-align and
 * only does aligned accesses) and maps the blocks of the image and the DTB;
 * gt_mmu_map_ram() adds the other RAM blocks once the DT is known.
 */
#include "gt.h"

#define PTE_BLOCK	0x1ull
#define PTE_ATTR(i)	((uint64_t)(i) << 2)
#define PTE_SH_INNER	(3ull << 8)
#define PTE_AF		(1ull << 10)
#define PTE_PXN		(1ull << 53)
#define PTE_UXN		(1ull << 54)
#define PTE_DEVICE	(PTE_BLOCK | PTE_ATTR(0) | PTE_AF | PTE_PXN | PTE_UXN)
#define PTE_NORMAL	(PTE_BLOCK | PTE_ATTR(1) | PTE_AF | PTE_SH_INNER)
#define GIB		(1ull << 30)

#define MAIR_VALUE	(0x00ull | (0xffull << 8))	/* 0 Device-nGnRnE, 1 Normal WB */
#define TCR_T0SZ	25ull
#define TCR_IRGN0_WBWA	(1ull << 8)
#define TCR_ORGN0_WBWA	(1ull << 10)
#define TCR_SH0_INNER	(3ull << 12)
#define TCR_EPD1	(1ull << 23)
#define TCR_IPS_SHIFT	32
#define SCTLR_M		(1ull << 0)
#define SCTLR_C		(1ull << 2)
#define SCTLR_SA	(1ull << 3)
#define SCTLR_I		(1ull << 12)

static uint64_t gt_l1[512] __attribute__((aligned(4096)));

/* Stacks of the CPUs that arrive through PSCI entry points (start.S). */
static uint8_t gt_stacks[GT_MAX_CPUS][GT_STACK_SIZE] __attribute__((aligned(16)));

struct gt_boot_info gt_boot __attribute__((aligned(64)));
struct gt_susp_ctx gt_susp_ctx[GT_MAX_CPUS];
struct gt_entry_obs gt_resume_obs[GT_MAX_CPUS];

static void map_normal_range(uint64_t start, uint64_t len)
{
	uint64_t gb;

	for (gb = start / GIB; gb <= (start + len - 1) / GIB && gb < 512; gb++)
		gt_l1[gb] = (gb * GIB) | PTE_NORMAL;
}

void gt_mmu_early(uint64_t dtb)
{
	uint64_t img = (uint64_t)(uintptr_t)gt_image_start;
	uint64_t parange, i;

	for (i = 0; i < 512; i++)
		gt_l1[i] = (i * GIB) | PTE_DEVICE;
	/* Linker symbols: compare addresses, not pointers to different objects. */
	map_normal_range(img, (uint64_t)(uintptr_t)gt_image_end - img);
	map_normal_range(dtb, 2ull << 20);	/* the DT may be up to 2 MiB */

	parange = gt_read_sysreg(id_aa64mmfr0_el1) & 0xf;
	if (parange > 5)
		parange = 5;
	gt_boot.ttbr0 = (uint64_t)(uintptr_t)gt_l1;
	gt_boot.tcr = TCR_T0SZ | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_EPD1 |
		      (parange << TCR_IPS_SHIFT);
	gt_boot.mair = MAIR_VALUE;
	gt_boot.sctlr = GT_SCTLR_EL1_OFF | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I;
	gt_boot.stacks = (uint64_t)(uintptr_t)gt_stacks;
}

/*
 * Remap the remaining RAM blocks as Normal. Changing a live entry's memory
 * type needs break-before-make: invalidate, TLBI, then write the new entry.
 * Only the boot CPU runs at this point.
 */
void gt_mmu_map_ram(void)
{
	unsigned int r;

	for (r = 0; r < gt_plat.nr_mem; r++) {
		uint64_t gb, first = gt_plat.mem_base[r] / GIB;
		uint64_t last = (gt_plat.mem_base[r] + gt_plat.mem_size[r] - 1) / GIB;

		for (gb = first; gb <= last && gb < 512; gb++) {
			if (gt_l1[gb] == ((gb * GIB) | PTE_NORMAL))
				continue;
			gt_l1[gb] = 0;
			__asm__ volatile("dsb ishst; tlbi vmalle1is; dsb ish; isb" : : : "memory");
			gt_l1[gb] = (gb * GIB) | PTE_NORMAL;
			__asm__ volatile("dsb ishst; isb" : : : "memory");
		}
	}
	gt_clean_dcache(gt_l1, sizeof(gt_l1));
}

/* Clean to PoC what CPUs read with their MMU off (gt_boot, page tables). */
void gt_clean_dcache(const void *p, size_t len)
{
	uint64_t line = 4ull << ((gt_read_sysreg(ctr_el0) >> 16) & 0xf);
	uint64_t a = (uint64_t)(uintptr_t)p & ~(line - 1);
	uint64_t end = (uint64_t)(uintptr_t)p + len;

	for (; a < end; a += line)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	gt_dsb();
}
