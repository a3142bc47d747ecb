#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# The Debian system's power lifecycle under vpsci-run (docs/distro.md). Runs
# INSIDE the testbed (testbed/run --add build/distro/...:distro/):
#
#   sh distro/tests.sh quick|full [GUEST...]      GUEST: 7 (default) and/or 6.12
#
# Every scenario boots a fresh copy of rootfs.img (--disk 0) with a 512 MiB
# swap disk labelled vpsci-swap (--disk 1), 4 vCPUs, 1 GiB, and has the
# in-guest driver (vpsci-test.service) run the steps of vpsci.test= through
# systemctl, chcpu, lscpu, rtcwake; its "vpsci-test: STEP ok|FAIL" console
# lines, the boot ids it prints, vpsci-run's exit status and --events are
# the evidence.
#
# quick (make check-distro), Linux 7.x guest, --psci=user:
#   boot to multi-user.target, systemctl suspend woken by rtcwake, systemctl
#   hibernate (SYSTEM_OFF2, status 4) + --resume (same boot id, marker unit
#   alive), systemctl reboot in place (new boot id, both boots in the
#   journal), systemctl poweroff (status 0)
# full (make check-distro-full) adds, for each GUEST and each of
# $DISTRO_MODES (default "user hybrid"): suspend woken by console input,
# suspend-then-hibernate, chcpu loops, lscpu clusters, cpuidle, kexec; the
# 6.12 guest hibernates with plain SYSTEM_OFF (--machine-on-off, arm64.nolva).
#
# Prints PASS/FAIL lines and "bench distro-<what> <s> s" (nested, informative).
set -u

