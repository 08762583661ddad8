#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# -O NAME[=VALUE]: what each socket option changes on the wire and in the
# kernel's answers, shown on real sockets: Nagle's held segments against a
# peer that acknowledges late, segment sizes under mss on a veth that
# segments for real, a small receive window, an RST instead of a FIN, the
# probes of keepalive and the dead peer they find, the user timeout, data on
# the SYN with fastopen, and the congestion control.  Each test is made so
# that it fails if the option did nothing.  Captures and namespaces need
# root, as in CI; where the kernel lacks a feature the test skips, saying
# which.  Timing enters only as lower bounds (timers never fire early) and
# as generous bounds on waits.

setup() {
	load helpers/common
	_common_setup
	SOPEER="$BATS_TEST_DIRNAME/helpers/sockopt_peer.py"
}

teardown() {
	_common_teardown
}

# nft_silence NS: the host of namespace command NS (IN_A or IN_B, by name)
# drops every packet that reaches it from now on: a peer gone silent.
nft_silence() {
	need_tool nft nftables
	local -n ns=$1
	local err
	err=$("${ns[@]}" nft add table inet silence 2>&1) ||
		skip "this kernel has no nftables (nft add table: ${err:-failed}; nf_tables missing)"
	"${ns[@]}" nft add chain inet silence in '{ type filter hook input priority 0; policy drop; }'
}

# elapsed FILE FROM TO: seconds between the first FROM event and the first
# TO event of a JSON event file.
elapsed() {
	python3 - "$@" <<'EOF'
import json, sys
path, a, b = sys.argv[1:]
evs = [json.loads(l) for l in open(path) if l.startswith("{")]
t = lambda n: next(e["t"] for e in evs if e["event"] == n)
print("%.3f" % (t(b) - t(a)))
EOF
}

# nagle_run NAME [-O ...]: connect --trace --json (with the given options)
# to a peer that acknowledges as late as it may; once connected, 50
# one-byte writes 2 ms apart into its stdin.  The events go to
# $(D NAME.err).
nagle_run() {
	local name=$1
	shift
	start_bg "$name-peer" python3 "$SOPEER" lazy-acker 127.0.0.1
	port=$(wait_for_port "$name-peer")
	rm -f "$(D in)"
	mkfifo "$(D in)"
	start_bg -i "$(D in)" "$name" "$TCPTOOL" --json connect --trace --half-close "$@" 127.0.0.1 "$port"
	exec 7>"$(D in)"
	wait_for_line "$name.err" '"event":"connected"'
	python3 "$SOPEER" trickle 50 0.002 >&7
	exec 7>&-
	assert_bg_exit "$name" 0
	assert_bg_exit "$name-peer" 0
	assert_equal "$(cat "$(D "$name-peer.out")")" 50
}

@test "-O nodelay: small writes leave at once, not held for the peer's ACK (Nagle)" {
	need_capture
	local without with
	# Without: Nagle's rule, one small segment unacknowledged at a time.
	nagle_run nagle
	check_events "$(D nagle.err)" 'nagle_stats(seg)[1] == 0'
	# With: each write its own segment, whatever is still unacknowledged
	# (the peer holds its ACKs for 40 ms and more, 20 writes' time).
	nagle_run nodelay -O nodelay
	check_events "$(D nodelay.err)" \
		'(ev := one("sockopt"))["name"] == "nodelay" and ev["option"] == "TCP_NODELAY" and ev["granted"] == 1' \
		'nagle_stats(seg)[1] >= 10'
	# Nagle's segments are fewer: each gathers what the writes put in meanwhile.
	without=$(check_events "$(D nagle.err)" 'print(*nagle_stats(seg)) or True')
	with=$(check_events "$(D nodelay.err)" 'print(*nagle_stats(seg)) or True')
	echo "# 50 writes: ${without%% *} data segments without nodelay, ${with%% *} with (${with##* } over unacknowledged data)" >&3
	((${with%% *} > ${without%% *})) || fail "with nodelay ${with%% *} data segments, without ${without%% *}"
}

