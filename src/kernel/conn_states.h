/*
 * The TCP states of both sockets of one connection, where this host holds
 * them: ours, and the peer's when it is here too (loopback, or a namespace
 * sharing our network stack), from NETLINK_SOCK_DIAG.  For the ladder.
 */
#ifndef TCPTOOL_CONN_STATES_H
#define TCPTOOL_CONN_STATES_H

#include "net/segment.h"

/*
 * Looks up the socket from local to peer and the one from peer to local,
 * as the kernel delivers segments: *ours and *theirs get their states
 * (net/tcp_state.h numbering, TCP_NEW_SYN_RECV counted as SYN_RECV), or 0
 * where no such socket is here.  Before the peer's socket for us exists,
 * its listener answers: LISTEN.  Both ends must be one family (IPv4, or
 * IPv6).  Returns 0, or -1 with errno when the kernel could not be asked.
 */
int conn_states(const struct seg_end *local, const struct seg_end *peer, int *ours, int *theirs);

#endif
