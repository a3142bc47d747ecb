#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# vpsci-run integration tests. Runs INSIDE the testbed (arm64 Linux with
# /dev/kvm), many vpsci-run invocations in one testbed boot:
#
#   sh vmm-tests.sh quick|full|boots|demo|only [GUEST_KERNEL]
#
# quick: a representative subset (make check); full: every PSCI mode with 1,
# 2 and 4 vCPUs plus reboot, hotplug and input in each mode (make
# check-full); demo: one guest lifecycle shown to a newcomer (make demo):
# CPU_ON/CPU_OFF, SYSTEM_OFF, suspend to RAM and hibernate/resume.
# Each test prints PASS/FAIL/SKIP with its aim; boot-to-init times are printed
# as "bench vmm-boot-to-init-host<H>-guest<G>-<mode>-<N>cpu <s> s", measured
# from outside: vpsci-run start to the guest's /init script's first line.
# Ends with "N passed, N failed, N skipped"; exit status 0 only if none failed.

what=${1:-quick}
OUT=/tmp/vmm-tests
. "$(dirname "$0")/lib.sh"
guest_kernel "${2:-6.12}"

# boot_to NAME TEXT: seconds from the start of run NAME to its first console
# line holding TEXT (the guest's /init script running), "-" if never seen.
boot_to() {
	delta "$t_start" "$(line_time "$1" "$2")"
}

# Aim: Linux boots with N vCPUs in MODE, reports all N online, "poweroff"
# ends vpsci-run with status 0 (SYSTEM_OFF); the events log shows where the
# PSCI calls were handled (DEN0022 5.5 CPU_ON, 5.10 SYSTEM_OFF).
t_boot() {
	mode=$1
	n=$2
	name=boot-$mode-${n}cpu-guest$gk
	run_vm "$name" -k "$K" -i "$I" -c "$n" -m "$MEM" --psci="$mode" \
		-p "console=ttyAMA0 quiet panic=-1 vpsci.script=cpus-online"
	t_init=$(boot_to "$name" vpsci-cpus-online=)
	want=0-$((n - 1))
	[ "$n" = 1 ] && want=0
	why=
	[ "$st" = 0 ] || why="exit status $st, expected 0 (SYSTEM_OFF)"
	[ -n "$why" ] || grep -q "vpsci-cpus-online=$want" "$OUT/$name.log" ||
		why="guest did not report CPUs $want online"
	if [ -z "$why" ]; then
		on_user=$(count "$OUT/$name.ev" '"fn":"CPU_ON"')
		off_user=$(count "$OUT/$name.ev" '"event":"SYSTEM_OFF","vcpu":0,"handled":"user"')
		off_kern=$(count "$OUT/$name.ev" '"event":"SYSTEM_OFF","vcpu":0,"handled":"kernel"')
		calls=$(count "$OUT/$name.ev" '"fn":')
		case $mode in
		user)
			[ "$on_user" = $((n - 1)) ] && [ "$off_user" = 1 ] ||
				why="events: $on_user CPU_ON / $off_user SYSTEM_OFF in userspace," \
				"expected $((n - 1)) / 1"
			;;
		hybrid)
			[ "$on_user" = 0 ] && [ "$off_user" = 1 ] ||
				why="events: $on_user CPU_ON / $off_user SYSTEM_OFF in userspace," \
				"expected 0 (in KVM) / 1"
			;;
		kernel)
			[ "$calls" = 0 ] && [ "$off_kern" = 1 ] ||
				why="events: $calls calls in userspace / $off_kern kernel SYSTEM_OFF," \
				"expected 0 / 1"
			;;
		esac
	fi
	if [ -z "$why" ]; then
		ok "$name: $n vCPUs online, poweroff -> 0, PSCI calls in the expected place" \
			"(boot-to-init $t_init s, run $elapsed s)"
		echo "bench vmm-boot-to-init-host$H-guest$gk-$mode-${n}cpu $t_init s"
	else
		ko "$name: $why"
		show_run "$name"
	fi
}

