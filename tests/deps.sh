#!/usr/bin/env bash
# The Debian packages that tcptool's test suite and CI need beyond gcc, make
# and git: the one list that make check, .ci/run and the README share.
#
#   tests/deps.sh list GROUP      the packages of GROUP, one line
#   tests/deps.sh missing GROUP   those of them not installed
#   tests/deps.sh install GROUP   installs the missing ones: as root with
#                                 apt-get, else through sudo; when neither can
#                                 be done, prints the one command that would
#
# GROUP is "check" (what make check uses) or "ci" (check, plus clang, the
# fuzzing runtime, the linters, valgrind, and iperf3 for make bench-smoke).
# install exits 1 only when a package the suite cannot run without is still
# missing; a missing optional tool turns its tests into skips that name it.
set -euo pipefail

# The suite: bats and its libraries; python3 (the test peers), iproute2 (ss,
# ip, tc), procps (ps); netbase (/etc/services); netcat-openbsd (interop
# peer); mandoc, groff-base and bsdextrautils (col) for the manual; zsh,
# fish, shellcheck and bash-completion for the completions; strace;
# libpcap-dev and pkg-config for a build with --trace; jq, which examples
# in the manual and the README use; nftables (nft: loss in a test's network
# namespace) and ethtool (segments of MSS size on a veth) for
# interval_net.bats; libcap2-bin (setcap) for privilege.bats, which gives a
# copy of tcptool cap_net_raw and runs it as another user; tcpdump, which
# reads back what --pcap writes and makes the captures tcptool trace reads.
essential=(bats bats-support bats-assert python3 iproute2 procps)
optional=(netbase netcat-openbsd mandoc groff-base bsdextrautils zsh fish shellcheck bash-completion
	strace libpcap-dev pkg-config jq nftables ethtool libcap2-bin tcpdump)
# CI also builds with clang, fuzzes (libFuzzer's runtime), lints, runs
# valgrind, and runs make bench-smoke, whose measure.sh compares --load with
# iperf3 (installed without its daemon: debconf's default, non-interactive).
ci_only=(clang libclang-rt-14-dev cppcheck clang-tidy valgrind iperf3)

usage() {
	echo "usage: tests/deps.sh list|missing|install check|ci" >&2
	exit 2
}

packages() {
	case $1 in
	check) echo "${essential[@]}" "${optional[@]}" ;;
	ci) echo "${essential[@]}" "${optional[@]}" "${ci_only[@]}" ;;
	*) usage ;;
	esac
}

installed() {
	[[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

missing() {
	local p
	for p in $(packages "$1"); do
		installed "$p" || echo "$p"
	done
}

is_essential() {
	local e
	for e in "${essential[@]}"; do
		[[ $e == "$1" ]] && return 0
	done
	return 1
}

# The one line a person runs when this script may not.
tell() {
	echo "tcptool: the tests need these packages; install them with:" >&2
	echo "  sudo apt-get install -y --no-install-recommends $*" >&2
}

install() {
	local group=$1 need sudo=()
	mapfile -t need < <(missing "$group")
	((${#need[@]} > 0)) || return 0
	if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
		echo "tcptool: not a Debian system; the tests need the equivalents of: ${need[*]}" >&2
		return 0
	fi
	if ((EUID != 0)); then
		# sudo without a password, or one that can ask for it on a terminal.
		if command -v sudo >/dev/null && { sudo -n true 2>/dev/null || [[ -t 0 ]]; }; then
			sudo=(sudo)
		else
			tell "${need[@]}"
			need=()
		fi
	fi
	if ((${#need[@]} > 0)); then
		echo "tcptool: installing ${need[*]}" >&2
		if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
			! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; then
			tell "${need[@]}"
		fi
	fi
	local p fatal=()
	for p in $(missing "$group"); do
		# make check falls back on a pinned bats from npm.
		[[ $p == bats* ]] && command -v npm >/dev/null && continue
		is_essential "$p" && fatal+=("$p")
	done
	if ((${#fatal[@]} > 0)); then
		echo "tcptool: cannot run the tests without: ${fatal[*]}" >&2
		return 1
	fi
	return 0
}

(($# == 2)) || usage
[[ $2 == check || $2 == ci ]] || usage
case $1 in
list) packages "$2" ;;
missing) missing "$2" ;;
install) install "$2" ;;
*) usage ;;
esac
