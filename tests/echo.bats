#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# tcptool echo, and the server loop it shares with ack, against real
# clients on loopback: many at once, idle ones, ones that stop reading,
# reset or half-close, max-conns, running out of descriptors, signals.

setup() {
	load helpers/common
	_common_setup
}

teardown() {
	_common_teardown
}

# The server's own lines on stdout, from $BATS_TEST_TMPDIR/NAME.out.
server_lines() {
	cat "$(D "$1.out")"
}

# stop_server NAME [SIGNAL]: signals the server and expects exit 0.
stop_server() {
	kill "-${2:-TERM}" "$(bg_pid "$1")"
	assert_bg_exit "$1" 0
}

# --- one client -------------------------------------------------------------------

@test "a client gets every byte back, then EOF; both names and the counts are shown" {
	start_server s echo -b 127.0.0.1 0
	printf 'line one\nline two\n\0binary\377' >"$(D msg)"
	tt -q connect --half-close 127.0.0.1 "$port" <"$(D msg)" >"$(D back)"
	cmp "$(D msg)" "$(D back)"
	wait_for_line s.out '^closed .*; the peer closed first$'
	stop_server s
	run server_lines s
	assert_line --index 0 "listening on 127.0.0.1:$port"
	assert_line --index 1 --regexp "^connection from 127\.0\.0\.1:[0-9]+ to 127\.0\.0\.1:$port\$"
	assert_line --index 2 --regexp "^closed 127\.0\.0\.1:[0-9]+: 26 bytes in, 26 bytes out in [0-9]+\.[0-9]{3} m?s; the peer closed first\$"
}

@test "half-close: 8 MiB come back whole before the server's FIN" {
	local big
	big=$(big_file big 8M)
	start_server s echo -b 127.0.0.1 0
	tt -q connect --half-close 127.0.0.1 "$port" <"$big" >"$(D back)"
	cmp "$big" "$(D back)"
	wait_for_line s.out '^closed .*: 8388608 bytes in, 8388608 bytes out .*; the peer closed first$'
}

@test "interop: OpenBSD nc -N and bash /dev/tcp get their bytes back" {
	need_openbsd_nc
	start_server s echo -b 127.0.0.1 0
	run -0 timeout 10 "$NC" -N 127.0.0.1 "$port" <<<"from nc"
	assert_output "from nc"
	exec 7<>"/dev/tcp/127.0.0.1/$port"
	printf 'from bash\n' >&7
	read -r -t 5 reply <&7
	assert_equal "$reply" "from bash"
	exec 7>&-
}

@test "the seed's echo client: sendall, recv(1024), the same text back" {
	start_server s echo -b 127.0.0.1 0
	run -0 timeout 10 python3 - "$port" <<'EOF'
import socket, sys
client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client_socket.connect(("127.0.0.1", int(sys.argv[1])))
for message in ["hello", "second message"]:
    client_socket.sendall(message.encode())
    data = client_socket.recv(1024)
    print(f"Received from server: {data.decode()}")
client_socket.close()
EOF
	assert_line --index 0 "Received from server: hello"
	assert_line --index 1 "Received from server: second message"
}

@test "IPv6: -b ::1, and the default listener takes both families" {
	start_server s6 echo -b ::1 0
	run server_lines s6
	assert_line --index 0 "listening on [::1]:$port"
	run -0 --separate-stderr tt -q connect --half-close --send six ::1 "$port"
	assert_output "six"
	start_server s echo 0
	run -0 --separate-stderr tt -q connect --half-close --send four 127.0.0.1 "$port"
	assert_output "four"
	run -0 --separate-stderr tt -q connect --half-close --send six ::1 "$port"
	assert_output "six"
}

@test "-v: the limits line and each client's FIN" {
	start_server s -v echo -b 127.0.0.1 --idle-timeout 1m 0
	tt -q connect --half-close --send hi 127.0.0.1 "$port" >/dev/null
	wait_for_line s.out '^closed '
	run server_lines s
	assert_line --index 1 "serving up to 1024 clients at once; idle timeout 60 s; reads of up to 65536 bytes"
	assert_line --regexp "^127\.0\.0\.1:[0-9]+ closed its side \(FIN\) after sending 2 bytes\$"
}

# --- many clients -----------------------------------------------------------------

@test "300 clients at once each get exactly their own bytes back" {
	start_server s echo -b 127.0.0.1 0
	run -0 clients echo-many 127.0.0.1 "$port" 300 200000
	assert_output "300 ok"
	stop_server s
	run grep -c '; the peer closed first$' "$(D s.out)"
	assert_output 300
	run tail -1 "$(D s.out)"
	assert_output --regexp '^stopped by SIGTERM after [0-9.]+ m?s: 300 connections, '
	run grep -c '^connection from ' "$(D s.out)"
	assert_output 300
}

