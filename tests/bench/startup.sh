#!/usr/bin/env bash
# make bench: start-up time, the cost of one exec of a command that prints
# its version or help and exits: tcptool --version and --help against
# nc -h (OpenBSD netcat) and, where installed, ncat --version and socat -V.
#
# build/spawn (tests/bench/spawn.c) runs a command BATCH times in a row
# with posix_spawnp(), stdin, stdout and stderr on /dev/null, and times
# each run from the spawn to the reaped exit (CLOCK_MONOTONIC): fork, exec,
# the dynamic loader, the tool's own start and exit, nothing subtracted.
# The commands take turns batch by batch until each has run EXECS times.
# The table shows the median of all the runs of a command, the range of
# its batch medians, and the ratio of tcptool --version's batch median to
# the other command's in the same turn, then the median of those ratios.
# Any run that fails (exit status not 0) is reported and the script exits 1.
#
# Knobs (environment): EXECS (runs per command, 200), BATCH (runs per
# turn, 20).
set -uo pipefail

TCPTOOL=${TCPTOOL:-./tcptool}
SPAWN=${SPAWN:-build/spawn}
EXECS=${EXECS:-200}
BATCH=${BATCH:-20}
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT

# words NAME: sets CMD to the command NAME stands for.
words() {
	read -ra CMD <<<"$1"
	[[ ${CMD[0]} == tcptool ]] && CMD[0]=$TCPTOOL
}

names=("tcptool --version" "tcptool --help")
missing=()
if ! command -v nc >/dev/null; then
	missing+=("nc (not installed)")
elif nc -h 2>&1 | grep -q 'OpenBSD netcat'; then
	names+=("nc -h")
else
	missing+=("nc (not OpenBSD netcat)")
fi
for c in "ncat --version" "socat -V"; do
	if command -v "${c%% *}" >/dev/null; then
		names+=("$c")
	else
		missing+=("${c%% *} (not installed)")
	fi
done

echo "tcptool $("$TCPTOOL" --version | cut -d' ' -f2)," \
	"$(nc -h 2>&1 | sed -n 's/^OpenBSD netcat (Debian patchlevel \([^)]*\)).*/nc.openbsd \1,/p')" \
	"$(socat -V 2>/dev/null | sed -n 's/^socat version \([^ ]*\).*/socat \1,/p')" \
	"$(ncat --version 2>&1 | sed -n 's/^Ncat: Version \([^ ]*\).*/ncat \1/p')"
echo "$(nproc) CPUs, $(uname -r); $EXECS execs per command, $BATCH at a time, taking turns"
((${#missing[@]})) && echo "skipped: ${missing[*]}"

errors=0
failed=()
batches=$(((EXECS + BATCH - 1) / BATCH))
for b in $(seq "$batches"); do
	n=$((EXECS - (b - 1) * BATCH < BATCH ? EXECS - (b - 1) * BATCH : BATCH))
	for i in "${!names[@]}"; do
		[[ " ${failed[*]} " == *" $i "* ]] && continue
		words "${names[i]}"
		if ! out=$("$SPAWN" loop "$n" "${CMD[@]}"); then
			echo "startup: ${names[i]} failed" >&2
			errors=$((errors + 1))
			failed+=("$i")
			continue
		fi
		awk -v p="${names[i]}|$b|" '{ print p $0 }' <<<"$out" >>"$RESULTS"
	done
done

if [[ -s $RESULTS ]]; then
	python3 - "$RESULTS" <<'EOF'
import statistics, sys
from collections import defaultdict

runs = defaultdict(lambda: defaultdict(list))
order = []
for line in open(sys.argv[1]):
    name, batch, us = line.strip().split("|")
    if name not in order:
        order.append(name)
    runs[name][batch].append(float(us) / 1000)

ours = {b: statistics.median(v) for b, v in runs.get("tcptool --version", {}).items()}
print()
print("%-18s %10s %15s %22s" % ("command", "median ms", "batch min-max", "tcptool --version/cmd"))
for name in order:
    meds = {b: statistics.median(v) for b, v in runs[name].items()}
    every = [x for v in runs[name].values() for x in v]
    ratio = ""
    if ours and not name.startswith("tcptool"):
        pairs = [ours[b] / meds[b] for b in meds if b in ours]
        ratio = "%.2fx" % statistics.median(pairs)
    print("%-18s %10.3f %15s %22s" % (name, statistics.median(every),
          "%.3f-%.3f" % (min(meds.values()), max(meds.values())), ratio))
EOF
fi
((errors == 0))
