// SPDX-License-Identifier: BSD-2-Clause
/*
 * PL031 real-time clock (ARM DDI 0224) at QEMU virt's address and SPI, so a
 * Linux guest has a wall clock and an alarm that can wake it from suspend
 * to RAM (rtcwake, /sys/class/rtc/rtc0/wakealarm).
 *
 * The counter is the host's CLOCK_REALTIME in seconds plus an offset the
 * guest moves by writing RTCLR. It keeps counting while the guest is
 * suspended, and across reboots in place (the offset is kept, as a battery
 * keeps a real RTC). An alarm thread sets the match interrupt when the
 * counter reaches RTCMR and drives its GIC SPI (2 on QEMU virt; hw/virt.c
 * places it) with RTCRIS & RTCIMSC: a suspended vCPU then wakes through
 * the in-kernel vGIC like any other interrupt (psci.c system_suspend()).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hw/amba.h"
#include "log.h"
#include "util/buf.h"

/* Register offsets (DDI 0224 3.2) */
#define RTC_DR		0x000	/* data: the counter (RO) */
#define RTC_MR		0x004	/* match */
#define RTC_LR		0x008	/* load: sets the counter */
#define RTC_CR		0x00c	/* control: bit 0 start */
#define RTC_IMSC	0x010	/* interrupt mask set/clear */
#define RTC_RIS		0x014	/* raw interrupt status */
#define RTC_MIS		0x018	/* masked interrupt status */
#define RTC_ICR		0x01c	/* interrupt clear (WO) */

#define RTC_INT		1u	/* the one interrupt: counter matched RTCMR */
#define RTC_SNAP_TYPE	8	/* docs/vm-snapshot.md: struct rtc_state */

/* The PL031's state in a snapshot (docs/vm-snapshot.md), host byte order. */
struct rtc_state {
	int64_t offset;			/* counter = host wall-clock seconds + offset */
	uint32_t mr, lr, cr, imsc, ris;
	uint32_t armed;			/* 1: an alarm is ahead (at counter == mr) */
};
_Static_assert(sizeof(struct rtc_state) == 32, "RTC section layout");

struct pl031 {
	struct amba_dev amba;	/* first: amba_mmio() finds it from dev->ctx */
	pthread_cond_t cond;	/* the alarm thread: a register that moves the alarm changed */
	int64_t offset;		/* counter = host seconds + offset (kept across boots) */
	uint32_t mr, lr, cr, imsc, ris;
	bool armed;		/* a match is ahead, at host second match_at */
	int64_t match_at;
};

static int64_t host_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec;
}

static uint32_t counter(const struct pl031 *rtc)
{
	return (uint32_t)(host_now() + rtc->offset);
}

static bool rtc_line(void *ctx)
{
	const struct pl031 *rtc = ctx;

	return (rtc->ris & rtc->imsc) != 0;
}

/*
 * RTCMR or the counter changed: the next match is when the counter next
 * steps onto RTCMR, up to 2^32 s ahead (a match equal to the counter now is
 * a full wrap away). Called with the lock held.
 */
static void rearm(struct pl031 *rtc)
{
	uint32_t delta = rtc->mr - counter(rtc);

	rtc->armed = true;
	rtc->match_at = host_now() + (delta ? (int64_t)delta : (int64_t)1 << 32);
	pthread_cond_signal(&rtc->cond);
}

/* The alarm: sleep until the match second, then raise the interrupt. */
static void *alarm_thread(void *arg)
{
	struct pl031 *rtc = arg;
	struct timespec ts = { 0 };

	pthread_mutex_lock(&rtc->amba.lock);
	for (;;) {
		if (!rtc->armed) {
			pthread_cond_wait(&rtc->cond, &rtc->amba.lock);
			continue;
		}
		if (host_now() >= rtc->match_at) {
			rtc->armed = false;
			rtc->ris |= RTC_INT;
			amba_update_irq(&rtc->amba);
			continue;
		}
		ts.tv_sec = (time_t)rtc->match_at;
		pthread_cond_timedwait(&rtc->cond, &rtc->amba.lock, &ts);
	}
	return NULL;
}

static uint32_t reg_read(void *ctx, uint64_t off)
{
	const struct pl031 *rtc = ctx;

	switch (off) {
	case RTC_DR:
		return counter(rtc);
	case RTC_MR:
		return rtc->mr;
	case RTC_LR:
		return rtc->lr;
	case RTC_CR:
		return rtc->cr;
	case RTC_IMSC:
		return rtc->imsc;
	case RTC_RIS:
		return rtc->ris;
	case RTC_MIS:
		return rtc->ris & rtc->imsc;
	default:
		return 0;
	}
}

