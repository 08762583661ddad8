#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# Interval reports (-i) where flow control, congestion and loss happen for
# real: a reader slower than its sender on loopback, a 4 Mbit/s bottleneck
# (tbf) and 2% loss (nftables) on a veth between two network namespaces the
# test makes, and the intervals adding up to the totals.  The namespace
# tests need root, as in CI; they skip, saying why, only where the kernel
# lacks the feature.  Bounds on figures are loose: the kernel's numbers, not
# the machine's speed, decide each assertion.

setup() {
	load helpers/common
	_common_setup
}

teardown() {
	_common_teardown
}

# across NAME SIZE [CONNECT ARGS...]: B listens with -i 0.5s --json; A sends
# a file of SIZE bytes to it with connect --half-close --json and ARGS, and
# both must end (bounded) with status 0.  A's events go to $(D c.err),
# B's to $(D l.err).
across() {
	local file
	file=$(big_file "$1" "$2")
	shift 2
	start_bg l "${IN_B[@]}" "$TCPTOOL" listen --json -i 0.5s -b 10.203.0.2 0
	port=$(wait_for_port l)
	[[ -z ${BEFORE_CONNECT:-} ]] || "$BEFORE_CONNECT"
	start_bg -i "$file" c "${IN_A[@]}" "$TCPTOOL" connect --json --half-close "$@" 10.203.0.2 "$port"
	assert_bg_exit c 0 400
	assert_bg_exit l 0 100
}

# check FILE PYTHON: every line of FILE is a JSON event; runs the Python
# code, whose asserts must hold.  In scope: evs (the events in order), ivs
# (the interval events), one(NAME) (the one event of that name), full(MIN_MS)
# (the intervals at least MIN_MS long, the last part-interval left out),
# median(LIST).  A failing assert prints its message and the intervals.
check() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
path, code = sys.argv[1], sys.argv[2]
evs = [json.loads(l) for l in open(path) if l.startswith("{")]
ivs = [e for e in evs if e["event"] == "interval"]
def one(name):
    found = [e for e in evs if e["event"] == name]
    assert len(found) == 1, f"{len(found)} {name} events"
    return found[0]
def full(min_ms):
    return [e for e in ivs if e["end_ms"] - e["start_ms"] >= min_ms]
def median(xs):
    xs = sorted(xs)
    assert xs, "no values"
    return xs[len(xs) // 2]
KEYS = ("start_ms", "end_ms", "bytes_out", "bytes_in", "out_bytes_per_s", "rtt_ms", "min_rtt_ms",
        "cwnd", "ssthresh", "peer_window", "our_window", "retrans", "retrans_total", "lost", "limit",
        "limit_pct")
try:
    exec(code, dict(globals()))
except AssertionError as err:
    print(f"# does not hold: {err}", file=sys.stderr)
    for e in evs:
        if e["event"] in ("interval", "total"):
            print("#   " + json.dumps({k: e.get(k) for k in ("event",) + KEYS}), file=sys.stderr)
        else:
            print("#   " + json.dumps(e), file=sys.stderr)
    sys.exit(1)
EOF
}

# slow_reader: a listener reading 100 kB/s on loopback, a connect fed from
# /dev/zero sending to it with CONNECT_ARGS; both report every 0.5 s.
# Waits (bounded) for 6 reports from each, about 3 s, then ends both.
slow_reader() {
	start_listener l --json --read-rate 100k -i 0.5s -b 127.0.0.1 0
	start_bg -i /dev/zero c "$TCPTOOL" connect --json -i 0.5s "$@" 127.0.0.1 "$port"
	wait_for_count c.err '"event":"interval"' 6 300
	wait_for_count l.err '"event":"interval"' 6 300
	local name
	for name in c l; do
		kill "$(bg_pid $name)"
		wait_bg $name || true
	done
}

