// SPDX-License-Identifier: BSD-2-Clause
/*
 * Concurrency (decision 20), with real threads, one per vCPU, as a VMM runs
 * them: CPU_ON storms on one target, CPU_OFF/CPU_ON cycles with AFFINITY_INFO
 * polled meanwhile, and SYSTEM_SUSPEND racing CPU_ON. Built under TSan by
 * 'make check-tsan'. Worker threads never call cmocka asserts (those
 * longjmp on the main thread): they record failures, the main thread checks.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "helpers.h"

#define MAX_T	64

/* Thread-safe hooks: counters and a per-vCPU "start this vCPU" flag. */
struct cctx {
	struct vpsci_vm *vm;
	atomic_uint on_calls;
	atomic_uint on_count[MAX_T];
	atomic_int pending_on[MAX_T];
	atomic_uint stop_calls;
	atomic_uint event_calls;
	atomic_uint suspend_events;
	struct wfails f;
};

/* Record a failure from a worker thread; the first message is kept. */
#define cfail(c, ...)		wfail(&(c)->f, __VA_ARGS__)
#define assert_no_errors(c)	assert_no_wfails(&(c)->f)

static int c_cpu_on(void *opaque, uint32_t idx, const struct vpsci_entry *entry)
{
	struct cctx *c = opaque;

	if (entry->pc != ENTRY_OK)
		cfail(c, "cpu_on(%u): pc 0x%llx", idx, (unsigned long long)entry->pc);
	atomic_fetch_add(&c->on_calls, 1);
	if (idx < MAX_T) {
		atomic_fetch_add(&c->on_count[idx], 1);
		if (atomic_exchange(&c->pending_on[idx], 1))
			cfail(c, "cpu_on(%u) while a start was still pending", idx);
	}
	return 0;
}

static void c_cpu_stop(void *opaque, uint32_t idx)
{
	struct cctx *c = opaque;

	(void)idx;
	atomic_fetch_add(&c->stop_calls, 1);
}

/* DEN0022 5.20: SYSTEM_SUSPEND only when every other CPU is OFF; check it at report time. */
static void c_system_event(void *opaque, const struct vpsci_system_event *ev)
{
	struct cctx *c = opaque;

	atomic_fetch_add(&c->event_calls, 1);
	if (ev->type != VPSCI_EVENT_SUSPEND)
		return;
	atomic_fetch_add(&c->suspend_events, 1);
	for (uint32_t i = 0; i < vpsci_nr_vcpus(c->vm); i++) {
		int st = vpsci_vcpu_state(c->vm, i);

		if (i != ev->caller && st != VPSCI_VCPU_OFF)
			cfail(c, "SYSTEM_SUSPEND reported while vCPU %u is in state %d", i, st);
	}
}

static const struct vpsci_ops c_ops = {
	.size = sizeof(c_ops),
	.cpu_on = c_cpu_on,
	.cpu_stop = c_cpu_stop,
	.system_event = c_system_event,
};

static struct vpsci_vm *cvm(struct cctx *c, uint32_t nr, uint32_t flags)
{
	struct tcfg t;

	memset(c, 0, sizeof(*c));
	wfails_init(&c->f);
	tcfg_init(&t, VPSCI_VERSION_1_3, nr);
	t.cfg.flags = flags;
	assert_int_equal(vpsci_create(&t.cfg, &c_ops, c, &c->vm), VPSCI_OK);
	return c->vm;
}

/* One call from a worker: never asserts, returns x0 as a PSCI code. */
static int32_t wcall(struct cctx *c, uint32_t vcpu, uint32_t fid, uint64_t a1, uint64_t a2,
		     enum vpsci_exit *ex)
{
	struct vpsci_call call = {
		.size = sizeof(call),
		.x = { fid, a1, a2, 0 }, .conduit = VPSCI_CONDUIT_HVC,
	};
	struct vpsci_result res = { .size = sizeof(res) };
	int ret = vpsci_call(c->vm, vcpu, &call, &res);

