#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# --trace: the segments of our own connection, captured with libpcap, among
# the socket events: on loopback, and on a veth between two network
# namespaces the test makes.  Capturing needs root (CAP_NET_RAW), as in CI.

setup() {
	load helpers/common
	_common_setup
	CLOSER="$BATS_TEST_DIRNAME/helpers/closer.py"
}

teardown() {
	_common_teardown
}

# The handshake's three segments, each answering the one before.
HANDSHAKE=(
	'[e["kind"] for e in seg[:3]] == ["SYN", "SYN-ACK", "ACK"]'
	'seg[1]["ack"] == plus(seg[0]["seq"], 1)'
	'seg[2]["seq"] == seg[1]["ack"] and seg[2]["ack"] == plus(seg[1]["seq"], 1)'
	'[e.get("rel_seq") for e in seg[:3]] == [0, 0, 1] and seg[1]["rel_ack"] == seg[2]["rel_ack"] == 1'
	'[e["side"] for e in seg[:3]] == ["A", "B", "A"]'
	'"mss" in seg[0] and seg[0].get("sack_ok") and "wscale" in seg[0] and "mss" in seg[1]'
	'all(a["t"] <= b["t"] for a, b in zip(evs, evs[1:]))'
)

@test "connect --trace: SYN, SYN-ACK, ACK with consistent numbers, then connected" {
	need_capture
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --trace --json --half-close --send hi 127.0.0.1 "$port"
	echo "$stderr" >"$(D events)"
	check_events "$(D events)" "${HANDSHAKE[@]}" \
		'[e["dir"] for e in seg[:3]] == ["out", "in", "out"]' \
		'(c := one("connected")) and seg[0]["src"] == c["local"] and seg[0]["dst"] == c["peer"]' \
		'evs.index(seg[2]) < evs.index(c)' \
		'seg[0]["iface"] == "lo"'
}

@test "connect --trace: data as a sequence range, both FINs, the last ACK" {
	need_capture
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --trace --json --half-close --send hello 127.0.0.1 "$port"
	echo "$stderr" >"$(D events)"
	check_events "$(D events)" \
		'(out := kind("DATA", "out")[0])["len"] == 5 and out["rel_seq"] == 1' \
		'(back := kind("DATA", "in")[0])["len"] == 5 and back["rel_seq"] == 1' \
		'any(e["dir"] == "in" and e["ack"] == plus(out["seq"], 5) for e in seg)' \
		'(fin := kind("FIN", "out")[0])["rel_seq"] == 6' \
		'(peer_fin := kind("FIN", "in")[0])["rel_seq"] == 6' \
		'seg[-1]["kind"] == "ACK" and seg[-1]["dir"] == "out" and seg[-1]["ack"] == plus(peer_fin["seq"], 1)' \
		'any(e["dir"] == "in" and e.get("ack") == plus(fin["seq"], 1) for e in seg)' \
		'not any(e.get("retransmission") for e in seg)'
}

@test "connect --trace: the human lines, with relative sequence numbers" {
	need_capture
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --trace --half-close --send hello 127.0.0.1 "$port"
	local t='^t\+[0-9]+\.[0-9]{3} m?s +' me='127\.0\.0\.1:[0-9]+' it="127\\.0\\.0\\.1:$port"
	grep -qE "${t}SYN +$me > $it +seq=A +win=[0-9]+ mss=[0-9]+ sackOK ts wscale=[0-9]+\$" <<<"$stderr" || fail "$stderr"
	grep -qE "${t}SYN-ACK +$it > $me +seq=B ack=A\+1 +win=[0-9]+ mss=" <<<"$stderr" || fail "$stderr"
	grep -qE "${t}ACK +$me > $it +seq=A\+1 ack=B\+1 +win=[0-9]+\$" <<<"$stderr" || fail "$stderr"
	grep -qE "${t}connected to $it from $me" <<<"$stderr" || fail "$stderr"
	grep -qE "${t}DATA +$me > $it +seq=A\+1:A\+6 ack=B\+1 len=5 win=" <<<"$stderr" || fail "$stderr"
	grep -qE "${t}DATA +$it > $me +seq=B\+1:B\+6 ack=A\+(6|7) len=5 win=" <<<"$stderr" || fail "$stderr"
	grep -qE "${t}FIN +$me > $it +seq=A\+6 " <<<"$stderr" || fail "$stderr"
	# Every line of the timeline is stamped, segments and events alike.
	assert_equal "$(grep -cvE '^t\+[0-9]+\.[0-9]{3} m?s ' <<<"$stderr")" 0
}

