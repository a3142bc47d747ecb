// SPDX-License-Identifier: BSD-2-Clause
/*
 * vpsci-run: a reference VMM for Linux KVM/arm64 whose PSCI firmware is
 * libvpsci, in userspace (docs/vpsci-run.md). The top of the layers
 * (docs/design.md): options -> host checks -> boot loop -> exit status.
 * Every boot builds a fresh VM from the same options; a reboot in place
 * destroys it and builds the next.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <libfdt.h>

#include "boot.h"
#include "device.h"
#include "events.h"
#include "hw/hw.h"
#include "kvm_compat.h"
#include "log.h"
#include "options.h"
#include "psci/psci.h"
#include "signals.h"
#include "state/state.h"
#include "util/names.h"
#include "vmm.h"

/*
 * --resume loads the machine description into the options, then every
 * combination is checked; the --disk files are opened, the machine's
 * devices registered, and a --restore file is validated against them,
 * before anything touches KVM. Returns VMM_GO_ON or a status.
 */
static int prepare(struct options *opt, struct vmm_devices *devices)
{
	int r;

	if (opt->run.resume_path) {
		r = machine_load(opt->run.resume_path, &opt->m);
		if (r)
			return r;
		if (!opt->run.machine_path)
			opt->run.machine_path = opt->run.resume_path;
	}
	r = options_check(opt);
	if (r == VMM_GO_ON)
		r = pm_check_opts(&opt->m);
	if (r != VMM_GO_ON)
		return r;
	vmm_verbose = opt->run.verbose;
	r = disk_open_all(&opt->m);
	if (r)
		return r;
	vmm_devices_init(devices, &vmm_kvm_vm_ops);
	if (virt_register(devices, &opt->m) < 0)
		return VMM_EXIT_HOST;
	if (opt->m.restore_path) {
		r = snapshot_load(&opt->m, devices);
		if (r)
			return r;
	}
	return VMM_GO_ON;
}

/* Open the KVM device and check the options against the host. Returns VMM_GO_ON or a status. */
static int host_open(const struct options *opt, int *kvm_fd)
{
	const char *dev = opt->run.kvm_device;
	unsigned int max_vcpus;
	int r, fd;

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		vmm_log("cannot open %s: %s (is this an arm64 host with KVM enabled, and may "
			"this user use it?)", dev, strerror(errno));
		return VMM_EXIT_HOST;
	}
	r = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (r != KVM_API_VERSION) {
		vmm_log("%s: not KVM (KVM_GET_API_VERSION gave %d, expected %d)", dev, r,
			KVM_API_VERSION);
		close(fd);
		return VMM_EXIT_HOST;
	}
	r = vm_host_check(fd, &opt->m, &max_vcpus);
	if (r) {
		close(fd);
		return r;
	}
	*kvm_fd = fd;
	return VMM_GO_ON;
}

/*
 * --machine: after SYSTEM_OFF2 (and, with --machine-on-off, a plain
 * SYSTEM_OFF) write the machine description while the engine is intact.
 * Returns 0 or VMM_EXIT_HOST (the guest's image would be unusable).
 */
static int hibernate_record(struct vmm *vm, const struct vmm_run *run, enum vmm_outcome out)
{
	const char *reason;
	char extra[64];
	double t0 = vmm_now();
	int r;

	if (!run->machine_path)
		return 0;
	if (out == VMM_OUT_HIBERNATE)
		reason = "SYSTEM_OFF2";
	else if (out == VMM_OUT_OFF && vm->opts->machine_on_off)
		reason = "SYSTEM_OFF";
	else
		return 0;
	r = machine_save(vm, run->machine_path, reason);
	if (r)
		return r;
	snprintf(extra, sizeof(extra), ",\"reason\":\"%s\",\"ms\":%.1f", reason,
		 (vmm_now() - t0) * 1e3);
	events_note("MACHINE", extra);
	vmm_debug("machine description written to %s (%s)", run->machine_path, reason);
	return 0;
}

