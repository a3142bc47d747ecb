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
 * counter reaches RTCMR and drives GIC SPI 2 (KVM_IRQ_LINE) with
 * RTCRIS & RTCIMSC: a suspended vCPU then wakes through the in-kernel vGIC
 * like any other interrupt (psci.c system_suspend()).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <libfdt.h>

#include "vmm.h"

/* Register offsets (DDI 0224 3.2) */
#define RTC_DR		0x000	/* data: the counter (RO) */
#define RTC_MR		0x004	/* match */
#define RTC_LR		0x008	/* load: sets the counter */
#define RTC_CR		0x00c	/* control: bit 0 start */
#define RTC_IMSC	0x010	/* interrupt mask set/clear */
#define RTC_RIS		0x014	/* raw interrupt status */
#define RTC_MIS		0x018	/* masked interrupt status */
#define RTC_ICR		0x01c	/* interrupt clear (WO) */
#define RTC_PERIPH_ID	0xfe0

#define RTC_INT		1u	/* the one interrupt: counter matched RTCMR */

/* PrimeCell identification: PL031 (part 0x031, ARM, rev 1), as QEMU reports it */
static const uint8_t pl031_id[8] = { 0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* the alarm thread: a register that moves the alarm changed */
	struct vmm *vm;		/* attached VM, or NULL between boots */
	int64_t offset;		/* counter = host seconds + offset (kept across boots) */
	uint32_t mr, lr, cr, imsc, ris;
	bool armed;		/* a match is ahead, at host second match_at */
	int64_t match_at;
	bool irq_level;
	struct vmm_rtc_state restore;	/* rtc_set_restore(): applied at the next attach */
	bool have_restore;
} rtc = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

static int64_t host_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec;
}

static uint32_t counter(void)
{
	return (uint32_t)(host_now() + rtc.offset);
}