what=${1:-quick}
[ $# -gt 0 ] && shift
guests=${*:-7}
T=/testbed
D=$T/distro
OUT=/tmp/distro-tests
H=${TESTBED_HOST_KERNEL:-?}
VM_TIMEOUT=${VM_TIMEOUT:-1500}
MODES=${DISTRO_MODES:-user hybrid}
rm -rf "$OUT"
mkdir -p "$OUT"
pass=0
fail=0

ok() {
	pass=$((pass + 1))
	echo "PASS $*"
}

ko() {
	fail=$((fail + 1))
	echo "FAIL $*"
}

now() {
	read -r u _ </proc/uptime
	echo "$u"
}

# fresh_disks NAME: a pristine root disk and an empty labelled swap disk.
fresh_disks() {
	cp "$D/rootfs.img" "$OUT/$1.root"
	rm -f "$OUT/$1.swap"
	truncate -s 512M "$OUT/$1.swap"
	dd if="$D/swap-512M.hdr" of="$OUT/$1.swap" conv=notrunc 2>/dev/null
}

# count FILE FIXED-STRING
count() {
	grep -cF -- "$2" "$1" 2>/dev/null || true
}

# waker LOG EV FIFO: for each "waiting for console input" line in LOG, wait for
# the next SYSTEM_SUSPEND in EV, then type a key into the guest's console. A
# guest suspended for over $RESCUE_S s by anything else (an RTC alarm that
# never came) is woken the same way, so the run goes on (and its check fails).
waker() {
	woken=0
	stuck=0
	while sleep 1; do
		[ -e "$1" ] || return 0
		s=$(count "$2" '"event":"SYSTEM_SUSPEND"')
		if [ "$s" -gt "$(count "$2" '"event":"SYSTEM_WAKE"')" ]; then
			stuck=$((stuck + 1))
		else
			stuck=0
		fi
		if [ "$stuck" -gt "${RESCUE_S:-300}" ]; then
			printf '\r' >"$3"
			stuck=0
		fi
		[ "$(count "$1" 'waiting for console input')" -gt "$woken" ] || continue
		while [ "$(count "$2" '"event":"SYSTEM_SUSPEND"')" -le "$s" ]; do
			sleep 1
			[ -e "$1" ] || return 0
		done
		sleep 3
		printf '\r' >"$3"
		woken=$((woken + 1))
	done
}

# progress: refresh $OUT/$name.log; echo the driver's new lines as they come.
progress() {
	cp "$OUT/$name.log.tmp" "$OUT/$name.log"
	pn=$(grep -c '^vpsci-test: ' "$OUT/$name.log")
	[ "$pn" -gt "$shown" ] || return 0
	grep '^vpsci-test: ' "$OUT/$name.log" | sed -n "$((shown + 1)),\$p" |
		awk -v t="$(now)" -v n="$name" '{ printf "     | %s %7.1f %s\n", n, t, substr($0, 1, 200) }'
	shown=$pn
}

# run NAME ARGS...: one vpsci-run, console in $OUT/NAME.log (CRs dropped),
# events in $OUT/NAME.ev, status in $st; its stdin is a FIFO the waker types into.
run() {
	name=$1
	shift
	rm -f "$OUT/$name.log" "$OUT/$name.ev" "$OUT/$name.fifo"
	mkfifo "$OUT/$name.fifo"
	exec 3<>"$OUT/$name.fifo"
	: >"$OUT/$name.log"
	waker "$OUT/$name.log" "$OUT/$name.ev" "$OUT/$name.fifo" &
	wpid=$!
	rt0=$(now)
	timeout -s TERM "$VM_TIMEOUT" vpsci-run --events "$OUT/$name.ev" "$@" \
		<"$OUT/$name.fifo" 2>&1 | tr -d '\r' >"$OUT/$name.log.tmp" &
	vpid=$!
	shown=0
	while kill -0 $vpid 2>/dev/null; do
		sleep 2
		progress
	done
	wait $vpid
	progress
	st=$(sed -n 's/.*"event":"EXIT","status":\([0-9]*\).*/\1/p' "$OUT/$name.ev" | tail -1)
	st=${st:-none}
	kill $wpid 2>/dev/null
	wait $wpid 2>/dev/null
	exec 3>&-
	elapsed=$(awk -v a="$rt0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')
	echo "     ($name: vpsci-run status $st after $elapsed s)"
}

# line NAME STEP: the driver's first "vpsci-test: STEP ok|FAIL" line of run NAME.
line() {
	grep -E "^vpsci-test: $2 (ok|FAIL)" "$OUT/$1.log" | head -1
}

# field LINE KEY: KEY=VALUE out of a driver line.
field() {
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1
}

events() {
	grep -F "\"event\":\"$2\"" "$OUT/$1.ev" 2>/dev/null
}

show() {
	echo "---- last console lines of $OUT/$1.log (status $st):"
	grep -v '^\s*$' "$OUT/$1.log" | tail -15 | sed 's/^/    /'
	echo "---- system events ($OUT/$1.ev):"
	grep -F '"event"' "$OUT/$1.ev" 2>/dev/null | grep -v CPU_WAKE | tail -6 | sed 's/^/    /'
}

# check_step NAME STEP AIM: PASS when run NAME printed "STEP ok".
check_step() {
	l=$(line "$1" "$2")
	case "$l" in
	*" $2 ok"*) ok "$3: ${l#vpsci-test: }" ;;
	*) ko "$3: ${l:-no vpsci-test: $2 line}"; show "$1" ;;
	esac
}

# check_wake NAME REASON AIM: a SYSTEM_WAKE with REASON in run NAME.
check_wake() {
	w=$(events "$1" SYSTEM_WAKE | grep -F "\"reason\":\"$2\"" | head -1)
	if [ -n "$w" ]; then
		ok "$3: vpsci-run event $w"
	else
		ko "$3: no SYSTEM_WAKE with reason $2 in $OUT/$1.ev"
	fi
}

# nth NAME STEP N: the N-th "STEP ok|FAIL" line of run NAME.
nth() {
	grep -E "^vpsci-test: $2 (ok|FAIL)" "$OUT/$1.log" | sed -n "${3}p"
}

# vm_args GUEST MODE: kernel, vCPUs, topology, mode.
vm_args() {
	echo "-k $T/kernels/vmlinuz-$1 -i $D/initrd.img -c 4 -m 1024 --psci=$2 --cpus-per-cluster=2"
	[ "$2" = user ] && echo "--power-domains=cluster"
}

# cmdline GUEST STEPS
cmdline() {
	c="console=ttyAMA0 quiet systemd.show_status=0 root=LABEL=vpsci-root"
	c="$c resume=LABEL=vpsci-swap nowatchdog vpsci.test=$2"
	[ "$1" = 6.12 ] && c="$c arm64.nolva"
	echo "$c"
}

