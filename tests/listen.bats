#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# tcptool listen against real clients on loopback (127.0.0.1, 127.0.0.2,
# ::1): names, address families, relay, half-close, -k, -w, the accept
# queue, the event formats and the failure paths.

setup() {
	load helpers/common
	_common_setup
}

teardown() {
	_common_teardown
}

# --- the listening name ---------------------------------------------------------

@test "-b 127.0.0.1 0: a free port is picked, printed, and really listens" {
	start_listener l -b 127.0.0.1 0
	assert_regex "$port" '^[1-9][0-9]*$'
	run -0 --separate-stderr cat "$(D l.err)"
	assert_line --index 0 "listening on 127.0.0.1:$port"
	run -0 ss -Htln "sport = :$port"
	assert_output --regexp "127\.0\.0\.1:$port "
	bg_running l
}

@test "a fixed port is used as given" {
	local p
	p=$(free_port)
	start_listener l -b 127.0.0.1 "$p"
	assert_equal "$port" "$p"
	run -0 --separate-stderr tt connect --half-close --send x 127.0.0.1 "$p"
	assert_bg_exit l 0
}

@test "one client: stdout is exactly its bytes, then exit 0 with a summary" {
	start_listener l -b 127.0.0.1 0
	printf 'line one\nline two\n\0binary\377' >"$(D msg)"
	run -0 --separate-stderr tt connect --half-close 127.0.0.1 "$port" <"$(D msg)"
	assert_bg_exit l 0
	cmp "$(D msg)" "$(D l.out)"
	run -0 --separate-stderr cat "$(D l.err)"
	assert_line --index 1 --regexp "^connection from 127\.0\.0\.1:[0-9]+ to 127\.0\.0\.1:$port\$"
	assert_line --regexp "^closed 127\.0\.0\.1:[0-9]+: 26 bytes in, 0 bytes out in [0-9]+\.[0-9]{3} m?s; the peer closed first\$"
}

@test "the listener's names match what the client sees" {
	start_listener l -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --half-close --send x 127.0.0.1 "$port"
	local client_local
	client_local=$(sed -nE 's/^connected to 127\.0\.0\.1:[0-9]+ from ([^ ]+) in .*/\1/p' <<<"$stderr")
	[[ -n $client_local ]] || fail "no 'connected to' line: $stderr"
	assert_bg_exit l 0
	grep -qxF "connection from $client_local to 127.0.0.1:$port" "$(D l.err)" ||
		fail "listener did not name $client_local: $(cat "$(D l.err)")"
}

# --- address families -------------------------------------------------------------

@test "default: one dual-stack socket on [::]; an IPv4 client shows as IPv4" {
	start_listener l 0
	run -0 --separate-stderr cat "$(D l.err)"
	assert_line --index 0 "listening on [::]:$port (IPv4 and IPv6)"
	run -0 --separate-stderr tt connect --half-close --send v4 127.0.0.1 "$port"
	assert_regex "${stderr_lines[0]}" "^connected to 127\.0\.0\.1:$port from 127\.0\.0\.1:[0-9]+ in "
	assert_bg_exit l 0
	assert_equal "$(cat "$(D l.out)")" "v4"
	grep -qE "^connection from 127\.0\.0\.1:[0-9]+ to 127\.0\.0\.1:$port\$" "$(D l.err)" ||
		fail "$(show l)"
}

@test "default: the dual-stack socket takes an IPv6 client on ::1 too" {
	start_listener l 0
	run -0 --separate-stderr tt connect --half-close --send v6 ::1 "$port"
	assert_regex "${stderr_lines[0]}" "^connected to \[::1\]:$port from \[::1\]:[0-9]+ in "
	assert_bg_exit l 0
	assert_equal "$(cat "$(D l.out)")" "v6"
	grep -qE "^connection from \[::1\]:[0-9]+ to \[::1\]:$port\$" "$(D l.err)" || fail "$(show l)"
}

@test "-4: listens on 0.0.0.0 only; ::1 is refused, 127.0.0.1 is served" {
	start_listener l -4 0
	assert_equal "$(head -n1 "$(D l.err)")" "listening on 0.0.0.0:$port"
	run -1 --separate-stderr tt connect --send x ::1 "$port"
	assert_regex "$stderr" "Connection refused"
	run -0 --separate-stderr tt connect --half-close --send x 127.0.0.1 "$port"
	assert_bg_exit l 0
}

