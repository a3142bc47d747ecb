// SPDX-License-Identifier: BSD-2-Clause
/*
 * Whole-VM snapshot, the KVM side of writing (issue 7, item 5; format in
 * docs/vm-snapshot.md, codec in snapfile.c). On SIGQUIT with --snapshot
 * FILE, main.c ends the run with VMM_OUT_SNAPSHOT: every vCPU thread has
 * finished the exit it was handling (a PSCI call completes first) and
 * stopped, so the engine is quiescent and no vCPU is in KVM_RUN.
 * snapshot_write() then records the machine (CONFIG, POWER, ENGINE), each
 * vCPU's KVM registers, MP state and the VMM's own PSCI state, the devices
 * (vGICv3, PL011, PL031) and the non-zero RAM pages.
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

_Static_assert(SNAP_REG_SIZE_SHIFT == KVM_REG_SIZE_SHIFT, "register size field");
_Static_assert(SNAP_REG_SIZE_MASK == KVM_REG_SIZE_MASK, "register size field");

int snapshot_reg_list(struct vcpu *v, struct kvm_reg_list **out)
{
	struct kvm_reg_list probe = { .n = 0 }, *list;

	if (ioctl(v->fd, KVM_GET_REG_LIST, &probe) == 0 || errno != E2BIG) {
		vmm_log("vcpu%" PRIu32 ": KVM_GET_REG_LIST: %s", v->idx, strerror(errno));
		return -1;
	}
	list = calloc(1, sizeof(*list) + probe.n * sizeof(list->reg[0]));
	if (!list) {
		vmm_log("snapshot: out of memory");
		return -1;
	}
	list->n = probe.n;
	if (ioctl(v->fd, KVM_GET_REG_LIST, list) < 0) {
		vmm_log("vcpu%" PRIu32 ": KVM_GET_REG_LIST: %s", v->idx, strerror(errno));
		free(list);
		return -1;
	}
	*out = list;
	return 0;
}

static void entry_put(struct snap_entry *s, const struct vpsci_entry *e)
{
	s->pc = e->pc;
	s->context_id = e->context_id;
	s->flags = (e->aarch32 ? 1u : 0) | (e->thumb ? 2u : 0) | (e->big_endian ? 4u : 0);
}

/*
 * The VMM side of one stopped vCPU, checked against the engine's view.
 * Returns 0 or -1 (after a message).
 */
static int vcpu_vmm_state(struct vmm *vm, struct vcpu *v, struct snap_vcpu *s)
{
	int es = vpsci_vcpu_state(vm->psci, v->idx);

	if (v->suspended && es == VPSCI_VCPU_SUSPENDED) {
		s->state = SNAP_VCPU_SUSPENDED;
		memcpy(s->susp_x, v->susp.x, sizeof(s->susp_x));
		s->susp_power_state = v->susp.power_state;
		s->susp_powerdown = v->susp.powerdown;
		if (v->susp.powerdown)
			entry_put(&s->susp_entry, &v->susp.entry);
	} else if (v->on_pending && es == VPSCI_VCPU_ON) {
		s->state = SNAP_VCPU_ON_PENDING;
		entry_put(&s->on_entry, &v->on_entry);
	} else if (!v->suspended && !v->on_pending && es == VPSCI_VCPU_OFF) {
		s->state = SNAP_VCPU_OFF;
	} else if (!v->suspended && !v->on_pending && es == VPSCI_VCPU_ON) {
		s->state = SNAP_VCPU_RUN;
	} else if (es == VPSCI_VCPU_SYSTEM_SUSPENDED) {
		vmm_log("snapshot: vcpu%" PRIu32 " is in SYSTEM_SUSPEND: a system-suspended VM "
			"cannot be snapshotted yet", v->idx);
		return -1;
	} else {
		vmm_log("snapshot: vcpu%" PRIu32 ": engine state %d does not match the VMM's "
			"(suspended %d, CPU_ON pending %d)", v->idx, es, v->suspended,
			v->on_pending);
		return -1;
	}
	return 0;
}

