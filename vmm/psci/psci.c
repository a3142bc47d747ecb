// SPDX-License-Identifier: BSD-2-Clause
/*
 * PSCI ownership: who answers which call, and the glue between KVM and
 * libvpsci.
 *
 *   user    the SMCCC filter forwards the whole PSCI range (SMC32 and SMC64)
 *           to userspace, where libvpsci answers; the 0.1 IDs are denied
 *           unless version 0.1 is asked for.
 *   hybrid  the hot CPU calls (CPU_SUSPEND, CPU_OFF, CPU_ON, AFFINITY_INFO,
 *           MIGRATE*) stay in KVM; VERSION, FEATURES, SYSTEM_* and the rest
 *           of the range go to libvpsci; KVM's version is pinned to match.
 *   kernel  KVM's in-kernel PSCI; only its system events reach us.
 *
 * In every mode an engine is created from the same configuration, so the
 * device tree (written by libvpsci-fdt) matches what the guest gets.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <asm/ptrace.h>

#include "kvm_compat.h"
#include "vmm.h"

/* The calling vCPU of the current thread, for ops->cpu_stop. */
static _Thread_local struct vcpu *current_vcpu;

const char *psci_mode_name(enum vmm_psci_mode m)
{
	switch (m) {
	case VMM_PSCI_USER:
		return "user";
	case VMM_PSCI_HYBRID:
		return "hybrid";
	case VMM_PSCI_KERNEL:
		return "kernel";
	}
	return "?";
}

static void version_str(uint32_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu32 ".%" PRIu32, VPSCI_VERSION_MAJOR(v), VPSCI_VERSION_MINOR(v));
}

/* ---- ops: what only the host can do (include/vpsci/vpsci.h) --------- */

/*
 * Hand the CPU_ON request to the target's thread. The engine holds the
 * target claimed, so this only records the entry and signals; the target
 * may not have parked yet after its CPU_OFF, and finds the request when it
 * does (psci_wait_park checks before waiting).
 */
static int op_cpu_on(void *opaque, uint32_t idx, const struct vpsci_entry *entry)
{
	struct vmm *vm = opaque;
	struct vcpu *v = &vm->vcpus[idx];
	int ret = 0;

	pthread_mutex_lock(&v->lock);
	/* A snapshot keeps the request: the target restarts from it after --restore. */
	if ((v->stopped || atomic_load(&v->stop)) && !atomic_load(&vm->pausing)) {
		ret = -1;
	} else {
		v->on_entry = *entry;
		v->on_pending = true;
		pthread_cond_broadcast(&v->cond);
	}
	pthread_mutex_unlock(&v->lock);
	return ret;
}

static void op_cpu_stop(void *opaque, uint32_t idx)
{
	struct vmm *vm = opaque;

	if (&vm->vcpus[idx] != current_vcpu)
		vcpu_stop(&vm->vcpus[idx], current_vcpu);
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

/* Record and log a system event; the caller's thread acts on it. */
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
	pthread_mutex_lock(&vm->lock);
	vm->last_event = *ev;
	vm->have_event = true;
	vm->wake = false;
	pthread_mutex_unlock(&vm->lock);
}

static const struct vpsci_ops vmm_psci_ops = {
	.size = sizeof(vmm_psci_ops),
	.cpu_on = op_cpu_on,
	.cpu_stop = op_cpu_stop,
	.system_event = op_system_event,
	.now_us = pm_now_us,
};

/* ---- set-up ----------------------------------------------------------- */

/*
 * Before any vCPU exists: does the host have the SMCCC filter (Linux 6.4+),
 * and which mode do we run in. Returns 0 or a VMM_EXIT_* status.
 */
