/*
 * The event loop behind the servers (echo, ack): one process, one epoll
 * set, every client a small struct.  The loop accepts, reads, writes what
 * is pending, times out quiet clients, and reports every connection; the
 * command says what to do with the bytes through callbacks.
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

#include "args.h"
#include "net/relay.h"
#include "view/report.h"
#include "net/sock.h"

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

struct server_config {
	const char *bind_addr;      /* NULL: every address */
	int port, family, backlog;
	int max_conns;              /* beyond it clients wait in the accept queue */
	long long idle_timeout_ms;  /* -1: none */
	size_t read_size;           /* bytes per read, at most SERVER_READ_MAX */
	bool nodelay;               /* TCP_NODELAY on every client */
	const struct report *report;
};

/* Fills cfg from the command line; read_size SERVER_READ_MAX, no TCP_NODELAY. */
void server_config_init(struct server_config *cfg, const struct options *o, int port,
			const struct report *r);

/*
 * Listens as the config says and serves until SIGINT, SIGTERM or SIGHUP,
 * then closes every client and reports a summary.  Returns the exit
 * status: 0 after a signal, else the failure's.
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
