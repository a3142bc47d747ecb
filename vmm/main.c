// SPDX-License-Identifier: BSD-2-Clause
/*
 * vpsci-run: a reference VMM for Linux KVM/arm64 whose PSCI firmware is
 * libvpsci, in userspace. Options, exit statuses, host signals and the
 * reboot-in-place loop live here; see docs/vpsci-run.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm_compat.h"
#include "vmm.h"

#define DEFAULT_MEM_MIB		512

static const char *kvm_device = "/dev/kvm";
static const char *resume_path;

static const char usage_text[] =
	"Usage: vpsci-run [OPTIONS] --kernel IMAGE\n"
	"Boot an arm64 Linux Image (or a bare-metal image with the same header, x0 = DTB)\n"
	"under KVM on QEMU virt's memory map, with PSCI answered by libvpsci.\n"
	"\n"
	"  -k, --kernel IMAGE       arm64 Image to boot (required, unless --resume)\n"
	"  -i, --initrd FILE        initial ramdisk\n"
	"  -p, --append CMDLINE     kernel command line (also -append)\n"
	"  -c, --cpus N             number of vCPUs, 1 up to KVM's maximum (also -smp N)\n"
	"  -m, --mem MIB            guest RAM in MiB (suffix M or G accepted; default 512)\n"
	"      --psci=MODE          user | hybrid | kernel: who answers PSCI (default: user\n"
	"                           where the host has KVM's SMCCC filter, else kernel)\n"
	"      --psci-version=X.Y   guest-visible PSCI version, 0.1 to 1.3 (default: 1.3;\n"
	"                           kernel mode: what KVM offers)\n"
	"      --conduit=hvc|smc    conduit advertised in the device tree (default hvc)\n"
	"      --no-system-suspend  withhold SYSTEM_SUSPEND (suspend to RAM); it is offered by\n"
	"                           default with PSCI 1.0 or later (kernel mode: where KVM\n"
	"                           has KVM_CAP_ARM_SYSTEM_SUSPEND)\n"
	"      --system-suspend     offer it (the default; an error where it cannot be)\n"
	"      --power-domains=LVL  power-domain hierarchy up to cpu | cluster | system, with\n"
	"                           idle states in the DT (user mode; default: none)\n"
	"      --cpus-per-cluster=N MPIDR Aff1 = vCPU / N, Aff0 = vCPU % N (1..16; default:\n"
	"                           KVM's, 16 per Aff1)\n"
	"      --pm-features=LIST   offer optional PSCI functions: all, or a comma list of\n"
	"                           osi, ext-stateid, stat, freeze, default-suspend,\n"
	"                           node-hw-state, mem-protect (user mode; mem-protect also\n"
	"                           hybrid; default: none)\n"
	"      --no-reboot          exit with status 5 on SYSTEM_RESET instead of rebooting\n"
	"      --max-reboots N      after N reboots in place, exit with status 5\n"
	"      --events FILE        write one JSON object per line per PSCI call/system event\n"
	"      --dump-dtb FILE      write the guest's device tree (DTB) to FILE and exit 0\n"
	"                           without running the guest\n"
	"      --disk FILE          a guest disk: FILE (size a multiple of 2 MiB) as a DT\n"
	"                           pmem-region, /dev/pmemN in Linux; up to 4, in order\n"
	"      --machine FILE       when the guest hibernates (SYSTEM_OFF2), write the\n"
	"                           machine description to FILE (docs/hibernate.md)\n"
	"      --machine-on-off     write it on a plain SYSTEM_OFF too (guests that hibernate\n"
	"                           without SYSTEM_OFF2: the host cannot tell)\n"
	"      --resume FILE        bring up the machine FILE describes, so the guest resumes\n"
	"                           from its hibernation image; options must not contradict\n"
	"                           it; the next description is written to FILE again unless\n"
	"                           --machine says otherwise\n"
	"      --kvm-device PATH    KVM device to open (default /dev/kvm)\n"
	"      --snapshot FILE      on SIGQUIT, pause the VM, write it to FILE, exit 7\n"
	"      --snapshot-continue  after writing the snapshot, the VM runs on (no exit)\n"
	"      --restore FILE       continue the VM snapshotted in FILE (no --kernel)\n"
	"  -v, --verbose            human-readable log on stderr (twice: every PSCI call)\n"
	"  -h, --help               this text\n"
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


static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

/* -m: MiB, or with an M / G suffix. */
static bool parse_mem(const char *s, uint64_t *mib)
{
	char buf[32];
	size_t n = strlen(s);
	uint64_t mul = 1, v;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n + 1);
	if (buf[n - 1] == 'M' || buf[n - 1] == 'm') {
		buf[n - 1] = 0;
	} else if (buf[n - 1] == 'G' || buf[n - 1] == 'g') {
		buf[n - 1] = 0;
		mul = 1024;
	}
	if (!parse_u64(buf, &v) || v == 0 || v > (1ull << 30))
		return false;
	*mib = v * mul;
	return true;
}

