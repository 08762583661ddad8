/*
 * TCP sockets from /proc/net/tcp and tcp6: what tcptool reads when netlink
 * sock_diag is unavailable.  No tcp_info there, and a listener's backlog
 * is not shown.
 */
#ifndef TCPTOOL_PROCNET_H
#define TCPTOOL_PROCNET_H

#include "kernel/tcp_sock.h"

/*
 * Parses one line of /proc/net/tcp (family AF_INET) or tcp6 (AF_INET6)
 * into *s.  Returns 0, or -1 for the header or a line that does not parse.
 */
int procnet_parse_line(const char *line, int family, struct tcp_sock *s);

/*
 * Reads one such file, calling fn for each socket.  Returns 0, or -1 with
 * errno set when the file cannot be read.
 */
int procnet_read(const char *path, int family, tcp_sock_fn *fn, void *ctx);

#endif
