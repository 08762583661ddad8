#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# Measuring on loopback: --load SIZE|DUR sends the test pattern, --discard
# drops what arrives, --verify checks it; the measured line and event after
# closed; both directions, exact byte counts, a changed byte found at its
# offset, nc and Python peers on the other end, resets in the middle, the
# bad input, and memory that stays small whatever the load.

setup() {
	load helpers/common
	_common_setup
}

teardown() {
	_common_teardown
}

# ev FILE EVENT KEY: the KEY of the (last) EVENT in a --json FILE.
ev() {
	jq -r --arg e "$2" "select(.event == \$e) | .$3" "$1" | tail -1
}

# capture_pattern FILE SIZE: what "connect --load SIZE" sends, as a plain
# listen writes it to FILE.
capture_pattern() {
	start_listener cap -b 127.0.0.1 0
	run -0 --separate-stderr tt connect -q --load "$2" 127.0.0.1 "$port"
	assert_bg_exit cap 0
	mv "$(D cap.out)" "$1"
}

# A peer that sends N bytes, waits until its send queue is empty (every byte
# is at the other end), then resets (SO_LINGER 0) and prints "sent N".
SEND_RST_PY='
import fcntl, socket, struct, sys, termios, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
n = int(sys.argv[3])
s.sendall(b"z" * n)
for _ in range(1000):
    if struct.unpack("i", fcntl.ioctl(s.fileno(), termios.TIOCOUTQ, b"\0" * 4))[0] == 0:
        break
    time.sleep(0.01)
else:
    sys.exit("the send queue never emptied")
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
print("sent %d" % n, flush=True)
'

# The human measured line: the time, the bytes one way, both rates, the
# retransmissions and the CPU time (the share a GiB from 1 MiB on).
MEASURED_RE='^measured over [0-9.]+ m?s: (sent|received) [0-9.]+ [kMGT]?B \([0-9.]+ [kMGT]?B/s, [0-9.]+ [kMGT]?bit/s\); [0-9]+ segments? retransmitted; CPU [0-9.]+ m?s user \+ [0-9.]+ m?s sys'

# --- exact byte counts ------------------------------------------------------------------

@test "connect --load 5Mi into listen --discard: 5242880 bytes on both closed and measured lines" {
	start_listener l -b 127.0.0.1 --discard 0
	run -0 --separate-stderr tt connect --load 5Mi 127.0.0.1 "$port"
	assert_equal "$output" ""
	assert_regex "$stderr" $'\n--load sent its 5242880 bytes: sent FIN'

	local c_closed c_measured
	c_closed=$(grep -n '^closed ' <<<"$stderr") || fail "no closed line: $stderr"
	c_measured=$(grep -n '^measured ' <<<"$stderr") || fail "no measured line: $stderr"
	assert_regex "${c_closed#*:}" "^closed 127\.0\.0\.1:$port: 0 bytes in, 5242880 bytes out in [0-9.]+ m?s; we closed first \(FIN\)\$"
	assert_regex "${c_measured#*:}" "$MEASURED_RE"
	assert_regex "${c_measured#*:}" '^measured over [0-9.]+ m?s: sent 5.24 MB .*, [0-9.]+ m?s a GiB$'
	# The measured line follows the closed one.
	assert_equal "${c_measured%%:*}" $((${c_closed%%:*} + 1))
	assert_bg_exit l 0
	# The listener wrote nothing: it dropped the bytes, and counted them.
	assert_equal "$(stat -c %s "$(D l.out)")" 0
	run -0 grep -A1 '^closed ' "$(D l.err)"
	assert_line -n 0 --regexp '^closed 127\.0\.0\.1:[0-9]+: 5242880 bytes in, 0 bytes out in [0-9.]+ m?s; the peer closed first$'
	assert_line -n 1 --regexp "$MEASURED_RE"
	assert_line -n 1 --regexp '^measured over [0-9.]+ m?s: received 5.24 MB '
}

