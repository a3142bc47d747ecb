// SPDX-License-Identifier: BSD-2-Clause
/*
 * vpsci_fdt_add_idle_states(): the idle states of a hierarchy, parsed back
 * with libfdt. Platform-coordinated: cpu-idle-states in each cpu node with
 * every composite state. OS-initiated (psci.yaml "Case 4"): CPU states in
 * /cpus/idle-states, domain states in /cpus/domain-idle-states, a /psci
 * power-domain per CPU, cluster and system with their parents, and each cpu
 * node's power-domains + power-domain-names = "psci". Every
 * arm,psci-suspend-param is a power_state the engine accepts.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "helpers.h"
#include <vpsci/vpsci_fdt.h>

#define TREE_SIZE	(256 * 1024)

static uint8_t tree[TREE_SIZE];

static void *vm_tree(struct vpsci_vm *vm)
{
	int err = 0;

	assert_int_equal(fdt_create_empty_tree(tree, TREE_SIZE), 0);
	assert_int_equal(vpsci_fdt_add_psci(vm, tree, &err), VPSCI_OK);
	assert_int_equal(vpsci_fdt_add_cpus(vm, tree, &err), VPSCI_OK);
	assert_int_equal(vpsci_fdt_add_idle_states(vm, tree, &err), VPSCI_OK);
	assert_int_equal(fdt_check_full(tree, TREE_SIZE), 0);
	return tree;
}

static uint32_t u32_prop(const void *fdt, int node, const char *name)
{
	int len = 0;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		fail_msg("no property %s in %s", name, fdt_get_name(fdt, node, NULL));
	assert_int_equal(len, 4);
	return fdt32_to_cpu(*p);
}

/* The phandle list 'name' of node: count, and the nodes it points at. */
static int phandles(const void *fdt, int node, const char *name, int *out, int max)
{
	int len = 0, n, i;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return 0;
	n = len / 4;
	assert_true(n <= max);
	for (i = 0; i < n; i++) {
		out[i] = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(p[i]));
		assert_true(out[i] >= 0);
	}
	return n;
}

/*
 * An idle-state node: the compatible, latencies that make sense, and a
 * power_state the engine takes (with an entry point when it powers down),
 * whose StateID has 'level' as its highest non-RUN level.
 */
static void check_state(struct vpsci_vm *vm, const void *fdt, int node, const char *compat,
			unsigned int level)
{
	uint32_t ps = u32_prop(fdt, node, "arm,psci-suspend-param");
	uint32_t entry = u32_prop(fdt, node, "entry-latency-us");
	uint32_t exit_lat = u32_prop(fdt, node, "exit-latency-us");
	uint32_t minres = u32_prop(fdt, node, "min-residency-us");
	bool ext = vpsci_flags(vm) & VPSCI_CFG_EXT_STATEID;
	uint32_t id = ps & (ext ? VPSCI_PS_EXT_STATE_ID_MASK : VPSCI_PS_STATE_ID_MASK);
	bool pd = ps & (ext ? VPSCI_PS_EXT_TYPE_POWERDOWN : VPSCI_PS_TYPE_POWERDOWN);
	struct vpsci_result res;
	uint32_t top = VPSCI_STATEID_LOCAL(id, 2) ? 2 : VPSCI_STATEID_LOCAL(id, 1) ? 1 : 0;

	assert_string_equal(fdt_getprop(fdt, node, "compatible", NULL), compat);
	assert_true(entry > 0 && exit_lat > 0 && minres >= entry + exit_lat);
	assert_int_equal(top, level);
	assert_int_equal(pd, VPSCI_STATEID_LOCAL(id, 0) == VPSCI_LOCAL_OFF);
	assert_int_equal(fdt_getprop(fdt, node, "local-timer-stop", NULL) != NULL,
			 pd && !strcmp(compat, "arm,idle-state"));
	/* The engine accepts it (vCPU 0 alone is on: OSI lets it power anything down). */
	res = tcall(vm, 0, VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), ps, ENTRY_OK, 1);
	assert_int_equal(res.x[0], 0);
	assert_int_equal(res.exit, VPSCI_EXIT_SUSPEND);
	assert_int_equal(vpsci_vcpu_wake(vm, 0), VPSCI_OK);
}

static struct vpsci_vm *pd_vm(struct tcfg *t, struct rec *r, uint32_t levels, uint8_t states,
			      uint32_t flags, uint32_t nr)
{
	tcfg_init(t, VPSCI_VERSION_1_1, nr);
	tcfg_set_pd(t, levels, states, flags);
	rec_init(r);
	return mkvm(t, r);
}

