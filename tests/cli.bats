#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# The command line of tcptool: help, version, usage errors and the exact
# messages for invalid values, common options before and after COMMAND.
# Only the tests at the end open sockets (loopback, or a fresh network
# namespace).

setup() {
	load helpers/common
	_common_setup
}

teardown() {
	_common_teardown
}

# assert_usage CMD MESSAGE: the last `run` was a usage error of CMD (empty
# for the top level): status 2, nothing on stdout, and on stderr exactly
# "tcptool: MESSAGE" and the hint.
assert_usage() {
	local hint="Try 'tcptool --help' for more information."
	[[ -n $1 ]] && hint="Try 'tcptool $1 --help' for more information."
	assert_equal "$status" 2
	assert_equal "$output" ""
	assert_equal "$stderr" "tcptool: $2"$'\n'"$hint"
}

# --- help and version -------------------------------------------------------

@test "--help prints the usage and every command to stdout, exit 0" {
	run -0 --separate-stderr "$TCPTOOL" --help
	assert_equal "$stderr" ""
	assert_line --index 0 --regexp '^Usage: tcptool '
	assert_line --regexp '^  listen +'
	assert_line --regexp '^  connect +'
	assert_output --partial 'Exit status'
}

@test "-h is --help" {
	run -0 --separate-stderr "$TCPTOOL" --help
	assert_line --index 0 --regexp '^Usage: tcptool '
	local long=$output
	run -0 --separate-stderr "$TCPTOOL" -h
	assert_equal "$stderr" ""
	assert_equal "$output" "$long"
}

@test "help without a command is --help" {
	run -0 --separate-stderr "$TCPTOOL" --help
	assert_line --index 0 --regexp '^Usage: tcptool '
	local long=$output
	run -0 --separate-stderr "$TCPTOOL" help
	assert_equal "$stderr" ""
	assert_equal "$output" "$long"
}

@test "--version prints 'tcptool VERSION' and the capture library to stdout, exit 0" {
	run -0 --separate-stderr "$TCPTOOL" --version
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 --regexp '^tcptool [0-9]+\.[0-9]+\.[0-9]+$'
	assert_line --index 1 --regexp '^capture: (libpcap version [0-9]|none \(built without libpcap\))'
}

@test "help COMMAND, COMMAND --help and COMMAND -h print the same command help" {
	local cmd
	for cmd in listen connect; do
		run -0 --separate-stderr "$TCPTOOL" help "$cmd"
		assert_equal "$stderr" ""
		assert_line --index 0 --partial "Usage: tcptool $cmd "
		local via_help=$output
		run -0 --separate-stderr "$TCPTOOL" "$cmd" --help
		assert_equal "$stderr" ""
		assert_equal "$output" "$via_help"
		run -0 --separate-stderr "$TCPTOOL" "$cmd" -h
		assert_equal "$output" "$via_help"
	done
}

@test "listen --help lists every listen option" {
	run -0 --separate-stderr "$TCPTOOL" listen --help
	local o
	for o in --bind --backlog --keep-open --half-close --timeout --accept-delay \
		' -4 ' ' -6 ' --verbose --quiet --json; do
		assert_output --partial -- "$o"
	done
	refute_output --partial -- --send
	refute_output --partial -- --source
}

@test "connect --help lists every connect option" {
	run -0 --separate-stderr "$TCPTOOL" connect --help
	local o
	for o in --half-close --timeout --source --source-port --send \
		' -4 ' ' -6 ' --verbose --quiet --json; do
		assert_output --partial -- "$o"
	done
	refute_output --partial -- --backlog
	refute_output --partial -- --keep-open
}

