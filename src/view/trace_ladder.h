/*
 * --ladder live: what the trace sees of our connection, drawn as it
 * happens.  Feeds view/ladder.c the followed segments, our system calls,
 * and both sockets' states as the kernel reports them (sock_diag, taken
 * at each SYN, FIN, RST and call), and prints its lines; with --json,
 * which draws nothing, the states and calls are events instead.
 */
#ifndef TCPTOOL_TRACE_LADDER_H
#define TCPTOOL_TRACE_LADDER_H

#include <stdbool.h>
#include <stdint.h>

#include "net/segment.h"
#include "view/report.h"

struct trace_ladder;

/* A ladder for r's stream (box drawing where the locale is UTF-8); NULL without memory. */
struct trace_ladder *trace_ladder_new(const struct report *r);

/*
 * What is followed changes: unless it is the same connection (a listener
 * narrowing to the client it accepted), the picture of the one before
 * ends, and the next starts with its first segment.  peer (NULL: not
 * known yet) lets the calls before that segment sample the peer's side.
 */
void trace_ladder_follow(struct trace_ladder *tl, bool same_connection, const struct seg_end *local,
			 const struct seg_end *peer);

/* A followed segment seen at at_ns (CLOCK_MONOTONIC), sent by us or not. */
void trace_ladder_segment(struct trace_ladder *tl, const struct tcp_segment *s, int64_t at_ns, bool out);

/* Our system call that began at at_ns ("connect()", "send()" with bytes, "close()"...). */
void trace_ladder_call(struct trace_ladder *tl, int64_t at_ns, const char *call, long long bytes);

/* Another event's line comes next: the rows held back go first, a FIN's with the states it brought. */
void trace_ladder_settle(struct trace_ladder *tl);

/* The connection is over: the last states, and the picture's end. */
void trace_ladder_end(struct trace_ladder *tl);

void trace_ladder_free(struct trace_ladder *tl);

#endif
