#!/usr/bin/env bash
# make check's runner: finds bats (Debian's, else a pinned one from npm in
# BATS_NPM_DIR), runs the suites against TCPTOOL and TCPTOOL_UNIT, writes
# the TAP report into REPORT_DIR, and ends with tests/summary.sh's lines.
# usage: TCPTOOL=BIN TCPTOOL_UNIT=UNIT tests/run.sh REPORT_DIR [BATS ARGS...] TESTS...
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
report=$1
shift
npm_dir=${BATS_NPM_DIR:-$PWD/.deps}
npm_pkgs=(bats@1.13.0 bats-support@0.3.0 bats-assert@2.2.4)

if command -v bats >/dev/null && [[ -f /usr/lib/bats/bats-assert/load.bash && -z ${BATS_FROM_NPM:-} ]]; then
	bats=bats
elif [[ -x $npm_dir/node_modules/bats/bin/bats ]]; then
	bats=$npm_dir/node_modules/bats/bin/bats
elif command -v npm >/dev/null; then
	npm install --no-save --no-audit --no-fund --prefix "$npm_dir" "${npm_pkgs[@]}" >&2 || exit 1
	bats=$npm_dir/node_modules/bats/bin/bats
else
	echo "tcptool: make check needs bats: apt-get install bats bats-support bats-assert (or npm)" >&2
	exit 1
fi
echo "using $($bats --version), binary ${TCPTOOL:?}"
rm -rf "$report"
mkdir -p "$report"
BATS_LIB_PATH=$npm_dir/node_modules:/usr/lib/bats "$bats" --report-formatter tap -o "$report" "$@"
rc=$?
tests/summary.sh "$report/report.tap"
exit "$rc"
