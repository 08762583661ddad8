/*
 * What tcptool trace FILE prints: the capture's TCP connections, one
 * "connection" event each (ends, segments, bytes each way, how long, how
 * it ended, the handshake), and one connection's segments as --trace
 * shows them, timed by the capture's own clock.
 */
#ifndef TCPTOOL_TRACE_FILE_H
#define TCPTOOL_TRACE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/capture_file.h"
#include "net/conn_table.h"
#include "net/sock.h"
#include "view/ladder.h"
#include "view/report.h"
#include "view/trace_format.h"

#define CONN_FIELDS_MAX 16

/* A connection as an event: storage for the strings its fields point into. */
struct conn_event {
	char human[768];
	char a[SOCK_NAME_MAX], b[SOCK_NAME_MAX];
	struct field f[CONN_FIELDS_MAX];
};

/*
 * Describes connection number n: "1  127.0.0.1:40062 > 127.0.0.1:9000
 * from t+0.000 ms for 0.241 ms: 10 segments, 5 B out, 12 B in; closed with
 * FIN both ways; handshake seen" (t_ns: its start on the report's clock).
 * Pure.
 */
void trace_file_conn_event(const struct conn *c, size_t n, int64_t t_ns, struct conn_event *ev);

/* The first line of the list: the file, its frames, its segments and connections, how long it spans. */
void trace_file_report_capture(const struct report *r, const char *path, const char *link,
			       const struct capture_file_stats *st, size_t conns, int64_t span_ns);

/* Connection n as a "connection" event at its first segment. */
void trace_file_report_conn(const struct report *r, const struct conn *c, size_t n);

/* One segment of the connection shown, at t_ns; A's view: what A sent is "out". */
void trace_file_report_segment(const struct report *r, struct trace_conn *tc, const struct tcp_segment *s,
			       int64_t t_ns, bool from_a);

/*
 * --ladder: connection c drawn as a ladder, A on the left rail, each
 * side's states inferred from the segments alone; box drawing where the
 * locale is UTF-8, else ASCII.  Times count from c's first segment.
 */
void trace_file_ladder_start(const struct report *r, struct ladder *l, const struct conn *c);
void trace_file_ladder_segment(const struct report *r, struct ladder *l, const struct conn *c,
			       const struct tcp_segment *s, int64_t t_ns);
void trace_file_ladder_finish(const struct report *r, struct ladder *l);

/* A capture without a TCP segment. */
void trace_file_report_empty(const struct report *r, const char *path, const struct capture_file_stats *st);

#endif
