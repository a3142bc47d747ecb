// SPDX-License-Identifier: BSD-2-Clause
/*
 * libvpsci-fdt: the device-tree nodes that describe this engine to a guest
 * (Linux: Documentation/devicetree/bindings/arm/psci.yaml and cpus.yaml).
 * Everything written is derived from the engine's own configuration, so the
 * DT promises exactly what vpsci_call() answers.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include <vpsci/vpsci_fdt.h>

#include "vpsci_private.h"	/* VPSCI_EXPORT only: this file uses the public API */

/* Store a libfdt error for the caller and map it to ours. */
static int fdt_fail(int err, int *fdt_err)
{
	if (fdt_err)
		*fdt_err = err;
	return VPSCI_E_FDT;
}

/* Offset of the root's child 'name', created if missing. */
static int root_child(void *fdt, const char *name)
{
	int off = fdt_subnode_offset(fdt, 0, name);

	if (off == -FDT_ERR_NOTFOUND)
		off = fdt_add_subnode(fdt, 0, name);
	return off;
}

VPSCI_EXPORT int vpsci_fdt_add_psci(const struct vpsci_vm *vm, void *fdt, int *fdt_err)
{
	/* Newest first: DEN0022's bindings, "arm,psci" being the 0.1 one. */
	static const char compat_1_0[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	static const char compat_0_2[] = "arm,psci-0.2\0arm,psci";
	static const char compat_0_1[] = "arm,psci";
	uint32_t version;
	bool ids_0_1;
	const char *compat;
	size_t compat_len;
	int off, err;

	if (!vm || !fdt)
		return VPSCI_E_INVAL;

	version = vpsci_version(vm);
	if (version >= VPSCI_VERSION_1_0) {
		compat = compat_1_0;
		compat_len = sizeof(compat_1_0);
	} else if (version == VPSCI_VERSION_0_2) {
		compat = compat_0_2;
		compat_len = sizeof(compat_0_2);
	} else {
		compat = compat_0_1;
		compat_len = sizeof(compat_0_1);
	}
	/*
	 * "arm,psci" stays in the list only for guests that get the 0.1 IDs;
	 * without the ID properties it would promise a 0.1 interface we don't
	 * answer. 0.2+ without the fallback ends at "arm,psci-0.2".
	 */
	ids_0_1 = version == VPSCI_VERSION_0_1 || (vpsci_flags(vm) & VPSCI_CFG_0_1_IDS);
	if (!ids_0_1)
		compat_len -= sizeof("arm,psci");

	off = root_child(fdt, "psci");
	if (off < 0)
		return fdt_fail(off, fdt_err);
	err = fdt_setprop(fdt, off, "compatible", compat, (int)compat_len);
	if (!err)
		err = fdt_setprop_string(fdt, off, "method",
					 vpsci_conduit(vm) == VPSCI_CONDUIT_SMC ? "smc" : "hvc");
	if (!err && ids_0_1) {
		/* MIGRATE is not offered (no trusted OS), so no "migrate". */
		err = fdt_setprop_u32(fdt, off, "cpu_suspend", VPSCI_0_1_FN_CPU_SUSPEND);
		if (!err)
			err = fdt_setprop_u32(fdt, off, "cpu_off", VPSCI_0_1_FN_CPU_OFF);
		if (!err)
			err = fdt_setprop_u32(fdt, off, "cpu_on", VPSCI_0_1_FN_CPU_ON);
	}
	if (err)
		return fdt_fail(err, fdt_err);
	return 0;
}

VPSCI_EXPORT int vpsci_fdt_add_cpus(const struct vpsci_vm *vm, void *fdt, int *fdt_err)
{
	uint32_t i, n;
	int cpus, err;

	if (!vm || !fdt)
		return VPSCI_E_INVAL;

	cpus = fdt_add_subnode(fdt, 0, "cpus");
	if (cpus < 0)
		return fdt_fail(cpus, fdt_err);
	/* Two address cells: Aff3 lives in MPIDR bits 39:32. */
	err = fdt_setprop_u32(fdt, cpus, "#address-cells", 2);
	if (!err)
		err = fdt_setprop_u32(fdt, cpus, "#size-cells", 0);
	if (err)
		return fdt_fail(err, fdt_err);

	/*
	 * fdt_add_subnode() inserts before existing children, so add them in
	 * reverse to list the CPUs in vCPU index order (Linux numbers logical
	 * CPUs in DT order; the boot CPU is found by MPIDR).
	 */
	n = vpsci_nr_vcpus(vm);
	for (i = n; i-- > 0;) {
		uint64_t mpidr = vpsci_vcpu_mpidr(vm, i);
		char name[32];
		int cpu;

		snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)mpidr);
		cpu = fdt_add_subnode(fdt, cpus, name);
		if (cpu < 0)
			return fdt_fail(cpu, fdt_err);
		err = fdt_setprop_string(fdt, cpu, "device_type", "cpu");
		if (!err)
			err = fdt_setprop_string(fdt, cpu, "compatible", "arm,armv8");
		if (!err)
			err = fdt_setprop_u64(fdt, cpu, "reg", mpidr);
		if (!err)
			err = fdt_setprop_string(fdt, cpu, "enable-method", "psci");
		if (err)
			return fdt_fail(err, fdt_err);
	}
	return 0;
}

