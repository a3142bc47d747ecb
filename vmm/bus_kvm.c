// SPDX-License-Identifier: BSD-2-Clause
/*
 * How the device registry (bus.c) reaches a KVM VM: an SPI driven with
 * KVM_IRQ_LINE, a wake-up and a stop request through vm.c.
 */
#include <errno.h>
#include <sys/ioctl.h>

#include "device.h"
#include "vmm.h"

static int kvm_set_irq(struct vmm *vm, uint32_t spi, bool level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (32 + spi),
		.level = level,
	};

	return ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0 ? -errno : 0;
}

static void kvm_request_stop(struct vmm *vm)
{
	vm_finish(vm, VMM_OUT_STOPPED);
}

const struct vmm_vm_ops vmm_kvm_vm_ops = {
	.set_irq = kvm_set_irq,
	.wake = vm_wake,
	.request_stop = kvm_request_stop,
};