@test "echo --help and ack --help list their options" {
	local o
	run -0 --separate-stderr "$TCPTOOL" echo --help
	for o in --bind --backlog --max-conns --idle-timeout ' -4 ' ' -6 ' --verbose --quiet --json; do
		assert_output --partial -- "$o"
	done
	refute_output --partial -- --reply
	refute_output --partial -- --timeout
	run -0 --separate-stderr "$TCPTOOL" ack --help
	for o in --bind --backlog --max-conns --idle-timeout --reply --lines; do
		assert_output --partial -- "$o"
	done
	refute_output --partial -- --keep-open
}

@test "--help wins over a missing operand and over common options" {
	run -0 --separate-stderr "$TCPTOOL" -4 -v connect --help
	assert_line --index 0 --partial 'Usage: tcptool connect '
	run -0 --separate-stderr "$TCPTOOL" listen -q --json --help
	assert_line --index 0 --partial 'Usage: tcptool listen '
	assert_equal "$stderr" ""
}

# --- unknown commands and options --------------------------------------------

@test "no command: usage error" {
	run --separate-stderr "$TCPTOOL"
	assert_usage "" "missing COMMAND"
	run --separate-stderr "$TCPTOOL" -v -q
	assert_usage "" "missing COMMAND"
}

@test "unknown command: usage error, nothing on stdout" {
	run --separate-stderr "$TCPTOOL" frobnicate 1 2
	assert_usage "" "unknown command 'frobnicate'"
}

@test "a command is matched exactly, never by prefix" {
	run --separate-stderr "$TCPTOOL" lis 0
	assert_usage "" "unknown command 'lis'"
	run --separate-stderr "$TCPTOOL" connectx 127.0.0.1 1
	assert_usage "" "unknown command 'connectx'"
}

@test "help with an unknown command: usage error" {
	run --separate-stderr "$TCPTOOL" help nosuch
	assert_usage "" "unknown command 'nosuch'"
}

@test "unknown option before the command: usage error with the general hint" {
	run --separate-stderr "$TCPTOOL" --frob listen 0
	assert_usage "" "unknown option '--frob'"
	run --separate-stderr "$TCPTOOL" -x listen 0
	assert_usage "" "unknown option '-x'"
}

@test "unknown option after the command: usage error with the command's hint" {
	run --separate-stderr "$TCPTOOL" listen --frob 0
	assert_usage listen "listen: unknown option '--frob'"
	run --separate-stderr "$TCPTOOL" connect -x 127.0.0.1 1
	assert_usage connect "connect: unknown option '-x'"
}

@test "an option of one command is unknown to the other" {
	run --separate-stderr "$TCPTOOL" listen --send hi 0
	assert_usage listen "listen: unknown option '--send'"
	run --separate-stderr "$TCPTOOL" listen -s 127.0.0.1 0
	assert_usage listen "listen: unknown option '-s'"
	run --separate-stderr "$TCPTOOL" connect -k 127.0.0.1 1
	assert_usage connect "connect: unknown option '-k'"
	run --separate-stderr "$TCPTOOL" connect --backlog 5 127.0.0.1 1
	assert_usage connect "connect: unknown option '--backlog'"
	run --separate-stderr "$TCPTOOL" echo --reply x 0
	assert_usage echo "echo: unknown option '--reply'"
	run --separate-stderr "$TCPTOOL" listen --max-conns 5 0
	assert_usage listen "listen: unknown option '--max-conns'"
	run --separate-stderr "$TCPTOOL" ack -k 0
	assert_usage ack "ack: unknown option '-k'"
}

@test "--version is a top-level option only" {
	run --separate-stderr "$TCPTOOL" listen --version
	assert_usage listen "listen: unknown option '--version'"
}

# --- operands ----------------------------------------------------------------

