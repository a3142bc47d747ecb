// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fixtures of the vpsci-run codec tests (fixture.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "util/crc32.h"

static char *dup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

void fx_machine(struct vmm_machine *m)
{
	memset(m, 0, sizeof(*m));
	m->psci_version = VPSCI_VERSION_1_3;
	m->mode = VMM_PSCI_USER;
	m->conduit = VPSCI_CONDUIT_HVC;
	m->system_suspend = true;
	m->pd_levels = 2;
	m->cpus_per_cluster = 2;
	m->pm_features = VPSCI_CFG_OSI | VPSCI_CFG_STAT;
	m->cpus = 2;
	m->mpidrs = calloc(2, sizeof(*m->mpidrs));
	if (!m->mpidrs)
		abort();
	m->mpidrs[0] = 0x0;
	m->mpidrs[1] = 0x1;
	m->gic_version = 3;
	m->mem_mib = 1;
	m->kernel.path = dup("/boot/vmlinuz");
	m->kernel.size = 1234;
	memset(m->kernel.sha256, 'a', 64);
	m->initrd.path = dup("/boot/initrd.img");
	m->initrd.size = 99;
	memset(m->initrd.sha256, '0', 64);
	m->append = dup("console=ttyAMA0 quiet");
	m->nr_disks = 2;
	m->disks[0].path = dup("/var/disk0.img");
	m->disks[0].size = 2u << 20;
	m->disks[1].path = dup("/var/disk1.img");
	m->disks[1].size = 4u << 20;
	m->engine_len = 40;
	m->engine = malloc(m->engine_len);
	if (!m->engine)
		abort();
	for (size_t i = 0; i < m->engine_len; i++)
		m->engine[i] = (uint8_t)(i * 7 + 3);
}

void fx_desc(struct hib_desc *d)
{
	memset(d, 0, sizeof(*d));
	fx_machine(&d->m);
	snprintf(d->reason, sizeof(d->reason), "SYSTEM_OFF2");
	d->machine_on_off = true;
}

/* ---- snapshot files ----------------------------------------------------- */

static int buf_sink(void *opaque, const void *data, size_t len)
{
	return vmm_buf_put(opaque, data, len);
}

/* vCPU i: its record and three registers (u64, u32, u128: 56 bytes of records). */
static void put_vcpu(struct snap_writer *w, uint32_t i, uint32_t idx, uint64_t mpidr,
		     uint32_t bad_size)
{
	uint64_t ids[3] = { 0x6030000000100000ull, 0x6020000000100040ull,
			    0x6040000000100054ull };
	uint8_t regs[56] = { 0 };
	struct snap_vcpu v = { .idx = idx, .state = i ? SNAP_VCPU_OFF : SNAP_VCPU_RUN,
			       .nr_regs = 3, .mpidr = mpidr, .regs_bytes = sizeof(regs) };

	if (bad_size && i == 0)	/* the last record claims another size */
		ids[2] = (ids[2] & ~SNAP_REG_SIZE_MASK) | ((uint64_t)bad_size << SNAP_REG_SIZE_SHIFT);
	memcpy(regs, &ids[0], 8);
	memcpy(regs + 16, &ids[1], 8);
	memcpy(regs + 32, &ids[2], 8);
	snapw_begin(w, SEC_VCPU, i, sizeof(v) + sizeof(regs));
	snapw_put(w, &v, sizeof(v));
	snapw_put(w, regs, sizeof(regs));
	snapw_pad(w);
}

/* 1 MiB of RAM, pages 0, 5 and 255 stored. */
static void put_ram(struct snap_writer *w, const struct fx_snap *how)
{
	struct snap_ram r = { .ram_size = 1u << 20, .nr_pages = 256, .nr_present = 3 };
	uint64_t bitmap[4] = { 1u | 1u << 5, 0, 0, 1ull << 63 };
	static uint8_t page[SNAP_PAGE_SIZE];

	memset(page, 0x5a, sizeof(page));
	r.nr_present += how->ram_present_delta;
	snapw_begin(w, SEC_RAM, 0, sizeof(r) + sizeof(bitmap) + 3 * SNAP_PAGE_SIZE);
	snapw_put(w, &r, sizeof(r));
	snapw_put(w, bitmap, sizeof(bitmap));
	for (int i = 0; i < 3; i++)
		snapw_put(w, page, sizeof(page));
}

static void put_devices(struct snap_writer *w, const struct fx_snap *how)
{
	/* two vGIC records (hw/gic.h struct gic_reg): group | reserved << 32, attr, val */
	uint64_t gic[6] = { 1, 0, 0x12, 5, 0x10000, 1 };
	uint8_t uart[72] = { 0 }, rtc[32] = { 0 };

	if (!how->no_gic)
		snapw_section(w, SEC_GIC, 0, gic, sizeof(gic));
	snapw_section(w, SEC_UART, 0, uart, sizeof(uart));
	if (how->dup_uart)
		snapw_section(w, SEC_UART, 0, uart, sizeof(uart));
	snapw_section(w, SEC_RTC, 0, rtc, sizeof(rtc));
	if (how->unknown_device)
		snapw_section(w, 1000, 3, "future device", 13);
	for (unsigned int i = 0; i < how->extra_devices; i++)
		snapw_section(w, 2000, i, &i, sizeof(i));
}

