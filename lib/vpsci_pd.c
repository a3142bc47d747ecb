// SPDX-License-Identifier: BSD-2-Clause
/*
 * The power-domain hierarchy (DEN0022 4.2): CPU (level 0), cluster (level
 * 1, the vCPUs that share Aff3..Aff1), system (level 2, every vCPU).
 *
 * This file decodes power_state parameters into composite states (one local
 * state per level, VPSCI_STATEID layout), coordinates a suspending CPU with
 * the others of its nodes in platform-coordinated (PC) and OS-initiated
 * (OSI) mode, and answers PSCI_SET_SUSPEND_MODE (5.20) and NODE_HW_STATE
 * (5.18). docs/design.md, "Power domains, OS-initiated mode, STAT,
 * MEM_PROTECT", explains the rules and why the lock-free reads are enough.
 */
#include <stdlib.h>
#include <string.h>

#include "vpsci_private.h"

/* The node of vCPU idx at level 1 (its cluster) or 2 (the system). */
static struct pd_node *node_of(const struct vpsci_vm *vm, uint32_t idx, unsigned int level)
{
	return &vm->nodes[level == 1 ? vm->vcpus[idx].cluster : vm->nr_clusters];
}

/* Cluster key: the affinity fields a cluster's vCPUs share (Aff3..Aff1). */
#define CLUSTER_MASK	0xff00ffff00ull

/*
 * The valid composites of vm's hierarchy (vm->pd_levels, pd_states), in a
 * fixed order: the STAT slots, and what the snapshot format counts on.
 */
void pd_comps(struct vpsci_vm *vm)
{
	uint32_t cpu, cl, sy;

	vm->nr_comps = 0;
	if (!vm->pd_levels)
		return;
	for (cpu = VPSCI_LOCAL_RETENTION; cpu <= VPSCI_LOCAL_OFF; cpu++)
		for (cl = 0; cl <= VPSCI_LOCAL_OFF; cl++)
			for (sy = 0; sy <= VPSCI_LOCAL_OFF; sy++)
				if (comp_valid(vm, VPSCI_STATEID(cpu, cl, sy)))
					vm->comps[vm->nr_comps++] =
						(uint16_t)VPSCI_STATEID(cpu, cl, sy);
}

/*
 * Build the nodes (clusters in MPIDR order, then the system), the list of
 * valid composites and, with VPSCI_CFG_STAT, the counters. Needs
 * topology_init(). Returns 0 or VPSCI_E_NOMEM.
 */
int pd_init(struct vpsci_vm *vm)
{
	uint32_t pos, n = 0;

	for (pos = 0; pos < vm->nr_vcpus; pos++) {
		const struct vpsci_vcpu *v = &vm->vcpus[vm->by_mpidr[pos]];

		if (pos == 0 || (v->mpidr & CLUSTER_MASK) !=
		    (vm->vcpus[vm->by_mpidr[pos - 1]].mpidr & CLUSTER_MASK))
			n++;
	}
	vm->nodes = calloc(n + 1, sizeof(vm->nodes[0]));
	if (!vm->nodes)
		return VPSCI_E_NOMEM;
	vm->nr_clusters = n;
	n = 0;
	for (pos = 0; pos < vm->nr_vcpus; pos++) {
		struct vpsci_vcpu *v = &vm->vcpus[vm->by_mpidr[pos]];

		if (pos > 0 && (v->mpidr & CLUSTER_MASK) !=
		    (vm->vcpus[vm->by_mpidr[pos - 1]].mpidr & CLUSTER_MASK)) {
			n++;
			vm->nodes[n].first = pos;
		}
		vm->nodes[n].count++;
		v->cluster = n;
	}
	vm->nodes[vm->nr_clusters].first = 0;
	vm->nodes[vm->nr_clusters].count = vm->nr_vcpus;

	pd_comps(vm);
	/* check_config(): STAT comes with a hierarchy, so there are composites. */
	if ((vm->flags & VPSCI_CFG_STAT) && vm->nr_comps) {
		vm->stats = calloc((size_t)vm->nr_vcpus * vm->nr_comps, sizeof(vm->stats[0]));
		if (!vm->stats)
			return VPSCI_E_NOMEM;
	}
	return 0;
}

