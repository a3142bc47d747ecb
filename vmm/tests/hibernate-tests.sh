#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Hibernate and resume of a Linux guest under vpsci-run (docs/hibernate.md).
# Runs INSIDE the testbed, every scenario in one testbed boot:
#
#   sh hibernate-tests.sh quick|full
#
# quick (make check-hibernate):
#   errors   --disk / --machine / --resume refusals that need no guest
#   cycles   Linux 7.x guest, 2 vCPUs, swap on a --disk: three hibernate
#            (SYSTEM_OFF2, status 4) / vpsci-run --resume cycles; markers (a
#            running process, a tmpfs file) survive each; the second resume runs
#            a build whose default PSCI version moved (knob) and still gives the
#            guest the recorded 1.3; damaged, contradicted and changed-kernel
#            resumes are refused in between
#   old      Linux 6.12 guest (knows no SYSTEM_OFF2), recorded by a build whose
#            default is 1.2 with --machine-on-off: plain SYSTEM_OFF, status 0,
#            description written; resumed by this build (default 1.3): the
#            guest gets 1.2, resumes, markers intact (6.12 guests get
#            arm64.nolva: see docs/hibernate.md)
# full adds:
#   old13    Linux 6.12 guest under PSCI 1.3: SYSTEM_OFF2 offered, still plain
#            SYSTEM_OFF (what the host can and cannot tell)
#   v12      Linux 7.x guest with --psci-version=1.2: hibernates with SYSTEM_OFF
#
# Each test prints PASS/FAIL with its aim; timings as
# "bench hibernate-to-resumed-<case> <s> s" (nested, informative only).
# Ends with "N passed, N failed, N skipped"; exit status 0 only if none failed.

what=${1:-quick}
T=/testbed
K7=$T/kernels/vmlinuz-7
K6=$T/kernels/vmlinuz-6.12
OUT=/tmp/hib-tests
APPEND="console=ttyAMA0 quiet panic=-1 resume=/dev/pmem0 vpsci.script=hibernate"
rm -rf "$OUT"
. "$(dirname "$0")/lib.sh"

# event_time NAME EVENT: absolute uptime of the first system event EVENT of run NAME.
event_time() {
	awk -v s="$t_start_of" -v e="\"event\":\"$2\"" 'index($0, e) {
		sub(/^\{"t":/, ""); sub(/,.*/, ""); printf "%.2f", s + $0; exit }' "$OUT/$1.ev"
}

# key FILE KEY: a value of a machine description.
key() {
	sed -n "s/^$2=//p" "$1"
}

# swap_sig FILE: the signature at the end of the swap header page (4 KiB pages).
swap_sig() {
	dd if="$1" bs=1 skip=4086 count=10 2>/dev/null | tr -d '\000'
}

# ---- errors that need no guest -------------------------------------------
t_errors() {
	truncate -s 3M "$OUT/odd.img"
	mkdir -p "$OUT/adir"
	expect_fail refuse-disk-missing 1 "cannot open it read-write" -k "$K7" --disk "$OUT/none.img"
	expect_fail refuse-disk-dir 1 "--disk '$OUT/adir'" -k "$K7" --disk "$OUT/adir"
	expect_fail refuse-disk-size 1 "not a non-zero multiple of 2 MiB" -k "$K7" --disk "$OUT/odd.img"
	truncate -s 0 "$OUT/empty.img"
	expect_fail refuse-disk-empty 1 "not a non-zero multiple" -k "$K7" --disk "$OUT/empty.img"
	expect_fail refuse-disk-chardev 1 "not a regular file" -k "$K7" --disk /dev/null
	expect_fail refuse-on-off-alone 1 "--machine-on-off needs --machine" -k "$K7" --machine-on-off
	expect_fail refuse-resume-missing 1 "No such file" --resume "$OUT/none.txt"
	printf 'hello\n' >"$OUT/junk.txt"
	expect_fail refuse-resume-junk 1 "not a vpsci-run machine description" --resume "$OUT/junk.txt"
}

