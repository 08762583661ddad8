/* Which processes hold which sockets: the socket inodes in /proc/PID/fd. */
#ifndef TCPTOOL_OWNERS_H
#define TCPTOOL_OWNERS_H

#include <stddef.h>

#include "kernel/tcp_sock.h"

/*
 * Fills owners, pid, fd and command of each socket in v[0..n-1] that a
 * process this user may look into holds.  Returns how many processes'
 * descriptors could not be read (other users' without root).
 */
size_t owners_find(struct tcp_sock *v, size_t n);

#endif