int psci_resolve(struct vmm *vm)
{
	const struct vmm_opts *o = vm->opts;
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
	};

	/* KVM_CAP_VM_ATTRIBUTES reads 0 even where this works (psci-facts.md 6). */
	vm->have_filter = ioctl(vm->vm_fd, KVM_HAS_DEVICE_ATTR, &attr) == 0;
	vm->mode = o->mode_set ? o->mode : (vm->have_filter ? VMM_PSCI_USER : VMM_PSCI_KERNEL);
	if (vm->mode != VMM_PSCI_KERNEL && !vm->have_filter) {
		vmm_log("--psci=%s needs KVM's SMCCC filter (KVM_ARM_VM_SMCCC_FILTER, Linux 6.4 or "
			"later), which this host kernel lacks: use --psci=kernel",
			psci_mode_name(vm->mode));
		return VMM_EXIT_HOST;
	}
	if (vm->boot_nr == 0 && !o->mode_set)
		vmm_debug("PSCI mode: %s (SMCCC filter %s)", psci_mode_name(vm->mode),
			  vm->have_filter ? "present" : "absent");
	return 0;
}

/* Whether KVM's in-kernel PSCI must be 0.1 (no KVM_ARM_VCPU_PSCI_0_2 feature). */
static bool kvm_psci_0_1(const struct vmm *vm)
{
	return vm->mode != VMM_PSCI_USER && vm->opts->psci_version == VPSCI_VERSION_0_1;
}

int psci_vcpu_init_features(const struct vmm *vm, uint32_t idx, uint32_t *features)
{
	uint32_t f = 0;

	if (!kvm_psci_0_1(vm))
		f |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (idx != 0)
		f |= 1u << KVM_ARM_VCPU_POWER_OFF;
	*features = f;
	return 0;
}

static int set_filter(struct vmm *vm, uint32_t base, uint32_t nr, uint8_t action)
{
	struct kvm_smccc_filter f = { .base = base, .nr_functions = nr, .action = action };
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
		.addr = (uintptr_t)&f,
	};

	if (ioctl(vm->vm_fd, KVM_SET_DEVICE_ATTR, &attr) < 0) {
		vmm_log("KVM_SET_DEVICE_ATTR(SMCCC filter 0x%08" PRIx32 "+%" PRIu32
			", action %u): %s", base, nr, action, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Hybrid mode: functions neither side can answer truthfully, because they
 * depend on per-CPU power states that only KVM knows there (the engine never
 * sees the CPU calls). They are NOT_SUPPORTED, and PSCI_FEATURES says so.
 * SYSTEM_SUSPEND is the exception when offered: its one such question,
 * "is every other CPU off", is asked of KVM first (hold.c).
 */
static bool hybrid_unavailable(const struct vmm *vm, uint32_t fn)
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

static bool is_psci_range(uint32_t fid)
{
	return (fid & ~(VPSCI_SMCCC_SMC64 | 0x1fu)) == VPSCI_FN32(0);
}

/* Kernel and hybrid: read KVM's default version and pin the one we want. */
static int pin_kvm_version(struct vmm *vm)
{
	struct vcpu *v0 = &vm->vcpus[0];
	uint32_t want = vm->opts->psci_version;
	struct kvm_one_reg reg;
	uint64_t kvm_def, val;
	char a[16], b[16];

	if (kvm_psci_0_1(vm)) {
		vm->kvm_psci_version = VPSCI_VERSION_0_1;
		vm->psci_version = VPSCI_VERSION_0_1;
		return 0;
	}
	if (vcpu_get_reg(v0, VMM_REG_PSCI_VERSION, &kvm_def) < 0)
		return VMM_EXIT_HOST;
	if (vm->mode == VMM_PSCI_KERNEL) {
		vm->psci_version = want ? want : (uint32_t)kvm_def;
	} else {
		vm->psci_version = want ? want : VPSCI_VERSION_1_3;
		/* The hot calls behave alike from 0.2 on: KVM's newest not above ours. */
		want = vm->psci_version < kvm_def ? vm->psci_version : (uint32_t)kvm_def;
	}
	vm->kvm_psci_version = want ? want : (uint32_t)kvm_def;
	if (vm->kvm_psci_version == kvm_def)
		return 0;
	val = vm->kvm_psci_version;
	reg.id = VMM_REG_PSCI_VERSION;
	reg.addr = (uintptr_t)&val;
	if (ioctl(v0->fd, KVM_SET_ONE_REG, &reg) < 0) {
		version_str(vm->kvm_psci_version, a, sizeof(a));
		version_str((uint32_t)kvm_def, b, sizeof(b));
		vmm_log("--psci-version=%s: this host's in-kernel PSCI cannot offer it (it offers "
			"up to %s; KVM_SET_ONE_REG: %s); use --psci=user or another version", a,
			b, strerror(errno));
		return VMM_EXIT_HOST;
	}
	return 0;
}

/*
 * Whether SYSTEM_SUSPEND is offered: by default wherever the version has it
 * (1.0+); in kernel mode only if KVM can hand it over to us
 * (KVM_CAP_ARM_SYSTEM_SUSPEND, Linux 5.19), which an explicit
 * --system-suspend requires. Returns 0 or a VMM_EXIT_* status.
 */
static int setup_system_suspend(struct vmm *vm)
{
	const struct vmm_opts *o = vm->opts;
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_SYSTEM_SUSPEND };

	vm->system_suspend = o->system_suspend && vm->psci_version >= VPSCI_VERSION_1_0;
	if (!vm->system_suspend || vm->mode != VMM_PSCI_KERNEL)
		return 0;
	if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_SYSTEM_SUSPEND) > 0 &&
	    ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) == 0)
		return 0;
	vm->system_suspend = false;
	if (!o->system_suspend_set) {
		vmm_debug("SYSTEM_SUSPEND not offered: KVM_CAP_ARM_SYSTEM_SUSPEND unavailable");
		return 0;
	}
	vmm_log("--system-suspend with --psci=kernel needs KVM_CAP_ARM_SYSTEM_SUSPEND (Linux "
		"5.19 or later), which this host kernel does not offer: %s", strerror(errno));
	return VMM_EXIT_HOST;
}

