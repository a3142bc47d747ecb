/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libvpsci internals. Nothing outside lib/ includes this header.
 */
#ifndef VPSCI_PRIVATE_H
#define VPSCI_PRIVATE_H

#include <assert.h>
#include <stdatomic.h>

#include <vpsci/vpsci.h>

#define VPSCI_EXPORT __attribute__((visibility("default")))

/*
 * The first layout of each sized struct (the ABI rule of vpsci.h): what the
 * oldest caller passes. Never changes; fields added later lie beyond it.
 */
#define OFFSETOF_END(type, field)	(offsetof(type, field) + sizeof(((type *)0)->field))
#define CONFIG_SIZE_FIRST	OFFSETOF_END(struct vpsci_config, pd_states)
#define OPS_SIZE_FIRST		OFFSETOF_END(struct vpsci_ops, now_us)
#define CALL_SIZE_FIRST		OFFSETOF_END(struct vpsci_call, big_endian)
#define RESULT_SIZE_FIRST	OFFSETOF_END(struct vpsci_result, entry)

/*
 * Power state of one vCPU, as stored in its atomic state word. The first four
 * are the committed states a guest can observe (DEN0022 5.6: ON, OFF; a
 * suspended CPU is ON for AFFINITY_INFO). The last is a transient claim held
 * by exactly one thread for a bounded time; every reader that meets it waits
 * until it resolves, so no caller ever observes a half-done transition.
 * See docs/design.md, "Locking".
 */
enum vcpu_pstate {
	PS_OFF = 0,
	PS_ON = 1,
	PS_SUSPENDED = 2,	/* CPU_SUSPEND accepted, not yet woken */
	PS_SYS_SUSPENDED = 3,	/* the SYSTEM_SUSPEND caller */
	PS_ON_CLAIMED = 4,	/* CPU_ON in progress: OFF -> ON or back to OFF */
};

/* VM-wide state, in vm->sys. */
enum sys_state {
	SYS_RUNNING = 0,
	SYS_EVENT = 1,		/* off / hibernate / reset reported; until vpsci_reset() */
	SYS_SUSPENDED = 2,	/* SYSTEM_SUSPEND reported; until vpsci_system_wake() */
	SYS_CLAIMED = 3,	/* transient: a SYSTEM_SUSPEND is checking the others */
};

/*
 * vcpu->susp, one word so that other vCPUs read a suspension's details in
 * one load: the composite the CPU asked for (its vote, in platform-
 * coordinated mode), the composite it entered (VPSCI_STATEID layout), and
 * whether an OFF vCPU got there by CPU_FREEZE. Written by the vCPU itself
 * before it publishes PS_SUSPENDED / PS_OFF, and by a CPU_ON holding the
 * claim; read by anyone (docs/design.md, "Power domains").
 */
#define SUSP_REQ_MASK		0x00000fffu
#define SUSP_ENT_SHIFT		12
#define SUSP_ENT_MASK		0x00fff000u
#define SUSP_FROZEN		0x80000000u
#define SUSP_MAKE(req, ent)	((req) | ((ent) << SUSP_ENT_SHIFT))
#define SUSP_REQ(w)		((w) & SUSP_REQ_MASK)
#define SUSP_ENT(w)		(((w) & SUSP_ENT_MASK) >> SUSP_ENT_SHIFT)

/* Local state of a composite at a level (VPSCI_STATEID layout). */
#define COMP_LOCAL(c, l)	VPSCI_STATEID_LOCAL(c, l)

/* The power levels the engine models: CPU, cluster, system. */
#define NR_LEVELS		3u

/* AFFINITY_INFO's affinity levels, 0..3 (DEN0022 5.6). */
#define AFF_LEVELS		4u

/*
 * An affinity node's counter word (vpsci_affinity.c): three 21-bit counts
 * of its vCPUs: on, turning themselves off, being started.
 */
#define AFF_ON			1ull
#define AFF_DOWN		(1ull << 21)
#define AFF_UP			(1ull << 42)

/* An affinity instance at level 1..3: by_mpidr[first .. first + count). */
struct aff_node {
	uint64_t key;			/* MPIDR & the level's mask */
	uint32_t first, count;
	uint32_t ctr;			/* index in vm->aff_ctrs */
};

/* PSCI_STAT counters of one vCPU for one composite state (DEN0022 5.21, 5.22). */
struct stat_slot {
	_Atomic uint64_t count;		/* completed entries */
	_Atomic uint64_t residency_us;	/* total time in the state */
};

