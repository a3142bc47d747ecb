# SPDX-License-Identifier: BSD-2-Clause
#
# check-events.awk: the checker behind scripts/check-events, which documents
# what it checks and runs it as
#   awk -v want_end=EVENT|any -v file=NAME -f check-events.awk FILE
# POSIX awk only: busybox awk runs it in the testbed.

function fail(msg) {
	printf "check-events: %s: line %d: %s\n", file, NR, msg
	failed = 1
	exit 1
}

function failat(line, msg) {
	printf "check-events: %s: line %d: %s\n", file, line, msg
	failed = 1
	exit 1
}

function hexval(h,    i, v) {
	v = 0
	for (i = 1; i <= length(h); i++)
		v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
	return v
}

# The last n hex digits of "0x...", left-padded with zeros.
function lowhex(h, n) {
	h = substr(h, 3)
	while (length(h) < n)
		h = "0" h
	return substr(h, length(h) - n + 1)
}

# Split one JSON object into K[key] (strings unquoted, args into A1..A3)
# and T[key] (s string, n number, a args). 0 if it is not our JSON.
function parse(s,    key, v) {
	split("", K)
	split("", T)
	if (s !~ /^\{.*\}$/)
		return 0
	s = substr(s, 2, length(s) - 2)
	while (s != "") {
		if (!match(s, /^"[a-z]+":/))
			return 0
		key = substr(s, 2, RLENGTH - 3)
		if (key in K)
			return 0
		s = substr(s, RLENGTH + 1)
		if (match(s, /^"[^"\\]*"/)) {
			K[key] = substr(s, 2, RLENGTH - 2); T[key] = "s"
		} else if (match(s, /^-?[0-9]+(\.[0-9]+)?/)) {
			K[key] = substr(s, 1, RLENGTH) + 0; T[key] = "n"
		} else if (match(s, /^\["0x[0-9a-f]+","0x[0-9a-f]+","0x[0-9a-f]+"\]/)) {
			v = substr(s, 3, RLENGTH - 4)
			split(v, AR, "\",\"")
			A1 = AR[1]; A2 = AR[2]; A3 = AR[3]
			K[key] = v; T[key] = "a"
		} else {
			return 0
		}
		s = substr(s, RLENGTH + 1)
		if (s != "") {
			if (substr(s, 1, 1) != "," || length(s) == 1)
				return 0
			s = substr(s, 2)
		}
	}
	return 1
}

# The common case, a call line exactly as vpsci-run writes it, in one regex
# match and one split (busybox awk in an emulated testbed is slow); anything
# else goes through parse(), which accepts the same lines.
function fast_call(s,    F, nf) {
	if (s !~ /^\{"t":[0-9]+\.[0-9]+,"vcpu":[0-9]+,"fn":"[A-Z0-9_x]+","fid":"0x[0-9a-f]+","args":\["0x[0-9a-f]+","0x[0-9a-f]+","0x[0-9a-f]+"\],"ret":"0x[0-9a-f]+","rc":-?[0-9]+,"conduit":"[a-z]+","handled":"[a-z]+"(,"exit":"[a-z_]+")?\}$/)
		return 0
	split("", K)
	split("", T)
	nf = split(s, F, "\"")
	K["t"] = substr(F[3], 2, length(F[3]) - 2) + 0
	K["vcpu"] = substr(F[5], 2, length(F[5]) - 2) + 0
	K["fn"] = F[8]
	K["fid"] = F[12]
	A1 = F[16]; A2 = F[18]; A3 = F[20]
	K["args"] = A1 "\",\"" A2 "\",\"" A3
	K["ret"] = F[24]
	K["rc"] = substr(F[27], 2, length(F[27]) - 2) + 0
	K["conduit"] = F[30]
	K["handled"] = F[34]
	if (nf > 35)
		K["exit"] = F[38]
	return 1
}

# Every key of K is in the space-separated list req or opt, every key of req
# is in K, and each has its type.
function keys_ok(req, opt,    n, i, L, allowed, k) {
	split("", allowed)
	n = split(req, L, " ")
	for (i = 1; i <= n; i++) {
		if (!(L[i] in K))
			fail("missing key \"" L[i] "\"")
		allowed[L[i]] = 1
	}
	n = split(opt, L, " ")
	for (i = 1; i <= n; i++)
		allowed[L[i]] = 1
	for (k in K) {
		if (!(k in allowed))
			fail("unexpected key \"" k "\"")
		if (T[k] != TYPE[k])
			fail("key \"" k "\" has the wrong type")
	}
}

