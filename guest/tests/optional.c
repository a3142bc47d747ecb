/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The optional functions: each test SKIPs when PSCI_FEATURES does not
 * advertise the function and is strict when it does. Pairs that only make
 * sense together are checked for consistency.
 *
 * Power-domain hierarchies (DEN0022 4.2, 5.3): the valid power_state values
 * are the platform's, so the tests read them from the DT's idle states
 * (/cpus/idle-states "arm,idle-state" and /domain-idle-states
 * "domain-idle-state" nodes, arm,psci-suspend-param) and assume the
 * recommended composite StateID encoding of DEN0022 6.5 (one 4-bit local
 * state per level: 0 run, 1 retention, 2 off), which is what a DT
 * describing a hierarchy lists. Without a hierarchy in the DT they SKIP.
 */
#include <libfdt.h>

#include "tests.h"

#define WAKE_US		2000
#define PM_CTX		0x9d0000c0ffee0001ull

/* ---- the DT's idle states ---------------------------------------------- */

#define LOCAL_RUN	0u
#define LOCAL_RET	1u
#define LOCAL_OFF	2u
#define LOCAL(sid, l)	(((sid) >> (4 * (l))) & 0xfu)

struct pm_dt {
	unsigned int levels;		/* deepest level with a non-RUN local state, + 1 */
	bool have_cpu_ret, have_cpu_off, have_cluster;
	uint32_t cpu_ret, cpu_off;	/* CPU retention / CPU off, cluster and system RUN */
	uint32_t cluster;		/* CPU off + cluster off (or retention), system RUN */
};

static uint32_t ps_stateid(uint32_t ps)
{
	return gt_ps_extended() ? ps & VPSCI_PS_EXT_STATE_ID_MASK : ps & VPSCI_PS_STATE_ID_MASK;
}

static void pm_dt_note(struct pm_dt *d, uint32_t ps)
{
	uint32_t sid = ps_stateid(ps);
	unsigned int l;

	if (sid >> 12)
		return;		/* not the composite encoding */
	for (l = 0; l < 3; l++)
		if (LOCAL(sid, l) != LOCAL_RUN && l + 1 > d->levels)
			d->levels = l + 1;
	if (LOCAL(sid, 1) == LOCAL_RUN && LOCAL(sid, 2) == LOCAL_RUN) {
		if (LOCAL(sid, 0) == LOCAL_RET && !d->have_cpu_ret) {
			d->cpu_ret = ps;
			d->have_cpu_ret = true;
		} else if (LOCAL(sid, 0) == LOCAL_OFF && !d->have_cpu_off) {
			d->cpu_off = ps;
			d->have_cpu_off = true;
		}
	} else if (LOCAL(sid, 2) == LOCAL_RUN && LOCAL(sid, 0) == LOCAL_OFF &&
		   (!d->have_cluster || LOCAL(sid, 1) == LOCAL_OFF)) {
		d->cluster = ps;
		d->have_cluster = true;
	}
}

static void pm_dt_read(struct pm_dt *d)
{
	static const char *const compat[] = { "arm,idle-state", "domain-idle-state" };
	const void *fdt = gt_plat.fdt;

	memset(d, 0, sizeof(*d));
	for (unsigned int c = 0; c < GT_ARRAY_SIZE(compat); c++) {
		int node = -1;

		for (;;) {
			const fdt32_t *p;
			int len;

			node = fdt_node_offset_by_compatible(fdt, node, compat[c]);
			if (node < 0)
				break;
			p = fdt_getprop(fdt, node, "arm,psci-suspend-param", &len);
			if (p && len == 4)
				pm_dt_note(d, fdt32_to_cpu(*p));
		}
	}
}

/* A power_state in this VM's format from local states (DEN0022 5.3.1, 6.5). */
static uint32_t mk_ps(unsigned int cpu, unsigned int cluster, unsigned int sys, bool pd,
		      unsigned int level)
{
	uint32_t sid = cpu | (cluster << 4) | (sys << 8);

	if (gt_ps_extended())
		return sid | (pd ? VPSCI_PS_EXT_TYPE_POWERDOWN : 0);
	return sid | (pd ? VPSCI_PS_TYPE_POWERDOWN : 0) | (level << VPSCI_PS_LEVEL_SHIFT);
}

/* CPU_SUSPEND with a wake-up armed; GT_RESUMED when it came back at the entry. */
static int64_t pm_suspend(uint32_t ps, uint64_t ctx, uint64_t wake_us)
{
	uint64_t r;

	gt_timer_arm_us(wake_us);
	r = gt_smccc_suspend(VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), ps,
			     (uint64_t)(uintptr_t)gt_entry_resume, ctx);
	gt_timer_disarm();
	if (r == GT_RESUMED) {
		gt_gic_cpu_init();
		return GT_RESUMED;
	}
	if (r == GT_CALL_TRAPPED)
		return GT_RET_TRAPPED;
	return (int32_t)(uint32_t)r;
}

