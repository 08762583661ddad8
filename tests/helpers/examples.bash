# shellcheck disable=SC2154 # bats' run sets $status and $output
# Running the examples of the manual and the README as they are written,
# for tests/examples.bats.  helpers/examples.py finds them and compares
# outputs; these functions run them.
#
# A command runs as the docs write it, through bash, in the test's own
# folder, with two changes (helpers/examples.py runnable): documentation
# names and addresses (example.org, db.example.org, receiver.example,
# 192.0.2.1...) become 127.0.0.1, and each port the test maps with ex_map
# becomes the port of a server the test started.  "tcptool" is a shell
# function that runs $TCPTOOL and notes any usage error (exit status 2) in
# usage.log, which ex_run and ex_done check: every example must at least
# parse.  It is a function, not a script in PATH, so that no extra process
# holds the descriptors an example hands over (info --fd 3 counts them).
#
# A command in the foreground runs with its output on a terminal (a
# pseudo-terminal of 80 columns), as the reader sees it; one in the
# background writes to files, standard output and standard error together
# unless asked otherwise.

ex_setup() {
	EXPY=$BATS_TEST_DIRNAME/helpers/examples.py
	# "Set up" holds the build steps and make demo's own printout.
	export EX_README_SKIP="Set up"
	export EX_TCPTOOL=$TCPTOOL EX_USAGE_LOG=$BATS_TEST_TMPDIR/usage.log EX_PORTS=""
	: >"$EX_USAGE_LOG"
	# shellcheck disable=SC2317 # the examples' bash calls it, through export -f
	tcptool() {
		local rc=0
		"$EX_TCPTOOL" "$@" || rc=$?
		if ((rc == 2)); then
			printf 'usage error (exit 2): tcptool%s\n' "$(printf ' %q' "$@")" >>"$EX_USAGE_LOG"
		fi
		return "$rc"
	}
	export -f tcptool
	ex_rc=0
	ex_shape_skipped=""
	cd "$BATS_TEST_TMPDIR" || return 1
}

# ex_table: the command of every ID, from ex_table_rows in the .bats file
# ("ID  command as the docs show it", continuation lines joined with one
# space), into the associative array EX_CMD.
ex_table() {
	declare -gA EX_CMD=()
	local id text
	while read -r id text; do
		[[ -z $id || $id == \#* ]] && continue
		[[ -z ${EX_CMD[$id]+x} ]] || fail "table: ID '$id' twice"
		EX_CMD[$id]=$text
	done < <(ex_table_rows)
}

# ex_text ID: the command as the docs show it.
ex_text() {
	[[ -n ${EX_CMD[$1]+x} ]] || fail "no ID '$1' in the table"
	printf '%s\n' "${EX_CMD[$1]}"
}

# ex_cmd ID: the command as the test runs it.
ex_cmd() {
	python3 "$EXPY" runnable "$MAN" "$ROOT/README.md" "$(ex_text "$1")"
}

# ex_map DOCPORT PORT: from now on, DOCPORT (a port, or a range such as
# 20-25) in a command means PORT.
ex_map() {
	local pair out=""
	for pair in $EX_PORTS; do
		[[ $pair == "$1="* ]] || out+=" $pair"
	done
	EX_PORTS="${out# } $1=$2"
	EX_PORTS=${EX_PORTS# }
}

# ex_usage_ok: no tcptool of this test has failed with a usage error.
ex_usage_ok() {
	[[ ! -s $EX_USAGE_LOG ]] || fail "$(cat "$EX_USAGE_LOG")"
}

# ex_run [-i FILE] [-t SECONDS] [-o NAME] ID: runs the command in the
# foreground on a terminal, stdin from FILE (default /dev/null), bounded
# by SECONDS (default $T_MAX); what the terminal shows goes to NAME.out
# (default ID.out), $ex_out names that file, and $ex_rc is the exit
# status.  $? is the previous ex_run's status, for "echo $?".  Fails on a
# usage error or a timeout.
ex_run() {
	local in=/dev/null secs=$T_MAX name=""
	while [[ $1 == -? ]]; do
		case $1 in
		-i) in=$2 ;;
		-t) secs=$2 ;;
		-o) name=$2 ;;
		esac
		shift 2
	done
	local id=$1
	_ex_pty "$in" "$secs" "${name:-$id}" "$(ex_cmd "$id")"
}

# ex_run_script FILE NAME: ex_run for several commands that share one shell
# (a descriptor that "exec 3<>..." opens for the next command), the lines
# of FILE; the terminal's output goes to NAME.out.
ex_run_script() {
	_ex_pty /dev/null "$T_MAX" "$2" "$(cat "$1")"
}

_ex_pty() {
	local in=$1 secs=$2 name=$3 cmd=$4
	ex_out=$(D "$name.out")
	local prev=$ex_rc
	ex_rc=0
	python3 "$EXPY" pty "$secs" "(exit $prev); $cmd" <"$in" >"$ex_out" || ex_rc=$?
	((ex_rc != 124)) || fail "timed out after $secs s: $cmd"$'\n'"$(cat "$ex_out")"
	ex_usage_ok
}

