/*
 * How --trace tells a segment: what the trace has learnt of its connection
 * (which end opened it, each end's initial sequence number, the FINs), and
 * the segment as a line for people and as fields for --json.  Pure, so it
 * is unit tested and fuzzed without a capture.
 */
#ifndef TCPTOOL_TRACE_FORMAT_H
#define TCPTOOL_TRACE_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "view/report.h"
#include "net/segment.h"
#include "net/sock.h"

/* One end of the traced connection as the trace has seen it. */
struct trace_side {
	struct seg_end end;
	bool known;            /* end is set */
	bool have_isn;         /* its SYN was seen */
	uint32_t isn;
	bool have_max;
	uint32_t max_end;      /* the furthest sequence number it has sent up to */
	bool wscale_offered;
	uint8_t wscale;
	bool fin_sent;
	uint32_t fin_end;      /* the ack that acknowledges its FIN */
	bool fin_acked;
	bool have_ack;
	uint32_t last_ack;     /* the ack of its latest segment */
	bool window_closed;    /* its latest segment advertised a zero window */
};

/* A is the end that sent the first SYN (or, without one, the first segment). */
struct trace_conn {
	struct trace_side a, b;
	bool reset;
	int64_t syn_ns, synack_ns;   /* when the first SYN and SYN-ACK were seen (0: not yet) */
};

/* True once nothing more is to come: a RST, or both FINs sent and acknowledged. */
bool trace_conn_over(const struct trace_conn *c);

/*
 * What a segment does to flow control, as the trace tells it; and the
 * keepalive probe, which has a window probe's shape with the window open.
 */
enum window_note { WINDOW_NONE, WINDOW_ZERO, WINDOW_PROBE, WINDOW_OPENS, WINDOW_KEEPALIVE };

/* What one segment told the trace, beyond its own fields. */
struct segment_note {
	struct trace_side *from, *to;   /* its sender and receiver; NULL: not between c's two ends */
	char from_letter, to_letter;    /* 'A' or 'B' */
	bool again;                     /* it repeats sequence space already sent: a retransmission */
	enum window_note window;
};

/*
 * Notes segment s (sent at t_ns) in c and tells what it learnt in n: the
 * bookkeeping of trace_segment_event() without the words, for the ladder.
 */
void trace_conn_note(struct trace_conn *c, const struct tcp_segment *s, int64_t t_ns, struct segment_note *n);

/* "SYN", "SYN-ACK", "ACK", "DATA", "FIN", "RST" or "RST-ACK": what a segment is for. */
const char *trace_segment_kind(const struct tcp_segment *s);

/* v as "A", "A+1" (letter: the side's), or the plain number when the side's first number is unknown. */
void trace_relative(const struct trace_side *side, char letter, uint32_t v, char *buf, size_t size);

#define SEGMENT_FIELDS_MAX 28

/* A segment as an event: storage for the strings its fields point into. */
struct segment_event {
	char human[640];
	char src[SOCK_NAME_MAX], dst[SOCK_NAME_MAX];
	char kind[8], flags[48], sack[160];
	struct field f[SEGMENT_FIELDS_MAX];
};

/*
 * Notes segment s (sent at t_ns) in c and describes it in ev: "out" when
 * we sent it, ifname where it was seen (NULL: unknown).  With verbose
 * the line adds the absolute sequence numbers, the interface, every flag
 * and the timestamps' values.
 */
void trace_segment_event(struct trace_conn *c, const struct tcp_segment *s, int64_t t_ns, bool out,
			 const char *ifname, int verbose, struct segment_event *ev);

/* Writes the seg_end as "127.0.0.1:80" or "[::1]:80". */
char *seg_end_name(const struct seg_end *e, char *buf, size_t size);

#endif
