// SPDX-License-Identifier: BSD-2-Clause
/*
 * minimal-vmm [-c CPUS] [-m MIB] [-a BOOTARGS] [-s] IMAGE: the smallest KVM/arm64
 * VMM whose PSCI is libvpsci's, in the "user" mode of docs/embedding.md (the
 * SMCCC filter forwards the whole PSCI range; the engine answers every call),
 * written from that guide and include/vpsci/ only; "step N" is the guide's.
 * Boots an arm64 Image with CPUS vCPUs (4), MIB MiB of RAM (256), a vGICv3,
 * the architected timer and a write-only PL011; PSCI 1.3 over HVC (-s: SMC),
 * SYSTEM_SUSPEND.
 * Exit status: 0 SYSTEM_OFF, 4 SYSTEM_OFF2 (hibernated), 5 SYSTEM_RESET or
 * RESET2 (no reboot in place), 3 the guest crashed the VM, 1 host error, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libfdt.h>
#include <linux/kvm.h>

#include <vpsci/vpsci.h>
#include <vpsci/vpsci_fdt.h>

#ifndef KVM_ARM_VM_SMCCC_FILTER
#error "needs Linux >= 6.4 UAPI headers (KVM_ARM_VM_SMCCC_FILTER)"
#endif

/* Guest physical layout, as QEMU's virt machine has it. */
#define GICD_BASE	0x08000000ull
#define GICR_BASE	0x080a0000ull	/* 2 x 64 KiB frames per vCPU */
#define UART_BASE	0x09000000ull
#define RAM_BASE	0x40000000ull
#define MAX_VCPUS	64
#define DTB_SIZE	0x10000u

/* KVM register IDs (psci-facts.md 6, <asm/kvm.h>) */
#define REG_X(n)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | (2ull * (n)))
#define REG_SP		REG_X(31)
#define REG_PC		REG_X(32)
#define REG_PSTATE	REG_X(33)
#define REG_SP_EL1	REG_X(34)
#define REG_MPIDR	ARM64_SYS_REG(3, 0, 0, 0, 5)
#define REG_SCTLR	ARM64_SYS_REG(3, 0, 1, 0, 0)
#define SCTLR_MCI	((1ull << 0) | (1ull << 2) | (1ull << 12))	/* MMU, caches */
#define SCTLR_EE	(1ull << 25)
#define PSTATE_AARCH32	0x10ull

#define EXIT_RUNNING	(-1)
#define EXIT_HOST	1
#define EXIT_CRASH	3

struct vcpu {
	uint32_t idx;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	pthread_mutex_t lock;		/* the hand-over below */
	pthread_cond_t cond;
	bool start;			/* ops->cpu_on asked for a start at 'entry' */
	struct vpsci_entry entry;
	bool stopped;			/* the thread left its loop */
	atomic_bool stop;		/* ops->cpu_stop or the end of the VM */
	enum { AWAKE, CPU_SUSPENDED, SYSTEM_SUSPENDED } sleep;	/* in KVM's suspended state */
	struct vpsci_result susp;	/* the CPU_SUSPEND or SYSTEM_SUSPEND result */
};

static struct {
	int kvm, fd, gic;
	uint8_t *ram;
	uint64_t ram_size;
	uint32_t nr;
	enum vpsci_conduit conduit;	/* what the DT says; both reach KVM */
	struct kvm_vcpu_init init;	/* preferred target, PSCI 0.2 feature */
	struct vpsci_vm *psci;
	struct vcpu vcpus[MAX_VCPUS];
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int exit_status;		/* EXIT_RUNNING until the VM ends */
} vm = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER,
	 .exit_status = EXIT_RUNNING };

/* Host failures before the VM runs end the program (kvmtool's die()). */
static void die(const char *what)
{
	fprintf(stderr, "minimal-vmm: %s: %s\n", what, strerror(errno));
	exit(EXIT_HOST);
}

