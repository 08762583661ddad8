#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# tcptool connect -z (one handshake per port of a range or list) and -c
# (ping-style repeated handshakes) against real sockets on loopback:
# tcptool echo servers, refused ports, a listener whose full accept queue
# drops SYNs, and network namespaces of our own for what loopback cannot
# show (lo down, SYNs that vanish, a private /etc/hosts).

setup() {
	load helpers/common
	_common_setup
}

teardown() {
	_common_teardown
}

HS='[0-9]+\.[0-9]{3} ms' # a handshake or elapsed time
HS_NUM='[0-9]+\.[0-9]{3}' # the same without its unit
REFUSED="refused after $HS \(nothing listens there: the peer answered the SYN with RST\)"

# echo_server [ADDR]: a tcptool echo server on ADDR (default 127.0.0.1)
# port 0 as "s"; sets $port.  It logs each connection on stdout.
echo_server() {
	start_server s echo -b "${1:-127.0.0.1}" 0
}

# listens PORT: true when something listens on PORT, on any address.
listens() {
	[[ -n $(ss -Htln "sport = :$1") ]]
}

# need_closed PORT...: skips the test when one of the ports has a listener
# (another program's), since the test needs them refused.
need_closed() {
	local p
	for p in "$@"; do
		! listens "$p" || skip "port $p has a listener of another program"
	done
}

# connections: how many connections the echo server "s" has logged.
connections() {
	grep -cE '^connection from ' "$(D s.out)" || true
}

# need_ipv6: skips unless ::1 can be bound.
need_ipv6() {
	python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null ||
		skip "no IPv6 loopback"
}

# A network namespace where SYNs to 10.9.9.2 go out and are never answered:
# a veth pair, 10.9.9.1/24 on one end and a permanent neighbour entry for
# 10.9.9.2 with a MAC address nobody has, so the other end drops every frame.
# What follows in the script runs with $1 = tcptool.
BLACKHOLE='set -e
ip link set lo up
ip link add bh0 type veth peer name bh1
ip addr add 10.9.9.1/24 dev bh0
ip link set bh0 up
ip link set bh1 up
ip neigh replace 10.9.9.2 lladdr 02:00:00:00:00:01 dev bh0 nud permanent
set +e
'

# need_blackhole: need_netns, and a veth pair can be made in it.
need_blackhole() {
	need_netns
	"${NETNS[@]}" ip link add t0 type veth peer name t1 2>/dev/null ||
		skip "no veth pairs here"
}

# in_blackhole OUT SCRIPT [ARGS...]: runs the bash SCRIPT in such a
# namespace, bounded, with $0 = tcptool, $1... = ARGS and $OUT = OUT (a file
# for tcptool's output).
in_blackhole() {
	local out=$1 script=$2
	shift 2
	timeout -k 1 20 env OUT="$out" "${NETNS[@]}" bash -c "$BLACKHOLE$script" "$TCPTOOL" "$@"
}

# A script for in_blackhole: runs "tcptool ARGS" (stdout to $OUT) while
# sampling how many sockets are in SYN-SENT, and prints
# "status STATUS max MAX" at the end.
# shellcheck disable=SC2016 # for the inner shell
SAMPLE_SYN_SENT='"$0" "$@" >"$OUT" 2>&1 &
pid=$!
max=0
for _ in $(seq 2000); do
	kill -0 "$pid" 2>/dev/null || break
	n=$(ss -Htn state syn-sent | wc -l)
	((n > max)) && max=$n
done
wait "$pid"
echo "status $? max $max"
'

# --- -z: one port, ranges, lists --------------------------------------------------------

@test "-z on one open port: one line, no summary, exit 0; the server saw the handshake" {
	echo_server
	run -0 --separate-stderr tt connect -z 127.0.0.1 "$port"
	assert_regex "$output" "^127\.0\.0\.1:$port open: handshake in $HS\$"
	assert_equal "${#lines[@]}" 1
	assert_equal "$stderr" ""
	wait_for_line s.out "^connection from 127\.0\.0\.1:[0-9]+ to 127\.0\.0\.1:$port\$"
	run -0 connections
	assert_output 1
}

@test "-z on a range around an open port: port order, open and refused, a summary, exit 1" {
	echo_server
	local p=$port
	need_closed $((p - 2)) $((p - 1)) $((p + 1)) $((p + 2))
	run -1 --separate-stderr tt connect -z 127.0.0.1 "$((p - 2))-$((p + 2))"
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 6
	assert_regex "${lines[0]}" "^127\.0\.0\.1:$((p - 2)) $REFUSED\$"
	assert_regex "${lines[1]}" "^127\.0\.0\.1:$((p - 1)) $REFUSED\$"
	assert_regex "${lines[2]}" "^127\.0\.0\.1:$p open: handshake in $HS\$"
	assert_regex "${lines[3]}" "^127\.0\.0\.1:$((p + 1)) $REFUSED\$"
	assert_regex "${lines[4]}" "^127\.0\.0\.1:$((p + 2)) $REFUSED\$"
	assert_equal "${lines[5]}" "5 ports: 1 open, 4 refused"
	wait_for_line s.out "^connection from 127\.0\.0\.1:[0-9]+ to 127\.0\.0\.1:$p\$"
}

@test "-z on a range of closed ports found with free_port: every one refused" {
	local f
	f=$(free_port)
	need_closed "$f" $((f + 1)) $((f + 2))
	run -1 --separate-stderr tt connect -z 127.0.0.1 "$f-$((f + 2))"
	assert_equal "${#lines[@]}" 4
	assert_regex "${lines[0]}" "^127\.0\.0\.1:$f $REFUSED\$"
	assert_regex "${lines[1]}" "^127\.0\.0\.1:$((f + 1)) $REFUSED\$"
	assert_regex "${lines[2]}" "^127\.0\.0\.1:$((f + 2)) $REFUSED\$"
	assert_equal "${lines[3]}" "3 ports: 0 open, 3 refused"
}

