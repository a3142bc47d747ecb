# SPDX-License-Identifier: BSD-2-Clause
#
# Shared helpers for the testbed scripts (sourced, not run).
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
TB_SUITES="trixie trixie-backports"
# Re-read the package index when it is older than this many seconds.
TB_INDEX_MAX_AGE=${TB_INDEX_MAX_AGE:-86400}

# Exit statuses shared by the testbed scripts (documented in docs/testbed.md).
TB_E_USAGE=2		# bad command line
TB_E_TOOL=3		# a host tool is missing
TB_E_ARCHIVE=4		# package archive unreachable or index unusable
TB_E_PKG=5		# a package vanished from the index / failed to download
TB_E_BOOT=6		# a kernel failed to boot (no marker from /init in time)
TB_E_NOKVM=7		# no /dev/kvm inside the testbed
TB_E_NOFILTER=8		# host kernel lacks the SMCCC filter
TB_E_TIMEOUT=124	# the whole run went over --timeout

tb_prog=$(basename "$0")

tb_log() {
	printf '%s: %s\n' "$tb_prog" "$*" >&2
}

# tb_die STATUS MESSAGE...: one understandable message, then a non-zero exit.
tb_die() {
	st=$1
	shift
	printf '%s: error: %s\n' "$tb_prog" "$*" >&2
	exit "$st"
}

# tb_need_tools TOOL[:PACKAGE]...: fail early, naming the Debian package.
tb_need_tools() {
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
	cmd=$1
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
		"$@"
}

# tb_apt_update [force]: refresh the private index when missing or stale.
tb_apt_update() {
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
			tb_log "warning: could not refresh the index, using the cached one:"
			sed 's/^/    /' "$out" | tail -5 >&2
			return 0
		fi
		sed 's/^/    /' "$out" | tail -10 >&2
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
