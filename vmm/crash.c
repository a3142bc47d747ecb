// SPDX-License-Identifier: BSD-2-Clause
/*
 * Last words on a fatal signal. vpsci-run is a static binary that runs
 * nested in the testbed, where a core dump is hard to get out: on SIGSEGV,
 * SIGBUS, SIGILL or SIGFPE this writes one line to stderr with the signal,
 * the faulting address, the thread (which vCPU, or the main/helper thread)
 * and the PC, LR and SP, then lets the default action end the process
 * (status 128 + signal, as before). Only async-signal-safe calls are used.
 */
#include <signal.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "vmm.h"

#if !defined(__SANITIZE_ADDRESS__)
static size_t put_str(char *buf, size_t pos, size_t size, const char *s)
{
	while (*s && pos + 1 < size)
		buf[pos++] = *s++;
	return pos;
}

static size_t put_hex(char *buf, size_t pos, size_t size, uint64_t v)
{
	char tmp[19];
	int n = 0;

	tmp[n++] = '0';
	tmp[n++] = 'x';
	for (int shift = 60; shift >= 0; shift -= 4)
		tmp[n++] = "0123456789abcdef"[(v >> shift) & 0xf];
	tmp[n] = 0;
	return put_str(buf, pos, size, tmp);
}

static size_t put_dec(char *buf, size_t pos, size_t size, unsigned int v)
{
	char tmp[12];
	int n = (int)sizeof(tmp) - 1;

	tmp[n] = 0;
	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n > 0);
	return put_str(buf, pos, size, tmp + n);
}

static void crash_handler(int sig, siginfo_t *si, void *uc_arg)
{
	const struct vcpu *v = vcpu_current();	/* a thread-local read: async-signal-safe */
	char line[256];
	size_t n = 0;

	n = put_str(line, n, sizeof(line), "vpsci-run: fatal signal ");
	n = put_dec(line, n, sizeof(line), (unsigned int)sig);
	n = put_str(line, n, sizeof(line), " at address ");
	n = put_hex(line, n, sizeof(line), (uint64_t)(uintptr_t)si->si_addr);
	if (v) {
		n = put_str(line, n, sizeof(line), " in vcpu");
		n = put_dec(line, n, sizeof(line), v->idx);
	} else {
		n = put_str(line, n, sizeof(line), " in a non-vCPU thread");
	}
#if defined(__aarch64__)
	{
		const ucontext_t *uc = uc_arg;

		n = put_str(line, n, sizeof(line), ", pc ");
		n = put_hex(line, n, sizeof(line), uc->uc_mcontext.pc);
		n = put_str(line, n, sizeof(line), " lr ");
		n = put_hex(line, n, sizeof(line), uc->uc_mcontext.regs[30]);
		n = put_str(line, n, sizeof(line), " sp ");
		n = put_hex(line, n, sizeof(line), uc->uc_mcontext.sp);
	}
#else
	(void)uc_arg;
#endif
	n = put_str(line, n, sizeof(line), " (please report, with the command line)\n");
	if (write(STDERR_FILENO, line, n) < 0) {
		/* nothing more can be done */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}
#endif

/* Install the handler on an alternate stack (a stack overflow is a SIGSEGV too). */
void crash_setup(void)
{
#if !defined(__SANITIZE_ADDRESS__)	/* under ASan, its own handler reports more */
	static uint8_t altstack[64 * 1024] __attribute__((aligned(16)));
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa;

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = crash_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
#endif
}