/*
 * Complete the exit the thread last handled: an MMIO read's data lands in
 * its register and the PC moves past the access only on the next KVM_RUN,
 * which immediate_exit turns into an at-once EINTR. Then the MP state.
 */
static int vcpu_settle(struct vcpu *v, struct snap_vcpu *s)
{
	struct kvm_mp_state mp;

	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (ioctl(v->fd, KVM_RUN, 0) == 0 || (errno != EINTR && errno != EAGAIN)) {
		vmm_log("vcpu%" PRIu32 ": KVM_RUN to complete the last exit: %s", v->idx,
			strerror(errno));
		return -1;
	}
	if (ioctl(v->fd, KVM_GET_MP_STATE, &mp) < 0) {
		vmm_log("vcpu%" PRIu32 ": KVM_GET_MP_STATE: %s", v->idx, strerror(errno));
		return -1;
	}
	s->mp_state = mp.mp_state;
	return 0;
}

/* Every register KVM lists for the vCPU, as (id, value) records into b. */
static int vcpu_regs(struct vcpu *v, struct snap_vcpu *s, struct vmm_buf *b)
{
	struct kvm_reg_list *list = NULL;
	uint8_t val[SNAP_MAX_REG];
	int ret = -1;

	if (snapshot_reg_list(v, &list) < 0)
		return -1;
	for (uint64_t i = 0; i < list->n; i++) {
		uint64_t id = list->reg[i];
		struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };
		size_t sz = snap_reg_size(id);

		if (sz > SNAP_MAX_REG) {
			vmm_log("vcpu%" PRIu32 ": register 0x%" PRIx64 " has %zu bytes, more than "
				"a snapshot holds", v->idx, id, sz);
			goto out;
		}
		memset(val, 0, sizeof(val));
		if (ioctl(v->fd, KVM_GET_ONE_REG, &r) < 0) {
			vmm_log("vcpu%" PRIu32 ": KVM_GET_ONE_REG 0x%" PRIx64 ": %s", v->idx, id,
				strerror(errno));
			goto out;
		}
		vmm_buf_put(b, &id, 8);
		vmm_buf_put(b, val, snap_reg_record_size(id) - 8);
	}
	if (b->failed) {
		vmm_log("snapshot: out of memory for vcpu%" PRIu32 "'s registers", v->idx);
		goto out;
	}
	s->nr_regs = (uint32_t)list->n;
	s->regs_bytes = b->len;
	ret = 0;
out:
	free(list);
	return ret;
}

/* One vCPU's section: its record, then its registers. */
static int write_vcpu(struct snap_writer *w, struct vmm *vm, struct vcpu *v,
		      unsigned int counts[4])
{
	struct vmm_buf b = { 0 };
	struct snap_vcpu s = { .idx = v->idx, .mpidr = v->mpidr };
	int ret = -1;

	if (vcpu_vmm_state(vm, v, &s) == 0 && vcpu_settle(v, &s) == 0 &&
	    vcpu_regs(v, &s, &b) == 0) {
		counts[s.state]++;
		snapw_begin(w, SEC_VCPU, v->idx, sizeof(s) + b.len);
		snapw_put(w, &s, sizeof(s));
		snapw_put(w, b.p, b.len);
		snapw_pad(w);
		ret = 0;
	}
	vmm_buf_free(&b);
	return ret;
}

static bool page_is_zero(const uint8_t *p)
{
	const uint64_t *q = (const uint64_t *)(const void *)p;

	for (size_t i = 0; i < SNAP_PAGE_SIZE / 8; i++)
		if (q[i])
			return false;
	return true;
}