/* vpsci_reset(): PC mode, no suspension on record, STAT from zero. */
void pd_reset(struct vpsci_vm *vm)
{
	uint32_t i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		atomic_store(&vm->vcpus[i].susp, 0);
		atomic_store(&vm->vcpus[i].susp_seq, 0);
		vm->vcpus[i].susp_start_us = 0;
	}
	if (vm->stats)
		for (i = 0; i < vm->nr_vcpus * vm->nr_comps; i++) {
			atomic_store(&vm->stats[i].count, 0);
			atomic_store(&vm->stats[i].residency_us, 0);
		}
	atomic_store(&vm->susp_seq, 0);
	atomic_store(&vm->suspend_mode, VPSCI_SUSPEND_MODE_PC);
}

/*
 * Check a composite StateID against the hierarchy (DEN0022 5.3 with the
 * recommended StateID encoding, a 4-bit local state per level). Returns the
 * highest level that is not RUN, or -1 if the composite is invalid: a bit
 * above the configured levels, a local state the level does not offer (or
 * 3..15), a level deeper than the one below it, or a CPU that keeps running.
 */
static int comp_check(const struct vpsci_vm *vm, uint32_t id)
{
	uint32_t l, below = VPSCI_LOCAL_OFF;
	int top = -1;

	if (vm->pd_levels < NR_LEVELS && (id >> (4 * vm->pd_levels)))
		return -1;
	if (id >> (4 * NR_LEVELS))
		return -1;
	for (l = 0; l < vm->pd_levels; l++) {
		uint32_t s = COMP_LOCAL(id, l);

		if (s > VPSCI_LOCAL_OFF || s > below)
			return -1;
		if (s != VPSCI_LOCAL_RUN) {
			if (!(vm->pd_states[l] & (1u << s)))
				return -1;
			top = (int)l;
		}
		below = s;
	}
	/* A CPU that stays RUN is not suspending (and then every level is RUN). */
	if (COMP_LOCAL(id, 0) == VPSCI_LOCAL_RUN)
		return -1;
	return top;
}

bool comp_valid(const struct vpsci_vm *vm, uint32_t comp)
{
	return vm->pd_levels && comp_check(vm, comp) >= 0;
}

/* STAT slot of a valid composite, or -1. */
int comp_index(const struct vpsci_vm *vm, uint32_t comp)
{
	uint32_t i;

	for (i = 0; i < vm->nr_comps; i++)
		if (vm->comps[i] == comp)
			return (int)i;
	return -1;
}

/*
 * Decode a power_state in this VM's format (DEN0022 5.3; extended format
 * with VPSCI_CFG_EXT_STATEID) into the composite it requests. Without a
 * hierarchy any StateID goes, as KVM accepts, and the composite is the
 * StateType's local state (RETENTION or OFF) at every level up to the
 * PowerLevel (the CPU only, in the extended format). Returns SUCCESS or
 * INVALID_PARAMETERS.
 */
