/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Exit statuses of vpsci-run (a leaf: depends on nothing).
 */
#ifndef VMM_STATUS_H
#define VMM_STATUS_H


/* Exit statuses of vpsci-run (documented in --help and docs/vpsci-run.md). */
enum vmm_status {
	VMM_GO_ON		= -1,	/* not an exit status: no reason to exit, go on */
	VMM_EXIT_OFF		= 0,	/* the guest powered off (SYSTEM_OFF) */
	VMM_EXIT_USAGE		= 1,	/* bad options, bad image, too many vCPUs, too much RAM */
	VMM_EXIT_HOST		= 2,	/* host or KVM error: no /dev/kvm, no SMCCC filter, ioctl */
	VMM_EXIT_CRASH		= 3,	/* guest crash or internal error */
	VMM_EXIT_HIBERNATED	= 4,	/* SYSTEM_OFF2: the guest hibernated */
	VMM_EXIT_RESET		= 5,	/* SYSTEM_RESET(2) with --no-reboot */
	VMM_EXIT_STOPPED	= 6,	/* stopped from the host: Ctrl-A x, SIGINT, SIGTERM */
	VMM_EXIT_SNAPSHOT	= 7,	/* --snapshot FILE written on SIGQUIT (docs/vm-snapshot.md) */
};

#endif /* VMM_STATUS_H */