	if (ret != 0)
		cfail(c, "vpsci_call(vCPU %u, 0x%x) returned %d", vcpu, fid, ret);
	if (ex)
		*ex = res.exit;
	return (int32_t)res.x[0];
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- CPU_ON storm: every ON vCPU calls CPU_ON on the one OFF vCPU at once --------- */

#define STORM_NR	16
#define STORM_TARGET	(STORM_NR - 1)
#define STORM_ROUNDS	2000

struct storm {
	struct cctx c;
	pthread_barrier_t start, done;
	int32_t ret[STORM_NR];
	int32_t aff[STORM_NR];
	atomic_int quit;
	atomic_int arrived;	/* spin rendezvous: barrier wake-ups are microseconds apart */
};

struct stormarg {
	struct storm *s;
	uint32_t vcpu;
};

static void *storm_worker(void *arg)
{
	struct storm *s = ((struct stormarg *)arg)->s;
	uint32_t me = ((struct stormarg *)arg)->vcpu;

	for (;;) {
		pthread_barrier_wait(&s->start);
		if (atomic_load(&s->quit))
			break;
		atomic_fetch_add(&s->arrived, 1);
		while (atomic_load(&s->arrived) < STORM_TARGET)
			sched_yield();
		s->ret[me] = wcall(&s->c, me, VPSCI_FN64(VPSCI_FN_CPU_ON), STORM_TARGET, ENTRY_OK,
				   NULL);
		s->aff[me] = wcall(&s->c, me, VPSCI_FN32(VPSCI_FN_AFFINITY_INFO), STORM_TARGET, 0,
				   NULL);
		pthread_barrier_wait(&s->done);
	}
	return NULL;
}

static void test_cpu_on_storm(void **state)
{
	static struct storm s;
	pthread_t th[STORM_NR];
	struct stormarg args[STORM_NR];
	struct vpsci_vm *vm;
	double t0 = now_s();

	(void)state;
	memset(&s, 0, sizeof(s));
	vm = cvm(&s.c, STORM_NR, 0);
	pthread_barrier_init(&s.start, NULL, STORM_TARGET + 1);
	pthread_barrier_init(&s.done, NULL, STORM_TARGET + 1);
	for (uint32_t i = 0; i < STORM_TARGET; i++) {
		args[i].s = &s;
		args[i].vcpu = i;
		assert_int_equal(pthread_create(&th[i], NULL, storm_worker, &args[i]), 0);
	}
	for (int round = 0; round < STORM_ROUNDS; round++) {
		int wins = 0, already = 0;

		/* quiescent: reset, then vCPUs 1..14 on, 15 off */
		assert_int_equal(vpsci_reset(vm), VPSCI_OK);
		for (uint32_t i = 1; i < STORM_TARGET; i++)
			assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_CPU_ON), i, ENTRY_OK, 0),
				    VPSCI_RET_SUCCESS);
		atomic_store(&s.c.on_count[STORM_TARGET], 0);
		atomic_store(&s.c.pending_on[STORM_TARGET], 0);
		for (uint32_t i = 1; i < STORM_TARGET; i++)
			atomic_store(&s.c.pending_on[i], 0);
		atomic_store(&s.arrived, 0);
		pthread_barrier_wait(&s.start);
		pthread_barrier_wait(&s.done);
		for (uint32_t i = 0; i < STORM_TARGET; i++) {
			if (s.ret[i] == VPSCI_RET_SUCCESS)
				wins++;
			else if (s.ret[i] == VPSCI_RET_ALREADY_ON)
				already++;
			else
				fail_msg("round %d: vCPU %u got %d from CPU_ON", round, i,
					 s.ret[i]);
			if (s.aff[i] != VPSCI_AFF_ON && s.aff[i] != VPSCI_AFF_OFF)
				fail_msg("round %d: AFFINITY_INFO gave %d", round, s.aff[i]);
		}
		assert_int_equal(wins, 1);
		assert_int_equal(already, STORM_TARGET - 1);
		assert_int_equal(atomic_load(&s.c.on_count[STORM_TARGET]), 1);
		assert_int_equal(vpsci_vcpu_state(vm, STORM_TARGET), VPSCI_VCPU_ON);
		assert_no_errors(&s.c);
	}
	atomic_store(&s.quit, 1);
	pthread_barrier_wait(&s.start);
	for (uint32_t i = 0; i < STORM_TARGET; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&s.start);
	pthread_barrier_destroy(&s.done);
	print_message("CPU_ON storm: %d rounds x %d callers in %.2f s\n", STORM_ROUNDS,
		      STORM_TARGET, now_s() - t0);
	vpsci_destroy(vm);
}

