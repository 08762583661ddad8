#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# tcptool shutdown against peers that end a connection in different ways
# (tests/helpers/closer.py, tcptool echo, OpenBSD nc), on loopback: the
# timeline, the TCP states cross-checked with ss, JSON, exits, failures.

setup() {
	load helpers/common
	_common_setup
	CLOSER="$BATS_TEST_DIRNAME/helpers/closer.py"
	NC=${NC:-/usr/bin/nc}
}

teardown() {
	_common_teardown
}

HS='in [0-9]+\.[0-9]{3} ms' # a handshake time
LEFT='[0-9]+\.[0-9] s left'  # a kernel timer

# start_peer NAME MODE [ARGS...]: closer.py MODE ARGS as NAME; sets $port.
start_peer() {
	local name=$1
	shift
	start_bg "$name" python3 "$CLOSER" "$@"
	# shellcheck disable=SC2034 # the tests read $port
	port=$(wait_for_port "$name")
}

# unstamped FILE: the timeline without its t+ stamps.
unstamped() {
	sed -E 's/^t\+[0-9]+\.[0-9]{3} m?s +//' "$1"
}

# line_of FILE REGEX: the number of the one line of FILE (stamps removed)
# that matches REGEX; fails, showing the file, unless exactly one does.
line_of() {
	local n
	n=$(unstamped "$1" | grep -nE -- "$2" | cut -d: -f1)
	if [[ -z $n || $n == *$'\n'* ]]; then
		echo "# expected one line matching '$2', found: ${n//$'\n'/ }" >&2
		sed 's/^/#   /' "$1" >&2
		return 1
	fi
	echo "$n"
}

# assert_order FILE REGEX...: each REGEX matches exactly one line of FILE,
# and those lines come in this order.
assert_order() {
	local f=$1 prev=0 prev_re=start n re
	shift
	for re; do
		n=$(line_of "$f" "$re") || fail "no single line matches '$re'"
		((n > prev)) || fail "'$re' (line $n) does not come after '$prev_re' (line $prev):"$'\n'"$(cat "$f")"
		prev=$n prev_re=$re
	done
}

# states FILE: the states the timeline (human or JSON) went through, in
# order, space separated.
states() {
	sed -nE 's/^(t\+[0-9.]+ m?s +)?state ([A-Z0-9_]+): .*/\2/p; s/^\{"event":"state",.*"state":"([A-Z0-9_]+)".*/\1/p' "$1" |
		paste -sd' ' -
}

# assert_states FILE REGEX: the states, space separated, match REGEX whole.
assert_states() {
	local got
	got=$(states "$1")
	[[ $got =~ ^$2$ ]] || fail "states '$got' do not match '$2':"$'\n'"$(cat "$1")"
}

# assert_stamped FILE: every line starts with t+MS (3 decimals, padded to
# a column) and the times never decrease.
assert_stamped() {
	python3 - "$1" <<'EOF' || fail "$(cat "$1")"
import re, sys
prev = -1.0
lines = open(sys.argv[1]).read().splitlines()
if not lines:
    sys.exit("no timeline at all")
for n, line in enumerate(lines, 1):
    m = re.match(r"t\+(\d+\.\d{3} m?s)( +)\S", line)
    if not m:
        sys.exit("line %d has no t+ stamp: %r" % (n, line))
    stamp = m.group(1)
    if len(stamp) < 10 and len("t+" + stamp + m.group(2)) != 13:
        sys.exit("line %d: the text does not start in column 14: %r" % (n, line))
    value, unit = stamp.split()
    t = float(value) * (1000 if unit == "s" else 1)
    if t < prev:
        sys.exit("line %d: time %s goes back from %s" % (n, stamp, prev))
    prev = t
EOF
}

# assert_json_timeline FILE: every line one JSON object with event and t,
# the t values never decrease, and each event has its documented keys
# (and no key of another type).
assert_json_timeline() {
	python3 - "$1" <<'EOF' || fail "$(cat "$1")"
import json, sys
keys = {
    "connected": ({"local", "peer", "handshake_ms"}, {"host", "resolve_ms"}),
    "tcp_info": ({"state"}, None),
    "state": ({"state"}, set()),
    "sent": ({"bytes"}, set()),
    "shutdown": ({"how"}, set()),
    "write_failed": ({"error"}, {"bytes"}),
    "read_after_shutdown": ({"bytes"}, set()),
    "received": ({"bytes", "after_fin", "after_shut_rd"}, set()),
    "peer_fin": (set(), set()),
    "reset": ({"by", "error"}, set()),
    "wait_over": ({"waited_ms"}, set()),
    "close": ({"rst", "unread", "state_after"}, {"timer_ms"}),
    "error": ({"message"}, set()),
}
types = {"handshake_ms": float, "bytes": int, "waited_ms": int, "unread": int, "timer_ms": int,
         "after_fin": bool, "after_shut_rd": bool, "rst": bool, "state": str, "how": str,
         "by": str, "error": str, "state_after": str, "local": str, "peer": str}
prev = -1.0
lines = open(sys.argv[1]).read().splitlines()
if not lines:
    sys.exit("no events at all")
for n, line in enumerate(lines, 1):
    try:
        o = json.loads(line)
    except ValueError as e:
        sys.exit("line %d is not JSON (%s): %r" % (n, e, line))
    if not isinstance(o, dict) or "event" not in o or not isinstance(o.get("t"), float):
        sys.exit("line %d lacks event or a float t: %r" % (n, line))
    if o["t"] < prev:
        sys.exit("line %d: t %s goes back from %s" % (n, o["t"], prev))
    prev = o["t"]
    ev = o["event"]
    if ev not in keys:
        sys.exit("line %d: undocumented event %r" % (n, ev))
    need, extra = keys[ev]
    have = set(o) - {"event", "t"}
    if not need <= have:
        sys.exit("line %d: %s lacks %s" % (n, ev, sorted(need - have)))
    if extra is not None and not have <= need | extra:
        sys.exit("line %d: %s has unexpected %s" % (n, ev, sorted(have - need - extra)))
    for k, v in o.items():
        if k in types and not isinstance(v, types[k]):
            sys.exit("line %d: %s is %r, not a %s" % (n, k, v, types[k].__name__))
EOF
}

