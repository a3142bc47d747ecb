// SPDX-License-Identifier: BSD-2-Clause
/*
 * Power-domain coordination under real threads (built under TSan by 'make
 * check-tsan'): OS-initiated cluster suspends racing wake-ups, platform-
 * coordinated votes with NODE_HW_STATE and STAT readers, and
 * PSCI_SET_SUSPEND_MODE racing CPU_OFF / CPU_ON.
 *
 * What the threads check is sound whatever the interleaving: each worker
 * publishes a generation counter, odd while it is surely running (from
 * the moment its wake-up or start returned to just before its next
 * suspending call). A caller that reads a sibling's counter odd before its
 * own call and unchanged after knows that sibling ran throughout the call,
 * so the engine cannot have found it idle at any instant of it. Worker
 * threads record failures; the main thread asserts.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"

#define NR		4
#define ROUNDS		3000
#define MODE_ROUNDS	1000

struct pctx {
	struct vpsci_vm *vm;
	atomic_uint gen[NR];		/* odd: vCPU surely running */
	atomic_int started[NR];		/* cpu_on hook: start vCPU i */
	atomic_int off[NR];		/* set by vCPU i once its CPU_OFF returned */
	atomic_uint errors;
	atomic_uint accepted_cluster, denied, invalid, accepted_cpu;
	atomic_uint switches, switch_denied;
	atomic_uint clock;
	atomic_int stop;
	char msg[200];
	atomic_flag msg_taken;
};

static void pfail(struct pctx *c, const char *what, uint32_t v)
{
	if (atomic_fetch_add(&c->errors, 1) == 0 && !atomic_flag_test_and_set(&c->msg_taken))
		snprintf(c->msg, sizeof(c->msg), "vCPU %u: %s", v, what);
}

static int p_cpu_on(void *opaque, uint32_t idx, const struct vpsci_entry *e)
{
	struct pctx *c = opaque;

	(void)e;
	atomic_store(&c->started[idx], 1);
	return 0;
}

static void p_cpu_stop(void *opaque, uint32_t idx)
{
	(void)opaque;
	(void)idx;
}

static void p_event(void *opaque, const struct vpsci_system_event *ev)
{
	pfail(opaque, "unexpected system event", ev->caller);
}

static uint64_t p_now(void *opaque)
{
	return atomic_fetch_add(&((struct pctx *)opaque)->clock, 1);
}

static const struct vpsci_ops p_ops = {
	.size = sizeof(p_ops),
	.cpu_on = p_cpu_on, .cpu_stop = p_cpu_stop, .system_event = p_event, .now_us = p_now,
};

static int64_t pcall(struct pctx *c, uint32_t v, uint32_t fid, uint64_t a1, uint64_t a2,
		     enum vpsci_exit *ex)
{
	struct vpsci_call call = {
		.size = sizeof(call),
		.x = { fid, a1, a2, 0 }, .conduit = VPSCI_CONDUIT_HVC,
	};
	struct vpsci_result res = { .size = sizeof(res) };

	if (vpsci_call(c->vm, v, &call, &res))
		pfail(c, "vpsci_call failed", v);
	if (ex)
		*ex = res.exit;
	return (int64_t)res.x[0];
}

/* Small per-thread PRNG (xorshift), so threads do not share state. */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void spin(uint32_t *s, uint32_t max)
{
	for (uint32_t i = rnd(s) % max; i > 0; i--)
		sched_yield();
}

struct worker {
	struct pctx *c;
	uint32_t v;
	uint32_t ps_cpu, ps_cluster;	/* CPU-only and cluster power-down power_states */
};

/*
 * OSI: alternate CPU-only and cluster power-downs, stay suspended a while,
 * wake up. A cluster power-down accepted while a sibling surely ran
 * throughout the call is a violation.
 */