@test "-6: listens on [::] for IPv6 only; 127.0.0.1 is refused, ::1 is served" {
	start_listener l -6 0
	assert_equal "$(head -n1 "$(D l.err)")" "listening on [::]:$port"
	run -1 --separate-stderr tt connect --send x 127.0.0.1 "$port"
	assert_regex "$stderr" "Connection refused"
	run -0 --separate-stderr tt connect --half-close --send x ::1 "$port"
	assert_bg_exit l 0
}

@test "-b ::1 and -b [::1]: IPv6 loopback only" {
	local b
	for b in ::1 '[::1]'; do
		start_listener "l$b" -b "$b" 0
		assert_equal "$(head -n1 "$(D "l$b.err")")" "listening on [::1]:$port"
		run -1 --separate-stderr tt connect --send x 127.0.0.1 "$port"
		run -0 --separate-stderr tt connect --half-close --send x '[::1]' "$port"
		assert_bg_exit "l$b" 0
	done
}

@test "-b 127.0.0.2: another loopback address, not 127.0.0.1" {
	start_listener l -b 127.0.0.2 0
	assert_equal "$(head -n1 "$(D l.err)")" "listening on 127.0.0.2:$port"
	run -1 --separate-stderr tt connect --send x 127.0.0.1 "$port"
	run -0 --separate-stderr tt connect --half-close --send x 127.0.0.2 "$port"
	assert_bg_exit l 0
	grep -qE "^connection from 127\.0\.0\.1:[0-9]+ to 127\.0\.0\.2:$port\$" "$(D l.err)" || fail "$(show l)"
}

# --- byte-exact transfers -----------------------------------------------------------

@test "64 MiB from a client to the listener arrive byte for byte" {
	local big
	big=$(big_file big 64M)
	start_listener l -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --half-close 127.0.0.1 "$port" <"$big"
	assert_equal "$output" ""
	assert_bg_exit l 0
	cmp "$big" "$(D l.out)"
	grep -qE "^closed 127\.0\.0\.1:[0-9]+: 67108864 bytes in, 0 bytes out in .*; the peer closed first\$" \
		"$(D l.err)" || fail "$(show l)"
	assert_regex "$stderr" "closed 127\.0\.0\.1:$port: 0 bytes in, 67108864 bytes out in [0-9.]+ m?s; we closed first \(FIN\)"
}

@test "64 MiB from the listener to a client arrive byte for byte" {
	local big
	big=$(big_file big 64M)
	LISTEN_STDIN=$big start_listener l --half-close -b 127.0.0.1 0
	tt connect 127.0.0.1 "$port" </dev/null >"$(D c.out)" 2>"$(D c.err)"
	assert_bg_exit l 0
	cmp "$big" "$(D c.out)"
	assert_equal "$(wc -c <"$(D l.out)")" 0
	grep -qE "^closed 127\.0\.0\.1:[0-9]+: 0 bytes in, 67108864 bytes out in .*; we closed first \(FIN\)\$" \
		"$(D l.err)" || fail "$(show l)"
	grep -qE "^closed 127\.0\.0\.1:$port: 67108864 bytes in, 0 bytes out in .*; the peer closed first\$" \
		"$(D c.err)" || fail "$(cat "$(D c.err)")"
}

# --- half-close ---------------------------------------------------------------------

@test "the listener sees EOF only after the client's --half-close" {
	mkfifo "$(D fifo)"
	exec 7<>"$(D fifo)"
	start_listener l -b 127.0.0.1 0
	start_bg -i "$(D fifo)" c "$TCPTOOL" connect --half-close 127.0.0.1 "$port"
	printf 'first ' >&7
	wait_for_line l.out 'first'
	# The client's stdin is still open: the connection must still be up.
	bg_running l || fail "listener ended before the client's FIN: $(show l)"
	! grep -q 'peer closed its side' "$(D l.err)" || fail "$(show l)"
	printf 'second' >&7
	exec 7>&-
	assert_bg_exit c 0
	assert_bg_exit l 0
	assert_equal "$(cat "$(D l.out)")" "first second"
	grep -qx 'peer closed its side (FIN) after sending 12 bytes' "$(D l.err)" || fail "$(show l)"
	grep -q 'sent FIN' "$(D c.err)" || fail "$(show c)"
}

