// SPDX-License-Identifier: BSD-2-Clause
/*
 * Hibernate and resume (docs/hibernate.md): on SYSTEM_OFF2 (or a plain
 * SYSTEM_OFF with --machine-on-off) write the description of the machine
 * the guest leaves (--machine FILE); --resume FILE brings the identical
 * machine up again. A hibernated Linux resumes only on the machine it left:
 * same kernel, same vCPUs and MPIDRs, same RAM, same disks, same device
 * tree and the same PSCI version and engine state (DEN0022F 5.10.2:
 * SYSTEM_OFF2 asks the host to keep the configuration).
 *
 * The text format is state/desc.c's (KVM-free); the record is machine.h's;
 * the check of the options against it is the one table of machine.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "state/desc.h"
#include "state/record.h"
#include "state/state.h"
#include "util/file.h"

/*
 * Write the description of the VM that just stopped (its vCPUs are all
 * stopped: the engine snapshot is stable), replacing 'path' atomically.
 * Returns 0, or VMM_EXIT_HOST after a message.
 */
int machine_save(struct vmm *vm, const char *path, const char *reason)
{
	struct hib_desc d = { .machine_on_off = vm->opts->machine_on_off };
	struct vmm_buf b = { 0 };
	char why[200];
	int r;

	snprintf(d.reason, sizeof(d.reason), "%s", reason);
	r = machine_of_vm(vm, true, &d.m);
	if (!r) {
		r = desc_format(&d, &b, why, sizeof(why));
		if (r == -EINVAL)
			vmm_log("--machine '%s': %s", path, why);
		else if (r)
			vmm_log("--machine '%s': out of memory", path);
		r = r ? VMM_EXIT_HOST : 0;
	}
	if (!r) {
		int e = vmm_file_replace(path, b.p, b.len);

		if (e)
			vmm_log("--machine '%s': cannot write it: %s", path, strerror(-e));
		r = e ? VMM_EXIT_HOST : 0;
	}
	vmm_buf_free(&b);
	vmm_machine_free(&d.m);
	return r ? VMM_EXIT_HOST : 0;
}