@test "flow control: a reader at 100 kB/s closes its window; the sender is limited by the receiver's window, the reader by its reading" {
	slow_reader
	# The sender: the window the peer advertises drops to 0, and the
	# intervals after the first (which holds the start) blame it.
	check "$(D c.err)" '
assert len(ivs) >= 6, f"{len(ivs)} intervals"
assert any(e.get("peer_window") == 0 for e in ivs), "the peer window never read 0"
rest = ivs[1:]
rwnd = [e for e in rest if e["limit"] == "receiver_window"]
assert len(rwnd) * 2 > len(rest), f"receiver_window in {len(rwnd)} of {len(rest)} intervals"
assert all(e["rwnd_limited_pct"] >= 50 for e in rwnd), "a receiver_window verdict under 50%"
# Behind a closed window the data waits unsent in our buffer.
assert max(e["notsent_bytes"] for e in rest) > 0, "nothing ever waited unsent"
'
	# The reader: its own window closed on bytes it has not read yet, and it
	# never reads faster than its limit (100 kB/s and a 5 kB burst; slower
	# machines only read less).
	check "$(D l.err)" '
assert len(ivs) >= 6, f"{len(ivs)} intervals"
rest = ivs[1:]
reading = [e for e in rest if e["limit"] == "our_reading"]
assert len(reading) * 2 > len(rest), f"our_reading in {len(reading)} of {len(rest)} intervals"
assert all(e["recv_queue"] > 0 for e in reading), "our_reading with nothing unread"
assert any(e["our_window"] == 0 for e in ivs), "our window never closed"
secs = (ivs[-1]["end_ms"] - ivs[0]["start_ms"]) / 1000
got = sum(e["bytes_in"] for e in ivs)
assert got <= 100000 * secs + 5000 + 1000, f"read {got} bytes in {secs:.3f} s, over 100 kB/s"
assert got > 0, "read nothing"
'
}

@test "flow control in the trace: the receiver's zero windows and the sender's window probes" {
	need_capture
	slow_reader --trace
	# The trace marks neither: a zero window shows as win=0 ("win":0) on
	# the receiver's ACKs; a window probe is an ACK of no data whose
	# sequence number is one below what the receiver acknowledged (Linux
	# sends snd_una - 1 to draw an ACK with the current window).
	check "$(D c.err)" '
seg = [e for e in evs if e["event"] == "segment"]
assert seg, "no segments traced"
zero = [e for e in seg if e["dir"] == "in" and e["win"] == 0]
assert zero, "no segment from the receiver advertised window 0"
assert all(e["kind"] == "ACK" and e["len"] == 0 for e in zero), "a zero window on a segment that is not a bare ACK"
probes = []
last_in = None
for e in seg:
    if e["dir"] == "in":
        last_in = e
    elif (last_in is not None and last_in["win"] == 0 and e["kind"] == "ACK" and e["len"] == 0
          and e.get("rel_seq") == (last_in["rel_ack"] - 1) % 2**32):
        probes.append(e)
assert probes, "no window probe (a bare ACK at the acknowledged sequence number less one) after a zero window"
assert not any(e.get("retransmission") for e in probes), "a probe marked as a retransmission"
# Each probe draws an answer from the receiver, which still says its window.
answered = [p for p in probes if any(e["dir"] == "in" and e["t"] >= p["t"] for e in seg)]
assert answered, "no segment from the receiver after a probe"
'
}

# TBF: a 4 Mbit/s bottleneck on A's side, queueing up to 100 ms: 500,000
# bytes a second on the wire, about 478,000 of TCP payload in 1,448-byte
# segments (1,514 bytes each with the headers).
add_tbf() {
	local err
	err=$("${IN_A[@]}" tc qdisc add dev "$IF_A" root tbf rate 4mbit burst 32kbit latency 100ms 2>&1) ||
		skip "this kernel cannot shape traffic (tc qdisc add ... tbf: ${err:-failed}; sch_tbf missing)"
}

@test "a 4 Mbit/s bottleneck: rates near 500 kB/s, RTT above the no-load RTT, the congestion window the limit" {
	two_hosts 10.203.0
	add_tbf
	across tbf 2400000 -i 0.5s
	# The first second holds slow start and its losses: the later full
	# intervals tell the steady state.
	check "$(D c.err)" '
assert one("closed")["bytes_out"] == 2400000
later = [e for e in full(400) if e["start_ms"] >= 1400]
assert len(later) >= 3, f"{len(later)} full intervals after 1.4 s"
secs = sum(e["end_ms"] - e["start_ms"] for e in later) / 1000
rate = sum(e["bytes_out"] for e in later) / secs
assert 300000 <= rate <= 700000, f"{rate:.0f} B/s over the later intervals"
assert 300000 <= median([e["out_bytes_per_s"] for e in later]) <= 700000, "the median rate"
# The no-load RTT is the least the kernel saw (the handshake, before any queue).
base = one("total")["min_rtt_ms"]
rtt = median([e["rtt_ms"] for e in later])
assert rtt > 4 * base and rtt > 2, f"median RTT {rtt} ms against {base} ms without load"
cw = [e for e in later if e["limit"] == "congestion_window"]
assert len(cw) * 2 > len(later), f"congestion_window in {len(cw)} of {len(later)} intervals"
assert all(e["peer_window"] > e["cwnd"] * e["mss"] for e in cw), "a congestion_window verdict with the peer window smaller than cwnd"
assert one("total")["limit"] == "congestion_window"
'
}

