// SPDX-License-Identifier: BSD-2-Clause
/*
 * AFFINITY_INFO at levels 0-3 racing CPU_ON / CPU_OFF / CPU_SUSPEND storms,
 * with real threads, one per vCPU (built under TSan by 'make check-tsan').
 *
 * Every vCPU thread, while its vCPU runs, makes random calls: AFFINITY_INFO
 * of a random vCPU at a random level, CPU_ON of a random vCPU (the host
 * fails one start in eight), a standby CPU_SUSPEND and its wake-up, or
 * CPU_OFF, after which it parks until a CPU_ON starts it again. vCPU 0
 * never turns off. Each AFFINITY_INFO is checked against what is known for
 * sure across the call, whatever the interleaving:
 *   - a vCPU of the instance on throughout (the caller itself, vCPU 0, or a
 *     vCPU whose own thread says it ran before and after the call and did
 *     not turn off meanwhile) makes any answer but ON impossible;
 *   - every vCPU of the instance off throughout (no start by the host and
 *     no completed CPU_OFF during the call, as many of each before) makes
 *     any answer but OFF impossible;
 *   - ON_PENDING and error codes are never answers (a CPU_ON is atomic).
 * Two MPIDR layouts: levels 2 and 3 sharing their instances, and four
 * distinct levels. At the end, quiescent, every answer matches the states.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"

#define NR		8
#define SECONDS		1.5

static const uint64_t level_mask[4] = {
	0xff00ffffffull, 0xff00ffff00ull, 0xff00ff0000ull, 0xff00000000ull,
};

struct actx {
	struct vpsci_vm *vm;
	uint64_t mpidr[NR];
	atomic_uint starts[NR];		/* host starts (ops->cpu_on that succeeded) */
	atomic_uint offs[NR];		/* CPU_OFFs that returned */
	atomic_uint life[NR];		/* odd: its thread knows it is on */
	atomic_int pending[NR];		/* a start the vCPU's thread has not taken yet */
	atomic_uint on_calls;
	atomic_uint answers[4][2];	/* [level][ON, OFF] */
	struct wfails f;
	atomic_int quit;
	double deadline;
};

#define afail(c, ...)	wfail(&(c)->f, __VA_ARGS__)

static int a_cpu_on(void *opaque, uint32_t idx, const struct vpsci_entry *entry)
{
	struct actx *c = opaque;

	(void)entry;
	if (atomic_fetch_add(&c->on_calls, 1) % 8 == 7)
		return -1;	/* the host fails this start: INTERNAL_FAILURE, rolled back */
	atomic_fetch_add(&c->starts[idx], 1);
	if (atomic_exchange(&c->pending[idx], 1))
		afail(c, "cpu_on(%u) while a start was still pending", idx);
	return 0;
}

/* No system call is made: neither hook may run. */
static void a_cpu_stop(void *opaque, uint32_t idx)
{
	afail((struct actx *)opaque, "unexpected cpu_stop(%u)", idx);
}

static void a_system_event(void *opaque, const struct vpsci_system_event *ev)
{
	afail((struct actx *)opaque, "unexpected system event %d", ev->type);
}

