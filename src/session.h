/*
 * One connection's life as the user sees it, shared by the relay commands:
 * tcp_info after the handshake, the relay with its events, the closing
 * summary, and the exit status that follows from how it ended.
 */
#ifndef TCPTOOL_SESSION_H
#define TCPTOOL_SESSION_H

#include <stdint.h>

#include "args.h"
#include "relay.h"
#include "report.h"
#include "sock.h"

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
 * Relays between io and sock, reporting stdin EOF, FINs, resets and the
 * closing summary.  Returns the exit status for how the connection ended.
 */
int session_relay(const struct report *r, int sock, const struct sock_names *names,
		  struct relay_io *io, const struct options *o, int pending_err, enum relay_end *end);

#endif
