/*
 * The relay between the local side (stdin/stdout) and a connected socket.
 * It never loses, duplicates or reorders a byte, and holds at most two
 * fixed buffers however slow either side is.
 */
#ifndef TCPTOOL_RELAY_H
#define TCPTOOL_RELAY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RELAY_BUF_SIZE (128 * 1024)

struct relay_buf {
	char *data;
	size_t head, tail, cap;  /* bytes [head, tail) wait to be written */
};

/*
 * How bytes move between a local fd and the socket.  Files in, and pipes
 * and files out, go through the kernel alone (sendfile, splice); terminals
 * and the rest, pipes in among them, through the buffers.
 */
enum relay_path {
	PATH_COPY,      /* read()/write() through a buffer */
	PATH_SPLICE,    /* splice() from the socket straight into a pipe */
	PATH_SENDFILE,  /* sendfile() from a regular file to the socket */
	PATH_VIA_PIPE,  /* splice() socket -> our own pipe -> a file or /dev/null */
	PATH_LOAD,      /* --load: sendfile() from the pattern's memory file, round and round */
	PATH_DISCARD,   /* --discard: recv(MSG_TRUNC) drops what arrives without a copy */
	PATH_VERIFY,    /* --verify: recv() and check the pattern */
};

/*
 * The local side.  It outlives one connection, so bytes read from stdin
 * but not yet sent, and stdin's EOF, carry over to the next client.
 */
struct relay_io {
	int in_fd;           /* -1: nothing to read */
	int out_fd;
	bool in_eof;
	enum relay_path up_path, down_path;
	int via[2];          /* PATH_VIA_PIPE's pipe; -1 otherwise */
	struct relay_buf up;   /* local input on its way to the socket */
	struct relay_buf down; /* socket input on its way to out_fd */
	bool out_mid_line;     /* the last byte written to out_fd was not a newline (copy path) */
	/* PATH_LOAD: how much is left to send, by bytes or by time. */
	uint64_t load_left;    /* bytes; with load_ns, unused */
	int64_t load_ns;       /* > 0: send for this long from the relay's start */
	uint64_t load_off;     /* where in the pattern's period the next byte comes from */
};

enum relay_event {
	RELAY_INPUT_EOF,   /* local input ended; the connection stays open */
	RELAY_FIN_SENT,    /* local input ended and we shut down our side */
	RELAY_PEER_FIN,    /* the peer closed its side */
	RELAY_PEER_RESET,  /* the peer reset the connection */
};

enum relay_closer { CLOSER_NONE, CLOSER_PEER, CLOSER_US };

enum relay_end {
	END_PEER_CLOSED,   /* the peer's FIN, everything delivered */
	END_RESET,         /* ECONNRESET or EPIPE on the socket */
	END_SOCKET_ERROR,  /* another socket error */
	END_INPUT_ERROR,   /* reading in_fd failed */
	END_OUTPUT_ERROR,  /* writing out_fd failed */
	END_IDLE_TIMEOUT,  /* nothing moved for idle_timeout_ms */
	END_STOPPED,       /* *stop was set (a signal) */
	END_VERIFY_FAILED, /* --verify: a byte differed from the pattern */
};

struct relay_result {
	uint64_t bytes_in;     /* read from the socket */
	uint64_t bytes_out;    /* written to the socket */
	int64_t duration_ns;
	enum relay_closer first_fin;
	enum relay_end end;
	int err;               /* errno for the error ends */
	uint64_t bad_offset;   /* END_VERIFY_FAILED: the stream offset of the first wrong byte */
};

typedef void relay_event_fn(void *ctx, enum relay_event ev, const struct relay_result *so_far);

struct relay_opts {
	/*
	 * Each direction closes on its own: shutdown(SHUT_WR) once local input
	 * is sent, and the peer's FIN does not stop local input.
	 */
	bool half_close;
	int idle_timeout_ms;   /* -1: none */
	int pending_err;       /* a reset already known (sock_dial's late_err): EOF is this, not FIN */
	relay_event_fn *on_event;
	/* With on_side_ready set, side_fd is watched too and the call serves it (the --trace capture). */
	int side_fd;
	void (*on_side_ready)(void *ctx);
	/*
	 * With on_tick set, called once CLOCK_MONOTONIC reaches first_tick_ns,
	 * then whenever it reaches the time the call returns (0: no more).
	 */
	int64_t (*on_tick)(void *ctx, const struct relay_result *so_far);
	int64_t first_tick_ns;
	/* Called before the relay writes data to out_fd by write() (a terminal's path). */
	void (*before_output)(void *ctx);
	/*
	 * With on_call set, told of each call on the socket that gave it bytes
	 * ("send()", "sendfile()") or sent FIN ("shutdown(SHUT_WR)", bytes -1),
	 * with the time it began.
	 */
	void (*on_call)(void *ctx, const char *call, long long bytes, int64_t began_ns);
	uint64_t send_rate;    /* bytes per second to the socket; 0: no limit */
	uint64_t read_rate;    /* bytes per second from the socket; 0: no limit */
	/* Non-zero *stop (set by a signal handler; NULL: none) ends the relay. */
	const volatile sig_atomic_t *stop;
	void *ctx;
};

/*
 * Sets up the local side.  'preload' (may be NULL) is sent before anything
 * read from in_fd; pass in_fd -1 to send only it.  Returns 0, or -1 with
 * errno set when memory runs out.
 */
int relay_io_init(struct relay_io *io, int in_fd, int out_fd, const char *preload, size_t len);
void relay_io_free(struct relay_io *io);

/*
 * Sends the pattern instead of reading in_fd: 'bytes' of it, or with
 * 'ns' > 0 for that long; called again, the whole of it once more (the
 * next client).  Returns 0, or -1 with errno set when the pattern's
 * memory file cannot be made.
 */
int relay_io_load(struct relay_io *io, uint64_t bytes, int64_t ns);

/* Drops what arrives instead of writing out_fd; with verify, checks it against the pattern first. */
void relay_io_discard(struct relay_io *io, bool verify);

/*
 * The bytes the local input still holds for the socket, preloaded text
 * included, where that is known (a regular file, or no input but the
 * text); -1 otherwise.
 */
int64_t relay_io_input_size(const struct relay_io *io);

/*
 * Relays between io and the non-blocking connected socket 'sock' until the
 * peer has closed and everything it sent is written out (with half_close:
 * and local input has ended and our FIN is sent), or an error or the idle
 * timeout ends it.  Fills *res either way; returns 0 when the end
 * is END_PEER_CLOSED, -1 otherwise.  Does not close sock.
 */
int relay_run(int sock, struct relay_io *io, const struct relay_opts *o, struct relay_result *res);

#endif