function mpidr_to_vcpu(h, smc32,    aff) {
	aff = lowhex(h, smc32 ? 8 : 16)
	# DEN0022 5.5: bits outside Aff3..Aff0 (mask 0xff00ffffff) must be zero
	if (smc32 && substr(aff, 1, 2) != "00")
		return -1
	if (!smc32 && (substr(aff, 1, 6) != "000000" || substr(aff, 9, 2) != "00"))
		return -1
	# KVM gives every vCPU Aff3 = 0
	if (!smc32 && substr(aff, 7, 2) != "00")
		return -1
	aff = substr(aff, length(aff) - 5)
	if (hexval(substr(aff, 5, 2)) >= 16)
		return -1
	return hexval(substr(aff, 5, 2)) + 16 * hexval(substr(aff, 3, 2)) + \
	       4096 * hexval(substr(aff, 1, 2))
}

# The power-state check of one boot, from the per-vCPU records. The k-th
# stretch of calls of a vCPU after an off needs its own successful CPU_ON that
# can have taken effect after that off (its window ends after the window of
# the off starts) and before the first call of the stretch (its window
# starts before the t of that call); among the candidates the one whose window ends
# first is taken (earliest deadline, as in interval matching). At most one
# CPU_ON may be left over: the last one, for a vCPU that is off by its own
# lines and made no call since (DEN0022 5.5: else the target was on).
function check_power(    x, c, sg, d, k, j, best, lo, hi, left, lastoff) {
	for (x = 0; x < cpus; x++) {
		c = ons[x] + 0
		sg = segs[x] + 0
		d = x == 0 ? 0 : 1
		split("", used)
		for (k = 1; k <= sg; k++) {
			lo = k - d >= 1 ? offp[x, k - d] : -1
			hi = segt[x, k]
			best = 0
			for (j = 1; j <= c; j++)
				if (!(j in used) && onu[x, j] > lo && onl[x, j] < hi &&
				    (!best || onu[x, j] < onu[x, best]))
					best = j
			if (!best)
				failat(segline[x, k], "call from vCPU " x ", which is off: no " \
				       "successful CPU_ON for it can have taken effect since its " \
				       (k - d >= 1 ? "CPU_OFF at line " offline[x, k - d] : "boot"))
			used[best] = 1
		}
		left = 0
		lastoff = offs[x] >= 1 ? offp[x, offs[x]] : -1
		for (j = 1; j <= c; j++) {
			if (j in used)
				continue
			if (left || own_on[x] || !(onu[x, j] > lastoff))
				failat(online[x, j], "CPU_ON(" onarg[x, j] ") succeeded for vCPU " \
				       x ", which is on (DEN0022 5.5)")
			left = j
		}
	}
}

function new_boot() {
	split("", on)
	split("", own_on)
	split("", prev_t)
	split("", segs); split("", segt); split("", segline)
	split("", offs); split("", offp); split("", offline)
	split("", ons); split("", onl); split("", onu); split("", online); split("", onarg)
	on[0] = 1
	own_on[0] = 1
	terminal = ""
	pending_ev = ""
}

BEGIN {
	nt = split("t:n event:s boot:n mode:s version:s cpus:n gic:n vcpu:n fn:s fid:s " \
		   "args:a ret:s rc:n conduit:s handled:s exit:s status:n type:s cookie:s " \
		   "entry:s context:s reason:s suspended_s:n", TL, " ")
	for (i = 1; i <= nt; i++) {
		split(TL[i], P, ":")
		TYPE[P[1]] = P[2]
	}
	# DEN0022 chapter 5: name, and whether an SMC64 form exists
	split("PSCI_VERSION CPU_SUSPEND CPU_OFF CPU_ON AFFINITY_INFO MIGRATE " \
	      "MIGRATE_INFO_TYPE MIGRATE_INFO_UP_CPU SYSTEM_OFF SYSTEM_RESET PSCI_FEATURES " \
	      "CPU_FREEZE CPU_DEFAULT_SUSPEND NODE_HW_STATE SYSTEM_SUSPEND " \
	      "PSCI_SET_SUSPEND_MODE PSCI_STAT_RESIDENCY PSCI_STAT_COUNT SYSTEM_RESET2 " \
	      "MEM_PROTECT MEM_PROTECT_CHECK_RANGE SYSTEM_OFF2", NAME, " ")
	split("0 1 0 1 1 1 0 1 0 0 0 0 1 1 1 0 1 1 1 0 1 1", HAS64, " ")
	split("PSCI_0_1_CPU_SUSPEND PSCI_0_1_CPU_OFF PSCI_0_1_CPU_ON PSCI_0_1_MIGRATE",
	      NAME01, " ")
	split("SYSTEM_OFF SYSTEM_OFF2 SYSTEM_RESET SYSTEM_RESET2 CRASH", TE, " ")
	for (i in TE)
		TERMINAL[TE[i]] = 1
	boots = 0
	calls = 0
	last = ""
	new_boot()
}

