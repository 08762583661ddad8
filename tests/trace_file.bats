#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# tcptool trace FILE: the TCP connections of a capture file, listed, and one
# shown segment by segment.  Captures are made by tcpdump -w on loopback
# and between two network namespaces (root), by tcptool's own --pcap, and
# the fixed ones in tests/fuzz/corpus/capture (any user): tcpdump -i lo,
# -i any (Linux cooked v1 and v2), IPv6, and the same frames as pcapng,
# raw IP and BSD loopback (tests/helpers/pcapfile.py made those).

setup() {
	load helpers/common
	_common_setup
	CORPUS="$BATS_TEST_DIRNAME/fuzz/corpus/capture"
	PCAPFILE="$BATS_TEST_DIRNAME/helpers/pcapfile.py"
}

teardown() {
	_common_teardown
}

# need_reader: skips where tcptool was built without libpcap.
need_reader() {
	if "$TCPTOOL" --version | grep -q '^capture: none'; then
		skip "needs a build with libpcap (package libpcap-dev)"
	fi
}

# capture_start NAME IFACE PORT [IN...]: tcpdump on IFACE (run with IN...,
# a namespace's nsenter) writes the segments of tcp port PORT, and of a
# marker port, to $(D NAME.pcap), each frame as it comes; returns once
# tcpdump listens.
capture_start() {
	local name=$1 iface=$2 p=$3
	shift 3
	MARK=$(free_port)
	start_bg "$name" "$@" tcpdump -i "$iface" -Z root --immediate-mode -U -w "$(D "$name.pcap")" \
		"tcp port $p or tcp port $MARK"
	wait_for_line "$name.err" '^tcpdump: listening on ' 200
}

# capture_stop NAME HOST [IN...]: a connection to the marker port of HOST,
# which nothing listens on, then waits until its RST is in the file: what
# came before it is there too.  Stops tcpdump; $(D NAME.pcap) is then the
# capture without the marker's two segments.
capture_stop() {
	local name=$1 host=$2 n=200 f
	shift 2
	f=$(D "$name.pcap")
	"$@" "$TCPTOOL" connect -w 2s "$host" "$MARK" </dev/null >/dev/null 2>&1 || true
	until tcpdump -r "$f" -nn "tcp port $MARK and tcp[tcpflags] & tcp-rst != 0" 2>/dev/null | grep -q .; do
		((n-- > 0)) || fail "the marker's RST never reached $f"
		sleep 0.05
	done
	kill -INT "$(bg_pid "$name")"
	wait_bg "$name" || true
	tcpdump -r "$f" -w "$f.clean" "not tcp port $MARK" 2>/dev/null || fail "tcpdump could not filter $f"
	mv "$f.clean" "$f"
}

# same_segments LIVE FILE: the segment events of two JSON event files
# (a live --trace, and trace --json of the capture) are the same segments:
# kind, flags, ends, numbers absolute and relative, lengths, direction.
same_segments() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
keys = ("kind", "flags", "src", "dst", "side", "dir", "seq", "ack", "rel_seq", "rel_ack", "len", "win",
        "retransmission")
def segs(path):
    return [{k: e.get(k) for k in keys} for e in map(json.loads, open(path)) if e["event"] == "segment"]
live, read = segs(sys.argv[1]), segs(sys.argv[2])
if not live or live != read:
    sys.exit("live trace:\n  %s\nread back:\n  %s" % ("\n  ".join(map(str, live)), "\n  ".join(map(str, read))))
EOF
}

# no_crash STATUS: tcptool ended by exiting, 0 to 2, not by a signal.
no_crash() {
	((${1} <= 2)) || fail "tcptool ended with status $1"
}

