#!/usr/bin/env bash
# make bench-smoke: every benchmark of make bench in a tiny form (one run,
# small counts), tables printed as usual.  Exits 1 only if a benchmark is
# broken: a server, relay or command failed, or a byte count was wrong;
# never because of a figure.  Peers that are not installed are skipped by
# the scripts themselves.  Takes TCPTOOL, LOADGEN, SPAWN and MINSERVER like them.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ERR=$(mktemp)
trap 'rm -f "$ERR"' EXIT
rc=0

echo "== servers.sh (RUNS=1 CONNS=200 SLOW_CONNS=50 RTTS=500 IDLE=100)"
# servers.sh reports a failed case on stderr and carries on: any line there
# but its progress is a failure.
RUNS=1 CONNS=200 SLOW_CONNS=50 RTTS=500 IDLE=100 "$HERE/servers.sh" 2>"$ERR"
status=$?
cat "$ERR" >&2
if ((status != 0)) || grep -qv '^run [0-9]* of [0-9]*$' "$ERR"; then
	echo "bench-smoke: servers.sh failed" >&2
	rc=1
fi

echo
echo "== relay.sh (RUNS=1 SIZE=16M; tcptool plain and with -i 1s too)"
if ! RUNS=1 SIZE=16M TIMEOUT=15 "$HERE/relay.sh"; then
	echo "bench-smoke: relay.sh failed" >&2
	rc=1
fi

echo
echo "== measure.sh (RUNS=1 SIZE=64M; against iperf3, nc and the relay)"
if ! RUNS=1 SIZE=64M TIMEOUT=15 "$HERE/measure.sh"; then
	echo "bench-smoke: measure.sh failed" >&2
	rc=1
fi

echo
echo "== startup.sh (EXECS=20 BATCH=10)"
if ! EXECS=20 BATCH=10 "$HERE/startup.sh"; then
	echo "bench-smoke: startup.sh failed" >&2
	rc=1
fi

echo
echo "== watch.sh (SOCKETS=200 REPORTS=2 INTERVAL=200ms)"
if ! SOCKETS=200 REPORTS=2 INTERVAL=200ms "$HERE/watch.sh"; then
	echo "bench-smoke: watch.sh failed" >&2
	rc=1
fi
exit "$rc"