struct vpsci_vcpu {
	_Atomic uint32_t state;		/* enum vcpu_pstate */
	uint32_t power_state;		/* PS_SUSPENDED: the argument */
	uint64_t mpidr;			/* affinity, immutable */
	struct vpsci_entry resume;	/* PS_SUSPENDED power-down: where it resumes */
	_Atomic uint32_t susp;		/* SUSP_*: requested / entered composite, frozen */
	_Atomic uint32_t susp_seq;	/* order of suspensions (OS-initiated node state) */
	uint64_t susp_start_us;		/* PS_SUSPENDED with STAT: ops->now_us at entry */
	uint32_t cluster;		/* index of its level-1 node in vm->nodes, immutable */
	uint16_t aff_ctr[AFF_LEVELS - 1];	/* its distinct affinity counters, immutable */
	uint8_t nr_aff_ctrs;
};

/*
 * A power-domain node above the CPUs: a cluster (the vCPUs sharing
 * Aff3..Aff1) or the system (all vCPUs, the last entry of vm->nodes). Its
 * vCPUs are by_mpidr[first .. first + count). The transition counters let
 * a reader check that no vCPU of the node came up (or went off) while it
 * looked at all of them: every such transition increments tr_begin before
 * and tr_end after its state change (docs/design.md, "Linearisation").
 */
struct pd_node {
	uint32_t first, count;		/* immutable */
	_Atomic uint32_t tr_begin;
	_Atomic uint32_t tr_end;
};

/* One call, decoded at the edge: no handler looks at raw registers. */
struct psci_args {
	uint32_t fid;
	uint64_t a1, a2, a3;		/* narrowed to 32 bits for SMC32 */
	bool smc64;
	bool aarch32;
	bool big_endian;
	bool dialect_0_1;		/* arrived through a PSCI 0.1 ID */
};

/*
 * A handler returns a PSCI value (a code or a result such as a version),
 * sign-extended into x0 by the front door; or PSCI_RAW after storing a raw
 * 64-bit result in res->x[0] itself (PSCI_STAT_*: counts, not codes).
 */
#define PSCI_RAW		INT32_MIN
typedef int32_t (*psci_handler_t)(struct vpsci_vm *vm, uint32_t caller,
				  const struct psci_args *args, struct vpsci_result *res);

struct vpsci_vm {
	const struct vpsci_ops *ops;	/* &ops_copy */
	void *opaque;
	struct vpsci_ops ops_copy;	/* the caller's, zero-extended (vpsci_abi.c) */

	/* Configuration, frozen at creation. */
	uint32_t version;
	enum vpsci_conduit conduit;
	uint32_t flags;
	uint32_t nr_vcpus;
	uint32_t boot_vcpu;
	uint32_t nr_mem;
	struct vpsci_mem_region mem[VPSCI_MAX_MEM_REGIONS];
	uint32_t nr_reset2;
	uint32_t reset2_types[VPSCI_MAX_RESET2_TYPES];

	/* Capability table, derived from the configuration (vpsci_caps.c). */
	uint32_t caps32;		/* bit n: PSCI function n, SMC32 form */
	uint32_t caps64;		/* bit n: PSCI function n, SMC64 form */
	bool smccc;			/* SMCCC architecture calls answered */
	bool ids_0_1;			/* PSCI 0.1 IDs answered */

	/* Power-domain hierarchy, frozen at creation (vpsci_pd.c). */
	uint32_t pd_levels;
	uint8_t pd_states[NR_LEVELS];
	uint32_t nr_comps;		/* valid composites (STAT slots per vCPU) */
	uint16_t comps[9];		/* their StateIDs, in a fixed order */
	uint32_t nr_clusters;
	struct pd_node *nodes;		/* nr_clusters clusters, then the system */
	struct stat_slot *stats;	/* nr_vcpus x nr_comps with VPSCI_CFG_STAT, else NULL */

	_Atomic uint32_t sys;		/* enum sys_state */
	struct vpsci_system_event event;	/* valid unless SYS_RUNNING */
	_Atomic uint32_t suspend_mode;	/* VPSCI_SUSPEND_MODE_* */
	_Atomic uint32_t mem_protect;	/* MEM_PROTECT: 0 or 1; survives vpsci_reset() */
	_Atomic uint32_t susp_seq;	/* last suspension number handed out */

	/* Affinity nodes of levels 1..3 and their counters (vpsci_affinity.c). */
	struct aff_node *aff_nodes[AFF_LEVELS];	/* [0] unused; by key */
	uint32_t nr_aff_nodes[AFF_LEVELS];
	_Atomic uint64_t *aff_ctrs;
	uint32_t nr_aff_ctrs;

	uint32_t *by_mpidr;		/* vCPU indices sorted by MPIDR */
	struct vpsci_vcpu vcpus[];
};

