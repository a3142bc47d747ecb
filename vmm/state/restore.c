// SPDX-License-Identifier: BSD-2-Clause
/*
 * --restore FILE, the KVM side (docs/vm-snapshot.md): snapshot_load()
 * validates the whole file with the codec (snapfile.c) and the devices'
 * sections before anything touches KVM, refuses options that contradict
 * it (the one table of machine.c) and sets the options from its record;
 * snapshot_restore() puts RAM, engine, vCPUs and devices back into the VM
 * vm_create() built from that record, before any vCPU runs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "device.h"
#include "events.h"
#include "kvm_compat.h"
#include "log.h"
#include "state/record.h"
#include "state/snapshot.h"
#include "state/state.h"
#include "util/file.h"

/* The file, mapped and validated by snapshot_load(), used by snapshot_restore(). */
struct snap_restore {
	const char *path;
	const uint8_t *map;
	size_t size;
	struct snap_view v;
	struct snap_restore_dev {	/* the machine's devices with state, registry order */
		struct vmm_device *dev;
		const struct snap_section *sec;	/* NULL: the device starts from reset */
	} dev[VMM_MAX_DEVICES];
	unsigned int nr_dev;
	double t_load;
};

static int dev_corrupt(char *why, size_t wl, const char *what)
{
	snprintf(why, wl, "corrupt snapshot: %s", what);
	return -1;
}

/* Whether section 'sec' is one of the machine's devices'. */
static bool has_device(const struct snap_restore *s, const struct snap_section *sec)
{
	for (unsigned int i = 0; i < s->nr_dev; i++)
		if (s->dev[i].sec == sec)
			return true;
	return false;
}

/*
 * The machine's devices (the registry), each finding its section by
 * (snap_type, instance) and checking it itself; sections of devices this
 * machine does not have are skipped.
 */
static int check_devices(struct snap_restore *s, struct vmm_devices *devices, char *why,
			 size_t wl)
{
	struct vmm_device *d;
	char what[64];

	vmm_devices_for_each(devices, d) {
		const struct snap_section *sec;

		if (!d->ops->snap_type)
			continue;
		sec = snap_view_device(&s->v, d->ops->snap_type, d->instance);
		if (!sec && d->ops->snap_required) {
			snprintf(what, sizeof(what), "no %s section", d->ops->name);
			return dev_corrupt(why, wl, what);
		}
		if (sec && d->ops->check(sec->p, sec->len) < 0) {
			snprintf(what, sizeof(what), "the %s section", d->ops->name);
			return dev_corrupt(why, wl, what);
		}
		s->dev[s->nr_dev++] = (struct snap_restore_dev){ .dev = d, .sec = sec };
	}
	for (unsigned int i = 0; i < s->v.nr_dev; i++)
		if (!has_device(s, &s->v.dev[i]))
			vmm_debug("--restore %s: section %" PRIu32 "/%" PRIu32 " is for a device "
				  "this VM does not have: skipped", s->path, s->v.dev[i].type,
				  s->v.dev[i].index);
	return 0;
}

/* Recorded paths absolute (format 1 kept them as typed), as the options are. */
static int absolute_paths(struct vmm_machine *m)
{
	char *k = machine_abs_path(m->kernel.path), *i = machine_abs_path(m->initrd.path);

	if ((m->kernel.path && !k) || (m->initrd.path && !i)) {
		free(k);
		free(i);
		return -ENOMEM;
	}
	free(m->kernel.path);
	free(m->initrd.path);
	m->kernel.path = k;
	m->initrd.path = i;
	return 0;
}

/* Map and validate. Returns 0 or VMM_EXIT_* after a message. */
static int load_file(struct snap_restore *s, struct vmm_devices *devices)
{
	char why[300];
	int r = vmm_file_map(s->path, &s->map, &s->size);

	if (r) {
		vmm_log("--restore %s: %s", s->path,
			r == -EINVAL ? "not a regular file" : strerror(-r));
		return r == -ENOMEM ? VMM_EXIT_HOST : VMM_EXIT_USAGE;
	}
	r = snap_parse(s->map, s->size, &s->v, why, sizeof(why));
	if (!r && check_devices(s, devices, why, sizeof(why)) < 0)
		r = -EINVAL;
	if (!r)
		r = absolute_paths(&s->v.m);
	if (r) {
		vmm_log("--restore %s: %s", s->path, r == -EINVAL ? why : "out of memory");
		return r == -EINVAL ? VMM_EXIT_USAGE : VMM_EXIT_HOST;
	}
	return 0;
}