# local_port FILE: our port, from the connected line (human or JSON).
local_port() {
	sed -nE 's/^(t\+[0-9.]+ m?s +)?connected to .* from [^ ]*:([0-9]+) in .*/\2/p;
		s/^\{"event":"connected",.*"local":"[^"]*:([0-9]+)".*/\1/p' "$1" | head -n1
}

# tcp_pair LPORT PPORT: what ss shows of the connection between ports LPORT
# and PPORT, from both ends: "STATE LOCAL PEER" lines.  Both ports, since
# another connection may use either one on its other end.
tcp_pair() {
	ss -Htan "( ( sport = :$1 and dport = :$2 ) or ( sport = :$2 and dport = :$1 ) )" |
		awk '{ print $1, $4, $5 }'
}

have_ipv6_lo() {
	python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null
}

need_nc() {
	need_openbsd_nc
}

# --- the default: SHUT_WR ------------------------------------------------------------

@test "SHUT_WR against an echo peer: sent, FIN, EPIPE, the echo after our FIN, peer FIN, TIME_WAIT" {
	start_peer p echo
	run -0 --separate-stderr tt shutdown --send $'hello\n' 127.0.0.1 "$port"
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$(D out)"
	assert_stamped "$(D out)"
	local lp
	lp=$(local_port "$(D out)")
	assert_regex "${lines[0]}" "^t\+[0-9.]+ m?s +connected to 127\.0\.0\.1:$port from 127\.0\.0\.1:$lp $HS\$"
	assert_regex "${lines[1]}" '^t\+[0-9.]+ m?s +state ESTABLISHED: the handshake is complete: data may flow both ways$'
	assert_regex "${lines[2]}" '^t\+[0-9.]+ m?s +sent 6 bytes: "hello\\n"$'
	assert_regex "${lines[3]}" '^t\+[0-9.]+ m?s +shutdown\(SHUT_WR\): our FIN is on its way; we can still receive$'
	assert_regex "${lines[-1]}" "^t\+[0-9.]+ m?s +close\(\): the kernel still holds the connection in TIME_WAIT, $LEFT\$"
	assert_order "$(D out)" '^shutdown\(SHUT_WR\)' \
		'^a write now fails with EPIPE \(Broken pipe\): no data may follow our FIN$' '^close\(\)'
	assert_order "$(D out)" '^shutdown\(SHUT_WR\)' \
		'^received 6 bytes after our FIN: "hello\\n" \(half-closed: the peer may still send\)$' \
		'^peer FIN: the peer will send nothing more \(a read returns 0: EOF\)$' \
		'^state TIME_WAIT: both FINs are done; the port pair rests 60 s so stray segments die out$' '^close\(\)'
	# FIN_WAIT1 and FIN_WAIT2 last only as long as the peer takes to answer.
	assert_states "$(D out)" 'ESTABLISHED( FIN_WAIT1)?( FIN_WAIT2)? TIME_WAIT'
	assert_equal "${#lines[@]}" "$((7 + $(states "$(D out)" | wc -w)))"
	# We sent the first FIN: the TIME_WAIT is ours, and ss sees it too.
	run -0 tcp_pair "$lp" "$port"
	assert_output "TIME-WAIT 127.0.0.1:$lp 127.0.0.1:$port"
	assert_bg_exit p 0
	run -0 cat "$(D p.out)"
	assert_output $'accepted\ngot 6 bytes: b\'hello\\n\'\neof'
}

@test "tcptool echo as the peer: the same timeline, and the echo server sees our FIN first" {
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr tt shutdown --send 'ping' 127.0.0.1 "$port"
	printf '%s\n' "$output" >"$(D out)"
	assert_stamped "$(D out)"
	assert_order "$(D out)" '^sent 4 bytes: "ping"$' '^shutdown\(SHUT_WR\)' \
		'^received 4 bytes after our FIN: "ping" ' '^peer FIN: ' '^state TIME_WAIT: ' \
		'^close\(\): the kernel still holds the connection in TIME_WAIT, '
	wait_for_line s.out '^closed 127\.0\.0\.1:[0-9]+: 4 bytes in, 4 bytes out .*; the peer closed first$'
}