static const char *pm_need(const struct pm_dt *d, unsigned int levels)
{
	if (!gt_gic_ready())
		return "no GICv3: no wake-up interrupt can be arranged";
	if (d->levels < levels || !d->have_cpu_off)
		return levels > 1 ? "the DT describes no cluster idle state" :
				    "the DT describes no CPU idle states";
	return NULL;
}

/* A secondary in the boot CPU's cluster (MPIDR equal above Aff0), or GT_MAX_CPUS. */
static unsigned int pm_cluster_sibling(void)
{
	uint64_t me = gt_boot.mpidr[gt_boot_cpu] & ~0xffull;

	for (unsigned int i = 0; i < gt_boot.nr_cpus; i++)
		if (i != gt_boot_cpu && (gt_boot.mpidr[i] & ~0xffull) == me &&
		    gt_cpus[i].state == GT_CPU_OFF)
			return i;
	return GT_MAX_CPUS;
}

/*
 * DEN0022 5.3.2, 6.5: a composite state must be one the platform offers and
 * consistent with itself: no level deeper than the level below it, StateType
 * power-down exactly when the CPU loses context, PowerLevel (original format)
 * the highest level affected, and only defined local states.
 */
static enum gt_verdict t_pd_invalid(uintptr_t arg)
{
	struct pm_dt d;
	const char *why;
	struct {
		const char *what;
		uint32_t ps;
	} bad[] = {
		{ "cluster off above a CPU in retention", mk_ps(LOCAL_RET, LOCAL_OFF, 0, false, 1) },
		{ "CPU off with StateType standby", mk_ps(LOCAL_OFF, 0, 0, false, 0) },
		{ "CPU retention with StateType power-down", mk_ps(LOCAL_RET, 0, 0, true, 0) },
		{ "undefined CPU local state 7", mk_ps(7, 0, 0, true, 0) },
		{ "cluster off with PowerLevel 0", mk_ps(LOCAL_OFF, LOCAL_OFF, 0, true, 0) },
	};
	unsigned int n = GT_ARRAY_SIZE(bad);

	(void)arg;
	pm_dt_read(&d);
	why = pm_need(&d, 2);
	if (why)
		return gt_skip("%s", why);
	if (gt_ps_extended())
		n--;		/* the extended format has no PowerLevel field */
	for (unsigned int i = 0; i < n; i++) {
		int64_t r = pm_suspend(bad[i].ps, PM_CTX, WAKE_US);

		if (r != VPSCI_RET_INVALID_PARAMETERS)
			return gt_fail("CPU_SUSPEND(0x%x: %s) = %s, expected INVALID_PARAMETERS",
				       bad[i].ps, bad[i].what,
				       r == GT_RESUMED ? "resumed" : gt_ret_name(r));
	}
	return gt_pass("%u invalid composite states refused", n);
}

/*
 * DEN0022 5.3: the DT's cluster state, entered by the last CPU on in its
 * cluster, either resumes at the entry point with x0 = context id (the
 * clean entry state of a CPU_ON, 6.4) or returns SUCCESS.
 */
static enum gt_verdict t_pd_cluster(uintptr_t arg)
{
	struct pm_dt d;
	const char *why;
	int64_t r;

	(void)arg;
	pm_dt_read(&d);
	why = pm_need(&d, 2);
	if (why)
		return gt_skip("%s", why);
	if (!d.have_cluster)
		return gt_skip("the DT describes no cluster power-down state");
	r = pm_suspend(d.cluster, PM_CTX, WAKE_US);
	if (r == GT_RESUMED) {
		char w[120];

		if (!gt_entry_ok(&gt_resume_obs[gt_this_cpu()], PM_CTX, w, sizeof(w)))
			return gt_fail("cluster state 0x%x: %s", d.cluster, w);
		return gt_pass("cluster state 0x%x: resumed at the entry point", d.cluster);
	}
	if (r != VPSCI_RET_SUCCESS)
		return gt_fail("CPU_SUSPEND(cluster state 0x%x) = %s", d.cluster, gt_ret_name(r));
	return gt_pass("cluster state 0x%x: returned SUCCESS", d.cluster);
}

