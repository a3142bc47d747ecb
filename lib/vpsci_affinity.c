// SPDX-License-Identifier: BSD-2-Clause
/*
 * AFFINITY_INFO (DEN0022 5.6) over affinity levels 0..3, in time bounded by
 * the number of levels, not of vCPUs.
 *
 * Every affinity instance above level 0 (the vCPUs whose fields above a
 * level match: Aff3..Aff1 at level 1, Aff3..Aff2 at 2, Aff3 at 3) has a
 * node, and every node a counter word kept by the vCPU transitions that
 * change whether a vCPU is on: how many of its vCPUs are on (ON), how many
 * are being started (UP: a CPU_ON holds the claim) and how many are turning
 * themselves off (DOWN). A level whose instances are the same vCPU sets as
 * the level below shares that level's counters, so with KVM's default
 * MPIDRs (Aff2 = Aff3 = 0) levels 2 and 3 are one counter.
 *
 * The protocol, and why one load of the word is a linearisable answer
 * (docs/design.md, "AFFINITY_INFO in O(levels)"):
 *   CPU_ON, holding the claim:   += UP;  ops->cpu_on;  += ON - UP (each
 *                                node), then the state word ON; a failed
 *                                start: state OFF, then -= UP.
 *   CPU_OFF/CPU_FREEZE:          += DOWN; CAS ON -> OFF; -= ON + DOWN.
 * A vCPU is on, abstractly, from the first ON increment of its CPU_ON to
 * its CPU_OFF's CAS. A reader that sees more ON than DOWN has found a vCPU
 * that is on at that load: ON. One that sees no ON and no UP has every
 * vCPU of the node off at that load: OFF. Anything else is a transition in
 * flight whose holder finishes it without waiting (docs/design.md, rule
 * 1): the reader waits it out, as it waits out a CPU_ON claim at level 0,
 * so ON_PENDING is never reported (a CPU_ON is atomic to other callers).
 */
#include <stdlib.h>

#include "vpsci_private.h"

/* Affinity fields compared by AFFINITY_INFO at each lowest_affinity_level. */
static const uint64_t level_mask[AFF_LEVELS] = {
	0xff00ffffffull,	/* 0: Aff3..Aff0 */
	0xff00ffff00ull,	/* 1: Aff3..Aff1 */
	0xff00ff0000ull,	/* 2: Aff3..Aff2 */
	0xff00000000ull,	/* 3: Aff3 */
};

/*
 * A counter word's fields (AFF_ON, AFF_DOWN, AFF_UP units). UP and DOWN never
 * exceed nr_vcpus; ON never exceeds twice that (a vCPU restarted before its
 * CPU_OFF took back its ON count is counted twice for a while, once under
 * DOWN). 21 bits hold either for VPSCI_MAX_VCPUS.
 */
#define AFF_FIELD(w, unit)	((uint32_t)(((w) / (unit)) & 0x1fffffu))
_Static_assert(2 * VPSCI_MAX_VCPUS <= 0x1fffffu, "a counter field holds twice the vCPUs");
_Static_assert((AFF_LEVELS - 1) * VPSCI_MAX_VCPUS <= UINT16_MAX,
	       "a vCPU's counter indices (vcpu->aff_ctr) fit in 16 bits");

static uint64_t key_at(const struct vpsci_vm *vm, uint32_t pos, unsigned int level)
{
	return vm->vcpus[vm->by_mpidr[pos]].mpidr & level_mask[level];
}

/* Nodes of one level: runs of by_mpidr with one key, counted or filled in. */
static uint32_t level_runs(const struct vpsci_vm *vm, unsigned int level, struct aff_node *out)
{
	uint32_t pos, n = 0;

	for (pos = 0; pos < vm->nr_vcpus; pos++) {
		if (pos > 0 && key_at(vm, pos, level) == key_at(vm, pos - 1, level)) {
			if (out)
				out[n - 1].count++;
			continue;
		}
		if (out)
			out[n] = (struct aff_node){ key_at(vm, pos, level), pos, 1, 0 };
		n++;
	}
	return n;
}

/*
 * Give every node a counter (a new one, or its only child's if it has the
 * same vCPUs), and every vCPU the list of its distinct counters.
 */
static void assign_counters(struct vpsci_vm *vm)
{
	uint32_t l, i, c = 0;

	for (l = 1; l < AFF_LEVELS; l++) {
		struct aff_node *lo = vm->aff_nodes[l - 1], *n = vm->aff_nodes[l];
		uint32_t j = 0;

		for (i = 0; i < vm->nr_aff_nodes[l]; i++) {
			/* The node of level l - 1 that starts where this one starts. */
			while (l > 1 && lo[j].first < n[i].first)
				j++;
			if (l > 1 && lo[j].count == n[i].count) {
				n[i].ctr = lo[j].ctr;
				continue;
			}
			n[i].ctr = c++;
			for (uint32_t pos = n[i].first; pos < n[i].first + n[i].count; pos++) {
				struct vpsci_vcpu *v = &vm->vcpus[vm->by_mpidr[pos]];

				v->aff_ctr[v->nr_aff_ctrs++] = (uint16_t)n[i].ctr;
			}
		}
	}
	vm->nr_aff_ctrs = c;
}