static const struct vpsci_ops a_ops = {
	.size = sizeof(a_ops),
	.cpu_on = a_cpu_on,
	.cpu_stop = a_cpu_stop,
	.system_event = a_system_event,
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int32_t acall(struct actx *c, uint32_t vcpu, uint32_t fid, uint64_t a1, uint64_t a2,
		     enum vpsci_exit *ex)
{
	struct vpsci_call call = {
		.size = sizeof(call), .x = { fid, a1, a2, 0 }, .conduit = VPSCI_CONDUIT_HVC,
	};
	struct vpsci_result res = { .size = sizeof(res) };

	if (vpsci_call(c->vm, vcpu, &call, &res) != 0)
		afail(c, "vpsci_call(vCPU %u, 0x%x) failed", vcpu, fid);
	if (ex)
		*ex = res.exit;
	return (int32_t)res.x[0];
}

/* What is known of one vCPU at one instant. */
struct seen {
	unsigned int starts, offs, life;
};

static void look(struct actx *c, struct seen *s)
{
	for (uint32_t i = 0; i < NR; i++) {
		/* offs before starts: a start seen is never of an off not yet seen */
		s[i].offs = atomic_load(&c->offs[i]);
		s[i].starts = atomic_load(&c->starts[i]);
		s[i].life = atomic_load(&c->life[i]);
	}
}

/* AFFINITY_INFO(target, level) from 'me', checked against what is known across it. */
static void query(struct actx *c, uint32_t me, uint32_t target, unsigned int level)
{
	uint64_t key = c->mpidr[target] & level_mask[level];
	struct seen a[NR], b[NR];
	bool surely_on = false, surely_off = true;
	int32_t r;

	look(c, a);
	r = acall(c, me, VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), c->mpidr[target], level, NULL);
	look(c, b);
	for (uint32_t i = 0; i < NR; i++) {
		if ((c->mpidr[i] & level_mask[level]) != key)
			continue;
		if (i == me || i == 0 || (a[i].life == b[i].life && (a[i].life & 1)))
			surely_on = true;
		/* vCPU 0 is on from the start, unstarted by the host */
		if (i == 0 || i == me || a[i].starts != b[i].starts || a[i].offs != b[i].offs ||
		    a[i].starts != a[i].offs)
			surely_off = false;
	}
	if (r != VPSCI_AFF_ON && r != VPSCI_AFF_OFF)
		afail(c, "AFFINITY_INFO(%u, %u) returned %d", target, level, r);
	else if (surely_on && r != VPSCI_AFF_ON)
		afail(c, "AFFINITY_INFO(%u, %u): OFF with a vCPU on throughout", target, level);
	else if (surely_off && r != VPSCI_AFF_OFF)
		afail(c, "AFFINITY_INFO(%u, %u): ON with every vCPU off throughout", target,
		      level);
	else
		atomic_fetch_add(&c->answers[level][r == VPSCI_AFF_OFF], 1);
}

/* The vCPU runs: random calls until it turns itself off (or time is up). */
static void run_vcpu(struct actx *c, uint32_t me, unsigned int *seed)
{
	enum vpsci_exit ex;
	int32_t r;

	/* Its first call waits out the CPU_ON that started it: from here it knows it is on. */
	query(c, me, me, 0);
	atomic_fetch_add(&c->life[me], 1);
	while (now_s() < c->deadline) {
		uint32_t t = (uint32_t)rand_r(seed) % NR, k = (uint32_t)rand_r(seed) % 16;

		if (k < 8) {
			query(c, me, t, k % 4);
		} else if (k < 12) {
			r = acall(c, me, VPSCI_FN64(VPSCI_FN_CPU_ON), c->mpidr[t], ENTRY_OK, NULL);
			if (r != VPSCI_RET_SUCCESS && r != VPSCI_RET_ALREADY_ON &&
			    r != VPSCI_RET_INTERNAL_FAILURE)
				afail(c, "CPU_ON(%u) from %u returned %d", t, me, r);
			if (r == VPSCI_RET_SUCCESS)
				sched_yield();	/* 2 cores, 8 threads: let the target run */
		} else if (k < 13) {
			r = acall(c, me, VPSCI_FN32(VPSCI_FN_CPU_SUSPEND), 0, 0, &ex);
			if (ex != VPSCI_EXIT_SUSPEND || vpsci_vcpu_wake(c->vm, me) != VPSCI_OK)
				afail(c, "CPU_SUSPEND of %u: x0 %d exit %d", me, r, ex);
		} else if (me != 0) {
			atomic_fetch_add(&c->life[me], 1);
			r = acall(c, me, VPSCI_FN32(VPSCI_FN_CPU_OFF), 0, 0, &ex);
			if (ex != VPSCI_EXIT_OFF)
				afail(c, "CPU_OFF of %u: x0 %d exit %d", me, r, ex);
			atomic_fetch_add(&c->offs[me], 1);
			return;
		}
	}
}

