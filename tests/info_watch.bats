#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr; jq programs are single-quoted
# tcptool info --watch on loopback: a transfer between two other processes
# seen as rates, sockets that appear and close between reports, the JSON
# stream, Ctrl-C, and the usage errors.

setup() {
	load helpers/common
	_common_setup
}

teardown() {
	_common_teardown
}

# start_transfer: a listener reading 200 kB a second from a client fed by
# /dev/zero, so bytes keep moving for as long as the test wants; sets
# $port and waits until the connection is established.
start_transfer() {
	start_listener l --read-rate 200k -b 127.0.0.1 0
	start_bg -i /dev/zero c "$TCPTOOL" -q connect 127.0.0.1 "$port"
	wait_for_line l.err '^connection from '
}

@test "info --watch --port: the transfer between two other processes shows a rate both ways of the pair" {
	need_tool jq jq
	start_transfer
	run -0 tt info --watch 0.3s -c 3 --port "$port" --json
	# The baseline, then three reports.
	[[ $(jq -s '[.[] | select(.event == "watch")] | length' <<<"$output") == 4 ]] || fail "$output"
	[[ $(jq -s '[.[] | select(.event == "watch" and .baseline)] | length' <<<"$output") == 1 ]] ||
		fail "$output"
	# The client's socket sends, the listener's receives; both name their process.
	local sender receiver
	sender=$(jq -s --arg p "127.0.0.1:$port" '[.[] | select(.event == "interval" and .peer == $p
		and .state == "ESTABLISHED" and .pid > 0 and .out_bytes_per_s > 0)] | length' <<<"$output")
	receiver=$(jq -s --arg p "127.0.0.1:$port" '[.[] | select(.event == "interval" and .local == $p
		and .pid > 0 and .in_bytes_per_s > 0 and .bytes_in > 0)] | length' <<<"$output")
	((sender > 0)) || fail "no interval of the client's socket with a rate out: $output"
	((receiver > 0)) || fail "no interval of the listener's socket with a rate in: $output"
	# Only the pair: --port keeps the rest of the host out.
	run -0 jq -r 'select(.event == "interval") | "\(.local) \(.peer)"' <<<"$output"
	local line
	for line in "${lines[@]}"; do
		[[ $line == *":$port "* || $line == *":$port" ]] || fail "not of port $port: $line"
	done
}

