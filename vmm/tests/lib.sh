# SPDX-License-Identifier: BSD-2-Clause
#
# Helpers shared by the vmm/tests/*.sh scenario scripts, which run INSIDE the
# testbed (busybox sh; testbed/run packs this file with them: --add
# vmm/tests:DIR). Sourced after the script has set OUT (its scratch
# directory); the script may set VM_TIMEOUT (default 240 s) and MEM (guest
# RAM in MiB, default 256) before sourcing. Turns on "set -u".
#
# Variables it sets: VMM (the binary under test: $VPSCI_RUN, default
# vpsci-run), H (the testbed's host kernel, "?" outside the testbed), I (the
# Linux guests' initramfs), pass / fail / skip (the counters behind ok / ko /
# sk / finish); guest_kernel sets gk, K and guests.
#
# Conventions: NAME is a run's name; its files are $OUT/NAME.log (console and
# stderr), .ev (the --events log), .times ("UPTIME LINE" for each .log line),
# .st (vpsci-run's exit status). Fixed strings, not regexes, unless a helper
# says otherwise.

set -u
VMM=${VPSCI_RUN:-vpsci-run}
MEM=${MEM:-256}
H=${TESTBED_HOST_KERNEL:-?}
VM_TIMEOUT=${VM_TIMEOUT:-240}
I=/testbed/kernels/initrd.img
mkdir -p "$OUT"
pass=0
fail=0
skip=0

# ok MSG... / ko MSG... / sk MSG...: one PASS / FAIL / SKIP line, counted.
ok() {
	pass=$((pass + 1))
	echo "PASS $*"
}

ko() {
	fail=$((fail + 1))
	echo "FAIL $*"
}

sk() {
	skip=$((skip + 1))
	echo "SKIP $*"
}

# finish [LABEL]: the summary line "N passed, N failed, N skipped" (after
# "LABEL: " when given), then exit 0 if nothing failed, else 1.
finish() {
	echo "${1:+$1: }$pass passed, $fail failed, $skip skipped"
	[ "$fail" = 0 ]
	exit
}

# need_kvm: outside the testbed (no /dev/kvm), report one skip and exit 0.
need_kvm() {
	[ -c /dev/kvm ] && return 0
	sk "all: no /dev/kvm in this environment (not inside the testbed?)"
	finish
}

# guest_kernel V: Linux guests from now on run kernel V (6.12 or 7): gk=V,
# K=its Image; guests lists every V chosen ("6.12 and 7"), for finish's label.
guests=
guest_kernel() {
	gk=$1
	K=/testbed/kernels/vmlinuz-$gk
	case " $guests " in
	*" $gk "*) ;;
	*) guests=${guests:+$guests and }$gk ;;
	esac
}

# now: the testbed's uptime in seconds (two decimals), no fork.
now() {
	read -r u _ </proc/uptime
	echo "$u"
}

# delta A B [DECIMALS]: B - A in seconds with DECIMALS (default 2) decimals;
# "-" when either is empty or "-".
delta() {
	case "$1:$2" in
	:* | *: | -:* | *:-) echo - ;;
	*) awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { printf "%." d "f", b - a }' ;;
	esac
}

# count FILE TEXT: how many lines of FILE hold TEXT; 0 when there is no FILE.
count() {
	c=$(grep -cF -- "$2" "$1" 2>/dev/null)
	echo "${c:-0}"
}

# wait_for FILE REGEX SECONDS [N [STOPFILE]]: poll until N (default 1) lines
# of FILE match the basic regex REGEX. False after SECONDS, or once STOPFILE
# exists (the run ended) and FILE still has fewer.
wait_for() {
	wi=0
	while ! has_lines "$1" "$2" "${4:-1}"; do
		[ "$wi" -lt $(($3 * 10)) ] || return 1
		if [ -n "${5:-}" ] && [ -f "$5" ]; then
			has_lines "$1" "$2" "${4:-1}"
			return
		fi
		sleep 0.1
		wi=$((wi + 1))
	done
}

# has_lines FILE REGEX N: does FILE have at least N lines matching REGEX?
has_lines() {
	[ "$(grep -c -- "$2" "$1" 2>/dev/null)" -ge "$3" ] 2>/dev/null
}