# Refusals against a real description $1 (after the first hibernation).
t_resume_errors() {
	m=$1
	head -c 700 "$m" >"$OUT/trunc.txt"
	expect_fail refuse-resume-truncated 1 "truncated" --resume "$OUT/trunc.txt"
	sed 's/^mem-mib=512$/mem-mib=513/' "$m" >"$OUT/crc.txt"
	expect_fail refuse-resume-checksum 1 "checksum mismatch" --resume "$OUT/crc.txt"
	sed '1s/^vpsci-machine=1$/vpsci-machine=2/' "$m" >"$OUT/ver.txt"
	expect_fail refuse-resume-format 1 "format '2' is not understood" --resume "$OUT/ver.txt"
	expect_fail refuse-resume-cpus 1 "--cpus 4 contradicts the hibernated machine (2 vCPUs)" \
		--resume "$m" --cpus 4
	expect_fail refuse-resume-version 1 "--psci-version 1.2 contradicts the hibernated machine" \
		--resume "$m" --psci-version=1.2
	expect_fail refuse-resume-mem 1 "--mem 1024 contradicts" --resume "$m" -m 1024
	expect_fail refuse-resume-kernel 1 "--kernel $K6 contradicts" --resume "$m" -k "$K6"
	expect_fail refuse-resume-disk 1 "--disk (other disks) contradicts" --resume "$m" \
		--disk "$OUT/odd.img"
	# The same kernel with one byte more: a different kernel.
	printf 'x' >>"$OUT/vmlinuz"
	expect_fail refuse-resume-kernel-changed 1 "has changed since the guest hibernated" --resume "$m"
	truncate -s "$(key "$m" kernel-size)" "$OUT/vmlinuz"
}

# ---- three cycles, Linux 7.x ---------------------------------------------
t_cycles() {
	cp "$K7" "$OUT/vmlinuz"
	truncate -s 128M "$OUT/cycles.img"
	m=$OUT/cycles.machine
	run_vm cycles-0 -k "$OUT/vmlinuz" -i "$I" -c 2 -m 512 --disk "$OUT/cycles.img" --machine "$m" \
		-p "$APPEND vpsci.cycles=3"
	t_start_of=$t_start
	off2=$(count "$OUT/cycles-0.ev" '"event":"SYSTEM_OFF2"')
	if [ "$st" = 4 ] && [ "$off2" = 1 ] && [ "$(key "$m" reason)" = SYSTEM_OFF2 ] &&
		grep -q vpsci-hibernate-ready "$OUT/cycles-0.log"; then
		ok "cycles-0: Linux 7.x hibernated with SYSTEM_OFF2 -> status 4, description" \
			"$(wc -c <"$m") bytes (psci-version=$(key "$m" psci-version)," \
			"cpus=$(key "$m" cpus), mpidrs=$(key "$m" mpidrs))"
	else
		ko "cycles-0: status $st (want 4), SYSTEM_OFF2 events $off2 (want 1)," \
			"reason '$(key "$m" reason 2>/dev/null)'"
		show_run cycles-0
		return
	fi
	sig=$(swap_sig "$OUT/cycles.img")
	if [ "$sig" = S1SUSPEND ]; then
		ok "disk: the swap header on the --disk file carries Linux's image signature $sig"
	else
		ko "disk: swap header signature '$sig', want S1SUSPEND (image not on the file?)"
	fi
	if [ "$(key "$m" kernel-sha256)" = "$(sha256sum "$OUT/vmlinuz" | cut -d' ' -f1)" ]; then
		ok "description: kernel-sha256 matches sha256sum of the kernel"
	else
		ko "description: kernel-sha256 $(key "$m" kernel-sha256) differs from sha256sum"
	fi
	t_resume_errors "$m"

	prev=cycles-0
	for c in 1 2 3; do
		want=4
		[ "$c" = 3 ] && want=0
		env=
		# Resume 2: a build whose default PSCI version moved to 1.2.
		[ "$c" = 2 ] && env="VPSCI_RUN_DEFAULT_PSCI_VERSION=1.2"
		t_off=$(event_time "$prev" SYSTEM_OFF2)
		if [ -n "$env" ]; then
			export VPSCI_RUN_DEFAULT_PSCI_VERSION=1.2
			run_vm "cycles-$c" --resume "$m"
			unset VPSCI_RUN_DEFAULT_PSCI_VERSION
		else
			run_vm "cycles-$c" --resume "$m"
		fi
		t_start_of=$t_start
		t_res=$(line_time "cycles-$c" "vpsci-resumed cycle=$c markers=ok")
		ver=$(ev_field "$OUT/cycles-$c.ev" '"fn":"PSCI_VERSION"' ret)
		boot_ver=$(ev_field "$OUT/cycles-$c.ev" '"event":"BOOT"' version)
		next=$(count "$OUT/cycles-$c.ev" '"event":"SYSTEM_OFF2"')
		why=
		[ "$st" = "$want" ] || why="status $st, want $want;"
		[ -n "$t_res" ] || why="$why no 'vpsci-resumed cycle=$c markers=ok';"
		[ "$ver" = 0x10003 ] && [ "$boot_ver" = 1.3 ] ||
			why="$why guest saw PSCI_VERSION '$ver' (BOOT $boot_ver), want 0x10003;"
		if [ "$c" != 3 ] && [ "$next" != 1 ]; then
			why="$why no SYSTEM_OFF2 for the next cycle;"
		fi
		if [ "$c" = 3 ] && ! grep -q "vpsci-guest-exit=0" "$OUT/cycles-$c.log"; then
			why="$why guest did not end with vpsci-guest-exit=0;"
		fi
		if [ -z "$why" ]; then
			dt=$(delta "$t_off" "$t_res" 1)
			ok "cycles-$c: --resume${env:+ ($env)}: markers intact, PSCI_VERSION 0x10003," \
				"status $st; hibernate-to-resumed $dt s"
			echo "bench hibernate-to-resumed-host$H-guest7-cycle$c $dt s"
		else
			ko "cycles-$c: $why"
			show_run "cycles-$c"
			return
		fi
		prev=cycles-$c
	done
}