static void put_machine(struct snap_writer *w, const struct fx_snap *how,
			const struct vmm_machine *m)
{
	if (how->cfg_override) {
		snapw_section(w, SEC_CONFIG, 0, how->cfg_override, sizeof(*how->cfg_override));
	} else if (!how->no_config) {
		snapw_config(w, m);
	}
	if (how->power_override)
		snapw_section(w, SEC_POWER, 0, how->power_override, sizeof(*how->power_override));
	else if (!how->no_power && how->format != 1)
		snapw_power(w, m);
	if (!how->no_engine)
		snapw_section(w, SEC_ENGINE, 0, m->engine, m->engine_len);
}

void fx_snapshot(const struct fx_snap *how, struct vmm_buf *out)
{
	struct snap_writer w = { .sink = buf_sink, .opaque = out };
	struct snap_hdr h = { .magic = SNAP_MAGIC };
	struct vmm_machine m;
	unsigned int vcpus;
	size_t start = out->len;

	fx_machine(&m);
	vcpus = how->vcpus ? how->vcpus : m.cpus;
	vmm_buf_put(out, &h, sizeof(h));
	if (how->ram_first) {
		put_ram(&w, how);
		put_devices(&w, how);
	}
	put_machine(&w, how, &m);
	for (uint32_t i = 0; i < vcpus; i++)
		put_vcpu(&w, i, i == 1 && how->vcpu1_idx ? how->vcpu1_idx : i, i,
			 how->bad_reg_size);
	if (!how->ram_first) {
		put_devices(&w, how);
		if (!how->no_ram)
			put_ram(&w, how);
	}
	if (!how->no_end)
		snapw_section(&w, SEC_END, 0, NULL, 0);
	if (how->trailing)
		snapw_put(&w, "trailer!", 8);
	snap_header(&h, &w, how->abi ? how->abi : SNAP_ABI);
	if (how->format) {
		h.version = how->format;
		h.header_crc = 0;
		h.header_crc = vmm_crc32(0, &h, sizeof(h));
	}
	memcpy(out->p + start, &h, sizeof(h));
	vmm_machine_free(&m);
}

void fx_fix_header(uint8_t *file)
{
	struct snap_hdr h;

	memcpy(&h, file, sizeof(h));
	h.header_crc = 0;
	h.header_crc = vmm_crc32(0, &h, sizeof(h));
	memcpy(file, &h, sizeof(h));
}

void fx_fix_crcs(uint8_t *file, size_t size)
{
	struct snap_hdr h;

	memcpy(&h, file, sizeof(h));
	h.body_crc = vmm_crc32(0, file + sizeof(h), size - sizeof(h));
	memcpy(file, &h, sizeof(h));
	fx_fix_header(file);
}

/* ---- descriptions ------------------------------------------------------- */

/* Rebuild text from its lines (without the crc32 one) plus a new crc32 line. */
static void desc_recrc(struct vmm_buf *text, const char *body, size_t len)
{
	struct vmm_buf b = { 0 };

	vmm_buf_put(&b, body, len);
	vmm_buf_printf(&b, "crc32=%08" PRIx32 "\n", vmm_crc32(0, body, len));
	vmm_buf_free(text);
	*text = b;
}

/* The body (everything before "crc32="), its length. */
static size_t desc_body(const struct vmm_buf *text)
{
	const char *c = strstr((const char *)text->p, "\ncrc32=");

	return c ? (size_t)(c - (const char *)text->p) + 1 : text->len;
}

/* Edit the line of key: replace its value, or drop it (value NULL). */
static void desc_edit(struct vmm_buf *text, const char *key, const char *value)
{
	struct vmm_buf b = { 0 };
	size_t body = desc_body(text), klen = strlen(key);
	const char *p = (const char *)text->p, *end = p + body;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			if (value)
				vmm_buf_printf(&b, "%s=%s\n", key, value);
		} else {
			vmm_buf_put(&b, p, n);
		}
		p += n;
	}
	desc_recrc(text, (const char *)b.p, b.len);
	vmm_buf_free(&b);
}

void fx_desc_set(struct vmm_buf *text, const char *key, const char *value)
{
	desc_edit(text, key, value);
}

void fx_desc_drop(struct vmm_buf *text, const char *key)
{
	desc_edit(text, key, NULL);
}

void fx_desc_add(struct vmm_buf *text, const char *line)
{
	struct vmm_buf b = { 0 };

	vmm_buf_put(&b, text->p, desc_body(text));
	vmm_buf_printf(&b, "%s\n", line);
	desc_recrc(text, (const char *)b.p, b.len);
	vmm_buf_free(&b);
}
