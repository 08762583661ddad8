#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# The middle of a connection on loopback: interval reports (-i) on connect,
# listen and shutdown, the rate limits (--rate, --read-rate), the progress
# line on a pseudo-terminal, and the bad input of all of them.

setup() {
	load helpers/common
	_common_setup
}

teardown() {
	_common_teardown
}

# --- bad input --------------------------------------------------------------------

@test "bad intervals, rates and combinations: one line, exit 2" {
	usage_fails "invalid interval '0': must be greater than zero" connect --interval 0 127.0.0.1 9
	usage_fails "invalid interval '-1s': negative" connect --interval -1s 127.0.0.1 9
	usage_fails "invalid interval '0': must be greater than zero" listen -i 0 0
	usage_fails "invalid interval 'soon': expected a number with an optional unit ms, s, m or h" shutdown -i soon 127.0.0.1 9
	usage_fails "invalid rate '0': must be at least 1 byte a second" connect --rate 0 127.0.0.1 9
	usage_fails "invalid rate 'fast': expected bytes a second, like 500k, 10M or 1G" connect --rate fast 127.0.0.1 9
	usage_fails "invalid read rate '5mbit': unknown unit (use k, M, G, T or Ki, Mi, Gi, Ti)" listen --read-rate 5mbit 0
	usage_fails "connect: -i does not go with -z (use -c N -i DUR to repeat handshakes)" connect -z --interval 1s 127.0.0.1 9
	usage_fails "connect: --progress does not go with --json" connect --progress --json 127.0.0.1 9
	usage_fails "listen: --progress does not go with -q" listen --progress -q 0
}

# --- interval reports ---------------------------------------------------------------

@test "connect -i: interval lines at the asked spacing, then a total, and the data intact" {
	head -c 2000000 /dev/urandom >"$(D data)"
	start_listener l -b 127.0.0.1 -i 0.2s 0
	run --separate-stderr timeout 20 "$TCPTOOL" connect -i 0.2s --rate 2M --half-close 127.0.0.1 "$port" <"$(D data)"
	assert_success
	# About 1 s of sending at 2 MB/s: at least three whole intervals.
	local n
	n=$(grep -c '^interval [0-9.]*-[0-9.]* s: sent ' <<<"$stderr")
	((n >= 3)) || fail "only $n interval lines: $stderr"
	((n <= 40)) || fail "$n interval lines for about a second: $stderr"
	assert_regex "$stderr" $'\ntotal 0.000-[0-9.]+ s: sent 2.00 MB '
	assert_regex "$stderr" 'rtt [0-9.]+ ms \(var [0-9.]+ ms\); cwnd [0-9]+ '
	# The first line starts at 0, each one where the last ended.
	local prev=0.000 start end
	while read -r start end; do
		assert_equal "$start" "$prev"
		prev=$end
	done < <(sed -nE 's/^interval ([0-9.]+)-([0-9.]+) s: .*/\1 \2/p' <<<"$stderr")
	assert_bg_exit l 0
	cmp "$(D data)" "$(D l.out)"
	# The receiver reported intervals too.
	grep -q '^interval 0.000-' "$(D l.err)"
}

@test "--json intervals: valid JSON whose bytes add up to the closing totals" {
	need_tool jq jq
	head -c 1500000 /dev/zero >"$(D data)"
	start_listener l -b 127.0.0.1 0
	run --separate-stderr timeout 20 "$TCPTOOL" connect --json -i 0.1s --rate 3M --half-close 127.0.0.1 "$port" <"$(D data)"
	assert_success
	jq -e . <<<"$stderr" >/dev/null
	local sum total closed
	sum=$(jq -s '[.[] | select(.event == "interval") | .bytes_out] | add' <<<"$stderr")
	total=$(jq -s '.[] | select(.event == "total") | .bytes_out' <<<"$stderr")
	closed=$(jq -s '.[] | select(.event == "closed") | .bytes_out' <<<"$stderr")
	assert_equal "$sum" 1500000
	assert_equal "$total" 1500000
	assert_equal "$closed" 1500000
	# Every interval carries the figures, and the verdict is one of the known ones.
	jq -se 'map(select(.event == "interval")) | length >= 3 and
		all(has("rtt_ms") and has("cwnd") and has("retrans") and has("send_queue")
		    and (.limit | IN("unknown","idle","application","receiver_window",
				     "send_buffer","congestion_window","our_reading")))' <<<"$stderr"
}

