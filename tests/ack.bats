#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: every @test runs in a subshell; run sets $stderr
# tcptool ack against real clients on loopback: the seed's client, custom
# replies, binary and long messages, --lines, many clients at once.

setup() {
	load helpers/common
	_common_setup
}

teardown() {
	_common_teardown
}

@test "the seed's client (send 'Hello World!', recv(1024)) gets exactly ACK!" {
	start_server s ack -b 127.0.0.1 0
	run -0 timeout 10 python3 "$PEER" ack-client 127.0.0.1 "$port"
	assert_output "b'ACK!'"
	wait_for_line s.out '^closed '
	run cat "$(D s.out)"
	assert_line --index 0 "listening on 127.0.0.1:$port"
	assert_line --index 1 --regexp "^connection from 127\.0\.0\.1:([0-9]+) to 127\.0\.0\.1:$port\$"
	assert_line --index 2 --regexp '^message from 127\.0\.0\.1:[0-9]+, 12 bytes: "Hello World!"$'
	# The client closes as soon as ACK! arrives, so its FIN may reach us
	# before our own leaves: who closed first is a race here (trace.bats
	# checks the claim against the wire).
	assert_line --index 3 --regexp '^closed 127\.0\.0\.1:[0-9]+: 12 bytes in, 4 bytes out in [0-9.]+ m?s; (we closed first \(FIN\)|the peer closed first)$'
}

@test "--reply TEXT, and nc gets it with a clean EOF" {
	need_openbsd_nc
	start_server s ack -b 127.0.0.1 --reply 'got it, thanks' 0
	run -0 timeout 10 "$NC" -N 127.0.0.1 "$port" <<<"hi"
	assert_output "got it, thanks"
}

@test "a binary message is shown escaped; --json carries the same text" {
	start_server s --json ack -b 127.0.0.1 0
	printf 'a\tb\001\377"q\\\n' >"$(D msg)"
	run -0 --separate-stderr tt -q connect --half-close 127.0.0.1 "$port" <"$(D msg)"
	assert_output "ACK!"
	wait_for_line s.out '"event":"closed"'
	json_check "$(D s.out)" 'ev["message"][0]["text"] == r"a\tb\x01\xff\"q\\\n"' \
		'ev["message"][0]["bytes"] == 9' 'ev["message"][0]["truncated"] is False' \
		'ev["message"][0]["conn"] == 1' 'ev["closed"][0]["first_fin"] in ("us", "peer")' \
		'ev["closed"][0]["bytes_out"] == 4'
	start_server h ack -b 127.0.0.1 0
	tt -q connect --half-close 127.0.0.1 "$port" <"$(D msg)" >/dev/null
	wait_for_line h.out '^message '
	run grep '^message ' "$(D h.out)"
	assert_output --regexp '^message from 127\.0\.0\.1:[0-9]+, 9 bytes: "a\\tb\\x01\\xff\\"q\\\\\\n"$'
}

@test "a client that sends FIN first still gets the reply" {
	start_server s ack -b 127.0.0.1 0
	run -0 --separate-stderr tt -q connect --half-close 127.0.0.1 "$port" </dev/null
	assert_output "ACK!"
	wait_for_line s.out '^closed '
	run grep '^message ' "$(D s.out)"
	assert_output --regexp '^message from 127\.0\.0\.1:[0-9]+: none, the client sent FIN first$'
}

@test "a long message is what the first read returns (at most 4096 bytes); the rest is dropped, no RST" {
	local big
	big=$(big_file big 1M)
	start_server s --json ack -b 127.0.0.1 0
	run -0 --separate-stderr tt -q connect --half-close 127.0.0.1 "$port" <"$big"
	assert_output "ACK!"
	wait_for_line s.out '"event":"closed"'
	json_check "$(D s.out)" '0 < ev["message"][0]["bytes"] <= 4096' \
		'ev["closed"][0]["end"] == "fin"' 'ev["closed"][0]["bytes_out"] == 4'
}

@test "--lines: every line answered, the connection stays open until the client closes" {
	start_server s ack -b 127.0.0.1 --lines --reply OK 0
	run -0 timeout 10 python3 - "$port" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rb")
for line in [b"one\n", b"two\n"]:
    s.sendall(line)
    print(f.readline().decode().strip())
s.sendall(b"three\nfour\nfive")      # two lines and an unterminated one
s.shutdown(socket.SHUT_WR)
print(f.read().decode().replace("\n", "|"))
EOF
	assert_output $'OK\nOK\nOK|OK|OK|'
	wait_for_line s.out '^closed '
	run grep -c '^message ' "$(D s.out)"
	assert_output 5
	run grep '^message ' "$(D s.out)"
	assert_line --index 4 --regexp '^message from 127\.0\.0\.1:[0-9]+, 4 bytes: "five"$'
	run tail -1 "$(D s.out)"
	assert_output --regexp '; the peer closed first$'
}

@test "--lines: 100000 lines from a client that reads nothing until it has sent them all" {
	start_server s ack -b 127.0.0.1 --lines 0
	run -0 timeout 20 python3 - "$port" <<'EOF'
import socket, sys, threading
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
def send():
    s.sendall(b"x\n" * 100000)
    s.shutdown(socket.SHUT_WR)
t = threading.Thread(target=send)
t.start()
got = bytearray()
t.join(5)                       # the sender stalls once the server stops reading
while True:
    chunk = s.recv(1 << 16)
    if not chunk:
        break
    got += chunk
t.join()
print(len(got), got == b"ACK!\n" * 100000)
EOF
	assert_output "500000 True"
}

@test "200 clients at once each get exactly ACK!" {
	start_server s ack -b 127.0.0.1 0
	run -0 clients ack-many 127.0.0.1 "$port" 200
	assert_output "200 ok"
	wait_for_count s.out '^closed ' 200
	run grep -c '^message from 127\.0\.0\.1:[0-9]*, [0-9]* bytes: "hello [0-9]*"$' "$(D s.out)"
	assert_output 200
	kill -TERM "$(bg_pid s)"
	assert_bg_exit s 0
	run tail -1 "$(D s.out)"
	assert_output --regexp '^stopped by SIGTERM after [0-9.]+ m?s: 200 connections, [0-9]+ bytes in, 800 bytes out, at most [0-9]+ at once$'
}
