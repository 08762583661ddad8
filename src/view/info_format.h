/*
 * Pure formatters for `info`: the socket table, the explained rows of what
 * a connection negotiated, and their JSON fields.  They read structs that
 * the readers filled and write text; nothing here touches a socket.
 */
#ifndef TCPTOOL_INFO_FORMAT_H
#define TCPTOOL_INFO_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "view/report.h"
#include "kernel/socklist.h"
#include "net/tcpinfo.h"

/*
 * One explained row: a name, its value, and what it means, which
 * info_format_rows() lays out as
 *
 *   sack           yes
 *       selective ACKs: the receiver reports what it holds,
 *       so only lost segments are resent
 */
struct info_row {
	const char *name;
	char value[128];
	char meaning[320];
};

#define INFO_ROWS_MAX 24

/*
 * The widest line info_format_rows() writes unless told less, and the
 * least it accepts (the longest setting name and a value column fit).
 */
#define INFO_WIDTH 80
#define INFO_WIDTH_MIN 60

/*
 * The rows explaining what a connection negotiated and where it stands;
 * verbose adds the finer counters.  congestion may be NULL.  we_opened:
 * this end sent the first SYN (connect()), rather than accepting it; the
 * byte counts depend on it (see info_data_bytes).  Returns the number of
 * rows written (at most max).
 */
size_t info_negotiated_rows(const struct tcp_summary *s, const char *congestion, int verbose,
			    bool we_opened, struct info_row *rows, size_t max);

/*
 * The data bytes of a connection, from tcp_info's counters less the
 * sequence numbers that the SYN and FIN use, which the kernel counts as one
 * byte each: *out, our bytes the peer acknowledged; *in, the bytes we
 * received.  Never below 0.  In state CLOSE the kernel no longer says which
 * FINs went through, so the counts are only approximate there.
 */
void info_data_bytes(const struct tcp_summary *s, bool we_opened, uint64_t *out, uint64_t *in);

/*
 * Renders rows as lines no wider than width (clamped to INFO_WIDTH_MIN ..
 * INFO_WIDTH), each ending in a newline: per row, the name and the value
 * in aligned columns, then the meaning under them, indented and wrapped at
 * word boundaries, preferring the end of a clause.  A header row (NULL:
 * none) goes first in the same layout.  Returns the length needed.
 */
size_t info_format_rows(char *buf, size_t size, const struct info_row *header,
			const struct info_row *rows, size_t n, int width);

/*
 * The JSON fields of a tcp_summary (congestion may be NULL), written to f
 * with F_END after them; f needs INFO_TCP_FIELDS + 1 entries.  Returns the
 * number of fields.
 */
#define INFO_TCP_FIELDS 20
size_t info_tcp_fields(const struct tcp_summary *s, const char *congestion, struct field *f);

/* Column widths of the socket table, wide enough for every row. */
struct sock_columns {
	int local, peer;
};

void info_sock_columns(const struct tcp_sock *v, size_t n, struct sock_columns *w);

/* The table's header line, without a newline.  Returns the length needed. */
size_t info_format_header(char *buf, size_t size, const struct sock_columns *w);

/* One socket as a table row, without a newline.  Returns the length needed. */
size_t info_format_sock(char *buf, size_t size, const struct tcp_sock *s,
			const struct sock_columns *w);

/*
 * The -v line under a row: timer, queue or tcp_info.  Returns the length
 * needed; 0 when there is nothing to add.
 */
size_t info_format_sock_detail(char *buf, size_t size, const struct tcp_sock *s);

/* One socket as a JSON "socket" event at time t_ns.  Returns the length needed. */
size_t info_format_sock_json(char *buf, size_t size, const struct tcp_sock *s, int verbose,
			     int64_t t_ns);

#endif