@test "without --half-close the listener sends no FIN at stdin EOF; the client keeps reading" {
	start_listener l -b 127.0.0.1 0
	# The client waits for a FIN that must not come, and gives up after -w.
	run -4 --separate-stderr tt connect -w 500ms 127.0.0.1 "$port" </dev/null
	assert_regex "$stderr" "idle for 500 ms: nothing sent or received, giving up"
	refute_regex "$stderr" "peer closed its side"
	assert_bg_exit l 0
	run -0 --separate-stderr cat "$(D l.err)"
	assert_line --regexp '^stdin ended after 0 bytes; still reading until the peer closes'
	refute_line --partial 'sent FIN'
	assert_line --regexp '; the peer closed first$'
}

@test "--half-close: the listener sends FIN at stdin EOF and closed first" {
	printf 'answer' >"$(D in)"
	LISTEN_STDIN=$(D in) start_listener l --half-close -b 127.0.0.1 0
	run -0 --separate-stderr tt connect 127.0.0.1 "$port" </dev/null
	assert_output "answer"
	assert_regex "$stderr" "peer closed its side \(FIN\) after sending 6 bytes"
	assert_regex "$stderr" "closed 127\.0\.0\.1:$port: 6 bytes in, 0 bytes out in [0-9.]+ m?s; the peer closed first"
	assert_bg_exit l 0
	run -0 --separate-stderr cat "$(D l.err)"
	assert_line --regexp '^stdin ended after 6 bytes: sent FIN with shutdown\(SHUT_WR\)'
	assert_line --regexp '^closed 127\.0\.0\.1:[0-9]+: 0 bytes in, 6 bytes out in [0-9.]+ m?s; we closed first \(FIN\)$'
}

@test "--half-close: after the client's FIN the listener still sends its answer" {
	mkfifo "$(D fifo)"
	exec 7<>"$(D fifo)"
	LISTEN_STDIN=$(D fifo) start_listener l --half-close -b 127.0.0.1 0
	start_bg c "$TCPTOOL" connect --half-close --send request 127.0.0.1 "$port"
	# The answer is written only once the listener has seen the request's end.
	wait_for_line l.err '^peer closed its side \(FIN\) after sending 7 bytes$'
	printf 'answer' >&7
	exec 7>&-
	assert_bg_exit c 0
	assert_bg_exit l 0
	assert_equal "$(cat "$(D l.out)")" "request"
	assert_equal "$(cat "$(D c.out)")" "answer"
	grep -qE '; the peer closed first$' "$(D l.err)" || fail "$(show l)"
	grep -qE '; we closed first \(FIN\)$' "$(D c.err)" || fail "$(show c)"
}

@test "without --half-close the listener stops at the client's FIN, stdin or not" {
	mkfifo "$(D fifo)"
	# Our end of the FIFO stays open: the listener's stdin never ends.
	exec 7<>"$(D fifo)"
	LISTEN_STDIN=$(D fifo) start_listener l -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --half-close --send bye 127.0.0.1 "$port"
	assert_bg_exit l 0
	assert_equal "$(cat "$(D l.out)")" "bye"
}

# With fd 0 closed, the next socket would become fd 0 and pass for stdin.
@test "a closed stdin is an empty one" {
	# shellcheck disable=SC2016 # $0 and $1 belong to the inner shell
	start_bg l sh -c 'exec "$0" listen --half-close -b 127.0.0.1 0 <&-' "$TCPTOOL"
	port=$(wait_for_port l)
	run -0 --separate-stderr timeout 3 "$TCPTOOL" connect --half-close --send x 127.0.0.1 "$port"
	assert_output ""
	assert_bg_exit l 0
	grep -q '^stdin ended after 0 bytes: sent FIN' "$(D l.err)" || fail "$(show l)"
}

# --- -k ---------------------------------------------------------------------------

@test "-k serves two clients one after the other and keeps listening" {
	start_listener l -k -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --half-close --send 'one ' 127.0.0.1 "$port"
	run -0 --separate-stderr tt connect --half-close --send 'two' 127.0.0.1 "$port"
	wait_for_line l.err '^closed .*: 3 bytes in'
	assert_equal "$(cat "$(D l.out)")" "one two"
	assert_equal "$(grep -c '^connection from 127\.0\.0\.1:' "$(D l.err)")" 2
	assert_equal "$(grep -c '^closed 127\.0\.0\.1:' "$(D l.err)")" 2
	bg_running l || fail "listen -k exited: $(show l)"
	run -0 ss -Htln "sport = :$port"
	assert_output --partial "127.0.0.1:$port"
}

