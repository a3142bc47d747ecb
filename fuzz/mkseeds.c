// SPDX-License-Identifier: BSD-2-Clause
/*
 * Writes the committed seed corpus: valid snapshots of the reference engine
 * of fuzz_snapshot.c in each state a VM can be saved in, and call
 * sequences for fuzz_calls.c that walk through the lifecycle.
 * Usage: mkseeds DIR   (creates DIR/snapshot/ and DIR/calls/ files)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vpsci/vpsci.h>

static int on(void *o, uint32_t i, const struct vpsci_entry *e)
{
	(void)o;
	(void)i;
	(void)e;
	return 0;
}

static void stop(void *o, uint32_t i)
{
	(void)o;
	(void)i;
}

static void event(void *o, const struct vpsci_system_event *ev)
{
	(void)o;
	(void)ev;
}

static uint64_t now_us(void *o)
{
	(void)o;
	return 1000;
}

static const struct vpsci_ops ops = { .size = sizeof(ops), on, stop, event, now_us };

static void write_file(const char *dir, const char *sub, const char *name, const void *p,
		       size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void call(struct vpsci_vm *vm, uint32_t cpu, uint64_t x0, uint64_t x1, uint64_t x2)
{
	struct vpsci_call c = { .size = sizeof(c), .x = { x0, x1, x2, 0 } };
	struct vpsci_result r = { .size = sizeof(r) };

	vpsci_call(vm, cpu, &c, &r);
}

static void snap(struct vpsci_vm *vm, const char *dir, const char *name)
{
	size_t n = vpsci_snapshot_size(vm), len;
	void *buf = malloc(n);

	if (!buf || vpsci_snapshot(vm, buf, n, &len)) {
		fprintf(stderr, "mkseeds: snapshot %s failed\n", name);
		exit(1);
	}
	write_file(dir, "snapshot", name, buf, len);
	free(buf);
}

int main(int argc, char **argv)
{
	static const struct vpsci_mem_region ram = { 0x40000000, 0x40000000 };
	static const uint64_t mpidrs[] = { 0x0, 0x1, 0x100, 0x101 };
	/* fuzz_snapshot.c's reference engine (format 1 seeds: v1-*, kept as written) */
	struct vpsci_config cfg = {
		.size = sizeof(cfg),
		.version = VPSCI_VERSION_1_3, .nr_vcpus = 4, .mpidrs = mpidrs, .mem = &ram,
		.nr_mem = 1, .flags = VPSCI_CFG_ALL_FLAGS & ~VPSCI_CFG_0_1_IDS,
		.pd_levels = 3, .pd_states = { 6, 6, 6 },
	};
	/*
	 * fuzz_calls input: three config bytes, then steps. A step is one op byte
	 * (vCPU << 4 | kind; kinds 0-4 are host actions, 5 an AArch32 call, 6-15
	 * AArch64 calls), then for calls: an upper-half flag byte, an ID
	 * selector byte and three argument selector bytes (see pick_fid/pick_arg).
	 */
	static const uint8_t lifecycle[] = {
		0x47, 0x03, 0x00,			/* 1.3 + SYSTEM_SUSPEND, 4 vCPUs */
		0x06, 0, 0x43, 0x11, 0x02, 0x00,	/* vCPU 0: CPU_ON64(1, RAM, 0) */
		0x06, 0, 0x44, 0x11, 0x00, 0x00,	/* vCPU 0: AFFINITY_INFO64(1, 0) */
		0x16, 0, 0x01, 0x05, 0x02, 0x00,	/* vCPU 1: CPU_SUSPEND power-down */
		0x10,					/* host: wake vCPU 1 */
		0x16, 0, 0x02, 0x00, 0x00, 0x00,	/* vCPU 1: CPU_OFF */
		0x03,					/* host: snapshot round trip */
		0x06, 0, 0x4e, 0x02, 0x00, 0x00,	/* vCPU 0: SYSTEM_SUSPEND64 */
		0x01,					/* host: system wake */
		0x06, 0, 0x12, 0x00, 0x00, 0x00,	/* vCPU 0: SYSTEM_RESET2 warm */
		0x02,					/* host: reset */
		0x06, 0, 0x08, 0x00, 0x00, 0x00,	/* vCPU 0: SYSTEM_OFF */
	};
	/*
	 * 1.1, 4 vCPUs in two clusters, c2 = 3 levels (RETENTION and OFF each)
	 * and every option: OSI switch, composite suspends, NODE_HW_STATE,
	 * STAT, CPU_FREEZE, MEM_PROTECT.
	 */
	static const uint8_t pd[] = {
		0x03, 0x03, 0xf3,			/* 1.1, 4 vCPUs, hierarchy + options */
		0x06, 0, 0x43, 0x11, 0x02, 0x00,	/* vCPU 0: CPU_ON64(1) */
		0x06, 0, 0x0f, 0x08, 0x00, 0x00,	/* vCPU 0: SET_SUSPEND_MODE(1) */
		0x16, 0, 0x41, 0x0e, 0x02, 0x00,	/* vCPU 1: CPU_SUSPEND64 (OFF) */
		0x06, 0, 0x41, 0x2e, 0x02, 0x00,	/* vCPU 0: CPU_SUSPEND64 (OFF, OFF) */
		0x10,					/* host: wake vCPU 1 */
		0x16, 0, 0x4d, 0x11, 0x08, 0x00,	/* vCPU 1: NODE_HW_STATE64 */
		0x16, 0, 0x51, 0x11, 0x0e, 0x00,	/* vCPU 1: STAT_COUNT64 (OFF) */
		0x16, 0, 0x0b, 0x00, 0x00, 0x00,	/* vCPU 1: CPU_FREEZE */
		0x00,					/* host: wake vCPU 0 */
		0x06, 0, 0x13, 0x08, 0x00, 0x00,	/* vCPU 0: MEM_PROTECT(1) */
		0x03,					/* host: snapshot round trip */
		0x06, 0, 0x12, 0x00, 0x00, 0x00,	/* vCPU 0: SYSTEM_RESET2 warm */
	};
	static const uint8_t v01[] = {
		0x00, 0x02, 0x00,			/* 0.1, 3 vCPUs */
		0x06, 0, 0x85, 0x11, 0x02, 0x00,	/* vCPU 0: 0.1 CPU_ON(1, RAM, 0) */
		0x06, 0, 0x81, 0x00, 0x00, 0x00,	/* vCPU 0: 0.1 CPU_SUSPEND standby */
		0x00,					/* host: wake vCPU 0 */
		0x16, 0, 0x83, 0x00, 0x00, 0x00,	/* vCPU 1: 0.1 CPU_OFF */
	};
	struct vpsci_vm *vm;

	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 1;
	}
	if (vpsci_create(&cfg, &ops, NULL, &vm))
		return 1;
	snap(vm, argv[1], "fresh");
	call(vm, 0, VPSCI_FN64(VPSCI_FN_CPU_ON), 1, 0x40080000);
	call(vm, 0, VPSCI_FN64(VPSCI_FN_CPU_ON), 0x100, 0x40080000);
	call(vm, 0, VPSCI_FN32(VPSCI_FN_MEM_PROTECT), 1, 0);
	call(vm, 1, VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), 0x00010002u, 0x40090000);
	call(vm, 2, VPSCI_FN32(VPSCI_FN_CPU_SUSPEND), 0x01000011u, 0);
	snap(vm, argv[1], "suspended");
	vpsci_vcpu_wake(vm, 1);
	call(vm, 1, VPSCI_FN32(VPSCI_FN_CPU_FREEZE), 0, 0);
	call(vm, 0, VPSCI_FN32(VPSCI_FN_PSCI_SET_SUSPEND_MODE), 1, 0);
	snap(vm, argv[1], "osi-frozen");
	call(vm, 0, VPSCI_FN32(VPSCI_FN_PSCI_SET_SUSPEND_MODE), 0, 0);
	call(vm, 0, VPSCI_FN64(VPSCI_FN_CPU_ON), 1, 0x40080000);
	vpsci_vcpu_wake(vm, 1);
	vpsci_vcpu_wake(vm, 2);
	call(vm, 1, VPSCI_FN32(VPSCI_FN_CPU_OFF), 0, 0);
	call(vm, 2, VPSCI_FN32(VPSCI_FN_CPU_OFF), 0, 0);
	call(vm, 0, VPSCI_FN64(VPSCI_FN_SYSTEM_SUSPEND), 0x40100000, 0x1234);
	snap(vm, argv[1], "system-suspended");
	vpsci_system_wake(vm);
	call(vm, 0, VPSCI_FN64(VPSCI_FN_SYSTEM_OFF2), 1, 0);
	snap(vm, argv[1], "hibernated");
	vpsci_destroy(vm);

	write_file(argv[1], "calls", "lifecycle", lifecycle, sizeof(lifecycle));
	write_file(argv[1], "calls", "psci-0.1", v01, sizeof(v01));
	write_file(argv[1], "calls", "power-domains", pd, sizeof(pd));
	return 0;
}
