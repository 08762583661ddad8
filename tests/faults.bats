#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# Fault injection on loopback: thousands of connect/close cycles (no
# descriptor may leak), slowloris clients, signals at every stage, peers
# that reset mid-transfer, running out of descriptors (ulimit -n, and
# prlimit on a running process), and a standard output that is full or
# whose reader is gone.  Misbehaving peers: tests/helpers/fault_peers.py.

setup() {
	load helpers/common
	_common_setup
	FAULT="$BATS_TEST_DIRNAME/helpers/fault_peers.py"
}

teardown() {
	_common_teardown
}

# start_sig NAME CMD [ARGS...]: start_bg, with SIGINT and SIGQUIT back to
# their default action.  bats starts background jobs with both ignored,
# and a command without handlers would inherit that; from a shell prompt,
# Control-C reaches it with the default action.
start_sig() {
	local name=$1
	shift
	start_bg "$name" env --default-signal=INT,QUIT "$@"
}

# signo SIG: the number of SIGINT, SIGTERM, SIGHUP (INT, TERM, HUP).
signo() {
	case $1 in
	INT) echo 2 ;;
	TERM) echo 15 ;;
	HUP) echo 1 ;;
	esac
}

# kill_with NAME SIG: sends SIG to the background job NAME, which must die
# of it (status 128 + the signal's number) within 5 s.
kill_with() {
	kill "-$2" "$(bg_pid "$1")"
	assert_bg_exit "$1" $((128 + $(signo "$2"))) 50
}

# fd_count PID: how many descriptors the process holds.
fd_count() {
	find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l
}

# lowest_free_fd PID: the lowest descriptor number the process has free;
# as its RLIMIT_NOFILE, no new descriptor can be made.
lowest_free_fd() {
	local n=0
	while [[ -e /proc/$1/fd/$n ]]; do
		((n++))
	done
	echo "$n"
}

# wait_syn_sent PORT [TRIES]: waits (bounded) until a connection to PORT is
# in SYN-SENT, its SYN unanswered.
wait_syn_sent() {
	local n=${2:-200}
	while ((n-- > 0)); do
		[[ -n $(ss -Htn state syn-sent "dport = :$1") ]] && return 0
		sleep 0.05
	done
	echo "# no SYN-SENT connection to port $1" >&2
	return 1
}

# bash -c "$NOFILE" N CMD [ARGS...]: CMD with the descriptors above 2
# closed (bats keeps some open) and ulimit -n N.
NOFILE='for f in /proc/$$/fd/*; do n=${f##*/}; ((n > 2)) && eval "exec $n>&-"; done
ulimit -n "$0" && exec "$@"'

# with_nofile N CMD [ARGS...]: the same in the foreground, bounded.
with_nofile() {
	timeout -k 1 "$T_MAX" bash -c "$NOFILE" "$@"
}

# server_port NAME: the port of a server started with start_bg whose
# events go to stdout.
server_port() {
	wait_for_port "$(D "$1.out")"
}

# --- connect/close cycles: no leaked descriptor -------------------------------------

# cycles_against COMMAND [ARGS...]: 10000 cycles of four kinds (close, a
# byte and its answer, data then RST, RST at once) against the server; the
# server ends with the descriptors it started with, and logged each close.
cycles_against() {
	start_server s "$@" -b 127.0.0.1 0
	local pid before after
	pid=$(bg_pid s)
	before=$(fd_count "$pid")
	run -0 timeout 120 python3 "$FAULT" cycles 127.0.0.1 "$port" 10000
	assert_output "10000 cycles"
	wait_for_count s.out '^closed ' 10000 600
	after=$(fd_count "$pid")
	((after == before)) || fail "$1 held $before descriptors before the cycles and $after after:"$'\n'"$(ls -l "/proc/$pid/fd")"
	kill -TERM "$pid"
	assert_bg_exit s 0
	run -0 tail -n 1 "$(D s.out)"
	assert_output --regexp '^stopped by SIGTERM after [0-9.]+ m?s: 10000 connections, [0-9]+ bytes in, [0-9]+ bytes out, at most [0-9]+ at once$'
	run -0 grep -c '^connection from ' "$(D s.out)"
	assert_output 10000
}

@test "echo: 10000 connect/close cycles (FIN, data, RST) leak no descriptor" {
	cycles_against echo
}

@test "ack: 10000 connect/close cycles (FIN, data, RST) leak no descriptor" {
	cycles_against ack
}

# --- slowloris: one byte at a time ---------------------------------------------------

