/*
 * This host's TCP sockets, collected into an array: from NETLINK_SOCK_DIAG
 * (with tcp_info) or, where netlink is unavailable, from /proc/net/tcp and
 * tcp6; owning processes matched through the socket inodes in /proc/PID/fd.
 * Collecting never prints: formatters render the array afterwards.
 */
#ifndef TCPTOOL_SOCKLIST_H
#define TCPTOOL_SOCKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "kernel/owners.h"
#include "kernel/tcp_sock.h"
#include "net/tcp_state.h"

struct socklist_query {
	int family;       /* AF_UNSPEC: both */
	unsigned states;  /* 1 << state */
	int port;         /* local or peer port; -1: any */
	bool want_info;   /* tcp_info and congestion control, netlink only */
	struct owners_cache *owners;   /* owners known from readings before; NULL: none */
	bool unsorted;    /* the caller sorts the list its own way: leave the kernel's order */
};

struct socklist {
	struct tcp_sock *v;
	size_t n, cap;
	bool from_proc;         /* read /proc/net/tcp: netlink was unavailable */
	int netlink_err;        /* why netlink was unavailable */
	size_t hidden_owners;   /* other users' sockets whose process we may not see */
};

/* The states listed by default, as ss lists them: connected ones. */
#define SOCKLIST_CONNECTED                                                                   \
	(TCP_STATE_BIT(TCP_ESTABLISHED) | TCP_STATE_BIT(TCP_SYN_SENT) | TCP_STATE_BIT(TCP_FIN_WAIT1) | \
	 TCP_STATE_BIT(TCP_FIN_WAIT2) | TCP_STATE_BIT(TCP_CLOSE_WAIT) | TCP_STATE_BIT(TCP_LAST_ACK) |  \
	 TCP_STATE_BIT(TCP_CLOSING))
#define SOCKLIST_ALL 0xffeu  /* states 1-11 */

/*
 * Collects the sockets matching q into *l, sorted: listeners first, then
 * by local port and address, then by peer.  Returns 0, or -1 with errno
 * set when neither netlink nor /proc could be read.
 */
int socklist_collect(const struct socklist_query *q, struct socklist *l);

/*
 * The same into a list collected before (or zeroed), reusing its array: a
 * watch then does not allocate and fault in megabytes every reading.
 */
int socklist_recollect(const struct socklist_query *q, struct socklist *l);

void socklist_free(struct socklist *l);

/*
 * Finds the one socket with these two names, whatever its state: one a
 * process closed lives on in the kernel (TIME_WAIT, FIN_WAIT2, LAST_ACK).
 * Returns 1 with *out filled, 0 when the kernel has no such socket, or -1
 * with errno set.
 */
int socklist_find(const struct sockaddr_storage *local, const struct sockaddr_storage *peer,
		  struct tcp_sock *out);

/* The port in a socket address, host order. */
int socklist_port(const struct sockaddr_storage *ss);

#endif
