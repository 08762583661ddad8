#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $output
# Every example of the manual's EXAMPLES section and of README.md runs as
# it is written, so that the docs cannot drift from the binary.
#
# helpers/examples.py finds the examples: each "$ " line of the man page's
# EXAMPLES blocks, each .Ql there that runs tcptool, each "$ " line of a
# README block, and each line of a README ```sh block without prompts
# (the "Set up" section aside: the build steps and make demo's printout).
# The table below says which test runs each of them, and the first test
# fails on an example it does not know ("example not covered: ...") and on
# a row no example has any more: a new example needs a row and a test
# that runs it (which server it needs, what to send it).
#
# Every tcptool an example runs must parse: a usage error (exit status 2)
# fails the test (helpers/examples.bash).  Where the docs show output
# after a command, the real output must have its shape: the same lines,
# with any numbers, ports and times but the same words and units
# (helpers/examples.py says exactly how).  A command in the foreground
# runs on a terminal, as the reader's would, so data and events share it
# as they do there.  Names of the documentation
# (example.org, db.example.org, mail.example.org, receiver.example,
# 192.0.2.1) become 127.0.0.1, and ports become those of servers the test
# starts; only loopback is used.  An example that needs what this host
# lacks (root for --trace, IPv6, /etc/services) skips, saying what.

setup() {
	load helpers/common
	load helpers/examples
	_common_setup
	ex_setup
	ex_table
}

teardown() {
	_common_teardown
}