TRICKLE=$'one\ntwo\nthree\n' # 14 bytes; at 0.1 s apart, 1.4 s in all

# trickle_while_served COMMAND [ARGS...]: a client trickles $TRICKLE to the
# server, whose --idle-timeout (1s) is shorter than the whole; meanwhile
# two other clients are served.  Sets $output to what the trickler got.
trickle_while_served() {
	start_server s "$@" --idle-timeout 1s -b 127.0.0.1 0
	start_bg t timeout 20 python3 "$FAULT" trickle 127.0.0.1 "$port" "$TRICKLE" 0.1
	wait_for_line t.out '^connected$'
	wait_for_line s.out '^connection from '
	local other
	for other in first second; do
		run -0 --separate-stderr tt -q connect --half-close --send "$other" 127.0.0.1 "$port"
		printf '%s\n' "$output" >"$(D "$other")"
	done
	# The trickler is still at it: served others while it was connected.
	bg_running t || fail "the trickler ended before the others were served: $(cat "$(D t.out)")"
	assert_bg_exit t 0 200
}

@test "echo: a client that trickles one byte at a time gets every byte back; --idle-timeout does not cut it" {
	skip_under_valgrind "the trickle is timed against the other clients"
	trickle_while_served echo
	assert_equal "$(cat "$(D first)")" first
	assert_equal "$(cat "$(D second)")" second
	run -0 sed -n 3,4p "$(D t.out)"
	assert_line --index 0 "b'one\\ntwo\\nthree\\n'"
	assert_line --index 1 eof
	run -0 grep -E '^closed .*: 14 bytes in, 14 bytes out in [0-9.]+ m?s; the peer closed first$' "$(D s.out)"
	run -1 grep 'idle too long' "$(D s.out)"
}

@test "ack --lines: a trickled line is answered once it is whole; --idle-timeout does not cut it" {
	skip_under_valgrind "the trickle is timed against the other clients"
	trickle_while_served ack --lines
	assert_equal "$(cat "$(D first)")" ACK!
	assert_equal "$(cat "$(D second)")" ACK!
	run -0 sed -n 3,4p "$(D t.out)"
	assert_line --index 0 "b'ACK!\\nACK!\\nACK!\\n'"
	assert_line --index 1 eof
	run -0 grep -E '^message from 127\.0\.0\.1:[0-9]+, [0-9]+ bytes?: ' "$(D s.out)"
	assert_line --regexp ', 5 bytes: "first"$'
	assert_line --regexp ', 6 bytes: "second"$'
	run -0 grep -cE '^message from .*: "(one|two|three)\\n"$' "$(D s.out)"
	assert_output 3
	run -1 grep 'idle too long' "$(D s.out)"
}

@test "ack: a trickled message is its first byte (it comes in pieces); ACK!, the rest is dropped, others served" {
	start_server s ack --idle-timeout 1s -b 127.0.0.1 0
	start_bg t timeout 20 python3 "$FAULT" trickle 127.0.0.1 "$port" "abcdef" 0.1
	wait_for_line t.out '^connected$'
	run -0 --separate-stderr tt -q connect --half-close --send other 127.0.0.1 "$port"
	assert_output ACK!
	assert_bg_exit t 0 200
	run -0 sed -n 3,4p "$(D t.out)"
	assert_line --index 0 "b'ACK!'"
	assert_line --index 1 eof
	wait_for_count s.out '^closed ' 2
	run -0 grep -E '^message from ' "$(D s.out)"
	assert_line --regexp '^message from 127\.0\.0\.1:[0-9]+, 1 byte: "a"$'
	assert_line --regexp '^message from 127\.0\.0\.1:[0-9]+, 5 bytes: "other"$'
	# Every trickled byte was read (and dropped) before the client's FIN.
	run -0 grep -E '^closed 127\.0\.0\.1:[0-9]+: 6 bytes in, 4 bytes out in [0-9.]+ m?s; we closed first \(FIN\)$' "$(D s.out)"
}

@test "listen: a trickling client while the listener sends 1 MiB the other way: both directions whole" {
	local mib sum
	mib=$(big_file mib 1M)
	sum=$(sha256sum <"$mib" | cut -d' ' -f1)
	LISTEN_STDIN=$mib start_listener l --half-close -w 1s -b 127.0.0.1 0
	run -0 timeout 20 python3 "$FAULT" trickle 127.0.0.1 "$port" "$TRICKLE" 0.1
	assert_line --index 1 "1048576 bytes back, sha256 $sum"
	assert_line --index 3 eof
	assert_bg_exit l 0
	cmp "$(D l.out)" <(printf '%s' "$TRICKLE")
	run -0 grep '^closed ' "$(D l.err)"
	assert_output --regexp '^closed 127\.0\.0\.1:[0-9]+: 14 bytes in, 1048576 bytes out in [0-9.]+ m?s; '
}

