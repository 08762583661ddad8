#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# echo and ack with -i DUR: one line per interval for the whole server
# (clients connected, opened, closed, bytes and rates each way, the busiest
# client), the last part-interval and the total for the run at the stop;
# the intervals add up to what the clients sent.

setup() {
	load helpers/common
	_common_setup
}

teardown() {
	_common_teardown
}

# stop_server NAME: SIGINT, and the server exits 0.
stop_server() {
	kill -INT "$(bg_pid "$1")"
	assert_bg_exit "$1" 0
}

# send_file FILE: a client sends FILE, half-closes, and must get it all back.
send_file() {
	tt -q connect --half-close 127.0.0.1 "$port" <"$1" >"$(D back)"
	cmp "$1" "$(D back)"
}

# peer_of NAME BYTES: the peer name the server's closed line gives the client that sent BYTES.
peer_of() {
	sed -nE "s/^closed ([0-9.]+:[0-9]+): $2 bytes in, .*/\1/p" "$(D "$1.out")" | head -1
}

@test "echo -i: interval lines while serving, with the clients connected now and the busiest one" {
	start_server s echo -i 0.1s -b 127.0.0.1 0
	wait_for_line s.out '^interval 0\.000-0\.[0-9]{3} s: 0 clients connected, 0 opened, 0 closed; received 0 B \(0 B/s\), sent 0 B \(0 B/s\); no client sent or received data$'

	# Two clients that stay: the lines count them while they are there.
	exec 7<>"/dev/tcp/127.0.0.1/$port" 8<>"/dev/tcp/127.0.0.1/$port"
	printf 'hello\n' >&7
	read -r -t 5 reply <&7
	assert_equal "$reply" "hello"
	wait_for_line s.out '^interval .*: 2 clients connected, '
	# Their bytes are told before the next client starts, so that every
	# later interval with data holds only that client's.
	wait_for_line s.out '^interval .*; received 6 B \([0-9.]+ [kMG]?B/s\), sent 6 B .*; busiest client 127\.0\.0\.1:[0-9]+ \(6 B in, 6 B out\)$'

	big=$(big_file big 300000)
	send_file "$big"
	wait_for_line s.out '^closed 127\.0\.0\.1:[0-9]+: 300000 bytes in'
	who=$(peer_of s 300000)
	wait_for_line s.out "^interval .*: 2 clients connected, [0-9]+ opened, [0-9]+ closed; .*; busiest client ${who//./\\.} \\("
	run grep -cE '^interval [0-9]+\.[0-9]{3}-[0-9]+\.[0-9]{3} s: ' "$(D s.out)"
	assert [ "$output" -ge 3 ]
	# Nothing else says "total" before the stop.
	run -1 grep -E '^total ' "$(D s.out)"

	exec 7>&- 8>&-
	stop_server s
	run cat "$(D s.out)"
	assert_line --regexp "^total 0\.000-[0-9]+\.[0-9]{3} s: at most 3 clients at once, 3 opened, 3 closed; received 300 kB \([0-9.]+ [kMG]?B/s\), sent 300 kB \([0-9.]+ [kMG]?B/s\); busiest client ${who//./\\.} \(300 kB in, 300 kB out\)\$"
	# The total comes after the last interval, and the summary last.
	assert_line --index -1 --regexp '^stopped by SIGINT after .*: 3 connections, 300006 bytes in, 300006 bytes out, at most 3 at once$'
	assert_line --index -2 --regexp '^total '
	assert_line --index -3 --regexp '^interval '
}

