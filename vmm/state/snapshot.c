// SPDX-License-Identifier: BSD-2-Clause
/*
 * Whole-VM snapshot and restore (issue 7, item 5; format in
 * docs/vm-snapshot.md). On SIGQUIT with --snapshot FILE, main.c ends the run
 * with VMM_OUT_SNAPSHOT: every vCPU thread has finished the exit it was
 * handling (a PSCI call completes first) and stopped, so the engine is
 * quiescent and no vCPU is in KVM_RUN. snapshot_write() then records the
 * configuration, the engine (vpsci_snapshot), each vCPU's KVM registers, MP
 * state and the VMM's own PSCI state, the vGICv3, the PL011 and the non-zero
 * RAM pages. `vpsci-run --restore FILE` validates the whole file before it
 * touches KVM (snapshot_load), builds a VM from the recorded configuration
 * and puts the state back (snapshot_restore) before any vCPU runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kvm_compat.h"
#include "state/snapshot.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the format is little-endian");
_Static_assert(sizeof(struct vmm_rtc_state) == 32, "RTC section layout");

/* ---- CRC-32/ISO-HDLC (zlib's), eight bytes per step -------------------- */

static uint32_t crc_table[8][256];

static void crc_init(void)
{
	static bool done;

	if (done)
		return;
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^
					  crc_table[0][crc_table[t - 1][i] & 0xff];
	done = true;
}