# --- signals at every stage -------------------------------------------------------------
# listen, connect and shutdown install no handler: SIGINT, SIGTERM and
# SIGHUP end them with the default action (status 128 + the signal's
# number in the shell), at once, with what they had written so far.

@test "listen: SIGINT, SIGTERM, SIGHUP while waiting for a client and during the relay end it at once" {
	local sig
	for sig in INT TERM HUP; do
		start_sig "w$sig" "$TCPTOOL" listen -b 127.0.0.1 0
		port=$(wait_for_port "w$sig")
		kill_with "w$sig" "$sig"
		run -0 cat "$(D "w$sig.err")"
		assert_output "listening on 127.0.0.1:$port"

		start_sig "l$sig" "$TCPTOOL" listen -b 127.0.0.1 0
		port=$(wait_for_port "l$sig")
		start_bg "t$sig" timeout 20 python3 "$FAULT" trickle 127.0.0.1 "$port" "abcdefghijklmnopqrstuvwxyz" 0.1
		wait_for_line "l$sig.out" '^abc'
		kill_with "l$sig" "$sig"
		[[ $(cat "$(D "l$sig.out")") =~ ^abc[d-z]*$ ]] || fail "stdout: $(cat "$(D "l$sig.out")")"
		run -0 cat "$(D "l$sig.err")"
		assert_line --index 1 --regexp '^connection from 127\.0\.0\.1:[0-9]+ to '
		refute_output --partial 'tcptool:'
		# The client sees the connection end, not a hang.
		assert_bg_exit "t$sig" 0 200
	done
}

@test "connect: SIGINT, SIGTERM, SIGHUP during the handshake (full accept queue) and during the relay" {
	local sig full
	start_full_listener
	full=$port
	for sig in INT TERM HUP; do
		start_sig "h$sig" "$TCPTOOL" connect 127.0.0.1 "$full"
		wait_syn_sent "$full"
		kill_with "h$sig" "$sig"
		assert_equal "$(cat "$(D "h$sig.out")" "$(D "h$sig.err")")" ""

		start_listener "l$sig" -b 127.0.0.1 0
		start_sig "c$sig" "$TCPTOOL" connect --send hello 127.0.0.1 "$port"
		wait_for_line "l$sig.out" '^hello$'
		kill_with "c$sig" "$sig"
		run -0 cat "$(D "c$sig.err")"
		assert_line --index 0 --regexp "^connected to 127\.0\.0\.1:$port from "
		refute_output --partial 'tcptool:'
		# Our end went away with the process: the listener sees the FIN.
		assert_bg_exit "l$sig" 0
	done
}

@test "connect -c 0 while a handshake is in flight: SIGINT and SIGTERM give the summary, exit 1; SIGHUP kills" {
	local sig
	start_full_listener
	for sig in INT TERM; do
		start_sig "c$sig" "$TCPTOOL" connect -c 0 127.0.0.1 "$port"
		wait_syn_sent "$port"
		kill "-$sig" "$(bg_pid "c$sig")"
		assert_bg_exit "c$sig" 1 50
		run -0 cat "$(D "c$sig.out")"
		assert_line --index 0 "--- 127.0.0.1:$port: 0 handshakes, 0 connected, 0 failed (0%) (interrupted)"
		assert_line --index 1 "no handshake completed"
		assert_equal "${#lines[@]}" 2
		assert_equal "$(cat "$(D "c$sig.err")")" ""
	done
	# SIGHUP is not among the signals -c catches: the default action.
	start_sig cHUP "$TCPTOOL" connect -c 0 127.0.0.1 "$port"
	wait_syn_sent "$port"
	kill -HUP "$(bg_pid cHUP)"
	assert_bg_exit cHUP 129 50
}

@test "connect -z on one port, interrupted while its handshake is in flight: the summary says so" {
	start_full_listener
	local sig
	for sig in INT TERM; do
		start_sig "z$sig" "$TCPTOOL" connect -z 127.0.0.1 "$port"
		wait_syn_sent "$port"
		kill "-$sig" "$(bg_pid "z$sig")"
		assert_bg_exit "z$sig" 1 50
		run -0 cat "$(D "z$sig.out")"
		assert_output --regexp '^0 of 1 port probed before the interrupt: 0 open'
	done
}

