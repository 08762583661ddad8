/*
 * Adding up handshake probes for connect -c and -z: counts by result,
 * min/avg/max/mdev, percentiles, jitter, the longest outage and a
 * histogram of the handshake times.
 */
#ifndef TCPTOOL_PROBE_STATS_H
#define TCPTOOL_PROBE_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "net/probe.h"

/* What a run of probes adds up to, ping style. */
struct probe_stats {
	uint64_t sent;
	uint64_t by_result[PROBE_RESULTS];
	int64_t min_ns, max_ns;
	double sum_ms, sumsq_ms;   /* of the handshakes that completed */
	/* Every completed handshake's time, for percentiles (8 bytes a probe). */
	int64_t *ok_ns;
	size_t n_ok, cap_ok;
	bool sorted;
	/* Jitter: the mean difference between consecutive completed handshakes. */
	int64_t last_ok_ns;
	double jitter_sum_ns;
	uint64_t jitter_n;
	/* Runs of failures in a row: the one going on, and the longest. */
	uint64_t run, longest_run;
	int64_t run_start_ns, run_end_ns, longest_run_ns;
};

/* Adds probe p, which finished at done_ns (CLOCK_MONOTONIC). */
void probe_stats_add(struct probe_stats *s, const struct probe *p, int64_t done_ns);

/* Frees what probe_stats_add kept. */
void probe_stats_free(struct probe_stats *s);

/* The probes that failed, whatever the reason. */
uint64_t probe_stats_failed(const struct probe_stats *s);

/*
 * Handshake times in ns: min, average, max and mean deviation (ping's
 * mdev: the standard deviation).  False when no handshake completed.
 */
bool probe_stats_times(const struct probe_stats *s, int64_t *min, int64_t *avg, int64_t *max,
		       int64_t *mdev);

/*
 * The pct-th percentile of the completed handshakes (nearest rank: the
 * smallest time that at least pct% of them do not exceed).  False when
 * none completed.
 */
bool probe_stats_percentile(struct probe_stats *s, int pct, int64_t *ns);

/* The mean difference between consecutive completed handshakes; false with fewer than two. */
bool probe_stats_jitter(const struct probe_stats *s, int64_t *ns);

/*
 * The longest run of failed probes in a row, and how long it lasted:
 * from its first probe's start to its last one's end.  0 when none failed.
 */
uint64_t probe_stats_longest_outage(const struct probe_stats *s, int64_t *ns);

#define PROBE_HIST_BINS 8

/*
 * The completed handshakes counted in PROBE_HIST_BINS bins of equal width
 * from the fastest to the slowest: bin i holds [lo + i*width, lo +
 * (i+1)*width), the last one its upper end too.  False when none completed.
 */
bool probe_stats_histogram(const struct probe_stats *s, uint64_t bins[PROBE_HIST_BINS],
			   int64_t *lo, int64_t *width);

#endif
