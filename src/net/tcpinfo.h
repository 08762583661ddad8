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
	bool have_snd_wnd;         /* kernel 5.4+ */
	uint32_t snd_wnd;          /* the peer's receive window, scaled */

	/* The life of the connection, for interval reports. */
	uint32_t lost, retrans;    /* segments presumed lost, retransmitted and unacked: now */
	uint32_t min_rtt_us;
	uint32_t notsent_bytes;    /* written by the application, not yet sent */
	uint32_t segs_out, segs_in, data_segs_out;
	bool have_rates;           /* kernel 4.9+: delivery rate, pacing rate */
	uint64_t pacing_rate, delivery_rate;   /* bytes per second */
	bool delivery_app_limited; /* the delivery sample came while the sender had little to send */
	bool have_chrono;          /* kernel 4.10+: where the sender's time went (us) */
	uint64_t busy_us, rwnd_limited_us, sndbuf_limited_us;
	bool have_bytes_sent;      /* kernel 4.19+ */
	uint64_t bytes_sent, bytes_retrans;
	bool have_rcv_wnd;         /* kernel 6.2+: the window we advertise */
	uint32_t rcv_wnd;
	bool have_rto_stats;       /* kernel 6.7+: retransmission timeouts */
	uint32_t total_rto, total_rto_recoveries, total_rto_time_ms;
};

/* tcpi_snd_ssthresh before the first loss: no threshold yet (slow start). */
#define TCP_SSTHRESH_NONE 0x7fffffffu

/* Fills *s from 'len' bytes of a kernel struct tcp_info (any version). */
void tcpinfo_decode(const void *raw, size_t len, struct tcp_summary *s);

/* Reads TCP_INFO of socket fd into *s.  Returns 0, or -1 with errno set. */
int tcpinfo_read(int fd, struct tcp_summary *s);

/*
 * The bytes in socket fd's queues: sent or waiting to be, and not yet
 * acknowledged (send), and received but not yet read (recv).  Returns 0,
 * or -1 with errno set.
 */
int tcpinfo_queues(int fd, uint32_t *send_q, uint32_t *recv_q);

/*
 * The congestion control algorithm of socket fd ("cubic") into buf.
 * Returns 0, or -1 with errno set.
 */
int tcpinfo_congestion(int fd, char *buf, size_t size);

#endif