/*
 * DEN0022 5.3, 6.5: a power-down state loses the CPU's context: the CPU
 * comes back through the entry point with x0 = context id and the entry
 * state of CPU_ON (MMU off, EL1h, DAIF masked), not where it called; a
 * retention state keeps it: the call returns with the system registers
 * the caller set (TPIDR_EL1 here).
 */
static enum gt_verdict t_pd_context(uintptr_t arg)
{
	struct pm_dt d;
	const char *why;
	uint64_t mark = 0x7e57c0de00000000ull | gt_this_cpu(), old = gt_read_sysreg(tpidr_el1);
	int64_t r;
	char w[120];

	(void)arg;
	pm_dt_read(&d);
	why = pm_need(&d, 1);
	if (why)
		return gt_skip("%s", why);
	if (!d.have_cpu_ret)
		return gt_skip("the DT describes no CPU retention state");
	gt_write_sysreg(tpidr_el1, mark);
	r = pm_suspend(d.cpu_ret, PM_CTX, WAKE_US);
	if (r != VPSCI_RET_SUCCESS) {
		gt_write_sysreg(tpidr_el1, old);
		return gt_fail("CPU_SUSPEND(retention 0x%x) = %s", d.cpu_ret,
			       r == GT_RESUMED ? "resumed at the entry point" : gt_ret_name(r));
	}
	if (gt_read_sysreg(tpidr_el1) != mark) {
		gt_write_sysreg(tpidr_el1, old);
		return gt_fail("retention 0x%x lost TPIDR_EL1", d.cpu_ret);
	}
	gt_write_sysreg(tpidr_el1, old);
	r = pm_suspend(d.cpu_off, PM_CTX + 1, WAKE_US);
	if (r == VPSCI_RET_SUCCESS)
		return gt_pass("retention kept the context; power-down 0x%x returned SUCCESS "
			       "(allowed: a wake-up was pending)", d.cpu_off);
	if (r != GT_RESUMED)
		return gt_fail("CPU_SUSPEND(power-down 0x%x) = %s", d.cpu_off, gt_ret_name(r));
	if (!gt_entry_ok(&gt_resume_obs[gt_this_cpu()], PM_CTX + 1, w, sizeof(w)))
		return gt_fail("power-down 0x%x: %s", d.cpu_off, w);
	return gt_pass("retention kept the context; power-down resumed at the entry, x0 = "
		       "context id, MMU off");
}

/* ---- OS-initiated mode ------------------------------------------------- */

static enum gt_verdict t_osi_consistent(uintptr_t arg)
{
	int64_t susp, mode;

	(void)arg;
	if (gt_psci_version < VPSCI_VERSION_1_0)
		return gt_skip("PSCI 0.2 has no PSCI_FEATURES");
	susp = gt_feature_value(VPSCI_FN_CPU_SUSPEND);
	mode = gt_feature_value(VPSCI_FN_PSCI_SET_SUSPEND_MODE);
	if (susp < 0)
		return gt_fail("CPU_SUSPEND not advertised");
	if (!!(susp & VPSCI_FEAT_SUSPEND_OSI) != (mode >= 0))
		return gt_fail("CPU_SUSPEND OSI flag %ld but PSCI_SET_SUSPEND_MODE %s",
			       susp & VPSCI_FEAT_SUSPEND_OSI, mode >= 0 ? "advertised" : "absent");
	return gt_pass("OS-initiated mode %s", mode >= 0 ? "supported" : "not supported");
}

#define SET_MODE(m)	gt_psci(VPSCI_FN32(VPSCI_FN_PSCI_SET_SUSPEND_MODE), (m), 0, 0)

static enum gt_verdict t_osi_bad_mode(uintptr_t arg)
{
	int64_t r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_PSCI_SET_SUSPEND_MODE))
		return gt_skip("PSCI_SET_SUSPEND_MODE not advertised");
	r = SET_MODE(2);
	if (r != VPSCI_RET_INVALID_PARAMETERS)
		return gt_fail("PSCI_SET_SUSPEND_MODE(2) = %ld (%s)", r, gt_ret_name(r));
	return GT_PASS;
}

/*
 * DEN0022 5.19: PC->OSI needs every core ON or the caller the last one on;
 * OSI->PC needs the caller to be the last one on. With CPU A on and CPU B
 * off, neither holds, so both switches are DENIED then.
 */
