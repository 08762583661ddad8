#!/usr/bin/env bats
# The pure functions on fixed inputs (tests/unit/*.c): formatters, the
# sock_diag and /proc/net/tcp parsers, command-line value parsers.

setup() {
	load helpers/common
	_common_setup
	: "${TCPTOOL_UNIT:=$ROOT/build/unit}"
	[[ -x $TCPTOOL_UNIT ]] || fail "no unit test binary at '$TCPTOOL_UNIT' (run make build/unit)"
}

@test "unit: command-line value parsers (states)" {
	run -0 "$TCPTOOL_UNIT" parsers
}

@test "unit: sock_diag parser on valid, truncated, malformed and random messages; /proc/net/tcp lines" {
	run -0 "$TCPTOOL_UNIT" sockdiag
}

@test "unit: info's table, detail lines, JSON and explained rows" {
	run -0 "$TCPTOOL_UNIT" info_format
}

@test "unit: kernel settings explained, read from a sysctl tree of our own" {
	run -0 "$TCPTOOL_UNIT" kernel_settings
}

@test "unit: connect -z/-c port sets (ranges, lists, services, errors), probe results and ping-style statistics" {
	run -0 "$TCPTOOL_UNIT" probe
}

@test "unit: --trace's frame decoder: link types, IPv4/IPv6 and extension headers, options, fragments, every cut" {
	run -0 "$TCPTOOL_UNIT" segment
}

@test "unit: --trace's segments as lines and JSON: relative numbers, retransmissions, the end of a connection" {
	run -0 "$TCPTOOL_UNIT" trace_format
}

@test "unit: every group of the runner has a test here" {
	run -0 "$TCPTOOL_UNIT"
	local g
	for g in "${lines[@]}"; do
		grep -q "\"\$TCPTOOL_UNIT\" $g\$" "$BATS_TEST_FILENAME" || fail "group '$g' is never run"
	done
}
