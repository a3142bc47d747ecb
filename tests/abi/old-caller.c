// SPDX-License-Identifier: BSD-2-Clause
/*
 * A VMM built against an older libvpsci header, run against the current
 * shared library: the proof of the ABI rule (include/vpsci/vpsci.h,
 * docs/design.md "ABI"). It is compiled with -Itests/abi/include-first, a
 * copy of vpsci.h as commit 7a6a777 had it (the first sized-struct layout,
 * whose struct vpsci_result ends at 'entry': the current one has grown
 * 'event' since), and psci.h from include/ (spec constants, no structs).
 *
 * It checks that the library accepts the old structs, answers calls, writes
 * no byte of a result beyond the old size (guard bytes follow it) and says
 * so in res.size, and still reports system events through ops->system_event.
 * Prints one PASS or FAIL line; exit status 0 or 1.
 */
#include <stdio.h>
#include <string.h>

#include <vpsci/vpsci.h>

#define GUARD	64
#define FILL	0xa5

struct host {
	unsigned int on_calls, stop_calls, event_calls;
	struct vpsci_system_event ev;
};

/* The result as the old caller allocates it, and what follows it in memory. */
struct guarded_result {
	struct vpsci_result r;
	unsigned char guard[GUARD];
};

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("abi-old-caller: FAIL: %s\n", what);
		failures++;
	}
}

static int on(void *opaque, uint32_t idx, const struct vpsci_entry *entry)
{
	struct host *h = opaque;

	(void)idx;
	(void)entry;
	h->on_calls++;
	return 0;
}

static void stop(void *opaque, uint32_t idx)
{
	struct host *h = opaque;

	(void)idx;
	h->stop_calls++;
}

static void event(void *opaque, const struct vpsci_system_event *ev)
{
	struct host *h = opaque;

	h->event_calls++;
	h->ev = *ev;
}

static const struct vpsci_ops ops = {
	.size = sizeof(ops),
	.cpu_on = on,
	.cpu_stop = stop,
	.system_event = event,
};

/* One call into a guarded old-size result; checks the guard and res.size. */
static struct vpsci_result call(struct vpsci_vm *vm, uint32_t vcpu, uint32_t fid, uint64_t a1,
				uint64_t a2)
{
	struct vpsci_call c = { .size = sizeof(c), .x = { fid, a1, a2, 0 } };
	struct guarded_result g;
	int err;

	memset(&g, FILL, sizeof(g));
	g.r.size = sizeof(g.r);
	err = vpsci_call(vm, vcpu, &c, &g.r);
	check(err == 0, "vpsci_call() accepts an old-size call and result");
	check(g.r.size == sizeof(g.r), "res.size says the old size was written");
	for (size_t i = 0; i < GUARD; i++)
		if (g.guard[i] != FILL) {
			check(0, "no byte written beyond the old result");
			break;
		}
	return g.r;
}

int main(void)
{
	struct vpsci_mem_region ram = { 0x40000000, 1ull << 30 };
	struct vpsci_config cfg = {
		.size = sizeof(cfg), .version = VPSCI_VERSION_1_3,
		.conduit = VPSCI_CONDUIT_HVC, .nr_vcpus = 4, .mem = &ram, .nr_mem = 1,
	};
	struct host h = { 0 };
	struct vpsci_result res;
	struct vpsci_vm *vm;

	if (vpsci_create(&cfg, &ops, &h, &vm)) {
		printf("abi-old-caller: FAIL: vpsci_create() refuses an old-size config\n");
		return 1;
	}
	res = call(vm, 0, VPSCI_FN32(VPSCI_FN_PSCI_VERSION), 0, 0);
	check(res.x[0] == VPSCI_VERSION_1_3 && res.exit == VPSCI_EXIT_CONTINUE, "PSCI_VERSION");
	res = call(vm, 0, VPSCI_FN64(VPSCI_FN_CPU_ON), 1, 0x40080000);
	check(res.x[0] == 0 && h.on_calls == 1, "CPU_ON reaches ops->cpu_on");
	res = call(vm, 1, VPSCI_FN32(VPSCI_FN_SYSTEM_OFF), 0, 0);
	check(res.exit == VPSCI_EXIT_SYSTEM_EVENT, "SYSTEM_OFF exits with SYSTEM_EVENT");
	check(h.event_calls == 1 && h.ev.type == VPSCI_EVENT_OFF && h.ev.caller == 1,
	      "ops->system_event reports SYSTEM_OFF from vCPU 1");
	check(h.stop_calls == 1, "the other vCPU that was on is stopped first");
	vpsci_destroy(vm);
	if (failures)
		return 1;
	printf("abi-old-caller: PASS (result of %zu bytes, old header, current library)\n",
	       sizeof(res));
	return 0;
}