# Aim: SYSTEM_RESET reboots in place with fresh state and reloaded images;
# the guest comes up again (DEN0022 5.11). --max-reboots 1 ends the second
# boot's reset with status 5. With "warm" Linux uses SYSTEM_RESET2 (5.12,
# WARM_RESET type 0) and the event log carries its type and cookie.
t_reboot() {
	mode=$1
	warm=${2:-}
	name=reboot-$mode${warm:+-warm}
	want_ev='"event":"SYSTEM_RESET"'
	extra=
	if [ -n "$warm" ]; then
		want_ev='"event":"SYSTEM_RESET2"'
		extra=" reboot=warm"
	fi
	run_vm "$name" -k "$K" -i "$I" -c 2 -m "$MEM" --psci="$mode" \
		--max-reboots 1 -p "console=ttyAMA0 quiet panic=-1 vpsci.script=reboot$extra"
	boots=$(count "$OUT/$name.log" "vpsci-booted cpus=0-1")
	evboots=$(count "$OUT/$name.ev" '"event":"BOOT"')
	resets=$(count "$OUT/$name.ev" "$want_ev")
	if [ "$st" = 5 ] && [ "$boots" = 2 ] && [ "$evboots" = 2 ] && [ "$resets" = 2 ]; then
		ok "$name: ${want_ev#*:} rebooted in place, guest up twice with 2 CPUs," \
			"then status 5 (run $elapsed s)"
		[ -z "$warm" ] || echo "    $(grep -F "$want_ev" "$OUT/$name.ev" | head -1)"
	else
		ko "$name: status $st (want 5), guest up $boots times (want 2)," \
			"BOOT events $evboots (want 2), ${want_ev#*:} events $resets (want 2)"
		show_run "$name"
	fi
}

# Aim: CPU_OFF parks a vCPU, CPU_ON restarts it from a clean state, 20 times
# over (DEN0022 5.4, 5.5); in user mode each call is handled in userspace.
t_hotplug() {
	mode=$1
	n=$2
	name=hotplug-$mode-${n}cpu
	run_vm "$name" -k "$K" -i "$I" -c "$n" -m "$MEM" --psci="$mode" \
		-p "console=ttyAMA0 quiet panic=-1 vpsci.script=hotplug vpsci.cycles=20"
	offs=$(count "$OUT/$name.ev" '"fn":"CPU_OFF"')
	ons=$(count "$OUT/$name.ev" '"fn":"CPU_ON"')
	want_off=$((20 * (n - 1)))
	want_on=$((21 * (n - 1)))
	if [ "$mode" != user ]; then
		want_off=0
		want_on=0
	fi
	if [ "$st" = 0 ] && grep -q "vpsci-hotplug=ok cycles=20" "$OUT/$name.log" &&
		[ "$offs" = "$want_off" ] && [ "$ons" = "$want_on" ]; then
		ok "$name: 20 offline/online cycles of $((n - 1)) CPUs, $offs CPU_OFF /" \
			"$ons CPU_ON in userspace (run $elapsed s)"
	else
		ko "$name: status $st, hotplug line: $(grep -o 'vpsci-hotplug=[^ ]* [^ ]*' \
			"$OUT/$name.log" | head -1), CPU_OFF $offs (want $want_off)," \
			"CPU_ON $ons (want $want_on)"
		show_run "$name"
	fi
}

# Aim: the PL011 receives input with interrupts: commands typed on stdin
# reach the guest's shell, whose "poweroff -f" ends the run with status 0.
t_input() {
	mode=$1
	name=input-$mode
	log=$OUT/$name.log
	fifo=$OUT/$name.in
	rm -f "$fifo" "$log" "$OUT/$name.ev"
	mkfifo "$fifo"
	(
		wait_for "$log" "starting a shell" 200
		sleep 2
		printf 'echo vpsci-input-$((6*7))\n'
		sleep 3
		printf 'poweroff -f\n'
		sleep 60
	) >"$fifo" &
	feeder=$!
	timeout -s TERM "$VM_TIMEOUT" "$VMM" --events "$OUT/$name.ev" -k "$K" -i "$I" -c 1 \
		-m "$MEM" --psci="$mode" -p "console=ttyAMA0 quiet panic=-1" <"$fifo" >"$log" 2>&1
	st=$?
	kill "$feeder" 2>/dev/null
	wait "$feeder" 2>/dev/null
	if [ "$st" = 0 ] && grep -q "vpsci-input-42" "$log"; then
		ok "$name: typed input reached the guest shell, poweroff -> 0"
	else
		ko "$name: status $st, guest output has vpsci-input-42:" \
			"$(count "$log" vpsci-input-42)"
		show_run "$name"
	fi
}

