// SPDX-License-Identifier: BSD-2-Clause
/*
 * libvpsci-fdt (decision 18): the /psci node per version, conduit and 0.1
 * IDs, the /cpus node per vCPU, and the libfdt error paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "helpers.h"
#include <vpsci/vpsci_fdt.h>

#define TREE_SIZE	(64 * 1024)

static uint8_t tree[1024 * 1024];

static void *empty_tree(int size)
{
	assert_int_equal(fdt_create_empty_tree(tree, size), 0);
	return tree;
}

/* The property 'name' of node 'path' is exactly these 'len' bytes. */
static void assert_prop(const void *fdt, const char *path, const char *name, const void *val,
			int len)
{
	int node = fdt_path_offset(fdt, path), plen = -1;
	const void *p;

	assert_true(node >= 0);
	p = fdt_getprop(fdt, node, name, &plen);
	if (!p)
		fail_msg("%s: no property %s", path, name);
	assert_int_equal(plen, len);
	assert_memory_equal(p, val, (size_t)len);
}

static void assert_u32_prop(const void *fdt, const char *path, const char *name, uint32_t v)
{
	fdt32_t be = cpu_to_fdt32(v);

	assert_prop(fdt, path, name, &be, sizeof(be));
}

static void assert_no_prop(const void *fdt, const char *path, const char *name)
{
	int node = fdt_path_offset(fdt, path);

	assert_true(node >= 0);
	assert_null(fdt_getprop(fdt, node, name, NULL));
}

/*
 * Write /psci for this version / conduit / flags and check it. "arm,psci"
 * (the 0.1 binding, which requires the function IDs) is listed only when the
 * 0.1 IDs are answered, as include/vpsci/vpsci_fdt.h documents and the Linux
 * binding (psci.yaml: "arm,psci" later in the list = IDs present) allows.
 */
static void check_psci(uint32_t v, enum vpsci_conduit conduit, uint32_t flags)
{
	static const char c10[] = "arm,psci-1.0\0arm,psci-0.2";
	static const char c10_01[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	static const char c02[] = "arm,psci-0.2";
	static const char c02_01[] = "arm,psci-0.2\0arm,psci";
	static const char c01[] = "arm,psci";
	bool ids = v == VPSCI_VERSION_0_1 || (flags & VPSCI_CFG_0_1_IDS);
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;
	void *fdt = empty_tree(TREE_SIZE);
	int err = 12345;

	tcfg_init(&t, v, 2);
	t.cfg.conduit = conduit;
	t.cfg.flags = flags;
	rec_init(&r);
	vm = mkvm(&t, &r);
	for (int pass = 0; pass < 2; pass++) {	/* the second call replaces */
		assert_int_equal(vpsci_fdt_add_psci(vm, fdt, &err), VPSCI_OK);
		assert_int_equal(fdt_check_full(fdt, TREE_SIZE), 0);
		if (v >= VPSCI_VERSION_1_0)
			assert_prop(fdt, "/psci", "compatible", ids ? c10_01 : c10,
				    ids ? sizeof(c10_01) : sizeof(c10));
		else if (v == VPSCI_VERSION_0_2)
			assert_prop(fdt, "/psci", "compatible", ids ? c02_01 : c02,
				    ids ? sizeof(c02_01) : sizeof(c02));
		else
			assert_prop(fdt, "/psci", "compatible", c01, sizeof(c01));
		assert_prop(fdt, "/psci", "method", conduit == VPSCI_CONDUIT_SMC ? "smc" : "hvc",
			    4);
		if (ids) {
			assert_u32_prop(fdt, "/psci", "cpu_suspend", VPSCI_0_1_FN_CPU_SUSPEND);
			assert_u32_prop(fdt, "/psci", "cpu_off", VPSCI_0_1_FN_CPU_OFF);
			assert_u32_prop(fdt, "/psci", "cpu_on", VPSCI_0_1_FN_CPU_ON);
		} else {
			assert_no_prop(fdt, "/psci", "cpu_suspend");
			assert_no_prop(fdt, "/psci", "cpu_off");
			assert_no_prop(fdt, "/psci", "cpu_on");
		}
		assert_no_prop(fdt, "/psci", "migrate");
	}
	vpsci_destroy(vm);
}

static void test_psci_node(void **state)
{
	(void)state;
	for (int vi = 0; vi < NR_VERSIONS; vi++)
	for (int conduit = 0; conduit < 2; conduit++) {
		uint32_t v = all_versions[vi];

		check_psci(v, (enum vpsci_conduit)conduit, 0);
		if (v != VPSCI_VERSION_0_1)
			check_psci(v, (enum vpsci_conduit)conduit, VPSCI_CFG_0_1_IDS);
		if (v >= VPSCI_VERSION_1_0)
			check_psci(v, (enum vpsci_conduit)conduit, FLAGS_BASE);
	}
}

/* /cpus with one cpu@<mpidr> per vCPU, in index order. */
static void check_cpus(struct vpsci_vm *vm, void *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node;
	uint32_t i = 0;

	assert_true(cpus >= 0);
	assert_u32_prop(fdt, "/cpus", "#address-cells", 2);
	assert_u32_prop(fdt, "/cpus", "#size-cells", 0);
	fdt_for_each_subnode(node, fdt, cpus) {
		uint64_t m = vpsci_vcpu_mpidr(vm, i);
		char name[32], path[48];
		fdt32_t reg[2] = { cpu_to_fdt32((uint32_t)(m >> 32)), cpu_to_fdt32((uint32_t)m) };

		assert_true(i < vpsci_nr_vcpus(vm));
		snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)m);
		assert_string_equal(fdt_get_name(fdt, node, NULL), name);
		snprintf(path, sizeof(path), "/cpus/%s", name);
		assert_prop(fdt, path, "reg", reg, sizeof(reg));
		assert_prop(fdt, path, "device_type", "cpu", 4);
		assert_prop(fdt, path, "enable-method", "psci", 5);
		assert_prop(fdt, path, "compatible", "arm,armv8", 10);
		i++;
	}
	assert_int_equal(i, vpsci_nr_vcpus(vm));
}