# no_gso NS IF: the device segments nothing on its own, so that a capture
# sees the segments as they go on the wire, not 64 kB GSO packets.
no_gso() {
	local -n ns=$1
	need_tool ethtool ethtool
	"${ns[@]}" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 ||
		skip "ethtool cannot turn segmentation offloads off on $2"
}

@test "-O mss=536: the SYN offers 536, and no segment either way carries more than 524 bytes" {
	need_capture
	two_hosts 10.205.0
	no_gso IN_A "$IF_A"
	no_gso IN_B "$IF_B"
	# The client's own MSS: what its SYN offers, and what it sends.
	start_bg l "${IN_B[@]}" "$TCPTOOL" listen --discard -b 10.205.0.2 0
	port=$(wait_for_port l)
	run -0 --separate-stderr timeout 20 "${IN_A[@]}" "$TCPTOOL" --json connect -O mss=536 --trace \
		--load 64k 10.205.0.2 "$port"
	echo "$stderr" >"$(D c.json)"
	assert_bg_exit l 0
	# 524: the MSS less the 12 bytes of the timestamp option each segment carries.
	check_events "$(D c.json)" \
		'(ev := one("sockopt"))["name"] == "mss" and ev["option"] == "TCP_MAXSEG" and ev["asked"] == 536' \
		'kind("SYN", "out")[0]["mss"] == 536' \
		'kind("SYN-ACK", "in")[0]["mss"] == 1460' \
		'(lens := [e["len"] for e in seg if e["dir"] == "out" and e["len"] > 0])' \
		'max(lens) == 524' \
		'sum(lens) == 64000'
	# A listener's MSS: what its SYN-ACK offers, and so what the client may
	# send it.  (The client's trace: a listener's may miss segments that
	# arrive while it narrows its capture to the client it accepted.)
	start_bg l2 "${IN_B[@]}" "$TCPTOOL" --json listen -O mss=536 --discard -b 10.205.0.2 0
	port=$(wait_for_port l2)
	run -0 --separate-stderr timeout 20 "${IN_A[@]}" "$TCPTOOL" --json connect --trace --load 64k 10.205.0.2 "$port"
	echo "$stderr" >"$(D c2.json)"
	assert_bg_exit l2 0
	# Read back once connected, the MSS is what a segment carries: 536 less the timestamps.
	check_events "$(D l2.err)" \
		'[(e["socket"], e["granted"]) for e in evs if e["event"] == "sockopt"] == [("listener", 536), ("connection", 524)]'
	check_events "$(D c2.json)" \
		'kind("SYN", "out")[0]["mss"] == 1460' \
		'kind("SYN-ACK", "in")[0]["mss"] == 536' \
		'(lens := [e["len"] for e in seg if e["dir"] == "out" and e["len"] > 0])' \
		'max(lens) == 524' \
		'sum(lens) == 64000'
}

@test "-O rcvbuf=4k: the receiver offers a window of a few kB, in its segments and in both ends' -i reports" {
	need_capture
	start_listener l --json -O rcvbuf=4k --trace --discard -i 250ms -b 127.0.0.1 0
	run -0 --separate-stderr timeout 20 "$TCPTOOL" --json connect --load 1s --rate 256k -i 250ms 127.0.0.1 "$port"
	echo "$stderr" >"$(D c.json)"
	assert_bg_exit l 0
	# The kernel doubles the 4000 bytes asked; the window it offers stays
	# within what it granted (64 KiB and more without the option).
	check_events "$(D l.err)" \
		'(opts := [e for e in evs if e["event"] == "sockopt"])' \
		'[(e["socket"], e["name"], e["option"], e["asked"]) for e in opts] == [("listener", "rcvbuf", "SO_RCVBUF", 4000), ("connection", "rcvbuf", "SO_RCVBUF", 4000)]' \
		'(granted := opts[1]["granted"]) <= 16384' \
		'(synack := kind("SYN-ACK", "out")[0])["win"] <= granted' \
		'(shift := synack.get("wscale", 0)) >= 0' \
		'all(e["win"] << shift <= granted for e in seg if e["dir"] == "out" and "SYN" not in e["flags"])' \
		'len(ivs := [e for e in evs if e["event"] == "interval"]) >= 3' \
		'all(e["our_window"] <= granted for e in ivs)'
	check_events "$(D c.json)" \
		'len(ivs := [e for e in evs if e["event"] == "interval"]) >= 3' \
		'all(e["peer_window"] <= 16384 for e in ivs)'
}

