// SPDX-License-Identifier: BSD-2-Clause
/*
 * The hibernate description's codec (desc.h, docs/hibernate.md): one table,
 * keys[], drives both the writer and the strict reader. KVM-free.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/desc.h"
#include "util/crc32.h"
#include "util/names.h"
#include "util/parse.h"

/* The optional PSCI functions a description may record (never SYSTEM_SUSPEND, 0.1 IDs). */
#define DESC_PM_FEATURES \
	(VPSCI_CFG_ALL_FLAGS & ~(uint32_t)(VPSCI_CFG_SYSTEM_SUSPEND | VPSCI_CFG_0_1_IDS))

enum key_kind {
	K_UINT,		/* unsigned int in [min, max] */
	K_U64,		/* uint64_t in [min, max] */
	K_BOOL,		/* 0 or 1 */
	K_FLAGS,	/* uint32_t, hexadecimal, within DESC_PM_FEATURES */
	K_SHA,		/* char[65]: 64 lower-case hex digits; min 0: may be empty */
	K_PATH,		/* char *: min 1: must not be empty; an empty one is NULL */
	K_STR,		/* char *, any text without a newline */
	K_CUSTOM,
};

struct key {
	const char *name;
	enum key_kind kind;
	size_t off;		/* offsetof(struct hib_desc, ...) */
	uint64_t min, max;
	const char *err;	/* why a value is refused */
	const char *(*parse)(struct hib_desc *d, const char *v);	/* K_CUSTOM */
	int (*format)(const struct hib_desc *d, struct vmm_buf *out);	/* K_CUSTOM */
};

/* ---- numbers and names -------------------------------------------------- */

static const char *parse_version(struct hib_desc *d, const char *v)
{
	if (!vmm_parse_version(v, &d->m.psci_version))
		return "psci-version is not one of 0.1 0.2 1.0 1.1 1.2 1.3";
	return NULL;
}

static const char *parse_reason(struct hib_desc *d, const char *v)
{
	if (strcmp(v, "SYSTEM_OFF2") != 0 && strcmp(v, "SYSTEM_OFF") != 0)
		return "reason is neither SYSTEM_OFF2 nor SYSTEM_OFF";
	snprintf(d->reason, sizeof(d->reason), "%s", v);
	return NULL;
}

static const char *parse_mode(struct hib_desc *d, const char *v)
{
	return vmm_parse_mode(v, &d->m.mode) ? NULL : "psci-mode is not user, hybrid or kernel";
}

static const char *parse_conduit(struct hib_desc *d, const char *v)
{
	return vmm_parse_conduit(v, &d->m.conduit) ? NULL : "conduit is not hvc or smc";
}

static const char *parse_gic(struct hib_desc *d, const char *v)
{
	if (strcmp(v, "2") != 0 && strcmp(v, "3") != 0)
		return "gic is not 2 or 3";
	d->m.gic_version = v[0] - '0';
	return NULL;
}