@test "connect --trace -v: absolute numbers, every flag and the interface" {
	need_capture
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --trace -v --half-close --send x 127.0.0.1 "$port"
	local syn synack isn
	syn=$(grep -E ' SYN +127' <<<"$stderr") || fail "$stderr"
	synack=$(grep -E ' SYN-ACK +127' <<<"$stderr") || fail "$stderr"
	[[ $syn =~ \[SYN\ seq\ ([0-9]+)\ on\ lo\] ]] || fail "$syn"
	isn=${BASH_REMATCH[1]}
	[[ $synack =~ \[SYN,ACK\ seq\ [0-9]+\ ack\ ([0-9]+)\ on\ lo\] ]] || fail "$synack"
	assert_equal "${BASH_REMATCH[1]}" "$(((isn + 1) % 4294967296))"
	# Timestamps' values on every segment, and the scaled window once both SYNs offered scaling.
	grep -qE ' ACK +127.* win=[0-9]+ \([0-9]+\) ts=[0-9]+/[0-9]+ \[ACK ' <<<"$stderr" || fail "$stderr"
}

@test "connect --trace over IPv6" {
	need_capture
	[[ -f /proc/net/if_inet6 ]] || skip "no IPv6 here"
	start_server s echo -b ::1 0
	run -0 --separate-stderr tt connect --trace --json --half-close --send hi ::1 "$port"
	echo "$stderr" >"$(D events)"
	check_events "$(D events)" "${HANDSHAKE[@]}" 'seg[0]["dst"] == "[::1]:'"$port"'"'
}

@test "connect --trace to a closed port: our SYN, the RST-ACK that refuses it, exit 1" {
	need_capture
	local p
	p=$(free_port)
	run -1 --separate-stderr tt connect --trace --json 127.0.0.1 "$p"
	echo "$stderr" >"$(D events)"
	check_events "$(D events)" \
		'[e["kind"] for e in seg] == ["SYN", "RST-ACK"]' \
		'seg[1]["rel_ack"] == 1 and "rel_seq" not in seg[1]' \
		'evs.index(seg[1]) < evs.index(one("error"))'
}

@test "connect --trace against a full accept queue: the SYN retransmitted, exit 4" {
	need_capture
	start_full_listener
	run -4 --separate-stderr tt connect --trace --json -w 1500ms 127.0.0.1 "$port"
	echo "$stderr" >"$(D events)"
	# The first retransmission comes after the initial RTO of 1 s.
	check_events "$(D events)" \
		'len(syns := kind("SYN", "out")) >= 2' \
		'all(s["seq"] == syns[0]["seq"] for s in syns)' \
		'not syns[0].get("retransmission") and all(s.get("retransmission") for s in syns[1:])'
	run -4 --separate-stderr tt connect --trace -w 1500ms 127.0.0.1 "$port"
	grep -qE ' SYN +127.* \(retransmission\)$' <<<"$stderr" || fail "$stderr"
}

@test "shutdown --how wr --trace: our FIN, then the peer's ACK of it" {
	need_capture
	start_bg p python3 "$CLOSER" hold
	port=$(wait_for_port p)
	run -0 --separate-stderr tt shutdown --trace --json --how wr -w 500ms 127.0.0.1 "$port"
	echo "$output" >"$(D events)"
	check_events "$(D events)" "${HANDSHAKE[@]}" \
		'len(fins := kind("FIN", "out")) == 1 and fins[0]["rel_seq"] == 1' \
		'(acks := [e for e in seg if e["dir"] == "in" and e.get("ack") == plus(fins[0]["seq"], 1)])' \
		'evs.index(acks[0]) > evs.index(fins[0])' \
		'evs.index(fins[0]) < evs.index(one("shutdown"))' \
		'not kind("FIN", "in")'
}

