// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of vpsci-run's device registry and MMIO bus (vmm/bus.c), with
 * fake devices and a fake VM behind struct vmm_vm_ops: windows that overlap
 * are refused, accesses reach the right device at the right offset,
 * instances count per kind, attach/detach run in order and reverse order,
 * a failed attach undoes every device, and the wake-up reason names the
 * device whose line rose last.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "device.h"

struct fake {
	struct vmm_device dev;
	uint64_t last_off;
	unsigned int accesses;
	int attach_ret;
	const struct vmm_device_host *host;
};

static char order[64];	/* "A0 A1 D1 D0 ...": attach / detach, by instance */

static void note(char what, const struct vmm_device *d)
{
	size_t n = strlen(order);

	if (n + 4 < sizeof(order)) {
		order[n] = what;
		order[n + 1] = (char)('0' + d->instance);
		order[n + 2] = ' ';
		order[n + 3] = 0;
	}
}

static void fake_mmio(struct vmm_device *dev, uint64_t off, uint8_t *data, uint32_t len,
		      bool is_write)
{
	struct fake *f = dev->ctx;

	(void)data;
	(void)len;
	(void)is_write;
	f->last_off = off;
	f->accesses++;
}

static int fake_attach(struct vmm_device *dev, struct vmm *vm, const struct vmm_device_host *h)
{
	struct fake *f = dev->ctx;

	(void)vm;
	note('A', dev);
	f->host = h;
	return f->attach_ret;
}

static void fake_detach(struct vmm_device *dev)
{
	note('D', dev);
	((struct fake *)dev->ctx)->host = NULL;
}

static const struct vmm_device_ops fake_ops = {
	.name = "fake", .snap_type = 100, .wake_reason = "fake",
	.mmio = fake_mmio, .attach = fake_attach, .detach = fake_detach,
};
static const struct vmm_device_ops other_ops = {
	.name = "other", .snap_type = 101, .wake_reason = "other",
	.mmio = fake_mmio, .attach = fake_attach, .detach = fake_detach,
};
static const struct vmm_device_ops clash_ops = {
	.name = "clash", .snap_type = 100, .mmio = fake_mmio,
};

static int irq_calls;
static void *stopped_vm;

static int vm_set_irq(struct vmm *vm, uint32_t spi, bool level)
{
	(void)vm;
	(void)spi;
	(void)level;
	irq_calls++;
	return 0;
}

static void vm_wake(struct vmm *vm, const char *reason)
{
	(void)vm;
	(void)reason;
}

static void vm_stop(struct vmm *vm)
{
	stopped_vm = vm;
}

static const struct vmm_vm_ops fake_vm_ops = {
	.set_irq = vm_set_irq, .wake = vm_wake, .request_stop = vm_stop,
};

/* The registry, its devices reaching the fake VM. */
static void init(struct vmm_devices *r)
{
	vmm_devices_init(r, &fake_vm_ops);
}

static void fake_init(struct fake *f, const struct vmm_device_ops *ops, uint64_t base,
		      uint64_t size)
{
	memset(f, 0, sizeof(*f));
	f->dev = (struct vmm_device){ .ops = ops, .ctx = f, .mmio_base = base, .mmio_size = size };
}

/* Aim: a window overlapping a registered one, by one byte either side, is refused. */
static void test_overlap_refused(void **state)
{
	struct vmm_devices r;
	struct fake a, b, c, d, e;

	(void)state;
	init(&r);
	fake_init(&a, &fake_ops, 0x1000, 0x1000);
	fake_init(&b, &fake_ops, 0x1fff, 0x10);	/* last byte of a */
	fake_init(&c, &fake_ops, 0x0800, 0x801);	/* first byte of a */
	fake_init(&d, &fake_ops, 0x2000, 0x1000);	/* adjacent: fine */
	fake_init(&e, &fake_ops, 0, 0);			/* no window: never overlaps */
	assert_int_equal(vmm_device_register(&r, &a.dev), 0);
	assert_int_equal(vmm_device_register(&r, &b.dev), -EEXIST);
	assert_int_equal(vmm_device_register(&r, &c.dev), -EEXIST);
	assert_int_equal(vmm_device_register(&r, &d.dev), 0);
	assert_int_equal(vmm_device_register(&r, &e.dev), 0);
	assert_int_equal(r.nr, 3);
}

/* Aim: two kinds with one snapshot type, a wrapping window or a bad SPI are refused. */
static void test_bad_devices_refused(void **state)
{
	struct vmm_devices r;
	struct fake a, b, c, d;

	(void)state;
	init(&r);
	fake_init(&a, &fake_ops, 0x1000, 0x1000);
	fake_init(&b, &clash_ops, 0x4000, 0x1000);
	fake_init(&c, &other_ops, UINT64_MAX - 0xff, 0x1000);
	fake_init(&d, &other_ops, 0x8000, 0x1000);
	d.dev.spi = 1000;
	assert_int_equal(vmm_device_register(&r, &a.dev), 0);
	assert_int_equal(vmm_device_register(&r, &b.dev), -EEXIST);
	assert_int_equal(vmm_device_register(&r, &c.dev), -EINVAL);
	assert_int_equal(vmm_device_register(&r, &d.dev), -EINVAL);
}