/* --cpus / -smp: "N", or QEMU's "cpus=N[,...]" / "N,sockets=..." forms. */
static bool parse_cpus(const char *s, unsigned int *cpus)
{
	char buf[64];
	char *comma;
	uint64_t v;

	if (strncmp(s, "cpus=", 5) == 0)
		s += 5;
	if (strlen(s) >= sizeof(buf))
		return false;
	memcpy(buf, s, strlen(s) + 1);
	comma = strchr(buf, ',');
	if (comma)
		*comma = 0;
	if (!parse_u64(buf, &v) || v == 0 || v > VPSCI_MAX_VCPUS)
		return false;
	*cpus = (unsigned int)v;
	return true;
}

static bool parse_version(const char *s, uint32_t *out)
{
	static const struct {
		const char *name;
		uint32_t v;
	} versions[] = {
		{ "0.1", VPSCI_VERSION_0_1 }, { "0.2", VPSCI_VERSION_0_2 },
		{ "1.0", VPSCI_VERSION_1_0 }, { "1.1", VPSCI_VERSION_1_1 },
		{ "1.2", VPSCI_VERSION_1_2 }, { "1.3", VPSCI_VERSION_1_3 },
	};

	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		if (strcmp(s, versions[i].name) == 0) {
			*out = versions[i].v;
			return true;
		}
	return false;
}

enum {
	OPT_PSCI = 256,
	OPT_PSCI_VERSION,
	OPT_CONDUIT,
	OPT_NO_REBOOT,
	OPT_EVENTS,
	OPT_SYSTEM_SUSPEND,
	OPT_NO_SYSTEM_SUSPEND,
	OPT_MAX_REBOOTS,
	OPT_SMP,
	OPT_KVM_DEVICE,
	OPT_DISK,
	OPT_MACHINE,
	OPT_MACHINE_ON_OFF,
	OPT_RESUME,
	OPT_SNAPSHOT,
	OPT_RESTORE,
	OPT_SNAPSHOT_ABI,
	OPT_SNAPSHOT_CONTINUE,
};

static const struct option long_opts[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "append", required_argument, NULL, 'p' },
	{ "params", required_argument, NULL, 'p' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "smp", required_argument, NULL, OPT_SMP },
	{ "mem", required_argument, NULL, 'm' },
	{ "psci", required_argument, NULL, OPT_PSCI },
	{ "psci-version", required_argument, NULL, OPT_PSCI_VERSION },
	{ "conduit", required_argument, NULL, OPT_CONDUIT },
	{ "no-reboot", no_argument, NULL, OPT_NO_REBOOT },
	{ "max-reboots", required_argument, NULL, OPT_MAX_REBOOTS },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "system-suspend", no_argument, NULL, OPT_SYSTEM_SUSPEND },
	{ "no-system-suspend", no_argument, NULL, OPT_NO_SYSTEM_SUSPEND },
	{ "kvm-device", required_argument, NULL, OPT_KVM_DEVICE },
	{ "disk", required_argument, NULL, OPT_DISK },
	{ "machine", required_argument, NULL, OPT_MACHINE },
	{ "machine-on-off", no_argument, NULL, OPT_MACHINE_ON_OFF },
	{ "resume", required_argument, NULL, OPT_RESUME },
	{ "snapshot", required_argument, NULL, OPT_SNAPSHOT },
	{ "restore", required_argument, NULL, OPT_RESTORE },
	{ "snapshot-abi", required_argument, NULL, OPT_SNAPSHOT_ABI },
	{ "snapshot-continue", no_argument, NULL, OPT_SNAPSHOT_CONTINUE },
	{ "power-domains", required_argument, NULL, PM_OPT_POWER_DOMAINS },
	{ "cpus-per-cluster", required_argument, NULL, PM_OPT_CPUS_PER_CLUSTER },
	{ "pm-features", required_argument, NULL, PM_OPT_PM_FEATURES },
	{ "dump-dtb", required_argument, NULL, PM_OPT_DUMP_DTB },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Returns -1 to go on, or an exit status (0 for --help). */