# check_hibernated NAME GUEST: status 4 after SYSTEM_OFF2 (7.x), or status 0
# after a plain SYSTEM_OFF with the description written (6.12).
check_hibernated() {
	m=$OUT/$1.machine
	if [ "$2" = 6.12 ]; then
		want=0 ev=SYSTEM_OFF reason=SYSTEM_OFF
	else
		want=4 ev=SYSTEM_OFF2 reason=SYSTEM_OFF2
	fi
	got=$(sed -n 's/^reason=//p' "$m" 2>/dev/null)
	if [ "$st" = "$want" ] && [ -n "$(events "$1" "$ev\",")" ] && [ "$got" = "$reason" ]; then
		ok "$1: the guest hibernated: $ev event, vpsci-run status $st, description" \
			"reason=$got"
	else
		ko "$1: status $st (want $want), $ev events $(events "$1" "$ev\"," | wc -l)," \
			"description reason '$got' (want $reason)"
		show "$1"
		return 1
	fi
}

# check_same_boot A B STEP: B's STEP line has the boot id of A's first boot.
check_same_boot() {
	b0=$(field "$(line "$1" boot)" boot_id)
	b1=$(field "$(line "$2" "$3")" boot_id)
	if [ -n "$b0" ] && [ "$b0" = "$b1" ]; then
		ok "$2: resumed the same system: boot_id $b1 before and after $3"
	else
		ko "$2: boot_id '$b0' before, '$b1' after $3"
	fi
}

# check_reboot NAME OLD N: the N-th boot line of run NAME has a boot id other
# than OLD, a new BOOT event came, and the journal lists the earlier boots.
check_reboot() {
	b1=$2
	b2=$(field "$(nth "$1" boot "$3")" boot_id)
	boots=$(events "$1" BOOT | wc -l)
	j=$(line "$1" journal)
	if [ -n "$b2" ] && [ "$b1" != "$b2" ] && [ "$boots" -ge 2 ] &&
		[ "$(field "$j" boots)" -ge 2 ]; then
		ok "$1: systemctl reboot rebooted in place: boot_id $b1 -> $b2, $boots BOOT" \
			"events; ${j#vpsci-test: }"
	else
		ko "$1: reboot: boot_id '$b1' -> '$b2', $boots BOOT events, journal '$j'"
		show "$1"
	fi
}