@test "info --watch: human reports: the baseline line, a header per report, a line per socket with its rates" {
	start_transfer
	run -0 tt info --watch 0.3s -c 2 --port "$port"
	assert_line --index 0 --regexp '^[0-9]{2}:[0-9]{2}:[0-9]{2}  2 sockets: the baseline; figures every 300 ms from the next report on$'
	assert_line --index 1 --regexp '^[0-9]{2}:[0-9]{2}:[0-9]{2}  2 sockets, 0 new, 0 closed$'
	# The listener's socket, receiving at a rate above 0.
	assert_line --regexp "^         127\.0\.0\.1:$port > 127\.0\.0\.1:[0-9]+ ESTABLISHED [^ ]+ \(pid [0-9]+\): [0-9.]+-[0-9.]+ s: sent [0-9.]+ k?B \([0-9.]+ k?B/s\), received [0-9.]+ [kM]?B \([0-9.]*[1-9][0-9.]* [kM]?B/s\); rtt "
	[[ ${#lines[@]} == 7 ]] || fail "expected 1 + 2 x (header and 2 sockets) lines: $output"
}

@test "info --watch: a socket that appears is new, one that closes is reported closed with its totals; Ctrl-C ends with 0" {
	need_tool jq jq
	start_listener l -b 127.0.0.1 0
	start_bg w "$TCPTOOL" info --watch 0.2s -c 100 --port "$port" --json
	wait_for_line w.out '"report":1,'
	start_bg cl python3 "$PEER" idle-client 127.0.0.1 "$port"
	wait_for_line cl.out '^connected$'
	wait_for_line w.out '"event":"socket_opened"'
	wait_for_line w.out '"event":"interval".*"new":true'
	# The client goes: its FIN ends the listener, and both sockets close.
	kill "$(bg_pid cl)"
	wait_for_count w.out '"event":"socket_closed"' 2
	kill -INT "$(bg_pid w)"
	assert_bg_exit w 0
	local out
	out=$(<"$(D w.out)")
	run -0 jq -e . "$(D w.out)"
	run -0 jq -r --arg p "127.0.0.1:$port" 'select(.event == "socket_closed") |
		select(.local == $p or .peer == $p) | "\(.bytes_out_total) \(.bytes_in_total)"' <<<"$out"
	# The client sent nothing, the listener nothing back: no SYN or FIN counted as data.
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 "0 0"
	assert_line --index 1 "0 0"
	run -0 jq -r --arg p "127.0.0.1:$port" 'select(.event == "socket_opened") | .local, .peer' <<<"$out"
	assert_line "127.0.0.1:$port"
}

@test "info --watch: the closed mark and the new mark in human reports" {
	start_listener l -b 127.0.0.1 0
	start_bg w "$TCPTOOL" info --watch 0.2s -c 100 --port "$port"
	wait_for_line w.out 'the baseline'
	start_bg cl python3 "$PEER" idle-client 127.0.0.1 "$port"
	wait_for_line w.out "^  new    127\.0\.0\.1:$port > 127\.0\.0\.1:[0-9]+ ESTABLISHED [^ ]+ \(pid [0-9]+\): "
	wait_for_line w.out "^  new    127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:$port ESTABLISHED python3 \(pid [0-9]+\): "
	wait_for_line w.out '  2 sockets, 0 new, 0 closed$'
	kill "$(bg_pid cl)"
	wait_for_line w.out "^  closed 127\.0\.0\.1:$port > 127\.0\.0\.1:[0-9]+ [A-Z_0-9]+ .*: in all sent 0 B, received 0 B; retransmitted 0 segments$"
	wait_for_line w.out ', [12] closed$'
	kill -INT "$(bg_pid w)"
	assert_bg_exit w 0
}

@test "info --watch -c N -i DUR: N reports after the baseline, with no sockets at all" {
	need_tool jq jq
	local p
	p=$(free_port)
	run -0 tt info --watch -i 100ms -c 2 --port "$p" --json
	run -0 jq -r '"\(.event) \(.report) \(.sockets) \(.interval_ms)"' <<<"$output"
	assert_output $'watch 0 0 100\nwatch 1 0 100\nwatch 2 0 100'
}

@test "info --watch: usage errors exit 2 with one line and nothing on stdout" {
	local args
	for args in "--watch 0" "--watch -1s" "--watch soon" "--watch 127.0.0.1 80" "--watch --fd 0" \
		"--watch --system" "-c 2" "-c 2 -l" "--watch 1s -i 2s" "--watch -w 1s" "--watch -l -a" "--watch -c x"; do
		# shellcheck disable=SC2086 # the words of $args are the arguments
		run -2 --separate-stderr tt info $args
		assert_output ""
		[[ ${stderr_lines[0]} == "tcptool: "* ]] || fail "info $args: $stderr"
		assert_equal "${stderr_lines[1]}" "Try 'tcptool info --help' for more information."
		assert_equal "${#stderr_lines[@]}" 2
	done
}

# start_idle_pair: a listener and a client that send nothing; sets $port
# and waits until the listener has accepted.
start_idle_pair() {
	start_listener l -b 127.0.0.1 0
	start_bg cl python3 "$PEER" idle-client 127.0.0.1 "$port"
	wait_for_line cl.out '^connected$'
	wait_for_line l.err '^connection from '
}

@test "info --watch: sockets with nothing to report are folded into one line; -v shows each" {
	start_idle_pair
	run -0 tt info --watch 0.2s -c 2 --port "$port"
	assert_line --index 0 --regexp '^[0-9:]{8}  2 sockets: the baseline; '
	assert_line --index 1 --regexp '^[0-9:]{8}  2 sockets, 0 new, 0 closed$'
	assert_line --index 2 '         2 sockets idle (not shown; -v shows every socket)'
	assert_line --index 3 --regexp '^[0-9:]{8}  2 sockets, 0 new, 0 closed$'
	assert_line --index 4 '         2 sockets idle (not shown; -v shows every socket)'
	[[ ${#lines[@]} == 5 ]] || fail "expected the baseline and 2 x (header, idle line): $output"
	# -v: both sockets in each report, and no folding.
	run -0 tt info --watch 0.2s -c 2 --port "$port" -v
	refute_line --partial 'idle (not shown'
	local shown
	shown=$(grep -cE "^         127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:[0-9]+ ESTABLISHED .*: [0-9.]+-[0-9.]+ s: sent 0 B \(0 B/s\), received 0 B " <<<"$output")
	[[ $shown == 4 ]] || fail "expected 2 reports x 2 idle sockets shown, got $shown: $output"
}

@test "info --watch --json: idle sockets are counted in the watch event and left out unless -v" {
	need_tool jq jq
	start_idle_pair
	run -0 tt info --watch 0.2s -c 2 --port "$port" --json
	run -0 jq -r '"\(.event) \(.report) \(.sockets) \(.idle)"' <<<"$output"
	assert_output $'watch 0 2 0\nwatch 1 2 2\nwatch 2 2 2'
	run -0 tt info --watch 0.2s -c 2 --port "$port" --json -v
	run -0 jq -r 'select(.event == "watch") | "\(.report) \(.idle)"' <<<"$output"
	assert_output $'0 0\n1 2\n2 2'
	run -0 tt info --watch 0.2s -c 2 --port "$port" --json -v
	run -0 jq -s '[.[] | select(.event == "interval" and .bytes_out == 0 and .bytes_in == 0)] | length' <<<"$output"
	assert_output 4
}

@test "info --watch: a busy connection is shown while an idle one on the same server is folded" {
	start_server e echo -b 127.0.0.1 0
	start_bg cl python3 "$PEER" idle-client 127.0.0.1 "$port"
	wait_for_line cl.out '^connected$'
	start_bg -i /dev/zero c "$TCPTOOL" -q connect --rate 100k 127.0.0.1 "$port"
	wait_for_count e.out '^connection from ' 2
	run -0 tt info --watch 0.3s -c 2 --port "$port"
	assert_line --index 1 --regexp '^[0-9:]{8}  4 sockets, 0 new, 0 closed$'
	assert_line --index 4 '         2 sockets idle (not shown; -v shows every socket)'
	assert_line --index 5 --regexp '^[0-9:]{8}  4 sockets, 0 new, 0 closed$'
	assert_line --index 8 '         2 sockets idle (not shown; -v shows every socket)'
	# The two shown are the busy pair, the connect's socket and the server's end of it.
	local pid
	pid=$(bg_pid c)
	assert_line --regexp "^         127\.0\.0\.1:$port > 127\.0\.0\.1:[0-9]+ ESTABLISHED .*: [0-9.]+-[0-9.]+ s: sent [0-9.]+ kB "
	assert_line --regexp "^         127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:$port ESTABLISHED [^ ]+ \(pid $pid\): [0-9.]+-[0-9.]+ s: sent [0-9.]+ kB "
	[[ ${lines[2]} == "         127.0.0.1:"* && ${lines[3]} == "         127.0.0.1:"* ]] || fail "$output"
	[[ ${lines[6]} == "         127.0.0.1:"* && ${lines[7]} == "         127.0.0.1:"* ]] || fail "$output"
	[[ ${#lines[@]} == 9 ]] || fail "expected the baseline and 2 x (header, 2 sockets, idle line): $output"
}

@test "info --watch --port: the kernel sends only the port's sockets, of either end and in every state asked" {
	need_tool jq jq
	local a b
	start_idle_pair
	a=$port
	# Another pair, on another port: none of it is listed.
	start_listener l2 -b 127.0.0.1 0
	b=$port
	start_bg cl2 python3 "$PEER" idle-client 127.0.0.1 "$b"
	wait_for_line cl2.out '^connected$'
	wait_for_line l2.err '^connection from '
	run -0 tt info --watch 0.2s -c 1 --port "$a" -a -v --json
	run -0 jq -r 'select(.event == "interval") | "\(.state) \(.local) \(.peer)"' <<<"$output"
	assert_equal "${#lines[@]}" 3
	assert_line "LISTEN 127.0.0.1:$a 0.0.0.0:0"
	assert_line --regexp "^ESTABLISHED 127\.0\.0\.1:$a 127\.0\.0\.1:[0-9]+$"
	assert_line --regexp "^ESTABLISHED 127\.0\.0\.1:[0-9]+ 127\.0\.0\.1:$a$"
	# info's list asks the same way: the listener too with -a, nothing of port b.
	run -0 tt info --port "$a" -a --json
	run -0 jq -r '"\(.state) \(.local)"' <<<"$output"
	refute_output --partial ":$b"
	assert_line "LISTEN 127.0.0.1:$a"
	assert_line --regexp "^ESTABLISHED 127\.0\.0\.1:$a$"
	assert_line --regexp "^ESTABLISHED 127\.0\.0\.1:[0-9]+$"
}
