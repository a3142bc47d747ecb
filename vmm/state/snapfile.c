// SPDX-License-Identifier: BSD-2-Clause
/*
 * The whole-VM snapshot file's codec (snapshot.h, docs/vm-snapshot.md):
 * validation of every byte of a file before anything uses it, and the
 * CRC'ed section stream the writer emits. KVM-free: no kernel header, no
 * ioctl, no logging, so host tests and the fuzzer reach all of it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/snapshot.h"
#include "util/crc32.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the format is little-endian");

#define SNAP_PM_FEATURES \
	(VPSCI_CFG_ALL_FLAGS & ~(uint32_t)(VPSCI_CFG_SYSTEM_SUSPEND | VPSCI_CFG_0_1_IDS))
/* What a file records (enum vmm_field): format 1 had no POWER section. */
#define SNAP_RECORDED_V1 \
	(VMM_F_KERNEL | VMM_F_INITRD | VMM_F_APPEND | VMM_F_CPUS | VMM_F_MEM | \
	 VMM_F_PSCI_VERSION | VMM_F_CONDUIT | VMM_F_SYSTEM_SUSPEND | VMM_F_MODE)
#define SNAP_RECORDED_V2 \
	(SNAP_RECORDED_V1 | VMM_F_POWER_DOMAINS | VMM_F_CPUS_PER_CLUSTER | VMM_F_PM_FEATURES)

static int refuse(char *why, size_t wl, const char *what)
{
	snprintf(why, wl, "%s", what);
	return -EINVAL;
}

static int corrupt(char *why, size_t wl, const char *what)
{
	snprintf(why, wl, "corrupt snapshot: %s", what);
	return -EINVAL;
}

/* ---- header ------------------------------------------------------------- */

static int check_header(const uint8_t *file, size_t size, uint32_t *format, char *why, size_t wl)
{
	struct snap_hdr h;
	uint32_t crc;

	if (size < sizeof(h)) {
		snprintf(why, wl, "truncated snapshot: %zu bytes, shorter than its header", size);
		return -EINVAL;
	}
	memcpy(&h, file, sizeof(h));
	if (memcmp(h.magic, SNAP_MAGIC, sizeof(h.magic)) != 0)
		return refuse(why, wl, "not a vpsci-run snapshot (bad magic)");
	crc = h.header_crc;
	h.header_crc = 0;
	if (vmm_crc32(0, &h, sizeof(h)) != crc)
		return corrupt(why, wl, "header checksum mismatch");
	if (h.version < SNAP_FORMAT_OLDEST || h.version > SNAP_FORMAT_VERSION) {
		snprintf(why, wl, "snapshot format version %" PRIu32 ", this vpsci-run reads "
			 "versions %d to %d", h.version, SNAP_FORMAT_OLDEST, SNAP_FORMAT_VERSION);
		return -EINVAL;
	}
	if (h.abi != SNAP_ABI) {
		snprintf(why, wl, "written by an incompatible vpsci-run build (snapshot ABI %"
			 PRIu32 ", this build %d)", h.abi, SNAP_ABI);
		return -EINVAL;
	}
	if (h.header_size != sizeof(h) || h.flags || h.page_size != SNAP_PAGE_SIZE)
		return corrupt(why, wl, "header fields");
	for (size_t i = 0; i < sizeof(h.reserved) / sizeof(h.reserved[0]); i++)
		if (h.reserved[i])
			return corrupt(why, wl, "reserved header field set");
	if (h.file_size > size) {
		snprintf(why, wl, "truncated snapshot: %zu of %" PRIu64 " bytes", size, h.file_size);
		return -EINVAL;
	}
	if (h.file_size < size)
		return corrupt(why, wl, "data after the recorded end of file");
	if (vmm_crc32(0, file + sizeof(h), size - sizeof(h)) != h.body_crc)
		return corrupt(why, wl, "checksum mismatch");
	*format = h.version;
	return 0;
}

