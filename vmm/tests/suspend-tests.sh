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
set -u

what=${1:-quick}
gk=${2:-6.12}
gk0=$gk
K=/testbed/kernels/vmlinuz-$gk
I=/testbed/kernels/initrd.img
H=${TESTBED_HOST_KERNEL:-?}
OUT=/tmp/suspend-tests
MEM=256
LIMIT=${VM_TIMEOUT:-240}
mkdir -p "$OUT"
pass=0
fail=0
skip=0

ok() {
	pass=$((pass + 1))
	echo "PASS $*"
}

ko() {
	fail=$((fail + 1))
	echo "FAIL $*"
}

uptime_s() {
	read -r u _ </proc/uptime
	echo "$u"
}

# count FILE PATTERN: lines of FILE holding PATTERN (0 if there is no FILE).
count() {
	c=$(grep -cF -- "$2" "$1" 2>/dev/null)
	echo "${c:-0}"
}

# wait_for FILE PATTERN N SECONDS: until FILE has N lines holding PATTERN.
wait_for() {
	i=0
	while [ "$(count "$1" "$2")" -lt "$3" ]; do
		[ "$i" -ge $(($4 * 5)) ] && return 1
		[ -f "$OUT/$name.st" ] && [ "$(count "$1" "$2")" -lt "$3" ] && return 1
		sleep 0.2
		i=$((i + 1))
	done
	return 0
}

# ev_field FILE PATTERN N KEY: KEY's value in the Nth line holding PATTERN.
ev_field() {
	grep -F -- "$2" "$1" | sed -n "$3p" | sed -n "s/.*\"$4\":\"*\([^\",}]*\).*/\1/p"
}

# sub A B: B - A with 2 decimals, "-" if either is missing.
sub() {
	if [ -z "$1" ] || [ -z "$2" ] || [ "$1" = - ] || [ "$2" = - ]; then
		echo -
	else
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'
	fi
}

show_failure() {
	echo "---- last lines of $OUT/$1.log:"
	tail -15 "$OUT/$1.log" | sed 's/^/    /'
	echo "---- last lines of $OUT/$1.err:"
	tail -6 "$OUT/$1.err" | sed 's/^/    /'
	echo "---- events ($OUT/$1.ev): $(wc -l <"$OUT/$1.ev" 2>/dev/null || echo 0) lines"
	grep -E 'SYSTEM_|EXIT' "$OUT/$1.ev" 2>/dev/null | tail -8 | sed 's/^/    /'
}

# stamp: copy stdin to stdout, and the lines that time a cycle (the guest's
# vpsci-susp lines, vpsci-run -v's SYSTEM_SUSPEND ones) with the host's
# uptime to .times.
stamp() {
	while IFS= read -r line; do
		case "$line" in
		*vpsci-susp* | *"SYSTEM_SUSPEND: "*)
			read -r up _ </proc/uptime	# no fork: keep the lag small
			printf '%s %s\n' "$up" "$line" >>"$tm"
			;;
		vpsci-run-status=*)
			echo "${line#vpsci-run-status=}" >"$OUT/$name.st"
			continue
			;;
		esac
		printf '%s\n' "$line"
	done
}

