// SPDX-License-Identifier: BSD-2-Clause
/*
 * The forwarded-call path (user and hybrid mode): a KVM_EXIT_HYPERCALL is
 * decoded once at the edge (convention, conduit, caller width and
 * endianness), answered by the engine (with hybrid mode's policy around
 * it), logged, and its result written back to x0..x3 -- or acted on: the
 * caller parks (CPU_OFF), sleeps (CPU_SUSPEND, SYSTEM_SUSPEND) or ends the
 * run (the other system events).
 */
#include <inttypes.h>
#include <string.h>

#include <asm/ptrace.h>

#include "events.h"
#include "internal.h"
#include "kvm_compat.h"
#include "log.h"
#include "util/names.h"

static const char *exit_name(enum vpsci_exit e)
{
	switch (e) {
	case VPSCI_EXIT_CONTINUE:
		return NULL;
	case VPSCI_EXIT_OFF:
		return "off";
	case VPSCI_EXIT_SUSPEND:
		return "suspend";
	case VPSCI_EXIT_SYSTEM_EVENT:
		return "system_event";
	}
	return NULL;
}

/*
 * x1..x3 from the vCPU; SMC or HVC; AArch32 from PSTATE; the caller's data
 * endianness (SCTLR_EL1.EE) for the calls that take an entry point.
 * Returns 0 or -1 on a host error.
 */
static int read_call(struct vcpu *v, struct vpsci_call *call)
{
	uint32_t fid = (uint32_t)v->run->hypercall.nr;
	uint32_t fn = psci_fn(fid);
	uint64_t pstate, sctlr;

	call->x[0] = fid;
	for (int i = 1; i < 4; i++)
		if (vcpu_get_reg(v, VMM_REG_X(i), &call->x[i]) < 0)
			return -1;
	if (vcpu_get_reg(v, VMM_REG_PSTATE, &pstate) < 0)
		return -1;
	call->conduit = (v->run->hypercall.flags & KVM_HYPERCALL_EXIT_SMC) ? VPSCI_CONDUIT_SMC :
									      VPSCI_CONDUIT_HVC;
	call->aarch32 = (pstate & PSR_MODE32_BIT) != 0;
	if (!call->aarch32 && psci_in_range(fid) &&
	    (fn == VPSCI_FN_CPU_ON || fn == VPSCI_FN_CPU_SUSPEND || fn == VPSCI_FN_SYSTEM_SUSPEND)) {
		if (vcpu_get_reg(v, VMM_REG_SCTLR_EL1, &sctlr) < 0)
			return -1;
		call->big_endian = (sctlr >> 25) & 1;	/* SCTLR_EL1.EE */
	}
	return 0;
}

/*
 * The engine's answer, with hybrid mode's policy around it. Returns 0, 1
 * when the VM is going down (no answer to write), or a VPSCI_E_* error.
 */
static int answer(struct vcpu *v, const struct vpsci_call *call, struct vpsci_result *res)
{
	struct vmm *vm = v->vm;
	uint32_t fid = (uint32_t)call->x[0];
	int r;

	if (vm->mode != VMM_PSCI_HYBRID)
		return vpsci_call(vm->psci, v->idx, call, res);
	if (hybrid_refuse(vm, call, res))
		return 0;
	if (psci_in_range(fid) && psci_fn(fid) == VPSCI_FN_SYSTEM_SUSPEND &&
	    !hybrid_others_off(v, res))
		return res->exit == VPSCI_EXIT_SYSTEM_EVENT ? 1 : 0;
	r = vpsci_call(vm->psci, v->idx, call, res);
	if (r == 0)
		hybrid_adjust(vm, call, res);
	return r;
}

/* The events line of the call and, with -v, the log line (every call with -vv). */
static void log_call(const struct vcpu *v, const struct vpsci_call *call,
		     const struct vpsci_result *res)
{
	uint32_t fid = (uint32_t)call->x[0];
	const char *name = vpsci_fn_name(fid);

	events_call(v->idx, fid, &call->x[1], res->x[0], vmm_conduit_name(call->conduit), "user",
		    exit_name(res->exit));
	if (vmm_verbose > 1 || (vmm_verbose && res->exit != VPSCI_EXIT_CONTINUE))
		vmm_debug("vcpu%" PRIu32 ": %s(0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64
			  ") = %d%s%s", v->idx, name ? name : "?", call->x[1], call->x[2],
			  call->x[3], (int32_t)res->x[0], res->exit ? " -> " : "",
			  res->exit ? exit_name(res->exit) : "");
}

void psci_log_reset(const struct vmm *vm, const struct vpsci_system_event *ev)
{
	const char *then = vm->opts->no_reboot ? "" : ": rebooting in place";

	if (ev->type == VPSCI_EVENT_RESET2)
		vmm_log("SYSTEM_RESET2 (type 0x%" PRIx32 ", cookie 0x%" PRIx64 ") from vcpu%" PRIu32
			"%s", ev->reset_type, ev->cookie, ev->caller, then);
	else
		vmm_log("SYSTEM_RESET from vcpu%" PRIu32 "%s", ev->caller, then);
}

/*
 * The engine reported a system event (res->event): every other vCPU is
 * stopped already. Returns 0 (*done unless the caller resumed from
 * SYSTEM_SUSPEND), -1 on a host error.
 */
static int system_event(struct vcpu *v, const struct vpsci_system_event *ev, bool *done)
{
	struct vmm *vm = v->vm;
	int r;

	switch (ev->type) {
	case VPSCI_EVENT_OFF:
		vm_finish(vm, VMM_OUT_OFF);
		break;
	case VPSCI_EVENT_HIBERNATE_OFF:
		vm_finish(vm, VMM_OUT_HIBERNATE);
		break;
	case VPSCI_EVENT_RESET:
	case VPSCI_EVENT_RESET2:
		psci_log_reset(vm, ev);
		vm_finish(vm, VMM_OUT_RESET);
		break;
	case VPSCI_EVENT_SUSPEND:
		r = susp_system_suspend(v, ev, "user");
		if (r < 0)
			return -1;
		if (r > 0)
			return 0;
		break;
	default:
		vmm_log("vcpu%" PRIu32 ": unknown system event %d", v->idx, (int)ev->type);
		vm_finish(vm, VMM_OUT_CRASH);
		break;
	}
	*done = true;
	return 0;
}

/*
 * KVM_EXIT_HYPERCALL: the PC is already past the HVC/SMC. *park: the caller
 * is off; *done: the VM run is over. Returns 0, or -1 on a host error.
 */
int psci_handle_hypercall(struct vcpu *v, bool *park, bool *done)
{
	struct vpsci_call call = { .size = sizeof(call) };
	struct vpsci_result res = { .size = sizeof(res) };
	int r;

	if (read_call(v, &call) < 0)
		return -1;
	r = answer(v, &call, &res);
	if (r > 0) {
		*done = true;	/* the VM is going down */
		return 0;
	}
	if (r < 0) {
		vmm_log("vcpu%" PRIu32 ": vpsci_call(0x%08" PRIx32 "): %s", v->idx,
			(uint32_t)call.x[0], vpsci_strerror(r));
		return -1;
	}
	log_call(v, &call, &res);
	switch (res.exit) {
	case VPSCI_EXIT_CONTINUE:
		return psci_write_result(v, res.x);
	case VPSCI_EXIT_OFF:
		*park = true;
		return 0;
	case VPSCI_EXIT_SUSPEND:
		return susp_cpu_suspend(v, &res);
	case VPSCI_EXIT_SYSTEM_EVENT:
		return system_event(v, &res.event, done);
	}
	return psci_write_result(v, res.x);
}
