/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Promela model of libvpsci's vCPU power state machine and its lock-free
 * claims (lib/vpsci_on.c, vpsci_off.c, vpsci_suspend.c, vpsci_system.c,
 * vpsci_affinity.c; docs/design.md sections 4 and 13).
 *
 * Each vCPU is a process that, while ON, makes up to K PSCI calls chosen
 * nondeterministically: CPU_ON (of another vCPU), CPU_OFF, CPU_SUSPEND
 * (then woken by the host), SYSTEM_SUSPEND (then woken), or a system event
 * (SYSTEM_OFF stands for all of OFF/RESET/RESET2/OFF2, which share one code
 * path). Every atomic {} below is one C11 atomic operation of the code (a
 * load, a store, a fetch-and-add or a compare-and-swap; Promela's
 * interleaving is sequentially consistent like the code's seq_cst atomics);
 * a guard "(cond)" stands for the code's spin-wait.
 *
 * AFFINITY_INFO (lib/vpsci_affinity.c) only loads one word: the state word
 * at level 0, a node's counter word above. Rather than a call, it is the
 * monitor process's invariant, checked in every reachable state: whatever
 * instant a caller's deciding load happens at, its answer is the ghost
 * abstract state of that instant (running[]). The topology has three
 * distinct levels above the CPU, as MPIDRs Aff3 = 0, Aff2 = i / 2, Aff1 = i
 * give: vCPU i alone at level 1, the pair i / 2 at level 2, everybody at
 * level 3; so a CPU_ON's target can have two nodes that do not hold the
 * caller. Each node has the counts ON, UP (a CPU_ON holding its claim) and
 * DOWN (a CPU_OFF in flight), one fetch-and-add per node and change, as in
 * the code.
 *
 * OS-initiated mode (lib/vpsci_pd.c), with -DOSI (the system calls and
 * AFFINITY_INFO are left out then: they do not touch the counters): all N vCPUs form one cluster. An OSI
 * CPU_SUSPEND that powers the cluster down, and PSCI_SET_SUSPEND_MODE's
 * "caller is the last one on", scan the other vCPUs without locks between
 * two reads of the node's transition counters (trb, tre); CPU_ON (of its
 * target), CPU_OFF and the wake-up bump trb before and tre after their
 * state change. Checked: when such a scan succeeds, at its last counter
 * read every other vCPU really is as the scan found it.
 *
 * Checked: the assertions below (safety) and, by spin's end-state check,
 * freedom from deadlock. N and K are set with -D on the spin command line.
 */
#ifndef N
#define N 3
#endif
#ifndef K
#define K 2
#endif

/* enum vcpu_pstate */
#define OFF	0
#define ON	1
#define SUSP	2
#define SYSSUSP	3
#define CLAIMED	4
/* enum sys_state */
#define RUNNING	0
#define EVENT	1
#define SSUSP	2
#define SCLAIM	3

#define stable(s)	((s) != CLAIMED)
#define is_on(s)	((s) == ON || (s) == SUSP || (s) == SYSSUSP)

byte st[N];		/* vcpus[i].state */
byte sys = RUNNING;	/* vm->sys */
byte trb, tre;		/* the cluster's (= system's) pd_node tr_begin, tr_end */

/* AFFINITY_INFO's node counters (vm->aff_ctrs): level 1, level 2, level 3. */
#define L1(i)	(i)
#define L2(i)	(N + (i) / 2)
#define L3	(N + (N + 1) / 2)
#define NN	(L3 + 1)
byte con[NN], cup[NN], cdn[NN];	/* AFF_ON, AFF_UP, AFF_DOWN fields */

/* tr_begin()/tr_end(): only a VM that offers OSI keeps the counters. */
#ifdef OSI
#define TR_BEGIN	trb++
#define TR_END		tre++
#else
#define TR_BEGIN	skip
#define TR_END		skip
#endif

/*
 * The affinity counters' fetch-and-adds, one per node as in aff_add(), in
 * its order (cluster, then system). Only the OSI variant leaves them out:
 * it checks other counters, and AFFINITY_INFO is not part of it.
 */
#ifndef OSI
#define AFF_ADD(f, i, d)	f[L1(i)] = f[L1(i)] + (d); f[L2(i)] = f[L2(i)] + (d); \
				f[L3] = f[L3] + (d)
#else
#define AFF_ADD(f, i, d)	skip
#endif

/*
 * Ghost state: what the host and the guest have been told. running[i] is
 * the abstract "vCPU i is on" AFFINITY_INFO is linearised against: set by
 * a CPU_ON at its first ON count (before the state word says ON), cleared
 * by CPU_OFF's compare-and-swap.
 */
bool running[N];
bool stopreq[N];	/* ops->cpu_stop asked it to stop ... */
bool stopack[N];	/* ... and it did, out of guest mode (cpu_stop returned) */
bool reported;		/* ops->system_event was called */

/* vcpu_wait_stable(): spin until the word holds a committed state. */
inline wait_stable(i, s)
{
	atomic { stable(st[i]) -> s = st[i] }
}

