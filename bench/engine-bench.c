// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host benchmark of the engine: nanoseconds per call (wall clock, this
 * machine) and, when run under callgrind, instructions per call, plus the
 * engine's memory per vCPU. One figure per line: "bench <name> <value> <unit>".
 *
 * Instruction counts come from callgrind client requests: collection is
 * switched on only around the measured loop of each case and dumped under
 * the case's name, so set-up and bookkeeping calls are not counted.
 * scripts/engine-bench turns those dumps into "bench ... instr/call" lines.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <valgrind/callgrind.h>

#include <vpsci/vpsci.h>

struct bench_case {
	const char *name;
	uint32_t nr_vcpus;
	uint32_t boot_vcpu;
	uint64_t x[4];
	/* Undo what one call did, outside the measurement (NULL: nothing). */
	void (*undo)(struct vpsci_vm *vm);
	const char *undo_name;	/* suffix of the timed pair, e.g. "+CPU_OFF" */
	/* A 3-level hierarchy, 4 vCPUs per cluster, every option (pd_vm()). */
	bool pd;
	/* Prepare the VM and the call once, outside the measurement (NULL: nothing). */
	void (*setup)(struct vpsci_vm *vm, struct vpsci_call *c);
	/* Two Aff3 instances (vCPUs 0-255 and 256-511) instead of KVM's one. */
	bool two_aff3;
	/*
	 * The call is made from inside ops->cpu_on, while the caller's CPU_ON of
	 * the last vCPU holds its claim: that vCPU is pending (ON_PENDING to a
	 * firmware that reported it). Only that nested call is counted.
	 */
	bool in_cpu_on;
	/* The answer the call must give (x0), checked once before measuring. */
	bool check;
	int32_t expect;
};

/* The call ops->cpu_on makes for an in_cpu_on case, and whether to count it. */
static struct {
	struct vpsci_vm *vm;
	uint32_t caller;
	const struct vpsci_call *call;
	bool count;
	uint64_t x0;		/* what the nested call answered */
} nested;

static int ops_cpu_on(void *opaque, uint32_t idx, const struct vpsci_entry *e)
{
	struct vpsci_result r = { .size = sizeof(r) };

	(void)opaque;
	(void)idx;
	(void)e;
	if (nested.vm) {
		if (nested.count)
			CALLGRIND_TOGGLE_COLLECT;
		vpsci_call(nested.vm, nested.caller, nested.call, &r);
		if (nested.count)
			CALLGRIND_TOGGLE_COLLECT;
		nested.x0 = r.x[0];
	}
	return 0;
}

static void ops_cpu_stop(void *opaque, uint32_t idx)
{
	(void)opaque;
	(void)idx;
}

static void ops_event(void *opaque, const struct vpsci_system_event *ev)
{
	(void)opaque;
	(void)ev;
}

static uint64_t ops_now_us(void *opaque)
{
	(void)opaque;
	return 0;
}

static const struct vpsci_ops ops = {
	.size = sizeof(ops),
	.cpu_on = ops_cpu_on,
	.cpu_stop = ops_cpu_stop,
	.system_event = ops_event,
	.now_us = ops_now_us,
};

static const struct vpsci_mem_region ram = { 0x40000000, 1ull << 30 };

static struct vpsci_vm *make_vm(uint32_t nr, uint32_t boot, bool two_aff3)
{
	static uint64_t mpidrs[VPSCI_MAX_VCPUS];
	struct vpsci_config cfg = {
		.size = sizeof(cfg),
		.version = VPSCI_VERSION_1_3,
		.conduit = VPSCI_CONDUIT_HVC,
		.nr_vcpus = nr,
		.boot_vcpu = boot,
		.mem = &ram,
		.nr_mem = 1,
		.flags = VPSCI_CFG_SYSTEM_SUSPEND,
	};
	struct vpsci_vm *vm;
	int err;

	if (two_aff3) {
		for (uint32_t i = 0; i < nr; i++)
			mpidrs[i] = VPSCI_MPIDR_AFFINITY(i / 256, 0, i % 256 / 16, i % 16);
		cfg.mpidrs = mpidrs;
	}
	err = vpsci_create(&cfg, &ops, NULL, &vm);
	if (err) {
		fprintf(stderr, "engine-bench: vpsci_create: %s\n", vpsci_strerror(err));
		exit(1);
	}
	return vm;
}