# Which test runs each example: an ID, then the command as the docs show
# it, with continuation lines joined by one space (a key: the test runs the
# lines as the docs write them).
ex_table_rows() {
	cat <<'EOF'
# man page: EXAMPLES
oneshot_client      tcptool connect --send 'Hi there, server' 127.0.0.1 2456
farewell_man        tcptool -v listen --half-close 2456 <<< 'Farewell, client'
ack_server          tcptool ack 9999
ack_client          tcptool connect --send 'Hello World!' 127.0.0.1 9999
ack_client_q        tcptool -q connect --send 'Hello World!' 127.0.0.1 9999
echo_man            tcptool echo --idle-timeout 5m 12345
echo_client_man     tcptool connect --half-close 127.0.0.1 12345
json_echo           tcptool --json echo 12345 > events.json &
json_kill           ...; kill $!
json_count          jq -r 'select(.event == "summary") | .connections' events.json
copy_recv_man       tcptool listen 9000 < /dev/null > copy.iso
copy_send_man       tcptool connect --half-close receiver.example 9000 < disk.iso
listen_lo           tcptool listen -b 127.0.0.1 0
listen_v6           tcptool -6 listen 9000
connect_v6          tcptool connect '[::1]' 9000
jq_times            printf 'HEAD / HTTP/1.0\r\n\r\n' | tcptool --json connect --half-close example.org 80 2>&1 >/dev/null | jq -r 'select(.event == "connected" or .event == "closed") | [.event, .handshake_ms // .duration_ms] | @tsv'
queue_listen        tcptool listen -k --backlog 1 --accept-delay 5s 9000 < /dev/null
queue_clients       for i in 1 2 3; do tcptool connect --half-close --send "client $i" 127.0.0.1 9000 2>&1 | grep '^connected' & sleep 0.1 done
timeout_q           tcptool -q connect -w 500ms 192.0.2.1 80 < /dev/null
exit_status         echo $?
probe_range         tcptool connect -z 127.0.0.1 20-25
probe_names         tcptool connect -z -w 1s mail.example.org smtp,submission,imaps
probe_count5        tcptool connect -c 5 -i 200ms 127.0.0.1 80
db_migrate          tcptool -q connect -z -w 1s db.example.org 5432 && ./migrate
db_until            until tcptool -q connect -z -w 1s db.example.org 5432; do sleep 1; done
rd_peer             (sleep 2; echo hello) | tcptool -q listen --half-close -b 127.0.0.1 9001 &
rd_shutdown         tcptool shutdown --how rd 127.0.0.1 9001
rst_man             tcptool shutdown --rst 127.0.0.1 7
after_server        tcptool -q listen --half-close -b 127.0.0.1 8080 < /dev/null &
after_shutdown      tcptool shutdown --after 100ms 127.0.0.1 8080
json_states         tcptool --json shutdown --send 'hello' 127.0.0.1 7 | jq -r 'select(.event == "state") | .state'
trace_client        (sleep 0.5; printf hi) | tcptool connect --half-close 127.0.0.1 9913
trace_listen        echo farewell | tcptool listen --half-close --trace -b 127.0.0.1 9913 > /dev/null
trace_rst           tcptool shutdown --rst --trace 127.0.0.1 9914
trace_table         (printf hello; sleep 0.1) | tcptool --json connect --half-close --trace 127.0.0.1 7 2>&1 >/dev/null | jq -r 'select(.event == "segment") | [.dir, .kind, .rel_seq, .rel_ack // "-", .len] | @tsv'
setcap_binary       sudo setcap cap_net_raw+ep /usr/local/bin/tcptool
show_version        tcptool --version
info_l_8080         tcptool info -l --port 8080
info_v_8080         tcptool info -v 127.0.0.1 8080
info_json_8080      tcptool --json info 127.0.0.1 8080 | jq -r 'select(.event == "negotiated") | [.snd_wscale, .sack, .congestion] | @tsv'
fd_open_8080        exec 3<>/dev/tcp/127.0.0.1/8080
info_fd             tcptool info --fd 3
fd_close            exec 3>&-
info_count          tcptool --json info -a | jq -r .state | sort | uniq -c
info_keepalive      tcptool info --system | grep keepalive
measure_listen      tcptool listen -k --discard -b 127.0.0.1 5001 &
measure_load        tcptool connect --load 4Gi 127.0.0.1 5001 2>&1 | tail -1
measure_listen_r    tcptool listen -k --load 2s -b 127.0.0.1 5002 &
measure_discard     tcptool connect --discard 127.0.0.1 5002 < /dev/null 2>&1 | tail -1
so_echo             tcptool -q echo -b 127.0.0.1 9020 &
so_mss              tcptool connect -O mss=536 --trace --half-close --send hi 127.0.0.1 9020 2>&1 | grep SYN
so_reno             tcptool info -O congestion=reno 127.0.0.1 9020 | grep reno
so_rcvbuf_listen    tcptool -q listen -O rcvbuf=4k --discard -b 127.0.0.1 9021 &
so_rcvbuf_jq        tcptool --json connect --load 1s --rate 256k -i 250ms 127.0.0.1 9021 2>&1 | jq -r 'select(.event == "total") | .peer_window'
so_linger_listen    tcptool -q listen -k -b 127.0.0.1 9022 < /dev/null > /dev/null 2>&1 &
so_linger_rst       tcptool --json connect -O linger=0 -w 500ms --trace 127.0.0.1 9022 < /dev/null 2>&1 | jq -r 'select(.event == "segment") | .kind' | paste -sd ' '
so_linger_fin       tcptool --json connect -w 500ms --trace 127.0.0.1 9022 < /dev/null 2>&1 | jq -r 'select(.event == "segment") | .kind' | paste -sd ' '
so_time_wait        tcptool info --state time-wait --port 9022
so_ka_listen        tcptool -q listen -b 127.0.0.1 9023 < /dev/null > /dev/null &
so_ka_probes        tcptool connect -O keepalive=1,1,3 -w 2500ms --trace 127.0.0.1 9023 < /dev/null 2>&1 | grep 'seq=A ack'
so_ut_listen        tcptool -q listen --read-rate 1k -b 127.0.0.1 9024 > /dev/null 2>&1 &
so_ut_connect       tcptool -q connect -O user-timeout=2s --load 1G 127.0.0.1 9024; echo "exit $?"
# README.md: Examples
listen_any          tcptool listen 0
oneshot_readme      tcptool connect --half-close --send 'Hi there, server' 127.0.0.1 2456
farewell_readme     echo 'Farewell, client' | tcptool -v listen --half-close 2456
copy_recv_readme    tcptool listen -b 127.0.0.1 9000 > copy.iso
copy_send_readme    tcptool connect --half-close 127.0.0.1 9000 < disk.iso
echo_readme         tcptool echo --idle-timeout 5m 7000
echo_client_v6      tcptool connect --half-close ::1 7000
queue_readme        tcptool listen -k --backlog 2 --accept-delay 5s 9000
json_connect        tcptool --json connect -w 2s example.org 80 < /dev/null 2> events.jsonl
refused_q           tcptool -q connect -w 500ms 127.0.0.1 9 || echo "exit $?"
db_up               tcptool -q connect -z -w 1s 127.0.0.1 5432 && echo "the database is up"
# README.md: What the kernel knows: tcptool info
info_list           tcptool info
info_l_7000         tcptool info -l --port 7000
info_a              tcptool info -a
info_state_tw       tcptool info --state time-wait
info_v_7000         tcptool info -v 127.0.0.1 7000
info_fd_oneline     exec 3<>/dev/tcp/127.0.0.1/7000; tcptool info --fd 3
info_system         tcptool info --system
info_echo_7000      tcptool echo -b 127.0.0.1 7000 &
info_hi_7000        tcptool connect --half-close --send hi 127.0.0.1 7000
fd_open_7000        exec 3<>/dev/tcp/127.0.0.1/7000
info_a_7000         tcptool info -a --port 7000
info_json_7000      tcptool --json info 127.0.0.1 7000 | jq 'select(.event == "negotiated") | .snd_wscale'
# README.md: Ending a connection, Probing ports, Watching the packets
echo_q_7000         tcptool -q echo -b 127.0.0.1 7000 &
shutdown_7000       tcptool shutdown --send 'hello' 127.0.0.1 7000
rst_7000            tcptool shutdown --rst 127.0.0.1 7000
probe_7000          tcptool connect -z 127.0.0.1 6999-7001
probe_count3        tcptool connect -c 3 -i 200ms 127.0.0.1 7000
trace_lo_listen     tcptool -q listen -b 127.0.0.1 9911 < /dev/null > /dev/null &
trace_lo_connect    echo hello | tcptool connect --half-close --trace 127.0.0.1 9911
ladder_lo_connect   echo hello | tcptool connect --half-close --ladder 127.0.0.1 9911
pcap_connect        tcptool connect --pcap hello.pcap --half-close --send hello 127.0.0.1 9911
trace_file          tcptool trace hello.pcap
# README.md: The middle of a connection
slow_reader         tcptool listen -b 127.0.0.1 --read-rate 100k 9000 > /dev/null
interval_connect    tcptool connect -i 1s --half-close 127.0.0.1 9000 < disk.iso
interval_jq         tcptool --json connect -i 1s --half-close 127.0.0.1 9000 < disk.iso 2>&1 >/dev/null | jq -r 'select(.event == "interval") | [.end_ms, .out_bytes_per_s, .peer_window, .limit] | @tsv'
rate_progress       tcptool connect --rate 10M --half-close 127.0.0.1 9000 < disk.iso
echo_interval       tcptool echo -i 1s 7000
watch_port          tcptool info --watch --port 9000
# README.md: Socket options by name
so_readme           tcptool connect -O nodelay,rcvbuf=64k,keepalive=10,2,3 --half-close --send hi 127.0.0.1 9020 > /dev/null
# README.md: Measuring TCP
readme_discard      tcptool listen -k --discard -b 127.0.0.1 5001 &
readme_load         tcptool connect --load 4Gi 127.0.0.1 5001
EOF
}