static void finish(int status)
{
	pthread_mutex_lock(&vm.lock);
	if (vm.exit_status == EXIT_RUNNING)
		vm.exit_status = status;
	pthread_cond_broadcast(&vm.cond);
	pthread_mutex_unlock(&vm.lock);
}

/* One register per ioctl: arm64 KVM has no bulk register access. */
static int get_reg(struct vcpu *v, uint64_t id, uint64_t *val)
{
	return ioctl(v->fd, KVM_GET_ONE_REG, &(struct kvm_one_reg){ id, (uintptr_t)val });
}

static int set_reg(struct vcpu *v, uint64_t id, uint64_t val)
{
	return ioctl(v->fd, KVM_SET_ONE_REG, &(struct kvm_one_reg){ id, (uintptr_t)&val });
}

/* ---- step 4: the ops, each run on the calling vCPU's thread ----------- */

/* Hand the start to the target's own thread (the thread rule, step 3). */
static int op_cpu_on(void *opaque, uint32_t idx, const struct vpsci_entry *e)
{
	struct vcpu *v = &vm.vcpus[idx];
	int ret = 0;

	(void)opaque;
	pthread_mutex_lock(&v->lock);
	if (atomic_load(&v->stop)) {
		ret = -1;	/* the VM is going down: the guest sees INTERNAL_FAILURE */
	} else {
		v->entry = *e;
		v->start = true;	/* kept even if the target has not parked yet */
		pthread_cond_broadcast(&v->cond);
	}
	pthread_mutex_unlock(&v->lock);
	return ret;
}

/* Stop a vCPU and wait until its thread has left KVM_RUN for good. */
static void stop_vcpu(struct vcpu *v)
{
	atomic_store(&v->stop, true);
	/* Before the signal: a thread on its way into KVM_RUN cannot miss both. */
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&v->lock);
	pthread_cond_broadcast(&v->cond);	/* a parked thread */
	while (!v->stopped) {	/* a running one: kick until it says so */
		pthread_kill(v->thread, SIGUSR2);
		pthread_mutex_unlock(&v->lock);
		usleep(1000);
		pthread_mutex_lock(&v->lock);
	}
	pthread_mutex_unlock(&v->lock);
}

static void op_cpu_stop(void *opaque, uint32_t idx)
{
	(void)opaque;
	stop_vcpu(&vm.vcpus[idx]);
}

/* No system_event hook: the event comes back in vpsci_result.event (step 7). */
static const struct vpsci_ops ops = {
	.size = sizeof(ops),
	.cpu_on = op_cpu_on,
	.cpu_stop = op_cpu_stop,
};

/* ---- vCPU state changes ---------------------------------------------- */

/*
 * Step 6, CPU_ON: start this vCPU at a PSCI entry point from a clean
 * architectural state: KVM_ARM_VCPU_INIT again (a full reset, RUNNABLE,
 * EL1h with DAIF masked), then PC and x0 = context id.
 */
static int enter_at(struct vcpu *v, const struct vpsci_entry *e)
{
	uint64_t sctlr;

	if (e->aarch32 || ioctl(v->fd, KVM_ARM_VCPU_INIT, &vm.init) < 0 ||
	    set_reg(v, REG_PC, e->pc) < 0 || set_reg(v, REG_X(0), e->context_id) < 0)
		return -1;
	if (!e->big_endian)
		return 0;
	return get_reg(v, REG_SCTLR, &sctlr) < 0 ? -1 : set_reg(v, REG_SCTLR, sctlr | SCTLR_EE);
}

/*
 * Step 6, power-down CPU_SUSPEND wake-up: the same clean entry, but without
 * KVM_ARM_VCPU_INIT (the guide's pitfall 7: it hung Linux guests): x1..x30
 * and the stack pointers zero, MMU and caches off.
 */