/*
 * --restore FILE: map and validate the whole file (header, checksums,
 * format version, build ABI, every section) and take the machine from it
 * into *o. Nothing touches KVM before this passes. The file stays mapped
 * for the run (o->restore). Returns 0, or VMM_EXIT_USAGE for a bad file or
 * a contradicting option, VMM_EXIT_HOST when it cannot be read.
 */
int snapshot_load(struct vmm_opts *o, struct vmm_devices *devices)
{
	struct snap_restore *s = calloc(1, sizeof(*s));
	char prefix[300];
	double t0 = vmm_now();
	int r;

	if (!s) {
		vmm_log("--restore: out of memory");
		return VMM_EXIT_HOST;
	}
	s->path = o->restore_path;
	r = load_file(s, devices);
	if (!r) {
		snprintf(prefix, sizeof(prefix), "--restore %s", s->path);
		r = machine_check_options(o, &s->v.m, s->v.recorded, prefix, "the snapshot",
					  "leave it out");
	}
	if (r) {
		snap_view_free(&s->v);
		vmm_file_unmap(s->map, s->size);
		free(s);
		return r;
	}
	/* A reboot of the restored guest loads the recorded images again. */
	machine_to_opts(&s->v.m, s->v.recorded, o);
	s->t_load = vmm_now() - t0;
	o->restore = s;
	return 0;
}

void snapshot_release(struct vmm_opts *o)
{
	struct snap_restore *s = (struct snap_restore *)(uintptr_t)o->restore;

	if (!s)
		return;
	snap_view_free(&s->v);
	vmm_file_unmap(s->map, s->size);
	free(s);
	o->restore = NULL;
	o->kernel = o->initrd = o->append = NULL;
}

static void entry_get(struct vpsci_entry *e, const struct snap_entry *s)
{
	memset(e, 0, sizeof(*e));
	e->pc = s->pc;
	e->context_id = s->context_id;
	e->aarch32 = s->flags & 1;
	e->thumb = s->flags & 2;
	e->big_endian = s->flags & 4;
}

static bool list_has(const struct kvm_reg_list *l, uint64_t id)
{
	for (uint64_t i = 0; i < l->n; i++)
		if (l->reg[i] == id)
			return true;
	return false;
}

/*
 * Every recorded register: each must be one this host's KVM lists for the
 * vCPU, or the host cannot take the state. Returns 0 or VMM_EXIT_HOST.
 */
static int restore_regs(struct vcpu *v, const struct snap_vcpu *s, const uint8_t *q)
{
	struct kvm_reg_list *list = NULL;
	uint8_t val[SNAP_MAX_REG];
	int ret = VMM_EXIT_HOST;

	if (snapshot_reg_list(v, &list) < 0)
		return VMM_EXIT_HOST;
	for (uint32_t n = 0; n < s->nr_regs; n++) {
		struct kvm_one_reg r = { .addr = (uintptr_t)val };
		uint64_t id;

		memcpy(&id, q, 8);
		memcpy(val, q + 8, snap_reg_size(id));
		q += snap_reg_record_size(id);
		/*
		 * KVM's in-kernel PSCI version is not what the guest sees in user
		 * mode (every PSCI call is forwarded: the engine's version is), and
		 * a host may not offer the old one (6.12 tops out at 1.1): keep the
		 * host's.
		 */
		if (id == VMM_REG_PSCI_VERSION)
			continue;
		if (!list_has(list, id)) {
			vmm_log("--restore: vcpu%" PRIu32 ": register 0x%" PRIx64 " is not known to "
				"this host's KVM (a snapshot from another host kernel?)", v->idx, id);
			goto out;
		}
		r.id = id;
		if (ioctl(v->fd, KVM_SET_ONE_REG, &r) < 0) {
			vmm_log("--restore: vcpu%" PRIu32 ": KVM_SET_ONE_REG 0x%" PRIx64 ": %s",
				v->idx, id, strerror(errno));
			goto out;
		}
	}
	ret = 0;
out:
	free(list);
	return ret;
}

/*
 * One vCPU: its registers, the MP state, and what its thread must do when
 * the VM starts. Returns 0 or VMM_EXIT_HOST after a message.
 */
