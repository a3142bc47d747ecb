// SPDX-License-Identifier: BSD-2-Clause
/*
 * Snapshot and restore: the engine's whole state as the byte format of
 * docs/snapshot.md (little-endian, versioned, CRC-32 checked).
 *
 * Reading validates the entire input before anything is written, so a
 * corrupt, truncated or mismatched snapshot leaves the engine untouched.
 */
#include <stdlib.h>
#include <string.h>

#include "vpsci_private.h"

#define SNAP_MAGIC		"VPSCISNP"
#define SNAP_FORMAT_V1		1u	/* still read: defaults for what it lacks */
#define SNAP_FORMAT		2u	/* written */
#define SNAP_HDR_SIZE		32u
#define SNAP_CFG_SIZE		72u
#define SNAP_MEM_SIZE		16u
#define SNAP_VCPU_SIZE		40u
#define SNAP_EXT_SIZE		16u	/* v2: hierarchy, suspend mode, MEM_PROTECT */
#define SNAP_VX_SIZE		24u	/* v2: per-vCPU suspension details */
#define SNAP_STAT_SIZE		16u	/* v2: one STAT slot (count, residency) */

/* Header and configuration offsets (docs/snapshot.md). */
#define OFF_MAGIC		0
#define OFF_FORMAT		8
#define OFF_HDR_SIZE		10
#define OFF_TOTAL		12
#define OFF_CRC			16
#define OFF_FLAGS		20
#define OFF_NR_VCPUS		24
#define OFF_RSVD0		28
#define OFF_VERSION		32
#define OFF_CONDUIT		36
#define OFF_CFG_FLAGS		40
#define OFF_BOOT		44
#define OFF_NR_MEM		48
#define OFF_NR_RESET2		52
#define OFF_SYS			56
#define OFF_EV_CALLER		60
#define OFF_EV_TYPE		64
#define OFF_EV_RTYPE		68
#define OFF_EV_COOKIE		72
#define OFF_EV_PC		80
#define OFF_EV_CTX		88
#define OFF_EV_EFLAGS		96
#define OFF_RSVD1		100
#define OFF_MEM			104

/* vCPU record offsets. */
#define VOFF_MPIDR		0
#define VOFF_STATE		8
#define VOFF_EFLAGS		12
#define VOFF_PSTATE		16
#define VOFF_RSVD		20
#define VOFF_PC			24
#define VOFF_CTX		32

/* v2 extension block offsets (after the vCPU records). */
#define XOFF_PD_LEVELS		0
#define XOFF_PD_STATES		4	/* 3 bytes, then a reserved zero byte */
#define XOFF_MODE		8
#define XOFF_MEM_PROTECT	12

/* v2 per-vCPU extension record offsets. */
#define VXOFF_REQ		0
#define VXOFF_ENT		4
#define VXOFF_FLAGS		8
#define VXOFF_SEQ		12
#define VXOFF_START		16

#define VXFLAG_FROZEN		0x1u

#define EFLAG_AARCH32		0x1u
#define EFLAG_THUMB		0x2u
#define EFLAG_BE		0x4u
#define EFLAG_ALL		(EFLAG_AARCH32 | EFLAG_THUMB | EFLAG_BE)

_Static_assert(OFF_MEM == SNAP_HDR_SIZE + SNAP_CFG_SIZE, "config section layout");
_Static_assert(VOFF_CTX + 8 == SNAP_VCPU_SIZE, "vCPU record layout");
_Static_assert(XOFF_MEM_PROTECT + 4 == SNAP_EXT_SIZE, "extension block layout");
_Static_assert(VXOFF_START + 8 == SNAP_VX_SIZE, "vCPU extension record layout");
_Static_assert(PS_OFF == 0 && PS_ON == 1 && PS_SUSPENDED == 2 && PS_SYS_SUSPENDED == 3,
	       "power states are written as their enum values");
_Static_assert(SYS_RUNNING == 0 && SYS_EVENT == 1 && SYS_SUSPENDED == 2,
	       "system states are written as their enum values");

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* CRC-32/ISO-HDLC, a nibble at a time; the CRC field itself reads as 0. */
static uint32_t snap_crc(const uint8_t *p, size_t len)
{
	static const uint32_t nibble[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
		0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};
	uint32_t crc = 0xffffffffu;
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t b = (i >= OFF_CRC && i < OFF_CRC + 4) ? 0 : p[i];

		crc ^= b;
		crc = (crc >> 4) ^ nibble[crc & 0xf];
		crc = (crc >> 4) ^ nibble[crc & 0xf];
	}
	return ~crc;
}

