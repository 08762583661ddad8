/*
 * One stretch of a connection's life, from two TCP_INFO readings: the bytes
 * and rates, what the windows and queues held at its end, what was
 * retransmitted, and what limited the sender.  Pure arithmetic on samples
 * the callers take, so the relay, the servers and `info --watch` share it.
 */
#ifndef TCPTOOL_INTERVAL_H
#define TCPTOOL_INTERVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "net/tcpinfo.h"

/* A connection at one moment. */
struct flow_sample {
	int64_t at_ns;             /* CLOCK_MONOTONIC */
	bool have_info;            /* ti is filled */
	struct tcp_summary ti;
	uint64_t bytes_out, bytes_in;   /* data bytes sent and received so far */
	bool have_queues;
	uint32_t send_q, recv_q;   /* unacknowledged or unsent; received, unread */
};

/*
 * What held the sender back, from the kernel's own clocks (tcpi_busy_time,
 * tcpi_rwnd_limited, tcpi_sndbuf_limited): busy time splits into time
 * stalled by the peer's window, time stalled by our send buffer, and time
 * sending as fast as the congestion window allowed; the rest of the
 * interval the sender had nothing to send.
 */
enum flow_limit {
	LIMIT_UNKNOWN,   /* the kernel's numbers do not say (too old, interval too short) */
	LIMIT_IDLE,      /* nothing sent and nothing waiting */
	LIMIT_APP,       /* the application gave too little to send */
	LIMIT_RWND,      /* the receiver's window was full */
	LIMIT_SNDBUF,    /* our send buffer was too small */
	LIMIT_CWND,      /* the congestion window: the network */
	LIMIT_READER,    /* a receiver: our own reading, unread bytes filling our window */
};

/*
 * The kernel counts the limit clocks in jiffies (up to 10 ms each): an
 * interval shorter than this gets no verdict.
 */
#define INTERVAL_VERDICT_MIN_NS (100 * 1000000LL)

struct interval {
	int64_t start_ns, end_ns;      /* since the connection's first sample */
	uint64_t bytes_out, bytes_in;  /* in the interval */
	double out_rate, in_rate;      /* bytes per second */
	bool have_info;
	/* At the end of the interval. */
	uint32_t rtt_us, rttvar_us, min_rtt_us;
	uint32_t cwnd, mss;            /* segments, bytes per segment */
	uint32_t ssthresh;             /* TCP_SSTHRESH_NONE: slow start, no loss yet */
	uint32_t in_flight;            /* segments sent, not acknowledged nor presumed lost */
	uint64_t in_flight_bytes;      /* the same in bytes, from the send queue where known */
	bool have_snd_wnd, have_rcv_wnd;
	uint32_t peer_window, our_window;
	bool have_queues;
	uint32_t send_q, recv_q, notsent;
	bool have_rates;
	uint64_t delivery_rate, pacing_rate;
	bool delivery_app_limited;
	/* In the interval, and since the connection began. */
	uint32_t retrans, retrans_total;
	uint64_t bytes_retrans, bytes_retrans_total;
	bool have_bytes_retrans;
	uint32_t lost;                 /* presumed lost now, awaiting retransmission */
	bool have_rto;
	uint32_t rto, rto_total;       /* retransmission timeouts */
	/* Where the sender's time went, as parts of the interval (0-100 each). */
	enum flow_limit limit;
	int limit_pct;                 /* the verdict's share */
	int rwnd_pct, sndbuf_pct, cwnd_pct, app_pct;
};

/* The interval from sample a to sample b (b later); t0_ns names time zero. */
void interval_compute(const struct flow_sample *a, const struct flow_sample *b, int64_t t0_ns,
		      struct interval *iv);

/* The limit's JSON name: "unknown", "idle", "application", "receiver_window", ... */
const char *interval_limit_name(enum flow_limit l);

/* Segments in flight as the kernel counts them: sent, less SACKed and lost, plus retransmitted. */
uint32_t interval_in_flight(const struct tcp_summary *s);

#endif
