#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets output; bash -c scripts in single quotes
# Least privilege: tcptool keeps a capability only while its setup needs it
# (CAP_NET_RAW until the capture is open, CAP_NET_BIND_SERVICE until its
# port is bound, the /proc readers for info's socket list) and runs on with
# none, as /proc/PID/status shows.  A copy of tcptool that setcap gave
# cap_net_raw runs as nobody; the rest runs as root.

setup() {
	load helpers/common
	_common_setup
}

teardown() {
	_common_teardown
	if [[ -f $BATS_TEST_TMPDIR/copy.dir ]]; then
		rm -rf "$(cat "$BATS_TEST_TMPDIR/copy.dir")"
	fi
	return 0
}

NONE=0000000000000000

# cap_field PID NAME: a line of /proc/PID/status (CapEff, CapPrm, NoNewPrivs...), its value.
cap_field() {
	awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"
}

# has_cap N: the test's shell holds capability number N (effective).
has_cap() {
	local eff
	eff=$(cap_field self CapEff)
	(((0x$eff >> $1) & 1))
}

# assert_no_caps NAME: the start_bg process NAME still runs, with no
# capability effective or permitted, and no_new_privs set.
assert_no_caps() {
	local pid
	pid=$(bg_pid "$1")
	bg_running "$1" || fail "$1 ended early"$'\n'"$(show "$1")"
	assert_equal "$1: CapEff $(cap_field "$pid" CapEff) CapPrm $(cap_field "$pid" CapPrm)" \
		"$1: CapEff $NONE CapPrm $NONE"
	assert_equal "$1: NoNewPrivs $(cap_field "$pid" NoNewPrivs)" "$1: NoNewPrivs 1"
}

need_root() {
	[[ $(id -u) == 0 ]] || skip "needs root: $1"
}

# copy_for_nobody [CAPS]: a copy of tcptool named tcptool, in a folder of
# its own under /tmp that user nobody may read, given CAPS (cap_net_raw+ep)
# with setcap when set; sets COPY, and NOBODY to the command that runs its
# arguments as user nobody, with no groups.  Skips, with the reason, where
# it cannot.
copy_for_nobody() {
	need_root "runs tcptool as another user"
	need_tool setpriv util-linux
	NOBODY=(setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups)
	[[ -z ${1:-} ]] ||
		skip_under_valgrind "file capabilities apply to the program execve runs, not to one valgrind loads"
	local dir
	dir=$(mktemp -d /tmp/tcptool-privilege.XXXXXX)
	echo "$dir" >"$BATS_TEST_TMPDIR/copy.dir"
	chmod 755 "$dir"
	COPY=$dir/tcptool
	cp "${TCPTOOL_UNDER_VALGRIND:-$TCPTOOL}" "$COPY"
	chmod 755 "$COPY"
	"${NOBODY[@]}" "$COPY" --version >/dev/null 2>&1 || skip "user nobody cannot run $COPY"
	[[ -n ${1:-} ]] || return 0
	need_tool setcap libcap2-bin
	need_tool findmnt util-linux
	if findmnt -no OPTIONS -T "$dir" | tr , '\n' | grep -qx nosuid; then
		skip "$dir is on a nosuid mount, where file capabilities do not apply"
	fi
	setcap "$1" "$COPY" 2>"$BATS_TEST_TMPDIR/setcap.err" ||
		skip "setcap cannot give $COPY $1 here: $(cat "$BATS_TEST_TMPDIR/setcap.err")"
}