# Aim: SYSTEM_SUSPEND (DEN0022 5.19) with --system-suspend: Linux offlines
# the secondaries (CPU_OFF) and suspends; SIGUSR1 to vpsci-run wakes it; it
# resumes at its entry point, brings the CPUs back and powers off (status 0).
t_suspend() {
	name=suspend-user
	log=$OUT/$name.log
	ev=$OUT/$name.ev
	rm -f "$log" "$ev"
	"$VMM" --events "$ev" --system-suspend -k "$K" -i "$I" \
		-c 2 -m "$MEM" -p "console=ttyAMA0 quiet panic=-1 vpsci.script=suspend" \
		</dev/null >"$log" 2>&1 &
	pid=$!
	watchdog "$pid"
	wait_for "$ev" '"event":"SYSTEM_SUSPEND"' 200
	sleep 2
	kill -USR1 "$pid" 2>/dev/null
	wait "$pid"
	st=$?
	unwatch
	if [ "$st" = 0 ] && grep -q "vpsci-resumed ok online=0-1" "$log" &&
		[ "$(count "$ev" '"event":"SYSTEM_WAKE"')" = 1 ]; then
		ok "$name: suspended, woken by SIGUSR1, resumed with CPUs 0-1, poweroff -> 0"
	else
		ko "$name: status $st, resumed line: $(grep -o 'vpsci-resumed.*' "$log" | head -1)," \
			"SYSTEM_SUSPEND events $(count "$ev" '"event":"SYSTEM_SUSPEND"')," \
			"SYSTEM_WAKE events $(count "$ev" '"event":"SYSTEM_WAKE"')"
		show_run "$name"
	fi
}

# Aim: --psci-version pins the guest-visible version in every mode and
# --conduit picks HVC or SMC (DEN0022 5.2, the DT /psci node); the guest
# kernel reports the version it found and brings both CPUs up. PSCI 0.1 has
# no SYSTEM_OFF: that guest is stopped with SIGTERM (status 6).
t_version() {
	mode=$1
	ver=$2
	conduit=${3:-hvc}
	name=version-$mode-$ver-$conduit
	log=$OUT/$name.log
	ev=$OUT/$name.ev
	rm -f "$log" "$ev"
	"$VMM" --events "$ev" --psci="$mode" --psci-version="$ver" --conduit="$conduit" \
		-k "$K" -i "$I" -c 2 -m "$MEM" \
		-p "console=ttyAMA0 quiet panic=-1 vpsci.script=psci-info" </dev/null >"$log" 2>&1 &
	pid=$!
	watchdog "$pid"
	want_st=0
	if [ "$ver" = 0.1 ]; then
		want_st=6
		wait_for "$log" "vpsci-guest-exit=" 200
		sleep 2
		kill -TERM "$pid" 2>/dev/null
	fi
	wait "$pid"
	st=$?
	unwatch
	if [ "$ver" = 0.1 ]; then
		seen=$(count "$log" "Using PSCI v0.1 Function IDs from DT")
	else
		seen=$(count "$log" "PSCIv$ver detected in firmware")
	fi
	calls=$(count "$ev" "\"conduit\":\"$conduit\"")
	online=$(count "$log" "vpsci-cpus-online=0-1")
	why=
	[ "$st" = "$want_st" ] || why="status $st (want $want_st)"
	[ "$seen" -ge 1 ] || why="$why; guest did not report PSCI $ver"
	[ "$online" = 1 ] || why="$why; CPUs 0-1 not online"
	[ "$mode" = kernel ] || [ "$calls" -ge 1 ] || why="$why; no call over $conduit in userspace"
	if [ -z "$why" ]; then
		ok "$name: guest found PSCI $ver over $conduit, 2 CPUs online, status $st"
	else
		ko "$name: $why"
		grep "vpsci-dmesg" "$log" | head -5 | sed 's/^/    /'
		show_run "$name"
	fi
}

# Aim: a bare-metal image in Linux Image format (the conformance guest,
# entered with x0 = DTB) boots with N vCPUs, up to KVM's maximum (past 123
# vCPUs the GICv3 redistributors take virt's second region), reads the DT,
# and powers off with status 0.
t_baremetal() {
	n=$1
	img=/testbed/guest/psci-guest.Image
	name=baremetal-${n}cpu
	if [ ! -f "$img" ]; then
		sk "$name: no $img (make guest)"
		return
	fi
	run_vm "$name" -k "$img" -c "$n" -m "$MEM" -p "psci.sel=list"
	if [ "$st" = 0 ] && grep -q "^# entered at EL1; $n CPUs in the DT" "$OUT/$name.log"; then
		ok "$name: bare-metal Image saw $n CPUs in the DT, SYSTEM_OFF -> 0 (run $elapsed s)"
	else
		ko "$name: status $st, $(grep -o "$n CPUs in the DT" "$OUT/$name.log" | head -1)"
		show_run "$name"
	fi
}

