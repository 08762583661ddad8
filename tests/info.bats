#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# tcptool info against real sockets on loopback: the socket list (netlink
# and its /proc fallback) over sockets held in known states, a handshake
# explained, inherited descriptors, the kernel's settings, and every
# usage error.

setup_file() {
	# A sandbox without netlink, made with seccomp (see the helper).
	NO_NETLINK=$BATS_FILE_TMPDIR/no_netlink
	export NO_NETLINK
	"${CC:-cc}" -o "$NO_NETLINK" "$BATS_TEST_DIRNAME/helpers/no_netlink.c"
}

setup() {
	load helpers/common
	_common_setup
	STATES=$BATS_TEST_DIRNAME/helpers/states.py
}

teardown() {
	_common_teardown
}

# start_states [HOST]: holds a listener and connections in known states
# (see helpers/states.py) and sets $lport, $est, $half and $tw.
start_states() {
	start_bg s python3 "$STATES" "${1:-127.0.0.1}"
	wait_for_line s.out '^ready$'
	lport=$(awk '$1 == "listen" {print $2}' "$(D s.out)")
	est=$(awk '$1 == "est" {print $2}' "$(D s.out)")
	half=$(awk '$1 == "half" {print $2}' "$(D s.out)")
	tw=$(awk '$1 == "tw" {print $2}' "$(D s.out)")
	# The last ACKs of the two closes may still be on their way: wait until
	# the kernel shows FIN_WAIT2 for half and only the TIME_WAIT end of tw.
	local n=200
	until [[ $(ss_state "$half" "$lport") == FIN-WAIT-2 && $(ss_state "$tw" "$lport") == TIME-WAIT &&
		-z $(ss_state "$lport" "$tw") ]]; do
		((n-- > 0)) || fail "the states did not settle: $(ss -Htan "sport = :$lport or dport = :$lport")"
		sleep 0.05
	done
}

# row STATE LOCAL PEER PROCESS-REGEX: the table line the list must hold.
row() {
	echo "^$1 +[0-9]+ +[0-9]+  $2 +$3 +$4\$"
}

# quiet_port: a port that no socket of this host uses at either end, not
# even in TIME_WAIT (free_port only promises that it can be bound).
quiet_port() {
	local p
	for _ in {1..20}; do
		p=$(free_port)
		[[ -z $(ss -Htan "( sport = :$p or dport = :$p )") ]] && { echo "$p"; return 0; }
	done
	echo "# no quiet port found" >&2
	return 1
}

# ss_state LOCAL_PORT PEER_PORT: the state ss reports for that connection.
ss_state() {
	ss -Htan "sport = :$1 and dport = :$2" | awk '{print $1}'
}

# explained NAME: row NAME of the explained rows in $output as one line,
# "VALUE | MEANING", with the lines it is wrapped on joined by blanks.
explained() {
	awk -v name="$1" '
		found && /^      [^ ]/ { sub(/^ +/, ""); m = m (m == "" ? "" : " ") $0; next }
		found && /^       +[^ ]/ { sub(/^ +/, ""); v = v " " $0; next }
		found { exit }
		/^  [^ ]/ && (substr($0, 3) == name || index(substr($0, 3), name "  ") == 1) {
			found = 1; v = substr($0, 3 + length(name)); sub(/^ +/, "", v)
		}
		END { if (found) print v " | " m }' <<<"$output"
}