@test "the same in JSON: closed and measured both count 5242880 bytes, each side its way" {
	need_tool jq jq
	start_listener l --json -b 127.0.0.1 --discard 0
	tt connect --json --load 5Mi 127.0.0.1 "$port" 2>"$(D c.err)" || fail "exit $?: $(cat "$(D c.err)")"
	assert_bg_exit l 0
	assert_equal "$(ev "$(D c.err)" closed bytes_out)" 5242880
	assert_equal "$(ev "$(D c.err)" measured bytes_out)" 5242880
	assert_equal "$(ev "$(D c.err)" measured bytes_in)" 0
	assert_equal "$(ev "$(D l.err)" closed bytes_in)" 5242880
	assert_equal "$(ev "$(D l.err)" measured bytes_in)" 5242880
	assert_equal "$(ev "$(D l.err)" measured bytes_out)" 0
	assert_equal "$(ev "$(D l.err)" closed end)" fin
	# measured is the event right after closed, on both sides.
	assert_equal "$(jq -sr 'map(.event) | .[-2:] | join(" ")' "$(D c.err)")" "closed measured"
	assert_equal "$(jq -sr 'map(.event) | .[-2:] | join(" ")' "$(D l.err)")" "closed measured"
}

@test "listen --load 3M into connect --discard: the other direction, 3000000 bytes" {
	need_tool jq jq
	start_listener l --json -b 127.0.0.1 --load 3M 0
	tt connect --json --discard 127.0.0.1 "$port" </dev/null >"$(D c.out)" 2>"$(D c.err)" ||
		fail "exit $?: $(cat "$(D c.err)")"
	assert_bg_exit l 0
	assert_equal "$(stat -c %s "$(D c.out)")" 0
	assert_equal "$(ev "$(D l.err)" closed bytes_out)" 3000000
	assert_equal "$(ev "$(D l.err)" measured bytes_out)" 3000000
	assert_equal "$(ev "$(D c.err)" closed bytes_in)" 3000000
	assert_equal "$(ev "$(D c.err)" measured bytes_in)" 3000000
	assert_equal "$(ev "$(D c.err)" measured bytes_out)" 0
}

@test "listen --load 3M, human lines: the sink's closed and measured lines say 3000000 bytes" {
	start_listener l -b 127.0.0.1 --load 3M 0
	run -0 --separate-stderr tt connect --discard 127.0.0.1 "$port" </dev/null
	assert_equal "$output" ""
	assert_regex "$stderr" $'\nclosed 127\\.0\\.0\\.1:[0-9]+: 3000000 bytes in, 0 bytes out in [0-9.]+ m?s; [^\n]*\nmeasured over [0-9.]+ m?s: received 3.00 MB '
	assert_bg_exit l 0
	grep -qE '^closed .*: 0 bytes in, 3000000 bytes out in ' "$(D l.err)" || fail "$(show l)"
	grep -qE '^measured over [0-9.]+ m?s: sent 3.00 MB ' "$(D l.err)" || fail "$(show l)"
}

@test "connect --load 1s: the receiver gets every byte the sender counts, over about a second" {
	need_tool jq jq
	start_listener l --json -b 127.0.0.1 --discard 0
	tt connect --json --load 1s 127.0.0.1 "$port" 2>"$(D c.err)" || fail "exit $?: $(cat "$(D c.err)")"
	assert_bg_exit l 0
	local out in ms
	out=$(ev "$(D c.err)" measured bytes_out)
	in=$(ev "$(D l.err)" measured bytes_in)
	ms=$(ev "$(D c.err)" measured duration_ms)
	((out > 0)) || fail "sent $out bytes in a second"
	assert_equal "$in" "$out"
	assert_equal "$(ev "$(D l.err)" closed bytes_in)" "$out"
	assert_equal "$(ev "$(D c.err)" closed bytes_out)" "$out"
	# Loose: the load stops after 1 s, and the FINs take a moment more.
	((${ms%.*} >= 900 && ${ms%.*} <= 5000)) || fail "measured over $ms ms for --load 1s"
}

