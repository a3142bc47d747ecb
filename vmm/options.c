// SPDX-License-Identifier: BSD-2-Clause
/*
 * The command line: one table, opts[], drives both the getopt_long parser
 * and the --help text, so an option cannot exist without its help or the
 * other way round. A row names the option, its argument, where the value
 * goes (a string field, a flag, or a parser), which "given" bit it sets for
 * --resume's contradiction check, and its help lines. Rows without help are
 * aliases and test knobs, accepted but not listed.
 */
#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "options.h"
#include "status.h"
#include "util/names.h"
#include "util/parse.h"

#define DEFAULT_MEM_MIB		512
#define MAX_CPUS_PER_CLUSTER	16u	/* Aff0: GICv3 SGIs name targets in a 16-bit list */
#define HELP_COLUMN		27	/* where the help of an option starts */

enum opt_kind {
	OPT_STRING,	/* the argument is stored in the const char * at off */
	OPT_FLAG,	/* no argument: the bool at off becomes true */
	OPT_PARSE,	/* set() parses the argument */
};

struct opt {
	const char *name;	/* --name */
	const char *qemu;	/* "--name": -name means it too (QEMU's spelling); or NULL */
	const char *arg;	/* the argument in --help; NULL: takes none */
	size_t off;		/* OPT_STRING, OPT_FLAG: the field in struct options */
	int (*set)(struct options *o, const char *arg);	/* OPT_PARSE: VMM_GO_ON or a status */
	const char *help;	/* lines; NULL: not listed */
	unsigned int given;	/* enum vmm_field bit (machine.h) */
	enum opt_kind kind;
	char letter;		/* -x too, or 0 */
	char sep;		/* between name and argument in --help: ' ' or '=' */
};

/* A row's spelling: --name, -x, QEMU's -name, the argument and its separator in --help. */
#define NAME(n, x, q, a, sep_)	.name = (n), .letter = (x), .qemu = (q), .arg = (a), .sep = (sep_)
#define FIELD(f)	.off = offsetof(struct options, f)
#define STRING(f)	.kind = OPT_STRING, FIELD(f)
#define FLAG(f)		.kind = OPT_FLAG, FIELD(f)
#define PARSE(fn)	.kind = OPT_PARSE, .set = (fn)

/* -m: MiB, or with an M / G suffix. */
static int set_mem(struct options *o, const char *s)
{
	char buf[32];
	size_t n = strlen(s);
	uint64_t mul = 1, v;

	if (n > 0 && n < sizeof(buf)) {
		memcpy(buf, s, n + 1);
		if (buf[n - 1] == 'M' || buf[n - 1] == 'm') {
			buf[n - 1] = 0;
		} else if (buf[n - 1] == 'G' || buf[n - 1] == 'g') {
			buf[n - 1] = 0;
			mul = 1024;
		}
		if (vmm_parse_u64_range(buf, 1, 1ull << 30, &v)) {
			o->m.mem_mib = v * mul;
			return VMM_GO_ON;
		}
	}
	return usage_error("--mem '%s': expected a size in MiB (or with M/G)", s);
}

/* --cpus / -smp: "N", or QEMU's "cpus=N[,...]" / "N,sockets=..." forms. */
static int set_cpus(struct options *o, const char *arg)
{
	const char *s = strncmp(arg, "cpus=", 5) == 0 ? arg + 5 : arg;
	char buf[64];
	char *comma;
	uint64_t v;

	if (strlen(s) < sizeof(buf)) {
		memcpy(buf, s, strlen(s) + 1);
		comma = strchr(buf, ',');
		if (comma)
			*comma = 0;
		if (vmm_parse_u64_range(buf, 1, VPSCI_MAX_VCPUS, &v)) {
			o->m.cpus = (unsigned int)v;
			return VMM_GO_ON;
		}
	}
	return usage_error("--cpus '%s': expected a vCPU count from 1 to %u", arg,
			   VPSCI_MAX_VCPUS);
}

static int set_psci(struct options *o, const char *s)
{
	o->m.mode_set = true;
	if (!vmm_parse_mode(s, &o->m.mode))
		return usage_error("--psci '%s': expected user, hybrid or kernel", s);
	return VMM_GO_ON;
}

