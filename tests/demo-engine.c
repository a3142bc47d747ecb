// SPDX-License-Identifier: BSD-2-Clause
/*
 * demo-engine: a simulated 4-vCPU VM on host threads, driven through
 * libvpsci's public API, printing every PSCI call and its result.
 * vCPU 0 boots the others with CPU_ON, asks AFFINITY_INFO, has vCPU 1
 * CPU_SUSPEND (the "host" wakes it), vCPUs 2 and 3 CPU_OFF, and finally
 * SYSTEM_OFFs the VM. No KVM: the "host" is this program.
 *
 * Exit status: 0 the lifecycle ran as expected, 1 something differed.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <vpsci/vpsci.h>

#define NR_VCPUS	4
#define RAM_BASE	0x40000000ull
#define RAM_SIZE	0x8000000ull
#define SECONDARY_ENTRY	0x40080000ull

enum cmd { CMD_NONE, CMD_SUSPEND, CMD_OFF };

/* The simulated host: one mutex and condition for all vCPU mailboxes. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct vpsci_vm *vm;
	bool start[NR_VCPUS];		/* set by cpu_on: the vCPU may run */
	struct vpsci_entry entry[NR_VCPUS];
	bool stop[NR_VCPUS];		/* set by cpu_stop */
	enum cmd cmd[NR_VCPUS];		/* what vCPU 0 asks a secondary to do */
	int up;				/* secondaries that reported in */
	bool suspended[NR_VCPUS];
	bool woken[NR_VCPUS];
	bool parked[NR_VCPUS];
	int failures;
} host = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print one line; stdout is shared by all vCPU threads. */
static void say(const char *fmt, ...)
{
	static pthread_mutex_t out = PTHREAD_MUTEX_INITIALIZER;
	va_list ap;

	pthread_mutex_lock(&out);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&out);
}

static const char *ret_name(int64_t r)
{
	switch (r) {
	case VPSCI_RET_SUCCESS: return "SUCCESS";
	case VPSCI_RET_NOT_SUPPORTED: return "NOT_SUPPORTED";
	case VPSCI_RET_INVALID_PARAMETERS: return "INVALID_PARAMETERS";
	case VPSCI_RET_DENIED: return "DENIED";
	case VPSCI_RET_ALREADY_ON: return "ALREADY_ON";
	case VPSCI_RET_ON_PENDING: return "ON_PENDING";
	case VPSCI_RET_INTERNAL_FAILURE: return "INTERNAL_FAILURE";
	case VPSCI_RET_INVALID_ADDRESS: return "INVALID_ADDRESS";
	default: return "";
	}
}

static const char *exit_name(enum vpsci_exit e)
{
	switch (e) {
	case VPSCI_EXIT_CONTINUE: return "continue";
	case VPSCI_EXIT_OFF: return "vCPU off";
	case VPSCI_EXIT_SUSPEND: return "vCPU suspended";
	case VPSCI_EXIT_SYSTEM_EVENT: return "system event";
	}
	return "?";
}

/* x0 in words: a version, an AFFINITY_INFO state, or a return code. */
static const char *describe(uint32_t fid, int64_t x0, char *buf, size_t size)
{
	if (fid == VPSCI_FN32(VPSCI_FN_PSCI_VERSION) || fid == VPSCI_SMCCC_VERSION) {
		if (x0 >= 0) {
			snprintf(buf, size, "v%u.%u", VPSCI_VERSION_MAJOR((uint32_t)x0),
				 VPSCI_VERSION_MINOR((uint32_t)x0));
			return buf;
		}
	} else if ((fid & 0xbfffffffu) == VPSCI_FN32(VPSCI_FN_AFFINITY_INFO)) {
		if (x0 == VPSCI_AFF_ON)
			return "ON";
		if (x0 == VPSCI_AFF_OFF)
			return "OFF";
		if (x0 == VPSCI_AFF_ON_PENDING)
			return "ON_PENDING";
	}
	return ret_name(x0);
}

/* One PSCI call from 'vcpu', printed with its arguments and result. */
static struct vpsci_result call(uint32_t vcpu, uint32_t fid, uint64_t a1, uint64_t a2,
				uint64_t a3, int64_t expect)
{
	struct vpsci_call c = {
		.size = sizeof(c),
		.x = { fid, a1, a2, a3 }, .conduit = VPSCI_CONDUIT_HVC,
	};
	struct vpsci_result res = { .size = sizeof(res) };
	const char *name = vpsci_fn_name(fid);
	int err = vpsci_call(host.vm, vcpu, &c, &res);
	int64_t x0 = (int64_t)res.x[0];
	char buf[32];

	say("vCPU %u: %-14s(0x%llx, 0x%llx, 0x%llx) -> %lld %s [%s]", vcpu,
	    name ? name : "?", (unsigned long long)a1, (unsigned long long)a2,
	    (unsigned long long)a3, (long long)x0, describe(fid, x0, buf, sizeof(buf)),
	    exit_name(res.exit));
	if (err || x0 != expect) {
		say("  UNEXPECTED: vpsci_call returned %d (%s), wanted x0 = %lld", err,
		    vpsci_strerror(err), (long long)expect);
		host.failures++;
	}
	return res;
}

