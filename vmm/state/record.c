// SPDX-License-Identifier: BSD-2-Clause
/*
 * Between vpsci-run's options / running VM and the machine record
 * (machine.h), for the hibernate description and the snapshot alike:
 * the record of a running VM (what is saved), the record of the options
 * typed (what a restore checks with the one contradiction table), and the
 * options a loaded record sets.
 *
 * TRANSITIONAL (issue 12): once options.c builds a record itself and
 * vm_create() consumes one, machine_given() and machine_to_opts() go away.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "state/record.h"
#include "util/file.h"

char *machine_abs_path(const char *path)
{
	char *r;

	if (!path)
		return NULL;
	r = realpath(path, NULL);
	return r ? r : strdup(path);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* The engine's snapshot, into m->engine. Returns 0 or a vpsci error code. */
static int engine_bytes(const struct vmm *vm, struct vmm_machine *m)
{
	size_t cap = vpsci_snapshot_size(vm->psci);
	int r;

	m->engine = malloc(cap ? cap : 1);
	if (!m->engine)
		return VPSCI_E_NOMEM;
	r = vpsci_snapshot(vm->psci, m->engine, cap, &m->engine_len);
	return r < 0 ? r : 0;
}

static int image_of(struct vmm_image *img, const char *path, bool digest, const char *what)
{
	int r;

	if (!path)
		return 0;
	img->path = machine_abs_path(path);
	if (!img->path)
		return -ENOMEM;
	if (!digest)
		return 0;
	r = vmm_file_digest(img->path, &img->size, img->sha256);
	if (r)
		vmm_log("%s '%s': %s", what, path, strerror(-r));
	return r;
}

/* The scalar fields as the options say (0 / unset where they leave a default). */
static void scalars_of_opts(const struct vmm_opts *o, struct vmm_machine *m)
{
	memset(m, 0, sizeof(*m));
	m->psci_version = o->psci_version;
	m->mode = o->mode;
	m->conduit = o->conduit;
	m->system_suspend = o->system_suspend;
	m->pd_levels = o->pm.pd_levels;
	m->cpus_per_cluster = o->pm.cpus_per_cluster;
	m->pm_features = o->pm.features_all ? VMM_PM_FEATURES_ALL : o->pm.features;
	m->cpus = o->cpus;
	m->mem_mib = o->mem_mib;
}

int machine_of_vm(const struct vmm *vm, bool digests, struct vmm_machine *m)
{
	const struct vmm_opts *o = vm->opts;
	int r;

	scalars_of_opts(o, m);
	/* What the VM resolved: version and mode defaults, --pm-features=all. */
	m->psci_version = vm->psci_version;
	m->mode = vm->mode;
	m->pm_features = vpsci_flags(vm->psci) &
			 ~(uint32_t)(VPSCI_CFG_SYSTEM_SUSPEND | VPSCI_CFG_0_1_IDS);
	m->cpus = vm->nr_vcpus;
	m->gic_version = vm->gic_version;
	m->mem_mib = vm->ram_size >> 20;
	m->mpidrs = calloc(vm->nr_vcpus, sizeof(*m->mpidrs));
	m->append = dup_or_null(o->append);
	if (!m->mpidrs || (o->append && !m->append))
		goto nomem;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		m->mpidrs[i] = vm->vcpus[i].mpidr;
	r = image_of(&m->kernel, o->kernel, digests, "kernel");
	if (!r)
		r = image_of(&m->initrd, o->initrd, digests, "initrd");
	for (unsigned int i = 0; !r && i < o->nr_disks; i++) {
		r = image_of(&m->disks[i], o->disks[i].path, false, "disk");
		m->disks[i].size = o->disks[i].size;
	}
	if (r == -ENOMEM)
		goto nomem;
	if (r)
		return VMM_EXIT_HOST;
	m->nr_disks = o->nr_disks;
	r = engine_bytes(vm, m);
	if (r) {
		vmm_log("vpsci_snapshot: %s", vpsci_strerror(r));
		return VMM_EXIT_CRASH;
	}
	return 0;
nomem:
	vmm_log("out of memory for the machine record");
	return VMM_EXIT_HOST;
}

/* The options typed, as a record (paths absolute) and the fields they set. */
static void machine_given(const struct vmm_opts *o, struct vmm_machine *g, unsigned int *given)
{
	*given = o->given;	/* options.c: each option's enum vmm_field bit */
	scalars_of_opts(o, g);
	g->kernel.path = machine_abs_path(o->kernel);
	g->initrd.path = machine_abs_path(o->initrd);
	g->append = dup_or_null(o->append);
	g->nr_disks = o->nr_disks;
	for (unsigned int i = 0; i < o->nr_disks; i++)
		g->disks[i].path = machine_abs_path(o->disks[i].path);
}

int machine_check_options(const struct vmm_opts *o, const struct vmm_machine *rec,
			  unsigned int recorded, const char *prefix, const char *what,
			  const char *advice)
{
	struct vmm_machine g;
	struct vmm_contradiction why;
	unsigned int given, field;

	machine_given(o, &g, &given);
	field = vmm_machine_contradiction(&g, given, rec, recorded, &why);
	vmm_machine_free(&g);
	if (!field)
		return 0;
	vmm_log("%s: %s%s%s contradicts %s (%s): %s", prefix, why.opt_name, why.opt_val[0] ? " " : "",
		why.opt_val, what, why.rec_val, advice);
	return VMM_EXIT_USAGE;
}

void machine_to_opts(const struct vmm_machine *m, unsigned int recorded, struct vmm_opts *o)
{
	o->kernel = m->kernel.path;
	o->initrd = m->initrd.path;
	o->append = m->append;
	o->cpus = m->cpus;
	o->mem_mib = m->mem_mib;
	o->mode = m->mode;
	o->mode_set = true;
	o->psci_version = m->psci_version;
	o->conduit = m->conduit;
	o->system_suspend = m->system_suspend;
	if (recorded & VMM_F_POWER_DOMAINS) {
		/* The engine comes from its snapshot; these shape the vCPUs and the DT. */
		o->pm.pd_levels = m->pd_levels;
		o->pm.cpus_per_cluster = m->cpus_per_cluster;
		o->pm.features = m->pm_features;
		o->pm.features_all = false;
	}
}