@test "--load units: k, M, G are powers of 1000, Ki, Mi, Gi of 1024; m is minutes, ms milliseconds" {
	need_tool jq jq
	start_listener l -k --json -b 127.0.0.1 --discard 0
	local size want n=0
	for size in 1k:1000 3Ki:3072 4096:4096 2M:2000000 64Mi:67108864; do
		want=${size#*:}
		run -0 --separate-stderr tt connect --json --load "${size%%:*}" 127.0.0.1 "$port"
		assert_equal "$(jq -r 'select(.event == "measured") | .bytes_out' <<<"$stderr")" "$want"
		n=$((n + 1))
		wait_for_count l.err '"event":"measured"' "$n"
		assert_equal "$(grep '"event":"measured"' "$(D l.err)" | tail -1 | jq .bytes_in)" "$want"
	done
	# 500ms: a duration.
	run -0 --separate-stderr tt connect --json --load 500ms 127.0.0.1 "$port"
	local ms
	ms=$(jq -r 'select(.event == "measured") | .duration_ms' <<<"$stderr")
	((${ms%.*} >= 450 && ${ms%.*} <= 5000)) || fail "--load 500ms measured over $ms ms"
	# 2m: two minutes, not 2 MB, which would be over in a moment.
	start_bg c "$TCPTOOL" connect -q --load 2m 127.0.0.1 "$port"
	sleep 1
	bg_running c || fail "connect --load 2m ended within a second: $(show c)"
}

@test "listen -k --load: each client gets the whole load, from the pattern's start" {
	start_listener l -k -b 127.0.0.1 --load 1000003 0
	for _ in 1 2 3; do
		run -0 --separate-stderr tt connect --verify 127.0.0.1 "$port" </dev/null
		assert_regex "$stderr" $'\nclosed [^\n]*: 1000003 bytes in, 0 bytes out in '
		assert_regex "$stderr" $'\nmeasured over [0-9.]+ m?s: received 1.00 MB '
	done
	wait_for_count l.err '^measured over [0-9.]+ m?s: sent 1.00 MB ' 3
	assert_equal "$(grep -c ': 0 bytes in, 1000003 bytes out in ' "$(D l.err)")" 3
}

# --- the pattern and --verify -----------------------------------------------------------

@test "the pattern: it repeats every 4 MiB, and no two 8-byte words of a period are alike" {
	capture_pattern "$(D pat)" 4198403
	assert_equal "$(stat -c %s "$(D pat)")" 4198403
	python3 - "$(D pat)" <<'EOF'
import sys
b = open(sys.argv[1], "rb").read()
P = 4 << 20
assert b[P:] == b[:len(b) - P], "the second period differs from the first"
words = {b[i:i + 8] for i in range(0, P, 8)}
assert len(words) == P // 8, "only %d distinct words in a period" % len(words)
EOF
	# The same every time.
	capture_pattern "$(D pat2)" 1000
	cmp "$(D pat2)" <(head -c 1000 "$(D pat)")
}

@test "--verify: a clean transfer passes, whole words and periods or not" {
	need_tool jq jq
	local size
	for size in 9437191 8 1 4194304 4194305; do
		start_listener "l$size" --json -b 127.0.0.1 --verify 0
		run -0 --separate-stderr tt connect -q --load "$size" 127.0.0.1 "$port"
		assert_bg_exit "l$size" 0
		assert_equal "$(ev "$(D "l$size.err")" closed bytes_in)" "$size"
		assert_equal "$(ev "$(D "l$size.err")" measured bytes_in)" "$size"
		assert_equal "$(ev "$(D "l$size.err")" closed end)" fin
		refute grep -q '"error"' "$(D "l$size.err")"
	done
}

@test "--verify on connect: listen --load into connect --verify passes" {
	start_listener l -b 127.0.0.1 --load 5Mi 0
	run -0 --separate-stderr tt connect --verify 127.0.0.1 "$port" </dev/null
	assert_equal "$output" ""
	assert_regex "$stderr" $'\nclosed [^\n]*: 5242880 bytes in, 0 bytes out in '
	assert_bg_exit l 0
}

@test "--verify names the offset of a changed byte, closes, and exits 1" {
	need_tool jq jq
	capture_pattern "$(D pat)" 1Mi
	python3 - "$(D pat)" "$(D bad)" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[777777] ^= 0x40
open(sys.argv[2], "wb").write(b)
EOF
	# Human.
	start_listener l -b 127.0.0.1 --verify 0
	# The sender may see the reset the listener leaves it (1) or not (0).
	timeout -k 1 "$T_MAX" "$TCPTOOL" connect -q --half-close 127.0.0.1 "$port" <"$(D bad)" 2>"$(D c.err)" ||
		(($? == 1)) || fail "connect: $(cat "$(D c.err)")"
	assert_bg_exit l 1
	run -0 cat "$(D l.err)"
	assert_line 'tcptool: --verify: the byte at offset 777777 differs from the pattern --load sends'
	assert_line --regexp '^closed 127\.0\.0\.1:[0-9]+: 777777 bytes in, 0 bytes out in [0-9.]+ m?s; closed by us: the data differed from the pattern$'
	assert_line --regexp '^measured over [0-9.]+ m?s: received 778 kB '
	assert_equal "$(grep -c '^tcptool: ' "$(D l.err)")" 1
	# JSON.
	start_listener j --json -b 127.0.0.1 --verify 0
	timeout -k 1 "$T_MAX" "$TCPTOOL" connect -q --half-close 127.0.0.1 "$port" <"$(D bad)" 2>"$(D c.err)" ||
		(($? == 1)) || fail "connect: $(cat "$(D c.err)")"
	assert_bg_exit j 1
	assert_equal "$(ev "$(D j.err)" closed bytes_in)" 777777
	assert_equal "$(ev "$(D j.err)" closed end)" verify
	assert_equal "$(ev "$(D j.err)" measured bytes_in)" 777777
	assert_equal "$(ev "$(D j.err)" error message)" \
		'--verify: the byte at offset 777777 differs from the pattern --load sends'
	# The untouched pattern, sent the same way, passes.
	start_listener ok -b 127.0.0.1 --verify 0
	run -0 --separate-stderr tt connect -q --half-close 127.0.0.1 "$port" <"$(D pat)"
	assert_bg_exit ok 0
}

@test "--verify: a byte missing at the start shows at offset 0" {
	capture_pattern "$(D pat)" 100000
	start_listener l -b 127.0.0.1 --verify 0
	tail -c +2 "$(D pat)" >"$(D short)"
	timeout -k 1 "$T_MAX" "$TCPTOOL" connect -q --half-close 127.0.0.1 "$port" <"$(D short)" 2>/dev/null || true
	assert_bg_exit l 1
	grep -qx 'tcptool: --verify: the byte at offset 0 differs from the pattern --load sends' "$(D l.err)" ||
		fail "$(show l)"
}

# --- other programs on the other end ------------------------------------------------------

@test "connect --load 2M into OpenBSD nc -l: nc gets 2000000 bytes" {
	need_openbsd_nc
	port=$(free_port)
	start_bg n bash -c '"$0" -l 127.0.0.1 "$1" | wc -c' "$NC" "$port"
	wait_for_listen "$port"
	run -0 --separate-stderr tt connect --load 2M 127.0.0.1 "$port"
	assert_regex "$stderr" $'\nclosed 127\\.0\\.0\\.1:'"$port"$': 0 bytes in, 2000000 bytes out in [0-9.]+ m?s; we closed first \\(FIN\\)\nmeasured over '
	assert_bg_exit n 0
	assert_equal "$(tr -d ' ' <"$(D n.out)")" 2000000
}

@test "connect --load 2M into a Python sink: 2000000 bytes, the same pattern as tcptool receives" {
	capture_pattern "$(D pat)" 2M
	start_bg s python3 "$PEER" sink-server
	port=$(wait_for_port s)
	run -0 --separate-stderr tt connect --load 2M 127.0.0.1 "$port"
	assert_bg_exit s 0
	assert_equal "$(cat "$(D s.out)")" "2000000 $(sha256sum <"$(D pat)" | cut -d' ' -f1)"
}

@test "nc -N sends a file into listen --discard: bytes_in exact" {
	need_openbsd_nc
	need_tool jq jq
	local data
	data=$(big_file data 3000017)
	start_listener l --json -b 127.0.0.1 --discard 0
	run -0 timeout "$T_MAX" "$NC" -N 127.0.0.1 "$port" <"$data"
	assert_bg_exit l 0
	assert_equal "$(ev "$(D l.err)" closed bytes_in)" 3000017
	assert_equal "$(ev "$(D l.err)" measured bytes_in)" 3000017
	assert_equal "$(stat -c %s "$(D l.out)")" 0
}

@test "nc -N sends the captured pattern into listen --verify: it passes" {
	need_openbsd_nc
	capture_pattern "$(D pat)" 5000003
	start_listener l -b 127.0.0.1 --verify 0
	run -0 timeout "$T_MAX" "$NC" -N 127.0.0.1 "$port" <"$(D pat)"
	assert_bg_exit l 0
	grep -qE '^closed .*: 5000003 bytes in, ' "$(D l.err)" || fail "$(show l)"
}

@test "a Python client's file into listen --discard: bytes_in exact" {
	local data
	data=$(big_file data 3000017)
	start_listener l -b 127.0.0.1 --discard 0
	run -0 timeout "$T_MAX" python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(open(sys.argv[2], "rb").read())
s.shutdown(socket.SHUT_WR)
assert s.recv(1) == b""
s.close()' "$port" "$data"
	assert_bg_exit l 0
	grep -qE '^closed .*: 3000017 bytes in, 0 bytes out in .*; the peer closed first$' "$(D l.err)" || fail "$(show l)"
	grep -qE '^measured over [0-9.]+ m?s: received 3.00 MB ' "$(D l.err)" || fail "$(show l)"
}

# --- the JSON event -------------------------------------------------------------------------

@test "measured in JSON: its keys, all numbers, bits 8 times the bytes, rates and CPU that add up" {
	need_tool jq jq
	start_listener l --json -b 127.0.0.1 --discard 0
	tt connect --json --load 64Mi 127.0.0.1 "$port" 2>"$(D c.err)" || fail "exit $?: $(cat "$(D c.err)")"
	assert_bg_exit l 0
	local f
	for f in "$(D c.err)" "$(D l.err)"; do
		jq -e . "$f" >/dev/null || fail "not JSON: $(cat "$f")"
		jq -se 'map(select(.event == "measured")) | length == 1' "$f" >/dev/null || fail "$(cat "$f")"
		jq -e 'select(.event == "measured") | . as $m |
			(keys == (["event", "t", "bytes_out", "bytes_in", "duration_ms", "out_bytes_per_s",
				   "in_bytes_per_s", "out_bits_per_s", "in_bits_per_s", "retrans_total",
				   "cpu_user_ms", "cpu_sys_ms", "cpu_ms_per_gib"] | sort))
			and (del(.event) | to_entries | all(.value | type == "number" and . >= 0))
			and (($m.out_bits_per_s - 8 * $m.out_bytes_per_s) | fabs <= 8)
			and (($m.in_bits_per_s - 8 * $m.in_bytes_per_s) | fabs <= 8)
			and (($m.out_bytes_per_s - $m.bytes_out * 1000 / $m.duration_ms) | fabs <= 0.01 * $m.out_bytes_per_s + 1)
			and (($m.in_bytes_per_s - $m.bytes_in * 1000 / $m.duration_ms) | fabs <= 0.01 * $m.in_bytes_per_s + 1)
			and (($m.cpu_ms_per_gib * ($m.bytes_in + $m.bytes_out) / 1073741824 - $m.cpu_user_ms - $m.cpu_sys_ms)
			     | fabs <= 0.01 * ($m.cpu_user_ms + $m.cpu_sys_ms) + 0.002)' "$f" >/dev/null ||
			fail "measured event wrong: $(grep '"measured"' "$f")"
	done
	assert_equal "$(ev "$(D c.err)" measured bytes_out)" 67108864
	assert_equal "$(ev "$(D l.err)" measured bytes_in)" 67108864
	# The relay's time: the same as the closed event's.
	assert_equal "$(ev "$(D c.err)" measured duration_ms)" "$(ev "$(D c.err)" closed duration_ms)"
	assert_equal "$(ev "$(D l.err)" measured duration_ms)" "$(ev "$(D l.err)" closed duration_ms)"
}

# --- resets and exit statuses ----------------------------------------------------------------

@test "a peer that reads 1 MB of a --load 1G and resets: exit 1, the measured line still there" {
	need_tool jq jq
	start_bg s python3 "$PEER" rst-server 0 1000000
	port=$(wait_for_port s)
	run -1 --separate-stderr tt connect --load 1G 127.0.0.1 "$port"
	assert_regex "$stderr" $'\nclosed 127\\.0\\.0\\.1:[0-9]+: 0 bytes in, [1-9][0-9]* bytes out in [0-9.]+ m?s; reset by the peer \\(RST\\)\nmeasured over [0-9.]+ m?s: sent '
	assert_regex "$stderr" $'\ntcptool: connection broke: '
	assert_bg_exit s 0
	# In JSON: at least what the peer read was written, far from the whole
	# load; measured counts what the peer acknowledged before its RST (its
	# last ACKs may not have come), so no more than was written.
	start_bg s2 python3 "$PEER" rst-server 0 1000000
	port=$(wait_for_port s2)
	run -1 --separate-stderr tt connect --json --load 1G 127.0.0.1 "$port"
	assert_bg_exit s2 0
	local out written
	out=$(jq -r 'select(.event == "measured") | .bytes_out' <<<"$stderr")
	written=$(jq -r 'select(.event == "closed") | .bytes_out' <<<"$stderr")
	((written >= 1000000 && written < 1000000000)) || fail "closed bytes_out '$written': $stderr"
	((out > 0 && out <= written)) || fail "measured bytes_out '$out': $stderr"
	assert_equal "$(jq -r 'select(.event == "closed") | .end' <<<"$stderr")" reset
}

@test "listen --discard whose client sends 3000001 bytes and resets: those bytes counted, exit 1" {
	need_tool jq jq
	start_listener l --json -b 127.0.0.1 --discard 0
	run -0 timeout "$T_MAX" python3 -c "$SEND_RST_PY" 127.0.0.1 "$port" 3000001
	assert_output "sent 3000001"
	assert_bg_exit l 1
	assert_equal "$(ev "$(D l.err)" closed bytes_in)" 3000001
	assert_equal "$(ev "$(D l.err)" closed end)" reset
	assert_equal "$(ev "$(D l.err)" measured bytes_in)" 3000001
	# Human, with the bytes still unread at the reset (the reader is slowed
	# down): they count too.
	start_listener h -b 127.0.0.1 --discard --read-rate 1M 0
	run -0 timeout "$T_MAX" python3 -c "$SEND_RST_PY" 127.0.0.1 "$port" 500000
	assert_bg_exit h 1
	run -0 grep -A1 '^closed ' "$(D h.err)"
	assert_line -n 0 --regexp '^closed 127\.0\.0\.1:[0-9]+: 500000 bytes in, 0 bytes out in [0-9.]+ m?s; reset by the peer \(RST\)$'
	assert_line -n 1 --regexp '^measured over [0-9.]+ m?s: received 500 kB '
}

# --- bad input --------------------------------------------------------------------------

@test "bad loads and combinations: one line, the Try line, exit 2" {
	usage_fails "invalid load '0': must be at least 1 byte" connect --load 0 127.0.0.1 9
	usage_fails "invalid load '0': must be at least 1 byte" listen --load 0 0
	usage_fails "invalid load '0s': must be longer than zero" connect --load 0s 127.0.0.1 9
	usage_fails "invalid load '0ms': must be longer than zero" listen --load 0ms 0
	usage_fails "invalid load '-1': negative" connect --load -1 127.0.0.1 9
	usage_fails "invalid load '': expected a size (10G, 512M) or a duration (10s)" connect --load '' 127.0.0.1 9
	usage_fails "connect: --load and --send exclude each other: both say what to send" connect --load 1M --send hi 127.0.0.1 9
	usage_fails "connect: --verify checks what --discard drops unseen: use one of them" connect --discard --verify 127.0.0.1 9
	usage_fails "listen: --verify checks what --discard drops unseen: use one of them" listen --discard --verify 0
	usage_fails "connect: --load does nothing with -z, which sends no data" connect -z --load 1M 127.0.0.1 9
	usage_fails "connect: --discard does nothing with -c, which sends no data" connect -c 2 --discard 127.0.0.1 9
	usage_fails "connect: --verify does nothing with -z, which sends no data" connect -z --verify 127.0.0.1 9
	# An unknown unit: the message's wording of the units may change.
	local a
	for a in 5x 2M5 10sec; do
		run -2 --separate-stderr timeout 5 "$TCPTOOL" connect --load "$a" 127.0.0.1 9
		assert_equal "$output" ""
		assert_regex "${stderr_lines[0]}" "^tcptool: invalid load '$a': "
		assert_equal "${#stderr_lines[@]}" 2
	done
	run -2 --separate-stderr timeout 5 "$TCPTOOL" connect --load 99999999999999999999 127.0.0.1 9
	assert_equal "${stderr_lines[0]}" "tcptool: invalid load '99999999999999999999': too large"
}

# --- memory ---------------------------------------------------------------------------------

# peak_rss NAME CMD...: start_bg NAME CMD, with the process's peak resident
# memory in KiB written to $(D NAME.rss) when it ends: GNU time's maximum
# resident set size where it is installed, else VmHWM read every 10 ms.
peak_rss_bg() {
	local name=$1
	shift
	if /usr/bin/time --version 2>&1 | grep -q 'GNU'; then
		start_bg "$name" /usr/bin/time -o "$(D "$name.rss")" -f %M "$@"
	else
		start_bg "$name" bash -c '"$@" & p=$!
			while [[ -r /proc/$p/status ]]; do
				h=$(awk "/^VmHWM:/ { print \$2 }" /proc/$p/status 2>/dev/null)
				[[ -n $h ]] && echo "$h" >"$0.tmp" && mv "$0.tmp" "$0"
				sleep 0.01
			done
			wait $p' "$(D "$name.rss")" "$@"
	fi
}

@test "memory: connect --load 2G into listen --discard, each end under 8 MiB at its peak" {
	skip_under_valgrind "valgrind's own memory is counted"
	grep -qa __asan_init "$TCPTOOL" && skip "a sanitizer build: its shadow memory is counted"
	peak_rss_bg l "$TCPTOOL" listen -b 127.0.0.1 --discard 0
	port=$(wait_for_port l)
	peak_rss_bg c "$TCPTOOL" connect -q --load 2G 127.0.0.1 "$port"
	assert_bg_exit c 0 600
	assert_bg_exit l 0 100
	grep -q ': 2000000000 bytes in, ' "$(D l.err)" || fail "$(show l)"
	local n kib
	for n in l c; do
		kib=$(tail -1 "$(D "$n.rss")")
		[[ $kib =~ ^[0-9]+$ ]] || fail "no peak RSS for $n: '$kib'"
		((kib < 8192)) || fail "$n peaked at $kib KiB"
	done
}

@test "memory: listen --verify of a 1G load stays under 8 MiB too" {
	skip_under_valgrind "valgrind's own memory is counted"
	grep -qa __asan_init "$TCPTOOL" && skip "a sanitizer build: its shadow memory is counted"
	peak_rss_bg l "$TCPTOOL" listen -b 127.0.0.1 --verify 0
	port=$(wait_for_port l)
	run -0 --separate-stderr timeout 60 "$TCPTOOL" connect -q --load 1G 127.0.0.1 "$port"
	assert_bg_exit l 0 300
	local kib
	kib=$(tail -1 "$(D l.rss)")
	[[ $kib =~ ^[0-9]+$ ]] || fail "no peak RSS: '$kib'"
	((kib < 8192)) || fail "listen --verify peaked at $kib KiB"
}
