# Shared helpers for the tcptool bats suites: loading the libraries,
# background processes in their own process groups, bounded waits for
# listeners, and a teardown that leaves nothing running.
#
# Every wait here is bounded.  Background processes get fd 3 closed (bats
# waits for fd 3 otherwise) and write to files in $BATS_TEST_TMPDIR.
# Tests keep their own FIFO and /dev/tcp descriptors on fds 7-9.

_common_setup() {
	bats_require_minimum_version 1.5.0
	bats_load_library bats-support
	bats_load_library bats-assert

	ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	# shellcheck disable=SC2034 # read by docs.bats and completion.bats
	MAN=$ROOT/man/tcptool.1 COMPDIR=$ROOT/completions
	: "${TCPTOOL:=$ROOT/tcptool}"
	export TCPTOOL
	PEER="$BATS_TEST_DIRNAME/helpers/peer.py"
	# Foreground network commands run under this bound (seconds).
	T_MAX=${T_MAX:-10}
	[[ -x $TCPTOOL ]] || fail "no tcptool binary at '$TCPTOOL' (run make, or set TCPTOOL)"
}

_common_teardown() {
	# Close the fds a test may have opened on FIFOs or /dev/tcp (bats
	# itself uses 3 and 4).
	exec 7>&- 8>&- 9>&-
	stop_all_bg
	# The network namespaces two_hosts made.
	local ns
	if [[ -f $BATS_TEST_TMPDIR/netns ]]; then
		while read -r ns; do
			ip netns del "$ns" 2>/dev/null
		done <"$BATS_TEST_TMPDIR/netns"
	fi
	return 0
}

# start_bg [-i FILE] NAME CMD [ARGS...]
# Starts CMD in the background in a new session (so in its own process
# group, whose id is its pid), stdin from FILE (default /dev/null), stdout
# and stderr to $BATS_TEST_TMPDIR/NAME.out and NAME.err.  The pid goes to
# NAME.pid and to the list that stop_all_bg empties.
start_bg() {
	local in=/dev/null
	if [[ $1 == -i ]]; then
		in=$2
		shift 2
	fi
	local name=$1
	shift
	local d=$BATS_TEST_TMPDIR
	: >"$d/$name.out"
	: >"$d/$name.err"
	# bats runs without job control, so setsid needs no fork and $! is the
	# process itself: its pid is also its process group id.
	setsid "$@" <"$in" >"$d/$name.out" 2>"$d/$name.err" 3>&- 7>&- 8>&- 9>&- &
	local pid=$!
	echo "$pid" >"$d/$name.pid"
	echo "$pid" >>"$d/bg.pids"
}

# D NAME: the path of NAME in this test's own temporary folder.
D() {
	echo "$BATS_TEST_TMPDIR/$1"
}

# bg_pid NAME: the pid of a process started with start_bg.
bg_pid() {
	cat "$BATS_TEST_TMPDIR/$1.pid"
}

# wait_bg NAME [TENTHS]: waits (bounded, default 10 s) for a start_bg
# process to end and returns its exit status; 124 if it is still running.
# Call it directly, never through `run`: a subshell cannot wait for it.
wait_bg() {
	local pid n=${2:-100}
	pid=$(bg_pid "$1")
	while ((n-- > 0)) && bg_running "$1"; do
		sleep 0.1
	done
	if bg_running "$1"; then
		echo "# $1 (pid $pid) still running" >&2
		return 124
	fi
	local rc=0
	wait "$pid" || rc=$?
	return "$rc"
}

# assert_bg_exit NAME STATUS [TENTHS]: the start_bg process NAME ends
# (bounded wait) with exit status STATUS.
assert_bg_exit() {
	local rc=0
	wait_bg "$1" "${3:-}" || rc=$?
	((rc == $2)) || fail "$1 exited with $rc, expected $2"$'\n'"$(show "$1")"
}

# bg_running NAME: true while the process is alive (and not a zombie).
bg_running() {
	local pid
	pid=$(bg_pid "$1")
	kill -0 "$pid" 2>/dev/null && [[ $(ps -o stat= -p "$pid" 2>/dev/null) != Z* ]]
}