@test "missing operands" {
	run --separate-stderr "$TCPTOOL" listen
	assert_usage listen "listen: missing PORT"
	run --separate-stderr "$TCPTOOL" connect
	assert_usage connect "connect: missing HOST and PORT"
	run --separate-stderr "$TCPTOOL" connect 127.0.0.1
	assert_usage connect "connect: missing PORT"
	run --separate-stderr "$TCPTOOL" -q connect -w 1s
	assert_usage connect "connect: missing HOST and PORT"
	run --separate-stderr "$TCPTOOL" echo
	assert_usage echo "echo: missing PORT"
	run --separate-stderr "$TCPTOOL" ack --lines
	assert_usage ack "ack: missing PORT"
}

@test "extra operands" {
	run --separate-stderr "$TCPTOOL" listen 0 1
	assert_usage listen "listen: unexpected argument '1'"
	run --separate-stderr "$TCPTOOL" connect 127.0.0.1 1 2
	assert_usage connect "connect: unexpected argument '2'"
	run --separate-stderr "$TCPTOOL" echo 127.0.0.1 7
	assert_usage echo "echo: unexpected argument '7'"
}

@test "help COMMAND with an extra operand: usage error" {
	run --separate-stderr "$TCPTOOL" help listen extra
	assert_usage "" "help: unexpected argument 'extra'"
}

@test "missing option argument" {
	run --separate-stderr "$TCPTOOL" listen -w
	assert_usage listen "listen: option '--timeout' needs DUR"
	run --separate-stderr "$TCPTOOL" listen 0 --backlog
	assert_usage listen "listen: option '--backlog' needs N"
	run --separate-stderr "$TCPTOOL" listen 0 --accept-delay
	assert_usage listen "listen: option '--accept-delay' needs DUR"
	run --separate-stderr "$TCPTOOL" listen 0 -b
	assert_usage listen "listen: option '--bind' needs ADDR"
	run --separate-stderr "$TCPTOOL" connect 127.0.0.1 1 --send
	assert_usage connect "connect: option '--send' needs TEXT"
	run --separate-stderr "$TCPTOOL" connect 127.0.0.1 1 -s
	assert_usage connect "connect: option '--source' needs ADDR"
	run --separate-stderr "$TCPTOOL" connect 127.0.0.1 1 -p
	assert_usage connect "connect: option '--source-port' needs PORT"
}

# --- invalid values: the exact line -------------------------------------------

@test "invalid PORT operands" {
	run --separate-stderr "$TCPTOOL" listen 99999
	assert_usage listen "invalid port '99999': out of range 0-65535"
	run --separate-stderr "$TCPTOOL" listen 65536
	assert_usage listen "invalid port '65536': out of range 0-65535"
	run --separate-stderr "$TCPTOOL" connect 127.0.0.1 99999
	assert_usage connect "invalid port '99999': out of range 0-65535"
	run --separate-stderr "$TCPTOOL" listen -- -1
	assert_usage listen "invalid port '-1': out of range 0-65535"
	run --separate-stderr "$TCPTOOL" listen abc-not-a-service
	assert_usage listen "invalid port 'abc-not-a-service': not a number or a known TCP service name"
	run --separate-stderr "$TCPTOOL" connect 127.0.0.1 abc-not-a-service
	assert_usage connect "invalid port 'abc-not-a-service': not a number or a known TCP service name"
	run --separate-stderr "$TCPTOOL" listen ''
	assert_usage listen "invalid port '': empty"
	run --separate-stderr "$TCPTOOL" connect 127.0.0.1 ''
	assert_usage connect "invalid port '': empty"
	run --separate-stderr "$TCPTOOL" listen 0x50
	assert_usage listen "invalid port '0x50': not a number or a known TCP service name"
}

@test "a negative PORT without -- is a usage error, not an option" {
	run --separate-stderr "$TCPTOOL" listen -1
	assert_equal "$status" 2
	assert_equal "$output" ""
	assert_equal "${#stderr_lines[@]}" 2
	assert_regex "${stderr_lines[0]}" "^tcptool: .*'-1'"
	assert_equal "${stderr_lines[1]}" "Try 'tcptool listen --help' for more information."
	run --separate-stderr "$TCPTOOL" connect 127.0.0.1 -1
	assert_equal "$status" 2
	assert_regex "${stderr_lines[0]}" "^tcptool: .*'-1'"
	assert_equal "${stderr_lines[1]}" "Try 'tcptool connect --help' for more information."
}