/* ---- CPU_OFF / CPU_ON cycles, AFFINITY_INFO polled meanwhile ------------------------ */

#define CYC_NR		8
#define CYC_TARGET	7
#define CYC_POLLER	6
#define CYC_RACERS	6	/* vCPUs 0..5 */
#define CYC_GOAL	10000	/* completed OFF->ON->OFF cycles wanted */
#define CYC_SECONDS	2.0	/* ...or this long, whichever comes first */

struct cycle {
	struct cctx c;
	atomic_int racers_done;
	atomic_uint successes;
	atomic_uint already;
	atomic_uint offs;
	atomic_uint polls;
	double deadline;
	pthread_barrier_t start;
};

struct warg {
	struct cycle *cy;
	uint32_t vcpu;
};

static void *cycle_racer(void *arg)
{
	struct warg *w = arg;
	struct cycle *cy = w->cy;

	pthread_barrier_wait(&cy->start);
	while (atomic_load(&cy->successes) < CYC_GOAL && now_s() < cy->deadline) {
		int32_t r = wcall(&cy->c, w->vcpu, VPSCI_FN64(VPSCI_FN_CPU_ON), CYC_TARGET,
				  ENTRY_OK, NULL);

		if (r == VPSCI_RET_SUCCESS) {
			atomic_fetch_add(&cy->successes, 1);
		} else if (r == VPSCI_RET_ALREADY_ON) {
			atomic_fetch_add(&cy->already, 1);
			sched_yield();	/* 2 cores, 8 threads: let the target run */
		} else {
			cfail(&cy->c, "CPU_ON(target) from vCPU %u returned %d", w->vcpu, r);
		}
	}
	return NULL;
}

/* The target's own thread: whenever the host was asked to start it, it turns itself off. */
static void *cycle_target(void *arg)
{
	struct warg *w = arg;
	struct cycle *cy = w->cy;

	pthread_barrier_wait(&cy->start);
	for (;;) {
		bool done = atomic_load(&cy->racers_done);

		if (atomic_load(&cy->c.pending_on[CYC_TARGET]) &&
		    atomic_exchange(&cy->c.pending_on[CYC_TARGET], 0)) {
			enum vpsci_exit ex;
			int32_t r = wcall(&cy->c, CYC_TARGET, VPSCI_FN32(VPSCI_FN_CPU_OFF), 0, 0,
					  &ex);

			if (ex != VPSCI_EXIT_OFF || r != VPSCI_RET_INTERNAL_FAILURE)
				cfail(&cy->c, "target CPU_OFF: x0 %d exit %d", r, ex);
			atomic_fetch_add(&cy->offs, 1);
			continue;
		}
		if (done)
			break;
		sched_yield();
	}
	return NULL;
}

