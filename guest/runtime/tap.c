/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TAP output. Every line goes out whole under gt_console_lock, so CPUs that
 * print diagnostics at the same time never interleave characters. Verdicts
 * are only printed by the boot CPU, which runs the tests; the other CPUs
 * report results through struct gt_cpu (cpu.c).
 */
#include "gt.h"

struct gt_lock gt_console_lock;

static unsigned int tap_next = 1;
static unsigned int n_pass, n_fail, n_skip;
static char reason[200];

/*
 * Spinlock on Normal memory (the MMU is on for every CPU that can call it),
 * with load-acquire exclusives; plain ARMv8.0 so any CPU model works.
 */
void gt_lock(struct gt_lock *l)
{
	uint32_t tmp, busy;

	__asm__ volatile("	sevl\n"
			 "1:	wfe\n"
			 "2:	ldaxr	%w0, [%2]\n"
			 "	cbnz	%w0, 1b\n"
			 "	stxr	%w1, %w3, [%2]\n"
			 "	cbnz	%w1, 2b\n"
			 : "=&r"(tmp), "=&r"(busy)
			 : "r"(&l->v), "r"(1u)
			 : "memory");
}

void gt_unlock(struct gt_lock *l)
{
	__atomic_store_n(&l->v, 0, __ATOMIC_RELEASE);
	gt_sev();
}

static void vline(const char *prefix, const char *fmt, va_list ap)
{
	char buf[320];
	size_t n = 0;

	if (prefix)
		n = (size_t)snprintf(buf, sizeof(buf), "%s", prefix);
	vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	n = strlen(buf);
	buf[n] = '\n';
	buf[n + 1] = '\0';
	gt_lock(&gt_console_lock);
	gt_uart_puts(buf);
	gt_unlock(&gt_console_lock);
}

void gt_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(NULL, fmt, ap);
	va_end(ap);
}

void gt_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("# ", fmt, ap);
	va_end(ap);
}

/* gt_pass / gt_fail / gt_skip: the verdict v, with its explanation kept for the TAP line. */
enum gt_verdict gt_verdict_why(enum gt_verdict v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return v;
}

void gt_tap_plan(unsigned int n)
{
	gt_printf("TAP version 13");
	gt_printf("1..%u", n);
}

/*
 * One line per test:
 *   ok 12 - NAME [CLAUSE]            then "# pass: reason" if there is one
 *   not ok 12 - NAME [CLAUSE]        then "# fail: reason"
 *   ok 13 - NAME [CLAUSE] # SKIP reason
 */
void gt_tap_result(const struct gt_test *t, enum gt_verdict v)
{
	unsigned int n = tap_next++;

	switch (v) {
	case GT_PASS:
		n_pass++;
		gt_printf("ok %u - %s [%s]", n, t->name, t->clause);
		if (reason[0])
			gt_note("pass: %s", reason);
		break;
	case GT_FAIL:
		n_fail++;
		gt_printf("not ok %u - %s [%s]", n, t->name, t->clause);
		gt_note("fail: %s", reason[0] ? reason : "no reason given");
		break;
	case GT_SKIP:
		n_skip++;
		gt_printf("ok %u - %s [%s] # SKIP %s", n, t->name, t->clause,
			  reason[0] ? reason : "not applicable");
		break;
	}
	reason[0] = '\0';
}

void gt_tap_summary(void)
{
	gt_printf("%u passed, %u failed, %u skipped", n_pass, n_fail, n_skip);
}

GT_NORETURN void gt_bail_out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("Bail out! ", fmt, ap);
	va_end(ap);
	gt_tap_summary();
	gt_psci(VPSCI_FN32(VPSCI_FN_SYSTEM_OFF), 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}