@test "echo and ack --lines stop on SIGINT, SIGTERM and SIGHUP with a client mid-transfer: closed, summary, exit 0" {
	local sig cmd
	for cmd in echo ack; do
		for sig in INT TERM HUP; do
			local name=$cmd$sig
			if [[ $cmd == ack ]]; then
				start_sig "$name" "$TCPTOOL" ack --lines -b 127.0.0.1 0
			else
				start_sig "$name" "$TCPTOOL" echo -b 127.0.0.1 0
			fi
			port=$(server_port "$name")
			start_bg "t$name" timeout 20 python3 "$FAULT" trickle 127.0.0.1 "$port" "$(printf 'x\n%.0s' {1..100})" 0.05
			wait_for_line "t$name.out" '^connected$'
			wait_for_line "$name.out" '^connection from '
			[[ $cmd == ack ]] && wait_for_line "$name.out" '^message from '
			kill "-$sig" "$(bg_pid "$name")"
			assert_bg_exit "$name" 0 50
			run -0 cat "$(D "$name.out")"
			assert_line --regexp '^closed 127\.0\.0\.1:[0-9]+: [0-9]+ bytes in, [0-9]+ bytes out in [0-9.]+ m?s; closed by us: the server is stopping$'
			assert_line --index -1 --regexp "^stopped by SIG$sig after [0-9.]+ m?s: 1 connection, [0-9]+ bytes in, [0-9]+ bytes out, at most 1 at once\$"
			assert_equal "$(cat "$(D "$name.err")")" ""
			# The client learns at once that the server is gone.
			assert_bg_exit "t$name" 0 100
		done
	done
}

@test "shutdown: SIGINT, SIGTERM, SIGHUP during --after end it at once, the timeline so far written" {
	local sig
	start_server s echo -b 127.0.0.1 0
	for sig in INT TERM HUP; do
		start_sig "c$sig" "$TCPTOOL" shutdown --send hello --after 30s 127.0.0.1 "$port"
		wait_for_line "c$sig.out" '^t\+[0-9.]+ m?s +received 5 bytes: "hello"$'
		kill_with "c$sig" "$sig"
		run -0 cat "$(D "c$sig.out")"
		assert_line --index 0 --regexp "^t\+[0-9.]+ m?s +connected to 127\.0\.0\.1:$port from "
		assert_line --regexp '^t\+[0-9.]+ m?s +sent 5 bytes: "hello"$'
		refute_output --partial 'shutdown('
		refute_output --partial 'close()'
		assert_equal "$(cat "$(D "c$sig.err")")" ""
	done
	run -0 grep -c '^closed ' "$(D s.out)"
	assert_output 3
}

# --- peers that reset mid-transfer ------------------------------------------------------

@test "echo and ack --lines: a client resets with answers unread; end reset, counted, the next client served" {
	local cmd
	for cmd in echo ack; do
		if [[ $cmd == ack ]]; then
			start_server "$cmd" --json ack --lines -b 127.0.0.1 0
		else
			start_server "$cmd" --json echo -b 127.0.0.1 0
		fi
		run -0 timeout 10 python3 "$FAULT" rst-lines 127.0.0.1 "$port" 20000
		assert_output "reset after 1 bytes back"
		wait_for_line "$cmd.out" '"event":"closed"'
		run -0 --separate-stderr tt -q connect --half-close --send $'next\n' 127.0.0.1 "$port"
		if [[ $cmd == ack ]]; then assert_output ACK!; else assert_output next; fi
		wait_for_count "$cmd.out" '"event":"closed"' 2
		kill -TERM "$(bg_pid "$cmd")"
		assert_bg_exit "$cmd" 0
		json_check "$(D "$cmd.out")" \
			'ev["closed"][0]["end"] == "reset" and ev["closed"][0]["first_fin"] == "none"' \
			'ev["closed"][0]["bytes_in"] > 0 and ev["closed"][0]["bytes_out"] > 0' \
			'ev["closed"][1]["end"] == "fin"' \
			'ev["summary"][0]["resets"] == 1 and ev["summary"][0]["connections"] == 2'
	done
}

@test "listen sending a file (sendfile) to a client that resets: exit 1, reset told" {
	local big
	big=$(big_file big 9M)
	LISTEN_STDIN=$big start_listener l -b 127.0.0.1 0
	run -0 timeout 10 python3 "$PEER" rst-client 127.0.0.1 "$port" 10
	assert_bg_exit l 1
	run -0 cat "$(D l.err)"
	assert_line 'peer reset the connection (RST)'
	assert_line --regexp '^closed 127\.0\.0\.1:[0-9]+: (0|10) bytes in, [0-9]+ bytes out in [0-9.]+ m?s; reset by the peer \(RST\)$'
	assert_line --regexp '^tcptool: connection broke: (Connection reset by peer|Broken pipe)'
}