static enum gt_verdict t_osi_switch(uintptr_t arg)
{
	unsigned int cpu, other;
	int64_t r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_PSCI_SET_SUSPEND_MODE))
		return gt_skip("PSCI_SET_SUSPEND_MODE not advertised");
	r = SET_MODE(VPSCI_SUSPEND_MODE_OSI);
	if (r != VPSCI_RET_SUCCESS)
		return gt_fail("PC->OSI by the only CPU on = %ld (%s)", r, gt_ret_name(r));
	if (gt_boot.nr_cpus >= 3 && gt_up_to(&cpu, 1)) {
		bool have_off = gt_pick_off_cpus(&other, 1) == 1;

		r = SET_MODE(VPSCI_SUSPEND_MODE_PC);
		gt_cpu_down(cpu);
		if (have_off && r != VPSCI_RET_DENIED)
			return gt_fail("OSI->PC with another CPU on = %ld (%s), expected DENIED", r,
				       gt_ret_name(r));
		if (r == VPSCI_RET_SUCCESS)
			return gt_pass("(mode already back to PC)");
	}
	r = SET_MODE(VPSCI_SUSPEND_MODE_PC);
	if (r != VPSCI_RET_SUCCESS)
		return gt_fail("OSI->PC by the only CPU on = %ld (%s)", r, gt_ret_name(r));
	return GT_PASS;
}

/*
 * DEN0022 5.20, 6.6: in OS-initiated mode the caller asks for the cluster
 * state itself, which is valid only when it is the last CPU running in the
 * cluster: with a sibling on, the cluster request is DENIED; with the
 * sibling off it is granted (resumes or returns SUCCESS).
 */
static enum gt_verdict t_osi_cluster(uintptr_t arg)
{
	struct pm_dt d;
	const char *why;
	unsigned int sib;
	int64_t r, denied, back;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_PSCI_SET_SUSPEND_MODE))
		return gt_skip("PSCI_SET_SUSPEND_MODE not advertised");
	pm_dt_read(&d);
	why = pm_need(&d, 2);
	if (why)
		return gt_skip("%s", why);
	if (!d.have_cluster)
		return gt_skip("the DT describes no cluster power-down state");
	sib = pm_cluster_sibling();
	if (sib == GT_MAX_CPUS)
		return gt_skip("the boot CPU's cluster has no other CPU");
	r = SET_MODE(VPSCI_SUSPEND_MODE_OSI);
	if (r != VPSCI_RET_SUCCESS)
		return gt_fail("PC->OSI by the only CPU on = %s", gt_ret_name(r));
	if (gt_cpu_up(sib) != 0) {
		SET_MODE(VPSCI_SUSPEND_MODE_PC);
		return gt_skip("CPU%u (the boot CPU's sibling) did not come up", sib);
	}
	denied = pm_suspend(d.cluster, PM_CTX, WAKE_US);
	gt_cpu_down(sib);
	r = pm_suspend(d.cluster, PM_CTX, WAKE_US);
	back = SET_MODE(VPSCI_SUSPEND_MODE_PC);
	if (denied != VPSCI_RET_DENIED)
		return gt_fail("OSI cluster state 0x%x with CPU%u on = %s, expected DENIED",
			       d.cluster, sib, denied == GT_RESUMED ? "resumed" : gt_ret_name(denied));
	if (r != GT_RESUMED && r != VPSCI_RET_SUCCESS)
		return gt_fail("OSI cluster state 0x%x as the last CPU on = %s", d.cluster,
			       gt_ret_name(r));
	if (back != VPSCI_RET_SUCCESS)
		return gt_fail("OSI->PC by the only CPU on = %s", gt_ret_name(back));
	return gt_pass("DENIED with CPU%u on, %s as the last one", sib,
		       r == GT_RESUMED ? "resumed" : "SUCCESS");
}

/* ---- statistics -------------------------------------------------------- */

static enum gt_verdict t_stat_pair(uintptr_t arg)
{
	(void)arg;
	if (gt_psci_version < VPSCI_VERSION_1_0)
		return gt_skip("PSCI 0.2 has no PSCI_FEATURES");
	if (gt_advertised(VPSCI_FN_PSCI_STAT_RESIDENCY) != gt_advertised(VPSCI_FN_PSCI_STAT_COUNT))
		return gt_fail("PSCI_STAT_RESIDENCY and PSCI_STAT_COUNT advertised separately");
	return GT_PASS;
}

