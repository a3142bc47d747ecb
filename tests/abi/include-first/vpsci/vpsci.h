/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libvpsci: the PSCI engine of one virtual machine.
 *
 * The engine implements PSCI (Arm DEN0022, versions 0.1 to 1.3) and the SMCCC
 * discovery calls for one VM. It knows no OS and no hypervisor: the VMM
 * creates one engine per VM from a struct vpsci_config, hands it every
 * forwarded call with vpsci_call(), and the engine reaches the host only
 * through the struct vpsci_ops table given at creation.
 *
 * Threading: vpsci_call() may run concurrently on every vCPU thread (one call
 * in flight per vCPU). It never allocates and never sleeps; it may spin for
 * as long as another thread's ops->cpu_on() call takes, because that thread
 * holds the target vCPU (see docs/design.md, "Locking"). The control
 * functions (vpsci_reset, vpsci_snapshot, vpsci_restore, vpsci_destroy) need
 * a quiescent VM: no vpsci_call() in flight.
 *
 * Errors: functions that can fail return 0 or a negative VPSCI_E_* code,
 * described by vpsci_strerror(). Those are host-side errors and never reach
 * the guest; what the guest sees is always a PSCI return code in x0.
 *
 * ABI rule (docs/design.md, "ABI"): every struct the caller fills or
 * allocates and hands to the library -- struct vpsci_config, struct
 * vpsci_ops, struct vpsci_call, struct vpsci_result -- starts with
 * 'uint32_t size', which the caller sets to sizeof(the struct) as it
 * compiled it, e.g. '= { .size = sizeof(cfg), ... }' (zero the rest: use an
 * initialiser or memset). Such structs only ever grow, at the end. The
 * library reads what an older caller passed and takes the fields it lacks
 * as zero (so a new field's zero means "as before"); a newer caller's extra
 * bytes must be zero, or the call fails with VPSCI_E_INVAL (the library
 * cannot honour a request it does not know); a size below the first
 * release's is VPSCI_E_INVAL. The library writes at most res->size bytes of
 * a result and sets res->size to what it wrote (VPSCI_HAS_FIELD() tells
 * whether a field is there). The structs nested in those or in arrays
 * (struct vpsci_mem_region, struct vpsci_entry, struct vpsci_system_event)
 * are frozen: they never change; new information goes into new fields of a
 * sized struct. Functions are never changed, only added (libvpsci.so.1,
 * symbol versions VPSCI_1.0, then one node per release that adds any).
 */
#ifndef VPSCI_VPSCI_H
#define VPSCI_VPSCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vpsci/psci.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Library error codes (host side) ----------------------------------- */
enum vpsci_error {
	VPSCI_OK		= 0,
	VPSCI_E_INVAL		= -1,	/* an argument or a config field is invalid */
	VPSCI_E_NOMEM		= -2,	/* out of memory (vpsci_create only) */
	VPSCI_E_BUSY		= -3,	/* a vCPU is mid-transition: the VM is not quiescent */
	VPSCI_E_RANGE		= -4,	/* vCPU index out of range */
	VPSCI_E_STATE		= -5,	/* the vCPU or VM is not in a state that allows this */
	VPSCI_E_NOSPC		= -6,	/* the output buffer is too small */
	VPSCI_E_SNAP_TRUNCATED	= -7,	/* snapshot shorter than its header says */
	VPSCI_E_SNAP_MAGIC	= -8,	/* not a vpsci snapshot */
	VPSCI_E_SNAP_VERSION	= -9,	/* snapshot format version not understood */
	VPSCI_E_SNAP_CHECKSUM	= -10,	/* snapshot checksum mismatch */
	VPSCI_E_SNAP_CORRUPT	= -11,	/* a field holds a value no engine writes */
	VPSCI_E_SNAP_MISMATCH	= -12,	/* snapshot config differs from this engine's */
	VPSCI_E_FDT		= -13,	/* a libfdt call failed (vpsci_fdt_*) */
};

/*
 * Whether *p, a sized struct of type 'type' (see "ABI rule" above), holds
 * 'field': true when p->size covers it. For a result, after vpsci_call()
 * has set its size.
 */
#define VPSCI_HAS_FIELD(type, p, field)					\
	((p)->size >= offsetof(type, field) + sizeof(((type *)0)->field))

/*
 * Describe a VPSCI_E_* code (or VPSCI_OK). Never returns NULL; unknown codes
 * give "unknown error".
 */
const char *vpsci_strerror(int err);

/* ---- Configuration --------------------------------------------------- */

#define VPSCI_MAX_VCPUS		1024u
#define VPSCI_MAX_MEM_REGIONS	16u
#define VPSCI_MAX_RESET2_TYPES	16u

enum vpsci_conduit {
	VPSCI_CONDUIT_HVC = 0,
	VPSCI_CONDUIT_SMC = 1,
};

/* A range of guest physical memory where entry points may lie. Frozen. */
struct vpsci_mem_region {
	uint64_t base;
	uint64_t size;		/* bytes; non-zero, base + size must not wrap */
};

/* struct vpsci_config.flags */
#define VPSCI_CFG_SYSTEM_SUSPEND	(1u << 0)	/* offer SYSTEM_SUSPEND (1.0+) */
#define VPSCI_CFG_0_1_IDS		(1u << 1)	/* answer the 0.1 IDs alongside 0.2+ */
/*
 * The optional functions of PSCI 1.0/1.1 (docs/design.md, "Power domains").
 * Each is advertised by PSCI_FEATURES only when its flag is set, and each
 * flag needs at least the version shown; vpsci_create() refuses otherwise.
 */
#define VPSCI_CFG_EXT_STATEID		(1u << 2)	/* 1.0: extended power_state format */
#define VPSCI_CFG_OSI			(1u << 3)	/* 1.0: PSCI_SET_SUSPEND_MODE; pd_levels >= 2 */
#define VPSCI_CFG_STAT			(1u << 4)	/* 1.0: PSCI_STAT_*; pd_levels >= 1, ops->now_us */
#define VPSCI_CFG_FREEZE		(1u << 5)	/* 1.0: CPU_FREEZE */
#define VPSCI_CFG_DEFAULT_SUSPEND	(1u << 6)	/* 1.0: CPU_DEFAULT_SUSPEND */
#define VPSCI_CFG_NODE_HW_STATE		(1u << 7)	/* 1.0: NODE_HW_STATE */
#define VPSCI_CFG_MEM_PROTECT		(1u << 8)	/* 1.1: MEM_PROTECT, MEM_PROTECT_CHECK_RANGE */
/* The flags this build implements. */
#define VPSCI_CFG_ALL_FLAGS						\
	(VPSCI_CFG_SYSTEM_SUSPEND | VPSCI_CFG_0_1_IDS | VPSCI_CFG_EXT_STATEID |	\
	 VPSCI_CFG_OSI | VPSCI_CFG_STAT | VPSCI_CFG_FREEZE |			\
	 VPSCI_CFG_DEFAULT_SUSPEND | VPSCI_CFG_NODE_HW_STATE | VPSCI_CFG_MEM_PROTECT)

/*
 * Power-domain hierarchy (DEN0022 4.2, 5.3). Level 0 is a CPU, level 1 a
 * cluster (the vCPUs whose MPIDRs agree in Aff3..Aff1), level 2 the system.
 * With a hierarchy, a power_state's StateID is the composite of one local
 * state per level, a 4-bit field each (VPSCI_STATEID), and CPU_SUSPEND checks
 * it: every level's local state must be one the level offers, no level may
 * be deeper than the level below it, StateType must say power-down exactly
 * when the CPU's local state is OFF, PowerLevel (original format) must name
 * the highest level that is not RUN, and no other StateID bit may be set.
 * Without one (pd_levels = 0) CPU_SUSPEND accepts any StateID, as KVM does.
 */
#define VPSCI_MAX_PD_LEVELS		3u

enum vpsci_local_state {
	VPSCI_LOCAL_RUN		= 0,
	VPSCI_LOCAL_RETENTION	= 1,	/* context kept: standby */
	VPSCI_LOCAL_OFF		= 2,	/* context lost: power-down */
};

/* struct vpsci_config.pd_states[level]: which local states a level offers */
#define VPSCI_PD_RETENTION		(1u << VPSCI_LOCAL_RETENTION)
#define VPSCI_PD_OFF			(1u << VPSCI_LOCAL_OFF)

/* The composite StateID of local states for the CPU, its cluster, the system. */
#define VPSCI_STATEID(cpu, cluster, system)				\
	((uint32_t)(cpu) | ((uint32_t)(cluster) << 4) | ((uint32_t)(system) << 8))
#define VPSCI_STATEID_LOCAL(stateid, level)	(((stateid) >> (4 * (level))) & 0xfu)

/*
 * Everything that defines the guest-visible firmware. Copied at creation:
 * the pointers need not outlive vpsci_create(). Never changes afterwards.
 */
struct vpsci_config {
	uint32_t size;		/* sizeof(struct vpsci_config): the ABI rule above */
	uint32_t version;	/* VPSCI_VERSION_0_1 .. VPSCI_VERSION_1_3 */
	enum vpsci_conduit conduit;	/* what the DT advertises */
	uint32_t nr_vcpus;	/* 1 .. VPSCI_MAX_VCPUS */
	/*
	 * MPIDR affinity of each vCPU (Aff3..Aff0 only, VPSCI_MPIDR_AFF_MASK),
	 * all distinct. NULL: vCPU i gets Aff1 = i / 16, Aff0 = i % 16, as
	 * KVM's default MPIDR does.
	 */
	const uint64_t *mpidrs;
	uint32_t boot_vcpu;	/* the vCPU that is on after reset (usually 0) */
	/* Guest RAM: CPU_ON / CPU_SUSPEND / SYSTEM_SUSPEND entries must lie here. */
	const struct vpsci_mem_region *mem;
	uint32_t nr_mem;	/* 1 .. VPSCI_MAX_MEM_REGIONS */
	/* SYSTEM_RESET2 vendor reset types accepted (each has bit 31 set). */
	const uint32_t *reset2_vendor_types;
	uint32_t nr_reset2_vendor_types;	/* 0 .. VPSCI_MAX_RESET2_TYPES */
	uint32_t flags;		/* VPSCI_CFG_* */
	/* Power-domain hierarchy: 0 (none) .. VPSCI_MAX_PD_LEVELS. */
	uint32_t pd_levels;
	/* Per level below pd_levels: VPSCI_PD_* local states; level 0 non-empty. */
	uint8_t pd_states[VPSCI_MAX_PD_LEVELS];
};

/* ---- Host operations -------------------------------------------------- */

/*
 * Where and how a vCPU starts (CPU_ON) or resumes (power-down,
 * SYSTEM_SUSPEND). Frozen.
 */
struct vpsci_entry {
	uint64_t pc;		/* entry address; bit 0 already cleared for Thumb */
	uint64_t context_id;	/* goes in x0 (r0) */
	bool aarch32;		/* enter in AArch32 state (the caller's state) */
	bool thumb;		/* AArch32 only: entry had bit 0 set */
	bool big_endian;	/* the caller's data endianness (DEN0022 6.4) */
};

enum vpsci_event_type {
	VPSCI_EVENT_OFF,		/* SYSTEM_OFF */
	VPSCI_EVENT_HIBERNATE_OFF,	/* SYSTEM_OFF2: the guest hibernated */
	VPSCI_EVENT_RESET,		/* SYSTEM_RESET: cold reset */
	VPSCI_EVENT_RESET2,		/* SYSTEM_RESET2: type + cookie */
	VPSCI_EVENT_SUSPEND,		/* SYSTEM_SUSPEND: entry + context */
};

/* A system event (ops->system_event, vpsci_result.event). Frozen. */
struct vpsci_system_event {
	enum vpsci_event_type type;
	uint32_t caller;		/* vCPU index that made the call */
	uint32_t reset_type;		/* RESET2: reset_type; HIBERNATE_OFF: off type (0 or 1) */
	uint64_t cookie;		/* RESET2 only */
	struct vpsci_entry entry;	/* SUSPEND only: where the caller resumes */
};

/*
 * What only the host can do. Every hook is called without any engine state
 * held except where stated, from the thread that made the vpsci_call().
 * Copied at creation, like the configuration.
 */
struct vpsci_ops {
	uint32_t size;		/* sizeof(struct vpsci_ops): the ABI rule above */

	/*
	 * Required. Power on vCPU 'idx' (not the caller) at 'entry' from a
	 * clean architectural state: PC, x0 = context_id, EL1h, DAIF masked,
	 * MMU and caches off. Called while the engine holds 'idx' claimed, so
	 * it must not block for long, nor call vpsci_call() for 'idx'. The
	 * target may have returned VPSCI_EXIT_OFF an instant ago and not yet be
	 * parked: the host must remember the request. Return 0, or a negative
	 * value if the host cannot start it (the guest then sees
	 * INTERNAL_FAILURE and the target stays off).
	 */
	int (*cpu_on)(void *opaque, uint32_t idx, const struct vpsci_entry *entry);

	/*
	 * Required. Stop vCPU 'idx' (not the caller) before a system event:
	 * when it returns, 'idx' runs no more guest code until the host
	 * restarts the VM. Called for every vCPU that is not OFF.
	 */
	void (*cpu_stop)(void *opaque, uint32_t idx);

	/*
	 * Required. Report a system event. Every other vCPU has been stopped
	 * (cpu_stop) or is OFF when this is called. The caller's vpsci_call()
	 * returns VPSCI_EXIT_SYSTEM_EVENT right after.
	 */
	void (*system_event)(void *opaque, const struct vpsci_system_event *ev);

	/*
	 * Optional; required with VPSCI_CFG_STAT. A monotonic clock in
	 * microseconds (PSCI_STAT_RESIDENCY counts the time from the
	 * CPU_SUSPEND call to vpsci_vcpu_wake()). Called from any thread.
	 */
	uint64_t (*now_us)(void *opaque);
};

/* ---- Engine lifetime ------------------------------------------------- */

struct vpsci_vm;

/*
 * Create an engine. 'ops' is copied; 'opaque' is passed to every hook. On
 * success *out holds the engine, in its reset state (boot vCPU on, others
 * off).
 * Returns 0, VPSCI_E_INVAL (NULL argument, cfg->size or ops->size refused
 * by the ABI rule, invalid config: version,
 * conduit, vCPU count, duplicate/out-of-mask MPIDR, boot vCPU, empty or
 * wrapping memory region, reset2 type without bit 31, unknown flag, 0.1
 * IDs requested with version 0.1, SYSTEM_SUSPEND before 1.0, missing ops
 * hook) or VPSCI_E_NOMEM.
 */
int vpsci_create(const struct vpsci_config *cfg, const struct vpsci_ops *ops,
		 void *opaque, struct vpsci_vm **out);

/* Free an engine. NULL is a no-op. */
void vpsci_destroy(struct vpsci_vm *vm);

/*
 * Return the VM to its reset state: every vCPU off but the boot vCPU, no
 * system event pending, platform-coordinated suspend mode, STAT counters at
 * zero; MEM_PROTECT is kept (vpsci_mem_protect()). The VMM calls this when
 * it reboots the VM in place.
 * Returns 0 or VPSCI_E_BUSY (a vCPU is mid-transition).
 */
int vpsci_reset(struct vpsci_vm *vm);

/* ---- Forwarded calls --------------------------------------------------- */

/* One forwarded HVC/SMC as the caller left its registers. */
struct vpsci_call {
	uint32_t size;		/* sizeof(struct vpsci_call): the ABI rule above */
	uint64_t x[4];		/* x0 = function ID, x1..x3 = arguments */
	enum vpsci_conduit conduit;	/* how the call arrived */
	bool aarch32;		/* the caller executes in AArch32 state */
	bool big_endian;	/* the caller's data endianness (for CPU_ON) */
};

/* What became of the caller. */
enum vpsci_exit {
	/* Write x[0..3] back to the caller's x0..x3 and resume it. */
	VPSCI_EXIT_CONTINUE = 0,
	/* CPU_OFF: the caller is off. Park its thread until ops->cpu_on(). */
	VPSCI_EXIT_OFF,
	/*
	 * CPU_SUSPEND was accepted: suspend the caller until a wake-up event,
	 * then call vpsci_vcpu_wake() and either resume it with x[0..3]
	 * (standby, or a power-down the host chose to treat as standby) or, for
	 * a power-down state, start it at result.entry.
	 */
	VPSCI_EXIT_SUSPEND,
	/*
	 * A system event was reported through ops->system_event. x0 holds
	 * INTERNAL_FAILURE in case the host resumes the caller anyway; for
	 * SYSTEM_SUSPEND the host resumes the caller at the event's entry after
	 * vpsci_system_wake().
	 */
	VPSCI_EXIT_SYSTEM_EVENT,
};

/* Filled by vpsci_call(); the caller sets size first (the ABI rule above). */
struct vpsci_result {
	uint32_t size;		/* in: bytes the caller has; out: bytes written */
	uint64_t x[4];		/* values for the caller's x0..x3 */
	enum vpsci_exit exit;
	/* VPSCI_EXIT_SUSPEND only: */
	uint32_t power_state;	/* as passed, after narrowing */
	bool powerdown;		/* the state loses context (StateType = 1) */
	struct vpsci_entry entry;	/* valid when powerdown */
};

/*
 * Handle one forwarded call from vCPU 'vcpu'. Fills *res (x0 =
 * NOT_SUPPORTED unless a handler says otherwise) whenever res->size is
 * valid; returns 0, or VPSCI_E_INVAL for a NULL argument or a size the ABI
 * rule refuses / VPSCI_E_RANGE for a bad vCPU index (then *res, if it could
 * be written, holds NOT_SUPPORTED / CONTINUE).
 * Thread-safe; never allocates, never sleeps.
 */
int vpsci_call(struct vpsci_vm *vm, uint32_t vcpu, const struct vpsci_call *call,
	       struct vpsci_result *res);

/*
 * The vCPU suspended by VPSCI_EXIT_SUSPEND woke up: it is ON again. With
 * VPSCI_CFG_STAT the suspension is counted here (ops->now_us is read). Call
 * it before the vCPU runs guest code again.
 * Returns 0, VPSCI_E_RANGE or VPSCI_E_STATE (it was not suspended).
 */
int vpsci_vcpu_wake(struct vpsci_vm *vm, uint32_t vcpu);

/*
 * The VM suspended by SYSTEM_SUSPEND woke up: the caller is ON again and
 * the host resumes it at the event's entry. Returns 0 or VPSCI_E_STATE (no
 * SYSTEM_SUSPEND pending).
 */
int vpsci_system_wake(struct vpsci_vm *vm);

/* ---- Introspection --------------------------------------------------- */

/* A vCPU's power state as the guest would see it (DEN0022 5.6). */
enum vpsci_vcpu_state {
	VPSCI_VCPU_OFF = 0,
	VPSCI_VCPU_ON,
	VPSCI_VCPU_SUSPENDED,		/* CPU_SUSPEND, counts as ON for AFFINITY_INFO */
	VPSCI_VCPU_SYSTEM_SUSPENDED,	/* the SYSTEM_SUSPEND caller */
	VPSCI_VCPU_TRANSITION,		/* mid CPU_ON / mid check: never seen by a quiescent VM */
};

/* Returns the state, or VPSCI_E_RANGE. */
int vpsci_vcpu_state(const struct vpsci_vm *vm, uint32_t vcpu);

uint32_t vpsci_version(const struct vpsci_vm *vm);
uint32_t vpsci_nr_vcpus(const struct vpsci_vm *vm);
enum vpsci_conduit vpsci_conduit(const struct vpsci_vm *vm);
uint32_t vpsci_flags(const struct vpsci_vm *vm);
/* MPIDR affinity of vCPU 'vcpu' (0 if out of range). */
uint64_t vpsci_vcpu_mpidr(const struct vpsci_vm *vm, uint32_t vcpu);
/*
 * vCPU index for an MPIDR affinity value, or VPSCI_E_RANGE when no vCPU has
 * it or when bits outside VPSCI_MPIDR_AFF_MASK are set (mask MPIDR_EL1's
 * other bits, such as bit 31 and MT, before asking).
 */
int vpsci_vcpu_by_mpidr(const struct vpsci_vm *vm, uint64_t mpidr);

/*
 * Whether the guest would get a non-NOT_SUPPORTED answer for 'fid' (an
 * SMC32 or SMC64 PSCI/SMCCC ID, or a 0.1 ID): the same table that drives
 * dispatch. Lets a VMM decide which IDs to forward.
 */
bool vpsci_handles(const struct vpsci_vm *vm, uint32_t fid);

/*
 * The power_state value, in this VM's format (original or extended), of the
 * composite state with local states cpu/cluster/system (VPSCI_LOCAL_*):
 * StateID = VPSCI_STATEID(), StateType = power-down when cpu is OFF,
 * PowerLevel = the highest level not RUN. What a VMM writes into the DT's
 * arm,psci-suspend-param. Returns 0 and stores it in *ps, or VPSCI_E_INVAL
 * when this VM's hierarchy does not offer that composite (always without a
 * hierarchy, pd_levels = 0), or for a NULL argument.
 */
int vpsci_power_state(const struct vpsci_vm *vm, unsigned int cpu, unsigned int cluster,
		      unsigned int system, uint32_t *ps);

/*
 * MEM_PROTECT (DEN0022 5.13): true while the guest has memory protection
 * enabled. It survives vpsci_reset(), as the NV flag of real firmware does; a
 * warm SYSTEM_RESET2 clears it before the event is reported. A VMM that
 * reboots the VM in place must wipe guest RAM first whenever this is true.
 */
bool vpsci_mem_protect(const struct vpsci_vm *vm);

/* VPSCI_SUSPEND_MODE_PC or VPSCI_SUSPEND_MODE_OSI (PSCI_SET_SUSPEND_MODE). */
uint32_t vpsci_suspend_mode(const struct vpsci_vm *vm);

/* Name of a function ID ("CPU_ON", "SMCCC_VERSION", ...), or NULL. */
const char *vpsci_fn_name(uint32_t fid);

/* ---- Snapshot / restore (format: docs/snapshot.md) ------------------- */

/* Bytes vpsci_snapshot() writes for this engine. */
size_t vpsci_snapshot_size(const struct vpsci_vm *vm);

/*
 * Serialise the whole engine state (config, per-vCPU state, pending system
 * event) into buf. On success *len (may be NULL) holds the bytes written.
 * Returns 0, VPSCI_E_NOSPC or VPSCI_E_BUSY (a vCPU is mid-transition).
 */
int vpsci_snapshot(const struct vpsci_vm *vm, void *buf, size_t size, size_t *len);

/*
 * Restore a snapshot into an engine created with the same configuration.
 * All-or-nothing: on error the engine is untouched. Returns 0,
 * VPSCI_E_SNAP_* (truncated, magic, version, checksum, corrupt, and
 * mismatch when the snapshot's config (version, vCPUs, MPIDRs, ...) differs:
 * the guest-visible version never changes silently) or VPSCI_E_BUSY.
 */
int vpsci_restore(struct vpsci_vm *vm, const void *buf, size_t size);

/*
 * Create an engine from a snapshot alone: its configuration and state as
 * recorded, whatever this build's defaults. What a VMM uses to resume a
 * hibernated or migrated VM. 'ops' is copied. Returns as vpsci_create() and
 * vpsci_restore().
 */
int vpsci_create_from_snapshot(const void *buf, size_t size, const struct vpsci_ops *ops,
			       void *opaque, struct vpsci_vm **out);

#ifdef __cplusplus
}
#endif

#endif /* VPSCI_VPSCI_H */