@test "-v explains each figure once, before the first interval" {
	start_listener l -b 127.0.0.1 0
	run --separate-stderr timeout 10 "$TCPTOOL" connect -v -i 0.2s --half-close --send hello 127.0.0.1 "$port"
	assert_success
	assert_equal "$(grep -c '^  retransmitted$' <<<"$stderr")" 1
	# The legend comes before the first interval line.
	assert_regex "$stderr" $'  limited by\n.*\n(.*\n)*interval 0.000-'
	assert_regex "$stderr" $'\ntotal 0.000-'
	refute_regex "$stderr" $'interval 0.000-.*\n(.*\n)*  retransmitted\n'
	assert_regex "$stderr" 'congestion window: segments the sender may have'
	assert_regex "$stderr" 'flow control'
}

@test "shutdown -i: intervals while the close is watched, and the total before close()" {
	start_listener l -b 127.0.0.1 0
	run timeout 10 "$TCPTOOL" shutdown -i 0.2s --after 0.5s --send hello 127.0.0.1 "$port"
	assert_success
	assert_regex "$output" 'interval 0.000-0.2[0-9]* s: sent 5 B '
	assert_regex "$output" 'total 0.000-[0-9.]+ s: sent 5 B '
	assert_regex "$output" 'shutdown\(SHUT_WR\)'
}

# --- rate limits ------------------------------------------------------------------------

@test "--rate: the sender keeps to it, and every byte arrives in order" {
	head -c 600000 /dev/urandom >"$(D data)"
	start_listener l -b 127.0.0.1 0
	local t0 t1
	t0=$(date +%s%N)
	run --separate-stderr timeout 20 "$TCPTOOL" connect -q --rate 1M --half-close 127.0.0.1 "$port" <"$(D data)"
	t1=$(date +%s%N)
	assert_success
	assert_bg_exit l 0
	cmp "$(D data)" "$(D l.out)"
	# 600 kB at 1 MB/s cannot take less than 0.55 s (one 50 ms burst ahead).
	(((t1 - t0) / 1000000 >= 500)) || fail "600 kB at --rate 1M took only $(((t1 - t0) / 1000000)) ms"
}

@test "--rate through a pipe (the copying path): the same bytes" {
	head -c 300000 /dev/urandom >"$(D data)"
	start_listener l -b 127.0.0.1 0
	run --separate-stderr timeout 20 bash -c "cat '$(D data)' | '$TCPTOOL' connect -q --rate 2M --half-close 127.0.0.1 $port"
	assert_success
	assert_bg_exit l 0
	cmp "$(D data)" "$(D l.out)"
}

@test "--read-rate: the reader keeps to it, its window closes, and every byte arrives" {
	head -c 400000 /dev/urandom >"$(D data)"
	start_listener l -b 127.0.0.1 --read-rate 400k -i 0.25s --json 0
	local t0 t1
	t0=$(date +%s%N)
	run --separate-stderr timeout 20 "$TCPTOOL" connect -q --half-close 127.0.0.1 "$port" <"$(D data)"
	assert_success
	assert_bg_exit l 0
	t1=$(date +%s%N)
	cmp "$(D data)" "$(D l.out)"
	(((t1 - t0) / 1000000 >= 800)) || fail "400 kB at --read-rate 400k took only $(((t1 - t0) / 1000000)) ms"
	# The receiver saw its own reading as the limit: its window closed on unread bytes.
	grep -q '"limit":"our_reading"' "$(D l.err)"
}

@test "--read-rate into a pipe (the splice path): the same bytes" {
	head -c 300000 /dev/urandom >"$(D data)"
	start_bg l bash -c "'$TCPTOOL' listen -b 127.0.0.1 --read-rate 1M 0 | cat >'$(D piped)'"
	port=$(wait_for_port l)
	run --separate-stderr timeout 20 "$TCPTOOL" connect -q --half-close 127.0.0.1 "$port" <"$(D data)"
	assert_success
	assert_bg_exit l 0
	cmp "$(D data)" "$(D piped)"
}

# --- the progress line ------------------------------------------------------------------

