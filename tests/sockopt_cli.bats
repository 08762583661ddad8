#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $output and $stderr
# -O NAME[=VALUE] on the command line and in the events: parsing and usage
# errors, each option's sockopt event (text and JSON keys) on real loopback
# sockets, the listener's events and each accepted client's, the kernel's
# refusals (exit 5, before any connection), and info's listing of a
# socket's options.  What the options do to the traffic is sockopt.bats's.

setup() {
	load helpers/common
	_common_setup
}

teardown() {
	_common_teardown
}

# echo_server: an echo server on 127.0.0.1, its port in $port.
echo_server() {
	start_server s echo -b 127.0.0.1 "$@" 0
}

# one_shot CONNECT-ARGS...: "tcptool connect ARGS --half-close --send hi
# 127.0.0.1 $port" against an echo server started here; stderr in c.err.
one_shot() {
	echo_server
	run -0 --separate-stderr tt connect "$@" --half-close --send hi 127.0.0.1 "$port"
	assert_output "hi"
	printf '%s\n' "$stderr" >"$(D c.err)"
}

# --- parsing ----------------------------------------------------------------------

@test "-O: a bad value says why in one line, exit 2" {
	usage_fails "-O mss=abc: not a number" connect -O mss=abc 127.0.0.1 9
	usage_fails "-O rcvbuf: needs a value (rcvbuf=SIZE)" connect -O rcvbuf 127.0.0.1 9
	usage_fails "-O nodelay=maybe: expected on or off" listen -O nodelay=maybe 0
	usage_fails "-O ttl=256: out of range 0-255" echo -O ttl=256 0
	usage_fails "-O linger=1.5: the kernel counts it in whole seconds" ack -O linger=1.5 0
	usage_fails "-O keepalive=1,1,0: the count must be at least 1" shutdown -O keepalive=1,1,0 127.0.0.1 9
	usage_fails "-O rcvbuf=64x: unknown unit (use k, M, G or Ki, Mi, Gi)" info -O rcvbuf=64x 127.0.0.1 9
	usage_fails "-O nodelay,,cork: an empty item in the list" connect -O nodelay,,cork 127.0.0.1 9
	usage_fails "-O congestion=a/b: not an algorithm's name (letters, digits, _)" \
		connect -O congestion=a/b 127.0.0.1 9
}

@test "-O: an unknown name lists the known ones, exit 2" {
	run -2 --separate-stderr tt connect --sockopt nosuch 127.0.0.1 9
	assert_equal "${#stderr_lines[@]}" 2
	assert_equal "${stderr_lines[0]}" "tcptool: -O nosuch: unknown socket option (known: nodelay, cork, quickack, sndbuf, rcvbuf, mss, congestion, keepalive, user-timeout, linger, fastopen, ttl, tos, reuseport, bind-device, notsent-lowat, defer-accept, window-clamp)"
	# The comma list: the bad piece is named, and a digit continues a value, so "3" is no name.
	usage_fails "-O bogus: unknown socket option (known: ${stderr_lines[0]#*known: }" \
		connect -O keepalive=1,1,3,bogus=1 127.0.0.1 9
}

@test "-O: a listener's options are usage errors on the commands that connect; info takes -O only with HOST PORT" {
	usage_fails "-O defer-accept=5: a listener's option (listen, echo, ack), not connect's" \
		connect -O defer-accept=5 127.0.0.1 9
	usage_fails "-O fastopen=16: QLEN is a listener's queue; a client takes plain -O fastopen" \
		shutdown -O fastopen=16 127.0.0.1 9
	usage_fails "info: -O applies only to info HOST PORT" info -O nodelay --fd 0
	usage_fails "info: -O applies only to info HOST PORT" info -O nodelay -l
	run -2 --separate-stderr tt trace -O nodelay /dev/null
	assert_equal "${stderr_lines[0]}" "tcptool: trace: unknown option '-O'"
}

@test "-O: help lists it for listen, connect, echo, ack, shutdown and info; exit status 5 in --help" {
	local cmd
	for cmd in listen connect echo ack shutdown info; do
		run -0 tt "$cmd" --help
		assert_line --regexp '^  -O, --sockopt NAME\[=VALUE\] '
	done
	run -0 tt trace --help
	refute_output --partial -- --sockopt
	run -0 tt --help
	assert_output --partial "5 the kernel refused a socket option"
}

# --- a client's events ---------------------------------------------------------------

