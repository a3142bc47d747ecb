#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# vpsci-run's power management (issue 6, docs/pm.md). Runs INSIDE the
# testbed, every test in one testbed boot:
#
#   sh pm-tests.sh quick|full [SECS]
#
# quick (make check-pm): option errors, the device tree (--dump-dtb), the
# conformance guest with every feature on, MEM_PROTECT across a reset (user
# and hybrid mode), and Linux's cpuidle for SECS s (default 12) in
# OS-initiated mode (platform-coordinated mode is in full, to keep make check
# short).
# full (make check-pm-full): the same, then Linux cpuidle in both modes for
# SECS s (default 180) on both guest kernels.
# Each test prints PASS/FAIL/SKIP with its aim; ends with
# "N passed, N failed, N skipped"; exit status 0 only if none failed.

what=${1:-quick}
G=/testbed/guest/psci-guest.Image
OUT=/tmp/pm-tests
VM_TIMEOUT=${VM_TIMEOUT:-300}
PM_ALL="--power-domains=system --cpus-per-cluster=2 --pm-features=all"
. "$(dirname "$0")/lib.sh"

# Aim: every bad combination is a usage error (exit 1) with a message naming
# the option and the reason; nothing new is accepted where it cannot work.
t_options() {
	bad=0
	n=0
	while IFS='|' read -r args want; do
		[ -n "$args" ] || continue
		n=$((n + 1))
		# shellcheck disable=SC2086
		if ! check_fail 1 "$want" -k "$G" $args; then
			bad=$((bad + 1))
			echo "    '$args': status $got (want 1), message: $(echo "$out" | head -1)"
		fi
	done <<'EOF'
--power-domains=bogus|--power-domains 'bogus'
--cpus-per-cluster=0|--cpus-per-cluster '0'
--cpus-per-cluster=17|--cpus-per-cluster '17'
--pm-features=osi,bogus|unknown feature 'bogus'
--pm-features=osi --power-domains=cpu|osi needs --power-domains=cluster
--pm-features=stat|stat needs --power-domains
--power-domains=cluster --psci=kernel|--power-domains needs --psci=user
--power-domains=cpu --psci=hybrid|--power-domains needs --psci=user
--pm-features=freeze --psci=hybrid|freeze needs --psci=user
--pm-features=mem-protect --psci=kernel|--pm-features needs --psci=user
--pm-features=mem-protect --psci-version=1.0|mem-protect needs PSCI 1.1
--pm-features=node-hw-state --psci-version=0.2|node-hw-state needs PSCI 1.0
EOF
	if [ "$bad" = 0 ]; then
		ok "options: $n bad combinations refused with status 1 and a clear message"
	else
		ko "options: $bad of $n bad combinations not refused as expected"
	fi
}

# dt_strings FILE: the DTB's node and property names, one per line.
dt_strings() {
	tr -c 'a-zA-Z0-9,@#_.-' '\n' <"$1" | grep -E '^[a-z#][a-zA-Z0-9,@#_.-]{3,}$' | sort -u
}