static int parse_args(int argc, char **argv, struct vmm_opts *o)
{
	const char *knob;
	uint64_t v;
	int c, r;

	/* QEMU's single-dash spellings. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-smp") == 0)
			argv[i] = "--smp";
		else if (strcmp(argv[i], "-append") == 0)
			argv[i] = "--append";
		else if (strcmp(argv[i], "-kernel") == 0)
			argv[i] = "--kernel";
		else if (strcmp(argv[i], "-initrd") == 0)
			argv[i] = "--initrd";
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:i:p:c:m:vh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			o->given |= VMM_GIVEN_KERNEL;
			o->kernel = optarg;
			break;
		case 'i':
			o->given |= VMM_GIVEN_INITRD;
			o->initrd = optarg;
			break;
		case 'p':
			o->given |= VMM_GIVEN_APPEND;
			o->append = optarg;
			break;
		case 'c':
		case OPT_SMP:
			o->given |= VMM_GIVEN_CPUS;
			if (!parse_cpus(optarg, &o->cpus))
				return usage_error("--cpus '%s': expected a vCPU count from 1 "
						   "to %u", optarg, VPSCI_MAX_VCPUS);
			break;
		case 'm':
			o->given |= VMM_GIVEN_MEM;
			if (!parse_mem(optarg, &o->mem_mib))
				return usage_error("--mem '%s': expected a size in MiB (or "
						   "with M/G)", optarg);
			break;
		case OPT_PSCI:
			o->mode_set = true;
			if (strcmp(optarg, "user") == 0)
				o->mode = VMM_PSCI_USER;
			else if (strcmp(optarg, "hybrid") == 0)
				o->mode = VMM_PSCI_HYBRID;
			else if (strcmp(optarg, "kernel") == 0)
				o->mode = VMM_PSCI_KERNEL;
			else
				return usage_error("--psci '%s': expected user, hybrid or kernel",
						   optarg);
			break;
		case OPT_PSCI_VERSION:
			o->given |= VMM_GIVEN_PSCI_VERSION;
			if (!parse_version(optarg, &o->psci_version))
				return usage_error("--psci-version '%s': expected 0.1, 0.2, "
						   "1.0, 1.1, 1.2 or 1.3", optarg);
			break;
		case OPT_CONDUIT:
			o->given |= VMM_GIVEN_CONDUIT;
			if (strcmp(optarg, "hvc") == 0)
				o->conduit = VPSCI_CONDUIT_HVC;
			else if (strcmp(optarg, "smc") == 0)
				o->conduit = VPSCI_CONDUIT_SMC;
			else
				return usage_error("--conduit '%s': expected hvc or smc", optarg);
			break;
		case OPT_NO_REBOOT:
			o->no_reboot = true;
			break;
		case OPT_MAX_REBOOTS:
			if (!parse_u64(optarg, &v) || v > 1000000)
				return usage_error("--max-reboots '%s': expected a count", optarg);
			o->max_reboots = (unsigned int)v;
			break;
		case OPT_EVENTS:
			o->events_path = optarg;
			break;
		case OPT_KVM_DEVICE:
			kvm_device = optarg;
			break;
		case OPT_SNAPSHOT:
			o->snapshot_path = optarg;
			break;
		case OPT_RESTORE:
			o->restore_path = optarg;
			break;
		case OPT_SNAPSHOT_ABI:
			if (!parse_u64(optarg, &v) || v == 0 || v > UINT32_MAX)
				return usage_error("--snapshot-abi '%s': expected a number", optarg);
			o->snapshot_abi = (uint32_t)v;
			break;
		case OPT_SNAPSHOT_CONTINUE:
			o->snapshot_continue = true;
			break;
		case OPT_SYSTEM_SUSPEND:
			o->given |= VMM_GIVEN_SYSTEM_SUSPEND;
			o->system_suspend = true;
			o->system_suspend_set = true;
			break;
		case OPT_NO_SYSTEM_SUSPEND:
			o->given |= VMM_GIVEN_SYSTEM_SUSPEND;
			o->system_suspend = false;
			o->system_suspend_set = false;
			break;
		case OPT_DISK:
			o->given |= VMM_GIVEN_DISK;
			if (disk_add(o, optarg) < 0)
				return VMM_EXIT_USAGE;
			break;
		case OPT_MACHINE:
			o->machine_path = optarg;
			break;
		case OPT_MACHINE_ON_OFF:
			o->machine_on_off = true;
			break;
		case OPT_RESUME:
			resume_path = optarg;
			break;
		case PM_OPT_POWER_DOMAINS:
		case PM_OPT_CPUS_PER_CLUSTER:
		case PM_OPT_PM_FEATURES:
		case PM_OPT_DUMP_DTB:
			r = pm_parse_opt(&o->pm, c, optarg);
			if (r >= 0)
				return r;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case ':':
			return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (resume_path && o->restore_path)
		return usage_error("--resume and --restore: give one (a hibernated machine, or a "
				   "snapshotted VM)");
	if (resume_path) {
		r = machine_load(resume_path, o);

		if (r)
			return r;
		if (!o->machine_path)
			o->machine_path = resume_path;
	}
	if (!o->kernel && !o->restore_path)
		return usage_error("no kernel: give --kernel IMAGE");
	/* Test knob (docs/hibernate.md): a build whose default version differs. */
	knob = getenv("VPSCI_RUN_DEFAULT_PSCI_VERSION");
	if (!o->psci_version && knob && !parse_version(knob, &o->psci_version))
		return usage_error("VPSCI_RUN_DEFAULT_PSCI_VERSION: expected 0.1 to 1.3");
	if (o->machine_on_off && !o->machine_path)
		return usage_error("--machine-on-off needs --machine FILE");
	if (o->snapshot_continue && !o->snapshot_path)
		return usage_error("--snapshot-continue needs --snapshot FILE");
	if (o->snapshot_path && o->mode_set && o->mode != VMM_PSCI_USER)
		return usage_error("--snapshot needs --psci=user");
	if ((o->snapshot_path || o->restore_path) && o->nr_disks)
		return usage_error("--snapshot/--restore: VMs with a --disk cannot be snapshotted "
				   "yet (the disk file is not part of the snapshot)");
	if (o->system_suspend_set && o->psci_version && o->psci_version < VPSCI_VERSION_1_0)
		return usage_error("--system-suspend needs PSCI 1.0 or later");
	return pm_check_opts(o);
}