static int set_psci_version(struct options *o, const char *s)
{
	if (!vmm_parse_version(s, &o->m.psci_version))
		return usage_error("--psci-version '%s': expected %s", s, vmm_version_names);
	return VMM_GO_ON;
}

static int set_conduit(struct options *o, const char *s)
{
	if (!vmm_parse_conduit(s, &o->m.conduit))
		return usage_error("--conduit '%s': expected hvc or smc", s);
	return VMM_GO_ON;
}

static int set_system_suspend(struct options *o, const char *s)
{
	(void)s;
	o->m.system_suspend = true;
	o->m.system_suspend_set = true;
	return VMM_GO_ON;
}

static int set_no_system_suspend(struct options *o, const char *s)
{
	(void)s;
	o->m.system_suspend = false;
	o->m.system_suspend_set = false;
	return VMM_GO_ON;
}

static int set_power_domains(struct options *o, const char *s)
{
	if (!vmm_parse_pd_levels(s, &o->m.pm.pd_levels))
		return usage_error("--power-domains '%s': expected cpu, cluster or system "
				   "(or none)", s);
	return VMM_GO_ON;
}

static int set_cpus_per_cluster(struct options *o, const char *s)
{
	uint64_t v;

	if (!vmm_parse_u64_range(s, 1, MAX_CPUS_PER_CLUSTER, &v))
		return usage_error("--cpus-per-cluster '%s': expected 1 to %u", s,
				   MAX_CPUS_PER_CLUSTER);
	o->m.pm.cpus_per_cluster = (unsigned int)v;
	return VMM_GO_ON;
}

static int set_pm_features(struct options *o, const char *s)
{
	char bad[256];

	if (vmm_parse_pm_features(s, &o->m.pm.features, &o->m.pm.features_all, bad,
				  sizeof(bad)))
		return VMM_GO_ON;
	if (!bad[0])
		return usage_error("--pm-features: list too long");
	return usage_error("--pm-features: unknown feature '%s' (expected all, none or a list "
			   "of osi, ext-stateid, stat, freeze, default-suspend, node-hw-state, "
			   "mem-protect)", bad);
}

static int set_max_reboots(struct options *o, const char *s)
{
	uint64_t v;

	if (!vmm_parse_u64_range(s, 0, 1000000, &v))
		return usage_error("--max-reboots '%s': expected a count", s);
	o->run.max_reboots = (unsigned int)v;
	return VMM_GO_ON;
}

static int set_snapshot_abi(struct options *o, const char *s)
{
	uint64_t v;

	if (!vmm_parse_u64_range(s, 1, UINT32_MAX, &v))
		return usage_error("--snapshot-abi '%s': expected a number", s);
	o->m.snapshot_abi = (uint32_t)v;
	return VMM_GO_ON;
}

static int set_disk(struct options *o, const char *s)
{
	return vmm_opts_add_disk(&o->m, s) < 0 ? VMM_EXIT_USAGE : VMM_GO_ON;
}

static int set_verbose(struct options *o, const char *s)
{
	(void)s;
	o->run.verbose++;
	return VMM_GO_ON;
}

static int help(struct options *o, const char *s)
{
	(void)o;
	(void)s;
	options_usage(stdout);
	return VMM_EXIT_OFF;
}

