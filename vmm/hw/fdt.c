// SPDX-License-Identifier: BSD-2-Clause
/*
 * The guest's device tree, built with libfdt: QEMU virt's layout (chosen,
 * memory, then each registered device's own node: GIC, architected timer,
 * PL011 and its clock, PL031, pmem disks), then the cpus and psci nodes
 * written by libvpsci-fdt from the engine itself, so the tree always says
 * what vpsci_call() (or, in kernel mode, KVM) will answer. Also the
 * sticky-error helpers the devices build their nodes with.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/random.h>

#include <libfdt.h>

#include <vpsci/vpsci_fdt.h>

#include "hw/hw.h"
#include "log.h"
#include "vmm.h"

void hw_fdt_check(struct hw_fdt *c, int r, const char *where)
{
	if (r < 0 && !c->err) {
		c->err = r;
		c->where = where;
	}
}

int hw_fdt_subnode(struct hw_fdt *c, int parent, const char *name)
{
	int n = fdt_add_subnode(c->fdt, parent, name);

	hw_fdt_check(c, n, name);
	return n < 0 ? 0 : n;
}

/* Set a property of 'count' 32-bit cells. */
void hw_fdt_cells(struct hw_fdt *c, int node, const char *name, unsigned int count, ...)
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
	hw_fdt_check(c, fdt_setprop(c->fdt, node, name, v, (int)(count * sizeof(v[0]))), name);
}

/* reg = <base size> pairs, 2 address and 2 size cells each. */
void hw_fdt_reg64(struct hw_fdt *c, int node, unsigned int pairs, const uint64_t *vals)
{
	fdt64_t v[8];

	assert(pairs <= 4);
	for (unsigned int i = 0; i < 2 * pairs; i++)
		v[i] = cpu_to_fdt64(vals[i]);
	hw_fdt_check(c, fdt_setprop(c->fdt, node, "reg", v, (int)(2 * (size_t)pairs * sizeof(v[0]))),
		     "reg");
}

void hw_fdt_str(struct hw_fdt *c, int node, const char *name, const char *val)
{
	hw_fdt_check(c, fdt_setprop_string(c->fdt, node, name, val), name);
}

void hw_fdt_u32(struct hw_fdt *c, int node, const char *name, uint32_t val)
{
	hw_fdt_check(c, fdt_setprop_u32(c->fdt, node, name, val), name);
}

void hw_fdt_empty(struct hw_fdt *c, int node, const char *name)
{
	hw_fdt_check(c, fdt_setprop(c->fdt, node, name, NULL, 0), name);
}

/* A list of two strings as one property ("a\0b\0"). */
void hw_fdt_strs(struct hw_fdt *c, int node, const char *name, const char *a, const char *b)
{
	char buf[128];
	size_t la = strlen(a) + 1, lb = strlen(b) + 1;

	assert(la + lb <= sizeof(buf));
	memcpy(buf, a, la);
	memcpy(buf + la, b, lb);
	hw_fdt_check(c, fdt_setprop(c->fdt, node, name, buf, (int)(la + lb)), name);
}

/* /chosen and /aliases point at the console device's node, "/<name>@<base>". */
static void add_chosen(struct hw_fdt *c, const struct vmm *vm, uint64_t initrd_start,
		       uint64_t initrd_end, const char *console)
{
	uint8_t seed[64];
	int n;

	n = hw_fdt_subnode(c, 0, "chosen");
	hw_fdt_str(c, n, "bootargs", vm->opts->append ? vm->opts->append : "");
	if (console)
		hw_fdt_str(c, n, "stdout-path", console);
	if (initrd_end) {
		hw_fdt_check(c, fdt_setprop_u64(c->fdt, n, "linux,initrd-start", initrd_start),
			     "initrd");
		hw_fdt_check(c, fdt_setprop_u64(c->fdt, n, "linux,initrd-end", initrd_end), "initrd");
	}
	/* Entropy for the guest's early RNG; a boot never waits for it. */
	if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
		hw_fdt_check(c, fdt_setprop(c->fdt, n, "rng-seed", seed, sizeof(seed)), "rng-seed");
	if (console) {
		n = hw_fdt_subnode(c, 0, "aliases");
		hw_fdt_str(c, n, "serial0", console);
	}
}

/*
 * Write the DTB for one boot into buf (guest RAM). initrd_end == 0: none.
 * The nodes of the devices come from the devices themselves, in the
 * registry's order. Returns 0 or -1 after naming what failed.
 */
int fdt_build(struct vmm *vm, void *buf, size_t size, uint64_t initrd_start,
	      uint64_t initrd_end)
{
	const struct vmm_device *con = vmm_devices_console(vm->devices);
	struct hw_fdt c = { .fdt = buf };
	uint64_t mem[2] = { VMM_RAM_BASE, vm->ram_size };
	char console[64];
	int r, n, ferr = 0;

	r = fdt_create_empty_tree(buf, (int)size);
	if (r < 0) {
		vmm_log("fdt_create_empty_tree: %s", fdt_strerror(r));
		return -1;
	}
	hw_fdt_str(&c, 0, "compatible", "linux,dummy-virt");
	hw_fdt_str(&c, 0, "model", "vpsci-run");
	hw_fdt_u32(&c, 0, "#address-cells", 2);
	hw_fdt_u32(&c, 0, "#size-cells", 2);
	hw_fdt_u32(&c, 0, "interrupt-parent", HW_PHANDLE_GIC);
	if (con)
		snprintf(console, sizeof(console), "/%s@%" PRIx64, con->ops->name, con->mmio_base);
	add_chosen(&c, vm, initrd_start, initrd_end, con ? console : NULL);

	n = hw_fdt_subnode(&c, 0, "memory@40000000");
	hw_fdt_str(&c, n, "device_type", "memory");
	hw_fdt_reg64(&c, n, 1, mem);
	if (c.err) {
		vmm_log("device tree: setting '%s' failed: %s", c.where, fdt_strerror(c.err));
		return -1;
	}
	if (vmm_devices_fdt(vm->devices, vm, buf) < 0)
		return -1;

	r = vpsci_fdt_add_cpus(vm->psci, buf, &ferr);
	if (r == 0)
		r = vpsci_fdt_add_psci(vm->psci, buf, &ferr);
	if (r < 0) {
		vmm_log("device tree: vpsci_fdt_add_%s: %s (%s)", ferr ? "cpus/psci" : "?",
			vpsci_strerror(r), ferr ? fdt_strerror(ferr) : "-");
		return -1;
	}
	/* --power-domains: /cpus/idle-states and the /psci power domains, after cpus and psci. */
	r = vm->opts->pm.pd_levels ? vpsci_fdt_add_idle_states(vm->psci, buf, &ferr) : 0;
	if (r < 0) {
		vmm_log("device tree: vpsci_fdt_add_idle_states: %s (%s)", vpsci_strerror(r),
			ferr ? fdt_strerror(ferr) : "-");
		return -1;
	}
	r = fdt_pack(buf);
	if (r < 0) {
		vmm_log("fdt_pack: %s", fdt_strerror(r));
		return -1;
	}
	return 0;
}