/* ---- walking the sections ------------------------------------------------ */

/* The sections found, before their contents are checked. */
struct found {
	struct snap_section config, power, engine, ram;
	unsigned int have;		/* 1 << type of the singletons seen */
	struct snap_section *vcpu;	/* VPSCI_MAX_VCPUS slots, p NULL: absent */
};

/* Keep one section; a second (type, index) is corrupt. */
static int keep(struct found *f, struct snap_view *v, const struct snap_section *s, char *why,
		size_t wl)
{
	struct snap_section *slot = NULL;

	switch (s->type) {
	case SEC_CONFIG:
		slot = &f->config;
		break;
	case SEC_POWER:
		slot = &f->power;
		break;
	case SEC_ENGINE:
		slot = &f->engine;
		break;
	case SEC_RAM:
		slot = &f->ram;
		break;
	case SEC_VCPU:
		if (s->index >= VPSCI_MAX_VCPUS || f->vcpu[s->index].p)
			return corrupt(why, wl, "vCPU section index out of range or repeated");
		f->vcpu[s->index] = *s;
		return 0;
	default:
		if (snap_view_device(v, s->type, s->index))
			return corrupt(why, wl, "device section repeated");
		if (v->nr_dev == SNAP_MAX_DEVICES)
			return corrupt(why, wl, "too many device sections");
		v->dev[v->nr_dev++] = *s;
		return 0;
	}
	if (s->index || (f->have & (1u << s->type)))
		return corrupt(why, wl, "machine section with an index, or repeated");
	f->have |= 1u << s->type;
	*slot = *s;
	return 0;
}

/* Every section up to END, which must end the file exactly. */
static int walk(const uint8_t *file, size_t size, struct found *f, struct snap_view *v,
		char *why, size_t wl)
{
	size_t off = sizeof(struct snap_hdr);

	for (;;) {
		struct snap_sec h;
		struct snap_section s;
		int r;

		if (size - off < sizeof(h))
			return corrupt(why, wl, "a section runs past the end of the file");
		memcpy(&h, file + off, sizeof(h));
		off += sizeof(h);
		if (h.len > size - off || (h.len + 7) / 8 * 8 > size - off)
			return corrupt(why, wl, "a section runs past the end of the file");
		if (h.type == SEC_END) {
			if (h.len || h.index || off != size)
				return corrupt(why, wl, "data after the end section");
			return 0;
		}
		s = (struct snap_section){ h.type, h.index, file + off, (size_t)h.len };
		off += (size_t)(h.len + 7) / 8 * 8;
		r = keep(f, v, &s, why, wl);
		if (r)
			return r;
	}
}

/* ---- the machine's sections --------------------------------------------- */

static bool strings_ok(const char *p, uint32_t len)
{
	return len == 0 || (memchr(p, 0, len) == p + len - 1);
}

static bool known_version(uint32_t v)
{
	return v == VPSCI_VERSION_0_1 || v == VPSCI_VERSION_0_2 || v == VPSCI_VERSION_1_0 ||
	       v == VPSCI_VERSION_1_1 || v == VPSCI_VERSION_1_2 || v == VPSCI_VERSION_1_3;
}