@test "invalid source port" {
	run --separate-stderr "$TCPTOOL" connect -p 99999 127.0.0.1 1
	assert_usage connect "invalid source port '99999': out of range 0-65535"
	run --separate-stderr "$TCPTOOL" connect -p -1 127.0.0.1 1
	assert_usage connect "invalid source port '-1': out of range 0-65535"
	run --separate-stderr "$TCPTOOL" connect -p nosuch-service 127.0.0.1 1
	assert_usage connect "invalid source port 'nosuch-service': not a number or a known TCP service name"
}

@test "invalid durations for -w" {
	run --separate-stderr "$TCPTOOL" listen -w 0 0
	assert_usage listen "invalid timeout '0': must be greater than zero"
	run --separate-stderr "$TCPTOOL" connect -w 0ms 127.0.0.1 1
	assert_usage connect "invalid timeout '0ms': must be greater than zero"
	run --separate-stderr "$TCPTOOL" listen -w -1 0
	assert_usage listen "invalid timeout '-1': negative"
	run --separate-stderr "$TCPTOOL" listen -w 5x 0
	assert_usage listen "invalid timeout '5x': unknown unit (use ms, s, m or h)"
	run --separate-stderr "$TCPTOOL" connect -w 1e3 127.0.0.1 1
	assert_usage connect "invalid timeout '1e3': unknown unit (use ms, s, m or h)"
	run --separate-stderr "$TCPTOOL" listen -w 99999999999 0
	assert_usage listen "invalid timeout '99999999999': too large (at most 24 days)"
	run --separate-stderr "$TCPTOOL" listen -w 2147483648ms 0
	assert_usage listen "invalid timeout '2147483648ms': too large (at most 24 days)"
	run --separate-stderr "$TCPTOOL" listen -w 1.5.5 0
	assert_usage listen "invalid timeout '1.5.5': expected a number with an optional unit ms, s, m or h"
	run --separate-stderr "$TCPTOOL" listen -w '' 0
	assert_usage listen "invalid timeout '': expected a number with an optional unit ms, s, m or h"
	run --separate-stderr "$TCPTOOL" listen --timeout=inf 0
	assert_usage listen "invalid timeout 'inf': expected a number with an optional unit ms, s, m or h"
}

@test "invalid --accept-delay" {
	run --separate-stderr "$TCPTOOL" listen --accept-delay -1 0
	assert_usage listen "invalid accept delay '-1': negative"
	run --separate-stderr "$TCPTOOL" listen --accept-delay 5x 0
	assert_usage listen "invalid accept delay '5x': unknown unit (use ms, s, m or h)"
	run --separate-stderr "$TCPTOOL" listen --accept-delay 99999999999 0
	assert_usage listen "invalid accept delay '99999999999': too large (at most 24 days)"
}

@test "invalid --backlog" {
	run --separate-stderr "$TCPTOOL" listen --backlog -1 0
	assert_usage listen "invalid backlog '-1': negative"
	run --separate-stderr "$TCPTOOL" listen --backlog 70000 0
	assert_usage listen "invalid backlog '70000': out of range 0-65535"
	run --separate-stderr "$TCPTOOL" listen --backlog x 0
	assert_usage listen "invalid backlog 'x': not a whole number"
	run --separate-stderr "$TCPTOOL" listen --backlog '' 0
	assert_usage listen "invalid backlog '': not a whole number"
}