@test "with a file on stdin, the bytes a peer sent before its RST still reach stdout (listen and connect)" {
	local big round
	big=$(big_file big 9M)
	# The client sends 10 bytes and resets before the listener accepts it.
	LISTEN_STDIN=$big start_listener l --accept-delay 1s -b 127.0.0.1 0
	run -0 timeout 10 python3 "$FAULT" send-rst 127.0.0.1 "$port" 10
	assert_bg_exit l 1
	assert_equal "$(cat "$(D l.out)")" yyyyyyyyyy
	run -0 grep '^closed ' "$(D l.err)"
	assert_output --regexp ': 10 bytes in, 0 bytes out in [0-9.]+ m?s; reset by the peer \(RST\)$'
	# The server sends 1000 bytes and resets at once.
	for round in $(seq 10); do
		start_bg "s$round" python3 "$PEER" rst-server 1000 0
		port=$(wait_for_port "s$round")
		run -1 --separate-stderr tt connect 127.0.0.1 "$port" <"$big"
		assert_equal "${#output}" 1000
		assert_bg_exit "s$round" 0
	done
}

@test "a client that sent and reset before listen accepted it is still named, as accept(2) gives its address" {
	start_listener l --accept-delay 1s -b 127.0.0.1 0
	run -0 timeout 10 python3 "$FAULT" send-rst 127.0.0.1 "$port" 10
	assert_bg_exit l 1
	run -0 cat "$(D l.err)"
	assert_line --regexp '^connection from 127\.0\.0\.1:[0-9]+ to 127\.0\.0\.1:[0-9]+$'
	assert_line --regexp '^closed 127\.0\.0\.1:[0-9]+: '
}

@test "connect with a pipe on stdin (read path) while the server resets: exit 1, its 1000 bytes all out" {
	local big
	big=$(big_file big 9M)
	start_bg s python3 "$PEER" rst-server 1000 1048576
	port=$(wait_for_port s)
	run -1 --separate-stderr timeout 20 bash -c 'cat "$2" | "$0" connect 127.0.0.1 "$1"' "$TCPTOOL" "$port" "$big"
	assert_equal "$output" "$(printf 'x%.0s' {1..1000})"
	assert_regex "$stderr" 'peer reset the connection \(RST\)'
	assert_regex "$stderr" '; reset by the peer \(RST\)'
	assert_regex "$stderr" 'tcptool: connection broke: (Connection reset by peer|Broken pipe)'
	assert_bg_exit s 0
}

# shutdown_into_rst_sink ARGS...: in a namespace whose send buffers stop at
# 16 KiB, a peer that reads 1000 bytes and resets (its small window and MSS
# hold little more), and "tcptool shutdown ARGS 127.0.0.1 PORT" against it:
# a 120000-byte text cannot all be written before the reset.  The peer's
# output goes to $(D p.out).  Call need_netns first (outside run).
shutdown_into_rst_sink() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	in_small_sndbuf_netns bash -c '
		python3 "$0" rst-sink 1000 >"$1/p.out" 2>"$1/p.err" &
		for _ in {1..200}; do
			port=$(sed -nE "s/^listening on .*:([0-9]+)\$/\1/p" "$1/p.err")
			[[ -n $port ]] && break
			sleep 0.05
		done
		timeout 10 "${@:2}" 127.0.0.1 "$port"
		rc=$?
		wait
		exit $rc' "$FAULT" "$BATS_TEST_TMPDIR" "$TCPTOOL" shutdown "$@"
}

@test "shutdown: the peer resets while a 120000-byte --send is being written: reset told, exit 1" {
	local text
	text=$(printf 'z%.0s' {1..120000})
	need_netns
	SECONDS=0
	run -1 --separate-stderr shutdown_into_rst_sink --send "$text" --after 30s
	((SECONDS < 10)) || fail "--after did not end at the reset"
	assert_equal "$stderr" "tcptool: shutdown(SHUT_WR): the connection was already reset"
	assert_line --regexp '^t\+[0-9.]+ m?s +peer RST: the peer aborted the connection; reads and writes now fail \(Connection reset by peer\)$'
	assert_line --index -1 --regexp '^t\+[0-9.]+ m?s +close\(\): nothing of the connection is left in the kernel$'
	refute_output --partial 'shutdown('
	assert_equal "$(cat "$(D p.out)")" "got 1000"
}