static enum gt_verdict t_stat_count(uintptr_t arg)
{
	uint64_t me = gt_boot.mpidr[gt_boot_cpu], ps = gt_ps_standby();
	int64_t c0, c1, r0, r1, s;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_PSCI_STAT_COUNT) ||
	    !gt_advertised(VPSCI_FN_PSCI_STAT_RESIDENCY))
		return gt_skip("PSCI_STAT_COUNT / PSCI_STAT_RESIDENCY not advertised");
	if (!gt_gic_ready())
		return gt_skip("no GICv3: no wake-up interrupt can be arranged");
	c0 = gt_psci(VPSCI_FN64(VPSCI_FN_PSCI_STAT_COUNT), me, ps, 0);
	r0 = gt_psci(VPSCI_FN64(VPSCI_FN_PSCI_STAT_RESIDENCY), me, ps, 0);
	gt_timer_arm_us(WAKE_US);
	s = gt_psci(VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), ps, (uint64_t)(uintptr_t)gt_entry_resume, 0);
	gt_timer_disarm();
	c1 = gt_psci(VPSCI_FN64(VPSCI_FN_PSCI_STAT_COUNT), me, ps, 0);
	r1 = gt_psci(VPSCI_FN64(VPSCI_FN_PSCI_STAT_RESIDENCY), me, ps, 0);
	if (s != VPSCI_RET_SUCCESS)
		return gt_fail("CPU_SUSPEND(standby) = %s", gt_ret_name(s));
	if (c1 < c0 + 1)
		return gt_fail("PSCI_STAT_COUNT went from %ld to %ld over one suspend", c0, c1);
	if (r1 <= r0)
		return gt_fail("PSCI_STAT_RESIDENCY did not grow over a %u us suspend: %ld -> %ld",
			       WAKE_US, r0, r1);
	return gt_pass("count %ld -> %ld, residency %ld -> %ld us", c0, c1, r0, r1);
}

/* ---- CPU_DEFAULT_SUSPEND ----------------------------------------------- */

static enum gt_verdict t_default_suspend(uintptr_t arg)
{
	uint64_t r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_CPU_DEFAULT_SUSPEND))
		return gt_skip("CPU_DEFAULT_SUSPEND not advertised");
	if (!gt_gic_ready())
		return gt_skip("no GICv3: no wake-up interrupt can be arranged");
	gt_timer_arm_us(WAKE_US);
	r = gt_smccc_suspend(VPSCI_FN64(VPSCI_FN_CPU_DEFAULT_SUSPEND),
			     (uint64_t)(uintptr_t)gt_entry_resume, 0xdef, 0);
	gt_timer_disarm();
	if (r == GT_RESUMED) {
		char why[120];

		gt_gic_cpu_init();
		if (!gt_entry_ok(&gt_resume_obs[gt_this_cpu()], 0xdef, why, sizeof(why)))
			return gt_fail("%s", why);
		return gt_pass("resumed at the entry point");
	}
	if ((int32_t)r != VPSCI_RET_SUCCESS)
		return gt_fail("CPU_DEFAULT_SUSPEND = %d (%s)", (int32_t)r,
			       gt_ret_name((int32_t)r));
	return gt_pass("returned SUCCESS");
}

/* ---- CPU_FREEZE ---------------------------------------------------------- */

static int64_t work_freeze(unsigned int cpu, uint64_t arg)
{
	(void)cpu;
	(void)arg;
	return gt_psci(VPSCI_FN32(VPSCI_FN_CPU_FREEZE), 0, 0, 0);
}

/*
 * DEN0022 5.16: CPU_FREEZE does not return on success; the core then counts
 * as OFF for AFFINITY_INFO and only CPU_ON brings it back.
 */
static enum gt_verdict t_freeze(uintptr_t arg)
{
	unsigned int cpu;
	int64_t r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_CPU_FREEZE))
		return gt_skip("CPU_FREEZE not advertised");
	if (!gt_up_to(&cpu, 1))
		return gt_skip("no secondary CPU could be brought up");
	gt_cpu_post(cpu, work_freeze, 0);
	if (gt_cpu_wait_off(cpu, GT_TIMEOUT_MS) != 0) {
		if (gt_cpu_wait_done(cpu, 0, &r))
			return gt_fail("CPU_FREEZE returned %s", gt_ret_name(r));
		gt_cpus[cpu].state = GT_CPU_LOST;
		return gt_fail("AFFINITY_INFO(CPU%u) never said OFF after CPU_FREEZE", cpu);
	}
	if (gt_cpu_wait_done(cpu, 0, &r))
		return gt_fail("CPU_FREEZE returned %s after AFFINITY_INFO said OFF",
			       gt_ret_name(r));
	gt_cpus[cpu].state = GT_CPU_OFF;
	r = gt_cpu_up(cpu);
	if (r)
		return gt_fail("CPU_ON of the frozen CPU%u = %s", cpu, gt_ret_name(r));
	r = gt_cpu_down(cpu);
	if (r)
		return gt_fail("CPU_OFF after the frozen CPU%u came back = %s", cpu,
			       gt_ret_name(r));
	return gt_pass("CPU%u frozen (AFFINITY_INFO OFF), back with CPU_ON", cpu);
}

