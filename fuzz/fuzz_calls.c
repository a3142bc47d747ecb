// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer harness: arbitrary sequences of PSCI/SMCCC calls from arbitrary
 * vCPUs, with arbitrary IDs and arguments, interleaved with what a host does
 * (wake-ups, reset, snapshot + restore), on an engine whose configuration is
 * itself drawn from the input. After every step an invariant checker
 * compares the engine against what the calls it answered imply.
 *
 * Single-threaded by construction (libFuzzer); the races are covered by the
 * TSan tests and the Promela model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vpsci/vpsci.h>

#define MAX_VCPUS 8

/* STAT shadow: composites are VPSCI_STATEID values below 0x300. */
#define NR_COMP	0x300

struct fuzz_host {
	struct vpsci_vm *vm;
	uint32_t nr;
	uint64_t now;				/* the fake clock, moved by every step */
	uint64_t stat_count[MAX_VCPUS][NR_COMP];	/* last STAT_COUNT seen */
	unsigned cpu_on_calls[MAX_VCPUS];	/* hook calls per target */
	unsigned cpu_on_success[MAX_VCPUS];	/* CPU_ON SUCCESS answers per target */
	unsigned events;			/* system events since the last reset */
	bool fail_next_cpu_on;
};

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_calls: invariant violated: %s\n", what);
		abort();
	}
}

static int host_cpu_on(void *opaque, uint32_t idx, const struct vpsci_entry *e)
{
	struct fuzz_host *h = opaque;

	check(idx < h->nr, "cpu_on target in range");
	/* The target is claimed, never started twice: it was OFF. */
	check(vpsci_vcpu_state(h->vm, idx) == VPSCI_VCPU_TRANSITION, "cpu_on target claimed");
	check(!(e->pc & 3) || e->aarch32, "AArch64 entry aligned");
	h->cpu_on_calls[idx]++;
	if (h->fail_next_cpu_on) {
		h->fail_next_cpu_on = false;
		return -1;
	}
	return 0;
}

static void host_cpu_stop(void *opaque, uint32_t idx)
{
	struct fuzz_host *h = opaque;

	check(idx < h->nr, "cpu_stop in range");
	check(vpsci_vcpu_state(h->vm, idx) != VPSCI_VCPU_OFF, "cpu_stop only for vCPUs not off");
}

static void host_event(void *opaque, const struct vpsci_system_event *ev)
{
	struct fuzz_host *h = opaque;
	uint32_t i;

	check(ev->caller < h->nr, "event caller in range");
	check(ev->type <= VPSCI_EVENT_SUSPEND, "event type valid");
	/* One event, then nothing until the host resets or wakes the VM. */
	check(h->events++ == 0, "at most one system event per reset");
	/* DEN0022 5.12, 5.13: a warm reset turns memory protection off first. */
	if (ev->type == VPSCI_EVENT_RESET2 && ev->reset_type == 0)
		check(!vpsci_mem_protect(h->vm), "warm SYSTEM_RESET2 clears MEM_PROTECT");
	if (ev->type == VPSCI_EVENT_SUSPEND)
		for (i = 0; i < h->nr; i++)
			if (i != ev->caller)
				check(vpsci_vcpu_state(h->vm, i) == VPSCI_VCPU_OFF,
				      "SYSTEM_SUSPEND only with every other vCPU off");
}

static uint64_t host_now_us(void *opaque)
{
	return ((struct fuzz_host *)opaque)->now;
}

static const struct vpsci_ops ops = {
	.size = sizeof(ops),
	.cpu_on = host_cpu_on,
	.cpu_stop = host_cpu_stop,
	.system_event = host_event,
	.now_us = host_now_us,
};

/* A small reader over the fuzz input; runs out into zeros. */
struct input {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct input *in, unsigned bytes)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < bytes; i++) {
		v |= (uint64_t)(in->n ? *in->p : 0) << (8 * i);
		if (in->n) {
			in->p++;
			in->n--;
		}
	}
	return v;
}

