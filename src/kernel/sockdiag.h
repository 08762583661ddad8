/* TCP sockets from NETLINK_SOCK_DIAG (inet_diag), IPv4 and IPv6. */
#ifndef TCPTOOL_SOCKDIAG_H
#define TCPTOOL_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/tcp_sock.h"

/*
 * Asks the kernel for every TCP socket of 'family' (AF_INET or AF_INET6)
 * in 'states' (1 << state), with tcp_info and the congestion algorithm
 * when want_info, calling fn for each.  Returns 0, or -1 with errno set
 * (EPROTO: a message did not parse).
 */
int sockdiag_dump(int family, unsigned states, bool want_info, tcp_sock_fn *fn, void *ctx);

/*
 * The same for the sockets whose local or peer port is 'port' (-1: any),
 * which the kernel picks out itself with an inet_diag bytecode filter.
 */
int sockdiag_dump_port(int family, unsigned states, bool want_info, int port, tcp_sock_fn *fn,
		       void *ctx);

/*
 * Looks up the one socket from local (an address of family's size, in
 * network order, and a port) to peer, as the kernel would deliver a
 * segment from peer to it: the connected socket, else a listener of the
 * local port.  Calls fn for it if there is one.  Returns 0 (found or not),
 * or -1 with errno set.  A hash lookup: it costs the same however many
 * sockets the host has.
 */
int sockdiag_find(int family, const uint8_t *local, int local_port, const uint8_t *peer, int peer_port,
		  tcp_sock_fn *fn, void *ctx);

/*
 * Parses one buffer of netlink messages as a sock_diag dump returns them,
 * calling fn for each socket.  Copes with any bytes: returns 1 at the end
 * of the dump (NLMSG_DONE), 0 when more is to come, or -1 with errno set:
 * EPROTO for a truncated or malformed message, or the kernel's own error.
 */
int sockdiag_parse(const void *buf, size_t len, tcp_sock_fn *fn, void *ctx);

#endif