static void *cycle_poller(void *arg)
{
	struct warg *w = arg;
	struct cycle *cy = w->cy;

	pthread_barrier_wait(&cy->start);
	while (!atomic_load(&cy->racers_done)) {
		/* level 0: the target itself; level 1: its cluster (vCPUs 0..15 → all here) */
		int32_t r0 = wcall(&cy->c, w->vcpu, VPSCI_FN64(VPSCI_FN_AFFINITY_INFO),
				   CYC_TARGET, 0, NULL);
		int32_t r1 = wcall(&cy->c, w->vcpu, VPSCI_FN32(VPSCI_FN_AFFINITY_INFO),
				   CYC_TARGET, 1, NULL);

		if (r0 != VPSCI_AFF_ON && r0 != VPSCI_AFF_OFF)
			cfail(&cy->c, "AFFINITY_INFO(target, 0) returned %d", r0);
		if (r1 != VPSCI_AFF_ON)
			cfail(&cy->c, "AFFINITY_INFO(cluster, 1) returned %d", r1);
		atomic_fetch_add(&cy->polls, 1);
		sched_yield();
	}
	return NULL;
}

static void test_cpu_off_on_cycles(void **state)
{
	static struct cycle cy;
	pthread_t th[CYC_NR];
	struct warg args[CYC_NR];
	struct vpsci_vm *vm;
	double t0 = now_s();

	(void)state;
	memset(&cy, 0, sizeof(cy));
	vm = cvm(&cy.c, CYC_NR, 0);
	for (uint32_t i = 1; i < CYC_TARGET; i++)
		assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_CPU_ON), i, ENTRY_OK, 0),
			    VPSCI_RET_SUCCESS);
	for (uint32_t i = 0; i < CYC_NR; i++)
		atomic_store(&cy.c.pending_on[i], 0);
	atomic_store(&cy.c.on_calls, 0);
	cy.deadline = now_s() + CYC_SECONDS;
	pthread_barrier_init(&cy.start, NULL, CYC_NR);
	for (uint32_t i = 0; i < CYC_NR; i++) {
		args[i].cy = &cy;
		args[i].vcpu = i;
		assert_int_equal(pthread_create(&th[i], NULL,
						i == CYC_TARGET ? cycle_target :
						i == CYC_POLLER ? cycle_poller : cycle_racer,
						&args[i]), 0);
	}
	for (uint32_t i = 0; i < CYC_RACERS; i++)
		pthread_join(th[i], NULL);
	atomic_store(&cy.racers_done, 1);
	pthread_join(th[CYC_POLLER], NULL);
	pthread_join(th[CYC_TARGET], NULL);
	pthread_barrier_destroy(&cy.start);
	assert_no_errors(&cy.c);

	print_message("CPU_OFF/CPU_ON cycles: %u successes, %u ALREADY_ON, %u CPU_OFFs, "
		      "%u AFFINITY_INFO polls in %.2f s\n", atomic_load(&cy.successes),
		      atomic_load(&cy.already), atomic_load(&cy.offs), atomic_load(&cy.polls),
		      now_s() - t0);
	assert_true(atomic_load(&cy.successes) > 100);
	assert_int_equal(atomic_load(&cy.c.on_calls), atomic_load(&cy.successes));
	assert_int_equal(atomic_load(&cy.offs), atomic_load(&cy.successes));
	assert_int_equal(vpsci_vcpu_state(vm, CYC_TARGET), VPSCI_VCPU_OFF);
	vpsci_destroy(vm);
}

/* ---- SYSTEM_SUSPEND on A racing CPU_ON(C) from B, then CPU_OFF(B) ------------------ */

#define SS_ROUNDS	2000
#define SS_SPIN_S	200e-6	/* back-to-back SYSTEM_SUSPENDs per round while B runs */
/*
 * A = vCPU 0 suspends the system; C = vCPU 1 is the CPU_ON target; B, the
 * last vCPU, calls CPU_ON(C) then CPU_OFF. C's index is below B's and many
 * OFF vCPUs lie between, so an engine that merely scans "every other vCPU is
 * OFF" in index order can read C as OFF, then B as OFF after B turned C on:
 * the window this test aims at.
 */