static void reg_write(void *ctx, uint64_t off, uint32_t val)
{
	struct pl031 *rtc = ctx;

	switch (off) {
	case RTC_MR:
		rtc->mr = val;
		rearm(rtc);
		break;
	case RTC_LR:
		rtc->lr = val;
		rtc->offset = (int64_t)val - host_now();
		rearm(rtc);
		break;
	case RTC_CR:
		/* The counter cannot be stopped once started (DDI 0224 3.3.4). */
		rtc->cr |= val & 1u;
		break;
	case RTC_IMSC:
		rtc->imsc = val & RTC_INT;
		break;
	case RTC_ICR:
		rtc->ris &= ~(val & RTC_INT);
		break;
	default:
		break;	/* RO registers and holes: writes ignored */
	}
}

/* A new VM: registers at reset values, the time kept (a battery keeps it). */
static int rtc_attach(struct vmm_device *dev, struct vmm *vm,
		      const struct vmm_device_host *host)
{
	struct pl031 *rtc = dev->ctx;

	(void)vm;
	pthread_mutex_lock(&rtc->amba.lock);
	amba_attach(&rtc->amba, host);
	rtc->mr = rtc->lr = rtc->imsc = rtc->ris = 0;
	rtc->cr = 1;
	rtc->armed = false;
	pthread_mutex_unlock(&rtc->amba.lock);
	return 0;
}

static void rtc_detach(struct vmm_device *dev)
{
	struct pl031 *rtc = dev->ctx;

	pthread_mutex_lock(&rtc->amba.lock);
	amba_detach(&rtc->amba);
	rtc->armed = false;
	pthread_mutex_unlock(&rtc->amba.lock);
}

/*
 * The PL031 for a whole-VM snapshot (docs/vm-snapshot.md). The counter is
 * kept as its offset from the host's wall clock, so a restored guest's RTC
 * tells real time, as a battery-backed RTC does across a power cut; an armed
 * alarm stays armed for the same counter value.
 */
static int rtc_save(struct vmm_device *dev, struct vmm_buf *out)
{
	struct pl031 *rtc = dev->ctx;
	struct rtc_state s;

	memset(&s, 0, sizeof(s));
	pthread_mutex_lock(&rtc->amba.lock);
	s.offset = rtc->offset;
	s.mr = rtc->mr;
	s.lr = rtc->lr;
	s.cr = rtc->cr;
	s.imsc = rtc->imsc;
	s.ris = rtc->ris;
	s.armed = rtc->armed;
	pthread_mutex_unlock(&rtc->amba.lock);
	return vmm_buf_put(out, &s, sizeof(s));
}

static int rtc_check(const void *data, size_t len)
{
	struct rtc_state s;

	if (len != sizeof(s))
		return -EINVAL;
	memcpy(&s, data, sizeof(s));
	return s.armed <= 1 ? 0 : -EINVAL;
}

/* The snapshot's registers, its alarm re-armed and its interrupt line driven again. */
static int rtc_restore(struct vmm_device *dev, const void *data, size_t len)
{
	struct pl031 *rtc = dev->ctx;
	struct rtc_state s;

	if (rtc_check(data, len))
		return -EINVAL;
	memcpy(&s, data, sizeof(s));
	pthread_mutex_lock(&rtc->amba.lock);
	rtc->offset = s.offset;
	rtc->mr = s.mr;
	rtc->lr = s.lr;
	rtc->cr = s.cr;
	rtc->imsc = s.imsc;
	rtc->ris = s.ris & RTC_INT;
	rtc->armed = false;
	if (s.armed)
		rearm(rtc);
	amba_update_irq(&rtc->amba);
	pthread_mutex_unlock(&rtc->amba.lock);
	return 0;
}

static const struct amba_kind pl031_kind = {
	/* PrimeCell identification: PL031 (part 0x031, ARM, rev 1), as QEMU reports it */
	.periph_id = { 0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 },
	.compat = "arm,pl031",
	.clock_names = { "apb_pclk" },
	.nr_clocks = 1,
	.read = reg_read,
	.write = reg_write,
	.line = rtc_line,
};

static const struct vmm_device_ops pl031_ops = {
	.name = "pl031",
	.snap_type = RTC_SNAP_TYPE,
	.wake_reason = "rtc",
	.mmio = amba_mmio,
	.fdt = amba_fdt,
	.attach = rtc_attach,
	.detach = rtc_detach,
	.save = rtc_save,
	.check = rtc_check,
	.restore = rtc_restore,
};

/* The RTC, once per run: counting from the host's time, its alarm thread started. */
struct vmm_device *pl031_new(uint64_t base, uint64_t size, uint32_t spi)
{
	struct pl031 *rtc = amba_new(sizeof(*rtc), &pl031_ops, &pl031_kind, base, size, spi);

	if (!rtc)
		return NULL;
	pthread_cond_init(&rtc->cond, NULL);
	rtc->cr = 1;
	return amba_start(&rtc->amba, alarm_thread);
}