# add_loss: B drops about 2% of the segments bound for $port, SYNs spared
# (a lost SYN only waits a second); the rule counts what it drops.
add_loss() {
	need_tool nft nftables
	local err
	err=$("${IN_B[@]}" nft add table inet t 2>&1) ||
		skip "this kernel has no nftables (nft add table: ${err:-failed}; nf_tables missing)"
	"${IN_B[@]}" nft add chain inet t c '{ type filter hook input priority 0; }'
	"${IN_B[@]}" nft add rule inet t c tcp dport "$port" tcp flags '&' syn == 0 \
		numgen random mod 100 '<' 2 counter drop
}

@test "2% loss: retransmissions in the intervals, and in all in the total" {
	two_hosts 10.203.0
	# One drop per segment rather than per 64 kB GSO packet, where ethtool can say so.
	if command -v ethtool >/dev/null; then
		"${IN_A[@]}" ethtool -K "$IF_A" tso off gso off >/dev/null 2>&1 || true
	fi
	BEFORE_CONNECT=add_loss across loss 4000000 --rate 4M -i 0.2s
	local dropped
	dropped=$("${IN_B[@]}" nft list chain inet t c | sed -nE 's/.*counter packets ([0-9]+) .*/\1/p')
	((dropped > 0)) || fail "nftables dropped nothing"
	check "$(D c.err)" '
assert one("closed")["bytes_out"] == 4000000, "not every byte arrived"
s = one("total")
assert any(e["retrans"] > 0 for e in ivs), "no interval retransmitted"
assert s["retrans_total"] > 0, "the total retransmitted nothing"
# The parts make the whole, and the running total ends where the total does.
assert sum(e["retrans"] for e in ivs) == s["retrans"] == s["retrans_total"] == ivs[-1]["retrans_total"]
assert sum(e["bytes_retrans"] for e in ivs) == s["bytes_retrans_total"] > 0
assert "ssthresh" in s, "no ssthresh after losses"
'
}

@test "intervals add up: contiguous, on a grid of the asked length, their bytes summing to the totals" {
	local file
	file=$(big_file eight 8000000)
	start_listener l --json -i 0.2s -b 127.0.0.1 0
	start_bg -i "$file" c "$TCPTOOL" connect --json --half-close --rate 4M -i 0.2s 127.0.0.1 "$port"
	assert_bg_exit c 0 300
	assert_bg_exit l 0 100
	# The sender (bytes_out) and the receiver (bytes_in) alike.
	local file key
	for file in c.err l.err; do
		key=bytes_out
		[[ $file == l.err ]] && key=bytes_in
		check "$(D "$file")" '
key = "'"$key"'"
s, closed = one("total"), one("closed")
assert closed[key] == 8000000, f"closed says {closed[key]}"
assert sum(e[key] for e in ivs) == s[key] == 8000000, f"the intervals sum to {sum(e[key] for e in ivs)}, the total says {s[key]}"
assert ivs[0]["start_ms"] == 0 and s["start_ms"] == 0
assert all(a["end_ms"] == b["start_ms"] for a, b in zip(ivs, ivs[1:])), "a gap or an overlap"
assert ivs[-1]["end_ms"] == s["end_ms"]
# Ticks come on a 200 ms grid, never early (a late one skips grid points):
# the k-th interval ends at k * 200 ms or later.
assert all(e["end_ms"] >= 200 * k for k, e in enumerate(ivs[:-1], 1)), "an interval ended early"
lengths = [e["end_ms"] - e["start_ms"] for e in ivs[:-1]]
assert all(l > 0 for l in lengths)
assert 150 <= sum(lengths) / len(lengths) <= 400, f"mean length {sum(lengths) / len(lengths):.1f} ms"
# 8 MB at 4 MB/s (less a 200 kB burst) lasts 1.95 s or more.
end = s["end_ms"]
assert end >= 1900, f"8 MB in {end} ms at 4 MB/s"
assert 5 <= len(ivs) <= end / 200 + 1, f"{len(ivs)} intervals in {end} ms"
'
	done
}