# Data and FIN that arrive together must be told before the state they led to.
@test "the peer's data and FIN come before the state they led to, every time" {
	local round
	start_server s echo -b 127.0.0.1 0
	# Not "i": bats 1.8.2's run overwrites it.
	for round in $(seq 12); do
		tt shutdown --send "round $round" 127.0.0.1 "$port" >"$(D "out$round")" ||
			fail "exit $?: $(cat "$(D "out$round")")"
		assert_order "$(D "out$round")" '^shutdown\(SHUT_WR\)' "^received [0-9]+ bytes after our FIN: \"round $round\"" \
			'^peer FIN: ' '^state TIME_WAIT: ' '^close\(\)'
	done
}

# --- a peer that keeps its side open ----------------------------------------------------

@test "a peer that holds: FIN_WAIT2, the wait runs out, close leaves FIN_WAIT2" {
	start_peer p hold
	run -0 --separate-stderr tt shutdown -w 500ms 127.0.0.1 "$port"
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$(D out)"
	assert_stamped "$(D out)"
	assert_regex "${lines[1]}" '^t\+[0-9.]+ m?s +state ESTABLISHED: '
	assert_regex "${lines[2]}" '^t\+[0-9.]+ m?s +shutdown\(SHUT_WR\): '
	assert_order "$(D out)" '^shutdown\(SHUT_WR\)' '^a write now fails with EPIPE \(Broken pipe\)' \
		'^state FIN_WAIT2: our FIN is acknowledged; the peer may still send until its own FIN$' \
		'^waited 500 ms: the peer has not closed its side$'
	assert_states "$(D out)" 'ESTABLISHED( FIN_WAIT1)? FIN_WAIT2'
	assert_regex "${lines[-1]}" "^t\+[0-9.]+ m?s +close\(\): the kernel still holds the connection in FIN_WAIT2, $LEFT\$"
	refute_output --partial 'peer FIN'
	refute_output --partial 'received'
	bg_running p
}

@test "a peer that holds: ss shows FIN-WAIT-2 for us and CLOSE-WAIT for the peer at that moment" {
	start_peer p hold
	start_bg s "$TCPTOOL" shutdown -w 5s 127.0.0.1 "$port"
	wait_for_line s.out 'state FIN_WAIT2: '
	local lp
	lp=$(local_port "$(D s.out)")
	[[ -n $lp ]] || fail "no local port: $(cat "$(D s.out)")"
	run -0 tcp_pair "$lp" "$port"
	assert_line "FIN-WAIT-2 127.0.0.1:$lp 127.0.0.1:$port"
	assert_line "CLOSE-WAIT 127.0.0.1:$port 127.0.0.1:$lp"
	assert_equal "${#lines[@]}" 2
	run -0 ss -Htn state fin-wait-2 "( sport = :$lp )"
	assert_output --partial "127.0.0.1:$port"
	# Now the peer goes away (its FIN): the watch ends there, long before -w.
	kill -TERM "$(bg_pid p)"
	assert_bg_exit s 0 50
	assert_order "$(D s.out)" '^state FIN_WAIT2: ' '^peer FIN: the peer will send nothing more \(a read returns 0: EOF\)$' \
		'^state TIME_WAIT: ' '^close\(\): the kernel still holds the connection in TIME_WAIT, '
	run -1 grep -E '^t\+[0-9.]+ m?s +waited ' "$(D s.out)"
}

# --- a peer that closes first --------------------------------------------------------------

@test "the peer closes first: CLOSE_WAIT (ss agrees), then our shutdown ends in CLOSE" {
	start_peer p close-first
	start_bg s "$TCPTOOL" shutdown --after 1s 127.0.0.1 "$port"
	wait_for_line s.out 'state CLOSE_WAIT: '
	local lp
	lp=$(local_port "$(D s.out)")
	[[ -n $lp ]] || fail "no local port: $(cat "$(D s.out)")"
	# Still within --after.  The peer's socket, closed, waits for our FIN
	# in FIN-WAIT-2, or for a few ms in FIN-WAIT-1 until our kernel's
	# (delayed) ACK of its FIN.
	run -0 tcp_pair "$lp" "$port"
	assert_line "CLOSE-WAIT 127.0.0.1:$lp 127.0.0.1:$port"
	assert_line --regexp "^FIN-WAIT-[12] 127\.0\.0\.1:$port 127\.0\.0\.1:$lp\$"
	assert_equal "${#lines[@]}" 2
	run -1 grep -E '^t\+[0-9.]+ m?s +shutdown' "$(D s.out)"
	assert_bg_exit s 0
	assert_stamped "$(D s.out)"
	assert_order "$(D s.out)" '^connected to ' '^peer FIN: the peer will send nothing more \(a read returns 0: EOF\)$' \
		'^state CLOSE_WAIT: the peer sent FIN; we may still send until we close$' \
		'^shutdown\(SHUT_WR\): our FIN is on its way; we can still receive$' \
		'^state CLOSE: the socket is closed$' \
		'^close\(\): nothing of the connection is left in the kernel$'
	assert_order "$(D s.out)" '^shutdown\(SHUT_WR\)' '^a write now fails with EPIPE'
	# ESTABLISHED shows only when the peer's FIN came after our first look.
	assert_states "$(D s.out)" '(ESTABLISHED )?CLOSE_WAIT( LAST_ACK)? CLOSE'
	assert_equal "$(wc -l <"$(D s.out)")" "$((5 + $(states "$(D s.out)" | wc -w)))"
	# The peer closed first, so the TIME_WAIT is on its side.
	run -0 tcp_pair "$lp" "$port"
	assert_output "TIME-WAIT 127.0.0.1:$port 127.0.0.1:$lp"
}