# Aim: --dump-dtb writes the guest's tree; with a hierarchy it carries the
# idle states Linux's PSCI cpuidle drivers read (psci.yaml, idle-states.yaml):
# OSI: /cpus/idle-states, /domain-idle-states, power domains under /psci;
# without the options none of it (defaults unchanged).
t_dtb() {
	d0=$OUT/default.dtb
	d1=$OUT/pm-osi.dtb
	d2=$OUT/pm-pc.dtb
	"$VMM" -k "$G" -c 4 --dump-dtb "$d0" </dev/null >"$OUT/dtb.log" 2>&1
	s0=$?
	# shellcheck disable=SC2086
	"$VMM" -k "$G" -c 4 $PM_ALL --dump-dtb "$d1" </dev/null >>"$OUT/dtb.log" 2>&1
	s1=$?
	"$VMM" -k "$G" -c 4 --power-domains=cluster --cpus-per-cluster=2 \
		--dump-dtb "$d2" </dev/null >>"$OUT/dtb.log" 2>&1
	s2=$?
	why=
	[ "$s0$s1$s2" = 000 ] || why="status $s0/$s1/$s2, want 0/0/0"
	if [ -z "$why" ]; then
		dt_strings "$d0" >"$d0.txt"
		dt_strings "$d1" >"$d1.txt"
		dt_strings "$d2" >"$d2.txt"
		for w in idle-states arm,psci-suspend-param; do
			grep -qx -- "$w" "$d0.txt" && why="$why default DT has $w;"
			grep -qx -- "$w" "$d2.txt" || why="$why PC DT lacks $w;"
		done
		for w in idle-states domain-idle-states domain-idle-state arm,idle-state \
			arm,psci-suspend-param power-domains '#power-domain-cells' \
			cpu@100 cpu@101; do
			grep -qx -- "$w" "$d1.txt" || why="$why OSI DT lacks $w;"
		done
		grep -qx cpu-idle-states "$d2.txt" || why="$why PC DT lacks cpu-idle-states;"
	fi
	if [ -z "$why" ]; then
		ok "dtb: default $(wc -c <"$d0") bytes without idle states; OSI $(wc -c <"$d1")" \
			"bytes with idle/domain states, power domains, cpu@100/cpu@101;" \
			"PC $(wc -c <"$d2") bytes with cpu-idle-states"
	else
		ko "dtb:$why"
		cat "$OUT/dtb.log"
	fi
}

# Aim: the conformance guest passes every test with the features on (4 vCPUs,
# 2 clusters, 3 levels, OSI, extended StateIDs, STAT, FREEZE, DEFAULT_SUSPEND,
# NODE_HW_STATE, MEM_PROTECT), and the hierarchy tests ran rather than
# skipped; the events log shows cluster-level suspends (CPU_WAKE level 1).
t_conformance() {
	name=conformance-pm
	# shellcheck disable=SC2086
	run_vm "$name" -k "$G" -c 4 -m "$MEM" --psci=user $PM_ALL -p "psci.sel=all"
	sum=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$OUT/$name.log" |
		tr -d '\r' | tail -1)
	failed=$(grep -c '^not ok' "$OUT/$name.log")
	must="invalid composite|cluster state as the last|resumes at the entry from a clean state|"
	must="${must}OS-initiated CPU_SUSPEND of a cluster|CPU_FREEZE leaves|"
	must="${must}NODE_HW_STATE agrees|PSCI_STAT_COUNT counts|CHECK_RANGE covers exactly RAM"
	ran=$(grep -E "^ok [0-9]+ - .*($must)" "$OUT/$name.log" | grep -vc '# SKIP')
	cl=$(grep -F '"event":"CPU_WAKE"' "$OUT/$name.ev" 2>/dev/null | grep -c '"level":1')
	if [ "$st" = 0 ] && [ "$failed" = 0 ] && [ -n "$sum" ] && [ "$ran" = 8 ] &&
		[ "$cl" -gt 0 ]; then
		ok "conformance: $sum; the 8 hierarchy/optional tests ran and passed;" \
			"$cl cluster-level wake-ups in the events log (run $elapsed s)"
	else
		ko "conformance: status $st, '$sum', $failed failed, $ran of 8 key tests passed," \
			"$cl cluster-level wake-ups"
		grep -A1 '^not ok' "$OUT/$name.log" | head -20
		grep -E "^ok [0-9]+ - .*($must)" "$OUT/$name.log" | grep '# SKIP'
		show_run "$name"
	fi
}