@test "connect: one sockopt event per option, before the connected line, each with what the kernel granted" {
	one_shot -O nodelay,rcvbuf=65536 -O mss=536,keepalive=10,2,3 -O ttl=5,tos=0x11,linger=0
	run cat "$(D c.err)"
	assert_line --index 0 "TCP_NODELAY on: Nagle's algorithm is off: small writes leave at once"
	assert_line --index 1 --regexp "^SO_RCVBUF: asked 65536, the kernel grants [0-9]+: it (doubles the request for its own bookkeeping|caps the request at net.core.rmem_max .*)\$"
	assert_line --index 2 "TCP_MAXSEG 536: segments will carry at most 536 bytes"
	assert_line --index 3 "SO_KEEPALIVE on: after 10 s idle, a probe every 2 s; 3 unanswered probes end the connection"
	assert_line --index 4 "IP_TTL 5: our packets cross at most 5 routers"
	assert_line --index 5 "IP_TOS: asked 0x11, the kernel grants 0x10: it keeps the two ECN bits (0x03) of the byte for itself"
	assert_line --index 6 "SO_LINGER 0 s: close() discards unsent data and sends RST, not FIN"
	assert_line --index 7 --regexp '^connected to 127\.0\.0\.1:[0-9]+ from '
}

@test "connect -v: each event's second line says what the option changes" {
	one_shot -v -O mss=536,nodelay
	run cat "$(D c.err)"
	assert_line --index 0 "TCP_MAXSEG 536: segments will carry at most 536 bytes"
	assert_line --index 1 "  announced in our SYN's MSS option: the peer sends us no larger segments, and we send none larger"
	assert_line --index 2 "TCP_NODELAY on: Nagle's algorithm is off: small writes leave at once"
	assert_line --index 3 --regexp '^  small writes no longer wait'
}

@test "connect --json: sockopt events carry name, option, socket, asked and granted; keepalive its times; names as strings" {
	one_shot --json -O rcvbuf=65536,keepalive=10,2,3,congestion=reno,tos=0x11,ttl=7,cork,quickack,user-timeout=1500ms
	json_check "$(D c.err)" \
		'[e["name"] for e in ev["sockopt"]] == ["rcvbuf", "keepalive", "congestion", "tos", "ttl", "cork", "quickack", "user-timeout"]' \
		'[e["option"] for e in ev["sockopt"]] == ["SO_RCVBUF", "SO_KEEPALIVE", "TCP_CONGESTION", "IP_TOS", "IP_TTL", "TCP_CORK", "TCP_QUICKACK", "TCP_USER_TIMEOUT"]' \
		'all(e["socket"] == "connection" and "conn" not in e for e in ev["sockopt"])' \
		'ev["sockopt"][0]["asked"] == 65536 and ev["sockopt"][0]["granted"] > 65536' \
		'{k: v for k, v in ev["sockopt"][1].items() if k != "t"} == {"event": "sockopt", "name": "keepalive", "option": "SO_KEEPALIVE", "socket": "connection", "asked": 1, "granted": 1, "idle_s": 10, "interval_s": 2, "count": 3}' \
		'(ev["sockopt"][2]["asked"], ev["sockopt"][2]["granted"]) == ("reno", "reno")' \
		'(ev["sockopt"][3]["asked"], ev["sockopt"][3]["granted"]) == (17, 16)' \
		'(ev["sockopt"][4]["asked"], ev["sockopt"][4]["granted"]) == (7, 7)' \
		'(ev["sockopt"][5]["asked"], ev["sockopt"][5]["granted"]) == (1, 1)' \
		'(ev["sockopt"][7]["asked"], ev["sockopt"][7]["granted"]) == (1500, 1500)' \
		'all("idle_s" not in e for e in ev["sockopt"] if e["name"] != "keepalive")' \
		'len(ev["connected"]) == 1'
}

@test "connect over IPv6: ttl and tos are IPV6_UNICAST_HOPS and IPV6_TCLASS" {
	[[ -e /proc/net/if_inet6 ]] || skip "no IPv6 here"
	start_server s echo -b ::1 0
	run -0 --separate-stderr tt connect -O ttl=9,tos=0x20 --half-close --send hi ::1 "$port"
	assert_equal "${stderr_lines[0]}" "IPV6_UNICAST_HOPS 9: our packets cross at most 9 routers"
	assert_equal "${stderr_lines[1]}" "IPV6_TCLASS 0x20: our packets carry DSCP 8 (the byte's top six bits)"
}