/*
 * After the vCPUs exist, before any runs: pin KVM's version, create the
 * engine, program the SMCCC filter for the mode. Returns 0 or a VMM_EXIT_*.
 */
int psci_setup(struct vmm *vm)
{
	const struct vmm_opts *o = vm->opts;
	struct vpsci_config cfg = { .size = sizeof(cfg) };
	struct vpsci_mem_region ram = { VMM_RAM_BASE, vm->ram_size };
	uint64_t *mpidrs;
	char vs[16];
	int r;

	if (vm->mode == VMM_PSCI_USER) {
		vm->psci_version = o->psci_version ? o->psci_version : VPSCI_VERSION_1_3;
	} else {
		r = pin_kvm_version(vm);
		if (r)
			return r;
	}

	mpidrs = calloc(vm->nr_vcpus, sizeof(*mpidrs));
	if (!mpidrs) {
		vmm_log("out of memory");
		return VMM_EXIT_HOST;
	}
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		mpidrs[i] = vm->vcpus[i].mpidr;
	cfg.version = vm->psci_version;
	cfg.conduit = o->conduit;
	cfg.nr_vcpus = vm->nr_vcpus;
	cfg.mpidrs = mpidrs;
	cfg.boot_vcpu = 0;
	cfg.mem = &ram;
	cfg.nr_mem = 1;
	r = setup_system_suspend(vm);
	if (r) {
		free(mpidrs);
		return r;
	}
	if (vm->system_suspend && vm->mode != VMM_PSCI_KERNEL)
		cfg.flags |= VPSCI_CFG_SYSTEM_SUSPEND;
	if (o->resume) {
		/* --resume: the recorded engine (its version wins), reset for the new boot. */
		size_t len;
		const void *snap = machine_engine_snapshot(o->resume, &len);

		r = vpsci_create_from_snapshot(snap, len, &vmm_psci_ops, vm, &vm->psci);
		if (r == 0)
			r = vpsci_reset(vm->psci);
	} else {
		r = pm_config(vm, &cfg);
		if (r) {
			free(mpidrs);
			return r;
		}
		r = vpsci_create(&cfg, &vmm_psci_ops, vm, &vm->psci);
	}
	free(mpidrs);
	if (r < 0) {
		version_str(vm->psci_version, vs, sizeof(vs));
		vmm_log("vpsci_create (PSCI %s, %u vCPUs): %s", vs, vm->nr_vcpus,
			vpsci_strerror(r));
		return VMM_EXIT_USAGE;
	}
	r = machine_check_engine(vm);
	if (r)
		return r;

	switch (vm->mode) {
	case VMM_PSCI_USER:
		if (set_filter(vm, VPSCI_FN32(0), VPSCI_FN_COUNT, KVM_SMCCC_FILTER_FWD_TO_USER) ||
		    set_filter(vm, VPSCI_FN64(0), VPSCI_FN_COUNT, KVM_SMCCC_FILTER_FWD_TO_USER) ||
		    set_filter(vm, VPSCI_0_1_FN_BASE, 4,
			       vm->psci_version == VPSCI_VERSION_0_1 ?
			       KVM_SMCCC_FILTER_FWD_TO_USER : KVM_SMCCC_FILTER_DENY))
			return VMM_EXIT_HOST;
		break;
	case VMM_PSCI_HYBRID:
		if (vm->psci_version == VPSCI_VERSION_0_1)
			break;	/* 0.1 has only the CPU calls: all of it is KVM's */
		for (uint32_t base = 0; base < 2; base++) {
			uint32_t b = base ? VPSCI_FN64(0) : VPSCI_FN32(0);

			if (set_filter(vm, b + VPSCI_FN_PSCI_VERSION, 1,
				       KVM_SMCCC_FILTER_FWD_TO_USER) ||
			    set_filter(vm, b + VPSCI_FN_SYSTEM_OFF,
				       VPSCI_FN_COUNT - VPSCI_FN_SYSTEM_OFF,
				       KVM_SMCCC_FILTER_FWD_TO_USER))
				return VMM_EXIT_HOST;
		}
		break;
	case VMM_PSCI_KERNEL:
		break;
	}
	if (vm->boot_nr == 0 && vmm_verbose) {
		version_str(vm->psci_version, vs, sizeof(vs));
		vmm_debug("PSCI %s, mode %s, conduit %s, %u vCPUs", vs, psci_mode_name(vm->mode),
			  o->conduit == VPSCI_CONDUIT_SMC ? "smc" : "hvc", vm->nr_vcpus);
	}
	return 0;
}

