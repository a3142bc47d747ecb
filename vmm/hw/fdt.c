// SPDX-License-Identifier: BSD-2-Clause
/*
 * The guest's device tree, built with libfdt: QEMU virt's layout (memory,
 * chosen, GIC, architected timer, PL011 and its clock), then the cpus and
 * psci nodes written by libvpsci-fdt from the engine itself, so the tree
 * always says what vpsci_call() (or, in kernel mode, KVM) will answer.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/random.h>

#include <libfdt.h>

#include <vpsci/vpsci_fdt.h>

#include "vmm.h"

#define PHANDLE_GIC		1
#define PHANDLE_CLK		2

/* DT interrupt specifier (Linux bindings arm,gic*.yaml) */
#define GIC_FDT_SPI		0
#define GIC_FDT_PPI		1
#define IRQ_LEVEL_HIGH		4

/* Architected timer PPIs, as on QEMU virt: secure, non-secure, virtual, hyp */
static const uint32_t timer_ppis[4] = { 13, 14, 11, 10 };

struct fdt_ctx {
	void *fdt;
	int err;
	const char *where;
};

static void check(struct fdt_ctx *c, int r, const char *where)
{
	if (r < 0 && !c->err) {
		c->err = r;
		c->where = where;
	}
}

static int subnode(struct fdt_ctx *c, int parent, const char *name)
{
	int n = fdt_add_subnode(c->fdt, parent, name);

	check(c, n, name);
	return n < 0 ? 0 : n;
}

/* Set a property of 'count' 32-bit cells. */
static void cells(struct fdt_ctx *c, int node, const char *name, unsigned int count, ...)
{
	fdt32_t v[16];
	va_list ap;

	assert(count <= 16);
	va_start(ap, count);
	/*
	 * NOLINT: clang-analyzer does not model AArch64's va_list (a struct)
	 * when cross-checking and calls it uninitialized after va_start().
	 */
	for (unsigned int i = 0; i < count; i++)
		v[i] = cpu_to_fdt32(va_arg(ap, uint32_t)); // NOLINT(clang-analyzer-valist.Uninitialized)
	va_end(ap);
	check(c, fdt_setprop(c->fdt, node, name, v, (int)(count * sizeof(v[0]))), name);
}

/* reg = <base size> pairs, 2 address and 2 size cells each. */
static void reg64(struct fdt_ctx *c, int node, unsigned int pairs, const uint64_t *vals)
{
	fdt64_t v[8];

	assert(pairs <= 4);
	for (unsigned int i = 0; i < 2 * pairs; i++)
		v[i] = cpu_to_fdt64(vals[i]);
	check(c, fdt_setprop(c->fdt, node, "reg", v, (int)(2 * (size_t)pairs * sizeof(v[0]))), "reg");
}

static void str(struct fdt_ctx *c, int node, const char *name, const char *val)
{
	check(c, fdt_setprop_string(c->fdt, node, name, val), name);
}

static void u32p(struct fdt_ctx *c, int node, const char *name, uint32_t val)
{
	check(c, fdt_setprop_u32(c->fdt, node, name, val), name);
}

static void empty(struct fdt_ctx *c, int node, const char *name)
{
	check(c, fdt_setprop(c->fdt, node, name, NULL, 0), name);
}

/* A list of strings as one property ("a\0b\0"). */
static void strs(struct fdt_ctx *c, int node, const char *name, const char *a, const char *b)
{
	char buf[128];
	size_t la = strlen(a) + 1, lb = strlen(b) + 1;

	memcpy(buf, a, la);
	memcpy(buf + la, b, lb);
	check(c, fdt_setprop(c->fdt, node, name, buf, (int)(la + lb)), name);
}

static void add_gic(struct fdt_ctx *c, const struct vmm *vm)
{
	int n;

	if (vm->gic_version == 3) {
		uint64_t r[6] = { VMM_GIC_DIST_BASE, VMM_GIC_DIST_SIZE, VMM_GIC_REDIST_BASE, 0,
				  VMM_GIC_REDIST2_BASE, 0 };
		unsigned int low = (unsigned int)(VMM_GIC_REDIST_SIZE / VMM_GIC_REDIST_STRIDE);
		unsigned int nlow = vm->nr_vcpus < low ? vm->nr_vcpus : low;

		r[3] = nlow * VMM_GIC_REDIST_STRIDE;
		r[5] = (vm->nr_vcpus - nlow) * VMM_GIC_REDIST_STRIDE;
		n = subnode(c, 0, "intc@8000000");
		str(c, n, "compatible", "arm,gic-v3");
		u32p(c, n, "#redistributor-regions", nlow < vm->nr_vcpus ? 2 : 1);
		reg64(c, n, nlow < vm->nr_vcpus ? 3 : 2, r);
	} else {
		uint64_t r[4] = { VMM_GIC_DIST_BASE, VMM_GIC_DIST_SIZE, VMM_GIC_CPU_BASE,
				  VMM_GIC_CPU_SIZE };

		n = subnode(c, 0, "intc@8000000");
		str(c, n, "compatible", "arm,cortex-a15-gic");
		reg64(c, n, 2, r);
	}
	u32p(c, n, "#interrupt-cells", 3);
	empty(c, n, "interrupt-controller");
	u32p(c, n, "#address-cells", 2);
	u32p(c, n, "#size-cells", 2);
	empty(c, n, "ranges");
	u32p(c, n, "phandle", PHANDLE_GIC);
}

