/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vpsci guest conformance suite: declarations shared by the guest's files.
 *
 * The guest is a freestanding aarch64 program in Linux Image format. It runs
 * with the MMU on and an identity map (see mmu.c), so every CPU sees RAM as
 * Normal cacheable memory and the spinlocks and atomics below are valid; CPUs
 * enter at PSCI entry points with the MMU off and turn it on in start.S before
 * they write any shared variable.
 */
#ifndef GT_H
#define GT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vpsci/psci.h>

#include "gt_asm.h"

#define GT_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define GT_NORETURN		__attribute__((noreturn))
#define GT_PRINTF(f, a)		__attribute__((format(printf, f, a)))

/* ---- low level (start.S, smccc.S, vectors.S) ---------------------------- */

struct gt_smccc_res {
	uint64_t a0, a1, a2, a3;
};

/* Raw call through the conduit chosen at boot; every register passed as is. */
void gt_smccc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, struct gt_smccc_res *res);
/* Same, through a given conduit (0 HVC, 1 SMC). */
void gt_smccc_via(int smc, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3,
		  struct gt_smccc_res *res);
/*
 * A call that may resume at gt_entry_resume (CPU_SUSPEND power-down,
 * SYSTEM_SUSPEND, CPU_DEFAULT_SUSPEND): saves the callee-saved state in
 * gt_susp_ctx[this CPU]; returns the PSCI result, or GT_RESUMED when the CPU
 * came back through the entry point (the observation is in gt_resume_obs).
 */
uint64_t gt_smccc_suspend(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

extern char gt_entry_on[], gt_entry_alt[], gt_entry_resume[];
extern char gt_image_start[], gt_image_end[];
extern volatile uint32_t gt_conduit_smc;

/* Written by start.S at every PSCI entry (layout in gt_asm.h). */
struct gt_entry_obs {
	uint64_t x0;		/* context id as received */
	uint64_t t_entry;	/* CNTVCT_EL0 read by the first instruction */
	uint64_t current_el;	/* CurrentEL (EL in bits 3:2) */
	uint64_t daif;
	uint64_t sctlr;		/* SCTLR_EL1 at entry (M bit 0, C bit 2, I bit 12) */
	uint64_t spsel;
	uint64_t kind;		/* GT_ENTRY_* */
	uint64_t pad;
};
_Static_assert(sizeof(struct gt_entry_obs) == GT_OBS_SIZE, "gt_asm.h layout");

/* What a CPU that left for a suspend saved; read by the resume path. */
struct gt_susp_ctx {
	uint64_t regs[12];	/* x19..x30 */
	uint64_t sp;
	uint64_t pad[3];
};
_Static_assert(sizeof(struct gt_susp_ctx) == GT_SUSP_SIZE, "gt_asm.h layout");

/* Read with the MMU off by start.S: cleaned to PoC whenever written. */
struct gt_boot_info {
	uint64_t ttbr0, tcr, mair, sctlr;
	uint64_t nr_cpus;
	uint64_t stacks;	/* base of GT_MAX_CPUS stacks of GT_STACK_SIZE */
	uint64_t mpidr[GT_MAX_CPUS];
};
extern struct gt_boot_info gt_boot;
extern struct gt_susp_ctx gt_susp_ctx[GT_MAX_CPUS];
extern struct gt_entry_obs gt_resume_obs[GT_MAX_CPUS];

/* ---- system registers and barriers -------------------------------------- */

#define gt_read_sysreg(r) ({ uint64_t __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define gt_write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)))
#define gt_isb()	__asm__ volatile("isb" : : : "memory")
#define gt_dsb()	__asm__ volatile("dsb sy" : : : "memory")
#define gt_dmb()	__asm__ volatile("dmb ish" : : : "memory")
#define gt_sev()	__asm__ volatile("dsb ish; sev" : : : "memory")
#define gt_wfe()	__asm__ volatile("wfe" : : : "memory")
#define gt_relax()	__asm__ volatile("yield" : : : "memory")

static inline uint64_t gt_counter(void)
{
	gt_isb();
	return gt_read_sysreg(cntvct_el0);
}

uint64_t gt_counter_freq(void);
uint64_t gt_ticks_to_ns(uint64_t ticks);
uint64_t gt_ms_to_ticks(uint64_t ms);
void gt_delay_us(uint64_t us);
unsigned int gt_this_cpu(void);		/* index in gt_boot.mpidr */
void gt_clean_dcache(const void *p, size_t len);

/* ---- libc subset (libc.c; declared in include/string.h, stdlib.h) ---- */

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) GT_PRINTF(3, 4);

/* ---- console and TAP (uart.c, tap.c) ------------------------------------ */

struct gt_lock {
	uint32_t v;
};
void gt_lock(struct gt_lock *l);
void gt_unlock(struct gt_lock *l);

