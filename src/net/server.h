/*
 * The event loop behind the servers (echo, ack): one process, one epoll
 * set, every client a small struct.  The loop accepts, reads, writes what
 * is pending and times out quiet clients; the command says what to do with
 * the bytes through callbacks.  It never prints: every happening goes to
 * an event callback (view/server_report.c shows them).
 *
 * Memory stays bounded: the server does not read from a client while an
 * answer to it is still unsent, so a client that sends without reading
 * stalls only itself.
 */
#ifndef TCPTOOL_SERVER_H
#define TCPTOOL_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/relay.h"
#include "net/sock.h"
#include "net/sockopt.h"

#define SERVER_MAX_CONNS_DEFAULT 1024
#define SERVER_READ_MAX (64 * 1024)  /* the most one read takes from a client */
#define SERVER_LINGER_MS 2000        /* after our FIN, how long the peer gets to send its own */

struct server;

/* One client.  Commands read these fields and keep their state in 'data'. */
struct server_conn {
	int fd;
	uint64_t id;                /* 1, 2, ... in order of accept */
	struct sock_names names;
	uint64_t bytes_in, bytes_out;
	int64_t start_ns;           /* accepted */
	bool peer_fin;              /* the client sent FIN */
	bool finishing;             /* FIN once the pending bytes are out */
	bool fin_sent;
	enum relay_closer first_fin;
	void *data;                 /* the command's own, freed in on_close */
	uint64_t tick_in, tick_out; /* bytes_in and bytes_out at the last tick */

	/* The loop's bookkeeping. */
	char *out;                  /* bytes [out_off, out_len) wait to be written */
	size_t out_off, out_len, out_cap;
	uint32_t watching;          /* epoll events registered */
	int err;                    /* a socket error ends the connection */
	int timer;                  /* which timer list it is on */
	int64_t timer_ns;           /* when that timer started */
	struct server_conn *prev, *next;
};

struct server_ops {
	/* Bytes from the client; answer with server_send, end with server_finish. */
	void (*on_data)(struct server *s, struct server_conn *c, const char *buf, size_t len);
	/* The client sent FIN; it will send nothing more. */
	void (*on_peer_fin)(struct server *s, struct server_conn *c);
	/* Everything sent so far is written out (optional). */
	void (*on_drained)(struct server *s, struct server_conn *c);
	/* The connection is about to be closed: free c->data (optional). */
	void (*on_close)(struct server *s, struct server_conn *c);
	void *ctx;
};

struct server_event;

/*
 * Receives every event.  Returns false when the events can no longer reach
 * anyone (the event stream failed): the server stops, as a failure.
 */
typedef bool server_event_fn(void *ctx, const struct server_event *ev);

struct server_config {
	const char *bind_addr;      /* NULL: every address */
	int port, family, backlog;
	int max_conns;              /* beyond it clients wait in the accept queue */
	long long idle_timeout_ms;  /* -1: none */
	size_t read_size;           /* bytes per read, at most SERVER_READ_MAX */
	bool nodelay;               /* TCP_NODELAY on every client */
	/*
	 * Fill each client's names, and look whether its FIN came with its
	 * message (first_fin): system calls that only the events need.
	 */
	bool want_names;
	/* > 0: SERVER_TICK every tick_ms, and SERVER_TOTAL when the server stops. */
	long long tick_ms;
	server_event_fn *on_event;
	void *event_ctx;
	/*
	 * -O: set on the listener before its bind and listen, and again on
	 * each client after accept() where clients do not inherit them; NULL:
	 * none.
	 */
	const struct sockopt_list *sockopts;
};

/* How a connection ended. */
enum server_end {
	SERVER_END_FIN,       /* FIN both ways (or the peer's never came after ours) */
	SERVER_END_RESET,     /* ECONNRESET or EPIPE */
	SERVER_END_ERROR,     /* another socket error */
	SERVER_END_TIMEOUT,   /* idle for idle_timeout_ms */
	SERVER_END_STOPPED,   /* the server stopped */
};