#define SS_NR		512
#define SS_A		0
#define SS_C		1
#define SS_B		(SS_NR - 1)

struct ssrace {
	struct cctx c;
	pthread_barrier_t start, done;
	atomic_int quit;
	int mode;		/* 0: C stays on once started; 1: C turns itself off */
	atomic_int b_done;
	atomic_int c_done;
	atomic_int arrived;	/* spin rendezvous: barrier wake-ups are microseconds apart */
	int32_t b_on;
	int a_success;
	unsigned int a_tries;
};

/* Start A, B and C within a few hundred nanoseconds of each other. */
static void ss_rendezvous(struct ssrace *s)
{
	atomic_fetch_add(&s->arrived, 1);
	while (atomic_load(&s->arrived) < 3)
		sched_yield();
}

static void *ss_a(void *arg)
{
	struct ssrace *s = arg;
	double t_end;

	for (;;) {
		pthread_barrier_wait(&s->start);
		if (atomic_load(&s->quit))
			break;
		s->a_success = 0;
		s->a_tries = 0;
		ss_rendezvous(s);
		t_end = now_s() + SS_SPIN_S;
		for (;;) {
			bool b_done = atomic_load(&s->b_done);
			bool last = b_done && atomic_load(&s->c_done);
			enum vpsci_exit ex;
			int32_t r = wcall(&s->c, SS_A, VPSCI_FN64(VPSCI_FN_SYSTEM_SUSPEND),
					  ENTRY_OK, 0, &ex);

			s->a_tries++;
			if (ex == VPSCI_EXIT_SYSTEM_EVENT) {
				s->a_success = 1;
				break;
			}
			if (r != VPSCI_RET_DENIED || ex != VPSCI_EXIT_CONTINUE)
				cfail(&s->c, "SYSTEM_SUSPEND: x0 %d exit %d", r, ex);
			if (last)
				break;
			/*
			 * Back to back while B is busy (the race), for a bounded time;
			 * then wait for B and C and make one last attempt.
			 */
			if (b_done || now_s() > t_end) {
				while (!(atomic_load(&s->b_done) && atomic_load(&s->c_done)))
					sched_yield();
			}
		}
		pthread_barrier_wait(&s->done);
	}
	return NULL;
}

static void *ss_b(void *arg)
{
	struct ssrace *s = arg;

	for (;;) {
		enum vpsci_exit ex;
		int32_t r;

		pthread_barrier_wait(&s->start);
		if (atomic_load(&s->quit))
			break;
		ss_rendezvous(s);
		s->b_on = wcall(&s->c, SS_B, VPSCI_FN64(VPSCI_FN_CPU_ON), SS_C, ENTRY_OK, NULL);
		if (s->b_on != VPSCI_RET_SUCCESS && s->b_on != VPSCI_RET_DENIED)
			cfail(&s->c, "B: CPU_ON(C) returned %d", s->b_on);
		r = wcall(&s->c, SS_B, VPSCI_FN32(VPSCI_FN_CPU_OFF), 0, 0, &ex);
		if (ex != VPSCI_EXIT_OFF)
			cfail(&s->c, "B: CPU_OFF returned %d, exit %d", r, ex);
		atomic_store(&s->b_done, 1);
		pthread_barrier_wait(&s->done);
	}
	return NULL;
}

static void *ss_c(void *arg)
{
	struct ssrace *s = arg;

	for (;;) {
		pthread_barrier_wait(&s->start);
		if (atomic_load(&s->quit))
			break;
		ss_rendezvous(s);
		for (;;) {
			bool b_done = atomic_load(&s->b_done);

			if (atomic_exchange(&s->c.pending_on[SS_C], 0)) {
				if (s->mode == 1) {
					enum vpsci_exit ex;
					int32_t r = wcall(&s->c, SS_C, VPSCI_FN32(VPSCI_FN_CPU_OFF),
							  0, 0, &ex);

					if (ex != VPSCI_EXIT_OFF)
						cfail(&s->c, "C: CPU_OFF returned %d, exit %d", r,
						      ex);
				}
				break;
			}
			if (b_done)
				break;
			sched_yield();
		}
		atomic_store(&s->c_done, 1);
		pthread_barrier_wait(&s->done);
	}
	return NULL;
}

