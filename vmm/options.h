/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The command line (top layer): one table of options generates both the
 * getopt parser and --help (options.c). What it builds: the machine
 * (struct vmm_opts) and the settings of this run of vpsci-run, which no
 * boot, hibernate description or snapshot carries (struct vmm_run).
 */
#ifndef VMM_OPTIONS_H
#define VMM_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"

/* How this process runs; not part of the guest-visible machine. */
struct vmm_run {
	const char *kvm_device;		/* --kvm-device PATH (default /dev/kvm) */
	const char *events_path;	/* --events FILE */
	int verbose;			/* -v count */
	unsigned int max_reboots;	/* --max-reboots N: 0 = unlimited */
	const char *dump_dtb;		/* --dump-dtb FILE */
	const char *machine_path;	/* --machine FILE: description written on hibernation */
	const char *resume_path;	/* --resume FILE */
	const char *snapshot_path;	/* --snapshot FILE: written on SIGQUIT */
	bool snapshot_continue;		/* --snapshot-continue: run on after writing */
};

/* Everything the command line says. */
struct options {
	struct vmm_opts m;
	struct vmm_run run;
};

/* The defaults: 1 vCPU, 512 MiB, HVC, SYSTEM_SUSPEND offered, /dev/kvm. */
void options_init(struct options *opt);

/*
 * Parse argv into opt (argv's QEMU spellings -smp, -append, -kernel and
 * -initrd are rewritten in place). Returns VMM_GO_ON, or the status to exit
 * with: VMM_EXIT_OFF after --help, VMM_EXIT_USAGE after a message.
 */
int options_parse(struct options *opt, int argc, char **argv);

/*
 * The combinations of options, once the --resume description (if any) has
 * filled in the machine. Returns VMM_GO_ON or VMM_EXIT_USAGE after a message.
 */
int options_check(struct options *opt);

/* --help, on f. */
void options_usage(FILE *f);

#endif /* VMM_OPTIONS_H */