# Aim: each configuration error gives a clear message and its exit status.
t_errors() {
	head -c 4096 /dev/zero >/tmp/bad.img
	echo "short" >/tmp/short.img
	expect_fail error-no-kernel 1 "no kernel"
	expect_fail error-bad-option 1 "unknown option" --frobnicate -k "$K"
	expect_fail error-bad-mode 1 "expected user, hybrid or kernel" --psci=magic -k "$K"
	expect_fail error-bad-version 1 "expected 0.1" --psci-version=2.0 -k "$K"
	expect_fail error-bad-image 1 "not an arm64 Linux Image" -k /tmp/bad.img
	expect_fail error-short-image 1 "not an arm64 Linux Image" -k /tmp/short.img
	expect_fail error-missing-image 1 "No such file" -k /nonexistent
	expect_fail error-too-many-cpus 1 "too many vCPUs" -k "$K" -c 1000
	expect_fail error-too-much-ram 1 "too much RAM" -k "$K" -m 1000G
	expect_fail error-ram-too-small 1 "does not fit" -k "$K" -i "$I" -m 8
	expect_fail error-no-kvm 2 "cannot open /nonexistent/kvm" --kvm-device /nonexistent/kvm -k "$K"
	expect_fail error-not-kvm 2 "not KVM" --kvm-device /dev/null -k "$K"
}

t_summary_events() {
	name=$1
	ev=$OUT/$name.ev
	echo "PSCI events of that run ($ev):"
	grep -o '"fn":"[A-Z_0-9]*"' "$ev" | sort | uniq -c | sed 's/"fn"://; s/"//g; s/^/    /'
	grep -o '"event":"[A-Z_0-9]*"' "$ev" | sort | uniq -c |
		sed 's/"event"://; s/"//g; s/^/    event /'
	echo "where handled:"
	grep -o '"handled":"[a-z]*"' "$ev" | sort | uniq -c | sed 's/"handled"://; s/"//g; s/^/    /'
}

demo() {
	echo "==== vpsci-run demo: Debian's Linux $gk as a guest with 2 vCPUs, its PSCI"
	echo "==== firmware answered in userspace by libvpsci. The guest boots (its console"
	echo "==== follows), brings CPU 1 up with CPU_ON, takes it down and up 3 times"
	echo "==== (CPU_OFF / CPU_ON), then powers off (SYSTEM_OFF) and vpsci-run exits."
	echo "==== Then suspend to RAM and hibernate/resume (acts 2 and 3)."
	echo "\$ vpsci-run -k $K -i $I -c 2 -m $MEM --events /tmp/demo.ev \\"
	echo "      -p 'console=ttyAMA0 loglevel=6 vpsci.script=hotplug vpsci.cycles=3'"
	"$VMM" -k "$K" -i "$I" -c 2 -m "$MEM" --events /tmp/demo.ev \
		-p "console=ttyAMA0 loglevel=6 vpsci.script=hotplug vpsci.cycles=3" </dev/null
	st=$?
	echo "==== vpsci-run exited with status $st (0 = the guest powered off)"
	cp /tmp/demo.ev "$OUT/demo.ev"
	t_summary_events demo
	echo "==== the PSCI calls and events as JSON lines (--events), first and last:"
	grep '"fn"' /tmp/demo.ev | head -3 | sed 's/^/    /'
	grep '"fn":"CPU_ON"' /tmp/demo.ev | head -1 | sed 's/^/    /'
	echo "    ..."
	tail -3 /tmp/demo.ev | sed 's/^/    /'
	[ "$st" = 0 ] || return 1
	demo_suspend && demo_hibernate
}

# Act 2 of the demo: suspend to RAM (DEN0022 5.19 SYSTEM_SUSPEND), woken by
# the guest's own PL031 alarm, twice.
demo_suspend() {
	echo
	echo "==== Suspend to RAM: the guest runs 'echo mem > /sys/power/state' twice; Linux"
	echo "==== takes CPU 1 offline (CPU_OFF) and calls SYSTEM_SUSPEND; its RTC alarm"
	echo "==== (an emulated PL031) wakes it 4 s later and it resumes at its entry point."
	echo "\$ vpsci-run -k $K -i $I -c 2 -m $MEM --events /tmp/demo-s.ev \\"
	echo "      -p 'console=ttyAMA0 quiet vpsci.script=suspend-cycles vpsci.wakes=rtc,rtc'"
	"$VMM" -k "$K" -i "$I" -c 2 -m "$MEM" --events /tmp/demo-s.ev \
		-p "console=ttyAMA0 quiet vpsci.script=suspend-cycles vpsci.wakes=rtc,rtc" </dev/null
	st=$?
	echo "==== vpsci-run exited with status $st; the suspend and wake events:"
	grep -E '"event":"SYSTEM_(SUSPEND|WAKE)"' /tmp/demo-s.ev | sed 's/^/    /'
	[ "$st" = 0 ] && [ "$(count /tmp/demo-s.ev '"event":"SYSTEM_WAKE"')" = 2 ]
}