/* ---- NODE_HW_STATE ----------------------------------------------------- */

#define HW_STATE(t, l)	gt_psci(VPSCI_FN64(VPSCI_FN_NODE_HW_STATE), (t), (l), 0)

static enum gt_verdict t_node_hw_state(uintptr_t arg)
{
	unsigned int cpu;
	int64_t r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_NODE_HW_STATE))
		return gt_skip("NODE_HW_STATE not advertised");
	r = HW_STATE(gt_boot.mpidr[gt_boot_cpu], 0);
	if (r != VPSCI_HW_ON)
		return gt_fail("NODE_HW_STATE(self, 0) = %ld (%s)", r, gt_ret_name(r));
	if (gt_pick_off_cpus(&cpu, 1)) {
		r = HW_STATE(gt_boot.mpidr[cpu], 0);
		if (r != VPSCI_HW_OFF)
			return gt_fail("NODE_HW_STATE(CPU%u off, 0) = %ld (%s)", cpu, r,
				       gt_ret_name(r));
	}
	return GT_PASS;
}

#define AFF(t, l)	gt_psci(VPSCI_FN64(VPSCI_FN_AFFINITY_INFO), (t), (l), 0)

static int64_t work_standby(unsigned int cpu, uint64_t arg)
{
	int64_t r;

	(void)cpu;
	gt_timer_arm_us(arg);
	r = gt_psci(VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), gt_ps_standby(),
		    (uint64_t)(uintptr_t)gt_entry_resume, 0);
	gt_timer_disarm();
	return r;
}

/*
 * DEN0022 5.18 vs 5.6: for a secondary that is on, NODE_HW_STATE says ON
 * as AFFINITY_INFO does; while it sits in a standby CPU_SUSPEND it says
 * STANDBY (AFFINITY_INFO still ON); once it is off, OFF for both. The
 * boot CPU's cluster (level 1) is ON while the boot CPU runs.
 */
static enum gt_verdict t_node_hw_state_vs_aff(uintptr_t arg)
{
	unsigned int cpu;
	uint64_t mp, end;
	int64_t hw_on, af_on, hw_sb = VPSCI_HW_ON, af_sb = -100, hw_off, af_off, cl, r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_NODE_HW_STATE))
		return gt_skip("NODE_HW_STATE not advertised");
	if (!gt_gic_ready())
		return gt_skip("no GICv3: no wake-up interrupt can be arranged");
	if (!gt_up_to(&cpu, 1))
		return gt_skip("no secondary CPU could be brought up");
	mp = gt_boot.mpidr[cpu];
	hw_on = HW_STATE(mp, 0);
	af_on = AFF(mp, 0);
	cl = HW_STATE(gt_boot.mpidr[gt_boot_cpu], 1);
	gt_cpu_post(cpu, work_standby, 400000);
	end = gt_counter() + gt_ms_to_ticks(300);
	while (gt_counter() < end) {
		hw_sb = HW_STATE(mp, 0);
		if (hw_sb != VPSCI_HW_ON) {
			af_sb = AFF(mp, 0);
			break;
		}
		gt_delay_us(50);
	}
	if (!gt_cpu_wait_done(cpu, GT_TIMEOUT_MS, &r)) {
		gt_cpus[cpu].state = GT_CPU_LOST;
		return gt_fail("CPU%u did not return from its standby CPU_SUSPEND", cpu);
	}
	gt_cpu_down(cpu);
	hw_off = HW_STATE(mp, 0);
	af_off = AFF(mp, 0);
	if (hw_on != VPSCI_HW_ON || af_on != VPSCI_AFF_ON)
		return gt_fail("CPU%u on: NODE_HW_STATE %ld, AFFINITY_INFO %ld", cpu, hw_on, af_on);
	if (r != VPSCI_RET_SUCCESS)
		return gt_fail("CPU%u: CPU_SUSPEND(standby) = %s", cpu, gt_ret_name(r));
	if (hw_sb != VPSCI_HW_STANDBY || af_sb != VPSCI_AFF_ON)
		return gt_fail("CPU%u in standby: NODE_HW_STATE %ld (expected STANDBY 2), "
			       "AFFINITY_INFO %ld (expected ON 0)", cpu, hw_sb, af_sb);
	if (hw_off != VPSCI_HW_OFF || af_off != VPSCI_AFF_OFF)
		return gt_fail("CPU%u off: NODE_HW_STATE %ld, AFFINITY_INFO %ld", cpu, hw_off,
			       af_off);
	if (cl != VPSCI_HW_ON)
		return gt_fail("NODE_HW_STATE(boot CPU's cluster, 1) = %ld, expected ON", cl);
	return gt_pass("on: ON/ON, standby: STANDBY/ON, off: OFF/OFF, cluster ON");
}