/* ---- host signals ------------------------------------------------------ */

static pthread_mutex_t cur_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vmm *cur_vm;
static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t snapshot_requested;
static bool snapshot_armed;	/* --snapshot given: SIGQUIT snapshots */

static void set_current(struct vmm *vm)
{
	pthread_mutex_lock(&cur_lock);
	cur_vm = vm;
	pthread_mutex_unlock(&cur_lock);
}

/* SIGUSR1 wakes a suspended guest; SIGINT/SIGTERM/SIGHUP stop the run. */
static void *signal_thread(void *arg)
{
	sigset_t *set = arg;
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		pthread_mutex_lock(&cur_lock);
		if (sig == SIGUSR1) {
			if (cur_vm)
				vm_wake(cur_vm, "signal");
		} else if (sig == SIGQUIT) {
			if (!cur_vm) {
				snapshot_requested = 1;	/* between boots: the next VM */
			} else if (snapshot_pausable(cur_vm)) {
				atomic_store(&cur_vm->pausing, true);
				vm_finish(cur_vm, VMM_OUT_SNAPSHOT);
			}
		} else {
			stop_requested = 1;
			if (cur_vm)
				vm_finish(cur_vm, VMM_OUT_STOPPED);
		}
		pthread_mutex_unlock(&cur_lock);
	}
	return NULL;
}