@test "every example of the man page and the README is in the table, and every row is an example" {
	local where text id missing=() stale=() docs
	docs=$(python3 "$EXPY" list "$MAN" "$ROOT/README.md")
	[[ $(wc -l <<<"$docs") -ge 40 ]] || fail "only $(wc -l <<<"$docs") examples found: the extraction broke"$'\n'"$docs"
	declare -A known=()
	for id in "${!EX_CMD[@]}"; do
		known[${EX_CMD[$id]}]=$id
	done
	while IFS=$'\t' read -r where text; do
		[[ -n ${known[$text]+x} ]] || missing+=("example not covered: $where: $text")
	done <<<"$docs"
	for id in "${!EX_CMD[@]}"; do
		grep -qxF -- "${EX_CMD[$id]}" <(cut -f2 <<<"$docs") || stale+=("table row $id is no example any more: ${EX_CMD[$id]}")
		# Some test must run it: the ID appears again after the table.
		[[ $(grep -cwF -- "$id" "$BATS_TEST_FILENAME") -ge 2 ]] || stale+=("table row $id is used by no test")
	done
	((${#missing[@]} + ${#stale[@]} == 0)) || fail "$(printf '%s\n' "${missing[@]}" "${stale[@]}")"
}

@test "the one-shot client and the Farewell server" {
	need_ipv6
	ex_bg -e s farewell_man 2456
	ex_run oneshot_client
	((ex_rc == 0)) || fail "the client exited with $ex_rc: $(cat "$ex_out")"
	assert_bg_exit s 0
	ex_check farewell_man "$(D s.err)"
	assert_equal "$(cat "$(D s.out)")" "Hi there, server"
	# The README's, the server's answer from a pipe.
	ex_bg s2 farewell_readme 2456
	ex_run oneshot_readme
	((ex_rc == 0)) || fail "the client exited with $ex_rc: $(cat "$ex_out")"
	grep -q '^Farewell, client$' "$ex_out" || fail "no answer: $(cat "$ex_out")"
	assert_bg_exit s2 0
	ex_done
}

@test "the ACK! server, stopped with Control-C, and its clients" {
	need_ipv6
	ex_bg s ack_server 9999
	ex_run ack_client
	((ex_rc == 0)) || fail "the client exited with $ex_rc: $(cat "$ex_out")"
	ex_check ack_client "$ex_out"
	wait_for_line s.out '^closed '
	# The docs show a server that ran for seconds, and its summary counts
	# them in s, not ms: Control-C comes a second after the start.
	sleep 1.1
	ex_signal s INT
	assert_bg_exit s 0
	ex_check ack_server "$(D s.out)"
	# -q: the answer and nothing else, from a server of its own.
	ex_bg s2 ack_server 9999
	ex_run ack_client_q
	((ex_rc == 0)) || fail "the client exited with $ex_rc: $(cat "$ex_out")"
	ex_check ack_client_q "$ex_out"
	assert_equal "$(cat "$ex_out")" "ACK!"
	ex_done
}

@test "echo servers and their interactive clients, over IPv4 and IPv6" {
	printf 'one line\n' >"$(D typed)"
	ex_bg s echo_man 12345
	ex_run -i "$(D typed)" echo_client_man
	((ex_rc == 0)) || fail "the client exited with $ex_rc: $(cat "$ex_out")"
	grep -q '^one line$' "$ex_out" || fail "no echo: $(cat "$ex_out")"
	need_ipv6
	ex_bg s6 echo_readme 7000
	ex_run -i "$(D typed)" echo_client_v6
	((ex_rc == 0)) || fail "the client exited with $ex_rc: $(cat "$ex_out")"
	grep -q '^connected to \[::1\]:' "$ex_out" || fail "not over IPv6: $(cat "$ex_out")"
	grep -q '^one line$' "$ex_out" || fail "no echo: $(cat "$ex_out")"
	ex_done
}

@test "a server's events as JSON, counted with jq" {
	need_tool jq jq
	ex_bg -p events.json s json_echo 12345
	# "...; kill $!": a client, then SIGTERM to the server.
	ex_text json_kill >/dev/null
	tt -q connect --half-close --send x 127.0.0.1 "$port" >/dev/null
	ex_signal s TERM
	assert_bg_exit s 0
	ex_run json_count
	((ex_rc == 0)) || fail "jq exited with $ex_rc: $(cat "$ex_out")"
	assert_equal "$(cat "$ex_out")" "1"
	ex_done
}

@test "copying a file, from the man page and from the README" {
	head -c 300000 /dev/urandom >disk.iso
	ex_bg s copy_recv_man 9000
	ex_run copy_send_man
	((ex_rc == 0)) || fail "the sender exited with $ex_rc: $(cat "$ex_out")"
	assert_bg_exit s 0
	cmp disk.iso copy.iso
	rm copy.iso
	ex_bg s2 copy_recv_readme 9000
	ex_run -o send2 copy_send_readme
	((ex_rc == 0)) || fail "the sender exited with $ex_rc: $(cat "$ex_out")"
	assert_bg_exit s2 0
	cmp disk.iso copy.iso
	ex_done
}

@test "listeners on a port the kernel picks, and IPv6 only" {
	ex_bg s listen_lo
	ex_wait_port "$(D s.out)" >/dev/null
	ex_check listen_lo "$(D s.out)"
	need_ipv6
	ex_bg s2 listen_any
	port=$(ex_wait_port "$(D s2.out)")
	tt -q connect --half-close 127.0.0.1 "$port" </dev/null
	wait_for_line s2.out '^connection from '
	ex_check listen_any "$(D s2.out)"
	# -6 and a bracketed client: neither sends FIN, so the client ends when
	# the listener does.
	ex_bg l6 listen_v6 9000
	grep -q '^listening on \[::\]:' "$(D l6.out)" || fail "not IPv6 only: $(show l6)"
	start_bg c6 bash -c "$(ex_cmd connect_v6)"
	wait_for_line l6.out '^connection from \[::1\]:'
	ex_signal l6 TERM
	wait_bg c6 || fail "the client exited with $?: $(show c6)"
	ex_done
}

@test "the handshake time and duration with jq (example.org is 127.0.0.1 here)" {
	need_tool jq jq
	ex_bg s echo_man 12345
	ex_map 80 "$port"
	ex_run jq_times
	((ex_rc == 0)) || fail "exit $ex_rc: $(cat "$ex_out")"
	ex_check jq_times "$ex_out"
	ex_done
}

@test "the accept queue: two clients wait in it, the third retries its SYN until the first accept()" {
	need_ipv6
	ex_bg l queue_listen 9000
	ex_bg -t c queue_clients
	# The first accept() comes after 5 s; the third client gets in with its
	# first SYN after it (Linux 6.5 on: about 5.1 s, before: 7 s).
	wait_for_line l.out '^connection from ' 150
	wait_for_count c.out '^connected ' 3 100
	ex_check queue_listen "$(D l.out)"
	ex_check queue_clients "$(D c.out)"
	# As the docs say: two connected at once, the third after a retry.
	run awk '/^connected / { ms = $(NF - 1); if (ms < 1000) fast++; else slow++ }
		END { print fast + 0, slow + 0 }' "$(D c.out)"
	assert_output "2 1"
	# The README's listener: a backlog of 2.
	ex_bg l2 queue_readme 9000
	wait_for_line l2.out '^waiting 5 s before accept\(\)'
	ex_done
}

@test "scripts: a timeout, a refusal, JSON to a file and exit statuses" {
	start_full_listener
	ex_map 80 "$port"
	ex_run timeout_q
	assert_equal "$ex_rc" 4
	ex_check timeout_q "$ex_out"
	ex_run exit_status
	ex_check exit_status "$ex_out"
	# Nothing listens on the README's port 9.
	ex_map 9 "$(free_port)"
	ex_run refused_q
	grep -qx 'exit 1' "$ex_out" || fail "$(cat "$ex_out")"
	# A server that closes at once, for the JSON events of a whole connection.
	start_listener h --half-close -b 127.0.0.1 0
	ex_map 80 "$port"
	ex_run json_connect
	assert_equal "$ex_rc" 0
	json_check events.jsonl '"connected" in ev' '"closed" in ev'
	ex_bg s echo_man 12345
	ex_map 5432 "$port"
	ex_run db_up
	grep -qx 'the database is up' "$ex_out" || fail "$(cat "$ex_out")"
	ex_done
}

@test "port probes: -z over a range and by service names, -c like ping" {
	# The range has the server third, and nothing else that listens.
	ex_bg_quiet s echo_man 12345 "$(lonely_port 2 3)"
	ex_map 80 "$port"
	ex_map 20-25 "$((port - 2))-$((port + 3))"
	ex_run probe_range
	ex_check probe_range "$ex_out"
	ex_run probe_count5
	assert_equal "$ex_rc" 0
	ex_check probe_count5 "$ex_out"
	# The README's, around a quiet echo server.
	ex_bg_quiet q echo_q_7000 7000 "$(lonely_port 1 1)"
	ex_map 6999-7001 "$((port - 1))-$((port + 1))"
	ex_run probe_7000
	ex_check probe_7000 "$ex_out"
	ex_run probe_count3
	ex_check probe_count3 "$ex_out"
	# By name: 25, 587 and 993 of this host's loopback, open or not.
	need_services smtp submission imaps
	ex_run probe_names
	((ex_rc == 0 || ex_rc == 1)) || fail "exit $ex_rc: $(cat "$ex_out")"
	grep -q '^3 ports: ' "$ex_out" || fail "$(cat "$ex_out")"
	ex_done
}

@test "waiting for a database: once it is up, and until it is" {
	printf '#!/bin/sh\necho migrated\n' >migrate
	chmod +x migrate
	ex_bg s echo_man 12345
	ex_map 5432 "$port"
	ex_run db_migrate
	grep -qx migrated "$ex_out" || fail "exit $ex_rc: $(cat "$ex_out")"
	# Nothing listens yet: the loop tries, sleeps, tries again.
	port=$(free_port)
	ex_map 5432 "$port"
	start_bg u bash -c "$(ex_cmd db_until)"
	# -q: a failed try prints nothing to wait for; give the loop its first.
	sleep 0.3
	bg_running u || fail "the loop ended with nothing to connect to: $(show u)"
	start_bg s2 "$TCPTOOL" echo -b 127.0.0.1 "$port"
	wait_bg u 50 || fail "the loop did not end once the server was up: $(show u)"
	ex_done
}

@test "shutdown timelines: SHUT_WR and RST against an echo server" {
	ex_bg s echo_man 12345
	ex_map 7 "$port"
	ex_run rst_man
	ex_check rst_man "$ex_out"
	ex_bg_quiet q echo_q_7000 7000
	ex_run shutdown_7000
	assert_equal "$ex_rc" 0
	ex_check shutdown_7000 "$ex_out"
	ex_run rst_7000
	ex_check rst_7000 "$ex_out"
	need_tool jq jq
	ex_run json_states
	assert_equal "$ex_rc" 0
	# The states it saw, one a line (sampled: which ones may vary).
	[[ -s $ex_out ]] || fail "no state at all"
	run grep -vxE '[A-Z_0-9]+' "$ex_out"
	assert_output ''
	ex_done
}

@test "shutdown --how rd: the peer's line still arrives, two seconds later" {
	ex_bg_quiet p rd_peer 9001
	ex_run rd_shutdown
	assert_equal "$ex_rc" 0
	ex_check rd_shutdown "$ex_out"
	ex_done
}

@test "shutdown --after against a server that closes first" {
	ex_bg_quiet p after_server 8080
	ex_run after_shutdown
	assert_equal "$ex_rc" 0
	ex_check after_shutdown "$ex_out"
	ex_done
}

@test "--trace: a listener's segments, an RST, a table with jq, a client's segments" {
	# They run, and parse, everywhere; their shapes need a capture.
	local why=""
	if "$TCPTOOL" --version | grep -q '^capture: none'; then
		why="needs a build with libpcap (package libpcap-dev)"
	elif [[ $(id -u) != 0 ]]; then
		why="capturing needs root (CAP_NET_RAW)"
	fi
	ex_bg s echo_man 12345
	ex_map 7 "$port"
	ex_map 9914 "$port"
	ex_run trace_rst
	assert_equal "$ex_rc" 0
	[[ -n $why ]] || ex_check trace_rst "$ex_out"
	ex_bg l trace_listen 9913
	# The docs' client comes seconds after the server, and the server's
	# stamps count from its start: in s, not ms, from the client's SYN on.
	sleep 1.1
	ex_run trace_client
	assert_equal "$ex_rc" 0
	assert_bg_exit l 0
	[[ -n $why ]] || ex_check trace_listen "$(D l.out)"
	ex_bg_quiet q trace_lo_listen 9911
	ex_run trace_lo_connect
	assert_equal "$ex_rc" 0
	[[ -n $why ]] || ex_check trace_lo_connect "$ex_out"
	# The README's ladder is drawn in a UTF-8 locale, as most terminals are.
	ex_bg_quiet q2 trace_lo_listen 9911
	LC_ALL=C.UTF-8 ex_run ladder_lo_connect
	assert_equal "$ex_rc" 0
	[[ -n $why ]] || ex_check ladder_lo_connect "$ex_out"
	# The README's capture file, and what tcptool trace reads in it.
	ex_bg_quiet q3 trace_lo_listen 9911
	ex_run pcap_connect
	assert_equal "$ex_rc" 0
	[[ -n $why ]] || ex_check pcap_connect "$ex_out"
	ex_run trace_file
	if [[ -z $why ]]; then
		assert_equal "$ex_rc" 0
		ex_check trace_file "$ex_out"
	fi
	need_tool jq jq
	ex_run trace_table
	assert_equal "$ex_rc" 0
	[[ -n $why ]] || ex_check trace_table "$ex_out"
	ex_done
	[[ -z $why ]] || skip "$why"
}

@test "--version, and the capability that lets users trace" {
	ex_not_run setcap_binary "it changes the installed binary, as root"
	ex_run show_version
	assert_equal "$ex_rc" 0
	if grep -q '^capture: none' "$ex_out"; then
		skip "this build has no libpcap; the example shows one that has"
	fi
	ex_check show_version "$ex_out"
	ex_done
}

@test "info in the man page: a listener, a handshake, an inherited fd, counts" {
	skip_under_valgrind "the process is named memcheck, not tcptool"
	# Any server on 127.0.0.1: the README's echo server.
	ex_bg s info_echo_7000 7000
	ex_map 8080 "$port"
	ex_run info_l_8080
	assert_equal "$ex_rc" 0
	ex_check info_l_8080 "$ex_out"
	ex_run info_v_8080
	assert_equal "$ex_rc" 0
	# The shell's descriptor 3, from one shell to the next command.
	cat >fd.sh <<EOF
$(ex_cmd fd_open_8080)
$(ex_cmd info_fd)
$(ex_cmd fd_close)
EOF
	ex_text fd_close >/dev/null
	ex_run_script fd.sh info_fd
	ex_check info_fd "$ex_out"
	need_tool jq jq
	ex_run info_json_8080
	ex_check info_json_8080 "$ex_out" --wild cubic
	ex_run info_count
	# Any states, any counts; the note for users other than root may count
	# one socket ("1 socket ... shows").
	ex_check info_count "$ex_out" --each --wild LISTEN --wild TIME_WAIT --wild sockets --wild show
	ex_run info_keepalive
	assert_equal "$ex_rc" 0
	ex_done
}

@test "info in the README: the sockets of an echo server, and its four forms" {
	skip_under_valgrind "the process is named memcheck, not tcptool"
	local id
	# The transcript first, while the server has seen no other client: one
	# that has come and gone (its TIME_WAIT), then bash's own.
	ex_bg s info_echo_7000 7000
	ex_run info_hi_7000
	assert_equal "$ex_rc" 0
	cat >fd.sh <<EOF
$(ex_cmd fd_open_7000)
$(ex_cmd info_a_7000)
EOF
	ex_run_script fd.sh info_a_7000
	assert_equal "$ex_rc" 0
	ex_check info_a_7000 "$ex_out" --any-order
	ex_run info_fd_oneline
	assert_equal "$ex_rc" 0
	ex_check info_fd "$ex_out"
	ex_run info_system
	assert_equal "$ex_rc" 0
	ex_check info_system "$ex_out"
	for id in info_list info_l_7000 info_a info_state_tw info_v_7000; do
		ex_run "$id"
		((ex_rc == 0 || ex_rc == 1)) || fail "$id: exit $ex_rc: $(cat "$ex_out")"
	done
	need_tool jq jq
	ex_run info_json_7000
	assert_equal "$ex_rc" 0
	ex_done
}

@test "the middle of a connection in the README: a slow reader's window, JSON, --rate's progress, echo -i" {
	need_tool jq jq
	head -c 250000 /dev/urandom >disk.iso
	# The sender's reports show the reader's window as the limit.
	ex_bg r slow_reader 9000
	ex_run interval_connect
	((ex_rc == 0)) || fail "the sender exited with $ex_rc: $(cat "$ex_out")"
	# On the terminal the progress line steps aside: the events follow its erasing.
	grep -q "interval 0.000-1.0[0-9]* s: sent .*; limited by the receiver's window" "$ex_out" ||
		fail "no interval limited by the receiver's window: $(cat "$ex_out")"
	grep -q 'total 0.000-' "$ex_out" || fail "no total: $(cat "$ex_out")"
	assert_bg_exit r 0
	# The same as JSON through jq: end, rate, peer window, limit.
	ex_bg r2 slow_reader 9000
	ex_run interval_jq
	((ex_rc == 0)) || fail "exit $ex_rc: $(cat "$ex_out")"
	grep -qP '^[0-9.]+\t[0-9]+\t[0-9]+\treceiver_window\r?$' "$ex_out" || fail "$(cat "$ex_out")"
	assert_bg_exit r2 0
	# --rate on a terminal: the progress line, with the share of the file
	# (3 MB at 10 MB/s: several draws).
	head -c 3000000 /dev/zero >disk.iso
	start_listener l -b 127.0.0.1 0
	ex_map 9000 "$port"
	ex_run rate_progress
	((ex_rc == 0)) || fail "exit $ex_rc: $(cat "$ex_out")"
	grep -q '% of 3.00 MB' "$ex_out" || fail "no progress line: $(cat "$ex_out")"
	assert_bg_exit l 0
	# echo -i: a line a second, and the total at Control-C.
	ex_bg e echo_interval 7000
	tt -q connect --half-close --send hello 127.0.0.1 "$port" >/dev/null
	wait_for_line e.out '^interval 1.0[0-9]*-2.0[0-9]* s: ' 60 || fail "$(show e)"
	ex_signal e INT
	assert_bg_exit e 0
	grep -q '^total 0.000-.* 1 opened, 1 closed; received 5 B ' "$(D e.out)" || fail "$(show e)"
	# info --watch sees a slow transfer between two other processes.
	head -c 300000 /dev/zero >disk.iso
	ex_bg r3 slow_reader 9000
	start_bg -i disk.iso c "$TCPTOOL" connect -q --half-close 127.0.0.1 "$port"
	ex_bg w watch_port
	wait_for_line w.out "127.0.0.1:[0-9]+ > 127.0.0.1:$port [A-Z0-9_]+ .*: [0-9.-]+ s: sent [1-9]" 80 || fail "$(show w)"
	ex_signal w INT
	assert_bg_exit w 0
	ex_done
}

@test "measuring throughput in the man page: a load into a discarding listener, and the other way" {
	ex_bg s measure_listen 5001
	ex_run measure_load
	((ex_rc == 0)) || fail "exit $ex_rc: $(cat "$ex_out")"
	# A slower machine takes over a second: "ms" may be "s".
	ex_check measure_load "$ex_out" --wild ms
	grep -q 'sent 4.29 GB (' "$ex_out" || fail "$(cat "$ex_out")"
	ex_bg s2 measure_listen_r 5002
	ex_run measure_discard
	((ex_rc == 0)) || fail "exit $ex_rc: $(cat "$ex_out")"
	ex_check measure_discard "$ex_out" --wild ms
	# The README's pair.
	ex_bg s3 readme_discard 5001
	ex_run readme_load
	((ex_rc == 0)) || fail "exit $ex_rc: $(cat "$ex_out")"
	grep -q '^measured over .*: sent 4.29 GB (' "$ex_out" || fail "$(cat "$ex_out")"
	ex_done
}

@test "socket options in the man page: mss, congestion, rcvbuf, linger, keepalive, user-timeout" {
	# They run, and parse, everywhere; the traced ones' shapes need a capture.
	local why=""
	if "$TCPTOOL" --version | grep -q '^capture: none'; then
		why="needs a build with libpcap (package libpcap-dev)"
	elif [[ $(id -u) != 0 ]]; then
		why="capturing needs root (CAP_NET_RAW)"
	fi
	need_tool jq jq
	ex_bg_quiet s so_echo 9020
	ex_run so_mss
	# Without a capture grep finds no SYN line, and says so with status 1.
	if [[ -z $why ]]; then
		assert_equal "$ex_rc" 0
		ex_check so_mss "$ex_out"
	fi
	ex_run so_reno
	# Without CAP_NET_ADMIN only net.ipv4.tcp_allowed_congestion_control's algorithms may be chosen.
	if [[ $(id -u) == 0 ]] || grep -qw reno /proc/sys/net/ipv4/tcp_allowed_congestion_control; then
		assert_equal "$ex_rc" 0
		ex_check so_reno "$ex_out"
	fi
	# The README's, against the same server.
	ex_run so_readme
	assert_equal "$ex_rc" 0
	ex_check so_readme "$ex_out"
	ex_bg_quiet s2 so_rcvbuf_listen 9021
	ex_run so_rcvbuf_jq
	assert_equal "$ex_rc" 0
	ex_check so_rcvbuf_jq "$ex_out"
	ex_bg_quiet s3 so_linger_listen 9022
	ex_run so_linger_rst
	assert_equal "$ex_rc" 0
	[[ -n $why ]] || ex_check so_linger_rst "$ex_out"
	ex_run so_linger_fin
	assert_equal "$ex_rc" 0
	[[ -n $why ]] || ex_check so_linger_fin "$ex_out"
	ex_run so_time_wait
	assert_equal "$ex_rc" 0
	ex_check so_time_wait "$ex_out"
	ex_bg_quiet s4 so_ka_listen 9023
	ex_run so_ka_probes
	[[ -n $why ]] || ex_check so_ka_probes "$ex_out"
	ex_bg_quiet s5 so_ut_listen 9024
	ex_run so_ut_connect
	assert_equal "$ex_rc" 0
	ex_check so_ut_connect "$ex_out"
	ex_done
	[[ -z $why ]] || skip "$why"
}
