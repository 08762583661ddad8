#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# tcptool connect against real servers on loopback (127.0.0.1, 127.0.0.2,
# ::1): tcptool listen and Python socket peers.  Names, families, source
# address and port, relay, half-close, --send, events, failures.

setup() {
	load helpers/common
	_common_setup
}

teardown() {
	_common_teardown
}

HS='in [0-9]+\.[0-9]{3} ms' # a handshake or duration time

# --- names and families ------------------------------------------------------------

@test "connect prints both names and the handshake time, then relays" {
	printf 'from the server' >"$(D in)"
	LISTEN_STDIN=$(D in) start_listener l --half-close -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --half-close --send 'from the client' 127.0.0.1 "$port"
	assert_output "from the server"
	assert_regex "${stderr_lines[0]}" "^connected to 127\.0\.0\.1:$port from 127\.0\.0\.1:[0-9]+ $HS\$"
	assert_regex "${stderr_lines[-1]}" "^closed 127\.0\.0\.1:$port: 15 bytes in, 15 bytes out $HS; "
	assert_bg_exit l 0
	assert_equal "$(cat "$(D l.out)")" "from the client"
}

@test "a host name: the lookup time is shown too" {
	localhost_in_hosts || skip "no localhost in /etc/hosts (we never ask DNS)"
	# A dual-stack listener serves whichever address localhost has first.
	start_listener l 0
	run -0 --separate-stderr tt connect --half-close --send x localhost "$port"
	assert_regex "$stderr" "(^|"$'\n'")connected to (127\.0\.0\.1|\[::1\]):$port from [^ ]+ $HS \(localhost resolved $HS\)"
	assert_bg_exit l 0
}

@test "IPv6: ::1 and [::1] are the same host" {
	local h
	for h in ::1 '[::1]'; do
		start_listener "l$h" -b ::1 0
		run -0 --separate-stderr tt connect --half-close --send v6 "$h" "$port"
		assert_regex "${stderr_lines[0]}" "^connected to \[::1\]:$port from \[::1\]:[0-9]+ $HS\$"
		assert_bg_exit "l$h" 0
		assert_equal "$(cat "$(D "l$h.out")")" "v6"
	done
}

@test "-6 and -4, before or after the command, choose the family of HOST's addresses" {
	start_listener l -k 0
	run -0 --separate-stderr tt -6 connect --half-close --send a ::1 "$port"
	run -0 --separate-stderr tt connect --half-close --send b -6 ::1 "$port"
	run -0 --separate-stderr tt -4 connect --half-close --send c 127.0.0.1 "$port"
	run -0 --separate-stderr tt connect --half-close --send d 127.0.0.1 "$port" -4
	wait_for_line l.out 'abcd'
	# The wrong family for a literal: no address to try, exit 3.
	run -3 --separate-stderr tt connect -4 ::1 "$port"
	assert_regex "$stderr" "^tcptool: cannot resolve host '::1': "
	run -3 --separate-stderr tt -6 connect 127.0.0.1 "$port"
	assert_regex "$stderr" "^tcptool: cannot resolve host '127\.0\.0\.1': "
}

@test "-4 with a name connects over IPv4" {
	localhost_in_hosts 127.0.0.1 || skip "no 127.0.0.1 localhost in /etc/hosts (we never ask DNS)"
	start_listener l 0
	run -0 --separate-stderr tt -4 connect --half-close --send x localhost "$port"
	assert_regex "${stderr_lines[0]}" "^connected to 127\.0\.0\.1:$port from 127\.0\.0\.1:"
	assert_bg_exit l 0
}

# --- source address and port -----------------------------------------------------------

@test "-s 127.0.0.2: the connection comes from that loopback address" {
	start_listener l -b 127.0.0.1 0
	run -0 --separate-stderr tt connect -s 127.0.0.2 --half-close --send x 127.0.0.1 "$port"
	assert_regex "${stderr_lines[0]}" "^connected to 127\.0\.0\.1:$port from 127\.0\.0\.2:[0-9]+ $HS\$"
	assert_bg_exit l 0
	grep -qE "^connection from 127\.0\.0\.2:[0-9]+ to 127\.0\.0\.1:$port\$" "$(D l.err)" || fail "$(show l)"
}