# on_pty CMD: runs CMD with stdin, stdout and stderr on a pseudo-terminal
# (script), its stdout and stderr kept in $(D pty).
on_pty() {
	need_tool script bsdutils
	timeout -k 1 20 script -qec "$1" "$(D pty)" >/dev/null
}

@test "progress on a terminal: redrawn in place, erased before events, never on stdout" {
	head -c 1200000 /dev/zero >"$(D data)"
	start_listener l -b 127.0.0.1 0
	on_pty "'$TCPTOOL' connect --rate 1M --half-close 127.0.0.1 $port <'$(D data)' >'$(D out)'"
	local pty
	pty=$(<"$(D pty)")
	# Drawn several times, in place, with the share of the file sent.
	local draws
	draws=$(grep -o $'\rsent [^\r]*% of 1.20 MB' <<<"$pty" | wc -l)
	((draws >= 3)) || fail "drawn $draws times: $(od -c <<<"$pty" | head -30)"
	# The event after the draws starts on an erased line.
	assert_regex "$pty" $'\r\e\\[Kstdin ended after 1200000 bytes'
	refute_regex "$pty" $'left\e\\[K[a-z]'
	# Nothing of it reached stdout, which held only what the peer sent (nothing).
	assert_equal "$(stat -c %s "$(D out)")" 0
	assert_bg_exit l 0
}

@test "progress: none off a terminal, none with --no-progress, plain lines with --progress" {
	head -c 1200000 /dev/zero >"$(D data)"
	start_listener l -b 127.0.0.1 -k 0
	# stderr to a file: no progress.
	run --separate-stderr timeout 20 "$TCPTOOL" connect --rate 2M --half-close 127.0.0.1 "$port" <"$(D data)"
	assert_success
	refute_regex "$stderr" 'sent [0-9.]+ [kM]?B \('
	# --no-progress on a terminal: none either.
	on_pty "'$TCPTOOL' connect --no-progress --rate 2M --half-close 127.0.0.1 $port <'$(D data)' >/dev/null"
	run grep -c 'sent [0-9.]* [kM]*B (' "$(D pty)"
	assert_output 0
	# --progress off a terminal: a plain line a second, no control characters.
	run --separate-stderr timeout 20 "$TCPTOOL" connect --progress --rate 1M --half-close 127.0.0.1 "$port" <"$(D data)"
	assert_success
	assert_regex "$stderr" $'\nprogress: sent [0-9.]+ [kM]?B \\([0-9.]+ [kM]?B/s\\), received 0 B \\(0 B/s\\), 0:0[0-9], [0-9]+% of 1.20 MB'
	refute_regex "$stderr" $'[\r\e]'
}

@test "progress and the peer's data on one terminal: the data is shown whole" {
	printf 'line one\nline two\n' >"$(D lines)"
	LISTEN_STDIN=$(D lines) start_listener l -b 127.0.0.1 0
	head -c 600000 /dev/zero >"$(D data)"
	on_pty "'$TCPTOOL' connect --rate 1M --half-close 127.0.0.1 $port <'$(D data)'"
	run cat "$(D pty)"
	assert_regex "$output" $'line one\r\nline two\r\n'
}

@test "Ctrl-C during a relay: the last interval, the total and the closed line, then the signal's own end" {
	start_listener l -b 127.0.0.1 0
	start_bg -i /dev/zero c "$TCPTOOL" connect -i 0.2s --rate 200k 127.0.0.1 "$port"
	wait_for_count c.err '^interval ' 2
	kill -INT "$(bg_pid c)"
	local rc=0
	wait_bg c || rc=$?
	# Ended by SIGINT, as the shell reports it: 128 + 2.
	assert_equal "$rc" 130
	run cat "$(D c.err)"
	assert_regex "$output" $'\ntotal 0.000-[0-9.]+ s: sent [0-9.]+ kB '
	assert_regex "$output" $'\nclosed 127.0.0.1:[0-9]+: 0 bytes in, [0-9]+ bytes out in [0-9.]+ m?s; interrupted by a signal$'
	# The listener saw our FIN and every byte we counted.
	assert_bg_exit l 0
	local sent
	sent=$(sed -nE 's/^closed .*: 0 bytes in, ([0-9]+) bytes out .*/\1/p' "$(D c.err)")
	assert_equal "$(stat -c %s "$(D l.out)")" "$sent"
}
