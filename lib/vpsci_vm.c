// SPDX-License-Identifier: BSD-2-Clause
/*
 * Engine lifetime and introspection: configuration checks, creation, reset,
 * and the accessors a VMM uses to build its device tree.
 */
#include <stdlib.h>
#include <string.h>

#include "vpsci_private.h"

/* Busy-wait hint while another thread resolves a transient claim. */
void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#endif
}

/*
 * Wait until vCPU idx is in a committed state and return it. Transient claims
 * are held for a bounded time by a thread that waits on nothing while holding
 * them (docs/design.md, "Locking"), so this terminates.
 */
uint32_t vcpu_wait_stable(struct vpsci_vm *vm, uint32_t idx)
{
	uint32_t s;

	while (pstate_transient(s = atomic_load(&vm->vcpus[idx].state)))
		cpu_relax();
	return s;
}

/* Wait until no SYSTEM_SUSPEND is checking the other vCPUs (SYS_CLAIMED). */
void sys_wait_unclaimed(struct vpsci_vm *vm)
{
	while (atomic_load(&vm->sys) == SYS_CLAIMED)
		cpu_relax();
}

static bool version_valid(uint32_t v)
{
	switch (v) {
	case VPSCI_VERSION_0_1:
	case VPSCI_VERSION_0_2:
	case VPSCI_VERSION_1_0:
	case VPSCI_VERSION_1_1:
	case VPSCI_VERSION_1_2:
	case VPSCI_VERSION_1_3:
		return true;
	default:
		return false;
	}
}

static bool region_valid(const struct vpsci_mem_region *r)
{
	return r->size != 0 && r->base <= UINT64_MAX - (r->size - 1);
}

/*
 * The optional functions' versions (DEN0022 5.1: PSCI 1.0, MEM_PROTECT 1.1)
 * and the hierarchy: at most three levels, each used level offering a
 * non-empty set of RETENTION / OFF, unused levels nothing; OS-initiated
 * mode needs a level above the CPU, STAT a hierarchy to name states.
 */
static int check_pd_config(const struct vpsci_config *cfg)
{
	const uint32_t v1_0 = VPSCI_CFG_EXT_STATEID | VPSCI_CFG_OSI | VPSCI_CFG_STAT |
			      VPSCI_CFG_FREEZE | VPSCI_CFG_DEFAULT_SUSPEND |
			      VPSCI_CFG_NODE_HW_STATE;
	uint32_t l;

	if ((cfg->flags & v1_0) && cfg->version < VPSCI_VERSION_1_0)
		return VPSCI_E_INVAL;
	if ((cfg->flags & VPSCI_CFG_MEM_PROTECT) && cfg->version < VPSCI_VERSION_1_1)
		return VPSCI_E_INVAL;
	if (cfg->pd_levels > VPSCI_MAX_PD_LEVELS)
		return VPSCI_E_INVAL;
	for (l = 0; l < VPSCI_MAX_PD_LEVELS; l++) {
		uint8_t st = cfg->pd_states[l];

		if (l < cfg->pd_levels ? (!st || (st & ~(VPSCI_PD_RETENTION | VPSCI_PD_OFF))) : st)
			return VPSCI_E_INVAL;
	}
	if ((cfg->flags & VPSCI_CFG_OSI) && cfg->pd_levels < 2)
		return VPSCI_E_INVAL;
	if ((cfg->flags & VPSCI_CFG_STAT) && cfg->pd_levels < 1)
		return VPSCI_E_INVAL;
	return 0;
}

/*
 * Check everything vpsci_create() and the snapshot reader accept, except the
 * MPIDR duplicates (topology_init() finds those once sorted). Returns 0 or
 * VPSCI_E_INVAL.
 */
