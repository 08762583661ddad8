/* Dialing as the user sees it, for connect, info and shutdown: resolve, connect, report. */
#ifndef TCPTOOL_SESSION_DIAL_H
#define TCPTOOL_SESSION_DIAL_H

#include <netdb.h>
#include <stddef.h>
#include <stdint.h>

#include "base/exit_status.h"
#include "net/sock.h"
#include "view/report.h"
#include "view/trace.h"

/* What dialing takes from the command line: -4, -6, -w, -s, -p. */
struct dial_settings {
	int family;              /* AF_UNSPEC, AF_INET or AF_INET6 */
	long long timeout_ms;    /* how long each address's handshake may take; -1: no limit */
	const char *source_addr; /* -s: the address to connect from; NULL: any */
	int source_port;         /* -p: the port to connect from; -1: any */
	const struct sockopt_list *sockopts;  /* -O: set on the socket before it connects; NULL: none */
};

/* A connection made by session_dial. */
struct session_dial {
	int fd;                  /* connected and non-blocking; -1 when it failed */
	struct sock_names names;
	int64_t resolve_ns, handshake_ns;
	int late_err;            /* a reset that came with the handshake (see sock_dial) */
};

/*
 * Resolves host, and the source address of -s, for dialing port as the
 * settings say, reporting a failure.  Returns 0 with the lists in *peers
 * and *source (NULL without -s) for the caller to free, or the exit status.
 */
int session_resolve_dial(const struct report *r, const char *host, int port,
			 const struct dial_settings *o, struct addrinfo **peers,
			 struct addrinfo **source, int64_t *resolve_ns);

/*
 * Resolves host and connects to port as the settings say (-4, -6, -w, -s,
 * -p, -O), reporting failed addresses and the failure itself, and once
 * connected what the kernel granted of each -O option (sockopt events).
 * A refused option ends it before any SYN (EXIT_SOCKOPT).  With trace
 * (may be NULL), each address tried is traced from before its SYN.
 * Returns 0 with *d filled, or the exit status.
 */
int session_dial(const struct report *r, const char *host, int port, const struct dial_settings *o,
		 struct trace *trace, struct session_dial *d);

/* HOST PORT as the user gave them, as a name: "localhost:80", "[::1]:80". */
char *session_target(const char *host, int port, char *buf, size_t size);

/* The "connected" event: both names, the handshake and resolve times. */
void session_report_connected(const struct report *r, const char *host, const struct session_dial *d);

#endif