static size_t reset2_bytes(uint32_t nr)
{
	return (nr * 4u + 7u) & ~(size_t)7u;
}

/* Bytes of the v1 part: everything up to the end of the vCPU records. */
static size_t snap_bytes_v1(uint32_t nr_vcpus, uint32_t nr_mem, uint32_t nr_reset2)
{
	return OFF_MEM + (size_t)nr_mem * SNAP_MEM_SIZE + reset2_bytes(nr_reset2) +
	       (size_t)nr_vcpus * SNAP_VCPU_SIZE;
}

/* v2 adds the extension block, a record per vCPU and nr_stat STAT slots per vCPU. */
static size_t snap_bytes(uint32_t nr_vcpus, uint32_t nr_mem, uint32_t nr_reset2,
			 uint32_t nr_stat)
{
	return snap_bytes_v1(nr_vcpus, nr_mem, nr_reset2) + SNAP_EXT_SIZE +
	       (size_t)nr_vcpus * (SNAP_VX_SIZE + (size_t)nr_stat * SNAP_STAT_SIZE);
}

static uint32_t entry_flags(const struct vpsci_entry *e)
{
	return (e->aarch32 ? EFLAG_AARCH32 : 0) | (e->thumb ? EFLAG_THUMB : 0) |
	       (e->big_endian ? EFLAG_BE : 0);
}

static void entry_from_flags(struct vpsci_entry *e, uint32_t f, uint64_t pc, uint64_t ctx)
{
	e->pc = pc;
	e->context_id = ctx;
	e->aarch32 = f & EFLAG_AARCH32;
	e->thumb = f & EFLAG_THUMB;
	e->big_endian = f & EFLAG_BE;
}

VPSCI_EXPORT size_t vpsci_snapshot_size(const struct vpsci_vm *vm)
{
	return snap_bytes(vm->nr_vcpus, vm->nr_mem, vm->nr_reset2,
			  vm->stats ? vm->nr_comps : 0);
}

/* Whether a power_state this VM accepted powers the CPU down (its format's StateType). */
static bool ps_powerdown(const struct vpsci_vm *vm, uint32_t ps)
{
	return ps & ((vm->flags & VPSCI_CFG_EXT_STATEID) ? VPSCI_PS_EXT_TYPE_POWERDOWN :
							    VPSCI_PS_TYPE_POWERDOWN);
}

