#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# --pcap FILE: the frames of the followed connection written with libpcap's
# own writer, read back with tcpdump -r and compared, segment by segment,
# with the --trace --json events of the same run.  Capturing needs root
# (CAP_NET_RAW), as in CI.

setup() {
	load helpers/common
	_common_setup
	CLOSER="$BATS_TEST_DIRNAME/helpers/closer.py"
}

teardown() {
	_common_teardown
}

# same_segments EVENTS PCAP: the segment events in the JSON file EVENTS and
# what tcpdump -r reads from PCAP are the same segments in the same order:
# ends, flags, absolute sequence and acknowledgement numbers, lengths; and
# the one "pcap" event counts them and names PCAP.
same_segments() {
	tcpdump -r "$2" -nn -S -tt >"$(D tcpdump.out)" 2>"$(D tcpdump.err)" ||
		fail "tcpdump -r $2: $(cat "$(D tcpdump.err)")"
	python3 - "$1" "$(D tcpdump.out)" "$2" <<'EOF'
import json, re, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
seg = [e for e in evs if e["event"] == "segment"]
pcap = [e for e in evs if e["event"] == "pcap"]
letters = {"S": "SYN", "F": "FIN", "P": "PSH", "R": "RST", ".": "ACK", "U": "URG", "E": "ECE", "W": "CWR"}
line_re = re.compile(r" IP6? (\S+)\.(\d+) > (\S+)\.(\d+): Flags \[([^\]]*)\]"
                     r"(?:, seq (\d+)(?::(\d+))?)?(?:, ack (\d+))?.*, length (\d+)")
def name(addr, port):
    return ("[%s]:%s" if ":" in addr else "%s:%s") % (addr, port)
dumped = []
for l in open(sys.argv[2]):
    m = line_re.search(l)
    assert m, "tcpdump line not understood: " + l
    flags = set() if m[5] == "none" else {letters[c] for c in m[5]}
    dumped.append(dict(src=name(m[1], m[2]), dst=name(m[3], m[4]), flags=flags,
                       seq=m[6] and int(m[6]), ack=m[8] and int(m[8]), len=int(m[9])))
problems = []
if len(pcap) != 1 or pcap[0]["segments"] != len(dumped) or pcap[0]["path"] != sys.argv[3]:
    problems.append("pcap events %r, %d frames in the file" % (pcap, len(dumped)))
if len(seg) != len(dumped) or not seg:
    problems.append("%d segment events, %d frames in the file" % (len(seg), len(dumped)))
for n, (e, d) in enumerate(zip(seg, dumped)):
    got = dict(src=e["src"], dst=e["dst"], flags=set(e["flags"].split(",")) - {""},
               seq=e["seq"] if d["seq"] is not None else None,
               ack=e.get("ack") if d["ack"] is not None else None, len=e["len"])
    if got != d:
        problems.append("segment %d: trace %r, file %r" % (n + 1, got, d))
if problems:
    sys.exit("\n".join(problems))
EOF
}

# frames PCAP: how many frames tcpdump reads from PCAP.
frames() {
	tcpdump -r "$1" -nn 2>/dev/null | wc -l
}

@test "connect --trace --pcap: the file holds the segments the trace showed, SYN to last ACK" {
	need_capture
	need_tool tcpdump tcpdump
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --trace --json --pcap "$(D c.pcap)" --half-close --send hello 127.0.0.1 "$port"
	assert_output "hello"
	echo "$stderr" >"$(D events)"
	same_segments "$(D events)" "$(D c.pcap)"
	# Whole frames: tcpdump sees the payload, and the file says nanoseconds.
	run -0 tcpdump -r "$(D c.pcap)" -nn -A
	assert_output --partial "hello"
	run -0 python3 -c 'import sys; print(open(sys.argv[1], "rb").read(4).hex())' "$(D c.pcap)"
	assert_output "4d3cb2a1"
}