# idle_close NAME STATUS [-O ...]: connect --trace --json (with the given
# options) to a listener that says nothing, so that after 500 ms of silence
# connect gives up and closes first (exit 4); its events go to
# $(D NAME.json), and $cport is its local port.  The listener, NAME-l, must
# end with STATUS.
idle_close() {
	local name=$1 want=$2  # not status: run sets that
	shift 2
	start_listener "$name-l" -b 127.0.0.1 0
	run -4 --separate-stderr tt --json connect --trace -w 500ms "$@" 127.0.0.1 "$port"
	echo "$stderr" >"$(D "$name.json")"
	cport=$(check_events "$(D "$name.json")" 'print(one("connected")["local"].rsplit(":", 1)[1]) or True')
	assert_bg_exit "$name-l" "$want"
}

@test "-O linger=0: our close sends RST instead of FIN, and leaves no TIME_WAIT behind" {
	need_capture
	# Without the option: our FIN, the peer's, and our end waits in TIME_WAIT.
	idle_close fin 0
	check_events "$(D fin.json)" \
		'kind("FIN", "out") and kind("FIN", "in")' \
		'not [e for e in seg if e["kind"].startswith("RST")]'
	[[ -n $(ss -Htan state time-wait "sport = :$cport") ]] || fail "no TIME_WAIT after our FIN"
	# With it: our RST, which the peer reports as such (exit 1).
	idle_close rst 1 -O linger=0
	grep -q '^tcptool: connection broke: Connection reset by peer' "$(D rst-l.err)" || fail "$(show rst-l)"
	check_events "$(D rst.json)" \
		'(ev := one("sockopt"))["name"] == "linger" and ev["option"] == "SO_LINGER" and ev["granted"] == 0' \
		'[e["dir"] for e in seg if e["kind"].startswith("RST")] == ["out"]' \
		'not kind("FIN")' \
		'evs.index(one("closed")) < evs.index(seg[-1])'
	assert_equal "$(ss -Htan state time-wait "sport = :$cport")" ""
}

# PROBES: Python, for check_events, that binds probes to our keepalive
# probes: bare ACKs one below what we sent (we send no data here, so at
# rel_seq 0) after the handshake.
PROBES='(probes := [e for e in seg if e["dir"] == "out" and e["kind"] == "ACK" and e["len"] == 0 and e.get("rel_seq") == 0])'

@test "-O keepalive=1,1,3: a probe after each idle second, each answered by the peer" {
	need_capture
	start_listener l -b 127.0.0.1 0
	start_bg c "$TCPTOOL" --json connect -O keepalive=1,1,3 --trace 127.0.0.1 "$port"
	wait_for_count c.err '"dir":"out","kind":"ACK".*"rel_seq":0,' 3 300
	kill "$(bg_pid c)"
	check_events "$(D c.err)" \
		'(ev := one("sockopt"))["name"] == "keepalive" and ev["option"] == "SO_KEEPALIVE"' \
		'(ev["idle_s"], ev["interval_s"], ev["count"]) == (1, 1, 3)' \
		"$PROBES" \
		'len(probes) >= 3' \
		'probes[0]["t"] - one("connected")["t"] >= 0.9' \
		'all(b["t"] - a["t"] >= 0.9 for a, b in zip(probes, probes[1:]))' \
		'all(any(e["dir"] == "in" and e["kind"] == "ACK" and e["t"] >= p["t"] and e["rel_ack"] == 1 for e in seg) for p in probes)'
}