int32_t ps_decode(const struct vpsci_vm *vm, uint32_t ps, uint32_t *comp, bool *powerdown)
{
	bool ext = vm->flags & VPSCI_CFG_EXT_STATEID;
	uint32_t id, level = 0;
	bool pd;
	int top;

	if (ext) {
		/* DEN0022 5.3.2: StateID [27:0], StateType bit 30, the rest reserved. */
		if (ps & VPSCI_PS_EXT_RESERVED_MASK)
			return VPSCI_RET_INVALID_PARAMETERS;
		id = ps & VPSCI_PS_EXT_STATE_ID_MASK;
		pd = ps & VPSCI_PS_EXT_TYPE_POWERDOWN;
	} else {
		/* DEN0022 5.3.2: StateID [15:0], StateType bit 16, PowerLevel [25:24]. */
		if (ps & VPSCI_PS_RESERVED_MASK)
			return VPSCI_RET_INVALID_PARAMETERS;
		id = ps & VPSCI_PS_STATE_ID_MASK;
		pd = ps & VPSCI_PS_TYPE_POWERDOWN;
		level = (ps >> VPSCI_PS_LEVEL_SHIFT) & VPSCI_PS_LEVEL_MASK;
	}

	if (!vm->pd_levels) {
		uint32_t l, c = 0, local = pd ? VPSCI_LOCAL_OFF : VPSCI_LOCAL_RETENTION;

		if (level >= NR_LEVELS)
			return VPSCI_RET_INVALID_PARAMETERS;
		for (l = 0; l <= level; l++)
			c |= local << (4 * l);
		*comp = c;
		*powerdown = pd;
		return VPSCI_RET_SUCCESS;
	}

	top = comp_check(vm, id);
	if (top < 0)
		return VPSCI_RET_INVALID_PARAMETERS;
	/* DEN0022 5.3.2: StateType says whether the CPU loses context. */
	if (pd != (COMP_LOCAL(id, 0) == VPSCI_LOCAL_OFF))
		return VPSCI_RET_INVALID_PARAMETERS;
	/* DEN0022 5.3.2: PowerLevel is the highest level affected. */
	if (!ext && level != (uint32_t)top)
		return VPSCI_RET_INVALID_PARAMETERS;
	*comp = id;
	*powerdown = pd;
	return VPSCI_RET_SUCCESS;
}

VPSCI_EXPORT int vpsci_power_state(const struct vpsci_vm *vm, unsigned int cpu,
				   unsigned int cluster, unsigned int system, uint32_t *ps)
{
	uint32_t id, v;
	int top;

	if (!vm || !ps || cpu > VPSCI_LOCAL_OFF || cluster > VPSCI_LOCAL_OFF ||
	    system > VPSCI_LOCAL_OFF || !vm->pd_levels)
		return VPSCI_E_INVAL;
	id = VPSCI_STATEID(cpu, cluster, system);
	top = comp_check(vm, id);
	if (top < 0)
		return VPSCI_E_INVAL;
	if (vm->flags & VPSCI_CFG_EXT_STATEID)
		v = id | (cpu == VPSCI_LOCAL_OFF ? VPSCI_PS_EXT_TYPE_POWERDOWN : 0);
	else
		v = id | (cpu == VPSCI_LOCAL_OFF ? VPSCI_PS_TYPE_POWERDOWN : 0) |
		    (uint32_t)top << VPSCI_PS_LEVEL_SHIFT;
	*ps = v;
	return 0;
}

/*
 * CPU_DEFAULT_SUSPEND's state (DEN0022 5.17): the deepest CPU-level state
 * with every higher level RUN; without a hierarchy a power-down state with
 * StateID 0.
 */
uint32_t pd_default_power_state(const struct vpsci_vm *vm)
{
	uint32_t ps = 0;
	unsigned int cpu;

	if (!vm->pd_levels)
		return (vm->flags & VPSCI_CFG_EXT_STATEID) ? VPSCI_PS_EXT_TYPE_POWERDOWN :
							     VPSCI_PS_TYPE_POWERDOWN;
	cpu = (vm->pd_states[0] & VPSCI_PD_OFF) ? VPSCI_LOCAL_OFF : VPSCI_LOCAL_RETENTION;
	if (vpsci_power_state(vm, cpu, 0, 0, &ps))
		assert(!"level 0 offers a state");
	return ps;
}

/*
 * Transition counters (struct pd_node). Only OS-initiated mode reads them,
 * so only a VM that offers it pays for them.
 */
void tr_begin(struct vpsci_vm *vm, uint32_t idx)
{
	if (!(vm->flags & VPSCI_CFG_OSI))
		return;
	atomic_fetch_add(&node_of(vm, idx, 1)->tr_begin, 1);
	atomic_fetch_add(&node_of(vm, idx, 2)->tr_begin, 1);
}

