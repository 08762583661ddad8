#!/usr/bin/env bats
# The pure functions on fixed inputs: one group per source file, the group
# X in tests/unit/test_X.c testing src/.../X.c; build/unit X runs it.

setup() {
	load helpers/common
	_common_setup
	: "${TCPTOOL_UNIT:=$ROOT/build/unit}"
	[[ -x $TCPTOOL_UNIT ]] || fail "no unit test binary at '$TCPTOOL_UNIT' (run make build/unit)"
}

@test "unit: args.c: connect -z/-c port sets (ranges, lists, services, errors), --state lists, args_parse twice" {
	run -0 "$TCPTOOL_UNIT" args
}

@test "unit: info_format.c: info's table, detail lines, JSON, explained rows and data bytes" {
	run -0 "$TCPTOOL_UNIT" info_format
}

@test "unit: trace_format.c: --trace's segments as lines and JSON: relative numbers, retransmissions, the end of a connection" {
	run -0 "$TCPTOOL_UNIT" trace_format
}

@test "unit: ladder.c: --ladder's pictures whole: handshake, folded transfer, every way to close, RST, refused, SYN again, kernel states, ASCII, 80 columns" {
	run -0 "$TCPTOOL_UNIT" ladder
}

@test "unit: probe.c: what connect's errno means for a probe, and the results' names" {
	run -0 "$TCPTOOL_UNIT" probe
}

@test "unit: probe_stats.c: connect -c's ping-style statistics: counts by result, min/avg/max/mdev" {
	run -0 "$TCPTOOL_UNIT" probe_stats
}

@test "unit: segment.c: --trace's frame decoder: link types, IPv4/IPv6 and extension headers, options, fragments, every cut" {
	run -0 "$TCPTOOL_UNIT" segment
}

@test "unit: tcp_state.c: TCP state names, in either case and with - or _" {
	run -0 "$TCPTOOL_UNIT" tcp_state
}

@test "unit: kernel_settings.c: kernel settings explained, read from a sysctl tree of our own" {
	run -0 "$TCPTOOL_UNIT" kernel_settings
}

@test "unit: procnet.c: /proc/net/tcp and tcp6 lines: sockets, TIME_WAIT's timer, lines that are no sockets" {
	run -0 "$TCPTOOL_UNIT" procnet
}

@test "unit: sockdiag.c: sock_diag parser on valid, truncated, malformed and random messages" {
	run -0 "$TCPTOOL_UNIT" sockdiag
}

@test "unit: diag_bytecode.c: the --port filter's inet_diag program passes the kernel's audit and picks either end's port" {
	run -0 "$TCPTOOL_UNIT" diag_bytecode
}

@test "unit: owners.c: a socket's process from /proc, and the cache that looks again only for a new inode" {
	run -0 "$TCPTOOL_UNIT" owners
}

@test "unit: format.c: byte counts in B, KiB, MiB and TiB, and time spans" {
	run -0 "$TCPTOOL_UNIT" format
}

@test "unit: sockdiff.c: two readings of the socket list paired by names and inode: kept, new, closed" {
	run -0 "$TCPTOOL_UNIT" sockdiff
}

@test "unit: watch_report.c: info --watch's header lines, socket labels, closed sockets' totals and the idle sockets' line" {
	run -0 "$TCPTOOL_UNIT" watch_report
}

@test "unit: info_watch.c: who opened a connection, from its byte counters; a listed socket as an interval sample" {
	run -0 "$TCPTOOL_UNIT" info_watch
}

@test "unit: interval.c: rates, in-flight bytes and the verdict on what limited the sender, from two samples" {
	run -0 "$TCPTOOL_UNIT" interval
}

@test "unit: rate_limit.c: the token bucket of --rate and --read-rate keeps to its rate and bursts" {
	run -0 "$TCPTOOL_UNIT" rate_limit
}

@test "unit: progress.c: the progress line's text, with the share sent and the time left" {
	run -0 "$TCPTOOL_UNIT" progress
}

@test "unit: textbuf.c: appending to a buffer that may be too small, counting what did not fit" {
	run -0 "$TCPTOOL_UNIT" textbuf
}

@test "unit: pattern.c: the --load pattern at any offset, a flipped byte found where it is, the memory file" {
	run -0 "$TCPTOOL_UNIT" pattern
}

@test "unit: measure_report.c: the measured line, one way, the other and both" {
	run -0 "$TCPTOOL_UNIT" measure_report
}

@test "unit: conn_table.c: a capture's segments grouped into connections: opener, bytes once each, handshake, how each ended, a pair of ends used again" {
	run -0 "$TCPTOOL_UNIT" conn_table
}

@test "unit: trace_file.c: tcptool trace's connection lines and the connection event's fields" {
	run -0 "$TCPTOOL_UNIT" trace_file
}

@test "unit: sockopt.c: -O's parser (values, comma lists, errors), setting and reading back on a socket, the events' texts and refusals" {
	run -0 "$TCPTOOL_UNIT" sockopt
}

@test "unit: every group of the runner has a test here; every tests/unit/test_X.c is group X, of a src/.../X.c" {
	run -0 "$TCPTOOL_UNIT"
	local g f x
	for g in "${lines[@]}"; do
		grep -q "\"\$TCPTOOL_UNIT\" $g\$" "$BATS_TEST_FILENAME" || fail "group '$g' is never run"
	done
	for f in "$ROOT"/tests/unit/test_*.c; do
		x=$(basename "$f" .c)
		x=${x#test_}
		[[ " ${lines[*]} " == *" $x "* ]] || fail "$f: the runner has no group '$x'"
		compgen -G "$ROOT/src/$x.c" >/dev/null || compgen -G "$ROOT/src/*/$x.c" >/dev/null ||
			fail "$f: no src/$x.c or src/*/$x.c to test"
	done
}
