/*
 * The TCP connections of a stream of segments (a capture file), told apart
 * by their two ends: a pure SYN on a pair of ends whose connection has
 * ended (RST, or a FIN each way), or that its sender opened before with
 * another first sequence number, starts a new one.  For each: who opened
 * it, segments and bytes each way, the handshake, how it ended.  Pure, so
 * it is unit tested and fuzzed without a capture.
 */
#ifndef TCPTOOL_CONN_TABLE_H
#define TCPTOOL_CONN_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/segment.h"

/* What one end sent. */
struct conn_side {
	uint64_t segments;
	uint64_t bytes;          /* payload, each byte once: retransmissions do not add */
	bool syn, fin, rst;      /* sent one */
	bool have_isn;
	uint32_t isn;            /* its SYN's sequence number */
	bool have_next;
	uint32_t next;           /* the furthest payload sequence number it has sent up to */
	bool acked_syn;          /* it acknowledged the other end's SYN */
};

/* How a connection ended, as far as the capture shows. */
enum conn_end {
	CONN_OPEN,         /* neither FIN nor RST: open when the capture ended */
	CONN_HALF_CLOSED,  /* a FIN one way only */
	CONN_FIN,          /* a FIN each way */
	CONN_RST,          /* reset */
	CONN_REFUSED,      /* B answered A's SYN with RST, no SYN-ACK */
};

/* How much of the three-way handshake the capture holds. */
enum conn_handshake {
	HANDSHAKE_NONE,      /* no SYN: it began before the capture */
	HANDSHAKE_SYN_ONLY,  /* A's SYN, never answered with a SYN-ACK */
	HANDSHAKE_PARTIAL,   /* a SYN-ACK, but A's SYN or its ACK of it is missing */
	HANDSHAKE_SEEN,      /* SYN, SYN-ACK, ACK */
};

struct conn {
	/* A sent the first SYN (or answered no SYN-ACK first, or sent the first segment). */
	struct seg_end a, b;
	struct conn_side from_a, from_b;
	int64_t first_ns, last_ns;        /* its first and last segment */
	uint64_t first_seg, last_seg;     /* their ordinals among every segment added, from 1 */
	enum conn_end end;
	bool ended_by_a;                  /* CONN_RST, CONN_HALF_CLOSED: A sent the RST or the FIN */
};

struct conn_table;

/* An empty table, or NULL with errno ENOMEM. */
struct conn_table *conn_table_new(void);

/*
 * Adds segment s, seen at t_ns: returns the number of its connection (from
 * 1, in the order they first appear), or 0 with errno ENOMEM.  *from_a
 * says whether A sent it.
 */
size_t conn_table_add(struct conn_table *t, const struct tcp_segment *s, int64_t t_ns, bool *from_a);

/* How many connections, and connection n (1 to that count). */
size_t conn_table_count(const struct conn_table *t);
const struct conn *conn_table_get(const struct conn_table *t, size_t n);

/* Whether segment s, the ordinal-th added, is connection c's. */
bool conn_has(const struct conn *c, const struct tcp_segment *s, uint64_t ordinal);

enum conn_handshake conn_handshake(const struct conn *c);

void conn_table_free(struct conn_table *t);

#endif
