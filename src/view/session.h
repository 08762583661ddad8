/*
 * One connection's life as the user sees it, shared by the relay commands:
 * tcp_info after the handshake, the relay with its events, the closing
 * summary, and the exit status that follows from how it ended.
 */
#ifndef TCPTOOL_SESSION_H
#define TCPTOOL_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/exit_status.h"
#include "net/relay.h"
#include "net/sock.h"
#include "view/report.h"

/* What session_relay takes from the command line. */
struct session_opts {
	bool half_close;        /* --half-close: send FIN once the input ends */
	long long timeout_ms;   /* -w: how long the connection may stay idle; -1: no limit */
	bool send_text;         /* the input is --send's text, not stdin (how input_eof reads) */
	long long interval_ms;  /* -i: an interval report this often; 0: none */
	uint64_t send_rate, read_rate;   /* --rate, --read-rate: bytes a second; 0: no limit */
	int progress;           /* the progress line: -1 never, 0 on a terminal, 1 always */
	const volatile sig_atomic_t *stop;  /* non-zero: stop the relay (a signal); NULL: none */
	bool measure;           /* --load or --discard: the summary as a measurement */
	bool load;              /* the input is --load's pattern (how input_eof reads) */
};

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
	const char *end;   /* "fin", "reset", "timeout", "error", "stopped" or "interrupted" */
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
 * Relays between io and sock, reporting stdin EOF, FINs, resets, the
 * intervals and progress asked for, and the closing summary.  Returns the
 * exit status for how the connection ended.
 */
int session_relay(struct report *r, int sock, const struct sock_names *names,
		  struct relay_io *io, const struct session_opts *o, int pending_err, enum relay_end *end);

#endif
