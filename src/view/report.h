/*
 * The one place that renders events and errors: a short line for people,
 * or with --json one JSON object per line with stable keys.
 */
#ifndef TCPTOOL_REPORT_H
#define TCPTOOL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/format.h"  /* the formatters events use */

/*
 * Another source of events that must come out in time order with ours
 * (the --trace capture): drained before each event, and its fd joins the
 * waits of the loops that sit idle, so its events come out as they happen.
 */
struct event_source {
	int fd;
	void (*drain)(struct event_source *s);
	/*
	 * Hears of our system calls on the connection ("connect()", "send()"
	 * with the bytes it took, "shutdown(SHUT_WR)", "close()"), to draw them
	 * where they happened (the ladder); NULL: not interested.
	 */
	void (*call)(struct event_source *s, int64_t at_ns, const char *call, long long bytes);
	/* Before another event's line: what the source holds back is printed first (NULL: nothing held). */
	void (*settle)(struct event_source *s);
};

struct report {
	FILE *out;       /* the event stream */
	bool json;
	bool quiet;      /* no events; errors still print */
	int verbose;
	int64_t t0_ns;   /* events carry "t", seconds since this moment */
	bool batch;      /* leave flushing to the caller (an event loop flushes once a round) */
	bool stamp;      /* a timeline: human lines start with "t+MS", ms since t0 */
	/* With stamp: how a line starts instead ("  0.031 ms  " among the ladder's rows); NULL: "t+MS". */
	char *(*stamp_fn)(int64_t t_ns, char *buf, size_t size);
	struct event_source *source;   /* NULL: none */
	/*
	 * Where data and events share one terminal: true while the data shown
	 * last did not end a line, so that the next event starts a line of its
	 * own (and clears it).  NULL: the events have their stream to themselves.
	 */
	bool *mid_line;
	/*
	 * True while a status line (the progress line) stands drawn on the
	 * terminal of r's stream: the next line of ours erases it first.
	 * NULL: no status line.
	 */
	bool *status_shown;
};

enum field_type { FIELD_STR, FIELD_INT, FIELD_MS, FIELD_BOOL };

struct field {
	const char *key;
	enum field_type type;
	const char *s;   /* FIELD_STR; NULL leaves the field out */
	int64_t i;       /* FIELD_INT, FIELD_BOOL, FIELD_MS (nanoseconds) */
};

#define F_STR(k, v) ((struct field){ .key = (k), .type = FIELD_STR, .s = (v) })
#define F_INT(k, v) ((struct field){ .key = (k), .type = FIELD_INT, .i = (int64_t)(v) })
#define F_MS(k, ns) ((struct field){ .key = (k), .type = FIELD_MS, .i = (ns) })
#define F_BOOL(k, v) ((struct field){ .key = (k), .type = FIELD_BOOL, .i = !!(v) })
#define F_END ((struct field){ .key = NULL })

void report_init(struct report *r, FILE *out, bool json, bool quiet, int verbose);

/*
 * Renders one event into buf, without a newline: 'human' as it is, or
 * {"event":..., "t":..., fields...} with --json.  A pure function of its
 * arguments.  Returns the length it needed, as snprintf does.
 */
size_t report_format(char *buf, size_t size, bool json, const char *event, int64_t t_ns,
		     const char *human, const struct field *fields);

/* Prints one event (fields end with F_END); nothing under --quiet. */
void report_event(const struct report *r, const char *event, const struct field *fields,
		  const char *human_fmt, ...) __attribute__((format(printf, 4, 5)));

/* The same for an event that happened at at_ns (CLOCK_MONOTONIC), for the event source itself. */
void report_event_at(const struct report *r, int64_t at_ns, const char *event,
		     const struct field *fields, const char *human_fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * Tells the event source of a system call of ours that began at at_ns
 * (bytes: what it moved, or -1).
 */
void report_call(const struct report *r, int64_t at_ns, const char *call, long long bytes);

/*
 * Prints lines drawn whole (the ladder), each ended by '\n', as they are:
 * no stamp, not under --json or --quiet.
 */
void report_picture(const struct report *r, const char *lines);

/* Prints what the event source has for us now. */
void report_drain_source(const struct report *r);

/*
 * Prints an error: "tcptool: message" on stderr, or with --json an
 * {"event":"error","message":...} object in the event stream (and the plain
 * line too when that stream is not stderr).  Never silenced by --quiet.
 */
void report_error(const struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True when stdout and the stream f are one terminal, where data and events meet. */
bool report_shares_terminal(FILE *f);

#endif