static void add_timer(struct fdt_ctx *c, const struct vmm *vm)
{
	uint32_t flags = IRQ_LEVEL_HIGH;
	fdt32_t v[12];
	int n;

	/* GICv2 PPI specifiers carry a CPU mask in bits [15:8]. */
	if (vm->gic_version == 2)
		flags |= ((1u << vm->nr_vcpus) - 1) << 8;
	for (int i = 0; i < 4; i++) {
		v[3 * (size_t)i] = cpu_to_fdt32(GIC_FDT_PPI);
		v[3 * (size_t)i + 1] = cpu_to_fdt32(timer_ppis[i]);
		v[3 * (size_t)i + 2] = cpu_to_fdt32(flags);
	}
	n = subnode(c, 0, "timer");
	strs(c, n, "compatible", "arm,armv8-timer", "arm,armv7-timer");
	check(c, fdt_setprop(c->fdt, n, "interrupts", v, sizeof(v)), "interrupts");
	empty(c, n, "always-on");
}

static void add_uart(struct fdt_ctx *c)
{
	uint64_t r[2] = { VMM_UART_BASE, VMM_UART_SIZE };
	int n;

	n = subnode(c, 0, "apb-pclk");
	str(c, n, "compatible", "fixed-clock");
	u32p(c, n, "#clock-cells", 0);
	u32p(c, n, "clock-frequency", 24000000);
	str(c, n, "clock-output-names", "clk24mhz");
	u32p(c, n, "phandle", PHANDLE_CLK);

	n = subnode(c, 0, "pl011@9000000");
	strs(c, n, "compatible", "arm,pl011", "arm,primecell");
	reg64(c, n, 1, r);
	cells(c, n, "interrupts", 3, GIC_FDT_SPI, VMM_UART_SPI, IRQ_LEVEL_HIGH);
	cells(c, n, "clocks", 2, PHANDLE_CLK, PHANDLE_CLK);
	strs(c, n, "clock-names", "uartclk", "apb_pclk");
}

/*
 * Write the DTB for one boot into buf (guest RAM). initrd_end == 0: none.
 * Returns 0 or -1 after naming the libfdt call that failed.
 */
int fdt_build(struct vmm *vm, void *buf, size_t size, uint64_t initrd_start,
	      uint64_t initrd_end)
{
	struct fdt_ctx c = { .fdt = buf };
	uint64_t mem[2] = { VMM_RAM_BASE, vm->ram_size };
	uint8_t seed[64];
	int r, n, ferr = 0;

	r = fdt_create_empty_tree(buf, (int)size);
	if (r < 0) {
		vmm_log("fdt_create_empty_tree: %s", fdt_strerror(r));
		return -1;
	}
	str(&c, 0, "compatible", "linux,dummy-virt");
	str(&c, 0, "model", "vpsci-run");
	u32p(&c, 0, "#address-cells", 2);
	u32p(&c, 0, "#size-cells", 2);
	u32p(&c, 0, "interrupt-parent", PHANDLE_GIC);

	n = subnode(&c, 0, "chosen");
	str(&c, n, "bootargs", vm->opts->append ? vm->opts->append : "");
	str(&c, n, "stdout-path", "/pl011@9000000");
	if (initrd_end) {
		check(&c, fdt_setprop_u64(c.fdt, n, "linux,initrd-start", initrd_start), "initrd");
		check(&c, fdt_setprop_u64(c.fdt, n, "linux,initrd-end", initrd_end), "initrd");
	}
	/* Entropy for the guest's early RNG; a boot never waits for it. */
	if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
		check(&c, fdt_setprop(c.fdt, n, "rng-seed", seed, sizeof(seed)), "rng-seed");

	n = subnode(&c, 0, "aliases");
	str(&c, n, "serial0", "/pl011@9000000");

	n = subnode(&c, 0, "memory@40000000");
	str(&c, n, "device_type", "memory");
	reg64(&c, n, 1, mem);

	add_gic(&c, vm);
	add_timer(&c, vm);
	add_uart(&c);
	if (c.err) {
		vmm_log("device tree: setting '%s' failed: %s", c.where, fdt_strerror(c.err));
		return -1;
	}
	r = rtc_fdt_add(buf, PHANDLE_CLK);
	if (r < 0) {
		vmm_log("device tree: the PL031 RTC node: %s", fdt_strerror(r));
		return -1;
	}
	r = disk_fdt_add(vm, buf);
	if (r < 0) {
		vmm_log("device tree: pmem-region node for --disk: %s", fdt_strerror(r));
		return -1;
	}

	r = vpsci_fdt_add_cpus(vm->psci, buf, &ferr);
	if (r == 0)
		r = vpsci_fdt_add_psci(vm->psci, buf, &ferr);
	if (r < 0) {
		vmm_log("device tree: vpsci_fdt_add_%s: %s (%s)", ferr ? "cpus/psci" : "?",
			vpsci_strerror(r), ferr ? fdt_strerror(ferr) : "-");
		return -1;
	}
	if (pm_fdt(vm, buf) < 0)
		return -1;
	r = fdt_pack(buf);
	if (r < 0) {
		vmm_log("fdt_pack: %s", fdt_strerror(r));
		return -1;
	}
	return 0;
}