static void *osi_worker(void *arg)
{
	struct worker *w = arg;
	struct pctx *c = w->c;
	uint32_t seed = 0x9e3779b9u * (w->v + 1), before[NR], i;

	for (int round = 0; round < ROUNDS; round++) {
		bool cluster = rnd(&seed) & 1;
		enum vpsci_exit ex;
		int64_t ret;

		for (i = 0; i < NR; i++)
			before[i] = atomic_load(&c->gen[i]);
		/* about to suspend: no longer surely running */
		atomic_fetch_add(&c->gen[w->v], 1);
		ret = pcall(c, w->v, VPSCI_FN64(VPSCI_FN_CPU_SUSPEND),
			    cluster ? w->ps_cluster : w->ps_cpu, ENTRY_OK, &ex);
		if (ret == 0 && ex == VPSCI_EXIT_SUSPEND) {
			if (cluster) {
				atomic_fetch_add(&c->accepted_cluster, 1);
				for (i = 0; i < NR; i++)
					if (i != w->v && (before[i] & 1) &&
					    atomic_load(&c->gen[i]) == before[i])
						pfail(c, "cluster powered down while a sibling ran",
						      w->v);
			} else {
				atomic_fetch_add(&c->accepted_cpu, 1);
			}
			spin(&seed, 8);
			if (vpsci_vcpu_wake(c->vm, w->v))
				pfail(c, "wake of a suspended vCPU failed", w->v);
		} else if (ret == VPSCI_RET_DENIED) {
			atomic_fetch_add(&c->denied, 1);
		} else if (ret == VPSCI_RET_INVALID_PARAMETERS) {
			atomic_fetch_add(&c->invalid, 1);
		} else {
			pfail(c, "unexpected CPU_SUSPEND answer", w->v);
		}
		atomic_fetch_add(&c->gen[w->v], 1);	/* running again */
		/* NODE_HW_STATE and STAT from a running vCPU, racing everybody */
		if (pcall(c, w->v, VPSCI_FN64(VPSCI_FN_NODE_HW_STATE), 0, 1, NULL) >
		    VPSCI_HW_STANDBY)
			pfail(c, "NODE_HW_STATE out of range", w->v);
		(void)pcall(c, w->v, VPSCI_FN64(VPSCI_FN_PSCI_STAT_COUNT), 1, w->ps_cluster, NULL);
	}
	return NULL;
}

static struct vpsci_vm *pvm(struct pctx *c, uint32_t levels)
{
	struct tcfg t;

	memset(c, 0, sizeof(*c));
	atomic_flag_clear(&c->msg_taken);
	tcfg_init(&t, VPSCI_VERSION_1_3, NR);
	tcfg_set_pd(&t, levels, VPSCI_PD_RETENTION | VPSCI_PD_OFF,
		    VPSCI_CFG_OSI | VPSCI_CFG_NODE_HW_STATE | VPSCI_CFG_STAT);
	assert_int_equal(vpsci_create(&t.cfg, &p_ops, c, &c->vm), VPSCI_OK);
	return c->vm;
}