/* lib/vpsci_on.c: psci_cpu_on(), tr_begin/tr_end around start_target() */
inline cpu_on(me, t, s, ys, done)
{
	TR_BEGIN;
	done = false;
	do
	:: done -> break
	:: else ->
		wait_stable(t, s);
		if
		:: s != OFF ->
			/* ALREADY_ON: a committed ON (or suspended) target */
			assert(is_on(s));
			done = true
		:: else ->
			if
			:: atomic { st[t] == OFF -> st[t] = CLAIMED; s = CLAIMED }
			:: atomic { st[t] != OFF -> s = OFF }	/* CAS lost: retry */
			fi;
			if
			:: s == CLAIMED ->
				ys = sys;
				if
				:: ys == RUNNING ->
					AFF_ADD(cup, t, 1);
					/* ops->cpu_on(): the host may fail the start */
					if
					:: st[t] = OFF;		/* INTERNAL_FAILURE, rolled back */
					   AFF_ADD(cup, t, -1)
					:: assert(!reported);	/* never started after an event */
#ifndef OSI
					   atomic {
						/* the first node's ON count: the vCPU is on */
						con[L1(t)]++; cup[L1(t)]--;
						assert(!running[t]);	/* one SUCCESS per OFF->ON */
						running[t] = true
					   };
					   atomic { con[L2(t)]++; cup[L2(t)]-- };
					   atomic { con[L3]++; cup[L3]-- };
#else
					   assert(!running[t]);
					   running[t] = true;
#endif
					   st[t] = ON
					fi;
					done = true
				:: ys == SCLAIM ->
					/* a SYSTEM_SUSPEND is checking: let go, wait, retry */
					st[t] = OFF;
					(sys != SCLAIM)
				:: else ->
					st[t] = OFF;	/* DENIED: the VM is going down */
					done = true
				fi
			:: else -> skip
			fi
		fi
	od;
	TR_END
}

/*
 * lib/vpsci_pd.c: coordinate_osi() for a cluster power-down, and
 * psci_set_suspend_mode() for OSI -> PC ('off' set: every other vCPU must be
 * OFF; else not running: OFF or suspended). scan_begin, the lock-free scan
 * (a claimed vCPU counts as running), scan_end; then the caller commits.
 */
inline osi_scan(me, i, s, b, ok, off)
{
	atomic { b = trb; ok = (tre == b) };
	i = 0;
	do
	:: !ok || i == N -> break
	:: ok && i < N && i == me -> i++
	:: ok && i < N && i != me ->
		s = st[i];
		if
		:: s == ON || s == CLAIMED || (off && s != OFF) -> ok = false
		:: else -> i++
		fi
	od;
	atomic {
		ok = ok && trb == b;
		/* The linearisation point: everybody is as the scan read them. */
		i = 0;
		do
		:: !ok || i == N -> break
		:: ok && i < N ->
			assert(i == me || (off && st[i] == OFF) ||
			       (!off && st[i] != ON && st[i] != CLAIMED));
			i++
		od
	}
}

/* lib/vpsci_system.c: system_event() for SYSTEM_OFF/RESET/RESET2/OFF2 */
inline system_event(me, i, s, ok)
{
	ok = false;
	do
	:: atomic { sys == RUNNING -> sys = EVENT; ok = true }; break
	:: atomic { sys == EVENT || sys == SSUSP -> skip }; break	/* DENIED */
	:: atomic { sys == SCLAIM -> skip }; (sys != SCLAIM)		/* wait, retry */
	od;
	if
	:: ok ->
		i = 0;
		do
		:: i == N -> break
		:: i != N && i == me -> i++
		:: i != N && i != me ->
			wait_stable(i, s);
			if
			:: s != OFF ->
				/* ops->cpu_stop: returns once the vCPU is out of guest mode */
				stopreq[i] = true;
				(stopack[i])
			:: else -> skip
			fi;
			i++
		od;
		/* Every other vCPU is off or stopped before the report. */
		i = 0;
		do
		:: i == N -> break
		:: i < N -> assert(i == me || st[i] == OFF || stopack[i]); i++
		od;
		reported = true
	:: else -> skip
	fi
}

/* lib/vpsci_system.c: psci_system_suspend() */
inline system_suspend(me, i, s, ok)
{
	ok = false;
	if
	:: atomic { sys == RUNNING -> sys = SCLAIM; ok = true }
	:: atomic { sys != RUNNING -> skip }		/* DENIED */
	fi;
	if
	:: ok ->
		i = 0;
		do
		:: i == N -> break
		:: i < N && i == me -> i++
		:: i < N && i != me ->
			wait_stable(i, s);
			if
			:: s != OFF -> ok = false; break	/* DENIED */
			:: else -> i++
			fi
		od;
		if
		:: ok ->
			/*
			 * Entry point valid (the INVALID_ADDRESS path gives up like
			 * DENIED). Every other vCPU is still off when we commit.
			 */
			atomic {
				i = 0;
				do
				:: i == N -> break
				:: i < N -> assert(i == me || st[i] == OFF); i++
				od;
				st[me] = SYSSUSP
			};
			sys = SSUSP;
			/* ... suspended; then the host's vpsci_system_wake() */
			atomic { st[me] = ON; sys = RUNNING }
		:: else ->
			sys = RUNNING
		fi
	:: else -> skip
	fi
}