static void test_system_suspend_vs_cpu_on(void **state)
{
	static struct ssrace s;
	pthread_t ta, tb, tc;
	struct vpsci_vm *vm;
	unsigned int succ[2] = { 0, 0 }, tries = 0;
	double t0 = now_s();

	(void)state;
	memset(&s, 0, sizeof(s));
	vm = cvm(&s.c, SS_NR, VPSCI_CFG_SYSTEM_SUSPEND);
	pthread_barrier_init(&s.start, NULL, 4);
	pthread_barrier_init(&s.done, NULL, 4);
	assert_int_equal(pthread_create(&ta, NULL, ss_a, &s), 0);
	assert_int_equal(pthread_create(&tb, NULL, ss_b, &s), 0);
	assert_int_equal(pthread_create(&tc, NULL, ss_c, &s), 0);
	for (int round = 0; round < SS_ROUNDS; round++) {
		int c_state;

		assert_int_equal(vpsci_reset(vm), VPSCI_OK);
		assert_cont(tcall(vm, SS_A, VPSCI_FN64(VPSCI_FN_CPU_ON),
				  vpsci_vcpu_mpidr(vm, SS_B), ENTRY_OK, 0), VPSCI_RET_SUCCESS);
		for (uint32_t i = 0; i < MAX_T; i++)
			atomic_store(&s.c.pending_on[i], 0);
		s.mode = round & 1;
		atomic_store(&s.b_done, 0);
		atomic_store(&s.c_done, 0);
		atomic_store(&s.arrived, 0);
		pthread_barrier_wait(&s.start);
		pthread_barrier_wait(&s.done);
		assert_no_errors(&s.c);
		tries += s.a_tries;
		c_state = vpsci_vcpu_state(vm, SS_C);
		if (s.a_success) {
			succ[s.mode]++;
			/* never both: a system suspended with the target on */
			if (c_state != VPSCI_VCPU_OFF)
				fail_msg("round %d: SYSTEM_SUSPEND succeeded and C is in state %d "
					 "(B's CPU_ON gave %d)", round, c_state, s.b_on);
			assert_int_equal(vpsci_vcpu_state(vm, SS_A), VPSCI_VCPU_SYSTEM_SUSPENDED);
		}
		/* C stays on in mode 0: B's CPU_ON succeeded, so SYSTEM_SUSPEND must not have */
		if (s.mode == 0 && s.b_on == VPSCI_RET_SUCCESS && s.a_success)
			fail_msg("round %d: CPU_ON(C) and SYSTEM_SUSPEND both succeeded", round);
	}
	atomic_store(&s.quit, 1);
	pthread_barrier_wait(&s.start);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_join(tc, NULL);
	pthread_barrier_destroy(&s.start);
	pthread_barrier_destroy(&s.done);
	assert_no_errors(&s.c);
	print_message("SYSTEM_SUSPEND vs CPU_ON: %d rounds, %u suspend attempts, suspended "
		      "%u times with C staying on, %u with C turning off, in %.2f s\n",
		      SS_ROUNDS, tries, succ[0], succ[1], now_s() - t0);
	assert_int_equal(succ[0], 0);
	assert_true(succ[1] > 0);
	assert_int_equal(atomic_load(&s.c.suspend_events), succ[1]);
	vpsci_destroy(vm);
}

/* ---- Every vCPU hammering discovery calls and AFFINITY_INFO while others change ---- */