static int resume_at(struct vcpu *v, const struct vpsci_entry *e)
{
	uint64_t sctlr;

	for (int i = 1; i < 31; i++)
		if (set_reg(v, REG_X(i), 0) < 0)
			return -1;
	if (set_reg(v, REG_SP, 0) < 0 || set_reg(v, REG_SP_EL1, 0) < 0 ||
	    set_reg(v, REG_X(0), e->context_id) < 0 || set_reg(v, REG_PC, e->pc) < 0 ||
	    set_reg(v, REG_PSTATE, VPSCI_ENTRY_PSTATE_AARCH64) < 0 ||
	    get_reg(v, REG_SCTLR, &sctlr) < 0)
		return -1;
	sctlr &= ~(SCTLR_MCI | SCTLR_EE);
	return set_reg(v, REG_SCTLR, sctlr | (e->big_endian ? SCTLR_EE : 0));
}

/* An off vCPU waits here, in userspace, never in KVM_RUN. Returns 0 started, -1 stop. */
static int park(struct vcpu *v)
{
	struct vpsci_entry e;

	pthread_mutex_lock(&v->lock);
	while (!v->start && !atomic_load(&v->stop))
		pthread_cond_wait(&v->cond, &v->lock);
	e = v->entry;
	v->start = false;
	pthread_mutex_unlock(&v->lock);
	if (atomic_load(&v->stop))
		return -1;
	if (enter_at(v, &e) < 0) {
		perror("minimal-vmm: CPU_ON entry");
		finish(EXIT_HOST);
		return -1;
	}
	return 0;
}

static int write_x(struct vcpu *v, const uint64_t x[4])
{
	for (int i = 0; i < 4; i++)
		if (set_reg(v, REG_X(i), x[i]) < 0)
			return -1;
	return 0;
}

/*
 * Step 6, CPU_SUSPEND and SYSTEM_SUSPEND: sleep in KVM's suspended state (a
 * WFI) until an interrupt is pending for this vCPU: KVM_RUN then exits with
 * a WAKEUP system event.
 */
static int suspend(struct vcpu *v, const struct vpsci_result *res, bool system)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_SUSPENDED };

	v->susp = *res;
	v->sleep = system ? SYSTEM_SUSPENDED : CPU_SUSPENDED;
	return ioctl(v->fd, KVM_SET_MP_STATE, &mp);
}

/* Wake-up: the engine first; then power-down/SYSTEM_SUSPEND restart at the entry. */
static int wake(struct vcpu *v)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	bool system = v->sleep == SYSTEM_SUSPENDED;

	v->sleep = AWAKE;
	if (ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0)
		return -1;
	if (system)
		return vpsci_system_wake(vm.psci) < 0 ? -1 : enter_at(v, &v->susp.event.entry);
	if (vpsci_vcpu_wake(vm.psci, v->idx) < 0)
		return -1;
	return v->susp.powerdown ? resume_at(v, &v->susp.entry) : write_x(v, v->susp.x);
}

/* ---- step 5: one forwarded call -------------------------------------- */

/* Exit status per system event (SUSPEND is handled in hypercall()). */
static const int event_status[] = {
	[VPSCI_EVENT_OFF] = 0, [VPSCI_EVENT_HIBERNATE_OFF] = 4, [VPSCI_EVENT_RESET] = 5,
	[VPSCI_EVENT_RESET2] = 5, [VPSCI_EVENT_SUSPEND] = EXIT_CRASH,
};

