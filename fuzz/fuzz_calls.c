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

struct fuzz_host {
	struct vpsci_vm *vm;
	uint32_t nr;
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
	if (ev->type == VPSCI_EVENT_SUSPEND)
		for (i = 0; i < h->nr; i++)
			if (i != ev->caller)
				check(vpsci_vcpu_state(h->vm, i) == VPSCI_VCPU_OFF,
				      "SYSTEM_SUSPEND only with every other vCPU off");
}

static const struct vpsci_ops ops = {
	.cpu_on = host_cpu_on,
	.cpu_stop = host_cpu_stop,
	.system_event = host_event,
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
static uint64_t pick_arg(struct input *in, uint32_t nr)
{
	uint8_t sel = (uint8_t)take(in, 1);

	switch (sel & 7) {
	case 0:
		return sel >> 3;				/* small: levels, types */
	case 1:
		return VPSCI_MPIDR_AFFINITY(0, 0, (sel >> 3) & 1, ((sel >> 4) % nr));
	case 2:
		return 0x40000000ull + ((sel >> 3) << 12);	/* in RAM, aligned */
	case 3:
		return 0x40000000ull + (sel >> 3);		/* in RAM, maybe misaligned */
	case 4:
		return (uint64_t)take(in, 4) << 32 | 0x40001000u; /* garbage upper half */
	case 5:
		return VPSCI_PS_TYPE_POWERDOWN | ((uint64_t)(sel >> 6) << 24);
	default:
		return take(in, 8);
	}
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
		struct vpsci_call c = { .x = { VPSCI_FN64(VPSCI_FN_AFFINITY_INFO),
					       vpsci_vcpu_mpidr(h->vm, i), 0 } };
		struct vpsci_result r;

		check(s >= VPSCI_VCPU_OFF && s < VPSCI_VCPU_TRANSITION,
		      "no vCPU left mid-transition after a call");
		check(h->cpu_on_success[i] <= h->cpu_on_calls[i], "SUCCESS implies a started vCPU");
		if (!ask)
			continue;
		vpsci_call(h->vm, caller, &c, &r);
		check(r.x[0] == (s == VPSCI_VCPU_OFF ? VPSCI_AFF_OFF : VPSCI_AFF_ON),
		      "AFFINITY_INFO agrees with the vCPU states");
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
	uint32_t vendor = 0x80000001u;
	struct vpsci_config cfg;
	struct fuzz_host h;
	uint8_t c0, c1;
	int steps = 0;

	memset(&h, 0, sizeof(h));
	memset(&cfg, 0, sizeof(cfg));
	c0 = (uint8_t)take(&in, 1);
	c1 = (uint8_t)take(&in, 1);
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
	h.nr = cfg.nr_vcpus;
	check(vpsci_create(&cfg, &ops, &h, &h.vm) == 0, "valid config accepted");

	while (in.n && steps++ < 256) {
		uint8_t op = (uint8_t)take(&in, 1);
		uint32_t vcpu = (op >> 4) % h.nr;
		struct vpsci_call call;
		struct vpsci_result res;
		int before, st;

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
		case 2:	/* host: reboot in place */
			check(vpsci_reset(h.vm) == 0, "reset of a quiet VM");
			h.events = 0;
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
		call.x[0] = (take(&in, 1) & 1 ? (uint64_t)take(&in, 4) << 32 : 0) | pick_fid(&in);
		call.x[1] = pick_arg(&in, h.nr);
		call.x[2] = pick_arg(&in, h.nr);
		call.x[3] = pick_arg(&in, h.nr);
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
		check(vpsci_call(h.vm, vcpu, &call, &res) == 0, "vpsci_call accepts a valid vCPU");

		/* x0 is a sign-extended 32-bit value. */
		check((uint64_t)(int64_t)(int32_t)res.x[0] == res.x[0], "x0 sign-extended");
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