int check_config(const struct vpsci_config *cfg)
{
	uint32_t i;

	if (!version_valid(cfg->version))
		return VPSCI_E_INVAL;
	if (cfg->conduit != VPSCI_CONDUIT_HVC && cfg->conduit != VPSCI_CONDUIT_SMC)
		return VPSCI_E_INVAL;
	if (cfg->nr_vcpus == 0 || cfg->nr_vcpus > VPSCI_MAX_VCPUS)
		return VPSCI_E_INVAL;
	if (cfg->boot_vcpu >= cfg->nr_vcpus)
		return VPSCI_E_INVAL;
	if (cfg->flags & ~VPSCI_CFG_ALL_FLAGS)
		return VPSCI_E_INVAL;
	/* The 0.1 IDs "alongside" only make sense next to a 0.2+ interface. */
	if ((cfg->flags & VPSCI_CFG_0_1_IDS) && cfg->version == VPSCI_VERSION_0_1)
		return VPSCI_E_INVAL;
	/* DEN0022 5.19: SYSTEM_SUSPEND exists from PSCI 1.0 on. */
	if ((cfg->flags & VPSCI_CFG_SYSTEM_SUSPEND) && cfg->version < VPSCI_VERSION_1_0)
		return VPSCI_E_INVAL;
	if (!cfg->mem || cfg->nr_mem == 0 || cfg->nr_mem > VPSCI_MAX_MEM_REGIONS)
		return VPSCI_E_INVAL;
	for (i = 0; i < cfg->nr_mem; i++)
		if (!region_valid(&cfg->mem[i]))
			return VPSCI_E_INVAL;
	if (cfg->nr_reset2_vendor_types > VPSCI_MAX_RESET2_TYPES)
		return VPSCI_E_INVAL;
	if (cfg->nr_reset2_vendor_types && !cfg->reset2_vendor_types)
		return VPSCI_E_INVAL;
	for (i = 0; i < cfg->nr_reset2_vendor_types; i++)
		if (!(cfg->reset2_vendor_types[i] & VPSCI_RESET2_VENDOR))
			return VPSCI_E_INVAL;
	if (cfg->mpidrs)
		for (i = 0; i < cfg->nr_vcpus; i++)
			if (cfg->mpidrs[i] & ~VPSCI_MPIDR_AFF_MASK)
				return VPSCI_E_INVAL;
	return check_pd_config(cfg);
}

static bool ops_valid(const struct vpsci_ops *ops, uint32_t flags)
{
	if ((flags & VPSCI_CFG_STAT) && !ops->now_us)
		return false;
	return ops->cpu_on && ops->cpu_stop;
}

/* Every vCPU off but the boot vCPU, no system event. */
void vm_reset_state(struct vpsci_vm *vm)
{
	uint32_t i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vpsci_vcpu *v = &vm->vcpus[i];

		v->power_state = 0;
		memset(&v->resume, 0, sizeof(v->resume));
		atomic_store(&v->state, i == vm->boot_vcpu ? PS_ON : PS_OFF);
	}
	memset(&vm->event, 0, sizeof(vm->event));
	atomic_store(&vm->sys, SYS_RUNNING);
	pd_reset(vm);
	aff_recount(vm);
}

/*
 * Allocate and initialise an engine from a checked configuration: one block
 * for the VM and its vCPUs, one for the MPIDR index, one for the power-domain
 * nodes, two for the affinity nodes and their counters and, with
 * VPSCI_CFG_STAT, one for the STAT counters. The only
 * allocations the library ever makes.
 */
int vm_alloc(const struct vpsci_config *cfg, const struct vpsci_ops *ops, void *opaque,
	     struct vpsci_vm **out)
{
	struct vpsci_ops ops_copy;
	struct vpsci_vm *vm;
	uint32_t i;
	int ret;

	ret = check_config(cfg);
	if (ret)
		return ret;
	if (!ops || abi_copy_in(&ops_copy, sizeof(ops_copy), ops, OPS_SIZE_FIRST))
		return VPSCI_E_INVAL;
	if (!ops_valid(&ops_copy, cfg->flags))
		return VPSCI_E_INVAL;

	vm = calloc(1, sizeof(*vm) + cfg->nr_vcpus * sizeof(vm->vcpus[0]));
	if (!vm)
		return VPSCI_E_NOMEM;
	vm->by_mpidr = calloc(cfg->nr_vcpus, sizeof(vm->by_mpidr[0]));
	if (!vm->by_mpidr) {
		free(vm);
		return VPSCI_E_NOMEM;
	}

	vm->ops_copy = ops_copy;
	vm->ops = &vm->ops_copy;
	vm->opaque = opaque;
	vm->version = cfg->version;
	vm->conduit = cfg->conduit;
	vm->flags = cfg->flags;
	vm->nr_vcpus = cfg->nr_vcpus;
	vm->boot_vcpu = cfg->boot_vcpu;
	vm->nr_mem = cfg->nr_mem;
	memcpy(vm->mem, cfg->mem, cfg->nr_mem * sizeof(cfg->mem[0]));
	vm->nr_reset2 = cfg->nr_reset2_vendor_types;
	if (vm->nr_reset2)
		memcpy(vm->reset2_types, cfg->reset2_vendor_types,
		       vm->nr_reset2 * sizeof(vm->reset2_types[0]));

