#!/usr/bin/env bash
# make bench: tcptool's servers (ack, echo) side by side with a minimal
# epoll server in C (tests/bench/minserver.c, the yardstick: nothing but
# the system calls), the seeds' Python servers and, where installed, socat
# and ncat.  Every case runs RUNS times, the servers interleaved within
# each run; the table shows the median, the range, and the tcptool/peer
# ratio taken run by run, then its median.  Loopback only.
#
# The round trips run with the server and the client pinned to one CPU
# (taskset), so that each answer is a hand-over on one core, not a
# cross-CPU wake-up whose cost depends on what else the machine does; they
# run twice in each run, so the table has 2 x RUNS of them.
#
# Knobs (environment): RUNS (3), CONNS (connections per ack case, 3000),
# SLOW_CONNS (the same for socat and ncat, which fork a shell for each
# connection, 500), RTTS (echo round trips, 20000), IDLE (idle echo
# clients, 10000).
set -uo pipefail

TCPTOOL=${TCPTOOL:-./tcptool}
LOADGEN=${LOADGEN:-build/loadgen}
MINSERVER=${MINSERVER:-build/minserver}
RUNS=${RUNS:-3}
CONNS=${CONNS:-3000}
SLOW_CONNS=${SLOW_CONNS:-500}
RTTS=${RTTS:-20000}
IDLE=${IDLE:-10000}
HERE=$(cd "$(dirname "$0")" && pwd)
RESULTS=$(mktemp)
SERVER_PID=
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c 0)

stop_server() {
	[[ -n $SERVER_PID ]] || return 0
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
}
trap 'stop_server; rm -f "$RESULTS"' EXIT

# shellcheck source=tests/bench/lib.sh
source "$(dirname "$0")/lib.sh"

# The ACK servers read one message (one read of up to 1024 bytes), answer, close.
ACK_SH='dd bs=1024 count=1 status=none >/dev/null; printf ACK!'

# server_exec NAME PORT [PIN...]: becomes the server (exec), so that its pid is $!.
server_exec() {
	local name=$1 p=$2
	shift 2
	case $name in
	tcptool-ack) exec "$@" "$TCPTOOL" -q ack -b 127.0.0.1 "$p" ;;
	minimal-ack) exec "$@" "$MINSERVER" ack "$p" ;;
	python-ack) exec "$@" python3 "$HERE/seed_ack_server.py" "$p" ;;
	socat-ack) exec "$@" socat "TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr,fork,backlog=128" "SYSTEM:$ACK_SH" ;;
	ncat-ack) exec "$@" ncat -l 127.0.0.1 "$p" -k --sh-exec "$ACK_SH" ;;
	tcptool-echo) exec "$@" "$TCPTOOL" -q echo -b 127.0.0.1 --max-conns 20000 "$p" ;;
	minimal-echo) exec "$@" "$MINSERVER" echo "$p" ;;
	python-echo) exec "$@" python3 "$HERE/seed_echo_server.py" "$p" ;;
	socat-echo) exec "$@" socat "TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr,fork" PIPE ;;
	ncat-echo) exec "$@" ncat -l 127.0.0.1 "$p" -k --exec /bin/cat ;;
	esac
}

# start_server NAME PORT [PIN...]
start_server() {
	server_exec "$@" >/dev/null 2>&1 &
	SERVER_PID=$!
	wait_listen "$2"
}

# record CASE SERVER VALUE
record() {
	echo "$1 $2 $3" >>"$RESULTS"
}

# peers KIND: the servers of that kind that can run here.
peers() {
	local s out="tcptool-$1 minimal-$1 python-$1"
	for s in socat ncat; do
		command -v "$s" >/dev/null && out+=" $s-$1"
	done
	echo "$out"
}

ack_case() { # CASE CONCURRENCY SERVER
	local p out n=$CONNS
	[[ $3 == socat-* || $3 == ncat-* ]] && n=$SLOW_CONNS
	p=$(free_port)
	start_server "$3" "$p" || return
	out=$("$LOADGEN" conn 127.0.0.1 "$p" "$n" "$2" 'Hello World!' 'ACK!')
	stop_server
	if [[ $out != *" failed 0" ]]; then
		echo "bench: $3, $1: $out" >&2
		return
	fi
	record "$1" "$3" "$(awk '{ print $2 }' <<<"$out")"
}