static void test_cpus_node(void **state)
{
	static const uint64_t m[] = {
		0x0, 0x1, 0x100, 0x10101, 0x100000000ull, 0xff00ffffffull, 0x80, 0xabcdef,
	};
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;
	void *fdt;
	int err = 0;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_0, 8);
	tcfg_set_mpidrs(&t, m, 8);
	rec_init(&r);
	vm = mkvm(&t, &r);
	fdt = empty_tree(TREE_SIZE);
	assert_int_equal(vpsci_fdt_add_cpus(vm, fdt, &err), VPSCI_OK);
	assert_int_equal(fdt_check_full(fdt, TREE_SIZE), 0);
	check_cpus(vm, fdt);
	/* a second /cpus is refused */
	assert_int_equal(vpsci_fdt_add_cpus(vm, fdt, &err), VPSCI_E_FDT);
	assert_int_equal(err, -FDT_ERR_EXISTS);
	assert_int_equal(vpsci_fdt_add_cpus(vm, fdt, NULL), VPSCI_E_FDT);
	/* /psci and /cpus side by side */
	assert_int_equal(vpsci_fdt_add_psci(vm, fdt, &err), VPSCI_OK);
	check_cpus(vm, fdt);
	vpsci_destroy(vm);

	/* default MPIDRs, and the largest VM in a 1 MiB tree */
	for (int k = 0; k < 2; k++) {
		tcfg_init(&t, VPSCI_VERSION_0_2, k ? VPSCI_MAX_VCPUS : 20);
		rec_init(&r);
		vm = mkvm(&t, &r);
		fdt = empty_tree(k ? (int)sizeof(tree) : TREE_SIZE);
		assert_int_equal(vpsci_fdt_add_cpus(vm, fdt, &err), VPSCI_OK);
		check_cpus(vm, fdt);
		vpsci_destroy(vm);
	}
}

static void test_fdt_errors(void **state)
{
	struct tcfg t;
	struct rec r;
	struct vpsci_vm *vm;
	void *fdt;
	int err;

	(void)state;
	tcfg_init(&t, VPSCI_VERSION_1_0, 2);
	t.cfg.flags = VPSCI_CFG_0_1_IDS;
	rec_init(&r);
	vm = mkvm(&t, &r);
	fdt = empty_tree(TREE_SIZE);
	assert_int_equal(vpsci_fdt_add_psci(NULL, fdt, &err), VPSCI_E_INVAL);
	assert_int_equal(vpsci_fdt_add_psci(vm, NULL, &err), VPSCI_E_INVAL);
	assert_int_equal(vpsci_fdt_add_cpus(NULL, fdt, &err), VPSCI_E_INVAL);
	assert_int_equal(vpsci_fdt_add_cpus(vm, NULL, &err), VPSCI_E_INVAL);

	/* a tree with no room to grow: -FDT_ERR_NOSPACE */
	for (int size = 80; size <= 200; size += 8) {
		if (fdt_create_empty_tree(tree, size) != 0)
			continue;
		err = 0;
		assert_int_equal(vpsci_fdt_add_psci(vm, tree, &err), VPSCI_E_FDT);
		assert_int_equal(err, -FDT_ERR_NOSPACE);
		assert_int_equal(fdt_create_empty_tree(tree, size), 0);
		err = 0;
		assert_int_equal(vpsci_fdt_add_cpus(vm, tree, &err), VPSCI_E_FDT);
		assert_int_equal(err, -FDT_ERR_NOSPACE);
		assert_int_equal(fdt_create_empty_tree(tree, size), 0);
		assert_int_equal(vpsci_fdt_add_psci(vm, tree, NULL), VPSCI_E_FDT);
	}
	vpsci_destroy(vm);

	/* 1024 vCPUs do not fit in 64 KiB */
	tcfg_init(&t, VPSCI_VERSION_1_0, VPSCI_MAX_VCPUS);
	rec_init(&r);
	vm = mkvm(&t, &r);
	fdt = empty_tree(TREE_SIZE);
	err = 0;
	assert_int_equal(vpsci_fdt_add_cpus(vm, fdt, &err), VPSCI_E_FDT);
	assert_int_equal(err, -FDT_ERR_NOSPACE);
	/* not a tree at all */
	memset(tree, 0, 256);
	err = 0;
	assert_int_equal(vpsci_fdt_add_psci(vm, tree, &err), VPSCI_E_FDT);
	assert_true(err < 0);
	vpsci_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psci_node),
		cmocka_unit_test(test_cpus_node),
		cmocka_unit_test(test_fdt_errors),
	};

	return cmocka_run_group_tests_name("fdt", tests, NULL, NULL);
}