@test "connect -O bind-device=lo: SO_BINDTODEVICE, and the connection works through lo" {
	one_shot -O bind-device=lo
	run cat "$(D c.err)"
	assert_line --index 0 "SO_BINDTODEVICE lo: the socket sends and receives through lo only"
}

@test "connect -O fastopen: TCP_FASTOPEN_CONNECT on" {
	[[ $(( $(cat /proc/sys/net/ipv4/tcp_fastopen) & 1 )) == 1 ]] || skip "client Fast Open is off here (net.ipv4.tcp_fastopen)"
	one_shot -O fastopen
	run cat "$(D c.err)"
	assert_line --index 0 "TCP_FASTOPEN_CONNECT on: the SYN asks for a Fast Open cookie, or carries the first data once one is cached"
}

@test "connect -c and -z: the options' events once, before the probes' lines" {
	echo_server
	run -0 --separate-stderr tt connect -c 2 -i 10ms -O nodelay,ttl=3 127.0.0.1 "$port"
	assert_line --index 0 "TCP_NODELAY on: Nagle's algorithm is off: small writes leave at once"
	assert_line --index 1 "IP_TTL 3: our packets cross at most 3 routers"
	assert_equal "$(grep -c '^TCP_NODELAY' <<<"$output")" 1
	assert_line --regexp ': 2 handshakes, 2 connected, 0 failed'
	run -0 --separate-stderr tt connect -z -O nodelay 127.0.0.1 "$port"
	assert_line --index 0 "TCP_NODELAY on: Nagle's algorithm is off: small writes leave at once"
	assert_line --index 1 --regexp "^127\.0\.0\.1:$port open"
}

@test "shutdown and info HOST PORT: the events of their connection too" {
	echo_server
	run -0 --separate-stderr tt shutdown -O nodelay 127.0.0.1 "$port"
	assert_line --index 0 "TCP_NODELAY on: Nagle's algorithm is off: small writes leave at once"
	run -0 --separate-stderr tt info -O user-timeout=2 127.0.0.1 "$port"
	assert_line --index 0 "TCP_USER_TIMEOUT 2000 ms: data unacknowledged for 2000 ms ends the connection (ETIMEDOUT)"
	assert_line --index 1 --regexp '^connected to '
}

# --- listeners ---------------------------------------------------------------------

@test "listen: the listener's events after the listening line, then the client's after its connection line" {
	start_listener l -b 127.0.0.1 -O nodelay,rcvbuf=65536,defer-accept=1,reuseport 0
	wait_for_line l.err "^the listener's TCP_DEFER_ACCEPT"
	run -0 tt -q connect --half-close --send hi 127.0.0.1 "$port"
	assert_bg_exit l 0
	run cat "$(D l.err)"
	assert_line --index 0 "listening on 127.0.0.1:$port"
	# reuseport and bind-device come first: they are set before bind().
	assert_line --index 1 "the listener's SO_REUSEPORT on: other sockets of this user may bind the same port; the kernel spreads the clients among the listeners"
	assert_line --index 2 "the listener's TCP_NODELAY on: Nagle's algorithm is off: small writes leave at once"
	assert_line --index 3 --regexp "^the listener's SO_RCVBUF: asked 65536, the kernel grants [0-9]+: "
	assert_line --index 4 --regexp "^the listener's TCP_DEFER_ACCEPT (1 s: accept\(\) waits up to 1 s|: asked 1 s, the kernel grants [0-9]+ s: it counts the wait in SYN-ACK retransmissions)"
	assert_line --index 5 --regexp '^connection from 127\.0\.0\.1:[0-9]+ to '
	# The client's: nodelay set again after accept(), the rest read back; defer-accept is the listener's own.
	assert_line --index 6 "TCP_NODELAY on: Nagle's algorithm is off: small writes leave at once"
	assert_line --index 7 --regexp "^SO_RCVBUF: asked 65536, the kernel grants [0-9]+: "
	assert_line --index 8 --regexp "^SO_REUSEPORT on: "
	refute_line --regexp '^TCP_DEFER_ACCEPT'
}