/* ---- Idle states (Linux: bindings/arm/idle-states.yaml, psci.yaml,
 *      power/domain-idle-state.yaml; drivers/cpuidle/cpuidle-psci*.c) ---- */

#define MAX_IDLE	6	/* RETENTION and OFF at each of three levels */
#define MAX_CLUSTERS	VPSCI_MAX_VCPUS

struct idle_state {
	unsigned int level;	/* the highest level the state powers down */
	unsigned int local;	/* VPSCI_LOCAL_* at that level */
	uint32_t param;		/* arm,psci-suspend-param: the composite power_state */
	bool powerdown;		/* the CPU loses context */
	uint32_t phandle;
};

static const char *const idle_names[3][3] = {
	{ NULL, "cpu-retention", "cpu-power-down" },
	{ NULL, "cluster-retention", "cluster-power-down" },
	{ NULL, "system-retention", "system-power-down" },
};

/*
 * Latencies and minimum residency (us) per level and local state: deeper
 * and higher costs more; the residency covers entry + exit several times
 * over. A VMM's suspend costs an exit to userspace and a thread wake-up,
 * tens of microseconds on hardware, so even retention is not free.
 */
static const uint32_t idle_lat[3][3][3] = {
	{ { 0 }, { 20, 40, 200 }, { 100, 250, 1000 } },
	{ { 0 }, { 200, 300, 2000 }, { 500, 1000, 5000 } },
	{ { 0 }, { 1000, 2000, 10000 }, { 2000, 5000, 20000 } },
};

/*
 * The states worth describing, from the engine's own answers
 * (vpsci_power_state): each offered local state of each level, entered with
 * the deepest states below it that may go with it, since Linux passes one
 * power_state for the deepest domain that powers down. Shallowest first.
 */
static bool idle_find(const struct vpsci_vm *vm, unsigned int level, unsigned int local,
		      uint32_t *ps, unsigned int *cpu_local)
{
	unsigned int cpu, cl;

	for (cpu = VPSCI_LOCAL_OFF; cpu >= local; cpu--) {
		for (cl = VPSCI_LOCAL_OFF; cl >= local; cl--) {
			unsigned int c = level == 0 ? local : cpu;
			unsigned int x = level == 0 ? 0 : level == 1 ? local : cl;

			if (!vpsci_power_state(vm, c, x, level == 2 ? local : 0, ps)) {
				*cpu_local = c;
				return true;
			}
		}
	}
	return false;
}

static unsigned int idle_collect(const struct vpsci_vm *vm, struct idle_state *st)
{
	unsigned int n = 0, level, local, cpu;
	uint32_t ps;

	for (level = 0; level < 3; level++) {
		for (local = VPSCI_LOCAL_RETENTION; local <= VPSCI_LOCAL_OFF; local++) {
			if (!idle_find(vm, level, local, &ps, &cpu))
				continue;
			st[n].level = level;
			st[n].local = local;
			st[n].param = ps;
			st[n].powerdown = cpu == VPSCI_LOCAL_OFF;
			n++;
		}
	}
	return n;
}