# start_vm ARGS...: vpsci-run -v in the background, stdin from a FIFO this
# script holds open (fd 3: console input), the console to $OUT/$name.log and
# stderr to .err (apart: a console line may be written in pieces), both
# through stamp().
start_vm() {
	log=$OUT/$name.log
	ev=$OUT/$name.ev
	tm=$OUT/$name.times
	fifo=$OUT/$name.in
	errfifo=$OUT/$name.errin
	rm -f "$log" "$ev" "$tm" "$fifo" "$errfifo" "$OUT/$name.st" "$OUT/$name.pid"
	mkfifo "$fifo" "$errfifo"
	exec 3<>"$fifo"
	stamp <"$errfifo" >"$OUT/$name.err" &
	t0=$(uptime_s)
	{
		vpsci-run -v --events "$ev" "$@" <"$fifo" 2>"$errfifo" &
		vpid=$!
		echo "$vpid" >"$OUT/$name.pid"
		# The watchdog must not hold the pipe open, or the reader waits for it.
		(sleep "$LIMIT"; kill -TERM "$vpid" 2>/dev/null) >/dev/null 2>&1 3>&- &
		wd=$!
		wait "$vpid"
		echo "vpsci-run-status=$?"
		kill "$wd" 2>/dev/null
	} | stamp >"$log" &
	reader=$!
	i=0
	while [ ! -s "$OUT/$name.pid" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	pid=$(cat "$OUT/$name.pid" 2>/dev/null)
}

end_vm() {
	wait "$reader" 2>/dev/null
	exec 3>&-
	st=$(cat "$OUT/$name.st" 2>/dev/null || echo 255)
	elapsed=$(sub "$t0" "$(uptime_s)")
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
	why=
	k=0
	for src in $(echo "$wakes" | tr , ' '); do
		k=$((k + 1))
		if [ "$src" != rtc ]; then
			if ! wait_for "$ev" '"event":"SYSTEM_SUSPEND"' $k 150; then
				why="cycle $k: no SYSTEM_SUSPEND event"
				break
			fi
			sleep 1
			case $src in
			uart) printf 'w' >&3 ;;
			signal) kill -USR1 "$pid" ;;
			esac
		fi
		if ! wait_for "$tm" "vpsci-susp-cycle=$k resumed" 1 150; then
			why="cycle $k ($src): the guest did not resume"
			break
		fi
	done
	end_vm
	[ -n "$why" ] || [ "$st" = 0 ] || why="exit status $st, expected 0 (SYSTEM_OFF)"
	[ -n "$why" ] || grep -q "vpsci-susp-done cycles=$k" "$log" || why="no vpsci-susp-done line"
	k=0
	for src in $(echo "$wakes" | tr , ' '); do
		[ -z "$why" ] || break
		k=$((k + 1))
		line=$(grep -F "vpsci-susp-cycle=$k resumed" "$tm" | head -1)
		start=$(grep -F "vpsci-susp-cycle=$k start" "$tm" | head -1)
		case "$line" in
		*" rc=0 online=$want marker=alive ram=ok "*) ;;
		*)
			why="cycle $k ($src): resumed line '${line#* }', want online=$want"
			break
			;;
		esac
		d0=${start##*date=}
		d1=${line##*date=}
		[ "$d1" -gt "$d0" ] 2>/dev/null || { why="cycle $k: date did not advance ($d0 -> $d1)"; break; }
		reason=$(ev_field "$ev" '"event":"SYSTEM_WAKE"' $k reason)
		[ "$reason" = "$src" ] || { why="cycle $k: SYSTEM_WAKE reason '$reason', want '$src'"; break; }
		# Times: when this script saw the lines (guest console and
		# vpsci-run -v both come through vpsci-run's output), and the
		# events log's own measure of the time asleep.
		ts=$(grep -F "SYSTEM_SUSPEND: asleep" "$tm" | sed -n "${k}p")
		tw=$(grep -F "SYSTEM_SUSPEND: woken" "$tm" | sed -n "${k}p")
		asleep=$(ev_field "$ev" '"event":"SYSTEM_WAKE"' $k suspended_s)
		cycle=$(sub "${start%% *}" "${line%% *}")
		b=suspend-$tag-host$H-guest$gk-$k-$src
		echo "bench $b-asleep $asleep s"
		echo "bench $b-cycle $cycle s"
		echo "bench $b-overhead $(sub "$asleep" "$cycle") s"
		echo "bench $b-resume $(sub "${tw%% *}" "${line%% *}") s"
		echo "bench $b-total $(sub "${ts%% *}" "${line%% *}") s"
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
		show_failure "$name"
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
	wait_for "$tm" "vpsci-susp-cycle=1 resumed" 1 150 || why="the guest did not resume"
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
		show_failure "$name"
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
		skip=$((skip + 1))
		echo "SKIP $name: no $img (make guest)"
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
		show_failure "$name"
	fi
}

[ -c /dev/kvm ] || {
	echo "SKIP all: no /dev/kvm in this environment (not inside the testbed?)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}

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
	gk=7
	K=/testbed/kernels/vmlinuz-7
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
guests=$gk0
[ "$gk" = "$gk0" ] || guests="$gk0 and $gk"
echo "suspend-tests ($what, host $H, guest $guests): $pass passed, $fail failed, $skip skipped"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
