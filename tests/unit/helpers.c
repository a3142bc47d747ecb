// SPDX-License-Identifier: BSD-2-Clause
/*
 * Shared helpers of the engine's host unit tests (see helpers.h).
 */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

void wfails_init(struct wfails *f)
{
	atomic_store(&f->n, 0);
	atomic_flag_clear(&f->taken);
	f->msg[0] = '\0';
}

void wfail(struct wfails *f, const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&f->n, 1) == 0 && !atomic_flag_test_and_set(&f->taken)) {
		va_start(ap, fmt);
		vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
		va_end(ap);
	}
}

void assert_no_wfails(struct wfails *f)
{
	unsigned int n = atomic_load(&f->n);

	if (n)
		fail_msg("%u failure(s) in worker threads; first: %s", n, f->msg);
}

const uint32_t all_versions[NR_VERSIONS] = {
	VPSCI_VERSION_0_1, VPSCI_VERSION_0_2, VPSCI_VERSION_1_0,
	VPSCI_VERSION_1_1, VPSCI_VERSION_1_2, VPSCI_VERSION_1_3,
};

void tcfg_init(struct tcfg *t, uint32_t version, uint32_t nr)
{
	memset(t, 0, sizeof(*t));
	t->mem[0].base = MEM_A_BASE;
	t->mem[0].size = MEM_A_SIZE;
	t->mem[1].base = MEM_B_BASE;
	t->mem[1].size = MEM_B_SIZE;
	t->r2[0] = R2_TYPE_A;
	t->r2[1] = R2_TYPE_B;
	t->r2[2] = R2_TYPE_C;
	t->cfg.size = sizeof(t->cfg);
	t->cfg.version = version;
	t->cfg.conduit = VPSCI_CONDUIT_HVC;
	t->cfg.nr_vcpus = nr;
	t->cfg.mpidrs = NULL;
	t->cfg.boot_vcpu = 0;
	t->cfg.mem = t->mem;
	t->cfg.nr_mem = 2;
	t->cfg.reset2_vendor_types = t->r2;
	t->cfg.nr_reset2_vendor_types = 3;
	t->cfg.flags = 0;
}

void tcfg_set_pd(struct tcfg *t, uint32_t levels, uint8_t states, uint32_t flags)
{
	memset(t->cfg.pd_states, 0, sizeof(t->cfg.pd_states));
	t->cfg.pd_levels = levels;
	for (uint32_t l = 0; l < levels; l++)
		t->cfg.pd_states[l] = states;
	t->cfg.flags = flags;
}

void tcfg_set_mpidrs(struct tcfg *t, const uint64_t *mpidrs, uint32_t nr)
{
	memcpy(t->mpidrs, mpidrs, nr * sizeof(*mpidrs));
	t->cfg.mpidrs = t->mpidrs;
	t->cfg.nr_vcpus = nr;
}

/* Recording hooks: count, remember the last arguments, order them by 'seq'. */
static int rec_cpu_on(void *opaque, uint32_t idx, const struct vpsci_entry *entry)
{
	struct rec *r = opaque;
	int ret = atomic_load(&r->on_ret);

	atomic_fetch_add(&r->on_calls, 1);
	atomic_fetch_add(&r->seq, 1);
	if (idx < REC_MAX_VCPUS && ret >= 0)
		atomic_fetch_add(&r->on_count[idx], 1);
	if (r->on_cb) {
		r->last_on_idx = idx;
		r->last_on_entry = *entry;
		r->on_cb(r, idx);
	}
	return ret;
}

static void rec_cpu_stop(void *opaque, uint32_t idx)
{
	struct rec *r = opaque;
	unsigned int s = atomic_fetch_add(&r->seq, 1);

	atomic_fetch_add(&r->stop_calls, 1);
	if (idx < REC_MAX_VCPUS) {
		atomic_fetch_add(&r->stop_count[idx], 1);
		r->stop_seq[idx] = s;
	}
}

static void rec_system_event(void *opaque, const struct vpsci_system_event *ev)
{
	struct rec *r = opaque;

	r->event_seq = atomic_fetch_add(&r->seq, 1);
	r->last_ev = *ev;
	r->mem_protect_at_event = r->vm && vpsci_mem_protect(r->vm);
	atomic_fetch_add(&r->event_calls, 1);
}

