/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CPU_SUSPEND in a power-domain hierarchy (DEN0022 4.2, 5.3): the valid
 * power_state values are the platform's, so the tests read them from the DT's
 * idle states (/cpus/idle-states "arm,idle-state" and /domain-idle-states
 * "domain-idle-state" nodes, arm,psci-suspend-param) and assume the
 * recommended composite StateID encoding of DEN0022 6.5 (one 4-bit local
 * state per level: 0 run, 1 retention, 2 off), which is what a DT
 * describing a hierarchy lists. Without a hierarchy in the DT they SKIP.
 * Like every optional function, OS-initiated mode SKIPs when PSCI_FEATURES
 * does not advertise it and is strict when it does.
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
	return gt_suspend_call(VPSCI_FN64(VPSCI_FN_CPU_SUSPEND), ps,
			       (uint64_t)(uintptr_t)gt_entry_resume, ctx, wake_us);
}

/* Read the DT's idle states into d: NULL when they allow the test, else why not. */
static const char *pm_setup(struct pm_dt *d, unsigned int levels, bool cluster)
{
	pm_dt_read(d);
	if (!gt_gic_ready())
		return "no GICv3: no wake-up interrupt can be arranged";
	if (d->levels < levels || !d->have_cpu_off)
		return levels > 1 ? "the DT describes no cluster idle state" :
				    "the DT describes no CPU idle states";
	if (cluster && !d->have_cluster)
		return "the DT describes no cluster power-down state";
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
	why = pm_setup(&d, 2, false);
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
	why = pm_setup(&d, 2, true);
	if (why)
		return gt_skip("%s", why);
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
	why = pm_setup(&d, 1, false);
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
	why = pm_setup(&d, 2, true);
	if (why)
		return gt_skip("%s", why);
	sib = pm_cluster_sibling();
	if (sib == GT_MAX_CPUS)
		return gt_skip("the boot CPU's cluster has no other CPU");
	r = GT_SET_SUSPEND_MODE(VPSCI_SUSPEND_MODE_OSI);
	if (r != VPSCI_RET_SUCCESS)
		return gt_fail("PC->OSI by the only CPU on = %s", gt_ret_name(r));
	if (gt_cpu_up(sib) != 0) {
		GT_SET_SUSPEND_MODE(VPSCI_SUSPEND_MODE_PC);
		return gt_skip("CPU%u (the boot CPU's sibling) did not come up", sib);
	}
	denied = pm_suspend(d.cluster, PM_CTX, WAKE_US);
	gt_cpu_down(sib);
	r = pm_suspend(d.cluster, PM_CTX, WAKE_US);
	back = GT_SET_SUSPEND_MODE(VPSCI_SUSPEND_MODE_PC);
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

const struct gt_test gt_tests_power_domains[] = {
	{ "CPU_SUSPEND refuses invalid composite power states with INVALID_PARAMETERS",
	  C_PSTATE, t_pd_invalid, 0 },
	{ "CPU_SUSPEND enters the DT's cluster state as the last CPU on", C_SUSPEND,
	  t_pd_cluster, 0 },
	{ "CPU_SUSPEND power-down resumes at the entry from a clean state, retention keeps context",
	  C_SUSPEND, t_pd_context, 0 },
	{ "OS-initiated CPU_SUSPEND of a cluster is DENIED unless the caller is its last CPU on",
	  C_SETMODE, t_osi_cluster, 0 },
};
GT_DEFINE_GROUP(power_domains);
