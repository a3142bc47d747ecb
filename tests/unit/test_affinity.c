// SPDX-License-Identifier: BSD-2-Clause
/*
 * AFFINITY_INFO at every level (DEN0022 5.6) against an oracle, over long
 * random sequences of the transitions that keep its per-node counters:
 * CPU_ON (also failed by the host), CPU_OFF, CPU_FREEZE, CPU_SUSPEND and
 * its wake-up, SYSTEM_SUSPEND and its wake-up, vpsci_reset(), and
 * snapshots restored in place or into a new engine. The oracle reads every
 * vCPU's state through the public API and applies the rule directly: ON if
 * any vCPU whose affinity fields above level N-1 match is on (running or
 * suspended), OFF if all are off, INVALID_PARAMETERS if none match.
 */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static const uint64_t level_mask[4] = {
	0xff00ffffffull, 0xff00ffff00ull, 0xff00ff0000ull, 0xff00000000ull,
};

static bool vcpu_is_on(const struct vpsci_vm *vm, uint32_t i)
{
	int s = vpsci_vcpu_state(vm, i);

	return s == VPSCI_VCPU_ON || s == VPSCI_VCPU_SUSPENDED ||
	       s == VPSCI_VCPU_SYSTEM_SUSPENDED;
}

static int32_t oracle(const struct vpsci_vm *vm, uint64_t target, unsigned int level)
{
	bool found = false;

	for (uint32_t i = 0; i < vpsci_nr_vcpus(vm); i++) {
		if ((vpsci_vcpu_mpidr(vm, i) & level_mask[level]) != (target & level_mask[level]))
			continue;
		found = true;
		if (vcpu_is_on(vm, i))
			return VPSCI_AFF_ON;
	}
	return found ? VPSCI_AFF_OFF : VPSCI_RET_INVALID_PARAMETERS;
}

/* Every vCPU's affinity at every level, and a neighbour that may match nothing. */
static void check_all(struct vpsci_vm *vm, unsigned int *seed)
{
	const uint32_t fid = VPSCI_FN64(VPSCI_FN_AFFINITY_INFO);

	for (uint32_t i = 0; i < vpsci_nr_vcpus(vm); i++) {
		uint64_t m = vpsci_vcpu_mpidr(vm, i);

		for (unsigned int l = 0; l < 4; l++) {
			/* Fields below the level are ignored: vary them. */
			uint64_t t = m | ((uint64_t)rand_r(seed) & ~level_mask[l] & 0xffffffull);
			uint64_t other = m ^ (0x100ull << (8 * (rand_r(seed) % 2)));

			assert_cont(tcall(vm, 0, fid, t, l, 0), oracle(vm, t, l));
			assert_cont(tcall(vm, 0, fid, other, l, 0), oracle(vm, other, l));
		}
	}
}

/* A vCPU in the given state, chosen at random, or -1. */
static int pick(const struct vpsci_vm *vm, int state, unsigned int *seed)
{
	uint32_t n = vpsci_nr_vcpus(vm), start = (uint32_t)rand_r(seed) % n;

	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = (start + k) % n;

		if (vpsci_vcpu_state(vm, i) == state)
			return (int)i;
	}
	return -1;
}

/* A running vCPU calls CPU_ON on a random target; the host fails one start in eight. */
static void step_cpu_on(struct vpsci_vm *vm, struct rec *r, uint32_t caller, unsigned int *seed)
{
	uint32_t t = (uint32_t)rand_r(seed) % vpsci_nr_vcpus(vm);
	bool was_off = vpsci_vcpu_state(vm, t) == VPSCI_VCPU_OFF, fail = rand_r(seed) % 8 == 0;
	int32_t want = !was_off ? VPSCI_RET_ALREADY_ON :
		       fail ? VPSCI_RET_INTERNAL_FAILURE : VPSCI_RET_SUCCESS;

	atomic_store(&r->on_ret, fail ? -1 : 0);
	assert_cont(tcall(vm, caller, VPSCI_FN64(VPSCI_FN_CPU_ON), vpsci_vcpu_mpidr(vm, t),
			  ENTRY_OK, 0), want);
	atomic_store(&r->on_ret, 0);
}

/* Snapshot the engine, then restore it in place or into a new engine (returned). */
static struct vpsci_vm *step_snapshot(struct vpsci_vm *vm, struct rec *r, bool fresh)
{
	size_t size = vpsci_snapshot_size(vm), len;
	void *buf = malloc(size);
	struct vpsci_vm *nvm;

	assert_non_null(buf);
	assert_int_equal(vpsci_snapshot(vm, buf, size, &len), VPSCI_OK);
	if (!fresh) {
		assert_int_equal(vpsci_restore(vm, buf, len), VPSCI_OK);
		free(buf);
		return vm;
	}
	assert_int_equal(vpsci_create_from_snapshot(buf, len, &rec_ops, r, &nvm), VPSCI_OK);
	free(buf);
	vpsci_destroy(vm);
	r->vm = nvm;
	return nvm;
}