/* KVM_EXIT_HYPERCALL. Returns 0 go on, 1 the VM is over, -1 host error. */
static int hypercall(struct vcpu *v)
{
	struct vpsci_call call = { .size = sizeof(call) };
	struct vpsci_result res = { .size = sizeof(res) };
	uint64_t pstate, sctlr;

	call.x[0] = v->run->hypercall.nr;	/* KVM passes only the ID and flags */
	for (int i = 1; i < 4; i++)
		if (get_reg(v, REG_X(i), &call.x[i]) < 0)
			return -1;
	/* SCTLR_EL1.EE matters only to the calls with an entry point (step 5). */
	if (get_reg(v, REG_PSTATE, &pstate) < 0 || get_reg(v, REG_SCTLR, &sctlr) < 0)
		return -1;
	call.conduit = (v->run->hypercall.flags & KVM_HYPERCALL_EXIT_SMC) ? VPSCI_CONDUIT_SMC :
									    VPSCI_CONDUIT_HVC;
	call.aarch32 = (pstate & PSTATE_AARCH32) != 0;
	call.big_endian = (sctlr & SCTLR_EE) != 0;
	if (vpsci_call(vm.psci, v->idx, &call, &res) < 0)
		return -1;

	switch (res.exit) {
	case VPSCI_EXIT_CONTINUE:	/* the PC is already past the HVC/SMC */
		return write_x(v, res.x);
	case VPSCI_EXIT_OFF:
		return park(v) < 0 ? 1 : 0;
	case VPSCI_EXIT_SUSPEND:
		return suspend(v, &res, false);
	case VPSCI_EXIT_SYSTEM_EVENT:	/* every other vCPU is stopped or off already */
		fprintf(stderr, "minimal-vmm: system event %u from vcpu%u\n",
			(unsigned int)res.event.type, res.event.caller);
		if (res.event.type == VPSCI_EVENT_SUSPEND)
			return suspend(v, &res, true);
		finish(res.event.type < sizeof(event_status) / sizeof(event_status[0]) ?
		       event_status[res.event.type] : EXIT_CRASH);
		return 1;
	}
	return -1;
}

/* ---- step 3: the vCPU thread ----------------------------------------- */

static void kick(int sig)
{
	(void)sig;
}

/* One KVM_RUN exit. Returns 0 go on, 1 this thread is done. */
static int handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	int r;

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:	/* PL011: DR writes go to stdout; reads are 0 */
		if (run->mmio.is_write && run->mmio.phys_addr == UART_BASE)
			putchar(run->mmio.data[0]);
		else if (!run->mmio.is_write)
			memset(run->mmio.data, 0, sizeof(run->mmio.data));
		return 0;
	case KVM_EXIT_HYPERCALL:
		r = hypercall(v);
		if (r < 0) {
			fprintf(stderr, "minimal-vmm: vcpu%u: PSCI call: %s\n", v->idx,
				strerror(errno));
			finish(EXIT_HOST);
		}
		return r != 0;
	case KVM_EXIT_SYSTEM_EVENT:
		if (run->system_event.type == KVM_SYSTEM_EVENT_WAKEUP && v->sleep != AWAKE &&
		    wake(v) == 0)
			return 0;
		break;	/* no other event: KVM never sees a PSCI call here */
	case KVM_EXIT_INTR:
		return 0;
	}
	fprintf(stderr, "minimal-vmm: vcpu%u: unexpected exit %u\n", v->idx, run->exit_reason);
	finish(EXIT_CRASH);
	return 1;
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	bool done = v->idx != 0 && park(v) < 0;	/* secondaries start off */

	while (!done && !atomic_load(&v->stop)) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
				continue;
			}
			perror("minimal-vmm: KVM_RUN");
			finish(EXIT_HOST);
			break;
		}
		done = handle_exit(v);
	}
	fflush(stdout);
	pthread_mutex_lock(&v->lock);
	v->stopped = true;
	pthread_cond_broadcast(&v->cond);
	pthread_mutex_unlock(&v->lock);
	return NULL;
}

/* ---- steps 1-2: the machine ------------------------------------------ */

static void fdt_check(int r, const char *what)
{
	if (r < 0) {
		fprintf(stderr, "minimal-vmm: device tree, %s: %s\n", what, fdt_strerror(r));
		exit(EXIT_HOST);
	}
}