VPSCI_EXPORT int vpsci_snapshot(const struct vpsci_vm *vm, void *buf, size_t size, size_t *len)
{
	size_t total, off;
	uint8_t *p = buf;
	uint32_t sys, i;

	if (!vm || !buf)
		return VPSCI_E_INVAL;
	total = vpsci_snapshot_size(vm);
	if (size < total)
		return VPSCI_E_NOSPC;
	/* Transitional states are refused, never encoded (docs/snapshot.md). */
	if (!vm_quiescent(vm))
		return VPSCI_E_BUSY;
	sys = atomic_load(&vm->sys);

	memset(p, 0, total);
	memcpy(p + OFF_MAGIC, SNAP_MAGIC, 8);
	put16(p + OFF_FORMAT, SNAP_FORMAT);
	put16(p + OFF_HDR_SIZE, SNAP_HDR_SIZE);
	put32(p + OFF_TOTAL, (uint32_t)total);
	put32(p + OFF_NR_VCPUS, vm->nr_vcpus);

	put32(p + OFF_VERSION, vm->version);
	put32(p + OFF_CONDUIT, vm->conduit);
	put32(p + OFF_CFG_FLAGS, vm->flags);
	put32(p + OFF_BOOT, vm->boot_vcpu);
	put32(p + OFF_NR_MEM, vm->nr_mem);
	put32(p + OFF_NR_RESET2, vm->nr_reset2);
	put32(p + OFF_SYS, sys);
	if (sys != SYS_RUNNING) {
		put32(p + OFF_EV_CALLER, vm->event.caller);
		put32(p + OFF_EV_TYPE, vm->event.type);
		put32(p + OFF_EV_RTYPE, vm->event.reset_type);
		put64(p + OFF_EV_COOKIE, vm->event.cookie);
		put64(p + OFF_EV_PC, vm->event.entry.pc);
		put64(p + OFF_EV_CTX, vm->event.entry.context_id);
		put32(p + OFF_EV_EFLAGS, entry_flags(&vm->event.entry));
	}

	off = OFF_MEM;
	for (i = 0; i < vm->nr_mem; i++, off += SNAP_MEM_SIZE) {
		put64(p + off, vm->mem[i].base);
		put64(p + off + 8, vm->mem[i].size);
	}
	for (i = 0; i < vm->nr_reset2; i++)
		put32(p + off + 4 * (size_t)i, vm->reset2_types[i]);
	off += reset2_bytes(vm->nr_reset2);

	for (i = 0; i < vm->nr_vcpus; i++, off += SNAP_VCPU_SIZE) {
		const struct vpsci_vcpu *v = &vm->vcpus[i];
		uint32_t s = atomic_load(&v->state);

		put64(p + off + VOFF_MPIDR, v->mpidr);
		put32(p + off + VOFF_STATE, s);
		if (s == PS_SUSPENDED) {
			put32(p + off + VOFF_PSTATE, v->power_state);
			if (ps_powerdown(vm, v->power_state)) {
				put32(p + off + VOFF_EFLAGS, entry_flags(&v->resume));
				put64(p + off + VOFF_PC, v->resume.pc);
				put64(p + off + VOFF_CTX, v->resume.context_id);
			}
		}
	}

	/* v2 extension: the hierarchy, the VM-wide state, then per vCPU. */
	put32(p + off + XOFF_PD_LEVELS, vm->pd_levels);
	memcpy(p + off + XOFF_PD_STATES, vm->pd_states, NR_LEVELS);
	put32(p + off + XOFF_MODE, atomic_load(&vm->suspend_mode));
	put32(p + off + XOFF_MEM_PROTECT, atomic_load(&vm->mem_protect));
	off += SNAP_EXT_SIZE;
	for (i = 0; i < vm->nr_vcpus; i++, off += SNAP_VX_SIZE) {
		const struct vpsci_vcpu *v = &vm->vcpus[i];
		uint32_t s = atomic_load(&v->state), w = atomic_load(&v->susp);

		if (s == PS_SUSPENDED) {
			put32(p + off + VXOFF_REQ, SUSP_REQ(w));
			put32(p + off + VXOFF_ENT, SUSP_ENT(w));
			put32(p + off + VXOFF_SEQ, atomic_load(&v->susp_seq));
			if (vm->stats)
				put64(p + off + VXOFF_START, v->susp_start_us);
		} else if (s == PS_OFF && (w & SUSP_FROZEN)) {
			put32(p + off + VXOFF_FLAGS, VXFLAG_FROZEN);
		}
	}
	if (vm->stats) {
		for (i = 0; i < vm->nr_vcpus * vm->nr_comps; i++, off += SNAP_STAT_SIZE) {
			put64(p + off, atomic_load(&vm->stats[i].count));
			put64(p + off + 8, atomic_load(&vm->stats[i].residency_us));
		}
	}

	put32(p + OFF_CRC, snap_crc(p, total));
	if (len)
		*len = total;
	return 0;
}

/* A snapshot that passed every check: decoded scalars, records left in place. */
struct snap_view {
	struct vpsci_config cfg;
	struct vpsci_mem_region mem[VPSCI_MAX_MEM_REGIONS];
	uint32_t reset2[VPSCI_MAX_RESET2_TYPES];
	uint32_t sys;
	struct vpsci_system_event event;
	const uint8_t *vcpus;		/* nr_vcpus records of SNAP_VCPU_SIZE */
	/* v2 (defaults for v1): */
	uint32_t format;
	uint32_t suspend_mode;
	uint32_t mem_protect;
	const uint8_t *vx;		/* nr_vcpus records of SNAP_VX_SIZE, or NULL (v1) */
	const uint8_t *stats;		/* nr_vcpus x nr_stat slots, or NULL */
	uint32_t nr_stat;
	/* Enough of an engine to decode power_states with the recorded config. */
	struct vpsci_vm pd;
};