@test "-s of the other family than HOST: exit 1, no address of that family" {
	start_listener l -b 127.0.0.1 0
	run -1 --separate-stderr tt connect -s ::1 127.0.0.1 "$port"
	assert_regex "$stderr" "^tcptool: connect 127\.0\.0\.1:$port: Address family not supported"
	bg_running l
}

@test "-p: a fixed source port, usable again at once while the last use is in TIME_WAIT" {
	local sp
	sp=$(free_port)
	start_listener l1 -b 127.0.0.1 0
	local p1=$port
	run -0 --separate-stderr tt connect -p "$sp" --half-close --send one 127.0.0.1 "$p1"
	assert_regex "${stderr_lines[0]}" "^connected to 127\.0\.0\.1:$p1 from 127\.0\.0\.1:$sp $HS\$"
	assert_bg_exit l1 0
	grep -qE "^connection from 127\.0\.0\.1:$sp to " "$(D l1.err)" || fail "$(show l1)"
	# We sent the first FIN, so our end of that connection is in TIME_WAIT.
	run -0 ss -Htan state time-wait "sport = :$sp"
	assert_output --partial "127.0.0.1:$sp"
	start_listener l2 -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --source-port "$sp" --half-close --send two 127.0.0.1 "$port"
	assert_regex "${stderr_lines[0]}" " from 127\.0\.0\.1:$sp $HS\$"
	assert_bg_exit l2 0
}

@test "-s and -p together" {
	local sp
	sp=$(free_port 127.0.0.2)
	start_listener l -b 127.0.0.1 0
	run -0 --separate-stderr tt connect -s 127.0.0.2 -p "$sp" --half-close --send x 127.0.0.1 "$port"
	assert_regex "${stderr_lines[0]}" " from 127\.0\.0\.2:$sp $HS\$"
	assert_bg_exit l 0
	grep -qE "^connection from 127\.0\.0\.2:$sp to " "$(D l.err)" || fail "$(show l)"
}

# --- --send and half-close -----------------------------------------------------------------

@test "--send TEXT: exactly TEXT, no newline, and stdin is not read" {
	start_listener l -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --half-close --send 'Hi there, server' 127.0.0.1 "$port" \
		<<<"this came from stdin"
	assert_regex "$stderr" "--send text sent \(16 bytes\): sent FIN"
	assert_bg_exit l 0
	printf 'Hi there, server' | cmp - "$(D l.out)"
}

@test "--send with an empty TEXT sends nothing" {
	start_listener l -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --half-close --send '' 127.0.0.1 "$port" <<<"stdin"
	assert_bg_exit l 0
	assert_equal "$(wc -c <"$(D l.out)")" 0
}

@test "--half-close: FIN at stdin EOF, the listener sees EOF, we closed first" {
	start_listener l -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --half-close 127.0.0.1 "$port" <<<"request"
	assert_regex "$stderr" "stdin ended after 8 bytes: sent FIN with shutdown\(SHUT_WR\)"
	assert_regex "$stderr" "peer closed its side \(FIN\) after sending 0 bytes"
	assert_regex "${stderr_lines[-1]}" "^closed 127\.0\.0\.1:$port: 0 bytes in, 8 bytes out $HS; we closed first \(FIN\)\$"
	assert_bg_exit l 0
	assert_equal "$(cat "$(D l.out)")" "request"
	grep -qE '; the peer closed first$' "$(D l.err)" || fail "$(show l)"
}