void tr_end(struct vpsci_vm *vm, uint32_t idx)
{
	if (!(vm->flags & VPSCI_CFG_OSI))
		return;
	atomic_fetch_add(&node_of(vm, idx, 1)->tr_end, 1);
	atomic_fetch_add(&node_of(vm, idx, 2)->tr_end, 1);
}

/* No transition of the node in flight: the first half of a consistent scan. */
static bool scan_begin(const struct pd_node *n, uint32_t *b)
{
	*b = atomic_load(&n->tr_begin);
	return atomic_load(&n->tr_end) == *b;
}

/* And none began since: every vCPU read during the scan still is as read. */
static bool scan_end(const struct pd_node *n, uint32_t b)
{
	return atomic_load(&n->tr_begin) == b;
}

#define VOTE_RUNNING	(-1)

/*
 * What vCPU idx contributes to its node at a level: VOTE_RUNNING for a
 * running CPU (or one mid-CPU_ON), OFF for an off, frozen or system-
 * suspended one, else the local state it requested there; *seq (if not
 * NULL) gets the number of its suspension, or stays as it is for a CPU
 * that is not suspended. 'wait' waits out a CPU_ON claim, as AFFINITY_INFO
 * does, instead of counting it as running.
 */
static int vote(struct vpsci_vm *vm, uint32_t idx, unsigned int level, bool wait, uint32_t *seq)
{
	struct vpsci_vcpu *v = &vm->vcpus[idx];
	uint32_t s = wait ? vcpu_wait_stable(vm, idx) : atomic_load(&v->state);

	if (s == PS_OFF || s == PS_SYS_SUSPENDED)
		return VPSCI_LOCAL_OFF;
	if (s != PS_SUSPENDED)
		return VOTE_RUNNING;
	if (seq)
		*seq = atomic_load(&v->susp_seq);
	return (int)COMP_LOCAL(SUSP_REQ(atomic_load(&v->susp)), level);
}

#define NO_SEQ		0xffffffffu	/* vote() left *seq alone: not suspended */

/*
 * The local state of node n at 'level' as the other CPUs leave it,
 * ignoring vCPU 'skip' (pass nr_vcpus to skip none): VOTE_RUNNING if one
 * runs; OFF if all are off; else in PC mode the shallowest vote (the
 * platform never powers down more than every CPU asked for), in OSI mode
 * what the CPU that suspended last asked for (it was the last to go idle,
 * and the OS chose the node's state with it).
 */
static int node_state(struct vpsci_vm *vm, const struct pd_node *n, unsigned int level,
		      uint32_t skip, bool osi, bool wait)
{
	int st = VPSCI_LOCAL_OFF, last = -1;
	uint32_t pos, seq, last_seq = 0;

	for (pos = n->first; pos < n->first + n->count; pos++) {
		uint32_t idx = vm->by_mpidr[pos];
		int v;

		if (idx == skip)
			continue;
		seq = NO_SEQ;
		v = vote(vm, idx, level, wait, &seq);
		if (v == VOTE_RUNNING)
			return VOTE_RUNNING;
		if (seq == NO_SEQ)
			continue;	/* off: votes OFF, decides nothing */
		if (!osi) {
			if (v < st)
				st = v;
		} else if (last < 0 || (int32_t)(seq - last_seq) > 0) {
			last = v;
			last_seq = seq;
		}
	}
	return osi && last >= 0 ? last : st;
}

/*
 * OS-initiated mode (DEN0022 5.3, 5.20): the caller's composite is taken
 * as the state it enters, if the OS got it right. For each level above the
 * CPU that is not RUN, the caller must be the last CPU of that node to go
 * idle: any other CPU running is DENIED. The others must be in states
 * compatible with the node's: a CPU of the caller's cluster must be at
 * least as deep as the cluster, another cluster at least as deep as the
 * system; otherwise INVALID_PARAMETERS (DEN0022 5.3's example: a core in
 * retention while another asks for system power-down).
 *
 * The scan is lock-free; the node's transition counters make it a
 * consistent snapshot: if a vCPU of the node came up or went off while we
 * looked, the answer is DENIED (the caller was not last at any one
 * instant), so there is an instant, the last counter read, at which every
 * CPU was as we read it. A CPU that wakes after that instant is ordered
 * after the caller's suspension, as a wake-up of the node on hardware.
 */