@test "-k: a client's RST is its own trouble; the next client is served" {
	# The resetting client waits for a byte from us, so it is surely accepted.
	printf 'x' >"$(D in)"
	LISTEN_STDIN=$(D in) start_listener l -k -b 127.0.0.1 0
	run -0 timeout "$T_MAX" python3 "$PEER" rst-client 127.0.0.1 "$port" 1000
	wait_for_line l.err 'peer reset the connection \(RST\)'
	run -0 --separate-stderr tt connect --half-close --send after 127.0.0.1 "$port"
	wait_for_line l.err '^closed .*: 5 bytes in, '
	bg_running l || fail "listen -k ended after a reset: $(show l)"
	[[ $(cat "$(D l.out)") == *after ]] || fail "$(show l)"
}

@test "-k --half-close: stdin is shared; once it has ended, the next client gets FIN at once" {
	printf 'only once' >"$(D in)"
	LISTEN_STDIN=$(D in) start_listener l -k --half-close -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --half-close --send one 127.0.0.1 "$port"
	assert_output "only once"
	run -0 --separate-stderr tt connect --half-close --send two 127.0.0.1 "$port"
	assert_output ""
	assert_regex "$stderr" "peer closed its side \(FIN\) after sending 0 bytes"
	wait_for_line l.err '^closed .*: 3 bytes in, 0 bytes out '
	assert_equal "$(cat "$(D l.out)")" "onetwo"
}

@test "-k with -w: exits 4 when no further client comes" {
	start_listener l -k -w 1s -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --half-close --send 'one' 127.0.0.1 "$port"
	assert_bg_exit l 4
	assert_equal "$(cat "$(D l.out)")" "one"
	assert_equal "$(tail -n1 "$(D l.err)")" "tcptool: no client connected within 1 s"
}

# --- -w -----------------------------------------------------------------------------

@test "-w: no client within DUR exits 4" {
	run -4 --separate-stderr tt listen -w 300ms -b 127.0.0.1 0
	assert_equal "$output" ""
	assert_equal "${#stderr_lines[@]}" 2
	assert_regex "${stderr_lines[0]}" '^listening on 127\.0\.0\.1:[0-9]+$'
	assert_equal "${stderr_lines[1]}" "tcptool: no client connected within 300 ms"
}

@test "-w: a client that goes idle during the relay ends it with exit 4" {
	mkfifo "$(D fifo)"
	# The client's stdin stays open and empty: neither side sends anything.
	exec 7<>"$(D fifo)"
	# -w also bounds the wait for the client, so leave it time to connect.
	start_listener l --json -w 1s -b 127.0.0.1 0
	start_bg -i "$(D fifo)" c "$TCPTOOL" connect 127.0.0.1 "$port"
	assert_bg_exit l 4
	json_check "$(D l.err)" \
		'len(ev["accepted"]) == 1' \
		'ev["closed"][0]["end"] == "timeout"' \
		'ev["closed"][0]["first_fin"] == "none"' \
		'ev["closed"][0]["bytes_in"] == 0 and ev["closed"][0]["bytes_out"] == 0' \
		'ev["error"][0]["message"] == "idle for 1 s: nothing sent or received, giving up"'
	# The listener's close is the client's end.
	assert_bg_exit c 0
}

@test "-w counts idle time only: a slow but steady client is served" {
	mkfifo "$(D fifo)"
	exec 7<>"$(D fifo)"
	start_listener l -w 1s -b 127.0.0.1 0
	start_bg -i "$(D fifo)" c "$TCPTOOL" connect --half-close 127.0.0.1 "$port"
	# Four pauses well under 1s each, longer than 1s in all.
	local i
	for i in 1 2 3 4 5; do
		printf '%s' "$i" >&7
		wait_for_line l.out "$i"
		((i < 5)) && sleep 0.35
	done
	exec 7>&-
	assert_bg_exit c 0
	assert_bg_exit l 0
	assert_equal "$(cat "$(D l.out)")" "12345"
}

# --- the accept queue --------------------------------------------------------------

