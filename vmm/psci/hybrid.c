// SPDX-License-Identifier: BSD-2-Clause
/*
 * Hybrid mode's policy around the engine. KVM answers the CPU calls there,
 * so the engine never sees a CPU go on or off: what depends on per-CPU power
 * states is either refused (NOT_SUPPORTED, and PSCI_FEATURES says so) or,
 * for SYSTEM_SUSPEND, asked of KVM first (hold.c).
 */
#include <string.h>

#include "internal.h"

/*
 * Functions neither side can answer truthfully, because they depend on
 * per-CPU power states that only KVM knows here. SYSTEM_SUSPEND is the
 * exception when offered: its one such question, "is every other CPU off",
 * is asked of KVM first (hybrid_others_off()).
 */
static bool unavailable(const struct vmm *vm, uint32_t fn)
{
	switch (fn) {
	case VPSCI_FN_SYSTEM_SUSPEND:
		return !vm->system_suspend;
	case VPSCI_FN_CPU_FREEZE:
	case VPSCI_FN_CPU_DEFAULT_SUSPEND:
	case VPSCI_FN_NODE_HW_STATE:
	case VPSCI_FN_PSCI_SET_SUSPEND_MODE:
	case VPSCI_FN_PSCI_STAT_RESIDENCY:
	case VPSCI_FN_PSCI_STAT_COUNT:
		return true;
	default:
		return false;
	}
}

/* An answer made here, without the engine: x0 = ret, x1..x3 = 0, no exit. */
static void answer(struct vpsci_result *res, int32_t ret, enum vpsci_exit exit)
{
	uint32_t size = res->size;

	memset(res, 0, sizeof(*res));
	res->size = size;
	res->x[0] = (uint64_t)(int64_t)ret;
	res->exit = exit;
}

/* Before the engine. Returns true when *res holds the answer (NOT_SUPPORTED). */
bool hybrid_refuse(const struct vmm *vm, const struct vpsci_call *call, struct vpsci_result *res)
{
	uint32_t fid = (uint32_t)call->x[0];

	if (!psci_in_range(fid) || !unavailable(vm, psci_fn(fid)))
		return false;
	answer(res, VPSCI_RET_NOT_SUPPORTED, VPSCI_EXIT_CONTINUE);
	return true;
}

/* After the engine: PSCI_FEATURES says what hybrid_refuse() refuses. */
void hybrid_adjust(const struct vmm *vm, const struct vpsci_call *call, struct vpsci_result *res)
{
	uint32_t fid = (uint32_t)call->x[0];
	uint32_t q = (uint32_t)call->x[1];

	if (psci_fn(fid) != VPSCI_FN_PSCI_FEATURES || res->exit != VPSCI_EXIT_CONTINUE ||
	    !psci_in_range(q))
		return;
	if (unavailable(vm, psci_fn(q)))
		res->x[0] = (uint64_t)(int64_t)VPSCI_RET_NOT_SUPPORTED;
	else if (psci_fn(q) == VPSCI_FN_CPU_SUSPEND && (int64_t)res->x[0] >= 0)
		res->x[0] &= ~(uint64_t)VPSCI_FEAT_SUSPEND_OSI;	/* KVM has no OS-initiated mode */
}

/*
 * Before the engine sees a SYSTEM_SUSPEND: the engine never sees
 * CPU_ON/CPU_OFF here, so KVM is asked whether every other vCPU is off
 * (DEN0022 5.19: else DENIED). Returns true to go on to the engine; false
 * with *res set (DENIED), or with res->exit = SYSTEM_EVENT when the VM is
 * going down.
 */
bool hybrid_others_off(struct vcpu *v, struct vpsci_result *res)
{
	int r = vcpu_others_off(v);

	if (r > 0)
		return true;
	answer(res, VPSCI_RET_DENIED, r < 0 ? VPSCI_EXIT_SYSTEM_EVENT : VPSCI_EXIT_CONTINUE);
	return false;
}