@test "echo -i --json: valid JSON, the intervals add up to what the clients sent, the busiest is named" {
	need_tool jq jq
	start_server s --json echo -i 0.1s -b 127.0.0.1 0
	wait_for_line s.out '"event":"server_interval"'
	a=$(big_file a 200000)
	head -c 3000 /dev/urandom >"$(D b)"
	send_file "$a"
	send_file "$(D b)"
	tt -q connect --half-close --send hello 127.0.0.1 "$port" >/dev/null
	wait_for_count s.out '"event":"closed"' 3
	stop_server s

	# Every line is JSON.
	run -0 jq -e -s 'length > 0' "$(D s.out)"
	q() { jq -s -r "$1" "$(D s.out)"; }
	intervals='map(select(.event == "server_interval"))'
	assert_equal "$(q "$intervals | map(.bytes_in) | add")" 203005
	assert_equal "$(q "$intervals | map(.bytes_out) | add")" 203005
	assert_equal "$(q "$intervals | map(.opened) | add")" 3
	assert_equal "$(q "$intervals | map(.closed) | add")" 3
	assert_equal "$(q "$intervals | last | .clients")" 0
	# One after the other, no gap: each starts where the one before ended.
	assert_equal "$(q "$intervals | [range(1; length) as \$k | .[\$k].start_ms == .[\$k - 1].end_ms] | all")" true
	assert_equal "$(q "$intervals | first | .start_ms")" 0
	# Rates are there, as whole bytes per second.
	assert_equal "$(q "$intervals | map(.in_bytes_per_s, .out_bytes_per_s | type == \"number\" and . >= 0) | all")" true

	who=$(q 'map(select(.event == "closed" and .bytes_in == 200000)) | .[0].peer')
	[[ $who =~ ^127\.0\.0\.1:[0-9]+$ ]] || fail "no peer for the big client: '$who'"
	# The interval with the most bytes names the big client as its busiest.
	assert_equal "$(q "$intervals | max_by(.bytes_in) | .busiest_peer")" "$who"
	# An interval where nothing moved names no busiest client.
	assert_equal "$(q "$intervals | map(select(.bytes_in == 0 and .bytes_out == 0 and has(\"busiest_peer\"))) | length")" 0

	total='map(select(.event == "server_total")) | .[0]'
	assert_equal "$(q "map(select(.event == \"server_total\")) | length")" 1
	assert_equal "$(q "$total | [.bytes_in, .bytes_out, .opened, .closed, .peak] | @tsv")" $'203005\t203005\t3\t3\t1'
	assert_equal "$(q "$total | [.busiest_peer, .busiest_bytes_in, .busiest_bytes_out] | @tsv")" "$who"$'\t200000\t200000'
	assert_equal "$(q "($intervals | last | .end_ms) == ($total | .end_ms)")" true
	# The order at the stop: last interval, total, summary.
	assert_equal "$(q '.[-3:] | map(.event) | join(" ")')" "server_interval server_total summary"
}

@test "ack -i: the message and the reply are counted, the client named" {
	start_server s ack -i 0.1s -b 127.0.0.1 0
	run -0 tt connect --half-close --send 'Hello World!' 127.0.0.1 "$port"
	wait_for_line s.out '^closed 127\.0\.0\.1:[0-9]+: 12 bytes in, 4 bytes out'
	who=$(peer_of s 12)
	wait_for_line s.out "^interval .*: 0 clients connected, [01] opened, 1 closed; received 12 B \\([0-9.]+ [k]?B/s\\), sent 4 B \\([0-9.]+ [k]?B/s\\); busiest client ${who//./\\.} \\(12 B in, 4 B out\\)\$"
	stop_server s
	run cat "$(D s.out)"
	assert_line --regexp "^total 0\.000-[0-9.]+ s: at most 1 client at once, 1 opened, 1 closed; received 12 B .*, sent 4 B .*; busiest client ${who//./\\.} \(12 B in, 4 B out\)\$"
}

@test "-v: a legend of the figures, once, before the first interval; none with --json" {
	start_server s -v echo -i 0.1s -b 127.0.0.1 0
	wait_for_line s.out '^interval '
	run grep -nE '^  busiest client$|^interval ' "$(D s.out)"
	assert_line --index 0 --regexp '^[0-9]+:  busiest client$'
	assert_line --index 1 --regexp '^[0-9]+:interval '
	assert_equal "$(grep -c '^  busiest client$' "$(D s.out)")" 1

	start_server j -v --json echo -i 0.1s -b 127.0.0.1 0
	wait_for_line j.out '"event":"server_interval"'
	json_check "$(D j.out)" '"server_interval" in ev'
}

@test "-q: no interval lines and no total, yet the server serves" {
	# Under -q there is no listening line to read the port from.
	port=$(free_port)
	start_bg q "$TCPTOOL" -q echo -i 0.05s -b 127.0.0.1 "$port"
	wait_for_listen "$port"
	run -0 tt -q connect --half-close --send quiet 127.0.0.1 "$port"
	assert_output "quiet"
	# A witness that several of the quiet server's intervals went by: a
	# second server, started later with the same interval, told three.
	start_server w echo -i 0.05s -b 127.0.0.1 0
	wait_for_count w.out '^interval ' 3
	stop_server q
	run cat "$(D q.out)"
	assert_output ""
	run cat "$(D q.err)"
	assert_output ""
}

@test "without -i, no interval lines and no total" {
	start_server s echo -b 127.0.0.1 0
	run -0 tt -q connect --half-close --send plain 127.0.0.1 "$port"
	wait_for_line s.out '^closed '
	stop_server s
	run grep -cE '^(interval|total) ' "$(D s.out)"
	assert_output 0
}

@test "-i and --idle-timeout together: the quiet client still times out, the intervals go on" {
	start_server s echo -i 0.1s --idle-timeout 300ms -b 127.0.0.1 0
	start_bg c python3 "$PEER" idle-client 127.0.0.1 "$port"
	wait_for_line s.out '^closed 127\.0\.0\.1:[0-9]+: 0 bytes in, 0 bytes out in .*; closed by us: idle too long$'
	wait_for_line s.out '^interval .*: 0 clients connected, [01] opened, 1 closed; '
	n=$(grep -c '^interval ' "$(D s.out)")
	wait_for_count s.out '^interval ' $((n + 1))
}

@test "usage: echo --interval 0 and ack -i -1s are refused, exit 2, one error line" {
	run -2 --separate-stderr tt echo --interval 0 0
	assert_output ""
	assert_equal "${stderr_lines[0]}" "tcptool: invalid interval '0': must be greater than zero"
	assert_equal "$(printf '%s\n' "${stderr_lines[@]}" | grep -c '^tcptool: ')" 1

	run -2 --separate-stderr tt ack -i -1s 0
	assert_output ""
	assert_equal "${stderr_lines[0]}" "tcptool: invalid interval '-1s': negative"
	assert_equal "$(printf '%s\n' "${stderr_lines[@]}" | grep -c '^tcptool: ')" 1

	run -2 --separate-stderr tt echo -i soon 0
	assert_equal "${stderr_lines[0]}" "tcptool: invalid interval 'soon': expected a number with an optional unit ms, s, m or h"
}