/* PC mode: every cpu node lists every state, CPU states first; no domains. */
static void test_idle_pc(void **state)
{
	static const char *const names[] = {
		"cpu-retention", "cpu-power-down", "cluster-retention", "cluster-power-down",
		"system-retention", "system-power-down",
	};
	struct tcfg t;
	struct rec r;

	(void)state;
	for (int ext = 0; ext < 2; ext++) {
		struct vpsci_vm *vm = pd_vm(&t, &r, 3, VPSCI_PD_RETENTION | VPSCI_PD_OFF,
					    ext ? VPSCI_CFG_EXT_STATEID : 0, 4);
		void *fdt = vm_tree(vm);
		int cpus = fdt_path_offset(fdt, "/cpus"), cpu, list[8], n, ref[8], nref = -1;

		assert_true(fdt_path_offset(fdt, "/cpus/idle-states") >= 0);
		assert_string_equal(fdt_getprop(fdt, fdt_path_offset(fdt, "/cpus/idle-states"),
						"entry-method", NULL), "psci");
		assert_int_equal(fdt_path_offset(fdt, "/cpus/domain-idle-states"),
				 -FDT_ERR_NOTFOUND);
		fdt_for_each_subnode(cpu, fdt, cpus) {
			if (strncmp(fdt_get_name(fdt, cpu, NULL), "cpu@", 4))
				continue;
			n = phandles(fdt, cpu, "cpu-idle-states", list, 8);
			assert_int_equal(n, 6);
			for (int i = 0; i < n; i++) {
				assert_string_equal(fdt_get_name(fdt, list[i], NULL), names[i]);
				if (nref < 0)
					check_state(vm, fdt, list[i], "arm,idle-state",
						    (unsigned int)i / 2);
			}
			if (nref >= 0)
				assert_memory_equal(list, ref, sizeof(list[0]) * (size_t)n);
			memcpy(ref, list, sizeof(ref));
			nref = n;
			assert_null(fdt_getprop(fdt, cpu, "power-domains", NULL));
		}
		assert_int_equal(fdt_path_offset(fdt, "/psci/power-domain-cpu0"),
				 -FDT_ERR_NOTFOUND);
		vpsci_destroy(vm);
	}
}

/* OSI mode with two clusters and a system level: the genpd hierarchy. */
static void test_idle_osi(void **state)
{
	static const uint64_t m[] = { 0x0, 0x1, 0x100, 0x101, 0x102 };
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;
	void *fdt;
	int psci, sys, cl[2], node, list[8], n;
	uint32_t i;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_0, 5);
	tcfg_set_mpidrs(&t, m, 5);
	tcfg_set_pd(&t, 3, VPSCI_PD_RETENTION | VPSCI_PD_OFF, VPSCI_CFG_OSI);
	t.cfg.pd_states[1] = VPSCI_PD_OFF;	/* clusters only power down */
	rec_init(&r);
	vm = mkvm(&t, &r);
	assert_cont(tcall(vm, 0, VPSCI_FN32(VPSCI_FN_PSCI_SET_SUSPEND_MODE), 1, 0, 0),
		    VPSCI_RET_SUCCESS);
	fdt = vm_tree(vm);
	psci = fdt_path_offset(fdt, "/psci");
	sys = fdt_subnode_offset(fdt, psci, "power-domain-system");
	cl[0] = fdt_subnode_offset(fdt, psci, "power-domain-cluster0");
	cl[1] = fdt_subnode_offset(fdt, psci, "power-domain-cluster2");
	assert_true(sys >= 0 && cl[0] >= 0 && cl[1] >= 0);
	assert_int_equal(fdt_subnode_offset(fdt, psci, "power-domain-cluster1"),
			 -FDT_ERR_NOTFOUND);
	assert_int_equal(u32_prop(fdt, sys, "#power-domain-cells"), 0);
	assert_null(fdt_getprop(fdt, sys, "power-domains", NULL));
	n = phandles(fdt, sys, "domain-idle-states", list, 8);
	assert_int_equal(n, 2);
	assert_string_equal(fdt_get_name(fdt, list[0], NULL), "system-retention");
	assert_string_equal(fdt_get_name(fdt, list[1], NULL), "system-power-down");
	for (int k = 0; k < 2; k++)
		check_state(vm, fdt, list[k], "domain-idle-state", 2);
	for (int c = 0; c < 2; c++) {
		assert_int_equal(u32_prop(fdt, cl[c], "power-domains"), fdt_get_phandle(fdt, sys));
		n = phandles(fdt, cl[c], "domain-idle-states", list, 8);
		assert_int_equal(n, 1);
		assert_string_equal(fdt_get_name(fdt, list[0], NULL), "cluster-power-down");
		check_state(vm, fdt, list[0], "domain-idle-state", 1);
		/* the states live under /cpus/domain-idle-states */
		assert_int_equal(fdt_parent_offset(fdt, list[0]),
				 fdt_path_offset(fdt, "/cpus/domain-idle-states"));
	}
	for (i = 0; i < 5; i++) {
		char name[40];
		int cpu_pd, cpu;

		snprintf(name, sizeof(name), "power-domain-cpu%u", i);
		cpu_pd = fdt_subnode_offset(fdt, psci, name);
		assert_true(cpu_pd >= 0);
		assert_int_equal(u32_prop(fdt, cpu_pd, "power-domains"),
				 fdt_get_phandle(fdt, cl[i < 2 ? 0 : 1]));
		n = phandles(fdt, cpu_pd, "domain-idle-states", list, 8);
		assert_int_equal(n, 2);
		assert_string_equal(fdt_get_name(fdt, list[0], NULL), "cpu-retention");
		assert_string_equal(fdt_get_name(fdt, list[1], NULL), "cpu-power-down");
		assert_int_equal(fdt_parent_offset(fdt, list[1]),
				 fdt_path_offset(fdt, "/cpus/idle-states"));
		if (i == 0) {
			check_state(vm, fdt, list[0], "arm,idle-state", 0);
			check_state(vm, fdt, list[1], "arm,idle-state", 0);
		}
		snprintf(name, sizeof(name), "/cpus/cpu@%llx", (unsigned long long)m[i]);
		cpu = fdt_path_offset(fdt, name);
		assert_int_equal(u32_prop(fdt, cpu, "power-domains"), fdt_get_phandle(fdt, cpu_pd));
		assert_string_equal(fdt_getprop(fdt, cpu, "power-domain-names", NULL), "psci");
		n = phandles(fdt, cpu, "cpu-idle-states", list, 8);
		assert_int_equal(n, 2);
	}
	/* every phandle in the tree is unique */
	fdt_for_each_subnode(node, fdt, psci) {
		int other;

		fdt_for_each_subnode(other, fdt, psci)
			if (other != node)
				assert_int_not_equal(fdt_get_phandle(fdt, node),
						     fdt_get_phandle(fdt, other));
	}
	vpsci_destroy(vm);
}