struct aarg {
	struct actx *c;
	uint32_t vcpu;
};

static void *vcpu_thread(void *arg)
{
	struct actx *c = ((struct aarg *)arg)->c;
	uint32_t me = ((struct aarg *)arg)->vcpu;
	unsigned int seed = me * 7919u + 1;

	if (me == 0)
		run_vcpu(c, me, &seed);
	while (!atomic_load(&c->quit)) {
		if (atomic_load(&c->pending[me]) && atomic_exchange(&c->pending[me], 0)) {
			run_vcpu(c, me, &seed);
			continue;
		}
		sched_yield();
	}
	return NULL;
}

static void storm(const uint64_t *mpidrs)
{
	static struct actx c;
	pthread_t th[NR];
	struct aarg args[NR];
	struct tcfg t;
	unsigned int n_off = 0, n_on = 0;

	memset(&c, 0, sizeof(c));
	wfails_init(&c.f);
	tcfg_init(&t, VPSCI_VERSION_1_3, NR);
	tcfg_set_mpidrs(&t, mpidrs, NR);
	memcpy(c.mpidr, mpidrs, sizeof(c.mpidr));
	assert_int_equal(vpsci_create(&t.cfg, &a_ops, &c, &c.vm), VPSCI_OK);
	c.deadline = now_s() + SECONDS;
	for (uint32_t i = 0; i < NR; i++) {
		args[i].c = &c;
		args[i].vcpu = i;
		assert_int_equal(pthread_create(&th[i], NULL, vcpu_thread, &args[i]), 0);
	}
	/* vCPU 0 returns from run_vcpu() at the deadline; the others are parked by then. */
	while (now_s() < c.deadline + 0.5)
		sched_yield();
	atomic_store(&c.quit, 1);
	for (uint32_t i = 0; i < NR; i++)
		pthread_join(th[i], NULL);
	assert_no_wfails(&c.f);

	/* Quiescent: each answer is what the states say. */
	for (uint32_t i = 0; i < NR; i++)
		for (unsigned int l = 0; l < 4; l++) {
			bool on = false;

			for (uint32_t j = 0; j < NR; j++)
				on |= (mpidrs[j] & level_mask[l]) == (mpidrs[i] & level_mask[l]) &&
				      vpsci_vcpu_state(c.vm, j) != VPSCI_VCPU_OFF;
			assert_cont(tcall(c.vm, 0, VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), mpidrs[i], l,
					  0), on ? VPSCI_AFF_ON : VPSCI_AFF_OFF);
		}
	for (unsigned int l = 1; l < 4; l++) {
		n_on += atomic_load(&c.answers[l][0]);
		n_off += atomic_load(&c.answers[l][1]);
	}
	print_message("AFFINITY_INFO storm: %u CPU_ON starts asked; levels 1-3: %u ON, %u OFF\n",
		      atomic_load(&c.on_calls), n_on, n_off);
	/* Not vacuous: instances were seen both ways while the storm ran. */
	assert_true(n_on > 0 && n_off > 0);
	vpsci_destroy(c.vm);
}

/* Aff3 {0-3} {4-7}, Aff1 pairs, Aff2 = 0: levels 2 and 3 share their instances. */
static void test_aff_storm_shared_levels(void **state)
{
	uint64_t m[NR];

	(void)state;
	for (uint32_t i = 0; i < NR; i++)
		m[i] = VPSCI_MPIDR_AFFINITY(i / 4, 0, i / 2 % 2, i % 2);
	storm(m);
}

/* Aff3 {0-3} {4-7}, Aff2 pairs, Aff1 single vCPUs: four distinct levels. */
static void test_aff_storm_distinct_levels(void **state)
{
	uint64_t m[NR];

	(void)state;
	for (uint32_t i = 0; i < NR; i++)
		m[i] = VPSCI_MPIDR_AFFINITY(i / 4, i / 2 % 2, i % 2, 0);
	storm(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aff_storm_shared_levels),
		cmocka_unit_test(test_aff_storm_distinct_levels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