static enum gt_verdict t_node_hw_state_bad(uintptr_t arg)
{
	int64_t r;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_NODE_HW_STATE))
		return gt_skip("NODE_HW_STATE not advertised");
	r = HW_STATE(gt_mpidr_absent(), 0);
	if (r != VPSCI_RET_INVALID_PARAMETERS)
		return gt_fail("NODE_HW_STATE(no such CPU, 0) = %ld (%s)", r, gt_ret_name(r));
	return GT_PASS;
}

/* ---- MEM_PROTECT ------------------------------------------------------- */

static enum gt_verdict t_memprot_pair(uintptr_t arg)
{
	(void)arg;
	if (gt_psci_version < VPSCI_VERSION_1_1)
		return gt_skip("MEM_PROTECT is a PSCI 1.1 function");
	if (gt_advertised(VPSCI_FN_MEM_PROTECT) !=
	    gt_advertised(VPSCI_FN_MEM_PROTECT_CHECK_RANGE))
		return gt_fail("MEM_PROTECT and MEM_PROTECT_CHECK_RANGE advertised separately");
	return GT_PASS;
}

#define MEMP(e)		gt_psci(VPSCI_FN32(VPSCI_FN_MEM_PROTECT), (e), 0, 0)
#define CHECK(b, l)	gt_psci(VPSCI_FN64(VPSCI_FN_MEM_PROTECT_CHECK_RANGE), (b), (l), 0)

/*
 * DEN0022 5.13: MEM_PROTECT returns the previous state (0 or 1). 5.14:
 * CHECK_RANGE answers whether a range is memory the protection covers:
 * SUCCESS for guest RAM, DENIED outside it and for an empty or wrapping
 * range. Whether the answer also depends on protection being enabled the
 * spec leaves open; TF-A answers from the memory map alone, so the test
 * requires only that disabling does not make RAM newly "protected".
 */
static enum gt_verdict t_memprot(uintptr_t arg)
{
	uint64_t base = gt_plat.mem_base[0];
	int64_t prev, a, b, on, off, empty, outside, wrap;

	(void)arg;
	if (!gt_advertised(VPSCI_FN_MEM_PROTECT) ||
	    !gt_advertised(VPSCI_FN_MEM_PROTECT_CHECK_RANGE))
		return gt_skip("MEM_PROTECT not advertised");
	prev = MEMP(1);
	a = MEMP(1);
	on = CHECK(base, 4096);
	empty = CHECK(base, 0);
	outside = CHECK(gt_invalid_ram_addr(), 4096);
	wrap = CHECK(base, ~0ull - 4095);
	b = MEMP(0);
	off = CHECK(base, 4096);
	MEMP(prev == 1);
	if (prev != 0 && prev != 1)
		return gt_fail("MEM_PROTECT(1) = %ld (%s), expected the previous state", prev,
			       gt_ret_name(prev));
	if (a != 1 || b != 1)
		return gt_fail("MEM_PROTECT(1) then (0) returned %ld, %ld; expected 1, 1", a, b);
	if (on != VPSCI_RET_SUCCESS)
		return gt_fail("CHECK_RANGE(RAM page) while enabled = %s", gt_ret_name(on));
	if (empty != VPSCI_RET_DENIED)
		return gt_fail("CHECK_RANGE(length 0) = %s, expected DENIED", gt_ret_name(empty));
	if (outside != VPSCI_RET_DENIED)
		return gt_fail("CHECK_RANGE(outside RAM) = %s, expected DENIED", gt_ret_name(outside));
	if (wrap != VPSCI_RET_DENIED)
		return gt_fail("CHECK_RANGE(wrapping range) = %s, expected DENIED", gt_ret_name(wrap));
	if (off != VPSCI_RET_SUCCESS && off != VPSCI_RET_DENIED)
		return gt_fail("CHECK_RANGE while disabled = %s", gt_ret_name(off));
	return gt_pass("RAM SUCCESS, outside / empty / wrapping DENIED; while disabled %s",
		       gt_ret_name(off));
}

