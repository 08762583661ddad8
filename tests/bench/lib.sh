# shellcheck shell=bash
# Shared by the benchmark scripts: a free loopback port, and a bounded wait
# for a listener (polling ss, so the listener gets no extra client).

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_listen PORT: up to 10 s, every 10 ms.
wait_listen() {
	for _ in $(seq 1000); do
		[[ -n $(ss -Htln "sport = :$1") ]] && return 0
		sleep 0.01
	done
	echo "bench: nothing listens on port $1" >&2
	return 1
}

# bench_cleanup: for trap ... EXIT: ends the processes whose pids are in
# the PIDS array and removes the scratch folder DIR.
bench_cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$DIR"
}