@test "without --half-close: after --send, connect keeps reading until the server closes" {
	mkfifo "$(D fifo)"
	exec 7<>"$(D fifo)"
	LISTEN_STDIN=$(D fifo) start_listener l --half-close -b 127.0.0.1 0
	start_bg c "$TCPTOOL" connect --send question 127.0.0.1 "$port"
	# The answer is written only after the client has sent all it will send.
	wait_for_line c.err '^--send text sent \(8 bytes\); still reading'
	wait_for_line l.out 'question'
	printf 'answer' >&7
	exec 7>&-
	assert_bg_exit c 0
	assert_bg_exit l 0
	assert_equal "$(cat "$(D c.out)")" "answer"
	! grep -q 'sent FIN' "$(D c.err)" || fail "$(show c)"
	grep -qE '; the peer closed first$' "$(D c.err)" || fail "$(show c)"
}

@test "--half-close: after the server's FIN, connect still sends the rest of stdin" {
	mkfifo "$(D fifo)"
	exec 7<>"$(D fifo)"
	start_bg s python3 "$PEER" fin-first-server
	port=$(wait_for_port s)
	start_bg -i "$(D fifo)" c "$TCPTOOL" connect --half-close 127.0.0.1 "$port"
	wait_for_line c.err '^peer closed its side \(FIN\) after sending 0 bytes$'
	printf 'late data' >&7
	exec 7>&-
	assert_bg_exit c 0
	assert_bg_exit s 0
	assert_equal "$(cat "$(D s.out)")" "late data"
	grep -qE "^closed 127\.0\.0\.1:$port: 0 bytes in, 9 bytes out .*; the peer closed first\$" "$(D c.err)" ||
		fail "$(show c)"
}

@test "without --half-close: the server's FIN ends the relay even with stdin open" {
	mkfifo "$(D fifo)"
	exec 7<>"$(D fifo)"
	start_bg s python3 "$PEER" fin-first-server
	port=$(wait_for_port s)
	start_bg -i "$(D fifo)" c "$TCPTOOL" connect 127.0.0.1 "$port"
	assert_bg_exit c 0
	assert_bg_exit s 0
	assert_equal "$(cat "$(D s.out)")" ""
}

# With fd 0 closed, the connected socket would become fd 0 and pass for stdin.
@test "a closed stdin is an empty one" {
	printf 'hello' >"$(D in)"
	LISTEN_STDIN=$(D in) start_listener l -b 127.0.0.1 0
	# shellcheck disable=SC2016 # $0 and $1 belong to the inner shell
	run -0 --separate-stderr timeout 3 sh -c 'exec "$0" connect --half-close 127.0.0.1 "$1" <&-' \
		"$TCPTOOL" "$port"
	assert_equal "$output" "hello"
	assert_bg_exit l 0
	assert_equal "$(wc -c <"$(D l.out)")" 0
}

# --- byte-exact transfers ----------------------------------------------------------------------

@test "64 MiB from connect to a Python server arrive byte for byte" {
	local big sum
	big=$(big_file big 64M)
	sum=$(sha256sum <"$big")
	start_bg s python3 "$PEER" sink-server
	port=$(wait_for_port s)
	run -0 --separate-stderr tt connect --half-close 127.0.0.1 "$port" <"$big"
	assert_regex "${stderr_lines[-1]}" "^closed 127\.0\.0\.1:$port: 0 bytes in, 67108864 bytes out $HS; we closed first \(FIN\)\$"
	assert_bg_exit s 0
	assert_equal "$(cat "$(D s.out)")" "67108864 ${sum%% *}"
}

@test "64 MiB from a Python server to connect arrive byte for byte" {
	local big
	big=$(big_file big 64M)
	start_bg s python3 "$PEER" source-server "$big"
	port=$(wait_for_port s)
	tt connect 127.0.0.1 "$port" </dev/null >"$(D c.out)" 2>"$(D c.err)" || fail "exit $?: $(cat "$(D c.err)")"
	cmp "$big" "$(D c.out)"
	grep -qE "^closed 127\.0\.0\.1:$port: 67108864 bytes in, 0 bytes out .*; the peer closed first\$" "$(D c.err)" ||
		fail "$(cat "$(D c.err)")"
	assert_bg_exit s 0
	assert_equal "$(cat "$(D s.out)")" "0"
}