/* The server's counts so far, for the summary. */
struct server_stats {
	uint64_t connections;       /* accepted; the last conn's id */
	uint64_t open, peak;
	uint64_t bytes_in, bytes_out, resets, timeouts;
	uint64_t times_full, times_out_of_fds;  /* accepting paused, and why */
	int64_t started_ns;
	int stop_signal;            /* 0: none */
};

/* The client that moved the most bytes (in and out together) over a stretch of time. */
struct server_busiest {
	uint64_t conn;              /* its id; 0: no client moved a byte */
	char peer[SOCK_NAME_MAX];   /* empty without want_names */
	uint64_t bytes_in, bytes_out;   /* its bytes in that stretch */
};

/* What the clients did over a stretch of time: one tick's interval, or the whole run. */
struct server_tally {
	int64_t start_ns, end_ns;   /* CLOCK_MONOTONIC */
	uint64_t open;              /* clients connected at the end */
	uint64_t peak;              /* the most connected at once during it */
	uint64_t opened, closed;
	uint64_t bytes_in, bytes_out;
	struct server_busiest busiest;
};

enum server_event_type {
	SERVER_LISTEN_FAILED,  /* err: errno of sock_listen, gai_err its getaddrinfo code */
	SERVER_LISTENING,      /* fd: the listener */
	SERVER_SETUP_FAILED,   /* err: the epoll set, the signalfd or the buffer */
	SERVER_FD_LIMIT,       /* fd_limit, room: the open-file limit holds fewer than max_conns */
	SERVER_ACCEPTED,       /* conn */
	SERVER_PEER_FIN,       /* conn: the client sent FIN */
	SERVER_CLOSED,         /* conn, end: after the socket is closed */
	SERVER_FULL,           /* max_conns clients: accepting pauses (stats->times_full) */
	SERVER_OUT_OF_FDS,     /* err: accepting pauses (stats->times_out_of_fds) */
	SERVER_WAIT_FAILED,    /* err: epoll_wait */
	SERVER_ROUND,          /* a round of events is over: time to flush them */
	SERVER_TICK,           /* tally: the interval since the last tick (tick_ms; at the stop, the part-interval) */
	SERVER_TOTAL,          /* tally: the whole run, once every client is closed (tick_ms only) */
	SERVER_STOPPED,        /* every client closed: the summary */
};

/* Fields other than the first four hold only for the events that name them. */
struct server_event {
	enum server_event_type type;
	const struct server_config *cfg;
	const struct server_stats *stats;
	int64_t now_ns;
	const struct server_conn *conn;  /* ACCEPTED, PEER_FIN, CLOSED */
	enum server_end end;             /* CLOSED */
	int err, gai_err;
	int fd;                          /* LISTENING */
	uint64_t fd_limit;               /* FD_LIMIT */
	long long room;                  /* FD_LIMIT */
	const struct server_tally *tally;  /* TICK, TOTAL */
	/*
	 * With cfg->sockopts: LISTENING, what the kernel granted the listener;
	 * LISTEN_FAILED, the option it refused, where failed >= 0; ACCEPTED,
	 * the client's.  NULL otherwise.
	 */
	const struct sockopt_results *sockopts;
};

/*
 * Listens as the config says and serves until SIGINT, SIGTERM or SIGHUP,
 * then closes every client, tells the last part-interval and the total
 * (with tick_ms) and sends SERVER_STOPPED.  Returns 0 after a
 * signal, -1 after a failure (told as an event).
 */
int server_run(const struct server_config *cfg, const struct server_ops *ops);

/* The command's context from server_ops.ctx. */
void *server_ctx(const struct server *s);

/*
 * Sends bytes to the client: written now as far as the socket takes them,
 * the rest queued and written as the client reads.  While anything is
 * queued the server reads nothing more from this client.  Returns false
 * when the connection has failed (it will be closed).
 */
bool server_send(struct server *s, struct server_conn *c, const void *buf, size_t len);

/* Bytes queued for the client and not yet written. */
size_t server_pending(const struct server_conn *c);

/*
 * Ends the connection gracefully: once the queued bytes are written, send
 * FIN; close when the client's FIN arrives (what it sends meanwhile is read
 * and dropped) or SERVER_LINGER_MS later.
 */
void server_finish(struct server *s, struct server_conn *c);

#endif