static int h_cpu_on(void *opaque, uint32_t idx, const struct vpsci_entry *entry)
{
	(void)opaque;
	say("  host: cpu_on(vCPU %u, pc 0x%llx, x0 0x%llx)", idx, (unsigned long long)entry->pc,
	    (unsigned long long)entry->context_id);
	pthread_mutex_lock(&host.lock);
	host.entry[idx] = *entry;
	host.start[idx] = true;
	pthread_cond_broadcast(&host.cond);
	pthread_mutex_unlock(&host.lock);
	return 0;
}

static void h_cpu_stop(void *opaque, uint32_t idx)
{
	(void)opaque;
	say("  host: cpu_stop(vCPU %u)", idx);
	pthread_mutex_lock(&host.lock);
	host.stop[idx] = true;
	pthread_cond_broadcast(&host.cond);
	pthread_mutex_unlock(&host.lock);
}

static void h_system_event(void *opaque, const struct vpsci_system_event *ev)
{
	static const char *const names[] = {
		"SYSTEM_OFF", "HIBERNATE_OFF", "RESET", "RESET2", "SUSPEND",
	};

	(void)opaque;
	say("  host: system event %s from vCPU %u", names[ev->type], ev->caller);
}

static const struct vpsci_ops demo_ops = {
	.size = sizeof(demo_ops),
	.cpu_on = h_cpu_on,
	.cpu_stop = h_cpu_stop,
	.system_event = h_system_event,
};

/* A secondary vCPU: parked until cpu_on, then does what vCPU 0 asks, until stopped. */
static void *secondary(void *arg)
{
	uint32_t me = (uint32_t)(uintptr_t)arg;

	pthread_mutex_lock(&host.lock);
	for (;;) {
		enum cmd cmd;

		while (!host.start[me] && !host.stop[me] && host.cmd[me] == CMD_NONE)
			pthread_cond_wait(&host.cond, &host.lock);
		if (host.stop[me])
			break;
		if (host.start[me]) {
			host.start[me] = false;
			host.parked[me] = false;
			say("vCPU %u: running at pc 0x%llx with x0 = 0x%llx", me,
			    (unsigned long long)host.entry[me].pc,
			    (unsigned long long)host.entry[me].context_id);
			host.up++;
			pthread_cond_broadcast(&host.cond);
			continue;
		}
		cmd = host.cmd[me];
		host.cmd[me] = CMD_NONE;
		pthread_mutex_unlock(&host.lock);
		if (cmd == CMD_SUSPEND) {
			struct vpsci_result r = call(me, VPSCI_FN32(VPSCI_FN_CPU_SUSPEND), 0, 0, 0,
						     VPSCI_RET_SUCCESS);

			pthread_mutex_lock(&host.lock);
			host.suspended[me] = r.exit == VPSCI_EXIT_SUSPEND;
			pthread_cond_broadcast(&host.cond);
			while (!host.woken[me] && !host.stop[me])
				pthread_cond_wait(&host.cond, &host.lock);
			say("vCPU %u: woke up, back from CPU_SUSPEND with x0 = %lld", me,
			    (long long)(int64_t)r.x[0]);
			continue;
		}
		call(me, VPSCI_FN32(VPSCI_FN_CPU_OFF), 0, 0, 0, VPSCI_RET_INTERNAL_FAILURE);
		pthread_mutex_lock(&host.lock);
		say("vCPU %u: parked (off)", me);
		host.parked[me] = true;
		pthread_cond_broadcast(&host.cond);
	}
	say("vCPU %u: thread ends (%s)", me, host.parked[me] ? "was off" : "stopped");
	pthread_mutex_unlock(&host.lock);
	return NULL;
}

static void wait_for(bool (*cond)(void))
{
	pthread_mutex_lock(&host.lock);
	while (!cond())
		pthread_cond_wait(&host.cond, &host.lock);
	pthread_mutex_unlock(&host.lock);
}

static int want_up;
static bool is_up(void) { return host.up >= want_up; }
static bool v1_suspended(void) { return host.suspended[1]; }
static bool v23_parked(void) { return host.parked[2] && host.parked[3]; }