/* A running vCPU's own calls: off, freeze, suspend, system suspend, or a CPU_ON. */
static void step_running(struct vpsci_vm *vm, struct rec *r, uint32_t i, unsigned int *seed)
{
	struct vpsci_result res;

	switch (rand_r(seed) % 8) {
	case 0:
		res = tcall(vm, i, VPSCI_FN32(VPSCI_FN_CPU_OFF), 0, 0, 0);
		assert_int_equal(res.exit, VPSCI_EXIT_OFF);
		break;
	case 1:
		res = tcall(vm, i, VPSCI_FN32(VPSCI_FN_CPU_FREEZE), 0, 0, 0);
		assert_int_equal(res.exit, VPSCI_EXIT_OFF);
		break;
	case 2:
		res = tcall(vm, i, VPSCI_FN32(VPSCI_FN_CPU_SUSPEND), 0, 0, 0);
		assert_int_equal(res.exit, VPSCI_EXIT_SUSPEND);
		break;
	case 3:
		/* DENIED unless every other vCPU is off (DEN0022 5.19). */
		res = tcall(vm, i, VPSCI_FN64(VPSCI_FN_SYSTEM_SUSPEND), ENTRY_OK, 0, 0);
		break;
	default:
		step_cpu_on(vm, r, i, seed);
		break;
	}
}

static struct vpsci_vm *step(struct vpsci_vm *vm, struct rec *r, unsigned int *seed)
{
	int i;

	switch (rand_r(seed) % 16) {
	case 0:
		if ((i = pick(vm, VPSCI_VCPU_SUSPENDED, seed)) >= 0)
			assert_int_equal(vpsci_vcpu_wake(vm, (uint32_t)i), VPSCI_OK);
		return vm;
	case 1:
		if (pick(vm, VPSCI_VCPU_SYSTEM_SUSPENDED, seed) >= 0)
			assert_int_equal(vpsci_system_wake(vm), VPSCI_OK);
		return vm;
	case 2:
		return step_snapshot(vm, r, rand_r(seed) % 2);
	case 3:
		if (rand_r(seed) % 8 == 0)
			assert_int_equal(vpsci_reset(vm), VPSCI_OK);
		return vm;
	default:
		if ((i = pick(vm, VPSCI_VCPU_ON, seed)) >= 0)
			step_running(vm, r, (uint32_t)i, seed);
		else if (pick(vm, VPSCI_VCPU_SYSTEM_SUSPENDED, seed) < 0 &&
			 pick(vm, VPSCI_VCPU_SUSPENDED, seed) < 0)
			assert_int_equal(vpsci_reset(vm), VPSCI_OK);	/* all off */
		return vm;
	}
}

static void run(const uint64_t *mpidrs, uint32_t nr, unsigned int seed, int steps)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;

	tcfg_init(&t, VPSCI_VERSION_1_3, nr);
	if (mpidrs)
		tcfg_set_mpidrs(&t, mpidrs, nr);
	t.cfg.flags = FLAGS_BASE | VPSCI_CFG_FREEZE;
	rec_init(&r);
	vm = mkvm(&t, &r);
	check_all(vm, &seed);
	for (int k = 0; k < steps; k++) {
		vm = step(vm, &r, &seed);
		check_all(vm, &seed);
	}
	vpsci_destroy(vm);
}

/* KVM's default MPIDRs: clusters of 16 at Aff1, levels 2 and 3 one instance. */
static void test_affinity_default_mpidrs(void **state)
{
	(void)state;
	run(NULL, 40, 1, 1500);
	run(NULL, 1, 2, 200);
}

/*
 * Sparse MPIDRs over all four fields, in a shuffled vCPU order: instances of
 * one vCPU, levels that share their instances with the level below and
 * levels that do not, and MPIDRs that match no vCPU.
 */
static void test_affinity_sparse_mpidrs(void **state)
{
	uint64_t all[3 * 2 * 3 * 2], m[24];
	unsigned int seed = 7, n = 0;

	(void)state;
	for (uint64_t a3 = 0; a3 < 3; a3++)
		for (uint64_t a2 = 0; a2 < 2; a2++)
			for (uint64_t a1 = 0; a1 < 3; a1++)
				for (uint64_t a0 = 0; a0 < 2; a0++)
					all[n++] = VPSCI_MPIDR_AFFINITY(a3 * 2, a2 + 1, a1 * 5,
									a0 * 3);
	for (int round = 0; round < 4; round++) {
		uint32_t nr = 6 + (uint32_t)round * 6;

		for (uint32_t i = 0; i < n; i++) {
			uint32_t j = i + (uint32_t)rand_r(&seed) % (n - i);
			uint64_t x = all[i];

			all[i] = all[j];
			all[j] = x;
		}
		memcpy(m, all, nr * sizeof(m[0]));
		run(m, nr, seed + (unsigned int)round, 800);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_affinity_default_mpidrs),
		cmocka_unit_test(test_affinity_sparse_mpidrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