@test "shutdown --rst --trace: an RST leaves instead of a FIN" {
	need_capture
	start_bg p python3 "$CLOSER" hold
	port=$(wait_for_port p)
	run -0 --separate-stderr tt shutdown --trace --json --rst 127.0.0.1 "$port"
	echo "$output" >"$(D events)"
	check_events "$(D events)" "${HANDSHAKE[@]}" \
		'len(rsts := [e for e in seg if e["kind"].startswith("RST")]) == 1' \
		'rsts[0]["dir"] == "out" and rsts[0]["seq"] == seg[2]["seq"]' \
		'not kind("FIN")' \
		'evs.index(rsts[0]) > evs.index(one("connected"))'
	start_bg p2 python3 "$CLOSER" hold
	port=$(wait_for_port p2)
	run -0 --separate-stderr tt shutdown --trace --rst 127.0.0.1 "$port"
	assert_line --regexp '^t\+[0-9.]+ m?s +RST(-ACK)? +127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:'"$port"' +seq=A\+1 '
}

@test "listen --trace: the client's handshake before the accepted event, then its data and close" {
	need_capture
	start_listener l --trace --json 0
	run -0 tt connect --half-close --send hello 127.0.0.1 "$port"
	assert_bg_exit l 0
	check_events "$(D l.err)" "${HANDSHAKE[@]}" \
		'[e["dir"] for e in seg[:3]] == ["in", "out", "in"]' \
		'evs.index(seg[2]) < evs.index(one("accepted"))' \
		'seg[0]["src"] == one("accepted")["peer"]' \
		'kind("DATA", "in")[0]["len"] == 5' \
		'kind("FIN", "in") and kind("FIN", "out")' \
		'seg[-1]["kind"] == "ACK" and seg[-1]["dir"] == "in"'
}

@test "listen -k --trace: each client's connection from its SYN" {
	need_capture
	start_listener l --trace --json -k -b 127.0.0.1 0
	run -0 tt connect --half-close --send one 127.0.0.1 "$port"
	wait_for_count l.err '"event":"closed"' 1
	run -0 tt connect --half-close --send two 127.0.0.1 "$port"
	wait_for_count l.err '"event":"closed"' 2
	# The second client's last ACK may still be on its way when closed prints.
	wait_for_count l.err '"kind":"SYN"' 2
	kill -TERM "$(bg_pid l)"
	wait_bg l || true
	check_events "$(D l.err)" \
		'len(syns := kind("SYN", "in")) == 2 and syns[0]["src"] != syns[1]["src"]' \
		'[e["len"] for e in kind("DATA", "in")] == [3, 3]' \
		'all(e["rel_seq"] == 1 for e in kind("DATA", "in"))'
}

@test "info HOST PORT --trace: the handshake, the rows, then our FIN and the peer's" {
	need_capture
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr tt info --trace --json 127.0.0.1 "$port"
	echo "$output" >"$(D events)"
	check_events "$(D events)" "${HANDSHAKE[@]}" \
		'evs.index(one("negotiated")) < evs.index(kind("FIN", "out")[0])' \
		'kind("FIN", "in") and seg[-1]["kind"] == "ACK" and seg[-1]["dir"] == "out"'
}

@test "--trace: only where one connection is followed" {
	run -2 --separate-stderr "$TCPTOOL" connect -z --trace 127.0.0.1 1-2
	assert_equal "$stderr" "tcptool: connect: --trace follows one connection at a time: use -z with one port, or -c"$'\n'"Try 'tcptool connect --help' for more information."
	run -2 --separate-stderr "$TCPTOOL" connect -z --pcap x.pcap 127.0.0.1 1,2
	[[ $stderr == "tcptool: connect: --pcap follows one connection at a time"* ]] || fail "$stderr"
	run -2 --separate-stderr "$TCPTOOL" info -a --trace
	[[ $stderr == "tcptool: info: --trace applies only to info HOST PORT"* ]] || fail "$stderr"
	run -2 --separate-stderr "$TCPTOOL" echo --trace 0
	[[ $stderr == "tcptool: echo: unknown option '--trace'"* ]] || fail "$stderr"
}

@test "--trace without CAP_NET_RAW: one line, and the connection goes on" {
	need_capture
	setpriv --inh-caps=-net_raw --bounding-set=-net_raw true 2>/dev/null ||
		skip "setpriv cannot drop capabilities here"
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr timeout 10 setpriv --inh-caps=-net_raw --bounding-set=-net_raw \
		"$TCPTOOL" connect --trace --half-close --send hi 127.0.0.1 "$port"
	assert_output "hi"
	assert_equal "$(grep -c '^tcptool: ' <<<"$stderr")" 1
	assert_equal "$(grep '^tcptool: ' <<<"$stderr")" \
		"tcptool: --trace: capturing needs CAP_NET_RAW (run as root, or give tcptool cap_net_raw); carrying on without the trace"
	grep -qE '^t\+[0-9.]+ m?s +connected to ' <<<"$stderr" || fail "$stderr"
	refute_line --partial "SYN"
}