/* RAM: a bitmap of the non-zero pages, then those pages. Returns pages stored. */
static uint64_t write_ram(struct snap_writer *w, struct vmm *vm)
{
	struct snap_ram r = { .ram_size = vm->ram_size, .nr_pages = vm->ram_size / SNAP_PAGE_SIZE };
	size_t words = (r.nr_pages + 63) / 64;
	uint64_t *bitmap = calloc(words ? words : 1, 8);

	if (!bitmap) {
		vmm_log("snapshot: out of memory for the RAM bitmap");
		w->err = -ENOMEM;
		return 0;
	}
	for (uint64_t p = 0; p < r.nr_pages; p++)
		if (!page_is_zero(vm->ram + p * SNAP_PAGE_SIZE)) {
			bitmap[p / 64] |= 1ull << (p % 64);
			r.nr_present++;
		}
	snapw_begin(w, SEC_RAM, 0, sizeof(r) + words * 8 + r.nr_present * SNAP_PAGE_SIZE);
	snapw_put(w, &r, sizeof(r));
	snapw_put(w, bitmap, words * 8);
	for (uint64_t p = 0; p < r.nr_pages && !w->err; p++)
		if (bitmap[p / 64] & (1ull << (p % 64)))
			snapw_put(w, vm->ram + p * SNAP_PAGE_SIZE, SNAP_PAGE_SIZE);
	free(bitmap);
	return r.nr_present;
}

/*
 * Whether the running VM can be snapshotted now (the signal thread asks
 * before it stops anything, so a refused request leaves the VM running).
 * A SYSTEM_SUSPEND that starts after this check makes snapshot_write fail.
 */
bool snapshot_pausable(struct vmm *vm)
{
	if (vm->mode != VMM_PSCI_USER) {
		vmm_log("SIGQUIT: no snapshot: only --psci=user VMs can be snapshotted (this one "
			"is %s); the VM goes on", vmm_mode_name(vm->mode));
		return false;
	}
	if (vm->gic_version != 3) {
		vmm_log("SIGQUIT: no snapshot: only a vGICv3 can be saved (this VM has a "
			"vGICv%d); the VM goes on", vm->gic_version);
		return false;
	}
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (vpsci_vcpu_state(vm->psci, i) == VPSCI_VCPU_SYSTEM_SUSPENDED) {
			vmm_log("SIGQUIT: no snapshot: the VM is in SYSTEM_SUSPEND, which a "
				"snapshot cannot hold yet; the VM goes on");
			return false;
		}
	return true;
}

/*
 * One section per device with state, keyed by (snap_type, instance), in the
 * registry's order; each device writes its own bytes (device.h).
 * Returns 0 or -1 after a message.
 */
static int write_devices(struct snap_writer *w, struct vmm *vm)
{
	struct vmm_device *d;

	vmm_devices_for_each(vm->devices, d) {
		struct vmm_buf b = { 0 };

		if (!d->ops->snap_type)
			continue;
		if (d->ops->save(d, &b) < 0 || b.failed) {
			if (b.failed)
				vmm_log("snapshot: out of memory for the %s state", d->ops->name);
			vmm_buf_free(&b);
			return -1;
		}
		snapw_section(w, d->ops->snap_type, d->instance, b.p, b.len);
		vmm_buf_free(&b);
	}
	return 0;
}

static int file_sink(void *opaque, const void *data, size_t len)
{
	return vmm_file_write(opaque, data, len);
}

struct snap_stats {
	uint64_t pages;
	unsigned int counts[4];		/* vCPUs per enum snap_vcpu_state */
};

/* The sections after the header. Returns 0 or VMM_EXIT_* after a message. */
static int write_body(struct snap_writer *w, struct vmm *vm, struct snap_stats *st)
{
	struct vmm_machine m;
	int r = machine_of_vm(vm, false, &m);

	if (r) {
		vmm_machine_free(&m);
		return r;
	}
	snapw_config(w, &m);
	snapw_power(w, &m);
	snapw_section(w, SEC_ENGINE, 0, m.engine, m.engine_len);
	vmm_machine_free(&m);
	for (unsigned int i = 0; i < vm->nr_vcpus && !w->err; i++)
		if (write_vcpu(w, vm, &vm->vcpus[i], st->counts) < 0)
			return VMM_EXIT_HOST;
	if (write_devices(w, vm) < 0)
		return VMM_EXIT_HOST;
	st->pages = write_ram(w, vm);
	snapw_section(w, SEC_END, 0, NULL, 0);
	return 0;
}