/*
 * Build the nodes of levels 1..3 and their counters; needs topology_init().
 * Returns 0 or VPSCI_E_NOMEM. The counters are zero: aff_recount() sets them.
 */
int aff_init(struct vpsci_vm *vm)
{
	uint32_t l, total = 0;

	for (l = 1; l < AFF_LEVELS; l++)
		total += vm->nr_aff_nodes[l] = level_runs(vm, l, NULL);
	if (!total)
		return VPSCI_E_INVAL;	/* no vCPU: check_config() refuses that */
	vm->aff_nodes[1] = calloc(total, sizeof(struct aff_node));
	if (!vm->aff_nodes[1])
		return VPSCI_E_NOMEM;
	for (l = 1; l < AFF_LEVELS; l++) {
		if (l > 1)
			vm->aff_nodes[l] = vm->aff_nodes[l - 1] + vm->nr_aff_nodes[l - 1];
		level_runs(vm, l, vm->aff_nodes[l]);
	}
	assign_counters(vm);
	/* At least one (each level-1 node has its own), which the analyser cannot tell. */
	vm->aff_ctrs = calloc(vm->nr_aff_ctrs ? vm->nr_aff_ctrs : 1, sizeof(vm->aff_ctrs[0]));
	return vm->aff_ctrs ? 0 : VPSCI_E_NOMEM;
}

void aff_free(struct vpsci_vm *vm)
{
	free(vm->aff_ctrs);
	free(vm->aff_nodes[1]);
}

/* Set the counters from the state words of a quiescent VM (reset, restore). */
void aff_recount(struct vpsci_vm *vm)
{
	uint32_t i, j;

	for (i = 0; i < vm->nr_aff_ctrs; i++)
		atomic_store(&vm->aff_ctrs[i], 0);
	for (i = 0; i < vm->nr_vcpus; i++)
		if (pstate_is_on(atomic_load(&vm->vcpus[i].state)))
			for (j = 0; j < vm->vcpus[i].nr_aff_ctrs; j++)
				atomic_fetch_add(&vm->aff_ctrs[vm->vcpus[i].aff_ctr[j]], AFF_ON);
}

/* Add delta (AFF_* units, mod 2^64) to every counter of vCPU idx. */
void aff_add(struct vpsci_vm *vm, uint32_t idx, uint64_t delta)
{
	const struct vpsci_vcpu *v = &vm->vcpus[idx];

	for (uint32_t j = 0; j < v->nr_aff_ctrs; j++)
		atomic_fetch_add(&vm->aff_ctrs[v->aff_ctr[j]], delta);
}

/* The node of 'level' (1..3) with this key, or NULL: a binary search of that level. */
static const struct aff_node *find_node(const struct vpsci_vm *vm, unsigned int level,
					uint64_t key)
{
	const struct aff_node *n = vm->aff_nodes[level];
	uint32_t lo = 0, hi = vm->nr_aff_nodes[level];

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (n[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < vm->nr_aff_nodes[level] && n[lo].key == key ? &n[lo] : NULL;
}

/*
 * The answer for a node: the first load of its counter that decides it
 * (more ON than DOWN: a vCPU is on; neither ON nor UP: all are off).
 */
static int32_t node_answer(struct vpsci_vm *vm, uint32_t ctr)
{
	for (;;) {
		uint64_t w = atomic_load(&vm->aff_ctrs[ctr]);
		uint32_t on = AFF_FIELD(w, AFF_ON);

		assert(AFF_FIELD(w, AFF_DOWN) <= on);
		if (on > AFF_FIELD(w, AFF_DOWN))
			return VPSCI_AFF_ON;
		if (on == 0 && AFF_FIELD(w, AFF_UP) == 0)
			return VPSCI_AFF_OFF;
		cpu_relax();
	}
}

/*
 * AFFINITY_INFO(target_affinity, lowest_affinity_level), DEN0022 5.6:
 * ON if any CPU of the affinity instance is on (a suspended CPU is on),
 * OFF if all are off, INVALID_PARAMETERS if there is no such instance.
 * Level 0 reads the vCPU's state word, waiting out a CPU_ON claim; higher
 * levels read their node's counter, waiting out transitions in flight.
 */
int32_t psci_affinity_info(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			   struct vpsci_result *res)
{
	uint64_t target = args->a1;
	const struct aff_node *n;

	(void)caller;
	(void)res;
	if (args->a2 >= AFF_LEVELS || (target & ~VPSCI_MPIDR_AFF_MASK))
		return VPSCI_RET_INVALID_PARAMETERS;
	if (args->a2 == 0) {
		int idx = topology_find(vm, target);

		if (idx < 0)
			return VPSCI_RET_INVALID_PARAMETERS;
		return pstate_is_on(vcpu_wait_stable(vm, (uint32_t)idx)) ? VPSCI_AFF_ON :
									    VPSCI_AFF_OFF;
	}
	n = find_node(vm, (unsigned int)args->a2, target & level_mask[args->a2]);
	if (!n)
		return VPSCI_RET_INVALID_PARAMETERS;	/* DEN0022 5.6: no such instance */
	return node_answer(vm, n->ctr);
}
