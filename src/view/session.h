/*
 * One connection's life as the user sees it, shared by the relay commands:
 * tcp_info after the handshake, the relay with its events, the closing
 * summary, and the exit status that follows from how it ended.
 */
#ifndef TCPTOOL_SESSION_H
#define TCPTOOL_SESSION_H

#include <stdint.h>

#include "args.h"
#include "net/relay.h"
#include "view/report.h"
#include "net/sock.h"
#include "view/trace.h"

/* A connection made by session_dial. */
struct session_dial {
	int fd;                  /* connected and non-blocking; -1 when it failed */
	struct sock_names names;
	int64_t resolve_ns, handshake_ns;
	int late_err;            /* a reset that came with the handshake (see sock_dial) */
};

/*
 * Resolves host, and the source address of -s, for dialing port as the
 * options say, reporting a failure.  Returns 0 with the lists in *peers
 * and *source (NULL without -s) for the caller to free, or the exit status.
 */
int session_resolve_dial(const struct report *r, const char *host, int port, const struct options *o,
			 struct addrinfo **peers, struct addrinfo **source, int64_t *resolve_ns);

/*
 * Resolves host and connects to port as the options say (-4, -6, -w, -s,
 * -p), reporting failed addresses and the failure itself.  With trace
 * (may be NULL), each address tried is traced from before its SYN.
 * Returns 0 with *d filled, or the exit status.
 */
int session_dial(const struct report *r, const char *host, int port, const struct options *o,
		 struct trace *trace, struct session_dial *d);

/* HOST PORT as the user gave them, as a name: "localhost:80", "[::1]:80". */
char *session_target(const char *host, int port, char *buf, size_t size);

/* The "connected" event: both names, the handshake and resolve times. */
void session_report_connected(const struct report *r, const char *host, const struct session_dial *d);

/* The "listening" event: the bound name, dual stack or not, the backlog. */
void session_report_listening(const struct report *r, int fd, int backlog);

/* The "accepted" event; conn is the server's connection number (0: none). */
void session_report_accepted(const struct report *r, const struct sock_names *n, uint64_t conn);

/*
 * Reports why listening failed, with errno as sock_listen left it: a bind
 * address that does not resolve, or a port in use and who holds it.
 * Returns the exit status.
 */
int session_listen_failed(const struct report *r, const char *addr, int port, int gai_err);

/* How one connection ended, for the "closed" event. */
struct conn_end {
	uint64_t bytes_in, bytes_out;
	int64_t duration_ns;
	enum relay_closer first_fin;
	const char *end;   /* "fin", "reset", "timeout", "error" or "stopped" */
	uint64_t conn;     /* the server's connection number; 0: none */
};

/* The "closed" event: names, bytes each way, duration, who closed first. */
void session_report_closed(const struct report *r, const struct sock_names *n,
			   const struct conn_end *e);

/* With -v: reports what TCP_INFO says of the fresh connection on fd. */
void session_report_tcp_info(const struct report *r, int fd);

/*
 * Where stdout and r's stream are one terminal, ties r to io's record of
 * the last byte shown, so that an event (a trace line too) never runs on
 * from the peer's data.  Call it once io is set up, before any relay.
 */
void session_share_terminal(struct report *r, struct relay_io *io);

/*
 * Relays between io and sock, reporting stdin EOF, FINs, resets and the
 * closing summary.  Returns the exit status for how the connection ended.
 */
int session_relay(const struct report *r, int sock, const struct sock_names *names,
		  struct relay_io *io, const struct options *o, int pending_err, enum relay_end *end);

#endif