/* Every option, in --help order. */
static const struct opt opts[] = {
	{ NAME("kernel", 'k', "--kernel", "IMAGE", ' '), STRING(m.kernel), .given = VMM_F_KERNEL,
	  .help = "arm64 Image to boot (required, unless --resume)" },
	{ NAME("initrd", 'i', "--initrd", "FILE", ' '), STRING(m.initrd), .given = VMM_F_INITRD,
	  .help = "initial ramdisk" },
	{ NAME("append", 'p', "--append", "CMDLINE", ' '), STRING(m.append), .given = VMM_F_APPEND,
	  .help = "kernel command line (also -append)" },
	{ NAME("params", 0, NULL, "CMDLINE", ' '), STRING(m.append), .given = VMM_F_APPEND },
	{ NAME("cpus", 'c', NULL, "N", ' '), PARSE(set_cpus), .given = VMM_F_CPUS,
	  .help = "number of vCPUs, 1 up to KVM's maximum (also -smp N)" },
	{ NAME("smp", 0, "--smp", "N", ' '), PARSE(set_cpus), .given = VMM_F_CPUS },
	{ NAME("mem", 'm', NULL, "MIB", ' '), PARSE(set_mem), .given = VMM_F_MEM,
	  .help = "guest RAM in MiB (suffix M or G accepted; default 512)" },
	{ NAME("psci", 0, NULL, "MODE", '='), PARSE(set_psci), .given = VMM_F_MODE,
	  .help = "user | hybrid | kernel: who answers PSCI (default: user\n"
		  "where the host has KVM's SMCCC filter, else kernel)" },
	{ NAME("psci-version", 0, NULL, "X.Y", '='), PARSE(set_psci_version),
	  .given = VMM_F_PSCI_VERSION,
	  .help = "guest-visible PSCI version, 0.1 to 1.3 (default: 1.3;\n"
		  "kernel mode: what KVM offers)" },
	{ NAME("conduit", 0, NULL, "hvc|smc", '='), PARSE(set_conduit), .given = VMM_F_CONDUIT,
	  .help = "conduit advertised in the device tree (default hvc)" },
	{ NAME("no-system-suspend", 0, NULL, NULL, 0), PARSE(set_no_system_suspend),
	  .given = VMM_F_SYSTEM_SUSPEND,
	  .help = "withhold SYSTEM_SUSPEND (suspend to RAM); it is offered by\n"
		  "default with PSCI 1.0 or later (kernel mode: where KVM\n"
		  "has KVM_CAP_ARM_SYSTEM_SUSPEND)" },
	{ NAME("system-suspend", 0, NULL, NULL, 0), PARSE(set_system_suspend),
	  .given = VMM_F_SYSTEM_SUSPEND,
	  .help = "offer it (the default; an error where it cannot be)" },
	{ NAME("power-domains", 0, NULL, "LVL", '='), PARSE(set_power_domains),
	  .given = VMM_F_POWER_DOMAINS,
	  .help = "power-domain hierarchy up to cpu | cluster | system, with\n"
		  "idle states in the DT (user mode; default: none)" },
	{ NAME("cpus-per-cluster", 0, NULL, "N", '='), PARSE(set_cpus_per_cluster),
	  .given = VMM_F_CPUS_PER_CLUSTER,
	  .help = "MPIDR Aff1 = vCPU / N, Aff0 = vCPU % N (1..16; default:\n"
		  "KVM's, 16 per Aff1)" },
	{ NAME("pm-features", 0, NULL, "LIST", '='), PARSE(set_pm_features),
	  .given = VMM_F_PM_FEATURES,
	  .help = "offer optional PSCI functions: all, or a comma list of\n"
		  "osi, ext-stateid, stat, freeze, default-suspend,\n"
		  "node-hw-state, mem-protect (user mode; mem-protect also\n"
		  "hybrid; default: none)" },
	{ NAME("no-reboot", 0, NULL, NULL, 0), FLAG(m.no_reboot),
	  .help = "exit with status 5 on SYSTEM_RESET instead of rebooting" },
	{ NAME("max-reboots", 0, NULL, "N", ' '), PARSE(set_max_reboots),
	  .help = "after N reboots in place, exit with status 5" },
	{ NAME("events", 0, NULL, "FILE", ' '), STRING(run.events_path),
	  .help = "write one JSON object per line per PSCI call/system event" },
	{ NAME("dump-dtb", 0, NULL, "FILE", ' '), STRING(run.dump_dtb),
	  .help = "write the guest's device tree (DTB) to FILE and exit 0\n"
		  "without running the guest" },
	{ NAME("disk", 0, NULL, "FILE", ' '), PARSE(set_disk), .given = VMM_F_DISKS,
	  .help = "a guest disk: FILE (size a multiple of 2 MiB) as a DT\n"
		  "pmem-region, /dev/pmemN in Linux; up to 4, in order" },
	{ NAME("machine", 0, NULL, "FILE", ' '), STRING(run.machine_path),
	  .help = "when the guest hibernates (SYSTEM_OFF2), write the\n"
		  "machine description to FILE (docs/hibernate.md)" },
	{ NAME("machine-on-off", 0, NULL, NULL, 0), FLAG(m.machine_on_off),
	  .help = "write it on a plain SYSTEM_OFF too (guests that hibernate\n"
		  "without SYSTEM_OFF2: the host cannot tell)" },
	{ NAME("resume", 0, NULL, "FILE", ' '), STRING(run.resume_path),
	  .help = "bring up the machine FILE describes, so the guest resumes\n"
		  "from its hibernation image; options must not contradict\n"
		  "it; the next description is written to FILE again unless\n"
		  "--machine says otherwise" },
	{ NAME("kvm-device", 0, NULL, "PATH", ' '), STRING(run.kvm_device),
	  .help = "KVM device to open (default /dev/kvm)" },
	{ NAME("snapshot", 0, NULL, "FILE", ' '), STRING(run.snapshot_path),
	  .help = "on SIGQUIT, pause the VM, write it to FILE, exit 7" },
	{ NAME("snapshot-continue", 0, NULL, NULL, 0), FLAG(run.snapshot_continue),
	  .help = "after writing the snapshot, the VM runs on (no exit)" },
	{ NAME("restore", 0, NULL, "FILE", ' '), STRING(m.restore_path),
	  .help = "continue the VM snapshotted in FILE (no --kernel)" },
	{ NAME("snapshot-abi", 0, NULL, "N", ' '), PARSE(set_snapshot_abi) },	/* tests */
	{ NAME("verbose", 'v', NULL, NULL, 0), PARSE(set_verbose),
	  .help = "human-readable log on stderr (twice: every PSCI call)" },
	{ NAME("help", 'h', NULL, NULL, 0), PARSE(help), .help = "this text" },
};
#define NR_OPTS		(sizeof(opts) / sizeof(opts[0]))

