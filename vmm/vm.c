// SPDX-License-Identifier: BSD-2-Clause
/*
 * One VM for one boot: KVM VM, guest RAM, vCPUs, the devices of the run's
 * registry attached (the in-kernel vGIC first), PSCI set-up, images, then
 * the run: one thread per vCPU while the main thread waits for an outcome
 * and tears down.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "device.h"
#include "kvm_compat.h"
#include "log.h"
#include "vmm.h"

/* Record why the run ends (first caller wins) and wake the main thread. */
void vm_finish(struct vmm *vm, enum vmm_outcome out)
{
	pthread_mutex_lock(&vm->lock);
	if (vm->outcome == VMM_OUT_NONE)
		vm->outcome = out;
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
}

/* A SYSTEM_SUSPEND was accepted: only wake-ups from now on count. */
void vm_wake_clear(struct vmm *vm)
{
	pthread_mutex_lock(&vm->lock);
	vm->wake = false;
	pthread_mutex_unlock(&vm->lock);
}

/*
 * v sleeps in SYSTEM_SUSPEND (vm_wake() kicks it), or, with NULL, no longer:
 * the wake-up is consumed.
 */
void vm_set_suspended(struct vmm *vm, struct vcpu *v)
{
	pthread_mutex_lock(&vm->lock);
	vm->susp_vcpu = v;
	if (!v) {
		vm->wake = false;
		vm->wake_reason = NULL;
	}
	pthread_mutex_unlock(&vm->lock);
}

/* Which device's interrupt woke a SYSTEM_SUSPEND ("rtc", "uart"), else "interrupt". */
const char *vm_irq_source(struct vmm *vm)
{
	const char *name = vmm_devices_irq_source(vm->devices);

	return name ? name : "interrupt";
}

/*
 * A host-side SYSTEM_SUSPEND wake source fired (UART input, SIGUSR1): the
 * first reason is kept, and the sleeping caller is kicked out of KVM_RUN
 * (it sleeps there in KVM's suspended state, psci.c system_suspend()).
 */
void vm_wake(struct vmm *vm, const char *reason)
{
	pthread_mutex_lock(&vm->lock);
	if (!vm->wake)
		vm->wake_reason = reason;
	vm->wake = true;
	if (vm->susp_vcpu)
		vcpu_kick(vm->susp_vcpu);
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
}

/*
 * Host limits for the options, checked once before the first boot: vCPUs
 * (KVM_CAP_MAX_VCPUS) and RAM (the guest memory map, host RAM).
 * Returns 0 or a VMM_EXIT_* status.
 */
int vm_host_check(int kvm_fd, const struct vmm_opts *o, unsigned int *max_vcpus)
{
	struct sysinfo si;
	int max = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	/* RAM from 1 GiB up to virt's high GIC redistributor region at 256 GiB. */
	uint64_t ram_limit = VMM_GIC_REDIST2_BASE - VMM_RAM_BASE;

	if (max <= 0)
		max = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	if (max <= 0)
		max = 1;
	*max_vcpus = (unsigned int)max;
	if (o->cpus > (unsigned int)max) {
		vmm_log("--cpus %u: too many vCPUs, this host's KVM allows at most %d", o->cpus,
			max);
		return VMM_EXIT_USAGE;
	}
	if (o->mem_mib << 20 > ram_limit) {
		vmm_log("--mem %" PRIu64 ": too much RAM, the guest address space allows at most "
			"%" PRIu64 " MiB", o->mem_mib, ram_limit >> 20);
		return VMM_EXIT_USAGE;
	}
	if (sysinfo(&si) == 0 && o->mem_mib << 20 > (uint64_t)si.totalram * si.mem_unit) {
		vmm_log("--mem %" PRIu64 ": too much RAM, the host has only %" PRIu64 " MiB",
			o->mem_mib, ((uint64_t)si.totalram * si.mem_unit) >> 20);
		return VMM_EXIT_USAGE;
	}
	return 0;
}

/*
 * The VM of one boot, first part: the KVM VM and its RAM. Returns 0 or a
 * VMM_EXIT_* status (after a message); vm_destroy() cleans up either way.
 */