@test "listen --json: the listener's events say socket listener, the client's connection; fastopen is TCP_FASTOPEN" {
	start_bg l "$TCPTOOL" --json listen -b 127.0.0.1 -O cork,fastopen=8,mss=1000 0
	port=$(wait_for_port l)
	run -0 tt -q connect --half-close --send hi 127.0.0.1 "$port"
	assert_bg_exit l 0
	json_check "$(D l.err)" \
		'[(e["name"], e["socket"]) for e in ev["sockopt"]] == [("cork", "listener"), ("fastopen", "listener"), ("mss", "listener"), ("cork", "connection"), ("mss", "connection")]' \
		'[e for e in ev["sockopt"] if e["name"] == "fastopen"][0]["option"] == "TCP_FASTOPEN"' \
		'[e for e in ev["sockopt"] if e["name"] == "fastopen"][0]["granted"] == 8' \
		'[e for e in ev["sockopt"] if e["name"] == "mss"][0]["granted"] == 1000' \
		'[e for e in ev["sockopt"] if e["name"] == "mss"][1]["asked"] == 1000' \
		'[e for e in ev["sockopt"] if e["name"] == "mss"][1]["granted"] <= 1000'
}

@test "echo: the listener's events at listen time; each client's only with -v, with its conn number" {
	echo_server -O nodelay,rcvbuf=65536
	run -0 tt -q connect --half-close --send hi 127.0.0.1 "$port"
	wait_for_line s.out '^closed '
	run cat "$(D s.out)"
	assert_line --index 1 "the listener's TCP_NODELAY on: Nagle's algorithm is off: small writes leave at once"
	assert_line --index 2 --regexp "^the listener's SO_RCVBUF: asked 65536, "
	assert_line --index 3 --regexp '^connection from '
	refute_line --regexp '^TCP_NODELAY'
	start_bg v "$TCPTOOL" --json -v ack -b 127.0.0.1 -O nodelay=off 0
	port=$(wait_for_port "$(D v.out)")
	run -0 tt -q connect --half-close --send hi 127.0.0.1 "$port"
	wait_for_line v.out '"event":"closed"'
	kill -TERM "$(bg_pid v)"
	assert_bg_exit v 0
	json_check "$(D v.out)" \
		'[(e["socket"], e["asked"], e["granted"], e.get("conn")) for e in ev["sockopt"]] == [("listener", 0, 0, None), ("connection", 0, 0, 1)]'
}

# --- refusals ----------------------------------------------------------------------

@test "refused: congestion=nosuch names the loaded algorithms and the modprobe, exit 5, before any SYN" {
	local loaded
	loaded=$(cat /proc/sys/net/ipv4/tcp_available_congestion_control)
	echo_server
	run -5 --separate-stderr tt connect -O nodelay,congestion=nosuch 127.0.0.1 "$port"
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "${stderr_lines[0]}" "tcptool: -O congestion=nosuch: not available here (loaded: $loaded); modprobe tcp_nosuch"
	run -5 --separate-stderr tt connect -z -O congestion=nosuch 127.0.0.1 "$port"
	assert_equal "$stderr" "tcptool: -O congestion=nosuch: not available here (loaded: $loaded); modprobe tcp_nosuch"
	run -5 --separate-stderr tt connect -c 1 -O congestion=nosuch 127.0.0.1 "$port"
	run -5 --separate-stderr tt shutdown -O congestion=nosuch 127.0.0.1 "$port"
	run -5 --separate-stderr tt info -O congestion=nosuch 127.0.0.1 "$port"
	# None of them reached the server: the next client is its first.
	run -0 tt -q connect --half-close --send hi 127.0.0.1 "$port"
	wait_for_line s.out '^closed '
	assert_equal "$(grep -c '^connection from' "$(D s.out)")" 1
}

@test "refused: bind-device=nosuch0 is no such interface, on every command, exit 5" {
	local msg="tcptool: -O bind-device=nosuch0: no such interface here (ip link lists them)"
	run -5 --separate-stderr tt connect -O bind-device=nosuch0 127.0.0.1 9
	assert_equal "$stderr" "$msg"
	run -5 --separate-stderr tt listen -O bind-device=nosuch0 0
	assert_equal "$stderr" "$msg"
	run -5 --separate-stderr tt echo -O bind-device=nosuch0 0
	assert_equal "$stderr" "$msg"
	refute_output --partial listening
	run -5 --separate-stderr tt ack -O bind-device=nosuch0 0
	assert_equal "$stderr" "$msg"
}