static int dup_string(char **out, const char *s, uint32_t len)
{
	if (!len)
		return 0;
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

static int check_config(const struct snap_section *s, struct vmm_machine *m, char *why, size_t wl)
{
	struct snap_config c;
	const char *str = (const char *)s->p + sizeof(c);

	if (s->len < sizeof(c))
		return corrupt(why, wl, "configuration section too short");
	memcpy(&c, s->p, sizeof(c));
	if ((uint64_t)c.kernel_len + c.initrd_len + c.append_len != s->len - sizeof(c) ||
	    !strings_ok(str, c.kernel_len) || !strings_ok(str + c.kernel_len, c.initrd_len) ||
	    !strings_ok(str + c.kernel_len + c.initrd_len, c.append_len))
		return corrupt(why, wl, "configuration strings malformed");
	if (c.nr_vcpus == 0 || c.nr_vcpus > VPSCI_MAX_VCPUS || c.mem_mib == 0 ||
	    c.mem_mib > (1ull << 30) || c.conduit > VPSCI_CONDUIT_SMC ||
	    (c.flags & ~SNAP_CFG_SYSTEM_SUSPEND) || !known_version(c.psci_version))
		return corrupt(why, wl, "configuration values out of range");
	if (c.mode != VMM_PSCI_USER || c.ram_base != VMM_RAM_BASE || c.gic_version != 3 ||
	    c.nr_irqs != VMM_NR_IRQS) {
		snprintf(why, wl, "written for a machine this build does not make (PSCI mode %"
			 PRIu32 ", RAM at 0x%" PRIx64 ", vGICv%" PRIu32 ", %" PRIu32 " IRQs)",
			 c.mode, c.ram_base, c.gic_version, c.nr_irqs);
		return -EINVAL;
	}
	m->cpus = c.nr_vcpus;
	m->mode = VMM_PSCI_USER;
	m->psci_version = c.psci_version;
	m->conduit = (enum vpsci_conduit)c.conduit;
	m->mem_mib = c.mem_mib;
	m->system_suspend = c.flags & SNAP_CFG_SYSTEM_SUSPEND;
	m->gic_version = 3;
	if (dup_string(&m->kernel.path, str, c.kernel_len) ||
	    dup_string(&m->initrd.path, str + c.kernel_len, c.initrd_len) ||
	    dup_string(&m->append, str + c.kernel_len + c.initrd_len, c.append_len))
		return -ENOMEM;
	return 0;
}

static int check_power(const struct snap_section *s, struct vmm_machine *m, char *why, size_t wl)
{
	struct snap_power p;

	if (s->len != sizeof(p))
		return corrupt(why, wl, "power section size");
	memcpy(&p, s->p, sizeof(p));
	if (p.pd_levels > VPSCI_MAX_PD_LEVELS || p.cpus_per_cluster > SNAP_MAX_CPUS_PER_CLUSTER ||
	    (p.pm_features & ~SNAP_PM_FEATURES) || p.reserved)
		return corrupt(why, wl, "power section values out of range");
	m->pd_levels = p.pd_levels;
	m->cpus_per_cluster = p.cpus_per_cluster;
	m->pm_features = p.pm_features;
	return 0;
}

/* One vCPU: its record, then register records filling the section exactly. */
static int check_vcpu(const struct snap_section *s, uint32_t i, uint64_t *mpidr, char *why,
		      size_t wl)
{
	struct snap_vcpu v;
	size_t off = sizeof(v);

	if (s->len < sizeof(v))
		return corrupt(why, wl, "vCPU record malformed");
	memcpy(&v, s->p, sizeof(v));
	if (v.idx != i || v.regs_bytes != s->len - sizeof(v) || v.state > SNAP_VCPU_SUSPENDED ||
	    (v.mpidr & ~VPSCI_MPIDR_AFF_MASK))
		return corrupt(why, wl, "vCPU record malformed");
	for (uint32_t n = 0; n < v.nr_regs; n++) {
		uint64_t id;

		if (s->len - off < 8)
			return corrupt(why, wl, "vCPU registers run past their section");
		memcpy(&id, s->p + off, 8);
		if (snap_reg_size(id) > SNAP_MAX_REG || s->len - off < snap_reg_record_size(id))
			return corrupt(why, wl, "vCPU register record malformed");
		off += snap_reg_record_size(id);
	}
	if (off != s->len)
		return corrupt(why, wl, "vCPU section longer than its registers");
	*mpidr = v.mpidr;
	return 0;
}

static int check_vcpus(const struct found *f, struct snap_view *v, char *why, size_t wl)
{
	v->vcpu = calloc(v->m.cpus, sizeof(*v->vcpu));
	v->m.mpidrs = calloc(v->m.cpus, sizeof(*v->m.mpidrs));
	if (!v->vcpu || !v->m.mpidrs)
		return -ENOMEM;
	for (uint32_t i = 0; i < VPSCI_MAX_VCPUS; i++) {
		int r;

		if (!f->vcpu[i].p) {
			if (i < v->m.cpus)
				return corrupt(why, wl, "a vCPU section is missing");
			continue;
		}
		if (i >= v->m.cpus)
			return corrupt(why, wl, "a vCPU section beyond the configured vCPUs");
		r = check_vcpu(&f->vcpu[i], i, &v->m.mpidrs[i], why, wl);
		if (r)
			return r;
		v->vcpu[i] = f->vcpu[i].p;
	}
	return 0;
}

static int check_ram(const struct snap_section *s, struct snap_view *v, char *why, size_t wl)
{
	struct snap_ram r;
	uint64_t words, present = 0, rest;

	if (s->len < sizeof(r))
		return corrupt(why, wl, "RAM section too short");
	memcpy(&r, s->p, sizeof(r));
	if (r.ram_size != v->m.mem_mib << 20 || r.nr_pages != r.ram_size / SNAP_PAGE_SIZE)
		return corrupt(why, wl, "RAM size differs from the configuration");
	words = (r.nr_pages + 63) / 64;
	rest = s->len - sizeof(r);
	if (rest / 8 < words || (rest - words * 8) / SNAP_PAGE_SIZE != r.nr_present ||
	    (rest - words * 8) % SNAP_PAGE_SIZE)
		return corrupt(why, wl, "RAM section size does not match its page count");
	v->ram = (const void *)s->p;
	v->bitmap = (const void *)(s->p + sizeof(r));
	v->pages = (const uint8_t *)(v->bitmap + words);
	for (uint64_t w = 0; w < words; w++)
		present += (uint64_t)__builtin_popcountll(v->bitmap[w]);
	if (present != r.nr_present ||
	    (r.nr_pages % 64 && (v->bitmap[words - 1] >> (r.nr_pages % 64))))
		return corrupt(why, wl, "RAM bitmap does not match its page count");
	return 0;
}

/* The machine's sections, in dependency order: CONFIG gives the vCPU count and RAM size. */
static int check_machine(const struct found *f, struct snap_view *v, char *why, size_t wl)
{
	static const uint32_t need[] = { SEC_CONFIG, SEC_ENGINE, SEC_RAM };
	int r;

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!(f->have & (1u << need[i]))) {
			snprintf(why, wl, "corrupt snapshot: no section of type %" PRIu32, need[i]);
			return -EINVAL;
		}
	if (v->format >= 2 && !(f->have & (1u << SEC_POWER)))
		return corrupt(why, wl, "no power section");
	r = check_config(&f->config, &v->m, why, wl);
	if (!r && (f->have & (1u << SEC_POWER)))
		r = check_power(&f->power, &v->m, why, wl);
	if (!r)
		r = check_vcpus(f, v, why, wl);
	if (!r)
		r = check_ram(&f->ram, v, why, wl);
	if (r)
		return r;
	if (f->engine.len == 0)
		return corrupt(why, wl, "empty engine section");
	v->m.engine = malloc(f->engine.len);
	if (!v->m.engine)
		return -ENOMEM;
	memcpy(v->m.engine, f->engine.p, f->engine.len);
	v->m.engine_len = f->engine.len;
	return 0;
}