check_poweroff() {
	if [ "$st" = 0 ] && [ -n "$(events "$1" 'SYSTEM_OFF",')" ] &&
		grep -q '^vpsci-test: poweroff: systemctl poweroff' "$OUT/$1.log"; then
		ok "$1: systemctl poweroff -> SYSTEM_OFF, vpsci-run status 0"
	else
		ko "$1: poweroff: status $st, SYSTEM_OFF events $(events "$1" 'SYSTEM_OFF",' | wc -l)"
		show "$1"
	fi
}

bench_boot() {
	a=$(line "$1" boot | sed -n 's/.*Startup finished in \(.*\)$/\1/p')
	[ -z "$a" ] || echo "     ($1: systemd-analyze: startup finished in $a)"
}

# ---- quick: boot, suspend (RTC), hibernate + resume, reboot, poweroff ----
t_quick() {
	g=$1 mode=$2 n=q$1-$2
	fresh_disks "$n"
	# shellcheck disable=SC2046
	run "$n-a" $(vm_args "$g" "$mode") --disk "$OUT/$n.root" --disk "$OUT/$n.swap" \
		--machine "$OUT/$n-a.machine" $([ "$g" = 6.12 ] && echo --machine-on-off) \
		-p "$(cmdline "$g" boot,marker,suspend-rtc:10,hibernate,reboot,boot,journal,poweroff)"
	check_step "$n-a" boot "$n-a: boot to multi-user.target, 4 vCPUs"
	bench_boot "$n-a"
	check_step "$n-a" suspend-rtc "$n-a: systemctl suspend, rtcwake alarm"
	check_wake "$n-a" rtc "$n-a: woken by the PL031 alarm"
	check_hibernated "$n-a" "$g" || return
	run "$n-b" --resume "$OUT/$n-a.machine"
	check_step "$n-b" hibernate "$n-b: --resume: systemctl hibernate returned, marker alive"
	check_same_boot "$n-a" "$n-b" hibernate
	check_reboot "$n-b" "$(field "$(line "$n-b" hibernate)" boot_id)" 1
	check_poweroff "$n-b"
}

# ---- full: every action of docs/distro.md, in three vpsci-run runs ----------
t_full() {
	g=$1 mode=$2 n=f$1-$2
	idle=,idle
	[ "$mode" = user ] || idle=
	fresh_disks "$n"
	steps="boot,marker,lscpu$idle,hotplug:3,suspend-rtc:10,suspend-console,s2h,hibernate"
	steps="$steps,kexec,boot,reboot,boot,journal,poweroff"
	# shellcheck disable=SC2046
	run "$n-a" $(vm_args "$g" "$mode") --disk "$OUT/$n.root" --disk "$OUT/$n.swap" \
		--machine "$OUT/$n.machine" $([ "$g" = 6.12 ] && echo --machine-on-off) \
		-p "$(cmdline "$g" "$steps")"
	check_step "$n-a" boot "$n-a: boot to multi-user.target, 4 vCPUs"
	bench_boot "$n-a"
	l=$(line "$n-a" lscpu)
	if [ "$(field "$l" clusters)" = 2 ]; then
		ok "$n-a: lscpu: 2 clusters of 2 CPUs (${l#vpsci-test: })"
	else
		ko "$n-a: lscpu shows $(field "$l" clusters) cluster(s), want 2: MPIDRs" \
			"$(field "$l" mpidrs), /cpus/cpu-map in the DT: $(field "$l" cpu-map)" \
			"(Linux takes the topology from cpu-map, not from MPIDR)"
	fi
	[ -z "$idle" ] || check_step "$n-a" idle "$n-a: PSCI idle states used"
	check_step "$n-a" hotplug "$n-a: chcpu -d 1-3 / -e 1-3 loop"
	check_step "$n-a" suspend-rtc "$n-a: systemctl suspend, rtcwake alarm"
	check_wake "$n-a" rtc "$n-a: woken by the PL031 alarm"
	check_step "$n-a" suspend-console "$n-a: systemctl suspend, console input"
	check_wake "$n-a" uart "$n-a: woken by console input"
	check_hibernated "$n-a" "$g" || return
	run "$n-b" --resume "$OUT/$n.machine"
	check_step "$n-b" s2h "$n-b: --resume: systemctl suspend-then-hibernate returned"
	check_same_boot "$n-a" "$n-b" s2h
	check_hibernated "$n-b" "$g" || return
	run "$n-c" --resume "$OUT/$n.machine"
	check_step "$n-c" hibernate "$n-c: --resume: systemctl hibernate returned, marker alive"
	check_same_boot "$n-a" "$n-c" hibernate
	k=$(nth "$n-c" boot 1)
	kb=$(field "$k" boot_id)
	if grep -q '^vpsci-test: kexec: systemctl kexec' "$OUT/$n-c.log" && [ -n "$kb" ] &&
		[ "$kb" != "$(field "$(line "$n-c" hibernate)" boot_id)" ] &&
		[ "$(events "$n-c" BOOT | wc -l)" = 2 ]; then
		ok "$n-c: systemctl kexec: ${k#vpsci-test: } (same VM: only the reboot after" \
			"it added a BOOT event)"
	else
		ko "$n-c: kexec: boot line after kexec '$k', BOOT events $(events "$n-c" BOOT | wc -l)" \
			"(want 2: the resume and the reboot)"
		show "$n-c"
	fi
	check_reboot "$n-c" "$kb" 2
	check_poweroff "$n-c"
}

t0=$(now)
vpsci-run --version 2>/dev/null | head -1
for g in $guests; do
	if [ "$what" = full ]; then
		for m in $MODES; do
			t_full "$g" "$m"
		done
	else
		t_quick "$g" user
	fi
done
echo "distro-tests ($what, host $H, guests $guests): $pass passed, $fail failed" \
	"($(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }') s)"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