/* Drive the SPI from RIS & IMSC; called with rtc.lock held. */
static void update_irq(void)
{
	bool level = (rtc.ris & rtc.imsc) != 0;
	struct kvm_irq_level irq;

	if (!rtc.vm || level == rtc.irq_level)
		return;
	irq.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (32 + VMM_RTC_SPI);
	irq.level = level;
	if (ioctl(rtc.vm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		vmm_log("rtc: KVM_IRQ_LINE: %s", strerror(errno));
	else
		rtc.irq_level = level;
}

/*
 * RTCMR or the counter changed: the next match is when the counter next
 * steps onto RTCMR, up to 2^32 s ahead (a match equal to the counter now is
 * a full wrap away). Called with rtc.lock held.
 */
static void rearm(void)
{
	uint32_t delta = rtc.mr - counter();

	rtc.armed = true;
	rtc.match_at = host_now() + (delta ? (int64_t)delta : (int64_t)1 << 32);
	pthread_cond_signal(&rtc.cond);
}

/* The alarm: sleep until the match second, then raise the interrupt. */
static void *alarm_thread(void *arg)
{
	struct timespec ts = { 0 };

	(void)arg;
	pthread_mutex_lock(&rtc.lock);
	for (;;) {
		if (!rtc.armed) {
			pthread_cond_wait(&rtc.cond, &rtc.lock);
			continue;
		}
		if (host_now() >= rtc.match_at) {
			rtc.armed = false;
			rtc.ris |= RTC_INT;
			update_irq();
			continue;
		}
		ts.tv_sec = (time_t)rtc.match_at;
		pthread_cond_timedwait(&rtc.cond, &rtc.lock, &ts);
	}
	return NULL;
}

static uint32_t reg_read(uint64_t off)
{
	switch (off) {
	case RTC_DR:
		return counter();
	case RTC_MR:
		return rtc.mr;
	case RTC_LR:
		return rtc.lr;
	case RTC_CR:
		return rtc.cr;
	case RTC_IMSC:
		return rtc.imsc;
	case RTC_RIS:
		return rtc.ris;
	case RTC_MIS:
		return rtc.ris & rtc.imsc;
	default:
		if (off >= RTC_PERIPH_ID && off < RTC_PERIPH_ID + 32 && !(off & 3))
			return pl031_id[(off - RTC_PERIPH_ID) / 4];
		return 0;
	}
}

static void reg_write(uint64_t off, uint32_t val)
{
	switch (off) {
	case RTC_MR:
		rtc.mr = val;
		rearm();
		break;
	case RTC_LR:
		rtc.lr = val;
		rtc.offset = (int64_t)val - host_now();
		rearm();
		break;
	case RTC_CR:
		/* The counter cannot be stopped once started (DDI 0224 3.3.4). */
		rtc.cr |= val & 1u;
		break;
	case RTC_IMSC:
		rtc.imsc = val & RTC_INT;
		break;
	case RTC_ICR:
		rtc.ris &= ~(val & RTC_INT);
		break;
	default:
		break;	/* RO registers and holes: writes ignored */
	}
}

/* MMIO exit in the RTC window. Returns false when addr is not ours. */
bool rtc_mmio(uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	uint32_t val = 0;
	uint64_t off;

	if (addr < VMM_RTC_BASE || addr >= VMM_RTC_BASE + VMM_RTC_SIZE)
		return false;
	off = addr - VMM_RTC_BASE;
	if (len > 4)
		len = 4;
	pthread_mutex_lock(&rtc.lock);
	if (is_write) {
		memcpy(&val, data, len);
		reg_write(off, val);
	} else {
		val = reg_read(off);
		memcpy(data, &val, len);
	}
	update_irq();
	pthread_mutex_unlock(&rtc.lock);
	return true;
}

/* Whether the RTC drives its interrupt line (a wake-up's likely cause). */
bool rtc_irq_level(void)
{
	bool level;

	pthread_mutex_lock(&rtc.lock);
	level = rtc.vm && rtc.irq_level;
	pthread_mutex_unlock(&rtc.lock);
	return level;
}

/* Once per run: the alarm thread, which never takes a signal. */
int rtc_init(void)
{
	pthread_t t;
	sigset_t all, old;
	int r;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&t, NULL, alarm_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r) {
		vmm_log("rtc: cannot start the alarm thread: %s", strerror(r));
		return -1;
	}
	pthread_detach(t);
	return 0;
}

/*
 * Connect to a freshly built VM: registers at reset values, the time kept;
 * or, after rtc_set_restore(), the snapshot's registers, its alarm re-armed
 * and its interrupt line driven again.
 */
void rtc_attach(struct vmm *vm)
{
	pthread_mutex_lock(&rtc.lock);
	rtc.vm = vm;
	rtc.mr = rtc.lr = rtc.imsc = rtc.ris = 0;
	rtc.cr = 1;
	rtc.armed = false;
	rtc.irq_level = false;
	if (rtc.have_restore) {
		const struct vmm_rtc_state *r = &rtc.restore;

		rtc.have_restore = false;
		rtc.offset = r->offset;
		rtc.mr = r->mr;
		rtc.lr = r->lr;
		rtc.cr = r->cr;
		rtc.imsc = r->imsc;
		rtc.ris = r->ris & RTC_INT;
		if (r->armed)
			rearm();
		update_irq();
	}
	pthread_mutex_unlock(&rtc.lock);
}

/*
 * The PL031 for a whole-VM snapshot (docs/vm-snapshot.md). The counter is
 * kept as its offset from the host's wall clock, so a restored guest's RTC
 * tells real time, as a battery-backed RTC does across a power cut; an armed
 * alarm stays armed for the same counter value.
 */
void rtc_save(struct vmm_rtc_state *s)
{
	pthread_mutex_lock(&rtc.lock);
	memset(s, 0, sizeof(*s));
	s->offset = rtc.offset;
	s->mr = rtc.mr;
	s->lr = rtc.lr;
	s->cr = rtc.cr;
	s->imsc = rtc.imsc;
	s->ris = rtc.ris;
	s->armed = rtc.armed;
	pthread_mutex_unlock(&rtc.lock);
}

void rtc_set_restore(const struct vmm_rtc_state *s)
{
	pthread_mutex_lock(&rtc.lock);
	rtc.restore = *s;
	rtc.have_restore = true;
	pthread_mutex_unlock(&rtc.lock);
}

void rtc_detach(void)
{
	pthread_mutex_lock(&rtc.lock);
	rtc.vm = NULL;
	rtc.armed = false;
	pthread_mutex_unlock(&rtc.lock);
}

/*
 * The device-tree node, as on QEMU virt (Linux binding arm,pl031): an AMBA
 * PrimeCell, so it needs its bus clock (apb_pclk) to probe.
 * Returns 0 or a libfdt error.
 */
int rtc_fdt_add(void *fdt, uint32_t clk_phandle)
{
	static const char compat[] = "arm,pl031\0arm,primecell";
	fdt64_t reg[2] = { cpu_to_fdt64(VMM_RTC_BASE), cpu_to_fdt64(VMM_RTC_SIZE) };
	/* GIC SPI, number, level-high (arm,gic-v3.yaml) */
	fdt32_t irq[3] = { cpu_to_fdt32(0), cpu_to_fdt32(VMM_RTC_SPI), cpu_to_fdt32(4) };
	int n, r;

	n = fdt_add_subnode(fdt, 0, "pl031@9010000");
	if (n < 0)
		return n;
	r = fdt_setprop(fdt, n, "compatible", compat, sizeof(compat));
	if (!r)
		r = fdt_setprop(fdt, n, "reg", reg, sizeof(reg));
	if (!r)
		r = fdt_setprop(fdt, n, "interrupts", irq, sizeof(irq));
	if (!r)
		r = fdt_setprop_u32(fdt, n, "clocks", clk_phandle);
	if (!r)
		r = fdt_setprop_string(fdt, n, "clock-names", "apb_pclk");
	return r;
}