# assert_width MAX: no line of $output is wider than MAX columns.
assert_width() {
	local line
	for line in "${lines[@]}"; do
		((${#line} <= $1)) || fail "a line of ${#line} columns, more than $1: '$line'"
	done
}

# --- the socket list ----------------------------------------------------------------

@test "-a lists a listener and connections in five states, with their process" {
	start_states
	local pid
	pid=$(bg_pid s)
	run -0 --separate-stderr tt info -a --port "$lport"
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 7
	assert_regex "${lines[0]}" '^STATE +RECV-Q SEND-Q  LOCAL +PEER +PROCESS$'
	# Listeners first, then by local port.
	assert_regex "${lines[1]}" "$(row LISTEN "127.0.0.1:$lport" '\*' "python3 \(pid $pid, fd [0-9]+\)")"
	assert_line --regexp "$(row ESTABLISHED "127.0.0.1:$est" "127.0.0.1:$lport" "python3 \(pid $pid, fd [0-9]+\)")"
	assert_line --regexp "$(row ESTABLISHED "127.0.0.1:$lport" "127.0.0.1:$est" "python3 \(pid $pid, fd [0-9]+\)")"
	assert_line --regexp "$(row FIN_WAIT2 "127.0.0.1:$half" "127.0.0.1:$lport" "python3 .*")"
	assert_line --regexp "$(row CLOSE_WAIT "127.0.0.1:$lport" "127.0.0.1:$half" "python3 .*")"
	# TIME_WAIT belongs to the kernel alone: no process holds it.
	assert_line --regexp "$(row TIME_WAIT "127.0.0.1:$tw" "127.0.0.1:$lport" -)"
}

@test "the states agree with what ss reports for the same sockets" {
	start_states
	run -0 tt --json info -a --port "$lport"
	local line local_port peer_port state want
	for line in "${lines[@]}"; do
		read -r state local_port peer_port < <(python3 -c '
import json, sys
o = json.loads(sys.argv[1])
print(o["state"], o["local_port"], o["peer_port"])' "$line")
		[[ $state == LISTEN ]] && continue
		want=$(ss_state "$local_port" "$peer_port")
		# ss writes FIN-WAIT-2 and ESTAB where the kernel's names are FIN_WAIT2 and ESTABLISHED.
		case $want in
		ESTAB) want=ESTABLISHED ;;
		*) want=${want//-/_} want=${want/FIN_WAIT_/FIN_WAIT} ;;
		esac
		assert_equal "$state" "$want"
	done
	assert_equal "${#lines[@]}" 6
}

@test "the default list shows connected sockets: no listener, no TIME_WAIT" {
	start_states
	run -0 tt info --port "$lport"
	assert_equal "${#lines[@]}" 5
	refute_line --regexp '^(LISTEN|TIME_WAIT) '
	assert_line --regexp '^FIN_WAIT2 '
	assert_line --regexp '^CLOSE_WAIT '
}

@test "-l lists listeners only; the queue columns are the accept queue and the backlog" {
	start_states
	run -0 tt info -l --port "$lport"
	assert_equal "${#lines[@]}" 2
	# states.py listens with backlog 16 and has accepted every client.
	assert_regex "${lines[1]}" "^LISTEN +0 +16  127\.0\.0\.1:$lport "
}

@test "--state picks states by name, in any spelling, repeated or comma-separated" {
	start_states
	run -0 tt -q info --state fin-wait-2 --port "$lport"
	assert_equal "${#lines[@]}" 1
	assert_regex "${lines[0]}" "^FIN_WAIT2 .* 127\.0\.0\.1:$half "
	run -0 tt -q info --state TIME_WAIT,close-wait --port "$lport"
	assert_equal "${#lines[@]}" 2
	assert_line --regexp "^TIME_WAIT .*127\.0\.0\.1:$tw "
	assert_line --regexp '^CLOSE_WAIT '
	run -0 tt -q info --state Established --state listen --port "$lport"
	assert_equal "${#lines[@]}" 3
}

@test "-q leaves out the header; nothing matched: exit 1 with one line, silent with -q" {
	start_states
	run -0 tt -q info -l --port "$lport"
	assert_equal "${#lines[@]}" 1
	local p
	p=$(quiet_port)
	run -1 --separate-stderr tt info --port "$p"
	assert_equal "$output" ""
	assert_equal "$stderr" "tcptool: no socket matched (the list shows connected sockets; -l shows listeners, -a every state)"
	run -1 --separate-stderr tt info -q -a --port "$p"
	assert_equal "$output" ""
	assert_equal "$stderr" ""
}

@test "-v adds tcp_info under each connection and the timer under TIME_WAIT" {
	start_states
	run -0 tt info -v -a --port "$lport"
	assert_line --index 2 --regexp '^    accept queue 0 of 16$'
	assert_line --regexp '^    rtt [0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3} ms, cwnd [0-9]+, mss [0-9]+, retrans 0, [0-9]+ B acked, [0-9]+ B received, [a-z0-9_]+$'
	assert_line --regexp '^    time-wait in [0-9]+\.[0-9]{3} s$'
}

@test "--json: one socket object per line with stable keys; -v adds tcp_info" {
	start_states
	tt --json info -a --port "$lport" >"$(D list)"
	json_check "$(D list)" \
		'len(ev["socket"]) == 6 and len(ev) == 1' \
		"all(s['local_port'] == $lport or s['peer_port'] == $lport for s in ev['socket'])" \
		"[s['state'] for s in ev['socket']][0] == 'LISTEN'" \
		"all(s['family'] == 'ipv4' and s['uid'] >= 0 and 'recv_q' in s and 'send_q' in s for s in ev['socket'])" \
		"all(s['command'] == 'python3' and s['pid'] == $(bg_pid s) and s['processes'] == 1 for s in ev['socket'] if s['state'] != 'TIME_WAIT')" \
		"[s for s in ev['socket'] if s['state'] == 'TIME_WAIT'][0]['inode'] == 0" \
		"'pid' not in [s for s in ev['socket'] if s['state'] == 'TIME_WAIT'][0]" \
		"'rtt_ms' not in ev['socket'][1]"
	tt --json -v info --state established --port "$lport" >"$(D verbose)"
	json_check "$(D verbose)" \
		'len(ev["socket"]) == 2' \
		"all(s['sack'] is True and s['snd_mss'] > 0 and s['rtt_ms'] >= 0 and s['congestion'] for s in ev['socket'])" \
		"all(list(s).count('state') == 1 for s in ev['socket'])"
}

@test "IPv6 sockets are listed too, and -4 / -6 pick the family" {
	start_states ::1
	run -0 tt -q info -a --port "$lport"
	assert_equal "${#lines[@]}" 6
	assert_regex "${lines[0]}" "^LISTEN +0 +16  \[::1\]:$lport +\* "
	run -0 tt -q -6 info -a --port "$lport"
	assert_equal "${#lines[@]}" 6
	run -1 tt -q -4 info -a --port "$lport"
	assert_equal "$output" ""
}

@test "without netlink: the same sockets from /proc/net/tcp, and a note that says so" {
	start_states
	run -0 --separate-stderr timeout -k 1 "$T_MAX" "$NO_NETLINK" "$TCPTOOL" info -a -v --port "$lport"
	assert_equal "$stderr" "tcptool: netlink sock_diag is unavailable (Permission denied); read /proc/net/tcp instead, so no tcp_info and no listener backlog"
	local pid
	pid=$(bg_pid s)
	assert_line --regexp "$(row LISTEN "127.0.0.1:$lport" '\*' "python3 \(pid $pid, fd [0-9]+\)")"
	assert_line --regexp "$(row FIN_WAIT2 "127.0.0.1:$half" "127.0.0.1:$lport" "python3 .*")"
	assert_line --regexp "$(row CLOSE_WAIT "127.0.0.1:$lport" "127.0.0.1:$half" "python3 .*")"
	assert_line --regexp "$(row TIME_WAIT "127.0.0.1:$tw" "127.0.0.1:$lport" -)"
	assert_line --regexp '^    time-wait in [0-9]+\.[0-9]{3} s$'
	refute_line --regexp 'rtt '
	# The same list, state by state, as netlink gives it.
	local via_proc via_netlink
	via_proc=$(timeout -k 1 "$T_MAX" "$NO_NETLINK" "$TCPTOOL" -q info -a --port "$lport" | awk '{print $1, $4, $5}')
	via_netlink=$(tt -q info -a --port "$lport" | awk '{print $1, $4, $5}')
	assert_equal "$via_proc" "$via_netlink"
	run -0 --separate-stderr timeout -k 1 "$T_MAX" "$NO_NETLINK" "$TCPTOOL" -q info -l --port "$lport"
	assert_equal "$stderr" ""
}

@test "another user's sockets show no process, with a one-line hint" {
	[[ $(id -u) == 0 ]] || skip "needs root to run tcptool as another user"
	need_tool setpriv util-linux
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$TCPTOOL" --version >/dev/null 2>&1 ||
		skip "user nobody cannot run $TCPTOOL (its folder is closed to other users)"
	start_states
	run -0 --separate-stderr timeout -k 1 "$T_MAX" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$TCPTOOL" info -l --port "$lport"
	assert_regex "${lines[1]}" "^LISTEN .* \? \(uid 0\)$"
	assert_equal "$stderr" "tcptool: 1 socket of other users shows no process: only root may look into other users' /proc/PID/fd"
}

# --- info HOST PORT -----------------------------------------------------------------

@test "HOST PORT: connects, explains what the handshake negotiated, exits 0" {
	start_server e echo -b 127.0.0.1 0
	run -0 --separate-stderr tt info 127.0.0.1 "$port"
	assert_equal "$stderr" ""
	assert_regex "${lines[0]}" "^connected to 127\.0\.0\.1:$port from 127\.0\.0\.1:[0-9]+ in [0-9]+\.[0-9]{3} ms$"
	# Each row: the name and the value, then what it means on lines under them.
	assert_line --index 1 --regexp '^  state +ESTABLISHED$'
	assert_line --index 2 '      the handshake is complete: data may flow both ways'
	assert_regex "$(explained 'mss out')" '^[0-9]+ bytes \| largest segment we send'
	assert_regex "$(explained 'mss in')" '^65483 bytes \| largest segment we take'
	assert_regex "$(explained 'window scale')" '^[0-9]+ out / [0-9]+ in \| windows count in units of'
	assert_regex "$(explained sack)" '^yes \| selective ACKs'
	assert_regex "$(explained timestamps)" '^yes \| .'
	assert_regex "$(explained ecn)" '^(yes|no) \| .'
	assert_regex "$(explained 'syn data')" '^no \| .'
	# Times read as people write them: "0.034 ms", "200 ms", "1.5 s".
	local span='[0-9]+(\.[0-9]{1,3})? (ms|s)'
	assert_regex "$(explained rtt)" "^$span \\(var $span\\) \\| smoothed round-trip time"
	assert_regex "$(explained cwnd)" '^[0-9]+ segments \| congestion window'
	assert_regex "$(explained congestion)" "^$(cat /proc/sys/net/ipv4/tcp_congestion_control) \\| ."
	refute_line --regexp '^  (rto|ssthresh|bytes)( |$)'
	run -0 tt info -v 127.0.0.1 "$port"
	assert_regex "$(explained rto)" "^$span \\| retransmission timeout"
	refute_line --regexp '^  rto +[0-9]+\.[0-9]*0 m?s$'
	assert_regex "$(explained ssthresh)" '^(none yet|[0-9]+ segments) \| .'
	assert_regex "$(explained 'path mtu')" '^65535 bytes \| .'
	assert_regex "$(explained 'mss seen')" '^[0-9]+ bytes \| .'
	assert_regex "$(explained 'receive space')" '^[0-9]+ bytes \| .'
	assert_regex "$(explained retransmits)" '^0 segments \| .'
	# Nothing sent yet: the SYN that the kernel counts as a byte is left out.
	assert_regex "$(explained bytes)" '^0 bytes out / 0 bytes in \| our data the peer acknowledged'
}

@test "HOST PORT --json: connected, then one negotiated object" {
	localhost_in_hosts || skip "no localhost in /etc/hosts (we never ask DNS)"
	# A dual-stack server serves whichever address localhost has first.
	start_server e echo 0
	tt --json info localhost "$port" >"$(D events)"
	json_check "$(D events)" \
		'list(ev) == ["connected", "negotiated"]' \
		'ev["connected"][0]["host"] == "localhost" and ev["connected"][0]["handshake_ms"] >= 0' \
		'ev["negotiated"][0]["state"] == "ESTABLISHED"' \
		'ev["negotiated"][0]["advmss"] == (65464 if ev["connected"][0]["local"].startswith("[") else 65483)' \
		'ev["negotiated"][0]["snd_mss"] > 0' \
		'ev["negotiated"][0]["sack"] is True and ev["negotiated"][0]["timestamps"] is True' \
		'ev["negotiated"][0]["snd_wscale"] >= 0 and ev["negotiated"][0]["rcv_wscale"] >= 0' \
		'ev["negotiated"][0]["congestion"] == open("/proc/sys/net/ipv4/tcp_congestion_control").read().strip()'
}

@test "HOST PORT ends with FIN, not RST, even when the peer sent a banner" {
	# A server like the seeds': it greets, then waits for the client to go.
	start_bg srv python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
c.sendall(b"Hi there, client\n")
try:
    print("eof" if c.recv(100) == b"" else "data", flush=True)
except ConnectionResetError:
    print("reset", flush=True)
'
	wait_for_line srv.out '^[0-9]+$'
	run -0 tt -q info 127.0.0.1 "$(head -1 "$(D srv.out)")"
	assert_equal "$output" ""
	wait_for_line srv.out '^(eof|data|reset)$'
	assert_equal "$(tail -1 "$(D srv.out)")" eof
}

@test "HOST PORT failures: refused exits 1, a full queue with -w exits 4" {
	local p
	p=$(free_port)
	run -1 --separate-stderr tt info 127.0.0.1 "$p"
	assert_equal "$output" ""
	assert_equal "$stderr" "tcptool: connect 127.0.0.1:$p: Connection refused (nothing listens there: the peer answered the SYN with RST)"
	start_full_listener
	run -4 --separate-stderr timeout 10 "$TCPTOOL" info -w 300ms 127.0.0.1 "$port"
	assert_equal "$stderr" "tcptool: connect 127.0.0.1:$port: timed out after 300 ms (the SYN got no answer)"
}

@test "HOST PORT: a name that does not resolve exits 3 (in a network namespace of its own)" {
	can_unshare_net || skip "unshare -n is not permitted here"
	run -3 --separate-stderr timeout 10 unshare -n "$TCPTOOL" info no-such-host.invalid 80
	assert_regex "$stderr" "^tcptool: cannot resolve host 'no-such-host\.invalid': "
}

# --- info --fd ----------------------------------------------------------------------

@test "--fd: bash's /dev/tcp socket, described and explained" {
	start_server e echo -b 127.0.0.1 0
	exec 7<>"/dev/tcp/127.0.0.1/$port"
	run -0 --separate-stderr tt info --fd 7
	exec 7>&-
	assert_regex "${lines[0]}" "^fd 7: TCP socket \(IPv4\), connected to 127\.0\.0\.1:$port from 127\.0\.0\.1:[0-9]+$"
	assert_line --index 1 --regexp '^  state +ESTABLISHED$'
	assert_line --index 2 --regexp '^      the handshake is complete'
	assert_regex "$(explained sack)" '^yes \| selective ACKs'
	# The local name is the one the echo server saw.
	local from
	from=$(sed -nE 's/^fd 7: .* from (.*)$/\1/p' <<<"${lines[0]}")
	wait_for_line e.out "^connection from $from "
}

@test "--fd --json: an fd object, then negotiated, then the socket options" {
	start_server e echo -b 127.0.0.1 0
	exec 7<>"/dev/tcp/127.0.0.1/$port"
	tt --json info --fd 7 >"$(D events)"
	exec 7>&-
	json_check "$(D events)" \
		'list(ev) == ["fd", "negotiated", "sockopts"]' \
		'ev["fd"][0]["fd"] == 7 and ev["fd"][0]["family"] == "ipv4" and ev["fd"][0]["type"] == "stream"' \
		'ev["fd"][0]["protocol"] == "tcp" and ev["fd"][0]["listening"] is False' \
		"ev['fd'][0]['peer'] == '127.0.0.1:$port'" \
		'ev["negotiated"][0]["state"] == "ESTABLISHED"'
}

@test "--fd: a listening socket passed down, as systemd or inetd would" {
	run -0 timeout -k 1 "$T_MAX" python3 -c '
import socket, subprocess, sys
s = socket.socket(socket.AF_INET6); s.bind(("::1", 0)); s.listen(7)
sys.exit(subprocess.call([sys.argv[1], "info", "--fd", str(s.fileno())], pass_fds=[s.fileno()]))' "$TCPTOOL"
	assert_regex "${lines[0]}" '^fd [0-9]+: TCP socket \(IPv6\), listening on \[::1\]:[0-9]+$'
	assert_line --index 1 --regexp '^  state +LISTEN$'
	assert_line --index 3 --regexp '^  accept queue +0 of 7 connections$'
	assert_regex "$(explained 'accept queue')" ' \| finished handshakes waiting for accept\(\)'
}

@test "--fd: a UNIX socket is described without tcp_info" {
	run -0 timeout -k 1 "$T_MAX" python3 -c '
import socket, subprocess, sys
a, b = socket.socketpair()
sys.exit(subprocess.call([sys.argv[1], "info", "--fd", str(a.fileno())], pass_fds=[a.fileno()]))' "$TCPTOOL"
	assert_regex "$output" '^fd [0-9]+: UNIX stream socket, not bound, not connected$'
}

@test "--fd: not a socket or not open: one line, exit 2" {
	run -2 --separate-stderr tt info --fd 0 </dev/null
	assert_equal "$output" ""
	assert_equal "$stderr" "tcptool: fd 0 is not a socket: it is a character device"
	# shellcheck disable=SC2016 # expanded by the inner bash
	run -2 --separate-stderr timeout -k 1 "$T_MAX" bash -c 'echo hi | "$1" info --fd 0' _ "$TCPTOOL"
	assert_equal "$stderr" "tcptool: fd 0 is not a socket: it is a pipe"
	run -2 --separate-stderr tt info --fd 0 <"$BATS_TEST_FILENAME"
	assert_equal "$stderr" "tcptool: fd 0 is not a socket: it is a regular file"
	run -2 --separate-stderr tt info --fd 9
	assert_equal "$stderr" "tcptool: fd 9: not open in this process (open it with exec 3<>/dev/tcp/HOST/PORT)"
}

# --- info --system ------------------------------------------------------------------

@test "--system: a header, then each setting with its value from /proc/sys and what it means under it" {
	run -0 --separate-stderr tt info --system
	assert_equal "$stderr" ""
	assert_regex "${lines[0]}" '^  SETTING +VALUE$'
	assert_equal "${lines[1]}" "      WHAT IT MEANS"
	# The values line up under VALUE.
	local column=${lines[0]%%VALUE}
	assert_line --regexp "^  net\.ipv4\.tcp_syn_retries {$((${#column} - 26))}[0-9]+$"
	local retries range
	retries=$(cat /proc/sys/net/ipv4/tcp_syn_retries)
	range=$(tr -s '\t ' ' ' </proc/sys/net/ipv4/ip_local_port_range)
	assert_regex "$(explained net.ipv4.tcp_syn_retries)" "^$retries \\| connect\\(\\) gives up after $retries SYN retransmissions"
	assert_regex "$(explained net.ipv4.ip_local_port_range)" "^$range \\| connect\\(\\) and bind\\(\\) to port 0 pick"
	assert_regex "$(explained net.core.somaxconn)" '^[0-9]+ \| listen\(\) backlogs are cut to'
	assert_regex "$(explained net.ipv4.tcp_congestion_control)" '^[a-z0-9_]+ \| new connections use'
	assert_regex "$(explained net.ipv6.bindv6only)" '^[01] \| a listener on \[::\]'
	# 27 settings, each with its meaning.
	assert_equal "$(grep -c '^  net\.' <<<"$output")" 27
	# Rows start 2 columns in, meanings 6 (a long value may go on under VALUE).
	refute_line --regexp '^( ?| {3,5})[^ ]'
	[[ $output != *$'\n\n'* ]] || fail "a blank line: $output"
	# -q leaves out the header, as for the socket list.
	run -0 tt -q info --system
	assert_regex "${lines[0]}" '^  net\.'
}

@test "--system --json: one setting object per line" {
	tt --json info --system >"$(D settings)"
	json_check "$(D settings)" \
		'len(ev["setting"]) == 27 and len(ev) == 1' \
		'all(s["meaning"] and isinstance(s["readable"], bool) for s in ev["setting"])' \
		"[s['value'] for s in ev['setting'] if s['name'] == 'net.ipv4.tcp_syn_retries'] == ['$(cat /proc/sys/net/ipv4/tcp_syn_retries)']"
}

# --- widths and byte counts ---------------------------------------------------------

@test "--system, --fd and -v HOST PORT: no line wider than 80 columns, fewer for COLUMNS or a narrower terminal" {
	start_server e echo -b 127.0.0.1 0
	run -0 env -u COLUMNS "$TCPTOOL" info --system
	assert_regex "${lines[0]}" '^  SETTING +VALUE$'
	assert_equal "${lines[1]}" "      WHAT IT MEANS"
	assert_width 80
	run -0 env -u COLUMNS "$TCPTOOL" -v info 127.0.0.1 "$port"
	assert_line --regexp '^  bytes '
	assert_width 80
	exec 7<>"/dev/tcp/127.0.0.1/$port"
	run -0 env -u COLUMNS "$TCPTOOL" -v info --fd 7
	assert_line --regexp '^  bytes '
	assert_width 80
	# Fewer columns when asked (for the rows: the fd line is an event line,
	# one line whatever its length); more are never taken.
	run -0 env COLUMNS=64 "$TCPTOOL" -v info --fd 7
	mapfile -t lines < <(grep '^ ' <<<"$output")
	assert_line --regexp '^  bytes '
	assert_width 64
	run -0 env COLUMNS=200 "$TCPTOOL" -v info --fd 7
	assert_width 80
	exec 7>&-
	run -0 env COLUMNS=64 "$TCPTOOL" info --system
	assert_width 64
	assert_equal "$(grep -c '^  net\.' <<<"$output")" 27
	run -0 env COLUMNS=200 "$TCPTOOL" info --system
	assert_width 80
	assert_line --regexp '^.{75,80}$'
	# A terminal 64 columns wide, as a split pane may be.
	need_tool script util-linux
	# shellcheck disable=SC2016 # expanded by the inner shell
	run -0 timeout -k 1 "$T_MAX" script -qec 'stty cols 64 && env -u COLUMNS "$TCPTOOL" info --system' /dev/null
	output=${output//$'\r'/}
	lines=()
	mapfile -t lines <<<"$output"
	assert_regex "${lines[0]}" '^  SETTING +VALUE$'
	assert_width 64
	assert_line --regexp '^.{58,64}$'
}

@test "bytes count data: 0 on a fresh connection, then what the peer acknowledged, without the SYN" {
	start_server e echo -b 127.0.0.1 0
	exec 7<>"/dev/tcp/127.0.0.1/$port"
	run -0 tt -v info --fd 7
	assert_regex "$(explained bytes)" '^0 bytes out / 0 bytes in \| '
	# The echo of these 13 bytes carries the peer's ACK of them.
	printf 'hello, world\n' >&7
	local reply
	read -r -t 5 reply <&7
	assert_equal "$reply" "hello, world"
	run -0 tt -v info --fd 7
	exec 7>&-
	assert_regex "$(explained bytes)" '^13 bytes out / 13 bytes in \| '
}

@test "bytes on either end: an accepted socket counts no SYN, and FINs are left out" {
	run -0 timeout -k 1 "$T_MAX" python3 -c '
import socket, subprocess, sys, time
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(1)
c = socket.create_connection(ls.getsockname()); s, _ = ls.accept()
def info(tag, sock):
    print("--", tag, flush=True)
    subprocess.run([sys.argv[1], "-v", "info", "--fd", str(sock.fileno())], pass_fds=[sock.fileno()], check=True)
c.sendall(b"x" * 10); s.recv(10, socket.MSG_WAITALL)
s.sendall(b"y" * 3); c.recv(3, socket.MSG_WAITALL)
info("client", c); info("server", s)
c.shutdown(socket.SHUT_WR)
# FIN_WAIT2 once the peer acknowledged our FIN; the peer in CLOSE_WAIT once it came.
while c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0] != 5:
    time.sleep(0.01)
assert s.recv(1) == b""
info("client after its FIN", c); info("server after that FIN", s)' "$TCPTOOL"
	local all=$output tag want
	while IFS='|' read -r tag want; do
		output=$(awk -v t="-- $tag" '$0 == t { on = 1; next } /^-- / { on = 0 } on' <<<"$all")
		assert_regex "$output" "^fd [0-9]+: TCP socket"
		assert_regex "$(explained bytes)" "^$want \\| "
	done <<'EOF'
client|10 bytes out / 3 bytes in
server|3 bytes out / 10 bytes in
client after its FIN|10 bytes out / 3 bytes in
server after that FIN|3 bytes out / 10 bytes in
EOF
	assert_regex "$all" $'\n  state +FIN_WAIT2\n'
	assert_regex "$all" $'\n  state +CLOSE_WAIT\n'
}

# --- usage errors -------------------------------------------------------------------

@test "usage errors: one line naming the problem, exit 2" {
	local args want
	while IFS='|' read -r args want; do
		# shellcheck disable=SC2086 # args is a word list
		run -2 --separate-stderr tt info $args
		assert_equal "${stderr_lines[0]}" "tcptool: $want"
		assert_equal "${stderr_lines[1]}" "Try 'tcptool info --help' for more information."
	done <<'EOF'
--port 99999|invalid port '99999': out of range 0-65535
--state bogus|invalid state 'bogus': states are established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait, close, close-wait, last-ack, listen, closing
--state established,|invalid state 'established,': expected names like established, listen, time-wait, fin-wait-2
--fd -1|invalid fd '-1': negative
--fd x|invalid fd 'x': not a whole number
-l -a|info: use one of -l, -a and --state
-a --state listen|info: use one of -l, -a and --state
--fd 3 127.0.0.1 80|info: use one of HOST PORT, --fd and --system
--system --fd 3|info: use one of HOST PORT, --fd and --system
--port 80 127.0.0.1 80|info: --port applies only to the socket list (info without HOST PORT)
-l --system|info: -l applies only to the socket list (info without HOST PORT)
-w 1s|info: -w applies only to info HOST PORT
-p 4000 --fd 3|info: -p applies only to info HOST PORT
127.0.0.1|info: missing PORT
127.0.0.1 80 extra|info: unexpected argument 'extra'
127.0.0.1 99999|invalid port '99999': out of range 0-65535
--system extra|info: use one of HOST PORT, --fd and --system
EOF
}