@test "trace FILE: a capture of three connections, listed (fixed file)" {
	need_reader
	run -0 --separate-stderr "$TCPTOOL" trace "$CORPUS/lo-ethernet.pcap"
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 4
	assert_line --index 0 "$CORPUS/lo-ethernet.pcap: 3 TCP connections, 22 TCP segments in 22 frames over 5.310 ms (link type EN10MB)"
	assert_line --index 1 "1  127.0.0.1:49184 > 127.0.0.1:7791  from t+0.000 ms for 0.516 ms: 10 segments, 5 B out, 5 B in; closed with FIN both ways; handshake seen"
	assert_line --index 2 "2  127.0.0.1:49196 > 127.0.0.1:7791  from t+2.888 ms for 0.167 ms: 10 segments, 8 B out, 8 B in; closed with FIN both ways; handshake seen"
	assert_line --index 3 "3  127.0.0.1:49974 > 127.0.0.1:7793  from t+5.300 ms for 0.010 ms: 2 segments, 0 B out, 0 B in; refused: 127.0.0.1:7793 answered the SYN with RST"
}

@test "trace --json FILE: a capture event, then one connection event each, with their keys" {
	need_reader
	run -0 --separate-stderr "$TCPTOOL" trace --json "$CORPUS/lo-ethernet.pcap"
	echo "$output" >"$(D events)"
	assert_line --index 0 --partial '{"event":"capture",'
	json_check "$(D events)" 'list(ev) == ["capture", "connection"] and len(ev["capture"]) == 1' \
		'ev["capture"][0]["frames"] == 22 and ev["capture"][0]["segments"] == 22' \
		'ev["capture"][0]["connections"] == 3 and ev["capture"][0]["link"] == "EN10MB"' \
		'ev["capture"][0]["duration_ms"] == 5.31 and ev["capture"][0]["path"].endswith("lo-ethernet.pcap")' \
		'[e["conn"] for e in ev["connection"]] == [1, 2, 3]' \
		'ev["connection"][0] == {"event": "connection", "t": 0, "conn": 1, "a": "127.0.0.1:49184",
		  "b": "127.0.0.1:7791", "segments": 10, "segments_a": 6, "segments_b": 4, "bytes_a": 5,
		  "bytes_b": 5, "duration_ms": 0.516, "end": "fin", "handshake": "seen"}' \
		'ev["connection"][1]["bytes_a"] == 8 and ev["connection"][1]["t"] == 0.002888' \
		'ev["connection"][2]["end"] == "refused" and ev["connection"][2]["ended_by"] == "B"' \
		'ev["connection"][2]["handshake"] == "syn_only"'
}

@test "trace --conn N FILE: that connection's segments as --trace prints them, timed from its first" {
	need_reader
	run -0 --separate-stderr "$TCPTOOL" trace --conn 3 "$CORPUS/lo-ethernet.pcap"
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 "3  127.0.0.1:49974 > 127.0.0.1:7793  from t+5.300 ms for 0.010 ms: 2 segments, 0 B out, 0 B in; refused: 127.0.0.1:7793 answered the SYN with RST"
	assert_line --index 1 --regexp '^t\+0\.000 ms +SYN +127\.0\.0\.1:49974 > 127\.0\.0\.1:7793 +seq=A +win=65495 mss=65495 sackOK ts wscale=10$'
	assert_line --index 2 --regexp '^t\+0\.010 ms +RST-ACK +127\.0\.0\.1:7793 > 127\.0\.0\.1:49974 +seq=0 ack=A\+1 +win=0$'
	run -0 --separate-stderr "$TCPTOOL" trace --json --conn 1 "$CORPUS/lo-ethernet.pcap"
	echo "$output" >"$(D events)"
	json_check "$(D events)" 'ev["connection"][0]["conn"] == 1 and len(ev["segment"]) == 10' \
		'[e["kind"] for e in ev["segment"][:3]] == ["SYN", "SYN-ACK", "ACK"]' \
		'[e["dir"] for e in ev["segment"][:3]] == ["out", "in", "out"]' \
		'all(e["side"] == ("A" if e["dir"] == "out" else "B") for e in ev["segment"])' \
		'ev["segment"][0]["t"] == 0 and ev["segment"][-1]["t"] == 0.000516' \
		'sum(e["len"] for e in ev["segment"] if e["dir"] == "out") == 5' \
		'"iface" not in ev["segment"][0]'
	# -v: the absolute numbers, from the file.
	run -0 "$TCPTOOL" trace -v --conn 1 "$CORPUS/lo-ethernet.pcap"
	assert_line --index 1 --partial "[SYN seq 4024702042]"
}

