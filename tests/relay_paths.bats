#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# The relay's ways of moving bytes, each checked byte for byte (sha256) on
# real sockets: sendfile() from a file on stdin, splice() into a pipe on
# stdout, splice() through tcptool's own pipe into a file or /dev/null,
# and the read()/write() copy for the rest (a pipe on stdin, files opened
# with O_APPEND).  Half-close and exact byte counts on each.

setup() {
	load helpers/common
	_common_setup
	DATA=$(big_file data 9437201)   # 9 MiB and a few bytes: no path moves it in round chunks
	SUM=$(sha256sum <"$DATA" | cut -d' ' -f1)
	SIZE=$(stat -c %s "$DATA")
}

teardown() {
	_common_teardown
}

sum_of() {
	sha256sum <"$1" | cut -d' ' -f1
}

# closed_line NAME: the listener's "closed" line.
closed_line() {
	grep -m1 '^closed ' "$(D "$1.err")"
}

@test "file on stdin (sendfile) -> listener's stdout into a file (splice through a pipe)" {
	start_listener l -b 127.0.0.1 0
	run -0 --separate-stderr tt connect --half-close 127.0.0.1 "$port" <"$DATA"
	assert_bg_exit l 0
	assert_equal "$(sum_of "$(D l.out)")" "$SUM"
	assert_regex "$(closed_line l)" "^closed 127\.0\.0\.1:[0-9]+: $SIZE bytes in, 0 bytes out "
	assert_regex "$stderr" "closed 127\.0\.0\.1:$port: 0 bytes in, $SIZE bytes out "
}

@test "pipe on stdin (read) -> listener's stdout into a pipe (splice)" {
	start_bg l bash -c '"$0" listen -b 127.0.0.1 0 | sha256sum >"$1"' "$TCPTOOL" "$(D l.sum)"
	port=$(wait_for_port l)
	run -0 --separate-stderr timeout 20 bash -c 'cat "$1" | "$0" connect --half-close 127.0.0.1 "$2"' \
		"$TCPTOOL" "$DATA" "$port"
	assert_bg_exit l 0
	assert_equal "$(cut -d' ' -f1 <"$(D l.sum)")" "$SUM"
	assert_regex "$stderr" "closed 127\.0\.0\.1:$port: 0 bytes in, $SIZE bytes out "
}

@test "the other way: the listener sends a file, the client's stdout is a pipe, then a file" {
	LISTEN_STDIN=$DATA start_listener l -b 127.0.0.1 --half-close 0
	run -0 timeout 20 bash -c '"$0" -q connect --half-close 127.0.0.1 "$1" </dev/null | sha256sum' "$TCPTOOL" "$port"
	assert_equal "${output%% *}" "$SUM"
	assert_bg_exit l 0
	LISTEN_STDIN=$DATA start_listener l2 -b 127.0.0.1 --half-close 0
	tt -q connect --half-close 127.0.0.1 "$port" </dev/null >"$(D got)" || fail "connect exited with $?"
	assert_equal "$(sum_of "$(D got)")" "$SUM"
	assert_bg_exit l2 0
}

@test "both ways at once with --half-close: files on both stdins, files on both stdouts" {
	head -c 3000001 /dev/urandom >"$(D back)"
	LISTEN_STDIN=$(D back) start_listener l -b 127.0.0.1 --half-close 0
	tt -q connect --half-close 127.0.0.1 "$port" <"$DATA" >"$(D got)" || fail "connect exited with $?"
	assert_bg_exit l 0
	assert_equal "$(sum_of "$(D got)")" "$(sum_of "$(D back)")"
	assert_equal "$(sum_of "$(D l.out)")" "$SUM"
}

@test "stdout to /dev/null: every byte counted" {
	start_bg l2 bash -c 'exec "$0" listen -b 127.0.0.1 0 >/dev/null' "$TCPTOOL"
	port=$(wait_for_port l2)
	run -0 tt -q connect --half-close 127.0.0.1 "$port" <"$DATA"
	assert_bg_exit l2 0
	assert_regex "$(closed_line l2)" "^closed 127\.0\.0\.1:[0-9]+: $SIZE bytes in, 0 bytes out "
}

@test "stdout opened with O_APPEND (>>): the copy path appends after what was there" {
	printf 'before\n' >"$(D app)"
	start_bg l bash -c 'exec "$0" listen -b 127.0.0.1 0 >>"$1"' "$TCPTOOL" "$(D app)"
	port=$(wait_for_port l)
	run -0 tt -q connect --half-close 127.0.0.1 "$port" <"$DATA"
	assert_bg_exit l 0
	assert_equal "$(head -n1 "$(D app)")" "before"
	assert_equal "$(tail -c +8 "$(D app)" | sha256sum | cut -d' ' -f1)" "$SUM"
}

@test "a file on stdin read partly already: sendfile starts at the file's offset" {
	start_listener l -b 127.0.0.1 0
	# dd reads exactly 1000 bytes of the shared file; tcptool must send only the rest.
	run -0 timeout 20 bash -c '{ dd bs=1000 count=1 status=none >/dev/null; exec "$0" -q connect --half-close 127.0.0.1 "$1"; } <"$2"' \
		"$TCPTOOL" "$port" "$DATA"
	assert_bg_exit l 0
	assert_equal "$(sum_of "$(D l.out)")" "$(tail -c +1001 "$DATA" | sha256sum | cut -d' ' -f1)"
}

@test "the kernel moves the bytes: sendfile from a file, splice into a file; a pipe on stdin is read" {
	need_tool strace strace
	strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
	# LeakSanitizer cannot work under ptrace: a sanitizer build runs without it here.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	start_bg l strace -f -o "$(D l.trace)" -e trace=splice,sendfile,recvfrom,read "$TCPTOOL" listen -b 127.0.0.1 0
	port=$(wait_for_port l)
	timeout 20 strace -o "$(D c.trace)" -e trace=splice,sendfile,sendto,write "$TCPTOOL" -q connect --half-close \
		127.0.0.1 "$port" <"$DATA" || fail "connect exited with $?"
	assert_bg_exit l 0
	assert_equal "$(sum_of "$(D l.out)")" "$SUM"
	# The sender: sendfile() only; no send() of the data.
	grep -q '^sendfile(' "$(D c.trace)" || fail "no sendfile: $(head "$(D c.trace)")"
	run grep -c '^sendto(' "$(D c.trace)"
	assert_output 0
	# The receiver: splice() from the socket, no recv() of the data.
	grep -qE '^[0-9]+ +splice\(' "$(D l.trace)" || fail "no splice: $(head "$(D l.trace)")"
	run grep -cE '^[0-9]+ +recvfrom\(' "$(D l.trace)"
	assert_output 0

	# A pipe on stdin is read (its pages stay with the pipe), after growing it to 1 MiB.
	start_bg l2 "$TCPTOOL" listen -b 127.0.0.1 0
	port=$(wait_for_port l2)
	timeout 20 strace -o "$(D p.trace)" -e trace=splice,read,fcntl "$TCPTOOL" -q connect --half-close \
		127.0.0.1 "$port" < <(cat "$DATA") || fail "connect exited with $?"
	assert_bg_exit l2 0
	assert_equal "$(sum_of "$(D l2.out)")" "$SUM"
	grep -q '^fcntl(0, F_SETPIPE_SZ, 1048576)' "$(D p.trace)" || fail "stdin's pipe not grown: $(head "$(D p.trace)")"
	grep -q '^read(0, ' "$(D p.trace)" || fail "no read from stdin: $(head "$(D p.trace)")"
	run grep -c '^splice(0, ' "$(D p.trace)"
	assert_output 0
}
