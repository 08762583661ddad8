#!/usr/bin/env bash
# make bench: relay throughput of tcptool listen/connect side by side with
# OpenBSD nc and, where installed, ncat and socat.  One connection carries
# SIZE bytes of zeros from the client's stdin to the listener's stdout:
#
#   pipe -> null   head -c SIZE /dev/zero | CLIENT   LISTENER >/dev/null
#   file -> null   CLIENT <FILE (a regular file)     LISTENER >/dev/null
#   pipe -> file   head -c SIZE /dev/zero | CLIENT   LISTENER >FILE
#
# The commands (the listener's stdin is /dev/null):
#   tcptool  tcptool -q listen -b 127.0.0.1 PORT   tcptool -q connect --half-close 127.0.0.1 PORT
#   nc       nc -l 127.0.0.1 PORT                  nc -N 127.0.0.1 PORT
#   ncat     ncat -l 127.0.0.1 PORT                ncat 127.0.0.1 PORT
#   socat    socat -u TCP-LISTEN:PORT,bind=127.0.0.1,reuseaddr -
#                                                  socat -u - TCP:127.0.0.1:PORT
#
# The cost of watching: in every case, tcptool also runs without -q twice,
# once plain and once with -i WATCH on both ends, stderr (the event and
# interval lines) to a file; they take their turns with the other tools.
#   plain    tcptool listen -b 127.0.0.1 PORT      tcptool connect --half-close 127.0.0.1 PORT
#   watched  tcptool listen -i WATCH -b ...        tcptool connect -i WATCH --half-close ...
# A watched run whose ends did not both print their "total" line counts as
# failed.  A second table sets watched against plain, run by run, with the
# interval lines each end printed (the last part-interval included).
#
# Each run starts every tool's pair afresh: the listener, then (once ss
# shows it listening) the client.  The wall time runs from the client's
# start until both have exited; GB/s is SIZE / that time, in 10^9 bytes.
# CPU time is user + sys of both processes (the listener and the client,
# not head), from wait4() in build/spawn (tests/bench/spawn.c), which runs
# each tool as its direct child; it is given per GiB (2^30 bytes).
#
# Every case runs RUNS times, the tools interleaved within each run (their
# order rotates from run to run); the table shows the median, the range,
# and tcptool's figure over the other tool's, taken run by run, then its
# median.  Byte counts: the "-> file" case checks the file's size after
# every run; before the timed runs, one untimed run per tool and source
# counts what the listener wrote through a pipe into wc -c.  A tool that
# fails or delivers a wrong count is reported and the script exits 1.
# Loopback only; the files go to a temporary folder (TMPDIR).
#
# Knobs (environment): RUNS (5), SIZE (1G; suffixes K, M, G are powers of
# 1024), TIMEOUT (seconds one transfer may take before it is killed and
# counted as failed; 60 + 1 per 50 MB), TOOLS (the peers to compare with,
# of "nc ncat socat"; installed ones only), CASES (of "pipe-null file-null
# pipe-file"), WATCH (1s: the interval of the watched runs; empty: none).
set -uo pipefail

TCPTOOL=${TCPTOOL:-./tcptool}
SPAWN=${SPAWN:-build/spawn}
RUNS=${RUNS:-5}
SIZE=${SIZE:-1G}
if ! BYTES=$(numfmt --from=iec "$SIZE" 2>/dev/null) || ((BYTES <= 0)); then
	echo "relay: SIZE=$SIZE is not a size" >&2
	exit 2
fi
TIMEOUT=${TIMEOUT:-$((60 + BYTES / 50000000))}
TOOLS=${TOOLS-nc ncat socat}
CASES=${CASES:-pipe-null file-null pipe-file}
WATCH=${WATCH-1s}
DIR=$(mktemp -d)
RESULTS=$DIR/results
ERRORS=0
PIDS=()

# shellcheck source=tests/bench/lib.sh
source "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT

# commands TOOL PORT: sets LISTENER and CLIENT.
commands() {
	local p=$2
	case $1 in
	tcptool)
		LISTENER=("$TCPTOOL" -q listen -b 127.0.0.1 "$p")
		CLIENT=("$TCPTOOL" -q connect --half-close 127.0.0.1 "$p")
		;;
	nc)
		LISTENER=(nc -l 127.0.0.1 "$p")
		CLIENT=(nc -N 127.0.0.1 "$p")
		;;
	ncat)
		LISTENER=(ncat -l 127.0.0.1 "$p")
		CLIENT=(ncat 127.0.0.1 "$p")
		;;
	socat)
		LISTENER=(socat -u "TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr" -)
		CLIENT=(socat -u - "TCP:127.0.0.1:$p")
		;;
	plain)
		LISTENER=("$TCPTOOL" listen -b 127.0.0.1 "$p")
		CLIENT=("$TCPTOOL" connect --half-close 127.0.0.1 "$p")
		;;
	watched)
		LISTENER=("$TCPTOOL" listen -i "$WATCH" -b 127.0.0.1 "$p")
		CLIENT=("$TCPTOOL" connect -i "$WATCH" --half-close 127.0.0.1 "$p")
		;;
	esac
}