	for (i = 0; i < cfg->nr_vcpus; i++) {
		/* KVM's default: 16 CPUs per Aff1 cluster (GICv3 target lists). */
		vm->vcpus[i].mpidr = cfg->mpidrs ? cfg->mpidrs[i] :
				     VPSCI_MPIDR_AFFINITY(0, 0, i / 16, i % 16);
	}
	vm->pd_levels = cfg->pd_levels;
	memcpy(vm->pd_states, cfg->pd_states, sizeof(vm->pd_states));
	topology_init(vm);
	for (i = 1; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[vm->by_mpidr[i]].mpidr == vm->vcpus[vm->by_mpidr[i - 1]].mpidr) {
			vpsci_destroy(vm);
			return VPSCI_E_INVAL;
		}
	}
	ret = pd_init(vm);
	if (!ret)
		ret = aff_init(vm);
	if (ret) {
		vpsci_destroy(vm);
		return ret;
	}

	caps_init(vm);
	vm_reset_state(vm);
	*out = vm;
	return 0;
}

VPSCI_EXPORT int vpsci_create(const struct vpsci_config *cfg, const struct vpsci_ops *ops,
			      void *opaque, struct vpsci_vm **out)
{
	struct vpsci_config c;

	if (!cfg || !out || abi_copy_in(&c, sizeof(c), cfg, CONFIG_SIZE_FIRST))
		return VPSCI_E_INVAL;
	return vm_alloc(&c, ops, opaque, out);
}

VPSCI_EXPORT void vpsci_destroy(struct vpsci_vm *vm)
{
	if (!vm)
		return;
	aff_free(vm);
	free(vm->stats);
	free(vm->nodes);
	free(vm->by_mpidr);
	free(vm);
}

/* A quiescent VM has no transient claim anywhere. */
bool vm_quiescent(const struct vpsci_vm *vm)
{
	uint32_t i;

	if (atomic_load(&vm->sys) == SYS_CLAIMED)
		return false;
	for (i = 0; i < vm->nr_vcpus; i++)
		if (pstate_transient(atomic_load(&vm->vcpus[i].state)))
			return false;
	return true;
}

VPSCI_EXPORT int vpsci_reset(struct vpsci_vm *vm)
{
	if (!vm)
		return VPSCI_E_INVAL;
	if (!vm_quiescent(vm))
		return VPSCI_E_BUSY;
	vm_reset_state(vm);
	return 0;
}

VPSCI_EXPORT int vpsci_vcpu_state(const struct vpsci_vm *vm, uint32_t vcpu)
{
	if (!vm || vcpu >= vm->nr_vcpus)
		return VPSCI_E_RANGE;
	switch (atomic_load(&vm->vcpus[vcpu].state)) {
	case PS_OFF:
		return VPSCI_VCPU_OFF;
	case PS_ON:
		return VPSCI_VCPU_ON;
	case PS_SUSPENDED:
		return VPSCI_VCPU_SUSPENDED;
	case PS_SYS_SUSPENDED:
		return VPSCI_VCPU_SYSTEM_SUSPENDED;
	default:
		return VPSCI_VCPU_TRANSITION;
	}
}

VPSCI_EXPORT uint32_t vpsci_version(const struct vpsci_vm *vm)
{
	return vm->version;
}

VPSCI_EXPORT uint32_t vpsci_nr_vcpus(const struct vpsci_vm *vm)
{
	return vm->nr_vcpus;
}

VPSCI_EXPORT enum vpsci_conduit vpsci_conduit(const struct vpsci_vm *vm)
{
	return vm->conduit;
}

VPSCI_EXPORT uint32_t vpsci_flags(const struct vpsci_vm *vm)
{
	return vm->flags;
}

VPSCI_EXPORT uint64_t vpsci_vcpu_mpidr(const struct vpsci_vm *vm, uint32_t vcpu)
{
	return vcpu < vm->nr_vcpus ? vm->vcpus[vcpu].mpidr : 0;
}

VPSCI_EXPORT int vpsci_vcpu_by_mpidr(const struct vpsci_vm *vm, uint64_t mpidr)
{
	if (mpidr & ~VPSCI_MPIDR_AFF_MASK)
		return VPSCI_E_RANGE;
	return topology_find(vm, mpidr);
}
