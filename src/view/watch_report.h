/*
 * What `info --watch` prints every DUR: a header line for the report (or
 * a "watch" JSON object), then a line per socket with its interval
 * figures, new sockets marked, and for each socket that closed its last
 * totals.
 */
#ifndef TCPTOOL_WATCH_REPORT_H
#define TCPTOOL_WATCH_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "kernel/tcp_sock.h"
#include "net/interval.h"
#include "view/report.h"

/* One report of the watch. */
struct watch_block {
	unsigned long long number;   /* 0: the baseline, which has no figures yet */
	size_t sockets;              /* matching now */
	size_t opened, closed;       /* since the report before */
	size_t idle;                 /* nothing to report in the interval (see watch_report_idle) */
	long long interval_ms;
	time_t wall;                 /* when the sockets were read */
};

/*
 * The header line, without a newline: "14:02:03  3 sockets, 1 new, 1
 * closed", or for the baseline what it is.  Local time.  Returns the
 * length needed, as snprintf.
 */
size_t watch_format_header(char *buf, size_t size, const struct watch_block *b);

/*
 * A socket in brief: "127.0.0.1:40000 > 127.0.0.1:5000 ESTABLISHED
 * tcptool (pid 812)".  Returns the length needed.
 */
size_t watch_format_label(char *buf, size_t size, const struct tcp_sock *s);

/*
 * A closed socket's totals, since it began: "in all sent 1.25 MB, received
 * 0 B; retransmitted 0 segments".  Returns the length needed.
 */
size_t watch_format_totals(char *buf, size_t size, const struct flow_sample *last);

/* The header (JSON: a "watch" event). */
void watch_report_block(const struct report *r, const struct watch_block *b);

/*
 * One socket's interval (JSON: "interval" with its names, state and
 * owner); a new socket is marked, and in JSON announced first by a
 * "socket_opened" event.
 */
void watch_report_socket(const struct report *r, const struct tcp_sock *s, bool is_new,
			 const struct interval *iv);

/*
 * The sockets left out of a report as idle: no bytes either way, nothing
 * retransmitted, not new, the same state as at the report before.  For
 * people one line, "         9998 sockets idle (not shown; -v shows every
 * socket)"; in JSON the "idle" count of the "watch" event says it, so
 * this prints nothing.  Nothing either for 0.
 */
size_t watch_format_idle(char *buf, size_t size, size_t idle);
void watch_report_idle(const struct report *r, size_t idle);

/* A socket gone since the report before, as it was last seen (JSON: "socket_closed"). */
void watch_report_closed(const struct report *r, const struct tcp_sock *s, const struct flow_sample *last);

#endif