void gt_uart_init(uint64_t base, int kind, unsigned int reg_shift);
void gt_uart_puts(const char *s);	/* caller holds gt_console_lock */
extern struct gt_lock gt_console_lock;
void gt_printf(const char *fmt, ...) GT_PRINTF(1, 2);	/* whole line, locked */

enum gt_verdict { GT_PASS, GT_FAIL, GT_SKIP };

/* A verdict with the running test's explanation (printf format), for gt_tap_result. */
enum gt_verdict gt_verdict_why(enum gt_verdict v, const char *fmt, ...) GT_PRINTF(2, 3);
#define gt_pass(...)	gt_verdict_why(GT_PASS, __VA_ARGS__)
#define gt_fail(...)	gt_verdict_why(GT_FAIL, __VA_ARGS__)
#define gt_skip(...)	gt_verdict_why(GT_SKIP, __VA_ARGS__)
void gt_note(const char *fmt, ...) GT_PRINTF(1, 2);	/* "# ..." diagnostic line */

struct gt_test {
	const char *name;	/* stable: the report keys rows on it */
	const char *clause;	/* "DEN0022 5.5 CPU_ON" */
	enum gt_verdict (*fn)(uintptr_t arg);
	uintptr_t arg;
};

struct gt_group {
	const struct gt_test *tests;
	const size_t *count;
};

extern const struct gt_group gt_all_groups[];
extern const size_t gt_nr_groups;

void gt_tap_plan(unsigned int n);
void gt_tap_result(const struct gt_test *t, enum gt_verdict v);
void gt_tap_summary(void);
GT_NORETURN void gt_bail_out(const char *fmt, ...) GT_PRINTF(1, 2);

/* ---- device tree (dt.c) ------------------------------------------------- */

#define GT_MAX_MEM	8

struct gt_platform {
	const void *fdt;
	char method[8];			/* "hvc" | "smc" */
	char compatible[96];		/* /psci compatible list, ", "-joined */
	bool compat_1_0, compat_0_2, compat_0_1;
	unsigned int nr_cpus;		/* in gt_boot.mpidr */
	unsigned int nr_cpus_dt;	/* before truncation to GT_MAX_CPUS */
	uint64_t mem_base[GT_MAX_MEM], mem_size[GT_MAX_MEM];
	unsigned int nr_mem;
	uint64_t uart_base;
	int uart_kind;			/* GT_UART_* */
	unsigned int uart_shift;
	uint64_t gicd_base, gicr_base, gicr_size;	/* 0: no GICv3 */
	unsigned int timer_ppi;		/* virtual timer PPI INTID, 27 by default */
	char bootargs[256];
	uint32_t idle_standby, idle_powerdown;	/* arm,psci-suspend-param */
	bool have_idle_standby, have_idle_powerdown;
};
extern struct gt_platform gt_plat;

#define GT_UART_NONE	0
#define GT_UART_PL011	1
#define GT_UART_8250	2

int gt_dt_parse(const void *fdt);	/* 0 or a negative libfdt error */
int gt_dt_find_uart(const void *fdt);
bool gt_is_ram(uint64_t addr, uint64_t len);
uint64_t gt_invalid_ram_addr(void);	/* a page-aligned address in no RAM region */
const char *gt_bootarg(const char *key, char *buf, size_t len);	/* value or NULL */

/* ---- MMU, GIC and timer (mmu.c, gic.c) ---------------------------------- */

void gt_mmu_early(uint64_t dtb);
void gt_mmu_map_ram(void);
int gt_gic_init(void);		/* 0, or -1 when no usable GICv3 */
int gt_gic_cpu_init(void);	/* per CPU: wake the redistributor, enable the timer PPI */
bool gt_gic_ready(void);
int gt_gic_private_irq(unsigned int intid, bool on);	/* SGI/PPI of this CPU on or off */
void gt_gic_send_sgi(unsigned int intid, uint64_t mpidr);
void gt_timer_arm_us(uint64_t us);	/* virtual timer interrupt (masked by DAIF) */
void gt_timer_arm_now(void);		/* already pending: WFI returns at once */
void gt_timer_disarm(void);

/* ---- PSCI calls (psci.c) ------------------------------------------------ */

#define GT_CALL_TRAPPED		0xdeadca11deadca11ull	/* x0 after an UNDEFINED HVC/SMC */
#define GT_RET_TRAPPED		(-1000)	/* gt_psci(): the call was UNDEFINED */
#define GT_RET_TIMEOUT		(-1001)	/* a wait for another CPU timed out */