@test "64 MiB each way at once between connect and listen, both with --half-close" {
	local up down
	up=$(big_file big 64M)
	down=$(big_file big2 64M)
	LISTEN_STDIN=$down start_listener l --half-close -b 127.0.0.1 0
	tt connect --half-close 127.0.0.1 "$port" <"$up" >"$(D c.out)" 2>"$(D c.err)" ||
		fail "exit $?: $(cat "$(D c.err)")"
	assert_bg_exit l 0
	cmp "$up" "$(D l.out)"
	cmp "$down" "$(D c.out)"
	grep -qE "^closed .*: 67108864 bytes in, 67108864 bytes out " "$(D c.err)" || fail "$(cat "$(D c.err)")"
	grep -qE "^closed .*: 67108864 bytes in, 67108864 bytes out " "$(D l.err)" || fail "$(show l)"
}

# --- event formats ----------------------------------------------------------------------

@test "-v: a tcp_info line right after connected" {
	start_listener l -b 127.0.0.1 0
	run -0 --separate-stderr tt connect -v --half-close --send x 127.0.0.1 "$port"
	assert_regex "${stderr_lines[0]}" "^connected to "
	assert_regex "${stderr_lines[1]}" '^tcp_info: ESTABLISHED, rtt [0-9]+\.[0-9]{3} ms \(var [0-9]+\.[0-9]{3}\), mss [0-9]+ out / [0-9]+ in, window scale -?[0-9]+ / -?[0-9]+, sack (yes|no), timestamps (yes|no), cwnd [0-9]+ segments, [a-z0-9_?]+$'
	assert_bg_exit l 0
}

@test "-v: a failed address is reported even when it is the last one" {
	local p
	p=$(free_port)
	run -1 --separate-stderr tt connect -v 127.0.0.1 "$p"
	assert_equal "${#stderr_lines[@]}" 2
	assert_regex "${stderr_lines[0]}" "^connect 127\.0\.0\.1:$p failed after [0-9]+\.[0-9]{3} m?s: Connection refused\$"
	assert_regex "${stderr_lines[1]}" "^tcptool: connect 127\.0\.0\.1:$p: Connection refused"
}

@test "-q: nothing on stderr, the data on stdout" {
	printf 'quiet reply' >"$(D in)"
	LISTEN_STDIN=$(D in) start_listener l --half-close -b 127.0.0.1 0
	run -0 --separate-stderr tt -q connect 127.0.0.1 "$port" </dev/null
	assert_equal "$stderr" ""
	assert_equal "$output" "quiet reply"
	assert_bg_exit l 0
}

@test "-q still prints an error line" {
	local p
	p=$(free_port)
	run -1 --separate-stderr tt connect -q 127.0.0.1 "$p"
	assert_equal "$output" ""
	assert_regex "$stderr" "^tcptool: connect 127\.0\.0\.1:$p: Connection refused"
}

@test "--json: every event is one JSON object with the documented keys" {
	printf 'pong' >"$(D in)"
	LISTEN_STDIN=$(D in) start_listener l -b 127.0.0.1 0
	tt --json connect -v --half-close --send ping 127.0.0.1 "$port" >"$(D c.out)" 2>"$(D c.err)"
	python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <"$(D c.err)"
	json_check "$(D c.err)" \
		'list(ev) [:2] == ["connected", "tcp_info"]' \
		'ev["connected"][0]["peer"] == "127.0.0.1:'"$port"'"' \
		'ev["connected"][0]["local"].startswith("127.0.0.1:")' \
		'isinstance(ev["connected"][0]["handshake_ms"], float)' \
		'"host" not in ev["connected"][0] and "resolve_ms" not in ev["connected"][0]' \
		'ev["tcp_info"][0]["state"] == "ESTABLISHED"' \
		'ev["fin_sent"][0]["bytes_out"] == 4' \
		'ev["peer_fin"][0]["bytes_in"] == 4' \
		'ev["closed"][0]["bytes_in"] == 4 and ev["closed"][0]["bytes_out"] == 4' \
		'ev["closed"][0]["local"] == ev["connected"][0]["local"]' \
		'ev["closed"][0]["first_fin"] == "us" and ev["closed"][0]["end"] == "fin"' \
		'isinstance(ev["closed"][0]["duration_ms"], float)'
	assert_equal "$(cat "$(D c.out)")" "pong"
	assert_bg_exit l 0
	grep -qE "^connection from $(python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["local"])' <"$(D c.err)") to " \
		"$(D l.err)" || fail "$(show l)"
}