static void signals_block_early(void)
{
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
}

static int signals_setup(void)
{
	static sigset_t set;
	sigset_t block;
	pthread_t t;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	if (snapshot_armed)
		sigaddset(&set, SIGQUIT);
	block = set;
	sigaddset(&block, SIGUSR2);	/* the vCPU kick: only vCPU threads take it */
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (pthread_create(&t, NULL, signal_thread, &set) != 0) {
		vmm_log("cannot start the signal thread");
		return -1;
	}
	pthread_detach(t);
	return 0;
}

static const char *outcome_name(enum vmm_outcome o)
{
	switch (o) {
	case VMM_OUT_NONE:
		return "none";
	case VMM_OUT_OFF:
		return "off";
	case VMM_OUT_RESET:
		return "reset";
	case VMM_OUT_HIBERNATE:
		return "hibernated";
	case VMM_OUT_CRASH:
		return "crash";
	case VMM_OUT_HOST_ERROR:
		return "host_error";
	case VMM_OUT_STOPPED:
		return "stopped";
	case VMM_OUT_SNAPSHOT:
		return "snapshot";
	}
	return "?";
}

/*
 * --machine: after SYSTEM_OFF2 (and, with --machine-on-off, a plain
 * SYSTEM_OFF) write the machine description while the engine is intact.
 * Returns 0 or VMM_EXIT_HOST (the guest's image would be unusable).
 */
static int hibernate_record(struct vmm *vm, enum vmm_outcome out)
{
	const struct vmm_opts *o = vm->opts;
	const char *reason;
	char extra[64];
	double t0 = vmm_now();
	int r;

	if (!o->machine_path)
		return 0;
	if (out == VMM_OUT_HIBERNATE)
		reason = "SYSTEM_OFF2";
	else if (out == VMM_OUT_OFF && o->machine_on_off)
		reason = "SYSTEM_OFF";
	else
		return 0;
	r = machine_save(vm, o->machine_path, reason);
	if (r)
		return r;
	snprintf(extra, sizeof(extra), ",\"reason\":\"%s\",\"ms\":%.1f", reason,
		 (vmm_now() - t0) * 1e3);
	events_note("MACHINE", extra);
	vmm_debug("machine description written to %s (%s)", o->machine_path, reason);
	return 0;
}

static int finish(int status)
{
	char extra[48];

	snprintf(extra, sizeof(extra), ",\"status\":%d", status);
	events_note("EXIT", extra);
	events_close();
	uart_restore_tty();
	return status;
}

