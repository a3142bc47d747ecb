// SPDX-License-Identifier: BSD-2-Clause
/*
 * The machine record (machine.h): its release, and the one contradiction
 * check of a restore, driven by rules[]: a new field of the record gets a
 * row there, and every format that records it (hibernate description,
 * snapshot, migration) checks it the same way.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

void vmm_machine_free(struct vmm_machine *m)
{
	free(m->mpidrs);
	free(m->kernel.path);
	free(m->initrd.path);
	free(m->append);
	for (unsigned int i = 0; i < VMM_MAX_DISKS; i++)
		free(m->disks[i].path);
	free(m->engine);
	memset(m, 0, sizeof(*m));
}

/* How a field is compared and shown. */
enum rule_kind {
	R_UINT,		/* unsigned int */
	R_U64,
	R_VERSION,	/* uint32_t PSCI version */
	R_MODE,
	R_CONDUIT,
	R_BOOL,		/* --system-suspend / --no-system-suspend */
	R_FEATURES,	/* uint32_t VPSCI_CFG_* set, or VMM_PM_FEATURES_ALL */
	R_STR,		/* char *, NULL and "" alike */
	R_IMAGE,	/* struct vmm_image: its path */
	R_DISKS,	/* disks[0..nr_disks): their paths */
};

struct rule {
	const char *opt;	/* the option that sets it */
	size_t off;		/* offsetof(struct vmm_machine, ...) */
	const char *unit;	/* after the recorded value: "4 vCPUs" */
	unsigned int field;	/* enum vmm_field */
	enum rule_kind kind;
};

#define AT(f) offsetof(struct vmm_machine, f)
#define RULE(f, o, k, m, u) { .opt = (o), .off = AT(m), .unit = (u), .field = (f), .kind = (k) }
static const struct rule rules[] = {
	RULE(VMM_F_CPUS, "--cpus", R_UINT, cpus, " vCPUs"),
	RULE(VMM_F_PSCI_VERSION, "--psci-version", R_VERSION, psci_version, ""),
	RULE(VMM_F_MEM, "--mem", R_U64, mem_mib, " MiB"),
	RULE(VMM_F_MODE, "--psci", R_MODE, mode, " mode"),
	RULE(VMM_F_CONDUIT, "--conduit", R_CONDUIT, conduit, ""),
	RULE(VMM_F_POWER_DOMAINS, "--power-domains", R_UINT, pd_levels, " power-domain levels"),
	RULE(VMM_F_CPUS_PER_CLUSTER, "--cpus-per-cluster", R_UINT, cpus_per_cluster,
	     " CPUs per cluster (0: KVM's MPIDRs)"),
	RULE(VMM_F_PM_FEATURES, "--pm-features", R_FEATURES, pm_features, " (PSCI features)"),
	RULE(VMM_F_SYSTEM_SUSPEND, "--system-suspend", R_BOOL, system_suspend, ""),
	RULE(VMM_F_KERNEL, "--kernel", R_IMAGE, kernel, ""),
	RULE(VMM_F_INITRD, "--initrd", R_IMAGE, initrd, ""),
	RULE(VMM_F_APPEND, "--append", R_STR, append, ""),
	RULE(VMM_F_DISKS, "--disk", R_DISKS, disks, ""),
};
#undef RULE
#undef AT
_Static_assert(sizeof(rules) / sizeof(rules[0]) == 13, "one rule per enum vmm_field bit");

#define FIELD(m, r, type) (*(const type *)(const void *)((const char *)(m) + (r)->off))

static const char *str_or_none(const char *s)
{
	return s && *s ? s : NULL;
}

