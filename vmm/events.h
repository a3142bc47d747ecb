/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --events FILE: the JSON-lines log of PSCI calls and system events.
 */
#ifndef VMM_EVENTS_H
#define VMM_EVENTS_H

#include <stdint.h>

int events_open(const char *path);
void events_close(void);
void events_call(uint32_t vcpu, uint32_t fid, const uint64_t args[3], uint64_t ret,
		 const char *conduit, const char *handled, const char *exit);
void events_system(const char *event, uint32_t vcpu, const char *handled, const char *extra);
void events_note(const char *event, const char *extra);

#endif /* VMM_EVENTS_H */