# start_on_low_port NAME OUT COMMAND [ARGS...]: starts "tcptool COMMAND ARGS
# -b 127.0.0.1 PORT" on the first port below 1024 (from 1023 down) where no
# socket is and its bind succeeds, as NAME followed by the port; OUT is the
# file its "listening on" line goes to (err or out).  Sets port, and low to
# the start_bg name.
start_on_low_port() {
	local name=$1 out=$2 p
	shift 2
	for p in {1023..1000}; do
		[[ -z $(ss -Htan "sport = :$p") ]] || continue
		start_bg "$name$p" "$TCPTOOL" "$@" -b 127.0.0.1 "$p"
		wait_for_line "$name$p.$out" '^listening on |^tcptool: ' 2>/dev/null || continue
		if grep -q '^listening on ' "$(D "$name$p.$out")"; then
			port=$p low=$name$p
			return 0
		fi
	done
	fail "no port from 1023 down to 1000 could be bound"
}

# free_low_port: a port below 1024 that no socket on this host uses.
free_low_port() {
	local p
	for p in {999..900}; do
		[[ -z $(ss -Htan "sport = :$p or dport = :$p") ]] && echo "$p" && return 0
	done
	return 1
}

# --- a setcap'd copy, run by nobody ----------------------------------------------

@test "nobody, a copy with cap_net_raw: connect --trace captures, then runs with no capability" {
	need_capture
	copy_for_nobody cap_net_raw+ep
	(((0x$(cap_field self CapBnd) >> 13) & 1)) || skip "CAP_NET_RAW is not in the bounding set here"
	start_listener l -b 127.0.0.1 0
	start_bg c "${NOBODY[@]}" "$COPY" connect --trace 127.0.0.1 "$port"
	wait_for_line c.err "connected to 127\.0\.0\.1:$port "
	# It holds the connection open, and nothing back.
	assert_no_caps c
	# The capture opened with the copy's CAP_NET_RAW, which nobody has otherwise.
	grep -qE " SYN +127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:$port " "$(D c.err)" || fail "no SYN"$'\n'"$(show c)"
	grep -qE " SYN-ACK +127\.0\.0\.1:$port > " "$(D c.err)" || fail "no SYN-ACK"$'\n'"$(show c)"
}

@test "nobody, a copy with cap_net_raw: connect without --trace has no capability before its handshake" {
	copy_for_nobody cap_net_raw+ep
	# A listener whose queue is full answers no SYN: the handshake hangs.
	start_full_listener
	start_bg c "${NOBODY[@]}" "$COPY" connect -w 30s 127.0.0.1 "$port"
	local n=200
	while ((n-- > 0)) && [[ -z $(ss -Htn state syn-sent "dport = :$port") ]]; do
		sleep 0.05
	done
	[[ -n $(ss -Htn state syn-sent "dport = :$port") ]] || fail "no SYN_SENT socket"$'\n'"$(show c)"
	assert_no_caps c
}

# --- root ---------------------------------------------------------------------------

@test "root: listen 0 holds no capability once it listens" {
	need_root "starts with every capability"
	start_listener l -b 127.0.0.1 0
	assert_no_caps l
}

@test "root: listen --trace 0 holds no capability once it listens, and still captures" {
	need_capture
	# Under --trace the events carry a time stamp first.
	start_bg l "$TCPTOOL" listen --trace -b 127.0.0.1 0
	wait_for_line l.err ' listening on 127\.0\.0\.1:[0-9]+$'
	port=$(sed -nE 's/.* listening on 127\.0\.0\.1:([0-9]+)$/\1/p' "$(D l.err)")
	assert_no_caps l
	run -0 tt connect --half-close --send hi 127.0.0.1 "$port"
	wait_for_line l.err " SYN +127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:$port "
	assert_bg_exit l 0
	assert_equal "$(cat "$(D l.out)")" "hi"
}

@test "root: listen on a port below 1024 binds it, then holds no capability" {
	need_root "binds a privileged port"
	start_on_low_port l err listen
	assert_no_caps "$low"
	run -0 tt connect --half-close --send hi 127.0.0.1 "$port"
	assert_bg_exit "$low" 0
	assert_equal "$(cat "$(D "$low.out")")" "hi"
}