/*
 * --dump-dtb FILE: the tree exactly as the guest would get it (built by the
 * loader into guest RAM), so tests can check the idle-state nodes with dtc.
 * Returns VMM_EXIT_OFF (0) or VMM_EXIT_USAGE after a message.
 */
static int dump_dtb(const struct vmm *vm, const char *path)
{
	const uint8_t *dtb = vm->ram + (vm->dtb_addr - VMM_RAM_BASE);
	size_t size = fdt_totalsize(dtb), done = 0;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		vmm_log("--dump-dtb: cannot open '%s': %s", path, strerror(errno));
		return VMM_EXIT_USAGE;
	}
	while (done < size) {
		ssize_t n = write(fd, dtb + done, size - done);

		if (n <= 0) {
			vmm_log("--dump-dtb: write '%s': %s", path,
				n < 0 ? strerror(errno) : "short write");
			close(fd);
			return VMM_EXIT_USAGE;
		}
		done += (size_t)n;
	}
	if (close(fd) < 0) {
		vmm_log("--dump-dtb: close '%s': %s", path, strerror(errno));
		return VMM_EXIT_USAGE;
	}
	return VMM_EXIT_OFF;
}

/*
 * The VM runs (again after each --snapshot-continue). Returns its outcome;
 * *status: a failed snapshot's.
 */
static enum vmm_outcome run_vm(struct vmm *vm, const struct vmm_run *run, int *status)
{
	enum vmm_outcome out;

	signals_attach(vm);
	out = vm_run(vm);
	while (out == VMM_OUT_SNAPSHOT) {
		*status = snapshot_write(vm, run->snapshot_path);
		if (*status || !run->snapshot_continue)
			break;
		signals_snapshot_done();
		snapshot_continue(vm);
		out = vm_run(vm);
	}
	signals_detach();
	return out;
}

/* What one boot hands to the next, and to the exit status. */
struct boot {
	unsigned int nr;	/* 0 for the first boot */
	bool mem_protect;	/* MEM_PROTECT was on at a reset: keep it on */
	int snap_status;	/* a failed --snapshot write: its status */
};

/* The BOOT event and the -v line of a VM about to run. */
static void boot_note(const struct vmm *vm, const struct boot *b)
{
	char extra[160], vs[VMM_VERSION_STR_LEN];

	snprintf(extra, sizeof(extra), ",\"boot\":%u,\"mode\":\"%s\",\"version\":\"%s\","
		 "\"cpus\":%u,\"gic\":%d", b->nr, vmm_mode_name(vm->mode),
		 vmm_version_str(vm->psci_version, vs, sizeof(vs)), vm->nr_vcpus, vm->gic_version);
	events_note("BOOT", extra);
}

/*
 * One boot from creation to teardown. Returns VMM_GO_ON with *out, or the
 * status to exit with (a failed creation, --dump-dtb, a failed description).
 */
static int boot_once(const struct options *opt, struct vmm_devices *devices, int kvm_fd,
		     struct boot *b, enum vmm_outcome *out)
{
	struct vmm *vm = calloc(1, sizeof(*vm));
	int r;

	if (!vm) {
		vmm_log("out of memory");
		return VMM_EXIT_HOST;
	}
	vm->boot_nr = b->nr;
	vm->devices = devices;
	r = boot_create(vm, &opt->m, kvm_fd);
	if (!r && opt->run.dump_dtb) {
		r = dump_dtb(vm, opt->run.dump_dtb);
		goto out;
	}
	if (!r) {
		boot_note(vm, b);
		r = pm_after_create(vm, b->mem_protect);
	}
	if (r)
		goto out;
	vmm_debug("boot %u: %u vCPUs, %" PRIu64 " MiB, vGICv%d, PSCI mode %s", b->nr,
		  vm->nr_vcpus, opt->m.mem_mib, vm->gic_version, vmm_mode_name(vm->mode));
	*out = run_vm(vm, &opt->run, &b->snap_status);
	r = hibernate_record(vm, &opt->run, *out);
	b->mem_protect = *out == VMM_OUT_RESET && pm_before_reboot(vm);
	if (!r)
		r = VMM_GO_ON;
out:
	vm_destroy(vm);
	free(vm);
	return r;
}

