/*
 * What TCP_INFO says about one connection, in tcptool's own struct.  The
 * kernel's struct tcp_info grows with every release and arrives both from
 * getsockopt() and from sock_diag netlink messages, each as long as that
 * kernel makes it; tcpinfo_decode() takes what is there and flags the rest.
 */
#ifndef TCPTOOL_TCPINFO_H
#define TCPTOOL_TCPINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tcp_summary {
	int state;                 /* tcpi_state: 1 ESTABLISHED ... 11 CLOSING */
	bool sack, timestamps, ecn, syn_data;
	int snd_wscale, rcv_wscale; /* -1: window scaling not negotiated */
	uint32_t rto_us, rtt_us, rttvar_us;
	uint32_t snd_mss, rcv_mss, advmss, pmtu;
	uint32_t snd_cwnd, snd_ssthresh, rcv_space;
	uint32_t unacked, sacked;   /* on a listener: the accept queue, its limit */
	uint32_t total_retrans;
	bool have_bytes;           /* kernel 4.1+: the byte counters below */
	uint64_t bytes_acked, bytes_received;
	bool have_data_segs;       /* kernel 4.6+ */
	uint32_t data_segs_in;     /* segments that carried data, accepted or not */
	bool have_snd_wnd;         /* kernel 6.2+ */
	uint32_t snd_wnd;          /* the peer's receive window, scaled */
};

/* Fills *s from 'len' bytes of a kernel struct tcp_info (any version). */
void tcpinfo_decode(const void *raw, size_t len, struct tcp_summary *s);

/* Reads TCP_INFO of socket fd into *s.  Returns 0, or -1 with errno set. */
int tcpinfo_read(int fd, struct tcp_summary *s);

/*
 * The congestion control algorithm of socket fd ("cubic") into buf.
 * Returns 0, or -1 with errno set.
 */
int tcpinfo_congestion(int fd, char *buf, size_t size);

#endif