@test "root: echo and ack on a port below 1024 bind it, then hold no capability" {
	need_root "binds a privileged port"
	start_on_low_port e out echo
	assert_no_caps "$low"
	run -0 --separate-stderr tt connect --half-close --send hi 127.0.0.1 "$port"
	assert_output "hi"
	start_on_low_port a out ack
	assert_no_caps "$low"
	run -0 --separate-stderr tt connect --half-close --send hi 127.0.0.1 "$port"
	assert_output "ACK!"
}

@test "root: connect -p from a port below 1024, then no capability" {
	need_root "binds a privileged port"
	local p
	p=$(free_low_port) || skip "every port from 999 down to 900 is in use"
	start_listener l -b 127.0.0.1 0
	start_bg c "$TCPTOOL" connect -p "$p" 127.0.0.1 "$port"
	wait_for_line c.err "connected to 127\.0\.0\.1:$port from 127\.0\.0\.1:$p "
	assert_no_caps c
}

@test "root: connect -c -p keeps CAP_NET_BIND_SERVICE alone, since every probe binds the port" {
	need_root "binds a privileged port"
	local p pid
	p=$(free_low_port) || skip "every port from 999 down to 900 is in use"
	start_listener l -k -b 127.0.0.1 0
	start_bg c "$TCPTOOL" connect -c 0 -i 200ms -p "$p" 127.0.0.1 "$port"
	wait_for_line c.out "^probe 1: connected to 127\.0\.0\.1:$port from 127\.0\.0\.1:$p "
	pid=$(bg_pid c)
	# Bit 10.
	assert_equal "CapEff $(cap_field "$pid" CapEff) CapPrm $(cap_field "$pid" CapPrm)" \
		"CapEff 0000000000000400 CapPrm 0000000000000400"
}

@test "root: info -l names the owner of another user's socket; info --watch keeps only what reads /proc/PID/fd" {
	need_root "looks into another user's /proc/PID/fd"
	# CAP_SYS_PTRACE (19) for the links; CAP_DAC_READ_SEARCH (2), else CAP_DAC_OVERRIDE (1), for the folder.
	has_cap 19 || skip "root here lacks CAP_SYS_PTRACE"
	local dac
	if has_cap 2; then dac=2; elif has_cap 1; then dac=1; else skip "root here lacks CAP_DAC_READ_SEARCH and CAP_DAC_OVERRIDE"; fi
	copy_for_nobody
	start_bg n "${NOBODY[@]}" "$COPY" listen -b 127.0.0.1 0
	port=$(wait_for_port n)
	run -0 tt info -l --port "$port"
	assert_line --regexp "^LISTEN .* 127\.0\.0\.1:$port .* tcptool \(pid $(bg_pid n), fd [0-9]+\)$"
	start_bg w "$TCPTOOL" info --watch 30s -l --port "$port"
	wait_for_line w.out ' socket'
	local want
	want=$(printf '%016x' $(((1 << 19) | (1 << dac))))
	assert_equal "CapEff $(cap_field "$(bg_pid w)" CapEff) CapPrm $(cap_field "$(bg_pid w)" CapPrm)" \
		"CapEff $want CapPrm $want"
}

@test "root: trace FILE holds no capability while it reads" {
	need_root "starts with every capability"
	local fifo
	fifo=$(D capture.fifo)
	mkfifo "$fifo"
	# The writer's open returns once tcptool has opened the FIFO to read it; then it waits for bytes.
	start_bg t "$TCPTOOL" trace "$fifo"
	start_bg w bash -c 'exec 7>"$1" && echo opened && exec sleep 60' writer "$fifo"
	local n=200
	while ((n-- > 0)) && bg_running t && ! grep -q opened "$(D w.out)"; do
		sleep 0.05
	done
	grep -q opened "$(D w.out)" || skip "tcptool trace did not open the FIFO: $(cat "$(D t.err)")"
	assert_no_caps t
}
