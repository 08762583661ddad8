#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# tcptool with other TCP programs on loopback: OpenBSD netcat, the Python
# socket programs of the tutorials tcptool grew from, and bash's /dev/tcp.

setup() {
	load helpers/common
	_common_setup
	NC=${NC:-/usr/bin/nc}
}

teardown() {
	_common_teardown
}

# -N (shutdown on stdin EOF) is OpenBSD netcat's.
need_nc() {
	need_openbsd_nc
}

# start_nc_listener NAME [nc options]: nc -l on a free 127.0.0.1 port, set
# as $port once ss shows it listening.  Never probe it by connecting: that
# would use up its only connection.
start_nc_listener() {
	local name=$1
	shift
	port=$(free_port)
	start_bg -i "${NC_STDIN:-/dev/null}" "$name" "$NC" "$@" -l 127.0.0.1 "$port"
	wait_for_listen "$port"
}

# --- OpenBSD netcat ------------------------------------------------------------------

@test "tcptool connect to nc -l: nc receives every byte" {
	need_nc
	local data
	data=$(big_file data 4M)
	start_nc_listener n
	run -0 --separate-stderr tt connect --half-close 127.0.0.1 "$port" <"$data"
	assert_equal "$output" ""
	assert_regex "${stderr_lines[-1]}" "^closed 127\.0\.0\.1:$port: 0 bytes in, 4194304 bytes out in [0-9.]+ m?s; we closed first \(FIN\)\$"
	assert_bg_exit n 0
	cmp "$data" "$(D n.out)"
}

@test "nc -N -l sends to tcptool connect, which stops at nc's FIN" {
	need_nc
	local data
	data=$(big_file data 4M)
	NC_STDIN=$data start_nc_listener n -N
	tt connect 127.0.0.1 "$port" </dev/null >"$(D c.out)" 2>"$(D c.err)" || fail "exit $?: $(cat "$(D c.err)")"
	cmp "$data" "$(D c.out)"
	grep -qE "^closed 127\.0\.0\.1:$port: 4194304 bytes in, 0 bytes out .*; the peer closed first\$" "$(D c.err)" ||
		fail "$(cat "$(D c.err)")"
	assert_bg_exit n 0
}

@test "nc -N to tcptool listen: the listener gets every byte and nc's FIN" {
	need_nc
	local data
	data=$(big_file data 4M)
	start_listener l -b 127.0.0.1 0
	run -0 timeout "$T_MAX" "$NC" -N 127.0.0.1 "$port" <"$data"
	assert_bg_exit l 0
	cmp "$data" "$(D l.out)"
	grep -qE "^closed 127\.0\.0\.1:[0-9]+: 4194304 bytes in, 0 bytes out .*; the peer closed first\$" "$(D l.err)" ||
		fail "$(show l)"
}

@test "tcptool listen --half-close sends to nc, which reads until the FIN" {
	need_nc
	local data
	data=$(big_file data 4M)
	LISTEN_STDIN=$data start_listener l --half-close -b 127.0.0.1 0
	timeout "$T_MAX" "$NC" 127.0.0.1 "$port" </dev/null >"$(D nc.out)"
	cmp "$data" "$(D nc.out)"
	assert_bg_exit l 0
	grep -qE "; we closed first \(FIN\)\$" "$(D l.err)" || fail "$(show l)"
}

@test "tcptool listen and nc -N, both directions at once" {
	need_nc
	local up down
	up=$(big_file data 4M)
	down=$(big_file data2 4M)
	LISTEN_STDIN=$down start_listener l --half-close -b 127.0.0.1 0
	timeout "$T_MAX" "$NC" -N 127.0.0.1 "$port" <"$up" >"$(D nc.out)"
	assert_bg_exit l 0
	cmp "$up" "$(D l.out)"
	cmp "$down" "$(D nc.out)"
	grep -qE "^closed .*: 4194304 bytes in, 4194304 bytes out " "$(D l.err)" || fail "$(show l)"
}

@test "tcptool connect and nc -l over IPv6" {
	need_nc
	port=$(free_port ::1)
	start_bg n "$NC" -6 -l ::1 "$port"
	wait_for_listen "$port"
	run -0 --separate-stderr tt connect --half-close --send 'over v6' ::1 "$port"
	assert_regex "${stderr_lines[0]}" "^connected to \[::1\]:$port from \[::1\]:[0-9]+ "
	assert_bg_exit n 0
	assert_equal "$(cat "$(D n.out)")" "over v6"
}