static const uint32_t versions[] = {
	VPSCI_VERSION_0_1, VPSCI_VERSION_0_2, VPSCI_VERSION_1_0,
	VPSCI_VERSION_1_1, VPSCI_VERSION_1_2, VPSCI_VERSION_1_3,
};

/* IDs worth hitting often; raw 32-bit IDs cover the rest. */
static uint32_t pick_fid(struct input *in)
{
	uint8_t sel = (uint8_t)take(in, 1);

	switch (sel >> 6) {
	case 0:
		return VPSCI_FN32(sel & 0x1f);
	case 1:
		return VPSCI_FN64(sel & 0x1f);
	case 2:
		return (sel & 1) ? VPSCI_0_1_FN_BASE + ((sel >> 1) & 3) : 0x80000000u + (sel & 3);
	default:
		return (uint32_t)take(in, 4);
	}
}

/* Arguments: interesting values or raw 64-bit garbage. */
static uint64_t pick_arg(struct input *in, const struct vpsci_vm *vm)
{
	uint8_t sel = (uint8_t)take(in, 1);
	uint32_t ps;

	switch (sel & 7) {
	case 0:
		return sel >> 3;				/* small: levels, types */
	case 1:
		return VPSCI_MPIDR_AFFINITY(0, 0, (sel >> 3) & 1, (sel >> 4) & 1);
	case 2:
		return 0x40000000ull + ((sel >> 3) << 12);	/* in RAM, aligned */
	case 3:
		return 0x40000000ull + (sel >> 3);		/* in RAM, maybe misaligned */
	case 4:
		return (uint64_t)take(in, 4) << 32 | 0x40001000u; /* garbage upper half */
	case 5:
		return VPSCI_PS_TYPE_POWERDOWN | ((uint64_t)(sel >> 6) << 24);
	case 6:
		/* a composite state, valid for this VM's hierarchy if it has one */
		if (!vpsci_power_state(vm, 1 + ((sel >> 3) & 1u), (sel >> 4) & 3u, (sel >> 6) & 3u,
				       &ps))
			return ps;
		return sel >> 3;
	default:
		return take(in, 8);
	}
}

/*
 * NODE_HW_STATE against AFFINITY_INFO for vCPU i's CPU (level 0) and cluster
 * (level 1, the same vCPUs for both): AFFINITY_INFO OFF implies
 * NODE_HW_STATE OFF, NODE_HW_STATE ON implies AFFINITY_INFO ON.
 */
static void check_node_hw_state(struct fuzz_host *h, uint32_t caller, uint32_t i)
{
	uint64_t mpidr = vpsci_vcpu_mpidr(h->vm, i);
	uint32_t level;

	if (!vpsci_handles(h->vm, VPSCI_FN64(VPSCI_FN_NODE_HW_STATE)))
		return;
	for (level = 0; level < 2; level++) {
		struct vpsci_call a = {
			.size = sizeof(a),
			.x = { VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), mpidr, level },
		};
		struct vpsci_call n = {
			.size = sizeof(n),
			.x = { VPSCI_FN64(VPSCI_FN_NODE_HW_STATE), mpidr, level },
		};
		struct vpsci_result ra = { .size = sizeof(ra) }, rn = { .size = sizeof(rn) };

		vpsci_call(h->vm, caller, &a, &ra);
		vpsci_call(h->vm, caller, &n, &rn);
		if ((int64_t)rn.x[0] < 0)
			continue;	/* level above this VM's hierarchy */
		check(rn.x[0] <= VPSCI_HW_STANDBY, "NODE_HW_STATE answers ON, OFF or STANDBY");
		if (ra.x[0] == VPSCI_AFF_OFF)
			check(rn.x[0] == VPSCI_HW_OFF,
			      "AFFINITY_INFO OFF implies NODE_HW_STATE OFF");
		if (rn.x[0] == VPSCI_HW_ON)
			check(ra.x[0] == VPSCI_AFF_ON, "NODE_HW_STATE ON implies AFFINITY_INFO ON");
	}
}