@test "trace FILE with one connection: its segments at once, no list" {
	need_reader
	run -0 --separate-stderr "$TCPTOOL" trace "$CORPUS/tcptool-pcap.pcap"
	assert_line --index 0 --regexp '^1  127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:7791  from t\+0\.000 ms for [0-9.]+ ms: 10 segments, 4 B out, 4 B in; closed with FIN both ways; handshake seen$'
	assert_equal "${#lines[@]}" 11
	assert_line --index 1 --regexp '^t\+0\.000 ms +SYN '
	run -0 --separate-stderr "$TCPTOOL" trace --conn 1 "$CORPUS/tcptool-pcap.pcap"
	assert_equal "${#lines[@]}" 11
}

@test "trace --ladder: one connection drawn as a ladder, A on the left, states inferred; ASCII outside UTF-8" {
	need_reader
	run -0 --separate-stderr env -u LANG -u LC_CTYPE LC_ALL=C "$TCPTOOL" trace --ladder --conn 3 "$CORPUS/lo-ethernet.pcap"
	assert_equal "$stderr" ""
	assert_line --index 0 --partial "3  127.0.0.1:49974 > 127.0.0.1:7793 "
	assert_line --regexp '^ +127\.0\.0\.1:49974 +127\.0\.0\.1:7793$'
	assert_line --regexp '^0\.000 ms  SYN_SENT +\|-- SYN seq=A win=65495 mss=65495 -+>\|$'
	assert_line --regexp '^0\.010 ms  CLOSED +\|<-- RST-ACK seq=0 ack=A\+1 -+\| CLOSED$'
	refute_output --partial "│"
	# In a UTF-8 locale, box drawing; the whole closing handshake of connection 1.
	run -0 env -u LANG -u LC_CTYPE LC_ALL=C.UTF-8 "$TCPTOOL" trace --ladder --conn 1 "$CORPUS/lo-ethernet.pcap"
	assert_line --regexp '^0\.000 ms  SYN_SENT +│── SYN seq=A '
	assert_line --regexp ' TIME_WAIT +│◀── FIN seq=B\+6 ack=A\+7 .*│ LAST_ACK$'
	assert_line --regexp '│── ACK ack=B\+7 win=64 ─+▶│ CLOSED$'
	# A single connection needs no --conn; several are listed, not drawn.
	run -0 env LC_ALL=C "$TCPTOOL" trace --ladder "$CORPUS/any-sll2-ipv6.pcap"
	assert_line --regexp '^0\.293 ms  CLOSED +\|-- RST-ACK seq=A\+2 ack=B\+2 -+>\| CLOSED$'
	run -0 "$TCPTOOL" trace --ladder "$CORPUS/lo-ethernet.pcap"
	assert_equal "${#lines[@]}" 4
	# --json: the segment events; the ladder is for people.
	run -0 "$TCPTOOL" trace --ladder --json --conn 3 "$CORPUS/lo-ethernet.pcap"
	assert_equal "$(grep -c '"event":"segment"' <<<"$output")" 2
	refute_output --partial "SYN_SENT"
}