static void fdt_reg(void *fdt, int node, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	fdt_check(fdt_setprop(fdt, node, "reg", reg, sizeof(reg)), "reg");
}

/* Step 2: memory, GIC, timer, UART by hand; /cpus and /psci from the engine. */
static void build_dtb(void *fdt, const char *bootargs)
{
	static const char pl011[] = "arm,pl011\0arm,primecell";
	static const char timer[] = "arm,armv8-timer\0arm,armv7-timer";
	static const uint32_t ppis[4] = { 13, 14, 11, 10 };	/* secure, non-secure, virt, hyp */
	int n, err = 0;

	fdt_check(fdt_create_empty_tree(fdt, DTB_SIZE), "create");
	fdt_check(fdt_setprop_string(fdt, 0, "compatible", "linux,dummy-virt"), "root");
	fdt_check(fdt_setprop_u32(fdt, 0, "#address-cells", 2), "root");
	fdt_check(fdt_setprop_u32(fdt, 0, "#size-cells", 2), "root");
	fdt_check(fdt_setprop_u32(fdt, 0, "interrupt-parent", 1), "root");
	fdt_check(n = fdt_add_subnode(fdt, 0, "chosen"), "chosen");
	fdt_check(fdt_setprop_string(fdt, n, "bootargs", bootargs), "bootargs");
	fdt_check(fdt_setprop_string(fdt, n, "stdout-path", "/pl011@9000000"), "chosen");
	fdt_check(n = fdt_add_subnode(fdt, 0, "memory@40000000"), "memory");
	fdt_check(fdt_setprop_string(fdt, n, "device_type", "memory"), "memory");
	fdt_reg(fdt, n, RAM_BASE, vm.ram_size);
	fdt_check(n = fdt_add_subnode(fdt, 0, "intc@8000000"), "gic");
	fdt_check(fdt_setprop_string(fdt, n, "compatible", "arm,gic-v3"), "gic");
	fdt_reg(fdt, n, GICD_BASE, 0x10000);	/* then the redistributors */
	fdt_check(fdt_appendprop_addrrange(fdt, 0, n, "reg", GICR_BASE, vm.nr * 0x20000ull), "gic");
	fdt_check(fdt_setprop_u32(fdt, n, "#interrupt-cells", 3), "gic");
	fdt_check(fdt_setprop(fdt, n, "interrupt-controller", NULL, 0), "gic");
	fdt_check(fdt_setprop_u32(fdt, n, "phandle", 1), "gic");
	fdt_check(n = fdt_add_subnode(fdt, 0, "timer"), "timer");
	fdt_check(fdt_setprop(fdt, n, "compatible", timer, sizeof(timer)), "timer");
	for (int i = 0; i < 4; i++) {	/* <PPI number level-high> */
		fdt_check(fdt_appendprop_u32(fdt, n, "interrupts", 1), "timer");
		fdt_check(fdt_appendprop_u32(fdt, n, "interrupts", ppis[i]), "timer");
		fdt_check(fdt_appendprop_u32(fdt, n, "interrupts", 4), "timer");
	}
	fdt_check(n = fdt_add_subnode(fdt, 0, "pl011@9000000"), "uart");
	fdt_check(fdt_setprop(fdt, n, "compatible", pl011, sizeof(pl011)), "uart");
	fdt_reg(fdt, n, UART_BASE, 0x1000);
	if (vpsci_fdt_add_cpus(vm.psci, fdt, &err) < 0 || vpsci_fdt_add_psci(vm.psci, fdt, &err) < 0)
		fdt_check(err ? err : -FDT_ERR_INTERNAL, "vpsci_fdt_add_cpus/psci");
	fdt_check(fdt_pack(fdt), "pack");
}