#define MIX_NR		8
#define MIX_ITER	4000

struct mix {
	struct cctx c;
	pthread_barrier_t start;
};

struct mixarg {
	struct mix *m;
	uint32_t vcpu;
};

static void *mix_worker(void *arg)
{
	struct mixarg *a = arg;
	struct cctx *c = &a->m->c;
	uint32_t me = a->vcpu, peer = (me + 1) % MIX_NR;

	pthread_barrier_wait(&a->m->start);
	for (int i = 0; i < MIX_ITER; i++) {
		int32_t r;

		r = wcall(c, me, VPSCI_FN32(VPSCI_FN_PSCI_VERSION), 0, 0, NULL);
		if (r != (int32_t)VPSCI_VERSION_1_3)
			cfail(c, "PSCI_VERSION gave %d", r);
		r = wcall(c, me, VPSCI_FN32(VPSCI_FN_PSCI_FEATURES),
			  VPSCI_FN64(VPSCI_FN_CPU_ON), 0, NULL);
		if (r != 0)
			cfail(c, "PSCI_FEATURES(CPU_ON64) gave %d", r);
		r = wcall(c, me, VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), peer, 0, NULL);
		if (r != VPSCI_AFF_ON)
			cfail(c, "AFFINITY_INFO(peer) gave %d", r);
		/* CPU_ON on a peer that is on, and on oneself: always ALREADY_ON */
		r = wcall(c, me, VPSCI_FN64(VPSCI_FN_CPU_ON), peer, ENTRY_OK, NULL);
		if (r != VPSCI_RET_ALREADY_ON)
			cfail(c, "CPU_ON(peer) gave %d", r);
		/* standby suspend and wake by the host, on this vCPU's own thread */
		{
			enum vpsci_exit ex;

			r = wcall(c, me, VPSCI_FN32(VPSCI_FN_CPU_SUSPEND), 0, 0, &ex);
			if (ex != VPSCI_EXIT_SUSPEND || r != 0)
				cfail(c, "CPU_SUSPEND gave %d exit %d", r, ex);
			if (vpsci_vcpu_wake(c->vm, me) != 0)
				cfail(c, "vpsci_vcpu_wake(%u) failed", me);
		}
	}
	return NULL;
}

static void test_mixed_calls(void **state)
{
	static struct mix m;
	pthread_t th[MIX_NR];
	struct mixarg args[MIX_NR];
	struct vpsci_vm *vm;
	double t0 = now_s();

	(void)state;
	memset(&m, 0, sizeof(m));
	vm = cvm(&m.c, MIX_NR, 0);
	for (uint32_t i = 1; i < MIX_NR; i++)
		assert_cont(tcall(vm, 0, VPSCI_FN64(VPSCI_FN_CPU_ON), i, ENTRY_OK, 0),
			    VPSCI_RET_SUCCESS);
	pthread_barrier_init(&m.start, NULL, MIX_NR);
	for (uint32_t i = 0; i < MIX_NR; i++) {
		args[i].m = &m;
		args[i].vcpu = i;
		assert_int_equal(pthread_create(&th[i], NULL, mix_worker, &args[i]), 0);
	}
	for (uint32_t i = 0; i < MIX_NR; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&m.start);
	assert_no_errors(&m.c);
	print_message("mixed calls: %d vCPUs x %d iterations in %.2f s\n", MIX_NR, MIX_ITER,
		      now_s() - t0);
	for (uint32_t i = 0; i < MIX_NR; i++)
		assert_int_equal(vpsci_vcpu_state(vm, i), VPSCI_VCPU_ON);
	vpsci_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_on_storm),
		cmocka_unit_test(test_cpu_off_on_cycles),
		cmocka_unit_test(test_system_suspend_vs_cpu_on),
		cmocka_unit_test(test_mixed_calls),
	};

	return cmocka_run_group_tests_name("concurrency", tests, NULL, NULL);
}