static bool same_str(const char *a, const char *b)
{
	a = str_or_none(a);
	b = str_or_none(b);
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same(const struct rule *r, const struct vmm_machine *a, const struct vmm_machine *b)
{
	switch (r->kind) {
	case R_UINT:
		return FIELD(a, r, unsigned int) == FIELD(b, r, unsigned int);
	case R_U64:
		return FIELD(a, r, uint64_t) == FIELD(b, r, uint64_t);
	case R_VERSION:
	case R_FEATURES:
		return FIELD(a, r, uint32_t) == FIELD(b, r, uint32_t);
	case R_MODE:
		return FIELD(a, r, enum vmm_psci_mode) == FIELD(b, r, enum vmm_psci_mode);
	case R_CONDUIT:
		return FIELD(a, r, enum vpsci_conduit) == FIELD(b, r, enum vpsci_conduit);
	case R_BOOL:
		return FIELD(a, r, bool) == FIELD(b, r, bool);
	case R_STR:
		return same_str(FIELD(a, r, char *), FIELD(b, r, char *));
	case R_IMAGE:
		return same_str(FIELD(a, r, struct vmm_image).path,
				FIELD(b, r, struct vmm_image).path);
	case R_DISKS:
		if (a->nr_disks != b->nr_disks)
			return false;
		for (unsigned int i = 0; i < a->nr_disks; i++)
			if (!same_str(a->disks[i].path, b->disks[i].path))
				return false;
		return true;
	}
	return false;
}

/* The value of field r in m, as the option would spell it. */
static void show(const struct rule *r, const struct vmm_machine *m, char *buf, size_t len)
{
	uint32_t u32;

	switch (r->kind) {
	case R_UINT:
		snprintf(buf, len, "%u", FIELD(m, r, unsigned int));
		break;
	case R_U64:
		snprintf(buf, len, "%" PRIu64, FIELD(m, r, uint64_t));
		break;
	case R_VERSION:
		vmm_version_str(FIELD(m, r, uint32_t), buf, len);
		break;
	case R_FEATURES:
		u32 = FIELD(m, r, uint32_t);
		if (u32 == VMM_PM_FEATURES_ALL)
			snprintf(buf, len, "all");
		else
			snprintf(buf, len, "0x%" PRIx32, u32);
		break;
	case R_MODE:
		snprintf(buf, len, "%s", vmm_mode_name(FIELD(m, r, enum vmm_psci_mode)));
		break;
	case R_CONDUIT:
		snprintf(buf, len, "%s", vmm_conduit_name(FIELD(m, r, enum vpsci_conduit)));
		break;
	case R_BOOL:
		snprintf(buf, len, "%s", FIELD(m, r, bool) ? "SYSTEM_SUSPEND offered" :
			 "no SYSTEM_SUSPEND");
		break;
	case R_STR:
		snprintf(buf, len, "%.150s", str_or_none(FIELD(m, r, char *)) ?
			 FIELD(m, r, char *) : "none");
		break;
	case R_IMAGE:
		snprintf(buf, len, "%.150s", FIELD(m, r, struct vmm_image).path ?
			 FIELD(m, r, struct vmm_image).path : "none");
		break;
	case R_DISKS:
		snprintf(buf, len, "%u disk%s%s%.120s", m->nr_disks, m->nr_disks == 1 ? "" : "s",
			 m->nr_disks ? ", the first " : "", m->nr_disks ? m->disks[0].path : "");
		break;
	}
}

unsigned int vmm_machine_contradiction(const struct vmm_machine *opt, unsigned int given,
				       const struct vmm_machine *rec, unsigned int recorded,
				       struct vmm_contradiction *why)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];

		if (!(given & recorded & r->field) || same(r, opt, rec))
			continue;
		why->opt_name = r->opt;
		show(r, opt, why->opt_val, sizeof(why->opt_val));
		if (r->kind == R_DISKS)	/* the paths typed, as before: not worth a line each */
			snprintf(why->opt_val, sizeof(why->opt_val), "(other disks)");
		show(r, rec, why->rec_val, sizeof(why->rec_val));
		if (r->kind == R_BOOL) {
			why->opt_name = opt->system_suspend ? "--system-suspend" :
							     "--no-system-suspend";
			why->opt_val[0] = 0;
		}
		if (*r->unit)
			strncat(why->rec_val, r->unit, sizeof(why->rec_val) - strlen(why->rec_val) - 1);
		return r->field;
	}
	return 0;
}