static bool entry_flags_valid(uint32_t f)
{
	return !(f & ~EFLAG_ALL) && (!(f & EFLAG_THUMB) || (f & EFLAG_AARCH32));
}

/*
 * A vCPU record (and, in v2, its extension record vx): states a running
 * engine could have been in. A SUSPENDED vCPU's power_state must be one
 * CPU_SUSPEND accepts under the recorded configuration, its requested
 * composite the one that power_state asks for, and the entered composite
 * one coordination could have produced from it (the CPU's own state, no
 * level deeper than requested).
 */
static int check_vcpu_record(const struct snap_view *v, const uint8_t *r, const uint8_t *vx)
{
	uint32_t s = get32(r + VOFF_STATE), f = get32(r + VOFF_EFLAGS);
	uint32_t ps = get32(r + VOFF_PSTATE), req = 0;
	bool powerdown = false;

	if (get64(r + VOFF_MPIDR) & ~VPSCI_MPIDR_AFF_MASK)
		return VPSCI_E_SNAP_CORRUPT;
	if (s > PS_SYS_SUSPENDED || get32(r + VOFF_RSVD))
		return VPSCI_E_SNAP_CORRUPT;
	if (s == PS_SUSPENDED ? ps_decode(&v->pd, ps, &req, &powerdown) != 0 : ps != 0)
		return VPSCI_E_SNAP_CORRUPT;
	if (vx) {
		uint32_t ent = get32(vx + VXOFF_ENT);

		if (s != PS_SUSPENDED) {
			if (get32(vx + VXOFF_REQ) || ent || get32(vx + VXOFF_SEQ) ||
			    get64(vx + VXOFF_START))
				return VPSCI_E_SNAP_CORRUPT;
		} else {
			if (get32(vx + VXOFF_REQ) != req)
				return VPSCI_E_SNAP_CORRUPT;
			if (v->pd.pd_levels ? !comp_valid(&v->pd, ent) : ent != req)
				return VPSCI_E_SNAP_CORRUPT;
			for (uint32_t l = 0; l < NR_LEVELS; l++)
				if (COMP_LOCAL(ent, l) > COMP_LOCAL(req, l) ||
				    (l == 0 && COMP_LOCAL(ent, 0) != COMP_LOCAL(req, 0)))
					return VPSCI_E_SNAP_CORRUPT;
			if (get64(vx + VXOFF_START) && !(v->cfg.flags & VPSCI_CFG_STAT))
				return VPSCI_E_SNAP_CORRUPT;
		}
		if (get32(vx + VXOFF_FLAGS) & ~VXFLAG_FROZEN)
			return VPSCI_E_SNAP_CORRUPT;
		if ((get32(vx + VXOFF_FLAGS) & VXFLAG_FROZEN) && s != PS_OFF)
			return VPSCI_E_SNAP_CORRUPT;
	}
	if (powerdown ? !entry_flags_valid(f) :
	    (f || get64(r + VOFF_PC) || get64(r + VOFF_CTX)))
		return VPSCI_E_SNAP_CORRUPT;
	return 0;
}

/* Event fields must describe something the engine could have reported. */
static int check_event(const struct snap_view *v, uint32_t eflags)
{
	const struct vpsci_system_event *e = &v->event;
	bool suspend = e->type == VPSCI_EVENT_SUSPEND;

	if (v->sys == SYS_RUNNING)
		return (e->caller || e->type || e->reset_type || e->cookie || e->entry.pc ||
			e->entry.context_id || eflags) ? VPSCI_E_SNAP_CORRUPT : 0;
	if (v->sys > SYS_SUSPENDED || e->caller >= v->cfg.nr_vcpus ||
	    e->type > VPSCI_EVENT_SUSPEND)
		return VPSCI_E_SNAP_CORRUPT;
	if ((v->sys == SYS_SUSPENDED) != suspend)
		return VPSCI_E_SNAP_CORRUPT;
	if (suspend ? !entry_flags_valid(eflags) : (eflags || e->entry.pc || e->entry.context_id))
		return VPSCI_E_SNAP_CORRUPT;
	if (e->type != VPSCI_EVENT_RESET2 && e->cookie)
		return VPSCI_E_SNAP_CORRUPT;
	if (e->type != VPSCI_EVENT_RESET2 && e->type != VPSCI_EVENT_HIBERNATE_OFF &&
	    e->reset_type)
		return VPSCI_E_SNAP_CORRUPT;
	return 0;
}

