// SPDX-License-Identifier: BSD-2-Clause
/*
 * The ABI rule of include/vpsci/vpsci.h: sized structs from an older header
 * (shorter) are read with the missing fields as zero, from a newer header
 * (longer) only when the bytes this build does not know are zero, and a
 * result is written up to its size and no further. tests/abi/ runs a program
 * built against an older header itself; these cases cover every size class.
 */
#include <string.h>

#include "helpers.h"

#define END(type, field)	(offsetof(type, field) + sizeof(((type *)0)->field))
/* The first layouts: what the oldest caller passes. */
#define CONFIG_FIRST	END(struct vpsci_config, pd_states)
#define OPS_FIRST	END(struct vpsci_ops, now_us)
#define CALL_FIRST	END(struct vpsci_call, big_endian)
#define RESULT_FIRST	END(struct vpsci_result, entry)

#define TAIL	32

/* A struct of a newer header: ours, then fields we do not know. */
struct big_cfg {
	struct vpsci_config c;
	unsigned char tail[TAIL];
};
struct big_ops {
	struct vpsci_ops o;
	unsigned char tail[TAIL];
};
struct big_call {
	struct vpsci_call c;
	unsigned char tail[TAIL];
};
struct big_result {
	struct vpsci_result r;
	unsigned char tail[TAIL];
};

static int create_sized(const struct vpsci_config *cfg, const struct vpsci_ops *ops,
			struct rec *r)
{
	struct vpsci_vm *vm = NULL;
	int ret = vpsci_create(cfg, ops, r, &vm);

	vpsci_destroy(vm);
	return ret;
}

/* The standard 2-vCPU configuration of 'version', fresh recording hooks. */
static void setup(struct tcfg *t, struct rec *r, uint32_t version)
{
	rec_init(r);
	tcfg_init(t, version, 2);
}

/* An engine of that configuration. */
static struct vpsci_vm *two_vcpus(uint32_t version, struct rec *r)
{
	struct tcfg t;

	setup(&t, r, version);
	return mkvm(&t, r);
}

/* Configuration sizes: too small, the first layout, ours, a newer one. */
static void test_config_sizes(void **state)
{
	struct big_cfg big;
	struct tcfg t;
	struct rec r;

	(void)state;
	setup(&t, &r, VPSCI_VERSION_1_0);
	memset(&big, 0, sizeof(big));
	big.c = t.cfg;

	big.c.size = 0;
	assert_int_equal(create_sized(&big.c, &rec_ops, &r), VPSCI_E_INVAL);
	big.c.size = CONFIG_FIRST - 1;
	assert_int_equal(create_sized(&big.c, &rec_ops, &r), VPSCI_E_INVAL);
	big.c.size = CONFIG_FIRST;
	assert_int_equal(create_sized(&big.c, &rec_ops, &r), VPSCI_OK);
	big.c.size = sizeof(big.c);
	assert_int_equal(create_sized(&big.c, &rec_ops, &r), VPSCI_OK);
	big.c.size = sizeof(big);
	assert_int_equal(create_sized(&big.c, &rec_ops, &r), VPSCI_OK);
	/* A field this build does not know, set: refused, not ignored. */
	big.tail[TAIL - 1] = 1;
	assert_int_equal(create_sized(&big.c, &rec_ops, &r), VPSCI_E_INVAL);
	/* ... unless it lies beyond the size the caller gave. */
	big.c.size = sizeof(big) - 1;
	assert_int_equal(create_sized(&big.c, &rec_ops, &r), VPSCI_OK);
}

/* Ops sizes, on vpsci_create() and vpsci_create_from_snapshot(). */
static void test_ops_sizes(void **state)
{
	struct vpsci_vm *vm = NULL;
	unsigned char snap[4096];
	struct big_ops big;
	size_t len;
	struct tcfg t;
	struct rec r;

	(void)state;
	setup(&t, &r, VPSCI_VERSION_1_0);
	memset(&big, 0, sizeof(big));
	big.o = rec_ops;

	big.o.size = OPS_FIRST - 1;
	assert_int_equal(create_sized(&t.cfg, &big.o, &r), VPSCI_E_INVAL);
	big.o.size = OPS_FIRST;
	assert_int_equal(create_sized(&t.cfg, &big.o, &r), VPSCI_OK);
	big.o.size = sizeof(big);
	assert_int_equal(create_sized(&t.cfg, &big.o, &r), VPSCI_OK);
	big.tail[0] = 0xff;
	assert_int_equal(create_sized(&t.cfg, &big.o, &r), VPSCI_E_INVAL);

	vm = mkvm(&t, &r);
	assert_int_equal(vpsci_snapshot(vm, snap, sizeof(snap), &len), VPSCI_OK);
	vpsci_destroy(vm);
	assert_int_equal(vpsci_create_from_snapshot(snap, len, &big.o, &r, &vm), VPSCI_E_INVAL);
	big.tail[0] = 0;
	assert_int_equal(vpsci_create_from_snapshot(snap, len, &big.o, &r, &vm), VPSCI_OK);
	vpsci_destroy(vm);
}