static const char usage_head[] =
	"Usage: vpsci-run [OPTIONS] --kernel IMAGE\n"
	"Boot an arm64 Linux Image (or a bare-metal image with the same header, x0 = DTB)\n"
	"under KVM on QEMU virt's memory map, with PSCI answered by libvpsci.\n"
	"\n";

static const char usage_tail[] =
	"\n"
	"Console: the guest's PL011 is on stdin/stdout; on a terminal Ctrl-A x quits.\n"
	"Suspend to RAM: a guest in SYSTEM_SUSPEND wakes on any interrupt pending for it\n"
	"(PL031 RTC alarm, UART, timer), on console input, or on SIGUSR1.\n"
	"Signals: SIGUSR1 wakes a suspended guest; SIGINT/SIGTERM/SIGHUP stop it;\n"
	"SIGQUIT snapshots it (with --snapshot FILE).\n"
	"\n"
	"Exit status:\n"
	"  0  the guest powered off (SYSTEM_OFF)\n"
	"  1  usage or configuration error: bad option, bad image, too many vCPUs,\n"
	"     too much RAM\n"
	"  2  host or KVM error: no /dev/kvm, no SMCCC filter for --psci=user|hybrid,\n"
	"     a version KVM cannot pin, a failing ioctl\n"
	"  3  the guest crashed, or an internal error\n"
	"  4  the guest hibernated (SYSTEM_OFF2); with --machine, the description is written\n"
	"  5  the guest reset (SYSTEM_RESET/SYSTEM_RESET2) with --no-reboot or --max-reboots\n"
	"  6  stopped from the host (Ctrl-A x, SIGINT, SIGTERM, SIGHUP)\n"
	"  7  the VM was snapshotted to the --snapshot FILE (SIGQUIT)\n"
	"With --restore, a corrupt, truncated or incompatible file is status 1, a host\n"
	"that cannot take the state status 2 (docs/vm-snapshot.md).\n";

/* "  -k, --kernel IMAGE", then the help lines from HELP_COLUMN on. */
void options_usage(FILE *f)
{
	fputs(usage_head, f);
	for (size_t i = 0; i < NR_OPTS; i++) {
		const struct opt *d = &opts[i];
		const char *h = d->help;
		int n;

		if (!h)
			continue;
		if (d->letter)
			n = fprintf(f, "  -%c, --%s", d->letter, d->name);
		else
			n = fprintf(f, "      --%s", d->name);
		if (d->arg)
			n += fprintf(f, "%c%s", d->sep, d->arg);
		do {
			size_t len = strcspn(h, "\n");

			fprintf(f, "%*s%.*s\n", n < HELP_COLUMN ? HELP_COLUMN - n : 1, "", (int)len,
				h);
			h += len + (h[len] == '\n');
			n = 0;
		} while (*h);
	}
	fputs(usage_tail, f);
}