/* ---- run time --------------------------------------------------------- */

/*
 * A powered-off vCPU waits here, in userspace, for ops->cpu_on(); then it
 * starts itself at the entry point (its own thread: the thread rule).
 * Returns 0 when started, -1 when the VM is being torn down.
 */
int psci_wait_park(struct vcpu *v)
{
	struct vpsci_entry e;

	pthread_mutex_lock(&v->lock);
	while (!v->on_pending && !atomic_load(&v->stop))
		pthread_cond_wait(&v->cond, &v->lock);
	if (atomic_load(&v->stop)) {
		pthread_mutex_unlock(&v->lock);
		return -1;
	}
	e = v->on_entry;
	v->on_pending = false;
	pthread_mutex_unlock(&v->lock);
	if (vcpu_enter_at(v, &e) < 0) {
		vm_finish(v->vm, VMM_OUT_HOST_ERROR);
		return -1;
	}
	vmm_debug("vcpu%" PRIu32 ": on at 0x%" PRIx64 ", context 0x%" PRIx64, v->idx, e.pc,
		  e.context_id);
	return 0;
}

static int write_result(struct vcpu *v, const uint64_t x[4])
{
	for (int i = 0; i < 4; i++)
		if (vcpu_set_reg(v, VMM_REG_X(i), x[i]) < 0)
			return -1;
	return 0;
}

/* CPU_SUSPEND accepted: sleep in KVM's in-kernel suspended state (a WFI). */
static int cpu_suspend(struct vcpu *v, const struct vpsci_result *res)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_SUSPENDED };

	v->susp = *res;
	pm_suspend_begin(v);
	if (ioctl(v->fd, KVM_SET_MP_STATE, &mp) == 0) {
		v->suspended = true;
		return 0;
	}
	/* No in-kernel suspend (pre-5.19): DEN0022 5.3 allows returning as standby. */
	vpsci_vcpu_wake(v->vm->psci, v->idx);
	return write_result(v, res->x);
}

