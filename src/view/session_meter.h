/*
 * Watching one connection while the relay runs: an interval report every
 * -i, the progress line, and at the end the last part-interval and the
 * figures for the whole connection.
 */
#ifndef TCPTOOL_SESSION_METER_H
#define TCPTOOL_SESSION_METER_H

#include <stdbool.h>
#include <stdint.h>

#include "net/interval.h"
#include "view/progress.h"
#include "view/report.h"

struct session_meter {
	const struct report *r;
	int fd;
	long long interval_ms;      /* 0: no interval reports */
	int64_t next_interval_ns;
	struct flow_sample first, last;
	struct progress progress;   /* off unless session_meter_progress() started it */
	struct report *progress_r;  /* the report the progress line is tied to */
	bool have_base;
	uint64_t acked_base;        /* tcpi_bytes_acked at the start: the SYN's 1, or 0 on an accepted socket */
};

/*
 * Starts watching socket fd: an interval report every interval_ms (0:
 * none) on r.  Returns when the meter first wants a tick (0: never).
 */
int64_t session_meter_start(struct session_meter *m, const struct report *r, int fd,
			    long long interval_ms);

/*
 * Adds the progress line on r (mode as progress_init takes it) for an
 * input of total bytes (-1: not known).  Returns when it is first drawn
 * (0: never).
 */
int64_t session_meter_progress(struct session_meter *m, struct report *r, int mode, int64_t total);

/*
 * A tick, with the bytes written to and read from the socket so far:
 * reports what is due, returns when the next tick is due (0: none).
 */
int64_t session_meter_tick(struct session_meter *m, uint64_t bytes_out, uint64_t bytes_in);

/* Before the relay writes the peer's data to a terminal the progress line is on. */
void session_meter_before_output(struct session_meter *m);

/*
 * Ends the watch, with the socket still open: erases the progress line,
 * reports the last part-interval and the whole connection.
 */
void session_meter_finish(struct session_meter *m, uint64_t bytes_out, uint64_t bytes_in);

/*
 * The bytes of 'written' that the peer has acknowledged, by ti (read on
 * the meter's socket); 'written' where the kernel does not say.
 */
uint64_t session_meter_delivered(const struct session_meter *m, const struct tcp_summary *ti,
				 uint64_t written);

#endif
