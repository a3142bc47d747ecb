/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the suite learns from the device tree, through libfdt only: the PSCI
 * method and compatible (/psci), the CPUs' MPIDRs (/cpus/cpu@*: reg), RAM
 * (device_type = "memory"), the console (/chosen/stdout-path or the first
 * PL011/16550), the GICv3 and timer PPI, idle states and /chosen/bootargs.
 */
#include <libfdt.h>

#include "gt.h"

struct gt_platform gt_plat;

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	while (cells-- > 0)
		v = (v << 32) | fdt32_to_cpu(*p++);
	return v;
}

/* First "reg" entry of a node, with its parent's cell sizes. */
static int node_reg(const void *fdt, int node, int idx, uint64_t *addr, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac, sc, len;
	const fdt32_t *reg;

	if (parent < 0)
		return parent;
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	if (ac < 0 || sc < 0)
		return -FDT_ERR_BADNCELLS;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return len;
	if (len < (idx + 1) * (ac + sc) * 4)
		return -FDT_ERR_NOTFOUND;
	reg += idx * (ac + sc);
	*addr = read_cells(reg, ac);
	if (size)
		*size = read_cells(reg + ac, sc);
	return 0;
}

static int parse_psci(const void *fdt)
{
	int node = fdt_path_offset(fdt, "/psci");
	const char *m;
	int len, i, n;

	if (node < 0)
		return node;
	m = fdt_getprop(fdt, node, "method", &len);
	if (!m || len < 2)
		return -FDT_ERR_NOTFOUND;
	snprintf(gt_plat.method, sizeof(gt_plat.method), "%s", m);
	n = fdt_stringlist_count(fdt, node, "compatible");
	for (i = 0; i < n; i++) {
		const char *c = fdt_stringlist_get(fdt, node, "compatible", i, NULL);
		size_t used = strlen(gt_plat.compatible);

		if (!c)
			break;
		snprintf(gt_plat.compatible + used, sizeof(gt_plat.compatible) - used, "%s%s",
			 used ? ", " : "", c);
		if (!strcmp(c, "arm,psci-1.0"))
			gt_plat.compat_1_0 = true;
		else if (!strcmp(c, "arm,psci-0.2"))
			gt_plat.compat_0_2 = true;
		else if (!strcmp(c, "arm,psci"))
			gt_plat.compat_0_1 = true;
	}
	return 0;
}

static int parse_cpus(const void *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	int node, ac;

	if (cpus < 0)
		return cpus;
	ac = fdt_address_cells(fdt, cpus);
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const fdt32_t *reg;
		int len;

		if (!type || strcmp(type, "cpu"))
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || len < ac * 4)
			continue;
		if (gt_plat.nr_cpus < GT_MAX_CPUS)
			gt_boot.mpidr[gt_plat.nr_cpus++] =
				read_cells(reg, ac) & GT_MPIDR_AFF_MASK;
		gt_plat.nr_cpus_dt++;
	}
	gt_boot.nr_cpus = gt_plat.nr_cpus;
	return gt_plat.nr_cpus ? 0 : -FDT_ERR_NOTFOUND;
}

static void parse_memory(const void *fdt)
{
	int node = -1;

	for (;;) {
		int i;

		node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory", 7);
		if (node < 0)
			break;
		for (i = 0; gt_plat.nr_mem < GT_MAX_MEM; i++) {
			uint64_t b, s;

			if (node_reg(fdt, node, i, &b, &s) < 0)
				break;
			if (!s)
				continue;
			gt_plat.mem_base[gt_plat.nr_mem] = b;
			gt_plat.mem_size[gt_plat.nr_mem++] = s;
		}
	}
}

static int uart_kind_of(const void *fdt, int node)
{
	if (!fdt_node_check_compatible(fdt, node, "arm,pl011"))
		return GT_UART_PL011;
	if (!fdt_node_check_compatible(fdt, node, "ns16550a") ||
	    !fdt_node_check_compatible(fdt, node, "ns16550") ||
	    !fdt_node_check_compatible(fdt, node, "snps,dw-apb-uart"))
		return GT_UART_8250;
	return GT_UART_NONE;
}