/*
 * Check a snapshot completely (docs/snapshot.md, in the order of its
 * tables) and decode it into *v. Writes nothing else.
 */
static int snap_parse(const uint8_t *p, size_t size, struct snap_view *v)
{
	uint32_t total, nr_vcpus, nr_mem, nr_reset2, eflags, i, j, n_sys_susp = 0, format;
	size_t off, v1_bytes;
	int ret;

	if (size < SNAP_HDR_SIZE)
		return VPSCI_E_SNAP_TRUNCATED;
	if (memcmp(p + OFF_MAGIC, SNAP_MAGIC, 8) != 0)
		return VPSCI_E_SNAP_MAGIC;
	format = get16(p + OFF_FORMAT);
	if (format != SNAP_FORMAT && format != SNAP_FORMAT_V1)
		return VPSCI_E_SNAP_VERSION;
	if (get16(p + OFF_HDR_SIZE) != SNAP_HDR_SIZE)
		return VPSCI_E_SNAP_CORRUPT;
	total = get32(p + OFF_TOTAL);
	if (total > size)
		return VPSCI_E_SNAP_TRUNCATED;
	if (total < OFF_MEM)
		return VPSCI_E_SNAP_CORRUPT;
	if (get32(p + OFF_CRC) != snap_crc(p, total))
		return VPSCI_E_SNAP_CHECKSUM;
	if (get32(p + OFF_FLAGS) || get32(p + OFF_RSVD0) || get32(p + OFF_RSVD1))
		return VPSCI_E_SNAP_CORRUPT;

	nr_vcpus = get32(p + OFF_NR_VCPUS);
	nr_mem = get32(p + OFF_NR_MEM);
	nr_reset2 = get32(p + OFF_NR_RESET2);
	if (nr_vcpus == 0 || nr_vcpus > VPSCI_MAX_VCPUS || nr_mem == 0 ||
	    nr_mem > VPSCI_MAX_MEM_REGIONS || nr_reset2 > VPSCI_MAX_RESET2_TYPES)
		return VPSCI_E_SNAP_CORRUPT;
	v1_bytes = snap_bytes_v1(nr_vcpus, nr_mem, nr_reset2);
	if (format == SNAP_FORMAT_V1 ? total != v1_bytes : total < v1_bytes + SNAP_EXT_SIZE)
		return VPSCI_E_SNAP_CORRUPT;

	memset(v, 0, sizeof(*v));
	v->format = format;
	v->cfg.version = get32(p + OFF_VERSION);
	v->cfg.conduit = (enum vpsci_conduit)get32(p + OFF_CONDUIT);
	v->cfg.flags = get32(p + OFF_CFG_FLAGS);
	v->cfg.boot_vcpu = get32(p + OFF_BOOT);
	v->cfg.nr_vcpus = nr_vcpus;
	v->cfg.nr_mem = nr_mem;
	v->cfg.mem = v->mem;
	v->cfg.nr_reset2_vendor_types = nr_reset2;
	v->cfg.reset2_vendor_types = v->reset2;

	off = OFF_MEM;
	for (i = 0; i < nr_mem; i++, off += SNAP_MEM_SIZE) {
		v->mem[i].base = get64(p + off);
		v->mem[i].size = get64(p + off + 8);
	}
	for (i = 0; i < nr_reset2; i++)
		v->reset2[i] = get32(p + off + 4 * (size_t)i);
	for (i = nr_reset2 * 4; i < reset2_bytes(nr_reset2); i++)
		if (p[off + i])
			return VPSCI_E_SNAP_CORRUPT;
	off += reset2_bytes(nr_reset2);
	if (format != SNAP_FORMAT_V1) {
		const uint8_t *x = p + v1_bytes;

		v->cfg.pd_levels = get32(x + XOFF_PD_LEVELS);
		memcpy(v->cfg.pd_states, x + XOFF_PD_STATES, NR_LEVELS);
		if (x[XOFF_PD_STATES + NR_LEVELS])
			return VPSCI_E_SNAP_CORRUPT;
		v->suspend_mode = get32(x + XOFF_MODE);
		v->mem_protect = get32(x + XOFF_MEM_PROTECT);
	}
	if (check_config(&v->cfg))
		return VPSCI_E_SNAP_CORRUPT;
	/* The values only an engine with that option could hold. */
	if (v->suspend_mode > VPSCI_SUSPEND_MODE_OSI ||
	    (v->suspend_mode && !(v->cfg.flags & VPSCI_CFG_OSI)))
		return VPSCI_E_SNAP_CORRUPT;
	if (v->mem_protect > 1 || (v->mem_protect && !(v->cfg.flags & VPSCI_CFG_MEM_PROTECT)))
		return VPSCI_E_SNAP_CORRUPT;
	v->pd.flags = v->cfg.flags;
	v->pd.pd_levels = v->cfg.pd_levels;
	memcpy(v->pd.pd_states, v->cfg.pd_states, NR_LEVELS);
	pd_comps(&v->pd);
	if (format != SNAP_FORMAT_V1) {
		v->nr_stat = (v->cfg.flags & VPSCI_CFG_STAT) ? v->pd.nr_comps : 0;
		if (total != snap_bytes(nr_vcpus, nr_mem, nr_reset2, v->nr_stat))
			return VPSCI_E_SNAP_CORRUPT;
		v->vx = p + v1_bytes + SNAP_EXT_SIZE;
		if (v->nr_stat)
			v->stats = v->vx + (size_t)nr_vcpus * SNAP_VX_SIZE;
	}

	v->sys = get32(p + OFF_SYS);
	v->event.caller = get32(p + OFF_EV_CALLER);
	v->event.type = (enum vpsci_event_type)get32(p + OFF_EV_TYPE);
	v->event.reset_type = get32(p + OFF_EV_RTYPE);
	v->event.cookie = get64(p + OFF_EV_COOKIE);
	eflags = get32(p + OFF_EV_EFLAGS);
	entry_from_flags(&v->event.entry, eflags, get64(p + OFF_EV_PC), get64(p + OFF_EV_CTX));
	ret = check_event(v, eflags);
	if (ret)
		return ret;

	v->vcpus = p + off;
	for (i = 0; i < nr_vcpus; i++) {
		const uint8_t *r = v->vcpus + (size_t)i * SNAP_VCPU_SIZE;

		ret = check_vcpu_record(v, r, v->vx ? v->vx + (size_t)i * SNAP_VX_SIZE : NULL);
		if (ret)
			return ret;
		if (get32(r + VOFF_STATE) == PS_SYS_SUSPENDED) {
			if (v->sys != SYS_SUSPENDED || v->event.caller != i)
				return VPSCI_E_SNAP_CORRUPT;
			n_sys_susp++;
		}
		/* MPIDRs are distinct: quadratic, but bounded and off the hot path. */
		for (j = 0; j < i; j++)
			if (get64(v->vcpus + (size_t)j * SNAP_VCPU_SIZE) == get64(r + VOFF_MPIDR))
				return VPSCI_E_SNAP_CORRUPT;
	}
	if ((v->sys == SYS_SUSPENDED) != (n_sys_susp == 1))
		return VPSCI_E_SNAP_CORRUPT;
	return 0;
}