# --- the Python socket programs of the tutorials ------------------------------------------

@test "the one-shot Python client and tcptool listen as the Farewell server" {
	printf 'Farewell, client' >"$(D in)"
	LISTEN_STDIN=$(D in) start_listener l -v --half-close -b 127.0.0.1 0
	run -0 --separate-stderr timeout "$T_MAX" python3 "$PEER" oneshot-client 127.0.0.1 "$port"
	assert_output "The server said Farewell, client"
	assert_bg_exit l 0
	assert_equal "$(cat "$(D l.out)")" "Hi there, server"
	run -0 --separate-stderr cat "$(D l.err)"
	assert_line --regexp '^tcp_info: '
	assert_line --regexp '^closed 127\.0\.0\.1:[0-9]+: 16 bytes in, 16 bytes out in [0-9.]+ m?s; '
}

@test "tcptool connect and the Python Farewell server agree on both names" {
	start_bg s python3 "$PEER" farewell-server
	port=$(wait_for_port s)
	run -0 --separate-stderr tt connect --send 'Hi there, server' 127.0.0.1 "$port"
	assert_output "Farewell, client"
	assert_bg_exit s 0
	local server_name server_peer
	server_name=$(sed -n 's/^Socket name: //p' "$(D s.out)")
	server_peer=$(sed -n 's/^Socket peer: //p' "$(D s.out)")
	# getsockname on one side is getpeername on the other.
	assert_regex "${stderr_lines[0]}" "^connected to $server_name from $server_peer in "
	assert_equal "$server_name" "127.0.0.1:$port"
	grep -qx 'data received from client=Hi there, server' "$(D s.out)" || fail "$(cat "$(D s.out)")"
	# The server closed after its answer, without waiting for a FIN from us.
	assert_regex "${stderr_lines[-1]}" "^closed 127\.0\.0\.1:$port: 16 bytes in, 16 bytes out in [0-9.]+ m?s; the peer closed first\$"
}

@test "tcptool connect --half-close and the Python Farewell server" {
	start_bg s python3 "$PEER" farewell-server
	port=$(wait_for_port s)
	run -0 --separate-stderr tt connect --half-close --send 'Hi there, server' 127.0.0.1 "$port"
	assert_output "Farewell, client"
	assert_bg_exit s 0
}

@test "the Python 'Hello World!' client and tcptool listen answering ACK!" {
	printf 'ACK!' >"$(D in)"
	LISTEN_STDIN=$(D in) start_listener l --half-close 0
	run -0 --separate-stderr timeout "$T_MAX" python3 "$PEER" ack-client 127.0.0.1 "$port"
	assert_output "b'ACK!'"
	assert_bg_exit l 0
	assert_equal "$(cat "$(D l.out)")" "Hello World!"
	grep -qE "^connection from 127\.0\.0\.1:[0-9]+ to 127\.0\.0\.1:$port\$" "$(D l.err)" || fail "$(show l)"
}

# --- bash /dev/tcp ----------------------------------------------------------------

@test "bash /dev/tcp as the client of tcptool listen" {
	printf 'reply from tcptool\n' >"$(D in)"
	LISTEN_STDIN=$(D in) start_listener l --half-close -b 127.0.0.1 0
	exec 7<>"/dev/tcp/127.0.0.1/$port"
	printf 'hello from bash' >&7
	local line
	read -r -t 5 line <&7
	assert_equal "$line" "reply from tcptool"
	# Nothing more: tcptool's FIN ends our reading.
	run -1 read -r -t 5 line <&7
	exec 7>&-
	assert_bg_exit l 0
	assert_equal "$(cat "$(D l.out)")" "hello from bash"
	grep -qE "^closed 127\.0\.0\.1:[0-9]+: 15 bytes in, 19 bytes out in " "$(D l.err)" || fail "$(show l)"
}

@test "bash /dev/tcp over IPv6 to the dual-stack listener" {
	start_listener l 0
	exec 7<>"/dev/tcp/::1/$port"
	printf 'v6 from bash' >&7
	exec 7>&-
	assert_bg_exit l 0
	assert_equal "$(cat "$(D l.out)")" "v6 from bash"
	grep -qE "^connection from \[::1\]:[0-9]+ to \[::1\]:$port\$" "$(D l.err)" || fail "$(show l)"
}
