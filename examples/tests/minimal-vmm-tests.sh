#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Runs INSIDE the testbed (make check-example): the conformance guest under
# examples/minimal-vmm.c with 4 vCPUs.
#   all   every test passes or SKIPs (no "not ok", no bail-out, the guest's
#         own summary says 0 failed) and the run ends in SYSTEM_OFF (status 0);
#         again with the SMC conduit (-s)
#   off2  SYSTEM_OFF2 reaches the VMM as hibernation (status 4)
#   reset SYSTEM_RESET reaches it as a reset (status 5)
# and two hostile images are refused with status 2.
# Ends with "N passed, N failed"; exit status 0 only if none failed.
set -u
img=/testbed/guest/psci-guest.Image
out=/tmp/minimal-vmm
mkdir -p "$out"
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "PASS $*"; }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }

# run SEL [NAME [ARGS]]: the guest with psci.sel=SEL and minimal-vmm ARGS;
# sets $st and $log (NAME.log, NAME defaults to SEL).
# The console's CRLF line ends are dropped; prints the run's length.
run() {
	sel=$1
	name=${2:-$1}
	[ $# -ge 2 ] && shift 2 || shift
	log=$out/$name.log
	read -r t0 _ </proc/uptime
	{
		timeout 600 minimal-vmm -c 4 -m 256 -a "psci.sel=$sel" "$@" "$img" </dev/null 2>&1
		echo "minimal-vmm-status=$?"
	} | tr -d '\r' >"$log"
	st=$(sed -n 's/^minimal-vmm-status=//p' "$log")
	read -r t1 _ </proc/uptime
	echo "$name: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
}

if [ ! -f "$img" ]; then
	ko "no conformance guest at $img (make guest)"
else
	run all
	sum=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n 1)
	bad=$(grep -c -E '^not ok |^Bail out!' "$log")
	grep -E '^not ok |^Bail out!' -A1 "$log"
	echo "all: status $st, guest summary '${sum:-none}'; SKIP reasons:"
	sed -n 's/.*# SKIP /  /p' "$log" | sort | uniq -c
	case "$sum" in
	*" passed, 0 failed, "*) [ "$st" = 0 ] && [ "$bad" = 0 ] &&
		ok "all: the suite passes with 4 vCPUs ($sum) and ends in SYSTEM_OFF" ||
		ko "all: status $st, $bad failures or bail-outs" ;;
	*) tail -n 20 "$log"; ko "all: no clean summary (status $st)" ;;
	esac

	# The SMC conduit: the DT says "smc" and KVM forwards the SMCs.
	run all all-smc -s
	sum=$(grep -E '^[0-9]+ passed, 0 failed, [0-9]+ skipped$' "$log" | tail -n 1)
	grep -q 'PSCI method smc' "$log" && [ -n "$sum" ] && [ "$st" = 0 ] &&
		ok "all over SMC: $sum" || { tail -n 20 "$log"; ko "all over SMC: status $st"; }

	run off2
	[ "$st" = 4 ] && ok "off2: SYSTEM_OFF2 is hibernation (status 4)" ||
		{ tail -n 5 "$log"; ko "off2: status $st, expected 4"; }
	run reset
	[ "$st" = 5 ] && ok "reset: SYSTEM_RESET is a reset (status 5)" ||
		{ tail -n 5 "$log"; ko "reset: status $st, expected 5"; }
fi

# Hostile images are refused (status 2), never loaded out of RAM's bounds:
# a header whose text_offset is 0x4000000000000000, and a file that is no Image.
{
	printf 'MZ\0\0\0\0\0\0\0\0\0\0\0\0\0\100\1\0\0\0\0\0\0\0'
	i=0
	while [ $i -lt 32 ]; do printf '\0'; i=$((i + 1)); done
	printf 'ARMd\0\0\0\0'
} >"$out/far.Image"
for bad in "$out/far.Image" /proc/self/status; do
	minimal-vmm -c 1 "$bad" </dev/null >"$out/bad.log" 2>&1
	st=$?
	[ "$st" = 2 ] && ok "refused $bad: $(tail -n 1 "$out/bad.log")" ||
		{ cat "$out/bad.log"; ko "image $bad: status $st, expected 2"; }
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