/* Offset of parent's child 'name', created if missing. */
static int child(void *fdt, int parent, const char *name)
{
	int off = fdt_subnode_offset(fdt, parent, name);

	if (off == -FDT_ERR_NOTFOUND)
		off = fdt_add_subnode(fdt, parent, name);
	return off;
}

/* One idle-state node under container 'path', with a new phandle. */
static int add_idle_node(void *fdt, const char *path, struct idle_state *s, bool domain)
{
	const uint32_t *lat = idle_lat[s->level][s->local];
	int parent = fdt_path_offset(fdt, path), off, err;

	if (parent < 0)
		return parent;
	off = fdt_add_subnode(fdt, parent, idle_names[s->level][s->local]);
	if (off < 0)
		return off;
	err = fdt_generate_phandle(fdt, &s->phandle);
	if (!err)
		err = fdt_setprop_string(fdt, off, "compatible",
					 domain ? "domain-idle-state" : "arm,idle-state");
	if (!err)
		err = fdt_setprop_u32(fdt, off, "arm,psci-suspend-param", s->param);
	if (!err)
		err = fdt_setprop_u32(fdt, off, "entry-latency-us", lat[0]);
	if (!err)
		err = fdt_setprop_u32(fdt, off, "exit-latency-us", lat[1]);
	if (!err)
		err = fdt_setprop_u32(fdt, off, "min-residency-us", lat[2]);
	/* idle-states.yaml: the CPU's local timer stops when the CPU powers down. */
	if (!err && !domain && s->powerdown)
		err = fdt_setprop_empty(fdt, off, "local-timer-stop");
	if (!err)
		err = fdt_setprop_u32(fdt, off, "phandle", s->phandle);
	return err;
}

/* A list of phandles: the states of levels [lo, hi]. */
static int set_phandles(void *fdt, int off, const char *prop, const struct idle_state *st,
			unsigned int n, unsigned int lo, unsigned int hi)
{
	fdt32_t list[MAX_IDLE];
	unsigned int i, k = 0;

	for (i = 0; i < n; i++)
		if (st[i].level >= lo && st[i].level <= hi)
			list[k++] = cpu_to_fdt32(st[i].phandle);
	if (!k)
		return 0;
	return fdt_setprop(fdt, off, prop, list, (int)(k * sizeof(list[0])));
}

/* A power-domain node under /psci: states of one level, parent domain. */
static int add_pd_node(void *fdt, const char *name, const struct idle_state *st, unsigned int n,
		       unsigned int level, uint32_t parent, uint32_t *phandle)
{
	int psci = fdt_path_offset(fdt, "/psci"), off, err;

	if (psci < 0)
		return psci;
	off = fdt_add_subnode(fdt, psci, name);
	if (off < 0)
		return off;
	err = fdt_generate_phandle(fdt, phandle);
	if (!err)
		err = fdt_setprop_u32(fdt, off, "#power-domain-cells", 0);
	if (!err)
		err = set_phandles(fdt, off, "domain-idle-states", st, n, level, level);
	if (!err && parent)
		err = fdt_setprop_u32(fdt, off, "power-domains", parent);
	if (!err)
		err = fdt_setprop_u32(fdt, off, "phandle", *phandle);
	return err;
}

/* The cpu@<mpidr> node of vCPU i (vpsci_fdt_add_cpus). */
static int cpu_node(const struct vpsci_vm *vm, void *fdt, uint32_t i)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	char name[32];

	if (cpus < 0)
		return cpus;
	snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)vpsci_vcpu_mpidr(vm, i));
	return fdt_subnode_offset(fdt, cpus, name);
}

/*
 * OS-initiated mode: the hierarchy Linux's cpuidle-psci-domain builds genpd
 * domains from (psci.yaml, "Case 4"): one power-domain-cpuN per vCPU with
 * the CPU states, a power-domain-clusterK per cluster with the cluster
 * states, a power-domain-system with the system states, each pointing at
 * its parent; the cpu nodes name their CPU domain "psci".
 */