/* Linux arm64 boot protocol: Image at RAM + text_offset, x0 = DTB. */
static uint64_t load_image(const char *path)
{
	struct { uint32_t code[2]; uint64_t text_offset, image_size, flags, res[3]; uint32_t magic; }
		h;
	int fd = open(path, O_RDONLY);
	uint64_t off;

	if (fd < 0 || pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		die(path);
	if (h.magic != 0x644d5241u) {	/* "ARM\x64", little-endian hosts only */
		fprintf(stderr, "minimal-vmm: %s: not an arm64 Image\n", path);
		exit(2);
	}
	off = h.image_size ? h.text_offset : 0x80000;
	if (off > vm.ram_size - 0x400000) {	/* the DTB takes the last 2 MiB */
		fprintf(stderr, "minimal-vmm: %s: text_offset 0x%llx is beyond RAM\n", path,
			(unsigned long long)off);
		exit(2);
	}
	if (pread(fd, vm.ram + off, vm.ram_size - off - 0x200000, 0) <= 0)
		die(path);
	close(fd);
	return RAM_BASE + off;
}

static void gic_attr(uint32_t group, uint64_t attr, const void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)val };

	if (ioctl(vm.gic, KVM_SET_DEVICE_ATTR, &a) < 0)
		die("vGICv3 attribute");
}

/* Step 1: each vCPU is initialised, the secondaries powered off. */
static void create_vcpu(struct vcpu *v, uint32_t idx, long run_size, uint64_t *mpidr)
{
	struct kvm_vcpu_init init = vm.init;

	v->idx = idx;
	pthread_mutex_init(&v->lock, NULL);
	pthread_cond_init(&v->cond, NULL);
	v->fd = ioctl(vm.fd, KVM_CREATE_VCPU, (unsigned long)idx);
	if (v->fd < 0)
		die("KVM_CREATE_VCPU");
	v->run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		die("mmap kvm_run");
	if (idx)
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init) < 0 || get_reg(v, REG_MPIDR, mpidr) < 0)
		die("KVM_ARM_VCPU_INIT");
	*mpidr &= VPSCI_MPIDR_AFF_MASK;
}

/* Step 1: the SMCCC filter, before any vCPU runs (else EBUSY). */
static void filter(uint32_t base, uint32_t nr, uint8_t action)
{
	struct kvm_smccc_filter f = { .base = base, .nr_functions = nr, .action = action };
	struct kvm_device_attr a = { .group = KVM_ARM_VM_SMCCC_CTRL,
				     .attr = KVM_ARM_VM_SMCCC_FILTER, .addr = (uintptr_t)&f };

	if (ioctl(vm.fd, KVM_SET_DEVICE_ATTR, &a) < 0)
		die("KVM_SET_DEVICE_ATTR(SMCCC filter)");
}