/* The vCPU woke from CPU_SUSPEND: resume (standby) or restart at entry. */
static int cpu_wake(struct vcpu *v)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

	v->suspended = false;
	if (ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0) {
		vmm_log("vcpu%" PRIu32 ": KVM_SET_MP_STATE(RUNNABLE): %s", v->idx, strerror(errno));
		return -1;
	}
	vpsci_vcpu_wake(v->vm->psci, v->idx);
	pm_wake_event(v);
	/* A power-down state resumes at its entry from a clean state (pm_resume_at). */
	if (v->susp.powerdown)
		return pm_resume_at(v, &v->susp.entry);
	return write_result(v, v->susp.x);
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
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	bool woke, ending;

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
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno != EINTR && errno != EAGAIN) {
				vmm_log("vcpu%" PRIu32 ": KVM_RUN (SYSTEM_SUSPEND): %s", v->idx,
					strerror(errno));
				return -1;
			}
			__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
			vcpu_hold_point(v);	/* answers "suspended", never "off" */
			continue;
		}
		if (v->run->exit_reason == KVM_EXIT_INTR)
			continue;
		if (v->run->exit_reason == KVM_EXIT_SYSTEM_EVENT &&
		    v->run->system_event.type == KVM_SYSTEM_EVENT_WAKEUP) {
			*reason = rtc_irq_level() ? "rtc" : uart_irq_level() ? "uart" : "interrupt";
			break;
		}
		vmm_log("vcpu%" PRIu32 ": unexpected KVM exit %u while in SYSTEM_SUSPEND", v->idx,
			v->run->exit_reason);
		return -1;
	}
	if (ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0) {
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
 * spent suspended. Returns 1 when resumed, 0 when the VM is ending.
 */
static int system_suspend(struct vcpu *v, const struct vpsci_system_event *ev,
			  const char *handled)
{
	struct vmm *vm = v->vm;
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_SUSPENDED };
	const char *reason = NULL;
	double t0 = vmm_now();
	char extra[96];
	int r;

	pthread_mutex_lock(&vm->lock);
	vm->susp_vcpu = v;
	pthread_mutex_unlock(&vm->lock);
	if (ioctl(v->fd, KVM_SET_MP_STATE, &mp) == 0) {
		vmm_debug("vcpu%" PRIu32 ": SYSTEM_SUSPEND: asleep until an interrupt, input or "
			  "SIGUSR1", v->idx);
		r = suspend_in_kvm(v, &reason);
	} else {
		vmm_debug("vcpu%" PRIu32 ": SYSTEM_SUSPEND: no in-kernel suspended state (%s): "
			  "asleep until input or SIGUSR1", v->idx, strerror(errno));
		r = suspend_in_user(v, &reason);
	}
	pthread_mutex_lock(&vm->lock);
	vm->susp_vcpu = NULL;
	vm->wake = false;
	vm->wake_reason = NULL;
	pthread_mutex_unlock(&vm->lock);
	if (r <= 0)
		return r;
	if (vm->mode != VMM_PSCI_KERNEL)
		vpsci_system_wake(vm->psci);
	snprintf(extra, sizeof(extra), ",\"reason\":\"%s\",\"suspended_s\":%.6f",
		 reason ? reason : "?", vmm_now() - t0);
	events_system("SYSTEM_WAKE", v->idx, handled, extra);
	vmm_debug("vcpu%" PRIu32 ": SYSTEM_SUSPEND: woken (%s) after %.3f s", v->idx,
		  reason ? reason : "?", vmm_now() - t0);
	if (vcpu_enter_at(v, &ev->entry) < 0)
		return -1;
	return 1;
}

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
 * Hybrid mode, before the engine: the functions neither side can answer
 * truthfully are NOT_SUPPORTED. Returns true when *res holds the answer.
 */
static bool hybrid_refuse(const struct vmm *vm, const struct vpsci_call *call,
			  struct vpsci_result *res)
{
	uint32_t fid = (uint32_t)call->x[0];

	if (!is_psci_range(fid) || !hybrid_unavailable(vm, fid & 0x1fu))
		return false;
	memset(res, 0, sizeof(*res));
	res->x[0] = (uint64_t)(int64_t)VPSCI_RET_NOT_SUPPORTED;
	res->exit = VPSCI_EXIT_CONTINUE;
	return true;
}

/* Hybrid mode, after the engine: PSCI_FEATURES says what hybrid_refuse() refuses. */
static void hybrid_adjust(const struct vmm *vm, const struct vpsci_call *call,
			  struct vpsci_result *res)
{
	uint32_t fid = (uint32_t)call->x[0];
	uint32_t q = (uint32_t)call->x[1];