# stop_all_bg: TERM then KILL every process group start_bg created.
stop_all_bg() {
	local f=$BATS_TEST_TMPDIR/bg.pids pid
	[[ -f $f ]] || return 0
	while read -r pid; do
		kill -TERM -- "-$pid" 2>/dev/null || continue
		for _ in {1..20}; do
			kill -0 -- "-$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL -- "-$pid" 2>/dev/null
	done <"$f"
	while read -r pid; do
		wait "$pid" 2>/dev/null
	done <"$f"
	rm -f "$f"
	return 0
}

# wait_for_port FILE|NAME [TRIES]: prints the port of the first
# "listening on ADDR:PORT" line (or JSON "listening" event) in FILE, or in
# $BATS_TEST_TMPDIR/NAME.err.  Polls TRIES times (default 200) every 0.05 s;
# fails with the file's content when no such line appears.
wait_for_port() {
	local f=$1 line
	[[ $f == */* ]] || f=$BATS_TEST_TMPDIR/$f.err
	wait_for_line "$f" '^listening on |"event":"listening"' "${2:-200}" || return 1
	line=$(grep -m1 -E '^listening on |"event":"listening"' "$f")
	sed -nE 's/^listening on .*:([0-9]+)( \(IPv4 and IPv6\))?$/\1/p;
		s/.*"local":"[^"]*:([0-9]+)".*/\1/p' <<<"$line"
}

# wait_for_line FILE|NAME.err REGEX [TRIES]: waits (bounded) until a line of
# the file matches the extended REGEX.
wait_for_line() {
	local f=$1 re=$2 n=${3:-200}
	[[ $f == */* ]] || f=$BATS_TEST_TMPDIR/$f
	while ((n-- > 0)); do
		grep -qE -- "$re" "$f" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "# no line matching '$re' in $f:" >&2
	sed 's/^/#   /' "$f" >&2 2>/dev/null
	return 1
}

# wait_for_count FILE|NAME REGEX COUNT [TRIES]: waits (bounded) until COUNT
# lines of the file match the extended REGEX.
wait_for_count() {
	local f=$1 re=$2 want=$3 n=${4:-200} got
	[[ $f == */* ]] || f=$BATS_TEST_TMPDIR/$f
	while ((n-- > 0)); do
		got=$(grep -cE -- "$re" "$f" 2>/dev/null) || got=0
		((got >= want)) && return 0
		sleep 0.05
	done
	echo "# $got lines matching '$re' in $f, not $want" >&2
	return 1
}

# wait_for_listen PORT [TRIES]: waits until something listens on PORT,
# without connecting to it (a one-shot listener would take that as its
# client): polls ss.
wait_for_listen() {
	local p=$1 n=${2:-200}
	while ((n-- > 0)); do
		[[ -n $(ss -Htln "sport = :$p") ]] && return 0
		sleep 0.05
	done
	echo "# nothing listens on port $p" >&2
	return 1
}

# wait_for_accept_queue PORT N [TRIES]: waits until the listener on PORT
# has N connections in its accept queue (ss shows them as Recv-Q).
wait_for_accept_queue() {
	local p=$1 want=$2 n=${3:-200} q
	while ((n-- > 0)); do
		q=$(ss -Htln "sport = :$p" | awk 'NR == 1 { print $2 }')
		[[ $q == "$want" ]] && return 0
		sleep 0.05
	done
	echo "# accept queue of port $p: '${q:-none}', not $want" >&2
	return 1
}

# free_port [ADDR]: a port that was free on ADDR (default 127.0.0.1) a
# moment ago.  Racy, so only for tools that cannot pick their own port.
free_port() {
	python3 "$PEER" free-port "${1:-127.0.0.1}"
}

# start_full_listener: a listener whose accept queue is full, so new SYNs
# go unanswered (a way to make a connect time out on loopback); sets $port.
start_full_listener() {
	start_listener l --backlog 0 --accept-delay 60s -b 127.0.0.1 0
	# With backlog 0 Linux queues one connection (it admits backlog + 1):
	# one idle client fills the queue, and later SYNs are dropped.
	start_bg f1 python3 "$PEER" idle-client 127.0.0.1 "$port"
	wait_for_line f1.out '^connected$'
	wait_for_accept_queue "$port" 1
}

# start_listener NAME [TCPTOOL ARGS...]: starts "tcptool listen ARGS" as
# NAME (stdin from $LISTEN_STDIN, default /dev/null) and sets $port.
start_listener() {
	local name=$1
	shift
	start_bg -i "${LISTEN_STDIN:-/dev/null}" "$name" "$TCPTOOL" listen "$@"
	# shellcheck disable=SC2034 # the tests read $port
	port=$(wait_for_port "$name")
}

# start_server NAME COMMAND [ARGS...]: starts "tcptool COMMAND ARGS" (echo,
# ack: their events go to stdout) as NAME and sets $port.
start_server() {
	local name=$1
	shift
	start_bg "$name" "$TCPTOOL" "$@"
	# shellcheck disable=SC2034 # the tests read $port
	port=$(wait_for_port "$(D "$name.out")")
}

# clients ARGS...: the many-clients driver, bounded by timeout.
clients() {
	timeout -k 1 60 python3 "$BATS_TEST_DIRNAME/helpers/clients.py" "$@"
}

# rss_kib PID: the resident memory of a process, in KiB.
rss_kib() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# tt ARGS...: tcptool in the foreground, bounded by timeout.
tt() {
	timeout -k 1 "$T_MAX" "$TCPTOOL" "$@"
}

# show NAME: prints a background process's stderr and stdout sizes, for
# failure output.
show() {
	local d=$BATS_TEST_TMPDIR
	echo "--- $1 stderr:"
	cat "$d/$1.err" 2>/dev/null
	echo "--- $1 stdout: $(wc -c <"$d/$1.out" 2>/dev/null) bytes"
}

# json_check FILE PYTHON-EXPR...: every line of FILE must be a JSON object;
# each expression (over 'ev', a dict from event name to the list of objects
# with that name) must be true.
json_check() {
	local f=$1
	shift
	python3 - "$f" "$@" <<'EOF'
import json, sys
path, exprs = sys.argv[1], sys.argv[2:]
ev = {}
with open(path) as fh:
    for n, line in enumerate(fh, 1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            sys.exit("line %d is not JSON (%s): %r" % (n, e, line))
        if not isinstance(obj, dict) or "event" not in obj or "t" not in obj:
            sys.exit("line %d lacks event or t: %r" % (n, line))
        ev.setdefault(obj["event"], []).append(obj)
for e in exprs:
    if not eval(e, {"ev": ev}):
        sys.exit("false: %s\nevents: %s" % (e, json.dumps(ev, indent=1)))
EOF
}

# big_file NAME SIZE: a file of SIZE (head -c syntax) random bytes, made
# once per .bats file.
big_file() {
	local f=$BATS_FILE_TMPDIR/$1
	[[ -s $f ]] || head -c "$2" /dev/urandom >"$f"
	echo "$f"
}

# can_unshare_net: true when we may create a network namespace.
can_unshare_net() {
	unshare -n true 2>/dev/null
}

# localhost_in_hosts [ADDR]: true when /etc/hosts names localhost (for ADDR,
# if given) and the hosts database reads files first, so that resolving
# "localhost" never sends a DNS query.
localhost_in_hosts() {
	grep -qE '^hosts:[[:space:]]+files' /etc/nsswitch.conf 2>/dev/null || return 1
	awk -v want="${1:-}" '!/^[[:space:]]*#/ && (want == "" || $1 == want) {
		for (i = 2; i <= NF; i++) if ($i == "localhost") found = 1 }
		END { exit !found }' /etc/hosts
}

# need_netns: sets NETNS to the command that runs its arguments in a new
# network namespace (unshare -n as root, else unshare -rn), or skips.
need_netns() {
	if can_unshare_net; then
		NETNS=(unshare -n)
	elif unshare -rn true 2>/dev/null; then
		NETNS=(unshare -rn)
	else
		skip "no network namespace may be made here"
	fi
}

# two_hosts NET: namespaces A and B joined by a veth pair (IF_A NET.1,
# IF_B NET.2, NET such as 10.201.0); sets NS_A, NS_B, IF_A, IF_B, and IN_A
# and IN_B to the commands that run their arguments in A or B.  Unlike ip
# netns exec (and ip -n), nsenter makes no mounts, so they also work where
# / is not a mount point (a chroot).  _common_teardown deletes them.  Skips
# where it cannot.
two_hosts() {
	local net=$1 tag=$$x$BATS_TEST_NUMBER ns
	need_tool ip iproute2
	[[ $(id -u) == 0 ]] || skip "making network namespaces with a veth pair needs root"
	NS_A=tha$tag NS_B=thb$tag IF_A=tva$tag IF_B=tvb$tag
	IN_A=(nsenter "--net=/run/netns/$NS_A") IN_B=(nsenter "--net=/run/netns/$NS_B")
	ip netns add "$NS_A" 2>/dev/null || skip "cannot make a network namespace here"
	echo "$NS_A" >>"$BATS_TEST_TMPDIR/netns"
	ip netns add "$NS_B"
	echo "$NS_B" >>"$BATS_TEST_TMPDIR/netns"
	ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_B" netns "$NS_B" ||
		skip "no veth pairs here"
	"${IN_A[@]}" ip addr add "$net.1/24" dev "$IF_A"
	"${IN_B[@]}" ip addr add "$net.2/24" dev "$IF_B"
	for ns in "$NS_A" "$NS_B"; do
		nsenter --net="/run/netns/$ns" ip link set lo up
	done
	"${IN_A[@]}" ip link set "$IF_A" up
	"${IN_B[@]}" ip link set "$IF_B" up
}

# need_capture: skips, with the reason, where --trace cannot capture.
need_capture() {
	if "$TCPTOOL" --version | grep -q '^capture: none'; then
		skip "needs a build with libpcap (package libpcap-dev)"
	fi
	[[ $(id -u) == 0 ]] || skip "capturing needs root (CAP_NET_RAW)"
}

# in_small_sndbuf_netns COMMAND [ARGS...]: runs COMMAND (with need_netns
# first) in a network namespace of its own, loopback up, where no send
# buffer grows past 16 KiB (tcp_wmem is per namespace): a writer there fills
# its buffer after a few segments whatever the host's tcp_wmem says.
in_small_sndbuf_netns() {
	"${NETNS[@]}" bash -c 'ip link set lo up &&
		echo "4096 16384 16384" >/proc/sys/net/ipv4/tcp_wmem && exec "$@"' bash "$@"
}

# skip_under_valgrind WHY: for tests that cannot hold under make check
# VALGRIND=1 (valgrind needs descriptors of its own, names the process
# after itself, and slows timing down many times).
skip_under_valgrind() {
	[[ -z ${TCPTOOL_UNDER_VALGRIND:-} ]] || skip "under valgrind: $1"
}

# usage_fails MESSAGE COMMAND ARGS...: "tcptool COMMAND ARGS" is a usage
# error: exit 2, nothing on stdout, and on stderr "tcptool: MESSAGE" then
# COMMAND's Try line, nothing more.
# shellcheck disable=SC2154 # bats's run sets output and stderr_lines
usage_fails() {
	local msg=$1
	shift
	run -2 --separate-stderr timeout 5 "$TCPTOOL" "$@"
	assert_equal "$output" ""
	assert_equal "${stderr_lines[0]}" "tcptool: $msg"
	assert_equal "${stderr_lines[1]}" "Try 'tcptool $1 --help' for more information."
	assert_equal "${#stderr_lines[@]}" 2
}

# need_tool COMMAND PACKAGE: skips the test, naming the tool and the Debian
# package that brings it, unless COMMAND is installed.  make check lists
# these reasons at the end; tests/deps.sh installs the packages.
need_tool() {
	command -v "$1" >/dev/null || skip "needs $1 (package $2)"
}

# need_openbsd_nc: sets $NC to OpenBSD netcat (\$NC, default /usr/bin/nc),
# or skips the test.
need_openbsd_nc() {
	NC=${NC:-/usr/bin/nc}
	[[ -x $NC ]] || skip "needs nc (package netcat-openbsd)"
	"$NC" -h 2>&1 | grep -q 'OpenBSD netcat' || skip "needs nc (package netcat-openbsd): $NC is another netcat"
}

# check_events FILE EXPR...: the JSON events of FILE against Python
# expressions (helpers/check_events.py says what is in scope).
check_events() {
	python3 "$BATS_TEST_DIRNAME/helpers/check_events.py" "$@"
}
