#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Suspend to RAM of a Linux guest under vpsci-run (PSCI SYSTEM_SUSPEND,
# DEN0022 5.19). Runs INSIDE the testbed, every scenario in one boot:
#
#   sh suspend-tests.sh quick|full [GUEST_KERNEL]
#
# Each scenario boots the guest with testbed/guest-scripts/suspend-cycles,
# which does `echo mem > /sys/power/state` once per wake source named in
# vpsci.wakes=; this script supplies the host-side sources (console input,
# SIGUSR1) once the events log shows the guest suspended, and checks the
# guest console and the events log after each cycle. Times are printed as
#   bench suspend-<scenario>-<src>-<metric> <s> s
# (nested, never asserted): asleep = SYSTEM_SUSPEND to SYSTEM_WAKE from the
# events log (vpsci-run's clock; includes the host's 1 s wait or the RTC
# alarm); cycle = the guest's "start" line to its "resumed" line (as this
# script sees them); overhead = cycle - asleep (Linux's suspend and resume
# paths); resume = vpsci-run -v's "woken" line to the guest's "resumed" line
# and total = its "asleep" line to "resumed" (these two compare stderr with
# the console, read by two readers: under load they skew by up to ~2 s).
# Ends with "N passed, N failed, N skipped"; exit status 0 only if none failed.

what=${1:-quick}
OUT=/tmp/suspend-tests
. "$(dirname "$0")/lib.sh"
guest_kernel "${2:-6.12}"

# start_vm ARGS...: $VMM -v in the background for run $name, stdin from a
# FIFO this script holds open (fd 3: console input), the console to
# $OUT/$name.log and stderr to .err (apart: a console line may be written in
# pieces), both stamped into one .times file (the cycle's timing lines).
# Sets pid; end_vm waits for the end and sets st and elapsed.
start_vm() {
	log=$OUT/$name.log
	ev=$OUT/$name.ev
	tm=$OUT/$name.times
	stf=$OUT/$name.st
	fifo=$OUT/$name.in
	errfifo=$OUT/$name.errin
	rm -f "$log" "$ev" "$tm" "$fifo" "$errfifo" "$OUT/$name.st" "$OUT/$name.pid"
	mkfifo "$fifo" "$errfifo"
	exec 3<>"$fifo"
	stamp "$tm" "$stf" <"$errfifo" >"$OUT/$name.err" &
	t_start=$(now)
	{
		"$VMM" -v --events "$ev" "$@" <"$fifo" 2>"$errfifo" &
		vpid=$!
		echo "$vpid" >"$OUT/$name.pid"
		watchdog "$vpid"
		wait "$vpid"
		echo "vpsci-run-status=$?"
		unwatch
	} | stamp "$tm" "$stf" >"$log" &
	reader=$!
	wait_for "$OUT/$name.pid" . 5
	pid=$(cat "$OUT/$name.pid" 2>/dev/null)
}

end_vm() {
	wait "$reader" 2>/dev/null
	exec 3>&-
	st=$(cat "$stf" 2>/dev/null || echo 255)
	elapsed=$(delta "$t_start" "$(now)")
}

# drive_wakes WAKES: wake run $name once per source in WAKES (comma-separated)
# when its SYSTEM_SUSPEND event comes (rtc: the guest's own alarm does it),
# and wait for each resume. Sets k (the cycles driven) and why (empty, or
# what went wrong).
drive_wakes() {
	why=
	k=0
	for src in $(echo "$1" | tr , ' '); do
		k=$((k + 1))
		if [ "$src" != rtc ]; then
			if ! wait_for "$ev" '"event":"SYSTEM_SUSPEND"' 150 $k "$stf"; then
				why="cycle $k: no SYSTEM_SUSPEND event"
				return
			fi
			sleep 1
			case $src in
			uart) printf 'w' >&3 ;;
			signal) kill -USR1 "$pid" ;;
			esac
		fi
		if ! wait_for "$tm" "vpsci-susp-cycle=$k resumed" 150 1 "$stf"; then
			why="cycle $k ($src): the guest did not resume"
			return
		fi
	done
}