static int restore_vcpu(struct vcpu *v, const uint8_t *p)
{
	struct snap_vcpu s;
	int r;

	memcpy(&s, p, sizeof(s));
	if (s.mpidr != v->mpidr) {
		vmm_log("--restore: vcpu%" PRIu32 " has MPIDR 0x%" PRIx64 " here, 0x%" PRIx64
			" in the snapshot", v->idx, v->mpidr, s.mpidr);
		return VMM_EXIT_HOST;
	}
	r = restore_regs(v, &s, p + sizeof(s));
	if (r)
		return r;
	v->start_parked = s.state == SNAP_VCPU_OFF || s.state == SNAP_VCPU_ON_PENDING;
	v->on_pending = s.state == SNAP_VCPU_ON_PENDING;
	if (v->on_pending)
		entry_get(&v->on_entry, &s.on_entry);
	v->suspended = s.state == SNAP_VCPU_SUSPENDED;
	if (v->suspended) {
		memset(&v->susp, 0, sizeof(v->susp));
		memcpy(v->susp.x, s.susp_x, sizeof(v->susp.x));
		v->susp.exit = VPSCI_EXIT_SUSPEND;
		v->susp.power_state = s.susp_power_state;
		v->susp.powerdown = s.susp_powerdown != 0;
		entry_get(&v->susp.entry, &s.susp_entry);
	}
	/* A parked vCPU is re-initialised by its CPU_ON; the others take their MP state. */
	if (s.state == SNAP_VCPU_RUN || s.state == SNAP_VCPU_SUSPENDED) {
		struct kvm_mp_state mp = { .mp_state = s.mp_state };

		if (ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0) {
			vmm_log("--restore: vcpu%" PRIu32 ": KVM_SET_MP_STATE(%" PRIu32 "): %s",
				v->idx, s.mp_state, strerror(errno));
			return VMM_EXIT_HOST;
		}
	}
	return 0;
}

/* The devices, attached to the new VM and at reset: each takes its checked section. */
static int restore_devices(const struct snap_restore *s)
{
	for (unsigned int i = 0; i < s->nr_dev; i++) {
		struct vmm_device *d = s->dev[i].dev;

		if (!s->dev[i].sec) {
			vmm_log("--restore %s: no %s section: the device starts from reset", s->path,
				d->ops->name);
			continue;
		}
		if (d->ops->restore(d, s->dev[i].sec->p, s->dev[i].sec->len) < 0)
			return VMM_EXIT_HOST;
	}
	return 0;
}

/*
 * Put the loaded snapshot into a VM that vm_create() has just built from
 * the snapshot's record (vCPUs created, vGIC initialised, engine created,
 * filter set, nothing run). Order: RAM, engine, vCPU registers and MP
 * state, then the devices in the registry's order (attached by vm_create(),
 * at reset; the vGIC first, its CPU interfaces after the vCPUs' system
 * registers).
 * Returns 0 or a VMM_EXIT_* status after a message.
 */
int snapshot_restore(struct vmm *vm)
{
	const struct snap_restore *s = vm->opts->restore;
	const struct snap_ram *ram = s->v.ram;
	double t0 = vmm_now();
	char extra[160];
	uint64_t done = 0;
	int r;

	for (uint64_t p = 0; p < ram->nr_pages; p++)
		if (s->v.bitmap[p / 64] & (1ull << (p % 64)))
			memcpy(vm->ram + p * SNAP_PAGE_SIZE, s->v.pages + done++ * SNAP_PAGE_SIZE,
			       SNAP_PAGE_SIZE);
	/* The recorded engine, version included: vpsci_restore refuses any difference. */
	r = vpsci_restore(vm->psci, s->v.m.engine, s->v.m.engine_len);
	if (r < 0) {
		vmm_log("--restore %s: the PSCI engine state is refused: %s", s->path,
			vpsci_strerror(r));
		return VMM_EXIT_USAGE;
	}
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		r = restore_vcpu(&vm->vcpus[i], s->v.vcpu[i]);
		if (r)
			return r;
	}
	r = restore_devices(s);
	if (r)
		return r;
	snprintf(extra, sizeof(extra), ",\"bytes\":%zu,\"ram_pages\":%" PRIu64 ",\"load_ms\":%.1f"
		 ",\"restore_ms\":%.1f", s->size, ram->nr_present, s->t_load * 1e3,
		 (vmm_now() - t0) * 1e3);
	events_note("RESTORE", extra);
	vmm_debug("restored %u vCPUs, %" PRIu64 " RAM pages from %s", vm->nr_vcpus,
		  ram->nr_present, s->path);
	return 0;
}
