/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Promela model of libvpsci's vCPU power state machine and its lock-free
 * claims (lib/vpsci_on.c, vpsci_off.c, vpsci_suspend.c, vpsci_system.c,
 * vpsci_topology.c; docs/design.md section 4).
 *
 * Each vCPU is a process that, while ON, makes up to K PSCI calls chosen
 * nondeterministically: CPU_ON (any target), CPU_OFF, AFFINITY_INFO,
 * CPU_SUSPEND (then woken by the host), SYSTEM_SUSPEND (then woken), or a
 * system event (SYSTEM_OFF stands for all of OFF/RESET/RESET2/OFF2, which
 * share one code path). Every atomic {} below is one C11 atomic operation
 * of the code (a load, a store or a compare-and-swap; Promela's
 * interleaving is sequentially consistent like the code's seq_cst atomics);
 * a guard "(cond)" stands for the code's spin-wait.
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

/* tr_begin()/tr_end(): only a VM that offers OSI keeps the counters. */
#ifdef OSI
#define TR_BEGIN	trb++
#define TR_END		tre++
#else
#define TR_BEGIN	skip
#define TR_END		skip
#endif

/* Ghost state: what the host and the guest have been told. */
bool running[N];	/* a CPU_ON SUCCESS (or boot) since the vCPU last went off */
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
					/* ops->cpu_on(): the host may fail the start */
					if
					:: st[t] = OFF		/* INTERNAL_FAILURE, rolled back */
					:: assert(!reported);	/* never started after an event */
					   assert(!running[t]);	/* exactly one SUCCESS per OFF->ON */
					   running[t] = true;
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

/* lib/vpsci_topology.c: AFFINITY_INFO at level 0 */
inline affinity_info(t, s)
{
	/*
	 * The load that decides the answer: it only ever returns a committed
	 * state, and ON exactly when the target was started and not turned off.
	 */
	atomic { stable(st[t]) -> s = st[t]; assert(is_on(s) == running[t]) }
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
		:: t = 0
		:: t = 1
		:: N > 2 -> t = 2
		:: N > 3 -> t = 3
		fi;
		if
		:: cpu_on(me, t, s, ys, done)
#ifndef OSI
		:: affinity_info(t, s)
#endif
		:: /* CPU_OFF: the caller's own ON -> OFF; the host parks it */
		   TR_BEGIN;
		   atomic { running[me] = false; st[me] = OFF };
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
		   :: !ok -> goto next	/* DENIED */
		   :: else -> skip
		   fi;
		   st[me] = SUSP;
		   TR_BEGIN;
		   st[me] = ON;
		   TR_END
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
next:
		skip
	od
}

init
{
	byte k;

	atomic {
		st[0] = ON;
		running[0] = true;
		k = 0;
		do
		:: k == N -> break
		:: k < N -> run vcpu(k); k++
		od
	}
}