@test "--json with a host name: host and resolve_ms" {
	localhost_in_hosts || skip "no localhost in /etc/hosts (we never ask DNS)"
	start_listener l 0
	tt connect --json --half-close --send x localhost "$port" 2>"$(D c.err)"
	json_check "$(D c.err)" \
		'ev["connected"][0]["host"] == "localhost"' \
		'isinstance(ev["connected"][0]["resolve_ms"], float)'
	assert_bg_exit l 0
}

@test "--json: an error is an error object, not a plain line" {
	local p
	p=$(free_port)
	run -1 --separate-stderr tt connect --json 127.0.0.1 "$p"
	assert_equal "${#stderr_lines[@]}" 1
	printf '%s\n' "$stderr" >"$(D events)"
	json_check "$(D events)" \
		'ev["error"][0]["message"].startswith("connect 127.0.0.1:'"$p"': Connection refused")'
}

# --- failures ----------------------------------------------------------------------------

@test "refused: exit 1 with one line that explains it" {
	local p
	p=$(free_port)
	run -1 --separate-stderr tt connect 127.0.0.1 "$p"
	assert_equal "$output" ""
	assert_equal "$stderr" "tcptool: connect 127.0.0.1:$p: Connection refused (nothing listens there: the peer answered the SYN with RST)"
	p=$(free_port ::1)
	run -1 --separate-stderr tt connect ::1 "$p"
	assert_regex "$stderr" "^tcptool: connect \[::1\]:$p: Connection refused "
}

@test "-w against a full accept queue: exit 4 within the timeout" {
	start_full_listener
	run -4 --separate-stderr timeout 10 "$TCPTOOL" connect -w 1s 127.0.0.1 "$port"
	assert_equal "$output" ""
	assert_equal "$stderr" "tcptool: connect 127.0.0.1:$port: timed out after 1 s (the SYN got no answer)"
}

@test "-w: nothing moves during the relay: exit 4" {
	start_listener l -b 127.0.0.1 0
	run -4 --separate-stderr tt connect --json -w 300ms 127.0.0.1 "$port" </dev/null
	printf '%s\n' "$stderr" >"$(D events)"
	json_check "$(D events)" \
		'ev["closed"][0]["end"] == "timeout"' \
		'ev["error"][0]["message"] == "idle for 300 ms: nothing sent or received, giving up"'
	assert_bg_exit l 0
}

@test "a name that does not resolve: exit 3 (in a network namespace of its own)" {
	can_unshare_net || skip "unshare -n is not permitted here"
	run -3 --separate-stderr timeout 10 unshare -n "$TCPTOOL" connect -w 1s no-such-host.invalid 80
	assert_equal "$output" ""
	assert_regex "$stderr" "^tcptool: cannot resolve host 'no-such-host\.invalid': "
	run -3 --separate-stderr timeout 10 unshare -n "$TCPTOOL" connect -s no-such-host.invalid 127.0.0.1 80
	assert_regex "$stderr" "^tcptool: cannot resolve source address 'no-such-host\.invalid': "
}

@test "the server resets while we send: exit 1" {
	local big
	big=$(big_file big 64M)
	start_bg s python3 "$PEER" rst-server 100000 1048576
	port=$(wait_for_port s)
	run -1 --separate-stderr tt connect 127.0.0.1 "$port" <"$big"
	assert_regex "$stderr" "peer reset the connection \(RST\)"
	assert_regex "$stderr" "tcptool: connection broke: (Connection reset by peer|Broken pipe)"
	assert_regex "$stderr" "; reset by the peer \(RST\)"
	assert_bg_exit s 0
}