int64_t gt_psci(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t gt_psci64(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t gt_features(uint32_t fid);
const char *gt_ret_name(int64_t r);
const char *gt_fn_name(uint32_t fn);
uint32_t gt_fn_since(uint32_t fn);	/* PSCI version that introduced fn */
bool gt_fn_has64(uint32_t fn);
bool gt_fn_mandatory(uint32_t fn, uint32_t version);

extern uint32_t gt_psci_version;	/* from PSCI_VERSION at boot */
/* Is fn advertised: PSCI_FEATURES(FN32(fn)) >= 0 (0.2: the 0.2 set). */
bool gt_advertised(uint32_t fn);
int64_t gt_feature_value(uint32_t fn);

/* ---- CPUs (cpu.c) ------------------------------------------------------- */

typedef int64_t (*gt_work_fn)(unsigned int cpu, uint64_t arg);

enum gt_cpu_state { GT_CPU_OFF, GT_CPU_ON, GT_CPU_LOST };

/* What a CPU does when it arrives through gt_entry_on / gt_entry_alt. */
enum gt_boot_mode {
	GT_BOOT_SERVE,		/* check in, then run work posted with gt_cpu_run() */
	GT_BOOT_OFF,		/* check in, then CPU_OFF at once */
	GT_BOOT_WORK,		/* run boot_fn(boot_arg), store the result, then serve */
};

struct gt_cpu {
	uint64_t mpidr;
	enum gt_cpu_state state;	/* the primary's book-keeping */
	struct gt_entry_obs obs;	/* last entry through gt_entry_on/alt */
	uint32_t arrived;		/* bumped at every entry (release) */
	uint32_t boot_mode;
	gt_work_fn boot_fn;
	uint64_t boot_arg;
	int64_t boot_ret;
	uint32_t cmd_seq, done_seq;	/* mailbox */
	gt_work_fn cmd_fn;
	uint64_t cmd_arg;
	int64_t cmd_ret;
	int64_t off_ret;		/* CPU_OFF's result if it ever returned */
	uint32_t off_returned;
} __attribute__((aligned(64)));

extern struct gt_cpu gt_cpus[GT_MAX_CPUS];
extern unsigned int gt_boot_cpu;

#define GT_TIMEOUT_MS	10000u

unsigned int gt_cpu_by_mpidr(uint64_t mpidr);	/* GT_MAX_CPUS if none */
uint32_t gt_cpu_arrivals(unsigned int cpu);
bool gt_cpu_wait_arrival(unsigned int cpu, uint32_t before, uint64_t timeout_ms);
/* CPU_ON with the given entry and context id, boot mode set first. */
int64_t gt_cpu_on_raw(uint32_t fid, unsigned int cpu, uint64_t entry, uint64_t ctx,
		      enum gt_boot_mode mode);
/* Bring a CPU up to serve work; 0 or a negative PSCI code / -100 timeout. */
int64_t gt_cpu_up(unsigned int cpu);
/* Ask a serving CPU to CPU_OFF and wait until AFFINITY_INFO says OFF. */
int64_t gt_cpu_down(unsigned int cpu);
void gt_cpu_down_start(unsigned int cpu);	/* post CPU_OFF, do not wait */
int64_t gt_cpu_down_wait(unsigned int cpu);
/* Wait for AFFINITY_INFO(level 0) == OFF; 0 or -100 timeout. */
int64_t gt_cpu_wait_off(unsigned int cpu, uint64_t timeout_ms);
/* Run fn(arg) on a serving CPU and wait; returns fn's value or -100 timeout. */
int64_t gt_cpu_run(unsigned int cpu, gt_work_fn fn, uint64_t arg, uint64_t timeout_ms);
void gt_cpu_post(unsigned int cpu, gt_work_fn fn, uint64_t arg);
bool gt_cpu_wait_done(unsigned int cpu, uint64_t timeout_ms, int64_t *ret);
void gt_cpus_all_down(void);	/* every serving secondary off */
/* Up to n secondaries in state OFF (not lost); returns how many were found. */
unsigned int gt_pick_off_cpus(unsigned int *out, unsigned int n);
unsigned int gt_nr_usable_cpus(void);	/* boot CPU + secondaries not lost */

GT_NORETURN void gt_secondary_main(unsigned int cpu, const struct gt_entry_obs *obs);

/* ---- selectors ---------------------------------------------------------- */

void gt_run_bench(void);
void gt_run_storm(void);	/* programs/storm.c: psci.sel=storm */
void gt_run_snapshot(void);	/* programs/snapshot.c: psci.sel=snapshot */
void gt_run_memprot(void);	/* tests/mem_protect.c: psci.sel=memprot */
extern uint64_t gt_null_call_fid;	/* psci.nullcall=, 0 if none */

#define GT_DEN(s)	"DEN0022 " s
#define GT_SMCCC(s)	"DEN0028 " s

#endif /* GT_H */
