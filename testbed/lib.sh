# SPDX-License-Identifier: BSD-2-Clause
#
# Shared helpers for the testbed scripts (sourced, not run; needs a shell
# with "local", as dash, bash and busybox sh have).
#
# Everything the testbed downloads or builds lives under $TB_DIR
# (build/testbed by default); the system's apt sources, apt state and dpkg
# architectures are never touched: arm64 packages come through a private apt
# configuration in $TB_DIR/apt.

TB_SRC=$(cd "$(dirname "$0")" && pwd)
TB_TOP=$(cd "$TB_SRC/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in
/*) TB_BUILD=$BUILD ;;
*) TB_BUILD=$TB_TOP/$BUILD ;;
esac
TB_DIR=$TB_BUILD/testbed
TB_APT=$TB_DIR/apt
TB_DEBS=$TB_DIR/debs
TB_MIRROR=${TB_MIRROR:-http://deb.debian.org/debian}
TB_KEYRING=${TB_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
# Suites the testbed draws from: trixie for Linux 6.12, busybox and libfdt;
# trixie-backports for the newest Linux 7.x.
TB_SUITES=${TB_SUITES:-"trixie trixie-backports"}
# Re-read the package index when it is older than this many seconds.
TB_INDEX_MAX_AGE=${TB_INDEX_MAX_AGE:-86400}

# Exit statuses of the testbed scripts (documented in docs/testbed.md and
# testbed/run --help). Infrastructure failures use 118..125 so that
# testbed/run can pass COMMAND's own (usually small) status through unchanged.
TB_E_USAGE=2		# bad command line
TB_E_SHARE=117		# a --share directory could not be mounted inside the testbed
TB_E_NOKVM=118		# no usable /dev/kvm inside the testbed
TB_E_NOFILTER=119	# host kernel lacks the SMCCC filter
TB_E_TOOL=120		# a host tool is missing
TB_E_ARCHIVE=121	# package archive unreachable or index unusable
TB_E_PKG=122		# a package vanished from the index or failed to download
TB_E_BOOT=123		# the kernel failed to boot (no marker from /init in time)
TB_E_TIMEOUT=124	# the whole run went over --timeout
TB_E_DIED=125		# the testbed died before COMMAND finished (panic, crash)

tb_prog=$(basename "$0")

tb_log() {
	printf '%s: %s\n' "$tb_prog" "$*" >&2
}

# tb_die STATUS MESSAGE...: one understandable message, then a non-zero exit.
tb_die() {
	local st=$1
	shift
	printf '%s: error: %s\n' "$tb_prog" "$*" >&2
	exit "$st"
}

# tb_bad MESSAGE...: a bad command line: the message and where to look, then
# exit $TB_E_USAGE.
tb_bad() {
	tb_log "$*"
	tb_log "try 'testbed/$tb_prog --help'"
	exit $TB_E_USAGE
}

# tb_is_uint STRING: is STRING a non-empty run of decimal digits?
tb_is_uint() {
	case "$1" in '' | *[!0-9]*) return 1 ;; esac
}

# tb_need_tools TOOL[:PACKAGE]...: fail early, naming the Debian package.
tb_need_tools() {
	local t tool pkg
	for t in "$@"; do
		tool=${t%%:*}
		pkg=${t#*:}
		[ "$pkg" = "$t" ] && pkg=$tool
		command -v "$tool" >/dev/null 2>&1 ||
			tb_die $TB_E_TOOL "missing tool '$tool' (Debian package $pkg; run 'make setup')"
	done
}

# Private apt configuration: own sources, lists, cache, preferences and an
# empty dpkg status, architecture arm64 only.
tb_apt_init() {
	local s src
	mkdir -p "$TB_APT/etc/preferences.d" "$TB_APT/lists/partial" \
		"$TB_APT/cache/archives/partial" "$TB_DEBS"
	[ -f "$TB_KEYRING" ] ||
		tb_die $TB_E_TOOL "missing $TB_KEYRING (Debian package debian-archive-keyring)"
	src=$TB_APT/etc/sources.list
	: >"$src.new"
	for s in $TB_SUITES; do
		echo "deb [arch=arm64 signed-by=$TB_KEYRING] $TB_MIRROR $s main" >>"$src.new"
	done
	mv "$src.new" "$src"
	: >"$TB_APT/status"
}

tb_apt() {
	local cmd=$1
	shift
	"$cmd" -q \
		-o Dir::Etc::sourcelist="$TB_APT/etc/sources.list" \
		-o Dir::Etc::sourceparts=- \
		-o Dir::Etc::preferences="$TB_APT/etc/preferences" \
		-o Dir::Etc::preferencesparts="$TB_APT/etc/preferences.d" \
		-o Dir::State="$TB_APT/state" \
		-o Dir::State::Lists="$TB_APT/lists" \
		-o Dir::State::status="$TB_APT/status" \
		-o Dir::Cache="$TB_APT/cache" \
		-o Dir::Cache::pkgcache="$TB_APT/cache/pkgcache.bin" \
		-o Dir::Cache::srcpkgcache="$TB_APT/cache/srcpkgcache.bin" \
		-o APT::Architecture=arm64 \
		-o APT::Architectures=arm64 \
		-o Debug::NoLocking=1 \
		-o Acquire::http::Timeout=30 \
		-o Acquire::Retries=2 \
		"$@"
}

# tb_apt_lock: serialise apt work on the private state: engineers and make
# jobs share build/testbed (apt itself runs with its locking off). Held until
# the calling script exits.
tb_apt_lock() {
	[ -z "${TB_APT_LOCKED:-}" ] || return 0
	mkdir -p "$TB_APT"
	exec 7>"$TB_APT/.lock"
	if ! flock -w 600 7; then
		tb_die $TB_E_ARCHIVE "waited 600 s for $TB_APT/.lock (another fetch hung?)"
	fi
	TB_APT_LOCKED=1
}

# tb_apt_update [force]: refresh the private index when missing or stale.
tb_apt_update() {
	local stamp age out
	tb_apt_lock
	tb_apt_init
	stamp=$TB_APT/lists/.updated
	if [ "${1:-}" != force ] && [ -f "$stamp" ]; then
		age=$(($(date +%s) - $(stat -c %Y "$stamp")))
		[ "$age" -lt "$TB_INDEX_MAX_AGE" ] && return 0
	fi
	tb_log "reading the arm64 package index ($TB_SUITES) from $TB_MIRROR"
	mkdir -p "$TB_APT/state"
	out=$TB_APT/update.log
	if ! tb_apt apt-get update >"$out" 2>&1 ||
		grep -Eq '^(W|E): (Failed to fetch|Some index files failed)' "$out"; then
		if [ -f "$stamp" ]; then
			tb_log "warning: could not refresh the index, using the cached one" \
				"(next try in $TB_INDEX_MAX_AGE s or with --update):"
			sed 's/^/    /' "$out" | grep -E '^ *(W|E):' | tail -3 >&2
			touch "$stamp"
			return 0
		fi
		sed 's/^/    /' "$out" | tail -10 >&2
		if grep -Eq 'NO_PUBKEY|is not signed|signatures were invalid' "$out"; then
			tb_die $TB_E_ARCHIVE "the archive's signatures cannot be checked with" \
				"$TB_KEYRING: upgrade debian-archive-keyring (bookworm's" \
				"2023.3+deb12u1 or later has the trixie keys)"
		fi
		tb_die $TB_E_ARCHIVE "cannot read the Debian package archive at $TB_MIRROR" \
			"(network down or mirror unreachable?)"
	fi
	touch "$stamp"
}

# tb_candidate PKG: the version apt would fetch, or nothing.
tb_candidate() {
	tb_apt apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }' |
		grep -v '(none)' || true
}

# tb_pkg_exists PKG: is PKG in the index?
tb_pkg_exists() {
	[ -n "$(tb_candidate "$1")" ]
}

# tb_fetch_deb PKG[=VER] [SUITE]: download one .deb into the cache (reused
# across runs) and print its path.
tb_fetch_deb() {
	local spec suite pkg ver fver deb
	spec=$1
	suite=${2:-}
	pkg=${spec%%=*}
	ver=
	[ "$spec" != "$pkg" ] && ver=${spec#*=}
	[ -n "$ver" ] || ver=$(tb_candidate "$pkg")
	if [ -n "$suite" ] && [ "$spec" = "$pkg" ]; then
		ver=$(tb_apt apt-cache madison "$pkg" | awk -F' [|] ' -v s="$suite" \
			'$3 ~ (" " s "/") { print $2; exit }' | tr -d ' ')
	fi
	[ -n "$ver" ] ||
		tb_die $TB_E_PKG "package '$pkg' is not in the arm64 index of $TB_SUITES" \
			"(vanished from the archive? try 'testbed/fetch --update')"
	fver=$(echo "$ver" | sed 's/:/%3a/')
	deb=$TB_DEBS/${pkg}_${fver}_arm64.deb
	[ -f "$deb" ] || deb=$TB_DEBS/${pkg}_${fver}_all.deb
	if [ ! -s "$deb" ]; then
		tb_log "downloading $pkg $ver"
		if ! (cd "$TB_DEBS" && tb_apt apt-get download "$pkg=$ver" \
			>"$TB_APT/download.log" 2>&1); then
			sed 's/^/    /' "$TB_APT/download.log" | tail -5 >&2
			tb_die $TB_E_PKG "could not download $pkg $ver from $TB_MIRROR"
		fi
		deb=$(ls "$TB_DEBS/${pkg}_${fver}_"*.deb 2>/dev/null | head -1)
		[ -s "$deb" ] || tb_die $TB_E_PKG "download of $pkg $ver left no .deb"
	fi
	echo "$deb"
}

# tb_extract DEB DIR: unpack a .deb's data into DIR.
tb_extract() {
	mkdir -p "$2"
	dpkg-deb -x "$1" "$2" || tb_die $TB_E_PKG "cannot unpack $1 (corrupt download? delete it)"
}

# tb_now_ms: wall-clock milliseconds.
tb_now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# tb_secs MS: "12.3" seconds from milliseconds.
tb_secs() {
	printf '%d.%d' $(($1 / 1000)) $((($1 % 1000) / 100))
}

# tb_cpio DIR OUT: pack DIR as a newc initramfs, files owned by root.
tb_cpio() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >"$2.tmp.$$" ||
		tb_die $TB_E_TOOL "cpio failed to pack $1"
	mv "$2.tmp.$$" "$2"
}

# tb_stage_busybox DIR INIT: the part every testbed initramfs shares: a
# static busybox and INIT as /init.
tb_stage_busybox() {
	mkdir -p "$1/bin" "$1/sbin" "$1/usr/bin" "$1/usr/sbin" "$1/proc" "$1/sys" \
		"$1/dev" "$1/tmp" "$1/run" "$1/root"
	cp "$TB_DIR/busybox" "$1/bin/busybox"
	cp "$2" "$1/init"
	chmod 755 "$1/init" "$1/bin/busybox"
}

# tb_build_guest_initrd OUT: the guest initramfs for Linux guests under
# vpsci-run: busybox, testbed/initramfs/guest-init as /init, the guest
# scripts in /scripts and both kernels' guest modules in /lib/modules.
tb_build_guest_initrd() {
	local gst k
	gst=$TB_DIR/stage-guest.$$
	rm -rf "$gst"
	tb_stage_busybox "$gst" "$TB_SRC/initramfs/guest-init"
	mkdir -p "$gst/scripts" "$gst/lib/modules"
	if [ -d "$TB_SRC/guest-scripts" ]; then
		cp -R "$TB_SRC/guest-scripts/." "$gst/scripts/"
	fi
	for k in "$TB_DIR"/kernels/*/modules/*; do
		[ -d "$k" ] && cp -R "$k" "$gst/lib/modules/"
	done
	tb_cpio "$gst" "$1"
	rm -rf "$gst"
}

# tb_tail LOG: the last 40 console lines, for a failure report.
tb_tail() {
	echo "----- last 40 console lines ($1) -----" >&2
	tail -n 40 "$1" | tr -d '\r' >&2
	echo "-----" >&2
}

# tb_kill PID: stop a QEMU we started: TERM, then KILL after 5 s.
tb_kill() {
	local i
	kill -TERM "$1" 2>/dev/null || return 0
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# tb_watch PID LOG TIMEOUT BOOT_PATTERN BOOT_TIMEOUT EXIT_PATTERN
# Follow a QEMU run whose console is copied into LOG until QEMU exits.
# Sets TB_WATCH to one of: exited (QEMU ended by itself), timeout (the run
# took longer than TIMEOUT s), noboot (BOOT_PATTERN not seen within
# BOOT_TIMEOUT s); sets TB_BOOT_MS to the time to BOOT_PATTERN. Once
# EXIT_PATTERN shows, QEMU gets 15 s to power off before it is stopped.
# Empty patterns disable those checks.
tb_watch() {
	local pid log limit bpat blimit epat t0 el exit_seen
	pid=$1
	log=$2
	limit=$(($3 * 1000))
	bpat=$4
	blimit=$(($5 * 1000))
	epat=$6
	t0=$(tb_now_ms)
	TB_BOOT_MS=
	TB_WATCH=exited
	exit_seen=
	while kill -0 "$pid" 2>/dev/null; do
		sleep 0.2
		el=$(($(tb_now_ms) - t0))
		if [ -n "$bpat" ] && [ -z "$TB_BOOT_MS" ]; then
			if grep -q "$bpat" "$log" 2>/dev/null; then
				TB_BOOT_MS=$el
			elif [ $el -gt $blimit ]; then
				TB_WATCH=noboot
				tb_kill "$pid"
				return 0
			fi
		fi
		# The exit marker is among the last lines when it comes: read only the
		# tail, so long outputs cost nothing here.
		if [ -n "$epat" ] && [ -z "$exit_seen" ] &&
			tail -c 65536 "$log" 2>/dev/null | grep -q "$epat"; then
			exit_seen=$el
		fi
		if [ -n "$exit_seen" ] && [ $((el - exit_seen)) -gt 15000 ]; then
			tb_log "warning: COMMAND finished but the testbed did not power off; stopping QEMU"
			tb_kill "$pid"
			return 0
		fi
		if [ $el -gt $limit ]; then
			TB_WATCH=timeout
			tb_kill "$pid"
			return 0
		fi
	done
	wait "$pid" 2>/dev/null && TB_QEMU_STATUS=0 || TB_QEMU_STATUS=$?
	if [ -n "$bpat" ] && [ -z "$TB_BOOT_MS" ] && grep -q "$bpat" "$log" 2>/dev/null; then
		TB_BOOT_MS=$(($(tb_now_ms) - t0))
	fi
}

# tb_virtiofsd: the path of a virtiofsd (the --share backend), or a clear
# failure: Debian's virtiofsd package (/usr/libexec), or the C virtiofsd that
# bookworm's qemu-system-common ships in /usr/lib/qemu.
tb_virtiofsd() {
	local v
	for v in "$(command -v virtiofsd 2>/dev/null)" /usr/libexec/virtiofsd \
		/usr/lib/qemu/virtiofsd; do
		[ -n "$v" ] && [ -x "$v" ] && { echo "$v"; return 0; }
	done
	tb_die $TB_E_TOOL "--share needs virtiofsd (Debian package virtiofsd, or" \
		"qemu-system-common on bookworm; run 'make setup')"
}

# tb_share_start SOCKET HOSTDIR LOG: a virtiofsd serving HOSTDIR on SOCKET
# in the background (its pid in TB_SHARE_PID), once the socket exists.
tb_share_start() {
	local i
	rm -f "$1"
	"$(tb_virtiofsd)" --socket-path="$1" -o source="$2" -o cache=auto \
		-o sandbox=chroot >"$3" 2>&1 </dev/null &
	TB_SHARE_PID=$!
	i=0
	while [ ! -S "$1" ] && [ $i -lt 100 ]; do
		kill -0 "$TB_SHARE_PID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	[ -S "$1" ] || { sed 's/^/    /' "$3" >&2; tb_die $TB_E_TOOL "virtiofsd did not start for $2"; }
}

# tb_help: print the calling script's header comment (from line 4 to the
# first line that is not a comment) as its --help text.
tb_help() {
	awk 'NR >= 4 && /^#/ { sub(/^# ?/, ""); print; next } NR >= 4 { exit }' "$0"
}
