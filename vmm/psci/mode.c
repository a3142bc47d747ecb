// SPDX-License-Identifier: BSD-2-Clause
/*
 * PSCI ownership: who answers which call, and KVM's side of it.
 *
 *   user    the SMCCC filter forwards the whole PSCI range (SMC32 and SMC64)
 *           to userspace, where libvpsci answers; the 0.1 IDs are denied
 *           unless version 0.1 is asked for.
 *   hybrid  the hot CPU calls (CPU_SUSPEND, CPU_OFF, CPU_ON, AFFINITY_INFO,
 *           MIGRATE*) stay in KVM; VERSION, FEATURES, SYSTEM_* and the rest
 *           of the range go to libvpsci; KVM's version is pinned to match.
 *   kernel  KVM's in-kernel PSCI; only its system events reach us.
 *
 * In every mode an engine is created from the same configuration (engine.c),
 * so the device tree (written by libvpsci-fdt) matches what the guest gets.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/ioctl.h>

#include "internal.h"
#include "kvm_compat.h"
#include "log.h"
#include "psci.h"
#include "util/names.h"

static const struct vcpu_exits psci_exits = {
	.hypercall = psci_handle_hypercall,
	.system_event = psci_handle_system_event,
};

bool psci_kvm_0_1(const struct vmm *vm)
{
	return vm->mode != VMM_PSCI_USER && vm->opts->psci_version == VPSCI_VERSION_0_1;
}

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
			vmm_mode_name(vm->mode));
		return VMM_EXIT_HOST;
	}
	if (vm->boot_nr == 0 && !o->mode_set)
		vmm_debug("PSCI mode: %s (SMCCC filter %s)", vmm_mode_name(vm->mode),
			  vm->have_filter ? "present" : "absent");
	vm->vcpu_features = psci_kvm_0_1(vm) ? 0 : 1u << KVM_ARM_VCPU_PSCI_0_2;
	vm->exits = &psci_exits;
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

/* Kernel and hybrid: read KVM's default version and pin the one we want. */
int psci_pin_kvm_version(struct vmm *vm)
{
	struct vcpu *v0 = &vm->vcpus[0];
	uint32_t want = vm->opts->psci_version;
	char a[VMM_VERSION_STR_LEN], b[VMM_VERSION_STR_LEN];
	uint64_t kvm_def;

	if (psci_kvm_0_1(vm)) {
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
	/* Not vcpu_set_reg(): a refusal here is the user's version, not a host error. */
	{
		uint64_t val = vm->kvm_psci_version;
		struct kvm_one_reg reg = { .id = VMM_REG_PSCI_VERSION, .addr = (uintptr_t)&val };

		if (ioctl(v0->fd, KVM_SET_ONE_REG, &reg) == 0)
			return 0;
	}
	vmm_log("--psci-version=%s: this host's in-kernel PSCI cannot offer it (it offers "
		"up to %s; KVM_SET_ONE_REG: %s); use --psci=user or another version",
		vmm_version_str(vm->kvm_psci_version, a, sizeof(a)),
		vmm_version_str((uint32_t)kvm_def, b, sizeof(b)), strerror(errno));
	return VMM_EXIT_HOST;
}

/*
 * Whether SYSTEM_SUSPEND is offered: by default wherever the version has it
 * (1.0+); in kernel mode only if KVM can hand it over to us
 * (KVM_CAP_ARM_SYSTEM_SUSPEND, Linux 5.19), which an explicit
 * --system-suspend requires. Returns 0 or a VMM_EXIT_* status.
 */
int psci_setup_system_suspend(struct vmm *vm)
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

/* Hybrid: VERSION, and SYSTEM_OFF up to the end of the range, of both conventions. */
static int filter_hybrid(struct vmm *vm)
{
	if (vm->psci_version == VPSCI_VERSION_0_1)
		return 0;	/* 0.1 has only the CPU calls: all of it is KVM's */
	for (uint32_t base = 0; base < 2; base++) {
		uint32_t b = base ? VPSCI_FN64(0) : VPSCI_FN32(0);

		if (set_filter(vm, b + VPSCI_FN_PSCI_VERSION, 1, KVM_SMCCC_FILTER_FWD_TO_USER) ||
		    set_filter(vm, b + VPSCI_FN_SYSTEM_OFF, VPSCI_FN_COUNT - VPSCI_FN_SYSTEM_OFF,
			       KVM_SMCCC_FILTER_FWD_TO_USER))
			return -1;
	}
	return 0;
}

/* The SMCCC filter for the mode. Returns 0 or VMM_EXIT_HOST after a message. */
int psci_program_filter(struct vmm *vm)
{
	uint8_t v01 = vm->psci_version == VPSCI_VERSION_0_1 ? KVM_SMCCC_FILTER_FWD_TO_USER :
							     KVM_SMCCC_FILTER_DENY;

	switch (vm->mode) {
	case VMM_PSCI_USER:
		if (set_filter(vm, VPSCI_FN32(0), VPSCI_FN_COUNT, KVM_SMCCC_FILTER_FWD_TO_USER) ||
		    set_filter(vm, VPSCI_FN64(0), VPSCI_FN_COUNT, KVM_SMCCC_FILTER_FWD_TO_USER) ||
		    set_filter(vm, VPSCI_0_1_FN_BASE, 4, v01))
			return VMM_EXIT_HOST;
		return 0;
	case VMM_PSCI_HYBRID:
		return filter_hybrid(vm) ? VMM_EXIT_HOST : 0;
	case VMM_PSCI_KERNEL:
		return 0;
	}
	return 0;
}