/* PSCI_STAT_COUNT of every valid composite of vCPU i never goes down. */
static void check_stat(struct fuzz_host *h, uint32_t caller, uint32_t i)
{
	unsigned int cpu, cl, sy;
	uint32_t ps, id;

	if (!vpsci_handles(h->vm, VPSCI_FN64(VPSCI_FN_PSCI_STAT_COUNT)))
		return;
	for (cpu = 1; cpu <= 2; cpu++)
		for (cl = 0; cl <= 2; cl++)
			for (sy = 0; sy <= 2; sy++) {
				struct vpsci_call c = {
					.size = sizeof(c),
					.x = { VPSCI_FN64(VPSCI_FN_PSCI_STAT_COUNT),
					       vpsci_vcpu_mpidr(h->vm, i) },
				};
				struct vpsci_result r = { .size = sizeof(r) };

				if (vpsci_power_state(h->vm, cpu, cl, sy, &ps))
					continue;
				id = VPSCI_STATEID(cpu, cl, sy);
				c.x[2] = ps;
				vpsci_call(h->vm, caller, &c, &r);
				check(r.x[0] >= h->stat_count[i][id], "STAT_COUNT never decreases");
				h->stat_count[i][id] = r.x[0];
			}
}

/*
 * OS-initiated mode: a suspension accepted with a cluster state must have
 * found every other CPU of the caller's cluster not running (at the check
 * instant, which single-threaded is now).
 */
static void check_osi_entry(struct fuzz_host *h, uint32_t caller, const struct vpsci_result *res)
{
	bool ext = vpsci_flags(h->vm) & VPSCI_CFG_EXT_STATEID;
	uint32_t id = res->power_state &
		      (ext ? VPSCI_PS_EXT_STATE_ID_MASK : VPSCI_PS_STATE_ID_MASK);
	uint64_t key = vpsci_vcpu_mpidr(h->vm, caller) & 0xff00ffff00ull;
	uint32_t j;

	if (!VPSCI_STATEID_LOCAL(id, 1))
		return;
	for (j = 0; j < h->nr; j++)
		if (j != caller && (vpsci_vcpu_mpidr(h->vm, j) & 0xff00ffff00ull) == key)
			check(vpsci_vcpu_state(h->vm, j) != VPSCI_VCPU_ON,
			      "OSI never powers a cluster down while a sibling runs");
}

/*
 * After every step: no vCPU mid-transition, every CPU_ON SUCCESS backed by a
 * start, and AFFINITY_INFO (asked by a vCPU that is on) agreeing with the
 * states the engine reports.
 */
static void check_states(struct fuzz_host *h, uint32_t caller)
{
	bool ask = vpsci_version(h->vm) >= VPSCI_VERSION_0_2 &&
		   vpsci_vcpu_state(h->vm, caller) == VPSCI_VCPU_ON;
	uint32_t i;

	for (i = 0; i < h->nr; i++) {
		int s = vpsci_vcpu_state(h->vm, i);
		struct vpsci_call c = {
			.size = sizeof(c),
			.x = { VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), vpsci_vcpu_mpidr(h->vm, i), 0 },
		};
		struct vpsci_result r = { .size = sizeof(r) };

		check(s >= VPSCI_VCPU_OFF && s < VPSCI_VCPU_TRANSITION,
		      "no vCPU left mid-transition after a call");
		check(h->cpu_on_success[i] <= h->cpu_on_calls[i], "SUCCESS implies a started vCPU");
		if (!ask)
			continue;
		vpsci_call(h->vm, caller, &c, &r);
		check(r.x[0] == (s == VPSCI_VCPU_OFF ? VPSCI_AFF_OFF : VPSCI_AFF_ON),
		      "AFFINITY_INFO agrees with the vCPU states");
		check_node_hw_state(h, caller, i);
		check_stat(h, caller, i);
	}
}