static int add_osi_domains(const struct vpsci_vm *vm, void *fdt, const struct idle_state *st,
			   unsigned int n, bool has_system)
{
	uint32_t nr = vpsci_nr_vcpus(vm), i, j, sys_ph = 0, cl_ph, cpu_ph;
	char name[40];
	int err = 0, off;

	if (has_system)
		err = add_pd_node(fdt, "power-domain-system", st, n, 2, 0, &sys_ph);
	for (i = 0; i < nr && !err; i++) {
		uint64_t key = vpsci_vcpu_mpidr(vm, i) & 0xff00ffff00ull;

		/* The cluster's domain is made once, at its first vCPU. */
		for (j = 0; j < i; j++)
			if ((vpsci_vcpu_mpidr(vm, j) & 0xff00ffff00ull) == key)
				break;
		snprintf(name, sizeof(name), "power-domain-cluster%u", j);
		if (j == i) {
			err = add_pd_node(fdt, name, st, n, 1, sys_ph, &cl_ph);
		} else {
			off = fdt_subnode_offset(fdt, fdt_path_offset(fdt, "/psci"), name);
			cl_ph = off < 0 ? 0 : fdt_get_phandle(fdt, off);
			err = off < 0 ? off : 0;
		}
		if (err)
			break;
		snprintf(name, sizeof(name), "power-domain-cpu%u", i);
		err = add_pd_node(fdt, name, st, n, 0, cl_ph, &cpu_ph);
		if (err)
			break;
		off = cpu_node(vm, fdt, i);
		if (off < 0)
			return off;
		err = fdt_setprop_u32(fdt, off, "power-domains", cpu_ph);
		if (!err)
			err = fdt_setprop_string(fdt, off, "power-domain-names", "psci");
	}
	return err;
}

VPSCI_EXPORT int vpsci_fdt_add_idle_states(const struct vpsci_vm *vm, void *fdt, int *fdt_err)
{
	struct idle_state st[MAX_IDLE];
	bool osi, has_system = false;
	unsigned int n, i;
	int cpus, off, err = 0;

	if (!vm || !fdt)
		return VPSCI_E_INVAL;
	n = idle_collect(vm, st);
	if (!n)
		return 0;	/* no hierarchy: nothing to describe */
	osi = vpsci_flags(vm) & VPSCI_CFG_OSI;
	for (i = 0; i < n; i++)
		has_system |= st[i].level == 2;

	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0)
		return fdt_fail(cpus, fdt_err);
	off = child(fdt, cpus, "idle-states");
	if (off >= 0)
		err = fdt_setprop_string(fdt, off, "entry-method", "psci");
	else
		err = off;
	if (!err && osi) {
		cpus = fdt_path_offset(fdt, "/cpus");
		off = cpus < 0 ? cpus : child(fdt, cpus, "domain-idle-states");
		err = off < 0 ? off : 0;
	}
	/* Added in reverse: libfdt puts a new node before its siblings. */
	for (i = n; i-- > 0 && !err;) {
		bool domain = osi && st[i].level > 0;

		err = add_idle_node(fdt, domain ? "/cpus/domain-idle-states" : "/cpus/idle-states",
				    &st[i], domain);
	}
	/*
	 * Every cpu node lists its states in cpu-idle-states, shallowest first:
	 * in PC mode all of them (each CPU votes with a composite), in OSI mode
	 * the CPU states only (the domains carry the rest). Kernels that know
	 * power domains find the same CPU states through power-domain-cpuN.
	 */
	for (i = 0; i < vpsci_nr_vcpus(vm) && !err; i++) {
		off = cpu_node(vm, fdt, i);
		err = off < 0 ? off : set_phandles(fdt, off, "cpu-idle-states", st, n, 0,
						    osi ? 0 : 2);
	}
	if (!err && osi)
		err = add_osi_domains(vm, fdt, st, n, has_system);
	if (err)
		return fdt_fail(err, fdt_err);
	return 0;
}