@test "connect --trace --pcap over IPv6" {
	need_capture
	need_tool tcpdump tcpdump
	[[ -f /proc/net/if_inet6 ]] || skip "no IPv6 here"
	start_server s echo -b ::1 0
	run -0 --separate-stderr tt connect --trace --json --pcap "$(D c.pcap)" --half-close --send hi ::1 "$port"
	echo "$stderr" >"$(D events)"
	same_segments "$(D events)" "$(D c.pcap)"
	grep -q '"src":"\[::1\]:' "$(D events)" || fail "$(cat "$(D events)")"
}

@test "listen --trace --pcap: the client's handshake, its data and both FINs in the file" {
	need_capture
	need_tool tcpdump tcpdump
	start_listener l --trace --json --pcap "$(D l.pcap)" -b 127.0.0.1 0
	run -0 tt connect --half-close --send hello 127.0.0.1 "$port"
	assert_bg_exit l 0
	same_segments "$(D l.err)" "$(D l.pcap)"
	run -0 --separate-stderr tcpdump -r "$(D l.pcap)" -nn
	assert_line --index 0 --regexp "127\\.0\\.0\\.1\\.[0-9]+ > 127\\.0\\.0\\.1\\.$port: Flags \\[S\\]"
}

@test "shutdown --rst --trace --pcap: the RST is the file's last frame" {
	need_capture
	need_tool tcpdump tcpdump
	start_bg p python3 "$CLOSER" hold
	port=$(wait_for_port p)
	run -0 --separate-stderr tt shutdown --trace --json --rst --pcap "$(D s.pcap)" 127.0.0.1 "$port"
	echo "$output" >"$(D events)"
	same_segments "$(D events)" "$(D s.pcap)"
	run -0 --separate-stderr tcpdump -r "$(D s.pcap)" -nn
	assert_line --index -1 --regexp "127\\.0\\.0\\.1\\.[0-9]+ > 127\\.0\\.0\\.1\\.$port: Flags \\[R"
}

@test "info HOST PORT --trace --pcap: the handshake and the close in the file" {
	need_capture
	need_tool tcpdump tcpdump
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr tt info --trace --json --pcap "$(D i.pcap)" 127.0.0.1 "$port"
	echo "$output" >"$(D events)"
	same_segments "$(D events)" "$(D i.pcap)"
}

@test "--pcap without --trace: no segment is printed, the file holds them all" {
	need_capture
	need_tool tcpdump tcpdump
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --json --pcap "$(D c.pcap)" --half-close --send hello 127.0.0.1 "$port"
	echo "$stderr" >"$(D events)"
	refute grep -q '"event":"segment"' "$(D events)"
	grep -q '"event":"connected"' "$(D events)" || fail "$(cat "$(D events)")"
	local n
	n=$(frames "$(D c.pcap)")
	((n >= 8)) || fail "$n frames: $(tcpdump -r "$(D c.pcap)" -nn 2>&1)"
	json_check "$(D events)" 'len(ev["pcap"]) == 1' "ev['pcap'][0]['segments'] == $n"
	# For people: the events and one closing line, no segment line.
	run -0 --separate-stderr tt connect --pcap "$(D h.pcap)" --half-close --send hello 127.0.0.1 "$port"
	n=$(frames "$(D h.pcap)")
	assert_equal "$(grep -cE '(SYN|ACK|FIN) +127' <<<"$stderr")" 0
	grep -qE "^t\\+[0-9.]+ m?s +wrote $n segments to $(D h.pcap)\$" <<<"$stderr" || fail "$stderr"
}

@test "--pcap with -q: nothing printed, the file written" {
	need_capture
	need_tool tcpdump tcpdump
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr tt connect -q --pcap "$(D c.pcap)" --half-close --send hello 127.0.0.1 "$port"
	assert_output "hello"
	assert_equal "$stderr" ""
	local n
	n=$(frames "$(D c.pcap)")
	((n >= 8)) || fail "$n frames"
}