{
	if (last == "EXIT")
		fail("a line after the EXIT line")
	fast = fast_call($0)
	if (!fast && !parse($0))
		fail("not a vpsci-run events JSON object: " substr($0, 1, 80))
	if (!("t" in K))
		fail("missing key \"t\"")
	last = ""
}

("event" in K) {
	ev = K["event"]
	if (pending_ev != "")
		fail("system event " pending_ev " not followed by its call line")
	if (ev == "BOOT") {
		keys_ok("t event boot mode version cpus gic", "")
		if (K["boot"] != boots)
			fail("BOOT " K["boot"] " where boot " boots " was expected")
		if (boots > 0 && terminal == "")
			fail("a new boot without a system event ending the previous one")
		if (K["mode"] !~ /^(user|hybrid|kernel)$/ || K["version"] !~ /^[01]\.[0-9]$/ ||
		    K["cpus"] < 1 || K["gic"] !~ /^[23]$/)
			fail("BOOT line with a bad mode, version, cpus or gic")
		if (boots > 0)
			check_power()
		boots++
		cpus = K["cpus"]
		mode = K["mode"]
		new_boot()
		next
	}
	if (boots == 0)
		fail("event " ev " before any BOOT line")
	if (ev == "EXIT") {
		keys_ok("t event status", "")
		last = "EXIT"
		exit_status = K["status"]
		next
	}
	if (ev == "SYSTEM_RESET2")
		keys_ok("t event vcpu handled type cookie", "")
	else if (ev == "SYSTEM_OFF2")
		keys_ok("t event vcpu handled", "type")
	else if (ev == "SYSTEM_SUSPEND")
		keys_ok("t event vcpu handled entry context", "")
	else if (ev == "SYSTEM_WAKE")
		keys_ok("t event vcpu handled", "reason suspended_s")
	else if (ev ~ /^(SYSTEM_OFF|SYSTEM_RESET|CRASH)$/)
		keys_ok("t event vcpu handled", "")
	else
		fail("unknown event \"" ev "\"")
	if (K["vcpu"] >= cpus)
		fail("event from vCPU " K["vcpu"] " of " cpus)
	if (K["handled"] !~ /^(user|kernel)$/)
		fail("handled is \"" K["handled"] "\"")
	if (ev in TERMINAL) {
		if (terminal != "")
			fail("second terminal system event " ev " in boot " boots - 1 \
			     " (first: " terminal ")")
		terminal = ev
	}
	if (K["handled"] == "user" && ev != "SYSTEM_WAKE" && ev != "CRASH") {
		pending_ev = ev
		pending_vcpu = K["vcpu"]
	}
	if (ev == "SYSTEM_SUSPEND")
		for (v in on)
			if (on[v] && v != K["vcpu"])
				fail("SYSTEM_SUSPEND entered while vCPU " v " is on (DEN0022 5.19)")
	next
}