@test "shutdown: a --send text cut short by the peer's RST is told, with how much went out" {
	local text
	text=$(printf 'z%.0s' {1..120000})
	need_netns
	run -1 --separate-stderr shutdown_into_rst_sink --send "$text"
	assert_line --regexp '^t\+[0-9.]+ m?s +write failed after [0-9]+ of 120000 bytes: Connection reset by peer$'
	assert_equal "$(cat "$(D p.out)")" "got 1000"
}

# --- out of descriptors -------------------------------------------------------------------
# ld.so needs descriptor 3 to load libc, so ulimit -n 4 is the tiniest
# limit tcptool starts under.  Lower limits are set on the running
# process with prlimit.

@test "connect -c and -z under ulimit -n 4: one descriptor, every probe still made" {
	skip_under_valgrind "valgrind takes descriptors of its own from a tiny ulimit -n"
	start_server s echo -b 127.0.0.1 0
	run -0 --separate-stderr with_nofile 4 "$TCPTOOL" connect -c 3 -i 10ms 127.0.0.1 "$port"
	assert_equal "$stderr" ""
	assert_equal "$(grep -c "^probe [123]: connected to 127\.0\.0\.1:$port from " <<<"$output")" 3
	assert_line --index 3 "--- 127.0.0.1:$port: 3 handshakes, 3 connected, 0 failed (0%)"
	run -1 --separate-stderr with_nofile 4 "$TCPTOOL" connect -z 127.0.0.1 "$((port - 1))-$((port + 1))"
	assert_equal "$stderr" ""
	assert_line --index 1 --regexp "^127\.0\.0\.1:$port open: handshake in "
	assert_line --index 3 --regexp '^3 ports: 1 open, 2 (refused|refused, .*)$'
}

@test "connect -c: descriptors taken away mid-run (prlimit): those probes fail with EMFILE, the rest connect, exit 1" {
	need_tool prlimit util-linux
	start_server s echo -b 127.0.0.1 0
	start_sig c "$TCPTOOL" connect -c 0 -i 20ms 127.0.0.1 "$port"
	local pid
	pid=$(bg_pid c)
	wait_for_line c.out '^probe 2: connected'
	prlimit --pid "$pid" --nofile=3:
	wait_for_line c.out "^probe [0-9]+: 127\.0\.0\.1:$port failed after [0-9.]+ m?s: Too many open files\$"
	prlimit --pid "$pid" --nofile=1024:
	local failed
	failed=$(grep -c 'Too many open files' "$(D c.out)")
	# A probe connects again after the failures.
	wait_for_line c.out "^probe $((failed + 3)): connected|^probe [0-9]{2,}: connected"
	kill -INT "$pid"
	assert_bg_exit c 1
	failed=$(grep -c 'Too many open files' "$(D c.out)")
	# The summary's first line (the percentiles and the histogram follow it).
	run -0 grep '^--- ' "$(D c.out)"
	assert_line --index 0 --regexp "^--- 127\.0\.0\.1:$port: [0-9]+ handshakes, [0-9]+ connected, $failed failed \([0-9]+%\): $failed other errors? \(interrupted\)\$"
	grep -qE "^longest outage: $failed probes? in a row, " "$(D c.out)" || fail "$(cat "$(D c.out)")"
	assert_equal "$(cat "$(D c.err)")" ""
}

# The trigger depends on the moment prlimit lands (while handshakes are in
# flight), so five rounds.
@test "connect -z: descriptors taken away mid-run (prlimit): EMFILE per port, and a summary that adds up" {
	skip_under_valgrind "valgrind takes descriptors of its own from a tiny ulimit -n"
	need_tool prlimit util-linux
	# LeakSanitizer needs descriptors of its own at exit, and this leaves it none.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	local round probed counted
	for round in 1 2 3 4 5; do
		start_sig "z$round" "$TCPTOOL" connect -z 127.0.0.2 1-20000
		wait_for_line "z$round.out" '^127\.0\.0\.2:'
		prlimit --pid "$(bg_pid "z$round")" --nofile=3:
		assert_bg_exit "z$round" 1 300
		run -0 cat "$(D "z$round.err")"
		refute_output --partial 'Invalid argument'
		probed=$(grep -c '^127\.0\.0\.2:' "$(D "z$round.out")")
		run -0 tail -n 1 "$(D "z$round.out")"
		# "N ports: A open, B refused, C other errors": A + B + C lines were printed.
		counted=$(grep -oE '[0-9]+ (open|refused|other errors?)' <<<"$output" | awk '{ n += $1 } END { print n + 0 }')
		((counted == probed)) || fail "the summary '$output' counts $counted ports, $probed were printed"
	done
}

