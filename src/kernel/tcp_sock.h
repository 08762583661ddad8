/*
 * One TCP socket of this host as the kernel describes it: what the
 * readers (sock_diag, /proc/net/tcp, the owners in /proc/PID/fd) fill and
 * the socket list collects.
 */
#ifndef TCPTOOL_TCP_SOCK_H
#define TCPTOOL_TCP_SOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "net/tcpinfo.h"

/* The timers sock_diag reports (idiag_timer). */
enum sock_timer { TIMER_NONE, TIMER_RETRANSMIT, TIMER_KEEPALIVE, TIMER_TIME_WAIT, TIMER_PROBE };

struct tcp_sock {
	int family;                     /* AF_INET or AF_INET6 */
	int state;                      /* 1 ESTABLISHED ... 11 CLOSING */
	struct sockaddr_storage local, peer;
	uint32_t recv_q, send_q;        /* on a listener: accept queue, backlog */
	uint32_t uid;
	uint64_t inode;                 /* 0: no file (TIME_WAIT, SYN_RECV) */
	enum sock_timer timer;
	uint32_t timer_ms;              /* until the timer fires */
	uint32_t retrans;               /* timer retransmissions so far */
	bool has_info;                  /* tcp_info and congestion are filled */
	struct tcp_summary info;
	char congestion[16];
	int owners;                     /* processes holding it; the first one: */
	pid_t pid;
	int fd;
	char command[16];
};

/* Called for each socket a reader finds; -1 (errno set) stops the reading. */
typedef int tcp_sock_fn(void *ctx, const struct tcp_sock *s);

#endif