void options_init(struct options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->m.cpus = 1;
	opt->m.mem_mib = DEFAULT_MEM_MIB;
	opt->m.conduit = VPSCI_CONDUIT_HVC;
	opt->m.system_suspend = true;
	opt->run.kvm_device = "/dev/kvm";
}

/* Store one option's value as its row says. Returns VMM_GO_ON or a status. */
static int apply(struct options *o, const struct opt *d, const char *arg)
{
	char *field = (char *)o + d->off;

	o->m.given |= d->given;
	switch (d->kind) {
	case OPT_STRING:
		*(const char **)(void *)field = arg;
		return VMM_GO_ON;
	case OPT_FLAG:
		*(bool *)(void *)field = true;
		return VMM_GO_ON;
	case OPT_PARSE:
		return d->set(o, arg);
	}
	return usage_error("internal error: option --%s", d->name);
}

/* QEMU's single-dash spellings (-smp, -append, ...) become --smp, --append. */
static void qemu_spellings(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		for (size_t k = 0; k < NR_OPTS; k++)
			if (opts[k].qemu && strcmp(argv[i], opts[k].qemu + 1) == 0)
				argv[i] = (char *)(uintptr_t)opts[k].qemu;	/* getopt only reads it */
}

int options_parse(struct options *o, int argc, char **argv)
{
	struct option longs[NR_OPTS + 1];
	char shorts[2 + 2 * NR_OPTS + 1] = ":";
	size_t ns = 1;
	int c, r;

	for (size_t i = 0; i < NR_OPTS; i++) {
		longs[i] = (struct option){ opts[i].name,
					    opts[i].arg ? required_argument : no_argument, NULL,
					    256 + (int)i };
		if (opts[i].letter) {
			shorts[ns++] = opts[i].letter;
			if (opts[i].arg)
				shorts[ns++] = ':';
		}
	}
	shorts[ns] = 0;
	longs[NR_OPTS] = (struct option){ NULL, 0, NULL, 0 };
	qemu_spellings(argc, argv);
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct opt *d = NULL;

		if (c >= 256 && c < 256 + (int)NR_OPTS)
			d = &opts[c - 256];
		for (size_t i = 0; !d && c != ':' && c != '?' && i < NR_OPTS; i++)
			if (opts[i].letter == c)
				d = &opts[i];
		if (c == ':')
			return usage_error("option '%s' needs an argument", argv[optind - 1]);
		if (!d)
			return usage_error("unknown option '%s'", argv[optind - 1]);
		r = apply(o, d, optarg);
		if (r != VMM_GO_ON)
			return r;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o->run.resume_path && o->m.restore_path)
		return usage_error("--resume and --restore: give one (a hibernated machine, or a "
				   "snapshotted VM)");
	return VMM_GO_ON;
}

int options_check(struct options *opt)
{
	struct vmm_opts *o = &opt->m;
	const struct vmm_run *run = &opt->run;
	const char *knob;

	if (!o->kernel && !o->restore_path)
		return usage_error("no kernel: give --kernel IMAGE");
	/* Test knob (docs/hibernate.md): a build whose default version differs. */
	knob = getenv("VPSCI_RUN_DEFAULT_PSCI_VERSION");
	if (!o->psci_version && knob && !vmm_parse_version(knob, &o->psci_version))
		return usage_error("VPSCI_RUN_DEFAULT_PSCI_VERSION: expected 0.1 to 1.3");
	if (o->machine_on_off && !run->machine_path)
		return usage_error("--machine-on-off needs --machine FILE");
	if (run->snapshot_continue && !run->snapshot_path)
		return usage_error("--snapshot-continue needs --snapshot FILE");
	if (run->snapshot_path && o->mode_set && o->mode != VMM_PSCI_USER)
		return usage_error("--snapshot needs --psci=user");
	if ((run->snapshot_path || o->restore_path) && o->nr_disks)
		return usage_error("--snapshot/--restore: VMs with a --disk cannot be snapshotted "
				   "yet (the disk file is not part of the snapshot)");
	if (o->system_suspend_set && o->psci_version && o->psci_version < VPSCI_VERSION_1_0)
		return usage_error("--system-suspend needs PSCI 1.0 or later");
	return VMM_GO_ON;
}