{
	if (!fast)
		keys_ok("t vcpu fn fid args ret rc conduit handled", "exit")
	if (boots == 0)
		fail("call before any BOOT line")
	calls++
	v = K["vcpu"]
	fid = K["fid"]
	fn = K["fn"]
	x = ("exit" in K) ? K["exit"] : ""
	if (v >= cpus)
		fail("call from vCPU " v " of " cpus)
	if (mode == "kernel")
		fail("a call line in kernel mode")
	if (K["conduit"] !~ /^(hvc|smc)$/ || K["handled"] != "user")
		fail("conduit \"" K["conduit"] "\", handled \"" K["handled"] "\"")
	if (fid !~ /^0x[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]$/)
		fail("fid \"" fid "\" is not 32-bit hex")
	if (K["ret"] !~ /^0x[0-9a-f]+$/ || length(K["ret"]) > 18)
		fail("ret \"" K["ret"] "\" is not 64-bit hex")
	r = hexval(lowhex(K["ret"], 8))
	if (r >= 2147483648)
		r -= 4294967296
	if (r != K["rc"])
		fail("rc " K["rc"] " is not ret " K["ret"] " as a signed 32-bit value")

	# the function: PSCI range (DEN0022 chapter 5) or KVM 0.1 IDs, named as the spec does
	smc32 = substr(fid, 3, 2) == "84"
	n = hexval(substr(fid, 9, 2))
	if (fid ~ /^0x[8c]40000[01][0-9a-f]$/) {
		name = n < 22 && (smc32 || HAS64[n + 1]) ? NAME[n + 1] : fid
	} else if (fid ~ /^0x95c1ba(5e|5f|60|61)$/) {
		name = NAME01[hexval(substr(fid, 9, 2)) - 93]
		n = -1
	} else {
		fail("fid " fid " is outside the forwarded PSCI ranges")
	}
	if (fn != name)
		fail("fn \"" fn "\" for fid " fid " (expected \"" name "\")")
	if (pending_ev != "" && (x != "system_event" || v != pending_vcpu))
		fail("system event " pending_ev " not followed by its call line")
	if (terminal != "" && pending_ev == "")
		fail("call from vCPU " v " after the terminal system event " terminal)
	if (!own_on[v]) {
		own_on[v] = 1
		segs[v]++
		segt[v, segs[v]] = K["t"]
		segline[v, segs[v]] = NR
	}

	if (x == "") {
		if ((fn == "CPU_OFF" || fn == "PSCI_0_1_CPU_OFF") && K["rc"] >= 0)
			fail("CPU_OFF returned " K["rc"] " to the caller " \
			     "(DEN0022 5.4: never returns on success)")
	} else if (x == "off") {
		if (fn != "CPU_OFF" && fn != "CPU_FREEZE" && fn != "PSCI_0_1_CPU_OFF")
			fail(fn " turned vCPU " v " off")
		on[v] = 0
		own_on[v] = 0
		offs[v]++
		offp[v, offs[v]] = (v in prev_t) ? prev_t[v] : 0
		offline[v, offs[v]] = NR
	} else if (x == "suspend") {
		if (fn != "CPU_SUSPEND" && fn != "CPU_DEFAULT_SUSPEND" &&
		    fn != "PSCI_0_1_CPU_SUSPEND")
			fail(fn " suspended vCPU " v)
	} else if (x == "system_event") {
		if (pending_ev == "" || fn != pending_ev)
			fail(fn " exit system_event without its event line (" pending_ev ")")
		pending_ev = ""
	} else {
		fail("exit \"" x "\"")
	}

	if ((fn == "CPU_ON" || fn == "PSCI_0_1_CPU_ON") && K["rc"] == 0) {
		tgt = mpidr_to_vcpu(A1, smc32 || n < 0)
		if (tgt < 0 || tgt >= cpus)
			fail("CPU_ON(" A1 ") succeeded for no existing CPU (DEN0022 5.5)")
		on[tgt] = 1
		ons[tgt]++
		onl[tgt, ons[tgt]] = (v in prev_t) ? prev_t[v] : 0
		onu[tgt, ons[tgt]] = K["t"]
		online[tgt, ons[tgt]] = NR
		onarg[tgt, ons[tgt]] = A1
		nr_on++
	}
	prev_t[v] = K["t"]
}

END {
	if (failed)
		exit 1
	if (NR == 0)
		fail("empty log")
	if (boots == 0)
		fail("no BOOT line")
	if (pending_ev != "")
		fail("system event " pending_ev " not followed by its call line")
	if (last != "EXIT")
		fail("the log does not end with an EXIT line")
	check_power()
	if (want_end != "any" && terminal != want_end)
		fail("the last boot ended with \"" terminal "\", not " want_end)
	printf "check-events: %s: consistent: %d lines, %d boots, %d calls, " \
	       "%d successful CPU_ON, " \
	       "ended with %s, exit status %d\n", file, NR, boots, calls, nr_on, \
	       terminal == "" ? "no system event" : terminal, exit_status
}