	if ((fid & 0x1fu) != VPSCI_FN_PSCI_FEATURES || res->exit != VPSCI_EXIT_CONTINUE)
		return;
	if (is_psci_range(q) && hybrid_unavailable(vm, q & 0x1fu))
		res->x[0] = (uint64_t)(int64_t)VPSCI_RET_NOT_SUPPORTED;
	else if (is_psci_range(q) && (q & 0x1fu) == VPSCI_FN_CPU_SUSPEND &&
		 (int64_t)res->x[0] >= 0)
		res->x[0] &= ~(uint64_t)VPSCI_FEAT_SUSPEND_OSI;	/* KVM has no OS-initiated mode */
}

/*
 * Hybrid mode, before the engine sees a SYSTEM_SUSPEND: the engine never
 * sees CPU_ON/CPU_OFF there, so KVM is asked whether every other vCPU is
 * off (DEN0022 5.19: else DENIED). Returns true to go on to the engine;
 * false with *res set (DENIED), or with res->exit = SYSTEM_EVENT when the
 * VM is going down.
 */
static bool hybrid_others_off(struct vcpu *v, struct vpsci_result *res)
{
	int r = vcpu_others_off(v);

	if (r > 0)
		return true;
	memset(res, 0, sizeof(*res));
	res->x[0] = (uint64_t)(int64_t)VPSCI_RET_DENIED;
	res->exit = r < 0 ? VPSCI_EXIT_SYSTEM_EVENT : VPSCI_EXIT_CONTINUE;
	return false;
}

/*
 * A forwarded HVC/SMC (KVM_EXIT_HYPERCALL): x1..x3 from the vCPU, answer
 * from the engine, results back to x0..x3 (the PC is already past the
 * instruction). *park: the caller is off; *done: the VM run is over.
 * Returns 0, or -1 on a host error.
 */
