/*
 * The live progress line on stderr: bytes each way, rate, elapsed time,
 * and with a known input size the share sent and the time left.  On a
 * terminal it is redrawn in place at most ten times a second and erased
 * before any other line; forced on anything else (--progress), it is a
 * plain line a second.
 */
#ifndef TCPTOOL_PROGRESS_H
#define TCPTOOL_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "view/report.h"

struct progress {
	FILE *out;
	bool on, tty;
	bool shown;                 /* drawn on the terminal and not yet erased */
	const bool *mid_line;       /* the peer's data on the same terminal ended mid-line */
	int64_t start_ns, next_ns;
	int64_t total;              /* bytes the input holds; -1: unknown */
	/* The rate is taken over about a second, so that it does not flicker. */
	int64_t rate_at_ns;
	uint64_t rate_out, rate_in;   /* the counts at rate_at_ns */
	double out_rate, in_rate;
};

/* mode: -1 never, 0 where r's stream is a terminal, 1 always.  Never with --json or -q. */
void progress_init(struct progress *p, struct report *r, int mode, int64_t total);

/* Redraws when it is due; returns when it is next due (0: never). */
int64_t progress_update(struct progress *p, uint64_t bytes_out, uint64_t bytes_in);

/* Erases the line from the terminal (before data shares it, and at the end). */
void progress_erase(struct progress *p);

/* Detaches p from r; call before p goes away. */
void progress_end(struct progress *p, struct report *r);

/*
 * The line itself: "sent 12.5 MB (1.25 MB/s), received 0 B, 0:10" and
 * with total >= 0 ", 45% of 27.7 MB, 0:12 left".  Returns the length needed.
 */
size_t progress_format(char *buf, size_t size, uint64_t bytes_out, uint64_t bytes_in,
		       double out_rate, double in_rate, int64_t elapsed_ns, int64_t total);

#endif
