/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names of the VMM's closed sets, both ways (a leaf: depends on nothing of
 * the VMM). One parser and one formatter per set, used by the options, the
 * log, the events, the hibernate description and the snapshot alike, so
 * what one writes the other reads.
 */
#ifndef VMM_UTIL_NAMES_H
#define VMM_UTIL_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vpsci/vpsci.h>

/* Who answers PSCI (docs/vpsci-run.md "PSCI modes"). */
enum vmm_psci_mode {
	VMM_PSCI_USER,		/* the whole PSCI range goes to libvpsci */
	VMM_PSCI_HYBRID,	/* hot CPU calls in KVM, the rest in libvpsci */
	VMM_PSCI_KERNEL,	/* KVM's in-kernel PSCI; only system events seen */
};

/* "user", "hybrid", "kernel"; "?" for a value outside the enum. */
const char *vmm_mode_name(enum vmm_psci_mode m);
/* Exactly one of those names. Returns true and sets *m, or false. */
bool vmm_parse_mode(const char *s, enum vmm_psci_mode *m);

/* "hvc" or "smc"; "?" for a value outside the enum. */
const char *vmm_conduit_name(enum vpsci_conduit c);
/* Exactly "hvc" or "smc". Returns true and sets *c, or false. */
bool vmm_parse_conduit(const char *s, enum vpsci_conduit *c);

/* Room for any "major.minor" of a 32-bit PSCI version, NUL included. */
#define VMM_VERSION_STR_LEN	12

/*
 * "major.minor" (DEN0022 5.1.1: major in bits [30:16], minor in [15:0]) of
 * any 32-bit value into buf[0..len) (VMM_VERSION_STR_LEN: never truncated).
 * Returns buf, so it can be a printf argument.
 */
const char *vmm_version_str(uint32_t v, char *buf, size_t len);
/*
 * One of the versions libvpsci implements, by name: "0.1", "0.2", "1.0",
 * "1.1", "1.2", "1.3". Returns true and sets *v, or false.
 */
bool vmm_parse_version(const char *s, uint32_t *v);
/* The names vmm_parse_version() accepts, for messages: "0.1, 0.2, ..., 1.3". */
extern const char vmm_version_names[];

/* Power-domain levels: "none", "cpu", "cluster", "system" = 0..3. */
const char *vmm_pd_levels_name(unsigned int levels);
bool vmm_parse_pd_levels(const char *s, unsigned int *levels);

/* An optional PSCI function vpsci-run can offer, by its --pm-features name. */
struct vmm_pm_feature {
	const char *name;
	uint32_t flag;		/* VPSCI_CFG_* */
	uint32_t min_version;	/* the PSCI version that defines it */
};
extern const struct vmm_pm_feature vmm_pm_features[];
extern const unsigned int vmm_nr_pm_features;

/*
 * A --pm-features list: comma-separated names, "all" or "none". Returns
 * true and sets *flags and *all; or false with the first token that is none
 * of them in bad[0..len) ("" for a list over 255 characters).
 */
bool vmm_parse_pm_features(const char *s, uint32_t *flags, bool *all, char *bad, size_t len);

#endif /* VMM_UTIL_NAMES_H */
