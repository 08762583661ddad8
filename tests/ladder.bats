#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# --ladder live: real connections on loopback drawn as they happen, with
# both sockets' states from the kernel (the peer is on this host) and our
# system calls; 80 columns, box drawing or ASCII by the locale; folding;
# the JSON form.  Capturing needs root (CAP_NET_RAW), as in CI.  The
# pictures themselves, frame by frame, are the ladder unit group's goldens.

setup() {
	load helpers/common
	_common_setup
}

teardown() {
	_common_teardown
}

# fits FILE: no line of the picture in FILE (the header, and every row
# with a rail) is wider than 80 characters; the other events' lines are
# sentences, as without --ladder.
fits() {
	python3 - "$1" <<'EOF' || fail "a line of $1 is wider than 80 columns"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
picture = [l for l in lines if any(c in l for c in "│┆|") or l.startswith(("seq, ack:", "states:"))]
wide = [l for l in picture if len(l) > 80]
for l in wide:
    print("# %d: %s" % (len(l), l), file=sys.stderr)
sys.exit(1 if wide else 0)
EOF
}

# row FILE REGEX: the number of the first line of FILE that matches, for order checks.
row() {
	local n
	n=$(grep -n -m1 -E -- "$2" "$1" | cut -d: -f1)
	[[ -n $n ]] || fail "no line of $1 matches: $2"$'\n'"$(cat "$1")"
	echo "$n"
}

@test "connect --ladder: both rails, the arrows, our calls, and both sides' states from the kernel" {
	need_capture
	start_listener l -b 127.0.0.1 0
	run -0 --separate-stderr env LC_ALL=C.UTF-8 timeout 10 "$TCPTOOL" connect --ladder --half-close \
		--send hello 127.0.0.1 "$port"
	echo "$stderr" >"$(D lad)"
	fits "$(D lad)"
	assert_equal "$(head -n 1 "$(D lad)")" "seq, ack: A+n, B+n count from each end's first number; A sent the first SYN"
	assert_equal "$(sed -n 2p "$(D lad)")" "states: the kernel's; * inferred from the segments: too brief to sample"
	# The peer's listener before the SYN, our connect() before our SYN.
	local listen_ connect_ syn synack ack send data shut fin
	listen_=$(row "$(D lad)" '│ +│ LISTEN$')
	connect_=$(row "$(D lad)" '^ +([0-9.]+ ms)? +connect\(\) +│')
	syn=$(row "$(D lad)" '│── SYN seq=A win=[0-9]+ mss=[0-9]+ ─+▶│')
	synack=$(row "$(D lad)" '│◀── SYN-ACK seq=B ack=A\+1 .*─│ SYN_RECV\*?$')
	ack=$(row "$(D lad)" ' ESTABLISHED +│── ACK ack=B\+1 .*▶│ ESTABLISHED$')
	send=$(row "$(D lad)" ' send\(\) 5 B +│')
	data=$(row "$(D lad)" '│── DATA seq=A\+1 len=5 ack=B\+1')
	shut=$(row "$(D lad)" ' shutdown\(WR\) +│')
	fin=$(row "$(D lad)" ' FIN_WAIT1\*? +│── FIN seq=A\+6 ack=B\+1')
	((listen_ < connect_ && connect_ < syn && syn < synack && synack < ack)) || fail "handshake out of order"
	((ack < send && send < data && data < shut && shut < fin)) || fail "data and close out of order"
	# The peer closes once it has our FIN: its FIN, our TIME_WAIT, and its socket gone.
	row "$(D lad)" ' TIME_WAIT +│◀── FIN seq=B\+1 ack=A\+7 .*│ LAST_ACK\*?$' >/dev/null
	row "$(D lad)" '│── ACK ack=B\+2 .*▶│ CLOSED$' >/dev/null
	# The other events keep to the time column, after the handshake's rows.
	(($(row "$(D lad)" '^ *[0-9.]+ ms  connected to 127\.0\.0\.1:') > ack)) || fail "connected line misplaced"
}

@test "--ladder in the C locale: the same picture in ASCII" {
	need_capture
	start_listener l -b 127.0.0.1 0
	run -0 --separate-stderr env LC_ALL=C timeout 10 "$TCPTOOL" connect --ladder --half-close \
		--send hi 127.0.0.1 "$port"
	echo "$stderr" >"$(D lad)"
	fits "$(D lad)"
	run -1 grep -P '[^\x00-\x7f]' "$(D lad)"
	row "$(D lad)" '\|-- SYN seq=A win=[0-9]+ mss=[0-9]+ -+>\|' >/dev/null
	row "$(D lad)" '\|<-- SYN-ACK seq=B ack=A\+1 .*-\| SYN_RECV' >/dev/null
	row "$(D lad)" '^ *[0-9.]+ ms +\| +\| LISTEN$' >/dev/null
}

@test "listen --ladder: our LISTEN first, the client's SYN coming in, accept() after the handshake" {
	need_capture
	start_bg -i /dev/null l env LC_ALL=C.UTF-8 "$TCPTOOL" listen --ladder -b 127.0.0.1 0
	wait_for_line "$(D l.err)" ' listening on ' || fail "no listening line"
	port=$(sed -nE 's/.* listening on 127\.0\.0\.1:([0-9]+)$/\1/p' "$(D l.err)")
	run -0 tt -q connect --half-close --send hello 127.0.0.1 "$port"
	wait_bg l
	fits "$(D l.err)"
	local listen_ syn synack accept_
	listen_=$(row "$(D l.err)" ' LISTEN +│ +│$')
	syn=$(row "$(D l.err)" '│◀── SYN seq=A .*─│ SYN_SENT\*?$')
	synack=$(row "$(D l.err)" ' SYN_RECV\*? +│── SYN-ACK seq=B ack=A\+1')
	accept_=$(row "$(D l.err)" ' accept\(\) +│')
	((listen_ < syn && syn < synack && synack < accept_)) || fail "out of order: $(cat "$(D l.err)")"
	# The client closed first: its FIN, our CLOSE_WAIT.
	row "$(D l.err)" ' CLOSE_WAIT\*? +│◀── FIN seq=A\+6' >/dev/null
}