# ex_wait_port FILE: the port of the first "listening on ADDR:PORT" in FILE
# (after a t+ stamp too, with --trace) or of its JSON "listening" event,
# once there is one.
ex_wait_port() {
	wait_for_line "$1" 'listening on |"event":"listening"' || return 1
	grep -m1 -E 'listening on |"event":"listening"' "$1" |
		sed -nE 's/.*listening on [^ ]*:([0-9]+)( .*)?$/\1/p; s/.*"local":"[^"]*:([0-9]+)".*/\1/p'
}

# ex_bg [-i FILE] [-e | -t] [-p FILE] NAME ID [DOCPORT]: starts the command
# in the background as start_bg's NAME (a trailing & of the docs dropped),
# with SIGINT as at a shell prompt; its stdout and stderr both go to
# NAME.out, or with -e to NAME.out and NAME.err apart, or with -t through
# a terminal (for 60 s at most), as for ex_run.  With DOCPORT the
# command's port becomes 0, and once the server says where it listens (in
# NAME.out, NAME.err with -e, or FILE with -p), DOCPORT maps to that port,
# which is also in $port.
ex_bg() {
	local in=/dev/null apart="" portfile="" tty=""
	while [[ $1 == -? ]]; do
		case $1 in
		-i) in=$2 && shift ;;
		-e) apart=1 ;;
		-t) tty=1 ;;
		-p) portfile=$2 && shift ;;
		esac
		shift
	done
	local name=$1 id=$2 docport=${3:-} cmd
	[[ -z $docport ]] || ex_map "$docport" 0
	cmd=$(ex_cmd "$id")
	cmd=${cmd%&}
	if [[ -n $tty ]]; then
		start_bg -i "$in" "$name" python3 "$EXPY" pty 60 "$cmd"
	elif [[ -n $apart ]]; then
		start_bg -i "$in" "$name" env --default-signal=INT,QUIT bash -c "trap : INT TERM; $cmd"
	else
		start_bg -i "$in" "$name" env --default-signal=INT,QUIT bash -c "trap : INT TERM; { $cmd
} 2>&1"
	fi
	[[ -n $docport ]] || return 0
	if [[ -z $portfile ]]; then
		portfile=$(D "$name.out")
		[[ -z $apart ]] || portfile=$(D "$name.err")
	fi
	[[ $portfile == /* ]] || portfile=$PWD/$portfile
	port=$(ex_wait_port "$portfile") || fail "$name did not listen: $(show "$name")"
	ex_map "$docport" "$port"
}

# ex_bg_quiet NAME ID DOCPORT [PORT]: ex_bg for a server that does not say
# where it listens (-q, or its output elsewhere): it gets PORT, or a port
# that is free now, and the test waits until something listens there.
ex_bg_quiet() {
	port=${4:-$(free_port)}
	ex_map "$3" "$port"
	ex_bg "$1" "$2"
	wait_for_listen "$port" || fail "$1 did not listen on $port: $(show "$1")"
}

# lonely_port BELOW ABOVE: a free port with nothing listening on the BELOW
# ports under it and the ABOVE ports over it, for a probe of a range.
lonely_port() {
	local p n
	for n in {1..20}; do
		p=$(free_port)
		if ((p - $1 > 0 && p + $2 < 65536)) &&
			[[ -z $(ss -Htln "( sport >= :$((p - $1)) and sport <= :$((p + $2)) )") ]]; then
			echo "$p"
			return 0
		fi
	done
	fail "no free port with free neighbours in $n tries"
}

# ex_signal NAME SIG: sends SIG to the process group of start_bg's NAME, as
# Control-C (INT) does to the terminal's foreground job.
ex_signal() {
	kill "-$2" -- "-$(bg_pid "$1")"
}

# ex_check ID FILE [--wild WORD]... [--each | --any-order]: the output the
# docs show after ID's command, everywhere it appears, has the shape of
# FILE's (see helpers/examples.py).  Under valgrind every time is many
# times longer, so the units differ: the comparison is left out, and
# ex_done skips the test at its end, saying so.
ex_check() {
	local id=$1 file=$2
	shift 2
	if [[ -n ${TCPTOOL_UNDER_VALGRIND:-} ]]; then
		ex_shape_skipped=1
		return 0
	fi
	run python3 "$EXPY" check "$MAN" "$ROOT/README.md" "$(ex_text "$id")" "$file" "$@"
	((status == 0)) || fail "$output"
}

# ex_not_run ID WHY: the example is left out, for a reason the TAP output
# shows.
ex_not_run() {
	ex_text "$1" >/dev/null
	echo "# not run: $(ex_text "$1"): $2" >&3
}

# ex_done: the end of every test: no usage error anywhere, background ones
# included, and the skip that ex_check owes under valgrind.
ex_done() {
	ex_usage_ok
	[[ -z $ex_shape_skipped ]] || skip "under valgrind: the outputs' times (and units) differ from the docs'"
}

# need_ipv6: skips unless this host has the IPv6 loopback address.
need_ipv6() {
	python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null ||
		skip "no IPv6 loopback (::1) here; the example needs it"
}

# need_services NAME...: skips unless /etc/services names these services.
need_services() {
	local s
	for s in "$@"; do
		getent services "$s/tcp" >/dev/null || skip "needs /etc/services with '$s' (package netbase)"
	done
}