int snap_parse(const uint8_t *file, size_t size, struct snap_view *v, char *why, size_t wl)
{
	struct found f = { .have = 0 };
	int r;

	memset(v, 0, sizeof(*v));
	r = check_header(file, size, &v->format, why, wl);
	if (r)
		return r;
	f.vcpu = calloc(VPSCI_MAX_VCPUS, sizeof(*f.vcpu));
	if (!f.vcpu)
		return -ENOMEM;
	r = walk(file, size, &f, v, why, wl);
	if (!r)
		r = check_machine(&f, v, why, wl);
	free(f.vcpu);
	if (r) {
		snap_view_free(v);
		return r;
	}
	v->recorded = v->format >= 2 ? SNAP_RECORDED_V2 : SNAP_RECORDED_V1;
	return 0;
}

void snap_view_free(struct snap_view *v)
{
	vmm_machine_free(&v->m);
	free(v->vcpu);
	memset(v, 0, sizeof(*v));
}

const struct snap_section *snap_view_device(const struct snap_view *v, uint32_t type,
					    uint32_t index)
{
	for (unsigned int i = 0; i < v->nr_dev; i++)
		if (v->dev[i].type == type && v->dev[i].index == index)
			return &v->dev[i];
	return NULL;
}

/* ---- writing ------------------------------------------------------------ */