@test "shutdown --rst --ladder: close() RST, then the RST, and nothing left of the connection" {
	need_capture
	start_server s echo -b 127.0.0.1 0
	run -0 env LC_ALL=C.UTF-8 timeout 10 "$TCPTOOL" shutdown --rst --send hi --ladder 127.0.0.1 "$port"
	echo "$output" >"$(D lad)"
	fits "$(D lad)"
	local call rst
	call=$(row "$(D lad)" ' close\(\) RST +│')
	rst=$(row "$(D lad)" ' CLOSED\*? +│── RST(-ACK)? seq=A\+3.*▶│ CLOSED')
	((call < rst)) || fail "the call after its RST"
}

@test "--ladder folds a transfer: 20 MB stays a screenful, with the run counted" {
	need_capture
	start_listener l -k -b 127.0.0.1 0 --discard
	run -0 --separate-stderr env LC_ALL=C.UTF-8 timeout 20 "$TCPTOOL" connect --ladder --load 20M \
		127.0.0.1 "$port"
	echo "$stderr" >"$(D lad)"
	fits "$(D lad)"
	# Each retransmission breaks a run, and a loaded machine makes a few:
	# a bound of a screenful, with the segments mostly in folds.
	(($(wc -l <"$(D lad)") < 80)) || fail "$(wc -l <"$(D lad)") lines for 20 MB"
	local folded
	folded=$(awk '/┆/ && / data segment/ { for (k = 1; k < NF; k++) if ($(k + 1) == "data") n += $k } END { print n + 0 }' "$(D lad)")
	((folded >= 150)) || fail "only ${folded:-0} data segments folded: $(cat "$(D lad)")"
	# Our sendfile() calls are drawn at the start only.
	(($(grep -c ' sendfile() ' "$(D lad)") <= 2)) || fail "too many call rows"
	# -v draws every segment.
	run -0 --separate-stderr env LC_ALL=C.UTF-8 timeout 20 "$TCPTOOL" -v connect --ladder --load 2M \
		127.0.0.1 "$port"
	run -1 grep -c 'data segments' <<<"$stderr"
}

@test "--ladder --json: no picture; the segments, the kernel's states and our calls as events" {
	need_capture
	start_listener l -b 127.0.0.1 0
	run -0 --separate-stderr tt --json connect --ladder --half-close --send hi 127.0.0.1 "$port"
	python3 - <<EOF || fail "$stderr"
import json
evs = [json.loads(l) for l in """$stderr""".splitlines()]
names = [e["event"] for e in evs]
seg = [e for e in evs if e["event"] == "segment"]
st = [(e["side"], e["state"]) for e in evs if e["event"] == "tcp_state"]
calls = [e["call"] for e in evs if e["event"] == "call"]
assert [s["kind"] for s in seg[:3]] == ["SYN", "SYN-ACK", "ACK"], seg[:3]
assert ("peer", "LISTEN") in st and ("peer", "ESTABLISHED") in st and ("us", "ESTABLISHED") in st, st
assert calls[:3] == ["connect()", "send()", "shutdown(SHUT_WR)"] and calls[-1] == "close()", calls
assert [e["bytes"] for e in evs if e["event"] == "call" and e["call"] == "send()"] == [2]
assert names.index("call") < names.index("segment")
EOF
}

@test "connect -c --ladder: a ladder for each probe" {
	need_capture
	start_server s echo -b 127.0.0.1 0
	run -0 env LC_ALL=C.UTF-8 timeout 10 "$TCPTOOL" connect -c 2 -i 50ms --ladder 127.0.0.1 "$port"
	echo "$output" >"$(D lad)"
	fits "$(D lad)"
	# The legend once, each probe's ends and columns over its own ladder.
	assert_equal "$(grep -c '^seq, ack: A+n' "$(D lad)")" 1
	assert_equal "$(grep -c '^    time  us  ' "$(D lad)")" 2
	assert_equal "$(grep -c '│── SYN seq=A ' "$(D lad)")" 2
	assert_equal "$(grep -c ' close() ' "$(D lad)")" 2
	row "$(D lad)" 'probe 2: connected to 127\.0\.0\.1:' >/dev/null
}

@test "--ladder to a peer in another network namespace: its states inferred, ours from the kernel" {
	need_capture
	two_hosts 10.204.0
	start_bg l "${IN_B[@]}" "$TCPTOOL" listen --json -b 10.204.0.2 0
	port=$(wait_for_port l)
	run -0 --separate-stderr env LC_ALL=C.UTF-8 timeout 10 "${IN_A[@]}" "$TCPTOOL" connect --ladder \
		--half-close --send hi 10.204.0.2 "$port"
	echo "$stderr" >"$(D lad)"
	fits "$(D lad)"
	# sock_diag answers for this namespace only: the peer's side is inferred, and marked.
	row "$(D lad)" ' ESTABLISHED +│── ACK ack=B\+1 .*▶│ ESTABLISHED\*$' >/dev/null
	row "$(D lad)" '│◀── SYN-ACK seq=B ack=A\+1 .*│ SYN_RECV\*$' >/dev/null
	run -1 grep -E '│ LISTEN$' "$(D lad)"
	# One copy of each segment: the veth's two ends are in two namespaces.
	assert_equal "$(grep -c '│── SYN seq=A ' "$(D lad)")" 1
}