@test "--accept-delay with --backlog and -k: two clients wait in the queue, one leaves per round" {
	start_listener l -k --accept-delay 1s --backlog 5 -b 127.0.0.1 0
	# Both handshakes complete during the delay, without accept().
	start_bg c1 "$TCPTOOL" connect --half-close --send one 127.0.0.1 "$port"
	start_bg c2 "$TCPTOOL" connect --half-close --send two 127.0.0.1 "$port"
	assert_bg_exit c1 0 150
	assert_bg_exit c2 0 150
	run -0 --separate-stderr cat "$(D l.err)"
	assert_line --index 1 --regexp '^waiting .* before accept\(\)'
	assert_line --index 2 "accept queue: 2 connections waiting (backlog 5)"
	assert_line --index 3 --regexp '^connection from 127\.0\.0\.1:[0-9]+ to 127\.0\.0\.1:'"$port"'$'
	assert_line "accept queue: 1 connection waiting (backlog 5)"
	assert_equal "$(grep -c '^connection from ' "$(D l.err)")" 2
	[[ $(cat "$(D l.out)") == onetwo || $(cat "$(D l.out)") == twoone ]] || fail "$(show l)"
}

@test "--accept-delay --json: the accept_wait and accept_queue events" {
	run -4 --separate-stderr tt listen --json --accept-delay 100ms -w 100ms --backlog 3 -b 127.0.0.1 0
	printf '%s\n' "$stderr" >"$(D events)"
	json_check "$(D events)" \
		'ev["accept_wait"][0]["delay_ms"] == 100' \
		'ev["accept_queue"][0]["queued"] == 0' \
		'ev["accept_queue"][0]["backlog"] == 3' \
		'ev["listening"][0]["backlog"] == 3' \
		'len(ev["error"]) == 1'
}

@test "--backlog 0 with --accept-delay: a full accept queue drops new SYNs" {
	start_listener l --backlog 0 --accept-delay 60s -b 127.0.0.1 0
	# Linux admits backlog + 1 connections: one filler fills the queue.
	start_bg f1 python3 "$PEER" idle-client 127.0.0.1 "$port"
	wait_for_line f1.out '^connected$'
	wait_for_accept_queue "$port" 1
	run -4 --separate-stderr tt connect -w 1s 127.0.0.1 "$port"
	assert_equal "$stderr" "tcptool: connect 127.0.0.1:$port: timed out after 1 s (the SYN got no answer)"
}

# --- event formats ------------------------------------------------------------------

@test "-v: a tcp_info line after the accept" {
	start_listener l -v -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --half-close --send x 127.0.0.1 "$port"
	assert_bg_exit l 0
	run -0 --separate-stderr cat "$(D l.err)"
	assert_line --index 2 --regexp '^tcp_info: (ESTABLISHED|CLOSE_WAIT), rtt [0-9]+\.[0-9]{3} ms \(var [0-9]+\.[0-9]{3}\), mss [0-9]+ out / [0-9]+ in, window scale -?[0-9]+ / -?[0-9]+, sack (yes|no), timestamps (yes|no), cwnd [0-9]+ segments, [a-z0-9_?]+$'
}

@test "-q: no event lines, the data still on stdout" {
	# No listening line to read the port from: take a free one.
	port=$(free_port)
	start_bg l "$TCPTOOL" listen -q -b 127.0.0.1 "$port"
	wait_for_listen "$port"
	run -0 --separate-stderr tt connect -q --half-close --send quiet 127.0.0.1 "$port"
	assert_equal "$stderr" ""
	assert_bg_exit l 0
	assert_equal "$(cat "$(D l.err)")" ""
	assert_equal "$(cat "$(D l.out)")" "quiet"
}

@test "--json: every event is one JSON object with the documented keys" {
	printf 'reply' >"$(D in)"
	LISTEN_STDIN=$(D in) start_listener l --json -v --half-close -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --half-close --send request 127.0.0.1 "$port"
	assert_bg_exit l 0
	python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <"$(D l.err)"
	json_check "$(D l.err)" \
		'set(ev) >= {"listening", "accepted", "tcp_info", "fin_sent", "peer_fin", "closed"}' \
		'ev["listening"][0]["local"] == "127.0.0.1:'"$port"'"' \
		'ev["listening"][0]["dual_stack"] is False and ev["listening"][0]["backlog"] == 128' \
		'ev["accepted"][0]["local"] == "127.0.0.1:'"$port"'"' \
		'ev["accepted"][0]["peer"].startswith("127.0.0.1:")' \
		'ev["tcp_info"][0]["state"] in ("ESTABLISHED", "CLOSE_WAIT")' \
		'all(k in ev["tcp_info"][0] for k in ("rtt_ms", "rttvar_ms", "snd_mss", "rcv_mss", "snd_wscale", "rcv_wscale", "sack", "timestamps", "snd_cwnd"))' \
		'ev["fin_sent"][0]["bytes_out"] == 5' \
		'ev["peer_fin"][0]["bytes_in"] == 7' \
		'ev["closed"][0]["bytes_in"] == 7 and ev["closed"][0]["bytes_out"] == 5' \
		'ev["closed"][0]["peer"] == ev["accepted"][0]["peer"]' \
		'isinstance(ev["closed"][0]["duration_ms"], float)' \
		'ev["closed"][0]["first_fin"] in ("us", "peer") and ev["closed"][0]["end"] == "fin"' \
		'all(isinstance(e["t"], float) for l in ev.values() for e in l)'
	assert_equal "$(cat "$(D l.out)")" "request"
}