@test "listen under ulimit -n 4: no descriptor for a client; exit 1 at once with accept's error" {
	skip_under_valgrind "valgrind takes descriptors of its own from a tiny ulimit -n"
	run -1 --separate-stderr with_nofile 4 "$TCPTOOL" listen -b 127.0.0.1 0
	assert_equal "$output" ""
	assert_regex "${stderr_lines[0]}" '^listening on 127\.0\.0\.1:[0-9]+$'
	assert_equal "${stderr_lines[1]}" "tcptool: accept: Too many open files"
	assert_equal "${#stderr_lines[@]}" 2
}

@test "no descriptor for splice's pipe (ulimit -n 5 for listen, 4 for connect): 9 MiB into a file, byte for byte" {
	skip_under_valgrind "valgrind takes descriptors of its own from a tiny ulimit -n"
	local big sum
	big=$(big_file big 9M)
	sum=$(sha256sum <"$big" | cut -d' ' -f1)
	start_bg l bash -c "$NOFILE" 5 "$TCPTOOL" listen -b 127.0.0.1 0
	port=$(wait_for_port l)
	run -0 --separate-stderr tt connect --half-close 127.0.0.1 "$port" <"$big"
	assert_bg_exit l 0
	assert_equal "$(sha256sum <"$(D l.out)" | cut -d' ' -f1)" "$sum"

	LISTEN_STDIN=$big start_listener l2 --half-close -b 127.0.0.1 0
	with_nofile 4 "$TCPTOOL" connect 127.0.0.1 "$port" </dev/null >"$(D c.out)" 2>"$(D c.err)" ||
		fail "connect: $(cat "$(D c.err)")"
	assert_equal "$(sha256sum <"$(D c.out)" | cut -d' ' -f1)" "$sum"
	assert_bg_exit l2 0
}

@test "echo and ack under ulimit -n 4 and 5: no room for the event loop, exit 1 with one line" {
	skip_under_valgrind "valgrind takes descriptors of its own from a tiny ulimit -n"
	local cmd n
	for cmd in echo ack; do
		for n in 4 5; do
			run -1 --separate-stderr with_nofile "$n" "$TCPTOOL" "$cmd" -b 127.0.0.1 0
			assert_equal "$stderr" "tcptool: cannot set up the event loop: Too many open files"
		done
	done
}

@test "ack: descriptors taken away (prlimit): accept pauses, the waiting client is served once they are back" {
	need_tool prlimit util-linux
	start_server s ack -b 127.0.0.1 0
	local pid
	pid=$(bg_pid s)
	start_bg h python3 "$FAULT" fd-holder 127.0.0.1 "$port" 2
	wait_for_line h.out '^held 2$'
	wait_for_count s.out '^connection from ' 2
	prlimit --pid "$pid" --nofile="$(lowest_free_fd "$pid"):"
	start_bg -i <(printf 'waiting') c "$TCPTOOL" -q connect --half-close 127.0.0.1 "$port"
	wait_for_line s.out '^cannot accept with 2 clients open \(Too many open files\): new clients wait in the accept queue until a descriptor frees up$'
	wait_for_accept_queue "$port" 1
	bg_running c
	prlimit --pid "$pid" --nofile=1024:
	assert_bg_exit c 0
	assert_equal "$(cat "$(D c.out)")" ACK!
	run -0 grep -c '^connection from ' "$(D s.out)"
	assert_output 3
	kill -TERM "$pid"
	assert_bg_exit s 0
	run -0 tail -n 1 "$(D s.out)"
	assert_output --regexp '^stopped by SIGTERM after [0-9.]+ m?s: 3 connections, '
}

@test "echo under ulimit -n 6: no room for any client, and the fd_limit line says so" {
	skip_under_valgrind "valgrind takes descriptors of its own from a tiny ulimit -n"
	start_bg s bash -c "$NOFILE" 6 "$TCPTOOL" echo -b 127.0.0.1 0
	port=$(server_port s)
	wait_for_line s.out '^the open-file limit \(ulimit -n 6\) leaves room for 0 clients, fewer than --max-conns 1024; '
}

# --- standard output that fails -----------------------------------------------------------

