// SPDX-License-Identifier: BSD-2-Clause
/*
 * Name <-> value for PSCI modes, conduits and versions (util/names.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "names.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const mode_names[] = {
	[VMM_PSCI_USER] = "user",
	[VMM_PSCI_HYBRID] = "hybrid",
	[VMM_PSCI_KERNEL] = "kernel",
};

static const char *const conduit_names[] = {
	[VPSCI_CONDUIT_HVC] = "hvc",
	[VPSCI_CONDUIT_SMC] = "smc",
};

static const struct {
	const char *name;
	uint32_t v;
} versions[] = {
	{ "0.1", VPSCI_VERSION_0_1 }, { "0.2", VPSCI_VERSION_0_2 },
	{ "1.0", VPSCI_VERSION_1_0 }, { "1.1", VPSCI_VERSION_1_1 },
	{ "1.2", VPSCI_VERSION_1_2 }, { "1.3", VPSCI_VERSION_1_3 },
};

const char vmm_version_names[] = "0.1, 0.2, 1.0, 1.1, 1.2 or 1.3";

/* The index of s in names[0..n), or -1. */
static int lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (names[i] && strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

const char *vmm_mode_name(enum vmm_psci_mode m)
{
	return (unsigned int)m < ARRAY_SIZE(mode_names) ? mode_names[m] : "?";
}

bool vmm_parse_mode(const char *s, enum vmm_psci_mode *m)
{
	int i = lookup(mode_names, ARRAY_SIZE(mode_names), s);

	if (i < 0)
		return false;
	*m = (enum vmm_psci_mode)i;
	return true;
}

const char *vmm_conduit_name(enum vpsci_conduit c)
{
	return (unsigned int)c < ARRAY_SIZE(conduit_names) ? conduit_names[c] : "?";
}

bool vmm_parse_conduit(const char *s, enum vpsci_conduit *c)
{
	int i = lookup(conduit_names, ARRAY_SIZE(conduit_names), s);

	if (i < 0)
		return false;
	*c = (enum vpsci_conduit)i;
	return true;
}

const char *vmm_version_str(uint32_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu32 ".%" PRIu32, VPSCI_VERSION_MAJOR(v),
		 VPSCI_VERSION_MINOR(v));
	return buf;
}

bool vmm_parse_version(const char *s, uint32_t *v)
{
	for (size_t i = 0; s && i < ARRAY_SIZE(versions); i++)
		if (strcmp(s, versions[i].name) == 0) {
			*v = versions[i].v;
			return true;
		}
	return false;
}