static void create_machine(void)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	struct vpsci_mem_region ram = { RAM_BASE, vm.ram_size };
	struct vpsci_config cfg = { .size = sizeof(cfg), .version = VPSCI_VERSION_1_3,
				    .conduit = vm.conduit, .nr_vcpus = vm.nr, .mem = &ram,
				    .nr_mem = 1, .flags = VPSCI_CFG_SYSTEM_SUSPEND };
	uint64_t mpidrs[MAX_VCPUS];
	long run_size;
	int r;

	if ((vm.kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC)) < 0)
		die("/dev/kvm");
	if ((vm.fd = ioctl(vm.kvm, KVM_CREATE_VM, 0)) < 0)
		die("KVM_CREATE_VM");
	vm.ram = mmap(NULL, vm.ram_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm.ram == MAP_FAILED || ioctl(vm.fd, KVM_SET_USER_MEMORY_REGION,
					  &(struct kvm_userspace_memory_region){ 0, 0, RAM_BASE,
					  vm.ram_size, (uintptr_t)vm.ram }) < 0)
		die("guest RAM");
	if (ioctl(vm.fd, KVM_ARM_PREFERRED_TARGET, &vm.init) < 0)
		die("KVM_ARM_PREFERRED_TARGET");
	vm.init.features[0] = 1u << KVM_ARM_VCPU_PSCI_0_2;
	run_size = ioctl(vm.kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	for (uint32_t i = 0; i < vm.nr; i++)
		create_vcpu(&vm.vcpus[i], i, run_size, &mpidrs[i]);
	if (ioctl(vm.fd, KVM_CREATE_DEVICE, &dev) < 0)
		die("KVM_CREATE_DEVICE(vGICv3)");
	vm.gic = (int)dev.fd;
	gic_attr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &(uint64_t){ GICD_BASE });
	gic_attr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &(uint64_t){ GICR_BASE });
	gic_attr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &(uint32_t){ 128 });
	gic_attr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);

	cfg.mpidrs = mpidrs;	/* what KVM gave each vCPU, in index order */
	r = vpsci_create(&cfg, &ops, NULL, &vm.psci);
	if (r < 0) {
		fprintf(stderr, "minimal-vmm: vpsci_create: %s\n", vpsci_strerror(r));
		exit(EXIT_HOST);
	}
	filter(VPSCI_FN32(0), VPSCI_FN_COUNT, KVM_SMCCC_FILTER_FWD_TO_USER);
	filter(VPSCI_FN64(0), VPSCI_FN_COUNT, KVM_SMCCC_FILTER_FWD_TO_USER);
	filter(VPSCI_0_1_FN_BASE, 4, vpsci_handles(vm.psci, VPSCI_0_1_FN_CPU_ON) ?
	       KVM_SMCCC_FILTER_FWD_TO_USER : KVM_SMCCC_FILTER_DENY);	/* the 0.1 IDs */
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = kick };	/* no SA_RESTART: KVM_RUN gets EINTR */
	const char *bootargs = "";
	uint64_t entry, dtb;
	int c;

	vm.nr = 4;
	vm.ram_size = 256ull << 20;
	while ((c = getopt(argc, argv, "c:m:a:s")) != -1) {
		if (c == 'c')
			vm.nr = (uint32_t)strtoul(optarg, NULL, 0);
		else if (c == 'm')
			vm.ram_size = strtoull(optarg, NULL, 0) << 20;
		else if (c == 'a')
			bootargs = optarg;
		else if (c == 's')
			vm.conduit = VPSCI_CONDUIT_SMC;
		else
			optind = argc;	/* usage */
	}
	if (optind != argc - 1 || vm.nr < 1 || vm.nr > MAX_VCPUS || vm.ram_size < (16u << 20)) {
		fprintf(stderr, "usage: minimal-vmm [-c CPUS] [-m MIB] [-a BOOTARGS] [-s] IMAGE\n");
		return 2;
	}
	sigaction(SIGUSR2, &sa, NULL);

	create_machine();
	entry = load_image(argv[optind]);
	dtb = (RAM_BASE + vm.ram_size - 0x200000) & ~0x1fffffull;
	build_dtb(vm.ram + (dtb - RAM_BASE), bootargs);
	if (set_reg(&vm.vcpus[0], REG_PC, entry) < 0 || set_reg(&vm.vcpus[0], REG_X(0), dtb) < 0)
		die("boot vCPU registers");

	for (uint32_t i = 0; i < vm.nr; i++)
		if ((errno = pthread_create(&vm.vcpus[i].thread, NULL, vcpu_thread, &vm.vcpus[i])))
			die("pthread_create");
	pthread_mutex_lock(&vm.lock);
	while (vm.exit_status == EXIT_RUNNING)
		pthread_cond_wait(&vm.cond, &vm.lock);
	pthread_mutex_unlock(&vm.lock);
	for (uint32_t i = 0; i < vm.nr; i++) {
		stop_vcpu(&vm.vcpus[i]);
		pthread_join(vm.vcpus[i].thread, NULL);
	}
	vpsci_destroy(vm.psci);
	return vm.exit_status;
}