/* mpidrs=A,B,...: one per vCPU (cpus= comes first), affinity bits only. */
static const char *parse_mpidrs(struct hib_desc *d, const char *v)
{
	const char *bad = "mpidrs does not list one valid MPIDR per vCPU";
	unsigned int n = 0;

	if (!d->m.cpus)
		return "mpidrs before cpus";
	d->m.mpidrs = calloc(d->m.cpus, sizeof(*d->m.mpidrs));
	if (!d->m.mpidrs)
		return "out of memory";
	for (const char *p = v; *p; n++) {
		size_t len = strcspn(p, ",");
		char tok[24];
		uint64_t u;

		if (n >= d->m.cpus || len == 0 || len >= sizeof(tok))
			return bad;
		memcpy(tok, p, len);
		tok[len] = 0;
		if (!vmm_parse_u64(tok, &u) || (u & ~VPSCI_MPIDR_AFF_MASK))
			return bad;
		d->m.mpidrs[n] = u;
		p += len;
		if (*p == ',' && !*++p)
			return bad;
	}
	return n == d->m.cpus ? NULL : bad;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static const char *parse_engine(struct hib_desc *d, const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n % 2)
		return "engine-snapshot is not an even number of hex digits";
	d->m.engine = malloc(n / 2);
	if (!d->m.engine)
		return "out of memory";
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(v[2 * i]), lo = hexval(v[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return "engine-snapshot is not hex";
		d->m.engine[i] = (uint8_t)(hi << 4 | lo);
	}
	d->m.engine_len = n / 2;
	return NULL;
}

static const char *parse_disks(struct hib_desc *d, const char *v)
{
	uint64_t u;

	if (!vmm_parse_u64(v, &u) || u > VMM_MAX_DISKS)
		return "disks is not a disk count (0 to 4)";
	d->m.nr_disks = (unsigned int)u;
	return NULL;
}

/* ---- writing the custom keys ------------------------------------------- */

static int fmt_reason(const struct hib_desc *d, struct vmm_buf *out)
{
	return vmm_buf_printf(out, "%s", d->reason);
}

static int fmt_version(const struct hib_desc *d, struct vmm_buf *out)
{
	char s[VMM_VERSION_STR_LEN];

	return vmm_buf_printf(out, "%s", vmm_version_str(d->m.psci_version, s, sizeof(s)));
}

static int fmt_mode(const struct hib_desc *d, struct vmm_buf *out)
{
	return vmm_buf_printf(out, "%s", vmm_mode_name(d->m.mode));
}

static int fmt_conduit(const struct hib_desc *d, struct vmm_buf *out)
{
	return vmm_buf_printf(out, "%s", vmm_conduit_name(d->m.conduit));
}

static int fmt_gic(const struct hib_desc *d, struct vmm_buf *out)
{
	return vmm_buf_printf(out, "%d", d->m.gic_version);
}

static int fmt_mpidrs(const struct hib_desc *d, struct vmm_buf *out)
{
	for (unsigned int i = 0; i < d->m.cpus; i++)
		vmm_buf_printf(out, "%s0x%" PRIx64, i ? "," : "", d->m.mpidrs[i]);
	return out->failed ? -ENOMEM : 0;
}

static int fmt_engine(const struct hib_desc *d, struct vmm_buf *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < d->m.engine_len; i++) {
		char two[2] = { hex[d->m.engine[i] >> 4], hex[d->m.engine[i] & 15] };

		vmm_buf_put(out, two, 2);
	}
	return out->failed ? -ENOMEM : 0;
}

/* disks=N, then disk<i>=PATH and disk<i>-size=BYTES for each. */
static int fmt_disks(const struct hib_desc *d, struct vmm_buf *out)
{
	vmm_buf_printf(out, "%u", d->m.nr_disks);
	for (unsigned int i = 0; i < d->m.nr_disks; i++)
		vmm_buf_printf(out, "\ndisk%u=%s\ndisk%u-size=%" PRIu64, i, d->m.disks[i].path, i,
			       d->m.disks[i].size);
	return out->failed ? -ENOMEM : 0;
}

/* ---- the table ---------------------------------------------------------- */