/* Does the snapshot describe this VM's firmware exactly? */
static bool config_matches(const struct vpsci_vm *vm, const struct snap_view *v)
{
	uint32_t i;

	if (vm->version != v->cfg.version || vm->conduit != v->cfg.conduit ||
	    vm->flags != v->cfg.flags || vm->boot_vcpu != v->cfg.boot_vcpu ||
	    vm->nr_vcpus != v->cfg.nr_vcpus || vm->nr_mem != v->cfg.nr_mem ||
	    vm->nr_reset2 != v->cfg.nr_reset2_vendor_types ||
	    vm->pd_levels != v->cfg.pd_levels ||
	    memcmp(vm->pd_states, v->cfg.pd_states, NR_LEVELS) != 0)
		return false;
	for (i = 0; i < vm->nr_mem; i++)
		if (vm->mem[i].base != v->mem[i].base || vm->mem[i].size != v->mem[i].size)
			return false;
	for (i = 0; i < vm->nr_reset2; i++)
		if (vm->reset2_types[i] != v->reset2[i])
			return false;
	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].mpidr != get64(v->vcpus + (size_t)i * SNAP_VCPU_SIZE + VOFF_MPIDR))
			return false;
	return true;
}

/*
 * Copy a validated, matching snapshot's state into the engine. A v1
 * snapshot has no extension: PC mode, no protection, STAT from zero, and
 * a suspended vCPU's composites are what its power_state asks for.
 */
