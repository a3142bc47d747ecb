/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest physical memory map and fixed machine constants (a leaf).
 */
#ifndef VMM_LAYOUT_H
#define VMM_LAYOUT_H


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
/* The devices on the MMIO bus (PL011, PL031): hw/virt.c's table. */
#define VMM_RAM_BASE		0x40000000ull
#define VMM_NR_IRQS		128		/* SPIs + 32 private */
/* Guest disks (disk.c): pmem regions from 320 GiB, each 1 GiB aligned, below 1 TiB. */
#define VMM_DISK_BASE		0x5000000000ull
#define VMM_DISK_LIMIT		0x10000000000ull	/* KVM's default 40-bit IPA space */
#define VMM_DISK_ALIGN		0x40000000ull
#define VMM_DISK_SIZE_ALIGN	0x200000ull		/* file sizes: multiples of 2 MiB */
#define VMM_MAX_DISKS		4
#define VMM_DISK_SLOT0		1			/* KVM memslots 1..4; RAM is 0 */

#endif /* VMM_LAYOUT_H */