/*
 * The ops are copied: the table the caller passed may change or go away
 * after creation without the engine noticing.
 */
static void test_ops_copied(void **state)
{
	struct vpsci_ops ops = rec_ops;
	struct vpsci_vm *vm = NULL;
	struct tcfg t;
	struct rec r;

	(void)state;
	setup(&t, &r, VPSCI_VERSION_1_0);
	assert_int_equal(vpsci_create(&t.cfg, &ops, &r, &vm), VPSCI_OK);
	memset(&ops, 0, sizeof(ops));
	r.vm = vm;
	power_on(vm, 0, 1);
	assert_int_equal(atomic_load(&r.on_calls), 1);
	vpsci_destroy(vm);
}

/* A call of any accepted size; one of a newer header with an unknown field set. */
static void test_call_sizes(void **state)
{
	struct vpsci_result res = { .size = sizeof(res) };
	struct big_call big;
	struct rec r;
	struct vpsci_vm *vm = two_vcpus(VPSCI_VERSION_1_0, &r);

	(void)state;
	memset(&big, 0, sizeof(big));
	big.c.x[0] = VPSCI_FN32(VPSCI_FN_PSCI_VERSION);

	big.c.size = CALL_FIRST - 1;
	assert_int_equal(vpsci_call(vm, 0, &big.c, &res), VPSCI_E_INVAL);
	assert_cont(res, VPSCI_RET_NOT_SUPPORTED);
	big.c.size = CALL_FIRST;
	assert_int_equal(vpsci_call(vm, 0, &big.c, &res), VPSCI_OK);
	assert_int_equal(res.x[0], VPSCI_VERSION_1_0);
	big.c.size = sizeof(big);
	assert_int_equal(vpsci_call(vm, 0, &big.c, &res), VPSCI_OK);
	assert_int_equal(res.x[0], VPSCI_VERSION_1_0);
	big.tail[3] = 1;
	assert_int_equal(vpsci_call(vm, 0, &big.c, &res), VPSCI_E_INVAL);
	assert_cont(res, VPSCI_RET_NOT_SUPPORTED);
	vpsci_destroy(vm);
}

/*
 * Results: below the first layout nothing is written; a short one is written
 * up to its size (the bytes after it keep their value); a long one up to
 * ours; size says what was written either way.
 */
static void test_result_sizes(void **state)
{
	struct vpsci_call c = { .size = sizeof(c), .x = { VPSCI_FN32(VPSCI_FN_PSCI_VERSION) } };
	struct big_result big;
	unsigned char *p = (unsigned char *)&big;
	struct rec r;
	struct vpsci_vm *vm = two_vcpus(VPSCI_VERSION_1_1, &r);

	(void)state;

	memset(&big, 0xa5, sizeof(big));
	big.r.size = RESULT_FIRST - 1;
	assert_int_equal(vpsci_call(vm, 0, &c, &big.r), VPSCI_E_INVAL);
	assert_int_equal(big.r.size, RESULT_FIRST - 1);
	assert_int_equal(big.r.x[0], 0xa5a5a5a5a5a5a5a5ull);

	memset(&big, 0xa5, sizeof(big));
	big.r.size = RESULT_FIRST;
	assert_int_equal(vpsci_call(vm, 0, &c, &big.r), VPSCI_OK);
	assert_int_equal(big.r.size, RESULT_FIRST);
	assert_int_equal(big.r.x[0], VPSCI_VERSION_1_1);
	assert_int_equal(big.r.exit, VPSCI_EXIT_CONTINUE);
	for (size_t i = RESULT_FIRST; i < sizeof(big); i++)
		assert_int_equal(p[i], 0xa5);
	assert_true(VPSCI_HAS_FIELD(struct vpsci_result, &big.r, entry));

	memset(&big, 0xa5, sizeof(big));
	big.r.size = sizeof(big);
	assert_int_equal(vpsci_call(vm, 0, &c, &big.r), VPSCI_OK);
	assert_int_equal(big.r.size, sizeof(big.r));
	assert_int_equal(big.r.x[1], 0);
	for (size_t i = 0; i < TAIL; i++)
		assert_int_equal(big.tail[i], 0xa5);
	vpsci_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_sizes),
		cmocka_unit_test(test_ops_sizes),
		cmocka_unit_test(test_ops_copied),
		cmocka_unit_test(test_call_sizes),
		cmocka_unit_test(test_result_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