@test "-O keepalive=1,1,3: a peer gone silent is found dead after about 4 s, exit 4" {
	need_capture
	two_hosts 10.205.0
	start_bg l "${IN_B[@]}" "$TCPTOOL" listen -b 10.205.0.2 0
	port=$(wait_for_port l)
	start_bg c "${IN_A[@]}" "$TCPTOOL" --json connect -O keepalive=1,1,3 --trace 10.205.0.2 "$port"
	wait_for_line c.err '"event":"connected"'
	nft_silence IN_B
	# Without keepalive an idle connection to a dead peer lasts for ever.
	assert_bg_exit c 4 200
	check_events "$(D c.err)" \
		'"Connection timed out" in one("error")["message"]' \
		"$PROBES" \
		'len(probes) >= 3' \
		'not [e for e in seg if e["dir"] == "in" and e["t"] > probes[0]["t"]]'
	local took
	took=$(elapsed "$(D c.err)" connected error)
	echo "# the dead peer found after $took s" >&3
	# One idle second, then three probes a second apart, each unanswered.
	python3 -c "import sys; sys.exit(not $took >= 3.5)" || fail "found dead after $took s, before the 4 s keepalive allows"
}

@test "-O user-timeout=2s: unacknowledged data to a silent peer ends the connection after about 2 s, exit 4" {
	need_capture
	two_hosts 10.205.0
	start_bg l "${IN_B[@]}" "$TCPTOOL" listen -b 10.205.0.2 0
	port=$(wait_for_port l)
	mkfifo "$(D in)"
	start_bg -i "$(D in)" c "${IN_A[@]}" "$TCPTOOL" --json connect -O user-timeout=2s --trace 10.205.0.2 "$port"
	exec 7>"$(D in)"
	wait_for_line c.err '"event":"connected"'
	nft_silence IN_B
	echo hello >&7
	# Without the option the kernel retransmits for about 15 minutes (tcp_retries2).
	assert_bg_exit c 4 150
	check_events "$(D c.err)" \
		'(ev := one("sockopt"))["name"] == "user-timeout" and ev["option"] == "TCP_USER_TIMEOUT" and ev["granted"] == 2000' \
		'"Connection timed out" in one("error")["message"]' \
		'(data := kind("DATA", "out"))[0]["len"] == 6' \
		'any(e.get("retransmission") for e in data[1:])' \
		'not [e for e in seg if e["dir"] == "in" and e["t"] > data[0]["t"]]'
	local took
	took=$(elapsed "$(D c.err)" connected error)
	echo "# the connection ended $took s after it was made" >&3
	python3 -c "import sys; sys.exit(not $took >= 2.0)" || fail "ended after $took s, before the 2 s user timeout"
}

@test "-O user-timeout=2s: a peer that stops reading ends the connection after about 2 s of closed window, exit 4" {
	# Its kernel answers every window probe, so without the option the
	# sender would wait for ever; with it, the probes count as data
	# unacknowledged (Linux 5.1 and later).
	start_bg p python3 "$SOPEER" stalled-reader 127.0.0.1
	port=$(wait_for_port p)
	start_bg c "$TCPTOOL" --json connect -O user-timeout=2s --load 1G 127.0.0.1 "$port"
	assert_bg_exit c 4 150
	check_events "$(D c.err)" \
		'"Connection timed out" in one("error")["message"]' \
		'one("closed")["bytes_out"] < 10**9'
	local took
	took=$(elapsed "$(D c.err)" connected error)
	echo "# the connection ended $took s after it was made" >&3
	python3 -c "import sys; sys.exit(not $took >= 2.0)" || fail "ended after $took s, before the 2 s user timeout"
}