# ev_field FILE TEXT KEY [N]: the value of KEY (a JSON string without its
# quotes, or a number) in the Nth (default first) line of FILE holding TEXT;
# nothing when there is no such line or key.
ev_field() {
	grep -F -- "$2" "$1" 2>/dev/null | sed -n "${4:-1}p" |
		sed -n "s/.*\"$3\":\"*\([^\",}]*\).*/\1/p"
}

# line_time NAME TEXT: the uptime at which run NAME printed its first line
# holding TEXT (from $OUT/NAME.times); nothing if it never did.
line_time() {
	awk -v t="$2" 'index($0, t) { print $1; exit }' "$OUT/$1.times" 2>/dev/null
}

# stamp TIMES STFILE: copy stdin to stdout, and each line to TIMES after the
# uptime at which it was read; the "vpsci-run-status=N" line that run_vm and
# start_vm append goes to STFILE (N alone) instead.
stamp() {
	while IFS= read -r line; do
		case "$line" in
		vpsci-run-status=*)
			echo "${line#vpsci-run-status=}" >"$2"
			continue
			;;
		esac
		read -r up _ </proc/uptime	# no fork: keep the lag small
		printf '%s %s\n' "$up" "$line" >>"$1"
		printf '%s\n' "$line"
	done
}

# run_vm NAME ARGS...: $VMM --events $OUT/NAME.ev ARGS with stdin /dev/null
# and a $VM_TIMEOUT limit; console and stderr to $OUT/NAME.log (stamped in
# .times). Sets st (exit status; 255 if unknown), t_start (uptime at start)
# and elapsed (s, the whole run).
run_vm() {
	name=$1
	shift
	rm -f "$OUT/$name.log" "$OUT/$name.ev" "$OUT/$name.times" "$OUT/$name.st"
	t_start=$(now)
	{
		timeout -s TERM "$VM_TIMEOUT" "$VMM" --events "$OUT/$name.ev" "$@" </dev/null 2>&1
		echo "vpsci-run-status=$?"
	} | stamp "$OUT/$name.times" "$OUT/$name.st" >"$OUT/$name.log"
	st=$(cat "$OUT/$name.st" 2>/dev/null || echo 255)
	elapsed=$(delta "$t_start" "$(now)")
}

# watchdog PID: TERM to PID after $VM_TIMEOUT s (sets dog); unwatch stops it.
# The watchdog holds no pipe or FIFO of the caller open.
watchdog() {
	(sleep "$VM_TIMEOUT"; kill -TERM "$1" 2>/dev/null) >/dev/null 2>&1 </dev/null 3>&- 4>&- 5>&- &
	dog=$!
}

unwatch() {
	kill "$dog" 2>/dev/null
	wait "$dog" 2>/dev/null
}

# check_fail STATUS TEXT ARGS...: run $VMM ARGS (stdin /dev/null, 120 s at
# most); true if it exited with STATUS and its output holds TEXT (any case).
# Sets got (the status) and out (stdout and stderr).
check_fail() {
	cf_want=$1
	cf_text=$2
	shift 2
	out=$(timeout 120 "$VMM" "$@" </dev/null 2>&1)
	got=$?
	[ "$got" = "$cf_want" ] && printf '%s\n' "$out" | grep -qiF -- "$cf_text"
}

# expect_fail NAME STATUS TEXT ARGS...: check_fail, reported as NAME.
expect_fail() {
	ef_name=$1
	shift
	if check_fail "$@"; then
		ok "$ef_name: status $got, \"$(printf '%s\n' "$out" | head -1 | cut -c1-150)\""
	else
		ko "$ef_name: status $got (want $1), output: $(printf '%s\n' "$out" | head -3)"
	fi
}

# show_log FILE [N]: the last N (default 15) lines of FILE, indented.
show_log() {
	echo "---- last lines of $1:"
	tail -n "${2:-15}" "$1" 2>/dev/null | tr -d '\r' | sed 's/^/    | /'
}

# show_run NAME [N]: what a failure report needs of run NAME: the last N lines
# of its console, of its stderr file (.err) if it has one, and its last
# events (system events and EXIT, not the calls).
show_run() {
	echo "---- run $1: status ${st:-?}"
	show_log "$OUT/$1.log" "${2:-15}"
	[ ! -f "$OUT/$1.err" ] || show_log "$OUT/$1.err" 6
	echo "---- events ($OUT/$1.ev): $(wc -l <"$OUT/$1.ev" 2>/dev/null || echo 0) lines, last:"
	grep -F '"event":' "$OUT/$1.ev" 2>/dev/null | tail -6 | sed 's/^/    /'
}