# --- resets ----------------------------------------------------------------------------

@test "a peer that resets on our FIN: peer RST, state CLOSE, nothing left; exit 0" {
	start_peer p reset-on-eof
	run -0 --separate-stderr tt shutdown 127.0.0.1 "$port"
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$(D out)"
	assert_stamped "$(D out)"
	assert_order "$(D out)" '^shutdown\(SHUT_WR\)' \
		'^peer RST: the peer aborted the connection; reads and writes now fail \(Connection reset by peer\)$' \
		'^state CLOSE: the socket is closed$' '^close\(\): nothing of the connection is left in the kernel$'
	assert_regex "${lines[-1]}" '^t\+[0-9.]+ m?s +close\(\): '
	refute_output --partial 'peer FIN'
	refute_output --partial 'waited'
	assert_states "$(D out)" 'ESTABLISHED( FIN_WAIT1)?( FIN_WAIT2)? CLOSE'
	assert_bg_exit p 0
	assert_equal "$(cat "$(D p.out)")" $'accepted\neof\nsent RST'

	start_peer p2 reset-on-eof
	run -0 --separate-stderr tt shutdown --json 127.0.0.1 "$port"
	printf '%s\n' "$output" >"$(D json)"
	assert_json_timeline "$(D json)"
	json_check "$(D json)" \
		'len(ev["reset"]) == 1 and ev["reset"][0]["by"] == "peer"' \
		'ev["reset"][0]["error"] == "Connection reset by peer"' \
		'ev["state"][-1]["state"] == "CLOSE" and ev["state"][-1]["t"] >= ev["reset"][0]["t"]' \
		'"peer_fin" not in ev and "wait_over" not in ev' \
		'ev["close"] == [dict(ev["close"][0], rst=False, unread=0, state_after="gone")]' \
		'"timer_ms" not in ev["close"][0]'
}

@test "a peer that resets at once: the shutdown cannot be done, exit 1" {
	# --after ends early at a reset, so a long one costs nothing.
	start_peer p reset-now
	run -1 --separate-stderr tt shutdown --after 5s 127.0.0.1 "$port"
	assert_equal "$stderr" "tcptool: shutdown(SHUT_WR): the connection was already reset"
	printf '%s\n' "$output" >"$(D out)"
	assert_stamped "$(D out)"
	assert_regex "${lines[0]}" "^t\+[0-9.]+ m?s +connected to 127\.0\.0\.1:$port from "
	assert_order "$(D out)" '^connected to ' \
		'^peer RST: the peer aborted the connection; reads and writes now fail \(Connection reset by peer\)$' \
		'^state CLOSE: the socket is closed$' '^close\(\): nothing of the connection is left in the kernel$'
	assert_states "$(D out)" '(ESTABLISHED )?CLOSE'
	refute_output --partial 'shutdown('
	refute_output --partial 'peer FIN'
	assert_equal "${#lines[@]}" "$((3 + $(states "$(D out)" | wc -w)))"

	# stdout and stderr in one file: the reset is told before the error.
	start_peer p2 reset-now
	run -1 tt shutdown --after 5s 127.0.0.1 "$port" 2>&1
	printf '%s\n' "$output" >"$(D both)"
	assert_order "$(D both)" '^peer RST: ' '^tcptool: shutdown\(SHUT_WR\): the connection was already reset$' '^close\(\)'

	# JSON: the error is an event on stdout too, after the reset.
	start_peer p3 reset-now
	run -1 --separate-stderr tt shutdown --json --after 5s 127.0.0.1 "$port"
	assert_equal "$stderr" "tcptool: shutdown(SHUT_WR): the connection was already reset"
	printf '%s\n' "$output" >"$(D json)"
	assert_json_timeline "$(D json)"
	json_check "$(D json)" \
		'ev["reset"][0]["by"] == "peer"' \
		'ev["error"] == [dict(ev["error"][0], message="shutdown(SHUT_WR): the connection was already reset")]' \
		'ev["reset"][0]["t"] <= ev["error"][0]["t"] <= ev["close"][0]["t"]' \
		'"shutdown" not in ev'
}