@test "1100 idle connections held at once" {
	ulimit -n 4096 2>/dev/null || skip "cannot raise the open-file limit to 4096"
	start_server s echo -b 127.0.0.1 --max-conns 2000 0
	start_bg h python3 "$BATS_TEST_DIRNAME/helpers/clients.py" hold 127.0.0.1 "$port" 1100
	wait_for_line h.out '^held 1100$' 600 || fail "$(cat "$(D h.err)")"
	run -0 ss -Htn state established "sport = :$port"
	assert_equal "${#lines[@]}" 1100
	stop_server s
	run tail -1 "$(D s.out)"
	assert_output --regexp '^stopped by SIGTERM .*: 1100 connections, 1100 bytes in, 1100 bytes out, at most 1100 at once$'
	run grep -c '; closed by us: the server is stopping$' "$(D s.out)"
	assert_output 1100
}

@test "a client that sends but never reads: bounded memory, the others still served" {
	start_server s echo -b 127.0.0.1 0
	local pid before after sent
	pid=$(bg_pid s)
	clients echo-many 127.0.0.1 "$port" 4 100000 >/dev/null
	before=$(rss_kib "$pid")
	start_bg nr python3 "$BATS_TEST_DIRNAME/helpers/clients.py" no-read 127.0.0.1 "$port" $((512 << 20))
	wait_for_line nr.out '^stalled after ' 600
	sent=$(sed -n 's/^stalled after //p' "$(D nr.out)")
	# The socket buffers fill and the server stops reading: far less than 512 MiB get out.
	((sent < 64 << 20)) || fail "the client sent $sent bytes without reading"
	after=$(rss_kib "$pid")
	((after - before < 8192)) || fail "server RSS grew from $before KiB to $after KiB"
	run -0 clients echo-many 127.0.0.1 "$port" 50 100000
	assert_output "50 ok"
	bg_running nr
}

# --- clients that go wrong ----------------------------------------------------------

@test "a client's RST mid-transfer is logged; the server goes on" {
	start_server s echo -b 127.0.0.1 0
	run -0 timeout 10 python3 "$PEER" rst-client 127.0.0.1 "$port" 1000000
	wait_for_line s.out '^closed 127\.0\.0\.1:[0-9]+: [0-9]+ bytes in, [0-9]+ bytes out in [0-9.]+ m?s; reset by the peer \(RST\)$'
	run -0 --separate-stderr tt -q connect --half-close --send after 127.0.0.1 "$port"
	assert_output "after"
	bg_running s
}

@test "a client killed while it sends: cleaned up, the server goes on" {
	start_server s echo -b 127.0.0.1 0
	start_bg -i /dev/zero k "$TCPTOOL" -q connect 127.0.0.1 "$port"
	wait_for_line s.out '^connection from '
	kill -KILL "$(bg_pid k)"
	wait_for_line s.out '^closed '
	run -0 --separate-stderr tt -q connect --half-close --send still 127.0.0.1 "$port"
	assert_output "still"
}

@test "--idle-timeout closes a quiet client and says so" {
	start_server s --json echo -b 127.0.0.1 --idle-timeout 200ms 0
	start_bg c python3 "$PEER" idle-client 127.0.0.1 "$port"
	wait_for_line s.out '"event":"closed"'
	json_check "$(D s.out)" 'ev["closed"][0]["end"] == "timeout"' 'ev["closed"][0]["first_fin"] == "none"' \
		'ev["closed"][0]["duration_ms"] >= 200'
	run -0 --separate-stderr tt -q connect --half-close --send busy 127.0.0.1 "$port"
	assert_output "busy"
}

@test "--max-conns 2: the third client waits in the accept queue, then is served" {
	start_server s echo -b 127.0.0.1 --max-conns 2 0
	start_bg c1 python3 "$PEER" idle-client 127.0.0.1 "$port"
	start_bg c2 python3 "$PEER" idle-client 127.0.0.1 "$port"
	wait_for_count s.out '^connection from ' 2
	wait_for_line s.out '^2 clients, the --max-conns limit: new clients wait in the accept queue$'
	start_bg -i <(printf third) c3 "$TCPTOOL" -q connect --half-close 127.0.0.1 "$port"
	wait_for_accept_queue "$port" 1
	bg_running c3
	kill "$(bg_pid c1)"
	assert_bg_exit c3 0
	run cat "$(D c3.out)"
	assert_output "third"
	run grep -c '^connection from ' "$(D s.out)"
	assert_output 3
}

