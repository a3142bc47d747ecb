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

static const char *const level_names[] = { "none", "cpu", "cluster", "system" };

const char *vmm_pd_levels_name(unsigned int levels)
{
	return levels < ARRAY_SIZE(level_names) ? level_names[levels] : "?";
}

bool vmm_parse_pd_levels(const char *s, unsigned int *levels)
{
	int i = lookup(level_names, ARRAY_SIZE(level_names), s);

	if (i < 0)
		return false;
	*levels = (unsigned int)i;
	return true;
}

const struct vmm_pm_feature vmm_pm_features[] = {
	{ "osi", VPSCI_CFG_OSI, VPSCI_VERSION_1_0 },
	{ "ext-stateid", VPSCI_CFG_EXT_STATEID, VPSCI_VERSION_1_0 },
	{ "stat", VPSCI_CFG_STAT, VPSCI_VERSION_1_0 },
	{ "freeze", VPSCI_CFG_FREEZE, VPSCI_VERSION_1_0 },
	{ "default-suspend", VPSCI_CFG_DEFAULT_SUSPEND, VPSCI_VERSION_1_0 },
	{ "node-hw-state", VPSCI_CFG_NODE_HW_STATE, VPSCI_VERSION_1_0 },
	{ "mem-protect", VPSCI_CFG_MEM_PROTECT, VPSCI_VERSION_1_1 },
};
const unsigned int vmm_nr_pm_features = ARRAY_SIZE(vmm_pm_features);

bool vmm_parse_pm_features(const char *s, uint32_t *flags, bool *all, char *bad, size_t len)
{
	char buf[256], *tok, *save = NULL;
	uint32_t f = 0;
	bool a = false;

	snprintf(bad, len, "%s", "");
	if (strlen(s) >= sizeof(buf))
		return false;
	memcpy(buf, s, strlen(s) + 1);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned int i;

		if (strcmp(tok, "all") == 0) {
			a = true;
			continue;
		}
		if (strcmp(tok, "none") == 0)
			continue;
		for (i = 0; i < vmm_nr_pm_features; i++)
			if (strcmp(tok, vmm_pm_features[i].name) == 0)
				break;
		if (i == vmm_nr_pm_features) {
			snprintf(bad, len, "%s", tok);
			return false;
		}
		f |= vmm_pm_features[i].flag;
	}
	*flags = f;
	*all = a;
	return true;
}