# strace makes the first poll() return late, so the peer's RST is in
# before the handshake is seen as done: the reset comes with the handshake.
@test "a reset that comes with the handshake is a reset, not a FIN" {
	need_tool strace strace
	strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
	start_peer p reset-now
	# LeakSanitizer cannot run under ptrace (for TCPTOOL=build-san/tcptool).
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		run -1 --separate-stderr timeout 10 strace -o /dev/null -e inject=poll:delay_exit=300000:when=1 \
		"$TCPTOOL" shutdown 127.0.0.1 "$port"
	assert_equal "$stderr" "tcptool: shutdown(SHUT_WR): the connection was already reset"
	printf '%s\n' "$output" >"$(D out)"
	wait_for_line p.out '^sent RST$'
	assert_order "$(D out)" '^connected to ' '^peer RST: ' '^state CLOSE: ' '^close\(\): nothing of the connection is left'
	refute_output --partial 'peer FIN'
}

@test "--rst: close() with SO_LINGER 0, nothing left, no TIME_WAIT, and the peer reads ECONNRESET" {
	start_peer p echo
	run -0 --separate-stderr tt shutdown --rst 127.0.0.1 "$port"
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$(D out)"
	assert_stamped "$(D out)"
	assert_equal "${#lines[@]}" 3
	assert_regex "${lines[0]}" "^t\+[0-9.]+ m?s +connected to 127\.0\.0\.1:$port from 127\.0\.0\.1:[0-9]+ $HS\$"
	assert_regex "${lines[1]}" '^t\+[0-9.]+ m?s +state ESTABLISHED: '
	assert_regex "${lines[2]}" '^t\+[0-9.]+ m?s +close\(\) with SO_LINGER 0: RST sent instead of FIN; nothing of the connection is left in the kernel \(no TIME_WAIT\)$'
	assert_bg_exit p 0
	assert_equal "$(cat "$(D p.out)")" $'accepted\nerror ECONNRESET'
	run -0 tcp_pair "$(local_port "$(D out)")" "$port"
	assert_output ""

	start_peer p2 echo
	run -0 --separate-stderr tt shutdown --rst --json 127.0.0.1 "$port"
	printf '%s\n' "$output" >"$(D json)"
	assert_json_timeline "$(D json)"
	json_check "$(D json)" \
		'list(ev) == ["connected", "state", "close"]' \
		'ev["close"][0] == dict(ev["close"][0], rst=True, unread=0, state_after="gone")' \
		'"timer_ms" not in ev["close"][0]'
	assert_bg_exit p2 0
	assert_equal "$(cat "$(D p2.out)")" $'accepted\nerror ECONNRESET'
	run -0 tcp_pair "$(local_port "$(D json)")" "$port"
	assert_output ""
}

# --- SHUT_RD and SHUT_RDWR -------------------------------------------------------------------

@test "--how rd: a read ends at once, yet later data still arrives, and the state tells the peer's FIN" {
	mkfifo "$(D go)"
	exec 7<>"$(D go)"
	start_peer p send-on-signal "$(D go)"
	start_bg s "$TCPTOOL" shutdown --how rd -w 5s 127.0.0.1 "$port"
	wait_for_line s.out 'a read now returns 0 \(EOF\) at once'
	local lp
	lp=$(local_port "$(D s.out)")
	# SHUT_RD sends nothing: both sides are still ESTABLISHED.
	run -0 tcp_pair "$lp" "$port"
	assert_line "ESTAB 127.0.0.1:$lp 127.0.0.1:$port"
	assert_line "ESTAB 127.0.0.1:$port 127.0.0.1:$lp"
	# Only now does the peer send, then close.
	printf 'hi\n' >&7
	assert_bg_exit s 0
	assert_bg_exit p 0
	assert_equal "$(cat "$(D p.out)")" $'accepted\nsent b\'hi\''
	assert_stamped "$(D s.out)"
	assert_order "$(D s.out)" '^state ESTABLISHED: ' \
		'^shutdown\(SHUT_RD\): nothing is sent to the peer; our reads now end at once$' \
		'^a read now returns 0 \(EOF\) at once' \
		'^received 2 bytes after shutdown\(SHUT_RD\): "hi" \(Linux still queues what the peer sends, and reads return it\)$' \
		'^peer FIN: the peer will send nothing more \(the state says so; reads are shut down\)$' \
		'^state CLOSE_WAIT: ' '^close\(\): our FIN is on its way; '
	run -1 grep -E 'write now fails|waited|RST' "$(D s.out)"
	assert_states "$(D s.out)" 'ESTABLISHED CLOSE_WAIT'
	assert_equal "$(wc -l <"$(D s.out)")" 8
	assert_regex "$(tail -n1 "$(D s.out)")" 'close\(\): our FIN is on its way; (the kernel still holds the connection in LAST_ACK.*|nothing of the connection is left in the kernel)$'
}