int gt_dt_find_uart(const void *fdt)
{
	const char *path = NULL;
	int chosen = fdt_path_offset(fdt, "/chosen");
	int node = -1, len;
	const fdt32_t *shift;

	if (chosen >= 0)
		path = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (path) {
		const char *colon = strchr(path, ':');

		node = fdt_path_offset_namelen(fdt, path,
					       colon ? (int)(colon - path) : (int)strlen(path));
		if (node >= 0 && uart_kind_of(fdt, node) == GT_UART_NONE)
			node = -1;
	}
	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "ns16550a");
	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "ns16550");
	if (node < 0)
		return node;
	if (node_reg(fdt, node, 0, &gt_plat.uart_base, NULL) < 0)
		return -FDT_ERR_NOTFOUND;
	gt_plat.uart_kind = uart_kind_of(fdt, node);
	shift = fdt_getprop(fdt, node, "reg-shift", &len);
	gt_plat.uart_shift = shift && len == 4 ? fdt32_to_cpu(*shift) : 0;
	return 0;
}

static void parse_gic_timer(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	const fdt32_t *irq;
	int len;

	if (node >= 0 && node_reg(fdt, node, 0, &gt_plat.gicd_base, NULL) == 0 &&
	    node_reg(fdt, node, 1, &gt_plat.gicr_base, &gt_plat.gicr_size) == 0) {
		/* fine: GICD and the first redistributor region */
	} else {
		gt_plat.gicd_base = gt_plat.gicr_base = 0;
	}
	gt_plat.timer_ppi = 27;
	node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
	if (node >= 0) {
		irq = fdt_getprop(fdt, node, "interrupts", &len);
		/* entries: secure phys, non-secure phys, virtual, hyp; 3 cells each */
		if (irq && len >= 9 * 4)
			gt_plat.timer_ppi = fdt32_to_cpu(irq[7]) + 16;
	}
}

static void parse_idle_states(const void *fdt)
{
	int node = -1;

	for (;;) {
		const fdt32_t *p;
		int len;
		uint32_t param;
		bool pd;

		node = fdt_node_offset_by_compatible(fdt, node, "arm,idle-state");
		if (node < 0)
			break;
		p = fdt_getprop(fdt, node, "arm,psci-suspend-param", &len);
		if (!p || len != 4)
			continue;
		param = fdt32_to_cpu(*p);
		/* local-timer-stop marks a state that loses context: power-down */
		pd = fdt_getprop(fdt, node, "local-timer-stop", NULL) != NULL;
		if (pd && !gt_plat.have_idle_powerdown) {
			gt_plat.idle_powerdown = param;
			gt_plat.have_idle_powerdown = true;
		} else if (!pd && !gt_plat.have_idle_standby) {
			gt_plat.idle_standby = param;
			gt_plat.have_idle_standby = true;
		}
	}
}

int gt_dt_parse(const void *fdt)
{
	int err, chosen;
	const char *args;

	err = fdt_check_header(fdt);
	if (err)
		return err;
	gt_plat.fdt = fdt;
	err = parse_psci(fdt);
	if (err)
		return err;
	err = parse_cpus(fdt);
	if (err)
		return err;
	parse_memory(fdt);
	parse_gic_timer(fdt);
	parse_idle_states(fdt);
	chosen = fdt_path_offset(fdt, "/chosen");
	args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;
	if (args)
		snprintf(gt_plat.bootargs, sizeof(gt_plat.bootargs), "%s", args);
	return 0;
}

bool gt_is_ram(uint64_t addr, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < gt_plat.nr_mem; i++)
		if (addr >= gt_plat.mem_base[i] &&
		    addr + len <= gt_plat.mem_base[i] + gt_plat.mem_size[i] && addr + len >= addr)
			return true;
	return false;
}

/*
 * An address that is certainly not guest RAM: 1 GiB above the highest RAM
 * region, page aligned, or below the lowest one if that is not room enough.
 */
uint64_t gt_invalid_ram_addr(void)
{
	uint64_t top = 0, bottom = ~0ull;
	unsigned int i;

	for (i = 0; i < gt_plat.nr_mem; i++) {
		uint64_t end = gt_plat.mem_base[i] + gt_plat.mem_size[i];

		if (end > top)
			top = end;
		if (gt_plat.mem_base[i] < bottom)
			bottom = gt_plat.mem_base[i];
	}
	if (top + (1ull << 30) < (1ull << 48))
		return (top + (1ull << 30)) & ~0xfffull;
	return bottom >= 0x2000 ? 0x1000 : 0;
}

/* Value of key=value in bootargs, copied into buf; NULL when absent. */
const char *gt_bootarg(const char *key, char *buf, size_t len)
{
	const char *p = gt_plat.bootargs;
	size_t kl = strlen(key);

	while (*p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			size_t n = 0;

			p += kl + 1;
			while (p[n] && p[n] != ' ')
				n++;
			if (n >= len)
				n = len - 1;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return buf;
		}
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}
