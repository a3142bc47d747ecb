/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Logging on stderr (a leaf: depends on nothing of the VMM).
 */
#ifndef VMM_LOG_H
#define VMM_LOG_H


void vmm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vmm_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int vmm_verbose;

/* Seconds since vpsci-run started, monotonic (the time base of the log and events). */
double vmm_now(void);

#endif /* VMM_LOG_H */
