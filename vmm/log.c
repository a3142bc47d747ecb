// SPDX-License-Identifier: BSD-2-Clause
/*
 * Logging: one line per message on stderr, prefixed "vpsci-run: "; a leaf
 * that every layer may use and that uses nothing of the VMM. Lines end in
 * \r\n because the console may be in raw mode.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"
#include "status.h"

int vmm_verbose;
static struct timespec t0;

/* The clock starts at the first call (main() calls it first thing). */
double vmm_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	if (!t0.tv_sec && !t0.tv_nsec)
		t0 = t;
	return (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
}

void vmm_log(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* \r: the console may be in raw mode */
	fprintf(stderr, "vpsci-run: %s\r\n", buf);
}

void vmm_debug(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	if (!vmm_verbose)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	fprintf(stderr, "vpsci-run: [%9.6f] %s\r\n", vmm_now(), buf);
}

/* A usage or configuration error: the message, a hint, VMM_EXIT_USAGE. */
int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vpsci-run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'vpsci-run --help'.\n", stderr);
	return VMM_EXIT_USAGE;
}