static int32_t coordinate_osi(struct vpsci_vm *vm, uint32_t caller, uint32_t req)
{
	unsigned int top = COMP_LOCAL(req, 2) ? 2 : COMP_LOCAL(req, 1) ? 1 : 0;
	const struct pd_node *scan, *cl;
	int32_t ret = VPSCI_RET_SUCCESS;
	uint32_t b, pos;

	if (!top)
		return VPSCI_RET_SUCCESS;
	scan = node_of(vm, caller, top);
	if (!scan_begin(scan, &b))
		return VPSCI_RET_DENIED;

	cl = node_of(vm, caller, 1);
	for (pos = cl->first; pos < cl->first + cl->count; pos++) {
		uint32_t idx = vm->by_mpidr[pos];
		int v;

		if (idx == caller)
			continue;
		v = vote(vm, idx, 0, false, NULL);
		if (v == VOTE_RUNNING)
			return VPSCI_RET_DENIED;
		if (v < (int)COMP_LOCAL(req, 1))
			ret = VPSCI_RET_INVALID_PARAMETERS;
	}
	if (top == 2) {
		for (uint32_t c = 0; c < vm->nr_clusters; c++) {
			int v;

			if (c == vm->vcpus[caller].cluster)
				continue;
			v = node_state(vm, &vm->nodes[c], 1, vm->nr_vcpus, true, false);
			if (v == VOTE_RUNNING)
				return VPSCI_RET_DENIED;
			if (v < (int)COMP_LOCAL(req, 2))
				ret = VPSCI_RET_INVALID_PARAMETERS;
		}
	}
	if (!scan_end(scan, b))
		return VPSCI_RET_DENIED;
	return ret;
}

/*
 * The composite the caller enters for a requested one, or DENIED /
 * INVALID_PARAMETERS (OSI only). PC mode (DEN0022 4.4.1): the request is a
 * vote; each node above the CPU enters the shallowest state its CPUs
 * voted for (running CPUs vote RUN, off ones OFF), and never a deeper one
 * than the level below it. Never refused.
 */
int32_t pd_coordinate(struct vpsci_vm *vm, uint32_t caller, uint32_t req, uint32_t *entered)
{
	uint32_t ent, l;

	*entered = req;
	if (vm->pd_levels < 2)
		return VPSCI_RET_SUCCESS;
	if (atomic_load(&vm->suspend_mode) == VPSCI_SUSPEND_MODE_OSI)
		return coordinate_osi(vm, caller, req);

	ent = COMP_LOCAL(req, 0);
	for (l = 1; l < vm->pd_levels; l++) {
		int x = (int)COMP_LOCAL(req, l);

		if (x != VPSCI_LOCAL_RUN) {
			int o = node_state(vm, node_of(vm, caller, l), l, caller, false, false);
			if (o < x)
				x = o < 0 ? VPSCI_LOCAL_RUN : o;
		}
		if (x > (int)COMP_LOCAL(ent, l - 1))
			x = (int)COMP_LOCAL(ent, l - 1);
		ent |= (uint32_t)x << (4 * l);
	}
	*entered = ent;
	return VPSCI_RET_SUCCESS;
}

/* NODE_HW_STATE answers (DEN0022 5.18) for a node's local state. */
static int32_t hw_state(int local)
{
	switch (local) {
	case VOTE_RUNNING:
	case VPSCI_LOCAL_RUN:
		return VPSCI_HW_ON;
	case VPSCI_LOCAL_RETENTION:
		return VPSCI_HW_STANDBY;
	default:
		return VPSCI_HW_OFF;
	}
}

