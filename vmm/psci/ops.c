// SPDX-License-Identifier: BSD-2-Clause
/*
 * The ops table (include/vpsci/vpsci.h): what only the host can do for the
 * engine. Every hook runs in the thread of the vCPU whose vpsci_call() is
 * being answered.
 */
#include <inttypes.h>
#include <stdio.h>

#include "events.h"
#include "internal.h"

/* CPU_ON: the target's thread starts itself (vcpu.c, the thread rule). */
static int op_cpu_on(void *opaque, uint32_t idx, const struct vpsci_entry *entry)
{
	struct vmm *vm = opaque;

	return vcpu_request_on(&vm->vcpus[idx], entry);
}

/* A system event stops every other vCPU first; the caller stops by returning. */
static void op_cpu_stop(void *opaque, uint32_t idx)
{
	struct vmm *vm = opaque;
	struct vcpu *self = vcpu_current();

	if (&vm->vcpus[idx] != self)
		vcpu_stop(&vm->vcpus[idx], self);
}

static const char *event_name(enum vpsci_event_type t)
{
	switch (t) {
	case VPSCI_EVENT_OFF:
		return "SYSTEM_OFF";
	case VPSCI_EVENT_HIBERNATE_OFF:
		return "SYSTEM_OFF2";
	case VPSCI_EVENT_RESET:
		return "SYSTEM_RESET";
	case VPSCI_EVENT_RESET2:
		return "SYSTEM_RESET2";
	case VPSCI_EVENT_SUSPEND:
		return "SYSTEM_SUSPEND";
	}
	return "?";
}

/*
 * Log a system event when it happens (before the call's own line). The
 * caller's thread acts on it from res->event (call.c); only wake-ups from
 * now on count for a SYSTEM_SUSPEND.
 */
static void op_system_event(void *opaque, const struct vpsci_system_event *ev)
{
	struct vmm *vm = opaque;
	char extra[160] = "";

	switch (ev->type) {
	case VPSCI_EVENT_RESET2:
		snprintf(extra, sizeof(extra), ",\"type\":\"0x%" PRIx32 "\",\"cookie\":\"0x%" PRIx64
			 "\"", ev->reset_type, ev->cookie);
		break;
	case VPSCI_EVENT_HIBERNATE_OFF:
		snprintf(extra, sizeof(extra), ",\"type\":\"0x%" PRIx32 "\"", ev->reset_type);
		break;
	case VPSCI_EVENT_SUSPEND:
		snprintf(extra, sizeof(extra), ",\"entry\":\"0x%" PRIx64 "\",\"context\":\"0x%"
			 PRIx64 "\"", ev->entry.pc, ev->entry.context_id);
		break;
	default:
		break;
	}
	events_system(event_name(ev->type), ev->caller, "user", extra);
	vm_wake_clear(vm);
}

const struct vpsci_ops psci_ops = {
	.size = sizeof(psci_ops),
	.cpu_on = op_cpu_on,
	.cpu_stop = op_cpu_stop,
	.system_event = op_system_event,
	.now_us = susp_now_us,
};