@test "trace FILE: the same connections from pcapng, raw IP, BSD loopback and Linux cooked captures" {
	need_reader
	local f want
	want=$("$TCPTOOL" trace --json "$CORPUS/lo-ethernet.pcap" | grep '"event":"connection"')
	for f in lo-ethernet.pcapng raw.pcap null.pcap; do
		run -0 --separate-stderr "$TCPTOOL" trace --json "$CORPUS/$f"
		assert_equal "$(grep '"event":"connection"' <<<"$output")" "$want"
	done
	run -0 "$TCPTOOL" trace --json "$CORPUS/raw.pcap"
	assert_line --index 0 --partial '"link":"RAW"'
	# IPv6 on -i any (Linux cooked v2) and the same packets as LINKTYPE_IPV6 (229).
	want=$("$TCPTOOL" trace --json "$CORPUS/any-sll2-ipv6.pcap" | grep -v '"event":"capture"')
	run -0 "$TCPTOOL" trace --json "$CORPUS/ipv6.pcap"
	assert_equal "$(grep -v '"event":"capture"' <<<"$output")" "$want"
	assert_line --index 0 --partial '"a":"[::1]:36388","b":"[::1]:7792"'
	assert_line --index 0 --partial '"end":"rst","ended_by":"A"'
	# Linux cooked v1 (tcpdump -i any -y LINUX_SLL).
	run -0 "$TCPTOOL" trace "$CORPUS/any-sll.pcap"
	assert_line --index 0 --partial "127.0.0.1:58744 > 127.0.0.1:7791"
}

@test "trace: a file cut short shows what it holds, then says where it ends, exit 1" {
	need_reader
	run -1 --separate-stderr "$TCPTOOL" trace "$CORPUS/truncated.pcap"
	assert_line --index 0 --partial ": 2 TCP connections, 13 TCP segments in 13 frames"
	assert_line --index 2 --partial "2  127.0.0.1:49196 > 127.0.0.1:7791 "
	assert_line --index 2 --partial "still open at the end of the capture"
	assert_equal "$stderr" "tcptool: trace: '$CORPUS/truncated.pcap' ends in the middle of frame 14 (truncated dump file; tried to read 74 captured bytes, only got 52): what the 13 frames before it hold is shown"
	# Every cut of a good file: never a crash, and never a silent one.
	local n size status
	size=$(stat -c %s "$CORPUS/lo-ethernet.pcap")
	for ((n = 0; n < size; n += 37)); do
		head -c "$n" "$CORPUS/lo-ethernet.pcap" >"$(D cut.pcap)"
		status=0
		"$TCPTOOL" trace "$(D cut.pcap)" >/dev/null 2>"$(D cut.err)" || status=$?
		no_crash "$status"
		if ((status != 0)); then
			[[ $(wc -l <"$(D cut.err)") == 1 && $(cat "$(D cut.err)") == "tcptool: trace: '$(D cut.pcap)' "* ]] ||
				fail "cut at $n: $(cat "$(D cut.err)")"
		fi
	done
}

@test "trace: damaged, empty, missing and foreign files: one line naming the file, exit 1" {
	need_reader
	local f
	f=$(D garbage.pcap)
	head -c 4096 /dev/urandom >"$f"
	printf 'not a capture' | dd of="$f" conv=notrunc 2>/dev/null
	run -1 --separate-stderr "$TCPTOOL" trace "$f"
	assert_output ""
	assert_equal "$stderr" "tcptool: trace: '$f' is not a capture file (unknown file format)"
	: >"$(D empty.pcap)"
	run -1 --separate-stderr "$TCPTOOL" trace "$(D empty.pcap)"
	assert_equal "$stderr" "tcptool: trace: '$(D empty.pcap)' is empty: not a capture file"
	head -c 10 "$CORPUS/lo-ethernet.pcap" >"$(D head.pcap)"
	run -1 --separate-stderr "$TCPTOOL" trace "$(D head.pcap)"
	assert_equal "$stderr" "tcptool: trace: '$(D head.pcap)' is not a capture file (truncated dump file; tried to read 24 file header bytes, only got 6)"
	run -1 --separate-stderr "$TCPTOOL" trace "$(D missing.pcap)"
	assert_equal "$stderr" "tcptool: trace: cannot read '$(D missing.pcap)': No such file or directory"
	run -1 --separate-stderr "$TCPTOOL" trace "$BATS_TEST_TMPDIR"
	assert_equal "$stderr" "tcptool: trace: cannot read '$BATS_TEST_TMPDIR': Is a directory"
	python3 "$PCAPFILE" empty "$(D wifi.pcap)" 105
	run -1 --separate-stderr "$TCPTOOL" trace "$(D wifi.pcap)"
	assert_equal "$stderr" "tcptool: trace: '$(D wifi.pcap)': its link type, IEEE802_11 (105), is not one tcptool decodes: Ethernet, Linux cooked (tcpdump -i any), raw IP or BSD loopback"
	# Random bytes after a good header: records of any length, never a crash.
	local status
	for _ in 1 2 3 4 5 6 7 8; do
		{ head -c 24 "$CORPUS/lo-ethernet.pcap"; head -c 3000 /dev/urandom; } >"$(D noise.pcap)"
		status=0
		"$TCPTOOL" trace "$(D noise.pcap)" >/dev/null 2>&1 || status=$?
		no_crash "$status"
	done
}