static void snap_apply(struct vpsci_vm *vm, const struct snap_view *v)
{
	uint32_t i, max_seq = 0;

	pd_reset(vm);
	for (i = 0; i < vm->nr_vcpus; i++) {
		const uint8_t *r = v->vcpus + (size_t)i * SNAP_VCPU_SIZE;
		const uint8_t *vx = v->vx ? v->vx + (size_t)i * SNAP_VX_SIZE : NULL;
		struct vpsci_vcpu *c = &vm->vcpus[i];
		uint32_t s = get32(r + VOFF_STATE), w = 0, seq = 0, req = 0;
		bool pd;

		c->power_state = get32(r + VOFF_PSTATE);
		entry_from_flags(&c->resume, get32(r + VOFF_EFLAGS), get64(r + VOFF_PC),
				 get64(r + VOFF_CTX));
		if (vx) {
			w = SUSP_MAKE(get32(vx + VXOFF_REQ), get32(vx + VXOFF_ENT));
			if (get32(vx + VXOFF_FLAGS) & VXFLAG_FROZEN)
				w |= SUSP_FROZEN;
			seq = get32(vx + VXOFF_SEQ);
			c->susp_start_us = get64(vx + VXOFF_START);
		} else if (s == PS_SUSPENDED && !ps_decode(vm, c->power_state, &req, &pd)) {
			w = SUSP_MAKE(req, req);
		}
		atomic_store(&c->susp, w);
		atomic_store(&c->susp_seq, seq);
		if ((int32_t)(seq - max_seq) > 0)
			max_seq = seq;
		atomic_store(&c->state, s);
	}
	if (v->stats)
		for (i = 0; i < vm->nr_vcpus * vm->nr_comps; i++) {
			atomic_store(&vm->stats[i].count, get64(v->stats + (size_t)i * 16));
			atomic_store(&vm->stats[i].residency_us,
				     get64(v->stats + (size_t)i * 16 + 8));
		}
	atomic_store(&vm->susp_seq, max_seq);
	atomic_store(&vm->suspend_mode, v->suspend_mode);
	atomic_store(&vm->mem_protect, v->mem_protect);
	vm->event = v->event;
	atomic_store(&vm->sys, v->sys);
	aff_recount(vm);
}

VPSCI_EXPORT int vpsci_restore(struct vpsci_vm *vm, const void *buf, size_t size)
{
	struct snap_view v;
	int ret;

	if (!vm || !buf)
		return VPSCI_E_INVAL;
	ret = snap_parse(buf, size, &v);
	if (ret)
		return ret;
	/* The guest-visible firmware never changes behind the guest's back. */
	if (!config_matches(vm, &v))
		return VPSCI_E_SNAP_MISMATCH;
	if (!vm_quiescent(vm))
		return VPSCI_E_BUSY;
	snap_apply(vm, &v);
	return 0;
}

VPSCI_EXPORT int vpsci_create_from_snapshot(const void *buf, size_t size,
					    const struct vpsci_ops *ops, void *opaque,
					    struct vpsci_vm **out)
{
	struct snap_view v;
	uint64_t *mpidrs;
	uint32_t i;
	int ret;

	if (!buf || !out)
		return VPSCI_E_INVAL;
	ret = snap_parse(buf, size, &v);
	if (ret)
		return ret;

	mpidrs = malloc(v.cfg.nr_vcpus * sizeof(*mpidrs));
	if (!mpidrs)
		return VPSCI_E_NOMEM;
	for (i = 0; i < v.cfg.nr_vcpus; i++)
		mpidrs[i] = get64(v.vcpus + (size_t)i * SNAP_VCPU_SIZE + VOFF_MPIDR);
	v.cfg.mpidrs = mpidrs;
	ret = vm_alloc(&v.cfg, ops, opaque, out);
	free(mpidrs);
	if (ret)
		return ret;
	snap_apply(*out, &v);
	return 0;
}