# check_cycle K SRC: cycle K of run $name (woken by SRC): every CPU in $want
# back, the process and RAM kept, the date advanced, SYSTEM_WAKE's reason
# SRC; sets why on a problem, else prints the cycle's bench lines.
check_cycle() {
	line=$(grep -F "vpsci-susp-cycle=$1 resumed" "$tm" | head -1)
	start=$(grep -F "vpsci-susp-cycle=$1 start" "$tm" | head -1)
	case "$line" in
	*" rc=0 online=$want marker=alive ram=ok "*) ;;
	*)
		why="cycle $1 ($2): resumed line '${line#* }', want online=$want"
		return
		;;
	esac
	d0=${start##*date=}
	d1=${line##*date=}
	[ "$d1" -gt "$d0" ] 2>/dev/null || { why="cycle $1: date did not advance ($d0 -> $d1)"; return; }
	reason=$(ev_field "$ev" '"event":"SYSTEM_WAKE"' reason "$1")
	[ "$reason" = "$2" ] || { why="cycle $1: SYSTEM_WAKE reason '$reason', want '$2'"; return; }
	# Times: when this script saw the lines (guest console and vpsci-run -v
	# both come through vpsci-run's output), and the events log's own
	# measure of the time asleep.
	ts=$(grep -F "SYSTEM_SUSPEND: asleep" "$tm" | sed -n "${1}p")
	tw=$(grep -F "SYSTEM_SUSPEND: woken" "$tm" | sed -n "${1}p")
	asleep=$(ev_field "$ev" '"event":"SYSTEM_WAKE"' suspended_s "$1")
	cycle=$(delta "${start%% *}" "${line%% *}")
	b=suspend-$tag-host$H-guest$gk-$1-$2
	echo "bench $b-asleep $asleep s"
	echo "bench $b-cycle $cycle s"
	echo "bench $b-overhead $(delta "$asleep" "$cycle") s"
	echo "bench $b-resume $(delta "${tw%% *}" "${line%% *}") s"
	echo "bench $b-total $(delta "${ts%% *}" "${line%% *}") s"
}

# Aim: suspend to RAM in MODE with N vCPUs, one cycle per wake source in
# WAKES (uart = console input, signal = SIGUSR1, rtc = PL031 alarm), DEN0022
# 5.19: Linux offlines the secondaries (CPU_OFF), SYSTEM_SUSPEND suspends the
# last CPU; each wake-up resumes it at its entry point; after each cycle
# every CPU is back online, a process and a RAM pattern survived, the date
# advanced; the events log has one SYSTEM_SUSPEND and one SYSTEM_WAKE (with
# the right reason) per cycle, and the guest finally powers off (status 0).
# In hybrid and kernel mode KVM answers CPU_OFF and vpsci-run asks KVM
# whether the other vCPUs are off.
t_cycles() {
	tag=$1
	mode=$2
	n=$3
	wakes=$4
	shift 4
	name=$tag-guest$gk
	want=0-$((n - 1))
	[ "$n" = 1 ] && want=0
	start_vm -k "$K" -i "$I" -c "$n" -m "$MEM" --psci="$mode" "$@" \
		-p "console=ttyAMA0 quiet panic=-1 vpsci.script=suspend-cycles vpsci.wakes=$wakes"
	drive_wakes "$wakes"
	end_vm
	[ -n "$why" ] || [ "$st" = 0 ] || why="exit status $st, expected 0 (SYSTEM_OFF)"
	[ -n "$why" ] || grep -q "vpsci-susp-done cycles=$k" "$log" || why="no vpsci-susp-done line"
	k=0
	for src in $(echo "$wakes" | tr , ' '); do
		[ -z "$why" ] || break
		k=$((k + 1))
		check_cycle "$k" "$src"
	done
	susp=$(count "$ev" '"event":"SYSTEM_SUSPEND"')
	wake=$(count "$ev" '"event":"SYSTEM_WAKE"')
	offs=$(count "$ev" '"fn":"CPU_OFF"')
	if [ -z "$why" ] && { [ "$susp" != "$k" ] || [ "$wake" != "$k" ]; }; then
		why="events: $susp SYSTEM_SUSPEND / $wake SYSTEM_WAKE, want $k / $k"
	fi
	[ -n "$why" ] || [ "$mode" != user ] || [ "$offs" -ge $((k * (n - 1))) ] ||
		why="events: $offs CPU_OFF, want at least $((k * (n - 1)))"
	if [ -z "$why" ]; then
		ok "$name: $k suspend/resume cycles ($mode mode, $n vCPUs) woken by $wakes; CPUs $want" \
			"back, process and RAM kept, date advanced, $susp SYSTEM_SUSPEND /" \
			"$wake SYSTEM_WAKE, poweroff -> 0 (run $elapsed s)"
	else
		ko "$name: $why"
		show_run "$name"
	fi
}

# Aim: --no-system-suspend withholds SYSTEM_SUSPEND (DEN0022 5.15: PSCI_FEATURES
# says NOT_SUPPORTED): Linux then offers no "deep" sleep, so "mem" means
# suspend-to-idle; that still works and the PL031 alarm wakes it; no
# SYSTEM_SUSPEND is ever called, the guest powers off (status 0).
t_withheld() {
	name=withheld-guest$gk
	start_vm -k "$K" -i "$I" -c 2 -m "$MEM" --no-system-suspend \
		-p "console=ttyAMA0 quiet panic=-1 vpsci.script=suspend-cycles vpsci.wakes=rtc"
	why=
	wait_for "$tm" "vpsci-susp-cycle=1 resumed" 150 1 "$stf" || why="the guest did not resume"
	end_vm
	setup=$(grep -o 'vpsci-susp-setup mem_sleep=[^ ]*' "$log" | head -1)
	line=$(grep -o 'vpsci-susp-cycle=1 resumed.*' "$log" | head -1)
	feat=$(grep -F '"fn":"PSCI_FEATURES"' "$ev" | grep -cF '"args":["0xc400000e"' || true)
	feat_no=$(grep -F '"fn":"PSCI_FEATURES"' "$ev" | grep -F '"args":["0xc400000e"' |
		grep -cF '"rc":-1' || true)
	[ -n "$why" ] || [ "$st" = 0 ] || why="exit status $st, expected 0"
	case "$setup" in
	*deep*) why="${why:+$why; }mem_sleep offers deep: $setup" ;;
	*"mem_sleep=[s2idle]"*) ;;
	*) why="${why:+$why; }unexpected setup line: $setup" ;;
	esac
	case "$line" in
	*" rc=0 online=0-1 marker=alive ram=ok "*) ;;
	*) why="${why:+$why; }resumed line '$line'" ;;
	esac
	[ "$(count "$ev" '"fn":"SYSTEM_SUSPEND"')" = 0 ] ||
		why="${why:+$why; }SYSTEM_SUSPEND was called"
	[ "$feat" -ge 1 ] && [ "$feat" = "$feat_no" ] ||
		why="${why:+$why; }PSCI_FEATURES(SYSTEM_SUSPEND): $feat_no of $feat calls said -1"
	if [ -z "$why" ]; then
		ok "$name: SYSTEM_SUSPEND withheld (PSCI_FEATURES -1), mem_sleep" \
			"'${setup#*mem_sleep=}' -> suspend-to-idle, woken by the RTC alarm, poweroff -> 0" \
			"(run $elapsed s)"
	else
		ko "$name: $why"
		show_run "$name"
	fi
}

