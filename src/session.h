/*
 * One connection's life as the user sees it, shared by the relay commands:
 * tcp_info after the handshake, the relay with its events, the closing
 * summary, and the exit status that follows from how it ended.
 */
#ifndef TCPTOOL_SESSION_H
#define TCPTOOL_SESSION_H

#include "args.h"
#include "relay.h"
#include "report.h"
#include "sock.h"

/* With -v: reports what TCP_INFO says of the fresh connection on fd. */
void session_report_tcp_info(const struct report *r, int fd);

/*
 * Relays between io and sock, reporting stdin EOF, FINs, resets and the
 * closing summary.  Returns the exit status for how the connection ended.
 */
int session_relay(const struct report *r, int sock, const struct sock_names *names,
		  struct relay_io *io, const struct options *o, int pending_err, enum relay_end *end);

#endif