static uint64_t rec_now_us(void *opaque)
{
	struct rec *r = opaque;

	atomic_fetch_add(&r->now_calls, 1);
	return atomic_load(&r->now_us);
}

const struct vpsci_ops rec_ops = {
	.size = sizeof(rec_ops),
	.cpu_on = rec_cpu_on,
	.cpu_stop = rec_cpu_stop,
	.system_event = rec_system_event,
	.now_us = rec_now_us,
};

/* The last-entry fields are written only when a callback is set; keep them simple otherwise. */
static void rec_noop_cb(struct rec *r, uint32_t idx)
{
	(void)r;
	(void)idx;
}

void rec_init(struct rec *r)
{
	memset(r, 0, sizeof(*r));
	r->on_cb = rec_noop_cb;
}

struct vpsci_vm *mkvm(const struct tcfg *t, struct rec *r)
{
	struct vpsci_vm *vm = NULL;

	assert_int_equal(vpsci_create(&t->cfg, &rec_ops, r, &vm), VPSCI_OK);
	assert_non_null(vm);
	r->vm = vm;
	return vm;
}

struct vpsci_result tcall_full(struct vpsci_vm *vm, uint32_t vcpu, const struct vpsci_call *c)
{
	struct vpsci_result res;

	memset(&res, 0xa5, sizeof(res));
	res.size = sizeof(res);
	assert_int_equal(vpsci_call(vm, vcpu, c, &res), VPSCI_OK);
	return res;
}

static struct vpsci_result do_call(struct vpsci_vm *vm, uint32_t vcpu, bool aarch32,
				   uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3)
{
	struct vpsci_call c = {
		.size = sizeof(c),
		.x = { x0, x1, x2, x3 },
		.conduit = vpsci_conduit(vm),
		.aarch32 = aarch32,
		.big_endian = false,
	};

	return tcall_full(vm, vcpu, &c);
}

struct vpsci_result tcall(struct vpsci_vm *vm, uint32_t vcpu, uint64_t x0, uint64_t x1,
			  uint64_t x2, uint64_t x3)
{
	return do_call(vm, vcpu, false, x0, x1, x2, x3);
}

struct vpsci_result tcall32(struct vpsci_vm *vm, uint32_t vcpu, uint64_t x0, uint64_t x1,
			    uint64_t x2, uint64_t x3)
{
	return do_call(vm, vcpu, true, x0, x1, x2, x3);
}

/* Decisions 3 and 7: 0.1 IDs speak only the four 0.1 codes; 0.2 lacks INVALID_ADDRESS. */
int32_t map_ret(uint32_t version, bool via_0_1_id, int32_t code)
{
	if (via_0_1_id || version == VPSCI_VERSION_0_1) {
		switch (code) {
		case VPSCI_RET_ALREADY_ON:
		case VPSCI_RET_ON_PENDING:
		case VPSCI_RET_INVALID_ADDRESS:
			return VPSCI_RET_INVALID_PARAMETERS;
		case VPSCI_RET_INTERNAL_FAILURE:
			return VPSCI_RET_DENIED;
		default:
			return code;
		}
	}
	if (version == VPSCI_VERSION_0_2 && code == VPSCI_RET_INVALID_ADDRESS)
		return VPSCI_RET_INVALID_PARAMETERS;
	return code;
}

void power_on(struct vpsci_vm *vm, uint32_t caller, uint32_t target)
{
	struct vpsci_result res = { .size = sizeof(res) };
	uint32_t v = vpsci_version(vm);

	if (v == VPSCI_VERSION_0_1)
		res = tcall(vm, caller, VPSCI_0_1_FN_CPU_ON, vpsci_vcpu_mpidr(vm, target),
			    ENTRY_OK, 0);
	else
		res = tcall(vm, caller, VPSCI_FN64(VPSCI_FN_CPU_ON),
			    vpsci_vcpu_mpidr(vm, target), ENTRY_OK, 0);
	assert_cont(res, VPSCI_RET_SUCCESS);
	assert_int_equal(vpsci_vcpu_state(vm, target), VPSCI_VCPU_ON);
}

/* Bitwise CRC-32/ISO-HDLC: reflected polynomial 0xEDB88320, init and final XOR all ones. */
uint32_t crc32_iso(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t crc = 0xffffffffu;

	while (len--) {
		crc ^= *p++;
		for (int i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return crc ^ 0xffffffffu;
}