void snapw_put(struct snap_writer *w, const void *data, size_t len)
{
	if (w->err || !len)
		return;
	w->err = w->sink(w->opaque, data, len);
	if (w->err)
		return;
	w->crc = vmm_crc32(w->crc, data, len);
	w->size += len;
}

void snapw_begin(struct snap_writer *w, uint32_t type, uint32_t index, uint64_t len)
{
	struct snap_sec s = { .type = type, .index = index, .len = len };

	snapw_put(w, &s, sizeof(s));
}

void snapw_pad(struct snap_writer *w)
{
	static const uint8_t zero[8];

	if (w->size % 8)
		snapw_put(w, zero, 8 - w->size % 8);
}

void snapw_section(struct snap_writer *w, uint32_t type, uint32_t index, const void *data,
		   size_t len)
{
	snapw_begin(w, type, index, len);
	snapw_put(w, data, len);
	snapw_pad(w);
}

static uint32_t str_len(const char *s)
{
	return s ? (uint32_t)strlen(s) + 1 : 0;
}

void snapw_config(struct snap_writer *w, const struct vmm_machine *m)
{
	struct snap_config c = {
		.nr_vcpus = m->cpus,
		.mode = m->mode,
		.psci_version = m->psci_version,
		.conduit = m->conduit,
		.mem_mib = m->mem_mib,
		.ram_base = VMM_RAM_BASE,
		.flags = m->system_suspend ? SNAP_CFG_SYSTEM_SUSPEND : 0,
		.gic_version = (uint32_t)m->gic_version,
		.nr_irqs = VMM_NR_IRQS,
		.kernel_len = str_len(m->kernel.path),
		.initrd_len = str_len(m->initrd.path),
		.append_len = str_len(m->append),
	};

	snapw_begin(w, SEC_CONFIG, 0, sizeof(c) + c.kernel_len + c.initrd_len + c.append_len);
	snapw_put(w, &c, sizeof(c));
	snapw_put(w, m->kernel.path, c.kernel_len);
	snapw_put(w, m->initrd.path, c.initrd_len);
	snapw_put(w, m->append, c.append_len);
	snapw_pad(w);
}

void snapw_power(struct snap_writer *w, const struct vmm_machine *m)
{
	struct snap_power p = {
		.pd_levels = m->pd_levels,
		.cpus_per_cluster = m->cpus_per_cluster,
		.pm_features = m->pm_features,
	};

	snapw_section(w, SEC_POWER, 0, &p, sizeof(p));
}

void snap_header(struct snap_hdr *h, const struct snap_writer *w, uint32_t abi)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, SNAP_MAGIC, sizeof(h->magic));
	h->version = SNAP_FORMAT_VERSION;
	h->header_size = sizeof(*h);
	h->file_size = sizeof(*h) + w->size;
	h->abi = abi;
	h->body_crc = w->crc;
	h->page_size = SNAP_PAGE_SIZE;
	h->header_crc = vmm_crc32(0, h, sizeof(*h));
}
