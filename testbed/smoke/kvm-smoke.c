/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kvm-smoke: proves that the kernel it runs on can host vpsci-run. It opens
 * /dev/kvm, creates a VM and one vCPU, checks that the SMCCC filter exists
 * and installs a range forwarding the PSCI function IDs to userspace, then
 * reports the PSCI version KVM itself would offer.
 *
 * Usage: kvm-smoke [--quiet]
 *
 * Exit status:
 *   0  all checks passed
 *   1  bad usage
 *   2  no usable /dev/kvm
 *   3  the host kernel lacks the SMCCC filter (Linux >= 6.4 needed)
 *   4  another KVM call failed
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/kvm.h>

enum {
	SMOKE_OK = 0,
	SMOKE_USAGE = 1,
	SMOKE_NO_KVM = 2,
	SMOKE_NO_FILTER = 3,
	SMOKE_KVM_FAILED = 4,
};

/*
 * The SMCCC filter UAPI appeared in Linux 6.4; Debian's arm64 cross headers
 * are 6.1. Define what is missing with the kernel's literal values.
 */
#ifndef KVM_ARM_VM_SMCCC_CTRL
#define KVM_ARM_VM_SMCCC_CTRL 0
#endif
#ifndef KVM_ARM_VM_SMCCC_FILTER
#define KVM_ARM_VM_SMCCC_FILTER 0
#endif
#define SMOKE_FILTER_FWD_TO_USER 2

/* Same layout as the kernel's struct kvm_smccc_filter (24 bytes). */
struct smoke_smccc_filter {
	uint32_t base;
	uint32_t nr_functions;
	uint8_t action;
	uint8_t pad[15];
};
_Static_assert(sizeof(struct smoke_smccc_filter) == 24, "kvm_smccc_filter is 24 bytes");

/* DEN0022 5.1: the PSCI function numbers 0x00-0x1F of the standard service. */
#define SMOKE_PSCI_SMC32_BASE 0x84000000u
#define SMOKE_PSCI_SMC64_BASE 0xC4000000u
#define SMOKE_PSCI_COUNT 0x20u

#define SMOKE_REG_PSCI_VERSION 0x6030000000140000ull

static int quiet;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	fputs("kvm-smoke: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	fflush(stdout);
}

/* One message naming the failing call and the reason, then the status. */
static void fail(int status, const char *call, const char *why)
{
	fprintf(stderr, "kvm-smoke: FAIL: %s: %s\n", call, why);
	exit(status);
}

static int kvm_open(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT)
		fail(SMOKE_NO_KVM, "open /dev/kvm",
		     "no /dev/kvm: this kernel has no KVM or was not booted at EL2");
	fail(SMOKE_NO_KVM, "open /dev/kvm", strerror(errno));
	return -1;
}

/*
 * Install the PSCI ranges (SMC32 and SMC64) as FWD_TO_USER, which is what
 * vpsci-run does. Support is probed with KVM_HAS_DEVICE_ATTR first: the
 * capability bit (KVM_CAP_VM_ATTRIBUTES) reads 0 even where the filter works.
 */
static void install_filter(int vm)
{
	const uint32_t bases[] = { SMOKE_PSCI_SMC32_BASE, SMOKE_PSCI_SMC64_BASE };
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
	};
	unsigned int i;

	if (ioctl(vm, KVM_HAS_DEVICE_ATTR, &attr) < 0) {
		if (errno == ENXIO || errno == ENOTTY || errno == EINVAL)
			fail(SMOKE_NO_FILTER, "KVM_HAS_DEVICE_ATTR(SMCCC_FILTER)",
			     "host kernel lacks the SMCCC filter (Linux >= 6.4 needed)");
		fail(SMOKE_KVM_FAILED, "KVM_HAS_DEVICE_ATTR(SMCCC_FILTER)", strerror(errno));
	}
	say("SMCCC filter: supported");

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		struct smoke_smccc_filter f = {
			.base = bases[i],
			.nr_functions = SMOKE_PSCI_COUNT,
			.action = SMOKE_FILTER_FWD_TO_USER,
		};

		attr.addr = (uint64_t)(uintptr_t)&f;
		if (ioctl(vm, KVM_SET_DEVICE_ATTR, &attr) < 0)
			fail(SMOKE_KVM_FAILED, "KVM_SET_DEVICE_ATTR(SMCCC_FILTER)",
			     strerror(errno));
		say("SMCCC filter: installed FWD_TO_USER 0x%08x..0x%08x", f.base,
		    f.base + f.nr_functions - 1);
	}
}

int main(int argc, char **argv)
{
	struct kvm_vcpu_init init;
	struct kvm_one_reg reg;
	struct utsname u;
	uint64_t psci = 0;
	int kvm, vm, vcpu, ipa;

	if (argc == 2 && strcmp(argv[1], "--quiet") == 0) {
		quiet = 1;
	} else if (argc != 1) {
		fprintf(stderr, "usage: kvm-smoke [--quiet]\n");
		return SMOKE_USAGE;
	}

	if (uname(&u) == 0)
		say("kernel %s %s %s", u.release, u.version, u.machine);

	kvm = kvm_open();
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		fail(SMOKE_KVM_FAILED, "KVM_GET_API_VERSION", "unexpected KVM API version");
	ipa = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	say("/dev/kvm: open, API %d, max IPA %d bits", KVM_API_VERSION, ipa);

	/* Type 0: the default 40-bit IPA space, enough for any test VM. */
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		fail(SMOKE_KVM_FAILED, "KVM_CREATE_VM", strerror(errno));

	/* The filter must go in before any vCPU has run; creating one is fine. */
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		fail(SMOKE_KVM_FAILED, "KVM_CREATE_VCPU", strerror(errno));
	memset(&init, 0, sizeof(init));
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		fail(SMOKE_KVM_FAILED, "KVM_ARM_PREFERRED_TARGET", strerror(errno));
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init) < 0)
		fail(SMOKE_KVM_FAILED, "KVM_ARM_VCPU_INIT", strerror(errno));
	say("VM and vCPU 0 created");

	install_filter(vm);

	reg.id = SMOKE_REG_PSCI_VERSION;
	reg.addr = (uint64_t)(uintptr_t)&psci;
	if (ioctl(vcpu, KVM_GET_ONE_REG, &reg) < 0)
		fail(SMOKE_KVM_FAILED, "KVM_GET_ONE_REG(PSCI_VERSION)", strerror(errno));
	/* DEN0022 5.1.1: bits[31:16] major, bits[15:0] minor. */
	say("KVM PSCI firmware register: 0x%llx (PSCI %u.%u)", (unsigned long long)psci,
	    (unsigned int)(psci >> 16) & 0xffff, (unsigned int)psci & 0xffff);

	close(vcpu);
	close(vm);
	close(kvm);
	say("PASS");
	return SMOKE_OK;
}
