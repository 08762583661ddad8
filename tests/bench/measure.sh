#!/usr/bin/env bash
# make bench: tcptool's load generator and sink (connect --load into
# listen --discard) against iperf3, OpenBSD nc and tcptool's own relay.
# One connection on loopback carries SIZE bytes from the client to the
# listener, which drops them:
#
#   tcptool  tcptool listen --discard -b 127.0.0.1 PORT
#            tcptool connect --load BYTES 127.0.0.1 PORT
#   iperf3   iperf3 -s -1 -B 127.0.0.1 -p PORT
#            iperf3 -c 127.0.0.1 -p PORT -n BYTES -J
#   nc       nc -l 127.0.0.1 PORT >/dev/null
#            head -c BYTES /dev/zero | nc -N 127.0.0.1 PORT
#   relay    tcptool -q listen -b 127.0.0.1 PORT >/dev/null
#            head -c BYTES /dev/zero | tcptool -q connect --half-close 127.0.0.1 PORT
#
# (stdin of every listener, and of tcptool connect --load, is /dev/null.)
# Each run starts every pair afresh: the listener, then (once ss shows it
# listening) the client.  The wall time runs from the client's start until
# both have exited; GB/s is SIZE / that time, in 10^9 bytes.  CPU time is
# user + sys of both ends (not head), and the peak resident set of each end
# (VmHWM), from wait4() in build/spawn (tests/bench/spawn.c); CPU is given
# per GiB (2^30 bytes).  For iperf3 the wall time includes its control
# connection and its -J report; the CPU, its server's and its client's.
#
# Every case runs RUNS times, the tools interleaved within each run (their
# order rotates from run to run); the table shows the median, the range,
# and tcptool's figures over each other tool's, taken run by run, then
# their median.  The requirement it is read against: tcptool at least 1.5x
# iperf3's GB/s and at most 0.5x its CPU s/GiB, each end under 8 MiB RSS.
# Byte counts: tcptool's listener must report SIZE bytes received, iperf3's
# client (-J) SIZE bytes sent (its server's count stops when the client
# says it has sent all, short by what is still in the socket buffers); nc
# and the relay write to /dev/null, uncounted (relay.sh counts theirs).  A failed transfer or a
# wrong count is reported and the script exits 1; a figure never fails it.
#
# Knobs (environment): RUNS (5), SIZE (4G; suffixes K, M, G are powers of
# 1024), TIMEOUT (seconds one transfer may take; 60 + 1 per 50 MB), TOOLS
# (the peers to compare with, of "iperf3 nc relay"; installed ones only).
set -uo pipefail

TCPTOOL=${TCPTOOL:-./tcptool}
SPAWN=${SPAWN:-build/spawn}
RUNS=${RUNS:-5}
SIZE=${SIZE:-4G}
if ! BYTES=$(numfmt --from=iec "$SIZE" 2>/dev/null) || ((BYTES <= 0)); then
	echo "measure: SIZE=$SIZE is not a size" >&2
	exit 2
fi
TIMEOUT=${TIMEOUT:-$((60 + BYTES / 50000000))}
TOOLS=${TOOLS-iperf3 nc relay}
DIR=$(mktemp -d)
RESULTS=$DIR/results
ERRORS=0
PIDS=()

# shellcheck source=tests/bench/lib.sh
source "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT

# commands TOOL PORT: sets LISTENER and CLIENT; FEED: the client's stdin
# comes from head -c BYTES /dev/zero.
commands() {
	local p=$2
	FEED=
	case $1 in
	tcptool)
		LISTENER=("$TCPTOOL" listen --discard -b 127.0.0.1 "$p")
		CLIENT=("$TCPTOOL" connect --load "$BYTES" 127.0.0.1 "$p")
		;;
	iperf3)
		LISTENER=(iperf3 -s -1 -B 127.0.0.1 -p "$p")
		CLIENT=(iperf3 -c 127.0.0.1 -p "$p" -n "$BYTES" -J)
		;;
	nc)
		LISTENER=(nc -l 127.0.0.1 "$p")
		CLIENT=(nc -N 127.0.0.1 "$p")
		FEED=1
		;;
	relay)
		LISTENER=("$TCPTOOL" -q listen -b 127.0.0.1 "$p")
		CLIENT=("$TCPTOOL" -q connect --half-close 127.0.0.1 "$p")
		FEED=1
		;;
	esac
}

fail() { # TOOL WHAT
	echo "measure: $1: $2" >&2
	sed 's/^/  /' "$DIR/listener.err" "$DIR/client.err" >&2 2>/dev/null
	ERRORS=$((ERRORS + 1))
}

