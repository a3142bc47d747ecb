// SPDX-License-Identifier: BSD-2-Clause
/*
 * The machine description: what vpsci-run writes when a guest hibernates
 * (--machine FILE) and reads back to bring up the identical machine
 * (--resume FILE). A hibernated Linux resumes only on the machine it left:
 * same kernel, same vCPUs and MPIDRs, same RAM, same disks, same device
 * tree and the same PSCI version and engine state (DEN0022F 5.10.2:
 * SYSTEM_OFF2 asks the host to keep the configuration). Format (text, one
 * "key=value" per line, docs/hibernate.md):
 *
 *   vpsci-machine=1            first line: magic + format version
 *   key=value ...              every key of machine_keys[], each once
 *   crc32=XXXXXXXX             last line: CRC-32 of every byte before it
 *
 * Public API (vmm.h): machine_load(), machine_save(), machine_check_engine(),
 * machine_engine_snapshot(). A future unified "VM description" (snapshots,
 * migration) can take this over: everything lives in struct vmm_machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm.h"

#define MACHINE_FORMAT		1
#define MACHINE_MAX_SIZE	(1u << 20)
#define MACHINE_MAX_VCPUS	VPSCI_MAX_VCPUS

struct machine_file {
	char *path;
	uint64_t size;
	char sha256[65];
};

struct vmm_machine {
	char reason[16];		/* SYSTEM_OFF2 or SYSTEM_OFF */
	uint32_t psci_version;
	enum vmm_psci_mode mode;
	enum vpsci_conduit conduit;
	bool system_suspend;
	bool machine_on_off;
	int gic_version;
	unsigned int cpus;
	uint64_t *mpidrs;
	unsigned int pd_levels;		/* --power-domains */
	unsigned int cpus_per_cluster;	/* --cpus-per-cluster */
	uint32_t pm_features;		/* --pm-features, resolved (VPSCI_CFG_*) */
	uint64_t mem_mib;
	struct machine_file kernel;
	struct machine_file initrd;	/* path NULL: none */
	char *append;
	struct machine_file disks[VMM_MAX_DISKS];
	unsigned int nr_disks;
	uint8_t *snap;
	size_t snap_len;
};

/* The one machine of this process (--resume). */
static struct vmm_machine resumed;

/* ---- checksums ---------------------------------------------------------- */