static struct vpsci_vm *pd_vm(uint32_t nr, uint32_t boot)
{
	uint64_t mpidrs[64];
	struct vpsci_config cfg = {
		.size = sizeof(cfg),
		.version = VPSCI_VERSION_1_3,
		.conduit = VPSCI_CONDUIT_HVC,
		.nr_vcpus = nr,
		.mpidrs = mpidrs,
		.boot_vcpu = boot,
		.mem = &ram,
		.nr_mem = 1,
		.flags = VPSCI_CFG_OSI | VPSCI_CFG_STAT | VPSCI_CFG_NODE_HW_STATE,
		.pd_levels = 3,
		.pd_states = { VPSCI_PD_RETENTION | VPSCI_PD_OFF, VPSCI_PD_RETENTION | VPSCI_PD_OFF,
			       VPSCI_PD_RETENTION | VPSCI_PD_OFF },
	};
	struct vpsci_vm *vm;
	int err;

	for (uint32_t i = 0; i < nr && i < 64; i++)
		mpidrs[i] = VPSCI_MPIDR_AFFINITY(0, 0, i / 4, i % 4);
	err = vpsci_create(&cfg, &ops, NULL, &vm);
	if (err) {
		fprintf(stderr, "engine-bench: vpsci_create: %s\n", vpsci_strerror(err));
		exit(1);
	}
	return vm;
}

static void ps_or_die(struct vpsci_vm *vm, unsigned int cpu, unsigned int cl, unsigned int sy,
		      uint64_t *ps)
{
	uint32_t v;

	if (vpsci_power_state(vm, cpu, cl, sy, &v)) {
		fprintf(stderr, "engine-bench: composite %u%u%u not offered\n", cpu, cl, sy);
		exit(1);
	}
	*ps = v;
}

/* PC mode, every vCPU of the cluster on: the vote scans it and enters CPU OFF only. */
static void setup_pc(struct vpsci_vm *vm, struct vpsci_call *c)
{
	struct vpsci_call on = {
		.size = sizeof(on),
		.x = { VPSCI_FN64(VPSCI_FN_CPU_ON), 0, 0x40080000, 0 },
	};
	struct vpsci_result r = { .size = sizeof(r) };

	for (uint32_t i = 1; i < 4; i++) {
		on.x[1] = vpsci_vcpu_mpidr(vm, i);
		vpsci_call(vm, 0, &on, &r);
	}
	ps_or_die(vm, VPSCI_LOCAL_OFF, VPSCI_LOCAL_OFF, VPSCI_LOCAL_OFF, &c->x[1]);
}

/* OSI mode, the other vCPUs off: the caller is the last, the composite is entered. */
static void setup_osi(struct vpsci_vm *vm, struct vpsci_call *c)
{
	struct vpsci_call m = {
		.size = sizeof(m),
		.x = { VPSCI_FN32(VPSCI_FN_PSCI_SET_SUSPEND_MODE), 1 },
	};
	struct vpsci_result r = { .size = sizeof(r) };

	vpsci_call(vm, 0, &m, &r);
	ps_or_die(vm, VPSCI_LOCAL_OFF, VPSCI_LOCAL_OFF, VPSCI_LOCAL_OFF, &c->x[1]);
}

static void setup_stat(struct vpsci_vm *vm, struct vpsci_call *c)
{
	ps_or_die(vm, VPSCI_LOCAL_OFF, VPSCI_LOCAL_OFF, 0, &c->x[2]);
}

/* vCPU 1 was turned on by CPU_ON: turn it off again (its own CPU_OFF). */
static void undo_cpu_on(struct vpsci_vm *vm)
{
	struct vpsci_call c = { .size = sizeof(c), .x = { VPSCI_FN32(VPSCI_FN_CPU_OFF) } };
	struct vpsci_result r = { .size = sizeof(r) };

	vpsci_call(vm, 1, &c, &r);
}

static void undo_suspend(struct vpsci_vm *vm)
{
	vpsci_vcpu_wake(vm, 0);
}

/*
 * One measured call, returning its x0; an in_cpu_on case makes it inside a
 * CPU_ON of vCPU 1.
 */
static uint64_t issue(const struct bench_case *bc, struct vpsci_vm *vm, uint32_t caller,
		      const struct vpsci_call *call, bool valgrind)
{
	struct vpsci_call on = { .size = sizeof(on),
				 .x = { VPSCI_FN64(VPSCI_FN_CPU_ON), 0, 0x40080000, 0 } };
	struct vpsci_result res = { .size = sizeof(res) };

	if (!bc->in_cpu_on) {
		if (valgrind)
			CALLGRIND_TOGGLE_COLLECT;
		vpsci_call(vm, caller, call, &res);
		if (valgrind)
			CALLGRIND_TOGGLE_COLLECT;
		return res.x[0];
	}
	nested.vm = vm;
	nested.caller = caller;
	nested.call = call;
	nested.count = valgrind;
	on.x[1] = vpsci_vcpu_mpidr(vm, 1);
	vpsci_call(vm, caller, &on, &res);
	nested.vm = NULL;
	undo_cpu_on(vm);
	return nested.x0;
}