/* Aim: an access reaches the device holding the address, as an offset; others miss. */
static void test_bus_dispatch(void **state)
{
	struct vmm_devices r;
	struct fake a, b, c;
	uint8_t data[8] = { 0 };

	(void)state;
	init(&r);
	fake_init(&a, &fake_ops, 0x09000000, 0x1000);
	fake_init(&b, &other_ops, 0x09010000, 0x1000);
	fake_init(&c, &fake_ops, 0x09020000, 0x1000);
	assert_int_equal(vmm_device_register(&r, &a.dev), 0);
	assert_int_equal(vmm_device_register(&r, &b.dev), 0);
	assert_int_equal(vmm_device_register(&r, &c.dev), 0);
	assert_true(vmm_bus_mmio(&r, 0x09010018, data, 4, false));
	assert_int_equal(b.accesses, 1);
	assert_int_equal(b.last_off, 0x18);
	assert_true(vmm_bus_mmio(&r, 0x09020fff, data, 1, true));
	assert_int_equal(c.last_off, 0xfff);
	assert_false(vmm_bus_mmio(&r, 0x09001000, data, 4, false));
	assert_false(vmm_bus_mmio(&r, 0x08ffffff, data, 4, false));
	assert_int_equal(a.accesses, 0);
	/* instances count per kind; find() keys on (snap_type, instance) */
	assert_int_equal(a.dev.instance, 0);
	assert_int_equal(b.dev.instance, 0);
	assert_int_equal(c.dev.instance, 1);
	assert_ptr_equal(vmm_device_find(&r, 100, 1), &c.dev);
	assert_null(vmm_device_find(&r, 101, 1));
}

/* Aim: attach in order, detach in reverse; a failed attach leaves every device detached. */
static void test_attach_order_and_failure(void **state)
{
	struct vmm_devices r;
	struct fake a, b, c;
	int vm;

	(void)state;
	init(&r);
	fake_init(&a, &fake_ops, 0x1000, 0x1000);
	fake_init(&b, &fake_ops, 0x2000, 0x1000);
	fake_init(&c, &fake_ops, 0x3000, 0x1000);
	assert_int_equal(vmm_device_register(&r, &a.dev), 0);
	assert_int_equal(vmm_device_register(&r, &b.dev), 0);
	assert_int_equal(vmm_device_register(&r, &c.dev), 0);
	order[0] = 0;
	assert_int_equal(vmm_devices_attach(&r, (struct vmm *)&vm), 0);
	vmm_devices_detach(&r);
	vmm_devices_detach(&r);		/* twice: nothing more */
	assert_string_equal(order, "A0 A1 A2 D2 D1 D0 ");
	order[0] = 0;
	b.attach_ret = -ENOMEM;
	assert_int_equal(vmm_devices_attach(&r, (struct vmm *)&vm), -ENOMEM);
	assert_string_equal(order, "A0 A1 D1 D0 ");
	assert_null(a.host);
	/* the stop request reaches the VM the device is attached to */
	b.attach_ret = 0;
	assert_int_equal(vmm_devices_attach(&r, (struct vmm *)&vm), 0);
	a.host->request_stop(a.host->opaque);
	assert_ptr_equal(stopped_vm, &vm);
	vmm_devices_detach(&r);
}

/* Aim: the wake-up reason is the device whose line rose last among those still high. */
static void test_irq_source(void **state)
{
	struct vmm_devices r;
	struct fake a, b;
	int vm;

	(void)state;
	init(&r);
	fake_init(&a, &fake_ops, 0x1000, 0x1000);
	fake_init(&b, &other_ops, 0x2000, 0x1000);
	assert_int_equal(vmm_device_register(&r, &a.dev), 0);
	assert_int_equal(vmm_device_register(&r, &b.dev), 0);
	assert_int_equal(vmm_devices_attach(&r, (struct vmm *)&vm), 0);
	assert_null(vmm_devices_irq_source(&r));
	irq_calls = 0;
	assert_int_equal(b.host->set_irq(b.host->opaque, true), 0);
	assert_int_equal(a.host->set_irq(a.host->opaque, true), 0);
	assert_int_equal(irq_calls, 2);
	assert_string_equal(vmm_devices_irq_source(&r), "fake");
	assert_int_equal(a.host->set_irq(a.host->opaque, false), 0);
	assert_string_equal(vmm_devices_irq_source(&r), "other");
	vmm_devices_detach(&r);
	assert_null(vmm_devices_irq_source(&r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlap_refused),
		cmocka_unit_test(test_bad_devices_refused),
		cmocka_unit_test(test_bus_dispatch),
		cmocka_unit_test(test_attach_order_and_failure),
		cmocka_unit_test(test_irq_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