int main(int argc, char **argv)
{
	struct vmm_opts o = {
		.cpus = 1,
		.mem_mib = DEFAULT_MEM_MIB,
		.conduit = VPSCI_CONDUIT_HVC,
		.system_suspend = true,
	};
	unsigned int max_vcpus, boot;
	bool mem_protect = false;
	int kvm_fd, r;

	/*
	 * Host signals are blocked before anything else, so one sent while
	 * vpsci-run starts (a SIGUSR1 wake-up, a SIGINT) waits for the signal
	 * thread instead of killing the process with the default action.
	 */
	signals_block_early();
	crash_setup();
	vmm_now();	/* start the clock */
	r = parse_args(argc, argv, &o);
	if (r >= 0)
		return r;
	vmm_verbose = o.verbose;
	r = disk_open_all(&o);
	if (r)
		return r;
	snapshot_armed = o.snapshot_path != NULL;
	/* A bad snapshot file is refused before anything touches KVM. */
	if (o.restore_path) {
		r = snapshot_load(&o);
		if (r)
			return r;
	}

	kvm_fd = open(kvm_device, O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		vmm_log("cannot open %s: %s (is this an arm64 host with KVM enabled, and may "
			"this user use it?)", kvm_device, strerror(errno));
		return VMM_EXIT_HOST;
	}
	r = ioctl(kvm_fd, KVM_GET_API_VERSION, 0);
	if (r != KVM_API_VERSION) {
		vmm_log("%s: not KVM (KVM_GET_API_VERSION gave %d, expected %d)", kvm_device, r,
			KVM_API_VERSION);
		return VMM_EXIT_HOST;
	}
	r = vm_host_check(kvm_fd, &o, &max_vcpus);
	if (r)
		return r;
	if (events_open(o.events_path) < 0)
		return VMM_EXIT_USAGE;
	if (signals_setup() < 0 || uart_init() < 0 || rtc_init() < 0)
		return finish(VMM_EXIT_HOST);
	if (resume_path) {
		char extra[96];

		snprintf(extra, sizeof(extra), ",\"cpus\":%u,\"disks\":%u", o.cpus, o.nr_disks);
		events_note("RESUME", extra);
	}

	for (boot = 0;; boot++) {
		struct vmm *vm = calloc(1, sizeof(*vm));
		enum vmm_outcome out;
		char extra[160];
		int snap_status = 0;

		if (!vm) {
			vmm_log("out of memory");
			return finish(VMM_EXIT_HOST);
		}
		vm->boot_nr = boot;
		r = vm_create(vm, &o, kvm_fd);
		if (r) {
			vm_destroy(vm);
			free(vm);
			return finish(r);
		}
		snprintf(extra, sizeof(extra), ",\"boot\":%u,\"mode\":\"%s\",\"version\":\"%" PRIu32
			 ".%" PRIu32 "\",\"cpus\":%u,\"gic\":%d", boot,
			 psci_mode_name(vm->mode), VPSCI_VERSION_MAJOR(vm->psci_version),
			 VPSCI_VERSION_MINOR(vm->psci_version), vm->nr_vcpus, vm->gic_version);
		if (o.pm.dump_dtb) {
			r = pm_dump_dtb(vm);
			vm_destroy(vm);
			free(vm);
			return finish(r);
		}
		events_note("BOOT", extra);
		r = pm_after_create(vm, mem_protect);
		if (r) {
			vm_destroy(vm);
			free(vm);
			return finish(r);
		}
		vmm_debug("boot %u: %u vCPUs, %" PRIu64 " MiB, vGICv%d, PSCI mode %s", boot,
			  vm->nr_vcpus, o.mem_mib, vm->gic_version, psci_mode_name(vm->mode));
		set_current(vm);
		if (stop_requested)
			vm_finish(vm, VMM_OUT_STOPPED);
		if (snapshot_requested) {
			atomic_store(&vm->pausing, true);
			vm_finish(vm, VMM_OUT_SNAPSHOT);
		}
		out = vm_run(vm);
		while (out == VMM_OUT_SNAPSHOT) {
			snap_status = snapshot_write(vm, o.snapshot_path);
			if (snap_status || !o.snapshot_continue)
				break;
			snapshot_requested = 0;
			snapshot_continue(vm);
			out = vm_run(vm);
		}
		set_current(NULL);
		r = hibernate_record(vm, out);
		mem_protect = out == VMM_OUT_RESET && pm_before_reboot(vm);
		vm_destroy(vm);
		free(vm);
		if (r)
			return finish(r);
		vmm_debug("boot %u ended: %s", boot, outcome_name(out));

		switch (out) {
		case VMM_OUT_OFF:
			return finish(VMM_EXIT_OFF);
		case VMM_OUT_RESET:
			if (o.no_reboot || (o.max_reboots && boot >= o.max_reboots))
				return finish(VMM_EXIT_RESET);
			continue;
		case VMM_OUT_HIBERNATE:
			return finish(VMM_EXIT_HIBERNATED);
		case VMM_OUT_CRASH:
			return finish(VMM_EXIT_CRASH);
		case VMM_OUT_HOST_ERROR:
			return finish(VMM_EXIT_HOST);
		case VMM_OUT_SNAPSHOT:
			return finish(snap_status ? snap_status : VMM_EXIT_SNAPSHOT);
		case VMM_OUT_STOPPED:
		case VMM_OUT_NONE:
			return finish(VMM_EXIT_STOPPED);
		}
	}
}