@test "refused: a value out of the kernel's range says the range; --json makes it an error event" {
	run -5 --separate-stderr tt connect -O mss=20 127.0.0.1 9
	assert_equal "$stderr" "tcptool: -O mss=20: the kernel refuses TCP_MAXSEG (Invalid argument): it takes 88 to 32767 bytes"
	run -5 --separate-stderr tt listen -b 127.0.0.1 -O keepalive=40000 0
	assert_equal "$stderr" "tcptool: -O keepalive=40000: the kernel refuses TCP_KEEPIDLE (Invalid argument): it takes idle and interval 1 to 32767 s, count 1 to 127"
	refute_output --partial "listening"
	run -5 --separate-stderr tt --json connect -O congestion=nosuch 127.0.0.1 9
	printf '%s\n' "$stderr" >"$(D j.err)"
	json_check "$(D j.err)" 'ev["error"][0]["message"].startswith("-O congestion=nosuch: not available here")' \
		'list(ev) == ["error"]'
}

# --- info ----------------------------------------------------------------------------

@test "info --fd N lists the socket's options as rows, and as a sockopts event with --json" {
	echo_server
	exec 7<>"/dev/tcp/127.0.0.1/$port"
	run -0 tt info --fd 7
	assert_line --regexp '^  SOCKET OPTION +VALUE$'
	assert_line --regexp '^  nodelay +off$'
	assert_line --regexp '^      TCP_NODELAY: Nagle.s algorithm holds a small write'
	assert_line --regexp '^  rcvbuf +[0-9]+ bytes$'
	assert_line --regexp '^  keepalive +off \([0-9]+ s, [0-9]+ s, [0-9]+\)$'
	assert_line --regexp '^  ttl +[0-9]+$'
	assert_line --regexp '^  bind-device +none$'
	refute_line --regexp '^  defer-accept'
	run -0 tt --json info --fd 7
	printf '%s\n' "$output" >"$(D fd.json)"
	json_check "$(D fd.json)" \
		'len(ev["sockopts"]) == 1' \
		'set(ev["sockopts"][0]) == {"event", "t", "nodelay", "cork", "quickack", "sndbuf", "rcvbuf", "mss", "congestion", "keepalive", "keepalive_idle_s", "keepalive_interval_s", "keepalive_count", "user_timeout_ms", "linger", "fastopen", "ttl", "tos", "reuseport", "bind_device", "notsent_lowat", "window_clamp"}' \
		'ev["sockopts"][0]["nodelay"] is False and ev["sockopts"][0]["linger"] is False' \
		'ev["sockopts"][0]["congestion"] == open("/proc/sys/net/ipv4/tcp_congestion_control").read().strip()'
	exec 7>&-
}

@test "info --fd N on a listener: its own options, defer-accept and TCP_FASTOPEN among them" {
	start_listener l -b 127.0.0.1 0
	python3 -c '
import socket, os, sys
s = socket.socket(); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 3)
s.bind(("127.0.0.1", 0)); s.listen(1); os.set_inheritable(s.fileno(), True)
os.dup2(s.fileno(), 7); os.set_inheritable(7, True)
os.execv(sys.argv[1], [sys.argv[1], "info", "--fd", "7"])' "$TCPTOOL" >"$(D info.out)"
	run cat "$(D info.out)"
	assert_line --regexp '^  defer-accept +[0-9]+ s$'
	assert_line --regexp '^  fastopen +0$'
	assert_line --regexp '^      TCP_FASTOPEN: '
}

@test "info -v HOST PORT lists the connection's options, -O's among them; without -v it does not" {
	echo_server
	run -0 tt -v info -O keepalive=10,2,3 127.0.0.1 "$port"
	assert_line --regexp '^  keepalive +on \(10 s, 2 s, 3\)$'
	assert_line '      SO_KEEPALIVE: after 10 s idle, a probe every 2 s;'
	run -0 tt info 127.0.0.1 "$port"
	refute_line --regexp '^  SOCKET OPTION'
	run -0 tt --json -v info -O nodelay 127.0.0.1 "$port"
	printf '%s\n' "$output" >"$(D v.json)"
	json_check "$(D v.json)" 'ev["sockopts"][0]["nodelay"] is True' 'ev["sockopt"][0]["name"] == "nodelay"'
}

# --- privileges ------------------------------------------------------------------------

@test "root: listen -O bind-device=lo binds to lo, then holds no capability" {
	[[ $(id -u) == 0 ]] || skip "needs root: the capabilities to drop"
	start_listener l -b 127.0.0.1 -O bind-device=lo 0
	wait_for_line l.err "^the listener's SO_BINDTODEVICE lo"
	local pid
	pid=$(bg_pid l)
	assert_equal "$(awk '$1 == "CapEff:" { print $2 }' "/proc/$pid/status")" 0000000000000000
	assert_equal "$(awk '$1 == "CapPrm:" { print $2 }' "/proc/$pid/status")" 0000000000000000
}