@test "--json: the listening event of the default dual-stack socket" {
	start_listener l --json --backlog 7 0
	json_check "$(D l.err)" \
		'ev["listening"][0]["local"] == "[::]:'"$port"'"' \
		'ev["listening"][0]["dual_stack"] is True' \
		'ev["listening"][0]["backlog"] == 7'
}

# --- failures -------------------------------------------------------------------------

@test "a port in use: exit 1, Address already in use, and who holds it" {
	start_listener l1 -b 127.0.0.1 0
	run -1 --separate-stderr tt listen -b 127.0.0.1 "$port"
	assert_equal "$output" ""
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" "^tcptool: listen on 127\.0\.0\.1 port $port: Address already in use"
	assert_regex "$stderr" "\(pid $(bg_pid l1)\)"
	bg_running l1
}

@test "a port with only TIME_WAIT leftovers can be bound again at once" {
	local p
	p=$(free_port)
	# The listener closes first, so its side of the connection is left in TIME_WAIT.
	start_listener l1 --half-close -b 127.0.0.1 "$p"
	run -0 --separate-stderr tt connect 127.0.0.1 "$p" </dev/null
	assert_bg_exit l1 0
	run -0 ss -Htan state time-wait "sport = :$p"
	assert_output --partial "127.0.0.1:$p"
	start_listener l2 -b 127.0.0.1 "$p"
	assert_equal "$port" "$p"
	run -0 --separate-stderr tt connect --half-close --send again 127.0.0.1 "$p"
	assert_bg_exit l2 0
}

@test "a bind address that is not a loopback name fails to resolve: exit 3" {
	can_unshare_net || skip "unshare -n is not permitted here"
	run -3 --separate-stderr timeout 10 unshare -n "$TCPTOOL" listen -b no-such-host.invalid 0
	assert_regex "$stderr" "^tcptool: cannot resolve bind address 'no-such-host\.invalid': "
}

@test "a client's RST mid-transfer: exit 1, reset reported" {
	printf 'hello' >"$(D in)"
	LISTEN_STDIN=$(D in) start_listener l -b 127.0.0.1 0
	run -0 python3 "$PEER" rst-client 127.0.0.1 "$port" 100000
	assert_bg_exit l 1
	run -0 --separate-stderr cat "$(D l.err)"
	assert_line 'peer reset the connection (RST)'
	assert_line --regexp '^closed 127\.0\.0\.1:[0-9]+: [0-9]+ bytes in, 5 bytes out in [0-9.]+ m?s; reset by the peer \(RST\)$'
	assert_line --regexp '^tcptool: connection broke: Connection reset by peer'
}

@test "stdout that goes away: exit 1, no hang" {
	local big
	big=$(big_file big 64M)
	# shellcheck disable=SC2016 # $0 and $1 belong to the inner shell
	start_bg l bash -c '"$0" listen -b 127.0.0.1 0 | head -c 10 >"$1"; exit "${PIPESTATUS[0]}"' \
		"$TCPTOOL" "$(D head.out)"
	port=$(wait_for_port l)
	run --separate-stderr tt connect --half-close 127.0.0.1 "$port" <"$big"
	assert_bg_exit l 1
	assert_equal "$(wc -c <"$(D head.out)")" 10
	grep -q '^tcptool: write to stdout: Broken pipe' "$(D l.err)" || fail "$(show l)"
}

@test "a closed stdout: exit 1 with a write error" {
	# shellcheck disable=SC2016 # $0 and $1 belong to the inner shell
	start_bg l sh -c 'exec "$0" listen -b 127.0.0.1 0 >&-' "$TCPTOOL"
	port=$(wait_for_port l)
	run --separate-stderr tt connect --half-close --send data 127.0.0.1 "$port"
	assert_bg_exit l 1
	grep -q '^tcptool: write to stdout: ' "$(D l.err)" || fail "$(show l)"
}