@test "out of descriptors (ulimit -n): no busy loop; served once descriptors free up" {
	skip_under_valgrind "valgrind takes descriptors of its own from a tiny ulimit -n"
	# shellcheck disable=SC2016 # expanded by the inner bash
	start_bg s bash -c 'ulimit -n 12 && exec "$0" echo -b 127.0.0.1 0' "$TCPTOOL"
	port=$(wait_for_port "$(D s.out)")
	local room served cpu later
	# The room left besides the descriptors the server inherited and opened.
	room=$(sed -nE 's/^the open-file limit \(ulimit -n 12\) leaves room for ([0-9]+) clients, fewer than --max-conns 1024; more wait in the accept queue until a descriptor frees up$/\1/p' "$(D s.out)")
	[[ -n $room ]] || fail "no fd_limit line: $(cat "$(D s.out)")"
	run -0 clients fd-exhaust 127.0.0.1 "$port" 12 "$(bg_pid s)"
	served=$(sed -n 's/^served //p' <<<"$output")
	cpu=$(sed -n 's/^cpu //p' <<<"$output")
	later=$(sed -n 's/^then served //p' <<<"$output")
	((served == room)) || fail "served $served clients with room for $room"
	((cpu < 300)) || fail "the server used $cpu ms of CPU in one second while out of descriptors"
	((served + later == 12)) || fail "served $served, then $later of the other $((12 - served))"
	run server_lines s
	assert_line --regexp "^cannot accept with $served clients open \(Too many open files\): new clients wait in the accept queue until a descriptor frees up\$"
	stop_server s
}

# --- stopping -------------------------------------------------------------------------

@test "SIGTERM: open clients are closed, a summary, exit 0" {
	start_server s echo -b 127.0.0.1 0
	tt -q connect --half-close --send abc 127.0.0.1 "$port" >/dev/null
	tt -q connect --half-close --send defg 127.0.0.1 "$port" >/dev/null
	start_bg c python3 "$PEER" idle-client 127.0.0.1 "$port"
	wait_for_count s.out '^connection from ' 3
	stop_server s TERM
	run server_lines s
	assert_line --regexp '^closed 127\.0\.0\.1:[0-9]+: 0 bytes in, 0 bytes out in [0-9.]+ m?s; closed by us: the server is stopping$'
	assert_line --index -1 --regexp '^stopped by SIGTERM after [0-9]+\.[0-9]{3} m?s: 3 connections, 7 bytes in, 7 bytes out, at most [12] at once$'
}

@test "SIGINT and SIGHUP stop it too; --json gives the summary's keys" {
	local sig
	for sig in INT HUP; do
		start_server s --json echo -b 127.0.0.1 0
		tt -q connect --half-close --send 12345 127.0.0.1 "$port" >/dev/null
		wait_for_line s.out '"event":"closed"'
		stop_server s "$sig"
		json_check "$(D s.out)" "ev['summary'][0]['signal'] == 'SIG$sig'" \
			'ev["summary"][0]["connections"] == 1' 'ev["summary"][0]["bytes_in"] == 5' \
			'ev["summary"][0]["bytes_out"] == 5' 'ev["summary"][0]["peak"] == 1' \
			'ev["accepted"][0]["conn"] == 1' 'ev["closed"][0]["conn"] == 1' \
			'ev["closed"][0]["end"] == "fin"' 'ev["closed"][0]["first_fin"] == "peer"'
	done
}

@test "a port in use: one line naming the holder, exit 1" {
	skip_under_valgrind "the holder is named memcheck, not tcptool"
	start_server s echo -b 127.0.0.1 0
	run -1 --separate-stderr tt echo -b 127.0.0.1 "$port"
	assert_equal "$stderr" "tcptool: listen on 127.0.0.1 port $port: Address already in use (tcptool (pid $(bg_pid s)) listens there)"
	assert_output ""
}

@test "stdout that goes away (| head -1): the server says so and exits 1" {
	# shellcheck disable=SC2016 # expanded by the inner bash
	start_bg s bash -c '"$0" echo -b 127.0.0.1 0 | head -1 >"$1"; exit "${PIPESTATUS[0]}"' "$TCPTOOL" "$(D first)"
	port=$(wait_for_port "$(D first)")
	# The server stops at once, so this client may see its RST.
	tt -q connect --half-close --send x 127.0.0.1 "$port" >/dev/null 2>&1 || true
	assert_bg_exit s 1
	run cat "$(D s.err)"
	assert_output "tcptool: write to the event stream: Broken pipe"
}