@test "trace: a capture without TCP says so, exit 0; --conn past the list is one line, exit 2" {
	need_reader
	python3 "$PCAPFILE" empty "$(D none.pcap)" 1
	run -0 --separate-stderr "$TCPTOOL" trace "$(D none.pcap)"
	assert_output "$(D none.pcap): no TCP segment in 0 frames"
	run -2 --separate-stderr "$TCPTOOL" trace --conn 4 "$CORPUS/lo-ethernet.pcap"
	assert_output ""
	assert_equal "$stderr" "tcptool: trace: --conn 4, but '$CORPUS/lo-ethernet.pcap' holds only 3 TCP connections"
	run -2 --separate-stderr "$TCPTOOL" trace --conn 1 "$(D none.pcap)"
	assert_equal "$stderr" "tcptool: trace: --conn 1, but '$(D none.pcap)' holds 0 TCP connections"
	usage_fails "invalid connection number '0': out of range 1-2147483647" trace --conn 0 "$CORPUS/lo-ethernet.pcap"
	usage_fails "trace: missing FILE" trace
	# -q: nothing but errors.
	run -0 --separate-stderr "$TCPTOOL" trace -q "$CORPUS/lo-ethernet.pcap"
	assert_output ""
	assert_equal "$stderr" ""
}

@test "trace: tcpdump -i lo during connect --trace: the list, and each connection as the live trace saw it" {
	need_capture
	need_tool tcpdump tcpdump
	start_server s echo -b 127.0.0.1 0
	capture_start cap lo "$port"
	run -0 --separate-stderr tt connect --trace --json --half-close --send hello 127.0.0.1 "$port"
	echo "$stderr" >"$(D live1)"
	run -0 --separate-stderr tt connect --trace --json --half-close --send "hello again" 127.0.0.1 "$port"
	echo "$stderr" >"$(D live2)"
	capture_stop cap 127.0.0.1
	run -0 --separate-stderr "$TCPTOOL" trace "$(D cap.pcap)"
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 --regexp ": 2 TCP connections, [0-9]+ TCP segments in [0-9]+ frames over [0-9.]+ m?s \\(link type EN10MB\\)$"
	assert_line --index 1 --regexp "^1  127\\.0\\.0\\.1:[0-9]+ > 127\\.0\\.0\\.1:$port  from t\\+0\\.000 ms for [0-9.]+ m?s: [0-9]+ segments, 5 B out, 5 B in; closed with FIN both ways; handshake seen\$"
	assert_line --index 2 --regexp "^2  127\\.0\\.0\\.1:[0-9]+ > 127\\.0\\.0\\.1:$port  from t\\+[0-9.]+ m?s for [0-9.]+ m?s: [0-9]+ segments, 11 B out, 11 B in; closed with FIN both ways; handshake seen\$"
	local nth
	for nth in 1 2; do
		run -0 --separate-stderr "$TCPTOOL" trace --json --conn "$nth" "$(D cap.pcap)"
		echo "$output" >"$(D read$nth)"
		same_segments "$(D live$nth)" "$(D read$nth)"
	done
	# The connection's opener is the live client.
	local client
	client=$(sed -nE 's/^\{"event":"connected",.*"local":"([^"]+)".*/\1/p' "$(D live1)")
	json_check "$(D read1)" "ev['connection'][0]['a'] == '$client' != ''"
}