/* vpsci_abi.c */
int abi_copy_in(void *dst, size_t dst_size, const void *src, size_t min_size);

/* vpsci_caps.c */
void caps_init(struct vpsci_vm *vm);
psci_handler_t caps_lookup(const struct vpsci_vm *vm, uint32_t fid, bool aarch32);
int32_t caps_features(const struct vpsci_vm *vm, uint32_t fid, bool aarch32);

/* vpsci_vm.c */
void cpu_relax(void);
uint32_t vcpu_wait_stable(struct vpsci_vm *vm, uint32_t idx);
void sys_wait_unclaimed(struct vpsci_vm *vm);
bool vm_quiescent(const struct vpsci_vm *vm);
int check_config(const struct vpsci_config *cfg);
int vm_alloc(const struct vpsci_config *cfg, const struct vpsci_ops *ops, void *opaque,
	     struct vpsci_vm **out);
void vm_reset_state(struct vpsci_vm *vm);

/* vpsci_topology.c */
void topology_init(struct vpsci_vm *vm);
int topology_find(const struct vpsci_vm *vm, uint64_t mpidr);

/* vpsci_affinity.c */
int aff_init(struct vpsci_vm *vm);
void aff_free(struct vpsci_vm *vm);
void aff_recount(struct vpsci_vm *vm);
void aff_add(struct vpsci_vm *vm, uint32_t idx, uint64_t delta);
int32_t psci_affinity_info(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			   struct vpsci_result *res);

/* vpsci_pd.c */
void pd_comps(struct vpsci_vm *vm);
int pd_init(struct vpsci_vm *vm);
void pd_reset(struct vpsci_vm *vm);
int32_t ps_decode(const struct vpsci_vm *vm, uint32_t ps, uint32_t *comp, bool *powerdown);
bool comp_valid(const struct vpsci_vm *vm, uint32_t comp);
int comp_index(const struct vpsci_vm *vm, uint32_t comp);
uint32_t pd_default_power_state(const struct vpsci_vm *vm);
int32_t pd_coordinate(struct vpsci_vm *vm, uint32_t caller, uint32_t req, uint32_t *entered);
uint32_t pd_next_seq(struct vpsci_vm *vm);
void tr_begin(struct vpsci_vm *vm, uint32_t idx);
void tr_end(struct vpsci_vm *vm, uint32_t idx);
int32_t psci_node_hw_state(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			   struct vpsci_result *res);
int32_t psci_set_suspend_mode(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			      struct vpsci_result *res);

/* vpsci_stat.c */
void stat_account(struct vpsci_vm *vm, uint32_t idx, uint32_t entered);
int32_t psci_stat_residency(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			    struct vpsci_result *res);
int32_t psci_stat_count(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			struct vpsci_result *res);

/* vpsci_mem_protect.c */
int32_t psci_mem_protect(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			 struct vpsci_result *res);
int32_t psci_mem_protect_check_range(struct vpsci_vm *vm, uint32_t caller,
				     const struct psci_args *args, struct vpsci_result *res);

/* vpsci_entry.c */
bool entry_decode(const struct vpsci_vm *vm, const struct psci_args *args, uint64_t pc,
		  uint64_t context_id, struct vpsci_entry *out);

/* Function handlers, one file per concern: vpsci_on.c */
int32_t psci_cpu_on(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
		    struct vpsci_result *res);

/* vpsci_off.c */
int32_t psci_cpu_off(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
		     struct vpsci_result *res);
int32_t psci_cpu_freeze(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			struct vpsci_result *res);

/* vpsci_suspend.c */
int32_t psci_cpu_suspend(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			 struct vpsci_result *res);
int32_t psci_cpu_default_suspend(struct vpsci_vm *vm, uint32_t caller,
				 const struct psci_args *args, struct vpsci_result *res);

/* vpsci_system.c */
int32_t psci_system_off(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			struct vpsci_result *res);
int32_t psci_system_off2(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			 struct vpsci_result *res);
int32_t psci_system_reset(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			  struct vpsci_result *res);
int32_t psci_system_reset2(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			   struct vpsci_result *res);
int32_t psci_system_suspend(struct vpsci_vm *vm, uint32_t caller, const struct psci_args *args,
			    struct vpsci_result *res);

static inline bool pstate_transient(uint32_t s)
{
	return s == PS_ON_CLAIMED;
}

/* ON for AFFINITY_INFO: running or in any suspend (DEN0022 5.6). */
static inline bool pstate_is_on(uint32_t s)
{
	return s == PS_ON || s == PS_SUSPENDED || s == PS_SYS_SUSPENDED;
}

#endif /* VPSCI_PRIVATE_H */
