/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared helpers of the engine's host unit tests: a standard test
 * configuration, recording ops hooks, and call wrappers. Everything goes
 * through the public API (the headers in include/vpsci) only.
 */
#ifndef VPSCI_TEST_HELPERS_H
#define VPSCI_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <vpsci/psci.h>
#include <vpsci/vpsci.h>

/* A PSCI return code as the 64-bit x0 the guest sees (sign-extended). */
#define RET(v)		((uint64_t)(int64_t)(int32_t)(v))

/* Guest memory of the standard configuration: A (256 MiB at 1 GiB), B (4 KiB at 4 GiB). */
#define MEM_A_BASE	0x40000000ull
#define MEM_A_SIZE	0x10000000ull
#define MEM_B_BASE	0x100000000ull
#define MEM_B_SIZE	0x1000ull
#define ENTRY_OK	0x40080000ull	/* in A */
#define ENTRY_HI	0x100000000ull	/* in B, above 4 GiB */
#define ENTRY_BAD	0x20000000ull	/* in no region */
#define CTX_ID		0x1122334455667788ull

/* Vendor SYSTEM_RESET2 types of the standard configuration (odd count: padding). */
#define R2_TYPE_A	0x80000001u
#define R2_TYPE_B	0x80001234u
#define R2_TYPE_C	0x80000abcu

/* The flags of the first issues (no hierarchy needed, nor a clock). */
#define FLAGS_BASE	(VPSCI_CFG_SYSTEM_SUSPEND | VPSCI_CFG_0_1_IDS)
/* The optional functions that need neither a hierarchy nor a clock (1.1+). */
#define FLAGS_PLAIN	(VPSCI_CFG_EXT_STATEID | VPSCI_CFG_FREEZE | VPSCI_CFG_DEFAULT_SUSPEND | \
			 VPSCI_CFG_NODE_HW_STATE | VPSCI_CFG_MEM_PROTECT)

#define NR_VERSIONS	6
extern const uint32_t all_versions[NR_VERSIONS];

/* A configuration with its arrays, so tests can edit any field in place. */
struct tcfg {
	struct vpsci_config cfg;
	struct vpsci_mem_region mem[VPSCI_MAX_MEM_REGIONS + 1];
	uint64_t mpidrs[VPSCI_MAX_VCPUS + 1];
	uint32_t r2[VPSCI_MAX_RESET2_TYPES + 1];
};

/*
 * Standard configuration: 'version', HVC, 'nr' vCPUs with default MPIDRs,
 * boot vCPU 0, regions A and B, three vendor reset types, no flags.
 */
void tcfg_init(struct tcfg *t, uint32_t version, uint32_t nr);
/*
 * A hierarchy: 'levels' levels, each offering 'states' (VPSCI_PD_*), and
 * every flag given.
 */
void tcfg_set_pd(struct tcfg *t, uint32_t levels, uint8_t states, uint32_t flags);
/* Use explicit MPIDRs (copied into t->mpidrs). */
void tcfg_set_mpidrs(struct tcfg *t, const uint64_t *mpidrs, uint32_t nr);

#define REC_MAX_VCPUS	64

/* What the recording hooks saw. Atomic counters so threads may share it. */
struct rec {
	struct vpsci_vm *vm;
	atomic_uint seq;			/* orders the hook calls */
	atomic_uint on_calls;
	atomic_int on_ret;			/* what cpu_on returns */
	atomic_uint on_count[REC_MAX_VCPUS];
	uint32_t last_on_idx;
	struct vpsci_entry last_on_entry;
	atomic_uint stop_calls;
	atomic_uint stop_count[REC_MAX_VCPUS];
	unsigned int stop_seq[REC_MAX_VCPUS];
	atomic_uint event_calls;
	unsigned int event_seq;
	struct vpsci_system_event last_ev;
	bool mem_protect_at_event;		/* vpsci_mem_protect() when it was reported */
	/* The fake clock ops->now_us reads (microseconds); tests move it. */
	_Atomic uint64_t now_us;
	atomic_uint now_calls;
	/* Optional, run inside cpu_on (single-threaded tests only). */
	void (*on_cb)(struct rec *r, uint32_t idx);
	int cb_result[8];
};

extern const struct vpsci_ops rec_ops;

void rec_init(struct rec *r);

/* Create an engine from t with the recording hooks; fails the test on error. */
struct vpsci_vm *mkvm(const struct tcfg *t, struct rec *r);

/* One call from an AArch64 caller over the engine's conduit; asserts vpsci_call() == 0. */
struct vpsci_result tcall(struct vpsci_vm *vm, uint32_t vcpu, uint64_t x0, uint64_t x1,
			  uint64_t x2, uint64_t x3);
/* The same from an AArch32 caller. */
struct vpsci_result tcall32(struct vpsci_vm *vm, uint32_t vcpu, uint64_t x0, uint64_t x1,
			    uint64_t x2, uint64_t x3);
/* The same with every field of the call given. */
struct vpsci_result tcall_full(struct vpsci_vm *vm, uint32_t vcpu, const struct vpsci_call *c);

/*
 * The code a guest sees for 'code' under 'version' (0.2 has no
 * INVALID_ADDRESS) or through a 0.1 ID (only the four 0.1 codes).
 */
int32_t map_ret(uint32_t version, bool via_0_1_id, int32_t code);

/* x0 == code (sign-extended), x1..x3 == 0, exit as given. */
#define assert_res(res, code, ex) do {					\
	const struct vpsci_result r__ = (res);				\
	assert_int_equal(r__.x[0], RET(code));				\
	assert_int_equal(r__.x[1], 0);					\
	assert_int_equal(r__.x[2], 0);					\
	assert_int_equal(r__.x[3], 0);					\
	assert_int_equal(r__.exit, (ex));				\
} while (0)

#define assert_cont(res, code)	assert_res(res, code, VPSCI_EXIT_CONTINUE)

/* Power on vCPU 'target' (by index) from 'caller' and check it worked. */
void power_on(struct vpsci_vm *vm, uint32_t caller, uint32_t target);

/*
 * Failures seen by worker threads, which must not call cmocka asserts (those
 * longjmp on the main thread): counted, the first message kept, and
 * reported by the main thread. Zero it with wfails_init().
 */
struct wfails {
	atomic_uint n;
	atomic_flag taken;
	char msg[256];
};

void wfails_init(struct wfails *f);
void wfail(struct wfails *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Fail the test (main thread) if any worker recorded a failure. */
void assert_no_wfails(struct wfails *f);

/* CRC-32/ISO-HDLC, the snapshot checksum (docs/snapshot.md). */
uint32_t crc32_iso(const void *buf, size_t len);

#endif /* VPSCI_TEST_HELPERS_H */
