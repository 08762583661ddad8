/* Adding up handshake probes for connect -c and -z: counts by result, min/avg/max/mdev. */
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
};

void probe_stats_add(struct probe_stats *s, const struct probe *p);

/* The probes that failed, whatever the reason. */
uint64_t probe_stats_failed(const struct probe_stats *s);

/*
 * Handshake times in ns: min, average, max and mean deviation (ping's
 * mdev: the standard deviation).  False when no handshake completed.
 */
bool probe_stats_times(const struct probe_stats *s, int64_t *min, int64_t *avg, int64_t *max,
		       int64_t *mdev);

#endif
