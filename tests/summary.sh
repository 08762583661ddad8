#!/usr/bin/env bash
# The end of make check: what was skipped and why, grouped by reason, then
# the closing line "N passed, N failed, N skipped" that CI reads.
# usage: tests/summary.sh REPORT.tap
set -euo pipefail
tap=$1
[[ -f $tap ]] || { echo "0 passed, 1 failed, 0 skipped (no report at $tap)"; exit 0; }

# "ok 12 name # skip needs nc (package netcat-openbsd)" -> the reason
reasons=$(sed -n 's/^ok [^#]* # skip \{0,1\}//p' "$tap" | sed 's/^$/(no reason given)/' | sort | uniq -c | sort -rn)
if [[ -n $reasons ]]; then
	echo "skipped, by reason:"
	echo "$reasons"
	if grep -q '(package ' <<<"$reasons"; then
		echo "(tests/deps.sh install check installs the missing packages)"
	fi
fi
awk '/^ok .*# skip/ { s++; next } /^ok / { p++ } /^not ok / { f++ }
	END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$tap"