@test "--how rd --json: read_after_shutdown 0, received after_shut_rd, peer_fin from the state" {
	mkfifo "$(D go)"
	exec 7<>"$(D go)"
	start_peer p send-on-signal "$(D go)"
	start_bg s "$TCPTOOL" shutdown --json --how rd -w 5s 127.0.0.1 "$port"
	wait_for_line s.out '"event":"read_after_shutdown"'
	printf 'late\n' >&7
	assert_bg_exit s 0
	assert_json_timeline "$(D s.out)"
	json_check "$(D s.out)" \
		'ev["shutdown"][0]["how"] == "SHUT_RD"' \
		'ev["read_after_shutdown"][0]["bytes"] == 0' \
		'ev["received"] == [dict(ev["received"][0], bytes=4, after_fin=False, after_shut_rd=True)]' \
		'ev["received"][0]["t"] <= ev["peer_fin"][0]["t"]' \
		'"write_failed" not in ev and "reset" not in ev and "wait_over" not in ev' \
		'ev["close"][0]["rst"] is False and ev["close"][0]["unread"] == 0'
}

@test "--how rdwr: data after our FIN makes our kernel reset, by us, state CLOSE" {
	local round f
	# A few rounds: the reset comes within microseconds of our shutdown().
	for round in 1 2 3 4; do
		start_peer "p$round" talk-after-fin
		f=$(D "out$round")
		if ((round % 2)); then
			tt shutdown --how rdwr -w 2s 127.0.0.1 "$port" >"$f" || fail "exit $?: $(cat "$f")"
			assert_stamped "$f"
			assert_order "$f" '^shutdown\(SHUT_RDWR\): our FIN is on its way; no more reads or writes$' \
				'^RST sent by our kernel: data arrived after shutdown\(SHUT_RDWR\), and nothing may read it; reads now fail with Connection reset by peer$' \
				'^close\(\): nothing of the connection is left in the kernel$'
			# The test write and read show EPIPE and EOF, unless the reset came
			# first: then the write takes the reset, and the RST line follows
			# the shutdown at once.
			if unstamped "$f" | grep -q '^a write now fails'; then
				assert_order "$f" '^shutdown\(SHUT_RDWR\)' '^a write now fails with EPIPE \(Broken pipe\): ' '^close\(\)'
				assert_order "$f" '^shutdown\(SHUT_RDWR\)' '^a read now returns 0 \(EOF\) at once' '^close\(\)'
			else
				unstamped "$f" | grep -A1 '^shutdown(SHUT_RDWR)' | tail -n1 | grep -q '^RST sent by our kernel' ||
					fail "no EPIPE line, and the RST does not follow the shutdown: $(cat "$f")"
			fi
			assert_order "$f" '^RST sent by our kernel' '^state CLOSE: '
			assert_states "$f" 'ESTABLISHED( FIN_WAIT1)?( FIN_WAIT2)? CLOSE'
			run -1 grep -E 'received|peer FIN|peer RST|waited' "$f"
		else
			tt shutdown --json --how rdwr -w 2s 127.0.0.1 "$port" >"$f" || fail "exit $?: $(cat "$f")"
			assert_json_timeline "$f"
			json_check "$f" \
				'ev["reset"] == [dict(ev["reset"][0], by="us", error="Connection reset by peer")]' \
				'ev["state"][-1]["state"] == "CLOSE"' \
				'ev["shutdown"][0]["how"] == "SHUT_RDWR"' \
				'"write_failed" not in ev or ev["write_failed"][0]["error"] == "Broken pipe"' \
				'"read_after_shutdown" not in ev or ev["read_after_shutdown"][0]["bytes"] == 0' \
				'"write_failed" in ev or ev["reset"][0]["t"] <= ev["state"][-1]["t"]' \
				'"received" not in ev and "peer_fin" not in ev and "wait_over" not in ev' \
				'ev["close"][0]["state_after"] == "gone"'
		fi
		assert_bg_exit "p$round" 0
		# The peer's data was refused: it got RST (EPIPE or ECONNRESET, by its state).
		grep -qE '^reset E(PIPE|CONNRESET)$' "$(D "p$round.out")" || fail "peer: $(cat "$(D "p$round.out")")"
	done
}

@test "a peer that talks after our FIN: received with after_fin, then its FIN" {
	start_peer p talk-after-fin
	run -0 --separate-stderr tt shutdown 127.0.0.1 "$port"
	printf '%s\n' "$output" >"$(D out)"
	assert_stamped "$(D out)"
	assert_order "$(D out)" '^shutdown\(SHUT_WR\)' \
		'^received 4 bytes after our FIN: "bye\\n" \(half-closed: the peer may still send\)$' \
		'^peer FIN: ' '^state TIME_WAIT: ' '^close\(\): the kernel still holds the connection in TIME_WAIT'
	assert_bg_exit p 0
	assert_equal "$(cat "$(D p.out)")" $'accepted\neof\nsent \'bye\\n\'\nclosed'

	start_peer p2 talk-after-fin
	run -0 --separate-stderr tt shutdown --json 127.0.0.1 "$port"
	printf '%s\n' "$output" >"$(D json)"
	assert_json_timeline "$(D json)"
	json_check "$(D json)" \
		'ev["received"] == [dict(ev["received"][0], bytes=4, after_fin=True, after_shut_rd=False)]' \
		'ev["shutdown"][0]["t"] <= ev["received"][0]["t"] <= ev["peer_fin"][0]["t"]' \
		'ev["close"][0]["state_after"] == "TIME_WAIT" and ev["close"][0]["timer_ms"] > 0'
	assert_bg_exit p2 0
}

