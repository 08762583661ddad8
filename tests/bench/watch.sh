#!/usr/bin/env bash
# make bench: what `tcptool info --watch` costs on a busy host.  SOCKETS
# established loopback sockets (SOCKETS/2 connections that build/loadgen
# holds open to build/minserver echo, both ends listed) are watched every
# INTERVAL for REPORTS reports after the baseline, filtered with --port to
# the server's port, so that the watch lists exactly these sockets:
#
#   tcptool info --watch INTERVAL -c REPORTS --port PORT [--json] [-v]
#
# The held connections carry nothing, so every socket is idle: without -v
# a report is its header and one line for the idle ones ("idle" in the
# JSON header), with -v (modes human-v, json-v) a line per socket.  The
# output goes through a pipe to awk, which checks every report: a header
# naming SOCKETS sockets (none new, none closed), then SOCKETS idle, or
# with -v a line per socket.  CPU time is user + sys of tcptool alone, from wait4() in
# build/spawn (tests/bench/spawn.c); wall time runs from the start to the
# exit.  The table shows CPU % of one core (CPU time over wall time) and
# the CPU time of one report.  A watch that fails, or reports other than
# the sockets held, is reported and the script exits 1.  Loopback only.
#
# Knobs (environment): SOCKETS (10000), REPORTS (20), INTERVAL (1s),
# MODES (of "human json human-v json-v").
set -uo pipefail

TCPTOOL=${TCPTOOL:-./tcptool}
SPAWN=${SPAWN:-build/spawn}
LOADGEN=${LOADGEN:-build/loadgen}
MINSERVER=${MINSERVER:-build/minserver}
SOCKETS=${SOCKETS:-10000}
REPORTS=${REPORTS:-20}
INTERVAL=${INTERVAL:-1s}
MODES=${MODES:-human json human-v json-v}
DIR=$(mktemp -d)
SERVER_PID=

cleanup() {
	exec 5>&-
	if [[ -n $SERVER_PID ]]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	rm -rf "$DIR"
}
trap cleanup EXIT

# shellcheck source=tests/bench/lib.sh
source "$(dirname "$0")/lib.sh"

hard=$(ulimit -Hn)
[[ $hard == unlimited ]] && hard=1048576
ulimit -n "$hard"
conns=$((SOCKETS / 2))
# Each process holds one end of every connection, and a few files more.
if ((hard < conns + 100)); then
	conns=$((hard - 100))
	echo "bench: the open-file limit allows $conns connections, not more" >&2
fi
SOCKETS=$((conns * 2))

p=$(free_port)
"$MINSERVER" echo "$p" & SERVER_PID=$!
wait_listen "$p" || exit 1
exec 5> >("$LOADGEN" hold 127.0.0.1 "$p" "$conns" >"$DIR/hold")
for _ in $(seq 600); do
	grep -q '^held' "$DIR/hold" 2>/dev/null && break
	sleep 0.1
done
if ! grep -q '^held' "$DIR/hold"; then
	echo "bench: the $conns connections were not all held" >&2
	exit 1
fi

echo "tcptool $("$TCPTOOL" --version | head -1 | cut -d' ' -f2); $(nproc) CPUs, $(uname -r)"
echo "info --watch $INTERVAL -c $REPORTS --port PORT over $SOCKETS established loopback sockets"
printf '%-8s %12s %16s %12s\n' "output" "CPU % (1 core)" "CPU ms a report" "wall s"

errors=0
for mode in $MODES; do
	args=(info --watch "$INTERVAL" -c "$REPORTS" --port "$p")
	is_json=0 every=0
	[[ $mode == json* ]] && args+=(--json) && is_json=1
	[[ $mode == *-v ]] && args+=(-v) && every=1
	t0=$(date +%s%N)
	"$SPAWN" run -t $((REPORTS * 10 + 60)) "$DIR/ru" "$TCPTOOL" "${args[@]}" 2>"$DIR/err" |
		awk -v want="$SOCKETS" -v json="$is_json" -v every="$every" '
			# A report: its header, then one line per socket, or with
			# every socket idle and no -v, none and the idle count.
			function check() {
				if (reports == 0) return
				if (lines != (every ? want : 0)) bad = bad " report " reports " had " lines " socket lines;"
				if (!every && idle != want) bad = bad " report " reports " had " idle " idle;"
			}
			function header(n, opened, closed) {
				check()
				if (n != want || opened != 0 || closed != 0) bad = bad " header: " $0 ";"
				reports++; lines = 0; idle = 0
			}
			json && /"event":"watch"/ && /"baseline":false/ {
				match($0, /"sockets":[0-9]+/); n = substr($0, RSTART + 10, RLENGTH - 10)
				match($0, /"opened":[0-9]+/); o = substr($0, RSTART + 9, RLENGTH - 9)
				match($0, /"closed":[0-9]+/); c = substr($0, RSTART + 9, RLENGTH - 9)
				header(n, o, c)
				match($0, /"idle":[0-9]+/); idle = substr($0, RSTART + 7, RLENGTH - 7)
				next
			}
			json && /"event":"interval"/ { lines++; next }
			!json && / sockets?, [0-9]+ new, [0-9]+ closed$/ { header($2, $4, $6); next }
			!json && /^         [0-9]+ sockets? idle \(not shown/ { idle = $1; next }
			!json && /^         [^ ]/ { lines++ }
			END {
				check()
				print reports, bad
			}' >"$DIR/check"
	status=${PIPESTATUS[0]}
	t1=$(date +%s%N)
	read -r reports bad <"$DIR/check"
	if ((status != 0)) || [[ -s $DIR/err || -n $bad || $reports != "$REPORTS" ]]; then
		echo "bench: info --watch ($mode) failed: exit $status, $reports reports;$bad $(head -c 300 "$DIR/err")" >&2
		errors=$((errors + 1))
		continue
	fi
	read -r user sys <"$DIR/ru"
	awk -v u="$user" -v s="$sys" -v ns="$((t1 - t0))" -v r="$REPORTS" -v m="$mode" 'BEGIN {
		wall = ns / 1e9
		printf "%-8s %12.1f %16.1f %12.1f\n", m, (u + s) / wall * 100, (u + s) * 1000 / (r + 1), wall }'
done
((errors == 0))