@test "the server resets after our request, while we only read: exit 1" {
	# The server resets once our byte is in, so the relay is surely running.
	start_bg s python3 "$PEER" rst-server 1000 1
	port=$(wait_for_port s)
	run -1 --separate-stderr tt connect --send '?' 127.0.0.1 "$port"
	assert_regex "$stderr" "peer reset the connection \(RST\)"
	assert_regex "$stderr" "tcptool: connection broke: Connection reset by peer \(the peer aborted the connection with RST\)"
	((${#output} <= 1000))
	assert_bg_exit s 0
}

# The RST can arrive before connect() has returned: the handshake still
# completed, and the bytes sent before the RST must reach stdout.
@test "a server that sends and resets at once: its bytes arrive, then the reset, exit 1" {
	local round
	# Not "i": bats 1.8.2's run overwrites it.
	for round in $(seq 15); do
		start_bg "s$round" python3 "$PEER" rst-server 1000 0
		port=$(wait_for_port "s$round")
		run -1 --separate-stderr tt connect 127.0.0.1 "$port" </dev/null
		assert_equal "${#output}" 1000
		assert_regex "$stderr" "connected to 127\.0\.0\.1:$port from"
		assert_regex "$stderr" "peer reset the connection \(RST\)"
		assert_regex "$stderr" "tcptool: connection broke: Connection reset by peer"
		assert_bg_exit "s$round" 0
	done
}

@test "stdout that goes away (| head -c 10): exit 1, no hang" {
	local big
	big=$(big_file big 64M)
	LISTEN_STDIN=$big start_listener l --half-close -b 127.0.0.1 0
	# shellcheck disable=SC2016 # $0 and $1 belong to the inner shell
	run -0 --separate-stderr timeout 20 bash -c \
		'"$0" connect 127.0.0.1 "$1" </dev/null | head -c 10 >"$2"; echo "${PIPESTATUS[0]}"' \
		"$TCPTOOL" "$port" "$(D head.out)"
	assert_output 1
	assert_equal "$(wc -c <"$(D head.out)")" 10
	assert_regex "$stderr" "tcptool: write to stdout: Broken pipe"
	wait_bg l || true
}

# With fd 1 closed, the connected socket would become fd 1 and pass for stdout.
@test "a closed stdout: exit 1, and nothing goes back to the server" {
	printf 'hello' >"$(D in)"
	LISTEN_STDIN=$(D in) start_listener l --half-close -b 127.0.0.1 0
	# shellcheck disable=SC2016 # $0 and $1 belong to the inner shell
	run --separate-stderr timeout 5 sh -c 'exec "$0" connect 127.0.0.1 "$1" </dev/null >&-' \
		"$TCPTOOL" "$port"
	wait_bg l || true
	assert_equal "$(wc -c <"$(D l.out)")" 0
	assert_equal "$status" 1
	assert_regex "$stderr" "tcptool: write to stdout: "
}

@test "stdout and stderr on one terminal: an event after data without a newline starts a line of its own" {
	need_tool script bsdutils
	start_server s ack -b 127.0.0.1 0
	# script(1) gives the command a terminal; the terminal turns \n into \r\n.
	run -0 timeout 10 env SHELL=/bin/bash script -qec \
		"'$TCPTOOL' connect --half-close --send hi 127.0.0.1 $port" /dev/null
	assert_output --partial $'\r\nACK!\r\npeer closed its side (FIN) after sending 4 bytes\r\n'
	# The data itself is unchanged: alone on the terminal, no newline is added.
	run -0 timeout 10 env SHELL=/bin/bash script -qec \
		"'$TCPTOOL' connect --half-close --send hi 127.0.0.1 $port 2>/dev/null" /dev/null
	assert_output 'ACK!'
	# Nor when the two streams go to one file rather than a terminal.
	# shellcheck disable=SC2016 # expanded by the inner bash
	run -0 timeout 10 bash -c '"$0" connect --half-close --send hi 127.0.0.1 "$1" >"$2" 2>&1; cat "$2"' \
		"$TCPTOOL" "$port" "$(D both)"
	assert_output --partial $'\nACK!peer closed its side (FIN)'
}