/* Continue a CRC (start with 0) over len bytes. */
static uint32_t crc_update(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	crc = ~crc;
	while (len >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		w ^= crc;
		crc = crc_table[7][w & 0xff] ^ crc_table[6][(w >> 8) & 0xff] ^
		      crc_table[5][(w >> 16) & 0xff] ^ crc_table[4][(w >> 24) & 0xff] ^
		      crc_table[3][(w >> 32) & 0xff] ^ crc_table[2][(w >> 40) & 0xff] ^
		      crc_table[1][(w >> 48) & 0xff] ^ crc_table[0][w >> 56];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int snap_buf_put(struct snap_buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *p;

		while (cap < b->len + len)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			vmm_log("snapshot: out of memory (%zu bytes)", cap);
			return -1;
		}
		b->p = p;
		b->cap = cap;
	}
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

struct writer {
	FILE *f;
	const char *path;
	uint64_t size;		/* bytes written after the header */
	uint32_t crc;		/* of those bytes */
	bool failed;
};

static void w_put(struct writer *w, const void *data, size_t len)
{
	if (w->failed || !len)
		return;
	if (fwrite(data, 1, len, w->f) != len) {
		vmm_log("snapshot: writing %s: %s", w->path, strerror(errno));
		w->failed = true;
		return;
	}
	w->crc = crc_update(w->crc, data, len);
	w->size += len;
}

static void w_pad(struct writer *w)
{
	static const uint8_t zero[8];

	if (w->size % 8)
		w_put(w, zero, 8 - w->size % 8);
}

static void w_section(struct writer *w, uint32_t type, uint32_t index, const void *data,
		      size_t len)
{
	struct snap_sec s = { .type = type, .index = index, .len = len };

	w_put(w, &s, sizeof(s));
	w_put(w, data, len);
	w_pad(w);
}

static int get_reg_list(struct vcpu *v, struct kvm_reg_list **out)
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

static size_t reg_size(uint64_t id)
{
	return (size_t)1 << ((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
}

/* Register records are id, value, padded to 8 bytes; values up to 256 bytes. */
#define SNAP_MAX_REG	256u

static size_t reg_record_size(uint64_t id)
{
	return 8 + ((reg_size(id) + 7) & ~(size_t)7);
}

static uint32_t entry_flags(const struct vpsci_entry *e)
{
	return (e->aarch32 ? 1u : 0) | (e->thumb ? 2u : 0) | (e->big_endian ? 4u : 0);
}

static void entry_put(struct snap_entry *s, const struct vpsci_entry *e)
{
	s->pc = e->pc;
	s->context_id = e->context_id;
	s->flags = entry_flags(e);
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

/* One vCPU's section: its record, then every register KVM lists. */
static int write_vcpu(struct writer *w, struct vmm *vm, struct vcpu *v, unsigned int counts[4])
{
	struct kvm_mp_state mp;
	struct kvm_reg_list *list = NULL;
	struct snap_buf b = { 0 };
	struct snap_vcpu s = { .idx = v->idx, .mpidr = v->mpidr };
	uint8_t val[SNAP_MAX_REG];
	int ret = -1;

	if (vcpu_vmm_state(vm, v, &s) < 0)
		return -1;
	counts[s.state]++;
	/*
	 * Complete the exit the thread last handled: an MMIO read's data lands
	 * in its register and the PC moves past the access only on the next
	 * KVM_RUN, which immediate_exit turns into an at-once EINTR.
	 */
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
	s.mp_state = mp.mp_state;
	if (get_reg_list(v, &list) < 0)
		return -1;
	for (uint64_t i = 0; i < list->n; i++) {
		uint64_t id = list->reg[i];
		struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };
		size_t sz = reg_size(id);

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
		if (snap_buf_put(&b, &id, 8) < 0 ||
		    snap_buf_put(&b, val, reg_record_size(id) - 8) < 0)
			goto out;
	}
	s.nr_regs = (uint32_t)list->n;
	s.regs_bytes = b.len;
	{
		struct snap_sec sec = { .type = SEC_VCPU, .index = v->idx,
					.len = sizeof(s) + b.len };

		w_put(w, &sec, sizeof(sec));
		w_put(w, &s, sizeof(s));
		w_put(w, b.p, b.len);
		w_pad(w);
	}
	ret = 0;
out:
	free(b.p);
	free(list);
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
static uint64_t write_ram(struct writer *w, struct vmm *vm)
{
	struct snap_ram r = { .ram_size = vm->ram_size, .nr_pages = vm->ram_size / SNAP_PAGE_SIZE };
	size_t words = (r.nr_pages + 63) / 64;
	uint64_t *bitmap = calloc(words ? words : 1, 8);
	struct snap_sec sec = { .type = SEC_RAM };

	if (!bitmap) {
		vmm_log("snapshot: out of memory for the RAM bitmap");
		w->failed = true;
		return 0;
	}
	for (uint64_t p = 0; p < r.nr_pages; p++)
		if (!page_is_zero(vm->ram + p * SNAP_PAGE_SIZE)) {
			bitmap[p / 64] |= 1ull << (p % 64);
			r.nr_present++;
		}
	sec.len = sizeof(r) + words * 8 + r.nr_present * SNAP_PAGE_SIZE;
	w_put(w, &sec, sizeof(sec));
	w_put(w, &r, sizeof(r));
	w_put(w, bitmap, words * 8);
	for (uint64_t p = 0; p < r.nr_pages && !w->failed; p++)
		if (bitmap[p / 64] & (1ull << (p % 64)))
			w_put(w, vm->ram + p * SNAP_PAGE_SIZE, SNAP_PAGE_SIZE);
	free(bitmap);
	return r.nr_present;
}

static int write_config(struct writer *w, struct vmm *vm)
{
	const struct vmm_opts *o = vm->opts;
	struct snap_config c = {
		.nr_vcpus = vm->nr_vcpus,
		.mode = vm->mode,
		.psci_version = vm->psci_version,
		.conduit = o->conduit,
		.mem_mib = o->mem_mib,
		.ram_base = VMM_RAM_BASE,
		.flags = o->system_suspend ? SNAP_CFG_SYSTEM_SUSPEND : 0,
		.gic_version = (uint32_t)vm->gic_version,
		.nr_irqs = VMM_NR_IRQS,
		.kernel_len = o->kernel ? (uint32_t)strlen(o->kernel) + 1 : 0,
		.initrd_len = o->initrd ? (uint32_t)strlen(o->initrd) + 1 : 0,
		.append_len = o->append ? (uint32_t)strlen(o->append) + 1 : 0,
	};
	struct snap_sec sec = { .type = SEC_CONFIG };

	sec.len = sizeof(c) + c.kernel_len + c.initrd_len + c.append_len;
	w_put(w, &sec, sizeof(sec));
	w_put(w, &c, sizeof(c));
	w_put(w, o->kernel, c.kernel_len);
	w_put(w, o->initrd, c.initrd_len);
	w_put(w, o->append, c.append_len);
	w_pad(w);
	return 0;
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
			"is %s); the VM goes on", psci_mode_name(vm->mode));
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
 * Write the stopped VM to 'path' (through path.tmp, renamed when complete,
 * so a failed write never leaves a file that looks whole). Returns 0 or a
 * VMM_EXIT_* status after a message.
 */
int snapshot_write(struct vmm *vm, const char *path)
{
	struct snap_hdr h = { .magic = SNAP_MAGIC };
	struct writer w = { .path = path };
	struct vmm_uart_state us;
	struct vmm_rtc_state rs;
	struct snap_buf gic = { 0 };
	uint8_t *engine = NULL;
	size_t elen = 0;
	uint64_t pages = 0;
	unsigned int counts[4] = { 0 };
	char tmp[4096], extra[256];
	double t0 = now_s();
	int r;

	crc_init();
	if (vm->mode != VMM_PSCI_USER) {
		vmm_log("snapshot: only --psci=user VMs can be snapshotted (this one is %s)",
			psci_mode_name(vm->mode));
		return VMM_EXIT_USAGE;
	}
	elen = vpsci_snapshot_size(vm->psci);
	engine = malloc(elen ? elen : 1);
	if (!engine) {
		vmm_log("snapshot: out of memory");
		return VMM_EXIT_HOST;
	}
	r = vpsci_snapshot(vm->psci, engine, elen, &elen);
	if (r < 0) {
		vmm_log("snapshot: vpsci_snapshot: %s", vpsci_strerror(r));
		free(engine);
		return VMM_EXIT_CRASH;
	}
	if (gic_state_save(vm, &gic) < 0) {
		free(engine);
		free(gic.p);
		return VMM_EXIT_HOST;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	w.f = fopen(tmp, "wb");
	if (!w.f) {
		vmm_log("snapshot: cannot create %s: %s", tmp, strerror(errno));
		free(engine);
		free(gic.p);
		return VMM_EXIT_USAGE;
	}
	if (fwrite(&h, sizeof(h), 1, w.f) != 1)	/* placeholder, rewritten at the end */
		w.failed = true;
	write_config(&w, vm);
	w_section(&w, SEC_ENGINE, 0, engine, elen);
	for (unsigned int i = 0; i < vm->nr_vcpus && !w.failed; i++)
		if (write_vcpu(&w, vm, &vm->vcpus[i], counts) < 0) {
			fclose(w.f);
			unlink(tmp);
			free(engine);
			free(gic.p);
			return VMM_EXIT_HOST;
		}
	w_section(&w, SEC_GIC, 0, gic.p, gic.len);
	uart_save(&us);
	w_section(&w, SEC_UART, 0, &us, sizeof(us));
	rtc_save(&rs);
	w_section(&w, SEC_RTC, 0, &rs, sizeof(rs));
	pages = write_ram(&w, vm);
	w_section(&w, SEC_END, 0, NULL, 0);
	free(engine);
	free(gic.p);

	h.version = SNAP_FORMAT_VERSION;
	h.header_size = sizeof(h);
	h.file_size = sizeof(h) + w.size;
	h.abi = vm->opts->snapshot_abi ? vm->opts->snapshot_abi : SNAP_ABI;
	h.body_crc = w.crc;
	h.page_size = SNAP_PAGE_SIZE;
	h.header_crc = crc_update(0, &h, sizeof(h));
	if (!w.failed && (fseek(w.f, 0, SEEK_SET) != 0 || fwrite(&h, sizeof(h), 1, w.f) != 1 ||
			  fflush(w.f) != 0 || fsync(fileno(w.f)) != 0)) {
		vmm_log("snapshot: writing %s: %s", tmp, strerror(errno));
		w.failed = true;
	}
	if (fclose(w.f) != 0)
		w.failed = true;
	if (w.failed || rename(tmp, path) != 0) {
		if (!w.failed)
			vmm_log("snapshot: rename %s to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		return VMM_EXIT_HOST;
	}
	snprintf(extra, sizeof(extra), ",\"bytes\":%" PRIu64 ",\"ram_pages\":%" PRIu64
		 ",\"write_ms\":%.1f,\"cpus\":%u,\"run\":%u,\"off\":%u,\"on_pending\":%u,"
		 "\"suspended\":%u", h.file_size, pages, (now_s() - t0) * 1e3, vm->nr_vcpus,
		 counts[SNAP_VCPU_RUN], counts[SNAP_VCPU_OFF], counts[SNAP_VCPU_ON_PENDING],
		 counts[SNAP_VCPU_SUSPENDED]);
	events_note("SNAPSHOT", extra);
	vmm_log("snapshot: %u vCPUs, %" PRIu64 " MiB RAM (%" PRIu64 " non-zero pages) written to "
		"%s: %" PRIu64 " bytes in %.3f s", vm->nr_vcpus, vm->ram_size >> 20, pages, path,
		h.file_size, now_s() - t0);
	return 0;
}

/* ---- loading and validating --------------------------------------------- */

/* The file, mapped and validated by snapshot_load(), used by snapshot_restore(). */
static struct {
	const uint8_t *map;
	size_t size;
	const struct snap_config *cfg;
	const char *kernel, *initrd, *append;
	const uint8_t *engine;
	size_t engine_len;
	const uint8_t **vcpu;		/* each SEC_VCPU payload */
	const struct snap_gic_reg *gic;
	size_t nr_gic;
	const struct vmm_uart_state *uart;
	const struct vmm_rtc_state *rtc;
	const struct snap_ram *ram;
	const uint64_t *bitmap;
	const uint8_t *pages;
	double t_load;
} snap;

static int corrupt(const char *path, const char *what)
{
	vmm_log("--restore %s: corrupt snapshot: %s", path, what);
	return VMM_EXIT_USAGE;
}

/* Next section at *off, of the expected type; payload and length out. */
static int next_section(const char *path, size_t *off, uint32_t type, uint32_t index,
			const uint8_t **payload, size_t *len)
{
	struct snap_sec s;
	char what[96];

	if (snap.size - *off < sizeof(s))
		return corrupt(path, "a section runs past the end of the file");
	memcpy(&s, snap.map + *off, sizeof(s));
	if (s.type != type || s.index != index) {
		snprintf(what, sizeof(what), "section %" PRIu32 "/%" PRIu32 " where %" PRIu32
			 "/%" PRIu32 " was expected", s.type, s.index, type, index);
		return corrupt(path, what);
	}
	*off += sizeof(s);
	if (s.len > snap.size - *off || (s.len + 7) / 8 * 8 > snap.size - *off)
		return corrupt(path, "a section runs past the end of the file");
	*payload = snap.map + *off;
	*len = (size_t)s.len;
	*off += (size_t)(s.len + 7) / 8 * 8;
	return 0;
}

static bool strings_ok(const char *p, uint32_t len)
{
	return len == 0 || (memchr(p, 0, len) == p + len - 1);
}

static int check_config(const char *path, const uint8_t *p, size_t len)
{
	const struct snap_config *c = (const void *)p;

	if (len < sizeof(*c))
		return corrupt(path, "configuration section too short");
	if ((uint64_t)c->kernel_len + c->initrd_len + c->append_len != len - sizeof(*c) ||
	    !strings_ok((const char *)(c + 1), c->kernel_len) ||
	    !strings_ok((const char *)(c + 1) + c->kernel_len, c->initrd_len) ||
	    !strings_ok((const char *)(c + 1) + c->kernel_len + c->initrd_len, c->append_len))
		return corrupt(path, "configuration strings malformed");
	if (c->nr_vcpus == 0 || c->nr_vcpus > VPSCI_MAX_VCPUS || c->mem_mib == 0 ||
	    c->mem_mib > (1ull << 30) || c->conduit > VPSCI_CONDUIT_SMC ||
	    (c->flags & ~SNAP_CFG_SYSTEM_SUSPEND))
		return corrupt(path, "configuration values out of range");
	if (c->mode != VMM_PSCI_USER || c->ram_base != VMM_RAM_BASE || c->gic_version != 3 ||
	    c->nr_irqs != VMM_NR_IRQS) {
		vmm_log("--restore %s: written for a machine this build does not make (PSCI mode "
			"%" PRIu32 ", RAM at 0x%" PRIx64 ", vGICv%" PRIu32 ", %" PRIu32 " IRQs)",
			path, c->mode, c->ram_base, c->gic_version, c->nr_irqs);
		return VMM_EXIT_USAGE;
	}
	snap.cfg = c;
	snap.kernel = c->kernel_len ? (const char *)(c + 1) : NULL;
	snap.initrd = c->initrd_len ? (const char *)(c + 1) + c->kernel_len : NULL;
	snap.append = c->append_len ? (const char *)(c + 1) + c->kernel_len + c->initrd_len :
				      NULL;
	return 0;
}

static int check_vcpu(const char *path, uint32_t i, const uint8_t *p, size_t len)
{
	const struct snap_vcpu *v = (const void *)p;
	size_t off = sizeof(*v);

	if (len < sizeof(*v) || v->idx != i || v->regs_bytes != len - sizeof(*v) ||
	    v->state > SNAP_VCPU_SUSPENDED || (v->mpidr & ~VPSCI_MPIDR_AFF_MASK))
		return corrupt(path, "vCPU record malformed");
	for (uint32_t n = 0; n < v->nr_regs; n++) {
		uint64_t id;

		if (len - off < 8)
			return corrupt(path, "vCPU registers run past their section");
		memcpy(&id, p + off, 8);
		if (reg_size(id) > SNAP_MAX_REG || len - off < reg_record_size(id))
			return corrupt(path, "vCPU register record malformed");
		off += reg_record_size(id);
	}
	if (off != len)
		return corrupt(path, "vCPU section longer than its registers");
	snap.vcpu[i] = p;
	return 0;
}

static int check_ram(const char *path, const uint8_t *p, size_t len)
{
	const struct snap_ram *r = (const void *)p;
	uint64_t words, present = 0;

	if (len < sizeof(*r))
		return corrupt(path, "RAM section too short");
	if (r->ram_size != snap.cfg->mem_mib << 20 || r->nr_pages != r->ram_size / SNAP_PAGE_SIZE)
		return corrupt(path, "RAM size differs from the configuration");
	words = (r->nr_pages + 63) / 64;
	if ((len - sizeof(*r)) / 8 < words ||
	    (len - sizeof(*r) - words * 8) / SNAP_PAGE_SIZE != r->nr_present ||
	    (len - sizeof(*r) - words * 8) % SNAP_PAGE_SIZE)
		return corrupt(path, "RAM section size does not match its page count");
	snap.ram = r;
	snap.bitmap = (const void *)(r + 1);
	snap.pages = (const uint8_t *)(snap.bitmap + words);
	for (uint64_t w = 0; w < words; w++)
		present += (uint64_t)__builtin_popcountll(snap.bitmap[w]);
	if (present != r->nr_present || (r->nr_pages % 64 &&
					 (snap.bitmap[words - 1] >> (r->nr_pages % 64))))
		return corrupt(path, "RAM bitmap does not match its page count");
	return 0;
}

/* Every section, in the one order the writer uses. */
static int check_sections(const char *path)
{
	size_t off = sizeof(struct snap_hdr), len;
	const uint8_t *p;
	int r;

	if ((r = next_section(path, &off, SEC_CONFIG, 0, &p, &len)) ||
	    (r = check_config(path, p, len)))
		return r;
	if ((r = next_section(path, &off, SEC_ENGINE, 0, &snap.engine, &snap.engine_len)))
		return r;
	snap.vcpu = calloc(snap.cfg->nr_vcpus, sizeof(*snap.vcpu));
	if (!snap.vcpu) {
		vmm_log("--restore: out of memory");
		return VMM_EXIT_HOST;
	}
	for (uint32_t i = 0; i < snap.cfg->nr_vcpus; i++)
		if ((r = next_section(path, &off, SEC_VCPU, i, &p, &len)) ||
		    (r = check_vcpu(path, i, p, len)))
			return r;
	if ((r = next_section(path, &off, SEC_GIC, 0, &p, &len)))
		return r;
	if (len % sizeof(struct snap_gic_reg))
		return corrupt(path, "GIC section size");
	snap.gic = (const void *)p;
	snap.nr_gic = len / sizeof(struct snap_gic_reg);
	for (size_t i = 0; i < snap.nr_gic; i++)
		if (!gic_state_known_group(snap.gic[i].group) || snap.gic[i].reserved)
			return corrupt(path, "unknown GIC register group");
	if ((r = next_section(path, &off, SEC_UART, 0, &p, &len)))
		return r;
	if (len != sizeof(struct vmm_uart_state) ||
	    ((const struct vmm_uart_state *)(const void *)p)->count > VMM_UART_FIFO)
		return corrupt(path, "UART section");
	snap.uart = (const void *)p;
	if ((r = next_section(path, &off, SEC_RTC, 0, &p, &len)))
		return r;
	if (len != sizeof(struct vmm_rtc_state) ||
	    ((const struct vmm_rtc_state *)(const void *)p)->armed > 1)
		return corrupt(path, "RTC section");
	snap.rtc = (const void *)p;
	if ((r = next_section(path, &off, SEC_RAM, 0, &p, &len)) || (r = check_ram(path, p, len)))
		return r;
	if ((r = next_section(path, &off, SEC_END, 0, &p, &len)))
		return r;
	if (len || off != snap.size)
		return corrupt(path, "data after the end section");
	return 0;
}

/* An option given with --restore must agree with the snapshot. */
static int contradicts(const char *path, const char *opt, const char *given, const char *file)
{
	vmm_log("--restore %s: %s %s contradicts the snapshot (%s): leave it out", path, opt,
		given, file);
	return VMM_EXIT_USAGE;
}

static bool str_differs(const char *a, const char *b)
{
	return a && (!b || strcmp(a, b) != 0);
}

static int merge_options(struct vmm_opts *o)
{
	const struct snap_config *c = snap.cfg;
	const char *path = o->restore_path;
	char a[32], b[32];

	if ((o->given & VMM_GIVEN_CPUS) && o->cpus != c->nr_vcpus) {
		snprintf(a, sizeof(a), "%u", o->cpus);
		snprintf(b, sizeof(b), "%" PRIu32 " vCPUs", c->nr_vcpus);
		return contradicts(path, "--cpus", a, b);
	}
	if ((o->given & VMM_GIVEN_MEM) && o->mem_mib != c->mem_mib) {
		snprintf(a, sizeof(a), "%" PRIu64, o->mem_mib);
		snprintf(b, sizeof(b), "%" PRIu64 " MiB", c->mem_mib);
		return contradicts(path, "--mem", a, b);
	}
	if (o->mode_set && o->mode != VMM_PSCI_USER)
		return contradicts(path, "--psci", psci_mode_name(o->mode), "user");
	if (o->psci_version && o->psci_version != c->psci_version) {
		snprintf(a, sizeof(a), "%" PRIu32 ".%" PRIu32, VPSCI_VERSION_MAJOR(o->psci_version),
			 VPSCI_VERSION_MINOR(o->psci_version));
		snprintf(b, sizeof(b), "PSCI %" PRIu32 ".%" PRIu32,
			 VPSCI_VERSION_MAJOR(c->psci_version), VPSCI_VERSION_MINOR(c->psci_version));
		return contradicts(path, "--psci-version", a, b);
	}
	if ((o->given & VMM_GIVEN_CONDUIT) && o->conduit != c->conduit)
		return contradicts(path, "--conduit", o->conduit ? "smc" : "hvc",
				   c->conduit ? "smc" : "hvc");
	if ((o->given & VMM_GIVEN_SYSTEM_SUSPEND) &&
	    o->system_suspend != !!(c->flags & SNAP_CFG_SYSTEM_SUSPEND))
		return contradicts(path, o->system_suspend ? "--system-suspend" :
				   "--no-system-suspend", "", (c->flags & SNAP_CFG_SYSTEM_SUSPEND) ?
				   "SYSTEM_SUSPEND offered" : "no SYSTEM_SUSPEND");
	if (str_differs(o->kernel, snap.kernel))
		return contradicts(path, "--kernel", o->kernel, snap.kernel ? snap.kernel : "none");
	if (str_differs(o->initrd, snap.initrd))
		return contradicts(path, "--initrd", o->initrd, snap.initrd ? snap.initrd : "none");
	if (str_differs(o->append, snap.append))
		return contradicts(path, "--append", o->append, "another command line");
	o->cpus = c->nr_vcpus;
	o->mem_mib = c->mem_mib;
	o->mode = VMM_PSCI_USER;
	o->mode_set = true;
	o->psci_version = c->psci_version;
	o->conduit = (enum vpsci_conduit)c->conduit;
	o->system_suspend = c->flags & SNAP_CFG_SYSTEM_SUSPEND;
	/* A reboot of the restored guest loads these again. */
	o->kernel = snap.kernel;
	o->initrd = snap.initrd;
	o->append = snap.append;
	return 0;
}

/*
 * --restore FILE: map and validate the whole file (header, checksums,
 * format version, build ABI, every section) and take the machine
 * configuration from it into *o. Nothing touches KVM before this passes.
 * Returns 0, or VMM_EXIT_USAGE for a bad file / contradicting option,
 * VMM_EXIT_HOST when it cannot be read.
 */
int snapshot_load(struct vmm_opts *o)
{
	const char *path = o->restore_path;
	struct snap_hdr h;
	struct stat st;
	double t0 = now_s();
	uint32_t crc;
	void *map;
	int fd, r;

	crc_init();
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		vmm_log("--restore %s: %s", path, strerror(errno));
		return VMM_EXIT_USAGE;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		vmm_log("--restore %s: not a regular file", path);
		close(fd);
		return VMM_EXIT_USAGE;
	}
	if ((uint64_t)st.st_size < sizeof(h)) {
		close(fd);
		vmm_log("--restore %s: truncated snapshot: %lld bytes, shorter than its header",
			path, (long long)st.st_size);
		return VMM_EXIT_USAGE;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		vmm_log("--restore %s: mmap: %s", path, strerror(errno));
		return VMM_EXIT_HOST;
	}
	snap.map = map;
	snap.size = (size_t)st.st_size;
	memcpy(&h, snap.map, sizeof(h));
	if (memcmp(h.magic, SNAP_MAGIC, sizeof(h.magic)) != 0) {
		vmm_log("--restore %s: not a vpsci-run snapshot (bad magic)", path);
		return VMM_EXIT_USAGE;
	}
	crc = h.header_crc;
	h.header_crc = 0;
	if (crc_update(0, &h, sizeof(h)) != crc)
		return corrupt(path, "header checksum mismatch");
	if (h.version != SNAP_FORMAT_VERSION) {
		vmm_log("--restore %s: snapshot format version %" PRIu32 ", this vpsci-run reads "
			"version %d only", path, h.version, SNAP_FORMAT_VERSION);
		return VMM_EXIT_USAGE;
	}
	if (h.abi != SNAP_ABI) {
		vmm_log("--restore %s: written by an incompatible vpsci-run build (snapshot ABI %"
			PRIu32 ", this build %d)", path, h.abi, SNAP_ABI);
		return VMM_EXIT_USAGE;
	}
	if (h.header_size != sizeof(h) || h.flags || h.page_size != SNAP_PAGE_SIZE)
		return corrupt(path, "header fields");
	for (size_t i = 0; i < sizeof(h.reserved) / sizeof(h.reserved[0]); i++)
		if (h.reserved[i])
			return corrupt(path, "reserved header field set");
	if (h.file_size > snap.size) {
		vmm_log("--restore %s: truncated snapshot: %zu of %" PRIu64 " bytes", path,
			snap.size, h.file_size);
		return VMM_EXIT_USAGE;
	}
	if (h.file_size < snap.size)
		return corrupt(path, "data after the recorded end of file");
	if (crc_update(0, snap.map + sizeof(h), snap.size - sizeof(h)) != h.body_crc)
		return corrupt(path, "checksum mismatch");
	r = check_sections(path);
	if (r)
		return r;
	r = merge_options(o);
	if (r)
		return r;
	snap.t_load = now_s() - t0;
	return 0;
}

/* ---- restoring ---------------------------------------------------------- */

static bool list_has(const struct kvm_reg_list *l, uint64_t id)
{
	for (uint64_t i = 0; i < l->n; i++)
		if (l->reg[i] == id)
			return true;
	return false;
}

/*
 * One vCPU: every recorded register (each must be one this host's KVM
 * lists for the vCPU, or the host cannot take the state), the MP state,
 * and what its thread must do when the VM starts.
 */
static int restore_vcpu(struct vcpu *v, const uint8_t *p)
{
	struct snap_vcpu s;
	struct kvm_reg_list *list = NULL;
	const uint8_t *q = p + sizeof(s);
	uint8_t val[SNAP_MAX_REG];
	int ret = VMM_EXIT_HOST;

	memcpy(&s, p, sizeof(s));
	if (s.mpidr != v->mpidr) {
		vmm_log("--restore: vcpu%" PRIu32 " has MPIDR 0x%" PRIx64 " here, 0x%" PRIx64
			" in the snapshot", v->idx, v->mpidr, s.mpidr);
		return VMM_EXIT_HOST;
	}
	if (get_reg_list(v, &list) < 0)
		return VMM_EXIT_HOST;
	for (uint32_t n = 0; n < s.nr_regs; n++) {
		uint64_t id;
		struct kvm_one_reg r = { .addr = (uintptr_t)val };

		memcpy(&id, q, 8);
		memcpy(val, q + 8, reg_size(id));
		q += reg_record_size(id);
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
			goto out;
		}
	}
	ret = 0;
out:
	free(list);
	return ret;
}

/*
 * Put the loaded snapshot into a VM that vm_create() has just built from
 * the snapshot's configuration (vCPUs created, vGIC initialised, engine
 * created, filter set, nothing run). Order: RAM, engine, vCPU registers
 * and MP state, then the vGIC (its CPU interfaces after the vCPUs' system
 * registers), then the UART (applied when the VM attaches it).
 * Returns 0 or a VMM_EXIT_* status after a message.
 */
int snapshot_restore(struct vmm *vm)
{
	const struct snap_ram *ram = snap.ram;
	double t0 = now_s();
	char extra[160];
	uint64_t done = 0;
	int r;

	for (uint64_t p = 0; p < ram->nr_pages; p++)
		if (snap.bitmap[p / 64] & (1ull << (p % 64)))
			memcpy(vm->ram + p * SNAP_PAGE_SIZE, snap.pages + done++ * SNAP_PAGE_SIZE,
			       SNAP_PAGE_SIZE);
	/* The recorded engine, version included: vpsci_restore refuses any difference. */
	r = vpsci_restore(vm->psci, snap.engine, snap.engine_len);
	if (r < 0) {
		vmm_log("--restore %s: the PSCI engine state is refused: %s", vm->opts->restore_path,
			vpsci_strerror(r));
		return VMM_EXIT_USAGE;
	}
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		r = restore_vcpu(&vm->vcpus[i], snap.vcpu[i]);
		if (r)
			return r;
	}
	if (gic_state_restore(vm, snap.gic, snap.nr_gic) < 0)
		return VMM_EXIT_HOST;
	uart_set_restore(snap.uart);
	rtc_set_restore(snap.rtc);
	snprintf(extra, sizeof(extra), ",\"bytes\":%zu,\"ram_pages\":%" PRIu64 ",\"load_ms\":%.1f"
		 ",\"restore_ms\":%.1f", snap.size, ram->nr_present, snap.t_load * 1e3,
		 (now_s() - t0) * 1e3);
	events_note("RESTORE", extra);
	vmm_debug("restored %u vCPUs, %" PRIu64 " RAM pages from %s", vm->nr_vcpus,
		  ram->nr_present, vm->opts->restore_path);
	return 0;
}

/*
 * --snapshot-continue: the file is written; the same VM runs on. Its vCPU
 * threads have ended where the snapshot found them: join them, clear the
 * stop hand-over and let vm_run() start new ones, parked (off, or with a
 * CPU_ON pending) or running as the PSCI state says; a vCPU in CPU_SUSPEND
 * is still in KVM's suspended state. The UART keeps its registers.
 */
void snapshot_continue(struct vmm *vm)
{
	struct vmm_uart_state us;
	struct vmm_rtc_state rs;

	uart_save(&us);
	uart_set_restore(&us);
	rtc_save(&rs);
	rtc_set_restore(&rs);
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