int psci_handle_hypercall(struct vcpu *v, bool *park, bool *done)
{
	struct vmm *vm = v->vm;
	struct vpsci_call call = { .size = sizeof(call) };
	struct vpsci_result res = { .size = sizeof(res) };
	struct vpsci_system_event ev;
	uint32_t fid = (uint32_t)v->run->hypercall.nr;
	uint64_t pstate;
	int r;

	current_vcpu = v;
	call.x[0] = fid;
	for (int i = 1; i < 4; i++)
		if (vcpu_get_reg(v, VMM_REG_X(i), &call.x[i]) < 0)
			return -1;
	if (vcpu_get_reg(v, VMM_REG_PSTATE, &pstate) < 0)
		return -1;
	call.conduit = (v->run->hypercall.flags & KVM_HYPERCALL_EXIT_SMC) ? VPSCI_CONDUIT_SMC :
									     VPSCI_CONDUIT_HVC;
	call.aarch32 = (pstate & PSR_MODE32_BIT) != 0;
	if (!call.aarch32 && is_psci_range(fid) &&
	    ((fid & 0x1fu) == VPSCI_FN_CPU_ON || (fid & 0x1fu) == VPSCI_FN_CPU_SUSPEND ||
	     (fid & 0x1fu) == VPSCI_FN_SYSTEM_SUSPEND)) {
		uint64_t sctlr;

		if (vcpu_get_reg(v, VMM_REG_SCTLR_EL1, &sctlr) < 0)
			return -1;
		call.big_endian = (sctlr >> 25) & 1;	/* SCTLR_EL1.EE */
	}

	if (vm->mode == VMM_PSCI_HYBRID && hybrid_refuse(vm, &call, &res)) {
		r = 0;
	} else if (vm->mode == VMM_PSCI_HYBRID && is_psci_range(fid) &&
		   (fid & 0x1fu) == VPSCI_FN_SYSTEM_SUSPEND && !hybrid_others_off(v, &res)) {
		r = 0;
		if (res.exit == VPSCI_EXIT_SYSTEM_EVENT) {
			*done = true;	/* the VM is going down */
			return 0;
		}
	} else {
		r = vpsci_call(vm->psci, v->idx, &call, &res);
		if (vm->mode == VMM_PSCI_HYBRID)
			hybrid_adjust(vm, &call, &res);
	}
	if (r < 0) {
		vmm_log("vcpu%" PRIu32 ": vpsci_call(0x%08" PRIx32 "): %s", v->idx, fid,
			vpsci_strerror(r));
		return -1;
	}
	events_call(v->idx, fid, &call.x[1], res.x[0],
		    call.conduit == VPSCI_CONDUIT_SMC ? "smc" : "hvc", "user", exit_name(res.exit));
	if (vmm_verbose > 1 || (vmm_verbose && res.exit != VPSCI_EXIT_CONTINUE)) {
		const char *name = vpsci_fn_name(fid);

		vmm_debug("vcpu%" PRIu32 ": %s(0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64
			  ") = %d%s%s", v->idx, name ? name : "?", call.x[1], call.x[2], call.x[3],
			  (int32_t)res.x[0], res.exit ? " -> " : "",
			  res.exit ? exit_name(res.exit) : "");
	}

	switch (res.exit) {
	case VPSCI_EXIT_CONTINUE:
		return write_result(v, res.x);
	case VPSCI_EXIT_OFF:
		*park = true;
		return 0;
	case VPSCI_EXIT_SUSPEND:
		return cpu_suspend(v, &res);
	case VPSCI_EXIT_SYSTEM_EVENT:
		break;
	}

	pthread_mutex_lock(&vm->lock);
	ev = vm->last_event;
	r = vm->have_event;
	pthread_mutex_unlock(&vm->lock);
	if (!r) {
		vmm_log("vcpu%" PRIu32 ": system event exit without an event", v->idx);
		vm_finish(vm, VMM_OUT_CRASH);
		*done = true;
		return 0;
	}
	switch (ev.type) {
	case VPSCI_EVENT_OFF:
		vm_finish(vm, VMM_OUT_OFF);
		break;
	case VPSCI_EVENT_HIBERNATE_OFF:
		vm_finish(vm, VMM_OUT_HIBERNATE);
		break;
	case VPSCI_EVENT_RESET:
		vmm_log("SYSTEM_RESET from vcpu%" PRIu32 "%s", ev.caller,
			vm->opts->no_reboot ? "" : ": rebooting in place");
		vm_finish(vm, VMM_OUT_RESET);
		break;
	case VPSCI_EVENT_RESET2:
		vmm_log("SYSTEM_RESET2 (type 0x%" PRIx32 ", cookie 0x%" PRIx64 ") from vcpu%" PRIu32
			"%s", ev.reset_type, ev.cookie, ev.caller,
			vm->opts->no_reboot ? "" : ": rebooting in place");
		vm_finish(vm, VMM_OUT_RESET);
		break;
	case VPSCI_EVENT_SUSPEND:
		r = system_suspend(v, &ev, "user");
		if (r < 0)
			return -1;
		if (r > 0)
			return 0;
		break;
	}
	*done = true;
	return 0;
}

/*
 * Kernel mode with KVM_CAP_ARM_SYSTEM_SUSPEND: KVM hands SYSTEM_SUSPEND over
 * unchecked and leaves the whole call to userspace (api.rst,
 * KVM_SYSTEM_EVENT_SUSPEND); the PC is already past the HVC/SMC. DEN0022
 * 5.19: a bad entry point is INVALID_ADDRESS, another vCPU on is DENIED,
 * else the caller sleeps and restarts at the entry point.
 * Returns 0 (*done when the VM is ending), -1 on a host error.
 */