/* Two levels, retention only; no hierarchy: nothing; errors. */
static void test_idle_shapes(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;
	void *fdt;
	int list[8], err = 0;

	(void)state;
	vm = pd_vm(&t, &r, 2, VPSCI_PD_RETENTION, VPSCI_CFG_OSI, 2);
	fdt = vm_tree(vm);
	assert_int_equal(fdt_subnode_offset(fdt, fdt_path_offset(fdt, "/psci"),
					    "power-domain-system"), -FDT_ERR_NOTFOUND);
	assert_int_equal(phandles(fdt, fdt_path_offset(fdt, "/psci/power-domain-cluster0"),
				  "domain-idle-states", list, 8), 1);
	assert_string_equal(fdt_get_name(fdt, list[0], NULL), "cluster-retention");
	assert_null(fdt_getprop(fdt, fdt_path_offset(fdt, "/psci/power-domain-cluster0"),
				"power-domains", NULL));
	check_state(vm, fdt, list[0], "domain-idle-state", 1);
	vpsci_destroy(vm);

	/* pd_levels = 0: a no-op */
	tcfg_init(&t, VPSCI_VERSION_1_0, 2);
	rec_init(&r);
	vm = mkvm(&t, &r);
	fdt = vm_tree(vm);
	assert_int_equal(fdt_path_offset(fdt, "/cpus/idle-states"), -FDT_ERR_NOTFOUND);
	assert_int_equal(vpsci_fdt_add_idle_states(NULL, fdt, &err), VPSCI_E_INVAL);
	assert_int_equal(vpsci_fdt_add_idle_states(vm, NULL, &err), VPSCI_E_INVAL);
	vpsci_destroy(vm);

	/* no /cpus yet, no /psci yet, no room: libfdt errors */
	vm = pd_vm(&t, &r, 2, VPSCI_PD_OFF, VPSCI_CFG_OSI, 2);
	assert_int_equal(fdt_create_empty_tree(tree, TREE_SIZE), 0);
	assert_int_equal(vpsci_fdt_add_idle_states(vm, tree, &err), VPSCI_E_FDT);
	assert_int_equal(err, -FDT_ERR_NOTFOUND);
	assert_int_equal(vpsci_fdt_add_cpus(vm, tree, &err), VPSCI_OK);
	assert_int_equal(vpsci_fdt_add_idle_states(vm, tree, NULL), VPSCI_E_FDT);
	/* growing trees: NOSPACE until it fits, then success */
	for (int size = 400, nospace = 0;; size += 8) {
		int ret;

		assert_true(size < 4096);
		assert_int_equal(fdt_create_empty_tree(tree, size), 0);
		if (vpsci_fdt_add_psci(vm, tree, NULL) || vpsci_fdt_add_cpus(vm, tree, NULL))
			continue;
		err = 0;
		ret = vpsci_fdt_add_idle_states(vm, tree, &err);
		if (ret == VPSCI_OK) {
			assert_true(nospace > 10);
			break;
		}
		assert_int_equal(ret, VPSCI_E_FDT);
		assert_int_equal(err, -FDT_ERR_NOSPACE);
		nospace++;
	}
	vpsci_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_pc),
		cmocka_unit_test(test_idle_osi),
		cmocka_unit_test(test_idle_shapes),
	};

	return cmocka_run_group_tests_name("fdt_idle", tests, NULL, NULL);
}