# transfer TOOL RUN: one connection; records "TOOL|RUN|START|END|LISTENER
# CPU|CLIENT CPU|LISTENER KiB|CLIENT KiB" in $RESULTS.
transfer() {
	local tool=$1 run=$2 p lpid cpid lrc crc t0 t1 got lcpu ccpu lrss crss
	p=$(free_port)
	commands "$tool" "$p"
	rm -f "$DIR/listener.ru" "$DIR/client.ru"
	"$SPAWN" run -t "$TIMEOUT" "$DIR/listener.ru" "${LISTENER[@]}" </dev/null >/dev/null 2>"$DIR/listener.err" &
	lpid=$!
	PIDS+=("$lpid")
	if ! wait_listen "$p"; then
		kill "$lpid" 2>/dev/null
		wait "$lpid"
		PIDS=()
		fail "$tool" "the listener did not start"
		return 1
	fi
	t0=$EPOCHREALTIME
	if [[ -n $FEED ]]; then
		head -c "$BYTES" /dev/zero | "$SPAWN" run -t "$TIMEOUT" "$DIR/client.ru" "${CLIENT[@]}" >/dev/null 2>"$DIR/client.err" &
	else
		"$SPAWN" run -t "$TIMEOUT" "$DIR/client.ru" "${CLIENT[@]}" </dev/null >"$DIR/client.out" 2>"$DIR/client.err" &
	fi
	cpid=$!
	PIDS+=("$cpid")
	wait "$cpid"
	crc=$?
	wait "$lpid"
	lrc=$?
	t1=$EPOCHREALTIME
	wait # head
	PIDS=()
	if ((crc != 0 || lrc != 0)); then
		fail "$tool" "exit status: listener $lrc, client $crc"
		return 1
	fi
	case $tool in
	tcptool) got=$(sed -n 's/^closed .*: \([0-9]*\) bytes in, .*/\1/p' "$DIR/listener.err") ;;
	iperf3) got=$(python3 -c 'import json, sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_sent"]["bytes"]))' "$DIR/client.out" 2>/dev/null) ;;
	*) got=$BYTES ;;
	esac
	if [[ $got != "$BYTES" ]]; then
		fail "$tool" "the listener got ${got:-no count}, not $BYTES bytes"
		return 1
	fi
	read -r lcpu lrss < <(awk '{ print $1 + $2, $3 }' "$DIR/listener.ru")
	read -r ccpu crss < <(awk '{ print $1 + $2, $3 }' "$DIR/client.ru")
	echo "$tool|$run|$t0|$t1|$lcpu|$ccpu|$lrss|$crss" >>"$RESULTS"
}

tools=(tcptool)
missing=()
for t in $TOOLS; do
	if [[ $t != iperf3 && $t != nc && $t != relay ]]; then
		echo "measure: TOOLS: unknown tool '$t'" >&2
		exit 2
	elif [[ $t != relay ]] && ! command -v "$t" >/dev/null; then
		missing+=("$t (not installed)")
	elif [[ $t == nc ]] && ! nc -h 2>&1 | grep -q 'OpenBSD netcat'; then
		missing+=("nc (not OpenBSD netcat)")
	else
		tools+=("$t")
	fi
done

echo "tcptool $("$TCPTOOL" --version | head -1 | cut -d' ' -f2)," \
	"$(iperf3 --version 2>/dev/null | sed -n '1s/^iperf \([^ ]*\).*/iperf3 \1,/p')" \
	"$(nc -h 2>&1 | sed -n 's/^OpenBSD netcat (Debian patchlevel \([^)]*\)).*/nc.openbsd \1/p')"
echo "$(nproc) CPUs, $(uname -r); $RUNS runs of $SIZE ($BYTES bytes) per tool"
((${#missing[@]})) && echo "skipped: ${missing[*]}"

for run in $(seq "$RUNS"); do
	echo "run $run of $RUNS" >&2
	# Rotate the order, so that no tool always follows the same one.
	order=("${tools[@]:$(((run - 1) % ${#tools[@]}))}" "${tools[@]:0:$(((run - 1) % ${#tools[@]}))}")
	for t in "${order[@]}"; do
		transfer "$t" "$run"
	done
done

if [[ -s $RESULTS ]]; then
	python3 - "$RESULTS" "$BYTES" <<'EOF'
import statistics, sys
from collections import defaultdict

size = int(sys.argv[2])
TOOLS = ["tcptool", "iperf3", "nc", "relay"]
NAMES = {"tcptool": "tcptool --load/--discard", "iperf3": "iperf3 -c/-s",
         "nc": "head | nc -N / nc -l", "relay": "head | tcptool relay"}
gbps, cpu, lrss, crss = (defaultdict(dict) for _ in range(4))
for line in open(sys.argv[1]):
    tool, run, t0, t1, lcpu, ccpu, lkib, ckib = line.rstrip("\n").split("|")
    gbps[tool][run] = size / 1e9 / (float(t1) - float(t0))
    cpu[tool][run] = (float(lcpu) + float(ccpu)) / (size / 2**30)
    lrss[tool][run], crss[tool][run] = int(lkib) / 1024, int(ckib) / 1024

def ratio(ours, theirs):
    pairs = [ours[r] / theirs[r] for r in ours if r in theirs and theirs[r]]
    return "%.2fx" % statistics.median(pairs) if pairs else ""

med = statistics.median
print()
print("%-25s %6s %11s %9s %11s %12s %12s %12s" % ("tool (client -> listener)", "GB/s", "min-max",
      "CPU s/GiB", "min-max", "RSS MiB l/c", "tcptool/GB/s", "tcptool/CPU"))
for tool in (t for t in TOOLS if t in gbps):
    g, c = gbps[tool], cpu[tool]
    rg = rc = ""
    if "tcptool" in gbps and tool != "tcptool":
        rg, rc = ratio(gbps["tcptool"], g), ratio(cpu["tcptool"], c)
    print("%-25s %6.2f %11s %9.3f %11s %12s %12s %12s" % (NAMES[tool], med(g.values()),
          "%.2f-%.2f" % (min(g.values()), max(g.values())), med(c.values()),
          "%.3f-%.3f" % (min(c.values()), max(c.values())),
          "%.1f/%.1f" % (max(lrss[tool].values()), max(crss[tool].values())), rg, rc))
print("(RSS: the largest peak over the runs, of the listener / the client)")
EOF
fi
if ((ERRORS)); then
	echo "measure: $ERRORS transfers failed" >&2
	exit 1
fi