#define AT(f) offsetof(struct hib_desc, f)
#define CUSTOM(name, p, f) { name, K_CUSTOM, 0, 0, 0, NULL, p, f }
static const struct key keys[] = {
	CUSTOM("reason", parse_reason, fmt_reason),
	CUSTOM("psci-version", parse_version, fmt_version),
	CUSTOM("psci-mode", parse_mode, fmt_mode),
	CUSTOM("conduit", parse_conduit, fmt_conduit),
	{ "system-suspend", K_BOOL, AT(m.system_suspend), 0, 1, "system-suspend is not 0 or 1",
	  NULL, NULL },
	{ "machine-on-off", K_BOOL, AT(machine_on_off), 0, 1, "machine-on-off is not 0 or 1",
	  NULL, NULL },
	CUSTOM("gic", parse_gic, fmt_gic),
	{ "cpus", K_UINT, AT(m.cpus), 1, VPSCI_MAX_VCPUS, "cpus is not a vCPU count", NULL, NULL },
	CUSTOM("mpidrs", parse_mpidrs, fmt_mpidrs),
	{ "power-domains", K_UINT, AT(m.pd_levels), 0, VPSCI_MAX_PD_LEVELS,
	  "power-domains is not 0 to 3", NULL, NULL },
	{ "cpus-per-cluster", K_UINT, AT(m.cpus_per_cluster), 0, DESC_MAX_CPUS_PER_CLUSTER,
	  "cpus-per-cluster is not 0 to 16", NULL, NULL },
	{ "pm-features", K_FLAGS, AT(m.pm_features), 0, DESC_PM_FEATURES,
	  "pm-features is not a hexadecimal set of optional PSCI features", NULL, NULL },
	{ "mem-mib", K_U64, AT(m.mem_mib), 1, 1ull << 30, "mem-mib is not a RAM size", NULL, NULL },
	{ "kernel", K_PATH, AT(m.kernel.path), 1, 0, "kernel is empty", NULL, NULL },
	{ "kernel-size", K_U64, AT(m.kernel.size), 0, UINT64_MAX, "kernel-size is not a number",
	  NULL, NULL },
	{ "kernel-sha256", K_SHA, AT(m.kernel.sha256), 1, 0, "kernel-sha256 is not 64 hex digits",
	  NULL, NULL },
	{ "initrd", K_PATH, AT(m.initrd.path), 0, 0, NULL, NULL, NULL },
	{ "initrd-size", K_U64, AT(m.initrd.size), 0, UINT64_MAX, "initrd-size is not a number",
	  NULL, NULL },
	{ "initrd-sha256", K_SHA, AT(m.initrd.sha256), 0, 0, "initrd-sha256 is not 64 hex digits",
	  NULL, NULL },
	{ "append", K_STR, AT(m.append), 0, 0, NULL, NULL, NULL },
	CUSTOM("disks", parse_disks, fmt_disks),
	CUSTOM("engine-snapshot", parse_engine, fmt_engine),
};
#undef CUSTOM
#define NR_KEYS (sizeof(keys) / sizeof(keys[0]))

#define PTR(d, k, type) ((type *)(void *)((char *)(d) + (k)->off))
#define CPTR(d, k, type) ((const type *)(const void *)((const char *)(d) + (k)->off))

static bool is_sha(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (hexval(*s) < 0)
			return false;
	return true;
}

/* Store one value. Returns NULL or what is wrong with it. */
static const char *set_key(struct hib_desc *d, const struct key *k, const char *v)
{
	uint64_t u;

	switch (k->kind) {
	case K_UINT:
	case K_U64:
		if (!vmm_parse_u64(v, &u) || u < k->min || u > k->max)
			return k->err;
		if (k->kind == K_UINT)
			*PTR(d, k, unsigned int) = (unsigned int)u;
		else
			*PTR(d, k, uint64_t) = u;
		return NULL;
	case K_BOOL:
		if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
			return k->err;
		*PTR(d, k, bool) = v[0] == '1';
		return NULL;
	case K_FLAGS:
		if (!vmm_parse_u64(v, &u) || (u & ~k->max))
			return k->err;
		*PTR(d, k, uint32_t) = (uint32_t)u;
		return NULL;
	case K_SHA:
		if ((*v || k->min) && !is_sha(v))
			return k->err;
		memcpy(PTR(d, k, char), v, strlen(v) + 1);
		return NULL;
	case K_PATH:
	case K_STR:
		if (k->min && !*v)
			return k->err;
		if (k->kind == K_PATH && !*v)
			return NULL;
		*PTR(d, k, char *) = strdup(v);
		return *PTR(d, k, char *) ? NULL : "out of memory";
	case K_CUSTOM:
		return k->parse(d, v);
	}
	return "internal error";
}

