// SPDX-License-Identifier: BSD-2-Clause
/*
 * --events FILE: one JSON object per line for every PSCI call the VMM sees
 * and every system event, so tests and users can check what the guest did
 * and where it was handled. One writer, serialised by a mutex; each line is
 * written whole with a single write() so a crash never leaves half a line.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vpsci/vpsci.h>

#include "events.h"
#include "log.h"

static int events_fd = -1;
static pthread_mutex_t events_lock = PTHREAD_MUTEX_INITIALIZER;

/* Open the log, truncating it. */
int events_open(const char *path)
{
	if (!path)
		return 0;
	events_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (events_fd < 0) {
		vmm_log("--events: cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void events_close(void)
{
	if (events_fd < 0)
		return;
	fsync(events_fd);
	close(events_fd);
	events_fd = -1;
}


static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void emit(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	if (events_fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	pthread_mutex_lock(&events_lock);
	if (write(events_fd, line, (size_t)n) != n)
		vmm_debug("--events: short write: %s", strerror(errno));
	pthread_mutex_unlock(&events_lock);
}

/* One PSCI/SMCCC call: its function, arguments, x0 result, where handled. */
void events_call(uint32_t vcpu, uint32_t fid, const uint64_t args[3], uint64_t ret,
		 const char *conduit, const char *handled, const char *exit)
{
	const char *name = vpsci_fn_name(fid);
	char fn[24];

	if (!name) {
		snprintf(fn, sizeof(fn), "0x%08" PRIx32, fid);
		name = fn;
	}
	emit("{\"t\":%.6f,\"vcpu\":%" PRIu32 ",\"fn\":\"%s\",\"fid\":\"0x%08" PRIx32 "\","
	     "\"args\":[\"0x%" PRIx64 "\",\"0x%" PRIx64 "\",\"0x%" PRIx64 "\"],"
	     "\"ret\":\"0x%" PRIx64 "\",\"rc\":%d,\"conduit\":\"%s\",\"handled\":\"%s\"%s%s%s}",
	     vmm_now(), vcpu, name, fid, args[0], args[1], args[2], ret, (int32_t)ret,
	     conduit, handled, exit ? ",\"exit\":\"" : "", exit ? exit : "", exit ? "\"" : "");
}

/* A system event: extra is a pre-formatted ",\"key\":value" tail or NULL. */
void events_system(const char *event, uint32_t vcpu, const char *handled, const char *extra)
{
	emit("{\"t\":%.6f,\"event\":\"%s\",\"vcpu\":%" PRIu32 ",\"handled\":\"%s\"%s}",
	     vmm_now(), event, vcpu, handled, extra ? extra : "");
}

/* A VMM lifecycle note (boot, exit): extra as for events_system(). */
void events_note(const char *event, const char *extra)
{
	emit("{\"t\":%.6f,\"event\":\"%s\"%s}", vmm_now(), event, extra ? extra : "");
}