@test "listen and connect with stdout on /dev/full: exit 1, write to stdout: No space left on device" {
	start_bg l bash -c 'exec "$0" listen -b 127.0.0.1 0 >/dev/full' "$TCPTOOL"
	port=$(wait_for_port l)
	run -0 --separate-stderr tt connect --half-close --send hello 127.0.0.1 "$port"
	assert_bg_exit l 1
	run -0 tail -n 1 "$(D l.err)"
	assert_output "tcptool: write to stdout: No space left on device"

	printf 'hello' >"$(D in)"
	LISTEN_STDIN=$(D in) start_listener l2 --half-close -b 127.0.0.1 0
	run -1 --separate-stderr timeout 10 bash -c 'exec "$0" connect 127.0.0.1 "$1" </dev/null >/dev/full' "$TCPTOOL" "$port"
	assert_equal "${stderr_lines[-1]}" "tcptool: write to stdout: No space left on device"
	wait_bg l2 || true
}

@test "echo and ack with stdout on /dev/full: exit 1 at once, one line" {
	local cmd
	for cmd in echo ack; do
		run -1 --separate-stderr timeout 10 bash -c 'exec "$0" "$1" -b 127.0.0.1 0 >/dev/full' "$TCPTOOL" "$cmd"
		assert_equal "$stderr" "tcptool: write to the event stream: No space left on device"
	done
}

@test "ack | head -c 10: once the reader is gone, the server says so and exits 1" {
	start_bg s bash -c '"$0" ack -b 127.0.0.1 0 | head -c 10 >"$1"; exit "${PIPESTATUS[0]}"' "$TCPTOOL" "$(D first)"
	wait_for_line first '^listening'
	local p kids
	# The port is cut off: find it from the socket the server (a child of that bash) listens on.
	for _ in {1..100}; do
		kids=$(pgrep -d '|' -P "$(bg_pid s)")
		p=$(ss -Htlnp | awk -v who="pid=(${kids:-none})," '$0 ~ who && /127\.0\.0\.1:/ { sub(/.*:/, "", $4); print $4; exit }')
		[[ -n $p ]] && break
		sleep 0.05
	done
	[[ -n $p ]] || fail "no ack listener found"
	tt -q connect --half-close --send x 127.0.0.1 "$p" >/dev/null 2>&1 || true
	assert_bg_exit s 1
	assert_equal "$(cat "$(D first)")" "listening "
	assert_equal "$(cat "$(D s.err)")" "tcptool: write to the event stream: Broken pipe"
}

@test "info -a, -l and HOST PORT with stdout on /dev/full (less than a buffer of output): exit 1 with the error" {
	start_server s echo -b 127.0.0.1 0
	run -1 --separate-stderr timeout 10 bash -c 'exec "$0" info -a --port "$1" >/dev/full' "$TCPTOOL" "$port"
	assert_equal "$stderr" "tcptool: write to stdout: No space left on device"
	run -1 --separate-stderr timeout 10 bash -c 'exec "$0" --json info -l --port "$1" >/dev/full' "$TCPTOOL" "$port"
	assert_equal "$stderr" "tcptool: write to stdout: No space left on device"
	run -1 --separate-stderr timeout 10 bash -c 'exec "$0" info 127.0.0.1 "$1" >/dev/full' "$TCPTOOL" "$port"
	assert_equal "$stderr" "tcptool: write to stdout: No space left on device"
}

@test "info -a | head -c 10 with 2000 sockets to list: exit 1, Broken pipe, no hang" {
	start_server s echo -b 127.0.0.1 0
	start_bg h python3 "$BATS_TEST_DIRNAME/helpers/clients.py" hold 127.0.0.1 "$port" 1000
	wait_for_line h.out '^held 1000$' 400
	# Only this test's sockets (both ends of each connection): another
	# user's socket would add a note on stderr for a user who is not root.
	run -0 timeout 20 bash -c '"$0" info -a --port "$2" 2>"$1" | head -c 10; s=${PIPESTATUS[0]}; echo; echo "status $s"' \
		"$TCPTOOL" "$(D err)" "$port"
	assert_line --index 0 "STATE     "
	assert_line --index 1 "status 1"
	assert_equal "$(cat "$(D err)")" "tcptool: write to stdout: Broken pipe"
}

@test "info --system with stdout on /dev/full (more than a buffer of output): exit 1, and the error names errno" {
	run -1 --separate-stderr timeout 10 bash -c 'exec "$0" info --system >/dev/full' "$TCPTOOL"
	assert_equal "$stderr" "tcptool: write to stdout: No space left on device"
}