int vm_create(struct vmm *vm, const struct vmm_opts *o, int kvm_fd)
{
	struct kvm_userspace_memory_region region;

	vm->opts = o;
	vm->kvm_fd = kvm_fd;
	vm->vm_fd = -1;
	vm->nr_vcpus = o->cpus;
	vm->ram_size = o->mem_mib << 20;
	pthread_mutex_init(&vm->hold_lock, NULL);
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	atomic_init(&vm->pausing, false);

	do {
		vm->vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	} while (vm->vm_fd < 0 && errno == EINTR);
	if (vm->vm_fd < 0) {
		vmm_log("KVM_CREATE_VM: %s", strerror(errno));
		return VMM_EXIT_HOST;
	}
	vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		vmm_log("--mem %" PRIu64 ": cannot map guest RAM: %s", o->mem_mib, strerror(errno));
		return VMM_EXIT_USAGE;
	}
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = VMM_RAM_BASE,
		.memory_size = vm->ram_size,
		.userspace_addr = (uintptr_t)vm->ram,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		vmm_log("KVM_SET_USER_MEMORY_REGION (%" PRIu64 " MiB): %s", o->mem_mib,
			strerror(errno));
		return VMM_EXIT_HOST;
	}
	return 0;
}

/*
 * Second part, once psci/ has set vm->vcpu_features and vm->exits: the
 * vCPUs (secondaries powered off), then the devices of the run's registry
 * (the in-kernel vGIC first). Returns 0 or a VMM_EXIT_* status after a
 * message.
 */
int vm_create_vcpus(struct vmm *vm)
{
	struct kvm_vcpu_init target;

	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &target) < 0) {
		vmm_log("KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
		return VMM_EXIT_HOST;
	}
	vm->preferred_target = (int)target.target;
	vm->vcpus = calloc(vm->nr_vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus) {
		vmm_log("out of memory for %u vCPUs", vm->nr_vcpus);
		return VMM_EXIT_HOST;
	}
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i].fd = -1;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		vm->vcpus[i].idx = i;
		if (vcpu_create(vm, &vm->vcpus[i]) < 0)
			return VMM_EXIT_HOST;
	}
	/* The devices (vGIC, console, RTC, disks), once every vCPU exists. */
	if (vmm_devices_attach(vm->devices, vm) < 0)
		return VMM_EXIT_HOST;
	if (vm->gic_version == 2 && vm->nr_vcpus > 8) {
		vmm_log("--cpus %u: too many vCPUs, this host only has a GICv2 (8 vCPUs at most)",
			vm->nr_vcpus);
		return VMM_EXIT_USAGE;
	}
	return 0;
}

/* Boot protocol (booting.rst): x0 = DTB, x1..x3 = 0, PC = image, EL1h DAIF masked. */
int vm_boot_regs(struct vmm *vm)
{
	struct vcpu *v0 = &vm->vcpus[0];

	if (vcpu_set_reg(v0, VMM_REG_PC, vm->kernel_entry) < 0 ||
	    vcpu_set_reg(v0, VMM_REG_X(0), vm->dtb_addr) < 0)
		return VMM_EXIT_HOST;
	return 0;
}

/* Run the VM until an outcome; every vCPU thread has ended on return. */
enum vmm_outcome vm_run(struct vmm *vm)
{
	enum vmm_outcome out;
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		if (vcpu_start(&vm->vcpus[i]) < 0) {
			vm_finish(vm, VMM_OUT_HOST_ERROR);
			break;
		}
	pthread_mutex_lock(&vm->lock);
	while (vm->outcome == VMM_OUT_NONE)
		pthread_cond_wait(&vm->cond, &vm->lock);
	out = vm->outcome;
	pthread_mutex_unlock(&vm->lock);

	/* DEN0022 5.10-5.12: stop every vCPU before the event takes effect. */
	vcpu_stop_others(vm, NULL);
	return out;
}

void vm_destroy(struct vmm *vm)
{
	/* Devices first: no callback of theirs may reach a VM being torn down. */
	if (vm->devices)
		vmm_devices_detach(vm->devices);
	if (vm->vcpus) {
		for (unsigned int i = 0; i < vm->nr_vcpus; i++)
			vcpu_destroy(&vm->vcpus[i]);
		free(vm->vcpus);
		vm->vcpus = NULL;
	}
	vpsci_destroy(vm->psci);
	vm->psci = NULL;
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	vm->ram = NULL;
	vm->vm_fd = -1;
	pthread_mutex_destroy(&vm->hold_lock);
	pthread_mutex_destroy(&vm->lock);
	pthread_cond_destroy(&vm->cond);
}