static int bad(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A description that cannot be used: say why, exit status 1. */
static int bad(const char *path, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vmm_log("--resume '%s': %s", path, msg);
	return VMM_EXIT_USAGE;
}

/* Read and parse FILE into a new description. Returns 0 or VMM_EXIT_* after a message. */
static int read_desc(const char *path, struct hib_desc **out)
{
	struct hib_desc *d = calloc(1, sizeof(*d));
	char why[400], *data = NULL;
	size_t len;
	int r;

	if (!d) {
		vmm_log("--resume '%s': out of memory", path);
		return VMM_EXIT_HOST;
	}
	r = vmm_file_read(path, DESC_MAX_SIZE, &data, &len);
	if (r == -EFBIG || r == -EINVAL)
		r = bad(path, "not a regular file of at most %u bytes", DESC_MAX_SIZE);
	else if (r)
		r = bad(path, "%s", strerror(-r));
	else if ((r = desc_parse(data, len, d, why, sizeof(why))) != 0)
		r = bad(path, "%s", r == -EINVAL ? why : "out of memory");
	free(data);
	if (r) {
		free(d);
		return r;
	}
	*out = d;
	return 0;
}

/* The kernel must be the recorded one; the disks exist with their recorded sizes. */
static int check_files(const char *path, const struct vmm_machine *m)
{
	char hex[65];
	uint64_t size;
	int r = vmm_file_digest(m->kernel.path, &size, hex);

	if (r)
		return bad(path, "recorded kernel '%s': %s", m->kernel.path, strerror(-r));
	/* A hibernated Linux image resumes only under the kernel that wrote it. */
	if (size != m->kernel.size || strcmp(hex, m->kernel.sha256) != 0)
		return bad(path, "recorded kernel '%s' has changed since the guest hibernated "
			   "(sha256 %.16s..., recorded %.16s...): the hibernation image can only "
			   "be resumed by the kernel that wrote it", m->kernel.path, hex,
			   m->kernel.sha256);
	if (m->initrd.path) {
		r = vmm_file_digest(m->initrd.path, &size, hex);
		if (r)
			return bad(path, "recorded initrd '%s': %s", m->initrd.path, strerror(-r));
		if (size != m->initrd.size || strcmp(hex, m->initrd.sha256) != 0)
			vmm_log("--resume '%s': warning: initrd '%s' has changed since the guest "
				"hibernated; it only has to find the disk and load the image",
				path, m->initrd.path);
	}
	for (unsigned int i = 0; i < m->nr_disks; i++) {
		struct stat st;

		if (stat(m->disks[i].path, &st) < 0)
			return bad(path, "recorded disk '%s': %s", m->disks[i].path,
				   strerror(errno));
		if ((uint64_t)st.st_size != m->disks[i].size)
			return bad(path, "recorded disk '%s' is %" PRIu64 " bytes now, %" PRIu64
				   " when the guest hibernated", m->disks[i].path,
				   (uint64_t)st.st_size, m->disks[i].size);
	}
	return 0;
}

/*
 * --resume FILE: read and verify the description, refuse options that
 * contradict it, check the kernel and disks are the recorded ones, and set
 * the options from it. Runs before /dev/kvm is opened. The description
 * stays for the whole run (o->resume; the options point into it).
 * Returns 0 or VMM_EXIT_USAGE after a message.
 */
int machine_load(const char *path, struct vmm_opts *o)
{
	struct hib_desc *d = NULL;
	char prefix[300];
	int r = read_desc(path, &d);

	if (r)
		return r;
	snprintf(prefix, sizeof(prefix), "--resume '%s'", path);
	r = machine_check_options(o, &d->m, DESC_RECORDED, prefix, "the hibernated machine",
				  "a hibernated guest resumes only on the machine it left; drop "
				  "the option");
	if (!r)
		r = check_files(path, &d->m);
	if (r) {
		vmm_machine_free(&d->m);
		free(d);
		return r;
	}
	machine_to_opts(&d->m, DESC_RECORDED, o);
	o->machine_on_off = o->machine_on_off || d->machine_on_off;
	o->nr_disks = 0;
	for (unsigned int i = 0; i < d->m.nr_disks; i++)
		if (vmm_opts_add_disk(o, d->m.disks[i].path) < 0)
			return VMM_EXIT_USAGE;
	o->resume = &d->m;
	return 0;
}

void machine_release(struct vmm_opts *o)
{
	/* o->resume is the m of a struct hib_desc, its first member. */
	struct hib_desc *d = (struct hib_desc *)(uintptr_t)o->resume;

	_Static_assert(offsetof(struct hib_desc, m) == 0, "o->resume is the description");
	if (!d)
		return;
	vmm_machine_free(&d->m);
	free(d);
	o->resume = NULL;
	o->kernel = o->initrd = o->append = NULL;
}

const void *machine_engine_snapshot(const struct vmm_machine *m, size_t *len)
{
	*len = m->engine_len;
	return m->engine;
}

/*
 * After the engine was created from the recorded snapshot: the engine and
 * KVM must agree with the description (version, vCPUs, MPIDRs, GIC), else
 * the guest would wake up on a different machine. Returns 0 or VMM_EXIT_*.
 */
int machine_check_engine(const struct vmm *vm)
{
	const struct vmm_machine *m = vm->opts->resume;
	char a[VMM_VERSION_STR_LEN], b[VMM_VERSION_STR_LEN];

	if (!m)
		return 0;
	if (vpsci_version(vm->psci) != m->psci_version || vm->psci_version != m->psci_version) {
		vmm_log("--resume: the engine snapshot says PSCI %s, the description %s",
			vmm_version_str(vpsci_version(vm->psci), a, sizeof(a)),
			vmm_version_str(m->psci_version, b, sizeof(b)));
		return VMM_EXIT_USAGE;
	}
	if (vpsci_nr_vcpus(vm->psci) != m->cpus) {
		vmm_log("--resume: the engine snapshot has %" PRIu32 " vCPUs, the description %u",
			vpsci_nr_vcpus(vm->psci), m->cpus);
		return VMM_EXIT_USAGE;
	}
	for (unsigned int i = 0; i < m->cpus; i++)
		if (vm->vcpus[i].mpidr != m->mpidrs[i] ||
		    vpsci_vcpu_mpidr(vm->psci, i) != m->mpidrs[i]) {
			vmm_log("--resume: vCPU %u has MPIDR 0x%" PRIx64 " here, 0x%" PRIx64
				" when the guest hibernated", i, vm->vcpus[i].mpidr, m->mpidrs[i]);
			return VMM_EXIT_HOST;
		}
	if (vm->gic_version != m->gic_version) {
		vmm_log("--resume: this host offers a GICv%d, the guest hibernated with a GICv%d",
			vm->gic_version, m->gic_version);
		return VMM_EXIT_HOST;
	}
	return 0;
}