static const struct bench_case cases[] = {
	{ .name = "PSCI_VERSION", .nr_vcpus = 8, .boot_vcpu = 0,
	  .x = { VPSCI_FN32(VPSCI_FN_PSCI_VERSION) }, .undo_name = "" },
	{ .name = "PSCI_FEATURES", .nr_vcpus = 8, .boot_vcpu = 0,
	  .x = { VPSCI_FN32(VPSCI_FN_PSCI_FEATURES), VPSCI_FN64(VPSCI_FN_CPU_ON) },
	  .undo_name = "" },
	{ .name = "unknown_ID", .nr_vcpus = 8, .boot_vcpu = 0, .x = { 0x8400001fu },
	  .undo_name = "" },
	{ .name = "CPU_ON", .nr_vcpus = 8, .boot_vcpu = 0,
	  .x = { VPSCI_FN64(VPSCI_FN_CPU_ON), 1, 0x40080000, 0 }, .undo = undo_cpu_on,
	  .undo_name = "+CPU_OFF" },
	{ .name = "CPU_SUSPEND_standby", .nr_vcpus = 8, .boot_vcpu = 0,
	  .x = { VPSCI_FN32(VPSCI_FN_CPU_SUSPEND), 0, 0, 0 }, .undo = undo_suspend,
	  .undo_name = "+wake" },
	{ .name = "AFFINITY_INFO_L0", .nr_vcpus = 8, .boot_vcpu = 0,
	  .x = { VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), 3, 0 }, .undo_name = "" },
	/*
	 * Level 3 over 512 vCPUs. Worst case of a scan: the only vCPU on is the
	 * last in MPIDR order; best: the first. Then an Aff3 instance of 256
	 * vCPUs all off, and one with a vCPU pending and the caller on.
	 */
	{ .name = "engine_affinity_info_l3_512_worst", .nr_vcpus = 512, .boot_vcpu = 511,
	  .x = { VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), 0, 3 }, .undo_name = "",
	  .check = true, .expect = VPSCI_AFF_ON },
	{ .name = "engine_affinity_info_l3_512_best", .nr_vcpus = 512, .boot_vcpu = 0,
	  .x = { VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), 0, 3 }, .undo_name = "",
	  .check = true, .expect = VPSCI_AFF_ON },
	{ .name = "engine_affinity_info_l3_512_off", .nr_vcpus = 512, .boot_vcpu = 0,
	  .x = { VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), VPSCI_MPIDR_AFFINITY(1, 0, 0, 0), 3 },
	  .undo_name = "", .two_aff3 = true, .check = true, .expect = VPSCI_AFF_OFF },
	{ .name = "engine_affinity_info_l3_512_pending", .nr_vcpus = 512, .boot_vcpu = 0,
	  .x = { VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), 0, 3 }, .undo_name = "", .in_cpu_on = true,
	  .check = true, .expect = VPSCI_AFF_ON },
	{ .name = "engine_affinity_info_l1_512_pending", .nr_vcpus = 512, .boot_vcpu = 0,
	  .x = { VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), VPSCI_MPIDR_AFFINITY(0, 0, 0, 0), 1 },
	  .undo_name = "", .in_cpu_on = true, .check = true, .expect = VPSCI_AFF_ON },
	/* 3-level hierarchy, 16 vCPUs in clusters of 4 */
	{ .name = "CPU_SUSPEND_PC_3level", .nr_vcpus = 16, .boot_vcpu = 0,
	  .x = { VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), 0, 0x40080000, 0 }, .undo = undo_suspend,
	  .undo_name = "+wake", .pd = true, .setup = setup_pc },
	{ .name = "CPU_SUSPEND_OSI_system", .nr_vcpus = 16, .boot_vcpu = 0,
	  .x = { VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), 0, 0x40080000, 0 }, .undo = undo_suspend,
	  .undo_name = "+wake", .pd = true, .setup = setup_osi },
	{ .name = "NODE_HW_STATE_cluster", .nr_vcpus = 16, .boot_vcpu = 0,
	  .x = { VPSCI_FN64(VPSCI_FN_NODE_HW_STATE), 0x100, 1 }, .undo_name = "", .pd = true },
	{ .name = "NODE_HW_STATE_system", .nr_vcpus = 16, .boot_vcpu = 0,
	  .x = { VPSCI_FN64(VPSCI_FN_NODE_HW_STATE), 0x100, 2 }, .undo_name = "", .pd = true },
	{ .name = "PSCI_STAT_COUNT", .nr_vcpus = 16, .boot_vcpu = 0,
	  .x = { VPSCI_FN64(VPSCI_FN_PSCI_STAT_COUNT), 0x1, 0 }, .undo_name = "", .pd = true,
	  .setup = setup_stat },
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