@test "built without libpcap: --version says so, --trace explains and carries on" {
	local tree=$BATS_TEST_TMPDIR/tree
	mkdir -p "$tree"
	cp -r "$BATS_TEST_DIRNAME/../src" "$BATS_TEST_DIRNAME/../Makefile" "$tree/"
	run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SAN make -s -C "$tree" PCAP=0 CFLAGS=-O0 build/tcptool
	assert_success
	local bare=$tree/build/tcptool
	run -0 "$bare" --version
	assert_line --index 1 "capture: none (built without libpcap)"
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr timeout 10 "$bare" connect --trace --half-close --send hi 127.0.0.1 "$port"
	assert_output "hi"
	assert_equal "$(grep '^tcptool: ' <<<"$stderr")" \
		"tcptool: --trace: this tcptool was built without capture support (libpcap); carrying on without the trace"
}

# trace_across: B listens, A connects with --trace --json and says "hi";
# sets $port, A's events go to $(D events).
trace_across() {
	start_bg l "${IN_B[@]}" "$TCPTOOL" listen -b 10.201.0.2 0
	port=$(wait_for_port l)
	run -0 --separate-stderr timeout 10 "${IN_A[@]}" "$TCPTOOL" connect --trace --json \
		--half-close --send hi 10.201.0.2 "$port"
	echo "$stderr" >"$(D events)"
}

@test "--trace between two network namespaces: the handshake on the veth" {
	need_capture
	two_hosts 10.201.0
	trace_across
	check_events "$(D events)" "${HANDSHAKE[@]}" \
		'all(e["iface"] == "'"$IF_A"'" for e in seg)' \
		'seg[0]["src"].startswith("10.201.0.1:") and seg[0]["dst"] == "10.201.0.2:'"$port"'"' \
		'kind("FIN", "out") and kind("FIN", "in")'
}

@test "--trace with a delay on the path: the SYN-ACK comes the delay after the SYN" {
	need_capture
	two_hosts 10.201.0
	local err
	# B delays what it sends, so the SYN-ACK reaches A 80 ms late.
	err=$("${IN_B[@]}" tc qdisc add dev "$IF_B" root netem delay 80ms 2>&1) ||
		skip "this kernel cannot delay packets (tc qdisc add ... netem: ${err:-failed}; sch_netem missing)"
	trace_across
	# Delays only lengthen: a lower bound holds however busy the machine is.
	check_events "$(D events)" "${HANDSHAKE[@]}" \
		'seg[1]["t"] - seg[0]["t"] >= 0.080' \
		'one("connected")["handshake_ms"] >= 80'
}

@test "listen --trace: this host's own connections to that port elsewhere stay out of the trace" {
	need_capture
	two_hosts 10.201.0
	start_bg la "${IN_A[@]}" "$TCPTOOL" listen --trace --json 0
	port=$(wait_for_port la)
	# B listens on the same port number: A's outgoing connection to it must not show.
	start_bg lb "${IN_B[@]}" "$TCPTOOL" listen -b 10.201.0.2 "$port"
	wait_for_port lb >/dev/null
	run -0 timeout 10 "${IN_A[@]}" "$TCPTOOL" connect --half-close --send out 10.201.0.2 "$port"
	run -0 timeout 10 "${IN_B[@]}" "$TCPTOOL" connect --half-close --send in 10.201.0.1 "$port"
	assert_bg_exit la 0
	check_events "$(D la.err)" "${HANDSHAKE[@]}" \
		'all("10.201.0.2:'"$port"'" not in (e["src"], e["dst"]) for e in seg)' \
		'seg[0]["src"].startswith("10.201.0.2:") and seg[0]["dir"] == "in"' \
		'[e["len"] for e in kind("DATA")] == [2]'
}

# FIN_ORDER: Python that reads a client's JSON events (with its trace) and
# says, for each end, whether its FIN left before that end had the other's:
# a FIN whose ack covers the other FIN was sent after it arrived.  Both
# ends can have closed first (a simultaneous close); capture order cannot
# tell that, the acks can.
FIN_ORDER='
import json, sys
def load(path):
    return [json.loads(l) for l in open(path) if l.startswith("{")]