static int kernel_system_suspend(struct vcpu *v, bool *done)
{
	struct vmm *vm = v->vm;
	struct vpsci_system_event ev = { .type = VPSCI_EVENT_SUSPEND, .caller = v->idx };
	uint64_t fid, pc, ctx, sctlr;
	char extra[96];
	int r;

	if (vcpu_get_reg(v, VMM_REG_X(0), &fid) < 0 || vcpu_get_reg(v, VMM_REG_X(1), &pc) < 0 ||
	    vcpu_get_reg(v, VMM_REG_X(2), &ctx) < 0 ||
	    vcpu_get_reg(v, VMM_REG_SCTLR_EL1, &sctlr) < 0)
		return -1;
	if (!(fid & VPSCI_SMCCC_SMC64)) {
		pc &= 0xffffffffu;	/* SMC32: the upper halves are ignored */
		ctx &= 0xffffffffu;
	}
	if (pc < VMM_RAM_BASE || pc > VMM_RAM_BASE + vm->ram_size - 4 || (pc & 3))
		return vcpu_set_reg(v, VMM_REG_X(0), (uint64_t)(int64_t)VPSCI_RET_INVALID_ADDRESS);
	r = vcpu_others_off(v);
	if (r < 0) {
		*done = true;
		return 0;
	}
	if (r == 0)
		return vcpu_set_reg(v, VMM_REG_X(0), (uint64_t)(int64_t)VPSCI_RET_DENIED);
	ev.entry.pc = pc;
	ev.entry.context_id = ctx;
	ev.entry.big_endian = (sctlr >> 25) & 1;	/* SCTLR_EL1.EE */
	pthread_mutex_lock(&vm->lock);
	vm->wake = false;	/* only wake-ups from now on count (op_system_event in user mode) */
	pthread_mutex_unlock(&vm->lock);
	snprintf(extra, sizeof(extra), ",\"entry\":\"0x%" PRIx64 "\",\"context\":\"0x%" PRIx64
		 "\"", pc, ctx);
	events_system("SYSTEM_SUSPEND", v->idx, "kernel", extra);
	r = system_suspend(v, &ev, "kernel");
	if (r < 0)
		return -1;
	if (r == 0)
		*done = true;
	return 0;
}

/*
 * KVM_EXIT_SYSTEM_EVENT: in-kernel PSCI's system events (kernel mode), and
 * the wake-up from an in-kernel suspended state (CPU_SUSPEND, user mode).
 */
int psci_handle_system_event(struct vcpu *v, bool *done)
{
	struct vmm *vm = v->vm;
	uint32_t type = v->run->system_event.type;
	uint64_t flags = v->run->system_event.ndata ? v->run->system_event.data[0] : 0;
	char extra[96] = "";
	uint64_t x1 = 0, x2 = 0;

	switch (type) {
	case KVM_SYSTEM_EVENT_WAKEUP:
		if (v->suspended)
			return cpu_wake(v);
		{
			struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

			if (ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0)
				return -1;
		}
		return 0;
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		if (flags & KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2) {
			events_system("SYSTEM_OFF2", v->idx, "kernel", NULL);
			vm_finish(vm, VMM_OUT_HIBERNATE);
		} else {
			events_system("SYSTEM_OFF", v->idx, "kernel", NULL);
			vm_finish(vm, VMM_OUT_OFF);
		}
		break;
	case KVM_SYSTEM_EVENT_RESET:
		if (flags & KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2) {
			vcpu_get_reg(v, VMM_REG_X(1), &x1);
			vcpu_get_reg(v, VMM_REG_X(2), &x2);
			snprintf(extra, sizeof(extra),
				 ",\"type\":\"0x%" PRIx64 "\",\"cookie\":\"0x%" PRIx64 "\"",
				 x1 & 0xffffffffu, x2);
			events_system("SYSTEM_RESET2", v->idx, "kernel", extra);
			vmm_log("SYSTEM_RESET2 (type 0x%" PRIx64 ", cookie 0x%" PRIx64
				") from vcpu%" PRIu32 "%s", x1 & 0xffffffffu, x2, v->idx,
				vm->opts->no_reboot ? "" : ": rebooting in place");
		} else {
			events_system("SYSTEM_RESET", v->idx, "kernel", NULL);
			vmm_log("SYSTEM_RESET from vcpu%" PRIu32 "%s", v->idx,
				vm->opts->no_reboot ? "" : ": rebooting in place");
		}
		vm_finish(vm, VMM_OUT_RESET);
		break;
	case KVM_SYSTEM_EVENT_SUSPEND:
		return kernel_system_suspend(v, done);
	case KVM_SYSTEM_EVENT_CRASH:
		events_system("CRASH", v->idx, "kernel", NULL);
		vmm_log("vcpu%" PRIu32 ": the guest reported a crash", v->idx);
		vm_finish(vm, VMM_OUT_CRASH);
		break;
	default:
		vmm_log("vcpu%" PRIu32 ": unexpected system event type %" PRIu32, v->idx, type);
		vm_finish(vm, VMM_OUT_CRASH);
		break;
	}
	*done = true;
	return 0;
}
