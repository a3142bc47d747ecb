// SPDX-License-Identifier: BSD-2-Clause
/*
 * vpsci-run's command line on the host (vmm/options.c, util/names.c,
 * util/parse.c): --help is byte-for-byte tests/options/help.txt, every
 * option spelling parses to what it should, every bad one exits with the
 * documented status and message, and every listed option is documented in
 * docs/vpsci-run.md. Prints one "ok"/"not ok" line per check; exit status 0
 * only if all passed.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "status.h"

static int failed, count;

static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	count++;
	failed += !ok;
	printf("%s %d - ", ok ? "ok" : "not ok", count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* The whole of file f from the start, NUL-terminated (caller frees). */
static char *slurp(FILE *f)
{
	long n;
	char *buf;

	fflush(f);
	n = ftell(f);
	buf = calloc(1, (size_t)n + 1);
	if (!buf)
		exit(2);
	rewind(f);
	if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	return buf;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;

	if (!f) {
		perror(path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	buf = slurp(f);
	fclose(f);
	return buf;
}

/*
 * Parse "args" (space-separated) as vpsci-run would, then check the
 * combinations. Returns the status (VMM_GO_ON to run); stderr in *err.
 */
static int run(const char *args, struct options *o, char **err)
{
	char *buf = strdup(args), *argv[32], *save = NULL;	/* the values point into it: kept */
	int argc = 0, r, saved = dup(STDERR_FILENO);
	FILE *tmp = tmpfile();

	if (!buf)
		exit(2);
	argv[argc++] = "vpsci-run";
	for (char *t = strtok_r(buf, " ", &save); t && argc < 31; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	fflush(stderr);
	dup2(fileno(tmp), STDERR_FILENO);
	optind = 0;	/* glibc: 0 also resets a half-read "-vv" cluster */
	options_init(o);
	r = options_parse(o, argc, argv);
	if (r == VMM_GO_ON)
		r = options_check(o);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	*err = slurp(tmp);
	fclose(tmp);
	return r;
}

/* A bad command line: status 1 and a message containing 'msg'. */
static void refused(const char *args, const char *msg)
{
	struct options o;
	char *err;
	int r = run(args, &o, &err);

	check(r == VMM_EXIT_USAGE && strstr(err, msg), "'%s' -> status 1, \"%s\" (got %d, \"%.80s\")",
	      args, msg, r, err);
	free(err);
}

static struct options accepted(const char *args)
{
	struct options o;
	char *err;
	int r = run(args, &o, &err);

	check(r == VMM_GO_ON && !*err, "'%s' accepted (got %d, \"%.80s\")", args, r, err);
	free(err);
	return o;
}

static void test_help(const char *golden)
{
	FILE *tmp = tmpfile();
	char *got, *want = read_file(golden);

	options_usage(tmp);
	got = slurp(tmp);
	fclose(tmp);
	check(strcmp(got, want) == 0, "--help is %s byte for byte", golden);
	free(got);
	free(want);
}

/* Every "--name" that --help lists appears in the manual. */
static void test_documented(const char *manual)
{
	FILE *tmp = tmpfile();
	char *help, *doc = read_file(manual), *p;
	int missing = 0;

	options_usage(tmp);
	help = slurp(tmp);
	fclose(tmp);
	for (p = strstr(help, "  --"); p; p = strstr(p + 1, "  --")) {
		char name[40];
		size_t n = strcspn(p + 2, " =\n");

		if (n >= sizeof(name))
			continue;
		memcpy(name, p + 2, n);
		name[n] = 0;
		if (!strstr(doc, name)) {
			printf("# %s: not in %s\n", name, manual);
			missing++;
		}
	}
	check(missing == 0, "every option of --help is in %s", manual);
	free(help);
	free(doc);
}

static void test_values(void)
{
	struct options o;

	o = accepted("-kernel K -smp 4 -append x -initrd I");
	check(o.m.cpus == 4 && !strcmp(o.m.kernel, "K") && !strcmp(o.m.append, "x") &&
	      !strcmp(o.m.initrd, "I"), "QEMU's single-dash spellings");
	o = accepted("--smp cpus=3,sockets=1 -k K -m 2G");
	check(o.m.cpus == 3 && o.m.mem_mib == 2048, "-smp cpus=3,... and -m 2G");
	o = accepted("-k K --psci hybrid --psci-version=1.1 --conduit=smc -vv");
	check(o.m.mode == VMM_PSCI_HYBRID && o.m.mode_set && o.m.psci_version == VPSCI_VERSION_1_1 &&
	      o.m.conduit == VPSCI_CONDUIT_SMC && o.run.verbose == 2, "mode, version, conduit, -vv");
	o = accepted("-k K --power-domains=cluster --cpus-per-cluster=4 --pm-features=osi,stat");
	check(o.m.pm.pd_levels == 2 && o.m.pm.cpus_per_cluster == 4 &&
	      o.m.pm.features == (VPSCI_CFG_OSI | VPSCI_CFG_STAT), "power management options");
	o = accepted("-k K --no-system-suspend --params p --disk a --disk b");
	check(!o.m.system_suspend && !strcmp(o.m.append, "p") && o.m.nr_disks == 2 &&
	      (o.m.given & VMM_F_SYSTEM_SUSPEND) && (o.m.given & VMM_F_APPEND) &&
	      (o.m.given & VMM_F_DISKS), "--no-system-suspend, --params, --disk and their bits");
	o = accepted("--restore r --snapshot-abi 2 --events e --dump-dtb d --kvm-device /dev/null");
	check(!strcmp(o.m.restore_path, "r") && o.m.snapshot_abi == 2 &&
	      !strcmp(o.run.events_path, "e") && !strcmp(o.run.dump_dtb, "d") &&
	      !strcmp(o.run.kvm_device, "/dev/null"), "run settings");
	o = accepted("-k K");
	check(o.m.cpus == 1 && o.m.mem_mib == 512 && o.m.system_suspend &&
	      o.m.conduit == VPSCI_CONDUIT_HVC && !strcmp(o.run.kvm_device, "/dev/kvm") &&
	      o.m.given == VMM_F_KERNEL, "defaults");
}

static void test_refused(void)
{
	refused("", "no kernel: give --kernel IMAGE");
	refused("--frobnicate -k K", "unknown option '--frobnicate'");
	refused("-x", "unknown option '-x'");
	refused("-k", "option '-k' needs an argument");
	refused("-k K extra", "unexpected argument 'extra'");
	refused("--psci=magic -k K", "expected user, hybrid or kernel");
	refused("--psci-version=2.0 -k K", "expected 0.1, 0.2, 1.0, 1.1, 1.2 or 1.3");
	refused("--conduit=x -k K", "expected hvc or smc");
	refused("-k K -c 0", "expected a vCPU count from 1 to");
	refused("-k K -m 0", "expected a size in MiB");
	refused("-k K -m +5", "expected a size in MiB");
	refused("--max-reboots -1 -k K", "expected a count");
	refused("--snapshot-abi 0 -k K", "expected a number");
	refused("--cpus-per-cluster=17 -k K", "expected 1 to 16");
	refused("--power-domains=soc -k K", "expected cpu, cluster or system");
	refused("--pm-features=foo -k K", "unknown feature 'foo'");
	refused("--disk a --disk b --disk c --disk d --disk e -k K", "too many disks");
	refused("--resume a --restore b", "--resume and --restore: give one");
	refused("--machine-on-off -k K", "--machine-on-off needs --machine FILE");
	refused("--snapshot-continue -k K", "--snapshot-continue needs --snapshot FILE");
	refused("--snapshot s --psci=kernel -k K", "--snapshot needs --psci=user");
	refused("--snapshot s --disk d -k K", "VMs with a --disk cannot be snapshotted");
	refused("--system-suspend --psci-version=0.2 -k K", "--system-suspend needs PSCI 1.0");
}

int main(int argc, char **argv)
{
	struct options o;
	char *err;
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: test_options HELP-GOLDEN MANUAL\n");
		return 2;
	}
	test_help(argv[1]);
	test_documented(argv[2]);
	{
		int out = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);

		fflush(stdout);
		dup2(null, STDOUT_FILENO);	/* the text itself was checked above */
		r = run("--help", &o, &err);
		fflush(stdout);
		dup2(out, STDOUT_FILENO);
		close(out);
		close(null);
		check(r == VMM_EXIT_OFF && !*err, "--help exits 0, nothing on stderr");
		free(err);
	}
	test_values();
	test_refused();
	printf("# %d checks, %d failed\n", count, failed);
	return failed ? 1 : 0;
}