# --- output formats ------------------------------------------------------------------------

@test "--json: one object per line, t never decreases, the documented keys of every event" {
	# Four runs that between them show every event but error.
	start_peer p1 echo
	tt shutdown --json -v --send $'hello\n' 127.0.0.1 "$port" >"$(D j1)"
	start_peer p2 hold
	tt shutdown --json -w 500ms 127.0.0.1 "$port" >"$(D j2)"
	start_peer p3 reset-on-eof
	tt shutdown --json 127.0.0.1 "$port" >"$(D j3)"
	start_peer p4 echo
	tt shutdown --json --how rd -w 200ms 127.0.0.1 "$port" >"$(D j4)"
	local j
	for j in j1 j2 j3 j4; do
		assert_json_timeline "$(D "$j")"
	done
	json_check "$(D j1)" \
		'list(ev)[:3] == ["connected", "tcp_info", "state"]' \
		'ev["connected"][0]["peer"].startswith("127.0.0.1:")' \
		'ev["sent"] == [dict(ev["sent"][0], bytes=6)]' \
		'ev["shutdown"][0]["how"] == "SHUT_WR"' \
		'ev["write_failed"][0]["error"] == "Broken pipe" and "bytes" not in ev["write_failed"][0]' \
		'ev["received"][0]["bytes"] == 6 and ev["received"][0]["after_fin"] is True' \
		'len(ev["peer_fin"]) == 1 and set(ev["peer_fin"][0]) == {"event", "t"}' \
		'ev["close"][0]["state_after"] == "TIME_WAIT" and ev["close"][0]["rst"] is False' \
		'50000 <= ev["close"][0]["timer_ms"] <= 60000'
	json_check "$(D j2)" \
		'ev["wait_over"] == [dict(ev["wait_over"][0], waited_ms=500)]' \
		'ev["state"][-1]["state"] == "FIN_WAIT2"' \
		'ev["close"][0]["state_after"] == "FIN_WAIT2" and ev["close"][0]["timer_ms"] > 0'
	json_check "$(D j3)" '[r["by"] for r in ev.get("reset", [])] == ["peer"]'
	json_check "$(D j4)" \
		'ev["read_after_shutdown"] == [dict(ev["read_after_shutdown"][0], bytes=0)]' \
		'"write_failed" not in ev' \
		'ev["wait_over"][0]["waited_ms"] == 200' \
		'ev["close"][0]["rst"] is False'
	# The JSON t is in seconds, the human t+ in milliseconds.
	json_check "$(D j2)" '0.5 <= ev["wait_over"][0]["t"] < 60'
}

@test "-q: no timeline, nothing on stderr, exit 0; errors still print" {
	start_peer p echo
	run -0 --separate-stderr tt -q shutdown --send x 127.0.0.1 "$port"
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	assert_bg_exit p 0
	assert_equal "$(cat "$(D p.out)")" $'accepted\ngot 1 bytes: b\'x\'\neof'
	start_peer p2 reset-now
	run -1 --separate-stderr tt shutdown -q --after 5s 127.0.0.1 "$port"
	assert_equal "$output" ""
	assert_equal "$stderr" "tcptool: shutdown(SHUT_WR): the connection was already reset"
}

# --- failures --------------------------------------------------------------------------

@test "refused: exit 1, one line on stderr, nothing on stdout" {
	local p
	p=$(free_port)
	run -1 --separate-stderr tt shutdown 127.0.0.1 "$p"
	assert_equal "$output" ""
	assert_equal "$stderr" "tcptool: connect 127.0.0.1:$p: Connection refused (nothing listens there: the peer answered the SYN with RST)"
	run -1 --separate-stderr tt shutdown --rst 127.0.0.1 "$p"
	assert_equal "$output" ""
	assert_regex "$stderr" "^tcptool: connect 127\.0\.0\.1:$p: Connection refused "
}

@test "-w against a full accept queue: exit 4, the handshake timed out" {
	start_full_listener
	run -4 --separate-stderr tt shutdown -w 300ms 127.0.0.1 "$port"
	assert_equal "$output" ""
	assert_equal "$stderr" "tcptool: connect 127.0.0.1:$port: timed out after 300 ms (the SYN got no answer)"
}

@test "a name that does not resolve: exit 3 (in a network namespace of its own)" {
	can_unshare_net || skip "unshare -n is not permitted here"
	run -3 --separate-stderr timeout 10 unshare -n "$TCPTOOL" shutdown -w 1s no-such-host.invalid 80
	assert_equal "$output" ""
	assert_regex "$stderr" "^tcptool: cannot resolve host 'no-such-host\.invalid': "
	assert_equal "${#stderr_lines[@]}" 1
}