fail() { # TOOL CASE WHAT
	echo "relay: $1, $2: $3" >&2
	sed 's/^/  /' "$DIR/listener.err" "$DIR/client.err" >&2 2>/dev/null
	ERRORS=$((ERRORS + 1))
}

# transfer TOOL SRC DST [RUN]: one connection, SRC pipe or file, DST null,
# file or count (untimed, through wc -c).  With RUN, records
# "CASE|TOOL|RUN|START|END|LISTENER CPU|CLIENT CPU|INTERVAL LINES" in
# $RESULTS (the lines of the listener and the client, watched runs only).
transfer() {
	local tool=$1 src=$2 dst=$3 run=${4:-} name="$2 -> $3" p lpid cpid lrc crc t0 t1 got
	local lcpu ccpu lines=
	p=$(free_port)
	commands "$tool" "$p"
	rm -f "$DIR/listener.ru" "$DIR/client.ru" "$DIR/count"
	case $dst in
	null) "$SPAWN" run -t "$TIMEOUT" "$DIR/listener.ru" "${LISTENER[@]}" </dev/null >/dev/null 2>"$DIR/listener.err" & ;;
	file) "$SPAWN" run -t "$TIMEOUT" "$DIR/listener.ru" "${LISTENER[@]}" </dev/null >"$DIR/dst" 2>"$DIR/listener.err" & ;;
	count)
		wc -c <"$DIR/fifo" >"$DIR/count" &
		PIDS+=($!)
		"$SPAWN" run -t "$TIMEOUT" "$DIR/listener.ru" "${LISTENER[@]}" </dev/null >"$DIR/fifo" 2>"$DIR/listener.err" &
		;;
	esac
	lpid=$!
	PIDS+=("$lpid")
	if ! wait_listen "$p"; then
		kill "$lpid" 2>/dev/null
		wait "$lpid"
		fail "$tool" "$name" "the listener did not start"
		return 1
	fi
	t0=$EPOCHREALTIME
	case $src in
	pipe) head -c "$BYTES" /dev/zero | "$SPAWN" run -t "$TIMEOUT" "$DIR/client.ru" "${CLIENT[@]}" >/dev/null 2>"$DIR/client.err" & ;;
	file) "$SPAWN" run -t "$TIMEOUT" "$DIR/client.ru" "${CLIENT[@]}" <"$DIR/src" >/dev/null 2>"$DIR/client.err" & ;;
	esac
	cpid=$!
	PIDS+=("$cpid")
	wait "$cpid"
	crc=$?
	wait "$lpid"
	lrc=$?
	t1=$EPOCHREALTIME
	wait # wc, head
	PIDS=()
	if ((crc != 0 || lrc != 0)); then
		fail "$tool" "$name" "exit status: listener $lrc, client $crc"
		rm -f "$DIR/dst"
		return 1
	fi
	case $dst in
	file) got=$(stat -c %s "$DIR/dst") && rm -f "$DIR/dst" ;;
	count) got=$(<"$DIR/count") ;;
	null) got=$BYTES ;;
	esac
	if [[ $got != "$BYTES" ]]; then
		fail "$tool" "$name" "the listener wrote ${got:-nothing}, not $BYTES bytes"
		return 1
	fi
	if [[ $tool == watched ]]; then
		if ! grep -q '^total ' "$DIR/listener.err" || ! grep -q '^total ' "$DIR/client.err"; then
			fail "$tool" "$name" "no interval summary (total) from both ends"
			return 1
		fi
		lines="$(grep -c '^interval ' "$DIR/listener.err") $(grep -c '^interval ' "$DIR/client.err")"
	fi
	if [[ -n $run ]]; then
		read -r lcpu < <(awk '{ print $1 + $2 }' "$DIR/listener.ru")
		read -r ccpu < <(awk '{ print $1 + $2 }' "$DIR/client.ru")
		echo "$name|$tool|$run|$t0|$t1|$lcpu|$ccpu|$lines" >>"$RESULTS"
	fi
}

tools=(tcptool)
missing=()
for t in $TOOLS; do
	if ! command -v "$t" >/dev/null; then
		missing+=("$t (not installed)")
	elif [[ $t == nc ]] && ! nc -h 2>&1 | grep -q 'OpenBSD netcat'; then
		missing+=("nc (not OpenBSD netcat)")
	elif [[ $t == nc || $t == ncat || $t == socat ]]; then
		tools+=("$t")
	else
		echo "relay: TOOLS: unknown tool '$t'" >&2
		exit 2
	fi
done
[[ -n $WATCH ]] && tools+=(plain watched)
for c in $CASES; do
	case $c in
	pipe-null | file-null | pipe-file) ;;
	*)
		echo "relay: CASES: unknown case '$c'" >&2
		exit 2
		;;
	esac
done

mkfifo "$DIR/fifo"
if ! head -c "$BYTES" /dev/zero >"$DIR/src"; then
	echo "relay: cannot write $SIZE into $DIR" >&2
	exit 1