# Aim: the conformance guest's SYSTEM_SUSPEND tests (psci.only=SYSTEM_SUSPEND:
# PSCI_FEATURES says 0, DENIED while another CPU is on, INVALID_ADDRESS for an
# entry outside RAM, wakes on its timer interrupt and resumes at the entry
# point with x0 = context id, EL1h, DAIF masked, MMU off, RAM kept) in MODE.
t_conformance() {
	mode=$1
	name=conformance-$mode
	img=/testbed/guest/psci-guest.Image
	if [ ! -f "$img" ]; then
		sk "$name: no $img (make guest)"
		return
	fi
	start_vm -k "$img" -c 4 -m "$MEM" --psci="$mode" --no-reboot \
		-p "psci.sel=all psci.only=SYSTEM_SUSPEND"
	end_vm
	ran=$(grep -E '^(not )?ok [0-9]+ - [^#]*SYSTEM_SUSPEND' "$log" | grep -vc '# SKIP')
	bad=$(grep -c '^not ok' "$log")
	if [ "$st" = 0 ] && [ "$bad" = 0 ] && [ "$ran" -ge 6 ]; then
		ok "$name: $ran SYSTEM_SUSPEND tests of the conformance guest pass (run $elapsed s)"
	else
		ko "$name: status $st, $ran SYSTEM_SUSPEND tests ran (want 6), $bad failed"
		grep -A1 '^not ok' "$log" | head -12 | sed 's/^/    /'
		show_run "$name"
	fi
}

need_kvm

case $what in
quick)
	t_cycles 1cpu user 1 uart,signal,rtc
	t_cycles 4cpu user 4 rtc,uart,signal
	t_withheld
	;;
full)
	t_cycles 1cpu user 1 uart,signal,rtc
	t_cycles 4cpu user 4 rtc,uart,signal
	t_cycles 2cpu-smc user 2 signal,rtc --conduit=smc
	t_withheld
	t_cycles hybrid-4cpu hybrid 4 signal,rtc,uart
	t_cycles kernel-4cpu kernel 4 rtc,uart,signal --system-suspend
	t_conformance user
	t_conformance hybrid
	t_conformance kernel
	# The newest guest kernel too.
	guest_kernel 7
	t_cycles 4cpu user 4 uart,rtc,signal
	;;
only)
	eval "${ONLY:?set ONLY to the test calls to run}"
	;;
*)
	echo "usage: suspend-tests.sh quick|full|only [6.12|7]" >&2
	exit 2
	;;
esac
finish "suspend-tests ($what, host $H, guest $guests)"