static int format_key(const struct hib_desc *d, const struct key *k, struct vmm_buf *out)
{
	const char *s;

	vmm_buf_printf(out, "%s=", k->name);
	switch (k->kind) {
	case K_UINT:
		vmm_buf_printf(out, "%u", *CPTR(d, k, unsigned int));
		break;
	case K_U64:
		vmm_buf_printf(out, "%" PRIu64, *CPTR(d, k, uint64_t));
		break;
	case K_BOOL:
		vmm_buf_printf(out, "%d", *CPTR(d, k, bool) ? 1 : 0);
		break;
	case K_FLAGS:
		vmm_buf_printf(out, "0x%" PRIx32, *CPTR(d, k, uint32_t));
		break;
	case K_SHA:
		vmm_buf_printf(out, "%s", CPTR(d, k, char));
		break;
	case K_PATH:
	case K_STR:
		s = *CPTR(d, k, char *);
		vmm_buf_printf(out, "%s", s ? s : "");
		break;
	case K_CUSTOM:
		k->format(d, out);
		break;
	}
	vmm_buf_printf(out, "\n");
	return out->failed ? -ENOMEM : 0;
}

static int fail(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool has_newline(const char *s)
{
	return s && strchr(s, '\n');
}

int desc_format(const struct hib_desc *d, struct vmm_buf *out, char *why, size_t why_len)
{
	const struct vmm_machine *m = &d->m;
	size_t start = out->len;

	if (has_newline(m->append) || has_newline(m->kernel.path) || has_newline(m->initrd.path))
		return fail(why, why_len, "a path or the command line holds a newline, which the "
			    "description cannot record");
	for (unsigned int i = 0; i < m->nr_disks; i++)
		if (!m->disks[i].path || has_newline(m->disks[i].path))
			return fail(why, why_len, "disk %u's path cannot be recorded", i);
	if (!m->mpidrs || !m->kernel.path || !m->engine)
		return fail(why, why_len, "the machine record is incomplete");
	vmm_buf_printf(out, "vpsci-machine=%d\n", DESC_FORMAT);
	for (size_t i = 0; i < NR_KEYS; i++)
		format_key(d, &keys[i], out);
	if (out->failed)
		return -ENOMEM;
	return vmm_buf_printf(out, "crc32=%08" PRIx32 "\n",
			      vmm_crc32(0, out->p + start, out->len - start));
}

/* ---- reading ------------------------------------------------------------ */

/* disk<i>=PATH / disk<i>-size=N. Returns 1 if k is one, 0 if not, -1 if malformed. */
static int set_disk_key(struct hib_desc *d, const char *k, const char *v, unsigned int *seen)
{
	struct vmm_image *disk;
	unsigned int i;
	uint64_t u;

	if (strncmp(k, "disk", 4) != 0 || k[4] < '0' || k[4] > '9')
		return 0;
	i = (unsigned int)(k[4] - '0');
	if (i >= VMM_MAX_DISKS)
		return -1;
	disk = &d->m.disks[i];
	if (k[5] == 0) {
		if (!*v || (*seen & (1u << (2 * i))))
			return -1;
		*seen |= 1u << (2 * i);
		disk->path = strdup(v);
		return disk->path ? 1 : -1;
	}
	if (strcmp(k + 5, "-size") != 0 || !vmm_parse_u64(v, &u) || (*seen & (2u << (2 * i))))
		return -1;
	disk->size = u;
	*seen |= 2u << (2 * i);
	return 1;
}

/*
 * First and last lines: magic + format, crc32 of the rest. Cuts the crc
 * line off, so the key=value lines are buf[16..].
 */
static int check_frame(char *buf, size_t len, char *why, size_t wl)
{
	char *crc_line, *end;
	uint32_t want, got;

	if (strlen(buf) != len)
		return fail(why, wl, "not a machine description (binary data)");
	if (strncmp(buf, "vpsci-machine=", 14) != 0)
		return fail(why, wl, "not a vpsci-run machine description (no 'vpsci-machine=' "
			    "first line)");
	if (strncmp(buf + 14, "1\n", 2) != 0)
		return fail(why, wl, "machine description format '%.*s' is not understood by this "
			    "vpsci-run (it reads format %d)", (int)strcspn(buf + 14, "\n"),
			    buf + 14, DESC_FORMAT);
	if (len < 16 || buf[len - 1] != '\n')
		return fail(why, wl, "truncated (no final 'crc32=' line)");
	buf[len - 1] = 0;
	crc_line = strrchr(buf, '\n');
	if (!crc_line || strncmp(crc_line + 1, "crc32=", 6) != 0)
		return fail(why, wl, "truncated (no final 'crc32=' line)");
	crc_line++;
	if (strlen(crc_line + 6) != 8 || hexval(crc_line[6]) < 0)
		return fail(why, wl, "malformed crc32 line");
	errno = 0;
	want = (uint32_t)strtoul(crc_line + 6, &end, 16);
	if (errno || *end)
		return fail(why, wl, "malformed crc32 line");
	got = vmm_crc32(0, buf, (size_t)(crc_line - buf));
	if (got != want)
		return fail(why, wl, "checksum mismatch (crc32 %08" PRIx32 " recorded, %08" PRIx32
			    " computed): the file was changed or damaged", want, got);
	*crc_line = 0;
	return 0;
}

static const struct key *find_key(const char *name)
{
	for (size_t k = 0; k < NR_KEYS; k++)
		if (strcmp(name, keys[k].name) == 0)
			return &keys[k];
	return NULL;
}

/* One key=value line. */
static int parse_line(struct hib_desc *d, char *line, bool seen[NR_KEYS], unsigned int *disk_seen,
		      char *why, size_t wl)
{
	char *eq = strchr(line, '=');
	const struct key *k;
	const char *err;
	int r;

	if (!eq)
		return fail(why, wl, "line '%.40s' is not key=value", line);
	*eq = 0;
	r = set_disk_key(d, line, eq + 1, disk_seen);
	if (r < 0)
		return fail(why, wl, "bad or repeated disk entry '%.40s'", line);
	if (r > 0)
		return 0;
	k = find_key(line);
	if (!k)
		return fail(why, wl, "unknown key '%.40s'", line);
	if (seen[k - keys])
		return fail(why, wl, "key '%s' given twice", line);
	seen[k - keys] = true;
	err = set_key(d, k, eq + 1);
	if (err)
		return strcmp(err, "out of memory") == 0 ? -ENOMEM : fail(why, wl, "%s", err);
	return 0;
}

/* After every line: completeness and what spans keys. */
static int check_complete(const struct hib_desc *d, const bool seen[NR_KEYS],
			  unsigned int disk_seen, char *why, size_t wl)
{
	for (size_t k = 0; k < NR_KEYS; k++)
		if (!seen[k])
			return fail(why, wl, "key '%s' is missing", keys[k].name);
	if (disk_seen != (1u << (2 * d->m.nr_disks)) - 1)
		return fail(why, wl, "disk entries do not match disks=%u", d->m.nr_disks);
	if (d->m.initrd.path && !d->m.initrd.sha256[0])
		return fail(why, wl, "initrd-sha256 is missing for initrd '%.100s'",
			    d->m.initrd.path);
	return 0;
}

int desc_parse(const char *data, size_t len, struct hib_desc *d, char *why, size_t wl)
{
	bool seen[NR_KEYS] = { false };
	unsigned int disk_seen = 0;
	char *buf, *line, *next;
	int r;

	memset(d, 0, sizeof(*d));
	if (len > DESC_MAX_SIZE)
		return fail(why, wl, "larger than %u bytes: not a machine description",
			    DESC_MAX_SIZE);
	buf = malloc(len + 1);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, data, len);
	buf[len] = 0;
	r = check_frame(buf, len, why, wl);
	for (line = r ? buf : buf + 16; !r && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		else
			next = line + strlen(line);
		r = parse_line(d, line, seen, &disk_seen, why, wl);
	}
	if (!r)
		r = check_complete(d, seen, disk_seen, why, wl);
	free(buf);
	if (r)
		vmm_machine_free(&d->m);
	return r;
}