@test "-O fastopen: the second connection's data rides on its SYN" {
	need_capture
	two_hosts 10.205.0
	# Fast Open in both directions, in these namespaces only (the setting is per namespace).
	local ns
	for ns in "$NS_A" "$NS_B"; do
		nsenter --net="/run/netns/$ns" sh -c 'echo 3 >/proc/sys/net/ipv4/tcp_fastopen' 2>/dev/null &&
			[[ $(nsenter --net="/run/netns/$ns" cat /proc/sys/net/ipv4/tcp_fastopen) == 3 ]] ||
			skip "net.ipv4.tcp_fastopen cannot be set in a network namespace here"
	done
	# One listener for each connection (the cookie is for the address, any port).
	local nth
	for nth in 1 2; do
		start_bg "l$nth" "${IN_B[@]}" "$TCPTOOL" --json -v listen -O fastopen --half-close -b 10.205.0.2 0
		port=$(wait_for_port "l$nth")
		run -0 --separate-stderr timeout 10 "${IN_A[@]}" "$TCPTOOL" --json connect -O fastopen --trace \
			--half-close --send hello 10.205.0.2 "$port"
		echo "$stderr" >"$(D "c$nth.json")"
		assert_bg_exit "l$nth" 0
		assert_equal "$(cat "$(D "l$nth.out")")" hello
	done
	# The first asks for a cookie (an empty Fast Open option) and gets one;
	# its data waits for the handshake.
	check_events "$(D c1.json)" \
		'(ev := one("sockopt"))["option"] == "TCP_FASTOPEN_CONNECT" and ev["granted"] == 1' \
		'(syn := kind("SYN", "out")[0])["len"] == 0 and syn.get("fastopen")' \
		'kind("SYN-ACK", "in")[0].get("fastopen")' \
		'kind("DATA", "out")[0]["len"] == 5' \
		'"handshake_ms" in one("connected") and not one("connected").get("deferred")'
	check_events "$(D l1.err)" \
		'(ev := one("sockopt"))["option"] == "TCP_FASTOPEN" and ev["socket"] == "listener" and ev["granted"] == 16' \
		'one("tcp_info")["syn_data"] is False'
	# The second sends the cookie with its data on the SYN, which the
	# SYN-ACK acknowledges; the server's kernel counts it as SYN data.
	check_events "$(D c2.json)" \
		'(syn := kind("SYN", "out")[0])["len"] == 5 and syn.get("fastopen")' \
		'kind("SYN-ACK", "in")[0]["rel_ack"] == 6' \
		'not kind("DATA", "out")' \
		'one("connected")["deferred"] is True and "handshake_ms" not in one("connected")' \
		'evs.index(one("connected")) < evs.index(syn)'
	check_events "$(D l2.err)" 'one("tcp_info")["syn_data"] is True'
}

@test "-O congestion=ALG: the connection uses the algorithm asked for" {
	local default alg
	default=$(cat /proc/sys/net/ipv4/tcp_congestion_control)
	alg=reno
	[[ $default != reno ]] || alg=cubic
	grep -qw "$alg" /proc/sys/net/ipv4/tcp_available_congestion_control || skip "$alg is not loaded here"
	# Without CAP_NET_ADMIN a socket may pick only the allowed ones.
	[[ $(id -u) == 0 ]] || grep -qw "$alg" /proc/sys/net/ipv4/tcp_allowed_congestion_control ||
		skip "$alg is not in net.ipv4.tcp_allowed_congestion_control, and we are not root"
	start_server s echo -b 127.0.0.1 0
	run -0 tt --json info -O "congestion=$alg" 127.0.0.1 "$port"
	echo "$output" >"$(D info.json)"
	check_events "$(D info.json)" \
		'(ev := one("sockopt"))["name"] == "congestion" and ev["option"] == "TCP_CONGESTION"' \
		"ev[\"granted\"] == '$alg'" \
		"one(\"negotiated\")[\"congestion\"] == '$alg'"
	run -0 tt info -O "congestion=$alg" 127.0.0.1 "$port"
	assert_line --regexp "^  congestion +$alg\$"
	# Without the option, the host's default.
	run -0 tt info 127.0.0.1 "$port"
	assert_line --regexp "^  congestion +$default\$"
	run -0 --separate-stderr tt --json -v connect -O "congestion=$alg" --half-close --send x 127.0.0.1 "$port"
	echo "$stderr" >"$(D c.json)"
	check_events "$(D c.json)" "one(\"tcp_info\")[\"congestion\"] == '$alg'"
}