static void note_written(struct vmm *vm, const char *path, uint64_t bytes,
			 const struct snap_stats *st, double t0)
{
	char extra[256];

	snprintf(extra, sizeof(extra), ",\"bytes\":%" PRIu64 ",\"ram_pages\":%" PRIu64
		 ",\"write_ms\":%.1f,\"cpus\":%u,\"run\":%u,\"off\":%u,\"on_pending\":%u,"
		 "\"suspended\":%u", bytes, st->pages, (vmm_now() - t0) * 1e3, vm->nr_vcpus,
		 st->counts[SNAP_VCPU_RUN], st->counts[SNAP_VCPU_OFF],
		 st->counts[SNAP_VCPU_ON_PENDING], st->counts[SNAP_VCPU_SUSPENDED]);
	events_note("SNAPSHOT", extra);
	vmm_log("snapshot: %u vCPUs, %" PRIu64 " MiB RAM (%" PRIu64 " non-zero pages) written to "
		"%s: %" PRIu64 " bytes in %.3f s", vm->nr_vcpus, vm->ram_size >> 20, st->pages,
		path, bytes, vmm_now() - t0);
}

/*
 * Write the stopped VM to 'path' (through path.tmp, renamed when complete,
 * so a failed write never leaves a file that looks whole). Returns 0 or a
 * VMM_EXIT_* status after a message.
 */
int snapshot_write(struct vmm *vm, const char *path)
{
	struct vmm_file_out f;
	struct snap_writer w = { .sink = file_sink, .opaque = &f };
	struct snap_stats st = { 0 };
	struct snap_hdr h = { .magic = SNAP_MAGIC };
	double t0 = vmm_now();
	int r;

	if (vm->mode != VMM_PSCI_USER) {
		vmm_log("snapshot: only --psci=user VMs can be snapshotted (this one is %s)",
			vmm_mode_name(vm->mode));
		return VMM_EXIT_USAGE;
	}
	r = vmm_file_begin(&f, path);
	if (r) {
		vmm_log("snapshot: cannot create %s.tmp: %s", path, strerror(-r));
		return VMM_EXIT_USAGE;
	}
	w.err = vmm_file_write(&f, &h, sizeof(h));	/* placeholder, rewritten at the end */
	if (!w.err)
		r = write_body(&w, vm, &st);
	if (!r && w.err)
		vmm_log("snapshot: writing %s.tmp: %s", path, strerror(-w.err));
	if (!r && !w.err) {
		snap_header(&h, &w, vm->opts->snapshot_abi ? vm->opts->snapshot_abi : SNAP_ABI);
		r = vmm_file_pwrite(&f, &h, sizeof(h), 0);
		if (!r)
			r = vmm_file_commit(&f);
		if (r)
			vmm_log("snapshot: writing %s: %s", path, strerror(-r));
	}
	if (r || w.err) {
		vmm_file_abort(&f);
		return r > 0 ? r : VMM_EXIT_HOST;
	}
	note_written(vm, path, h.file_size, &st, t0);
	return 0;
}

/*
 * --snapshot-continue: the file is written; the same VM runs on. Its vCPU
 * threads have ended where the snapshot found them: join them, clear the
 * stop hand-over and let vm_run() start new ones, parked (off, or with a
 * CPU_ON pending) or running as the PSCI state says; a vCPU in CPU_SUSPEND
 * is still in KVM's suspended state. The devices stay attached, their
 * state as it was.
 */
void snapshot_continue(struct vmm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (v->thread_started) {
			pthread_join(v->thread, NULL);
			v->thread_started = false;
		}
		atomic_store(&v->stop, false);
		v->stopped = false;
		__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
		v->start_parked = v->on_pending ||
				  vpsci_vcpu_state(vm->psci, v->idx) == VPSCI_VCPU_OFF;
	}
	pthread_mutex_lock(&vm->lock);
	vm->outcome = VMM_OUT_NONE;
	pthread_mutex_unlock(&vm->lock);
	atomic_store(&vm->pausing, false);
	events_note("CONTINUE", "");
	vmm_debug("snapshot written: the VM runs on");
}