def fin_order(cli):
    fins = {e["dir"]: e for e in cli if e["event"] == "segment" and "FIN" in e["flags"].split(",")}
    assert set(fins) == {"out", "in"}, "a FIN is missing from the trace"
    end = lambda f: (f["seq"] + f["len"] + 1) % 2**32
    acked = lambda f, other: "ACK" in f["flags"].split(",") and f["ack"] == end(other)
    return ("peer" if acked(fins["out"], fins["in"]) else "us",
            "peer" if acked(fins["in"], fins["out"]) else "us")
'

# first_fin_agrees SERVER_EVENTS CLIENT_EVENTS: the client's events (with
# its trace) and the server's JSON events of the same connection say of
# who closed first what the FINs on the wire show.
first_fin_agrees() {
	python3 - "$1" "$2" <<EOF2
$FIN_ORDER
srv, cli = load(sys.argv[1]), load(sys.argv[2])
client_truth, server_truth = fin_order(cli)
closed = [e for e in cli if e["event"] == "closed"]
assert len(closed) == 1, cli
theirs = [e for e in srv if e["event"] == "closed" and e["peer"] == closed[0]["local"]]
assert len(theirs) == 1, (closed[0]["local"], srv)
assert closed[0]["first_fin"] == client_truth, ("client says", closed[0]["first_fin"], "the wire", client_truth)
assert theirs[0]["first_fin"] == server_truth, ("server says", theirs[0]["first_fin"], "the wire", server_truth)
EOF2
}

@test "who closed first: ack, echo and listen -k say what the trace shows, connection after connection" {
	need_capture
	local srv nth
	for srv in "ack" "echo" "listen -k --half-close"; do
		# listen's events go to stderr, the servers' to stdout.
		local events=s.out
		[[ $srv == listen* ]] && events=s.err
		# shellcheck disable=SC2086 # the server's words
		start_bg s "$TCPTOOL" --json $srv -b 127.0.0.1 0
		port=$(wait_for_port "$(D $events)")
		# (not i: bats' run sets a variable of that name)
		for nth in 1 2 3 4 5; do
			run -0 --separate-stderr tt --json connect --trace --half-close --send "hi $nth" 127.0.0.1 "$port"
			echo "$stderr" >"$(D c.json)"
			# The server's closed event may come a moment after the client's.
			wait_for_count "$events" '"event":"closed"' "$nth"
			first_fin_agrees "$(D $events)" "$(D c.json)" || fail "$srv, connection $nth"
		done
		kill "$(bg_pid s)"
		wait_bg s || true
	done
}

@test "--trace on one terminal with the data: a segment line after data without a newline starts a line of its own" {
	need_capture
	need_tool script bsdutils
	# A peer that sends "abc", and its FIN a moment later: the FIN's segment
	# line comes right after the data on the terminal.
	start_bg s python3 -c '
import socket, sys, time
srv = socket.create_server(("127.0.0.1", 0))
print("listening on 127.0.0.1:%d" % srv.getsockname()[1], file=sys.stderr, flush=True)
srv.settimeout(10)
conn, _ = srv.accept()
conn.sendall(b"abc")
time.sleep(0.3)
conn.close()'
	port=$(wait_for_port s)
	run -0 timeout 10 env SHELL=/bin/bash script -qec "'$TCPTOOL' connect --trace 127.0.0.1 $port" /dev/null
	assert_output --partial $'abc\r\nt+'
	refute_output --partial 'abct+'
}

# The probe events of connect -c, in order, for check_events.
PROBE_SPLIT='(probes := [e for e in evs if e["event"] == "probe"])'

@test "connect -c --trace: each probe's handshake (SYN, SYN-ACK, our ACK), its line, then our FIN" {
	need_capture
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr tt --json connect -c 3 -i 100ms --trace 127.0.0.1 "$port"
	echo "$output" >"$(D c.json)"
	check_events "$(D c.json)" "$PROBE_SPLIT" 'len(probes) == 3' \
		'all(p["result"] == "open" for p in probes)' \
		'(ports := [int(p["local"].rsplit(":", 1)[1]) for p in probes])' \
		'len(set(ports)) == 3' \
		'(conns := [[e for e in seg if e["src"] == p["local"] or e["dst"] == p["local"]] for p in probes])' \
		'all([e["kind"] for e in c[:3]] == ["SYN", "SYN-ACK", "ACK"] for c in conns)' \
		'all(c[0]["dir"] == "out" and c[1]["dir"] == "in" and c[2]["dir"] == "out" for c in conns)' \
		'all(any(e["kind"] == "FIN" and e["dir"] == "out" for e in c) for c in conns)' \
		'all(evs.index(c[2]) < evs.index(p) < evs.index([e for e in c if e["kind"] == "FIN"][0]) for c, p in zip(conns, probes))' \
		'len(seg) == sum(len(c) for c in conns)' \
		'one("probe_summary")["succeeded"] == 3'
}