/*
 * NODE_HW_STATE(target_cpu, power_level), DEN0022 5.18: the state of the
 * node at that level that contains the target CPU. Levels: 0 CPU, 1 cluster
 * (Aff3..Aff1), 2 system, up to the hierarchy's top (2 without one). A CPU
 * mid-CPU_ON is waited out, as AFFINITY_INFO does, so the two always agree:
 * AFFINITY_INFO OFF gives OFF here, ON here gives AFFINITY_INFO ON.
 */
int32_t psci_node_hw_state(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			   struct vpsci_result *res)
{
	uint32_t level = (uint32_t)args->a2;	/* power_level is a 32-bit parameter */
	uint32_t max = vm->pd_levels ? vm->pd_levels - 1 : NR_LEVELS - 1;
	bool osi = atomic_load(&vm->suspend_mode) == VPSCI_SUSPEND_MODE_OSI;
	int idx;

	(void)caller;
	(void)res;
	if (args->a1 & ~VPSCI_MPIDR_AFF_MASK)
		return VPSCI_RET_INVALID_PARAMETERS;
	idx = topology_find(vm, args->a1);
	if (idx < 0 || level > max)
		return VPSCI_RET_INVALID_PARAMETERS;

	if (level == 0) {
		uint32_t s = vcpu_wait_stable(vm, (uint32_t)idx), w;

		if (s == PS_ON)
			return VPSCI_HW_ON;
		if (s != PS_SUSPENDED)
			return VPSCI_HW_OFF;
		w = atomic_load(&vm->vcpus[idx].susp);
		return hw_state((int)COMP_LOCAL(SUSP_ENT(w), 0));
	}
	return hw_state(node_state(vm, node_of(vm, (uint32_t)idx, level), level, vm->nr_vcpus,
				   osi, true));
}

/*
 * PSCI_SET_SUSPEND_MODE(mode), DEN0022 5.20: PC -> OSI only if every other
 * CPU is on (suspended counts, as AFFINITY_INFO says ON) or every other is
 * OFF (the caller is the last); OSI -> PC only if the caller is the last;
 * else DENIED. The same consistent scan as coordinate_osi(), over the
 * system node: a CPU coming up or going off meanwhile makes it DENIED.
 */
int32_t psci_set_suspend_mode(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			      struct vpsci_result *res)
{
	uint32_t mode = (uint32_t)args->a1, cur, b, i, n_off = 0, s;
	const struct pd_node *sys = &vm->nodes[vm->nr_clusters];
	bool ok;

	(void)res;
	if (mode != VPSCI_SUSPEND_MODE_PC && mode != VPSCI_SUSPEND_MODE_OSI)
		return VPSCI_RET_INVALID_PARAMETERS;
	cur = atomic_load(&vm->suspend_mode);
	if (cur == mode)
		return VPSCI_RET_SUCCESS;
	if (!scan_begin(sys, &b))
		return VPSCI_RET_DENIED;
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (i == caller)
			continue;
		s = atomic_load(&vm->vcpus[i].state);
		if (pstate_transient(s))
			return VPSCI_RET_DENIED;
		n_off += s == PS_OFF;
	}
	if (!scan_end(sys, b))
		return VPSCI_RET_DENIED;
	if (mode == VPSCI_SUSPEND_MODE_OSI)
		ok = n_off == 0 || n_off == vm->nr_vcpus - 1;
	else
		ok = n_off == vm->nr_vcpus - 1;
	if (!ok)
		return VPSCI_RET_DENIED;
	/* Two callers switching the same way at once both succeed. */
	if (!atomic_compare_exchange_strong(&vm->suspend_mode, &cur, mode) && cur != mode)
		return VPSCI_RET_DENIED;
	return VPSCI_RET_SUCCESS;
}

VPSCI_EXPORT uint32_t vpsci_suspend_mode(const struct vpsci_vm *vm)
{
	return atomic_load(&vm->suspend_mode);
}

/* A number for a new suspension: later ones compare greater (mod 2^32). */
uint32_t pd_next_seq(struct vpsci_vm *vm)
{
	uint32_t seq;

	do
		seq = atomic_fetch_add(&vm->susp_seq, 1) + 1;
	while (seq == NO_SEQ);
	return seq;
}