fi

echo "tcptool $("$TCPTOOL" --version | head -1 | cut -d' ' -f2)," \
	"$(nc -h 2>&1 | sed -n 's/^OpenBSD netcat (Debian patchlevel \([^)]*\)).*/nc.openbsd \1,/p')" \
	"$(socat -V 2>/dev/null | sed -n 's/^socat version \([^ ]*\).*/socat \1,/p')" \
	"$(ncat --version 2>&1 | sed -n 's/^Ncat: Version \([^ ]*\).*/ncat \1/p')"
echo "$(nproc) CPUs, $(uname -r); $RUNS runs of $SIZE ($BYTES bytes) per case;" \
	"files on $(stat -f -c %T "$DIR")"
((${#missing[@]})) && echo "skipped: ${missing[*]}"
[[ -n $WATCH ]] && echo "watched: tcptool -i $WATCH on both ends, against plain (neither with -q)"

echo "checking the byte counts" >&2
for t in "${tools[@]}"; do
	transfer "$t" pipe count
	transfer "$t" file count
done

for run in $(seq "$RUNS"); do
	echo "run $run of $RUNS" >&2
	# Rotate the order, so that no tool always follows the same one.
	order=("${tools[@]:$(((run - 1) % ${#tools[@]}))}" "${tools[@]:0:$(((run - 1) % ${#tools[@]}))}")
	for c in $CASES; do
		for t in "${order[@]}"; do
			transfer "$t" "${c%-*}" "${c#*-}" "$run"
		done
	done
done

if [[ -s $RESULTS ]]; then
	python3 - "$RESULTS" "$BYTES" "$WATCH" <<'EOF'
import statistics, sys
from collections import defaultdict

size = int(sys.argv[2])
TOOLS = ["tcptool", "nc", "ncat", "socat"]
gbps = defaultdict(lambda: defaultdict(dict))
cpu = defaultdict(lambda: defaultdict(dict))
order = []
lines = defaultdict(list)
for line in open(sys.argv[1]):
    case, tool, run, t0, t1, lcpu, ccpu, ends = line.rstrip("\n").split("|")
    if case not in order:
        order.append(case)
    gbps[case][tool][run] = size / 1e9 / (float(t1) - float(t0))
    cpu[case][tool][run] = (float(lcpu) + float(ccpu)) / (size / 2**30)
    if ends:
        lines[case] += [int(n) for n in ends.split()]

def ratios(ours, theirs):
    return [ours[r] / theirs[r] for r in ours if r in theirs and theirs[r]]

def ratio(ours, theirs):
    pairs = ratios(ours, theirs)
    return "%.2fx" % statistics.median(pairs) if pairs else ""

print()
print("%-14s %-8s %8s %13s %10s %12s %12s" % ("case", "tool", "GB/s", "min-max", "CPU s/GiB",
      "tcptool/GB/s", "tcptool/CPU"))
for case in order:
    ours_g, ours_c = gbps[case].get("tcptool"), cpu[case].get("tcptool")
    for tool in sorted((t for t in gbps[case] if t in TOOLS), key=TOOLS.index):
        g, c = gbps[case][tool], cpu[case][tool]
        rg = rc = ""
        if ours_g and tool != "tcptool":
            rg, rc = ratio(ours_g, g), ratio(ours_c, c)
        v = list(g.values())
        print("%-14s %-8s %8.2f %13s %10.2f %12s %12s" % (case, tool, statistics.median(v),
              "%.2f-%.2f" % (min(v), max(v)), statistics.median(c.values()), rg, rc))

# The cost of watching: -i WATCH against the same commands without it.
watched = [case for case in order if "watched" in gbps[case] and "plain" in gbps[case]]
if watched:
    print()
    print("%-14s %-8s %8s %13s %10s %13s %11s %13s %9s" % ("case", "tcptool", "GB/s", "min-max",
          "CPU s/GiB", "-i/plain GB/s", "its min-max", "-i/plain CPU", "intervals"))
    for case in watched:
        for tool in ("plain", "watched"):
            g, c = gbps[case][tool], cpu[case][tool]
            rg = rr = rc = n = ""
            if tool == "watched":
                rg, rc = ratio(g, gbps[case]["plain"]), ratio(c, cpu[case]["plain"])
                pairs = ratios(g, gbps[case]["plain"])
                rr = "%.2f-%.2f" % (min(pairs), max(pairs)) if pairs else ""
                n = "%d-%d" % (min(lines[case]), max(lines[case])) if lines[case] else ""
            v = list(g.values())
            print("%-14s %-8s %8.2f %13s %10.2f %13s %11s %13s %9s" % (case,
                  tool if tool == "plain" else "-i " + sys.argv[3], statistics.median(v),
                  "%.2f-%.2f" % (min(v), max(v)), statistics.median(c.values()), rg, rr, rc, n))
EOF
fi
if ((ERRORS)); then
	echo "relay: $ERRORS transfers failed" >&2
	exit 1
fi