int main(void)
{
	static const struct vpsci_mem_region ram = { RAM_BASE, RAM_SIZE };
	const struct vpsci_config cfg = {
		.size = sizeof(cfg),
		.version = VPSCI_VERSION_1_1, .conduit = VPSCI_CONDUIT_HVC,
		.nr_vcpus = NR_VCPUS, .boot_vcpu = 0, .mem = &ram, .nr_mem = 1,
	};
	pthread_t th[NR_VCPUS];
	int err, polls = 0;

	err = vpsci_create(&cfg, &demo_ops, NULL, &host.vm);
	if (err) {
		fprintf(stderr, "demo-engine: vpsci_create: %s\n", vpsci_strerror(err));
		return 1;
	}
	say("demo-engine: PSCI 1.1 VM with %d vCPUs, RAM 0x%llx+0x%llx; vCPU 0 is on",
	    NR_VCPUS, (unsigned long long)RAM_BASE, (unsigned long long)RAM_SIZE);
	for (uintptr_t i = 1; i < NR_VCPUS; i++)
		pthread_create(&th[i], NULL, secondary, (void *)i);

	call(0, VPSCI_FN32(VPSCI_FN_PSCI_VERSION), 0, 0, 0, VPSCI_VERSION_1_1);
	call(0, VPSCI_SMCCC_VERSION, 0, 0, 0, VPSCI_SMCCC_VERSION_1_1);
	call(0, VPSCI_FN32(VPSCI_FN_PSCI_FEATURES), VPSCI_FN32(VPSCI_FN_SYSTEM_RESET2), 0, 0, 0);
	call(0, VPSCI_FN32(VPSCI_FN_PSCI_FEATURES), VPSCI_FN64(VPSCI_FN_SYSTEM_SUSPEND), 0, 0,
	     VPSCI_RET_NOT_SUPPORTED);

	for (uint32_t i = 1; i < NR_VCPUS; i++) {
		call(0, VPSCI_FN64(VPSCI_FN_CPU_ON), vpsci_vcpu_mpidr(host.vm, i), SECONDARY_ENTRY,
		     0x100 + i, VPSCI_RET_SUCCESS);
		want_up = (int)i;
		wait_for(is_up);
	}
	call(0, VPSCI_FN64(VPSCI_FN_CPU_ON), 1, SECONDARY_ENTRY, 0, VPSCI_RET_ALREADY_ON);
	call(0, VPSCI_FN64(VPSCI_FN_CPU_ON), 0x7, SECONDARY_ENTRY, 0,
	     VPSCI_RET_INVALID_PARAMETERS);
	/* DEN0022 5.6: the entry is checked before the target's state */
	call(0, VPSCI_FN64(VPSCI_FN_CPU_ON), 2, 0x1000, 0, VPSCI_RET_INVALID_ADDRESS);
	for (uint32_t i = 0; i < NR_VCPUS; i++)
		call(0, VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), vpsci_vcpu_mpidr(host.vm, i), 0, 0,
		     VPSCI_AFF_ON);

	/* vCPU 1 suspends; the host wakes it as an interrupt would */
	pthread_mutex_lock(&host.lock);
	host.cmd[1] = CMD_SUSPEND;
	pthread_cond_broadcast(&host.cond);
	pthread_mutex_unlock(&host.lock);
	wait_for(v1_suspended);
	call(0, VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), 1, 0, 0, VPSCI_AFF_ON);
	say("  host: interrupt for vCPU 1 -> vpsci_vcpu_wake(1) = %d",
	    vpsci_vcpu_wake(host.vm, 1));
	pthread_mutex_lock(&host.lock);
	host.woken[1] = true;
	pthread_cond_broadcast(&host.cond);
	pthread_mutex_unlock(&host.lock);

	/* vCPUs 2 and 3 go off; vCPU 0 waits for them as Linux's cpu_die path does */
	pthread_mutex_lock(&host.lock);
	host.cmd[2] = CMD_OFF;
	host.cmd[3] = CMD_OFF;
	pthread_cond_broadcast(&host.cond);
	pthread_mutex_unlock(&host.lock);
	wait_for(v23_parked);
	for (uint32_t i = 2; i < NR_VCPUS; i++) {
		struct vpsci_call c = {
			.size = sizeof(c),
			.x = { VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), i, 0, 0 },
		};
		struct vpsci_result r = { .size = sizeof(r) };

		do {
			vpsci_call(host.vm, 0, &c, &r);
			polls++;
		} while ((int64_t)r.x[0] != VPSCI_AFF_OFF);
	}
	say("vCPU 0: AFFINITY_INFO polled %d time(s) until vCPUs 2 and 3 read OFF", polls);
	call(0, VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), 2, 0, 0, VPSCI_AFF_OFF);
	call(0, VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), 0, 1, 0, VPSCI_AFF_ON);

	call(0, VPSCI_FN32(VPSCI_FN_SYSTEM_OFF), 0, 0, 0, VPSCI_RET_INTERNAL_FAILURE);
	/* the parked vCPUs end with the VM */
	pthread_mutex_lock(&host.lock);
	for (uint32_t i = 1; i < NR_VCPUS; i++)
		host.stop[i] = true;
	pthread_cond_broadcast(&host.cond);
	pthread_mutex_unlock(&host.lock);
	for (uint32_t i = 1; i < NR_VCPUS; i++)
		pthread_join(th[i], NULL);
	vpsci_destroy(host.vm);
	say("demo-engine: %s", host.failures ? "FAILED" : "done, every call answered as expected");
	return host.failures ? 1 : 0;
}