proctype vcpu(byte me)
{
	byte n, t, s, ys, i;
	bool done, ok;

	/*
	 * Parked (OFF), idle after K calls, or between calls: the vCPU can be
	 * stopped here, which is where the VMM's cpu_stop catches a vCPU thread.
	 */
end_parked:
	do
	:: atomic { stopreq[me] -> stopack[me] = true }; break
	:: atomic {
		(st[me] == ON && !stopreq[me] && n < K) ->
		/* No vCPU starts a call after an event was reported. */
		assert(!reported);
		n++
	   };
		if
		:: /*
		    * CPU_ON of another vCPU (of itself: ALREADY_ON, no transition,
		    * with -DOSI a bump of the counters, which only makes scans
		    * fail). No symmetry reduction: vCPUs 2 and 3 would be alike
		    * but for the order in which the system calls and the OSI
		    * scans visit the vCPUs, which is part of what is checked.
		    */
		   if
		   :: me != 0 -> t = 0
		   :: me != 1 -> t = 1
		   :: N > 2 && me != 2 -> t = 2
		   :: N > 3 && me != 3 -> t = 3
		   fi;
		   cpu_on(me, t, s, ys, done)
		:: /* CPU_OFF: the caller's own ON -> OFF; the host parks it */
		   TR_BEGIN;
		   AFF_ADD(cdn, me, 1);
		   atomic { running[me] = false; st[me] = OFF };
#ifndef OSI
		   atomic { con[L1(me)]--; cdn[L1(me)]-- };
		   atomic { con[L2(me)]--; cdn[L2(me)]-- };
		   atomic { con[L3]--; cdn[L3]-- };
#endif
		   TR_END
		:: /* CPU_SUSPEND, then vpsci_vcpu_wake() */
		   st[me] = SUSP;
		   TR_BEGIN;
		   st[me] = ON;
		   TR_END
#ifdef OSI
		:: /* OSI CPU_SUSPEND powering the cluster down, then the wake-up */
		   osi_scan(me, i, s, ys, ok, false);
		   if
		   :: ok ->
			st[me] = SUSP;
			TR_BEGIN;
			st[me] = ON;
			TR_END
		   :: else -> skip	/* DENIED */
		   fi
		:: /* PSCI_SET_SUSPEND_MODE(PC) from OSI: the caller must be the last */
		   osi_scan(me, i, s, ys, ok, true)
#else
		:: system_suspend(me, i, s, ok)
		:: system_event(me, i, s, ok);
		   if
		   :: ok -> break	/* the caller ends with the VM */
		   :: else -> skip
		   fi
#endif
		fi;
		/*
		 * Every local is dead between calls (each call sets what it reads
		 * first): clearing them merges states that differ only there.
		 */
		d_step { t = 0; s = 0; ys = 0; i = 0; done = false; ok = false }
	od
}

#ifndef OSI
/*
 * What AFFINITY_INFO answers from node n's counter word at this instant
 * (node_answer()): ON if more ON than DOWN, OFF if neither ON nor UP, else
 * it waits. The answer must be the ghost state's: some vCPU of the node
 * running for ON, none for OFF. No count goes below zero or past its
 * bound: a vCPU restarted before its CPU_OFF has taken back its ON count
 * is counted twice for a while (once under DOWN), so ON <= 2N.
 */
#define IN(i, n)	((i) < N && ((n) == L1(i) || (n) == L2(i) || (n) == L3))
#define ANY_RUNNING(n)	((IN(0, n) && running[0]) || (IN(1, n) && running[1]) || \
			 (IN(2, n) && running[2]) || (IN(3, n) && running[3]))
#define NODE_OK(n)	((n) >= NN || cdn[n] <= con[n] && con[n] <= 2 * N && cup[n] <= N && \
			 (con[n] <= cdn[n] || ANY_RUNNING(n)) && \
			 (con[n] != 0 || cup[n] != 0 || !ANY_RUNNING(n)))
/* Level 0: a committed state word is ON exactly for a running vCPU. */
#define CPU_OK(i)	((i) >= N || st[i] == CLAIMED || is_on(st[i]) == running[i])
#define AFF_OK		(NODE_OK(0) && NODE_OK(1) && NODE_OK(2) && NODE_OK(3) && \
			 NODE_OK(4) && NODE_OK(5) && NODE_OK(6) && \
			 CPU_OK(0) && CPU_OK(1) && CPU_OK(2) && CPU_OK(3))

active proctype monitor()
{
end_monitor:
	atomic { !AFF_OK -> assert(AFF_OK) }
}
#endif

init
{
	byte k;

	atomic {
		st[0] = ON;
		running[0] = true;
#ifndef OSI
		con[L1(0)] = 1;
		con[L2(0)] = 1;
		con[L3] = 1;
#endif
		k = 0;
		do
		:: k == N -> break
		:: k < N -> run vcpu(k); k++
		od
	}
}