@test "-z on lists: given in any order, probed and printed in increasing order, duplicates once" {
	echo_server
	local p=$port c1 c2
	c1=$(free_port)
	c2=$(free_port)
	[[ $c1 != "$c2" && $c1 != "$p" && $c2 != "$p" ]] || skip "free_port gave the same port twice"
	need_closed "$c1" "$c2"
	local lo=$((c1 < c2 ? c1 : c2)) hi=$((c1 < c2 ? c2 : c1))

	# A list of two, highest first.
	run -1 --separate-stderr tt connect -z 127.0.0.1 "$hi,$lo"
	assert_equal "${#lines[@]}" 3
	assert_regex "${lines[0]}" "^127\.0\.0\.1:$lo $REFUSED\$"
	assert_regex "${lines[1]}" "^127\.0\.0\.1:$hi $REFUSED\$"
	assert_equal "${lines[2]}" "2 ports: 0 open, 2 refused"

	# The same port twice is one probe: the server sees one connection.
	run -0 --separate-stderr tt connect -z 127.0.0.1 "$p,$p"
	assert_equal "$(grep -c ' open: handshake in ' <<<"$output")" 1
	wait_for_line s.out "^connection from "
	run -0 connections
	assert_output 1

	# A list, a range and duplicates mixed: the open port, the two closed
	# ones, and the neighbours of the open one.
	need_closed $((p - 1)) $((p + 1))
	run -1 --separate-stderr tt connect -z 127.0.0.1 "$hi,$((p - 1))-$((p + 1)),$lo,$p,$hi"
	assert_equal "$stderr" ""
	local want=("$lo" "$hi" $((p - 1)) "$p" $((p + 1)))
	mapfile -t want < <(printf '%s\n' "${want[@]}" | sort -n | uniq)
	assert_equal "${#lines[@]}" $((${#want[@]} + 1))
	local i
	for i in "${!want[@]}"; do
		if ((want[i] == p)); then
			assert_regex "${lines[i]}" "^127\.0\.0\.1:$p open: handshake in $HS\$"
		else
			assert_regex "${lines[i]}" "^127\.0\.0\.1:${want[i]} $REFUSED\$"
		fi
	done
	assert_equal "${lines[-1]}" "${#want[@]} ports: 1 open, $((${#want[@]} - 1)) refused"
	wait_for_count s.out '^connection from ' 2
	run -0 connections
	assert_output 2
}

@test "-z with a service name in a list that names its port too: probed once" {
	getent services ssh >/dev/null || skip "needs ssh in /etc/services (package netbase)"
	local c
	c=$(free_port)
	need_closed "$c"
	# Port 22 may be open or not here: either way it gets one line.
	run --separate-stderr tt connect -z 127.0.0.1 "$c,ssh,22"
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 3
	assert_regex "${lines[0]}" "^127\.0\.0\.1:22 (open: handshake in $HS|$REFUSED)\$"
	assert_regex "${lines[1]}" "^127\.0\.0\.1:$c $REFUSED\$"
	assert_regex "${lines[2]}" "^2 ports: [01] open, [12] refused\$"
}

# --- many ports, and the bound on handshakes in flight --------------------------------

# free_window: the first of 2000 ports (from 20000 up) with no listener on
# any address, so that every port of it is refused on 127.0.0.2.
free_window() {
	local base listening
	listening=$(ss -Htln | awk '{ n = split($4, a, ":"); print a[n] }' | sort -n | uniq)
	for base in 20000 22000 24000 26000 28000 30000; do
		if ! awk -v b="$base" '$1 >= b && $1 < b + 2000 { found = 1 } END { exit !found }' <<<"$listening"; then
			echo "$base"
			return 0
		fi
	done
	return 1
}

# check_all_refused FILE ADDR BASE COUNT: FILE holds exactly one refused
# line per port, BASE up, in order, then the summary.
check_all_refused() {
	awk -v b="$3" -v n="$4" -v a="$2" '
		NR <= n && index($0, a ":" (b + NR - 1) " refused after ") != 1 { print "line " NR ": " $0; bad = 1; exit }
		NR <= n && $0 !~ / refused after [0-9]+\.[0-9][0-9][0-9] ms \(nothing listens there/ { print "line " NR ": " $0; bad = 1; exit }
		NR == n + 1 && $0 != n " ports: 0 open, " n " refused" { print "summary: " $0; bad = 1; exit }
		END { if (!bad && NR != n + 1) { print NR " lines, not " n + 1; exit 1 } exit bad }' "$1"
}

@test "-z on 2000 closed ports of 127.0.0.2: one line per port, in order, then the summary" {
	local base
	base=$(free_window) || skip "no 2000 ports without a listener"
	run -1 --separate-stderr tt connect -z 127.0.0.2 "$base-$((base + 1999))"
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$(D out)"
	run -0 check_all_refused "$(D out)" 127.0.0.2 "$base" 2000
}

@test "-z under ulimit -n 40 and 8: the same 2000 lines in order, no EMFILE" {
	skip_under_valgrind "valgrind takes descriptors of its own from a tiny ulimit -n"
	local base n
	base=$(free_window) || skip "no 2000 ports without a listener"
	for n in 40 8; do
		# shellcheck disable=SC2016 # $0, $1 and $2 belong to the inner shell
		run -1 --separate-stderr timeout 10 bash -c 'ulimit -n "$2" && exec "$0" connect -z 127.0.0.2 "$1"' \
			"$TCPTOOL" "$base-$((base + 1999))" "$n"
		assert_equal "$stderr" ""
		refute_output --partial "Too many open files"
		printf '%s\n' "$output" >"$(D "out$n")"
		run -0 check_all_refused "$(D "out$n")" 127.0.0.2 "$base" 2000
	done
}

@test "-z keeps at most 128 handshakes in flight, and fewer under ulimit -n 40 (SYNs that vanish)" {
	need_blackhole
	# 200 ports whose SYNs get no answer: 128 wait 500 ms, then the other 72.
	run -0 --separate-stderr in_blackhole "$(D out)" "$SAMPLE_SYN_SENT" \
		connect -z -w 500ms 10.9.9.2 1-200
	assert_output "status 1 max 128"
	run -0 grep -c '^10\.9\.9\.2:[0-9]* timed out after 500 ms (the SYN got no answer)$' "$(D out)"
	assert_output 200
	assert_equal "$(tail -n 1 "$(D out)")" "200 ports: 0 open, 200 timed out"
	assert_equal "$(head -n 1 "$(D out)" | cut -d' ' -f1)" "10.9.9.2:1"
	assert_equal "$(sed -n 200p "$(D out)" | cut -d' ' -f1)" "10.9.9.2:200"

	# 40 descriptors, 3 of them stdio: never 40 handshakes at once.
	run -0 --separate-stderr in_blackhole "$(D out40)" "ulimit -n 40; $SAMPLE_SYN_SENT" \
		connect -z -w 300ms 10.9.9.2 1-60
	[[ $output =~ ^status\ 1\ max\ ([0-9]+)$ ]] || fail "$output"
	local max=${BASH_REMATCH[1]}
	((max >= 1 && max < 40)) || fail "$max handshakes at once under ulimit -n 40"
	run -0 grep -c ' timed out after 300 ms (the SYN got no answer)$' "$(D out40)"
	assert_output 60
	assert_equal "$(tail -n 1 "$(D out40)")" "60 ports: 0 open, 60 timed out"
}

@test "-z interrupted while every handshake is in flight: the summary says so, exit 1" {
	need_blackhole
	# shellcheck disable=SC2016 # for the inner shell
	run -0 --separate-stderr in_blackhole "$(D out)" '
		"$0" "$@" >"$OUT" 2>&1 &
		pid=$!
		for _ in $(seq 400); do
			(($(ss -Htn state syn-sent | wc -l) >= 128)) && break
			sleep 0.02
		done
		kill -INT "$pid"
		wait "$pid"
		echo "status $?"' --json connect -z -w 20s 10.9.9.2 1-300
	assert_output "status 1"
	json_check "$(D out)" \
		'list(ev) == ["probe_summary"]' \
		'ev["probe_summary"][0]["interrupted"] is True' \
		'ev["probe_summary"][0]["ports"] == 300' \
		'ev["probe_summary"][0]["sent"] == 0'
}

@test "-z interrupted: every probe the summary counts has its line" {
	start_full_listener
	local p=$port
	need_closed $((p - 1)) $((p + 1)) $((p + 2)) $((p + 3))
	# Port p drops SYNs; the ports around it are refused at once.  The line
	# of p - 1 goes out at once, those after p wait for p, in port order.
	start_bg z "$TCPTOOL" --json connect -z -w 20s 127.0.0.1 "$((p - 1))-$((p + 3))"
	wait_for_line z.out "\"port\":$((p - 1)),.*\"result\":\"refused\""
	kill -INT "$(bg_pid z)"
	assert_bg_exit z 1
	json_check "$(D z.out)" \
		'ev["probe_summary"][0]["interrupted"] is True' \
		'ev["probe_summary"][0]["ports"] == 5' \
		'1 <= ev["probe_summary"][0]["refused"] == ev["probe_summary"][0]["sent"]' \
		'len(ev.get("probe", [])) == ev["probe_summary"][0]["sent"]'
}

# --- -z failures: timed out, unreachable ----------------------------------------------

@test "-z -w 300ms to a port whose accept queue is full: timed out, exit 1" {
	start_full_listener
	local p=$port
	run -1 --separate-stderr tt connect -z -w 300ms 127.0.0.1 "$p"
	assert_output "127.0.0.1:$p timed out after 300 ms (the SYN got no answer)"
	assert_equal "$stderr" ""

	run -1 --separate-stderr tt --json connect -z -w 300ms 127.0.0.1 "$p"
	printf '%s\n' "$output" >"$(D events)"
	json_check "$(D events)" \
		"ev['probe'][0]['port'] == $p" \
		"ev['probe'][0]['peer'] == '127.0.0.1:$p'" \
		'ev["probe"][0]["result"] == "timeout"' \
		'ev["probe"][0]["error"] == "Connection timed out"' \
		'ev["probe"][0]["elapsed_ms"] >= 299' \
		'"handshake_ms" not in ev["probe"][0]' \
		'ev["probe_summary"][0]["timeout"] == 1' \
		'ev["probe_summary"][0]["failed"] == 1' \
		'"min_ms" not in ev["probe_summary"][0]'

	# With its closed neighbours: each kind in the summary.
	need_closed $((p - 1)) $((p + 1))
	run -1 --separate-stderr tt connect -z -w 300ms 127.0.0.1 "$((p - 1))-$((p + 1))"
	assert_regex "${lines[0]}" "^127\.0\.0\.1:$((p - 1)) $REFUSED\$"
	assert_equal "${lines[1]}" "127.0.0.1:$p timed out after 300 ms (the SYN got no answer)"
	assert_regex "${lines[2]}" "^127\.0\.0\.1:$((p + 1)) $REFUSED\$"
	assert_equal "${lines[3]}" "3 ports: 0 open, 2 refused, 1 timed out"
	assert_equal "${#lines[@]}" 4
}

# With source port = destination port and nothing listening, the SYN meets
# itself: a TCP simultaneous open connects the socket to itself.  That is
# no server: nothing listens on the port.  Without -p the same happens by
# chance when -z sweeps the ephemeral range (32768-60999) of 127.0.0.1.
@test "a self-connect is not a listener: -z -p P and -c -p P to port P with nothing listening, exit 1" {
	local sp
	sp=$(free_port)
	need_closed "$sp"
	run --separate-stderr tt connect -z -p "$sp" 127.0.0.1 "$sp"
	refute_output --partial " open: "
	assert_equal "$status" 1
	sp=$(free_port)
	need_closed "$sp"
	run --separate-stderr tt connect -c 1 -p "$sp" 127.0.0.1 "$sp"
	refute_output --partial "probe 1: connected to 127.0.0.1:$sp from 127.0.0.1:$sp "
	assert_equal "$status" 1
}

@test "unreachable: with lo down in a namespace of our own, connect() fails with ENETUNREACH" {
	need_netns
	# What the kernel says there, checked first without tcptool.
	run -0 timeout 10 "${NETNS[@]}" python3 -c '
import errno, socket
s = socket.socket()
try:
    s.connect(("127.0.0.1", 80))
except OSError as e:
    print(errno.errorcode[e.errno])'
	assert_output ENETUNREACH

	run -1 --separate-stderr timeout 10 "${NETNS[@]}" "$TCPTOOL" connect -z 127.0.0.1 80,81
	assert_regex "${lines[0]}" "^127\.0\.0\.1:80 unreachable after $HS \(no route to that network\)\$"
	assert_regex "${lines[1]}" "^127\.0\.0\.1:81 unreachable after $HS \(no route to that network\)\$"
	assert_equal "${lines[2]}" "2 ports: 0 open, 2 unreachable"
	assert_equal "$stderr" ""

	run -1 --separate-stderr timeout 10 "${NETNS[@]}" "$TCPTOOL" --json connect -c 2 -i 10ms 127.0.0.1 80
	printf '%s\n' "$output" >"$(D events)"
	json_check "$(D events)" \
		'[p["result"] for p in ev["probe"]] == ["unreachable", "unreachable"]' \
		'all(p["error"] == "Network is unreachable" for p in ev["probe"])' \
		'ev["probe_summary"][0]["unreachable"] == 2' \
		'ev["probe_summary"][0]["succeeded"] == 0'
}

# --- -c: ping-style ---------------------------------------------------------------------

@test "-c 3 -i 100ms to an open port: three probes from three local ports, the summary, exit 0" {
	echo_server
	local p=$port
	run -0 --separate-stderr tt connect -c 3 -i 100ms 127.0.0.1 "$p"
	assert_equal "$stderr" ""
	# Three probes, two summary lines, the percentiles, eight bins of the histogram.
	assert_equal "${#lines[@]}" 14
	assert_regex "${lines[5]}" "^handshake p50/p90/p99 = $HS_NUM/$HS_NUM/$HS_NUM ms, jitter $HS_NUM ms\$"
	local k lport locals=()
	for k in 1 2 3; do
		assert_regex "${lines[k - 1]}" "^probe $k: connected to 127\.0\.0\.1:$p from 127\.0\.0\.1:[0-9]+ in $HS\$"
		lport=${lines[k - 1]#* from 127.0.0.1:}
		locals+=("${lport%% *}")
	done
	assert_equal "$(printf '%s\n' "${locals[@]}" | sort -u | wc -l)" 3
	assert_equal "${lines[3]}" "--- 127.0.0.1:$p: 3 handshakes, 3 connected, 0 failed (0%)"
	[[ ${lines[4]} =~ ^handshake\ min/avg/max/mdev\ =\ ([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+)\ ms$ ]] ||
		fail "summary: ${lines[4]}"
	python3 -c 'import sys; a, b, c, d = map(float, sys.argv[1:]); assert a <= b <= c and 0 <= d <= (c - a) / 2 + 0.0015, sys.argv' \
		"${BASH_REMATCH[@]:1}"
	# Each probe's local port is the server's peer.
	wait_for_count s.out '^connection from ' 3
	for lport in "${locals[@]}"; do
		grep -q "^connection from 127\.0\.0\.1:$lport to " "$(D s.out)" || fail "no connection from $lport: $(cat "$(D s.out)")"
	done
}

@test "-c 2 to a closed port: failures by kind, no handshake completed, exit 1" {
	local c
	c=$(free_port)
	need_closed "$c"
	run -1 --separate-stderr tt connect -c 2 -i 10ms 127.0.0.1 "$c"
	assert_equal "${#lines[@]}" 5
	assert_regex "${lines[0]}" "^probe 1: 127\.0\.0\.1:$c $REFUSED\$"
	assert_regex "${lines[1]}" "^probe 2: 127\.0\.0\.1:$c $REFUSED\$"
	assert_equal "${lines[2]}" "--- 127.0.0.1:$c: 2 handshakes, 0 connected, 2 failed (100%): 2 refused"
	assert_equal "${lines[3]}" "no handshake completed"
	assert_regex "${lines[4]}" "^longest outage: 2 probes in a row, $HS\$"

	run -1 --separate-stderr tt --json connect -c 2 -i 10ms 127.0.0.1 "$c"
	printf '%s\n' "$output" >"$(D events)"
	json_check "$(D events)" \
		'[p["seq"] for p in ev["probe"]] == [1, 2]' \
		'all(p["result"] == "refused" and p["error"] == "Connection refused" for p in ev["probe"])' \
		'all("local" not in p and "handshake_ms" not in p and "elapsed_ms" in p for p in ev["probe"])' \
		'ev["probe_summary"][0]["refused"] == 2' \
		'ev["probe_summary"][0]["sent"] == 2' \
		'ev["probe_summary"][0]["failed"] == 2' \
		'ev["probe_summary"][0]["succeeded"] == 0' \
		'"min_ms" not in ev["probe_summary"][0]' \
		'"avg_ms" not in ev["probe_summary"][0]' \
		'"mdev_ms" not in ev["probe_summary"][0]' \
		'ev["probe_summary"][0]["loss_pct"] == 100' \
		'ev["probe_summary"][0]["longest_outage"] == 2' \
		'"probe_bin" not in ev'
}

@test "-c 2 -w 200ms to a full accept queue: timed out twice, exit 1" {
	start_full_listener
	run -1 --separate-stderr tt connect -c 2 -i 10ms -w 200ms 127.0.0.1 "$port"
	assert_equal "${lines[0]}" "probe 1: 127.0.0.1:$port timed out after 200 ms (the SYN got no answer)"
	assert_equal "${lines[1]}" "probe 2: 127.0.0.1:$port timed out after 200 ms (the SYN got no answer)"
	assert_equal "${lines[2]}" "--- 127.0.0.1:$port: 2 handshakes, 0 connected, 2 failed (100%): 2 timed out"
	assert_equal "${lines[3]}" "no handshake completed"
}

# interrupt_count SIGNAL: -c 0 to $port until SIGNAL, after probe 2.  A
# background job of a non-interactive shell starts with SIGINT ignored;
# tcptool must catch it all the same (SigCgt holds SIGINT and SIGTERM).
interrupt_count() {
	start_bg c "$TCPTOOL" connect -c 0 -i 50ms 127.0.0.1 "$port"
	wait_for_line c.out '^probe 2: '
	local caught
	caught=$(awk '$1 == "SigCgt:" { print $2 }' "/proc/$(bg_pid c)/status")
	(((16#$caught & 0x4002) == 0x4002)) || fail "SIGINT and SIGTERM are not caught: SigCgt $caught"
	kill "-$1" "$(bg_pid c)"
}

@test "-c 0 runs until SIGINT, then the summary says (interrupted); exit 0 when all connected" {
	echo_server
	local p=$port
	interrupt_count INT
	assert_bg_exit c 0
	local n
	n=$(grep -c '^probe [0-9]*: connected to ' "$(D c.out)")
	((n >= 2)) || fail "$(cat "$(D c.out)")"
	# The probes are numbered 1..n, and the summary counts them.
	run -0 grep -oE '^probe [0-9]+' "$(D c.out)"
	assert_equal "$output" "$(seq 1 "$n" | sed 's/^/probe /')"
	# After the probes: the summary's three lines, then the histogram's eight.
	run -0 sed -n "$((n + 1)),$((n + 3))p" "$(D c.out)"
	assert_line --index 0 "--- 127.0.0.1:$p: $n handshakes, $n connected, 0 failed (0%) (interrupted)"
	assert_line --index 1 --regexp "^handshake min/avg/max/mdev = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms\$"
	assert_line --index 2 --regexp "^handshake p50/p90/p99 = [0-9.]+/[0-9.]+/[0-9.]+ ms, jitter [0-9.]+ ms\$"
	assert_equal "$(wc -l <"$(D c.out)")" $((n + 3 + 8))
	assert_equal "$(cat "$(D c.err)")" ""
}

@test "-c 0 until SIGTERM, with --json: interrupted is true" {
	echo_server
	start_bg c "$TCPTOOL" --json connect -c 0 -i 50ms 127.0.0.1 "$port"
	wait_for_line c.out '"seq":2,'
	kill -TERM "$(bg_pid c)"
	assert_bg_exit c 0
	json_check "$(D c.out)" \
		'ev["probe_summary"][0]["interrupted"] is True' \
		'ev["probe_summary"][0]["sent"] == len(ev["probe"]) >= 2' \
		'ev["probe_summary"][0]["succeeded"] == len(ev["probe"])' \
		'[p["seq"] for p in ev["probe"]] == list(range(1, len(ev["probe"]) + 1))'
}

@test "-c 0 to a closed port until SIGINT: exit 1" {
	port=$(free_port)
	need_closed "$port"
	interrupt_count INT
	assert_bg_exit c 1
	run -0 tail -n 3 "$(D c.out)"
	assert_line --index 0 --regexp "^--- 127\.0\.0\.1:$port: ([0-9]+) handshakes, 0 connected, \1 failed \(100%\): \1 refused \(interrupted\)\$"
	assert_line --index 1 "no handshake completed"
	assert_line --index 2 --regexp "^longest outage: [0-9]+ probes? in a row, [0-9.]+ m?s\$"
}

# --- JSON -----------------------------------------------------------------------------

@test "--json -z: one probe object per port and one probe_summary with the documented keys" {
	echo_server
	local p=$port
	need_closed $((p - 1)) $((p + 1))
	run -1 --separate-stderr tt --json connect -z 127.0.0.1 "$((p - 1))-$((p + 1))"
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$(D events)"
	assert_regex "${lines[-1]}" '^\{"event":"probe_summary",'
	json_check "$(D events)" \
		'sorted(ev) == ["probe", "probe_summary"]' \
		"[p['port'] for p in ev['probe']] == [$((p - 1)), $p, $((p + 1))]" \
		"[p['peer'] for p in ev['probe']] == ['127.0.0.1:$((p - 1))', '127.0.0.1:$p', '127.0.0.1:$((p + 1))']" \
		'[p["result"] for p in ev["probe"]] == ["refused", "open", "refused"]' \
		'all("seq" not in p and "local" not in p for p in ev["probe"])' \
		'set(ev["probe"][1]) == {"event", "t", "port", "peer", "result", "handshake_ms"}' \
		'set(ev["probe"][0]) == {"event", "t", "port", "peer", "result", "elapsed_ms", "error"}' \
		'ev["probe"][0]["error"] == "Connection refused"' \
		'len(ev["probe_summary"]) == 1' \
		'set(ev["probe_summary"][0]) - {"jitter_ms"} == {"event", "t", "host", "ports", "sent", "succeeded", "failed", "refused", "timeout", "unreachable", "error", "interrupted", "loss_pct", "min_ms", "avg_ms", "max_ms", "mdev_ms", "p50_ms", "p90_ms", "p99_ms"}' \
		'{k: v for k, v in ev["probe_summary"][0].items() if k not in ("t", "min_ms", "avg_ms", "max_ms", "mdev_ms", "p50_ms", "p90_ms", "p99_ms", "jitter_ms", "longest_outage_ms")} == {"event": "probe_summary", "host": "127.0.0.1", "ports": 3, "sent": 3, "succeeded": 1, "failed": 2, "refused": 2, "timeout": 0, "unreachable": 0, "error": 0, "interrupted": False, "loss_pct": 66}' \
		'ev["probe_summary"][0]["min_ms"] == ev["probe_summary"][0]["max_ms"] == ev["probe"][1]["handshake_ms"]'

	# One port: the summary still comes, as JSON.
	run -0 --separate-stderr tt --json connect -z 127.0.0.1 "$p"
	printf '%s\n' "$output" >"$(D one)"
	json_check "$(D one)" \
		'len(ev["probe"]) == 1 and ev["probe"][0]["result"] == "open"' \
		'ev["probe_summary"][0]["ports"] == 1 and ev["probe_summary"][0]["succeeded"] == 1'
}

@test "--json -c: seq, local, handshake_ms; the summary has port, not ports, and the times" {
	skip_under_valgrind "the spacing of -i is timed"
	echo_server
	local p=$port
	run -0 --separate-stderr tt --json connect -c 3 -i 100ms 127.0.0.1 "$p"
	printf '%s\n' "$output" >"$(D events)"
	# Three probes, the summary, the histogram's eight bins.
	assert_equal "${#lines[@]}" 12
	assert_regex "${lines[3]}" '^\{"event":"probe_summary",'
	json_check "$(D events)" \
		'[p["seq"] for p in ev["probe"]] == [1, 2, 3]' \
		'sum(b["count"] for b in ev["probe_bin"]) == 3 and len(ev["probe_bin"]) == 8' \
		'ev["probe_summary"][0]["p50_ms"] == sorted(p["handshake_ms"] for p in ev["probe"])[1]' \
		"all(p['port'] == $p and p['peer'] == '127.0.0.1:$p' for p in ev['probe'])" \
		'all(p["result"] == "open" and "error" not in p and "elapsed_ms" not in p for p in ev["probe"])' \
		'all(set(p) == {"event", "t", "seq", "port", "peer", "local", "result", "handshake_ms"} for p in ev["probe"])' \
		'len({p["local"] for p in ev["probe"]}) == 3' \
		'all(p["local"].startswith("127.0.0.1:") for p in ev["probe"])' \
		'all(b["t"] - a["t"] >= 0.09 for a, b in zip(ev["probe"], ev["probe"][1:]))' \
		'set(ev["probe_summary"][0]) - {"jitter_ms"} == {"event", "t", "host", "port", "sent", "succeeded", "failed", "refused", "timeout", "unreachable", "error", "interrupted", "loss_pct", "longest_outage", "longest_outage_ms", "min_ms", "avg_ms", "max_ms", "mdev_ms", "p50_ms", "p90_ms", "p99_ms"}' \
		"ev['probe_summary'][0]['port'] == $p" \
		'ev["probe_summary"][0]["sent"] == ev["probe_summary"][0]["succeeded"] == 3' \
		'ev["probe_summary"][0]["failed"] == 0 and ev["probe_summary"][0]["interrupted"] is False' \
		'ev["probe_summary"][0]["min_ms"] == min(p["handshake_ms"] for p in ev["probe"])' \
		'ev["probe_summary"][0]["max_ms"] == max(p["handshake_ms"] for p in ev["probe"])' \
		'ev["probe_summary"][0]["min_ms"] <= ev["probe_summary"][0]["avg_ms"] <= ev["probe_summary"][0]["max_ms"]' \
		'abs(ev["probe_summary"][0]["avg_ms"] - sum(p["handshake_ms"] for p in ev["probe"]) / 3) <= 0.002'
}

# --- -q: the scripting contract -------------------------------------------------------

@test "-q: nothing printed, only the exit status: 0 when up, 1 when not" {
	echo_server
	local p=$port c
	c=$(free_port)
	need_closed "$c"
	run -0 --separate-stderr tt -q connect -z 127.0.0.1 "$p"
	assert_equal "$output$stderr" ""
	run -1 --separate-stderr tt -q connect -z 127.0.0.1 "$c"
	assert_equal "$output$stderr" ""
	run -1 --separate-stderr tt connect -q -z 127.0.0.1 "$p,$c"
	assert_equal "$output$stderr" ""
	run -0 --separate-stderr tt connect -q -c 2 -i 10ms 127.0.0.1 "$p"
	assert_equal "$output$stderr" ""
	run -1 --separate-stderr tt connect -q -c 2 -i 10ms 127.0.0.1 "$c"
	assert_equal "$output$stderr" ""
	# As a script would use it.
	# shellcheck disable=SC2016 # for the inner shell
	run -0 timeout 10 sh -c '"$0" -q connect -z 127.0.0.1 "$1" && echo up; "$0" -q connect -z 127.0.0.1 "$2" || echo down' \
		"$TCPTOOL" "$p" "$c"
	assert_output $'up\ndown'
	# Usage errors still speak.
	run -2 --separate-stderr tt -q connect -z -c 1 127.0.0.1 "$p"
	assert_equal "${stderr_lines[0]}" "tcptool: connect: -z and -c exclude each other"
}

# --- families, names, source address --------------------------------------------------

@test "IPv6: -z and -c on ::1" {
	need_ipv6
	echo_server ::1
	local p=$port
	run -0 --separate-stderr tt connect -z ::1 "$p"
	assert_regex "${lines[0]}" "^\[::1\]:$p open: handshake in $HS\$"
	run -0 --separate-stderr tt -6 connect -c 2 -i 10ms ::1 "$p"
	assert_regex "${lines[0]}" "^probe 1: connected to \[::1\]:$p from \[::1\]:[0-9]+ in $HS\$"
	assert_regex "${lines[1]}" "^probe 2: connected to \[::1\]:$p from \[::1\]:[0-9]+ in $HS\$"
	assert_equal "${lines[2]}" "--- [::1]:$p: 2 handshakes, 2 connected, 0 failed (0%)"
	run -0 --separate-stderr tt --json connect -z '[::1]' "$p"
	assert_regex "${lines[0]}" "\"peer\":\"\[::1\]:$p\""
	# The wrong family for the literal: no address to try, exit 3.
	run -3 --separate-stderr tt -4 connect -z ::1 "$p"
	assert_equal "$output" ""
	assert_regex "$stderr" "^tcptool: cannot resolve host '::1': "
	run -3 --separate-stderr tt -6 connect -c 1 127.0.0.1 "$p"
	assert_regex "$stderr" "^tcptool: cannot resolve host '127\.0\.0\.1': "
}

@test "a host name: localhost, -z and -c" {
	localhost_in_hosts 127.0.0.1 || skip "no 127.0.0.1 localhost in /etc/hosts (we never ask DNS)"
	echo_server
	local p=$port
	run -0 --separate-stderr tt connect -z localhost "$p"
	assert_regex "${lines[0]}" "^127\.0\.0\.1:$p open: handshake in $HS\$"
	run -0 --separate-stderr tt -4 connect -c 1 localhost "$p"
	assert_regex "${lines[0]}" "^probe 1: connected to 127\.0\.0\.1:$p from 127\.0\.0\.1:[0-9]+ in $HS\$"
	assert_equal "${lines[1]}" "--- localhost:$p: 1 handshake, 1 connected, 0 failed (0%)"
	run -0 --separate-stderr tt --json connect -c 1 localhost "$p"
	assert_regex "${lines[-1]}" '"host":"localhost"'
}

@test "a name with two addresses: each is tried in turn for every port (private /etc/hosts)" {
	need_ipv6
	need_netns
	"${NETNS[@]}" unshare -m true 2>/dev/null ||
		skip "no private mount namespace here (unshare -m: is / a mount point?)"
	printf '127.0.0.1 dual.test\n::1 dual.test\n' >"$(D hosts)"
	# In a namespace with its own /etc/hosts and loopback: an echo server on
	# the address getaddrinfo gives second; a closed port next to it.
	# shellcheck disable=SC2016 # for the inner shell
	run -0 --separate-stderr timeout -k 1 20 "${NETNS[@]}" unshare -m bash -c '
		mount --bind "$1" /etc/hosts && ip link set lo up || exit 99
		first=$(getent ahosts dual.test | awk "NR == 1 { print \$1 }")
		case $first in
		::1) second=127.0.0.1 ;;
		127.0.0.1) second=::1 ;;
		*) exit 98 ;;
		esac
		"$0" echo -b "$second" 0 >"$2" 2>&1 &
		for _ in $(seq 100); do
			port=$(sed -nE "s/^listening on .*:([0-9]+)$/\1/p" "$2")
			[[ -n $port ]] && break
			sleep 0.05
		done
		echo "first $first port $port"
		"$0" connect -z dual.test "$port,$((port + 1))"
		"$0" --json connect -c 1 dual.test "$port"
		kill $!' "$TCPTOOL" "$(D hosts)" "$(D echo.out)"
	[[ ${lines[0]} =~ ^first\ (::1|127\.0\.0\.1)\ port\ ([0-9]+)$ ]] || fail "$output"
	local first=${BASH_REMATCH[1]} p=${BASH_REMATCH[2]} second
	if [[ $first == ::1 ]]; then second=127.0.0.1; else second='[::1]'; fi
	# The first address refused, the second answered: open there.
	assert_regex "${lines[1]}" "^${second//./\\.}:$p open: handshake in $HS\$"
	# Both refused: the line names the last address tried.
	assert_regex "${lines[2]//[\[\]]/}" "^${second//[\[\]]/}:$((p + 1)) refused after "
	assert_equal "${lines[3]}" "2 ports: 1 open, 1 refused"
	assert_regex "${lines[4]}" "\"peer\":\"${second//[\[\]]/.}:$p\".*\"result\":\"open\""
	assert_regex "${lines[5]}" '"host":"dual.test"'
}

@test "-s 127.0.0.2: -z and -c connect from that source address" {
	echo_server
	local p=$port
	run -0 --separate-stderr tt connect -z -s 127.0.0.2 127.0.0.1 "$p"
	assert_regex "${lines[0]}" "^127\.0\.0\.1:$p open: handshake in $HS\$"
	wait_for_line s.out "^connection from 127\.0\.0\.2:[0-9]+ to 127\.0\.0\.1:$p\$"
	run -0 --separate-stderr tt connect -c 2 -i 10ms -s 127.0.0.2 127.0.0.1 "$p"
	assert_regex "${lines[0]}" "^probe 1: connected to 127\.0\.0\.1:$p from 127\.0\.0\.2:[0-9]+ in $HS\$"
	assert_regex "${lines[1]}" "^probe 2: connected to 127\.0\.0\.1:$p from 127\.0\.0\.2:[0-9]+ in $HS\$"
	wait_for_count s.out "^connection from 127\.0\.0\.2:" 3
	# A source of the other family: each probe fails, exit 1.
	need_ipv6
	run -1 --separate-stderr tt connect -c 1 -s ::1 127.0.0.1 "$p"
	assert_regex "${lines[0]}" "^probe 1: 127\.0\.0\.1:$p failed after $HS: Address family not supported by protocol"
	assert_equal "${lines[1]}" "--- 127.0.0.1:$p: 1 handshake, 0 connected, 1 failed (100%): 1 other error"
}

# --- standard output that fails ---------------------------------------------------------

@test "-z with a full stdout (/dev/full): exit 1 and one line that says so" {
	echo_server
	# shellcheck disable=SC2016 # expanded by the inner shell
	run -1 --separate-stderr timeout 10 bash -c '"$0" connect -z 127.0.0.1 "$1" >/dev/full' "$TCPTOOL" "$port"
	assert_equal "$stderr" "tcptool: write to stdout: No space left on device"
}

@test "-c 0 | head -1: once nobody reads, the probing stops with exit 1" {
	echo_server
	# shellcheck disable=SC2016 # expanded by the inner shell
	run -0 timeout 10 bash -c '"$0" connect -c 0 -i 10ms 127.0.0.1 "$1" 2>"$2" | head -1; echo "status ${PIPESTATUS[0]}"' \
		"$TCPTOOL" "$port" "$(D err)"
	assert_line --index 0 --regexp "^probe 1: connected to 127\.0\.0\.1:$port from "
	assert_line --index 1 "status 1"
	assert_equal "${#lines[@]}" 2
	assert_equal "$(cat "$(D err)")" "tcptool: write to stdout: Broken pipe"
}

@test "a one-port list or range without -z is that port: 80,80 and 80-80 connect" {
	echo_server
	run -0 --separate-stderr tt connect --half-close --send hi 127.0.0.1 "$port,$port"
	assert_output "hi"
	run -0 --separate-stderr tt connect --half-close --send hi 127.0.0.1 "$port-$port"
	assert_output "hi"
}

# --- usage errors and resolution ------------------------------------------------------

@test "usage errors: exit 2, one tcptool: line and the Try line, nothing probed" {
	echo_server
	local p=$port
	usage_fails "connect: -z and -c exclude each other" connect -z -c 2 127.0.0.1 "$p"
	usage_fails "connect: -i does not go with -z (use -c N -i DUR to repeat handshakes)" connect -z -i 1s 127.0.0.1 "$p"
	usage_fails "connect: --rate does nothing with -z, which sends no data" connect -z --rate 1M 127.0.0.1 "$p"
	usage_fails "connect: --read-rate does nothing with -c, which sends no data" connect -c 2 --read-rate 1M 127.0.0.1 "$p"
	usage_fails "connect: --send does nothing with -z, which sends no data" connect -z --send x 127.0.0.1 "$p"
	usage_fails "connect: --half-close does nothing with -z, which sends no data" connect -z --half-close 127.0.0.1 "$p"
	usage_fails "connect: --half-close does nothing with -c, which sends no data" connect -c 2 --half-close 127.0.0.1 "$p"
	usage_fails "connect: --send does nothing with -c, which sends no data" connect -c 2 --send x 127.0.0.1 "$p"
	usage_fails "connect: -c probes one port; use -z for '20-25'" connect -c 2 127.0.0.1 20-25
	usage_fails "connect: -c probes one port; use -z for '22,80'" connect -c 2 127.0.0.1 22,80
	usage_fails "connect: '20-25' names several ports: probe them with -z" connect 127.0.0.1 20-25
	usage_fails "connect: '22,80' names several ports: probe them with -z" connect 127.0.0.1 22,80
	usage_fails "invalid port '25-20': range 25-20 runs backwards" connect -z 127.0.0.1 25-20
	usage_fails "invalid port '25-20': range 25-20 runs backwards" connect -c 1 127.0.0.1 25-20
	usage_fails "invalid port '1,,2': empty item in the list" connect -z 127.0.0.1 1,,2
	usage_fails "invalid port '1,': empty item in the list" connect -z 127.0.0.1 1,
	usage_fails "invalid port '1,70000': out of range 0-65535" connect -z 127.0.0.1 1,70000
	usage_fails "invalid port '1-70000': out of range 0-65535" connect -z 127.0.0.1 1-70000
	usage_fails "invalid count '-1': negative" connect -c -1 127.0.0.1 "$p"
	usage_fails "invalid count 'abc': not a whole number" connect -c abc 127.0.0.1 "$p"
	usage_fails "invalid count '1.5': not a whole number" connect --count 1.5 127.0.0.1 "$p"
	usage_fails "invalid interval 'xyz': expected a number with an optional unit ms, s, m or h" \
		connect -c 1 -i xyz 127.0.0.1 "$p"
	usage_fails "invalid interval '-1s': negative" connect -c 1 --interval -1s 127.0.0.1 "$p"
	# None of them made a connection.
	run -0 connections
	assert_output 0
}

@test "a name that does not resolve: exit 3 (in a network namespace of its own)" {
	need_netns
	local args
	for args in "connect -z no-such-host.invalid 80" "connect -z no-such-host.invalid 20-25" \
		"connect -c 2 no-such-host.invalid 80"; do
		# shellcheck disable=SC2086 # split on purpose
		run -3 --separate-stderr timeout 10 "${NETNS[@]}" "$TCPTOOL" $args
		assert_equal "$output" ""
		assert_regex "$stderr" "^tcptool: cannot resolve host 'no-such-host\.invalid': "
	done
	run -3 --separate-stderr timeout 10 "${NETNS[@]}" "$TCPTOOL" connect -z -s no-such-host.invalid 127.0.0.1 80
	assert_regex "$stderr" "^tcptool: cannot resolve source address 'no-such-host\.invalid': "
	run -3 --separate-stderr timeout 10 "${NETNS[@]}" "$TCPTOOL" --json connect -c 1 no-such-host.invalid 80
	printf '%s\n' "$output" >"$(D events)"
	json_check "$(D events)" 'list(ev) == ["error"]' \
		'ev["error"][0]["message"].startswith("cannot resolve host ")'
}

# --- interop ----------------------------------------------------------------------------

@test "interop: OpenBSD nc -z gives the same verdict on the same ports" {
	need_openbsd_nc
	local nc=$NC
	echo_server
	local p=$port c1 c2 q want got
	c1=$(free_port)
	c2=$(free_port)
	need_closed "$c1" "$c2"
	for q in "$p" "$c1" "$c2"; do
		want=0
		timeout 10 "$nc" -z 127.0.0.1 "$q" 2>/dev/null || want=$?
		got=0
		tt -q connect -z 127.0.0.1 "$q" || got=$?
		assert_equal "port $q: tcptool $got" "port $q: tcptool $want"
	done
	# nc -zv over a range says which ports it reached; so does tcptool.
	need_closed $((p - 1)) $((p + 1))
	run -0 --separate-stderr timeout 10 "$nc" -zv 127.0.0.1 "$((p - 1))-$((p + 1))"
	local nc_open
	nc_open=$(grep -oE "^Connection to 127\.0\.0\.1 [0-9]+ port .* succeeded" <<<"$stderr$output" | awk '{print $4}')
	run -1 --separate-stderr tt connect -z 127.0.0.1 "$((p - 1))-$((p + 1))"
	assert_equal "$(grep -oE '^127\.0\.0\.1:[0-9]+ open' <<<"$output" | sed -E 's/^127\.0\.0\.1:([0-9]+) open/\1/')" "$nc_open"
	assert_equal "$nc_open" "$p"
}

# --- -c's spread: percentiles, jitter, outages, the histogram ------------------------------

# A script for in_blackhole: "tcptool ARGS", its output to $OUT.
# shellcheck disable=SC2016 # for the inner shell
RUN_TO_OUT='"$0" "$@" >"$OUT" 2>&1'

# nearest_rank PCT FILE: the PCT-th percentile (nearest rank) of the handshake
# times of the "probe N: connected ... in T ms" lines of FILE.
nearest_rank() {
	sed -nE 's/^probe [0-9]+: connected .* in ([0-9.]+) ms$/\1/p' "$2" | sort -n |
		awk -v p="$1" '{ t[NR] = $1 } END { r = int((p * NR + 99) / 100); if (r < 1) r = 1; print t[r] }'
}

@test "-c: p50/p90/p99 are the nearest ranks of the probes' own times; the histogram counts them all" {
	need_tool jq jq
	echo_server
	run -0 --separate-stderr tt connect -c 20 -i 10ms 127.0.0.1 "$port"
	printf '%s\n' "$output" >"$(D human)"
	local line
	line=$(grep '^handshake p50/p90/p99 = ' "$(D human)")
	assert_equal "$line" "$(printf 'handshake p50/p90/p99 = %s/%s/%s ms, jitter ' "$(nearest_rank 50 "$(D human)")" \
		"$(nearest_rank 90 "$(D human)")" "$(nearest_rank 99 "$(D human)")")$(sed -nE 's/.*, jitter ([0-9.]+ ms)$/\1/p' <<<"$line")"
	# Eight bins, as many probes in them as connected, within 80 columns.
	assert_equal "$(grep -cE '^  [0-9.]+-[0-9.]+ ms +#* +[0-9]+$' "$(D human)")" 8
	assert_equal "$(grep -E '^  [0-9.]+-[0-9.]+ ms ' "$(D human)" | awk '{ n += $NF } END { print n }')" 20
	refute_regex "$(awk 'length > 80' "$(D human)")" '.'
	# The same in JSON: percentiles, jitter, loss, bins.
	run -0 --separate-stderr tt --json connect -c 10 -i 10ms 127.0.0.1 "$port"
	jq -se 'map(select(.event == "probe_summary"))[0] | .p50_ms > 0 and .p90_ms >= .p50_ms and
		.p99_ms >= .p90_ms and .jitter_ms >= 0 and .loss_pct == 0 and .longest_outage == 0' <<<"$output"
	assert_equal "$(jq -s '[.[] | select(.event == "probe_bin") | .count] | add' <<<"$output")" 10
}

@test "-c against a port that closes and opens again: loss and the longest outage from the probes' lines" {
	local p
	p=$(free_port)
	# A listener that is there for 0.4 s, away for 0.4 s, three times over.
	start_bg flap python3 -c '
import socket, sys, time
port = int(sys.argv[1])
for _ in range(3):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port)); s.listen(64)
    end = time.time() + 0.4
    s.settimeout(0.05)
    while time.time() < end:
        try:
            c, _ = s.accept(); c.close()
        except socket.timeout:
            pass
    s.close()
    time.sleep(0.4)
' "$p"
	wait_for_listen "$p"
	run -1 --separate-stderr tt connect -c 24 -i 100ms 127.0.0.1 "$p"
	printf '%s\n' "$output" >"$(D out)"
	local sent failed longest
	sent=$(grep -c '^probe ' "$(D out)")
	failed=$(grep -c '^probe [0-9]*: 127.0.0.1:[0-9]* refused ' "$(D out)")
	((failed > 0 && failed < sent)) || fail "expected some refusals: $output"
	longest=$(awk '/^probe / { if ($0 ~ / refused /) { run++; if (run > best) best = run } else run = 0 } END { print best }' "$(D out)")
	assert_regex "$output" "--- 127.0.0.1:$p: $sent handshakes, $((sent - failed)) connected, $failed failed \($((failed * 100 / sent))%\): $failed refused"
	assert_regex "$output" $'\n'"longest outage: $longest probes? in a row, [0-9.]+ m?s"
}

@test "-c into a black hole: every probe times out; the counts, 100% loss and the outage still print" {
	need_tool jq jq
	need_blackhole
	run -1 --separate-stderr in_blackhole "$(D out)" "$RUN_TO_OUT" \
		--json connect -c 3 -i 100ms -w 300ms 10.9.9.2 80
	jq -se 'map(select(.event == "probe_summary"))[0] | .sent == 3 and .timeout == 3 and
		.loss_pct == 100 and .longest_outage == 3 and .longest_outage_ms >= 900 and
		(has("p50_ms") | not)' "$(D out)"
	run -1 --separate-stderr in_blackhole "$(D out2)" "$RUN_TO_OUT" \
		connect -c 2 -i 100ms -w 200ms 10.9.9.2 80
	run cat "$(D out2)"
	assert_regex "$output" $'\nno handshake completed\nlongest outage: 2 probes in a row, [0-9.]+ ms$'
}

@test "-c --trace into a black hole: our SYN and its retransmission, unanswered, then the timeout" {
	need_capture
	need_tool jq jq
	need_blackhole
	# The kernel retransmits an unanswered SYN after 1 s.
	run -1 --separate-stderr in_blackhole "$(D out)" "$RUN_TO_OUT" \
		--json connect -c 1 -w 1500ms --trace 10.9.9.2 80
	jq -se '[.[] | select(.event == "segment")] as $s
		| ($s | length) == 2 and all($s[]; .kind == "SYN" and .dir == "out")
		and $s[0].seq == $s[1].seq and ($s[1].retransmission == true)
		and $s[1].t - $s[0].t >= 0.9' "$(D out)"
	jq -se 'map(select(.event == "probe"))[0].result == "timeout"' "$(D out)"
}