# Aim: DEN0022 5.13: with protection on, SYSTEM_RESET wipes guest RAM before
# the next boot (MEM_WIPE in the events log) and the flag survives the
# reboot; the guest's second boot finds its marker gone and passes. In MODE
# user or hybrid (the one function hybrid mode can offer).
t_memprot() {
	name=memprot-$1
	run_vm "$name" -k "$G" -c 2 -m "$MEM" --psci="$1" --pm-features=mem-protect \
		--max-reboots 1 -p "psci.sel=memprot"
	wipes=$(count "$OUT/$name.ev" '"event":"MEM_WIPE"')
	boots=$(count "$OUT/$name.ev" '"event":"BOOT"')
	if [ "$st" = 0 ] && [ "$wipes" = 1 ] && [ "$boots" = 2 ] &&
		grep -q '^ok 1 - MEM_PROTECT wipes RAM' "$OUT/$name.log"; then
		ok "$name: marker written, MEM_PROTECT(1), SYSTEM_RESET -> 1 MEM_WIPE," \
			"second boot saw zeros with protection still on (run $elapsed s)"
		grep -F '"event":"MEM_WIPE"' "$OUT/$name.ev" | sed 's/^/    /'
	else
		ko "$name: status $st (want 0), MEM_WIPE $wipes (want 1), BOOT $boots (want 2)"
		show_run "$name"
	fi
}

# Aim: Linux's PSCI cpuidle uses the DT's states: the events log shows
# CPU_SUSPEND power-downs at CPU level (CPU_WAKE level 0, powerdown) and at
# cluster level (level >= 1) in MODE osi or pc, and the guest stays healthy
# through idle and load (all CPUs online, no oops or RCU stall).
t_cpuidle() {
	mode=$1
	gk=$2
	secs=$3
	name=cpuidle-$mode-guest$gk
	feats=
	[ "$mode" = osi ] && feats="--pm-features=osi,stat"
	# shellcheck disable=SC2086
	run_vm "$name" -k "/testbed/kernels/vmlinuz-$gk" -i "$I" -c 4 -m "$MEM" --psci=user \
		--power-domains=cluster --cpus-per-cluster=2 $feats \
		-p "console=ttyAMA0 quiet panic=-1 vpsci.script=cpuidle vpsci.secs=$secs"
	wakes=$(count "$OUT/$name.ev" '"event":"CPU_WAKE"')
	cpu_pd=$(grep -F '"event":"CPU_WAKE"' "$OUT/$name.ev" 2>/dev/null |
		grep -F '"level":0' | grep -cF '"powerdown":true')
	cl=$(grep -F '"event":"CPU_WAKE"' "$OUT/$name.ev" 2>/dev/null | grep -cF '"level":1')
	res=$(grep -o 'vpsci-cpuidle=[^ ]*.*' "$OUT/$name.log" | tr -d '\r' | head -1)
	if [ "$st" = 0 ] && [ "${res#vpsci-cpuidle=ok}" != "$res" ] && [ "$cpu_pd" -gt 0 ] &&
		[ "$cl" -gt 0 ]; then
		ok "$name: $wakes CPU_SUSPEND wake-ups: $cpu_pd CPU power-downs, $cl cluster" \
			"states; $res (run $elapsed s)"
		grep '^vpsci-idle-driver' "$OUT/$name.log" | tr -d '\r' | sed 's/^/    /'
		grep '^vpsci-idle cpu0 ' "$OUT/$name.log" | tr -d '\r' | tail -4 | sed 's/^/    /'
		echo "bench pm-cpuidle-host$H-guest$gk-$mode-cluster-wakes $cl count"
	else
		ko "$name: status $st, $wakes wake-ups, $cpu_pd CPU power-downs, $cl cluster" \
			"states, guest says '${res:-nothing}'"
		grep -E '^vpsci-idle' "$OUT/$name.log" | tr -d '\r' | tail -12 | sed 's/^/    /'
		show_run "$name"
	fi
}

echo "pm-tests: $what on host kernel $H"
t_options
t_dtb
t_conformance
t_memprot user
t_memprot hybrid
case $what in
quick)
	t_cpuidle osi 6.12 "${2:-12}"
	;;
full)
	for gk in 6.12 7; do
		t_cpuidle osi "$gk" "${2:-180}"
		t_cpuidle pc "$gk" "${2:-180}"
	done
	;;
*)
	echo "usage: pm-tests.sh quick|full [SECS]" >&2
	exit 2
	;;
esac
finish "pm-tests ($what, host $H)"