rtt_case() { # SERVER
	local p out
	p=$(free_port)
	start_server "$1" "$p" "${PIN[@]}" || return
	out=$("${PIN[@]}" "$LOADGEN" rtt 127.0.0.1 "$p" "$RTTS" 64) || echo "bench: $1, rtt failed" >&2
	stop_server
	[[ -n $out ]] && record "echo round trip, 64 B, one CPU (us, median)" "$1" "$(awk '{ print $2 }' <<<"$out")"
}

idle_case() { # SERVER (tcptool-echo or minimal-echo)
	local p pid n=$IDLE
	p=$(free_port)
	start_server "$1" "$p" || return
	pid=$SERVER_PID
	exec 5> >("$LOADGEN" hold 127.0.0.1 "$p" "$n" >"$RESULTS.hold")
	for _ in $(seq 600); do
		grep -q '^held' "$RESULTS.hold" 2>/dev/null && break
		sleep 0.1
	done
	# The pid is the server's once exec has happened: not bash's.
	if grep -q '^held' "$RESULTS.hold" && [[ $(readlink "/proc/$pid/exe") != */bash ]]; then
		record "$n idle echo clients (RSS MiB)" "$1" \
			"$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")"
	else
		echo "bench: $1: the $n idle clients were not all served" >&2
	fi
	exec 5>&-
	stop_server
	rm -f "$RESULTS.hold"
}

hard=$(ulimit -Hn)
[[ $hard == unlimited ]] && hard=1048576
ulimit -n "$hard"
if ((hard < IDLE + 100)); then
	IDLE=$((hard - 100))
	echo "bench: the open-file limit allows $IDLE idle clients, not more" >&2
fi

echo "tcptool $("$TCPTOOL" --version | cut -d' ' -f2), $(python3 --version)," \
	"$(socat -V 2>/dev/null | sed -n 's/^socat version \([^ ]*\).*/socat \1,/p')" \
	"$(ncat --version 2>&1 | sed -n 's/^Ncat: Version \([^ ]*\).*/ncat \1/p')"
echo "$(nproc) CPUs, $(uname -r); $RUNS runs of $CONNS connections ($SLOW_CONNS for socat and ncat)," \
	"$RTTS round trips, $IDLE idle clients"
((${#PIN[@]})) || echo "taskset is not installed: round trips run unpinned"

for run in $(seq "$RUNS"); do
	echo "run $run of $RUNS" >&2
	for s in $(peers ack); do
		ack_case "ack, sequential (conn/s)" 1 "$s"
		ack_case "ack, 50 concurrent (conn/s)" 50 "$s"
	done
	# Round trips are quick and vary with what the CPU did just before: two rounds a run.
	for _ in 1 2; do
		for s in $(peers echo); do
			rtt_case "$s"
		done
	done
	idle_case tcptool-echo
	idle_case minimal-echo
done

python3 - "$RESULTS" <<'EOF'
import statistics, sys
from collections import defaultdict

runs = defaultdict(lambda: defaultdict(list))
order = []
for line in open(sys.argv[1]):
    *case, server, value = line.split()
    case = " ".join(case)
    if case not in order:
        order.append(case)
    runs[case][server].append(float(value))

print()
print("%-44s %-14s %10s %21s %16s" % ("case", "server", "median", "min-max", "tcptool/server"))
for case in order:
    servers = runs[case]
    ours = next((v for s, v in servers.items() if s.startswith("tcptool")), None)
    for server, values in servers.items():
        ratio = ""
        if ours and not server.startswith("tcptool"):
            pairs = [a / b for a, b in zip(ours, values) if b]
            if pairs:
                ratio = "%.2fx" % statistics.median(pairs)
        print("%-44s %-14s %10.1f %21s %16s" % (case, server, statistics.median(values),
              "%.1f-%.1f" % (min(values), max(values)), ratio))
EOF