@test "--pcap to a file that cannot be created: one line, exit 1, no connection made" {
	need_capture
	start_server s echo -b 127.0.0.1 0
	run -1 --separate-stderr tt connect --pcap "$(D no/such/dir.pcap)" --send hi 127.0.0.1 "$port"
	assert_output ""
	assert_equal "$stderr" "tcptool: --pcap: cannot create '$(D no/such/dir.pcap)': No such file or directory"
	run -1 --separate-stderr tt info --trace --pcap "$BATS_TEST_TMPDIR" 127.0.0.1 "$port"
	assert_equal "$stderr" "tcptool: --pcap: cannot create '$BATS_TEST_TMPDIR': Is a directory"
	run -1 --separate-stderr tt shutdown --pcap "$(D no/x.pcap)" 127.0.0.1 "$port"
	assert_equal "$stderr" "tcptool: --pcap: cannot create '$(D no/x.pcap)': No such file or directory"
	run -1 --separate-stderr tt connect -c 2 --pcap "$(D no/x.pcap)" 127.0.0.1 "$port"
	assert_output ""
	assert_equal "$stderr" "tcptool: --pcap: cannot create '$(D no/x.pcap)': No such file or directory"
	# listen says so before it prints where it listens, and accepts nobody.
	run -1 --separate-stderr tt listen --pcap "$(D no/x.pcap)" -b 127.0.0.1 0
	assert_equal "$stderr" "tcptool: --pcap: cannot create '$(D no/x.pcap)': No such file or directory"
	# The echo server saw no client at all.
	refute grep -q 'connection from' "$(D s.out)"
}

@test "--pcap to a full disk: the write error at the end, the connection unharmed" {
	need_capture
	[[ -w /dev/full ]] || skip "no /dev/full here"
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --pcap /dev/full --half-close --send hello 127.0.0.1 "$port"
	assert_output "hello"
	assert_equal "$(grep '^tcptool: ' <<<"$stderr")" \
		"tcptool: --pcap: writing '/dev/full' failed: No space left on device; the file ends early"
	refute_line --partial "wrote "
}

@test "--pcap without CAP_NET_RAW: one line, no file, and the connection goes on" {
	need_capture
	setpriv --inh-caps=-net_raw --bounding-set=-net_raw true 2>/dev/null ||
		skip "setpriv cannot drop capabilities here"
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr timeout 10 setpriv --inh-caps=-net_raw --bounding-set=-net_raw \
		"$TCPTOOL" connect --pcap "$(D c.pcap)" --half-close --send hi 127.0.0.1 "$port"
	assert_output "hi"
	assert_equal "$(grep '^tcptool: ' <<<"$stderr")" \
		"tcptool: --pcap: capturing needs CAP_NET_RAW (run as root, or give tcptool cap_net_raw); carrying on without the capture file"
	[[ ! -e $(D c.pcap) ]] || fail "the file was made"
	run -0 --separate-stderr timeout 10 setpriv --inh-caps=-net_raw --bounding-set=-net_raw \
		"$TCPTOOL" connect --trace --pcap "$(D c.pcap)" --half-close --send hi 127.0.0.1 "$port"
	assert_equal "$(grep '^tcptool: ' <<<"$stderr")" \
		"tcptool: --trace and --pcap: capturing needs CAP_NET_RAW (run as root, or give tcptool cap_net_raw); carrying on without the trace or the capture file"
}

@test "--pcap as an ordinary user: one line, and the connection goes on" {
	[[ $(id -u) != 0 ]] || skip "for an ordinary user (make check-user)"
	"$TCPTOOL" --version | grep -q '^capture: none' && skip "built without libpcap"
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --pcap "$(D c.pcap)" --half-close --send hi 127.0.0.1 "$port"
	assert_output "hi"
	assert_equal "$(grep '^tcptool: ' <<<"$stderr")" \
		"tcptool: --pcap: capturing needs CAP_NET_RAW (run as root, or give tcptool cap_net_raw); carrying on without the capture file"
}