const struct gt_test gt_tests_optional[] = {
	{ "PSCI_SET_SUSPEND_MODE is advertised exactly when CPU_SUSPEND supports OSI",
	  C_SETMODE, t_osi_consistent, 0 },
	{ "PSCI_SET_SUSPEND_MODE returns INVALID_PARAMETERS for an undefined mode", C_SETMODE,
	  t_osi_bad_mode, 0 },
	{ "PSCI_SET_SUSPEND_MODE switches only when the caller is the last CPU on", C_SETMODE,
	  t_osi_switch, 0 },
	{ "PSCI_STAT_RESIDENCY and PSCI_STAT_COUNT are advertised together", C_STATCNT,
	  t_stat_pair, 0 },
	{ "PSCI_STAT_COUNT counts a suspend, PSCI_STAT_RESIDENCY grows", C_STATRES,
	  t_stat_count, 0 },
	{ "CPU_DEFAULT_SUSPEND resumes at the entry point or returns SUCCESS", C_DEFSUSP,
	  t_default_suspend, 0 },
	{ "NODE_HW_STATE reports ON for the caller and OFF for a CPU that is off", C_NODEHW,
	  t_node_hw_state, 0 },
	{ "NODE_HW_STATE returns INVALID_PARAMETERS for an MPIDR with no CPU", C_NODEHW,
	  t_node_hw_state_bad, 0 },
	{ "MEM_PROTECT and MEM_PROTECT_CHECK_RANGE are advertised together", C_MEMP,
	  t_memprot_pair, 0 },
	{ "MEM_PROTECT returns the previous state, CHECK_RANGE covers exactly RAM", C_MEMPCR,
	  t_memprot, 0 },
	{ "CPU_SUSPEND refuses invalid composite power states with INVALID_PARAMETERS",
	  C_PSTATE, t_pd_invalid, 0 },
	{ "CPU_SUSPEND enters the DT's cluster state as the last CPU on", C_SUSPEND,
	  t_pd_cluster, 0 },
	{ "CPU_SUSPEND power-down resumes at the entry from a clean state, retention keeps context",
	  C_SUSPEND, t_pd_context, 0 },
	{ "OS-initiated CPU_SUSPEND of a cluster is DENIED unless the caller is its last CPU on",
	  C_SETMODE, t_osi_cluster, 0 },
	{ "CPU_FREEZE leaves the CPU OFF until CPU_ON brings it back", C_FREEZE, t_freeze, 0 },
	{ "NODE_HW_STATE agrees with AFFINITY_INFO for a CPU on, in standby and off", C_NODEHW,
	  t_node_hw_state_vs_aff, 0 },
};
GT_DEFINE_GROUP(optional);

/* ---- psci.sel=memprot: MEM_PROTECT across a reset ----------------------- */

#define MEMP_MAGIC	0x746f72706d656d21ull	/* "!memprot" */

/*
 * DEN0022 5.13: with memory protection enabled, the firmware wipes memory
 * before a reset hands it to the next boot, and the flag itself survives
 * the reset. First boot (MEM_PROTECT(0) finds it off): write a marker in
 * the middle of RAM, enable protection, SYSTEM_RESET. Second boot (it finds
 * it on): the marker must read as zero. One TAP result either way, then
 * SYSTEM_OFF; the runner reboots in place once (vpsci-run --max-reboots 1).
 */
void gt_run_memprot(void)
{
	static const struct gt_test t = {
		"MEM_PROTECT wipes RAM across SYSTEM_RESET and stays enabled", C_MEMP, NULL, 0
	};
	volatile uint64_t *m;
	int64_t prev;

	gt_tap_plan(1);
	if (!gt_advertised(VPSCI_FN_MEM_PROTECT)) {
		gt_tap_result(&t, gt_skip("MEM_PROTECT not advertised"));
		return;
	}
	m = (volatile uint64_t *)(uintptr_t)(gt_plat.mem_base[0] + gt_plat.mem_size[0] / 2);
	prev = MEMP(0);
	if (prev == 1) {
		uint64_t seen = m[0] | m[1];

		gt_note("memprot: second boot, protection was on; marker reads 0x%lx", seen);
		gt_tap_result(&t, seen ? gt_fail("the marker survived the reset: RAM not wiped") :
			      gt_pass("protection survived the reset and RAM was wiped"));
		return;
	}
	if (prev != 0) {
		gt_tap_result(&t, gt_fail("MEM_PROTECT(0) = %s", gt_ret_name(prev)));
		return;
	}
	m[0] = MEMP_MAGIC;
	m[1] = ~MEMP_MAGIC;
	gt_clean_dcache((const void *)m, 16);
	prev = MEMP(1);
	gt_note("memprot: first boot: marker written at 0x%lx, MEM_PROTECT(1) = %ld, resetting",
		(uint64_t)(uintptr_t)m, prev);
	gt_psci(VPSCI_FN32(VPSCI_FN_SYSTEM_RESET), 0, 0, 0);
	gt_tap_result(&t, gt_fail("SYSTEM_RESET returned"));
}