@test "invalid --max-conns and --idle-timeout" {
	run --separate-stderr "$TCPTOOL" echo --max-conns 0 0
	assert_usage echo "invalid max-conns '0': out of range 1-1000000"
	run --separate-stderr "$TCPTOOL" ack --max-conns many 0
	assert_usage ack "invalid max-conns 'many': not a whole number"
	run --separate-stderr "$TCPTOOL" echo --max-conns -5 0
	assert_usage echo "invalid max-conns '-5': negative"
	run --separate-stderr "$TCPTOOL" echo --idle-timeout 0 0
	assert_usage echo "invalid idle timeout '0': must be greater than zero"
	run --separate-stderr "$TCPTOOL" ack --idle-timeout 3x 0
	assert_usage ack "invalid idle timeout '3x': unknown unit (use ms, s, m or h)"
	run --separate-stderr "$TCPTOOL" ack 0 --reply
	assert_usage ack "ack: option '--reply' needs TEXT"
	run --separate-stderr "$TCPTOOL" echo 99999
	assert_usage echo "invalid port '99999': out of range 0-65535"
}

@test "a usage error is reported before any socket is opened" {
	# An invalid value after a valid PORT: nothing listens, nothing prints.
	run --separate-stderr timeout 5 "$TCPTOOL" listen -b 127.0.0.1 0 --backlog x
	assert_usage listen "invalid backlog 'x': not a whole number"
}

# --- common options before and after the command ------------------------------

# listen_fails_fast ARGS...: listen on loopback with a 100 ms timeout and no
# client: exit 4 whatever the common options say.
listen_fails_fast() {
	run -4 --separate-stderr timeout 10 "$TCPTOOL" "$@"
	assert_equal "$output" ""
}

@test "-4 before and after the command, and after the operand" {
	local args
	for args in "-4 listen -w 100ms 0" "listen -4 -w 100ms 0" "listen -w 100ms 0 -4"; do
		# shellcheck disable=SC2086
		listen_fails_fast $args
		assert_regex "${stderr_lines[0]}" '^listening on 0\.0\.0\.0:[1-9][0-9]*$'
		assert_equal "${stderr_lines[1]}" "tcptool: no client connected within 100 ms"
	done
}

@test "-6 before and after the command" {
	local args
	for args in "-6 listen -w 100ms 0" "listen -w 100ms -6 0"; do
		# shellcheck disable=SC2086
		listen_fails_fast $args
		assert_regex "${stderr_lines[0]}" '^listening on \[::\]:[1-9][0-9]*$'
	done
}

@test "-q before and after the command: only the error line" {
	local args
	for args in "-q listen -b 127.0.0.1 -w 100ms 0" "listen -b 127.0.0.1 -w 100ms -q 0" \
		"listen --quiet -b 127.0.0.1 -w 100ms 0"; do
		# shellcheck disable=SC2086
		listen_fails_fast $args
		assert_equal "$stderr" "tcptool: no client connected within 100 ms"
	done
}

@test "--json before and after the command" {
	local args
	for args in "--json listen -b 127.0.0.1 -w 100ms 0" "listen -b 127.0.0.1 -w 100ms --json 0"; do
		# shellcheck disable=SC2086
		listen_fails_fast $args
		printf '%s\n' "$stderr" >"$BATS_TEST_TMPDIR/events"
		json_check "$BATS_TEST_TMPDIR/events" \
			'ev["listening"][0]["local"].startswith("127.0.0.1:")' \
			'ev["error"][0]["message"] == "no client connected within 100 ms"'
	done
}

@test "grouped common flags before the command: -4q" {
	listen_fails_fast -4q listen -w 100ms 0
	assert_equal "$stderr" "tcptool: no client connected within 100 ms"
}

@test "-- before the command ends the common options" {
	run -0 --separate-stderr "$TCPTOOL" -- help listen
	assert_line --index 0 --partial 'Usage: tcptool listen '
}

# --- service names --------------------------------------------------------------