@test "usage errors: exit 2, one line and the Try line, and no connection" {
	local try="Try 'tcptool shutdown --help' for more information."
	start_peer p hold
	run -2 --separate-stderr tt shutdown --rst --how wr 127.0.0.1 "$port"
	assert_equal "$output" ""
	assert_equal "$stderr" "tcptool: shutdown: --rst and --how exclude each other"$'\n'"$try"
	run -2 --separate-stderr tt shutdown --how rdwr --rst 127.0.0.1 "$port"
	assert_equal "$stderr" "tcptool: shutdown: --rst and --how exclude each other"$'\n'"$try"
	run -2 --separate-stderr tt shutdown --how sideways 127.0.0.1 "$port"
	assert_equal "$output" ""
	assert_equal "$stderr" "tcptool: invalid shutdown direction 'sideways': expected rd, wr or rdwr"$'\n'"$try"
	run -2 --separate-stderr tt shutdown --after garbage 127.0.0.1 "$port"
	assert_equal "${#stderr_lines[@]}" 2
	assert_regex "${stderr_lines[0]}" "^tcptool: invalid [a-z]+ 'garbage': "
	assert_equal "${stderr_lines[1]}" "$try"
	run -2 --separate-stderr tt shutdown 127.0.0.1
	assert_equal "$stderr" "tcptool: shutdown: missing PORT"$'\n'"$try"
	run -2 --separate-stderr tt shutdown
	assert_equal "$stderr" "tcptool: shutdown: missing HOST and PORT"$'\n'"$try"
	run -2 --separate-stderr tt shutdown -w 0 127.0.0.1 "$port"
	assert_equal "$output" ""
	assert_equal "${#stderr_lines[@]}" 2
	assert_regex "${stderr_lines[0]}" "^tcptool: invalid timeout '0': "
	assert_equal "${stderr_lines[1]}" "$try"
	# None of them connected: the one-shot peer still has its only client to come.
	run -0 --separate-stderr tt shutdown -w 100ms 127.0.0.1 "$port"
	assert_line --regexp "^t\+[0-9.]+ m?s +connected to 127\.0\.0\.1:$port "
	wait_for_line p.out '^accepted$'
	assert_equal "$(cat "$(D p.out)")" "accepted"
}

# --- IPv6 -------------------------------------------------------------------------------

@test "-6 and ::1: the same timeline over IPv6" {
	have_ipv6_lo || skip "no IPv6 on loopback"
	start_peer p echo ::1
	run -0 --separate-stderr tt shutdown -6 --send v6 ::1 "$port"
	printf '%s\n' "$output" >"$(D out)"
	assert_stamped "$(D out)"
	assert_regex "${lines[0]}" "^t\+[0-9.]+ m?s +connected to \[::1\]:$port from \[::1\]:[0-9]+ $HS\$"
	assert_order "$(D out)" '^sent 2 bytes: "v6"$' '^shutdown\(SHUT_WR\)' '^received 2 bytes after our FIN: "v6"' \
		'^peer FIN: ' '^state TIME_WAIT: ' '^close\(\): the kernel still holds the connection in TIME_WAIT, '
	assert_bg_exit p 0
	start_peer p2 hold ::1
	run -0 --separate-stderr tt shutdown --json -w 500ms "[::1]" "$port"
	printf '%s\n' "$output" >"$(D json)"
	json_check "$(D json)" \
		'ev["connected"][0]["peer"] == "[::1]:'"$port"'"' \
		'ev["close"][0]["state_after"] == "FIN_WAIT2"'
}

# --- other programs -----------------------------------------------------------------------

@test "against OpenBSD nc -l: nc gets the text and our FIN, and closes in turn" {
	need_nc
	port=$(free_port)
	start_bg n "$NC" -l 127.0.0.1 "$port"
	wait_for_listen "$port"
	run -0 --separate-stderr tt shutdown --send 'hello nc' 127.0.0.1 "$port"
	printf '%s\n' "$output" >"$(D out)"
	assert_stamped "$(D out)"
	assert_order "$(D out)" '^sent 8 bytes: "hello nc"$' '^shutdown\(SHUT_WR\)' \
		'^peer FIN: the peer will send nothing more \(a read returns 0: EOF\)$' '^state TIME_WAIT: ' \
		'^close\(\): the kernel still holds the connection in TIME_WAIT, '
	refute_output --partial 'received'
	assert_bg_exit n 0
	assert_equal "$(cat "$(D n.out)")" "hello nc"
}

@test "data the peer sends just before its RST is told, and before the RST" {
	start_peer p talk-then-reset
	run -1 --separate-stderr tt shutdown --after 5s 127.0.0.1 "$port"
	assert_equal "$stderr" "tcptool: shutdown(SHUT_WR): the connection was already reset"
	printf '%s\n' "$output" >"$(D out)"
	assert_order "$(D out)" '^connected to ' '^received 11 bytes: "last words\\n"$' \
		'^peer RST: the peer aborted the connection; ' '^state CLOSE: '
	refute_output --partial 'peer FIN'
}

@test "--how rdwr against a peer that resets on our FIN: the reset is the peer's" {
	start_peer p reset-on-eof
	run -0 --separate-stderr tt shutdown --json --how rdwr 127.0.0.1 "$port"
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$(D json)"
	json_check "$(D json)" \
		'len(ev["reset"]) == 1' \
		'ev["reset"][0]["by"] == "peer"' \
		'"received" not in ev'
	assert_bg_exit p 0
}