# Act 3: hibernation (PSCI 1.3 SYSTEM_OFF2) to a --disk, and --resume of the
# very same machine from the description vpsci-run wrote.
demo_hibernate() {
	k7=/testbed/kernels/vmlinuz-7
	disk=/tmp/demo-disk.img
	m=/tmp/demo.machine
	echo
	echo "==== Hibernation: a Linux 7.x guest swaps to its disk (a pmem-region backed by a"
	echo "==== file), runs 'echo disk > /sys/power/state' and calls SYSTEM_OFF2; vpsci-run"
	echo "==== exits with status 4 and writes the machine description; --resume brings"
	echo "==== the same machine back and the guest continues where it was."
	rm -f "$disk" "$m"
	truncate -s 128M "$disk"
	echo "\$ vpsci-run -k $k7 -i $I -c 2 -m 512 --disk $disk --machine $m \\"
	echo "      -p 'console=ttyAMA0 quiet resume=/dev/pmem0 vpsci.script=hibernate vpsci.cycles=1'"
	"$VMM" -k "$k7" -i "$I" -c 2 -m 512 --disk "$disk" --machine "$m" \
		-p "console=ttyAMA0 quiet resume=/dev/pmem0 vpsci.script=hibernate vpsci.cycles=1" \
		</dev/null
	st=$?
	echo "==== vpsci-run exited with status $st (4 = the guest hibernated); the description:"
	grep -E '^(reason|psci-version|cpus|mpidrs|mem-mib|disks|kernel-sha256)=' "$m" |
		sed 's/^/    /'
	[ "$st" = 4 ] || return 1
	echo "\$ vpsci-run --resume $m"
	"$VMM" --resume "$m" </dev/null
	st=$?
	echo "==== vpsci-run exited with status $st (0: resumed, markers checked, powered off)"
	[ "$st" = 0 ]
}

need_kvm

case $what in
quick)
	t_errors
	t_boot user 1
	t_boot user 2
	t_boot hybrid 2
	t_boot kernel 2
	t_reboot user
	t_hotplug user 2
	t_input user
	t_suspend
	t_version user 1.0 smc
	t_baremetal 2
	;;
full)
	for mode in user hybrid kernel; do
		for n in 1 2 4; do
			t_boot "$mode" "$n"
		done
		t_reboot "$mode"
		t_reboot "$mode" warm
		t_hotplug "$mode" 2
	done
	t_hotplug user 4
	t_baremetal 2
	t_baremetal 512
	t_suspend
	for v in 0.1 0.2 1.0 1.1 1.3; do
		t_version user "$v"
	done
	t_version user 1.3 smc
	t_version hybrid 1.0
	t_version hybrid 1.3 smc
	t_version kernel 0.1
	t_version kernel 1.0
	t_version kernel 1.0 smc
	# KVM offers PSCI 1.3 in-kernel from Linux 6.13 (SYSTEM_OFF2); 6.12 stops at 1.1.
	if [ "$H" = 6.12 ]; then
		expect_fail error-kernel-1.3-on-6.12 2 "cannot offer it" --psci=kernel --psci-version=1.3 \
			-k "$K" -i "$I" -m "$MEM"
	else
		t_version kernel 1.3
	fi
	t_input user
	t_input kernel
	# The newest guest kernel too, in each mode.
	guest_kernel 7
	for mode in user hybrid kernel; do
		t_boot "$mode" 2
	done
	;;
demo)
	demo
	exit $?
	;;
boots)
	# Boot-to-init times only: every mode with 1, 2 and 4 vCPUs.
	for mode in user hybrid kernel; do
		for n in 1 2 4; do
			t_boot "$mode" "$n"
		done
	done
	;;
only)
	# Debugging: ONLY='t_version user 1.0 smc; t_boot kernel 4' sh vmm-tests.sh only
	eval "${ONLY:?set ONLY to the test calls to run}"
	;;
*)
	echo "usage: vmm-tests.sh quick|full|boots|demo|only [6.12|7]" >&2
	exit 2
	;;
esac
finish "vmm-tests ($what, host $H, guest $guests)"