@test "connect -c --trace to a closed port: SYN, then the RST that refuses it, before the probe's line" {
	need_capture
	# A port nothing listens on: bound, never listening.
	start_bg hold python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0))
print("listening on 127.0.0.1:%d" % s.getsockname()[1], file=sys.stderr, flush=True)
time.sleep(60)'
	port=$(wait_for_port hold)
	run -1 --separate-stderr tt --json connect -c 2 -i 50ms --trace 127.0.0.1 "$port"
	echo "$output" >"$(D c.json)"
	check_events "$(D c.json)" "$PROBE_SPLIT" 'len(probes) == 2' \
		'all(p["result"] == "refused" for p in probes)' \
		'[e["kind"] for e in seg] == ["SYN", "RST-ACK", "SYN", "RST-ACK"]' \
		'[e["dir"] for e in seg] == ["out", "in", "out", "in"]' \
		'evs.index(seg[1]) < evs.index(probes[0]) < evs.index(seg[2]) < evs.index(seg[3]) < evs.index(probes[1])' \
		'seg[1]["ack"] == plus(seg[0]["seq"], 1)'
	# For people: the refusal is one segment line, and the timeline starts at the first SYN.
	run -1 tt connect -c 1 --trace 127.0.0.1 "$port"
	assert_line --regexp '^t\+0\.[0-9]+ ms  *SYN  *127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:'"$port"
	assert_line --regexp '^t\+[0-9.]+ ms  *RST-ACK  *127\.0\.0\.1:'"$port"' > '
}

@test "connect -z --trace on one port: the handshake and the close; more ports are a usage error" {
	need_capture
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr tt --json connect -z --trace 127.0.0.1 "$port"
	echo "$output" >"$(D z.json)"
	check_events "$(D z.json)" "${HANDSHAKE[@]}" 'one("probe")["result"] == "open"' \
		'kind("FIN", "out")' 'evs.index(seg[2]) < evs.index(one("probe"))'
	usage_fails "connect: --trace follows one connection at a time: use -z with one port, or -c" \
		connect -z --trace 127.0.0.1 "$port-$((port + 1))"
	usage_fails "connect: --ladder follows one connection at a time: use -z with one port, or -c" \
		connect -z --ladder 127.0.0.1 "$port,$((port + 1))"
}

@test "listen --trace: accepting a client keeps every segment its client sent meanwhile" {
	need_capture
	need_tool ethtool ethtool
	two_hosts 10.206.0
	# Segments the size of the MSS, each its own frame: many of them, in flight as the listener accepts.
	"${IN_A[@]}" ethtool -K "$IF_A" tso off gso off >/dev/null 2>&1 || skip "no ethtool -K on a veth here"
	local run_
	# Over a veth the client's data arrives while the listener accepts; a
	# new kernel filter at that moment would flush what was captured.
	# (not i: bats' run sets a variable of that name)
	for run_ in 1 2 3; do
		start_bg l "${IN_B[@]}" "$TCPTOOL" --json listen --trace --discard -b 10.206.0.2 0
		port=$(wait_for_port l)
		run -0 timeout 10 "${IN_A[@]}" "$TCPTOOL" -q connect -O mss=536 --load 64k 10.206.0.2 "$port"
		wait_bg l || fail "the listener failed: $(cat "$(D l.err)")"
		python3 - "$(D l.err)" <<'PY' || fail "run $run_: $(grep -c segment "$(D l.err)") segments"
import json, sys
seg = [e for e in map(json.loads, open(sys.argv[1])) if e["event"] == "segment"]
got = sum(e["len"] for e in seg if e["dir"] == "in" and not e.get("retransmission"))
sys.exit(0 if got == 64000 else 1)
PY
	done
}
