// SPDX-License-Identifier: BSD-2-Clause
/*
 * Sleeping and waking: CPU_SUSPEND (DEN0022 5.4) in KVM's in-kernel
 * suspended state, SYSTEM_SUSPEND (5.19) until a wake-up source fires, and
 * the restart at the entry point after a power-down. With a power-domain
 * hierarchy each CPU_SUSPEND's wake-up is logged with its state, level and
 * residency (CPU_WAKE), so a test can tell the states Linux picked.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "events.h"
#include "internal.h"
#include "log.h"

/* ops->now_us: PSCI_STAT_RESIDENCY's clock (CLOCK_MONOTONIC, microseconds). */
uint64_t susp_now_us(void *opaque)
{
	struct timespec t;

	(void)opaque;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

static int set_mp_state(struct vcpu *v, uint32_t state)
{
	struct kvm_mp_state mp = { .mp_state = state };

	return ioctl(v->fd, KVM_SET_MP_STATE, &mp);
}

/* CPU_SUSPEND accepted: sleep in KVM's in-kernel suspended state (a WFI). */
int susp_cpu_suspend(struct vcpu *v, const struct vpsci_result *res)
{
	v->susp = *res;
	v->susp_t0_us = susp_now_us(NULL);
	if (set_mp_state(v, KVM_MP_STATE_SUSPENDED) == 0) {
		v->suspended = true;
		return 0;
	}
	/* No in-kernel suspend (pre-5.19): DEN0022 5.3 allows returning as standby. */
	vpsci_vcpu_wake(v->vm->psci, v->idx);
	return psci_write_result(v, res->x);
}

/*
 * With a hierarchy, log which state the vCPU woke from, the deepest level
 * that state powers down or retains (the highest non-RUN local state of the
 * composite StateID), and how long it stayed.
 */
static void wake_event(const struct vcpu *v)
{
	unsigned int levels = v->vm->opts->pm.pd_levels, level = 0;
	uint32_t ps = v->susp.power_state;
	char extra[160];

	if (!levels)
		return;
	for (unsigned int l = 0; l < levels; l++)
		if (VPSCI_STATEID_LOCAL(ps, l) != VPSCI_LOCAL_RUN)
			level = l;
	snprintf(extra, sizeof(extra), ",\"power_state\":\"0x%08" PRIx32 "\",\"level\":%u,"
		 "\"powerdown\":%s,\"residency_us\":%" PRIu64, ps, level,
		 v->susp.powerdown ? "true" : "false", susp_now_us(NULL) - v->susp_t0_us);
	events_system("CPU_WAKE", v->idx, "user", extra);
}

/* The vCPU woke from CPU_SUSPEND: resume (standby) or restart at its entry (power-down). */
int susp_cpu_wake(struct vcpu *v)
{
	v->suspended = false;
	if (set_mp_state(v, KVM_MP_STATE_RUNNABLE) < 0) {
		vmm_log("vcpu%" PRIu32 ": KVM_SET_MP_STATE(RUNNABLE): %s", v->idx, strerror(errno));
		return -1;
	}
	vpsci_vcpu_wake(v->vm->psci, v->idx);
	wake_event(v);
	if (v->susp.powerdown)
		return vcpu_enter_at(v, &v->susp.entry, VCPU_ENTRY_WARM);
	return psci_write_result(v, v->susp.x);
}

/*
 * Hosts without KVM's in-kernel suspended state (before Linux 5.19): the
 * caller sleeps in userspace, so only the host-side sources (UART input,
 * SIGUSR1) can wake it. Returns 1 woken, 0 when the VM is ending.
 */
static int suspend_in_user(struct vcpu *v, const char **reason)
{
	struct vmm *vm = v->vm;
	bool woke;

	pthread_mutex_lock(&vm->lock);
	while (!vm->wake && vm->outcome == VMM_OUT_NONE && !atomic_load(&v->stop))
		pthread_cond_wait(&vm->cond, &vm->lock);
	woke = vm->wake && vm->outcome == VMM_OUT_NONE && !atomic_load(&v->stop);
	*reason = vm->wake_reason;
	pthread_mutex_unlock(&vm->lock);
	return woke;
}

/* One KVM_RUN of a suspended caller. Returns 1 woken by an interrupt, 0 go on, -1 error. */
static int run_suspended(struct vcpu *v, const char **reason)
{
	if (ioctl(v->fd, KVM_RUN, 0) < 0) {
		if (errno != EINTR && errno != EAGAIN) {
			vmm_log("vcpu%" PRIu32 ": KVM_RUN (SYSTEM_SUSPEND): %s", v->idx,
				strerror(errno));
			return -1;
		}
		__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
		vcpu_hold_point(v);	/* answers "suspended", never "off" */
		return 0;
	}
	if (v->run->exit_reason == KVM_EXIT_INTR)
		return 0;
	if (v->run->exit_reason == KVM_EXIT_SYSTEM_EVENT &&
	    v->run->system_event.type == KVM_SYSTEM_EVENT_WAKEUP) {
		*reason = vm_irq_source(v->vm);
		return 1;
	}
	vmm_log("vcpu%" PRIu32 ": unexpected KVM exit %u while in SYSTEM_SUSPEND", v->idx,
		v->run->exit_reason);
	return -1;
}

/*
 * The caller sleeps in KVM_RUN in the in-kernel suspended state (a WFI that
 * ignores PSTATE.I): KVM exits with a WAKEUP system event as soon as an
 * interrupt is pending for it at the vGIC, which is what wakes a real
 * system (an RTC alarm, the UART, a timer the guest left armed). The
 * host-side sources set vm->wake and kick the thread out of KVM_RUN
 * (vm_wake()). Returns 1 woken, 0 when the VM is ending, -1 on a host error.
 */
static int suspend_in_kvm(struct vcpu *v, const char **reason)
{
	struct vmm *vm = v->vm;
	bool woke, ending;
	int r;

	for (;;) {
		pthread_mutex_lock(&vm->lock);
		ending = vm->outcome != VMM_OUT_NONE || atomic_load(&v->stop);
		woke = vm->wake;
		*reason = vm->wake_reason;
		pthread_mutex_unlock(&vm->lock);
		if (ending)
			return 0;
		if (woke)
			break;
		r = run_suspended(v, reason);
		if (r < 0)
			return -1;
		if (r > 0)
			break;
	}
	if (set_mp_state(v, KVM_MP_STATE_RUNNABLE) < 0) {
		vmm_log("vcpu%" PRIu32 ": KVM_SET_MP_STATE(RUNNABLE): %s", v->idx, strerror(errno));
		return -1;
	}
	return 1;
}

/*
 * SYSTEM_SUSPEND (DEN0022 5.19), accepted: every other vCPU is off and RAM
 * is kept. The caller sleeps until a wake-up event, then restarts at its
 * entry point with x0 = context id from a clean state, like a power-down
 * CPU_SUSPEND. The events log gets SYSTEM_WAKE with the reason and the time
 * spent suspended. Returns 1 when resumed, 0 when the VM is ending, -1 on a
 * host error.
 */
int susp_system_suspend(struct vcpu *v, const struct vpsci_system_event *ev, const char *handled)
{
	struct vmm *vm = v->vm;
	const char *reason = NULL;
	double t0 = vmm_now();
	char extra[96];
	int r;

	vm_set_suspended(vm, v);
	if (set_mp_state(v, KVM_MP_STATE_SUSPENDED) == 0) {
		vmm_debug("vcpu%" PRIu32 ": SYSTEM_SUSPEND: asleep until an interrupt, input or "
			  "SIGUSR1", v->idx);
		r = suspend_in_kvm(v, &reason);
	} else {
		vmm_debug("vcpu%" PRIu32 ": SYSTEM_SUSPEND: no in-kernel suspended state (%s): "
			  "asleep until input or SIGUSR1", v->idx, strerror(errno));
		r = suspend_in_user(v, &reason);
	}
	vm_set_suspended(vm, NULL);
	if (r <= 0)
		return r;
	if (vm->mode != VMM_PSCI_KERNEL)
		vpsci_system_wake(vm->psci);
	snprintf(extra, sizeof(extra), ",\"reason\":\"%s\",\"suspended_s\":%.6f",
		 reason ? reason : "?", vmm_now() - t0);
	events_system("SYSTEM_WAKE", v->idx, handled, extra);
	vmm_debug("vcpu%" PRIu32 ": SYSTEM_SUSPEND: woken (%s) after %.3f s", v->idx,
		  reason ? reason : "?", vmm_now() - t0);
	if (vcpu_enter_at(v, &ev->entry, VCPU_ENTRY_RESET) < 0)
		return -1;
	return 1;
}