#define ROUNDS 51

/*
 * Wall-clock cost: ROUNDS batches, the median batch average (robust against
 * preemption on a shared machine). A case with an undo is timed together
 * with it and reported as the pair. Under callgrind, collection is on only
 * around the measured call, and the counts are dumped under the case name.
 */
static void run_case(const struct bench_case *bc, long iters, bool valgrind)
{
	struct vpsci_vm *vm = bc->pd ? pd_vm(bc->nr_vcpus, bc->boot_vcpu) :
				       make_vm(bc->nr_vcpus, bc->boot_vcpu, bc->two_aff3);
	long per_round = iters / ROUNDS > 0 ? iters / ROUNDS : 1;
	double rounds[ROUNDS], t0;
	struct vpsci_call call;
	uint32_t caller = bc->boot_vcpu;
	long i;
	int r;

	memset(&call, 0, sizeof(call));
	call.size = sizeof(call);
	memcpy(call.x, bc->x, sizeof(call.x));
	if (bc->setup)
		bc->setup(vm, &call);
	if (bc->check && issue(bc, vm, caller, &call, false) != (uint64_t)(int64_t)bc->expect) {
		fprintf(stderr, "engine-bench: %s does not answer %d\n", bc->name, bc->expect);
		exit(1);
	}
	if (valgrind) {
		for (i = 0; i < iters; i++) {
			issue(bc, vm, caller, &call, true);
			if (bc->undo)
				bc->undo(vm);
		}
		CALLGRIND_DUMP_STATS_AT(bc->name);
		vpsci_destroy(vm);
		return;
	}

	for (r = 0; r < ROUNDS; r++) {
		t0 = now_ns();
		for (i = 0; i < per_round; i++) {
			issue(bc, vm, caller, &call, false);
			if (bc->undo)
				bc->undo(vm);
		}
		rounds[r] = (now_ns() - t0) / per_round;
	}
	qsort(rounds, ROUNDS, sizeof(rounds[0]), cmp_double);
	printf("bench %s%s_ns %.1f ns/call\n", bc->name,
	       bc->in_cpu_on ? "+CPU_ON+CPU_OFF" : bc->undo ? bc->undo_name : "",
	       rounds[ROUNDS / 2]);
	vpsci_destroy(vm);
}

/* Heap bytes the engine takes per vCPU, from the allocator's own count. */
static void bench_memory(void)
{
	struct mallinfo2 a, b;
	struct vpsci_vm *small, *big;

	a = mallinfo2();
	small = make_vm(1, 0, false);
	b = mallinfo2();
	big = make_vm(1024, 0, false);
	printf("bench memory_per_vcpu %.1f bytes\n",
	       (double)(mallinfo2().uordblks - b.uordblks - (b.uordblks - a.uordblks)) / 1023);
	printf("bench snapshot_per_vcpu %.1f bytes\n",
	       (double)(vpsci_snapshot_size(big) - vpsci_snapshot_size(small)) / 1023);
	vpsci_destroy(big);
	vpsci_destroy(small);
	/* with a 3-level hierarchy and STAT (9 composites of counters per vCPU) */
	a = mallinfo2();
	small = pd_vm(1, 0);
	b = mallinfo2();
	big = pd_vm(64, 0);
	printf("bench memory_per_vcpu_pd_stat %.1f bytes\n",
	       (double)(mallinfo2().uordblks - b.uordblks - (b.uordblks - a.uordblks)) / 63);
	printf("bench snapshot_per_vcpu_pd_stat %.1f bytes\n",
	       (double)(vpsci_snapshot_size(big) - vpsci_snapshot_size(small)) / 63);
	vpsci_destroy(big);
	vpsci_destroy(small);
}

int main(int argc, char **argv)
{
	bool valgrind = RUNNING_ON_VALGRIND;
	long iters = valgrind ? 1000 : 510000;
	size_t i;

	if (argc > 1)
		iters = atol(argv[1]);
	if (iters <= 0) {
		fprintf(stderr, "usage: engine-bench [ITERATIONS]\n");
		return 1;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i], iters, valgrind);
	if (!valgrind)
		bench_memory();
	return 0;
}