@test "trace: tcpdump -i lo during listen and shutdown --rst: a reset and the listener's view" {
	need_capture
	need_tool tcpdump tcpdump
	start_listener l -b 127.0.0.1 0
	capture_start cap lo "$port"
	run -0 --separate-stderr tt shutdown --rst --send abc 127.0.0.1 "$port"
	assert_bg_exit l 1
	capture_stop cap 127.0.0.1
	run -0 --separate-stderr "$TCPTOOL" trace --json "$(D cap.pcap)"
	echo "$output" >"$(D events)"
	json_check "$(D events)" 'len(ev["connection"]) == 1' \
		'ev["connection"][0]["end"] == "rst" and ev["connection"][0]["ended_by"] == "A"' \
		'ev["connection"][0]["bytes_a"] == 3 and ev["connection"][0]["handshake"] == "seen"' \
		'ev["connection"][0]["b"] == "127.0.0.1:'"$port"'"' \
		'ev["segment"][-1]["kind"].startswith("RST") and ev["segment"][-1]["dir"] == "out"'
}

@test "trace: tcpdump between two network namespaces: an Ethernet capture of the veth" {
	need_capture
	need_tool tcpdump tcpdump
	two_hosts 10.201.0
	start_bg l "${IN_B[@]}" "$TCPTOOL" listen -b 10.201.0.2 0
	port=$(wait_for_port l)
	capture_start cap "$IF_A" "$port" "${IN_A[@]}"
	run -0 --separate-stderr timeout 10 "${IN_A[@]}" "$TCPTOOL" connect --trace --json --half-close --send hi 10.201.0.2 "$port"
	echo "$stderr" >"$(D live)"
	capture_stop cap 10.201.0.2 "${IN_A[@]}"
	run -0 --separate-stderr "$TCPTOOL" trace --json "$(D cap.pcap)"
	echo "$output" >"$(D read)"
	json_check "$(D read)" 'len(ev["connection"]) == 1 and ev["connection"][0]["a"].startswith("10.201.0.1:")' \
		'ev["connection"][0]["b"] == "10.201.0.2:'"$port"'" and ev["connection"][0]["end"] == "fin"' \
		'ev["connection"][0]["bytes_a"] == 2 and ev["connection"][0]["bytes_b"] == 0'
	same_segments "$(D live)" "$(D read)"
	run -0 "$TCPTOOL" trace "$(D cap.pcap)"
	assert_line --index 0 --regexp "^1  10\\.201\\.0\\.1:[0-9]+ > 10\\.201\\.0\\.2:$port  "
	# The file's link type, as tcpdump says it.
	run -0 --separate-stderr tcpdump -r "$(D cap.pcap)" -nn
	[[ $stderr == *"link-type EN10MB"* ]] || fail "$stderr"
}

@test "trace: a file written by --pcap reads back as the live trace showed it" {
	need_capture
	need_tool tcpdump tcpdump
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --trace --json --pcap "$(D own.pcap)" --half-close --send hello 127.0.0.1 "$port"
	echo "$stderr" >"$(D live)"
	run -0 --separate-stderr "$TCPTOOL" trace --json "$(D own.pcap)"
	echo "$output" >"$(D read)"
	same_segments "$(D live)" "$(D read)"
	json_check "$(D read)" 'ev["connection"][0]["end"] == "fin" and ev["connection"][0]["bytes_a"] == 5'
	json_check "$(D live)" "ev['pcap'][0]['segments'] == $(grep -c '"event":"segment"' "$(D read)")"
	# As pcapng, the same.
	python3 "$PCAPFILE" pcapng "$(D own.pcap)" "$(D own.pcapng)"
	run -0 --separate-stderr "$TCPTOOL" trace --json "$(D own.pcapng)"
	echo "$output" >"$(D readng)"
	same_segments "$(D live)" "$(D readng)"
}