# ---- older guests: plain SYSTEM_OFF (item 3) ------------------------------
# t_old NAME KERNEL RECORD-ENV VERSION-OPTS...: hibernate with --machine-on-off,
# resume with this build's defaults, expect the recorded version.
t_old() {
	tn=$1
	kern=$2
	renv=$3
	wantv=$4
	shift 4
	truncate -s 128M "$OUT/$tn.img"
	m=$OUT/$tn.machine
	if [ -n "$renv" ]; then
		export VPSCI_RUN_DEFAULT_PSCI_VERSION="$renv"
	fi
	# Linux 6.12 crashes restoring an image on CPUs with 52-bit VAs (LPA2, which
	# the testbed's -cpu max has): trans_pgd_create_copy() faults; 7.x is fixed.
	extra=
	[ "$kern" = "$K6" ] && extra=" arm64.nolva"
	run_vm "$tn-0" -k "$kern" -i "$I" -c 1 -m 512 --disk "$OUT/$tn.img" --machine "$m" \
		--machine-on-off -p "$APPEND vpsci.cycles=1$extra" "$@"
	unset VPSCI_RUN_DEFAULT_PSCI_VERSION
	t_start_of=$t_start
	off=$(count "$OUT/$tn-0.ev" '"event":"SYSTEM_OFF",')
	off2=$(count "$OUT/$tn-0.ev" '"event":"SYSTEM_OFF2"')
	feat=$(ev_field "$OUT/$tn-0.ev" '"args":["0xc4000015"' rc)
	if [ "$st" = 0 ] && [ "$off" = 1 ] && [ "$off2" = 0 ] &&
		[ "$(key "$m" reason)" = SYSTEM_OFF ] && [ "$(key "$m" psci-version)" = "$wantv" ] &&
		grep -q "vpsci-hibernate-start cycle=1" "$OUT/$tn-0.log"; then
		ok "$tn-0: $(grep -o 'kernel=[^ ]*' "$OUT/$tn-0.log" | head -1) under PSCI" \
			"$wantv hibernated with plain SYSTEM_OFF -> status 0 (PSCI_FEATURES(SYSTEM_OFF2)" \
			"asked: ${feat:-never}); --machine-on-off wrote the description; swap" \
			"signature on the disk: $(swap_sig "$OUT/$tn.img")"
	else
		ko "$tn-0: status $st (want 0), SYSTEM_OFF $off / SYSTEM_OFF2 $off2 (want 1/0)," \
			"reason '$(key "$m" reason 2>/dev/null)', version" \
			"'$(key "$m" psci-version 2>/dev/null)' (want $wantv)"
		show_run "$tn-0"
		return
	fi
	t_off=$(event_time "$tn-0" SYSTEM_OFF)
	run_vm "$tn-1" --resume "$m"
	t_res=$(line_time "$tn-1" "vpsci-resumed cycle=1 markers=ok")
	boot_ver=$(ev_field "$OUT/$tn-1.ev" '"event":"BOOT"' version)
	if [ "$st" = 0 ] && [ -n "$t_res" ] && [ "$boot_ver" = "$wantv" ] &&
		grep -q "vpsci-guest-exit=0" "$OUT/$tn-1.log"; then
		dt=$(delta "$t_off" "$t_res" 1)
		ok "$tn-1: --resume (this build's default: 1.3) gave the guest the recorded" \
			"PSCI $boot_ver; markers intact; status 0; hibernate-to-resumed $dt s"
		echo "bench hibernate-to-resumed-host$H-$tn $dt s"
	else
		ko "$tn-1: status $st (want 0), resumed line '${t_res:-none}', PSCI $boot_ver" \
			"(want $wantv)"
		show_run "$tn-1"
	fi
}

t_all=$(now)
t_errors
t_cycles
t_old old612 "$K6" 1.2 1.2
if [ "$what" = full ]; then
	t_old old612v13 "$K6" "" 1.3
	t_old v12 "$K7" "" 1.2 --psci-version=1.2
fi
finish "hibernate-tests ($what, host $H, $(delta "$t_all" "$(now)" 0) s)"