static void run_workers(struct pctx *c, void *(*fn)(void *), struct worker *w)
{
	pthread_t th[NR];

	for (uint32_t i = 0; i < NR; i++)
		assert_int_equal(pthread_create(&th[i], NULL, fn, &w[i]), 0);
	for (uint32_t i = 0; i < NR; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	(void)c;
}

static void test_osi_race(void **state)
{
	static struct pctx c;
	struct worker w[NR];
	uint32_t cpu_ps = 0, cl_ps = 0;

	(void)state;
	pvm(&c, 2);
	for (uint32_t i = 1; i < NR; i++)
		power_on(c.vm, 0, i);
	assert_int_equal(tcall(c.vm, 0, VPSCI_FN32(VPSCI_FN_PSCI_SET_SUSPEND_MODE), 1, 0, 0).x[0],
			 0);
	assert_int_equal(vpsci_power_state(c.vm, VPSCI_LOCAL_OFF, 0, 0, &cpu_ps), 0);
	assert_int_equal(vpsci_power_state(c.vm, VPSCI_LOCAL_OFF, VPSCI_LOCAL_OFF, 0, &cl_ps), 0);
	for (uint32_t i = 0; i < NR; i++) {
		w[i] = (struct worker){ &c, i, cpu_ps, cl_ps };
		atomic_store(&c.gen[i], 1);
	}
	run_workers(&c, osi_worker, w);
	if (atomic_load(&c.errors))
		fail_msg("%u failure(s); first: %s", atomic_load(&c.errors), c.msg);
	for (uint32_t i = 0; i < NR; i++)
		assert_int_equal(vpsci_vcpu_state(c.vm, i), VPSCI_VCPU_ON);
	print_message("OSI race: %u cluster power-downs accepted, %u CPU-only, %u DENIED, "
		      "%u INVALID_PARAMETERS\n", atomic_load(&c.accepted_cluster),
		      atomic_load(&c.accepted_cpu), atomic_load(&c.denied),
		      atomic_load(&c.invalid));
	vpsci_destroy(c.vm);
}

/* PC mode: the same traffic is never refused; readers race the votes. */
static void *pc_worker(void *arg)
{
	struct worker *w = arg;
	struct pctx *c = w->c;
	uint32_t seed = 0x85ebca6bu * (w->v + 1);

	for (int round = 0; round < ROUNDS; round++) {
		enum vpsci_exit ex;
		int64_t ret = pcall(c, w->v, VPSCI_FN64(VPSCI_FN_CPU_SUSPEND),
				    (rnd(&seed) & 1) ? w->ps_cluster : w->ps_cpu, ENTRY_OK, &ex);

		if (ret != 0 || ex != VPSCI_EXIT_SUSPEND) {
			pfail(c, "PC-mode CPU_SUSPEND refused", w->v);
			continue;
		}
		spin(&seed, 4);
		if (vpsci_vcpu_wake(c->vm, w->v))
			pfail(c, "wake failed", w->v);
		if (pcall(c, w->v, VPSCI_FN64(VPSCI_FN_NODE_HW_STATE), 0, 2, NULL) >
		    VPSCI_HW_STANDBY)
			pfail(c, "NODE_HW_STATE out of range", w->v);
	}
	return NULL;
}

static void test_pc_race(void **state)
{
	static struct pctx c;
	struct worker w[NR];
	uint32_t cpu_ps = 0, sys_ps = 0, ps;
	uint64_t total = 0;

	(void)state;
	pvm(&c, 3);
	for (uint32_t i = 1; i < NR; i++)
		power_on(c.vm, 0, i);
	assert_int_equal(vpsci_power_state(c.vm, VPSCI_LOCAL_RETENTION, 0, 0, &cpu_ps), 0);
	assert_int_equal(vpsci_power_state(c.vm, VPSCI_LOCAL_OFF, VPSCI_LOCAL_OFF,
					   VPSCI_LOCAL_OFF, &sys_ps), 0);
	for (uint32_t i = 0; i < NR; i++)
		w[i] = (struct worker){ &c, i, cpu_ps, sys_ps };
	run_workers(&c, pc_worker, w);
	if (atomic_load(&c.errors))
		fail_msg("%u failure(s); first: %s", atomic_load(&c.errors), c.msg);
	/* every accepted suspension was counted once, under some composite */
	for (unsigned int cpu = 1; cpu <= 2; cpu++)
		for (unsigned int cl = 0; cl <= 2; cl++)
			for (unsigned int sy = 0; sy <= 2; sy++)
				for (uint32_t i = 0; i < NR; i++)
					if (!vpsci_power_state(c.vm, cpu, cl, sy, &ps))
						total += tcall(c.vm, 0,
							       VPSCI_FN64(VPSCI_FN_PSCI_STAT_COUNT),
							       vpsci_vcpu_mpidr(c.vm, i), ps,
							       0).x[0];
	assert_int_equal(total, (uint64_t)NR * ROUNDS);
	print_message("PC race: %u x %u suspensions, all counted by STAT\n", NR, ROUNDS);
	vpsci_destroy(c.vm);
}

/*
 * PSCI_SET_SUSPEND_MODE (vCPU 0) against CPU_OFF (vCPUs 1..3 on their own)
 * and CPU_ON (vCPU 0 only). Sound checks: a PC -> OSI switch never succeeds
 * while one worker was off throughout (only vCPU 0 starts them) and another
 * ran throughout; OSI -> PC never while a worker ran throughout.
 */
static void *mode_worker(void *arg)
{
	struct worker *w = arg;
	struct pctx *c = w->c;
	uint32_t seed = 0xc2b2ae35u * (w->v + 1);
	enum vpsci_exit ex;

	while (!atomic_load(&c->stop)) {
		spin(&seed, 32);
		atomic_fetch_add(&c->gen[w->v], 1);	/* even: about to go off */
		(void)pcall(c, w->v, VPSCI_FN32(VPSCI_FN_CPU_OFF), 0, 0, &ex);
		if (ex != VPSCI_EXIT_OFF) {
			pfail(c, "CPU_OFF refused", w->v);
			return NULL;
		}
		atomic_store(&c->off[w->v], 1);
		while (!atomic_exchange(&c->started[w->v], 0)) {
			if (atomic_load(&c->stop))
				return NULL;
			sched_yield();
		}
		atomic_fetch_add(&c->gen[w->v], 1);	/* odd: running */
	}
	return NULL;
}

static void test_mode_race(void **state)
{
	static struct pctx c;
	struct worker w[NR];
	pthread_t th[NR];
	uint32_t seed = 12345, before[NR], i;
	int off_before[NR];

	(void)state;
	pvm(&c, 2);
	for (i = 1; i < NR; i++) {
		power_on(c.vm, 0, i);
		atomic_store(&c.started[i], 0);
		atomic_store(&c.gen[i], 1);
		w[i] = (struct worker){ &c, i, 0, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, mode_worker, &w[i]), 0);
	}
	for (int round = 0; round < MODE_ROUNDS; round++) {
		uint32_t mode = vpsci_suspend_mode(c.vm) ^ 1;
		bool all_off = round & 1, ran = false, was_off = false;
		int64_t ret;

		if (all_off) {
			/* every worker goes off by itself; only we start them again */
			for (i = 1; i < NR; i++)
				while (!atomic_load(&c.off[i]))
					sched_yield();
		} else {
			for (i = 1; i < NR; i++) {
				if (!atomic_exchange(&c.off[i], 0))
					continue;
				if (tcall(c.vm, 0, VPSCI_FN64(VPSCI_FN_CPU_ON),
					  vpsci_vcpu_mpidr(c.vm, i), ENTRY_OK, 0).x[0] != 0)
					pfail(&c, "CPU_ON of an off worker failed", i);
			}
			spin(&seed, 4);
		}
		for (i = 1; i < NR; i++) {
			before[i] = atomic_load(&c.gen[i]);
			off_before[i] = atomic_load(&c.off[i]);
		}
		ret = (int64_t)tcall(c.vm, 0, VPSCI_FN32(VPSCI_FN_PSCI_SET_SUSPEND_MODE), mode, 0,
				     0).x[0];
		for (i = 1; i < NR; i++) {
			ran |= (before[i] & 1) && atomic_load(&c.gen[i]) == before[i];
			was_off |= off_before[i];
		}
		/* the caller is the last one on: either switch is allowed */
		if (all_off && ret != 0)
			pfail(&c, "SET_SUSPEND_MODE denied to the last vCPU on", 0);
		if (ret == 0) {
			atomic_fetch_add(&c.switches, 1);
			if (mode == VPSCI_SUSPEND_MODE_OSI && ran && was_off)
				pfail(&c, "PC -> OSI with some on and some off throughout", 0);
			if (mode == VPSCI_SUSPEND_MODE_PC && ran)
				pfail(&c, "OSI -> PC while another vCPU ran throughout", 0);
			if (vpsci_suspend_mode(c.vm) != mode)
				pfail(&c, "mode not switched", 0);
		} else if (ret == VPSCI_RET_DENIED) {
			atomic_fetch_add(&c.switch_denied, 1);
		} else {
			pfail(&c, "unexpected SET_SUSPEND_MODE answer", 0);
		}
	}
	/* let the workers finish: start whoever is off so it sees the stop */
	atomic_store(&c.stop, 1);
	for (i = 1; i < NR; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	if (atomic_load(&c.errors))
		fail_msg("%u failure(s); first: %s", atomic_load(&c.errors), c.msg);
	print_message("mode race: %u switches, %u DENIED\n", atomic_load(&c.switches),
		      atomic_load(&c.switch_denied));
	vpsci_destroy(c.vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_osi_race),
		cmocka_unit_test(test_pc_race),
		cmocka_unit_test(test_mode_race),
	};

	return cmocka_run_group_tests_name("concurrency_pd", tests, NULL, NULL);
}