static const char *const outcome_names[] = {
	[VMM_OUT_NONE] = "none",	[VMM_OUT_OFF] = "off",
	[VMM_OUT_RESET] = "reset",	[VMM_OUT_HIBERNATE] = "hibernated",
	[VMM_OUT_CRASH] = "crash",	[VMM_OUT_HOST_ERROR] = "host_error",
	[VMM_OUT_STOPPED] = "stopped",	[VMM_OUT_SNAPSHOT] = "snapshot",
};

/* The exit status of each way a boot ends (a reset: VMM_GO_ON, reboot in place). */
static const int outcome_status[] = {
	[VMM_OUT_NONE] = VMM_EXIT_STOPPED,	[VMM_OUT_OFF] = VMM_EXIT_OFF,
	[VMM_OUT_RESET] = VMM_GO_ON,		[VMM_OUT_HIBERNATE] = VMM_EXIT_HIBERNATED,
	[VMM_OUT_CRASH] = VMM_EXIT_CRASH,	[VMM_OUT_HOST_ERROR] = VMM_EXIT_HOST,
	[VMM_OUT_STOPPED] = VMM_EXIT_STOPPED,	[VMM_OUT_SNAPSHOT] = VMM_EXIT_SNAPSHOT,
};

/* Boot until an outcome ends the run. Returns the exit status. */
static int boot_loop(const struct options *opt, struct vmm_devices *devices, int kvm_fd)
{
	struct boot b = { 0 };
	enum vmm_outcome out = VMM_OUT_NONE;
	int r;

	for (;; b.nr++) {
		r = boot_once(opt, devices, kvm_fd, &b, &out);
		if (r != VMM_GO_ON)
			return r;
		vmm_debug("boot %u ended: %s", b.nr, outcome_names[out]);
		r = outcome_status[out];
		if (out == VMM_OUT_SNAPSHOT && b.snap_status)
			r = b.snap_status;
		if (out == VMM_OUT_RESET &&
		    (opt->m.no_reboot || (opt->run.max_reboots && b.nr >= opt->run.max_reboots)))
			r = VMM_EXIT_RESET;
		if (r != VMM_GO_ON)
			return r;
	}
}

/* The EXIT event, the events log closed, the terminal restored. Returns status. */
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
	struct options opt;
	/*
	 * The machine's devices (hw/virt.c), for the whole process: the console's
	 * input thread uses its device until exit, so they are never freed, and
	 * static storage keeps them reachable for the leak checker after main()
	 * returns.
	 */
	static struct vmm_devices devices;
	char extra[96];
	int kvm_fd = -1, r;

	/*
	 * Host signals are blocked before anything else, so one sent while
	 * vpsci-run starts (a SIGUSR1 wake-up, a SIGINT) waits for the signal
	 * thread instead of killing the process with the default action.
	 */
	signals_block_early();
	crash_setup();
	vmm_now();	/* start the clock */
	options_init(&opt);
	r = options_parse(&opt, argc, argv);
	if (r == VMM_GO_ON)
		r = prepare(&opt, &devices);
	if (r == VMM_GO_ON)
		r = host_open(&opt, &kvm_fd);
	if (r != VMM_GO_ON)
		return r;
	if (events_open(opt.run.events_path) < 0)
		return VMM_EXIT_USAGE;
	if (signals_start(opt.run.snapshot_path != NULL) < 0)
		return finish(VMM_EXIT_HOST);
	if (opt.run.resume_path) {
		snprintf(extra, sizeof(extra), ",\"cpus\":%u,\"disks\":%u", opt.m.cpus,
			 opt.m.nr_disks);
		events_note("RESUME", extra);
	}
	r = boot_loop(&opt, &devices, kvm_fd);
	/* What --resume / --restore loaded, freed so that a leak checker sees nothing left. */
	machine_release(&opt.m);
	snapshot_release(&opt.m);
	return finish(r);
}