static void snapshot_roundtrip(struct fuzz_host *h)
{
	size_t size = vpsci_snapshot_size(h->vm), len, len2;
	uint8_t *a = malloc(size), *b = malloc(size);
	struct vpsci_vm *copy;

	check(a && b, "malloc");
	check(vpsci_snapshot(h->vm, a, size, &len) == 0 && len == size, "snapshot of a quiet VM");
	check(vpsci_restore(h->vm, a, len) == 0, "restore of our own snapshot");
	check(vpsci_create_from_snapshot(a, len, &ops, h, &copy) == 0, "create from snapshot");
	check(vpsci_version(copy) == vpsci_version(h->vm), "version survives");
	check(vpsci_snapshot(copy, b, size, &len2) == 0 && len2 == len && !memcmp(a, b, len),
	      "snapshot of the copy is identical");
	vpsci_destroy(copy);
	free(a);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct vpsci_mem_region ram[2] = {
		{ 0x40000000, 0x100000 }, { 0x80000000, 0x1000 },
	};
	static const uint8_t shapes[4][3] = {
		{ 6, 6, 6 }, { 2, 6, 4 }, { 4, 4, 6 }, { 6, 2, 2 },
	};
	uint32_t vendor = 0x80000001u, i;
	uint64_t mpidrs[MAX_VCPUS];
	struct vpsci_config cfg;
	static struct fuzz_host h;
	uint8_t c0, c1, c2;
	int steps = 0;

	memset(&h, 0, sizeof(h));
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	c0 = (uint8_t)take(&in, 1);
	c1 = (uint8_t)take(&in, 1);
	c2 = (uint8_t)take(&in, 1);
	cfg.version = versions[c0 % 6];
	cfg.conduit = (c0 >> 3) & 1 ? VPSCI_CONDUIT_SMC : VPSCI_CONDUIT_HVC;
	cfg.nr_vcpus = 1 + c1 % MAX_VCPUS;
	cfg.boot_vcpu = (c1 >> 4) % cfg.nr_vcpus;
	cfg.mem = ram;
	cfg.nr_mem = 1 + ((c0 >> 4) & 1);
	cfg.reset2_vendor_types = &vendor;
	cfg.nr_reset2_vendor_types = (c0 >> 5) & 1;
	if (cfg.version >= VPSCI_VERSION_1_0 && (c0 & 0x40))
		cfg.flags |= VPSCI_CFG_SYSTEM_SUSPEND;
	if (cfg.version >= VPSCI_VERSION_0_2 && (c0 & 0x80))
		cfg.flags |= VPSCI_CFG_0_1_IDS;
	/* Two vCPUs per cluster, so clusters and the system differ. */
	for (i = 0; i < cfg.nr_vcpus; i++)
		mpidrs[i] = VPSCI_MPIDR_AFFINITY(0, 0, i / 2, i % 2);
	cfg.mpidrs = mpidrs;
	/* c2: hierarchy (bits 0-1 levels, 2-3 shape) and the options of issue 6 */
	cfg.pd_levels = c2 & 3;
	for (i = 0; i < cfg.pd_levels; i++)
		cfg.pd_states[i] = shapes[(c2 >> 2) & 3][i];
	if (cfg.version >= VPSCI_VERSION_1_0) {
		if ((c2 & 0x10) && cfg.pd_levels >= 2)
			cfg.flags |= VPSCI_CFG_OSI | VPSCI_CFG_NODE_HW_STATE;
		if ((c2 & 0x20) && cfg.pd_levels >= 1)
			cfg.flags |= VPSCI_CFG_STAT;
		if (c2 & 0x20)
			cfg.flags |= VPSCI_CFG_DEFAULT_SUSPEND | VPSCI_CFG_NODE_HW_STATE;
		if (c2 & 0x40)
			cfg.flags |= VPSCI_CFG_FREEZE;
		if (c2 & 0x80)
			cfg.flags |= VPSCI_CFG_EXT_STATEID;
	}
	if (cfg.version >= VPSCI_VERSION_1_1 && (c2 & 0x40))
		cfg.flags |= VPSCI_CFG_MEM_PROTECT;
	h.nr = cfg.nr_vcpus;
	check(vpsci_create(&cfg, &ops, &h, &h.vm) == 0, "valid config accepted");

	while (in.n && steps++ < 256) {
		uint8_t op = (uint8_t)take(&in, 1);
		uint32_t vcpu = (op >> 4) % h.nr;
		struct vpsci_call call;
		struct vpsci_result res = { .size = sizeof(res) };
		int before, st;
		uint32_t nn;
		bool osi;

		switch (op & 0xf) {
		case 0:	/* host: wake a suspended vCPU */
			st = vpsci_vcpu_state(h.vm, vcpu);
			check((vpsci_vcpu_wake(h.vm, vcpu) == 0) == (st == VPSCI_VCPU_SUSPENDED),
			      "wake succeeds exactly for a suspended vCPU");
			continue;
		case 1:	/* host: end a SYSTEM_SUSPEND */
			if (vpsci_system_wake(h.vm) == 0)
				h.events = 0;
			continue;
		case 2:	/* host: reboot in place (STAT starts again) */
			check(vpsci_reset(h.vm) == 0, "reset of a quiet VM");
			h.events = 0;
			memset(h.stat_count, 0, sizeof(h.stat_count));
			continue;
		case 3:
			snapshot_roundtrip(&h);
			continue;
		case 4:
			h.fail_next_cpu_on = true;
			continue;
		default:
			break;
		}

		/* A real host runs only vCPUs that are on and not suspended. */
		if (vpsci_vcpu_state(h.vm, vcpu) != VPSCI_VCPU_ON)
			continue;
		memset(&call, 0, sizeof(call));
		call.size = sizeof(call);
		call.x[0] = (take(&in, 1) & 1 ? (uint64_t)take(&in, 4) << 32 : 0) | pick_fid(&in);
		call.x[1] = pick_arg(&in, h.vm);
		call.x[2] = pick_arg(&in, h.vm);
		call.x[3] = pick_arg(&in, h.vm);
		h.now += 1 + (op >> 4);
		call.aarch32 = (op & 0xf) == 5;
		call.conduit = cfg.conduit;

		before = -1;
		if ((uint32_t)call.x[0] == VPSCI_FN64(VPSCI_FN_CPU_ON) ||
		    (uint32_t)call.x[0] == VPSCI_FN32(VPSCI_FN_CPU_ON)) {
			int t = vpsci_vcpu_by_mpidr(h.vm, (uint32_t)call.x[0] ==
						    VPSCI_FN32(VPSCI_FN_CPU_ON) ?
						    (uint32_t)call.x[1] : call.x[1]);
			before = t;
		}
		osi = vpsci_suspend_mode(h.vm) == VPSCI_SUSPEND_MODE_OSI;
		check(vpsci_call(h.vm, vcpu, &call, &res) == 0, "vpsci_call accepts a valid vCPU");

		/* x0 is a sign-extended 32-bit value, but for STAT's counts. */
		nn = (uint32_t)call.x[0] & 0xffff;
		if ((((uint32_t)call.x[0] & ~0x4000ffffu) != 0x84000000u) ||
		    (nn != VPSCI_FN_PSCI_STAT_COUNT && nn != VPSCI_FN_PSCI_STAT_RESIDENCY))
			check((uint64_t)(int64_t)(int32_t)res.x[0] == res.x[0], "x0 sign-extended");
		if (osi && res.exit == VPSCI_EXIT_SUSPEND)
			check_osi_entry(&h, vcpu, &res);
		if (before >= 0 && res.x[0] == 0 && !call.aarch32) {
			h.cpu_on_success[before]++;
			check(vpsci_vcpu_state(h.vm, (uint32_t)before) == VPSCI_VCPU_ON,
			      "CPU_ON SUCCESS leaves the target on");
		}
		switch (res.exit) {
		case VPSCI_EXIT_OFF:
			check(vpsci_vcpu_state(h.vm, vcpu) == VPSCI_VCPU_OFF, "CPU_OFF turns off");
			break;
		case VPSCI_EXIT_SUSPEND:
			check(vpsci_vcpu_state(h.vm, vcpu) == VPSCI_VCPU_SUSPENDED, "suspended");
			break;
		case VPSCI_EXIT_SYSTEM_EVENT:
			check(h.events == 1, "SYSTEM_EVENT exit implies one reported event");
			break;
		default:
			break;
		}
		check_states(&h, vcpu);
	}
	vpsci_destroy(h.vm);
	return 0;
}