/* CRC-32/ISO-HDLC (reflected 0xEDB88320), as the engine snapshot uses. */
static uint32_t crc32_buf(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t crc = 0xffffffffu;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

/* Size and SHA-256 of a file. Returns 0, or -1 with errno set. */
static int file_digest(const char *path, uint64_t *size, char hex[65])
{
	static uint8_t buf[1 << 16];
	struct sha256 s;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	sha256_init(&s);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		sha256_update(&s, buf, (size_t)n);
	}
	close(fd);
	sha256_hex(&s, hex);
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if (b->p && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = (b->cap ? b->cap * 2 : 4096) + (size_t)n;
		char *q = realloc(b->p, cap);

		if (!q) {
			b->oom = true;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
}

static void version_str(uint32_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu32 ".%" PRIu32, VPSCI_VERSION_MAJOR(v), VPSCI_VERSION_MINOR(v));
}

/* A path as the description records it: absolute, so --resume works from anywhere. */
static char *abs_path(const char *path)
{
	char *r = realpath(path, NULL);

	return r ? r : strdup(path);
}

static bool has_newline(const char *s)
{
	return s && strchr(s, '\n');
}

/*
 * Write the description of the VM that just stopped (its vCPUs are all
 * stopped: the engine snapshot is stable). The file is replaced atomically
 * (temporary file, fsync, rename), so a crash never leaves half of one.
 * Returns 0, or VMM_EXIT_HOST after a message.
 */
int machine_save(struct vmm *vm, const char *path, const char *reason)
{
	const struct vmm_opts *o = vm->opts;
	struct sbuf b = { 0 };
	uint8_t *snap = NULL;
	size_t snap_len = 0;
	char vs[16], hex[65], *tmp = NULL, *p;
	uint64_t size;
	int fd = -1, r, ret = VMM_EXIT_HOST;

	if (has_newline(o->append) || has_newline(o->kernel) || has_newline(o->initrd)) {
		vmm_log("--machine '%s': a path or the command line holds a newline, which the "
			"description cannot record", path);
		return VMM_EXIT_HOST;
	}
	snap = malloc(vpsci_snapshot_size(vm->psci));
	if (!snap) {
		vmm_log("--machine '%s': out of memory", path);
		return VMM_EXIT_HOST;
	}
	r = vpsci_snapshot(vm->psci, snap, vpsci_snapshot_size(vm->psci), &snap_len);
	if (r < 0) {
		vmm_log("--machine '%s': vpsci_snapshot: %s", path, vpsci_strerror(r));
		goto out;
	}

	version_str(vm->psci_version, vs, sizeof(vs));
	sb_printf(&b, "vpsci-machine=%d\n", MACHINE_FORMAT);
	sb_printf(&b, "reason=%s\n", reason);
	sb_printf(&b, "psci-version=%s\n", vs);
	sb_printf(&b, "psci-mode=%s\n", psci_mode_name(vm->mode));
	sb_printf(&b, "conduit=%s\n", o->conduit == VPSCI_CONDUIT_SMC ? "smc" : "hvc");
	sb_printf(&b, "system-suspend=%d\n", o->system_suspend ? 1 : 0);
	sb_printf(&b, "machine-on-off=%d\n", o->machine_on_off ? 1 : 0);
	sb_printf(&b, "gic=%d\n", vm->gic_version);
	sb_printf(&b, "cpus=%u\n", vm->nr_vcpus);
	sb_printf(&b, "mpidrs=");
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		sb_printf(&b, "%s0x%" PRIx64, i ? "," : "", vm->vcpus[i].mpidr);
	sb_printf(&b, "\npower-domains=%u\n", o->pm.pd_levels);
	sb_printf(&b, "cpus-per-cluster=%u\n", o->pm.cpus_per_cluster);
	sb_printf(&b, "pm-features=0x%" PRIx32 "\n",
		  vpsci_flags(vm->psci) & ~(uint32_t)(VPSCI_CFG_SYSTEM_SUSPEND | VPSCI_CFG_0_1_IDS));
	sb_printf(&b, "mem-mib=%" PRIu64 "\n", vm->ram_size >> 20);

	p = abs_path(o->kernel);
	if (!p || file_digest(p, &size, hex) < 0) {
		vmm_log("--machine '%s': kernel '%s': %s", path, o->kernel, strerror(errno));
		free(p);
		goto out;
	}
	sb_printf(&b, "kernel=%s\nkernel-size=%" PRIu64 "\nkernel-sha256=%s\n", p, size, hex);
	free(p);
	if (o->initrd) {
		p = abs_path(o->initrd);
		if (!p || file_digest(p, &size, hex) < 0) {
			vmm_log("--machine '%s': initrd '%s': %s", path, o->initrd,
				strerror(errno));
			free(p);
			goto out;
		}
		sb_printf(&b, "initrd=%s\ninitrd-size=%" PRIu64 "\ninitrd-sha256=%s\n", p, size,
			  hex);
		free(p);
	} else {
		sb_printf(&b, "initrd=\ninitrd-size=0\ninitrd-sha256=\n");
	}
	sb_printf(&b, "append=%s\n", o->append ? o->append : "");
	sb_printf(&b, "disks=%u\n", o->nr_disks);
	for (unsigned int i = 0; i < o->nr_disks; i++) {
		p = abs_path(o->disks[i].path);
		sb_printf(&b, "disk%u=%s\ndisk%u-size=%" PRIu64 "\n", i, p ? p : o->disks[i].path,
			  i, o->disks[i].size);
		free(p);
	}
	sb_printf(&b, "engine-snapshot=");
	for (size_t i = 0; i < snap_len; i++)
		sb_printf(&b, "%02x", snap[i]);
	sb_printf(&b, "\n");
	if (b.oom) {
		vmm_log("--machine '%s': out of memory", path);
		goto out;
	}
	sb_printf(&b, "crc32=%08" PRIx32 "\n", crc32_buf(b.p, b.len));
	if (b.oom) {
		vmm_log("--machine '%s': out of memory", path);
		goto out;
	}

	tmp = malloc(strlen(path) + 8);
	if (!tmp) {
		vmm_log("--machine '%s': out of memory", path);
		goto out;
	}
	sprintf(tmp, "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		vmm_log("--machine '%s': cannot create '%s': %s", path, tmp, strerror(errno));
		goto out;
	}
	for (size_t done = 0; done < b.len;) {
		ssize_t n = write(fd, b.p + done, b.len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			vmm_log("--machine '%s': write: %s", path, n < 0 ? strerror(errno) : "short");
			goto out;
		}
		done += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		vmm_log("--machine '%s': fsync/close: %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		vmm_log("--machine '%s': rename from '%s': %s", path, tmp, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (ret && tmp)
		unlink(tmp);
	free(tmp);
	free(b.p);
	free(snap);
	return ret;
}

/* ---- reading ------------------------------------------------------------ */

static int bad(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A description that cannot be used: say why, exit status 1. */
static int bad(const char *path, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vmm_log("--resume '%s': %s", path, msg);
	return VMM_EXIT_USAGE;
}

/* The keys of format 1, each required exactly once (disks: disk<i>, disk<i>-size). */
static const char *const machine_keys[] = {
	"reason", "psci-version", "psci-mode", "conduit", "system-suspend", "machine-on-off",
	"gic", "cpus", "mpidrs", "power-domains", "cpus-per-cluster", "pm-features", "mem-mib", "kernel", "kernel-size", "kernel-sha256", "initrd",
	"initrd-size", "initrd-sha256", "append", "disks", "engine-snapshot",
};
#define NR_KEYS (sizeof(machine_keys) / sizeof(machine_keys[0]))

static bool parse_u64_str(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return !errno && !*end;
}

static bool parse_bool(const char *s, bool *out)
{
	if (strcmp(s, "0") == 0 || strcmp(s, "1") == 0) {
		*out = s[0] == '1';
		return true;
	}
	return false;
}

static bool parse_ver(const char *s, uint32_t *v)
{
	static const char *const names[] = { "0.1", "0.2", "1.0", "1.1", "1.2", "1.3" };
	static const uint32_t vals[] = { VPSCI_VERSION_0_1, VPSCI_VERSION_0_2, VPSCI_VERSION_1_0,
					 VPSCI_VERSION_1_1, VPSCI_VERSION_1_2, VPSCI_VERSION_1_3 };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*v = vals[i];
			return true;
		}
	return false;
}

static bool parse_sha(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Read the whole file (bounded). Returns a NUL-terminated buffer or NULL. */
static char *slurp(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		vmm_log("--resume '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MACHINE_MAX_SIZE) {
		vmm_log("--resume '%s': not a regular file of at most %u bytes", path,
			MACHINE_MAX_SIZE);
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return NULL;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	buf[done] = 0;
	*len = done;
	return buf;
}

/* Store one key of the description into m. Returns NULL or what is wrong. */
static const char *set_key(struct vmm_machine *m, const char *k, const char *v)
{
	uint64_t u;

	if (strcmp(k, "reason") == 0) {
		if (strcmp(v, "SYSTEM_OFF2") != 0 && strcmp(v, "SYSTEM_OFF") != 0)
			return "reason is neither SYSTEM_OFF2 nor SYSTEM_OFF";
		snprintf(m->reason, sizeof(m->reason), "%s", v);
	} else if (strcmp(k, "psci-version") == 0) {
		if (!parse_ver(v, &m->psci_version))
			return "psci-version is not one of 0.1 0.2 1.0 1.1 1.2 1.3";
	} else if (strcmp(k, "psci-mode") == 0) {
		if (strcmp(v, "user") == 0)
			m->mode = VMM_PSCI_USER;
		else if (strcmp(v, "hybrid") == 0)
			m->mode = VMM_PSCI_HYBRID;
		else if (strcmp(v, "kernel") == 0)
			m->mode = VMM_PSCI_KERNEL;
		else
			return "psci-mode is not user, hybrid or kernel";
	} else if (strcmp(k, "conduit") == 0) {
		if (strcmp(v, "hvc") != 0 && strcmp(v, "smc") != 0)
			return "conduit is not hvc or smc";
		m->conduit = v[0] == 's' ? VPSCI_CONDUIT_SMC : VPSCI_CONDUIT_HVC;
	} else if (strcmp(k, "system-suspend") == 0) {
		if (!parse_bool(v, &m->system_suspend))
			return "system-suspend is not 0 or 1";
	} else if (strcmp(k, "machine-on-off") == 0) {
		if (!parse_bool(v, &m->machine_on_off))
			return "machine-on-off is not 0 or 1";
	} else if (strcmp(k, "gic") == 0) {
		if (strcmp(v, "2") != 0 && strcmp(v, "3") != 0)
			return "gic is not 2 or 3";
		m->gic_version = v[0] - '0';
	} else if (strcmp(k, "power-domains") == 0) {
		if (!parse_u64_str(v, &u) || u > VPSCI_MAX_PD_LEVELS)
			return "power-domains is not 0 to 3";
		m->pd_levels = (unsigned int)u;
	} else if (strcmp(k, "cpus-per-cluster") == 0) {
		if (!parse_u64_str(v, &u) || u > 16)
			return "cpus-per-cluster is not 0 to 16";
		m->cpus_per_cluster = (unsigned int)u;
	} else if (strcmp(k, "pm-features") == 0) {
		char *end;

		errno = 0;
		u = strtoull(v, &end, 16);
		if (errno || *end || !*v || u > UINT32_MAX)
			return "pm-features is not a hexadecimal flag set";
		m->pm_features = (uint32_t)u;
	} else if (strcmp(k, "cpus") == 0) {
		if (!parse_u64_str(v, &u) || u == 0 || u > MACHINE_MAX_VCPUS)
			return "cpus is not a vCPU count";
		m->cpus = (unsigned int)u;
	} else if (strcmp(k, "mpidrs") == 0) {
		char *copy, *save = NULL, *tok;
		unsigned int n = 0;

		if (!m->cpus)
			return "mpidrs before cpus";
		copy = strdup(v);
		if (!copy)
			return "out of memory";
		m->mpidrs = calloc(m->cpus, sizeof(*m->mpidrs));
		for (tok = strtok_r(copy, ",", &save); tok && m->mpidrs;
		     tok = strtok_r(NULL, ",", &save)) {
			if (n >= m->cpus || !parse_u64_str(tok, &u) || (u & ~0xff00ffffffull)) {
				free(copy);
				return "mpidrs does not list one valid MPIDR per vCPU";
			}
			m->mpidrs[n++] = u;
		}
		free(copy);
		if (!m->mpidrs || n != m->cpus)
			return "mpidrs does not list one valid MPIDR per vCPU";
	} else if (strcmp(k, "mem-mib") == 0) {
		if (!parse_u64_str(v, &u) || u == 0 || u > (1ull << 30))
			return "mem-mib is not a RAM size";
		m->mem_mib = u;
	} else if (strcmp(k, "kernel") == 0) {
		if (!*v)
			return "kernel is empty";
		m->kernel.path = strdup(v);
	} else if (strcmp(k, "kernel-size") == 0) {
		if (!parse_u64_str(v, &m->kernel.size))
			return "kernel-size is not a number";
	} else if (strcmp(k, "kernel-sha256") == 0) {
		if (!parse_sha(v))
			return "kernel-sha256 is not 64 hex digits";
		memcpy(m->kernel.sha256, v, 65);
	} else if (strcmp(k, "initrd") == 0) {
		m->initrd.path = *v ? strdup(v) : NULL;
	} else if (strcmp(k, "initrd-size") == 0) {
		if (!parse_u64_str(v, &m->initrd.size))
			return "initrd-size is not a number";
	} else if (strcmp(k, "initrd-sha256") == 0) {
		if (*v && !parse_sha(v))
			return "initrd-sha256 is not 64 hex digits";
		memcpy(m->initrd.sha256, v, strlen(v) + 1);
	} else if (strcmp(k, "append") == 0) {
		m->append = strdup(v);
	} else if (strcmp(k, "disks") == 0) {
		if (!parse_u64_str(v, &u) || u > VMM_MAX_DISKS)
			return "disks is not a disk count (0 to 4)";
		m->nr_disks = (unsigned int)u;
	} else if (strcmp(k, "engine-snapshot") == 0) {
		size_t n = strlen(v);

		if (n == 0 || n % 2)
			return "engine-snapshot is not an even number of hex digits";
		m->snap = malloc(n / 2);
		if (!m->snap)
			return "out of memory";
		for (size_t i = 0; i < n / 2; i++) {
			int hi = hexval(v[2 * i]), lo = hexval(v[2 * i + 1]);

			if (hi < 0 || lo < 0)
				return "engine-snapshot is not hex";
			m->snap[i] = (uint8_t)(hi << 4 | lo);
		}
		m->snap_len = n / 2;
	} else {
		return NULL;	/* disk<i>: the caller handles them */
	}
	return NULL;
}

/* disk<i>=PATH / disk<i>-size=N. Returns 1 if k is one, 0 if not, -1 if malformed. */
static int set_disk_key(struct vmm_machine *m, const char *k, const char *v, unsigned int *seen)
{
	char *end;
	unsigned long i;

	if (strncmp(k, "disk", 4) != 0 || k[4] < '0' || k[4] > '9')
		return 0;
	i = strtoul(k + 4, &end, 10);
	if (i >= VMM_MAX_DISKS)
		return -1;
	if (*end == 0) {
		if (!*v || (*seen & (1u << (2 * i))))
			return -1;
		*seen |= 1u << (2 * i);
		m->disks[i].path = strdup(v);
		return 1;
	}
	if (strcmp(end, "-size") == 0) {
		if (!parse_u64_str(v, &m->disks[i].size) || (*seen & (2u << (2 * i))))
			return -1;
		*seen |= 2u << (2 * i);
		return 1;
	}
	return -1;
}

/* Parse and verify a description file into m. Returns 0 or VMM_EXIT_USAGE. */
static int machine_parse(const char *path, struct vmm_machine *m)
{
	bool seen[NR_KEYS] = { false };
	unsigned int disk_seen = 0;
	size_t len;
	char *buf = slurp(path, &len), *line, *next, *crc_line;
	uint32_t want, got;
	int ret = VMM_EXIT_USAGE;
	char *end;

	if (!buf)
		return VMM_EXIT_USAGE;
	if (strlen(buf) != len) {
		ret = bad(path, "not a machine description (binary data)");
		goto out;
	}
	if (strncmp(buf, "vpsci-machine=", 14) != 0) {
		ret = bad(path, "not a vpsci-run machine description (no 'vpsci-machine=' first "
			  "line)");
		goto out;
	}
	if (strncmp(buf + 14, "1\n", 2) != 0) {
		ret = bad(path, "machine description format '%.*s' is not understood by this "
			  "vpsci-run (it reads format %d)", (int)strcspn(buf + 14, "\n"),
			  buf + 14, MACHINE_FORMAT);
		goto out;
	}
	/* The last line is crc32=XXXXXXXX over every byte before it. */
	if (len < 16 || buf[len - 1] != '\n') {
		ret = bad(path, "truncated (no final 'crc32=' line)");
		goto out;
	}
	buf[len - 1] = 0;
	crc_line = strrchr(buf, '\n');
	if (!crc_line || strncmp(crc_line + 1, "crc32=", 6) != 0) {
		ret = bad(path, "truncated (no final 'crc32=' line)");
		goto out;
	}
	crc_line++;
	errno = 0;
	want = (uint32_t)strtoul(crc_line + 6, &end, 16);
	if (errno || *end || strlen(crc_line + 6) != 8) {
		ret = bad(path, "malformed crc32 line");
		goto out;
	}
	got = crc32_buf(buf, (size_t)(crc_line - buf));
	if (got != want) {
		ret = bad(path, "checksum mismatch (crc32 %08" PRIx32 " recorded, %08" PRIx32
			  " computed): the file was changed or damaged", want, got);
		goto out;
	}
	crc_line[-1] = 0;

	for (line = strchr(buf, '\n') + 1; line && *line; line = next) {
		char *eq;
		const char *why;
		size_t k;
		int d;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		eq = strchr(line, '=');
		if (!eq) {
			ret = bad(path, "line '%.40s' is not key=value", line);
			goto out;
		}
		*eq = 0;
		d = set_disk_key(m, line, eq + 1, &disk_seen);
		if (d < 0) {
			ret = bad(path, "bad or repeated disk entry '%s'", line);
			goto out;
		}
		if (d > 0)
			continue;
		for (k = 0; k < NR_KEYS; k++)
			if (strcmp(line, machine_keys[k]) == 0)
				break;
		if (k == NR_KEYS) {
			ret = bad(path, "unknown key '%s'", line);
			goto out;
		}
		if (seen[k]) {
			ret = bad(path, "key '%s' given twice", line);
			goto out;
		}
		seen[k] = true;
		why = set_key(m, line, eq + 1);
		if (why) {
			ret = bad(path, "%s", why);
			goto out;
		}
	}
	for (size_t k = 0; k < NR_KEYS; k++)
		if (!seen[k]) {
			ret = bad(path, "key '%s' is missing", machine_keys[k]);
			goto out;
		}
	if (disk_seen != (1u << (2 * m->nr_disks)) - 1) {
		ret = bad(path, "disk entries do not match disks=%u", m->nr_disks);
		goto out;
	}
	if (!m->kernel.path || !m->append) {
		ret = bad(path, "out of memory");
		goto out;
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

/* --resume and an option together: only the recorded value is allowed. */
static int contradicts(const char *path, const char *opt, const char *given, const char *rec)
{
	return bad(path, "%s %s contradicts the hibernated machine (%s): a hibernated guest "
		   "resumes only on the machine it left; drop the option", opt, given, rec);
}

/*
 * --resume FILE: read and verify the description, refuse options that
 * contradict it, check the kernel and disks are the recorded ones, and set
 * the options from it. Runs before /dev/kvm is opened.
 * Returns 0 or VMM_EXIT_USAGE after a message.
 */
int machine_load(const char *path, struct vmm_opts *o)
{
	struct vmm_machine *m = &resumed;
	char a[32], b[32], hex[65];
	uint64_t size;
	int r;

	r = machine_parse(path, m);
	if (r)
		return r;

	if ((o->given & VMM_GIVEN_CPUS) && o->cpus != m->cpus) {
		snprintf(a, sizeof(a), "%u", o->cpus);
		snprintf(b, sizeof(b), "%u vCPUs", m->cpus);
		return contradicts(path, "--cpus", a, b);
	}
	if ((o->given & VMM_GIVEN_PSCI_VERSION) && o->psci_version != m->psci_version) {
		version_str(o->psci_version, a, sizeof(a));
		version_str(m->psci_version, b, sizeof(b));
		return contradicts(path, "--psci-version", a, b);
	}
	if ((o->given & VMM_GIVEN_MEM) && o->mem_mib != m->mem_mib) {
		snprintf(a, sizeof(a), "%" PRIu64, o->mem_mib);
		snprintf(b, sizeof(b), "%" PRIu64 " MiB", m->mem_mib);
		return contradicts(path, "--mem", a, b);
	}
	if (o->mode_set && o->mode != m->mode)
		return contradicts(path, "--psci", psci_mode_name(o->mode), psci_mode_name(m->mode));
	if ((o->given & VMM_GIVEN_CONDUIT) && o->conduit != m->conduit)
		return contradicts(path, "--conduit", o->conduit == VPSCI_CONDUIT_SMC ? "smc" : "hvc",
				   m->conduit == VPSCI_CONDUIT_SMC ? "smc" : "hvc");
	if (o->pm.pd_levels || o->pm.cpus_per_cluster || o->pm.features || o->pm.features_all) {
		if (o->pm.pd_levels != m->pd_levels ||
		    o->pm.cpus_per_cluster != m->cpus_per_cluster ||
		    (!o->pm.features_all && o->pm.features != m->pm_features) ||
		    o->pm.features_all)
			return contradicts(path, "--power-domains/--cpus-per-cluster/--pm-features",
					   "", "the recorded power domains and PSCI features");
	}
	if ((o->given & VMM_GIVEN_SYSTEM_SUSPEND) && o->system_suspend != m->system_suspend)
		return contradicts(path, o->system_suspend ? "--system-suspend" :
				   "--no-system-suspend", "", m->system_suspend ?
				   "SYSTEM_SUSPEND offered" : "no SYSTEM_SUSPEND");
	if ((o->given & VMM_GIVEN_KERNEL) && strcmp(o->kernel, m->kernel.path) != 0) {
		char *p = abs_path(o->kernel);
		bool same = p && strcmp(p, m->kernel.path) == 0;

		free(p);
		if (!same)
			return contradicts(path, "--kernel", o->kernel, m->kernel.path);
	}
	if ((o->given & VMM_GIVEN_INITRD) &&
	    (!m->initrd.path || strcmp(o->initrd, m->initrd.path) != 0)) {
		char *p = abs_path(o->initrd);
		bool same = p && m->initrd.path && strcmp(p, m->initrd.path) == 0;

		free(p);
		if (!same)
			return contradicts(path, "--initrd", o->initrd,
					   m->initrd.path ? m->initrd.path : "no initrd");
	}
	if ((o->given & VMM_GIVEN_APPEND) && strcmp(o->append, m->append) != 0)
		return contradicts(path, "--append", "(a different command line)", m->append);
	if (o->given & VMM_GIVEN_DISK) {
		bool same = o->nr_disks == m->nr_disks;

		for (unsigned int i = 0; same && i < o->nr_disks; i++) {
			char *p = abs_path(o->disks[i].path);

			same = p && strcmp(p, m->disks[i].path) == 0;
			free(p);
		}
		if (!same)
			return contradicts(path, "--disk", "(other disks)", "its recorded disks");
	}

	/* A hibernated Linux image resumes only under the kernel that wrote it. */
	if (file_digest(m->kernel.path, &size, hex) < 0)
		return bad(path, "recorded kernel '%s': %s", m->kernel.path, strerror(errno));
	if (size != m->kernel.size || strcmp(hex, m->kernel.sha256) != 0)
		return bad(path, "recorded kernel '%s' has changed since the guest hibernated "
			   "(sha256 %.16s..., recorded %.16s...): the hibernation image can only "
			   "be resumed by the kernel that wrote it", m->kernel.path, hex,
			   m->kernel.sha256);
	if (m->initrd.path) {
		if (file_digest(m->initrd.path, &size, hex) < 0)
			return bad(path, "recorded initrd '%s': %s", m->initrd.path,
				   strerror(errno));
		if (size != m->initrd.size || strcmp(hex, m->initrd.sha256) != 0)
			vmm_log("--resume '%s': warning: initrd '%s' has changed since the guest "
				"hibernated; it only has to find the disk and load the image",
				path, m->initrd.path);
	}
	for (unsigned int i = 0; i < m->nr_disks; i++) {
		struct stat st;

		if (stat(m->disks[i].path, &st) < 0)
			return bad(path, "recorded disk '%s': %s", m->disks[i].path,
				   strerror(errno));
		if ((uint64_t)st.st_size != m->disks[i].size)
			return bad(path, "recorded disk '%s' is %" PRIu64 " bytes now, %" PRIu64
				   " when the guest hibernated", m->disks[i].path,
				   (uint64_t)st.st_size, m->disks[i].size);
	}

	o->kernel = m->kernel.path;
	o->initrd = m->initrd.path;
	o->append = m->append;
	o->cpus = m->cpus;
	o->mem_mib = m->mem_mib;
	o->mode = m->mode;
	o->mode_set = true;
	o->psci_version = m->psci_version;
	o->conduit = m->conduit;
	o->system_suspend = m->system_suspend;
	o->machine_on_off = o->machine_on_off || m->machine_on_off;
	/* The engine comes from its snapshot; these shape the vCPUs and the DT. */
	o->pm.pd_levels = m->pd_levels;
	o->pm.cpus_per_cluster = m->cpus_per_cluster;
	o->pm.features = m->pm_features;
	o->pm.features_all = false;
	o->nr_disks = 0;
	for (unsigned int i = 0; i < m->nr_disks; i++)
		if (disk_add(o, m->disks[i].path) < 0)
			return VMM_EXIT_USAGE;
	o->resume = m;
	return 0;
}

const void *machine_engine_snapshot(const struct vmm_machine *m, size_t *len)
{
	*len = m->snap_len;
	return m->snap;
}

/*
 * After the engine was created from the recorded snapshot: the engine and
 * KVM must agree with the description (version, vCPUs, MPIDRs, GIC), else
 * the guest would wake up on a different machine. Returns 0 or VMM_EXIT_*.
 */
int machine_check_engine(const struct vmm *vm)
{
	const struct vmm_machine *m = vm->opts->resume;
	char a[16], b[16];

	if (!m)
		return 0;
	if (vpsci_version(vm->psci) != m->psci_version || vm->psci_version != m->psci_version) {
		version_str(vpsci_version(vm->psci), a, sizeof(a));
		version_str(m->psci_version, b, sizeof(b));
		vmm_log("--resume: the engine snapshot says PSCI %s, the description %s", a, b);
		return VMM_EXIT_USAGE;
	}
	if (vpsci_nr_vcpus(vm->psci) != m->cpus) {
		vmm_log("--resume: the engine snapshot has %" PRIu32 " vCPUs, the description %u",
			vpsci_nr_vcpus(vm->psci), m->cpus);
		return VMM_EXIT_USAGE;
	}
	for (unsigned int i = 0; i < m->cpus; i++)
		if (vm->vcpus[i].mpidr != m->mpidrs[i] ||
		    vpsci_vcpu_mpidr(vm->psci, i) != m->mpidrs[i]) {
			vmm_log("--resume: vCPU %u has MPIDR 0x%" PRIx64 " here, 0x%" PRIx64
				" when the guest hibernated", i, vm->vcpus[i].mpidr, m->mpidrs[i]);
			return VMM_EXIT_HOST;
		}
	if (vm->gic_version != m->gic_version) {
		vmm_log("--resume: this host offers a GICv%d, the guest hibernated with a GICv%d",
			vm->gic_version, m->gic_version);
		return VMM_EXIT_HOST;
	}
	return 0;
}