@test "a service name is a port: http is 80" {
	getent services http >/dev/null || skip "needs /etc/services (package netbase)"
	if ! can_unshare_net; then
		# No namespace of our own: bind 127.0.0.1:80 for 100 ms.  Whether
		# that works, the port is in use or we lack the right, the error
		# or the listening line names port 80.
		run --separate-stderr timeout 10 "$TCPTOOL" listen -w 100ms -b 127.0.0.1 http
		[[ $stderr == *"listening on 127.0.0.1:80"* || $stderr == *"127.0.0.1 port 80:"* ]] ||
			fail "http was not taken as port 80: $stderr"
		skip "unshare -n is not permitted here; checked on loopback only"
	fi
	# A fresh network namespace: port 80 is free and nothing leaves the host.
	run -4 --separate-stderr timeout 10 unshare -n "$TCPTOOL" listen -4 -w 100ms http
	assert_equal "${stderr_lines[0]}" "listening on 0.0.0.0:80"
	# shellcheck disable=SC2016 # $0 belongs to the inner shell
	run -1 --separate-stderr timeout 10 unshare -n sh -c \
		'ip link set lo up && exec "$0" connect -w 1s 127.0.0.1 http' "$TCPTOOL"
	assert_regex "$stderr" "^tcptool: connect 127\.0\.0\.1:80: Connection refused"
}

@test "netcat's habits and typos get a hint in the one usage line" {
	run -2 --separate-stderr "$TCPTOOL" connect 127.0.0.1:8080
	assert_equal "${stderr_lines[0]}" "tcptool: connect: missing PORT (HOST and PORT are two words: '127.0.0.1 8080')"
	run -2 --separate-stderr "$TCPTOOL" shutdown '[::1]:7000'
	assert_equal "${stderr_lines[0]}" "tcptool: shutdown: missing PORT (HOST and PORT are two words: '::1 7000')"
	# A bare IPv6 address is a HOST, not HOST:PORT.
	run -2 --separate-stderr "$TCPTOOL" connect ::1
	assert_equal "${stderr_lines[0]}" "tcptool: connect: missing PORT"
	run -2 --separate-stderr "$TCPTOOL" listen -p 9000
	assert_equal "${stderr_lines[0]}" "tcptool: listen: unknown option '-p' (the port is an operand: 'tcptool listen 9000')"
	run -2 --separate-stderr "$TCPTOOL" echo -p 7
	assert_equal "${stderr_lines[0]}" "tcptool: echo: unknown option '-p' (the port is an operand: 'tcptool echo 7')"
	run -2 --separate-stderr "$TCPTOOL" connect -l 9000
	assert_equal "${stderr_lines[0]}" "tcptool: connect: unknown option '-l' (to listen, the command is 'tcptool listen PORT')"
	run -2 --separate-stderr "$TCPTOOL" connect --halfclose 127.0.0.1 9
	assert_equal "${stderr_lines[0]}" "tcptool: connect: unknown option '--halfclose' (did you mean '--half-close'?)"
	run -2 --separate-stderr "$TCPTOOL" echo --idle-timout=5s 7
	assert_equal "${stderr_lines[0]}" "tcptool: echo: unknown option '--idle-timout=5s' (did you mean '--idle-timeout'?)"
	run -2 --separate-stderr "$TCPTOOL" shutdown --rts 127.0.0.1 9
	assert_equal "${stderr_lines[0]}" "tcptool: shutdown: unknown option '--rts' (did you mean '--rst'?)"
	# A name it knows, with a value it does not take.
	run -2 --separate-stderr "$TCPTOOL" listen --half-close=yes 0
	assert_equal "${stderr_lines[0]}" "tcptool: listen: option '--half-close' takes no value"
	# Nothing near: no guess.
	run -2 --separate-stderr "$TCPTOOL" listen --frobnicate 0
	assert_equal "${stderr_lines[0]}" "tcptool: listen: unknown option '--frobnicate'"
	assert_equal "${stderr_lines[1]}" "Try 'tcptool listen --help' for more information."
}
